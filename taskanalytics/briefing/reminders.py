"""报送提醒: the intake's warnings of a unit's files, on the unit's page.

A warning is a value the intake accepted but that is worth a second look (已完成 with an actual
below its target, a value over 10x its target …), stored with the file
(:func:`taskanalytics.progress.store.load_warnings`). The unit page lists those of the unit's
files of the briefed quarter whose reports still count, each as the Chinese sentence the clerk
was shown at ingest; the section is empty (no heading either) when there are none.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from taskanalytics.briefing.blocks import _STYLE, _esc, table_html
from taskanalytics.briefing.context import BriefingContext, check_scope
from taskanalytics.progress.history import latest_reports

__all__ = ["REMINDERS_TITLE", "unit_reminders", "unit_reminders_section"]

#: The section's heading when the notebook gives none.
REMINDERS_TITLE = "报送提醒"

#: Contract table of the rows shown (:mod:`taskanalytics.schema`), for the headers.
_TABLE = "progress.warnings"
_SHOWN = ["source_file", "milestone_id", "message"]


def unit_reminders(ctx: BriefingContext, unit: str) -> pd.DataFrame:
    """Return the warnings of a unit's files of the briefed quarter that still count.

    A warning about a milestone is kept while the file's report of that milestone is the one
    that counts on the as-of date (:func:`taskanalytics.progress.history.latest_reports`): a
    corrected file sent later for the same milestone settles it. A warning about no milestone
    (the file as a whole) is kept while any report of that file counts. Milestone ids are
    compared as the file gave them, so after a 调整 that renumbered a milestone its warnings
    are no longer shown.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`; not modified.
    unit
        A lead unit of the plan.

    Returns
    -------
    pandas.DataFrame
        Rows of ``ctx.warnings`` (the contract table ``progress.warnings``), a new frame in the
        order the files were stored, each file's warnings in its order.

    Raises
    ------
    BriefingError
        If ``unit`` is not a lead unit of the plan.
    """
    check_scope(ctx, unit=unit)
    found = ctx.warnings
    found = found[(found["unit"] == unit) & (found["quarter"] == ctx.quarter)]
    if found.empty:
        return found.reset_index(drop=True)
    counting = latest_reports(ctx.progress, ctx.as_of)
    current = set(zip(counting["sha256"], counting["milestone_id"], strict=True))
    files = set(counting["sha256"])
    keep = [
        (sha, mid) in current if isinstance(mid, str) else sha in files
        for sha, mid in zip(found["sha256"], found["milestone_id"], strict=True)
    ]
    return found[keep].reset_index(drop=True)


def unit_reminders_section(
    ctx: BriefingContext, *, unit: str, title: str = REMINDERS_TITLE
) -> HTML:
    """Return the 报送提醒 section of a unit's page, or nothing when it has no warnings.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit
        A lead unit of the plan.
    title
        The section's heading (the notebook numbers it: ``八、报送提醒``).

    Returns
    -------
    IPython.display.HTML
        Empty when :func:`unit_reminders` has no rows; else the heading, one line saying what
        these are, and a table (cards on a phone) of the file, the 节点编号 and the warning's
        Chinese sentence, escaped.

    Raises
    ------
    BriefingError
        If ``unit`` is not a lead unit of the plan.

    Examples
    --------
    >>> briefing.unit_reminders_section(ctx, unit="财政局", title="八、报送提醒")  # doctest: +SKIP
    """
    rows = unit_reminders(ctx, unit)
    if rows.empty:
        return HTML("")
    intro = (
        f"本季度报送文件中有 {len(rows)} 处填报内容已接收，但需报送单位核实；"
        "如填报有误，请重新报送更正后的文件。"
    )
    table = table_html(
        rows,
        columns=_SHOWN,
        table=_TABLE,
        cards=True,
    ).data.replace(_STYLE, "")
    parts = [
        _STYLE,
        f'<h2 class="ta-h">{_esc(title)}</h2>',
        f'<p class="ta-sub">{_esc(intro)}</p>',
        table,
    ]
    return HTML("\n".join(parts))
