"""The engine's inputs as arrays: a plan's milestones and targets, and the progress reports.

Everything the verdicts need is prepared here once per call, whatever the number of quarters:
dates become whole days since 1970-01-01 (``int64``; a missing date is :data:`NAT`), ids become
positions in the plan, the unit's status word becomes a :class:`~taskanalytics.assess.codes.
Reported` code, and the reports are sorted by (milestone, as-of date, ingestion, input order) so
that the report that counts at a date (rule 1 of ``docs/assessment-rules.md``) is found in one
vectorized pass (:meth:`ReportArrays.select`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from taskanalytics.assess import rollup
from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Reported
from taskanalytics.errors import AssessmentError
from taskanalytics.plan.build import PlanLike
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.history import report_order, to_days

__all__ = [
    "NAT",
    "REQUIRED_PROGRESS_COLUMNS",
    "PlanArrays",
    "ReportArrays",
    "day_number",
    "from_days",
    "plan_year",
    "prepare_plan",
    "prepare_reports",
    "quarter_labels",
    "to_days",
]

logger = logging.getLogger("taskanalytics")

#: Columns a progress frame must have (``load_progress`` / ``load_progress_history`` output).
REQUIRED_PROGRESS_COLUMNS: Final[tuple[str, ...]] = (
    "milestone_id",
    "as_of_date",
    "status",
    "completed_date",
)
#: A missing date, as a day number (what ``NaT`` becomes in ``datetime64[D]`` as ``int64``).
NAT: Final = np.iinfo(np.int64).min
#: "No next report": a day number after every date (``ReportArrays.next_as_of``).
NEVER: Final = np.iinfo(np.int32).max
_NS_PER_DAY: Final = 86_400 * 10**9
_ACTUAL_RE: Final = re.compile(r"^actual_(\d+)$")
#: Months per period of a recurring milestone, by ``recurrence`` (rule 2); a recurring milestone
#: without a known recurrence is judged per quarter, the reporting cycle.
PERIOD_MONTHS: Final[dict[str, int]] = {"monthly": 1, "quarterly": 3, "semiannual": 6}
DEFAULT_PERIOD_MONTHS: Final = 3


# --------------------------------------------------------------------------- days


def day_number(value: dt.date) -> int:
    """Return a date as days since 1970-01-01."""
    return int(np.datetime64(value, "D").astype(np.int64))


def from_days(days: np.ndarray) -> np.ndarray:
    """Return day numbers as ``datetime64[ns]`` (:data:`NAT` -> ``NaT``).

    The same values as ``days.astype("datetime64[D]").astype("datetime64[ns]")``, by one integer
    multiplication into one new array: numpy's checked unit conversion (two passes, two arrays)
    is several times slower on millions of rows.
    """
    days = np.asarray(days, dtype=np.int64)
    ns = days * _NS_PER_DAY
    ns[days == NAT] = NAT
    return ns.view("datetime64[ns]")


def quarter_labels(days: np.ndarray) -> np.ndarray:
    """Return the quarter label (``Quarter.label``, ``"2023Q2"``) of each ``datetime64[D]``.

    Vectorized: one label is formatted per distinct quarter, not per date.
    """
    months = days.astype("datetime64[M]").astype(np.int64)
    unique, inverse = np.unique(months // 3, return_inverse=True)  # quarters since 1970Q1
    labels = np.array([f"{q // 4 + 1970}Q{q % 4 + 1}" for q in unique], dtype=object)
    return labels[inverse.reshape(-1)]


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlanArrays:
    """A plan's milestones and targets as arrays, plus the static columns of the tables.

    Milestone arrays are in plan order (``ids``); target arrays follow ``targets``' rows.
    """

    ms: pd.DataFrame  # static milestone columns, plan order
    ids: pd.Index
    due: np.ndarray  # due date, day number
    year_start: np.ndarray  # 1 January of the due date's year, day number
    recurring: np.ndarray  # due_kind == "recurring"
    period_months: np.ndarray  # months per period of a recurring milestone (0 if not recurring)
    targets: pd.DataFrame  # static target columns
    t_ms: np.ndarray  # the milestone of each target (position)
    t_no: np.ndarray
    t_value: np.ndarray
    t_points: np.ndarray  # compared in percentage points (a % target)
    t_at_most: np.ndarray  # comparator "<=": met at or below the target (控制在…以内)
    groupings: dict[str, rollup.Grouping]  # "task" groups milestones, the others tasks
    first_year: int
    ms_task: np.ndarray  # the task of each milestone (position in plan.tasks)
    owners_text: tuple[np.ndarray, np.ndarray]  # lead units, leaders joined with 、


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each run of equal neighbours in ``values`` (an object array).

    Comparing neighbours is several times cheaper than hashing strings: a progress frame sorted
    by milestone repeats each id (and often the status word) over its reports, so what is
    looked up per run is looked up about half as often or less. A value that cannot be
    compared (``pd.NA``) starts runs of its own: more runs, the same result.
    """
    head = np.ones(len(values), dtype=bool)
    with contextlib.suppress(TypeError):
        np.not_equal(values[1:], values[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    return starts, np.diff(np.append(starts, len(values)))


def _lookup(index: pd.Index, values: pd.Series) -> np.ndarray:
    """``index.get_indexer(values)``, looking up each run of equal values once (:func:`_runs`).

    Progress frames come sorted by milestone (several reports each): the lookup of ~1.7M ids
    is about four times faster, and exact for any order.
    """
    arr = values.to_numpy(dtype=object)
    starts, lengths = _runs(arr)
    return np.repeat(index.get_indexer(arr[starts]), lengths)


def _take(
    column: pd.Series, positions: np.ndarray
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    return column.array.take(positions)


def prepare_plan(plan: PlanLike) -> PlanArrays:
    """Return the plan as arrays, checked.

    Parameters
    ----------
    plan
        The plan (``read_plan`` output); not modified.

    Returns
    -------
    PlanArrays

    Raises
    ------
    AssessmentError
        For duplicate milestone ids, milestones of unknown tasks, or milestones without a due date.
    """
    ms, tasks = plan.milestones, plan.tasks
    ids = pd.Index(ms["milestone_id"].to_numpy(dtype=object))
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique().tolist()[:5]
        raise AssessmentError("plan.milestones has duplicate milestone_id", found=dup)
    ms_task = _lookup(pd.Index(tasks["task_id"].to_numpy(dtype=object)), ms["task_id"])
    if (ms_task < 0).any():
        bad = ms.loc[ms_task < 0, "task_id"].unique().tolist()[:5]
        raise AssessmentError("milestones refer to tasks not in plan.tasks", found=bad)
    due = to_days(ms["due_date"])
    if (due == NAT).any():
        bad = ms.loc[due == NAT, "milestone_id"].tolist()[:5]
        raise AssessmentError("milestones without a due_date", found=bad)
    due_d = due.astype("datetime64[D]")
    year_start = due_d.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    recurring = (ms["due_kind"] == "recurring").to_numpy(dtype=bool)
    months = np.zeros(len(ms), dtype=np.int64)  # mapped on the recurring rows only (a few)
    every = ms["recurrence"].to_numpy(dtype=object)[recurring]
    months[recurring] = [PERIOD_MONTHS.get(e, DEFAULT_PERIOD_MONTHS) for e in every]
    # the plan's own columns as they are: the tables repeat them into new arrays
    columns: dict[str, Any] = {
        c: ms[c].array
        for c in ("milestone_id", "task_id", "label", "text", "due_kind", "recurrence")
    }
    columns["due_date"] = from_days(due)
    columns["due_quarter"] = quarter_labels(due_d)
    for c in ("section", "category", "lead_units", "leaders"):
        columns[c] = _take(tasks[c], ms_task)
    columns["task_title"] = _take(tasks["title"], ms_task)
    order = ["milestone_id", "task_id", "task_title", "label", "text", "due_date", "due_kind"]
    order += ["recurrence", "due_quarter", "section", "category", "lead_units", "leaders"]
    static = pd.DataFrame({c: columns[c] for c in order}, copy=False)
    tg = plan.targets
    t_ms = _lookup(ids, tg["milestone_id"])
    tg = tg.loc[t_ms >= 0]
    t_ms = t_ms[t_ms >= 0]
    t_all = np.arange(len(tg))
    t_static = pd.DataFrame(
        {
            "milestone_id": _take(tg["milestone_id"], t_all),
            "task_id": _take(static["task_id"], t_ms),
            "target_no": tg["target_no"].to_numpy(dtype=np.int64),
            "metric": _take(tg["metric"], t_all),
            "unit": _take(tg["unit"], t_all),
            "comparator": _take(tg["comparator"], t_all),
            "due_date": static["due_date"].to_numpy()[t_ms],
            "due_quarter": _take(static["due_quarter"], t_ms),
            "target": tg["value"].to_numpy(dtype=float),
            "lead_units": _take(static["lead_units"], t_ms),
            "leaders": _take(static["leaders"], t_ms),
        }
    )
    return PlanArrays(
        ms=static,
        ids=ids,
        due=due,
        year_start=year_start,
        recurring=recurring,
        period_months=months,
        targets=t_static,
        t_ms=t_ms,
        t_no=t_static["target_no"].to_numpy(),
        t_value=t_static["target"].to_numpy(),
        t_points=(tg["unit"] == "%").to_numpy(dtype=bool),
        t_at_most=(tg["comparator"] == "<=").to_numpy(dtype=bool),
        groupings=rollup.build_groupings(tasks, ms_task, by_task=True),
        first_year=plan_year(plan, due_d),
        ms_task=ms_task,
        owners_text=tuple(
            np.array(list(map(va.LIST_SEPARATOR.join, tasks[c].to_numpy())), dtype=object)[ms_task]
            for c in ("lead_units", "leaders")
        ),
    )


def plan_year(plan: PlanLike, due: np.ndarray) -> int:
    """Return the plan's year: ``plan.meta["year"]``, else the year of the earliest due date."""
    meta = getattr(plan, "meta", None) or {}
    if isinstance(meta.get("year"), int):
        return int(meta["year"])
    return int(due.min().astype("datetime64[Y]").astype(int) + 1970) if len(due) else 1970


# --------------------------------------------------------------------------- the reports


@dataclass(frozen=True)
class ReportArrays:
    """Matched reports sorted by (milestone, as-of, ingestion, input order)."""

    frame: pd.DataFrame  # the progress frame as given (not copied)
    row: np.ndarray  # position in ``frame``
    ms: np.ndarray  # the milestone (position in the plan)
    as_of: np.ndarray  # day number
    status: np.ndarray  # the unit's word, a Reported code
    completed: np.ndarray  # day number, NAT when not given
    next_as_of: np.ndarray  # as-of day of the milestone's next report (int32; NEVER if none)
    actual: np.ndarray  # reports giving any actual x target numbers (see ``actual_row``)
    actual_row: np.ndarray  # per report, its row of ``actual`` (-1: no actual given)
    actual_col: dict[int, int]  # target_no -> column of ``actual``
    unmatched: pd.DataFrame

    def select(self, day: int, n_ms: int) -> np.ndarray:
        """Return, per milestone, the report that counts at ``day`` (-1 when none).

        That is the milestone's latest report dated on or before ``day``, and of those the last
        ingested: the last one in sorted order (rule 1). It is the one report of the milestone
        dated by ``day`` whose next report (:attr:`next_as_of`) is dated after ``day``, found
        in one pass over the reports (the same result as
        :func:`~taskanalytics.progress.history.latest_positions`, about three times faster).
        """
        hit = np.flatnonzero((self.as_of <= day) & (self.next_as_of > day))
        out = np.full(n_ms, -1, dtype=np.int64)
        out[self.ms[hit]] = hit
        return out

    def actuals(self, sel: np.ndarray, col: np.ndarray) -> np.ndarray:
        """Return, elementwise, the actual of column ``col`` in report ``sel``.

        Parameters
        ----------
        sel
            Positions in the sorted reports (-1: no report).
        col
            Columns of :attr:`actual` (:attr:`actual_col`; -1: a target number never reported).

        Returns
        -------
        numpy.ndarray
            float, NaN where ``sel`` or ``col`` is -1 or the report left the value empty.
        """
        out = np.full(len(sel), np.nan)
        if not len(self.actual):
            return out
        row = np.where(sel >= 0, self.actual_row[np.maximum(sel, 0)], -1)
        ok = (row >= 0) & (col >= 0)
        out[ok] = self.actual[row[ok], col[ok]]
        return out


def prepare_reports(progress: pd.DataFrame, ids: pd.Index) -> ReportArrays:
    """Return the reports of the plan's milestones as sorted arrays, checked.

    Parameters
    ----------
    progress
        ``load_progress_history`` (or ``load_progress``) output; not modified.
    ids
        The plan's milestone ids (:attr:`PlanArrays.ids`).

    Returns
    -------
    ReportArrays
        Reports for milestones not in the plan are kept apart in ``unmatched`` (and logged).

    Raises
    ------
    AssessmentError
        For a frame missing a required column, an unknown status word or a report without an
        as-of date.
    """
    if not isinstance(progress, pd.DataFrame):
        raise AssessmentError(
            "progress must be a DataFrame",
            found=type(progress).__name__,
            expected="load_progress or load_progress_history output",
        )
    missing = [c for c in REQUIRED_PROGRESS_COLUMNS if c not in progress.columns]
    if missing:
        raise AssessmentError(
            f"progress frame is missing required column(s) {', '.join(missing)}",
            expected=f"columns {', '.join(REQUIRED_PROGRESS_COLUMNS)} "
            "(as returned by load_progress_history)",
        )
    codes = _lookup(ids, progress["milestone_id"])
    unmatched = progress.loc[codes < 0]
    if len(unmatched):
        logger.warning(
            "%d progress report(s) for %d milestone(s) not in the plan: %s",
            len(unmatched),
            unmatched["milestone_id"].nunique(),
            ", ".join(map(str, unmatched["milestone_id"].unique()[:5])),
        )
    matched = np.flatnonzero(codes >= 0)
    status = _reported_codes(progress["status"])
    as_of = to_days(progress["as_of_date"])
    if (as_of[matched] == NAT).any():
        rows = matched[as_of[matched] == NAT][:5].tolist()
        raise AssessmentError(
            "progress rows without an as_of_date", found=rows, expected="a date in every row"
        )
    completed = to_days(progress["completed_date"])
    if "ingested_at" in progress.columns:
        ingested = pd.DatetimeIndex(pd.to_datetime(progress["ingested_at"], utc=True)).asi8
    else:
        ingested = np.zeros(len(progress), dtype=np.int64)
    order = matched[_report_order(codes[matched], as_of[matched], ingested[matched])]
    ms, sorted_as_of = codes[order], as_of[order]
    numbers = {int(m.group(1)): c for c in progress.columns if (m := _ACTUAL_RE.match(str(c)))}
    actual_col = {no: j for j, no in enumerate(sorted(numbers))}
    actual, actual_row = _actual_values(progress, [numbers[no] for no in sorted(numbers)], order)
    return ReportArrays(
        frame=progress,
        row=order,
        ms=ms,
        as_of=sorted_as_of,
        status=status[order],
        completed=completed[order],
        next_as_of=_next_as_of(ms, sorted_as_of),
        actual=actual,
        actual_row=actual_row,
        actual_col=actual_col,
        unmatched=unmatched.reset_index(drop=True),
    )


def _report_order(milestone: np.ndarray, as_of: np.ndarray, ingested: np.ndarray) -> np.ndarray:
    """:func:`~taskanalytics.progress.history.report_order`, without sorting sorted reports.

    A store returns its reports by milestone and date: then the order is the input order, which
    one pass over neighbours confirms several times faster than a sort finds it.
    """
    m, d, i = milestone, as_of, ingested
    follows = (m[1:] > m[:-1]) | (
        (m[1:] == m[:-1]) & ((d[1:] > d[:-1]) | ((d[1:] == d[:-1]) & (i[1:] >= i[:-1])))
    )
    if follows.all():
        return np.arange(len(milestone))
    return report_order(milestone, as_of, ingested)


def _next_as_of(milestone: np.ndarray, as_of: np.ndarray) -> np.ndarray:
    """Per sorted report, the as-of day of the same milestone's next report (``int32``).

    :data:`NEVER` after a milestone's last report; day numbers fit in ``int32``, half the memory.
    """
    out = np.full(len(milestone), NEVER, dtype=np.int32)
    if len(milestone) > 1:
        out[:-1] = np.where(milestone[1:] == milestone[:-1], as_of[1:], NEVER)
    return out


def _actual_values(
    progress: pd.DataFrame, columns: list[object], order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ``actual_<k>`` columns of the reports in ``order``, without the empty rows.

    Most reports give no actual (their milestone has no target): only the rows with a value are
    kept, so the matrix is a fraction of reports x target numbers.

    Returns
    -------
    tuple of numpy.ndarray
        ``actual`` (kept rows x ``columns``, float) and, per position of ``order``, its row in
        ``actual`` (-1 when every value is empty): :attr:`ReportArrays.actual` and ``actual_row``.
    """
    values = [progress[c].to_numpy(dtype=float, na_value=np.nan) for c in columns]
    given = np.zeros(len(progress), dtype=bool)
    for v in values:
        given |= ~np.isnan(v)
    kept = given[order]
    rows = order[kept]
    actual = np.empty((len(rows), len(values)))
    for j, v in enumerate(values):
        actual[:, j] = v[rows]
    actual_row = np.where(kept, np.cumsum(kept) - 1, -1)
    return actual, actual_row


def _reported_codes(status: pd.Series) -> np.ndarray:
    """The unit's status words (codes, labels or known variants) as :class:`Reported` codes.

    Each run of equal words (:func:`_runs`) is factorized once.
    """
    words = status.to_numpy(dtype=object)
    starts, lengths = _runs(words)
    codes, uniques = pd.factorize(words[starts], use_na_sentinel=True)
    lookup = {str(k).strip(): v for k, v in vp.STATUS_ALIASES.items()}
    by_code = {r.name.lower(): int(r) for r in Reported}
    mapped = [by_code.get(lookup.get(str(u).strip(), ""), -1) for u in uniques]
    bad = [u for u, m in zip(uniques, mapped, strict=True) if m < 0]
    if bad or (codes < 0).any():
        raise AssessmentError(
            "unknown status value(s) in progress",
            found=bad or [None],
            expected="done/in_progress/not_started/late or " + "/".join(vp.STATUS_LABELS.values()),
        )
    if not len(codes):
        return np.zeros(0, np.int8)
    return np.repeat(np.asarray(mapped, dtype=np.int8)[codes], lengths)
