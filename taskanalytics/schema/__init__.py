"""The data contract as one declaration: every table's columns, dtypes, nullability, Chinese labels.

Each table a stage hands to the next (``docs/data-contract.md``, ``docs/progress-intake.md``,
``docs/assessment-rules.md``) is a :class:`TableSchema`: its columns in order, each a
:class:`Column` with an English name, a dtype kind, whether it may be missing, the Chinese label
people read and a short English description. Whatever shows a contract table to people (the
explorer, the briefings, the reporting templates) takes its Chinese headers from here, so a
column is called the same everywhere and a label is changed in one place. The cells those tables
become in a spreadsheet are made safe in one place too: :mod:`taskanalytics.schema.cells`
(formula injection, characters an ``.xlsx`` cannot hold), used by every ``.xlsx``/``.csv``
writer of the package.

Tables are named ``plan.tasks``, ``plan.milestones``, ``plan.targets``, ``plan.owners``,
``plan.audit``, ``progress`` and ``assessment.<attribute>`` (``assessment.milestones``,
``assessment.by_unit``, ``assessment.watchlist`` …). The part after the dot may be used alone
where it is unambiguous (``"tasks"``, ``"by_unit"``; not ``"milestones"``).

This module sits at the bottom of the package beside :mod:`taskanalytics.errors` and
:mod:`taskanalytics.quarters`: it imports pandas and nothing of the pipeline's stages. Status,
band and light *words* are not here: they stay in each stage's ``vocab.py``.

Examples
--------
>>> label("lead_units", "tasks")
'牵头单位'
>>> label("actual_2", "progress")
'实际值2'
>>> [c.name for c in table_schema("plan.owners").columns]
['task_id', 'role', 'name']
"""

from __future__ import annotations

from taskanalytics.schema.check import label, labels, rename_to_chinese, table_schema, validate
from taskanalytics.schema.model import KINDS, Column, TableSchema
from taskanalytics.schema.tables import TABLES

__all__ = [
    "KINDS",
    "TABLES",
    "Column",
    "TableSchema",
    "label",
    "labels",
    "rename_to_chinese",
    "table_schema",
    "validate",
]
