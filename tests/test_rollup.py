"""Roll-up mechanics, and consistency of every roll-up on the seed with demo progress."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from taskanalytics import assess_all
from taskanalytics.assess import vocab as va
from taskanalytics.assess.rollup import COUNT_COLUMNS, build_groupings, group_light, red_streaks
from taskanalytics.progress.demo import build_demo_progress
from taskanalytics.progress.store import load_progress_history

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


def test_group_light_and_streaks():
    flags = np.zeros((3, len(COUNT_COLUMNS) + 2), dtype=np.int64)
    flags[0, -2] = 1  # a red milestone
    flags[1, -1] = 2  # yellow ones
    assert group_light(flags).tolist() == [2, 1, 0]
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
    return plan, assess_all(full, load_progress_history(db), QUARTERS)


@pytest.mark.parametrize("table", ROLLUPS)
def test_counts_are_consistent_in_every_rollup(seed_assessment, table):
    _, a = seed_assessment
    t = getattr(a, table)
    assert (t["due"] == t["done"] + t["overdue"] + t["not_reported"]).all()
    assert (t["done"] == t["done_on_time"] + t["done_late"]).all()
    assert (t["milestones"] == t["due"] + t["not_due"]).all()
    assert (t["due_soon"] + t["done_ahead"] <= t["not_due"]).all()
    assert (t["indicators_behind"] + t["indicators_no_data"] <= t["indicators"]).all()
    rate = t["done_on_time"] / t["due"]
    assert np.allclose(t["on_time_rate"], rate, equal_nan=True)
    red = t["light"] == va.LIGHT_LABELS["red"]
    assert (red == (t["overdue"] > 0)).all()
    assert ((t["red_streak"] > 0) == red).all()
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
    assert len(silent) and (silent["not_reported"] == silent["due"]).all()
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
