"""Exploring a plan in JupyterLab: a flat milestone table, filters, and an ipywidgets explorer.

Widgets are for live analysis only; exported HTML briefings cannot run them (see README).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .plan import Plan

ALL = "（全部）"


def milestone_table(plan: Plan) -> pd.DataFrame:
    """Return one row per milestone with its task's columns joined on.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`.

    Returns
    -------
    pandas.DataFrame
        The milestone columns plus ``section``, ``number``, ``category``, ``subcategory``,
        ``title``, ``deadline``, ``lead_units``, ``responsible_units``, ``leaders`` and
        ``n_targets`` (quantitative targets in the milestone). The plan is not modified.

    Examples
    --------
    >>> from taskanalytics import read_plan
    >>> from taskanalytics.config import DEFAULT_PLAN_PATH
    >>> flat = milestone_table(read_plan(DEFAULT_PLAN_PATH))
    >>> flat.set_index("milestone_id").loc["T110.01", "lead_units"]
    ['财政局']
    """
    task_cols = [
        "task_id", "section", "number", "category", "subcategory", "title", "deadline",
        "lead_units", "responsible_units", "leaders",
    ]  # fmt: skip
    counts = plan.targets.groupby("milestone_id").size().rename("n_targets")
    out = plan.milestones.merge(plan.tasks[task_cols], on="task_id", how="left")
    out = out.merge(counts, left_on="milestone_id", right_index=True, how="left")
    out["n_targets"] = out["n_targets"].fillna(0).astype(int)
    return out


def filter_milestones(
    table: pd.DataFrame,
    *,
    unit: str | None = None,
    leader: str | None = None,
    category: str | None = None,
    quarter: str | None = None,
    due_by: str | pd.Timestamp | None = None,
    text: str | None = None,
) -> pd.DataFrame:
    """Return the rows of a :func:`milestone_table` that match every given filter.

    Parameters
    ----------
    table
        Output of :func:`milestone_table` (not modified).
    unit
        Keep milestones whose task has this unit as lead or responsible unit.
    leader
        Keep milestones whose task has this leader.
    category
        Keep this category.
    quarter
        Keep milestones due in this quarter (``2023Q2``).
    due_by
        Keep milestones due on or before this date, or recurring.
    text
        Keep milestones whose text or task title contains this substring.

    Returns
    -------
    pandas.DataFrame
    """
    mask = pd.Series(True, index=table.index)
    if unit:
        mask &= table["lead_units"].map(lambda u: unit in u) | table["responsible_units"].map(
            lambda u: unit in u
        )
    if leader:
        mask &= table["leaders"].map(lambda names: leader in names)
    if category:
        mask &= table["category"] == category
    if quarter:
        mask &= table["quarter"] == quarter
    if due_by is not None:
        mask &= (table["due_date"] <= pd.Timestamp(due_by)) | (table["due_kind"] == "recurring")
    if text:
        mask &= table["text"].str.contains(text, regex=False) | table["title"].str.contains(
            text, regex=False
        )
    return table[mask].copy()


def _choices(values: pd.Series) -> list[str]:
    flat = values.explode() if values.map(lambda v: isinstance(v, list)).any() else values
    return [ALL, *sorted(flat.dropna().unique())]


def plan_explorer(plan: Plan) -> Any:
    """Return an ipywidgets box that filters the plan's milestones interactively.

    Drop-downs for unit, leader, category and quarter, and a text search; the table below
    updates on every change. For JupyterLab; exported HTML shows no widgets.

    Parameters
    ----------
    plan
        A plan from :func:`taskanalytics.read_plan`.

    Returns
    -------
    ipywidgets.VBox
        Its ``.filters`` attribute maps filter names to their widgets, ``.output`` is the
        table's ``Output`` widget, and ``.refresh()`` re-draws it (used by tests).
    """
    import ipywidgets as w
    from IPython.display import display

    table = milestone_table(plan)
    units = pd.concat([table["lead_units"], table["responsible_units"]])
    filters = {
        "unit": w.Dropdown(options=_choices(units), description="单位"),
        "leader": w.Dropdown(options=_choices(table["leaders"]), description="分管领导"),
        "category": w.Dropdown(options=_choices(table["category"]), description="类别"),
        "quarter": w.Dropdown(options=_choices(table["quarter"]), description="季度"),
        "text": w.Text(description="关键词", placeholder="如：债务、回迁"),
    }
    output = w.Output()
    summary = w.HTML()
    shown = ["milestone_id", "label", "text", "due_date", "due_kind", "lead_units", "leaders"]

    def refresh(*_: Any) -> None:
        kwargs = {k: (None if f.value in (ALL, "") else f.value) for k, f in filters.items()}
        rows = filter_milestones(table, **kwargs)
        summary.value = f"<b>{len(rows)}</b> 个节点，涉及 <b>{rows['task_id'].nunique()}</b> 项任务"
        output.clear_output()
        with output:
            display(rows[shown])

    for widget in filters.values():
        widget.observe(refresh, names="value")
    box = w.VBox([w.HBox(list(filters.values())[:3]), w.HBox(list(filters.values())[3:]), summary, output])
    box.filters, box.output, box.summary, box.refresh = filters, output, summary, refresh
    refresh()
    return box
