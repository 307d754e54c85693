"""Plans in the progress store: register a plan version, find it again, list what is kept.

A plan is registered the first time it is used with a store (an ingest, a template run, a
migration): one ``plans`` row per name and one ``plan_versions`` row per source document, whose
bytes are copied to ``<store dir>/archive/plans/<sha256>.<ext>`` (by
:class:`~taskanalytics.progress.archive.ArchiveCopies`: never through a planted path, fsynced,
journaled against a crash) so an earlier version can be read again when a report made for it is
ingested or read; a copy whose bytes no longer hash to its name is refused
(:func:`read_version`). The rules (see
:func:`register_version`):

- the same source (SHA-256) is the same version; it can belong to one plan name only;
- a plan name belongs to one year: a 2024 plan cannot reuse the name of a 2023 one;
- a new source under a known name is a revision (调整) in force from a later date: the date
  given, else the document's issue date, which must also be later than the issue date of the
  version it revises (the same document saved again is no revision); a revision with no later
  date is refused, never guessed.

:func:`attach_unplanned` is the v1 → v2 migration's step: every file of a store made before plans
existed is attached to the one plan it validates against, or the migration is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from taskanalytics.errors import PlanMismatchError, StoreError, TaskAnalyticsError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import PlanIdentity, plan_identity
from taskanalytics.progress.archive import PLANS, ArchiveCopies, sha256_of
from taskanalytics.progress.db import now

__all__ = [
    "PLAN_LIST_COLUMNS",
    "PlanVersion",
    "attach_unplanned",
    "find_version",
    "plan_scope",
    "read_version",
    "register_version",
    "stored_plans",
    "versions_of",
]

#: Columns of :func:`stored_plans`.
PLAN_LIST_COLUMNS = [
    "name", "year", "kind", "versions", "doc_number", "in_force_from", "files", "reports",
    "units", "first_quarter", "last_quarter", "synthetic_files",
]  # fmt: skip

_VERSION_SQL = """
SELECT v.version_id, v.plan_id, p.name, p.year, p.kind, v.sha256, v.doc_number, v.title,
       v.source_name, v.archived_path, v.effective_from, v.read_options
FROM plan_versions AS v JOIN plans AS p USING (plan_id)
"""


@dataclass(frozen=True)
class PlanVersion:
    """One registered version of a plan.

    Attributes
    ----------
    version_id, plan_id
        Row ids in the store.
    name, year, kind
        The plan's (:class:`~taskanalytics.plan.identity.PlanIdentity`).
    sha256, doc_number, title, source_name
        This version's source document.
    archived_path
        Absolute path of the archived copy of the source, or None (a plan built in memory).
    effective_from
        The first day this version is in force.
    read_options
        ``read_plan``'s keyword arguments the source was read with (``mapping``, ``year``);
        :func:`read_version` reads the archived copy with them.
    """

    version_id: int
    plan_id: int
    name: str
    year: int
    kind: str
    sha256: str
    doc_number: str | None
    title: str
    source_name: str
    archived_path: Path | None
    effective_from: dt.date
    read_options: tuple[tuple[str, Any], ...] = ()

    def describe(self) -> str:
        """Chinese, for pages and messages: ``双区政办发〔2023〕9号（2023-07-10起施行）``."""
        doc = self.doc_number or self.title or self.source_name
        return f"{doc}（{self.effective_from.isoformat()}起施行）"


def _version(row: Sequence[Any], store_dir: Path) -> PlanVersion:
    vid, pid, name, year, kind, sha, doc, title, source, archived, start, options = row
    read = json.loads(options) if options else {}
    return PlanVersion(
        vid, pid, name, int(year), kind, sha, doc, title, source,
        store_dir / archived if archived else None, dt.date.fromisoformat(start),
        tuple(sorted((k, _frozen(v)) for k, v in read.items())),
    )  # fmt: skip


def _frozen(value: Any) -> Any:
    """A JSON value made hashable (a mapping becomes sorted pairs), for the read cache."""
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def find_version(conn: sqlite3.Connection, store_dir: Path, sha256: str) -> PlanVersion | None:
    """The registered version with this source hash, or None."""
    row = conn.execute(_VERSION_SQL + " WHERE v.sha256 = ?", (sha256,)).fetchone()
    return None if row is None else _version(row, store_dir)


def versions_of(conn: sqlite3.Connection, store_dir: Path, plan_id: int) -> list[PlanVersion]:
    """Every version of a plan, oldest in force first."""
    rows = conn.execute(
        _VERSION_SQL + " WHERE v.plan_id = ? ORDER BY v.effective_from", (plan_id,)
    ).fetchall()
    return [_version(r, store_dir) for r in rows]


def _plan_row(conn: sqlite3.Connection, name: str) -> tuple[int, int] | None:
    row = conn.execute("SELECT plan_id, year FROM plans WHERE name = ?", (name,)).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


def plan_scope(conn: sqlite3.Connection, store_dir: Path, identity: PlanIdentity) -> int | None:
    """The stored plan whose reports belong to ``identity``: its ``plan_id``, or None.

    Found by the version's hash (whatever name the store knows it by, unless a name was given),
    else by name (an unregistered revision of a known plan).

    Raises
    ------
    PlanMismatchError
        If the source is registered under another name, or the name under another year.
    """
    known = find_version(conn, store_dir, identity.sha256)
    if known is not None:
        if known.name != identity.name and identity.name_given:
            raise PlanMismatchError(
                f"{store_dir}: this plan's source (version {identity.short_sha}) is registered "
                f"as plan {known.name!r}, not {identity.name!r}; use the name {known.name!r}"
            )
        return known.plan_id
    row = _plan_row(conn, identity.name)
    if row is None:
        return None
    plan_id, year = row
    if year != identity.year:
        raise PlanMismatchError(
            f"{store_dir}: plan name {identity.name!r} is registered for {year}, this plan is "
            f"{identity.year}; give each year's plan its own name (e.g. {identity.year}-工作报告)"
        )
    return plan_id


def _archive_source(plan: PlanLike, identity: PlanIdentity, copies: ArchiveCopies) -> Path | None:
    """Copy the plan's source into ``archive/plans/`` (see :class:`ArchiveCopies`, which
    removes it if the caller's transaction rolls back); None when it has no file or it changed
    since it was read."""
    source = plan.meta.get("source")
    if not source or not Path(source).is_file():
        return None
    path = Path(source)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise StoreError(f"{path}: cannot read the plan's source to archive it: {err}") from err
    if hashlib.sha256(data).hexdigest() != identity.sha256:
        return None  # edited since it was read: do not archive bytes that are not this version
    return copies.put(data, identity.sha256, path.suffix, sub=PLANS, source=path)


def register_version(
    conn: sqlite3.Connection,
    store_dir: Path,
    plan: PlanLike,
    *,
    effective_from: dt.date | None = None,
    copies: ArchiveCopies,
) -> PlanVersion:
    """Return the store's version of ``plan``, registering it (inside the caller's transaction).

    Parameters
    ----------
    conn
        A connection with a transaction open (``BEGIN IMMEDIATE``).
    store_dir
        The store's folder (the archive is under it).
    plan
        The plan read by :func:`taskanalytics.read_plan`.
    effective_from
        For a new version: the day it is in force from. Default: 1 January of the plan year for
        a plan's first version; the document's issue date for a revision.
    copies
        The archive copies of the caller's transaction: the source of a new version is copied
        into ``archive/plans/`` through it.

    Returns
    -------
    PlanVersion

    Raises
    ------
    PlanMismatchError
        If the source is registered under another name, the name under another year, or a
        revision is not in force after the plan's latest version (without ``effective_from``:
        was not issued after it).
    """
    identity = plan_identity(plan)
    plan_id = plan_scope(conn, store_dir, identity)
    known = find_version(conn, store_dir, identity.sha256)
    if known is not None:
        return known
    meta = plan.meta
    if plan_id is None:
        start = effective_from or dt.date(identity.year, 1, 1)
        plan_id = conn.execute(
            "INSERT INTO plans (name, year, kind, registered_at) VALUES (?, ?, ?, ?)",
            (identity.name, identity.year, identity.kind, now()),
        ).lastrowid
    else:
        latest = versions_of(conn, store_dir, plan_id)[-1]
        issued = meta.get("issued_date")
        start = effective_from or (issued if isinstance(issued, dt.date) else None)
        floor = latest.effective_from
        if effective_from is None:
            # A plan's first version is in force from 1 January, though issued later (3月16日):
            # a source issued that same day is the same document saved again, not a 调整.
            floor = max(floor, _issued(latest) or floor)
        if start is None or start <= floor:
            why = ""
            if start is not None:
                what = "the date given" if effective_from else "its issue date"
                why = f" ({what}, {start}, is not later than {floor})"
            raise PlanMismatchError(
                f"{store_dir}: plan {identity.name!r} changed (version {identity.short_sha}, "
                f"the store has {latest.sha256[:12]} in force from {latest.effective_from}); a "
                "revision (调整) needs the date it is in force from, after that: give "
                '`from = "YYYY-MM-DD"` for this version in taskanalytics.toml' + why
            )
    archived = _archive_source(plan, identity, copies)
    row = {
        "plan_id": plan_id, "sha256": identity.sha256, "doc_number": identity.doc_number,
        "title": identity.title, "source_name": Path(str(meta.get("source") or "<in memory>")).name,
        "archived_path": archived.relative_to(store_dir).as_posix() if archived else None,
        "effective_from": start.isoformat(), "n_tasks": len(plan.tasks),
        "n_milestones": len(plan.milestones), "registered_at": now(),
    }  # fmt: skip
    if meta.get("read_options"):  # (schema v4) how to read the source again
        row["read_options"] = json.dumps(meta["read_options"], ensure_ascii=False, sort_keys=True)
    conn.execute(
        f"INSERT INTO plan_versions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()),
    )
    found = find_version(conn, store_dir, identity.sha256)
    assert found is not None
    return found


def _issued(version: PlanVersion) -> dt.date | None:
    """The issue date of a registered version's document (from its archived source), or None
    when the version has no archived copy or its document no date."""
    try:
        issued = read_version(version).meta.get("issued_date")
    except TaskAnalyticsError:
        return None
    return issued if isinstance(issued, dt.date) else None


def read_version(version: PlanVersion) -> Any:
    """Read a registered version's plan again from its archived source.

    Raises
    ------
    StoreError
        If the version has no archived copy (a plan built in memory), the copy is missing, or its
        bytes are not the registered version's (checked on every read).
    """
    if version.archived_path is None or not version.archived_path.is_file():
        raise StoreError(
            f"plan {version.name!r} version {version.sha256[:12]} ({version.source_name}): "
            f"its source is not in the store's archive ({version.archived_path})"
        )
    if sha256_of(version.archived_path) != version.sha256:
        raise StoreError(
            f"{version.archived_path}: the archived source of plan {version.name!r} (version "
            f"{version.sha256[:12]}, {version.source_name}) is not the file registered: its "
            "bytes do not hash to its name (it was changed, or is a symbolic link); put the "
            "original back"
        )
    return _read_archived(version.archived_path, version.name, version.read_options)


@functools.lru_cache(maxsize=8)
def _read_archived(path: Path, name: str, options: tuple[tuple[str, Any], ...] = ()) -> Any:
    from taskanalytics.plan.build import read_plan

    read = {k: dict(v) if isinstance(v, tuple) else v for k, v in options}
    return read_plan(path, name=name, **read)


def _fits(plan: PlanLike, identity: PlanIdentity, file: dict[str, Any]) -> str | None:
    """Why a v1 file cannot belong to ``plan`` (None when it fits)."""
    year = int(str(file["as_of_date"])[:4])
    if year != identity.year:
        return f"its as-of date {file['as_of_date']} is not in {identity.year}"
    task_of = dict(zip(plan.milestones["milestone_id"], plan.milestones["task_id"], strict=True))
    unknown = [m for m, t in file["milestones"] if task_of.get(m) != t]
    if unknown:
        return f"{len(unknown)} milestone(s) not in the plan (e.g. {unknown[0]})"
    leads = dict(zip(plan.tasks["task_id"], plan.tasks["lead_units"], strict=True))
    if any(file["unit"] not in leads.get(t, ()) for _, t in file["milestones"]):
        return f"{file['unit']} does not lead every task it reported on"
    return None


def attach_unplanned(
    conn: sqlite3.Connection,
    store_dir: Path,
    plans: Sequence[PlanLike],
    copies: ArchiveCopies,
) -> int:
    """Attach every file without a plan (a schema-v1 store's) to the one plan it fits.

    A file fits a plan when its as-of date is in the plan's year, every milestone it reports is
    the plan's (under the same task) and its unit leads those tasks. Runs inside the migration's
    transaction: any file that fits no plan, or more than one, raises and nothing changes.

    copies
        The migration's archive copies: plan sources are archived through it (see
        :func:`register_version`).

    Returns
    -------
    int
        The number of files attached.

    Raises
    ------
    StoreError
        Naming the first file that fits no plan or several, and why.
    """
    rows = conn.execute(
        "SELECT file_id, original_name, unit, as_of_date FROM source_files "
        "WHERE plan_version_id IS NULL ORDER BY file_id"
    ).fetchall()
    if not rows:
        return 0
    if not plans:
        _, name, unit, as_of = rows[0]
        raise StoreError(
            f"{store_dir}: a store from before plans were recorded (schema v1) with {len(rows)} "
            f"report file(s) and no plan given to attach them to (the first: file {name}, "
            f"{unit}, as of {as_of}); open it with the plan they were made for (taskanalytics "
            "plans --plan NAME) to migrate it; nothing was changed"
        )
    reported: dict[int, list[tuple[str, str]]] = {}
    for file_id, milestone, task in conn.execute(
        "SELECT file_id, milestone_id, task_id FROM reports"
    ):
        reported.setdefault(file_id, []).append((milestone, task))
    identities = [plan_identity(p) for p in plans]
    chosen: dict[int, int] = {}
    for file_id, name, unit, as_of in rows:
        file = {"unit": unit, "as_of_date": as_of, "milestones": reported.get(file_id, [])}
        why = {i.name: _fits(p, i, file) for p, i in zip(plans, identities, strict=True)}
        fits = [
            k for k, (p, i) in enumerate(zip(plans, identities, strict=True)) if not why[i.name]
        ]
        if len(fits) != 1:
            detail = (
                "; ".join(f"{n}: {w}" for n, w in why.items())
                if not fits
                else "it fits " + " and ".join(identities[k].name for k in fits)
            )
            raise StoreError(
                f"{store_dir}: cannot migrate the store (schema v1 -> 2): file {name} "
                f"({unit}, as of {as_of}) belongs to no single plan ({detail}); nothing was "
                "changed"
            )
        chosen[file_id] = fits[0]
    versions = {
        k: register_version(conn, store_dir, plans[k], copies=copies) for k in set(chosen.values())
    }
    # the append-only trigger refuses updates; lift it for this one step of the migration
    conn.execute("DROP TRIGGER source_files_no_update")
    conn.executemany(
        "UPDATE source_files SET plan_version_id = ? WHERE file_id = ?",
        [(versions[k].version_id, file_id) for file_id, k in chosen.items()],
    )
    conn.execute(
        "CREATE TRIGGER source_files_no_update BEFORE UPDATE ON source_files "
        "BEGIN SELECT RAISE(ABORT, 'source_files is append-only'); END"
    )
    return len(chosen)


def stored_plans(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per registered plan: :data:`PLAN_LIST_COLUMNS`, in registration order."""
    frame = pd.read_sql_query(
        """
        SELECT p.name, p.year, p.kind,
               (SELECT COUNT(*) FROM plan_versions v WHERE v.plan_id = p.plan_id) AS versions,
               (SELECT v.doc_number FROM plan_versions v WHERE v.plan_id = p.plan_id
                ORDER BY v.effective_from DESC LIMIT 1) AS doc_number,
               (SELECT MAX(v.effective_from) FROM plan_versions v
                WHERE v.plan_id = p.plan_id) AS in_force_from,
               COUNT(DISTINCT f.file_id) AS files,
               (SELECT COUNT(*) FROM reports r JOIN source_files f2 USING (file_id)
                JOIN plan_versions v2 ON f2.plan_version_id = v2.version_id
                WHERE v2.plan_id = p.plan_id) AS reports,
               COUNT(DISTINCT f.unit) AS units,
               MIN(f.quarter) AS first_quarter, MAX(f.quarter) AS last_quarter,
               COALESCE(SUM(f.is_synthetic), 0) AS synthetic_files
        FROM plans AS p
        LEFT JOIN plan_versions AS v ON v.plan_id = p.plan_id
        LEFT JOIN source_files AS f ON f.plan_version_id = v.version_id
        GROUP BY p.plan_id ORDER BY p.plan_id
        """,
        conn,
    )
    return frame[PLAN_LIST_COLUMNS]
