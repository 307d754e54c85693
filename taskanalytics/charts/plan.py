"""Charts of the plan itself: tasks by category, lead unit and leader; milestones by month.

Every builder takes a tidy DataFrame from :class:`taskanalytics.Plan` (``plan.tasks`` or
``plan.milestones``), counts in pandas (so the chart data is small and inlined), and returns a
new ``alt.Chart``; the input frame is never modified. Titles, axis labels and legends are in
Simplified Chinese because the charts go to officials.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import altair as alt
import pandas as pd

from taskanalytics.charts.render import describe
from taskanalytics.errors import ChartInputError
from taskanalytics.plan.order import pinyin_key

__all__ = [
    "DUE_KIND_LABELS",
    "chart_milestones_by_month",
    "chart_tasks_by_category",
    "chart_tasks_by_leader",
    "chart_tasks_by_lead_unit",
]

#: Chinese legend labels for ``milestones.due_kind``, in legend order.
DUE_KIND_LABELS: dict[str, str] = {
    "date": "明确日期",
    "range": "时间区间",
    "recurring": "定期（每月/每季）",
    "task_deadline": "按任务完成时限",
}

_BAR_COLOR = "#2f6db5"
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


def _count_bar(
    counts: pd.DataFrame,
    *,
    label: str,
    title: str,
    subtitle: str | None = None,
    order: list[str] | None = None,
    label_limit: int = 260,
) -> alt.LayerChart:
    """Horizontal bar chart of ``counts`` (columns ``name``, ``tasks``); largest first unless
    ``order`` gives the bar order."""
    title_params: dict[str, Any] = {"text": title}
    if subtitle:
        title_params["subtitle"] = subtitle
    bars = alt.Chart(counts).mark_bar(color=_BAR_COLOR)
    encoded = bars.encode(
        # no y title: the chart title names the bars, and a rotated Chinese title reads badly
        y=alt.Y(
            "name:N",
            sort=order if order is not None else "-x",
            title=None,
            axis=alt.Axis(labelLimit=label_limit),
        ),
        x=alt.X("tasks:Q", title="任务数（项）", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[alt.Tooltip("name:N", title=label), alt.Tooltip("tasks:Q", title="任务数")],
    )
    labels = encoded.mark_text(align="left", dx=3, fontSize=11).encode(text="tasks:Q")
    phrases = [f"{n} {int(v)} 项" for n, v in zip(counts["name"], counts["tasks"], strict=True)]
    return alt.layer(encoded, labels, title=alt.Title(**title_params)).properties(
        width=460,
        height=alt.Step(_BAR_STEP),
        description=describe(f"{title}（{subtitle}）" if subtitle else title, phrases, unit="个"),
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
    _require(tasks, ["category"], "chart_tasks_by_category")
    category = tasks["category"].astype("object").where(tasks["category"].notna(), "（未分类）")
    # Keep the document's order (一、二、三…), which readers know, instead of sorting by size.
    order = list(dict.fromkeys(category.astype(str)))
    counts = category.astype(str).value_counts().reindex(order).rename("tasks")
    counts = counts.rename_axis("name").reset_index()
    subtitle = f"共 {len(tasks)} 项任务，按文件中的顺序排列"
    return _count_bar(
        counts, label="类别", title="各类别任务数", subtitle=subtitle, order=order, label_limit=420
    )


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
    _require(tasks, ["lead_units"], "chart_tasks_by_lead_unit")
    if top_n < 1:
        raise ChartInputError(f"chart_tasks_by_lead_unit: top_n must be >= 1, got {top_n}")
    counts = _names_per_task(tasks, "lead_units")
    shown = counts.head(top_n)
    subtitle = f"前 {len(shown)} 个，共 {len(counts)} 个牵头单位；一项任务可有多个牵头单位"
    return _count_bar(shown, label="牵头单位", title="各牵头单位牵头任务数", subtitle=subtitle)


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
    _require(tasks, ["leaders"], "chart_tasks_by_leader")
    counts = _names_per_task(tasks, "leaders")
    shown = counts if top_n is None else counts.head(top_n)
    subtitle = f"共 {len(counts)} 位分管领导；一项任务可有多位分管领导"
    return _count_bar(shown, label="分管领导", title="各分管领导分管任务数", subtitle=subtitle)


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
        legend labels (:data:`DUE_KIND_LABELS`).

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
    return (
        alt.Chart(counts, title=alt.Title("各月到期的阶段性节点", subtitle=subtitle))
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
            description=describe(
                f"各月到期的阶段性节点（{subtitle}）",
                [
                    f"{m} {int(n)} 个"
                    for m, n in counts.groupby("month", sort=False)["milestones"]
                    .sum()
                    .reindex(month_order)
                    .dropna()
                    .items()
                ],
                unit="个月",
            ),
        )
    )
