"""Reading the plan from Excel ledgers (台账, .xlsx) and CSV files.

``.xlsx``: openpyxl; merged ranges are filled from their anchor cell and every sheet with a
header row is a table; the rows above the header (or the sheet name) give the title and year.
``.csv``: UTF-8 (with or without BOM) or GB18030; merges are lost, so blank cells follow the
text export's rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from taskanalytics.errors import PlanParseError
from taskanalytics.plan import vocab
from taskanalytics.plan.readers.grid import (
    Grid,
    Slot,
    Source,
    find_header,
    grid_table,
    lookup_headers,
    make_source,
    row_text,
    title_of,
)  # fmt: skip
from taskanalytics.plan.readers.text import Table, decode


def read_xlsx(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanParseError(path, None, "an Excel .xlsx workbook", type(exc).__name__) from exc
    lookup = lookup_headers(path, mapping)
    tables: list[Table] = []
    preamble: list[tuple[int, str]] = []
    for ws in wb.worksheets:
        values = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        while values and not any(values[-1]):
            values.pop()  # formatted but empty rows at the bottom of a ledger
        width = max((len(r) for r in values), default=0)
        grid = [
            [Slot(row[c] if c < len(row) else "", (r, c)) for c in range(width)]
            for r, row in enumerate(values)
        ]
        for rng in ws.merged_cells.ranges:
            r0, c0 = rng.min_row - 1, rng.min_col - 1
            if r0 >= len(grid) or c0 >= width:
                continue
            anchor = grid[r0][c0]
            for r in range(r0, min(rng.max_row, len(grid))):
                for c in range(c0, min(rng.max_col, width)):
                    grid[r][c] = anchor
        sheet = Grid(grid, list(range(1, len(grid) + 1)), title=ws.title)
        header = find_header(sheet, lookup)
        if header is None:
            continue
        above = [row_text(row) for row in grid[:header]]
        sheet.title = title_of([*above, ws.title])
        if not preamble:
            preamble = [(n, s) for n, s in enumerate(above or [ws.title], start=1) if s]
        tables.append(grid_table(path, sheet, len(tables), lookup, merges_known=True))
    return make_source(path, preamble, tables)


def read_csv(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    text = decode(path)
    reader = csv.reader(io.StringIO(text))
    records: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    for record in reader:
        records.append([vocab.ARTIFACT_RE.sub("", v) for v in record])
        numbers.append(start)
        start = reader.line_num + 1
    width = max((len(r) for r in records), default=0)
    grid = Grid(
        [
            [Slot(row[c] if c < len(row) else "", (r, c)) for c in range(width)]
            for r, row in enumerate(records)
        ],
        numbers,
    )
    lookup = lookup_headers(path, mapping)
    header = find_header(grid, lookup)
    if header is None:
        return make_source(path, [], [])
    above = [row_text(row) for row in grid.rows[:header]]
    grid.title = title_of(above)
    preamble = [(numbers[r], s) for r, s in enumerate(above) if s]
    return make_source(path, preamble, [grid_table(path, grid, 0, lookup, merges_known=False)])


def _cell_text(value: Any) -> str:
    """An Excel value as the text a reader sees: dates as 2023年12月31日, 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return vocab.ARTIFACT_RE.sub("", text)
