"""The quarterly briefing notebooks, run for real on demo data in one shared kernel.

Each notebook runs once (papermill + nbconvert through ``runner.run_notebook``) against a
temporary store holding two quarters of demo reports plus one corrected 财政局 report whose note
is ``<script>alert(1)</script>``. The HTML must be code-free, offline, Chinese, flagged 示例数据,
small, and show the note as text.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from taskanalytics import briefing, config, read_plan
from taskanalytics.progress.demo import build_demo_progress, fill_template
from taskanalytics.progress.store import ingest_files
from taskanalytics.progress.templates import write_template
from taskanalytics.runner import run_notebook, shared_kernel

XSS = "<script>alert(1)</script>"
XSS_MILESTONE = "T110.02"  # 化解政府性债务 by 2023-06-30, led by 财政局
BRIEFINGS = {
    "quarterly_overview": {},
    "unit_briefing": {"unit": "财政局"},
    "leader_briefing": {"leader": "祝美娟"},
    "indicator_briefing": {"indicator": "化解政府性债务"},
}
MAX_BYTES = 1_500_000

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("store")
    path = root / "progress.sqlite"
    plan = read_plan(config.DEFAULT_PLAN_PATH)
    build_demo_progress(plan, store=path, quarters=["2023Q1", "2023Q2"])
    template = write_template(plan, "财政局", "2023Q2", root / "fix")
    report = {"status": "滞后", "values": {1: 50000}, "note": XSS}
    filled = fill_template(template, root / "fix" / "财政局_更正.xlsx", {XSS_MILESTONE: report})
    ingest_files([filled], plan=plan, store=path)
    return path


@pytest.fixture(scope="module")
def pages(store, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    common = {"quarter": "2023Q2", "store": str(store)}
    with shared_kernel() as kernel:
        return {
            name: run_notebook(name, parameters={**common, **extra}, output_dir=out, kernel=kernel)
            for name, extra in BRIEFINGS.items()
        }


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
        assert len(ctx.assessment.series(key))
