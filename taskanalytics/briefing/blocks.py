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

from taskanalytics import schema
from taskanalytics.assess import vocab as va

__all__ = [
    "with_units",
    "BADGE_CLASSES",
    "CODE_COLUMNS",
    "COLUMNS_ZH",
    "SECTION_LABELS",
    "format_quantity",
    "heading",
    "index_link",
    "key_facts",
    "synthetic_banner",
    "table_html",
]

#: Chinese names of the plan's sections (``tasks.section``).
SECTION_LABELS: dict[str, str] = {
    "work_report": "政府工作报告",
    "livelihood": "民生实事",
}

#: Default Chinese headers: the plan's tables and the audit (labels from
#: :mod:`taskanalytics.schema`), and the counts of :func:`~taskanalytics.briefing.count_plan`.
COLUMNS_ZH: dict[str, str] = {
    **schema.labels("plan.tasks"),
    **schema.labels("plan.milestones"),
    **schema.labels("plan.targets"),
    **schema.labels("plan.owners"),
    **schema.labels("plan.audit"),
    # count_plan's columns: a summary, not a table of the data contract
    "tasks": "任务数（项）",
    "milestones": "末级节点（个）",
    "targets": "量化指标（个）",
    "declared_tasks": "文件声明任务数",
    "declared_milestones": "文件声明节点数",
}

_LIST_SEPARATOR = "、"

#: CSS class of each code's coloured badge, per vocabulary (the codes of
#: :mod:`taskanalytics.assess.vocab`). The word itself is always shown, so the colour is never
#: the only signal (colour-blind readers, black-and-white print).
BADGE_CLASSES: dict[str, dict[str, str]] = {
    "light": {"red": "ta-red", "yellow": "ta-yellow", "green": "ta-green", "none": "ta-grey"},
    "status": {
        "overdue": "ta-red",
        "not_reported": "ta-yellow",
        "due_today": "ta-yellow",
        "due_soon": "ta-yellow",
        "done_late": "ta-grey",
        "not_due": "ta-grey",
        "not_started": "ta-grey",
        "in_progress": "ta-blue",
        "on_time": "ta-green",
    },
    "band": {
        "behind": "ta-red",
        "nearly_met": "ta-yellow",
        "no_data": "ta-grey",
        "not_due": "ta-grey",
        "met": "ta-green",
    },
    "reason": {"overdue": "ta-red", "behind": "ta-yellow", "not_reported": "ta-yellow"},
}
#: Each badge vocabulary: code -> the word shown.
_BADGE_VOCABS: dict[str, dict[str, str]] = {
    # a roll-up row with nothing due has no light: shown as 本期无到期事项
    "light": {**va.LIGHT_LABELS, "none": va.NO_LIGHT_LABEL},
    "status": va.STATUS_LABELS,
    "band": va.BAND_LABELS,
    "reason": va.WATCH_REASONS,
}
#: A column of words -> the column holding their codes, used when the frame has it.
CODE_COLUMNS: dict[str, str] = {"status": "status_code"}

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
/* a table wider than its box scrolls inside it; a shadow on the side that has more shows that
   it does (the white covers scroll with the content and hide the shadow at either end) */
.ta-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%;
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)),
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) 100% 0,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.22), rgba(0,0,0,0)),
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) 100% 0;
  background-repeat: no-repeat; background-color: #fff;
  background-size: 40px 100%, 40px 100%, 14px 100%, 14px 100%;
  background-attachment: local, local, scroll, scroll; }
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
.ta-back { margin: 0 0 0.3em; font-size: 0.95em; }
.ta-back a { color: #2f6db5; text-decoration: none; }
.ta-footer { margin-top: 2em; padding-top: 0.5em; border-top: 1px solid #d5dde6; color: #3d4b5c;
             font-size: 0.9em; }
.ta-footer h2.ta-h { font-size: 1.1em; border: none; }
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


#: Link text back to the run's table of contents (``index.html``, beside every page).
_BACK_TEXT = "← 返回目录"
_MISSING_NUMBER = "—"


def _number(value: float) -> str:
    """``4414.1`` -> ``4,414.1``; at most two decimals, no trailing zeros."""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_quantity(value: float, unit: object = None, *, signed: bool = False) -> str:
    """Return a number with its unit, the one way briefings write quantities.

    Thousands separators, at most two decimals without trailing zeros, then the unit.

    Parameters
    ----------
    value
        The number; missing gives ``—``.
    unit
        The unit (``万元``, ``户``, ``%``, ``个百分点``); ``%`` is written without a space.
    signed
        Write ``+`` before a positive value (gaps).

    Returns
    -------
    str

    Examples
    --------
    >>> format_quantity(-4414.1, "万元", signed=True)
    '-4,414.1 万元'
    >>> format_quantity(43000, "万元")
    '43,000 万元'
    >>> format_quantity(2.3, "%")
    '2.3%'
    >>> format_quantity(float("nan"), "户")
    '—'
    """
    if value is None or pd.isna(value):
        return _MISSING_NUMBER
    text = ("+" if signed and value > 0 else "") + _number(value)
    if unit is None or pd.isna(unit) or not str(unit):
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def with_units(frame: pd.DataFrame, *, points: pd.Series | None = None) -> pd.DataFrame:
    """Return ``frame`` with ``target``, ``actual`` and ``gap`` written with their unit (text).

    Parameters
    ----------
    frame
        Rows with ``unit`` and any of ``target``, ``actual``, ``gap``; not modified.
    points
        Which rows compare in percentage points (their gap is in 个百分点); default the rows whose
        unit is ``%``.

    Returns
    -------
    pandas.DataFrame
        A new frame: ``43,000 万元``, ``-4,414.1 万元``, ``+0.3 个百分点``, ``—`` where missing.
    """
    unit = frame["unit"]
    in_points = (unit == "%") if points is None else points
    gap_unit = unit.where(~in_points, "个百分点")
    out = {}
    for column in ("target", "actual"):
        if column in frame:
            out[column] = [format_quantity(v, u) for v, u in zip(frame[column], unit, strict=True)]
    if "gap" in frame:
        out["gap"] = [
            format_quantity(v, u, signed=True) for v, u in zip(frame["gap"], gap_unit, strict=True)
        ]
    return frame.assign(**out)


def index_link(target: str = "index.html") -> str:
    """Return the "← 返回目录" link (HTML text, no style) to the run's table of contents.

    Pages of a quarterly run sit next to ``index.html``, so the link is relative.

    Examples
    --------
    >>> index_link()
    '<nav class="ta-back"><a href="index.html">← 返回目录</a></nav>'
    """
    return f'<nav class="ta-back"><a href="{_esc(target)}">{_esc(_BACK_TEXT)}</a></nav>'


def heading(
    text: str, *, level: int = 1, subtitle: str | None = None, back_link: bool = False
) -> HTML:
    """Return a heading (``<h1>``..``<h4>``) with an optional grey subtitle line.

    Parameters
    ----------
    text
        The heading text (escaped).
    level
        1 to 4.
    subtitle
        A short line under the heading, e.g. the source document and date.
    back_link
        Put the "← 返回目录" link (:func:`index_link`) above it: the top of a page without
        :func:`~taskanalytics.briefing.briefing_header`.

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
    parts = [_STYLE, index_link()] if back_link else [_STYLE]
    parts.append(f'<h{level} class="ta-h">{_esc(text)}</h{level}>')
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


def _badge_kind(column: str, values: pd.Series) -> str | None:
    """The badge vocabulary of a column: its own name, else the one that has all its words."""
    if column in _BADGE_VOCABS:
        return column
    words = {w for v in values if isinstance(v, str) and v for w in v.split(va.REASON_SEPARATOR)}
    for kind, vocab in _BADGE_VOCABS.items():
        if words and words <= set(vocab.values()):
            return kind
    return None


def _badge_codes(frame: pd.DataFrame, column: str, kind: str) -> list[str | None]:
    """Per row, the code of a badge column's value when the frame knows it without reading
    the word: from its code column (``status_code``), or from a categorical in vocabulary
    order (the assessment's ``light``, ``band``). None where it does not."""
    code_col = CODE_COLUMNS.get(column)
    if code_col is not None and code_col in frame.columns:
        return [c if isinstance(c, str) else None for c in frame[code_col]]
    values = frame[column]
    vocab = _BADGE_VOCABS[kind]
    categories = (
        list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else []
    )
    if categories and categories == list(vocab.values())[: len(categories)]:
        codes = list(vocab)
        missing = "none" if kind == "light" else None  # a light's absence is a word of its own
        return [codes[i] if i >= 0 else missing for i in values.cat.codes]
    return [None] * len(frame)


def _badge(text: str, kind: str, code: str | None = None) -> str:
    """Return ``text`` (escaped) in a coloured badge chosen by its code.

    ``code`` is the value's code when known; otherwise each word is looked up in the
    vocabulary to find it. A cell holding several words joined with ；(watch-list reasons)
    gets one badge per word. Text outside the vocabulary stays plain.
    """
    classes = BADGE_CLASSES[kind]
    words = text.split(va.REASON_SEPARATOR)
    if code is not None and len(words) == 1:
        codes: list[str | None] = [code]
    else:
        by_word = {word: c for c, word in _BADGE_VOCABS[kind].items()}
        codes = [by_word.get(w) for w in words]
    if not all(c in classes for c in codes):
        return _esc(text)
    return " ".join(
        f'<span class="ta-badge {classes[c]}">{_esc(w)}</span>'  # type: ignore[index]
        for w, c in zip(words, codes, strict=True)
    )


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


def _linked(text: str, hrefs: Mapping[str, str]) -> str:
    """The names of a 、-joined cell, each escaped and linked when it has a page."""
    if text in hrefs:  # one name that itself holds 、 (指标 走出去京津冀、长三角、粤港澳大湾区)
        return f'<a href="{_esc(hrefs[text])}">{_esc(text)}</a>'
    return _LIST_SEPARATOR.join(
        f'<a href="{_esc(hrefs[name])}">{_esc(name)}</a>' if name in hrefs else _esc(name)
        for name in text.split(_LIST_SEPARATOR)
    )


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
    table: str | None = None,
    links: Mapping[str, Mapping[str, str]] | None = None,
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
        stays visible); default :data:`BADGE_COLUMNS`. The colour follows the value's code:
        from the code column (:data:`CODE_COLUMNS`) or the assessment's categorical when
        there is one, else the word looked up in :mod:`taskanalytics.assess.vocab`.
    cards
        On a narrow screen (a phone), show one card per row with each value labelled, instead
        of a table that scrolls sideways. For tables of long text (watch lists, notes).
    table
        The data-contract table ``df`` holds (``"by_unit"``, ``"assessment.watchlist"``, see
        :mod:`taskanalytics.schema`): its Chinese labels are the headers, over
        :data:`COLUMNS_ZH` and under ``columns_zh``.
    links
        Column -> (name -> href, already URL-quoted): each name in such a cell (a list or a
        、-joined text of unit or leader names) becomes a link to its page; other names stay
        text.

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
    own = {} if table is None else schema.labels(table)
    headers = {**COLUMNS_ZH, **own, **(columns_zh or {})}
    value_maps: dict[str, Mapping[str, str]] = {"section": SECTION_LABELS, **(values_zh or {})}
    body = df if max_rows is None else df.head(max_rows)
    numeric = {c for c in shown_cols if pd.api.types.is_numeric_dtype(df[c])}
    fmt = dict(formats or {})
    kinds = {c: _badge_kind(c, body[c]) for c in shown_cols if c in set(badges)}
    badge_codes = {c: _badge_codes(body, c, k) for c, k in kinds.items() if k is not None}
    # Long text columns wrap; short ones (codes, names, dates) stay on one line.
    longest = {
        c: body[c].map(lambda v: len(_format_cell(v))).max() for c in shown_cols if c not in numeric
    }
    # Chinese text may break between any two characters; codes and dates must not break.
    wrap = {c for c, n in longest.items() if n > 8 and body[c].map(_has_cjk).any()}
    long = {c for c, n in longest.items() if n > 40}

    labels = {c: _esc(headers.get(c, c)) for c in shown_cols}
    rows = []
    for i, record in enumerate(body[shown_cols].itertuples(index=False, name=None)):
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
            if col in badge_codes and not text and kinds[col] == "light":
                text = va.NO_LIGHT_LABEL  # a roll-up row with nothing due: no light
            shown = _esc(text)
            if col in badge_codes and text:
                shown = _badge(text, kinds[col], badge_codes[col][i])  # type: ignore[arg-type]
            elif links and col in links and text:
                shown = _linked(text, links[col])
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
