"""Roll-ups of milestone verdicts: by task, lead unit, leader, category and section; the watch list.

Everything here works on integer arrays prepared once per plan (:class:`Grouping`): a roll-up is a
sum of per-milestone 0/1 flags over the milestones of each group, done with one
``numpy.add.reduceat`` per grouping and quarter; no Python loop runs per row. A milestone whose
task has two lead units (or two leaders) counts in both groups, so unit totals can exceed the
plan's total. The rules are written down in ``docs/assessment-rules.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from taskanalytics import vocab_assess as va

__all__ = ["COUNT_COLUMNS", "GROUPINGS", "Grouping", "build_groupings", "rollup_frame"]

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

#: Roll-up name -> the ``Assessment`` attribute it fills.
GROUPINGS: Final[dict[str, str]] = {
    "task": "by_task",
    "unit": "by_unit",
    "leader": "by_leader",
    "category": "by_category",
    "section": "by_section",
}

_STATUS_CODES = tuple(va.STATUS_LABELS)
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
    """

    name: str
    keys: pd.DataFrame
    ms_sorted: np.ndarray
    starts: np.ndarray
    present: np.ndarray

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Sum per-milestone values (1-D or milestones x columns) per group; empty groups give 0."""
        out = np.zeros((len(self.keys), *values.shape[1:]), dtype=values.dtype)
        if len(self.ms_sorted):
            out[self.present] = np.add.reduceat(values[self.ms_sorted], self.starts, axis=0)
        return out

    def maxima(self, values: np.ndarray, empty: int = -1) -> np.ndarray:
        """Largest per-milestone value per group; ``empty`` for groups without milestones."""
        out = np.full(len(self.keys), empty, dtype=values.dtype)
        if len(self.ms_sorted):
            out[self.present] = np.maximum.reduceat(values[self.ms_sorted], self.starts)
        return out


def _grouping(name: str, keys: pd.DataFrame, ms: np.ndarray, group: np.ndarray) -> Grouping:
    order = np.argsort(group, kind="stable")
    sorted_groups = group[order]
    present, starts = np.unique(sorted_groups, return_index=True)
    return Grouping(name, keys.reset_index(drop=True), ms[order], starts, present)


def _pairs(
    tasks: pd.DataFrame, column: str, ms_task: np.ndarray
) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Explode a list column of tasks into (milestone, name code) pairs, names in first-seen order."""
    exploded = tasks[column].reset_index(drop=True).explode().dropna()
    values = exploded.to_numpy(dtype=object)
    names = pd.Index(pd.unique(values), dtype=object)
    pairs = pd.DataFrame({"t": exploded.index.to_numpy(), "g": names.get_indexer(values)})
    joined = pd.DataFrame({"t": ms_task, "ms": np.arange(len(ms_task))}).merge(pairs, on="t")
    return names, joined["ms"].to_numpy(), joined["g"].to_numpy()


def build_groupings(tasks: pd.DataFrame, ms_task: np.ndarray) -> dict[str, Grouping]:
    """Build the five groupings of a plan.

    Parameters
    ----------
    tasks
        ``plan.tasks``; not modified.
    ms_task
        For each milestone (plan order), the position of its task in ``tasks``.

    Returns
    -------
    dict of str to Grouping
        Keyed by ``task``, ``unit``, ``leader``, ``category``, ``section``.
    """
    ms_all = np.arange(len(ms_task))
    task_keys = tasks[["task_id", "title", "section", "category", "lead_units", "leaders"]].rename(
        columns={"title": "task_title"}
    )
    units, u_ms, u_code = _pairs(tasks, "lead_units", ms_task)
    leaders, l_ms, l_code = _pairs(tasks, "leaders", ms_task)
    cat_codes, cat_keys = pd.MultiIndex.from_frame(tasks[["section", "category"]]).factorize()
    sec_codes, sec_keys = pd.factorize(tasks["section"])
    return {
        "task": _grouping("task", task_keys, ms_all, ms_task),
        "unit": _grouping("unit", pd.DataFrame({"unit": units}), u_ms, u_code),
        "leader": _grouping("leader", pd.DataFrame({"leader": leaders}), l_ms, l_code),
        "category": _grouping(
            "category",
            cat_keys.to_frame(index=False, name=["section", "category"]),
            ms_all,
            cat_codes[ms_task],
        ),
        "section": _grouping(
            "section", pd.DataFrame({"section": sec_keys}), ms_all, sec_codes[ms_task]
        ),
    }


def group_light(sums: np.ndarray) -> np.ndarray:
    """Light code per group (0 green, 1 yellow, 2 red) from summed flags (groups x flags).

    A group is red when any of its milestones is red (逾期未完成), else yellow when any is yellow
    (an indicator behind, 临期, or a due milestone not reported), else green.
    """
    red = sums[:, FLAG_COLUMNS.index("red_milestones")] > 0
    yellow = sums[:, FLAG_COLUMNS.index("yellow_milestones")] > 0
    return np.where(red, 2, np.where(yellow, 1, 0)).astype(np.int8)


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


def rollup_frame(
    grouping: Grouping,
    quarters: list[str],
    as_of: list[pd.Timestamp],
    sums: list[np.ndarray],
    streaks: list[np.ndarray],
    worst: list[np.ndarray] | None = None,
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

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of``, the key columns, ``status`` (task table only), the
        :data:`COUNT_COLUMNS`, ``on_time_rate``, ``completion_share``, ``light``, ``red_streak``.
    """
    n = len(grouping.keys)
    total = np.concatenate(sums) if sums else np.zeros((0, len(FLAG_COLUMNS)), dtype=np.int64)
    keys = grouping.keys.iloc[np.tile(np.arange(n), len(quarters))].reset_index(drop=True)
    head = pd.DataFrame(
        {
            "quarter": np.repeat(np.asarray(quarters, dtype=object), n),
            "as_of": np.repeat(np.asarray(as_of, dtype="datetime64[ns]"), n),
        }
    )
    cols: dict[str, object] = {}
    if worst is not None:
        codes = np.concatenate(worst)
        cols["status"] = pd.Categorical.from_codes(codes, dtype=_STATUS_CATEGORIES)
    for j, name in enumerate(COUNT_COLUMNS):
        cols[name] = total[:, j].astype(np.int64)
    due = total[:, COUNT_COLUMNS.index("due")]
    listed = total[:, COUNT_COLUMNS.index("milestones")]
    on_time = total[:, COUNT_COLUMNS.index("done_on_time")]
    done_all = total[:, COUNT_COLUMNS.index("done")] + total[:, COUNT_COLUMNS.index("done_ahead")]
    with np.errstate(divide="ignore", invalid="ignore"):
        cols["on_time_rate"] = np.where(due > 0, on_time / np.maximum(due, 1), np.nan)
        cols["completion_share"] = np.where(listed > 0, done_all / np.maximum(listed, 1), np.nan)
    lights = np.concatenate([group_light(s) for s in sums]) if sums else np.zeros(0, np.int8)
    cols["light"] = pd.Categorical.from_codes(lights, dtype=_LIGHT_CATEGORIES)
    cols["red_streak"] = np.concatenate(streaks) if streaks else np.zeros(0, np.int64)
    return pd.concat([head, keys, pd.DataFrame(cols)], axis=1)


def watchlist_frame(
    milestones: pd.DataFrame,
    indicators: pd.DataFrame,
    indicator_rows: np.ndarray,
    task_streak: np.ndarray,
    owners_text: tuple[np.ndarray, np.ndarray],
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

    Returns
    -------
    pandas.DataFrame
        ``quarter, as_of, severity, reason, milestone_id, task_id, task_title, text, due_date,
        status, days_overdue, lead_units, leaders, behind, achievement, note, reporting_unit,
        report_as_of, red_streak``; ``lead_units`` and ``leaders`` joined with 、, ``behind``
        lists the indicators behind as ``metric actual/target unit``.
    """
    codes = milestones["status_code"].to_numpy()
    overdue = codes == "overdue"
    unreported = (codes == "not_reported") & milestones["is_due"].to_numpy()
    behind = milestones["indicators_behind"].to_numpy() > 0
    keep = overdue | unreported | behind
    if not keep.any():
        return _empty_watchlist()
    is_behind = (indicators["band"] == va.BAND_LABELS["behind"]).to_numpy()
    behind_ind = indicators.loc[is_behind]
    text = (
        behind_ind["metric"].astype(str)
        + " "
        + [f"{v:,.6g}" for v in behind_ind["actual"].to_numpy()]
        + "/"
        + [f"{v:,.6g}" for v in behind_ind["target"].to_numpy()]
        + behind_ind["unit"].fillna("").astype(str)
        + va.REASON_SEPARATOR
    ).to_numpy(dtype=object)
    rows = indicator_rows[is_behind]
    order = np.argsort(rows, kind="stable")
    rows, text = rows[order], text[order]
    ach = behind_ind["achievement"].to_numpy(dtype=float)[order]
    behind_text = np.full(len(milestones), None, dtype=object)
    achievement = np.full(len(milestones), np.nan)
    if len(rows):
        owners, starts = np.unique(rows, return_index=True)
        joined = np.add.reduceat(text, starts)  # string concatenation per milestone
        behind_text[owners] = [t[: -len(va.REASON_SEPARATOR)] for t in joined]
        achievement[owners] = np.fmin.reduceat(ach, starts)
    m = milestones.loc[keep]
    severity = np.maximum.reduce(
        [
            np.where(overdue[keep], va.WATCH_SEVERITY["overdue"], 0),
            np.where(behind[keep], va.WATCH_SEVERITY["behind"], 0),
            np.where(unreported[keep], va.WATCH_SEVERITY["not_reported"], 0),
        ]
    )
    # one label per combination of (overdue, behind, unreported)
    combos = [
        va.REASON_SEPARATOR.join(
            va.WATCH_REASONS[c] for c, on in zip(va.WATCH_REASONS, (o, b, u), strict=True) if on
        )
        for o in (0, 1)
        for b in (0, 1)
        for u in (0, 1)
    ]
    combo = overdue[keep] * 4 + behind[keep] * 2 + unreported[keep]
    reason = np.array(combos, dtype=object)[combo]
    pos = np.flatnonzero(keep)
    plan_pos = pos % len(owners_text[0])
    out = pd.DataFrame(
        {
            "quarter": m["quarter"].to_numpy(),
            "as_of": m["as_of"].to_numpy(),
            "severity": severity.astype(np.int64),
            "reason": reason,
            "milestone_id": m["milestone_id"].array,
            "task_id": m["task_id"].array,
            "task_title": m["task_title"].array,
            "text": m["text"].array,
            "due_date": m["due_date"].to_numpy(),
            "status": m["status"].array,
            "days_overdue": m["days_overdue"].to_numpy(),
            "lead_units": owners_text[0][plan_pos],
            "leaders": owners_text[1][plan_pos],
            "behind": behind_text[keep],
            "achievement": achievement[keep],
            "note": m["note"].array,
            "reporting_unit": m["reporting_unit"].array,
            "report_as_of": m["report_as_of"].to_numpy(),
            "red_streak": task_streak[keep].astype(np.int64),
        }
    )
    order = np.lexsort(
        (
            plan_pos,
            np.nan_to_num(out["achievement"].to_numpy(), nan=np.inf),
            -out["days_overdue"].to_numpy(),
            -out["severity"].to_numpy(),
            pd.factorize(out["quarter"])[0],
        )
    )
    return out.iloc[order].reset_index(drop=True)


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


def _empty_watchlist() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in WATCHLIST_COLUMNS})
