"""Roll-up mechanics, and consistency of every roll-up on the seed with demo progress."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from taskanalytics import assess_all
from taskanalytics.assess import AssessmentRules
from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Light, Status
from taskanalytics.assess.inputs import day_number
from taskanalytics.assess.rollup import (
    COUNT_COLUMNS,
    FLAG_COLUMNS,
    NO_LIGHT,
    build_groupings,
    complete_sums,
    group_light,
    red_rows,
    red_streaks,
    repeat_rows,
    row_light,
)
from taskanalytics.assess.verdicts import evaluate, judged_by, recurring_reports
from taskanalytics.progress.demo import build_demo_progress
from taskanalytics.progress.store import load_progress_history
from taskanalytics.quarters import Quarter

UNITS = ("财政局", "住建局", "发改局", "房屋征收中心")
QUARTERS = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
ROLLUPS = ("by_task", "by_unit", "by_leader", "by_category", "by_section")


def test_groupings_explode_units_and_leaders():
    tasks = pd.DataFrame(
        {
            "task_id": ["A", "B", "C"],
            "title": ["a", "b", "c"],
            "section": ["s1", "s1", "s2"],
            "category": ["x", "y", "x"],
            "lead_units": [["u1"], ["u2", "u1"], []],
            "leaders": [["p"], ["p"], ["q"]],
        }
    )
    ms_task = np.array([0, 0, 1, 2])
    g = build_groupings(tasks, ms_task)
    ones = np.ones(4, dtype=np.int64)
    assert g["task"].sums(ones).tolist() == [2, 1, 1]
    assert g["unit"].keys["unit"].tolist() == ["u1", "u2"]
    assert g["unit"].sums(ones).tolist() == [3, 1]  # task C has no lead unit
    assert g["leader"].sums(ones).tolist() == [3, 1]
    assert g["category"].keys.values.tolist() == [["s1", "x"], ["s1", "y"], ["s2", "x"]]
    assert g["section"].sums(np.array([1, 0, 1, 1])).tolist() == [2, 1]
    assert g["task"].maxima(np.array([3, 5, 1, 0])).tolist() == [5, 1, 0]


def _light(rules: AssessmentRules | None = None, **counts) -> int:
    """``row_light`` of one row; counts not given are 0."""
    rules = rules or AssessmentRules()
    names = ("due", "overdue", "not_reported", "indicators", "indicators_behind")
    args = {n: np.array([counts.get(n, 0)]) for n in names}
    days = np.array([counts.get("max_days_overdue", 0)])
    return int(row_light(**args, max_days_overdue=days, rules=rules)[0])


def test_group_light_reads_the_summed_flags():
    flags = np.zeros((4, len(FLAG_COLUMNS)), dtype=np.int64)
    col = FLAG_COLUMNS.index
    flags[:, col("due")] = [5, 5, 5, 0]
    flags[0, col("overdue")] = 1  # 1 of 5 = 20 %: red
    flags[1, col("not_reported")] = 1  # yellow
    flags[2, col("red_milestones")] = 3  # milestone lights no longer colour a row
    flags[3, col("due_soon")] = 2  # nothing due: no light
    days = np.zeros(4, dtype=np.int64)
    assert group_light(flags, days, AssessmentRules()).tolist() == [2, 1, 0, NO_LIGHT]


def test_nothing_due_has_no_light_whatever_else():
    assert _light(due=0) == NO_LIGHT
    assert _light(due=0, indicators=2, indicators_behind=2) == NO_LIGHT


@pytest.mark.parametrize(
    ("share", "due", "overdue", "light"),
    [
        (0.2, 5, 1, Light.RED),  # exactly 20 %
        (0.2, 6, 1, Light.YELLOW),  # 16.7 %: any overdue is yellow
        (0.25, 4, 1, Light.RED),
        (0.25, 5, 1, Light.YELLOW),
        (0.3, 10, 3, Light.RED),  # 0.3 * 10 is not exactly 3 in binary
        (0.3, 10, 2, Light.YELLOW),
        (0.2, 5, 0, Light.GREEN),
    ],
)
def test_red_from_the_overdue_share_at_its_boundary(share, due, overdue, light):
    assert _light(AssessmentRules(red_overdue_share=share), due=due, overdue=overdue) == light


@pytest.mark.parametrize(
    ("not_reported", "yellow_rule", "light"),
    [
        (2, True, Light.RED),  # 2 of 4 = 50 %: the unit has gone silent
        (2, False, Light.RED),  # red whatever not_reported_is_yellow says
        (1, True, Light.YELLOW),  # 25 %
        (1, False, Light.GREEN),
    ],
)
def test_not_reported_share(not_reported, yellow_rule, light):
    rules = AssessmentRules(not_reported_is_yellow=yellow_rule)
    assert _light(rules, due=4, not_reported=not_reported) == light


def test_days_overdue_rule_is_off_by_default_and_strictly_more_than_n_days():
    row = {"due": 10, "overdue": 1, "max_days_overdue": 181}
    assert _light(**row) == Light.YELLOW  # off by default
    rules = AssessmentRules(red_days_overdue=180)
    assert _light(rules, **row) == Light.RED
    assert _light(rules, **{**row, "max_days_overdue": 180}) == Light.YELLOW  # exactly n: not more
    assert _light(rules, due=10, max_days_overdue=365) == Light.GREEN  # nothing overdue


@pytest.mark.parametrize(
    ("indicators", "behind", "light"),
    [(5, 1, Light.YELLOW), (6, 1, Light.GREEN), (0, 0, Light.GREEN), (2, 2, Light.YELLOW)],
)
def test_indicators_behind_share_is_yellow_never_red(indicators, behind, light):
    got = _light(due=3, indicators=indicators, indicators_behind=behind)
    assert got == light  # 1 of 5 = 20 % reaches yellow_behind_share; 1 of 6 does not


def test_red_rows_ignore_indicators_and_need_something_due():
    rules = AssessmentRules()
    got = red_rows(
        due=np.array([0, 5, 5]),
        overdue=np.array([0, 1, 0]),
        not_reported=np.array([0, 0, 2]),
        max_days_overdue=np.array([0, 30, 0]),
        rules=rules,
    )
    assert got.tolist() == [False, True, False]


def test_red_streaks():
    reds = [np.array(r, dtype=bool) for r in ([1, 0], [1, 1], [0, 1], [1, 1])]
    assert [s.tolist() for s in red_streaks(reds)] == [[1, 0], [2, 1], [0, 2], [1, 3]]


@pytest.fixture(scope="module")
def seed_assessment(seed_plan, tmp_path_factory):
    """The seed plan with demo progress for four lead units, all four quarters."""
    full = seed_plan
    tasks = full.tasks.assign(
        lead_units=full.tasks["lead_units"].map(lambda us: [u for u in us if u in UNITS])
    )
    plan = dataclasses.replace(full, tasks=tasks)
    db = tmp_path_factory.mktemp("demo") / "progress.sqlite"
    build_demo_progress(plan, store=db, quarters=QUARTERS)
    return plan, assess_all(full, load_progress_history(db, plan=full), QUARTERS)


@pytest.mark.parametrize("table", ROLLUPS)
def test_counts_are_consistent_in_every_rollup(seed_assessment, table):
    _, a = seed_assessment
    t = getattr(a, table)
    assert (t["due"] == t["done"] + t["overdue"] + t["not_reported"] + t["due_today"]).all()
    assert (t["done"] == t["done_on_time"] + t["done_late"]).all()
    assert (t["milestones"] == t["due"] + t["not_due"]).all()
    assert (t["due_soon"] + t["done_ahead"] <= t["not_due"]).all()
    assert (t["indicators_behind"] + t["indicators_no_data"] <= t["indicators"]).all()
    judged = t["due"] - t["due_today"]  # due today and still open: not yet late
    rate = t["done_on_time"] / judged.where(judged > 0)
    assert np.allclose(t["on_time_rate"], rate, equal_nan=True)
    red = t["light"] == va.LIGHT_LABELS["red"]
    # red by the shares of rule 4 (never from one overdue item alone); no light when nothing due
    rules = a.rules
    by_share = (t["overdue"] >= rules.red_overdue_share * t["due"]) | (
        t["not_reported"] >= rules.red_not_reported_share * t["due"]
    )
    assert (red == (by_share & (t["due"] > 0))).all()
    assert (t["light"].isna() == (t["due"] == 0)).all()
    assert ((t["red_streak"] > 0) == red).all()
    assert ((t["max_days_overdue"] > 0) <= (t["overdue"] > 0)).all()
    assert t.groupby("quarter").size().index.tolist() == QUARTERS


def test_rollups_add_up_to_the_milestone_table(seed_assessment):
    plan, a = seed_assessment
    m = a.milestones
    per_quarter = m.groupby("quarter")
    sections = a.by_section.groupby("quarter")[["milestones", "due", "overdue"]].sum()
    assert (sections["milestones"] == len(plan.milestones)).all()
    assert (sections["due"] == per_quarter["is_due"].sum()).all()
    overdue = per_quarter["status_code"].apply(lambda s: (s == "overdue").sum())
    assert (sections["overdue"] == overdue).all()
    tasks = a.by_task.groupby("quarter")[list(COUNT_COLUMNS)].sum()
    assert (tasks[["milestones", "due", "overdue"]] == sections).all().all()
    # a task's status is its worst due milestone
    q4 = a.by_task[a.by_task["quarter"] == "2023Q4"].set_index("task_id")
    assert q4.loc[q4["overdue"] > 0, "status"].eq(va.STATUS_LABELS["overdue"]).all()


def test_demo_units_report_and_others_are_missing(seed_assessment):
    _, a = seed_assessment
    q4 = a.by_task[a.by_task["quarter"] == "2023Q4"]
    silent = q4[q4["lead_units"].map(lambda us: not set(us) & set(UNITS))]
    assert len(silent) and (silent["not_reported"] + silent["due_today"] == silent["due"]).all()
    units = a.by_unit[a.by_unit["quarter"] == "2023Q4"].set_index("unit")
    assert (units.loc["财政局", "done"] > 0) and (units.loc["财政局", "due"] == 16)


def test_watchlist_covers_every_overdue_and_behind_item(seed_assessment):
    _, a = seed_assessment
    m, w = a.milestones, a.watchlist
    overdue = m[m["status_code"] == "overdue"][["quarter", "milestone_id"]]
    listed = set(map(tuple, w[["quarter", "milestone_id"]].to_numpy()))
    assert set(map(tuple, overdue.to_numpy())) <= listed
    behind = a.indicators[a.indicators["band"] == va.BAND_LABELS["behind"]]
    assert set(map(tuple, behind[["quarter", "milestone_id"]].to_numpy())) <= listed
    for _, items in w.groupby("quarter"):
        assert items["severity"].is_monotonic_decreasing


def test_series_of_the_seed(seed_assessment):
    _, a = seed_assessment
    debt = a.series("化解政府性债务")
    assert debt["target"].tolist() == [17501.0, 63422.0, 68863.0, 70289.0]
    assert debt["quarter"].tolist() == QUARTERS
    assert debt["actual"].notna().all()  # 财政局 reports
    homes = a.series("回迁安置")
    assert homes["target"].tolist() == [200.0, 400.0, 700.0, 1000.0]


def test_dense_and_in_order_sums_match_counting_each_pair():
    rng = np.random.default_rng(5)
    names = ["p", "q", "r", "s"]
    n_tasks = 40
    tasks = pd.DataFrame(
        {
            "task_id": [f"T{i:03d}" for i in range(n_tasks)],
            "title": "t",
            "section": rng.choice(["s1", "s2"], n_tasks),
            "category": rng.choice(["x", "y", "z"], n_tasks),
            # shared, repeated and missing names
            "lead_units": [list(rng.choice(names, rng.integers(0, 3))) for _ in range(n_tasks)],
            "leaders": [list(rng.choice(names, rng.integers(1, 3))) for _ in range(n_tasks)],
        }
    )
    ms_task = np.sort(rng.integers(0, n_tasks, 150))  # milestones listed task by task
    for by_task in (True, False):
        groupings = build_groupings(tasks, ms_task, by_task=by_task)
        assert groupings["task"].in_order and groupings["leader"].dense is not None
        for g in groupings.values():
            counted = dataclasses.replace(g, in_order=False, dense=None)
            values = rng.integers(0, 5, (n_tasks if by_task and g.name != "task" else 150, 3))
            for v in (values, values[:, 0], values[:, 1] > 2):
                got, expected = g.sums(v), counted.sums(v)
                assert got.dtype == expected.dtype and np.array_equal(got, expected)
            assert np.array_equal(g.maxima(values[:, 0]), counted.maxima(values[:, 0]))


def test_repeat_rows_tiles_the_frame():
    frame = pd.DataFrame(
        {
            "a": pd.Series(["x", None, "z"], dtype="str"),
            "b": [[1], [], [2, 3]],
            "c": pd.to_datetime(["2023-01-01", None, "2023-03-01"]),
        },
        index=[4, 2, 9],
    )
    for times in (0, 1, 3):
        expected = frame.iloc[np.tile(np.arange(3), times)].reset_index(drop=True)
        pd.testing.assert_frame_equal(repeat_rows(frame, times), expected)


def test_streak_quarters_judge_only_what_can_be_due(seed_assessment):
    """``evaluate(full=False)`` judges fewer milestones but gives red (rule 4) the same inputs."""
    _, a = seed_assessment
    p, r = a._plan, a._reports
    rec = recurring_reports(p, r)
    for label in ("2022Q4", *QUARTERS, "2024Q1"):
        q = Quarter.parse(label)
        for day in (day_number(q.end), day_number(q.end) - 40):
            full = evaluate(p, r, q, day, a.rules, rec_reports=rec)
            part = evaluate(p, r, q, day, a.rules, full=False, rec_reports=rec)
            rows = judged_by(p, day)
            for field in ("status", "is_due", "days_overdue", "due", "sel"):
                got, expected = getattr(part, field), getattr(full, field)
                assert np.array_equal(got[rows], expected[rows]), (label, field)
            assert not part.is_due[np.setdiff1d(np.arange(len(p.ids)), rows)].any()
            for snap in (full, part):
                snap_overdue = snap.status == Status.OVERDUE
                assert np.array_equal(snap_overdue, full.status == Status.OVERDUE)
                assert np.array_equal(snap.light == Light.RED, snap_overdue)
            assert np.array_equal(
                np.where(full.status == Status.OVERDUE, full.days_overdue, 0),
                np.where(part.status == Status.OVERDUE, part.days_overdue, 0),
            )
            assert np.array_equal(
                part.is_due & (part.status == Status.NOT_REPORTED),
                full.is_due & (full.status == Status.NOT_REPORTED),
            )


def test_derived_flag_sums_equal_the_flags_summed(seed_assessment):
    """Done, not due and lit red are never summed: they follow from other sums (rules 2, 4, 5)."""
    _, a = seed_assessment
    p, r = a._plan, a._reports
    for label in QUARTERS:
        q = Quarter.parse(label)
        snap = evaluate(p, r, q, day_number(q.end), a.rules)
        on_time, done_late = snap.status == Status.ON_TIME, snap.status == Status.DONE_LATE
        assert not (done_late & ~snap.is_due).any()  # a milestone done late was due
        flags = {
            **snap.flags.columns,
            "done": snap.is_due & (on_time | done_late),
            "not_due": ~snap.is_due,
            "red_milestones": snap.light == Light.RED,
        }
        assert set(flags) == set(FLAG_COLUMNS)
        task_g = p.groupings["task"]
        expected = np.column_stack([task_g.weighted(flags[c]) for c in FLAG_COLUMNS])
        assert np.array_equal(complete_sums(snap.flags.sums(task_g)), expected)
