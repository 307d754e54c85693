"""Read and validate a unit's progress report (.xlsx template or .csv) into clean frames.

Every rule is checked on every row before anything is returned; all problems are raised together
as one :class:`~taskanalytics.errors.ValidationError` whose ``problems`` name the file, sheet,
row, column, the value found and what is accepted. File-level problems (unreadable file, missing
metadata or columns) use ``row=0``.

Which unit and quarter a file reports for:

- ``.xlsx``: the locked metadata block of the 说明 sheet written by :mod:`taskanalytics.progress.templates`
  (填报单位, 填报季度, 截至日期); the file name is ignored.
- ``.csv``: a ``unit`` / ``牵头单位`` / ``填报单位`` column (one value for the whole file) and a
  ``quarter`` / ``季度`` column; when absent, the file name ``<unit>_<quarter>.csv``. CSV is read
  as UTF-8 (with or without BOM), falling back to GB18030 as saved by Chinese Excel.

The as-of date is the ``as_of`` argument when given, else the template's 截至日期 (the quarter
end), else the end of the CSV's quarter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from taskanalytics.errors import (
    CellValueError,
    InputRefused,
    RowProblem,
    TaskAnalyticsError,
    ValidationError,
)
from taskanalytics.limits import CONTROL_RE, Limits, current_limits, read_input
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.reading import RawFile, Uncomputed, read_cells
from taskanalytics.progress.templates import PlanLike, unit_or_none
from taskanalytics.quarters import Quarter

__all__ = [
    "REPORT_COLUMNS",
    "VALUE_COLUMNS",
    "ProgressFile",
    "parse_date",
    "parse_number",
    "parse_status",
    "read_progress_file",
]

#: Columns of ``ProgressFile.reports``: one row per reported milestone.
REPORT_COLUMNS = ["milestone_id", "task_id", "status", "completed_date", "note", "row"]
#: Columns of ``ProgressFile.values``: one row per reported target value.
VALUE_COLUMNS = ["milestone_id", "target_no", "value", "unit"]

_MULTIPLIERS = {"千": 1000, "万": 10_000, "亿": 100_000_000}
#: A number as written: digits, an optional multiplier, an optional unit (bare or bracketed).
_AMOUNT = re.compile(
    r"^(?P<number>[+-]?[\d.,]+)(?P<mult>[千万亿])?"
    r"(?:[（(](?P<bracketed>[^（）()\d]+)[）)]|(?P<unit>[^（）()\d.,+-][^（）()\d]*))?$"
)
#: Words that make a written amount vague, not a unit.
_VAGUE = ("余", "多", "约", "左右", "近", "超", "以上", "以下")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$")
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)


@dataclass(frozen=True)
class ProgressFile:
    """A validated progress report.

    Attributes
    ----------
    path : pathlib.Path
        The file read.
    sha256 : str
        Hex SHA-256 of the file's bytes (the store's identity of a file).
    unit, quarter : str, str or None
        The reporting unit and quarter (``"2023Q1"``; None for a CSV without one).
    as_of_date : datetime.date
        The date the report speaks for.
    is_synthetic : bool
        True when the workbook is marked as demo data (示例数据 = 是).
    reports : pandas.DataFrame
        `REPORT_COLUMNS`; ``status`` is a code (done, in_progress, not_started, late),
        ``completed_date`` datetime64, ``row`` the row number in the file.
    values : pandas.DataFrame
        `VALUE_COLUMNS`; ``unit`` is the plan's unit of the target.
    plan_sha256 : str
        The plan version the file was validated against (the one its template was made from;
        the plan given, for a CSV or a template without the plan's identity).
    warnings : tuple of RowProblem
        Values accepted but worth a second look, one :class:`~taskanalytics.errors.RowProblem`
        each (file, sheet, row, column, value, what would be expected): a negative value where
        the target counts or sums something (not a rate or percentage), and a value more than
        :data:`~taskanalytics.progress.vocab.FAR_BEYOND_TARGET` times its target. They never
        reject the file; whoever stores or shows the file passes them on to the clerk.
    """

    path: Path
    sha256: str
    unit: str
    quarter: str | None
    as_of_date: dt.date
    is_synthetic: bool
    reports: pd.DataFrame
    values: pd.DataFrame
    plan_sha256: str = ""
    warnings: tuple[RowProblem, ...] = ()


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def parse_number(value: object, *, unit: str | None = None) -> float:
    """Parse a number as units write it, in the column's ``unit``.

    Accepts numbers, digits with thousands separators (``1,234``), full-width digits and
    punctuation (``１，２３４``), the multipliers 千/万/亿 (``1.2万`` is 12000) and a written
    unit, bare or in brackets (``5000万元``, ``10770（万元）``). A multiplier or a written unit
    that differs from ``unit`` by its multiplier only is converted to ``unit``: in a 万元 column
    ``1.75亿`` and ``1.75亿元`` are 17500 and ``1.077万`` is 1.077 (1.077 万元). Rejects words
    (``约一千``, ``一千多``), ranges, non-finite values and a written unit of another kind
    (``12户`` in a 万元 column).

    Parameters
    ----------
    value
        The cell value.
    unit
        The unit of the column, if any.

    Returns
    -------
    float
        The value in ``unit``.

    Raises
    ------
    CellValueError
        If the value is not a number in ``unit``.

    Examples
    --------
    >>> parse_number("1,234")
    1234.0
    >>> parse_number("1.2万")
    12000.0
    >>> parse_number("５０％", unit="%")
    50.0
    >>> parse_number("1.75亿", unit="万元"), parse_number("10770（万元）", unit="万元")
    (17500.0, 10770.0)
    """
    return read_amount(value, unit=unit)[0]


def read_amount(value: object, *, unit: str | None = None) -> tuple[float, str | None]:
    """Parse a number like :func:`parse_number`, and say how a written multiplier was read.

    Returns
    -------
    tuple of (float, str or None)
        The value in ``unit``, and, when a bare multiplier was converted in a column whose
        unit has one of its own (``1.077万`` in a 万元 column: 1.077 万元, not 10770 万元),
        the reading in words (``1.077 万元``), so intake can ask the clerk to check it; else
        None.

    Raises
    ------
    CellValueError
        If the value is not a number in ``unit``.
    """
    if isinstance(value, bool):
        raise CellValueError(vp.EXPECTED["number"])
    if isinstance(value, int | float):
        try:
            number = float(value)  # an int past 1e308 overflows here
        except OverflowError:
            raise CellValueError(vp.EXPECTED["number"]) from None
        if not math.isfinite(number):
            raise CellValueError(vp.EXPECTED["number"])
        return number, None
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    column = unicodedata.normalize("NFKC", unit).strip() if unit else ""
    match = _AMOUNT.match(text)
    if match is None:
        raise CellValueError(vp.EXPECTED["number"])
    digits, multiplier = match.group("number"), match.group("mult") or ""
    written = match.group("unit") or match.group("bracketed") or ""
    if _GROUPED_NUMBER.match(digits):
        digits = digits.replace(",", "")
    if not _PLAIN_NUMBER.match(digits):
        raise CellValueError(vp.EXPECTED["number"])
    column_scale, base = _split_unit(column)
    if written:
        written, multiplier = multiplier + written, ""  # 1.2万元: the unit 万元
        scale, written_base = _split_unit(written)
        if any(word in written for word in _VAGUE):  # 一千余, 100多, 50左右
            raise CellValueError(vp.EXPECTED["number"])
        if not column or written_base != base:
            raise CellValueError(
                f"a number in {unit or 'no unit'}, not in {written}（单位应为{unit or '无'}）",
                zh=vp.EXPECTED_ZH["number_unit" if column else "number_unit_none"].format(
                    written=written, unit=unit, found="{found}"
                ),
            )
    else:  # no unit written: the column's, scaled by a multiplier when there is one
        scale = _MULTIPLIERS[multiplier] if multiplier else column_scale
    # Scaled in the decimal text, rounded once: 1.15亿 is float("1.15e8") == 115000000.0, where
    # float("1.15") * 1e8 is 114999999.99999999.
    exponent = round(math.log10(scale)) - round(math.log10(column_scale))
    number = float(f"{digits}e{exponent}")
    if not math.isfinite(number):  # 400 digits
        raise CellValueError(vp.EXPECTED["number"])
    ambiguous = bool(multiplier) and column_scale > 1 and scale <= column_scale
    return number, (f"{digits}{multiplier}" if ambiguous else None)


def _split_unit(unit: str) -> tuple[int, str]:
    """A unit as (multiplier, base unit): ``万元`` is (10000, ``元``), ``户`` (1, ``户``).

    A unit that is only a multiplier (``万``) is its own base.
    """
    if len(unit) > 1 and unit[0] in _MULTIPLIERS:
        return _MULTIPLIERS[unit[0]], unit[1:]
    return 1, unit


def parse_date(value: object) -> dt.date:
    """Parse a date cell: a date/datetime, or text like 2023-03-31, 2023/3/31, 2023年3月31日.

    Raises
    ------
    ValueError
        If the value is not a date.

    Examples
    --------
    >>> parse_date("2023年3月5日")
    datetime.date(2023, 3, 5)
    """
    if value is pd.NaT:  # a datetime by isinstance, but no date
        raise CellValueError(vp.EXPECTED["date"])
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_TEXT.match(unicodedata.normalize("NFKC", value).strip())
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
    raise CellValueError(vp.EXPECTED["date"])


def parse_status(value: object) -> str:
    """Map a status word (已完成, 推进中, 未启动, 滞后, or a code) to its code.

    Raises
    ------
    ValueError
        If the word is not a known status.

    Examples
    --------
    >>> parse_status("已完成")
    'done'
    """
    key = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        return vp.STATUS_ALIASES[key]
    except KeyError:
        raise CellValueError(vp.EXPECTED["status"]) from None


def _as_date(value: dt.date | str | None) -> dt.date | None:
    """Normalise an ``as_of`` argument; a bad one is the caller's error, not the file's."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise TaskAnalyticsError(
            f"as_of: expected a date such as 2023-03-31, got {value!r}"
        ) from None


class _Checker:
    """Collects problems for one file."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.file = str(path)
        self.sheet = sheet
        self.problems: list[RowProblem] = []
        self.warnings: list[RowProblem] = []

    def _problem(
        self, row: int, column: str, value: object, expected: str, zh: str | None
    ) -> RowProblem:
        where = None
        if row == 0 and column in _META_COLUMNS:  # the 说明 sheet's block, not the data sheet
            where = f"「{vp.README_SHEET}」表「{column}」"
        elif row == 0 and column != "<file>":  # a data-sheet column missing
            where = f"「{vp.DATA_SHEET}」表「{column}」列"
        zh = zh if zh is not None else _ZH_OF.get(expected)
        return RowProblem(
            self.file, self.sheet, row, column, value, expected, expected_zh=zh, where_zh=where
        )

    def add(
        self, row: int, column: str, value: object, expected: str, *, zh: str | None = None
    ) -> None:
        self.problems.append(self._problem(row, column, _shown(value), expected, zh))

    def warn(
        self, row: int, column: str, value: object, expected: str, *, zh: str | None = None
    ) -> None:
        self.warnings.append(self._problem(row, column, value, expected, zh))

    def refused(self, err: InputRefused) -> ValidationError:
        """The whole file refused before validation: one problem at row 0 (or the line)."""
        zh = getattr(err, "zh", None)
        if zh is None and "97-2003" in err.found:  # an .xls (or .et) renamed .xlsx
            zh = vp.EXPECTED_ZH["readable_old"].format(suffix=".xls")
        elif zh is None and "请" not in err.expected:  # no advice of its own: say what to send
            zh = vp.EXPECTED_ZH["readable"]
        self.add(err.line or 0, "<file>", err.found, err.expected, zh=zh)
        return ValidationError(self.problems, f"{self.file}: cannot read")

    def cell(self, row: int, column: str, value: object, parse: Any, **kw: Any) -> Any:
        try:
            return parse(value, **kw)
        except CellValueError as err:
            self.add(row, column, value, err.expected, zh=getattr(err, "zh", None))
            return None

    def mark(self) -> tuple[int, int]:
        """Where the problems and warnings end now (see :meth:`name_milestone`)."""
        return len(self.problems), len(self.warnings)

    def name_milestone(self, start: tuple[int, int], milestone_id: str | None) -> None:
        """Put the row's 节点编号 on the problems and warnings added since ``start``."""
        if milestone_id:
            for found, first in zip((self.problems, self.warnings), start, strict=True):
                for i in range(first, len(found)):
                    found[i] = replace(found[i], milestone_id=milestone_id)


#: English ``expected`` -> Chinese clause, for the messages passed as they are in the vocabulary.
_ZH_OF = {vp.EXPECTED[k]: vp.EXPECTED_ZH[k] for k in vp.EXPECTED if k in vp.EXPECTED_ZH}
_META_COLUMNS = frozenset(vp.META_LABELS.values())


def _shown(value: object) -> object:
    """A value as kept in a problem: a long text shortened (a 1 MB cell stays out of the
    message), an uncomputed formula as its text."""
    if isinstance(value, Uncomputed):
        return str(value)
    if isinstance(value, str) and len(value) > 80:
        return f"{value[:60]}…（共 {len(value):,} 字）"
    return value


def _target_info(plan: PlanLike) -> dict[tuple[str, int], tuple[float, str | None, str]]:
    """(milestone, target number) -> (target value, unit, metric), for the sanity warnings."""
    t = plan.targets
    return {
        (m, int(n)): (float(v), unit_or_none(u), str(metric))
        for m, n, v, u, metric in zip(
            t["milestone_id"], t["target_no"], t["value"], t["unit"], t["metric"], strict=True
        )
    }


def _plan_lookups(plan: PlanLike) -> tuple[dict[str, str], dict[str, set[str]], dict]:
    task_of = dict(zip(plan.milestones["milestone_id"], plan.milestones["task_id"], strict=True))
    leads = {
        t: set(u) for t, u in zip(plan.tasks["task_id"], plan.tasks["lead_units"], strict=True)
    }
    targets = {
        (m, int(n)): unit_or_none(u)
        for m, n, u in zip(
            plan.targets["milestone_id"],
            plan.targets["target_no"],
            plan.targets["unit"],
            strict=True,
        )
    }
    return task_of, leads, targets


def _resolve_meta(raw: RawFile, check: _Checker, plan: PlanLike, as_of: dt.date | None) -> tuple:
    meta = raw.meta
    if raw.sheet is not None and meta.get("template") != vp.TEMPLATE_MARKER:
        check.add(0, vp.META_LABELS["template"], meta.get("template"), vp.EXPECTED["template"])
    unit = meta.get("unit")
    units = {u for us in plan.tasks["lead_units"] for u in us}
    if isinstance(unit, list):
        check.add(0, vp.META_LABELS["unit"], "、".join(unit), vp.EXPECTED["unit_single"])
        unit = None
    elif not isinstance(unit, str) or unit.strip() not in units:
        check.add(0, vp.META_LABELS["unit"], unit, vp.EXPECTED["unit_known"])
        unit = None
    else:
        unit = unit.strip()
    found = meta.get("quarter")
    parsed: Quarter | None = None
    if not _is_blank(found):
        try:
            parsed = Quarter.parse(str(found))
        except TaskAnalyticsError:
            check.add(0, vp.META_LABELS["quarter"], found, vp.EXPECTED["quarter"])
    quarter = parsed.label if parsed is not None else None
    year = plan_identity(plan).year
    if parsed is not None and parsed.year != year:
        expected = vp.EXPECTED["quarter_year"].format(year=year, found=parsed.zh)
        zh = vp.EXPECTED_ZH["quarter_year"].format(year=year, found=parsed.zh)
        check.add(0, vp.META_LABELS["quarter"], found, expected, zh=zh)
    if as_of is None and not _is_blank(meta.get("as_of_date")):
        as_of = check.cell(0, vp.META_LABELS["as_of_date"], meta["as_of_date"], parse_date)
        if as_of is not None and parsed is not None and not parsed.start <= as_of <= parsed.end:
            # the file's own 截至日期 must fall in its own 填报季度 (an --as-of given is the
            # caller's choice and is not checked against it)
            expected = vp.EXPECTED["as_of_quarter"].format(quarter=parsed.zh)
            zh = vp.EXPECTED_ZH["as_of_quarter"].format(quarter=parsed.zh, found=as_of)
            check.add(0, vp.META_LABELS["as_of_date"], as_of.isoformat(), expected, zh=zh)
    if as_of is None and parsed is not None:
        as_of = parsed.end
    if as_of is None and not any(p.row == 0 for p in check.problems):
        check.add(0, vp.META_LABELS["as_of_date"], None, "an as-of date or a quarter（截至日期）",
                  zh=vp.EXPECTED_ZH["as_of_missing"])  # fmt: skip
    elif as_of is not None and as_of.year != year and (parsed is None or parsed.year == year):
        # (a quarter of another year is already the problem; its end is not a second one)
        expected = vp.EXPECTED["as_of_year"].format(year=year, found=as_of.isoformat())
        zh = vp.EXPECTED_ZH["as_of_year"].format(year=year, found=as_of.isoformat())
        check.add(0, vp.META_LABELS["as_of_date"], as_of.isoformat(), expected, zh=zh)
    synthetic = str(meta.get("is_synthetic") or "").strip() == vp.YES
    return unit, quarter, as_of, synthetic


def _plan_for(
    raw: RawFile,
    check: _Checker,
    plan: PlanLike,
    versions: Callable[[str], PlanLike | None] | None,
) -> PlanLike:
    """The plan version a file is validated against: the one its template names.

    A template made for another plan or year is a problem (nothing else is checked: its
    milestone ids mean something else); one made from another version of this plan is validated
    against that version, when ``versions`` finds it.
    """
    identity = plan_identity(plan)
    meta, labels = raw.meta, vp.META_LABELS
    name, year, made = meta.get("plan_name"), meta.get("plan_year"), meta.get("plan_version")
    made = None if _is_blank(made) else str(made).strip()
    if not _is_blank(year) and str(year).strip() != str(identity.year):
        found = str(year).strip()
        expected = vp.EXPECTED["plan_year"].format(year=identity.year, found=found)
        zh = vp.EXPECTED_ZH["plan_year"].format(year=identity.year, found=found)
        check.add(0, labels["plan_year"], year, expected, zh=zh)
    elif made == identity.sha256:  # the very source the plan was read from, whatever its name
        return plan
    elif not _is_blank(name) and str(name).strip() != identity.name:
        found = str(name).strip()
        check.add(0, labels["plan_name"], name, vp.EXPECTED["plan_other"].format(
            plan=identity.name, found=found), zh=vp.EXPECTED_ZH["plan_other"].format(
            plan=identity.name, found=found))  # fmt: skip
    elif made is not None:
        other = versions(made) if versions is not None else None
        if other is None:
            check.add(0, labels["plan_version"], made[:12], vp.EXPECTED["plan_version"].format(
                plan=identity.name, found=made[:12]), zh=vp.EXPECTED_ZH["plan_version"].format(
                found=made[:12]))  # fmt: skip
        else:
            return other
    return plan


@dataclass(frozen=True)
class _Layout:
    """Where a file's columns are: named columns by English name, the wide layout's
    ``实际值N（unit）`` columns, the long layout's one 实际值 column (a row per target, its
    number in 指标序号), and the columns no one reads."""

    named: dict[str, int]
    actual: dict[int, tuple[int, str | None]]
    long: bool
    extra: list[int]


def _columns(raw: RawFile, check: _Checker) -> _Layout:
    named: dict[str, int] = {}
    actual: dict[int, tuple[int, str | None]] = {}
    aliased: list[tuple[str, int]] = []
    for j, header in enumerate(raw.header):
        match = vp.ACTUAL_HEADER_RE.match(header)
        if match:
            actual[j] = (int(match.group("no")), match.group("unit") or None)
        elif header in vp.HEADER_ALIASES:
            name = vp.HEADER_ALIASES[header]
            if header in (vp.ALL_HEADERS.get(name), name):  # the template's own header first
                named.setdefault(name, j)
            else:
                aliased.append((name, j))
    for name, j in aliased:  # 备注 is the note only where no 进展说明 column is
        named.setdefault(name, j)
    long = "actual" in named
    required = ["milestone_id", "status"]
    if raw.sheet is not None:  # a template must keep all its input columns
        required += ["completed_date", "note"]
    if long:
        required.append("target_no")
    for name in required:
        if name not in named:
            check.add(0, vp.ALL_HEADERS[name], None, vp.EXPECTED["columns"],
                      zh=vp.EXPECTED_ZH["columns"])  # fmt: skip
    used = set(named.values()) | set(actual)
    extra = [j for j in range(len(raw.header)) if j not in used]
    return _Layout(named, actual, long, extra)


@dataclass(frozen=True)
class _ValueCell:
    """One 实际值 cell: its row and header, the target it is for and the unit its header
    names (wide layout only)."""

    row: int
    header: str
    target_no: int | None
    header_unit: str | None
    value: Any


def _cell(cells: list[Any], j: int | None) -> Any:
    return cells[j] if j is not None and j < len(cells) else None


def _target_no(value: object) -> int | None:
    """The hidden 指标序号 cell as a number; None for a row without a target."""
    try:
        number = float(value if isinstance(value, int | float) else str(value).strip())
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def _logical_rows(
    raw: RawFile, layout: _Layout, check: _Checker
) -> list[tuple[int, list[Any], list[_ValueCell]]]:
    """The file's reports as ``(row, cells, value cells)``: a row each in the wide layout; in
    the long layout a milestone's first row with the 实际值 cells of all its target rows."""
    header = raw.header
    if not layout.long:
        return [
            (
                row,
                cells,
                [
                    _ValueCell(row, header[j], no, unit, _cell(cells, j))
                    for j, (no, unit) in layout.actual.items()
                ],
            )  # fmt: skip
            for row, cells in raw.rows
        ]
    named = layout.named
    actual_j, no_j, mid_j = named["actual"], named.get("target_no"), named["milestone_id"]
    out: list[tuple[int, list[Any], list[_ValueCell]]] = []
    first_of: dict[object, int] = {}
    for row, cells in raw.rows:
        mid = _cell(cells, mid_j)
        key = str(mid).strip() if mid is not None else None
        no = _target_no(_cell(cells, no_j))
        value = _ValueCell(row, header[actual_j], no, None, _cell(cells, actual_j))
        if no is not None and no > 1 and key in first_of:  # a further target of a milestone
            inputs = [n for n in vp.INPUT_COLUMNS if not _is_blank(_cell(cells, named.get(n)))]
            start = check.mark()
            for name in inputs:
                first = out[first_of[key]][0]
                check.add(row, vp.ALL_HEADERS[name], _cell(cells, named[name]),
                          vp.EXPECTED["target_row_inputs"],
                          zh=vp.EXPECTED_ZH["target_row_inputs"].format(
                              no=no, first=first, found="{found}"))  # fmt: skip
            check.name_milestone(start, key)
            out[first_of[key]][2].append(value)
            continue
        first_of.setdefault(key, len(out))
        out.append((row, cells, [value]))
    return out


def _check_row(
    row: int,
    cells: list[Any],
    value_cells: list[_ValueCell],
    ctx: dict[str, Any],
    check: _Checker,
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    named = ctx["named"]
    start = check.mark()

    def get(at: int, header: str, value: object) -> Any:
        if isinstance(value, Uncomputed):  # never a silent blank: the clerk typed something
            check.add(at, header, value, vp.EXPECTED["formula_uncomputed"])
            return None
        return None if _is_blank(value) else value

    def field(name: str) -> Any:
        j = named.get(name)
        return get(row, ctx["header"][j], _cell(cells, j)) if j is not None else None

    status_raw = field("status")
    date_raw = field("completed_date")
    note_raw = field("note")
    values_in = [(c, get(c.row, c.header, c.value)) for c in value_cells]
    values_in = [(c, v) for c, v in values_in if v is not None]
    if status_raw is None and date_raw is None and note_raw is None and not values_in:
        return None  # not reported this time
    mid_raw = field("milestone_id")
    mid = str(mid_raw).strip() if mid_raw is not None else None
    col = vp.COLUMN_HEADERS
    if mid not in ctx["task_of"]:
        check.add(row, col["milestone_id"], mid_raw, vp.EXPECTED["milestone_known"])
    elif ctx["unit"] is not None and ctx["unit"] not in ctx["leads"].get(ctx["task_of"][mid], ()):
        check.add(row, col["milestone_id"], mid_raw, vp.EXPECTED["milestone_owned"])
    elif mid in ctx["seen"]:
        check.add(row, col["milestone_id"], mid_raw, vp.EXPECTED["milestone_unique"])
    ctx["seen"].add(mid)

    status = None
    if status_raw is None:
        check.add(row, col["status"], None, vp.EXPECTED["status_required"])
    else:
        status = check.cell(row, col["status"], status_raw, parse_status)
    completed = None
    if date_raw is not None:
        completed = check.cell(row, col["completed_date"], date_raw, parse_date)
    if status == "done" and date_raw is None:
        check.add(row, col["completed_date"], None, vp.EXPECTED["completed_date_required"])
    elif completed is None:
        pass  # no date, or one not read: its problem is already there (one message a cell)
    elif status not in (None, "done"):
        check.add(row, col["completed_date"], date_raw, vp.EXPECTED["completed_date_forbidden"])
    elif ctx["as_of"] is not None:
        first, as_of = dt.date(int(ctx["year"]), 1, 1), ctx["as_of"]
        if not first <= completed <= as_of:
            key = "date_after" if completed > as_of else "date_before"
            check.add(
                row,
                col["completed_date"],
                date_raw,
                f"a date from {first} to the as-of date {as_of}（不早于{first}，不晚于截至日期）",
                zh=vp.EXPECTED_ZH[key].format(first=first, as_of=as_of, found="{found}"),
            )
    note = None if note_raw is None else str(note_raw).strip()
    if note is not None and len(note) > vp.NOTE_MAX_CHARS:
        check.add(row, col["note"], note[:40] + "…", vp.EXPECTED["note_length"])
    elif note is not None and CONTROL_RE.search(note):
        check.add(row, col["note"], note, vp.EXPECTED["note_control"])

    values = []
    for c, raw_value in values_in:
        key = (mid, c.target_no)
        if key not in ctx["targets"]:
            check.add(c.row, c.header, raw_value, vp.EXPECTED["target_exists"])
            continue
        plan_unit = ctx["targets"][key]
        if c.header_unit is not None and c.header_unit != plan_unit:
            zh = vp.EXPECTED_ZH["target_unit"].format(unit=plan_unit or "无单位", found="{found}")
            check.add(c.row, c.header, raw_value, f"{vp.EXPECTED['target_unit']}: {plan_unit}",
                      zh=zh)  # fmt: skip
            continue
        read = check.cell(c.row, c.header, raw_value, read_amount, unit=plan_unit)
        number, reading = read if read is not None else (None, None)
        if reading is not None:
            alt = _format_amount(number * _split_unit(plan_unit or "")[0])
            check.warn(c.row, c.header, raw_value, vp.EXPECTED["warn_multiplier"].format(
                unit=plan_unit, reading=_format_amount(number), found=raw_value),
                zh=vp.EXPECTED_ZH["warn_multiplier"].format(
                    unit=plan_unit, reading=_format_amount(number), alt=alt,
                    found="{found}"))  # fmt: skip
        number = _sane(c.row, c.header, raw_value, number, ctx["target_info"][key], check)
        if number is not None:
            values.append(
                {"milestone_id": mid, "target_no": c.target_no, "value": number, "unit": plan_unit}
            )
    if status == "done" and mid in ctx["task_of"]:
        slots = {c.target_no: (c.row, c.header) for c in value_cells if c.target_no is not None}
        _warn_done_short(row, mid, values, slots, ctx, check)
    check.name_milestone(start, mid if mid in ctx["task_of"] else None)
    report = {
        "milestone_id": mid,
        "task_id": ctx["task_of"].get(mid),
        "status": status,
        "completed_date": completed,
        "note": note,
        "row": row,
    }
    return report, values


def _format_amount(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.6g}"


def _warn_done_short(
    row: int,
    mid: str,
    values: list[dict[str, Any]],
    slots: dict[int, tuple[int, str]],
    ctx: dict[str, Any],
    check: _Checker,
) -> None:
    """Warn (never reject) on 已完成 with a target's actual missing or below the target,
    at the target's own 实际值 cell (``slots``: target number -> row and header)."""
    reported = {v["target_no"]: v["value"] for v in values}
    status_header = vp.COLUMN_HEADERS["status"]
    for (m, target_no), (target, unit, metric) in ctx["target_info"].items():
        if m != mid:
            continue
        shown = f"{_format_amount(target)}{unit or ''}"
        at, header = slots.get(target_no, (row, status_header))
        if target_no not in reported:
            check.warn(at, header, None, vp.EXPECTED["warn_done_no_actual"].format(
                metric=metric, target=shown), zh=vp.EXPECTED_ZH["warn_done_no_actual"].format(
                metric=metric, target=shown, found="{found}"))  # fmt: skip
        elif reported[target_no] < target:
            check.warn(at, header, reported[target_no], vp.EXPECTED["warn_done_short"].format(
                metric=metric, target=shown), zh=vp.EXPECTED_ZH["warn_done_short"].format(
                metric=metric, target=shown, found="{found}"))  # fmt: skip


def _warn_layout(raw: RawFile, layout: _Layout, check: _Checker) -> None:
    """Warn on what the clerk wrote where no one reads it: an added column with content, and
    merged cells that cover an input cell (only their first cell is read)."""
    for j in layout.extra:
        filled = next(
            ((row, _cell(cells, j)) for row, cells in raw.rows if not _is_blank(_cell(cells, j))),
            None,
        )
        if filled is None:
            continue
        row, sample = filled
        name = raw.header[j] or f"第 {j + 1} 列"
        shown = _shown(sample)
        check.warn(0, name, shown, vp.EXPECTED["warn_extra_column"],
                   zh=vp.EXPECTED_ZH["warn_extra_column"].format(row=row, sample=shown))  # fmt: skip
    inputs = {
        layout.named[n]: vp.ALL_HEADERS[n]
        for n in (*vp.INPUT_COLUMNS, "actual") if n in layout.named
    }  # fmt: skip
    inputs |= {j: raw.header[j] for j in layout.actual}
    for ref in raw.merged:
        (c1, r1), (c2, r2) = (_ref(part) for part in ref.split(":"))
        covered = [name for j, name in inputs.items() if c1 <= j <= c2]
        if covered and r2 > 1 and (r1, c1) != (r2, c2):
            check.warn(r1, covered[0], None, vp.EXPECTED["warn_merged"],
                       zh=vp.EXPECTED_ZH["warn_merged"].format(
                           cells=ref, row=r1, column=covered[0]))  # fmt: skip


def _ref(cell: str) -> tuple[int, int]:
    """``"M5"`` -> (0-based column 12, row 5)."""
    from openpyxl.utils import column_index_from_string

    letters = cell.rstrip("0123456789")
    return column_index_from_string(letters) - 1, int(cell[len(letters) :])


def _sane(
    row: int,
    header: str,
    raw: object,
    number: float | None,
    target: tuple[float, str | None, str],
    check: _Checker,
) -> float | None:
    """The number if it can be stored (finite, within Excel's 15 digits), with warnings for a
    negative count or amount and a value far beyond its target; None after a problem."""
    if number is None:
        return None
    if not math.isfinite(number) or abs(number) >= vp.MAX_ABS_VALUE:
        check.add(row, header, raw, vp.EXPECTED["number_range"])
        return None
    value, unit, metric = target
    if number < 0 and not vp.may_be_negative(unit, metric):
        check.warn(row, header, raw, vp.EXPECTED["warn_negative"])
    elif value > 0 and number > vp.FAR_BEYOND_TARGET * value:
        shown = f"{_format_amount(value)}{unit or ''}"
        check.warn(row, header, raw, vp.EXPECTED["warn_far_beyond"].format(
            target=shown, factor=vp.FAR_BEYOND_TARGET), zh=vp.EXPECTED_ZH["warn_far_beyond"].format(
            target=shown, factor=vp.FAR_BEYOND_TARGET, found="{found}"))  # fmt: skip
    return number


def read_progress_file(
    path: str | Path,
    *,
    plan: PlanLike,
    as_of: dt.date | str | None = None,
    versions: Callable[[str], PlanLike | None] | None = None,
    limits: Limits | None = None,
) -> ProgressFile:
    """Read and validate one progress report.

    Parameters
    ----------
    path
        An ``.xlsx`` template filled in by a unit, or a ``.csv`` with the same headers.
    plan
        The plan the report is about; not modified.
    as_of
        The date the report speaks for; default the template's 截至日期 (quarter end).
    versions
        Finds another version of ``plan`` by its source hash (the store's registry): a template
        made from an earlier version (before a 调整) is validated against that version.
    limits
        Size, row, column and cell limits (:class:`taskanalytics.limits.Limits`); default
        :func:`taskanalytics.limits.current_limits`. A file over a limit, damaged, encrypted
        or of another type is refused before it is parsed.

    Returns
    -------
    ProgressFile
        The clean frames, the file's identity and its ``warnings``.

    Raises
    ------
    ValidationError
        With every problem found, when anything is wrong; nothing is returned partially. A file
        refused as a whole has one problem, at row 0 (or the CSV line) in column ``<file>``.

    Examples
    --------
    >>> pf = read_progress_file("发改局_2023Q1.xlsx", plan=plan)  # doctest: +SKIP
    >>> pf.reports[["milestone_id", "status"]].head(2)  # doctest: +SKIP
    """
    path = Path(path)
    suffix = path.suffix.lower()
    check = _Checker(path, vp.DATA_SHEET if suffix == ".xlsx" else None)
    if suffix not in (".xlsx", ".csv"):
        old = suffix in (".xls", ".et", ".xlsm", ".xlsb", ".ods", ".ett", ".xlt")
        zh = vp.EXPECTED_ZH["readable_old"].format(suffix=suffix) if old else None
        check.add(0, "<file>", path.suffix, vp.EXPECTED["readable"], zh=zh)
        raise ValidationError(check.problems, f"{path}: not a progress report")
    limits = limits or current_limits()
    try:
        data = read_input(path, limits)
        raw = read_cells(path, data, limits)
    except InputRefused as err:
        raise check.refused(err) from err
    as_of = _as_date(as_of)
    plan = _plan_for(raw, check, plan, versions)
    if check.problems:  # another plan's or year's file: its ids mean nothing here
        raise ValidationError(check.problems, f"{path}: made for another plan")
    unit, quarter, as_of_date, synthetic = _resolve_meta(raw, check, plan, as_of)
    layout = _columns(raw, check)
    if check.problems:
        raise ValidationError(check.problems, f"{path}: {len(check.problems)} problem(s)")
    _warn_layout(raw, layout, check)
    task_of, leads, targets = _plan_lookups(plan)
    ctx = {
        "named": layout.named,
        "header": raw.header,
        "unit": unit,
        "as_of": as_of_date,
        "year": plan.meta.get("year") or as_of_date.year,
        "task_of": task_of,
        "leads": leads,
        "targets": targets,
        "target_info": _target_info(plan),
        "seen": set(),
    }
    reports, values = [], []
    for row, cells, value_cells in _logical_rows(raw, layout, check):
        result = _check_row(row, cells, value_cells, ctx, check)
        if result is not None:
            reports.append(result[0])
            values.extend(result[1])
    if check.problems:
        raise ValidationError(check.problems, f"{path}: {len(check.problems)} problem(s)")
    report_df = pd.DataFrame(reports, columns=REPORT_COLUMNS)
    report_df["completed_date"] = pd.to_datetime(report_df["completed_date"])
    value_df = pd.DataFrame(values, columns=VALUE_COLUMNS).astype({"value": float})
    return ProgressFile(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        unit=unit,
        quarter=quarter,
        as_of_date=as_of_date,
        is_synthetic=synthetic,
        reports=report_df,
        values=value_df.astype({"target_no": int}),
        plan_sha256=plan_identity(plan).sha256,
        warnings=tuple(check.warnings),
    )
