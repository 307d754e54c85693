"""The clerk's round trip (issue 14): a template with one labelled input per target, filled
as a clerk fills it (openpyxl, with the usual mistakes), read back with every message and
warning asserted word for word in Chinese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from taskanalytics.errors import ValidationError
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.intake import read_amount, read_progress_file
from taskanalytics.progress.store import ingest_files, load_progress_history
from taskanalytics.progress.templates import write_template

# T031.02 (发改局): 6月底前，新开工项目10个、复工项目35个、竣工项目10个、投产项目10个
FOUR = "T031.02"
FOUR_METRICS = ["新开工项目", "复工项目", "竣工项目", "投产项目"]
DONE_Q2 = {"status": "已完成", "completed_date": dt.date(2023, 6, 20), "note": "四项均完成"}


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture
def ndrc_q2(plan, tmp_path):
    return write_template(plan, "发改局", "2023Q2", tmp_path / "blank")


@pytest.fixture
def finance_q2(plan, tmp_path):
    return write_template(plan, "财政局", "2023Q2", tmp_path / "blank")


def _sheet(path):
    return load_workbook(path)[vp.DATA_SHEET]


def _header(ws):
    return [c.value for c in ws[1]]


def _rows_of(ws, milestone_id):
    return [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == milestone_id]


def _col(ws, name):
    return _header(ws).index(vp.ALL_HEADERS[name]) + 1


def _fill(template, tmp_path, reports, name="filled.xlsx"):
    return fill_template(template, tmp_path / name, reports, synthetic=False)


def _set(path, edits):
    """Set cells by (row, column name) -> value, as a clerk who unprotected the sheet would."""
    wb = load_workbook(path)
    ws = wb[vp.DATA_SHEET]
    for (row, name), value in edits.items():
        ws.cell(row, _col(ws, name), value)
    wb.save(path)
    return path


def _zh_warnings(path, plan):
    return [w.zh() for w in read_progress_file(path, plan=plan).warnings]


# -- one labelled input per target ----------------------------------------------------------


def test_each_target_has_its_own_row_with_metric_target_and_unit(plan, ndrc_q2):
    ws = _sheet(ndrc_q2)
    rows = _rows_of(ws, FOUR)
    assert len(rows) == 4 and rows == list(range(rows[0], rows[0] + 4))
    cell = {name: _col(ws, name) for name in vp.TEMPLATE_COLUMNS}
    got = [
        (
            ws.cell(r, cell["metric"]).value,
            ws.cell(r, cell["target_text"]).value,
            ws.cell(r, cell["target_unit"]).value,
            ws.cell(r, cell["target_no"]).value,
        )
        for r in rows
    ]
    assert got == [
        ("新开工项目", "10", "个", 1),
        ("复工项目", "35", "个", 2),
        ("竣工项目", "10", "个", 3),
        ("投产项目", "10", "个", 4),
    ]
    first, *further = rows
    for name in ("status", "completed_date", "note"):
        assert ws.cell(first, cell[name]).protection.locked is False
        assert all(ws.cell(r, cell[name]).protection.locked for r in further)
    assert not any(ws.cell(r, cell["actual"]).protection.locked for r in rows)
    assert ws.cell(first, cell["milestone_text"]).value.startswith("6月底前，新开工项目10个")
    assert all(ws.cell(r, cell["milestone_text"]).value is None for r in further)


def test_four_targets_read_back_from_their_own_rows(plan, ndrc_q2, tmp_path):
    values = {1: 10, 2: 36, 3: 10, 4: 11}
    path = _fill(ndrc_q2, tmp_path, {FOUR: {**DONE_Q2, "values": values}})
    pf = read_progress_file(path, plan=plan)
    assert pf.warnings == ()
    (report,) = pf.reports.to_dict("records")
    assert report["status"] == "done" and report["row"] == _rows_of(_sheet(path), FOUR)[0]
    got = pf.values.set_index("target_no")["value"].to_dict()
    assert got == {1: 10.0, 2: 36.0, 3: 10.0, 4: 11.0}


def test_done_with_a_target_short_and_one_missing_warns_at_their_own_rows(plan, ndrc_q2, tmp_path):
    path = _fill(ndrc_q2, tmp_path, {FOUR: {**DONE_Q2, "values": {1: 8, 2: 35, 3: 10}}})
    first = _rows_of(_sheet(path), FOUR)[0]
    assert _zh_warnings(path, plan) == [
        f"第 {first} 行（节点 T031.02）「实际值」列：填写的 8 低于“新开工项目”的目标值 10个，"
        "但状态为“已完成”，请核实。",
        f"第 {first + 3} 行（节点 T031.02）「实际值」列：未填写，状态为“已完成”，"
        "请填写“投产项目”的实际值（目标 10个）。",
    ]
    assert len(read_progress_file(path, plan=plan).values) == 3  # accepted as written


def test_a_status_typed_on_a_further_targets_row_is_named(plan, ndrc_q2, tmp_path):
    path = _fill(ndrc_q2, tmp_path, {FOUR: {**DONE_Q2, "values": {1: 10}}})
    first = _rows_of(_sheet(path), FOUR)[0]
    _set(path, {(first + 2, "status"): "推进中"})
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    assert info.value.zh_lines() == [
        f"第 {first + 2} 行（节点 T031.02）「状态」列：填写的“推进中”；本行是该节点的第 3 项指标，"
        f"状态、完成日期和进展说明请填在该节点的第一行（第 {first} 行）。"
    ]


def test_a_value_on_a_target_row_alone_asks_for_the_status(plan, ndrc_q2, tmp_path):
    path = _fill(ndrc_q2, tmp_path, {})
    first = _rows_of(_sheet(path), FOUR)[0]
    _set(path, {(first + 1, "actual"): 20})
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    assert info.value.zh_lines() == [
        f"第 {first} 行（节点 T031.02）「状态」列：未填写，本行已填写其他内容，"
        "须从下拉列表选择状态（已完成、推进中、未启动、滞后）。"
    ]


# -- what the 说明 promises is accepted ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("6.3422亿", 63422.0), ("63422（万元）", 63422.0), ("63,422 万元", 63422.0),
     ("6.3422亿元", 63422.0), ("６３４２２", 63422.0)],
)  # fmt: skip
def test_amounts_in_another_spelling_are_converted_to_the_rows_unit(
    plan, finance_q2, tmp_path, typed, value
):
    path = _fill(finance_q2, tmp_path, {"T110.02": {**DONE_Q2, "values": {1: typed}}})
    pf = read_progress_file(path, plan=plan)
    assert pf.values["value"].tolist() == [value]
    assert pf.warnings == ()


def test_a_bare_wan_in_a_wanyuan_row_is_read_in_wanyuan_with_a_warning(plan, finance_q2, tmp_path):
    reports = {"T003.01": {"status": "推进中", "values": {1: "1.077万"}, "note": "推进中"}}
    path = _fill(finance_q2, tmp_path, reports)
    (row,) = _rows_of(_sheet(path), "T003.01")
    assert read_progress_file(path, plan=plan).values["value"].tolist() == [1.077]
    assert _zh_warnings(path, plan) == [
        f"第 {row} 行（节点 T003.01）「实际值」列：填写的“1.077万”按 1.077 万元读取；"
        "如指的是 10,770 万元，请直接填写 10,770。"
    ]


def test_a_unit_of_another_kind_is_refused_in_chinese(plan, finance_q2, tmp_path):
    path = _fill(finance_q2, tmp_path, {"T003.01": {"status": "推进中", "values": {1: "12户"}}})
    (row,) = _rows_of(_sheet(path), "T003.01")
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    assert info.value.zh_lines() == [
        f"第 {row} 行（节点 T003.01）「实际值」列：填写的“12户”的单位“户”与本行指标的单位（万元）"
        "不一致，请按万元填写数字。"
    ]


# -- mistakes that used to pass silently ----------------------------------------------------


def test_an_added_column_is_named_not_dropped_silently(plan, finance_q2, tmp_path):
    path = _fill(finance_q2, tmp_path, {"T003.01": {"status": "推进中", "note": "推进中"}})
    (row,) = _rows_of(_sheet(path), "T003.01")
    wb = load_workbook(path)
    ws = wb[vp.DATA_SHEET]
    extra = ws.max_column + 1
    ws.cell(1, extra, "备注")
    ws.cell(row, extra, "资金已到位")
    wb.save(path)
    assert _zh_warnings(path, plan) == [
        "「进度填报」表「备注」列：此列不是模板的列，其中填写的内容（如第 "
        f"{row} 行“资金已到位”）不会被读取；请写在“进展说明”列。"
    ]
    assert read_progress_file(path, plan=plan).reports["note"].tolist() == ["推进中"]


def test_an_added_beizhu_column_before_the_note_does_not_replace_it(plan, finance_q2, tmp_path):
    path = _fill(finance_q2, tmp_path, {"T003.01": {"status": "推进中", "note": "进展正常"}})
    wb = load_workbook(path)
    ws = wb[vp.DATA_SHEET]
    ws.insert_cols(1)  # 备注 as the first column: the template's own 进展说明 still counts
    ws.cell(1, 1, "备注")
    wb.save(path)
    pf = read_progress_file(path, plan=plan)
    assert pf.reports["note"].tolist() == ["进展正常"]


def test_merged_note_cells_warn_that_the_second_note_is_not_read(plan, finance_q2, tmp_path):
    reports = {
        "T003.02": {"status": "推进中", "note": "第一条说明"},
        "T110.02": {"status": "推进中", "note": "第二条说明"},
    }
    path = _fill(finance_q2, tmp_path, reports)
    ws = _sheet(path)
    (a,), (b,) = _rows_of(ws, "T003.02"), _rows_of(ws, "T110.02")
    assert b == a + 1
    letter = chr(ord("A") + _col(ws, "note") - 1)
    wb = load_workbook(path)
    wb[vp.DATA_SHEET].merge_cells(f"{letter}{a}:{letter}{b}")
    wb.save(path)
    assert _zh_warnings(path, plan) == [
        f"第 {a} 行「进展说明」列：单元格 {letter}{a}:{letter}{b} 被合并，只读取第 {a} 行的内容，"
        "其余各行的“进展说明”视为未填；请取消合并，逐行填写。"
    ]


# -- the worked example on 说明 --------------------------------------------------------------


def _readme_pairs(path):
    ws = load_workbook(path)[vp.README_SHEET]
    return [(r[0], r[1]) for r in ws.iter_rows(max_col=2, values_only=True)]


def test_the_worked_example_is_the_units_own_milestone_and_its_readings_are_intakes(plan, ndrc_q2):
    pairs = _readme_pairs(ndrc_q2)
    labels = [a for a, _ in pairs]
    start = next(i for i, a in enumerate(labels) if a and a.startswith("【填写示例】"))
    rows = _rows_of(_sheet(ndrc_q2), "T008.02")  # its 入库总额 is the largest open target
    assert (
        labels[start] == f"【填写示例】（以本表第 {rows[0]}–{rows[-1]} 行为例，示例内容请勿照抄）"
    )
    example = dict(pairs[start + 1 : start + 5])
    assert example["节点编号"] == "T008.02" and example["状态"] == "已完成"
    assert [b for a, b in pairs[start:] if a == "量化指标"] == ["包装申报项目", "入库总额"]
    assert [b for a, b in pairs[start:] if a == "实际值"] == [25, 300000]
    spell = next(i for i, a in enumerate(labels) if a and a.startswith("【“实际值”的写法】"))
    assert labels[spell] == "【“实际值”的写法】（以单位为“万元”的指标为例）"
    table = pairs[spell + 2 : spell + 7]
    assert table == [
        ("300000", "300,000 万元"),
        ("300,000", "300,000 万元"),
        ("30亿", "300,000 万元"),
        ("300000（万元）", "300,000 万元"),
        ("约300000", "不能读取：请填写数字"),
    ]
    for typed, shown in table[:-1]:
        assert read_amount(typed, unit="万元")[0] == 300_000.0, (typed, shown)


# -- carried forward ------------------------------------------------------------------------


def test_a_done_milestone_with_four_targets_is_carried_into_the_next_quarter(
    plan, ndrc_q2, tmp_path
):
    store = tmp_path / "progress.sqlite"
    values = {1: 10, 2: 36, 3: 10, 4: 11}
    q2 = _fill(ndrc_q2, tmp_path, {FOUR: {**DONE_Q2, "values": values}}, name="发改局_q2.xlsx")
    ingest_files([q2], plan=plan, store=store)
    history = load_progress_history(store, plan=plan)
    q3 = write_template(plan, "发改局", "2023Q3", tmp_path / "q3", progress=history)
    ws = _sheet(q3)
    rows = _rows_of(ws, FOUR)
    actual, status = _col(ws, "actual"), _col(ws, "status")
    assert [ws.cell(r, actual).value for r in rows] == [10, 36, 10, 11]
    assert ws.cell(rows[0], status).value == "已完成"
    assert all(ws.cell(r, actual).protection.locked for r in rows)
    assert rows[-1] == ws.max_row or ws.cell(rows[-1] + 1, 1).value != FOUR
    pf = read_progress_file(q3, plan=plan)  # the prefilled rows read back as the same report
    assert pf.values.loc[pf.values["milestone_id"] == FOUR, "value"].tolist() == [10, 36, 10, 11]


def test_templates_of_the_earlier_layout_are_still_read(plan, tmp_path):
    """Files sent with 实际值1（万元） columns (before this layout) keep their values."""
    files = sorted((Path(__file__).parent / "data" / "store_v1" / "archive").glob("*.xlsx"))
    assert files
    header = _header(load_workbook(files[0])[vp.DATA_SHEET])
    assert any(vp.ACTUAL_HEADER_RE.match(h or "") for h in header)
    read = [read_progress_file(f, plan=plan) for f in files]
    assert sum(len(pf.values) for pf in read) > 0
