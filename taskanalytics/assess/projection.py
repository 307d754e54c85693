"""Year-end projection of cumulative indicators: "will it be delivered?".

For each cumulative quantitative series (one task's metric over its milestones: 化解政府性债务
17501 → 63422 → 68863 → 70289 万元) the latest reported actual is compared with what the plan's
own trajectory asked for by the day it was reported, and that pace is carried to the year-end
target (rules in ``docs/assessment-rules.md``, 年底预计):

- the plan's trajectory runs in straight lines from 0 on the plan year's first day through every
  target of the series at its due date; after the last due date it stays at the last target.
  A series with one target (an annual figure only) is a straight line from 0 to it;
- ``planned`` is the trajectory on the day of the latest report (its ``actual_as_of``);
  ``pace = actual / planned``; ``projected = max(actual, pace × year-end target)``;
- 年底完成有风险 when ``projected`` falls short of the year-end target; 已完成年度目标 when the
  actual already reaches it;
- no projection without a reported point, for a rate or change (unit %, 百分点, or a metric
  that may fall), a ``<=`` target, a series whose targets decrease, or a report dated on the
  plan year's first day (nothing was planned yet).

A projection is never a schedule status: the milestones' statuses and the lights do not read it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va

if TYPE_CHECKING:
    from taskanalytics.assess.result import Assessment

__all__ = ["PROJECTION_COLUMNS", "planned_at", "projections"]

#: Columns of :func:`projections`.
PROJECTION_COLUMNS = [
    "task_id", "metric", "unit", "target", "due_date", "actual", "actual_as_of", "planned",
    "pace", "projected", "shortfall", "method", "outlook", "outlook_code",
]  # fmt: skip


def planned_at(
    day: dt.date, due_dates: list[dt.date], targets: list[float], *, year_start: dt.date
) -> float:
    """The plan's trajectory on ``day``: straight lines from 0 on ``year_start`` through each
    ``(due date, target)``, flat after the last.

    Examples
    --------
    >>> d = dt.date
    >>> planned_at(d(2023, 5, 16), [d(2023, 3, 31), d(2023, 6, 30)], [100.0, 400.0],
    ...            year_start=d(2023, 1, 1))  # 46 of the 91 days from 3-31 to 6-30
    251.64835164835165
    """
    x0, y0 = year_start, 0.0
    for due, target in zip(due_dates, targets, strict=True):
        if day <= due:
            span = (due - x0).days
            return target if span <= 0 else y0 + (target - y0) * (day - x0).days / span
        x0, y0 = due, target
    return float(targets[-1])


def projections(assessment: Assessment) -> pd.DataFrame:
    """Return the year-end projection of every cumulative series of the plan.

    Parameters
    ----------
    assessment
        An :class:`~taskanalytics.assess.result.Assessment`; its as-of date bounds the reports.

    Returns
    -------
    pandas.DataFrame
        :data:`PROJECTION_COLUMNS`, one row per (task, metric) with a cumulative series, in plan
        order: the year-end ``target`` and its ``due_date``, the latest ``actual`` and the day it
        speaks for, ``planned`` (the trajectory that day), ``pace``, ``projected``,
        ``shortfall`` (``target - projected``, 0 when none), ``method`` (``trajectory`` or
        ``straight_line``), ``outlook_code`` (``at_risk``, ``on_track``, ``met``, or
        ``no_data`` without a reported point: then the numbers are empty) and ``outlook``, its
        Chinese label (年底完成有风险 …, :data:`~taskanalytics.assess.vocab.OUTLOOK_LABELS`).
    """
    targets = assessment._plan.targets  # the plan's targets, in plan order
    order = {tid: i for i, tid in enumerate(dict.fromkeys(targets["task_id"]))}
    year_start = dt.date(assessment.as_of.year, 1, 1)
    rows = []
    actual, actual_as_of = _latest_actuals(assessment)
    reported = targets.assign(actual=actual, actual_as_of=actual_as_of)
    for (task_id, metric), group in reported.groupby(["task_id", "metric"], sort=False):
        if not _cumulative(group):
            continue
        series = group.sort_values(["due_date", "target_no"], kind="stable")
        rows.append(_project(task_id, metric, series, year_start))
    out = pd.DataFrame(rows, columns=[c for c in PROJECTION_COLUMNS if c != "outlook_code"])
    out = out.rename(columns={"outlook": "outlook_code"})
    out.insert(len(out.columns) - 1, "outlook", out["outlook_code"].map(va.OUTLOOK_LABELS))
    out["_order"] = out["task_id"].map(order)
    return out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def _latest_actuals(assessment: Assessment) -> tuple[np.ndarray, np.ndarray]:
    """Each target's latest reported actual up to the as-of date, whatever its due date (a
    unit reports a year-end amount as it grows), and the day that report speaks for."""
    from taskanalytics.assess.inputs import NAT, day_number, from_days

    p, r = assessment._plan, assessment._reports
    last = day_number(assessment.as_of)
    as_of = np.full(len(p.targets), NAT)
    sel = r.select(int(last), len(p.ids))[p.t_ms]
    cols = np.array([r.actual_col.get(int(k), -1) for k in p.t_no], dtype=np.int64)
    actual = r.actuals(sel, cols)
    ok = (sel >= 0) & (cols >= 0)
    as_of[ok] = r.as_of[sel[ok]]
    return actual, from_days(as_of)


def _cumulative(group: pd.DataFrame) -> bool:
    """A series that adds up over the year: counts and amounts, targets never decreasing."""
    unit = group["unit"].iloc[0]
    unit = unit if isinstance(unit, str) else ""
    if (
        unit in va.RATE_UNITS
        or unit in va.DURATION_UNITS
        or any(w in group["metric"].iloc[0] for w in va.CHANGE_WORDS)
    ):
        return False
    if (group["comparator"] == "<=").any():
        return False
    values = group.sort_values("due_date", kind="stable")["target"].to_numpy(dtype=float)
    return bool(len(values)) and values[-1] > 0 and bool(np.all(np.diff(values) >= 0))


def _project(
    task_id: str, metric: str, series: pd.DataFrame, year_start: dt.date
) -> dict[str, object]:
    final = float(series["target"].iloc[-1])
    due = pd.Timestamp(series["due_date"].iloc[-1])
    row: dict[str, object] = {
        "task_id": task_id, "metric": metric, "unit": series["unit"].iloc[-1], "target": final,
        "due_date": due, "actual": np.nan, "actual_as_of": pd.NaT, "planned": np.nan,
        "pace": np.nan, "projected": np.nan, "shortfall": np.nan,
        "method": "straight_line" if len(series) == 1 else "trajectory", "outlook": "no_data",
    }  # fmt: skip
    reported = series.dropna(subset=["actual"])
    if reported.empty:
        return row
    latest = reported.sort_values(["actual_as_of", "due_date"], kind="stable").iloc[-1]
    actual, day = float(latest["actual"]), pd.Timestamp(latest["actual_as_of"]).date()
    planned = planned_at(
        day,
        [pd.Timestamp(d).date() for d in series["due_date"]],
        [float(v) for v in series["target"]],
        year_start=year_start,
    )
    if planned <= 0:
        return row
    pace = actual / planned
    projected = max(actual, pace * final)
    outlook = "met" if actual >= final else ("at_risk" if projected < final else "on_track")
    row.update(
        actual=actual, actual_as_of=pd.Timestamp(day), planned=planned, pace=pace,
        projected=projected, shortfall=max(final - projected, 0.0), outlook=outlook,
    )  # fmt: skip
    return row
