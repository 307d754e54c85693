"""taskanalytics: a district government's yearly work plan, made monitorable.

The public API is small:

- :func:`read_plan` reads the task decomposition document into a :class:`Plan` of tidy frames;
- :func:`audit` lists data-quality findings about the source document itself;
- :func:`assess` / :func:`assess_all` judge every milestone and indicator due by a quarter's end
  against the progress units reported (:mod:`taskanalytics.store`), with roll-ups and a watch list;
- every error is a :class:`TaskAnalyticsError`.

Progress intake (``reporting``, ``intake``, ``store``), briefings (``briefing``, ``charts``,
``runner``, ``quarterly``) and the JupyterLab explorer (``explore``) are modules of their own.
"""

from __future__ import annotations

import logging

from taskanalytics.assess.engine import Assessment, assess, assess_all
from taskanalytics.errors import (
    AssessmentError,
    NotebookRunError,
    PlanParseError,
    StoreError,
    TaskAnalyticsError,
    ValidationError,
)
from taskanalytics.plan.audit import audit, audit_check_names
from taskanalytics.plan.build import Plan, read_plan

__all__ = [
    "Assessment",
    "AssessmentError",
    "NotebookRunError",
    "Plan",
    "PlanParseError",
    "StoreError",
    "TaskAnalyticsError",
    "ValidationError",
    "assess",
    "assess_all",
    "audit",
    "audit_check_names",
    "read_plan",
]
__version__ = "0.1.0"

logging.getLogger("taskanalytics").addHandler(logging.NullHandler())
