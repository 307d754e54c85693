"""taskanalytics: a district government's yearly work plan, made monitorable.

The public API is small:

- :func:`read_plan` reads the task decomposition document into a :class:`Plan` of tidy frames;
- :func:`audit` lists data-quality findings about the source document itself.
"""

from __future__ import annotations

import logging

from .assess import Assessment, assess, assess_all
from .audit import audit, audit_check_names
from .errors import PlanParseError, TaskAnalyticsError
from .plan import Plan, read_plan

__all__ = [
    "Assessment",
    "Plan",
    "PlanParseError",
    "TaskAnalyticsError",
    "assess",
    "assess_all",
    "audit",
    "audit_check_names",
    "read_plan",
]
__version__ = "0.1.0"

logging.getLogger("taskanalytics").addHandler(logging.NullHandler())
