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
    title_of,
)


@dataclass(frozen=True)
class _Tc:
    """A Word cell at one grid position: its text, whether it continues the cell above, and
    the grid column it starts at (positions it spans share it)."""

    text: str
    continues: bool
    start: int


def read_docx(path: Path, *, mapping: Mapping[str, str | None] | None = None) -> Source:
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
            word_tables.append((_word_rows(child, text_of), title_of(between)))
            between = []
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
    return make_source(path, [(n, s) for n, s in enumerate(preamble, start=1)], tables)


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
