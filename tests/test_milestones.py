"""split_leaves and parse_due, one rule at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from taskanalytics.plan.milestones import parse_due, split_leaves

DEADLINE = dt.date(2023, 11, 30)


def _lines(text: str) -> list[tuple[int, str]]:
    return list(enumerate(text.split("\n"), start=10))


def test_numbered_items_are_leaves():
    leaves = split_leaves(_lines("（1）3月底前，甲；\n（2）6月底前，乙。"))
    assert [(x.label, x.text, x.line) for x in leaves] == [
        ("(1)", "3月底前，甲", 10),
        ("(2)", "6月底前，乙", 11),
    ]


def test_circled_items_replace_their_parent():
    leaves = split_leaves(
        _lines("（1）改造工程：\n①3月底前，设计；\n②4月底前，招标；\n（2）5月底前，验收。")
    )
    assert [x.label for x in leaves] == ["(1)①", "(1)②", "(2)"]
    assert [x.group for x in leaves] == ["改造工程", "改造工程", None]


def test_inline_circled_items_without_heading():
    leaves = split_leaves(_lines("（3） ①1月底前，督导；②6月底前，储备。"))
    assert [(x.label, x.group, x.text) for x in leaves] == [
        ("(3)①", None, "1月底前，督导"),
        ("(3)②", None, "6月底前，储备"),
    ]


def test_headings_group_following_items_and_are_not_text():
    leaves = split_leaves(_lines("胜利街道办事处:\n（1）6月底前,甲；\n建设街道办事处：\n（2）乙；"))
    assert [(x.group, x.text) for x in leaves] == [
        ("胜利街道办事处", "6月底前,甲"),
        ("建设街道办事处", "乙"),
    ]


def test_unnumbered_cell_is_one_milestone_and_wrapped_lines_join():
    leaves = split_leaves(_lines("常态化落实好养老保险待遇\n按时、足额发放。"))
    assert [(x.label, x.text) for x in leaves] == [("", "常态化落实好养老保险待遇按时、足额发放")]


def test_blank_cell_has_no_leaves():
    assert split_leaves(_lines("\n  \n")) == []


@pytest.mark.parametrize(
    ("text", "date", "kind", "recurrence"),
    [
        ("3月底前，化解政府性债务17501万元", dt.date(2023, 3, 31), "date", None),
        ("2月底前，完成", dt.date(2023, 2, 28), "date", None),
        ("11月底，完成", dt.date(2023, 11, 30), "date", None),
        ("3月中旬，完成", dt.date(2023, 3, 20), "date", None),
        ("4月初，完成", dt.date(2023, 4, 10), "date", None),
        ("年末清算", dt.date(2023, 12, 31), "date", None),
        ("年底前完成", dt.date(2023, 12, 31), "date", None),
        ("争取2023年底前上报", dt.date(2023, 12, 31), "date", None),
        ("2024年3月底前完成", dt.date(2024, 3, 31), "date", None),
        ("计划2024年将材料上报", dt.date(2024, 12, 31), "date", None),
        ("2月至3月份发动宣传", dt.date(2023, 3, 31), "range", None),
        ("每月15日前足额发放工资", DEADLINE, "recurring", "monthly"),
        ("按月调度", DEADLINE, "recurring", "monthly"),
        ("每季度末制作报表", DEADLINE, "recurring", "quarterly"),
        ("每半年至少招商一次", DEADLINE, "recurring", "semiannual"),
        ("4月初、7月初、10月初，确定奖补", DEADLINE, "recurring", "quarterly"),
        ("3月底前，要求相关部门每月报送", dt.date(2023, 3, 31), "date", None),
        ("完成2022年度研发投入数据归集", DEADLINE, "task_deadline", None),
        ("加强政策宣讲", DEADLINE, "task_deadline", None),
    ],
)
def test_parse_due(text, date, kind, recurrence):
    due = parse_due(text, year=2023, task_deadline=DEADLINE)
    assert (due.date, due.kind, due.recurrence) == (date, kind, recurrence)


def test_vague_time_words_are_reported():
    assert parse_due("适时召开民主生活会", year=2023, task_deadline=DEADLINE).vague == "适时"
    assert parse_due("3月份完成", year=2023, task_deadline=DEADLINE).vague == "3月份"
    assert parse_due("加强政策宣讲", year=2023, task_deadline=DEADLINE).vague is None
