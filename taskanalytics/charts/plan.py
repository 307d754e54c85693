"""Charts of the plan itself: tasks by category, lead unit and leader; milestones by month.

Every builder takes a tidy DataFrame from :class:`taskanalytics.Plan` (``plan.tasks`` or
``plan.milestones``), counts in pandas (so the chart data is small and inlined), and returns a
new ``alt.Chart``; the input frame is never modified. Titles, axis labels and legends are in
Simplified Chinese because the charts go to officials.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from taskanalytics.charts.bars import BarPlot, Stack
from taskanalytics.charts.lazy import alt
from taskanalytics.charts.render import describe
from taskanalytics.errors import ChartInputError
from taskanalytics.plan.order import pinyin_key

__all__ = [
    "DUE_KIND_LABELS",
    "chart_milestones_by_month",
    "chart_tasks_by_category",
    "chart_tasks_by_leader",
    "chart_tasks_by_lead_unit",
    "milestones_by_month_plot",
    "tasks_by_category_plot",
    "tasks_by_lead_unit_plot",
    "tasks_by_leader_plot",
]

#: Chinese legend labels for ``milestones.due_kind``, in legend order.
DUE_KIND_LABELS: dict[str, str] = {
    "date": "明确日期",
    "range": "时间区间",
    "recurring": "定期（每月/每季）",
    "task_deadline": "按任务完成时限",
}

_BAR_COLOR = "#2f6db5"
#: Vega's default ``tableau10`` scheme: the colours of the kinds of due date by month.
_TABLEAU10 = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2",
              "#ff9da6", "#9d755d", "#bab0ac")  # fmt: skip
_BAR_STEP = 22  # pixels per bar in horizontal bar charts


# --------------------------------------------------------------------------- helpers


def _require(df: pd.DataFrame, columns: Iterable[str], builder: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ChartInputError(f"{builder}: missing column(s) {missing}; found {list(df.columns)}")


def _explode_names(df: pd.DataFrame, column: str) -> pd.Series:
    """Return one row per (task, name) from a column of lists of names, blanks dropped."""

    def as_list(value: object) -> list[object]:
        if isinstance(value, (list, tuple)):
            return list(value)
        return [] if value is None or (isinstance(value, float) and pd.isna(value)) else [value]

    values = df[column].map(as_list)
    names = values.explode().dropna().astype(str).str.strip()
    return names[names != ""]


@dataclass(frozen=True)
class _Counts:
    """What a horizontal count bar chart shows: ``counts`` (columns ``name``, ``tasks``),
    largest first unless ``order`` gives the bar order."""

    counts: pd.DataFrame
    label: str
    title: str
    subtitle: str | None = None
    order: list[str] | None = None
    label_limit: int = 260


def _count_plot(c: _Counts) -> BarPlot:
    """The :class:`~taskanalytics.charts.bars.BarPlot` of a count bar chart."""
    counts = c.counts
    phrases = [f"{n} {int(v)} 项" for n, v in zip(counts["name"], counts["tasks"], strict=True)]
    if c.order is None:  # Vega-Lite's "-x": largest first, ties in the order of the rows
        shown = counts.sort_values("tasks", ascending=False, kind="stable")
    else:
        shown = counts.set_index("name").reindex(c.order).reset_index().dropna(subset=["tasks"])
    values = [float(v) for v in shown["tasks"]]
    return BarPlot(
        title=c.title,
        subtitle=c.subtitle or "",
        categories=[str(n) for n in shown["name"]],
        stacks=[Stack("", _BAR_COLOR, values)],
        description=describe(
            f"{c.title}（{c.subtitle}）" if c.subtitle else c.title, phrases, unit="个"
        ),
        value_title="任务数（项）",
        labels=[f"{int(v)}" for v in values],
        label_limit=c.label_limit,
        length=460,
        step=_BAR_STEP,
    )


def _count_bar(c: _Counts) -> alt.LayerChart:
    """Horizontal bar chart of a :class:`_Counts`. Its
    :class:`~taskanalytics.charts.bars.BarPlot` rides in ``usermeta``, so the offline renderer
    draws it by hand."""
    plot = _count_plot(c)
    title_params: dict[str, Any] = {"text": c.title}
    if c.subtitle:
        title_params["subtitle"] = c.subtitle
    bars = alt.Chart(c.counts).mark_bar(color=_BAR_COLOR)
    encoded = bars.encode(
        # no y title: the chart title names the bars, and a rotated Chinese title reads badly
        y=alt.Y(
            "name:N",
            sort=c.order if c.order is not None else "-x",
            title=None,
            axis=alt.Axis(labelLimit=c.label_limit),
        ),
        x=alt.X("tasks:Q", title="任务数（项）", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("name:N", title=c.label), alt.Tooltip("tasks:Q", title="任务数")],
    )
    labels = encoded.mark_text(align="left", dx=3, fontSize=11).encode(text="tasks:Q")
    return alt.layer(encoded, labels, title=alt.Title(**title_params)).properties(
        width=460,
        height=alt.Step(_BAR_STEP),
        description=plot.description,
        usermeta=plot.to_usermeta(),
    )


def _names_per_task(tasks: pd.DataFrame, column: str) -> pd.DataFrame:
    names = _explode_names(tasks, column)
    # A unit named twice in one task's list counts once for that task.
    pairs = pd.DataFrame({"row": names.index, "name": names.to_numpy()}).drop_duplicates()
    counts = pairs.groupby("name", sort=False).size().rename("tasks").reset_index()
    counts["_key"] = counts["name"].map(pinyin_key)  # ties in pinyin order, not code points
    counts = counts.sort_values(["tasks", "_key"], ascending=[False, True], ignore_index=True)
    return counts.drop(columns="_key")


# --------------------------------------------------------------------------- chart builders


def _by_category(tasks: pd.DataFrame) -> _Counts:
    _require(tasks, ["category"], "chart_tasks_by_category")
    category = tasks["category"].astype("object").where(tasks["category"].notna(), "（未分类）")
    # Keep the document's order (一、二、三…), which readers know, instead of sorting by size.
    order = list(dict.fromkeys(category.astype(str)))
    counts = category.astype(str).value_counts().reindex(order).rename("tasks")
    counts = counts.rename_axis("name").reset_index()
    subtitle = f"共 {len(tasks)} 项任务，按文件中的顺序排列"
    return _Counts(counts, "类别", "各类别任务数", subtitle, order, label_limit=420)


def tasks_by_category_plot(tasks: pd.DataFrame) -> BarPlot:
    """The chart of :func:`chart_tasks_by_category` as a
    :class:`~taskanalytics.charts.bars.BarPlot` (static SVG without altair).

    Examples
    --------
    >>> tasks_by_category_plot(pd.DataFrame({"category": ["甲", "乙", "甲"]})).categories
    ['甲', '乙']
    """
    return _count_plot(_by_category(tasks))


def chart_tasks_by_category(tasks: pd.DataFrame) -> alt.LayerChart:
    """Bar chart of the number of tasks per category (类别), in document order.

    Parameters
    ----------
    tasks
        ``plan.tasks``; needs the column ``category``. Rows with no category are counted as
        ``（未分类）``.

    Returns
    -------
    alt.LayerChart
        Horizontal bars with count labels, titled 各类别任务数.

    Raises
    ------
    TaskAnalyticsError
        If ``category`` is missing.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["主要预期目标", "主要预期目标", "民生实事"]})
    >>> chart = chart_tasks_by_category(t)
    """
    return _count_bar(_by_category(tasks))


def _by_lead_unit(tasks: pd.DataFrame, top_n: int) -> _Counts:
    _require(tasks, ["lead_units"], "chart_tasks_by_lead_unit")
    if top_n < 1:
        raise ChartInputError(f"chart_tasks_by_lead_unit: top_n must be >= 1, got {top_n}")
    counts = _names_per_task(tasks, "lead_units")
    shown = counts.head(top_n)
    subtitle = f"前 {len(shown)} 个，共 {len(counts)} 个牵头单位；一项任务可有多个牵头单位"
    return _Counts(shown, "牵头单位", "各牵头单位牵头任务数", subtitle)


def tasks_by_lead_unit_plot(tasks: pd.DataFrame, *, top_n: int = 15) -> BarPlot:
    """The chart of :func:`chart_tasks_by_lead_unit` as a
    :class:`~taskanalytics.charts.bars.BarPlot` (static SVG without altair).

    Examples
    --------
    >>> t = pd.DataFrame({"lead_units": [["发改局"], ["发改局", "财政局"]]})
    >>> tasks_by_lead_unit_plot(t).labels
    ['2', '1']
    """
    return _count_plot(_by_lead_unit(tasks, top_n))


def chart_tasks_by_lead_unit(tasks: pd.DataFrame, *, top_n: int = 15) -> alt.LayerChart:
    """Horizontal bar chart of the units leading the most tasks (牵头单位), top ``top_n``.

    Parameters
    ----------
    tasks
        ``plan.tasks``; needs ``lead_units`` (a list of unit names per task).
    top_n
        How many units to show; the subtitle says how many there are in all.

    Returns
    -------
    alt.LayerChart
        Bars sorted largest first, with count labels.

    Raises
    ------
    TaskAnalyticsError
        If ``lead_units`` is missing, or ``top_n`` is not positive.

    Examples
    --------
    >>> t = pd.DataFrame({"lead_units": [["发改局"], ["发改局", "财政局"]]})
    >>> chart = chart_tasks_by_lead_unit(t, top_n=5)
    """
    return _count_bar(_by_lead_unit(tasks, top_n))


def _by_leader(tasks: pd.DataFrame, top_n: int | None) -> _Counts:
    _require(tasks, ["leaders"], "chart_tasks_by_leader")
    counts = _names_per_task(tasks, "leaders")
    shown = counts if top_n is None else counts.head(top_n)
    subtitle = f"共 {len(counts)} 位分管领导；一项任务可有多位分管领导"
    return _Counts(shown, "分管领导", "各分管领导分管任务数", subtitle)


def tasks_by_leader_plot(tasks: pd.DataFrame, *, top_n: int | None = None) -> BarPlot:
    """The chart of :func:`chart_tasks_by_leader` as a
    :class:`~taskanalytics.charts.bars.BarPlot` (static SVG without altair).

    Examples
    --------
    >>> t = pd.DataFrame({"leaders": [["祝美娟"], ["黄刚"], ["祝美娟"]]})
    >>> tasks_by_leader_plot(t).categories
    ['祝美娟', '黄刚']
    """
    return _count_plot(_by_leader(tasks, top_n))


def chart_tasks_by_leader(tasks: pd.DataFrame, *, top_n: int | None = None) -> alt.LayerChart:
    """Horizontal bar chart of the number of tasks per responsible leader (分管领导).

    Parameters
    ----------
    tasks
        ``plan.tasks``; needs ``leaders`` (a list of names per task).
    top_n
        Show only the ``top_n`` leaders with the most tasks; None shows all.

    Returns
    -------
    alt.LayerChart
        Bars sorted largest first, with count labels.

    Raises
    ------
    TaskAnalyticsError
        If ``leaders`` is missing.

    Examples
    --------
    >>> t = pd.DataFrame({"leaders": [["祝美娟"], ["黄刚"], ["祝美娟"]]})
    >>> chart = chart_tasks_by_leader(t)
    """
    return _count_bar(_by_leader(tasks, top_n))


def _months(
    milestones: pd.DataFrame,
) -> tuple[pd.DataFrame, list[str], list[str], BarPlot]:
    """The counts of :func:`chart_milestones_by_month` (``month``, ``kind``, ``kind_order``,
    ``milestones``), its month and kind orders, and its plot."""
    _require(milestones, ["due_date", "due_kind"], "chart_milestones_by_month")
    due = pd.to_datetime(milestones["due_date"], errors="coerce")
    dated = pd.DataFrame({"due": due, "kind": milestones["due_kind"].astype("object")})
    undated = int(dated["due"].isna().sum())
    dated = dated.dropna(subset=["due"])
    known = list(DUE_KIND_LABELS)
    kind_label = dated["kind"].map(lambda k: DUE_KIND_LABELS.get(k, str(k)))
    counts = (
        pd.DataFrame(
            {
                "month_start": dated["due"].dt.to_period("M").dt.to_timestamp(),
                "kind": kind_label,
                "kind_order": dated["kind"].map(
                    lambda k: known.index(k) if k in known else len(known)
                ),
            }
        )
        .groupby(["month_start", "kind", "kind_order"], as_index=False)
        .size()
        .rename(columns={"size": "milestones"})
    )
    # Label months in Chinese in pandas, so the axis does not depend on a time-format locale.
    # The plan year (the most common one) shows all twelve months, empty ones included; a
    # month in another year (a milestone due next year) gets its year in the label.
    if counts.empty:
        month_order: list[str] = []
        counts["month"] = pd.Series(dtype="object")
    else:
        plan_year = int(counts.groupby(counts["month_start"].dt.year)["milestones"].sum().idxmax())
        months = pd.Series(
            pd.period_range(f"{plan_year}-01", f"{plan_year}-12", freq="M").to_timestamp()
        )
        months = pd.concat([months, counts["month_start"]]).drop_duplicates().sort_values()

        def month_label(ts: pd.Timestamp) -> str:
            return f"{ts.month}月" if ts.year == plan_year else f"{ts.year}年{ts.month}月"

        counts["month"] = counts["month_start"].map(month_label)
        month_order = [month_label(ts) for ts in months]
    kind_order = [DUE_KIND_LABELS[k] for k in known] + sorted(
        set(counts["kind"]) - set(DUE_KIND_LABELS.values())
    )
    counts = counts.drop(columns=["month_start"])
    subtitle = f"共 {len(milestones)} 个节点"
    if undated:
        subtitle += f"，其中 {undated} 个无具体日期未计入"
    per_month = counts.groupby("month", sort=False)["milestones"].sum()
    description = describe(
        f"各月到期的阶段性节点（{subtitle}）",
        [f"{m} {int(n)} 个" for m, n in per_month.reindex(month_order).dropna().items()],
        unit="个月",
    )
    table = pd.DataFrame(0, index=kind_order, columns=month_order)
    if not counts.empty:
        table = counts.pivot_table(
            index="kind", columns="month", values="milestones", aggfunc="sum", fill_value=0
        ).reindex(index=kind_order, columns=month_order, fill_value=0)
    # stacked from the axis in the kinds' order (the spec's "order" channel), which is also
    # the legend's; every kind is in the legend, as in Vega-Lite's, even one with no milestone
    stacks = [
        Stack(
            kind,
            _TABLEAU10[i % len(_TABLEAU10)],
            [float(v) for v in table.loc[kind]],
        )
        for i, kind in enumerate(kind_order)
    ]
    plot = BarPlot(
        title="各月到期的阶段性节点",
        subtitle=subtitle,
        categories=month_order,
        stacks=stacks,
        description=description,
        horizontal=False,
        value_title="节点数（个）",
        category_title="到期月份",
        legend=True,
        legend_title="时间类型",
        length=260,
        step=58,
    )
    return counts, month_order, kind_order, plot


def milestones_by_month_plot(milestones: pd.DataFrame) -> BarPlot:
    """The chart of :func:`chart_milestones_by_month` as a
    :class:`~taskanalytics.charts.bars.BarPlot` (static SVG without altair; what the source
    audit shows).

    Examples
    --------
    >>> m = pd.DataFrame({"due_date": pd.to_datetime(["2023-03-31", "2023-06-30"]),
    ...                   "due_kind": ["date", "task_deadline"]})
    >>> milestones_by_month_plot(m).totals()[2:6]
    [1.0, 0.0, 0.0, 1.0]
    """
    return _months(milestones)[3]


def chart_milestones_by_month(milestones: pd.DataFrame) -> alt.Chart:
    """Stacked bar chart of milestones per month of their due date, coloured by kind of date.

    Parameters
    ----------
    milestones
        ``plan.milestones``; needs ``due_date`` (datetime64) and ``due_kind``. Milestones with
        no due date are left out and counted in the subtitle.

    Returns
    -------
    alt.Chart
        One bar per month (1月…12月) that has milestones, stacked by ``due_kind`` with Chinese
        legend labels (:data:`DUE_KIND_LABELS`). Its :func:`milestones_by_month_plot` rides in
        ``usermeta``, so the offline renderer draws it by hand.

    Raises
    ------
    TaskAnalyticsError
        If a column is missing.

    Examples
    --------
    >>> m = pd.DataFrame({"due_date": pd.to_datetime(["2023-03-31", "2023-06-30"]),
    ...                   "due_kind": ["date", "task_deadline"]})
    >>> chart = chart_milestones_by_month(m)
    """
    counts, month_order, kind_order, plot = _months(milestones)
    return (
        alt.Chart(counts, title=alt.Title("各月到期的阶段性节点", subtitle=plot.subtitle))
        .mark_bar()
        .encode(
            x=alt.X(
                "month:N", sort=month_order, scale=alt.Scale(domain=month_order), title="到期月份"
            ),
            y=alt.Y(
                "sum(milestones):Q", title="节点数（个）", axis=alt.Axis(format="d", tickMinStep=1)
            ),
            color=alt.Color(
                "kind:N",
                title="时间类型",
                scale=alt.Scale(domain=kind_order),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("kind_order:Q"),
            tooltip=[
                alt.Tooltip("month:N", title="月份"),
                alt.Tooltip("kind:N", title="时间类型"),
                alt.Tooltip("milestones:Q", title="节点数"),
            ],
        )
        # a step wide enough for "2024年12月" with horizontal labels
        .properties(
            width=alt.Step(58),
            height=260,
            description=plot.description,
            usermeta=plot.to_usermeta(),
        )
    )
