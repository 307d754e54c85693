"""The data contract as one declaration: every table's columns, dtypes, nullability, Chinese labels.

Each table a stage hands to the next (``docs/data-contract.md``, ``docs/progress-intake.md``,
``docs/assessment-rules.md``) is a :class:`TableSchema`: its columns in order, each a
:class:`Column` with an English name, a dtype kind, whether it may be missing, the Chinese label
people read and a short English description. Whatever shows a contract table to people (the
explorer, the briefings, the reporting templates) takes its Chinese headers from here, so a
column is called the same everywhere and a label is changed in one place.

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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import pandas as pd

from taskanalytics.errors import ColumnProblem, SchemaError

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

Kind = Literal["string", "int", "float", "bool", "date", "datetime", "category", "list[str]"]

#: Dtype kinds and what each accepts. ``date`` is a tz-naive datetime64 column (a calendar day),
#: ``datetime`` any datetime64 column (``ingested_at`` is UTC); ``string`` and ``list[str]``
#: accept an object column whose values are all ``str`` / ``list`` of ``str``.
KINDS: Final[dict[str, str]] = {
    "string": "str dtype, or object holding str",
    "int": "an integer dtype (int64, int32, Int64)",
    "float": "a float dtype",
    "bool": "bool",
    "date": "datetime64 without time zone",
    "datetime": "datetime64 (with or without time zone)",
    "category": "category",
    "list[str]": "object holding lists of str",
}

#: A column name with ``{n}`` stands for a family: ``actual_{n}`` is actual_1, actual_2 …
_FAMILY = "{n}"


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    Attributes
    ----------
    name : str
        English snake_case name; ``actual_{n}`` declares a family of columns (actual_1 …),
        any number of them (none included).
    kind : str
        One of :data:`KINDS`.
    label : str
        Chinese header shown to people (``{n}`` is filled in for a family).
    description : str
        Short English description.
    nullable : bool
        Whether values may be missing (NaN, None, NaT).
    """

    name: str
    kind: Kind
    label: str
    description: str = ""
    nullable: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(
                f"column {self.name}: unknown kind {self.kind!r}; one of {list(KINDS)}"
            )

    @property
    def is_family(self) -> bool:
        """Whether the column stands for numbered columns (``actual_{n}``)."""
        return _FAMILY in self.name

    def matches(self, name: str) -> re.Match[str] | None:
        """Return the match when ``name`` is this column (or a member of its family)."""
        if not self.is_family:
            return re.fullmatch(re.escape(self.name), name)
        head, tail = self.name.split(_FAMILY)
        return re.fullmatch(f"{re.escape(head)}(?P<n>[1-9][0-9]*){re.escape(tail)}", name)

    def label_of(self, name: str) -> str:
        """Return the Chinese label of ``name`` (this column or a member of its family)."""
        found = self.matches(name)
        if found is None:
            raise KeyError(name)
        return self.label.replace(_FAMILY, found["n"]) if self.is_family else self.label


@dataclass(frozen=True)
class TableSchema:
    """A contract table: its columns in order and the columns that identify a row.

    Attributes
    ----------
    name : str
        ``plan.tasks``, ``progress``, ``assessment.by_unit`` …
    title : str
        Chinese title (``督办清单``).
    columns : tuple of Column
        In the frame's order.
    key : tuple of str
        Columns whose values are unique per row (may be empty).
    description : str
        One row per what, in English.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    description: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {c.name: c for c in self.columns}
        if len(by_name) != len(self.columns):
            raise ValueError(f"table {self.name}: a column is declared twice")
        missing = [k for k in self.key if k not in by_name]
        if missing:
            raise ValueError(f"table {self.name}: key column(s) {missing} not declared")
        object.__setattr__(self, "_by_name", by_name)

    @property
    def names(self) -> list[str]:
        """Declared column names in order (a family as ``actual_{n}``)."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column ``name`` (or the family it belongs to); KeyError if none."""
        if name in self._by_name:
            return self._by_name[name]
        for col in self.columns:
            if col.is_family and col.matches(name):
                return col
        raise KeyError(f"table {self.name} has no column {name!r}; it has {self.names}")


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
_COMPARATOR = _c("comparator", "string", "比较方式", ">= (以上, 不低于 …) or =")
_QUARTER = _c("quarter", "string", "季度", "the quarter assessed: 2023Q2")
_AS_OF = _c("as_of", "date", "截至日期", "the assessment's as-of date")
_DUE_QUARTER = _c("due_quarter", "string", "到期季度", "quarter of the due date")
_STATUS = _c("status", "category", "状态", "schedule status (assess vocab STATUS_LABELS)")
_LIGHT = _c("light", "category", "灯色", "红/黄/绿 (assess vocab LIGHT_LABELS)")
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
    _c("due", "int", "应完成", "due by the as-of date = done + overdue + not_reported"),
    _c("done", "int", "已完成", "due and done = done_on_time + done_late"),
    _c("done_on_time", "int", "按期完成", "due, done on or before the due date"),
    _c("done_late", "int", "逾期完成", "due, done after the due date"),
    _c("overdue", "int", "逾期未完成", "due, reported, not done"),
    _c("not_reported", "int", "未报送", "due and no report"),
    _c("due_soon", "int", "临期", "not done, due within due_soon_days"),
    _c("not_due", "int", "未到期", "not yet due"),
    _c("done_ahead", "int", "提前完成", "done before being due"),
    _c("indicators", "int", "量化指标", "targets of due milestones"),
    _c("indicators_behind", "int", "指标滞后", "targets of due milestones behind"),
    _c("indicators_no_data", "int", "指标无数据", "targets of due milestones without actual"),
)
_RATES: tuple[Column, ...] = (
    _c("on_time_rate", "float", "按期完成率", "done_on_time / due; empty when nothing due",
       nullable=True),
    _c("completion_share", "float", "完成占比", "(done + done_ahead) / milestones",
       nullable=True),
    _LIGHT,
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
        ),
        key=("milestone_id", "as_of_date", "sha256"),
        description="one row per milestone per file (load_progress: the latest per milestone)",
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
            _DUE_DATE,
            _DUE_KIND,
            _RECURRENCE,
            _DUE_QUARTER,
            _SECTION,
            _CATEGORY,
            _LEAD_UNITS,
            _LEADERS,
            _c("is_due", "bool", "已到期", "due on or before the as-of date (or recurring)"),
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
        ),  # fmt: skip
        key=("quarter", "milestone_id"),
        description="one row per quarter and milestone to chase (督办清单)",
    ),
)

#: Every contract table by its full name, in declaration order.
TABLES: Final[dict[str, TableSchema]] = {t.name: t for t in _TABLE_LIST}


# --------------------------------------------------------------------------- lookups


def table_schema(table: str | TableSchema) -> TableSchema:
    """Return the schema of a table given by name (full or unambiguous short) or itself.

    Parameters
    ----------
    table
        ``"plan.tasks"``, ``"tasks"``, ``"assessment.by_unit"``, ``"by_unit"`` … or a
        :class:`TableSchema`.

    Returns
    -------
    TableSchema

    Raises
    ------
    KeyError
        For an unknown or ambiguous name (``"milestones"``), listing the names accepted.

    Examples
    --------
    >>> table_schema("watchlist").title
    '督办清单'
    """
    if isinstance(table, TableSchema):
        return table
    if table in TABLES:
        return TABLES[table]
    short = [t for name, t in TABLES.items() if name.rsplit(".", 1)[-1] == table]
    if len(short) == 1:
        return short[0]
    if short:
        raise KeyError(
            f"table name {table!r} is ambiguous; say one of {', '.join(t.name for t in short)}"
        )
    raise KeyError(f"no table {table!r}; accepted: {', '.join(TABLES)}")


def labels(table: str | TableSchema, columns: Iterable[str] | None = None) -> dict[str, str]:
    """Return column name -> Chinese label for a table, in order.

    Parameters
    ----------
    table
        A table name or schema (see :func:`table_schema`).
    columns
        Only these columns, in this order (members of a family such as ``actual_2``
        included); default every declared column (a family keyed ``actual_{n}``).

    Returns
    -------
    dict of str to str

    Raises
    ------
    KeyError
        If the table is unknown or a column is not in it.

    Examples
    --------
    >>> labels("by_unit", ["unit", "light", "on_time_rate"])
    {'unit': '牵头单位', 'light': '灯色', 'on_time_rate': '按期完成率'}
    """
    schema = table_schema(table)
    if columns is None:
        return {c.name: c.label for c in schema.columns}
    return {name: schema.column(name).label_of(name) for name in columns}


def label(name: str, table: str | TableSchema | None = None) -> str:
    """Return the Chinese label of a column.

    Parameters
    ----------
    name
        The English column name (``lead_units``, ``actual_3``).
    table
        The table it belongs to. Without one, the first table of :data:`TABLES` (plan tables
        first) that has the column gives the label.

    Returns
    -------
    str

    Raises
    ------
    KeyError
        If no table (or not the given one) has the column.

    Examples
    --------
    >>> label("days_overdue")
    '逾期天数'
    """
    if table is not None:
        return table_schema(table).column(name).label_of(name)
    for schema in TABLES.values():
        try:
            return schema.column(name).label_of(name)
        except KeyError:
            continue
    raise KeyError(f"no contract table has a column {name!r}")


def rename_to_chinese(frame: pd.DataFrame, table: str | TableSchema) -> pd.DataFrame:
    """Return a copy of ``frame`` with its contract columns renamed to their Chinese labels.

    Columns the table does not declare keep their names. The input is not modified.

    Parameters
    ----------
    frame
        A frame of the table (any subset of its columns, in any order).
    table
        A table name or schema.

    Returns
    -------
    pandas.DataFrame
        A new frame.

    Examples
    --------
    >>> df = pd.DataFrame({"task_id": ["T001"], "deadline": [pd.Timestamp("2023-12-31")]})
    >>> list(rename_to_chinese(df, "tasks").columns)
    ['任务编号', '完成时限']
    """
    schema = table_schema(table)
    mapping = {}
    for name in frame.columns:
        try:
            mapping[name] = schema.column(str(name)).label_of(str(name))
        except KeyError:
            continue
    return frame.rename(columns=mapping)


# --------------------------------------------------------------------------- validation


def _kind_problem(series: pd.Series, kind: str) -> str | None:
    """What is wrong with ``series`` for ``kind`` (None when it fits)."""
    dtype = series.dtype
    is_object = pd.api.types.is_object_dtype(dtype)
    values = series[series.notna()] if is_object else series
    if kind == "string":
        if isinstance(dtype, pd.StringDtype) or (
            is_object and all(isinstance(v, str) for v in values)
        ):
            return None
    elif kind == "int":
        if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            return None
    elif kind == "float":
        if pd.api.types.is_float_dtype(dtype):
            return None
    elif kind == "bool":
        if pd.api.types.is_bool_dtype(dtype):
            return None
    elif kind == "date":
        if pd.api.types.is_datetime64_dtype(dtype) and not isinstance(dtype, pd.DatetimeTZDtype):
            return None
    elif kind == "datetime":
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return None
    elif kind == "category":
        if isinstance(dtype, pd.CategoricalDtype):
            return None
    elif kind == "list[str]":
        if is_object:
            bad = next(
                (v for v in values if not (isinstance(v, list) and all(isinstance(x, str) for x in v))),
                None,
            )  # fmt: skip
            if bad is None:
                return None
            return f"dtype object holding {type(bad).__name__} {bad!r:.40}"
    if is_object:
        kinds = sorted({type(v).__name__ for v in values})
        return f"dtype object holding {', '.join(kinds)}"
    return f"dtype {dtype}"


def validate(
    frame: pd.DataFrame,
    table: str | TableSchema,
    *,
    ordered: bool = True,
    extra: bool = True,
) -> pd.DataFrame:
    """Check a frame against its table's schema; return it unchanged, or raise listing every
    problem.

    Checks that every declared column is present (a family such as ``actual_{n}`` may have no
    member), in the declared order (``ordered``), of its dtype kind, without missing values
    where not nullable, that the key columns identify rows, and (``extra=False``) that no
    other column is there.

    Parameters
    ----------
    frame
        The frame to check; not modified.
    table
        A table name or schema (see :func:`table_schema`).
    ordered
        Check that the declared columns come in the declared order (other columns may sit
        between them).
    extra
        Allow columns the table does not declare.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, so ``plan.tasks.pipe(validate, "tasks")`` chains.

    Raises
    ------
    taskanalytics.errors.SchemaError
        With ``problems``: one :class:`~taskanalytics.errors.ColumnProblem` (column, found,
        expected) per problem.

    Examples
    --------
    >>> validate(pd.DataFrame({"task_id": ["T001"]}), "owners")  # doctest: +SKIP
    SchemaError: table plan.owners: 2 problem(s)
      - column role: found missing, expected a column of kind string
      ...
    """
    schema = table_schema(table)
    problems: list[ColumnProblem] = []
    present: list[tuple[int, str]] = []  # (declared position, column name) in frame order
    for name in frame.columns:
        try:
            col = schema.column(str(name))
        except KeyError:
            if not extra:
                problems.append(ColumnProblem(str(name), "a column", "no such column"))
            continue
        present.append((schema.columns.index(col), str(name)))
        series = frame[name]
        if isinstance(series, pd.DataFrame):
            problems.append(ColumnProblem(str(name), f"{series.shape[1]} columns", "one"))
            continue
        found = _kind_problem(series, col.kind)
        if found is not None:
            problems.append(ColumnProblem(str(name), found, f"kind {col.kind} ({KINDS[col.kind]})"))
        if not col.nullable:
            n_missing = int(series.isna().sum())
            if n_missing:
                rows = list(series.index[series.isna()][:5])
                problems.append(
                    ColumnProblem(
                        str(name),
                        f"{n_missing} missing value(s), rows {rows}",
                        "no missing values",
                    )
                )
    have = {n for _, n in present}
    for col in schema.columns:
        if not col.is_family and col.name not in have:
            problems.append(ColumnProblem(col.name, "missing", f"a column of kind {col.kind}"))
    if ordered:
        for (p0, n0), (p1, n1) in zip(present, present[1:], strict=False):
            if p1 < p0:
                problems.append(
                    ColumnProblem(n1, f"before {n0}", f"the order {', '.join(schema.names)}")
                )
    key = [k for k in schema.key if k in frame.columns]
    if key and len(key) == len(schema.key) and len(frame):
        dup = frame.duplicated(key, keep=False)
        if dup.any():
            first = frame.loc[dup, key].head(3).to_dict("records")
            problems.append(
                ColumnProblem(
                    ", ".join(key),
                    f"{int(dup.sum())} rows sharing a key, e.g. {first}",
                    "unique keys",
                )
            )
    if problems:
        raise SchemaError(schema.name, problems)
    return frame


def _check_labels_unique(tables: Mapping[str, TableSchema]) -> None:
    for schema in tables.values():
        seen: dict[str, str] = {}
        for col in schema.columns:
            if col.label in seen:
                raise ValueError(
                    f"table {schema.name}: {col.name} and {seen[col.label]} share label "
                    f"{col.label!r}"
                )
            seen[col.label] = col.name


_check_labels_unique(TABLES)
