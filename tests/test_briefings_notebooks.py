"""The quarterly briefing notebooks, run for real on demo data.

The pages come from the session's quarterly run (``quarter_run`` in tests/conftest.py: papermill +
nbconvert in shared kernels), or from ``runner.run_notebook`` for a briefing that run does not
have, on a store holding two quarters of demo reports plus one corrected 财政局 report whose note
is ``<script>alert(1)</script>``. The HTML must be code-free, offline, Chinese, flagged 示例数据,
small, and show the note as text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from stores import RUN_QUARTER, XSS

from taskanalytics import briefing
from taskanalytics.runner import run_notebook

BRIEFINGS = {
    "quarterly_overview": {},
    "unit_briefing": {"unit": "财政局"},
    "leader_briefing": {"leader": "祝美娟"},
    "indicator_briefing": {"indicator": "化解政府性债务"},
    "indicators_all": {},
}
MAX_BYTES = 1_500_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(quarter_store) -> Path:
    return quarter_store


@pytest.fixture(scope="module")
def pages(quarter_run, store, tmp_path_factory, request) -> dict[str, Path]:
    """Each notebook's page and executed notebook, side by side: copied from the session's run
    when it has that briefing, else run here."""
    out = tmp_path_factory.mktemp("reports")
    found = {}
    for name, extra in BRIEFINGS.items():
        jobs = [
            b for b in quarter_run.briefings
            if b.notebook == name and extra.items() <= b.parameters.items()
        ]  # fmt: skip
        if jobs:
            stem = jobs[0].stem
            shutil.copy2(quarter_run.notebooks / f"{stem}.ipynb", out)  # kept outside the folder
            found[name] = Path(shutil.copy2(quarter_run.out_dir / f"{stem}.html", out))
        else:
            parameters = {"quarter": RUN_QUARTER, "store": str(store), **extra}
            found[name] = run_notebook(
                name,
                parameters=parameters,
                output_dir=out,
                kernel=request.getfixturevalue("warm_kernel"),
            )
    return found


@pytest.mark.parametrize("name", BRIEFINGS)
def test_briefing_is_code_free_offline_and_small(pages, name):
    html = pages[name].read_text(encoding="utf-8")
    body = html.split("<main>", 1)[1]  # the head's CSS names these classes in comments
    assert "jp-InputArea" not in body and 'class="highlight' not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        refs = re.findall(rf"<{tag}\b[^>]*\b{attr}=[\"']([^\"']*)", html)
        assert not [r for r in refs if re.match(r"(https?:)?//", r)], (tag, refs)
    assert not re.search(r"import\(\s*[\"']https?:", html)
    assert pages[name].stat().st_size < MAX_BYTES


@pytest.mark.parametrize("name", BRIEFINGS)
def test_briefing_is_chinese_with_banner_and_header(pages, name):
    html = pages[name].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "示例数据" in html and 'role="alert"' in html
    assert "2023年第二季度" in html and "数据截至：2023-06-30" in html
    assert "生成时间" in html and "SHA-256" in html
    assert len(re.findall(r"[\u4e00-\u9fff]", html)) > 500


@pytest.mark.parametrize("name", BRIEFINGS)
def test_executed_notebook_has_no_stderr_warnings_or_errors(pages, name):
    nb = nbformat.read(pages[name].with_suffix(".ipynb"), as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] not in ("stream", "error"), (cell.source, output)


@pytest.mark.parametrize("name", ["unit_briefing", "indicator_briefing"])
def test_units_notes_are_escaped(pages, name):
    html = pages[name].read_text(encoding="utf-8")
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_charts_are_inline_svg(pages):
    html = pages["quarterly_overview"].read_text(encoding="utf-8")
    assert len(re.findall(r'<img[^>]*src="data:image/svg\+xml;base64,', html)) >= 3


def test_indicator_keys_are_valid_series(store):
    ctx = briefing.load_context("2023Q2", store=store)
    keys = briefing.indicator_keys(ctx.plan)
    assert "回迁安置" in keys and "一般公共预算收入" in keys
    for key in keys:
        assert len(briefing.pages.indicator_series(ctx.assessment, key))
