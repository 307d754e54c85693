"""Write the Excel progress templates units fill in, one per lead unit and quarter.

A template holds the milestones of every task the unit leads (a unit owns a milestone when it is
a lead unit of the milestone's task). Pre-filled columns are locked and the sheet is protected;
the unit fills 状态 (drop-down list), 完成日期, one 实际值 column per target and 进展说明.

Actual-value columns are keyed by ``(target_no, unit)``: a unit whose milestones have a first
target in 万元 and another first target in 户 gets the columns ``实际值1（万元）`` and
``实际值1（户）``. In each row only the cells of that milestone's targets are open; their cell
comment names the metric and the target value, and the locked 量化指标 column lists them all.

Rows come in the order a clerk works them (:func:`template_rows`): due this quarter (tinted),
still open from earlier quarters, recurring duties, then milestones the unit already reported
done, prefilled from the store and locked (read back by ``intake`` as an ordinary 已完成
report); a locked 填报提示 column names each row's group.

说明 is the first sheet: a cover block (unit, quarter, as-of date, the workspace's deadline and
recipient), unlocked 填报人 / 联系电话 / 审核人 cells and the instructions. Who and when a file
is about (unit, quarter, as-of date) is in its locked metadata block, labels in column A;
``intake`` reads it from there, so renaming a file is harmless. Row heights are estimated from
text length and column width (no spreadsheet program fits wrapped text on open); both sheets
print on A4, fit to the page's width, the data sheet landscape with its header row repeated.
Files are saved byte-for-byte deterministically (fixed zip and document timestamps): the same
plan, unit and quarter always give the same SHA-256.

Plan text reaches the clerk's screen as text, never as a formula: a title, milestone, unit or
metric starting with ``=``, ``+``, ``-`` or ``@`` is a quote-prefixed text cell, its text
unchanged (the 说明 block is read back by the intake), and control characters an ``.xlsx``
cannot hold become U+FFFD (:mod:`taskanalytics.schema.cells`). File names come from
:func:`template_filename` and :func:`safe_template_path`, so a unit name cannot choose the folder.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.functions import tostring

from taskanalytics.errors import TaskAnalyticsError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.history import latest_reports
from taskanalytics.quarters import Quarter, QuarterLike
from taskanalytics.schema.cells import neutralise_sheet, strip_illegal_chars
from taskanalytics.schema.names import fit_stem

__all__ = [
    "PlanLike",
    "lead_units",
    "safe_template_path",
    "template_filename",
    "template_rows",
    "unit_or_none",
    "write_template",
    "write_templates",
]

_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_NA_FILL = PatternFill("solid", fgColor="D9D9D9")  # not to be filled: grey, lighter than text
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_HEADER_FILL = PatternFill("solid", fgColor="C6E0B4")  # the columns the clerk fills
_DUE_FILL = PatternFill("solid", fgColor="FFF2CC")  # due this quarter: light yellow
_DONE_FILL = PatternFill("solid", fgColor="E2EFDA")  # reported done: light green
_GROUP_FILLS = {"due": _DUE_FILL, "done": _DONE_FILL}
_DATE_FORMAT = "yyyy-mm-dd"
_WIDTHS = {
    "milestone_id": 11,
    "task_id": 9,
    "task_title": 30,
    "milestone_text": 48,
    "due_date": 12,
    "targets_text": 30,
    "row_hint": 12,
    "status": 10,
    "completed_date": 13,
    "note": 40,
}
_CORE_PROPS = "docProps/core.xml"


def lead_units(plan: PlanLike) -> list[str]:
    """List the plan's lead units in order of first appearance.

    Parameters
    ----------
    plan
        A parsed plan.

    Returns
    -------
    list of str
        Every unit that leads at least one task that has milestones.
    """
    with_milestones = set(plan.milestones["task_id"])
    seen: dict[str, None] = {}
    for task_id, units in zip(plan.tasks["task_id"], plan.tasks["lead_units"], strict=True):
        if task_id in with_milestones:
            for unit in units:
                seen.setdefault(unit, None)
    return list(seen)


def unit_or_none(unit: object) -> str | None:
    """Return a target's unit as a non-empty string, or None (missing values are NaN in pandas)."""
    return unit if isinstance(unit, str) and unit.strip() else None


def _format_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def _target_label(target: Mapping[str, Any]) -> str:
    comparator = vp.COMPARATOR_LABELS.get(target["comparator"], target["comparator"])
    unit = unit_or_none(target["unit"]) or ""
    return f"{target['metric']} {comparator} {_format_number(target['value'])}{unit}"


def template_rows(
    plan: PlanLike,
    unit: str,
    quarter: QuarterLike | None = None,
    *,
    progress: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the milestones a unit reports on, one row each, in the order a clerk works.

    Parameters
    ----------
    plan
        A parsed plan; not modified.
    unit
        A lead unit of the plan.
    quarter
        If given, keep only milestones due by the quarter's last day, or recurring ones, and
        order them by group: due this quarter, still open from earlier quarters, recurring,
        already reported done; plan order within a group. Without it every milestone is
        listed in plan order, all in group ``"due"``. Recurring milestones stay open even
        when reported done: they are reported every quarter.
    progress
        The plan's reports (:func:`taskanalytics.load_progress_history` output); the unit's
        latest report per milestone as of the quarter's end decides which rows are done.
        Without it no row is done and every row due before the quarter is open.

    Returns
    -------
    pandas.DataFrame
        Columns ``milestone_id, task_id, task_title, milestone_text, due_date, targets_text``,
        ``targets`` (a tuple of target dicts with target_no, metric, value, unit, comparator),
        ``group`` (``due``, ``open``, ``recurring`` or ``done``) and ``report`` (for done rows
        the report that counts, a dict with quarter, completed_date, note and
        ``values`` {target_no: value}; else None).

    Raises
    ------
    TaskAnalyticsError
        If the unit leads no task with milestones.
    """
    owned = plan.tasks.loc[plan.tasks["lead_units"].map(lambda units: unit in units)]
    rows = plan.milestones.merge(
        owned[["task_id", "title"]].rename(columns={"title": "task_title"}), on="task_id"
    )
    if rows.empty:
        known = "、".join(lead_units(plan))
        raise TaskAnalyticsError(f"unit {unit!r} leads no task with milestones; known: {known}")
    q = Quarter.parse(quarter) if quarter is not None else None
    if q is not None:
        end = pd.Timestamp(q.end)
        rows = rows[(rows["due_date"] <= end) | (rows["due_kind"] == "recurring")]
    targets = plan.targets[plan.targets["milestone_id"].isin(rows["milestone_id"])]
    targets = targets.sort_values(["milestone_id", "target_no"])
    by_milestone: dict[str, tuple[dict[str, Any], ...]] = {}
    for record in targets.to_dict("records"):
        mid = record["milestone_id"]
        by_milestone[mid] = (*by_milestone.get(mid, ()), record)
    task_order = {tid: i for i, tid in enumerate(plan.tasks["task_id"])}
    rows = rows.assign(
        _order=rows["task_id"].map(task_order),
        milestone_text=rows["text"],
        targets=rows["milestone_id"].map(lambda mid: by_milestone.get(mid, ())),
    ).sort_values(["_order", "position"], kind="stable")
    rows["targets_text"] = rows["targets"].map(
        lambda ts: "；".join(f"{t['target_no']}. {_target_label(t)}" for t in ts)
    )
    done = _done_reports(progress, unit, q) if q is not None else {}
    recurring = rows["due_kind"] == "recurring"
    if q is None:
        group = pd.Series("due", index=rows.index)
    else:
        before = rows["due_date"] < pd.Timestamp(q.start)
        group = pd.Series("due", index=rows.index).mask(before, "open")
        group = group.mask(rows["milestone_id"].isin(list(done)), "done").mask(
            recurring, "recurring"
        )
    rows = rows.assign(
        group=group,
        report=rows["milestone_id"].map(lambda mid: done.get(mid)).where(group == "done", None),
        _rank=group.map({name: i for i, name in enumerate(_GROUPS)}),
    ).sort_values(["_rank", "_order", "position"], kind="stable")
    columns = ["milestone_id", "task_id", "task_title", "milestone_text", "due_date"]
    return rows[[*columns, "targets_text", "targets", "group", "report"]].reset_index(drop=True)


_GROUPS = ("due", "open", "recurring", "done")


def _done_reports(
    progress: pd.DataFrame | None, unit: str, quarter: Quarter
) -> dict[str, dict[str, Any]]:
    """Return the unit's milestones whose report that counts at the quarter's end is done."""
    if progress is None or progress.empty:
        return {}
    mine = progress.loc[progress["unit"] == unit]
    latest = latest_reports(mine, quarter.end)
    out: dict[str, dict[str, Any]] = {}
    actual_cols = [c for c in latest.columns if re.fullmatch(r"actual_\d+", str(c))]
    for record in latest.loc[latest["status"] == "done"].to_dict("records"):
        values = {
            int(c.split("_")[1]): float(record[c]) for c in actual_cols if pd.notna(record[c])
        }
        completed = record.get("completed_date")
        note = record.get("note")
        out[record["milestone_id"]] = {
            "quarter": str(record["quarter"]),
            "completed_date": None if pd.isna(completed) else pd.Timestamp(completed).date(),
            "note": note if isinstance(note, str) and note else None,
            "values": values,
        }
    return out


_UNSAFE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def template_filename(unit: str, quarter: QuarterLike, *, suffix: str = ".xlsx") -> str:
    """Return a safe file name ``<unit>_<quarter>.xlsx`` (Chinese kept).

    Path separators, control and reserved characters become ``_``; runs of dots are collapsed so
    the name can never be ``..`` or climb out of its folder; a very long name is cut and given a
    short hash of the unit (:func:`~taskanalytics.schema.names.fit_stem`), so every file system
    takes it.

    Examples
    --------
    >>> template_filename("发改局", "2023Q1")
    '发改局_2023Q1.xlsx'
    >>> template_filename("../区委/办", "2023Q1")
    '区委_办_2023Q1.xlsx'
    """
    label = Quarter.parse(quarter).label
    stem = _UNSAFE_CHARS.sub("_", f"{unit}")
    stem = re.sub(r"\.{2,}", "_", stem)
    stem = re.sub(r"_{2,}", "_", stem).strip(" ._") or "unit"
    return f"{fit_stem(stem, key=unit)}_{label}{suffix}"


def safe_template_path(directory: str | Path, name: str) -> Path:
    """Join a file name to a directory, refusing anything that resolves outside it.

    Raises
    ------
    TaskAnalyticsError
        If ``name`` is not a plain file name inside ``directory``.
    """
    base = Path(directory).resolve()
    target = (base / name).resolve()
    if target.parent != base or name in {"", ".", ".."}:
        raise TaskAnalyticsError(f"file name {name!r} would be written outside {base}")
    return target


def save_workbook(workbook: Workbook, path: str | Path) -> Path:
    """Save a workbook with fixed zip timestamps so equal content gives equal bytes.

    openpyxl stamps the current time as the ``modified`` document property on save; the saved
    file gets the workbook's ``created`` date there instead, so a template filled twice the same
    way gives the same bytes. The workbook object itself is left as openpyxl leaves it.

    Parameters
    ----------
    workbook
        The workbook.
    path
        Destination file; written atomically (temporary file beside it, then rename).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TaskAnalyticsError
        If the file cannot be written (no such folder, no permission, disk full, a name too
        long); no temporary file is left behind.
    """
    buffer = io.BytesIO()
    workbook.save(buffer)
    props = copy.copy(workbook.properties)
    props.modified = props.created
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = src.read(info.filename)
            if info.filename == _CORE_PROPS:
                data = tostring(props.to_tree())
            dst.writestr(fixed, data)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(out.getvalue())
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise TaskAnalyticsError(f"{path}: cannot write the workbook ({exc})") from exc
    return path


def _write_readme(
    wb: Workbook,
    plan: PlanLike,
    unit: str,
    quarter: Quarter,
    submit: Mapping[str, str | None],
    sheet_rows: Sequence[tuple[Any, dict[str, Any] | None, bool]] = (),
) -> None:
    """Write the 说明 sheet, first in the workbook: title, cover block, signer cells, guide,
    and a worked example taken from the unit's own table (:func:`_write_example`).

    The metadata block keeps its labels in column A and values in column B (intake finds it by
    label, wherever it sits); the rows a clerk does not need (模板标识, the plan's identity)
    are hidden.
    """
    ws = wb.create_sheet(vp.README_SHEET, 0)
    meta = plan.meta
    identity = plan_identity(plan)
    values = {
        "template": vp.TEMPLATE_MARKER,
        "unit": unit,
        "quarter": quarter.label,
        "as_of_date": quarter.end,
        "plan_title": meta.get("title") or "",
        "doc_number": meta.get("doc_number") or "",
        "is_synthetic": vp.NO,
        "plan_name": identity.name,
        "plan_year": identity.year,
        "plan_version": identity.sha256,
    }
    ws["A1"] = vp.README_TITLE.format(
        year=identity.year, plan=vp.README_PLAN_WORDS.get(identity.kind, "")
    )
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:F1")
    ws.row_dimensions[1].height = 24
    heading = Font(bold=True, size=12)
    ws.cell(2, 1, vp.COVER_HEADING).font = heading
    row = 3
    for key, label in vp.META_LABELS.items():
        _label(ws.cell(row, 1, label))
        cell = ws.cell(row, 2, strip_illegal_chars(values[key]))
        if key == "as_of_date":
            cell.number_format = _DATE_FORMAT
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if key in vp.HIDDEN_META or key == "template":  # no internal string on the clerk's page
            ws.row_dimensions[row].hidden = True
        else:
            ws.row_dimensions[row].height = _row_height([(cell.value, _README_WIDTHS[1])])
        row += 1
    for key, label in vp.SUBMIT_LABELS.items():
        if submit.get(key):
            _label(ws.cell(row, 1, label))
            cell = ws.cell(row, 2, strip_illegal_chars(submit[key]))
            cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
            ws.row_dimensions[row].height = _row_height([(str(submit[key]), _README_WIDTHS[1])])
            row += 1
    row += 1
    ws.cell(row, 1, vp.SIGNER_HEADING).font = heading
    row += 1
    for label in vp.SIGNER_LABELS.values():
        _label(ws.cell(row, 1, label))
        cell = ws.cell(row, 2)
        cell.protection = Protection(locked=False)
        cell.border = _INPUT_BORDER
        cell.alignment = Alignment(horizontal="left")
        row += 1
    row += 1
    ws.cell(row, 1, vp.LINES_HEADING).font = heading
    first = row + 1
    merged_width = sum(_README_WIDTHS)
    for offset, line in enumerate(vp.README_LINES):
        cell = ws.cell(first + offset, 1, line)
        ws.merge_cells(
            start_row=first + offset, start_column=1, end_row=first + offset, end_column=6
        )
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[first + offset].height = _row_height([(line, merged_width)])
    _write_example(ws, first + len(vp.README_LINES) + 1, sheet_rows, quarter)
    for j, width in enumerate(_README_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    _set_print(ws, landscape=False)
    ws.protection.sheet = True


def _write_example(
    ws: Any,
    row: int,
    sheet_rows: Sequence[tuple[Any, dict[str, Any] | None, bool]],
    quarter: Quarter,
) -> None:
    """Write the worked example: the first open row of the unit's table with a target, filled
    as a finished milestone would be, and how spellings of a 实际值 are read in its unit.

    The readings are computed by the intake's own parser
    (:func:`taskanalytics.progress.intake.read_amount`), so the example cannot promise what
    intake refuses.
    """
    from taskanalytics.progress.intake import read_amount  # intake imports this module

    by_milestone: dict[str, list[tuple[int, Any, dict[str, Any] | None]]] = {}
    for i, (r, t, _) in enumerate(sheet_rows, start=2):
        if r.group != "done":
            by_milestone.setdefault(r.milestone_id, []).append((i, r, t))
    if not by_milestone:
        return
    candidates = list(by_milestone.values())
    chosen = next(
        (c for c in candidates if any(t is not None and t["value"] >= 10_000 for _, _, t in c)),
        None,
    ) or next((c for c in candidates if c[0][2] is not None), candidates[0])
    example = chosen[0][1]
    rows_text = f"{chosen[0][0]}" + (f"–{chosen[-1][0]}" if len(chosen) > 1 else "")
    heading = Font(bold=True, size=12)
    ws.cell(row, 1, vp.EXAMPLE_HEADING.format(row=rows_text)).font = heading
    due = example.due_date.date() if pd.notna(example.due_date) else quarter.end
    headers = vp.ALL_HEADERS
    lines: list[tuple[str, object]] = [
        (headers["milestone_id"], example.milestone_id),
        (vp.EXAMPLE_TEXT_LABEL, example.milestone_text),
        (headers["status"], vp.STATUS_LABELS["done"]),
        (headers["completed_date"], min(due, quarter.end)),
    ]
    targets = [t for _, _, t in chosen if t is not None]
    for t in targets:
        unit = unit_or_none(t["unit"]) or ""
        lines += [
            (headers["metric"], t["metric"]),
            (headers["target_text"], f"{_target_value_text(t)} {unit}".strip()),
            (headers["actual"], float(t["value"])),
        ]
    if targets:
        big = max(targets, key=lambda t: float(t["value"]))
        note = vp.EXAMPLE_NOTE.format(
            metric=big["metric"],
            value=_format_number(float(big["value"])),
            unit=unit_or_none(big["unit"]) or "",
        )
    else:
        note = vp.EXAMPLE_NOTE_PLAIN
    lines.append((headers["note"], note))
    for offset, (label, value) in enumerate(lines, start=1):
        _label(ws.cell(row + offset, 1, label))
        cell = ws.cell(row + offset, 2, strip_illegal_chars(value))
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        if isinstance(value, dt.date):
            cell.number_format = _DATE_FORMAT
        elif isinstance(value, float):
            cell.number_format = "#,##0.####"
        ws.row_dimensions[row + offset].height = _row_height([(value, _README_WIDTHS[1])])
    if not targets:
        return
    target = max(targets, key=lambda t: float(t["value"]))
    unit = unit_or_none(target["unit"])
    row += len(lines) + 2
    ws.cell(row, 1, vp.SPELLING_HEADING.format(unit=unit or "无")).font = heading
    for j, header in enumerate(vp.SPELLING_HEADERS, start=1):
        ws.cell(row + 1, j, header).font = Font(bold=True)
    for offset, spelling in enumerate(_spellings(float(target["value"]), unit), start=2):
        try:
            number, _ = read_amount(spelling, unit=unit)
            read = f"{_format_number(number)} {unit or ''}".strip()
        except TaskAnalyticsError:
            read = vp.SPELLING_REFUSED
        ws.cell(row + offset, 1, spelling).alignment = Alignment(horizontal="left")
        ws.cell(row + offset, 2, read)


def _spellings(value: float, unit: str | None) -> list[str]:
    """Ways a clerk may write ``value``: digits, grouped, with a multiplier, with the unit,
    and one that is refused."""
    plain = _format_number(value).replace(",", "")
    out = [plain, _format_number(value)]
    if value >= 10_000 and unit and unit.startswith("万"):
        out.append(f"{value / 10_000:g}亿")
    elif value >= 10_000 and not (unit or "").startswith(("万", "亿", "千")):
        out.append(f"{value / 10_000:g}万")
    if unit:
        out.append(f"{plain}（{unit}）")
    out.append("约" + plain)
    return list(dict.fromkeys(out))


_README_WIDTHS = (14, 40, 16, 16, 16, 16)
_LABEL_ALIGN = Alignment(vertical="top")


def _label(cell: Any) -> None:
    """A label of the 说明 sheet: bold, at the top of its row like its (wrapped) value."""
    cell.font = Font(bold=True)
    cell.alignment = _LABEL_ALIGN


_INPUT_BORDER = Border(*(Side(style="thin", color="808080"),) * 4)
_LINE_HEIGHT = 15.0  # points per line of 11-pt text, CJK fonts included
_PADDING = 3.0
_CJK_WIDTH = 2.2


def _text_width(text: str) -> float:
    """Return the width of text in Excel column units.

    A column unit is the width of a digit; a CJK character is a little over two in the fonts
    Excel, WPS and LibreOffice fall back to (等线, 宋体, Noto Sans CJK), so it counts 2.2:
    an estimate a line too tall wastes a little space, one too short hides text.
    """
    return sum(_CJK_WIDTH if unicodedata.east_asian_width(ch) in "WF" else 1.0 for ch in text)


def _row_height(cells: Iterable[tuple[object, float]]) -> float:
    """Return a row height (points) showing every wrapped text in full.

    Excel, WPS and LibreOffice keep a stored row height on open and do not fit it to wrapped
    text, so it is estimated here: lines per cell from the text's width over the column's
    (one unit kept for the cell margin), the tallest cell wins.

    Parameters
    ----------
    cells
        ``(value, column width)`` pairs; non-text values count one line.
    """
    lines = 1
    for value, width in cells:
        if not isinstance(value, str) or not value:
            continue
        usable = max(width - 1, 1)
        count = sum(max(1, math.ceil(_text_width(part) / usable)) for part in value.split("\n"))
        lines = max(lines, count)
    return lines * _LINE_HEIGHT + _PADDING


def _set_print(ws: Any, *, landscape: bool, title_rows: str | None = None) -> None:
    """A4, fit to the page's width (as many pages down as needed), header rows repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def _sheet_rows(rows: pd.DataFrame) -> list[tuple[Any, dict[str, Any] | None, bool]]:
    """The data sheet's rows: ``(template row, target or None, first row of its milestone)``.

    A milestone takes one sheet row per target (at least one): the first holds its status,
    date and note, every row one target's metric, target value, unit and 实际值.
    """
    out: list[tuple[Any, dict[str, Any] | None, bool]] = []
    for row in rows.itertuples(index=False):
        targets = list(row.targets) or [None]
        out += [(row, target, k == 0) for k, target in enumerate(targets)]
    return out


_TEMPLATE_WIDTHS = {
    **_WIDTHS,
    "metric": 20,
    "target_text": 12,
    "target_unit": 8,
    "actual": 14,
    "target_no": 6,
}


def _target_value_text(target: Mapping[str, Any]) -> str:
    """``≥ 17,501`` or ``17,501`` (the unit has its own column)."""
    number = _format_number(target["value"])
    if target["comparator"] == "=":
        return number
    return f"{vp.COMPARATOR_LABELS.get(target['comparator'], target['comparator'])} {number}"


def _build_workbook(
    plan: PlanLike,
    rows: pd.DataFrame,
    unit: str,
    quarter: Quarter,
    submit: Mapping[str, str | None],
) -> Workbook:
    """The workbook of ``unit``'s :func:`template_rows` (``rows``) for ``quarter``."""
    names = list(vp.TEMPLATE_COLUMNS)
    col = {name: i + 1 for i, name in enumerate(names)}

    wb = Workbook()
    fixed = dt.datetime(quarter.year, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = wb.properties.lastModifiedBy = "taskanalytics"
    wb.properties.title = strip_illegal_chars(f"{unit} {quarter} 进度填报")
    ws = wb.active
    ws.title = vp.DATA_SHEET

    for j, name in enumerate(names, start=1):
        cell = ws.cell(1, j, vp.ALL_HEADERS[name])
        cell.font = Font(bold=True)
        cell.fill = _INPUT_HEADER_FILL if name in (*vp.INPUT_COLUMNS, "actual") else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = "B2"

    open_cell = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet_rows = _sheet_rows(rows)
    for i, (row, target, first) in enumerate(sheet_rows, start=2):
        fill = _GROUP_FILLS.get(row.group, _LOCKED_FILL)
        report = row.report if row.group == "done" else None

        def put(name: str, value: object, *, cell_fill: PatternFill = fill, i: int = i) -> Any:
            cell = ws.cell(i, col[name], strip_illegal_chars(value))
            cell.fill = cell_fill
            cell.alignment = wrap
            return cell

        put("milestone_id", row.milestone_id)
        put("task_id", row.task_id)
        if first:
            put("task_title", row.task_title)
            put("milestone_text", row.milestone_text)
            hint = vp.ROW_HINTS[row.group].format(quarter=report["quarter"] if report else "")
            put("row_hint", hint).font = Font(bold=row.group in ("due", "done"))
            due = None if pd.isna(row.due_date) else row.due_date.date()
            put("due_date", due).number_format = _DATE_FORMAT
        else:  # a further target of the milestone above: its inputs are on the first row
            for name in ("task_title", "milestone_text", "row_hint", "due_date"):
                put(name, None)
        for name in vp.INPUT_COLUMNS:
            cell = put(name, None, cell_fill=fill if report is not None or first else _NA_FILL)
            if first and report is None:
                cell.fill = PatternFill()
                cell.protection = open_cell
        ws.cell(i, col["completed_date"]).number_format = _DATE_FORMAT
        if first and report is not None:  # reported done: prefilled as the store holds it
            ws.cell(i, col["status"], vp.STATUS_LABELS["done"])
            ws.cell(i, col["completed_date"], report["completed_date"])
            if report["note"]:
                ws.cell(i, col["note"], strip_illegal_chars(report["note"]))
        if target is None:
            for name in ("metric", "target_text", "target_unit", "actual", "target_no"):
                put(name, None, cell_fill=_NA_FILL)
            continue
        put("metric", target["metric"])
        put("target_text", _target_value_text(target))
        put("target_unit", unit_or_none(target["unit"]))
        put("target_no", int(target["target_no"]))
        actual = put("actual", None, cell_fill=fill)
        actual.number_format = "#,##0.####"
        if report is None:
            actual.fill = PatternFill()
            actual.protection = open_cell
        else:
            actual.value = report["values"].get(int(target["target_no"]))

    last = max(len(sheet_rows) + 1, 2)
    status_letter = get_column_letter(col["status"])
    status_dv = DataValidation(
        type="list",
        formula1='"' + ",".join(vp.STATUS_LABELS.values()) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表选择：" + "、".join(vp.STATUS_LABELS.values()),
    )
    status_dv.add(f"{status_letter}2:{status_letter}{last}")
    year = quarter.year
    date_letter = get_column_letter(col["completed_date"])
    date_dv = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({year},1,1)",
        # the range intake accepts: from the plan year's first day to the as-of date
        formula2=f"DATE({quarter.end.year},{quarter.end.month},{quarter.end.day})",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成日期",
        error=f"请填写 {year}-01-01 至 {quarter.end}（截至日期）之间的日期，如 {year}-03-31",
    )
    date_dv.add(f"{date_letter}2:{date_letter}{last}")
    ws.add_data_validation(status_dv)
    ws.add_data_validation(date_dv)

    widths = {j: _TEMPLATE_WIDTHS[name] for name, j in col.items()}
    for j, width in widths.items():
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.column_dimensions[get_column_letter(col["target_no"])].hidden = True
    visible = {j: w for j, w in widths.items() if j != col["target_no"]}
    for i in range(1, len(sheet_rows) + 2):
        height = _row_height((ws.cell(i, j).value, w) for j, w in visible.items())
        ws.row_dimensions[i].height = max(height, 32) if i == 1 else height
    _set_print(ws, landscape=True, title_rows="1:1")

    # Protection guards against accidental edits of pre-filled cells; no password, on purpose:
    # a unit that needs to fix a layout problem should not be locked out of its own file.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _write_readme(wb, plan, unit, quarter, submit, sheet_rows)
    for sheet in wb.worksheets:  # plan text is text: never a formula, also once edited
        neutralise_sheet(sheet)
    ws.sheet_view.tabSelected = False
    wb.active = 0  # 说明, the cover: the clerk sees what is asked before the table
    return wb


def write_template(
    plan: PlanLike,
    unit: str,
    quarter: QuarterLike,
    out_dir: str | Path,
    *,
    overwrite: bool = False,
    deadline: str | None = None,
    recipient: str | None = None,
    progress: pd.DataFrame | None = None,
) -> Path:
    """Write one unit's progress template for a quarter.

    Parameters
    ----------
    plan
        A parsed plan; not modified.
    unit
        A lead unit of the plan.
    quarter
        The reporting quarter, a :class:`~taskanalytics.quarters.Quarter` or a label such as
        ``"2023Q1"``; its last day becomes the as-of date.
    out_dir
        Folder to write into (created if missing).
    overwrite
        Replace an existing file of the same name; off by default because a filled-in report
        may sit in the same folder.
    deadline, recipient
        When and to whom the filled file is sent (the workspace's ``[templates]``), printed on
        the 说明 sheet as 报送时限 and 报送对象.
    progress
        The plan's reports (:func:`taskanalytics.load_progress_history` output): milestones
        the unit has reported done are listed last, prefilled and locked (see
        :func:`template_rows`). Default: nothing is done yet.

    Returns
    -------
    pathlib.Path
        The written ``<unit>_<quarter>.xlsx``.

    Raises
    ------
    TaskAnalyticsError
        For an unknown unit, a bad quarter, an unsafe name or an existing file.

    Examples
    --------
    >>> write_template(plan, "财政局", "2023Q1", "out")  # doctest: +SKIP
    PosixPath('.../out/财政局_2023Q1.xlsx')
    """
    return write_templates(
        plan, quarter, out_dir, units=[unit], overwrite=overwrite, deadline=deadline,
        recipient=recipient, progress=progress,
    )[0]  # fmt: skip


def write_templates(
    plan: PlanLike,
    quarter: QuarterLike,
    out_dir: str | Path,
    *,
    units: Iterable[str] | None = None,
    overwrite: bool = False,
    deadline: str | None = None,
    recipient: str | None = None,
    progress: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the progress templates of a quarter, one file per lead unit.

    Every name and unit is checked before the first file is written.

    Parameters
    ----------
    plan
        A parsed plan; not modified.
    quarter
        The reporting quarter, a :class:`~taskanalytics.quarters.Quarter` or a label such as
        ``"2023Q1"``.
    out_dir
        Folder to write into (created if missing).
    units
        The units to write; default every lead unit (see `lead_units`) that has a milestone
        due by the quarter's end or a recurring one.
    overwrite
        Replace existing files instead of refusing.
    deadline, recipient
        When and to whom the filled files are sent, printed on each 说明 sheet (报送时限,
        报送对象); default not printed.
    progress
        The plan's reports (:func:`taskanalytics.load_progress_history` output), so each
        unit's milestones reported done are prefilled and locked; default none.

    Returns
    -------
    list of pathlib.Path
        The written files, in unit order.

    Raises
    ------
    TaskAnalyticsError
        For an unknown unit, a bad quarter, an unsafe name or (without ``overwrite``) existing
        files.
    """
    q = Quarter.parse(quarter)
    chosen: Sequence[str] = list(units) if units is not None else lead_units(plan)
    known = set(lead_units(plan))
    unknown = [u for u in chosen if u not in known]
    if unknown:
        raise TaskAnalyticsError(f"not lead units of the plan: {', '.join(unknown)}")
    rows = {u: template_rows(plan, u, q, progress=progress) for u in chosen}
    if units is not None and any(r.empty for r in rows.values()):
        idle = "、".join(u for u in chosen if rows[u].empty)
        raise TaskAnalyticsError(f"nothing due by the end of {q} for: {idle}")
    chosen = [u for u in chosen if not rows[u].empty]  # units with nothing due yet get no file
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [safe_template_path(out, template_filename(u, q)) for u in chosen]
    if len(set(paths)) != len(paths):
        raise TaskAnalyticsError("two units map to the same file name")
    existing = [p.name for p in paths if p.exists()]
    if existing and not overwrite:
        raise TaskAnalyticsError(f"files exist (pass overwrite=True): {', '.join(existing)}")
    submit = {"deadline": deadline, "recipient": recipient}
    return [
        save_workbook(_build_workbook(plan, rows[u], u, q, submit), p)
        for u, p in zip(chosen, paths, strict=True)
    ]
