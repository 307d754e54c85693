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
