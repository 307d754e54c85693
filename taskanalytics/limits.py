"""Input limits, and the guards that apply them before a reader parses anything.

Plans and progress reports come from outside: a unit's clerk, a plan author, a scanner, an
attacker. Before a reader hands a file to csv, openpyxl or python-docx, what can be checked
cheaply is checked, so that a hostile or broken file is refused in well under a second with a
message naming the file, the limit and how to change it, instead of exhausting memory or time
inside a third-party parser:

- :func:`read_input`: a regular file (not a directory, pipe or device), at most
  ``max_file_mb``, size checked before reading, read once (the bytes are then parsed from
  memory); an ``OSError`` (missing, permission, name too long) is a refusal too;
- :func:`decode_text` and :func:`check_text`: UTF-16 (with a BOM), UTF-8 or GB18030 text, not
  an Office file, PDF or UTF-16 without a BOM under a text name, without NUL or other control
  characters, within a line limit;
- :func:`cell_problem`: a cell of at most ``max_cell_chars`` characters (Excel's own limit)
  without control characters;
- :func:`taskanalytics.plan.readers.office.check_package`: an ``.xlsx``/``.docx`` is a
  complete zip of the right type, not a zip or entity bomb, within the row and column limits.

The limits are a :class:`Limits`; :func:`current_limits` is the defaults with environment
overrides (``TASKANALYTICS_<FIELD>``, e.g. ``TASKANALYTICS_PROGRESS_MAX_ROWS=8000``), and
``read_plan`` and ``read_progress_file`` take ``limits=`` for a one-off. A guard raises
:class:`~taskanalytics.errors.InputRefused`; the plan readers turn it into a
:class:`~taskanalytics.errors.PlanParseError`, intake into a
:class:`~taskanalytics.errors.ValidationError` (one problem, row 0, column ``<file>``).

=====================  ========  ===================================================
limit                  default   what it bounds
=====================  ========  ===================================================
max_file_mb            20        any input file, checked before reading
max_unzipped_mb        50        an .xlsx/.docx's parts together, uncompressed
max_zip_members        2,000     parts of an .xlsx/.docx (a template has 12)
max_cell_chars         32,767    a cell or CSV field (Excel's own limit)
plan_max_rows          20,000    a plan's table rows (.xlsx all sheets, .csv, .docx)
plan_max_lines         200,000   lines of a plan's .txt export (the seed has 1,881)
plan_max_columns       64        a plan table's columns
progress_max_rows      5,000     a progress report's rows below the header
progress_max_columns   200       a progress report's columns
=====================  ========  ===================================================
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from taskanalytics.errors import InputRefused, TaskAnalyticsError

__all__ = [
    "ENV_PREFIX",
    "Limits",
    "binary_kind",
    "cell_problem",
    "check_text",
    "current_limits",
    "decode_text",
    "describe_bytes",
    "read_input",
]

MB = 1024 * 1024

#: Environment variables overriding a limit: ``TASKANALYTICS_`` + the field's name in capitals.
ENV_PREFIX = "TASKANALYTICS_"


@dataclass(frozen=True)
class Limits:
    """What an input file may be; every limit is stated in the error that enforces it.

    Attributes
    ----------
    max_file_mb
        Largest file read, in MB, checked before reading (the bundled plan is 0.08 MB).
    max_unzipped_mb
        Largest total uncompressed size of an ``.xlsx``/``.docx``, in MB (zip bombs).
    max_zip_members
        Most parts in an ``.xlsx``/``.docx`` (a template has 12).
    max_cell_chars
        Longest cell, in characters: Excel's own limit, so no real workbook exceeds it; it also
        bounds CSV fields (below the csv module's 131,072) and a plan's text cells.
    plan_max_rows
        Most table rows of a plan (``.xlsx`` rows of all sheets, ``.csv`` records, ``.docx``
        table rows); the bundled plan has 138 as a Word document.
    plan_max_lines
        Most lines of a plan's ``.txt`` export (the bundled one has 1,881).
    plan_max_columns
        Most columns of a plan's table.
    progress_max_rows
        Most data rows of a progress report (below the header; the busiest unit has 64).
    progress_max_columns
        Most columns of a progress report.
    """

    max_file_mb: float = 20
    max_unzipped_mb: float = 50
    max_zip_members: int = 2_000
    max_cell_chars: int = 32_767
    plan_max_rows: int = 20_000
    plan_max_lines: int = 200_000
    plan_max_columns: int = 64
    progress_max_rows: int = 5_000
    progress_max_columns: int = 200

    def hint(self, name: str) -> str:
        """How a limit is named in a message: ``limit plan_max_rows=20000, set
        TASKANALYTICS_PLAN_MAX_ROWS to change it``."""
        value = getattr(self, name)
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        return f"limit {name}={shown}; set {ENV_PREFIX}{name.upper()} to change it"


def current_limits(**overrides: Any) -> Limits:
    """The limits in force: the defaults, then ``TASKANALYTICS_<FIELD>`` variables, then
    ``overrides``.

    Raises
    ------
    TaskAnalyticsError
        If a variable or override is not a positive number.

    Examples
    --------
    >>> current_limits(progress_max_rows=10).progress_max_rows
    10
    """
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Limits):
        kind = float if f.type in ("float", float) else int
        raw = os.environ.get(ENV_PREFIX + f.name.upper())
        if raw is not None:
            values[f.name] = _positive(kind, raw, ENV_PREFIX + f.name.upper())
        if f.name in overrides:
            values[f.name] = _positive(kind, overrides.pop(f.name), f.name)
    if overrides:
        raise TaskAnalyticsError(
            f"unknown limit(s) {', '.join(sorted(overrides))}; "
            f"accepted: {', '.join(f.name for f in dataclasses.fields(Limits))}"
        )
    return Limits(**values)


def _positive(kind: type, raw: object, name: str) -> Any:
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(raw, bool) or not 0 < value < float("inf"):
        raise TaskAnalyticsError(f"{name}: expected a positive number, found {raw!r}")
    return value


# --- the file itself ---------------------------------------------------------------------

_KINDS = {
    stat.S_ISDIR: "a directory",
    stat.S_ISFIFO: "a named pipe",
    stat.S_ISCHR: "a device",
    stat.S_ISBLK: "a device",
    stat.S_ISSOCK: "a socket",
}


def read_input(path: Path, limits: Limits) -> bytes:
    """The bytes of a regular file of at most ``limits.max_file_mb``, size checked first.

    Raises
    ------
    InputRefused
        The file cannot be read (missing, permission, name too long), is not a regular file,
        or is too large.
    """
    try:
        st = os.stat(path)
    except OSError as err:
        raise InputRefused(path, "a readable file", _os_reason(err)) from err
    if not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KINDS.items() if test(st.st_mode)), "not a regular file")
        raise InputRefused(path, "a regular file", kind)
    cap = int(limits.max_file_mb * MB)
    too_big = InputRefused(
        path, f"a file of at most {limits.max_file_mb:g} MB ({limits.hint('max_file_mb')})",
        f"{st.st_size / MB:.1f} MB",
    )  # fmt: skip
    if st.st_size > cap:
        raise too_big
    try:
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)  # the file may have grown since stat
    except OSError as err:
        raise InputRefused(path, "a readable file", _os_reason(err)) from err
    if len(data) > cap:
        raise too_big
    return data


def _os_reason(err: OSError) -> str:
    return f"{err.strerror or type(err).__name__} (errno {err.errno})"


# --- text --------------------------------------------------------------------------------

#: Characters no text cell may hold: C0 controls but tab, newline and carriage return (the
#: ones openpyxl refuses to write, plus NUL). A NUL usually means UTF-16 without a BOM or a
#: binary file.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def decode_text(path: Path, data: bytes, *, what: str) -> str:
    """Text of a ``.txt``/``.csv`` file: UTF-16 when it starts with a BOM, else UTF-8 (BOM
    optional), else GB18030 (as saved by Chinese Windows and Excel).

    Raises
    ------
    InputRefused
        An empty file, or bytes in none of these encodings.
    """
    if not data.strip():
        raise InputRefused(path, what, "an empty file")
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()
    expected = f"{what} as text in UTF-8 or GB18030（文本文件，UTF-8 或 GB18030 编码）"
    looks = binary_kind(data)
    if not encodings and looks is not None:  # an Office file, a PDF, UTF-16 without a BOM …
        raise InputRefused(path, expected, looks)
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not text.strip("\ufeff \t\r\n\u3000"):
            raise InputRefused(path, what, "an empty file (blank lines only)")
        return text
    raise InputRefused(path, expected, "undecodable bytes")


def check_text(
    path: Path,
    text: str,
    *,
    limits: Limits,
    max_lines: int | None = None,
    limit: str = "plan_max_lines",
) -> None:
    """Refuse text with NUL or control characters, or more than ``max_lines`` lines (the limit
    named ``limit``).

    Raises
    ------
    InputRefused
        Naming the line of the first control character, or the line limit.
    """
    if max_lines is not None and text.count("\n") + 1 > max_lines:
        raise InputRefused(
            path, f"at most {max_lines:,} lines ({limits.hint(limit)})",
            f"more than {max_lines:,} lines", line=max_lines + 1,
        )  # fmt: skip
    bad = CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputRefused(path, _CONTROL_EXPECTED, _control_found(bad.group()), line=line)


_CONTROL_EXPECTED = (
    "text without NUL or control characters (a binary file, or text saved as UTF-16 without "
    "a byte-order mark?)（含有不可见的控制字符，请删除后重新保存）"
)


def _control_found(char: str) -> str:
    return f"U+{ord(char):04X}"


def cell_problem(text: str, limits: Limits) -> tuple[str, str] | None:
    """``(expected, found)`` when a cell's text is too long or holds a control character,
    else None."""
    if len(text) > limits.max_cell_chars:
        return (
            f"a cell of at most {limits.max_cell_chars:,} characters, Excel's limit "
            f"({limits.hint('max_cell_chars')})（单元格不超过 {limits.max_cell_chars:,} 字）",
            f"{len(text):,} characters",
        )
    bad = CONTROL_RE.search(text)
    if bad:
        return _CONTROL_EXPECTED, _control_found(bad.group())
    return None


# --- what a file is ------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def describe_bytes(data: bytes) -> str | None:
    """What a file that is not what it claims looks like, from its first bytes."""
    if not data:
        return "an empty file"
    if data.lstrip()[:1] == b"<":
        return "an HTML or XML text file"
    return binary_kind(data)


def binary_kind(data: bytes) -> str | None:
    """What a file that should be text is, when its first bytes say it is not text."""
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return "a password-protected (encrypted) Office file"
        if "WordDocument".encode("utf-16-le") in data:
            return "a Word 97-2003 .doc file"
        return "an Excel 97-2003 .xls file (or another OLE file)"
    if data.startswith(b"PK\x03\x04"):
        return "a zip file (an .xlsx or .docx renamed?)"
    if data.startswith(b"%PDF"):
        return "a PDF file"
    if data.startswith(b"{\\rtf"):
        return "an RTF file"
    if data.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")):
        return "a compressed archive"
    if data[:4096].count(0) > len(data[:4096]) // 10:
        return "UTF-16 text without a byte-order mark, or a binary file"
    return None
