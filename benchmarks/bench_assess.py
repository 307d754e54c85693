"""Median time (and peak memory) of the quarterly assessment.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_assess.py [--repeat N]
[--districts N] [--years N]``.

- **seed**: ``assess_all`` of 2023Q1..Q4 on the bundled plan with the demo's progress (real
  templates filled and ingested into a temporary store, then ``load_progress_history``);
  goal < 100 ms. ``assess`` of one quarter is shown too.
- **scaled**: the seed plan replicated for 300 districts x 3 years (ids and unit names prefixed by
  district and year, dates shifted by year), every milestone reported at each quarter end of its
  year: ~417k milestones, ~1.7M reports. ``assess`` of the last quarter (red streaks assess all
  12 quarter ends) and ``assess_all`` of the last year's four quarters; goal < 5 s and < 2 GB
  for ``assess``, ≤ 3 s and ≤ 1 GB for ``assess_all`` (issue 16).
  Memory is the peak of Python allocations during the call (tracemalloc, which numpy and pandas
  report to), measured in a separate run.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from taskanalytics import assess, assess_all, read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.plan.build import Plan
from taskanalytics.progress.demo import build_demo_progress
from taskanalytics.progress.store import load_progress_history

SEED_GOAL_S = 0.100
SCALED_GOAL_S = 5.0
SCALED_GOAL_BYTES = 2 * 1024**3
#: Issue 16's goals for the scaled ``assess_all``.
SCALED_ALL_GOAL_S = 3.0
SCALED_ALL_GOAL_BYTES = 1024**3


def measure(func: Callable[[], object], repeat: int) -> list[float]:
    """Run ``func`` ``repeat`` times after one warm-up; return wall-clock seconds."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def peak_bytes(func: Callable[[], object]) -> int:
    """Peak traced allocation while ``func`` runs."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def report(name: str, times: list[float], goal: float | None = None) -> None:
    med = statistics.median(times)
    ratio = f"  {med / goal:5.2f} x goal {goal * 1000:.0f} ms" if goal else ""
    print(
        f"{name:44s} median {med * 1000:8.1f} ms  min {min(times) * 1000:8.1f}  "
        f"max {max(times) * 1000:8.1f} ms  ({len(times)} runs){ratio}"
    )


def scaled_plan(plan: Plan, districts: int, years: int) -> Plan:
    """Replicate the plan per district and year; ids and units get a ``D{d}Y{y}-`` prefix."""
    copies = [(d, y) for d in range(districts) for y in range(years)]

    def replicate(frame: pd.DataFrame, id_cols: list[str], date_cols: list[str]) -> pd.DataFrame:
        n = len(frame)
        big = frame.iloc[np.tile(np.arange(n), len(copies))].reset_index(drop=True)
        d = np.repeat([c[0] for c in copies], n)
        y = np.repeat([c[1] for c in copies], n)
        prefix = pd.Series([f"D{a}Y{b}-" for a, b in zip(d, y, strict=True)])
        for col in id_cols:
            big[col] = prefix + big[col].astype(str)
        for col in date_cols:
            big[col] = big[col] + pd.to_timedelta(365 * y, unit="D")
        return big

    tasks = replicate(plan.tasks, ["task_id"], ["deadline"])
    district = tasks["task_id"].str.split("Y", n=1).str[0]
    tasks["lead_units"] = [
        [f"{dd}{u}" for u in units] for dd, units in zip(district, tasks["lead_units"], strict=True)
    ]
    milestones = replicate(plan.milestones, ["milestone_id", "task_id"], ["due_date"])
    # 365-day shifts keep every date inside its year for 2024 (leap) and 2025
    milestones["quarter"] = milestones["due_date"].dt.to_period("Q").astype(str)
    targets = replicate(plan.targets, ["milestone_id", "task_id"], [])
    return dataclasses.replace(plan, tasks=tasks, milestones=milestones, targets=targets)


def scaled_progress(plan: Plan, seed: int = 7) -> pd.DataFrame:
    """One report per milestone per quarter end of its year, vectorized (no Excel)."""
    rng = np.random.default_rng(seed)
    ms = plan.milestones
    due = ms["due_date"].to_numpy().astype("datetime64[D]")
    year = due.astype("datetime64[Y]")
    n = len(ms)
    ends = np.stack(
        [
            ((year + 0).astype("datetime64[M]") + m).astype("datetime64[D]") - 1
            for m in (3, 6, 9, 12)
        ],
        axis=1,
    )  # n x 4 quarter ends
    fate = rng.random(n)
    finish = due - rng.integers(0, 30, n).astype("timedelta64[D]")
    finish = np.where(fate < 0.85, finish, due + rng.integers(10, 80, n).astype("timedelta64[D]"))
    never = fate > 0.93
    as_of = ends.ravel()
    ms_idx = np.repeat(np.arange(n), 4)
    done = ~never[ms_idx] & (finish[ms_idx] <= as_of)
    late = ~done & (due[ms_idx] <= as_of)
    status = np.where(done, "done", np.where(late, "late", "in_progress"))
    frame = pd.DataFrame(
        {
            "milestone_id": ms["milestone_id"].to_numpy()[ms_idx],
            "task_id": ms["task_id"].to_numpy()[ms_idx],
            "unit": "unit",
            "as_of_date": as_of.astype("datetime64[ns]"),
            "status": status,
            "completed_date": np.where(done, finish[ms_idx], np.datetime64("NaT")).astype(
                "datetime64[ns]"
            ),
            "note": np.where(late, "进度滞后", None),
            "ingested_at": pd.Timestamp("2026-01-01", tz="UTC"),
        }
    )
    keep = rng.random(len(frame)) > 0.05  # some reports missing
    frame = frame[keep].reset_index(drop=True)
    t = plan.targets
    for k in range(1, int(t["target_no"].max()) + 1):
        sub = t[t["target_no"] == k]
        value = pd.Series(sub["value"].to_numpy(), index=sub["milestone_id"].to_numpy())
        noise = rng.uniform(0.8, 1.15, len(frame))
        frame[f"actual_{k}"] = frame["milestone_id"].map(value).to_numpy(dtype=float) * noise
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--scaled-repeat", type=int, default=5)
    parser.add_argument("--districts", type=int, default=300)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()

    plan = read_plan(DEFAULT_PLAN_PATH)
    quarters = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "progress.sqlite"
        build_demo_progress(plan, store=db, quarters=quarters)
        history = load_progress_history(db, plan=plan)
    print(f"seed: {len(plan.milestones)} milestones, {len(history)} reports")
    report(
        "seed assess_all(2023Q1..Q4)",
        measure(lambda: assess_all(plan, history, quarters), args.repeat),
        SEED_GOAL_S,
    )
    report("seed assess(2023Q2)", measure(lambda: assess(plan, history, "2023Q2"), args.repeat))

    big = scaled_plan(plan, args.districts, args.years)
    progress = scaled_progress(big)
    last_year = 2023 + args.years - 1
    print(
        f"scaled: {args.districts} districts x {args.years} years: {len(big.milestones):,} "
        f"milestones, {len(big.targets):,} targets, {len(progress):,} reports"
    )
    runs: list[tuple[str, Callable[[], object], float, int]] = [
        (
            f"scaled assess({last_year}Q4)",
            lambda: assess(big, progress, f"{last_year}Q4"),
            SCALED_GOAL_S,
            SCALED_GOAL_BYTES,
        ),
        (
            f"scaled assess_all({last_year}Q1..Q4)",
            lambda: assess_all(big, progress, [f"{last_year}Q{q}" for q in range(1, 5)]),
            SCALED_ALL_GOAL_S,
            SCALED_ALL_GOAL_BYTES,
        ),
    ]
    for name, func, goal_s, goal_bytes in runs:
        report(name, measure(func, args.scaled_repeat), goal_s)
        peak = peak_bytes(func)
        print(
            f"{'  peak memory (tracemalloc)':52s} {peak / 1024**2:9.0f} MB  "
            f"{peak / goal_bytes:5.2f} x goal {goal_bytes / 1024**3:g} GB"
        )


if __name__ == "__main__":
    main()
