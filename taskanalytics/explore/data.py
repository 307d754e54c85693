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

from taskanalytics.assess import vocab as va
from taskanalytics.assess.engine import Assessment, assess, assess_all
from taskanalytics.config import DATA_DIR
from taskanalytics.plan.audit import SECTION_NAMES
from taskanalytics.plan.build import Plan
from taskanalytics.plan.export import _atomic, _for_excel, _joined, _write_workbook, write_csv
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
    "select",
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
        Keys are the :class:`Filters` fields except ``text``.
    """
    ms = data.milestones

    def names(column: str) -> list[str]:
        return sorted(ms[column].explode().dropna().astype(str).unique())

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


# --------------------------------------------------------------------------- export

#: Sheet (and csv suffix) names of an export, in order.
EXPORT_TABLES: Final = ("tasks", "milestones", "targets")


def export_selection(
    selection: Selection,
    folder: str | Path | None = None,
    *,
    stamp: dt.datetime | None = None,
) -> list[Path]:
    """Write a selection's tasks, milestones and targets to ``.xlsx`` and ``.csv``.

    Parameters
    ----------
    selection
        From :func:`select`; not modified.
    folder
        Output folder, created if missing; default :data:`DEFAULT_EXPORT_DIR`.
    stamp
        Time used in the file names; default now.

    Returns
    -------
    list of pathlib.Path
        ``explore_<YYYYmmdd-HHMMSS>.xlsx`` (sheets ``filters``, ``tasks``, ``milestones``,
        ``targets``), then ``explore_<stamp>_tasks.csv``, ``…_milestones.csv``,
        ``…_targets.csv`` (UTF-8 with BOM, opens in Excel). Each file is written to a temporary
        file and moved into place. A text that a spreadsheet could take for a formula (a note
        ``=cmd|…``, a title ``-2+3``) is a quote-prefixed text cell in the ``.xlsx`` and starts
        with ``'`` in the ``.csv`` (:mod:`taskanalytics.schema.cells`).

    Raises
    ------
    taskanalytics.plan.export.ExportError
        If the folder cannot be created or written.

    Examples
    --------
    >>> export_selection(select(data, lead_unit="财政局"), "/tmp/out")  # doctest: +SKIP
    """
    from taskanalytics.plan.export import ExportError

    out = Path(folder) if folder is not None else DEFAULT_EXPORT_DIR
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out}: cannot create the export folder ({exc})") from exc
    name = f"explore_{(stamp or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}"
    frames = {t: getattr(selection, t) for t in EXPORT_TABLES}
    filters = pd.DataFrame(
        [{"filter": k, "value": v} for k, v in dataclasses.asdict(selection.filters).items()]
    )
    sheets = {"filters": filters, **{t: _for_excel(f) for t, f in frames.items()}}
    paths = [_atomic(out / f"{name}.xlsx", lambda tmp: _write_workbook(sheets, tmp))]
    for table, frame in frames.items():
        paths.append(write_csv(_joined(frame), out / f"{name}_{table}.csv"))
    return paths
