"""Tests for every indicator: taskanalytics.briefing.indicators (全部量化指标), the indicator keys
(context.indicator_keys) and the page names of taskanalytics.briefing.pages."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pandas as pd
import pytest

from taskanalytics import briefing
from taskanalytics.briefing import pages
from taskanalytics.briefing.indicators import INDICATORS_ALL_COLUMNS, format_quantity
from taskanalytics.quarters import Quarter

FIRST_TEN = [
    "地区生产总值增长",
    "固定资产投资同比增长",
    "一般公共预算收入",
    "规模以上工业增加值同比增长",
    "社会消费品零售总额同比增长",
    "城镇居民人均可支配收入同比增长",
    "包装申报项目",
    "入库总额",
    "争取到位资金",
    "发布惠企政策",
]


def _rows(html: str) -> list[list[str]]:
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html)]
    return [cells for cells in rows if cells]  # not the header row


def _text(cell: str) -> str:
    return re.sub(r"<[^>]+>", "", cell)


@pytest.fixture(scope="module")
def demo_ctx(demo_store):
    return briefing.load_context("2023Q2", store=demo_store)


# --------------------------------------------------------------------------- indicator keys


def test_indicator_keys_are_every_quarterly_trajectory_in_plan_order(seed_plan):
    keys = briefing.indicator_keys(seed_plan)
    assert len(keys) == 43 and len(set(keys)) == 43
    assert keys[:10] == FIRST_TEN
    assert keys[-4:] == ["化解政府性债务", "回迁安置", "居家适老化改造工程", "养老护理员专业化培训"]
    targets = seed_plan.targets.merge(seed_plan.milestones[["milestone_id", "due_date"]])
    # no metric of the seed is shared by two tasks, so every key is a metric name
    owner = targets.groupby("metric")["task_id"].first()
    position = {t: i for i, t in enumerate(seed_plan.tasks["task_id"])}
    assert [position[owner[k]] for k in keys] == sorted(position[owner[k]] for k in keys)
    dates = targets.groupby("metric")["due_date"].nunique()
    assert all(dates[k] >= 2 for k in keys)
    assert set(dates[dates >= 2].index) == set(keys)  # and nothing with a trajectory is left out


def test_every_key_is_a_series_with_its_points(demo_ctx):
    for key in briefing.indicator_keys(demo_ctx.plan):
        series = pages.indicator_series(demo_ctx.assessment, key)
        assert series["due_date"].nunique() >= 2, key
    debt = pages.indicator_series(demo_ctx.assessment, "化解政府性债务")
    assert debt["target"].tolist() == [17501, 63422, 68863, 70289]


def test_a_metric_two_tasks_share_is_keyed_by_task(tmp_path):
    from plan_docs import table, task_row, write_doc

    body = table(
        [
            task_row(
                1,
                "（1）3月底前，新增就业岗位100个。\n（2）6月底前，新增就业岗位200个。",
                prefix=("二\n加快发展", "（一）改革"),
            ),  # fmt: skip
            task_row(2, "（1）3月底前，新增就业岗位50个。\n（2）6月底前，新增就业岗位80个。"),
            task_row(3, "（1）6月底前，改造小区5个。\n（2）6月底前，改造小区8个。"),  # one date
        ],
        declared=(3, 6),
    )
    ctx = briefing.load_context("2023Q2", plan_path=write_doc(tmp_path, body),
                                store=tmp_path / "none.sqlite")  # fmt: skip
    keys = briefing.indicator_keys(ctx.plan)
    assert keys == ["T001:新增就业岗位", "T002:新增就业岗位"]
    series = pages.indicator_series(ctx.assessment, "T002:新增就业岗位")
    assert series["target"].tolist() == [50, 80] and set(series["task_id"]) == {"T002"}
    assert pages.indicator_title("T002:新增就业岗位") == "新增就业岗位（T002）"
    assert pages.indicator_page("T002:新增就业岗位") == "indicator-T002_新增就业岗位.html"
    facts = briefing.indicator_facts(ctx, "T002:新增就业岗位").data  # the page's sections read it
    assert "80" in facts
    with pytest.raises(briefing.BriefingError):
        briefing.indicator_table(ctx, "T003:新增就业岗位")
    html = briefing.indicators_all_table(ctx).data
    assert "新增就业岗位（T001）" in html and "新增就业岗位（T002）" in html


# --------------------------------------------------------------------------- 全部量化指标


def test_format_quantity_one_way():
    assert format_quantity(-4414.1, "万元", signed=True) == "-4,414.1 万元"
    assert format_quantity(0.3, "个百分点", signed=True) == "+0.3 个百分点"
    assert format_quantity(20300.0, "万元") == "20,300 万元"
    assert format_quantity(2.999999, "%") == "3%"
    assert format_quantity(float("nan"), "户") == "—"
    assert format_quantity(5.0, None) == "5"


def test_indicators_all_is_every_due_target_in_plan_order(demo_ctx):
    rows = briefing.indicators_all(demo_ctx)
    assert len(rows) == len(demo_ctx.current("indicators"))
    assert list(INDICATORS_ALL_COLUMNS) == [c for c in rows.columns if c in INDICATORS_ALL_COLUMNS]
    position = {t: i for i, t in enumerate(demo_ctx.plan.tasks["task_id"])}
    order = rows["task_id"].map(position)
    assert order.is_monotonic_increasing
    # a task's metric is one block, its points by due date
    for _, block in rows.groupby(["task_id", "metric"], sort=False):
        assert block.index.to_series().diff().fillna(1).eq(1).all()
        assert block["due_date"].is_monotonic_increasing
    assert rows.loc[rows["metric"] == "化解政府性债务", "page"].eq("化解政府性债务").all()
    assert rows.loc[rows["metric"] == "动态调整电子证照", "page"].isna().all()  # one target only


def test_indicators_all_table_headers_units_and_links(demo_ctx):
    html = briefing.indicators_all_table(demo_ctx).data
    headers = re.findall(r"<th>(.*?)</th>", html)
    labels = briefing.ASSESS_COLUMNS_ZH
    assert headers == [
        "任务编号", "指标", "牵头单位", "到期日", "目标值", "实际值", "差距", "完成比例", "完成情况"
    ]  # fmt: skip
    assert labels["metric"] == "指标" and labels["lead_units"] == "牵头单位"
    rows = _rows(html)
    frame = briefing.indicators_all(demo_ctx)
    assert len(rows) == len(frame)
    for cells, (_, row) in zip(rows, frame.iterrows(), strict=True):
        gap, target = _text(cells[6]), _text(cells[4])
        unit = "个百分点" if row["basis"] == "points" else row["unit"]
        if pd.isna(row["gap"]):
            assert gap == "—"
        else:
            assert gap.endswith(unit) and re.match(r"^[+-]?[\d,]+(\.\d+)? ?\S+$", gap), gap
        assert target.endswith(row["unit"]), target
        linked = re.search(r'<a href="([^"]+)">', cells[1])
        if isinstance(row["page"], str):
            assert linked and unquote(linked.group(1)) == pages.indicator_page(row["page"])
        else:
            assert not linked
    debt = next(c for c in rows if "化解政府性债务" in c[1])
    assert _text(debt[2]) == "财政局" and _text(debt[4]).endswith(" 万元")
    # a metric whose name holds 、 is still one link
    assert any("走出去京津冀、长三角、粤港澳大湾区</a>" in c[1] for c in rows)


def test_a_target_with_no_actual_says_no_data(demo_ctx):
    frame = briefing.indicators_all(demo_ctx)
    missing = frame["actual"].isna().to_numpy()
    assert missing.any()  # the demo data leaves some actuals unreported
    rows = _rows(briefing.indicators_all_table(demo_ctx).data)
    for cells in (c for c, m in zip(rows, missing, strict=True) if m):
        assert _text(cells[5]) == "—" and _text(cells[6]) == "—" and _text(cells[7]) == ""
        assert _text(cells[8]) == "无数据"
    summary = briefing.indicators_all_summary(demo_ctx).data
    n = int(missing.sum())
    assert f"已到期的量化指标 {len(frame)} 项" in summary and f"无数据 {n} 项" in summary


def test_indicators_all_table_without_links(demo_ctx):
    assert "<a href" not in briefing.indicators_all_table(demo_ctx, link_pages=False).data


@pytest.mark.parametrize("quarter", ["2023Q1", "2023Q2"])
def test_every_indicator_key_has_a_series(demo_store, quarter):
    """Every key gives its points, also a series with no point in the as-of quarter and one
    after it (争取到位资金 on 2023-06-30, which once raised IndexError in the engine)."""
    ctx = briefing.load_context(quarter, store=demo_store)
    for key in briefing.indicator_keys(ctx.plan):
        series = pages.indicator_series(ctx.assessment, key)
        assert len(series) >= 2
        later = series["quarter"].map(lambda q: Quarter.parse(q).start) > ctx.as_of
        assert (series.loc[later, "band"].astype(str) == "未到期").all()
        assert series.loc[later, "actual"].isna().all()


def test_an_indicator_pages_points_carry_their_unit(demo_ctx):
    html = briefing.indicator_table(demo_ctx, "回迁安置").data
    assert "400 户" in html and "计量单位" not in html  # the unit sits with each number
    debt = briefing.indicator_table(demo_ctx, "化解政府性债务").data
    assert "17,501 万元" in debt and "63,422 万元" in debt
