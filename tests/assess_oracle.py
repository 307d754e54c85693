"""A slow, plain reference implementation of ``docs/assessment-rules.md``, for tests only.

The engine (``taskanalytics.assess``) is vectorized numpy; this module re-derives the same verdicts
one milestone at a time, with ``datetime.date`` and loops, in the order the document states its
rules, so that ``tests/test_assess_oracle.py`` can compare the two on random plans and reports.
Section numbers in the comments (§1 … §5) are those of ``docs/assessment-rules.md``.

Nothing here imports the engine. Only the progress vocabulary (which status words mean which code)
is shared, because it is data, not a rule.

Where the document is silent or ambiguous, the decision taken is written next to the code as
``DECISION:``; each says what the engine does and why the oracle agrees (or not).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from taskanalytics.progress.vocab import STATUS_ALIASES

# --------------------------------------------------------------------------- rules and codes


@dataclass(frozen=True)
class Rules:
    """The thresholds of the document, defaults as printed there in brackets."""

    due_soon_days: int = 15
    met_ratio: float = 1.0
    nearly_met_ratio: float = 0.9
    nearly_met_points: float = 1.0
    not_reported_is_yellow: bool = True
    red_overdue_share: float = 0.2
    red_not_reported_share: float = 0.5
    red_days_overdue: int | None = None
    yellow_behind_share: float = 0.2


#: §2 severity, worst first: 逾期未完成 > 未报送 > 今日到期 > 临期 > 逾期完成 > 未启动 > 推进中 >
#: 按期完成 > 未到期.
#: DECISION: the document does not rank 未到期 (not_due); it is "never counted against anyone",
#: so it is the least severe of all (the engine agrees: a task whose milestones are all not yet
#: due and one done ahead of time has the status on_time).
SEVERITY_WORST_FIRST = (
    "overdue",
    "not_reported",
    "due_today",
    "due_soon",
    "done_late",
    "not_started",
    "in_progress",
    "on_time",
    "not_due",
)

LIGHTS = ("green", "yellow", "red")  # better first

COUNT_COLUMNS = (
    "milestones",
    "due",
    "done",
    "done_on_time",
    "done_late",
    "overdue",
    "not_reported",
    "due_today",
    "due_soon",
    "not_due",
    "done_ahead",
    "indicators",
    "indicators_behind",
    "indicators_no_data",
)

# --------------------------------------------------------------------------- quarters (plain)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(q: tuple[int, int]) -> str:
    return f"{q[0]}Q{q[1]}"


def parse_quarter(label: str) -> tuple[int, int]:
    year, number = label.upper().replace("-", "").replace(" ", "").split("Q")
    return int(year), int(number)


def quarter_start(q: tuple[int, int]) -> dt.date:
    return dt.date(q[0], 3 * q[1] - 2, 1)


def quarter_end(q: tuple[int, int]) -> dt.date:
    year, number = q
    if number == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * number + 1, 1) - dt.timedelta(days=1)


def previous_quarter(q: tuple[int, int]) -> tuple[int, int]:
    return (q[0] - 1, 4) if q[1] == 1 else (q[0], q[1] - 1)


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Report:
    """One progress row, as plain Python values."""

    row: int  # position in the progress frame (input order)
    milestone_id: str
    as_of: dt.date
    status: str  # done / in_progress / not_started / late
    completed: dt.date | None
    ingested_at: dt.datetime | None
    actuals: dict[int, float]  # target_no -> value (missing values left out)
    note: Any = None


@dataclass(frozen=True)
class Milestone:
    milestone_id: str
    task_id: str
    due: dt.date
    due_kind: str
    recurrence: str | None = None


@dataclass(frozen=True)
class Target:
    milestone_id: str
    task_id: str
    target_no: int
    metric: str
    unit: str
    value: float


@dataclass(frozen=True)
class Task:
    task_id: str
    section: str
    category: str
    lead_units: tuple[str, ...]
    leaders: tuple[str, ...]


def _date(value: Any) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _instant(value: Any) -> dt.datetime | None:
    if value is None or pd.isna(value):
        return None
    ts = pd.Timestamp(value)
    # a naive ingestion time is read as UTC (the store writes UTC)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def read_reports(progress: pd.DataFrame) -> list[Report]:
    """The progress frame as :class:`Report` objects, in input order."""
    numbers = {
        int(c[len("actual_") :]): c
        for c in progress.columns
        if str(c).startswith("actual_") and str(c)[len("actual_") :].isdigit()
    }
    out = []
    for i, rec in enumerate(progress.to_dict("records")):
        actuals = {}
        for no, column in numbers.items():
            value = rec[column]
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                actuals[no] = float(value)
        out.append(
            Report(
                row=i,
                milestone_id=rec["milestone_id"],
                as_of=_date(rec["as_of_date"]),
                status=STATUS_ALIASES[str(rec["status"]).strip()],
                completed=_date(rec["completed_date"]),
                ingested_at=_instant(rec.get("ingested_at")),
                actuals=actuals,
                note=rec.get("note"),
            )
        )
    return out


def read_plan(plan: Any) -> tuple[list[Task], list[Milestone], list[Target], int]:
    tasks = [
        Task(
            r["task_id"],
            r["section"],
            r["category"],
            tuple(r["lead_units"]),
            tuple(r["leaders"]),
        )
        for r in plan.tasks.to_dict("records")
    ]
    milestones = [
        Milestone(
            r["milestone_id"],
            r["task_id"],
            _date(r["due_date"]),
            r["due_kind"],
            r.get("recurrence") if isinstance(r.get("recurrence"), str) else None,
        )
        for r in plan.milestones.to_dict("records")
    ]
    targets = [
        Target(
            r["milestone_id"],
            r["task_id"],
            int(r["target_no"]),
            r["metric"],
            r["unit"],
            float(r["value"]),
        )
        for r in plan.targets.to_dict("records")
    ]
    return tasks, milestones, targets, int(plan.meta["year"])


# --------------------------------------------------------------------------- results


@dataclass
class IndicatorResult:
    milestone_id: str
    task_id: str
    target_no: int
    target: float
    actual: float | None
    achievement: float | None
    gap: float | None
    basis: str  # ratio / points
    band: str  # met / nearly_met / behind / no_data


@dataclass
class MilestoneResult:
    milestone_id: str
    task_id: str
    is_due: bool
    status: str
    days_overdue: int
    light: str
    report: Report | None  # §1: the report that counts
    judged_on: str  # "dated" or "recurring" (which rule of §2 applied)
    due: dt.date | None = None  # §2: the due date judged (a recurring milestone's period end)
    indicators: list[IndicatorResult] = field(default_factory=list)


@dataclass
class RollupRow:
    counts: dict[str, int]
    on_time_rate: float | None
    completion_share: float | None
    light: str | None  # None: nothing due, no light (本期无到期事项)
    red_streak: int = 0
    status: str | None = None  # task table only
    max_days_overdue: int = 0


@dataclass
class QuarterResult:
    quarter: str
    as_of: dt.date
    milestones: dict[str, MilestoneResult]
    rollups: dict[str, dict[Any, RollupRow]]  # grouping name -> key -> row


# --------------------------------------------------------------------------- §1 the report


def counting_report(reports: Iterable[Report], milestone_id: str, day: dt.date) -> Report | None:
    """§1: the latest report with ``as_of_date <= day``; same date: latest ``ingested_at``.

    DECISION: two reports with the same date and the same ingestion time (or none) are told apart
    by input order, the later row winning (it is the later line of the file; the engine sorts
    stably on input position). A missing ``ingested_at`` sorts before any time.
    """
    best: Report | None = None
    for r in reports:
        if r.milestone_id != milestone_id or r.as_of > day:
            continue
        if best is None or _report_key(r) >= _report_key(best):
            best = r
    return best


def _report_key(r: Report) -> tuple[dt.date, float, int]:
    ingested = r.ingested_at.timestamp() if r.ingested_at else -math.inf
    return r.as_of, ingested, r.row


def completion_date(r: Report) -> dt.date | None:
    """§1: done without a completion date counts as completed on the report's as-of date."""
    if r.status != "done":
        return None
    return r.completed if r.completed is not None else r.as_of


# --------------------------------------------------------------------------- §2 status


#: §2: months per period of a recurring milestone by recurrence; unknown -> per quarter.
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6}


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def month_end(year: int, month: int) -> dt.date:
    ny, nm = _add_months(year, month, 1)
    return dt.date(ny, nm, 1) - dt.timedelta(days=1)


def periods_of(ms: Milestone) -> list[tuple[dt.date, dt.date]]:
    """§2: the periods of a recurring milestone: its recurrence's months, quarters or halves of
    the year of its final date, listed one by one (plainly, no arithmetic on the as-of date)."""
    months = PERIOD_MONTHS.get(ms.recurrence or "", 3)
    year = ms.due.year
    out = []
    for first in range(1, 13, months):
        last = first + months - 1
        out.append((dt.date(year, first, 1), month_end(year, last)))
    return out


def milestone_status(
    ms: Milestone,
    reports: Sequence[Report],
    q: tuple[int, int],
    day: dt.date,
    rules: Rules,
) -> tuple[str, bool, int, Report | None, str, dt.date]:
    """§2: (status, is_due, days_overdue, the report that counts, rule applied, due date judged)."""
    report = counting_report(reports, ms.milestone_id, day)
    due = ms.due
    # §2 recurring, while A < D: judged on the latest period whose end is on or before A.
    # DECISION: "its year" is the calendar year of the milestone's final (due) date, not the
    # plan's meta year (the engine does the same; for plans read from the document they agree).
    if ms.due_kind == "recurring" and day < due:
        periods = periods_of(ms)
        ended = [(s, e) for s, e in periods if e <= day]
        if not ended:
            # "treated as a dated milestone due at the first period's end"
            due = periods[0][1]
        else:
            p_start, p_end = ended[-1]
            # "A report counts for a period only if it is dated within it" (latest such, §1
            # tie-break). Its status word is taken as it is: a report saying done is on time
            # whatever completion date it carries.
            in_period = [r for r in reports if p_start <= r.as_of <= p_end]
            period_report = counting_report(in_period, ms.milestone_id, p_end)
            if period_report is not None and period_report.status == "done":
                return "on_time", True, 0, report, "recurring", p_end
            if day == p_end:
                return "due_today", True, 0, report, "recurring", p_end
            if period_report is None:
                return "not_reported", True, (day - p_end).days, report, "recurring", p_end
            return "overdue", True, (day - p_end).days, report, "recurring", p_end

    is_due = due <= day  # due today counts as due (not as late)
    completed = completion_date(report) if report else None
    # DECISION: a report saying done with a completion date after the as-of date is not done as
    # of that date (the completion has not happened yet); it counts as "reported, not done".
    # The document does not say; the engine does the same.
    if completed is not None and completed <= day:
        if completed <= due:  # on the due date is on time; before it is done ahead
            return "on_time", is_due, 0, report, "dated", due
        return "done_late", is_due, (completed - due).days, report, "dated", due
    if day == due:  # due today, not done: due, never late
        return "due_today", True, 0, report, "dated", due
    if day > due:  # late only after the due date
        if report is not None:  # whatever the unit's word
            return "overdue", True, (day - due).days, report, "dated", due
        return "not_reported", True, (day - due).days, report, "dated", due
    if (due - day).days <= rules.due_soon_days:  # A < D <= A + due_soon_days, not done
        return "due_soon", False, 0, report, "dated", due
    if report is None:
        return "not_due", False, 0, report, "dated", due
    if report.status == "not_started":
        return "not_started", False, 0, report, "dated", due
    # in progress, late, or done with a completion date still to come
    return "in_progress", False, 0, report, "dated", due


# --------------------------------------------------------------------------- §3 indicators


def _exact(x: float) -> Fraction:
    """The number as written (0.9 is nine tenths), so boundaries are judged exactly."""
    return Fraction(repr(float(x)))


def indicator(t: Target, report: Report | None, rules: Rules) -> IndicatorResult:
    """§3: actual, achievement, gap and band of one target of a due milestone."""
    actual = report.actuals.get(t.target_no) if report is not None else None
    points = t.unit == "%"
    basis = "points" if points else "ratio"
    if actual is None:
        return IndicatorResult(
            t.milestone_id, t.task_id, t.target_no, t.value, None, None, None, basis, "no_data"
        )
    if t.value < 0:
        # plan targets are quantities read from the text, never negative; §3 has no rule for them
        raise ValueError(f"negative target {t.value} of {t.milestone_id}: §3 has no rule")
    achievement = actual / t.value if t.value != 0 else None  # "for information only" on points
    gap = actual - t.value
    a, v = _exact(actual), _exact(t.value)
    if points:
        if a - v >= 0:
            band = "met"
        elif a - v >= -_exact(rules.nearly_met_points):
            band = "nearly_met"
        else:
            band = "behind"
    elif v == 0:
        # "A zero target is met by any non-negative actual" (and a negative actual is behind)
        band = "met" if a >= 0 else "behind"
    elif a / v >= _exact(rules.met_ratio):
        band = "met"
    elif a / v >= _exact(rules.nearly_met_ratio):
        band = "nearly_met"
    else:
        band = "behind"
    return IndicatorResult(
        t.milestone_id, t.task_id, t.target_no, t.value, actual, achievement, gap, basis, band
    )


# --------------------------------------------------------------------------- one as-of date


def assess_day(
    plan: Any,
    reports: Sequence[Report],
    quarter: str,
    day: dt.date,
    rules: Rules,
) -> dict[str, MilestoneResult]:
    """§1-§4 per milestone at one as-of date, in plan order."""
    _, milestones, targets, _ = read_plan(plan)
    q = parse_quarter(quarter)
    out: dict[str, MilestoneResult] = {}
    for ms in milestones:
        status, is_due, days, report, rule, due = milestone_status(ms, reports, q, day, rules)
        result = MilestoneResult(
            ms.milestone_id, ms.task_id, is_due, status, days, "", report, rule, due=due
        )
        if is_due:  # §3: every target of a due milestone
            result.indicators = [
                indicator(t, report, rules) for t in targets if t.milestone_id == ms.milestone_id
            ]
        # §4 per milestone
        behind = any(i.band == "behind" for i in result.indicators)
        if status == "overdue":
            result.light = "red"
        elif (
            status in ("due_soon", "due_today")
            or behind
            or (is_due and status == "not_reported" and rules.not_reported_is_yellow)
        ):
            result.light = "yellow"
        else:
            result.light = "green"
        out[ms.milestone_id] = result
    return out


# --------------------------------------------------------------------------- §4-§5 roll-ups


def group_members(tasks: Sequence[Task]) -> dict[str, dict[Any, list[str]]]:
    """Grouping name -> key -> task ids; §5: a task counts for every lead unit and leader."""
    groups: dict[str, dict[Any, list[str]]] = {
        "task": {},
        "unit": {},
        "leader": {},
        "category": {},
        "section": {},
    }
    for t in tasks:
        groups["task"].setdefault(t.task_id, []).append(t.task_id)
        for unit in t.lead_units:
            groups["unit"].setdefault(unit, []).append(t.task_id)
        for leader in t.leaders:
            groups["leader"].setdefault(leader, []).append(t.task_id)
        groups["category"].setdefault((t.section, t.category), []).append(t.task_id)
        groups["section"].setdefault(t.section, []).append(t.task_id)
    return groups


def rollup_row(
    results: Sequence[MilestoneResult], *, with_status: bool, rules: Any = None
) -> RollupRow:
    """§5 counts, rates and light of a set of milestones."""
    c = dict.fromkeys(COUNT_COLUMNS, 0)
    for m in results:
        done = m.status in ("on_time", "done_late")
        c["milestones"] += 1
        c["due"] += m.is_due
        c["done"] += m.is_due and done
        c["done_on_time"] += m.is_due and m.status == "on_time"
        c["done_late"] += m.is_due and m.status == "done_late"
        c["overdue"] += m.status == "overdue"
        c["not_reported"] += m.is_due and m.status == "not_reported"
        c["due_today"] += m.status == "due_today"
        c["due_soon"] += m.status == "due_soon"
        c["not_due"] += not m.is_due
        c["done_ahead"] += (not m.is_due) and m.status == "on_time"
        c["indicators"] += len(m.indicators)
        c["indicators_behind"] += sum(i.band == "behind" for i in m.indicators)
        c["indicators_no_data"] += sum(i.band == "no_data" for i in m.indicators)
    # §5 "Always": the identities the table must satisfy (a self-check of this oracle)
    assert c["due"] == c["done"] + c["overdue"] + c["not_reported"] + c["due_today"], c
    assert c["done"] == c["done_on_time"] + c["done_late"], c
    assert c["milestones"] == c["due"] + c["not_due"], c
    judged = c["due"] - c["due_today"]  # due today and open: not yet late, not in the rate
    on_time_rate = c["done_on_time"] / judged if judged else None
    share = (c["done"] + c["done_ahead"]) / c["milestones"] if c["milestones"] else None
    max_days = max((m.days_overdue for m in results if m.status == "overdue"), default=0)
    light = rollup_light(c, max_days, rules)
    status = None
    if with_status and results:
        # §2: a task's status is its worst due milestone, or its worst milestone when none is due
        pool = [m for m in results if m.is_due] or list(results)
        status = min((m.status for m in pool), key=SEVERITY_WORST_FIRST.index)
    return RollupRow(c, on_time_rate, share, light, status=status, max_days_overdue=max_days)


def rollup_light(c: dict[str, int], max_days: int, rules: Any) -> str | None:
    """§4 roll-up light from the row's counts, with exact fractions (1 of 5 is 20 %).

    No light when nothing is due. Red: overdue share >= red_overdue_share, or not-reported share
    >= red_not_reported_share, or (when red_days_overdue is set) an overdue milestone more than
    that many days overdue. Yellow: any overdue, any not reported (if not_reported_is_yellow),
    or indicators-behind share >= yellow_behind_share. Else green.
    """
    due = c["due"]
    if not due:
        return None
    if (
        Fraction(c["overdue"], due) >= _exact(rules.red_overdue_share)
        or Fraction(c["not_reported"], due) >= _exact(rules.red_not_reported_share)
        or (
            rules.red_days_overdue is not None
            and c["overdue"] > 0
            and max_days > rules.red_days_overdue
        )
    ):
        return "red"
    behind = c["indicators"] > 0 and Fraction(c["indicators_behind"], c["indicators"]) >= _exact(
        rules.yellow_behind_share
    )
    if c["overdue"] > 0 or (rules.not_reported_is_yellow and c["not_reported"] > 0) or behind:
        return "yellow"
    return "green"


def rollups(
    tasks: Sequence[Task], results: dict[str, MilestoneResult], rules: Any = None
) -> dict[str, dict[Any, RollupRow]]:
    by_task: dict[str, list[MilestoneResult]] = {t.task_id: [] for t in tasks}
    for m in results.values():
        by_task[m.task_id].append(m)
    out: dict[str, dict[Any, RollupRow]] = {}
    for name, groups in group_members(tasks).items():
        out[name] = {
            key: rollup_row(
                [m for task_id in members for m in by_task[task_id]],
                with_status=name == "task",
                rules=rules or Rules(),
            )
            for key, members in groups.items()
        }
    return out


# --------------------------------------------------------------------------- entry points


def assess_oracle(
    plan: Any,
    progress: pd.DataFrame,
    wanted: Sequence[tuple[str, dt.date]],
    rules: Rules | Any = None,
) -> list[QuarterResult]:
    """Assess ``plan`` at each ``(quarter, as_of)`` of ``wanted``, with red streaks.

    ``rules`` is any object with the :class:`Rules` attributes (``AssessmentRules`` fits).
    """
    rules = rules or Rules()
    tasks, milestones, _, _ = read_plan(plan)
    plan_ids = {m.milestone_id for m in milestones}
    # §1: reports for milestones not in the plan are set aside (Assessment.unmatched)
    reports = [r for r in read_reports(progress) if r.milestone_id in plan_ids]
    red_cache: dict[dt.date, dict[str, set[Any]]] = {}
    # §4: streaks count from the plan year's first quarter, or the first report's quarter if
    # earlier (or the first quarter assessed, if earlier still: the engine's loop starts there)
    _, _, _, year = read_plan(plan)
    starts = [(year, 1), *(quarter_of(r.as_of) for r in reports)]
    starts += [parse_quarter(quarter) for quarter, _ in wanted[:1]]
    first = min(starts)

    def red_groups(q: tuple[int, int], day: dt.date) -> dict[str, set[Any]]:
        """§4: the rows whose roll-up light is red at ``day`` (by the roll-up rule)."""
        if day not in red_cache:
            results = assess_day(plan, reports, quarter_label(q), day, rules)
            red_cache[day] = {
                name: {k for k, row in rows.items() if row.light == "red"}
                for name, rows in rollups(tasks, results, rules).items()
            }
        return red_cache[day]

    out = []
    for quarter, day in wanted:
        q = parse_quarter(quarter)
        results = assess_day(plan, reports, quarter, day, rules)
        tables = rollups(tasks, results, rules)
        # §4 red_streak: consecutive quarters with a red roll-up light up to and including this
        # one, the earlier ones assessed at their ends, counted back no further than ``first``
        # (a row can be red without any report: its due milestones not reported).
        for name, rows in tables.items():
            for key, row in rows.items():
                if row.light != "red":
                    continue
                streak, prev = 1, previous_quarter(q)
                while prev >= first and key in red_groups(prev, quarter_end(prev))[name]:
                    streak += 1
                    prev = previous_quarter(prev)
                row.red_streak = streak
        out.append(QuarterResult(quarter, day, results, tables))
    return out


def oracle_assess_all(
    plan: Any, progress: pd.DataFrame, quarters: Sequence[str], rules: Any = None
) -> list[QuarterResult]:
    """Like ``assess_all``: each quarter at its end, chronological, duplicates once."""
    unique = sorted({parse_quarter(q) for q in quarters})
    return assess_oracle(
        plan, progress, [(quarter_label(q), quarter_end(q)) for q in unique], rules
    )


def oracle_assess(
    plan: Any,
    progress: pd.DataFrame,
    quarter: str,
    as_of: dt.date | None = None,
    rules: Any = None,
) -> QuarterResult:
    """Like ``assess``: one quarter at its end or at ``as_of`` inside it."""
    q = parse_quarter(quarter)
    day = as_of or quarter_end(q)
    assert quarter_start(q) <= day <= quarter_end(q), (quarter, day)
    return assess_oracle(plan, progress, [(quarter_label(q), day)], rules)[0]


def unmatched_ids(plan: Any, progress: pd.DataFrame) -> list[str]:
    """§1: milestone ids of reports not in the plan, in input order."""
    ids = set(plan.milestones["milestone_id"])
    return [r.milestone_id for r in read_reports(progress) if r.milestone_id not in ids]


# --------------------------------------------------------------------------- reports


REPORT_COLUMNS = [
    "milestone_id",
    "as_of_date",
    "status",
    "completed_date",
    "actual_1",
    "actual_2",
    "ingested_at",
    "unit",
    "note",
]


def make_progress(rows: list[dict[str, Any]], *, actual_columns: int = 2) -> pd.DataFrame:
    """Rows with ``milestone_id, as_of, status`` and optional ``completed, actual_1, actual_2,
    ingested`` (datetime; default the day after ``as_of``), like ``load_progress_history``.
    Each report's ``note`` is ``r<row>``, so a test can tell which report the engine used."""
    records = []
    for i, r in enumerate(rows):
        as_of = pd.Timestamp(r["as_of"])
        ingested = r.get("ingested", as_of + pd.Timedelta(days=1, hours=9))
        records.append(
            {
                "milestone_id": r["milestone_id"],
                "as_of_date": as_of,
                "status": r["status"],
                "completed_date": pd.Timestamp(r["completed"]) if r.get("completed") else pd.NaT,
                "actual_1": r.get("actual_1", np.nan),
                "actual_2": r.get("actual_2", np.nan),
                "ingested_at": pd.Timestamp(ingested).tz_localize("UTC"),
                "unit": "填报单位",
                "note": f"r{i}",
            }
        )
    frame = pd.DataFrame(records, columns=REPORT_COLUMNS)
    for column in ("as_of_date", "completed_date"):
        frame[column] = pd.to_datetime(frame[column])
    frame["ingested_at"] = pd.to_datetime(frame["ingested_at"], utc=True)
    for column in ("actual_1", "actual_2"):
        frame[column] = frame[column].astype(float)
    dropped = [f"actual_{n}" for n in (1, 2) if n > actual_columns]
    return frame.drop(columns=dropped)
