"""全部量化指标: every quantitative target of the briefed quarter in one table.

One row per target of a milestone due by the briefed quarter (the assessment's ``indicators``
rows of that quarter), in plan order: task, metric, lead unit, due date, target, actual, gap,
achievement, band. Target, actual and gap carry their unit, formatted one way
(:func:`format_quantity`: ``-4,414.1 万元``, ``+0.3 个百分点`` for a percentage compared in points).
A metric with its own indicator page (:func:`~taskanalytics.briefing.indicator_keys`) links to
it. Nothing here modifies the context's frames.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from taskanalytics.assess import vocab as va
from taskanalytics.briefing.blocks import _STYLE, _esc, format_quantity, with_units
from taskanalytics.briefing.context import BriefingContext, indicator_keys, quarter_label
from taskanalytics.briefing.pages import indicator_links, indicator_title, split_indicator_key
from taskanalytics.briefing.sections import _table

__all__ = [
    "INDICATORS_ALL_COLUMNS",
    "format_quantity",
    "indicators_all",
    "indicators_all_summary",
    "indicators_all_table",
]

#: Columns of :func:`indicators_all`, in the order the table shows them (``page`` is not shown).
INDICATORS_ALL_COLUMNS: tuple[str, ...] = (
    "task_id",
    "metric",
    "lead_units",
    "due_date",
    "target",
    "actual",
    "gap",
    "achievement",
    "band",
)

#: Unit of a gap between two percentages compared in points (``basis`` ``points``).


def indicators_all(ctx: BriefingContext) -> pd.DataFrame:
    """Return every target of a milestone due by the briefed quarter, in plan order.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.

    Returns
    -------
    pandas.DataFrame
        A new frame: ``task_id, metric, lead_units, due_date, milestone_id, target_no, unit,
        basis, target, actual, gap, achievement, band`` (numbers as numbers) and ``page``: the
        indicator key of the metric's own page (:func:`~taskanalytics.briefing.indicator_keys`),
        or None. Sorted by task and metric in plan order, then due date.
    """
    rows = ctx.current("indicators")
    targets = ctx.plan.targets
    task_pos = {t: i for i, t in enumerate(ctx.plan.tasks["task_id"])}
    pairs = list(dict.fromkeys(zip(targets["task_id"], targets["metric"], strict=True)))
    metric_pos = {pair: i for i, pair in enumerate(pairs)}
    pages: dict[tuple[str, str], str] = {}
    for key in indicator_keys(ctx.plan):
        task_id, metric = split_indicator_key(key)
        owners = [task_id] if task_id is not None else targets.loc[targets["metric"] == metric,
                                                                   "task_id"].unique()  # fmt: skip
        pages.update({(t, metric): key for t in owners})
    pair = list(zip(rows["task_id"], rows["metric"], strict=True))
    out = rows.assign(
        page=[pages.get(p) for p in pair],
        _task=[task_pos.get(p[0], len(task_pos)) for p in pair],
        _metric=[metric_pos.get(p, len(metric_pos)) for p in pair],
    ).sort_values(["_task", "_metric", "due_date", "milestone_id", "target_no"], kind="stable")
    cols = ["task_id", "metric", "lead_units", "due_date", "milestone_id", "target_no", "unit"]
    cols += ["basis", "target", "actual", "gap", "achievement", "band", "page"]
    return out[cols].reset_index(drop=True)


def indicators_all_table(ctx: BriefingContext, *, link_pages: bool = True) -> HTML:
    """Return the 全部量化指标 table: target, actual and gap with their unit, achievement, band.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    link_pages
        Link each metric that has its own indicator page to it (the page of a quarterly run's
        folder, :func:`~taskanalytics.briefing.pages.indicator_page`).

    Returns
    -------
    IPython.display.HTML
        One row per target (:func:`indicators_all`), Chinese headers from the data contract
        (``assessment.indicators``); a target with no reported actual shows ``—`` and 无数据.
    """
    rows = indicators_all(ctx)
    shown = with_units(rows, points=rows["basis"] == "points").assign(
        metric=[
            indicator_title(p) if isinstance(p, str) else m
            for m, p in zip(rows["metric"], rows["page"], strict=True)
        ],
    )
    keys = [p for p in dict.fromkeys(rows["page"]) if isinstance(p, str)]
    hrefs = {indicator_title(k): h for k, h in indicator_links(keys).items()}
    return _table(
        shown,
        list(INDICATORS_ALL_COLUMNS),
        table="assessment.indicators",
        columns_zh={"gap": "差距"},
        empty_text=f"截至 {ctx.as_of.isoformat()} 没有已到期的量化指标。",
        cards=True,
        links={"metric": hrefs} if link_pages and hrefs else None,
    )


def indicators_all_summary(ctx: BriefingContext) -> HTML:
    """Return one sentence: how many targets are due and how many in each band.

    Returns
    -------
    IPython.display.HTML
    """
    rows = indicators_all(ctx)
    counts = rows["band"].astype(str).value_counts()
    words = [va.BAND_LABELS[c] for c in ("met", "nearly_met", "behind", "no_data", "not_due")
             if c in va.BAND_LABELS]  # fmt: skip
    parts = "，".join(f"{w} {int(counts[w])} 项" for w in words if counts.get(w, 0))
    pages = rows["page"].dropna().nunique()
    text = (
        f"{quarter_label(ctx.quarter)}（截至 {ctx.as_of.isoformat()}）已到期的量化指标 "
        f"{len(rows)} 项（{rows[['task_id', 'metric']].drop_duplicates().shape[0]} 个指标）"
        + (f"：{parts}。" if parts else "。")
        + f"有季度进度目标的 {pages} 个指标另有专题页，点击指标名称查看。"
    )
    return HTML(_STYLE + f'<p class="ta-answer">{_esc(text)}</p>')
