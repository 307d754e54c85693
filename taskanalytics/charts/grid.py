"""Small multiples drawn by hand: a grid of :class:`~taskanalytics.charts.svg.LinePlot` panels.

The overview's main targets (six metrics, each target against actual by quarter, each with its
own y scale) and an indicator page of a task with several metrics were altair facet charts drawn
by vl-convert (about 0.7 s a chart, desktop and phone). A :class:`GridPlot` draws the same
panels from :func:`~taskanalytics.charts.svg.line_parts` under one title and one legend: three
panels a row on a desktop, one a row on a phone.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, ClassVar

from taskanalytics.charts.svg import (
    HandDrawn,
    LinePlot,
    line_legend,
    line_parts,
    svg_document,
    svg_text,
    title_lines,
    wrap,
)

__all__ = ["USERMETA_KEY", "GridPlot", "draw_grid"]

#: Key of a :class:`GridPlot` in a Vega-Lite spec's ``usermeta``.
USERMETA_KEY = "taskanalytics_grid"

_PAD = 5
_GAP = 16
#: Font size (px) of a panel's name (Vega-Lite's facet header, ``labelFontSize=12``).
_HEADER_SIZE = 12.0


@dataclass(frozen=True)
class GridPlot(HandDrawn):
    """Panels of line charts (one per metric) under one title and one legend.

    Attributes
    ----------
    title
        Bold title at the top left; empty for none.
    panels
        The panels, left to right and top to bottom; each one's title is its name and its
        lines' names and styles are those of the shared legend (the first panel's).
    description
        What the chart shows with its key numbers: the image's alt text.
    columns
        Panels a row on a desktop (one on a phone).
    """

    title: str
    panels: list[LinePlot]
    description: str = ""
    columns: int = 3

    usermeta_key: ClassVar[str] = USERMETA_KEY

    @classmethod
    def from_json(cls, found: dict[str, Any]) -> GridPlot:
        """The plot from :meth:`to_usermeta`'s JSON."""
        panels = [LinePlot.from_json(panel) for panel in found["panels"]]
        return cls(**{**found, "panels": panels})

    def draw(self, *, font: str, width: int | None = None, min_font: float = 10) -> str:
        """:func:`draw_grid` of this plot."""
        return draw_grid(self, font=font, width=width, min_font=min_font)


def draw_grid(plot: GridPlot, *, font: str, width: int | None = None, min_font: float = 10) -> str:
    """Return the SVG of a :class:`GridPlot`.

    Parameters
    ----------
    plot
        What to draw.
    font
        The CSS font stack of every text.
    width
        Total width in px (a phone variant: one panel a row); None for the panels' own
        widths, :attr:`GridPlot.columns` a row.
    min_font
        Axis, legend and value labels are drawn at least this size (px); the title at 15.

    Returns
    -------
    str
        A standalone SVG document with a white background.
    """
    small = max(10.0, min_font)
    header = max(_HEADER_SIZE, min_font)
    bare = [dataclasses.replace(panel, title="") for panel in plot.panels]
    if width is None:
        columns = max(1, min(plot.columns, len(bare)))
        panel_w = max(line_parts(p, width=None, min_font=min_font)[1] for p in bare)
        width = math.ceil(columns * panel_w + (columns - 1) * _GAP)
    else:
        columns, panel_w = 1, width
    parts, y = title_lines(plot.title, "", width, small)
    if plot.panels:
        legend, y = line_legend(plot.panels[0].lines, y + 8, width, small)
        parts += legend
    y += 8
    for start in range(0, len(bare), columns):
        row_h = 0.0
        for col, (panel, named) in enumerate(
            zip(bare[start : start + columns], plot.panels[start : start + columns], strict=True)
        ):
            x = col * (panel_w + _GAP)
            names = wrap(named.title, header, panel_w - 2 * _PAD)
            lines = names if isinstance(names, list) else [names]
            cell = [
                svg_text(panel_w / 2, (k + 1) * (header + 3), str(line), header, anchor="middle")
                for k, line in enumerate(lines)
            ]
            drawn, _, height = line_parts(panel, width=panel_w, min_font=min_font, legend=False)
            top = len(lines) * (header + 3)
            cell.append(f'<g transform="translate(0,{top:.1f})">' + "".join(drawn) + "</g>")
            parts.append(f'<g transform="translate({x:.1f},{y:.1f})">' + "".join(cell) + "</g>")
            row_h = max(row_h, top + height)
        y += row_h + 6
    return svg_document(parts, width, y + _PAD, font)
