"""The calendar quarter, one value object for every stage.

A quarter is parsed once, at the edge (the CLI, a notebook's parameters cell), and passed down as
a :class:`Quarter`; nothing below re-splits a label by slicing.

Examples
--------
>>> q = Quarter.parse("2023-q2")
>>> q, q.start, q.end, q.zh
(Quarter('2023Q2'), datetime.date(2023, 4, 1), datetime.date(2023, 6, 30), '2023年第二季度')
>>> [str(x) for x in Quarter.range("2023Q3", "2024Q1")]
['2023Q3', '2023Q4', '2024Q1']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from taskanalytics.errors import QuarterError

__all__ = ["QUARTER_FORMS", "Quarter", "QuarterLike"]

#: The spellings :meth:`Quarter.parse` accepts, as told to a user who typed something else.
QUARTER_FORMS: Final = (
    "2023Q2, 2023-Q2, 2023 Q2 or 2023q2 (year, Q, quarter 1-4), or 2023年第二季度"
)

_LATIN: Final = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")
_CHINESE: Final = re.compile(r"^\s*(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度\s*$")
_NUMERALS: Final = {"一": 1, "二": 2, "三": 3, "四": 4}
_ZH: Final = ("一", "二", "三", "四")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: ``Quarter(2023, 2)`` is April to June 2023.

    Parameters
    ----------
    year
        The calendar year.
    number
        The quarter, 1 to 4.

    Raises
    ------
    QuarterError
        If ``number`` is not 1-4 or ``year`` is not a four-digit year.
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        if not (isinstance(self.number, int) and 1 <= self.number <= 4):
            raise QuarterError(found=f"{self.year}Q{self.number}", expected=QUARTER_FORMS)
        if not (isinstance(self.year, int) and 1000 <= self.year <= 9999):
            raise QuarterError(found=f"{self.year}Q{self.number}", expected=QUARTER_FORMS)

    # ------------------------------------------------------------------ construction
    @classmethod
    def parse(cls, value: QuarterLike) -> Quarter:
        """Return the quarter a label names; a :class:`Quarter` is returned as it is.

        Parameters
        ----------
        value
            ``2023Q2``, ``2023-Q2``, ``2023 Q2``, ``2023q2``, ``2023年第二季度``, ``2023年第2季度``
            or a :class:`Quarter`.

        Raises
        ------
        QuarterError
            For anything else, naming the value and the accepted spellings.

        Examples
        --------
        >>> Quarter.parse("2023年第二季度")
        Quarter('2023Q2')
        """
        if isinstance(value, Quarter):
            return value
        text = str(value)
        if match := _LATIN.match(text):
            return cls(int(match.group(1)), int(match.group(2)))
        if match := _CHINESE.match(text):
            digit = match.group(2)
            return cls(int(match.group(1)), _NUMERALS.get(digit) or int(digit))
        raise QuarterError(found=value, expected=QUARTER_FORMS)

    @classmethod
    def of_date(cls, day: dt.date) -> Quarter:
        """Return the quarter a date falls in.

        Examples
        --------
        >>> Quarter.of_date(datetime.date(2023, 5, 20))  # doctest: +SKIP
        Quarter('2023Q2')
        """
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def of_year(cls, year: int) -> tuple[Quarter, Quarter, Quarter, Quarter]:
        """Return the four quarters of a year, in order."""
        return (cls(year, 1), cls(year, 2), cls(year, 3), cls(year, 4))

    @classmethod
    def range(cls, first: QuarterLike, last: QuarterLike) -> list[Quarter]:
        """Return every quarter from ``first`` to ``last``, both included (empty if reversed)."""
        q, end = cls.parse(first), cls.parse(last)
        out: list[Quarter] = []
        while q <= end:
            out.append(q)
            q = q.next()
        return out

    # ------------------------------------------------------------------ properties
    @property
    def label(self) -> str:
        """The canonical label, ``"2023Q2"``: the spelling stored, shown in file names and URLs."""
        return f"{self.year}Q{self.number}"

    @property
    def zh(self) -> str:
        """The Chinese label, ``"2023年第二季度"``."""
        return f"{self.year}年第{_ZH[self.number - 1]}季度"

    @property
    def zh_short(self) -> str:
        """The Chinese quarter without its year, ``"二季度"``: chart axes within one year."""
        return f"{_ZH[self.number - 1]}季度"

    @property
    def start(self) -> dt.date:
        """The quarter's first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The quarter's last day."""
        # not next().start - 1 day: 9999Q4 has no next quarter
        return dt.date(self.year, 3 * self.number, (31, 30, 30, 31)[self.number - 1])

    def next(self) -> Quarter:
        """The quarter after this one."""
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        """The quarter before this one."""
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def year_to_date(self) -> list[Quarter]:
        """The quarters of this year up to and including this one (Q1 … self)."""
        return [Quarter(self.year, n) for n in range(1, self.number + 1)]

    def __contains__(self, day: object) -> bool:
        """``date in quarter``: whether a date lies in the quarter."""
        if isinstance(day, dt.datetime):
            day = day.date()
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Quarter({self.label!r})"

    def __iter__(self) -> Iterator[int]:
        """Unpack as ``year, number = quarter``."""
        return iter((self.year, self.number))


#: What functions accept where a quarter is meant: a :class:`Quarter` or a label to parse.
QuarterLike = Quarter | str
