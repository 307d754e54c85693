"""Leader-facing briefings: HTML building blocks, the quarterly context, and the sections.

The briefings are notebooks exported without code, so everything a reader sees is an output.
Everything here returns :class:`IPython.display.HTML` (escaped; it has ``_repr_html_``, so it
displays in JupyterLab and survives nbconvert), an altair chart, or a DataFrame; nothing modifies
the frames it is given. Display text is Simplified Chinese; column names stay English in the data.

- :mod:`~taskanalytics.briefing.blocks`: headings, key-figure cards, tables, the 示例数据 banner;
- :mod:`~taskanalytics.briefing.plan_facts`: the plan at a glance (source audit briefing);
- :mod:`~taskanalytics.briefing.context`: :func:`load_context` (plan, reports, assessment,
  sources; cached), :func:`briefing_header`, :func:`indicator_keys`;
- :mod:`~taskanalytics.briefing.sections`: the sections of the quarterly briefings (key figures,
  watch list, roll-ups, main targets, trends, one indicator), each one notebook cell.
"""

from __future__ import annotations

from taskanalytics.briefing.blocks import (
    BADGE_CLASSES,
    BADGE_COLUMNS,
    COLUMNS_ZH,
    SECTION_LABELS,
    heading,
    key_facts,
    synthetic_banner,
    table_html,
)
from taskanalytics.briefing.context import (
    MAIN_CATEGORY,
    SOURCE_COLUMNS,
    BriefingContext,
    BriefingError,
    briefing_header,
    check_scope,
    indicator_keys,
    load_context,
    quarter_label,
)
from taskanalytics.briefing.plan_facts import count_plan, plan_key_facts
from taskanalytics.briefing.sections import (
    ASSESS_COLUMNS_ZH,
    indicator_chart,
    indicator_facts,
    indicator_notes,
    indicator_table,
    indicators_table,
    kpi_cards,
    main_targets,
    main_targets_chart,
    main_targets_table,
    milestones_table,
    portfolio,
    portfolio_table,
    scope_trend,
    status_chart,
    status_table,
    tasks_table,
    trend_chart,
    trend_table,
    upcoming_table,
    watchlist_table,
)

__all__ = [
    "ASSESS_COLUMNS_ZH",
    "BADGE_CLASSES",
    "BADGE_COLUMNS",
    "COLUMNS_ZH",
    "MAIN_CATEGORY",
    "SECTION_LABELS",
    "SOURCE_COLUMNS",
    "BriefingContext",
    "BriefingError",
    "briefing_header",
    "check_scope",
    "count_plan",
    "heading",
    "indicator_chart",
    "indicator_facts",
    "indicator_keys",
    "indicator_notes",
    "indicator_table",
    "indicators_table",
    "key_facts",
    "kpi_cards",
    "load_context",
    "main_targets",
    "main_targets_chart",
    "main_targets_table",
    "milestones_table",
    "plan_key_facts",
    "portfolio",
    "portfolio_table",
    "quarter_label",
    "scope_trend",
    "status_chart",
    "status_table",
    "synthetic_banner",
    "table_html",
    "tasks_table",
    "trend_chart",
    "trend_table",
    "upcoming_table",
    "watchlist_table",
]
