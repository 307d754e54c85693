"""Other processes for tests/test_store_faults.py: ingests to race against each other or kill.

- :func:`race` is a ``multiprocessing`` (forkserver) target: one of several processes that, round
  after round, wait at a barrier and then open (and ingest into) the same new store at once.
- Run as a script (``python store_workers.py``), this module is a *zygote*: it imports the
  package and reads the seed plan once, then, for each JSON command read from stdin, forks a
  child that ingests a batch of files and may be killed (``kill -9``) by the test, or kills
  itself at a chosen step. Forking from a warm process makes each run cost the ingest, not the
  second it takes to import pandas; the zygote itself never opens a store. Events go to stdout
  as one JSON object per line: ``start`` (the child's pid), ``opening`` (the store is about to
  be opened and written: the window a test kills in), ``committed``, ``error`` and ``exit``
  (from the zygote, with the signal that ended the child).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

#: Steps a child can kill itself at (see :func:`_arm`).
KILL_POINTS = ("in_copy", "after_copy", "before_commit", "after_commit")


def variant(base: Path, folder: Path, k: int) -> Path:
    """A copy of an ``.xlsx`` report with other bytes but the same content: the zip comment
    differs, so it is a new file to the store (a new SHA-256) that reads the same."""
    out = folder / f"{base.stem}_v{k}{base.suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(base.read_bytes())
    with zipfile.ZipFile(out, "a") as archive:
        archive.comment = f"variant {k}".encode()
    return out


# -- racing (multiprocessing, forkserver) --------------------------------------------------


def race(rounds: list[tuple[str, bool]], file: str, barrier: Any, results: Any) -> None:
    """For each ``(store, ingest)`` round: wait for every racer, then open the store and, when
    ``ingest``, ingest ``file`` into it. Every outcome goes to ``results``."""
    from taskanalytics import read_plan
    from taskanalytics.config import DEFAULT_PLAN_PATH
    from taskanalytics.progress.intake import read_progress_file  # noqa: F401 - warm import
    from taskanalytics.progress.store import ingest_files, open_store

    plan = read_plan(DEFAULT_PLAN_PATH)
    for n, (db, ingest) in enumerate(rounds):
        try:  # the first wait is for every racer to start: slow on a busy machine
            barrier.wait(timeout=600 if n == 0 else 120)
        except threading.BrokenBarrierError:
            results.put((db, file, "error", "a racer did not reach the barrier"))
            continue
        try:
            open_store(db)
            done = len(ingest_files([file], plan=plan, store=db).ingested) if ingest else 0
            results.put((db, file, "ok", done))
        except BaseException as err:  # reported to the test, which fails on it
            results.put((db, file, "error", f"{type(err).__name__}: {err}"))


# -- the zygote ----------------------------------------------------------------------------


def _emit(**event: Any) -> None:
    os.write(1, (json.dumps(event) + "\n").encode())


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(kill_at: str | None, nth: int) -> None:
    """Make this child kill itself at a step of the write (the ``nth`` time it is reached)."""
    from taskanalytics.progress import archive, store

    real_as_store = store._as_store

    def opening(*args: Any, **kwargs: Any) -> Any:
        _emit(event="opening", t=time.monotonic())
        return real_as_store(*args, **kwargs)

    store._as_store = opening
    if kill_at is None:
        return
    count = {"n": 0}

    def reached() -> bool:
        count["n"] += 1
        return count["n"] == nth

    if kill_at == "in_copy":  # half the bytes written to the temporary file
        real_write = archive._write_all

        def write_half(fd: int, data: bytes) -> None:
            if reached():
                real_write(fd, data[: len(data) // 2])
                _die()
            real_write(fd, data)

        archive._write_all = write_half
    elif kill_at == "after_copy":  # a copy renamed into place, the transaction still open
        real_put = archive.ArchiveCopies.put

        def put(self: Any, *args: Any, **kwargs: Any) -> Any:
            path = real_put(self, *args, **kwargs)
            if reached():
                _die()
            return path

        archive.ArchiveCopies.put = put
    elif kill_at == "before_commit":  # every copy written and synced, COMMIT not run
        real_sync = archive.ArchiveCopies.sync

        def sync(self: Any) -> None:
            real_sync(self)
            if self.created and reached():
                _die()

        archive.ArchiveCopies.sync = sync
    elif kill_at == "after_commit":  # committed, the journal not yet removed
        real_commit = archive.ArchiveCopies.commit

        def commit(self: Any) -> None:
            if self.created and reached():
                _die()
            real_commit(self)

        archive.ArchiveCopies.commit = commit
    else:
        raise ValueError(f"unknown kill point {kill_at!r}; expected one of {KILL_POINTS}")


def _child(command: dict[str, Any], plan: Any) -> None:
    from taskanalytics.progress.store import ingest_files

    _emit(event="start", pid=os.getpid())
    _arm(command.get("kill_at"), int(command.get("nth", 1)))
    result = ingest_files(command["files"], plan=plan, store=command["store"])
    _emit(event="committed", t=time.monotonic(), ingested=len(result.ingested))


def zygote() -> None:
    """Fork one ingesting child per command line read from stdin; report how each ended."""
    from taskanalytics import read_plan
    from taskanalytics.config import DEFAULT_PLAN_PATH
    from taskanalytics.progress import archive, intake, store  # noqa: F401 - warm imports

    plan = read_plan(DEFAULT_PLAN_PATH)
    _emit(event="ready")
    for line in sys.stdin:
        command = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _child(command, plan)
            except BaseException as err:
                _emit(event="error", error=f"{type(err).__name__}: {err}")
                code = 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        killed = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        _emit(event="exit", pid=pid, signal=killed, code=code)


if __name__ == "__main__":
    zygote()
