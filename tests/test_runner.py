"""Tests for taskanalytics.runner: papermill + nbconvert for real, and the committed notebooks."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest
from browser import open_page
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from taskanalytics import config
from taskanalytics.errors import NotebookRunError
from taskanalytics.runner import export_html, run_notebook

SVG_IMG_RE = re.compile(r'<img[^>]*src="data:image/svg\+xml;base64,([^"]+)"')


def _write_notebook(directory: Path, name: str, cells: list) -> Path:
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = directory / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def _assert_offline_and_code_free(html: str) -> None:
    body = html.split("<main>", 1)[1]  # the head's CSS names these classes in comments
    assert "jp-InputArea" not in body
    assert "jp-CodeMirrorEditor" not in body and 'class="highlight' not in body
    assert "In&nbsp;[" not in body and "Out[" not in body
    assert not re.search(r"<script[^>]+src=[\"']https?:", html)
    assert not re.search(r"import\(\s*[\"']https?:", html)
    assert not re.search(r"<link[^>]+href=[\"']https?:", html)


@pytest.fixture(scope="module")
def briefing_html(tmp_path_factory, warm_kernel) -> Path:
    out = tmp_path_factory.mktemp("reports")
    return run_notebook(
        "source_audit",
        parameters={"plan_path": str(config.DEFAULT_PLAN_PATH)},
        output_dir=out,
        kernel=warm_kernel,
    )


@pytest.mark.slow
def test_source_audit_briefing_is_offline_code_free_chinese(briefing_html):
    html = briefing_html.read_text(encoding="utf-8")
    _assert_offline_and_code_free(html)
    for text in ("计划总览", "源文件质量检查", "检查项", "政府工作报告"):
        assert text in html
    svgs = [base64.b64decode(s).decode("utf-8") for s in SVG_IMG_RE.findall(html)]
    assert len(svgs) == 4
    titles = " ".join(svgs)
    for title in (
        "各类别任务数",
        "各牵头单位牵头任务数",
        "各分管领导分管任务数",
        "各月到期的阶段性节点",
    ):
        assert title in titles
    # written atomically: no temporary file left next to the briefing
    assert sorted(p.name for p in briefing_html.parent.iterdir()) == [
        "source_audit.html",
        "source_audit.ipynb",
    ]
    executed = nbformat.read(briefing_html.with_suffix(".ipynb"), as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and str(config.DEFAULT_PLAN_PATH) in injected[0].source


@pytest.mark.slow
def test_briefing_renders_in_headless_chromium_without_network(briefing_html):
    with open_page(briefing_html) as (page, outside):
        images = page.locator('img[src^="data:image/svg+xml"]')
        assert images.count() == 4
        for i in range(4):
            img = images.nth(i)
            img.scroll_into_view_if_needed()
            assert img.is_visible()
            assert img.evaluate("el => el.complete && el.naturalWidth") > 100
        assert page.get_by_text("源文件质量检查").first.is_visible()
    assert outside == []


@pytest.mark.slow
def test_parameters_are_injected_and_markdown_is_prose(tmp_path):
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    _write_notebook(
        nb_dir,
        "tiny",
        [
            new_markdown_cell("## 季度简报"),
            new_code_cell('quarter = "2023Q1"', metadata={"tags": ["parameters"]}),
            new_code_cell(
                "from pathlib import Path\nprint(f'{quarter} 完成情况', Path.cwd().name)"
            ),
        ],
    )
    html_path = run_notebook(
        "tiny", parameters={"quarter": "2023Q3"}, output_dir=tmp_path / "out", notebooks_dir=nb_dir
    )
    assert html_path == tmp_path / "out" / "tiny.html"
    html = html_path.read_text(encoding="utf-8")
    _assert_offline_and_code_free(html)
    assert "2023Q3 完成情况 notebooks" in html  # injected value, run with cwd = notebooks dir
    assert "季度简报" in html
    assert "print(" not in html


@pytest.mark.slow
def test_failing_cell_becomes_notebook_run_error(tmp_path):
    _write_notebook(
        tmp_path,
        "broken",
        [new_code_cell("x = 1"), new_code_cell("raise ValueError('坏数据')")],
    )
    with pytest.raises(NotebookRunError) as info:
        run_notebook("broken", output_dir=tmp_path / "out", notebooks_dir=tmp_path)
    message = str(info.value)
    assert "broken.ipynb" in message
    assert "raise ValueError" in message
    assert "ValueError: 坏数据" in message
    assert not (tmp_path / "out" / "broken.html").exists()


def test_missing_notebook_is_a_notebook_run_error(tmp_path):
    with pytest.raises(NotebookRunError, match="no_such"):
        run_notebook("no_such", output_dir=tmp_path, notebooks_dir=tmp_path)


def test_export_html_of_unreadable_notebook_is_a_notebook_run_error(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NotebookRunError, match="bad.ipynb"):
        export_html(bad)
    assert list(tmp_path.iterdir()) == [bad]


COMMITTED = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_committed_notebooks():
    assert COMMITTED, f"no notebooks in {config.NOTEBOOKS_DIR}"


@pytest.mark.parametrize("path", COMMITTED, ids=lambda p: p.name)
def test_committed_notebook_is_clean_and_parameterized(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] for c in code), "strip outputs before committing"
    assert all(c.execution_count is None for c in code), "clear execution counts"
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert not any(re.search(r"^\s*(def|class)\s", c.source, re.M) for c in code), (
        "functions and classes belong in the package"
    )


def test_notebooks_on_a_shared_kernel_leave_no_open_sockets(tmp_path):
    """Each notebook papermill ran on a lent kernel left its client's ZeroMQ sockets open
    (10-18 descriptors a notebook; a quarterly run of two plans passed the limit of 1,024)."""
    import os

    from taskanalytics.runner import execute_notebook, shared_kernel

    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    _write_notebook(
        nb_dir,
        "tiny",
        [new_code_cell("x = 1", metadata={"tags": ["parameters"]}), new_code_cell("print(x)")],
    )
    counts = []
    with shared_kernel(cwd=nb_dir) as kernel:
        for i in range(8):
            execute_notebook(
                "tiny", output_dir=tmp_path / "out", notebooks_dir=nb_dir, output_name=f"t{i}",
                kernel=kernel,
            )  # fmt: skip
            counts.append(len(os.listdir("/proc/self/fd")))
    assert counts[-1] - counts[1] <= 2, counts  # the first run may open what later ones reuse


@pytest.mark.slow
def test_a_shared_kernel_never_imports_rfc3987_syntax_keeps_no_history_and_reuses_one_client(
    tmp_path,
):
    from jupyter_client.manager import KernelManager

    from taskanalytics.runner import shared_kernel

    with shared_kernel(cwd=tmp_path) as kernel:
        client = kernel._taskanalytics_client  # started once, lent to every notebook's nbclient
        reply = []
        client.execute_interactive(
            "import sys, jsonschema\n"
            "print(sys.modules.get('rfc3987_syntax', 'absent'), 'iri' in "
            "jsonschema.FormatChecker.checkers, 'uri' in jsonschema.FormatChecker.checkers, "
            "get_ipython().history_manager.enabled)",
            output_hook=lambda msg: reply.append(msg["content"].get("text", "")),
            timeout=60,
        )
    # iri unchecked, uri as before; no IPython history written
    assert "".join(reply).split() == ["None", "False", "True", "False"]
    assert isinstance(kernel, KernelManager) and not kernel.has_kernel  # shut down


def test_self_contained_and_shared_stylesheet_pages(tmp_path):
    from taskanalytics.runner import lab_stylesheet

    nb = new_notebook(cells=[new_markdown_cell("## 季度简报"), new_code_cell("1")])
    nbformat.write(nb, tmp_path / "p.ipynb")
    alone = export_html(tmp_path / "p.ipynb", tmp_path / "alone.html").read_text(encoding="utf-8")
    shared = export_html(
        tmp_path / "p.ipynb", tmp_path / "shared.html", stylesheet="ta-lab.css"
    ).read_text(encoding="utf-8")
    assert "<link" not in alone and "--jp-layout-color0" in alone and len(alone) > 150_000
    assert 'href="ta-lab.css"' in shared and len(shared) < 30_000
    assert "季度简报" in alone and "季度简报" in shared  # text, not character references
    css = lab_stylesheet()
    assert "--jp-layout-color0" in css and ".highlight" in css
