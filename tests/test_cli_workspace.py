"""The command line with a workspace (taskanalytics.toml): several plans, one store."""

from __future__ import annotations

import hashlib
import re
import sqlite3

import plans
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from taskanalytics.cli import main
from taskanalytics.progress import vocab as vp

TOML = """\
store = "data/progress.sqlite"
output = "out"

[templates]
deadline = "每季度最后一个月25日前"
recipient = "区政府督查室（duchashi@example.gov.cn）"

[[plans]]
name = "工作报告"
path = "raw/工作报告.txt"

[[plans]]
name = "民生实事"
path = "raw/民生实事.txt"
"""


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    """Two plans of 2023 (the seed's two sections as separate documents) in one workspace."""
    raw = tmp_path / "raw"
    raw.mkdir()
    plans.write_plan(raw, plans.work_report_text(), "工作报告.txt")
    plans.write_plan(raw, plans.livelihood_text(), "民生实事.txt")
    (tmp_path / "taskanalytics.toml").write_text(TOML, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TASKANALYTICS_WORKSPACE", raising=False)
    monkeypatch.delenv("TASKANALYTICS_STORE", raising=False)
    return tmp_path


def _ok(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _fill(path, status="推进中"):
    """Fill every row of a template with a status, as a clerk would."""
    wb = load_workbook(path)
    ws = wb[vp.DATA_SHEET]
    column = [c.value for c in ws[1]].index(vp.COLUMN_HEADERS["status"]) + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, column, status)
    wb.save(path)
    return path


def test_templates_go_per_plan_with_the_workspaces_deadline_and_recipient(workspace):
    out = _ok("template", "-q", "2023Q1")
    assert "of 工作报告" in out and "of 民生实事" in out
    folder = workspace / "data" / "templates"
    livelihood = sorted((folder / "民生实事" / "2023Q1").glob("*.xlsx"))
    assert [p.name for p in livelihood][:1] and (folder / "工作报告" / "2023Q1").is_dir()
    readme = load_workbook(livelihood[0])[vp.README_SHEET]
    meta = {r[0]: r[1] for r in readme.iter_rows(max_col=2, values_only=True) if r[0]}
    assert meta["报送时限"] == "每季度最后一个月25日前"
    assert meta["报送对象"] == "区政府督查室（duchashi@example.gov.cn）"
    assert meta[vp.META_LABELS["plan_name"]] == "民生实事"
    assert readme["A1"].value == "2023年十件民生实事任务进度填报说明"


def test_ingest_needs_a_plan_and_refuses_the_other_plans_file(workspace):
    _ok("template", "-q", "2023Q1", "--plan", "民生实事", "--unit", "教育局")
    path = _fill(workspace / "data/templates/民生实事/2023Q1/教育局_2023Q1.xlsx")
    which = CliRunner().invoke(main, ["ingest", str(path)])
    assert which.exit_code == 1 and "--plan NAME" in which.output and "民生实事" in which.output
    _ok("ingest", str(path), "--plan", "民生实事")
    store = workspace / "data" / "progress.sqlite"
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    _ok("template", "-q", "2023Q1", "--plan", "工作报告", "--unit", "教育局")
    wrong = CliRunner().invoke(main, ["ingest", str(path), "--plan", "工作报告"])
    assert wrong.exit_code == 1
    assert "计划名称" in wrong.output and "不能报送到“工作报告”" in wrong.output
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    listed = _ok("plans")
    (line,) = [x for x in listed.splitlines() if x.startswith("民生实事")]
    assert re.search(r"2023\s+1\s+1\s+\d+\s+1\s+2023Q1\.\.2023Q1\s+双区政办发〔2023〕2号", line)
    assert "工作报告" in listed and "not in the store yet" in listed


def test_an_unknown_plan_name_lists_the_known_ones(workspace):
    result = CliRunner().invoke(main, ["audit", "--plan", "民生"])
    assert result.exit_code == 1
    assert "no plan named '民生'" in result.output and "工作报告, 民生实事" in result.output


def test_plans_diff_names_what_the_revision_changed(tmp_path):
    old = plans.write_plan(tmp_path, plans.seed_text(), "old.txt")
    new = plans.write_plan(tmp_path, plans.revised_text(), "new.txt")
    out = _ok("plans", "diff", str(old), str(new), "--csv", str(tmp_path / "diff.csv"))
    assert plans.REVISED_ADDED in out and plans.REVISED_DROPPED in out
    assert "新增 1 个节点" in out and "删除 1 个节点" in out
    header = (tmp_path / "diff.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "变化" in header and "change" not in header


def test_ingest_records_the_file_under_its_plan(workspace):
    """An ingest into the workspace's store registers the plan under the workspace's name."""
    _ok("template", "-q", "2023Q1", "--plan", "民生实事", "--unit", "教育局")
    path = workspace / "data/templates/民生实事/2023Q1/教育局_2023Q1.xlsx"
    _ok("ingest", str(_fill(path)), "--plan", "民生实事")
    with sqlite3.connect(workspace / "data" / "progress.sqlite") as conn:
        rows = conn.execute(
            "SELECT p.name FROM source_files f JOIN plan_versions v "
            "ON f.plan_version_id = v.version_id JOIN plans p USING (plan_id)"
        ).fetchall()
    assert rows == [("民生实事",)]


def test_a_plan_named_by_the_workspace_is_briefed_under_that_name(workspace):
    """The notebooks read the plan file without its workspace name; the store supplies it."""
    from taskanalytics.briefing import load_context

    _ok("template", "-q", "2023Q1", "--plan", "民生实事", "--unit", "教育局")
    path = workspace / "data/templates/民生实事/2023Q1/教育局_2023Q1.xlsx"
    _ok("ingest", str(_fill(path)), "--plan", "民生实事")
    ctx = load_context(
        "2023Q1", plan_path=workspace / "raw" / "民生实事.txt",
        store=workspace / "data" / "progress.sqlite",
    )  # fmt: skip
    assert ctx.plan_name == "民生实事"
    assert set(ctx.progress["plan"]) == {"民生实事"} and len(ctx.progress) > 0
    assert set(ctx.progress["milestone_id"].str[0]) == {"L"}
