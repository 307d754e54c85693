"""The Chinese vocabulary of progress intake, in one place.

Everything a reporting unit sees (sheet names, column headers, status words, the 说明 sheet) is
defined here, next to the English name the library uses for it. ``reporting`` writes these words,
``intake`` reads them back; neither module spells a Chinese string of its own.
"""

from __future__ import annotations

import re
from typing import Final

from taskanalytics import schema

#: Status codes used by the library, in display order, with the word a unit picks in Excel.
STATUS_LABELS: Final[dict[str, str]] = {
    "done": "已完成",
    "in_progress": "推进中",
    "not_started": "未启动",
    "late": "滞后",
}

#: Words accepted for a status when reading a report (the four labels, their codes, a few
#: variants units are known to type). Keys are compared after stripping whitespace.
STATUS_ALIASES: Final[dict[str, str]] = {
    **{label: code for code, label in STATUS_LABELS.items()},
    **{code: code for code in STATUS_LABELS},
    "完成": "done",
    "进行中": "in_progress",
    "正在推进": "in_progress",
    "未开始": "not_started",
    "延期": "late",
    "滞后推进": "late",
}

_PROGRESS_LABELS: Final = schema.labels("progress")

#: Sheet names.
DATA_SHEET: Final = "进度填报"
README_SHEET: Final = "说明"

#: Data-sheet columns: English name -> Excel header. Order is the column order in the template.
#: The columns a report carries into the store are labelled as in the ``progress`` table of
#: :mod:`taskanalytics.schema`; the pre-filled plan columns keep the form's own wording.
COLUMN_HEADERS: Final[dict[str, str]] = {
    "milestone_id": _PROGRESS_LABELS["milestone_id"],
    "task_id": _PROGRESS_LABELS["task_id"],
    "task_title": "任务名称",
    "milestone_text": "主要时间节点或阶段性量化指标",
    "due_date": "节点时限",
    "targets_text": "量化指标（目标值）",
    "status": _PROGRESS_LABELS["status"],
    "completed_date": _PROGRESS_LABELS["completed_date"],
    "note": _PROGRESS_LABELS["note"],
}

#: Columns a unit fills in; every other column is pre-filled and locked.
INPUT_COLUMNS: Final[tuple[str, ...]] = ("status", "completed_date", "note")

#: The target columns of a template: one row per quantitative target, its metric, target value
#: and unit written out beside the one 实际值 cell the clerk fills (a milestone with three
#: targets has three rows; its status, date and note are filled on the first). 指标序号 is
#: hidden: intake reads which target a row is from it.
TARGET_HEADERS: Final[dict[str, str]] = {
    "metric": "量化指标",
    "target_text": "目标值",
    "target_unit": "单位",
    "actual": "实际值",
    "target_no": "指标序号",
}

#: The data sheet's columns in the template's order (``row_hint`` is :data:`ROW_HINT_HEADER`).
TEMPLATE_COLUMNS: Final[tuple[str, ...]] = (
    "milestone_id", "task_id", "task_title", "milestone_text", "due_date", "row_hint",
    "status", "completed_date", "metric", "target_text", "target_unit", "actual", "note",
    "target_no",
)  # fmt: skip

#: Extra CSV headers naming the reporting unit and quarter (CSV files carry no 说明 sheet).
CSV_UNIT_HEADERS: Final[tuple[str, ...]] = ("unit", "牵头单位", "填报单位")
CSV_QUARTER_HEADERS: Final[tuple[str, ...]] = ("quarter", "季度", "填报季度")

#: Accepted alternative headers (English names, older wording) -> English column name.
HEADER_ALIASES: Final[dict[str, str]] = {
    **{header: name for name, header in COLUMN_HEADERS.items()},
    **{name: name for name in COLUMN_HEADERS},
    **{header: name for name, header in TARGET_HEADERS.items()},
    "节点内容": "milestone_text",
    "完成时间": "completed_date",
    "备注": "note",
    "进展情况": "note",
    "填报提示": "row_hint",  # ROW_HINT_HEADER below: locked, read back by no one
}

#: Actual-value columns: ``实际值1（万元）``; the unit part is optional when reading.
ACTUAL_PREFIX: Final = "实际值"
ACTUAL_HEADER_RE: Final = re.compile(
    r"^\s*(?:实际值|actual_?)\s*(?P<no>\d+)\s*(?:[（(]\s*(?P<unit>[^（）()]*?)\s*[）)])?\s*$"
)


def actual_header(target_no: int, unit: str | None) -> str:
    """Return the Excel header of an actual-value column, e.g. ``实际值1（万元）``.

    Parameters
    ----------
    target_no
        1-based number of the target within its milestone.
    unit
        The target's unit; None or empty for a unitless target.

    Returns
    -------
    str
        The header text.

    Examples
    --------
    >>> actual_header(1, "万元")
    '实际值1（万元）'
    >>> actual_header(2, None)
    '实际值2'
    """
    return f"{ACTUAL_PREFIX}{target_no}（{unit}）" if unit else f"{ACTUAL_PREFIX}{target_no}"


#: Metadata block on the 说明 sheet: English key -> label in column A (value in column B).
META_LABELS: Final[dict[str, str]] = {
    "template": "模板标识",
    "unit": "填报单位",
    "quarter": "填报季度",
    "as_of_date": "截至日期",
    "plan_title": "任务来源",
    "doc_number": "文号",
    "is_synthetic": "示例数据",
    "plan_name": "计划名称",
    "plan_year": "计划年度",
    "plan_version": "计划版本",
}

#: Rows of the metadata block written hidden (the plan's identity: intake checks it, the clerk
#: does not need it).
HIDDEN_META: Final = ("plan_name", "plan_year", "plan_version")

#: Marker written in the 模板标识 cell; intake refuses workbooks without it.
TEMPLATE_MARKER: Final = "taskanalytics-progress-v1"

YES: Final = "是"
NO: Final = "否"

#: Comparators of targets as shown to units.
COMPARATOR_LABELS: Final[dict[str, str]] = {">=": "≥", "<=": "≤", "=": "="}

README_TITLE: Final = "{year}年{plan}任务进度填报说明"

#: What a plan is called in the 说明 title, by kind (:func:`taskanalytics.plan.identity.plan_kind`).
README_PLAN_WORDS: Final[dict[str, str]] = {
    "work_report": "政府工作报告",
    "livelihood": "十件民生实事",
}

#: Rows written under the metadata block when the workspace gives them (intake ignores them).
SUBMIT_LABELS: Final[dict[str, str]] = {"deadline": "报送时限", "recipient": "报送对象"}

#: Cells on the 说明 sheet the clerk fills (who filled and checked the report; intake ignores
#: them).
SIGNER_LABELS: Final[dict[str, str]] = {
    "filled_by": "填报人",
    "phone": "联系电话",
    "reviewed_by": "审核人",
}

#: Heading of the 说明 sheet's cover block and of its instructions.
COVER_HEADING: Final = "【报送信息】"
SIGNER_HEADING: Final = "【填报人信息】（请在白底单元格填写）"
LINES_HEADING: Final = "【填报说明】"

#: The locked column telling the clerk why a row is in the template, and its values by group
#: (rows are ordered by group: due this quarter, open from earlier quarters, recurring, done).
ROW_HINT_HEADER: Final = "填报提示"

#: Every data-sheet column's header by English name (the template's and the older ones').
ALL_HEADERS: Final[dict[str, str]] = {
    **COLUMN_HEADERS, **TARGET_HEADERS, "row_hint": ROW_HINT_HEADER,
}  # fmt: skip
ROW_HINTS: Final[dict[str, str]] = {
    "due": "本季度到期",
    "open": "往期未完成",
    "recurring": "常态化工作",
    "done": "已报完成（{quarter}）",
}

#: The instructions on the 说明 sheet, one paragraph a row.
README_LINES: Final[tuple[str, ...]] = (
    "一、本表由牵头单位填报，仅包含本单位牵头任务的时间节点；有底色的单元格为预填内容，已锁定，请勿修改。",
    "二、“状态”请从下拉列表选择：已完成、推进中、未启动、滞后。不填报的节点请将整行留空。",
    "三、状态为“已完成”的，须填写“完成日期”（格式：2023-03-31），且不得晚于截至日期；"
    "其他状态不填完成日期。",
    "四、有量化指标的节点，每项指标占一行，“量化指标”“目标值”“单位”已预填；请在同一行的“实际值”"
    "列填写截至日期的年度累计数，按“单位”列的单位填写，可写 17501、17,501、1.75亿、17501（万元），"
    "“万”“亿”按本行单位换算（单位为万元时，1.75亿即 17500 万元）；请勿填写“约一千”“一千多”等文字。"
    "一个节点有多项指标时，状态、完成日期和进展说明只在该节点的第一行填写。",
    "五、白底单元格为填报区；不适用的单元格为灰色且锁定。",
    "六、“进展说明”简要填写进展、问题及下步措施，不超过 500 字。",
    "七、请勿修改文件中的“填报单位”“填报季度”等信息，也请勿增删行列；"
    "文件名可以更改，但每个单位每季度只报送一个文件。",
    "八、表中各行的顺序：先列本季度到期的节点（浅黄色底），再列往期到期、尚未报完成的节点，"
    "然后是常态化工作，最后是已报完成的节点（浅绿色底，沿用已报送的内容并锁定，无需再填；"
    "如需更正，请联系报送对象）。“填报提示”列注明每行属于哪一类。",
)

#: Messages shown to units when a cell is rejected (bilingual: units read them, so do we).
EXPECTED: Final[dict[str, str]] = {
    "status": "one of 已完成/推进中/未启动/滞后（请从下拉列表选择）",
    "status_required": "a status, since other cells of the row are filled（已填其他列，须选择状态）",
    "date": "a date such as 2023-03-31（日期，如 2023-03-31）",
    "completed_date_required": "a completion date for status 已完成（已完成须填写完成日期）",
    "completed_date_forbidden": "no completion date unless status is 已完成（仅已完成填写完成日期）",
    "number": "a number such as 1234, 1,234 or 1.2万（请填写数字）",
    "note_length": "at most 500 characters（不超过 500 字）",
    "milestone_known": "a milestone id of the plan（计划中的节点编号）",
    "milestone_owned": "a milestone of a task this unit leads（本单位牵头任务的节点）",
    "milestone_unique": "each milestone once per file（每个节点只填一行）",
    "target_exists": "a value only where the milestone has that target（该节点无此指标）",
    "target_unit": "the unit of the milestone's target（与指标单位一致）",
    "unit_known": "a lead unit of the plan（计划中的牵头单位）",
    "unit_single": "one unit per file（每个文件只含一个单位）",
    "quarter": "a quarter such as 2023Q1（季度，如 2023Q1）",
    "template": "a progress template written by taskanalytics（请使用下发的填报模板）",
    "readable": "a readable .xlsx or UTF-8 .csv file（可读取的 xlsx 或 csv 文件）",
    "columns": "the template's columns（模板规定的列）",
    "plan_other": (
        "a template of plan {plan}（此表是“{found}”的填报表，不能报送到“{plan}”；"
        "请使用督查室下发的“{plan}”填报模板）"
    ),
    "plan_year": (
        "a template for {year}（此表是{found}年度的填报表，本计划为{year}年度；"
        "请使用{year}年度的填报模板）"
    ),
    "plan_version": (
        "a template of a version of plan {plan} kept in the store（此表依据的计划版本 {found} "
        "未在进度库中登记，无法确认节点编号；请使用督查室最新下发的填报模板）"
    ),
    "quarter_year": "a quarter of {year}（本计划为{year}年度，此表为{found}）",
    "as_of_year": "an as-of date in {year}（本计划为{year}年度，截至日期为{found}）",
    "as_of_quarter": "an as-of date within {quarter}（截至日期须在填报季度{quarter}之内）",
    "formula_uncomputed": (
        "a value, not a formula saved without its result（公式未计算，请在 Excel 或 WPS 中"
        "打开并保存后再报送，或直接填写数值）"
    ),
    "note_control": "text without control characters（含有不可见的控制字符，请删除）",
    "number_range": "a number of at most 15 digits（数值过大，请核实单位和位数）",
    "warn_negative": (
        "a value of 0 or more: the target counts or sums something（数量、金额不应为负数，请核实）"
    ),
    "warn_far_beyond": (
        "a value near the target {target}: this is more than {factor} times it"
        "（实际值超过目标值的 {factor} 倍，请核实单位或位数是否有误）"
    ),
    "warn_done_no_actual": (
        "an actual for {metric} (target {target}) when the status is 已完成"
        "（状态为已完成，请填写实际值）"
    ),
    "warn_multiplier": (
        "a number in {unit}: {found} read as {reading} {unit}（按{unit}读取，请核实）"
    ),
    "target_row_inputs": (
        "status, date and note on the milestone's first row（状态、完成日期和进展说明填在该节点的第一行）"
    ),
    "warn_extra_column": "only the template's columns（此列内容不会被读取）",
    "warn_merged": "cells not merged（合并单元格只读取第一格）",
    "number_unit": "a number in the row's unit（单位与指标不一致）",
    "warn_done_short": (
        "an actual of at least the target {target} of {metric} when the status is 已完成"
        "（状态为已完成，但实际值低于目标值，请核实）"
    ),
}

#: The same messages in plain Chinese, for the clerk (:meth:`taskanalytics.errors.RowProblem.zh`):
#: a clause where ``{found}`` is what was typed ("填写的“约一千”" or "未填写，"). Keys as in
#: :data:`EXPECTED`; ``{year}``, ``{plan}``… are filled where the English is.
EXPECTED_ZH: Final[dict[str, str]] = {
    "status": "{found}不是可选的状态，请从下拉列表选择：已完成、推进中、未启动、滞后",
    "status_required": "{found}本行已填写其他内容，须从下拉列表选择状态（已完成、推进中、未启动、滞后）",
    "date": "{found}不是日期，请按 2023-03-31 的格式填写完成日期",
    "completed_date_required": "{found}状态为“已完成”的须填写完成日期，如 2023-03-31",
    "completed_date_forbidden": "{found}但状态不是“已完成”；只有已完成的节点填写完成日期，请删除日期或修改状态",
    "date_after": "{found}晚于截至日期 {as_of}；完成日期须不早于 {first}、不晚于截至日期 {as_of}",
    "date_before": "{found}早于 {first}；完成日期须不早于 {first}、不晚于截至日期 {as_of}",
    "number": "{found}不是数字，请填写阿拉伯数字，如 1234、1,234 或 1.2万，不要写“约一千”“一千多”等文字",
    "number_unit_none": "{found}带有单位“{written}”，但本行指标没有单位，请只填写数字",
    "number_unit": "{found}的单位“{written}”与本行指标的单位（{unit}）不一致，请按{unit}填写数字",
    "note_length": "{found}超过 500 字，请精简",
    "milestone_known": "{found}不是本计划中的节点编号，请勿修改预填的节点编号",
    "milestone_owned": "{found}不是本单位牵头任务的节点，请只填报本单位牵头的节点",
    "milestone_unique": "{found}与前面的行重复，每个节点只填一行",
    "target_exists": "{found}，但该节点没有这项指标，请清空此单元格",
    "target_unit": "{found}，但本列单位与该指标的单位（{unit}）不一致，请勿修改表头",
    "unit_known": "{found}不是本计划中的牵头单位，请勿修改预填的填报单位",
    "unit_single": "{found}含有多个单位，每个文件只报送一个单位",
    "quarter": "{found}不是季度，应为如 2023Q1 的季度，请勿修改",
    "template": "此文件不是督查室下发的填报模板（模板标识缺失或被改动）；请使用下发的填报模板填写，勿另建表格",
    "readable": "无法读取，请报送督查室下发的 .xlsx 模板（或 UTF-8 编码的 .csv 文件）",
    "readable_old": "这是 {suffix} 格式的文件，无法读取；请用 Excel 或 WPS 另存为 .xlsx 后再报送",
    "sheets": "缺少「{missing}」表（现有工作表：{found}）；请勿删除或重命名模板中的工作表，"
    "请使用下发的模板重新填写",
    "columns": "缺少此列（可能被删除或改名）；请勿修改模板的表头",
    "as_of_missing": "{found}须有截至日期或填报季度，请使用下发的填报模板",
    "plan_other": "此表是“{found}”的填报表，不能报送到“{plan}”；请使用督查室下发的“{plan}”填报模板",
    "plan_year": "此表是{found}年度的填报表，本计划为{year}年度；请使用{year}年度的填报模板",
    "plan_version": "此表依据的计划版本 {found} 未在进度库中登记，无法确认节点编号；"
    "请使用督查室最新下发的填报模板",
    "quarter_year": "本计划为{year}年度，此表为{found}；请使用{year}年度的填报模板",
    "as_of_year": "本计划为{year}年度，此表截至日期为{found}；请使用{year}年度的填报模板",
    "as_of_quarter": "截至日期 {found} 不在填报季度{quarter}之内；请勿修改预填的截至日期",
    "formula_uncomputed": "{found}是公式，但未保存计算结果；请在 Excel 或 WPS 中打开并保存后再报送，"
    "或直接填写数值",
    "note_control": "{found}含有不可见的控制字符，请删除",
    "number_range": "{found}数值过大，请核实单位和位数",
    "warn_negative": "{found}是负数；数量、金额不应为负数，请核实",
    "warn_far_beyond": "{found}超过目标值 {target} 的 {factor} 倍，请核实单位或位数是否有误",
    "warn_done_no_actual": "{found}状态为“已完成”，请填写“{metric}”的实际值（目标 {target}）",
    "warn_multiplier": "{found}按 {reading} {unit}读取；如指的是 {alt} {unit}，请直接填写 {alt}",
    "target_row_inputs": "{found}；本行是该节点的第 {no} 项指标，状态、完成日期和进展说明"
    "请填在该节点的第一行（第 {first} 行）",
    "warn_extra_column": "此列不是模板的列，其中填写的内容（如第 {row} 行“{sample}”）不会被读取；"
    "请写在“进展说明”列",
    "warn_merged": "单元格 {cells} 被合并，只读取第 {row} 行的内容，其余各行的“{column}”视为未填；"
    "请取消合并，逐行填写",
    "warn_done_short": "{found}低于“{metric}”的目标值 {target}，但状态为“已完成”，请核实",
}

#: Longest note accepted, in characters.
NOTE_MAX_CHARS: Final = 500


#: Largest magnitude of an actual value stored: Excel keeps 15 significant digits, and a larger
#: value (1e308) is a typo that would show as "inf%" in a briefing.
MAX_ABS_VALUE: Final = 1e15

#: A value more than this many times its target is accepted with a warning.
FAR_BEYOND_TARGET: Final = 10

#: Units of targets that may be negative (a rate of growth can fall); any other unit counts or
#: sums something (个, 万元, 户, 平方米 …), and a negative value is accepted with a warning.
SIGNED_UNITS: Final[tuple[str, ...]] = ("%", "％", "‰", "百分点", "个百分点")
#: Words of a target's metric that make it a change, which may be negative (固定资产投资同比增长).
SIGNED_METRIC_WORDS: Final[tuple[str, ...]] = (
    "增长", "增速", "增幅", "下降", "降低", "降幅", "变化",
)  # fmt: skip


def may_be_negative(unit: str | None, metric: str) -> bool:
    """Return True if a target's actual value may be negative: a rate or a change.

    Examples
    --------
    >>> may_be_negative("%", "规模以上工业增加值同比增长"), may_be_negative("户", "回迁安置")
    (True, False)
    """
    return (unit or "") in SIGNED_UNITS or any(w in metric for w in SIGNED_METRIC_WORDS)


#: The worked example on the 说明 sheet: its heading, the rows it shows (label of the
#: template column it stands for) and the spellings of a value read back for the clerk.
EXAMPLE_HEADING: Final = "【填写示例】（以本表第 {row} 行为例，示例内容请勿照抄）"
#: The example's label of the milestone text (the data sheet's long header does not fit column A).
EXAMPLE_TEXT_LABEL: Final = "节点内容"
EXAMPLE_NOTE: Final = "已完成{metric}{value}{unit}，达到目标。（示例）"
EXAMPLE_NOTE_PLAIN: Final = "已按期完成。（示例）"
SPELLING_HEADING: Final = "【“实际值”的写法】（以单位为“{unit}”的指标为例）"
SPELLING_HEADERS: Final = ("填写", "读取为")
SPELLING_REFUSED: Final = "不能读取：请填写数字"

#: Headers of the problems workbook written for the clerk
#: (:func:`taskanalytics.progress.problems.write_problems_xlsx`), by RowProblem field.
PROBLEM_HEADERS: Final[dict[str, str]] = {
    "file": "文件",
    "sheet": "工作表",
    "row": "行",
    "column": "列",
    "value": "填写内容",
    "expected": "要求",
    "zh": "说明",
}
PROBLEM_SHEET: Final = "问题清单"
#: What the 行 column says for a problem of the whole file (row 0).
WHOLE_FILE: Final = "整个文件"
