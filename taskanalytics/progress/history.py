"""Which report counts: the one rule, shared by the store and the assessment.

Per milestone, the latest report whose as-of date is on or before the day asked counts; among
reports of the same as-of date the one ingested last wins (a corrected file re-sent for the same
quarter replaces the first), then the one that comes last in the input. The rule is
``docs/assessment-rules.md`` section 1; :func:`taskanalytics.load_progress` applies it to the
store and :func:`taskanalytics.assess` to every quarter end it judges, through the two array
functions here.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["latest_positions", "latest_reports", "report_order", "to_days"]


def report_order(milestone: np.ndarray, as_of: np.ndarray, ingested: np.ndarray) -> np.ndarray:
    """Return the positions of reports sorted by (milestone, as-of, ingestion, input position).

    Parameters
    ----------
    milestone, as_of, ingested
        Equal-length integer arrays: a milestone code, the as-of day and the ingestion time of
        each report.

    Returns
    -------
    numpy.ndarray
        Positions into the inputs; the last of each milestone's run at or before a day is the
        report that counts on that day (:func:`latest_positions`).
    """
    position = np.arange(len(milestone))
    return np.lexsort((position, ingested, as_of, milestone))


def latest_positions(
    milestone: np.ndarray, as_of: np.ndarray, day: int, n_milestones: int
) -> np.ndarray:
    """Return, per milestone code, the position of the report that counts on ``day`` (or -1).

    Parameters
    ----------
    milestone, as_of
        Milestone codes (0 … ``n_milestones`` - 1) and as-of days, already in
        :func:`report_order`.
    day
        The as-of day, in the same unit as ``as_of``.
    n_milestones
        How many milestone codes there are.

    Returns
    -------
    numpy.ndarray
        ``n_milestones`` positions into the sorted arrays, -1 where nothing was reported by then.
    """
    ok = np.flatnonzero(as_of <= day)
    codes = milestone[ok]
    last = np.ones(len(ok), dtype=bool)
    last[:-1] = codes[1:] != codes[:-1]
    out = np.full(n_milestones, -1, dtype=np.int64)
    out[codes[last]] = ok[last]
    return out


def latest_reports(history: pd.DataFrame, as_of: dt.date | str | None = None) -> pd.DataFrame:
    """Return the report that counts per milestone as of a date (a new frame).

    Parameters
    ----------
    history
        Reports with ``milestone_id``, ``as_of_date`` and, if known, ``ingested_at``
        (:func:`taskanalytics.load_progress_history` output); not modified.
    as_of
        Only reports with an as-of date on or before it count; default all.

    Returns
    -------
    pandas.DataFrame
        One row per reported milestone, the rows kept in their order in ``history``.

    Examples
    --------
    >>> latest_reports(load_progress_history(store), "2023-06-30")  # doctest: +SKIP
    """
    if history.empty:
        return history.reset_index(drop=True)
    codes, uniques = pd.factorize(history["milestone_id"])
    days = to_days(history["as_of_date"])
    if "ingested_at" in history.columns:
        stamps = pd.to_datetime(history["ingested_at"], utc=True)
        ingested = pd.DatetimeIndex(stamps).asi8
    else:
        ingested = np.zeros(len(history), dtype=np.int64)
    order = report_order(codes, days, ingested)
    day = int(days.max()) if as_of is None else int(to_days(pd.Series([pd.Timestamp(as_of)]))[0])
    chosen = latest_positions(codes[order], days[order], day, len(uniques))
    rows = np.sort(order[chosen[chosen >= 0]])
    return history.iloc[rows].reset_index(drop=True)


def to_days(values: pd.Series | pd.Index) -> np.ndarray:
    """Return datetime-like values as ``int64`` days since 1970-01-01 (``NaT`` -> int64 min)."""
    index = pd.DatetimeIndex(pd.to_datetime(values))
    if index.tz is not None:
        index = index.tz_convert(None)
    return index.to_numpy().astype("datetime64[D]").astype(np.int64)
