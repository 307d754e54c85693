"""The progress store under faults and hostile input: races, kills, planted paths, full disks,
read-only folders and damaged files.

What each test proves is in its name; the rule for orphan archive copies (removed by the next
writable open or write, never by a reader) is :mod:`taskanalytics.progress.archive`'s. The
tests that start processes are marked slow; :mod:`store_workers` holds what runs in them.
"""

from __future__ import annotations

import errno
import json
import logging
import multiprocessing
import os
import random
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from store_workers import race, variant
from stores import fill_unit_reports

from taskanalytics.config import DEFAULT_PLAN_PATH as SEED
from taskanalytics.errors import StoreError
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import archive, db, store
from taskanalytics.progress.intake import read_progress_file
from taskanalytics.progress.store import (
    ingest_files,
    list_plans,
    load_progress_history,
    open_store,
    register_plan,
    stored_plan,
)

HASH_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9]+")
WORKERS = Path(__file__).with_name("store_workers.py")
JOURNAL = "0123456789abcdef"  # the token of a journal a test plants


@pytest.fixture(scope="module")
def reports(seed_plan, tmp_path_factory):
    """Four units' filled 2023Q1 reports (read-only) and, per SHA-256 of any variant, the rows
    it must have in a store: ``(reports, values)``."""
    plan = seed_plan
    units = sorted({u for us in plan.tasks["lead_units"] for u in us})[:6]
    paths = fill_unit_reports(plan, units, ["2023Q1"], tmp_path_factory.mktemp("reports"))[:4]
    rows = {}
    for path in paths:
        pf = read_progress_file(path, plan=plan)
        rows[path.name] = (len(pf.reports), len(pf.values))
    return paths, rows


def _sha(path: Path) -> str:
    return archive.sha256_of(path) or ""


def _expected(files, rows) -> dict[str, tuple[int, int]]:
    """SHA-256 -> (reports, values) of variants made from the base reports."""
    return {_sha(f): rows[re.sub(r"_v\d+", "", f.name)] for f in files}


def _rows_per_file(path: Path) -> dict[str, tuple[int, int]]:
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        found = conn.execute(
            "SELECT f.sha256, "
            "(SELECT COUNT(*) FROM reports r WHERE r.file_id = f.file_id), "
            "(SELECT COUNT(*) FROM actual_values a JOIN reports r USING (report_id) "
            " WHERE r.file_id = f.file_id) FROM source_files f"
        ).fetchall()
    return {sha: (n, v) for sha, n, v in found}


def _archived(path: Path) -> tuple[list[str], list[str], list[str]]:
    """The store's archive: (temporary files and journals, orphan copies no row names, copies)."""
    root = path.parent
    leftovers, copies = [], []
    for sub in (archive.ARCHIVE, archive.PLANS):
        folder = root / sub
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            rel = entry.relative_to(root).as_posix()
            if entry.name.endswith((".tmp", ".pending")):
                leftovers.append(rel)
            elif HASH_NAME.fullmatch(entry.name):
                copies.append(rel)
    named = set()
    if path.exists():
        with closing(sqlite3.connect(path)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            for table in ("source_files", "plan_versions"):
                if table in tables:
                    named |= {r[0] for r in conn.execute(f"SELECT archived_path FROM {table}")}
    return sorted(leftovers), sorted(c for c in copies if c not in named), sorted(copies)


def _assert_clean(path: Path) -> None:
    leftovers, orphans, _ = _archived(path)
    assert leftovers == [] and orphans == []


# -- opening: locks, damage ---------------------------------------------------------------


def test_open_waits_for_a_writer_before_switching_to_wal(tmp_path):
    # A process creating the store holds the write lock; SQLite fails the WAL switch at once
    # ("database is locked") instead of waiting: 48 of 50 racing creations failed before.
    path = tmp_path / "store" / "progress.sqlite"
    path.parent.mkdir()
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.4, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    try:
        open_store(path)
    finally:
        release.join()
        holder.close()
    assert time.monotonic() - started >= 0.3  # it waited for the lock, then went on
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_damaged_store_is_refused_on_open_and_read(seed_plan, reports, tmp_path):
    good = tmp_path / "good" / "progress.sqlite"
    ingest_files(reports[0][:2], plan=seed_plan, store=good)
    bad = tmp_path / "bad" / "progress.sqlite"
    bad.parent.mkdir()
    shutil.copy(good, bad)
    with closing(sqlite3.connect(bad)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reports'").fetchone()
    data = bytearray(bad.read_bytes())
    start = (root[0] - 1) * page_size + 8  # the page's cell pointers: point them off the page
    data[start : start + 64] = b"\xff" * 64
    bad.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as info:
        open_store(bad)
    assert str(bad) in str(info.value) and "quick_check" in str(info.value)
    with pytest.raises(StoreError, match="damaged"):
        load_progress_history(bad, plan=seed_plan)
    with pytest.raises(StoreError, match="damaged"):
        ingest_files(reports[0][2:3], plan=seed_plan, store=bad)
    assert len(load_progress_history(good, plan=seed_plan)) > 0  # the good copy still reads


# -- planted paths in the archive ---------------------------------------------------------


def test_a_planted_tmp_symlink_does_not_make_ingest_write_outside(seed_plan, reports, tmp_path):
    path = tmp_path / "store" / "progress.sqlite"
    report = reports[0][0]
    outside = tmp_path / "outside"
    outside.mkdir()
    victims = {name: outside / name for name in ("report", "plan", "report-target")}
    for victim in victims.values():
        victim.write_text("not yours")
    archive_dir = path.parent / "archive"
    (archive_dir / "plans").mkdir(parents=True)
    # the names the ingest used for its temporary copies, pointing outside the store
    (archive_dir / f"{_sha(report)}.xlsx.tmp").symlink_to(victims["report"])
    (archive_dir / "plans" / f"{_sha(SEED)}.txt.tmp").symlink_to(victims["plan"])
    # and a link under the copy's own name
    (archive_dir / f"{_sha(report)}.xlsx").symlink_to(victims["report-target"])
    result = ingest_files([report], plan=seed_plan, store=path)
    assert len(result.ingested) == 1
    assert all(v.read_text() == "not yours" for v in victims.values())
    assert sorted(p.name for p in outside.iterdir()) == sorted(v.name for v in victims.values())
    copy = archive_dir / f"{_sha(report)}.xlsx"
    assert not copy.is_symlink() and copy.read_bytes() == report.read_bytes()
    plan_copy = archive_dir / "plans" / f"{_sha(SEED)}.txt"
    assert plan_copy.read_bytes() == SEED.read_bytes()
    _assert_clean(path)  # the planted links are gone too


def test_a_planted_copy_with_other_bytes_is_replaced_not_trusted(
    seed_plan, reports, tmp_path, caplog
):
    path = tmp_path / "store" / "progress.sqlite"
    report = reports[0][0]
    archive_dir = path.parent / "archive"
    (archive_dir / "plans").mkdir(parents=True)
    forged = archive_dir / f"{_sha(report)}.xlsx"
    forged.write_bytes(b"forged report")
    forged_plan = archive_dir / "plans" / f"{_sha(SEED)}.txt"
    forged_plan.write_text("一、伪造的计划\n")
    with caplog.at_level(logging.WARNING, logger="taskanalytics"):
        ingest_files([report], plan=seed_plan, store=path)
    assert forged.read_bytes() == report.read_bytes()
    assert forged_plan.read_bytes() == SEED.read_bytes()
    assert "not the file its name promises" in caplog.text
    assert stored_plan(path, list_plans(path)["name"][0]).tasks.equals(seed_plan.tasks)


def test_a_changed_archived_plan_source_is_refused_on_read(seed_plan, tmp_path):
    path = tmp_path / "store" / "progress.sqlite"
    version = register_plan(path, seed_plan)
    version.archived_path.write_text("一、别的计划\n（一）改过的任务\n")
    with pytest.raises(StoreError, match="do not hash to its name"):
        stored_plan(path, version.name)
    version.archived_path.unlink()
    os.mkfifo(version.archived_path)  # reading a FIFO would block: it is no regular file
    with pytest.raises(StoreError, match="not in the store's archive"):
        stored_plan(path, version.name)


def test_an_archive_folder_that_is_a_symlink_is_refused(seed_plan, reports, tmp_path):
    path = tmp_path / "store" / "progress.sqlite"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path.parent.mkdir()
    (path.parent / "archive").symlink_to(elsewhere)
    with pytest.raises(StoreError, match="symbolic link"):
        ingest_files(reports[0][:1], plan=seed_plan, store=path)
    assert list(elsewhere.iterdir()) == []
    assert _rows_per_file(path) == {}


def test_a_planted_journal_cannot_remove_files_outside_the_archive(seed_plan, reports, tmp_path):
    path = tmp_path / "store" / "progress.sqlite"
    ingest_files(reports[0][:1], plan=seed_plan, store=path)
    keep = [tmp_path / "precious.txt", path.parent / "archive" / "README.md"]
    for f in keep:
        f.write_text("keep")
    named = _archived(path)[2]
    orphan = path.parent / "archive" / f"{'a' * 64}.xlsx"
    orphan.write_bytes(b"left by a killed ingest")
    lines = [
        "../precious.txt\t../precious.txt",
        "archive/README.md\tarchive/README.md",
        f"archive/.{'b' * 64}.xlsx.0123456789abcdef.tmp\tarchive/../../precious.txt",
        f"archive/.{'a' * 64}.xlsx.0123456789abcdef.tmp\tarchive/{'a' * 64}.xlsx",
        *(f"{Path(n).parent}/.{Path(n).name}.0123456789abcdef.tmp\t{n}" for n in named),
    ]
    archive.journal_path(path, JOURNAL).write_text("\n".join(lines) + "\n")
    open_store(path)
    assert all(f.read_text() == "keep" for f in keep)
    assert not orphan.exists() and archive.journals(path) == []
    assert _archived(path)[2] == named  # the copies rows name are kept


def test_an_open_during_a_live_write_neither_waits_nor_touches_its_copies(
    seed_plan, reports, tmp_path
):
    path = tmp_path / "store" / "progress.sqlite"
    ingest_files(reports[0][:1], plan=seed_plan, store=path)
    copy = path.parent / "archive" / f"{'d' * 64}.xlsx"  # a writer at work has written it
    copy.write_bytes(b"being ingested")
    archive.journal_path(path, JOURNAL).write_text(
        f"archive/.{copy.name}.0123456789abcdef.tmp\tarchive/{copy.name}\n"
    )
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # ... and holds the write lock
    try:
        started = time.monotonic()
        assert len(load_progress_history(path, plan=seed_plan)) > 0
        assert time.monotonic() - started < 5  # not the 30 s a writer may hold the lock
        assert copy.exists() and archive.journals(path) != []
    finally:
        writer.execute("ROLLBACK")  # the writer dies without committing
        writer.close()
    open_store(path)
    assert not copy.exists() and archive.journals(path) == []
    _assert_clean(path)


# -- errors while writing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.ENAMETOOLONG, "the path is too long"),
        (errno.EACCES, "permission denied"),
    ],
)
@pytest.mark.parametrize("copying", ["report", "plan"])
def test_an_os_error_while_archiving_is_a_store_error_and_rolls_back(
    seed_plan, reports, tmp_path, monkeypatch, code, reason, copying
):
    path = tmp_path / "store" / "progress.sqlite"
    files = reports[0][:2]
    if copying == "report":
        register_plan(path, seed_plan)
    before = _rows_per_file(path) if path.exists() else {}
    real = archive._write_all

    def fail_halfway(fd, data):
        real(fd, data[: len(data) // 2])  # a partial temporary file, then the error
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(archive, "_write_all", fail_halfway)
    with pytest.raises(StoreError) as info:
        ingest_files(files, plan=seed_plan, store=path)
    message = str(info.value)
    named = files[0] if copying == "report" else SEED
    assert message.startswith(f"{named}: cannot copy it into the store's archive")
    assert reason in message and "cannot rollback" not in message
    assert _rows_per_file(path) == before
    _assert_clean(path)
    assert [p.name for p in (path.parent / "archive").rglob("*") if p.is_file()] == (
        [f"{_sha(SEED)}.txt"] if copying == "report" else []
    )
    monkeypatch.setattr(archive, "_write_all", real)
    assert len(ingest_files(files, plan=seed_plan, store=path).ingested) == 2  # then it works


def test_a_transaction_sqlite_rolled_back_itself_does_not_hide_the_error(
    seed_plan, reports, tmp_path, monkeypatch
):
    # After SQLITE_FULL or an I/O error SQLite may roll the transaction back on its own; a
    # second ROLLBACK then failed with "cannot rollback - no transaction is active", which
    # was reported instead of the full disk.
    path = tmp_path / "store" / "progress.sqlite"

    def disk_full(conn, file_id, pf):
        conn.execute("ROLLBACK")  # what SQLite does by itself after some errors
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_insert_reports", disk_full)
    with pytest.raises(StoreError, match="database or disk is full") as info:
        ingest_files(reports[0][:2], plan=seed_plan, store=path)
    assert "cannot rollback" not in str(info.value)
    assert _rows_per_file(path) == {}
    _assert_clean(path)
    assert [p for p in (path.parent / "archive").rglob("*") if p.is_file()] == []


def test_copies_and_their_folders_are_fsynced_before_commit(
    seed_plan, reports, tmp_path, monkeypatch
):
    path = tmp_path / "store" / "progress.sqlite"
    events: list[str] = []
    real_fsync, real_connect = os.fsync, db.connect

    def fsync(fd):
        events.append("fsync " + os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def connect(*args, **kwargs):
        context = real_connect(*args, **kwargs)
        conn = context.__enter__()
        conn.set_trace_callback(lambda sql: events.append(sql.strip().upper()))
        return _Entered(context, conn)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(store, "connect", connect)
    files = reports[0][:2]
    ingest_files(files, plan=seed_plan, store=path)
    commit = max(i for i, e in enumerate(events) if e == "COMMIT")
    root = path.parent.resolve()
    copies = [root / "archive" / f"{_sha(f)}.xlsx" for f in files]
    copies.append(root / "archive" / "plans" / f"{_sha(SEED)}.txt")
    for copy in copies:  # each is fsynced under its temporary name, before the rename
        written = re.compile(
            rf"fsync {re.escape(str(copy.parent))}/\.{re.escape(copy.name)}\.[0-9a-f]{{16}}\.tmp"
        )
        done = [i for i, e in enumerate(events) if written.fullmatch(e)]
        assert len(done) == 1 and done[0] < commit, copy
    for folder in (root / "archive", root / "archive" / "plans", root):  # root: archive/ is new
        done = [i for i, e in enumerate(events) if e == f"fsync {folder}"]
        assert done and done[0] < commit, folder


class _Entered:
    """A context manager handing back an already-entered connection."""

    def __init__(self, context, conn):
        self.context, self.conn = context, conn

    def __enter__(self):
        return self.conn

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


# -- a read-only store --------------------------------------------------------------------

_READER = r"""
import json, logging, os, sys
from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.errors import StoreError
from taskanalytics.progress.store import (
    ingest_files, list_plans, load_progress_history, register_plan, stored_plan,
)

args = json.loads(sys.argv[1])
plan = read_plan(DEFAULT_PLAN_PATH)
logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

def reads(db):
    name = list_plans(db)["name"].tolist()
    return {
        "rows": len(load_progress_history(db, plan=plan)),
        "plans": name,
        "tasks": len(stored_plan(db, name[0]).tasks),
    }

def writes(db):
    out = []
    for write in (
        lambda: ingest_files([args["file"]], plan=plan, store=db),
        lambda: register_plan(db, plan),
    ):
        try:
            write()
            out.append("written")
        except StoreError as err:
            out.append(str(err))
    return out

reads(args["warm"])  # import everything while the files of Python can still be read
writes(args["warm"])
if args["drop"]:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
print(json.dumps({
    "stores": {db: {**reads(db), "writes": writes(db)} for db in args["stores"]},
}))
"""


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): (_sha(p) if p.is_file() else "dir")
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.slow
def test_a_read_only_store_can_be_read_and_refuses_writes(seed_plan, reports):
    # root ignores permissions: the reader then runs as nobody, as a colleague's account would
    drop = os.geteuid() == 0
    base = Path(tempfile.mkdtemp(prefix="ta-readonly-", dir="/tmp"))
    try:
        base.chmod(0o755)
        locked = base / "locked" / "progress.sqlite"  # neither folder nor file writable
        ingest_files(reports[0][:2], plan=seed_plan, store=locked)
        left = locked.parent / "archive" / f"{'c' * 64}.xlsx"  # an orphan a killed ingest left
        left.write_bytes(b"orphan")
        archive.journal_path(locked, JOURNAL).write_text(
            f"archive/.{left.name}.0123456789abcdef.tmp\tarchive/{left.name}\n"
        )
        file_only = base / "open" / "progress.sqlite"  # the file read-only, the folder not
        ingest_files(reports[0][2:3], plan=seed_plan, store=file_only)
        warm = base / "warm" / "progress.sqlite"
        ingest_files(reports[0][3:4], plan=seed_plan, store=warm)
        if drop:
            file_only.parent.chmod(0o777)
        else:
            for p in locked.parent.rglob("*"):
                p.chmod(0o555 if p.is_dir() else 0o444)
            locked.parent.chmod(0o555)
            file_only.chmod(0o444)
        before = _tree(locked.parent)
        args = {
            "stores": [str(locked), str(file_only)],
            "warm": str(warm),
            "file": str(reports[0][3]),
            "drop": drop,
        }
        done = subprocess.run(
            [sys.executable, "-c", _READER, json.dumps(args)],
            capture_output=True,
            text=True,
            timeout=600,
            cwd="/",
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)["stores"]
        assert _tree(locked.parent) == before  # nothing written, nothing removed
    finally:
        for p in [base, *base.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(base)
    for db_path, files in ((locked, reports[0][:2]), (file_only, reports[0][2:3])):
        got = result[str(db_path)]
        assert got["plans"] == [plan_identity(seed_plan).name]
        assert got["tasks"] == len(seed_plan.tasks)
        assert got["rows"] == sum(reports[1][f.name][0] for f in files)
        assert len(got["writes"]) == 2
        for refused in got["writes"]:
            assert refused.startswith(f"{db_path}: the progress store is read-only for this user")
            assert refused.endswith("nothing was written")
    assert "interrupted write left" in done.stderr  # reported, not removed


# -- processes at once --------------------------------------------------------------------

RACERS = 10
#: Rounds of creating a new store at once: each caught the race 1 time in 15 before the fix.
OPEN_ROUNDS = 60
#: Rounds of creating a new store and ingesting one file each into it at once.
INGEST_ROUNDS = 3
#: What a racer imports, loaded once in the server the racers are forked from.
RACER_IMPORTS = (
    "taskanalytics.plan.build",
    "taskanalytics.progress.intake",
    "taskanalytics.progress.store",
)


@pytest.mark.slow
def test_ten_processes_create_and_fill_one_new_store_at_once(reports, tmp_path):
    paths, rows = reports
    files = [variant(paths[k % len(paths)], tmp_path / "inbox", k) for k in range(RACERS)]
    rounds = [(str(tmp_path / f"open{r}" / "progress.sqlite"), False) for r in range(OPEN_ROUNDS)]
    rounds += [(str(tmp_path / f"fill{r}" / "progress.sqlite"), True) for r in range(INGEST_ROUNDS)]
    # racers forked from a server that imported the package once: ten separate processes at
    # the barrier, without ten imports of pandas first
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["store_workers", *RACER_IMPORTS])
    barrier, results = ctx.Barrier(RACERS), ctx.Queue()
    racers = [
        ctx.Process(target=race, args=(rounds, str(f), barrier, results), daemon=True)
        for f in files
    ]
    for p in racers:
        p.start()
    try:
        outcomes = [
            results.get(timeout=600 if n == 0 else 180) for n in range(RACERS * len(rounds))
        ]
    finally:
        for p in racers:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    failed = [o for o in outcomes if o[2] != "ok"]
    assert failed == []
    expected = _expected(files, rows)
    for db_path, ingested in rounds:
        if ingested:
            assert _rows_per_file(Path(db_path)) == expected  # every file landed, whole
        else:
            assert _rows_per_file(Path(db_path)) == {}
        _assert_clean(Path(db_path))


# -- kill -9 ------------------------------------------------------------------------------


class Zygote:
    """The warm process of :mod:`store_workers` that forks one ingesting child per run."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKERS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.buffer = b""
        assert self.event(timeout=600)["event"] == "ready"

    def event(self, timeout: float = 120) -> dict:
        """The next event, or a failure (never a hang) when none comes within ``timeout`` s."""
        fd = self.proc.stdout.fileno()
        poller = select.poll()  # not select.select: the suite may hold over 1,024 descriptors
        poller.register(fd, select.POLLIN)
        while b"\n" not in self.buffer:
            ready = poller.poll(timeout * 1000)
            assert ready, f"the zygote said nothing for {timeout} s"
            chunk = os.read(fd, 1 << 16)
            assert chunk, "the zygote died"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, store_path, files, *, kill_at=None, nth=1, kill_after=None) -> dict:
        """Run one ingest; kill it ``kill_after`` seconds after it starts opening the store.
        Return the events seen, by name (``exit`` says how it ended)."""
        command = {"store": str(store_path), "files": [str(f) for f in files]}
        command.update(kill_at=kill_at, nth=nth)
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        seen: dict[str, dict] = {}
        while "exit" not in seen:
            event = self.event()
            seen[event["event"]] = {**event, "seen": time.monotonic()}
            if event["event"] == "opening" and kill_after is not None:
                time.sleep(kill_after)
                try:
                    os.kill(seen["start"]["pid"], signal.SIGKILL)
                except ProcessLookupError:  # pragma: no cover - already reaped
                    pass
        return seen

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def zygote():
    warm = Zygote()
    yield warm
    warm.close()


def _kill_report(seen: dict) -> str:
    return json.dumps({k: {**v, "seen": None} for k, v in seen.items()})


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kill_at", "nth", "lands", "left_behind"),
    [
        ("in_copy", 2, False, "a half-written temporary file"),
        ("after_copy", 2, False, "orphan copies"),
        ("before_commit", 1, False, "orphan copies"),
        ("after_commit", 1, True, "the journal"),
    ],
)
def test_a_kill_at_each_step_leaves_nothing_the_next_open_keeps(
    zygote, reports, tmp_path, kill_at, nth, lands, left_behind
):
    paths, rows = reports
    path = tmp_path / "store" / "progress.sqlite"
    files = [variant(p, tmp_path / "inbox", k) for k, p in enumerate(paths[:2])]
    seen = zygote.run(path, files, kill_at=kill_at, nth=nth)
    assert seen["exit"]["signal"] == signal.SIGKILL, _kill_report(seen)
    expected = _expected(files, rows)
    assert _rows_per_file(path) == (expected if lands else {})
    leftovers, orphans, _ = _archived(path)
    if left_behind == "a half-written temporary file":
        assert any(name.endswith(".tmp") for name in leftovers)
    elif left_behind == "orphan copies":
        assert orphans
    assert any(name.endswith(".pending") for name in leftovers)  # the killed write's journal
    open_store(path)  # the next open cleans up
    _assert_clean(path)
    assert _rows_per_file(path) == (expected if lands else {})
    again = zygote.run(path, files)  # and a retry lands the files
    assert again["exit"]["code"] == 0 and "error" not in again, _kill_report(again)
    assert _rows_per_file(path) == expected
    _assert_clean(path)


KILL_SEEDS = list(range(20))


@pytest.mark.slow
def test_twenty_kills_at_random_points_lose_nothing_and_leave_nothing(
    zygote, seed_plan, reports, tmp_path
):
    paths, rows = reports
    batches = [
        [variant(paths[(run + i) % len(paths)], tmp_path / "inbox", 3 * run + i) for i in range(3)]
        for run in range(len(KILL_SEEDS) + 1)
    ]
    expected = _expected([f for batch in batches for f in batch], rows)
    calibration = zygote.run(tmp_path / "calibration" / "progress.sqlite", batches[-1])
    window = calibration["committed"]["seen"] - calibration["opening"]["seen"]
    path = tmp_path / "store" / "progress.sqlite"
    outcomes = []
    for run, seed in enumerate(KILL_SEEDS):
        delay = random.Random(seed).uniform(0, 1.3 * window)
        seen = zygote.run(path, batches[run], kill_after=delay)
        stored = _rows_per_file(path) if path.exists() else {}  # integrity_check is ok
        batch = {_sha(f) for f in batches[run]}
        assert batch <= stored.keys() or not batch & stored.keys(), "a partial batch"
        assert stored == {sha: expected[sha] for sha in stored}, "a partial file"
        outcomes.append("landed" if batch <= stored.keys() else "lost")
        if path.exists():
            open_store(path)  # the next open removes what the kill left
            _assert_clean(path)
        assert "error" not in seen, _kill_report(seen)
    for batch in batches[:-1]:  # whatever a kill lost, ingesting it again lands it
        ingest_files(batch, plan=seed_plan, store=path)
    assert _rows_per_file(path) == {_sha(f): expected[_sha(f)] for b in batches[:-1] for f in b}
    _assert_clean(path)
    assert "error" not in calibration and len(outcomes) == len(KILL_SEEDS)
