"""write_tables: csv, xlsx and parquet files of a plan's tidy tables, written atomically."""

from __future__ import annotations

import sys

import openpyxl
import pandas as pd
import pytest

from taskanalytics import TaskAnalyticsError
from taskanalytics.plan.export import ExportError, write_tables


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


def test_csv_files_bom_joined_lists_iso_dates(plan, tmp_path):
    paths = write_tables(plan, tmp_path / "out")
    assert [p.name for p in paths] == ["tasks.csv", "milestones.csv", "targets.csv", "owners.csv"]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    tasks = pd.read_csv(paths[0], encoding="utf-8-sig", dtype=str).set_index("task_id")
    assert len(tasks) == len(plan.tasks)
    assert tasks.loc["T001", "responsible_units"] == "开发区管委会、工信局、商务局、住建局、农业农村局、其他相关部门"  # fmt: skip
    assert tasks.loc["T001", "deadline"] == "2023-12-31"
    ms = pd.read_csv(paths[1], encoding="utf-8-sig", dtype=str)
    assert len(ms) == len(plan.milestones)
    assert ms.set_index("milestone_id").loc["T001.01", "due_date"] == "2023-03-31"
    # the plan itself still holds lists
    assert plan.tasks["lead_units"].iloc[0] == ["发改局"]


def test_xlsx_one_workbook_sheet_per_table(plan, tmp_path):
    (path,) = write_tables(plan, tmp_path, fmt="xlsx")
    assert path.name == "plan.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["tasks", "milestones", "targets", "owners"]
    ws = wb["tasks"]
    header = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert row["task_id"] == "T001"
    assert row["lead_units"] == "发改局"
    assert row["deadline"].date().isoformat() == "2023-12-31"
    assert ws.max_row == len(plan.tasks) + 1
    assert wb["targets"].max_row == len(plan.targets) + 1


def test_parquet_keeps_lists_and_dates(plan, tmp_path):
    pytest.importorskip("pyarrow")
    paths = write_tables(plan, tmp_path, fmt="parquet")
    assert [p.suffix for p in paths] == [".parquet"] * 4
    tasks = pd.read_parquet(paths[0])
    assert list(tasks["lead_units"].iloc[0]) == ["发改局"]
    assert pd.api.types.is_datetime64_any_dtype(tasks["deadline"])


def test_parquet_without_pyarrow_says_how_to_install(plan, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    with pytest.raises(ExportError, match=r"taskanalytics\[parquet\]"):
        write_tables(plan, tmp_path, fmt="parquet")
    assert list(tmp_path.iterdir()) == []


def test_unknown_format(plan, tmp_path):
    with pytest.raises(TaskAnalyticsError, match="csv, parquet, xlsx"):
        write_tables(plan, tmp_path, fmt="json")


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(plan, tmp_path, monkeypatch):
    write_tables(plan, tmp_path)
    before = (tmp_path / "tasks.csv").read_bytes()

    def broken(self, path, **kwargs):
        open(path, "w").write("half")  # noqa: SIM115
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(ExportError, match="disk full"):
        write_tables(plan, tmp_path)
    assert (tmp_path / "tasks.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "milestones.csv", "owners.csv", "targets.csv", "tasks.csv",
    ]  # fmt: skip


def test_xlsx_reads_back_with_pandas(plan, tmp_path):
    """The workbook is tidy data: pandas reads every sheet back with one row per task."""
    (path,) = write_tables(plan, tmp_path, fmt="xlsx")
    tasks = pd.read_excel(path, sheet_name="tasks")
    assert tasks["task_id"].is_unique
    assert set(tasks["section"]) == {"work_report", "livelihood"}
