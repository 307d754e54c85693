"""The result of an assessment: :class:`Assessment`, its tables, ``series`` and ``summary``."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from taskanalytics import schema
from taskanalytics.assess import rollup
from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Band
from taskanalytics.assess.inputs import NAT, PlanArrays, ReportArrays, day_number, from_days
from taskanalytics.assess.ranking import rank_units
from taskanalytics.assess.rules import AssessmentRules
from taskanalytics.assess.tables import BAND_DTYPE, LIGHT_DTYPE, STATUS_DTYPE
from taskanalytics.assess.verdicts import bands
from taskanalytics.errors import AssessmentError
from taskanalytics.quarters import Quarter

__all__ = ["Assessment"]


@dataclass(frozen=True, eq=False, repr=False)
class Assessment:
    """The assessment of a plan at one or more quarter ends.

    Every table starts with ``quarter`` and ``as_of``; an :func:`assess` result has one quarter,
    an :func:`assess_all` result has the quarters stacked, oldest first.

    Attributes
    ----------
    quarters : tuple of str
        The assessed quarters (``"2023Q2"``).
    as_of : datetime.date
        The as-of date of the last quarter.
    rules : AssessmentRules
        The thresholds used.
    milestones : pandas.DataFrame
        One row per milestone and quarter: the plan's columns, ``is_due``, ``status`` (Chinese
        label), ``status_code``, ``days_overdue``, ``days_to_due``, the report used
        (``reported_status``, ``completed_date``, ``report_as_of``, ``reporting_unit``, ``note``),
        ``indicators``, ``indicators_behind``, ``light``.
    indicators : pandas.DataFrame
        One row per target of a due milestone: ``target``, ``actual``, ``achievement``, ``gap``,
        ``basis`` (ratio or points), ``band``, the milestone's ``status``.
    by_task, by_unit, by_leader, by_category, by_section : pandas.DataFrame
        Roll-ups (see :data:`taskanalytics.assess.rollup.COUNT_COLUMNS`), with ``on_time_rate``,
        ``completion_share``, ``light`` and ``red_streak``; ``by_task`` also has ``status``.
    watchlist : pandas.DataFrame
        督办清单: overdue, behind and unreported items, most severe first.
    unmatched : pandas.DataFrame
        Progress rows whose milestone is not in the plan (reported, not dropped silently).
    """

    quarters: tuple[str, ...]
    as_of: dt.date
    rules: AssessmentRules
    milestones: pd.DataFrame
    indicators: pd.DataFrame
    by_task: pd.DataFrame
    by_unit: pd.DataFrame
    by_leader: pd.DataFrame
    by_category: pd.DataFrame
    by_section: pd.DataFrame
    watchlist: pd.DataFrame
    unmatched: pd.DataFrame
    _plan: PlanArrays = field(repr=False)
    _reports: ReportArrays = field(repr=False)

    @property
    def quarter(self) -> str:
        """The (last) assessed quarter."""
        return self.quarters[-1]

    @property
    def as_of_is_quarter_end(self) -> bool:
        """Whether :attr:`as_of` is the last quarter's end (else the quarter was not over)."""
        return self.as_of == Quarter.parse(self.quarter).end

    def series(self, key: str) -> pd.DataFrame:
        """Return an indicator series: targets and actuals by quarter, for plotting.

        A series is one task's metric across its milestones (化解政府性债务 17501 → 63422 →
        68863 → 70289 万元). The actual of each point is the level reported as of the end of the
        milestone's due quarter (or the assessment's as-of date, if earlier); a point whose due
        quarter starts after the as-of date has no actual and the band 未到期 (``not_due``).

        Parameters
        ----------
        key
            A metric name (every task with that metric) or a task id (every metric of it).

        Returns
        -------
        pandas.DataFrame
            ``task_id, metric, quarter, due_date, milestone_id, target_no, unit, comparator,
            target, actual, actual_as_of, achievement, gap, band``, sorted by task, metric, date.

        Raises
        ------
        AssessmentError
            If ``key`` is neither a metric nor a task id of the plan's targets.

        Examples
        --------
        >>> a.series("化解政府性债务")[["quarter", "target", "actual"]]  # doctest: +SKIP
        """
        p, r = self._plan, self._reports
        t = p.targets
        pick = np.flatnonzero(((t["metric"] == key) | (t["task_id"] == key)).to_numpy())
        if not len(pick):
            raise AssessmentError(
                "no indicator series", found=key, expected="a metric or task_id of plan.targets"
            )
        last = day_number(self.as_of)
        due_quarter = t["due_quarter"].to_numpy()[pick]
        quarters = {label: Quarter.parse(label) for label in set(due_quarter)}
        q_start = np.array([day_number(quarters[q].start) for q in due_quarter])
        q_end = np.array([day_number(quarters[q].end) for q in due_quarter])
        # each point as of its quarter's end, or the assessment's as-of date if earlier
        point = np.minimum(q_end, last)
        actual = np.full(len(pick), np.nan)
        actual_as_of = np.full(len(pick), NAT)
        for day in np.unique(point):  # a handful of quarter ends
            rows = np.flatnonzero((point == day) & (q_start <= last))
            if not len(rows):  # every point of this day lies after the as-of date
                continue
            sel = r.select(int(day), len(p.ids))[p.t_ms[pick[rows]]]
            cols = np.array(
                [r.actual_col.get(int(k), -1) for k in p.t_no[pick[rows]]], dtype=np.int64
            )
            ok = (sel >= 0) & (cols >= 0)
            actual[rows] = r.actuals(sel, cols)
            actual_as_of[rows[ok]] = r.as_of[sel[ok]]
        ratio, gap, band = bands(
            actual, p.t_value[pick], p.t_points[pick], self.rules, at_most=p.t_at_most[pick]
        )
        band[q_start > last] = Band.NOT_DUE  # not yet due, rather than no data
        out = pd.DataFrame(
            {
                "task_id": t["task_id"].to_numpy()[pick],
                "metric": t["metric"].to_numpy()[pick],
                "quarter": due_quarter,
                "due_date": t["due_date"].to_numpy()[pick],
                "milestone_id": t["milestone_id"].to_numpy()[pick],
                "target_no": t["target_no"].to_numpy()[pick],
                "unit": t["unit"].to_numpy()[pick],
                "comparator": t["comparator"].to_numpy()[pick],
                "target": t["target"].to_numpy()[pick],
                "actual": actual,
                "actual_as_of": from_days(actual_as_of),
                "achievement": ratio,
                "gap": gap,
                "band": pd.Categorical.from_codes(band, dtype=BAND_DTYPE),
            }
        )
        return out.sort_values(
            ["task_id", "metric", "due_date", "target_no"], kind="stable"
        ).reset_index(drop=True)

    def projections(self) -> pd.DataFrame:
        """Return the year-end projection of every cumulative indicator (年底预计).

        The latest reported actual's pace against the plan's own trajectory, carried to the
        year-end target; see :func:`taskanalytics.assess.projection.projections` and
        ``docs/assessment-rules.md``. Never a schedule status. Computed once per assessment
        (every indicator page of a run asks); each call returns a new frame.

        Examples
        --------
        >>> a.projections()[["metric", "target", "projected", "outlook"]]  # doctest: +SKIP
        """
        cached = self.__dict__.get("_projections")
        if cached is None:
            from taskanalytics.assess.projection import projections

            cached = projections(self)
            object.__setattr__(self, "_projections", cached)  # frozen: a cache, not state
        return cached.copy()

    def unit_ranking(self, quarter: str | None = None) -> pd.DataFrame:
        """Return the 单位排名 of a quarter (default the last): :func:`~taskanalytics.assess.
        ranking.rank_units` on ``by_unit`` with this assessment's rules.

        Examples
        --------
        >>> a.unit_ranking()[["rank", "unit", "standing"]]  # doctest: +SKIP
        """
        return rank_units(self.by_unit, self.rules, quarter=quarter or self.quarter)

    def summary(self) -> pd.DataFrame:
        """Return one row per quarter: milestones due, done, overdue, watch-list items, …

        Returns
        -------
        pandas.DataFrame
            The ``by_section`` counts summed per quarter, plus ``watchlist`` (items).
        """
        counts = self.by_section.groupby("quarter", sort=False)[list(rollup.COUNT_COLUMNS)].sum()
        items = self.watchlist.groupby("quarter", sort=False).size()
        counts["watchlist"] = items.reindex(counts.index, fill_value=0)
        return counts.reset_index()

    def __repr__(self) -> str:
        last = self.milestones[self.milestones["quarter"] == self.quarter]
        return (
            f"Assessment({'..'.join(dict.fromkeys([self.quarters[0], self.quarter]))}, "
            f"as_of={self.as_of}, milestones={len(last)}, due={int(last['is_due'].sum())}, "
            f"overdue={int((last['status_code'] == 'overdue').sum())}, "
            f"watchlist={int((self.watchlist['quarter'] == self.quarter).sum())})"
        )

    def _repr_html_(self) -> str:
        w = va.HTML_WORDS
        last = self.milestones[self.milestones["quarter"] == self.quarter]
        due = last[last["is_due"]]
        counts = due["status"].value_counts().reindex(STATUS_DTYPE.categories, fill_value=0)
        cells = "".join(
            f"<td>{html.escape(str(k))}</td><td style='text-align:right'>{int(v)}</td>"
            for k, v in counts.items()
            if v
        )
        lights = (
            self.by_unit.loc[self.by_unit["quarter"] == self.quarter, "light"]
            .value_counts()
            .reindex(LIGHT_DTYPE.categories, fill_value=0)
        )
        light_text = " ".join(f"{html.escape(str(k))} {int(v)}" for k, v in lights.items())
        unlit = int(self.by_unit.loc[self.by_unit["quarter"] == self.quarter, "light"].isna().sum())
        if unlit:
            light_text += f" {va.NO_LIGHT_LABEL} {unlit}"
        watch = self.watchlist[self.watchlist["quarter"] == self.quarter]
        top = schema.rename_to_chinese(
            watch.head(5)[["reason", "milestone_id", "lead_units", "days_overdue"]],
            "assessment.watchlist",
        )
        return (
            f"<div><strong>{w['title']} {html.escape(self.quarter)}</strong> "
            f"（{w['as_of']} {self.as_of}）<br>"
            f"{w['milestones']} {len(last)}，{w['due']} {len(due)}"
            f"<table><tr>{cells}</tr></table>"
            f"{w['units']}：{light_text}<br>"
            f"{w['watchlist']} {len(watch)} {w['items']}"
            f"{top.to_html(index=False, escape=True, border=0)}</div>"
        )
