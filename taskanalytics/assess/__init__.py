"""Stage 3, the assessment: verdicts, indicators, roll-ups and the watch list.

:func:`assess` and :func:`assess_all` (:mod:`~taskanalytics.assess.engine`) judge every
milestone and indicator due by a quarter's end against the progress reported; the rules are
``docs/assessment-rules.md``. :mod:`~taskanalytics.assess.rollup` sums verdicts by task, unit,
leader, category and section; the statuses, bands and lights in Chinese are
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

__all__ = [
    "DEFAULT_RULES",
    "Assessment",
    "AssessmentRules",
    "assess",
    "assess_all",
    "resolve_quarter",
]
