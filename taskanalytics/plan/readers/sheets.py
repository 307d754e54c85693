"""Reading the plan from Excel ledgers (台账, .xlsx) and CSV files.

``.xlsx``: openpyxl; merged ranges are filled from their anchor cell and every sheet with a
header row is a table; the rows above the header (or the sheet name) give the title and year.
``.csv``: UTF-8 (with or without BOM) or GB18030; merges are lost, so blank cells follow the
text export's rules.

Both readers get the file's bytes after :func:`~taskanalytics.limits.read_input`;
``.xlsx`` files pass :func:`~taskanalytics.plan.readers.office.check_package` (zip bombs,
DTDs, rows and columns streamed) before openpyxl opens them, and whatever openpyxl raises on a
damaged file becomes a :class:`~taskanalytics.errors.PlanParseError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from taskanalytics.errors import PlanParseError, TaskAnalyticsError
from taskanalytics.limits import Limits, cell_problem, current_limits
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
from taskanalytics.plan.readers.office import check_package, quietly
from taskanalytics.plan.readers.text import Table, decode


def read_xlsx(
    path: Path,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    import openpyxl

    limits = limits or current_limits()
    check_package(
        path, data, kind="xlsx", limits=limits, max_rows=limits.plan_max_rows,
        max_columns=limits.plan_max_columns, row_limit="plan_max_rows",
        column_limit="plan_max_columns",
    )  # fmt: skip
    lookup = lookup_headers(path, mapping)
    try:
        wb = quietly(lambda: openpyxl.load_workbook(io.BytesIO(data), data_only=True))
        sheets = [(ws.title, _sheet_values(ws), ws.merged_cells.ranges) for ws in wb.worksheets]
    except TaskAnalyticsError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises anything on a damaged file
        raise PlanParseError(
            path, None, "an Excel .xlsx workbook that opens in Excel", _reason(exc)
        ) from exc
    if not sheets:
        raise PlanParseError(path, None, "a workbook with at least one worksheet", "no worksheets")
    tables: list[Table] = []
    preamble: list[tuple[int, str]] = []
    for title, values, merged in sheets:
        _check_grid(path, title, values, limits)
        while values and not any(values[-1]):
            values.pop()  # formatted but empty rows at the bottom of a ledger
        width = max((len(r) for r in values), default=0)
        grid = [
            [Slot(row[c] if c < len(row) else "", (r, c)) for c in range(width)]
            for r, row in enumerate(values)
        ]
        for rng in merged:
            r0, c0 = rng.min_row - 1, rng.min_col - 1
            if r0 >= len(grid) or c0 >= width:
                continue
            anchor = grid[r0][c0]
            for r in range(r0, min(rng.max_row, len(grid))):
                for c in range(c0, min(rng.max_col, width)):
                    grid[r][c] = anchor
        sheet = Grid(grid, list(range(1, len(grid) + 1)), title=title)
        header = find_header(sheet, lookup)
        if header is None:
            continue
        above = [row_text(row) for row in grid[:header]]
        sheet.title = title_of([*above, title])
        if not preamble:
            preamble = [(n, s) for n, s in enumerate(above or [title], start=1) if s]
        tables.append(grid_table(path, sheet, len(tables), lookup, merges_known=True))
    return make_source(path, preamble, tables)


def _sheet_values(ws: Any) -> list[list[str]]:
    return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]


def _reason(exc: BaseException) -> str:
    return f"a damaged file ({type(exc).__name__}: {exc})"


def _check_grid(path: Path, title: str | None, values: list[list[str]], limits: Limits) -> None:
    """Refuse a cell over ``max_cell_chars`` or holding a control character, naming it."""
    for r, row in enumerate(values, start=1):
        for c, text in enumerate(row, start=1):
            problem = cell_problem(text, limits)
            if problem is not None:
                sheet = f"sheet {title}, " if title else ""
                where = f"{sheet}column {c}"
                raise PlanParseError(path, r, problem[0], f"{problem[1]} ({where})")


def read_csv(
    path: Path,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    limits = limits or current_limits()
    text = decode(path, data, limits=limits, count_lines=False)  # records counted below
    reader = csv.reader(io.StringIO(text))
    records: list[list[str]] = []
    numbers: list[int] = []
    start = 1
    try:
        for record in reader:
            if len(records) >= limits.plan_max_rows:
                raise PlanParseError(
                    path, start, f"a CSV of at most {limits.plan_max_rows:,} records "
                    f"({limits.hint('plan_max_rows')})", "more records",
                )  # fmt: skip
            if len(record) > limits.plan_max_columns:
                raise PlanParseError(
                    path, start, f"at most {limits.plan_max_columns:,} fields a record "
                    f"({limits.hint('plan_max_columns')})", f"{len(record):,} fields",
                )  # fmt: skip
            records.append([vocab.ARTIFACT_RE.sub("", v) for v in record])
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PlanParseError(
            path, reader.line_num, f"CSV fields of at most {limits.max_cell_chars:,} characters, "
            "quotes closed", str(exc),
        ) from exc  # fmt: skip
    for record, line in zip(records, numbers, strict=True):
        for c, value in enumerate(record, start=1):
            problem = cell_problem(value, limits)
            if problem is not None:
                raise PlanParseError(path, line, problem[0], f"{problem[1]} (field {c})")
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
