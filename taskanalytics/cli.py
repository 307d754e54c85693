"""The ``taskanalytics`` command line: thin wrappers over library functions.

Only this module prints and sets exit codes. Every library error (``TaskAnalyticsError``) is
shown as one clear message on stderr with exit code 1; usage errors exit with 2, except a
malformed ``--quarter``: it is reported as a usage error naming the accepted spellings but exits
with 1, like a bad ``--as-of`` date, so both bad values of a run fail the same way.

The edges resolve once: ``--quarter`` becomes a :class:`~taskanalytics.quarters.Quarter` (the
:data:`QUARTER` parameter type) and ``--plan``/``--store`` absolute paths
(:func:`taskanalytics.config.resolve`) before any library call.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from taskanalytics import config
from taskanalytics.errors import TaskAnalyticsError
from taskanalytics.quarters import QUARTER_FORMS, Quarter


class _BadQuarter(click.BadParameter):
    # A bad quarter exits 1 like every other bad value of a run (see the module docstring).
    exit_code = 1


class QuarterType(click.ParamType):
    """A click parameter type: the option's text becomes a :class:`Quarter`, parsed once here.

    Examples
    --------
    >>> QUARTER.convert("2023年第二季度", None, None)
    Quarter('2023Q2')
    """

    name = "quarter"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Quarter:
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(value)
        except TaskAnalyticsError:
            raise _BadQuarter(
                f"{value!r} is not a quarter; accepted: {QUARTER_FORMS}", ctx=ctx, param=param
            ) from None


#: The ``--quarter`` type of every command.
QUARTER = QuarterType()

PLAN_OPTION = click.option(
    "--plan",
    "plan_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Work-plan document (default: the bundled one in data/raw/).",
)


STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Progress store (default: ${config.STORE_ENV_VAR} or data/progress/progress.sqlite).",
)


def out_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--out DIR`` option, with each command's own default described."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


def _store(store_path: Path | None) -> Path:
    return config.resolve(store=store_path).store


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TaskAnalyticsError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper


def _load_plan(plan_path: Path | None):
    from taskanalytics.plan.build import read_plan

    return read_plan(config.resolve(plan_path).plan_path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="taskanalytics")
def main() -> None:
    """Monitor a district government's yearly work plan (政府工作报告任务分解)."""


@main.command()
@click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
@PLAN_OPTION
@out_option("Directory for the tidy tables (default: data/processed/).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "parquet"]),
    default="csv",
    show_default=True,
    help="csv: one UTF-8 (BOM) file per table; xlsx: one workbook; parquet needs pyarrow.",
)
@click.option("--year", type=int, default=None, help="Plan year, for ledgers that do not say.")
@_handle_errors
def parse(
    source: Path | None, plan_path: Path | None, out_dir: Path | None, fmt: str, year: int | None
) -> None:
    """Parse a plan (.txt export, .docx, .xlsx, .csv) and write its tidy tables."""
    from taskanalytics.plan.build import read_plan
    from taskanalytics.plan.export import write_tables

    plan = read_plan(config.resolve(source or plan_path).plan_path, year=year)
    out_dir = out_dir or config.DATA_DIR / "processed"
    for path in write_tables(plan, out_dir, fmt=fmt):
        click.echo(f"wrote {path}")


@main.command()
@PLAN_OPTION
@_handle_errors
def audit(plan_path: Path | None) -> None:
    """Print the data-quality findings about the source document."""
    from taskanalytics.plan.audit import audit as run_audit

    plan = _load_plan(plan_path)
    findings = run_audit(plan)
    for row in findings.itertuples(index=False):
        where = " ".join(str(x) for x in (row.task_id, row.milestone_id) if isinstance(x, str))
        click.echo(f"{row.check:<22} {where:<16} {row.detail}")
    click.echo(f"{len(findings)} finding(s)")


@main.command()
@click.option(
    "--quarter",
    "-q",
    type=QUARTER,
    default=None,
    help="Run every briefing of this quarter (2023Q2).",
)
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="Data as-of date YYYY-MM-DD (default: the earlier of today and the quarter end).",
)
@click.option(
    "--notebook", "-n", "name", default=None, help="Run only this notebook of notebooks/."
)
@click.option(
    "--parameter",
    "-p",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="With --notebook: a parameter passed to papermill (repeatable). Values are strings.",
)
@out_option("Reports root (default: reports/); a quarter goes to <out>/<quarter>/.")
@click.option("--workers", default=2, show_default=True, help="Kernels run in parallel.")
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def run(
    quarter: Quarter | None, as_of: str | None, name: str | None,
    params: tuple[tuple[str, str], ...], out_dir: Path | None, workers: int,
    store_path: Path | None, plan_path: Path | None,
) -> None:  # fmt: skip
    """Execute report notebooks with papermill and export offline HTML briefings.

    With --quarter: the overview, one briefing per lead unit, per leader and per indicator,
    and the source audit, published together to <out>/<quarter>/ with an index.html, or not at
    all. With --notebook: one briefing alone.
    """
    paths = config.resolve(plan_path, store_path)
    if name is not None:
        from taskanalytics.runner import run_notebook

        # the shared options are parameters too, so --store is never silently ignored; paths go
        # absolute, as the kernel runs in notebooks/
        given = {
            "quarter": quarter,
            "as_of": as_of,
            "plan_path": paths.plan_path if plan_path is not None else None,
            "store": paths.store if store_path is not None else None,
        }
        shared = {k: str(v) for k, v in given.items() if v is not None}
        html = run_notebook(name, parameters={**shared, **dict(params)}, output_dir=out_dir)
        click.echo(f"wrote {html}")
        return
    if quarter is None:
        raise click.UsageError("give --quarter (the whole quarterly run) or --notebook NAME")
    _run_quarter(quarter, as_of=as_of, out_dir=out_dir, workers=workers, paths=paths)


def _run_quarter(
    quarter: Quarter, *, as_of: str | None, out_dir: Path | None, workers: int,
    paths: config.Resolved,
) -> None:  # fmt: skip
    from tqdm import tqdm

    from taskanalytics.plan.build import read_plan
    from taskanalytics.quarterly import quarterly_briefings, run_quarter

    plan_path, store = paths.plan_path, paths.store
    jobs = quarterly_briefings(
        read_plan(plan_path), quarter, as_of=as_of, plan_path=plan_path, store=store
    )
    with tqdm(total=len(jobs), desc=f"{quarter} briefings", unit="份") as bar:
        result = run_quarter(
            quarter, as_of=as_of, plan_path=plan_path, store=store, out_dir=out_dir,
            workers=workers, briefings=jobs, on_done=lambda job: bar.update(1),
        )  # fmt: skip
    t = result.timings
    click.echo(
        f"{len(result.briefings)} briefings written to {result.out_dir} in {result.seconds:.1f} s "
        f"(execute {t['execute_s'].sum():.1f} s, export {t['export_s'].sum():.1f} s, "
        f"{workers} kernel(s)); 0 failures"
    )
    click.echo(f"index: {result.index}")


@main.command()
@click.option(
    "--quarter", "-q", type=QUARTER, required=True, help="Reporting quarter, e.g. 2023Q2."
)
@click.option("--unit", "units", multiple=True, help="Only this lead unit (repeatable).")
@out_option("Directory for the .xlsx files (default: data/progress/templates/QUARTER/).")
@click.option("--overwrite", is_flag=True, help="Replace existing files of the same name.")
@PLAN_OPTION
@_handle_errors
def template(
    quarter: Quarter, units: tuple[str, ...], out_dir: Path | None, overwrite: bool,
    plan_path: Path | None,
) -> None:  # fmt: skip
    """Write the quarter's Excel reporting templates, one per lead unit."""
    from taskanalytics.progress.templates import write_templates

    plan = _load_plan(plan_path)
    out_dir = out_dir or config.PROGRESS_DIR / "templates" / quarter.label
    paths = write_templates(plan, quarter, out_dir, units=units or None, overwrite=overwrite)
    click.echo(f"wrote {len(paths)} template(s) to {out_dir}")
    for path in paths:
        click.echo(f"  {path.name}")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--as-of", "as_of", default=None, help="As-of date YYYY-MM-DD (default: from the file)."
)
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def ingest(
    files: tuple[Path, ...], as_of: str | None, store_path: Path | None, plan_path: Path | None
) -> None:
    """Validate filled templates (.xlsx or .csv) and add them to the progress store."""
    from taskanalytics.progress.store import ingest_files

    plan = _load_plan(plan_path)
    store = _store(store_path)
    result = ingest_files(files, plan=plan, store=store, as_of=as_of)
    for f in result.ingested:
        click.echo(
            f"ingested: {f.path.name} ({f.unit} {f.quarter}, {f.n_reports} reports, "
            f"{f.n_values} values)"
        )
    for f in result.skipped:
        click.echo(f"skipped (already in store, same content): {f.path.name}")
    click.echo(f"store: {store}")


@main.command("demo-progress")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@click.option(
    "--quarter",
    "quarters",
    type=QUARTER,
    multiple=True,
    help="Quarter to fill (default 2023Q1..Q4).",
)
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def demo_progress(
    seed: int, quarters: tuple[Quarter, ...], store_path: Path | None, plan_path: Path | None
) -> None:
    """Fill the templates with synthetic progress (示例数据) and ingest them."""
    from taskanalytics.progress.demo import DEMO_QUARTERS, build_demo_progress

    plan = _load_plan(plan_path)
    store = _store(store_path)
    result = build_demo_progress(plan, store=store, seed=seed, quarters=quarters or DEMO_QUARTERS)
    click.echo(
        f"synthetic progress (示例数据): {len(result.ingested)} file(s) ingested, "
        f"{len(result.skipped)} already present -> {store}"
    )


@main.command()
@out_option("Reports root (default: reports/); the quarter goes to <out>/<quarter>/.")
@STORE_OPTION
@_handle_errors
def demo(out_dir: Path | None, store_path: Path | None) -> None:
    """The main job on the bundled data: demo progress if no real reports, then the latest
    quarter's briefings (reports/2023Q4/index.html)."""
    from taskanalytics.progress.demo import DEMO_QUARTERS, build_demo_progress
    from taskanalytics.progress.store import load_progress_history

    plan = _load_plan(None)
    store = _store(store_path)
    history = load_progress_history(store, plan=plan)
    if history.empty or history["is_synthetic"].all():
        result = build_demo_progress(plan, store=store, quarters=DEMO_QUARTERS)
        click.echo(
            f"no real reports in {store}: synthetic progress (示例数据) "
            f"{len(result.ingested)} file(s) ingested, {len(result.skipped)} already present"
        )
    else:
        click.echo(f"real reports found in {store}: no synthetic data added")
    _run_quarter(Quarter.parse(DEMO_QUARTERS[-1]), as_of=None, out_dir=out_dir, workers=2,
                 paths=config.resolve(None, store))  # fmt: skip


if __name__ == "__main__":  # pragma: no cover
    main()
