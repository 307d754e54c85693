"""Synthetic progress for demos: fill the real templates and ingest them through the real path.

Nothing here is real data. Every file is marked 示例数据 = 是 on its 说明 sheet, so the store flags
it ``is_synthetic`` and briefings can say so.

A few lead units send nothing each quarter (:func:`silent_units`), and two indicators follow a
scripted storyline (:data:`SCRIPTED_RATIOS`). Each milestone gets one fate, drawn from ``random.Random(f"{seed}:{milestone_id}")``: finished
on time (70%), finished late (15%) or not finished this year (15%). Its status at each quarter end
follows from that fate, so quarters are consistent with one another (done stays done). The same
plan and seed give byte-identical files, hence the same SHA-256s: running the demo twice on one
store ingests nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.store import IngestResult, ProgressStore, ingest_files, open_store
from taskanalytics.progress.templates import (
    PlanLike,
    lead_units,
    save_workbook,
    template_rows,
    unit_or_none,
    write_templates,
)
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = ["DEMO_QUARTERS", "build_demo_progress", "demo_report", "fill_template"]

#: Quarters filled by default: the whole plan year, as labels.
DEMO_QUARTERS: tuple[str, ...] = tuple(q.label for q in Quarter.of_year(2023))

#: Units that send nothing in a quarter: this many, drawn per (seed, quarter).
SILENT_UNITS_PER_QUARTER = 2

#: Scripted storylines for the indicators readers look at first: (metric, quarter) -> actual as
#: a share of the target of the milestone due that quarter; quarter None: every other quarter,
#: and the level a milestone has reached when reported again after its quarter.
#: 化解政府性债务 falls slightly behind in Q2 and catches up in Q3; 回迁安置 runs ahead all year.
SCRIPTED_RATIOS: dict[tuple[str, str | None], float] = {
    ("化解政府性债务", None): 1.01,
    ("化解政府性债务", "2023Q2"): 0.94,
    ("回迁安置", None): 1.08,
}

_NOTES = {
    "done": ("已按期完成。", "已完成，相关材料已归档。", "提前完成节点任务。"),
    "in_progress": ("正在按计划推进。", "已完成前期准备，正在组织实施。", "进展顺利，按月调度。"),
    "not_started": ("尚未到启动时间。", "正在做前期准备。"),
    "late": ("受资金到位影响，进度滞后，正加快推进。", "手续办理滞后，已协调相关部门。"),
}


def _fate(seed: int, milestone_id: str, due: dt.date) -> dt.date | None:
    rng = random.Random(f"{seed}:{milestone_id}")
    draw = rng.random()
    if draw < 0.70:
        finished = due - dt.timedelta(days=rng.randint(0, 30))
    elif draw < 0.85:
        finished = due + dt.timedelta(days=rng.randint(10, 80))
    else:
        return None
    first = dt.date(due.year, 1, 2)
    return max(finished, first) if finished.year == due.year else None


def targets_by_milestone(plan: PlanLike) -> dict[str, list[dict[str, Any]]]:
    """The plan's targets as records, grouped by milestone id (for :func:`demo_report`)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in plan.targets.to_dict("records"):
        grouped.setdefault(str(record["milestone_id"]), []).append(record)
    return grouped


def demo_report(
    plan: PlanLike,
    milestone: Mapping[str, Any],
    quarter: QuarterLike,
    *,
    seed: int = 7,
    targets: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any] | None:
    """Return the synthetic report of one milestone at a quarter end, or None (not reported).

    Parameters
    ----------
    plan
        The plan (for the milestone's targets); not modified.
    milestone
        A row of ``plan.milestones`` (``milestone_id``, ``due_date``, ``due_kind``).
    quarter
        The reporting quarter (a :class:`~taskanalytics.quarters.Quarter` or its label).
    seed
        Random seed; the same seed gives the same report.
    targets
        The milestone's rows of ``plan.targets`` as records, in plan order (from
        :func:`targets_by_milestone`, for many calls); default looked up in the plan.

    Returns
    -------
    dict or None
        ``status`` (a Chinese label, as a unit picks it), ``completed_date`` (date or None),
        ``values`` ({target_no: float}) and ``note``.
    """
    mid = str(milestone["milestone_id"])
    q = Quarter.parse(quarter)
    as_of = q.end
    due_ts = milestone["due_date"]
    due = dt.date(as_of.year, 12, 31) if pd.isna(due_ts) else pd.Timestamp(due_ts).date()
    rng = random.Random(f"{seed}:{mid}:{q.label}")
    if targets is None:
        targets = plan.targets[plan.targets["milestone_id"] == mid].to_dict("records")
    metrics = [t["metric"] for t in targets]
    story = next((m for m in metrics if (m, None) in SCRIPTED_RATIOS), None)
    if rng.random() < 0.05 and story is None:  # storylines are always reported
        return None
    finished = _fate(seed, mid, due)
    if milestone.get("due_kind") == "recurring" and due > as_of:
        # a recurring duty (每月调度, 每季度报表) is reported per period: mostly done this quarter
        if rng.random() < 0.85:
            finished = as_of - dt.timedelta(days=rng.randint(0, 20))
        else:
            finished = None
            due = as_of  # not done this period: behind
    if finished is not None and finished <= as_of:
        status, progress = "done", 1.0
    elif due <= as_of:
        status, progress = "late", rng.uniform(0.5, 0.9)
    elif milestone.get("due_kind") == "recurring" or due - as_of <= dt.timedelta(days=120):
        status, progress = "in_progress", rng.uniform(0.3, 0.8)
    else:
        status, progress = "not_started", 0.0
    due_quarter = Quarter.of_date(due).label
    if story is not None and due <= as_of:
        # The storyline decides: in its due quarter the milestone meets the quarter's scripted
        # share (behind is late); reported again later, it has caught up (done late if it was
        # behind, else done on time).
        ratio_then = SCRIPTED_RATIOS.get((story, due_quarter), SCRIPTED_RATIOS[(story, None)])
        progress = ratio_then if due_quarter == q.label else SCRIPTED_RATIOS[(story, None)]
        status = "done" if progress >= 1 else "late"
        stable = random.Random(f"{seed}:{mid}:done")  # the same date in every later report
        if ratio_then < 1 <= progress:
            finished = min(due + dt.timedelta(days=stable.randint(10, 40)), as_of)
        elif status == "done":
            finished = max(due - dt.timedelta(days=stable.randint(0, 10)), dt.date(due.year, 1, 2))
    scripted = story is not None and due <= as_of
    values = {}
    if progress > 0:
        for t in targets:
            if scripted:
                ratio = progress
            else:
                ratio = progress * (rng.uniform(1.0, 1.15) if status == "done" else 1.0)
            whole = unit_or_none(t["unit"]) not in ("%", "万元", None)
            values[int(t["target_no"])] = round(t["value"] * ratio, 0 if whole else 1)
    return {
        "status": vp.STATUS_LABELS[status],
        "completed_date": finished if status == "done" else None,
        "values": values,
        "note": rng.choice(_NOTES[status]),
    }


def fill_template(
    template: str | Path,
    out_path: str | Path,
    reports: Mapping[str, Mapping[str, Any]],
    *,
    synthetic: bool = True,
) -> Path:
    """Fill a progress template as a unit would, with openpyxl, and save it elsewhere.

    Parameters
    ----------
    template
        A template written by :func:`taskanalytics.progress.templates.write_templates`; not modified.
    out_path
        Where to save the filled copy (may equal ``template`` to fill in place).
    reports
        ``{milestone_id: {"status", "completed_date", "values": {target_no: value}, "note"}}``;
        milestones not in it are left blank.
    synthetic
        Mark the file as demo data (示例数据 = 是).

    Returns
    -------
    pathlib.Path
        ``out_path``.
    """
    wb = load_workbook(template)
    ws = wb[vp.DATA_SHEET]
    header = [c.value for c in ws[1]]
    col = {
        name: header.index(label) + 1 for name, label in vp.ALL_HEADERS.items() if label in header
    }
    for row in range(2, ws.max_row + 1):
        report = reports.get(ws.cell(row, col["milestone_id"]).value)
        if report is None:
            continue
        target_no = ws.cell(row, col["target_no"]).value
        if not ws.cell(row, col["status"]).protection.locked:  # the milestone's first row
            ws.cell(row, col["status"], report["status"])
            ws.cell(row, col["completed_date"], report.get("completed_date"))
            ws.cell(row, col["note"], report.get("note"))
        values = report.get("values", {})
        if target_no in values and not ws.cell(row, col["actual"]).protection.locked:
            ws.cell(row, col["actual"], values[target_no])
    if synthetic:
        readme = wb[vp.README_SHEET]
        for cells in readme.iter_rows(max_col=2):
            if cells[0].value == vp.META_LABELS["is_synthetic"]:
                cells[1].value = vp.YES
    return save_workbook(wb, out_path)


def silent_units(plan: PlanLike, quarter: QuarterLike, *, seed: int = 7) -> set[str]:
    """Return the lead units that send no report in a quarter of the demo (a few, by seed).

    The units with the scripted storylines (化解政府性债务, 回迁安置) always report.
    """
    scripted = set(plan.targets.loc[plan.targets["metric"].isin({m for m, _ in SCRIPTED_RATIOS}),
                                    "task_id"])  # fmt: skip
    keep = {u for units in plan.tasks.loc[plan.tasks["task_id"].isin(scripted), "lead_units"]
            for u in units}  # fmt: skip
    candidates = sorted(u for u in lead_units(plan) if u not in keep)
    rng = random.Random(f"{seed}:silent:{Quarter.parse(quarter).label}")
    # a few: at most one unit in ten, so a small plan is not left silent
    return set(rng.sample(candidates, min(SILENT_UNITS_PER_QUARTER, len(candidates) // 10)))


def build_demo_progress(
    plan: PlanLike,
    *,
    store: ProgressStore | str | Path,
    seed: int = 7,
    quarters: Sequence[QuarterLike] = DEMO_QUARTERS,
    inbox: str | Path | None = None,
) -> IngestResult:
    """Write, fill and ingest synthetic quarterly reports for every lead unit.

    Parameters
    ----------
    plan
        The plan; not modified.
    store
        The progress store (or its path) to ingest into.
    seed
        Random seed; the same plan and seed give byte-identical files.
    quarters
        The quarters to report, oldest first (:class:`~taskanalytics.quarters.Quarter` objects or
        labels).
    inbox
        Folder for the filled files (one sub-folder per quarter); default
        ``<store dir>/demo_inbox/<plan name>``.

    Returns
    -------
    IngestResult
        All quarters' files: ingested, or skipped when already in the store.

    Raises
    ------
    TaskAnalyticsError
        If a quarter is malformed; ``ValidationError`` would mean the demo filled a template
        wrongly (a bug).

    Examples
    --------
    >>> result = build_demo_progress(plan, store=tmp_path / "p.sqlite")  # doctest: +SKIP
    >>> len(result.ingested)  # doctest: +SKIP
    99
    """
    parsed = [Quarter.parse(q) for q in quarters]  # a malformed one fails before any file
    target = store if isinstance(store, ProgressStore) else open_store(store)
    name = plan_identity(plan).name
    base = Path(inbox) if inbox is not None else target.path.parent / "demo_inbox" / name
    milestones = plan.milestones.to_dict("records")
    targets = targets_by_milestone(plan)
    ingested, skipped = [], []
    for quarter in parsed:
        folder = base / quarter.label
        silent = silent_units(plan, quarter, seed=seed)
        units = [
            u for u in lead_units(plan)
            if u not in silent and not template_rows(plan, u, quarter).empty
        ]  # fmt: skip
        paths = write_templates(plan, quarter, folder, units=units, overwrite=True)
        reports = {
            m["milestone_id"]: report
            for m in milestones
            if (
                report := demo_report(
                    plan, m, quarter, seed=seed, targets=targets.get(str(m["milestone_id"]), [])
                )
            )
            is not None
        }
        for path in paths:
            fill_template(path, path, reports)
        result = ingest_files(paths, plan=plan, store=target)
        ingested.extend(result.ingested)
        skipped.extend(result.skipped)
    return IngestResult(tuple(ingested), tuple(skipped))
