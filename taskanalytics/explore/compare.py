"""Quarter to quarter: what changed between two assessed quarters (the first question of a 通报).

:func:`compare_quarters` is plain pandas over an :class:`~taskanalytics.assess.Assessment` that
holds both quarters (``assess_all``). One row per change, in the order of :data:`CHANGE_KINDS`,
then plan order:

- 转红: a milestone whose light is red in the later quarter and was not red before;
- 转绿: a milestone green in the later quarter that was red or yellow before (not-yet-due
  milestones are green in both, so they are not a change);
- 新增督办 / 销号: a milestone on the later watch list (督办清单) and not on the earlier one, and
  the reverse;
- 指标升档 / 指标降档: a target whose band moved between 滞后 < 基本达标 < 达标 (a target without
  a band in either quarter, 无数据 or 未到期, has not moved).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from taskanalytics import schema
from taskanalytics.assess import vocab as va
from taskanalytics.assess.result import Assessment
from taskanalytics.errors import AssessmentError
from taskanalytics.explore.data import ExploreData, Filters, _milestone_mask
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "CHANGE_KINDS",
    "COMPARE_COLUMNS",
    "COMPARE_LABELS",
    "compare_quarters",
    "compare_selection",
]

#: Kinds of change, in the order rows are listed, with what each means (for the legend).
CHANGE_KINDS: Final[dict[str, str]] = {
    "转红": "节点灯色变为红灯",
    "转绿": "节点由红灯或黄灯变为绿灯",
    "新增督办": "本期新列入督办清单",
    "销号": "上期在督办清单、本期不在",
    "指标降档": "指标完成情况下降一档或以上",
    "指标升档": "指标完成情况上升一档或以上",
}
#: Columns of :func:`compare_quarters`, in order.
COMPARE_COLUMNS: Final[tuple[str, ...]] = (
    "change", "milestone_id", "task_id", "task_title", "text", "metric", "before", "after",
    "lead_units", "leaders",
)  # fmt: skip
#: Chinese header of each column (the milestone columns from :mod:`taskanalytics.schema`).
COMPARE_LABELS: Final[dict[str, str]] = {
    "change": "变化",
    **schema.labels("assessment.milestones", ["milestone_id", "task_id", "task_title", "text"]),
    "metric": schema.label("metric", "assessment.indicators"),
    "before": "上期",
    "after": "本期",
    **schema.labels("assessment.milestones", ["lead_units", "leaders"]),
}
#: Rank of an indicator band; bands not listed (无数据, 未到期) cannot move.
_BAND_RANK: Final = {va.BAND_LABELS[c]: r for r, c in enumerate(("behind", "nearly_met", "met"))}
_RED, _GREEN = va.LIGHT_LABELS["red"], va.LIGHT_LABELS["green"]


def _label(q: QuarterLike, quarters: tuple[str, ...]) -> str:
    try:
        label = Quarter.parse(q).label
    except Exception as exc:  # noqa: BLE001 - reworded below with the accepted values
        raise AssessmentError(f"compare_quarters: {q!r} is not a quarter ({exc})") from exc
    if label not in quarters:
        raise AssessmentError(
            f"compare_quarters: quarter {label} was not assessed; assessed: {', '.join(quarters)}"
        )
    return label


def _light_text(light: object, status: object) -> str:
    light = "" if pd.isna(light) else str(light)
    return f"{light}（{status}）" if light else str(status)


def compare_quarters(assessment: Assessment, q1: QuarterLike, q2: QuarterLike) -> pd.DataFrame:
    """Return what changed from quarter ``q1`` to quarter ``q2``, one row per change.

    Parameters
    ----------
    assessment
        An ``assess_all`` result holding both quarters; not modified.
    q1, q2
        The earlier and the later quarter (labels or :class:`~taskanalytics.quarters.Quarter`);
        ``q1`` is "上期" and ``q2`` "本期" whatever their order.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPARE_COLUMNS`: ``change`` (a key of :data:`CHANGE_KINDS`), the milestone and
        its task, ``metric`` (indicator rows only), ``before``/``after`` (light and status, the
        督办 reasons, or the band and achievement), ``lead_units``, ``leaders`` (lists). Sorted
        by kind, then plan order. Empty (same columns) when nothing changed or ``q1 == q2``.

    Raises
    ------
    AssessmentError
        If a quarter is not one of ``assessment.quarters``.

    Examples
    --------
    >>> changes = compare_quarters(assess_all(plan, progress), "2023Q1", "2023Q2")  # doctest: +SKIP
    >>> changes["change"].value_counts()  # doctest: +SKIP
    """
    before_q, after_q = (_label(q, assessment.quarters) for q in (q1, q2))
    ms = assessment.milestones
    keep = ["milestone_id", "task_id", "task_title", "text", "lead_units", "leaders"]
    one, two = (
        ms[ms["quarter"] == q].set_index("milestone_id", drop=False) for q in (before_q, after_q)
    )
    order = {m: i for i, m in enumerate(two["milestone_id"])}
    rows: list[pd.DataFrame] = []

    light1, light2 = one["light"].astype("object"), two["light"].astype("object").reindex(one.index)
    red = (light2 == _RED) & (light1 != _RED)
    green = (light2 == _GREEN) & light1.isin(list(va.LIGHT_LABELS.values())) & (light1 != _GREEN)
    status1, status2 = (
        one["status"].astype("object"),
        two["status"].astype("object").reindex(one.index),
    )
    for kind, mask in (("转红", red), ("转绿", green)):
        ids = mask[mask].index
        rows.append(
            two.loc[ids, keep].assign(
                change=kind,
                before=[_light_text(light1[i], status1[i]) for i in ids],
                after=[_light_text(light2[i], status2[i]) for i in ids],
            )
        )

    wl = assessment.watchlist
    reasons = {
        q: wl[wl["quarter"] == q]
        .drop_duplicates("milestone_id")
        .set_index("milestone_id")["reason"]
        for q in (before_q, after_q)
    }
    new = reasons[after_q].index.difference(reasons[before_q].index)
    cleared = reasons[before_q].index.difference(reasons[after_q].index)
    rows.append(
        two.loc[new, keep].assign(
            change="新增督办", before="", after=reasons[after_q].reindex(new).astype(str).to_list()
        )
    )
    rows.append(
        two.loc[cleared, keep].assign(
            change="销号",
            before=reasons[before_q].reindex(cleared).astype(str).to_list(),
            after=[_light_text(two.at[i, "light"], two.at[i, "status"]) for i in cleared],
        )
    )

    ind = assessment.indicators
    key = ["milestone_id", "target_no"]
    moved = ind[ind["quarter"] == before_q][[*key, "band", "achievement"]].merge(
        ind[ind["quarter"] == after_q][[*key, "metric", "band", "achievement"]],
        on=key,
        suffixes=("_1", "_2"),
    )
    rank1 = moved["band_1"].astype("object").map(_BAND_RANK)
    rank2 = moved["band_2"].astype("object").map(_BAND_RANK)
    for kind, mask in (("指标降档", rank2 < rank1), ("指标升档", rank2 > rank1)):
        sub = moved[mask.fillna(False).astype(bool)]
        rows.append(
            two.loc[sub["milestone_id"], keep].assign(
                change=kind,
                metric=sub["metric"].astype(str).to_list(),
                before=[
                    _band_text(b, a)
                    for b, a in zip(sub["band_1"], sub["achievement_1"], strict=True)
                ],
                after=[
                    _band_text(b, a)
                    for b, a in zip(sub["band_2"], sub["achievement_2"], strict=True)
                ],
            )
        )

    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    out = out.reindex(columns=list(COMPARE_COLUMNS))
    out["metric"] = out["metric"].astype("object").where(out["metric"].notna(), "")
    kinds = {k: i for i, k in enumerate(CHANGE_KINDS)}
    out = out.assign(_k=out["change"].map(kinds), _o=out["milestone_id"].map(order))
    out = out.sort_values(["_k", "_o"], kind="stable").drop(columns=["_k", "_o"])
    return out.reset_index(drop=True)


def _band_text(band: object, achievement: object) -> str:
    if pd.isna(achievement):
        return str(band)
    return f"{band}（{float(achievement):.0%}）"


def compare_selection(
    data: ExploreData, filters: Filters, q1: QuarterLike, q2: QuarterLike
) -> pd.DataFrame:
    """Return :func:`compare_quarters` for the milestones an explorer's filters pick.

    Parameters
    ----------
    data
        From :func:`~taskanalytics.explore.explore_data`; not modified.
    filters
        The explorer's filters; the quarter, status and due-quarter filters are ignored (they
        are what changes between quarters), the others (section, category, lead unit, leader,
        keyword) keep the changes of the matching milestones.
    q1, q2
        The earlier and the later quarter.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`compare_quarters` whose milestone matches.
    """
    changes = compare_quarters(data.assessment, q1, q2)
    scope = filters.replace(quarter=None, status=None, due_quarter=None)
    ms = data.milestones[data.milestones["quarter"] == data.quarters[-1]]
    ids = set(ms.loc[_milestone_mask(ms, scope), "milestone_id"])
    return changes[changes["milestone_id"].isin(ids)].reset_index(drop=True)
