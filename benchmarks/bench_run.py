"""The quarterly run's speed, against a naive papermill + nbconvert loop measured in the same run.

Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_run.py [--repeat N] [--workers W]``.
Goals (issue 16): the whole quarter in at most 20 s, at least 50x the naive loop per briefing, a
quarter folder of at most 8 MB. Numbers, and how they were measured: ``docs/speed.md``.

Builds demo progress into a temporary store once, then:

1. runs ``run_quarter`` ``--repeat`` times into temporary folders and prints the median of the
   whole quarter's wall time, the time to the first page, the per-briefing marginal cost (the
   time between the first and the last page, per page after the first) and the folder's size;
2. runs a fixed sample of :data:`SAMPLE` briefings the naive way, each with the ``papermill``
   command (a new kernel, per-cell saves) then ``jupyter nbconvert --to html`` (a new process
   and exporter), and prints the ratio of its seconds per briefing to the run's;
3. measures the imports a kernel pays (kernel ready -> the notebooks' first import cell done)
   with and without :func:`taskanalytics.runner.skip_rfc3987_syntax`'s guard.

On a machine shared with other work the numbers move by 10-20 %: compare runs made back to back.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from taskanalytics import config, read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.progress.demo import build_demo_progress
from taskanalytics.quarterly import quarterly_briefings, run_quarter

GOAL_S = 20.0
GOAL_RATIO = 50.0
GOAL_MB = 8.0
QUARTER = "2023Q2"
#: The naive loop's briefings: the first of each kind of :func:`quarterly_briefings` (group and
#: whether it has a key): overview, 督办清单, a unit, a leader, an indicator series, the audit.
SAMPLE = (("overview", False), ("watchlist", False), ("unit", True), ("leader", True),
          ("indicator", True), ("audit", False))  # fmt: skip
#: The first cell every briefing runs after its parameters.
IMPORT_CELL = "from taskanalytics import briefing, charts, config"


def folder_bytes(folder: Path) -> int:
    """Bytes of the files under ``folder`` (a published quarter: a link to its build)."""
    return sum(p.stat().st_size for p in folder.resolve().rglob("*") if p.is_file())


def run_naive(jobs: list, out: Path) -> list[float]:
    """Seconds of each job run by the ``papermill`` and ``jupyter nbconvert`` commands."""
    bin_dir = Path(sys.executable).parent
    seconds = []
    for job in jobs:
        executed = out / f"{job.stem}.ipynb"
        started = time.perf_counter()
        subprocess.run(
            [str(bin_dir / "papermill"), str(config.NOTEBOOKS_DIR / f"{job.notebook}.ipynb"),
             str(executed), "-y", json.dumps(job.parameters, ensure_ascii=False),
             "-k", "python3", "--cwd", str(config.NOTEBOOKS_DIR)],
            check=True, capture_output=True,
        )  # fmt: skip
        subprocess.run(
            [str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input",
             "--template", "offline", f"--TemplateExporter.extra_template_basedirs="
             f"{config.NBTEMPLATES_DIR}", str(executed)],
            check=True, capture_output=True,
        )  # fmt: skip
        seconds.append(time.perf_counter() - started)
    return seconds


def kernel_imports(guarded: bool) -> float:
    """Seconds from a ready kernel to the end of the briefings' import cell."""
    from jupyter_client.manager import KernelManager

    from taskanalytics.runner import shared_kernel

    def timed(manager) -> float:
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            started = time.perf_counter()
            reply = client.execute_interactive(IMPORT_CELL, timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
            return time.perf_counter() - started
        finally:
            client.stop_channels()

    if guarded:
        with shared_kernel() as manager:
            return timed(manager)
    with tempfile.TemporaryDirectory() as sockets:  # as shared_kernel, without the guard
        manager = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k")
        manager.start_kernel(cwd=str(config.NOTEBOOKS_DIR))
        try:
            return timed(manager)
        finally:
            manager.shutdown_kernel(now=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive loop")
    args = parser.parse_args()
    workers = args.workers or os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        store = root / "progress.sqlite"
        plan = read_plan(DEFAULT_PLAN_PATH)
        build_demo_progress(plan, store=store)
        walls, firsts, marginals, sizes, results = [], [], [], [], []
        for i in range(args.repeat):
            started = time.perf_counter()
            result = run_quarter(
                QUARTER, store=store, out_dir=root / f"reports{i}", workers=workers
            )
            walls.append(time.perf_counter() - started)
            done = sorted(result.timings["done_s"])
            lead = result.seconds - done[-1]  # checks and snapshot before, index after
            firsts.append(done[0])
            marginals.append((done[-1] - done[0]) / max(1, len(done) - 1))
            sizes.append(folder_bytes(result.out_dir) / 1e6)
            results.append(result)
            print(f"  run {i + 1}: {walls[-1]:.1f} s, first page {firsts[-1]:.1f} s, "
                  f"{marginals[-1]:.2f} s/briefing, {sizes[-1]:.1f} MB, "
                  f"index/publish {lead:.1f} s", flush=True)  # fmt: skip
        n = len(results[0].briefings)
        wall, first = statistics.median(walls), statistics.median(firsts)
        marginal = statistics.median(marginals)
        per_briefing = wall / n
        print(
            f"quarterly run {QUARTER}: {n} briefings, {workers} kernel(s), {args.repeat} runs\n"
            f"  whole quarter      median {wall:5.1f} s (min {min(walls):.1f}, max "
            f"{max(walls):.1f})  goal {GOAL_S:.0f} s  median/goal = {wall / GOAL_S:.2f}\n"
            f"  time to first page median {first:5.1f} s\n"
            f"  marginal cost      median {marginal:5.2f} s a briefing (first to last page)\n"
            f"  average cost       {per_briefing:5.2f} s a briefing (whole quarter / {n})\n"
            f"  quarter folder     median {statistics.median(sizes):5.1f} MB  goal "
            f"{GOAL_MB:.0f} MB"
        )
        t = results[walls.index(sorted(walls)[len(walls) // 2])].timings
        by_kind = t.groupby("notebook")["execute_s"].median().round(2).to_dict()
        print(f"  median execution by notebook: {by_kind}")
        print(f"  export: median {t['export_s'].median():.3f} s a page (its own process)")
        if not args.no_naive:
            every = quarterly_briefings(plan, QUARTER, store=store)
            jobs = [
                next(b for b in every if b.group == group and (b.key is not None) == keyed)
                for group, keyed in SAMPLE
            ]
            naive_dir = root / "naive"
            naive_dir.mkdir()
            naive = run_naive(jobs, naive_dir)
            per_naive = statistics.mean(naive)
            print(
                f"naive loop (papermill + jupyter nbconvert commands), {len(jobs)} briefings: "
                f"{per_naive:.1f} s a briefing (median {statistics.median(naive):.1f})\n"
                f"  ratio naive / run: {per_naive / per_briefing:.0f}x per briefing on average, "
                f"{per_naive / marginal:.0f}x at the margin  goal {GOAL_RATIO:.0f}x"
            )
    with_guard = statistics.median(kernel_imports(True) for _ in range(3))
    without = statistics.median(kernel_imports(False) for _ in range(3))
    print(
        f"kernel imports (ready -> {IMPORT_CELL!r} done), median of 3: "
        f"{with_guard:.2f} s with the rfc3987_syntax guard, {without:.2f} s without"
    )


if __name__ == "__main__":
    main()
