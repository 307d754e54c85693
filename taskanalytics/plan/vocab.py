"""The Chinese vocabulary of the source document, in one place.

Table headers, numbering marks, date phrases, units of measure and comparator words that the
plan parser recognises. Nothing else in the package spells these out.
"""

from __future__ import annotations

import re

#: The seven column headers of the task table, in order, mapped to English names.
TABLE_HEADERS: dict[str, str] = {
    "类别": "category",
    "指标任务": "task",
    "主要时间节点或阶段性量化指标": "milestones",
    "完成时限": "deadline",
    "牵头单位": "lead_units",
    "责任单位": "responsible_units",
    "分管领导": "leaders",
}

#: Chinese names of the plan's sections (``tasks.section``), for readers.
SECTION_NAMES: dict[str, str] = {"work_report": "政府工作报告", "livelihood": "十件民生实事"}

#: Marker text of the livelihood table's category (十件民生实事).
LIVELIHOOD_MARK = "民生实事"

#: "经合并同类项……共保留工作任务122项、形成阶段性指标404个。"
DECLARED_RE = re.compile(r"工作任务\s*(\d+)\s*项[^\d]*?阶段性指标\s*(\d+)\s*个")

#: Word export artifacts that must never reach the data.
ARTIFACT_RE = re.compile(r"\[bookmark:[^\]]*\]")

#: A task cell: "1.地区生产总值增长5%。"
TASK_RE = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(\S.*)$", re.S)

CN_NUMERALS = "一二三四五六七八九十"
#: A category cell's leading numeral: "二" on its own line, or "二、".
CATEGORY_NUMERAL_RE = re.compile(rf"^([{CN_NUMERALS}]+)[、.．]?\s*")
#: A subcategory cell's numbering: "（一）".
SUBCATEGORY_NUMBER_RE = re.compile(rf"^[（(]\s*([{CN_NUMERALS}]+)\s*[）)]\s*")

#: Milestone numbering: "（1）" (full- or half-width brackets).
NUMBERED_RE = re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")
#: Circled sub-items ①..⑳.
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CIRCLED_SPLIT_RE = re.compile(f"([{CIRCLED}])")
#: A heading that introduces the next items ends with a colon.
HEADING_END = ("：", ":")
#: Punctuation that ends a milestone's text and is dropped.
TRAILING_PUNCT = "；;。.，, \u3000"

#: Deadline cell: "12月31日", optionally with a year.
DEADLINE_RE = re.compile(r"^(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")

# --- date phrases inside milestone text --------------------------------------------------
# Each pattern is tried anywhere in the text; the earliest match wins, so a milestone such as
# "3月底前，……要求相关部门每月报送" is due at the end of March, not monthly.
Y = r"(?:(?P<year>\d{4})\s*年)?"
DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 4月初、7月初、10月初 -> recurring, recurrence from the spacing
    (
        "month_list",
        re.compile(r"(?P<first>\d{1,2})月(?P<part>初|中旬|底|末)(?:、\d{1,2}月(?P=part))+"),
    ),
    # 2月至3月份 -> range, due at the end of the last month
    (
        "range",
        re.compile(Y + r"(?P<start>\d{1,2})月份?\s*(?:至|到|—|-|～|~)\s*(?P<end>\d{1,2})月份?"),
    ),
    ("day", re.compile(Y + r"(?P<month>\d{1,2})月(?P<day>\d{1,2})日")),
    ("month_end", re.compile(Y + r"(?P<month>\d{1,2})月(?:底|末|下旬)")),
    ("month_mid", re.compile(Y + r"(?P<month>\d{1,2})月中旬")),
    ("month_start", re.compile(Y + r"(?P<month>\d{1,2})月(?:初|上旬)")),
    ("year_end", re.compile(r"(?:(?P<year>\d{4})\s*)?年(?:底|末)")),
    ("recurring", re.compile(r"每月|按月|每个月|每季度|按季度?|每季|每半年")),
]


def _combine(patterns: list[tuple[str, re.Pattern[str]]]) -> re.Pattern[str]:
    """One alternation of all date patterns: a single search finds the earliest phrase, ties
    going to the pattern listed first. Group ``kind__name`` holds a pattern's group ``name``."""
    parts = []
    for kind, pattern in patterns:
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<{kind}__\1>", pattern.pattern)
        body = re.sub(r"\(\?P=(\w+)\)", rf"(?P={kind}__\1)", body)
        parts.append(f"(?P<{kind}>{body})")
    return re.compile("|".join(parts))


DATE_RE = _combine(DATE_PATTERNS)
#: A date phrase with its trailing 前 (``3月底前``), removed from quantities' names.
DATE_PHRASE_RE = re.compile(f"(?:{DATE_RE.pattern})(?:之前|以前|前)?")
DATE_KINDS = [kind for kind, _ in DATE_PATTERNS]
#: Day of month for "N月中旬" and "N月初".
MID_MONTH_DAY = 20
EARLY_MONTH_DAY = 10
#: Recurrence keyword -> recurrence code.
RECURRENCE_WORDS: dict[str, str] = {
    "每月": "monthly",
    "按月": "monthly",
    "每个月": "monthly",
    "每季度": "quarterly",
    "按季度": "quarterly",
    "按季": "quarterly",
    "每季": "quarterly",
    "每半年": "semiannual",
}
#: Month spacing of a listed schedule (4月初、7月初、10月初) -> recurrence code.
RECURRENCE_BY_SPACING: dict[int, str] = {1: "monthly", 3: "quarterly", 6: "semiannual"}
#: A bare year that is not the plan's year ("计划2024年将材料上报") dates the milestone at that
#: year's end; "2022年度" and "2022年辽宁省…" style mentions inside a dated milestone never win
#: because the earlier, explicit phrase does.
BARE_YEAR_RE = re.compile(r"(?P<year>20\d{2})\s*年(?!度)")
#: Time words the parser does not turn into a date; the audit lists milestones holding them.
VAGUE_TIME_RE = re.compile(
    r"年内|上半年|下半年|年中|每周|每年|每日|适时|定期|近期|尽快|(?<![\d月])\d{1,2}月份?(?![底末初中旬\d至到日份])"
)

# --- quantities -------------------------------------------------------------------------
#: Units recognised after a number, longest first when matched. Value: (normalized unit, factor).
UNITS: dict[str, tuple[str, float]] = {
    "万元人民币": ("万元", 1.0),
    "亿元人民币": ("万元", 10000.0),
    "元人民币": ("万元", 0.0001),
    "万元": ("万元", 1.0),
    "亿元": ("万元", 10000.0),
    "元": ("万元", 0.0001),
    "万平方米": ("平方米", 10000.0),
    "平方米": ("平方米", 1.0),
    "万平": ("平方米", 10000.0),
    "万立方米": ("立方米", 10000.0),
    "立方米": ("立方米", 1.0),
    "万方": ("立方米", 10000.0),
    "公里": ("公里", 1.0),
    "千米": ("公里", 1.0),
    "米": ("米", 1.0),
    "m": ("米", 1.0),
    "万亩": ("亩", 10000.0),
    "亩": ("亩", 1.0),
    "万吨": ("吨", 10000.0),
    "吨": ("吨", 1.0),
    "%": ("%", 1.0),
    "％": ("%", 1.0),
    "个工作日": ("工作日", 1.0),
    "个百分点": ("个百分点", 1.0),
    "万人次": ("人次", 10000.0),
    "人次": ("人次", 1.0),
    "万人": ("人", 10000.0),
    "人": ("人", 1.0),
    "万户": ("户", 10000.0),
    "户": ("户", 1.0),
    "批次": ("批次", 1.0),
    "个": ("个", 1.0),
    "场": ("场", 1.0),
    "家": ("家", 1.0),
    "项": ("项", 1.0),
    "次": ("次", 1.0),
    "万株": ("株", 10000.0),
    "株": ("株", 1.0),
    "墩": ("墩", 1.0),
    "条": ("条", 1.0),
    "所": ("所", 1.0),
    "名": ("名", 1.0),
    "台": ("台", 1.0),
    "辆": ("辆", 1.0),
    "栋": ("栋", 1.0),
    "处": ("处", 1.0),
    "座": ("座", 1.0),
    "套": ("套", 1.0),
    "件": ("件", 1.0),
    "份": ("份", 1.0),
    "批": ("批", 1.0),
    "天": ("天", 1.0),
}
_UNIT_ALT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
#: A number followed by a unit. Not preceded by a letter or digit (B2B), not followed by "/"
#: (10000吨/年 names a plant's capacity, not a target).
QUANTITY_RE = re.compile(
    r"(?<![\dA-Za-z.])(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>" + _UNIT_ALT + r")(?!\s*/)"
)
#: Words before a number meaning "at least".
AT_LEAST_BEFORE = ("不低于", "不少于", "至少", "突破", "超过")
#: A number that ends its clause with no unit: a quantity the parser cannot name a unit for
#: ("包装申报项目50，"); the audit lists them.
UNITLESS_NUMBER_RE = re.compile(r"(?<![\dA-Za-z.+])\d+(?:\.\d+)?(?:以上)?(?=[，,；;。]|$)")
#: Words right after a quantity meaning "at least".
AT_LEAST_AFTER = ("以上",)
#: Delimiters that end a clause when looking for a quantity's name.
CLAUSE_DELIMS = "，,；;。：:！？!?"
#: Delimiters that end the noun following a quantity ("93个电子证照和27个…").
AFTER_STOPS = CLAUSE_DELIMS + "、及和并与（("
#: Filler words stripped from the front of a quantity's name.
LEADING_FILLERS = ("累计", "完成", "实现", "全年", "力争", "确保", "推动", "共")
#: Filler words stripped from the end of a quantity's name.
TRAILING_FILLERS = (
    "累计完成",
    "完成",
    "达到",
    "实现",
    "不低于",
    "不少于",
    "至少",
    "突破",
    "超过",
    "压缩至",
    "共计",
    "累计",
    "达",
    "为",
    "约",
)
#: Words removed wherever they stand in a quantity's name: the same series is named alike in
#: every milestone ("引进急需紧缺人才50人" and "累计引进急需紧缺人才200人").
INNER_FILLERS = ("累计", "至少", "不低于", "不少于")
#: Quote marks are dropped from names ("“专精特新”中小企业" -> 专精特新中小企业).
QUOTES = "“”\"‘’'《》"

# --- column headers of other tables (.docx, Excel ledgers, other districts) ---------------
#: The one synonym table of column headers: header as printed (whitespace removed) -> contract
#: column. ``None`` marks a column that is known and deliberately not read (remarks).
#: ``subcategory`` is also the second grid column under a ``类别`` header that spans two columns.
HEADER_SYNONYMS: dict[str, str | None] = {
    # the category the task sits under
    "类别": "category", "分类": "category", "类型": "category", "领域": "category",
    "板块": "category", "大类": "category", "工作类别": "category", "任务类别": "category",
    "子类": "subcategory", "小类": "subcategory", "子类别": "subcategory",
    # the task's number, when it has a column of its own
    "序号": "number", "编号": "number", "任务编号": "number", "序列": "number",
    # the task
    "指标任务": "task", "任务": "task", "工作任务": "task", "重点任务": "task",
    "重点工作": "task", "任务内容": "task", "目标任务": "task", "具体任务": "task",
    "工作内容": "task", "工作事项": "task", "事项": "task", "指标": "task",
    "民生实事": "task", "民生实事项目": "task", "项目名称": "task", "实事项目": "task",
    # the staged milestones
    "主要时间节点或阶段性量化指标": "milestones", "时间节点或阶段性量化指标": "milestones",
    "主要时间节点": "milestones", "时间节点": "milestones", "阶段性目标": "milestones",
    "阶段性指标": "milestones", "阶段性量化指标": "milestones", "进度安排": "milestones",
    "推进计划": "milestones", "节点目标": "milestones", "工作措施": "milestones",
    "具体措施": "milestones", "主要措施": "milestones", "计划进度": "milestones",
    # the deadline
    "完成时限": "deadline", "完成时间": "deadline", "时限": "deadline",
    "时限要求": "deadline", "完成期限": "deadline", "截止时间": "deadline",
    # units and leaders
    "牵头单位": "lead_units", "牵头部门": "lead_units", "主责单位": "lead_units",
    "主办单位": "lead_units", "牵头责任单位": "lead_units",
    "责任单位": "responsible_units", "责任部门": "responsible_units",
    "配合单位": "responsible_units", "配合部门": "responsible_units",
    "协办单位": "responsible_units", "参与单位": "responsible_units",
    "协同单位": "responsible_units",
    "分管领导": "leaders", "责任领导": "leaders", "主管领导": "leaders",
    "分管区领导": "leaders", "牵头领导": "leaders", "包保领导": "leaders",
    "分管县领导": "leaders", "责任区领导": "leaders",
    # known, not read
    "备注": None, "说明": None,
}  # fmt: skip
#: Headers that name the lead units when the table has no lead column of its own: in a
#: 序号/民生实事/责任单位/完成时限 table the 责任单位 are the ones who lead; next to a
#: 牵头单位 column they are the units who carry the task out.
LEAD_WHEN_NO_LEAD_COLUMN = ("责任单位", "责任部门")
#: Contract columns a header may be mapped to (``mapping=`` values are checked against them).
CONTRACT_COLUMNS = (
    "category", "subcategory", "number", "task", "milestones", "deadline",
    "lead_units", "responsible_units", "leaders",
)  # fmt: skip
#: Characters dropped from a header before it is looked up ("完成\n时限", "序 号", "分管领导：").
HEADER_NOISE_RE = re.compile(r"[\s\u3000:：*＊]+")
#: A bare month in a deadline column ("9月投入使用") is due at the end of that month.
BARE_MONTH_RE = re.compile(r"(?<![\d年])(?P<month>\d{1,2})\s*月份?(?![\d底末初中旬日至到])")
#: Where a deadline cell's phrases are split into milestones ("5月底前动工，9月投入使用").
DEADLINE_PHRASE_SPLIT_RE = re.compile(r"[，,；;。\n]+")
#: Words after a date phrase that still make a deadline cell a plain date ("12月底前").
DEADLINE_SUFFIXES = ("之前", "以前", "前")
