"""Content rules that hold across layouts: task-column targets counted once, unit and leader
lists split into names, sub-rows and merged cells, comparators (with the assessment of a ``<=``
target) and counting words."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd
import pytest
from docx_factory import UP, write_docx
from plan_docs import table, task_row, write_doc, write_ledger

from taskanalytics import assess, audit, read_plan
from taskanalytics.assess import vocab as va
from taskanalytics.assess.codes import Band
from taskanalytics.assess.rules import DEFAULT_RULES
from taskanalytics.assess.verdicts import bands
from taskanalytics.plan import vocab
from taskanalytics.plan.build import _split_names
from taskanalytics.plan.milestones import split_leaves
from taskanalytics.plan.targets import extract_targets
from taskanalytics.progress import templates
from taskanalytics.progress import vocab as vp

LETTER = ["双区政办发〔2023〕1号", "关于印发2023年重点工作任务分解的通知", "2023年3月16日"]
B = va.BAND_LABELS


def _t(text):
    return [(t.metric, t.value, t.unit, t.comparator) for t in extract_targets(text)]


# --- targets from the task column, counted once ---------------------------------------------


def test_ledger_without_milestones_column_reads_targets_from_the_task(tmp_path):
    rows = [
        ["序号", "民生实事", "责任单位", "完成时限"],
        ["1", "完成棚户区改造2836户。", "区住建局", "12月底前"],
        ["2", "新建2座人行天桥。", "区交通局", "10月31日"],
        ["3", "新建口袋公园3个。", "城建中心", "5月底前动工，9月投入使用"],
    ]
    plan = read_plan(write_docx(tmp_path / "l.docx", ["2023年十件民生实事"], [rows], width=4))
    tg = plan.targets
    assert tg[["milestone_id", "metric", "value", "unit"]].values.tolist() == [
        ["L01.01", "棚户区改造", 2836.0, "户"],
        ["L02.01", "新建人行天桥", 2.0, "座"],
    ]
    # L03's milestones say more than a date (动工, 投入使用): its targets live there, none here
    assert tg.query("task_id == 'L03'").empty


def test_task_and_milestone_target_counted_once(tmp_path):
    """With a milestones column, targets come from the milestones only: never twice, and a
    date-only milestone does not pull the task's targets in."""
    rows = [
        task_row(1, "（1）12月底前，地区生产总值增长8%以上。", title="地区生产总值增长8%以上。"),
        task_row(2, "（1）12月底前。", title="新建2座人行天桥。"),
    ]
    plan = read_plan(write_doc(tmp_path, table(rows, declared=(2, 2))))
    tg = plan.targets
    assert tg[["milestone_id", "value", "unit", "comparator"]].values.tolist() == [
        ["T001.01", 8.0, "%", ">="],
    ]


def test_task_targets_go_to_the_last_date_only_phrase(tmp_path):
    rows = [["序号", "民生实事", "责任单位", "完成时限"], ["1", "完成棚户区改造2836户。", "住建局", "6月底前；12月底前"]]  # fmt: skip
    plan = read_plan(write_docx(tmp_path / "l.docx", ["2023年十件民生实事"], [rows], width=4))
    assert plan.milestones["milestone_id"].tolist() == ["L01.01", "L01.02"]
    assert plan.targets["milestone_id"].tolist() == ["L01.02"]


# --- names split into units and leaders -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("区财政局、区税务局", ["区财政局", "区税务局"]),
        ("区财政局，区税务局；区人社局/区医保局", ["区财政局", "区税务局", "区人社局", "区医保局"]),
        ("区财政局,区税务局;区人社局", ["区财政局", "区税务局", "区人社局"]),
        ("区委组织部（人社局）", ["区委组织部（人社局）"]),
        ("区委组织部（人社局、编办）、区财政局", ["区委组织部（人社局、编办）", "区财政局"]),
        ("各镇、街道", ["各镇", "各街道"]),
        ("区财政局 区税务局", ["区财政局", "区税务局"]),
        ("张三 李四", ["张三", "李四"]),
        ("黄  刚", ["黄  刚"]),  # one name padded with spaces
        ("发改局", ["发改局"]),
    ],
)
def test_split_names(line, names):
    assert _split_names(line) == names


def test_unit_and_leader_lists_become_owners(tmp_path):
    row = task_row(
        1, "（1）完成。", lead="区财政局、区税务局", responsible="各镇、街道", leaders="张三，李四"
    )
    plan = read_plan(write_doc(tmp_path, table([row])))
    task = plan.tasks.iloc[0]
    assert task["lead_units"] == ["区财政局", "区税务局"]
    assert task["responsible_units"] == ["各镇", "各街道"]
    assert task["leaders"] == ["张三", "李四"]
    assert plan.owners.query("role == 'lead'")["name"].tolist() == ["区财政局", "区税务局"]
    notes = plan.notes.query("check == 'name_list_split'")
    assert notes["detail"].tolist() == [
        "lead_units: '区财政局、区税务局' read as 2 names: 区财政局 | 区税务局",
        "responsible_units: '各镇、街道' read as 2 names: 各镇 | 各街道",
        "leaders: '张三，李四' read as 2 names: 张三 | 李四",
    ]
    assert "name_list_split" in set(audit(plan)["check"])


def test_padded_leader_names_are_not_split(tmp_path):
    plan = read_plan(write_doc(tmp_path, table([task_row(1, "（1）完成。", leaders="黄  刚")])))
    assert plan.tasks.iloc[0]["leaders"] == ["黄刚"]
    assert plan.notes.query("check == 'name_list_split'").empty


# --- sub-rows, numbered items in a cell, merged cells ------------------------------------------


def test_docx_sub_rows_become_milestones_with_their_own_dates(tmp_path):
    rows = [
        ["序号", "重点任务", "进度安排", "完成时限", "牵头单位", "配合单位", "责任领导"],
        ["1", "推进道路建设。", "完成设计", "3月31日", "区住建局", "", "张三"],
        [UP, UP, "完成招标", "6月30日", "区财政局、区税务局", "", UP],
        [UP, UP, "开工建设，完成投资2000万元", "9月30日", "区住建局", "", UP],
    ]
    plan = read_plan(write_docx(tmp_path / "s.docx", LETTER, [rows], width=7))
    ms = plan.milestones
    assert ms["text"].tolist() == ["完成设计", "完成招标", "开工建设，完成投资2000万元"]
    assert ms["due_date"].dt.strftime("%m-%d").tolist() == ["03-31", "06-30", "09-30"]
    task = plan.tasks.iloc[0]
    assert task["deadline"] == pd.Timestamp("2023-09-30")
    assert task["lead_units"] == ["区住建局", "区财政局", "区税务局"]
    assert plan.targets["milestone_id"].tolist() == ["T001.03"]


def test_text_export_task_printed_again_with_its_own_deadline(tmp_path):
    body = table(
        [
            task_row(1, "完成设计", deadline="3月31日"),
            task_row(1, "完成招标", deadline="6月30日"),  # task 1 printed again, another date
        ],
        declared=(1, 2),
    )
    plan = read_plan(write_doc(tmp_path, body))
    ms = plan.milestones
    assert ms["text"].tolist() == ["完成设计", "完成招标"]
    assert ms["due_date"].dt.strftime("%m-%d").tolist() == ["03-31", "06-30"]
    assert plan.tasks["deadline"].iloc[0] == pd.Timestamp("2023-06-30")


_ledger = write_ledger


def test_xlsx_merged_milestone_cell_counts_its_targets_once(tmp_path):
    rows = [
        ["序号", "重点任务", "进度安排", "完成时限", "牵头单位", "责任领导"],
        [1, "老旧小区改造。", "10月底前，完成改造20个小区。", "6月30日", "住建局", "孙大庆"],
        [None, None, None, "10月31日", "城建中心", None],
    ]
    path = _ledger(tmp_path / "m.xlsx", rows, ["A2:A3", "B2:B3", "C2:C3", "F2:F3"])
    plan = read_plan(path, year=2023)
    assert plan.milestones["text"].tolist() == ["10月底前，完成改造20个小区"]
    assert plan.targets["value"].tolist() == [20.0]
    assert plan.tasks.iloc[0]["lead_units"] == ["住建局", "城建中心"]


def test_xlsx_sub_rows_with_merged_task_cell(tmp_path):
    rows = [
        ["序号", "重点任务", "进度安排", "完成时限", "牵头单位"],
        [1, "老旧小区改造。", "完成设计", "3月31日", "住建局"],
        [None, None, "完成改造20个小区", "10月31日", "住建局"],
    ]
    path = _ledger(tmp_path / "s.xlsx", rows, ["A2:A3", "B2:B3", "E2:E3"])
    plan = read_plan(path, year=2023)
    ms = plan.milestones
    assert ms["text"].tolist() == ["完成设计", "完成改造20个小区"]
    assert ms["due_date"].dt.strftime("%m-%d").tolist() == ["03-31", "10-31"]
    assert plan.targets["milestone_id"].tolist() == ["T001.02"]


@pytest.mark.parametrize(
    ("cell", "texts"),
    [
        ("1.3月底前完成设计；2.6月底前开工；3.12月底前完工", ["3月底前完成设计", "6月底前开工", "12月底前完工"]),
        ("（1）3月底前，甲；（2）6月底前，乙", ["3月底前，甲", "6月底前，乙"]),
        ("1、甲\n2、乙", ["甲", "乙"]),
        ("①3月底前甲；②6月底前乙", ["3月底前甲", "6月底前乙"]),
        ("增长5%，2.5万元", ["增长5%，2.5万元"]),  # decimals are not numbering
        ("1.5万平方米改造", ["1.5万平方米改造"]),
    ],
)  # fmt: skip
def test_numbered_items_inside_a_cell(cell, texts):
    leaves = split_leaves([(1, line) for line in cell.split("\n")])
    assert [leaf.text for leaf in leaves] == texts


# --- comparators --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("城镇登记失业率控制在4.5%以内", ("城镇登记失业率", 4.5, "%", "<=")),
        ("审批时限不超过3个工作日", ("审批时限", 3.0, "工作日", "<=")),
        ("单位能耗不高于0.5吨", ("单位能耗", 0.5, "吨", "<=")),
        ("PM2.5浓度低于35%", ("PM2.5浓度", 35.0, "%", "<=")),
        ("发案率下降至5%以下", ("发案率下降至", 5.0, "%", "<=")),
        ("空气质量达标率不低于85%", ("空气质量达标率", 85.0, "%", ">=")),
        ("增长8%以上", ("增长", 8.0, "%", ">=")),
        ("至少新增10家", ("新增", 10.0, "家", ">=")),
        ("贸易额突破2500万元", ("贸易额", 2500.0, "万元", ">=")),
        ("超过100人", ("", 100.0, "人", ">=")),
        ("不少于3场", ("", 3.0, "场", ">=")),
    ],
)
def test_comparators(text, expected):
    metric, value, unit, comparator = _t(text)[0]
    assert (value, unit, comparator) == expected[1:]
    if expected[0]:
        assert metric == expected[0]


@pytest.mark.parametrize(
    ("actual", "target", "points", "band"),
    [
        (4.0, 4.5, True, "met"),
        (4.5, 4.5, True, "met"),
        (5.5, 4.5, True, "nearly_met"),  # one point above the ceiling
        (5.6, 4.5, True, "behind"),
        (3.0, 3.0, False, "met"),
        (0.0, 3.0, False, "met"),
        (3.3, 3.0, False, "nearly_met"),  # 3 / 3.3 = 0.909
        (3.4, 3.0, False, "behind"),
        (0.0, 0.0, False, "met"),
        (1.0, 0.0, False, "behind"),
        (np.nan, 3.0, False, "no_data"),
    ],
)
def test_at_most_bands(actual, target, points, band):
    _, _, code = bands(
        np.array([actual]), np.array([target]), np.array([points]), DEFAULT_RULES,
        at_most=np.array([True]),
    )  # fmt: skip
    assert Band(int(code[0])).name.lower() == band


def test_at_most_target_assessed_end_to_end(tmp_path):
    row = task_row(1, "（1）6月底前，城镇登记失业率控制在4.5%以内。", title="稳就业。")
    plan = read_plan(write_doc(tmp_path, table([row])))
    assert plan.targets["comparator"].tolist() == ["<="]

    def indicator(actual):
        progress = pd.DataFrame([{
            "milestone_id": "T001.01", "task_id": "T001", "unit": "财政局",
            "as_of_date": pd.Timestamp("2023-06-30"), "status": "done",
            "completed_date": pd.Timestamp("2023-06-30"), "actual_1": actual, "note": None,
            "ingested_at": pd.Timestamp("2023-07-01", tz="UTC"),
        }])  # fmt: skip
        return assess(plan, progress, "2023Q2").indicators.iloc[0]

    assert indicator(4.0)["band"] == B["met"]
    assert indicator(4.5)["band"] == B["met"]
    assert indicator(5.2)["band"] == B["nearly_met"]
    assert indicator(6.0)["band"] == B["behind"]
    assert indicator(6.0)["comparator"] == "<="


def test_at_most_label_in_templates():
    assert vp.COMPARATOR_LABELS["<="] == "≤"
    assert templates._target_value_text({"value": 4.5, "comparator": "<="}) == "≤ 4.5"


# --- counting words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("发放宣传单3000张", 3000.0, "张"),
        ("新增停车位500穴", 500.0, "穴"),
        ("开展文艺演出20场次", 20.0, "场次"),
        ("服务群众1.2万人次", 12000.0, "人次"),
        ("新建公厕6间", 6.0, "间"),
        ("化解信访积案5宗", 5.0, "宗"),
        ("发放贷款300笔", 300.0, "笔"),
        ("检查企业50个次", 50.0, "个次"),
        ("新增图书2万册", 20000.0, "册"),
        ("设置宣传牌10块", 10.0, "块"),
        ("种植乔木1.2万棵", 12000.0, "棵"),
        ("安装路灯300盏", 300.0, "盏"),
        ("更换电杆40根", 40.0, "根"),
        ("新打机井3眼", 3.0, "眼"),
        ("开挖5口井", 5.0, "口"),
        ("举办培训班3期", 3.0, "期"),
        ("开展巡查4轮", 4.0, "轮"),
        ("开设兴趣班12班", 12.0, "班"),
        ("新建学校2所", 2.0, "所"),
        ("打造示范片3片", 3.0, "片"),
        ("新建2座人行天桥", 2.0, "座"),
    ],
)
def test_counting_words(text, value, unit):
    assert [(v, u) for _, v, u, _ in _t(text)] == [(value, unit)]


@pytest.mark.parametrize(
    "text",
    [
        "推进2期工程建设",  # phase 2, not a count
        "第3期培训",  # an ordinal
        "建设3口岸",
        "压缩审批时间",
        "完善5间隔变电站",
        "落实3根本制度",
        "加快2期项目",
    ],
)
def test_short_counting_words_not_misread(text):
    assert _t(text) == []


# --- date phrases: the first-character check of the combined pattern ------------------------


def test_every_date_phrase_starts_with_a_date_phrase_first_character():
    """``vocab.DATE_RE`` skips positions where no date phrase can start: each pattern of
    ``DATE_PATTERNS`` must match only at a ``DATE_PHRASE_FIRST`` character, and the combined
    pattern must find what its patterns find."""
    first = re.compile(vocab.DATE_PHRASE_FIRST)
    pieces = [
        *"0123456789１２３.．/ 、，,；;。：:年月日底末初中旬上下半季度第一二三四明每按个内前至到—-～~份万元%",
        "年内", "年中", "每季度", "按季", "每个月", "12月", "2023.", "2023年", "明年", "季度",
        "半年", "月底", "月份",
    ]  # fmt: skip
    rng = random.Random(0)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(20000)]
    texts += ["3月底前", "2023.6.30", "第二季度末", "年内完成", "，年中", "明年3月", "按季度报送"]
    guard = f"(?={vocab.DATE_PHRASE_FIRST})"
    assert vocab.DATE_RE.pattern.startswith(guard)
    unguarded = re.compile(vocab.DATE_RE.pattern.removeprefix(guard))
    for text in texts:
        for _, pattern in vocab.DATE_PATTERNS:
            for m in pattern.finditer(text):
                assert first.match(text, m.start()), (pattern.pattern, text)
        found, plain = vocab.DATE_RE.search(text), unguarded.search(text)
        assert (found and (found.span(), found.lastgroup)) == (
            plain and (plain.span(), plain.lastgroup)
        ), text
