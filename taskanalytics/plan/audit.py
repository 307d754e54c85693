"""Data quality of the source document itself: what a reader of the plan should double-check."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from taskanalytics.plan import vocab
from taskanalytics.plan.build import Plan

AUDIT_COLUMNS = ["check", "section", "task_id", "milestone_id", "declared", "parsed", "detail"]

#: Check code -> Chinese name, for briefings.
CHECK_NAMES: dict[str, str] = {
    "declared_tasks": "任务数：文件声明与解析结果",
    "declared_milestones": "阶段性指标数：文件声明与解析结果",
    "lead_also_responsible": "同一单位既牵头又负责",
    "due_after_deadline": "节点晚于任务完成时限",
    "undated_milestone": "节点无时间表述",
    "unknown_date_phrase": "未识别的时间表述",
    "inconsistent_header": "跨页重复的标题不一致",
    "numbering_gap": "任务序号不连续",
    "number_without_unit": "数字缺少计量单位",
    # the parser's low-confidence guesses (plan.notes): a reader should confirm them
    "inferred_date": "由模糊时间表述推定的日期",
    "name_list_split": "单元格拆分为多个单位或领导",
}

#: Notes whose ``detail`` opens with the milestone they are about (``T108.04：…``).
_MILESTONE_NOTE_RE = re.compile(r"^([TL]\d+\.\d{2})[：:]")
_MILESTONE_NOTES = ("unknown_date_phrase", "inferred_date")

SECTION_NAMES = vocab.SECTION_NAMES  # re-exported: the explorer uses it from here


def audit(plan: Plan) -> pd.DataFrame:
    """Return a data-quality table of the source document.

    Declared vs parsed counts per section are compared by this rule: the document's
    阶段性指标 are counted as its numbered items ``（n）`` plus each cell with no numbering at
    all; circled sub-items ``①②`` are parts of their ``（n）``, not separate 指标. The parsed
    leaf count (circled items counted one by one) is reported beside it in ``detail``.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`.

    Returns
    -------
    pandas.DataFrame
        One row per finding: ``check`` (code, see ``CHECK_NAMES``), ``section``, ``task_id``,
        ``milestone_id``, ``declared``, ``parsed`` (counts, for the count checks) and
        ``detail`` (Chinese text for readers; the parser's guesses ``inferred_date`` and
        ``name_list_split`` in English). Count checks always appear, even when they agree.
    """
    rows: list[dict[str, Any]] = []
    tasks = plan.tasks.set_index("task_id")
    ms = plan.milestones.merge(plan.tasks[["task_id", "section", "deadline"]], on="task_id")
    for section, declared in plan.meta["declared"].items():
        in_section = ms[ms["section"] == section]
        n_tasks = int((plan.tasks["section"] == section).sum())
        n_items = _count_items(in_section)
        n_leaves = len(in_section)
        name = SECTION_NAMES.get(section, section)
        rows.append(_row("declared_tasks", section, declared.get("tasks"), n_tasks,
                         f"{name}：文件声明任务{_num(declared.get('tasks'))}项，解析出{n_tasks}项"))  # fmt: skip
        rows.append(_row("declared_milestones", section, declared.get("milestones"), n_items,
                         f"{name}：文件声明阶段性指标{_num(declared.get('milestones'))}个；"
                         f"按“（n）编号项＋无编号单元格”计为{n_items}个；"
                         f"拆分圈号子项后的末级节点为{n_leaves}个"))  # fmt: skip
    for task_id, task in tasks.iterrows():
        both = [u for u in task["lead_units"] if u in task["responsible_units"]]
        for unit in both:
            rows.append(_row("lead_also_responsible", task["section"], None, None,
                             f"{unit}在任务{task['number']}中既是牵头单位又是责任单位",
                             task_id=task_id))  # fmt: skip
    late = ms[ms["due_date"] > ms["deadline"]]
    for m in late.itertuples(index=False):
        rows.append(_row("due_after_deadline", m.section, None, None,
                         f"节点时间{m.due_date:%Y-%m-%d}晚于任务完成时限{m.deadline:%Y-%m-%d}：{m.text}",
                         task_id=m.task_id, milestone_id=m.milestone_id))  # fmt: skip
    for m in ms[ms["due_kind"] == "task_deadline"].itertuples(index=False):
        rows.append(_row("undated_milestone", m.section, None, None,
                         f"无时间表述，按任务完成时限{m.deadline:%Y-%m-%d}计：{m.text}",
                         task_id=m.task_id, milestone_id=m.milestone_id))  # fmt: skip
    for m in ms.itertuples(index=False):
        rest = vocab.QUANTITY_RE.sub("", m.text)
        for hit in vocab.UNITLESS_NUMBER_RE.findall(rest):
            rows.append(_row("number_without_unit", m.section, None, None,
                             f"数字“{hit}”没有计量单位，未计入量化指标：{m.text}",
                             task_id=m.task_id, milestone_id=m.milestone_id))  # fmt: skip
    section_of = plan.tasks.set_index("task_id")["section"]
    for note in plan.notes.itertuples(index=False):
        section = section_of.get(note.task_id) if note.task_id else None
        found = _MILESTONE_NOTE_RE.match(note.detail)
        milestone_id = found.group(1) if found and note.check in _MILESTONE_NOTES else None
        rows.append(_row(note.check, section, None, None, note.detail,
                         task_id=note.task_id, milestone_id=milestone_id))  # fmt: skip
    out = pd.DataFrame(rows, columns=AUDIT_COLUMNS)
    out["declared"] = out["declared"].astype("Int64")
    out["parsed"] = out["parsed"].astype("Int64")
    return out


def audit_check_names() -> dict[str, str]:
    """Return the audit check codes with their Chinese names, for briefings."""
    return dict(CHECK_NAMES)


def _count_items(milestones: pd.DataFrame) -> int:
    """Numbered items ``（n）`` (per task) plus milestones with no numbering."""
    labels = milestones["label"].astype(str)
    numbered = labels != ""
    items = pd.DataFrame({
        "task_id": milestones.loc[numbered, "task_id"],
        "item": labels[numbered].str.extract(r"^\((\d+)\)", expand=False),
    })  # fmt: skip
    return int(len(items.drop_duplicates()) + (~numbered).sum())


def _num(value: int | None) -> str:
    return "（未声明）" if value is None else str(value)


def _row(check, section, declared, parsed, detail, *, task_id=None, milestone_id=None):
    return {
        "check": check,
        "section": section,
        "task_id": task_id,
        "milestone_id": milestone_id,
        "declared": declared,
        "parsed": parsed,
        "detail": detail,
    }
