"""Milestones: splitting a task's milestone cell into leaf milestones, and dating each one.

Rules (see docs/data-contract.md):

- each ``（n）`` item is one milestone, unless it holds circled items ``①②…``; then each
  circled item is one milestone and the ``（n）`` heading becomes their ``group``;
- a line ending in a colon that is not numbered (``建设街道办事处：``) is the ``group`` of the
  items after it, never part of the previous milestone;
- ``1.…`` and ``1、…`` number items as ``（1）`` does; numbered items inside one line
  (``（1）甲；（2）乙``, ``1.甲 2.乙``) are split into items of their own;
- a cell with no numbering is one milestone with label ``""``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

from taskanalytics.plan import vocab


@dataclass(frozen=True)
class Leaf:
    """A leaf milestone as printed: label ``(3)②``, its group heading, its text, its line."""

    label: str
    group: str | None
    text: str
    line: int


@dataclass(frozen=True)
class Due:
    """When a milestone is due and how that was read.

    ``kind`` is ``date``, ``recurring``, ``range`` or ``task_deadline``; ``phrase`` the text
    the date was read from (None when there was none); ``vague`` a time word the parser saw but
    does not turn into a date (for the audit).
    """

    date: dt.date
    kind: str
    recurrence: str | None
    phrase: str | None
    vague: str | None
    #: True when the date is a guess from a vague time word (``上半年``, ``年内``, ``9月``):
    #: ``read_plan`` notes it as ``inferred_date`` for the audit.
    inferred: bool = False


def _clean(text: str) -> str:
    return text.strip().strip(vocab.TRAILING_PUNCT).strip()


def _heading(text: str) -> str | None:
    head = _clean(text.rstrip("".join(vocab.HEADING_END)))
    return head or None


@dataclass
class _Item:
    number: int | None
    text: str
    line: int
    group: str | None
    circled: list[tuple[str, str, int]]


def split_leaves(lines: list[tuple[int, str]]) -> list[Leaf]:
    """Split a task's milestone lines (line number, text) into leaf milestones.

    Parameters
    ----------
    lines
        The milestone cell's lines with their line numbers in the source; for a task printed
        over several rows, the cells' lines one after the other.

    Returns
    -------
    list of Leaf
        In printed order. Empty if the lines hold no milestone text.
    """
    items: list[_Item] = []
    section: str | None = None  # heading such as 胜利街道办事处 that groups the next items

    def current() -> _Item | None:
        return items[-1] if items else None

    for number, line in _inline_split(lines):
        m = vocab.NUMBERED_RE.match(line) or vocab.DOT_NUMBERED_RE.match(line)
        if m:
            items.append(_Item(int(m.group(1)), line[m.end() :], number, section, []))
            _split_inline_circled(items[-1], number)
            continue
        if line[0] in vocab.CIRCLED:
            item = current()
            if item is None or item.number is None and not item.circled and item.text:
                # circled items with no (n) parent stand alone, grouped by the section heading
                item = _Item(None, "", number, section, [])
                items.append(item)
            for mark, body in _circled_parts(line):
                item.circled.append((mark, body, number))
            continue
        if line.endswith(vocab.HEADING_END):
            section = _heading(line)
            continue
        item = current()
        if item is None or (item.circled and item.number is None):
            items.append(_Item(None, line, number, section, []))
        elif item.circled:
            mark, body, ln = item.circled[-1]
            item.circled[-1] = (mark, body + line, ln)
        else:
            item.text += line

    leaves: list[Leaf] = []
    for item in items:
        base = f"({item.number})" if item.number is not None else ""
        if item.circled:
            group = _heading(item.text) if item.text.strip() else item.group
            for mark, body, ln in item.circled:
                if text := _clean(body):
                    leaves.append(Leaf(base + mark, group, text, ln))
        elif text := _clean(item.text):
            leaves.append(Leaf(base, item.group, text, item.line))
    return leaves


def _inline_split(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The non-blank lines, stripped, with numbered items inside a line (``（1）甲；（2）乙``,
    ``1.甲；2.乙``) on lines of their own.

    A line is split only where its marks count up one by one from the first (1, 2, 3 or
    3, 4), each mark after a delimiter or a space: ``增长5%，2.5万元`` or a lone ``（2）`` inside
    the text stay as printed.
    """
    out: list[tuple[int, str]] = []
    for number, raw in lines:
        line = raw.strip(" \u3000\t")
        if not line:
            continue
        starts = _item_starts(line)
        if len(starts) < 2:
            out.extend((number, part) for part in _phase_parts(line))
            continue
        cuts = [0, *starts] if starts[0] else starts
        for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True):
            part = line[a:b].strip(" \u3000\t")
            if part:
                out.append((number, part))
    return out


def _item_starts(line: str) -> list[int]:
    """Where the numbered items of a line start: its marks that count up one by one from the
    first (a mark at the start of the line, or a 1); fewer than two when the line is one item."""
    marks = list(vocab.INLINE_NUMBER_RE.finditer(line))
    if len(marks) < 2:
        return []  # one mark at most (``（1）…``, the common line): nothing to split
    starts: list[int] = []
    expected: int | None = None
    for m in marks:
        n = int(m.group("bracket") or m.group("dot"))
        if expected is None and (m.start() == 0 or n == 1):
            starts.append(m.start())
            expected = n + 1
        elif expected is not None and n == expected:
            starts.append(m.start())
            expected = n + 1
    return starts


def _phase_parts(line: str) -> list[str]:
    """``一季度：甲；二季度：乙`` -> ``（1）一季度：甲``, ``（2）二季度：乙``: a line of two or more
    phases of the year, each a milestone (numbered, so :func:`split_leaves` keeps them apart);
    any other line as it is."""
    if line.count("：") + line.count(":") < 2:
        return [line]  # each phase ends in a colon: fewer than two colons, fewer than two phases
    starts = [m.start() for m in vocab.PHASE_PREFIX_RE.finditer(line)]
    if len(starts) < 2:
        return [line]
    head = line[: starts[0]].strip(" \u3000\t；;，,。")
    parts = [head] if head else []
    for k, (a, b) in enumerate(zip(starts, [*starts[1:], len(line)], strict=True), start=1):
        body = line[a:b].strip(" \u3000\t；;，,。")
        if body:
            parts.append(f"（{k}）{body}")
    return parts


def _circled_parts(text: str) -> list[tuple[str, str]]:
    parts = vocab.CIRCLED_SPLIT_RE.split(text)
    # parts = [before, mark, body, mark, body, ...]
    return [(parts[k], parts[k + 1]) for k in range(1, len(parts) - 1, 2)]


def _split_inline_circled(item: _Item, line: int) -> None:
    """``（3） ①1月底前…；②6月底前…`` holds its circled items on the same line."""
    if not vocab.CIRCLED_SPLIT_RE.search(item.text):
        return
    head = vocab.CIRCLED_SPLIT_RE.split(item.text, maxsplit=1)[0]
    item.circled = [(m, b, line) for m, b in _circled_parts(item.text)]
    item.text = head


@functools.lru_cache(maxsize=1024)
def _month_end(year: int, month: int) -> dt.date:
    """The last day of a month (cached: a plan names a few dozen months, hundreds of times)."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


#: Years a date phrase may name, as ``read_plan(year=...)`` accepts them. Dates land in
#: datetime64[ns] columns (1677-2262) and are labelled by :class:`~taskanalytics.quarters.Quarter`;
#: a phrase naming a year outside (``0000年底``, ``2300年3月底``) is a typo, not a date.
_YEARS = range(1901, 2200)


#: Each date kind's groups in :data:`~taskanalytics.plan.vocab.DATE_RE`: (name in its own
#: pattern, name in the combined one), so a match reads only its kind's groups.
_KIND_GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    kind: tuple(
        (name[len(kind) + 2 :], name)
        for name in vocab.DATE_RE.groupindex
        if name.startswith(kind + "__")
    )
    for kind in vocab.DATE_KINDS
}


def parse_due(text: str, *, year: int, task_deadline: dt.date) -> Due:
    """Read a milestone's due date from its text.

    A milestone opening with a month and a colon (``4月：…``) is due at that month's end.
    Otherwise the earliest date phrase in the text wins:

    - ``N月底(前)``/``N月末``/``N月下旬`` are the month's last day, ``N月中旬``
      the 20th, ``N月初`` the 10th; ``N月M日`` and dotted dates (``2023.6.30``) that day, a
      dotted month (``2021.8``) its last day;
    - ``一季度``..``四季度`` (``第二季度``, ``2季度末``) the quarter's last day;
    - ``上半年`` and ``年中`` 30 June, ``下半年``, ``年内`` (at the start of a clause),
      ``年底``/``年末`` 31 December;
    - a year (``2024年3月底``) or ``明年`` (the plan year + 1) before any of them sets the year;
    - ``2月至3月份`` is a range due at its end;
    - ``每月``/``按月``/``每季度``/``每半年`` and listed dates such as ``4月初、7月初、10月初``
      are recurring and due at the task deadline.

    Without such a phrase, a bare other year (``计划2024年将…``) dates the milestone at that
    year's end; a bare month (``3月份完成``) is vague here (see :func:`parse_month` for deadline
    columns). With no date at all the milestone is due
    at the task deadline; so is a phrase naming no real date (``13月底``, ``2月30日``,
    ``2月至13月份``, a year outside 1901-2199), which is then returned as ``vague`` for the
    audit. Dates read from vague words (``上半年``, ``下半年``, ``年中``, ``年内``) are returned
    with ``inferred=True``.

    Parameters
    ----------
    text
        The milestone text.
    year
        The plan's year, used where the phrase names no year.
    task_deadline
        The task's deadline.

    Returns
    -------
    Due

    Examples
    --------
    >>> import datetime as dt
    >>> parse_due("3月底前，化解政府性债务17501万元", year=2023,
    ...           task_deadline=dt.date(2023, 12, 31)).date
    datetime.date(2023, 3, 31)
    >>> parse_due("第二季度：完成招标", year=2023, task_deadline=dt.date(2023, 12, 31)).date
    datetime.date(2023, 6, 30)
    """
    m = vocab.MONTH_PREFIX_RE.match(text)
    if m:
        due = _month_due(m, year, "date")
        if due is not None:
            return due
    m = vocab.DATE_RE.search(text)
    if m is None:
        m = vocab.BARE_YEAR_RE.search(text)
        if m and int(m.group("year")) != year:
            return Due(dt.date(int(m.group("year")), 12, 31), "date", None, m.group(0), None)
        vague = vocab.VAGUE_TIME_RE.search(text)
        return Due(task_deadline, "task_deadline", None, None, vague.group(0) if vague else None)

    kind = m.lastgroup  # the outer group of the pattern that matched (vocab._combine)
    phrase = m.group(0)
    groups = {short: m.group(full) for short, full in _KIND_GROUPS[kind]}
    y = _year_of(groups, year)
    inferred = kind in vocab.INFERRED_DATE_KINDS
    if kind == "recurring":
        return Due(task_deadline, "recurring", vocab.RECURRENCE_WORDS[phrase], phrase, None)
    if kind == "month_list":
        months = [int(x) for x in re.findall(r"(\d{1,2})月", phrase)]
        steps = {b - a for a, b in zip(months, months[1:], strict=False)}
        recurrence = vocab.RECURRENCE_BY_SPACING.get(steps.pop()) if len(steps) == 1 else None
        return Due(task_deadline, "recurring", recurrence, phrase, None)
    if y not in _YEARS:
        return _undated(task_deadline, phrase)
    if kind == "range":
        start, end = int(groups["start"]), int(groups["end"])
        if not (1 <= start <= 12 and 1 <= end <= 12):
            return _undated(task_deadline, phrase)  # 2月至13月份
        return Due(_month_end(y, end), "range", None, phrase, None)
    if kind in ("year_end", "within_year"):
        return Due(dt.date(y, 12, 31), "date", None, phrase, None, inferred)
    if kind == "mid_year":
        return Due(dt.date(y, 6, 30), "date", None, phrase, None, inferred)
    if kind == "half_year":
        month = vocab.HALF_YEAR_END_MONTH[groups["half"]]
        return Due(_month_end(y, month), "date", None, phrase, None, inferred)
    if kind == "quarter":
        month = 3 * vocab.QUARTER_NUMERALS[groups["quarter"]]
        return Due(_month_end(y, month), "date", None, phrase, None)
    month = int(groups["month"])
    if not 1 <= month <= 12:
        return _undated(task_deadline, phrase)
    if kind == "day" or (kind == "dotted" and groups.get("day")):
        day = int(groups["day"])
        try:
            return Due(dt.date(y, month, day), "date", None, phrase, None)
        except ValueError:
            return _undated(task_deadline, phrase)
    if kind in ("month_end", "month_only", "dotted"):
        return Due(_month_end(y, month), "date", None, phrase, None)
    day = vocab.MID_MONTH_DAY if kind == "month_mid" else vocab.EARLY_MONTH_DAY
    return Due(dt.date(y, month, day), "date", None, phrase, None)


def _undated(task_deadline: dt.date, phrase: str) -> Due:
    """A phrase naming no real date (``13月底``): due at the task deadline, the phrase vague."""
    return Due(task_deadline, "task_deadline", None, None, phrase)


def parse_month(text: str, *, year: int) -> Due | None:
    """The end of the first bare month in ``text`` (``9月投入使用``, ``6月份``, ``明年7月``), as a
    deadline column means it; None when there is none or it names no real month.

    Parameters
    ----------
    text
        A deadline cell's phrase.
    year
        The plan's year (``明年`` is the next one).

    Returns
    -------
    Due or None
        Kind ``date``, its phrase the month as printed.

    Examples
    --------
    >>> parse_month("明年7月份", year=2023).date
    datetime.date(2024, 7, 31)
    """
    m = vocab.BARE_MONTH_DATE_RE.search(text)
    return _month_due(m, year, "date") if m else None


def _year_of(groups: dict[str, str | None], year: int) -> int:
    """The year a phrase names: its own (``2024年``), the next (``明年``), else the plan's."""
    if groups.get("year"):
        return int(groups["year"])  # type: ignore[arg-type]
    return year + 1 if groups.get("next") else year


def _month_due(m: re.Match[str], year: int, kind: str, *, inferred: bool = False) -> Due | None:
    """The end of the month a match names (groups ``year``, ``next``, ``month``); None when it
    names no real month or a year outside 1901-2199."""
    y = _year_of(m.groupdict(), year)
    month = int(m.group("month"))
    if y not in _YEARS or not 1 <= month <= 12:
        return None
    phrase = m.group(0).strip().rstrip("：:").strip()
    return Due(_month_end(y, month), kind, None, phrase, None, inferred)
