"""The ``.txt`` reader: the seed's export, any other district's tab-cell export, or prose.

A ``.txt`` plan is one of three things, told apart in this order:

1. **The seed's text export** (:mod:`taskanalytics.plan.readers.text`): its header starts
   ``类别``/``指标任务``; read exactly as before, its seven header cells checked.
2. **Another table's tab-cell export**: the same cell syntax (each cell starts with a tab at a
   line start, continuation lines without one, merged cells blank, the header repeated after a
   page break) under any header the synonym table or ``mapping=`` knows. The header row is the
   run of header cells with the most known headers among the first cells (cut where a cell ends
   with the blank line that closes a printed row); the cells after it are grouped into rows of
   the header's width. A cell alone on its row (a heading ``一、…``/``（一）…`` merged across
   the table, or the note of declared counts) is one row of its own; a repeated header is
   skipped. The rows become a :class:`~taskanalytics.plan.readers.grid.Grid` read like a
   ``.csv`` (merges unknown), each cell keeping its own line.
3. **Prose** (:mod:`taskanalytics.plan.readers.prose`): a file without tab cells.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from taskanalytics.errors import PlanParseError
from taskanalytics.limits import Limits, current_limits
from taskanalytics.plan import vocab
from taskanalytics.plan.readers import text
from taskanalytics.plan.readers.grid import (
    Grid,
    Headers,
    Slot,
    grid_table,
    header_key,
    lookup_headers,
    make_source,
)
from taskanalytics.plan.readers.prose import read_prose
from taskanalytics.plan.readers.text import Cell, Source

#: How many cells from the top may hold the header row.
MAX_HEADER_CELLS = 400
#: A header row is at most this many cells wide.
MAX_HEADER_WIDTH = 40
_NUMBER_RE = re.compile(r"\d{1,3}\s*[.．、]?")
_HEADING_RE = re.compile(rf"^[{vocab.CN_NUMERALS}]+\s*[、.．]\s*\S|^[（(]\s*[{vocab.CN_NUMERALS}]+\s*[）)]")  # fmt: skip


def read_txt(
    path: Path,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    """Read a ``.txt`` plan (after :func:`~taskanalytics.limits.read_input`) into a
    :class:`Source`: the seed's export, another tab-cell export, or numbered paragraphs.

    Parameters
    ----------
    path
        The file, named in errors.
    data
        Its bytes.
    mapping
        Extra or overriding headers (header as printed -> contract column, or None); used by
        the tab-cell export of another table and by prose (the seed's export has a fixed header).
    limits
        Default :func:`taskanalytics.limits.current_limits`.

    Raises
    ------
    PlanParseError
        As :func:`~taskanalytics.plan.readers.text.read_text`, and for an unknown header of
        another table (every one listed at once) or a row shorter than the header.
    """
    limits = limits or current_limits()
    decoded = text.decode(path, data, limits=limits)
    preamble, cells = text.split_cells(decoded)
    text.check_cells(path, cells, limits)
    if not cells:
        lookup = lookup_headers(path, mapping)
        lines = list(enumerate(decoded.split("\n"), start=1))
        return read_prose(path, lines, lookup)
    if _seed_header(cells):
        return Source(text.read_letter(preamble), text.read_tables(path, cells))
    lookup = lookup_headers(path, mapping)
    found = _find_header(cells, lookup)
    if found is None:
        # no header of any table: the export's own error (a task table with a header)
        return Source(text.read_letter(preamble), text.read_tables(path, cells))
    start, width = found
    grid = _grid(path, cells, start, width, lookup)
    grid.title = next((s.strip() for _, s in reversed(preamble) if s.strip()), "")
    table = grid_table(path, grid, 0, lookup, merges_known=False, header=0, line_unit="line")
    return make_source(path, preamble, [table])


def _seed_header(cells: list[Cell]) -> bool:
    """The seed's export: a 类别 cell followed by 指标任务 (its header is then checked)."""
    return any(
        a.lines == ["类别"] and b.lines == ["指标任务"]
        for a, b in zip(cells, cells[1:], strict=False)
    )


def _ends_row(cell: Cell) -> bool:
    """The cell closes a printed row: its last line is the blank line between rows."""
    return "\n" in cell.text and not cell.text.rsplit("\n", 1)[1].strip(" \u3000\t")


def _header_like(cell: Cell) -> bool:
    """Could be a header cell the synonym table does not know: short, not a number, task,
    heading or note."""
    key = header_key(cell.text)
    flat = "".join(cell.lines)
    return bool(
        key
        and len(key) <= 16
        and len(cell.lines) <= 3
        and not _NUMBER_RE.fullmatch(key)
        and not vocab.TASK_RE.match(flat)
        and not _HEADING_RE.match(flat)
        and not vocab.DECLARED_RE.search(flat)
    )


def _find_header(cells: list[Cell], lookup: Headers) -> tuple[int, int] | None:
    """(first cell, width) of the run of header cells with the most known headers (at least
    two), among the first :data:`MAX_HEADER_CELLS` cells."""
    best: tuple[int, int] | None = None
    best_known = 1
    i = 0
    while i < min(len(cells), MAX_HEADER_CELLS):
        if cells[i].blank or header_key(cells[i].text) not in lookup:
            i += 1
            continue
        start = i
        while start > 0 and _header_like(cells[start - 1]) and not _ends_row(cells[start - 1]):
            start -= 1
        known, j = 0, start
        while j < len(cells) and j - start < MAX_HEADER_WIDTH:
            cell = cells[j]
            if header_key(cell.text) in lookup and not cell.blank:
                known += 1
            elif not _header_like(cell):
                break
            j += 1
            if _ends_row(cell):
                break
        if known > best_known:
            best, best_known = (start, j - start), known
        i = max(j, i + 1)
    return best


def _grid(path: Path, cells: list[Cell], start: int, width: int, lookup: Headers) -> Grid:
    """The header row and the rows after it as a grid; each slot keeps its cell's line."""
    header = cells[start : start + width]
    keys = [header_key(c.text) for c in header]
    first = keys[0]
    first_is_category = first in lookup and lookup[first] in ("category", "subcategory")
    rows: list[list[Slot]] = [[Slot(c.text, (0, k), c.line) for k, c in enumerate(header)]]
    numbers = [header[0].line]
    k = start + width
    while k < len(cells):
        chunk = cells[k : k + width]
        if [header_key(c.text) for c in chunk] == keys:
            k += width  # the header repeated after a page break
            continue
        cell = cells[k]
        flat = "".join(cell.lines)
        heading = bool(_HEADING_RE.match(flat)) and (not first_is_category or _ends_row(cell))
        note = bool(vocab.DECLARED_RE.search(flat)) and not vocab.TASK_RE.match(flat)
        r = len(rows)
        if width > 1 and (heading or (note and r == 1)):
            rows.append([Slot(cell.text, (r, 0), cell.line)] * width)  # one cell across
            numbers.append(cell.line)
            k += 1
            continue
        if len(chunk) < width:
            if all(c.blank for c in chunk):
                break
            names = "/".join(c.lines[0] if c.lines else "" for c in header)
            raise PlanParseError(
                path,
                chunk[0].line,
                f"{width} cells a row, one under each header ({names})",
                f"{len(chunk)} cell(s)",
            )
        rows.append([Slot(c.text, (r, n), c.line) for n, c in enumerate(chunk)])
        numbers.append(chunk[0].line)
        k += width
    return Grid(rows, numbers)
