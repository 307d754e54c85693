"""The progress store: an append-only SQLite file of every accepted report.

Tables (the schema and its versions are :mod:`taskanalytics.progress.db`):

- ``plans`` and ``plan_versions``: the plans the store serves and each version's source
  (:mod:`taskanalytics.progress.registry`); every file belongs to one version of one plan, and
  every read is for one plan: another plan's or year's reports are never seen.
- ``source_files``: one row per accepted file: sha256 (unique), original name, archived path
  (relative to the store's folder), unit, quarter, as-of date, is_synthetic, ingested_at (UTC),
  plan version.
- ``reports``: one row per milestone per file: status code, completed date, note, source row.
- ``actual_values``: one row per reported target value: target_no, value, unit.
- ``file_warnings``: one row per intake warning of a stored file (a value accepted but worth a
  second look), written with its reports; read by :func:`load_warnings`
  (:mod:`taskanalytics.progress.file_warnings`).

Rows are never updated or deleted (triggers refuse it): a correction is a new file, and
:func:`load_progress` takes, per milestone, the report with the latest as-of date, then the
latest ingestion. Accepted files are copied to ``<store dir>/archive/<sha256>.<ext>``.

Opening a store runs ``PRAGMA quick_check`` (a damaged file is refused with
:class:`StoreError` naming it) and checks its schema version: an older store is migrated in one
transaction, a newer one (written by a later taskanalytics) is refused. Any number of processes
may open, create and write one store at once: writers wait for each other's lock.

A store this process cannot write (the file or its folder is read-only for the user) is opened
read-only: it can be read (:func:`load_progress_history`, :func:`list_plans` …) if it needs no
migration, and every write (:func:`ingest_files`, :func:`register_plan`) is refused with a
:class:`StoreError` saying so, before anything is read.

Archive copies are written, fsynced before COMMIT and cleaned up after a crash by
:mod:`taskanalytics.progress.archive`: a copy written by an ingest that was killed before it
committed (an orphan) is removed by the next write or writable open of the store; a read-only
open removes nothing and logs a warning.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from taskanalytics import config
from taskanalytics.errors import PlanMismatchError, StoreError, ValidationError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import PlanIdentity, plan_identity
from taskanalytics.progress.archive import ARCHIVE, ArchiveCopies, leftovers
from taskanalytics.progress.db import (
    SCHEMA_VERSION,
    connect,
    ensure_wal,
    migrate,
    now,
    quick_check,
    rollback,
    schema_version,
    try_begin,
    writable,
)
from taskanalytics.progress.file_warnings import (
    WARNING_COLUMNS,
    insert_warnings,
    no_warnings,
    read_warnings,
)
from taskanalytics.progress.history import latest_reports
from taskanalytics.progress.registry import (
    PLAN_LIST_COLUMNS,
    PlanVersion,
    attach_unplanned,
    find_version,
    plan_scope,
    read_version,
    register_version,
    stored_plans,
    versions_of,
)
from taskanalytics.quarters import Quarter, QuarterLike

if TYPE_CHECKING:  # the intake (openpyxl) is imported only when files are ingested
    from taskanalytics.progress.intake import ProgressFile

__all__ = [
    "PROGRESS_COLUMNS",
    "SCHEMA_VERSION",
    "WARNING_COLUMNS",
    "IngestResult",
    "IngestedFile",
    "PlanVersion",
    "ProgressStore",
    "ingest_files",
    "list_plans",
    "load_progress",
    "load_progress_history",
    "load_warnings",
    "open_store",
    "register_plan",
    "stored_plan",
    "store_versions",
]

logger = logging.getLogger("taskanalytics")

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
    "plan",
    "plan_version",
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


def open_store(path: str | Path | None = None, *, plans: Sequence[PlanLike] = ()) -> ProgressStore:
    """Open (creating if needed) a progress store, checking and migrating its schema.

    Parameters
    ----------
    path
        The SQLite file; default ``$TASKANALYTICS_STORE`` or ``data/progress/progress.sqlite``
        (see :func:`taskanalytics.config.resolve`).
    plans
        The plans its reports may belong to. Needed only to migrate a store made before plans
        were recorded (schema v1): each of its files is attached to the one plan it validates
        against, in the migration's transaction.

    Returns
    -------
    ProgressStore
        The store, at the current schema version, in WAL mode (unless read-only). Leftovers of
        a write that was killed (temporary files, orphan archive copies) have been removed.

    Raises
    ------
    StoreError
        If the file is not a SQLite database, is damaged (``PRAGMA quick_check``), is another
        application's database, has a schema newer than this version understands, or is a v1
        store whose files fit none (or more than one) of ``plans``; a store that cannot be
        migrated is left unchanged. A store this process cannot write is opened read-only,
        and refused if it needs migrating.

    Examples
    --------
    >>> store = open_store(tmp_path / "progress.sqlite")  # doctest: +SKIP
    """
    path = config.resolve(store=path).store
    if not writable(path):
        return _open_read_only(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StoreError(f"{path}: cannot make the store's folder: {err.strerror or err}") from err
    with connect(path) as conn:
        quick_check(conn, path)
        schema_version(conn, path)  # refuse another application's database before changing it
        ensure_wal(conn, path)
        copies = ArchiveCopies(conn, path)

        def attach(c: sqlite3.Connection) -> None:
            try:
                attach_unplanned(c, path.parent, plans, copies)
                copies.sync()
            except BaseException:
                copies.rollback()  # while the migration still holds the write lock
                raise

        try:
            migrate(conn, path, attach=attach)
        except BaseException:
            copies.rollback()  # the migration rolled back: so do its archive copies
            raise
        copies.commit()
        if leftovers(path):
            _clean_up(conn, path)
    return ProgressStore(path)


def _clean_up(conn: sqlite3.Connection, path: Path) -> None:
    """Remove what a killed writer left in the archive, unless a writer is at work now (its
    journal is no leftover, and a reader should not wait for it): then it cleans up itself."""
    if not try_begin(conn):
        return
    try:
        ArchiveCopies(conn, path).recover()
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn, path)
        raise


def _open_read_only(path: Path) -> ProgressStore:
    """Open a store this process cannot write: check it, never change it."""
    if not path.exists():
        raise StoreError(
            f"{path}: no progress store here, and its folder is not writable, so none can be made"
        )
    with connect(path, read_only=True) as conn:
        quick_check(conn, path)
        version = schema_version(conn, path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this taskanalytics "
            f"understands ({SCHEMA_VERSION}); upgrade taskanalytics"
        )
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{path}: the store (schema version {version}) needs migrating to version "
            f"{SCHEMA_VERSION}, and it is read-only for this user; open it once as a user who "
            "may write it"
        )
    left = leftovers(path)
    if left:
        logger.warning(
            "%s: an unfinished or interrupted write left %s in the archive; the next write "
            "(by a user who may write the store) removes what no row names",
            path, ", ".join(p.name for p in left),
        )  # fmt: skip
    return ProgressStore(path)


def _require_writable(path: Path, doing: str) -> None:
    if not writable(path):
        raise StoreError(
            f"{path}: the progress store is read-only for this user (the file or its folder "
            f"is not writable); cannot {doing}; nothing was written"
        )


@contextlib.contextmanager
def _writing(
    store: ProgressStore, doing: str
) -> Iterator[tuple[sqlite3.Connection, ArchiveCopies]]:
    """One write transaction with its archive copies: the write lock is taken first; a killed
    writer's leftovers are removed; copies are synced before COMMIT; on any error the
    transaction rolls back (never hiding the error) and the copies made for it are removed."""
    _require_writable(store.path, doing)
    with connect(store.path) as conn:
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("BEGIN IMMEDIATE")
        copies = ArchiveCopies(conn, store.path)
        try:
            copies.recover()
            yield conn, copies
            copies.sync()
            conn.execute("COMMIT")
        except BaseException:
            # remove the copies while the lock is still held: a writer waiting for it could
            # otherwise find one, trust it and commit a row naming a file about to go
            copies.rollback()
            rollback(conn, store.path)
            raise
        copies.commit()


def _reading(store: ProgressStore) -> contextlib.AbstractContextManager[sqlite3.Connection]:
    """A connection for reading: read-only when this process cannot write the store."""
    return connect(store.path, read_only=not writable(store.path))


def _as_store(store: ProgressStore | str | Path, plans: Sequence[PlanLike] = ()) -> ProgressStore:
    return store if isinstance(store, ProgressStore) else open_store(store, plans=plans)


def register_plan(
    store: ProgressStore | str | Path,
    plan: PlanLike,
    *,
    effective_from: dt.date | None = None,
) -> PlanVersion:
    """Register a plan version in the store (a no-op when it is there already).

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file (created if missing).
    plan
        The plan read by :func:`taskanalytics.read_plan`; its identity
        (:func:`taskanalytics.plan.identity.plan_identity`) is the name, year and source hash.
    effective_from
        For a new version of a known plan (调整): the day it is in force from; default the
        document's issue date. Default for a plan's first version: 1 January of its year.

    Returns
    -------
    PlanVersion

    Raises
    ------
    PlanMismatchError
        If the source is registered under another name, the name for another year, or a
        revision has no date after the version in force.
    StoreError
        If the store is read-only for this user or its archive cannot be written.
    """
    _require_writable(_store_path(store), "register a plan")
    target = _as_store(store, [plan])
    with _writing(target, "register a plan") as (conn, copies):
        return register_version(
            conn, target.path.parent, plan, effective_from=effective_from, copies=copies
        )


def list_plans(store: ProgressStore | str | Path) -> pd.DataFrame:
    """Return the plans registered in a store with their counts.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file; a missing file gives an empty
        frame (and is not created).

    Returns
    -------
    pandas.DataFrame
        :data:`~taskanalytics.progress.registry.PLAN_LIST_COLUMNS`: name, year, kind, number of
        versions, the latest version's 文号 and first day in force, files, reports, units, first
        and last quarter reported, synthetic (示例数据) files.
    """
    path = _store_path(store)
    if not path.exists():
        return pd.DataFrame(columns=PLAN_LIST_COLUMNS)
    with _reading(_as_store(store)) as conn:
        return stored_plans(conn)


def store_versions(store: ProgressStore | str | Path, plan: PlanLike) -> list[PlanVersion]:
    """Return the registered versions of ``plan`` (the same name and year), oldest first.

    Empty when the store or the plan is not there yet (nothing is created).
    """
    path = _store_path(store)
    if not path.exists():
        return []
    with _reading(_as_store(store, [plan])) as conn:
        plan_id = plan_scope(conn, path.parent, plan_identity(plan))
        return [] if plan_id is None else versions_of(conn, path.parent, plan_id)


def stored_plan(store: ProgressStore | str | Path, name: str, *, at: dt.date | None = None) -> Any:
    """Read a registered plan again from the store's archive: the version in force on ``at``.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file.
    name
        The plan's name (``2023-工作报告``; see :func:`list_plans`).
    at
        The day whose version is wanted; default the latest version.

    Returns
    -------
    Plan
        As :func:`taskanalytics.read_plan` returns it (named ``name``).

    Raises
    ------
    StoreError
        If the store or the plan is unknown, no version is in force on ``at``, or its archived
        source is missing.

    Examples
    --------
    >>> last_year = stored_plan(store, "2023-工作报告")  # doctest: +SKIP
    """
    path = _store_path(store)
    if not path.exists():
        raise StoreError(f"{path}: no progress store here")
    with _reading(_as_store(store)) as conn:
        row = conn.execute("SELECT plan_id FROM plans WHERE name = ?", (name,)).fetchone()
        known = [r[0] for r in conn.execute("SELECT name FROM plans ORDER BY plan_id")]
        versions = [] if row is None else versions_of(conn, path.parent, int(row[0]))
    if not versions:
        raise StoreError(f"{path}: no plan named {name!r}; the store has: {', '.join(known)}")
    in_force = [v for v in versions if at is None or v.effective_from <= at]
    if not in_force:
        raise StoreError(f"{path}: plan {name!r} has no version in force on {at}")
    return read_version(in_force[-1])


def _store_path(store: ProgressStore | str | Path) -> Path:
    return store.path if isinstance(store, ProgressStore) else config.resolve(store=store).store


@dataclass(frozen=True)
class IngestedFile:
    """One file handled by :func:`ingest_files`; ``warnings`` are the intake's
    (:attr:`ProgressFile.warnings <taskanalytics.progress.intake.ProgressFile>`: accepted, but
    worth a look), stored with an ingested file (:func:`load_warnings`); a skipped file's were
    stored when it was first ingested."""

    path: Path
    sha256: str
    unit: str
    quarter: str | None
    as_of_date: dt.date
    n_reports: int
    n_values: int
    archived_path: Path | None
    warnings: tuple[Any, ...] = ()


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


def _archive(copies: ArchiveCopies, pf: ProgressFile) -> Path:
    """Copy a validated file into the archive (:meth:`ArchiveCopies.put`); return the copy."""
    try:
        data = pf.path.read_bytes()
    except OSError as err:
        raise StoreError(
            f"{pf.path}: cannot read it again to archive it: {err.strerror or err}; "
            "nothing was ingested"
        ) from err
    return copies.put(data, pf.sha256, pf.path.suffix, sub=ARCHIVE, source=pf.path)


def _insert_source_file(
    conn: sqlite3.Connection,
    store: ProgressStore,
    pf: ProgressFile,
    archived: Path,
    version_id: int,
) -> int:
    cursor = conn.execute(
        "INSERT INTO source_files (sha256, original_name, archived_path, unit, quarter, "
        "as_of_date, is_synthetic, ingested_at, plan_version_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            pf.sha256,
            pf.path.name,
            archived.relative_to(store.path.parent).as_posix(),
            pf.unit,
            pf.quarter,
            pf.as_of_date.isoformat(),
            int(pf.is_synthetic),
            now(),
            version_id,
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
    store: ProgressStore, files: list[ProgressFile], plan: PlanLike
) -> tuple[list[IngestedFile], list[IngestedFile]]:
    """Write every new file of one ingest in one transaction: all of them, or none.

    The plan is registered first (if new); each file is recorded under the plan version it was
    validated against. Files whose hash is already stored (or repeated in ``files``) are
    skipped. On any failure the transaction rolls back and the archive copies made for it are
    removed (:func:`_writing`).
    """
    ingested: list[IngestedFile] = []
    skipped: list[IngestedFile] = []
    with _writing(store, "ingest") as (conn, copies):
        version = register_version(conn, store.path.parent, plan, copies=copies)
        for pf in files:
            if conn.execute("SELECT 1 FROM source_files WHERE sha256 = ?", (pf.sha256,)).fetchone():
                skipped.append(_file_result(pf))
                continue
            archived = _archive(copies, pf)
            made_for = version
            if pf.plan_sha256 and pf.plan_sha256 != version.sha256:
                made_for = find_version(conn, store.path.parent, pf.plan_sha256) or version
                if made_for.plan_id != version.plan_id:
                    raise PlanMismatchError(
                        f"{pf.path}: made for plan {made_for.name!r}, not {version.name!r}"
                    )
            file_id = _insert_source_file(conn, store, pf, archived, made_for.version_id)
            _insert_reports(conn, file_id, pf)
            insert_warnings(conn, file_id, pf.warnings)
            ingested.append(_file_result(pf, archived))
    return ingested, skipped


def _file_result(pf: ProgressFile, archived: Path | None = None) -> IngestedFile:
    """What an ingest reports for a file: archived when written, None when skipped."""
    return IngestedFile(
        pf.path, pf.sha256, pf.unit, pf.quarter, pf.as_of_date,
        len(pf.reports), len(pf.values), archived, tuple(pf.warnings),
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
        If the store cannot be opened or written (read-only for this user, checked before any
        file is read; a full disk or an unwritable archive while writing, after which nothing
        was ingested).

    Examples
    --------
    >>> result = ingest_files(sorted(inbox.glob("*.xlsx")), plan=plan, store=store)  # doctest: +SKIP
    >>> result.to_frame()[["outcome", "unit", "n_reports"]]  # doctest: +SKIP
    """
    from taskanalytics.progress.intake import read_progress_file

    parsed: list[ProgressFile] = []
    problems = []
    paths = list(paths)
    _require_writable(_store_path(store), "ingest")
    versions = _version_lookup(_store_path(store), plan_identity(plan))
    for path in paths:
        try:
            parsed.append(read_progress_file(path, plan=plan, as_of=as_of, versions=versions))
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        rejected = len({p.file for p in problems})
        raise ValidationError(
            problems, f"{rejected} of {len(paths)} file(s) rejected; nothing was ingested"
        )
    target = _as_store(store, [plan])
    ingested, skipped = _write_files(target, parsed, plan)
    for written in ingested:
        logger.info("ingested %s: %d reports", written.path.name, written.n_reports)
    return IngestResult(tuple(ingested), tuple(skipped))


def _version_lookup(path: Path, identity: PlanIdentity) -> Callable[[str], PlanLike | None]:
    """Find another registered version of the plan by its hash, reading (never writing) the
    store: a template made before a 调整 is validated against the version it was made from."""

    def lookup(sha256: str) -> PlanLike | None:
        if not path.exists():
            return None
        with _reading(ProgressStore(path)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "plan_versions" not in tables:
                return None
            version = find_version(conn, path.parent, sha256)
            plan_id = plan_scope(conn, path.parent, identity)
        if version is None or version.plan_id != plan_id:
            return None
        try:
            return read_version(version)
        except StoreError:
            return None

    return lookup


_HISTORY_SQL = """
SELECT r.report_id, r.milestone_id, r.task_id, f.unit, f.quarter, f.as_of_date, r.status,
       r.completed_date, r.note, f.original_name AS source_file, f.sha256, f.ingested_at,
       f.is_synthetic, p.name AS plan, v.sha256 AS plan_version
FROM reports AS r JOIN source_files AS f USING (file_id)
JOIN plan_versions AS v ON f.plan_version_id = v.version_id
JOIN plans AS p USING (plan_id)
WHERE v.plan_id = ?
"""

_VALUES_SQL = """
SELECT a.report_id, a.target_no, a.value
FROM actual_values AS a JOIN reports AS r USING (report_id)
JOIN source_files AS f USING (file_id)
JOIN plan_versions AS v ON f.plan_version_id = v.version_id
WHERE v.plan_id = ?
"""


def _history(store: ProgressStore | str | Path, plan: PlanLike) -> pd.DataFrame:
    identity = plan_identity(plan)
    path = _store_path(store)
    reports = pd.DataFrame(columns=["report_id", *PROGRESS_COLUMNS])
    values = pd.DataFrame(columns=["report_id", "target_no", "value"])
    versions: list[PlanVersion] = []
    if path.exists():
        with _reading(_as_store(store, [plan])) as conn:
            plan_id = plan_scope(conn, path.parent, identity)
            if plan_id is not None:
                reports = pd.read_sql_query(_HISTORY_SQL, conn, params=(plan_id,))
                values = pd.read_sql_query(_VALUES_SQL, conn, params=(plan_id,))
                versions = versions_of(conn, path.parent, plan_id)
    reports = _to_version(reports, plan, identity, versions)
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


def _to_version(
    reports: pd.DataFrame, plan: PlanLike, identity: PlanIdentity, versions: list[PlanVersion]
) -> pd.DataFrame:
    """Give reports made for another version of the plan the milestone ids of ``plan``.

    The store keeps what each file said, against the version it was made for; read for a
    version, a report of a renumbered milestone counts for its new id, and one of a milestone
    the version dropped is left out (:func:`taskanalytics.plan.diff.milestone_id_map`).
    """
    other = [v for v in versions if v.sha256 != identity.sha256]
    if reports.empty or not other:
        return reports
    from taskanalytics.plan.diff import diff_plans, milestone_id_map

    task_of = dict(zip(plan.milestones["milestone_id"], plan.milestones["task_id"], strict=True))
    parts = [reports[reports["plan_version"] == identity.sha256]]
    for version in other:
        rows = reports[reports["plan_version"] == version.sha256]
        if rows.empty:
            continue
        mapping = milestone_id_map(diff_plans(read_version(version), plan))
        new_ids = rows["milestone_id"].map(mapping)
        kept = rows[new_ids.notna()].assign(milestone_id=new_ids[new_ids.notna()])
        parts.append(kept.assign(task_id=kept["milestone_id"].map(task_of)))
    return pd.concat(parts, ignore_index=True)


def load_progress_history(store: ProgressStore | str | Path, *, plan: PlanLike) -> pd.DataFrame:
    """Return every stored report of a plan, one row per milestone per file, oldest first per
    milestone.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file; a missing file gives an empty
        frame (and is not created).
    plan
        The plan whose reports are read: only files made for it (any of its versions) count,
        never another plan's or year's. Reports made for another version of it (before a 调整)
        are given this version's milestone ids; those of milestones it dropped are left out.
        A plan the store does not know has no reports.

    Returns
    -------
    pandas.DataFrame
        Same columns as :func:`load_progress`.

    Raises
    ------
    PlanMismatchError
        If the plan's source is registered under another name, or its name for another year.
    """
    return _history(store, plan)


def load_progress(
    store: ProgressStore | str | Path,
    as_of: dt.date | str | None = None,
    *,
    plan: PlanLike,
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
    plan
        The plan whose reports are read (see :func:`load_progress_history`).

    Returns
    -------
    pandas.DataFrame
        One row per reported milestone: ``milestone_id, task_id, unit, quarter, as_of_date,
        status, completed_date``, then ``actual_1 … actual_k`` (float, the value reported for
        target ``n`` of the milestone, NaN if none; ``k`` is the highest target number stored;
        units are the plan's ``targets.unit``), then ``note, source_file, sha256, ingested_at,
        is_synthetic, plan, plan_version`` (the plan's name and the hash of the version the file
        was made for). ``status`` holds codes (done, in_progress, not_started, late).

    Examples
    --------
    >>> load_progress(store, "2023-06-30", plan=plan)[["milestone_id", "status"]]  # doctest: +SKIP
    """
    return latest_reports(_history(store, plan), as_of)


def load_warnings(
    store: ProgressStore | str | Path,
    *,
    plan: PlanLike,
    quarter: QuarterLike | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Return the intake's warnings of a plan's stored files, one row per warning.

    A warning is a value the intake accepted but that is worth a second look (已完成 with an
    actual missing or below its target, a value over 10x its target, a negative count …); it
    was printed at ingest and stored with the file (schema v3). Files stored before v3 have none.

    Parameters
    ----------
    store
        A :class:`ProgressStore` or the path of its SQLite file; a missing file gives an empty
        frame (and is not created).
    plan
        The plan whose files are read (any of its versions; never another plan's or year's).
    quarter
        Keep only the files of this quarter (``"2023Q2"``, or any spelling
        :meth:`Quarter.parse <taskanalytics.quarters.Quarter.parse>` accepts).
    unit
        Keep only the files this unit sent.

    Returns
    -------
    pandas.DataFrame
        :data:`WARNING_COLUMNS`: the file's ``unit, quarter, as_of_date, source_file, sha256,
        ingested_at``, then ``seq`` (1, 2 … within the file), ``row`` and ``column`` (where in
        the file), ``milestone_id`` (as the file gave it: the id in the plan version the file
        was made for), ``value`` (what was typed, as text) and ``message`` (the Chinese
        sentence the clerk was shown, :meth:`RowProblem.zh
        <taskanalytics.errors.RowProblem.zh>`); oldest ingest first, in file order. The
        contract table ``progress.warnings``.

    Raises
    ------
    PlanMismatchError
        If the plan's source is registered under another name, or its name for another year.
    QuarterError
        If ``quarter`` is not a quarter.

    Examples
    --------
    >>> load_warnings(store, plan=plan, quarter="2023Q2", unit="财政局")["message"]  # doctest: +SKIP
    """
    label = None if quarter is None else Quarter.parse(quarter).label
    path = _store_path(store)
    if not path.exists():
        return no_warnings()
    with _reading(_as_store(store, [plan])) as conn:
        plan_id = plan_scope(conn, path.parent, plan_identity(plan))
        return read_warnings(conn, plan_id, quarter=label, unit=unit)
