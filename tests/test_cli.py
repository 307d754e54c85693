"""The command line: thin wrappers, clear errors, exit codes."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest
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


# --------------------------------------------------------------------------- the run's guards


def _captured_run(monkeypatch) -> list[dict]:
    """Replace the library's run_quarter with one that records its arguments."""
    from taskanalytics import quarterly

    calls: list[dict] = []

    def fake(quarter, **kwargs):
        calls.append({"quarter": quarter, **kwargs})
        raise quarterly.RunRefusedError(
            store=kwargs["store"], plan="p", quarter=str(quarter), found="captured", override="."
        )

    monkeypatch.setattr(quarterly, "run_quarter", fake)
    return calls


def test_run_on_a_missing_store_is_refused_with_exit_1(tmp_path, monkeypatch):
    monkeypatch.delenv("TASKANALYTICS_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["run", "-q", "2023Q2", "--store", "typo.sqlite", "--out", "out"]
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    for said in (str(tmp_path / "typo.sqlite"), "2023Q2", "does not exist", "--allow-empty"):
        assert said in result.stderr
    assert "Traceback" not in result.output and "all plans" not in result.output
    assert not (tmp_path / "typo.sqlite").exists() and not (tmp_path / "out").exists()


def test_run_passes_absolute_paths_min_units_and_allow_empty(tmp_path, monkeypatch):
    """A relative --store and --out from another folder name the same files as from the
    project root; --min-units and --allow-empty reach run_quarter."""
    monkeypatch.delenv("TASKANALYTICS_WORKSPACE", raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "p.sqlite").touch()
    (tmp_path / "sub").mkdir()
    calls = _captured_run(monkeypatch)
    runner = CliRunner()
    monkeypatch.chdir(tmp_path / "sub")
    first = runner.invoke(main, ["run", "-q", "2023Q2", "--store", "../data/p.sqlite",
                                 "--out", "../out", "--min-units", "3"])  # fmt: skip
    monkeypatch.chdir(tmp_path)
    second = runner.invoke(main, ["run", "-q", "2023Q2", "--store", "data/p.sqlite",
                                  "--out", "out", "--allow-empty"])  # fmt: skip
    assert first.exit_code == second.exit_code == 1  # the fake refuses
    assert [c["store"] for c in calls] == [tmp_path / "data" / "p.sqlite"] * 2
    assert [c["out_dir"] for c in calls] == [tmp_path / "out"] * 2
    assert [(c["min_units"], c["allow_empty"]) for c in calls] == [(3, False), (None, True)]
    assert all(c["plan_path"].is_absolute() for c in calls)
    bad = runner.invoke(main, ["run", "-q", "2023Q2", "--min-units", "-1"])
    assert bad.exit_code == 2 and "-1" in bad.output


# --------------------------------------------------------------------------- internal errors

INTERNAL = "内部错误（internal error）: "


@pytest.mark.parametrize(
    "exc",
    [
        RuntimeError("坏了\n第二行"),
        KeyError("milestone_id"),
        OSError(28, "No space left on device"),
    ],
    ids=["RuntimeError", "KeyError", "OSError"],
)
def test_an_unexpected_exception_is_one_line_a_log_and_exit_70(exc, tmp_path, monkeypatch):
    def boom(plan):
        raise exc

    monkeypatch.setattr(importlib.import_module("taskanalytics.plan.audit"), "audit", boom)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 70
    assert result.stdout == "" and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(INTERNAL + type(exc).__name__ + ": ")
    (log,) = (tmp_path / "cache" / "taskanalytics").glob("internal-error-*.log")
    assert str(log) in line
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "in boom" in text
    assert "audit" in text  # the command line


def test_the_log_goes_to_the_temp_folder_when_the_cache_is_not_writable(tmp_path, monkeypatch):
    import tempfile

    def boom(plan):
        raise ValueError("x")

    monkeypatch.setattr(importlib.import_module("taskanalytics.plan.audit"), "audit", boom)
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    result = CliRunner().invoke(main, ["audit"])
    assert result.exit_code == 70
    (log,) = (tmp_path / "tmp").glob("internal-error-*.log")
    assert str(log) in result.stderr and "ValueError: x" in result.stderr


def test_no_traceback_reaches_stderr_of_the_real_command(tmp_path):
    """The same through a real process: stderr is one line, exit code 70."""
    code = (
        "import importlib, sys\n"
        "a = importlib.import_module('taskanalytics.plan.audit')\n"
        "def boom(plan): raise KeyError('T999')\n"
        "a.audit = boom\n"
        "from taskanalytics.cli import main\n"
        "sys.argv = ['taskanalytics', 'audit']\n"
        "main()\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 70
    (line,) = out.stderr.splitlines()
    assert line.startswith(INTERNAL + "KeyError: 'T999'") and "Traceback" not in out.stderr
    assert list((tmp_path / "taskanalytics").glob("internal-error-*.log"))


def test_a_library_error_stays_one_error_line_with_exit_1(tmp_path):
    result = CliRunner().invoke(main, ["audit", "--plan", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and INTERNAL not in result.stderr


def test_a_refused_ingest_leaves_the_clerk_a_problem_list_beside_the_file(tmp_path):
    from openpyxl import load_workbook

    bad = tmp_path / "财政局_2023Q1.csv"
    bad.write_text("节点编号,状态\nT110.01,差不多\nT999.01,推进中\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(bad), "--store", str(tmp_path / "p.sqlite")])
    assert result.exit_code == 1
    listed = tmp_path / "财政局_2023Q1.csv.问题清单.xlsx"
    assert str(listed) in result.output
    rows = list(load_workbook(listed).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("文件", "工作表", "行", "列")
    assert {r[2] for r in rows[1:]} == {2, 3} and any("差不多" in str(r) for r in rows)


def test_a_refused_ingest_speaks_chinese_to_the_office(tmp_path):
    bad = tmp_path / "财政局_2023Q1.csv"
    bad.write_text("节点编号,状态\nT110.01,差不多\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(bad), "--store", str(tmp_path / "p.sqlite")])
    assert result.exit_code == 1
    assert "报送文件未通过检查，未入库" in result.output
    assert "第 2 行（节点 T110.01）「状态」列：填写的“差不多”" in result.output
