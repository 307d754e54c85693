"""Word documents for the reader tests, written with python-docx.

:func:`write_docx` writes paragraphs and tables whose cells may span columns (``w:gridSpan``) or
continue the cell above (``w:vMerge``), the way Word stores merged cells. :func:`seed_docx`
rebuilds the bundled text export as the Word document it was exported from: every blank cell
that the text export's rules read as "continues the cell above" becomes a real vertical merge,
the task printed over three rows has one merged task cell, and the work-report table can be
split in two at a page break.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.plan.readers import text as document

WIDTH = 8  # 类别 spans two grid columns (category, subcategory), then six columns
HEADER = ["类别", "指标任务", "主要时间节点或阶段性量化指标", "完成时限", "牵头单位", "责任单位", "分管领导"]  # fmt: skip


@dataclass(frozen=True)
class C:
    """A Word cell: its text (lines become paragraphs), the grid columns it spans, and whether
    it continues the cell above (a vertical merge; its own text is then empty)."""

    text: str = ""
    span: int = 1
    up: bool = False


UP = C(up=True)

Row = list["C | str"]


def write_docx(
    path: Path,
    paragraphs: list[str],
    tables: list[list[Row]],
    *,
    between: list[list[str]] | None = None,
    width: int = WIDTH,
) -> Path:
    """Write paragraphs, then the tables (``between[k]`` are paragraphs before table ``k+1``)."""
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    for k, rows in enumerate(tables):
        if k:
            for text in (between or [[]] * len(tables))[k - 1] or [""]:
                doc.add_paragraph(text)
        _add_table(doc, rows, width)
    doc.save(str(path))
    return path


def _add_table(doc, rows: list[Row], width: int) -> None:
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    tcs_above: list = [None] * width  # the tc covering each grid column in the row above
    for entries in rows:
        tr = table.add_row()._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        col = 0
        row_tcs: list = [None] * width
        for entry in entries:
            cell = C(entry) if isinstance(entry, str) else entry
            tc = OxmlElement("w:tc")
            tr.append(tc)
            if cell.span > 1:
                tc.grid_span = cell.span
            if cell.up:
                tc.vMerge = "continue"
                anchor = tcs_above[col]
                if anchor is not None and anchor.vMerge is None:
                    anchor.vMerge = "restart"
            lines = cell.text.split("\n") if cell.text and not cell.up else [""]
            for line in lines:
                p = tc._add_p()
                if line:
                    r = p.add_r()
                    t = OxmlElement("w:t")
                    t.text = line
                    t.set(qn("xml:space"), "preserve")
                    r.append(t)
            for c in range(col, col + cell.span):
                row_tcs[c] = tcs_above[c] if cell.up else tc
            col += cell.span
        assert col == width, f"row spans {col} grid columns, expected {width}"
        tcs_above = row_tcs


def seed_rows(txt: Path = DEFAULT_PLAN_PATH) -> tuple[list[str], list[list[Row]]]:
    """The text export's preamble and tables as Word rows with real merges."""
    text = document.decode(txt)
    preamble, cells = document.split_cells(text)
    tables = document.read_tables(txt, cells)
    out: list[list[Row]] = []
    for table in tables:
        rows: list[Row] = [[C("类别", 2), *HEADER[1:]]]
        if table.declared_tasks is not None:
            note = next(c for c in cells if c.line == table.declared_line)
            rows.append([C(note.text, WIDTH)])
        prev = None
        for raw in table.rows:
            rows.append(_seed_row(raw, prev))
            prev = raw
        out.append(rows)
    return [s for _, s in preamble], out


def _seed_row(raw: document.RawRow, prev: document.RawRow | None) -> Row:
    def up_if_blank(cell: document.Cell) -> C:
        return UP if cell.blank and prev is not None else C(cell.text)

    row: Row = []
    if len(raw.prefix) == 2:
        cat, sub = raw.prefix
        above_split = prev is not None and len(prev.prefix) == 2
        row.append(UP if cat.blank and above_split else C(cat.text))
        row.append(UP if sub.blank and cat.blank and above_split else C(sub.text))
    else:
        cat = raw.prefix[0]
        above_spans = prev is not None and len(prev.prefix) == 1
        row.append(C(up=True, span=2) if cat.blank and above_spans else C(cat.text, 2))
    same_task = prev is not None and raw.task.lines == prev.task.lines
    row.append(UP if same_task else C(raw.task.text))
    row.append(C(raw.milestones.text))
    row.append(up_if_blank(raw.deadline))
    all_blank = raw.lead.blank and raw.responsible.blank and raw.leaders.blank
    row.append(up_if_blank(raw.lead))
    row.append(UP if all_blank and prev is not None else C(raw.responsible.text))
    row.append(up_if_blank(raw.leaders))
    return row


def seed_docx(path: Path, *, split_at: int | None = None, repeat_header: bool = True) -> Path:
    """Write the seed as a Word document; ``split_at`` splits the work-report table before that
    data row (a page break), repeating the header row when ``repeat_header``."""
    paragraphs, tables = seed_rows()
    if split_at is not None:
        work = tables[0]
        first, second = work[: split_at + 2], work[split_at + 2 :]
        tables = [first, ([work[0]] if repeat_header else []) + second, *tables[1:]]
    return write_docx(path, paragraphs, tables)
