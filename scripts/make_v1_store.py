"""Make tests/data/store_v1: a schema-v1 progress store written by the code before plans existed.

The store must come from the *old* code (commit 1369302, the last one before the store knew
plans), so this script imports whatever ``taskanalytics`` is on ``PYTHONPATH`` and refuses to run
against the current package::

    mkdir -p /tmp/s12/v1tree
    git archive 1369302 | tar -x -C /tmp/s12/v1tree
    PYTHONPATH=/tmp/s12/v1tree .venv/bin/python scripts/make_v1_store.py

It writes, into ``tests/data/store_v1/`` (or the folder given as the first argument, which must
not hold a store yet):

- ``progress.sqlite``: the bundled seed plan's 2023Q1 and 2023Q2 demo reports (the old
  ``demo_report`` and ``fill_template``, seed 7) of four lead units only (:data:`UNITS`), to keep
  the fixture small, ingested with the old ``ingest_files``; the WAL is checkpointed into the
  file, so it is self-contained (no ``-wal``/``-shm`` files; its header still says WAL mode, as
  every store the old code made does);
- ``archive/``: the accepted files, as the old store archived them;
- ``expected_history.csv``: what the old ``load_progress_history(store)`` returned for it, for
  the migration test to compare with.

The filled templates are made in a temporary folder and not kept.
"""

from __future__ import annotations

import inspect
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

import taskanalytics
from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress import store as old_store
from taskanalytics.progress.demo import demo_report, fill_template
from taskanalytics.progress.templates import write_templates

#: The commit whose code this script must run as.
COMMIT = "1369302"
#: The lead units whose reports the fixture holds: 财政局 (T003, T110 化解政府性债务),
#: 生态环境分局 (T080), 营商局 (T012 and the 民生实事 L03), 教育局 (L02, led jointly).
UNITS = ("财政局", "生态环境分局", "营商局", "教育局")
QUARTERS = ("2023Q1", "2023Q2")
SEED = 7

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "store_v1"


def _check_old_code() -> None:
    """Refuse to run with the current package: the fixture must be the old code's."""
    if "plans" in inspect.signature(old_store.open_store).parameters or hasattr(
        old_store, "register_plan"
    ):
        sys.exit(
            f"{taskanalytics.__file__} is the current taskanalytics; run with "
            f"PYTHONPATH=<git archive {COMMIT}> (see this script's docstring)"
        )


def make_v1_store(out: Path) -> tuple[Path, int, int]:
    """Build the fixture in ``out``; return the store's path, its files and its reports."""
    db = out / "progress.sqlite"
    if db.exists():
        sys.exit(f"{db} exists; remove the folder's store and archive first")
    plan = read_plan(DEFAULT_PLAN_PATH)
    milestones = plan.milestones.to_dict("records")
    store = old_store.open_store(db)
    with tempfile.TemporaryDirectory() as tmp:
        for quarter in QUARTERS:
            paths = write_templates(plan, quarter, Path(tmp) / quarter, units=UNITS)
            reports = {
                m["milestone_id"]: report
                for m in milestones
                if (report := demo_report(plan, m, quarter, seed=SEED)) is not None
            }
            for path in paths:
                fill_template(path, path, reports)
            old_store.ingest_files(paths, plan=plan, store=store)
    history = old_store.load_progress_history(store)
    history.to_csv(out / "expected_history.csv", index=False)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # the last connection closed: SQLite removes the (empty) -wal and the -shm
    left = [p.name for p in out.iterdir() if p.name.endswith(("-wal", "-shm"))]
    if left:
        sys.exit(f"{out}: {left} left behind; the store is not self-contained")
    return db, history["sha256"].nunique(), len(history)


def main() -> None:
    _check_old_code()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    db, files, reports = make_v1_store(out)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{db}: {files} files, {reports} reports, {size / 1024:.0f} KB in {out}")
    print(f"made with {taskanalytics.__file__}")


if __name__ == "__main__":
    main()
