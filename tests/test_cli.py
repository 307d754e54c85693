"""The command line: thin wrappers, clear errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from taskanalytics.cli import main


def test_parse_writes_tidy_csv(tmp_path):
    result = CliRunner().invoke(main, ["parse", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "milestones.csv" in result.output
    assert len((tmp_path / "milestones.csv").read_text(encoding="utf-8-sig").splitlines()) == 464
    tasks = (tmp_path / "tasks.csv").read_text(encoding="utf-8-sig")
    assert "T110" in tasks and "发改局" in tasks
    assert not list(tmp_path.glob(".*"))  # no temp files left behind


def test_audit_prints_findings():
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 0
    assert "lead_also_responsible" in result.output and "finding(s)" in result.output


def test_bad_plan_is_a_clear_error_with_exit_code_1(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["audit", "--plan", str(bad)])
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "Traceback" not in result.output


def test_python_dash_m_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "taskanalytics", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "audit" in out.stdout and "run" in out.stdout


def test_template_then_ingest_round_trip_and_idempotence(tmp_path):
    from openpyxl import load_workbook

    from taskanalytics.progress import vocab as vp

    runner = CliRunner()
    out = tmp_path / "tpl"
    result = runner.invoke(
        main, ["template", "-q", "2023Q1", "--unit", "财政局", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    path = out / "财政局_2023Q1.xlsx"
    wb = load_workbook(path)
    ws = wb[vp.DATA_SHEET]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index(vp.COLUMN_HEADERS["status"]) + 1, "推进中")
    wb.save(path)
    store = tmp_path / "s" / "p.sqlite"
    first = runner.invoke(main, ["ingest", str(path), "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "ingested: 财政局_2023Q1.xlsx" in first.output
    again = runner.invoke(main, ["ingest", str(path), "--store", str(store)])
    assert again.exit_code == 0 and "skipped" in again.output


def test_ingest_bad_file_exit_1_lists_row_and_column(tmp_path):
    bad = tmp_path / "财政局_2023Q1.csv"
    bad.write_text("节点编号,状态\nT110.01,差不多\nT999.01,推进中\n", encoding="utf-8")
    store = tmp_path / "p.sqlite"
    result = CliRunner().invoke(main, ["ingest", str(bad), "--store", str(store)])
    assert result.exit_code == 1
    assert "差不多" in result.output and "T999.01" in result.output and "row 2" in result.output
    assert not store.exists()  # validated before the store is created: nothing written


def test_store_env_var_is_the_default(tmp_path, monkeypatch):
    from taskanalytics import config

    monkeypatch.setenv(config.STORE_ENV_VAR, str(tmp_path / "env.sqlite"))
    assert config.default_store_path() == tmp_path / "env.sqlite"


def test_parse_source_argument_and_xlsx_format(tmp_path):
    from openpyxl import load_workbook

    from taskanalytics.config import DEFAULT_PLAN_PATH

    result = CliRunner().invoke(
        main, ["parse", str(DEFAULT_PLAN_PATH), "--out", str(tmp_path), "--format", "xlsx"]
    )
    assert result.exit_code == 0, result.output
    (book,) = tmp_path.glob("*.xlsx")
    assert {"tasks", "milestones"} <= set(load_workbook(book, read_only=True).sheetnames)


def test_run_rejects_a_bad_quarter_or_as_of_before_running_anything(tmp_path):
    runner = CliRunner()
    bad_quarter = runner.invoke(main, ["run", "--quarter", "2023Q5", "--out", str(tmp_path)])
    assert bad_quarter.exit_code == 1 and "2023Q5" in bad_quarter.output
    bad_date = runner.invoke(
        main, ["run", "--quarter", "2023Q2", "--as-of", "2023-09-30", "--out", str(tmp_path)]
    )
    assert bad_date.exit_code == 1 and "outside 2023Q2" in bad_date.output
    assert "Traceback" not in bad_date.output
    unreadable = runner.invoke(main, ["run", "--quarter", "2023Q2", "--as-of", "foo"])
    assert unreadable.exit_code == 1 and "foo" in unreadable.output
    assert list(tmp_path.iterdir()) == []  # no kernel started, nothing written
