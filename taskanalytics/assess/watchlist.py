"""The watch list (督办清单): the milestones an official has to chase, most severe first.

Rule 6 of ``docs/assessment-rules.md``: every milestone that is overdue (逾期未完成), has an
indicator behind (欠进度), or is due and not reported (未报送) is listed once per quarter, with all
its reasons; sorted by quarter, severity, days overdue, lowest achievement and plan order.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Band, Status

__all__ = ["WATCHLIST_COLUMNS", "watchlist_frame"]

WATCHLIST_COLUMNS: Final[tuple[str, ...]] = (
    "quarter",
    "as_of",
    "severity",
    "reason",
    "milestone_id",
    "task_id",
    "task_title",
    "text",
    "due_date",
    "status",
    "days_overdue",
    "lead_units",
    "leaders",
    "behind",
    "achievement",
    "note",
    "reporting_unit",
    "report_as_of",
    "red_streak",
)


def watchlist_frame(
    milestones: pd.DataFrame,
    indicators: pd.DataFrame,
    indicator_rows: np.ndarray,
    task_streak: np.ndarray,
    owners_text: tuple[np.ndarray, np.ndarray],
    status: np.ndarray | None = None,
    band: np.ndarray | None = None,
) -> pd.DataFrame:
    """Build the watch list (督办清单) from stacked milestone and indicator tables.

    Every milestone that is overdue (逾期未完成), has an indicator behind (欠进度), or is due and
    not reported (未报送) is listed once per quarter, with all its reasons. Sorted by quarter, then
    severity (overdue 3, behind 2, not reported 1), days overdue and lowest achievement.

    Parameters
    ----------
    milestones, indicators
        The ``Assessment`` tables; not modified.
    indicator_rows
        For each row of ``indicators``, the position of its milestone's row in ``milestones``.
    task_streak
        For each row of ``milestones``, its task's consecutive quarters red.
    owners_text
        Lead units and leaders of each plan milestone, joined with 、 (``milestones`` holds the
        plan's milestones once per quarter, in plan order).
    status, band
        Optional :class:`~taskanalytics.assess.codes.Status` codes of ``milestones`` and
        :class:`~taskanalytics.assess.codes.Band` codes of ``indicators``; derived from the
        tables when omitted.

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of, severity, reason, milestone_id, task_id, task_title, text, due_date,
        status, days_overdue, lead_units, leaders, behind, achievement, note, reporting_unit,
        report_as_of, red_streak``; ``lead_units`` and ``leaders`` joined with 、, ``behind``
        lists the indicators behind as ``metric actual/target unit``.

    Examples
    --------
    >>> a.watchlist[["severity", "reason", "milestone_id", "days_overdue"]]  # doctest: +SKIP
    """
    n_plan = len(owners_text[0])
    if status is None:
        status = pd.Series(milestones["status_code"]).map(list(va.STATUS_LABELS).index).to_numpy()
    if band is None:
        band_codes = {label: i for i, label in enumerate(va.BAND_LABELS.values())}
        band = indicators["band"].map(band_codes).to_numpy()
    # the three reasons (rule 6), per row of ``milestones``
    overdue = status == Status.OVERDUE
    unreported = (status == Status.NOT_REPORTED) & milestones["is_due"].to_numpy()
    behind = milestones["indicators_behind"].to_numpy() > 0
    keep = overdue | unreported | behind
    if not keep.any():
        return _empty_watchlist()
    behind_text, achievement = _behind_text(indicators, indicator_rows, band, len(milestones))
    pos = np.flatnonzero(keep)
    reasons = {"overdue": overdue[pos], "behind": behind[pos], "not_reported": unreported[pos]}
    # severity of an item: that of its most severe reason
    severity = np.maximum.reduce(
        [np.where(on, va.WATCH_SEVERITY[code], 0) for code, on in reasons.items()]
    ).astype(np.int64)
    days_overdue = milestones["days_overdue"].to_numpy()[pos]
    plan_pos = pos % n_plan
    order = np.lexsort(
        (
            plan_pos,
            np.nan_to_num(achievement[pos], nan=np.inf),
            -days_overdue,
            -severity,
            pos // n_plan,  # quarters are stacked in chronological order
        )
    )
    pos, plan_pos, severity, days_overdue = (
        pos[order],
        plan_pos[order],
        severity[order],
        days_overdue[order],
    )
    reason = _reason_labels({code: on[order] for code, on in reasons.items()})

    def col(name: str) -> object:
        values = milestones[name].array
        return values.take(pos) if not isinstance(values, np.ndarray) else values[pos]

    return pd.DataFrame(
        {
            "quarter": col("quarter"),
            "as_of": milestones["as_of"].to_numpy()[pos],
            "severity": severity,
            "reason": reason,
            "milestone_id": col("milestone_id"),
            "task_id": col("task_id"),
            "task_title": col("task_title"),
            "text": col("text"),
            "due_date": milestones["due_date"].to_numpy()[pos],
            "status": col("status"),
            "days_overdue": days_overdue,
            "lead_units": owners_text[0][plan_pos],
            "leaders": owners_text[1][plan_pos],
            "behind": behind_text[pos],
            "achievement": achievement[pos],
            "note": col("note"),
            "reporting_unit": col("reporting_unit"),
            "report_as_of": milestones["report_as_of"].to_numpy()[pos],
            "red_streak": task_streak[pos].astype(np.int64),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )


def _behind_text(
    indicators: pd.DataFrame, indicator_rows: np.ndarray, band: np.ndarray, n_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``milestones``: its indicators behind as text, and their lowest achievement.

    The text is ``metric actual/target unit`` per indicator behind, joined with ；(None when
    none); the achievement is NaN when none.
    """
    is_behind = np.flatnonzero(band == Band.BEHIND)
    metric_codes, metrics = pd.factorize(indicators["metric"].array.take(is_behind))
    unit_codes, units = pd.factorize(
        indicators["unit"].array.take(is_behind), use_na_sentinel=False
    )
    prefix = (pd.Series(metrics).astype(str) + " ").to_numpy(dtype=object)
    suffix = (pd.Series(units).fillna("").astype(str) + va.REASON_SEPARATOR).to_numpy(dtype=object)

    def formatted(values: np.ndarray) -> np.ndarray:
        unique, inverse = np.unique(values, return_inverse=True)
        return np.array(list(map("{:,.6g}".format, unique.tolist())), dtype=object)[inverse]

    rows = indicator_rows[is_behind]
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    last = np.ones(len(rows), dtype=bool)  # no separator after a milestone's last indicator
    last[:-1] = rows[1:] != rows[:-1]
    units_text = (pd.Series(units).fillna("").astype(str)).to_numpy(dtype=object)
    text = (
        prefix[metric_codes]
        + formatted(indicators["actual"].to_numpy(dtype=float)[is_behind])
        + "/"
        + formatted(indicators["target"].to_numpy(dtype=float)[is_behind])
    )[order] + np.where(last, units_text[unit_codes[order]], suffix[unit_codes[order]])
    ach = indicators["achievement"].to_numpy(dtype=float)[is_behind][order]
    behind_text = np.full(n_rows, None, dtype=object)
    achievement = np.full(n_rows, np.nan)
    if len(rows):
        owners, starts = np.unique(rows, return_index=True)
        behind_text[owners] = np.add.reduceat(text, starts)  # string concatenation per milestone
        achievement[owners] = np.fmin.reduceat(ach, starts)
    return behind_text, achievement


def _reason_labels(reasons: dict[str, np.ndarray]) -> object:
    """Each item's reasons as one label, in ``vocab.WATCH_REASONS`` order, joined with ；.

    There are only 2**3 combinations of reasons: each is labelled once, and each row takes the
    label of its combination, numbered by reading the reasons' flags as binary digits.
    """
    codes = list(va.WATCH_REASONS)
    combination = np.zeros(len(reasons[codes[0]]), dtype=np.int64)
    for code in codes:  # first reason is the most significant digit
        combination = combination * 2 + reasons[code]
    labels = [
        va.REASON_SEPARATOR.join(
            va.WATCH_REASONS[code]
            for digit, code in enumerate(codes)
            if number >> (len(codes) - 1 - digit) & 1
        )
        for number in range(2 ** len(codes))
    ]
    return pd.Series(labels, dtype=object).infer_objects().array.take(combination)


def _empty_watchlist() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in WATCHLIST_COLUMNS})
