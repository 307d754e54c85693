"""The Quarter value object: every spelling, rejections, dates, arithmetic, ordering."""

from __future__ import annotations

import datetime as dt

import pytest

from taskanalytics.errors import QuarterError, TaskAnalyticsError
from taskanalytics.quarters import QUARTER_FORMS, Quarter

# --------------------------------------------------------------------------- parse


@pytest.mark.parametrize(
    "text",
    [
        "2023Q2",
        "2023q2",
        "2023-Q2",
        "2023-q2",
        "2023 Q2",
        "2023_Q2",
        "  2023Q2 ",
        "2023年第二季度",
        "2023年第2季度",
        "2023年二季度",
        "2023 年 第二 季度",
    ],
)
def test_parse_every_spelling(text):
    assert Quarter.parse(text) == Quarter(2023, 2)


@pytest.mark.parametrize(("zh", "number"), [("一", 1), ("二", 2), ("三", 3), ("四", 4)])
def test_parse_chinese_numerals(zh, number):
    assert Quarter.parse(f"2023年第{zh}季度") == Quarter(2023, number)


def test_parse_returns_a_quarter_as_it_is():
    q = Quarter(2023, 2)
    assert Quarter.parse(q) is q


# The rejections of the former progress.templates.parse_quarter, plus the new ones.
@pytest.mark.parametrize(
    "bad",
    ["2023Q5", "Q1", "2023", "23Q1", "", "2023Q0", "   ", None, "2023年第五季度", "2023-Q2-01"],
)
def test_parse_rejects(bad):
    with pytest.raises(QuarterError) as info:
        Quarter.parse(bad)
    assert isinstance(info.value, TaskAnalyticsError) and isinstance(info.value, ValueError)
    assert info.value.found == bad and info.value.expected == QUARTER_FORMS
    assert repr(bad) in str(info.value) and "2023年第二季度" in str(info.value)


@pytest.mark.parametrize(("year", "number"), [(2023, 0), (2023, 5), (23, 1), (2023, "2")])
def test_constructor_rejects(year, number):
    with pytest.raises(QuarterError):
        Quarter(year, number)


# --------------------------------------------------------------------------- labels and dates


def test_labels():
    q = Quarter(2023, 2)
    assert q.label == str(q) == "2023Q2"
    assert q.zh == "2023年第二季度" and q.zh_short == "二季度"
    assert repr(q) == "Quarter('2023Q2')"
    assert Quarter.parse(q.zh) == Quarter.parse(q.label) == q
    year, number = q
    assert (year, number) == (2023, 2)


# The end dates of the former progress.templates.quarter_end, same inputs.
@pytest.mark.parametrize(
    ("quarter", "end"),
    [
        ("2023Q1", dt.date(2023, 3, 31)),
        ("2023Q2", dt.date(2023, 6, 30)),
        ("2023-q3", dt.date(2023, 9, 30)),
        ("2023Q4", dt.date(2023, 12, 31)),
    ],
)
def test_quarter_end(quarter, end):
    assert Quarter.parse(quarter).end == end


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        ("2023Q1", dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2023Q2", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
        ("2023Q3", dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
        ("2023Q4", dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
        ("2024Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),  # leap year: 29 Feb inside
        ("2000Q1", dt.date(2000, 1, 1), dt.date(2000, 3, 31)),
    ],
)
def test_start_and_end(quarter, start, end):
    q = Quarter.parse(quarter)
    assert (q.start, q.end) == (start, end)


@pytest.mark.parametrize(("year", "days"), [(2023, 90), (2024, 91), (1900, 90), (2000, 91)])
def test_first_quarter_length_follows_leap_years(year, days):
    q = Quarter(year, 1)
    assert (q.end - q.start).days + 1 == days


def test_contains_dates_and_datetimes():
    q = Quarter(2024, 1)
    assert dt.date(2024, 2, 29) in q
    assert dt.date(2024, 1, 1) in q and dt.date(2024, 3, 31) in q
    assert dt.date(2023, 12, 31) not in q and dt.date(2024, 4, 1) not in q
    assert dt.datetime(2024, 3, 31, 23, 59) in q
    assert "2024-02-01" not in q and None not in q


# --------------------------------------------------------------------------- arithmetic


def test_next_and_previous_across_years():
    assert Quarter(2023, 2).next() == Quarter(2023, 3)
    assert Quarter(2023, 4).next() == Quarter(2024, 1)
    assert Quarter(2024, 1).previous() == Quarter(2023, 4)
    assert Quarter(2023, 3).previous() == Quarter(2023, 2)
    for q in Quarter.range("2022Q1", "2024Q4"):
        assert q.next().previous() == q == q.previous().next()
        assert q.next().start == q.end + dt.timedelta(days=1)


def test_range():
    assert [str(q) for q in Quarter.range("2023Q3", "2024Q1")] == ["2023Q3", "2023Q4", "2024Q1"]
    assert Quarter.range("2023Q2", Quarter(2023, 2)) == [Quarter(2023, 2)]
    assert Quarter.range("2024Q1", "2023Q4") == []
    assert len(Quarter.range("2020Q1", "2023Q4")) == 16
    with pytest.raises(QuarterError):
        Quarter.range("2023Q1", "2023Q9")


def test_of_year_and_year_to_date():
    assert [q.label for q in Quarter.of_year(2023)] == ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    assert Quarter(2023, 3).year_to_date() == list(Quarter.of_year(2023)[:3])
    assert Quarter(2023, 1).year_to_date() == [Quarter(2023, 1)]


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (dt.date(2023, 1, 1), "2023Q1"),
        (dt.date(2023, 3, 31), "2023Q1"),
        (dt.date(2023, 4, 1), "2023Q2"),
        (dt.date(2023, 5, 20), "2023Q2"),
        (dt.date(2024, 2, 29), "2024Q1"),
        (dt.date(2023, 12, 31), "2023Q4"),
    ],
)
def test_of_date(day, label):
    q = Quarter.of_date(day)
    assert q.label == label and day in q


# --------------------------------------------------------------------------- value semantics


def test_ordering():
    qs = [Quarter.parse(s) for s in ("2024Q1", "2023Q4", "2023Q1", "2023Q2")]
    assert [q.label for q in sorted(qs)] == ["2023Q1", "2023Q2", "2023Q4", "2024Q1"]
    assert Quarter(2023, 4) < Quarter(2024, 1) and Quarter(2023, 2) <= Quarter(2023, 2)
    assert max(qs) == Quarter(2024, 1) and min(qs) == Quarter(2023, 1)
    # sorting labels by Quarter.parse: numeric, not alphabetical across spellings
    assert sorted(["2024Q1", "2023-q4", "2023年第一季度"], key=Quarter.parse) == [
        "2023年第一季度",
        "2023-q4",
        "2024Q1",
    ]


def test_equality_and_hashing():
    a, b = Quarter.parse("2023-q2"), Quarter.parse("2023年第二季度")
    assert a == b and hash(a) == hash(b) and a is not b
    assert len({a, b, Quarter(2023, 3)}) == 2
    assert {a: "x"}[b] == "x"
    assert a != "2023Q2"  # a quarter is not its label; compare labels with .label


def test_in_collections():
    quarters = Quarter.of_year(2023)
    assert Quarter.parse("2023-Q3") in quarters
    assert Quarter(2024, 1) not in quarters
    assert Quarter.parse("2023Q2").label in ("2023Q1", "2023Q2")


def test_frozen():
    q = Quarter(2023, 2)
    with pytest.raises(AttributeError):
        q.number = 3  # type: ignore[misc]
