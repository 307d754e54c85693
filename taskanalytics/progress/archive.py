"""The store's archive: copies of accepted files, written so that a crash or a planted path
cannot lie about them.

Every accepted report file and every plan source is kept next to the store as
``archive/<sha256>.<ext>`` and ``archive/plans/<sha256>.<ext>``; the store's rows name them by
that relative path. Copies are only ever written while the writer holds the store's write lock
(inside ``BEGIN IMMEDIATE``), by an :class:`ArchiveCopies` that:

- writes each copy to a fresh temporary name it creates itself (``O_CREAT | O_EXCL |
  O_NOFOLLOW``: a planted file or symbolic link under that name is never followed or
  reused), fsyncs it and renames it over the target; renaming replaces a planted symbolic link
  itself, never the file it points to;
- trusts a copy already there only when it is a regular file whose bytes hash to its name;
  anything else under the name (other bytes, a symbolic link) is replaced, with a warning;
- refuses an ``archive`` or ``archive/plans`` folder that is a symbolic link;
- fsyncs the folders it wrote in before the caller commits (:meth:`ArchiveCopies.sync`);
- turns every ``OSError`` (disk full, name too long, permission denied) into a
  :class:`~taskanalytics.errors.StoreError` naming the file, leaving no temporary file behind.

**Orphans.** A writer killed between writing a copy and committing leaves a copy that no row
names (an orphan) and perhaps a temporary file. Before its first copy, a writer notes each
temporary and target name in a journal of its own, ``archive/.<store file name>.<random
token>.pending``, which it deletes after COMMIT or rollback. The next writer of the same store
(an ingest, a plan registration, or :func:`~taskanalytics.progress.store.open_store` with write
access when no writer is at work: an open never waits for one) finds the journals while holding
the write lock, so no live writer can own what they list, and removes every listed temporary
file and every listed copy that no committed row names (:meth:`ArchiveCopies.recover`).
Temporary files of the form ``<sha256>.<ext>.tmp`` (the name used before the journal existed,
and the one an attacker would plant) are removed the same way. Only names a journal lists, or
that have the archive's own patterns, are ever removed: other files in the folder, and copies
another store in the same folder made, are left alone. A reader without write access removes
nothing; it logs a warning.

The journal is not fsynced: it guards against killed processes, where the page cache
survives. After a power cut an orphan may survive; it is harmless (no row names it) and is never
read.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import secrets
import sqlite3
import stat
from pathlib import Path

from taskanalytics.errors import StoreError

__all__ = [
    "ARCHIVE",
    "PLANS",
    "ArchiveCopies",
    "journal_path",
    "journals",
    "leftovers",
    "sha256_of",
]

logger = logging.getLogger("taskanalytics")

#: Folder of archived report files, relative to the store's folder.
ARCHIVE = "archive"
#: Folder of archived plan sources, relative to the store's folder.
PLANS = "archive/plans"

_COPY = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]{1,16})?")
_TMP = re.compile(r"\.([0-9a-f]{64}(?:\.[A-Za-z0-9]{1,16})?)\.[0-9a-f]{16}\.tmp")
_LEGACY_TMP = re.compile(r"[0-9a-f]{64}(\.[A-Za-z0-9]{1,16})?\.tmp")
_TOKEN = re.compile(r"[0-9a-f]{16}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted under a copy's name must not block
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def journal_path(store: Path, token: str) -> Path:
    """The journal of the archive copies of one write of the store at ``store``; ``token`` (16
    hex digits) tells one write's journal from another's."""
    return store.parent / ARCHIVE / f".{store.name}.{token}.pending"


def journals(store: Path) -> list[Path]:
    """The journals of writes of the store at ``store`` that have not finished (or were
    killed)."""
    prefix = f".{store.name}."
    found = []
    with contextlib.suppress(OSError), os.scandir(store.parent / ARCHIVE) as entries:
        for e in entries:
            token = e.name[len(prefix) : -len(".pending")]
            if (
                e.name.startswith(prefix)
                and e.name.endswith(".pending")
                and _TOKEN.fullmatch(token)
            ):
                found.append(Path(e.path))
    return sorted(found)


def sha256_of(path: Path) -> str | None:
    """SHA-256 of a regular file, never following a symbolic link; None when ``path`` is not
    a regular file (missing, a link, a folder) or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def leftovers(store: Path) -> list[Path]:
    """What an interrupted writer left in the store's archive: its journal and temporary files
    of the old ``<sha256>.<ext>.tmp`` form (the journal names the rest). Cheap: one listing of
    each archive folder."""
    found = journals(store)
    for sub in (ARCHIVE, PLANS):
        with contextlib.suppress(OSError):
            with os.scandir(store.parent / sub) as entries:
                found += [Path(e.path) for e in entries if _LEGACY_TMP.fullmatch(e.name)]
    return found


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _unlink(path: Path) -> bool:
    """Remove a file or a symbolic link (never what it points to); False if it could not."""
    try:
        path.unlink(missing_ok=True)
    except OSError as err:
        logger.warning("%s: could not remove: %s", path, err)
        return False
    return True


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | _CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArchiveCopies:
    """The archive copies of one write transaction of a store.

    Use it only while holding the store's write lock: call :meth:`put` for each copy,
    :meth:`sync` before COMMIT, then :meth:`commit` after it, or :meth:`rollback` after a
    rollback (which removes the copies and folders this transaction created).

    Parameters
    ----------
    conn
        The writer's connection (to see which copies committed rows name).
    store
        The store's SQLite file; the archive is ``archive/`` beside it.
    """

    def __init__(self, conn: sqlite3.Connection, store: Path) -> None:
        self.conn = conn
        self.store = store
        self.root = store.parent
        self.journal = journal_path(store, secrets.token_hex(8))
        self.created: list[Path] = []  # copies written, in order
        self.folders: list[Path] = []  # folders made, outermost first
        self._synced: set[Path] = set()
        self._journal_fd: int | None = None
        self._journaled = False  # this transaction made the journal (so it may remove it)
        self._started = False

    # -- writing ---------------------------------------------------------------------------

    def put(self, data: bytes, sha256: str, suffix: str, *, sub: str, source: Path) -> Path:
        """Keep ``data`` as ``<sub>/<sha256><suffix>``; return the copy's path.

        A regular file already there whose bytes hash to ``sha256`` is kept; anything else
        under the name is replaced.

        Parameters
        ----------
        data, sha256
            The bytes and their SHA-256 (checked here).
        suffix
            The extension, with its dot (``.xlsx``).
        sub
            :data:`ARCHIVE` or :data:`PLANS`.
        source
            The file the bytes came from (named in errors).

        Raises
        ------
        StoreError
            If the bytes do not hash to ``sha256``, or the copy cannot be written; no temporary
            file is left behind.
        """
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"{source}: file changed between validation and ingestion")
        if not self._started:
            self._started = True
            if leftovers(self.store):
                self.recover()  # a killed writer's leftovers first (we hold the write lock)
        folder = self._folder(sub, source)
        target = folder / f"{sha256}{suffix.lower()}"
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        except OSError as err:
            raise self._error(source, target, err) from err
        if st is not None:
            if stat.S_ISREG(st.st_mode) and sha256_of(target) == sha256:
                return target
            what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "other bytes"
            logger.warning(
                "%s: holds %s, not the file its name promises; replacing it with %s",
                target, what, source,
            )  # fmt: skip
        tmp = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
        self._note(tmp, target, source)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644)
            try:
                _write_all(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except OSError as err:
            _unlink(tmp)
            raise self._error(source, target, err) from err
        self.created.append(target)
        return target

    def _folder(self, sub: str, source: Path) -> Path:
        folder = self.root
        for part in Path(sub).parts:
            folder = folder / part
            try:
                if folder.is_symlink():
                    raise StoreError(
                        f"{folder}: the store's archive folder is a symbolic link; the archive "
                        "must be a real folder inside the store's folder (move its files there)"
                    )
                if not folder.is_dir():
                    folder.mkdir()
                    self.folders.append(folder)
            except OSError as err:
                raise self._error(source, folder, err) from err
        return folder

    def _note(self, tmp: Path, target: Path, source: Path) -> None:
        """Journal a temporary file and its target before the first byte is written."""
        rel = (p.relative_to(self.root).as_posix() for p in (tmp, target))
        line = "\t".join(rel) + "\n"
        try:
            if self._journal_fd is None:
                self._journal_fd = os.open(
                    self.journal,
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | _NOFOLLOW | _CLOEXEC,
                    0o644,
                )
                self._journaled = True
            _write_all(self._journal_fd, line.encode())
        except OSError as err:
            raise self._error(source, self.journal, err) from err

    def _error(self, source: Path, target: Path, err: OSError) -> StoreError:
        reason = {
            errno.ENOSPC: "the disk is full",
            errno.EDQUOT: "the disk quota is exceeded",
            errno.ENAMETOOLONG: "the path is too long",
            errno.EACCES: "permission denied",
            errno.EPERM: "permission denied",
            errno.EROFS: "the file system is read-only",
        }.get(err.errno or 0, err.strerror or str(err))
        return StoreError(
            f"{source}: cannot copy it into the store's archive ({target}): {reason}; "
            "nothing was written"
        )

    # -- finishing -------------------------------------------------------------------------

    def sync(self) -> None:
        """Make the copies durable before COMMIT: fsync each folder they were renamed into
        (each copy was fsynced when written)."""
        for folder in {c.parent for c in self.created} | {f.parent for f in self.folders}:
            if folder in self._synced:
                continue
            try:
                _fsync_dir(folder)
            except OSError as err:
                raise StoreError(f"{folder}: cannot sync the store's archive: {err}") from err
            self._synced.add(folder)

    def commit(self) -> None:
        """After COMMIT: the copies are named by rows now; drop the journal."""
        self._close_journal()
        if self._journaled:
            _unlink(self.journal)
        self.created, self.folders, self._journaled = [], [], False

    def rollback(self) -> None:
        """After a rollback: remove the copies and folders made here, then the journal.

        Never raises (it runs while another error is on its way out); what cannot be removed
        stays in the journal for the next writer.
        """
        self._close_journal()
        if all([_unlink(p) for p in reversed(self.created)]) and self._journaled:
            _unlink(self.journal)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: another store's copies may be there
        self.created, self.folders, self._journaled = [], [], False

    def _close_journal(self) -> None:
        if self._journal_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._journal_fd)
            self._journal_fd = None

    # -- recovering ------------------------------------------------------------------------

    def recover(self) -> list[Path]:
        """Remove what a killed writer of this store left: the temporary files its journal
        lists, the copies it lists that no committed row names, old-style ``.tmp`` files, then
        the journal. Call with the write lock held, before this transaction writes anything.

        Returns
        -------
        list of pathlib.Path
            What was removed.
        """
        self._started = True
        removed: list[Path] = []
        for journal in journals(self.store):
            if journal == self.journal:
                continue
            for line in self._read_journal(journal).splitlines():
                names = self._listed(line)
                if names is None:
                    continue
                tmp, target = names
                if os.path.lexists(tmp) and _unlink(tmp):
                    removed.append(tmp)
                if os.path.lexists(target) and not self._named(target) and _unlink(target):
                    removed.append(target)
            _unlink(journal)
        for path in leftovers(self.store):
            if path.name.endswith(".tmp") and _unlink(path):
                removed.append(path)
        if removed:
            logger.warning(
                "%s: removed %d file(s) an interrupted write left in the archive: %s",
                self.store, len(removed), ", ".join(p.name for p in removed),
            )  # fmt: skip
        return removed

    @staticmethod
    def _read_journal(journal: Path) -> str:
        """A journal's text; empty for a journal that is gone or is no regular file (a symbolic
        link planted under a journal's name is never followed)."""
        try:
            fd = os.open(journal, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
        except OSError as err:
            if not isinstance(err, FileNotFoundError):
                logger.warning("%s: not a journal (%s); removing it", journal, err)
            return ""
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return ""
            return handle.read(1 << 22).decode("utf-8", "replace")

    def _listed(self, line: str) -> tuple[Path, Path] | None:
        """A journal line's temporary file and target, or None unless both are archive names
        (a planted journal cannot make us remove anything else)."""
        parts = line.split("\t")
        if len(parts) != 2:
            return None
        tmp, target = (Path(p) for p in parts)
        folder = target.parent.as_posix()
        if folder not in (ARCHIVE, PLANS) or tmp.parent.as_posix() != folder:
            return None
        match = _TMP.fullmatch(tmp.name)
        if not _COPY.fullmatch(target.name) or match is None or match[1] != target.name:
            return None
        return self.root / tmp, self.root / target

    def _named(self, target: Path) -> bool:
        """Whether a committed row names this archive copy."""
        rel = target.relative_to(self.root).as_posix()
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        for table in ("source_files", "plan_versions"):
            if (
                table in tables
                and self.conn.execute(
                    f"SELECT 1 FROM {table} WHERE archived_path = ? LIMIT 1", (rel,)
                ).fetchone()
            ):
                return True
        return False
