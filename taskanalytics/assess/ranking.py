"""单位排名: lead units ranked by on-time rate, with 先进 and 后进 named (rules, section 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.assess.rules import DEFAULT_RULES, AssessmentRules

__all__ = ["RANKING_COLUMNS", "rank_units"]

#: Columns of :func:`rank_units`, in order (schema table ``assessment.unit_ranking``).
RANKING_COLUMNS = (
    "quarter",
    "as_of",
    "rank",
    "unit",
    "standing",
    "due",
    "done_on_time",
    "overdue",
    "not_reported",
    "max_days_overdue",
    "on_time_rate",
    "light",
    "standing_note",
)
#: Sort keys after the on-time rate: fewer overdue, then fewer days overdue at most.
_TIE_BREAKS = ("overdue", "max_days_overdue")


def _rank_one(rows: pd.DataFrame, rules: AssessmentRules) -> pd.DataFrame:
    """Rank one quarter's units (``rows`` in plan order)."""
    rows = rows.reset_index(drop=True).assign(_order=lambda f: np.arange(len(f)))
    ranked = rows["due"] >= rules.min_due_for_ranking
    r = rows[ranked].sort_values(
        ["on_time_rate", *_TIE_BREAKS, "_order"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    keys = r[["on_time_rate", *_TIE_BREAKS]].to_numpy(dtype=float)
    n = len(r)
    # units equal on every criterion share a rank (1, 2, 2, 4); plan order only lists them
    new = np.ones(n, dtype=bool)
    if n > 1:
        new[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    position = np.arange(1, n + 1)
    rank = np.maximum.accumulate(np.where(new, position, 0)) if n else position
    # the same from the bottom: a unit's place counted from the worst end
    new_from_end = np.ones(n, dtype=bool)
    if n > 1:
        new_from_end[:-1] = new[1:]
    from_end = np.maximum.accumulate(np.where(new_from_end[::-1], position, 0))[::-1] if n else rank
    named = min(rules.ranking_named, n // 2)
    advanced = rank <= named
    lagging = (from_end <= named) & ~advanced
    standing = np.where(advanced, "advanced", np.where(lagging, "lagging", "ranked"))
    r = r.assign(rank=rank, _standing=standing, standing_note="")
    rest = rows[~ranked].assign(
        rank=pd.NA,
        _standing="unranked",
        standing_note=[
            va.UNRANKED_REASON.format(due=int(d), minimum=rules.min_due_for_ranking)
            for d in rows.loc[~ranked, "due"]
        ],
    )
    out = pd.concat([r, rest], ignore_index=True)
    out["standing"] = out.pop("_standing").map(va.STANDING_LABELS)
    out["rank"] = out["rank"].astype("Int64")
    return out.drop(columns="_order")


def rank_units(
    by_unit: pd.DataFrame, rules: AssessmentRules = DEFAULT_RULES, *, quarter: str | None = None
) -> pd.DataFrame:
    """Rank lead units by on-time rate, per quarter; name 先进 and 后进 (rules, section 5).

    A unit is ranked when it has at least ``rules.min_due_for_ranking`` due milestones. Order:
    on-time rate (higher first), then fewer 逾期未完成, then fewer days overdue at most; units
    equal on all three share a rank and are listed in plan order. 先进 are the units ranked
    within the first ``k``, 后进 those within the last ``k`` (counted from the bottom, the same
    way), ``k = min(rules.ranking_named, ranked units // 2)``; a tie is never split, and a unit
    that is 先进 is never 后进. Units below the minimum come last, as 不参与排名, with the reason.
    The input is not modified.

    Parameters
    ----------
    by_unit
        ``Assessment.by_unit`` (one or more quarters).
    rules
        ``min_due_for_ranking`` and ``ranking_named`` are used.
    quarter
        Only this quarter; default every quarter of ``by_unit``.

    Returns
    -------
    pandas.DataFrame
        :data:`RANKING_COLUMNS`: ``rank`` (nullable int; missing when not ranked), ``standing``
        (先进 / 后进 / 不参与排名 / empty), ``standing_note`` (why a unit is not ranked); Chinese
        labels from ``schema.labels("assessment.unit_ranking")``.

    Examples
    --------
    >>> a = assess(plan, history, "2023Q2")  # doctest: +SKIP
    >>> rank_units(a.by_unit, a.rules)[["rank", "unit", "standing"]]  # doctest: +SKIP
    """
    rows = by_unit if quarter is None else by_unit[by_unit["quarter"] == quarter]
    parts = [_rank_one(g, rules) for _, g in rows.groupby("quarter", sort=False)]
    if not parts:
        empty = rows.iloc[:0].assign(rank=pd.Series(dtype="Int64"), standing="", standing_note="")
        return empty[list(RANKING_COLUMNS)].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)[list(RANKING_COLUMNS)]
