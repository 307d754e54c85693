"""The hand-drawn SVG of the briefings' line charts (taskanalytics.charts.svg)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from taskanalytics import charts
from taskanalytics.charts import render
from taskanalytics.charts.svg import Line, LinePlot, draw_lines, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2023Q1", "2023Q2", "2023Q3"] * 2,
            "series": ["财政局"] * 3 + ["全区"] * 3,
            "on_time_rate": [0.5, 0.8, None, 0.6, 0.7, 0.75],
        }
    )


def _series(actual: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric": ["回迁安置"] * 4,
            "unit": ["户"] * 4,
            "quarter": ["2023Q1", "2023Q2", "2023Q3", "2023Q4"],
            "target": [200.0, 400.0, 600.0, 800.0],
            "actual": actual,
        }
    )


def _texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def _circles(svg: str, color: str) -> list[tuple[float, float]]:
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in ET.fromstring(svg).iter(f"{SVG}circle")
        if c.get("fill") == color and float(c.get("r")) > 4.1  # points, not legend dots
    ]


def test_the_briefing_line_charts_carry_their_plot_and_stay_valid_vega_lite():
    rate = charts.chart_rate_trend(_rates(), highlight="财政局").to_dict()  # validates
    plot = LinePlot.from_spec(rate)
    assert plot is not None and plot.percent and plot.categories == ["一季度", "二季度", "三季度"]
    assert [line.name for line in plot.lines] == ["财政局", "全区"]
    assert plot.lines[0].values == [0.5, 0.8, None]
    indicator = LinePlot.from_spec(
        charts.chart_indicator_series(_series([216.0, 380.0, None, None])).to_dict()
    )
    assert indicator is not None and indicator.title == "回迁安置（户）" and indicator.labels
    actual, target = indicator.lines
    assert actual.values == [216.0, 380.0, None, None]
    # of a quarter's two numbers the larger is written above: 216 > 200 in Q1, 380 < 400 in Q2
    assert actual.below[:2] == [False, True] and target.below[:2] == [True, False]


def test_a_chart_of_several_metrics_is_a_grid_of_line_plots():
    two = pd.concat(
        [_series([216.0, None, None, None]), _series([1.0, 2.0, None, None]).assign(metric="其他")]
    )
    spec = charts.chart_indicator_series(two).to_dict()
    assert LinePlot.from_spec(spec) is None
    grid = charts.GridPlot.from_spec(spec)
    assert [panel.lines[0].values for panel in grid.panels] == [
        [216.0, None, None, None],
        [1.0, 2.0, None, None],
    ]
    assert charts.indicators_plot(two) == grid


def test_legend_and_points_draw_each_lines_shape():
    plot = LinePlot(
        "对比",
        ["一季度", "二季度"],
        [Line("上年", "#d08c1f", [1.0, 2.0], shape="square"),
         Line("目标", "#7a8694", [1.5, 2.5], [5, 4], shape="triangle-up")],
    )  # fmt: skip
    root = ET.fromstring(draw_lines(plot, font="sans-serif"))
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#d08c1f"]
    triangles = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "#7a8694"]
    assert len(squares) == 3 and len(triangles) == 3  # two points and a legend symbol each


def test_points_are_placed_by_value_and_gaps_are_skipped():
    svg = draw_lines(
        LinePlot.from_spec(charts.chart_rate_trend(_rates(), highlight="财政局").to_dict()),
        font="sans-serif",
    )
    unit = _circles(svg, "#2f6db5")
    assert len(unit) == 2  # 三季度 has no rate
    (x1, y1), (x2, y2) = unit
    assert x2 > x1 and y2 < y1  # 80 % is drawn higher than 50 %
    texts = _texts(svg)
    assert texts[0] == "按期完成率" and "财政局" in texts and "全区" in texts
    assert {"0%", "100%", "一季度", "三季度"} <= set(texts)


def test_value_labels_are_written_where_the_builder_put_them():
    spec = charts.chart_indicator_series(_series([216.0, 380.0, None, None])).to_dict()
    svg = draw_lines(LinePlot.from_spec(spec), font="sans-serif")
    root = ET.fromstring(svg)
    label_y = {el.text: float(el.get("y")) for el in root.iter(f"{SVG}text")}
    point_y = dict(zip([216.0, 380.0], [y for _, y in _circles(svg, "#2f6db5")], strict=True))
    assert label_y["216"] < point_y[216.0]  # above its point
    assert label_y["380"] > point_y[380.0]  # below
    assert {"200", "400", "600", "800"} <= set(label_y)


def test_negative_values_widen_the_axis_below_zero():
    plot = LinePlot("增速", ["一季度", "二季度"], [Line("实际", "#2f6db5", [-3.5, 2.0])])
    svg = draw_lines(plot, font="sans-serif")
    assert any(t.startswith("-") for t in _texts(svg))
    assert nice_ticks(-3.5, 2.0)[0] <= -3.5


def test_hostile_labels_are_text_and_the_svg_stays_well_formed():
    name = '<script>alert(1)</script>&"x'
    plot = LinePlot(name, ["<b>一</b>"], [Line(name, "#2f6db5", [1.0])], labels=True)
    svg = draw_lines(plot, font='"Noto Sans CJK SC", sans-serif')
    assert "<script>" not in svg
    assert name in _texts(svg)


@pytest.mark.parametrize("width", [None, render.PHONE_WIDTH])
def test_sizes_and_fonts(width):
    spec = charts.chart_indicator_series(_series([216.0, 380.0, 590.0, 790.0])).to_dict()
    plot = LinePlot.from_spec(spec)
    min_font = render.PHONE_MIN_FONT if width else 10
    svg = draw_lines(plot, font="sans-serif", width=width, min_font=min_font)
    root = ET.fromstring(svg)
    if width:
        assert root.get("width") == str(width)
    sizes = [float(s) for s in re.findall(r'<text\b[^>]*font-size="([\d.]+)px"', svg)]
    assert min(sizes) >= min_font and max(sizes) == 15
    long_title = LinePlot("很" * 40, ["一季度"], [Line("实际", "#2f6db5", [1.0])])
    wrapped = _texts(draw_lines(long_title, font="sans-serif", width=render.PHONE_WIDTH))
    title_lines = [t for t in wrapped if set(t) == {"很"}]
    assert len(title_lines) > 1 and "".join(title_lines) == "很" * 40  # wraps on a phone


def test_the_renderer_draws_line_charts_without_vl_convert(monkeypatch):
    monkeypatch.setattr(render, "_RENDERED", type(render._RENDERED)())
    monkeypatch.setattr(render, "render_svg", lambda spec: pytest.fail("vl-convert was called"))
    desktop, phone = render.render_svg_variants(charts.chart_rate_trend(_rates()).to_dict())
    assert ET.fromstring(desktop).get("width") != ET.fromstring(phone).get("width")
    assert ET.fromstring(phone).get("width") == str(render.PHONE_WIDTH)


def test_briefings_show_a_line_plot_as_the_offline_renderer_shows_a_chart():
    plot = charts.rate_trend_plot(_rates(), title="按期完成率：财政局与全区", highlight="财政局")
    bundle, meta = plot._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["text/plain"].startswith(
        "按期完成率：财政局与全区：财政局：一季度 50%、二季度 80%"
    )
    assert ET.fromstring(meta["image/svg+xml"]["phone"]).get("width") == str(render.PHONE_WIDTH)
    # the altair chart shown through the offline renderer gives the same bundle
    chart = charts.chart_rate_trend(_rates(), title="按期完成率：财政局与全区", highlight="财政局")
    assert render._svg_renderer(chart.to_dict()) == (bundle, meta)
