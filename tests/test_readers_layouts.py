"""Other districts' layouts read alike from .txt (tab-cell export or prose), .docx and .xlsx.

Each layout is written in every format from one description; the formats must give identical
``tasks``/``milestones``/``targets`` frames once the columns that legitimately differ are
dropped: ``line`` (tasks and milestones), which counts text lines in a ``.txt``, table rows
counted through the document in a ``.docx`` and sheet rows in an ``.xlsx``.
"""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from docx_factory import C, write_docx
from pandas.testing import assert_frame_equal
from plan_docs import export_table, write_text

from taskanalytics import PlanParseError, read_plan

#: Columns that differ between formats of one table (see the module docstring).
DIFFERING = {"tasks": ["line"], "milestones": ["line"], "targets": []}

WORK_TITLE = "2023年区政府工作报告重点任务分解"
WORK_HEADER = ["序号", "工作任务", "牵头领导", "牵头单位", "配合单位", "完成时限", "落实情况"]
WORK_ROWS: list[list[str]] = [
    ["一、稳增长"],
    ["1", "全年实施亿元以上项目30个。", "张三", "区发改局", "区财政局", "12月31日", "已开工12个"],
    ["2", "新建5G基站100个。", "李四", "区工信局", "", "6月底前开工，12月底前竣工", ""],
    ["二、惠民生"],
    ["3", "新增城镇就业2000人。", "王五", "区人社局", "区财政局", "11月30日", ""],
]

LIVELIHOOD_TITLE = "2023年十件民生实事任务分解"
LIVELIHOOD_HEADER = ["序号", "项目名称", "责任单位", "完成时限", "备注"]
LIVELIHOOD_ROWS = [
    ["1", "新建口袋公园3个。", "区住建局", "5月底前动工，9月投入使用", "按月调度"],
    ["2", "完成100户家庭居家适老化改造。", "区民政局", "10月31日", ""],
]

PROSE = [
    WORK_TITLE,
    "一、稳增长",
    "（一）扩大有效投资",
    "1．全年实施亿元以上项目30个。（责任领导：张三；牵头单位：区发改局；配合单位：区财政局；"
    "完成时限：2023年12月底）",
    "2. 新建5G基站100个。",
    "(责任领导:李四;牵头部门:区工信局;时限:6月底前)",
    "二、惠民生",
    "3、新增城镇就业2000人。（牵头单位：区人社局；完成时限：12月31日；备注：按季调度）",
]


# --- writers: one description, every format ----------------------------------------------


def _txt(tmp_path, name, title, header, rows):
    return write_text(tmp_path, name, ["", title, ""], export_table(header, rows))


def _docx(tmp_path, name, title, header, rows):
    width = len(header)
    table = [header, *([C(r[0], width)] if len(r) == 1 else r for r in rows)]
    return write_docx(tmp_path / name, [title], [table], width=width)


def _xlsx(tmp_path, name, title, header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    width = len(header)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.append(header)
    for row in rows:
        ws.append(row)
        if len(row) == 1:
            r = ws.max_row
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
    path = tmp_path / name
    wb.save(path)
    return path


WRITERS = {"txt": _txt, "docx": _docx, "xlsx": _xlsx}


def _plans(tmp_path, title, header, rows, **kwargs):
    return {
        fmt: read_plan(write(tmp_path, f"plan.{fmt}", title, header, rows), **kwargs)
        for fmt, write in WRITERS.items()
    }


def _assert_same_frames(plans) -> None:
    (first, base), *others = plans.items()
    for fmt, plan in others:
        for name, drop in DIFFERING.items():
            assert_frame_equal(
                getattr(plan, name).drop(columns=drop),
                getattr(base, name).drop(columns=drop),
                obj=f"{name} of .{fmt} vs .{first}",
            )


# --- 序号/工作任务/牵头领导/牵头单位/配合单位/完成时限 (+ 落实情况) -----------------------------


def test_numbered_table_reads_alike_in_every_format_with_extra(tmp_path):
    plans = _plans(tmp_path, WORK_TITLE, WORK_HEADER, WORK_ROWS)
    _assert_same_frames(plans)
    plan = plans["docx"]
    t = plan.tasks.set_index("task_id")
    assert t.index.tolist() == ["T001", "T002", "T003"]
    assert set(t["section"]) == {"work_report"}
    assert t["category"].tolist() == ["稳增长", "稳增长", "惠民生"]
    assert t.loc["T001", "leaders"] == ["张三"]
    assert t.loc["T001", "lead_units"] == ["区发改局"]
    assert t.loc["T001", "responsible_units"] == ["区财政局"]
    assert t.loc["T002", "responsible_units"] == []
    assert t.loc["T002", "deadline"] == pd.Timestamp("2023-12-31")
    assert t.loc["T003", "deadline"] == pd.Timestamp("2023-11-30")
    # the unknown 落实情况 column is kept aside, not an error
    assert t["extra"].tolist() == [{"落实情况": "已开工12个"}, {}, {}]
    ms = plan.milestones.query("task_id == 'T002'")
    assert ms["text"].tolist() == ["6月底前开工", "12月底前竣工"]
    assert ms["due_date"].tolist() == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31")]


def test_generic_text_export_keeps_each_cells_line(tmp_path):
    """The .txt path: any known header, cells grouped by its width, lines as printed."""
    path = _txt(tmp_path, "plan.txt", WORK_TITLE, WORK_HEADER, WORK_ROWS)
    plan = read_plan(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for title, line in zip(plan.tasks["title"], plan.tasks["line"], strict=True):
        assert lines[line - 1] == f"\t{title}", (title, line)  # the task cell's own line
    # the header repeated after a page break is skipped, not read as a task
    rows = [*WORK_ROWS[:3], WORK_HEADER, *WORK_ROWS[3:]]
    again = read_plan(_txt(tmp_path, "repeat.txt", WORK_TITLE, WORK_HEADER, rows))
    assert_frame_equal(again.tasks.drop(columns="line"), plan.tasks.drop(columns="line"))


def test_mapping_works_for_the_text_export(tmp_path):
    header = ["序号", "重点工作事项清单", "牵头单位", "完成时限"]
    rows = [["1", "修路。", "区交通局", "6月30日"]]
    path = _txt(tmp_path, "m.txt", WORK_TITLE, header, rows)
    with pytest.raises(PlanParseError) as info:
        read_plan(path)
    assert "重点工作事项清单" in info.value.found
    plan = read_plan(path, mapping={"重点工作事项清单": "task"})
    assert plan.tasks["title"].tolist() == ["修路。"]


# --- several unknown headers: one error listing all -----------------------------------------


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_several_unknown_headers_are_listed_in_one_error(tmp_path, fmt):
    header = ["序号", "工作项目内容", "督导单位", "办理时间", "落实情况"]
    rows = [["1", "修路。", "区交通局", "6月30日", "已完成"]]
    path = WRITERS[fmt](tmp_path, f"u.{fmt}", WORK_TITLE, header, rows)
    with pytest.raises(PlanParseError) as info:
        read_plan(path)
    err = info.value
    for unknown in ("工作项目内容", "督导单位", "办理时间"):
        assert unknown in err.found, err.found
        assert f"'{unknown}':" in err.expected, err.expected
    assert "落实情况" not in err.found  # known: kept aside
    assert "mapping=" in err.expected and "task column" in err.expected
    mapping = {"工作项目内容": "task", "督导单位": "lead_units", "办理时间": "deadline"}
    plan = read_plan(path, mapping=mapping)
    assert plan.tasks["lead_units"].tolist() == [["区交通局"]]
    assert plan.tasks["extra"].tolist() == [{"落实情况": "已完成"}]


def test_unknown_header_beside_a_task_column_is_kept_as_extra(tmp_path):
    header = ["序号", "工作任务", "完成时限", "督查意见"]
    rows = [["1", "修路。", "6月30日", "按期推进"]]
    plan = read_plan(_xlsx(tmp_path, "e.xlsx", WORK_TITLE, header, rows))
    assert plan.tasks["extra"].tolist() == [{"督查意见": "按期推进"}]


def test_header_row_with_most_known_headers_wins(tmp_path):
    """A note above the header holding two header words does not become the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年任务分解", "备注", "说明"])
    ws.append(["序号", "工作任务", "牵头单位", "完成时限"])
    ws.append(["1", "修路。", "区交通局", "6月30日"])
    wb.save(tmp_path / "h.xlsx")
    plan = read_plan(tmp_path / "h.xlsx")
    assert plan.tasks["lead_units"].tolist() == [["区交通局"]]


# --- 民生实事 ledger without a milestones column, title above the table ---------------------


def test_livelihood_ledger_is_livelihood_in_every_format(tmp_path):
    plans = _plans(tmp_path, LIVELIHOOD_TITLE, LIVELIHOOD_HEADER, LIVELIHOOD_ROWS)
    _assert_same_frames(plans)
    for fmt, plan in plans.items():
        assert plan.tasks["task_id"].tolist() == ["L01", "L02"], fmt
        assert set(plan.tasks["section"]) == {"livelihood"}, fmt
        assert plan.meta["kind"] == "livelihood", fmt
    t = plans["docx"].tasks.set_index("task_id")
    assert t.loc["L01", "lead_units"] == ["区住建局"]  # 责任单位 lead: no 牵头单位 column
    assert t.loc["L01", "deadline"] == pd.Timestamp("2023-09-30")
    assert t.loc["L01", "extra"] == {"备注": "按月调度"}
    ms = plans["docx"].milestones.query("task_id == 'L01'")
    assert ms["text"].tolist() == ["5月底前动工", "9月投入使用"]


# --- prose: numbered paragraphs with a bracketed block ----------------------------------------


def test_prose_plan_reads_alike_from_txt_and_docx(tmp_path):
    txt = read_plan(write_text(tmp_path, "p.txt", PROSE))
    word = read_plan(write_docx(tmp_path / "p.docx", PROSE, []))
    _assert_same_frames({"txt": txt, "docx": word})
    t = txt.tasks.set_index("task_id")
    assert t.index.tolist() == ["T001", "T002", "T003"]
    assert t["category"].tolist() == ["稳增长", "稳增长", "惠民生"]
    assert t.loc["T001", "subcategory"] == "扩大有效投资"
    assert pd.isna(t.loc["T003", "subcategory"])
    assert t.loc["T001", "title"] == "全年实施亿元以上项目30个。"
    assert t.loc["T001", "leaders"] == ["张三"]
    assert t.loc["T001", "lead_units"] == ["区发改局"]
    assert t.loc["T001", "responsible_units"] == ["区财政局"]
    assert t.loc["T001", "deadline"] == pd.Timestamp("2023-12-31")
    # half-width brackets and colons, the block on the next line, 牵头部门 and 时限
    assert t.loc["T002", "title"] == "新建5G基站100个。"
    assert t.loc["T002", "leaders"] == ["李四"]
    assert t.loc["T002", "lead_units"] == ["区工信局"]
    assert t.loc["T002", "deadline"] == pd.Timestamp("2023-06-30")
    assert t.loc["T003", "extra"] == {"备注": "按季调度"}
    assert t.loc["T003", "leaders"] == []
    lines = (tmp_path / "p.txt").read_text(encoding="utf-8").split("\n")
    assert lines[t.loc["T002", "line"] - 1].startswith("2. 新建5G基站")


def test_prose_with_responsible_units_only_leads_and_lists_several(tmp_path):
    paragraphs = [
        LIVELIHOOD_TITLE,
        "1．新建口袋公园3个。（责任单位：区住建局、区城管局；完成时限：9月底前）",
    ]
    plan = read_plan(write_text(tmp_path, "l.txt", paragraphs))
    assert plan.tasks["task_id"].tolist() == ["L01"]
    units = plan.tasks["lead_units"].iloc[0]
    # NEEDS name splitting (another engineer's part of issue 15): 、 between units
    assert units == ["区住建局", "区城管局"]


def test_prose_without_blocks_is_no_plan(tmp_path):
    path = write_text(tmp_path, "n.txt", ["2023年工作要点", "1．做好工作。", "2．抓好落实。"])
    with pytest.raises(PlanParseError) as info:
        read_plan(path)
    assert "task table" in info.value.expected and "numbered paragraphs" in info.value.expected


# --- 一季度…四季度 columns, and quarterly phases written in one cell ---------------------------

PHASE_TITLE = "2023年重点项目推进计划"
PHASE_HEADER = ["序号", "项目名称", "一季度", "二季度", "三季度", "四季度", "牵头单位", "分管领导"]
PHASE_ROWS = [
    ["1", "新建城市书房5处。", "完成选址", "开工建设2处", "", "全部投入使用", "区文旅局", "王强"],
    ["2", "改造雨污管网12公里。", "完成设计", "完成招标", "完成改造6公里", "完成改造12公里",
     "区住建局、区水务局", "李明"],
]  # fmt: skip
ONE_CELL_HEADER = ["序号", "项目名称", "进度安排", "牵头单位", "分管领导"]
ONE_CELL_ROWS = [
    ["1", "新建城市书房5处。", "一季度：完成选址；二季度：开工建设2处；四季度：全部投入使用",
     "区文旅局", "王强"],
    ["2", "改造雨污管网12公里。",
     "一季度：完成设计；二季度：完成招标；三季度：完成改造6公里；四季度：完成改造12公里",
     "区住建局、区水务局", "李明"],
]  # fmt: skip


def test_quarter_columns_are_milestones_due_at_each_quarters_end_in_every_format(tmp_path):
    plans = _plans(tmp_path, PHASE_TITLE, PHASE_HEADER, PHASE_ROWS, year=2023)
    _assert_same_frames(plans)
    plan = plans["xlsx"]
    ms = plan.milestones
    assert ms["milestone_id"].tolist() == [
        "T001.01", "T001.02", "T001.03", "T002.01", "T002.02", "T002.03", "T002.04",
    ]  # fmt: skip
    assert ms["due_date"].dt.strftime("%m-%d").tolist() == [
        "03-31", "06-30", "12-31", "03-31", "06-30", "09-30", "12-31",
    ]  # fmt: skip
    assert ms["text"].iloc[1] == "第二季度：开工建设2处"
    assert plan.tasks["lead_units"].iloc[1] == ["区住建局", "区水务局"]
    got = plan.targets[["milestone_id", "value", "unit"]].values.tolist()
    assert got == [["T001.02", 2.0, "处"], ["T002.03", 6.0, "公里"], ["T002.04", 12.0, "公里"]]


def test_quarterly_phases_in_one_cell_give_the_same_dates_as_quarter_columns(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    columns = _plans(tmp_path / "a", PHASE_TITLE, PHASE_HEADER, PHASE_ROWS, year=2023)
    one_cell = _plans(tmp_path / "b", PHASE_TITLE, ONE_CELL_HEADER, ONE_CELL_ROWS, year=2023)
    _assert_same_frames(one_cell)
    a, b = columns["docx"].milestones, one_cell["docx"].milestones
    assert b["milestone_id"].tolist() == a["milestone_id"].tolist()
    assert b["due_date"].tolist() == a["due_date"].tolist()
    keep = ["milestone_id", "value", "unit", "comparator"]
    assert_frame_equal(one_cell["docx"].targets[keep], columns["docx"].targets[keep])


def test_month_columns_are_read_as_month_ends(tmp_path):
    header = ["序号", "重点工作", "3月", "六月份", "12月目标", "牵头单位"]
    rows = [["1", "建设智慧停车场。", "完成方案", "开工", "建成车位500个", "区城管局"]]
    plan = _plans(tmp_path, PHASE_TITLE, header, rows, year=2023)["xlsx"]
    assert plan.milestones["due_date"].dt.strftime("%m-%d").tolist() == ["03-31", "06-30", "12-31"]
    assert plan.targets["value"].tolist() == [500.0]


# --- a heading row that opens the 十件民生实事 inside one table --------------------------------

MIXED_HEADER = ["序号", "工作任务", "牵头单位", "完成时限"]
MIXED_ROWS = [
    ["一、稳增长"],
    ["1", "全年实施亿元以上项目30个。", "区发改局", "12月31日"],
    ["2", "新建5G基站100个。", "区工信局", "6月30日"],
    ["二、十件民生实事"],
    ["1", "新建口袋公园3个。", "区住建局", "9月30日"],
    ["2", "完成100户家庭居家适老化改造。", "区民政局", "10月31日"],
]


def test_a_livelihood_heading_inside_a_table_starts_that_section_in_every_format(tmp_path):
    plans = _plans(tmp_path, WORK_TITLE, MIXED_HEADER, MIXED_ROWS)
    _assert_same_frames(plans)
    tasks = plans["xlsx"].tasks
    assert tasks["task_id"].tolist() == ["T001", "T002", "L01", "L02"]
    assert tasks["section"].tolist() == ["work_report"] * 2 + ["livelihood"] * 2
    assert plans["xlsx"].meta["kind"] == "work_report"
