"""Reading and validating progress reports: one test (at least) per validation rule."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from taskanalytics.errors import CellValueError, TaskAnalyticsError, ValidationError
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.intake import parse_date, parse_number, parse_status, read_progress_file
from taskanalytics.progress.templates import write_template

COL = vp.COLUMN_HEADERS


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture
def template(plan, tmp_path):
    return write_template(plan, "财政局", "2023Q4", tmp_path / "blank")


def _fill(template, tmp_path, reports, name="财政局_2023Q1.xlsx"):
    return fill_template(template, tmp_path / name, reports, synthetic=False)


def _edit(path, edits, sheet=vp.DATA_SHEET):
    """Set cells by (milestone_id or row number, header) -> value, bypassing protection."""
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for (where, column), value in edits.items():
        row = where if isinstance(where, int) else _row(ws, where)
        ws.cell(row, header.index(column) + 1, value)
    wb.save(path)
    return path


def _row(ws, milestone_id):
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == milestone_id)


def _problems(path, plan, **kw):
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan, **kw)
    return info.value.problems


def _write_csv(path, header, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


DONE = {"status": "已完成", "completed_date": dt.date(2023, 3, 20), "note": "已完成"}


# -- numbers, dates, statuses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1234, None, 1234.0),
        (12.5, "%", 12.5),
        ("1234", None, 1234.0),
        ("1,234", None, 1234.0),
        ("1,234,567.5", None, 1234567.5),
        ("1.2万", None, 12000.0),
        ("3亿", "元", 3e8),
        ("１２３４", None, 1234.0),
        ("１，２３４", None, 1234.0),
        ("１．５万", "户", 15000.0),
        ("５０％", "%", 50.0),
        ("5000万元", "万元", 5000.0),
        ("300户", "户", 300.0),
        ("-3", "%", -3.0),
        (" 42 ", None, 42.0),
        # what the 说明 promises: 万/亿 converted to the column's unit, units in brackets
        ("1.75亿", "万元", 17500.0),
        ("1.0770亿元", "万元", 10770.0),
        ("1.077万", "万元", 1.077),  # 1.077 万元; intake warns that this is how it was read
        ("10770（万元）", "万元", 10770.0),
        ("10770 (万元)", "万元", 10770.0),
        ("17,501 万元", "万元", 17501.0),
        ("2.5万平方米", "平方米", 25000.0),
        ("300（户）", "户", 300.0),
    ],
)
def test_parse_number_accepts(value, unit, expected):
    assert parse_number(value, unit=unit) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "unit"),
    [
        ("约一千", None),
        ("约一千", "万元"),
        ("一千多", None),
        ("1000余", None),
        ("1,23", None),
        ("1-2", None),
        ("50%", None),  # % is only accepted in a % column
        ("12户", "万元"),  # another kind of unit
        ("10770（个）", "万元"),
        ("1.2万万元", "万元"),
        ("abc", None),
        ("", None),
        (math.nan, None),
        (math.inf, None),
        (True, None),
    ],
)
def test_parse_number_rejects(value, unit):
    with pytest.raises(ValueError):
        parse_number(value, unit=unit)


def test_a_unit_of_another_kind_is_named_in_chinese():
    with pytest.raises(CellValueError) as info:
        parse_number("12户", unit="万元")
    assert info.value.zh.format(found="填写的“12户”") == (
        "填写的“12户”的单位“户”与本行指标的单位（万元）不一致，请按万元填写数字"
    )


def test_a_bare_multiplier_in_a_scaled_column_is_read_in_the_columns_unit():
    from taskanalytics.progress.intake import read_amount

    assert read_amount("1.077万", unit="万元") == (1.077, "1.077万")
    assert read_amount("1.75亿", unit="万元") == (17500.0, None)  # 亿 above 万: one reading
    assert read_amount("1.2万", unit="户") == (12000.0, None)


@pytest.mark.parametrize(
    "value",
    [
        "2023-03-05",
        "2023/3/5",
        "2023.3.5",
        "2023年3月5日",
        "２０２３－０３－０５",
        "2023-03-05 00:00:00",
    ],
)
def test_parse_date_accepts(value):
    assert parse_date(value) == dt.date(2023, 3, 5)


def test_parse_date_accepts_datetime():
    assert parse_date(dt.datetime(2023, 3, 5, 12)) == dt.date(2023, 3, 5)


@pytest.mark.parametrize("value", ["2023-13-01", "2023-02-30", "3月5日", "yesterday", 45000])
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("word", "code"),
    [("已完成", "done"), (" 推进中 ", "in_progress"), ("未启动", "not_started"), ("滞后", "late")],
)
def test_parse_status(word, code):
    assert parse_status(word) == code


# -- a valid template ---------------------------------------------------------------------


def test_valid_template_round_trip(plan, template, tmp_path):
    path = _fill(
        template,
        tmp_path,
        {
            "T110.01": {**DONE, "values": {1: 17600}},
            "T024.01": {"status": "推进中", "values": {1: 300, 8: 2.5}, "note": "按计划推进"},
        },
    )
    pf = read_progress_file(path, plan=plan)
    assert (pf.unit, pf.quarter, pf.as_of_date) == ("财政局", "2023Q4", dt.date(2023, 12, 31))
    assert pf.is_synthetic is False
    reports = pf.reports.set_index("milestone_id")
    assert sorted(reports.index) == ["T024.01", "T110.01"]  # blank rows are not reports
    assert reports.loc["T110.01", "status"] == "done"
    assert reports.loc["T110.01", "completed_date"] == pd.Timestamp("2023-03-20")
    assert reports.loc["T024.01", "status"] == "in_progress"
    assert pd.isna(reports.loc["T024.01", "completed_date"])
    assert reports.loc["T024.01", "task_id"] == "T024"
    values = pf.values.set_index(["milestone_id", "target_no"])
    assert values.loc[("T110.01", 1), "value"] == 17600
    assert values.loc[("T110.01", 1), "unit"] == "万元"
    assert values.loc[("T024.01", 8), "unit"] == "%"
    assert len(values) == 3
    assert len(pf.sha256) == 64


def test_as_of_override(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": {**DONE}})
    pf = read_progress_file(path, plan=plan, as_of="2023-04-15")
    assert pf.as_of_date == dt.date(2023, 4, 15)
    with pytest.raises(TaskAnalyticsError, match="as_of"):
        read_progress_file(path, plan=plan, as_of="soon")


def test_reading_does_not_mutate_plan(plan, template, tmp_path):
    before = [f.copy() for f in (plan.tasks, plan.milestones, plan.targets)]
    read_progress_file(_fill(template, tmp_path, {"T110.01": DONE}), plan=plan)
    for frame, copy in zip((plan.tasks, plan.milestones, plan.targets), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


# -- row rules ----------------------------------------------------------------------------


def test_all_problems_reported_together_with_row_and_column(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    _edit(path, {("T003.01", COL["status"]): "大概", ("T003.02", COL["completed_date"]): "昨天"})
    problems = _problems(path, plan)
    found = {(p.column, p.value) for p in problems}
    assert (COL["status"], "大概") in found
    assert (COL["completed_date"], "昨天") in found
    assert all(p.sheet == vp.DATA_SHEET and p.file == str(path) for p in problems)
    wb = load_workbook(path)
    assert {p.row for p in problems if p.column == COL["status"]} >= {
        _row(wb[vp.DATA_SHEET], "T003.01")
    }


def test_status_required_when_row_has_content(plan, template, tmp_path):
    path = _fill(template, tmp_path, {})
    _edit(path, {("T003.01", COL["note"]): "只写了说明"})
    (problem,) = _problems(path, plan)
    assert problem.column == COL["status"] and problem.expected == vp.EXPECTED["status_required"]


def test_done_requires_completed_date(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T003.01": {"status": "已完成"}})
    (problem,) = _problems(path, plan)
    assert problem.column == COL["completed_date"]
    assert problem.expected == vp.EXPECTED["completed_date_required"]


def test_completed_date_only_for_done(plan, template, tmp_path):
    path = _fill(
        template, tmp_path, {"T003.01": {"status": "推进中", "completed_date": dt.date(2023, 3, 1)}}
    )
    (problem,) = _problems(path, plan)
    assert problem.expected == vp.EXPECTED["completed_date_forbidden"]


@pytest.mark.parametrize("when", [dt.date(2023, 4, 1), dt.date(2022, 12, 31)])
def test_completed_date_within_year_and_as_of(plan, tmp_path, when):
    q1 = write_template(plan, "财政局", "2023Q1", tmp_path / "q1")
    path = _fill(q1, tmp_path, {"T003.01": {**DONE, "completed_date": when}})
    (problem,) = _problems(path, plan)
    assert problem.column == COL["completed_date"] and "as-of date 2023-03-31" in problem.expected
    if when > dt.date(2023, 3, 31):  # a later as-of date makes it acceptable
        assert (
            read_progress_file(path, plan=plan, as_of="2023-04-30").reports["status"][0] == "done"
        )


def test_bad_date_text(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T003.01": {**DONE, "completed_date": "2023-02-30"}})
    (problem,) = _problems(path, plan)
    assert problem.value == "2023-02-30" and problem.expected == vp.EXPECTED["date"]


def test_note_length(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T003.01": {**DONE, "note": "长" * 501}})
    (problem,) = _problems(path, plan)
    assert problem.column == COL["note"] and problem.expected == vp.EXPECTED["note_length"]
    ok = _fill(template, tmp_path, {"T003.01": {**DONE, "note": "长" * 500}}, name="ok.xlsx")
    assert len(read_progress_file(ok, plan=plan).reports) == 1


def test_words_instead_of_numbers_rejected(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": {**DONE, "values": {1: "约一千"}}})
    (problem,) = _problems(path, plan)
    assert problem.column == "实际值" and problem.value == "约一千"


def test_value_for_a_target_the_milestone_lacks(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T025.01": {**DONE, "completed_date": dt.date(2023, 3, 1)}})
    _edit(path, {("T025.01", "实际值"): 5})  # a locked, grey cell: T025.01 has no target
    (problem,) = _problems(path, plan)
    assert problem.column == "实际值" and problem.expected == vp.EXPECTED["target_exists"]


def test_unknown_milestone(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    _edit(path, {("T110.01", COL["milestone_id"]): "T999.01"})
    (problem,) = _problems(path, plan)
    assert problem.value == "T999.01" and problem.expected == vp.EXPECTED["milestone_known"]


def test_milestone_of_another_units_task(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    _edit(path, {("T110.01", COL["milestone_id"]): "T001.01"})  # led by 发改局
    (problem,) = _problems(path, plan)
    assert problem.value == "T001.01" and problem.expected == vp.EXPECTED["milestone_owned"]


def test_duplicate_milestone(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"]]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, [["T110.01", "推进中"]] * 2)
    (problem,) = _problems(path, plan)
    assert problem.row == 3 and problem.expected == vp.EXPECTED["milestone_unique"]


# -- file rules ---------------------------------------------------------------------------


def test_unit_must_be_a_lead_unit(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    wb = load_workbook(path)
    ws = wb[vp.README_SHEET]
    next(r for r in ws.iter_rows(max_col=2) if r[0].value == "填报单位")[1].value = "隔壁区财政局"
    wb.save(path)
    problems = _problems(path, plan)
    assert problems[0].row == 0 and problems[0].expected == vp.EXPECTED["unit_known"]


def test_quarter_must_be_a_quarter(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    wb = load_workbook(path)
    ws = wb[vp.README_SHEET]
    next(r for r in ws.iter_rows(max_col=2) if r[0].value == "填报季度")[1].value = "第一季度"
    wb.save(path)
    (problem,) = _problems(path, plan)
    assert problem.value == "第一季度" and problem.expected == vp.EXPECTED["quarter"]


def test_workbook_without_template_marker(plan, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = vp.DATA_SHEET
    wb.active.append([COL["milestone_id"], COL["status"]])
    wb.create_sheet(vp.README_SHEET)
    wb.save(tmp_path / "x.xlsx")
    problems = _problems(tmp_path / "x.xlsx", plan)
    assert any(p.expected == vp.EXPECTED["template"] for p in problems)


def test_workbook_without_the_sheets(plan, tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "x.xlsx")
    (problem,) = _problems(tmp_path / "x.xlsx", plan)
    assert problem.expected.startswith(vp.EXPECTED["template"])
    assert problem.value == "no sheet 说明、进度填报 (sheets: Sheet)"


def test_template_with_a_column_removed(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": DONE})
    _edit(path, {(1, COL["note"]): "备注列改名"})
    (problem,) = _problems(path, plan)
    assert problem.column == COL["note"] and problem.expected == vp.EXPECTED["columns"]


@pytest.mark.parametrize(("name", "data"), [("bad.xlsx", b"not a zip"), ("notes.txt", b"x")])
def test_unreadable_or_wrong_type(plan, tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    (problem,) = _problems(tmp_path / name, plan)
    assert problem.row == 0 and problem.column == "<file>"
    if name == "notes.txt":
        assert problem.expected == vp.EXPECTED["readable"]
    else:
        assert ".xlsx" in problem.expected and "not a zip" in problem.value


# -- CSV ----------------------------------------------------------------------------------


def test_csv_unit_and_quarter_from_file_name(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"], COL["completed_date"], "实际值1（万元）"]
    rows = [["T110.01", "已完成", "2023/3/1", "１５，０００万元"]]
    path = _write_csv(tmp_path / "财政局_2023Q2.csv", header, rows)
    pf = read_progress_file(path, plan=plan)
    assert (pf.unit, pf.quarter, pf.as_of_date) == ("财政局", "2023Q2", dt.date(2023, 6, 30))
    assert pf.values["value"].tolist() == [15000.0]
    assert pf.reports["completed_date"].tolist() == [pd.Timestamp("2023-03-01")]


def test_csv_unit_from_column_gb18030(plan, tmp_path):
    header = ["牵头单位", "季度", COL["milestone_id"], COL["status"], "实际值1（万元）"]
    rows = [["财政局", "2023Q1", "T110.01", "推进中", "9,000"]]
    path = _write_csv(tmp_path / "report.csv", header, rows, encoding="gb18030")
    pf = read_progress_file(path, plan=plan)
    assert (pf.unit, pf.quarter) == ("财政局", "2023Q1")
    assert pf.values["value"].tolist() == [9000.0]


def test_csv_with_two_units(plan, tmp_path):
    header = ["unit", "quarter", COL["milestone_id"], COL["status"]]
    rows = [["财政局", "2023Q1", "T110.01", "推进中"], ["发改局", "2023Q1", "T001.01", "推进中"]]
    problems = _problems(_write_csv(tmp_path / "r.csv", header, rows), plan)
    assert problems[0].expected == vp.EXPECTED["unit_single"]


def test_csv_without_quarter_needs_as_of(plan, tmp_path):
    header = ["unit", COL["milestone_id"], COL["status"]]
    path = _write_csv(tmp_path / "report.csv", header, [["财政局", "T110.01", "推进中"]])
    problems = _problems(path, plan)
    assert problems[0].column == vp.META_LABELS["as_of_date"]
    assert read_progress_file(path, plan=plan, as_of=dt.date(2023, 5, 1)).quarter is None


def test_csv_missing_status_column(plan, tmp_path):
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", [COL["milestone_id"]], [["T110.01"]])
    (problem,) = _problems(path, plan)
    assert problem.column == COL["status"] and problem.expected == vp.EXPECTED["columns"]


def test_csv_header_unit_must_match_target(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"], "实际值1（户）"]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, [["T110.01", "推进中", "10"]])
    (problem,) = _problems(path, plan)
    assert problem.column == "实际值1（户）" and "万元" in problem.expected


# -- sanity of values, formulas, warnings (issue 13) ----------------------------------------


def test_formula_without_a_saved_result_is_a_problem_naming_the_cell(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": {"status": "推进中"}})
    _edit(path, {("T110.01", "实际值"): "=17000+500"})  # openpyxl saves no result
    (problem,) = _problems(path, plan)
    assert problem.expected == vp.EXPECTED["formula_uncomputed"]
    assert "公式未计算" in problem.expected
    assert problem.column == "实际值" and re.match(r"=17000\+500（[A-Z]+\d+）", problem.value)
    assert problem.row > 1


def test_formula_with_a_saved_result_reads_the_result(plan, template, tmp_path):
    """Excel saves a formula's result next to it; that result is the value."""
    import zipfile

    path = _fill(template, tmp_path, {"T110.01": {"status": "推进中", "values": {1: 17500}}})
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = next(n for n, body in parts.items() if b"<v>17500</v>" in body)  # the data sheet
    parts[sheet] = parts[sheet].replace(b"<v>17500</v>", b"<f>17000+500</f><v>17500</v>", 1)
    with zipfile.ZipFile(path, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    pf = read_progress_file(path, plan=plan)
    assert pf.values["value"].tolist() == [17500.0] and pf.warnings == ()


@pytest.mark.parametrize("value", [1e308, -1e300, 10**16, float("inf"), float("nan")])
def test_values_beyond_15_digits_or_non_finite_are_problems(plan, tmp_path, value):
    header = [COL["milestone_id"], COL["status"], "实际值1（万元）"]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, [["T110.01", "推进中", str(value)]])
    problems = _problems(path, plan)
    assert len(problems) == 1 and problems[0].column == "实际值1（万元）"


def test_negative_count_and_far_beyond_target_are_warnings(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"], "实际值1（万元）", "实际值8（%）"]
    rows = [["T110.01", "推进中", "-5", ""], ["T024.01", "推进中", "7000", "-2.5"]]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, rows)
    pf = read_progress_file(path, plan=plan)
    assert pf.values["value"].tolist() == [-5.0, 7000.0, -2.5]  # accepted, all three
    negative, beyond = pf.warnings  # a 同比增长 in % may fall: no warning for -2.5
    assert (negative.row, negative.value) == (2, "-5")
    assert negative.expected == vp.EXPECTED["warn_negative"]
    assert (beyond.row, beyond.column, beyond.value) == (3, "实际值1（万元）", "7000")
    assert "635万元" in beyond.expected and "10 倍" in beyond.expected


def test_a_clean_file_has_no_warnings(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": {**DONE, "values": {1: 17600}}})
    assert read_progress_file(path, plan=plan).warnings == ()


def test_control_characters_in_a_note_are_a_problem(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"], COL["note"]]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, [["T110.01", "推进中", "按\x07计划"]])
    (problem,) = _problems(path, plan)
    assert problem.column == COL["note"] and problem.expected == vp.EXPECTED["note_control"]


def test_error_message_lists_50_problems_then_a_count(plan, tmp_path):
    rows = [[f"T999.{k:02d}", "推进中"] for k in range(120)]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", [COL["milestone_id"], COL["status"]], rows)
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    assert len(info.value.problems) == 120
    message = str(info.value).splitlines()
    assert len(message) == 1 + 50 + 1
    assert message[-1] == "  … and 70 more"
    assert "T999.49" in message[50] and "T999.50" not in str(info.value)


def test_a_long_value_is_shortened_in_the_problem(plan, tmp_path):
    header = [COL["milestone_id"], COL["status"]]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", header, [["T110.01", "好" * 20_000]])
    (problem,) = _problems(path, plan)
    assert problem.value.startswith("好" * 60) and "共 20,000 字" in problem.value
    assert len(str(problem)) < 400


# -- the problems workbook for the clerk ------------------------------------------------------


def test_write_problems_xlsx_writes_every_problem_as_text(plan, tmp_path):
    from taskanalytics.progress.problems import problems_path, write_problems_xlsx

    rows = [[f"T999.{k:02d}", "推进中"] for k in range(60)] + [["=cmd|' /C calc'!A0", "推进中"]]
    path = _write_csv(tmp_path / "财政局_2023Q1.csv", [COL["milestone_id"], COL["status"]], rows)
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    target = problems_path(path)
    assert target == tmp_path / "财政局_2023Q1.csv.问题清单.xlsx"
    assert write_problems_xlsx(info.value.problems, target) == target
    ws = load_workbook(target)[vp.PROBLEM_SHEET]
    assert [c.value for c in ws[1]] == ["文件", "工作表", "行", "列", "填写内容", "要求", "说明"]
    assert ws.max_row == 1 + 61  # all of them, not the 50 of the message
    assert [c.value for c in ws[2]][:5] == ["财政局_2023Q1.csv", None, 2, "节点编号", "T999.00"]
    injected = ws.cell(ws.max_row, 5)
    assert injected.value == "=cmd|' /C calc'!A0" and injected.data_type == "s"
    assert {p.name for p in tmp_path.iterdir()} == {target.name, path.name}  # no .tmp


def test_write_problems_xlsx_whole_file_problem_and_control_chars(tmp_path):
    from taskanalytics.errors import ExportError, RowProblem
    from taskanalytics.progress.problems import write_problems_xlsx

    problems = [
        RowProblem("in/a.xlsx", None, 0, "<file>", "bad\x00byte", "a readable file"),
        RowProblem("in/a.xlsx", "进度填报", 3, "状态", float("inf"), "a status"),
    ]
    target = write_problems_xlsx(problems, tmp_path / "p.xlsx")
    ws = load_workbook(target).active
    assert ws.cell(2, 3).value == vp.WHOLE_FILE and ws.cell(2, 5).value == "bad\ufffdbyte"
    assert ws.cell(3, 5).value == "inf"
    assert ws.cell(2, 7).value == "文件“a.xlsx”：文件无法接收（a readable file）。"
    with pytest.raises(ExportError, match="problems workbook"):
        write_problems_xlsx(problems, tmp_path / "missing" / "p.xlsx")


# -- what a file claims: year, quarter and as-of date agree with each other and the plan ------


def _set_meta(path, key, value):
    """Change one cell of the 说明 sheet's metadata block, as a clerk editing it would."""
    wb = load_workbook(path)
    ws = wb[vp.README_SHEET]
    for row in ws.iter_rows(max_col=2):
        if row[0].value == vp.META_LABELS[key]:
            row[1].value = value
    wb.save(path)
    return path


def test_an_as_of_date_outside_the_files_own_quarter_is_refused(plan, tmp_path):
    path = write_template(plan, "财政局", "2023Q3", tmp_path / "blank")
    filled = _set_meta(_fill(path, tmp_path, {"T110.03": {"status": "推进中"}}), "as_of_date",
                       dt.date(2023, 6, 30))  # fmt: skip
    (problem,) = _problems(filled, plan)
    assert problem.column == vp.META_LABELS["as_of_date"] and problem.value == "2023-06-30"
    assert "2023年第三季度" in problem.expected
    # an as-of date given by the caller is the caller's choice
    assert read_progress_file(filled, plan=plan, as_of="2023-07-03").as_of_date == dt.date(
        2023, 7, 3
    )


@pytest.mark.parametrize(
    ("name", "quarter"), [("财政局_2031Q1.csv", None), ("财政局.csv", "2019Q1")]
)
def test_a_csv_of_another_year_is_refused(plan, tmp_path, name, quarter):
    header = [COL["milestone_id"], COL["status"]] + (["季度"] if quarter else [])
    row = ["T110.01", "推进中"] + ([quarter] if quarter else [])
    problems = _problems(_write_csv(tmp_path / name, header, [row]), plan)
    assert [p.column for p in problems] == [vp.META_LABELS["quarter"]]
    assert "本计划为2023年度" in problems[0].expected


# -- messages a clerk reads, in Chinese (issue 14) ----------------------------------------


@pytest.fixture
def template_q2(plan, tmp_path):
    return write_template(plan, "财政局", "2023Q2", tmp_path / "blank_q2")


def _zh(path, plan):
    return [p.zh() for p in _problems(path, plan)]


def _row_of(path, milestone_id):
    return _row(load_workbook(path)[vp.DATA_SHEET], milestone_id)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (dt.datetime(2023, 7, 2), "填写的 2023-07-02 "),  # a date cell: never datetime.datetime(…)
        ("2023-07-02 00:00:00", "填写的“2023-07-02 00:00:00”"),  # a datetime typed as text
    ],
)
def test_zh_date_after_the_as_of_date(plan, template_q2, tmp_path, typed, shown):
    path = _fill(template_q2, tmp_path, {"T110.01": {**DONE, "completed_date": typed}})
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「完成日期」列：{shown}晚于截至日期 2023-06-30；"
        "完成日期须不早于 2023-01-01、不晚于截至日期 2023-06-30。"
    ]


def test_zh_date_before_the_plan_year(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {"T110.01": {**DONE, "completed_date": "2022/12/31"}})
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「完成日期」列：填写的“2022/12/31”早于 2023-01-01；"
        "完成日期须不早于 2023-01-01、不晚于截至日期 2023-06-30。"
    ]


def test_zh_words_in_a_date_column_give_one_message(plan, template_q2, tmp_path):
    path = _fill(
        template_q2, tmp_path, {"T110.01": {"status": "推进中", "completed_date": "7月初"}}
    )
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「完成日期」列：填写的“7月初”不是日期，"
        "请按 2023-03-31 的格式填写完成日期。"
    ]


def test_zh_blank_status_with_other_cells_filled(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {})
    _edit(path, {("T003.01", COL["note"]): "只写了说明"})
    n = _row_of(path, "T003.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T003.01）「状态」列：未填写，本行已填写其他内容，"
        "须从下拉列表选择状态（已完成、推进中、未启动、滞后）。"
    ]


def test_zh_unknown_status_word(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {"T110.01": {"status": "完工"}})
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「状态」列：填写的“完工”不是可选的状态，"
        "请从下拉列表选择：已完成、推进中、未启动、滞后。"
    ]


def test_zh_words_in_a_number_column(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {"T110.01": {**DONE, "values": {1: "约一千"}}})
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「实际值」列：填写的“约一千”不是数字，"
        "请填写阿拉伯数字，如 1234、1,234 或 1.2万，不要写“约一千”“一千多”等文字。"
    ]


def test_zh_milestone_of_another_unit(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {"T110.01": DONE})
    n = _row_of(path, "T110.01")
    _edit(path, {("T110.01", COL["milestone_id"]): "T001.01"})  # led by 发改局
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T001.01）「节点编号」列：填写的“T001.01”不是本单位牵头任务的节点，"
        "请只填报本单位牵头的节点。"
    ]


def test_zh_done_without_a_date_and_a_renamed_column(plan, template_q2, tmp_path):
    path = _fill(template_q2, tmp_path, {"T110.01": {"status": "已完成"}})
    n = _row_of(path, "T110.01")
    assert _zh(path, plan) == [
        f"第 {n} 行（节点 T110.01）「完成日期」列：未填写，状态为“已完成”的须填写完成日期，"
        "如 2023-03-31。"
    ]
    _edit(path, {(1, COL["note"]): "备注列改名"})
    assert _zh(path, plan) == [
        "「进度填报」表「进展说明」列：缺少此列（可能被删除或改名）；请勿修改模板的表头。"
    ]


def test_zh_file_level_problems_name_the_sheet_or_the_file(plan, template_q2, tmp_path):
    from openpyxl import Workbook

    path = _fill(template_q2, tmp_path, {"T110.01": DONE})
    wb = load_workbook(path)
    ws = wb[vp.README_SHEET]
    next(r for r in ws.iter_rows(max_col=2) if r[0].value == "填报季度")[1].value = "第一季度"
    wb.save(path)
    assert _zh(path, plan) == [
        "「说明」表「填报季度」：填写的“第一季度”不是季度，应为如 2023Q1 的季度，请勿修改。"
    ]
    (tmp_path / "财政局.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert _zh(tmp_path / "财政局.xls", plan) == [
        "文件“财政局.xls”：这是 .xls 格式的文件，无法读取；请用 Excel 或 WPS 另存为 .xlsx 后再报送。"
    ]
    wb = Workbook()
    wb.active.title = "进度"  # a renamed sheet
    wb.create_sheet(vp.README_SHEET)
    wb.save(tmp_path / "x.xlsx")
    assert _zh(tmp_path / "x.xlsx", plan) == [
        "文件“x.xlsx”：缺少「进度填报」表（现有工作表：进度、说明）；"
        "请勿删除或重命名模板中的工作表，请使用下发的模板重新填写。"
    ]


def test_zh_lines_of_a_validation_error(plan, template_q2, tmp_path):
    path = _fill(
        template_q2, tmp_path, {"T110.01": {"status": "完工"}, "T003.01": {"status": "大概"}}
    )
    with pytest.raises(ValidationError) as info:
        read_progress_file(path, plan=plan)
    lines = info.value.zh_lines()
    assert len(lines) == 2 and all("不是可选的状态" in line for line in lines)
    assert info.value.zh_lines(limit=1)[1] == "……另有 1 个问题"
    assert "found '完工', expected one of" in str(info.value)  # the English log is unchanged


def test_every_expected_message_has_its_chinese(plan):
    from taskanalytics.errors import RowProblem

    assert set(vp.EXPECTED) <= set(vp.EXPECTED_ZH)
    for key, clause in vp.EXPECTED_ZH.items():
        problem = RowProblem("a.xlsx", vp.DATA_SHEET, 3, "状态", None, "x", expected_zh=clause)
        text = re.sub(r"\{\w+\}|\.xlsx|Excel", "", problem.zh())
        assert not re.search(r"[A-Za-z]{4,}", text), key  # no English for the clerk


def test_zh_a_workbook_that_is_not_the_template(plan, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = vp.DATA_SHEET
    wb.active.append([COL["milestone_id"], COL["status"]])
    wb.create_sheet(vp.README_SHEET)
    wb.save(tmp_path / "x.xlsx")
    assert _zh(tmp_path / "x.xlsx", plan)[0] == (
        "「说明」表「模板标识」：此文件不是督查室下发的填报模板（模板标识缺失或被改动）；"
        "请使用下发的填报模板填写，勿另建表格。"
    )


# -- 已完成 that does not look done: accepted, with a warning in the clerk's words --------------


def test_done_with_an_actual_below_target_or_none_is_accepted_with_warnings(
    plan, template, tmp_path
):
    path = _fill(
        template, tmp_path,
        {"T110.01": {**DONE, "values": {1: 6873.2}}, "T003.01": DONE},
    )  # fmt: skip
    pf = read_progress_file(path, plan=plan)
    assert set(pf.reports["milestone_id"]) == {"T110.01", "T003.01"}  # nothing refused
    by_node = {w.milestone_id: w.zh() for w in pf.warnings}
    assert "低于“化解政府性债务”的目标值 17,501万元，但状态为“已完成”，请核实" in by_node["T110.01"]
    assert by_node["T110.01"].startswith("第 ") and "填写的 6873.2" in by_node["T110.01"]
    assert "未填写，状态为“已完成”，请填写“" in by_node["T003.01"]


def test_done_with_the_target_met_gives_no_warning(plan, template, tmp_path):
    path = _fill(template, tmp_path, {"T110.01": {**DONE, "values": {1: 17501}}})
    assert read_progress_file(path, plan=plan).warnings == ()
