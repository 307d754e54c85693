"""The cells of a progress report (``.xlsx`` template or ``.csv``), read before validation.

:func:`read_cells` takes the file's bytes (already size-checked by
:func:`taskanalytics.limits.read_input`) and returns a :class:`RawFile`: the data sheet's header
and rows, and the 说明 sheet's metadata block (or, for a CSV, the unit and quarter from its
columns or name). It checks what can be checked before validation, and refuses the file with an
:class:`~taskanalytics.errors.InputRefused` (which intake turns into a row-0 problem) when:

- the ``.xlsx`` fails :func:`taskanalytics.plan.readers.office.check_package`: damaged,
  truncated, encrypted, an ``.xls``/``.docx``/``.ods`` renamed, a zip bomb, a DTD (entity
  bomb), a sheet of more than ``progress_max_rows`` rows below the header or
  ``progress_max_columns`` columns, streamed before openpyxl reads anything;
- openpyxl fails on it anyway (whatever it raises);
- the 说明 or 进度填报 sheet is missing (deleted or renamed);
- a CSV is not text (binary, UTF-16 without a BOM, an Office file renamed), has more than
  ``progress_max_rows`` records (counted while reading), or a field over ``max_cell_chars``.
  A control character in a cell is the cell's problem (a note holding one is refused by
  intake, naming its row and column).

A formula cell that has no saved result (a workbook written by a script, never opened in Excel)
reads as an :class:`Uncomputed` value, not as a blank, so intake can name it.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taskanalytics.errors import InputRefused, TaskAnalyticsError
from taskanalytics.limits import Limits, decode_text
from taskanalytics.plan.readers.office import check_package, quietly
from taskanalytics.progress import vocab as vp
from taskanalytics.quarters import Quarter

__all__ = ["RawFile", "Uncomputed", "check_xlsx", "read_cells"]


@dataclass
class RawFile:
    """A progress file's cells before validation.

    ``rows`` are ``(row number in the file, cell values)``; ``meta`` the metadata block by
    English key (:data:`taskanalytics.progress.vocab.META_LABELS`).
    """

    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list[Any]]]
    meta: dict[str, Any] = field(default_factory=dict)
    #: The data sheet's merged ranges (``"M5:M6"``): only their first cell is read.
    merged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell saved without its result: Excel, WPS and LibreOffice save one, a script
    (openpyxl) does not, and reading it as blank would drop what the clerk typed."""

    formula: str
    ref: str

    def __str__(self) -> str:
        return f"{self.formula}（{self.ref}）"


def read_cells(path: Path, data: bytes, limits: Limits) -> RawFile:
    """Read the cells of an ``.xlsx`` template or a ``.csv`` report.

    Raises
    ------
    InputRefused
        The file is refused as a whole (see the module docstring).
    """
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, data, limits)
    return _read_csv(path, data, limits)


# --- xlsx --------------------------------------------------------------------------------

_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")


def check_xlsx(path: Path, data: bytes, limits: Limits) -> None:
    """The guards of :func:`taskanalytics.plan.readers.office.check_package` for a workbook of
    the office's (a report, a 研判 file): rows and columns within the progress limits.

    Raises
    ------
    InputRefused
        Naming the file and the limit.
    """
    check_package(
        path, data, kind="xlsx", limits=limits, max_rows=limits.progress_max_rows,
        max_columns=limits.progress_max_columns, row_limit="progress_max_rows",
        column_limit="progress_max_columns", per_sheet=True, header_rows=1,
    )  # fmt: skip


def _read_xlsx(path: Path, data: bytes, limits: Limits) -> RawFile:
    check_xlsx(path, data, limits)
    try:
        meta, cells = _workbook_cells(path, data)
        formulas = _uncomputed(data) if _has_formulas(data) else {}
    except TaskAnalyticsError:
        raise
    except Exception as err:  # noqa: BLE001 - openpyxl raises anything on a damaged file
        raise InputRefused(
            path, vp.EXPECTED["readable"], f"a damaged workbook ({type(err).__name__}: {err})"
        ) from err
    for (r, c), value in formulas.items():
        if r <= len(cells) and c <= len(cells[r - 1]) and cells[r - 1][c - 1] is None:
            cells[r - 1][c - 1] = value
    header = [str(h).strip() if h is not None else "" for h in (cells[0] if cells else [])]
    rows = [(i, r) for i, r in enumerate(cells[1:], start=2)]
    return RawFile(vp.DATA_SHEET, header, rows, meta, _merged_ranges(data))


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _merged_ranges(data: bytes) -> list[str]:
    """The data sheet's merged ranges, read from its XML (openpyxl's read-only mode, used so a
    large file is streamed, does not report them). The package passed ``check_package``: no
    DTD, sizes bounded."""
    import posixpath
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return []
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rel_id = next(
            (
                el.get(f"{{{_REL_NS}}}id")
                for el in book.iter()
                if el.tag.endswith("}sheet") and el.get("name") == vp.DATA_SHEET
            ),
            None,
        )
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        target = next((el.get("Target") for el in rels if el.get("Id") == rel_id), None)
        if not target:
            return []
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        part = posixpath.normpath(part)
        if part not in names:
            return []
        return [m.decode() for m in _MERGE_RE.findall(zf.read(part))]


def _workbook_cells(path: Path, data: bytes) -> tuple[dict[str, Any], list[list[Any]]]:
    from openpyxl import load_workbook

    wb = quietly(lambda: load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    try:
        missing = [s for s in (vp.README_SHEET, vp.DATA_SHEET) if s not in wb.sheetnames]
        if missing:
            found = "、".join(wb.sheetnames) or "no sheets"
            err = InputRefused(
                path,
                f"{vp.EXPECTED['template']}: sheets {vp.README_SHEET} and {vp.DATA_SHEET}"
                "（请勿删除或重命名模板中的工作表）",
                f"no sheet {'、'.join(missing)} (sheets: {found})",
            )
            err.zh = vp.EXPECTED_ZH["sheets"].format(  # type: ignore[attr-defined]
                missing="」「".join(missing), found="、".join(wb.sheetnames) or "无"
            )
            raise err
        labels = {label: key for key, label in vp.META_LABELS.items()}
        meta: dict[str, Any] = {}
        readme = wb[vp.README_SHEET]
        readme.reset_dimensions()  # a sheet's stated size can lie; rows are as long as they are
        for row in readme.iter_rows(max_col=2, values_only=True):
            if row and isinstance(row[0], str) and row[0].strip() in labels:
                meta[labels[row[0].strip()]] = row[1] if len(row) > 1 else None
        sheet = wb[vp.DATA_SHEET]
        sheet.reset_dimensions()
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        wb.close()
    return meta, cells


def _has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return any(
            _FORMULA_RE.search(zf.read(n))
            for n in zf.namelist()
            if n.startswith("xl/worksheets/") and n.endswith(".xml")
        )


def _uncomputed(data: bytes) -> dict[tuple[int, int], Uncomputed]:
    """(row, column) -> formula, for the data sheet's formula cells: read again without
    cached values, where a formula cell reads as its ``=…`` text."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = quietly(lambda: load_workbook(io.BytesIO(data), read_only=True, data_only=False))
    try:
        sheet = wb[vp.DATA_SHEET]
        sheet.reset_dimensions()
        out = {}
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    out[(r, c)] = Uncomputed(value[:60], f"{get_column_letter(c)}{r}")
    finally:
        wb.close()
    return out


# --- csv ---------------------------------------------------------------------------------


def _read_csv(path: Path, data: bytes, limits: Limits) -> RawFile:
    text = decode_text(path, data, what="a progress report（进度报送文件）")
    reader = csv.reader(io.StringIO(text, newline=""))  # CR, LF and CRLF line ends alike
    lines: list[list[str]] = []
    try:
        for record in reader:
            if len(lines) > limits.progress_max_rows:  # the header and the rows below it
                raise InputRefused(
                    path,
                    f"at most {limits.progress_max_rows:,} rows below the header（行数超出上限）"
                    f"({limits.hint('progress_max_rows')})",
                    f"more than {limits.progress_max_rows:,} rows",
                    line=reader.line_num,
                )
            if len(record) > limits.progress_max_columns:
                raise InputRefused(
                    path,
                    f"at most {limits.progress_max_columns:,} columns（列数超出上限）"
                    f"({limits.hint('progress_max_columns')})",
                    f"{len(record):,} columns", line=reader.line_num,
                )  # fmt: skip
            long = next((v for v in record if len(v) > limits.max_cell_chars), None)
            if long is not None:
                raise InputRefused(
                    path,
                    f"fields of at most {limits.max_cell_chars:,} characters"
                    f"（单元格不超过 {limits.max_cell_chars:,} 字）({limits.hint('max_cell_chars')})",
                    f"a field of {len(long):,} characters", line=reader.line_num,
                )  # fmt: skip
            lines.append(record)
    except csv.Error as err:
        raise InputRefused(
            path,
            f"CSV fields of at most {limits.max_cell_chars:,} characters, quotes closed",
            str(err), line=reader.line_num,
        ) from err  # fmt: skip
    header = [h.strip() for h in lines[0]] if lines else []
    rows = [(i, r) for i, r in enumerate(lines[1:], start=2)]
    meta: dict[str, Any] = {}
    for key, names in (("unit", vp.CSV_UNIT_HEADERS), ("quarter", vp.CSV_QUARTER_HEADERS)):
        idx = next((header.index(n) for n in names if n in header), None)
        if idx is not None:
            found = {r[idx].strip() for _, r in rows if idx < len(r) and r[idx].strip()}
            meta[key] = sorted(found) if len(found) > 1 else (found.pop() if found else None)
    stem_unit, _, stem_quarter = path.stem.rpartition("_")
    try:
        Quarter.parse(stem_quarter)
    except TaskAnalyticsError:
        stem_unit, stem_quarter = path.stem, None
    if meta.get("unit") is None:
        meta["unit"] = stem_unit
    if meta.get("quarter") is None:
        meta["quarter"] = stem_quarter
    return RawFile(None, header, rows, meta)
