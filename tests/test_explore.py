"""milestone_table, filter_milestones and the ipywidgets explorer."""

from __future__ import annotations

import pandas as pd
import pytest

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.explore import ALL, filter_milestones, milestone_table, plan_explorer


@pytest.fixture(scope="module")
def plan():
    return read_plan(DEFAULT_PLAN_PATH)


@pytest.fixture(scope="module")
def table(plan):
    return milestone_table(plan)


def test_milestone_table_joins_task_columns(plan, table):
    assert len(table) == len(plan.milestones)
    row = table.set_index("milestone_id").loc["T110.01"]
    assert row["lead_units"] == ["财政局"] and row["n_targets"] == 1
    assert row["category"] == "坚持以人为本，持续增进民生福祉"
    assert "lead_units" not in plan.milestones.columns  # input untouched


def test_filters(table):
    debt = filter_milestones(table, unit="财政局", quarter="2023Q2")
    assert "T110.02" in set(debt["milestone_id"])
    assert debt["quarter"].eq("2023Q2").all()
    by_leader = filter_milestones(table, leader="孙大庆")
    assert by_leader["leaders"].map(lambda x: "孙大庆" in x).all() and len(by_leader) > 0
    due = filter_milestones(table, due_by="2023-03-31")
    assert ((due["due_date"] <= pd.Timestamp("2023-03-31")) | (due["due_kind"] == "recurring")).all()
    assert set(filter_milestones(table, text="回迁安置")["task_id"]) == {"L01"}
    assert len(filter_milestones(table)) == len(table)


def test_explorer_widget_updates_on_change(plan):
    box = plan_explorer(plan)
    assert "463" in box.summary.value
    box.filters["unit"].value = "房屋征收中心"
    assert box.filters["unit"].value != ALL
    n = len(filter_milestones(milestone_table(plan), unit="房屋征收中心"))
    assert f"<b>{n}</b>" in box.summary.value and n < 463
