"""The analyst's explorer for JupyterLab.

:mod:`~taskanalytics.explore.data` lays out and filters the tables and exports a selection (plain
pandas, tested without a notebook); :mod:`~taskanalytics.explore.charts` builds the linked altair
charts; :mod:`~taskanalytics.explore.widgets` assembles the ipywidgets explorer
(:func:`plan_explorer`); :mod:`~taskanalytics.explore.compare` says what changed between two
quarters (:func:`compare_quarters`); :mod:`~taskanalytics.explore.judgement_form` is the 督查室's 研判 form
(:func:`judgement_form`). Data does not import widgets: the layers run one way.
"""

from __future__ import annotations

from taskanalytics.explore.compare import compare_quarters, compare_selection
from taskanalytics.explore.data import (
    ALL,
    ExploreData,
    Filters,
    Selection,
    explore_data,
    export_selection,
    filter_choices,
    indicator_series,
    select,
)
from taskanalytics.explore.judgement_form import JudgementForm, judgement_form
from taskanalytics.explore.widgets import Explorer, plan_explorer

__all__ = [
    "ALL",
    "ExploreData",
    "Explorer",
    "Filters",
    "JudgementForm",
    "Selection",
    "compare_quarters",
    "compare_selection",
    "explore_data",
    "export_selection",
    "filter_choices",
    "indicator_series",
    "judgement_form",
    "plan_explorer",
    "select",
]
