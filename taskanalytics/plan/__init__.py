"""Stage 1, the plan: the source document read into tidy tables.

``readers/`` turn a ``.txt`` export, ``.docx``, ``.xlsx`` or ``.csv`` into rows of cells;
:mod:`~taskanalytics.plan.build` interprets them (:func:`read_plan`), with
:mod:`~taskanalytics.plan.milestones` (leaves and due dates) and
:mod:`~taskanalytics.plan.targets` (quantities); :mod:`~taskanalytics.plan.audit` reports the
source's data quality and :mod:`~taskanalytics.plan.export` writes the tables. The document's
Chinese vocabulary (headers, date phrases, units) is :mod:`~taskanalytics.plan.vocab`.
"""

from __future__ import annotations

from taskanalytics.plan.audit import audit, audit_check_names
from taskanalytics.plan.build import Plan, PlanLike, read_plan
from taskanalytics.plan.export import write_tables

__all__ = ["Plan", "PlanLike", "audit", "audit_check_names", "read_plan", "write_tables"]
