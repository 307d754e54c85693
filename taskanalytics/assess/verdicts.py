"""The verdicts at one as-of date: statuses, days overdue, indicator bands, lights, roll-up flags.

This module is ``docs/assessment-rules.md`` in code; each section of the rules is a function here,
in the same order:

1. which report counts: :func:`latest_reports` (and :meth:`ReportArrays.select`);
2. milestone status and ``days_overdue``: :func:`milestone_status`; a task's status:
   :func:`task_status`;
3. indicator achievement: :func:`bands` and :func:`indicator_verdicts`;
4. lights: :func:`milestone_light` (a roll-up row's light is ``rollup.group_light``);
5. roll-up counts: :func:`rollup_flags`, summed per group by :meth:`Flags.sums`.

:func:`evaluate` applies them all at one date. Every rule is a boolean array over the plan's
milestones (or targets); no Python loop runs per milestone or report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from taskanalytics.assess import rollup
from taskanalytics.assess.codes import SEVERITY, STATUS_BY_SEVERITY, Band, Light, Reported, Status
from taskanalytics.assess.inputs import NAT, PlanArrays, ReportArrays
from taskanalytics.assess.rules import AssessmentRules
from taskanalytics.progress.history import latest_positions
from taskanalytics.quarters import Quarter

__all__ = [
    "Flags",
    "Indicators",
    "LatestReports",
    "Periods",
    "Snapshot",
    "bands",
    "evaluate",
    "indicator_verdicts",
    "judged_by",
    "latest_reports",
    "milestone_light",
    "milestone_status",
    "recurring_periods",
    "recurring_reports",
    "rollup_flags",
    "task_status",
]

#: Tolerance of the band comparisons, so that 0.9 * 100 reaching 90 exactly is not "below".
_EPS = 1e-9


# --------------------------------------------------------------------------- 1. the report


def _on(rows: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    """``values`` (one per plan milestone) of the milestones ``rows``; all of them if None."""
    return values if rows is None else values[rows]


@dataclass(frozen=True)
class LatestReports:
    """Per milestone, the report that counts at a date (rule 1); fields are aligned arrays."""

    sel: np.ndarray  # position in the sorted reports, -1 when none
    has: np.ndarray  # a report counts
    word: np.ndarray  # the unit's word, a Reported code (-1 without a report)
    as_of: np.ndarray  # the report's as-of date, day number (NAT without a report)
    completed: np.ndarray  # completion date, day number (NAT when not given)


def latest_reports(
    r: ReportArrays, day: int, n_ms: int, rows: np.ndarray | None = None
) -> LatestReports:
    """Return each milestone's latest report dated on or before ``day`` (rule 1).

    Parameters
    ----------
    r
        The reports, sorted so that of the reports of one date the last ingested comes last.
    day
        The as-of date ``A``, a day number.
    n_ms
        The number of milestones in the plan.
    rows
        The milestones wanted (positions in the plan, ascending); default all.

    Returns
    -------
    LatestReports
        Arrays with one entry per milestone (of ``rows``).
    """
    sel = _on(rows, r.select(day, n_ms))
    has = sel >= 0
    if len(r.ms) == 0:
        return LatestReports(
            sel,
            has,
            np.full(len(sel), -1, dtype=np.int8),
            np.full(len(sel), NAT),
            np.full(len(sel), NAT),
        )
    s = np.where(has, sel, 0)
    return LatestReports(
        sel,
        has,
        np.where(has, r.status[s], -1),
        np.where(has, r.as_of[s], NAT),
        np.where(has, r.completed[s], NAT),
    )


# --------------------------------------------------------------------------- 2. status


def _month_end(months: np.ndarray) -> np.ndarray:
    """Day number of the last day of each month (months since 1970-01)."""
    return (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - 1


def _month_start(months: np.ndarray) -> np.ndarray:
    """Day number of the first day of each month (months since 1970-01)."""
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


@dataclass(frozen=True)
class Periods:
    """The judged period of every milestone at a date (rule 2, recurring milestones).

    Arrays are aligned with the plan's milestones; only recurring milestones have periods
    (``months > 0``). ``judged`` marks those judged on a period: recurring, ``A < D`` and a period
    ended on or before ``A``; ``start``/``end`` are that period's first and last day. ``first_end``
    is the end of the year's first period (the due date of a recurring milestone before then).
    """

    judged: np.ndarray
    start: np.ndarray
    end: np.ndarray
    first_end: np.ndarray


def recurring_periods(p: PlanArrays, day: int, rows: np.ndarray | None = None) -> Periods:
    """The latest period of each recurring milestone whose end is on or before ``day`` (rule 2).

    Periods are calendar months, quarters or half-years (``PlanArrays.period_months``) from
    1 January of the year of the milestone's final date. The arrays are aligned with ``rows``
    (positions in the plan, ascending; default all milestones).

    Examples
    --------
    A 每半年 duty at 2023-03-31 has no ended period; at 2023-06-30 and 2023-07-01 it is judged on
    H1 (2023-01-01 … 2023-06-30).
    """
    recurring = _on(rows, p.recurring)
    n = len(recurring)
    rec = np.flatnonzero(recurring)  # a few: the date arithmetic runs on these only
    plan_rec = rec if rows is None else rows[rec]
    months = p.period_months[plan_rec]
    a_month = int(np.datetime64(day, "D").astype("datetime64[M]").astype(np.int64))
    year_start = p.year_start[plan_rec].astype("datetime64[D]")
    year_month = year_start.astype("datetime64[M]").astype(np.int64)
    current = np.floor_divide(a_month - year_month, months)  # the period containing A
    ends_today = _month_end(year_month + (current + 1) * months - 1) == day
    k = np.where(ends_today, current, current - 1)  # the latest period ended by A
    judged = np.zeros(n, dtype=bool)
    judged[rec] = (day < p.due[plan_rec]) & (k >= 0)
    start, end, first_end = (np.full(n, NAT) for _ in range(3))
    start[rec] = _month_start(year_month + k * months)
    end[rec] = _month_end(year_month + (k + 1) * months - 1)
    first_end[rec] = _month_end(year_month + months - 1)
    return Periods(judged, start, end, first_end)


def recurring_reports(p: PlanArrays, r: ReportArrays) -> np.ndarray:
    """Positions (in ``r``'s sorted order) of the reports of recurring milestones, ascending."""
    return np.flatnonzero(p.recurring[r.ms]) if len(r.ms) else np.zeros(0, np.int64)


def _period_reports(
    r: ReportArrays, rec: np.ndarray, periods: Periods, n_ms: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """Per milestone judged on a period, its latest report dated within the period (-1: none).

    Periods are calendar-aligned, so there is one end per period length (a few selections over
    the recurring milestones' reports only). ``periods`` is aligned with ``rows`` (positions in
    the plan of ``n_ms`` milestones; default all), and so is the result.
    """
    out = np.full(len(periods.judged), -1, dtype=np.int64)
    judged = np.flatnonzero(periods.judged)
    if not len(judged) or not len(rec):
        return out
    ends = periods.end[judged]
    for end in np.unique(ends):
        which = judged[ends == end]
        latest = latest_positions(r.ms[rec], r.as_of[rec], int(end), n_ms)
        pos = latest[which if rows is None else rows[which]]
        found = pos >= 0
        pos = np.where(found, rec[np.maximum(pos, 0)], -1)
        inside = found & (r.as_of[np.maximum(pos, 0)] >= periods.start[which])
        out[which] = np.where(inside, pos, -1)
    return out


def milestone_status(
    p: PlanArrays,
    latest: LatestReports,
    day: int,
    rules: AssessmentRules,
    *,
    r: ReportArrays,
    rec_reports: np.ndarray | None = None,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Status code, days overdue, ``is_due`` and judged due date of every milestone (rule 2).

    Parameters
    ----------
    p
        The plan as arrays.
    latest
        The report that counts of each milestone (:func:`latest_reports`).
    day
        The as-of date ``A``, a day number.
    rules
        ``due_soon_days`` is used.
    r, rec_reports
        The reports, and :func:`recurring_reports` (computed when not given).
    rows
        The milestones judged (positions in the plan, ascending), those of ``latest``; default
        all.

    Returns
    -------
    tuple of numpy.ndarray
        ``status`` (:class:`Status` codes, int8), ``days_overdue`` (int64), ``is_due`` (bool),
        ``due`` (day number: the plan's due date, or a recurring milestone's period end); one
        entry per milestone of ``rows``.
    """
    n = len(latest.sel)
    plan_due, recurring = _on(rows, p.due), _on(rows, p.recurring)
    has = latest.has
    said_done = latest.word == Reported.DONE
    # Rule 1: a report marked done without a completion date was completed on its as-of date.
    completed = np.where(said_done & (latest.completed == NAT), latest.as_of, latest.completed)
    done = said_done & (completed <= day)

    # Recurring milestones before their final date: judged on the latest period ended by A; before
    # the first period ends, a dated milestone due at that end.
    periods = recurring_periods(p, day, rows)
    period = periods.judged
    due = np.where(recurring & (day < plan_due), periods.first_end, plan_due)
    due = np.where(period, periods.end, due)
    dated = ~period
    due_now = due <= day

    status = np.full(n, Status.IN_PROGRESS, dtype=np.int8)
    days = np.zeros(n, dtype=np.int64)

    # dated milestones
    on_time = dated & done & (completed <= due)  # includes done ahead of time
    done_late = dated & done & (completed > due)
    open_ = dated & ~done
    late = open_ & (due < day)  # late only after the due date
    due_today = open_ & (due == day)
    not_yet_due = open_ & ~due_now
    due_soon = not_yet_due & (due - day <= rules.due_soon_days)
    later = not_yet_due & ~due_soon
    status[on_time] = Status.ON_TIME
    status[done_late] = Status.DONE_LATE
    status[late & has] = Status.OVERDUE  # whatever the unit's word
    status[late & ~has] = Status.NOT_REPORTED
    status[due_today] = Status.DUE_TODAY
    status[due_soon] = Status.DUE_SOON
    status[later & ~has] = Status.NOT_DUE
    status[later & has & (latest.word == Reported.NOT_STARTED)] = Status.NOT_STARTED
    # the rest of `later` stays IN_PROGRESS (reported in progress or late)
    days[done_late] = (completed - due)[done_late]
    days[late] = day - due[late]

    # recurring milestones judged on a period: the latest report dated within it
    if period.any():
        rec = recurring_reports(p, r) if rec_reports is None else rec_reports
        sel = _period_reports(r, rec, periods, len(p.ids), rows)
        in_period = sel >= 0
        word = r.status[np.maximum(sel, 0)] if len(r.status) else np.full(n, -1)
        period_done = in_period & (word == Reported.DONE)
        ended = period & ~period_done & (due < day)
        status[period & period_done] = Status.ON_TIME
        status[period & ~period_done & (due == day)] = Status.DUE_TODAY
        status[ended & in_period] = Status.OVERDUE
        status[ended & ~in_period] = Status.NOT_REPORTED
        days[ended] = day - due[ended]

    is_due = due_now | period
    return status, days, is_due, due


def task_status(
    task_grouping: rollup.Grouping, status: np.ndarray, is_due: np.ndarray
) -> np.ndarray:
    """A task's status: its worst due milestone, or its worst milestone when none is due (rule 2).

    Parameters
    ----------
    task_grouping
        The ``task`` grouping of the plan (milestones per task).
    status, is_due
        Per milestone, from :func:`milestone_status`.

    Returns
    -------
    numpy.ndarray
        A :class:`Status` code per task (-1 for a task without milestones).
    """
    severity = SEVERITY[status]
    worst_due = task_grouping.maxima(np.where(is_due, severity, -1))
    worst_any = task_grouping.maxima(severity)
    worst = np.where(worst_due >= 0, worst_due, worst_any)
    return np.where(worst < 0, -1, STATUS_BY_SEVERITY[np.maximum(worst, 0)])


# --------------------------------------------------------------------------- 3. indicators


def bands(
    actual: np.ndarray,
    target: np.ndarray,
    points: np.ndarray,
    rules: AssessmentRules,
    *,
    at_most: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Achievement ratio, gap (actual - target) and :class:`Band` code of each target (rule 3).

    Parameters
    ----------
    actual, target
        Reported and planned values (``actual`` NaN when not reported).
    points
        True for ``%`` targets, compared in percentage points; else by ratio.
    rules
        ``met_ratio``, ``nearly_met_ratio`` and ``nearly_met_points`` are used.
    at_most
        True for ``<=`` targets (``控制在4.5%以内``): an actual at or below the target is met, and
        achievement is ``target / actual``; default none.

    Returns
    -------
    tuple of numpy.ndarray
        ``achievement`` (NaN for a zero target, or a zero actual of a ``<=`` target), ``gap``,
        ``band`` (int8).

    Examples
    --------
    >>> bands(np.array([95.0]), np.array([100.0]), np.array([False]), AssessmentRules())[2]
    array([1], dtype=int8)
    >>> bands(np.array([4.0]), np.array([4.5]), np.array([True]), AssessmentRules(),
    ...       at_most=np.array([True]))[2]
    array([0], dtype=int8)
    """
    gap = actual - target
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(target != 0, actual / np.where(target != 0, target, 1), np.nan)
        inverse = np.where(
            (actual != 0) & (target != 0), target / np.where(actual != 0, actual, 1), np.nan
        )
    # ratio basis; a zero (or negative) target is met by a gap >= 0 and never nearly met
    met_by_ratio = np.where(target > 0, ratio >= rules.met_ratio - _EPS, gap >= -_EPS)
    nearly_by_ratio = np.where(target > 0, ratio >= rules.nearly_met_ratio - _EPS, False)
    # points basis (% targets)
    met_by_points = gap >= -_EPS
    nearly_by_points = gap >= -rules.nearly_met_points - _EPS
    met = np.where(points, met_by_points, met_by_ratio)
    nearly_met = np.where(points, nearly_by_points, nearly_by_ratio)
    if at_most is not None and at_most.any():
        # "<=", the mirror image: met at or below the target, nearly met a little above it
        below = actual <= 0  # nothing (or less) against a positive ceiling: met
        low_met_ratio = np.where(
            target > 0, below | (inverse >= rules.met_ratio - _EPS), gap <= _EPS
        )
        low_nearly_ratio = np.where(
            target > 0, below | (inverse >= rules.nearly_met_ratio - _EPS), False
        )
        low_met = np.where(points, gap <= _EPS, low_met_ratio)
        low_nearly = np.where(points, gap <= rules.nearly_met_points + _EPS, low_nearly_ratio)
        met = np.where(at_most, low_met, met)
        nearly_met = np.where(at_most, low_nearly, nearly_met)
        ratio = np.where(at_most, inverse, ratio)
    band = np.where(met, Band.MET, np.where(nearly_met, Band.NEARLY_MET, Band.BEHIND))
    band = np.where(np.isnan(actual), Band.NO_DATA, band).astype(np.int8)
    return ratio, gap, band


@dataclass(frozen=True)
class Indicators:
    """Every target's verdict at a date, aligned with the plan's targets."""

    due: np.ndarray  # the target's milestone is due
    actual: np.ndarray
    achievement: np.ndarray
    gap: np.ndarray
    band: np.ndarray
    # per milestone (int32): its targets if due, those behind and those without data
    n_due: np.ndarray
    n_behind: np.ndarray
    n_no_data: np.ndarray


def indicator_verdicts(
    p: PlanArrays, r: ReportArrays, sel: np.ndarray, is_due: np.ndarray, rules: AssessmentRules
) -> Indicators:
    """Measure every target against the actual of the report that counts (rule 3).

    Parameters
    ----------
    p, r
        The plan and the reports as arrays.
    sel
        Per milestone, the report that counts (``LatestReports.sel``).
    is_due, rules
        Per milestone, whether it is due; the thresholds.

    Returns
    -------
    Indicators
        The actual of target ``k`` is the report's ``actual_<k>``; only targets of due milestones
        are counted per milestone.
    """
    n = len(p.ids)
    due = is_due[p.t_ms]
    numbers = np.unique(p.t_no)
    col = np.array([r.actual_col.get(int(k), -1) for k in numbers], dtype=np.int64)
    t_col = col[np.searchsorted(numbers, p.t_no)] if len(p.t_no) else p.t_no
    actual = r.actuals(sel[p.t_ms], t_col)
    achievement, gap, band = bands(actual, p.t_value, p.t_points, rules, at_most=p.t_at_most)

    def per_milestone(flag: np.ndarray) -> np.ndarray:  # count a target flag per milestone
        return np.bincount(p.t_ms, weights=flag, minlength=n).astype(np.int32)

    return Indicators(
        due,
        actual,
        achievement,
        gap,
        band,
        per_milestone(due),
        per_milestone(due & (band == Band.BEHIND)),
        per_milestone(due & (band == Band.NO_DATA)),
    )


# --------------------------------------------------------------------------- 4. lights


def milestone_light(
    status: np.ndarray, is_due: np.ndarray, behind: np.ndarray, rules: AssessmentRules
) -> np.ndarray:
    """:class:`Light` code of every milestone (rule 4): the worst light that applies.

    Red: 逾期未完成. Yellow: 临期, 今日到期, an indicator behind, or (``not_reported_is_yellow``) due and not
    reported. Green otherwise, including 逾期完成.

    Parameters
    ----------
    status, is_due
        From :func:`milestone_status`.
    behind
        Per milestone, its due indicators behind (``Indicators.n_behind``).
    rules
        ``not_reported_is_yellow`` is used.

    Returns
    -------
    numpy.ndarray
        int8 :class:`Light` codes.
    """
    red = status == Status.OVERDUE
    yellow = (status == Status.DUE_SOON) | (status == Status.DUE_TODAY) | (behind > 0)
    if rules.not_reported_is_yellow:
        yellow |= is_due & (status == Status.NOT_REPORTED)
    return np.where(red, Light.RED, np.where(yellow, Light.YELLOW, Light.GREEN)).astype(np.int8)


# --------------------------------------------------------------------------- 5. roll-up flags


def rollup_flags(
    status: np.ndarray, is_due: np.ndarray, light: np.ndarray, ind: Indicators
) -> dict[str, np.ndarray]:
    """What each milestone adds to each count of a roll-up row (rule 5), by column name.

    Returns
    -------
    dict of str to numpy.ndarray
        One array per :data:`rollup.SUMMED_FLAGS`: booleans, or counts for the indicators (the
        sums of the other :data:`rollup.FLAG_COLUMNS` follow: :func:`rollup.complete_sums`).
    """
    on_time = status == Status.ON_TIME
    done_late = status == Status.DONE_LATE
    flags = {
        "milestones": np.ones(len(status), dtype=bool),
        "due": is_due,
        "done_on_time": is_due & on_time,
        "done_late": done_late,
        "overdue": status == Status.OVERDUE,
        "not_reported": is_due & (status == Status.NOT_REPORTED),
        "due_today": status == Status.DUE_TODAY,  # due, neither late nor done
        "due_soon": status == Status.DUE_SOON,
        "done_ahead": ~is_due & on_time,  # done before being due
        "indicators": ind.n_due,  # of due milestones
        "indicators_behind": ind.n_behind,
        "indicators_no_data": ind.n_no_data,
        # not shown as a column: it makes a roll-up row's light (rollup.group_light)
        "yellow_milestones": light == Light.YELLOW,
    }
    return {name: flags[name] for name in rollup.SUMMED_FLAGS}


@dataclass(frozen=True)
class Flags:
    """The roll-up flags of every milestone at a date (:func:`rollup_flags`)."""

    columns: dict[str, np.ndarray]

    def sums(self, g: rollup.Grouping) -> np.ndarray:
        """Sum every flag per group of ``g``: groups x ``rollup.SUMMED_FLAGS`` (int64)."""
        return np.column_stack([g.weighted(self.columns[c]) for c in rollup.SUMMED_FLAGS])


# --------------------------------------------------------------------------- all at one date


@dataclass(frozen=True)
class Snapshot:
    """Every verdict at one as-of date, as arrays aligned with the plan's milestones/targets."""

    quarter: str
    day: int
    sel: np.ndarray
    status: np.ndarray
    is_due: np.ndarray
    days_overdue: np.ndarray
    due: np.ndarray  # the due date judged (a recurring milestone's period end), day number
    light: np.ndarray
    indicators: Indicators | None  # assessed quarters only
    flags: Flags | None  # assessed quarters only (the engine drops them once summed)

    @property
    def as_of(self) -> pd.Timestamp:
        """The as-of date."""
        return pd.Timestamp(np.datetime64(self.day, "D"))


def judged_by(p: PlanArrays, day: int) -> np.ndarray:
    """The milestones that can be due at ``day`` (positions in the plan, ascending).

    Those due on or before ``day``, and the recurring ones (judged on a period ended by then).
    Any other milestone is dated and due after ``day``: neither due nor overdue, whatever its
    reports say (rule 2), so red (rule 4) does not depend on it.
    """
    return np.flatnonzero((p.due <= day) | p.recurring)


def _streak_snapshot(
    p: PlanArrays,
    r: ReportArrays,
    quarter: Quarter,
    day: int,
    rules: AssessmentRules,
    rec_reports: np.ndarray | None,
) -> Snapshot:
    """:func:`evaluate` with ``full=False``: the milestones :func:`judged_by` ``day`` only."""
    n = len(p.ids)
    rows = judged_by(p, day)
    latest = latest_reports(r, day, n, rows)
    judged = milestone_status(p, latest, day, rules, r=r, rec_reports=rec_reports, rows=rows)
    status = np.full(n, Status.NOT_DUE, dtype=np.int8)
    days = np.zeros(n, dtype=np.int64)
    is_due = np.zeros(n, dtype=bool)
    due = p.due.copy()
    for out, values in zip((status, days, is_due, due), judged, strict=True):
        out[rows] = values
    light = np.where(status == Status.OVERDUE, Light.RED, Light.GREEN).astype(np.int8)
    sel = np.full(n, -1, dtype=np.int64)
    sel[rows] = latest.sel
    return Snapshot(quarter.label, day, sel, status, is_due, days, due, light, None, None)


def evaluate(
    p: PlanArrays,
    r: ReportArrays,
    quarter: Quarter,
    day: int,
    rules: AssessmentRules,
    *,
    full: bool = True,
    rec_reports: np.ndarray | None = None,
) -> Snapshot:
    """Apply every rule at ``day``, an as-of date within ``quarter``.

    Parameters
    ----------
    p, r
        The plan and the reports as arrays.
    quarter, day
        The quarter and the as-of date (a day number within it).
    rules
        The thresholds.
    full
        False for a quarter needed only for red streaks: then only what red needs (rule 4) is
        computed. Only the milestones that can be due by ``day`` are judged (see
        :func:`judged_by`); the others are 未到期 (``NOT_DUE``, not due, 0 days overdue, no
        report looked up: ``sel`` -1), and only the red light is computed; indicators and
        flags are skipped.
    rec_reports
        :func:`recurring_reports` of ``p`` and ``r``, when computed once for several dates.

    Returns
    -------
    Snapshot
    """
    n = len(p.ids)
    if not full:
        return _streak_snapshot(p, r, quarter, day, rules, rec_reports)
    latest = latest_reports(r, day, n)
    status, days, is_due, due = milestone_status(
        p, latest, day, rules, r=r, rec_reports=rec_reports
    )
    ind = indicator_verdicts(p, r, latest.sel, is_due, rules)
    light = milestone_light(status, is_due, ind.n_behind, rules)
    flags = Flags(rollup_flags(status, is_due, light, ind))
    return Snapshot(quarter.label, day, latest.sel, status, is_due, days, due, light, ind, flags)
