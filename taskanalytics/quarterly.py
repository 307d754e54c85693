"""The scheduled quarterly run: every briefing of a quarter, an index page, all or nothing.

``run_quarter("2023Q2")`` executes, with papermill, the overview, the full 督办清单, one briefing per
lead unit, one per leader, the 全部量化指标 page, one per indicator series with a quarterly
trajectory and the source audit; exports each to offline HTML; writes the 督办清单 as
``watchlist.xlsx``; writes ``index.html`` linking them; and only then replaces ``reports/<plan>/2023Q2/``. On a failure the previous reports stay untouched and the failing executed
notebook is kept in ``reports/.2023Q2.failed-<time>/`` for debugging.

Speed: notebooks run in a few shared kernels (one per worker thread), so the kernel start and the
imports are paid once per worker rather than once per briefing; the kernels run in parallel
processes while this process exports HTML.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from taskanalytics import config
from taskanalytics.errors import NotebookRunError
from taskanalytics.progress.templates import lead_units
from taskanalytics.quarters import Quarter, QuarterLike
from taskanalytics.runner import execute_notebook, export_html, shared_kernel

__all__ = [
    "Briefing",
    "RunResult",
    "plan_folder",
    "quarterly_briefings",
    "run_quarter",
    "write_index",
    "write_root_index",
]

logger = logging.getLogger("taskanalytics")

#: Index groups, in page order, with their Chinese headings.
GROUPS: dict[str, str] = {
    "overview": "全区总览",
    "watchlist": "督办清单",
    "unit": "牵头单位简报",
    "leader": "分管领导简报",
    "indicator": "指标专题",
    "audit": "源文件质量检查",
}


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
    ``first_in_kernel`` (the first notebook of a kernel also pays the imports); ``kernel_start_s``
    lists each worker's kernel start.
    """

    quarter: str
    as_of: dt.date
    out_dir: Path
    index: Path
    briefings: tuple[Briefing, ...]
    seconds: float
    timings: pd.DataFrame = field(repr=False)
    kernel_start_s: tuple[float, ...] = ()


def quarterly_briefings(
    plan: Any,
    quarter: QuarterLike,
    *,
    as_of: dt.date | str | None = None,
    plan_path: Path | str | None = None,
    store: Path | str | None = None,
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
    zh = Quarter.parse(quarter).zh
    brief = f"{zh}督查简报"
    out = [Briefing("overview", None, "全区重点任务推进情况", "quarterly_overview",
                    common, "overview", f"全区重点工作任务 {brief}")]  # fmt: skip
    out.append(Briefing("watchlist", None, "督办清单（全部事项）", "watchlist", common,
                        "watchlist", f"全区督办清单 {zh}"))  # fmt: skip
    for unit in lead_units(plan):
        out.append(Briefing("unit", unit, unit, "unit_briefing", {"unit": unit, **common},
                            _stem("unit", unit), f"{unit} {brief}"))  # fmt: skip
    leaders = sorted({name for names in plan.tasks["leaders"] for name in names})
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
                        {"plan_path": common["plan_path"]}, "source_audit",
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


def run_quarter(
    quarter: QuarterLike,
    *,
    as_of: dt.date | str | None = None,
    plan_path: Path | str | None = None,
    store: Path | str | None = None,
    out_dir: Path | str | None = None,
    workers: int = 2,
    briefings: Sequence[Briefing] | None = None,
    notebooks_dir: Path | None = None,
    on_done: Callable[[Briefing], None] | None = None,
    plan_name: str | None = None,
) -> RunResult:
    """Run every briefing of a quarter and publish them together, or not at all.

    Parameters
    ----------
    quarter
        A :class:`~taskanalytics.quarters.Quarter` or a label such as ``2023Q2``.
    as_of
        Data as-of date (default the quarter's end).
    plan_path, store
        The plan document and the progress store, resolved once with
        :func:`taskanalytics.config.resolve` (defaults: the bundled plan, the default store).
    out_dir
        Reports root (default ``reports/``); the quarter's folder is
        ``<out_dir>/<plan name>/<quarter>/``, and ``<out_dir>/index.html`` links every plan's
        quarters (:func:`write_root_index`).
    workers
        Kernels run in parallel (the machine has 2 cores).
    briefings
        The briefings to run (default :func:`quarterly_briefings`); tests pass a few.
    notebooks_dir
        Where the notebooks are (default ``notebooks/``).
    on_done
        Called after each briefing is exported (the CLI advances a progress bar).
    plan_name
        The plan's folder name: the workspace's name for it; default the name the store knows
        its source by, else :func:`~taskanalytics.plan.identity.plan_identity`'s.

    Returns
    -------
    RunResult

    Raises
    ------
    NotebookRunError
        Naming the notebook, the cell and the error of the first failure; the previous
        ``<out_dir>/<plan>/<quarter>/`` is left as it was and the failed run is kept beside it.
    """
    from taskanalytics.assess.engine import resolve_quarter
    from taskanalytics.plan.build import read_plan

    started = time.perf_counter()
    quarter, as_of_date = resolve_quarter(quarter, as_of)
    paths = config.resolve(plan_path, store)
    plan_file, store_file = paths.plan_path, paths.store
    plan = read_plan(plan_file)
    jobs = list(briefings) if briefings is not None else quarterly_briefings(
        plan, quarter, as_of=as_of, plan_path=plan_file, store=store_file
    )  # fmt: skip
    top = Path(out_dir) if out_dir is not None else config.REPORTS_DIR
    name = plan_name or _store_name(plan, store_file)
    root = top / plan_folder(name)
    root.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = root / f".{quarter}.tmp-{stamp}-{os.getpid()}"
    (staging / "notebooks").mkdir(parents=True)

    timings, kernel_starts, failure = _execute_all(
        jobs, staging, workers=workers, notebooks_dir=notebooks_dir, on_done=on_done
    )
    if failure is not None:
        failed = root / f".{quarter}.failed-{stamp}"
        staging.rename(failed)
        failure = failure.replace(str(staging), str(failed))  # paths inside the kept run
        raise NotebookRunError(
            f"{failure}; the run is kept in {failed}; {root / quarter} unchanged"
        )

    from taskanalytics.briefing import load_context

    # one context for the Excel copy and the index's headline numbers (the overview's figures)
    ctx = load_context(quarter, as_of=as_of, plan_path=plan_file, store=store_file)
    if any(job.group == "watchlist" for job in jobs):
        _write_watchlist_xlsx(staging, ctx)
    index = write_index(
        staging, jobs, quarter=quarter, as_of=as_of_date, plan_file=plan_file,
        store_file=store_file, ctx=ctx,
    )  # fmt: skip
    final = root / quarter
    _replace_dir(staging, final)
    index = final / index.name
    write_root_index(top)
    return RunResult(
        quarter=quarter,
        as_of=as_of_date,
        out_dir=final,
        index=index,
        briefings=tuple(jobs),
        seconds=time.perf_counter() - started,
        timings=pd.DataFrame(timings),
        kernel_start_s=tuple(kernel_starts),
    )


def _execute_all(
    jobs: Sequence[Briefing],
    staging: Path,
    *,
    workers: int,
    notebooks_dir: Path | None,
    on_done: Callable[[Briefing], None] | None,
) -> tuple[list[dict[str, Any]], list[float], str | None]:
    """Run the jobs on ``workers`` threads, each with its own kernel; stop at the first failure."""
    todo: queue.Queue[Briefing] = queue.Queue()
    for job in jobs:
        todo.put(job)
    timings: list[dict[str, Any]] = []
    kernel_starts: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

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
                    export_html(
                        executed, staging / f"{job.stem}.html", title=job.page_title or job.title
                    )
                    t3 = time.perf_counter()
                    with lock:
                        timings.append({
                            "stem": job.stem, "group": job.group, "worker": worker,
                            "execute_s": t2 - t1, "export_s": t3 - t2, "first_in_kernel": first,
                        })  # fmt: skip
                    first = False
                    if on_done is not None:
                        on_done(job)
        except Exception as exc:  # the first failure stops every worker
            stop.set()
            with lock:
                failures.append(str(exc))

    threads = [
        threading.Thread(target=work, args=(w,), daemon=True) for w in range(max(1, workers))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, kernel_starts, (failures[0] if failures else None)


def _write_watchlist_xlsx(folder: Path, ctx: Any) -> Path:
    """Write the quarter's 督办清单 as ``watchlist.xlsx`` into the (staging) folder, atomically,
    so it is published with the pages; the same context as the 督办 page."""
    from taskanalytics.briefing import write_watchlist_xlsx
    from taskanalytics.briefing.pages import WATCHLIST_XLSX

    return write_watchlist_xlsx(ctx, folder / WATCHLIST_XLSX)


def _replace_dir(new: Path, final: Path) -> None:
    """Put ``new`` in place of ``final``: readers see the old folder or the new one."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    try:
        new.rename(final)
    except BaseException:
        if old.exists() and not final.exists():
            old.rename(final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _quarter_dirs(folder: Path) -> list[Quarter]:
    """Quarters published in ``folder`` (sub-folders named like 2023Q2 with an index), newest
    first."""
    found = []
    for sub in folder.iterdir() if folder.is_dir() else ():
        if sub.is_dir() and not sub.name.startswith(".") and (sub / "index.html").is_file():
            try:
                found.append(Quarter.parse(sub.name))
            except Exception:  # noqa: BLE001 - not a quarter folder: not listed
                continue
    return sorted(found, reverse=True)


def write_root_index(top: Path) -> Path:
    """Write ``<top>/index.html``: every plan's published quarters, newest first.

    A plan is a sub-folder of ``top`` holding quarter folders (``<plan>/<quarter>/index.html``);
    quarter folders directly under ``top`` (the layout before plans) are listed as 未分计划.
    The page is written to a temporary file and renamed, so a reader never sees half of it.

    Parameters
    ----------
    top
        The reports root.

    Returns
    -------
    pathlib.Path
        The index written.
    """
    e = html.escape
    plans = []
    for sub in sorted(top.iterdir(), key=lambda p: p.name):
        if not sub.is_dir() or sub.name.startswith("."):
            continue
        quarters = _quarter_dirs(sub)
        if quarters:
            plans.append((sub.name, quarters))
    plans.sort(key=lambda item: (-item[1][0].year, item[0]))
    loose = _quarter_dirs(top)
    if loose:
        plans.append(("", loose))
    sections = []
    for name, quarters in plans:
        prefix = f"{quote(name)}/" if name else ""
        links = "".join(
            f'<li><a href="{e(prefix)}{e(q.label)}/index.html">{e(q.zh)}</a></li>' for q in quarters
        )
        heading = e(name) if name else "未分计划的早期简报"
        sections.append(f"<section><h2>{heading}</h2><ul>{links}</ul></section>")
    body = "".join(sections) or "<p>尚无已发布的简报。</p>"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>督查简报目录</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       max-width: 960px; margin: 0 auto; padding: 16px; color: #1f2d3d; line-height: 1.6; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; border-bottom: 2px solid #2f6db5; }}
ul {{ columns: 4 9em; padding-left: 1.2em; }}
@media screen and (max-width: 600px) {{ body {{ padding: 8px; }} ul {{ columns: 2; }} }}
</style></head><body>
<h1>督查简报目录</h1>
<p>按计划列出各季度简报，最新的在前。</p>
{body}
</body></html>
"""
    target = top / "index.html"
    tmp = top / f".index.html.tmp-{os.getpid()}"
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def write_index(
    folder: Path,
    briefings: Sequence[Briefing],
    *,
    quarter: str,
    as_of: dt.date,
    plan_file: Path,
    store_file: Path,
    ctx: Any = None,
) -> Path:
    """Write ``index.html``: headline numbers, 单位排名, every briefing grouped, the sources.

    Parameters
    ----------
    folder
        The folder holding the briefings (links are relative to it).
    briefings
        The briefings written there.
    quarter, as_of
        The quarter and the data's as-of date.
    plan_file, store_file
        The plan document and the progress store; the store's source files with an as-of date
        up to ``as_of`` are listed with their hashes (数据来源, at the end), and a 示例数据 banner
        shows when any is synthetic.
    ctx
        The quarter's :class:`~taskanalytics.briefing.BriefingContext` (the run loads it once):
        the page opens with its headline numbers (:func:`~taskanalytics.briefing.headline_cards`,
        the overview's figures) and the 单位排名, 先进 and 后进 named, each unit linked to its
        page when the run wrote one. Without it, the index lists the pages only.

    Returns
    -------
    pathlib.Path
    """
    if ctx is not None:  # the run's context already holds the reports up to the as-of date
        used = ctx.progress
    else:
        from taskanalytics.plan.build import read_plan
        from taskanalytics.progress.store import load_progress_history

        history = load_progress_history(store_file, plan=read_plan(plan_file))
        used = history[history["as_of_date"] <= pd.Timestamp(as_of)]
    files = (
        used.groupby(["source_file", "sha256"], as_index=False)
        .agg(
            unit=("unit", "first"), quarter=("quarter", "first"), synthetic=("is_synthetic", "max")
        )
        .sort_values(["quarter", "unit"])
    )
    synthetic = bool(files["synthetic"].any()) if len(files) else False
    e = html.escape
    sections = []
    for group, heading in GROUPS.items():
        items = [b for b in briefings if b.group == group]
        if not items:
            continue
        links = "".join(
            f'<li><a href="{e(quote(b.stem))}.html">{e(b.title)}</a></li>' for b in items
        )
        if group == "watchlist" and (folder / "watchlist.xlsx").is_file():
            links += '<li><a href="watchlist.xlsx">督办清单（Excel 表格）</a></li>'
        sections.append(f"<section><h2>{e(heading)}（{len(items)}）</h2><ul>{links}</ul></section>")
    rows = "".join(
        f"<tr><td>{e(str(r.quarter))}</td><td>{e(str(r.unit))}</td><td>{e(str(r.source_file))}</td>"
        f"<td><code>{e(str(r.sha256)[:12])}</code></td><td>{'是' if r.synthetic else '否'}</td></tr>"
        for r in files.itertuples(index=False)
    )
    banner = (
        '<div class="banner" role="alert">⚠ 示例数据：本期进度数据为程序生成的示例，'
        "不是各单位报送的真实进度，不得作为工作依据。</div>"
        if synthetic
        else ""
    )
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    opening = "" if ctx is None else _index_opening(ctx, briefings)
    zh = Quarter.parse(quarter).zh
    plan = _plan_words(ctx)
    version = "" if ctx is None or not ctx.version_text else f"　·　计划版本 {e(ctx.version_text)}"
    named = "" if ctx is None else f"计划 {e(ctx.plan_name)}　·　"
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(zh)}{e(plan)}任务推进督查简报</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       max-width: 960px; margin: 0 auto; padding: 16px; color: #1f2d3d; line-height: 1.6; }}
h1 {{ font-size: 1.5em; margin: 0.2em 0; }} h2 {{ font-size: 1.15em; border-bottom: 2px solid #2f6db5; }}
.meta {{ color: #5a6b7d; }} ul {{ columns: 3 12em; padding-left: 1.2em; }}
.banner {{ background: #fdecea; color: #a61b1b; border: 2px solid #d93025; padding: 8px 12px;
          font-weight: 600; margin: 12px 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
td, th {{ border-bottom: 1px solid #dde3ea; padding: 4px 6px; text-align: left; }}
.scroll {{ overflow-x: auto; max-width: 100%; }} footer {{ margin-top: 2em; }}
summary {{ cursor: pointer; color: #3d4b5c; }}
@media screen and (max-width: 600px) {{ body {{ padding: 8px; }} ul {{ columns: 1; }} }}
@media print {{ ul {{ columns: 2; }} a {{ color: inherit; text-decoration: none; }} }}
</style></head><body>
<p class="meta"><a href="../../index.html">← 全部计划与季度</a></p>
<h1>{e(zh)}{e(plan)}任务推进督查简报</h1>
<p class="meta">{named}数据截至 {as_of:%Y-%m-%d}　·　生成时间 {e(now)}{version}</p>
{banner}
{opening}
{"".join(sections)}
<footer><h2>数据来源</h2>
<p class="meta">任务分解：{e(plan_file.name)}</p>
<details><summary>本期使用的报送文件及校验值（{len(files)} 份）</summary><div class="scroll">
<table><tr><th>季度</th><th>报送单位</th><th>文件</th><th>SHA-256</th><th>示例数据</th></tr>{rows}</table>
</div></details></footer></body></html>
"""
    target = folder / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def _plan_words(ctx: Any) -> str:
    """政府工作报告 or 十件民生实事, by the kind of plan briefed."""
    from taskanalytics.plan.identity import plan_kind
    from taskanalytics.progress.vocab import README_PLAN_WORDS

    kind = "work_report" if ctx is None else plan_kind(ctx.plan.tasks)
    return README_PLAN_WORDS[kind]


def _index_opening(ctx: Any, briefings: Sequence[Briefing]) -> str:
    """The index's first sections: the quarter's headline numbers, then the 单位排名 with 先进
    and 后进 named; units link to the pages the run wrote (HTML text)."""
    from taskanalytics.assess import vocab as va
    from taskanalytics.briefing import headline_cards, unit_ranking_table
    from taskanalytics.briefing.pages import href

    e = html.escape
    pages = {b.key: href(f"{b.stem}.html") for b in briefings if b.group == "unit" and b.key}
    ranking = ctx.assessment.unit_ranking(ctx.quarter)

    def named(code: str) -> str:
        units = ranking.loc[ranking["standing"] == va.STANDING_LABELS[code], "unit"]
        return (
            "、".join(f'<a href="{e(pages[u])}">{e(u)}</a>' if u in pages else e(u) for u in units)
            or "无"
        )

    table = unit_ranking_table(ctx, links=pages).data
    return (
        f"<section><h2>本季度总体情况</h2>{headline_cards(ctx).data}</section>"
        "<section><h2>单位排名</h2>"
        f'<p class="meta"><b>先进：</b>{named("advanced")}　<b>后进：</b>{named("lagging")}</p>'
        f"<details open><summary>全部单位排名（{len(ranking)} 个单位）</summary>{table}</details>"
        "</section>"
    )
