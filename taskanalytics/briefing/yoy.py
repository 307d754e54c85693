"""与上年对比: this year's quantitative indicators beside last year's final results.

When the progress store holds last year's plan of the same kind, the overview of the year's first
quarter shows, for every quantitative indicator of this year's plan that last year's plan also
had, last year's year target, its year-end actual and completion rate, this year's target and
what has been reported this quarter, with one comparing sentence; and a chart of one metric's
quarterly path in both years (:func:`taskanalytics.charts.chart_year_over_year`).

The rules, each in one place:

- **When.** Only in the quarters of :data:`YOY_QUARTERS`: the first. In January–March last
  year's final results are new and this year's targets have just been set, so the comparison
  says something; from the second quarter on, the year's own trajectory (主要预期目标, 季度趋势)
  is the story and a table of last year's year-end figures would repeat unchanged every
  quarter. Add a quarter number to :data:`YOY_QUARTERS` to show it then too.
- **Which plan is last year's.** A plan registered in the store (:func:`~taskanalytics.progress.
  store.list_plans`) of the same kind (工作报告 / 民生实事) and the year before. If there are
  several, the one named as this plan with the year changed (``2024-工作报告`` ->
  ``2023-工作报告``); if none is, there is no comparison and a warning is logged, never a guess.
  It is read again from the store's archive (:func:`~taskanalytics.progress.store.stored_plan`,
  the version in force on 31 December) and assessed for its four quarters with its own reports.
- **Which indicators are the same.** A series is one task's metric in one unit of measure. Two
  series match when their metric names are equal after removing all whitespace (ASCII and
  full-width spaces, line breaks: :func:`normalize_metric`) and their units are equal likewise.
  Nothing fuzzier: 一般公共预算收入 and 一般公共预算收入增长 are different indicators. When a name
  and unit belong to several tasks in a year, the tasks are paired in plan order if both years
  have the same number of them, else that indicator is left out (logged).
- **Last year's results.** The target with the latest due date is the year target; its actual,
  achievement and band are those of last year's fourth-quarter assessment: the latest report
  with an as-of date up to 31 December counts, so the Q4 reports sent in January do.
- **This year.** The year target is the target with the latest due date; 本年本期目标 the latest
  target due in the briefed quarter, 本年本期实际 the actual the assessment counts for it (the
  level reported by the as-of date; blank until it is due). 上年同期, in the sentence, is the
  same for last year's quarter, as assessed at that quarter's end.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd
from IPython.display import HTML

from taskanalytics import charts, schema
from taskanalytics.assess import vocab as va
from taskanalytics.assess.engine import Assessment, assess, assess_all
from taskanalytics.assess.rules import DEFAULT_RULES, AssessmentRules
from taskanalytics.briefing.blocks import _STYLE, _esc, format_quantity, table_html
from taskanalytics.briefing.context import BriefingContext, BriefingError
from taskanalytics.charts.lazy import alt
from taskanalytics.errors import StoreError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import store as progress_store
from taskanalytics.progress.store import ProgressStore
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = [
    "SECTION_TITLE",
    "YOY_COLUMNS",
    "YOY_QUARTERS",
    "normalize_metric",
    "previous_plan_name",
    "previous_year_results",
    "previous_year_series",
    "yoy_chart",
    "yoy_section",
]

logger = logging.getLogger("taskanalytics")

#: Quarter numbers whose overview compares with last year (see the module's docstring).
YOY_QUARTERS: Final[frozenset[int]] = frozenset({1})
#: Columns of :func:`previous_year_results` (contract table ``briefing.previous_year``).
YOY_COLUMNS: Final[list[str]] = schema.table_schema("briefing.previous_year").names
#: The section's default heading.
SECTION_TITLE = "与上年对比"

_TABLE = "briefing.previous_year"
#: Bands in the order the section lists them: last year's shortfalls first.
_BAND_ORDER = ("behind", "no_data", "nearly_met", "met")
_WHITESPACE = re.compile(r"\s+")
#: Column dtypes of the table: floats, else object (str or None).
_DTYPES: Final[dict[str, str]] = {
    c.name: "float64" if c.kind == "float" else "object"
    for c in schema.table_schema(_TABLE).columns
}


def normalize_metric(text: object) -> str:
    """Return a metric name or unit as compared across years: all whitespace removed.

    Missing (None, NaN) gives ``""``.

    Examples
    --------
    >>> normalize_metric(" 化解 政府性债务\\u3000")
    '化解政府性债务'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _WHITESPACE.sub("", str(text))


# --------------------------------------------------------------------------- last year's plan


def _store_path(store: ProgressStore | str | Path) -> Path:
    return store.path if isinstance(store, ProgressStore) else Path(store)


def _stored_name(store: ProgressStore | str | Path, plan: PlanLike) -> str:
    """The plan's name as the store knows it (a workspace may name it), else its own."""
    versions = progress_store.store_versions(store, plan)
    return versions[0].name if versions else plan_identity(plan).name


def previous_plan_name(store: ProgressStore | str | Path, plan: PlanLike) -> str | None:
    """Return the name of last year's plan of the same kind in the store, or None.

    Parameters
    ----------
    store
        A :class:`~taskanalytics.progress.store.ProgressStore` or the path of its SQLite file;
        a missing file gives None (and is not created).
    plan
        This year's plan.

    Returns
    -------
    str or None
        The one registered plan of ``kind`` and ``year - 1``; of several, the one named as this
        plan with its year changed (``2024-工作报告`` -> ``2023-工作报告``), else None (logged).

    Examples
    --------
    >>> previous_plan_name(store, plan_2024)  # doctest: +SKIP
    '2023-工作报告'
    """
    if not _store_path(store).exists():
        return None
    identity = plan_identity(plan)
    plans = progress_store.list_plans(store)
    same = plans[(plans["year"] == identity.year - 1) & (plans["kind"] == identity.kind)]
    names = [str(n) for n in same["name"]]
    if len(names) <= 1:
        return names[0] if names else None
    name = _stored_name(store, plan)
    wanted = name.replace(str(identity.year), str(identity.year - 1))
    if wanted != name and wanted in names:
        return wanted
    logger.warning(
        "与上年对比 skipped: the store holds %d plans of %s %d (%s) and none is named %r",
        len(names), identity.kind, identity.year - 1, ", ".join(names), wanted,
    )  # fmt: skip
    return None


@dataclass(frozen=True, eq=False)
class _LastYear:
    """Last year's plan, read from the store and assessed for its four quarters."""

    name: str
    plan: PlanLike
    assessment: Assessment
    is_synthetic: bool


def _stamp(path: Path) -> tuple[tuple[int, int] | None, ...]:
    """(mtime, size) of the store file and its WAL: a new ingest changes one of them."""
    out = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _assessed(
    path: Path, stamp: tuple[object, ...], name: str, year: int, rules: AssessmentRules
) -> _LastYear:
    """Read and assess last year's plan; cached on the store's stamp (section and chart share)."""
    plan = progress_store.stored_plan(path, name, at=dt.date(year, 12, 31))
    history = progress_store.load_progress_history(path, plan=plan)
    assessment = assess_all(plan, history, [q.label for q in Quarter.of_year(year)], rules=rules)
    synthetic = bool(history["is_synthetic"].any()) if len(history) else False
    return _LastYear(name, plan, assessment, synthetic)


def _last_year(
    store: ProgressStore | str | Path, plan: PlanLike, rules: AssessmentRules
) -> _LastYear | None:
    name = previous_plan_name(store, plan)
    if name is None:
        logger.info(
            "与上年对比: no plan of the year before %s in the store", plan_identity(plan).name
        )
        return None
    path = _store_path(store)
    try:
        return _assessed(path, _stamp(path), name, plan_identity(plan).year - 1, rules)
    except StoreError as err:  # the comparison is optional: the briefing goes on without it
        logger.warning("与上年对比 skipped: %s", err)
        return None


# --------------------------------------------------------------------------- matching


def _series_keys(plan: PlanLike, quarter: Quarter | None = None) -> pd.DataFrame:
    """One row per series of the plan (task, metric, unit), plan order, with its last target.

    ``m`` and ``u`` are the normalized metric and unit; ``milestone_id``, ``target_no`` and
    ``value`` are those of the target with the latest due date (a target without a due date
    counts as the latest), of all targets or of those due in ``quarter``.
    """
    targets = plan.targets.merge(
        plan.milestones[["milestone_id", "due_date"]], on="milestone_id", how="left"
    )
    targets = targets.assign(
        m=targets["metric"].map(normalize_metric),
        u=targets["unit"].map(normalize_metric),
        _order=range(len(targets)),
    )
    if quarter is not None:
        due = pd.to_datetime(targets["due_date"])
        targets = targets[(due >= pd.Timestamp(quarter.start)) & (due <= pd.Timestamp(quarter.end))]
    first = targets.groupby(["task_id", "m", "u"], sort=False)["_order"].min()
    last = targets.sort_values(["due_date", "target_no"], na_position="last", kind="stable")
    last = last.groupby(["task_id", "m", "u"], sort=False).tail(1).set_index(["task_id", "m", "u"])
    out = last.loc[first.sort_values().index].reset_index()
    out["metric"] = out["metric"].map(lambda v: str(v).strip())
    out["unit"] = out["unit"].map(lambda v: None if normalize_metric(v) == "" else str(v).strip())
    return out[["task_id", "m", "u", "metric", "unit", "milestone_id", "target_no", "value"]]


def _match(this: pd.DataFrame, last: pd.DataFrame) -> pd.DataFrame:
    """Pair this year's series with last year's: ``this``'s rows that match, with
    ``last_task_id``."""
    last_tasks = last.groupby(["m", "u"], sort=False)["task_id"].apply(list)
    this_tasks = this.groupby(["m", "u"], sort=False)["task_id"].apply(list)
    rows = []
    for row in this.itertuples(index=False):
        key = (row.m, row.u)
        if key not in last_tasks.index:
            continue
        before, now = last_tasks[key], this_tasks[key]
        if len(before) != len(now):
            logger.info(
                "与上年对比: %s（%s）is in %d task(s) this year and %d last year; left out",
                row.metric, row.unit or "", len(now), len(before),
            )  # fmt: skip
            continue
        rows.append({**row._asdict(), "last_task_id": before[now.index(row.task_id)]})
    return pd.DataFrame(rows, columns=[*this.columns, "last_task_id"])


def _pick(series: pd.DataFrame, m: str, u: str) -> pd.DataFrame:
    """The points of one metric and unit from a task's :meth:`Assessment.series`."""
    keep = (series["metric"].map(normalize_metric) == m) & (
        series["unit"].map(normalize_metric) == u
    )
    return series[keep].reset_index(drop=True)


def _lookup(
    keys: pd.DataFrame,
    indicators: pd.DataFrame,
    quarter: Quarter,
    task_ids: pd.Series,
    m: pd.Series,
    u: pd.Series,
) -> pd.DataFrame:
    """For each (task, m, u): the key target's row of ``indicators`` in ``quarter`` (NaN rows
    where the target has none: not due, or no target), with the target's ``value``."""
    at = indicators[indicators["quarter"] == quarter.label]
    found = keys.merge(at, on=["milestone_id", "target_no"], how="left", suffixes=("", "_i"))
    found = found.set_index(["task_id", "m", "u"])
    wanted = pd.MultiIndex.from_arrays([task_ids, m, u])
    return found.reindex(wanted)[["value", "actual", "achievement", "band"]].reset_index(drop=True)


# --------------------------------------------------------------------------- the comparison


@dataclass(frozen=True, eq=False)
class _Comparison:
    """Everything the table, the section and the chart need; empty ``table`` when none."""

    quarter: Quarter
    table: pd.DataFrame
    last: _LastYear | None = None
    assessment: Assessment | None = None  # this year's
    indicators: int = 0  # this year's series, matched or not


def _empty(quarter: Quarter) -> _Comparison:
    return _Comparison(quarter, pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in YOY_COLUMNS}))


def _compare(
    plan: PlanLike,
    store: ProgressStore | str | Path,
    quarter: QuarterLike,
    assessment: Assessment | None,
) -> _Comparison:
    q = Quarter.parse(quarter)
    if q.number not in YOY_QUARTERS or plan.targets.empty:
        return _empty(q)
    rules = assessment.rules if assessment is not None else DEFAULT_RULES
    last = _last_year(store, plan, rules)
    if last is None:
        return _empty(q)
    this_keys = _series_keys(plan)
    matches = _match(this_keys, _series_keys(last.plan))
    if matches.empty:
        return _empty(q)
    if assessment is None or q.label not in assessment.quarters:
        history = progress_store.load_progress_history(store, plan=plan)
        assessment = assess(plan, history, q.label, rules=rules)
    same_q = Quarter(q.year - 1, q.number)
    last_ind = last.assessment.indicators
    ids, m, u = matches["last_task_id"], matches["m"], matches["u"]
    year_end = _lookup(_series_keys(last.plan), last_ind, Quarter(q.year - 1, 4), ids, m, u)
    then = _lookup(_series_keys(last.plan, same_q), last_ind, same_q, ids, m, u)
    now = _lookup(_series_keys(plan, q), assessment.indicators, q, matches["task_id"], m, u)
    table = pd.DataFrame(
        {
            "task_id": matches["task_id"],
            "metric": matches["metric"],
            "unit": matches["unit"],
            "last_year_task_id": ids,
            "last_year_target": year_end["value"],
            "last_year_actual": year_end["actual"],
            "last_year_achievement": year_end["achievement"],
            "last_year_band": [None if pd.isna(b) else str(b) for b in year_end["band"]],
            "year_target": matches["value"],
            "quarter_target": now["value"],
            "quarter_actual": now["actual"],
        }
    ).astype({c: t for c, t in _DTYPES.items() if t == "float64" and c != "comparison"})
    table["comparison"] = [
        _sentence(
            q,
            unit=row.unit,
            last_year_target=row.last_year_target,
            last_year_actual=row.last_year_actual,
            year_target=row.year_target,
            quarter_actual=row.quarter_actual,
            same_quarter=same,
        )
        for row, same in zip(table.itertuples(index=False), then["actual"], strict=True)
    ]
    return _Comparison(q, table[YOY_COLUMNS], last, assessment, len(this_keys))


def _sentence(
    q: Quarter,
    *,
    unit: str | None,
    last_year_target: float,
    last_year_actual: float,
    year_target: float,
    quarter_actual: float,
    same_quarter: float,
) -> str:
    """对比, in one sentence: this year's target against last year's target and result, this
    quarter against the same quarter last year. The figures themselves are in the columns.

    ``目标与上年持平，为上年完成的 99%；一季度实际 17,676 万元，上年同期 17,676 万元。``
    Percentages (growth rates) are compared in points.
    """
    points = unit == "%"
    last_target, target, last_actual = last_year_target, year_target, last_year_actual
    diff = target - last_target
    if abs(diff) < 1e-9:
        first = "目标与上年持平"
    elif points:
        first = f"目标比上年{'提高' if diff > 0 else '降低'} {format_quantity(abs(diff))} 个百分点"
    else:
        first = f"目标比上年{'增加' if diff > 0 else '减少'} {format_quantity(abs(diff), unit)}"
        first += f"（{diff / abs(last_target):+.1%}）" if last_target else ""
    if pd.isna(last_actual):
        parts = [first, "上年年末无完成数据"]
    elif points:
        gap = target - last_actual
        if abs(gap) < 1e-9:
            parts = [f"{first}，与上年完成相同"]
        else:
            word = "高" if gap > 0 else "低"
            parts = [f"{first}，比上年完成{word} {format_quantity(abs(gap))} 个百分点"]
    elif last_actual:
        parts = [f"{first}，为上年完成的 {target / last_actual:.0%}"]
    else:
        parts = [first]
    if not pd.isna(quarter_actual):
        now = f"{q.zh_short}实际 {format_quantity(quarter_actual, unit)}"
        if not pd.isna(same_quarter):
            now += f"，上年同期 {format_quantity(same_quarter, unit)}"
        parts.append(now)
    return "；".join(parts) + "。"


# --------------------------------------------------------------------------- public API


def previous_year_results(
    plan: PlanLike,
    store: ProgressStore | str | Path,
    *,
    quarter: QuarterLike,
    assessment: Assessment | None = None,
) -> pd.DataFrame:
    """Return this year's indicators beside last year's final results (与上年对比).

    Parameters
    ----------
    plan
        This year's plan; not modified.
    store
        The progress store holding both years' plans (a
        :class:`~taskanalytics.progress.store.ProgressStore` or the path of its SQLite file).
        Nothing is written to it; a missing file is not created.
    quarter
        The quarter briefed. Outside :data:`YOY_QUARTERS` (the first quarter) the frame is
        empty without reading the store.
    assessment
        This year's assessment covering ``quarter`` (a briefing's ``ctx.assessment``), for
        本年本期; default: assessed here from the store at the quarter's end (or today).

    Returns
    -------
    pandas.DataFrame
        :data:`YOY_COLUMNS` (contract table ``briefing.previous_year``): one row per series of
        this year's plan that last year's plan also has, plan order: ``task_id, metric, unit,
        last_year_task_id, last_year_target, last_year_actual, last_year_achievement,
        last_year_band, year_target, quarter_target, quarter_actual, comparison``. Empty when
        the quarter is not compared, the store holds no plan of the same kind for the year
        before (or several and none named alike), or no metric matches. The rules are in this
        module's docstring.

    Raises
    ------
    PlanMismatchError
        If ``plan``'s source is registered in the store under another name or year.

    Examples
    --------
    >>> t = previous_year_results(plan_2024, store, quarter="2024Q1")  # doctest: +SKIP
    >>> t.loc[t["metric"] == "化解政府性债务", ["last_year_target", "last_year_actual"]]  # doctest: +SKIP
    """
    return _compare(plan, store, quarter, assessment).table.copy()


def previous_year_series(
    plan: PlanLike,
    store: ProgressStore | str | Path,
    metric: str,
    *,
    quarter: QuarterLike,
    assessment: Assessment | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return one matched metric's quarterly points in last year's and this year's plan.

    Parameters
    ----------
    plan, store, quarter, assessment
        As for :func:`previous_year_results`.
    metric
        A metric of :func:`previous_year_results` (compared after :func:`normalize_metric`);
        the first row with that name when several tasks have it.

    Returns
    -------
    tuple of pandas.DataFrame
        Last year's and this year's :meth:`Assessment.series` points of the metric (last year's
        as of each quarter's end; this year's as of ``assessment``'s date).

    Raises
    ------
    BriefingError
        If the metric is not compared (the message lists those that are).
    """
    found = _compare(plan, store, quarter, assessment)
    return _series_pair(found, metric)


def _series_pair(found: _Comparison, metric: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = found.table[found.table["metric"].map(normalize_metric) == normalize_metric(metric)]
    if rows.empty:
        raise BriefingError(
            "indicator compared with last year", metric, list(found.table["metric"])
        )
    return _series_of(found, rows.iloc[0])


def _series_of(found: _Comparison, row: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Last year's and this year's series points of one row of the table."""
    assert found.last is not None and found.assessment is not None  # a row implies both
    m, u = normalize_metric(row["metric"]), normalize_metric(row["unit"])
    return (
        _pick(found.last.assessment.series(row["last_year_task_id"]), m, u),
        _pick(found.assessment.series(row["task_id"]), m, u),
    )


# --------------------------------------------------------------------------- the section


def _from_ctx(ctx: BriefingContext) -> _Comparison:
    return _compare(ctx.plan, ctx.store_path, ctx.quarter, ctx.assessment)


def yoy_section(
    ctx: BriefingContext, *, title: str = SECTION_TITLE, max_rows: int | None = 20
) -> HTML | None:
    """Return the 与上年对比 section of the overview, or None when there is nothing to compare.

    None (not an empty HTML) so the notebook cell has no output at all and the page shows no
    heading over nothing: in quarters other than the first, and when the store holds no plan of
    last year (see :func:`previous_year_results`).

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    title
        The section's heading (the notebook numbers it: ``七、与上年对比``).
    max_rows
        Rows shown: last year's 滞后 first, then 无数据, 基本达标, 达标 (as the indicator tables
        of the briefings), plan order within each; the rest are counted.

    Returns
    -------
    IPython.display.HTML or None
        Heading, one answer sentence (how many indicators, last year's bands), the table with
        Chinese headers (quantities with their units, last year's band as a badge), and a note
        on how indicators are matched and where last year's figures come from.
    """
    found = _from_ctx(ctx)
    if found.table.empty or found.last is None:
        return None
    rows = found.table
    last_plan = found.last.plan
    y1, y0 = found.quarter.year, found.quarter.year - 1
    bands = rows["last_year_band"].fillna(va.BAND_LABELS["no_data"]).value_counts()
    counted = "、".join(
        f"{word} {int(bands[word])} 个"
        for code in ("met", "nearly_met", "behind", "no_data")
        if (word := va.BAND_LABELS[code]) in bands
    )
    answer = (
        f"{y1}年计划中有 {len(rows)} 个量化指标与{y0}年计划同名同单位；"
        f"其上年年末完成情况：{counted}。上年滞后、无数据的指标列在前面。"
    )
    rank = {va.BAND_LABELS[code]: i for i, code in enumerate(_BAND_ORDER)}
    rows = rows.assign(_b=rows["last_year_band"].map(rank).fillna(1)).sort_values(
        "_b", kind="stable"
    )
    unit = rows["unit"]
    shown = rows.assign(
        **{
            col: [format_quantity(v, u) for v, u in zip(rows[col], unit, strict=True)]
            for col in ("last_year_target", "last_year_actual", "year_target", "quarter_actual")
        },
    )
    columns = ["metric", "last_year_target", "last_year_actual", "last_year_achievement"]
    columns += ["last_year_band", "year_target", "quarter_actual", "comparison"]
    table = table_html(
        shown,
        columns=columns,
        table=_TABLE,
        columns_zh={"quarter_actual": f"本年{found.quarter.zh_short}实际"},
        formats={"last_year_achievement": "{:.0%}"},
        badges=("last_year_band",),
        max_rows=max_rows,
        cards=True,
    ).data.replace(_STYLE, "")
    meta = last_plan.meta
    doc = "，".join(str(v) for v in (meta.get("title"), meta.get("doc_number")) if v)
    left_out = found.indicators - len(rows)
    note = (
        "指标按名称和计量单位对应（忽略空格，不做近似匹配）"
        + (f"，本年另有 {left_out} 个量化指标上年没有同名指标，未列入" if left_out else "")
        + "。上年目标为上年最后到期的目标值，上年完成（年末）为上年第四季度末评估所用的报送值，"
        "上年完成率 = 上年完成 ÷ 上年目标；本年本期实际为截至 "
        f"{ctx.as_of_text}的报送值。上年数据来自进度库中的计划 {found.last.name}"
        + (f"（{doc}）" if doc else "")
        + ("，其进度含示例数据" if found.last.is_synthetic else "")
        + "。"
    )
    return HTML(
        _STYLE
        + f'<h2 class="ta-h">{_esc(title)}</h2>'
        + f'<p class="ta-answer">{_esc(answer)}</p>'
        + table
        + f'<p class="ta-note">{_esc(note)}</p>'
    )


def yoy_chart(ctx: BriefingContext, metric: str | None = None) -> alt.Chart | None:
    """Return one metric's quarterly path this year against last year, or None.

    Parameters
    ----------
    ctx
        From :func:`~taskanalytics.briefing.load_context`.
    metric
        A metric of the 与上年对比 table (e.g. ``化解政府性债务``). Default: the first row, in
        plan order, with targets in at least two quarters in both years (a path to compare)
        and an actual reported this quarter; else the first with such a path; else the first.

    Returns
    -------
    alt.Chart or None
        :func:`taskanalytics.charts.chart_year_over_year`; None where :func:`yoy_section` is
        None.

    Raises
    ------
    BriefingError
        If ``metric`` is given and not compared.
    """
    found = _from_ctx(ctx)
    if found.table.empty:
        return None
    if metric is not None:
        last, this = _series_pair(found, metric)
        return charts.chart_year_over_year(last, this)
    table = found.table
    # rows with an actual this quarter first, then all, in plan order: the first with a path
    for i in [*table.index[table["quarter_actual"].notna()], *table.index]:
        last, this = _series_of(found, table.loc[i])
        if last["quarter"].nunique() >= 2 and this["quarter"].nunique() >= 2:
            return charts.chart_year_over_year(last, this)
    last, this = _series_of(found, table.iloc[0])
    return charts.chart_year_over_year(last, this)
