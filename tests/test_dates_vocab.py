"""The date vocabulary of other districts' tables: each phrase, in milestones and deadlines."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from plan_docs import table, task_row, write_doc

from taskanalytics import audit, read_plan
from taskanalytics.errors import PlanParseError
from taskanalytics.plan.milestones import parse_due, parse_month

DEADLINE = dt.date(2023, 12, 31)


def _due(text: str):
    return parse_due(text, year=2023, task_deadline=DEADLINE)


@pytest.mark.parametrize(
    ("text", "date", "phrase"),
    [
        # quarters -> the quarter's last day
        ("一季度完成方案", dt.date(2023, 3, 31), "一季度"),
        ("二季度完成招标", dt.date(2023, 6, 30), "二季度"),
        ("三季度末开工", dt.date(2023, 9, 30), "三季度末"),
        ("四季度竣工", dt.date(2023, 12, 31), "四季度"),
        ("第二季度：完成招标", dt.date(2023, 6, 30), "第二季度"),
        ("第3季度完成", dt.date(2023, 9, 30), "第3季度"),
        ("2024年第1季度投用", dt.date(2024, 3, 31), "2024年第1季度"),
        ("明年一季度投用", dt.date(2024, 3, 31), "明年一季度"),
        # "N月：" at the start: the end of month N, whatever follows
        ("4月：完成12月底前的准备", dt.date(2023, 4, 30), "4月"),
        ("11月份：验收", dt.date(2023, 11, 30), "11月份"),
        ("明年3月：投入使用", dt.date(2024, 3, 31), "明年3月"),
        # 明年 -> the next year
        ("明年6月底前完成", dt.date(2024, 6, 30), "明年6月底"),
        ("明年7月15日前", dt.date(2024, 7, 15), "明年7月15日"),
        ("明年底前竣工", dt.date(2024, 12, 31), "明年底"),
        ("明年年底前竣工", dt.date(2024, 12, 31), "明年年底"),
        # dotted dates
        ("2023.6.30前完成", dt.date(2023, 6, 30), "2023.6.30"),
        ("2021.8完成验收", dt.date(2021, 8, 31), "2021.8"),
        ("2023．9．15前", dt.date(2023, 9, 15), "2023．9．15"),
        ("2023/10/8前", dt.date(2023, 10, 8), "2023/10/8"),
        # half years, mid-year, within the year, year end
        ("上半年完成", dt.date(2023, 6, 30), "上半年"),
        ("下半年开工", dt.date(2023, 12, 31), "下半年"),
        ("2024年上半年", dt.date(2024, 6, 30), "2024年上半年"),
        ("年中完成评估", dt.date(2023, 6, 30), "年中"),
        ("年内完成", dt.date(2023, 12, 31), "年内"),
        ("力争，年内建成", dt.date(2023, 12, 31), "年内"),
        ("年底前完成", dt.date(2023, 12, 31), "年底"),
    ],
)
def test_milestone_date_phrases(text, date, phrase):
    due = _due(text)
    assert (due.date, due.kind, due.phrase) == (date, "date", phrase)


def test_next_year_range():
    due = _due("明年2月至3月份完成")
    assert (due.date, due.kind) == (dt.date(2024, 3, 31), "range")


@pytest.mark.parametrize("text", ["上半年完成", "下半年开工", "年中完成评估", "年内完成"])
def test_vague_words_give_inferred_dates(text):
    assert _due(text).inferred


@pytest.mark.parametrize("text", ["二季度完成", "2023.6.30前", "4月：完成", "年底前", "6月底前"])
def test_precise_phrases_are_not_inferred(text):
    assert not _due(text).inferred


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("实现年内刑事案件发案率双下降", "task_deadline"),  # 年内 inside a sentence (the seed)
        ("确定上季度奖补金额", "task_deadline"),  # 上季度 names no quarter
        ("每季度末制作报表", "recurring"),
        ("每半年至少招商一次", "recurring"),
        ("完成投资2023.5万元", "task_deadline"),  # a decimal, not a dotted date
        ("3月份完成", "task_deadline"),  # a bare month in a milestone stays vague
        ("13月：验收", "task_deadline"),  # no such month
    ],
)
def test_not_dates(text, kind):
    assert _due(text).kind == kind


def test_seed_vague_words_still_reported():
    assert _due("实现年内刑事案件发案率双下降").vague == "年内"
    assert _due("3月份完成").vague == "3月份"


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("11月", dt.date(2023, 11, 30)),
        ("6月份", dt.date(2023, 6, 30)),
        ("9月投入使用", dt.date(2023, 9, 30)),
        ("明年7月份", dt.date(2024, 7, 31)),
        ("2024年2月", dt.date(2024, 2, 29)),
    ],
)
def test_parse_month(text, date):
    assert parse_month(text, year=2023).date == date


def test_parse_month_without_a_month():
    assert parse_month("年底前", year=2023) is None
    assert parse_month("13月", year=2023) is None


@pytest.mark.parametrize(
    ("deadline", "date"),
    [
        ("11月", "2023-11-30"),  # month-only deadline: the month's end (raised before)
        ("6月份", "2023-06-30"),
        ("二季度", "2023-06-30"),
        ("第三季度", "2023-09-30"),
        ("上半年", "2023-06-30"),
        ("下半年", "2023-12-31"),
        ("年内", "2023-12-31"),
        ("年底", "2023-12-31"),
        ("年中", "2023-06-30"),
        ("2023.6.30", "2023-06-30"),
        ("2023.8", "2023-08-31"),
        ("明年7月份", "2024-07-31"),
        ("12月底前", "2023-12-31"),
    ],
)
def test_deadline_column_phrases(tmp_path, deadline, date):
    doc = table([task_row(1, "（1）完成。", deadline=deadline)])
    plan = read_plan(write_doc(tmp_path, doc))
    assert plan.tasks["deadline"].iloc[0] == pd.Timestamp(date)


def test_deadline_column_still_refuses_other_text(tmp_path):
    doc = table([task_row(1, "（1）完成。", deadline="尽快完成")])
    with pytest.raises(PlanParseError, match="deadline"):
        read_plan(write_doc(tmp_path, doc))


def test_milestones_dated_by_new_phrases_and_inferred_dates_noted(tmp_path):
    cell = "（1）第二季度：完成招标；\n（2）上半年完成主体；\n（3）2023.9.30前竣工；\n（4）明年3月底前结算。"
    plan = read_plan(write_doc(tmp_path, table([task_row(1, cell)], declared=(1, 4))))
    ms = plan.milestones.set_index("milestone_id")
    assert ms["due_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-06-30", "2023-06-30", "2023-09-30", "2024-03-31",
    ]  # fmt: skip
    notes = plan.notes.query("check == 'inferred_date'")
    assert notes["detail"].tolist() == [
        "T001.02: due 2023-06-30 inferred from the vague time phrase '上半年'"
    ]
    found = audit(plan).query("check == 'inferred_date'")
    assert found["milestone_id"].tolist() == ["T001.02"]


def test_items_under_a_dated_heading_take_its_date(tmp_path):
    cell = "二季度：\n①完成招标；\n②签订合同。\n（2）10月底前，开工。"
    plan = read_plan(write_doc(tmp_path, table([task_row(1, cell)], declared=(1, 2))))
    ms = plan.milestones
    assert ms["group"].tolist()[:2] == ["二季度", "二季度"]
    assert ms["due_date"].dt.strftime("%m-%d").tolist() == ["06-30", "06-30", "10-31"]
