"""A hostile plan and store for the security tests: every text field an attacker controls.

The seed plan with string edits (``plans.seed_text``): a plan author puts formula and script
injection into task titles, a milestone (hence a metric), unit and leader names and the
document title; unit clerks put them into notes and the names of the files they send.
The same edits applied to the seed rolled to 2024 give next year's plan, so the 与上年对比 section
compares the hostile metric and shows last year's hostile document title. Two hostile units report 2023Q1..Q4 and 2024Q1 (the demo's
reports, with hostile notes in 2023Q2), which keeps the store at a few seconds.

Every payload is both a formula (starts with ``=``, ``+``, ``-`` or ``@``) and, where it fits,
markup (``<script>``, an ``onerror``/``onload`` handler, an attribute break-out ``">``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from plans import _replace_once, seed_text, write_plan, year_text

from taskanalytics import read_plan
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import demo_report, fill_template, targets_by_milestone
from taskanalytics.progress.store import ingest_files
from taskanalytics.progress.templates import save_workbook, write_templates

__all__ = [
    "FILES",
    "FORMULAS",
    "LEADER",
    "MILESTONE",
    "NOTES",
    "SCRIPTS",
    "TITLES",
    "UNITS",
    "Hostile",
    "PLAN_NAME",
    "build_hostile",
    "hostile_text",
]

#: Formula injection (OWASP): DDE, a sum, arithmetic, an @-function.
FORMULAS = ("=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)")
#: Script and event-handler injection, and an attribute break-out (no spaces: names lose them).
SCRIPTS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg/onload=alert(1)>')

#: The two lead units renamed: 财政局 of T110 (化解政府性债务) and 财政局 of T111.
UNITS = (FORMULAS[0], FORMULAS[3] + SCRIPTS[1])
#: T110's leader (分管领导).
LEADER = FORMULAS[2] + SCRIPTS[2]
#: Task titles: task id -> title.
TITLES = {
    "T110": f"{FORMULAS[0]} {SCRIPTS[0]}",
    "T111": f"{FORMULAS[3]}{SCRIPTS[1]}强化底线思维",
    "T003": f"{FORMULAS[1]} 一般公共预算收入增长17.5%",
}
#: T110.02's text: a formula at the start, a break-out before the metric (so the metric too;
#: T110's other three milestones get the break-out as well, so the metric is a series).
MILESTONE = ("T110.02", f"{FORMULAS[2]} 6月底前，{SCRIPTS[2]}化解政府性债务63422万元")
#: The document's title line gets a script.
DOC_TITLE_SUFFIX = SCRIPTS[0]
#: 2023Q2 notes: milestone -> (status or None to keep the demo's, note, values or None).
NOTES: dict[str, tuple[str | None, str, dict[int, float] | None]] = {
    "T110.01": (None, f"{FORMULAS[0]} {SCRIPTS[0]}", None),
    "T110.02": (vp.STATUS_LABELS["late"], f"{FORMULAS[1]} {SCRIPTS[1]}", {1: 50000.0}),
    "T111.02": (vp.STATUS_LABELS["late"], f"{FORMULAS[2]} {SCRIPTS[2]}", None),
    "T111.03": (vp.STATUS_LABELS["late"], FORMULAS[3], None),
}
#: The names of the files the two units send for 2023Q2 (the rest keep the template's name);
#: a file name cannot hold ``/``, so the break-out there has a space.
FILES = {UNITS[0]: f"=1+1 {SCRIPTS[1]}.xlsx", UNITS[1]: '"><svg onload=alert(1)>.xlsx'}

_UNIT_T110 = (
    "\t12月31日\n\t财政局\n\t\n\t祝美娟\n\n\t五\n坚持以人为本，持续增进民生福祉\n\t（四）\n"
    "筑牢安全发展底线\n\t111."
)
_UNIT_T111 = "\t12月31日\n\t财政局\n\t\n\t祝美娟\n\n\t\n\t\n\t112."


def _edits() -> list[tuple[str, str]]:
    return [
        ("110.稳妥化解政府存量债务，坚决遏制新增隐性债务。", f"110.{TITLES['T110']}"),
        ("111.强化底线思维", f"111.{TITLES['T111']}"),
        ("3.一般公共预算收入增长17.5%", f"3.{TITLES['T003']}"),
        (
            "（1）3月底前，化解政府性债务17501万元；",
            f"（1）3月底前，{SCRIPTS[2]}化解政府性债务17501万元；",
        ),
        ("（2）6月底前，化解政府性债务63422万元；", f"（2）{MILESTONE[1]}；"),
        (
            "（3）9月底前，化解政府性债务68863万元；",
            f"（3）9月底前，{SCRIPTS[2]}化解政府性债务68863万元；",
        ),
        (
            "（4）12月底前，化解政府性债务70289万元。",
            f"（4）12月底前，{SCRIPTS[2]}化解政府性债务70289万元。",
        ),
        (_UNIT_T110, _UNIT_T110.replace("财政局", UNITS[0]).replace("祝美娟", LEADER)),
        (_UNIT_T111, _UNIT_T111.replace("财政局", UNITS[1])),
        ("任务分解的通知\n", f"任务分解的通知{DOC_TITLE_SUFFIX}\n"),
    ]


def hostile_text(year: int = 2023) -> str:
    """The seed (rolled to ``year``) with every edit of this module."""
    text = seed_text() if year == 2023 else year_text(year)
    for old, new in _edits():
        text = _replace_once(text, old, new)
    return text


#: A plan's name as a workspace (``taskanalytics.toml``) may give it; it names the reports folder
#: and shows on every page. The store here keeps the default names (a briefing reads the plan
#: file, which carries no name), so tests put this one on the context or a folder.
PLAN_NAME = f"2023-工作报告{SCRIPTS[1]}"


@dataclasses.dataclass(frozen=True)
class HostilePlans:
    """The hostile plans of 2023 and 2024 and their files."""

    plan: Any
    plan_path: Path
    plan_2024: Any
    plan_2024_path: Path


@dataclasses.dataclass(frozen=True)
class Hostile:
    """The hostile plans and one store with reports of both."""

    plans: HostilePlans
    store: Path
    inbox: Path

    @property
    def plan(self) -> Any:
        return self.plans.plan

    @property
    def plan_path(self) -> Path:
        return self.plans.plan_path

    @property
    def plan_2024(self) -> Any:
        return self.plans.plan_2024

    @property
    def plan_2024_path(self) -> Path:
        return self.plans.plan_2024_path


def _clerk_types_text(path: Path) -> None:
    """Store the notes as text, as Excel does for a clerk who types ``'=…`` (not a formula:
    ``fill_template`` assigns with openpyxl, which takes a text starting with ``=`` for one)."""
    wb = load_workbook(path)
    for row in wb[vp.DATA_SHEET].iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    save_workbook(wb, path)


def _report(plan: Any, quarter: str, folder: Path, store: Path) -> None:
    targets = targets_by_milestone(plan)
    reports = {
        m["milestone_id"]: report
        for m in plan.milestones.to_dict("records")
        if (report := demo_report(plan, m, quarter, targets=targets.get(m["milestone_id"], [])))
        is not None
    }
    hostile = quarter == "2023Q2"
    if hostile:
        for mid, (status, note, values) in NOTES.items():
            base = dict(reports.get(mid) or {"status": vp.STATUS_LABELS["late"], "values": {}})
            if status is not None:
                base.update(status=status, completed_date=None)
            base["note"] = note
            if values is not None:
                base["values"] = values
            reports[mid] = base
    paths = []
    for unit, path in zip(
        UNITS,
        write_templates(plan, quarter, folder, units=list(UNITS), overwrite=True),
        strict=True,
    ):
        target = path.with_name(FILES[unit]) if hostile else path
        fill_template(path, target, reports)
        _clerk_types_text(target)
        paths.append(target)
    ingest_files(paths, plan=plan, store=store)


def write_hostile_plans(root: Path) -> HostilePlans:
    """Write the 2023 and 2024 hostile plans to ``root`` (created if missing) and read them."""
    root.mkdir(parents=True, exist_ok=True)
    plan_path = write_plan(root, hostile_text(2023), "plan-2023.txt")
    plan_2024_path = write_plan(root, hostile_text(2024), "plan-2024.txt")
    return HostilePlans(read_plan(plan_path), plan_path, read_plan(plan_2024_path), plan_2024_path)


def build_hostile(plans: HostilePlans, root: Path) -> Hostile:
    """Fill a store under ``root`` with the two hostile units' reports (a few seconds)."""
    store = root / "store" / "progress.sqlite"
    store.parent.mkdir(parents=True)
    inbox = root / "inbox"
    for quarter in ("2023Q1", "2023Q2", "2023Q3", "2023Q4"):
        _report(plans.plan, quarter, inbox / quarter, store)
    _report(plans.plan_2024, "2024Q1", inbox / "2024Q1", store)
    return Hostile(plans, store, inbox)
