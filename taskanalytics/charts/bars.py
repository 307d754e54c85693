"""Hand-drawn SVG bar charts: counts per name (horizontal) and stacked counts by status or kind.

The bar charts of the briefings (tasks by category, lead unit and leader; milestones by month;
due milestones by status per group and per quarter) cost 0.3-1 s each through vl-convert (drawn
twice, desktop and phone, plus about a second of vl-convert's start in each kernel). Drawn here
from a :class:`BarPlot` they cost a millisecond or two. As with
:class:`~taskanalytics.charts.svg.LinePlot`, the altair builders carry the plot in the spec's
``usermeta`` (under :data:`USERMETA_KEY`), so the offline renderer draws them without
vl-convert and the explorer still shows interactive altair charts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from taskanalytics.charts.svg import (
    HandDrawn,
    ellipsize,
    legend_row,
    nice_ticks,
    svg_document,
    svg_text,
    text_width,
    title_lines,
)

__all__ = ["USERMETA_KEY", "BarPlot", "Stack", "draw_bars"]

#: Key of a :class:`BarPlot` in a Vega-Lite spec's ``usermeta``.
USERMETA_KEY = "taskanalytics_bars"
#: Category labels are cut with an ellipsis beyond this many px on a phone (as the vl-convert
#: phone variant's ``labelLimit``).
PHONE_LABEL_LIMIT = 96

_PAD = 5
_TICK = 5
_AXIS_COLOR = "#888"
_GRID_COLOR = "#ddd"
_LABEL_COLOR = "#1f2d3d"


@dataclass(frozen=True)
class Stack:
    """One layer of the bars of a :class:`BarPlot` (a status, a kind of date; one for plain bars).

    Attributes
    ----------
    name
        Its legend entry.
    color
        Its fill.
    values
        One count per category of the plot (0 where it has none).
    """

    name: str
    color: str
    values: list[float]


@dataclass(frozen=True)
class BarPlot(HandDrawn):
    """Bars of counts per category, stacked in layers, drawn by :func:`draw_bars`.

    Attributes
    ----------
    title, subtitle
        Bold title and the line under it.
    categories
        The bars, top to bottom (horizontal) or left to right (vertical).
    stacks
        The layers, from the axis outwards, in legend order.
    description
        What the chart shows with its key numbers: the image's alt text.
    horizontal
        Bars along x, categories down the y axis (else columns).
    value_title, category_title
        Axis titles; empty for none.
    legend, legend_title
        Show a legend (above the plot) and its title.
    labels
        Text at the end of each bar (its count, ``按期 80%``); empty for none.
    label_size
        Font size (px) of those texts.
    label_limit
        Category labels of horizontal bars are cut with an ellipsis beyond this many px.
    length
        Desktop length (px) of the value axis.
    step
        Desktop px per category.
    band
        Bar thickness as a share of ``step``.
    """

    title: str
    categories: list[str]
    stacks: list[Stack]
    description: str = ""
    subtitle: str = ""
    horizontal: bool = True
    value_title: str = ""
    category_title: str = ""
    legend: bool = False
    legend_title: str = ""
    labels: list[str] = field(default_factory=list)
    label_size: float = 11
    label_limit: int = 260
    length: int = 460
    step: int = 22
    band: float = 0.9

    usermeta_key: ClassVar[str] = USERMETA_KEY

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> BarPlot:
        """The plot from :meth:`to_usermeta`'s JSON."""
        return cls(**{**found, "stacks": [Stack(**stack) for stack in found["stacks"]]})

    def draw(self, *, font: str, width: int | None = None, min_font: float = 10) -> str:
        """:func:`draw_bars` of this plot."""
        return draw_bars(self, font=font, width=width, min_font=min_font)

    def totals(self) -> list[float]:
        """Each bar's length: the sum of its layers."""
        return [sum(s.values[i] for s in self.stacks) for i in range(len(self.categories))]


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _legend(plot: BarPlot, y: float, width: float, small: float) -> tuple[list[str], float]:
    parts: list[str] = []
    if plot.legend_title:
        y += small + 4
        parts.append(svg_text(_PAD, y - 2, plot.legend_title, small, font_weight="bold"))
    colors = {s.name: s.color for s in plot.stacks}

    def draw(x: float, mid: float, name: str) -> tuple[str, float]:
        d = small * 0.45
        return (
            f'<rect x="{x:.1f}" y="{mid - d:.1f}" width="{2 * d:.1f}" height="{2 * d:.1f}" '
            f'fill="{colors[name]}"/>'
        ), 2 * d

    more, y = legend_row([(s.name, s.name) for s in plot.stacks], y + 2, width, small, draw)
    return parts + more, y


def _legend_width(plot: BarPlot, small: float) -> float:
    """The width (px) of the plot's legend in one row; 0 without one."""
    if not plot.legend:
        return 0.0
    return 2 * _PAD + sum(small * 0.9 + 6 + text_width(s.name, small) + 14 for s in plot.stacks)


def _value_axis(
    ticks: list[float], at: Any, span: tuple[float, float], small: float, horizontal: bool
) -> list[str]:
    """Grid lines across the plot (``span``: its extent across the value axis) and tick labels.

    ``at(value)`` is the pixel of a value along the value axis.
    """
    parts = []
    lo, hi = span
    for tick in ticks:
        p = at(tick)
        if horizontal:
            parts.append(
                f'<line x1="{p:.1f}" y1="{lo:.1f}" x2="{p:.1f}" y2="{hi + _TICK:.1f}" '
                f'stroke="{_GRID_COLOR}"/>'
            )
            parts.append(svg_text(p, hi + _TICK + small + 2, _count(tick), small, anchor="middle"))
        else:
            parts.append(
                f'<line x1="{lo - _TICK:.1f}" y1="{p:.1f}" x2="{hi:.1f}" y2="{p:.1f}" '
                f'stroke="{_GRID_COLOR}"/>'
            )
            parts.append(
                svg_text(lo - _TICK - 2, p + small * 0.35, _count(tick), small, anchor="end")
            )
    return parts


def _ticks(high: float, length: float) -> list[float]:
    """Whole-number ticks from 0 covering ``high``, about one every 40 px (Vega's count)."""
    ticks = nice_ticks(0.0, max(high, 1.0), max(2, math.ceil(length / 40)))
    if len(ticks) > 1 and ticks[1] - ticks[0] < 1:
        ticks = [float(t) for t in range(int(math.ceil(ticks[-1])) + 1)]
    return ticks


def _fits_vertical(plot: BarPlot, width: float, small: float, left: float) -> bool:
    """Whether the columns' category labels fit side by side in ``width``."""
    step = (width - left - _PAD - 4) / max(len(plot.categories), 1)
    return all(text_width(c, small) + 4 <= step for c in plot.categories)


def draw_bars(plot: BarPlot, *, font: str, width: int | None = None, min_font: float = 10) -> str:
    """Return the SVG of a :class:`BarPlot`.

    Parameters
    ----------
    plot
        What to draw.
    font
        The CSS font stack of every text.
    width
        Total width in px (a phone variant: category labels cut at
        :data:`PHONE_LABEL_LIMIT` px, and columns whose labels would not fit side by side
        drawn as horizontal bars); None for the plot's own sizes.
    min_font
        Axis, legend and bar labels are drawn at least this size (px); the title at 15.

    Returns
    -------
    str
        A standalone SVG document with a white background.
    """
    small = max(10.0, min_font)
    label_size = max(plot.label_size, min_font)
    high = max([0.0, *plot.totals()])
    ticks = _ticks(high, plot.length if width is None else width * 0.6)
    horizontal = plot.horizontal
    if not horizontal and width is not None:
        tick_w = max(text_width(_count(t), small) for t in ticks)
        horizontal = not _fits_vertical(plot, width, small, _PAD + tick_w + _TICK + 4 + small)
    draw = _draw_horizontal if horizontal else _draw_vertical
    return draw(plot, ticks, font, width, (small, label_size))


def _header(plot: BarPlot, width: float, small: float) -> tuple[list[str], float]:
    parts, y = title_lines(plot.title, plot.subtitle, width, max(12.0, small))
    if plot.legend:
        more, y = _legend(plot, y + 6, width, small)
        parts += more
    return parts, y + 10


def _draw_horizontal(
    plot: BarPlot, ticks: list[float], font: str, width: int | None, sizes: tuple[float, float]
) -> str:
    """Bars along x; ``sizes``: the font size of the axes and legend, and of the bar labels."""
    small, label_size = sizes
    totals = plot.totals()
    limit = plot.label_limit if width is None else min(plot.label_limit, PHONE_LABEL_LIMIT)
    names = [ellipsize(c, small, limit) for c in plot.categories]
    left = _PAD + max([text_width(n, small) for n in names] or [0]) + _TICK + 4
    label_w = max([text_width(t, label_size) for t in plot.labels] or [0]) + 6
    right = max(label_w, text_width(_count(ticks[-1]), small) / 2) + _PAD
    length = plot.length if width is None else width - left - right
    if width is None:
        width = int(math.ceil(left + length + right))
    # a column chart drawn as bars on a phone gets the bars' usual step, not its columns' width
    step = max(plot.step if plot.horizontal else 22, small + 6)
    parts, top = _header(plot, width, small)
    n = len(plot.categories)
    bottom = top + step * n
    span = ticks[-1] - ticks[0] or 1.0

    def at(value: float) -> float:
        return left + (value - ticks[0]) / span * length

    parts += _value_axis(ticks, at, (top, bottom), small, horizontal=True)
    thick = step * plot.band
    for i, name in enumerate(names):
        y = top + i * step + (step - thick) / 2
        for stack, start, end in _pieces(plot, i):
            parts.append(_rect(at(start), y, at(end) - at(start), thick, stack, name, end - start))
        mid = top + (i + 0.5) * step
        parts.append(svg_text(left - _TICK - 3, mid + small * 0.35, name, small, anchor="end"))
        if i < len(plot.labels) and plot.labels[i]:
            parts.append(
                svg_text(
                    at(totals[i]) + 3, mid + label_size * 0.35, plot.labels[i], label_size,
                    fill=_LABEL_COLOR,
                )
            )  # fmt: skip
    height = _frame(parts, (left, top, length, bottom), small, plot.value_title)
    return svg_document(parts, width, height + _PAD, font)


def _frame(
    parts: list[str], box: tuple[float, float, float, float], small: float, title: str
) -> float:
    """Add the two axis lines of the plot area ``box`` (left, top, width, bottom) and the
    bottom axis's title under its labels; return the y below them."""
    left, top, length, bottom = box
    parts.append(
        f'<path d="M{left - _TICK:.1f},{bottom:.1f}H{left + length:.1f}'
        f'M{left:.1f},{top:.1f}V{bottom:.1f}" stroke="{_AXIS_COLOR}" fill="none"/>'
    )
    height = bottom + _TICK + small + 6
    if title:
        height += small + 6
        parts.append(
            svg_text(left + length / 2, height - 4, title, small + 1, anchor="middle",
                     font_weight="bold")
        )  # fmt: skip
    return height


def _pieces(plot: BarPlot, i: int) -> Iterator[tuple[Stack, float, float]]:
    """The layers of bar ``i`` that are drawn (count above 0), with where each starts and ends."""
    start = 0.0
    for stack in plot.stacks:
        value = stack.values[i]
        if value > 0:
            yield stack, start, start + value
        start += value


def _rect(x: float, y: float, w: float, h: float, stack: Stack, name: str, value: float) -> str:
    """A piece of a bar, with its tooltip (``<title>``: ``财政局：按期完成 3``), XML-escaped."""
    tip = f"{name}：{stack.name} {_count(value)}" if stack.name else f"{name} {_count(value)}"
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{stack.color}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _draw_vertical(
    plot: BarPlot, ticks: list[float], font: str, width: int | None, sizes: tuple[float, float]
) -> str:
    """Columns; the arguments are those of :func:`_draw_horizontal`."""
    small, label_size = sizes
    totals = plot.totals()
    tick_w = max(text_width(_count(t), small) for t in ticks)
    title_w = small + 6 if plot.value_title else 0
    left = _PAD + title_w + tick_w + _TICK + 4
    n = max(len(plot.categories), 1)
    if width is None:  # wide enough for the legend in one row, as Vega-Lite makes it
        width = int(math.ceil(max(left + plot.step * n + _PAD + 4, _legend_width(plot, small))))
    step = (width - left - _PAD - 4) / n
    parts, top = _header(plot, width, small)
    if plot.labels:
        top += label_size + 4  # room for the label over the highest bar
    bottom = top + plot.length
    span = ticks[-1] - ticks[0] or 1.0

    def at(value: float) -> float:
        return bottom - (value - ticks[0]) / span * plot.length

    parts += _value_axis(ticks, at, (left, left + step * n), small, horizontal=False)
    thick = step * plot.band
    for i, name in enumerate(plot.categories):
        x = left + i * step + (step - thick) / 2
        for stack, start, end in _pieces(plot, i):
            parts.append(_rect(x, at(end), thick, at(start) - at(end), stack, name, end - start))
        mid = left + (i + 0.5) * step
        parts.append(svg_text(mid, bottom + _TICK + small + 2, name, small, anchor="middle"))
        if i < len(plot.labels) and plot.labels[i]:
            parts.append(
                svg_text(mid, at(totals[i]) - 5, plot.labels[i], label_size, anchor="middle",
                         fill=_LABEL_COLOR)
            )  # fmt: skip
    height = _frame(parts, (left, top, step * n, bottom), small, plot.category_title)
    if plot.value_title:
        mid = (top + bottom) / 2
        parts.append(
            f'<g transform="translate({_PAD + small:.1f},{mid:.1f}) rotate(-90)">'
            + svg_text(0, 0, plot.value_title, small + 1, anchor="middle", font_weight="bold")
            + "</g>"
        )
    return svg_document(parts, width, height + _PAD, font)
