"""Assessment rules on a small hand-made plan, every status and band, boundaries, bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from plan_docs import table, task_row, write_doc

from taskanalytics import Assessment, assess, assess_all, read_plan
from taskanalytics.assess import vocab as va
from taskanalytics.assess.inputs import day_number, prepare_reports
from taskanalytics.assess.rules import DEFAULT_RULES, AssessmentRules
from taskanalytics.assess.verdicts import bands as _bands
from taskanalytics.errors import AssessmentError, TaskAnalyticsError
from taskanalytics.progress.history import latest_positions

S = va.STATUS_LABELS
B = va.BAND_LABELS
L = va.LIGHT_LABELS


def _tasks() -> pd.DataFrame:
    rows = [
        ("T001", "work_report", "甲类", "任务一", ["财政局"], ["甲"]),
        ("T002", "work_report", "甲类", "任务二", ["住建局", "财政局"], ["乙"]),
        ("T003", "livelihood", "十件民生实事", "任务三", ["住建局"], ["乙"]),
    ]
    frame = pd.DataFrame(
        rows, columns=["task_id", "section", "category", "title", "lead_units", "leaders"]
    )
    return frame.assign(
        number=[1, 2, 3],
        subcategory=None,
        deadline=pd.Timestamp("2023-12-31"),
        responsible_units=[[], [], []],
    )


# milestone id, due date, due kind, recurrence
_MILESTONES = [
    ("T001.01", "2023-03-31", "date", None),
    ("T001.02", "2023-06-30", "date", None),  # due on the as-of date
    ("T001.03", "2023-07-10", "date", None),  # 10 days after: 临期
    ("T001.04", "2023-07-15", "date", None),  # 15 days after: still 临期
    ("T001.05", "2023-07-16", "date", None),  # 16 days after: not yet
    ("T001.06", "2023-09-30", "date", None),
    ("T002.01", "2023-12-31", "recurring", "monthly"),
    ("T002.02", "2023-05-31", "date", None),
    ("T003.01", "2023-06-30", "date", None),
    ("T003.02", "2023-04-30", "date", None),
    ("T003.03", "2023-03-15", "date", None),
]


def _milestones() -> pd.DataFrame:
    frame = pd.DataFrame(
        _MILESTONES, columns=["milestone_id", "due_date", "due_kind", "recurrence"]
    )
    frame["due_date"] = pd.to_datetime(frame["due_date"])
    return frame.assign(
        task_id=frame["milestone_id"].str[:4],
        position=frame["milestone_id"].str[-2:].astype(int),
        label="",
        group=None,
        text="节点" + frame["milestone_id"],
        quarter=frame["due_date"].dt.to_period("Q").astype(str).str.replace("Q", "Q"),
    )


def _targets() -> pd.DataFrame:
    rows = [
        ("T001.01", 1, "项目", 100.0, "个", "="),
        ("T002.02", 1, "增长", 5.0, "%", "="),
        ("T003.01", 1, "回迁安置", 1000.0, "户", ">="),
    ]
    frame = pd.DataFrame(
        rows, columns=["milestone_id", "target_no", "metric", "value", "unit", "comparator"]
    )
    return frame.assign(task_id=frame["milestone_id"].str[:4])


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = write_doc(tmp_path_factory.mktemp("plan"), table([task_row(1, "3月底前，完成。")]))
    base = read_plan(path)
    return dataclasses.replace(base, tasks=_tasks(), milestones=_milestones(), targets=_targets())


def _report(mid, as_of, status, completed=None, actual=None, ingested="2023-07-01", note=None):
    return {
        "milestone_id": mid,
        "task_id": mid[:4],
        "unit": "财政局",
        "as_of_date": pd.Timestamp(as_of),
        "status": status,
        "completed_date": pd.Timestamp(completed) if completed else pd.NaT,
        "actual_1": np.nan if actual is None else actual,
        "note": note,
        "ingested_at": pd.Timestamp(ingested, tz="UTC"),
    }


@pytest.fixture(scope="module")
def progress():
    q1, q2 = "2023-03-31", "2023-06-30"
    rows = [
        _report("T001.01", q1, "done", "2023-03-31", 95, "2023-04-02"),
        # a correction for the same date: the later ingestion wins
        _report("T001.01", q2, "in_progress", None, 50, "2023-07-01"),
        _report("T001.01", q2, "done", "2023-03-31", 95, "2023-07-03"),
        _report("T001.02", q2, "in_progress", note="正在推进"),
        _report("T001.04", q2, "in_progress"),
        _report("T001.05", q2, "in_progress"),
        _report("T001.06", q2, "not_started"),
        _report("T002.01", q1, "done", "2023-03-31"),
        _report("T002.02", q2, "done", "2023-06-10", 4.2),
        _report("T003.01", q2, "late", None, 500, note="资金未到位"),
        _report("T003.03", q1, "late"),
        _report("T003.03", q2, "滞后"),  # a Chinese label is accepted too
        _report("T001.06", "2023-09-30", "done", "2023-09-01"),  # after the as-of date
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def q2(plan, progress):
    return assess(plan, progress, "2023Q2")


def _by_id(frame: pd.DataFrame, key: str = "milestone_id") -> pd.DataFrame:
    return frame.set_index(key)


def test_every_status_at_the_quarter_end(q2):
    m = _by_id(q2.milestones)
    expected = {
        "T001.01": ("on_time", 0, True),  # completed on the due date
        "T001.02": ("due_today", 0, True),  # due today, not done: due, not late
        "T001.03": ("due_soon", 0, False),  # not reported, due in 10 days
        "T001.04": ("due_soon", 0, False),  # due in exactly 15 days
        "T001.05": ("in_progress", 0, False),  # 16 days: not yet a warning
        "T001.06": ("not_started", 0, False),  # its Q3 report is ignored
        "T002.01": ("due_today", 0, True),  # monthly: June ends today, no June report
        "T002.02": ("done_late", 10, True),
        "T003.01": ("due_today", 0, True),  # the unit's word 滞后 is data, the verdict is ours
        "T003.02": ("not_reported", 61, True),
        "T003.03": ("overdue", 107, True),
    }
    for mid, (code, days, due) in expected.items():
        row = m.loc[mid]
        assert (row["status_code"], row["days_overdue"], row["is_due"]) == (code, days, due), mid
        assert row["status"] == S[code]
    assert m.loc["T003.01", "reported_status"] == "late"
    assert m.loc["T003.03", "reported_status"] == "late"
    assert m.loc["T003.01", "note"] == "资金未到位"
    assert m.loc["T001.01", "report_as_of"] == pd.Timestamp("2023-06-30")
    assert m.loc["T001.03", "days_to_due"] == 10


def test_lights_per_milestone(q2):
    m = _by_id(q2.milestones)["light"]
    assert m["T001.02"] == L["yellow"]  # 今日到期
    assert m["T003.03"] == L["red"]
    assert m["T001.03"] == L["yellow"]  # 临期
    assert m["T002.01"] == L["yellow"]  # due today (June), not reported
    assert m["T001.01"] == L["green"]  # 基本达标 is not behind
    assert m["T001.05"] == L["green"]


def test_indicators_only_for_due_milestones(q2):
    ind = _by_id(q2.indicators)
    assert set(ind.index) == {"T001.01", "T002.02", "T003.01"}
    assert ind.loc["T001.01", "achievement"] == pytest.approx(0.95)
    assert ind.loc["T001.01", "band"] == B["nearly_met"]
    assert ind.loc["T002.02", "basis"] == "points"
    assert ind.loc["T002.02", "gap"] == pytest.approx(-0.8)
    assert ind.loc["T002.02", "band"] == B["nearly_met"]  # 0.8 points short
    assert ind.loc["T003.01", "band"] == B["behind"]
    assert ind.loc["T003.01", "actual"] == 500
    for column in ("actual", "target", "achievement", "band"):
        assert column in q2.indicators.columns


@pytest.mark.parametrize(
    ("actual", "target", "points", "band"),
    [
        (100.0, 100.0, False, "met"),
        (120.0, 100.0, False, "met"),
        (90.0, 100.0, False, "nearly_met"),
        (89.99, 100.0, False, "behind"),
        (np.nan, 100.0, False, "no_data"),
        (5.0, 5.0, True, "met"),
        (4.0, 5.0, True, "nearly_met"),  # exactly one point short
        (3.9, 5.0, True, "behind"),
        (0.0, 0.0, False, "met"),
    ],
)
def test_band_boundaries(actual, target, points, band):
    _, _, code = _bands(np.array([actual]), np.array([target]), np.array([points]), DEFAULT_RULES)
    assert list(B)[code[0]] == band


def test_thresholds_are_configurable(plan, progress):
    strict = AssessmentRules(due_soon_days=5, nearly_met_ratio=0.96, nearly_met_points=0.5)
    a = assess(plan, progress, "2023Q2", rules=strict)
    m = _by_id(a.milestones)["status_code"]
    assert m["T001.03"] == "not_due"  # 10 days away is no longer 临期; unreported, not yet due
    ind = _by_id(a.indicators)["band"]
    assert ind["T001.01"] == B["behind"]
    assert ind["T002.02"] == B["behind"]
    assert a.rules is strict


def test_task_rollup_and_worst_status(q2):
    t = _by_id(q2.by_task, "task_id")
    assert t.loc[
        "T001", ["milestones", "due", "done", "overdue", "due_today", "due_soon", "not_due"]
    ].tolist() == [6, 2, 1, 0, 1, 2, 4]
    assert t.loc["T001", "status"] == S["due_today"]
    assert t.loc["T002", "status"] == S["due_today"]  # worse than 逾期完成
    assert t.loc["T002", ["done_late", "due_today", "on_time_rate"]].tolist() == [1, 1, 0.0]
    # one on time of the two due; the other is due today (not yet late): 1 / (2 - 1)
    assert t.loc["T001", "on_time_rate"] == 1.0
    assert t.loc["T001", "completion_share"] == pytest.approx(1 / 6)
    assert t.loc["T003", "indicators_behind"] == 1
    # row lights are rules 4 (roll-up light, shares): T003 has one of two due overdue
    assert t.loc["T003", "light"] == L["red"]


def test_units_and_leaders_count_shared_tasks_in_each_group(q2):
    u = _by_id(q2.by_unit, "unit")
    assert u.loc["财政局", "milestones"] == 8  # T001 + T002
    assert u.loc["住建局", "milestones"] == 5  # T002 + T003
    lead = _by_id(q2.by_leader, "leader")
    assert lead.loc["乙", "milestones"] == 5
    assert set(q2.by_section["section"]) == {"work_report", "livelihood"}
    assert q2.by_category.set_index("category").loc["十件民生实事", "overdue"] == 1
    assert q2.by_category.set_index("category").loc["十件民生实事", "due_today"] == 1


def test_red_streak_counts_consecutive_red_quarters(q2, plan, progress):
    t = _by_id(q2.by_task, "task_id")["red_streak"]
    assert t.to_dict() == {"T001": 0, "T002": 0, "T003": 2}  # T001.02 is due today, not red
    assert _by_id(q2.by_unit, "unit").loc["住建局", "red_streak"] == 2
    q1 = assess(plan, progress, "2023Q1")
    assert _by_id(q1.by_task, "task_id")["red_streak"].to_dict() == {
        "T001": 0,
        "T002": 0,
        "T003": 1,
    }
    assert _by_id(q1.milestones).loc["T002.01", "status_code"] == "on_time"  # Q1 reported done


def test_watchlist_sorted_by_severity(q2):
    w = q2.watchlist
    # T001.02 and T002.01 are due today: not late, not on the list; T003.01 only for its
    # indicator behind
    assert w["milestone_id"].tolist() == ["T003.03", "T003.01", "T003.02"]
    first = w.iloc[1]
    assert first["reason"] == "欠进度"
    assert first["note"] == "资金未到位"
    assert first["lead_units"] == "住建局" and first["leaders"] == "乙"
    assert "回迁安置 500/1,000户" in first["behind"]
    assert w.iloc[0]["red_streak"] == 2
    assert w["severity"].is_monotonic_decreasing


def test_earlier_as_of_date(plan, progress):
    a = assess(plan, progress, "2023Q2", as_of="2023-05-31")
    m = _by_id(a.milestones)["status_code"]
    assert m["T002.02"] == "due_today"  # due today; its June report is not yet in
    assert m["T002.01"] == "due_today"  # monthly: May ends today, nothing dated in May
    assert m["T001.01"] == "on_time"  # from the Q1 report
    assert a.as_of.isoformat() == "2023-05-31"
    with pytest.raises(AssessmentError, match="outside 2023Q2"):
        assess(plan, progress, "2023Q2", as_of="2023-07-02")


def test_recurring_reported_not_done_is_overdue_after_its_period(plan, progress):
    extra = pd.DataFrame([_report("T002.01", "2023-06-30", "in_progress")])
    both = pd.concat([progress, extra], ignore_index=True)
    a = assess(plan, both, "2023Q2")  # June ends today: due today, not overdue
    assert _by_id(a.milestones).loc["T002.01", "status_code"] == "due_today"
    a = assess(plan, both, "2023Q3", "2023-07-01")  # June ended yesterday
    row = _by_id(a.milestones).loc["T002.01"]
    assert (row["status_code"], row["days_overdue"]) == ("overdue", 1)
    assert row["due_date"] == pd.Timestamp("2023-06-30")
    assert row["final_due_date"] == pd.Timestamp("2023-12-31")
    extra = pd.DataFrame([_report("T002.01", "2023-06-30", "done", "2023-06-30")])
    a = assess(plan, pd.concat([progress, extra], ignore_index=True), "2023Q2")
    assert _by_id(a.milestones).loc["T002.01", "status_code"] == "on_time"


def test_done_without_completion_date_uses_report_date(plan):
    rows = pd.DataFrame([_report("T002.02", "2023-06-30", "done")])
    m = _by_id(assess(plan, rows, "2023Q2").milestones)
    assert (m.loc["T002.02", "status_code"], m.loc["T002.02", "days_overdue"]) == ("done_late", 30)


def test_latest_report_only_frame_and_empty_progress(plan, progress):
    latest = progress[progress["as_of_date"] <= "2023-06-30"]
    latest = latest.sort_values(["as_of_date", "ingested_at"]).drop_duplicates(
        "milestone_id", keep="last"
    )
    a = assess(plan, latest, "2023Q2")
    assert (
        a.milestones["status_code"].tolist()
        == assess(plan, progress, "2023Q2").milestones["status_code"].tolist()
    )
    empty = assess(plan, progress.iloc[:0], "2023Q2")
    due = empty.milestones[empty.milestones["is_due"]]
    today = due["due_date"] == due["as_of"]
    assert (due.loc[today, "status_code"] == "due_today").all() and today.sum() == 3
    assert (due.loc[~today, "status_code"] == "not_reported").all()
    assert empty.indicators["band"].eq(B["no_data"]).all()


def test_inputs_are_not_mutated(plan, progress):
    before = (plan.milestones.copy(), plan.tasks.copy(), progress.copy())
    assess_all(plan, progress, ["2023Q1", "2023Q2"])
    pd.testing.assert_frame_equal(plan.milestones, before[0])
    pd.testing.assert_frame_equal(plan.tasks, before[1])
    pd.testing.assert_frame_equal(progress, before[2])


def test_reports_in_any_order_give_the_same_assessment(plan, progress):
    """Reports sorted as a store returns them skip the sort; any other order reads the same."""
    position = {m: i for i, m in enumerate(plan.milestones["milestone_id"])}
    keys = progress.assign(_pos=progress["milestone_id"].map(position))
    ordered = progress.loc[keys.sort_values(["_pos", "as_of_date", "ingested_at"]).index]
    shuffled = progress.sample(frac=1, random_state=3)
    a, b = (assess_all(plan, p, ["2023Q1", "2023Q2"]) for p in (ordered, shuffled))
    assert (a._reports.row == np.arange(len(ordered))).all()  # already in order
    for name in ("milestones", "indicators", "by_task", "by_unit", "watchlist"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.projections(), b.projections())
    pd.testing.assert_frame_equal(a.series("T001"), b.series("T001"))


@pytest.mark.parametrize("bad", ["2023Q5", "Q2", "2023-2", "", "2023Q0"])
def test_unknown_quarter_lists_accepted_forms(plan, progress, bad):
    with pytest.raises(AssessmentError) as err:
        assess(plan, progress, bad)
    assert "2023Q2" in str(err.value) and repr(bad) in str(err.value)
    assert isinstance(err.value, TaskAnalyticsError)


def test_accepted_quarter_forms(plan, progress):
    for form in ("2023-Q2", "2023q2", "2023 Q2"):
        assert assess(plan, progress, form).quarter == "2023Q2"


def test_missing_columns_are_named(plan, progress):
    with pytest.raises(AssessmentError, match="as_of_date, completed_date"):
        assess(plan, progress.drop(columns=["as_of_date", "completed_date"]), "2023Q2")


def test_unknown_status_is_an_error(plan, progress):
    bad = progress.assign(status=progress["status"].replace({"not_started": "差不多"}))
    with pytest.raises(AssessmentError, match="差不多"):
        assess(plan, bad, "2023Q2")


def test_reports_for_unknown_milestones_are_reported(plan, progress, caplog):
    extra = pd.DataFrame([_report("T999.01", "2023-06-30", "done", "2023-06-01")])
    with caplog.at_level(logging.WARNING, logger="taskanalytics"):
        a = assess(plan, pd.concat([progress, extra], ignore_index=True), "2023Q2")
    assert a.unmatched["milestone_id"].tolist() == ["T999.01"]
    assert "T999.01" in caplog.text
    assert len(a.milestones) == len(plan.milestones)


def test_assess_all_stacks_quarters(plan, progress):
    a = assess_all(plan, progress, ["2023Q2", "2023Q1", "2023Q2"])
    assert a.quarters == ("2023Q1", "2023Q2")
    assert a.by_unit["quarter"].tolist()[:2] == ["2023Q1", "2023Q1"]
    single = assess(plan, progress, "2023Q2")
    stacked = a.by_task[a.by_task["quarter"] == "2023Q2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(stacked, single.by_task)
    trend = a.by_unit.pivot(index="unit", columns="quarter", values="on_time_rate")
    assert list(trend.columns) == ["2023Q1", "2023Q2"]
    assert len(assess_all(plan, progress).quarters) == 4
    summary = a.summary()
    assert summary["quarter"].tolist() == ["2023Q1", "2023Q2"]


def test_series_by_metric_and_task(q2):
    s = q2.series("回迁安置")
    assert s[["quarter", "target", "actual"]].values.tolist() == [["2023Q2", 1000.0, 500.0]]
    assert q2.series("T002")["metric"].tolist() == ["增长"]
    with pytest.raises(AssessmentError, match="不存在"):
        q2.series("不存在")


def test_repr_and_html(q2):
    assert isinstance(q2, Assessment)
    assert repr(q2).startswith("Assessment(2023Q2, as_of=2023-06-30")
    page = q2._repr_html_()
    assert "2023Q2" in page and va.HTML_WORDS["watchlist"] in page and "<table" in page


# --------------------------------------------------------------------------- the seed (issue 11)


def _seed_report(mid, as_of, status):
    return _report(mid, as_of, status, ingested="2023-12-31")


def test_seed_half_yearly_duty_is_judged_per_half_year(seed_plan):
    """T026.08 每半年…招商一次 (final date 2023-12-31): not due at 03-31, on time at 06-30 with a
    done H1 report, due today without one, overdue on 07-01 when H1 was not done."""
    ms = seed_plan.milestones.set_index("milestone_id")
    assert (ms.loc["T026.08", "due_kind"], ms.loc["T026.08", "recurrence"]) == (
        "recurring",
        "semiannual",
    )

    def row(rows, quarter, as_of=None):
        frame = (
            pd.DataFrame(rows)
            if rows
            else pd.DataFrame([_seed_report("T001.01", "2023-01-01", "in_progress")])
        )
        return _by_id(assess(seed_plan, frame, quarter, as_of).milestones).loc["T026.08"]

    r = row([], "2023Q1")
    assert (r["status_code"], r["is_due"], r["due_date"]) == (
        "not_due",
        False,
        pd.Timestamp("2023-06-30"),
    )
    assert r["final_due_date"] == pd.Timestamp("2023-12-31")
    r = row([_seed_report("T026.08", "2023-06-30", "done")], "2023Q2")
    assert (r["status_code"], r["is_due"], r["light"]) == ("on_time", True, L["green"])
    r = row([_seed_report("T026.08", "2023-06-30", "in_progress")], "2023Q2")
    assert (r["status_code"], r["days_overdue"]) == ("due_today", 0)
    r = row([_seed_report("T026.08", "2023-06-30", "in_progress")], "2023Q3", "2023-07-01")
    assert (r["status_code"], r["days_overdue"], r["light"]) == ("overdue", 1, L["red"])
    r = row([_seed_report("T026.08", "2023-07-05", "done")], "2023Q3", "2023-09-29")
    assert (r["status_code"], r["due_date"]) == ("not_reported", pd.Timestamp("2023-06-30"))


def test_seed_quarterly_duty_and_due_today_on_the_quarter_end(seed_plan):
    """T111.04 每季度末制作“三保”情况表: judged on its own quarter; a dated milestone due on the
    as-of day is 今日到期, never 逾期."""
    rows = pd.DataFrame([_seed_report("T111.04", "2023-03-31", "done")])
    at_end = _by_id(assess(seed_plan, rows, "2023Q2").milestones)
    assert at_end.loc["T111.04", "status_code"] == "due_today"  # Q2 ends today, no Q2 report
    inside = _by_id(assess(seed_plan, rows, "2023Q2", "2023-06-21").milestones)
    assert inside.loc["T111.04", "status_code"] == "on_time"  # Q1 reported done
    due_today = at_end[at_end["due_date"] == pd.Timestamp("2023-06-30")]
    assert len(due_today) and set(due_today["status_code"]) <= {"due_today", "on_time"}
    assert not (at_end["status_code"].eq("overdue") & at_end["days_overdue"].eq(0)).any()


def test_seed_debt_series_future_quarters_are_not_due(seed_plan):
    rows = pd.DataFrame([_seed_report("T001.01", "2023-06-30", "in_progress")])
    s = assess(seed_plan, rows, "2023Q2").series("化解政府性债务")
    assert s["target"].tolist() == [17501, 63422, 68863, 70289]
    assert s["band"].tolist()[2:] == [B["not_due"], B["not_due"]]
    assert s["band"].tolist()[:2] == [B["no_data"], B["no_data"]]


def test_select_finds_the_report_that_counts_on_any_day():
    """``ReportArrays.select`` (next report's date) agrees with ``latest_positions`` (rule 1)."""
    rng = np.random.default_rng(3)
    ids = pd.Index([f"T{i:03d}.01" for i in range(40)], dtype=object)
    n = 600
    frame = pd.DataFrame(
        {
            "milestone_id": ids.to_numpy()[rng.integers(0, len(ids), n)],
            "as_of_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 9, n) * 30, "D"),
            "status": rng.choice(["done", "in_progress", "late"], n),
            "completed_date": pd.NaT,
            "ingested_at": pd.Timestamp("2026-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 3, n), "h"),
        }
    )
    for progress in (frame, frame.sort_values(["milestone_id", "as_of_date"], kind="stable")):
        r = prepare_reports(progress, ids)
        for day in range(day_number(dt.date(2022, 12, 1)), day_number(dt.date(2023, 10, 1)), 7):
            expected = latest_positions(r.ms, r.as_of, day, len(ids))
            assert np.array_equal(r.select(day, len(ids)), expected)


def test_missing_status_is_an_error(plan, progress):
    bad = progress.assign(status=pd.array([None, *progress["status"][1:]], dtype="string"))
    with pytest.raises(AssessmentError, match="unknown status"):
        assess(plan, bad, "2023Q2")
