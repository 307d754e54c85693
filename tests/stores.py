"""The shared test data behind tests/conftest.py: the demo store, its 财政局 correction, copies.

Plain functions and constants, so test modules can import the values their assertions name
(``XSS``) instead of repeating them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: The quarters of demo progress in the shared demo store.
DEMO_QUARTERS = ("2023Q1", "2023Q2")
#: The quarter of the shared quarterly run.
RUN_QUARTER = "2023Q2"
#: A note 财政局 sends in a corrected Q2 report; every page must show it as text.
XSS = "<script>alert(1)</script>"
XSS_MILESTONE = "T110.02"  # 化解政府性债务 by 2023-06-30, led by 财政局
XSS_REPORT = {"status": "滞后", "values": {1: 50000}, "note": XSS}


def build_demo_store(plan: Any, path: Path) -> Path:
    """Two quarters of demo progress for every lead unit of ``plan`` into ``path``."""
    from taskanalytics.progress.demo import build_demo_progress

    build_demo_progress(plan, store=path, quarters=list(DEMO_QUARTERS))
    return path


def fill_unit_reports(
    plan: Any, units: Sequence[str], quarters: Sequence[str], folder: Path
) -> list[Path]:
    """Demo reports of a few lead units, filled as :func:`build_demo_progress` fills them.

    The templates of ``units`` (those with something to report in the quarter) for each quarter,
    filled with the demo's :func:`~taskanalytics.progress.demo.demo_report`, in
    ``folder/<quarter>/``; nothing is ingested, so the same files can go to several stores.
    A small store for tests that need real files but not all 99 of the demo.
    """
    from taskanalytics.progress.demo import demo_report, fill_template, targets_by_milestone
    from taskanalytics.progress.templates import template_rows, write_templates

    led = plan.tasks.loc[plan.tasks["lead_units"].map(lambda us: bool(set(us) & set(units)))]
    # the demo's reports of these units' milestones only (each is drawn on its own)
    milestones = plan.milestones[plan.milestones["task_id"].isin(led["task_id"])]
    paths: list[Path] = []
    targets = targets_by_milestone(plan)
    for quarter in quarters:
        reports = {
            m["milestone_id"]: report
            for m in milestones.to_dict("records")
            if (report := demo_report(plan, m, quarter, targets=targets.get(m["milestone_id"], [])))
            is not None
        }
        due = [u for u in units if not template_rows(plan, u, quarter).empty]
        for path in write_templates(plan, quarter, folder / quarter, units=due, overwrite=True):
            paths.append(fill_template(path, path, reports))
    return paths


def add_xss_correction(plan: Any, store: Path, folder: Path) -> Path:
    """Ingest 财政局's corrected Q2 report whose note is :data:`XSS`; return the filled file."""
    from taskanalytics.progress.demo import fill_template
    from taskanalytics.progress.store import ingest_files
    from taskanalytics.progress.templates import write_template

    template = write_template(plan, "财政局", RUN_QUARTER, folder)
    filled = fill_template(template, folder / "财政局_更正.xlsx", {XSS_MILESTONE: XSS_REPORT})
    ingest_files([filled], plan=plan, store=store)
    return filled


def copy_store(src: Path, dst: Path) -> Path:
    """Copy a (WAL-mode) SQLite store with the backup API, so no committed page is missed."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(src)) as source, closing(sqlite3.connect(dst)) as target:
        source.backup(target)
    return dst


def store_digest(path: Path) -> str:
    """SHA-256 of the store's SQL dump: its content, whatever the WAL/checkpoint state."""
    with closing(sqlite3.connect(path)) as conn:
        dump = "\n".join(conn.iterdump())
    return hashlib.sha256(dump.encode("utf-8")).hexdigest()


def tree_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def built_once(basetemp: Path, name: str, build: Callable[[Path], T]) -> T:
    """Build a session's shared data once, even when pytest-xdist runs several workers.

    Under xdist (``make test``) every worker has its own ``basetemp`` in one session folder;
    the first worker to ask builds into ``<session>/shared-<name>/`` under an exclusive lock
    and pickles the result, the others wait for the lock and read it. Without xdist it is a
    plain build in ``basetemp``. The data is read-only for the tests, as before.

    Parameters
    ----------
    basetemp
        ``tmp_path_factory.getbasetemp()``.
    name
        The data's name (a folder and lock file name).
    build
        Makes the data in the empty folder it is given; returns what the fixture yields
        (picklable).
    """
    root = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    folder = root / f"shared-{name}"
    done = folder / ".result.pickle"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.is_file():
            return pickle.loads(done.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # what a failed build of another worker left
        folder.mkdir()
        result = build(folder)
        done.write_bytes(pickle.dumps(result))
        return result
