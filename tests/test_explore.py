"""taskanalytics.explore, explore_charts and explore_widgets: tables, filters, charts, export,
the JupyterLab explorer driven programmatically, and the notebook run headless."""

from __future__ import annotations

import datetime as dt

import nbformat
import pandas as pd
import pytest

from taskanalytics.config import NOTEBOOKS_DIR
from taskanalytics.errors import AssessmentError, TaskAnalyticsError
from taskanalytics.explore.charts import (
    UNIT_SELECTION,
    chart_achievement,
    chart_due_by_month,
    chart_indicator_series,
    chart_status_by_unit,
)
from taskanalytics.explore.data import (
    ALL,
    Filters,
    explore_data,
    export_selection,
    filter_choices,
    indicator_series,
    select,
)
from taskanalytics.explore.widgets import TABLE_COLUMNS, plan_explorer


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture(scope="module")
def progress():
    """Three Q1 reports: T110.01 done on time and met, T003.01 behind and not done, and
    T001.01 done late. Statuses follow docs/assessment-rules.md."""
    q1 = pd.Timestamp("2023-03-31")
    return pd.DataFrame(
        {
            "milestone_id": ["T110.01", "T003.01", "T001.01"],
            "as_of_date": [q1, q1, pd.Timestamp("2023-06-30")],
            "status": ["done", "in_progress", "done"],
            "completed_date": [pd.Timestamp("2023-03-20"), pd.NaT, pd.Timestamp("2023-05-10")],
            "actual_1": [17501.0, 5000.0, float("nan")],
        }
    )


@pytest.fixture(scope="module")
def data(plan, progress):
    return explore_data(plan, progress)


@pytest.fixture(scope="module")
def bare(plan):
    return explore_data(plan)


# --------------------------------------------------------------------------- plan only


def test_plan_alone_joins_task_columns_and_filters(plan, bare):
    """The plan without progress: task columns joined to milestones, every filter applies."""
    q2 = select(bare, quarter="2023Q2")
    assert len(q2.milestones) == len(plan.milestones)
    row = q2.milestones.set_index("milestone_id").loc["T110.01"]
    assert row["lead_units"] == ["财政局"]
    assert row["category"] == "坚持以人为本，持续增进民生福祉"
    assert "lead_units" not in plan.milestones.columns  # input untouched
    by_leader = select(bare, leader="孙大庆").milestones
    assert by_leader["leaders"].map(lambda x: "孙大庆" in x).all() and len(by_leader) > 0
    assert set(select(bare, text="回迁安置").milestones["task_id"]) == {"L01"}
    livelihood = select(bare, section="livelihood").milestones
    assert set(livelihood["task_id"].str[0]) == {"L"} and len(livelihood) == 52
    lead = select(bare, lead_unit="财政局").milestones
    assert lead["lead_units"].map(lambda u: "财政局" in u).all() and "T110.02" in set(
        lead["milestone_id"]
    )


# --------------------------------------------------------------------------- assessed tables


def test_explore_data_has_every_quarter_and_the_plan(plan, data):
    assert data.quarters == ("2023Q1", "2023Q2", "2023Q3", "2023Q4")
    assert data.has_progress
    for q in data.quarters:
        assert (data.milestones["quarter"] == q).sum() == len(plan.milestones)
        assert (data.targets["quarter"] == q).sum() == len(plan.targets)
        assert (data.tasks["quarter"] == q).sum() == len(plan.tasks)
    assert {"responsible_units", "subcategory"} <= set(data.milestones.columns)


def test_statuses_and_indicators_follow_the_reports(data):
    sel = select(data, quarter="2023Q2")
    ms = sel.milestones.set_index("milestone_id")
    assert ms.loc["T110.01", "status"] == "按期完成"
    assert ms.loc["T003.01", "status"] == "逾期未完成"
    assert ms.loc["T001.01", "status"] == "逾期完成"
    tg = sel.targets.set_index("milestone_id")
    assert tg.loc["T110.01", "band"] == "达标" and tg.loc["T110.01", "actual"] == 17501.0
    assert tg.loc["T003.01", "band"] == "滞后"


def test_plan_only_everything_due_is_not_reported(bare):
    assert not bare.has_progress
    sel = select(bare, quarter="2023Q2")
    due = sel.milestones[sel.milestones["is_due"]]
    # due on the as-of day (2023-06-30) is 今日到期, not late
    assert len(due) > 0 and due["status"].isin(["未报送", "今日到期"]).all()
    assert set(sel.milestones["status"]) == {"未报送", "今日到期", "未到期"}
    assert sel.targets["actual"].isna().all()


def test_select_applies_every_filter(data):
    sel = select(
        data,
        quarter="2023Q1",
        section="work_report",
        lead_unit="财政局",
        leader="祝美娟",
        status="due_today",  # due 2023-03-31, judged at 2023-03-31
        text="预算收入",
    )
    assert list(sel.milestones["milestone_id"]) == ["T003.01"]
    assert list(sel.tasks["task_id"]) == ["T003"] and sel.tasks["quarter"].eq("2023Q1").all()
    assert list(sel.targets["metric"]) == ["一般公共预算收入"]
    assert sel.filters.quarter == "2023Q1" and sel.filters.status == "due_today"
    assert "1 个节点" in sel.summary()


def test_select_text_search_is_case_insensitive_and_covers_task_titles(data):
    by_task_title = select(data, text="回迁安置").milestones
    assert set(by_task_title["task_id"]) == {"L01"}
    assert len(select(data, text="pm2.5").milestones) == len(select(data, text="PM2.5").milestones)


def test_select_defaults_to_last_quarter_and_all_clears(data):
    everything = select(data)
    assert everything.filters.quarter == "2023Q4"
    assert len(everything.milestones) == len(data.milestones) // 4
    cleared = select(data, Filters(lead_unit="财政局"), lead_unit=ALL)
    assert cleared.filters.lead_unit is None


def test_select_does_not_modify_data(data):
    before = data.milestones.copy()
    sel = select(data, lead_unit="财政局")
    sel.milestones.loc[:, "text"] = "x"
    pd.testing.assert_frame_equal(data.milestones, before)


def test_filter_choices(data):
    choices = filter_choices(data)
    assert choices["quarter"][0] == ("2023Q1", "2023Q1")
    assert choices["section"][0] == (ALL, "")
    assert ("十件民生实事", "livelihood") in choices["section"]
    assert ("财政局", "财政局") in choices["lead_unit"]
    assert ("逾期未完成", "逾期未完成") in choices["status"]


def test_indicator_series_as_of_the_quarter(data):
    q1 = indicator_series(data, "化解政府性债务", "2023Q1")
    assert list(q1["target"]) == [17501.0, 63422.0, 68863.0, 70289.0]
    assert q1["actual"].iloc[0] == 17501.0 and q1["actual"].iloc[1:].isna().all()
    with pytest.raises(AssessmentError):
        indicator_series(data, "没有这个指标")


# --------------------------------------------------------------------------- charts


def _values(chart) -> pd.DataFrame:
    spec = chart.to_dict()
    return pd.DataFrame(next(iter(spec["datasets"].values())))


def test_status_by_unit_counts_each_lead_unit_and_has_the_click_selection(data):
    sel = select(data, quarter="2023Q2")
    chart = chart_status_by_unit(sel.milestones, selected="财政局")
    counts = _values(chart)
    n_fin = int(sel.milestones["lead_units"].map(lambda u: "财政局" in u).sum())
    assert counts.loc[counts["unit"] == "财政局", "size"].sum() == n_fin
    params = chart.to_dict()["params"]
    assert params[0]["name"] == UNIT_SELECTION
    assert params[0]["value"] == [{"unit": "财政局"}]


def test_due_by_month_one_block_per_milestone_with_text_tooltip(data):
    sel = select(data, quarter="2023Q2", lead_unit="财政局")
    chart = chart_due_by_month(sel.milestones)
    rows = _values(chart)
    assert len(rows) == sel.milestones["due_date"].notna().sum()
    tooltips = [t["field"] for t in chart.to_dict()["encoding"]["tooltip"]]
    assert "text" in tooltips and "milestone_id" in tooltips


def test_achievement_only_measured_targets(data):
    sel = select(data, quarter="2023Q2")
    rows = _values(chart_achievement(sel.targets))
    assert set(rows["milestone_id"]) == {"T110.01", "T003.01"}
    assert set(rows["band"]) == {"达标", "滞后"}


def test_indicator_series_chart_has_targets_and_actuals(data):
    series = indicator_series(data, "化解政府性债务", "2023Q2")
    rows = _values(chart_indicator_series(series))
    assert (rows["kind"] == "目标").sum() == 4 and (rows["kind"] == "实际").sum() == 1


# --------------------------------------------------------------------------- export


def test_export_writes_the_selected_rows(data, tmp_path):
    sel = select(data, quarter="2023Q2", lead_unit="财政局")
    stamp = dt.datetime(2023, 7, 1, 9, 30, 0)
    paths = export_selection(sel, tmp_path / "exports", stamp=stamp)
    assert [p.name for p in paths] == [
        "explore_20230701-093000.xlsx",
        "explore_20230701-093000_tasks.csv",
        "explore_20230701-093000_milestones.csv",
        "explore_20230701-093000_targets.csv",
    ]
    assert paths[2].read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel reads Chinese
    csv = pd.read_csv(paths[2], encoding="utf-8-sig")
    assert list(csv["milestone_id"]) == list(sel.milestones["milestone_id"])
    assert csv["lead_units"].str.contains("财政局").all()
    book = pd.read_excel(paths[0], sheet_name=None)
    assert list(book) == ["filters", "tasks", "milestones", "targets"]
    assert len(book["targets"]) == len(sel.targets)
    assert book["filters"].set_index("filter").loc["lead_unit", "value"] == "财政局"
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == sorted(
        p.name for p in paths
    )  # no temporary files left


def test_export_to_an_unwritable_place_is_a_clear_error(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(TaskAnalyticsError, match="file"):
        export_selection(select(data), blocker / "sub")


# --------------------------------------------------------------------------- the explorer


@pytest.fixture(scope="module")
def explorer(plan, progress):
    return plan_explorer(plan, progress, quarter="2023Q2")


def _chart_rows(ex, name):
    return _values(ex.charts[name].chart)


def test_explorer_starts_with_everything_of_the_quarter(explorer, plan):
    assert explorer.filters["quarter"].value == "2023Q2"
    assert len(explorer.tables["milestones"].rows) == len(plan.milestones)
    assert len(explorer.tables["targets"].rows) == len(plan.targets)
    assert f"{len(plan.milestones)} 个节点" in explorer.summary.value
    assert set(explorer.filters) == {
        "quarter", "section", "category", "lead_unit", "leader", "status", "due_quarter", "text",
    }  # fmt: skip
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_setting_a_filter_updates_tables_and_charts(explorer):
    explorer.filters["lead_unit"].value = "财政局"
    try:
        ms = explorer.tables["milestones"].frame
        assert len(ms) > 0 and ms["lead_units"].map(lambda u: "财政局" in u).all()
        assert set(explorer.tables["tasks"].frame["task_id"]) == set(ms["milestone_id"].str[:4])
        assert set(explorer.tables["targets"].frame["milestone_id"]) <= set(ms["milestone_id"])
        month = _chart_rows(explorer, "month")
        assert set(month["milestone_id"]) == set(ms["milestone_id"])
        # the unit chart keeps every unit (to click another) and highlights the chosen one
        units = _chart_rows(explorer, "unit")
        assert units["unit"].nunique() > 1
        assert explorer.charts["unit"].chart.to_dict()["params"][0]["value"] == [{"unit": "财政局"}]
    finally:
        explorer.set_filters(lead_unit=None)


def test_set_filters_and_text_search(explorer):
    sel = explorer.set_filters(status="今日到期", text="预算收入", quarter="2023Q1")
    try:
        assert list(sel.milestones["milestone_id"]) == ["T003.01"]
        assert [r["milestone_id"] for r in explorer.tables["milestones"].rows] == ["T003.01"]
        assert explorer.tables["milestones"].rows[0]["status"] == "今日到期"
        assert "2023Q1：1 个节点" in explorer.summary.value
        with pytest.raises(TaskAnalyticsError, match="unit"):
            explorer.set_filters(unit="财政局")
    finally:
        explorer.set_filters(status=None, text=None, quarter="2023Q2")


def test_clicking_a_unit_bar_filters_and_double_click_clears(explorer):
    sel = explorer.click_unit("财政局")
    assert explorer.filters["lead_unit"].value == "财政局"
    assert explorer.charts["unit"].selections.unit_pick.value == []  # redrawn after the click
    assert sel.milestones["lead_units"].map(lambda u: "财政局" in u).all()
    assert len(explorer.tables["milestones"].rows) == len(sel.milestones)
    # A redrawn chart reports its initial selection (the same unit): nothing changes.
    explorer.click_unit("财政局")
    assert explorer.filters["lead_unit"].value == "财政局"
    explorer.click_unit(None)
    assert explorer.filters["lead_unit"].value == ""
    assert len(explorer.selection.milestones) == len(explorer.data.milestones) // 4


def test_tables_sort_on_header_click(explorer):
    table = explorer.tables["milestones"]
    table.sort_by, table.ascending = "days_overdue", False
    try:
        shown = table.frame["days_overdue"].tolist()
        assert shown == sorted(shown, reverse=True)
        assert table.rows[0]["milestone_id"] == table.frame["milestone_id"].iloc[0]
        table.sort_by, table.ascending = "lead_units", True  # a list column sorts by its text
        shown = [r["lead_units"] for r in table.rows]
        assert shown == sorted(shown)
    finally:
        table.sort_by, table.ascending = "", True
    assert [c["key"] for c in table.columns] == list(TABLE_COLUMNS["milestones"])
    reported = {r["milestone_id"]: r["reported_status"] for r in explorer.tables["milestones"].rows}
    assert reported["T003.01"] == "推进中" and reported["T001.02"] == ""  # labels, not codes
    row = next(r for r in explorer.tables["targets"].rows if r["milestone_id"] == "T110.01")
    assert row["achievement"] == "100%" and row["lead_units"] == "财政局"


def test_indicator_picker_draws_the_series(explorer):
    explorer.indicator.value = "一般公共预算收入"
    rows = _chart_rows(explorer, "series")
    assert (rows["kind"] == "目标").sum() == 4
    assert rows.loc[rows["kind"] == "实际", "value"].tolist() == [5000.0]


def test_export_button_writes_the_selection(explorer, tmp_path):
    explorer.set_filters(lead_unit="财政局")
    explorer.export_dir.value = str(tmp_path)
    try:
        explorer.export_button.click()
        csv = next(tmp_path.glob("explore_*_milestones.csv"))
        exported = pd.read_csv(csv, encoding="utf-8-sig")["milestone_id"].tolist()
        assert exported == explorer.selection.milestones["milestone_id"].tolist()
        assert "已导出" in explorer.export_status.value
        explorer.export_dir.value = str(csv)  # a file, not a folder
        explorer.export_button.click()
        assert "导出失败" in explorer.export_status.value
    finally:
        explorer.export_dir.value = ""
        explorer.set_filters(lead_unit=None)


def test_explorer_without_progress(plan):
    ex = plan_explorer(plan, None, quarter="2023Q3")
    assert "未载入进度数据" in ex.summary.value
    statuses = {r["status"] for r in ex.tables["milestones"].rows}
    assert statuses == {"未报送", "今日到期", "未到期"}


# --------------------------------------------------------------------------- the notebook


@pytest.mark.slow
def test_notebook_runs_top_to_bottom_with_papermill(tmp_path):
    import papermill as pm

    out = tmp_path / "explore.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "explore.ipynb"),
        str(out),
        parameters={"quarter": "2023Q1", "store": str(tmp_path / "no_store.sqlite")},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    widget_views = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widget_views, "the explorer is displayed as a widget"
    texts = "".join(str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "2023Q1：463 个节点" in texts
    assert not (tmp_path / "no_store.sqlite").exists()  # plan only; no store created


def test_a_task_with_nothing_due_says_so_instead_of_a_blank_light(data):
    lights = data.tasks["light"].astype(str)
    assert not data.tasks["light"].isna().any()
    nothing_due = data.tasks["due"] == 0
    assert nothing_due.any() and (lights[nothing_due] == "本期无到期事项").all()
    assert (lights[~nothing_due] != "本期无到期事项").all()
