"""The progress store: an append-only SQLite file of every accepted report.

Tables (``SCHEMA_VERSION`` 1; ``schema_version`` records what has been applied):

- ``source_files``: one row per accepted file: sha256 (unique), original name, archived path
  (relative to the store's folder), unit, quarter, as-of date, is_synthetic, ingested_at (UTC).
- ``reports``: one row per milestone per file: status code, completed date, note, source row.
- ``actual_values``: one row per reported target value: target_no, value, unit.

Rows are never updated or deleted (triggers refuse it): a correction is a new file, and
:func:`load_progress` takes, per milestone, the report with the latest as-of date, then the
latest ingestion. Accepted files are copied to ``<store dir>/archive/<sha256>.<ext>``.

Opening a store checks its schema version: an older store is migrated in one transaction, a
newer one (written by a later taskanalytics) is refused with :class:`StoreError`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from taskanalytics import config
from taskanalytics.errors import StoreError, ValidationError
from taskanalytics.plan.build import PlanLike
from taskanalytics.progress.history import latest_reports

if TYPE_CHECKING:  # the intake (openpyxl) is imported only when files are ingested
    from taskanalytics.progress.intake import ProgressFile

__all__ = [
    "PROGRESS_COLUMNS",
    "SCHEMA_VERSION",
    "IngestResult",
    "IngestedFile",
    "ProgressStore",
    "ingest_files",
    "load_progress",
    "load_progress_history",
    "open_store",
]

logger = logging.getLogger("taskanalytics")

SCHEMA_VERSION = 1

_APPEND_ONLY = "".join(
    f"""
    CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    """
    for table in ("source_files", "reports", "actual_values")
    for verb in ("update", "delete")
)

#: version -> SQL script bringing a store from version-1 to version.
_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE source_files (
        file_id       INTEGER PRIMARY KEY,
        sha256        TEXT NOT NULL UNIQUE,
        original_name TEXT NOT NULL,
        archived_path TEXT NOT NULL,
        unit          TEXT NOT NULL,
        quarter       TEXT,
        as_of_date    TEXT NOT NULL,
        is_synthetic  INTEGER NOT NULL CHECK (is_synthetic IN (0, 1)),
        ingested_at   TEXT NOT NULL
    );
    CREATE TABLE reports (
        report_id      INTEGER PRIMARY KEY,
        file_id        INTEGER NOT NULL REFERENCES source_files (file_id),
        milestone_id   TEXT NOT NULL,
        task_id        TEXT NOT NULL,
        status         TEXT NOT NULL
                       CHECK (status IN ('done', 'in_progress', 'not_started', 'late')),
        completed_date TEXT,
        note           TEXT,
        source_row     INTEGER NOT NULL,
        UNIQUE (file_id, milestone_id)
    );
    CREATE INDEX reports_by_milestone ON reports (milestone_id);
    CREATE TABLE actual_values (
        report_id INTEGER NOT NULL REFERENCES reports (report_id),
        target_no INTEGER NOT NULL CHECK (target_no >= 1),
        value     REAL NOT NULL,
        unit      TEXT,
        PRIMARY KEY (report_id, target_no)
    );
    """
    + _APPEND_ONLY,
}

#: Columns of `load_progress` before the ``actual_<n>`` columns, which come after
#: ``completed_date``.
PROGRESS_COLUMNS = [
    "milestone_id",
    "task_id",
    "unit",
    "quarter",
    "as_of_date",
    "status",
    "completed_date",
    "note",
    "source_file",
    "sha256",
    "ingested_at",
    "is_synthetic",
]


@dataclass(frozen=True)
class ProgressStore:
    """A progress store on disk (use :func:`open_store` to get one checked and migrated).

    Attributes
    ----------
    path : pathlib.Path
        The SQLite file.
    """

    path: Path

    @property
    def archive_dir(self) -> Path:
        """Folder holding accepted files as ``<sha256>.<ext>``."""
        return self.path.parent / "archive"


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot open the progress store: {err}") from err
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        yield conn
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: {err}") from err
    finally:
        conn.close()


def _schema_version(conn: sqlite3.Connection, path: Path) -> int:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        if tables:
            raise StoreError(
                f"{path}: not a taskanalytics progress store (tables: {sorted(tables)})"
            )
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = _schema_version(conn, path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this taskanalytics "
            f"understands ({SCHEMA_VERSION}); upgrade taskanalytics"
        )
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if version == 0:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            # executescript would COMMIT our transaction; run the statements one by one.
            for statement in _split_sql(_MIGRATIONS[step]):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (step, _now()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    logger.info("progress store %s migrated from version %d to %d", path, version, SCHEMA_VERSION)


def _split_sql(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def open_store(path: str | Path | None = None) -> ProgressStore:
    """Open (creating if needed) a progress store, checking and migrating its schema.

    Parameters
    ----------
    path
        The SQLite file; default ``$TASKANALYTICS_STORE`` or ``data/progress/progress.sqlite``
        (see :func:`taskanalytics.config.resolve`).

    Returns
    -------
    ProgressStore
        The store, at the current schema version, in WAL mode.

    Raises
    ------
    StoreError
        If the file is not a SQLite database, is another application's database, or has a
        schema newer than this version understands.

    Examples
    --------
    >>> store = open_store(tmp_path / "progress.sqlite")  # doctest: +SKIP
    """
    path = config.resolve(store=path).store
    path.parent.mkdir(parents=True, exist_ok=True)
    with _connect(path) as conn:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: cannot switch to WAL journal mode (got {mode})")
        _migrate(conn, path)
    return ProgressStore(path)


def _as_store(store: ProgressStore | str | Path) -> ProgressStore:
    return store if isinstance(store, ProgressStore) else open_store(store)


@dataclass(frozen=True)
class IngestedFile:
    """One file handled by :func:`ingest_files`."""

    path: Path
    sha256: str
    unit: str
    quarter: str | None
    as_of_date: dt.date
    n_reports: int
    n_values: int
    archived_path: Path | None


@dataclass(frozen=True)
class IngestResult:
    """What :func:`ingest_files` did.

    Attributes
    ----------
    ingested : tuple of IngestedFile
        Files written to the store, in the order given.
    skipped : tuple of IngestedFile
        Files whose bytes were already in the store (or earlier in the same call); nothing was
        written for them.
    """

    ingested: tuple[IngestedFile, ...]
    skipped: tuple[IngestedFile, ...]

    def to_frame(self) -> pd.DataFrame:
        """Return one row per file with an ``outcome`` column (ingested or skipped)."""
        rows = [{"outcome": "ingested", **vars(f)} for f in self.ingested]
        rows += [{"outcome": "skipped", **vars(f)} for f in self.skipped]
        return pd.DataFrame(rows, columns=["outcome", *IngestedFile.__dataclass_fields__])


def _archive(store: ProgressStore, pf: ProgressFile) -> tuple[Path, bool]:
    """Copy a validated file into the archive; return its path and whether it was created."""
    data = pf.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != pf.sha256:
        raise StoreError(f"{pf.path}: file changed between validation and ingestion")
    store.archive_dir.mkdir(parents=True, exist_ok=True)
    target = store.archive_dir / f"{pf.sha256}{pf.path.suffix.lower()}"
    if target.exists():
        return target, False
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target, True


def _insert_source_file(
    conn: sqlite3.Connection, store: ProgressStore, pf: ProgressFile, archived: Path
) -> int:
    cursor = conn.execute(
        "INSERT INTO source_files (sha256, original_name, archived_path, unit, quarter, "
        "as_of_date, is_synthetic, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            pf.sha256,
            pf.path.name,
            archived.relative_to(store.path.parent).as_posix(),
            pf.unit,
            pf.quarter,
            pf.as_of_date.isoformat(),
            int(pf.is_synthetic),
            _now(),
        ),
    )
    return int(cursor.lastrowid)


def _insert_reports(conn: sqlite3.Connection, file_id: int, pf: ProgressFile) -> None:
    values = pf.values.groupby("milestone_id")
    with_values = set(pf.values["milestone_id"])
    for rep in pf.reports.itertuples(index=False):
        completed = None if pd.isna(rep.completed_date) else rep.completed_date.date().isoformat()
        note = None if pd.isna(rep.note) else rep.note
        cursor = conn.execute(
            "INSERT INTO reports (file_id, milestone_id, task_id, status, completed_date, note, "
            "source_row) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (file_id, rep.milestone_id, rep.task_id, rep.status, completed, note, int(rep.row)),
        )
        if rep.milestone_id in with_values:
            group = values.get_group(rep.milestone_id)
            conn.executemany(
                "INSERT INTO actual_values (report_id, target_no, value, unit) VALUES (?, ?, ?, ?)",
                [
                    (cursor.lastrowid, int(v.target_no), float(v.value), v.unit)
                    for v in group.itertuples(index=False)
                ],
            )


def _write_files(
    store: ProgressStore, files: list[ProgressFile]
) -> tuple[list[IngestedFile], list[IngestedFile]]:
    """Write every new file of one ingest in one transaction: all of them, or none.

    Files whose hash is already stored (or repeated in ``files``) are skipped. On any failure
    the transaction rolls back and the archive copies made for it are removed.
    """
    ingested: list[IngestedFile] = []
    skipped: list[IngestedFile] = []
    created: list[Path] = []
    with _connect(store.path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for pf in files:
                if conn.execute(
                    "SELECT 1 FROM source_files WHERE sha256 = ?", (pf.sha256,)
                ).fetchone():
                    skipped.append(_file_result(pf))
                    continue
                archived, new = _archive(store, pf)
                if new:
                    created.append(archived)
                file_id = _insert_source_file(conn, store, pf, archived)
                _insert_reports(conn, file_id, pf)
                ingested.append(_file_result(pf, archived))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            for path in created:
                path.unlink(missing_ok=True)
            raise
    return ingested, skipped


def _file_result(pf: ProgressFile, archived: Path | None = None) -> IngestedFile:
    """What an ingest reports for a file: archived when written, None when skipped."""
    return IngestedFile(
        pf.path, pf.sha256, pf.unit, pf.quarter, pf.as_of_date,
        len(pf.reports), len(pf.values), archived,
    )  # fmt: skip


def ingest_files(
    paths: Iterable[str | Path],
    *,
    plan: PlanLike,
    store: ProgressStore | str | Path,
    as_of: dt.date | str | None = None,
) -> IngestResult:
    """Validate progress reports, then append them to the store in one transaction.

    Every file is read and validated before the store is touched: if any file has a problem,
    nothing is written and the store file stays byte-for-byte unchanged. A file whose bytes are
    already stored is skipped, so ingesting the same folder twice is harmless. A failure while
    writing rolls the whole ingest back (no partial rows, no archive copies).

    Parameters
    ----------
    paths
        ``.xlsx`` templates or ``.csv`` reports.
    plan
        The plan the reports are about; not modified.
    store
        A :class:`ProgressStore` or the path of its SQLite file.
    as_of
        Override the as-of date of every file (default: each template's quarter end).

    Returns
    -------
    IngestResult
        The files ingested and skipped.

    Raises
    ------
    ValidationError
        Listing the problems of every rejected file; nothing was written.
    StoreError
        If the store cannot be opened or written.

    Examples
    --------
    >>> result = ingest_files(sorted(inbox.glob("*.xlsx")), plan=plan, store=store)  # doctest: +SKIP
    >>> result.to_frame()[["outcome", "unit", "n_reports"]]  # doctest: +SKIP
    """
    from taskanalytics.progress.intake import read_progress_file

    parsed: list[ProgressFile] = []
    problems = []
    paths = list(paths)
    for path in paths:
        try:
            parsed.append(read_progress_file(path, plan=plan, as_of=as_of))
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        rejected = len({p.file for p in problems})
        raise ValidationError(
            problems, f"{rejected} of {len(paths)} file(s) rejected; nothing was ingested"
        )
    target = _as_store(store)
    ingested, skipped = _write_files(target, parsed)
    for written in ingested:
        logger.info("ingested %s: %d reports", written.path.name, written.n_reports)
    return IngestResult(tuple(ingested), tuple(skipped))


_HISTORY_SQL = """
SELECT r.report_id, r.milestone_id, r.task_id, f.unit, f.quarter, f.as_of_date, r.status,
       r.completed_date, r.note, f.original_name AS source_file, f.sha256, f.ingested_at,
       f.is_synthetic
FROM reports AS r JOIN source_files AS f USING (file_id)
"""


def _history(store: ProgressStore | str | Path) -> pd.DataFrame:
    path = store.path if isinstance(store, ProgressStore) else Path(store)
    if not path.exists():
        reports = pd.DataFrame(columns=["report_id", *PROGRESS_COLUMNS])
        values = pd.DataFrame(columns=["report_id", "target_no", "value"])
    else:
        with _connect(_as_store(store).path) as conn:
            reports = pd.read_sql_query(_HISTORY_SQL, conn)
            values = pd.read_sql_query(
                "SELECT report_id, target_no, value FROM actual_values", conn
            )
    wide = values.pivot(index="report_id", columns="target_no", values="value")
    highest = int(values["target_no"].max()) if len(values) else 0
    wide = wide.reindex(columns=range(1, highest + 1))  # actual_1 … actual_k, no gaps
    wide = wide.rename(columns=lambda n: f"actual_{int(n)}").astype(float)
    frame = reports.merge(wide, left_on="report_id", right_index=True, how="left")
    frame = frame.assign(
        as_of_date=pd.to_datetime(frame["as_of_date"]),
        completed_date=pd.to_datetime(frame["completed_date"]),
        ingested_at=pd.to_datetime(frame["ingested_at"], utc=True, format="ISO8601"),
        is_synthetic=frame["is_synthetic"].astype(bool),
    )
    actual = sorted(wide.columns, key=lambda c: int(c.split("_")[1]))
    ordered = PROGRESS_COLUMNS[:7] + actual + PROGRESS_COLUMNS[7:]
    return frame.sort_values(["milestone_id", "as_of_date", "ingested_at", "report_id"])[
        ordered
    ].reset_index(drop=True)


def load_progress_history(store: ProgressStore | str | Path) -> pd.DataFrame:
    """Return every stored report, one row per milestone per file, oldest first per milestone.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file; a missing file gives an empty
        frame (and is not created).

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`load_progress`.
    """
    return _history(store)


def load_progress(
    store: ProgressStore | str | Path, as_of: dt.date | str | None = None
) -> pd.DataFrame:
    """Return the latest report per milestone as of a date.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file; a missing file gives an empty
        frame (and is not created).
    as_of
        Only reports whose as-of date is on or before this date count; default all. Among those,
        the latest as-of date wins, then the latest ingestion (a corrected file re-sent for the
        same quarter replaces the first).

    Returns
    -------
    pandas.DataFrame
        One row per reported milestone: ``milestone_id, task_id, unit, quarter, as_of_date,
        status, completed_date``, then ``actual_1 … actual_k`` (float, the value reported for
        target ``n`` of the milestone, NaN if none; ``k`` is the highest target number stored;
        units are the plan's ``targets.unit``), then ``note, source_file, sha256, ingested_at,
        is_synthetic``. ``status`` holds codes (done, in_progress, not_started, late).

    Examples
    --------
    >>> load_progress(store, as_of="2023-06-30")[["milestone_id", "status"]]  # doctest: +SKIP
    """
    return latest_reports(_history(store), as_of)
