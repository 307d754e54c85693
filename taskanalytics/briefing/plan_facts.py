"""The plan at a glance: counts per section against what the document declares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pandas as pd
from IPython.display import HTML

from taskanalytics import schema
from taskanalytics.briefing.blocks import SECTION_LABELS, _format_cell, key_facts

__all__ = ["count_plan", "plan_key_facts"]


class _PlanLike(Protocol):
    meta: dict[str, Any]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame


def count_plan(plan: _PlanLike) -> pd.DataFrame:
    """Count tasks, milestones and targets per section, next to the counts the document declares.

    Parameters
    ----------
    plan
        A :class:`taskanalytics.Plan` (anything with ``meta``, ``tasks``, ``milestones`` and
        ``targets``). ``meta["declared"]`` is ``{section: {"tasks": n, "milestones": m}}``.

    Returns
    -------
    pandas.DataFrame
        One row per section in document order plus a ``合计`` row; columns ``section``,
        ``tasks``, ``milestones``, ``targets``, ``declared_tasks``, ``declared_milestones``
        (nullable integers; missing where the document states nothing).

    Examples
    --------
    >>> counts = count_plan(plan)  # doctest: +SKIP
    """
    declared: Mapping[str, Mapping[str, int | None]] = plan.meta.get("declared") or {}
    sections = list(dict.fromkeys([*plan.tasks["section"].dropna(), *declared]))
    task_section = plan.tasks.set_index("task_id")["section"]

    def per_section(frame: pd.DataFrame) -> pd.Series:
        if frame.empty:
            return pd.Series(dtype="int64")
        return frame["task_id"].map(task_section).value_counts()

    n_tasks = plan.tasks["section"].value_counts()
    n_milestones = per_section(plan.milestones)
    n_targets = per_section(plan.targets)
    rows = []
    for section in sections:
        stated = declared.get(section) or {}
        rows.append(
            {
                "section": section,
                "tasks": int(n_tasks.get(section, 0)),
                "milestones": int(n_milestones.get(section, 0)),
                "targets": int(n_targets.get(section, 0)),
                "declared_tasks": stated.get("tasks"),
                "declared_milestones": stated.get("milestones"),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "section",
            "tasks",
            "milestones",
            "targets",
            "declared_tasks",
            "declared_milestones",
        ],
    )
    for col in ("declared_tasks", "declared_milestones"):
        out[col] = pd.array(out[col].tolist(), dtype="Int64")
    total = {"section": "合计", **{c: out[c].sum(min_count=1) for c in out.columns[1:]}}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for col in ("tasks", "milestones", "targets"):
        out[col] = out[col].astype("int64")
    for col in ("declared_tasks", "declared_milestones"):
        out[col] = out[col].astype("Int64")
    return out


def plan_key_facts(plan: _PlanLike, *, findings: pd.DataFrame | None = None) -> HTML:
    """Return the plan at a glance, answer first: do the parsed counts match the document?

    Parameters
    ----------
    plan
        A :class:`taskanalytics.Plan`.
    findings
        The output of :func:`taskanalytics.audit`, if already computed; its row count is
        shown as a card.

    Returns
    -------
    IPython.display.HTML
        :func:`key_facts` with an answer sentence and cards for tasks, milestones, lead units,
        leaders (and audit findings).

    Examples
    --------
    >>> plan_key_facts(plan)  # doctest: +SKIP
    """
    counts = count_plan(plan)
    total = counts.iloc[-1]
    per_section = counts.iloc[:-1].copy()
    if findings is not None and {"check", "section", "parsed"} <= set(findings.columns):
        # The audit counts milestones the way the document does (numbered items), which is
        # what the declared number means; leaf milestones split circled sub-items further.
        stated = findings[findings["check"] == "declared_milestones"].set_index("section")
        by_rule = per_section["section"].map(stated["parsed"])
        per_section["milestones"] = by_rule.where(by_rule.notna(), per_section["milestones"])
    mismatches = []
    for _, row in per_section.iterrows():
        name = SECTION_LABELS.get(row["section"], row["section"])
        for what, unit, parsed, stated in (
            ("任务", "项", row["tasks"], row["declared_tasks"]),
            ("阶段性节点", "个", row["milestones"], row["declared_milestones"]),
        ):
            if not pd.isna(stated) and int(stated) != int(parsed):
                mismatches.append(
                    f"{name}{what}文件声明 {int(stated)} {unit}、解析出 {int(parsed)} {unit}"
                )
    if mismatches:
        answer = "解析结果与文件声明的数量不一致：" + "；".join(mismatches) + "。原因见下方检查表。"
    elif per_section[["declared_tasks", "declared_milestones"]].isna().all().all():
        answer = (
            f"共解析 {total['tasks']} 项任务、{total['milestones']} 个阶段性节点；"
            "文件未声明总数，无法核对。"
        )
    else:
        answer = (
            f"共解析 {total['tasks']} 项任务、{total['milestones']} 个阶段性节点，"
            "与文件声明的数量一致。"
        )
    facts: dict[str, str] = {}
    for _, row in per_section.iterrows():
        name = SECTION_LABELS.get(row["section"], row["section"])
        facts[name] = f"{row['tasks']} 项"
    facts["末级节点"] = f"{total['milestones']} 个"
    facts["量化指标"] = f"{total['targets']} 个"
    lead_units = {u for units in plan.tasks["lead_units"] for u in (units or [])}
    facts[schema.label("lead_units", "plan.tasks")] = f"{len(lead_units)} 个"
    leaders = {u for names in plan.tasks["leaders"] for u in (names or [])}
    facts[schema.label("leaders", "plan.tasks")] = f"{len(leaders)} 位"
    if findings is not None:
        facts["检查发现"] = f"{len(findings)} 条"
    meta = plan.meta
    source = "、".join(
        _format_cell(v)
        for v in (meta.get("issuer"), meta.get("doc_number"), meta.get("issued_date"))
        if v is not None
    )
    note = "末级节点：圈号子项拆开后逐条计数，与文件声明的计数口径不同。"
    if source:
        note = f"来源：{source}。" + note
    return key_facts(facts, answer=answer, note=note)
