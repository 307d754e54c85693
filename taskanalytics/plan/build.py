"""The plan: ``read_plan`` turns the source document into tidy dataframes.

Where each column is born:

- ``tasks``: :func:`_build_tasks` (category inheritance, merged cells, units, leaders);
- ``milestones``: :mod:`taskanalytics.plan.milestones` (leaves, groups, due dates);
- ``targets``: :mod:`taskanalytics.plan.targets` (quantities); a task's own text is read for
  targets only in a table without a milestones column whose deadline cell holds dates and
  nothing else (see :func:`_build_milestones`);
- ``owners``: :func:`_owners` (long form of the three unit/leader lists).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from taskanalytics.errors import PlanParseError
from taskanalytics.limits import Limits
from taskanalytics.plan import readers, vocab
from taskanalytics.plan.identity import plan_kind
from taskanalytics.plan.milestones import Due, Leaf, parse_due, parse_month, split_leaves
from taskanalytics.plan.readers.text import Cell, RawRow, Table
from taskanalytics.plan.targets import extract_targets
from taskanalytics.quarters import Quarter

SECTIONS = ("work_report", "livelihood")
TASK_COLUMNS = [
    "task_id", "section", "number", "category", "subcategory", "title", "deadline",
    "lead_units", "responsible_units", "leaders", "extra", "line",
]  # fmt: skip
MILESTONE_COLUMNS = [
    "milestone_id", "task_id", "position", "label", "group", "text", "due_date", "due_kind",
    "recurrence", "quarter", "due_phrase", "line",
]  # fmt: skip
TARGET_COLUMNS = [
    "milestone_id", "task_id", "target_no", "metric", "value", "unit", "comparator", "raw",
]  # fmt: skip
OWNER_COLUMNS = ["task_id", "role", "name"]


class PlanLike(Protocol):
    """What this stage needs of a plan: the frames of ``taskanalytics.read_plan``."""

    meta: Mapping[str, Any]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame


@dataclass(frozen=True)
class Plan:
    """A parsed work plan: the letter's metadata and four tidy tables.

    Attributes
    ----------
    meta : dict
        ``title``, ``issuer``, ``doc_number``, ``issued_date``, ``year``, ``table_title``,
        ``declared`` (``{section: {"tasks": n, "milestones": m}}`` as the document states) and
        ``source`` (the file read), ``source_sha256`` (its bytes' SHA-256), ``kind``
        (``work_report``, or ``livelihood`` when the document holds only 民生实事) and, when
        given, ``name`` (see :func:`taskanalytics.plan.identity.plan_identity`).
    tasks, milestones, targets, owners : pandas.DataFrame
        See ``docs/data-contract.md``; one row per task, leaf milestone, quantitative target,
        and (task, role, name).
    notes : pandas.DataFrame
        Things the parser noticed but did not fail on (inconsistent repeated headers, gaps in
        numbering, time words it could not date) and its low-confidence guesses, each with a
        stable ``check`` code and an English ``detail``: ``inferred_date`` (a due date read
        from 上半年/下半年/年中/年内; the detail opens with the milestone id) and
        ``name_list_split`` (a unit or leader cell read as several names);
        :func:`taskanalytics.audit` reports them.
    """

    meta: dict[str, Any]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame
    owners: pd.DataFrame
    notes: pd.DataFrame = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"Plan({self.meta.get('doc_number')!s}, year={self.meta.get('year')}, "
            f"tasks={len(self.tasks)}, milestones={len(self.milestones)}, "
            f"targets={len(self.targets)})"
        )

    def _repr_html_(self) -> str:
        sections = self.tasks[["task_id", "section"]]
        ms = self.milestones.merge(sections, on="task_id").groupby("section", sort=False).size()
        tg = self.targets.merge(sections, on="task_id").groupby("section", sort=False).size()
        rows = "".join(
            f"<tr><td>{html.escape(vocab.SECTION_NAMES.get(s, s))}</td><td>{n}</td><td>{ms.get(s, 0)}</td>"
            f"<td>{tg.get(s, 0)}</td></tr>"
            for s, n in self.tasks.groupby("section", sort=False).size().items()
        )
        title = html.escape(str(self.meta.get("table_title") or self.meta.get("title") or ""))
        doc = html.escape(str(self.meta.get("doc_number") or ""))
        return (
            f"<div><strong>{title}</strong> {doc}"
            "<table><tr><th>部分</th><th>任务</th><th>末级节点</th><th>量化指标</th></tr>"
            f"{rows}</table></div>"
        )


def read_plan(
    path: str | Path,
    *,
    year: int | None = None,
    mapping: Mapping[str, str | None] | None = None,
    name: str | None = None,
    limits: Limits | None = None,
) -> Plan:
    """Read a work-plan document into a :class:`Plan`.

    Parameters
    ----------
    path
        The plan, by file type: ``.txt`` (the text export of the Word table; UTF-8 with or
        without BOM, or GB18030), ``.docx`` (merged cells read from the document, tables
        continued across pages joined), ``.xlsx`` (a ledger; merged cells filled from their
        anchor cell; every sheet with a header row is a table) or ``.csv``.
    year
        The plan's year. By default it is read from the document (its title, document number
        or issue date); an explicit year wins.
    mapping
        Headers the synonym table (``vocab.HEADER_SYNONYMS``) does not know, or should read
        differently: header as printed -> contract column (``task``, ``milestones``,
        ``deadline``, ``lead_units``, ``responsible_units``, ``leaders``, ``number``,
        ``category``, ``subcategory``, ``extra``) or None to skip the column; used by every
        reader (the seed's fixed seven-column export excepted). ``taskanalytics parse SOURCE
        --inspect`` shows the mapping chosen.
    name
        The plan's short name (``2023-工作报告``), as the workspace names it; default its year
        and kind (:func:`taskanalytics.plan.identity.default_plan_name`). With ``year`` and the
        source's SHA-256 (``meta["source_sha256"]``) it is the plan's identity in the store.
    limits
        Size, row, column and cell limits of the input (:class:`taskanalytics.limits.Limits`);
        default :func:`taskanalytics.limits.current_limits` (the defaults, overridden by
        ``TASKANALYTICS_*`` environment variables).

    Returns
    -------
    Plan

    Raises
    ------
    PlanParseError
        Naming the file, the line (or table row) and what was expected: empty or undecodable
        file, unsupported file type, a file over a limit, damaged, encrypted or of another
        type than its name says, no task table, a malformed or unknown header, a task number
        used twice or a row printed twice, a task without milestones, a malformed deadline, a
        category that cannot be resolved, no plan year in the document and none given.

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> plan = read_plan(DEFAULT_PLAN_PATH)
    >>> plan.tasks.set_index("task_id").loc["T002", "lead_units"]
    ['发改局']
    """
    path = Path(path)
    source = readers.read_source(path, mapping=mapping, limits=limits)
    meta = dict(source.meta)
    year = _plan_year(path, meta, year)
    meta["year"] = year
    meta["source"] = str(path)
    notes: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    milestone_lines: dict[str, list[tuple[int, str]]] = {}
    declared: dict[str, dict[str, int | None]] = {}
    for table in (part for t in source.tables for part in _section_parts(t)):
        if not table.rows:
            continue
        section = _section(table)
        if section in declared:
            raise PlanParseError(path, table.header_line, f"one {section} table", "a second one")
        declared[section] = {
            "tasks": table.declared_tasks,
            "milestones": table.declared_milestones,
        }
        _build_tasks(path, table, section, year, tasks, milestone_lines, notes)
    meta["declared"] = declared

    milestones, targets = _build_milestones(path, tasks, milestone_lines, year, notes)
    task_df = pd.DataFrame(tasks, columns=TASK_COLUMNS)
    task_df["deadline"] = _datetimes(task_df["deadline"])
    meta["kind"] = plan_kind(task_df)
    if name:
        meta["name"] = name
    meta["source_sha256"] = source.sha256  # of the bytes read, not of a second read
    options = {"mapping": dict(mapping) if mapping else None, "year": year}
    meta["read_options"] = {k: v for k, v in options.items() if v is not None}
    return Plan(
        meta=meta,
        tasks=task_df,
        milestones=milestones,
        targets=targets,
        owners=_owners(tasks),
        notes=pd.DataFrame(notes, columns=["check", "task_id", "line", "detail"]),
    )


#: The plan years (and deadline years) read_plan accepts: 1901-2199.
_YEARS = (1901, 2199)


def _plan_year(path: Path, meta: dict[str, Any], given: int | None) -> int:
    if given is not None:
        if not isinstance(given, int) or isinstance(given, bool) or not 1900 < given < 2200:
            raise PlanParseError(path, None, "year= as a four-digit integer", repr(given))
        return given
    for key in ("table_title", "doc_number", "title"):
        m = re.search(r"(20\d{2})", str(meta.get(key) or ""))
        if m:
            return int(m.group(1))
    issued = meta.get("issued_date")
    if isinstance(issued, dt.date) and _YEARS[0] <= issued.year <= _YEARS[1]:
        return issued.year
    if isinstance(issued, dt.date):
        raise PlanParseError(
            path, None, f"a plan year from {_YEARS[0]} to {_YEARS[1]} (the issue date's year)",
            issued.isoformat(),
        )  # fmt: skip
    raise PlanParseError(
        path,
        None,
        "the plan year in the title or document number (2023年…), or read_plan(..., year=2023)",
    )


def _section_parts(table: Table) -> list[Table]:
    """A table split where a heading row opens the 十件民生实事 inside it (``二、十件民生实事``
    over rows of the work report's table): each part is read as a table of its own section.

    A table whose first row already says 民生实事, or that never does, is one part.
    """
    starts = [
        k
        for k, row in enumerate(table.rows)
        if k > 0 and row.prefix and vocab.LIVELIHOOD_MARK in "".join(row.prefix[0].lines)
    ]
    if not starts or _section(table) == "livelihood":
        return [table]
    cut = starts[0]
    return [
        dataclasses.replace(table, rows=table.rows[:cut]),
        dataclasses.replace(
            table, rows=table.rows[cut:], title="".join(table.rows[cut].prefix[0].lines),
            declared_tasks=None, declared_milestones=None, declared_line=None,
        ),
    ]  # fmt: skip


def _section(table: Table) -> str:
    """十件民生实事 when the first row's category, the task column's header or the table's
    title says 民生实事; else the work report."""
    first = "".join(table.rows[0].prefix[0].lines) if table.rows[0].prefix else ""
    marked = (first, table.headers.get("task", ""), table.headers.get("category", ""))
    if "category" not in table.columns or not first:
        marked += (table.title,)
    return "livelihood" if any(vocab.LIVELIHOOD_MARK in s for s in marked) else "work_report"


def _units(cell: Cell) -> list[str]:
    return list(dict.fromkeys(name for line in cell.lines for name in _names_in_line(line)))


def _leaders(cell: Cell) -> list[str]:
    names = (name for line in cell.lines for name in _names_in_line(line))
    return list(dict.fromkeys(_SPACES.sub("", s) for s in names))


#: Spaces inside a leader's name (``黄  刚``), removed.
_SPACES = re.compile(r"\s+")


def _split_names(line: str) -> list[str]:
    """The names in one line of a unit or leader cell, as a list (see :func:`_names_in_line`)."""
    return list(_names_in_line(line))


@functools.lru_cache(maxsize=4096)
def _names_in_line(line: str) -> tuple[str, ...]:
    """The names in one line of a unit or leader cell; cached, as a plan names the same units
    and leaders on many rows (and each line is read for its names and for the notes).

    Split at ``、，,；;/`` outside brackets (``区委组织部（人社局）`` stays one name) and at
    spaces when every part has two or more characters (``张三 李四``; ``黄  刚`` is one name);
    only into parts that each hold a Chinese character (a name such as ``=cmd|' /C calc'!A0``
    stays whole).
    ``各镇、街道`` is a list of kinds of units: 各镇, 各街道.
    """
    if not _NAME_BREAK.search(line):  # one name, the common case: nothing to split
        name = line.strip(" \u3000\t")
        return (name,) if name else ()
    parts: list[str] = []
    depth, start = 0, 0
    for k, ch in enumerate(line):
        if ch in vocab.NAME_OPEN_BRACKETS:
            depth += 1
        elif ch in vocab.NAME_CLOSE_BRACKETS:
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in vocab.NAME_SEPARATORS:
            parts.append(line[start:k])
            start = k + 1
    parts.append(line[start:])
    if len(parts) > 1 and not all(_CJK.search(p) for p in parts if p.strip(" \u3000\t")):
        parts = [line]  # "=cmd|' /C calc'!A0", "A/B 区": not a list of Chinese names
    names: list[str] = []
    for part in parts:
        words = _split_spaces(part.strip(" \u3000\t"))
        names += words
    prefix = vocab.DISTRIBUTED_PREFIX
    for k in range(1, len(names)):
        if names[k - 1].startswith(prefix) and names[k] in vocab.GENERIC_UNIT_WORDS:
            names[k] = prefix + names[k]
    return tuple(n for n in names if n)


def _split_spaces(text: str) -> list[str]:
    """``张三 李四`` -> two names; ``黄  刚`` (a name padded with spaces) and brackets stay."""
    if "(" in text or "（" in text:
        return [text]
    words = text.split()
    if len(words) > 1 and all(len(w) >= 2 and _CJK.search(w) for w in words):
        return words
    return [text]


#: What may split a line of names: a separator or a space between words.
_NAME_BREAK = re.compile("[" + re.escape("".join(vocab.NAME_SEPARATORS)) + r"]|\S\s+\S")

#: A Chinese character: a name in a unit or leader list holds at least one.
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _note_name_splits(notes: list[dict[str, Any]], task_id: str, row: RawRow) -> None:
    """Note each unit or leader cell read as several names (``name_list_split``), at the
    cell's anchor only."""
    for role, cell in (("lead_units", row.lead), ("responsible_units", row.responsible),
                       ("leaders", row.leaders)):  # fmt: skip
        if cell.merged:
            continue
        for line in cell.lines:
            names = _names_in_line(line)
            if len(names) > 1:
                notes.append(_note("name_list_split", task_id, cell.line,
                                   f"{role}: '{line}' read as {len(names)} names: "
                                   + " | ".join(names)))  # fmt: skip


def _deadline(path: Path, cell: Cell, year: int, header: str = "完成时限") -> dt.date:
    """A deadline cell: ``12月31日`` (optionally with the year), or one date phrase such as
    ``12月底前`` and nothing else."""
    text = "".join(cell.lines)
    m = vocab.DEADLINE_RE.match(text)
    if not m:
        bare = text
        for suffix in vocab.DEADLINE_SUFFIXES:
            bare = bare.removesuffix(suffix)
        due = _phrase_due(bare, year=year, task_deadline=dt.date(year, 12, 31)) if bare else None
        if due is not None and due.kind == "date" and due.phrase == bare:
            return due.date  # one date phrase: 12月底前, 二季度, 2023.6.30, a bare month (11月)
        raise PlanParseError(
            path,
            cell.line,
            f"a deadline such as 12月31日 in the {header} column",
            cell.text.strip(),
        )
    try:
        day = dt.date(int(m.group(1) or year), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise PlanParseError(
            path, cell.line, f"a real calendar date in the {header} column", cell.text.strip()
        ) from exc
    if not _YEARS[0] <= day.year <= _YEARS[1]:  # also: dates a datetime64[ns] column can hold
        raise PlanParseError(
            path, cell.line, f"a year from {_YEARS[0]} to {_YEARS[1]} in the {header} column",
            cell.text.strip(),
        )  # fmt: skip
    return day


def _phrase_due(text: str, *, year: int, task_deadline: dt.date) -> Due:
    """Due date of a phrase from a deadline column: as a milestone's, and a bare month
    (``9月投入使用``) is due at the end of that month."""
    due = parse_due(text, year=year, task_deadline=task_deadline)
    if due.kind == "task_deadline":
        month = parse_month(text, year=year)
        if month is not None:
            return month
    return due


def _phrases(cell: Cell, line_unit: str) -> list[tuple[int, str]]:
    """A deadline cell's phrases (``5月底前动工，9月投入使用``), one milestone each."""
    out = []
    for number, text in _cell_lines(cell, line_unit):
        out += [(number, p.strip()) for p in vocab.DEADLINE_PHRASE_SPLIT_RE.split(text)]
    return [(n, p) for n, p in out if p]


def _phrase_deadline(path: Path, cell: Cell, year: int, header: str, line_unit: str) -> dt.date:
    """The latest date among a deadline cell's phrases."""
    m = vocab.DEADLINE_RE.match("".join(cell.lines))
    if m:
        return _deadline(path, cell, year, header)
    year_end = dt.date(year, 12, 31)
    dates = [
        due.date
        for _, text in _phrases(cell, line_unit)
        if (due := _phrase_due(text, year=year, task_deadline=year_end)).kind in ("date", "range")
    ]
    if not dates:
        raise PlanParseError(
            path,
            cell.line,
            f"a date or date phrase (12月31日, 5月底前动工, 9月投入使用) in the {header} column",
            cell.text.strip(),
        )
    return max(dates)


def _category(path: Path, cell: Cell, names: dict[str, str]) -> str | None:
    """Category text without its numeral; a bare numeral (``五``) is looked up."""
    if cell.blank:
        return None
    lines = cell.lines
    numeral = None
    m = vocab.CATEGORY_NUMERAL_RE.match(lines[0])
    # 二 on its own line, or 二、 with its delimiter; never the 十 of 十件民生实事
    if m and (len(lines) > 1 or m.end() == len(lines[0]) or m.group(0).strip()[-1] in "、.．"):
        numeral = m.group(1)
        lines = [lines[0][m.end() :], *lines[1:]]
    name = "".join(lines).strip()
    if numeral and name:
        names.setdefault(numeral, name)
    elif numeral:
        if numeral not in names:
            raise PlanParseError(
                path, cell.line, f"the category name for numeral {numeral} (seen earlier)", numeral
            )
        name = names[numeral]
    return name


def _subcategory(cell: Cell) -> tuple[str | None, str | None]:
    """(number, name) of a subcategory cell such as ``（一）\\n优化城市功能品质``."""
    if cell.blank:
        return None, None
    text = "".join(cell.lines)
    m = vocab.SUBCATEGORY_NUMBER_RE.match(text)
    if m:
        return m.group(1), text[m.end() :].strip() or None
    return None, text


def _build_tasks(
    path: Path,
    table: Table,
    section: str,
    year: int,
    tasks: list[dict[str, Any]],
    milestone_lines: dict[str, list[tuple[int, str]]],
    notes: list[dict[str, Any]],
) -> None:
    """Append one dict per task of ``table`` to ``tasks``; merge rows of one task.

    Rows of one task are merged only when they repeat its number and its text (or leave the
    task cell blank): a task printed over several rows (task 26 of the seed). Never silently:
    a row repeating the number above with another text (task 5 renumbered "4.") and a row
    printed twice (the same task, milestones and units) are errors naming both lines.
    """
    category: str | None = None
    subcategory: str | None = None
    cat_names: dict[str, str] = {}
    sub_names: dict[tuple[str | None, str], str] = {}
    prev: dict[str, Any] | None = None
    printed: dict[tuple[str, ...], int] = {}  # rows of the task above, by content -> line
    by_id = {t["task_id"]: t for t in tasks}  # the tasks read so far, of every table
    row: RawRow
    has = table.columns
    dl_header = table.headers.get("deadline", "完成时限")
    if "category" not in has:
        # a table without a category column (序号/民生实事/责任单位/完成时限): the task header
        category = table.headers.get("task") or None
    for row in table.rows:
        number, title = _task_number_title(path, table, row, prev)
        task_id = _task_id(section, number)
        new_cat = _category(path, row.prefix[0], cat_names) if row.prefix else None
        if new_cat is not None and new_cat != category:
            category, subcategory = new_cat, None
        if len(row.prefix) == 2:
            sub_no, sub_name = _subcategory(row.prefix[1])
            if sub_no is not None:
                key = (category, sub_no)
                first = sub_names.setdefault(key, sub_name or "")
                if sub_name and sub_name != first and not row.prefix[1].merged:
                    notes.append(_note("inconsistent_header", task_id, row.prefix[1].line,
                                       f"（{sub_no}）的标题前后不一致：“{first}”与“{sub_name}”，按首次出现的“{first}”计"))  # fmt: skip
                subcategory = first or None
            elif sub_name is not None:
                subcategory = sub_name
        elif row.prefix:
            subcategory = None
        if category is None:
            raise PlanParseError(path, row.task.line, "a category for the first task of the table")

        if "milestones" in has:
            lines = _cell_lines(row.milestones, table.line_unit)
        elif "deadline" in has:
            lines = _phrases(row.deadline, table.line_unit)
        else:
            lines = []
        content = _row_content(row)
        if prev is not None and number == prev["number"]:
            if title != prev["title"]:
                raise PlanParseError(
                    path, row.task.line,
                    f"a task number not used by the task above (line {prev['line']}: task "
                    f"{number} “{_short(prev['title'])}”); two tasks cannot share a number",
                    f"{number}.{title}",
                )  # fmt: skip
            if any(lines_ for lines_ in content[:2]) and content in printed:
                raise PlanParseError(
                    path, row.task.line,
                    f"each row once (line {printed[content]} is the same row of task {number})",
                    f"{number}.{title}",
                )  # fmt: skip
            printed[content] = row.task.line
            # the same task printed over several rows (task 26): one task
            _note_name_splits(notes, prev["task_id"], row)
            for col, cell in (("lead_units", row.lead), ("responsible_units", row.responsible)):
                prev[col] = list(dict.fromkeys(prev[col] + _units(cell)))
            prev["leaders"] = list(dict.fromkeys(prev["leaders"] + _leaders(row.leaders)))
            for header, value in row.extra.items():  # columns kept aside: each text once
                old = prev["extra"].get(header)
                prev["extra"][header] = value if not old or old == value else f"{old}\n{value}"
            _continue_task(path, table, row, prev, lines, year, dl_header, milestone_lines)
            continue
        if prev is not None and number != prev["number"] + 1:
            notes.append(_note("numbering_gap", task_id, row.task.line,
                               f"任务序号从{prev['number']}跳到{number}"))  # fmt: skip
        _note_name_splits(notes, task_id, row)
        lead, responsible, leaders = (
            _units(row.lead),
            _units(row.responsible),
            _leaders(row.leaders),
        )
        if table.merges_known:
            pass  # merged cells were filled from their anchor: a blank cell is empty
        elif prev is not None and not (lead or responsible or leaders):
            # vertically merged cells: the row continues the units of the task above
            lead, responsible, leaders = (list(prev[c]) for c in ("lead_units", "responsible_units", "leaders"))  # fmt: skip
        else:
            if not lead and prev is not None and "lead_units" in has:
                lead = list(prev["lead_units"])
            if not leaders and prev is not None and "leaders" in has:
                leaders = list(prev["leaders"])
        if "deadline" not in has:
            deadline = None  # from the milestones, see _build_milestones
        elif row.deadline.blank and prev is not None:
            deadline = prev["deadline"]
        elif "milestones" in has:
            deadline = _deadline(path, row.deadline, year, dl_header)
        elif row.deadline.blank:
            deadline = dt.date(year, 12, 31)
        else:
            deadline = _phrase_deadline(path, row.deadline, year, dl_header, table.line_unit)
        prev = {
            "task_id": task_id,
            "section": section,
            "number": number,
            "category": category,
            "subcategory": subcategory,
            "title": title,
            "deadline": deadline,
            "lead_units": lead,
            "responsible_units": responsible,
            "leaders": leaders,
            "extra": dict(row.extra),  # columns kept aside by the reader (落实情况, 备注 …)
            "line": row.task.line,
            # not columns: how _build_milestones reads this task's milestone lines
            "_milestones": "cell" if "milestones" in has else "phrases",
            "_milestones_header": table.headers.get("milestones", "时间节点"),
        }
        first = by_id.get(task_id)
        if first is not None:
            raise PlanParseError(
                path, row.task.line,
                f"task number {number} only once (line {first['line']}: task {number} "
                f"“{_short(first['title'])}”)",
                f"{number}.{title}",
            )  # fmt: skip
        printed = {content: row.task.line}
        tasks.append(prev)
        by_id[task_id] = prev
        milestone_lines[task_id] = lines


def _continue_task(
    path: Path,
    table: Table,
    row: RawRow,
    task: dict[str, Any],
    lines: list[tuple[int, str]],
    year: int,
    header: str,
    milestone_lines: dict[str, list[tuple[int, str]]],
) -> None:
    """Add the milestone lines of a row that continues ``task`` (same number, or a blank or
    merged task cell).

    A milestone cell merged with the one above (``Cell.merged``) repeats the anchor's text and
    is skipped: its targets count once. A sub-row starts a block of its own (``_blocks``), whose
    milestones are split apart from the rows above and, without a date in their text, are due
    at the sub-row's own deadline; the task's deadline is the latest of its rows'. A sub-row is
    any continuation row of a table that records merges (``.docx``, ``.xlsx``), or one with a
    deadline of its own that differs from the rows above (the text export prints a task over
    several rows, task 26 of the seed, without either).
    """
    cell = row.milestones if task["_milestones"] == "cell" else row.deadline
    if cell.merged:
        return
    task_lines = milestone_lines[task["task_id"]]
    # the first block is the task's first row, due by its deadline
    blocks = task.setdefault("_blocks", [(0, task["deadline"])])
    own = None
    if task["_milestones"] == "cell" and not (row.deadline.blank or row.deadline.merged):
        try:
            own = _deadline(path, row.deadline, year, header)
        except PlanParseError:
            own = None  # as before sub-rows: a continuation row's deadline is not read
    above = blocks[-1][1] if blocks and blocks[-1][1] is not None else task["deadline"]
    if table.merges_known or (own is not None and own != above):
        blocks.append((len(task_lines), own))
        if own is not None and (task["deadline"] is None or own > task["deadline"]):
            task["deadline"] = own
    if task["_milestones"] == "phrases" and task["deadline"] is not None:
        # a sub-row's deadline phrases: the task is due at the latest of them
        year_end = dt.date(year, 12, 31)
        dues = (_phrase_due(text, year=year, task_deadline=year_end) for _, text in lines)
        latest = max((d.date for d in dues if d.kind in ("date", "range")), default=None)
        if latest is not None and latest > task["deadline"]:
            task["deadline"] = latest
    task_lines += lines


def _row_content(row: RawRow) -> tuple[str, ...]:
    """What a row says besides its task: milestones and deadline first, then units and
    leaders; two rows of one task saying the same are one row printed twice."""
    cells = (row.milestones, row.deadline, row.lead, row.responsible, row.leaders)
    return tuple("\n".join(c.lines) for c in cells)


def _short(text: str, width: int = 20) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _task_id(section: str, number: int) -> str:
    """``T001``..``T122`` for the work-report table, ``L01``..``L10`` for 十件民生实事."""
    return f"T{number:03d}" if section == "work_report" else f"L{number:02d}"


def _task_number_title(
    path: Path, table: Table, row: RawRow, prev: dict[str, Any] | None
) -> tuple[int, str]:
    """The row's task number and title.

    The number comes from a 序号 column when the table has one, else from the task text
    (``12.…``); an unnumbered task text is the next number (or the task above when it repeats
    that task's text); a row with a blank task cell continues the task above.
    """
    text = "\n".join(row.task.lines)
    m = vocab.TASK_RE.match(text)
    if row.number is not None and not row.number.blank:
        raw = "".join(row.number.lines)
        digits = re.fullmatch(r"(\d{1,3})\s*[.．、]?", raw)
        if digits is None:
            header = table.headers.get("number", "序号")
            raise PlanParseError(
                path, row.number.line, f"a task number in the {header} column", raw
            )
        number = int(digits.group(1))
        title = m.group(2) if m and int(m.group(1)) == number else text
    elif m:
        number, title = int(m.group(1)), m.group(2)
    elif text and prev is not None:
        repeated = _flat(text) == prev["title"]
        number, title = (prev["number"] if repeated else prev["number"] + 1), text
    elif text:
        number, title = 1, text
    elif prev is not None:
        return prev["number"], prev["title"]
    else:
        header = table.headers.get("task", "指标任务")
        raise PlanParseError(path, row.task.line, f"a task in the {header} column", "an empty cell")
    return number, _flat(title)


def _flat(text: str) -> str:
    return "".join(s.strip() for s in text.split("\n")).strip()


def _cell_lines(cell: Cell, line_unit: str = "line") -> list[tuple[int, str]]:
    """The cell's lines with their line numbers; every line of a table cell has its row's."""
    step = 1 if line_unit == "line" else 0
    return [(cell.line + k * step, s) for k, s in enumerate(cell.text.split("\n"))]


def _note(check: str, task_id: str | None, line: int | None, detail: str) -> dict[str, Any]:
    return {"check": check, "task_id": task_id, "line": line, "detail": detail}


#: The day datetime64 counts from, as a :meth:`datetime.date.toordinal` day number.
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
#: datetime64's NaT as an int64 day count: a missing date.
_NAT_DAYS = np.iinfo(np.int64).min


def _datetimes(dates: pd.Series) -> pd.Series:
    """datetime.date values (None: NaT) to datetime64[ns], through their day numbers: without
    pandas' per-element format inference, and faster than numpy's conversion of date objects."""
    days = [_NAT_DAYS if d is None else d.toordinal() - _EPOCH_ORDINAL for d in dates.tolist()]
    values = np.array(days, dtype="int64").astype("datetime64[D]").astype("datetime64[ns]")
    return pd.Series(values, index=dates.index, name=dates.name)


def _build_milestones(
    path: Path,
    tasks: list[dict[str, Any]],
    milestone_lines: dict[str, list[tuple[int, str]]],
    year: int,
    notes: list[dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Leaf milestones and their targets, per task and sub-row block.

    Targets are counted once: from the milestones; from the task's own text only in a table
    without a milestones column whose deadline phrases for the task are dates and nothing else
    (``12月底前`` in a 民生实事 ledger), attached to the task's last milestone.
    """
    milestones: list[tuple[Any, ...]] = []
    targets: list[tuple[Any, ...]] = []
    year_end = dt.date(year, 12, 31)
    for task in tasks:
        task_id = task["task_id"]
        lines = milestone_lines[task_id]
        # (start of the block in lines, its sub-row's deadline): one block per sub-row
        blocks = task.get("_blocks") or [(0, None)]
        bounds = [(start, end, dl) for (start, dl), (end, _) in zip(blocks, [*blocks[1:], (len(lines), None)], strict=True)]  # fmt: skip
        leaves: list[Leaf] = []
        block_deadline: list[dt.date | None] = []
        if task["_milestones"] == "cell":
            for start, end, dl in bounds:
                found = split_leaves(lines[start:end])
                leaves += found
                block_deadline += [dl] * len(found)
            due_of = parse_due
            if not leaves:
                raise PlanParseError(
                    path, task["line"],
                    f"milestones for task {task['number']} in the {task['_milestones_header']} column",
                    "an empty cell",
                )  # fmt: skip
        else:
            # phrases of the deadline column (5月底前动工，9月投入使用), one milestone each
            for start, end, dl in bounds:
                for line, raw in lines[start:end]:
                    if text := raw.strip().strip(vocab.TRAILING_PUNCT).strip():
                        leaves.append(Leaf("", None, text, line))
                        block_deadline.append(dl)
            due_of = _phrase_due
        if task["deadline"] is None:
            # no deadline column: the latest dated milestone, else the end of the plan year
            dues = (due_of(leaf.text, year=year, task_deadline=year_end) for leaf in leaves)
            task["deadline"] = max(
                (d.date for d in dues if d.kind in ("date", "range")), default=year_end
            )
        rows: list[tuple[Any, ...]] = []
        for position, (leaf, own) in enumerate(zip(leaves, block_deadline, strict=True), start=1):
            deadline = own or task["deadline"]
            due = due_of(leaf.text, year=year, task_deadline=deadline)
            milestone_id = f"{task_id}.{position:02d}"
            if due.kind == "task_deadline" and leaf.group:
                # 二季度：①…②…: items without a date of their own are due at their heading's
                heading = parse_due(leaf.group, year=year, task_deadline=deadline)
                if heading.kind == "date":
                    due = heading
            if due.vague:
                notes.append(_note("unknown_date_phrase", task_id, leaf.line,
                                   f"{milestone_id}：未识别的时间表述“{due.vague}”，按任务完成时限计"))  # fmt: skip
            if due.inferred:
                notes.append(_note("inferred_date", task_id, leaf.line,
                                   f"{milestone_id}: due {due.date.isoformat()} inferred from "
                                   f"the vague time phrase '{due.phrase}'"))  # fmt: skip
            rows.append((
                milestone_id, task_id, position, leaf.label, leaf.group, leaf.text, due.date,
                due.kind, due.recurrence, _quarter_label(due.date), due.phrase, leaf.line,
            ))  # fmt: skip
            for no, t in enumerate(extract_targets(leaf.text), start=1):
                targets.append(
                    (milestone_id, task_id, no, t.metric, t.value, t.unit, t.comparator, t.raw)
                )
        milestones += rows
        if task["_milestones"] == "phrases" and rows and all(_date_only(x.text) for x in leaves):
            # no milestones column, and the deadline says nothing but dates (a 民生实事 ledger's
            # 12月底前): the title's targets belong to the last milestone; else they are counted
            # in the milestones
            last = rows[-1][0]
            for no, t in enumerate(extract_targets(task["title"]), start=1):
                targets.append((last, task_id, no, t.metric, t.value, t.unit, t.comparator, t.raw))
    ms = pd.DataFrame(milestones, columns=MILESTONE_COLUMNS)
    ms["due_date"] = _datetimes(ms["due_date"])
    return ms, _targets_frame(targets)


#: The targets table's numeric columns; its other columns are text.
_TARGET_DTYPES = {"target_no": "int64", "value": "float64"}


def _targets_frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """The targets table from its rows, built column by column with the numeric columns typed:
    typed even when empty (a plan without any quantity: object columns would fail the schema)."""
    columns = list(zip(*rows, strict=True)) or [()] * len(TARGET_COLUMNS)
    return pd.DataFrame(
        {
            name: np.array(values, dtype=_TARGET_DTYPES.get(name, object))
            for name, values in zip(TARGET_COLUMNS, columns, strict=True)
        }
    )


@functools.lru_cache(maxsize=1024)
def _quarter_label(day: dt.date) -> str:
    """``2023Q2``: the quarter a due date falls in (cached: a plan's milestones share a few
    dozen due dates)."""
    return Quarter.of_date(day).label


def _date_only(text: str) -> bool:
    """True when a milestone's text is a date and nothing else (``12月底前``, ``10月31日``)."""
    rest = vocab.DATE_PHRASE_RE.sub("", text)
    rest = vocab.BARE_MONTH_DATE_RE.sub("", vocab.DEADLINE_RE.sub("", rest))
    for word in (*vocab.DEADLINE_SUFFIXES, "完成"):
        rest = rest.replace(word, "")
    return not rest.strip(vocab.TRAILING_PUNCT + "：:")


def _owners(tasks: list[dict[str, Any]]) -> pd.DataFrame:
    roles = {"lead_units": "lead", "responsible_units": "responsible", "leaders": "leader"}
    rows = [
        (t["task_id"], role, name) for t in tasks for col, role in roles.items() for name in t[col]
    ]
    return pd.DataFrame(rows, columns=OWNER_COLUMNS)
