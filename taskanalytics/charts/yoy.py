"""Year-over-year chart: one metric, last year's quarterly actuals against this year's.

Both years are drawn on the same 一季度 … 四季度 axis, so the reader sees at once whether this
year runs ahead of or behind last year's pace: last year's actuals (amber, squares), this year's
target trajectory (dashed grey) and this year's actuals (blue, circles). Each line is named in
the legend and has its own dash or point shape, so colour is never the only signal. The input
frames are :meth:`Assessment.series <taskanalytics.Assessment.series>` outputs of each year's
plan (see :mod:`taskanalytics.briefing.yoy`); they are not modified.
"""

from __future__ import annotations

import pandas as pd

from taskanalytics.charts.lazy import alt
from taskanalytics.charts.plan import _require
from taskanalytics.charts.progress import _ACTUAL_COLOR, _TARGET_COLOR, _number
from taskanalytics.charts.render import describe
from taskanalytics.charts.svg import Line, LinePlot
from taskanalytics.errors import ChartInputError
from taskanalytics.quarters import Quarter

__all__ = ["LAST_YEAR_COLOR", "chart_year_over_year"]

#: Colour of last year's actuals (this year's are the blue of the indicator charts).
LAST_YEAR_COLOR = "#d08c1f"

_AXIS = ["一季度", "二季度", "三季度", "四季度"]
_COLUMNS = ["metric", "unit", "quarter", "target", "actual"]


def _year(series: pd.DataFrame, which: str) -> int:
    years = {Quarter.parse(q).year for q in series["quarter"]}
    if len(years) != 1:
        raise ChartInputError(
            f"chart_year_over_year: {which} should hold one year's quarters, found {sorted(years)}"
        )
    return years.pop()


def _points(series: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """One line's points: the series' ``column`` by quarter axis label (missing dropped)."""
    return pd.DataFrame(
        {
            "label": [Quarter.parse(q).zh_short for q in series["quarter"]],
            "order": [Quarter.parse(q).number for q in series["quarter"]],
            "line": name,
            "value": series[column].astype(float).to_numpy(),
        }
    ).dropna(subset=["value"])


def chart_year_over_year(
    last_year: pd.DataFrame, this_year: pd.DataFrame, *, title: str | None = None
) -> alt.Chart:
    """Lines by quarter: last year's actuals, this year's targets and this year's actuals.

    Parameters
    ----------
    last_year, this_year
        One metric's :meth:`Assessment.series` points of each year's plan (``metric``,
        ``unit``, ``quarter``, ``target``, ``actual``); the quarters of each frame belong to one
        year. A quarter with several points (two targets due in it) keeps them all.
    title
        Chart title; default ``<metric>：<this year>年与<last year>年对比（<unit>）``.

    Returns
    -------
    alt.Chart
        Lines with points and a legend; the chart's ``description`` (the SVG's alt text) lists
        every point. Its :class:`~taskanalytics.charts.svg.LinePlot` rides in ``usermeta``, so
        the offline renderer draws it by hand (a quarter with several points of a line shows
        the last of them there).

    Raises
    ------
    ChartInputError
        If a column is missing, a frame is empty, or a frame mixes years.

    Examples
    --------
    >>> last = pd.DataFrame({"metric": ["回迁安置"] * 2, "unit": ["户"] * 2,
    ...                      "quarter": ["2023Q1", "2023Q2"], "target": [200.0, 400.0],
    ...                      "actual": [216.0, 380.0]})
    >>> now = last.assign(quarter=["2024Q1", "2024Q2"], actual=[230.0, None])
    >>> chart = chart_year_over_year(last, now)
    """
    for frame, which in ((last_year, "last_year"), (this_year, "this_year")):
        _require(frame, _COLUMNS, "chart_year_over_year")
        if frame.empty:
            raise ChartInputError(f"chart_year_over_year: {which} has no points")
    y0, y1 = _year(last_year, "last_year"), _year(this_year, "this_year")
    metric = str(this_year["metric"].iloc[0])
    unit = this_year["unit"].iloc[0]
    unit = "" if pd.isna(unit) else str(unit)
    lines = {
        f"{y0}年实际": (last_year, "actual", LAST_YEAR_COLOR, [1, 0], "square"),
        f"{y1}年目标": (this_year, "target", _TARGET_COLOR, [5, 4], "triangle-up"),
        f"{y1}年实际": (this_year, "actual", _ACTUAL_COLOR, [1, 0], "circle"),
    }
    data = pd.concat(
        [_points(frame, column, name) for name, (frame, column, *_) in lines.items()],
        ignore_index=True,
    )
    names = list(lines)
    heading = title or f"{metric}：{y1}年与{y0}年对比" + (f"（{unit}）" if unit else "")
    chart = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2.5)
        .encode(
            x=alt.X("label:N", sort=_AXIS, scale=alt.Scale(domain=_AXIS), title=None),
            # cumulative levels: the axis starts at zero, so a line's height is its size
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
            color=alt.Color(
                "line:N",
                scale=alt.Scale(domain=names, range=[v[2] for v in lines.values()]),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(domain=names, range=[v[3] for v in lines.values()]),
                legend=None,
            ),
            shape=alt.Shape(
                "line:N", scale=alt.Scale(domain=names, range=[v[4] for v in lines.values()]),
                legend=None,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("line:N", title=" "),
                alt.Tooltip("label:N", title="季度"),
                alt.Tooltip("value:Q", title="数值", format=",.1~f"),
            ],
        )
    )  # fmt: skip
    phrases = []
    for name in names:
        points = data[data["line"] == name]
        text = "、".join(
            f"{q} {_number(v)}" for q, v in zip(points["label"], points["value"], strict=True)
        )
        phrases.append(f"{name} {text}" if text else f"{name} 无数据")
    description = describe(heading, phrases)
    plot = LinePlot(
        title=heading,
        categories=_AXIS,
        lines=[
            Line(name, color, _last_values(data[data["line"] == name]), _solid(dash), shape=shape)
            for name, (_, _, color, dash, shape) in lines.items()
        ],
        description=description,
        step=110,
        height=220,
    )
    return chart.properties(
        title=alt.Title(heading),
        width=alt.Step(110),
        height=220,
        description=description,
        usermeta=plot.to_usermeta(),
    )


def _last_values(points: pd.DataFrame) -> list[float | None]:
    """A line's value per quarter of the axis (the last point of a quarter), None where none."""
    found = dict(zip(points["label"], points["value"].astype(float), strict=True))
    return [found.get(label) for label in _AXIS]


def _solid(dash: list[float]) -> list[float]:
    """Vega-Lite's solid ``[1, 0]`` as the SVG's no dash pattern."""
    return [] if dash == [1, 0] else dash
