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


#: §2 severity, worst first: 逾期未完成 > 未报送 > 临期 > 逾期完成 > 未启动 > 推进中 > 按期完成.
#: DECISION: the document does not rank 未到期 (not_due); it is "never counted against anyone",
#: so it is the least severe of all (the engine agrees: a task whose milestones are all not yet
#: due and one done ahead of time has the status on_time).
SEVERITY_WORST_FIRST = (
    "overdue",
    "not_reported",
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
        Milestone(r["milestone_id"], r["task_id"], _date(r["due_date"]), r["due_kind"])
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
    indicators: list[IndicatorResult] = field(default_factory=list)


@dataclass
class RollupRow:
    counts: dict[str, int]
    on_time_rate: float | None
    completion_share: float | None
    light: str
    red_streak: int = 0
    status: str | None = None  # task table only


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


def reporting_period(q: tuple[int, int], day: dt.date) -> tuple[dt.date, dt.date]:
    """§2: the latest complete reporting quarter: this one when ``day`` is its last day."""
    if day == quarter_end(q):
        return quarter_start(q), quarter_end(q)
    prev = previous_quarter(q)
    return quarter_start(prev), quarter_end(prev)


def milestone_status(
    ms: Milestone,
    reports: Sequence[Report],
    q: tuple[int, int],
    day: dt.date,
    rules: Rules,
) -> tuple[str, bool, int, Report | None, str]:
    """§2: (status, is_due, days_overdue, the report that counts, rule applied)."""
    report = counting_report(reports, ms.milestone_id, day)
    due = ms.due
    p_start, p_end = reporting_period(q, day)
    # §2: a recurring milestone is due "from the first complete quarter of its year until its
    # final date"; "from their final date on they follow the dated rules".
    # DECISION: "its year" is the calendar year of the milestone's final (due) date, not the
    # plan's meta year (the engine does the same; for plans read from the document they agree).
    # Before the reporting period reaches that year the milestone is judged by the dated rules
    # (it is then simply not yet due).
    if ms.due_kind == "recurring" and day < due and p_end >= dt.date(due.year, 1, 1):
        # "A report dated in that period saying done -> on_time; saying anything else ->
        # overdue; no report in that period -> not_reported".
        # DECISION (see test_assess_oracle.py, engine disagreement "recurring-after-period"):
        # the report judged is the latest one *dated in that period* (same tie-break as §1).
        # A report dated after the period (possible when the as-of date is inside the quarter)
        # neither fulfils nor spoils the period. Its status word is taken as it is: a report
        # saying done is on time whatever completion date it carries.
        in_period = [r for r in reports if p_start <= r.as_of <= p_end]
        period_report = counting_report(in_period, ms.milestone_id, p_end)
        if period_report is None:
            return "not_reported", True, (day - p_end).days, report, "recurring"
        if period_report.status == "done":
            return "on_time", True, 0, report, "recurring"
        return "overdue", True, (day - p_end).days, report, "recurring"

    is_due = due <= day  # due today counts
    completed = completion_date(report) if report else None
    # DECISION: a report saying done with a completion date after the as-of date is not done as
    # of that date (the completion has not happened yet); it counts as "reported, not done".
    # The document does not say; the engine does the same.
    if completed is not None and completed <= day:
        if completed <= due:  # on the due date is on time; before it is done ahead
            return "on_time", is_due, 0, report, "dated"
        return "done_late", is_due, (completed - due).days, report, "dated"
    if is_due:
        if report is not None:  # whatever the unit's word
            return "overdue", True, (day - due).days, report, "dated"
        return "not_reported", True, (day - due).days, report, "dated"
    if (due - day).days <= rules.due_soon_days:  # A < D <= A + due_soon_days, not done
        return "due_soon", False, 0, report, "dated"
    if report is None:
        return "not_due", False, 0, report, "dated"
    if report.status == "not_started":
        return "not_started", False, 0, report, "dated"
    # in progress, late, or done with a completion date still to come
    return "in_progress", False, 0, report, "dated"


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
        status, is_due, days, report, rule = milestone_status(ms, reports, q, day, rules)
        result = MilestoneResult(
            ms.milestone_id, ms.task_id, is_due, status, days, "", report, rule
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
            status == "due_soon"
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


def rollup_row(results: Sequence[MilestoneResult], *, with_status: bool) -> RollupRow:
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
        c["due_soon"] += m.status == "due_soon"
        c["not_due"] += not m.is_due
        c["done_ahead"] += (not m.is_due) and m.status == "on_time"
        c["indicators"] += len(m.indicators)
        c["indicators_behind"] += sum(i.band == "behind" for i in m.indicators)
        c["indicators_no_data"] += sum(i.band == "no_data" for i in m.indicators)
    # §5 "Always": the identities the table must satisfy (a self-check of this oracle)
    assert c["due"] == c["done"] + c["overdue"] + c["not_reported"], c
    assert c["done"] == c["done_on_time"] + c["done_late"], c
    assert c["milestones"] == c["due"] + c["not_due"], c
    on_time_rate = c["done_on_time"] / c["due"] if c["due"] else None
    share = (c["done"] + c["done_ahead"]) / c["milestones"] if c["milestones"] else None
    # §4 roll-up light: red if any milestone is red, else yellow if any is yellow, else green
    light = max((m.light for m in results), key=LIGHTS.index, default="green")
    status = None
    if with_status and results:
        # §2: a task's status is its worst due milestone, or its worst milestone when none is due
        pool = [m for m in results if m.is_due] or list(results)
        status = min((m.status for m in pool), key=SEVERITY_WORST_FIRST.index)
    return RollupRow(c, on_time_rate, share, light, status=status)


def rollups(
    tasks: Sequence[Task], results: dict[str, MilestoneResult]
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
    groups = group_members(tasks)
    red_cache: dict[dt.date, dict[str, set[Any]]] = {}

    def red_groups(q: tuple[int, int], day: dt.date) -> dict[str, set[Any]]:
        if day not in red_cache:
            results = assess_day(plan, reports, quarter_label(q), day, rules)
            red_tasks = {m.task_id for m in results.values() if m.light == "red"}
            red_cache[day] = {
                name: {k for k, members in g.items() if red_tasks.intersection(members)}
                for name, g in groups.items()
            }
        return red_cache[day]

    out = []
    for quarter, day in wanted:
        q = parse_quarter(quarter)
        results = assess_day(plan, reports, quarter, day, rules)
        tables = rollups(tasks, results)
        # §4 red_streak: consecutive red quarters up to and including this one, the earlier ones
        # assessed at their ends. The document starts counting at the plan year's first quarter
        # or the first report's quarter if earlier. A quarter can only be red through a report
        # dated on or before its end (red = 逾期未完成 = due, *reported*, not done), and every
        # quarter counted lies on or after the plan year's first quarter or the first report's
        # quarter, so walking back until the first non-red quarter is the same count.
        for name, rows in tables.items():
            for key, row in rows.items():
                if row.light != "red":
                    continue
                streak, prev = 1, previous_quarter(q)
                while key in red_groups(prev, quarter_end(prev))[name]:
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
