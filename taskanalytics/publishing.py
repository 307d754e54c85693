"""Publishing a quarter: the run's lock, its snapshot of the store, one atomic swap, cleanup.

The machinery behind :func:`taskanalytics.quarterly.run_quarter` (see its module docstring for
the promises). In a plan's reports folder ``<out>/<plan>/``:

``<quarter>``
    A symbolic link to the build published last (relative, so the tree can be moved).
``.<quarter>.build-<time>-<pid>/``
    A published build: the pages, ``index.html``, ``watchlist.xlsx``, the shared stylesheet
    (the executed notebooks are kept apart, see :func:`taskanalytics.quarterly.run_quarter`).
``.<quarter>.tmp-<time>-<pid>/``
    A run's staging folder while it runs; its ``.snapshot/`` holds the run's copy of the store.
``.<quarter>.lock``
    Held with ``fcntl.flock`` by the run of the quarter in progress (it holds its pid).
``.<quarter>.failed-<time>/``
    A failed run, kept for debugging.

POSIX only (``fcntl``, symbolic links, ``rename(2)`` replacing a link atomically).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from taskanalytics.errors import RunLockedError, StoreError
from taskanalytics.progress import db

__all__ = [
    "SNAPSHOT",
    "clean_leftovers",
    "lock_quarter",
    "publish_build",
    "snapshot_store",
]

logger = logging.getLogger("taskanalytics")


#: The staging folder's sub-folder holding the run's copy of the store (removed before the
#: staging folder is published or kept as a failed run).
SNAPSHOT = ".snapshot"

#: Names of what runs of a quarter leave in the plan's folder, by kind.
LEFTOVER = re.compile(r"\.(?P<quarter>\d{4}Q[1-4])\.(?P<kind>tmp|build|link|old)-.+")


def snapshot_store(store_file: Path, folder: Path) -> Path:
    """Copy the progress store into a new folder with SQLite's backup API.

    The backup reads the store in one read transaction: every committed report is in the copy
    and nothing half-written, while ingests go on. The copy is switched to WAL mode here, so
    readers that open it as a store write nothing to it; its ``archive`` is a link to the
    store's (archived files are only ever added), where earlier plan versions are read from.

    Parameters
    ----------
    store_file
        The store (absolute). A missing store is not created: the path returned does not
        exist either, and the briefings read no reports from it.
    folder
        Created (mode 0700: it may be under a web server's root), must not exist.

    Returns
    -------
    pathlib.Path
        ``<folder>/<store file name>``.

    Raises
    ------
    StoreError
        If SQLite cannot read the store or write the copy.
    """
    folder.mkdir(mode=0o700)
    target = folder / store_file.name
    if not store_file.exists():
        return target
    try:
        # a read-only store (the run may read a store it cannot write) is opened read-only
        with db.connect(store_file, read_only=not db.writable(store_file)) as src:
            with closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error as err:
        raise StoreError(f"{store_file}: cannot copy the store for the run: {err}") from err
    os.symlink(store_file.parent / "archive", folder / "archive", target_is_directory=True)
    return target


@contextmanager
def lock_quarter(root: Path, quarter: str) -> Iterator[Path]:
    """Hold the quarter's lock ``<root>/.<quarter>.lock`` for the block, or fail at once.

    ``fcntl.flock`` on the file: the kernel releases it when the process ends, even by a kill,
    so a lock is never stale. The holder writes its pid and start time into the file, for the
    message of a run that finds it held. The file stays afterwards (removing it would race the
    next run).

    Parameters
    ----------
    root
        The plan's reports folder (exists).
    quarter
        The quarter's label.

    Yields
    ------
    pathlib.Path
        The lock file.

    Raises
    ------
    RunLockedError
        When another run (in this process or another) holds the lock.
    """
    import fcntl  # POSIX only; imported here so the module imports everywhere

    lock = root / f".{quarter}.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise RunLockedError(lock, holder or None) from None
        os.ftruncate(fd, 0)
        now = dt.datetime.now().isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()}, started {now}\n".encode(), 0)
        yield lock
    finally:
        os.close(fd)  # releases the lock


def clean_leftovers(root: Path, quarter: str, *, keep: str | None = None) -> list[Path]:
    """Remove what earlier runs of a quarter left in the plan's folder.

    Staging folders (``.tmp-``), builds the quarter's link does not point to (``.build-``),
    temporary links (``.link-``) and the ``.old-`` folders of the publishing before links.
    Called with the quarter's lock held: no other run of the quarter is alive then, so every
    staging folder there is older than the lock's holder, of a run that ended or was killed.
    Failed runs (``.failed-``) are kept for debugging.

    Parameters
    ----------
    root
        The plan's reports folder.
    quarter
        The quarter's label; other quarters' files are not touched.
    keep
        A name not to remove (the build just published).

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    final = root / quarter
    current = os.readlink(final) if final.is_symlink() else None
    removed = []
    for path in sorted(root.iterdir()):
        found = LEFTOVER.fullmatch(path.name)
        if not found or found["quarter"] != quarter or path.name in (current, keep):
            continue
        if path.is_symlink() or not path.is_dir():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    if removed:
        logger.info("removed %d leftover(s) of runs of %s in %s", len(removed), quarter, root)
    return removed


def publish_build(staging: Path, root: Path, quarter: str, stamp: str) -> Path:
    """Publish a finished staging folder as ``<root>/<quarter>`` in one atomic step.

    The folder is renamed to the build ``.<quarter>.build-<stamp>-<pid>``, a link to it is
    made under a temporary name, and ``os.replace`` puts that link in place of the quarter's
    (one ``rename(2)``): a reader sees the old build or the new one, and a kill at any point
    leaves the old one published, plus a build or a link nobody points to, which the next run
    removes. A quarter folder published before links is first moved aside (the only moment,
    once, when the quarter is absent). The builds replaced are then removed.

    Parameters
    ----------
    staging
        The run's finished folder, in ``root``.
    root
        The plan's reports folder.
    quarter, stamp
        The quarter's label and the run's start time (in the build's name).

    Returns
    -------
    pathlib.Path
        ``<root>/<quarter>``, the link.
    """
    build = root / f".{quarter}.build-{stamp}-{os.getpid()}"
    staging.rename(build)
    link = root / f".{quarter}.link-{stamp}-{os.getpid()}"
    link.unlink(missing_ok=True)
    os.symlink(build.name, link, target_is_directory=True)  # relative: the tree can move
    final = root / quarter
    if final.is_dir() and not final.is_symlink():
        final.rename(root / f".{quarter}.old-{stamp}-{os.getpid()}")
    os.replace(link, final)
    _fsync_dir(root)
    clean_leftovers(root, quarter, keep=build.name)
    return final


def _fsync_dir(folder: Path) -> None:
    """Make the renames in ``folder`` durable, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
