"""The 进度报送自查 page: the check (taskanalytics.progress.check), its widgets
(taskanalytics.checkpage), the notebook, ``taskanalytics serve``, and the page in a browser.

Reports are made with ``write_templates`` + ``fill_template`` only (never cell addresses: the
template's layout may change).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from taskanalytics import checkpage
from taskanalytics.cli import main
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.errors import StoreError
from taskanalytics.limits import current_limits
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress.check import (
    CheckResult,
    check_upload,
    require_writable_store,
    safe_file_name,
    versions_lookup,
)
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.store import ingest_files
from taskanalytics.progress.templates import write_templates

QUARTER = "2023Q2"
UNIT = "财政局"
MILESTONE = "T110.02"  # 6月底前，化解政府性债务63422万元 (财政局)
GOOD = {
    MILESTONE: {
        "status": "已完成",
        "completed_date": dt.date(2023, 6, 20),
        "values": {1: 63422},
        "note": "已按期完成",
    }
}
BAD = {
    MILESTONE: {
        "status": "完工",  # not a status of the list
        "completed_date": dt.date(2023, 8, 10),  # after the quarter's end
        "values": {1: 63422},
        "note": "完工",
    }
}
#: Accepted, with a warning: 已完成 but the value is far below the target.
SHORT = {MILESTONE: {**GOOD[MILESTONE], "values": {1: 100}}}
TABLES = ("source_files", "reports", "actual_values")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Excel 97-2003 .xls starts so


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture(scope="module")
def files(plan, tmp_path_factory):
    """Filled reports of 财政局 for 2023Q2 (good, bad, short) and one of 发改局."""
    folder = tmp_path_factory.mktemp("check_files")
    template = write_templates(plan, QUARTER, folder / "blank", units=[UNIT])[0]
    other = write_templates(plan, QUARTER, folder / "blank", units=["发改局"])[0]
    return {
        "good": fill_template(template, folder / "财政局_2023Q2.xlsx", GOOD, synthetic=False),
        "bad": fill_template(template, folder / "财政局_2023Q2_bad.xlsx", BAD, synthetic=False),
        "short": fill_template(template, folder / "财政局_short.xlsx", SHORT, synthetic=False),
        "other": fill_template(other, folder / "发改局_2023Q2.xlsx", {}, synthetic=False),
    }


@pytest.fixture
def store(plan, files, tmp_path):
    """A store holding 发改局's report (so it exists, with rows)."""
    path = tmp_path / "store" / "progress.sqlite"
    ingest_files([files["other"]], plan=plan, store=path)
    return path


def counts(store: Path) -> dict[str, int]:
    with closing(sqlite3.connect(store)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def stored_names(store: Path) -> list[str]:
    with closing(sqlite3.connect(store)) as conn:
        return [r[0] for r in conn.execute("SELECT original_name FROM source_files ORDER BY 1")]


# -- the check --------------------------------------------------------------------------------


def test_a_bad_file_gets_chinese_problems_and_nothing_is_stored(plan, files, store):
    before = counts(store)
    data = files["bad"].read_bytes()
    result = check_upload(data, "财政局_2023Q2.xlsx", plan=plan, store=store, submit=True)
    assert not result.accepted and not result.in_store and result.submitted
    assert (result.unit, result.quarter) == (None, None)
    assert len(result.problems) == 2
    status, date = result.problems
    # the row number is the template's business (its layout may change)
    assert re.match(rf"第 \d+ 行（节点 {MILESTONE}）「状态」列：填写的“完工”不是可选的状态", status)
    assert "「完成日期」列" in date and "2023-08-10" in date
    assert all("expected" not in p and "found" not in p for p in result.problems)
    assert counts(store) == before


def test_a_good_file_is_stored_once(plan, files, store):
    before = counts(store)
    data = files["good"].read_bytes()
    first = check_upload(data, "财政局_2023Q2.xlsx", plan=plan, store=store, submit=True)
    assert first.accepted and first.stored and not first.already_stored
    assert (first.unit, first.quarter, first.problems) == (UNIT, QUARTER, ())
    after = counts(store)
    assert after["source_files"] == before["source_files"] + 1
    assert after["reports"] == before["reports"] + 1
    assert "财政局_2023Q2.xlsx" in stored_names(store)

    again = check_upload(data, "再次上传.xlsx", plan=plan, store=store, submit=True)
    assert again.accepted and again.already_stored and not again.stored and again.in_store
    assert counts(store) == after


def test_check_only_stores_nothing(plan, files, store):
    before = counts(store)
    data = files["good"].read_bytes()
    result = check_upload(data, "财政局_2023Q2.xlsx", plan=plan, store=store, submit=False)
    assert result.accepted and not result.in_store and not result.submitted
    assert result.unit == UNIT
    assert counts(store) == before
    # without any store at all
    assert check_upload(data, "x.xlsx", plan=plan).accepted


def test_warnings_come_back_as_chinese_sentences(plan, files, store):
    result = check_upload(files["short"].read_bytes(), "a.xlsx", plan=plan, store=store)
    assert result.accepted and len(result.warnings) == 1
    assert "低于" in result.warnings[0] and "请核实" in result.warnings[0]


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("财政局报表.xls", OLE + bytes(600), "另存为 .xlsx"),
        ("财政局报表.xlsx", OLE + bytes(600), "另存为 .xlsx"),  # an .xls renamed
        ("财政局报表.xlsx", b"this is not a workbook", "请报送督查室下发的 .xlsx 模板"),
        ("财政局报表.pdf", b"%PDF-1.4 junk", "请报送督查室下发的 .xlsx 模板"),
        ("财政局报表.xlsx", b"", "无法读取"),
    ],
)
def test_an_old_or_junk_file_is_told_what_to_do(plan, store, name, data, said):
    before = counts(store)
    result = check_upload(data, name, plan=plan, store=store, submit=True)
    assert not result.accepted and len(result.problems) == 1
    assert said in result.problems[0], result.problems
    assert result.problems[0].startswith("文件“财政局报表.")
    assert counts(store) == before


def test_a_file_over_the_size_limit_is_refused_before_it_is_written(plan, files, store):
    before = counts(store)
    small = current_limits(max_file_mb=0.001)
    data = files["good"].read_bytes()
    result = check_upload(data, "a.xlsx", plan=plan, store=store, submit=True, limits=small)
    assert not result.accepted
    assert "超过 0.001 MB 的上限" in result.problems[0]
    assert counts(store) == before


def test_the_browsers_name_is_never_a_path(plan, files, store):
    result = check_upload(
        files["good"].read_bytes(), "../../../tmp/evil\x00name.xlsx", plan=plan, store=store,
        submit=True,
    )  # fmt: skip
    assert result.stored and result.file_name == "evil_name.xlsx"
    assert "evil_name.xlsx" in stored_names(store)
    assert not (store.parent / "evil_name.xlsx").exists()


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("财政局_2023Q2.xlsx", "财政局_2023Q2.xlsx"),
        ("C:\\fakepath\\财政局.XLSX", "财政局.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("..xlsx", "xlsx"),
        (".xlsx", "xlsx"),
        ("", "报送文件"),
        (None, "报送文件"),
        ("a:b|c?.csv", "a_b_c_.csv"),
        ("x" * 300 + ".xlsx", "x" * 80 + ".xlsx"),
        ("报表.tar.gz", "报表.tar.gz"),
    ],
)
def test_safe_file_name(given, safe):
    got = safe_file_name(given)
    assert got == safe and "/" not in got and "\\" not in got


def test_submit_needs_a_store(plan, files):
    with pytest.raises(StoreError):
        check_upload(files["good"].read_bytes(), "a.xlsx", plan=plan, submit=True)


def test_require_writable_store(tmp_path, store):
    assert require_writable_store(store) == store.resolve()
    with pytest.raises(StoreError, match="does not exist"):
        require_writable_store(tmp_path / "missing.sqlite")
    with pytest.raises(StoreError, match="folder"):
        require_writable_store(tmp_path)


def test_versions_lookup_finds_a_plan_by_its_hash(plan):
    lookup = versions_lookup([plan])
    assert lookup(plan_identity(plan).sha256) is plan
    assert lookup("0" * 64) is None


# -- the widgets ------------------------------------------------------------------------------


def _settings(plan, store, *, check_only=False):
    return checkpage.CheckSettings(
        plan=plan, versions=versions_lookup([plan]), plan_name="2023-工作报告", store=store,
        check_only=check_only,
    )  # fmt: skip


def _upload(app, path: Path, name: str | None = None) -> None:
    """Set the FileUpload's value as ipywidgets 8 does after a browser upload."""
    data = path.read_bytes()
    app.upload.value = (
        {
            "name": name or path.name,
            "type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": dt.datetime(2023, 7, 1, tzinfo=dt.UTC),
        },
    )


def test_the_app_shows_problems_then_stores_a_good_file(plan, files, store):
    app = checkpage.CheckApp(_settings(plan, store))
    assert app.submit in app.widget.children[1].children and app.submit.disabled
    assert checkpage.TITLE in app.widget.children[0].value
    before = counts(store)

    _upload(app, files["bad"])
    page = app.result.value
    assert checkpage.BAD_HEADLINE in page and page.count("<li>") == 2
    assert "填写的“完工”不是可选的状态" in page
    assert app.submit.disabled and app.upload.value == ()
    app.submit.click()  # nothing pending: nothing happens
    assert counts(store) == before

    _upload(app, files["good"])
    assert checkpage.OK_HEADLINE in app.result.value and "填报单位：财政局" in app.result.value
    assert "2023年第二季度" in app.result.value and not app.submit.disabled
    assert counts(store) == before

    app.submit.click()
    assert checkpage.STORED_HEADLINE in app.result.value and app.submit.disabled
    assert "填报单位：财政局" in app.result.value and "2023年第二季度" in app.result.value
    assert counts(store)["source_files"] == before["source_files"] + 1

    _upload(app, files["good"])  # the same file again
    app.submit.click()
    assert checkpage.ALREADY_HEADLINE in app.result.value
    assert counts(store)["source_files"] == before["source_files"] + 1


def test_the_app_shows_warnings_as_reminders(plan, files, store):
    app = checkpage.CheckApp(_settings(plan, store))
    _upload(app, files["short"])
    assert checkpage.OK_HEADLINE in app.result.value and "提醒" in app.result.value


def test_check_only_has_no_submit_button(plan, files, store):
    app = checkpage.CheckApp(_settings(plan, store, check_only=True))
    assert app.submit not in app.widget.children[1].children
    _upload(app, files["good"])
    assert checkpage.OK_HEADLINE in app.result.value and "请按督查室的要求报送" in app.result.value
    app.submit.click()
    assert checkpage.STORED_HEADLINE not in app.result.value


def test_file_text_is_escaped(plan, tmp_path):
    result = CheckResult("<b>x</b>.xlsx", False, problems=("填写的“<script>”不对。",))
    page = checkpage.result_html(result)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>x" not in page


@pytest.mark.parametrize("error", [StoreError("/x/progress.sqlite: disk full"), KeyError("x")])
def test_an_error_is_said_in_chinese_and_logged_not_shown(plan, files, store, caplog, error):
    def failing(*args, **kwargs):
        raise error

    app = checkpage.CheckApp(_settings(plan, store), check_upload_fn=failing)
    with caplog.at_level("ERROR", logger="taskanalytics"):
        _upload(app, files["good"])
    page = app.result.value
    assert "系统暂时无法检查此文件" in page and "错误编号" in page
    for english in ("Error", "Traceback", "disk full", "sqlite", "KeyError"):
        assert english not in page
    assert caplog.records and "check page: error" in caplog.records[0].getMessage()


def test_a_failed_submit_can_be_tried_again(plan, files, store):
    calls = []

    def flaky(data, name, **kwargs):
        calls.append(kwargs["submit"])
        if kwargs["submit"] and calls.count(True) == 1:
            raise StoreError(f"{store}: database is locked")
        return check_upload(data, name, **kwargs)

    app = checkpage.CheckApp(_settings(plan, store), check_upload_fn=flaky)
    _upload(app, files["good"])
    app.submit.click()
    assert "暂时无法入库" in app.result.value and "locked" not in app.result.value
    assert not app.submit.disabled
    app.submit.click()
    assert checkpage.STORED_HEADLINE in app.result.value and calls == [False, True, True]


# -- settings, notebook, serve ----------------------------------------------------------------


def _workspace(tmp_path: Path, store: Path) -> Path:
    toml = tmp_path / "ws" / "taskanalytics.toml"
    toml.parent.mkdir(parents=True, exist_ok=True)
    toml.write_text(
        f'store = "{store.as_posix()}"\n\n[[plans]]\nname = "2023-工作报告"\n'
        f'path = "{DEFAULT_PLAN_PATH.as_posix()}"\n',
        encoding="utf-8",
    )
    return toml


def test_settings_come_from_the_environment(tmp_path, store):
    toml = _workspace(tmp_path, store)
    env = {
        "TASKANALYTICS_WORKSPACE": str(toml),
        checkpage.PLAN_ENV_VAR: "2023-工作报告",
        checkpage.CHECK_ONLY_ENV_VAR: "1",
    }
    settings = checkpage.settings_from_env(env)
    assert settings.plan_name == "2023-工作报告" and settings.check_only
    assert settings.store == store.resolve()
    by_file = checkpage.settings_from_env({checkpage.PLAN_ENV_VAR: str(DEFAULT_PLAN_PATH),
                                           checkpage.STORE_ENV_VAR: str(store)})  # fmt: skip
    assert not by_file.check_only and by_file.store == store.resolve()


def test_the_notebook_is_thin_and_has_no_outputs():
    nb = nbformat.read(checkpage.CHECK_NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and "进度报送自查" in nb.cells[0].source
    assert len(code) == 2 and all(len(c.source.splitlines()) <= 4 for c in code)
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def test_serve_refuses_a_missing_store(tmp_path):
    toml = _workspace(tmp_path, tmp_path / "nothing" / "progress.sqlite")
    result = CliRunner().invoke(main, ["serve", "--workspace", str(toml)])
    assert result.exit_code == 1
    assert "does not exist" in result.output and "--check-only" in result.output


def test_serve_runs_voila_with_the_settings(tmp_path, store, monkeypatch):
    toml = _workspace(tmp_path, store)
    seen = {}

    class FakePopen:
        def __init__(self, command, env):
            seen.update(command=command, env=env)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    args = ["--workspace", str(toml), "serve", "--port", "9999", "--host", "0.0.0.0"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "no login" in result.output
    command, env = seen["command"], seen["env"]
    assert command[command.index("-m") + 1] == "voila"
    assert str(checkpage.CHECK_NOTEBOOK) in command
    for flag in ("--port=9999", "--Voila.ip=0.0.0.0", "--no-browser", "--theme=light",
                 "--strip_sources=True", "--Voila.port_retries=0"):  # fmt: skip
        assert flag in command
    assert env["TASKANALYTICS_WORKSPACE"] == str(toml.resolve())
    assert env[checkpage.PLAN_ENV_VAR] == "2023-工作报告"
    assert env[checkpage.STORE_ENV_VAR] == str(store.resolve())
    assert env[checkpage.CHECK_ONLY_ENV_VAR] == "0"

    missing = _workspace(tmp_path / "b", tmp_path / "none.sqlite")
    args = ["serve", "--workspace", str(missing), "--check-only"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert seen["env"][checkpage.CHECK_ONLY_ENV_VAR] == "1"


# -- the page in a browser --------------------------------------------------------------------


def _free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"taskanalytics serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def served(tmp_path, store):
    """``taskanalytics serve`` on a free port with a temp workspace; killed at teardown."""
    toml = _workspace(tmp_path, store)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKANALYTICS_")}
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "jupyter-runtime")
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "taskanalytics", "--workspace", str(toml), "serve",
               "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url, proc)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def choose(page, path: Path) -> None:
    """Pick a file with the upload button, as a clerk does.

    ipywidgets 8's FileUpload keeps its ``input[type=file]`` out of the document and clicks it
    from the button, so the file goes through the file chooser, not ``set_input_files`` on a
    selector.
    """
    button = page.locator(".widget-upload")
    button.wait_for(timeout=60_000)
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(path))


@pytest.mark.slow
def test_the_page_in_a_browser(served, files, store):
    from browser import new_page

    before = counts(store)
    with new_page(width=1280, height=900) as page:
        page.goto(served, wait_until="load")
        choose(page, files["bad"])
        page.get_by_text(checkpage.BAD_HEADLINE).wait_for(timeout=30_000)
        body = page.inner_text("body")
        assert "填写的“完工”不是可选的状态" in body and "2023-08-10" in body
        assert "Traceback" not in body and "import" not in body
        assert counts(store) == before

        choose(page, files["good"])
        page.get_by_text(checkpage.OK_HEADLINE, exact=True).wait_for(timeout=30_000)
        page.get_by_role("button", name=checkpage.SUBMIT_LABEL).click()
        page.get_by_text(checkpage.STORED_HEADLINE, exact=True).wait_for(timeout=30_000)
        assert "填报单位：财政局" in page.inner_text("body")
    assert counts(store)["source_files"] == before["source_files"] + 1
    assert "财政局_2023Q2.xlsx" in stored_names(store)
