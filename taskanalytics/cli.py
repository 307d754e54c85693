"""The ``taskanalytics`` command line: thin wrappers over library functions.

Only this module prints and sets exit codes. Every library error (``TaskAnalyticsError``) is
shown as one clear message on stderr with exit code 1; usage errors exit with 2, except a
malformed ``--quarter``: it is reported as a usage error naming the accepted spellings but exits
with 1, like a bad ``--as-of`` date, so both bad values of a run fail the same way. Anything
else is a bug: it is shown as one line ``内部错误（internal error）: <type>: <message>`` naming a
log file that holds the traceback (:func:`internal_error_log`), with exit code 70 (``EX_SOFTWARE``
of ``sysexits.h``); a traceback never reaches the terminal.

The edges resolve once: ``--quarter`` becomes a :class:`~taskanalytics.quarters.Quarter` (the
:data:`QUARTER` parameter type), the workspace (``taskanalytics.toml``,
:mod:`taskanalytics.workspace`) is read with ``--store``/``--out`` applied over it, and
``--plan`` (a plan's name in the workspace, or a plan file) becomes a plan entry, before any
library call.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from taskanalytics import config
from taskanalytics.errors import TaskAnalyticsError, ValidationError, WorkspaceError
from taskanalytics.quarters import QUARTER_FORMS, Quarter
from taskanalytics.workspace import (
    WORKSPACE_ENV_VAR,
    WORKSPACE_FILE,
    PlanEntry,
    PlanVersionEntry,
    Workspace,
    load_workspace,
)


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
    default=None,
    metavar="NAME|FILE",
    help="A plan named in taskanalytics.toml, or a plan document (default: the workspace's "
    "first plan; without a workspace, the bundled one in data/raw/).",
)


STORE_OPTION = click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Progress store (default: the workspace's, else "
    f"${config.STORE_ENV_VAR}, else data/progress/progress.sqlite).",
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


#: Exit code of an internal error (a bug, not a bad input): ``EX_SOFTWARE`` of ``sysexits.h``.
EXIT_INTERNAL = 70

#: How an internal error's line starts.
INTERNAL_ERROR = "内部错误（internal error）: "


def _log_dirs() -> list[Path]:
    """Where internal-error logs may go, in order: ``$XDG_CACHE_HOME/taskanalytics`` (default
    ``~/.cache/taskanalytics``), then the system temp folder."""
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return [Path(cache) / "taskanalytics", Path(tempfile.gettempdir())]


def internal_error_log(exc: BaseException) -> Path | None:
    """Write the traceback of an unexpected exception to a new log file; return its path.

    The file, ``internal-error-<time>-<pid>.log`` in the first writable folder of
    ``$XDG_CACHE_HOME/taskanalytics`` (``~/.cache/taskanalytics``) and the system temp folder,
    holds the command line, the versions and the traceback. None when no folder is writable.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("taskanalytics")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        ours = "unknown"
    try:
        here = os.getcwd()
    except OSError as err:  # the working directory was removed
        here = f"({err})"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"command: {' '.join(sys.argv)}\nworking directory: {here}\n"
        f"taskanalytics {ours}, Python {sys.version.split()[0]}, {sys.platform}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    for folder in _log_dirs():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"internal-error-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _fail(exc: Exception) -> NoReturn:
    """Report a failure on stderr and exit: a library error in its own words (exit 1), anything
    else as one line naming a log file with the traceback (exit :data:`EXIT_INTERNAL`)."""
    if isinstance(exc, TaskAnalyticsError):
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if isinstance(exc, BrokenPipeError):  # `taskanalytics parse --inspect | head`: not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second BrokenPipeError when Python exits
        sys.exit(EXIT_BROKEN_PIPE)
    log = internal_error_log(exc)
    said = " ".join(str(exc).split())  # one line, whatever the message holds
    where = (
        f"the traceback is in {log}; please report it with that file"
        if log
        else "the traceback could not be written to a log file"
    )
    click.echo(f"{INTERNAL_ERROR}{type(exc).__name__}: {said or '(no message)'}; {where}", err=True)
    sys.exit(EXIT_INTERNAL)


#: Exit status when the reader of our output went away (128 + SIGPIPE, as shells report it).
EXIT_BROKEN_PIPE = 141

#: click's own exceptions (usage errors, --help, aborts) go through untouched.
_CLICK_OWN = (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort)


def _handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except _CLICK_OWN:
            raise
        except Exception as exc:  # noqa: BLE001 - the edge: nothing escapes as a traceback
            _fail(exc)

    return wrapper


class _Main(click.Group):
    """The command group; whatever a command raises is reported by :func:`_fail` (a command
    without ``_handle_errors`` too)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _CLICK_OWN:
            raise
        except Exception as exc:  # noqa: BLE001 - the edge: nothing escapes as a traceback
            _fail(exc)


@dataclass(frozen=True)
class _Chosen:
    """A plan picked on the command line: its workspace entry and the name it goes by."""

    entry: PlanEntry
    name: str | None

    def path_at(self, day: dt.date | None = None) -> Path:
        """The plan document in force on ``day`` (default: the latest version)."""
        return self.entry.path if day is None else self.entry.version_at(day).path

    def read(self, day: dt.date | None = None) -> Any:
        from taskanalytics.plan.build import read_plan

        return read_plan(self.path_at(day), name=self.name, **self.entry.read_options)


def _parse_maps(maps: tuple[str, ...]) -> dict[str, str | None]:
    """``--map 项目内容=task`` options as a mapping (``skip`` skips the column)."""
    out: dict[str, str | None] = {}
    for item in maps:
        header, sep, column = item.partition("=")
        if not sep or not header.strip() or not column.strip():
            raise click.BadParameter(f"expected HEADER=COLUMN, got {item!r}", param_hint="--map")
        out[header.strip()] = None if column.strip() == "skip" else column.strip()
    return out


def _workspace(store_path: Path | None = None, out_dir: Path | None = None) -> Workspace:
    """The workspace (``--workspace``, else found) with the command's flags applied."""
    ctx = click.get_current_context()
    file = (ctx.find_root().obj or {}).get("workspace")
    return load_workspace(file).with_overrides(store=store_path, output=out_dir)


def _choose(ws: Workspace, plan: str | Path | None) -> list[_Chosen]:
    """The plans a command works on: ``--plan`` NAME or FILE, else every plan of the workspace."""
    if plan is None:
        return [_Chosen(entry, entry.name) for entry in ws.plans]
    value = str(plan)
    if value in ws.plan_names():
        entry = ws.plan(value)
        return [_Chosen(entry, entry.name)]
    path = Path(value).expanduser()
    if path.suffix or path.exists():  # a document, named by its path
        return [_Chosen(PlanEntry(None, (PlanVersionEntry(path.resolve()),)), None)]
    return [_Chosen(ws.plan(value), value)]  # raises, listing the names there are


def _one(ws: Workspace, plan: str | Path | None, command: str) -> _Chosen:
    """The single plan a command needs; with several in the workspace, ``--plan`` is required."""
    chosen = _choose(ws, plan)
    if len(chosen) > 1:
        raise WorkspaceError(
            f"{ws.file}: {len(chosen)} plans ({', '.join(ws.plan_names())}); "
            f"say which one: taskanalytics {command} --plan NAME"
        )
    return chosen[0]


def _migrate(ws: Workspace) -> None:
    """Open an existing store with the workspace's plans, so a store from before plans were
    recorded is migrated (each plan document read once)."""
    from taskanalytics.progress.store import open_store

    if ws.store.exists():
        open_store(ws.store, plans=[_Chosen(e, e.name).read() for e in ws.plans])


def _register_versions(ws: Workspace, chosen: _Chosen) -> None:
    """Register a revised plan's versions, each in force from its ``from`` date, so templates
    and pages know them (a plan of one version is registered by its first use)."""
    if len(chosen.entry.versions) < 2:
        return
    from taskanalytics.plan.build import read_plan
    from taskanalytics.progress.store import register_plan

    for version in chosen.entry.versions:
        plan = read_plan(version.path, name=chosen.name, **chosen.entry.read_options)
        register_plan(ws.store, plan, effective_from=version.effective_from)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="taskanalytics")
@click.option(
    "--workspace",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Settings file (default: ${WORKSPACE_ENV_VAR}, else {WORKSPACE_FILE} in this folder "
    "or a parent; without one, the bundled plan and the default store).",
)
@click.pass_context
def main(ctx: click.Context, workspace: Path | None) -> None:
    """Monitor a district government's yearly work plan (政府工作报告任务分解)."""
    ctx.obj = {"workspace": workspace}


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
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="HEADER=COLUMN",
    help="Read a header as a contract column (task, milestones, deadline, lead_units, "
    "responsible_units, leaders, number, category, subcategory) or 'skip'; repeatable. "
    "Adds to the workspace plan's [plans.mapping].",
)
@click.option(
    "--inspect",
    is_flag=True,
    help="Print what was read — each table's column mapping, every task with its milestones "
    "and targets, every guess the parser made — and write nothing.",
)
@click.option("--brief", is_flag=True, help="With --inspect: one line per task, no milestones.")
@_handle_errors
def parse(
    source: Path | None,
    plan_path: str | None,
    out_dir: Path | None,
    fmt: str,
    year: int | None,
    maps: tuple[str, ...],
    inspect: bool,
    brief: bool,
) -> None:
    """Parse a plan (.txt export, .docx, .xlsx, .csv) and write its tidy tables.

    With --inspect, print what the reader made of it instead: check a new district's table
    this way, then fix a column with --map (or a mapping in the workspace) before trusting it.
    """
    from taskanalytics.plan.build import read_plan
    from taskanalytics.plan.export import write_tables

    if source is not None:
        path, name, options = config.resolve(source).plan_path, None, {"mapping": None}
    else:
        chosen = _one(_workspace(), plan_path, "parse")
        path, name, options = chosen.path_at(), chosen.name, chosen.entry.read_options
    mapping = {**(options.get("mapping") or {}), **_parse_maps(maps)} or None
    year = year if year is not None else options.get("year")
    if inspect:
        from taskanalytics.plan.inspect import inspect_plan

        for line in inspect_plan(path, year=year, mapping=mapping).lines(milestones=not brief):
            click.echo(line)
        return
    plan = read_plan(path, year=year, name=name, mapping=mapping)
    out_dir = out_dir or config.DATA_DIR / "processed"
    for path in write_tables(plan, out_dir, fmt=fmt):
        click.echo(f"wrote {path}")


@main.command()
@PLAN_OPTION
@_handle_errors
def audit(plan_path: str | None) -> None:
    """Print the data-quality findings about the source document."""
    from taskanalytics.plan.audit import audit as run_audit

    plan = _one(_workspace(), plan_path, "audit").read()
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
@out_option(
    "Reports root (default: the workspace's output, else reports/); a quarter goes to "
    "<out>/<plan>/<quarter>/."
)
@click.option(
    "--workers", type=int, default=None, help="Kernels run in parallel (default: one per core)."
)
@click.option(
    "--min-units",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="With --quarter: refuse to publish when fewer than N lead units with milestones due "
    "reported in the quarter (default: half of them; 0: no minimum).",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="With --quarter: publish even when the store is missing, has no report of the "
    "quarter or too few units reported (the pages then say 未报送).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="With --quarter: also print every page to pdf/<page>.pdf with headless Chromium "
    "(its print stylesheet: A4, 数据截至 and page numbers), published with the pages.",
)
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def run(
    quarter: Quarter | None, as_of: str | None, name: str | None,
    params: tuple[tuple[str, str], ...], out_dir: Path | None, workers: int | None,
    min_units: int | None, allow_empty: bool, pdf: bool, store_path: Path | None,
    plan_path: str | None,
) -> None:  # fmt: skip
    """Execute report notebooks with papermill and export offline HTML briefings.

    With --quarter: for each plan of the workspace (or the one --plan names), the overview,
    one briefing per lead unit, per leader and per indicator, and the source audit, published
    together to <out>/<plan>/<quarter>/ with an index.html, or not at all; <out>/index.html
    links every plan's quarters. A plan whose store is missing, has no report dated in the
    quarter or too few units reporting is not published (exit 1; see --min-units and
    --allow-empty). With --notebook: one briefing alone.
    """
    ws = _workspace(store_path, out_dir)
    if name is not None:
        from taskanalytics.runner import run_notebook

        chosen = _one(ws, plan_path, "run --notebook")
        # the shared options are parameters too, so --store is never silently ignored; paths go
        # absolute, as the kernel runs in notebooks/
        given = {
            "quarter": quarter,
            "as_of": as_of,
            "plan_path": chosen.path_at(quarter.end if quarter else None),
            "store": ws.store,
        }
        shared: dict[str, Any] = {k: str(v) for k, v in given.items() if v is not None}
        options = {k: v for k, v in chosen.entry.read_options.items() if v is not None}
        if options:  # a workspace plan's mapping and year reach the notebook too
            shared["plan_options"] = options
        extra = {
            k: str(Path(v).expanduser().resolve()) if k in ("plan_path", "store") else v
            for k, v in params
        }  # a path given with -p names the same file as from here
        html = run_notebook(name, parameters={**shared, **extra}, output_dir=ws.output)
        click.echo(f"wrote {html}")
        return
    if quarter is None:
        raise click.UsageError("give --quarter (the whole quarterly run) or --notebook NAME")
    from taskanalytics.assess.engine import resolve_quarter

    _, day = resolve_quarter(quarter, as_of)  # a bad date fails before any plan is read
    published, failed = 0, 0
    _migrate(ws)
    for chosen in _choose(ws, plan_path):
        try:
            if ws.store.exists() or allow_empty:  # a missing store is refused, not created
                _register_versions(ws, chosen)
            _run_quarter(
                quarter, as_of=as_of, day=day, workers=workers, ws=ws, chosen=chosen,
                min_units=min_units, allow_empty=allow_empty, pdf=pdf,
            )  # fmt: skip
            published += 1
        except TaskAnalyticsError as exc:  # the other plans are still published
            click.echo(f"error: {exc}", err=True)
            failed += 1
    if published:
        click.echo(f"all plans: {ws.output / 'index.html'}")
    if failed:
        sys.exit(1)


def _run_quarter(
    quarter: Quarter, *, as_of: str | None, day: dt.date, workers: int | None, ws: Workspace,
    chosen: _Chosen, min_units: int | None = None, allow_empty: bool = False, pdf: bool = False,
) -> None:  # fmt: skip
    from tqdm import tqdm

    from taskanalytics.quarterly import quarterly_briefings, run_quarter

    plan_path = chosen.path_at(day)  # the version in force on the as-of date
    plan = chosen.read(day)
    options = chosen.entry.read_options
    jobs = quarterly_briefings(
        plan, quarter, as_of=as_of, plan_path=plan_path, store=ws.store, plan_options=options
    )
    label = chosen.name or "plan"
    bars: list[Any] = []  # shown once the run's checks have passed, not before a refusal

    def start(total: int) -> None:
        bars.append(tqdm(total=total, desc=f"{label} {quarter} briefings", unit="份"))

    try:
        result = run_quarter(
            quarter, as_of=as_of, plan_path=plan_path, store=ws.store, out_dir=ws.output,
            workers=workers, briefings=jobs, on_start=start,
            on_done=lambda job: bars[0].update(1), plan_name=chosen.name, min_units=min_units,
            allow_empty=allow_empty, plan_options=options, pdf=pdf,
        )  # fmt: skip
    finally:
        for bar in bars:
            bar.close()
    t = result.timings
    click.echo(
        f"{len(result.briefings)} briefings written to {result.out_dir} in {result.seconds:.1f} s "
        f"(execute {t['execute_s'].sum():.1f} s, export {t['export_s'].sum():.1f} s, "
        f"{len(result.kernel_start_s) or workers} kernel(s)); 0 failures"
    )
    click.echo(f"index: {result.index}")


@main.command()
@click.option(
    "--quarter", "-q", type=QUARTER, required=True, help="Reporting quarter, e.g. 2023Q2."
)
@click.option("--unit", "units", multiple=True, help="Only this lead unit (repeatable).")
@out_option("Directory for the .xlsx files (default: data/progress/templates/<plan>/<quarter>/).")
@click.option("--overwrite", is_flag=True, help="Replace existing files of the same name.")
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def template(
    quarter: Quarter, units: tuple[str, ...], out_dir: Path | None, overwrite: bool,
    store_path: Path | None, plan_path: str | None,
) -> None:  # fmt: skip
    """Write the quarter's Excel reporting templates, one per lead unit (for each plan of the
    workspace, or the one --plan names), with the workspace's deadline and recipient; milestones
    a unit has already reported done are carried forward, prefilled and locked."""
    from taskanalytics.plan.identity import plan_identity
    from taskanalytics.progress.store import load_progress_history
    from taskanalytics.progress.templates import write_templates

    ws = _workspace(store_path)
    chosen_all = _choose(ws, plan_path)
    _migrate(ws)
    for chosen in chosen_all:
        _register_versions(ws, chosen)
        plan = chosen.read(quarter.end)  # the version in force at the quarter's end
        folder = plan_identity(plan).name
        if out_dir is None:
            target = ws.store.parent / "templates" / folder / quarter.label
        else:
            target = out_dir / folder if len(chosen_all) > 1 else out_dir
        # rows the units already reported done are prefilled and locked
        progress = load_progress_history(ws.store, plan=plan) if ws.store.exists() else None
        paths = write_templates(
            plan, quarter, target, units=units or None, overwrite=overwrite,
            deadline=ws.deadline, recipient=ws.recipient, progress=progress,
        )  # fmt: skip
        click.echo(f"wrote {len(paths)} template(s) of {folder} to {target}")
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
    files: tuple[Path, ...], as_of: str | None, store_path: Path | None, plan_path: str | None
) -> None:
    """Validate filled templates (.xlsx or .csv) of one plan and add them to the progress store.

    A file made for another plan or year is refused; a template made from an earlier version
    of the plan (before a 调整) is checked against that version.
    """
    from taskanalytics.progress.store import ingest_files

    ws = _workspace(store_path)
    chosen = _one(ws, plan_path, "ingest")
    _migrate(ws)
    _register_versions(ws, chosen)
    try:
        result = ingest_files(files, plan=chosen.read(), store=ws.store, as_of=as_of)
    except ValidationError as err:
        click.echo("报送文件未通过检查，未入库：", err=True)
        for line in err.zh_lines(limit=50):
            click.echo(f"  {line}", err=True)
        _write_problem_lists(err, fallback=ws.store.parent / "problems")
        raise
    for f in result.ingested:
        click.echo(
            f"ingested: {f.path.name} ({f.unit} {f.quarter}, {f.n_reports} reports, "
            f"{f.n_values} values)"
        )
        for warning in f.warnings:  # accepted, but worth a call to the unit
            click.echo(f"  提醒：{warning.zh()}")
        if f.warnings:
            click.echo(
                f"  以上 {len(f.warnings)} 条提醒已随文件存入进度库，并列在该单位简报的“报送提醒”中。"
            )
    for f in result.skipped:
        click.echo(f"skipped (already in store, same content): {f.path.name}")
    click.echo(f"store: {ws.store}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--quarter", "-q", type=QUARTER, required=True, help="Quarter judged, e.g. 2023Q2.")
@click.option(
    "--template",
    "template_out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the 研判 workbook the office fills (one row per task, its light prefilled).",
)
@STORE_OPTION
@PLAN_OPTION
@_handle_errors
def judge(
    files: tuple[Path, ...], quarter: Quarter, template_out: Path | None,
    store_path: Path | None, plan_path: str | None,
) -> None:  # fmt: skip
    """Record the 督查室's 研判 (有把握/有风险/难以完成) of tasks for a quarter from filled
    .xlsx/.csv FILES, or write the workbook to fill with --template OUT.xlsx.

    Every file is checked before anything is stored; a later 研判 of a task and quarter
    supersedes the earlier one (both are kept). The 研判 is shown beside the schedule light in
    the briefings, never merged into it.
    """
    from taskanalytics.progress.judgements import (
        read_judgement_file,
        record_judgements,
        validate_judgements,
        write_judgement_template,
    )

    if bool(files) == (template_out is not None):
        raise click.UsageError("give either --template OUT.xlsx or the filled FILE(s), not both")
    ws = _workspace(store_path)
    chosen = _one(ws, plan_path, "judge")
    _migrate(ws)
    _register_versions(ws, chosen)
    plan = chosen.read(quarter.end)  # the version in force at the quarter's end
    if template_out is not None:
        from taskanalytics.assess import assess
        from taskanalytics.progress.store import load_progress_history

        progress = load_progress_history(ws.store, plan=plan)
        by_task = assess(plan, progress, quarter.label, quarter.end).by_task
        lights = {t: str(v) for t, v in zip(by_task["task_id"], by_task["light"], strict=True)
                  if isinstance(v, str)}  # fmt: skip
        path = write_judgement_template(plan, quarter, template_out, lights=lights)
        click.echo(f"wrote the 研判 template of {quarter.label}: {path}")
        return
    problems: list[Any] = []
    parsed = []
    for file in files:
        try:
            rows = read_judgement_file(file, plan)
            validate_judgements(plan, rows, source=file, quarter=quarter)
            parsed.append((file, rows))
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        err = ValidationError(problems, f"{len(problems)} problem(s); no judgement was recorded")
        click.echo("研判文件未通过检查，未录入：", err=True)
        by_file: dict[str, list[Any]] = {}
        for problem in problems:
            by_file.setdefault(problem.file, []).append(problem)
        for file_name, found in by_file.items():
            click.echo(f"{Path(file_name).name}：", err=True)
            for line in ValidationError(found).zh_lines(limit=50):
                click.echo(f"  {line}", err=True)
        raise err
    for file, rows in parsed:
        n = record_judgements(ws.store, plan, rows, source=file, quarter=quarter)
        click.echo(f"recorded: {file.name} ({n} 研判, {quarter.label})")
    click.echo(f"store: {ws.store}")


def _write_problem_lists(err: ValidationError, *, fallback: Path) -> None:
    """Write each refused file's problems to ``<file>.问题清单.xlsx`` beside it (or in
    ``fallback`` when that folder cannot be written), for the clerk to open, and say where."""
    from taskanalytics.errors import ExportError
    from taskanalytics.progress.problems import problems_path, write_problems_xlsx

    by_file: dict[str, list[Any]] = {}
    for problem in err.problems:
        by_file.setdefault(problem.file, []).append(problem)
    for file, problems in by_file.items():
        try:
            path = write_problems_xlsx(problems, problems_path(file))
        except ExportError:
            fallback.mkdir(parents=True, exist_ok=True)
            path = write_problems_xlsx(problems, problems_path(file, folder=fallback))
        click.echo(f"problem list ({len(problems)}) for the unit: {path}", err=True)


@main.command()
@click.option(
    "--workspace",
    "workspace_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default: the one given before the command, else found as usual).",
)
@PLAN_OPTION
@STORE_OPTION
@click.option("--port", type=click.IntRange(1, 65535), default=8866, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 serves the intranet (the page has no login: only "
    "behind the office's own access control).",
)
@click.option(
    "--check-only",
    is_flag=True,
    help="Clerks only check files (no 提交 button); the office ingests them by hand.",
)
@_handle_errors
def serve(
    workspace_file: Path | None, plan_path: str | None, store_path: Path | None, port: int,
    host: str, check_only: bool,
) -> None:  # fmt: skip
    """Serve the 进度报送自查 page (Voilà): a clerk uploads a filled template, sees every
    problem in Chinese and, unless --check-only, submits it into the progress store.

    The page has no login: run it on the intranet behind the office's own access control.
    """
    import json
    import subprocess

    from jupyter_core.paths import jupyter_config_path

    from taskanalytics.checkpage import (
        CHECK_NOTEBOOK,
        CHECK_ONLY_ENV_VAR,
        PLAN_ENV_VAR,
        STORE_ENV_VAR,
        settings_from_env,
    )
    from taskanalytics.limits import MB, current_limits
    from taskanalytics.progress.check import require_writable_store

    if workspace_file is not None:
        ws = load_workspace(workspace_file).with_overrides(store=store_path)
    else:
        ws = _workspace(store_path)
    chosen = _one(ws, plan_path, "serve")
    if not check_only:
        require_writable_store(ws.store)  # refused before the server starts, not at a submit
        _migrate(ws)
        _register_versions(ws, chosen)
    env = {k: v for k, v in os.environ.items() if k != WORKSPACE_ENV_VAR}
    if ws.file is not None:
        env[WORKSPACE_ENV_VAR] = str(ws.file)
    env[PLAN_ENV_VAR] = chosen.name or str(chosen.path_at())
    env[STORE_ENV_VAR] = str(ws.store)
    env[CHECK_ONLY_ENV_VAR] = "1" if check_only else "0"
    settings = settings_from_env(env)  # the page's own reading, so a bad plan fails here
    command = [
        sys.executable, "-m", "voila", str(CHECK_NOTEBOOK), f"--port={port}",
        "--Voila.port_retries=0", f"--Voila.ip={host}", "--no-browser", "--theme=light",
        "--strip_sources=True", "--show_tracebacks=False",
    ]  # fmt: skip
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    mode = "check only (no 提交)" if check_only else f"submit into {ws.store}"
    click.echo(f"进度报送自查 page for plan {settings.plan_name}: {mode}")
    click.echo(f"serving http://{shown}:{port}/ (Ctrl+C to stop)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("note: the page has no login; keep it behind the office's access control")
    with tempfile.TemporaryDirectory(prefix="taskanalytics-serve-") as folder:
        # uploads travel over the kernel's websocket (tornado's default cap: 10 MB); a file
        # over the intake's limit must arrive to be told so in Chinese. A config file, as the
        # command-line form of a dict setting warns on every start.
        max_message = int(current_limits().max_file_mb * MB * 2) + MB
        settings_file = Path(folder) / "voila.json"
        settings_file.write_text(
            json.dumps(
                {"Voila": {"tornado_settings": {"websocket_max_message_size": max_message}}}
            ),
            encoding="utf-8",
        )
        paths = [folder, os.getcwd(), *jupyter_config_path()]  # voila's default, ours first
        command += [f"--Voila.config_file_paths={p}" for p in paths]
        proc = subprocess.Popen(command, env=env)
        try:
            code = proc.wait()
        except KeyboardInterrupt:  # Ctrl+C reached voila too: let it stop
            try:
                code = proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
    if code not in (0, -2, 130):  # -2/130: stopped by Ctrl+C
        raise TaskAnalyticsError(
            f"voila stopped with exit code {code} (port {port} in use? see its messages above)"
        )


@main.group(invoke_without_command=True)
@STORE_OPTION
@click.pass_context
@_handle_errors
def plans(ctx: click.Context, store_path: Path | None) -> None:
    """List the plans: those of the workspace and those registered in the store, with counts."""
    ctx.obj = {**(ctx.find_root().obj or {}), "store": store_path}
    if ctx.invoked_subcommand is not None:
        return
    from taskanalytics.plan.identity import plan_identity
    from taskanalytics.progress.store import list_plans, open_store

    ws = _workspace(store_path)
    in_ws = [_Chosen(e, e.name).read() for e in ws.plans]
    if ws.store.exists():
        open_store(ws.store, plans=in_ws)
    stored = list_plans(ws.store)
    click.echo(f"workspace: {ws.file or '(none: the bundled plan)'}")
    click.echo(f"store: {ws.store}")
    header = f"{'year':>4} {'versions':>8} {'files':>6} {'reports':>8} {'units':>5}"
    click.echo(f"{_pad('plan', 18)}{header}  {_pad('quarters', 16)}document")
    for row in stored.itertuples(index=False):
        quarters = f"{row.first_quarter or '-'}..{row.last_quarter or '-'}"
        note = " (示例数据)" if row.synthetic_files and row.synthetic_files == row.files else ""
        click.echo(
            f"{_pad(row.name, 18)}{row.year:>4} {row.versions:>8} {row.files:>6} "
            f"{row.reports:>8} {row.units:>5}  {_pad(quarters, 16)}{row.doc_number or '-'}{note}"
        )
    for name in (plan_identity(plan).name for plan in in_ws):
        if name not in set(stored["name"]):
            click.echo(f"{_pad(name, 18)}(in the workspace, not in the store yet: registered by "
                       "the first template, ingest or run)")  # fmt: skip
    click.echo(f"{len(stored)} plan(s) in the store")


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - used)


@plans.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--all", "show_all", is_flag=True, help="List every changed milestone.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the whole comparison, one row per milestone, to this CSV (UTF-8 BOM).",
)
@_handle_errors
def plans_diff(old: str, new: str, show_all: bool, csv_path: Path | None) -> None:
    """Show what changed between two versions of a plan (OLD and NEW: plan files, or a
    workspace plan name for its latest version), milestones matched by label and text."""
    from taskanalytics.plan.diff import diff_plans, diff_summary
    from taskanalytics.schema import rename_to_chinese

    ws = _workspace()
    before, after = (_one(ws, x, "plans diff").read() for x in (old, new))
    diff = diff_plans(before, after)
    for line in diff_summary(diff, limit=len(diff) if show_all else 10):
        click.echo(line)
    if csv_path is not None:
        from taskanalytics.plan.export import write_csv

        write_csv(rename_to_chinese(diff, "plan.diff"), csv_path)
        click.echo(f"wrote {csv_path}")


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
    seed: int, quarters: tuple[Quarter, ...], store_path: Path | None, plan_path: str | None
) -> None:
    """Fill the templates with synthetic progress (示例数据) and ingest them."""
    from taskanalytics.progress.demo import DEMO_QUARTERS, build_demo_progress

    ws = _workspace(store_path)
    chosen = _one(ws, plan_path, "demo-progress")
    _migrate(ws)
    _register_versions(ws, chosen)
    result = build_demo_progress(
        chosen.read(), store=ws.store, seed=seed, quarters=quarters or DEMO_QUARTERS
    )
    click.echo(
        f"synthetic progress (示例数据): {len(result.ingested)} file(s) ingested, "
        f"{len(result.skipped)} already present -> {ws.store}"
    )


@main.command()
@out_option("Reports root (default: reports/); the quarter goes to <out>/<plan>/<quarter>/.")
@STORE_OPTION
@_handle_errors
def demo(out_dir: Path | None, store_path: Path | None) -> None:
    """The main job on the bundled data, whatever the workspace says: demo progress if no real
    reports, then the latest quarter's briefings (reports/2023-工作报告/2023Q4/index.html)."""
    from taskanalytics.progress.demo import DEMO_QUARTERS, build_demo_progress
    from taskanalytics.progress.store import load_progress_history
    from taskanalytics.workspace import default_workspace

    ws = default_workspace().with_overrides(store=store_path, output=out_dir)
    chosen = _Chosen(ws.plans[0], None)
    plan = chosen.read()
    history = load_progress_history(ws.store, plan=plan)
    if history.empty or history["is_synthetic"].all():
        result = build_demo_progress(plan, store=ws.store, quarters=DEMO_QUARTERS)
        click.echo(
            f"no real reports in {ws.store}: synthetic progress (示例数据) "
            f"{len(result.ingested)} file(s) ingested, {len(result.skipped)} already present"
        )
    else:
        click.echo(f"real reports found in {ws.store}: no synthetic data added")
    last = Quarter.parse(DEMO_QUARTERS[-1])
    _run_quarter(last, as_of=None, day=last.end, workers=None, ws=ws, chosen=chosen)
    click.echo(f"all plans: {ws.output / 'index.html'}")


if __name__ == "__main__":  # pragma: no cover
    main()
