"""The broken-input corpus (issue 13): every input entry point refuses every case cleanly.

A corpus of broken and hostile files is generated once per module (nothing is committed):
empty, binary, truncated and damaged files, malformed XML inside ``.xlsx``/``.docx``, zip and
entity bombs, encrypted and legacy Office files renamed, wrong encodings, NUL bytes, huge CSV
fields, 1 MB cells, more than 1,048,576 rows, a 2,000,000-row sheet, files over the size limit,
names too long, directories, pipes and devices, a template without its 说明 sheet, a workbook
with no rows, a CSV with a BOM in the middle, formula cells without a saved result, duplicated
task numbers and rows.

Each file is walked through every input entry point: :func:`read_plan`,
:func:`read_progress_file`, :func:`ingest_files` (into an existing store, which must stay
byte-identical, and into a new one, which must not be created) and the CLI's ``parse SOURCE``
and ``ingest FILE --store``: a :class:`PlanParseError` or :class:`ValidationError` naming the
file, exit code 1 with one ``error:`` line, never a traceback. The bombs must be refused by a
limit (the message names it), not survive by luck; every call has a generous time budget
(:data:`BUDGET_S`) so that a bomb that got through fails the test instead of hanging the suite.
"""

from __future__ import annotations

import io
import os
import random
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from stores import tree_digest

from taskanalytics.cli import main
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.errors import PlanParseError, TaskAnalyticsError, ValidationError
from taskanalytics.plan.build import read_plan
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.intake import read_progress_file
from taskanalytics.progress.store import ingest_files

#: Seconds any one entry point may take on any one case: far above what a refusal takes
#: (well under a second), far below what a bomb that got through would (minutes, gigabytes).
BUDGET_S = 20.0

SEED = DEFAULT_PLAN_PATH.read_text(encoding="utf-8")
UNIT = "财政局"
MILESTONE = "T110.01"  # a milestone 财政局 leads
# 说明 is the template's first sheet (the cover, issue 14), 进度填报 the second
README_SHEET_PART = "xl/worksheets/sheet1.xml"
DATA_SHEET_PART = "xl/worksheets/sheet2.xml"


# --- building blocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Base:
    """Real files the hostile ones are made from."""

    template: bytes  # a blank progress template of 财政局
    filled: bytes  # the same, with one milestone reported
    docx: bytes  # the seed plan as a Word document


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, drop: set[str] = frozenset(),
          add: dict[str, bytes] | None = None) -> bytes:  # fmt: skip
    """A copy of a zip package with parts replaced, dropped or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            body = (replace or {}).get(info.filename, src.read(info))
            dst.writestr(info.filename, body, compress_type=zipfile.ZIP_DEFLATED)
        for name, body in (add or {}).items():
            dst.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(name)


def streamed_sheet(data: bytes, name: str, head: bytes, rows: bytes, count: int) -> bytes:
    """``data`` with the worksheet ``name`` replaced by ``count`` copies of ``rows``, written
    in chunks (a sheet too large to build in memory at once)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w") as fh:
            fh.write(head + b"<sheetData>")
            chunk = rows * 10_000
            for _ in range(count // 10_000):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


SHEET_HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""


def ole(stream_name: str) -> bytes:
    """The start of an OLE compound file (legacy .xls/.doc, or an encrypted .xlsx/.docx, which
    Office stores as a compound file with an ``EncryptedPackage`` stream)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = stream_name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    return header + directory + random.Random(7).randbytes(4096)


def progress_csv(rows: list[list[str]], *, bom: bool = True, newline: str = "\n") -> bytes:
    header = ["节点编号", "状态", "完成日期", "进展说明"]
    text = newline.join(",".join(r) for r in [header, *rows]) + newline
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


def task_line(number: int) -> int:
    return SEED.index(f"\t{number}.")


# --- the corpus ------------------------------------------------------------------------------

Builder = Callable[[Path, Base], Path]


@dataclass(frozen=True)
class Case:
    """One broken input: how to make it, and words the refusal must contain (a bomb must be
    refused by its limit, not by some later failure)."""

    name: str
    build: Builder
    plan_says: str = ""
    progress_says: str = ""
    #: click refuses it as an argument (a directory for a FILE): a usage error, exit code 2
    usage_error: bool = False


def _bytes(name: str, make: Callable[[Base], bytes]) -> Builder:
    def build(folder: Path, base: Base) -> Path:
        path = folder / name
        path.write_bytes(make(base))
        return path

    return build


def _too_big(name: str) -> Builder:
    def build(folder: Path, base: Base) -> Path:
        path = folder / name
        with open(path, "wb") as fh:
            fh.truncate(21 * 1024 * 1024)  # sparse: no 21 MB written
        return path

    return build


def _fifo(folder: Path, base: Base) -> Path:
    path = folder / "财政局_2023Q1.csv"
    os.mkfifo(path)  # opening it for reading would block forever
    return path


def _device(folder: Path, base: Base) -> Path:
    path = folder / "plan_zero.txt"
    path.symlink_to("/dev/zero")  # endless bytes
    return path


def _directory(folder: Path, base: Base) -> Path:
    path = folder / "folder.xlsx"
    path.mkdir()
    return path


def _name_too_long(folder: Path, base: Base) -> Path:
    return folder / ("财" * 200 + ".xlsx")  # 600 bytes: ENAMETOOLONG


def _missing(folder: Path, base: Base) -> Path:
    return folder / "missing.csv"


def _template_edit(make: Callable[[Path], None]) -> Callable[[Base], bytes]:
    """A template changed with openpyxl (sheets deleted, renamed, emptied …)."""

    def edit(base: Base) -> bytes:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(base.filled))
        make(wb)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return edit


def _delete_readme(wb) -> None:
    del wb[vp.README_SHEET]


def _rename_readme(wb) -> None:
    wb[vp.README_SHEET].title = "说明 (2)"


def _zero_rows(wb) -> None:
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    wb.create_sheet(vp.DATA_SHEET)
    wb.create_sheet(vp.README_SHEET)


def _set_cell(header: str, value: object) -> Callable[[object], None]:
    def edit(wb) -> None:
        ws = wb[vp.DATA_SHEET]
        col = [c.value for c in ws[1]].index(header) + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == MILESTONE)
        ws.cell(row, col, value)

    return edit


def _first_actual(base: Base) -> str:
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(io.BytesIO(base.filled))[vp.DATA_SHEET][1]]
    return next(h for h in header if h and h.startswith(vp.ACTUAL_PREFIX))


def _formula(base: Base) -> bytes:
    return _template_edit(_set_cell(_first_actual(base), "=1000*5"))(base)


def _huge_number(base: Base) -> bytes:
    return _template_edit(_set_cell(_first_actual(base), 1e308))(base)


def _mb_status(base: Base) -> bytes:
    """A 1 MB status cell (openpyxl would cut it to 32,767 characters: written in the XML)."""
    edited = _template_edit(_set_cell(vp.COLUMN_HEADERS["status"], "MBMARK"))(base)
    sheet = part(edited, DATA_SHEET_PART).replace(b"MBMARK", "已".encode() * 1_000_000)
    return rezip(edited, replace={DATA_SHEET_PART: sheet})


def _nul_cell(base: Base) -> bytes:
    """A NUL byte inside a worksheet's XML (which XML cannot hold, even escaped as ``&#0;``;
    openpyxl 3.1 keeps Excel's ``_x0000_`` escape as literal text)."""
    sheet = part(base.filled, DATA_SHEET_PART).replace(b"<v>", b"<v>\x00", 1)
    return rezip(base.filled, replace={DATA_SHEET_PART: sheet})


def _dimension_lie(base: Base) -> bytes:
    """A sheet that claims to span A1:XFD1048576 (read-only openpyxl pads rows to it)."""
    bad = _template_edit(_set_cell(vp.COLUMN_HEADERS["status"], "差不多"))(base)
    sheet = part(bad, DATA_SHEET_PART)
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    sheet = sheet[:start] + b'<dimension ref="A1:XFD1048576"/>' + sheet[end:]
    return rezip(bad, replace={DATA_SHEET_PART: sheet})


def _merge_bomb(base: Base) -> bytes:
    """A merged range over the whole sheet: openpyxl makes one object per position."""
    sheet = part(base.template, DATA_SHEET_PART)
    sheet = sheet.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
        b"</mergeCells>", 1,
    )  # fmt: skip
    return rezip(base.template, replace={DATA_SHEET_PART: sheet})


def _no_sheets(base: Base) -> bytes:
    book = part(base.template, "xl/workbook.xml")
    start, end = book.index(b"<sheets>"), book.index(b"</sheets>") + len(b"</sheets>")
    book = book[:start] + b"<sheets/>" + book[end:]
    return rezip(base.template, replace={"xl/workbook.xml": book},
                 drop={DATA_SHEET_PART, README_SHEET_PART})  # fmt: skip


def _xlsm(base: Base) -> bytes:
    """A macro-enabled workbook (a template saved as .xlsm, 说明 deleted) renamed .xlsx."""
    edited = _template_edit(_delete_readme)(base)
    types = part(edited, "[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    return rezip(edited, replace={"[Content_Types].xml": types},
                 add={"xl/vbaProject.bin": ole("VBA")})  # fmt: skip


def _grid_span_bomb(base: Base) -> bytes:
    body = part(base.docx, "word/document.xml")
    body = body.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="100000000"/>', 1)
    return rezip(base.docx, replace={"word/document.xml": body})


def _docx_entity_bomb(base: Base) -> bytes:
    body = part(base.docx, "word/document.xml")
    body = body[body.index(b"<w:document") :].replace(b"<w:t>", b"<w:t>&lol9;", 1)
    return rezip(base.docx, replace={"word/document.xml": BILLION_LAUGHS + body})


def _xlsx_entity_bomb(base: Base) -> bytes:
    sheet = part(base.filled, DATA_SHEET_PART).replace(b"<v>", b"<v>&lol9;", 1)
    return rezip(base.filled, replace={DATA_SHEET_PART: BILLION_LAUGHS + sheet})


def _external_entity(base: Base) -> bytes:
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    book = part(base.template, "xl/workbook.xml").replace(b'name="', b'name="&xxe;', 1)
    return rezip(base.template, replace={"xl/workbook.xml": dtd + book})


def _zip_bomb(base: Base) -> bytes:
    """A 100 MB worksheet of blanks, about 100 KB compressed."""
    return streamed_sheet(base.template, DATA_SHEET_PART, SHEET_HEAD, b" " * 100, 1_000_000)


def _rows_2m(base: Base) -> bytes:
    """2,000,000 rows of one value each: 52 MB of XML, under the uncompressed limit, so only
    the row limit (counted while streaming) stops it."""
    return streamed_sheet(
        base.template, DATA_SHEET_PART, SHEET_HEAD, b"<row><c><v>1</v></c></row>", 2_000_000
    )


def _many_members(base: Base) -> bytes:
    return rezip(base.template, add={f"customXml/item{k}.xml": b"<a/>" for k in range(3000)})


def _ods(base: Base) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _bad_xml(base: Base) -> bytes:
    return rezip(base.filled, replace={DATA_SHEET_PART: SHEET_HEAD + b"<sheetData><row><c>"})


def _bad_docx_xml(base: Base) -> bytes:
    return rezip(base.docx, replace={"word/document.xml": b"<w:document><w:body><w:p>"})


def _txt(text: str, encoding: str = "utf-8") -> Callable[[Base], bytes]:
    return lambda base: text.encode(encoding)


def _renumbered(base: Base) -> bytes:
    """Task 5 renumbered "4.": two tasks with one number, next to each other."""
    i = task_line(5)
    return (SEED[:i] + "\t4." + SEED[i + 3 :]).encode("utf-8")


def _duplicated_row(base: Base) -> bytes:
    """The row of task 5 printed twice."""
    i, j = task_line(5), task_line(6)
    return (SEED[:j] + SEED[i:j] + SEED[j:]).encode("utf-8")


def _nul_in_plan(base: Base) -> bytes:
    i = task_line(7) + 3
    return (SEED[:i] + "\x00" + SEED[i:]).encode("utf-8")


def _mb_plan_cell(base: Base) -> bytes:
    i = task_line(7) + 3
    return (SEED[:i] + "长" * 1_000_000 + SEED[i:]).encode("utf-8")


def _mb_docx_cell(base: Base) -> bytes:
    body = part(base.docx, "word/document.xml")
    return rezip(base.docx, replace={"word/document.xml": body.replace(
        b"<w:t>", b"<w:t>" + "长".encode() * 1_000_000, 1)})  # fmt: skip


def _many_rows_csv(rows: int) -> Callable[[Base], bytes]:
    def make(base: Base) -> bytes:
        return progress_csv([]) + b"x,\n" * rows

    return make


def _bom_in_middle(base: Base) -> bytes:
    one = progress_csv([[MILESTONE, "推进中", "", "第一份"]])
    return one + one  # two files pasted together: a BOM and a header mid-file


def _cr_only(base: Base) -> bytes:
    return progress_csv([[MILESTONE, "差不多", "", "只有 CR 换行"]], newline="\r")


def _huge_field(base: Base) -> bytes:
    return progress_csv([[MILESTONE, "推进中", "", "说" * 200_000]])


def _nul_csv(base: Base) -> bytes:
    return progress_csv([[MILESTONE, "推进中", "", "备\x00注"]])


def _binary(base: Base) -> bytes:
    return random.Random(13).randbytes(8192)


def _invalid_bytes(base: Base) -> bytes:
    return b"\x80\xff" * 200


def _html(base: Base) -> bytes:
    return "<html><body><table><tr><td>节点编号</td></tr></table></body></html>".encode()


CASES = [
    # empty, binary, not what the name says
    Case("empty.txt", _bytes("empty.txt", lambda b: b""), "empty file"),
    Case("empty.xlsx", _bytes("empty.xlsx", lambda b: b""), "empty file", "empty file"),
    Case("empty.csv", _bytes("empty.csv", lambda b: b"\xef\xbb\xbf\n"), "empty file", "empty file"),
    Case("empty.docx", _bytes("empty.docx", lambda b: b""), "empty file"),
    Case("binary.txt", _bytes("binary.txt", _binary), "undecodable"),
    Case("binary.csv", _bytes("binary.csv", _binary), "undecodable", "undecodable"),
    Case("invalid_bytes.txt", _bytes("invalid_bytes.txt", _invalid_bytes), "undecodable"),
    Case("utf16_no_bom.txt", _bytes("utf16_no_bom.txt", _txt(SEED, "utf-16-le")), "UTF-16"),
    Case(
        "utf16_no_bom.csv",
        _bytes(
            "财政局_2023Q1.csv",
            lambda b: (
                progress_csv([[MILESTONE, "推进中", "", ""]], bom=False)
                .decode()
                .encode("utf-16-le")
            ),
        ),
        "UTF-16",
        "UTF-16",
    ),  # fmt: skip
    Case(
        "not_zip.xlsx",
        _bytes("not_zip.xlsx", lambda b: b"this is not a workbook"),
        "not a zip",
        "not a zip",
    ),  # fmt: skip
    Case("html_as.xlsx", _bytes("html_as.xlsx", _html), "HTML", "HTML"),
    Case(
        "malformed_zip.xlsx",
        _bytes("malformed_zip.xlsx", lambda b: b"PK\x03\x04" + random.Random(3).randbytes(2000)),
        "damaged",
        "damaged",
    ),  # fmt: skip
    Case(
        "truncated.xlsx",
        _bytes("truncated.xlsx", lambda b: b.filled[: len(b.filled) // 2]),
        "truncated",
        "truncated",
    ),  # fmt: skip
    Case(
        "truncated.docx",
        _bytes("truncated.docx", lambda b: b.docx[: len(b.docx) // 2]),
        "truncated",
    ),  # fmt: skip
    Case("bad_xml.xlsx", _bytes("bad_xml.xlsx", _bad_xml), "damaged", "damaged"),
    Case("bad_xml.docx", _bytes("bad_xml.docx", _bad_docx_xml), "damaged"),
    Case(
        "encrypted.xlsx",
        _bytes("encrypted.xlsx", lambda b: ole("EncryptedPackage")),
        "password",
        "password",
    ),  # fmt: skip
    Case("encrypted.docx", _bytes("encrypted.docx", lambda b: ole("EncryptedPackage")), "password"),
    Case(
        "xls_renamed.xlsx",
        _bytes("xls_renamed.xlsx", lambda b: ole("Workbook")),
        "97-2003",
        "97-2003",
    ),  # fmt: skip
    Case("doc_renamed.docx", _bytes("doc_renamed.docx", lambda b: ole("WordDocument")), "97-2003"),
    Case("xlsm_renamed.xlsx", _bytes("xlsm_renamed.xlsx", _xlsm), "", "no sheet 说明"),
    Case(
        "docx_renamed.xlsx",
        _bytes("docx_renamed.xlsx", lambda b: b.docx),
        "Word document renamed",
        "Word document renamed",
    ),  # fmt: skip
    Case(
        "xlsx_renamed.docx",
        _bytes("xlsx_renamed.docx", lambda b: b.template),
        "Excel workbook renamed",
    ),  # fmt: skip
    Case("ods_renamed.xlsx", _bytes("ods_renamed.xlsx", _ods), "OpenDocument", "OpenDocument"),
    Case("no_sheets.xlsx", _bytes("no_sheets.xlsx", _no_sheets), "worksheet", "说明"),
    # bombs: each refused by its limit, before the parser sees it
    Case("zip_bomb.xlsx", _bytes("zip_bomb.xlsx", _zip_bomb), "max_unzipped_mb", "max_unzipped_mb"),
    Case(
        "many_parts.xlsx",
        _bytes("many_parts.xlsx", _many_members),
        "max_zip_members",
        "max_zip_members",
    ),  # fmt: skip
    Case(
        "entity_bomb.xlsx", _bytes("entity_bomb.xlsx", _xlsx_entity_bomb), "DOCTYPE", "DOCTYPE"
    ),  # fmt: skip
    Case("entity_bomb.docx", _bytes("entity_bomb.docx", _docx_entity_bomb), "DOCTYPE"),
    Case(
        "external_entity.xlsx",
        _bytes("external_entity.xlsx", _external_entity),
        "DOCTYPE",
        "DOCTYPE",
    ),  # fmt: skip
    Case("rows_2m.xlsx", _bytes("rows_2m.xlsx", _rows_2m), "plan_max_rows", "progress_max_rows"),
    Case(
        "merge_bomb.xlsx",
        _bytes("merge_bomb.xlsx", _merge_bomb),
        "plan_max_columns",
        "progress_max_columns",
    ),  # fmt: skip
    Case("grid_span_bomb.docx", _bytes("grid_span_bomb.docx", _grid_span_bomb), "plan_max_columns"),
    Case(
        "rows_1048577.csv",
        _bytes("财政局_2023Q1.csv", _many_rows_csv(1_048_577)),
        "plan_max_rows",
        "progress_max_rows",
    ),  # fmt: skip
    Case("too_big.xlsx", _too_big("too_big.xlsx"), "max_file_mb", "max_file_mb"),
    Case("too_big.txt", _too_big("too_big.txt"), "max_file_mb"),
    # cells and fields
    Case(
        "huge_field.csv", _bytes("财政局_2023Q1.csv", _huge_field), "32,767", "32,767"
    ),  # fmt: skip
    Case("mb_cell.txt", _bytes("mb_cell.txt", _mb_plan_cell), "max_cell_chars"),
    Case("mb_cell.docx", _bytes("mb_cell.docx", _mb_docx_cell), "max_cell_chars"),
    Case("mb_cell.xlsx", _bytes("mb_cell.xlsx", _mb_status), "max_cell_chars", "共"),
    Case("nul_in_plan.txt", _bytes("nul_in_plan.txt", _nul_in_plan), "U+0000"),
    Case("nul_in_note.csv", _bytes("财政局_2023Q1.csv", _nul_csv), "U+0000", "控制字符"),
    Case("nul_in_cell.xlsx", _bytes("nul_in_cell.xlsx", _nul_cell), "damaged", "damaged"),
    Case("cr_only.csv", _bytes("财政局_2023Q1.csv", _cr_only), "", "差不多"),
    Case("bom_in_middle.csv", _bytes("财政局_2023Q1.csv", _bom_in_middle), "", "节点编号"),
    # what a template must keep
    Case(
        "readme_deleted.xlsx",
        _bytes("readme_deleted.xlsx", _template_edit(_delete_readme)),
        "",
        "no sheet 说明",
    ),  # fmt: skip
    Case(
        "readme_renamed.xlsx",
        _bytes("readme_renamed.xlsx", _template_edit(_rename_readme)),
        "",
        "说明 (2)",
    ),  # fmt: skip
    Case("zero_rows.xlsx", _bytes("zero_rows.xlsx", _template_edit(_zero_rows)), "", "模板标识"),
    Case("dimension_lie.xlsx", _bytes("dimension_lie.xlsx", _dimension_lie), "", "差不多"),
    Case("formula.xlsx", _bytes("formula.xlsx", _formula), "", "公式未计算"),
    Case("huge_number.xlsx", _bytes("huge_number.xlsx", _huge_number), "", "15 digits"),
    # plans that would merge silently
    Case("renumbered.txt", _bytes("renumbered.txt", _renumbered), "two tasks cannot share"),
    Case("duplicated_row.txt", _bytes("duplicated_row.txt", _duplicated_row), "each row once"),
    # not files
    Case("missing.csv", _missing, "No such file", "No such file"),
    Case("name_too_long.xlsx", _name_too_long, "too long", "too long"),
    Case("directory.xlsx", _directory, "a directory", "a directory", usage_error=True),
    Case("fifo.csv", _fifo, "named pipe", "named pipe"),
    Case("dev_zero.txt", _device, "a device"),
]


@pytest.fixture(scope="module")
def base(seed_plan, tmp_path_factory) -> Base:
    from docx_factory import seed_docx

    from taskanalytics.progress.demo import fill_template
    from taskanalytics.progress.templates import write_template

    folder = tmp_path_factory.mktemp("base")
    template = write_template(seed_plan, UNIT, "2023Q4", folder)
    filled = fill_template(template, folder / "filled.xlsx", {
        MILESTONE: {"status": "推进中", "note": "按计划推进"}}, synthetic=False)  # fmt: skip
    docx = seed_docx(folder / "seed.docx")
    return Base(template.read_bytes(), filled.read_bytes(), docx.read_bytes())


@pytest.fixture(scope="module")
def corpus(base, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    out = {}
    for case in CASES:
        sub = folder / case.name.replace(".", "_")
        sub.mkdir()
        out[case.name] = case.build(sub, base)
    return out


@pytest.fixture(scope="module")
def store(seed_plan, base, tmp_path_factory) -> Path:
    """An existing store holding one good report; every refused ingest must leave it alone."""
    folder = tmp_path_factory.mktemp("store")
    good = folder / "inbox" / "good.xlsx"
    good.parent.mkdir()
    good.write_bytes(base.filled)
    path = folder / "data" / "progress.sqlite"
    path.parent.mkdir()
    ingest_files([good], plan=seed_plan, store=path)
    return path


def _timed(func: Callable[[], object]) -> object:
    start = time.perf_counter()
    try:
        return func()
    finally:
        elapsed = time.perf_counter() - start
        assert elapsed < BUDGET_S, f"took {elapsed:.1f} s: a limit did not stop it"


def _names(path: Path) -> tuple[str, ...]:
    """How a file may be named in a message: its path, the path the CLI resolved it to (a
    symlink's target), its name (for a name too long, the start of it)."""
    return (str(path), str(path.resolve()), path.name[:40])


def _cli(args: list[str], monkeypatch, cwd: Path):
    monkeypatch.chdir(cwd)  # no taskanalytics.toml found above
    monkeypatch.delenv("TASKANALYTICS_WORKSPACE", raising=False)
    return _timed(lambda: CliRunner().invoke(main, args))


def _assert_one_error_line(result, path: Path, case: Case) -> None:
    output = result.output  # stdout and stderr, as a terminal shows them (click >= 8.2)
    assert "Traceback" not in output
    if case.usage_error:
        assert result.exit_code == 2 and "Error: Invalid value" in output, output[-2000:]
    else:
        assert result.exit_code == 1, (result.exit_code, output[-2000:], result.exception)
        lines = output.splitlines()
        assert sum(line.startswith("error:") for line in lines) == 1, output[-2000:]
    assert any(n in output for n in _names(path)), output[-2000:]
    assert len(output) < 20_000  # a bounded message, however bad the file


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_read_plan_refuses(case, corpus):
    path = corpus[case.name]
    with pytest.raises(PlanParseError) as info:
        _timed(lambda: read_plan(path))
    message = str(info.value)
    assert str(path) in message
    assert case.plan_says in message
    assert len(message) < 2_000


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_read_progress_file_refuses(case, corpus, seed_plan):
    path = corpus[case.name]
    with pytest.raises(ValidationError) as info:
        _timed(lambda: read_progress_file(path, plan=seed_plan))
    problems = info.value.problems
    assert problems and all(p.file == str(path) for p in problems)
    message = str(info.value)
    assert case.progress_says in message
    assert len(message) < 20_000


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_ingest_files_refuses_and_writes_nothing(case, corpus, seed_plan, store, tmp_path):
    path = corpus[case.name]
    before = tree_digest(store.parent)
    with pytest.raises(ValidationError) as info:
        _timed(lambda: ingest_files([path], plan=seed_plan, store=store))
    assert any(p.file == str(path) for p in info.value.problems)
    assert tree_digest(store.parent) == before
    new = tmp_path / "new" / "progress.sqlite"
    with pytest.raises(ValidationError):
        ingest_files([path], plan=seed_plan, store=new)
    assert not new.exists()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_parse_refuses(case, corpus, tmp_path, monkeypatch):
    path = corpus[case.name]
    result = _cli(["parse", str(path), "--out", str(tmp_path / "out")], monkeypatch, tmp_path)
    _assert_one_error_line(result, path, case)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_ingest_refuses(case, corpus, tmp_path, monkeypatch):
    path = corpus[case.name]
    store = tmp_path / "s.sqlite"
    result = _cli(["ingest", str(path), "--store", str(store)], monkeypatch, tmp_path)
    _assert_one_error_line(result, path, case)
    assert not store.exists()


def test_the_corpus_covers_the_issue():
    """Every kind of broken input the issue lists has a case (a guard against pruning)."""
    names = " ".join(c.name for c in CASES)
    for kind in ("malformed_zip", "bad_xml", "zip_bomb", "entity_bomb", "no_sheets",
                 "encrypted", "xlsm_renamed", "xls_renamed", "truncated", "utf16", "nul_",
                 "huge_field", "cr_only", "mb_cell", "rows_1048577", "rows_2m", "too_big",
                 "name_too_long", "empty", "binary.txt", "bom_in_middle", "readme_deleted",
                 "readme_renamed", "zero_rows", "formula", "renumbered",
                 "duplicated_row"):  # fmt: skip
        assert kind in names, kind


# --- odd but valid: what the guards must not refuse -------------------------------------------


def test_cr_only_line_ends_read(seed_plan, tmp_path):
    path = tmp_path / "财政局_2023Q1.csv"
    path.write_bytes(progress_csv([[MILESTONE, "推进中", "", "只有 CR 换行"]], newline="\r"))
    pf = read_progress_file(path, plan=seed_plan)
    assert pf.reports["note"].tolist() == ["只有 CR 换行"]


def test_plan_txt_with_cr_only_line_ends_or_utf16_reads(tmp_path):
    plan = read_plan(DEFAULT_PLAN_PATH)
    utf16 = tmp_path / "plan16.txt"
    utf16.write_bytes(SEED.encode("utf-16"))  # Notepad's "Unicode": UTF-16 with a BOM
    assert len(read_plan(utf16).milestones) == len(plan.milestones)
    cr = tmp_path / "plan_cr.txt"
    cr.write_bytes(SEED.replace("\n", "\r").encode("utf-8"))
    assert len(read_plan(cr).milestones) == len(plan.milestones)


def test_seed_and_docx_variant_still_read(base, tmp_path):
    """The plan's own duplicated-looking rows (task 26 over three rows) are not refused."""
    docx = tmp_path / "seed.docx"
    docx.write_bytes(base.docx)
    txt = read_plan(DEFAULT_PLAN_PATH)
    word = read_plan(docx)
    assert len(word.tasks) == len(txt.tasks) == 132
    assert word.tasks.set_index("task_id").loc["T026", "title"].startswith("支持街镇")
    assert word.milestones["milestone_id"].tolist() == txt.milestones["milestone_id"].tolist()


def test_a_1_mb_note_is_a_problem_not_a_crash(seed_plan, base, tmp_path):
    path = tmp_path / "note.xlsx"
    path.write_bytes(_template_edit(_set_cell(vp.COLUMN_HEADERS["note"], "说" * 1_000_000))(base))
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=seed_plan)
    (problem,) = info.value.problems
    assert problem.expected == vp.EXPECTED["note_length"] and len(str(problem)) < 500


def test_permission_denied_is_a_refusal(seed_plan, tmp_path, monkeypatch):
    """Running as root, chmod cannot deny a read: the error is injected where the file opens."""
    csv_path = tmp_path / "财政局_2023Q1.csv"
    csv_path.write_bytes(progress_csv([[MILESTONE, "推进中", "", ""]]))
    plan_path = tmp_path / "plan.txt"
    plan_path.write_text(SEED, encoding="utf-8")
    real_open = open

    def deny(file, *args, **kwargs):
        if str(file) in (str(csv_path), str(plan_path)):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(ValidationError, match="Permission denied") as info:
        read_progress_file(csv_path, plan=seed_plan)
    assert info.value.problems[0].file == str(csv_path)
    with pytest.raises(PlanParseError, match="Permission denied"):
        read_plan(plan_path)


def test_limits_are_configurable_and_named(seed_plan, tmp_path, monkeypatch):
    path = tmp_path / "财政局_2023Q1.csv"
    path.write_bytes(progress_csv([[MILESTONE, "推进中", "", ""], ["T110.02", "推进中", "", ""]]))
    assert len(read_progress_file(path, plan=seed_plan).reports) == 2
    monkeypatch.setenv("TASKANALYTICS_PROGRESS_MAX_ROWS", "1")
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=seed_plan)
    (problem,) = info.value.problems
    assert "at most 1 rows below the header" in problem.expected
    assert "TASKANALYTICS_PROGRESS_MAX_ROWS" in problem.expected
    monkeypatch.setenv("TASKANALYTICS_PROGRESS_MAX_ROWS", "many")
    with pytest.raises(TaskAnalyticsError, match="TASKANALYTICS_PROGRESS_MAX_ROWS"):
        read_progress_file(path, plan=seed_plan)
    monkeypatch.delenv("TASKANALYTICS_PROGRESS_MAX_ROWS")
    from taskanalytics.limits import current_limits

    with pytest.raises(PlanParseError, match="max_file_mb=0.01"):
        read_plan(DEFAULT_PLAN_PATH, limits=current_limits(max_file_mb=0.01))
    with pytest.raises(ValidationError, match="progress_max_rows=1"):
        read_progress_file(path, plan=seed_plan, limits=current_limits(progress_max_rows=1))
    with pytest.raises(TaskAnalyticsError, match="unknown limit"):
        current_limits(max_rows=3)


def test_bombs_are_refused_before_parsing(base, tmp_path, monkeypatch):
    """The bombs never reach openpyxl or python-docx: loading one would fail the test."""
    import docx
    import openpyxl

    def boom(*args, **kwargs):
        raise AssertionError("a bomb reached the parser")

    monkeypatch.setattr(openpyxl, "load_workbook", boom)
    monkeypatch.setattr(docx, "Document", boom)
    bombs = (("a.xlsx", _zip_bomb), ("b.xlsx", _xlsx_entity_bomb), ("c.docx", _docx_entity_bomb),
             ("d.xlsx", _rows_2m), ("e.xlsx", _merge_bomb),
             ("f.docx", _grid_span_bomb))  # fmt: skip
    for name, make in bombs:
        path = tmp_path / name
        path.write_bytes(make(base))
        with pytest.raises(PlanParseError):
            read_plan(path)
