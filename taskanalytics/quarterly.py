"""The scheduled quarterly run: every briefing of a quarter, an index page, all or nothing.

``run_quarter("2023Q2")`` executes, with papermill, the overview, the full 督办清单, one briefing per
lead unit, one per leader, the 全部量化指标 page, one per indicator series with a quarterly
trajectory and the source audit; exports each to offline HTML; writes the 督办清单 as
``watchlist.xlsx``; writes ``index.html`` linking them; and only then publishes them as
``reports/<plan>/2023Q2/``. On a failure the previous reports stay untouched and the failing
executed notebook is kept in ``reports/<plan>/.2023Q2.failed-<time>/`` for debugging.

A run cannot lie:

- **Paths are absolute** before anything runs, and no thread changes the process's working
  directory (:func:`taskanalytics.runner.execute_notebook` uses neither papermill's ``cwd``
  nor its local file I/O, which both ``os.chdir`` the whole process).
- **It refuses rather than publish nothing** (:class:`~taskanalytics.errors.RunRefusedError`):
  when the store does not exist, holds no report of the plan dated in the quarter, or fewer
  lead units reported than a threshold; ``allow_empty=True`` publishes anyway, every page then
  saying 未报送.
- **One snapshot**: the store is copied with SQLite's backup API into the run's staging folder
  at the start; every notebook, the index and the checks read that copy, so a file ingested
  during the run is in none of the pages (it is in the next run).
- **One atomic publish**: ``<plan>/<quarter>`` is a symbolic link to a hidden build folder
  ``<plan>/.<quarter>.build-<time>-<pid>/``; publishing renames the finished staging folder to
  a build folder and replaces the link with ``os.replace`` (one ``rename(2)``), so a reader, or
  a kill at any moment, sees the old quarter or the new one, never a mix or nothing. A plain
  folder left by an earlier version is moved aside and replaced by the link in the same step
  (the only moment, once per quarter, when the quarter is briefly absent).
- **One run at a time** per plan and quarter: ``<plan>/.<quarter>.lock`` is held with
  ``fcntl.flock`` for the whole run; a second run fails at once with
  :class:`~taskanalytics.errors.RunLockedError`. Holding the lock, a run removes what killed
  runs of the quarter left (staging folders, builds no link points to, temporary links), and
  after publishing, the builds it replaced. The machinery is :mod:`taskanalytics.publishing`;
  the index pages are :mod:`taskanalytics.indexes`.

Speed (docs/speed.md): notebooks run in shared kernels, one per core, so the kernel start and the
imports are paid once per kernel rather than once per briefing; the costliest notebooks start
first; papermill writes each executed notebook once; the pages are exported by one reused
exporter in a process of its own, off the kernels' critical path; the pages of a quarter share
one stylesheet file; the executed notebooks are kept for debugging outside the published folder
(``<out_dir>/.runs/``).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from taskanalytics import config
from taskanalytics.errors import NotebookRunError, RunRefusedError
from taskanalytics.indexes import GROUPS, write_index, write_root_index
from taskanalytics.progress.templates import lead_units
from taskanalytics.publishing import (
    SNAPSHOT,
    clean_leftovers,
    lock_quarter,
    publish_build,
    snapshot_store,
)
from taskanalytics.quarters import Quarter, QuarterLike
from taskanalytics.runner import (
    LAB_STYLESHEET,
    ExportProcess,
    execute_notebook,
    export_html,
    lab_stylesheet,
    shared_kernel,
)

__all__ = [
    "GROUPS",
    "MIN_UNITS_SHARE",
    "Briefing",
    "RunResult",
    "plan_folder",
    "quarterly_briefings",
    "run_quarter",
    "write_index",
    "write_root_index",
]

logger = logging.getLogger("taskanalytics")

#: Folder of a quarter's PDF copies (``run --pdf``).
PDF_FOLDER = "pdf"


def _stem(prefix: str, key: str) -> str:
    """A file name stem that keeps Chinese and can never leave its folder (no separators, no
    ``..``, no ``#``/``%`` that would break a link); the rule is
    :func:`taskanalytics.briefing.pages.page_stem`, so pages can link to one another."""
    from taskanalytics.briefing.pages import page_stem

    return page_stem(prefix, key)


@dataclass(frozen=True)
class Briefing:
    """One briefing of a run: which notebook, with which parameters, written where.

    ``title`` is the index's link text; ``page_title`` the page's Chinese ``<title>`` (the
    browser tab: ``财政局 2023年第二季度督查简报``), default ``title``.
    """

    group: str
    key: str | None
    title: str
    notebook: str
    parameters: dict[str, Any]
    stem: str
    page_title: str | None = None


@dataclass(frozen=True)
class RunResult:
    """What a quarterly run wrote and how long each part took.

    ``timings`` has one row per briefing: ``stem``, ``worker``, ``execute_s``, ``export_s``,
    ``first_in_kernel`` (the first notebook of a kernel also pays the imports), ``done_s`` (when
    its page was written, seconds after the run started); ``kernel_start_s`` lists
    each worker's kernel start. ``notebooks`` is the folder of the executed notebooks, kept for
    debugging beside, not in, the published folder:
    ``<out_dir>/.runs/<plan>/<quarter>/`` (the last run of the quarter).
    """

    quarter: str
    as_of: dt.date
    out_dir: Path
    index: Path
    briefings: tuple[Briefing, ...]
    seconds: float
    timings: pd.DataFrame = field(repr=False)
    kernel_start_s: tuple[float, ...] = ()
    notebooks: Path | None = None


def quarterly_briefings(
    plan: Any,
    quarter: QuarterLike,
    *,
    as_of: dt.date | str | None = None,
    plan_path: Path | str | None = None,
    store: Path | str | None = None,
    plan_options: Mapping[str, Any] | None = None,
) -> list[Briefing]:
    """Return the briefings of a quarterly run, in index order.

    Parameters
    ----------
    plan
        The plan (for its lead units, leaders and indicator series).
    quarter
        A :class:`~taskanalytics.quarters.Quarter` or a label such as ``2023Q2``.
    as_of
        Passed to every briefing (None: the quarter's end).
    plan_path, store
        Resolved here (:func:`taskanalytics.config.resolve`) and passed to every notebook as
        absolute paths, so a kernel running in ``notebooks/`` reads the same files.
    plan_options
        ``read_plan``'s keyword arguments for the document (``mapping``, ``year``; a workspace
        plan's ``read_options``), passed to every notebook as ``plan_options``.

    Returns
    -------
    list of Briefing
        The overview, one per lead unit, one per leader, 全部量化指标 (every target of the
        quarter), one per indicator series with a quarterly trajectory
        (:func:`taskanalytics.briefing.indicator_keys`, plan order), the audit.
    """
    from taskanalytics.assess.engine import resolve_quarter
    from taskanalytics.briefing import indicator_keys
    from taskanalytics.briefing.pages import INDICATORS_ALL_STEM, indicator_title

    quarter, _ = resolve_quarter(quarter, as_of)  # fails here, before any kernel starts
    paths = config.resolve(plan_path, store)
    common = {
        "quarter": quarter,
        "as_of": None if as_of is None else str(as_of),
        "plan_path": str(paths.plan_path),
        "store": str(paths.store),
    }
    options = {k: v for k, v in (plan_options or {}).items() if v is not None}
    if options:  # only then: the parameters of a plain run stay as they were
        common["plan_options"] = options
    zh = Quarter.parse(quarter).zh
    brief = f"{zh}督查简报"
    out = [Briefing("overview", None, "全区重点任务推进情况", "quarterly_overview",
                    common, "overview", f"全区重点工作任务 {brief}")]  # fmt: skip
    out.append(Briefing("watchlist", None, "督办清单（全部事项）", "watchlist", common,
                        "watchlist", f"全区督办清单 {zh}"))  # fmt: skip
    for unit in lead_units(plan):
        out.append(Briefing("unit", unit, unit, "unit_briefing", {"unit": unit, **common},
                            _stem("unit", unit), f"{unit} {brief}"))  # fmt: skip
    from taskanalytics.plan.order import chinese_order

    leaders = chinese_order({name for names in plan.tasks["leaders"] for name in names})
    for leader in leaders:
        out.append(Briefing("leader", leader, leader, "leader_briefing",
                            {"leader": leader, **common}, _stem("leader", leader),
                            f"{leader}同志分管工作 {brief}"))  # fmt: skip
    out.append(Briefing("indicator", None, "全部量化指标", "indicators_all", common,
                        INDICATORS_ALL_STEM, f"全部量化指标 {zh}"))  # fmt: skip
    for key in indicator_keys(plan):
        name = indicator_title(key)
        out.append(Briefing("indicator", key, name, "indicator_briefing",
                            {"indicator": key, **common}, _stem("indicator", key),
                            f"指标简报：{name} {zh}"))  # fmt: skip
    out.append(Briefing("audit", None, "源文件质量检查", "source_audit",
                        {k: v for k, v in common.items() if k.startswith("plan_")},
                        "source_audit",
                        "计划总览与源文件质量检查"))  # fmt: skip
    stems = [b.stem for b in out]
    if len(set(stems)) != len(stems):
        raise NotebookRunError("two briefings would write the same file: " + ", ".join(stems))
    return out


def plan_folder(name: str) -> str:
    """The folder name of a plan's reports: its name, refused if it could leave ``reports/``.

    Raises
    ------
    NotebookRunError
        For an empty name, one with a path separator, or one starting with ``.``.
    """
    if not name or name != name.strip() or name.startswith(".") or any(c in name for c in "/\\"):
        raise NotebookRunError(f"plan name {name!r} cannot be a folder name of reports/")
    return name


def _store_name(plan: Any, store_file: Path) -> str:
    """The name the store knows the plan by (a workspace may have named it), else its own."""
    from taskanalytics.plan.identity import plan_identity
    from taskanalytics.progress.store import store_versions

    versions = store_versions(store_file, plan) if store_file.exists() else []
    return versions[0].name if versions else plan_identity(plan).name


#: The default share of the lead units with milestones due that must have reported in the
#: quarter for a run to publish (see ``min_units`` of :func:`run_quarter`).
MIN_UNITS_SHARE = 0.5

#: How to publish anyway, said by every refusal.
_ALLOW_EMPTY = (
    "To publish anyway, every page then saying 未报送 where nothing was reported, pass "
    "allow_empty=True (command line: --allow-empty)."
)


def run_quarter(
    quarter: QuarterLike,
    *,
    as_of: dt.date | str | None = None,
    plan_path: Path | str | None = None,
    store: Path | str | None = None,
    out_dir: Path | str | None = None,
    workers: int | None = None,
    briefings: Sequence[Briefing] | None = None,
    notebooks_dir: Path | None = None,
    on_done: Callable[[Briefing], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    plan_name: str | None = None,
    min_units: int | None = None,
    allow_empty: bool = False,
    plan_options: Mapping[str, Any] | None = None,
    pdf: bool = False,
) -> RunResult:
    """Run every briefing of a quarter and publish them together, or not at all.

    Parameters
    ----------
    quarter
        A :class:`~taskanalytics.quarters.Quarter` or a label such as ``2023Q2``.
    as_of
        Data as-of date (default the quarter's end).
    plan_path, store
        The plan document and the progress store, resolved once to absolute paths with
        :func:`taskanalytics.config.resolve` (defaults: the bundled plan, the default store).
        The store is copied (SQLite's backup API) into the run's staging folder at the start;
        every briefing's ``store`` parameter is replaced by that copy, and the index and the
        checks read it too, so every page shows the same data.
    out_dir
        Reports root (default ``reports/``); the quarter's folder is
        ``<out_dir>/<plan name>/<quarter>/`` (a link to the build published last, see the
        module's docstring), and ``<out_dir>/index.html`` links every plan's quarters
        (:func:`write_root_index`). A relative path is taken against the working directory.
    workers
        Kernels run in parallel; default one per core (``os.cpu_count()``). Notebooks are
        started longest first (:func:`_longest_first`).
    briefings
        The briefings to run (default :func:`quarterly_briefings`); tests pass a few. Their
        ``plan_path`` parameters are made absolute.
    notebooks_dir
        Where the notebooks are (default ``notebooks/``).
    on_done
        Called after each briefing is exported (the CLI advances a progress bar).
    on_start
        Called with the number of briefings when the checks have passed and the first
        notebook is about to run (the CLI shows its progress bar then, not before a refusal).
    plan_name
        The plan's folder name: the workspace's name for it; default the name the store knows
        its source by, else :func:`~taskanalytics.plan.identity.plan_identity`'s.
    min_units
        The run is refused when fewer of the lead units with milestones due by the as-of date
        sent a report dated in the quarter; default half of those units (rounded up). ``0``
        turns this check off (a quarter with no report at all is still refused).
    allow_empty
        Publish even when the store is missing, has no report of the quarter or too few units
        reported: every page then says 未报送 for what was not reported.
    plan_options
        ``read_plan``'s keyword arguments for the document (``mapping``, ``year``), used here
        and passed to every notebook (see :func:`quarterly_briefings`).
    pdf
        Also print every page to ``pdf/<page>.pdf`` with headless Chromium
        (:func:`taskanalytics.pdfs.print_pdfs`), published with the pages; the index links them.

    Returns
    -------
    RunResult

    Raises
    ------
    RunRefusedError
        Before any notebook runs, when the store does not exist, holds no report of the plan
        with an as-of date in the quarter, or fewer than ``min_units`` units reported (unless
        ``allow_empty``); the message names the store, the plan, the quarter, what was found
        and how to override.
    RunLockedError
        When another run of the same plan and quarter is in progress.
    NotebookRunError
        Naming the notebook, the cell and the error of the first failure; the previous
        ``<out_dir>/<plan>/<quarter>/`` is left as it was and the failed run is kept beside it.

    Examples
    --------
    >>> result = run_quarter("2023Q2", store="data/progress/progress.sqlite")  # doctest: +SKIP
    >>> result.index  # doctest: +SKIP
    PosixPath('.../reports/2023-工作报告/2023Q2/index.html')
    """
    from taskanalytics.assess.engine import resolve_quarter
    from taskanalytics.plan.build import read_plan
    from taskanalytics.plan.identity import plan_identity

    started = time.perf_counter()
    quarter, as_of_date = resolve_quarter(quarter, as_of)
    paths = config.resolve(plan_path, store)
    plan_file, store_file = paths.plan_path, paths.store
    options = {k: v for k, v in (plan_options or {}).items() if v is not None}
    plan = read_plan(plan_file, **options)
    if not store_file.exists():
        if not allow_empty:
            raise RunRefusedError(
                store=store_file, plan=plan_name or plan_identity(plan).name, quarter=quarter,
                found="the progress store does not exist (is the path right?)",
                override="Give the store's path (command line: --store PATH, or the "
                "workspace's store). " + _ALLOW_EMPTY,
            )  # fmt: skip
    else:
        from taskanalytics.progress.store import open_store

        open_store(store_file, plans=[plan])  # migrated before it is copied
    jobs = list(briefings) if briefings is not None else quarterly_briefings(
        plan, quarter, as_of=as_of, plan_path=plan_file, store=store_file, plan_options=options
    )  # fmt: skip
    top = (Path(out_dir) if out_dir is not None else config.REPORTS_DIR).expanduser().resolve()
    name = plan_name or _store_name(plan, store_file)
    root = top / plan_folder(name)
    root.mkdir(parents=True, exist_ok=True)
    with lock_quarter(root, quarter):
        clean_leftovers(root, quarter)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        staging = root / f".{quarter}.tmp-{stamp}-{os.getpid()}"
        (staging / "notebooks").mkdir(parents=True)
        try:
            snapshot = snapshot_store(store_file, staging / SNAPSHOT)
            ctx = _checked_context(
                quarter, as_of=as_of, plan_file=plan_file, store_file=store_file,
                snapshot=snapshot, plan_name=name, min_units=min_units, allow_empty=allow_empty,
                plan_options=options,
            )  # fmt: skip
            jobs = [_on_snapshot(job, snapshot) for job in jobs]
            if on_start is not None:
                on_start(len(jobs))
            (staging / LAB_STYLESHEET).write_text(lab_stylesheet(), encoding="utf-8")
            timings, kernel_starts, failure = _execute_all(
                jobs, staging, workers=workers or os.cpu_count() or 2,
                notebooks_dir=notebooks_dir, on_done=on_done, started=started,
            )  # fmt: skip
            shutil.rmtree(staging / SNAPSHOT, ignore_errors=True)  # never published nor kept
            if failure is not None:
                failed = root / f".{quarter}.failed-{stamp}"
                staging.rename(failed)
                failure = failure.replace(str(staging), str(failed))  # paths in the kept run
                raise NotebookRunError(
                    f"{failure}; the run is kept in {failed}; {root / quarter} unchanged"
                )
            if any(job.group == "watchlist" for job in jobs):
                _write_watchlist_xlsx(staging, ctx)
                _write_notice(staging, ctx)
            if pdf:
                from taskanalytics.pdfs import print_pdfs

                pages = [staging / f"{job.stem}.html" for job in jobs]
                print_pdfs(pages, staging / PDF_FOLDER, workers=workers)
            write_index(
                staging, jobs, quarter=quarter, as_of=as_of_date, plan_file=plan_file,
                store_file=snapshot, ctx=ctx,
            )  # fmt: skip
            kept = _keep_notebooks(staging / "notebooks", top, name, quarter)
            final = publish_build(staging, root, quarter, stamp)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # gone already when it failed or published
            raise
    write_root_index(top)
    return RunResult(
        quarter=quarter,
        as_of=as_of_date,
        out_dir=final,
        index=final / "index.html",
        briefings=tuple(jobs),
        seconds=time.perf_counter() - started,
        timings=pd.DataFrame(timings),
        kernel_start_s=tuple(kernel_starts),
        notebooks=kept,
    )


#: Where the executed notebooks of a quarter's last run are kept, under the reports root.
RUNS_FOLDER = ".runs"


def _keep_notebooks(folder: Path, top: Path, plan: str, quarter: str) -> Path:
    """Move a finished run's executed notebooks out of the folder to publish, to
    ``<top>/.runs/<plan>/<quarter>/`` (replacing the previous run's): they are for debugging,
    5 MB a quarter that readers never open. The root index skips hidden folders."""
    target = top / RUNS_FOLDER / plan / quarter
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{quarter}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    folder.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _on_snapshot(job: Briefing, snapshot: Path) -> Briefing:
    """The briefing reading the run's snapshot, its plan path absolute."""
    params = dict(job.parameters)
    if "store" in params:
        params["store"] = str(snapshot)
    if params.get("plan_path") is not None:
        params["plan_path"] = str(Path(params["plan_path"]).expanduser().resolve())
    return replace(job, parameters=params)


def _checked_context(
    quarter: str, *, as_of: dt.date | str | None, plan_file: Path, store_file: Path,
    snapshot: Path, plan_name: str, min_units: int | None, allow_empty: bool,
    plan_options: Mapping[str, Any] | None = None,
) -> Any:  # fmt: skip
    """The run's briefing context, read from the snapshot; raise :class:`RunRefusedError` when
    it has no report dated in the quarter or too few units reported (unless ``allow_empty``)."""
    from taskanalytics.assess.watchlist import units_not_reporting
    from taskanalytics.briefing import load_context

    ctx = load_context(
        quarter, as_of=as_of, plan_path=plan_file, store=snapshot, plan_options=plan_options
    )
    if allow_empty:
        return ctx
    q = Quarter.parse(quarter)
    window = f"{q.start:%Y-%m-%d}..{ctx.as_of:%Y-%m-%d}"
    dates = pd.to_datetime(ctx.progress["as_of_date"])
    in_quarter = ctx.progress[dates >= pd.Timestamp(q.start)]

    def refuse(found: str, override: str) -> RunRefusedError:
        return RunRefusedError(
            store=store_file, plan=plan_name, quarter=quarter, found=found, override=override
        )

    if in_quarter.empty:
        earlier = ctx.progress.drop_duplicates("sha256")
        last = (
            f"; its latest report is as of {pd.Timestamp(dates.max()):%Y-%m-%d}"
            if len(earlier)
            else ""
        )
        raise refuse(
            f"the store holds no report of this plan with an as-of date in {quarter} "
            f"({window}): {len(earlier)} file(s) of the plan dated earlier{last}",
            "Ingest the units' reports first (taskanalytics ingest FILES), or check --store "
            "and --quarter. " + _ALLOW_EMPTY,
        )
    rows = ctx.assessment.milestones
    rows = rows[(rows["quarter"] == quarter) & rows["is_due"].astype(bool)]
    due = list(dict.fromkeys(rows["lead_units"].explode().dropna()))
    silent = set(units_not_reporting(ctx.assessment.milestones, ctx.progress, quarter)["unit"])
    reported = len([u for u in due if u not in silent])
    needed = math.ceil(len(due) * MIN_UNITS_SHARE) if min_units is None else min_units
    if reported < needed:
        basis = "half of them, the default" if min_units is None else "min_units"
        raise refuse(
            f"only {reported} of the {len(due)} lead units with milestones due by "
            f"{ctx.as_of:%Y-%m-%d} sent a report dated in {quarter} ({window}; "
            f"{in_quarter['sha256'].nunique()} file(s)), fewer than the threshold {needed} "
            f"({basis})",
            "Ingest the missing reports first, or lower the threshold with min_units=N "
            "(command line: --min-units N). " + _ALLOW_EMPTY,
        )
    return ctx


#: Rank of each notebook by cost (its cells and charts, as measured on the 2023Q2 demo): the
#: costliest start first, so that no long briefing is left to run alone at the end of a run and
#: the last ones to run are the short indicator pages. Unknown notebooks start last.
_COST = {"quarterly_overview": 6, "source_audit": 5, "indicators_all": 4, "watchlist": 4,
         "leader_briefing": 3, "unit_briefing": 2, "indicator_briefing": 1}  # fmt: skip

#: From this many briefings on, pages are exported in a process of their own
#: (:class:`~taskanalytics.runner.ExportProcess`); a few are exported by the worker threads.
EXPORT_PROCESS_MIN_JOBS = 12


def _longest_first(jobs: Sequence[Briefing]) -> list[Briefing]:
    """The jobs in the order to start them: the costliest notebooks first, else as given."""
    return sorted(jobs, key=lambda job: -_COST.get(job.notebook, 0))


def _execute_all(
    jobs: Sequence[Briefing],
    staging: Path,
    *,
    workers: int,
    notebooks_dir: Path | None,
    on_done: Callable[[Briefing], None] | None,
    started: float | None = None,
) -> tuple[list[dict[str, Any]], list[float], str | None]:
    """Run the jobs on ``workers`` threads, each with its own kernel; stop at the first failure.

    ``done_s`` of each timing row counts from ``started`` (a ``time.perf_counter()``, the run's
    start), default this call's.

    Every worker takes the next notebook (longest first) as soon as its kernel is free: with
    many jobs, the pages are exported by an :class:`~taskanalytics.runner.ExportProcess`, off
    this process's GIL and off the kernels' critical path; with few, by the workers.
    """
    todo: queue.Queue[Briefing] = queue.Queue()
    for job in _longest_first(jobs):
        todo.put(job)
    timings: list[dict[str, Any]] = []
    kernel_starts: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    t_start = time.perf_counter() if started is None else started
    exports = ExportProcess() if len(jobs) >= EXPORT_PROCESS_MIN_JOBS else None

    def fail(message: str) -> None:
        stop.set()
        with lock:
            failures.append(message)

    def finished(job: Briefing, row: dict[str, Any]) -> None:
        row["done_s"] = time.perf_counter() - t_start
        with lock:
            timings.append(row)
        if on_done is not None:
            on_done(job)

    def work(worker: int) -> None:
        try:
            t0 = time.perf_counter()
            with shared_kernel(cwd=notebooks_dir) as kernel:
                with lock:
                    kernel_starts.append(time.perf_counter() - t0)
                first = True
                while not stop.is_set():
                    try:
                        job = todo.get_nowait()
                    except queue.Empty:
                        return
                    t1 = time.perf_counter()
                    executed = execute_notebook(
                        job.notebook,
                        parameters=job.parameters,
                        output_dir=staging / "notebooks",
                        output_name=job.stem,
                        notebooks_dir=notebooks_dir,
                        kernel=kernel,
                    )
                    t2 = time.perf_counter()
                    row = {
                        "stem": job.stem, "group": job.group, "notebook": job.notebook,
                        "worker": worker, "execute_s": t2 - t1, "first_in_kernel": first,
                    }  # fmt: skip
                    first = False
                    target = staging / f"{job.stem}.html"
                    title = job.page_title or job.title
                    if exports is None:
                        export_html(executed, target, title=title, stylesheet=LAB_STYLESHEET)
                        finished(job, {**row, "export_s": time.perf_counter() - t2})
                        continue

                    def done(seconds: float, error: str | None, job=job, row=row) -> None:
                        if error is not None:
                            fail(error)
                        else:
                            finished(job, {**row, "export_s": seconds})

                    exports.submit(executed, target, title=title, stylesheet=LAB_STYLESHEET,
                                   done=done)  # fmt: skip
        except Exception as exc:  # the first failure stops every worker
            fail(str(exc))

    threads = [  # no more kernels than briefings (none for none)
        threading.Thread(target=work, args=(w,), daemon=True)
        for w in range(min(max(1, workers), len(jobs)))
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        if exports is not None:
            exports.close()  # every page queued is written (or has failed) before this returns
    return timings, kernel_starts, (failures[0] if failures else None)


def _write_notice(folder: Path, ctx: Any) -> Path:
    """Write the quarter's 督查通报 draft (``督查通报_<quarter>.docx``) into the (staging) folder
    (:func:`taskanalytics.briefing.notice.write_notice`), for the office to edit and issue."""
    from taskanalytics.briefing.notice import write_notice
    from taskanalytics.briefing.pages import NOTICE_DOCX

    return write_notice(ctx, folder / NOTICE_DOCX.format(quarter=ctx.quarter))


def _write_watchlist_xlsx(folder: Path, ctx: Any) -> Path:
    """Write the quarter's 督办清单 as ``watchlist.xlsx`` into the (staging) folder, atomically,
    so it is published with the pages; the same context as the 督办 page."""
    from taskanalytics.briefing import write_watchlist_xlsx
    from taskanalytics.briefing.pages import WATCHLIST_XLSX

    return write_watchlist_xlsx(ctx, folder / WATCHLIST_XLSX)
