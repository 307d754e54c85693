"""The 研判 form: the 督查室 records its confidence judgement of a task in JupyterLab.

A small ipywidgets form (task in plan order, quarter, 研判, 理由, 研判人, 研判日期, 保存) whose
button calls :func:`taskanalytics.progress.judgements.record_judgements` with ``source="form"``;
problems are shown in Chinese under it, and nothing is stored then. Building the form touches no
store: it is written on 保存 only. Tests drive it by setting the widgets' values and calling
``save_button.click()``.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import ipywidgets as w

from taskanalytics.errors import TaskAnalyticsError, ValidationError
from taskanalytics.plan.build import PlanLike
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress.judgements import FORM_SOURCE, JUDGEMENT_LABELS, record_judgements
from taskanalytics.quarters import Quarter, QuarterLike

__all__ = ["JudgementForm", "judgement_form"]

#: Characters of a task's title shown in the drop-down.
_TITLE_CHARS = 28


class JudgementForm:
    """The form; see :func:`judgement_form`.

    Attributes
    ----------
    task, quarter, judgement, reason, judged_by, judged_at : ipywidgets widgets
        The inputs (``task.value`` is a task id, ``judgement.value`` a code).
    save_button : ipywidgets.Button
        保存: records the judgement.
    status : ipywidgets.HTML
        What the last 保存 did, in Chinese.
    widget : ipywidgets.VBox
        The whole form (displayed by the notebook).
    """

    def __init__(self, plan: PlanLike, store: Any, *, quarter: QuarterLike | None = None) -> None:
        self.plan = plan
        self.store = store
        year = plan_identity(plan).year
        quarters = [f"{year}Q{n}" for n in range(1, 5)]
        chosen = Quarter.parse(quarter).label if quarter is not None else quarters[-1]
        options = [
            (f"{t} {title[:_TITLE_CHARS]}{'…' if len(title) > _TITLE_CHARS else ''}", t)
            for t, title in zip(plan.tasks["task_id"], plan.tasks["title"], strict=True)
        ]
        wide = w.Layout(width="36em")
        self.task = w.Dropdown(options=options, description="任务", layout=wide)
        self.quarter = w.Dropdown(
            options=quarters if chosen in quarters else [*quarters, chosen],
            value=chosen,
            description="季度",
        )
        self.judgement = w.ToggleButtons(
            options=[(word, code) for code, word in JUDGEMENT_LABELS.items()],
            value=None,
            description="研判",
        )
        self.reason = w.Textarea(
            description="理由", placeholder="研判的依据（必填，500 字以内）", layout=wide
        )
        self.judged_by = w.Text(description="研判人")
        self.judged_at = w.DatePicker(description="研判日期", value=dt.date.today())
        self.save_button = w.Button(description="保存", icon="save", button_style="primary")
        self.save_button.on_click(lambda _: self.save())
        self.status = w.HTML()
        self.widget = w.VBox(
            [
                self.task,
                self.quarter,
                self.judgement,
                self.reason,
                w.HBox([self.judged_by, self.judged_at]),
                self.save_button,
                self.status,
            ]
        )

    def save(self) -> int:
        """Record the form's judgement; return how many were stored (1, or 0 on a problem)."""
        row = {
            "task_id": self.task.value,
            "quarter": self.quarter.value,
            "judgement": self.judgement.value,
            "reason": self.reason.value,
            "judged_by": self.judged_by.value,
            "judged_at": self.judged_at.value,
        }
        try:
            n = record_judgements(self.store, self.plan, [row], source=FORM_SOURCE)
        except ValidationError as err:
            lines = "".join(
                f"<li>{html.escape(line.removeprefix('第 1 行'))}</li>" for line in err.zh_lines()
            )
            self.status.value = f"<span style='color:#b00'>未保存：</span><ul>{lines}</ul>"
            return 0
        except TaskAnalyticsError as err:
            self.status.value = f"<span style='color:#b00'>未保存：{html.escape(str(err))}</span>"
            return 0
        word = JUDGEMENT_LABELS[str(self.judgement.value)]
        self.status.value = html.escape(
            f"已保存：{self.task.value}（{self.quarter.value}）研判为“{word}”，"
            f"研判人 {self.judged_by.value.strip()}。同一任务同一季度再次保存的，以最后一次为准。"
        )
        self.reason.value = ""
        return n

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def judgement_form(
    plan: PlanLike, store: str | Path | Any, *, quarter: QuarterLike | None = None
) -> JudgementForm:
    """Return the 研判 form for a plan and store (displays itself in a notebook).

    Parameters
    ----------
    plan
        The plan (its tasks, in plan order, are the drop-down's choices).
    store
        The progress store (a path or :class:`~taskanalytics.progress.store.ProgressStore`);
        written on 保存 only.
    quarter
        The quarter selected first; default the plan year's last quarter.

    Returns
    -------
    JudgementForm

    Examples
    --------
    >>> form = judgement_form(plan, "data/progress/progress.sqlite", quarter="2023Q2")  # doctest: +SKIP
    >>> form.task.value, form.judgement.value = "T001", "at_risk"  # doctest: +SKIP
    """
    return JudgementForm(plan, store, quarter=quarter)
