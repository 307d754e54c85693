"""Plans published as prose: numbered paragraphs with who and when in brackets.

Some offices print the decomposition as paragraphs instead of a table::

    一、稳增长
    （一）扩大有效投资
    1．全年实施亿元以上项目30个。（责任领导：张三；牵头单位：区发改局；配合单位：区财政局；完成时限：2023年12月底）

:func:`read_prose` reads such a document (a ``.txt`` without tab cells, a ``.docx`` without
tables) into one :class:`~taskanalytics.plan.readers.text.Table` whose rows are the numbered
paragraphs: headings ``一、…`` and ``（一）…`` are the category cells, the text before the
bracketed block the task cell, and each ``key：value`` of the block the cell of the column the
synonym table (plus ``mapping=``) names for ``key`` (责任领导, 牵头单位/牵头部门, 责任单位,
配合单位, 完成时限/时限 …). The block may stand at the end of the paragraph or on the next line,
in full- or half-width brackets (or none: ``牵头单位：…；完成时限：…`` on a line of its own),
with full- or half-width colons and semicolons. Keys the synonym table does not know are kept
aside (``RawRow.extra``). The paragraphs before the first heading or numbered paragraph are the
letter; the last of them is the table's title (民生实事 there makes the plan ``livelihood``).
"""

from __future__ import annotations

import re
from pathlib import Path

from taskanalytics.errors import PlanParseError
from taskanalytics.plan import vocab
from taskanalytics.plan.readers.grid import Headers, header_key
from taskanalytics.plan.readers.text import Cell, RawRow, Source, Table, read_letter

#: A numbered paragraph: "1．", "12.", "3、" (not "2023年", whose digits are four).
_ITEM_RE = re.compile(r"^\s*\d{1,3}\s*[.．、](?!\d)\s*\S")
_HEADING_RE = re.compile(rf"^\s*[{vocab.CN_NUMERALS}]+\s*[、.．]\s*\S")
_SUBHEADING_RE = re.compile(rf"^\s*[（(]\s*[{vocab.CN_NUMERALS}]+\s*[）)]\s*\S")
#: A bracketed block closing the paragraph: （…）, (…), 【…】, [...], then optional 。；.
_BLOCK_RE = re.compile(r"[（(【\[]([^（()）【】\[\]]*)[）)】\]][\s。.；;，,]*$")
#: ``key：`` inside a block: a short run of characters without separators before a colon.
_KEY_RE = re.compile(r"(?P<key>[^\s：:；;，,。、（()）【】\[\]]{2,12})\s*[：:]")
_VALUE_STRIP = " \u3000\t；;，,。.、"
#: The contract columns a paragraph's block may fill, in :class:`RawRow` order.
_FIELDS = ("deadline", "lead_units", "responsible_units", "leaders")


def read_prose(path: Path, lines: list[tuple[int, str]], lookup: Headers) -> Source:
    """Read numbered paragraphs into a :class:`Source` with one table.

    Parameters
    ----------
    path
        The file, named in errors.
    lines
        (line or paragraph number, text) of the whole document.
    lookup
        The synonym table with ``mapping=`` laid over it
        (:func:`~taskanalytics.plan.readers.grid.lookup_headers`).

    Returns
    -------
    Source
        The letter read from the paragraphs before the first item, and one table; its
        ``line_unit`` is ``"line"`` (each paragraph's own line).

    Raises
    ------
    PlanParseError
        When no numbered paragraph carries a block of known keys (no task table either).
    """
    preamble: list[tuple[int, str]] = []
    items: list[tuple[list[Cell], int, list[str]]] = []  # prefix, line, text parts
    pending: list[Cell] = []
    started = False
    for number, raw in lines:
        text = raw.strip(" \u3000\t")
        if not text:
            continue
        if _ITEM_RE.match(text):
            started = True
            items.append((pending, number, [text]))
            pending = []
        elif _HEADING_RE.match(text) or _SUBHEADING_RE.match(text):
            started = True
            pending = _heading(pending, Cell(text, number))
        elif not started:
            preamble.append((number, text))
        elif items and not pending and _split(" ".join(items[-1][2]), lookup) is None:
            items[-1][2].append(text)  # the paragraph continues, or its block on the next line
    rows: list[RawRow] = []
    found: dict[str, str] = {}
    for prefix, line, parts in items:
        body = "".join(parts)
        split = _split(body, lookup)
        if split is None:
            rows.append(_row(tuple(prefix), line, body, {}, {}))
            continue
        task, fields, extra = split
        for key, (column, _) in fields.items():
            found.setdefault(column, key)
        rows.append(_row(tuple(prefix), line, task, fields, extra))
    if not found:
        raise PlanParseError(
            path,
            None,
            "a task table with a header naming the task column, or numbered paragraphs "
            "such as 1．任务……。（责任领导：…；牵头单位：…；完成时限：…）",
        )
    rows = _leads(rows, found, lookup)
    title = preamble[-1][1] if preamble else ""
    columns = {"task", *found}
    if any(r.prefix for r in rows):
        columns |= {"category", "subcategory"}
    headers = dict(found)
    headers["task"] = vocab.LIVELIHOOD_MARK if vocab.LIVELIHOOD_MARK in title else "工作任务"
    declared = vocab.DECLARED_RE.search("".join(s for _, s in preamble))
    table = Table(
        index=0,
        header_line=rows[0].task.line,
        declared_tasks=int(declared.group(1)) if declared else None,
        declared_milestones=int(declared.group(2)) if declared else None,
        declared_line=next((n for n, s in preamble if vocab.DECLARED_RE.search(s)), None),
        rows=rows,
        columns=frozenset(columns),
        merges_known=True,  # a paragraph without a unit has none; nothing is merged
        line_unit="line",
        headers=headers,
        title=title,
    )
    return Source(read_letter(preamble), [table])


def _heading(pending: list[Cell], cell: Cell) -> list[Cell]:
    """The category cells after a heading: ``一、…`` starts a category, ``（一）…`` a
    subcategory under the category above (an empty cell when no category heading is pending)."""
    if _SUBHEADING_RE.match(cell.text):
        category = pending[0] if pending and not _SUBHEADING_RE.match(pending[0].text) else None
        return [category or Cell("", cell.line), cell]
    return [cell]


def _split(
    body: str, lookup: Headers
) -> tuple[str, dict[str, tuple[str, str]], dict[str, str]] | None:
    """(task text, {key as printed: (column, value)}, {unknown key: value}) of a paragraph,
    or None when it has no block of known keys."""
    block = _BLOCK_RE.search(body)
    start, inner = (block.start(), block.group(1)) if block else (None, None)
    if inner is None or not _known_keys(inner, lookup):
        first = next(
            (m for m in _KEY_RE.finditer(body) if _is_key(body, m) and _is_known(m["key"], lookup)),
            None,
        )
        if first is None:
            return None
        start, inner = first.start(), body[first.start() :]
    assert start is not None
    fields: dict[str, tuple[str, str]] = {}
    extra: dict[str, str] = {}
    matches = [m for m in _KEY_RE.finditer(inner) if _is_key(inner, m)]
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(inner)
        value = inner[m.end() : end].strip(_VALUE_STRIP)
        key = m["key"]
        column = lookup[header_key(key)] if _is_known(key, lookup) else "extra"
        if column is None:
            continue
        if column == "extra":
            extra.setdefault(key, value)
        elif column in _FIELDS and column not in (c for c, _ in fields.values()):
            fields[key] = (column, value)
        else:
            extra.setdefault(key, value)
    task = body[:start].strip(" \u3000\t")
    return task, fields, extra


def _is_key(inner: str, m: re.Match[str]) -> bool:
    """A key starts the block or follows a separator (not a colon inside a value: 9:00)."""
    return m.start() == 0 or inner[m.start() - 1] in " \u3000\t；;，,。、"


def _is_known(key: str, lookup: Headers) -> bool:
    return header_key(key) in lookup


def _known_keys(inner: str, lookup: Headers) -> bool:
    return any(_is_key(inner, m) and _is_known(m["key"], lookup) for m in _KEY_RE.finditer(inner))


def _leads(rows: list[RawRow], found: dict[str, str], lookup: Headers) -> list[RawRow]:
    """Where no paragraph names its lead units (牵头单位 …), the 责任单位 lead, as in a table
    without a lead column; ``found`` (column -> key as printed) is updated."""
    key = found.get("responsible_units")
    if "lead_units" in found or key is None:
        return rows
    if header_key(key) not in vocab.LEAD_WHEN_NO_LEAD_COLUMN or header_key(key) in lookup.explicit:
        return rows
    found["lead_units"] = found.pop("responsible_units")
    return [
        RawRow(r.table, r.prefix, r.task, r.milestones, r.deadline, r.responsible, r.lead,
               r.leaders, r.number, r.extra)
        for r in rows
    ]  # fmt: skip


def _row(
    prefix: tuple[Cell, ...],
    line: int,
    task: str,
    fields: dict[str, tuple[str, str]],
    extra: dict[str, str],
) -> RawRow:
    by_column = {column: value for column, value in fields.values()}

    def cell(column: str) -> Cell:
        return Cell(by_column.get(column, ""), line)

    return RawRow(
        0,
        prefix,
        Cell(task, line),
        Cell("", line),
        cell("deadline"),
        cell("lead_units"),
        cell("responsible_units"),
        cell("leaders"),
        extra=extra,
    )
