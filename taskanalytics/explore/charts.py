"""The explorer's altair charts: statuses by lead unit, milestones due per month, indicator
achievement, one indicator's trajectory.

Each builder takes a frame of a :class:`taskanalytics.explore.Selection` (or
:meth:`Assessment.series` output), counts in pandas, and returns a new chart with Chinese titles
and tooltips; inputs are never modified. They are meant for ``alt.JupyterChart`` in JupyterLab
(tooltips, a click on a unit's bar), but render statically too.
"""

from __future__ import annotations

from typing import Any, Final

import altair as alt
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.charts import cjk_theme
from taskanalytics.plan.order import pinyin_key

__all__ = [
    "BAND_COLORS",
    "STATUS_COLORS",
    "UNIT_SELECTION",
    "KIND_COLORS",
    "chart_achievement",
    "chart_changes",
    "chart_due_by_month",
    "chart_indicator_series",
    "chart_status_by_unit",
]

#: Name of the point selection (a click on a bar) of :func:`chart_status_by_unit`.
UNIT_SELECTION: Final = "unit_pick"
#: Bar colours by milestone status, in :data:`vocab_assess.STATUS_LABELS` order.
STATUS_COLORS: Final[dict[str, str]] = {
    "on_time": "#2e8b57",
    "done_late": "#9acd85",
    "overdue": "#d62728",
    "not_reported": "#ff9f40",
    "due_today": "#f7d35c",
    "due_soon": "#f2c12e",
    "in_progress": "#4e79a7",
    "not_started": "#a0c4e8",
    "not_due": "#d9d9d9",
}
BAND_COLORS: Final[dict[str, str]] = {
    "met": "#2e8b57",
    "nearly_met": "#f2c12e",
    "behind": "#d62728",
    "no_data": "#bbbbbb",
    "not_due": "#e6e6e6",
}
#: Target and actual of an indicator: distinct colours and marks (never both a black dot).
KIND_COLORS: Final[dict[str, str]] = {"目标": "#8c8c8c", "实际": "#1f77b4"}
_KIND_SHAPES: Final = {"目标": "square", "实际": "circle"}
#: Colours of the quarter-to-quarter changes (:mod:`taskanalytics.explore.compare`).
CHANGE_COLORS: Final[dict[str, str]] = {
    "转红": "#d62728",
    "转绿": "#2e8b57",
    "新增督办": "#ff9f40",
    "销号": "#4e79a7",
    "指标降档": "#e377c2",
    "指标升档": "#17becf",
}
#: Characters per line of a wrapped axis label (a category name is kept whole, on lines).
_WRAP_CHARS = 12
_ACHIEVEMENT_CAP = 2.0  # the achievement axis stops at 200 %; larger values sit on the edge


# --------------------------------------------------------------------------- charts


def _styled(chart: alt.TopLevelMixin) -> Any:
    return chart.configure(**cjk_theme()["config"])


def _level_title(title: str | None) -> dict[str, Any]:
    """Axis options that put a y title (a unit such as 户) horizontally above the axis."""
    if not title:
        return {"title": None}
    return {
        "title": title,
        "titleAngle": 0,
        "titleAlign": "left",
        "titleBaseline": "bottom",
        "titleX": -6,
        "titleY": -8,
    }


def wrap_label(text: str, width: int = _WRAP_CHARS) -> str:
    """Return ``text`` on lines of at most ``width`` characters, broken after punctuation
    where one is near (the whole name is kept; lines are joined by a newline)."""
    lines, rest = [], str(text)
    while len(rest) > width:
        cut = max((rest.rfind(p, width // 2, width) for p in "，、；：,"), default=-1)
        cut = cut + 1 if cut > 0 else width
        lines.append(rest[:cut])
        rest = rest[cut:]
    return "\n".join([*lines, rest])


def _scale(labels: dict[str, str], colors: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=list(labels.values()), range=[colors[k] for k in labels])


def _status_scale() -> alt.Scale:
    return _scale(va.STATUS_LABELS, STATUS_COLORS)


def _joined_names(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "、".join(v) if isinstance(v, list | tuple) else "")


def chart_status_by_unit(milestones: pd.DataFrame, *, selected: str | None = None) -> Any:
    """Stacked bars of milestone statuses per lead unit; a click selects a unit.

    Parameters
    ----------
    milestones
        Assessed milestones (``Selection.milestones``); needs ``lead_units`` and ``status``.
        A milestone counts for each of its task's lead units.
    selected
        The selected unit: highlighted, the others faded (the selection's initial value).

    Returns
    -------
    altair.Chart
        With a point selection named :data:`UNIT_SELECTION` on the field ``unit``; in
        ``alt.JupyterChart`` its value is the clicked unit. A double-click clears it.
    """
    rows = pd.DataFrame(
        {"unit": milestones["lead_units"], "status": milestones["status"].astype("object")}
    ).explode("unit")
    rows = rows.dropna(subset=["unit"])
    if rows.empty:
        return empty_chart("各牵头单位节点状态：没有符合筛选条件的节点")
    counts = rows.groupby(["unit", "status"], as_index=False).size()
    totals = counts.groupby("unit")["size"].sum()
    # most milestones first; equal counts in pinyin order (code points put 人 before 财)
    totals = totals.loc[sorted(totals.index, key=lambda u: (-totals[u], pinyin_key(str(u))))]
    # The selected unit is the selection's initial value: the chart redrawn after a click (or a
    # choice in the drop-down) shows it highlighted, and a double-click clears it.
    initial = {"value": [{"unit": selected}]} if selected else {}
    pick = alt.selection_point(
        name=UNIT_SELECTION, fields=["unit"], on="click", clear="dblclick", **initial
    )
    opacity = alt.condition(pick, alt.value(1.0), alt.value(0.3))
    chart = (
        alt.Chart(counts, title=alt.Title("各牵头单位节点状态", subtitle="点击条形按单位筛选"))
        .mark_bar()
        .encode(
            y=alt.Y("unit:N", sort=list(totals.index), title=None, axis=alt.Axis(labelLimit=180)),
            x=alt.X("sum(size):Q", title="节点数（个）", axis=alt.Axis(format="d")),
            color=alt.Color("status:N", title="状态", scale=_status_scale()),
            opacity=opacity,
            tooltip=[
                alt.Tooltip("unit:N", title="牵头单位"),
                alt.Tooltip("status:N", title="状态"),
                alt.Tooltip("size:Q", title="节点数"),
            ],
        )
        .add_params(pick)
        .properties(width=360, height=alt.Step(16))
    )
    return _styled(chart)


def chart_due_by_month(milestones: pd.DataFrame) -> Any:
    """Milestones due per month, one stacked block per milestone, coloured by status.

    Parameters
    ----------
    milestones
        Assessed milestones; needs ``due_date``, ``status``, ``milestone_id``, ``text``,
        ``lead_units``. Milestones without a due date are left out.

    Returns
    -------
    altair.Chart
        Tooltips give each milestone's id, text, due date, status and lead units.
    """
    dated = milestones.dropna(subset=["due_date"])
    if dated.empty:
        return empty_chart("各月到期节点：没有符合筛选条件、有到期日的节点")
    due = pd.to_datetime(dated["due_date"])
    # 1月 … 12月 for the main year (fits horizontally in its column); a month of another year
    # (a deadline in the next year) is 24年1月, on a slanted axis; vega drops labels that would
    # still overlap
    main_year = due.dt.year.mode().iloc[0] if len(due) else 0
    month = due.dt.month.astype(str) + "月"
    other = due.dt.year != main_year
    month = month.where(~other, (due.dt.year % 100).astype(str) + "年" + month)
    one_year = not other.any()
    order = list(dict.fromkeys(month.iloc[due.argsort()])) if len(due) else []
    rows = pd.DataFrame(
        {
            "month": month,
            "milestone_id": dated["milestone_id"].astype("object"),
            "text": dated["text"].astype("object").str.slice(0, 80),
            "due": pd.to_datetime(dated["due_date"]).dt.strftime("%Y-%m-%d"),
            "status": dated["status"].astype("object"),
            "lead": _joined_names(dated["lead_units"]),
            "one": 1,
        }
    )
    chart = (
        alt.Chart(rows, title=alt.Title("各月到期节点", subtitle="每一小段是一个节点"))
        .mark_bar(stroke="white", strokeWidth=0.3)
        .encode(
            x=alt.X(
                "month:O",
                title="到期月份",
                sort=order,
                axis=alt.Axis(
                    labelAngle=0 if one_year else -45,
                    labelAlign="center" if one_year else "right",
                    labelOverlap="greedy",
                    labelPadding=4,
                ),
            ),
            y=alt.Y("sum(one):Q", axis=alt.Axis(format="d", **_level_title("节点数（个）"))),
            color=alt.Color("status:N", title="状态", scale=_status_scale()),
            detail="milestone_id:N",
            tooltip=[
                alt.Tooltip("milestone_id:N", title="节点"),
                alt.Tooltip("text:N", title="内容"),
                alt.Tooltip("due:N", title="时限"),
                alt.Tooltip("status:N", title="状态"),
                alt.Tooltip("lead:N", title="牵头单位"),
            ],
        )
        .properties(width=alt.Step(36), height=220)
    )
    return _styled(chart)


def chart_achievement(targets: pd.DataFrame) -> Any:
    """Achievement (actual / target) of each measured target, one dot each, by band.

    Parameters
    ----------
    targets
        ``Selection.targets``; rows without an achievement (not due, no data) are left out and
        counted in the subtitle.

    Returns
    -------
    altair.Chart
        Dots on a 0–200 % axis (larger values sit at the edge), with the metric, milestone
        text, actual and target in the tooltip.
    """
    measured = targets.dropna(subset=["achievement"])
    rows = pd.DataFrame(
        {
            "metric": measured["metric"].astype("object"),
            "milestone_id": measured["milestone_id"].astype("object"),
            "text": measured["text"].astype("object").str.slice(0, 80),
            "band": measured["band"].astype("object"),
            "shown": measured["achievement"].clip(upper=_ACHIEVEMENT_CAP).astype(float),
            "achievement": measured["achievement"].astype(float),
            "actual": measured["actual"].astype(float),
            "target": measured["target"].astype(float),
            "unit": measured["unit"].astype("object"),
            "category": measured["category"].astype("object").map(wrap_label),
            "category_full": measured["category"].astype("object"),
        }
    )
    subtitle = f"{len(rows)} 个已到期且有实际值的指标；未到期或无数据的 {len(targets) - len(rows)} 个未画出"
    if rows.empty:  # no progress yet, or an empty selection: say so, draw no empty axes
        return empty_chart(f"指标完成率：{subtitle}")
    chart = (
        alt.Chart(rows, title=alt.Title("指标完成率", subtitle=subtitle))
        .mark_circle(size=60, opacity=0.8)
        .encode(
            x=alt.X(
                "shown:Q",
                title="完成率（实际/目标）",
                scale=alt.Scale(domain=[0, _ACHIEVEMENT_CAP]),
                axis=alt.Axis(format="%"),
            ),
            # full names on lines of 12 characters: split on the newline into a multi-line label
            y=alt.Y(
                "category:N",
                title=None,
                sort=list(dict.fromkeys(measured["category"].astype("object").map(wrap_label))),
                axis=alt.Axis(labelExpr="split(datum.label, '\\n')", labelLimit=0),
            ),
            yOffset=alt.YOffset("jitter:Q"),
            color=alt.Color("band:N", title="完成情况", scale=_scale(va.BAND_LABELS, BAND_COLORS)),
            tooltip=[
                alt.Tooltip("metric:N", title="指标"),
                alt.Tooltip("category_full:N", title="类别"),
                alt.Tooltip("milestone_id:N", title="节点"),
                alt.Tooltip("text:N", title="内容"),
                alt.Tooltip("actual:Q", title="实际"),
                alt.Tooltip("target:Q", title="目标"),
                alt.Tooltip("unit:N", title="单位"),
                alt.Tooltip("achievement:Q", title="完成率", format=".0%"),
            ],
        )
        .transform_calculate(jitter="random() * 12 - 6")
        .properties(width=360, height=alt.Step(44))
    )
    return _styled(chart)


def chart_indicator_series(series: pd.DataFrame, *, title: str | None = None) -> Any:
    """Target trajectory (grey squares, dashed) against reported actuals (blue dots, solid).

    Parameters
    ----------
    series
        :func:`indicator_series` output; empty draws a note instead of an empty plot.
    title
        Chart title; default the metric names.

    Returns
    -------
    altair.LayerChart or altair.Chart
        The legend shows 目标 and 实际 with their own colour, mark and dash; the unit stands
        horizontally above the y axis. One line per task when a metric belongs to several.
    """
    if series.empty:
        return empty_chart(title or "（无量化指标）")
    name = title or "、".join(dict.fromkeys(series["metric"].astype(str)))
    unit = "、".join(dict.fromkeys(series["unit"].dropna().astype(str)))
    long = pd.concat(
        [
            pd.DataFrame(
                {
                    "quarter": series["quarter"].astype("object"),
                    "task": series["task_id"].astype("object"),
                    "kind": kind,
                    "value": series[column].astype(float),
                    "milestone_id": series["milestone_id"].astype("object"),
                }
            )
            for kind, column in (("目标", "target"), ("实际", "actual"))
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    kinds = list(KIND_COLORS)
    legend = {"title": None, "orient": "top"}
    chart = (
        alt.Chart(long, title=alt.Title(name, subtitle="虚线方块为目标，实线圆点为实际"))
        .mark_line(point={"filled": True, "size": 60})
        .encode(
            x=alt.X("quarter:O", title="到期季度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", axis=alt.Axis(**_level_title(unit or None))),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=list(KIND_COLORS.values())),
                legend=alt.Legend(**legend),
            ),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[_KIND_SHAPES[k] for k in kinds]),
                legend=alt.Legend(**legend),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[[5, 4], [1, 0]]),
                legend=alt.Legend(**legend),
            ),
            detail="task:N",
            tooltip=[
                alt.Tooltip("kind:N", title="类别"),
                alt.Tooltip("task:N", title="任务"),
                alt.Tooltip("quarter:O", title="季度"),
                alt.Tooltip("value:Q", title="数值"),
                alt.Tooltip("milestone_id:N", title="节点"),
            ],
        )
        .properties(width=360, height=200)
    )
    return _styled(chart)


def empty_chart(message: str) -> Any:
    """A chart that only says ``message``: no axes, no scales, so vega has nothing to warn
    about (an empty data set on a plot logs "Infinite extent" warnings in the console)."""
    chart = (
        alt.Chart(pd.DataFrame({"text": [message]}))
        .mark_text(fontSize=13, color="#666", align="left", baseline="top")
        .encode(text="text:N", x=alt.value(0), y=alt.value(0))
        .properties(width=360, height=40)
    )
    return _styled(chart)


def chart_changes(changes: pd.DataFrame, *, title: str | None = None) -> Any:
    """Bars counting each kind of quarter-to-quarter change, in :data:`CHANGE_COLORS` order.

    Parameters
    ----------
    changes
        :func:`taskanalytics.explore.compare.compare_quarters` output; not modified.
    title
        Chart title; default 季度变化.

    Returns
    -------
    altair.Chart
        Every kind is drawn (0 when absent), so two comparisons read alike.
    """
    kinds = list(CHANGE_COLORS)
    counts = changes["change"].value_counts().reindex(kinds, fill_value=0)
    rows = pd.DataFrame({"change": kinds, "n": counts.to_numpy().astype(int)})
    chart = (
        alt.Chart(rows, title=alt.Title(title or "季度变化"))
        .mark_bar()
        .encode(
            y=alt.Y("change:N", sort=kinds, title=None),
            x=alt.X("n:Q", title="项数", axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "change:N",
                scale=alt.Scale(domain=kinds, range=list(CHANGE_COLORS.values())),
                legend=None,
            ),
            tooltip=[alt.Tooltip("change:N", title="变化"), alt.Tooltip("n:Q", title="项数")],
        )
        .properties(width=260, height=alt.Step(20))
    )
    text = chart.mark_text(align="left", dx=3).encode(text="n:Q", color=alt.value("#333"))
    return _styled(alt.layer(chart, text))
