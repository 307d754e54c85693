"""年底预计 on the pages: "will it be delivered?", beside the schedule, never merged into it.

:meth:`Assessment.projections <taskanalytics.assess.result.Assessment.projections>` carries each
cumulative indicator's pace against the plan's own trajectory to its year-end target. Here it
becomes one sentence on an indicator's page (按当前进度，年底预计完成 66,072 万元，目标 70,289
万元，缺口 4,217 万元), and a table of the indicators whose year end is at risk on 全部量化指标 and
on the watch list's page, as a forward-looking reason to look, not a status.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from taskanalytics.assess import vocab as va
from taskanalytics.briefing.blocks import _STYLE, _esc, format_quantity, key_facts, table_html
from taskanalytics.briefing.context import BriefingContext, quarter_label

__all__ = ["indicator_outlook", "outlook_sentence", "outlook_table", "projections"]

#: Columns of the at-risk table, in order.
_SHOWN = ["metric", "lead_units", "target", "actual", "actual_as_of", "projected", "shortfall"]


def projections(ctx: BriefingContext) -> pd.DataFrame:
    """Return the year-end projections of the briefed plan with the tasks' lead units.

    Returns
    -------
    pandas.DataFrame
        The contract table ``assessment.projections`` plus ``lead_units`` and ``leaders``.
    """
    found = ctx.assessment.projections()
    owners = ctx.plan.tasks[["task_id", "lead_units", "leaders"]]
    return found.merge(owners, on="task_id", how="left")


def _shown(value: float, target: float) -> float:
    """A projected amount at the precision of its target (66,071.68 -> 66,072 when the target
    is whole): a projection is an estimate, its decimals would claim a precision it lacks."""
    return float(round(value)) if float(target).is_integer() else round(float(value), 2)


def outlook_sentence(row: pd.Series) -> str:
    """The projection of one series as a sentence a leader reads.

    Examples
    --------
    >>> row = pd.Series({"metric": "化解政府性债务", "unit": "万元", "target": 70289.0,
    ...     "projected": 66071.7, "shortfall": 4217.3, "outlook_code": "at_risk",
    ...     "actual": 59616.7, "actual_as_of": pd.Timestamp("2023-06-30")})
    >>> outlook_sentence(row)
    '按当前进度，化解政府性债务年底预计完成 66,072 万元，目标 70,289 万元，缺口 4,217 万元：年底完成有风险。'
    """
    code, unit = row["outlook_code"], row["unit"]
    target = format_quantity(row["target"], unit)
    if code == "no_data":
        return f"{row['metric']}尚无报送的实际值，无法预计年底完成情况（目标 {target}）。"
    projected = format_quantity(_shown(row["projected"], row["target"]), unit)
    if code == "met":
        actual = format_quantity(row["actual"], unit)
        day = pd.Timestamp(row["actual_as_of"]).strftime("%Y-%m-%d")
        return f"{row['metric']}截至 {day} 已完成 {actual}，达到年度目标 {target}。"
    text = f"按当前进度，{row['metric']}年底预计完成 {projected}，目标 {target}"
    if code == "at_risk":
        short = format_quantity(_shown(row["shortfall"], row["target"]), unit)
        return f"{text}，缺口 {short}：{va.OUTLOOK_LABELS['at_risk']}。"
    return f"{text}，{va.OUTLOOK_LABELS['on_track']}。"


def indicator_outlook(ctx: BriefingContext, key: str) -> HTML:
    """Return the 年底预计 of one indicator page: the sentence and a few cards, or nothing for
    a series that is not cumulative (a rate, a ``<=`` limit).

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    key
        The page's indicator key: a metric name, or ``task_id:metric`` /a task id
        (:func:`~taskanalytics.briefing.indicator_keys`).
    """
    from taskanalytics.briefing.pages import split_indicator_key

    task_id, metric = split_indicator_key(key)
    found = projections(ctx)
    found = found[found["metric"] == metric] if metric else found
    if task_id is not None:
        found = found[found["task_id"] == task_id]
    if found.empty:
        return HTML("")
    row = found.iloc[0]
    unit = row["unit"]
    facts: dict[str, object] = {"年度目标": format_quantity(row["target"], unit)}
    if row["outlook_code"] != "no_data":
        day = pd.Timestamp(row["actual_as_of"]).strftime("%Y-%m-%d")
        facts[f"最新实际（截至 {day}）"] = format_quantity(row["actual"], unit)
        facts["计划进度值"] = format_quantity(_shown(row["planned"], row["target"]), unit)
        facts["年底预计"] = format_quantity(_shown(row["projected"], row["target"]), unit)
    facts["年底研判"] = row["outlook"]
    method = "按计划各阶段目标的进度折算" if row["method"] == "trajectory" else "按全年均匀进度折算"
    note = (
        f"年底预计：最新实际值 ÷ 同日计划进度值 × 年度目标（{method}），不低于最新实际值；"
        "仅供研判，不改变节点状态。"
    )
    alerts = ["年底研判"] if row["outlook_code"] == "at_risk" else []
    return key_facts(facts, answer=outlook_sentence(row), note=note, alerts=alerts)


def outlook_table(
    ctx: BriefingContext, *, title: str | None = None, at_risk_only: bool = True
) -> HTML:
    """Return the indicators whose year end is at risk (or every projected one).

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    title
        A heading above the table (the notebook numbers its sections); default none.
    at_risk_only
        Only 年底完成有风险 (default); False lists every series with a projection.

    Returns
    -------
    IPython.display.HTML
        One line saying how many, then the table (cards on a phone), largest shortfall first.
    """
    found = projections(ctx)
    found = found[found["outlook_code"] != "no_data"]
    if at_risk_only:
        found = found[found["outlook_code"] == "at_risk"]
    found = found.sort_values("shortfall", ascending=False, kind="stable")
    head = f'<h2 class="ta-h">{_esc(title)}</h2>' if title else ""
    when = f"{quarter_label(ctx.quarter)}（截至 {ctx.as_of.isoformat()}）"
    if found.empty:
        text = f"{when}按当前进度，没有年底完成有风险的累计指标。"
        return HTML(_STYLE + head + f'<p class="ta-sub">{_esc(text)}</p>')
    text = (
        f"{when}按当前进度，{len(found)} 个累计指标年底完成有风险（按计划进度折算的预计值低于"
        "年度目标）。这是前瞻提醒，不是节点状态。"
    )

    def column(name: str) -> list[str]:
        values = found[name] if name in ("target", "actual") else [
            _shown(v, t) for v, t in zip(found[name], found["target"], strict=True)
        ]  # fmt: skip
        return [format_quantity(v, u) for v, u in zip(values, found["unit"], strict=True)]

    shown = found.assign(**{c: column(c) for c in ("target", "actual", "projected", "shortfall")})
    table = table_html(
        shown, columns=_SHOWN, table="assessment.projections", cards=True
    ).data.replace(_STYLE, "")
    return HTML(_STYLE + head + f'<p class="ta-sub">{_esc(text)}</p>' + table)
