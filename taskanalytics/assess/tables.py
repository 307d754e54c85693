"""The milestone and indicator tables of an assessment, stacked over the assessed quarters.

Each table is the plan's static columns (:class:`~taskanalytics.assess.inputs.PlanArrays`)
repeated once per quarter, next to the verdicts of that quarter
(:class:`~taskanalytics.assess.verdicts.Snapshot`) and the columns of the report that counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.assess.inputs import NAT, PlanArrays, ReportArrays, from_days
from taskanalytics.assess.rollup import repeat_rows
from taskanalytics.assess.verdicts import Snapshot
from taskanalytics.progress import vocab as vp

__all__ = ["BAND_DTYPE", "LIGHT_DTYPE", "STATUS_DTYPE", "indicator_table", "milestone_table"]

#: The Chinese categoricals of the verdict columns; a code is the position of its label.
STATUS_DTYPE: Final = pd.CategoricalDtype(list(va.STATUS_LABELS.values()))
BAND_DTYPE: Final = pd.CategoricalDtype(list(va.BAND_LABELS.values()))
LIGHT_DTYPE: Final = pd.CategoricalDtype(list(va.LIGHT_LABELS.values()), ordered=True)


def _labels(values: Sequence[object]) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """A few labels as the array type pandas infers for them (str), to ``take`` from cheaply."""
    return pd.Series(list(values), dtype=object).infer_objects().array


def _take_labels(values: Sequence[object], codes: np.ndarray) -> Any:
    """``values[codes]`` (``codes`` -1 -> missing) without inferring the dtype of every row."""
    labels = _labels(values)
    if isinstance(labels, np.ndarray):  # not strings: plain numpy
        return np.where(codes >= 0, labels[np.maximum(codes, 0)], None)
    return labels.take(codes, allow_fill=True)


def _head(snaps: list[Snapshot], sizes: list[int]) -> pd.DataFrame:
    """The ``quarter`` and ``as_of`` columns: ``sizes[i]`` rows of each snapshot in turn."""
    which = np.repeat(np.arange(len(snaps)), sizes)
    return pd.DataFrame(
        {
            "quarter": _take_labels([s.quarter for s in snaps], which),
            "as_of": np.array([s.day for s in snaps], dtype="datetime64[D]").astype(
                "datetime64[ns]"
            )[which],
        },
        copy=False,  # fresh arrays: no need to copy them again
    )


def _picked(values: np.ndarray, positions: np.ndarray, has: np.ndarray, missing: int) -> np.ndarray:
    """``values[positions]`` where ``has``, else ``missing``: one new array (none if no values)."""
    if not len(values):
        return np.full(len(positions), missing, dtype=np.int64)
    out = values[positions]
    out[~has] = missing
    return out


def milestone_table(p: PlanArrays, r: ReportArrays, snaps: list[Snapshot]) -> pd.DataFrame:
    """Return ``Assessment.milestones``: every plan milestone once per snapshot, plan order.

    Parameters
    ----------
    p, r
        The plan and the reports as arrays.
    snaps
        The assessed quarters' snapshots (with indicators), oldest first.

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of``, the plan's columns (``due_date`` is the due date judged, for a
        recurring milestone its period's end; ``final_due_date`` the plan's), then ``is_due,
        status, status_code,
        days_overdue, days_to_due, reported_status, completed_date, report_as_of,
        reporting_unit, note, indicators, indicators_behind, light``.
    """
    n = len(p.ids)
    static = repeat_rows(p.ms, len(snaps))
    sel = np.concatenate([s.sel for s in snaps])
    has = sel >= 0
    s0 = np.where(has, sel, 0)
    rows = _picked(r.row, s0, has, -1)
    frame = r.frame

    def reported(column: str) -> Any:
        if column not in frame.columns or not len(r.row):
            return np.full(len(sel), None)
        values = frame[column].array
        if isinstance(values, np.ndarray) or values.dtype == object:
            return pd.Series(values.take(np.maximum(rows, 0))).where(has, None).array
        return values.take(rows, allow_fill=True)

    def reported_days(days: np.ndarray) -> np.ndarray:
        return from_days(_picked(days, s0, has, NAT))

    status = np.concatenate([s.status for s in snaps])
    due = np.concatenate([s.due for s in snaps])  # a recurring milestone's period end
    day = np.repeat([s.day for s in snaps], n)
    at = static.columns.get_loc("due_date")
    static.insert(at + 1, "final_due_date", static["due_date"])
    static["due_date"] = from_days(due)
    if len(r.row):  # the unit's word as a status code, whatever alias it came as
        word = _picked(r.status, s0, has, -1)
        reported_status = _take_labels(list(vp.STATUS_LABELS), word)
    else:
        reported_status = np.full(len(sel), None, dtype=object)
    dynamic = pd.DataFrame(
        {
            "is_due": np.concatenate([s.is_due for s in snaps]),
            "status": pd.Categorical.from_codes(status, dtype=STATUS_DTYPE),
            "status_code": _take_labels(list(va.STATUS_LABELS), status.astype(np.int64)),
            "days_overdue": np.concatenate([s.days_overdue for s in snaps]),
            "days_to_due": due - day,
            "reported_status": reported_status,
            "completed_date": reported_days(r.completed),
            "report_as_of": reported_days(r.as_of),
            "reporting_unit": reported("unit"),
            "note": reported("note"),
            "indicators": np.concatenate([s.indicators.n_due for s in snaps]),
            "indicators_behind": np.concatenate([s.indicators.n_behind for s in snaps]),
            "light": pd.Categorical.from_codes(
                np.concatenate([s.light for s in snaps]), dtype=LIGHT_DTYPE
            ),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    return pd.concat([_head(snaps, [n] * len(snaps)), static, dynamic], axis=1)


def indicator_table(p: PlanArrays, r: ReportArrays, snaps: list[Snapshot]) -> pd.DataFrame:
    """Return ``Assessment.indicators``: every target of a due milestone, per snapshot.

    Parameters
    ----------
    p, r
        The plan and the reports as arrays.
    snaps
        The assessed quarters' snapshots (with indicators), oldest first.

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of, milestone_id, task_id, target_no, metric, unit, comparator, due_date,
        due_quarter, target, actual, achievement, gap, basis, band, status, lead_units,
        leaders, report_as_of``.
    """
    idx = [np.flatnonzero(s.indicators.due) for s in snaps]
    idx_all = np.concatenate(idx) if idx else np.zeros(0, np.int64)
    sizes = [len(i) for i in idx]
    pairs = list(zip(snaps, idx, strict=True))
    sel = np.concatenate([s.sel[p.t_ms[i]] for s, i in pairs])
    report_as_of = np.full(len(sel), NAT)
    if len(r.as_of):
        has = sel >= 0
        report_as_of[has] = r.as_of[sel[has]]
    band = np.concatenate([s.indicators.band[i] for s, i in pairs])
    status = np.concatenate([s.status[p.t_ms[i]] for s, i in pairs])
    static = p.targets.iloc[idx_all].reset_index(drop=True)
    dynamic = pd.DataFrame(
        {
            "actual": np.concatenate([s.indicators.actual[i] for s, i in pairs]),
            "achievement": np.concatenate([s.indicators.achievement[i] for s, i in pairs]),
            "gap": np.concatenate([s.indicators.gap[i] for s, i in pairs]),
            "basis": _take_labels(["ratio", "points"], p.t_points[idx_all].astype(np.int64)),
            "band": pd.Categorical.from_codes(band, dtype=BAND_DTYPE),
            "status": pd.Categorical.from_codes(status, dtype=STATUS_DTYPE),
            "report_as_of": from_days(report_as_of),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    out = pd.concat([_head(snaps, sizes), static, dynamic], axis=1)
    first = ["quarter", "as_of", "milestone_id", "task_id", "target_no", "metric", "unit"]
    rest = ["comparator", "due_date", "due_quarter", "target", "actual", "achievement", "gap"]
    last = ["basis", "band", "status", "lead_units", "leaders", "report_as_of"]
    return out[first + rest + last]
