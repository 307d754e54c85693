"""The file names of a quarterly run's pages, so pages link to one another; indicator keys.

A quarterly run writes every briefing into one folder (``reports/<plan>/<quarter>/``); pages link to
each other by relative file name, so the name of a page is made here, once, and used both by
:mod:`taskanalytics.quarterly` (which writes the files) and by the briefings (which link to them).

An indicator page is keyed by a metric name when only one task of the plan has that metric
(``化解政府性债务``), else by task id and metric joined with :data:`KEY_SEPARATOR`
(``T008:入库总额``): :meth:`Assessment.series <taskanalytics.Assessment.series>` takes a metric
(every task with it) or a task id (every metric of it), neither of which is one series then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

import pandas as pd

from taskanalytics.assess.engine import Assessment
from taskanalytics.errors import AssessmentError
from taskanalytics.schema.names import fit_stem

__all__ = [
    "INDEX_PAGE",
    "INDICATORS_ALL_STEM",
    "KEY_SEPARATOR",
    "WATCHLIST_STEM",
    "NOTICE_DOCX",
    "WATCHLIST_XLSX",
    "href",
    "indicator_links",
    "indicator_page",
    "indicator_series",
    "indicator_title",
    "leader_links",
    "page_stem",
    "split_indicator_key",
    "unit_links",
]

#: The run's table of contents.
INDEX_PAGE = "index.html"

#: File stem of the full 督办清单 page, and the name of its Excel copy.
WATCHLIST_STEM = "watchlist"
WATCHLIST_XLSX = "watchlist.xlsx"
#: The quarter's 督查通报 draft beside the pages: ``督查通报_2023Q2.docx``.
NOTICE_DOCX = "督查通报_{quarter}.docx"

#: Joins a task id and a metric in the key of a metric that several tasks share.
KEY_SEPARATOR = ":"

#: File stem of the 全部量化指标 page of a quarterly run.
INDICATORS_ALL_STEM = "indicators_all"

_UNSAFE = re.compile(r'[\\/:*?"<>|#%\x00-\x1f]+')
_TASK_ID = re.compile(r"^[A-Z]+\d+$")


def page_stem(prefix: str, key: str) -> str:
    """Return the file name stem of a page: ``prefix-key`` with unsafe characters replaced.

    Chinese is kept; path separators, control characters, ``..``, and ``#``/``%`` (which would
    break a link) are not, so the file can never leave its folder; a key too long for a file
    name is cut and given a short hash of the key (:func:`~taskanalytics.schema.names.fit_stem`).

    Examples
    --------
    >>> page_stem("unit", "财政局")
    'unit-财政局'
    >>> page_stem("indicator", "T008:入库总额")
    'indicator-T008_入库总额'
    """
    safe = re.sub(r"\.{2,}", ".", _UNSAFE.sub("_", key)).strip(" .") or "_"
    return f"{prefix}-{fit_stem(safe, key=key)}"


def href(file_name: str) -> str:
    """Return a relative link to a file of the run's folder, URL-quoted (safe in an attribute).

    Examples
    --------
    >>> href("unit-财政局.html")
    'unit-%E8%B4%A2%E6%94%BF%E5%B1%80.html'
    """
    return quote(file_name)


def unit_links(units: Iterable[str]) -> dict[str, str]:
    """Return lead unit -> href of its page (``unit-<unit>.html``)."""
    return {u: href(page_stem("unit", u) + ".html") for u in units}


def leader_links(leaders: Iterable[str]) -> dict[str, str]:
    """Return leader -> href of the leader's page (``leader-<name>.html``)."""
    return {name: href(page_stem("leader", name) + ".html") for name in leaders}


def indicator_links(keys: Iterable[str]) -> dict[str, str]:
    """Return indicator key -> href of its page (:func:`indicator_page`)."""
    return {key: href(indicator_page(key)) for key in keys}


def indicator_page(key: str) -> str:
    """Return the file name of an indicator's page in a quarterly run's folder.

    Examples
    --------
    >>> indicator_page("化解政府性债务")
    'indicator-化解政府性债务.html'
    """
    return page_stem("indicator", key) + ".html"


def split_indicator_key(key: str) -> tuple[str | None, str]:
    """Return ``(task_id, metric)`` of a ``task:metric`` key, or ``(None, key)`` for others.

    Examples
    --------
    >>> split_indicator_key("T008:入库总额")
    ('T008', '入库总额')
    >>> split_indicator_key("回迁安置")
    (None, '回迁安置')
    """
    head, sep, tail = key.partition(KEY_SEPARATOR)
    if sep and tail and _TASK_ID.match(head):
        return head, tail
    return None, key


def indicator_title(key: str) -> str:
    """Return an indicator key as a reader sees it: ``T008:入库总额`` -> ``入库总额（T008）``.

    Examples
    --------
    >>> indicator_title("回迁安置")
    '回迁安置'
    """
    task_id, metric = split_indicator_key(key)
    return metric if task_id is None else f"{metric}（{task_id}）"


def indicator_series(assessment: Assessment, key: str) -> pd.DataFrame:
    """Return :meth:`Assessment.series` for any indicator key, ``task:metric`` ones included.

    Parameters
    ----------
    assessment
        The assessment.
    key
        A metric, a task id, or ``task_id:metric`` (see :data:`KEY_SEPARATOR`).

    Returns
    -------
    pandas.DataFrame
        As :meth:`Assessment.series`.

    Raises
    ------
    AssessmentError
        If the key names no series.
    """
    task_id, metric = split_indicator_key(key)
    if task_id is None:
        return assessment.series(key)
    series = assessment.series(task_id)
    out = series[series["metric"] == metric].reset_index(drop=True)
    if out.empty:
        raise AssessmentError(
            "no indicator series", found=key, expected="task_id:metric of plan.targets"
        )
    return out
