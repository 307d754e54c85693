"""read_plan on .docx, .xlsx and .csv sources: the seed rebuilt as Word, ledgers, other headers."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pandas as pd
import pytest
from docx_factory import UP, C, seed_docx, write_docx
from plan_docs import write_ledger

from taskanalytics import PlanParseError, read_plan

FRAMES = ("tasks", "milestones", "targets", "owners", "notes")


@pytest.fixture(scope="module")
def seed(seed_plan):
    return seed_plan


def _without_lines(plan, name):
    return getattr(plan, name).drop(columns=["line"], errors="ignore")


# --- the seed as the Word document it was exported from -----------------------------------


@pytest.mark.parametrize(
    "split",
    [
        {},
        {"split_at": 1},  # task 2's merged unit cells continue across the page break
        {"split_at": 60, "repeat_header": False},
    ],
    ids=["one_table", "split_repeating_header", "split_without_header"],
)
def test_seed_docx_gives_the_same_tables_as_the_text_export(seed, tmp_path, split):
    plan = read_plan(seed_docx(tmp_path / "seed.docx", **split))
    for name in FRAMES:
        pd.testing.assert_frame_equal(_without_lines(plan, name), _without_lines(seed, name))
    own = ("source", "source_sha256")  # the file read and its bytes differ; the rest may not
    assert {k: v for k, v in plan.meta.items() if k not in own} == {
        k: v for k, v in seed.meta.items() if k not in own
    }


def test_seed_docx_rows_and_merges(tmp_path):
    plan = read_plan(seed_docx(tmp_path / "seed.docx"))
    tasks = plan.tasks.set_index("task_id")
    # the header is row 1, the note row 2: task 1 is row 3, its milestones share the row
    assert tasks.loc["T001", "line"] == 3
    assert plan.milestones.set_index("milestone_id").loc["T001.04", "line"] == 3
    # task 2's unit cells are merged with task 1's in the Word table
    assert tasks.loc["T002", "lead_units"] == ["发改局"]
    assert tasks.loc["T002", "leaders"] == ["祝美娟"]
    # task 26: one merged task cell over three rows
    assert plan.milestones["task_id"].eq("T026").sum() == 15


# --- small Word documents ------------------------------------------------------------------

LETTER = ["双区政办发〔2023〕1号", "关于印发2023年重点工作任务分解的通知", "2023年3月16日"]


def test_docx_blank_cell_is_empty_not_a_guess(tmp_path):
    """With merges read from the document, a blank lead cell is really blank."""
    rows = [
        ["类别", "指标任务", "时间节点", "完成时限", "牵头单位", "责任单位", "分管领导"],
        ["一、目标", "1.甲。", "（1）3月底前，甲。", "12月31日", "发改局", "工信局", "王  茜"],
        [UP, "2.乙。", "（1）6月底前，乙。", UP, "", "", UP],
    ]
    plan = read_plan(write_docx(tmp_path / "p.docx", LETTER, [rows], width=7))
    t = plan.tasks.set_index("task_id")
    assert t.loc["T002", "lead_units"] == []
    assert t.loc["T002", "leaders"] == ["王茜"]
    assert t.loc["T002", "deadline"] == pd.Timestamp("2023-12-31")
    assert t.loc["T002", "category"] == "目标"
    assert plan.meta["doc_number"] == "双区政办发〔2023〕1号"


def test_docx_livelihood_table_without_milestones(tmp_path):
    """序号/民生实事/责任单位/完成时限: tasks and owners, milestones from the deadline phrases."""
    rows = [
        ["序号", "民生实事", "责任单位", "完成时限"],
        ["1", "新建口袋公园3个。", "城建中心\n住建局", "5月底前动工，9月投入使用"],
        ["2", "新建及维修农村公路8公里。", "住建局", "12月底前"],
        ["3", "完成100户家庭居家适老化改造。", "民政局", "10月31日"],
    ]
    plan = read_plan(write_docx(tmp_path / "l.docx", ["2023年十件民生实事"], [rows], width=4))
    t = plan.tasks.set_index("task_id")
    assert t.index.tolist() == ["L01", "L02", "L03"]
    assert set(t["section"]) == {"livelihood"}
    assert t.loc["L01", "lead_units"] == ["城建中心", "住建局"]
    assert t.loc["L01", "title"] == "新建口袋公园3个。"
    assert t.loc["L01", "deadline"] == pd.Timestamp("2023-09-30")
    assert t.loc["L02", "deadline"] == pd.Timestamp("2023-12-31")
    ms = plan.milestones.set_index("milestone_id")
    assert ms.loc["L01.01", "text"] == "5月底前动工"
    assert ms.loc["L01.01", "due_date"] == pd.Timestamp("2023-05-31")
    assert ms.loc["L01.02", "text"] == "9月投入使用"
    assert ms.loc["L01.02", "due_date"] == pd.Timestamp("2023-09-30")
    assert ms.loc["L02.01", "text"] == "12月底前"
    assert ms.loc["L03.01", "due_date"] == pd.Timestamp("2023-10-31")
    owners = plan.owners.query("task_id == 'L01'")
    assert owners["role"].tolist() == ["lead", "lead"]
    assert plan.tasks["category"].unique().tolist() == ["民生实事"]
    assert plan.targets.query("task_id == 'L01'").empty  # targets live in milestones only


def test_docx_year_from_issue_date_or_argument(tmp_path):
    rows = [["序号", "任务", "完成时限"], ["1", "修路。", "6月底前"]]
    dated = write_docx(tmp_path / "d.docx", ["某区人民政府办公室", "2024年2月1日"], [rows], width=3)
    assert read_plan(dated).meta["year"] == 2024
    undated = write_docx(tmp_path / "u.docx", ["任务分解"], [rows], width=3)
    with pytest.raises(PlanParseError) as info:
        read_plan(undated)
    assert "plan year" in info.value.expected and "year=" in info.value.expected
    plan = read_plan(undated, year=2025)
    assert plan.meta["year"] == 2025
    assert plan.tasks["deadline"].iloc[0] == pd.Timestamp("2025-06-30")


def test_docx_horizontal_heading_rows_set_categories(tmp_path):
    rows = [
        ["序号", "工作任务", "进度安排", "完成时间", "牵头部门", "配合部门", "主管领导"],
        [C("一、主要预期目标", 7)],
        [C("（一）稳增长", 7)],
        ["1", "地区生产总值增长5%。", "（1）6月底前，增长2%；\n（2）12月底前，增长5%。", "12月31日", "发改局", "", "张三"],
        ["2", "固投增长10%。", "（1）12月底前，增长10%。", "12月31日", "发改局", "", "张三"],
        [C("二、改革", 7)],
        ["3", "深化改革。", "（1）9月底前，完成方案。", "9月30日", "改革办", "各街镇", "李四"],
    ]  # fmt: skip
    plan = read_plan(write_docx(tmp_path / "h.docx", LETTER, [rows], width=7))
    t = plan.tasks
    assert t["category"].tolist() == ["主要预期目标", "主要预期目标", "改革"]
    assert t["subcategory"].tolist()[:2] == ["稳增长", "稳增长"]
    assert pd.isna(t["subcategory"].iloc[2])
    assert t["responsible_units"].tolist() == [[], [], ["各街镇"]]
    assert plan.targets["value"].tolist() == [2.0, 5.0, 10.0]


def test_corrupt_docx(tmp_path):
    path = tmp_path / "bad.docx"
    path.write_bytes(b"not a zip file")
    with pytest.raises(PlanParseError, match="Word"):
        read_plan(path)


# --- Excel ledgers (台账) ----------------------------------------------------------------


_ledger = write_ledger


def test_xlsx_ledger_merged_cells_and_other_headers(tmp_path):
    rows = [
        ["2023年重点工作任务推进台账", None, None, None, None, None, None],
        ["序号", "重点任务", "进度安排", "完成时限", "责任单位", "配合单位", "责任领导"],
        [1, "1.推进老旧小区改造。", "（1）3月底前，完成设计；", dt.datetime(2023, 10, 31), "住建局", "各街道", "孙大庆"],
        [None, None, "（2）10月底前，完成改造20个小区。", None, None, None, None],
        [2, "开展消费季活动。", "（1）每季度举办1场促消费活动。", "12月31日", "商务局", None, "李  洋"],
    ]  # fmt: skip
    path = _ledger(tmp_path / "ledger.xlsx", rows, ["A1:G1", "A3:A4", "B3:B4", "D3:D4", "E3:E4", "F3:F4", "G3:G4"])  # fmt: skip
    plan = read_plan(path)
    assert plan.meta["year"] == 2023
    t = plan.tasks.set_index("task_id")
    assert t.index.tolist() == ["T001", "T002"]
    assert t.loc["T001", "lead_units"] == ["住建局"]  # 责任单位 beside 配合单位: the lead
    assert t.loc["T001", "responsible_units"] == ["各街道"]
    assert t.loc["T001", "deadline"] == pd.Timestamp("2023-10-31")
    assert t.loc["T002", "responsible_units"] == []  # blank, not merged: none
    assert t.loc["T002", "leaders"] == ["李洋"]
    assert t.loc["T001", "category"] == "重点任务"  # no category column: the task header
    ms = plan.milestones
    assert ms.query("task_id == 'T001'")["text"].tolist() == ["3月底前，完成设计", "10月底前，完成改造20个小区"]  # fmt: skip
    assert ms.query("task_id == 'T001'")["line"].tolist() == [3, 4]  # Excel row numbers
    assert ms.set_index("milestone_id").loc["T002.01", "recurrence"] == "quarterly"
    assert plan.targets.set_index("milestone_id").loc["T001.02", "value"] == 20.0


def test_xlsx_two_row_header_and_category_columns(tmp_path):
    rows = [
        ["类别", None, "指标任务", "时间节点", "完成时限", "责任单位", None, "分管领导"],
        [None, None, None, None, None, "牵头单位", "配合单位", None],
        ["一、主要预期目标", None, "1.增长5%。", "（1）12月底前，增长5%。", "12月31日", "发改局", "工信局", "祝美娟"],
        ["二、发展", "（一）抓机遇", "2.争取资金。", "（1）2月底前，制定计划。", "12月31日", "发改局", None, "祝美娟"],
        [None, None, "3.招商。", "（1）6月底前，签约项目10个。", "12月31日", "商务局", None, None],
    ]  # fmt: skip
    merges = ["A1:B2", "C1:C2", "D1:D2", "E1:E2", "F1:G1", "H1:H2", "A3:B3", "A4:A5", "B4:B5", "H4:H5"]  # fmt: skip
    plan = read_plan(_ledger(tmp_path / "two.xlsx", rows, merges), year=2023)
    t = plan.tasks.set_index("task_id")
    assert t["category"].tolist() == ["主要预期目标", "发展", "发展"]
    assert t["subcategory"].isna().tolist() == [True, False, False]
    assert t.loc["T003", "subcategory"] == "抓机遇"
    assert t.loc["T001", "responsible_units"] == ["工信局"]
    assert t.loc["T003", "leaders"] == ["祝美娟"]  # merged H4:H5
    assert plan.notes.query("check == 'inconsistent_header'").empty


def test_xlsx_header_cells_merged_over_two_rows(tmp_path):
    rows = [
        ["类别", None, "指标任务", "完成时限"],
        [None, None, None, None],
        ["一、目标", None, "1.修路。", "5月底前"],
    ]
    merges = ["A1:B2", "C1:C2", "D1:D2", "A3:B3"]
    path = _ledger(tmp_path / "tall.xlsx", rows, merges, sheet="2023年")
    plan = read_plan(path)
    assert plan.tasks["category"].tolist() == ["目标"]
    assert plan.milestones["text"].tolist() == ["5月底前"]
    assert plan.tasks["line"].tolist() == [3]


def test_xlsx_sheets_for_both_sections(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "说明"
    ws.append(["本台账每月5日前更新"])
    work = wb.create_sheet("2023年工作报告")
    work.append(["序号", "任务", "完成时限", "牵头单位"])
    work.append([1, "修路。", "6月30日", "住建局"])
    live = wb.create_sheet("民生实事")
    live.append(["序号", "民生实事", "完成时限", "责任单位"])
    live.append([1, "建公园。", "9月投入使用", "城建中心"])
    wb.save(tmp_path / "two_sections.xlsx")
    plan = read_plan(tmp_path / "two_sections.xlsx")
    assert plan.tasks["task_id"].tolist() == ["T001", "L01"]
    assert plan.meta["year"] == 2023


# --- CSV -------------------------------------------------------------------------------


def test_csv_gb18030_blank_cells_follow_the_export_rules(tmp_path):
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["2023年民生实事"])
        writer.writerow(["序号", "民生实事", "完成时限", "牵头单位", "分管领导"])
        writer.writerow(["1", "建公园。", "5月底前动工\n9月投入使用", "城建中心", "孙大庆"])
        writer.writerow(["2", "修路。", "10月31日", "", ""])
    plan = read_plan(path)
    t = plan.tasks.set_index("task_id")
    assert t.index.tolist() == ["L01", "L02"]
    # merges are lost in CSV: a blank lead or leader cell continues the task above
    assert t.loc["L02", "lead_units"] == ["城建中心"]
    assert t.loc["L02", "leaders"] == ["孙大庆"]
    assert plan.milestones["text"].tolist() == ["5月底前动工", "9月投入使用", "10月31日"]
    # a multi-line record: the next record's line is the file line it starts on
    assert t.loc["L02", "line"] == 5


# --- headers and errors ------------------------------------------------------------------


def _raises(path, expected: str, **kwargs) -> PlanParseError:
    with pytest.raises(PlanParseError) as info:
        read_plan(path, **kwargs)
    assert expected in info.value.expected, info.value.expected
    assert info.value.path == str(path)
    return info.value


def test_unknown_header_names_it_and_the_synonyms(tmp_path):
    rows = [["序号", "任务", "完成时限", "督办科室"], [1, "修路。", "6月30日", "督查室"]]
    path = _ledger(tmp_path / "x.xlsx", rows)
    err = _raises(path, "known column header", year=2023)
    assert err.found == "督办科室"
    assert err.line == 1
    for synonym in ("牵头单位", "配合单位", "分管领导", "责任领导", "完成时限", "进度安排"):
        assert synonym in err.expected
    plan = read_plan(path, year=2023, mapping={"督办科室": "responsible_units"})
    assert plan.tasks["responsible_units"].iloc[0] == ["督查室"]
    skipped = read_plan(path, year=2023, mapping={"督办 科室": None})
    assert skipped.tasks["responsible_units"].iloc[0] == []


def test_mapping_overrides_a_synonym(tmp_path):
    rows = [["序号", "任务", "完成时限", "责任单位"], [1, "修路。", "6月30日", "住建局"]]
    path = _ledger(tmp_path / "m.xlsx", rows)
    assert read_plan(path, year=2023).tasks["lead_units"].iloc[0] == ["住建局"]
    plan = read_plan(path, year=2023, mapping={"责任单位": "responsible_units"})
    assert plan.tasks["responsible_units"].iloc[0] == ["住建局"]
    assert plan.tasks["lead_units"].iloc[0] == []


def test_bad_mapping_value(tmp_path):
    path = _ledger(tmp_path / "b.xlsx", [["序号", "任务"], [1, "修路。"]])
    _raises(path, "mapping values among", mapping={"任务": "title"})


def test_two_columns_for_one_contract_column(tmp_path):
    rows = [["任务", "牵头单位", "牵头部门"], ["1.修路。", "住建局", "交通局"]]
    err = _raises(_ledger(tmp_path / "d.xlsx", rows), "one column for lead_units", year=2023)
    assert "牵头单位" in err.found and "牵头部门" in err.found


def test_no_task_table(tmp_path):
    path = _ledger(tmp_path / "none.xlsx", [["2023年台账"], ["没有表头"]])
    _raises(path, "task table")
    docx_path = write_docx(tmp_path / "none.docx", ["2023年"], [[["甲", "乙"]]], width=2)
    _raises(docx_path, "task table")


def test_no_task_column(tmp_path):
    rows = [["牵头单位", "分管领导"], ["住建局", "孙大庆"]]
    _raises(_ledger(tmp_path / "nt.xlsx", rows), "task column")


def test_bad_number_and_unparseable_deadline_phrase(tmp_path):
    bad_no = _ledger(
        tmp_path / "n.xlsx", [["序号", "任务", "完成时限"], ["一", "修路。", "6月30日"]]
    )
    err = _raises(bad_no, "task number in the 序号 column", year=2023)
    assert err.line == 2 and err.found == "一"
    phrase = _ledger(
        tmp_path / "p.xlsx", [["序号", "民生实事", "完成时限"], [1, "修路。", "长期坚持"]]
    )
    err = _raises(phrase, "date phrase", year=2023)
    assert err.found == "长期坚持"


def test_unsupported_type_and_missing_file(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF")
    _raises(path, ".docx")
    _raises(tmp_path / "missing.docx", "readable file")


def test_text_export_deadline_phrase_with_milestones(tmp_path):
    """A deadline that is exactly one date phrase (12月底前) is read as that date."""
    rows = [
        ["序号", "任务", "时间节点", "完成时限"],
        [1, "修路。", "（1）3月底前，设计。", "12月底前"],
        [2, "建桥。", "（1）3月底前，设计。", "年底左右"],
    ]
    path = _ledger(tmp_path / "t.xlsx", rows)
    err = _raises(path, "deadline such as 12月31日 in the 完成时限 column", year=2023)
    assert err.line == 3


def test_text_export_cells_keep_their_text_and_first_line():
    from taskanalytics.plan.readers.text import split_cells

    text = "双区政办发\n\n \t类别\n\u3000\t指标任务\n续行\n\n\t末格"
    preamble, cells = split_cells(text)
    assert preamble == [(1, "双区政办发"), (2, "")]
    assert [(c.text, c.line) for c in cells] == [("类别", 3), ("指标任务\n续行\n", 4), ("末格", 7)]
    assert cells[1].lines == ["指标任务", "续行"] and not cells[1].blank
    assert split_cells("无单元格\n") == ([(1, "无单元格"), (2, "")], [])
    assert split_cells("\t\n")[1][0].blank
