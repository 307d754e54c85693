"""Stage 3, the assessment: verdicts, indicators, roll-ups and the watch list.

:func:`assess` and :func:`assess_all` (:mod:`~taskanalytics.assess.engine`) judge every
milestone and indicator due by a quarter's end against the progress reported; the rules are
``docs/assessment-rules.md``, in code :mod:`~taskanalytics.assess.verdicts`, with their
thresholds in :mod:`~taskanalytics.assess.rules`. The other modules, one stage each:
:mod:`~taskanalytics.assess.inputs` (the plan and reports as arrays),
:mod:`~taskanalytics.assess.rollup` (sums by task, unit, leader, category and section),
:mod:`~taskanalytics.assess.tables` and :mod:`~taskanalytics.assess.watchlist` (the tables),
:mod:`~taskanalytics.assess.ranking` (单位排名),
:mod:`~taskanalytics.assess.result` (:class:`Assessment`). The statuses, bands and lights are
integer codes in :mod:`~taskanalytics.assess.codes` and Chinese labels in
:mod:`~taskanalytics.assess.vocab`.
"""

from __future__ import annotations

from taskanalytics.assess.engine import (
    DEFAULT_RULES,
    Assessment,
    AssessmentRules,
    assess,
    assess_all,
    resolve_quarter,
)
from taskanalytics.assess.ranking import rank_units

__all__ = [
    "DEFAULT_RULES",
    "Assessment",
    "AssessmentRules",
    "assess",
    "assess_all",
    "rank_units",
    "resolve_quarter",
]
