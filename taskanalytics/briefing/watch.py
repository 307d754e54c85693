"""督办闭环: the full watch-list page, last quarter's items followed up, the silent units, Excel.

The overview shows the first rows of the 督办清单 and links to the full page (:func:`watchlist_more`);
the full page (``notebooks/watchlist.ipynb``) shows every item (:func:`watchlist_summary`, then
:func:`~taskanalytics.briefing.watchlist_table` without a row limit); both say which of last
quarter's items are now done (:func:`rectification_summary`) and which lead units sent nothing this
quarter (:func:`not_reporting_note`). :func:`write_watchlist_xlsx` writes the same list for the
office, with the data contract's Chinese headers. Nothing here modifies the context's frames.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import HTML

from taskanalytics import schema
from taskanalytics.assess import vocab as va
from taskanalytics.assess.watchlist import rectification_frame, units_not_reporting
from taskanalytics.briefing.blocks import _STYLE, _esc
from taskanalytics.briefing.context import BriefingContext
from taskanalytics.briefing.pages import (
    INDEX_PAGE,
    WATCHLIST_STEM,
    WATCHLIST_XLSX,
    href,
    unit_links,
)
from taskanalytics.briefing.sections import CARRY_WORDS, _table, carry_words
from taskanalytics.quarters import Quarter
from taskanalytics.schema.cells import neutralise_sheet, strip_illegal_chars

__all__ = [
    "RECTIFICATION_WORDS",
    "not_reporting",
    "not_reporting_note",
    "rectification",
    "rectification_summary",
    "watchlist_more",
    "watchlist_summary",
    "write_watchlist_xlsx",
]

#: How one of last quarter's items stands now (上期督办事项整改情况).
RECTIFICATION_WORDS: dict[bool, str] = {True: "已整改", False: "未整改"}

#: Headers of the columns derived here (the rest come from the data contract).
_DERIVED_ZH = {
    "listed_quarter": "列入季度",
    "reason": "上期督办原因",
    "days_overdue": "上期逾期天数",
    "status": "目前状态",
    "rectified": "整改情况",
    "due": "应完成节点",
    "last_report_as_of": "最近一次报送截至",
}


def _links(ctx: BriefingContext) -> dict[str, dict[str, str]]:
    return {"lead_units": unit_links(ctx.assessment.by_unit["unit"].unique())}


# --------------------------------------------------------------------------- the full list


def watchlist_summary(ctx: BriefingContext) -> HTML:
    """Return the 督办 page's opening: items by reason, 新增 vs 持续, links to Excel and index.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.

    Returns
    -------
    IPython.display.HTML
    """
    w = ctx.current("watchlist")
    carried = int(w["carried_over"].astype(bool).sum())
    by_reason = "，".join(
        f"{word} {int(w['reason'].str.contains(word, regex=False).sum())} 项"
        for word in va.WATCH_REASONS.values()
    )
    text = (
        f"截至 {ctx.as_of.isoformat()}，全区督办事项 {len(w)} 项：{by_reason}（一项可有多个原因）；"
        f"{CARRY_WORDS['new']} {len(w) - carried} 项，"
        f"{CARRY_WORDS['carried']}（上季度已列入）{carried} 项。"
    )
    links = (
        f'<p class="ta-note"><a href="{href(WATCHLIST_XLSX)}">下载 Excel 表格（{WATCHLIST_XLSX}）</a>'
        f'　·　<a href="{href(INDEX_PAGE)}">返回简报目录</a></p>'
    )
    return HTML(_STYLE + f'<p class="ta-answer">{_esc(text)}</p>' + links)


def watchlist_more(ctx: BriefingContext) -> HTML:
    """Return the overview's link to the full 督办清单 page and its Excel copy.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.

    Returns
    -------
    IPython.display.HTML
    """
    n = len(ctx.current("watchlist"))
    return HTML(
        _STYLE
        + f'<p class="ta-note">完整督办清单（{n} 项，含任务、牵头单位、分管领导、新增/持续）：'
        f'<a href="{href(WATCHLIST_STEM + ".html")}">督办清单页面</a>　·　'
        f'<a href="{href(WATCHLIST_XLSX)}">Excel 表格</a></p>'
    )


# --------------------------------------------------------------------------- last quarter's items


def rectification(ctx: BriefingContext) -> pd.DataFrame:
    """Return last quarter's watch-list items with their status now (上期督办事项整改情况).

    See :func:`taskanalytics.assess.watchlist.rectification_frame`: 已整改 means done and off
    this quarter's list. Empty for the first quarter of the year (no earlier quarter assessed).

    Returns
    -------
    pandas.DataFrame
        A new frame; not cached.
    """
    a = ctx.assessment
    return rectification_frame(a.watchlist, a.milestones, ctx.quarter)


def rectification_summary(ctx: BriefingContext, *, max_rows: int | None = None) -> HTML:
    """Return 上期督办事项整改情况: counts, then the items still open first.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    max_rows
        Rows of the table shown (default all).

    Returns
    -------
    IPython.display.HTML
    """
    before = Quarter.parse(ctx.quarter).previous()
    r = rectification(ctx)
    if before.label not in ctx.quarters:
        return HTML(
            _STYLE
            + f'<p class="ta-note">{_esc(before.zh)}不在本年度评估范围内，无上期督办事项。</p>'
        )
    if r.empty:
        return HTML(_STYLE + f'<p class="ta-note">{_esc(before.zh)}没有督办事项。</p>')
    done = int(r["rectified"].sum())
    text = (
        f"{before.zh}督办事项 {len(r)} 项：{RECTIFICATION_WORDS[True]} {done} 项，"
        f"{RECTIFICATION_WORDS[False]} {len(r) - done} 项"
        f"（已完成且不再列入本季度督办清单为已整改）。"
    )
    shown = r.sort_values("rectified", kind="stable").assign(
        rectified=r["rectified"].map(RECTIFICATION_WORDS)
    )
    cols = ["rectified", "status", "milestone_id", "task_title", "text", "lead_units"]
    cols += ["leaders", "reason", "days_overdue"]
    table = _table(
        shown,
        cols,
        table="assessment.watchlist",
        columns_zh=_DERIVED_ZH,
        max_rows=max_rows,
        cards=True,
        links=_links(ctx),
        badges=("status",),
    )
    more = ""
    if max_rows is not None and len(r) > max_rows:
        more = (
            f'<p class="ta-note">全部 {len(r)} 项见<a href="{href(WATCHLIST_STEM + ".html")}">'
            "督办清单页面</a>。</p>"
        )
    return HTML(_STYLE + f'<p class="ta-answer">{_esc(text)}</p>' + table.data + more)


# --------------------------------------------------------------------------- silent units


def not_reporting(ctx: BriefingContext) -> pd.DataFrame:
    """Return the lead units with milestones due that sent no report dated in the quarter.

    Returns
    -------
    pandas.DataFrame
        ``unit, due, last_report_as_of``
        (:func:`taskanalytics.assess.watchlist.units_not_reporting`).
    """
    return units_not_reporting(ctx.assessment.milestones, ctx.progress, ctx.quarter)


def not_reporting_note(ctx: BriefingContext) -> HTML:
    """Return the sentence naming the units that did not report this quarter (未报送单位).

    Each unit links to its page; the count of its milestones due says what is missing.

    Returns
    -------
    IPython.display.HTML
    """
    silent = not_reporting(ctx)
    q = Quarter.parse(ctx.quarter)
    if silent.empty:
        return HTML(
            _STYLE + f'<p class="ta-note">{_esc(q.zh)}有到期节点的牵头单位均已报送进度。</p>'
        )
    links = unit_links(silent["unit"])
    names = "、".join(
        f'<a href="{_esc(links[u])}">{_esc(u)}</a>（应完成节点 {int(n)} 个）'
        for u, n in zip(silent["unit"], silent["due"], strict=True)
    )
    return HTML(
        _STYLE
        + f'<p class="ta-answer">{_esc(q.zh)}未报送进度的牵头单位 {len(silent)} 个：{names}。'
        f"其到期节点均按未报送计。</p>"
    )


# --------------------------------------------------------------------------- Excel


def _cell(value: Any) -> Any:
    """One value as openpyxl takes it (text the file can hold; see ``schema.cells``)."""
    if isinstance(value, (list, tuple)):
        return strip_illegal_chars(va.LIST_SEPARATOR.join(map(str, value)))
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return strip_illegal_chars(value)


def write_watchlist_xlsx(ctx: BriefingContext, path: str | Path) -> Path:
    """Write the quarter's whole 督办清单 to an ``.xlsx`` for the office, atomically.

    One row per item, every column of the ``assessment.watchlist`` contract with its Chinese
    header (新增/持续 as the words); a 说明 sheet gives the quarter, the as-of date and whether
    the data are 示例数据. The file is written beside ``path`` and renamed into place, so a
    reader never sees half a file. Texts that a spreadsheet could take for a formula (a title or
    note starting with ``=``, ``+``, ``-``, ``@``) are written as quote-prefixed text cells, and
    control characters an ``.xlsx`` cannot hold become U+FFFD (:mod:`taskanalytics.schema.cells`).

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    path
        The ``.xlsx`` to write (replaced if present).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> write_watchlist_xlsx(ctx, "reports/2023Q2/watchlist.xlsx")  # doctest: +SKIP
    """
    from openpyxl import Workbook  # the Excel layer is only needed here

    target = Path(path)
    rows = ctx.current("watchlist")
    rows = rows.assign(carried_over=carry_words(rows), status=rows["status"].astype(object))
    labels = schema.labels("assessment.watchlist")
    columns = list(labels)
    wb = Workbook()
    ws = wb.active
    ws.title = va.HTML_WORDS["watchlist"]
    ws.append([labels[c] for c in columns])
    for record in rows[columns].itertuples(index=False, name=None):
        ws.append([_cell(v) for v in record])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, c in enumerate(columns, start=1):
        if c in {"task_title", "text", "note", "behind"}:
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 40
        elif c in {"due_date", "as_of", "report_as_of"}:
            for cell in ws.iter_cols(min_col=i, max_col=i, min_row=2):
                for x in cell:
                    x.number_format = "yyyy-mm-dd"
            ws.column_dimensions[ws.cell(1, i).column_letter].width = 12
    about = wb.create_sheet("说明")
    for pair in (
        ("季度", Quarter.parse(ctx.quarter).zh),
        ("数据截至", ctx.as_of_text),
        ("督办事项", f"{len(rows)} 项"),
        ("示例数据", "是（程序生成，不得作为工作依据）" if ctx.is_synthetic else "否"),
        ("生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ):
        about.append(pair)
    for sheet in wb.worksheets:  # titles, notes, names: text, never formulas
        neutralise_sheet(sheet)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        wb.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
