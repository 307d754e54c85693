"""The Chinese vocabulary of assessment, in one place: statuses, bands, lights, watch reasons.

Codes are English and stable (use them in code); labels are what tables and briefings show. The
order of each mapping is the display order. ``taskanalytics.assess`` and ``taskanalytics.rollup``
spell no Chinese string of their own.
"""

from __future__ import annotations

from typing import Final

#: Milestone status (schedule verdict computed from dates and reports), code -> label.
#: The integer code used internally is the position in this mapping.
STATUS_LABELS: Final[dict[str, str]] = {
    "on_time": "按期完成",
    "done_late": "逾期完成",
    "overdue": "逾期未完成",
    "not_reported": "未报送",
    # due on the as-of day and not done: due, but not late (A == D)
    "due_today": "今日到期",
    "due_soon": "临期",
    "in_progress": "推进中",
    "not_started": "未启动",
    # not yet due and nothing reported: listed, never counted against anyone
    "not_due": "未到期",
}

#: How bad a status is, for "a task's status is its worst milestone" (higher is worse).
STATUS_SEVERITY: Final[dict[str, int]] = {
    # a permutation of 0..8: assess maps severities back to statuses
    "not_due": 0,
    "on_time": 1,
    "in_progress": 2,
    "not_started": 3,
    "done_late": 4,
    "due_soon": 5,
    "due_today": 6,
    "not_reported": 7,
    "overdue": 8,
}

#: Indicator achievement band, code -> label.
BAND_LABELS: Final[dict[str, str]] = {
    "met": "达标",
    "nearly_met": "基本达标",
    "behind": "滞后",
    "no_data": "无数据",
    # a series point whose due quarter starts after the as-of date
    "not_due": "未到期",
}

#: Traffic light of a row (milestone or roll-up group), code -> label; worse comes later.
LIGHT_LABELS: Final[dict[str, str]] = {
    "green": "绿",
    "yellow": "黄",
    "red": "红",
}

#: Shown instead of a light for a roll-up row with nothing due this quarter (it has no light).
NO_LIGHT_LABEL: Final = "本期无到期事项"

#: A lead unit's standing in the unit ranking (单位排名), code -> label.
STANDING_LABELS: Final[dict[str, str]] = {
    "advanced": "先进",
    "ranked": "",  # ranked, neither end
    "lagging": "后进",
    "unranked": "不参与排名",
}
#: Why a unit is not ranked; ``{due}`` and ``{minimum}`` are filled in.
UNRANKED_REASON: Final = "应完成节点 {due} 个，少于 {minimum} 个"

#: Why an item is on the watch list (督办清单), code -> label, most severe first.
WATCH_REASONS: Final[dict[str, str]] = {
    "overdue": "逾期未完成",
    "behind": "欠进度",
    "not_reported": "未报送",
}

#: Watch-list severity of each reason (higher is more severe).
WATCH_SEVERITY: Final[dict[str, int]] = {"overdue": 3, "behind": 2, "not_reported": 1}

#: Separator used when a list (units, leaders, reasons) is written as one text cell.
LIST_SEPARATOR: Final = "、"
REASON_SEPARATOR: Final = "；"

#: Words of the HTML summary (``Assessment._repr_html_``).
HTML_WORDS: Final[dict[str, str]] = {
    "title": "季度评估",
    "as_of": "截至",
    "milestones": "时间节点",
    "due": "应完成",
    "indicators": "量化指标",
    "watchlist": "督办清单",
    "units": "牵头单位",
    "items": "项",
}

#: Units of rates and changes: a series in them does not add up over the year, so it is not
#: projected to the year end (:mod:`taskanalytics.assess.projection`).
RATE_UNITS: Final[tuple[str, ...]] = ("%", "％", "‰", "百分点", "个百分点")
#: Units of durations (办结时限压缩至1个工作日): a limit, not an amount that grows.
DURATION_UNITS: Final[tuple[str, ...]] = ("工作日", "天", "日", "小时", "分钟", "个月", "年")
#: Words of a metric that make it a change, not an amount (同比增长 5%).
CHANGE_WORDS: Final[tuple[str, ...]] = (
    "增长",
    "增速",
    "增幅",
    "下降",
    "降低",
    "降幅",
    "比重",
    "率",
)

#: The year-end outlook of a cumulative indicator (年底预计), code -> label; never a status.
OUTLOOK_LABELS: Final[dict[str, str]] = {
    "at_risk": "年底完成有风险",
    "on_track": "按进度可完成",
    "met": "已完成年度目标",
    "no_data": "尚无报送，无法预计",
}
