"""The progress store's SQLite schema, its migrations and its connections.

Schema versions (``schema_version`` records each step applied):

1. ``source_files`` (one row per accepted file), ``reports`` (one per milestone per file) and
   ``actual_values`` (one per reported target value).
2. Plans are first-class: ``plans`` (one row per plan: a unique short name, its year and
   kind), ``plan_versions`` (one row per source document of a plan: its SHA-256, 文号, the date
   it is in force from and where its copy is archived) and ``source_files.plan_version_id``:
   every file belongs to exactly one version of one plan (a trigger refuses a file without).

Every table is append-only (triggers refuse UPDATE and DELETE). Migrations run in one
transaction with whatever else the opener needs (:func:`migrate` takes an ``attach`` step: a v1
store's files are attached to their plan in the same transaction, or nothing changes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from taskanalytics.errors import StoreError

__all__ = ["SCHEMA_VERSION", "append_only", "connect", "migrate", "now", "schema_version"]

logger = logging.getLogger("taskanalytics")

SCHEMA_VERSION = 2


def append_only(*tables: str) -> str:
    """SQL creating the triggers that refuse UPDATE and DELETE on ``tables``."""
    return "".join(
        f"""
    CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table}
    BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
    """
        for table in tables
        for verb in ("update", "delete")
    )


#: version -> SQL script bringing a store from version-1 to version.
MIGRATIONS: dict[int, str] = {
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
    + append_only("source_files", "reports", "actual_values"),
    2: """
    CREATE TABLE plans (
        plan_id       INTEGER PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        year          INTEGER NOT NULL,
        kind          TEXT NOT NULL,
        registered_at TEXT NOT NULL
    );
    CREATE TABLE plan_versions (
        version_id     INTEGER PRIMARY KEY,
        plan_id        INTEGER NOT NULL REFERENCES plans (plan_id),
        sha256         TEXT NOT NULL UNIQUE,
        doc_number     TEXT,
        title          TEXT NOT NULL,
        source_name    TEXT NOT NULL,
        archived_path  TEXT,
        effective_from TEXT NOT NULL,
        n_tasks        INTEGER NOT NULL,
        n_milestones   INTEGER NOT NULL,
        registered_at  TEXT NOT NULL,
        UNIQUE (plan_id, effective_from)
    );
    ALTER TABLE source_files
        ADD COLUMN plan_version_id INTEGER REFERENCES plan_versions (version_id);
    CREATE INDEX source_files_by_version ON source_files (plan_version_id);
    CREATE TRIGGER source_files_need_plan BEFORE INSERT ON source_files
    WHEN NEW.plan_version_id IS NULL
    BEGIN SELECT RAISE(ABORT, 'a source file belongs to a plan version'); END;
    """
    + append_only("plans", "plan_versions"),
}


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (transactions are explicit) with foreign keys on."""
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


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The store's schema version: 0 for an empty file; StoreError for a foreign database."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "schema_version" not in tables:
        if tables:
            raise StoreError(
                f"{path}: not a taskanalytics progress store (tables: {sorted(tables)})"
            )
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]


def migrate(
    conn: sqlite3.Connection,
    path: Path,
    attach: Callable[[sqlite3.Connection], None] | None = None,
) -> int:
    """Bring a store to :data:`SCHEMA_VERSION` in one transaction; return the version it had.

    Parameters
    ----------
    conn, path
        An open connection and its file (for messages).
    attach
        Run inside the same transaction after the steps, when the store was at version 1
        (before plans): attaches the existing files to their plan, or raises, which rolls the
        whole migration back.

    Raises
    ------
    StoreError
        For a store newer than this version, or whatever ``attach`` raises.
    """
    version = schema_version(conn, path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this taskanalytics "
            f"understands ({SCHEMA_VERSION}); upgrade taskanalytics"
        )
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn, path)  # another process may have migrated meanwhile
        if version == 0:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version "
                "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            # executescript would COMMIT our transaction; run the statements one by one.
            for statement in _split_sql(MIGRATIONS[step]):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?)", (step, now()))
        if version == 1 and attach is not None:
            attach(conn)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if version < SCHEMA_VERSION:
        logger.info(
            "progress store %s migrated from version %d to %d", path, version, SCHEMA_VERSION
        )
    return version


def _split_sql(script: str) -> list[str]:
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s]


def now() -> str:
    """The current UTC time as ISO 8601 with microseconds (the store's timestamps)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
