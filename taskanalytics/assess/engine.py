"""Quarterly assessment: what was due, what is done, what is late, who owns it.

:func:`assess` judges every milestone of a plan at a quarter's end (or an earlier as-of date)
from the progress reports received by then, measures each due target against the reported actual,
and rolls the verdicts up by task, lead unit, leader, category and section; :func:`assess_all`
does the same for several quarters in one call and stacks the tables. The rules, with their
thresholds, are :class:`AssessmentRules` and ``docs/assessment-rules.md`` in prose.

The verdict is a *schedule* status computed from dates, reports and targets. The unit's own
status word (已完成/推进中/未启动/滞后) is data: it is kept as ``reported_status`` and used only
through the rules, never copied into the verdict.

How it is built, one module per stage:

- :mod:`~taskanalytics.assess.inputs`: the plan and the reports as arrays (once per call);
- :mod:`~taskanalytics.assess.verdicts`: the rules at one as-of date (a ``Snapshot``);
- :mod:`~taskanalytics.assess.rollup`: sums and lights per task, unit, leader, category, section;
- :mod:`~taskanalytics.assess.tables`, :mod:`~taskanalytics.assess.watchlist`: the tables;
- :mod:`~taskanalytics.assess.result`: the :class:`Assessment` they are returned in;
- here: the quarter loop, which also assesses the earlier quarter ends red streaks need.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from taskanalytics.assess import rollup
from taskanalytics.assess.codes import Status
from taskanalytics.assess.inputs import (
    PlanArrays,
    ReportArrays,
    day_number,
    plan_year,
    prepare_plan,
    prepare_reports,
    to_days,
)
from taskanalytics.assess.result import Assessment
from taskanalytics.assess.rules import DEFAULT_RULES, AssessmentRules
from taskanalytics.assess.tables import indicator_table, milestone_table
from taskanalytics.assess.verdicts import Snapshot, evaluate, recurring_reports, task_status
from taskanalytics.assess.watchlist import watchlist_frame
from taskanalytics.errors import AssessmentError, QuarterError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.quarters import QUARTER_FORMS, Quarter

__all__ = [
    "Assessment",
    "AssessmentRules",
    "DEFAULT_RULES",
    "assess",
    "assess_all",
    "resolve_quarter",
]


def _parse_quarter(quarter: object) -> Quarter:
    """:meth:`Quarter.parse`, raising :class:`AssessmentError` ("unknown quarter")."""
    try:
        return Quarter.parse(quarter if isinstance(quarter, Quarter) else str(quarter))
    except QuarterError:
        raise AssessmentError("unknown quarter", found=quarter, expected=QUARTER_FORMS) from None


def _first_quarter(p_first_year: int, report_days: np.ndarray, wanted: Quarter) -> Quarter:
    """The first quarter red streaks count from (rule 4).

    The plan year's first quarter, or the first report's quarter if earlier, or the first
    quarter wanted if earlier still.
    """
    first = Quarter(p_first_year, 1)
    if len(report_days):
        first_report = np.datetime64(int(report_days.min()), "D").astype(dt.date)
        first = min(first, Quarter.of_date(first_report))
    return min(first, wanted)


def _check_same_plan(plan: PlanLike, progress: pd.DataFrame) -> None:
    """Refuse reports the store read for another plan (its ``plan`` column), never mix them."""
    if not isinstance(progress, pd.DataFrame) or "plan" not in progress.columns:
        return
    name = plan_identity(plan).name
    others = sorted({str(p) for p in progress["plan"].dropna().unique()} - {name})
    if others:
        raise AssessmentError(
            f"progress holds reports of plan(s) {', '.join(others)}, not of {name}",
            found=", ".join(others),
            expected=f"load_progress_history(store, plan=plan) for plan {name}",
        )


#: The flags red needs (rule 4), positions in :data:`rollup.FLAG_COLUMNS`.
_RED_FLAGS: Final = [rollup.FLAG_COLUMNS.index(c) for c in ("due", "overdue", "not_reported")]


def _group_sums(
    groupings: dict[str, rollup.Grouping], per_task: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-task sums summed again per group of every grouping (sums of sums, exact).

    The ``task`` grouping gets ``per_task`` itself; the others group tasks
    (``rollup.build_groupings(..., by_task=True)``).
    """
    task_g = groupings["task"]
    return {name: per_task if g is task_g else g.sums(per_task) for name, g in groupings.items()}


def _flag_sums(groupings: dict[str, rollup.Grouping], snap: Snapshot) -> dict[str, np.ndarray]:
    """Per grouping, the summed flags of a snapshot's groups (groups x ``FLAG_COLUMNS``)."""
    summed = _group_sums(groupings, snap.flags.sums(groupings["task"]))
    return {name: rollup.complete_sums(s) for name, s in summed.items()}


def _red_counts(
    groupings: dict[str, rollup.Grouping], snap: Snapshot, sums: dict[str, np.ndarray] | None
) -> dict[str, np.ndarray]:
    """Per grouping, each group's due, overdue and not-reported counts (groups x 3; rule 4).

    Taken from the summed flags ``sums`` of an assessed quarter; else summed from the statuses
    alone (a quarter end assessed for red streaks only).
    """
    if sums is not None:
        return {name: s[:, _RED_FLAGS] for name, s in sums.items()}
    flags = np.column_stack(
        [
            snap.is_due,
            snap.status == Status.OVERDUE,
            snap.is_due & (snap.status == Status.NOT_REPORTED),
        ]
    )  # flags: summed as int64
    return _group_sums(groupings, groupings["task"].sums(flags))


def _rollups(
    p: PlanArrays,
    r: ReportArrays,
    quarters: list[Quarter],
    as_of_day: dict[Quarter, int],
    rules: AssessmentRules,
) -> tuple[list[Snapshot], dict[str, pd.DataFrame], list[np.ndarray]]:
    """Assess every quarter end of ``quarters`` (red streaks) and the wanted dates in it.

    Returns
    -------
    tuple
        The snapshots of the wanted dates (without their roll-up flags, summed already), the
        roll-up tables by ``Assessment`` attribute, and per snapshot each task's red streak.
        The per-quarter sums are dropped on return, before the big tables are built.
    """
    task_g = p.groupings["task"]
    reds: dict[str, list[np.ndarray]] = {name: [] for name in rollup.GROUPINGS}
    snaps: list[Snapshot] = []
    sums: dict[str, list[np.ndarray]] = {name: [] for name in rollup.GROUPINGS}
    max_days: dict[str, list[np.ndarray]] = {name: [] for name in rollup.GROUPINGS}
    worst: list[np.ndarray] = []
    rec = recurring_reports(p, r)  # once for every date
    for q in quarters:
        assessed = q in as_of_day
        day = as_of_day[q] if assessed else day_number(q.end)
        snap = evaluate(p, r, q, day, rules, full=assessed, rec_reports=rec)
        # A group's red (rule 4) needs its due, overdue and not-reported counts and its most
        # days overdue, from statuses alone: per task first, then the other groupings combine
        # tasks (sums of sums, maxima of maxima; see rollup.build_groupings).
        q_sums = _flag_sums(p.groupings, snap) if assessed else None
        counts = _red_counts(p.groupings, snap, q_sums)
        overdue_days = np.where(snap.status == Status.OVERDUE, snap.days_overdue, 0)
        task_days = np.maximum(task_g.maxima(overdue_days), 0)
        for name, g in p.groupings.items():
            b = counts[name]
            days = task_days if g is task_g else np.maximum(g.maxima(task_days), 0)
            reds[name].append(
                rollup.red_rows(
                    due=b[:, 0],
                    overdue=b[:, 1],
                    not_reported=b[:, 2],
                    max_days_overdue=days,
                    rules=rules,
                )
            )
            if q_sums is not None:
                sums[name].append(q_sums[name])
                max_days[name].append(days)
        if assessed:
            worst.append(task_status(task_g, snap.status, snap.is_due))
            snaps.append(dataclasses.replace(snap, flags=None))  # summed: free them
    streaks = {name: rollup.red_streaks(v) for name, v in reds.items()}
    position = {q.label: i for i, q in enumerate(quarters)}
    labels = [s.quarter for s in snaps]
    as_of = [s.as_of for s in snaps]
    tables = {
        attr: rollup.rollup_frame(
            p.groupings[name],
            labels,
            as_of,
            sums[name],
            [streaks[name][position[q]] for q in labels],
            worst if name == "task" else None,
            max_days=max_days[name],
            lights=[
                rollup.group_light(s, d, rules)
                for s, d in zip(sums[name], max_days[name], strict=True)
            ],
        )
        for name, attr in rollup.GROUPINGS.items()
    }
    return snaps, tables, [streaks["task"][position[q]] for q in labels]


def _run(
    plan: PlanLike,
    progress: pd.DataFrame,
    wanted: list[tuple[Quarter, int]],
    rules: AssessmentRules,
) -> Assessment:
    """Assess at each ``(quarter, day)`` in ``wanted`` (chronological), with red streaks."""
    _check_same_plan(plan, progress)
    p = prepare_plan(plan)
    r = prepare_reports(progress, p.ids)
    # Red streaks need every quarter end from the first one of interest up to the last wanted.
    quarters = Quarter.range(_first_quarter(p.first_year, r.as_of, wanted[0][0]), wanted[-1][0])
    snaps, tables, task_streaks = _rollups(p, r, quarters, dict(wanted), rules)
    milestones = milestone_table(p, r, snaps)
    indicators = indicator_table(p, r, snaps)
    n = len(p.ids)
    due_targets = [np.flatnonzero(s.indicators.due) for s in snaps]
    indicator_rows = np.concatenate(
        [i * n + p.t_ms[t] for i, t in enumerate(due_targets)]
    )  # each indicator row's milestone row
    watchlist = watchlist_frame(
        milestones,
        indicators,
        indicator_rows,
        np.concatenate([streak[p.ms_task] for streak in task_streaks]),
        p.owners_text,
        status=np.concatenate([s.status for s in snaps]),
        band=np.concatenate(
            [s.indicators.band[t] for s, t in zip(snaps, due_targets, strict=True)]
        ),
    )
    return Assessment(
        quarters=tuple(s.quarter for s in snaps),
        as_of=snaps[-1].as_of.date(),
        rules=rules,
        milestones=milestones,
        indicators=indicators,
        watchlist=watchlist,
        unmatched=r.unmatched,
        _plan=p,
        _reports=r,
        **tables,
    )


def assess(
    plan: PlanLike,
    progress: pd.DataFrame,
    quarter: str,
    as_of: dt.date | str | None = None,
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> Assessment:
    """Assess a plan at a quarter's end (or an earlier date in the quarter).

    Parameters
    ----------
    plan
        The plan (:func:`taskanalytics.read_plan`); not modified.
    progress
        Progress reports: :func:`~taskanalytics.store.load_progress_history` output (every
        report) or :func:`~taskanalytics.store.load_progress` output; not modified. Per
        milestone, the latest report with ``as_of_date`` on or before the as-of date counts
        (then the latest ``ingested_at``).
    quarter
        The quarter assessed, e.g. ``"2023Q2"``.
    as_of
        The as-of date; default the earlier of today and the quarter's last day
        (:func:`resolve_quarter`). Must lie within the quarter.
    rules
        Thresholds (:class:`AssessmentRules`).

    Returns
    -------
    Assessment
        Milestone verdicts, indicators, roll-ups and the watch list. Red streaks count the
        quarters before, assessed at their ends from the same reports.

    Raises
    ------
    AssessmentError
        For an unknown quarter string, an as-of date outside the quarter, a progress frame
        missing required columns or holding unknown status words.

    Examples
    --------
    >>> a = assess(plan, load_progress_history(store), "2023Q2")  # doctest: +SKIP
    >>> a.by_unit[["unit", "due", "overdue", "on_time_rate", "light"]]  # doctest: +SKIP
    """
    label, as_of_date = resolve_quarter(quarter, as_of)
    return _run(plan, progress, [(Quarter.parse(label), day_number(as_of_date))], rules)


def resolve_quarter(
    quarter: object, as_of: dt.date | str | None = None, *, today: dt.date | None = None
) -> tuple[str, dt.date]:
    """Return the quarter's label and the as-of date, checked: the one place for both rules.

    Parameters
    ----------
    quarter
        ``2023Q2`` (``2023-Q2``, lower case and the other spellings of
        :meth:`Quarter.parse` accepted).
    as_of
        A date within the quarter (date or ``YYYY-MM-DD``); default the earlier of ``today`` and
        the quarter's last day (a quarter not begun yet: its last day). Whether a date is the
        quarter's end is :attr:`Assessment.as_of_is_quarter_end`.
    today
        Today's date (for tests); default :meth:`datetime.date.today`.

    Returns
    -------
    tuple
        ``("2023Q2", datetime.date(2023, 6, 30))``.

    Raises
    ------
    AssessmentError
        For an unknown quarter, an unreadable date, or a date outside the quarter.

    Examples
    --------
    >>> resolve_quarter("2023-q2")
    ('2023Q2', datetime.date(2023, 6, 30))
    >>> resolve_quarter("2023Q2", today=dt.date(2023, 6, 21))
    ('2023Q2', datetime.date(2023, 6, 21))
    """
    q = _parse_quarter(quarter)
    if as_of is None:
        today = dt.date.today() if today is None else today
        return q.label, today if q.start <= today < q.end else q.end
    try:
        day = pd.Timestamp(as_of).date()
    except (ValueError, TypeError):
        raise AssessmentError(
            "unreadable as-of date", found=str(as_of), expected="a date such as 2023-06-30"
        ) from None
    if day not in q:
        raise AssessmentError(
            f"as_of is outside {q.label}",
            found=str(as_of),
            expected=f"a date from {q.start} to {q.end}",
        )
    return q.label, day


def assess_all(
    plan: PlanLike,
    progress: pd.DataFrame,
    quarters: Sequence[str] | None = None,
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> Assessment:
    """Assess several quarters at their ends and stack the tables (for trends).

    Parameters
    ----------
    plan, progress, rules
        As for :func:`assess`; not modified.
    quarters
        The quarters, e.g. ``["2023Q1", "2023Q2"]``; default the four quarters of the plan year.
        Duplicates are ignored; tables come in chronological order.

    Returns
    -------
    Assessment
        Every table holds all quarters, told apart by the ``quarter`` column; ``as_of`` and
        ``series`` refer to the last quarter.

    Raises
    ------
    AssessmentError
        As :func:`assess`, or when ``quarters`` is empty.

    Examples
    --------
    >>> a = assess_all(plan, history, ["2023Q1", "2023Q2", "2023Q3", "2023Q4"])  # doctest: +SKIP
    >>> a.by_unit.pivot(index="unit", columns="quarter", values="on_time_rate")  # doctest: +SKIP
    """
    if quarters is None:
        year = plan_year(plan, to_days(plan.milestones["due_date"]).astype("datetime64[D]"))
        quarters = [q.label for q in Quarter.of_year(year)]
    if isinstance(quarters, str):
        quarters = [quarters]
    parsed = sorted(set(map(_parse_quarter, quarters)))
    if not parsed:
        raise AssessmentError("no quarters to assess", found=list(quarters), expected=QUARTER_FORMS)
    return _run(plan, progress, [(q, day_number(q.end)) for q in parsed], rules)
