"""Tables read as grids (.docx, .xlsx, .csv): headers by the synonym table, raw rows.

A :class:`Grid` is a rectangular table whose merged cells are filled from their anchor (every
position of one merged cell shares its ``anchor``). :func:`grid_table` finds the header row,
maps headers to contract columns through :data:`taskanalytics.plan.vocab.HEADER_SYNONYMS` (plus
``mapping=``) and turns the rows below into :class:`~taskanalytics.plan.readers.text.RawRow` objects,
the same ones the text export gives; ``plan.py`` interprets them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from taskanalytics.errors import PlanParseError
from taskanalytics.plan import vocab
from taskanalytics.plan.readers import text
from taskanalytics.plan.readers.text import Cell, RawRow, Source, Table

#: How many rows above a table's header may hold titles.
MAX_HEADER_ROW = 15
#: Columns of a row that carry a task; a row with none of them filled is a heading row.
_TASK_BODY = ("number", "task", "milestones", "deadline", "lead_units", "responsible_units", "leaders")  # fmt: skip


@dataclass(frozen=True)
class Slot:
    """One grid position: its text (merged cells filled from the anchor) and the anchor's
    position, which grid positions of one merged cell share; ``line`` is the text line the cell
    starts on, for a grid built from a text export (else the row's number is the line)."""

    text: str
    anchor: tuple[int, int]
    line: int | None = field(default=None, compare=False)

    @property
    def blank(self) -> bool:
        return not self.text.strip(" \u3000\t\n")


@dataclass
class Grid:
    """A rectangular table read from a file: slots by row, and each row's number for errors."""

    rows: list[list[Slot]]
    numbers: list[int]
    title: str = ""


def make_source(path: Path, preamble: list[tuple[int, str]], tables: list[Table]) -> Source:
    """The letter read from the preamble lines, and the tables; raises when none has a task."""
    if not any(t.rows for t in tables):
        raise PlanParseError(
            path,
            None,
            "a task table: a header row naming at least the task column "
            f"({'/'.join(_accepted('task'))}) and task rows below it",
        )
    return Source(text.read_letter(preamble), tables)


# --- headers ----------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as looked up: whitespace, colons and asterisks removed (``完成\\n时限``)."""
    return vocab.HEADER_NOISE_RE.sub("", text)


@dataclass(frozen=True)
class Headers:
    """Header key -> contract column (synonyms plus ``mapping=``), and the keys the caller
    mapped explicitly (never re-read as lead units)."""

    table: dict[str, str | None]
    explicit: frozenset[str]

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def __getitem__(self, key: str) -> str | None:
        return self.table[key]


def lookup_headers(path: Path, mapping: Mapping[str, str | None] | None) -> Headers:
    """The synonym table with ``mapping`` laid over it; raises on a value that is not a
    contract column."""
    table: dict[str, str | None] = dict(vocab.HEADER_SYNONYMS)
    for header, column in (mapping or {}).items():
        if column is not None and column not in vocab.CONTRACT_COLUMNS:
            raise PlanParseError(
                path,
                None,
                f"mapping values among {', '.join(vocab.CONTRACT_COLUMNS)} or None",
                f"{header}: {column}",
            )
        table[header_key(header)] = column
    return Headers(table, frozenset(header_key(h) for h in mapping or {}))


def _accepted(column: str) -> list[str]:
    return [h for h, c in vocab.HEADER_SYNONYMS.items() if c == column]


def _accepted_all() -> str:
    return "; ".join(f"{col}: {'/'.join(_accepted(col))}" for col in vocab.CONTRACT_COLUMNS)


def header_score(texts: list[str], lookup: Headers) -> int:
    """How many of a row's texts are known headers (a phase column, 一季度, counts)."""
    return sum(1 for t in texts if header_key(t) in lookup or phase_label(header_key(t)))


def find_header(grid: Grid, lookup: Headers) -> int | None:
    """The row among the first :data:`MAX_HEADER_ROW` with the most known headers (at least
    two distinct cells; the first of equals): a title or a note above the header that happens
    to hold one header word does not win."""
    best, best_score = None, 1
    for r, row in enumerate(grid.rows[:MAX_HEADER_ROW]):
        texts = list({s.anchor: s.text for s in row if not s.blank}.values())
        score = header_score(texts, lookup)
        if score > best_score:
            best, best_score = r, score
    return best


def _hint(key: str) -> str:
    """The contract column an unknown header most likely means (for the ``mapping=`` hint)."""
    return next((column for word, column in vocab.HEADER_HINTS if word in key), "extra")


def _mapping_hint(headers: list[str]) -> str:
    pairs = ", ".join(f"'{h}': '{_hint(header_key(h))}'" for h in headers)
    return f"read_plan(..., mapping={{{pairs}}})"


def _map_columns(
    path: Path, grid: Grid, r: int, lookup: Headers
) -> tuple[dict[int, str], dict[str, str], int, dict[int, str], dict[int, str]]:
    """Grid column -> contract column, contract column -> header as printed, first data row,
    grid column -> header as printed of the columns kept aside (``extra``), and grid column ->
    phase of the columns of one quarter or month (:func:`phase_label`).

    A header spanning two columns over a second header row (责任单位 over 牵头/配合) takes the
    second row's headers; 类别 spanning two columns is category and subcategory. Unknown
    headers are collected: without a task column, or when one names who or when
    (:data:`~taskanalytics.plan.vocab.HEADER_NEEDS_MAPPING_RE`), one error lists them all;
    otherwise they are kept aside as ``extra``.
    """
    row = grid.rows[r]
    line = grid.numbers[r]
    below = grid.rows[r + 1] if r + 1 < len(grid.rows) else None
    columns: dict[int, str] = {}
    headers: dict[str, str] = {}
    extra: dict[int, str] = {}
    unknown: dict[str, list[int]] = {}
    phases: dict[int, str] = {}
    data_start = r + 1
    spans: dict[tuple[int, int], list[int]] = {}
    for c, slot in enumerate(row):
        spans.setdefault(slot.anchor, []).append(c)
    # 责任单位 alone names the lead units; beside a 牵头单位 column, those who carry out the task
    keys = [header_key(s.text) for s in [*row, *(below or [])]]
    lead_alone = not any(k in lookup and lookup[k] == "lead_units" for k in keys)

    def column_of(key: str) -> str | None:
        if lead_alone and key in vocab.LEAD_WHEN_NO_LEAD_COLUMN and key not in lookup.explicit:
            return "lead_units"
        return lookup[key]

    for _anchor, cols in spans.items():
        slot = row[cols[0]]
        key = header_key(slot.text)
        if not key:
            if any(not grid.rows[k][c].blank for k in range(r + 1, len(grid.rows)) for c in cols):
                raise PlanParseError(
                    path, line, f"a header over column {cols[0] + 1}", "a blank header cell"
                )
            continue
        if key not in lookup and phase_label(key) is not None and len(cols) == 1:
            phases[cols[0]] = phase_label(key)  # type: ignore[assignment]
            continue
        if key not in lookup:
            unknown.setdefault(slot.text.strip(), []).extend(cols)
            continue
        column = column_of(key)
        if len(cols) == 1 or column is None:
            names = [column] * len(cols)
        elif column == "category" and len(cols) == 2:
            names = ["category", "subcategory"]
        else:
            subs = [below[c] for c in cols] if below is not None else []
            sub_keys = [header_key(s.text) for s in subs]
            if not subs or any(
                k not in lookup or s.anchor == slot.anchor
                for k, s in zip(sub_keys, subs, strict=True)
            ):
                raise PlanParseError(
                    path,
                    line,
                    f"one header per column, or headers in the row below {slot.text.strip()}",
                    slot.text.strip(),
                )
            names = [column_of(k) for k in sub_keys]
            data_start = r + 2
            for c, k, s in zip(cols, sub_keys, subs, strict=True):
                if column_of(k) == "extra":
                    extra[c] = s.text.strip()
                else:
                    headers.setdefault(str(column_of(k)), s.text.strip())
        for c, name in zip(cols, names, strict=True):
            if name is None:
                continue
            if name == "extra":
                extra.setdefault(c, slot.text.strip())
                continue
            if name in columns.values():
                other = headers[name]
                raise PlanParseError(
                    path,
                    line,
                    f"one column for {name} (headers {'/'.join(_accepted(name))})",
                    f"{other} and {slot.text.strip()}",
                )
            columns[c] = name
            headers.setdefault(name, slot.text.strip())
    if "task" not in columns.values():
        expected = f"a task column ({'/'.join(_accepted('task'))})"
        found = "/".join(dict.fromkeys(s.text.strip() for s in row if not s.blank))
        if unknown:
            expected += (
                f"; unknown headers {'、'.join(unknown)}: map each of them at once, "
                f"{_mapping_hint(list(unknown))} (columns: {', '.join(vocab.CONTRACT_COLUMNS)}; "
                "None skips a column)"
            )
            found = "、".join(unknown)
        raise PlanParseError(path, line, expected, found)
    ask = [h for h in unknown if vocab.HEADER_NEEDS_MAPPING_RE.search(header_key(h))]
    if ask:
        aside = [h for h in unknown if h not in ask]
        raise PlanParseError(
            path,
            line,
            f"a known column header (accepted: {_accepted_all()}), or for every unknown one "
            f"at once {_mapping_hint(ask)} (columns: {', '.join(vocab.CONTRACT_COLUMNS)}; "
            "None skips a column); a header naming units, leaders, times or tasks is never "
            "kept aside unasked"
            + (f"; {'、'.join(aside)} would be kept aside as extra" if aside else ""),
            "、".join(ask),
        )
    for header, cols in unknown.items():
        for c in cols:
            extra.setdefault(c, header)
    if phases:
        headers.setdefault("milestones", "、".join(row[c].text.strip() for c in sorted(phases)))
    return columns, headers, data_start, extra, phases


def phase_label(key: str) -> str | None:
    """The phase a header names, as a milestone's date prefix (``一季度``, ``3月``); else None.

    Examples
    --------
    >>> phase_label("第二季度目标"), phase_label("十一月"), phase_label("3月份"), phase_label("备注")
    ('第二季度', '11月', '3月', None)
    """
    match = vocab.PHASE_HEADER_RE.match(key)
    if match is None:
        return None
    if match.group("quarter"):
        q = match.group("quarter")
        return f"第{'一二三四'[int(q) - 1] if q.isdigit() else q}季度"
    month = match.group("month")
    return f"{int(month) if month.isdigit() else vocab.MONTH_NUMERALS[month]}月"


# --- grid -> raw rows -------------------------------------------------------------------


def grid_table(
    path: Path,
    grid: Grid,
    index: int,
    lookup: Headers,
    *,
    merges_known: bool,
    header: int | None = None,
    line_unit: str = "row",
) -> Table:
    """Turn a grid into a :class:`Table` of raw rows; ``build.py`` interprets them.

    ``header`` is the header row when the caller found it (default: :func:`find_header`);
    ``line_unit`` is ``"line"`` for a grid built from a text export (each slot's ``line``).
    """
    if header is None:
        header = find_header(grid, lookup)
    assert header is not None  # callers only pass grids with a header
    columns, headers, start, extra_cols, phases = _map_columns(path, grid, header, lookup)
    by_name: dict[str, list[int]] = {}
    for c, name in sorted(columns.items()):
        by_name.setdefault(name, []).append(c)
    table = Table(
        index=index,
        header_line=grid.numbers[header],
        columns=frozenset(by_name) | ({"milestones"} if phases else set()),
        merges_known=merges_known,
        line_unit=line_unit,
        headers=headers,
        title=grid.title,
    )
    mapped = sorted([*columns, *phases])
    head = grid.rows[header]
    pending: list[Cell] = []
    for r in range(start, len(grid.rows)):
        row, line = grid.rows[r], grid.numbers[r]
        if all(row[c].blank or row[c].anchor == head[c].anchor for c in mapped):
            continue  # blank, or the lower half of header cells merged over two rows

        def cell(name: str, row: list[Slot] = row, line: int = line, r: int = r) -> Cell:
            cols = by_name.get(name)
            return _cell(row[cols[0]], line, r) if cols else Cell("", line)

        anchors = {row[c].anchor for c in mapped if not row[c].blank}
        task_col = by_name["task"][0]
        if len(anchors) == 1 and sum(row[c].anchor in anchors for c in mapped) > 1:
            # one cell across the table: a note of declared counts, or a heading row
            text = row[task_col].text if not row[task_col].blank else row_text(row)
            flat = text.replace("\n", "")
            declared = vocab.DECLARED_RE.search(flat)
            if declared and not table.rows and not vocab.TASK_RE.match(flat):
                table.declared_tasks = int(declared.group(1))
                table.declared_milestones = int(declared.group(2))
                table.declared_line = line
            else:
                pending.append(Cell(text, line))
            continue
        if all(row[c].blank for n in _TASK_BODY for c in by_name.get(n, [])):
            pending.extend(cell(n) for n in ("category", "subcategory") if not cell(n).blank)
            continue
        table.rows.append(
            RawRow(
                table.index,
                _prefix(pending, row, by_name, line, r),
                cell("task"),
                _with_phases(cell("milestones"), row, phases, line, r),
                cell("deadline"),
                cell("lead_units"),
                cell("responsible_units"),
                cell("leaders"),
                number=cell("number") if "number" in by_name else None,
                extra=_extra(row, head, extra_cols),
            )
        )
        pending = []
    return table


def _with_phases(
    milestones: Cell, row: list[Slot], phases: dict[int, str], line: int, r: int
) -> Cell:
    """The milestones cell with each phase column's text appended as ``（k）第一季度：<text>``
    (numbered: one milestone each; the date vocabulary dates it at the phase's end); merged
    only when every part is."""
    if not phases:
        return milestones
    parts = [] if milestones.blank else [milestones]
    filled = [(c, label) for c, label in sorted(phases.items()) if not row[c].blank]
    parts += [  # numbered, so each phase is a milestone of its own
        Cell(f"（{k}）{label}：{row[c].text.strip()}", line, merged=row[c].anchor[0] < r)
        for k, (c, label) in enumerate(filled, start=1)
    ]
    if not parts:
        return Cell("", line)
    return Cell("\n".join(p.text for p in parts), line, merged=all(p.merged for p in parts))


def _prefix(
    pending: list[Cell], row: list[Slot], by_name: dict[str, list[int]], line: int, r: int
) -> tuple[Cell, ...]:
    """Category cells of a row as the text export prints them: (category,) or (category,
    subcategory); heading rows above the task (一、…, （一）…) count as category cells."""
    category = next((c for c in pending if not _is_subheading(c)), None)
    sub = next((c for c in reversed(pending) if _is_subheading(c)), None)
    cat_cols = by_name.get("category", [])
    sub_cols = by_name.get("subcategory", [])
    if category is None and cat_cols:
        category = _cell(row[cat_cols[0]], line, r)
    if sub is None and sub_cols:
        if not (cat_cols and row[sub_cols[0]].anchor == row[cat_cols[0]].anchor):
            sub = _cell(row[sub_cols[0]], line, r)
    if sub is not None:
        return (category or Cell("", line), sub)
    return (category,) if category is not None else ()


def _cell(slot: Slot, line: int, r: int) -> Cell:
    """A grid slot as a cell of row ``r``; merged when its anchor is in a row above."""
    return Cell(slot.text, slot.line if slot.line is not None else line, merged=slot.anchor[0] < r)


def _extra(row: list[Slot], head: list[Slot], extra_cols: dict[int, str]) -> dict[str, str]:
    """The non-blank cells of the columns kept aside: header as printed -> text."""
    out: dict[str, str] = {}
    for c, header in extra_cols.items():
        slot = row[c]
        if not slot.blank and slot.anchor != head[c].anchor:
            text = "\n".join(
                s for s in (ln.strip(" \u3000\t") for ln in slot.text.split("\n")) if s
            )
            out.setdefault(header, text)
    return out


def _is_subheading(cell: Cell) -> bool:
    return bool(vocab.SUBCATEGORY_NUMBER_RE.match("".join(cell.lines)))


def row_text(row: list[Slot]) -> str:
    """The distinct texts of a row, joined by spaces (a title row above a header)."""
    seen: dict[tuple[int, int], str] = {}
    for s in row:
        if not s.blank:
            seen.setdefault(s.anchor, s.text.strip())
    return " ".join(seen.values())


def title_of(lines: list[str]) -> str:
    """Non-blank lines joined by spaces."""
    return " ".join(s.strip() for s in lines if s.strip())
