"""The thresholds of the assessment: :class:`AssessmentRules` and :data:`DEFAULT_RULES`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_RULES", "AssessmentRules"]


@dataclass(frozen=True)
class AssessmentRules:
    """The thresholds of the assessment, in one place (see ``docs/assessment-rules.md``).

    Attributes
    ----------
    due_soon_days : int
        A milestone not done and due within this many days *after* the as-of date is 临期.
    met_ratio : float
        Achievement (actual / target) at or above this is 达标.
    nearly_met_ratio : float
        Achievement at or above this (and below ``met_ratio``) is 基本达标; below is 滞后.
    nearly_met_points : float
        For ``%`` targets, compared in percentage points: an actual at most this many points
        below the target is 基本达标; at or above the target 达标.
    not_reported_is_yellow : bool
        A due milestone without a report lights its row yellow (it cannot be shown on track).

    Examples
    --------
    >>> AssessmentRules(due_soon_days=30).met_ratio
    1.0
    """

    due_soon_days: int = 15
    met_ratio: float = 1.0
    nearly_met_ratio: float = 0.9
    nearly_met_points: float = 1.0
    not_reported_is_yellow: bool = True


DEFAULT_RULES: Final = AssessmentRules()
