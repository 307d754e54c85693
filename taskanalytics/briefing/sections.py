"""The sections of the quarterly briefings, each one call from a notebook cell.

Every function takes a :class:`~taskanalytics.briefing.context.BriefingContext` (and a scope: a
lead unit, a leader or an indicator), selects the briefed quarter's rows of the assessment, and
returns something a notebook displays: :class:`IPython.display.HTML` (escaped, Chinese headers,
status words as coloured badges with the word kept) or an altair chart. Nothing here modifies
the context's frames.

Scopes: ``unit`` keeps the milestones whose task that unit leads (牵头单位); ``leader`` those of
the tasks in that leader's charge (分管领导). A task with two lead units counts for both.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import HTML

from taskanalytics import charts, schema
from taskanalytics.assess import rollup
from taskanalytics.assess import vocab as va
from taskanalytics.assess.watchlist import units_not_reporting
from taskanalytics.briefing.blocks import format_quantity, key_facts, table_html, with_units
from taskanalytics.briefing.context import (
    MAIN_CATEGORY,
    BriefingContext,
    check_scope,
    has_name,
    indicator_points,
    quarter_label,
)
from taskanalytics.briefing.judgement import JUDGEMENT_HEADER, judgement_words
from taskanalytics.briefing.pages import leader_links, unit_links
from taskanalytics.plan.order import chinese_order
from taskanalytics.progress import vocab as vp

__all__ = [
    "HEADLINE_LABELS",
    "headline_cards",
    "headline_figures",
    "indicator_chart",
    "indicator_facts",
    "indicator_notes",
    "indicator_table",
    "indicators_table",
    "kpi_cards",
    "main_targets",
    "main_targets_chart",
    "main_targets_table",
    "milestones_table",
    "portfolio",
    "portfolio_table",
    "scope_trend",
    "status_chart",
    "status_table",
    "tasks_table",
    "trend_chart",
    "trend_table",
    "unit_ranking_table",
    "upcoming_table",
    "watchlist_table",
]

#: Chinese headers of the assessment's columns (from :mod:`taskanalytics.schema`; where two
#: tables label a column differently, the later table here wins), and of the columns these
#: briefings derive. Each table below also passes its own contract table, whose labels win.
ASSESS_COLUMNS_ZH: dict[str, str] = {
    **{
        name: text
        for table in (
            "progress",
            "assessment.indicators",
            "assessment.by_section",
            "assessment.by_category",
            "assessment.by_leader",
            "assessment.by_unit",
            "assessment.by_task",
            "assessment.watchlist",
            "assessment.milestones",
        )
        for name, text in schema.labels(table).items()
    },
    # derived here, not columns of the data contract
    "year_target": "年度目标",
    "watchlist": "督办事项",
    "tasks": "任务",
    "actual_as_of": "实际值截至",
}

#: Bands in the order indicator tables list them: behind first.
_BAND_ORDER = ("behind", "no_data", "nearly_met", "met")
_RATE = {"on_time_rate": "{:.0%}", "achievement": "{:.0%}", "gap": "{:+,.1f}"}
_COUNTS = ["milestones", "due", "done", "done_on_time", "done_late", "overdue", "not_reported",
           "due_today"]  # fmt: skip
_LIGHT_ORDER = {label: i for i, label in enumerate(va.LIGHT_LABELS.values())}
_DISTRICT = "全区"
#: Unit of a gap between two percentages (compared in points).
_POINTS = "个百分点"


def _table(
    df: pd.DataFrame,
    columns: list[str],
    *,
    table: str,
    columns_zh: dict[str, str] | None = None,
    **kw: Any,
) -> HTML:
    """``df`` (rows of the contract table ``table``, or derived from it) with Chinese headers."""
    contract = schema.table_schema(table)
    own = {}
    for name in columns:
        try:
            own[name] = contract.column(name).label_of(name)
        except KeyError:  # a column the briefing derives
            continue
    headers = {**ASSESS_COLUMNS_ZH, **own, **(columns_zh or {})}
    return table_html(df, columns=columns, columns_zh=headers, formats=_RATE, **kw)


def _band_code(band: object) -> str | None:
    """The code of a band word (``滞后`` -> ``behind``); None for a missing band."""
    return {word: code for code, word in va.BAND_LABELS.items()}.get(str(band))


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.0%}"


def _unit_hrefs(ctx: BriefingContext) -> dict[str, str]:
    """Lead unit -> its page of the quarterly run (the units the watch list links too)."""
    return unit_links(ctx.assessment.by_unit["unit"].unique())


def _leader_hrefs(ctx: BriefingContext) -> dict[str, str]:
    return leader_links(ctx.assessment.by_leader["leader"].unique())


# --------------------------------------------------------------------------- scopes


def _scoped(frame: pd.DataFrame, unit: str | None, leader: str | None) -> pd.DataFrame:
    if unit is not None:
        frame = frame[has_name(frame["lead_units"], unit)]
    if leader is not None:
        frame = frame[has_name(frame["leaders"], leader)]
    return frame.reset_index(drop=True)


def _rows(ctx: BriefingContext, table: str, unit: str | None, leader: str | None) -> pd.DataFrame:
    """The briefed quarter's rows of an assessment table within a scope (checked first)."""
    check_scope(ctx, unit=unit, leader=leader)
    return _scoped(ctx.current(table), unit, leader)


def _scope_name(unit: str | None, leader: str | None) -> str:
    return unit or (f"{leader}分管的任务" if leader else _DISTRICT)


def _counts(ctx: BriefingContext, unit: str | None, leader: str | None) -> pd.DataFrame:
    """Per quarter: the roll-up counts of the scope (district = sum of sections)."""
    a = ctx.assessment
    if unit is not None:
        rows = a.by_unit[a.by_unit["unit"] == unit]
    elif leader is not None:
        rows = a.by_leader[a.by_leader["leader"] == leader]
    else:
        rows = a.by_section
    cols = [*_COUNTS, "indicators", "indicators_behind"]
    out = rows.groupby("quarter", sort=False)[cols].sum().reindex(ctx.quarters, fill_value=0)
    out["on_time_rate"] = rollup.on_time_rate(out["done_on_time"], out["due"], out["due_today"])
    watch = _scoped(a.watchlist, unit, leader).groupby("quarter", sort=False).size()
    out["watchlist"] = watch.reindex(out.index, fill_value=0)
    return out.rename_axis("quarter").reset_index()


# --------------------------------------------------------------------------- key figures


def kpi_cards(ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None) -> HTML:
    """Return the answer sentence and the key figures of the quarter for a scope.

    Cards: milestones due, done, overdue, not reported, on-time rate, indicators behind, watch
    list items. For a unit or leader each card says the district's figure or rate beside it;
    for the district, the previous quarter's.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope; default the whole district.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    BriefingError
        If the unit or leader is not in the plan.
    """
    check_scope(ctx, unit=unit, leader=leader)
    mine = _counts(ctx, unit, leader).set_index("quarter")
    now = mine.loc[ctx.quarter]
    if unit is None and leader is None:
        before = mine.iloc[-2] if len(mine) > 1 else None
        prefix = "上季度 "
        ref = before
    else:
        ref = _counts(ctx, None, None).set_index("quarter").loc[ctx.quarter]
        prefix = "全区 "
    scope = _scope_name(unit, leader)
    facts = {
        "应完成节点": f"{int(now['due'])} 个",
        "已完成": f"{int(now['done'])} 个",
        "逾期未完成": f"{int(now['overdue'])} 个",
        "未报送": f"{int(now['not_reported'])} 个",
        "按期完成率": _pct(now["on_time_rate"]),
        "指标滞后": f"{int(now['indicators_behind'])} 个",
        "督办事项": f"{int(now['watchlist'])} 项",
    }
    hints: dict[str, str] = {}
    if ref is not None:
        hints = {
            "应完成节点": f"{prefix}{int(ref['due'])} 个",
            "已完成": f"{prefix}{int(ref['done'])} 个",
            "逾期未完成": f"{prefix}{int(ref['overdue'])} 个",
            "未报送": f"{prefix}{int(ref['not_reported'])} 个",
            "按期完成率": f"{prefix}{_pct(ref['on_time_rate'])}",
            "指标滞后": f"{prefix}{int(ref['indicators_behind'])} 个",
            "督办事项": f"{prefix}{int(ref['watchlist'])} 项",
        }
    alerts = [
        k
        for k, col in (
            ("逾期未完成", "overdue"),
            ("未报送", "not_reported"),
            ("指标滞后", "indicators_behind"),
        )
        if now[col] > 0
    ]
    answer = (
        f"截至 {ctx.as_of_text}，{scope}应完成节点 {int(now['due'])} 个，"
        f"已完成 {int(now['done'])} 个（其中按期 {int(now['done_on_time'])} 个），"
        f"逾期未完成 {int(now['overdue'])} 个，未报送 {int(now['not_reported'])} 个；"
        f"按期完成率 {_pct(now['on_time_rate'])}。"
    )
    note = (
        "应完成 = 已完成 + 逾期未完成 + 未报送 + 今日到期；按期完成率 = 按期完成 ÷ 应完成。"
        "未到期节点不计入。一项任务有多个牵头单位或分管领导的，分别计入每一方。"
    )
    return key_facts(facts, answer=answer, note=note, hints=hints, alerts=alerts)


#: The quarter's headline numbers (:func:`headline_figures`) and their Chinese card labels.
HEADLINE_LABELS: dict[str, str] = {
    "due": "应完成",
    "done": "已完成",
    "on_time_rate": "按期完成率",
    "overdue": "逾期未完成",
    "watchlist": "督办事项",
    "units_not_reporting": "未报送单位",
}


def headline_figures(ctx: BriefingContext) -> dict[str, float]:
    """Return the district's headline numbers of the briefed quarter, as the overview counts.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.

    Returns
    -------
    dict
        ``due``, ``done``, ``overdue`` (milestones), ``on_time_rate`` (0..1, NaN when nothing
        is due), ``watchlist`` (items), ``units_not_reporting`` (lead units), keys in
        :data:`HEADLINE_LABELS` order; the same figures as :func:`kpi_cards` of the district.
    """
    now = _counts(ctx, None, None).set_index("quarter").loc[ctx.quarter]
    silent = units_not_reporting(ctx.assessment.milestones, ctx.progress, ctx.quarter)
    return {
        "due": int(now["due"]),
        "done": int(now["done"]),
        "on_time_rate": float(now["on_time_rate"]),
        "overdue": int(now["overdue"]),
        "watchlist": int(now["watchlist"]),
        "units_not_reporting": len(silent),
    }


def headline_cards(ctx: BriefingContext) -> HTML:
    """Return :func:`headline_figures` as key-figure cards with one answer sentence (the index).

    Returns
    -------
    IPython.display.HTML
    """
    f = headline_figures(ctx)
    units = {
        "due": "个",
        "done": "个",
        "overdue": "个",
        "watchlist": "项",
        "units_not_reporting": "个",
    }
    facts = {
        label: _pct(f[k]) if k == "on_time_rate" else f"{f[k]} {units[k]}"
        for k, label in HEADLINE_LABELS.items()
    }
    answer = (
        f"截至 {ctx.as_of_text}，全区应完成节点 {f['due']} 个，已完成 {f['done']} 个，"
        f"按期完成率 {_pct(f['on_time_rate'])}；逾期未完成 {f['overdue']} 个，"
        f"督办事项 {f['watchlist']} 项，未报送进度的牵头单位 {f['units_not_reporting']} 个。"
    )
    alerts = [HEADLINE_LABELS[k] for k in ("overdue", "units_not_reporting") if f[k] > 0]
    return key_facts(facts, answer=answer, alerts=alerts)


# --------------------------------------------------------------------------- watch list, tasks


def watchlist_table(
    ctx: BriefingContext,
    *,
    unit: str | None = None,
    leader: str | None = None,
    max_rows: int | None = 25,
) -> HTML:
    """Return the 督办清单 of the quarter for a scope, most severe first.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope; default the whole district.
    max_rows
        Rows shown; the rest are counted under the table.

    Returns
    -------
    IPython.display.HTML
        Reason, 新增/持续 (with the quarters running), milestone, task, due date, days overdue,
        lead units and leaders (each a link to their page of the quarterly run), indicator gap,
        the unit's own note (escaped) and the task's red streak.
    """
    rows = _rows(ctx, "watchlist", unit, leader)
    cols = ["reason", "carried_over", "milestone_id", "task_title", "text", "due_date"]
    cols += ["days_overdue"]
    cols += ["lead_units"] if unit is None else []
    cols += ["leaders"] if leader is None else []
    cols += ["behind", "note", "red_streak"]
    return _table(
        rows.assign(carried_over=carry_words(rows)),
        cols,
        table="assessment.watchlist",
        max_rows=max_rows,
        empty_text="本季度没有需要督办的事项。",
        cards=True,
        links={
            "lead_units": unit_links(ctx.assessment.by_unit["unit"].unique()),
            "leaders": leader_links(ctx.assessment.by_leader["leader"].unique()),
        },
    )


#: How a watch-list item stands against last quarter's list (督办闭环).
CARRY_WORDS: dict[str, str] = {"new": "新增", "carried": "持续"}


def carry_words(watchlist: pd.DataFrame) -> pd.Series:
    """Return each item's 新增 or 持续（连续 N 季） (``carried_over``, ``quarters_on_list``)."""
    return pd.Series(
        [
            f"{CARRY_WORDS['carried']}（连续 {int(n)} 季）" if on else CARRY_WORDS["new"]
            for on, n in zip(watchlist["carried_over"], watchlist["quarters_on_list"], strict=True)
        ],
        index=watchlist.index,
        dtype=object,
    )


def tasks_table(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> HTML:
    """Return the scope's tasks with their status and counts, worst light first.

    Beside the schedule light, in its own column, the 督查室's 研判 of the task this quarter
    (:mod:`~taskanalytics.briefing.judgement`): never merged into the light, blank for a task
    not judged.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope; default the whole district (132 rows).

    Returns
    -------
    IPython.display.HTML
    """
    rows = _rows(ctx, "by_task", unit, leader)
    rows = rows.assign(
        _light=rows["light"].map(_LIGHT_ORDER).astype(float),
        judgement=rows["task_id"].map(judgement_words(ctx)),
    ).sort_values(["_light", "overdue", "not_reported"], ascending=False, kind="stable")
    cols = ["task_id", "task_title", "light", "judgement", "status", "due", "done", "overdue"]
    cols += ["not_reported", "on_time_rate", "red_streak"]
    cols += ["lead_units"] if unit is None else []
    return _table(
        rows,
        cols,
        table="assessment.by_task",
        columns_zh={"judgement": JUDGEMENT_HEADER},
        empty_text="（无牵头任务）",
        cards=True,
        links={"lead_units": _unit_hrefs(ctx)},
    )


def milestones_table(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> HTML:
    """Return the scope's milestones due by the as-of date, problems first.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope.

    Returns
    -------
    IPython.display.HTML
        Milestone, content, due date, status, completion date, the unit's note.
    """
    rows = _rows(ctx, "milestones", unit, leader)
    rows = rows[rows["is_due"]]
    severity = rows["status_code"].map(va.STATUS_SEVERITY)
    rows = rows.assign(_sev=severity).sort_values(
        ["_sev", "due_date"], ascending=[False, True], kind="stable"
    )
    cols = ["milestone_id", "text", "due_date", "status", "completed_date", "note"]
    return _table(
        rows,
        cols,
        table="assessment.milestones",
        empty_text="截至本季度末没有应完成的节点。",
        cards=True,
    )


def upcoming_table(
    ctx: BriefingContext,
    *,
    unit: str | None = None,
    leader: str | None = None,
    days: int = 92,
) -> HTML:
    """Return the scope's milestones not yet done that fall due within ``days`` after as-of.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope.
    days
        How far ahead to look (default about one quarter).

    Returns
    -------
    IPython.display.HTML
    """
    rows = _rows(ctx, "milestones", unit, leader)
    ahead = rows[
        ~rows["is_due"] & rows["days_to_due"].between(1, days) & (rows["reported_status"] != "done")
    ].sort_values(["due_date", "milestone_id"], kind="stable")
    return _table(
        ahead,
        ["milestone_id", "text", "due_date", "status", "note"],
        table="assessment.milestones",
        empty_text=f"今后 {days} 天内没有到期的节点。",
        cards=True,
    )


def indicators_table(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> HTML:
    """Return the scope's quantitative targets of due milestones: target, actual, band.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    unit, leader
        The scope.

    Returns
    -------
    IPython.display.HTML
        Behind first, then no data, then the rest.
    """
    rows = _rows(ctx, "indicators", unit, leader)
    rank = {va.BAND_LABELS[code]: i for i, code in enumerate(_BAND_ORDER)}
    rows = rows.assign(_b=rows["band"].astype(str).map(rank)).sort_values(
        ["_b", "due_date", "milestone_id"], kind="stable"
    )
    rows = rows.assign(
        **{
            col: [format_quantity(v, u) for v, u in zip(rows[col], rows["unit"], strict=True)]
            for col in ("target", "actual")
        }
    )
    cols = ["milestone_id", "metric", "target", "actual", "achievement", "band"]
    return _table(
        rows, cols, table="assessment.indicators", empty_text="没有已到期的量化指标。", cards=True
    )


# --------------------------------------------------------------------------- roll-ups


_GROUP_COLUMN = {"category": "category", "unit": "unit", "leader": "leader", "section": "section"}


def _rollup_now(ctx: BriefingContext, by: str) -> pd.DataFrame:
    if by not in _GROUP_COLUMN:
        raise KeyError(f"status_table: by must be one of {list(_GROUP_COLUMN)}, got {by!r}")
    rows = ctx.current(f"by_{by}")
    if by in ("unit", "leader"):
        # names the plan does not order: pinyin first, so ties read 财政局, 交警大队, 人社局
        names = rows[_GROUP_COLUMN[by]].astype(str)
        position = {n: i for i, n in enumerate(chinese_order(names))}
        rows = rows.iloc[names.map(lambda n: position.get(n, -1)).argsort(kind="stable")]
        rows = rows.assign(_light=rows["light"].map(_LIGHT_ORDER).astype(float)).sort_values(
            ["_light", "overdue", "not_reported", "due"], ascending=False, kind="stable"
        )
    return rows.reset_index(drop=True)


def status_table(
    ctx: BriefingContext, by: str = "category", *, max_rows: int | None = None
) -> HTML:
    """Return a roll-up of the quarter: counts, on-time rate, light, red streak per group.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    by
        ``category`` (document order), ``unit`` or ``leader`` (red first, then most overdue),
        or ``section``.
    max_rows
        Rows shown.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    KeyError
        For another ``by``.
    """
    rows = _rollup_now(ctx, by)
    cols = [_GROUP_COLUMN[by], "light", "due", "done", "overdue", "not_reported"]
    cols += ["on_time_rate", "indicators_behind", "red_streak"]
    links = {"unit": _unit_hrefs(ctx), "leader": _leader_hrefs(ctx)}
    return _table(
        rows,
        cols,
        table=f"assessment.by_{by}",
        max_rows=max_rows,
        links={k: v for k, v in links.items() if k == _GROUP_COLUMN[by]},
    )


def status_chart(ctx: BriefingContext, by: str = "category") -> charts.BarPlot:
    """Return stacked bars of each group's due milestones by status (``by`` as in
    :func:`status_table`; units and leaders with something due only).

    Returns
    -------
    BarPlot
        The bars of :func:`~taskanalytics.charts.chart_status_by_group`, drawn as SVG without
        altair (:func:`~taskanalytics.charts.status_by_group_plot`).
    """
    rows = _rollup_now(ctx, by)
    rows = rows[rows["due"] > 0]
    what = schema.label(_GROUP_COLUMN[by], f"assessment.by_{by}")
    return charts.status_by_group_plot(
        rows,
        _GROUP_COLUMN[by],
        title=f"各{what}应完成节点的状态",
        subtitle=f"{quarter_label(ctx.quarter)}，截至 {ctx.as_of_text}",
    )


def unit_ranking_table(
    ctx: BriefingContext,
    *,
    max_rows: int | None = None,
    links: dict[str, str] | None = None,
) -> HTML:
    """Return the quarter's 单位排名: rank, 先进/后进, on-time rate, light (rules, section 5).

    Units with fewer due milestones than ``rules.min_due_for_ranking`` come last as 不参与排名,
    with the reason; a unit with nothing due shows 本期无到期事项 instead of a light. Each unit
    links to its page: ``links`` (unit -> href) when given (the index passes the pages the run
    wrote), else every lead unit's ``unit-<unit>.html``.

    Returns
    -------
    IPython.display.HTML
    """
    rows = ctx.assessment.unit_ranking(ctx.quarter)
    cols = ["rank", "unit", "standing", "on_time_rate", "due", "done_on_time", "overdue"]
    cols += ["not_reported", "max_days_overdue", "light", "standing_note"]
    rules = ctx.assessment.rules
    note = HTML(
        '<p class="ta-note">'
        f"按按期完成率排名，应完成节点不少于 {rules.min_due_for_ranking} 个的单位参与；"
        "完成率相同的，逾期未完成少者在前，再以最长逾期天数少者在前；"
        f"前 {rules.ranking_named} 名为先进，后 {rules.ranking_named} 名为后进。</p>"
    )
    table = _table(
        rows,
        cols,
        table="assessment.unit_ranking",
        max_rows=max_rows,
        links={"unit": _unit_hrefs(ctx) if links is None else links},
    )
    return HTML(table.data + note.data)


def portfolio(ctx: BriefingContext, leader: str) -> pd.DataFrame:
    """Return a leader's portfolio by lead unit: only the milestones of the leader's tasks.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    leader
        A 分管领导 of the plan.

    Returns
    -------
    pandas.DataFrame
        ``unit, tasks, milestones, due, done, done_on_time, overdue, not_reported,
        on_time_rate, light`` (the roll-up rule, ``rollup.row_light``), red first.

    Raises
    ------
    BriefingError
        If the leader is not in the plan.
    """
    check_scope(ctx, leader=leader)
    ms = _scoped(ctx.current("milestones"), None, leader).explode("lead_units")
    code = ms["status_code"]
    flags = pd.DataFrame(
        {
            "unit": ms["lead_units"].astype(str).to_numpy(),
            "task_id": ms["task_id"].to_numpy(),
            "milestones": 1,
            "due": ms["is_due"].astype(int).to_numpy(),
            "done": (ms["is_due"] & code.isin(["on_time", "done_late"])).astype(int).to_numpy(),
            "done_on_time": (ms["is_due"] & (code == "on_time")).astype(int).to_numpy(),
            "overdue": (code == "overdue").astype(int).to_numpy(),
            "not_reported": (ms["is_due"] & (code == "not_reported")).astype(int).to_numpy(),
            "due_today": (code == "due_today").astype(int).to_numpy(),
            "indicators": (ms["indicators"] * ms["is_due"]).astype(int).to_numpy(),
            "indicators_behind": ms["indicators_behind"].astype(int).to_numpy(),
            "_days": ms["days_overdue"].where(code == "overdue", 0).astype(int).to_numpy(),
        }
    )
    out = flags.groupby("unit", sort=False).agg(
        tasks=("task_id", "nunique"),
        **{c: (c, "sum") for c in ["milestones", "due", "done", "done_on_time"]},
        overdue=("overdue", "sum"),
        not_reported=("not_reported", "sum"),
        due_today=("due_today", "sum"),
        indicators=("indicators", "sum"),
        indicators_behind=("indicators_behind", "sum"),
        _days=("_days", "max"),
    )
    out["on_time_rate"] = rollup.on_time_rate(out["done_on_time"], out["due"], out["due_today"])
    codes = rollup.row_light(
        due=out["due"],
        overdue=out["overdue"],
        not_reported=out["not_reported"],
        indicators=out["indicators"],
        indicators_behind=out["indicators_behind"],
        max_days_overdue=out["_days"],
        rules=ctx.assessment.rules,
    )
    out["light"] = pd.Categorical.from_codes(codes, categories=list(va.LIGHT_LABELS.values()))
    out["_light"] = codes
    position = {n: i for i, n in enumerate(chinese_order(out.index))}
    # equal rows in pinyin order of the unit
    out = out.iloc[out.index.map(lambda n: position.get(n, -1)).to_numpy().argsort(kind="stable")]
    out = out.sort_values(["_light", "overdue", "not_reported"], ascending=False, kind="stable")
    return out.drop(columns=["_light", "_days", "indicators", "indicators_behind"]).reset_index()


def portfolio_table(ctx: BriefingContext, leader: str) -> HTML:
    """Return :func:`portfolio` as a table with Chinese headers.

    Returns
    -------
    IPython.display.HTML
    """
    rows = portfolio(ctx, leader)
    cols = ["unit", "light", "tasks", "due", "done", "overdue", "not_reported", "on_time_rate"]
    return _table(rows, cols, table="assessment.by_unit", links={"unit": _unit_hrefs(ctx)})


# --------------------------------------------------------------------------- trends


def trend_table(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> HTML:
    """Return the scope's figures quarter by quarter (Q1 … the briefed quarter).

    Returns
    -------
    IPython.display.HTML
    """
    check_scope(ctx, unit=unit, leader=leader)
    rows = _counts(ctx, unit, leader)
    rows["quarter"] = rows["quarter"].map(quarter_label)
    cols = ["quarter", "due", "done", "overdue", "not_reported", "on_time_rate"]
    cols += ["indicators_behind", "watchlist"]
    return _table(rows, cols, table="assessment.by_section")


def scope_trend(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> pd.DataFrame:
    """Return the on-time rate by quarter of the scope and of the district (long format).

    Returns
    -------
    pandas.DataFrame
        ``quarter, series, on_time_rate``; ``series`` is the unit or leader, then 全区.
    """
    check_scope(ctx, unit=unit, leader=leader)
    parts = []
    if unit is not None or leader is not None:
        mine = _counts(ctx, unit, leader)
        parts.append(mine.assign(series=unit or leader))
    parts.append(_counts(ctx, None, None).assign(series=_DISTRICT))
    return pd.concat(parts, ignore_index=True)[["quarter", "series", "on_time_rate"]]


def trend_chart(
    ctx: BriefingContext, *, unit: str | None = None, leader: str | None = None
) -> charts.BarPlot | charts.LinePlot:
    """Return the quarter-over-quarter chart of a scope.

    For the district: due milestones by status per quarter, labelled with the on-time rate.
    For a unit or leader: its on-time rate against the district's.

    Returns
    -------
    BarPlot or LinePlot
        The district's stacked bars (:func:`~taskanalytics.charts.status_trend_plot`), a
        unit's or leader's lines (:func:`~taskanalytics.charts.rate_trend_plot`): drawn as SVG
        without altair.
    """
    if unit is None and leader is None:
        return charts.status_trend_plot(
            _counts(ctx, None, None), title="各季度应完成节点的状态（个）"
        )
    name = unit or leader
    return charts.rate_trend_plot(
        scope_trend(ctx, unit=unit, leader=leader),
        title=f"按期完成率：{name}与全区",
        highlight=name,
    )


# --------------------------------------------------------------------------- indicators


def _fmt(value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _display_series(series: pd.DataFrame) -> pd.DataFrame:
    return series.assign(quarter=series["quarter"].map(quarter_label))


def main_targets(ctx: BriefingContext) -> pd.DataFrame:
    """Return the main expected targets (section 一) in the briefed quarter, target vs actual.

    Returns
    -------
    pandas.DataFrame
        One row per task of category 主要预期目标 and metric: ``task_id, metric, unit,
        lead_units, year_target, target, actual, gap, achievement, band`` (the quarter's
        milestone; blank where no target falls in the quarter).
    """
    tasks = ctx.plan.tasks
    main = tasks[tasks["category"] == MAIN_CATEGORY]
    series = _main_series(ctx)
    cols = ["task_id", "metric", "unit", "lead_units", "year_target", "target", "actual"]
    if series.empty:
        return pd.DataFrame(columns=[*cols, "gap", "achievement", "band"])
    year = series.groupby(["task_id", "metric"], sort=False)["target"].last().rename("year_target")
    now = series[series["quarter"] == ctx.quarter].drop_duplicates(["task_id", "metric"])
    out = year.reset_index().merge(now, on=["task_id", "metric"], how="left")
    units = series.drop_duplicates(["task_id", "metric"])[["task_id", "metric", "unit"]]
    out = out.drop(columns="unit").merge(units, on=["task_id", "metric"])
    out["lead_units"] = out["task_id"].map(main.set_index("task_id")["lead_units"])
    return out[[*cols, "gap", "achievement", "band"]]


def _main_series(ctx: BriefingContext) -> pd.DataFrame:
    """Target series of the 主要预期目标 tasks that have quantitative targets (maybe none)."""
    tasks = ctx.plan.tasks
    ids = tasks.loc[tasks["category"] == MAIN_CATEGORY, "task_id"]
    ids = [t for t in ids if t in set(ctx.plan.targets["task_id"])]
    if not ids:
        return pd.DataFrame()
    return pd.concat([indicator_points(ctx, t) for t in ids], ignore_index=True)


def main_targets_table(ctx: BriefingContext) -> HTML:
    """Return :func:`main_targets` as a table (percent targets compared in points).

    Returns
    -------
    IPython.display.HTML
    """
    rows = main_targets(ctx)
    unit = rows["unit"]
    gap_unit = unit.where(unit != "%", _POINTS)  # percentages are compared in points
    rows = rows.assign(
        **{
            col: [format_quantity(v, u) for v, u in zip(rows[col], unit, strict=True)]
            for col in ("year_target", "target", "actual")
        },
        gap=[
            format_quantity(v, u, signed=True) for v, u in zip(rows["gap"], gap_unit, strict=True)
        ],
    )
    cols = ["metric", "lead_units", "year_target", "target", "actual", "gap", "band"]
    return _table(
        rows,
        cols,
        table="assessment.indicators",
        columns_zh={"target": "本季目标", "actual": "本季实际", "gap": "差距"},
        empty_text="计划中没有主要预期目标。",
        links={"lead_units": _unit_hrefs(ctx)},
    )


def main_targets_chart(ctx: BriefingContext) -> charts.GridPlot | charts.LinePlot | HTML:
    """Return small multiples of the main expected targets: target trajectory vs actuals.

    Returns
    -------
    GridPlot, LinePlot or IPython.display.HTML
        The panels of :func:`~taskanalytics.charts.chart_indicator_series` drawn as SVG
        without altair (:func:`~taskanalytics.charts.indicators_plot`: one panel a metric, a
        single chart when there is one metric); a note when the plan has none.
    """
    series = _main_series(ctx)
    if series.empty:
        return HTML('<p class="ta-note">计划中没有带量化指标的主要预期目标。</p>')
    return charts.indicators_plot(series, title="主要预期目标：目标与实际（累计）")


def indicator_facts(ctx: BriefingContext, key: str) -> HTML:
    """Return one indicator series at a glance: year target, this quarter's target and actual.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    key
        A :meth:`Assessment.series` key (a metric or a task id), e.g. ``化解政府性债务``.

    Returns
    -------
    IPython.display.HTML

    Raises
    ------
    BriefingError
        If the key names no series; the message lists the briefed ones.
    """
    series = indicator_points(ctx, key)
    first = series.iloc[0]
    task = ctx.plan.tasks.set_index("task_id").loc[first["task_id"]]
    unit = "" if pd.isna(first["unit"]) else str(first["unit"])
    now = series[series["quarter"] == ctx.quarter]
    latest = series.dropna(subset=["actual"]).tail(1)
    facts = {"年度目标": f"{_fmt(series['target'].iloc[-1])} {unit}".strip()}
    if len(now):
        row = now.iloc[0]
        facts["本季目标"] = f"{_fmt(row['target'])} {unit}".strip()
        facts["本季实际"] = f"{_fmt(row['actual'])} {unit}".strip()
        facts["完成情况"] = str(row["band"])
        answer = (
            f"{quarter_label(ctx.quarter)}{first['metric']}目标 {facts['本季目标']}，"
            f"实际 {facts['本季实际']}，{row['band']}。"
        )
    else:
        answer = f"{quarter_label(ctx.quarter)}没有{first['metric']}的阶段目标。"
    if len(latest) and (not len(now) or pd.isna(now["actual"].iloc[0])):
        when = pd.Timestamp(latest["actual_as_of"].iloc[0]).strftime("%Y-%m-%d")
        facts[f"最近实际（截至 {when}）"] = f"{_fmt(latest['actual'].iloc[0])} {unit}".strip()
    note = (
        f"任务 {first['task_id']}：{task['title']} 牵头单位："
        f"{va.LIST_SEPARATOR.join(task['lead_units'] or [])}；分管领导："
        f"{va.LIST_SEPARATOR.join(task['leaders'] or [])}。实际值为年度累计，取各季度末的报送。"
    )
    behind = len(now) and _band_code(now.iloc[0]["band"]) == "behind"
    alerts = ["完成情况"] if behind else []
    return key_facts(facts, answer=answer, note=note, alerts=alerts)


def indicator_chart(ctx: BriefingContext, key: str) -> charts.LinePlot | charts.GridPlot:
    """Return an indicator's target trajectory against the reported actuals by quarter.

    Returns
    -------
    LinePlot or GridPlot
        One metric: a line chart; several (a task's indicators): a panel each
        (:func:`~taskanalytics.charts.indicators_plot`, SVG drawn without altair).
    """
    return charts.indicators_plot(indicator_points(ctx, key))


def indicator_table(ctx: BriefingContext, key: str) -> HTML:
    """Return an indicator's points: quarter, target, actual, gap, achievement, band.

    Returns
    -------
    IPython.display.HTML
    """
    rows = with_units(_display_series(indicator_points(ctx, key)))
    cols = ["quarter", "milestone_id", "metric", "due_date", "target", "actual", "gap"]
    cols += ["achievement", "band", "actual_as_of"]
    return _table(rows, cols, table="assessment.indicators")


def indicator_notes(ctx: BriefingContext, key: str, *, max_rows: int | None = 30) -> HTML:
    """Return what the owning units reported for the indicator's milestones, latest first.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    key
        A :meth:`Assessment.series` key.
    max_rows
        Rows shown.

    Returns
    -------
    IPython.display.HTML
        As-of date, unit, milestone, the unit's status word, completion date and note
        (escaped).
    """
    ids = set(indicator_points(ctx, key)["milestone_id"])
    reports = ctx.progress[ctx.progress["milestone_id"].isin(ids)]
    reports = reports.assign(
        reported_status=reports["status"].map(vp.STATUS_LABELS).fillna(reports["status"])
    ).sort_values(["as_of_date", "milestone_id"], ascending=[False, True], kind="stable")
    cols = ["as_of_date", "unit", "milestone_id", "reported_status", "completed_date", "note"]
    return _table(
        reports,
        cols,
        table="progress",
        max_rows=max_rows,
        empty_text="牵头单位尚未报送该指标相关节点的进展。",
        cards=True,
    )
