"""The watch list (督办清单): the milestones an official has to chase, most severe first.

Rule 6 of ``docs/assessment-rules.md``: every milestone that is overdue (逾期未完成), has an
indicator behind (欠进度), or is due and not reported (未报送) is listed once per quarter, with all
its reasons; sorted by quarter, severity, days overdue, lowest achievement and plan order.

Closing the loop (督办闭环): :func:`mark_carried_over` says whether an item was on the previous
quarter's list too (持续) or is new (新增) and for how many quarters running it has been listed;
:func:`rectification_frame` follows the previous quarter's items to now (整改情况); and
:func:`units_not_reporting` names the lead units that sent nothing this quarter.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Band, Status
from taskanalytics.quarters import Quarter

__all__ = [
    "DONE_STATUS_CODES",
    "WATCHLIST_COLUMNS",
    "mark_carried_over",
    "rectification_frame",
    "units_not_reporting",
    "watchlist_frame",
]

#: Status codes of a milestone that is done (an item on the list is 已整改 once done).
DONE_STATUS_CODES: Final[tuple[str, ...]] = ("on_time", "done_late")

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
    "carried_over",
    "quarters_on_list",
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
        report_as_of, red_streak, carried_over, quarters_on_list``; ``lead_units`` and
        ``leaders`` joined with 、, ``behind`` lists the indicators behind as ``metric
        actual/target unit``; the last two from :func:`mark_carried_over` over the quarters
        given.

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
    pos = np.flatnonzero(keep)
    behind_text, achievement = _behind_text(indicators, indicator_rows, band, pos)
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
            np.nan_to_num(achievement, nan=np.inf),
            -days_overdue,
            -severity,
            pos // n_plan,  # quarters are stacked in chronological order
        )
    )
    pos, plan_pos, severity, days_overdue, behind_text, achievement = (
        pos[order],
        plan_pos[order],
        severity[order],
        days_overdue[order],
        behind_text[order],
        achievement[order],
    )
    reason = _reason_labels({code: on[order] for code, on in reasons.items()})

    def col(name: str) -> object:
        values = milestones[name].array
        return values.take(pos) if not isinstance(values, np.ndarray) else values[pos]

    listed = pd.DataFrame(
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
            "behind": behind_text,
            "achievement": achievement,
            "note": col("note"),
            "reporting_unit": col("reporting_unit"),
            "report_as_of": milestones["report_as_of"].to_numpy()[pos],
            "red_streak": task_streak[pos].astype(np.int64),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    # a fresh frame: add the carry-over columns in place rather than copying it (scaled plans)
    # each item's quarter number, from the quarter of each stacked block of ``milestones``
    numbers = _quarter_number(pd.Series(milestones["quarter"].array[::n_plan]))[pos // n_plan]
    listed["carried_over"], listed["quarters_on_list"] = _carry_over(listed, plan_pos, numbers)
    return listed


def _formatted(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct number formatted once (``{:,.6g}``), and each value's position among them."""
    unique, inverse = np.unique(values, return_inverse=True)
    text = np.array(list(map("{:,.6g}".format, unique.tolist())), dtype=object)
    return text, inverse.reshape(-1)


def _behind_text(
    indicators: pd.DataFrame, indicator_rows: np.ndarray, band: np.ndarray, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``milestones`` in ``rows`` (ascending): its indicators behind as text, and
    their lowest achievement.

    The text is ``metric actual/target unit`` per indicator behind, joined with ；(None when
    none); the achievement is NaN when none. Only the actuals vary much: the ``metric `` before
    them and the ``/target unit`` (and separator) after them are built once per distinct value.
    """
    behind_text = np.full(len(rows), None, dtype=object)
    achievement = np.full(len(rows), np.nan)
    is_behind = np.flatnonzero(band == Band.BEHIND)
    if not len(is_behind):
        return behind_text, achievement
    metric_codes, metrics = pd.factorize(indicators["metric"].array.take(is_behind))
    unit_codes, units = pd.factorize(
        indicators["unit"].array.take(is_behind), use_na_sentinel=False
    )
    order = np.argsort(indicator_rows[is_behind], kind="stable")
    metric_codes, unit_codes = metric_codes[order], unit_codes[order]
    picked = is_behind[order]  # the indicators behind, grouped by their milestone's row
    owner = indicator_rows[picked]
    prefix = (pd.Series(metrics).astype(str) + " ").to_numpy(dtype=object)
    units_text = pd.Series(units).fillna("").astype(str).to_numpy(dtype=object)
    actual_text, actual_codes = _formatted(indicators["actual"].to_numpy(dtype=float)[picked])
    target_text, target_codes = _formatted(indicators["target"].to_numpy(dtype=float)[picked])
    more = np.zeros(len(owner), dtype=np.int64)  # a separator unless a milestone's last one
    more[:-1] = owner[1:] == owner[:-1]
    tail_keys, tail_codes = np.unique(
        (target_codes * len(units) + unit_codes) * 2 + more, return_inverse=True
    )
    target_of, unit_of = np.divmod(tail_keys // 2, len(units))
    tails = (
        "/"
        + target_text[target_of]
        + units_text[unit_of]
        + np.where(tail_keys % 2 == 1, va.REASON_SEPARATOR, "").astype(object)
    )
    text = prefix[metric_codes] + actual_text[actual_codes] + tails[tail_codes.reshape(-1)]
    ach = indicators["achievement"].to_numpy(dtype=float)[picked]
    owners, starts = np.unique(owner, return_index=True)
    at = np.searchsorted(rows, owners)
    listed = at < len(rows)  # each owner's position in ``rows``, if there
    listed[listed] = rows[at[listed]] == owners[listed]
    # string concatenation per milestone
    behind_text[at[listed]] = np.add.reduceat(text, starts)[listed]
    achievement[at[listed]] = np.fmin.reduceat(ach, starts)[listed]
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
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in WATCHLIST_COLUMNS})
    return out.astype({"carried_over": bool, "quarters_on_list": np.int64})


# --------------------------------------------------------------------------- closing the loop


def _quarter_number(labels: pd.Series) -> np.ndarray:
    """Each quarter label as a running number (year * 4 + quarter), so neighbours differ by 1."""
    codes, uniques = pd.factorize(labels)
    numbers = np.array([(q.year * 4 + q.number - 1) for q in map(Quarter.parse, uniques)])
    return numbers.astype(np.int64)[codes] if len(codes) else np.zeros(0, np.int64)


def _carry_over(
    watchlist: pd.DataFrame, codes: np.ndarray | None = None, number: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``carried_over`` and ``quarters_on_list`` of each row (see :func:`mark_carried_over`).

    ``codes`` numbers the milestones (equal for equal ``milestone_id``), e.g. their plan
    positions; by default the ids are factorized. ``number`` is each row's
    :func:`_quarter_number`, computed from ``quarter`` when not given.
    """
    n = len(watchlist)
    carried = np.zeros(n, dtype=bool)
    run = np.ones(n, dtype=np.int64)
    if n:
        if number is None:
            number = _quarter_number(watchlist["quarter"])
        if codes is None:
            codes, _ = pd.factorize(watchlist["milestone_id"])
        order = np.lexsort((number, codes))
        c, q = codes[order], number[order]
        step = np.zeros(n, dtype=bool)
        step[1:] = (c[1:] == c[:-1]) & (q[1:] == q[:-1] + 1)
        # a run starts at every row that does not follow its predecessor; count within runs
        starts = np.flatnonzero(~step)
        run_length = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n))) + 1
        carried[order] = step
        run[order] = run_length
    return carried, run


def mark_carried_over(watchlist: pd.DataFrame) -> pd.DataFrame:
    """Return the watch list with ``carried_over`` (持续) and ``quarters_on_list``; input kept.

    An item is carried over when the same milestone is on the list of the calendar quarter just
    before (持续), else it is new (新增); ``quarters_on_list`` counts the consecutive quarters it
    has been listed, this one included (1 for a new item). Only the quarters in ``watchlist``
    are known: the first quarter stacked has no predecessor, so its items are all new, and a
    single-quarter assessment (:func:`~taskanalytics.assess.assess`) says nothing about
    carry-over. Recomputing an already marked frame gives the same columns.

    Parameters
    ----------
    watchlist
        Watch-list rows of one or more quarters (``quarter``, ``milestone_id``), any order;
        not modified.

    Returns
    -------
    pandas.DataFrame
        A new frame, same rows and order, with ``carried_over`` (bool) and
        ``quarters_on_list`` (int64) set (replaced if present).

    Examples
    --------
    >>> w = pd.DataFrame({"quarter": ["2023Q1", "2023Q2", "2023Q2"],
    ...                   "milestone_id": ["T001.01", "T001.01", "T002.01"]})
    >>> mark_carried_over(w)[["carried_over", "quarters_on_list"]].values.tolist()
    [[False, 1], [True, 2], [False, 1]]
    """
    carried, run = _carry_over(watchlist)
    return watchlist.assign(carried_over=carried, quarters_on_list=run)


def rectification_frame(
    watchlist: pd.DataFrame, milestones: pd.DataFrame, quarter: str
) -> pd.DataFrame:
    """Follow the previous quarter's watch-list items to ``quarter`` (上期督办事项整改情况).

    An item is rectified (已整改) when its milestone is now done (:data:`DONE_STATUS_CODES`) and
    off this quarter's list; otherwise it is still open (未整改), e.g. done but an indicator still
    behind, or still overdue.

    Parameters
    ----------
    watchlist, milestones
        The stacked ``Assessment`` tables (both quarters present); not modified.
    quarter
        The quarter now (``"2023Q2"``); the items are those of the quarter before.

    Returns
    -------
    pandas.DataFrame
        One row per item of the previous quarter's list, in that list's order: ``listed_quarter,
        milestone_id, task_id, task_title, text, lead_units, leaders, reason`` (then),
        ``days_overdue`` (then), ``status`` and ``status_code`` (now), ``on_list`` (listed now
        too), ``rectified``. Empty when the previous quarter was not assessed.

    Examples
    --------
    >>> r = rectification_frame(a.watchlist, a.milestones, "2023Q2")  # doctest: +SKIP
    >>> int(r["rectified"].sum()), int((~r["rectified"]).sum())  # doctest: +SKIP
    """
    label = Quarter.parse(quarter).label
    before = Quarter.parse(quarter).previous().label
    items = watchlist[watchlist["quarter"] == before]
    now = milestones[milestones["quarter"] == label].drop_duplicates("milestone_id")
    now = now.set_index("milestone_id")
    listed_now = set(watchlist.loc[watchlist["quarter"] == label, "milestone_id"])
    ids = items["milestone_id"]
    status = now["status"].reindex(ids.to_numpy())
    code = now["status_code"].reindex(ids.to_numpy()).to_numpy()
    on_list = ids.isin(listed_now).to_numpy()
    done = pd.Series(code).isin(DONE_STATUS_CODES).to_numpy()
    columns = ["milestone_id", "task_id", "task_title", "text", "lead_units", "leaders"]
    out = items[[*columns, "reason", "days_overdue"]].reset_index(drop=True)
    out.insert(0, "listed_quarter", before)
    return out.assign(
        status=status.to_numpy(),
        status_code=code,
        on_list=on_list,
        rectified=done & ~on_list,
    )


def units_not_reporting(
    milestones: pd.DataFrame, progress: pd.DataFrame, quarter: str
) -> pd.DataFrame:
    """Name the lead units that have milestones due and sent no report dated in ``quarter``.

    A unit counts as reporting when any stored report of it has an as-of date from the
    quarter's first day to the assessment's as-of date (a file is one unit's report).

    Parameters
    ----------
    milestones
        The ``Assessment.milestones`` table (the quarter's rows are used: ``is_due``,
        ``lead_units`` as lists, ``as_of``); not modified.
    progress
        Stored reports (``unit``, ``as_of_date``), e.g. ``load_progress_history``; not
        modified.
    quarter
        The quarter (``"2023Q2"``).

    Returns
    -------
    pandas.DataFrame
        ``unit, due, last_report_as_of`` (the unit's latest report before the quarter, NaT when
        none), in the plan's order of lead units.

    Examples
    --------
    >>> units_not_reporting(a.milestones, history, "2023Q2")["unit"].tolist()  # doctest: +SKIP
    ['区科协', '区档案馆']
    """
    q = Quarter.parse(quarter)
    rows = milestones[(milestones["quarter"] == q.label) & milestones["is_due"].astype(bool)]
    columns = ["unit", "due", "last_report_as_of"]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    as_of = pd.Timestamp(rows["as_of"].iloc[0])
    units = rows["lead_units"].explode().dropna()
    due = units.groupby(units, sort=False).size()  # plan order: first appearance
    dates = pd.to_datetime(progress["as_of_date"])
    in_quarter = (dates >= pd.Timestamp(q.start)) & (dates <= as_of)
    reported = set(progress.loc[in_quarter, "unit"])
    earlier = progress.loc[dates < pd.Timestamp(q.start)].groupby("unit")["as_of_date"].max()
    silent = [u for u in due.index if u not in reported]
    return pd.DataFrame(
        {
            "unit": pd.Series(silent, dtype=object),
            "due": due.reindex(silent).to_numpy(dtype=np.int64),
            "last_report_as_of": pd.to_datetime(earlier.reindex(silent)).to_numpy(),
        }
    )
