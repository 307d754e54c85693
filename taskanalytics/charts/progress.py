"""Charts of quarterly progress: due milestones by status, trends, targets against actuals.

Builders take frames of an :class:`~taskanalytics.Assessment` (roll-ups, per-quarter counts,
``series()``), reshape them in pandas into a few rows, and return a new chart; inputs are never
modified. Every status is drawn in its colour *and* named in the legend, so colour is never the
only signal. Charts are sized for a page about 700 px wide and scale down on a phone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from taskanalytics.assess.rollup import on_time_rate
from taskanalytics.charts.bars import BarPlot, Stack
from taskanalytics.charts.grid import GridPlot
from taskanalytics.charts.lazy import alt
from taskanalytics.charts.plan import _require
from taskanalytics.charts.render import describe
from taskanalytics.charts.svg import Line, LinePlot
from taskanalytics.errors import ChartInputError
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "DUE_STATUS",
    "chart_indicator_series",
    "chart_rate_trend",
    "chart_status_by_group",
    "chart_status_trend",
    "indicators_plot",
    "quarter_axis_label",
    "rate_trend_plot",
    "status_by_group_plot",
    "status_trend_plot",
]

#: Count column of a roll-up -> (status label, colour) for the stacked bars of due milestones,
#: in stacking order. Together they make up ``due`` (done on time + late + overdue + unreported
#: + due today).
DUE_STATUS: dict[str, tuple[str, str]] = {
    "done_on_time": ("按期完成", "#3a8d55"),
    "done_late": ("逾期完成", "#8fb3d9"),
    "overdue": ("逾期未完成", "#c0392b"),
    "not_reported": ("未报送", "#e0a526"),
    "due_today": ("今日到期", "#f2d16b"),
}
#: Columns of :data:`DUE_STATUS` a frame may lack (then 0): older roll-ups had no 今日到期.
_OPTIONAL_STATUS = ("due_today",)
_REQUIRED_STATUS = [c for c in DUE_STATUS if c not in _OPTIONAL_STATUS]

_TARGET_COLOR = "#7a8694"
_ACTUAL_COLOR = "#2f6db5"
_PALETTE = (_ACTUAL_COLOR, _TARGET_COLOR, "#3a8d55", "#e0a526", "#8e44ad")
#: Vega-Lite's default ``strokeDash`` range, for the hand-drawn copy of a chart that uses it.
_DEFAULT_DASHES: tuple[list[float], ...] = ([], [4, 2], [2, 1], [1, 1], [1, 2, 4, 2])


def quarter_axis_label(quarter: QuarterLike) -> str:
    """Return a short Chinese axis label for a quarter: ``"2023Q2"`` -> ``"二季度"``.

    Examples
    --------
    >>> quarter_axis_label("2023Q4")
    '四季度'
    """
    return Quarter.parse(quarter).zh_short


def _long_status(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Counts of due milestones by status, one row per (key, status), in stacking order."""
    parts = [
        pd.DataFrame(
            {
                key: frame[key].astype(str).to_numpy(),
                "status": label,
                "order": i,
                "count": frame[col].astype(int).to_numpy(),
            }
        )
        for i, (col, (label, _)) in enumerate(DUE_STATUS.items())
        if col in frame.columns  # an optional status missing: nothing to stack
    ]
    return pd.concat(parts, ignore_index=True)


def _status_color(title: str | None = "状态") -> alt.Color:
    labels = [label for label, _ in DUE_STATUS.values()]
    colors = [color for _, color in DUE_STATUS.values()]
    return alt.Color(
        "status:N",
        title=title,
        scale=alt.Scale(domain=labels, range=colors),
        legend=alt.Legend(orient="top", title=None),
    )


def _status_stacks(frame: pd.DataFrame) -> list[Stack]:
    """One layer per status of :data:`DUE_STATUS` the frame has, in stacking order."""
    return [
        Stack(label, color, [float(v) for v in frame[col].astype(int)])
        for col, (label, color) in DUE_STATUS.items()
        if col in frame.columns
    ]


def status_by_group_plot(
    rollup: pd.DataFrame,
    by: str,
    *,
    title: str,
    subtitle: str | None = None,
    label_limit: int = 300,
) -> BarPlot:
    """The chart of :func:`chart_status_by_group` as a
    :class:`~taskanalytics.charts.bars.BarPlot`: the same bars, colours, legend and alt text,
    drawn as static SVG without altair (what the overview shows).

    Examples
    --------
    >>> r = pd.DataFrame({"unit": ["财政局"], "done_on_time": [3], "done_late": [0],
    ...                   "overdue": [1], "not_reported": [0]})
    >>> status_by_group_plot(r, "unit", title="各单位应完成节点").totals()
    [4.0]
    """
    _require(rollup, [by, *_REQUIRED_STATUS], "chart_status_by_group")
    # Vega-Lite draws one bar per distinct name (summing repeats), in the frame's order
    groups = rollup.assign(**{by: rollup[by].astype(str)})
    counts = [c for c in DUE_STATUS if c in groups.columns]
    groups = groups.groupby(by, sort=False)[counts].sum().reset_index()
    stacks = _status_stacks(groups)
    return BarPlot(
        title=title,
        subtitle=subtitle or "",
        categories=groups[by].tolist(),
        # every status is in the legend, as in the altair chart's (its colour scale's domain)
        stacks=stacks + [Stack(label, color, [0.0] * len(groups))
                         for col, (label, color) in DUE_STATUS.items() if col not in counts],
        description=describe(
            f"{title}（按状态）" + (f"，{subtitle}" if subtitle else ""),
            [_status_phrase(row, str(row[by])) for _, row in rollup.iterrows()],
            unit="个",
        ),
        value_title="应完成节点（个）",
        legend=True,
        label_limit=label_limit,
        length=300,
        step=22,
    )  # fmt: skip


def chart_status_by_group(
    rollup: pd.DataFrame,
    by: str,
    *,
    title: str,
    subtitle: str | None = None,
    label_limit: int = 300,
) -> alt.Chart:
    """Horizontal stacked bars: each group's due milestones by status, in the frame's order.

    Parameters
    ----------
    rollup
        One quarter of a roll-up (``by_category``, ``by_unit`` …) with the columns of
        :data:`DUE_STATUS` and ``by``.
    by
        The group column (``category``, ``unit``, ``leader``).
    title, subtitle
        Chart title and subtitle (Chinese).
    label_limit
        Pixel width at which group labels are cut with an ellipsis.

    Returns
    -------
    alt.Chart
        Its :func:`status_by_group_plot` rides in ``usermeta``, so the offline renderer draws
        it by hand.

    Raises
    ------
    TaskAnalyticsError
        If a column is missing.

    Examples
    --------
    >>> r = pd.DataFrame({"unit": ["财政局"], "done_on_time": [3], "done_late": [0],
    ...                   "overdue": [1], "not_reported": [0]})
    >>> chart = chart_status_by_group(r, "unit", title="各单位应完成节点")
    """
    plot = status_by_group_plot(rollup, by, title=title, subtitle=subtitle, label_limit=label_limit)
    data = _long_status(rollup, by)
    order = list(dict.fromkeys(rollup[by].astype(str)))
    heading = alt.Title(title, subtitle=subtitle) if subtitle else alt.Title(title)
    return (
        alt.Chart(data, title=heading)
        .mark_bar()
        .encode(
            y=alt.Y(f"{by}:N", sort=order, title=None, axis=alt.Axis(labelLimit=label_limit)),
            x=alt.X("sum(count):Q", title="应完成节点（个）", axis=alt.Axis(format="d")),
            color=_status_color(),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip(f"{by}:N", title="名称"),
                alt.Tooltip("status:N", title="状态"),
                alt.Tooltip("count:Q", title="节点数"),
            ],
        )
        .properties(
            width=300,
            height=alt.Step(22),
            description=plot.description,
            usermeta=plot.to_usermeta(),
        )
    )


def _number(value: float) -> str:
    """``17501.0`` -> ``"17,501"``, ``2.35`` -> ``"2.4"``: thousands separated, one decimal."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _status_phrase(row: pd.Series, name: str) -> str:
    """``"财政局 应完成 10 个：按期完成 5，逾期未完成 3"`` (statuses with a zero left out)."""
    counts = [(label, int(row.get(col, 0))) for col, (label, _) in DUE_STATUS.items()]
    due = sum(n for _, n in counts)
    shown = "，".join(f"{label} {n}" for label, n in counts if n)
    return f"{name} 应完成 {due} 个" + (f"：{shown}" if shown else "")


def _status_trend(summary: pd.DataFrame, title: str) -> tuple[pd.DataFrame, BarPlot]:
    """The rows of :func:`chart_status_trend` (``label``, ``due``, ``text``: the totals and
    their on-time rate) and its plot."""
    _require(summary, ["quarter", "due", *_REQUIRED_STATUS], "chart_status_trend")
    labelled = summary.assign(label=summary["quarter"].map(quarter_axis_label))
    order = labelled["label"].tolist()
    due = labelled["due"].astype(int)
    today = labelled["due_today"] if "due_today" in labelled else 0
    rate = on_time_rate(labelled["done_on_time"], due, today).map(
        lambda r: "—" if pd.isna(r) else f"按期 {r:.0%}"
    )
    totals = pd.DataFrame({"label": order, "due": due.to_numpy(), "text": rate.to_numpy()})
    phrases = [
        _status_phrase(row, label) + ("" if r == "—" else f"（{r}）")
        for (_, row), label, r in zip(labelled.iterrows(), order, rate, strict=True)
    ]
    present = [c for c in DUE_STATUS if c in labelled.columns]
    plot = BarPlot(
        title=title,
        categories=order,
        stacks=_status_stacks(labelled)
        + [Stack(label, color, [0.0] * len(order))
           for col, (label, color) in DUE_STATUS.items() if col not in present],
        description=describe(title, phrases),
        horizontal=False,
        legend=True,
        labels=totals["text"].tolist(),
        label_size=12,
        length=220,
        step=90,
        band=0.6,
    )  # fmt: skip
    return totals, plot


def status_trend_plot(summary: pd.DataFrame, *, title: str = "各季度应完成节点（个）") -> BarPlot:
    """The chart of :func:`chart_status_trend` as a
    :class:`~taskanalytics.charts.bars.BarPlot` (static SVG without altair).

    Examples
    --------
    >>> s = pd.DataFrame({"quarter": ["2023Q1"], "due": [4], "done_on_time": [2],
    ...                   "done_late": [1], "overdue": [1], "not_reported": [0]})
    >>> status_trend_plot(s).labels
    ['按期 50%']
    """
    return _status_trend(summary, title)[1]


def chart_status_trend(
    summary: pd.DataFrame, *, title: str = "各季度应完成节点（个）"
) -> alt.LayerChart:
    """Stacked bars per quarter of due milestones by status, labelled with the on-time rate.

    Parameters
    ----------
    summary
        One row per quarter with ``quarter``, ``due`` and the columns of :data:`DUE_STATUS`
        (:meth:`Assessment.summary`, or a roll-up's rows for one unit).
    title
        Chart title.

    Returns
    -------
    alt.LayerChart
        Its :func:`status_trend_plot` rides in ``usermeta``, so the offline renderer draws it
        by hand.

    Raises
    ------
    TaskAnalyticsError
        If a column is missing.

    Examples
    --------
    >>> s = pd.DataFrame({"quarter": ["2023Q1"], "due": [4], "done_on_time": [2],
    ...                   "done_late": [1], "overdue": [1], "not_reported": [0]})
    >>> chart = chart_status_trend(s)
    """
    totals, plot = _status_trend(summary, title)
    order = plot.categories
    data = _long_status(summary.assign(label=order), "label")
    x = alt.X("label:N", sort=order, title=None)
    bars = (
        alt.Chart(data)
        .mark_bar(width=alt.RelativeBandSize(0.6))
        .encode(
            x=x,
            # no y title: a rotated Chinese title reads badly; the chart title names the unit
            y=alt.Y("sum(count):Q", title=None, axis=alt.Axis(format="d")),
            color=_status_color(),
            order=alt.Order("order:Q"),
        )
    )
    text = (
        alt.Chart(totals)
        .mark_text(dy=-8, fontSize=12, color="#1f2d3d")
        .encode(x=x, y=alt.Y("due:Q"), text="text:N")
    )
    return alt.layer(bars, text, title=alt.Title(title)).properties(
        width=alt.Step(90),
        height=220,
        description=plot.description,
        usermeta=plot.to_usermeta(),
    )


def _rate_trend(
    rates: pd.DataFrame, title: str, highlight: str | None
) -> tuple[pd.DataFrame, LinePlot]:
    """The rows an altair rate trend draws (``label`` added, no missing rates) and its plot."""
    _require(rates, ["quarter", "series", "on_time_rate"], "chart_rate_trend")
    data = rates.assign(label=rates["quarter"].map(quarter_axis_label)).dropna(
        subset=["on_time_rate"]
    )
    order = list(dict.fromkeys(rates["quarter"].map(quarter_axis_label)))
    names = list(dict.fromkeys(rates["series"].astype(str)))
    if highlight is not None and highlight in names:
        names = [highlight] + [n for n in names if n != highlight]
        colors = [_ACTUAL_COLOR if n == highlight else _TARGET_COLOR for n in names]
    else:
        colors = [_PALETTE[i % len(_PALETTE)] for i in range(len(names))]
    lines = [
        Line(
            name,
            color,
            _values(data, "series", name, "on_time_rate", order),
            _DEFAULT_DASHES[i % len(_DEFAULT_DASHES)],
        )
        for i, (name, color) in enumerate(zip(names, colors, strict=True))
    ]
    phrases = [
        f"{line.name}："
        + "、".join(
            f"{q} {v:.0%}" for q, v in zip(order, line.values, strict=True) if v is not None
        )
        for line in lines
    ]
    plot = LinePlot(
        title=title,
        categories=order,
        lines=lines,
        description=describe(title, phrases),
        percent=True,
        y_min=0.0,
        y_max=1.0,
        step=90,
        height=200,
    )
    return data, plot


def _values(
    data: pd.DataFrame, key: str, name: str, value: str, order: list[str]
) -> list[float | None]:
    """One line's values in category (``label``) order, None where it has no point."""
    rows = data[data[key] == name]
    found = dict(zip(rows["label"], rows[value].astype(float), strict=True))
    return [found.get(label) for label in order]


def rate_trend_plot(
    rates: pd.DataFrame, *, title: str = "按期完成率", highlight: str | None = None
) -> LinePlot:
    """The chart of :func:`chart_rate_trend` as a :class:`~taskanalytics.charts.svg.LinePlot`:
    the same lines, colours and alt text, drawn as static SVG without altair (what briefings
    show; ~5 ms instead of ~0.3 s).

    Examples
    --------
    >>> r = pd.DataFrame({"quarter": ["2023Q1", "2023Q1"], "series": ["财政局", "全区"],
    ...                   "on_time_rate": [0.5, 0.6]})
    >>> rate_trend_plot(r, highlight="财政局").lines[0].values
    [0.5]
    """
    return _rate_trend(rates, title, highlight)[1]


def chart_rate_trend(
    rates: pd.DataFrame, *, title: str = "按期完成率", highlight: str | None = None
) -> alt.Chart:
    """Lines of the on-time rate by quarter, one per series (a unit against the district).

    Parameters
    ----------
    rates
        ``quarter``, ``series`` (line name, e.g. ``财政局`` / ``全区``) and ``on_time_rate``
        (0-1; missing where nothing was due).
    title
        Chart title.
    highlight
        The series drawn in the accent colour; the others are grey.

    Returns
    -------
    alt.Chart
        Its :func:`rate_trend_plot` rides in ``usermeta``, so the offline renderer draws it by
        hand.

    Raises
    ------
    TaskAnalyticsError
        If a column is missing.

    Examples
    --------
    >>> r = pd.DataFrame({"quarter": ["2023Q1", "2023Q1"], "series": ["财政局", "全区"],
    ...                   "on_time_rate": [0.5, 0.6]})
    >>> chart = chart_rate_trend(r, highlight="财政局")
    """
    data, plot = _rate_trend(rates, title, highlight)
    order = plot.categories
    names = [line.name for line in plot.lines]
    return (
        alt.Chart(data, title=alt.Title(title))
        .mark_line(point=alt.OverlayMarkDef(size=60), strokeWidth=2.5)
        .encode(
            x=alt.X("label:N", sort=order, scale=alt.Scale(domain=order), title=None),
            y=alt.Y(
                "on_time_rate:Q",
                title=None,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=names, range=[line.color for line in plot.lines]),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names), legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="对象"),
                alt.Tooltip("label:N", title="季度"),
                alt.Tooltip("on_time_rate:Q", title="按期完成率", format=".0%"),
            ],
        )
        .properties(
            width=alt.Step(90),
            height=200,
            description=plot.description,
            usermeta=plot.to_usermeta(),
        )
    )


_QUARTER_LABELS = ["一季度", "二季度", "三季度", "四季度"]


def _indicator_points(
    series: pd.DataFrame, title: str | None
) -> tuple[pd.DataFrame, list[str], str, LinePlot | GridPlot]:
    """The points of :func:`chart_indicator_series` (``panel``, ``label``, ``kind``,
    ``value``, ``offset``), its panels, its description, and its plot (a grid of panels when
    there are several)."""
    _require(series, ["metric", "unit", "quarter", "target", "actual"], "chart_indicator_series")
    if series.empty:
        raise ChartInputError("chart_indicator_series: the series has no points")
    unit = series["unit"].fillna("").astype(str)
    panel = series["metric"].astype(str) + unit.map(lambda u: f"（{u}）" if u else "")
    data = pd.concat(
        [
            pd.DataFrame(
                {
                    "panel": panel.to_numpy(),
                    "label": series["quarter"].map(quarter_axis_label).to_numpy(),
                    "kind": kind,
                    "value": series[col].astype(float).to_numpy(),
                }
            )
            for kind, col in (("目标", "target"), ("实际", "actual"))
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    # Of a quarter's two numbers the larger is labelled above its point and the smaller below,
    # so "216" and "200" never sit on each other whichever line is higher.
    highest = data.groupby(["panel", "label"])["value"].transform("max")
    first = ~data.duplicated(["panel", "label", "value"])
    data["offset"] = np.where((data["value"] >= highest) & first, -10, 14)
    panels = list(dict.fromkeys(panel))
    phrases = []
    for name in panels:
        rows = data[data["panel"] == name]
        for kind in ("目标", "实际"):
            points = rows[rows["kind"] == kind]
            if len(points):
                values = zip(points["label"], points["value"], strict=True)
                text = "、".join(f"{q} {_number(v)}" for q, v in values)
                phrases.append(f"{name}{kind} {text}")
    description = describe(title or "目标与实际（累计）", phrases)
    if len(panels) != 1:
        grid = GridPlot(
            title=title or "",
            panels=[
                _panel(data[data["panel"] == name], name, "", step=48, height=130)
                for name in panels
            ],
            description=description,
        )
        return data, panels, description, grid
    return data, panels, description, _panel(data, title or panels[0], description)


def _panel(
    data: pd.DataFrame, title: str, description: str, *, step: int = 110, height: int = 220
) -> LinePlot:
    """One metric's points (rows of :func:`_indicator_points`) as a plot: actual and target."""
    return LinePlot(
        title=title,
        categories=_QUARTER_LABELS,
        lines=[
            Line(
                kind,
                color,
                _values(data, "kind", kind, "value", _QUARTER_LABELS),
                dash,
                below=[
                    v is not None and v > 0
                    for v in _values(data, "kind", kind, "offset", _QUARTER_LABELS)
                ],
            )
            for kind, color, dash in (("实际", _ACTUAL_COLOR, []), ("目标", _TARGET_COLOR, [5, 4]))
        ],
        description=description,
        labels=True,
        step=step,
        height=height,
    )


def indicators_plot(series: pd.DataFrame, *, title: str | None = None) -> LinePlot | GridPlot:
    """The chart of :func:`chart_indicator_series` drawn by hand: a
    :class:`~taskanalytics.charts.svg.LinePlot` of one metric, or a
    :class:`~taskanalytics.charts.grid.GridPlot` of a panel per metric (static SVG without
    altair; what the overview shows for its main targets).

    Raises
    ------
    TaskAnalyticsError
        As :func:`chart_indicator_series`.

    Examples
    --------
    >>> s = pd.DataFrame({"metric": ["回迁安置", "GDP"], "unit": ["户", "%"],
    ...                   "quarter": ["2023Q1", "2023Q1"], "target": [200.0, 2.0],
    ...                   "actual": [216.0, None]})
    >>> [panel.title for panel in indicators_plot(s).panels]
    ['回迁安置（户）', 'GDP（%）']
    """
    return _indicator_points(series, title)[3]


def chart_indicator_series(
    series: pd.DataFrame, *, title: str | None = None, columns: int = 3
) -> alt.Chart | alt.FacetChart:
    """Target trajectory (dashed grey) against reported actuals (blue) by quarter.

    One panel per metric, each with its own y scale, so a growth rate in % and revenue in 万元
    can sit side by side.

    Parameters
    ----------
    series
        :meth:`Assessment.series` output (``metric``, ``unit``, ``quarter``, ``target``,
        ``actual``), or several stacked.
    title
        Chart title; default the metric and its unit when there is one metric.
    columns
        Panels per row when there are several metrics.

    Returns
    -------
    alt.Chart or alt.FacetChart
        Its :func:`indicators_plot` (a LinePlot of one metric, or a
        :class:`~taskanalytics.charts.grid.GridPlot`) rides in ``usermeta``, so the offline renderer draws both by
        hand.

    Raises
    ------
    TaskAnalyticsError
        If a column is missing or ``series`` is empty.

    Examples
    --------
    >>> s = pd.DataFrame({"metric": ["回迁安置"] * 2, "unit": ["户"] * 2,
    ...                   "quarter": ["2023Q1", "2023Q2"], "target": [200.0, 400.0],
    ...                   "actual": [216.0, None]})
    >>> chart = chart_indicator_series(s)
    """
    data, panels, description, plot = _indicator_points(series, title)
    order = _QUARTER_LABELS
    base = alt.Chart(data).encode(
        x=alt.X("label:N", sort=order, scale=alt.Scale(domain=order), title=None),
        # cumulative levels: the axis starts at zero, so a line's height is its size
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=["目标", "实际"], range=[_TARGET_COLOR, _ACTUAL_COLOR]),
            legend=alt.Legend(orient="top", title=None),
        ),
        strokeDash=alt.StrokeDash(
            "kind:N", scale=alt.Scale(domain=["目标", "实际"], range=[[5, 4], [1, 0]]), legend=None
        ),
        tooltip=[
            alt.Tooltip("panel:N", title="指标"),
            alt.Tooltip("label:N", title="季度"),
            alt.Tooltip("kind:N", title=" "),
            alt.Tooltip("value:Q", title="数值"),
        ],
    )
    lines = base.mark_line(point=alt.OverlayMarkDef(size=50), strokeWidth=2.5)
    # target labels above the points, actual labels below, so they do not overlap
    text = alt.Text("value:Q", format=",.1~f")
    labels = alt.layer(
        base.transform_filter("datum.offset < 0").mark_text(fontSize=11, dy=-10).encode(text=text),
        base.transform_filter("datum.offset > 0").mark_text(fontSize=11, dy=12).encode(text=text),
    )
    if isinstance(plot, LinePlot):
        return alt.layer(lines, labels, title=alt.Title(plot.title)).properties(
            width=alt.Step(110), height=220, description=description, usermeta=plot.to_usermeta()
        )
    return (
        alt.layer(lines, labels)
        .properties(width=alt.Step(48), height=130)
        .facet(
            facet=alt.Facet(
                "panel:N", sort=panels, title=None, header=alt.Header(labelFontSize=12)
            ),
            columns=columns,
            title=alt.Title(title) if title else alt.Undefined,
        )
        .resolve_scale(y="independent")
        .properties(description=description, usermeta=plot.to_usermeta())
    )
