"""The template as a clerk works it: row order and tints, rows carried forward as done, the
说明 cover block, print and display settings (written, then opened with openpyxl)."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.intake import read_progress_file
from taskanalytics.progress.store import ingest_files, load_progress, load_progress_history
from taskanalytics.progress.templates import template_rows, write_template

DUE_TINT = "00FFF2CC"
DONE_TINT = "00E2EFDA"


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}


def _cell(ws, milestone_id, header):
    return ws.cell(_rows(ws)[milestone_id], _header(ws).index(header) + 1)


def test_rows_ordered_due_then_open_then_recurring_without_progress(plan, tmp_path):
    rows = template_rows(plan, "财政局", "2023Q2")
    assert list(rows["group"]) == ["due"] * 3 + ["open"] * 4 + ["recurring"] * 3
    assert list(rows["milestone_id"][:3]) == ["T003.02", "T110.02", "T111.03"]
    assert list(rows["milestone_id"][3:7]) == ["T003.01", "T025.01", "T110.01", "T111.02"]

    ws = load_workbook(write_template(plan, "财政局", "2023Q2", tmp_path))[vp.DATA_SHEET]
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert ids == list(rows["milestone_id"])
    hint = vp.ROW_HINT_HEADER
    assert _cell(ws, "T110.02", hint).value == "本季度到期"
    assert _cell(ws, "T110.01", hint).value == "往期未完成"
    assert _cell(ws, "T111.01", hint).value == "常态化工作"
    for name in ("milestone_id", "task_title", "milestone_text", "due_date", "metric"):
        header = vp.ALL_HEADERS[name]
        assert _cell(ws, "T110.02", header).fill.fgColor.rgb == DUE_TINT  # due: tinted
        assert _cell(ws, "T110.01", header).fill.fgColor.rgb != DUE_TINT  # open: plain grey
    assert _cell(ws, "T110.01", vp.COLUMN_HEADERS["status"]).protection.locked is False
    assert _cell(ws, "T110.01", "实际值").protection.locked is False


def test_second_quarter_carries_forward_the_first_quarters_done_rows(plan, tmp_path):
    store = tmp_path / "progress.sqlite"
    q1 = write_template(plan, "财政局", "2023Q1", tmp_path / "q1")
    reports = {
        "T110.01": {
            "status": "已完成",
            "completed_date": dt.date(2023, 3, 20),
            "values": {1: 17501},
            "note": "已按计划化解",
        },
        "T003.01": {"status": "推进中", "note": "正在推进"},
    }
    filled = fill_template(q1, tmp_path / "filled_q1.xlsx", reports, synthetic=False)
    ingest_files([filled], plan=plan, store=store)

    history = load_progress_history(store, plan=plan)
    rows = template_rows(plan, "财政局", "2023Q2", progress=history)
    assert rows["milestone_id"].iloc[-1] == "T110.01"
    assert rows.set_index("milestone_id").loc["T003.01", "group"] == "open"

    q2 = write_template(plan, "财政局", "2023Q2", tmp_path / "q2", progress=history)
    ws = load_workbook(q2)[vp.DATA_SHEET]
    assert max(_rows(ws).items(), key=lambda kv: kv[1])[0] == "T110.01"  # done rows come last
    status = _cell(ws, "T110.01", vp.COLUMN_HEADERS["status"])
    completed = _cell(ws, "T110.01", vp.COLUMN_HEADERS["completed_date"])
    actual = _cell(ws, "T110.01", "实际值")
    note = _cell(ws, "T110.01", vp.COLUMN_HEADERS["note"])
    assert status.value == "已完成"
    assert completed.value == dt.datetime(2023, 3, 20)
    assert actual.value == 17501
    assert note.value == "已按计划化解"
    assert _cell(ws, "T110.01", vp.ROW_HINT_HEADER).value == "已报完成（2023Q1）"
    for cell in (status, completed, actual, note):
        assert cell.protection.locked is True
        assert cell.fill.fgColor.rgb == DONE_TINT
    assert _cell(ws, "T003.01", vp.COLUMN_HEADERS["status"]).protection.locked is False

    pf = read_progress_file(q2, plan=plan)  # the file as is: the done row is a report
    report = pf.reports.set_index("milestone_id").loc["T110.01"]
    assert report["status"] == "done"
    assert report["completed_date"] == dt.datetime(2023, 3, 20)
    ingest_files([q2], plan=plan, store=store)
    latest = load_progress(store, "2023-06-30", plan=plan).set_index("milestone_id")
    assert latest.loc["T110.01", "quarter"] == "2023Q2"
    assert latest.loc["T110.01", "status"] == "done"
    assert latest.loc["T110.01", "actual_1"] == 17501


def test_only_the_units_own_reports_mark_rows_done(plan, tmp_path):
    store = tmp_path / "progress.sqlite"
    done = {
        "T110.01": {"status": "已完成", "completed_date": dt.date(2023, 3, 20), "values": {1: 1}}
    }
    q1 = write_template(plan, "财政局", "2023Q1", tmp_path / "q1")
    ingest_files([fill_template(q1, tmp_path / "a.xlsx", done, synthetic=False)], plan=plan,
                 store=store)  # fmt: skip
    history = load_progress_history(store, plan=plan)
    other_unit = history.assign(unit="发改局")
    assert set(template_rows(plan, "财政局", "2023Q2", progress=other_unit)["group"]) == {
        "due", "open", "recurring"
    }  # fmt: skip


def _readme_rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def test_readme_is_the_first_sheet_with_a_cover_block_and_signer_cells(plan, tmp_path):
    path = write_template(
        plan, "财政局", "2023Q2", tmp_path, deadline="7月5日前", recipient="区政府督查室"
    )
    wb = load_workbook(path)
    assert wb.sheetnames == [vp.README_SHEET, vp.DATA_SHEET]
    assert wb.active.title == vp.README_SHEET
    ws = wb[vp.README_SHEET]
    at = _readme_rows(ws)
    cover = ["填报单位", "填报季度", "截至日期", "报送时限", "报送对象"]
    assert [at[label] for label in cover] == sorted(at[label] for label in cover)
    assert ws.cell(at["报送时限"], 2).value == "7月5日前"
    assert ws.cell(at["报送对象"], 2).value == "区政府督查室"
    assert ws.cell(at["填报季度"], 2).value == "2023Q2"
    for label in ("填报人", "联系电话", "审核人"):
        assert ws.cell(at[label], 2).protection.locked is False
        assert not ws.row_dimensions[at[label]].hidden
    assert ws.cell(at["填报单位"], 2).protection.locked is True
    # the internal marker and version stay (intake checks them) but are not shown
    for label in ("模板标识", "计划版本"):
        assert ws.row_dimensions[at[label]].hidden is True
    shown = [
        str(ws.cell(r, c).value)
        for r in range(1, ws.max_row + 1)
        if not ws.row_dimensions[r].hidden
        for c in range(1, 7)
        if ws.cell(r, c).value is not None
    ]
    assert not any(vp.TEMPLATE_MARKER in text or "taskanalytics" in text for text in shown)


def test_intake_ignores_the_signer_cells(plan, tmp_path):
    path = write_template(plan, "财政局", "2023Q2", tmp_path)
    wb = load_workbook(path)
    ws = wb[vp.README_SHEET]
    at = _readme_rows(ws)
    for label, value in {"填报人": "张三", "联系电话": "0571-12345678", "审核人": "李四"}.items():
        ws.cell(at[label], 2, value)
    wb.save(path)
    filled = fill_template(path, tmp_path / "filled.xlsx", {"T110.02": {"status": "推进中"}},
                           synthetic=False)  # fmt: skip
    pf = read_progress_file(filled, plan=plan)
    assert (pf.unit, pf.quarter) == ("财政局", "2023Q2")
    assert list(pf.reports["milestone_id"]) == ["T110.02"]


def test_print_setup_a4_landscape_fit_to_width_header_repeated(plan, tmp_path):
    wb = load_workbook(write_template(plan, "财政局", "2023Q2", tmp_path))
    ws = wb[vp.DATA_SHEET]
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "B2"
    readme = wb[vp.README_SHEET]
    assert int(readme.page_setup.paperSize) == 9
    assert readme.sheet_properties.pageSetUpPr.fitToPage is True


def test_row_heights_show_wrapped_text(plan, tmp_path):
    ws = load_workbook(write_template(plan, "财政局", "2023Q4", tmp_path))[vp.DATA_SHEET]
    header = _header(ws)
    text_col = header.index(vp.COLUMN_HEADERS["milestone_text"]) + 1
    width = ws.column_dimensions[chr(ord("A") + text_col - 1)].width
    for r in range(2, ws.max_row + 1):
        text = ws.cell(r, text_col).value
        if text is None:  # a further target's row: the milestone's text is on its first row
            continue
        # a CJK character is two width units: the text needs this many lines at least
        lines = -(-2 * len(text) // int(width))
        assert ws.row_dimensions[r].height >= 14 * lines, (r, text)
    heights = {ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)}
    assert len(heights) > 1  # estimated per row, not one height for all
    assert ws.row_dimensions[1].height >= 32


def test_cli_template_carries_forward_what_the_store_holds(tmp_path):
    from click.testing import CliRunner

    from taskanalytics.cli import main

    runner = CliRunner()
    store = tmp_path / "s" / "p.sqlite"

    def run(*args):
        result = runner.invoke(main, [*args, "--store", str(store)])
        assert result.exit_code == 0, result.output

    run("template", "-q", "2023Q1", "--unit", "财政局", "--out", str(tmp_path / "q1"))
    done = {"T110.01": {"status": "已完成", "completed_date": dt.date(2023, 3, 20),
                        "values": {1: 17501}}}  # fmt: skip
    filled = fill_template(tmp_path / "q1" / "财政局_2023Q1.xlsx", tmp_path / "财政局_2023Q1.xlsx",
                           done, synthetic=False)  # fmt: skip
    run("ingest", str(filled))
    run("template", "-q", "2023Q2", "--unit", "财政局", "--out", str(tmp_path / "q2"))
    ws = load_workbook(tmp_path / "q2" / "财政局_2023Q2.xlsx")[vp.DATA_SHEET]
    status = _cell(ws, "T110.01", vp.COLUMN_HEADERS["status"])
    assert status.value == "已完成" and status.protection.locked is True
    assert _cell(ws, "T110.01", vp.ROW_HINT_HEADER).value == "已报完成（2023Q1）"


def test_date_validation_ends_at_the_as_of_date_as_intake_does(plan, tmp_path):
    ws = load_workbook(write_template(plan, "财政局", "2023Q2", tmp_path))[vp.DATA_SHEET]
    (dates,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert (dates.formula1, dates.formula2) == ("DATE(2023,1,1)", "DATE(2023,6,30)")


def test_readme_row_heights_show_the_instructions(plan, tmp_path):
    ws = load_workbook(write_template(plan, "财政局", "2023Q2", tmp_path))[vp.README_SHEET]
    at = _readme_rows(ws)
    for line in vp.README_LINES:
        # merged over A:F, 118 units; a CJK character is two units at least
        lines = -(-2 * len(line) // 118)
        assert ws.row_dimensions[at[line]].height >= 14 * lines, line
    source = ws.cell(at["任务来源"], 2).value
    assert ws.row_dimensions[at["任务来源"]].height >= 14 * -(-2 * len(source) // 40)
