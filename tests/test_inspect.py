"""``parse --inspect``: what the reader made of a document, and corrections without code
(``--map`` and the workspace's ``mapping``)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from taskanalytics.cli import main
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.plan.inspect import inspect_plan
from taskanalytics.workspace import load_workspace

#: A header no synonym table knows: an office's own word for its task column.
ODD_HEADER = "攻坚事项"


def _ledger(path):
    """A small ledger whose task column has an unusual header."""
    wb = Workbook()
    ws = wb.active
    ws.append(["2023年攻坚事项清单"])
    ws.append(["序号", ODD_HEADER, "完成时限", "牵头单位"])
    ws.append([1, "完成老旧小区改造12个。", "2023年9月30日", "住建局"])
    ws.append([2, "新建口袋公园3座。", "2023年6月30日", "城管局"])
    wb.save(path)
    return path


def test_inspection_of_the_seed_lists_columns_counts_and_every_note(seed_plan):
    inspection = inspect_plan(DEFAULT_PLAN_PATH)
    lines = inspection.lines()
    assert lines[2] == "read: 132 tasks, 463 milestones, 208 targets, 8 notes"
    assert "  指标任务 -> task" in lines and "  主要时间节点或阶段性量化指标 -> milestones" in lines
    notes = [line for line in lines if line.startswith("  [")]
    assert len(notes) == len(seed_plan.notes) == 8
    assert any("未识别的时间表述“适时”" in n for n in notes)
    assert "    T110.01 2023-03-31 (date) 3月底前，化解政府性债务17501万元 => 化解政府性债务 17501万元" in lines  # fmt: skip
    brief = inspection.lines(milestones=False)
    assert not any(line.startswith("    T") for line in brief)
    assert sum(line.startswith("  T") or line.startswith("  L") for line in brief) == 132


def test_parse_inspect_with_a_map_reads_an_unknown_header(tmp_path):
    ledger = _ledger(tmp_path / "ledger.xlsx")
    runner = CliRunner()
    refused = runner.invoke(main, ["parse", str(ledger), "--inspect", "--year", "2023"])
    assert refused.exit_code == 1 and ODD_HEADER in refused.output
    result = runner.invoke(
        main, ["parse", str(ledger), "--inspect", "--year", "2023", "--map", f"{ODD_HEADER}=task"]
    )
    assert result.exit_code == 0, result.output
    assert f"  {ODD_HEADER} -> task" in result.output
    assert "read: 2 tasks" in result.output
    assert not (tmp_path / "processed").exists()  # --inspect writes nothing


def test_a_bad_map_option_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["parse", str(_ledger(tmp_path / "l.xlsx")), "--map", "x"])
    assert result.exit_code == 2 and "HEADER=COLUMN" in result.output


def test_the_workspace_mapping_applies_to_every_command(tmp_path):
    ledger = _ledger(tmp_path / "ledger.xlsx")
    toml = tmp_path / "taskanalytics.toml"
    toml.write_text(
        f'store = "progress.sqlite"\n[[plans]]\nname = "2023-攻坚"\npath = "{ledger.name}"\n'
        f'year = 2023\nmapping = {{ "{ODD_HEADER}" = "task", "序号" = "number" }}\n',
        encoding="utf-8",
    )
    entry = load_workspace(toml).plan("2023-攻坚")
    assert entry.read_options == {"mapping": {ODD_HEADER: "task", "序号": "number"}, "year": 2023}
    runner = CliRunner()
    inspected = runner.invoke(main, ["--workspace", str(toml), "parse", "--inspect"])
    assert inspected.exit_code == 0, inspected.output
    assert "read: 2 tasks" in inspected.output
    audited = runner.invoke(main, ["--workspace", str(toml), "audit"])
    assert audited.exit_code == 0, audited.output


@pytest.mark.parametrize(
    ("value", "said"), [("1", "expected a column name"), ('""', "expected a column name")]
)
def test_a_mapping_value_must_be_a_column_name(tmp_path, value, said):
    from taskanalytics.errors import WorkspaceError

    ledger = _ledger(tmp_path / "ledger.xlsx")
    toml = tmp_path / "taskanalytics.toml"
    toml.write_text(
        f'[[plans]]\nname = "p"\npath = "{ledger.name}"\nmapping = {{ "攻坚事项" = {value} }}\n',
        encoding="utf-8",
    )
    with pytest.raises(WorkspaceError, match=said):
        load_workspace(toml)


def test_inspect_piped_into_head_ends_quietly():
    cmd = f"{sys.executable} -m taskanalytics parse --inspect | head -n 1"
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.stdout.startswith("source: ")
    assert "内部错误" not in done.stderr and "Traceback" not in done.stderr
    assert done.returncode in (0, 141)


# -- the mapping reaches the notebooks -------------------------------------------------------


def _mapped_workspace(tmp_path):
    ledger = _ledger(tmp_path / "ledger.xlsx")
    toml = tmp_path / "taskanalytics.toml"
    toml.write_text(
        f'store = "progress.sqlite"\noutput = "reports"\n[[plans]]\nname = "2023-攻坚"\n'
        f'path = "{ledger.name}"\nyear = 2023\nmapping = {{ "{ODD_HEADER}" = "task" }}\n',
        encoding="utf-8",
    )
    return ledger, toml


def test_briefings_of_a_mapped_plan_carry_its_options(tmp_path):
    from taskanalytics import read_plan
    from taskanalytics.briefing import load_context
    from taskanalytics.quarterly import quarterly_briefings

    ledger, toml = _mapped_workspace(tmp_path)
    options = load_workspace(toml).plan("2023-攻坚").read_options
    plan = read_plan(ledger, **options)
    jobs = quarterly_briefings(plan, "2023Q2", plan_path=ledger, store=tmp_path / "s.sqlite",
                               plan_options=options)  # fmt: skip
    assert {job.notebook for job in jobs} >= {"unit_briefing", "source_audit"}
    wanted = {"mapping": {ODD_HEADER: "task"}, "year": 2023}
    assert all(job.parameters["plan_options"] == wanted for job in jobs)
    ctx = load_context("2023Q2", plan_path=ledger, store=tmp_path / "s.sqlite",
                       plan_options=options)  # fmt: skip
    assert len(ctx.plan.tasks) == 2
    plain = quarterly_briefings(read_plan(DEFAULT_PLAN_PATH), "2023Q2")
    assert all("plan_options" not in job.parameters for job in plain)  # as before


@pytest.mark.slow
def test_a_notebook_run_reads_a_mapped_plan(tmp_path):
    _, toml = _mapped_workspace(tmp_path)
    result = CliRunner().invoke(
        main, ["--workspace", str(toml), "run", "--notebook", "source_audit"]
    )
    assert result.exit_code == 0, result.output
    page = next((tmp_path / "reports").rglob("source_audit*.html"))
    text = page.read_text(encoding="utf-8")
    assert "2023年攻坚事项清单" in text and "共解析 2 项任务" in text


def test_the_store_reads_a_mapped_plans_archived_source_with_its_mapping(tmp_path):
    from pandas.testing import assert_frame_equal

    from taskanalytics import read_plan
    from taskanalytics.progress.registry import read_version
    from taskanalytics.progress.store import register_plan, store_versions

    ledger = _ledger(tmp_path / "ledger.xlsx")
    options = {"mapping": {ODD_HEADER: "task"}, "year": 2023}
    plan = read_plan(ledger, name="2023-攻坚", **options)
    assert plan.meta["read_options"] == options
    store = tmp_path / "progress.sqlite"
    register_plan(store, plan)
    (version,) = store_versions(store, plan)
    again = read_version(version)  # the archived copy, read as it was read at registration
    assert_frame_equal(again.tasks, plan.tasks)
    assert_frame_equal(again.milestones, plan.milestones)
