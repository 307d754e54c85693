"""The assessment engine against a plain reference of ``docs/assessment-rules.md`` (issue 10).

``assess_oracle.py`` re-derives every verdict one milestone at a time. A hypothesis property test
compares it with :func:`taskanalytics.assess_all` and :func:`taskanalytics.assess` on random small
plans and reports; the example tests below each pin one named rule of the document, checked on
both the oracle and the engine, so a failure names the rule that broke.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
from assess_oracle import (
    COUNT_COLUMNS,
    QuarterResult,
    make_progress,
    oracle_assess,
    oracle_assess_all,
    quarter_end,
    quarter_start,
    unmatched_ids,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from taskanalytics import assess, assess_all
from taskanalytics.assess import AssessmentRules
from taskanalytics.assess import vocab as va

D = dt.date
UNITS = ("财政局", "住建局", "教育局")
LEADERS = ("甲", "乙", "丙")
STATUS_WORDS = ("done", "in_progress", "not_started", "late", "已完成", "推进中", "滞后", "完成")
_LIGHT = {label: code for code, label in va.LIGHT_LABELS.items()}
_BAND = {label: code for code, label in va.BAND_LABELS.items()}
_STATUS = {label: code for code, label in va.STATUS_LABELS.items()}
_GROUP_KEYS = {
    "task": ("by_task", ["task_id"]),
    "unit": ("by_unit", ["unit"]),
    "leader": ("by_leader", ["leader"]),
    "category": ("by_category", ["section", "category"]),
    "section": ("by_section", ["section"]),
}

# --------------------------------------------------------------------------- building inputs


@dataclass(frozen=True)
class SimplePlan:
    """A ``PlanLike``: ``meta`` and the three frames the engine reads."""

    meta: dict[str, Any]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame = field(repr=False)


def make_plan(
    year: int,
    tasks: list[tuple[str, str, str, list[str], list[str]]],
    milestones: list[tuple],
    targets: list[tuple[str, int, float, str]] = (),
) -> SimplePlan:
    """Tasks ``(task_id, section, category, lead_units, leaders)``; milestones ``(milestone_id,
    due date, due_kind[, recurrence])`` (task id = the part before the dot; a recurring
    milestone's recurrence defaults to monthly); targets ``(milestone_id, target_no, value,
    unit)``."""
    t = pd.DataFrame(
        [
            {
                "task_id": tid,
                "section": section,
                "category": category,
                "title": f"任务{tid}",
                "lead_units": list(units),
                "leaders": list(leaders),
                "responsible_units": [],
            }
            for tid, section, category, units, leaders in tasks
        ],
        columns=["task_id", "section", "category", "title", "lead_units", "leaders"],
    )
    m = pd.DataFrame(
        [
            {
                "milestone_id": mid,
                "task_id": mid.split(".")[0],
                "label": "",
                "text": f"节点{mid}",
                "due_date": pd.Timestamp(due),
                "due_kind": kind,
                "recurrence": (rest[0] if rest else "monthly") if kind == "recurring" else None,
            }
            for mid, due, kind, *rest in milestones
        ],
        columns=["milestone_id", "task_id", "label", "text", "due_date", "due_kind", "recurrence"],
    )
    m["due_date"] = pd.to_datetime(m["due_date"])
    g = pd.DataFrame(
        [
            {
                "milestone_id": mid,
                "task_id": mid.split(".")[0],
                "target_no": no,
                "metric": f"指标{mid}-{no}",
                "value": float(value),
                "unit": unit,
                "comparator": ">=" if no % 2 else "=",
            }
            for mid, no, value, unit in targets
        ],
        columns=["milestone_id", "task_id", "target_no", "metric", "value", "unit", "comparator"],
    )
    g["value"] = g["value"].astype(float)
    g["target_no"] = g["target_no"].astype(np.int64)
    return SimplePlan({"year": year}, t, m, g)


# --------------------------------------------------------------------------- comparing


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NaT


def _same_number(a: Any, b: Any) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _day(x: Any) -> dt.date | None:
    return None if _missing(x) or pd.isna(x) else pd.Timestamp(x).date()


def _records(frame: pd.DataFrame, keys: list[str]) -> dict[tuple, dict[str, Any]]:
    """The frame's rows as dicts, by the tuple of their ``keys`` values."""
    return {tuple(rec[k] for k in keys): rec for rec in frame.to_dict("records")}


def _by_quarter(frame: pd.DataFrame, keys: list[str]) -> dict[str, dict[Any, dict[str, Any]]]:
    """A roll-up's rows as dicts by quarter, then by their key (one column: its value)."""
    out: dict[str, dict[Any, dict[str, Any]]] = {}
    for rec in frame.to_dict("records"):
        key = rec[keys[0]] if len(keys) == 1 else tuple(rec[k] for k in keys)
        out.setdefault(rec["quarter"], {})[key] = rec
    return out


def compare(
    expected: list[QuarterResult], engine: Any, plan: SimplePlan, progress: pd.DataFrame
) -> list[str]:
    """Every difference between the oracle's results and an ``Assessment``, readably."""
    problems: list[str] = []
    assert list(engine.quarters) == [r.quarter for r in expected]

    def context(mid: str) -> str:
        ms = plan.milestones.set_index("milestone_id").loc[mid]
        rows = progress[progress["milestone_id"] == mid]
        shown = rows.drop(columns=["unit"]).to_string(index=False) if len(rows) else "(none)"
        return (
            f"  milestone {mid}: due {ms['due_date'].date()} ({ms['due_kind']} "
            f"{ms['recurrence']})\n"
            f"  its reports:\n    " + shown.replace("\n", "\n    ")
        )

    # rows as dicts, looked up by key: .loc on a MultiIndex per milestone was most of the time
    em = _records(engine.milestones, ["quarter", "milestone_id"])
    ei = _records(engine.indicators, ["quarter", "milestone_id", "target_no"])
    groups = {attr: _by_quarter(getattr(engine, attr), keys) for attr, keys in _GROUP_KEYS.values()}
    for q in expected:
        as_of = {_day(e["as_of"]) for (quarter, _), e in em.items() if quarter == q.quarter}
        assert as_of <= {q.as_of}, as_of
        for mid, o in q.milestones.items():
            e = em[(q.quarter, mid)]
            got = {
                "status": e["status_code"],
                "is_due": bool(e["is_due"]),
                "days_overdue": int(e["days_overdue"]),
                "light": _LIGHT[e["light"]],
                "report": None if _missing(e["note"]) else e["note"],
                "due": _day(e["due_date"]),
                "indicators": int(e["indicators"]),
                "indicators_behind": int(e["indicators_behind"]),
            }
            want = {
                "status": o.status,
                "is_due": o.is_due,
                "days_overdue": o.days_overdue,
                "light": o.light,
                "report": None if o.report is None else o.report.note,
                "due": o.due,
                "indicators": len(o.indicators),
                "indicators_behind": sum(i.band == "behind" for i in o.indicators),
            }
            diff = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
            if diff:
                problems.append(
                    f"{q.quarter} as of {q.as_of}, milestone {mid} ({o.judged_on} rule): "
                    + ", ".join(f"{k} oracle={w!r} engine={g!r}" for k, (w, g) in diff.items())
                    + "\n"
                    + context(mid)
                )
            for ind in o.indicators:
                key = (q.quarter, mid, ind.target_no)
                if key not in ei:
                    problems.append(f"{q.quarter} {mid} target {ind.target_no}: engine has no row")
                    continue
                row = ei[key]
                pairs = {
                    "actual": (ind.actual, row["actual"]),
                    "achievement": (ind.achievement, row["achievement"]),
                    "gap": (ind.gap, row["gap"]),
                    "target": (ind.target, row["target"]),
                }
                bad = [k for k, (w, g) in pairs.items() if not _same_number(w, g)]
                if ind.band != _BAND[row["band"]]:
                    bad.append("band")
                if ind.basis != row["basis"]:
                    bad.append("basis")
                if bad:
                    problems.append(
                        f"{q.quarter} as of {q.as_of}, milestone {mid} target {ind.target_no} "
                        f"({ind.basis}, target {ind.target}): "
                        + ", ".join(
                            f"{k} oracle={pairs[k][0] if k in pairs else getattr(ind, k)!r} "
                            f"engine={pairs[k][1] if k in pairs else row[k]!r}"
                            for k in bad
                        )
                    )
        n_ind = sum(len(m.indicators) for m in q.milestones.values())
        n_eng = sum(quarter == q.quarter for quarter, _, _ in ei)
        if n_ind != n_eng:
            problems.append(f"{q.quarter}: oracle {n_ind} indicator rows, engine {n_eng}")
        for name, (attr, _) in _GROUP_KEYS.items():
            got_rows = groups[attr].get(q.quarter, {})
            if set(got_rows) != set(q.rollups[name]):
                problems.append(
                    f"{q.quarter} {attr}: oracle rows {sorted(q.rollups[name], key=str)}, "
                    f"engine rows {sorted(got_rows, key=str)}"
                )
                continue
            for key, o in q.rollups[name].items():
                e = got_rows[key]
                diff = {c: (o.counts[c], int(e[c])) for c in COUNT_COLUMNS if o.counts[c] != e[c]}
                for c in ("on_time_rate", "completion_share"):
                    if not _same_number(getattr(o, c), e[c]):
                        diff[c] = (getattr(o, c), e[c])
                light = None if _missing(e["light"]) else _LIGHT[e["light"]]
                if o.light != light:
                    diff["light"] = (o.light, light)
                if o.max_days_overdue != e["max_days_overdue"]:
                    diff["max_days_overdue"] = (o.max_days_overdue, int(e["max_days_overdue"]))
                if o.red_streak != e["red_streak"]:
                    diff["red_streak"] = (o.red_streak, int(e["red_streak"]))
                if name == "task":
                    status = None if _missing(e["status"]) else _STATUS[e["status"]]
                    if o.status != status:
                        diff["status"] = (o.status, status)
                if diff:
                    problems.append(
                        f"{q.quarter} as of {q.as_of}, {attr} {key}: "
                        + ", ".join(f"{k} oracle={w!r} engine={g!r}" for k, (w, g) in diff.items())
                    )
    unmatched = list(engine.unmatched["milestone_id"]) if len(engine.unmatched) else []
    if unmatched != unmatched_ids(plan, progress):
        problems.append(f"unmatched: oracle {unmatched_ids(plan, progress)}, engine {unmatched}")
    return problems


def check_all(plan, progress, quarters, rules=None) -> list[QuarterResult]:
    rules = rules or AssessmentRules()
    engine = assess_all(plan, progress, quarters, rules=rules)
    expected = oracle_assess_all(plan, progress, quarters, rules)
    problems = compare(expected, engine, plan, progress)
    assert not problems, "oracle and engine disagree:\n" + "\n".join(problems)
    return expected


def check_one(plan, progress, quarter, as_of=None, rules=None) -> QuarterResult:
    rules = rules or AssessmentRules()
    engine = assess(plan, progress, quarter, as_of, rules=rules)
    expected = oracle_assess(plan, progress, quarter, as_of, rules)
    problems = compare([expected], engine, plan, progress)
    assert not problems, "oracle and engine disagree:\n" + "\n".join(problems)
    return expected


# --------------------------------------------------------------------------- strategies


def _boundaries(year: int) -> list[dt.date]:
    """Quarter starts and ends (and their neighbours) from the year before to the year after."""
    out = []
    for y, n in [(year - 1, 4), *((year, k) for k in range(1, 5)), (year + 1, 1)]:
        for day in (quarter_start((y, n)), quarter_end((y, n))):
            out += [day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)]
    return sorted(set(out))


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A small plan, its reports, the quarters to assess and a date inside one of them."""
    year = draw(st.sampled_from([2023, 2024]))  # 2024 is a leap year
    edges = _boundaries(year)
    # due dates just inside and just outside the 临期 window of a quarter-end as-of date
    ends = [quarter_end((year - 1, 4))] + [quarter_end((year, n)) for n in range(1, 5)]
    soon = [e + dt.timedelta(days=k) for e in ends for k in (7, 8, 15, 16, 30, 31)]
    in_year = st.dates(D(year, 1, 1), D(year, 12, 31))
    # tasks: small pools of units and leaders, so that tasks share them
    n_tasks = draw(st.integers(1, 4))
    tasks = [
        (
            f"T{i + 1}",
            draw(st.sampled_from(["work_report", "livelihood"])),
            draw(st.sampled_from(["甲类", "乙类"])),
            draw(st.lists(st.sampled_from(UNITS), min_size=0, max_size=2, unique=True)),
            draw(st.lists(st.sampled_from(LEADERS), min_size=1, max_size=2, unique=True)),
        )
        for i in range(n_tasks)
    ]
    milestones, targets = [], []
    for tid, *_ in tasks:
        for k in range(draw(st.integers(0, 3))):  # a task may have no milestone
            mid = f"{tid}.{k + 1:02d}"
            kind = draw(st.sampled_from(["date", "date", "date", "recurring", "task_deadline"]))
            if kind == "recurring":
                due = draw(st.sampled_from([D(year, 12, 31), D(year, 6, 30)]) | in_year)
                every = draw(st.sampled_from(["monthly", "quarterly", "semiannual", None]))
                milestones.append((mid, due, kind, every))
            else:
                carried = st.dates(D(year - 1, 10, 1), D(year - 1, 12, 31))
                due = draw(st.sampled_from(edges) | st.sampled_from(soon) | in_year | carried)
                milestones.append((mid, due, kind))
            for no in draw(st.lists(st.integers(1, 2), max_size=2, unique=True)):
                unit = draw(st.sampled_from(["%", "万元", "个"]))
                value = draw(st.sampled_from([0.0, 1.0, 2.5, 3.3, 5.0, 10.0, 100.0]))
                targets.append((mid, no, value, unit))
    if not milestones:
        milestones.append(("T1.01", D(year, 6, 30), "date"))
    plan = make_plan(year, tasks, milestones, targets)
    dues = [m[1] for m in milestones]
    # the quarter for assess() and its as-of date come first, so reports can be dated around it
    one = draw(st.sampled_from([f"{year}Q{n}" for n in range(1, 5)]))
    q = (year, int(one[-1]))
    start, end = quarter_start(q), quarter_end(q)
    inside = [d for d in dues if start <= d <= end]
    month_ends = [quarter_end(q)] + [
        D(year, m + 1, 1) - dt.timedelta(days=1) for m in range(3 * q[1] - 2, 3 * q[1])
    ]
    as_of = draw(
        st.sampled_from([start, end, *inside, *month_ends])
        | st.sampled_from([d + dt.timedelta(days=1) for d in [*inside, *month_ends]])
        | st.dates(start, end)
    )
    as_of = min(max(as_of, start), end)
    near = [d + dt.timedelta(days=k) for d in dues for k in (-16, -15, -1, 0, 1, 15, 16)]
    near += [as_of - dt.timedelta(days=1), as_of, as_of + dt.timedelta(days=1), start]
    days = st.sampled_from(sorted(set(edges + near))) | st.dates(
        D(year - 1, 11, 1), D(year, 12, 31)
    )
    ids = [m[0] for m in milestones]
    target_values = {(mid, no): value for mid, no, value, _ in targets}

    def actual(mid: str, no: int) -> float:
        value = target_values.get((mid, no), 10.0)
        # the band boundaries (ratio 1 and 0.9, 1 point short) and either side of them, rounded
        # so that 3.3 * 0.9 is 2.97 as a unit would type it
        near = [value, value * 0.9, value - 1, value * 0.89, value - 1.1, value - 0.5]
        other = [value * 1.2, value * 0.5, value + 0.5, 0.0, -1.0]
        return draw(st.sampled_from([np.nan, *(round(x, 6) for x in near + other)]))

    ingestions = [
        dt.datetime(year, 1, 5, 9),
        dt.datetime(year, 7, 5, 9),
        dt.datetime(year + 1, 1, 5),
    ]

    def report(mid: str, dated: dt.date) -> dict[str, Any]:
        row = {
            "milestone_id": mid,
            "as_of": dated,
            "status": draw(st.sampled_from(STATUS_WORDS)),
            "completed": draw(st.none() | days | st.just(dated)),
            "actual_1": actual(mid, 1),
            "actual_2": actual(mid, 2),
        }
        if draw(st.booleans()):  # else the day after the as-of date
            row["ingested"] = draw(st.sampled_from(ingestions))
        return row

    rows = []
    for mid in [*ids, "X9.01"]:  # X9.01 is not in the plan; some milestones get no report
        for _ in range(draw(st.integers(0, 3))):
            # most units report as of a quarter end; some on any other day
            rows.append(report(mid, draw(st.sampled_from(ends) | days)))
            if draw(st.integers(0, 3)) == 0:  # a resubmission: same milestone and date
                rows.append(report(mid, rows[-1]["as_of"]))
    rows = draw(st.permutations(rows))  # input order breaks the remaining ties
    progress = make_progress(rows, actual_columns=draw(st.sampled_from([1, 2, 2])))
    # several quarters per example (the engine does them in one pass): duplicates, any order,
    # sometimes skipping one (red streaks then cross a quarter not asked for)
    quarters = draw(
        st.lists(
            st.sampled_from([f"{year}Q{n}" for n in range(1, 5)] + [f"{year + 1}Q1"]),
            min_size=3,
            max_size=6,
        )
    )
    rules = draw(
        st.just(AssessmentRules())
        | st.builds(
            AssessmentRules,
            due_soon_days=st.sampled_from([0, 7, 15, 30]),
            nearly_met_ratio=st.sampled_from([0.8, 0.9]),
            nearly_met_points=st.sampled_from([0.5, 1.0]),
            not_reported_is_yellow=st.booleans(),
            # roll-up lights: shares at small denominators' boundaries (1/5, 1/4, 1/2), the
            # days rule off or tight
            red_overdue_share=st.sampled_from([0.2, 0.25, 0.5, 1.0]),
            red_not_reported_share=st.sampled_from([0.5, 1.0]),
            red_days_overdue=st.sampled_from([None, None, 0, 30]),
            yellow_behind_share=st.sampled_from([0.2, 0.5, 1.0]),
        )
    )
    return {
        "plan": plan,
        "progress": progress,
        "quarters": quarters,
        "quarter": one,
        "as_of": as_of,
        "rules": rules,
    }


def _events(results: list[QuarterResult]) -> None:
    """What the examples covered (``pytest --hypothesis-show-statistics``)."""
    for q in results:
        for m in q.milestones.values():
            event(f"{m.judged_on} rule: {m.status}")
            for i in m.indicators:
                event(f"band {i.basis}: {i.band}")
        for row in q.rollups["task"].values():
            if row.red_streak > 1:
                event("red streak > 1")


ORACLE_SETTINGS = settings(
    max_examples=75,
    deadline=None,
    derandomize=True,  # the same examples on every run and machine (CI is reproducible)
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@ORACLE_SETTINGS
@given(scenarios())
def test_assess_all_agrees_with_the_oracle(case):
    _events(check_all(case["plan"], case["progress"], case["quarters"], case["rules"]))


@ORACLE_SETTINGS
@given(scenarios())
def test_assess_inside_a_quarter_agrees_with_the_oracle(case):
    plan, progress, quarter, as_of = (case[k] for k in ("plan", "progress", "quarter", "as_of"))
    _events([check_one(plan, progress, quarter, as_of, case["rules"])])


# --------------------------------------------------------------------------- one rule each
# Each test states the document's verdict and (through check_one / check_all) that the engine
# and the oracle agree on everything else of the example.

PLAN_TASKS = [
    ("T1", "work_report", "甲类", ["财政局"], ["甲"]),
    ("T2", "work_report", "乙类", ["住建局", "财政局"], ["乙"]),
]


def _plan(*milestones: tuple[str, dt.date, str], targets=(), year: int = 2023) -> SimplePlan:
    return make_plan(year, PLAN_TASKS, list(milestones), list(targets))


def _r(mid: str, as_of: dt.date, status: str, **more: Any) -> dict[str, Any]:
    return {"milestone_id": mid, "as_of": as_of, "status": status, **more}


def _verdict(plan, rows, quarter="2023Q2", as_of=None, mid="T1.01", **kw):
    """The oracle's verdict on one milestone, after checking the engine agrees on everything."""
    progress = make_progress(rows, **kw)
    return check_one(plan, progress, quarter, as_of).milestones[mid]


def test_rule_1_latest_report_on_or_before_the_as_of_date_counts():
    plan = _plan(("T1.01", D(2023, 9, 30), "date"))
    rows = [
        _r("T1.01", D(2023, 3, 31), "not_started"),
        _r("T1.01", D(2023, 6, 30), "in_progress"),
        _r("T1.01", D(2023, 7, 15), "done"),  # after the as-of date: ignored
    ]
    assert _verdict(plan, rows).report.note == "r1"
    assert _verdict(plan, rows, as_of=D(2023, 6, 29)).status == "not_started"


def test_rule_1_same_date_later_ingestion_wins_then_the_later_row():
    plan = _plan(("T1.01", D(2023, 6, 1), "date"))
    late, early = dt.datetime(2023, 7, 9), dt.datetime(2023, 7, 2)
    rows = [
        _r("T1.01", D(2023, 6, 30), "done", completed=D(2023, 5, 1), ingested=late),
        _r("T1.01", D(2023, 6, 30), "in_progress", ingested=early),  # a later row, older file
    ]
    m = _verdict(plan, rows)
    assert (m.status, m.report.note) == ("on_time", "r0")
    tie = [dict(rows[0], ingested=early), rows[1]]  # same date and ingestion: the later row
    assert _verdict(plan, tie).status == "overdue"
    without = make_progress(tie).drop(columns=["ingested_at"])  # no ingestion times at all
    assert check_one(plan, without, "2023Q2").milestones["T1.01"].status == "overdue"


def test_rule_1_done_without_a_completion_date_is_completed_on_its_as_of_date():
    plan = _plan(("T1.01", D(2023, 6, 15), "date"), ("T1.02", D(2023, 6, 30), "date"))
    rows = [_r("T1.01", D(2023, 6, 30), "已完成"), _r("T1.02", D(2023, 6, 30), "done")]
    m = _verdict(plan, rows)
    assert (m.status, m.days_overdue, m.light) == ("done_late", 15, "green")
    assert _verdict(plan, rows, mid="T1.02").status == "on_time"


def test_rule_1_reports_for_milestones_not_in_the_plan_are_unmatched():
    plan = _plan(("T1.01", D(2023, 6, 30), "date"))
    progress = make_progress([_r("X9.01", D(2023, 6, 30), "done")])
    assert list(assess(plan, progress, "2023Q2").unmatched["milestone_id"]) == ["X9.01"]
    check_one(plan, progress, "2023Q2")


def test_rule_2_due_today_is_its_own_state_never_overdue():
    """A == D, not done: 今日到期 (due, yellow, 0 days), reported or not; never 逾期/未报送."""
    plan = _plan(("T1.01", D(2023, 6, 30), "date"), ("T1.02", D(2023, 6, 30), "date"))
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "in_progress")])
    assert (m.status, m.is_due, m.days_overdue, m.light) == ("due_today", True, 0, "yellow")
    n = _verdict(plan, [], mid="T1.02")
    assert (n.status, n.is_due, n.days_overdue, n.light) == ("due_today", True, 0, "yellow")
    inside = _plan(("T1.01", D(2023, 5, 15), "date"))  # A == D inside a quarter
    assert _verdict(inside, [], as_of=D(2023, 5, 15)).status == "due_today"


def test_rule_2_overdue_only_after_the_due_date():
    """A == D + 1: 逾期未完成 (reported) or 未报送 (not), days_overdue = 1."""
    plan = _plan(("T1.01", D(2023, 6, 29), "date"), ("T1.02", D(2023, 6, 29), "date"))
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 29), "in_progress")])
    assert (m.status, m.days_overdue, m.light) == ("overdue", 1, "red")
    n = _verdict(plan, [], mid="T1.02")
    assert (n.status, n.days_overdue) == ("not_reported", 1)
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 29), "done")], as_of=D(2023, 6, 29))
    assert (m.status, m.is_due) == ("on_time", True)  # done on the day: on time


def test_rule_2_due_today_counts_as_due_and_the_identity_holds():
    plan = _plan(("T1.01", D(2023, 6, 30), "date"), ("T1.02", D(2023, 6, 1), "date"))
    rows = [_r("T1.01", D(2023, 6, 30), "in_progress"), _r("T1.02", D(2023, 6, 30), "done")]
    res = check_all(plan, make_progress(rows), ["2023Q2"])[0]
    c = res.rollups["task"]["T1"].counts
    assert (c["due"], c["due_today"], c["overdue"], c["done"]) == (2, 1, 0, 1)
    assert c["due"] == c["done"] + c["overdue"] + c["not_reported"] + c["due_today"]
    assert res.rollups["task"]["T1"].status == "due_today"  # worse than done late / on time


def test_rule_2_completed_on_the_due_date_or_ahead_is_on_time():
    plan = _plan(("T1.01", D(2023, 5, 31), "date"), ("T1.02", D(2023, 9, 30), "date"))
    rows = [
        _r("T1.01", D(2023, 6, 30), "done", completed=D(2023, 5, 31)),
        _r("T1.02", D(2023, 6, 30), "done", completed=D(2023, 6, 1)),  # done ahead
    ]
    assert _verdict(plan, rows).status == "on_time"
    ahead = _verdict(plan, rows, mid="T1.02")
    assert (ahead.status, ahead.is_due) == ("on_time", False)
    row = check_all(plan, make_progress(rows), ["2023Q2"])[0].rollups["task"]["T1"]
    assert (row.counts["done_ahead"], row.counts["done"], row.completion_share) == (1, 1, 1.0)


def test_rule_2_due_soon_window_and_not_yet_due_statuses():
    a = D(2023, 6, 30)
    plan = _plan(
        ("T1.01", a + dt.timedelta(days=15), "date"),
        ("T1.02", a + dt.timedelta(days=16), "date"),
        ("T1.03", a + dt.timedelta(days=16), "date"),
        ("T1.04", a + dt.timedelta(days=16), "date"),
    )
    rows = [_r("T1.03", a, "not_started"), _r("T1.04", a, "滞后"), _r("T1.01", a, "推进中")]
    expected = {"T1.01": "due_soon", "T1.02": "not_due", "T1.03": "not_started"}
    expected["T1.04"] = "in_progress"  # the unit's 滞后 is data, not the verdict
    for mid, status in expected.items():
        assert _verdict(plan, rows, mid=mid).status == status, mid
    assert _verdict(plan, rows).light == "yellow"


def test_rule_2_done_with_a_completion_date_after_the_as_of_date_is_not_done_yet():
    plan = _plan(("T1.01", D(2023, 6, 10), "date"))
    rows = [_r("T1.01", D(2023, 6, 30), "done", completed=D(2023, 7, 5))]
    assert _verdict(plan, rows).status == "overdue"
    assert _verdict(plan, rows, quarter="2023Q3").status == "done_late"


def test_rule_2_recurring_half_yearly_at_03_31_06_30_07_01():
    plan = _plan(("T1.01", D(2023, 12, 31), "recurring", "semiannual"))
    m = _verdict(plan, [], as_of=D(2023, 3, 31), quarter="2023Q1")  # nothing ended: not due
    assert (m.status, m.is_due, m.due) == ("not_due", False, D(2023, 6, 30))
    h1_done = [_r("T1.01", D(2023, 6, 30), "done")]
    m = _verdict(plan, h1_done)  # at H1's end: done in H1 -> on time, not 逾期
    assert (m.status, m.is_due, m.due, m.light) == ("on_time", True, D(2023, 6, 30), "green")
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "in_progress")])
    assert (m.status, m.days_overdue) == ("due_today", 0)  # H1 ends today
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "in_progress")], "2023Q3", D(2023, 7, 1))
    assert (m.status, m.days_overdue, m.due) == ("overdue", 1, D(2023, 6, 30))
    m = _verdict(plan, [], "2023Q3", D(2023, 7, 1))
    assert (m.status, m.days_overdue, m.light) == ("not_reported", 1, "yellow")
    m = _verdict(plan, h1_done, "2023Q3", D(2023, 9, 30))  # H2 not ended: still H1
    assert (m.status, m.due) == ("on_time", D(2023, 6, 30))


def test_rule_2_recurring_monthly_and_quarterly_periods_end_on_their_last_day():
    plan = _plan(
        ("T1.01", D(2023, 12, 31), "recurring", "monthly"),
        ("T1.02", D(2023, 12, 31), "recurring", "quarterly"),
    )
    rows = [_r("T1.01", D(2023, 4, 30), "done"), _r("T1.02", D(2023, 3, 31), "done")]
    m = _verdict(plan, rows, as_of=D(2023, 4, 30))  # April ends today, reported done
    assert (m.status, m.due) == ("on_time", D(2023, 4, 30))
    m = _verdict(plan, rows, as_of=D(2023, 5, 31))  # May ends today, no May report
    assert (m.status, m.due) == ("due_today", D(2023, 5, 31))
    m = _verdict(plan, rows, as_of=D(2023, 6, 1))  # May ended yesterday, not reported
    assert (m.status, m.days_overdue, m.due) == ("not_reported", 1, D(2023, 5, 31))
    q = _verdict(plan, rows, as_of=D(2023, 6, 29), mid="T1.02")  # Q2 not ended: Q1 done
    assert (q.status, q.due) == ("on_time", D(2023, 3, 31))
    q = _verdict(plan, rows, mid="T1.02")  # Q2 ends today, no Q2 report
    assert (q.status, q.due) == ("due_today", D(2023, 6, 30))


def test_rule_2_recurring_a_report_counts_only_for_its_own_period():
    """The former engine bug "recurring-after-period": a report dated after the judged period
    (2023-04-30, as of 2023-05-15, quarterly duty judged on Q1) never counts for it."""
    plan = _plan(("T1.01", D(2023, 12, 31), "recurring", "quarterly"))
    m = _verdict(plan, [_r("T1.01", D(2023, 4, 30), "done")], as_of=D(2023, 5, 15))
    assert (m.status, m.days_overdue) == ("not_reported", 45)
    rows = [_r("T1.01", D(2023, 3, 31), "in_progress"), _r("T1.01", D(2023, 4, 30), "done")]
    m = _verdict(plan, rows, as_of=D(2023, 5, 15))
    assert (m.status, m.days_overdue, m.light) == ("overdue", 45, "red")


def test_rule_2_recurring_is_not_due_before_its_first_period_ends():
    plan = _plan(("T1.01", D(2023, 12, 31), "recurring", "quarterly"))
    m = _verdict(plan, [], quarter="2023Q1", as_of=D(2023, 2, 15))
    assert (m.status, m.is_due, m.due) == ("not_due", False, D(2023, 3, 31))
    m = _verdict(plan, [], quarter="2023Q1", as_of=D(2023, 3, 20))  # 11 days before: 临期
    assert (m.status, m.is_due) == ("due_soon", False)


def test_rule_2_recurring_follows_the_dated_rules_from_its_final_date():
    plan = _plan(("T1.01", D(2023, 6, 30), "recurring"))
    m = _verdict(plan, [_r("T1.01", D(2023, 4, 30), "done", completed=D(2023, 4, 30))])
    assert (m.status, m.judged_on) == ("on_time", "dated")
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "in_progress")], quarter="2023Q3")
    assert (m.status, m.days_overdue) == ("overdue", 92)
    m = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "in_progress")])  # A == D: due today
    assert (m.status, m.judged_on) == ("due_today", "dated")


def test_rule_2_a_task_status_is_its_worst_due_milestone():
    plan = _plan(
        ("T1.01", D(2023, 5, 1), "date"),
        ("T1.02", D(2023, 6, 1), "date"),
        ("T1.03", D(2023, 7, 5), "date"),  # 临期 is worse than done late, but not due
        ("T2.01", D(2023, 9, 30), "date"),
    )
    rows = [_r("T1.01", D(2023, 6, 30), "done", completed=D(2023, 5, 3))]
    rows.append(_r("T1.02", D(2023, 6, 30), "done"))
    rows.append(_r("T2.01", D(2023, 6, 30), "not_started"))
    tasks = check_all(plan, make_progress(rows), ["2023Q2"])[0].rollups["task"]
    assert (tasks["T1"].status, tasks["T2"].status) == ("done_late", "not_started")


@pytest.mark.parametrize(
    ("target", "unit", "actual", "band"),
    [
        (100.0, "万元", 100.0, "met"),
        (100.0, "万元", 90.0, "nearly_met"),
        (100.0, "万元", 89.9, "behind"),
        (0.0, "个", 0.0, "met"),  # a zero target is met by any non-negative actual
        (0.0, "个", -1.0, "behind"),
        (5.0, "%", 5.0, "met"),
        (5.0, "%", 4.0, "nearly_met"),  # one point short
        (3.3, "%", 2.3, "nearly_met"),  # one point short, inexact in binary
        (5.0, "%", 3.9, "behind"),
        (5.0, "%", None, "no_data"),
    ],
)
def test_rule_3_bands(target, unit, actual, band):
    plan = _plan(("T1.01", D(2023, 6, 30), "date"), targets=[("T1.01", 1, target, unit)])
    row = {} if actual is None else {"actual_1": actual}
    (ind,) = _verdict(plan, [_r("T1.01", D(2023, 6, 30), "done", **row)]).indicators
    assert (ind.band, ind.basis) == (band, "points" if unit == "%" else "ratio")


def test_rule_3_no_actual_column_is_no_data_and_not_due_has_no_indicators():
    plan = _plan(
        ("T1.01", D(2023, 6, 30), "date"),
        ("T1.02", D(2023, 9, 30), "date"),
        targets=[("T1.01", 2, 10.0, "个"), ("T1.02", 1, 10.0, "个")],
    )
    rows = [_r("T1.01", D(2023, 6, 30), "done", actual_2=10.0)]
    (ind,) = _verdict(plan, rows, actual_columns=1).indicators
    assert ind.band == "no_data"
    assert _verdict(plan, rows, mid="T1.02").indicators == []


def test_rule_4_lights_of_milestones():
    plan = _plan(
        ("T1.01", D(2023, 5, 1), "date"),
        ("T1.02", D(2023, 6, 1), "date"),
        ("T1.03", D(2023, 6, 1), "date"),
        targets=[("T1.02", 1, 100.0, "万元")],
    )
    rows = [
        _r("T1.01", D(2023, 6, 30), "done", completed=D(2023, 6, 1)),  # done late: green
        _r("T1.02", D(2023, 6, 30), "done", actual_1=50.0),  # an indicator behind: yellow
    ]
    lights = {m: _verdict(plan, rows, mid=m).light for m in ("T1.01", "T1.02", "T1.03")}
    assert lights == {"T1.01": "green", "T1.02": "yellow", "T1.03": "yellow"}
    quiet = AssessmentRules(not_reported_is_yellow=False)
    result = check_one(plan, make_progress(rows), "2023Q2", rules=quiet)
    assert result.milestones["T1.03"].light == "green"


def test_rule_4_red_streak_counts_back_to_the_first_report_quarter():
    plan = _plan(("T1.01", D(2022, 12, 15), "date"))  # carried over from the year before
    rows = [_r("T1.01", D(2022, 12, 31), "in_progress"), _r("T1.01", D(2023, 3, 31), "late")]
    rows.append(_r("T1.01", D(2023, 8, 10), "done"))
    results = check_all(plan, make_progress(rows), ["2023Q1", "2023Q2", "2023Q3"])
    assert [r.rollups["task"]["T1"].red_streak for r in results] == [2, 3, 0]
    assert [r.rollups["unit"]["财政局"].red_streak for r in results] == [2, 3, 0]


def test_rule_5_a_milestone_counts_for_every_lead_unit_and_the_identities_hold():
    plan = _plan(("T1.01", D(2023, 5, 1), "date"), ("T2.01", D(2023, 6, 1), "date"))
    rows = [_r("T2.01", D(2023, 6, 30), "in_progress")]
    r = check_all(plan, make_progress(rows), ["2023Q2"])[0].rollups
    assert r["unit"]["财政局"].counts["due"] == 2  # T1 and T2
    assert r["unit"]["住建局"].counts["overdue"] == 1
    assert r["unit"]["财政局"].light == "red"
    assert r["task"]["T1"].on_time_rate == 0.0


# --------------------------------------------------------------------------- series and as-of


def test_rule_3_series_points_after_the_as_of_date_are_not_due():
    plan = _plan(
        ("T1.01", D(2023, 6, 30), "date"),
        ("T1.02", D(2023, 7, 1), "date"),  # its quarter starts the day after A
        ("T1.03", D(2023, 12, 31), "date"),
        targets=[(m, 1, 100.0, "万元") for m in ("T1.01", "T1.02", "T1.03")],
    )
    progress = make_progress([_r("T1.01", D(2023, 6, 30), "done", actual_1=100.0)])
    s = assess(plan, progress, "2023Q2").series("T1")
    assert s["band"].tolist() == [va.BAND_LABELS[b] for b in ("met", "not_due", "not_due")]
    s = assess(plan, progress, "2023Q3", D(2023, 7, 1)).series("T1")  # Q3 has begun
    assert s["band"].tolist()[1:] == [va.BAND_LABELS["no_data"], va.BAND_LABELS["not_due"]]


@pytest.mark.parametrize(
    ("today", "expected", "quarter_end"),
    [
        (D(2023, 6, 21), D(2023, 6, 21), False),  # inside the quarter: today
        (D(2023, 6, 30), D(2023, 6, 30), True),  # the last day
        (D(2023, 7, 1), D(2023, 6, 30), True),  # after: the quarter's end
        (D(2023, 3, 31), D(2023, 6, 30), True),  # not begun: its end
    ],
)
def test_rule_1_as_of_defaults_to_the_earlier_of_today_and_the_quarter_end(
    today, expected, quarter_end
):
    from taskanalytics.assess import resolve_quarter

    assert resolve_quarter("2023Q2", today=today) == ("2023Q2", expected)
    plan = _plan(("T1.01", D(2023, 6, 30), "date"))
    a = assess(plan, make_progress([]), "2023Q2", expected)
    assert a.as_of_is_quarter_end is quarter_end
