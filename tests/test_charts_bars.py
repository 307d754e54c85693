"""The hand-drawn bar charts and small multiples (taskanalytics.charts.bars, charts.grid)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from taskanalytics import charts
from taskanalytics.charts import render
from taskanalytics.charts.bars import BarPlot, Stack, draw_bars
from taskanalytics.charts.grid import GridPlot
from taskanalytics.charts.svg import LinePlot

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "category": ["主要预期目标", "主要预期目标", "加快构建新发展格局，奋力推动高质量发展"],
            "lead_units": [["发改局"], ["发改局", "财政局"], ["财政局", "财政局"]],
            "leaders": [["祝美娟"], ["黄刚"], ["祝美娟"]],
        }
    )


@pytest.fixture
def rollup() -> pd.DataFrame:
    return pd.DataFrame(
        {"quarter": ["2023Q1", "2023Q2"], "unit": ["财政局", "发改局"], "due": [4, 3],
         "done_on_time": [2, 1], "done_late": [1, 0], "overdue": [1, 1], "not_reported": [0, 1]}
    )  # fmt: skip


@pytest.fixture
def milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "due_date": pd.to_datetime(["2023-03-31", "2023-03-15", "2023-06-30", "2024-12-31"]),
            "due_kind": ["date", "recurring", "task_deadline", "date"],
        }
    )


def _series(metrics: list[str]) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "metric": [m] * 2,
                    "unit": ["户"] * 2,
                    "quarter": ["2023Q1", "2023Q2"],
                    "target": [200.0, 400.0],
                    "actual": [216.0, None],
                }
            )  # fmt: skip
            for m in metrics
        ]
    )


def _rects(svg: str, color: str) -> list[dict[str, float]]:
    return [
        {k: float(r.get(k)) for k in ("x", "y", "width", "height")}
        for r in ET.fromstring(svg).iter(f"{SVG}rect")
        if r.get("fill") == color and r.find(f"{SVG}title") is not None  # bars, not legend keys
    ]


def _texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def _sizes(svg: str) -> list[float]:
    return [float(s) for s in re.findall(r'<text\b[^>]*font-size="([\d.]+)px"', svg)]


def test_count_bars_carry_their_plot_and_stay_valid_vega_lite(tasks):
    spec = charts.chart_tasks_by_lead_unit(tasks).to_dict()  # validates
    plot = BarPlot.from_spec(spec)
    assert plot is not None and plot.categories == ["财政局", "发改局"]  # ties in pinyin order
    assert plot.totals() == [2.0, 2.0] and plot.labels == ["2", "2"]
    assert plot.description == spec["description"] and plot.title == "各牵头单位牵头任务数"
    by_category = BarPlot.from_spec(charts.chart_tasks_by_category(tasks).to_dict())
    assert by_category.categories[0] == "主要预期目标" and by_category.label_limit == 420


def test_bars_are_placed_by_count_and_labelled(tasks):
    svg = draw_bars(BarPlot.from_spec(charts.chart_tasks_by_leader(tasks).to_dict()), font="x")
    (first, second) = _rects(svg, "#2f6db5")
    assert first["y"] < second["y"]  # 祝美娟 (2) above 黄刚 (1): largest first
    assert first["width"] == pytest.approx(2 * second["width"], abs=0.2)
    assert first["x"] == second["x"]
    texts = _texts(svg)
    assert {"各分管领导分管任务数", "祝美娟", "黄刚", "2", "1", "任务数（项）"} <= set(texts)


def test_long_labels_are_cut_with_an_ellipsis_where_altair_cuts_them():
    name = "加快构建新发展格局，奋力推动高质量发展" * 3
    plot = BarPlot("标题", [name], [Stack("", "#2f6db5", [3.0])], label_limit=120)
    (label,) = [t for t in _texts(draw_bars(plot, font="x")) if t.startswith("加快")]
    assert label.endswith("…") and len(label) < len(name)
    assert "…" in "".join(_texts(draw_bars(plot, font="x", width=320, min_font=12)))


def test_stacked_status_bars_follow_due_status_and_show_every_status_in_the_legend(rollup):
    plot = charts.status_by_group_plot(rollup, "unit", title="各单位")
    assert [s.name for s in plot.stacks] == [label for label, _ in charts.DUE_STATUS.values()]
    assert plot.totals() == [4.0, 3.0]
    spec = charts.chart_status_by_group(rollup, "unit", title="各单位").to_dict()
    assert BarPlot.from_spec(spec) == plot
    svg = draw_bars(plot, font="x")
    on_time = _rects(svg, charts.DUE_STATUS["done_on_time"][1])
    late = _rects(svg, charts.DUE_STATUS["done_late"][1])
    assert late[0]["x"] == pytest.approx(on_time[0]["x"] + on_time[0]["width"], abs=0.2)
    assert set(_texts(svg)) >= {"按期完成", "逾期完成", "逾期未完成", "未报送", "今日到期"}


def test_quarter_columns_carry_their_on_time_rate(rollup):
    plot = BarPlot.from_spec(charts.chart_status_trend(rollup).to_dict())
    assert not plot.horizontal and plot.categories == ["一季度", "二季度"]
    assert plot.labels == ["按期 50%", "按期 33%"]
    svg = draw_bars(plot, font="x")
    on_time = _rects(svg, charts.DUE_STATUS["done_on_time"][1])
    assert on_time[0]["height"] == pytest.approx(2 * on_time[1]["height"], abs=0.2)
    assert "按期 50%" in _texts(svg)


def test_milestones_by_month_stack_the_kinds_of_date(milestones):
    plot = charts.milestones_by_month_plot(milestones)
    assert plot.categories[:3] == ["1月", "2月", "3月"] and plot.categories[-1] == "2024年12月"
    assert [s.name for s in plot.stacks] == list(charts.DUE_KIND_LABELS.values())
    assert plot.totals()[2] == 2.0 and plot.totals()[5] == 1.0 and sum(plot.totals()) == 4
    spec = charts.chart_milestones_by_month(milestones).to_dict()
    assert BarPlot.from_spec(spec) == plot and spec["description"] == plot.description


def test_hostile_labels_are_text_and_the_svg_stays_well_formed():
    name = '<script>alert(1)</script>&"x'
    plot = BarPlot(name, [name], [Stack(name, "#2f6db5", [1.0])], subtitle=name,
                   labels=[name], legend=True, legend_title=name, label_limit=1000)  # fmt: skip
    for svg in plot.svg_variants():
        assert "<script>" not in svg
        assert name in _texts(ET.tostring(ET.fromstring(svg), encoding="unicode"))
    grid = GridPlot(name, [LinePlot(name, [name], [])])
    assert "<script>" not in grid.svg_variants()[1]


@pytest.mark.parametrize("horizontal", [True, False])
def test_phone_variants_are_320_px_wide_with_fonts_from_12_px(horizontal, milestones):
    plot = BarPlot("很" * 40, ["财政局", "发改局"], [Stack("甲", "#2f6db5", [3.0, 140.0])],
                   horizontal=horizontal, labels=["3", "140"], legend=True,
                   value_title="个")  # fmt: skip
    desktop, phone = plot.svg_variants()
    assert ET.fromstring(phone).get("width") == str(render.PHONE_WIDTH)
    assert min(_sizes(phone)) >= render.PHONE_MIN_FONT and max(_sizes(phone)) == 15
    assert min(_sizes(desktop)) >= 10
    assert len([t for t in _texts(phone) if set(t) == {"很"}]) > 1  # the title wraps
    for rect in ET.fromstring(phone).iter(f"{SVG}rect"):
        assert float(rect.get("x", 0)) + float(rect.get("width")) <= render.PHONE_WIDTH
    # thirteen months do not fit side by side on a phone: drawn as horizontal bars there
    months = charts.milestones_by_month_plot(milestones)
    phone_months = ET.fromstring(months.svg_variants()[1])
    at = {el.text: (el.get("x"), float(el.get("y"))) for el in phone_months.iter(f"{SVG}text")}
    assert at["1月"][0] == at["2月"][0] and at["1月"][1] < at["2月"][1]  # one under the other
    assert phone_months.get("width") == str(render.PHONE_WIDTH)


def test_several_metrics_are_a_grid_of_panels():
    spec = charts.chart_indicator_series(
        _series(["回迁安置", "棚户区改造"]), title="主要"
    ).to_dict()
    grid = GridPlot.from_spec(spec)
    assert grid is not None and [p.title for p in grid.panels] == [
        "回迁安置（户）",
        "棚户区改造（户）",
    ]
    assert grid.description == spec["description"] and LinePlot.from_spec(spec) is None
    desktop, phone = grid.svg_variants()
    texts = _texts(desktop)
    assert texts.count("回迁安置（户）") == 1 and texts.count("实际") == 1  # one legend
    assert "216" in texts and ET.fromstring(phone).get("width") == str(render.PHONE_WIDTH)
    assert min(_sizes(phone)) >= render.PHONE_MIN_FONT
    assert int(ET.fromstring(desktop).get("width")) > render.PHONE_WIDTH  # panels side by side


def test_the_year_over_year_chart_carries_its_lines_with_their_shapes():
    last = pd.DataFrame(
        {"metric": ["回迁安置"] * 2, "unit": ["户"] * 2, "quarter": ["2023Q1", "2023Q2"],
         "target": [200.0, 400.0], "actual": [216.0, 380.0]}
    )  # fmt: skip
    now = last.assign(quarter=["2024Q1", "2024Q2"], actual=[230.0, None])
    spec = charts.chart_year_over_year(last, now).to_dict()
    plot = LinePlot.from_spec(spec)
    assert [line.shape for line in plot.lines] == ["square", "triangle-up", "circle"]
    assert plot.lines[0].values == [216.0, 380.0, None, None] and plot.lines[0].dash == []
    assert plot.lines[1].dash == [5, 4] and plot.description == spec["description"]
    assert "<path" in plot.svg_variants()[0]


def test_no_chart_of_the_briefings_calls_vl_convert(monkeypatch, tasks, rollup, milestones):
    monkeypatch.setattr(render, "_RENDERED", type(render._RENDERED)())
    monkeypatch.setattr(render, "render_svg", lambda spec: pytest.fail("vl-convert was called"))
    built = [
        charts.chart_tasks_by_category(tasks),
        charts.chart_tasks_by_lead_unit(tasks),
        charts.chart_tasks_by_leader(tasks),
        charts.chart_milestones_by_month(milestones),
        charts.chart_status_by_group(rollup, "unit", title="各单位", subtitle="二季度"),
        charts.chart_status_trend(rollup),
        charts.chart_indicator_series(_series(["回迁安置", "棚户区改造", "GDP"])),
    ]
    for chart in built:
        data, meta = render._svg_renderer(chart.to_dict())
        assert data["image/svg+xml"].startswith("<svg") and data["text/plain"]
        assert ET.fromstring(meta["image/svg+xml"]["phone"]).get("width") == "320"


def test_the_plot_functions_give_the_plot_the_altair_builders_carry(tasks, rollup, milestones):
    pairs = [
        (charts.tasks_by_category_plot(tasks), charts.chart_tasks_by_category(tasks)),
        (
            charts.tasks_by_lead_unit_plot(tasks, top_n=1),
            charts.chart_tasks_by_lead_unit(tasks, top_n=1),
        ),
        (charts.tasks_by_leader_plot(tasks), charts.chart_tasks_by_leader(tasks)),
        (charts.milestones_by_month_plot(milestones), charts.chart_milestones_by_month(milestones)),
        (charts.status_trend_plot(rollup), charts.chart_status_trend(rollup)),
    ]
    for plot, chart in pairs:
        assert render.hand_drawn(chart.to_dict()) == plot
        assert plot._repr_mimebundle_()[0]["text/plain"] == chart.to_dict()["description"]
