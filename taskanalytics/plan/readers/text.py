"""Reading the source document: decoding, cells, table rows, and the letter's metadata.

The source is a text export of a Word table. Each cell starts with a tab at the beginning of a
line (sometimes after a stray space); lines without a leading tab continue the cell above.
Vertically merged cells come out blank, and a table row that breaks across a page repeats its
category cells. This module turns the text into :class:`RawRow` objects, one per printed row,
without interpreting the cells' contents (that is :mod:`taskanalytics.plan.build`'s job);
:func:`read_text` is the ``.txt`` reader.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taskanalytics.errors import InputRefused, PlanParseError
from taskanalytics.limits import (
    Limits,
    cell_problem,
    check_text,
    current_limits,
    decode_text,
    read_input,
)
from taskanalytics.plan import vocab

#: A cell starts with a tab at a line start (sometimes after stray spaces).
_CELL_START = re.compile(r"^[ \u3000]*\t", re.MULTILINE)


@dataclass(frozen=True)
class Cell:
    """One table cell: its text (lines joined by newlines) and the line it starts on.

    ``merged`` is True for a cell that continues a merged cell above, filled from it (read from
    a ``.docx`` or ``.xlsx``); findings about the cell are reported at its anchor only.
    """

    text: str
    line: int
    merged: bool = False
    #: The cell's non-blank lines, stripped; set from ``text`` when the cell is made (every
    #: reader reads every cell's lines, most of them more than once).
    lines: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lines = [s for line in self.text.split("\n") if (s := line.strip(" \u3000\t"))]
        object.__setattr__(self, "lines", lines)  # frozen: set once, here

    @property
    def blank(self) -> bool:
        """True when the cell holds no text but spaces."""
        return not self.lines


@dataclass(frozen=True)
class RawRow:
    """One printed row of a task table.

    ``prefix`` holds the category cells before the task cell: one (category) or two
    (category, subcategory); ``cells`` the task cell and the five after it. ``extra`` holds
    the cells of columns kept aside (落实情况, 备注, 联系人 …): header as printed -> cell text,
    non-blank cells only.
    """

    table: int
    prefix: tuple[Cell, ...]
    task: Cell
    milestones: Cell
    deadline: Cell
    lead: Cell
    responsible: Cell
    leaders: Cell
    #: The task's number from a column of its own (序号), when the table has one.
    number: Cell | None = None
    #: Columns kept aside, not interpreted: header as printed -> the cell's text.
    extra: dict[str, str] = field(default_factory=dict, hash=False)


#: The contract columns of the text export's table, in order.
EXPORT_COLUMNS = frozenset(vocab.TABLE_HEADERS.values())


@dataclass
class Table:
    """A task table: where its header starts, the counts its note declares, and its rows.

    ``columns`` are the contract columns the table has (a 序号/民生实事/责任单位/完成时限
    table has no milestones, lead or leaders column; its rows hold blank cells there).
    ``merges_known`` is True when the source records merged cells (``.docx``, ``.xlsx``): the
    reader has filled every merged cell from its anchor, so a blank cell is really empty; in
    the text export and CSV a merged cell comes out blank and the builder has to guess.
    ``line_unit`` is ``"line"`` when ``Cell.line`` counts text lines (each line of a cell is
    one more), ``"row"`` when it is a table row number. ``headers`` maps contract columns to the
    headers as printed; ``title`` is the text just above the table (a title row, a sheet name).
    """

    index: int
    header_line: int
    declared_tasks: int | None = None
    declared_milestones: int | None = None
    declared_line: int | None = None
    rows: list[RawRow] = field(default_factory=list)
    columns: frozenset[str] = EXPORT_COLUMNS
    merges_known: bool = False
    line_unit: str = "line"
    headers: dict[str, str] = field(default_factory=dict)
    #: Text printed just above the table (a title row, a sheet name), for telling sections.
    title: str = ""


@dataclass(frozen=True)
class Source:
    """What a reader found: the letter's metadata and the task tables, in document order, and
    the SHA-256 of the bytes read (set by :func:`~taskanalytics.plan.readers.read_source`)."""

    meta: dict[str, Any]
    tables: list[Table]
    sha256: str = ""


def decode(
    path: Path,
    data: bytes | None = None,
    *,
    limits: Limits | None = None,
    count_lines: bool = True,
) -> str:
    """Return the document's text; UTF-16 (with a BOM), UTF-8 (BOM optional) or GB18030.

    Line ends become ``\\n`` (CRLF and CR alike) and form feeds (page breaks) are dropped.

    Parameters
    ----------
    path
        The file, named in errors (and read when ``data`` is None).
    data
        The file's bytes, when already read.
    limits
        Default :func:`taskanalytics.limits.current_limits`; ``plan_max_lines`` applies.
    count_lines
        False for a CSV, whose records are counted while reading (``plan_max_rows``).

    Raises
    ------
    PlanParseError
        If the file is missing, empty, in none of these encodings, holds NUL or other control
        characters (naming the line), or has more than ``plan_max_lines`` lines.
    """
    limits = limits or current_limits()
    try:
        if data is None:
            data = read_input(path, limits)
        text = decode_text(path, data, what="a work-plan document")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "")
        lines = limits.plan_max_lines if count_lines else None
        check_text(path, text, max_lines=lines, limit="plan_max_lines", limits=limits)
    except InputRefused as err:
        raise PlanParseError(path, err.line, err.expected, err.found) from err
    return vocab.ARTIFACT_RE.sub("", text)


def check_cells(path: Path, cells: list[Cell], limits: Limits) -> None:
    """Refuse a cell longer than ``limits.max_cell_chars`` (control characters were refused
    with the text)."""
    for cell in cells:
        problem = cell_problem(cell.text, limits)
        if problem is not None:
            raise PlanParseError(path, cell.line, *problem)


def split_cells(text: str) -> tuple[list[tuple[int, str]], list[Cell]]:
    """Split text into the preamble lines (before the first cell) and the cells.

    A cell runs from the tab that opens its first line to the end of the line before the next
    cell's (or of the text): its text is those lines joined, without the tab.
    """
    starts = list(_CELL_START.finditer(text))
    if not starts:
        return list(enumerate(text.split("\n"), start=1)), []
    first = starts[0].start()
    preamble = list(enumerate(text[: first - 1].split("\n"), start=1)) if first else []
    cells: list[Cell] = []
    line, pos = 1, 0
    ends = [m.start() - 1 for m in starts[1:]] + [len(text)]  # the newline before the next cell
    for m, end in zip(starts, ends, strict=True):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        cells.append(Cell(text[m.end() : end], line))
    return preamble, cells


def _is_header(cell: Cell) -> bool:
    return cell.lines == ["类别"]


def read_tables(path: Path, cells: list[Cell]) -> list[Table]:
    """Group cells into tables and rows.

    A table starts at a header row (类别, 指标任务, …). After it, an optional note cell declares
    the counts. Every row then holds category cells, a task cell (``12.…``) and exactly five
    more cells: milestones, deadline, lead units, responsible units, leaders.
    """
    tables: list[Table] = []
    names = list(vocab.TABLE_HEADERS)
    i = 0
    prefix: list[Cell] = []
    while i < len(cells):
        cell = cells[i]
        if _is_header(cell):
            header = [c.lines[0] if c.lines else "" for c in cells[i : i + len(names)]]
            if header != names:
                raise PlanParseError(
                    path, cell.line, "the header cells " + "/".join(names), "/".join(header)
                )
            tables.append(Table(index=len(tables), header_line=cell.line))
            i += len(names)
            prefix = []
            continue
        if not tables:
            i += 1  # cells before the first table header belong to the letter, not a table
            continue
        table = tables[-1]
        if not table.rows:  # the note declaring the counts comes before the first row
            joined = "".join(cell.lines)
            declared = vocab.DECLARED_RE.search(joined)
            if declared and not vocab.TASK_RE.match(joined):
                table.declared_tasks = int(declared.group(1))
                table.declared_milestones = int(declared.group(2))
                table.declared_line = cell.line
                i += 1
                continue
        if cell.lines and vocab.TASK_RE.match("\n".join(cell.lines)):
            rest = cells[i + 1 : i + 6]
            bad = next((c for c in rest if _is_header(c)), None)
            if len(rest) < 5 or bad is not None:
                where = bad.line if bad is not None else cell.line
                raise PlanParseError(
                    path,
                    where,
                    "five cells after the task (milestones, deadline, lead, responsible, leaders)",
                    f"{len(rest) if bad is None else rest.index(bad)} cell(s)",
                )
            if len(prefix) > 2:
                raise PlanParseError(
                    path,
                    prefix[0].line,
                    "at most two category cells before a task",
                    f"{len(prefix)} cells",
                )
            table.rows.append(RawRow(table.index, tuple(prefix), cell, *rest))
            prefix = []
            i += 6
            continue
        prefix.append(cell)
        i += 1
    if not tables or not any(t.rows for t in tables):
        raise PlanParseError(path, None, "a task table with a 类别/指标任务 header and task rows")
    return tables


def read_letter(preamble: list[tuple[int, str]]) -> dict[str, object]:
    """Read the cover letter before the table: document number, title, issuer, date."""
    lines = [(n, s.strip()) for n, s in preamble if s.strip()]
    meta: dict[str, object] = {
        "doc_number": None,
        "title": None,
        "issuer": None,
        "issued_date": None,
        "table_title": None,
    }
    doc_idx = next((k for k, (_, s) in enumerate(lines) if re.search(r"〔\d{4}〕\d+号", s)), None)
    if doc_idx is not None:
        meta["doc_number"] = lines[doc_idx][1]
    date_idx = next(
        (
            k
            for k, (_, s) in enumerate(lines)
            if re.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", s) and _real_date(s)
        ),
        None,
    )
    if date_idx is not None:
        y, m, d = map(int, re.findall(r"\d+", lines[date_idx][1]))
        meta["issued_date"] = dt.date(y, m, d)
        if date_idx > 0:
            meta["issuer"] = lines[date_idx - 1][1]
        if date_idx + 1 < len(lines):
            meta["table_title"] = lines[date_idx + 1][1]
    # The title runs from after the document number to the line ending in 通知 (or to the
    # salutation ending in a colon).
    start = doc_idx + 1 if doc_idx is not None else 0
    title: list[str] = []
    for _, s in lines[start:]:
        if s.endswith(("：", ":")):
            break
        title.append(s)
        if s.endswith("通知"):
            break
    if title:
        meta["title"] = "".join(title)
    if meta["table_title"] is None and lines:
        meta["table_title"] = lines[-1][1]
    return meta


def _real_date(text: str) -> bool:
    """Whether ``2023年2月30日`` is a date: an impossible one is no issue date (the plan's year
    comes from its title or document number), not a crash."""
    try:
        dt.date(*map(int, re.findall(r"\d+", text)))
    except ValueError:
        return False
    return True


def read_text(
    path: Path,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    """Read the text export of the Word table (the bundled seed's format) into a :class:`Source`.

    ``data`` is the file's bytes (read by :func:`~taskanalytics.plan.readers.read_source`);
    ``mapping`` is accepted for the readers' common signature; the export's header is fixed.
    """
    limits = limits or current_limits()
    preamble, cells = split_cells(decode(path, data, limits=limits))
    check_cells(path, cells, limits)
    return Source(read_letter(preamble), read_tables(path, cells))
