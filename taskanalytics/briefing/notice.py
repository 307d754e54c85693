"""督查通报: the quarter's Word draft in official format, for the office to edit and issue.

:func:`notice_context` collects the quarter's figures from a
:class:`~taskanalytics.briefing.context.BriefingContext` as plain data (text and numbers, no
frames); :func:`write_notice` fills the package's Word template
(``nbtemplates/notice/督查通报模板.docx``, built by ``scripts/make_notice_template.py``, GB/T
9704 layout) with docxtpl and writes the ``.docx`` atomically. Every number comes from the
context; the prose around them is the template's, which the office may restyle and reword in Word
(``docs/notice.md``). Plan and report text is escaped by docxtpl's autoescape, never by hand.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from taskanalytics.assess import vocab as va
from taskanalytics.briefing.blocks import format_quantity
from taskanalytics.briefing.context import BriefingContext
from taskanalytics.briefing.sections import CARRY_WORDS, _counts, main_targets
from taskanalytics.briefing.watch import RECTIFICATION_WORDS, not_reporting, rectification
from taskanalytics.quarters import Quarter
from taskanalytics.schema.cells import strip_illegal_chars

__all__ = ["DEFAULT_ISSUER", "NOTICE_TEMPLATE", "notice_context", "write_notice"]

#: The issuing office (发文机关标志) until the office names it: a placeholder to replace.
DEFAULT_ISSUER: Final = "XX区人民政府督查室"
#: The addressees (主送机关) until the office names them.
DEFAULT_RECIPIENTS: Final = "各镇（街道），区政府各部门，各有关单位"
#: The Word template inside the package (``importlib.resources`` path parts).
NOTICE_TEMPLATE: Final = ("nbtemplates", "notice", "督查通报模板.docx")

_MISSING: Final = "—"
#: Unit of a gap between two percentages (compared in points).
_POINTS: Final = "个百分点"


# --------------------------------------------------------------------------- formatting


def _text(value: Any) -> str:
    """One value as the document's text: lists joined with 、, missing as —, no control chars."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return va.LIST_SEPARATOR.join(_text(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return _MISSING
    if isinstance(value, (pd.Timestamp, dt.date)):
        return _date_zh(value)
    return str(strip_illegal_chars(str(value)))


def _date_zh(day: dt.date | pd.Timestamp) -> str:
    """``2023年6月30日`` (Arabic numerals, no leading zeros: GB/T 9704)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _month_day(day: Any) -> str:
    """``3月31日``: a date within the plan's year, as tables write it."""
    return _MISSING if day is None or pd.isna(day) else f"{day.month}月{day.day}日"


def rate_text(rate: float) -> str:
    """An on-time rate as the notice writes it: ``79.5%``; ``—`` when nothing was due."""
    return _MISSING if pd.isna(rate) else f"{rate:.1%}"


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _quantity(value: float, unit: object, *, signed: bool = False) -> str:
    return format_quantity(value, unit, signed=signed).replace(" ", "")


def _gap(value: float, unit: object) -> str:
    return _quantity(value, _POINTS if unit == "%" else unit, signed=True)


# --------------------------------------------------------------------------- sections


def _figures(ctx: BriefingContext) -> dict[str, Any]:
    counts = _counts(ctx, None, None).set_index("quarter")
    now = counts.loc[ctx.quarter]
    out: dict[str, Any] = {
        k: _int(now[k])
        for k in ("milestones", "due", "done", "done_on_time", "done_late", "overdue",
                  "not_reported", "due_today", "indicators", "indicators_behind", "watchlist")
    }  # fmt: skip
    out["on_time_rate"] = float(now["on_time_rate"])
    out["on_time_rate_text"] = rate_text(now["on_time_rate"])
    out["previous"] = None
    if len(counts) > 1:
        before = counts.iloc[-2]
        rate, was = float(now["on_time_rate"]), float(before["on_time_rate"])
        if pd.isna(rate) or pd.isna(was):
            change = f"上季度{rate_text(was)}"
        else:
            points = round((rate - was) * 100, 1)
            word = "提高" if points > 0 else "下降" if points < 0 else "持平"
            change = f"比上季度（{rate_text(was)}）{word}" + (
                f"{abs(points):g}个百分点" if points else ""
            )
        out["previous"] = {
            "quarter_zh": Quarter.parse(str(counts.index[-2])).zh,
            "on_time_rate": was,
            "on_time_rate_text": rate_text(was),
            "change_text": change,
        }
    return out


def _indicator_rows(ctx: BriefingContext) -> dict[str, Any]:
    ind = ctx.current("indicators")
    codes = {word: code for code, word in va.BAND_LABELS.items()}
    bands = ind["band"].astype(object).map(codes).value_counts()
    main = main_targets(ctx)
    main_rows = [
        {
            "metric": _text(r.metric),
            "lead_units": _text(r.lead_units),
            "year_target": _quantity(r.year_target, r.unit),
            "target": _quantity(r.target, r.unit),
            "actual": _quantity(r.actual, r.unit),
            "gap": _gap(r.gap, r.unit),
            "band": _text(r.band),
        }
        for r in main.itertuples(index=False)
    ]
    behind = ind[ind["band"].astype(object) == va.BAND_LABELS["behind"]]
    behind_rows = [
        {
            "milestone_id": _text(r.milestone_id),
            "metric": _text(r.metric),
            "lead_units": _text(r.lead_units),
            "due_date": _month_day(r.due_date),
            "target": _quantity(r.target, r.unit),
            "actual": _quantity(r.actual, r.unit),
            "gap": _gap(r.gap, r.unit),
        }
        for r in behind.itertuples(index=False)
    ]
    return {
        "bands": {code: int(bands.get(code, 0)) for code in va.BAND_LABELS},
        "main_rows": main_rows,
        "behind_rows": behind_rows,
    }


def _watch_rows(ctx: BriefingContext) -> dict[str, Any]:
    w = ctx.current("watchlist")
    carried = int(w["carried_over"].astype(bool).sum())
    words = [
        f"{CARRY_WORDS['carried']}{int(n)}季" if on else CARRY_WORDS["new"]
        for on, n in zip(w["carried_over"], w["quarters_on_list"], strict=True)
    ]
    rows = [
        {
            "no": i,
            "milestone_id": _text(r.milestone_id),
            "task_title": _text(r.task_title),
            "text": _text(r.text),
            "lead_units": _text(r.lead_units),
            "leaders": _text(r.leaders),
            "reason": _text(r.reason),
            "days_overdue": _int(r.days_overdue) if _int(r.days_overdue) > 0 else _MISSING,
            "carried": _text(word),
            "note": _text(r.note),
        }
        for i, (r, word) in enumerate(zip(w.itertuples(index=False), words, strict=True), 1)
    ]
    reasons = {
        code: int(w["reason"].str.contains(word, regex=False).sum()) if len(w) else 0
        for code, word in va.WATCH_REASONS.items()
    }
    return {
        "watch_count": len(w),
        "watch_new": len(w) - carried,
        "watch_carried": carried,
        "watch_reasons": reasons,
        "watch_reasons_text": "、".join(
            f"{va.WATCH_REASONS[code]}{n}项" for code, n in reasons.items()
        ),
        "watch_rows": rows,
    }


def _ranking(ctx: BriefingContext) -> dict[str, Any]:
    r = ctx.assessment.unit_ranking(ctx.quarter)
    ranked = r[r["rank"].notna()]
    standing = r["standing"].astype(object)
    rules = ctx.assessment.rules
    return {
        "ranking_min_due": int(rules.min_due_for_ranking),
        "ranking_named": int(rules.ranking_named),
        "ranked_count": len(ranked),
        "unranked_count": len(r) - len(ranked),
        "advanced": _names(r.loc[standing == va.STANDING_LABELS["advanced"], "unit"]),
        "lagging": _names(r.loc[standing == va.STANDING_LABELS["lagging"], "unit"]),
        "ranking_rows": [
            {
                "rank": _int(x.rank),
                "unit": _text(x.unit),
                "standing": _text(x.standing) if x.standing else "",
                "due": _int(x.due),
                "done_on_time": _int(x.done_on_time),
                "overdue": _int(x.overdue),
                "not_reported": _int(x.not_reported),
                "on_time_rate": rate_text(x.on_time_rate),
            }
            for x in ranked.itertuples(index=False)
        ],
    }


def _names(values: Iterable[Any]) -> list[str]:
    return [_text(v) for v in values]


def _rectification(ctx: BriefingContext) -> dict[str, Any]:
    before = Quarter.parse(ctx.quarter).previous()
    listed = before.label in ctx.quarters
    r = rectification(ctx) if listed else pd.DataFrame()
    rows = []
    if len(r):
        shown = r.sort_values("rectified", kind="stable")  # the items still open first
        rows = [
            {
                "milestone_id": _text(x.milestone_id),
                "text": _text(x.text),
                "lead_units": _text(x.lead_units),
                "leaders": _text(x.leaders),
                "reason": _text(x.reason),
                "status": _text(x.status),
                "rectified": RECTIFICATION_WORDS[bool(x.rectified)],
                "is_rectified": bool(x.rectified),
            }
            for x in shown.itertuples(index=False)
        ]
    done = sum(row["is_rectified"] for row in rows)
    return {
        "previous_quarter_zh": before.zh,
        "previous_listed": listed,
        "rect_rows": rows,
        "rect_done": done,
        "rect_open": len(rows) - done,
    }


# --------------------------------------------------------------------------- public


def notice_context(
    ctx: BriefingContext,
    *,
    issuer: str = DEFAULT_ISSUER,
    recipients: str = DEFAULT_RECIPIENTS,
    issue_date: dt.date | None = None,
) -> dict[str, Any]:
    """Return what the 督查通报 says, as plain data for the Word template.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    issuer
        The issuing office (发文机关标志 and 落款); default the placeholder
        :data:`DEFAULT_ISSUER`.
    recipients
        The addressees (主送机关), without the final colon.
    issue_date
        The date of the 落款; default the day ``ctx`` was handed out.

    Returns
    -------
    dict
        Text and numbers only: ``quarter``, ``quarter_zh``, ``as_of_zh``, ``as_of_basis``,
        ``plan_title``, ``is_synthetic``; the district's counts (``tasks``, ``milestones``,
        ``due``, ``done``, ``done_on_time``, ``done_late``, ``overdue``, ``not_reported``,
        ``due_today``, ``on_time_rate`` 0..1 or NaN and ``on_time_rate_text``, ``previous``);
        ``silent_units`` (lead units that did not report); the indicator counts (``indicators``,
        ``bands``) and rows (``main_rows``, ``behind_rows``); the 督办 items (``watch_count``,
        ``watch_new``, ``watch_carried``, ``watch_reasons``, ``watch_rows`` with
        ``lead_units`` and ``leaders``); the 单位排名 (``advanced``, ``lagging``,
        ``ranking_rows``); last quarter's items now (``rect_rows``, ``rect_done``,
        ``rect_open``).

    Examples
    --------
    >>> data = notice_context(load_context("2023Q2", store=store))  # doctest: +SKIP
    >>> data["due"], data["on_time_rate_text"]  # doctest: +SKIP
    (215, '79.5%')
    """
    q = Quarter.parse(ctx.quarter)
    meta = ctx.plan.meta
    silent = not_reporting(ctx)
    day = issue_date or ctx.generated_at.date()
    data: dict[str, Any] = {
        "issuer": _text(issuer),
        "recipients": _text(recipients),
        "doc_number": f"督查通报〔{q.year}〕第　期",
        "issue_date_zh": _date_zh(day),
        "quarter": q.label,
        "quarter_zh": q.zh,
        "year": q.year,
        "as_of": ctx.as_of.isoformat(),
        "as_of_zh": _date_zh(ctx.as_of),
        "as_of_basis": "季度末" if ctx.as_of_is_quarter_end else "季度未结束，按当日数据",
        "plan_title": _text(meta.get("table_title") or meta.get("title") or ctx.plan_name),
        "is_synthetic": bool(ctx.is_synthetic),
        "tasks": len(ctx.plan.tasks),
        "silent_units": [
            {"unit": _text(u), "due": _int(n)}
            for u, n in zip(silent["unit"], silent["due"], strict=True)
        ],
        "silent_units_text": "、".join(
            f"{_text(u)}（应完成节点{_int(n)}个）"
            for u, n in zip(silent["unit"], silent["due"], strict=True)
        ),
    }
    data.update(_figures(ctx))
    data.update(_indicator_rows(ctx))
    data.update(_watch_rows(ctx))
    data.update(_ranking(ctx))
    data.update(_rectification(ctx))
    return data


def _template_path() -> Path:
    return Path(str(resources.files("taskanalytics").joinpath(*NOTICE_TEMPLATE)))


def write_notice(
    ctx: BriefingContext,
    path: str | Path,
    *,
    template: str | Path | None = None,
    **options: Any,
) -> Path:
    """Write the quarter's 督查通报 draft (``.docx``, GB/T 9704 layout), atomically.

    The file is rendered beside ``path`` and renamed into place, so a reader never sees half a
    file. Text from the plan and the reports is escaped by docxtpl (autoescape).

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    path
        The ``.docx`` to write (replaced if present), e.g. ``out_dir / "督查通报_2023Q2.docx"``.
    template
        A Word template with the same placeholders (an office's restyled copy); default the
        package's ``nbtemplates/notice/督查通报模板.docx``.
    **options
        ``issuer``, ``recipients``, ``issue_date``: see :func:`notice_context`.

    Returns
    -------
    pathlib.Path
        ``path``.

    Examples
    --------
    >>> write_notice(ctx, out_dir / f"督查通报_{ctx.quarter}.docx")  # doctest: +SKIP
    """
    from docxtpl import DocxTemplate  # the Word layer is only needed here

    target = Path(path)
    doc = DocxTemplate(str(template or _template_path()))
    doc.render(notice_context(ctx, **options), autoescape=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        doc.save(str(partial))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target
