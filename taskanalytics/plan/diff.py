"""What changed between two versions of a plan, milestone by milestone.

A plan revised mid-year (调整), or next year's plan, is read like the first one; this module
says which milestones stayed, which were reworded, redated, moved to another task, added or
dropped, and which old milestone id a new one continues (:func:`milestone_id_map`), so a report
made against one version can be counted under the other.

How milestones are paired, in three passes:

1. **Tasks.** A task of the new plan matches the old task of the same section and number when
   their titles are similar (similarity at least ``threshold``); the tasks left over are paired
   by best title similarity above ``threshold`` (a renumbered task).
2. **Milestones within matched tasks**, greedily, best score first: the score is the text
   similarity plus a small bonus (:data:`LABEL_BONUS`) when the labels are equal, and a pair
   needs a score of at least ``threshold``; an identical text always pairs, a shared label
   alone never does.
3. **Leftover milestones across all tasks** (a milestone moved to another task), greedily by
   text similarity of at least ``threshold``, no label bonus.

Texts are compared as *content*: whitespace normalised (:func:`difflib.SequenceMatcher`
ratio), the date phrase the due date was read from masked (so a new month is a redating, not a
rewording) and the years written relative to the plan's year (``2023年`` in the 2023 plan is
``2024年`` in the 2024 plan), so next year's plan with the same wording is the same text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Final

import pandas as pd

from taskanalytics.plan.build import PlanLike

__all__ = [
    "CHANGES",
    "CHANGE_LABELS",
    "DIFF_COLUMNS",
    "LABEL_BONUS",
    "diff_plans",
    "diff_summary",
    "milestone_id_map",
]

#: The kinds of change, in the order :func:`diff_summary` reports them. For a pair of
#: milestones: ``moved`` (to a task other than the old task's match) wins over ``reworded``,
#: which wins over ``redated`` (see the ``due_changed`` column for a reworded one).
CHANGES: Final = ("added", "dropped", "moved", "reworded", "redated", "unchanged")

#: What each change is called on the command line and on pages.
CHANGE_LABELS: Final[dict[str, str]] = {
    "added": "新增",
    "dropped": "删除",
    "moved": "移动",
    "reworded": "改写",
    "redated": "调整时限",
    "unchanged": "未变",
}

#: The columns of :func:`diff_plans`' frame, in order (schema table ``plan.diff``).
DIFF_COLUMNS: Final = [
    "change", "old_milestone_id", "new_milestone_id", "old_task_id", "new_task_id",
    "old_label", "new_label", "old_text", "new_text", "old_due_date", "new_due_date",
    "due_changed", "similarity",
]  # fmt: skip

#: Added to the text similarity of two milestones of matched tasks that carry the same label:
#: enough to prefer the same （2） among near-equal candidates, too little to pair unrelated
#: texts.
LABEL_BONUS: Final = 0.1

_DATED_KINDS = ("date", "range")  # due kinds whose due_phrase is what the due date says
_DUE_MASK = "〈时限〉"
# a year as the documents print it: 2023年, 〔2023〕, or opening a quoted name (“2023辽宁…”)
_YEAR_RE = re.compile(r"(?<![\d.])(20\d{2})(?=\s*年|〕)|(?<=[“\"])(20\d{2})(?!\d)")


# --------------------------------------------------------------------------- texts


def _normalise(text: str) -> str:
    return " ".join(str(text).split())


def _content(text: str, phrase: Any, kind: Any, year: int | None) -> str:
    """The text as compared: whitespace normalised, the date phrase masked, years relative."""
    out = _normalise(text)
    if kind in _DATED_KINDS and isinstance(phrase, str) and phrase:
        out = out.replace(phrase, _DUE_MASK, 1)
    if year is not None:
        out = _YEAR_RE.sub(lambda m: f"〈年{int(m.group(0)) - year:+d}〉", out)
    return out


def _ratio(a: str, b: str, floor: float) -> float:
    """SequenceMatcher ratio of a and b; 0.0 as soon as an upper bound shows it is below floor."""
    if a == b:
        return 1.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < floor or sm.quick_ratio() < floor:
        return 0.0
    return sm.ratio()


# --------------------------------------------------------------------------- one side


@dataclass(frozen=True)
class _Milestone:
    index: int  # position in its plan's milestone frame
    milestone_id: str
    task_id: str
    position: int
    label: str
    text: str
    due_date: pd.Timestamp
    content: str
    plain: str  # whitespace-normalised text, the tie-breaker between equal contents


def _milestones(plan: PlanLike) -> list[_Milestone]:
    year = plan.meta.get("year")
    year = year if isinstance(year, int) else None
    ms = plan.milestones
    phrases = ms["due_phrase"] if "due_phrase" in ms else pd.Series(None, index=ms.index)
    kinds = ms["due_kind"] if "due_kind" in ms else pd.Series("date", index=ms.index)
    return [
        _Milestone(
            index=k,
            milestone_id=str(mid),
            task_id=str(tid),
            position=int(pos),
            label="" if pd.isna(label) else str(label),
            text=str(text),
            due_date=pd.Timestamp(due),
            content=_content(str(text), phrase, kind, year),
            plain=_normalise(str(text)),
        )
        for k, (mid, tid, pos, label, text, due, phrase, kind) in enumerate(
            zip(
                ms["milestone_id"],
                ms["task_id"],
                ms["position"],
                ms["label"],
                ms["text"],
                ms["due_date"],
                phrases,
                kinds,
                strict=True,
            )  # fmt: skip
        )
    ]


# --------------------------------------------------------------------------- matching


def _match_tasks(old: pd.DataFrame, new: pd.DataFrame, threshold: float) -> dict[str, str]:
    """Old task id -> new task id: same section and number with a similar title, then the
    best title match above ``threshold`` among the rest."""
    old_rows = list(zip(old["task_id"], old["section"], old["number"], old["title"], strict=True))
    new_rows = list(zip(new["task_id"], new["section"], new["number"], new["title"], strict=True))
    by_key = {(sec, int(num)): (tid, _normalise(title)) for tid, sec, num, title in old_rows}
    matched: dict[str, str] = {}
    for tid, sec, num, title in new_rows:
        found = by_key.get((sec, int(num)))
        if found and _ratio(found[1], _normalise(title), threshold) >= threshold:
            matched[found[0]] = tid
    taken = set(matched.values())
    old_left = [r for r in old_rows if r[0] not in matched]
    new_left = [r for r in new_rows if r[0] not in taken]
    candidates = []
    for o_tid, o_sec, o_num, o_title in old_left:
        for n_tid, n_sec, n_num, n_title in new_left:
            sim = _ratio(_normalise(o_title), _normalise(n_title), threshold)
            if sim >= threshold:
                rank = (sim, o_sec == n_sec, -abs(int(o_num) - int(n_num)))
                candidates.append((rank, o_tid, n_tid))
    for _, o_tid, n_tid in sorted(candidates, key=lambda c: c[0], reverse=True):
        if o_tid not in matched and n_tid not in taken:
            matched[o_tid] = n_tid
            taken.add(n_tid)
    return matched


def _pair(
    olds: Sequence[_Milestone],
    news: Sequence[_Milestone],
    threshold: float,
    *,
    bonus: float,
) -> Iterator[tuple[_Milestone, _Milestone, float]]:
    """Greedy best-score-first pairing; yields (old, new, content similarity)."""
    candidates = []
    for o in olds:
        for n in news:
            same_label = bonus if o.label and o.label == n.label else 0.0
            sim = _ratio(o.content, n.content, threshold - same_label)
            if sim == 1.0 or sim + same_label >= threshold:
                plain = _ratio(o.plain, n.plain, 0.0)
                rank = (
                    sim + same_label,
                    plain,
                    o.due_date == n.due_date,
                    -abs(o.position - n.position),
                    -o.index,
                    -n.index,
                )
                candidates.append((rank, o, n, sim))
    used_old: set[int] = set()
    used_new: set[int] = set()
    for _, o, n, sim in sorted(candidates, key=lambda c: c[0], reverse=True):
        if o.index not in used_old and n.index not in used_new:
            used_old.add(o.index)
            used_new.add(n.index)
            yield o, n, sim


def _match_milestones(
    old: list[_Milestone], new: list[_Milestone], tasks: dict[str, str], threshold: float
) -> dict[int, tuple[int, float]]:
    """Old milestone index -> (new milestone index, similarity)."""
    pairs: dict[int, tuple[int, float]] = {}
    new_by_task: dict[str, list[_Milestone]] = {}
    for n in new:
        new_by_task.setdefault(n.task_id, []).append(n)
    old_by_task: dict[str, list[_Milestone]] = {}
    for o in old:
        old_by_task.setdefault(o.task_id, []).append(o)
    for o_tid, olds in old_by_task.items():
        news = new_by_task.get(tasks.get(o_tid, ""), [])
        for o, n, sim in _pair(olds, news, threshold, bonus=LABEL_BONUS):
            pairs[o.index] = (n.index, sim)
    taken = {n for n, _ in pairs.values()}
    old_left = [o for o in old if o.index not in pairs]
    new_left = [n for n in new if n.index not in taken]
    for o, n, sim in _pair(old_left, new_left, threshold, bonus=0.0):
        pairs[o.index] = (n.index, sim)
    return pairs


# --------------------------------------------------------------------------- the frame


def _row(
    change: str, o: _Milestone | None, n: _Milestone | None, sim: float | None
) -> dict[str, Any]:
    due_changed = o is not None and n is not None and o.due_date != n.due_date
    return {
        "change": change,
        "old_milestone_id": o.milestone_id if o else None,
        "new_milestone_id": n.milestone_id if n else None,
        "old_task_id": o.task_id if o else None,
        "new_task_id": n.task_id if n else None,
        "old_label": o.label if o else None,
        "new_label": n.label if n else None,
        "old_text": o.text if o else None,
        "new_text": n.text if n else None,
        "old_due_date": o.due_date if o else pd.NaT,
        "new_due_date": n.due_date if n else pd.NaT,
        "due_changed": due_changed,
        "similarity": float("nan") if sim is None else float(sim),
    }


def _change(o: _Milestone, n: _Milestone, tasks: dict[str, str]) -> str:
    if tasks.get(o.task_id) != n.task_id:
        return "moved"
    if o.content != n.content:
        return "reworded"
    if o.due_date != n.due_date:
        return "redated"
    return "unchanged"


def diff_plans(old: PlanLike, new: PlanLike, *, threshold: float = 0.6) -> pd.DataFrame:
    """Compare two versions of a plan milestone by milestone.

    Tasks are matched first (same section and number with a similar title, else the best
    title match), then milestones within matched tasks by text similarity and label, then the
    milestones left over across all tasks (moved to another task); see the module docstring.
    Neither plan is modified.

    Parameters
    ----------
    old, new
        The two plans (:func:`taskanalytics.read_plan`): the earlier version and the later one
        (a revision, or next year's plan).
    threshold
        Least similarity (0..1, :class:`difflib.SequenceMatcher` ratio) for two task titles or
        two milestone texts to be the same; identical texts always are.

    Returns
    -------
    pandas.DataFrame
        One row per milestone of either plan (schema table ``plan.diff``), columns
        :data:`DIFF_COLUMNS`: ``change`` (one of :data:`CHANGES`), the two ids, task ids,
        labels, texts and due dates (empty on the side a milestone is missing from),
        ``due_changed`` and ``similarity`` (of the compared contents; NaN for added and
        dropped). Rows follow the new plan's order; a dropped milestone comes right after the
        row of the old milestone just before it in the old plan (first when it was the old
        plan's first).

    Raises
    ------
    ValueError
        If ``threshold`` is not in (0, 1].

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> plan = read_plan(DEFAULT_PLAN_PATH)
    >>> diff = diff_plans(plan, plan)
    >>> diff["change"].unique().tolist()
    ['unchanged']
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    old_ms, new_ms = _milestones(old), _milestones(new)
    tasks = _match_tasks(old.tasks, new.tasks, threshold)
    pairs = _match_milestones(old_ms, new_ms, tasks, threshold)
    old_of_new = {n: (o, sim) for o, (n, sim) in pairs.items()}

    # dropped milestones hang after the old milestone before them (-1: before everything)
    after: dict[int, list[_Milestone]] = {}
    anchor = -1
    for o in old_ms:
        if o.index in pairs:
            anchor = o.index
        else:
            after.setdefault(anchor, []).append(o)

    rows = [_row("dropped", o, None, None) for o in after.get(-1, [])]
    for n in new_ms:
        if n.index not in old_of_new:
            rows.append(_row("added", None, n, None))
            continue
        o_index, sim = old_of_new[n.index]
        o = old_ms[o_index]
        rows.append(_row(_change(o, n, tasks), o, n, sim))
        rows += [_row("dropped", d, None, None) for d in after.get(o_index, [])]
    return _frame(rows)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=DIFF_COLUMNS)
    for col in ("old_due_date", "new_due_date"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    frame["due_changed"] = frame["due_changed"].astype(bool)
    frame["similarity"] = frame["similarity"].astype(float)
    return frame


# --------------------------------------------------------------------------- reading a diff


def milestone_id_map(diff: pd.DataFrame) -> dict[str, str]:
    """Return old milestone id -> new milestone id for every milestone both versions hold.

    What a report made against the old version counts for under the new one. Dropped
    milestones are absent; added ones have no old id.

    Parameters
    ----------
    diff
        A frame of :func:`diff_plans`.

    Returns
    -------
    dict of str to str
        In the diff's row order.

    Examples
    --------
    >>> diff = pd.DataFrame({"old_milestone_id": ["T001.01", "T001.02", None],
    ...                      "new_milestone_id": ["T001.01", None, "T001.02"]})
    >>> milestone_id_map(diff)
    {'T001.01': 'T001.01'}
    """
    both = diff[diff["old_milestone_id"].notna() & diff["new_milestone_id"].notna()]
    return dict(zip(both["old_milestone_id"], both["new_milestone_id"], strict=True))


def _short(text: Any, width: int = 24) -> str:
    text = _normalise(text) if isinstance(text, str) else ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _changed_parts(old: Any, new: Any, width: int = 24) -> tuple[str, str]:
    """The two texts, or when long the stretch where they differ, with a little context."""
    a, b = _normalise(str(old)), _normalise(str(new))
    if len(a) <= width and len(b) <= width:
        return a, b
    head = len(os.path.commonprefix([a, b]))
    tail = len(os.path.commonprefix([a[head:][::-1], b[head:][::-1]]))
    start = max(0, head - 8)

    def window(text: str) -> str:
        stop = min(len(text), max(len(text) - tail, head) + 4, start + width)
        return ("…" if start else "") + text[start:stop] + ("…" if stop < len(text) else "")

    return window(a), window(b)


def _label(label: Any) -> str:
    return str(label).replace("(", "（").replace(")", "）") if isinstance(label, str) else ""


def _date(day: pd.Timestamp, other: pd.Timestamp) -> str:
    if pd.isna(day):
        return "—"
    same_year = not pd.isna(other) and day.year == other.year
    return f"{day.month}月{day.day}日" if same_year else f"{day.year}年{day.month}月{day.day}日"


def _ids(row: Any) -> str:
    o, n = row.old_milestone_id, row.new_milestone_id
    return str(o) if o == n else f"{o}→{n}"


def _item(change: str, row: Any) -> str:
    if change == "added":
        return f"{row.new_milestone_id}{_label(row.new_label)}{_short(row.new_text)}"
    if change == "dropped":
        return f"{row.old_milestone_id}{_label(row.old_label)}{_short(row.old_text)}"
    if change == "moved":
        return f"{_ids(row)} {_short(row.new_text)}（相似度 {row.similarity:.2f}）"
    if change == "reworded":
        before, after = _changed_parts(row.old_text, row.new_text)
        return (
            f"{_ids(row)}{_label(row.new_label)}“{before}”→“{after}”（相似度 {row.similarity:.2f}）"
        )
    # redated
    old_due, new_due = row.old_due_date, row.new_due_date
    return f"{_ids(row)} {_date(old_due, new_due)} → {_date(new_due, old_due)}"


def diff_summary(diff: pd.DataFrame, *, limit: int = 10) -> list[str]:
    """Return short Chinese lines saying what changed, for the command line.

    One line per kind of change that occurs, in the order of :data:`CHANGES`, listing up to
    ``limit`` milestones each (then 等); a line for milestones whose id changed (编号变化,
    what reports against the old version need to be re-keyed for); last the count of unchanged
    milestones. ``["两版相同"]`` when nothing changed and no id moved.

    Parameters
    ----------
    diff
        A frame of :func:`diff_plans`.
    limit
        Most milestones named per line.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> plan = read_plan(DEFAULT_PLAN_PATH)
    >>> diff_summary(diff_plans(plan, plan))
    ['两版相同']
    """
    renumbered = diff[
        diff["old_milestone_id"].notna()
        & diff["new_milestone_id"].notna()
        & (diff["old_milestone_id"] != diff["new_milestone_id"])
    ]
    if (diff["change"] == "unchanged").all() and renumbered.empty:
        return ["两版相同"]

    def listed(items: list[str]) -> str:
        shown = "；".join(items[:limit])
        return shown + ("；等" if len(items) > limit else "")

    lines = []
    for change in CHANGES:
        if change == "unchanged":
            continue
        part = diff[diff["change"] == change]
        if len(part):
            items = [_item(change, row) for row in part.itertuples(index=False)]
            lines.append(f"{CHANGE_LABELS[change]} {len(part)} 个节点：{listed(items)}")
    if len(renumbered):
        items = [_ids(row) for row in renumbered.itertuples(index=False)]
        lines.append(f"编号变化 {len(renumbered)} 个节点：{'、'.join(items[:limit])}"
                     + ("等" if len(items) > limit else ""))  # fmt: skip
    unchanged = int((diff["change"] == "unchanged").sum())
    lines.append(f"{CHANGE_LABELS['unchanged']} {unchanged} 个节点")
    return lines
