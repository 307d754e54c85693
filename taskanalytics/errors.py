"""The exception family: every error the library raises is a ``TaskAnalyticsError``.

Errors carry structured fields (file, line or row, column, value, what was expected) so the CLI
and notebooks can show them, and tests can assert on them, without parsing messages.
"""

from __future__ import annotations

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
    """One bad cell of an input table (a progress report, for example)."""

    file: str
    sheet: str | None
    row: int
    column: str
    value: object
    expected: str

    def __str__(self) -> str:
        sheet = f", sheet {self.sheet}" if self.sheet else ""
        return (
            f"{self.file}{sheet}, row {self.row}, column {self.column}: "
            f"found {self.value!r}, expected {self.expected}"
        )


class CellValueError(TaskAnalyticsError, ValueError):
    """One value is not acceptable (a number, a date, a status word); ``expected`` says what is.

    Raised by the intake's cell parsers; :func:`~taskanalytics.progress.intake.read_progress_file`
    turns each into a :class:`RowProblem` with the file, sheet, row and column.
    """

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


class ValidationError(TaskAnalyticsError):
    """An input table has bad rows; ``problems`` lists every one of them."""

    def __init__(self, problems: list[RowProblem], summary: str | None = None) -> None:
        self.problems = list(problems)
        head = summary or f"{len(self.problems)} problem(s) found"
        super().__init__(head + "\n" + "\n".join(f"  - {p}" for p in self.problems))


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
