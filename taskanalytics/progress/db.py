"""The progress store's SQLite schema, its migrations and its connections.

Schema versions (``schema_version`` records each step applied):

1. ``source_files`` (one row per accepted file), ``reports`` (one per milestone per file) and
   ``actual_values`` (one per reported target value).
2. Plans are first-class: ``plans`` (one row per plan: a unique short name, its year and
   kind), ``plan_versions`` (one row per source document of a plan: its SHA-256, 文号, the date
   it is in force from and where its copy is archived) and ``source_files.plan_version_id``:
   every file belongs to exactly one version of one plan (a trigger refuses a file without).
3. ``file_warnings``: one row per intake warning of a stored file (a value accepted but worth a
   second look, :attr:`ProgressFile.warnings <taskanalytics.progress.intake.ProgressFile>`),
   written with the file's reports: where it is (sheet, row, column, 节点编号), the value as
   typed, and the sentence in Chinese and in English. The migration adds the table empty: the
   warnings of files stored before it are not recomputed (they were printed at their ingest;
   reading the archived copies again would judge old files by today's intake rules).
4. ``plan_versions.read_options``: how the version's source is read (``read_plan``'s
   ``mapping`` and ``year`` as JSON, from the workspace), so its archived copy is read again
   the same way; NULL for versions read without options (every one stored before).
5. ``judgements``: the 督查室's confidence judgement (研判) of a task for a quarter: the plan
   version it was made against, the quarter, the task, a code (``sure`` 有把握, ``at_risk``
   有风险, ``unlikely`` 难以完成), a reason (required, at most 500 characters), who judged and
   when, when it was entered and where from (``form``, or the file's name and SHA-256). A later
   row for the same task and quarter supersedes an earlier one when read
   (:mod:`taskanalytics.progress.judgements`); none is ever updated or deleted. Kept apart
   from the schedule: nothing in the assessment reads it.

Every table is append-only (triggers refuse UPDATE and DELETE). Migrations run in one
transaction with whatever else the opener needs (:func:`migrate` takes an ``attach`` step: a v1
store's files are attached to their plan in the same transaction, or nothing changes).

Connections (:func:`connect`) wait up to 30 s for another writer. A store this process cannot
write (:func:`writable` is False: the file, its ``-wal``/``-shm`` or its folder is not writable)
is opened with a read-only URI, so it can still be read; writers refuse it with a clear
:class:`~taskanalytics.errors.StoreError`. :func:`ensure_wal` switches a store to WAL,
retrying while another process holds a lock (SQLite does not wait for that switch by itself);
:func:`quick_check` runs ``PRAGMA quick_check`` once per state of the file; :func:`transaction`
is ``BEGIN IMMEDIATE`` … ``COMMIT`` whose rollback never hides the error that caused it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

from taskanalytics.errors import StoreError

__all__ = [
    "SCHEMA_VERSION",
    "append_only",
    "connect",
    "ensure_wal",
    "migrate",
    "now",
    "quick_check",
    "rollback",
    "schema_version",
    "transaction",
    "try_begin",
    "writable",
]

logger = logging.getLogger("taskanalytics")

SCHEMA_VERSION = 5


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
    3: """
    CREATE TABLE file_warnings (
        file_id       INTEGER NOT NULL REFERENCES source_files (file_id),
        seq           INTEGER NOT NULL CHECK (seq >= 1),
        sheet         TEXT,
        source_row    INTEGER NOT NULL,
        source_column TEXT NOT NULL,
        milestone_id  TEXT,
        value         TEXT,
        message_zh    TEXT NOT NULL,
        message_en    TEXT NOT NULL,
        PRIMARY KEY (file_id, seq)
    );
    """
    + append_only("file_warnings"),
    4: """
    ALTER TABLE plan_versions ADD COLUMN read_options TEXT;
    """,
    5: """
    CREATE TABLE judgements (
        judgement_id    INTEGER PRIMARY KEY,
        plan_version_id INTEGER NOT NULL REFERENCES plan_versions (version_id),
        quarter         TEXT NOT NULL,
        task_id         TEXT NOT NULL,
        judgement       TEXT NOT NULL CHECK (judgement IN ('sure', 'at_risk', 'unlikely')),
        reason          TEXT NOT NULL CHECK (length(trim(reason)) BETWEEN 1 AND 500),
        judged_by       TEXT NOT NULL CHECK (length(trim(judged_by)) >= 1),
        judged_at       TEXT NOT NULL,
        entered_at      TEXT NOT NULL,
        source          TEXT NOT NULL,
        source_sha256   TEXT,
        source_row      INTEGER
    );
    CREATE INDEX judgements_by_task ON judgements (quarter, task_id);
    """
    + append_only("judgements"),
}


#: Seconds a connection waits for another process's lock before giving up.
BUSY_TIMEOUT = 30.0


def writable(path: Path) -> bool:
    """Whether this process can write the store at ``path``.

    True when its folder is writable (SQLite makes ``-wal`` and ``-shm`` files there) and so are
    the file and those companions where they exist; a store whose folder does not exist yet is
    writable if it can be made (:func:`open_store` reports the folder it cannot make).
    """
    folder = path.parent
    if not folder.exists():
        return True
    companions = (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
    return _can_write(folder) and all(_can_write(p) for p in companions if p.exists())


def _can_write(path: Path) -> bool:
    if os.access in os.supports_effective_ids:
        return os.access(path, os.W_OK, effective_ids=True)
    return os.access(path, os.W_OK)  # pragma: no cover - every POSIX system has effective ids


def _read_only_uri(path: Path) -> str:
    """``mode=ro``; ``immutable=1`` as well when no ``-wal``/``-shm`` exist and none can be made
    (SQLite cannot read a WAL store read-only without a ``-shm``; with no ``-wal`` nothing is
    pending, and nobody without write access to the folder can start writing)."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro"
    if not _can_write(path.parent) and not any(
        Path(f"{path}-{s}").exists() for s in ("wal", "shm")
    ):
        uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (transactions are explicit) with foreign keys on.

    Parameters
    ----------
    path
        The store's SQLite file.
    read_only
        Open it with a read-only URI (for a store :func:`writable` says this process cannot
        write); the file must exist.

    Raises
    ------
    StoreError
        If it cannot be opened, or for any SQLite error inside the ``with`` block.
    """
    try:
        if read_only:
            conn = sqlite3.connect(
                _read_only_uri(path), uri=True, isolation_level=None, timeout=BUSY_TIMEOUT
            )
        else:
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT)
    except sqlite3.Error as err:
        raise StoreError(f"{path}: cannot open the progress store: {err}") from err
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        yield conn
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: {err}") from err
    finally:
        conn.close()


def _busy(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(err) or "busy" in str(err)


def ensure_wal(conn: sqlite3.Connection, path: Path, *, timeout: float = BUSY_TIMEOUT) -> None:
    """Put the store in WAL journal mode (a no-op when it is), and ``synchronous = FULL``.

    The switch needs an exclusive lock, and SQLite fails it at once ("database is locked")
    instead of waiting when another connection holds one, as when several processes create a
    new store at the same moment: retry, with backoff, for up to ``timeout`` seconds.

    Raises
    ------
    StoreError
        If the store stays locked for ``timeout`` seconds or refuses WAL mode.
    """
    conn.execute("PRAGMA synchronous = FULL")
    mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
    deadline = time.monotonic() + timeout
    delay = 0.002
    while mode != "wal":
        try:
            mode = str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]).lower()
        except sqlite3.OperationalError as err:
            if not _busy(err) or time.monotonic() > deadline:
                raise StoreError(f"{path}: cannot switch to WAL journal mode: {err}") from err
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        if mode != "wal":
            raise StoreError(f"{path}: cannot switch to WAL journal mode (got {mode})")


_checked: dict[tuple[object, ...], bool] = {}
_checked_lock = threading.Lock()


def _state(path: Path) -> tuple[object, ...]:
    """What changes when the store's bytes do: the file's and its ``-wal``'s identity."""
    stamp: list[object] = [str(path)]
    for p in (path, Path(f"{path}-wal")):
        try:
            st = p.stat()
            stamp += [st.st_ino, st.st_size, st.st_mtime_ns]
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Run ``PRAGMA quick_check`` on a store (once per state of its file in this process).

    Raises
    ------
    StoreError
        Naming the file and the first problems found, when the store is damaged.
    """
    state = _state(path)
    with _checked_lock:
        if state in _checked:
            return
    try:
        problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as err:
        if isinstance(err, sqlite3.OperationalError) and _busy(err):
            raise StoreError(f"{path}: the progress store stayed locked: {err}") from err
        problems = [str(err)]
    if problems != ["ok"]:
        raise StoreError(
            f"{path}: the progress store is damaged (PRAGMA quick_check: "
            f"{'; '.join(problems)}); restore it from a backup, nothing was read or written"
        )
    with _checked_lock:
        if len(_checked) > 256:
            _checked.clear()
        _checked[state] = True


def rollback(conn: sqlite3.Connection, path: Path) -> None:
    """Roll back the open transaction, if SQLite has not already (after a full disk or an I/O
    error it may have); never raises, so the error that caused it is the one reported."""
    if not conn.in_transaction:
        return
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as err:
        logger.warning("%s: rollback after an error failed: %s", path, err)


def try_begin(conn: sqlite3.Connection) -> bool:
    """Begin an IMMEDIATE transaction if no other connection holds the write lock right now
    (without waiting); False, and no transaction, when one does."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        if _busy(err):
            return False
        raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    return True


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` (the write lock, waiting for other writers) … ``COMMIT``; on any
    error, :func:`rollback` and re-raise the error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn, path)
        raise


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
    with transaction(conn, path):
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
