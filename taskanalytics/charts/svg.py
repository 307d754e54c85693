"""Hand-drawn SVG for the briefings' simple line charts (quarters across, a few lines).

A quarterly run draws about 85 line charts of four quarters each (a unit's on-time rate against
the district's, an indicator's target against its actuals). Through altair and vl-convert each
cost 0.2-0.5 s of a kernel's time (building the layered chart ~0.13 s, then two SVGs, desktop and
phone); drawn here from a :class:`LinePlot` they cost a few milliseconds. The briefings show the
:class:`LinePlot` itself (it displays as the same SVG bundle as the offline renderer's); the
altair builders carry it in the spec's ``usermeta`` (ignored by Vega-Lite), so an altair line
chart shown through the offline renderer is drawn here too, and in the explorer it stays an
interactive altair chart. Text is drawn as ``<text>`` (Chinese by the reader's fonts); every
string is XML-escaped.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "CJK_FONT",
    "PHONE_MIN_FONT",
    "PHONE_WIDTH",
    "USERMETA_KEY",
    "Line",
    "LinePlot",
    "draw_lines",
    "mime_bundle",
    "nice_ticks",
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
    """

    name: str
    color: str
    values: list[float | None]
    dash: list[float] = field(default_factory=list)
    below: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class LinePlot:
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

    def to_usermeta(self) -> dict[str, Any]:
        """The plot as plain JSON for a Vega-Lite spec's ``usermeta``."""
        return {USERMETA_KEY: asdict(self)}

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> LinePlot | None:
        """The plot kept in a spec's ``usermeta``, or None when there is none."""
        meta = spec.get("usermeta")
        found = meta.get(USERMETA_KEY) if isinstance(meta, dict) else None
        if not isinstance(found, dict):
            return None
        return cls(**{**found, "lines": [Line(**line) for line in found["lines"]]})

    def svg_variants(self) -> tuple[str, str]:
        """The desktop SVG and the phone SVG (:data:`PHONE_WIDTH` px, fonts from 12 px)."""
        return (
            draw_lines(self, font=CJK_FONT),
            draw_lines(self, font=CJK_FONT, width=PHONE_WIDTH, min_font=PHONE_MIN_FONT),
        )

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """Shown in a notebook as the offline renderer shows a chart (SVG, alt text, phone)."""
        return mime_bundle(*self.svg_variants(), self.description or self.title)


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


def _text(
    x: float, y: float, text: str, size: float, *, anchor: str = "start", **attrs: str
) -> str:
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


def _dash(line: Line) -> str:
    return f' stroke-dasharray="{",".join(map(str, line.dash))}"' if line.dash else ""


def _header(plot: LinePlot, width: float, small: float) -> tuple[list[str], float]:
    """The title (wrapped to ``width``) and the legend; returns them and the y below them."""
    title_size = 15.0
    parts: list[str] = []
    y = _PAD
    for line in _as_lines(wrap(plot.title, title_size, width - 2 * _PAD)):
        y += title_size + 3
        parts.append(_text(_PAD, y - 3, str(line), title_size, font_weight="bold"))
    # one row (wrapping if it must): a short stroke with a dot per line, then its name
    y += 8
    x = _PAD
    row = small + 6
    for line in plot.lines:
        item_w = 30 + text_width(line.name, small) + 14
        if x > _PAD and x + item_w > width - _PAD:
            x, y = _PAD, y + row
        mid = y + row / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{mid:.1f}" x2="{x + 22:.1f}" y2="{mid:.1f}" '
            f'stroke="{line.color}" stroke-width="2.5"{_dash(line)}/>'
            f'<circle cx="{x + 11:.1f}" cy="{mid:.1f}" r="4" fill="{line.color}"/>'
        )
        parts.append(_text(x + 28, mid + small * 0.35, line.name, small))
        x += item_w
    return parts, y + row


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
        parts.append(_text(area.left - _TICK - 2, ty + small * 0.35, label, small, anchor="end"))
    parts.append(
        f'<path d="M{area.left - _TICK:.1f},{area.bottom:.1f}H{area.left + area.width:.1f}'
        f'M{area.left:.1f},{area.top:.1f}V{area.bottom:.1f}" stroke="{_AXIS_COLOR}" fill="none"/>'
    )
    for i, category in enumerate(plot.categories):
        parts.append(_text(area.x(i), area.bottom + small + 6, category, small, anchor="middle"))
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
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.2" fill="{line.color}"/>')
            if plot.labels:
                below = i < len(line.below) and line.below[i]
                ly = py + value_size + 6 if below else py - 8
                parts.append(
                    _text(px, ly, _number(value), value_size, anchor="middle", fill=line.color)
                )
    return parts


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
    small = max(10.0, min_font)
    ticks = _domain(plot, max(2, plot.height // 40))
    tick_step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    tick_labels = [_tick_label(t, plot.percent, tick_step) for t in ticks]
    left = _PAD + max(text_width(t, small) for t in tick_labels) + _TICK + 4
    n = max(len(plot.categories), 1)
    if width is None:
        width = int(math.ceil(left + plot.step * n + _PAD + 10))
    parts, y = _header(plot, width, small)
    top = y + (16 if plot.labels else 10)  # room for a value label above the highest point
    area = _Area(left, top, width - left - _PAD - 10, plot.height, n, ticks[0], ticks[-1])
    parts += _axes(plot, area, ticks, tick_labels, small)
    parts += _marks(plot, area, max(11.0, min_font))
    height = int(math.ceil(area.bottom + small + 6 + 2 * _PAD))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="{width}" height="{height}" fill="white"/>'
        f"<g font-family={quoteattr(font)}>" + "".join(parts) + "</g></svg>"
    )
