"""The declarations: every table of the data contract, column by column, with its Chinese label."""

from __future__ import annotations

from typing import Final

from taskanalytics.schema.model import Column, Kind, TableSchema

# --------------------------------------------------------------------------- the declarations


def _c(
    name: str, kind: Kind, label: str, description: str = "", *, nullable: bool = False
) -> Column:
    return Column(name, kind, label, description, nullable)


# Columns that mean the same in several tables are declared once and reused, so they are
# labelled the same everywhere.
_TASK_ID = _c("task_id", "string", "任务编号", "T001..T122 (work report), L01..L10 (livelihood)")
_MILESTONE_ID = _c("milestone_id", "string", "节点编号", "task id + position: T110.01")
_SECTION = _c("section", "string", "部分", "work_report | livelihood")
_CATEGORY = _c("category", "string", "类别", "the task's category, numeral removed")
_LEAD_UNITS = _c("lead_units", "list[str]", "牵头单位", "units leading the task (牵头单位)")
_LEADERS = _c("leaders", "list[str]", "分管领导", "leaders in charge (分管领导)")
_TITLE = _c("task_title", "string", "任务", "the task's text")
_TEXT = _c("text", "string", "节点内容", "the milestone as printed, without label")
_LABEL = _c("label", "string", "节点", "numbering as printed: (1), (3)②, '' when unnumbered")
_DUE_DATE = _c("due_date", "date", "到期日", "the milestone's due date")
_DUE_KIND = _c("due_kind", "string", "时间类型", "date | recurring | range | task_deadline")
_RECURRENCE = _c(
    "recurrence", "string", "重复周期", "monthly | quarterly | semiannual", nullable=True
)
_LINE = _c("line", "int", "行号", "provenance: source line or row")
_TARGET_NO = _c("target_no", "int", "指标序号", "1-based position of the target in its milestone")
_METRIC = _c("metric", "string", "指标", "the quantity's name: 化解政府性债务")
# ``unit`` of a target is a unit of measure, not a government unit (牵头单位): hence 计量单位.
_MEASURE = _c("unit", "string", "计量单位", "unit of measure: 万元, 平方米, %, 个 …")
_COMPARATOR = _c(
    "comparator", "string", "比较方式", ">= (以上, 不低于 …), <= (以内, 不超过, 控制在 …) or ="
)
_QUARTER = _c("quarter", "string", "季度", "the quarter assessed: 2023Q2")
_AS_OF = _c("as_of", "date", "截至日期", "the assessment's as-of date")
_DUE_QUARTER = _c("due_quarter", "string", "到期季度", "quarter of the due date")
_STATUS = _c("status", "category", "状态", "schedule status (assess vocab STATUS_LABELS)")
_LIGHT = _c("light", "category", "灯色", "红/黄/绿 (assess vocab LIGHT_LABELS)")
# a roll-up row's light, from shares (rules section 4); none when nothing is due
_ROLLUP_LIGHT = _c(
    "light", "category", "灯色",
    "红/黄/绿 from shares (rules section 4); empty when nothing is due (本期无到期事项)",
    nullable=True,
)  # fmt: skip
_MAX_DAYS_OVERDUE = _c(
    "max_days_overdue",
    "int",
    "最长逾期天数",
    "most days a 逾期未完成 milestone is overdue (0 none)",
)
_RED_STREAK = _c(
    "red_streak", "int", "连续红灯（季）", "consecutive quarters red, this one included"
)
_REPORT_AS_OF = _c(
    "report_as_of", "date", "报送截至", "as-of date of the report that counts", nullable=True
)
_REPORTING_UNIT = _c(
    "reporting_unit", "string", "报送单位", "unit that sent the report", nullable=True
)
_NOTE = _c("note", "string", "单位情况说明", "the unit's own note, as sent", nullable=True)
_ACHIEVEMENT = _c(
    "achievement", "float", "完成比例", "actual / target (information only for points)",
    nullable=True,
)  # fmt: skip
_DAYS_OVERDUE = _c("days_overdue", "int", "逾期天数", "days past due (0 when not late)")

#: Count columns shared by every roll-up (``rollup.COUNT_COLUMNS``), in order.
_COUNTS: tuple[Column, ...] = (
    _c("milestones", "int", "节点", "milestones of the group"),
    _c(
        "due",
        "int",
        "应完成",
        "due by the as-of date = done + overdue + not_reported + due_today",
    ),
    _c("done", "int", "已完成", "due and done = done_on_time + done_late"),
    _c("done_on_time", "int", "按期完成", "due, done on or before the due date"),
    _c("done_late", "int", "逾期完成", "due, done after the due date"),
    _c("overdue", "int", "逾期未完成", "due, reported, not done"),
    _c("not_reported", "int", "未报送", "due and no report"),
    _c("due_today", "int", "今日到期", "due on the as-of date, not done (not late)"),
    _c("due_soon", "int", "临期", "not done, due within due_soon_days"),
    _c("not_due", "int", "未到期", "not yet due"),
    _c("done_ahead", "int", "提前完成", "done before being due"),
    _c("indicators", "int", "量化指标", "targets of due milestones"),
    _c("indicators_behind", "int", "指标滞后", "targets of due milestones behind"),
    _c("indicators_no_data", "int", "指标无数据", "targets of due milestones without actual"),
)
_RATES: tuple[Column, ...] = (
    _c("on_time_rate", "float", "按期完成率", "done_on_time / (due - due_today); empty when nothing judged is due",
       nullable=True),
    _c("completion_share", "float", "完成占比", "(done + done_ahead) / milestones",
       nullable=True),
    _MAX_DAYS_OVERDUE,
    _ROLLUP_LIGHT,
    _RED_STREAK,
)  # fmt: skip


def _rollup(attribute: str, title: str, keys: tuple[Column, ...]) -> TableSchema:
    return TableSchema(
        name=f"assessment.{attribute}",
        title=title,
        columns=(_QUARTER, _AS_OF, *keys, *_COUNTS, *_RATES),
        key=("quarter", *(k.name for k in keys)),
        description=f"one row per quarter and {attribute.removeprefix('by_')}",
    )


_TABLE_LIST: tuple[TableSchema, ...] = (
    TableSchema(
        "plan.tasks",
        "工作任务",
        (
            _TASK_ID,
            _SECTION,
            _c("number", "int", "序号", "task number as printed"),
            _CATEGORY,
            _c("subcategory", "string", "子类别", "numbering removed", nullable=True),
            _c("title", "string", "任务", "task text without its number"),
            _c("deadline", "date", "完成时限", "the task's deadline (完成时限)"),
            _LEAD_UNITS,
            _c("responsible_units", "list[str]", "责任单位", "units carrying the task out"),
            _LEADERS,
            _c(
                "extra",
                "dict[str, str]",
                "其他列",
                "columns kept aside, not interpreted (落实情况, 备注 …): header as printed -> "
                "cell text; empty when none",
            ),
            _LINE,
        ),
        key=("task_id",),
        description="one row per task",
    ),
    TableSchema(
        "plan.milestones",
        "阶段性节点",
        (
            _MILESTONE_ID,
            _TASK_ID,
            _c("position", "int", "节点序位", "1-based position within the task"),
            _LABEL,
            _c("group", "string", "分组", "the heading the milestone sits under", nullable=True),
            _TEXT,
            _DUE_DATE,
            _DUE_KIND,
            _RECURRENCE,
            _c("quarter", "string", "季度", "quarter of the due date: 2023Q1"),
            _c(
                "due_phrase",
                "string",
                "时间表述",
                "provenance: the date phrase read",
                nullable=True,
            ),
            _LINE,
        ),  # fmt: skip
        key=("milestone_id",),
        description="one row per leaf milestone",
    ),
    TableSchema(
        "plan.targets",
        "量化指标",
        (
            _MILESTONE_ID,
            _TASK_ID,
            _TARGET_NO,
            _METRIC,
            _c("value", "float", "数值", "the target value in unit"),
            _MEASURE,
            _COMPARATOR,
            _c("raw", "string", "原文", "provenance: the text the target was read from"),
        ),
        key=("milestone_id", "target_no"),
        description="one row per quantitative target in a milestone",
    ),
    TableSchema(
        "plan.owners",
        "责任分工",
        (
            _TASK_ID,
            _c("role", "string", "角色", "lead | responsible | leader"),
            _c("name", "string", "名称", "the unit or leader"),
        ),
        key=("task_id", "role", "name"),
        description="long form of the task's owners, for grouping",
    ),
    TableSchema(
        "plan.audit",
        "数据质量检查",
        (
            _c("check", "string", "检查项", "check code (audit CHECK_NAMES)"),
            _c("section", "string", "部分", "work_report | livelihood", nullable=True),
            _c("task_id", "string", "任务编号", "the task concerned", nullable=True),
            _c("milestone_id", "string", "节点编号", "the milestone concerned", nullable=True),
            _c("declared", "int", "文件声明", "count the document declares", nullable=True),
            _c("parsed", "int", "解析结果", "count parsed", nullable=True),
            _c("detail", "string", "说明", "the finding, in Chinese"),
        ),
        description="one row per finding of audit(plan)",
    ),
    TableSchema(
        "plan.diff",
        "版本比对",
        (
            _c(
                "change",
                "string",
                "变化",
                "added | dropped | moved | reworded | redated | unchanged",
            ),
            _c("old_milestone_id", "string", "原节点编号", "id in the old version", nullable=True),
            _c("new_milestone_id", "string", "新节点编号", "id in the new version", nullable=True),
            _c("old_task_id", "string", "原任务编号", "task in the old version", nullable=True),
            _c("new_task_id", "string", "新任务编号", "task in the new version", nullable=True),
            _c("old_label", "string", "原节点序号", "label in the old version: (2)", nullable=True),
            _c("new_label", "string", "新节点序号", "label in the new version", nullable=True),
            _c("old_text", "string", "原节点内容", "text in the old version", nullable=True),
            _c("new_text", "string", "新节点内容", "text in the new version", nullable=True),
            _c("old_due_date", "date", "原到期日", "due date in the old version", nullable=True),
            _c("new_due_date", "date", "新到期日", "due date in the new version", nullable=True),
            _c("due_changed", "bool", "到期日变化", "both versions hold it, due dates differ"),
            _c(
                "similarity",
                "float",
                "相似度",
                "0..1 of the compared texts; empty for added and dropped",
                nullable=True,
            ),
        ),  # fmt: skip
        key=("old_milestone_id", "new_milestone_id"),
        description="one row per milestone of either version (diff_plans)",
    ),
    TableSchema(
        "progress",
        "进度报送",
        (
            _MILESTONE_ID,
            _TASK_ID,
            _c("unit", "string", "报送单位", "the unit that sent the file"),
            _c("quarter", "string", "季度", "quarter of the file", nullable=True),
            _c("as_of_date", "date", "截至日期", "the report's as-of date"),
            _c("status", "string", "状态", "the unit's own status code (progress vocab)"),
            _c("completed_date", "date", "完成日期", "completion date", nullable=True),
            _c("actual_{n}", "float", "实际值{n}", "value reported for target n", nullable=True),
            _c("note", "string", "进展说明", "the unit's note", nullable=True),
            _c("source_file", "string", "报送文件", "original file name"),
            _c("sha256", "string", "文件校验值（SHA-256）", "SHA-256 of the file as received"),
            _c("ingested_at", "datetime", "入库时间", "when the file was stored (UTC)"),
            _c("is_synthetic", "bool", "示例数据", "the file is 示例数据"),
            _c("plan", "string", "计划名称", "the plan the file was made for (its name)"),
            _c(
                "plan_version",
                "string",
                "计划版本",
                "SHA-256 of the plan version the file was made for",
            ),
        ),
        key=("milestone_id", "as_of_date", "sha256"),
        description="one row per milestone per file (load_progress: the latest per milestone)",
    ),
    TableSchema(
        "progress.warnings",
        "报送提醒",
        (
            _c("unit", "string", "报送单位", "the unit that sent the file"),
            _c("quarter", "string", "季度", "quarter of the file", nullable=True),
            _c("as_of_date", "date", "截至日期", "the file's as-of date"),
            _c("source_file", "string", "报送文件", "original file name"),
            _c("sha256", "string", "文件校验值（SHA-256）", "SHA-256 of the file as received"),
            _c("ingested_at", "datetime", "入库时间", "when the file was stored (UTC)"),
            _c("seq", "int", "提醒序号", "1, 2 … within the file, in the intake's order"),
            _c("row", "int", "所在行", "row of the file (0: not a row of the data sheet)"),
            _c("column", "string", "所在列", "the column's header as the file shows it"),
            _c(
                "milestone_id",
                "string",
                "节点编号",
                "the row's milestone, as the file gave it (the version it was made for)",
                nullable=True,
            ),
            _c("value", "string", "填写内容", "what the clerk typed, as text", nullable=True),
            _c("message", "string", "提醒", "the warning in Chinese, as the clerk was shown it"),
        ),  # fmt: skip
        key=("sha256", "seq"),
        description="one row per warning of a stored file (load_warnings): a value accepted "
        "but worth a second look",
    ),
    TableSchema(
        "assessment.milestones",
        "节点评估",
        (
            _QUARTER,
            _AS_OF,
            _MILESTONE_ID,
            _TASK_ID,
            _TITLE,
            _LABEL,
            _TEXT,
            _c(
                "due_date",
                "date",
                "到期日",
                "the due date judged: a recurring milestone's current period end",
            ),
            _c("final_due_date", "date", "最终时限", "the plan's due date (a duty's final date)"),
            _DUE_KIND,
            _RECURRENCE,
            _DUE_QUARTER,
            _SECTION,
            _CATEGORY,
            _LEAD_UNITS,
            _LEADERS,
            _c("is_due", "bool", "已到期", "due on or before the as-of date"),
            _STATUS,
            _c("status_code", "string", "状态代码", "the status as a code: on_time, overdue …"),
            _DAYS_OVERDUE,
            _c("days_to_due", "int", "距到期天数", "due date - as-of date"),
            _c(
                "reported_status", "string", "自报状态", "the unit's own status code", nullable=True
            ),
            _c("completed_date", "date", "完成日期", "completion date counted", nullable=True),
            _REPORT_AS_OF,
            _REPORTING_UNIT,
            _NOTE,
            _c("indicators", "int", "量化指标", "targets of the milestone"),
            _c("indicators_behind", "int", "指标滞后", "targets behind"),
            _LIGHT,
        ),  # fmt: skip
        key=("quarter", "milestone_id"),
        description="one row per quarter and milestone",
    ),
    TableSchema(
        "assessment.indicators",
        "指标评估",
        (
            _QUARTER,
            _AS_OF,
            _MILESTONE_ID,
            _TASK_ID,
            _TARGET_NO,
            _METRIC,
            _MEASURE,
            _COMPARATOR,
            _DUE_DATE,
            _DUE_QUARTER,
            _c("target", "float", "目标值", "the plan's value"),
            _c("actual", "float", "实际值", "year-to-date value reported", nullable=True),
            _ACHIEVEMENT,
            _c("gap", "float", "差距（实际−目标）", "actual - target", nullable=True),
            _c("basis", "string", "比较口径", "ratio | points"),
            _c("band", "category", "完成情况", "达标/基本达标/滞后/无数据 (assess vocab)"),
            _c("status", "category", "节点状态", "the milestone's schedule status"),
            _LEAD_UNITS,
            _LEADERS,
            _REPORT_AS_OF,
        ),
        key=("quarter", "milestone_id", "target_no"),
        description="one row per quarter and target of a due milestone",
    ),
    TableSchema(
        "assessment.projections",
        "年底预计",
        (
            _TASK_ID,
            _METRIC,
            _MEASURE,
            _c("target", "float", "年度目标", "the series' last (year-end) target"),
            _c("due_date", "date", "目标时限", "the year-end target's due date"),
            _c("actual", "float", "最新实际值", "latest reported actual", nullable=True),
            _c("actual_as_of", "date", "实际值截至", "the day it speaks for", nullable=True),
            _c("planned", "float", "计划进度值", "the plan's trajectory that day", nullable=True),
            _c("pace", "float", "进度比", "actual / planned", nullable=True),
            _c("projected", "float", "年底预计", "max(actual, pace x target)", nullable=True),
            _c("shortfall", "float", "预计缺口", "target - projected, 0 when none", nullable=True),
            _c("method", "string", "预计方法", "trajectory | straight_line"),
            _c("outlook", "string", "年底研判", "年底完成有风险/按进度可完成/已完成年度目标/…"),
            _c("outlook_code", "string", "研判代码", "at_risk | on_track | met | no_data"),
        ),
        key=("task_id", "metric"),
        description="one row per cumulative indicator series (assess.projection; rules: 年底预计)",
    ),
    TableSchema(
        "assessment.by_task",
        "按任务汇总",
        (
            _QUARTER,
            _AS_OF,
            _TASK_ID,
            _TITLE,
            _SECTION,
            _CATEGORY,
            _LEAD_UNITS,
            _LEADERS,
            _c("status", "category", "状态", "the task's worst (due) milestone status"),
            *_COUNTS,
            *_RATES,
        ),
        key=("quarter", "task_id"),
        description="one row per quarter and task",
    ),
    _rollup("by_unit", "按牵头单位汇总", (_c("unit", "string", "牵头单位", "a lead unit"),)),
    _rollup("by_leader", "按分管领导汇总", (_c("leader", "string", "分管领导", "a leader"),)),
    _rollup("by_category", "按类别汇总", (_SECTION, _CATEGORY)),
    _rollup("by_section", "按部分汇总", (_SECTION,)),
    TableSchema(
        "assessment.unit_ranking",
        "单位排名",
        (
            _QUARTER,
            _AS_OF,
            _c(
                "rank",
                "int",
                "名次",
                "1 = best; units equal on every key share a rank",
                nullable=True,
            ),
            _c("unit", "string", "牵头单位", "a lead unit"),
            _c("standing", "string", "评定", "先进 / 后进 / 不参与排名, else empty"),
            _c("due", "int", "应完成", "due milestones"),
            _c("done_on_time", "int", "按期完成", "due, done on or before the due date"),
            _c("overdue", "int", "逾期未完成", "due, reported, not done"),
            _c("not_reported", "int", "未报送", "due and no report"),
            _MAX_DAYS_OVERDUE,
            _c(
                "on_time_rate",
                "float",
                "按期完成率",
                "done_on_time / (due - due_today)",
                nullable=True,
            ),
            _ROLLUP_LIGHT,
            _c("standing_note", "string", "说明", "why a unit is not ranked"),
        ),  # fmt: skip
        key=("quarter", "unit"),
        description="one row per quarter and lead unit (rank_units; rules section 5)",
    ),
    TableSchema(
        "assessment.watchlist",
        "督办清单",
        (
            _QUARTER,
            _AS_OF,
            _c("severity", "int", "严重程度", "overdue 3, behind 2, not reported 1"),
            _c("reason", "string", "督办原因", "reasons joined with ；"),
            _MILESTONE_ID,
            _TASK_ID,
            _TITLE,
            _TEXT,
            _DUE_DATE,
            _STATUS,
            _DAYS_OVERDUE,
            # joined with 、 here: the watch list is meant to be read and exported as text
            _c("lead_units", "string", "牵头单位", "lead units joined with 、"),
            _c("leaders", "string", "分管领导", "leaders joined with 、"),
            _c(
                "behind",
                "string",
                "指标差距（实际/目标）",
                "metric actual/target unit",
                nullable=True,
            ),
            _ACHIEVEMENT,
            _NOTE,
            _REPORTING_UNIT,
            _REPORT_AS_OF,
            _RED_STREAK,
            _c(
                "carried_over",
                "bool",
                "新增/持续",
                "true: also on the previous quarter's list (持续); false: new (新增)",
            ),
            _c(
                "quarters_on_list",
                "int",
                "连续督办（季）",
                "consecutive quarters on the list, this one included",
            ),
        ),  # fmt: skip
        key=("quarter", "milestone_id"),
        description="one row per quarter and milestone to chase (督办清单)",
    ),
    TableSchema(
        "briefing.previous_year",
        "与上年对比",
        (
            _TASK_ID,
            _METRIC,
            _c("unit", "string", "计量单位", "unit of measure, the same both years", nullable=True),
            _c("last_year_task_id", "string", "上年任务编号", "the task of last year's plan"),
            _c("last_year_target", "float", "上年目标", "last year's year target (latest due)"),
            _c(
                "last_year_actual",
                "float",
                "上年完成（年末）",
                "actual of that target at last year's Q4 assessment",
                nullable=True,
            ),
            _c(
                "last_year_achievement",
                "float",
                "上年完成率",
                "last_year_actual / last_year_target",
                nullable=True,
            ),
            _c(
                "last_year_band",
                "string",
                "上年完成情况",
                "band of that target at last year's Q4 assessment (assess vocab)",
                nullable=True,
            ),
            _c("year_target", "float", "本年目标", "this year's year target (latest due)"),
            _c(
                "quarter_target",
                "float",
                "本年本期目标",
                "this year's target due in the briefed quarter",
                nullable=True,
            ),
            _c(
                "quarter_actual",
                "float",
                "本年本期实际",
                "actual reported for that target by the as-of date",
                nullable=True,
            ),
            _c("comparison", "string", "对比", "one sentence comparing the two years, Chinese"),
        ),
        key=("task_id", "metric", "unit"),
        description="one row per quantitative indicator of this year's plan whose metric and "
        "unit match last year's plan (briefing.yoy.previous_year_results)",
    ),
    # last: its ``reason`` must not lend the watch list's label to label("reason")
    TableSchema(
        "progress.judgements",
        "研判",
        (
            _c("quarter", "string", "季度", "the quarter judged: 2023Q2"),
            _TASK_ID,
            _c(
                "judgement",
                "string",
                "研判",
                "the 督查室's confidence: sure 有把握 | at_risk 有风险 | unlikely 难以完成 "
                "(progress.judgements.JUDGEMENT_LABELS); never merged into the light",
            ),
            _c("reason", "string", "理由", "why, in the office's words (at most 500 chars)"),
            _c("judged_by", "string", "研判人", "who judged"),
            _c("judged_at", "date", "研判日期", "the day of the judgement"),
            _c("entered_at", "datetime", "录入时间", "when it was stored (UTC); the latest wins"),
            _c("source", "string", "来源", "form (the explorer) or the file's name"),
            _c(
                "source_sha256",
                "string",
                "文件校验值（SHA-256）",
                "SHA-256 of the file",
                nullable=True,
            ),
            _c("plan", "string", "计划名称", "the plan's name"),
            _c("plan_version", "string", "计划版本", "SHA-256 of the plan version judged"),
        ),
        key=("task_id", "quarter"),
        description="the latest judgement (研判) per task and quarter (load_judgements); the "
        "store keeps every one, append-only",
    ),  # fmt: skip
)

#: Every contract table by its full name, in declaration order.
TABLES: Final[dict[str, TableSchema]] = {t.name: t for t in _TABLE_LIST}
