"""The briefings' charts, drawn as SVG by hand, their altair twins, and the offline renderer.

- :mod:`~taskanalytics.charts.render`: :func:`enable_offline_charts` (static SVG by vl-convert,
  CJK font theme), for pages that must open with no network;
- :mod:`~taskanalytics.charts.plan`: charts of the plan itself (tasks by category, unit,
  leader; milestones by month);
- :mod:`~taskanalytics.charts.progress`: charts of the quarterly assessment (due milestones by
  status, trends, an indicator's target trajectory against actuals);
- :mod:`~taskanalytics.charts.yoy`: one metric this year against last year, by quarter;
- :mod:`~taskanalytics.charts.svg`: the line charts of the briefings drawn as SVG by hand
  (:class:`LinePlot`, from :func:`rate_trend_plot` and :func:`indicators_plot`), and the
  primitives the other hand-drawn charts share;
- :mod:`~taskanalytics.charts.bars`: bar charts drawn by hand (:class:`BarPlot`: counts per
  name, stacked statuses per group or quarter, milestones by month);
- :mod:`~taskanalytics.charts.grid`: small multiples drawn by hand (:class:`GridPlot`);
- :mod:`~taskanalytics.charts.lazy`: altair, imported on first use (a quarterly run's kernels
  never import it).

Every altair builder leaves its hand-drawn plot in the spec's ``usermeta``, so the offline
renderer draws the briefings' charts without vl-convert (which it keeps for other charts);
the ``*_plot`` functions return the plot alone, for pages that need no altair chart.

Builders take tidy frames and return new charts; inputs are never modified. Titles, axes and
legends are Simplified Chinese.
"""

from __future__ import annotations

from taskanalytics.charts.bars import BarPlot
from taskanalytics.charts.grid import GridPlot
from taskanalytics.charts.plan import (
    DUE_KIND_LABELS,
    chart_milestones_by_month,
    chart_tasks_by_category,
    chart_tasks_by_lead_unit,
    chart_tasks_by_leader,
    milestones_by_month_plot,
    tasks_by_category_plot,
    tasks_by_lead_unit_plot,
    tasks_by_leader_plot,
)
from taskanalytics.charts.progress import (
    DUE_STATUS,
    chart_indicator_series,
    chart_rate_trend,
    chart_status_by_group,
    chart_status_trend,
    indicators_plot,
    quarter_axis_label,
    rate_trend_plot,
    status_by_group_plot,
    status_trend_plot,
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
    "BarPlot",
    "CJK_FONT",
    "DUE_KIND_LABELS",
    "DUE_STATUS",
    "GridPlot",
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
    "indicators_plot",
    "milestones_by_month_plot",
    "quarter_axis_label",
    "rate_trend_plot",
    "render_svg",
    "status_by_group_plot",
    "status_trend_plot",
    "tasks_by_category_plot",
    "tasks_by_lead_unit_plot",
    "tasks_by_leader_plot",
]
