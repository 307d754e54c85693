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
#: Milestone numbering with a dot or 、 (``1.完成…``, ``2、…``, ``1.3月底前…``), never a decimal
#: (``1.5万平方米``): a digit after the dot must start a month.
DOT_NUMBERED_RE = re.compile(r"^(\d{1,2})\s*[.．、](?!\d(?!\d?\s*月))\s*")
#: A numbered item inside a line (``（1）甲；（2）乙``, ``1.甲；2.乙``): a mark at the start or
#: after a delimiter or space; :func:`~taskanalytics.plan.milestones.split_leaves` splits the
#: line there when the marks count up 1, 2, 3…
#: A phase of the year opening a clause: ``一季度：``, ``第二季度:``, ``上半年：``, ``3月：`` (at the
#: start of a line or after a delimiter). Two or more in one line make one milestone each.
PHASE_PREFIX_RE = re.compile(
    r"(?:^|(?<=[；;，,。\s]))(?:第?[一二三四1-4]季度末?|[上下]半年|\d{1,2}月(?:份|底)?)\s*[：:]"
)
INLINE_NUMBER_RE = re.compile(
    r"(?:^|(?<=[；;。，,：:\s]))(?:[（(]\s*(?P<bracket>\d{1,2})\s*[）)]|(?P<dot>\d{1,2})\s*[.．、](?!\d(?!\d?\s*月)))"
)
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
#: An optional year before a month: ``2024年3月底``, or ``明年3月底`` (the plan year + 1).
Y = r"(?:(?P<year>\d{4})\s*年|(?P<next>明年))?"
#: A time word that stands at the start of a clause (``年内完成…``, ``；年中…``), never inside a
#: sentence (``实现年内刑事案件发案率…双下降`` is not a deadline).
_CLAUSE_START = r"(?<![^，,；;。：:、\s])"
#: Chinese and Arabic quarter numerals -> quarter (``二季度``, ``第2季度``).
QUARTER_NUMERALS: dict[str, int] = {
    "一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4,
}  # fmt: skip
#: Half-year words -> the month that ends them (``上半年`` -> June, ``下半年`` -> December).
HALF_YEAR_END_MONTH: dict[str, int] = {"上": 6, "下": 12}
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
    # 2023.6.30 -> that day; 2021.8 -> the end of August 2021 (never 2023.5万元, see below)
    (
        "dotted",
        re.compile(
            r"(?<![\d.．])(?P<year>(?:19|20|21)\d{2})\s*[.．/](?P<month>\d{1,2})"
            r"(?:\s*[.．/](?P<day>\d{1,2}))?(?![\d.．%％]|\s*[万亿元个千百])"
        ),
    ),
    ("day", re.compile(Y + r"(?P<month>\d{1,2})月(?P<day>\d{1,2})日")),
    ("month_end", re.compile(Y + r"(?P<month>\d{1,2})月(?:底|末|下旬)")),
    ("month_mid", re.compile(Y + r"(?P<month>\d{1,2})月中旬")),
    ("month_start", re.compile(Y + r"(?P<month>\d{1,2})月(?:初|上旬)")),
    # 二季度, 第二季度, 2023年第3季度末 -> the quarter's last day
    ("quarter", re.compile(Y + r"第?(?P<quarter>[一二三四1-4])季度(?:末|底)?")),
    # 上半年 -> 30 June, 下半年 -> 31 December
    ("half_year", re.compile(Y + r"(?P<half>[上下])半年")),
    # 年中 -> 30 June, 年内 -> 31 December: only at the start of a clause
    ("mid_year", re.compile(_CLAUSE_START + r"年中")),
    ("within_year", re.compile(_CLAUSE_START + r"(?:(?P<year>\d{4})\s*)?年内")),
    ("year_end", re.compile(r"(?:(?P<year>\d{4})\s*|(?P<next>明年?))?年(?:底|末)")),
    ("recurring", re.compile(r"每月|按月|每个月|每季度|按季度?|每季|每半年")),
]
#: Date kinds read from a vague time word: the date is a guess, and ``read_plan`` notes it
#: (``inferred_date``) so the audit lists it.
INFERRED_DATE_KINDS = frozenset({"half_year", "mid_year", "within_year"})
#: A milestone that opens with a month and a colon (``4月：完成…``) is due at that month's end,
#: whatever dates follow in its text.
MONTH_PREFIX_RE = re.compile(
    r"^\s*(?:(?P<year>\d{4})\s*年|(?P<next>明年))?(?P<month>\d{1,2})\s*月份?\s*[：:]"
)
#: A bare month (``9月投入使用``, ``6月份``, ``明年7月``) in a deadline column: due at that
#: month's end. In a milestone's text it stays a vague time word (``3月份完成``).
BARE_MONTH_DATE_RE = re.compile(
    r"(?<![\d.．])(?:(?P<year>\d{4})\s*年|(?P<next>明年))?(?P<month>\d{1,2})\s*月份?"
    r"(?![\d底末初中旬日至到])"
)


#: The characters a date phrase of :data:`DATE_PATTERNS` can start with: a digit (a year, a
#: month, a quarter), 明 (明年), 第 (第二季度), a quarter or half-year numeral, 年 (年中, 年内,
#: 年底), 每 or 按 (recurring). Checked first at each position, it spares the regex engine the
#: thirteen patterns where no phrase can start; a pattern added to :data:`DATE_PATTERNS` must
#: start with one of them (``tests/test_content_rules.py`` checks it).
DATE_PHRASE_FIRST = r"[\d明第一二三四上下年每按]"


def _combine(patterns: list[tuple[str, re.Pattern[str]]]) -> re.Pattern[str]:
    """One alternation of all date patterns: a single search finds the earliest phrase, ties
    going to the pattern listed first. Group ``kind__name`` holds a pattern's group ``name``;
    group ``kind`` the whole phrase, so a match's ``lastgroup`` is its kind."""
    parts = []
    for kind, pattern in patterns:
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<{kind}__\1>", pattern.pattern)
        body = re.sub(r"\(\?P=(\w+)\)", rf"(?P={kind}__\1)", body)
        parts.append(f"(?P<{kind}>{body})")
    return re.compile(f"(?={DATE_PHRASE_FIRST})(?:{'|'.join(parts)})")


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
    # counting words of other districts' tables (see the guards in QUANTITY_RE)
    "场次": ("场次", 1.0),
    "个次": ("个次", 1.0),
    "户次": ("户次", 1.0),
    "班次": ("班次", 1.0),
    "片区": ("片区", 1.0),
    "万册": ("册", 10000.0),
    "册": ("册", 1.0),
    "万张": ("张", 10000.0),
    "张": ("张", 1.0),
    "穴": ("穴", 1.0),
    "间": ("间", 1.0),
    "宗": ("宗", 1.0),
    "笔": ("笔", 1.0),
    "块": ("块", 1.0),
    "万棵": ("棵", 10000.0),
    "棵": ("棵", 1.0),
    "盏": ("盏", 1.0),
    "根": ("根", 1.0),
    "眼": ("眼", 1.0),
    "口": ("口", 1.0),
    "期": ("期", 1.0),
    "轮": ("轮", 1.0),
    "班": ("班", 1.0),
    "片": ("片", 1.0),
    "公顷": ("公顷", 1.0),
}
#: Short counting words that also start common words: not a unit when followed by these
#: (``2期工程`` is phase 2, ``3口岸`` a port, ``5间隔`` an interval, ``2眼光``…).
UNIT_NOT_BEFORE: dict[str, str] = {
    "期": "工项间限末初中满货刊",
    "口": "岸径罩号子",
    "间": "隔距断歇",
    "眼": "光界前",
    "班": "子组长级",
    "片": "面刻",
    "根": "据本源治",
    "块": "钱",
    "笔": "记录试",
    "轮": "胎船换",
    "张": "贴",
}
_UNIT_ALT = "|".join(
    re.escape(u) + (f"(?![{UNIT_NOT_BEFORE[u]}])" if u in UNIT_NOT_BEFORE else "")
    for u in sorted(UNITS, key=len, reverse=True)
)
#: A number followed by a unit. Not preceded by a letter or digit (B2B) or 第 (``第3期`` is an
#: ordinal), not followed by "/" (10000吨/年 names a plant's capacity, not a target).
QUANTITY_RE = re.compile(
    r"(?<![\dA-Za-z.第])(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>" + _UNIT_ALT + r")(?!\s*/)"
)
#: Words before a number meaning "at least".
AT_LEAST_BEFORE = ("不低于", "不少于", "至少", "突破", "超过")
#: Words before a number meaning "at most" (``控制在4.5%以内``, ``不超过3个工作日``).
AT_MOST_BEFORE = ("不超过", "不高于", "控制在", "低于")
#: Comparator words before a number -> comparator; the word nearest the number wins, and
#: ``不低于``/``不超过`` are read whole (never as ``低于``/``超过``).
COMPARATOR_BEFORE: dict[str, str] = {
    **{word: ">=" for word in AT_LEAST_BEFORE},
    **{word: "<=" for word in AT_MOST_BEFORE},
}
COMPARATOR_BEFORE_RE = re.compile(
    "|".join(re.escape(w) for w in sorted(COMPARATOR_BEFORE, key=len, reverse=True))
)
#: A number that ends its clause with no unit: a quantity the parser cannot name a unit for
#: ("包装申报项目50，"); the audit lists them.
UNITLESS_NUMBER_RE = re.compile(r"(?<![\dA-Za-z.+])\d+(?:\.\d+)?(?:以上)?(?=[，,；;。]|$)")
#: Words right after a quantity meaning "at least".
AT_LEAST_AFTER = ("以上",)
#: Words right after a quantity meaning "at most".
AT_MOST_AFTER = ("以内", "以下")
#: Comparator words right after a quantity -> comparator; they win over the words before.
COMPARATOR_AFTER: dict[str, str] = {
    **{word: ">=" for word in AT_LEAST_AFTER},
    **{word: "<=" for word in AT_MOST_AFTER},
}
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
    "不超过",
    "不高于",
    "控制在",
    "低于",
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
#: column. ``"extra"`` marks a column that is known and kept aside, not interpreted (progress,
#: remarks, contacts: ``RawRow.extra``, ``tasks.extra``); ``None`` one that is skipped.
#: ``subcategory`` is also the second grid column under a ``类别`` header that spans two columns.
HEADER_SYNONYMS: dict[str, str | None] = {
    # the category the task sits under
    "类别": "category", "分类": "category", "类型": "category", "领域": "category",
    "板块": "category", "大类": "category", "工作类别": "category", "任务类别": "category",
    "任务分类": "category", "所属领域": "category", "项目类别": "category",
    "工作板块": "category", "重点领域": "category",
    "子类": "subcategory", "小类": "subcategory", "子类别": "subcategory",
    # the task's number, when it has a column of its own
    "序号": "number", "编号": "number", "任务编号": "number", "序列": "number",
    "项目编号": "number",
    # the task
    "指标任务": "task", "任务": "task", "工作任务": "task", "重点任务": "task",
    "重点工作": "task", "任务内容": "task", "目标任务": "task", "具体任务": "task",
    "工作内容": "task", "工作事项": "task", "事项": "task", "指标": "task",
    "民生实事": "task", "民生实事项目": "task", "项目名称": "task", "实事项目": "task",
    "项目内容": "task", "主要内容": "task", "重点工作任务": "task", "任务名称": "task",
    "主要任务": "task", "重点项目": "task", "任务事项": "task", "具体工作": "task",
    "工作要点": "task", "主要工作": "task", "重点事项": "task", "工作任务内容": "task",
    "具体工作任务": "task", "重点工作内容": "task", "主要工作任务": "task",
    # the staged milestones (and goals stated as measurable requirements)
    "主要时间节点或阶段性量化指标": "milestones", "时间节点或阶段性量化指标": "milestones",
    "主要时间节点": "milestones", "时间节点": "milestones", "阶段性目标": "milestones",
    "阶段性指标": "milestones", "阶段性量化指标": "milestones", "进度安排": "milestones",
    "推进计划": "milestones", "节点目标": "milestones", "工作措施": "milestones",
    "具体措施": "milestones", "主要措施": "milestones", "计划进度": "milestones",
    "工作进度安排": "milestones", "月度工作计划": "milestones", "时间安排": "milestones",
    "进度要求": "milestones", "指标要求": "milestones", "工作目标": "milestones",
    "目标要求": "milestones", "具体目标": "milestones", "阶段目标": "milestones",
    "工作计划": "milestones", "进度计划": "milestones", "时间进度": "milestones",
    "实施步骤": "milestones", "推进步骤": "milestones", "年度目标": "milestones",
    "量化指标": "milestones", "节点安排": "milestones", "时间节点安排": "milestones",
    "时序进度": "milestones", "阶段性工作安排": "milestones", "完成标准": "milestones",
    # the deadline
    "完成时限": "deadline", "完成时间": "deadline", "时限": "deadline",
    "时限要求": "deadline", "完成期限": "deadline", "截止时间": "deadline",
    "计划完成时间": "deadline", "完成时间节点": "deadline", "办结时限": "deadline",
    "完成日期": "deadline", "截止日期": "deadline", "办结时间": "deadline",
    "完成时限要求": "deadline", "计划完成时限": "deadline",
    # units and leaders
    "牵头单位": "lead_units", "牵头部门": "lead_units", "主责单位": "lead_units",
    "主办单位": "lead_units", "牵头责任单位": "lead_units", "牵头责任部门": "lead_units",
    "主责部门": "lead_units", "主要责任单位": "lead_units", "第一责任单位": "lead_units",
    "责任单位": "responsible_units", "责任部门": "responsible_units",
    "配合单位": "responsible_units", "配合部门": "responsible_units",
    "协办单位": "responsible_units", "参与单位": "responsible_units",
    "协同单位": "responsible_units", "配合责任单位": "responsible_units",
    "协办部门": "responsible_units", "参与部门": "responsible_units",
    "协同部门": "responsible_units", "参加单位": "responsible_units",
    "分管领导": "leaders", "责任领导": "leaders", "主管领导": "leaders",
    "分管区领导": "leaders", "牵头领导": "leaders", "包保领导": "leaders",
    "分管县领导": "leaders", "责任区领导": "leaders", "区政府分管领导": "leaders",
    "分管副区长": "leaders", "县级领导": "leaders", "分管副县长": "leaders",
    "分管县级领导": "leaders", "牵头区领导": "leaders", "包联领导": "leaders",
    "区级领导": "leaders", "牵头县领导": "leaders", "分管区长": "leaders",
    "县政府分管领导": "leaders", "市政府分管领导": "leaders", "联系区领导": "leaders",
    # known and kept aside (tasks.extra): progress, remarks, offices and contacts
    "备注": "extra", "说明": "extra", "落实情况": "extra", "进展情况": "extra",
    "完成情况": "extra", "推进情况": "extra", "工作进展": "extra", "进度情况": "extra",
    "进展": "extra", "当前进度": "extra", "目前进展": "extra", "存在问题": "extra",
    "负责科室": "extra", "责任科室": "extra", "承办科室": "extra", "责任股室": "extra",
    "联系人": "extra", "联系电话": "extra", "联系方式": "extra", "责任人": "extra",
    "具体责任人": "extra", "经办人": "extra", "科室负责人": "extra",
}  # fmt: skip
#: Headers that name the lead units when the table has no lead column of its own: in a
#: 序号/民生实事/责任单位/完成时限 table the 责任单位 are the ones who lead; next to a
#: 牵头单位 column they are the units who carry the task out.
LEAD_WHEN_NO_LEAD_COLUMN = ("责任单位", "责任部门")
#: Contract columns a header may be mapped to (``mapping=`` values are checked against them);
#: ``extra`` keeps a column aside (``tasks.extra``).
CONTRACT_COLUMNS = (
    "category", "subcategory", "number", "task", "milestones", "deadline",
    "lead_units", "responsible_units", "leaders", "extra",
)  # fmt: skip
#: An unknown header naming who or when (督办科室, 督导时间): it may be a contract column, so it
#: is never kept aside silently; the reader asks for a ``mapping=`` (other unknown headers,
#: beside a known task column, are kept aside as ``extra``).
#: A column of one phase of the year (一季度 … 四季度, 1月 … 12月, with 第/目标/任务/计划… around):
#: its cells are milestones due at the phase's end, read as "一季度：<cell>" / "3月：<cell>".
PHASE_HEADER_RE = re.compile(
    r"^第?(?:(?P<quarter>[一二三四1-4])季度|(?P<month>[1-9]|1[0-2]|十[一二]?|[一二三四五六七八九])月份?)"
    r"(?:目标|任务|工作|计划|进度|安排|节点|完成情况目标)?$"
)
#: Chinese month numerals of phase headers -> month number.
MONTH_NUMERALS = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
    "十一": 11, "十二": 12,
}  # fmt: skip
HEADER_NEEDS_MAPPING_RE = re.compile(r"单位|部门|科室|处室|股室|领导|区长|县长|时限|时间|日期|任务")
#: The contract column an unknown header most likely means, for the error's ``mapping=`` hint.
HEADER_HINTS: tuple[tuple[str, str], ...] = (
    ("领导", "leaders"), ("区长", "leaders"), ("县长", "leaders"), ("牵头", "lead_units"),
    ("单位", "responsible_units"), ("部门", "responsible_units"), ("科室", "extra"),
    ("时限", "deadline"), ("时间", "deadline"), ("日期", "deadline"), ("节点", "milestones"),
    ("进度", "milestones"), ("计划", "milestones"), ("目标", "milestones"), ("任务", "task"),
    ("内容", "task"), ("事项", "task"), ("项目", "task"), ("类", "category"), ("序", "number"),
)  # fmt: skip
#: Characters dropped from a header before it is looked up ("完成\n时限", "序 号", "分管领导：").
HEADER_NOISE_RE = re.compile(r"[\s\u3000:：*＊]+")
#: Where a unit or leader cell's line is split into names (``区财政局、区税务局``); never inside
#: brackets (``区委组织部（人社局）``). Spaces split too, between names of two or more
#: characters (``张三 李四``), never a name padded with spaces (``黄  刚``).
NAME_SEPARATORS = "、，,；;/／"
NAME_OPEN_BRACKETS = "（([【〔《"
NAME_CLOSE_BRACKETS = "）)]】〕》"
#: ``各镇、街道``: a list of kinds of units under one 各; the later kinds get the 各 too.
DISTRIBUTED_PREFIX = "各"
GENERIC_UNIT_WORDS = ("镇", "乡", "乡镇", "街道", "街", "街镇", "社区", "村", "部门", "单位")
#: Where a deadline cell's phrases are split into milestones ("5月底前动工，9月投入使用").
DEADLINE_PHRASE_SPLIT_RE = re.compile(r"[，,；;。\n]+")
#: Words after a date phrase that still make a deadline cell a plain date ("12月底前").
DEADLINE_SUFFIXES = ("之前", "以前", "前")
