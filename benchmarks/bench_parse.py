"""Median time to read_plan the bundled seed document.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_parse.py [--repeat N]``.
Goal: under 50 ms per read (issue 2), ≤ 20 ms (issue 16). Prints the median, the spread and the ratio to the goal.
"""

from __future__ import annotations

import argparse
import statistics
import time

from taskanalytics import audit, read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH

#: read_plan's goal (issue 16); audit keeps issue 2's 50 ms.
GOAL_S = 0.020
AUDIT_GOAL_S = 0.050


def measure(func, repeat: int) -> list[float]:
    func()  # warm-up: imports, regex compilation
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    plan = read_plan(DEFAULT_PLAN_PATH)
    for name, func, goal in (
        ("read_plan(seed)", lambda: read_plan(DEFAULT_PLAN_PATH), GOAL_S),
        ("audit(plan)", lambda: audit(plan), AUDIT_GOAL_S),
    ):
        times = measure(func, args.repeat)
        med = statistics.median(times)
        q1, _, q3 = statistics.quantiles(times, n=4)
        print(
            f"{name:<18} median {med * 1000:7.1f} ms  IQR {q1 * 1000:.1f}-{q3 * 1000:.1f} ms  "
            f"n={args.repeat}  median/goal({goal * 1000:.0f} ms) = {med / goal:.2f}"
        )


if __name__ == "__main__":
    main()
