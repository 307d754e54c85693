"""The full list of a refused file's problems, as a workbook the clerk can open.

A :class:`~taskanalytics.errors.ValidationError` lists the first 50 problems in its message;
``problems`` keeps all of them. :func:`write_problems_xlsx` writes them all, one row each, under
Chinese headers (文件, 工作表, 行, 列, 填写内容, 要求, and 说明: the problem as one Chinese
sentence, :meth:`~taskanalytics.errors.RowProblem.zh`), atomically: to a temporary file in the
same folder, then renamed over the target, so a reader never sees half a workbook and an old
list is replaced whole.

Where to write it: next to the refused file, as ``<file name>.问题清单.xlsx`` (see
:func:`problems_path`), so the clerk who sent the file finds the list beside it; when the inbox
is read-only, next to the store's archive. Values are written as text that no spreadsheet runs
as a formula (:mod:`taskanalytics.schema.cells`), with control characters made visible.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from taskanalytics.errors import ExportError, RowProblem
from taskanalytics.progress import vocab as vp

__all__ = ["problems_path", "write_problems_xlsx"]

#: Longest text written into a cell (Excel's limit).
_CELL_MAX = 32_767


def problems_path(source: str | Path, folder: str | Path | None = None) -> Path:
    """Where the problems of ``source`` go: ``<folder or source's folder>/<name>.问题清单.xlsx``.

    Examples
    --------
    >>> problems_path("inbox/财政局_2023Q1.xlsx").as_posix()
    'inbox/财政局_2023Q1.xlsx.问题清单.xlsx'
    """
    source = Path(source)
    return Path(folder or source.parent) / f"{source.name}.{vp.PROBLEM_SHEET}.xlsx"


def write_problems_xlsx(problems: Iterable[RowProblem], path: str | Path) -> Path:
    """Write problems to an ``.xlsx``, one row each, atomically (temporary file, then rename).

    Parameters
    ----------
    problems
        The problems, e.g. ``ValidationError.problems`` (all of them, not only the 50 of the
        message).
    path
        The workbook to write; its folder must exist. An existing file is replaced.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ExportError
        If the folder does not exist or cannot be written; no partial file is left.

    Examples
    --------
    >>> try:  # doctest: +SKIP
    ...     ingest_files(files, plan=plan, store=store)
    ... except ValidationError as err:
    ...     write_problems_xlsx(err.problems, problems_path(files[0]))
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from taskanalytics.schema.cells import neutralise_sheet, strip_illegal_chars

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = vp.PROBLEM_SHEET
    ws.append(list(vp.PROBLEM_HEADERS.values()))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for p in problems:
        row = p.row if p.row > 0 else vp.WHOLE_FILE
        values = [
            Path(p.file).name, p.sheet or "", row, p.column, _text(p.value), p.expected, p.zh(),
        ]  # fmt: skip
        ws.append([strip_illegal_chars(v) for v in values])
    neutralise_sheet(ws)  # a clerk's "=cmd|…" stays text
    for letter, width in zip("ABCDEFG", (28, 10, 10, 22, 30, 60, 70), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    _save_atomically(wb, path)
    return path


def _text(value: object) -> object:
    """A found value as a cell: numbers and dates as they are, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # an .xlsx cannot hold inf or nan as a number
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)[:_CELL_MAX]


def _save_atomically(wb: object, path: Path) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise ExportError(f"{path}: cannot write the problems workbook: {err.strerror}") from err
    try:
        with os.fdopen(fd, "wb") as fh:
            wb.save(fh)  # type: ignore[attr-defined]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(f"{path}: cannot write the problems workbook: {err.strerror}") from err
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
