"""Reading the plan from the official Word document (.docx) with python-docx.

Vertical (``w:vMerge``) and horizontal (``w:gridSpan``) merges are read from the XML, so a
merged cell is filled from its anchor and a blank cell is really empty. A Word table without a
header row, or repeating the previous table's header (with no count note after it and of the
same section), continues that table: a table split at a page break. Tables are joined before
merges are resolved, so a merge may cross the split. The letter is the paragraphs before the
first table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    title_of,
)
from taskanalytics.plan.readers.office import check_package
from taskanalytics.plan.readers.prose import read_prose


@dataclass(frozen=True)
class _Tc:
    """A Word cell at one grid position: its text, whether it continues the cell above, and
    the grid column it starts at (positions it spans share it)."""

    text: str
    continues: bool
    start: int


def read_docx(
    path: Path,
    data: bytes,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    """Read a Word document's bytes (after :func:`~taskanalytics.limits.read_input`) into a
    :class:`Source`; the package is checked by
    :func:`~taskanalytics.plan.readers.office.check_package` first, and whatever python-docx
    raises on a damaged file becomes a ``PlanParseError``."""
    limits = limits or current_limits()
    check_package(
        path, data, kind="docx", limits=limits, max_rows=limits.plan_max_rows,
        max_columns=limits.plan_max_columns, row_limit="plan_max_rows",
        column_limit="plan_max_columns",
    )  # fmt: skip
    try:
        preamble, word_tables = _read_body(data)
    except TaskAnalyticsError:
        raise
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise anything on bad XML
        raise PlanParseError(
            path, None, "a Word .docx document that opens in Word",
            f"a damaged file ({type(exc).__name__}: {exc})",
        ) from exc  # fmt: skip
    _check_texts(path, preamble, word_tables, limits)
    lookup = lookup_headers(path, mapping)
    # Join tables continued across pages, counting rows through all tables for errors.
    joined: list[tuple[list[list[_Tc]], list[int], str]] = []
    first_row = 1
    last_task: tuple[list[list[_Tc]], list[int], str] | None = None
    last_header: list[str] | None = None
    for rows, title in word_tables:
        numbers = list(range(first_row, first_row + len(rows)))
        first_row += len(rows)
        alone = _resolve(rows, numbers, title)
        header = find_header(alone, lookup)
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
        grid_table(path, _resolve(rows, numbers, title), k, lookup, merges_known=True)
        for k, (rows, numbers, title) in enumerate(joined)
    ]
    lines = [(n, s) for n, s in enumerate(preamble, start=1)]
    if not joined and not any(rows for rows, _ in word_tables):
        # no table at all: a plan published as numbered paragraphs
        return read_prose(path, lines, lookup)
    return make_source(path, lines, tables)


def _read_body(data: bytes) -> tuple[list[str], list[tuple[list[list[_Tc]], str]]]:
    """The paragraphs before the first table, and each table's rows with the text above it."""
    import io

    import docx  # imported here: reading the text export must not pay for it
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    body = docx.Document(io.BytesIO(data)).element.body

    def text_of(p: Any) -> str:
        return vocab.ARTIFACT_RE.sub("", Paragraph(p, None).text)

    preamble: list[str] = []
    between: list[str] = []
    word_tables: list[tuple[list[list[_Tc]], str]] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            (between if word_tables else preamble).append(text_of(child))
        elif child.tag == qn("w:tbl"):
            # the first table's title is the last paragraph of the letter above it (the
            # table's heading: 2023年十件民生实事), a later table's the paragraphs between
            above = title_of(between) if word_tables else _last_line(preamble)
            word_tables.append((_word_rows(child, text_of), above))
            between = []
    return preamble, word_tables


def _last_line(paragraphs: list[str]) -> str:
    """The last non-blank paragraph, stripped ("" when there is none)."""
    return next((s.strip() for s in reversed(paragraphs) if s.strip()), "")


def _check_texts(
    path: Path,
    preamble: list[str],
    word_tables: list[tuple[list[list[_Tc]], str]],
    limits: Limits,
) -> None:
    """Refuse a paragraph or cell over ``max_cell_chars`` or holding a control character,
    naming its line (preamble) or table row (counted through all tables, as in errors)."""
    for n, text in enumerate(preamble, start=1):
        problem = cell_problem(text, limits)
        if problem is not None:
            raise PlanParseError(path, n, problem[0], f"{problem[1]} (paragraph {n})")
    row_number = 0
    for rows, _title in word_tables:
        for row in rows:
            row_number += 1
            for c, tc in enumerate(row, start=1):
                problem = cell_problem(tc.text, limits)
                if problem is not None:
                    raise PlanParseError(path, row_number, problem[0], f"{problem[1]} (column {c})")


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
