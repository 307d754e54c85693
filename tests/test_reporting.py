"""Excel progress templates: layout, protection, validation lists, names, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pandas as pd
import pytest
from openpyxl import load_workbook

from taskanalytics.errors import TaskAnalyticsError
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.templates import (
    lead_units,
    safe_template_path,
    template_filename,
    template_rows,
    write_template,
    write_templates,
)


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture
def finance(plan, tmp_path):
    """财政局's Q1 template, opened."""
    path = write_template(plan, "财政局", "2023Q4", tmp_path)
    return path, load_workbook(path)


def _header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def _row_of(ws, milestone_id: str) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == milestone_id)


def test_rows_are_the_milestones_of_tasks_the_unit_leads(plan):
    rows = template_rows(plan, "财政局")
    led = plan.tasks.loc[plan.tasks["lead_units"].map(lambda u: "财政局" in u), "task_id"]
    expected = set(plan.milestones.loc[plan.milestones["task_id"].isin(led), "milestone_id"])
    assert set(rows["milestone_id"]) == expected
    assert "T110.01" in expected and "T001.01" not in expected


def test_template_rows_does_not_mutate_plan(plan):
    before = plan.milestones.copy(), plan.tasks.copy(), plan.targets.copy()
    template_rows(plan, "财政局")
    for frame, copy in zip((plan.milestones, plan.tasks, plan.targets), before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)


def test_headers_one_actual_column_beside_its_metric_target_and_unit(finance):
    _, wb = finance
    ws = wb[vp.DATA_SHEET]
    header = _header(ws)
    assert header == [vp.ALL_HEADERS[n] for n in vp.TEMPLATE_COLUMNS]
    assert header.count("实际值") == 1
    assert not any(vp.ACTUAL_HEADER_RE.match(h) for h in header)  # never 实际值1（%）
    metric = header.index("量化指标")
    assert header[metric : metric + 4] == ["量化指标", "目标值", "单位", "实际值"]
    hidden = chr(ord("A") + header.index("指标序号"))
    assert ws.column_dimensions[hidden].hidden is True


def test_frozen_header_and_widths(finance):
    _, wb = finance
    ws = wb[vp.DATA_SHEET]
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["D"].width >= 40  # the milestone text column
    assert all(ws.column_dimensions[c].width >= 9 for c in "ABCDEFGHI")


def test_sheets_protected_and_only_input_cells_open(finance):
    _, wb = finance
    ws = wb[vp.DATA_SHEET]
    assert ws.protection.sheet is True
    assert wb[vp.README_SHEET].protection.sheet is True
    header = _header(ws)
    row = _row_of(ws, "T110.01")
    locked = {h: ws.cell(row, j).protection.locked for j, h in enumerate(header, start=1)}
    for name in ("milestone_id", "task_id", "task_title", "milestone_text", "due_date"):
        assert locked[vp.COLUMN_HEADERS[name]] is True
    for name in ("status", "completed_date", "note"):
        assert locked[vp.COLUMN_HEADERS[name]] is False
    assert locked["实际值"] is False  # T110.01 has one target in 万元
    no_target = _row_of(ws, "T025.01")
    assert ws.cell(no_target, header.index("实际值") + 1).protection.locked is True
    assert ws.cell(1, 1).protection.locked is True


def test_status_list_and_date_validation(finance):
    _, wb = finance
    ws = wb[vp.DATA_SHEET]
    header = _header(ws)
    status_col = chr(ord("A") + header.index(vp.COLUMN_HEADERS["status"]))
    date_col = chr(ord("A") + header.index(vp.COLUMN_HEADERS["completed_date"]))
    dvs = ws.data_validations.dataValidation
    lists = [dv for dv in dvs if dv.type == "list"]
    assert len(lists) == 1
    for label in vp.STATUS_LABELS.values():
        assert label in lists[0].formula1
    assert str(lists[0].sqref) == f"{status_col}2:{status_col}{ws.max_row}"
    dates = [dv for dv in dvs if dv.type == "date"]
    assert str(dates[0].sqref) == f"{date_col}2:{date_col}{ws.max_row}"
    row = _row_of(ws, "T003.01")
    assert ws[f"{date_col}{row}"].number_format == "yyyy-mm-dd"
    due = ws.cell(row, header.index(vp.COLUMN_HEADERS["due_date"]) + 1)
    assert due.value == dt.datetime(2023, 3, 31) and due.number_format == "yyyy-mm-dd"


def test_metric_target_and_unit_written_beside_the_actual(finance):
    _, wb = finance
    ws = wb[vp.DATA_SHEET]
    header = _header(ws)
    row = _row_of(ws, "T110.01")
    cells = {h: ws.cell(row, j).value for j, h in enumerate(header, start=1)}
    assert (cells["量化指标"], cells["目标值"], cells["单位"]) == (
        "化解政府性债务",
        "17,501",
        "万元",
    )
    assert cells["指标序号"] == 1


def test_readme_sheet_carries_unit_quarter_and_as_of(finance):
    _, wb = finance
    ws = wb[vp.README_SHEET]
    meta = {r[0]: r[1] for r in ws.iter_rows(max_col=2, values_only=True) if r[0]}
    assert meta[vp.META_LABELS["unit"]] == "财政局"
    assert meta[vp.META_LABELS["quarter"]] == "2023Q4"
    assert meta[vp.META_LABELS["as_of_date"]] == dt.datetime(2023, 12, 31)
    assert meta[vp.META_LABELS["template"]] == vp.TEMPLATE_MARKER
    assert meta[vp.META_LABELS["is_synthetic"]] == vp.NO
    text = "".join(str(v) for v in ws["A"] if v is not None for v in [v.value])
    assert "状态" in text and "约一千" in text
    assert wb.sheetnames == [vp.README_SHEET, vp.DATA_SHEET]  # the cover first


def test_write_templates_one_file_per_lead_unit(plan, tmp_path):
    paths = write_templates(plan, "2023Q4", tmp_path)
    units = lead_units(plan)
    assert [p.name for p in paths] == [f"{u}_2023Q4.xlsx" for u in units]
    assert all(p.parent == tmp_path.resolve() for p in paths)


def test_templates_hold_what_is_due_by_the_quarter_end_or_recurring(plan, tmp_path):
    rows = template_rows(plan, "财政局", "2023Q1")
    assert "T110.01" in set(rows["milestone_id"]) and "T110.02" not in set(rows["milestone_id"])
    assert "T111.01" in set(rows["milestone_id"])  # recurring (每月)
    ms = plan.milestones.set_index("milestone_id").loc[rows["milestone_id"]]
    assert (ms["due_date"].le(pd.Timestamp("2023-03-31")) | ms["due_kind"].eq("recurring")).all()
    paths = write_templates(plan, "2023Q1", tmp_path)
    led_with_due = [u for u in lead_units(plan) if not template_rows(plan, u, "2023Q1").empty]
    assert [p.name for p in paths] == [f"{u}_2023Q1.xlsx" for u in led_with_due]
    assert len(led_with_due) < len(lead_units(plan))  # some units have nothing due in Q1
    ws = load_workbook(tmp_path / "财政局_2023Q1.xlsx")[vp.DATA_SHEET]
    assert ws.max_row - 1 == len(rows)


def test_asking_for_a_unit_with_nothing_due_is_an_error(plan, tmp_path):
    idle = next(u for u in lead_units(plan) if template_rows(plan, u, "2023Q1").empty)
    with pytest.raises(TaskAnalyticsError, match="nothing due"):
        write_template(plan, idle, "2023Q1", tmp_path)


def test_same_input_gives_same_bytes(plan, tmp_path):
    a = write_template(plan, "财政局", "2023Q1", tmp_path / "a")
    b = write_template(plan, "财政局", "2023Q1", tmp_path / "b")
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()


def test_existing_file_not_overwritten_by_default(plan, tmp_path):
    path = write_template(plan, "财政局", "2023Q1", tmp_path)
    path.write_bytes(b"filled in by the unit")
    with pytest.raises(TaskAnalyticsError, match="exist"):
        write_templates(plan, "2023Q1", tmp_path)
    assert path.read_bytes() == b"filled in by the unit"
    assert len(list(tmp_path.iterdir())) == 1  # checked before writing anything
    write_template(plan, "财政局", "2023Q1", tmp_path, overwrite=True)
    assert path.read_bytes()[:2] == b"PK"


def test_unknown_unit_and_bad_quarter_rejected(plan, tmp_path):
    with pytest.raises(TaskAnalyticsError, match="不存在的局"):
        write_template(plan, "不存在的局", "2023Q1", tmp_path)
    with pytest.raises(TaskAnalyticsError, match="quarter"):
        write_template(plan, "财政局", "2023Q9", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("发改局", "发改局_2023Q1.xlsx"),
        ("区委办/政府办", "区委办_政府办_2023Q1.xlsx"),
        ("../../etc/passwd", "etc_passwd_2023Q1.xlsx"),
        ("..", "unit_2023Q1.xlsx"),
        ('a\\b:c*?"<>|', "a_b_c_2023Q1.xlsx"),
    ],
)
def test_template_filename_is_safe(unit, name):
    assert template_filename(unit, "2023Q1") == name


@pytest.mark.parametrize("name", ["../x.xlsx", "a/b.xlsx", "..", "", "/etc/x.xlsx"])
def test_safe_template_path_refuses_escapes(tmp_path, name):
    with pytest.raises(TaskAnalyticsError):
        safe_template_path(tmp_path, name)


def test_hostile_unit_name_written_inside_dir(plan, tmp_path):
    tasks = plan.tasks.copy()
    tasks["lead_units"] = tasks["lead_units"].map(
        lambda units: ["../../逃逸/单位" if u == "财政局" else u for u in units]
    )
    hostile = dataclasses.replace(plan, tasks=tasks)
    out = tmp_path / "out"
    path = write_template(hostile, "../../逃逸/单位", "2023Q1", out)
    assert path.parent == out.resolve()
    assert path.name == "逃逸_单位_2023Q1.xlsx"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [path.name]
