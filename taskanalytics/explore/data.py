"""Exploring a plan and its assessment: tables, filters, linked-chart data, export.

Everything here is plain pandas and altair, so it is tested without a notebook:

- :func:`explore_data` assesses the plan for every quarter of its year (with or without progress
  reports) and lays out the three tables an analyst browses: tasks, milestones, targets;
- :func:`select` applies a :class:`Filters` and returns a :class:`Selection`;
- :mod:`taskanalytics.explore.charts` builds the explorer's altair charts from its frames;
- :func:`export_selection` writes a selection to ``.xlsx`` and ``.csv``.

The ipywidgets explorer for JupyterLab (``notebooks/explore.ipynb``) is
:class:`taskanalytics.explore.widgets.Explorer`; :func:`~taskanalytics.explore.widgets.plan_explorer` builds one. Widgets are for
live analysis only: exported HTML briefings cannot run them (see README).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from taskanalytics import schema
from taskanalytics.assess import vocab as va
from taskanalytics.assess.engine import Assessment, assess, assess_all
from taskanalytics.config import DATA_DIR
from taskanalytics.plan.audit import SECTION_NAMES
from taskanalytics.plan.build import Plan
from taskanalytics.plan.export import _atomic, _for_excel, _joined, _write_workbook, write_csv
from taskanalytics.plan.order import chinese_order
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.store import PROGRESS_COLUMNS
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "ALL",
    "DEFAULT_EXPORT_DIR",
    "ExploreData",
    "Filters",
    "Selection",
    "explore_data",
    "export_selection",
    "filter_choices",
    "indicator_series",
    "relax_hints",
    "select",
    "store_note",
]

#: The drop-down entry that means "no filter".
ALL: Final = "（全部）"
#: Where :func:`export_selection` writes by default (``data/`` is git-ignored output).
DEFAULT_EXPORT_DIR: Final = DATA_DIR / "processed" / "exports"


# --------------------------------------------------------------------------- assessed tables


@dataclass(frozen=True)
class Filters:
    """What an analyst has picked in the filter panel; None (or ``""``) means "any".

    Attributes
    ----------
    quarter : str or None
        The assessment quarter (``2023Q2``): statuses and indicators as of its end.
    section, category : str or None
        Section code (``work_report``/``livelihood``) and category as in the plan.
    lead_unit, leader : str or None
        A lead unit (牵头单位) or a leader (分管领导) of the task.
    status : str or None
        A milestone status label (``逾期未完成``) or code (``overdue``).
    due_quarter : str or None
        Only milestones due in this quarter.
    text : str or None
        A substring of the milestone text or the task title (any case).
    """

    quarter: str | None = None
    section: str | None = None
    category: str | None = None
    lead_unit: str | None = None
    leader: str | None = None
    status: str | None = None
    due_quarter: str | None = None
    text: str | None = None

    def replace(self, **changes: str | None) -> Filters:
        """Return a copy with some filters changed (``ALL`` and ``""`` become None)."""
        clean = {k: (None if v in (ALL, "") else v) for k, v in changes.items()}
        return dataclasses.replace(self, **clean)

    def active(self) -> dict[str, str]:
        """The filters that are set, name -> value."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True)
class ExploreData:
    """A plan assessed at every quarter of its year, laid out for browsing.

    Attributes
    ----------
    quarters : tuple of str
        The assessed quarters, oldest first.
    tasks : pandas.DataFrame
        ``Assessment.by_task`` (one row per task and quarter: status, counts, light) plus the
        plan's ``subcategory``, ``deadline`` and ``responsible_units``.
    milestones : pandas.DataFrame
        ``Assessment.milestones`` (one row per milestone and quarter: ``status``, ``light``,
        the report used, …) plus ``subcategory`` and ``responsible_units``.
    targets : pandas.DataFrame
        One row per plan target and quarter: ``metric``, ``target``, ``unit``, the milestone's
        ``text``/``due_date``/``status`` and, once due, ``actual``, ``achievement``, ``band``.
    has_progress : bool
        Whether any progress report was given (without, due milestones are 未报送).
    assessment : Assessment
        The :func:`~taskanalytics.assess_all` result the tables come from.
    """

    quarters: tuple[str, ...]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame
    has_progress: bool
    assessment: Assessment = field(repr=False)
    plan: Plan = field(repr=False)
    progress: pd.DataFrame = field(repr=False)


def _empty_progress() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in PROGRESS_COLUMNS})
    return frame.astype({"as_of_date": "datetime64[ns]", "completed_date": "datetime64[ns]"})


def _year_quarters(plan: Plan, extra: Quarter | None) -> list[str]:
    year = int(plan.meta.get("year") or pd.Timestamp(plan.milestones["due_date"].min()).year)
    quarters = set(Quarter.of_year(year))
    if extra is not None:
        quarters.add(extra)
    return [q.label for q in sorted(quarters)]


def explore_data(
    plan: Plan,
    progress: pd.DataFrame | None = None,
    *,
    quarters: list[str] | None = None,
    quarter: QuarterLike | None = None,
) -> ExploreData:
    """Assess ``plan`` at every quarter and build the tables the explorer browses.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`; not modified.
    progress
        Progress reports (:func:`taskanalytics.progress.store.load_progress_history`); None or an empty
        frame explores the plan alone (due milestones are 未报送, indicators 无数据).
    quarters
        Quarters to assess; default the four quarters of the plan year.
    quarter
        A quarter that must be among them (the notebook's parameter, a
        :class:`~taskanalytics.quarters.Quarter` or its label); added if missing.

    Returns
    -------
    ExploreData

    Raises
    ------
    AssessmentError
        For an unknown quarter or a malformed progress frame.

    Examples
    --------
    >>> data = explore_data(plan)  # doctest: +SKIP
    >>> data.quarters  # doctest: +SKIP
    ('2023Q1', '2023Q2', '2023Q3', '2023Q4')
    """
    progress = _empty_progress() if progress is None or progress.empty else progress
    q = Quarter.parse(quarter) if quarter else None
    wanted = list(quarters) if quarters else _year_quarters(plan, q)
    if q is not None and q.label not in wanted:
        wanted.append(q.label)
    a = assess_all(plan, progress, wanted)
    extra = plan.tasks[["task_id", "subcategory", "deadline", "responsible_units"]]
    tasks = a.by_task.merge(extra, on="task_id", how="left")
    # a task with nothing due has no light: say so in the table, as the briefings do
    light = tasks["light"].cat.add_categories([va.NO_LIGHT_LABEL])
    tasks["light"] = light.fillna(va.NO_LIGHT_LABEL)
    milestones = a.milestones.merge(
        extra[["task_id", "subcategory", "responsible_units"]], on="task_id", how="left"
    )
    ms_cols = [
        "quarter", "milestone_id", "task_id", "task_title", "section", "category", "text",
        "due_date", "due_quarter", "status", "lead_units", "leaders",
    ]  # fmt: skip
    plan_targets = plan.targets[
        ["milestone_id", "target_no", "metric", "value", "unit", "comparator"]
    ]
    targets = milestones[ms_cols].merge(
        plan_targets.rename(columns={"value": "target"}), on="milestone_id"
    )
    measured = ["actual", "achievement", "gap", "basis", "band"]
    targets = targets.merge(
        a.indicators[["quarter", "milestone_id", "target_no", *measured]],
        on=["quarter", "milestone_id", "target_no"],
        how="left",
    )
    targets = targets.sort_values(["quarter", "milestone_id", "target_no"], ignore_index=True)
    return ExploreData(
        quarters=a.quarters,
        tasks=tasks,
        milestones=milestones,
        targets=targets,
        has_progress=not progress.empty,
        assessment=a,
        plan=plan,
        progress=progress,
    )


@dataclass(frozen=True)
class Selection:
    """The rows an explorer shows for a :class:`Filters`.

    Attributes
    ----------
    filters : Filters
        What was selected (``quarter`` always set).
    milestones : pandas.DataFrame
        The milestones matching every filter, at the quarter.
    tasks : pandas.DataFrame
        The tasks with at least one such milestone (task status is its worst milestone).
    targets : pandas.DataFrame
        The targets of those milestones.
    """

    filters: Filters
    milestones: pd.DataFrame
    tasks: pd.DataFrame
    targets: pd.DataFrame

    def summary(self) -> str:
        """One line of Chinese: how many milestones, tasks, targets and overdue items."""
        overdue = int((self.milestones["status_code"] == "overdue").sum())
        return (
            f"{self.filters.quarter}：{len(self.milestones)} 个节点，涉及 "
            f"{self.tasks['task_id'].nunique()} 项任务、{len(self.targets)} 个指标；"
            f"逾期未完成 {overdue} 个"
        )


def _has(lists: pd.Series, name: str) -> pd.Series:
    """Which cells (lists of names) contain ``name``."""
    return lists.map(lambda names: isinstance(names, list | tuple) and name in names)


def _contains(texts: list[pd.Series], needle: str) -> pd.Series:
    """Which rows have ``needle`` in any of ``texts`` (case-insensitive, not a regex)."""
    found = pd.Series(False, index=texts[0].index)
    for text in texts:
        found |= text.astype("string").str.contains(needle, case=False, regex=False).fillna(False)
    return found.astype(bool)


def _status_label(status: str) -> str:
    return va.STATUS_LABELS.get(status, status)


def _milestone_mask(ms: pd.DataFrame, f: Filters, *, skip: tuple[str, ...] = ()) -> pd.Series:
    mask = pd.Series(True, index=ms.index)
    picks = {k: v for k, v in f.active().items() if k not in skip}
    for column in ("quarter", "section", "category", "due_quarter"):
        if column in picks:
            mask &= ms[column] == picks[column]
    if "lead_unit" in picks:
        mask &= _has(ms["lead_units"], picks["lead_unit"])
    if "leader" in picks:
        mask &= _has(ms["leaders"], picks["leader"])
    if "status" in picks:
        mask &= ms["status"].astype("object") == _status_label(picks["status"])
    if "text" in picks:
        mask &= _contains([ms["text"], ms["task_title"]], picks["text"])
    return mask


def select(data: ExploreData, filters: Filters | None = None, **picks: str | None) -> Selection:
    """Return the tasks, milestones and targets that match ``filters``.

    Parameters
    ----------
    data
        From :func:`explore_data`; not modified.
    filters
        The filters; default none (every row of the last quarter).
    **picks
        Filter values that override ``filters`` (``lead_unit="财政局"``); ``ALL`` or ``""``
        clears one.

    Returns
    -------
    Selection
        Copies of the matching rows, in plan order. Without a quarter, the last quarter.

    Examples
    --------
    >>> sel = select(data, quarter="2023Q2", status="逾期未完成")  # doctest: +SKIP
    >>> sel.milestones["status"].unique()  # doctest: +SKIP
    """
    f = (filters or Filters()).replace(**picks)
    if not f.quarter:
        f = f.replace(quarter=data.quarters[-1])
    ms = data.milestones[_milestone_mask(data.milestones, f)].reset_index(drop=True)
    ids = set(ms["milestone_id"])
    in_q = data.tasks["quarter"] == f.quarter
    tasks = data.tasks[in_q & data.tasks["task_id"].isin(set(ms["task_id"]))]
    targets = data.targets[
        (data.targets["quarter"] == f.quarter) & data.targets["milestone_id"].isin(ids)
    ]
    return Selection(
        filters=f,
        milestones=ms,
        tasks=tasks.reset_index(drop=True),
        targets=targets.reset_index(drop=True),
    )


def filter_choices(data: ExploreData) -> dict[str, list[tuple[str, str]]]:
    """Return the choices of each filter as ``(label, value)`` pairs, ``(ALL, "")`` first.

    Parameters
    ----------
    data
        From :func:`explore_data`.

    Returns
    -------
    dict
        Keys are the :class:`Filters` fields except ``text``. Sections, categories,
        statuses and quarters are in plan (or vocabulary) order; lead units and leaders, which
        the plan does not order, in pinyin order (:func:`taskanalytics.plan.order.chinese_order`).
    """
    ms = data.milestones

    def names(column: str) -> list[str]:
        # units and leaders: the plan has no order of its own across tasks, so pinyin
        return chinese_order(ms[column].explode().dropna().astype(str))

    def pairs(values: list[str], label: dict[str, str] | None = None) -> list[tuple[str, str]]:
        return [(ALL, ""), *[((label or {}).get(v, v), v) for v in values]]

    return {
        "quarter": [(q, q) for q in data.quarters],
        "section": pairs(list(dict.fromkeys(ms["section"].dropna())), SECTION_NAMES),
        "category": pairs(list(dict.fromkeys(ms["category"].dropna()))),
        "lead_unit": pairs(names("lead_units")),
        "leader": pairs(names("leaders")),
        "status": pairs(list(va.STATUS_LABELS.values())),
        "due_quarter": pairs(sorted(ms["due_quarter"].dropna().unique(), key=Quarter.parse)),
    }


def indicator_series(
    data: ExploreData, key: str, quarter: QuarterLike | None = None
) -> pd.DataFrame:
    """Return one indicator's target trajectory and actuals, as of a quarter's end.

    Parameters
    ----------
    data
        From :func:`explore_data`.
    key
        A metric (``化解政府性债务``) or a task id.
    quarter
        Actuals as reported by this quarter's end; default the last quarter.

    Returns
    -------
    pandas.DataFrame
        :meth:`Assessment.series` for that quarter: ``quarter`` (due quarter), ``target``,
        ``actual``, ``band``, … one row per milestone target.

    Raises
    ------
    AssessmentError
        If ``key`` is neither a metric nor a task id of the plan's targets.
    """
    q = quarter or data.quarters[-1]
    return assess(data.plan, data.progress, q).series(key)


# --------------------------------------------------------------------------- states


def store_note(store: str | Path | None, *, has_progress: bool) -> str:
    """Return the Chinese note on where the progress came from ("" when reports were loaded).

    Parameters
    ----------
    store
        The store path the analyst *named* (the notebook's ``store`` parameter); None when the
        default location was used.
    has_progress
        Whether any report was loaded.

    Returns
    -------
    str
        A named store that does not exist is named, so a typo is not taken for "no store";
        an unnamed or empty store gets the quiet plan-only note.

    Examples
    --------
    >>> store_note("/data/progres.sqlite", has_progress=False)
    '进度库 /data/progres.sqlite 不存在，请检查路径；现仅按计划浏览（到期节点均为“未报送”）'
    """
    if has_progress:
        return ""
    if store is not None and not Path(store).exists():
        return f"进度库 {store} 不存在，请检查路径；现仅按计划浏览（到期节点均为“未报送”）"
    if store is not None:
        return f"进度库 {store} 中没有进度报送；现仅按计划浏览（到期节点均为“未报送”）"
    return "（未载入进度数据：到期节点均为“未报送”）"


def relax_hints(data: ExploreData, filters: Filters) -> list[str]:
    """Say which single filter to drop to get rows back, when ``filters`` select nothing.

    Parameters
    ----------
    data
        From :func:`explore_data`.
    filters
        The filters of an empty selection (the quarter is never dropped).

    Returns
    -------
    list of str
        One Chinese hint per set filter, the most helpful first (``去掉 牵头单位“财政局”：
        12 个节点``); a filter that does not help on its own is left out. Empty when the
        filters select something or none is set.
    """
    f = filters if filters.quarter else filters.replace(quarter=data.quarters[-1])
    ms = data.milestones
    if _milestone_mask(ms, f).any():
        return []
    hints: list[tuple[int, str]] = []
    for name, value in f.active().items():
        if name == "quarter":
            continue
        n = int(_milestone_mask(ms, f, skip=(name,)).sum())
        if n:
            shown = FILTER_VALUE_LABELS.get(name, {}).get(value, value)
            hints.append((n, f"去掉 {FILTER_LABELS[name]}“{shown}”：{n} 个节点"))
    return [text for _, text in sorted(hints, key=lambda h: -h[0])]


# --------------------------------------------------------------------------- export

#: Chinese name of each filter, as on screen and on the export's 筛选条件 sheet.
FILTER_LABELS: Final[dict[str, str]] = {
    "quarter": "评估季度",
    "section": schema.label("section", "assessment.milestones"),
    "category": schema.label("category", "assessment.milestones"),
    "lead_unit": schema.label("lead_units", "assessment.milestones"),
    "leader": schema.label("leaders", "assessment.milestones"),
    "status": schema.label("status", "assessment.milestones"),
    "due_quarter": schema.label("due_quarter", "assessment.milestones"),
    "text": "关键词",
}
#: Filter values that are codes, code -> Chinese.
FILTER_VALUE_LABELS: Final[dict[str, dict[str, str]]] = {
    "section": dict(SECTION_NAMES),
    "status": dict(va.STATUS_LABELS),
}
#: Columns holding codes, code -> Chinese, in every exported table.
CODE_LABELS: Final[dict[str, dict[str, str]]] = {
    "section": dict(SECTION_NAMES),
    "reported_status": dict(vp.STATUS_LABELS),
    "comparator": dict(vp.COMPARATOR_LABELS),
    "basis": {"ratio": "实际/目标", "points": "实际−目标"},
    "due_kind": {
        "date": "具体日期",
        "recurring": "周期性",
        "task_deadline": "按任务完成时限",
        "range": "时间段",
    },
    "recurrence": {"monthly": "每月", "quarterly": "每季度", "semiannual": "每半年"},
}
#: Sheet (and csv suffix) names of an export, in order; sheets take the schema's titles.
EXPORT_TABLES: Final = ("tasks", "milestones", "targets")
_EXPORT_SCHEMA: Final = {
    "tasks": "assessment.by_task",
    "milestones": "assessment.milestones",
    "targets": "assessment.indicators",
}
#: Columns left out of an export: codes repeated by a Chinese column next to them.
_NOT_EXPORTED: Final = frozenset({"status_code"})
FILTERS_SHEET: Final = "筛选条件"


def _header(column: str, table: str) -> str | None:
    for name in (table, "assessment.milestones", "plan.tasks"):
        try:
            return schema.label(column, name)
        except KeyError:  # not a column of that table: try the next
            continue
    return None


def chinese_table(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return an explorer table as shown to readers: codes in Chinese, Chinese headers.

    Parameters
    ----------
    frame
        ``Selection.tasks``/``milestones``/``targets`` (or any frame of schema columns); not
        modified.
    table
        The schema table whose labels name the columns (``assessment.milestones``); the
        milestone and plan-task labels are used for joined columns. Columns without a label
        and :data:`_NOT_EXPORTED` are left out.

    Returns
    -------
    pandas.DataFrame
        A new frame; list cells are kept (the writers join them with 、).
    """
    out = {}
    for column in frame.columns:
        label = None if column in _NOT_EXPORTED else _header(column, table)
        if label is None or label in out:
            continue
        values = frame[column]
        if column in CODE_LABELS:
            codes = CODE_LABELS[column]
            values = values.map(lambda v, c=codes: c.get(v, v) if isinstance(v, str) else v)
        elif pd.api.types.is_bool_dtype(values):
            values = values.map({True: "是", False: "否"})
        out[label] = values
    return pd.DataFrame(out, index=frame.index)


def filters_sheet(filters: Filters) -> pd.DataFrame:
    """Return the 筛选条件 sheet: one row per filter, Chinese name and value (全部 when unset)."""
    rows = []
    for name, value in dataclasses.asdict(filters).items():
        shown = FILTER_VALUE_LABELS.get(name, {}).get(value, value) if value else ALL
        rows.append({"筛选条件": FILTER_LABELS[name], "取值": shown})
    return pd.DataFrame(rows)


def export_selection(
    selection: Selection,
    folder: str | Path | None = None,
    *,
    stamp: dt.datetime | None = None,
    comparison: pd.DataFrame | None = None,
    compared: tuple[str, str] | None = None,
) -> list[Path]:
    """Write a selection to one ``.xlsx`` to forward as it is, and ``.csv`` copies.

    Parameters
    ----------
    selection
        From :func:`select`; not modified.
    folder
        Output folder, created if missing; default :data:`DEFAULT_EXPORT_DIR`.
    stamp
        Time used in the file names; default now.
    comparison
        A quarter-to-quarter comparison (:func:`taskanalytics.explore.compare.compare_quarters`)
        written as a 季度对比 sheet and csv; default none.
    compared
        The two quarters of ``comparison`` (上期, 本期), written on the 筛选条件 sheet.

    Returns
    -------
    list of pathlib.Path
        ``explore_<YYYYmmdd-HHMMSS>.xlsx`` with sheets 筛选条件 (the filters in Chinese), then
        the schema's titles of the three tables (按任务汇总, 节点评估, 指标评估) and 季度对比 if
        given, every header Chinese and every code translated (:func:`chinese_table`); then
        ``explore_<stamp>_tasks.csv``, ``…_milestones.csv``, ``…_targets.csv`` (and
        ``…_compare.csv``) with the same headers (UTF-8 with BOM, opens in Excel). Each file is
        written to a temporary file and moved into place. A text that a spreadsheet could take
        for a formula (``=cmd|…``) is a quote-prefixed text cell in the ``.xlsx`` and starts
        with ``'`` in the ``.csv`` (:mod:`taskanalytics.schema.cells`).

    Raises
    ------
    taskanalytics.plan.export.ExportError
        If the folder cannot be created or written.

    Examples
    --------
    >>> export_selection(select(data, lead_unit="财政局"), "/tmp/out")  # doctest: +SKIP
    """
    from taskanalytics.explore.compare import COMPARE_LABELS
    from taskanalytics.plan.export import ExportError

    out = Path(folder) if folder is not None else DEFAULT_EXPORT_DIR
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the export folder ({exc})") from exc
    name = f"explore_{(stamp or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}"
    frames = {
        (t, schema.table_schema(_EXPORT_SCHEMA[t]).title): chinese_table(
            getattr(selection, t), _EXPORT_SCHEMA[t]
        )
        for t in EXPORT_TABLES
    }
    # an empty selection still gets its headers (typed empty columns trip the list check)
    frames = {k: f.astype(object) if f.empty else f for k, f in frames.items()}
    if comparison is not None:
        labelled = comparison[list(COMPARE_LABELS)].rename(columns=COMPARE_LABELS)
        frames[("compare", COMPARISON_SHEET)] = labelled
    conditions = filters_sheet(selection.filters)
    if comparison is not None and compared is not None:
        pair = pd.DataFrame([{"筛选条件": COMPARISON_SHEET, "取值": " → ".join(compared)}])
        conditions = pd.concat([conditions, pair], ignore_index=True)
    sheets = {
        FILTERS_SHEET: conditions,
        **{title: _for_excel(f) for (_, title), f in frames.items()},
    }
    paths = [_atomic(out / f"{name}.xlsx", lambda tmp: _write_workbook(sheets, tmp))]
    for (table, _), frame in frames.items():
        paths.append(write_csv(_joined(frame), out / f"{name}_{table}.csv"))
    return paths


#: Sheet of a quarter-to-quarter comparison in an export.
COMPARISON_SHEET: Final = "季度对比"
