"""What every quarterly briefing starts from: the plan, the reports, the assessment, the sources.

:func:`load_context` reads the plan and the progress store and assesses every quarter of the year
up to the one briefed (so trends work), once per (plan file, store file, quarter, as-of date): the
result is cached on the files' paths and modification times, so a batch of briefings run in one
kernel pays for it once and a changed file is read again. :func:`briefing_header` is the top of
every briefing: a link back to the index, title, quarter, as-of date, generation time, and the
示例数据 banner when any source is synthetic; :func:`sources_footer` is its end: the 数据来源, every
file read with its hash (provenance a reader may check, kept out of the way of the content).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from IPython.display import HTML

from taskanalytics import config
from taskanalytics.assess import vocab as va
from taskanalytics.assess.engine import Assessment, assess, assess_all, resolve_quarter
from taskanalytics.assess.watchlist import mark_carried_over
from taskanalytics.briefing.blocks import _STYLE, _esc, index_link, synthetic_banner, table_html
from taskanalytics.briefing.pages import INDEX_PAGE, KEY_SEPARATOR, indicator_series
from taskanalytics.errors import AssessmentError, BriefingError
from taskanalytics.plan.build import Plan, read_plan
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import store
from taskanalytics.progress.file_warnings import no_warnings
from taskanalytics.progress.registry import PlanVersion, read_version
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "MAIN_CATEGORY",
    "SOURCE_COLUMNS",
    "BriefingContext",
    "BriefingError",
    "briefing_header",
    "check_scope",
    "has_name",
    "indicator_keys",
    "indicator_points",
    "load_context",
    "plan_sources_footer",
    "quarter_label",
    "sources_footer",
]

logger = logging.getLogger("taskanalytics")

#: Category of section 一 of the work report: the main expected targets (GDP, investment …).
MAIN_CATEGORY = "主要预期目标"

#: Columns of :attr:`BriefingContext.sources`.
SOURCE_COLUMNS: tuple[str, ...] = (
    "kind",
    "file_name",
    "sha256",
    "unit",
    "quarter",
    "as_of_date",
    "is_synthetic",
)

#: Tables of an :class:`~taskanalytics.Assessment` that hold one block of rows per quarter.
_TABLES = (
    "milestones",
    "indicators",
    "by_task",
    "by_unit",
    "by_leader",
    "by_category",
    "by_section",
    "watchlist",
)


#: What the as-of date is, said next to it on every page (see ``resolve_quarter``: by default the
#: earlier of today and the quarter's end).
AS_OF_BASIS: Final[dict[str, str]] = {"quarter_end": "季度末", "today": "季度未结束，按当日数据"}


@dataclass(frozen=True, eq=False)
class BriefingContext:
    """Everything a quarterly briefing shows, computed once per plan, store, quarter and date.

    The frames are shared between briefings (cached): read them, never modify them.

    Attributes
    ----------
    quarter : str
        The quarter briefed, normalized (``"2023Q2"``).
    as_of : datetime.date
        The as-of date (the quarter's last day unless given).
    plan : Plan
        The work plan.
    progress : pandas.DataFrame
        Every stored report with an as-of date on or before ``as_of``
        (:func:`taskanalytics.progress.store.load_progress_history` columns).
    assessment : Assessment
        The quarters of the year up to ``quarter`` (Q1 … ``quarter``), stacked; the last one is
        assessed at ``as_of``, the earlier ones at their ends. ``assessment.series`` refers to
        ``as_of``.
    sources : pandas.DataFrame
        One row per source file (:data:`SOURCE_COLUMNS`): the plan document (``kind`` ``plan``)
        and every progress report file counted (``kind`` ``progress``), with its sha256.
    is_synthetic : bool
        Whether any progress source is synthetic (示例数据).
    generated_at : datetime.datetime
        When this context was handed out (local time, to the second).
    plan_path, store_path : pathlib.Path
        The files read.
    plan_version : PlanVersion or None
        The version of the plan assessed, as the store registered it (None when the store does
        not know the plan yet).
    plan_versions : int
        How many versions of the plan the store holds (more than one after a 调整).
    warnings : pandas.DataFrame
        The intake's warnings (报送提醒) of every stored file with an as-of date on or before
        ``as_of`` (:func:`taskanalytics.progress.store.load_warnings` columns).
    """

    quarter: str
    as_of: dt.date
    plan: Plan
    progress: pd.DataFrame
    assessment: Assessment
    sources: pd.DataFrame
    is_synthetic: bool
    generated_at: dt.datetime
    plan_path: Path
    store_path: Path
    plan_version: PlanVersion | None = None
    plan_versions: int = 0
    warnings: pd.DataFrame = dataclasses.field(default_factory=no_warnings)

    @property
    def plan_name(self) -> str:
        """The plan's short name (``2023-工作报告``), as the store knows it."""
        return self.plan_version.name if self.plan_version else plan_identity(self.plan).name

    @property
    def version_text(self) -> str | None:
        """Which version of a revised plan this page assessed, in Chinese; None when the plan
        has one version: ``双区政办发〔2023〕9号（2023-07-10起施行），按截至日期适用的版本评估``."""
        if self.plan_version is None or self.plan_versions < 2:
            return None
        return f"{self.plan_version.describe()}，按截至日期适用的版本评估"

    @property
    def quarters(self) -> tuple[str, ...]:
        """The assessed quarters, oldest first; the last is :attr:`quarter`."""
        return self.assessment.quarters

    @property
    def as_of_is_quarter_end(self) -> bool:
        """Whether the data are as of the quarter's end (else the quarter was not over)."""
        return self.as_of == Quarter.parse(self.quarter).end

    @property
    def as_of_text(self) -> str:
        """The as-of date and what it is: ``2023-06-21（季度未结束，按当日数据）`` or
        ``2023-06-30（季度末）``; every page shows it where it says 截至."""
        basis = AS_OF_BASIS["quarter_end" if self.as_of_is_quarter_end else "today"]
        return f"{self.as_of.isoformat()}（{basis}）"

    def current(self, table: str) -> pd.DataFrame:
        """Return the rows of one assessment table for the briefed quarter.

        Parameters
        ----------
        table
            ``milestones``, ``indicators``, ``by_task``, ``by_unit``, ``by_leader``,
            ``by_category``, ``by_section`` or ``watchlist``.

        Returns
        -------
        pandas.DataFrame
            A new frame (index reset).

        Raises
        ------
        KeyError
            For another table name.
        """
        if table not in _TABLES:
            raise KeyError(f"no assessment table {table!r}; tables: {', '.join(_TABLES)}")
        frame = getattr(self.assessment, table)
        return frame[frame["quarter"] == self.quarter].reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"BriefingContext({self.quarter}, as_of={self.as_of}, "
            f"reports={len(self.progress)}, sources={len(self.sources)}, "
            f"warnings={len(self.warnings)}, "
            f"synthetic={self.is_synthetic})"
        )


# --------------------------------------------------------------------------- loading


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sources(plan_path: Path, progress: pd.DataFrame) -> pd.DataFrame:
    plan_row = pd.DataFrame(
        [
            {
                "kind": "plan",
                "file_name": plan_path.name,
                "sha256": _sha256(plan_path),
                "unit": None,
                "quarter": None,
                "as_of_date": pd.NaT,
                "is_synthetic": False,
            }
        ]
    )
    files = (
        progress.drop_duplicates("sha256")
        .rename(columns={"source_file": "file_name"})
        .assign(kind="progress")
        .sort_values(["as_of_date", "unit", "file_name"], kind="stable")
    )
    out = pd.concat([plan_row, files[list(SOURCE_COLUMNS)]], ignore_index=True)
    out["is_synthetic"] = out["is_synthetic"].astype(bool)
    return out


def _stack(earlier: Assessment, last: Assessment) -> Assessment:
    """Return ``last`` with ``earlier``'s quarters put in front of its tables.

    The watch list's carry-over (新增/持续) is recomputed over the stacked quarters: ``last``
    alone could not know which of its items were listed before.
    """
    tables = {
        name: pd.concat([getattr(earlier, name), getattr(last, name)], ignore_index=True)
        for name in _TABLES
    }
    tables["watchlist"] = mark_carried_over(tables["watchlist"])
    return dataclasses.replace(last, quarters=earlier.quarters + last.quarters, **tables)


@functools.lru_cache(maxsize=16)
def _load(
    plan_path: Path,
    plan_stamp: tuple[int, int],
    store_path: Path,
    store_stamp: tuple[int, int] | None,
    quarter: Quarter,
    as_of: dt.date | None,
    plan_options: str = "{}",
) -> BriefingContext:
    """The expensive part of :func:`load_context`; the stamps (mtime, size) key the cache, and
    ``plan_options`` is ``read_plan``'s keyword arguments as JSON (hashable)."""
    label, end = quarter.label, quarter.end
    day = end if as_of is None else as_of
    plan = read_plan(plan_path, **json.loads(plan_options))
    versions = store.store_versions(store_path, plan)
    version = _in_force(versions, plan, day)
    source = plan_path
    if version is not None and version.sha256 != plan_identity(plan).sha256:
        logger.info("plan %s: assessing %s, the version in force on %s", version.name,
                    version.describe(), day)  # fmt: skip
        plan = read_version(version)  # the archived source, its hash checked
        source = version.archived_path or plan_path
    elif version is not None and plan_identity(plan).name != version.name:
        # the workspace named it (民生实事): go by the name the store knows it by
        plan = dataclasses.replace(plan, meta={**plan.meta, "name": version.name})
    history = store.load_progress_history(store_path, plan=plan)
    progress = history[history["as_of_date"] <= pd.Timestamp(day)].reset_index(drop=True)
    warnings = store.load_warnings(store_path, plan=plan)
    warnings = warnings[warnings["as_of_date"] <= pd.Timestamp(day)].reset_index(drop=True)
    quarters = [q.label for q in quarter.year_to_date()]
    if day == end:
        assessment = assess_all(plan, progress, quarters)
    else:
        assessment = assess(plan, progress, label, day)
        if len(quarters) > 1:
            assessment = _stack(assess_all(plan, progress, quarters[:-1]), assessment)
    sources = _sources(source, progress)
    return BriefingContext(
        quarter=label,
        as_of=day,
        plan=plan,
        progress=progress,
        assessment=assessment,
        sources=sources,
        is_synthetic=bool(progress["is_synthetic"].any()) if len(progress) else False,
        generated_at=dt.datetime.now().replace(microsecond=0),
        plan_path=plan_path,
        store_path=store_path,
        plan_version=version,
        plan_versions=len(versions),
        warnings=warnings,
    )


def _in_force(versions: list[PlanVersion], plan: Plan, day: dt.date) -> PlanVersion | None:
    """The stored version of the plan in force on ``day`` (the plan read, when the store does
    not know it or no version is in force yet)."""
    sha = plan_identity(plan).sha256
    in_force = [v for v in versions if v.effective_from <= day]
    if in_force:
        return in_force[-1]
    return next((v for v in versions if v.sha256 == sha), None)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_mtime_ns, st.st_size


def load_context(
    quarter: QuarterLike,
    *,
    as_of: dt.date | str | None = None,
    plan_path: str | Path | None = None,
    store: str | Path | None = None,
    plan_options: Mapping[str, Any] | None = None,
) -> BriefingContext:
    """Read the plan and the progress store and assess the year up to ``quarter``.

    Results are cached per (plan path, its modification time and size, store path, its
    modification time and size, quarter, as-of date), so the briefings of a quarterly run share
    one assessment, and an ingest into the store (which changes the file) is seen by the next
    call. Each call returns a context with a fresh ``generated_at``.

    Parameters
    ----------
    quarter
        The quarter briefed: a :class:`~taskanalytics.quarters.Quarter` or a label such as
        ``"2023Q2"`` (any spelling :meth:`Quarter.parse <taskanalytics.quarters.Quarter.parse>`
        accepts).
    as_of
        The as-of date, within the quarter; default the quarter's last day.
    plan_path
        The plan document; default :data:`taskanalytics.config.DEFAULT_PLAN_PATH`.
    store
        The progress store's SQLite file; default ``$TASKANALYTICS_STORE`` or
        ``data/progress/progress.sqlite`` (see :func:`taskanalytics.config.resolve`). A missing
        store gives a context with no reports (every due milestone 未报送).
    plan_options
        Keyword arguments of :func:`~taskanalytics.plan.build.read_plan` for the document
        (``mapping``, ``year``): a workspace plan's ``read_options``. Default none.

    Returns
    -------
    BriefingContext

    Raises
    ------
    AssessmentError
        For an unknown quarter or an as-of date outside it.
    PlanParseError
        If the plan cannot be read.
    FileNotFoundError
        If the plan file does not exist.

    Examples
    --------
    >>> ctx = load_context("2023Q2", store="/tmp/demo/progress.sqlite")  # doctest: +SKIP
    >>> ctx.current("by_unit")[["unit", "due", "overdue", "light"]]  # doctest: +SKIP
    """
    label, day = resolve_quarter(quarter, as_of)  # a bad date fails before anything is read
    q = Quarter.parse(label)
    paths = config.resolve(plan_path, store)
    plan_file, store_file = paths.plan_path, paths.store
    plan_stamp = _stamp(plan_file)
    options = {k: v for k, v in (plan_options or {}).items() if v is not None}
    if plan_stamp is None:
        read_plan(plan_file, **options)  # raises PlanParseError naming the missing file
    if day == q.end:
        day = None  # the same context as the default, one cache entry
    key = json.dumps(options, sort_keys=True, ensure_ascii=False)
    cached = _load(plan_file, plan_stamp, store_file, _stamp(store_file), q, day, key)
    return dataclasses.replace(cached, generated_at=dt.datetime.now().replace(microsecond=0))


# --------------------------------------------------------------------------- header


def quarter_label(quarter: QuarterLike) -> str:
    """Return a quarter in Chinese: ``"2023Q2"`` -> ``"2023年第二季度"``.

    Examples
    --------
    >>> quarter_label("2023Q2")
    '2023年第二季度'
    """
    return Quarter.parse(quarter).zh


def check_scope(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> None:
    """Raise :class:`BriefingError` unless ``unit`` leads and ``leader`` is in charge of a task.

    Parameters
    ----------
    ctx
        From :func:`load_context`.
    unit, leader
        Names to check; ``None`` is not checked.

    Raises
    ------
    BriefingError
        Naming the value and listing accepted ones.
    """
    a = ctx.assessment
    if unit is not None and unit not in set(a.by_unit["unit"]):
        raise BriefingError("lead unit", unit, sorted(set(a.by_unit["unit"])))
    if leader is not None and leader not in set(a.by_leader["leader"]):
        raise BriefingError("leader", leader, sorted(set(a.by_leader["leader"])))


def briefing_header(
    ctx: BriefingContext,
    title: str,
    *,
    unit: str | None = None,
    leader: str | None = None,
) -> HTML:
    """Return the top of a briefing: back to the index, title, quarter, dates, 示例数据 banner.

    The files read and their hashes are at the end of the page (:func:`sources_footer`).

    Parameters
    ----------
    ctx
        From :func:`load_context`.
    title
        The briefing's title (escaped).
    unit
        Checked against the plan, so a unit briefing with a misspelt name fails at the top.
    leader
        Checked against the plan, likewise.

    Returns
    -------
    IPython.display.HTML
        A "← 返回目录" link to ``index.html`` (pages of a quarterly run sit beside it), the
        header; when ``ctx.is_synthetic``, followed by the red 示例数据 banner.

    Raises
    ------
    BriefingError
        If ``unit`` or ``leader`` is not in the plan.

    Examples
    --------
    >>> briefing_header(ctx, "全区重点任务季度进展")  # doctest: +SKIP
    """
    check_scope(ctx, unit=unit, leader=leader)
    parts = [
        _STYLE,
        '<header class="ta-header">',
        index_link(INDEX_PAGE),
        f'<h1 class="ta-h">{_esc(title)}</h1>',
        '<div class="ta-meta">'
        f"<span>计划：{_esc(ctx.plan_name)}</span>"
        f"<span>季度：{_esc(quarter_label(ctx.quarter))}</span>"
        f"<span>数据截至：{_esc(ctx.as_of_text)}</span>"
        f"<span>生成时间：{_esc(ctx.generated_at.strftime('%Y-%m-%d %H:%M'))}</span>"
        + (f"<span>计划版本：{_esc(ctx.version_text)}</span>" if ctx.version_text else "")
        + "</div>",
        "</header>",
    ]
    if ctx.is_synthetic:
        parts.append(synthetic_banner().data.replace(_STYLE, ""))
    return HTML("\n".join(parts))


def _plan_line(file_name: str, sha256: str, doc: str = "") -> str:
    return (
        f"<p>任务分解：{_esc(doc or file_name)}（{_esc(file_name)}，"
        f'SHA-256 <span class="ta-hash">{_esc(sha256[:12])}</span>）</p>'
    )


def has_name(values: pd.Series, name: str) -> np.ndarray:
    """Rows whose list (or 、-joined text) of names contains ``name``."""
    return np.fromiter(
        (
            name
            in (v if isinstance(v, (list, tuple, np.ndarray)) else str(v).split(va.LIST_SEPARATOR))
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )


def indicator_points(ctx: BriefingContext, key: str) -> pd.DataFrame:
    """Return an indicator's points (:func:`~taskanalytics.briefing.pages.indicator_series`).

    Raises
    ------
    BriefingError
        If ``key`` is no indicator of the plan (the error lists the keys).
    """
    try:
        return indicator_series(ctx.assessment, key)  # a metric, a task id or task_id:metric
    except AssessmentError:
        raise BriefingError("indicator series", key, indicator_keys(ctx.plan)) from None


def sources_footer(
    ctx: BriefingContext,
    *,
    unit: str | None = None,
    leader: str | None = None,
    indicator: str | None = None,
) -> HTML:
    """Return the end of a briefing: 数据来源, the plan and the progress files with their hashes.

    Parameters
    ----------
    ctx
        From :func:`load_context`.
    unit
        List only this unit's progress files (a unit briefing); the counts are always the
        whole store's. Checked against the plan.
    leader
        List only the files whose reports are on the tasks this leader is in charge of.
    indicator
        List only the files whose reports are on this indicator's milestones (an indicator
        page: a few files instead of every file of the store).

    Returns
    -------
    IPython.display.HTML
        A ``<footer>``: the plan document (file name, first 12 hex digits of its SHA-256), the
        count of progress files, and a folded table of the files with their SHA-256 prefixes;
        then the "← 返回目录" link.

    Raises
    ------
    BriefingError
        If ``unit`` is not in the plan.

    Examples
    --------
    >>> sources_footer(ctx)  # doctest: +SKIP
    """
    check_scope(ctx, unit=unit, leader=leader)
    src = ctx.sources
    plan_row = src[src["kind"] == "plan"].iloc[0]
    files = src[src["kind"] == "progress"]
    n_units = files["unit"].nunique()
    meta = ctx.plan.meta
    doc = "、".join(str(v) for v in (meta.get("doc_number"), meta.get("title")) if v)
    if len(files):
        latest = pd.Timestamp(files["as_of_date"].max()).date()
        progress_text = (
            f"进度报送 {len(files)} 份（{n_units} 个单位，最近报送截至 {latest}"
            + ("，含示例数据" if ctx.is_synthetic else "")
            + "）"
        )
    else:
        progress_text = "进度报送：无（各单位尚未报送）"
    listed = files if unit is None else files[files["unit"] == unit]
    what = f"{unit}的报送文件" if unit is not None else "全部报送文件"
    if leader is not None:
        tasks = ctx.plan.tasks.loc[has_name(ctx.plan.tasks["leaders"], leader), "task_id"]
        used = ctx.progress.loc[ctx.progress["task_id"].isin(set(tasks)), "sha256"]
        listed = listed[listed["sha256"].isin(set(used))]
        what = f"{leader}分管任务的报送文件"
    if indicator is not None:
        ids = set(indicator_points(ctx, indicator)["milestone_id"])
        used = ctx.progress.loc[ctx.progress["milestone_id"].isin(ids), "sha256"]
        listed = listed[listed["sha256"].isin(set(used))]
        what = "本指标相关的报送文件"
    shown = listed.assign(short=listed["sha256"].str[:12])[
        ["file_name", "unit", "quarter", "as_of_date", "short"]
    ]
    details = table_html(
        shown,
        columns_zh={
            "file_name": "文件",
            "unit": "报送单位",
            "as_of_date": "截至日期",
            "short": "SHA-256（前 12 位）",
        },
        empty_text="（无报送文件）",
    ).data.replace(_STYLE, "")
    parts = [
        _STYLE,
        '<footer class="ta-footer">',
        '<h2 class="ta-h">数据来源</h2>',
        _plan_line(str(plan_row["file_name"]), str(plan_row["sha256"]), doc),
        f"<p>{_esc(progress_text)}</p>",
        f'<details class="ta-sources"><summary>{_esc(what)}及校验值（{len(listed)} 份）'
        f"</summary>{details}</details>",
        index_link(INDEX_PAGE),
        "</footer>",
    ]
    return HTML("\n".join(parts))


def plan_sources_footer(plan_path: Path | str, *, doc: str = "") -> HTML:
    """Return the 数据来源 footer of a page that reads the plan only (the source audit).

    Parameters
    ----------
    plan_path
        The plan document read.
    doc
        Its document number or title, shown before the file name.

    Returns
    -------
    IPython.display.HTML
    """
    path = Path(plan_path)
    return HTML(
        _STYLE
        + '<footer class="ta-footer"><h2 class="ta-h">数据来源</h2>'
        + _plan_line(path.name, _sha256(path), doc)
        + index_link(INDEX_PAGE)
        + "</footer>"
    )


# --------------------------------------------------------------------------- indicator keys


def indicator_keys(plan: Plan) -> list[str]:
    """Return the indicator series briefed one by one, in plan order.

    A series is one task's metric with a quarterly trajectory: at least two of its targets fall
    on distinct due dates (化解政府性债务 17501 → 63422 → 68863 → 70289 万元, 回迁安置 …). A
    metric with a single target is shown only in the table of all targets
    (:func:`~taskanalytics.briefing.indicators_all_table`). Plan order is the order of the
    plan's targets (tasks as numbered, section 一 first, the livelihood projects last; within a
    task, its metrics as first listed).

    A series is keyed by its metric name when no other task has a target with that name (the
    key :meth:`Assessment.series` takes), else by ``task_id:metric``
    (:func:`~taskanalytics.briefing.pages.indicator_series` reads both).

    Parameters
    ----------
    plan
        The work plan.

    Returns
    -------
    list of str
        E.g. ``["地区生产总值增长", "固定资产投资同比增长", …, "化解政府性债务", "回迁安置", …]``.

    Examples
    --------
    >>> indicator_keys(read_plan(config.DEFAULT_PLAN_PATH))[:2]  # doctest: +SKIP
    ['地区生产总值增长', '固定资产投资同比增长']
    """
    targets = plan.targets.merge(
        plan.milestones[["milestone_id", "due_date"]], on="milestone_id", how="left"
    )
    tasks_per_metric = targets.groupby("metric")["task_id"].nunique()
    dates = targets.groupby(["task_id", "metric"], sort=False)["due_date"].nunique()
    keys = [
        metric if tasks_per_metric[metric] == 1 else f"{task_id}{KEY_SEPARATOR}{metric}"
        for (task_id, metric), n in dates.items()
        if n >= 2
    ]
    return list(dict.fromkeys(keys))
