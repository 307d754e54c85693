"""Tests for taskanalytics.charts: counts in the chart data, Chinese labels, the SVG renderer."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from taskanalytics import charts
from taskanalytics.errors import TaskAnalyticsError


@pytest.fixture
def tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "task_id": ["T001", "T002", "T003", "L01"],
            "section": ["work_report", "work_report", "work_report", "livelihood"],
            "category": ["主要预期目标", "主要预期目标", "加快构建新发展格局", "十件民生实事"],
            "lead_units": [["发改局"], ["发改局", "财政局"], ["财政局", "财政局"], []],
            "leaders": [["祝美娟"], ["黄刚"], ["祝美娟"], None],
        }
    )


@pytest.fixture
def milestones() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "milestone_id": ["T001.01", "T001.02", "T002.01", "T003.01", "L01.01"],
            "task_id": ["T001", "T001", "T002", "T003", "L01"],
            "due_date": pd.to_datetime(
                ["2023-03-31", "2023-03-15", "2023-06-30", "2024-12-31", None]
            ),
            "due_kind": ["date", "recurring", "task_deadline", "date", "date"],
        }
    )


@pytest.fixture
def offline():
    before_renderer, before_theme = alt.renderers.active, alt.theme.active
    charts.enable_offline_charts()
    yield
    alt.renderers.enable(before_renderer)
    alt.theme.enable(before_theme)


def _data(chart: alt.TopLevelMixin) -> pd.DataFrame:
    return pd.DataFrame(chart.to_dict()["datasets"].popitem()[1])


def test_tasks_by_category_keeps_document_order_and_counts(tasks):
    chart = charts.chart_tasks_by_category(tasks)
    data = _data(chart)
    assert data["name"].tolist() == ["主要预期目标", "加快构建新发展格局", "十件民生实事"]
    assert data["tasks"].tolist() == [2, 1, 1]
    spec = chart.to_dict()
    assert spec["title"]["text"] == "各类别任务数"
    assert spec["layer"][0]["encoding"]["y"]["sort"] == data["name"].tolist()


def test_tasks_by_lead_unit_counts_each_task_once_and_limits_top_n(tasks):
    before = tasks.copy(deep=True)
    chart = charts.chart_tasks_by_lead_unit(tasks, top_n=1)
    data = _data(chart)
    # 财政局 leads T002 and T003 (listed twice in T003: counted once); 发改局 leads T001, T002.
    assert len(data) == 1
    assert data.iloc[0]["tasks"] == 2
    assert "共 2 个牵头单位" in chart.to_dict()["title"]["subtitle"]
    pd.testing.assert_frame_equal(tasks, before)  # input not mutated


def test_tasks_by_leader_skips_missing(tasks):
    data = _data(charts.chart_tasks_by_leader(tasks))
    assert dict(zip(data["name"], data["tasks"], strict=True)) == {"祝美娟": 2, "黄刚": 1}


def test_milestones_by_month_labels_and_kinds(milestones):
    chart = charts.chart_milestones_by_month(milestones)
    spec = chart.to_dict()
    data = _data(chart)
    domain = spec["encoding"]["x"]["scale"]["domain"]
    assert domain[:12] == [f"{m}月" for m in range(1, 13)]
    assert domain[-1] == "2024年12月"
    march = data[data["month"] == "3月"]
    assert set(march["kind"]) == {"明确日期", "定期（每月/每季）"}
    assert data["milestones"].sum() == 4  # the undated one is left out ...
    assert "1 个无具体日期" in spec["title"]["subtitle"]  # ... and said so


def test_missing_column_is_a_taskanalytics_error(tasks):
    with pytest.raises(TaskAnalyticsError, match="lead_units"):
        charts.chart_tasks_by_lead_unit(tasks.drop(columns=["lead_units"]))
    with pytest.raises(TaskAnalyticsError, match="top_n"):
        charts.chart_tasks_by_lead_unit(tasks, top_n=0)


def test_offline_renderer_emits_svg_only(offline, tasks):
    bundle = charts.chart_tasks_by_category(tasks)._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert not any("vegalite" in key for key in bundle)
    svg = bundle["image/svg+xml"]
    assert svg.lstrip().startswith("<svg")
    assert "各类别任务数" in svg
    assert "Noto Sans CJK SC" in svg  # the theme's font stack reached the SVG text


def test_theme_sets_cjk_font_and_flat_x_labels(offline, milestones):
    config = charts.chart_milestones_by_month(milestones).to_dict()["config"]
    assert config["font"] == charts.CJK_FONT
    assert config["axisX"]["labelAngle"] == 0


def test_enable_offline_charts_is_idempotent(offline):
    charts.enable_offline_charts()
    assert alt.renderers.active == charts.RENDERER_NAME
    assert alt.theme.active == charts.THEME_NAME


def test_progress_charts_build_and_render_offline(offline):
    rollup = pd.DataFrame(
        {
            "quarter": ["2023Q1", "2023Q2"],
            "unit": ["财政局", "发改局"],
            "due": [4, 3],
            "done_on_time": [2, 1],
            "done_late": [1, 0],
            "overdue": [1, 1],
            "not_reported": [0, 1],
        }
    )
    before = rollup.copy()
    by_unit = charts.chart_status_by_group(rollup, "unit", title="各单位")
    data = _data(by_unit)
    assert set(data["status"]) == {"按期完成", "逾期完成", "逾期未完成", "未报送"}
    assert data.groupby("unit")["count"].sum().to_dict() == {"发改局": 3, "财政局": 4}
    trend = charts.chart_status_trend(rollup)
    rates = pd.DataFrame(
        {"quarter": ["2023Q1", "2023Q1"], "series": ["财政局", "全区"], "on_time_rate": [0.5, 0.6]}
    )
    line = charts.chart_rate_trend(rates, highlight="财政局")
    series = pd.DataFrame(
        {
            "metric": ["回迁安置", "回迁安置", "GDP", "GDP"],
            "unit": ["户", "户", "%", "%"],
            "quarter": ["2023Q1", "2023Q2", "2023Q1", "2023Q2"],
            "target": [200.0, 400.0, 2.0, 3.0],
            "actual": [216.0, None, 2.3, None],
        }
    )
    grid = charts.chart_indicator_series(series)
    for chart in (by_unit, trend, line, grid, charts.chart_indicator_series(series.head(2))):
        svg = charts.render_svg(chart.to_dict())
        assert svg.startswith("<svg")
    pd.testing.assert_frame_equal(rollup, before)
    assert charts.quarter_axis_label("2023Q3") == "三季度"
    with pytest.raises(TaskAnalyticsError):
        charts.chart_indicator_series(series.iloc[0:0])


def test_every_chart_describes_itself_in_chinese_with_its_numbers(offline, tasks, milestones):
    """The description is the chart's alt text: what it shows and its key numbers."""
    by_category = charts.chart_tasks_by_category(tasks).to_dict()["description"]
    assert by_category.startswith("各类别任务数") and "主要预期目标 2 项" in by_category
    by_unit = charts.chart_tasks_by_lead_unit(tasks).to_dict()["description"]
    assert "发改局 2 项" in by_unit and "财政局 2 项" in by_unit
    by_month = charts.chart_milestones_by_month(milestones).to_dict()["description"]
    assert "3月 2 个" in by_month and "6月 1 个" in by_month
    rollup = pd.DataFrame(
        {"quarter": ["2023Q1"], "unit": ["财政局"], "due": [4], "done_on_time": [2],
         "done_late": [1], "overdue": [1], "not_reported": [0]}
    )  # fmt: skip
    status = charts.chart_status_by_group(rollup, "unit", title="各单位").to_dict()
    assert "财政局 应完成 4 个：按期完成 2，逾期完成 1，逾期未完成 1" in status["description"]
    trend = charts.chart_status_trend(rollup).to_dict()["description"]
    assert "一季度 应完成 4 个" in trend and "按期 50%" in trend
    rates = pd.DataFrame({"quarter": ["2023Q1"], "series": ["全区"], "on_time_rate": [0.6]})
    assert "全区：一季度 60%" in charts.chart_rate_trend(rates).to_dict()["description"]
    series = pd.DataFrame(
        {"metric": ["化解政府性债务"] * 2, "unit": ["万元"] * 2, "quarter": ["2023Q1", "2023Q2"],
         "target": [17501.0, 63422.0], "actual": [17501.0, None]}
    )  # fmt: skip
    debt = charts.chart_indicator_series(series).to_dict()["description"]
    assert "目标 一季度 17,501、二季度 63,422" in debt and "实际 一季度 17,501" in debt


def test_the_renderer_puts_the_description_where_the_page_takes_its_alt_text(offline, tasks):
    bundle = charts.chart_tasks_by_category(tasks)._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["text/plain"].startswith("各类别任务数")
    assert charts.chart_description({"title": {"text": "标题"}}) == "图表：标题"
    assert charts.chart_description({}) == "图表"


def test_exported_pages_give_charts_their_description_as_alt_text(tmp_path):
    """The offline template writes text/plain as the <img> alt, never nbconvert's English."""
    import nbformat

    from taskanalytics.runner import export_html

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("chart")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"image/svg+xml": svg, "text/plain": "各季度按期完成率：一季度 60%"},
        )
    ]
    nb.cells = [cell]
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    html = export_html(path).read_text(encoding="utf-8")
    assert 'alt="各季度按期完成率：一季度 60%"' in html
    assert "No description has been provided" not in html


def test_indicator_labels_never_sit_on_each_other_and_the_axis_starts_at_zero(offline):
    series = pd.DataFrame(
        {"metric": ["回迁安置"] * 2, "unit": ["户"] * 2, "quarter": ["2023Q1", "2023Q2"],
         "target": [200.0, 400.0], "actual": [216.0, 380.0]}
    )  # fmt: skip
    spec = charts.chart_indicator_series(series).to_dict()
    (rows,) = spec["datasets"].values()
    above = {(r["label"], r["kind"]) for r in rows if r["offset"] < 0}
    # Q1: the actual (216) is above the target (200); Q2: the target (400) above the actual
    assert above == {("一季度", "实际"), ("二季度", "目标")}
    assert '"zero": true' in json.dumps(spec["layer"][0]["encoding"]["y"]["scale"])


def test_identical_charts_are_drawn_once_and_shown_without_validation(offline, monkeypatch):
    from taskanalytics.charts import render

    calls = []
    real = render.render_svg
    monkeypatch.setattr(render, "render_svg", lambda spec: calls.append(1) or real(spec))
    monkeypatch.setattr(render, "_RENDERED", type(render._RENDERED)())
    chart = (
        alt.Chart(pd.DataFrame({"单位": ["甲", "乙"], "n": [1, 2]}))
        .mark_bar()
        .encode(x="单位:N", y="n:Q")
    )
    first = render.render_svg_variants(chart.to_dict())
    again = render.render_svg_variants(chart.to_dict())
    assert first == again and len(calls) == 2  # desktop + phone, once
    seen = []
    to_dict = alt.Chart.to_dict
    monkeypatch.setattr(
        alt.Chart, "to_dict", lambda self, *a, **kw: seen.append(kw) or to_dict(self, *a, **kw)
    )
    data, meta = render._show_charts(chart)  # what a kernel's display calls for a chart
    assert seen[0]["validate"] is False and len(calls) == 2
    assert data["image/svg+xml"] == first[0] and meta["image/svg+xml"]["phone"] == first[1]


_LAZY_ALTAIR = """
import sys
import pandas as pd
from IPython.core.interactiveshell import InteractiveShell
from taskanalytics.runner import skip_rfc3987_syntax
skip_rfc3987_syntax()
shell = InteractiveShell.instance()
from taskanalytics import briefing, charts, config
charts.enable_offline_charts()
bars = charts.BarPlot("各类别任务数", ["甲"], [charts.bars.Stack("", "#4c78a8", [3.0])])
data, _ = shell.display_formatter.format(bars)
print("hand-drawn", "image/svg+xml" in data, "altair" in sys.modules)
import altair as alt  # an analyst's own chart, altair imported directly
chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_bar().encode(x="a:Q")
data, _ = shell.display_formatter.format(chart)
print("altair", sorted(data), alt.renderers.active, alt.theme.active)
"""


def test_altair_is_imported_only_when_a_chart_needs_it(tmp_path):
    """Briefings draw their charts by hand: importing the package, enabling the offline charts
    and showing a hand-drawn plot import no altair (0.32 s a kernel); an altair chart made
    afterwards, even with altair imported directly, is still shown by the offline renderer."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _LAZY_ALTAIR], capture_output=True, text=True, cwd=tmp_path,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "hand-drawn True False"
    assert (
        second
        == f"altair ['image/svg+xml', 'text/plain'] {charts.RENDERER_NAME} {charts.THEME_NAME}"
    )


def test_the_display_is_registered_under_the_module_of_altairs_charts():
    from taskanalytics.charts.lazy import altair_api_module

    assert altair_api_module() == alt.TopLevelMixin.__module__
