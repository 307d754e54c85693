"""Leader-facing briefings: HTML building blocks, the quarterly context, and the sections.

The briefings are notebooks exported without code, so everything a reader sees is an output.
Everything here returns :class:`IPython.display.HTML` (escaped; it has ``_repr_html_``, so it
displays in JupyterLab and survives nbconvert), an altair chart, or a DataFrame; nothing modifies
the frames it is given. Display text is Simplified Chinese; column names stay English in the data.

- :mod:`~taskanalytics.briefing.blocks`: headings, key-figure cards, tables, the 示例数据 banner;
- :mod:`~taskanalytics.briefing.plan_facts`: the plan at a glance (source audit briefing);
- :mod:`~taskanalytics.briefing.context`: :func:`load_context` (plan, reports, assessment,
  sources; cached), :func:`briefing_header` (top: back link, title, dates) and :func:`sources_footer` (end: 数据来源,
  files and hashes), :func:`indicator_keys`;
- :mod:`~taskanalytics.briefing.sections`: the sections of the quarterly briefings (key figures,
  watch list, roll-ups, main targets, trends, one indicator), each one notebook cell;
- :mod:`~taskanalytics.briefing.indicators`: 全部量化指标, every target of the quarter;
- :mod:`~taskanalytics.briefing.watch`: 督办闭环 (the full watch list, last quarter's items now,
  the units that did not report, the Excel copy); :mod:`~taskanalytics.briefing.pages`: the
  run's file names, so pages link to one another;
- :mod:`~taskanalytics.briefing.reminders`: 报送提醒, the intake's warnings of a unit's files
  (values accepted but worth a second look), on the unit's page;
- :mod:`~taskanalytics.briefing.judgement`: 研判, the 督查室's judgement of each task beside
  its light (never merged), and the overview's 研判与进度不一致的任务;
- :mod:`~taskanalytics.briefing.outlook`: 年底预计, each cumulative indicator's year-end
  projection (an indicator's page, the at-risk table on 全部量化指标 and the watch list);
- :mod:`~taskanalytics.briefing.notice`: the 督查通报, the quarter's Word draft in official
  format (:func:`write_notice`, docxtpl on the package's template);
- :mod:`~taskanalytics.briefing.yoy`: 与上年对比, this year's indicators beside last year's
  final results when the store holds both plans (the first quarter's overview).
"""

from __future__ import annotations

from taskanalytics.briefing.blocks import (
    BADGE_CLASSES,
    BADGE_COLUMNS,
    COLUMNS_ZH,
    SECTION_LABELS,
    format_quantity,
    heading,
    index_link,
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
    indicator_points,
    load_context,
    plan_sources_footer,
    quarter_label,
    sources_footer,
)
from taskanalytics.briefing.indicators import (
    indicators_all,
    indicators_all_summary,
    indicators_all_table,
)
from taskanalytics.briefing.judgement import (
    DISAGREEMENTS_TITLE,
    disagreements,
    disagreements_section,
    judgement_words,
    task_judgements,
)
from taskanalytics.briefing.notice import notice_context, write_notice
from taskanalytics.briefing.outlook import indicator_outlook, outlook_sentence, outlook_table
from taskanalytics.briefing.plan_facts import count_plan, plan_key_facts
from taskanalytics.briefing.reminders import (
    REMINDERS_TITLE,
    unit_reminders,
    unit_reminders_section,
)
from taskanalytics.briefing.sections import (
    ASSESS_COLUMNS_ZH,
    HEADLINE_LABELS,
    headline_cards,
    headline_figures,
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
    unit_ranking_table,
    upcoming_table,
    watchlist_table,
)
from taskanalytics.briefing.watch import (
    not_reporting,
    not_reporting_note,
    rectification,
    rectification_summary,
    watchlist_more,
    watchlist_summary,
    write_watchlist_xlsx,
)
from taskanalytics.briefing.yoy import (
    YOY_COLUMNS,
    YOY_QUARTERS,
    previous_year_results,
    previous_year_series,
    yoy_chart,
    yoy_section,
)

__all__ = [
    "ASSESS_COLUMNS_ZH",
    "BADGE_CLASSES",
    "BADGE_COLUMNS",
    "BriefingContext",
    "BriefingError",
    "COLUMNS_ZH",
    "DISAGREEMENTS_TITLE",
    "HEADLINE_LABELS",
    "MAIN_CATEGORY",
    "REMINDERS_TITLE",
    "SECTION_LABELS",
    "SOURCE_COLUMNS",
    "YOY_COLUMNS",
    "YOY_QUARTERS",
    "briefing_header",
    "check_scope",
    "count_plan",
    "disagreements",
    "disagreements_section",
    "format_quantity",
    "heading",
    "headline_cards",
    "headline_figures",
    "index_link",
    "indicator_chart",
    "indicator_facts",
    "indicator_keys",
    "indicator_points",
    "indicator_notes",
    "indicator_outlook",
    "indicator_table",
    "indicators_all",
    "indicators_all_summary",
    "indicators_all_table",
    "indicators_table",
    "judgement_words",
    "key_facts",
    "kpi_cards",
    "load_context",
    "main_targets",
    "main_targets_chart",
    "main_targets_table",
    "milestones_table",
    "not_reporting",
    "not_reporting_note",
    "notice_context",
    "outlook_sentence",
    "outlook_table",
    "plan_key_facts",
    "plan_sources_footer",
    "portfolio",
    "portfolio_table",
    "previous_year_results",
    "previous_year_series",
    "quarter_label",
    "rectification",
    "rectification_summary",
    "scope_trend",
    "sources_footer",
    "status_chart",
    "status_table",
    "synthetic_banner",
    "table_html",
    "task_judgements",
    "tasks_table",
    "trend_chart",
    "trend_table",
    "unit_ranking_table",
    "unit_reminders",
    "unit_reminders_section",
    "upcoming_table",
    "watchlist_more",
    "watchlist_summary",
    "watchlist_table",
    "write_notice",
    "write_watchlist_xlsx",
    "yoy_chart",
    "yoy_section",
]
