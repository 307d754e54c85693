"""What a column and a table of the data contract are: :class:`Column`, :class:`TableSchema`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

Kind = Literal[
    "string", "int", "float", "bool", "date", "datetime", "category", "list[str]", "dict[str, str]"
]

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
    "dict[str, str]": "object holding dicts of str to str",
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
