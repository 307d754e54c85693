"""HTML building blocks for leader-facing briefings: headings, key facts, tables, banners.

The briefings are notebooks exported without code, so everything a reader sees is an output.
These helpers return :class:`IPython.display.HTML` objects (they have ``_repr_html_``, so they
display in JupyterLab and survive nbconvert), escape every value, and never modify the frames
they are given. Display text is Simplified Chinese; column names stay English in the data.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML

__all__ = [
    "BADGE_CLASSES",
    "COLUMNS_ZH",
    "SECTION_LABELS",
    "heading",
    "key_facts",
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

#: Status words -> CSS class of their coloured badge. The word itself is always shown, so the
#: colour is never the only signal (colour-blind readers, black-and-white print).
BADGE_CLASSES: dict[str, str] = {
    "红": "ta-red",
    "黄": "ta-yellow",
    "绿": "ta-green",
    "逾期未完成": "ta-red",
    "滞后": "ta-red",
    "欠进度": "ta-yellow",
    "未报送": "ta-yellow",
    "临期": "ta-yellow",
    "基本达标": "ta-yellow",
    "逾期完成": "ta-grey",
    "无数据": "ta-grey",
    "未到期": "ta-grey",
    "未启动": "ta-grey",
    "推进中": "ta-blue",
    "按期完成": "ta-green",
    "达标": "ta-green",
}

#: Columns whose values are shown as badges by :func:`table_html` unless told otherwise.
BADGE_COLUMNS: tuple[str, ...] = ("light", "status", "band", "reason")

# Scoped class names (ta-*) so the styles cannot clash with JupyterLab's. Page layout (phone
# width, A4 print) lives in the offline nbconvert template; these are the components' styles.
_STYLE = """
<style>
.ta-h { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
        color: #1f2d3d; margin: 0.6em 0 0.3em; }
.ta-sub { color: #5a6b7d; font-size: 0.95em; margin: 0 0 0.8em; }
.ta-answer { font-size: 1.1em; font-weight: 600; color: #1f2d3d; margin: 0.4em 0 0.8em;
             padding: 0.6em 0.9em; border-left: 5px solid #2f6db5; background: #f2f6fb; }
.ta-facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr));
            gap: 8px; margin: 0.4em 0 1em; }
.ta-fact { padding: 8px 12px; border: 1px solid #d5dde6; border-radius: 6px; background: #fff; }
.ta-fact-value { font-size: 1.7em; font-weight: 700; color: #2f6db5; line-height: 1.2; }
.ta-fact-value.ta-bad { color: #b42318; }
.ta-fact-label { color: #5a6b7d; font-size: 0.9em; }
.ta-fact-hint { color: #5a6b7d; font-size: 0.8em; }
.ta-note { color: #5a6b7d; font-size: 0.9em; }
.ta-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
.ta-table { border-collapse: collapse; font-size: 0.92em; margin: 0.4em 0 1em; }
.jp-RenderedHTMLCommon .ta-table th, .jp-RenderedHTMLCommon .ta-table td,
.ta-table th, .ta-table td { text-align: left; }
.ta-table th { background: #eef2f7; text-align: left; padding: 6px 10px;
               border-bottom: 2px solid #c9d3de; white-space: nowrap; }
.ta-table td { padding: 5px 10px; border-bottom: 1px solid #e3e8ee; vertical-align: top;
               white-space: nowrap; }
.jp-RenderedHTMLCommon .ta-table td.ta-wrap, .ta-table td.ta-wrap { white-space: normal;
               min-width: 9em; }
.jp-RenderedHTMLCommon .ta-table td.ta-long, .ta-table td.ta-long { min-width: 15em; }
.jp-RenderedHTMLCommon .ta-table td.ta-num, .ta-table td.ta-num { text-align: right;
               font-variant-numeric: tabular-nums; }
.ta-badge { display: inline-block; padding: 0 6px; border-radius: 3px; border: 1px solid;
            font-size: 0.92em; line-height: 1.5; white-space: nowrap; }
.ta-badge::before { content: "\\25CF\\00A0"; }
.ta-red { color: #9b1c12; background: #fdecea; border-color: #e8a39c; }
.ta-yellow { color: #7a4d00; background: #fff4d6; border-color: #e9c46a; }
.ta-green { color: #1e6b35; background: #e6f4ea; border-color: #9fd3ad; }
.ta-blue { color: #1f4f8a; background: #e8f0fb; border-color: #a9c3e6; }
.ta-grey { color: #4a5563; background: #f1f3f5; border-color: #c8ced6; }
.ta-banner { margin: 0.5em 0 1em; padding: 12px 16px; border: 2px solid #c0392b;
             background: #fdecea; color: #8e1b10; font-size: 1.1em; font-weight: 700; }
.ta-header { border-bottom: 3px solid #2f6db5; margin-bottom: 0.8em; padding-bottom: 0.4em; }
.ta-header h1 { font-size: 1.7em; margin: 0.2em 0; }
.ta-meta { display: flex; flex-wrap: wrap; gap: 4px 18px; color: #3d4b5c; font-size: 0.92em;
           margin: 0.3em 0; }
.ta-sources summary { cursor: pointer; color: #3d4b5c; font-size: 0.9em; }
@media screen and (max-width: 600px) {
  /* on a phone, a wide table of text becomes one card per row, each value labelled */
  .ta-table.ta-cards, .ta-cards tbody, .ta-cards tr, .ta-cards td { display: block; width: auto; }
  .ta-cards thead { display: none; }
  .ta-cards tr { border: 1px solid #d5dde6; border-radius: 6px; margin: 0 0 8px;
                 padding: 4px 0; background: #fff; }
  .jp-RenderedHTMLCommon .ta-cards td, .ta-cards td { border: none; padding: 2px 10px;
                 white-space: normal; min-width: 0; text-align: left; }
  .jp-RenderedHTMLCommon .ta-cards td.ta-num, .ta-cards td.ta-num { text-align: left; }
  .ta-cards td::before { content: attr(data-label) "："; color: #5a6b7d; font-size: 0.9em; }
  .ta-cards td:empty { display: none; }
  .ta-facts { grid-template-columns: repeat(2, 1fr); }
  .ta-fact-value { font-size: 1.45em; }
}
.ta-hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em; }
</style>
"""


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
    hints: Mapping[str, str] | None = None,
    alerts: Iterable[str] = (),
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
    hints
        Card label -> a small line under the label (a comparison such as ``全区 52%``).
    alerts
        Labels of cards whose value is shown in red (something needs attention); the label
        says what, so the colour is not the only signal.

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
    hints = hints or {}
    alerts = set(alerts)
    cards = "".join(
        f'<div class="ta-fact"><div class="ta-fact-value{" ta-bad" if label in alerts else ""}">'
        f"{_esc(value)}</div>"
        f'<div class="ta-fact-label">{_esc(label)}</div>'
        + (f'<div class="ta-fact-hint">{_esc(hints[label])}</div>' if label in hints else "")
        + "</div>"
        for label, value in facts.items()
    )
    parts.append(f'<div class="ta-facts">{cards}</div>')
    if note:
        parts.append(f'<p class="ta-note">{_esc(note)}</p>')
    return HTML("\n".join(parts))


def _has_cjk(value: object) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in _format_cell(value))


def _badge(text: str) -> str:
    """Return ``text`` (escaped) in a coloured badge when it is a known status word.

    A cell holding several words joined with ；(watch-list reasons) gets one badge per word.
    """
    words = text.split("；")
    if not all(w in BADGE_CLASSES for w in words):
        return _esc(text)
    return " ".join(f'<span class="ta-badge {BADGE_CLASSES[w]}">{_esc(w)}</span>' for w in words)


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
    formats: Mapping[str, str] | None = None,
    badges: Iterable[str] = BADGE_COLUMNS,
    cards: bool = False,
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
    formats
        Column -> format string for its non-missing values, e.g. ``{"on_time_rate": "{:.0%}"}``.
    badges
        Columns whose values are shown as coloured badges (:data:`BADGE_CLASSES`, the word
        stays visible); default :data:`BADGE_COLUMNS`.
    cards
        On a narrow screen (a phone), show one card per row with each value labelled, instead
        of a table that scrolls sideways. For tables of long text (watch lists, notes).

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
    fmt = dict(formats or {})
    badge_cols = set(badges)
    # Long text columns wrap; short ones (codes, names, dates) stay on one line.
    longest = {
        c: body[c].map(lambda v: len(_format_cell(v))).max() for c in shown_cols if c not in numeric
    }
    # Chinese text may break between any two characters; codes and dates must not break.
    wrap = {c for c, n in longest.items() if n > 8 and body[c].map(_has_cjk).any()}
    long = {c for c, n in longest.items() if n > 40}

    labels = {c: _esc(headers.get(c, c)) for c in shown_cols}
    rows = []
    for record in body[shown_cols].itertuples(index=False, name=None):
        cells = []
        for col, value in zip(shown_cols, record, strict=True):
            mapping = value_maps.get(col)
            text = _format_cell(value)
            if col in fmt and text and not isinstance(value, str):
                text = fmt[col].format(value)
            if mapping is not None and isinstance(value, str):
                text = mapping.get(value, text)
            klass = (
                "ta-num"
                if col in numeric
                else ("ta-wrap ta-long" if col in long else ("ta-wrap" if col in wrap else ""))
            )
            shown = _esc(text)
            if col in badge_cols and text:
                shown = _badge(text)
            attrs = f' class="{klass}"' if klass else ""
            cells.append(f'<td{attrs} data-label="{labels[col]}">{shown}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{labels[c]}</th>" for c in shown_cols)
    table_class = "ta-table ta-cards" if cards else "ta-table"
    out = [
        _STYLE,
        f'<div class="ta-scroll"><table class="{table_class}"><thead><tr>{head}</tr></thead>',
    ]
    out.append("<tbody>" + "\n".join(rows) + "</tbody></table></div>")
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
