"""HTML building blocks for leader-facing briefings: headings, key facts, tables, banners.

The briefings are notebooks exported without code, so everything a reader sees is an output.
These helpers return :class:`IPython.display.HTML` objects (they have ``_repr_html_``, so they
display in JupyterLab and survive nbconvert), escape every value, and never modify the frames
they are given. Display text is Simplified Chinese; column names stay English in the data.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pandas as pd
from IPython.display import HTML

__all__ = [
    "COLUMNS_ZH",
    "SECTION_LABELS",
    "count_plan",
    "heading",
    "key_facts",
    "plan_key_facts",
    "synthetic_banner",
    "table_html",
]

#: Chinese names of the plan's sections (``tasks.section``).
SECTION_LABELS: dict[str, str] = {
    "work_report": "政府工作报告",
    "livelihood": "民生实事",
}

#: Default Chinese headers for the columns of the plan frames and the audit table.
COLUMNS_ZH: dict[str, str] = {
    "check": "检查项",
    "section": "部分",
    "task_id": "任务编号",
    "milestone_id": "节点编号",
    "declared": "文件声明",
    "parsed": "解析结果",
    "detail": "说明",
    "number": "序号",
    "category": "类别",
    "subcategory": "子类别",
    "title": "任务",
    "deadline": "完成时限",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
    "leaders": "分管领导",
    "label": "节点",
    "text": "内容",
    "due_date": "到期日",
    "due_kind": "时间类型",
    "quarter": "季度",
    "metric": "指标",
    "value": "数值",
    "unit": "单位",
    "tasks": "任务数（项）",
    "milestones": "末级节点（个）",
    "targets": "量化指标（个）",
    "declared_tasks": "文件声明任务数",
    "declared_milestones": "文件声明节点数",
}

_LIST_SEPARATOR = "、"

# Scoped class names (ta-*) so the styles cannot clash with JupyterLab's.
_STYLE = """
<style>
.ta-h { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
        color: #1f2d3d; margin: 0.6em 0 0.3em; }
.ta-sub { color: #5a6b7d; font-size: 0.95em; margin: 0 0 0.8em; }
.ta-answer { font-size: 1.15em; font-weight: 600; color: #1f2d3d; margin: 0.4em 0 0.8em;
             padding: 0.6em 0.9em; border-left: 5px solid #2f6db5; background: #f2f6fb; }
.ta-facts { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.4em 0 1em; }
.ta-fact { min-width: 150px; padding: 10px 14px; border: 1px solid #d5dde6; border-radius: 6px;
           background: #fff; }
.ta-fact-value { font-size: 1.8em; font-weight: 700; color: #2f6db5; line-height: 1.2; }
.ta-fact-label { color: #5a6b7d; font-size: 0.9em; }
.ta-note { color: #5a6b7d; font-size: 0.9em; }
.ta-table { border-collapse: collapse; font-size: 0.92em; margin: 0.4em 0 1em; }
.jp-RenderedHTMLCommon .ta-table th, .jp-RenderedHTMLCommon .ta-table td,
.ta-table th, .ta-table td { text-align: left; }
.ta-table th { background: #eef2f7; text-align: left; padding: 6px 10px;
               border-bottom: 2px solid #c9d3de; white-space: nowrap; }
.ta-table td { padding: 5px 10px; border-bottom: 1px solid #e3e8ee; vertical-align: top;
               white-space: nowrap; }
.jp-RenderedHTMLCommon .ta-table td.ta-wrap, .ta-table td.ta-wrap { white-space: normal;
               min-width: 24em; }
.jp-RenderedHTMLCommon .ta-table td.ta-num, .ta-table td.ta-num { text-align: right; font-variant-numeric: tabular-nums; }
.ta-banner { margin: 0.5em 0 1em; padding: 12px 16px; border: 2px solid #c0392b;
             background: #fdecea; color: #8e1b10; font-size: 1.1em; font-weight: 700; }
</style>
"""


class _PlanLike(Protocol):
    meta: dict[str, Any]
    tasks: pd.DataFrame
    milestones: pd.DataFrame
    targets: pd.DataFrame


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def heading(text: str, *, level: int = 1, subtitle: str | None = None) -> HTML:
    """Return a heading (``<h1>``..``<h4>``) with an optional grey subtitle line.

    Parameters
    ----------
    text
        The heading text (escaped).
    level
        1 to 4.
    subtitle
        A short line under the heading, e.g. the source document and date.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    ValueError
        If ``level`` is not 1 to 4.

    Examples
    --------
    >>> "计划总览" in heading("计划总览", subtitle="2023年").data
    True
    """
    if level not in (1, 2, 3, 4):
        raise ValueError(f"heading level must be 1 to 4, got {level}")
    parts = [_STYLE, f'<h{level} class="ta-h">{_esc(text)}</h{level}>']
    if subtitle:
        parts.append(f'<p class="ta-sub">{_esc(subtitle)}</p>')
    return HTML("\n".join(parts))


def key_facts(
    facts: Mapping[str, object],
    *,
    answer: str | None = None,
    note: str | None = None,
) -> HTML:
    """Return the answer first: one bold sentence, then a row of big-number cards.

    Parameters
    ----------
    facts
        Card label -> value, in display order, e.g. ``{"工作任务": "122 项"}``.
    answer
        The conclusion in one sentence, shown above the cards.
    note
        Small print under the cards (sources, definitions).

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> out = key_facts({"工作任务": "122 项"}, answer="与文件声明一致。")
    >>> "122 项" in out.data
    True
    """
    parts = [_STYLE]
    if answer:
        parts.append(f'<div class="ta-answer">{_esc(answer)}</div>')
    cards = "".join(
        f'<div class="ta-fact"><div class="ta-fact-value">{_esc(value)}</div>'
        f'<div class="ta-fact-label">{_esc(label)}</div></div>'
        for label, value in facts.items()
    )
    parts.append(f'<div class="ta-facts">{cards}</div>')
    if note:
        parts.append(f'<p class="ta-note">{_esc(note)}</p>')
    return HTML("\n".join(parts))


def _format_cell(value: object) -> str:
    """Return the display text of one cell: lists joined by 、, dates as 2023-03-31."""
    if isinstance(value, (list, tuple, set)):
        return _LIST_SEPARATOR.join(_format_cell(v) for v in value)
    if value is None:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value is not pd.NaT else ""
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_html(
    df: pd.DataFrame,
    *,
    columns: Iterable[str] | None = None,
    columns_zh: Mapping[str, str] | None = None,
    values_zh: Mapping[str, Mapping[str, str]] | None = None,
    max_rows: int | None = None,
    empty_text: str = "（无）",
) -> HTML:
    """Return a DataFrame as a plain HTML table with Chinese headers, for readers.

    Lists are joined with 、, dates shown as ``2023-03-31``, missing values left blank,
    numbers right-aligned; the index is not shown. The frame is not modified.

    Parameters
    ----------
    df
        The frame to show.
    columns
        Columns to show, in order; default all.
    columns_zh
        English column name -> Chinese header; merged over :data:`COLUMNS_ZH`. Columns with
        no entry keep their name.
    values_zh
        Column -> (value -> display text), e.g. section codes to Chinese; the ``section``
        column uses :data:`SECTION_LABELS` unless given here.
    max_rows
        Show at most this many rows and say how many were left out.
    empty_text
        Shown instead of a table when ``df`` has no rows.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    KeyError
        If ``columns`` names a column that ``df`` does not have.

    Examples
    --------
    >>> df = pd.DataFrame({"task_id": ["T001"], "leaders": [["祝美娟", "黄刚"]]})
    >>> "祝美娟、黄刚" in table_html(df).data
    True
    """
    shown_cols = list(df.columns) if columns is None else list(columns)
    missing = [c for c in shown_cols if c not in df.columns]
    if missing:
        raise KeyError(f"table_html: no column(s) {missing}; the frame has {list(df.columns)}")
    if len(df) == 0:
        return HTML(_STYLE + f'<p class="ta-note">{_esc(empty_text)}</p>')
    headers = {**COLUMNS_ZH, **(columns_zh or {})}
    value_maps: dict[str, Mapping[str, str]] = {"section": SECTION_LABELS, **(values_zh or {})}
    body = df if max_rows is None else df.head(max_rows)
    numeric = {c for c in shown_cols if pd.api.types.is_numeric_dtype(df[c])}
    # Long text columns wrap; short ones (codes, names, dates) stay on one line.
    wrap = {
        c
        for c in shown_cols
        if c not in numeric and body[c].map(lambda v: len(_format_cell(v))).max() > 24
    }

    rows = []
    for record in body[shown_cols].itertuples(index=False, name=None):
        cells = []
        for col, value in zip(shown_cols, record, strict=True):
            mapping = value_maps.get(col)
            text = _format_cell(value)
            if mapping is not None and isinstance(value, str):
                text = mapping.get(value, text)
            klass = (
                ' class="ta-num"' if col in numeric else (' class="ta-wrap"' if col in wrap else "")
            )
            cells.append(f"<td{klass}>{_esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{_esc(headers.get(c, c))}</th>" for c in shown_cols)
    out = [_STYLE, f'<table class="ta-table"><thead><tr>{head}</tr></thead>']
    out.append("<tbody>" + "\n".join(rows) + "</tbody></table>")
    if max_rows is not None and len(df) > max_rows:
        out.append(f'<p class="ta-note">仅显示前 {max_rows} 行，共 {len(df)} 行。</p>')
    return HTML("\n".join(out))


def synthetic_banner(text: str | None = None) -> HTML:
    """Return a prominent red 示例数据 notice, for briefings built on synthetic progress data.

    Parameters
    ----------
    text
        Replaces the default explanation after the 示例数据 label.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> "示例数据" in synthetic_banner().data
    True
    """
    body = text or "本页进度数据为程序生成的示例，不是各单位报送的真实进度，不得作为工作依据。"
    return HTML(_STYLE + f'<div class="ta-banner" role="alert">⚠ 示例数据：{_esc(body)}</div>')


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
    facts["牵头单位"] = f"{len(lead_units)} 个"
    leaders = {u for names in plan.tasks["leaders"] for u in (names or [])}
    facts["分管领导"] = f"{len(leaders)} 位"
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
