"""Office Open XML packages (``.xlsx``, ``.docx``), checked before a parser opens them.

:func:`check_package` is what the plan readers and progress intake call on the bytes of an
``.xlsx``/``.docx`` (after :func:`taskanalytics.limits.read_input`) before openpyxl or
python-docx sees them: a complete zip of the right Office type (an encrypted or legacy OLE file,
a Word document renamed ``.xlsx``, an ``.ods`` are named as such), with at most
``max_zip_members`` parts and ``max_unzipped_mb`` uncompressed (sizes from the zip's directory,
which :mod:`zipfile` enforces while decompressing), no XML part with a DTD (``<!DOCTYPE``: the
only way to declare entities, so no entity bomb and no external entity reaches a parser), and
worksheets or Word tables within the row and column limits, counted by streaming the XML
through expat and stopping at the first row over the limit (a 2,000,000-row sheet is refused
after reading 20,001 rows, in a tenth of a second).

Why refuse DTDs here, when the parsers are careful already: python-docx parses with lxml and
``resolve_entities=False``; openpyxl parses small parts with lxml (``resolve_entities=False``)
but worksheets with the standard library's ``iterparse``, which is defusedxml's (refusing
entities) only when defusedxml happens to be installed, and otherwise expat, whose amplification
guard only starts after 8 MB of output. Refusing every DTD here does not depend on which of
these is installed; Office never writes a DTD.

Also refused because openpyxl would build them position by position: merged ranges and cells
beyond the column limit (``A1:XFD1048576`` is 17 billion objects) and, for Word, ``gridSpan``
and ``tblGrid`` widths over it. A worksheet's ``<dimension>`` is not trusted: readers in
read-only mode call ``reset_dimensions()``.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar
from xml.parsers import expat

from taskanalytics.errors import InputRefused
from taskanalytics.limits import MB, Limits, describe_bytes

T = TypeVar("T")

__all__ = ["check_package", "quietly"]

_NAMES = {
    "xlsx": "an Excel .xlsx workbook（Excel 工作簿）",
    "docx": "a Word .docx document（Word 文档）",
}
_SAVE_AS = {
    "xlsx": "（请在 Excel 或 WPS 中另存为 .xlsx 格式）",
    "docx": "（请在 Word 或 WPS 中另存为 .docx 格式）",
}


def check_package(
    path: Path,
    data: bytes,
    *,
    kind: str,
    limits: Limits,
    max_rows: int,
    max_columns: int,
    row_limit: str,
    column_limit: str,
    per_sheet: bool = False,
    header_rows: int = 0,
) -> None:
    """Check an ``.xlsx`` (``kind="xlsx"``) or ``.docx`` (``kind="docx"``) before parsing it.

    ``max_rows`` bounds the rows of all worksheets together (``.xlsx``; of each one with
    ``per_sheet``), not counting ``header_rows`` a sheet, or all table rows (``.docx``);
    ``row_limit`` and ``column_limit`` are the names of the limits, for the message.

    Raises
    ------
    InputRefused
        Naming what the file is instead, or the limit it exceeds.
    """
    name = _NAMES[kind]
    if not data.startswith(b"PK"):
        found = describe_bytes(data) or f"not a zip package (starts with {data[:8]!r})"
        expected = name + (_SAVE_AS[kind] if "97-2003" in found else "")
        if "password" in found:
            expected = f"{name} without a password（请取消文件密码后重新保存）"
        raise InputRefused(path, expected, found)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as err:
        raise InputRefused(path, f"{name}, complete and undamaged", _damaged(err)) from err
    with zf:
        _check_members(path, zf, infos, kind, limits)
        sheets = _sheet_parts(zf, kind)
        bounds = _Bounds(max_rows, header_rows, max_columns, row_limit, column_limit)
        seen = 0
        for member, label in sheets:
            try:
                with zf.open(member) as raw:
                    rows = _scan(path, raw, kind, label, 0 if per_sheet else seen, bounds, limits)
                seen += rows - header_rows
            except InputRefused:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
                raise InputRefused(path, f"{name}, complete and undamaged", _damaged(err)) from err


def _damaged(err: BaseException) -> str:
    return f"a damaged or truncated file ({type(err).__name__}: {err})"


def _check_members(
    path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: str, limits: Limits
) -> None:
    name = _NAMES[kind]
    if len(infos) > limits.max_zip_members:
        raise InputRefused(
            path,
            f"{name} of at most {limits.max_zip_members:,} parts "
            f"({limits.hint('max_zip_members')})",
            f"{len(infos):,} parts",
        )  # fmt: skip
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_mb * MB:
        raise InputRefused(
            path,
            f"{name} of at most {limits.max_unzipped_mb:g} MB uncompressed "
            f"({limits.hint('max_unzipped_mb')})",
            f"{total / MB:,.1f} MB uncompressed (a zip bomb?)",
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise InputRefused(path, f"{name} without a password", "an encrypted zip")
    names = {i.filename for i in infos}
    other = _other_kind(zf, names, kind)
    if other:
        raise InputRefused(path, name + _SAVE_AS[kind], other)
    if "[Content_Types].xml" not in names:
        raise InputRefused(path, name, "a zip file that is not an Office document")
    main = "xl/workbook.xml" if kind == "xlsx" else "word/document.xml"
    if main not in names:
        raise InputRefused(path, name, f"an Office package without {main}")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputRefused(path, name, f"a part compressed with method {info.compress_type}")
        try:
            with zf.open(info) as raw:
                head = raw.read(64 * 1024)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as err:
            raise InputRefused(path, f"{name}, complete and undamaged", _damaged(err)) from err
        _check_prolog(path, info.filename, head, name)


def _other_kind(zf: zipfile.ZipFile, names: set[str], kind: str) -> str | None:
    if kind == "xlsx" and "word/document.xml" in names:
        return "a Word document renamed .xlsx"
    if kind == "docx" and "xl/workbook.xml" in names:
        return "an Excel workbook renamed .docx"
    if "mimetype" in names:
        try:
            mime = zf.read("mimetype")[:100].decode("ascii", "replace")
        except Exception:  # noqa: BLE001 - a damaged mimetype part is just not ODF
            return None
        if "opendocument" in mime:
            return f"an OpenDocument file ({mime.rsplit('.', 1)[-1]}) renamed"
    return None


@dataclass(frozen=True)
class _Bounds:
    """The row and column limits of one check, and the limits' names for the message."""

    rows: int
    header_rows: int
    columns: int
    row_limit: str
    column_limit: str


def _check_prolog(path: Path, member: str, head: bytes, name: str) -> None:
    """Refuse a part that declares a DTD (it must do so before its root element); parts that
    are not XML are not looked at."""
    text = head.lstrip(b" \t\r\n\xef\xbb\xbf")
    if not (text.startswith(b"<") or head[:2] in (b"\xff\xfe", b"\xfe\xff")):
        return
    parser = _parser(path, member, name)
    seen = []
    parser.StartElementHandler = lambda *_: seen.append(True)  # the root: the prolog is over
    final = len(head) < 64 * 1024
    try:
        parser.Parse(head, final)
    except expat.ExpatError:
        return  # malformed XML is the parser's to report, with its own message
    if not seen:
        raise InputRefused(path, name, f"part {member} with no element in its first 64 KB")


def _parser(path: Path, member: str, name: str) -> Any:
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(*_: Any) -> None:
        raise InputRefused(
            path, f"{name} without a DTD", f"<!DOCTYPE> in part {member} (an XML entity bomb?)"
        )

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _sheet_parts(zf: zipfile.ZipFile, kind: str) -> list[tuple[str, str]]:
    """(part, label) of the parts whose rows are counted: worksheets by sheet name, or the
    Word document body."""
    if kind == "docx":
        return [("word/document.xml", "the document's tables")]
    names = sorted(
        n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
    )
    titles = _sheet_titles(zf)
    return [(n, f"sheet {titles[n]}" if n in titles else n) for n in names]


def _sheet_titles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, read from the workbook and its relationships (no DTD:
    checked before); {} when they cannot be read."""
    import xml.etree.ElementTree as ET

    try:
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        book = ET.fromstring(zf.read("xl/workbook.xml"))
    except Exception:  # noqa: BLE001 - only for nicer messages; the reader reports bad XML
        return {}
    target = {
        r.get("Id"): "xl/" + (r.get("Target") or "").lstrip("/").removeprefix("xl/") for r in rels
    }
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet"):
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            if rid in target:
                out[target[rid]] = str(el.get("name"))
    return out


_COLUMN_RE = re.compile(r"^([A-Za-z]{1,4})(\d+)$")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _scan(
    path: Path,
    raw: IO[bytes],
    kind: str,
    label: str,
    offset: int,
    bounds: _Bounds,
    limits: Limits,
) -> int:
    """Stream a worksheet or the Word body through expat, counting rows and columns; refuse
    at the first one over the limit (``offset`` rows were counted in sheets before). Returns
    the rows counted."""
    name = _NAMES[kind]
    parser = _parser(path, label, name)
    state = {"rows": 0, "last": 0}
    widths: list[int] = []  # Word: cells of each open table row (tables nest)
    max_rows = bounds.rows + bounds.header_rows - offset
    max_columns = bounds.columns

    def too_many_rows(n: int) -> None:
        below = " below the header" if bounds.header_rows else ""
        total = " in all sheets together" if offset else ""
        raise InputRefused(
            path,
            f"at most {bounds.rows:,} rows{below}{total}（行数超出上限）({limits.hint(bounds.row_limit)})",
            f"{label}: more than {bounds.rows:,} rows (row {n:,} reached while reading)",
        )

    def too_wide(n: int) -> None:
        raise InputRefused(
            path,
            f"at most {max_columns:,} columns（列数超出上限）({limits.hint(bounds.column_limit)})",
            f"{label}: {n:,} columns",
        )

    def number(value: str | None) -> int:
        try:
            return int(value or 1)
        except ValueError:
            return 1  # the parser will complain about it, with its own message

    def sheet_start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        if local == "row":
            r = attrs.get("r")
            state["last"] = number(r) if r else state["last"] + 1
            state["rows"] = max(state["rows"], state["last"])
            if state["rows"] > max_rows:
                too_many_rows(state["rows"])
        elif local == "c":
            m = _COLUMN_RE.match(attrs.get("r", ""))
            if m:
                col, row = _column_number(m.group(1)), int(m.group(2))
                if col > max_columns:
                    too_wide(col)
                if row > max_rows:
                    too_many_rows(row)
                state["rows"] = max(state["rows"], row)
        elif local == "mergeCell":
            # openpyxl makes one object per merged position: A1:XFD1048576 is 17 billion
            for ref in attrs.get("ref", "").split(":"):
                m = _COLUMN_RE.match(ref.replace("$", ""))
                if m and _column_number(m.group(1)) > max_columns:
                    too_wide(_column_number(m.group(1)))
                if m and int(m.group(2)) > max_rows:
                    too_many_rows(int(m.group(2)))

    def word_start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        val = next((v for k, v in attrs.items() if k.rpartition(" ")[2] == "val"), None)
        if local == "tr":
            state["rows"] += 1
            if state["rows"] > max_rows:
                too_many_rows(state["rows"])
            widths.append(0)
        elif local == "tc" and widths:
            widths[-1] += 1
        elif local in ("gridSpan", "gridBefore", "gridAfter") and widths:
            widths[-1] += number(val) - (1 if local == "gridSpan" else 0)
        elif local == "tblGrid":
            widths.append(0)
        elif local == "gridCol" and widths:
            widths[-1] += 1
        if widths and widths[-1] > max_columns:
            too_wide(widths[-1])

    def word_end(tag: str) -> None:
        if tag.rpartition(" ")[2] in ("tr", "tblGrid") and widths:
            widths.pop()

    if kind == "docx":
        parser.StartElementHandler = word_start
        parser.EndElementHandler = word_end
    else:
        parser.StartElementHandler = sheet_start
    try:
        for chunk in _chunks(raw):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        pass  # malformed XML: the reader's parser reports it
    return state["rows"]


def _chunks(raw: IO[bytes], size: int = 1024 * 1024) -> Iterator[bytes]:
    while chunk := raw.read(size):
        yield chunk


def quietly(load: Callable[[], T]) -> T:
    """Run an openpyxl load without its UserWarnings (defined names it cannot place, extensions
    it does not support): notes about odd workbooks that are nobody's business on stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return load()
