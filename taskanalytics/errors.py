"""The exception family: every error the library raises is a ``TaskAnalyticsError``.

Errors carry structured fields (file, line or row, column, value, what was expected) so the CLI
and notebooks can show them, and tests can assert on them, without parsing messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


class TaskAnalyticsError(Exception):
    """Base class of all errors raised by taskanalytics."""


class PlanParseError(TaskAnalyticsError):
    """The work-plan document cannot be read into a plan.

    Parameters
    ----------
    path
        The source file.
    line
        1-based line number in the decoded text, or None when the problem is the whole file.
    expected
        What the parser expected to find there.
    found
        What it found instead (shortened), if anything.
    """

    def __init__(
        self, path: str | Path, line: int | None, expected: str, found: str | None = None
    ) -> None:
        self.path = str(path)
        self.line = line
        self.expected = expected
        self.found = found
        where = f"{self.path}, line {line}" if line is not None else self.path
        msg = f"{where}: expected {expected}"
        if found is not None:
            shown = found if len(found) <= 60 else found[:57] + "..."
            msg += f", found {shown!r}"
        super().__init__(msg)


@dataclass(frozen=True)
class RowProblem:
    """One bad cell of an input table (a progress report, for example).

    ``str()`` is the English line for logs; :meth:`zh` the Chinese sentence a clerk reads.

    Attributes
    ----------
    milestone_id
        The 节点编号 of the row, when the row has one the plan knows (shown by :meth:`zh`).
    expected_zh
        What is wrong and what is accepted, in plain Chinese, as a clause; ``{found}`` in it
        stands for what the clerk typed ("填写的“约一千”" or "未填写，"); a clause without it
        (a sheet missing, a template of another year) does not show the value. None:
        :meth:`zh` falls back to the Chinese part of ``expected``.
    where_zh
        Where the problem is, in Chinese, when not a cell of the data sheet
        ("「说明」表「填报季度」", "文件“a.xls”").
    """

    file: str
    sheet: str | None
    row: int
    column: str
    value: object
    expected: str
    milestone_id: str | None = None
    expected_zh: str | None = None
    where_zh: str | None = None

    def __str__(self) -> str:
        sheet = f", sheet {self.sheet}" if self.sheet else ""
        return (
            f"{self.file}{sheet}, row {self.row}, column {self.column}: "
            f"found {self.value!r}, expected {self.expected}"
        )

    def zh(self) -> str:
        """Return the problem as one Chinese sentence, in Excel's terms.

        Examples
        --------
        >>> RowProblem("a.xlsx", "进度填报", 6, "状态", "完工", "a status",
        ...            milestone_id="T110.01", expected_zh="{found}不是可选的状态").zh()
        '第 6 行（节点 T110.01）「状态」列：填写的“完工”不是可选的状态。'
        """
        if self.where_zh:
            where = self.where_zh
        elif self.row > 0:
            node = f"（节点 {self.milestone_id}）" if self.milestone_id else ""
            column = "" if self.column == "<file>" else f"「{self.column}」列"
            where = f"第 {self.row} 行{node}{column}"
        elif self.column == "<file>":
            where = f"文件“{Path(self.file).name}”"
        else:
            where = f"「{self.sheet}」表「{self.column}」" if self.sheet else f"「{self.column}」"
        found = _found_zh(self.value)
        if self.expected_zh is not None:
            clause = self.expected_zh
        elif self.column == "<file>":
            # what a refused file "is" (a damaged workbook, 3 MB) is English, for the log
            chinese = _chinese_part(self.expected)
            clause = "文件无法接收" + (f"（{self.expected}）" if "要求" in chinese else chinese)
        else:
            clause = "{found}" + _chinese_part(self.expected)
        text = clause.replace("{found}", found).replace("，，", "，")
        text = re.sub(r" (?=[，；。、])", "", text)  # "填写的 5 ，" -> "填写的 5，"
        return f"{where}：{text.rstrip('。')}。"


def _found_zh(value: object) -> str:
    """What a clerk typed, as a sentence shows it: dates as YYYY-MM-DD, numbers as typed, text
    in quotes, a blank as 未填写 (never a Python repr)."""
    import datetime as dt
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "未填写，"
    if isinstance(value, str) and not value.strip():
        return "未填写，"
    if isinstance(value, dt.datetime):
        has_time = (value.hour, value.minute, value.second) != (0, 0, 0)
        return f"填写的 {value:%Y-%m-%d %H:%M} " if has_time else f"填写的 {value:%Y-%m-%d} "
    if isinstance(value, dt.date):
        return f"填写的 {value.isoformat()} "
    if isinstance(value, bool):
        return f"填写的“{'TRUE' if value else 'FALSE'}”"
    if isinstance(value, int):
        return f"填写的 {value} "
    if isinstance(value, float):
        return f"填写的 {int(value)} " if value.is_integer() else f"填写的 {value!r} "
    return f"填写的“{value}”"


def _chinese_part(expected: str) -> str:
    """The Chinese words of a bilingual ``expected`` ("a number（请填写数字）" -> "请填写数字")."""
    parts = re.findall(r"（([^（）]*[\u4e00-\u9fff][^（）]*)）", expected)
    return "，" + "；".join(parts) if parts else f"，要求：{expected}"


class CellValueError(TaskAnalyticsError, ValueError):
    """One value is not acceptable (a number, a date, a status word); ``expected`` says what is.

    Raised by the intake's cell parsers; :func:`~taskanalytics.progress.intake.read_progress_file`
    turns each into a :class:`RowProblem` with the file, sheet, row and column.
    """

    def __init__(self, expected: str, *, zh: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        #: The Chinese clause for the clerk (:attr:`RowProblem.expected_zh`), when not the
        #: vocabulary's translation of ``expected``.
        self.zh = zh


class ValidationError(TaskAnalyticsError):
    """An input table has bad rows; ``problems`` lists every one of them.

    The message lists the first :attr:`MAX_LISTED` problems, then "… and N more" (a 100,000-row
    bad file must not print 100,000 lines); ``problems`` keeps them all, and
    :func:`taskanalytics.progress.problems.write_problems_xlsx` writes them for the clerk.
    """

    #: Problems listed in the message.
    MAX_LISTED = 50

    def __init__(self, problems: list[RowProblem], summary: str | None = None) -> None:
        self.problems = list(problems)
        head = summary or f"{len(self.problems)} problem(s) found"
        lines = [f"  - {p}" for p in self.problems[: self.MAX_LISTED]]
        if len(self.problems) > self.MAX_LISTED:
            lines.append(f"  … and {len(self.problems) - self.MAX_LISTED} more")
        super().__init__(head + "\n" + "\n".join(lines))

    def zh_lines(self, limit: int | None = None) -> list[str]:
        """Return the problems as Chinese sentences, one per problem (see :meth:`RowProblem.zh`).

        Parameters
        ----------
        limit
            List at most this many, then "……另有 N 个问题"; None lists them all.

        Examples
        --------
        >>> err = ValidationError([RowProblem("a.xlsx", "进度填报", 3, "状态", None, "a status",
        ...                                   expected_zh="{found}须选择状态")])
        >>> err.zh_lines()
        ['第 3 行「状态」列：未填写，须选择状态。']
        """
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [p.zh() for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"……另有 {len(self.problems) - len(shown)} 个问题")
        return lines


class StoreError(TaskAnalyticsError):
    """The progress store cannot be opened, migrated or written."""


class NotebookRunError(TaskAnalyticsError):
    """A report notebook failed to execute or to export."""


class AssessmentError(TaskAnalyticsError):
    """An assessment cannot be made from the inputs given.

    Parameters
    ----------
    message
        What is wrong, naming the argument or column.
    found
        The offending value(s), if any.
    expected
        What is accepted.
    """

    def __init__(self, message: str, *, found: object = None, expected: str | None = None) -> None:
        self.found = found
        self.expected = expected
        text = message
        if found is not None:
            text += f"; found {found!r}"
        if expected is not None:
            text += f"; expected {expected}"
        super().__init__(text)


class ExportError(TaskAnalyticsError):
    """The tables cannot be written: unknown format, missing optional library, unwritable
    directory."""


class BriefingError(TaskAnalyticsError, ValueError):
    """A briefing was asked for something the plan does not have (a unit, leader, indicator).

    Parameters
    ----------
    what
        What was asked for (``"lead unit"``).
    found
        The value given.
    accepted
        Some accepted values, shown in the message.
    """

    def __init__(self, what: str, found: object, accepted: list[str]) -> None:
        self.what = what
        self.found = found
        self.accepted = list(accepted)
        shown = "、".join(self.accepted[:12]) + (" …" if len(self.accepted) > 12 else "")
        super().__init__(f"no {what} {found!r} in the plan; accepted: {shown}")


class ChartInputError(TaskAnalyticsError, ValueError):
    """A chart builder got a frame without the columns it needs."""


class QuarterError(TaskAnalyticsError, ValueError):
    """A value is not a quarter (see :data:`taskanalytics.quarters.QUARTER_FORMS`).

    Parameters
    ----------
    found
        The value given.
    expected
        The accepted spellings.
    """

    def __init__(self, *, found: object, expected: str) -> None:
        self.found = found
        self.expected = expected
        super().__init__(f"unknown quarter; found {found!r}; expected {expected}")


@dataclass(frozen=True)
class ColumnProblem:
    """One problem of a column of a table checked against :mod:`taskanalytics.schema`."""

    column: str
    found: str
    expected: str

    def __str__(self) -> str:
        return f"column {self.column}: found {self.found}, expected {self.expected}"


class SchemaError(TaskAnalyticsError):
    """A frame does not match its table's schema; ``problems`` lists every problem.

    Parameters
    ----------
    table
        The table's name (``plan.tasks``, ``assessment.watchlist`` …).
    problems
        One :class:`ColumnProblem` per problem: the column, what was found, what was expected.
    """

    def __init__(self, table: str, problems: list[ColumnProblem]) -> None:
        self.table = table
        self.problems = list(problems)
        head = f"table {table}: {len(self.problems)} problem(s)"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


class WorkspaceError(TaskAnalyticsError):
    """The workspace settings file (``taskanalytics.toml``) is malformed or names something
    that does not exist (a plan name, a plan file)."""


class PlanMismatchError(StoreError):
    """A file or a store belongs to another plan (or another year) than the one given."""


class RunRefusedError(TaskAnalyticsError):
    """A quarterly run stopped before publishing anything, because what it would publish cannot
    be right: the store does not exist, holds no report of the plan dated in the quarter, or
    too few lead units reported.

    Parameters
    ----------
    store
        The progress store's file.
    plan
        The plan's name.
    quarter
        The quarter (``2023Q2``).
    found
        What was found, in a sentence.
    override
        How to publish anyway (or change the threshold), in a sentence.
    """

    def __init__(self, *, store: str | Path, plan: str, quarter: str, found: str,
                 override: str) -> None:  # fmt: skip
        self.store = str(store)
        self.plan = plan
        self.quarter = quarter
        self.found = found
        self.override = override
        super().__init__(
            f"{self.store}: refusing to publish plan {plan} {quarter}: {found}; nothing was "
            f"published (the reports already published are unchanged). {override}"
        )


class RunLockedError(TaskAnalyticsError):
    """Another run of the same plan and quarter holds the lock; this one did nothing.

    Parameters
    ----------
    lock
        The lock file.
    holder
        Who holds it (pid and start time, as the holder wrote them), if known.
    """

    def __init__(self, lock: str | Path, holder: str | None) -> None:
        self.lock = str(lock)
        self.holder = holder
        who = f" ({holder})" if holder else ""
        super().__init__(
            f"{self.lock}: another run of this plan and quarter is in progress{who}; nothing "
            "was done: wait until it has finished, then run again"
        )


class InputRefused(TaskAnalyticsError):
    """An input file is refused before it is parsed: over a limit, not the file type it claims,
    encrypted, damaged, or built to exhaust the reader (see :mod:`taskanalytics.limits`).

    The plan readers re-raise it as a :class:`PlanParseError`, progress intake as a
    :class:`ValidationError` with one :class:`RowProblem` (row 0, column ``<file>``).

    Parameters
    ----------
    path
        The file.
    expected
        What is accepted, naming the limit and how to change it when a limit was hit.
    found
        What the file is or has.
    line
        The 1-based line or row, when the problem has one.
    """

    def __init__(
        self, path: str | Path, expected: str, found: str, *, line: int | None = None
    ) -> None:
        self.path = str(path)
        self.expected = expected
        self.found = found
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: expected {expected}, found {found}")
