"""Cell values safe to hand to a spreadsheet: no formula injection, no characters Excel refuses.

Every ``.xlsx`` and ``.csv`` the package writes for people goes through this module, so the rule
for what a spreadsheet might run as a formula is written once (OWASP, "CSV Injection"): a text
whose first character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, or whose first
character after leading whitespace is one of the first four. Such texts come from people the
reader of the file does not control: a plan author (task titles, unit and leader names), a unit
clerk (notes), the explorer's filters. A cell ``=cmd|' /C calc'!A0`` would otherwise be a live
formula (DDE) in the explorer's export, and ``=HYPERLINK(...)`` a link that leaks data.

Two forms, one rule (:func:`looks_like_formula`):

- **CSV** (:func:`neutralise_formula`, :func:`neutralise_frame`): the text gets a leading single
  quote, ``'=cmd…``. A CSV has no types, so a visible marker is the only defence that holds in
  every program that opens it (Excel, WPS, LibreOffice, Google Sheets).
- **xlsx** (:func:`neutralise_sheet`): the cell is typed as text (never a formula) and carries
  Excel's *quote prefix* style, the typed form of that leading quote. The text stays exactly what
  the plan or the clerk wrote (the 说明 sheet of a template is read back by the intake, and a
  title ``-2+3`` should read ``-2+3``), no spreadsheet evaluates a text cell, and the quote
  prefix keeps it text when someone edits the cell (F2, Enter) instead of turning it into a
  formula then.

Numbers stay numbers: ``-2`` stored as a number is not text and is never changed. The package
itself writes no formulas into cells (data-validation rules are not cells), so a formula cell in
a finished sheet can only have come from a text that openpyxl took for one.

Examples
--------
>>> looks_like_formula("=1+1"), looks_like_formula("  @SUM(A1)"), looks_like_formula("财政局")
(True, True, False)
>>> neutralise_formula("-2+3"), neutralise_formula(-2), neutralise_formula("2-3")
("'-2+3", -2, '2-3')
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import pandas as pd

__all__ = [
    "FORMULA_TRIGGERS",
    "REPLACEMENT",
    "looks_like_formula",
    "neutralise_formula",
    "neutralise_frame",
    "neutralise_sheet",
    "strip_illegal_chars",
    "strip_illegal_frame",
]

#: First characters that make a spreadsheet read a text as a formula (OWASP's list). The first
#: four also count after leading whitespace: some importers trim it before they look.
FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_AFTER_SPACE = frozenset("=+-@")
#: Control characters XML 1.0 (so an .xlsx) cannot hold; openpyxl raises on them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: What an illegal character becomes: visible, so a reader sees that something was there.
REPLACEMENT = "\ufffd"

T = TypeVar("T")


def looks_like_formula(value: object) -> bool:
    """Return True if a spreadsheet could take ``value`` for a formula.

    Only text can: a string starting with one of :data:`FORMULA_TRIGGERS`, or with ``=``,
    ``+``, ``-`` or ``@`` after leading whitespace (spaces, the ideographic space, line breaks).

    Examples
    --------
    >>> [looks_like_formula(v) for v in ("=A1", "+1", "\\t1", " -2", "a=b", -2, None)]
    [True, True, True, True, False, False, False]
    """
    if not isinstance(value, str) or not value:
        return False
    return value[0] in FORMULA_TRIGGERS or value.lstrip()[:1] in _AFTER_SPACE


def neutralise_formula(value: T) -> T | str:
    """Return a CSV cell value that no spreadsheet runs: ``'`` before a formula-like text.

    Parameters
    ----------
    value
        Any cell value; only text that :func:`looks_like_formula` is changed.

    Returns
    -------
    object
        ``"'" + value`` for such a text, else ``value`` itself (numbers, dates, None, safe text).

    Examples
    --------
    >>> neutralise_formula("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    """
    return "'" + value if looks_like_formula(value) else value  # type: ignore[operator]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` ready for a CSV: :func:`neutralise_formula` on every cell.

    Column names are treated the same (a header can be a unit's name). Numeric, boolean and
    datetime columns are not touched; the input is not modified.

    Examples
    --------
    >>> neutralise_frame(pd.DataFrame({"note": ["=1+1", "ok"], "n": [-2, 3]})).to_dict("list")
    {'note': ["'=1+1", 'ok'], 'n': [-2, 3]}
    """
    return _map_text(frame, neutralise_formula)


def neutralise_sheet(worksheet: Any) -> int:
    """Make every formula-like text of an openpyxl worksheet a quote-prefixed text cell.

    Call it when the sheet is filled, before the workbook is saved. A cell openpyxl typed as a
    formula because its text starts with ``=`` becomes text again; every text cell that
    :func:`looks_like_formula` gets Excel's ``quotePrefix`` style. Values are not changed.

    Parameters
    ----------
    worksheet
        An ``openpyxl`` worksheet (duck-typed, so this module does not import openpyxl).

    Returns
    -------
    int
        The number of cells marked.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> ws.append(["=cmd|' /C calc'!A0", "+1", -2, "财政局"])
    >>> neutralise_sheet(ws), ws["A1"].data_type, ws["A1"].quotePrefix, ws["C1"].value
    (2, 's', True, -2)
    """
    marked = 0
    for row in worksheet.iter_rows():
        for cell in row:
            value = cell.value
            if not looks_like_formula(value):  # a formula cell's value is its "=..." text
                continue
            cell.data_type = "s"
            cell.quotePrefix = True
            marked += 1
    return marked


def strip_illegal_chars(value: T) -> T | str:
    """Return ``value`` with the control characters an ``.xlsx`` cannot hold replaced by U+FFFD.

    NUL and the other C0 controls except tab, line feed and carriage return make openpyxl raise
    (and cannot be stored in the file's XML); the replacement character shows the reader that
    something was there. Anything but text is returned as is.

    Examples
    --------
    >>> strip_illegal_chars("财政\\x00局") == "财政\\ufffd局"
    True
    """
    if isinstance(value, str) and _ILLEGAL.search(value):
        return _ILLEGAL.sub(REPLACEMENT, value)
    return value


def strip_illegal_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text an ``.xlsx`` can hold (:func:`strip_illegal_chars`).

    For frames written with ``DataFrame.to_excel``, which would raise on the first NUL; column
    names too. The input is not modified.
    """
    return _map_text(frame, strip_illegal_chars)


def _map_text(frame: pd.DataFrame, fix: Any) -> pd.DataFrame:
    """A copy with ``fix`` applied to every cell of the text columns and to every header."""
    out = frame.copy()
    for i in range(out.shape[1]):  # by position: headers may repeat
        column = out.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            out.isetitem(i, column.map(fix))
    out.columns = [fix(c) for c in out.columns]
    return out
