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
    red_overdue_share : float
        A roll-up row is 红 when at least this share of its due milestones is 逾期未完成.
    red_not_reported_share : float
        A roll-up row is 红 when at least this share of its due milestones is 未报送 (the unit
        has gone silent).
    red_days_overdue : int or None
        If set, a roll-up row is also 红 when any of its milestones is 逾期未完成 by more than
        this many days; None (the default) turns the rule off (see the rules, section 4).
    yellow_behind_share : float
        A roll-up row is at least 黄 when at least this share of the indicators of its due
        milestones is 滞后.
    min_due_for_ranking : int
        A lead unit needs at least this many due milestones to be ranked (单位排名).
    ranking_named : int
        How many units at each end of the ranking are named 先进 and 后进.

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
    # roll-up lights (rules, section 4) and the unit ranking (section 5)
    red_overdue_share: float = 0.2
    red_not_reported_share: float = 0.5
    red_days_overdue: int | None = None
    yellow_behind_share: float = 0.2
    min_due_for_ranking: int = 3
    ranking_named: int = 3


DEFAULT_RULES: Final = AssessmentRules()
