"""taskanalytics.explore, explore_charts and explore_widgets: tables, filters, charts, export,
the JupyterLab explorer driven programmatically, and the notebook run headless."""

from __future__ import annotations

import datetime as dt
import re

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
from taskanalytics.plan.order import pinyin_key


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
    assert list(csv["节点编号"]) == list(sel.milestones["milestone_id"])
    assert csv["牵头单位"].str.contains("财政局").all()
    book = pd.read_excel(paths[0], sheet_name=None)
    assert list(book) == ["筛选条件", "按任务汇总", "节点评估", "指标评估"]
    assert len(book["指标评估"]) == len(sel.targets)
    conditions = book["筛选条件"].set_index("筛选条件")["取值"]
    assert conditions["牵头单位"] == "财政局" and conditions["部分"] == "（全部）"
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
        assert shown == sorted(shown, key=pinyin_key)  # in pinyin, not code points
        assert shown[0].startswith("财政局")
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
        exported = pd.read_csv(csv, encoding="utf-8-sig")["节点编号"].tolist()
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


# --------------------------------------------------------------------------- issue 18: reading


def test_chinese_order_plan_order_first_then_pinyin():
    from taskanalytics.plan.order import chinese_order

    # code points would give 交警大队, 人武部, 人社局, 财政局
    assert chinese_order(["交警大队", "人武部", "人社局", "财政局"]) == [
        "财政局", "交警大队", "人社局", "人武部",
    ]  # fmt: skip
    assert chinese_order(["乙局", "甲局", "丙局", "甲局", None, ""], plan=["丙局", "甲局"]) == [
        "丙局", "甲局", "乙局",
    ]  # fmt: skip
    assert chinese_order(["b局", "A局", "阿局"]) == ["A局", "阿局", "b局"]  # latin as itself


def test_filter_choices_are_in_plan_or_pinyin_order(data, plan):
    choices = filter_choices(data)
    units = [v for _, v in choices["lead_unit"][1:]]
    assert units == sorted(units, key=pinyin_key) and units[0] == "财政局"
    leaders = [v for _, v in choices["leader"][1:]]
    assert leaders == sorted(leaders, key=pinyin_key)
    categories = [v for _, v in choices["category"][1:]]
    assert categories == list(dict.fromkeys(plan.tasks["category"]))  # the plan's own order
    assert [v for _, v in choices["section"][1:]] == ["work_report", "livelihood"]


def test_store_note_names_a_missing_store(tmp_path):
    from taskanalytics.explore.data import store_note

    missing = tmp_path / "progres.sqlite"
    assert str(missing) in store_note(missing, has_progress=False)
    assert "不存在" in store_note(missing, has_progress=False)
    (tmp_path / "empty.sqlite").write_bytes(b"")
    assert "没有进度报送" in store_note(tmp_path / "empty.sqlite", has_progress=False)
    assert store_note(None, has_progress=False) == "（未载入进度数据：到期节点均为“未报送”）"
    assert store_note(missing, has_progress=True) == ""


def test_explorer_names_a_mistyped_store(plan, tmp_path):
    ex = plan_explorer(plan, None, quarter="2023Q1", store=tmp_path / "typo.sqlite")
    assert f"进度库 {tmp_path / 'typo.sqlite'} 不存在" in ex.summary.value


def test_relax_hints_say_which_filter_to_drop(data):
    from taskanalytics.explore.data import relax_hints

    f = Filters(quarter="2023Q2", lead_unit="财政局", text="回迁安置", section="livelihood")
    assert select(data, f).milestones.empty
    hints = relax_hints(data, f)
    assert hints and all(h.startswith("去掉 ") for h in hints)
    assert any("牵头单位“财政局”" in h for h in hints)
    assert not any("部分" in h and "livelihood" in h for h in hints)  # codes in Chinese
    assert relax_hints(data, Filters(quarter="2023Q2", lead_unit="财政局")) == []


def test_explorer_empty_selection_says_what_to_relax(explorer):
    explorer.set_filters(lead_unit="财政局", text="回迁安置")
    try:
        assert "没有符合全部条件的节点" in explorer.summary.value
        assert "去掉 关键词“回迁安置”" in explorer.summary.value
        for name in ("month", "achievement"):  # a note, no empty axes
            assert explorer.charts[name].chart.to_dict()["mark"]["type"] == "text"
    finally:
        explorer.set_filters(lead_unit=None, text=None)


def test_chinese_table_translates_codes_and_headers(data):
    from taskanalytics.explore.data import chinese_table

    sel = select(data, quarter="2023Q2")
    ms = chinese_table(sel.milestones, "assessment.milestones")
    assert not [c for c in ms.columns if c.isascii()]
    assert set(ms["部分"]) == {"政府工作报告", "十件民生实事"}
    assert "状态代码" not in ms.columns and set(ms["已到期"]) <= {"是", "否"}
    assert set(ms["自报状态"].dropna()) <= {"已完成", "推进中", "未启动", "滞后"}
    targets = chinese_table(sel.targets, "assessment.indicators")
    assert set(targets["比较口径"].dropna()) <= {"实际/目标", "实际−目标"}
    assert "milestone_id" in sel.milestones.columns  # input untouched


def test_export_filters_sheet_in_chinese(data, tmp_path):
    sel = select(data, quarter="2023Q2", section="livelihood", status="overdue")
    [book, *_] = export_selection(sel, tmp_path)
    conditions = pd.read_excel(book, sheet_name="筛选条件").set_index("筛选条件")["取值"]
    assert conditions["部分"] == "十件民生实事" and conditions["状态"] == "逾期未完成"
    assert conditions["评估季度"] == "2023Q2" and conditions["关键词"] == ALL


def test_month_axis_is_short_and_never_overlaps(data):
    spec = chart_due_by_month(select(data, quarter="2023Q2").milestones).to_dict()
    months = set(pd.DataFrame(next(iter(spec["datasets"].values())))["month"])
    short = {f"{m}月" for m in range(1, 13)}
    assert {"3月", "6月", "12月"} <= months  # the plan year: 1月 … 12月
    assert all(re.fullmatch(r"\d\d年\d{1,2}月", m) for m in months - short)  # 24年12月
    axis = spec["encoding"]["x"]["axis"]
    assert axis["labelOverlap"] == "greedy"
    assert axis["labelAngle"] == (0 if months <= short else -45)
    many_years = pd.DataFrame(
        {
            "due_date": pd.to_datetime(["2023-12-31", "2024-01-31"]),
            "milestone_id": ["a", "b"], "text": ["x", "y"], "status": ["未到期"] * 2,
            "lead_units": [["财政局"]] * 2,
        }
    )  # fmt: skip
    many_years = pd.concat([many_years, many_years.iloc[[0]].assign(milestone_id="c")])
    spec = chart_due_by_month(many_years).to_dict()
    assert spec["encoding"]["x"]["axis"]["labelAngle"] == -45
    # the main year's months stay short; only the other year's carry it
    assert set(pd.DataFrame(next(iter(spec["datasets"].values())))["month"]) == {
        "12月", "24年1月",
    }  # fmt: skip


def test_category_labels_are_whole_on_lines(data):
    from taskanalytics.explore.charts import wrap_label

    name = "坚持以人为本，持续增进民生福祉"
    assert wrap_label(name).replace("\n", "") == name
    assert wrap_label(name).split("\n")[0] == "坚持以人为本，"
    assert all(len(line) <= 12 for line in wrap_label("一" * 30).split("\n"))
    spec = chart_achievement(select(data, quarter="2023Q2").targets).to_dict()
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert set(rows["category"].str.replace("\n", "")) == set(rows["category_full"])
    assert "split(datum.label" in spec["encoding"]["y"]["axis"]["labelExpr"]
    assert "category_full" in [t["field"] for t in spec["encoding"]["tooltip"]]


def test_indicator_chart_target_and_actual_differ_and_unit_is_level(data):
    spec = chart_indicator_series(indicator_series(data, "化解政府性债务", "2023Q2")).to_dict()
    enc = spec["encoding"]
    for channel in ("color", "shape", "strokeDash"):
        assert enc[channel]["field"] == "kind"
        assert enc[channel]["scale"]["domain"] == ["目标", "实际"]
    colors, shapes = enc["color"]["scale"]["range"], enc["shape"]["scale"]["range"]
    assert colors[0] != colors[1] and shapes[0] != shapes[1]
    assert "#000" not in colors and "black" not in colors
    y_axis = enc["y"]["axis"]
    assert y_axis["titleAngle"] == 0 and y_axis["title"]  # the unit, not rotated


def test_empty_charts_are_notes_not_empty_plots(bare):
    from taskanalytics.explore.charts import empty_chart

    spec = chart_achievement(select(bare, quarter="2023Q2").targets).to_dict()
    assert spec["mark"]["type"] == "text" and "x" in spec["encoding"]
    assert "0 个已到期" in next(iter(spec["datasets"].values()))[0]["text"]
    assert empty_chart("（无）").to_dict()["mark"]["type"] == "text"
    empty = indicator_series(bare, "化解政府性债务", "2023Q2").iloc[0:0]
    assert chart_indicator_series(empty).to_dict()["mark"]["type"] == "text"


def test_unit_bars_with_equal_counts_are_in_pinyin_order():
    ms = pd.DataFrame(
        {"lead_units": [["人社局"], ["交警大队"], ["财政局"]], "status": ["未到期"] * 3}
    )
    spec = chart_status_by_unit(ms).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["财政局", "交警大队", "人社局"]
