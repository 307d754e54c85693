"""The command line: thin wrappers, clear errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from taskanalytics.cli import main


def test_parse_writes_tidy_csv(tmp_path):
    result = CliRunner().invoke(main, ["parse", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "milestones.csv: 463 rows" in result.output
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
        [sys.executable, "-m", "taskanalytics", "--help"], capture_output=True, text=True, check=True
    )
    assert "audit" in out.stdout and "run" in out.stdout
