"""Roll-ups of milestone verdicts: by task, lead unit, leader, category and section.

Everything here works on integer arrays prepared once per plan (:class:`Grouping`): a roll-up is a
sum of per-milestone 0/1 flags over the milestones of each group, done with one
``numpy.add.reduceat`` per grouping and quarter; no Python loop runs per row. A milestone whose
task has two lead units (or two leaders) counts in both groups, so unit totals can exceed the
plan's total. The rules are written down in ``docs/assessment-rules.md`` (sections 4 and
5); the watch list is :mod:`~taskanalytics.assess.watchlist`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Light
from taskanalytics.assess.rules import AssessmentRules

__all__ = [
    "COUNT_COLUMNS",
    "GROUPINGS",
    "NO_LIGHT",
    "SUMMED_FLAGS",
    "Grouping",
    "build_groupings",
    "complete_sums",
    "group_light",
    "red_rows",
    "repeat_rows",
    "rollup_frame",
    "row_light",
]

#: The light code of a roll-up row with nothing due: no light (shown as ``va.NO_LIGHT_LABEL``).
NO_LIGHT: Final = -1

#: Count columns of every roll-up table, in order (``on_time_rate``, ``completion_share``,
#: ``light`` and ``red_streak`` follow them).
COUNT_COLUMNS: Final[tuple[str, ...]] = (
    "milestones",
    "due",
    "done",
    "done_on_time",
    "done_late",
    "overdue",
    "not_reported",
    "due_today",  # due on the as-of day, not done: due but not late (rule 2)
    "due_soon",
    "not_due",
    "done_ahead",
    "indicators",
    "indicators_behind",
    "indicators_no_data",
)
#: Flags summed per group that are not shown as columns: milestones lit red / yellow.
_LIGHT_FLAGS: Final = ("red_milestones", "yellow_milestones")
FLAG_COLUMNS: Final[tuple[str, ...]] = (*COUNT_COLUMNS, *_LIGHT_FLAGS)
#: Flags whose sums follow from other flags' sums, so they are never summed (rules 2, 4, 5):
#: due and done = done on time + done late (a milestone done late was due, since it was done
#: after its due date and by the as-of date); not due = listed - due; lit red = overdue (a
#: milestone is red exactly when 逾期未完成). Each is a summed flag plus signed others.
_DERIVED_FLAGS: Final[dict[str, tuple[str, tuple[tuple[str, int], ...]]]] = {
    "done": ("done_on_time", (("done_late", 1),)),
    "not_due": ("milestones", (("due", -1),)),
    "red_milestones": ("overdue", ()),
}
#: The flags summed per group (:func:`complete_sums` adds the others).
SUMMED_FLAGS: Final[tuple[str, ...]] = tuple(c for c in FLAG_COLUMNS if c not in _DERIVED_FLAGS)
#: Per flag, the summed flag it starts from (itself, or a derived flag's first term).
_FLAG_SOURCE: Final = [
    SUMMED_FLAGS.index(_DERIVED_FLAGS[c][0] if c in _DERIVED_FLAGS else c) for c in FLAG_COLUMNS
]

#: Roll-up name -> the ``Assessment`` attribute it fills.
GROUPINGS: Final[dict[str, str]] = {
    "task": "by_task",
    "unit": "by_unit",
    "leader": "by_leader",
    "category": "by_category",
    "section": "by_section",
}

#: Most groups x members for which :meth:`Grouping.sums` multiplies by a dense membership
#: matrix (16 MB of float64) rather than counting column by column.
_DENSE_CELLS: Final = 2_000_000

#: Tolerance of the share comparisons, so that 0.3 * 10 reaching 3 exactly is not "below".
_EPS = 1e-9

_LIGHT_CATEGORIES = pd.CategoricalDtype(list(va.LIGHT_LABELS.values()), ordered=True)
_STATUS_CATEGORIES = pd.CategoricalDtype(list(va.STATUS_LABELS.values()))


@dataclass(frozen=True)
class Grouping:
    """Which milestones belong to which group, as sorted integer pairs.

    Attributes
    ----------
    name : str
        ``task``, ``unit``, ``leader``, ``category`` or ``section``.
    keys : pandas.DataFrame
        One row per group: the key columns shown in the roll-up table.
    ms_sorted : numpy.ndarray
        Milestone positions of the (milestone, group) pairs, sorted by group.
    starts : numpy.ndarray
        Offset of each present group's first pair in ``ms_sorted``.
    present : numpy.ndarray
        Group codes that have at least one milestone, ascending (aligned with ``starts``).
    codes : numpy.ndarray
        Group code of each pair (aligned with ``ms_sorted``).
    in_order : bool
        ``ms_sorted`` is ``0, 1, 2, …`` (each milestone in at most one group, in plan order, as
        tasks list their milestones): per-milestone values need no reordering.
    dense : numpy.ndarray or None
        For a few groups (leaders, categories, sections), groups x milestones: how many pairs
        link each milestone to each group (float), so that :meth:`sums` is one matrix product.
    """

    name: str
    keys: pd.DataFrame
    ms_sorted: np.ndarray
    starts: np.ndarray
    present: np.ndarray
    codes: np.ndarray
    in_order: bool = False
    dense: np.ndarray | None = None

    def _by_group(self, values: np.ndarray) -> np.ndarray:
        """Per-milestone values (rows of ``values``) reordered as the pairs, group by group."""
        return values[: len(self.ms_sorted)] if self.in_order else values[self.ms_sorted]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Sum per-milestone values (1-D or milestones x columns) per group; empty groups give 0."""
        if values.dtype.kind in "iub" and len(self.ms_sorted):
            dtype = values.dtype if values.dtype.kind != "b" else np.int64
            if self.dense is not None and len(values) == self.dense.shape[1]:
                # few groups: a matrix product, exact for integers (sums below 2**53)
                return (self.dense @ values.astype(float)).astype(dtype)
            # small counts: one bincount per column is several times faster than gathering
            # the pairs and reduceat (exact below 2**53)
            columns = values.reshape(len(values), -1)
            out = np.column_stack(
                [self.weighted(columns[:, j]) for j in range(columns.shape[1])]
            ).astype(dtype, copy=False)
            return out.reshape((len(self.keys), *values.shape[1:]))
        out = np.zeros((len(self.keys), *values.shape[1:]), dtype=values.dtype)
        if len(self.ms_sorted):
            out[self.present] = np.add.reduceat(self._by_group(values), self.starts, axis=0)
        return out

    def counts(self, key: np.ndarray, size: int) -> np.ndarray:
        """Count the milestones of each key value ``0 .. size-1`` per group (groups x size)."""
        flat = self.codes * size + self._by_group(key)
        return np.bincount(flat, minlength=len(self.keys) * size).reshape(len(self.keys), size)

    def weighted(self, values: np.ndarray) -> np.ndarray:
        """Sum small non-negative per-milestone integers per group (int64, exact below 2**53)."""
        w = self._by_group(values)
        return np.bincount(self.codes, weights=w, minlength=len(self.keys)).astype(np.int64)

    def maxima(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        """Largest per-milestone value per group; ``empty`` for groups without milestones."""
        out = np.full(len(self.keys), empty, dtype=values.dtype)
        if len(self.ms_sorted):
            out[self.present] = np.maximum.reduceat(self._by_group(values), self.starts)
        return out


def on_time_rate(done_on_time: object, due: object, due_today: object = 0) -> object:
    """The on-time rate: done on time among the due items already judged (rules section 5).

    ``done_on_time / (due - due_today)``: a milestone due on the as-of day and not yet done
    (今日到期) is due but not yet late, so it counts neither for nor against the rate. Empty
    (NaN) when nothing judged is due.

    Parameters
    ----------
    done_on_time, due, due_today
        Counts: numbers, numpy arrays or pandas Series of the same shape.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        The rate in 0..1, NaN where nothing is judged.

    Examples
    --------
    >>> on_time_rate(3, 5, 1)
    0.75
    """
    judged = np.asarray(due, dtype=float) - np.asarray(due_today, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(judged > 0, np.asarray(done_on_time, dtype=float) / judged, np.nan)
    if isinstance(due, pd.Series):
        return pd.Series(rate, index=due.index, name="on_time_rate")
    return float(rate) if rate.ndim == 0 else rate


def _grouping(
    name: str, keys: pd.DataFrame, ms: np.ndarray, group: np.ndarray, n_members: int
) -> Grouping:
    """The grouping of ``n_members`` milestones (or tasks) given as (``ms``, ``group``) pairs."""
    order = np.argsort(group, kind="stable")
    sorted_groups = group[order].astype(np.int64)
    present, starts = np.unique(sorted_groups, return_index=True)
    ms_sorted = ms[order]
    dense = None
    cells = len(keys) * n_members
    if len(ms_sorted) and cells <= _DENSE_CELLS and sorted_groups[0] >= 0:
        links = np.bincount(sorted_groups * n_members + ms_sorted, minlength=cells)
        dense = links.reshape(len(keys), n_members).astype(float)
    return Grouping(
        name,
        keys.reset_index(drop=True),
        ms_sorted,
        starts,
        present,
        sorted_groups,
        in_order=bool(np.array_equal(ms_sorted, np.arange(len(ms_sorted)))),
        dense=dense,
    )


def _pairs(
    tasks: pd.DataFrame, column: str, ms_task: np.ndarray | None
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Explode a list column of tasks into (milestone, name code) pairs, names in first-seen order.

    With ``ms_task`` None, the pairs are (task position, name code).
    """
    exploded = tasks[column].reset_index(drop=True).explode().dropna()
    values = exploded.to_numpy(dtype=object)
    names = pd.Index(pd.unique(values), dtype=object)
    t, g = exploded.index.to_numpy(dtype=np.int64), names.get_indexer(values)
    if ms_task is None:
        return names, t, g
    pairs = pd.DataFrame({"t": t, "g": g})
    joined = pd.DataFrame({"t": ms_task, "ms": np.arange(len(ms_task))}).merge(pairs, on="t")
    return names, joined["ms"].to_numpy(), joined["g"].to_numpy()


def _factorize_categories(
    tasks: pd.DataFrame, sec_codes: np.ndarray, sec_keys: pd.Index
) -> tuple[np.ndarray, pd.DataFrame]:
    """(section, category) pairs in first-seen order: codes per task and the key frame."""
    names = ["section", "category"]
    cat_only, cat_names = pd.factorize(tasks["category"])
    if (sec_codes < 0).any() or (cat_only < 0).any():  # missing names: let pandas decide
        codes, keys = pd.MultiIndex.from_frame(tasks[names]).factorize()
        return codes, keys.to_frame(index=False, name=names)
    k = len(cat_names)
    codes, pairs = pd.factorize(sec_codes.astype(np.int64) * k + cat_only)
    keys = pd.DataFrame(
        {"section": sec_keys.take(pairs // k), "category": cat_names.take(pairs % k)}
    )
    return codes, keys


def build_groupings(
    tasks: pd.DataFrame, ms_task: np.ndarray, *, by_task: bool = False
) -> dict[str, Grouping]:
    """Build the five groupings of a plan.

    Parameters
    ----------
    tasks
        ``plan.tasks``; not modified.
    ms_task
        For each milestone (plan order), the position of its task in ``tasks``.
    by_task
        If true, the ``unit``, ``leader``, ``category`` and ``section`` groupings group *tasks*
        (positions in ``tasks``), not milestones: apply them to the per-task results of the
        ``task`` grouping (sums of sums, maxima of maxima), which is exact and much smaller.

    Returns
    -------
    dict of str to Grouping
        Keyed by ``task``, ``unit``, ``leader``, ``category``, ``section``.
    """
    ms_all = np.arange(len(ms_task))
    task_keys = tasks[["task_id", "title", "section", "category", "lead_units", "leaders"]].rename(
        columns={"title": "task_title"}
    )
    link = None if by_task else ms_task
    members = np.arange(len(tasks)) if by_task else ms_all
    units, u_ms, u_code = _pairs(tasks, "lead_units", link)
    leaders, l_ms, l_code = _pairs(tasks, "leaders", link)
    sec_codes, sec_keys = pd.factorize(tasks["section"])
    cat_codes, cat_keys = _factorize_categories(tasks, sec_codes, sec_keys)
    if not by_task:
        cat_codes, sec_codes = cat_codes[ms_task], sec_codes[ms_task]
    n = len(members)
    return {
        "task": _grouping("task", task_keys, ms_all, ms_task, len(ms_all)),
        "unit": _grouping("unit", pd.DataFrame({"unit": units}), u_ms, u_code, n),
        "leader": _grouping("leader", pd.DataFrame({"leader": leaders}), l_ms, l_code, n),
        "category": _grouping("category", cat_keys, members, cat_codes, n),
        "section": _grouping("section", pd.DataFrame({"section": sec_keys}), members, sec_codes, n),
    }


def _at_least(part: np.ndarray, whole: np.ndarray, share: float) -> np.ndarray:
    """``part / whole >= share``, exact at the boundary (1 of 4 is 25 %), False where whole is 0."""
    return (whole > 0) & (part >= share * whole - _EPS * np.maximum(whole, 1))


def red_rows(
    *,
    due: np.ndarray,
    overdue: np.ndarray,
    not_reported: np.ndarray,
    max_days_overdue: np.ndarray,
    rules: AssessmentRules,
) -> np.ndarray:
    """Whether each roll-up row is 红 (rule 4); rows with nothing due never are.

    Red when the share of due milestones 逾期未完成 reaches ``rules.red_overdue_share``, or the
    share 未报送 reaches ``rules.red_not_reported_share``, or (if ``rules.red_days_overdue`` is
    set) a milestone is 逾期未完成 by more than that many days. Red depends on statuses only,
    so red streaks need no indicators.

    Parameters
    ----------
    due, overdue, not_reported
        Counts per row (:data:`COUNT_COLUMNS`).
    max_days_overdue
        Per row, the most days any of its 逾期未完成 milestones is overdue (0 when none).
    rules
        The thresholds.

    Returns
    -------
    numpy.ndarray
        bool, one per row.

    Examples
    --------
    >>> red_rows(due=np.array([4, 4, 0]), overdue=np.array([1, 0, 0]),
    ...          not_reported=np.array([0, 1, 0]), max_days_overdue=np.array([9, 0, 0]),
    ...          rules=AssessmentRules()).tolist()
    [True, False, False]
    """
    red = _at_least(overdue, due, rules.red_overdue_share)
    red |= _at_least(not_reported, due, rules.red_not_reported_share)
    if rules.red_days_overdue is not None:
        red |= (due > 0) & (overdue > 0) & (max_days_overdue > rules.red_days_overdue)
    return red


def row_light(
    *,
    due: np.ndarray,
    overdue: np.ndarray,
    not_reported: np.ndarray,
    indicators: np.ndarray,
    indicators_behind: np.ndarray,
    max_days_overdue: np.ndarray,
    rules: AssessmentRules,
) -> np.ndarray:
    """:class:`~taskanalytics.assess.codes.Light` code of each roll-up row (rule 4).

    No light (:data:`NO_LIGHT`) when nothing is due; 红 by :func:`red_rows`; else 黄 when any
    due milestone is 逾期未完成, or (``rules.not_reported_is_yellow``) any is 未报送, or the share
    of indicators 滞后 reaches ``rules.yellow_behind_share``; else 绿. 临期 milestones, not yet
    due, do not colour a row.

    Parameters
    ----------
    due, overdue, not_reported, indicators, indicators_behind
        Counts per row (:data:`COUNT_COLUMNS`); arrays or Series of equal length.
    max_days_overdue
        Per row, the most days any of its 逾期未完成 milestones is overdue (0 when none).
    rules
        The thresholds.

    Returns
    -------
    numpy.ndarray
        int8 codes, :data:`NO_LIGHT` where nothing is due.

    Examples
    --------
    >>> row_light(due=np.array([8, 8, 8, 0]), overdue=np.array([2, 1, 0, 0]),
    ...           not_reported=np.zeros(4), indicators=np.zeros(4),
    ...           indicators_behind=np.zeros(4), max_days_overdue=np.zeros(4),
    ...           rules=AssessmentRules()).tolist()
    [2, 1, 0, -1]
    """
    due, overdue, not_reported, indicators, indicators_behind, max_days_overdue = (
        np.asarray(x, dtype=np.int64)
        for x in (due, overdue, not_reported, indicators, indicators_behind, max_days_overdue)
    )
    red = red_rows(
        due=due,
        overdue=overdue,
        not_reported=not_reported,
        max_days_overdue=max_days_overdue,
        rules=rules,
    )
    yellow = (overdue > 0) | _at_least(indicators_behind, indicators, rules.yellow_behind_share)
    if rules.not_reported_is_yellow:
        yellow |= not_reported > 0
    light = np.where(red, Light.RED, np.where(yellow, Light.YELLOW, Light.GREEN))
    return np.where(due > 0, light, NO_LIGHT).astype(np.int8)


def complete_sums(summed: np.ndarray) -> np.ndarray:
    """Every flag's sums (groups x :data:`FLAG_COLUMNS`) from those of :data:`SUMMED_FLAGS`.

    Parameters
    ----------
    summed
        Groups x :data:`SUMMED_FLAGS` summed flags.

    Returns
    -------
    numpy.ndarray
        int64; a derived flag (``_DERIVED_FLAGS``) is the signed sum of its terms.
    """
    out = summed[:, _FLAG_SOURCE].astype(np.int64, copy=False)  # row by row: one pass
    for name, (_, terms) in _DERIVED_FLAGS.items():
        for term, sign in terms:
            out[:, FLAG_COLUMNS.index(name)] += sign * summed[:, SUMMED_FLAGS.index(term)]
    return out


def group_light(sums: np.ndarray, max_days: np.ndarray, rules: AssessmentRules) -> np.ndarray:
    """:func:`row_light` of each group from its summed flags (groups x :data:`FLAG_COLUMNS`).

    Parameters
    ----------
    sums
        Summed flags per group.
    max_days
        Per group, the most days a 逾期未完成 milestone of it is overdue (0 when none).
    rules
        The thresholds.
    """

    def col(name: str) -> np.ndarray:
        return sums[:, FLAG_COLUMNS.index(name)]

    return row_light(
        due=col("due"),
        overdue=col("overdue"),
        not_reported=col("not_reported"),
        indicators=col("indicators"),
        indicators_behind=col("indicators_behind"),
        max_days_overdue=max_days,
        rules=rules,
    )


def red_streaks(reds: list[np.ndarray]) -> list[np.ndarray]:
    """Consecutive quarters red, ending at each quarter (0 when that quarter is not red).

    Parameters
    ----------
    reds
        One boolean array per quarter, oldest first, each with one entry per group.
    """
    out: list[np.ndarray] = []
    run = np.zeros(len(reds[0]) if reds else 0, dtype=np.int64)
    for red in reds:
        run = np.where(red, run + 1, 0)
        out.append(run)
    return out


def repeat_rows(frame: pd.DataFrame, times: int) -> pd.DataFrame:
    """``frame``'s rows ``times`` times over, with a fresh ``RangeIndex``.

    The same frame as ``frame.iloc[np.tile(np.arange(len(frame)), times)]`` with its index
    reset, but copied block by block (no index array, no gathering): the tables repeat the
    plan's columns once per quarter.
    """
    if times == 0:
        return frame.iloc[:0].reset_index(drop=True)
    return pd.concat([frame] * times, ignore_index=True)


def rollup_frame(
    grouping: Grouping,
    quarters: list[str],
    as_of: list[pd.Timestamp],
    sums: list[np.ndarray],
    streaks: list[np.ndarray],
    worst: list[np.ndarray] | None = None,
    *,
    max_days: list[np.ndarray],
    lights: list[np.ndarray],
) -> pd.DataFrame:
    """Stack one roll-up table over quarters.

    Parameters
    ----------
    grouping
        The grouping (its ``keys`` give the key columns).
    quarters, as_of
        The assessed quarters and their as-of dates, one per entry of ``sums``.
    sums
        Per quarter, groups x ``FLAG_COLUMNS`` summed flags.
    streaks
        Per quarter, consecutive quarters red per group.
    worst
        For the task table: per quarter, the worst status code per group (-1 when none).
    max_days
        Per quarter, the most days a 逾期未完成 milestone of each group is overdue (0 when none).
    lights
        Per quarter, the light code of each group (:func:`group_light`; :data:`NO_LIGHT` none).

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of``, the key columns, ``status`` (task table only), the
        :data:`COUNT_COLUMNS`, ``on_time_rate``, ``completion_share``, ``max_days_overdue``,
        ``light`` (missing when nothing is due), ``red_streak``.
    """
    n = len(grouping.keys)
    # flags x rows: each count column is a contiguous row, shown without another copy
    total = (
        np.concatenate([s.T for s in sums], axis=1)
        if sums
        else np.zeros((len(FLAG_COLUMNS), 0), dtype=np.int64)
    )
    keys = repeat_rows(grouping.keys, len(quarters))
    head = pd.DataFrame(
        {
            "quarter": np.repeat(np.asarray(quarters, dtype=object), n),
            "as_of": np.repeat(np.asarray(as_of, dtype="datetime64[ns]"), n),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    cols: dict[str, object] = {}
    if worst is not None:
        codes = np.concatenate(worst)
        cols["status"] = pd.Categorical.from_codes(codes, dtype=_STATUS_CATEGORIES)
    for j, name in enumerate(COUNT_COLUMNS):
        cols[name] = total[j].astype(np.int64, copy=False)
    due = total[COUNT_COLUMNS.index("due")]
    listed = total[COUNT_COLUMNS.index("milestones")]
    on_time = total[COUNT_COLUMNS.index("done_on_time")]
    done_all = total[COUNT_COLUMNS.index("done")] + total[COUNT_COLUMNS.index("done_ahead")]
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["on_time_rate"] = on_time_rate(on_time, due, total[COUNT_COLUMNS.index("due_today")])
        cols["completion_share"] = np.where(listed > 0, done_all / np.maximum(listed, 1), np.nan)
    cols["max_days_overdue"] = (
        np.concatenate(max_days).astype(np.int64) if max_days else np.zeros(0, np.int64)
    )
    codes = np.concatenate(lights) if lights else np.zeros(0, np.int8)
    cols["light"] = pd.Categorical.from_codes(codes, dtype=_LIGHT_CATEGORIES)  # -1: missing
    cols["red_streak"] = np.concatenate(streaks) if streaks else np.zeros(0, np.int64)
    return pd.concat([head, keys, pd.DataFrame(cols, copy=False)], axis=1)
