"""The analyst's explorer for JupyterLab.

:mod:`~taskanalytics.explore.data` lays out and filters the tables and exports a selection (plain
pandas, tested without a notebook); :mod:`~taskanalytics.explore.charts` builds the linked altair
charts; :mod:`~taskanalytics.explore.widgets` assembles the ipywidgets explorer
(:func:`plan_explorer`). Data does not import widgets: the layers run one way.
"""

from __future__ import annotations

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
from taskanalytics.explore.widgets import Explorer, plan_explorer

__all__ = [
    "ALL",
    "ExploreData",
    "Explorer",
    "Filters",
    "Selection",
    "explore_data",
    "export_selection",
    "filter_choices",
    "indicator_series",
    "plan_explorer",
    "select",
]
