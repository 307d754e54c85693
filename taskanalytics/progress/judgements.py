"""The 督查室's confidence judgements (研判): per task and quarter, kept apart from the schedule.

A judgement says whether the office believes a task will be delivered: 有把握 (``sure``),
有风险 (``at_risk``) or 难以完成 (``unlikely``), with a reason, who judged and when. It is the
forward-looking axis next to the backward-looking schedule light (红黄绿) the assessment
computes; the two are shown side by side and never merged into one colour.

- :func:`record_judgements` validates rows (from the explorer's form or a file) and appends them
  to the store's ``judgements`` table (schema v5, :mod:`taskanalytics.progress.db`) in one
  transaction: every problem is listed in Chinese and nothing is written, or all are written;
- :func:`read_judgement_file` reads a filled ``.xlsx``/``.csv`` (headers :data:`FILE_HEADERS`),
  :func:`write_judgement_template` writes the workbook the office fills (one row per task, the
  task's current light prefilled for context, a drop-down for 研判);
- :func:`load_judgements` reads them back: the latest entered per task and quarter wins (the
  table is append-only; a new judgement supersedes, nothing is updated or deleted).

The vocabulary (:data:`JUDGEMENT_LABELS`, :data:`FILE_HEADERS`) lives here, in one place.
openpyxl is imported only by the two Excel functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import pandas as pd

from taskanalytics.errors import QuarterError, RowProblem, TaskAnalyticsError, ValidationError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "FILE_HEADERS",
    "FORM_SOURCE",
    "JUDGEMENT_COLUMNS",
    "JUDGEMENT_LABELS",
    "MAX_REASON_CHARS",
    "judgement_code",
    "load_judgements",
    "read_judgement_file",
    "record_judgements",
    "validate_judgements",
    "write_judgement_template",
]

#: Judgement code -> the word the office uses, in order of concern.
JUDGEMENT_LABELS: Final[dict[str, str]] = {
    "sure": "有把握",
    "at_risk": "有风险",
    "unlikely": "难以完成",
}
#: Longest reason accepted (the table's CHECK says the same).
MAX_REASON_CHARS: Final = 500
#: ``source`` of a judgement entered in the explorer's form.
FORM_SOURCE: Final = "form"
#: Column -> header of a judgement file (and of the template), in order.
FILE_HEADERS: Final[dict[str, str]] = {
    "task_id": "任务编号",
    "quarter": "季度",
    "judgement": "研判",
    "reason": "理由",
    "judged_by": "研判人",
    "judged_at": "研判日期",
}
#: Context columns of the template (locked, not read back).
_CONTEXT_HEADERS: Final[dict[str, str]] = {
    "task_title": "任务",
    "lead_units": "牵头单位",
    "light": "当前灯色",
}
_SHEET: Final = "研判填报"
_ALIASES: Final[dict[str, str]] = {
    **{h: c for c, h in FILE_HEADERS.items()},
    **{c: c for c in FILE_HEADERS},
}
#: Columns of :func:`load_judgements` (the contract table ``progress.judgements``), in order.
JUDGEMENT_COLUMNS: Final[list[str]] = [
    "quarter",
    "task_id",
    "judgement",
    "reason",
    "judged_by",
    "judged_at",
    "entered_at",
    "source",
    "source_sha256",
    "plan",
    "plan_version",
]


def judgement_code(value: object) -> str | None:
    """Return the code of a judgement word or code (``有风险`` or ``at_risk`` -> ``at_risk``);
    None for anything else.

    Examples
    --------
    >>> judgement_code(" 有把握 "), judgement_code("unlikely"), judgement_code("还行")
    ('sure', 'unlikely', None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text in JUDGEMENT_LABELS:
        return text
    return {word: code for code, word in JUDGEMENT_LABELS.items()}.get(text)


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Row:
    quarter: str
    task_id: str
    judgement: str
    reason: str
    judged_by: str
    judged_at: dt.date
    source_row: int | None


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _records(rows: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as dicts keyed by English column names (Chinese headers accepted)."""
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    renamed = frame.rename(columns=lambda c: _ALIASES.get(str(c).strip(), str(c).strip()))
    return [dict(r) for r in renamed.to_dict("records")]


def _validate(
    plan: PlanLike,
    records: list[dict[str, Any]],
    file: str,
    today: dt.date,
    only: str | None = None,
) -> tuple[list[_Row], list[RowProblem]]:
    sheet = None
    year = plan_identity(plan).year
    known = set(plan.tasks["task_id"])
    words = "、".join(JUDGEMENT_LABELS.values())
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, rec in enumerate(records, start=1):
        line = int(rec.get("source_row") or i)

        def bad(column: str, value: object, expected: str, zh: str, *, line: int = line) -> None:
            problems.append(
                RowProblem(file, sheet, line, FILE_HEADERS[column], value, expected,
                           expected_zh=zh)
            )  # fmt: skip

        task = rec.get("task_id")
        task_id = None if _blank(task) else _text(task)
        if task_id is None:
            bad("task_id", task, "a task id of the plan", "{found}须填写计划中的任务编号")
        elif task_id not in known:
            bad("task_id", task, "a task id of the plan", "{found}不是本计划的任务编号")
        raw_quarter = rec.get("quarter")
        if only is not None and _blank(raw_quarter):
            raw_quarter = only
        quarter = None
        try:
            if _blank(raw_quarter):
                bad("quarter", raw_quarter, "a quarter", f"{{found}}须填写季度，如 {year}Q2")
                raise LookupError
            parsed = Quarter.parse(_text(raw_quarter))
            if parsed.year != year:
                bad("quarter", raw_quarter, f"a quarter of {year}",
                    f"{{found}}不在计划年度（{year}年）内，须填写如 {year}Q2")  # fmt: skip
            elif only is not None and parsed.label != only:
                bad("quarter", raw_quarter, f"the quarter {only}",
                    f"{{found}}不是本次录入的季度（{only}）")  # fmt: skip
            else:
                quarter = parsed.label
        except LookupError:
            pass
        except QuarterError:
            bad("quarter", raw_quarter, f"a quarter of {year} such as {year}Q2",
                f"{{found}}不是季度，须填写如 {year}Q2 或 {year}年第二季度")  # fmt: skip
        raw_judgement = rec.get("judgement")
        code = judgement_code(raw_judgement)
        if code is None:
            found = "未填写，" if _blank(raw_judgement) else "{found}不是可选的研判，"
            bad("judgement", raw_judgement, f"one of {list(JUDGEMENT_LABELS)}",
                f"{found}须选择{words}之一")  # fmt: skip
        raw_reason = rec.get("reason")
        reason = None if _blank(raw_reason) else _text(raw_reason)
        if reason is None:
            bad("reason", raw_reason, "a reason", "{found}须写明研判理由")
        elif len(reason) > MAX_REASON_CHARS:
            bad("reason", f"{reason[:20]}…", f"at most {MAX_REASON_CHARS} characters",
                f"理由共 {len(reason)} 字，超过 {MAX_REASON_CHARS} 字的上限，请精简")  # fmt: skip
            reason = None
        raw_by = rec.get("judged_by")
        judged_by = None if _blank(raw_by) else _text(raw_by)
        if judged_by is None:
            bad("judged_by", raw_by, "who judged", "{found}须填写研判人")
        raw_at = rec.get("judged_at")
        judged_at = today if _blank(raw_at) else _as_date(raw_at)
        if judged_at is None:
            bad("judged_at", raw_at, "a date YYYY-MM-DD", "{found}不是日期，须填写如 2023-06-30")
        elif judged_at > today:
            bad("judged_at", raw_at, f"a date not after {today}",
                f"{{found}}晚于今天（{today}），研判日期不能是将来的日期")  # fmt: skip
            judged_at = None
        if task_id is not None and quarter is not None:
            earlier = seen.setdefault((task_id, quarter), line)
            if earlier != line:
                bad("task_id", task, "each task once per quarter",
                    f"{{found}}在第 {earlier} 行已填写过同一季度的研判，每项任务每季度只填一行")  # fmt: skip
        if None not in (task_id, quarter, code, reason, judged_by, judged_at) and (
            task_id in known
        ):
            rows.append(_Row(quarter, task_id, code, reason, judged_by, judged_at,
                             rec.get("source_row")))  # type: ignore[arg-type]  # fmt: skip
    return rows, problems


def _source(source: str | Path) -> tuple[str, str | None]:
    """What ``judgements.source`` and ``source_sha256`` say of where rows came from."""
    if str(source) == FORM_SOURCE:
        return FORM_SOURCE, None
    path = Path(source)
    return path.name, hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def validate_judgements(
    plan: PlanLike,
    frame_or_rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    source: str | Path,
    quarter: QuarterLike | None = None,
    today: dt.date | None = None,
) -> list[Any]:
    """Check judgement rows as :func:`record_judgements` does, writing nothing.

    Returns
    -------
    list
        The valid rows (for :func:`record_judgements`).

    Raises
    ------
    ValidationError
        Listing every problem, each with its row and a Chinese sentence
        (:meth:`~taskanalytics.errors.RowProblem.zh`).
    """
    only = None if quarter is None else Quarter.parse(quarter).label
    file = "研判录入" if str(source) == FORM_SOURCE else str(source)
    rows, problems = _validate(plan, _records(frame_or_rows), file, today or dt.date.today(), only)
    if problems:
        raise ValidationError(problems, f"{len(problems)} problem(s); no judgement was recorded")
    return rows


# --------------------------------------------------------------------------- writing


def record_judgements(
    store: Any,
    plan: PlanLike,
    frame_or_rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    *,
    source: str | Path,
    quarter: QuarterLike | None = None,
    today: dt.date | None = None,
) -> int:
    """Validate judgements, then append them to the store in one transaction.

    Parameters
    ----------
    store
        A :class:`~taskanalytics.progress.store.ProgressStore` or the path of its SQLite file.
    plan
        The plan judged (registered in the store if new); not modified.
    frame_or_rows
        A DataFrame or mappings with ``task_id, quarter, judgement, reason, judged_by`` and
        optionally ``judged_at`` (default ``today``) and ``source_row`` (the row number errors
        name); the Chinese headers of :data:`FILE_HEADERS` are accepted too. ``judgement`` is
        a word of :data:`JUDGEMENT_LABELS` or its code.
    source
        :data:`FORM_SOURCE` (``"form"``) for the explorer's form, else the file the rows come
        from (its name and SHA-256 are stored).
    quarter
        When given, every row must be of this quarter (a blank 季度 means it).
    today
        The day a blank 研判日期 stands for and the latest accepted; default today.

    Returns
    -------
    int
        How many judgements were stored.

    Raises
    ------
    ValidationError
        Listing every problem (unknown task, a quarter outside the plan's year, an unknown
        judgement word, an empty or too long reason, no 研判人, a bad or future date, a task
        twice for one quarter); nothing was written.
    StoreError
        If the store cannot be written.

    Examples
    --------
    >>> record_judgements(store, plan, [{"task_id": "T001", "quarter": "2023Q2",
    ...     "judgement": "有风险", "reason": "资金未到位", "judged_by": "张三"}],
    ...     source="form")  # doctest: +SKIP
    1
    """
    from taskanalytics.progress import store as st
    from taskanalytics.progress.db import now
    from taskanalytics.progress.registry import register_version

    rows = validate_judgements(plan, frame_or_rows, source=source, quarter=quarter, today=today)
    if not rows:
        return 0
    name, sha = _source(source)
    target = st._as_store(store, [plan])
    entered = now()
    with st._writing(target, "record judgements") as (conn, copies):
        version = register_version(conn, target.path.parent, plan, copies=copies)
        conn.executemany(
            "INSERT INTO judgements (plan_version_id, quarter, task_id, judgement, reason, "
            "judged_by, judged_at, entered_at, source, source_sha256, source_row) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (version.version_id, r.quarter, r.task_id, r.judgement, r.reason, r.judged_by,
                 r.judged_at.isoformat(), entered, name, sha, r.source_row)
                for r in rows
            ],
        )  # fmt: skip
    return len(rows)


# --------------------------------------------------------------------------- reading


_SQL = """
SELECT j.quarter, j.task_id, j.judgement, j.reason, j.judged_by, j.judged_at, j.entered_at,
       j.source, j.source_sha256, p.name AS plan, v.sha256 AS plan_version, j.judgement_id
FROM judgements AS j JOIN plan_versions AS v ON j.plan_version_id = v.version_id
JOIN plans AS p USING (plan_id)
WHERE v.plan_id = ?
"""


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(
        judged_at=pd.to_datetime(frame["judged_at"]),
        entered_at=pd.to_datetime(frame["entered_at"], utc=True, format="ISO8601"),
    )[JUDGEMENT_COLUMNS].reset_index(drop=True)


def load_judgements(store: Any, plan: PlanLike, quarter: QuarterLike | None = None) -> pd.DataFrame:
    """Return the judgements of a plan in force: the latest entered per task and quarter.

    Parameters
    ----------
    store
        A :class:`~taskanalytics.progress.store.ProgressStore` or the path of its SQLite file;
        a missing file (or one from before schema v5) gives an empty frame, and is not created.
    plan
        The plan (any of its versions' judgements count).
    quarter
        Keep only this quarter's; default every quarter.

    Returns
    -------
    pandas.DataFrame
        :data:`JUDGEMENT_COLUMNS` (the contract table ``progress.judgements``), one row per
        task and quarter, in task then quarter order; ``judgement`` holds codes
        (:data:`JUDGEMENT_LABELS`).

    Examples
    --------
    >>> load_judgements(store, plan, "2023Q2")[["task_id", "judgement"]]  # doctest: +SKIP
    """
    from taskanalytics.progress import store as st
    from taskanalytics.progress.registry import plan_scope

    empty = _typed(pd.DataFrame(columns=[*JUDGEMENT_COLUMNS, "judgement_id"]))
    path = st._store_path(store)
    if not path.exists():
        return empty
    label = None if quarter is None else Quarter.parse(quarter).label
    with st._reading(st.ProgressStore(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "judgements" not in tables:
            return empty
        plan_id = plan_scope(conn, path.parent, plan_identity(plan))
        if plan_id is None:
            return empty
        sql, params = _SQL, [plan_id]
        if label is not None:
            sql += " AND j.quarter = ?"
            params.append(label)
        frame = pd.read_sql_query(sql + " ORDER BY j.judgement_id", conn, params=params)
    latest = frame.drop_duplicates(["task_id", "quarter"], keep="last")
    order = {t: i for i, t in enumerate(plan.tasks["task_id"])}
    latest = latest.assign(_order=latest["task_id"].map(order).fillna(len(order)))
    return _typed(latest.sort_values(["_order", "quarter"], kind="stable"))


# --------------------------------------------------------------------------- files


def read_judgement_file(path: str | Path, plan: PlanLike) -> pd.DataFrame:
    """Read a filled judgement file (``.xlsx`` from :func:`write_judgement_template`, or a
    ``.csv`` with the same headers) into rows for :func:`record_judgements`.

    Rows with neither 研判 nor 理由 filled are skipped (tasks the office did not judge); the
    other columns (任务, 牵头单位, 当前灯色) are context and ignored.

    Parameters
    ----------
    path
        The file.
    plan
        The plan (its task ids are checked by :func:`record_judgements`, not here).

    Returns
    -------
    pandas.DataFrame
        ``task_id, quarter, judgement, reason, judged_by, judged_at, source_row``.

    Raises
    ------
    ValidationError
        A file that cannot be read, lacks a header, or has no judged row (one problem each, in
        Chinese).
    """
    from taskanalytics.limits import current_limits, read_input

    path = Path(path)
    limits = current_limits()

    def refuse(column: str, expected: str, zh: str) -> ValidationError:
        return ValidationError([RowProblem(str(path), None, 0, column, None, expected,
                                           expected_zh=zh, where_zh=f"文件“{path.name}”")])  # fmt: skip

    try:
        data = read_input(path, limits)
        header, cells = (
            _xlsx_cells(path, data) if path.suffix.lower() == ".xlsx" else (_csv_cells(path, data))
        )
    except TaskAnalyticsError as err:
        raise refuse("<file>", str(err), f"无法读取（{err}）") from err
    missing = [h for c, h in FILE_HEADERS.items() if c != "judged_at" and h not in header]
    if missing:
        raise refuse("<file>", f"headers {missing}",
                     f"缺少表头「{'」「'.join(missing)}」，请使用研判模板")  # fmt: skip
    index = {h: header.index(h) for h in FILE_HEADERS.values() if h in header}
    rows = []
    for line, values in cells:
        rec = {c: values[index[h]] if index.get(h, 99999) < len(values) else None
               for c, h in FILE_HEADERS.items()}  # fmt: skip
        if _blank(rec["judgement"]) and _blank(rec["reason"]):
            continue
        rows.append({**rec, "source_row": line})
    if not rows:
        raise refuse("<file>", "at least one judged row", "没有填写研判的行")
    del plan  # validated by record_judgements, where every problem is listed at once
    return pd.DataFrame(rows, columns=[*FILE_HEADERS, "source_row"])


def _xlsx_cells(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    from taskanalytics.limits import current_limits
    from taskanalytics.plan.readers.office import quietly
    from taskanalytics.progress.reading import check_xlsx

    check_xlsx(path, data, current_limits())
    try:
        wb = quietly(lambda: load_workbook(io.BytesIO(data), read_only=True, data_only=True))
        ws = wb[_SHEET] if _SHEET in wb.sheetnames else wb.worksheets[0]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
    except Exception as err:  # noqa: BLE001 - openpyxl raises anything on a damaged file
        raise TaskAnalyticsError(f"a damaged workbook ({type(err).__name__})") from err
    for i, row in enumerate(grid[:5]):  # a title row may come first
        header = ["" if v is None else str(v).strip() for v in row]
        if FILE_HEADERS["task_id"] in header:
            return header, [(j, r) for j, r in enumerate(grid[i + 1 :], start=i + 2)]
    return [], []


def _csv_cells(path: Path, data: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    import csv

    from taskanalytics.limits import decode_text

    text = decode_text(path, data, what="a judgement file")
    records = list(csv.reader(io.StringIO(text)))
    if not records:
        return [], []
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    return header, [(i, list(r)) for i, r in enumerate(records[1:], start=2)]


def write_judgement_template(
    plan: PlanLike,
    quarter: QuarterLike,
    path: str | Path,
    *,
    lights: Mapping[str, str] | None = None,
) -> Path:
    """Write the workbook the 督查室 fills: one row per task of the plan, in plan order.

    任务编号, 任务, 牵头单位, the task's 当前灯色 (context, from ``lights``) and 季度 are prefilled
    and locked; 研判 is a drop-down (:data:`JUDGEMENT_LABELS`), 理由, 研判人 and 研判日期 are
    open. Rows left without 研判 and 理由 are skipped when read back.

    Parameters
    ----------
    plan
        The plan.
    quarter
        The quarter judged.
    path
        The ``.xlsx`` to write (atomically).
    lights
        Task id -> its schedule light word (红/黄/绿) this quarter, shown for context only;
        default none (the column stays blank).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> write_judgement_template(plan, "2023Q2", "研判_2023Q2.xlsx")  # doctest: +SKIP
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from taskanalytics.progress.templates import save_workbook
    from taskanalytics.schema.cells import neutralise_sheet, strip_illegal_chars

    label = Quarter.parse(quarter).label
    lights = lights or {}
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET
    headers = {**{"task_id": FILE_HEADERS["task_id"]}, **_CONTEXT_HEADERS,
               **{c: h for c, h in FILE_HEADERS.items() if c != "task_id"}}  # fmt: skip
    inputs = {"judgement", "reason", "judged_by", "judged_at"}
    widths = {"task_id": 10, "task_title": 48, "lead_units": 18, "light": 9, "quarter": 9,
              "judgement": 10, "reason": 40, "judged_by": 10, "judged_at": 12}  # fmt: skip
    locked_fill = PatternFill("solid", fgColor="F2F2F2")
    for j, (name, text) in enumerate(headers.items(), start=1):
        cell = ws.cell(1, j, text)
        cell.font = Font(bold=True)
        fill = "C6E0B4" if name in inputs else "DDEBF7"
        cell.fill = PatternFill("solid", fgColor=fill)
        ws.column_dimensions[get_column_letter(j)].width = widths[name]
    open_cell = Protection(locked=False)
    for i, task in enumerate(plan.tasks.itertuples(index=False), start=2):
        values = {
            "task_id": task.task_id, "task_title": task.title,
            "lead_units": "、".join(task.lead_units), "light": lights.get(task.task_id),
            "quarter": label,
        }  # fmt: skip
        for j, name in enumerate(headers, start=1):
            cell = ws.cell(i, j, strip_illegal_chars(values.get(name)))
            cell.alignment = Alignment(wrap_text=name in ("task_title", "reason"), vertical="top")
            if name in inputs:
                cell.protection = open_cell
                if name == "judged_at":
                    cell.number_format = "yyyy-mm-dd"
            else:
                cell.fill = locked_fill
    last = max(len(plan.tasks) + 1, 2)
    col = {name: get_column_letter(j) for j, name in enumerate(headers, start=1)}
    words = list(JUDGEMENT_LABELS.values())
    dv = DataValidation(
        type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle="研判", error="请从下拉列表选择：" + "、".join(words),
    )  # fmt: skip
    dv.add(f"{col['judgement']}2:{col['judgement']}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = "C2"
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    neutralise_sheet(ws)
    wb.properties.created = dt.datetime(2000, 1, 1)
    return save_workbook(wb, path)
