"""Hand-drawn SVG for the briefings' charts: shared primitives and the line charts.

A quarterly run draws about 85 line charts of four quarters each (a unit's on-time rate against
the district's, an indicator's target against its actuals). Through altair and vl-convert each
cost 0.2-0.5 s of a kernel's time (building the layered chart ~0.13 s, then two SVGs, desktop and
phone); drawn here from a :class:`LinePlot` they cost a few milliseconds. The briefings show the
:class:`LinePlot` itself (it displays as the same SVG bundle as the offline renderer's); the
altair builders carry it in the spec's ``usermeta`` (ignored by Vega-Lite), so an altair line
chart shown through the offline renderer is drawn here too, and in the explorer it stays an
interactive altair chart. Text is drawn as ``<text>`` (Chinese by the reader's fonts); every
string is XML-escaped.

The bar charts (:mod:`~taskanalytics.charts.bars`) and the small multiples
(:mod:`~taskanalytics.charts.grid`) are drawn the same way from the primitives here
(:func:`text_width`, :func:`wrap`, :func:`ellipsize`, :func:`nice_ticks`, :func:`svg_document`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Self
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "CJK_FONT",
    "HandDrawn",
    "PHONE_MIN_FONT",
    "PHONE_WIDTH",
    "USERMETA_KEY",
    "Line",
    "LinePlot",
    "draw_lines",
    "ellipsize",
    "line_legend",
    "line_parts",
    "mime_bundle",
    "nice_ticks",
    "svg_document",
    "text_width",
    "wrap",
]

#: Font stack for charts: Windows and macOS readers get YaHei / PingFang; on Linux (and in
#: vl-convert, which measures text when it renders) it falls through to Noto Sans CJK. Without
#: it vl-convert picks a serif CJK face.
CJK_FONT = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif'
#: Total width (px) of a chart's phone variant: the content box of a 375 px phone is about
#: 340 px wide (see the offline template), so the SVG is drawn at 1:1 there and its text keeps
#: the size it was drawn with.
PHONE_WIDTH = 320
#: Smallest font size (px) in a phone variant; the issue asks for at least 10 px on screen.
PHONE_MIN_FONT = 12

#: Key of a :class:`LinePlot` in a Vega-Lite spec's ``usermeta``.
USERMETA_KEY = "taskanalytics_lines"

_PAD = 5
_AXIS_COLOR = "#888"
_GRID_COLOR = "#ddd"
_TICK = 5


def text_width(text: str, size: float) -> float:
    """Rough drawn width of ``text`` at ``size`` px: a CJK character is 1 em, others 0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else 0.6 * size for ch in text)


def wrap(text: object, size: float, width: float) -> object:
    """Split a title into lines (a list, as Vega draws them) that fit ``width`` px."""
    if isinstance(text, list):
        return [line for part in text for line in _as_lines(wrap(part, size, width))]
    if not isinstance(text, str) or text_width(text, size) <= width:
        return text
    lines, line = [], ""
    for ch in text:
        if line and text_width(line + ch, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines


def _as_lines(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def ellipsize(text: str, size: float, limit: float) -> str:
    """``text`` cut with an ellipsis so that it is drawn at most ``limit`` px wide (as Vega's
    ``labelLimit``).

    Examples
    --------
    >>> ellipsize("加快构建新发展格局", 10, 45)
    '加快构…'
    >>> ellipsize("财政局", 10, 45)
    '财政局'
    """
    if text_width(text, size) <= limit:
        return text
    room = limit - text_width("…", size)
    cut = ""
    for ch in text:
        if text_width(cut + ch, size) > room:
            break
        cut += ch
    return cut + "…"


def svg_document(parts: list[str], width: float, height: float, font: str) -> str:
    """A standalone SVG of ``width`` x ``height`` px (white background) holding ``parts``,
    every text in ``font``."""
    w, h = int(math.ceil(width)), int(math.ceil(height))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}"><rect width="{w}" height="{h}" fill="white"/>'
        f"<g font-family={quoteattr(font)}>" + "".join(parts) + "</g></svg>"
    )


@dataclass(frozen=True)
class Line:
    """One line of a :class:`LinePlot`.

    Attributes
    ----------
    name
        Its legend entry.
    color
        Stroke and point colour (``"#2f6db5"``).
    values
        One value per category of the plot; None where there is none (the line joins the
        points it has, as Vega-Lite does with dropped rows).
    dash
        SVG dash pattern (``[5, 4]``), empty for a solid line.
    below
        Per value, True to write its label under the point instead of above (used when
        the plot has value labels).
    shape
        Point and legend symbol: ``"circle"``, ``"square"`` or ``"triangle-up"``.
    """

    name: str
    color: str
    values: list[float | None]
    dash: list[float] = field(default_factory=list)
    below: list[bool] = field(default_factory=list)
    shape: str = "circle"


class HandDrawn:
    """What the hand-drawn plots (:class:`LinePlot`, :class:`~taskanalytics.charts.bars.BarPlot`,
    :class:`~taskanalytics.charts.grid.GridPlot`) share: their JSON in a Vega-Lite spec's
    ``usermeta`` (under :attr:`usermeta_key`), their desktop and phone SVG, and their display in
    a notebook. A subclass is a frozen dataclass with ``title`` and ``description`` that defines
    :meth:`from_json` and :meth:`draw`.
    """

    usermeta_key: ClassVar[str]
    title: str
    description: str

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> Self:
        """The plot from :meth:`to_usermeta`'s JSON."""
        raise NotImplementedError

    def draw(self, *, font: str, width: int | None = None, min_font: float = 10) -> str:
        """The plot's SVG in ``font``; ``width`` px wide (a phone) or its own width."""
        raise NotImplementedError

    def to_usermeta(self) -> dict[str, Any]:
        """The plot as plain JSON for a Vega-Lite spec's ``usermeta``."""
        return {self.usermeta_key: asdict(self)}  # type: ignore[call-overload]

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Self | None:
        """The plot kept in a spec's ``usermeta``, or None when there is none."""
        meta = spec.get("usermeta")
        found = meta.get(cls.usermeta_key) if isinstance(meta, dict) else None
        return cls.from_json(found) if isinstance(found, dict) else None

    def svg_variants(self) -> tuple[str, str]:
        """The desktop SVG and the phone SVG (:data:`PHONE_WIDTH` px, fonts from 12 px)."""
        return (
            self.draw(font=CJK_FONT),
            self.draw(font=CJK_FONT, width=PHONE_WIDTH, min_font=PHONE_MIN_FONT),
        )

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """Shown in a notebook as the offline renderer shows a chart (SVG, alt text, phone)."""
        return mime_bundle(*self.svg_variants(), self.description or self.title)


@dataclass(frozen=True)
class LinePlot(HandDrawn):
    """A chart of a few lines across a few categories (quarters), drawn by :func:`draw_lines`.

    Attributes
    ----------
    title
        Bold title at the top left.
    categories
        The x labels, left to right.
    lines
        The lines, in legend order (the first is drawn last, on top).
    percent
        Values are shares (0-1), the y axis reads ``60%``.
    y_min, y_max
        A fixed y domain; None to take it from the values with zero included.
    labels
        Write each value next to its point (``,.1~f``).
    step
        Desktop px per category.
    height
        Plot area height in px.
    description
        What the chart shows with its key numbers: the image's alt text.
    """

    title: str
    categories: list[str]
    lines: list[Line]
    description: str = ""
    percent: bool = False
    y_min: float | None = None
    y_max: float | None = None
    labels: bool = False
    step: int = 90
    height: int = 200

    usermeta_key: ClassVar[str] = USERMETA_KEY

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> LinePlot:
        """The plot from :meth:`to_usermeta`'s JSON."""
        return cls(**{**found, "lines": [Line(**line) for line in found["lines"]]})

    def draw(self, *, font: str, width: int | None = None, min_font: float = 10) -> str:
        """:func:`draw_lines` of this plot."""
        return draw_lines(self, font=font, width=width, min_font=min_font)


def mime_bundle(
    desktop: str, phone: str | None, text: str
) -> tuple[dict[str, str], dict[str, Any]]:
    """A chart's display data and metadata as the briefings' template reads them.

    Only ``image/svg+xml`` and ``text/plain`` (the image's alt text): altair 6's Vega-Lite mime
    key fails nbformat validation. The phone variant rides in the output's metadata (free-form
    in nbformat), which the template writes as a ``<source>`` of a ``<picture>`` for screens up
    to 600 px.
    """
    bundle = {"image/svg+xml": desktop, "text/plain": text}
    return bundle, ({"image/svg+xml": {"phone": phone}} if phone else {})


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]`` (1, 2 or 5 times a power of 10).

    Examples
    --------
    >>> nice_ticks(0, 800)
    [0.0, 200.0, 400.0, 600.0, 800.0]
    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


def _number(value: float) -> str:
    """``,.1~f``: thousands separated, at most one decimal, no trailing ``.0``."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tick_label(value: float, percent: bool, step: float) -> str:
    if percent:
        return f"{value:.0%}"
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:,.{decimals}f}"


def svg_text(
    x: float, y: float, text: str, size: float, *, anchor: str = "start", **attrs: str
) -> str:
    """An SVG ``<text>`` at (``x``, ``y``), its content and attributes XML-escaped
    (``font_weight="bold"`` is written ``font-weight``)."""
    extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}px"{extra}>'
        f"{escape(text)}</text>"
    )


def _domain(plot: LinePlot, ticks: int) -> list[float]:
    values = [v for line in plot.lines for v in line.values if v is not None]
    low = plot.y_min if plot.y_min is not None else min([0.0, *values])
    high = plot.y_max if plot.y_max is not None else max([0.0, *values])
    return nice_ticks(low, high, ticks)


@dataclass(frozen=True)
class _Area:
    """Where the plot area of a drawing lies (px) and how values map into it."""

    left: float
    top: float
    width: float
    height: float
    categories: int
    low: float
    high: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def x(self, i: int) -> float:
        """Centre of category ``i`` (a point scale with half a step of padding)."""
        return self.left + (i + 0.5) * self.width / self.categories

    def y(self, value: float) -> float:
        return self.bottom - (value - self.low) / (self.high - self.low) * self.height


def symbol(shape: str, x: float, y: float, r: float, color: str) -> str:
    """A point or legend symbol centred on (``x``, ``y``), about ``2 r`` px across."""
    if shape == "square":
        d = r * 0.9
        return f'<rect x="{x - d:.1f}" y="{y - d:.1f}" width="{2 * d:.1f}" height="{2 * d:.1f}" fill="{color}"/>'
    if shape == "triangle-up":
        h = r * 1.15
        return (
            f'<path d="M{x:.1f},{y - h:.1f}L{x + h:.1f},{y + h * 0.8:.1f}'
            f'L{x - h:.1f},{y + h * 0.8:.1f}Z" fill="{color}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:g}" fill="{color}"/>'


def _dash(line: Line) -> str:
    return f' stroke-dasharray="{",".join(map(str, line.dash))}"' if line.dash else ""


def legend_row(
    items: list[tuple[str, str]], y: float, width: float, size: float, draw: Any
) -> tuple[list[str], float]:
    """One legend row from ``y`` (wrapping if it must): per item its symbol (``draw(x, mid,
    color, key)``, ``symbol_w`` px wide is the first value of an item) and its name.

    ``items`` are ``(name, key)`` pairs; ``draw`` returns ``(svg, symbol_width)``. Returns the
    parts and the y below the legend.
    """
    parts: list[str] = []
    x = _PAD
    row = size + 6
    for name, key in items:
        mark, mark_w = draw(x, y + row / 2, key)
        item_w = mark_w + 6 + text_width(name, size) + 14
        if x > _PAD and x + item_w > width - _PAD:
            x, y = _PAD, y + row
            mark, mark_w = draw(x, y + row / 2, key)
        parts.append(mark)
        parts.append(svg_text(x + mark_w + 6, y + row / 2 + size * 0.35, name, size))
        x += item_w
    return parts, y + row


def title_lines(
    title: str, subtitle: str, width: float, subtitle_size: float
) -> tuple[list[str], float]:
    """The bold title (15 px) and its subtitle, each wrapped to ``width``; the parts and the
    y below them."""
    parts: list[str] = []
    y = float(_PAD)
    for line in _as_lines(wrap(title, _TITLE_SIZE, width - 2 * _PAD)) if title else []:
        y += _TITLE_SIZE + 3
        parts.append(svg_text(_PAD, y - 3, str(line), _TITLE_SIZE, font_weight="bold"))
    for line in _as_lines(wrap(subtitle, subtitle_size, width - 2 * _PAD)) if subtitle else []:
        y += subtitle_size + 3
        parts.append(svg_text(_PAD, y - 3, str(line), subtitle_size))
    return parts, y


_TITLE_SIZE = 15.0


def line_legend(lines: list[Line], y: float, width: float, size: float) -> tuple[list[str], float]:
    """The legend of ``lines`` from ``y``: per line a short stroke in its dash with its point
    symbol on it, then its name; the parts and the y below."""
    styles = {line.name: line for line in lines}

    def draw(x: float, mid: float, name: str) -> tuple[str, float]:
        line = styles[name]
        return (
            f'<line x1="{x:.1f}" y1="{mid:.1f}" x2="{x + 22:.1f}" y2="{mid:.1f}" '
            f'stroke="{line.color}" stroke-width="2.5"{_dash(line)}/>'
            + symbol(line.shape, x + 11, mid, 4, line.color)
        ), 22.0

    return legend_row([(n, n) for n in styles], y, width, size, draw)


def _header(
    plot: LinePlot, width: float, small: float, *, legend: bool = True
) -> tuple[list[str], float]:
    """The title (wrapped to ``width``) and the legend; returns them and the y below them."""
    parts, y = title_lines(plot.title, "", width, small)
    if not legend:
        return parts, y
    legend_parts, y = line_legend(plot.lines, y + 8, width, small)
    return parts + legend_parts, y


def _axes(
    plot: LinePlot, area: _Area, ticks: list[float], labels: list[str], small: float
) -> list[str]:
    """Grid lines with the y labels, the two axis lines, the category labels."""
    parts = []
    for tick, label in zip(ticks, labels, strict=True):
        ty = area.y(tick)
        parts.append(
            f'<line x1="{area.left:.1f}" y1="{ty:.1f}" x2="{area.left + area.width:.1f}" '
            f'y2="{ty:.1f}" stroke="{_GRID_COLOR}"/>'
        )
        parts.append(svg_text(area.left - _TICK - 2, ty + small * 0.35, label, small, anchor="end"))
    parts.append(
        f'<path d="M{area.left - _TICK:.1f},{area.bottom:.1f}H{area.left + area.width:.1f}'
        f'M{area.left:.1f},{area.top:.1f}V{area.bottom:.1f}" stroke="{_AXIS_COLOR}" fill="none"/>'
    )
    for i, category in enumerate(plot.categories):
        parts.append(svg_text(area.x(i), area.bottom + small + 6, category, small, anchor="middle"))
    return parts


def _marks(plot: LinePlot, area: _Area, value_size: float) -> list[str]:
    """Each line's path and points (the first line last, on top) and its value labels."""
    parts = []
    for line in reversed(plot.lines):
        points = [(i, v, area.x(i), area.y(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            path = "M" + "L".join(f"{px:.1f},{py:.1f}" for _, _, px, py in points)
            parts.append(
                f'<path d="{path}" fill="none" stroke="{line.color}" stroke-width="2.5"'
                f"{_dash(line)}/>"
            )
        for i, value, px, py in points:
            parts.append(symbol(line.shape, px, py, 4.2, line.color))
            if plot.labels:
                below = i < len(line.below) and line.below[i]
                ly = py + value_size + 6 if below else py - 8
                parts.append(
                    svg_text(px, ly, _number(value), value_size, anchor="middle", fill=line.color)
                )
    return parts


def line_parts(
    plot: LinePlot, *, width: int | None, min_font: float, legend: bool = True
) -> tuple[list[str], float, float]:
    """The SVG elements of a :class:`LinePlot` drawn from (0, 0), and its width and height.

    Parameters are those of :func:`draw_lines`; ``legend`` False leaves the legend out (a
    panel of a grid, whose legend is drawn once above all panels).
    """
    small = max(10.0, min_font)
    ticks = _domain(plot, max(2, plot.height // 40))
    tick_step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    tick_labels = [_tick_label(t, plot.percent, tick_step) for t in ticks]
    left = _PAD + max(text_width(t, small) for t in tick_labels) + _TICK + 4
    n = max(len(plot.categories), 1)
    if width is None:
        width = int(math.ceil(left + plot.step * n + _PAD + 10))
    parts, y = _header(plot, width, small, legend=legend)
    top = y + (16 if plot.labels else 10)  # room for a value label above the highest point
    area = _Area(left, top, width - left - _PAD - 10, plot.height, n, ticks[0], ticks[-1])
    parts += _axes(plot, area, ticks, tick_labels, small)
    parts += _marks(plot, area, max(11.0, min_font))
    return parts, width, math.ceil(area.bottom + small + 6 + 2 * _PAD)


def draw_lines(plot: LinePlot, *, font: str, width: int | None = None, min_font: float = 10) -> str:
    """Return the SVG of a :class:`LinePlot`.

    Parameters
    ----------
    plot
        What to draw.
    font
        The CSS font stack of every text.
    width
        Total width in px (a phone variant); None for ``step`` px a category.
    min_font
        Axis, legend and value labels are drawn at least this size (px); the title at 15.

    Returns
    -------
    str
        A standalone SVG document with a white background.
    """
    parts, w, h = line_parts(plot, width=width, min_font=min_font)
    return svg_document(parts, w, h, font)
