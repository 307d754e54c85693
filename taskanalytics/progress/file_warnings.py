"""The ``file_warnings`` table of the progress store: the intake's warnings, kept with the file.

A warning is a value the intake accepted but that is worth a second look (已完成 with an actual
below its target, a value over 10x its target, a negative count …): a
:class:`~taskanalytics.errors.RowProblem` in :attr:`ProgressFile.warnings
<taskanalytics.progress.intake.ProgressFile>`. :func:`insert_warnings` writes a file's warnings in
the transaction that writes its reports (:func:`taskanalytics.progress.store.ingest_files`);
:func:`read_warnings` reads them back for one plan, as
:func:`taskanalytics.progress.store.load_warnings` returns them. The schema (version 3) is
:mod:`taskanalytics.progress.db`'s.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = ["WARNING_COLUMNS", "insert_warnings", "no_warnings", "read_warnings", "value_text"]

#: Columns of :func:`read_warnings` (the contract table ``progress.warnings``), in order.
WARNING_COLUMNS: list[str] = [
    "unit",
    "quarter",
    "as_of_date",
    "source_file",
    "sha256",
    "ingested_at",
    "seq",
    "row",
    "column",
    "milestone_id",
    "value",
    "message",
]

_SQL = """
SELECT f.unit, f.quarter, f.as_of_date, f.original_name AS source_file, f.sha256,
       f.ingested_at, w.seq, w.source_row AS "row", w.source_column AS "column",
       w.milestone_id, w.value, w.message_zh AS message
FROM file_warnings AS w JOIN source_files AS f USING (file_id)
JOIN plan_versions AS v ON f.plan_version_id = v.version_id
WHERE v.plan_id = ?
"""


def value_text(value: object) -> str | None:
    """Return a value a clerk typed as the store keeps it: text, None for a blank.

    Whole numbers lose their ``.0``, dates are ``YYYY-MM-DD`` (with the time when there is
    one); anything else is ``str()``.

    Examples
    --------
    >>> value_text(5.0), value_text(dt.datetime(2023, 3, 20)), value_text(float("nan"))
    ('5', '2023-03-20', None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.date().isoformat() if midnight else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def insert_warnings(conn: sqlite3.Connection, file_id: int, warnings: Iterable[Any]) -> int:
    """Write a stored file's warnings (``seq`` 1, 2, … in the intake's order); return how many.

    Parameters
    ----------
    conn
        A connection inside the ingest's transaction.
    file_id
        The file's ``source_files.file_id``, inserted in the same transaction.
    warnings
        :class:`~taskanalytics.errors.RowProblem` objects: their :meth:`zh` sentence is
        ``message_zh``, their ``str()`` ``message_en``.
    """
    rows = [
        (
            file_id,
            seq,
            w.sheet,
            int(w.row),
            str(w.column),
            w.milestone_id,
            value_text(w.value),
            w.zh(),
            str(w),
        )
        for seq, w in enumerate(warnings, start=1)
    ]
    conn.executemany(
        "INSERT INTO file_warnings (file_id, seq, sheet, source_row, source_column, "
        "milestone_id, value, message_zh, message_en) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def read_warnings(
    conn: sqlite3.Connection,
    plan_id: int | None,
    *,
    quarter: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Return the stored warnings of one plan's files (:data:`WARNING_COLUMNS`), oldest first.

    Parameters
    ----------
    conn
        A connection to a store at schema version 3 or later.
    plan_id
        The plan's ``plans.plan_id``; None (a plan the store does not know) gives no rows.
    quarter, unit
        Keep only the files of this quarter (``"2023Q2"``) and of this unit.

    Returns
    -------
    pandas.DataFrame
        Typed as the contract table ``progress.warnings`` declares it, also when empty.
    """
    sql, params = _SQL, [plan_id]
    if quarter is not None:
        sql += " AND f.quarter = ?"
        params.append(quarter)
    if unit is not None:
        sql += " AND f.unit = ?"
        params.append(unit)
    if plan_id is None:
        return no_warnings()
    sql += " ORDER BY f.ingested_at, f.file_id, w.seq"
    return _typed(pd.read_sql_query(sql, conn, params=params))


def no_warnings() -> pd.DataFrame:
    """Return an empty frame of :data:`WARNING_COLUMNS`, typed as :func:`read_warnings`'s."""
    return _typed(pd.DataFrame(columns=WARNING_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (rows of ``_SQL``) with the contract's dtypes, as a new frame."""
    return frame.assign(
        as_of_date=pd.to_datetime(frame["as_of_date"]),
        ingested_at=pd.to_datetime(frame["ingested_at"], utc=True, format="ISO8601"),
        seq=frame["seq"].astype("int64"),
        row=frame["row"].astype("int64"),
    )[WARNING_COLUMNS].reset_index(drop=True)
