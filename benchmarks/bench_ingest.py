"""Median time to ingest one quarter of unit reports (one filled template per lead unit).

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_ingest.py [--repeat N]``.
The files are the demo's (real templates filled with openpyxl); each repetition ingests them into
a fresh store in a temporary folder, so every run does the full work (validate, archive, write).
Also measured: writing the quarter's templates, validating alone, and ``load_progress``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress.demo import demo_report, fill_template
from taskanalytics.progress.intake import read_progress_file
from taskanalytics.progress.store import ingest_files, load_progress
from taskanalytics.progress.templates import write_templates

QUARTER = "2023Q2"


def measure(func: Callable[[int], object], repeat: int) -> list[float]:
    """Run ``func(i)`` ``repeat`` times after one warm-up; return wall-clock seconds."""
    func(-1)
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        func(i)
        times.append(time.perf_counter() - start)
    return times


#: Issue 3's goal: a whole quarter's files for the seed ingested in under 2 s.
GOAL_S = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plan = read_plan(DEFAULT_PLAN_PATH)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        inbox = root / "inbox"
        paths = write_templates(plan, QUARTER, inbox)
        reports = {
            m["milestone_id"]: r
            for m in plan.milestones.to_dict("records")
            if (r := demo_report(plan, m, QUARTER)) is not None
        }
        for path in paths:
            fill_template(path, path, reports)
        print(
            f"{len(paths)} unit files for {QUARTER} (every lead unit with something due; the seed "
            f"has {len(paths)}, not 40), {len(reports)} milestone reports prepared"
        )

        def ingest(i: int) -> None:
            ingest_files(paths, plan=plan, store=root / f"store{i}" / "progress.sqlite")

        def templates(i: int) -> None:
            write_templates(plan, QUARTER, root / f"templates{i}")

        def validate(i: int) -> None:
            for path in paths:
                read_progress_file(path, plan=plan)

        loaded = root / "loaded" / "progress.sqlite"
        ingest_files(paths, plan=plan, store=loaded)

        for name, func in (
            (f"ingest_files({len(paths)} files, fresh store)", ingest),
            ("  of which read_progress_file (validation)", validate),
            (f"write_templates({QUARTER})", templates),
            ("load_progress(store)", lambda i: load_progress(loaded, plan=plan)),
        ):
            times = measure(func, args.repeat)
            med = statistics.median(times)
            goal = f"  median/goal(2 s) = {med / GOAL_S:.2f}" if name.startswith("ingest") else ""
            print(
                f"{name:45s} median {med:7.3f} s  min {min(times):7.3f} s  "
                f"max {max(times):7.3f} s  ({args.repeat} runs){goal}"
            )


if __name__ == "__main__":
    main()
