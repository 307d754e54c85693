"""Synthetic demo progress: real templates, real ingestion, deterministic, flagged synthetic."""

from __future__ import annotations

import dataclasses
import sqlite3

import pandas as pd
import pytest
from openpyxl import load_workbook

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import build_demo_progress, demo_report
from taskanalytics.progress.store import load_progress, load_progress_history

UNITS = ("财政局", "住建局", "发改局")


@pytest.fixture(scope="module")
def plan(seed_plan):
    """The real plan, cut down to three lead units to keep the demo quick."""
    full = seed_plan
    tasks = full.tasks.assign(
        lead_units=full.tasks["lead_units"].map(lambda us: [u for u in us if u in UNITS])
    )
    return dataclasses.replace(full, tasks=tasks)


@pytest.fixture(scope="module")
def demo(plan, tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "progress.sqlite"
    result = build_demo_progress(plan, store=db, quarters=("2023Q1", "2023Q2"))
    return db, result


def test_one_file_per_unit_and_quarter(demo):
    _, result = demo
    assert sorted((f.unit, f.quarter) for f in result.ingested) == sorted(
        (u, q) for u in UNITS for q in ("2023Q1", "2023Q2")
    )
    assert result.skipped == ()


def test_everything_is_flagged_synthetic(demo, plan):
    db, result = demo
    with sqlite3.connect(db) as conn:
        flags = {r[0] for r in conn.execute("SELECT is_synthetic FROM source_files")}
    assert flags == {1}
    assert load_progress(db, plan=plan)["is_synthetic"].all()
    wb = load_workbook(result.ingested[0].path)
    meta = {r[0]: r[1] for r in wb[vp.README_SHEET].iter_rows(max_col=2, values_only=True)}
    assert meta[vp.META_LABELS["is_synthetic"]] == vp.YES


def test_reports_cover_the_units_milestones_with_valid_statuses(demo, plan):
    db, _ = demo
    progress = load_progress(db, plan=plan)
    led = plan.tasks.loc[plan.tasks["lead_units"].map(bool), "task_id"]
    ms = plan.milestones
    due = ms["task_id"].isin(led) & (
        (ms["due_date"] <= pd.Timestamp("2023-06-30")) | (ms["due_kind"] == "recurring")
    )
    owned = set(ms.loc[due, "milestone_id"])  # what the Q1 and Q2 templates ask for
    assert set(progress["milestone_id"]) <= owned
    assert len(progress) >= 0.9 * len(owned)  # about 5% are left unreported each quarter
    assert set(progress["status"]) <= set(vp.STATUS_LABELS)
    assert {"done", "late"} <= set(progress["status"])  # templates ask only what is due
    assert progress.filter(like="actual_").notna().any().any()


RECURRING = set(
    read_plan(DEFAULT_PLAN_PATH).milestones.query("due_kind == 'recurring'")["milestone_id"]
)


def test_recurring_duties_are_mostly_reported_done_each_period(demo, plan):
    db, _ = demo
    history = load_progress_history(db, plan=plan)
    recurring = history[history["milestone_id"].isin(RECURRING)]
    assert len(recurring) > 0
    assert (recurring["status"] == "done").mean() >= 0.6


def test_quarters_are_consistent(demo, plan):
    db, _ = demo
    history = load_progress_history(db, plan=plan)
    history = history[~history["milestone_id"].isin(RECURRING)]  # reported anew each period
    wide = history.pivot(index="milestone_id", columns="quarter", values="status").dropna()
    done_in_q1 = wide[wide["2023Q1"] == "done"]
    assert len(done_in_q1) > 0
    assert (done_in_q1["2023Q2"] == "done").all()
    dates = history.pivot(index="milestone_id", columns="quarter", values="completed_date")
    same = dates.loc[done_in_q1.index]
    assert (same["2023Q1"] == same["2023Q2"]).all()


def test_same_seed_same_bytes_and_rerun_ingests_nothing(demo, plan, tmp_path):
    db, result = demo
    again = build_demo_progress(plan, store=db, quarters=("2023Q1", "2023Q2"))
    assert again.ingested == () and len(again.skipped) == len(result.ingested)
    other = build_demo_progress(plan, store=tmp_path / "other.sqlite", quarters=("2023Q1",))
    first_q1 = {f.sha256 for f in result.ingested if f.quarter == "2023Q1"}
    assert {f.sha256 for f in other.ingested} == first_q1


def test_other_seed_differs(plan):
    milestones = plan.milestones.to_dict("records")
    a = [demo_report(plan, m, "2023Q2", seed=7) for m in milestones[:60]]
    b = [demo_report(plan, m, "2023Q2", seed=8) for m in milestones[:60]]
    assert a == [demo_report(plan, m, "2023Q2", seed=7) for m in milestones[:60]]
    assert a != b


def test_storylines_and_silent_units_on_the_full_plan(tmp_path):
    from taskanalytics.progress.demo import SCRIPTED_RATIOS, silent_units

    full = read_plan(DEFAULT_PLAN_PATH)
    silent = silent_units(full, "2023Q2")
    assert len(silent) == 2 and "财政局" not in silent and "房屋征收中心" not in silent
    assert silent == silent_units(full, "2023Q2") != silent_units(full, "2023Q3")
    ms = full.milestones.set_index("milestone_id")
    debt_q2 = demo_report(full, {**ms.loc["T110.02"], "milestone_id": "T110.02"}, "2023Q2")
    ratio = SCRIPTED_RATIOS[("化解政府性债务", "2023Q2")]
    assert debt_q2["status"] == vp.STATUS_LABELS["late"]
    assert debt_q2["values"][1] == round(63422 * ratio, 1) < 63422
    caught_up = demo_report(full, {**ms.loc["T110.02"], "milestone_id": "T110.02"}, "2023Q3")
    assert caught_up["status"] == vp.STATUS_LABELS["done"] and caught_up["values"][1] >= 63422
    assert caught_up["completed_date"] > ms.loc["T110.02", "due_date"].date()  # done late
    q1 = demo_report(full, {**ms.loc["T110.01"], "milestone_id": "T110.01"}, "2023Q1")
    assert q1["status"] == vp.STATUS_LABELS["done"]  # on track before the Q2 slip
    resettle = demo_report(full, {**ms.loc["L01.02"], "milestone_id": "L01.02"}, "2023Q2")
    assert resettle["status"] == vp.STATUS_LABELS["done"] and resettle["values"][1] > 400
