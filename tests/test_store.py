"""The progress store: schema versions, append-only tables, atomic ingestion, latest reports."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pandas as pd
import pytest

from taskanalytics.config import DEFAULT_PLAN_PATH as SEED
from taskanalytics.errors import StoreError, ValidationError
from taskanalytics.progress import store
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.store import (
    SCHEMA_VERSION,
    ingest_files,
    load_progress,
    load_progress_history,
    open_store,
)
from taskanalytics.progress.templates import write_template

DONE = {"status": "已完成", "completed_date": dt.date(2023, 3, 20), "note": "完成"}


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store" / "progress.sqlite"


@pytest.fixture
def report(plan, tmp_path):
    """Return a function writing 财政局's filled report for a quarter."""

    def make(quarter, reports, name=None):
        blank = write_template(
            plan, "财政局", quarter, tmp_path / "blank" / quarter, overwrite=True
        )
        out = tmp_path / "inbox" / (name or blank.name)
        out.parent.mkdir(parents=True, exist_ok=True)
        return fill_template(blank, out, reports, synthetic=False)

    return make


def _count(db, table):
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- opening ------------------------------------------------------------------------------


def test_open_creates_schema_in_wal_mode(db):
    st = open_store(db)
    assert st.path == db and db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = conn.execute("SELECT version FROM schema_version").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert versions == [(v,) for v in range(1, SCHEMA_VERSION + 1)]  # each step recorded
    assert {"source_files", "reports", "actual_values", "plans", "plan_versions"} <= tables
    open_store(db)  # reopening is a no-op
    assert _count(db, "schema_version") == SCHEMA_VERSION


def test_open_migrates_an_older_store(db):
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT)")
    open_store(db)
    assert _count(db, "source_files") == 0
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        )


def test_open_refuses_a_newer_store(db):
    open_store(db)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


def test_open_refuses_other_databases_and_garbage(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    with pytest.raises(StoreError, match="not a taskanalytics"):
        open_store(other)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        open_store(garbage)


def test_tables_are_append_only(db, plan, report):
    ingest_files([report("2023Q1", {"T110.01": {**DONE, "values": {1: 5}}})], plan=plan, store=db)
    with sqlite3.connect(db) as conn:
        for sql in (
            "UPDATE reports SET status = 'late'",
            "DELETE FROM actual_values",
            "DELETE FROM source_files",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    assert _count(db, "reports") == 1 and _count(db, "actual_values") == 1


# -- ingesting ----------------------------------------------------------------------------


def test_ingest_writes_rows_and_archives(db, plan, report):
    path = report("2023Q1", {"T110.01": {**DONE, "values": {1: 17600}}, "T003.01": DONE})
    result = ingest_files([path], plan=plan, store=db)
    (done,) = result.ingested
    assert result.skipped == ()
    assert (done.unit, done.quarter, done.n_reports, done.n_values) == ("财政局", "2023Q1", 2, 1)
    archived = db.parent / "archive" / f"{_sha(path)}.xlsx"
    assert done.archived_path == archived
    assert archived.read_bytes() == path.read_bytes()
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT sha256, original_name, archived_path, unit, quarter, as_of_date, is_synthetic "
            "FROM source_files"
        ).fetchone()
    assert row == (_sha(path), path.name, f"archive/{_sha(path)}.xlsx", "财政局", "2023Q1",
                   "2023-03-31", 0)  # fmt: skip
    assert _count(db, "reports") == 2 and _count(db, "actual_values") == 1


def test_same_file_twice_is_skipped(db, plan, report):
    path = report("2023Q1", {"T110.01": DONE})
    ingest_files([path], plan=plan, store=db)
    again = ingest_files([path, path], plan=plan, store=db)
    assert again.ingested == () and len(again.skipped) == 2
    assert _count(db, "source_files") == 1 and _count(db, "reports") == 1
    assert list(again.to_frame()["outcome"]) == ["skipped", "skipped"]


def test_rejected_batch_leaves_store_byte_for_byte(db, plan, report):
    ingest_files([report("2023Q1", {"T110.01": DONE})], plan=plan, store=db)
    before = _sha(db)
    archive_before = sorted(p.name for p in (db.parent / "archive").iterdir())
    good = report("2023Q2", {"T110.02": {**DONE, "completed_date": dt.date(2023, 6, 1)}})
    bad = report("2023Q2", {"T110.01": {"status": "差不多"}}, name="bad.xlsx")
    with pytest.raises(ValidationError) as info:
        ingest_files([good, bad], plan=plan, store=db)
    assert {p.file for p in info.value.problems} == {str(bad)}
    assert "nothing was ingested" in str(info.value)
    assert _sha(db) == before
    assert sorted(p.name for p in (db.parent / "archive").iterdir()) == archive_before


def test_crash_mid_ingest_leaves_no_partial_rows(db, plan, report, monkeypatch):
    first = report("2023Q1", {"T110.01": DONE})
    second = report("2023Q2", {"T110.02": {**DONE, "completed_date": dt.date(2023, 6, 1)}})
    real = store._insert_reports
    calls = []

    def crash_on_second(conn, file_id, pf):
        calls.append(pf.path)
        real(conn, file_id, pf)  # rows are inserted ...
        if len(calls) == 2:
            raise RuntimeError("power cut")  # ... then the process dies before COMMIT

    monkeypatch.setattr(store, "_insert_reports", crash_on_second)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest_files([first, second], plan=plan, store=db)
    # one transaction per ingest: the first file's rows, already inserted, are rolled back too
    assert _count(db, "source_files") == 0
    assert _count(db, "reports") == 0
    archive = db.parent / "archive"
    assert not archive.exists() or not list(archive.iterdir())
    monkeypatch.setattr(store, "_insert_reports", real)
    result = ingest_files([first, second], plan=plan, store=db)  # a retry completes the job
    assert len(result.ingested) == 2 and len(result.skipped) == 0
    assert _count(db, "reports") == 2
    assert sorted(p.name for p in archive.glob("*.xlsx")) == sorted(
        f"{_sha(p)}.xlsx" for p in (first, second)
    )
    assert [p.name for p in (archive / "plans").iterdir()] == [f"{_sha(SEED)}.txt"]


def test_crash_after_first_insert_of_a_single_file(db, plan, report, monkeypatch):
    path = report("2023Q1", {"T110.01": {**DONE, "values": {1: 1}}, "T003.01": DONE})

    def boom(conn, file_id, pf):
        raise RuntimeError("crash after the source_files insert")

    monkeypatch.setattr(store, "_insert_reports", boom)
    with pytest.raises(RuntimeError):
        ingest_files([path], plan=plan, store=db)
    for table in ("source_files", "reports", "actual_values"):
        assert _count(db, table) == 0
    assert not (db.parent / "archive").exists()  # the folders it made are gone too


def test_as_of_override_is_stored(db, plan, report):
    ingest_files([report("2023Q1", {"T110.01": DONE})], plan=plan, store=db, as_of="2023-04-10")
    progress = load_progress(db, plan=plan)
    assert progress["as_of_date"].tolist() == [pd.Timestamp("2023-04-10")]


# -- loading ------------------------------------------------------------------------------


def test_load_progress_latest_as_of(db, plan, report):
    q1 = report("2023Q1", {"T110.01": {"status": "推进中", "values": {1: 9000}}, "T003.01": DONE})
    q2 = report("2023Q2", {"T110.01": {**DONE, "completed_date": dt.date(2023, 4, 2)}})
    ingest_files([q2, q1], plan=plan, store=db)  # ingestion order must not matter across dates
    latest = load_progress(db, plan=plan).set_index("milestone_id")
    assert latest.loc["T110.01", "status"] == "done"
    assert latest.loc["T110.01", "completed_date"] == pd.Timestamp("2023-04-02")
    assert latest.loc["T003.01", "status"] == "done"
    march = load_progress(db, plan=plan, as_of="2023-03-31").set_index("milestone_id")
    assert march.loc["T110.01", "status"] == "in_progress"
    assert march.loc["T110.01", "actual_1"] == 9000
    assert load_progress(db, plan=plan, as_of="2023-03-30").empty
    history = load_progress_history(db, plan=plan)
    assert len(history) == 3
    assert history.loc[history["milestone_id"] == "T110.01", "quarter"].tolist() == [
        "2023Q1",
        "2023Q2",
    ]


def test_corrected_file_for_same_quarter_wins(db, plan, report):
    first = report("2023Q1", {"T110.01": {"status": "滞后"}}, name="first.xlsx")
    ingest_files([first], plan=plan, store=db)
    fixed = report("2023Q1", {"T110.01": DONE}, name="fixed.xlsx")
    ingest_files([fixed], plan=plan, store=db)
    latest = load_progress(db, plan=plan)
    assert latest["status"].tolist() == ["done"]
    assert latest["source_file"].tolist() == ["fixed.xlsx"]
    assert len(load_progress_history(db, plan=plan)) == 2


def test_load_progress_columns_and_types(db, plan, report):
    path = report("2023Q4", {"T024.01": {"status": "推进中", "values": {1: 300, 8: 2.5}}})
    ingest_files([path], plan=plan, store=db)
    frame = load_progress(db, plan=plan)
    assert list(frame.columns) == [
        *store.PROGRESS_COLUMNS[:7],
        *[f"actual_{n}" for n in range(1, 9)],
        *store.PROGRESS_COLUMNS[7:],
    ]
    row = frame.iloc[0]
    assert row["actual_1"] == 300 and row["actual_8"] == 2.5 and pd.isna(row["actual_2"])
    assert frame["is_synthetic"].dtype == bool and not row["is_synthetic"]
    assert pd.api.types.is_datetime64_any_dtype(frame["as_of_date"])
    assert str(frame["ingested_at"].dt.tz) == "UTC"


def test_load_from_missing_store_is_empty_and_creates_nothing(db, plan):
    frame = load_progress(db, plan=plan)
    assert frame.empty and "milestone_id" in frame.columns
    assert load_progress_history(db, plan=plan).empty
    assert not db.exists()
