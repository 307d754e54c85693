"""The plan: ``read_plan`` turns the source document into tidy dataframes.

Where each column is born:

- ``tasks``: :func:`_build_tasks` (category inheritance, merged cells, units, leaders);
- ``milestones``: :mod:`taskanalytics.milestones` (leaves, groups, due dates);
- ``targets``: :mod:`taskanalytics.targets` (quantities);
- ``owners``: :func:`_owners` (long form of the three unit/leader lists).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import document, vocab
from .document import Cell, RawRow, Table
from .errors import PlanParseError
from .milestones import parse_due, split_leaves
from .targets import extract_targets

SECTIONS = ("work_report", "livelihood")
TASK_COLUMNS = [
    "task_id", "section", "number", "category", "subcategory", "title", "deadline",
    "lead_units", "responsible_units", "leaders", "line",
]  # fmt: skip
MILESTONE_COLUMNS = [
    "milestone_id", "task_id", "position", "label", "group", "text", "due_date", "due_kind",
    "recurrence", "quarter", "due_phrase", "line",
]  # fmt: skip
TARGET_COLUMNS = [
    "milestone_id", "task_id", "target_no", "metric", "value", "unit", "comparator", "raw",
]  # fmt: skip
OWNER_COLUMNS = ["task_id", "role", "name"]


@dataclass(frozen=True)
class Plan:
    """A parsed work plan: the letter's metadata and four tidy tables.

    Attributes
    ----------
    meta : dict
        ``title``, ``issuer``, ``doc_number``, ``issued_date``, ``year``, ``table_title``,
        ``declared`` (``{section: {"tasks": n, "milestones": m}}`` as the document states) and
        ``source`` (the file read).
    tasks, milestones, targets, owners : pandas.DataFrame
        See ``docs/data-contract.md``; one row per task, leaf milestone, quantitative target,
        and (task, role, name).
    notes : pandas.DataFrame
        Things the parser noticed but did not fail on (inconsistent repeated headers, gaps in
        numbering, time words it could not date); :func:`taskanalytics.audit` reports them.
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
        by_section = self.tasks.groupby("section", sort=False).size()
        ms = self.milestones.merge(self.tasks[["task_id", "section"]], on="task_id")
        ms_by = ms.groupby("section", sort=False).size()
        rows = "".join(
            f"<tr><td>{html.escape(str(s))}</td><td>{by_section[s]}</td>"
            f"<td>{ms_by.get(s, 0)}</td></tr>"
            for s in by_section.index
        )
        title = html.escape(str(self.meta.get("table_title") or self.meta.get("title") or ""))
        return (
            f"<div><strong>{title}</strong> {html.escape(str(self.meta.get('doc_number')))}"
            f"<table><tr><th>section</th><th>tasks</th><th>milestones</th></tr>{rows}</table>"
            f"<small>{len(self.targets)} quantitative targets</small></div>"
        )


def read_plan(path: str | Path) -> Plan:
    """Read a work-plan document (text export of the Word table) into a :class:`Plan`.

    Parameters
    ----------
    path
        The ``.txt`` export; UTF-8 (with or without BOM) or GB18030.

    Returns
    -------
    Plan

    Raises
    ------
    PlanParseError
        Naming the file, the line and what was expected: empty or undecodable file, no task
        table, a malformed header, a task without milestones, a malformed deadline, a category
        that cannot be resolved.

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> plan = read_plan(DEFAULT_PLAN_PATH)
    >>> plan.tasks.set_index("task_id").loc["T002", "lead_units"]
    ['发改局']
    """
    path = Path(path)
    text = document.decode(path)
    preamble, cells = document.split_cells(text)
    tables = document.read_tables(path, cells)
    meta = document.read_letter(preamble)
    year = _plan_year(path, meta)
    meta["year"] = year
    meta["source"] = str(path)
    notes: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    milestone_lines: dict[str, list[tuple[int, str]]] = {}
    declared: dict[str, dict[str, int | None]] = {}
    for table in tables:
        section = _section(table)
        if section in declared:
            raise PlanParseError(
                path, table.header_line, f"one {section} table", "a second one"
            )
        declared[section] = {
            "tasks": table.declared_tasks,
            "milestones": table.declared_milestones,
        }
        _build_tasks(path, table, section, year, tasks, milestone_lines, notes)
    meta["declared"] = declared

    milestones, targets = _build_milestones(path, tasks, milestone_lines, year, notes)
    task_df = pd.DataFrame(tasks, columns=TASK_COLUMNS)
    task_df["deadline"] = _datetimes(task_df["deadline"])
    return Plan(
        meta=meta,
        tasks=task_df,
        milestones=milestones,
        targets=targets,
        owners=_owners(tasks),
        notes=pd.DataFrame(notes, columns=["check", "task_id", "line", "detail"]),
    )


def _plan_year(path: Path, meta: dict[str, Any]) -> int:
    for key in ("table_title", "doc_number", "title"):
        m = re.search(r"(20\d{2})", str(meta.get(key) or ""))
        if m:
            return int(m.group(1))
    if isinstance(meta.get("issued_date"), dt.date):
        return meta["issued_date"].year
    raise PlanParseError(path, None, "the plan year in the title or document number (2023年…)")


def _section(table: Table) -> str:
    first = "".join(table.rows[0].prefix[0].lines) if table.rows[0].prefix else ""
    return "livelihood" if vocab.LIVELIHOOD_MARK in first else "work_report"


def _units(cell: Cell) -> list[str]:
    return list(dict.fromkeys(cell.lines))


def _leaders(cell: Cell) -> list[str]:
    return list(dict.fromkeys(re.sub(r"\s+", "", s) for s in cell.lines))


def _deadline(path: Path, cell: Cell, year: int) -> dt.date:
    m = vocab.DEADLINE_RE.match("".join(cell.lines))
    if not m:
        raise PlanParseError(
            path, cell.line, "a deadline such as 12月31日 in the 完成时限 column", cell.text.strip()
        )
    try:
        return dt.date(int(m.group(1) or year), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise PlanParseError(
            path, cell.line, "a real calendar date in the 完成时限 column", cell.text.strip()
        ) from exc


def _category(path: Path, cell: Cell, names: dict[str, str]) -> str | None:
    """Category text without its numeral; a bare numeral (``五``) is looked up."""
    if cell.blank:
        return None
    lines = cell.lines
    numeral = None
    m = vocab.CATEGORY_NUMERAL_RE.match(lines[0])
    if m and (len(lines) > 1 or m.end() == len(lines[0])):
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
    """Append one dict per task of ``table`` to ``tasks``; merge rows of one task."""
    category: str | None = None
    subcategory: str | None = None
    cat_names: dict[str, str] = {}
    sub_names: dict[tuple[str | None, str], str] = {}
    prev: dict[str, Any] | None = None
    row: RawRow
    for row in table.rows:
        number, title = _task_number_title(row.task)
        task_id = _task_id(section, number)
        new_cat = _category(path, row.prefix[0], cat_names) if row.prefix else None
        if new_cat is not None and new_cat != category:
            category, subcategory = new_cat, None
        if len(row.prefix) == 2:
            sub_no, sub_name = _subcategory(row.prefix[1])
            if sub_no is not None:
                key = (category, sub_no)
                first = sub_names.setdefault(key, sub_name or "")
                if sub_name and sub_name != first:
                    notes.append(_note("inconsistent_header", task_id, row.prefix[1].line,
                                       f"（{sub_no}）的标题前后不一致：“{first}”与“{sub_name}”，按首次出现的“{first}”计"))  # fmt: skip
                subcategory = first or None
            elif sub_name is not None:
                subcategory = sub_name
        elif row.prefix:
            subcategory = None
        if category is None:
            raise PlanParseError(path, row.task.line, "a category for the first task of the table")

        if prev is not None and number == prev["number"]:
            # the same task printed over several rows (task 26): one task
            for col, cell in (("lead_units", row.lead), ("responsible_units", row.responsible)):
                prev[col] = list(dict.fromkeys(prev[col] + _units(cell)))
            prev["leaders"] = list(dict.fromkeys(prev["leaders"] + _leaders(row.leaders)))
            milestone_lines[prev["task_id"]] += _cell_lines(row.milestones)
            continue
        if prev is not None and number != prev["number"] + 1:
            notes.append(_note("numbering_gap", task_id, row.task.line,
                               f"任务序号从{prev['number']}跳到{number}"))  # fmt: skip
        lead, responsible, leaders = _units(row.lead), _units(row.responsible), _leaders(row.leaders)
        if prev is not None and not (lead or responsible or leaders):
            # vertically merged cells: the row continues the units of the task above
            lead, responsible, leaders = (list(prev[c]) for c in ("lead_units", "responsible_units", "leaders"))  # fmt: skip
        else:
            if not lead and prev is not None:
                lead = list(prev["lead_units"])
            if not leaders and prev is not None:
                leaders = list(prev["leaders"])
        if row.deadline.blank and prev is not None:
            deadline = prev["deadline"]
        else:
            deadline = _deadline(path, row.deadline, year)
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
            "line": row.task.line,
        }
        if any(t["task_id"] == task_id for t in tasks):
            raise PlanParseError(path, row.task.line, f"task number {number} only once", title)
        tasks.append(prev)
        milestone_lines[task_id] = _cell_lines(row.milestones)


def _task_id(section: str, number: int) -> str:
    """``T001``..``T122`` for the work-report table, ``L01``..``L10`` for 十件民生实事."""
    return f"T{number:03d}" if section == "work_report" else f"L{number:02d}"


def _task_number_title(cell: Cell) -> tuple[int, str]:
    m = vocab.TASK_RE.match("\n".join(cell.lines))
    assert m is not None  # read_tables only makes rows from task cells
    title = "".join(s.strip() for s in m.group(2).split("\n")).strip()
    return int(m.group(1)), title


def _cell_lines(cell: Cell) -> list[tuple[int, str]]:
    return [(cell.line + k, s) for k, s in enumerate(cell.text.split("\n"))]


def _note(check: str, task_id: str | None, line: int | None, detail: str) -> dict[str, Any]:
    return {"check": check, "task_id": task_id, "line": line, "detail": detail}


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _datetimes(dates: pd.Series) -> pd.Series:
    """datetime.date values to datetime64, without pandas' per-element format inference."""
    values = np.array(dates.tolist(), dtype="datetime64[D]").astype("datetime64[ns]")
    return pd.Series(values, index=dates.index, name=dates.name)


def _build_milestones(
    path: Path,
    tasks: list[dict[str, Any]],
    milestone_lines: dict[str, list[tuple[int, str]]],
    year: int,
    notes: list[dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    milestones: list[tuple[Any, ...]] = []
    targets: list[tuple[Any, ...]] = []
    for task in tasks:
        task_id = task["task_id"]
        leaves = split_leaves(milestone_lines[task_id])
        if not leaves:
            raise PlanParseError(
                path, task["line"], f"milestones for task {task['number']} in the 时间节点 column",
                "an empty cell",
            )  # fmt: skip
        for position, leaf in enumerate(leaves, start=1):
            due = parse_due(leaf.text, year=year, task_deadline=task["deadline"])
            milestone_id = f"{task_id}.{position:02d}"
            if due.vague:
                notes.append(_note("unknown_date_phrase", task_id, leaf.line,
                                   f"{milestone_id}：未识别的时间表述“{due.vague}”，按任务完成时限计"))  # fmt: skip
            milestones.append((
                milestone_id, task_id, position, leaf.label, leaf.group, leaf.text, due.date,
                due.kind, due.recurrence, _quarter(due.date), due.phrase, leaf.line,
            ))  # fmt: skip
            for no, t in enumerate(extract_targets(leaf.text), start=1):
                targets.append(
                    (milestone_id, task_id, no, t.metric, t.value, t.unit, t.comparator, t.raw)
                )
    ms = pd.DataFrame(milestones, columns=MILESTONE_COLUMNS)
    ms["due_date"] = _datetimes(ms["due_date"])
    tg = pd.DataFrame(targets, columns=TARGET_COLUMNS)
    tg["value"] = tg["value"].astype(float)
    return ms, tg


def _owners(tasks: list[dict[str, Any]]) -> pd.DataFrame:
    roles = {"lead_units": "lead", "responsible_units": "responsible", "leaders": "leader"}
    rows = [
        (t["task_id"], role, name) for t in tasks for col, role in roles.items() for name in t[col]
    ]
    return pd.DataFrame(rows, columns=OWNER_COLUMNS)
