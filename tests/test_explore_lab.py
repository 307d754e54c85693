"""The explorer as an analyst uses it: a headless JupyterLab in Debian chromium, reading the console.

Runs ``notebooks/explore.ipynb`` (a copy, in a temporary folder) with a demo store: Run All, a
filter, a quarter pair, the export (its headers must be Chinese), then Restart & Run All; and a
copy whose ``store`` parameter names a file that does not exist. Any console error or warning
(``[anywidget] Failed to initialize model``, vega's warnings) and any stderr output fails the
test. Uses the Lab start-up and clean-up of ``scripts/screenshots.py``. Skipped only when
chromium (or playwright) is missing.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest
from browser import shared_browser
from openpyxl import load_workbook
from stores import copy_store

from taskanalytics.config import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 240_000
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Lab's own notice while a restarted kernel's websocket reconnects: not the explorer's doing.
LAB_RESTART_NOTICE = "warning: Connection lost, reconnecting in"


def _screenshots():
    spec = importlib.util.spec_from_file_location("ta_screenshots", ROOT / "scripts/screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lab(demo_store, tmp_path_factory):
    """A Lab on a folder with the notebook and its no-store copy, over a copy of the demo
    store (2023Q1 and 2023Q2 reports)."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (make test installs it)")
    pytest.importorskip("playwright.sync_api")
    shots = _screenshots()
    tmp = tmp_path_factory.mktemp("lab")
    store = copy_store(demo_store, tmp / "progress.sqlite")
    books = tmp / "notebooks"
    books.mkdir()
    shutil.copy(NOTEBOOKS_DIR / "explore.ipynb", books / "explore.ipynb")
    nb = nbformat.read(NOTEBOOKS_DIR / "explore.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    missing = tmp / "progres.sqlite"  # the typo of an analyst
    params.source = re.sub(r"(?m)^store = None", f"store = {str(missing)!r}", params.source)
    assert str(missing) in params.source
    nbformat.write(nb, books / "explore_typo.ipynb")
    exports = tmp / "exports"
    with tempfile.TemporaryDirectory(prefix="ta-lab-test-") as server_tmp:
        with shots.jupyter_lab(
            Path(server_tmp), notebook_dir=books, env={"TASKANALYTICS_STORE": str(store)}
        ) as (base, token):
            yield shots, base, token, exports, missing


@pytest.fixture(scope="module")
def lab_context():
    """One browser context for the module's Lab pages: the second page loads Lab's scripts
    (several MB) from the context's cache, as an analyst's browser would."""
    context = shared_browser().new_context(viewport={"width": 1200, "height": 2400})
    yield context
    context.close()


def _suspect(text: str) -> bool:
    """Messages the issue saw, at whatever console level they arrive (vega logs ``WARN …``)."""
    return "Failed to initialize model" in text or text.startswith(("WARN", "ERROR"))


@contextmanager
def _lab_page(context, shots, base, token, name):
    """A page of ``context`` with notebook ``name`` open; yield it and its console."""
    console: list[str] = []
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            console.append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning") or _suspect(m.text)
            else None
        ),
    )
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        shots.open_notebook(page, base, token, name, TIMEOUT_MS)
        yield page, console
    finally:
        page.close(run_before_unload=False)


def _wait_explorer(shots, page):
    """Wait for the explorer's tables and its five charts, then for an idle kernel."""
    return shots.wait_for_explorer(page, TIMEOUT_MS, charts=5)


def _settle(page) -> None:
    """Give late console messages (a widget model failing after it drew) time to arrive."""
    page.wait_for_timeout(1500)


def _dropdown(explorer, label: str):
    return explorer.locator(
        ".widget-dropdown", has=explorer.page.locator(f"label:text-is('{label}')")
    )


def _changed(shots, page, locator, before: str) -> None:
    page.wait_for_function(
        "([el, text]) => el.innerText !== text",
        arg=[locator.element_handle(), before],
        timeout=TIMEOUT_MS,
    )
    page.wait_for_selector(shots.KERNEL_IDLE, timeout=TIMEOUT_MS)


def _stderr(page) -> list[str]:
    errors = page.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']"
    )
    return [errors.nth(i).inner_text()[:300] for i in range(errors.count())]


def test_run_all_filter_compare_export_and_restart_without_console_errors(lab, lab_context):
    shots, base, token, exports, _ = lab
    with _lab_page(lab_context, shots, base, token, "explore.ipynb") as (page, console):
        shots.run_menu(page, "Run", "Run All Cells")
        shots.accept_kernel_dialog(page)
        explorer = _wait_explorer(shots, page)
        summary = explorer.locator(".widget-html-content").first
        assert "2023Q2" in summary.inner_text()

        # a filter: the lead unit drop-down is in pinyin order, and filters every view
        unit = _dropdown(explorer, "牵头单位").locator("select")
        options = unit.locator("option").all_inner_texts()
        assert options[:2] == ["（全部）", "财政局"], options[:5]
        before = summary.inner_text()
        unit.select_option(label="财政局")
        _changed(shots, page, summary, before)
        assert "2023Q2" in summary.inner_text() and summary.inner_text() != before

        # a quarter pair
        status = explorer.locator(".widget-html-content", has_text="→").first
        before = status.inner_text()
        assert "2023Q1 → 2023Q2" in before  # 上期 starts as the quarter before 本期
        _dropdown(explorer, "本期").locator("select").select_option("2023Q4")
        _changed(shots, page, status, before)
        assert "2023Q1 → 2023Q4" in status.inner_text()

        # export to a folder of the test
        box = explorer.locator(".widget-text", has=page.locator("label:text-is('导出到')"))
        box.locator("input").fill(str(exports))
        box.locator("input").press("Tab")
        page.wait_for_timeout(500)
        explorer.locator("button", has_text="导出 xlsx + csv").click()
        explorer.locator(".widget-html-content", has_text="已导出").wait_for(timeout=TIMEOUT_MS)
        assert not _stderr(page)

        # Restart & Run All: the old widget models are gone, nothing may complain
        _settle(page)
        old = explorer.element_handle()
        shots.run_menu(page, "Kernel", "Restart Kernel and Run All Cells")
        page.locator(".jp-Dialog button.jp-mod-accept").click()
        old.wait_for_element_state("hidden", timeout=TIMEOUT_MS)  # the outputs were cleared
        _wait_explorer(shots, page)
        _settle(page)
        assert not _stderr(page)
    problems = [m for m in console if not m.startswith(LAB_RESTART_NOTICE)]
    assert problems == [], "\n".join(problems)

    [book] = exports.glob("explore_*.xlsx")
    wb = load_workbook(book, read_only=True)
    assert wb.sheetnames == ["筛选条件", "按任务汇总", "节点评估", "指标评估", "季度对比"]
    for sheet in wb.worksheets:
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
        english = [h for h in header if not CJK.search(str(h))]
        assert not english, f"{sheet.title}: headers not in Chinese: {english}"
    conditions = dict(wb["筛选条件"].iter_rows(min_row=2, values_only=True))
    assert conditions["牵头单位"] == "财政局" and conditions["季度对比"] == "2023Q1 → 2023Q4"
    sections = {r[0] for r in wb["节点评估"].iter_rows(min_row=2, values_only=True)} | {
        c for r in wb["节点评估"].iter_rows(min_row=2, values_only=True) for c in r
    }
    assert "work_report" not in sections and "livelihood" not in sections


def test_a_mistyped_store_is_named_without_console_errors(lab, lab_context):
    shots, base, token, _, missing = lab
    with _lab_page(lab_context, shots, base, token, "explore_typo.ipynb") as (page, console):
        shots.run_menu(page, "Run", "Run All Cells")
        shots.accept_kernel_dialog(page)
        explorer = _wait_explorer(shots, page)
        summary = explorer.locator(".widget-html-content").first.inner_text()
        assert f"进度库 {missing} 不存在" in summary
        _settle(page)
        assert not _stderr(page)
    assert console == [], "\n".join(console)
