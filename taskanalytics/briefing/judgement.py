"""研判 beside the schedule light: the 督查室's confidence judgements on the briefings.

The schedule light (红黄绿) is computed from dates and reports; the 研判 (有把握 / 有风险 /
难以完成) is a person's forward-looking judgement, recorded with a reason
(:mod:`taskanalytics.progress.judgements`). Pages show the two side by side in separate
columns and never merge them: nothing here changes a light, and a task without a judgement
shows nothing (no default).

The judgements are read from the context's store (``ctx.store_path``) for its plan and briefed
quarter, so :func:`~taskanalytics.briefing.load_context` and its cache are unchanged: a
judgement recorded after the context was loaded is seen by the next section that reads it.

- :func:`task_judgements`: the briefed quarter's latest judgement per task;
- :func:`judgement_words`: task id -> 研判 word, the 研判 column of
  :func:`~taskanalytics.briefing.sections.tasks_table`;
- :func:`disagreements` and :func:`disagreements_section`: the overview's
  「研判与进度不一致的任务」: green on schedule but judged 有风险/难以完成, and red on
  schedule but judged 有把握.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
from IPython.display import HTML

from taskanalytics import schema
from taskanalytics.assess import vocab as va
from taskanalytics.briefing.blocks import _STYLE, _esc, table_html
from taskanalytics.briefing.context import BriefingContext
from taskanalytics.progress.judgements import JUDGEMENT_LABELS, load_judgements

__all__ = [
    "DISAGREEMENTS_TITLE",
    "JUDGEMENT_HEADER",
    "disagreements",
    "disagreements_section",
    "judgement_words",
    "task_judgements",
]

#: The section's heading when the notebook gives none.
DISAGREEMENTS_TITLE: Final = "研判与进度不一致的任务"
#: Header of the 研判 column (the contract table ``progress.judgements``'s label).
JUDGEMENT_HEADER: Final = schema.label("judgement", "progress.judgements")
_TABLE: Final = "progress.judgements"
#: Light word -> the judgement codes that disagree with it.
_DISAGREE: Final[dict[str, tuple[str, ...]]] = {
    va.LIGHT_LABELS["green"]: ("at_risk", "unlikely"),
    va.LIGHT_LABELS["red"]: ("sure",),
}
_SHOWN: Final = ["task_id", "task_title", "lead_units", "light", "judgement", "reason",
                 "judged_by"]  # fmt: skip


def task_judgements(ctx: BriefingContext) -> pd.DataFrame:
    """Return the briefed quarter's judgements, the latest per task.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`; not modified.

    Returns
    -------
    pandas.DataFrame
        Rows of the contract table ``progress.judgements`` (codes in ``judgement``); empty when
        the store is missing or holds none for the plan and quarter.
    """
    return load_judgements(ctx.store_path, ctx.plan, ctx.quarter)


def judgement_words(ctx: BriefingContext) -> dict[str, str]:
    """Return task id -> its 研判 word (有把握 …) this quarter; tasks not judged are absent."""
    found = task_judgements(ctx)
    return {
        task: JUDGEMENT_LABELS[code]
        for task, code in zip(found["task_id"], found["judgement"], strict=True)
    }


def disagreements(ctx: BriefingContext) -> pd.DataFrame:
    """Return the tasks whose 研判 disagrees with their schedule light.

    Green on schedule but judged 有风险 or 难以完成 (the schedule has not caught a problem
    yet), and red on schedule but judged 有把握 (the office expects it to catch up). Yellow
    tasks and agreeing ones are not listed.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`; not modified.

    Returns
    -------
    pandas.DataFrame
        ``task_id, task_title, lead_units, light`` (the assessment's, unchanged), then
        ``judgement`` (the word), ``reason, judged_by, judged_at``: green ones first, in plan
        order.
    """
    found = task_judgements(ctx)
    tasks = ctx.current("by_task")[["task_id", "task_title", "lead_units", "light"]]
    rows = tasks.merge(
        found[["task_id", "judgement", "reason", "judged_by", "judged_at"]],
        on="task_id",
        how="inner",
    )
    light = rows["light"].astype(str)
    keep = pd.Series(False, index=rows.index)
    for word, codes in _DISAGREE.items():
        keep |= (light == word) & rows["judgement"].isin(codes)
    rows = rows[keep]
    order = {w: i for i, w in enumerate(_DISAGREE)}
    rows = rows.assign(_o=light[keep].map(order)).sort_values("_o", kind="stable")
    rows = rows.assign(judgement=rows["judgement"].map(JUDGEMENT_LABELS))
    return rows.drop(columns="_o").reset_index(drop=True)


def disagreements_section(
    ctx: BriefingContext, *, title: str = DISAGREEMENTS_TITLE, level: int = 2
) -> HTML:
    """Return the overview's 「研判与进度不一致的任务」 section.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    title
        The heading (the notebook may number it).
    level
        The heading's level: 2 for a section, 3 under one (the overview puts it under 督办清单).

    Returns
    -------
    IPython.display.HTML
        The heading, one line saying what the two axes are, and a table of :func:`disagreements`
        (任务编号, 任务, 牵头单位, 灯色, 研判, 理由, 研判人) with the light and the 研判 in
        separate columns; a sentence instead when nothing was judged or nothing disagrees.

    Examples
    --------
    >>> briefing.disagreements_section(ctx, title="八、研判与进度不一致的任务")  # doctest: +SKIP
    """
    judged = task_judgements(ctx)
    tag = f"h{min(max(level, 1), 4)}"
    parts = [_STYLE, f'<{tag} class="ta-h">{_esc(title)}</{tag}>']
    intro = (
        "灯色按进度（时限和报送情况）判定；研判是督查室对任务能否完成的判断，两者分列，互不替代。"
        "下表列出进度为绿灯但研判为“有风险”“难以完成”，以及进度为红灯但研判为“有把握”的任务。"
    )
    parts.append(f'<p class="ta-sub">{_esc(intro)}</p>')
    if judged.empty:
        parts.append(f"<p>{_esc('本季度尚未录入研判。')}</p>")
        return HTML("\n".join(parts))
    rows = disagreements(ctx)
    if rows.empty:
        text = f"本季度已研判 {len(judged)} 项任务，研判与进度灯色没有不一致的。"
        parts.append(f"<p>{_esc(text)}</p>")
        return HTML("\n".join(parts))
    headers = {
        **schema.labels("assessment.by_task", ["task_id", "task_title", "lead_units", "light"]),
        **schema.labels(_TABLE, ["judgement", "reason", "judged_by"]),
    }
    table = table_html(
        rows, columns=_SHOWN, columns_zh=headers, badges=("light",), cards=True
    ).data.replace(_STYLE, "")
    parts.append(table)
    return HTML("\n".join(parts))
