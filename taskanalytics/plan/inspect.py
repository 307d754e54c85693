"""Inspect before trusting: what ``read_plan`` made of a document, and every guess it made.

:func:`inspect_plan` reads a document as :func:`~taskanalytics.plan.build.read_plan` does (same
``mapping=`` and ``year=``) and keeps what an analyst needs to check it: each table's title,
section and column mapping (header as printed -> contract column, and the columns kept aside as
``extra``), the tasks with their milestones and targets, and the parser's notes — every guess
(a unit list split, a date inferred, a unit it does not know) and every oddity it noticed.
:meth:`Inspection.lines` prints it for ``taskanalytics parse SOURCE --inspect``; a wrong column
or guess is corrected with a ``mapping`` in the workspace settings, not in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from taskanalytics.limits import Limits
from taskanalytics.plan import readers, vocab
from taskanalytics.plan.build import Plan, read_plan
from taskanalytics.plan.readers.text import EXPORT_COLUMNS

__all__ = ["Inspection", "TableView", "inspect_plan"]

#: Contract columns in the order the inspection lists them.
_COLUMN_ORDER = (
    "category", "subcategory", "number", "task", "milestones", "deadline",
    "lead_units", "responsible_units", "leaders",
)  # fmt: skip


@dataclass(frozen=True)
class TableView:
    """One table of the document as the reader saw it.

    Attributes
    ----------
    index
        0-based position in the document.
    title
        The text above the table (a title paragraph or row, a sheet name); may be empty.
    header_line
        Line (text) or row (grid) of its header.
    columns
        Contract column -> header as printed, in contract order.
    extra
        Headers of columns kept aside as ``tasks.extra`` (progress, remarks, unknown).
    rows
        Task rows read from it.
    unit
        What ``header_line`` counts: ``line`` (text) or ``row`` (a grid).
    """

    index: int
    title: str
    header_line: int
    columns: dict[str, str]
    extra: tuple[str, ...]
    rows: int
    unit: str = "line"


@dataclass(frozen=True)
class Inspection:
    """What a document gave: its tables, the plan, and the parser's notes."""

    path: Path
    tables: tuple[TableView, ...]
    plan: Plan

    @property
    def guesses(self) -> pd.DataFrame:
        """The parser's notes (``check``, ``task_id``, ``line``, ``detail``)."""
        return self.plan.notes

    def lines(self, *, milestones: bool = True) -> list[str]:
        """The inspection as text lines (English frame, the document's own words inside).

        Parameters
        ----------
        milestones
            List every milestone under its task (default); False gives one line per task.
        """
        plan = self.plan
        meta = plan.meta
        out = [
            f"source: {self.path.name} ({self.path.suffix.lstrip('.')}), "
            f"{len(self.tables)} table(s)",
            f"plan: {meta.get('table_title') or meta.get('title') or '-'}; "
            f"doc number {meta.get('doc_number') or '-'}; year {meta.get('year')}; "
            f"kind {meta.get('kind')}",
            f"read: {len(plan.tasks)} tasks, {len(plan.milestones)} milestones, "
            f"{len(plan.targets)} targets, {len(plan.notes)} notes",
        ]
        for t in self.tables:
            out.append("")
            out.append(f"table {t.index + 1}: {t.title or '(no title)'} — header at {t.unit} "
                       f"{t.header_line}, {t.rows} task rows")  # fmt: skip
            for column, header in t.columns.items():
                out.append(f"  {header} -> {column}")
            for header in t.extra:
                out.append(f"  {header} -> extra (kept aside, not interpreted)")
        out += ["", "tasks:"]
        by_task = _group(plan.milestones, "task_id")
        targets = _group(plan.targets, "milestone_id")
        for task in plan.tasks.to_dict("records"):
            ms = by_task.get(task["task_id"], [])
            owners = "、".join(task["lead_units"]) or "-"
            out.append(
                f"  {task['task_id']} [{task['section']}] {_short(task['title'], 40)} "
                f"| lead {owners} | deadline {_day(task['deadline'])} | {len(ms)} "
                f"milestone{'' if len(ms) == 1 else 's'}"
            )
            if not milestones:
                continue
            for m in ms:
                recurrence = m.get("recurrence")
                kind = m["due_kind"] + (f"/{recurrence}" if isinstance(recurrence, str) else "")
                found = targets.get(m["milestone_id"], [])
                shown = "; ".join(_target(t) for t in found)
                out.append(
                    f"    {m['milestone_id']} {_day(m['due_date'])} ({kind}) "
                    f"{_short(m['text'], 50)}" + (f" => {shown}" if shown else "")
                )
        out += ["", f"notes and guesses ({len(plan.notes)}):"]
        if plan.notes.empty:
            out.append("  none")
        for note in plan.notes.to_dict("records"):
            where = note["task_id"] or "-"
            line = "" if pd.isna(note["line"]) else f" line {int(note['line'])}"
            out.append(f"  [{note['check']}] {where}{line}: {note['detail']}")
        return out


def inspect_plan(
    path: str | Path,
    *,
    year: int | None = None,
    mapping: Mapping[str, str | None] | None = None,
    limits: Limits | None = None,
) -> Inspection:
    """Read a document and keep what it gave, for an analyst to check before trusting it.

    Parameters
    ----------
    path
        A plan document (``.txt``, ``.docx``, ``.xlsx``, ``.csv``).
    year, mapping, limits
        As for :func:`~taskanalytics.plan.build.read_plan`.

    Returns
    -------
    Inspection

    Raises
    ------
    PlanParseError
        As :func:`read_plan` does (an unknown header is reported with every other one).

    Examples
    --------
    >>> print("\\n".join(inspect_plan(config.DEFAULT_PLAN_PATH).lines()[:3]))  # doctest: +SKIP
    """
    path = Path(path)
    plan = read_plan(path, year=year, mapping=mapping, limits=limits)
    source = readers.read_source(path, mapping=mapping, limits=limits)
    views = []
    for table in source.tables:
        headers = dict(getattr(table, "headers", {}) or {})
        if not headers and table.columns == EXPORT_COLUMNS:  # the seed's fixed export header
            headers = {column: header for header, column in vocab.TABLE_HEADERS.items()}
        columns = {c: headers[c] for c in _COLUMN_ORDER if c in headers}
        extra: dict[str, None] = {}
        for row in table.rows:
            for header in getattr(row, "extra", None) or {}:
                extra.setdefault(header, None)
        views.append(
            TableView(
                index=table.index,
                title=table.title,
                header_line=table.header_line,
                columns=columns,
                extra=tuple(extra),
                rows=len(table.rows),
                unit=table.line_unit,
            )
        )
    return Inspection(path, tuple(views), plan)


def _group(frame: pd.DataFrame, key: str) -> dict[Any, list[dict[str, Any]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        out.setdefault(record[key], []).append(record)
    return out


def _short(text: object, width: int) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _day(value: object) -> str:
    return "-" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _target(target: Mapping[str, Any]) -> str:
    comparator = {">=": "≥", "<=": "≤"}.get(target["comparator"], "")
    unit = target["unit"] if isinstance(target["unit"], str) else ""
    return f"{target['metric']} {comparator}{target['value']:g}{unit}"
