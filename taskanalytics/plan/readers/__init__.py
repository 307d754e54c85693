"""Reading the plan's sources into tables of raw rows: ``.txt``, ``.docx``, ``.xlsx``, ``.csv``.

Every reader returns a :class:`Source`: the letter's metadata and :class:`~taskanalytics.plan.readers.text.Table`
objects of :class:`~taskanalytics.plan.readers.text.RawRow`; :mod:`taskanalytics.plan.build` is the one place that interprets rows.

- ``.txt``: :mod:`taskanalytics.plan.readers.plaintext` tells the seed's text export
  (:mod:`taskanalytics.plan.readers.text`), another table's tab-cell export (any known
  header) and prose (:mod:`taskanalytics.plan.readers.prose`) apart;
- prose (numbered paragraphs with a bracketed 责任领导/牵头单位/完成时限 block), in a ``.txt``
  without tab cells or a ``.docx`` without tables: :mod:`taskanalytics.plan.readers.prose`;
- ``.docx``: python-docx's XML objects; vertical (``w:vMerge``) and horizontal
  (``w:gridSpan``) merges are read from the document, so a merged cell is filled from its
  anchor and a blank cell is really empty; a Word table without a header row, or repeating the
  previous table's header, continues that table (a table split at a page break);
- ``.xlsx``: openpyxl, merged ranges filled from their anchor cell; every sheet with a header
  row is a table;
- ``.csv``: UTF-8 (with or without BOM) or GB18030; merges are lost, as in the text export.

Tables read from grids find their header row (the row with the most known headers) by the
synonym table :data:`taskanalytics.plan.vocab.HEADER_SYNONYMS`; ``mapping=`` adds or overrides
headers. Columns of progress and remarks, and unknown columns beside a known task column, are
kept aside in ``RawRow.extra``; an unknown header naming units, leaders or times, or any
unknown header when the task column is missing, is an error listing all of them at once.
Every reader gives a table's title (the text above it: a title paragraph, a title row, the
sheet name) as ``Table.title``, so a 民生实事 table is ``livelihood`` in every format.

Before any reader parses, the file passes the guards of :mod:`taskanalytics.limits` (size,
type, zip structure, DTDs, rows and columns, encoding, control characters, cell length); a
refusal, like every other failure of a reader, is a :class:`~taskanalytics.errors.PlanParseError`
naming the file.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Mapping
from pathlib import Path

from taskanalytics.errors import InputRefused, PlanParseError
from taskanalytics.limits import Limits, current_limits, read_input
from taskanalytics.plan.readers.grid import header_key
from taskanalytics.plan.readers.plaintext import read_txt
from taskanalytics.plan.readers.sheets import read_csv, read_xlsx
from taskanalytics.plan.readers.text import Source
from taskanalytics.plan.readers.word import read_docx

__all__ = ["SUFFIXES", "Source", "header_key", "read_source"]

#: File types ``read_plan`` reads.
SUFFIXES = (".txt", ".docx", ".xlsx", ".xlsm", ".csv")


def read_source(
    path: Path,
    *,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Source:
    """Read a plan document of any supported type into metadata and raw tables.

    Parameters
    ----------
    path
        ``.txt`` (the text export), ``.docx``, ``.xlsx``/``.xlsm`` or ``.csv``.
    mapping
        Extra or overriding headers: header as printed -> contract column (``task``,
        ``milestones``, ``deadline``, ``lead_units``, …, ``extra`` to keep it aside) or None to
        skip the column; used by every reader except the seed's own export, whose header is
        fixed.
    limits
        The input limits; default :func:`taskanalytics.limits.current_limits`.

    Returns
    -------
    Source

    Raises
    ------
    PlanParseError
        Unsupported file type, unreadable file, a file refused by a limit or guard of
        :mod:`taskanalytics.limits`, no task table, a header the reader cannot map.
    """
    readers: dict[str, Callable[..., Source]] = {
        ".txt": read_txt,
        ".docx": read_docx,
        ".xlsx": read_xlsx,
        ".xlsm": read_xlsx,
        ".csv": read_csv,
    }
    reader = readers.get(path.suffix.lower())
    if reader is None:
        legacy = {".doc": ".docx", ".xls": ".xlsx", ".wps": ".docx", ".et": ".xlsx"}
        hint = legacy.get(path.suffix.lower())
        expected = "a file of type " + ", ".join(SUFFIXES)
        if hint:
            expected += f" (save the {path.suffix} file as {hint} in Word, WPS or LibreOffice)"
        raise PlanParseError(path, None, expected, path.suffix)
    limits = limits or current_limits()
    try:
        data = read_input(path, limits)
        source = reader(path, data, mapping=mapping, limits=limits)
    except InputRefused as err:
        raise PlanParseError(path, err.line, err.expected, err.found) from err
    return dataclasses.replace(source, sha256=hashlib.sha256(data).hexdigest())
