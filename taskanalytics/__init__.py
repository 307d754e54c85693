"""taskanalytics: a district government's yearly work plan, made monitorable.

The public API is small:

- :func:`read_plan` reads the task decomposition document into a :class:`Plan` of tidy frames;
- :func:`audit` lists data-quality findings about the source document itself;
- :func:`load_progress` / :func:`load_progress_history` read the progress units reported from
  the store, :func:`load_warnings` the intake's warnings (提醒) stored with their files;
- :func:`assess` / :func:`assess_all` judge every milestone and indicator due by a quarter's end
  against that progress, with roll-ups and a watch list;
- :class:`Quarter` is the calendar quarter every stage speaks;
- every error is a :class:`TaskAnalyticsError`.

The pipeline's stages are packages: ``plan`` (stage 1), ``progress`` (stage 2: templates,
intake, store, demo data), ``assess`` (stage 3), then ``briefing``/``charts`` and ``explore``;
``runner``, ``quarterly`` and ``cli`` are the edges. Importing this package loads neither
openpyxl nor altair nor papermill.
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
from taskanalytics.progress.store import load_progress, load_progress_history, load_warnings
from taskanalytics.quarters import Quarter

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
    "Quarter",
    "assess_all",
    "audit",
    "audit_check_names",
    "load_progress",
    "load_progress_history",
    "load_warnings",
    "read_plan",
]
__version__ = "0.1.0"

logging.getLogger("taskanalytics").addHandler(logging.NullHandler())
