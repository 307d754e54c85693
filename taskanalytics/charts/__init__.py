"""Altair charts for the briefings, and the offline SVG renderer they are shown with.

- :mod:`~taskanalytics.charts.render`: :func:`enable_offline_charts` (static SVG by vl-convert,
  CJK font theme), for pages that must open with no network;
- :mod:`~taskanalytics.charts.plan`: charts of the plan itself (tasks by category, unit,
  leader; milestones by month);
- :mod:`~taskanalytics.charts.progress`: charts of the quarterly assessment (due milestones by
  status, trends, an indicator's target trajectory against actuals);
- :mod:`~taskanalytics.charts.yoy`: one metric this year against last year, by quarter;
- :mod:`~taskanalytics.charts.svg`: the simple line charts of the briefings drawn as SVG by
  hand (:class:`LinePlot`, from :func:`rate_trend_plot` and :func:`indicator_plot`).

Builders take tidy frames and return new charts; inputs are never modified. Titles, axes and
legends are Simplified Chinese.
"""

from __future__ import annotations

from taskanalytics.charts.plan import (
    DUE_KIND_LABELS,
    chart_milestones_by_month,
    chart_tasks_by_category,
    chart_tasks_by_lead_unit,
    chart_tasks_by_leader,
)
from taskanalytics.charts.progress import (
    DUE_STATUS,
    chart_indicator_series,
    chart_rate_trend,
    chart_status_by_group,
    chart_status_trend,
    indicator_plot,
    quarter_axis_label,
    rate_trend_plot,
)
from taskanalytics.charts.render import (
    CJK_FONT,
    RENDERER_NAME,
    THEME_NAME,
    chart_description,
    cjk_theme,
    describe,
    enable_offline_charts,
    render_svg,
)
from taskanalytics.charts.svg import LinePlot
from taskanalytics.charts.yoy import LAST_YEAR_COLOR, chart_year_over_year

__all__ = [
    "CJK_FONT",
    "DUE_KIND_LABELS",
    "DUE_STATUS",
    "LAST_YEAR_COLOR",
    "LinePlot",
    "RENDERER_NAME",
    "THEME_NAME",
    "chart_description",
    "chart_indicator_series",
    "chart_milestones_by_month",
    "chart_rate_trend",
    "chart_status_by_group",
    "chart_status_trend",
    "chart_tasks_by_category",
    "chart_tasks_by_lead_unit",
    "chart_tasks_by_leader",
    "chart_year_over_year",
    "cjk_theme",
    "describe",
    "enable_offline_charts",
    "indicator_plot",
    "quarter_axis_label",
    "rate_trend_plot",
    "render_svg",
]
