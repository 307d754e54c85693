"""Year-end projection (年底预计): hand-computed cases of taskanalytics.assess.projection.

One plan of three series, each a task of the seed's text format:

- T001 化解政府性债务: 100 万元 by 03-31, 400 by 06-30, 1000 by 12-31 (a trajectory);
- T002 新建停车泊位: 600 个 by 12-31 only (an annual figure: a straight line);
- T003 城镇调查失业率控制在5.5%以内 (a rate, ``<=``): never projected.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from assess_oracle import make_progress
from plan_docs import table, task_row, write_doc

from taskanalytics import assess, read_plan
from taskanalytics.assess.projection import planned_at

D = dt.date


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    rows = [
        task_row(1, "（1）3月底前，化解政府性债务100万元；\n（2）6月底前，化解政府性债务400万元；\n"
                 "（3）12月底前，化解政府性债务1000万元。", title="化解政府性债务1000万元。"),
        task_row(2, "12月底前，新建停车泊位600个。", title="新建停车泊位600个。"),
        task_row(3, "12月底前，城镇调查失业率控制在5.5%以内。", title="稳就业。"),
    ]  # fmt: skip
    path = write_doc(tmp_path_factory.mktemp("projection"), table(rows, declared=(3, 5)))
    return read_plan(path)


def _projection(plan, reports, quarter, as_of=None):
    progress = make_progress(reports, actual_columns=1)
    frame = assess(plan, progress, quarter=quarter, as_of=as_of).projections()
    return frame.set_index("metric")


def test_the_plans_trajectory_is_straight_lines_from_zero_through_its_targets():
    targets = [100.0, 400.0, 1000.0]
    dues = [D(2023, 3, 31), D(2023, 6, 30), D(2023, 12, 31)]
    start = D(2023, 1, 1)
    assert planned_at(D(2023, 3, 31), dues, targets, year_start=start) == 100.0
    # 45 of the 91 days from 03-31 to 06-30: 100 + 300 * 45 / 91
    assert planned_at(D(2023, 5, 15), dues, targets, year_start=start) == pytest.approx(
        100 + 300 * 45 / 91
    )
    assert planned_at(D(2023, 2, 14), dues, targets, year_start=start) == pytest.approx(
        100 * 44 / 89
    )  # 44 of the 89 days from 01-01 to 03-31


def test_pace_behind_the_trajectory_projects_a_shortfall(plan):
    reports = [
        {"milestone_id": "T001.01", "as_of": "2023-03-31", "status": "done",
         "completed": "2023-03-30", "actual_1": 100},
        {"milestone_id": "T001.02", "as_of": "2023-06-30", "status": "in_progress",
         "actual_1": 340},
    ]  # fmt: skip
    row = _projection(plan, reports, "2023Q2").loc["化解政府性债务"]
    # planned on 06-30: 400; pace 340 / 400 = 0.85; projected 0.85 * 1000 = 850; short 150
    assert (row["actual"], row["planned"], row["pace"]) == (340, 400, pytest.approx(0.85))
    assert row["projected"] == pytest.approx(850) and row["shortfall"] == pytest.approx(150)
    assert (row["method"], row["outlook_code"]) == ("trajectory", "at_risk")
    assert row["target"] == 1000 and row["due_date"] == pd.Timestamp("2023-12-31")


def test_a_quarter_with_no_report_projects_from_the_last_one(plan):
    reports = [
        {"milestone_id": "T001.01", "as_of": "2023-03-31", "status": "done",
         "completed": "2023-03-28", "actual_1": 120},
    ]  # fmt: skip
    row = _projection(plan, reports, "2023Q2").loc["化解政府性债务"]
    # nothing reported for 06-30: the 03-31 report, planned 100 that day, pace 1.2 -> 1200
    assert row["actual_as_of"] == pd.Timestamp("2023-03-31")
    assert (row["planned"], row["pace"]) == (100, pytest.approx(1.2))
    assert row["projected"] == pytest.approx(1200) and row["shortfall"] == 0
    assert row["outlook_code"] == "on_track"


def test_a_target_met_early_is_met_not_projected_beyond_sense(plan):
    reports = [
        {"milestone_id": "T002.01", "as_of": "2023-06-30", "status": "done",
         "completed": "2023-06-20", "actual_1": 650},
    ]  # fmt: skip
    row = _projection(plan, reports, "2023Q2").loc["新建停车泊位"]
    # an annual figure: straight line from 0 on 01-01 to 600 on 12-31; on 06-30 (180 of 364
    # days) the plan asked for 600 * 180 / 364 = 296.7; the actual 650 already meets 600
    assert row["method"] == "straight_line"
    assert row["planned"] == pytest.approx(600 * 180 / 364)
    assert row["projected"] == pytest.approx(650 / (600 * 180 / 364) * 600)
    assert (row["outlook_code"], row["shortfall"]) == ("met", 0)


def test_a_straight_line_series_behind_pace(plan):
    reports = [
        {"milestone_id": "T002.01", "as_of": "2023-09-30", "status": "in_progress",
         "actual_1": 300},
    ]  # fmt: skip
    row = _projection(plan, reports, "2023Q3").loc["新建停车泊位"]
    planned = 600 * 272 / 364  # 272 of the 364 days from 01-01 to 12-31
    assert row["planned"] == pytest.approx(planned)
    assert row["projected"] == pytest.approx(300 / planned * 600)  # 401.5
    assert row["outlook_code"] == "at_risk" and row["shortfall"] == pytest.approx(
        600 - 300 / planned * 600
    )


def test_no_report_no_projection_and_rates_never(plan):
    frame = _projection(plan, [], "2023Q2")
    assert frame.loc["化解政府性债务", "outlook_code"] == "no_data"
    assert pd.isna(frame.loc["化解政府性债务", "projected"])
    assert not frame.index.str.contains("失业率").any()  # a <= rate does not add up


def test_a_projection_is_never_a_schedule_status(plan):
    reports = [
        {"milestone_id": "T001.02", "as_of": "2023-06-30", "status": "in_progress",
         "actual_1": 100},
    ]  # fmt: skip
    a = assess(plan, make_progress(reports, actual_columns=1), quarter="2023Q2")
    before = a.milestones.copy()
    assert a.projections().set_index("metric").loc["化解政府性债务", "outlook_code"] == "at_risk"
    pd.testing.assert_frame_equal(a.milestones, before)
    assert "年底完成有风险" not in set(a.milestones["status"].astype(str))
