"""Quarterly assessment: what was due, what is done, what is late, who owns it.

:func:`assess` judges every milestone of a plan at a quarter's end (or an earlier as-of date)
from the progress reports received by then, measures each due target against the reported actual,
and rolls the verdicts up by task, lead unit, leader, category and section; :func:`assess_all`
does the same for several quarters in one call and stacks the tables. The rules, with their
thresholds, are :class:`AssessmentRules` here and ``docs/assessment-rules.md`` in prose.

The verdict is a *schedule* status computed from dates, reports and targets. The unit's own
status word (已完成/推进中/未启动/滞后) is data: it is kept as ``reported_status`` and used only
through the rules below, never copied into the verdict.

Implementation: reports are sorted once by (milestone, as-of date, ingestion); the latest report
per milestone at a date is then one vectorized pass, and every verdict, band and roll-up is
computed on integer arrays. No Python loop runs per milestone or report.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from taskanalytics.assess import rollup
from taskanalytics.assess import vocab as va
from taskanalytics.errors import AssessmentError, TaskAnalyticsError
from taskanalytics.plan.build import PlanLike
from taskanalytics.progress import vocab as vp
from taskanalytics.quarters import Quarter

__all__ = [
    "Assessment",
    "AssessmentRules",
    "DEFAULT_RULES",
    "assess",
    "assess_all",
    "resolve_quarter",
]

logger = logging.getLogger("taskanalytics")

#: Columns a progress frame must have (``load_progress`` / ``load_progress_history`` output).
REQUIRED_PROGRESS_COLUMNS: Final[tuple[str, ...]] = (
    "milestone_id",
    "as_of_date",
    "status",
    "completed_date",
)
QUARTER_FORMS: Final = "2023Q2, 2023-Q2, 2023 Q2 or 2023q2 (year, Q, quarter 1-4)"

_NAT: Final = np.iinfo(np.int64).min
_ACTUAL_RE: Final = re.compile(r"^actual_(\d+)$")
_REPORTED = {code: i for i, code in enumerate(vp.STATUS_LABELS)}  # done 0 … late 3
_DONE, _NOT_STARTED = _REPORTED["done"], _REPORTED["not_started"]
_S = {code: i for i, code in enumerate(va.STATUS_LABELS)}  # verdict codes
_B = {code: i for i, code in enumerate(va.BAND_LABELS)}
_SEVERITY = np.array([va.STATUS_SEVERITY[c] for c in va.STATUS_LABELS], dtype=np.int64)
_STATUS_DTYPE = pd.CategoricalDtype(list(va.STATUS_LABELS.values()))
_BAND_DTYPE = pd.CategoricalDtype(list(va.BAND_LABELS.values()))
_LIGHT_DTYPE = pd.CategoricalDtype(list(va.LIGHT_LABELS.values()), ordered=True)
_STATUS_CODES = np.array(list(va.STATUS_LABELS), dtype=object)


@dataclass(frozen=True)
class AssessmentRules:
    """The thresholds of the assessment, in one place (see ``docs/assessment-rules.md``).

    Attributes
    ----------
    due_soon_days : int
        A milestone not done and due within this many days *after* the as-of date is 临期.
    met_ratio : float
        Achievement (actual / target) at or above this is 达标.
    nearly_met_ratio : float
        Achievement at or above this (and below ``met_ratio``) is 基本达标; below is 滞后.
    nearly_met_points : float
        For ``%`` targets, compared in percentage points: an actual at most this many points
        below the target is 基本达标; at or above the target 达标.
    not_reported_is_yellow : bool
        A due milestone without a report lights its row yellow (it cannot be shown on track).
    """

    due_soon_days: int = 15
    met_ratio: float = 1.0
    nearly_met_ratio: float = 0.9
    nearly_met_points: float = 1.0
    not_reported_is_yellow: bool = True


DEFAULT_RULES: Final = AssessmentRules()


# --------------------------------------------------------------------------- inputs


def _quarter(quarter: object) -> tuple[str, int, int]:
    """Return ``(label, first day, last day)`` of a quarter, days since 1970-01-01."""
    try:
        q = Quarter.parse(quarter)
    except TaskAnalyticsError:
        raise AssessmentError("unknown quarter", found=quarter, expected=QUARTER_FORMS) from None
    return q.label, _day(q.start), _day(q.end)


def _day(value: dt.date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def _to_days(values: pd.Series | pd.Index) -> np.ndarray:
    """Datetime-like values -> int64 days since epoch (NaT -> the int64 minimum)."""
    idx = pd.DatetimeIndex(pd.to_datetime(values))
    if idx.tz is not None:
        idx = idx.tz_convert(None)
    return idx.to_numpy().astype("datetime64[D]").astype(np.int64)


def _from_days(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[ns]")


@dataclass(frozen=True)
class _Plan:
    """A plan's milestones and targets as arrays, plus the static columns of the tables."""

    ms: pd.DataFrame  # static milestone columns, plan order
    ids: pd.Index
    due: np.ndarray
    year_start: np.ndarray
    recurring: np.ndarray
    targets: pd.DataFrame  # static target columns
    t_ms: np.ndarray
    t_no: np.ndarray
    t_value: np.ndarray
    t_points: np.ndarray
    groupings: dict[str, rollup.Grouping]  # "task" groups milestones, the others tasks
    first_year: int
    ms_task: np.ndarray
    owners_text: tuple[np.ndarray, np.ndarray]


def _lookup(index: pd.Index, values: pd.Series) -> np.ndarray:
    """``index.get_indexer(values)``, looking up each run of equal values once.

    Progress frames come sorted by milestone (several reports each); hashing only the first of
    each run makes the lookup of ~1.7M ids about four times faster, and is exact for any order.
    """
    arr = values.to_numpy(dtype=object)
    if len(arr) < 2:
        return index.get_indexer(arr)
    head = np.empty(len(arr), dtype=bool)
    head[0] = True
    np.not_equal(arr[1:], arr[:-1], out=head[1:])
    starts = np.flatnonzero(head)
    return np.repeat(index.get_indexer(arr[starts]), np.diff(np.append(starts, len(arr))))


def _take(
    column: pd.Series, positions: np.ndarray
) -> np.ndarray | pd.api.extensions.ExtensionArray:
    return column.array.take(positions)


def _prepare_plan(plan: PlanLike) -> _Plan:
    ms, tasks = plan.milestones, plan.tasks
    ids = pd.Index(ms["milestone_id"].to_numpy(dtype=object))
    if not ids.is_unique:
        dup = ids[ids.duplicated()].unique().tolist()[:5]
        raise AssessmentError("plan.milestones has duplicate milestone_id", found=dup)
    ms_task = _lookup(pd.Index(tasks["task_id"].to_numpy(dtype=object)), ms["task_id"])
    if (ms_task < 0).any():
        bad = ms.loc[ms_task < 0, "task_id"].unique().tolist()[:5]
        raise AssessmentError("milestones refer to tasks not in plan.tasks", found=bad)
    due = _to_days(ms["due_date"])
    if (due == _NAT).any():
        bad = ms.loc[due == _NAT, "milestone_id"].tolist()[:5]
        raise AssessmentError("milestones without a due_date", found=bad)
    due_d = due.astype("datetime64[D]")
    year_start = due_d.astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    everything = np.arange(len(ms))
    columns: dict[str, Any] = {
        c: _take(ms[c], everything)
        for c in ("milestone_id", "task_id", "label", "text", "due_kind", "recurrence")
    }
    columns["due_date"] = _from_days(due)
    columns["due_quarter"] = _quarter_labels(due_d)
    for c in ("section", "category", "lead_units", "leaders"):
        columns[c] = _take(tasks[c], ms_task)
    columns["task_title"] = _take(tasks["title"], ms_task)
    order = ["milestone_id", "task_id", "task_title", "label", "text", "due_date", "due_kind"]
    order += ["recurrence", "due_quarter", "section", "category", "lead_units", "leaders"]
    static = pd.DataFrame({c: columns[c] for c in order}, copy=False)
    tg = plan.targets
    t_ms = _lookup(ids, tg["milestone_id"])
    tg = tg.loc[t_ms >= 0]
    t_ms = t_ms[t_ms >= 0]
    t_all = np.arange(len(tg))
    t_static = pd.DataFrame(
        {
            "milestone_id": _take(tg["milestone_id"], t_all),
            "task_id": _take(static["task_id"], t_ms),
            "target_no": tg["target_no"].to_numpy(dtype=np.int64),
            "metric": _take(tg["metric"], t_all),
            "unit": _take(tg["unit"], t_all),
            "comparator": _take(tg["comparator"], t_all),
            "due_date": static["due_date"].to_numpy()[t_ms],
            "due_quarter": _take(static["due_quarter"], t_ms),
            "target": tg["value"].to_numpy(dtype=float),
            "lead_units": _take(static["lead_units"], t_ms),
            "leaders": _take(static["leaders"], t_ms),
        }
    )
    year = _plan_year(plan, due_d)
    return _Plan(
        ms=static,
        ids=ids,
        due=due,
        year_start=year_start,
        recurring=(ms["due_kind"] == "recurring").to_numpy(dtype=bool),
        targets=t_static,
        t_ms=t_ms,
        t_no=t_static["target_no"].to_numpy(),
        t_value=t_static["target"].to_numpy(),
        t_points=(tg["unit"] == "%").to_numpy(dtype=bool),
        groupings=rollup.build_groupings(tasks, ms_task, by_task=True),
        first_year=year,
        ms_task=ms_task,
        owners_text=tuple(
            np.array([va.LIST_SEPARATOR.join(v) for v in tasks[c]], dtype=object)[ms_task]
            for c in ("lead_units", "leaders")
        ),
    )


def _plan_year(plan: PlanLike, due: np.ndarray) -> int:
    meta = getattr(plan, "meta", None) or {}
    if isinstance(meta.get("year"), int):
        return int(meta["year"])
    return int(due.min().astype("datetime64[Y]").astype(int) + 1970) if len(due) else 1970


def _quarter_labels(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[M]").astype(np.int64)
    unique, inverse = np.unique(months // 3, return_inverse=True)  # quarters since 1970Q1
    labels = np.array([f"{q // 4 + 1970}Q{q % 4 + 1}" for q in unique], dtype=object)
    return labels[inverse.reshape(-1)]


@dataclass(frozen=True)
class _Reports:
    """Matched reports sorted by (milestone, as-of, ingestion, input order)."""

    frame: pd.DataFrame  # the progress frame as given (not copied)
    row: np.ndarray  # position in ``frame``
    ms: np.ndarray
    as_of: np.ndarray
    status: np.ndarray
    completed: np.ndarray
    actual: np.ndarray  # reports x target numbers
    actual_col: dict[int, int]  # target_no -> column of ``actual``
    unmatched: pd.DataFrame

    def select(self, day: int, n_ms: int) -> np.ndarray:
        """Position (in sorted order) of each milestone's latest report on or before ``day``."""
        ok = np.flatnonzero(self.as_of <= day)
        codes = self.ms[ok]
        last = np.ones(len(ok), dtype=bool)
        last[:-1] = codes[1:] != codes[:-1]
        sel = np.full(n_ms, -1, dtype=np.int64)
        sel[codes[last]] = ok[last]
        return sel


def _prepare_reports(progress: pd.DataFrame, ids: pd.Index) -> _Reports:
    if not isinstance(progress, pd.DataFrame):
        raise AssessmentError(
            "progress must be a DataFrame",
            found=type(progress).__name__,
            expected="load_progress or load_progress_history output",
        )
    missing = [c for c in REQUIRED_PROGRESS_COLUMNS if c not in progress.columns]
    if missing:
        raise AssessmentError(
            f"progress frame is missing required column(s) {', '.join(missing)}",
            expected=f"columns {', '.join(REQUIRED_PROGRESS_COLUMNS)} "
            "(as returned by load_progress_history)",
        )
    codes = _lookup(ids, progress["milestone_id"])
    unmatched = progress.loc[codes < 0]
    if len(unmatched):
        logger.warning(
            "%d progress report(s) for %d milestone(s) not in the plan: %s",
            len(unmatched),
            unmatched["milestone_id"].nunique(),
            ", ".join(map(str, unmatched["milestone_id"].unique()[:5])),
        )
    matched = np.flatnonzero(codes >= 0)
    status = _status_codes(progress["status"])
    as_of = _to_days(progress["as_of_date"])
    if (as_of[matched] == _NAT).any():
        rows = matched[as_of[matched] == _NAT][:5].tolist()
        raise AssessmentError(
            "progress rows without an as_of_date", found=rows, expected="a date in every row"
        )
    completed = _to_days(progress["completed_date"])
    if "ingested_at" in progress.columns:
        ingested = pd.DatetimeIndex(pd.to_datetime(progress["ingested_at"], utc=True)).asi8
    else:
        ingested = np.zeros(len(progress), dtype=np.int64)
    order = matched[np.lexsort((matched, ingested[matched], as_of[matched], codes[matched]))]
    numbers = {int(m.group(1)): c for c in progress.columns if (m := _ACTUAL_RE.match(str(c)))}
    actual_col = {no: j for j, no in enumerate(sorted(numbers))}
    if numbers:
        cols = [numbers[no] for no in sorted(numbers)]
        actual = progress[cols].to_numpy(dtype=float, na_value=np.nan)[order]
    else:
        actual = np.zeros((len(order), 0))
    return _Reports(
        frame=progress,
        row=order,
        ms=codes[order],
        as_of=as_of[order],
        status=status[order],
        completed=completed[order],
        actual=actual,
        actual_col=actual_col,
        unmatched=unmatched.reset_index(drop=True),
    )


def _status_codes(status: pd.Series) -> np.ndarray:
    codes, uniques = pd.factorize(status, use_na_sentinel=True)
    lookup = {str(k).strip(): v for k, v in vp.STATUS_ALIASES.items()}
    mapped = [_REPORTED.get(lookup.get(str(u).strip(), ""), -1) for u in uniques]
    bad = [u for u, m in zip(uniques, mapped, strict=True) if m < 0]
    if bad or (codes < 0).any():
        raise AssessmentError(
            "unknown status value(s) in progress",
            found=bad or [None],
            expected="done/in_progress/not_started/late or " + "/".join(vp.STATUS_LABELS.values()),
        )
    return np.asarray(mapped, dtype=np.int8)[codes] if len(codes) else np.zeros(0, np.int8)


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class _Snapshot:
    """Every verdict at one as-of date, as arrays aligned with the plan's milestones/targets."""

    quarter: str
    day: int
    sel: np.ndarray
    status: np.ndarray
    is_due: np.ndarray
    days_overdue: np.ndarray
    light: np.ndarray
    t_due: np.ndarray
    actual: np.ndarray
    achievement: np.ndarray
    gap: np.ndarray
    band: np.ndarray
    flags: _Flags | None  # assessed quarters only

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(np.datetime64(self.day, "D"))


def _bands(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray, rules: AssessmentRules
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Achievement ratio, gap (actual - target) and band code of each target."""
    eps = 1e-9
    gap = actual - target
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(target != 0, actual / np.where(target != 0, target, 1), np.nan)
    met_ratio = np.where(target > 0, ratio >= rules.met_ratio - eps, gap >= -eps)
    near_ratio = np.where(target > 0, ratio >= rules.nearly_met_ratio - eps, False)
    met = np.where(points, gap >= -eps, met_ratio)
    near = np.where(points, gap >= -rules.nearly_met_points - eps, near_ratio)
    band = np.where(met, _B["met"], np.where(near, _B["nearly_met"], _B["behind"]))
    band = np.where(np.isnan(actual), _B["no_data"], band).astype(np.int8)
    return ratio, gap, band


def _evaluate(
    p: _Plan,
    r: _Reports,
    quarter: str,
    day: int,
    q_start: int,
    q_end: int,
    rules: AssessmentRules,
    *,
    full: bool = True,
) -> _Snapshot:
    n = len(p.ids)
    sel = r.select(day, n)
    has = sel >= 0
    s = np.where(has, sel, 0)
    if len(r.ms) == 0:
        s = np.zeros(n, dtype=np.int64)
        rstat = np.full(n, -1, dtype=np.int8)
        rasof = np.full(n, _NAT)
        comp = np.full(n, _NAT)
    else:
        rstat = np.where(has, r.status[s], -1)
        rasof = np.where(has, r.as_of[s], _NAT)
        comp = np.where(has, r.completed[s], _NAT)
    said_done = rstat == _DONE
    comp = np.where(said_done & (comp == _NAT), rasof, comp)  # no date: the report's as-of
    done = said_done & (comp <= day)

    # The latest complete reporting quarter: this one at its end, else the one before.
    if day == q_end:
        p_start, p_end = q_start, q_end
    else:
        p_end = q_start - 1
        prev = np.datetime64(p_end, "D").astype("datetime64[M]") - 2
        p_start = int(prev.astype("datetime64[D]").astype(np.int64))
    recurring = p.recurring & (day < p.due) & (p_end >= p.year_start)
    dated = ~recurring
    due_now = p.due <= day

    status = np.full(n, _S["in_progress"], dtype=np.int8)
    days = np.zeros(n, dtype=np.int64)
    # dated milestones (and recurring ones past their final date or not yet started)
    on_time = dated & done & (comp <= p.due)
    late_done = dated & done & (comp > p.due)
    open_ = dated & ~done
    overdue = open_ & due_now & has
    unreported_due = open_ & due_now & ~has
    future = open_ & ~due_now
    soon = future & (p.due - day <= rules.due_soon_days)
    rest = future & ~soon
    status[on_time] = _S["on_time"]
    status[late_done] = _S["done_late"]
    status[overdue] = _S["overdue"]
    status[unreported_due] = _S["not_reported"]
    status[soon] = _S["due_soon"]
    status[rest & ~has] = _S["not_due"]
    status[rest & has & (rstat == _NOT_STARTED)] = _S["not_started"]
    days[late_done] = (comp - p.due)[late_done]
    late_open = overdue | unreported_due
    days[late_open] = day - p.due[late_open]
    # recurring milestones: judged on the latest complete reporting quarter
    fresh = has & (rasof >= p_start)
    status[recurring & fresh & said_done] = _S["on_time"]
    status[recurring & fresh & ~said_done] = _S["overdue"]
    status[recurring & ~fresh] = _S["not_reported"]
    days[recurring & ~(fresh & said_done)] = day - p_end
    is_due = due_now | recurring

    is_overdue = status == _S["overdue"]
    if not full:  # a quarter needed only for red streaks: only the red light counts
        light = np.where(is_overdue, 2, 0).astype(np.int8)
        none = np.zeros(0)
        return _Snapshot(
            quarter, day, sel, status, is_due, days, light, none, none, none, none, none, None
        )

    # indicators
    t_due = is_due[p.t_ms]
    actual = np.full(len(p.t_ms), np.nan)
    col = np.array([r.actual_col.get(int(k), -1) for k in np.unique(p.t_no)], dtype=np.int64)
    t_col = col[np.searchsorted(np.unique(p.t_no), p.t_no)] if len(p.t_no) else p.t_no
    t_sel = sel[p.t_ms]
    ok = (t_sel >= 0) & (t_col >= 0)
    actual[ok] = r.actual[t_sel[ok], t_col[ok]]
    achievement, gap, band = _bands(actual, p.t_value, p.t_points, rules)

    ind = np.bincount(p.t_ms, weights=t_due, minlength=n).astype(np.int32)
    behind = np.bincount(p.t_ms, weights=t_due & (band == _B["behind"]), minlength=n).astype(
        np.int32
    )

    unreported = is_due & (status == _S["not_reported"])
    yellow = (status == _S["due_soon"]) | (behind > 0)
    if rules.not_reported_is_yellow:
        yellow |= unreported
    light = np.where(is_overdue, 2, np.where(yellow, 1, 0)).astype(np.int8)
    no_data = np.bincount(p.t_ms, weights=t_due & (band == _B["no_data"]), minlength=n).astype(
        np.int32
    )
    key = (status.astype(np.int64) * 2 + is_due) * 3 + light
    used = np.flatnonzero(np.bincount(key, minlength=len(_KEY_FLAGS)))
    remap = np.zeros(len(_KEY_FLAGS), dtype=np.int64)
    remap[used] = np.arange(len(used))
    return _Snapshot(
        quarter,
        day,
        sel,
        status,
        is_due,
        days,
        light,
        t_due,
        actual,
        achievement,
        gap,
        band,
        _Flags(remap[key], _KEY_FLAGS[used], ind, behind, no_data),
    )


@dataclass(frozen=True)
class _Flags:
    """Per-milestone flags of an assessed quarter, compactly: a state key and three counts.

    ``key`` numbers the (status, is_due, light) combinations present; ``table`` gives the 0/1
    :data:`rollup.FLAG_COLUMNS` of each (zero in the three indicator count columns).
    """

    key: np.ndarray
    table: np.ndarray
    indicators: np.ndarray
    behind: np.ndarray
    no_data: np.ndarray

    def sums(self, g: rollup.Grouping) -> np.ndarray:
        """Groups x FLAG_COLUMNS sums (int64)."""
        counts = g.counts(self.key, len(self.table)).astype(np.float64)
        out = np.rint(counts @ self.table).astype(np.int64)
        for name, values in (
            ("indicators", self.indicators),
            ("indicators_behind", self.behind),
            ("indicators_no_data", self.no_data),
        ):
            out[:, rollup.FLAG_COLUMNS.index(name)] = g.weighted(values)
        return out


def _key_flags() -> np.ndarray:
    """0/1 flags of every (status, is_due, light) key: ``(status * 2 + is_due) * 3 + light``."""
    status, is_due, light = (
        a.ravel() for a in np.meshgrid(np.arange(len(_S)), [0, 1], [0, 1, 2], indexing="ij")
    )
    due = is_due.astype(bool)
    on_time = status == _S["on_time"]
    late = status == _S["done_late"]
    cols = {
        "milestones": np.ones(len(status), dtype=bool),
        "due": due,
        "done": due & (on_time | late),
        "done_on_time": due & on_time,
        "done_late": late,
        "overdue": status == _S["overdue"],
        "not_reported": due & (status == _S["not_reported"]),
        "due_soon": status == _S["due_soon"],
        "not_due": ~due,
        "done_ahead": ~due & on_time,
        "red_milestones": light == 2,
        "yellow_milestones": light == 1,
    }
    zero = np.zeros(len(status), dtype=bool)
    return np.column_stack([cols.get(c, zero) for c in rollup.FLAG_COLUMNS]).astype(np.float64)


_KEY_FLAGS: Final = _key_flags()


# --------------------------------------------------------------------------- tables


def _labels(values: Sequence[object]) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """A few labels as the array type pandas infers for them (str), to ``take`` from cheaply."""
    return pd.Series(list(values), dtype=object).infer_objects().array


def _take_labels(values: Sequence[object], codes: np.ndarray) -> Any:
    """``values[codes]`` (``codes`` -1 -> missing) without inferring the dtype of every row."""
    labels = _labels(values)
    if isinstance(labels, np.ndarray):  # not strings: plain numpy
        return np.where(codes >= 0, labels[np.maximum(codes, 0)], None)
    return labels.take(codes, allow_fill=True)


def _milestone_table(p: _Plan, r: _Reports, snaps: list[_Snapshot]) -> pd.DataFrame:
    n = len(p.ids)
    static = p.ms.iloc[np.tile(np.arange(n), len(snaps))].reset_index(drop=True)
    sel = np.concatenate([s.sel for s in snaps])
    has = sel >= 0
    s0 = np.where(has, sel, 0)
    rows = np.where(has, r.row[s0], -1) if len(r.row) else np.full(len(sel), -1, dtype=np.int64)
    frame = r.frame

    def reported(column: str) -> Any:
        if column not in frame.columns or not len(r.row):
            return np.full(len(sel), None)
        values = frame[column].array
        if isinstance(values, np.ndarray) or values.dtype == object:
            return pd.Series(values.take(np.maximum(rows, 0))).where(has, None).array
        return values.take(rows, allow_fill=True)

    def reported_days(days: np.ndarray) -> np.ndarray:
        if not len(r.row):
            return np.full(len(sel), np.datetime64("NaT", "ns"))
        out = np.where(has, days[s0], _NAT)
        return _from_days(out)

    status = np.concatenate([s.status for s in snaps])
    due = np.tile(p.due, len(snaps))
    day = np.repeat([s.day for s in snaps], n)
    if len(r.row):  # the unit's word as a status code, whatever alias it came as
        word = np.where(has, r.status[s0], -1)
        reported_status = _take_labels(list(vp.STATUS_LABELS), word)
    else:
        reported_status = np.full(len(sel), None, dtype=object)
    dynamic = pd.DataFrame(
        {
            "is_due": np.concatenate([s.is_due for s in snaps]),
            "status": pd.Categorical.from_codes(status, dtype=_STATUS_DTYPE),
            "status_code": _take_labels(list(va.STATUS_LABELS), status.astype(np.int64)),
            "days_overdue": np.concatenate([s.days_overdue for s in snaps]),
            "days_to_due": due - day,
            "reported_status": reported_status,
            "completed_date": reported_days(r.completed),
            "report_as_of": reported_days(r.as_of),
            "reporting_unit": reported("unit"),
            "note": reported("note"),
            "indicators": np.concatenate([s.flags.indicators for s in snaps]),
            "indicators_behind": np.concatenate([s.flags.behind for s in snaps]),
            "light": pd.Categorical.from_codes(
                np.concatenate([s.light for s in snaps]), dtype=_LIGHT_DTYPE
            ),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    return pd.concat([_head(snaps, [n] * len(snaps)), static, dynamic], axis=1)


def _head(snaps: list[_Snapshot], sizes: list[int]) -> pd.DataFrame:
    which = np.repeat(np.arange(len(snaps)), sizes)
    return pd.DataFrame(
        {
            "quarter": _take_labels([s.quarter for s in snaps], which),
            "as_of": np.array([s.day for s in snaps], dtype="datetime64[D]").astype(
                "datetime64[ns]"
            )[which],
        },
        copy=False,  # fresh arrays: no need to copy them again
    )


def _indicator_table(p: _Plan, r: _Reports, snaps: list[_Snapshot]) -> pd.DataFrame:
    idx = [np.flatnonzero(s.t_due) for s in snaps]
    idx_all = np.concatenate(idx) if idx else np.zeros(0, np.int64)
    sizes = [len(i) for i in idx]
    sel = np.concatenate([s.sel[p.t_ms[i]] for s, i in zip(snaps, idx, strict=True)])
    report_as_of = np.full(len(sel), _NAT)
    if len(r.as_of):
        has = sel >= 0
        report_as_of[has] = r.as_of[sel[has]]
    band = np.concatenate([s.band[i] for s, i in zip(snaps, idx, strict=True)])
    status = np.concatenate([s.status[p.t_ms[i]] for s, i in zip(snaps, idx, strict=True)])
    static = p.targets.iloc[idx_all].reset_index(drop=True)
    dynamic = pd.DataFrame(
        {
            "actual": np.concatenate([s.actual[i] for s, i in zip(snaps, idx, strict=True)]),
            "achievement": np.concatenate(
                [s.achievement[i] for s, i in zip(snaps, idx, strict=True)]
            ),
            "gap": np.concatenate([s.gap[i] for s, i in zip(snaps, idx, strict=True)]),
            "basis": _take_labels(["ratio", "points"], p.t_points[idx_all].astype(np.int64)),
            "band": pd.Categorical.from_codes(band, dtype=_BAND_DTYPE),
            "status": pd.Categorical.from_codes(status, dtype=_STATUS_DTYPE),
            "report_as_of": _from_days(report_as_of),
        },
        copy=False,  # fresh arrays: no need to copy them again
    )
    out = pd.concat([_head(snaps, sizes), static, dynamic], axis=1)
    first = ["quarter", "as_of", "milestone_id", "task_id", "target_no", "metric", "unit"]
    rest = ["comparator", "due_date", "due_quarter", "target", "actual", "achievement", "gap"]
    last = ["basis", "band", "status", "lead_units", "leaders", "report_as_of"]
    return out[first + rest + last]


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False, repr=False)
class Assessment:
    """The assessment of a plan at one or more quarter ends.

    Every table starts with ``quarter`` and ``as_of``; an :func:`assess` result has one quarter,
    an :func:`assess_all` result has the quarters stacked, oldest first.

    Attributes
    ----------
    quarters : tuple of str
        The assessed quarters (``"2023Q2"``).
    as_of : datetime.date
        The as-of date of the last quarter.
    rules : AssessmentRules
        The thresholds used.
    milestones : pandas.DataFrame
        One row per milestone and quarter: the plan's columns, ``is_due``, ``status`` (Chinese
        label), ``status_code``, ``days_overdue``, ``days_to_due``, the report used
        (``reported_status``, ``completed_date``, ``report_as_of``, ``reporting_unit``, ``note``),
        ``indicators``, ``indicators_behind``, ``light``.
    indicators : pandas.DataFrame
        One row per target of a due milestone: ``target``, ``actual``, ``achievement``, ``gap``,
        ``basis`` (ratio or points), ``band``, the milestone's ``status``.
    by_task, by_unit, by_leader, by_category, by_section : pandas.DataFrame
        Roll-ups (see :data:`taskanalytics.rollup.COUNT_COLUMNS`), with ``on_time_rate``,
        ``completion_share``, ``light`` and ``red_streak``; ``by_task`` also has ``status``.
    watchlist : pandas.DataFrame
        督办清单: overdue, behind and unreported items, most severe first.
    unmatched : pandas.DataFrame
        Progress rows whose milestone is not in the plan (reported, not dropped silently).
    """

    quarters: tuple[str, ...]
    as_of: dt.date
    rules: AssessmentRules
    milestones: pd.DataFrame
    indicators: pd.DataFrame
    by_task: pd.DataFrame
    by_unit: pd.DataFrame
    by_leader: pd.DataFrame
    by_category: pd.DataFrame
    by_section: pd.DataFrame
    watchlist: pd.DataFrame
    unmatched: pd.DataFrame
    _plan: _Plan = field(repr=False)
    _reports: _Reports = field(repr=False)

    @property
    def quarter(self) -> str:
        """The (last) assessed quarter."""
        return self.quarters[-1]

    def series(self, key: str) -> pd.DataFrame:
        """Return an indicator series: targets and actuals by quarter, for plotting.

        A series is one task's metric across its milestones (化解政府性债务 17501 → 63422 →
        68863 → 70289 万元). The actual of each point is the level reported as of the end of the
        milestone's due quarter (or the assessment's as-of date, if earlier); quarters after the
        as-of date have no actual.

        Parameters
        ----------
        key
            A metric name (every task with that metric) or a task id (every metric of it).

        Returns
        -------
        pandas.DataFrame
            ``task_id, metric, quarter, due_date, milestone_id, target_no, unit, comparator,
            target, actual, actual_as_of, achievement, gap, band``, sorted by task, metric, date.

        Raises
        ------
        AssessmentError
            If ``key`` is neither a metric nor a task id of the plan's targets.

        Examples
        --------
        >>> a.series("化解政府性债务")[["quarter", "target", "actual"]]  # doctest: +SKIP
        """
        p, r = self._plan, self._reports
        t = p.targets
        pick = np.flatnonzero(((t["metric"] == key) | (t["task_id"] == key)).to_numpy())
        if not len(pick):
            raise AssessmentError(
                "no indicator series", found=key, expected="a metric or task_id of plan.targets"
            )
        last = _day(self.as_of)
        q_start = np.array([_quarter(q)[1] for q in t["due_quarter"].to_numpy()[pick]])
        q_end = np.array([_quarter(q)[2] for q in t["due_quarter"].to_numpy()[pick]])
        point = np.minimum(q_end, last)
        actual = np.full(len(pick), np.nan)
        actual_as_of = np.full(len(pick), _NAT)
        for day in np.unique(point):  # a handful of quarter ends
            rows = np.flatnonzero((point == day) & (q_start <= last))
            sel = r.select(int(day), len(p.ids))[p.t_ms[pick[rows]]]
            cols = np.array([r.actual_col.get(int(k), -1) for k in p.t_no[pick[rows]]])
            ok = (sel >= 0) & (cols >= 0)
            actual[rows[ok]] = r.actual[sel[ok], cols[ok]]
            actual_as_of[rows[ok]] = r.as_of[sel[ok]]
        ratio, gap, band = _bands(actual, p.t_value[pick], p.t_points[pick], self.rules)
        out = pd.DataFrame(
            {
                "task_id": t["task_id"].to_numpy()[pick],
                "metric": t["metric"].to_numpy()[pick],
                "quarter": t["due_quarter"].to_numpy()[pick],
                "due_date": t["due_date"].to_numpy()[pick],
                "milestone_id": t["milestone_id"].to_numpy()[pick],
                "target_no": t["target_no"].to_numpy()[pick],
                "unit": t["unit"].to_numpy()[pick],
                "comparator": t["comparator"].to_numpy()[pick],
                "target": t["target"].to_numpy()[pick],
                "actual": actual,
                "actual_as_of": _from_days(actual_as_of),
                "achievement": ratio,
                "gap": gap,
                "band": pd.Categorical.from_codes(band, dtype=_BAND_DTYPE),
            }
        )
        return out.sort_values(
            ["task_id", "metric", "due_date", "target_no"], kind="stable"
        ).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Return one row per quarter: milestones due, done, overdue, watch-list items, …

        Returns
        -------
        pandas.DataFrame
            The ``by_section`` counts summed per quarter, plus ``watchlist`` (items).
        """
        counts = self.by_section.groupby("quarter", sort=False)[list(rollup.COUNT_COLUMNS)].sum()
        items = self.watchlist.groupby("quarter", sort=False).size()
        counts["watchlist"] = items.reindex(counts.index, fill_value=0)
        return counts.reset_index()

    def __repr__(self) -> str:
        last = self.milestones[self.milestones["quarter"] == self.quarter]
        return (
            f"Assessment({'..'.join(dict.fromkeys([self.quarters[0], self.quarter]))}, "
            f"as_of={self.as_of}, milestones={len(last)}, due={int(last['is_due'].sum())}, "
            f"overdue={int((last['status_code'] == 'overdue').sum())}, "
            f"watchlist={int((self.watchlist['quarter'] == self.quarter).sum())})"
        )

    def _repr_html_(self) -> str:
        w = va.HTML_WORDS
        last = self.milestones[self.milestones["quarter"] == self.quarter]
        due = last[last["is_due"]]
        counts = due["status"].value_counts().reindex(_STATUS_DTYPE.categories, fill_value=0)
        cells = "".join(
            f"<td>{html.escape(str(k))}</td><td style='text-align:right'>{int(v)}</td>"
            for k, v in counts.items()
            if v
        )
        lights = (
            self.by_unit.loc[self.by_unit["quarter"] == self.quarter, "light"]
            .value_counts()
            .reindex(_LIGHT_DTYPE.categories, fill_value=0)
        )
        light_text = " ".join(f"{html.escape(str(k))} {int(v)}" for k, v in lights.items())
        watch = self.watchlist[self.watchlist["quarter"] == self.quarter]
        top = watch.head(5)[["reason", "milestone_id", "lead_units", "days_overdue"]].rename(
            columns={"reason": "督办原因", "milestone_id": "节点编号", "lead_units": "牵头单位",
                     "days_overdue": "逾期天数"}
        )  # fmt: skip
        return (
            f"<div><strong>{w['title']} {html.escape(self.quarter)}</strong> "
            f"（{w['as_of']} {self.as_of}）<br>"
            f"{w['milestones']} {len(last)}，{w['due']} {len(due)}"
            f"<table><tr>{cells}</tr></table>"
            f"{w['units']}：{light_text}<br>"
            f"{w['watchlist']} {len(watch)} {w['items']}"
            f"{top.to_html(index=False, escape=True, border=0)}</div>"
        )


# --------------------------------------------------------------------------- entry points


def _run(
    plan: PlanLike,
    progress: pd.DataFrame,
    wanted: list[tuple[str, int]],
    rules: AssessmentRules,
) -> Assessment:
    """Assess at each ``(quarter, day)`` in ``wanted`` (chronological), with red streaks."""
    p = _prepare_plan(plan)
    r = _prepare_reports(progress, p.ids)
    # Red streaks need every quarter end from the first one of interest up to the last wanted.
    first = f"{p.first_year}Q1"
    if len(r.as_of):
        first_report = str(_quarter_labels(np.array([r.as_of.min()], dtype="datetime64[D]"))[0])
        first = min(first, first_report, key=lambda q: _quarter(q)[1])
    first = min(first, wanted[0][0], key=lambda q: _quarter(q)[1])
    by_quarter = dict(wanted)
    reds: dict[str, list[np.ndarray]] = {name: [] for name in rollup.GROUPINGS}
    keep: list[tuple[_Snapshot, dict[str, np.ndarray], np.ndarray]] = []
    label, start, end = _quarter(first)
    last_end = _quarter(wanted[-1][0])[2]
    while end <= last_end:
        day = by_quarter.get(label, end)
        wanted_here = label in by_quarter
        snap = _evaluate(p, r, label, day, start, end, rules, full=wanted_here)
        # per task first; the other groupings combine tasks (see rollup.build_groupings)
        task_g = p.groupings["task"]
        task_light = task_g.maxima(snap.light)
        for name, g in p.groupings.items():
            reds[name].append((task_light if g is task_g else g.maxima(task_light)) == 2)
        if wanted_here:
            task_sums = snap.flags.sums(task_g)
            sums = {
                name: task_sums if g is task_g else g.sums(task_sums)
                for name, g in p.groupings.items()
            }
            key = snap.is_due.astype(np.int64) * 8 + _SEVERITY[snap.status]
            worst = task_g.maxima(key)
            worst_code = np.where(worst < 0, -1, _status_from_severity(worst % 8))
            keep.append((snap, sums, worst_code))
        label, start, end = _quarter(_next_quarter(label))
    streaks = {name: rollup.red_streaks(v) for name, v in reds.items()}
    index = {q: i for i, q in enumerate(_quarter_range(first, wanted[-1][0]))}
    snaps = [k[0] for k in keep]
    quarters = [s.quarter for s in snaps]
    as_of = [s.as_of for s in snaps]
    tables = {}
    for name, attr in rollup.GROUPINGS.items():
        tables[attr] = rollup.rollup_frame(
            p.groupings[name],
            quarters,
            as_of,
            [k[1][name] for k in keep],
            [streaks[name][index[q]] for q in quarters],
            [k[2] for k in keep] if name == "task" else None,
        )
    milestones = _milestone_table(p, r, snaps)
    indicators = _indicator_table(p, r, snaps)
    n = len(p.ids)
    indicator_rows = np.concatenate(
        [i * n + p.t_ms[np.flatnonzero(s.t_due)] for i, s in enumerate(snaps)]
    )
    watchlist = rollup.watchlist_frame(
        milestones,
        indicators,
        indicator_rows,
        np.concatenate([streaks["task"][index[q]][p.ms_task] for q in quarters]),
        p.owners_text,
        status=np.concatenate([s.status for s in snaps]),
        band=np.concatenate([s.band[np.flatnonzero(s.t_due)] for s in snaps]),
    )
    return Assessment(
        quarters=tuple(quarters),
        as_of=as_of[-1].date(),
        rules=rules,
        milestones=milestones,
        indicators=indicators,
        watchlist=watchlist,
        unmatched=r.unmatched,
        _plan=p,
        _reports=r,
        **tables,
    )


_BY_SEVERITY = np.argsort(_SEVERITY)  # severity -> status code (severities are 0..7)


def _status_from_severity(severity: np.ndarray) -> np.ndarray:
    return _BY_SEVERITY[severity]


def _next_quarter(quarter: str) -> str:
    return Quarter.parse(quarter).next().label


def _quarter_range(first: str, last: str) -> list[str]:
    out = [first]
    while out[-1] != last:
        out.append(_next_quarter(out[-1]))
    return out


def assess(
    plan: PlanLike,
    progress: pd.DataFrame,
    quarter: str,
    as_of: dt.date | str | None = None,
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> Assessment:
    """Assess a plan at a quarter's end (or an earlier date in the quarter).

    Parameters
    ----------
    plan
        The plan (:func:`taskanalytics.read_plan`); not modified.
    progress
        Progress reports: :func:`~taskanalytics.store.load_progress_history` output (every
        report) or :func:`~taskanalytics.store.load_progress` output; not modified. Per
        milestone, the latest report with ``as_of_date`` on or before the as-of date counts
        (then the latest ``ingested_at``).
    quarter
        The quarter assessed, e.g. ``"2023Q2"``.
    as_of
        The as-of date; default the quarter's last day. Must lie within the quarter.
    rules
        Thresholds (:class:`AssessmentRules`).

    Returns
    -------
    Assessment
        Milestone verdicts, indicators, roll-ups and the watch list. Red streaks count the
        quarters before, assessed at their ends from the same reports.

    Raises
    ------
    AssessmentError
        For an unknown quarter string, an as-of date outside the quarter, a progress frame
        missing required columns or holding unknown status words.

    Examples
    --------
    >>> a = assess(plan, load_progress_history(store), "2023Q2")  # doctest: +SKIP
    >>> a.by_unit[["unit", "due", "overdue", "on_time_rate", "light"]]  # doctest: +SKIP
    """
    label, as_of_date = resolve_quarter(quarter, as_of)
    return _run(plan, progress, [(label, _day(as_of_date))], rules)


def resolve_quarter(quarter: object, as_of: dt.date | str | None = None) -> tuple[str, dt.date]:
    """Return the quarter's label and the as-of date, checked: the one place for both rules.

    Parameters
    ----------
    quarter
        ``2023Q2`` (``2023-Q2`` and lower case accepted).
    as_of
        A date within the quarter (date or ``YYYY-MM-DD``); default the quarter's last day.

    Returns
    -------
    tuple
        ``("2023Q2", datetime.date(2023, 6, 30))``.

    Raises
    ------
    AssessmentError
        For an unknown quarter, an unreadable date, or a date outside the quarter.

    Examples
    --------
    >>> resolve_quarter("2023-q2")
    ('2023Q2', datetime.date(2023, 6, 30))
    """
    label, start, end = _quarter(quarter)
    if as_of is None:
        return label, np.datetime64(end, "D").astype(dt.date)
    try:
        day = pd.Timestamp(as_of).date()
    except (ValueError, TypeError):
        raise AssessmentError(
            "unreadable as-of date", found=str(as_of), expected="a date such as 2023-06-30"
        ) from None
    if not start <= _day(day) <= end:
        raise AssessmentError(
            f"as_of is outside {label}",
            found=str(as_of),
            expected=f"a date from {np.datetime64(start, 'D')} to {np.datetime64(end, 'D')}",
        )
    return label, day


def assess_all(
    plan: PlanLike,
    progress: pd.DataFrame,
    quarters: Sequence[str] | None = None,
    *,
    rules: AssessmentRules = DEFAULT_RULES,
) -> Assessment:
    """Assess several quarters at their ends and stack the tables (for trends).

    Parameters
    ----------
    plan, progress, rules
        As for :func:`assess`; not modified.
    quarters
        The quarters, e.g. ``["2023Q1", "2023Q2"]``; default the four quarters of the plan year.
        Duplicates are ignored; tables come in chronological order.

    Returns
    -------
    Assessment
        Every table holds all quarters, told apart by the ``quarter`` column; ``as_of`` and
        ``series`` refer to the last quarter.

    Raises
    ------
    AssessmentError
        As :func:`assess`, or when ``quarters`` is empty.

    Examples
    --------
    >>> a = assess_all(plan, history, ["2023Q1", "2023Q2", "2023Q3", "2023Q4"])  # doctest: +SKIP
    >>> a.by_unit.pivot(index="unit", columns="quarter", values="on_time_rate")  # doctest: +SKIP
    """
    if quarters is None:
        year = _plan_year(plan, _to_days(plan.milestones["due_date"]).astype("datetime64[D]"))
        quarters = [f"{year}Q{n}" for n in range(1, 5)]
    if isinstance(quarters, str):
        quarters = [quarters]
    parsed = {q[0]: q for q in map(_quarter, quarters)}
    if not parsed:
        raise AssessmentError("no quarters to assess", found=list(quarters), expected=QUARTER_FORMS)
    wanted = sorted(((label, end) for label, _, end in parsed.values()), key=lambda w: w[1])
    return _run(plan, progress, wanted, rules)
