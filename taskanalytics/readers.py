"""Reading the plan's sources into tables of raw rows: ``.txt``, ``.docx``, ``.xlsx``, ``.csv``.

Every reader returns a :class:`Source`: the letter's metadata and :class:`~document.Table`
objects of :class:`~document.RawRow`; ``plan.py`` is the one place that interprets rows.

- ``.txt``, the text export of the Word table: :mod:`taskanalytics.document`;
- ``.docx``: python-docx's XML objects; vertical (``w:vMerge``) and horizontal
  (``w:gridSpan``) merges are read from the document, so a merged cell is filled from its
  anchor and a blank cell is really empty; a Word table without a header row, or repeating the
  previous table's header, continues that table (a table split at a page break);
- ``.xlsx``: openpyxl, merged ranges filled from their anchor cell; every sheet with a header
  row is a table;
- ``.csv``: UTF-8 (with or without BOM) or GB18030; merges are lost, as in the text export.

Tables read from grids find their header row by the synonym table
:data:`taskanalytics.vocab.HEADER_SYNONYMS`; ``mapping=`` adds or overrides headers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import document, vocab
from .document import Cell, RawRow, Table
from .errors import PlanParseError

#: File types ``read_plan`` reads.
SUFFIXES = (".txt", ".docx", ".xlsx", ".xlsm", ".csv")
#: How many rows above a table's header may hold titles.
MAX_HEADER_ROW = 15
#: Columns of a row that carry a task; a row with none of them filled is a heading row.
_TASK_BODY = ("number", "task", "milestones", "deadline", "lead_units", "responsible_units", "leaders")  # fmt: skip


@dataclass(frozen=True)
class Source:
    """What a reader found: the letter's metadata and the task tables, in document order."""

    meta: dict[str, Any]
    tables: list[Table]


@dataclass(frozen=True)
class Slot:
    """One grid position: its text (merged cells filled from the anchor) and the anchor's
    position, which grid positions of one merged cell share."""

    text: str
    anchor: tuple[int, int]

    @property
    def blank(self) -> bool:
        return not self.text.strip(" \u3000\t\n")


@dataclass
class Grid:
    """A rectangular table read from a file: slots by row, and each row's number for errors."""

    rows: list[list[Slot]]
    numbers: list[int]
    title: str = ""
    preamble: list[str] = field(default_factory=list)


def read_source(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    """Read a plan document of any supported type into metadata and raw tables.

    Parameters
    ----------
    path
        ``.txt`` (the text export), ``.docx``, ``.xlsx``/``.xlsm`` or ``.csv``.
    mapping
        Extra or overriding headers: header as printed -> contract column (``task``,
        ``milestones``, ``deadline``, ``lead_units``, …) or None to skip the column. Not used
        for ``.txt``, whose header is fixed.

    Returns
    -------
    Source

    Raises
    ------
    PlanParseError
        Unsupported file type, unreadable file, no task table, a header the reader cannot map.
    """
    readers: dict[str, Callable[..., Source]] = {
        ".txt": _read_text,
        ".docx": _read_docx,
        ".xlsx": _read_xlsx,
        ".xlsm": _read_xlsx,
        ".csv": _read_csv,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        legacy = {".doc": ".docx", ".xls": ".xlsx", ".wps": ".docx", ".et": ".xlsx"}
        hint = legacy.get(path.suffix.lower())
        expected = "a file of type " + ", ".join(SUFFIXES)
        if hint:
            expected += f" (save the {path.suffix} file as {hint} in Word, WPS or LibreOffice)"
        raise PlanParseError(path, None, expected, path.suffix)
    if not path.is_file():
        raise PlanParseError(path, None, "a readable file", "no such file")
    return reader(path, mapping=mapping)


def _read_text(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    text = document.decode(path)
    preamble, cells = document.split_cells(text)
    tables = document.read_tables(path, cells)
    return Source(document.read_letter(preamble), tables)


# --- .docx ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tc:
    """A Word cell at one grid position: its text, whether it continues the cell above, and
    the grid column it starts at (positions it spans share it)."""

    text: str
    continues: bool
    start: int


def _read_docx(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    import docx  # imported here: reading the text export must not pay for it
    from docx.opc.exceptions import PackageNotFoundError
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    try:
        body = docx.Document(str(path)).element.body
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise PlanParseError(path, None, "a Word .docx document", type(exc).__name__) from exc

    def text_of(p: Any) -> str:
        return vocab.ARTIFACT_RE.sub("", Paragraph(p, None).text)

    preamble: list[str] = []
    between: list[str] = []
    word_tables: list[tuple[list[list[_Tc]], str]] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            (between if word_tables else preamble).append(text_of(child))
        elif child.tag == qn("w:tbl"):
            word_tables.append((_word_rows(child, text_of), _title(between)))
            between = []
    lookup = _lookup(path, mapping)
    # Join tables continued across pages, counting rows through all tables for errors.
    joined: list[tuple[list[list[_Tc]], list[int], str]] = []
    first_row = 1
    last_task: tuple[list[list[_Tc]], list[int], str] | None = None
    last_header: list[str] | None = None
    for rows, title in word_tables:
        numbers = list(range(first_row, first_row + len(rows)))
        first_row += len(rows)
        alone = _resolve(rows, numbers, title)
        header = _find_header(alone, lookup)
        header_texts = [s.text for s in alone.rows[header]] if header is not None else None
        width = len(rows[0]) if rows else 0
        same_width = last_task is not None and last_task[0] and len(last_task[0][0]) == width
        if same_width and last_task is not None and header is None:
            last_task[0].extend(rows)
            last_task[1].extend(numbers)
            continue
        if (
            same_width
            and last_task is not None
            and header is not None
            and header_texts == last_header
            and not _starts_new_table(alone, header, last_task[2])
        ):
            last_task[0].extend(rows[header + 1 :])
            last_task[1].extend(numbers[header + 1 :])
            continue
        if header is None:
            continue  # a layout table, not a task table
        last_task = (list(rows), numbers, title)
        last_header = header_texts
        joined.append(last_task)
    tables = [
        _grid_table(path, _resolve(rows, numbers, title), k, lookup, merges_known=True)
        for k, (rows, numbers, title) in enumerate(joined)
    ]
    return _source(path, [(n, s) for n, s in enumerate(preamble, start=1)], tables)


def _word_rows(tbl: Any, text_of: Callable[[Any], str]) -> list[list[_Tc]]:
    """The Word table's rows as grid positions (``w:gridBefore``/``w:gridAfter`` as blanks)."""
    width = len(tbl.tblGrid.gridCol_lst)
    rows: list[list[_Tc]] = []
    for tr in tbl.tr_lst:
        row: list[_Tc] = []
        for _ in range(tr.grid_before):
            row.append(_Tc("", False, len(row)))
        for tc in tr.tc_lst:
            text = "\n".join(text_of(p) for p in tc.p_lst)
            start = len(row)
            for _ in range(tc.grid_span):
                row.append(_Tc(text, tc.vMerge == "continue", start))
        width = max(width, len(row))
        rows.append(row)
    for row in rows:
        row.extend(_Tc("", False, len(row) + k) for k in range(width - len(row)))
    return rows


def _resolve(rows: list[list[_Tc]], numbers: list[int], title: str) -> Grid:
    """Fill vertically merged positions from the cell above; horizontal spans share an anchor."""
    grid: list[list[Slot]] = []
    for r, row in enumerate(rows):
        out: list[Slot] = []
        for c, tc in enumerate(row):
            if tc.continues and r > 0:
                out.append(grid[r - 1][c])
            else:
                out.append(Slot(tc.text, (r, tc.start)))
        grid.append(out)
    return Grid(grid, numbers, title)


def _starts_new_table(grid: Grid, header: int, previous_title: str) -> bool:
    """A repeated header starts a new table when a note of declared counts follows it, or the
    table is of the other section (民生实事)."""
    body = [s.text for row in grid.rows[header + 1 : header + 3] for s in row]
    if any(vocab.DECLARED_RE.search(t.replace("\n", "")) for t in body):
        return True
    marked = vocab.LIVELIHOOD_MARK in grid.title or any(vocab.LIVELIHOOD_MARK in t for t in body)
    return marked != (vocab.LIVELIHOOD_MARK in previous_title)


def _title(lines: list[str]) -> str:
    return " ".join(s.strip() for s in lines if s.strip())


# --- .xlsx and .csv --------------------------------------------------------------------


def _read_xlsx(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    import zipfile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanParseError(path, None, "an Excel .xlsx workbook", type(exc).__name__) from exc
    lookup = _lookup(path, mapping)
    tables: list[Table] = []
    preamble: list[tuple[int, str]] = []
    for ws in wb.worksheets:
        values = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
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
        header = _find_header(sheet, lookup)
        if header is None:
            continue
        above = [_row_text(row) for row in grid[:header]]
        sheet.title = _title([*above, ws.title])
        if not preamble:
            preamble = [(n, s) for n, s in enumerate(above or [ws.title], start=1) if s]
        tables.append(_grid_table(path, sheet, len(tables), lookup, merges_known=True))
    return _source(path, preamble, tables)


def _read_csv(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
    text = document.decode(path)
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
    lookup = _lookup(path, mapping)
    header = _find_header(grid, lookup)
    if header is None:
        return _source(path, [], [])
    above = [_row_text(row) for row in grid.rows[:header]]
    grid.title = _title(above)
    preamble = [(numbers[r], s) for r, s in enumerate(above) if s]
    return _source(path, preamble, [_grid_table(path, grid, 0, lookup, merges_known=False)])


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


def _row_text(row: list[Slot]) -> str:
    seen: dict[tuple[int, int], str] = {}
    for s in row:
        if not s.blank:
            seen.setdefault(s.anchor, s.text.strip())
    return " ".join(seen.values())


def _source(path: Path, preamble: list[tuple[int, str]], tables: list[Table]) -> Source:
    if not any(t.rows for t in tables):
        raise PlanParseError(
            path,
            None,
            "a task table: a header row naming at least the task column "
            f"({'/'.join(_accepted('task'))}) and task rows below it",
        )
    return Source(document.read_letter(preamble), tables)


# --- headers ----------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as looked up: whitespace, colons and asterisks removed (``完成\\n时限``)."""
    return vocab.HEADER_NOISE_RE.sub("", text)


@dataclass(frozen=True)
class _Headers:
    """Header key -> contract column (synonyms plus ``mapping=``), and the keys the caller
    mapped explicitly (never re-read as lead units)."""

    table: dict[str, str | None]
    explicit: frozenset[str]

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def __getitem__(self, key: str) -> str | None:
        return self.table[key]


def _lookup(path: Path, mapping: Mapping[str, str | None] | None) -> _Headers:
    table: dict[str, str | None] = dict(vocab.HEADER_SYNONYMS)
    for header, column in (mapping or {}).items():
        if column is not None and column not in vocab.CONTRACT_COLUMNS:
            raise PlanParseError(
                path,
                None,
                f"mapping values among {', '.join(vocab.CONTRACT_COLUMNS)} or None",
                f"{header}: {column}",
            )
        table[header_key(header)] = column
    return _Headers(table, frozenset(header_key(h) for h in mapping or {}))


def _accepted(column: str) -> list[str]:
    return [h for h, c in vocab.HEADER_SYNONYMS.items() if c == column]


def _accepted_all() -> str:
    return "; ".join(f"{col}: {'/'.join(_accepted(col))}" for col in vocab.CONTRACT_COLUMNS)


def _find_header(grid: Grid, lookup: _Headers) -> int | None:
    """The first row in which at least two distinct cells are known headers."""
    for r, row in enumerate(grid.rows[:MAX_HEADER_ROW]):
        keys = {s.anchor: header_key(s.text) for s in row if not s.blank}
        if sum(1 for k in keys.values() if k in lookup) >= 2:
            return r
    return None


def _map_columns(
    path: Path, grid: Grid, r: int, lookup: _Headers
) -> tuple[dict[int, str], dict[str, str], int]:
    """Grid column -> contract column, contract column -> header as printed, first data row.

    A header spanning two columns over a second header row (责任单位 over 牵头/配合) takes the
    second row's headers; 类别 spanning two columns is category and subcategory.
    """
    row = grid.rows[r]
    line = grid.numbers[r]
    below = grid.rows[r + 1] if r + 1 < len(grid.rows) else None
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    data_start = r + 1
    spans: dict[tuple[int, int], list[int]] = {}
    for c, slot in enumerate(row):
        spans.setdefault(slot.anchor, []).append(c)
    # 责任单位 alone names the lead units; beside a 牵头单位 column, those who carry out the task
    keys = [header_key(s.text) for s in [*row, *(below or [])]]
    lead_alone = not any(k in lookup and lookup[k] == "lead_units" for k in keys)

    def column_of(key: str) -> str | None:
        if lead_alone and key in vocab.LEAD_WHEN_NO_LEAD_COLUMN and key not in lookup.explicit:
            return "lead_units"
        return lookup[key]

    for _anchor, cols in spans.items():
        slot = row[cols[0]]
        key = header_key(slot.text)
        if not key:
            if any(not grid.rows[k][c].blank for k in range(r + 1, len(grid.rows)) for c in cols):
                raise PlanParseError(
                    path, line, f"a header over column {cols[0] + 1}", "a blank header cell"
                )
            continue
        if key not in lookup:
            raise PlanParseError(
                path,
                line,
                f"a known column header (accepted: {_accepted_all()}), "
                f"or read_plan(..., mapping={{'{slot.text.strip()}': column}})",
                slot.text.strip(),
            )
        column = column_of(key)
        if len(cols) == 1 or column is None:
            names = [column] * len(cols)
        elif column == "category" and len(cols) == 2:
            names = ["category", "subcategory"]
        else:
            subs = [below[c] for c in cols] if below is not None else []
            sub_keys = [header_key(s.text) for s in subs]
            if not subs or any(
                k not in lookup or s.anchor == slot.anchor
                for k, s in zip(sub_keys, subs, strict=True)
            ):
                raise PlanParseError(
                    path,
                    line,
                    f"one header per column, or headers in the row below {slot.text.strip()}",
                    slot.text.strip(),
                )
            names = [column_of(k) for k in sub_keys]
            data_start = r + 2
            for k, s in zip(sub_keys, subs, strict=True):
                headers.setdefault(str(column_of(k)), s.text.strip())
        for c, name in zip(cols, names, strict=True):
            if name is None:
                continue
            if name in columns.values():
                other = headers[name]
                raise PlanParseError(
                    path,
                    line,
                    f"one column for {name} (headers {'/'.join(_accepted(name))})",
                    f"{other} and {slot.text.strip()}",
                )
            columns[c] = name
            headers.setdefault(name, slot.text.strip())
    if "task" not in columns.values():
        raise PlanParseError(
            path,
            line,
            f"a task column ({'/'.join(_accepted('task'))})",
            "/".join(dict.fromkeys(s.text.strip() for s in row if not s.blank)),
        )
    return columns, headers, data_start


# --- grid -> raw rows -------------------------------------------------------------------


def _grid_table(
    path: Path, grid: Grid, index: int, lookup: _Headers, *, merges_known: bool
) -> Table:
    """Turn a grid into a :class:`Table` of raw rows; ``plan.py`` interprets them."""
    header = _find_header(grid, lookup)
    assert header is not None  # callers only pass grids with a header
    columns, headers, start = _map_columns(path, grid, header, lookup)
    by_name: dict[str, list[int]] = {}
    for c, name in sorted(columns.items()):
        by_name.setdefault(name, []).append(c)
    table = Table(
        index=index,
        header_line=grid.numbers[header],
        columns=frozenset(by_name),
        merges_known=merges_known,
        line_unit="row",
        headers=headers,
        title=grid.title,
    )
    mapped = sorted(columns)
    pending: list[Cell] = []
    for r in range(start, len(grid.rows)):
        row, line = grid.rows[r], grid.numbers[r]
        if all(row[c].blank for c in mapped):
            continue

        def cell(name: str, row: list[Slot] = row, line: int = line, r: int = r) -> Cell:
            cols = by_name.get(name)
            return _cell(row[cols[0]], line, r) if cols else Cell("", line)

        anchors = {row[c].anchor for c in mapped if not row[c].blank}
        task_col = by_name["task"][0]
        if len(anchors) == 1 and sum(row[c].anchor in anchors for c in mapped) > 1:
            # one cell across the table: a note of declared counts, or a heading row
            text = row[task_col].text if not row[task_col].blank else _row_text(row)
            flat = text.replace("\n", "")
            declared = vocab.DECLARED_RE.search(flat)
            if declared and not table.rows and not vocab.TASK_RE.match(flat):
                table.declared_tasks = int(declared.group(1))
                table.declared_milestones = int(declared.group(2))
                table.declared_line = line
            else:
                pending.append(Cell(text, line))
            continue
        if all(row[c].blank for n in _TASK_BODY for c in by_name.get(n, [])):
            pending.extend(cell(n) for n in ("category", "subcategory") if not cell(n).blank)
            continue
        table.rows.append(
            RawRow(
                table.index,
                _prefix(pending, row, by_name, line, r),
                cell("task"),
                cell("milestones"),
                cell("deadline"),
                cell("lead_units"),
                cell("responsible_units"),
                cell("leaders"),
                number=cell("number") if "number" in by_name else None,
            )
        )
        pending = []
    return table


def _prefix(
    pending: list[Cell], row: list[Slot], by_name: dict[str, list[int]], line: int, r: int
) -> tuple[Cell, ...]:
    """Category cells of a row as the text export prints them: (category,) or (category,
    subcategory); heading rows above the task (一、…, （一）…) count as category cells."""
    category = next((c for c in pending if not _is_subheading(c)), None)
    sub = next((c for c in reversed(pending) if _is_subheading(c)), None)
    cat_cols = by_name.get("category", [])
    sub_cols = by_name.get("subcategory", [])
    if category is None and cat_cols:
        category = _cell(row[cat_cols[0]], line, r)
    if sub is None and sub_cols:
        if not (cat_cols and row[sub_cols[0]].anchor == row[cat_cols[0]].anchor):
            sub = _cell(row[sub_cols[0]], line, r)
    if sub is not None:
        return (category or Cell("", line), sub)
    return (category,) if category is not None else ()


def _cell(slot: Slot, line: int, r: int) -> Cell:
    """A grid slot as a cell of row ``r``; merged when its anchor is in a row above."""
    return Cell(slot.text, line, merged=slot.anchor[0] < r)


def _is_subheading(cell: Cell) -> bool:
    return bool(vocab.SUBCATEGORY_NUMBER_RE.match("".join(cell.lines)))
