"""Wall time of the full quarterly run, the marginal seconds per briefing, and where time goes.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_run.py [--repeat N] [--workers W]``.
Goal (issue 5): the whole quarter (about 50 briefings) in under 90 s on this 2-core machine.

Builds demo progress into a temporary store once, then runs ``run_quarter`` ``--repeat`` times
into temporary folders. Prints the median wall time and its ratio to the goal, and splits a run
into kernel start, the first notebook of each kernel (which pays the imports), the other
notebooks' execution, and the HTML export.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress.demo import build_demo_progress
from taskanalytics.quarterly import run_quarter

GOAL_S = 90.0
QUARTER = "2023Q2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = root / "progress.sqlite"
        build_demo_progress(read_plan(DEFAULT_PLAN_PATH), store=store)
        walls, results = [], []
        for i in range(args.repeat):
            started = time.perf_counter()
            result = run_quarter(
                QUARTER, store=store, out_dir=root / f"reports{i}", workers=args.workers
            )
            walls.append(time.perf_counter() - started)
            results.append(result)
    n = len(results[0].briefings)
    med = statistics.median(walls)
    print(
        f"quarterly run {QUARTER}: {n} briefings, {args.workers} worker(s), {args.repeat} runs: "
        f"median {med:.1f} s (min {min(walls):.1f}, max {max(walls):.1f})  "
        f"median/goal(90 s) = {med / GOAL_S:.2f}"
    )
    t = results[walls.index(sorted(walls)[len(walls) // 2])].timings
    rest = t[~t["first_in_kernel"]]
    first = t[t["first_in_kernel"]]
    per = rest["execute_s"] + rest["export_s"]
    print(
        f"marginal seconds per extra briefing (execute + export, one kernel): "
        f"median {per.median():.2f} s -> with {args.workers} kernels about "
        f"{per.median() / args.workers:.2f} s of wall time"
    )
    starts = results[0].kernel_start_s
    print("where the time goes (summed over workers, one run):")
    print(f"  kernel start            {sum(starts):6.1f} s  ({len(starts)} kernels)")
    print(f"  first notebook/kernel   {first['execute_s'].sum():6.1f} s  (imports + execution)")
    print(f"  execution, the others   {rest['execute_s'].sum():6.1f} s  "
          f"(median {rest['execute_s'].median():.2f} s)")  # fmt: skip
    print(f"  HTML export             {t['export_s'].sum():6.1f} s  "
          f"(median {t['export_s'].median():.2f} s)")  # fmt: skip
    by_group = t.groupby("group")["execute_s"].median().round(2).to_dict()
    print(f"  median execution by briefing kind: {by_group}")


if __name__ == "__main__":
    main()
