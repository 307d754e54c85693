"""The quarterly run: all briefings published together, or none; index; failure handling.

These tests use tiny notebooks written into tmp_path, so they check the orchestration itself;
tests/test_briefings_notebooks.py runs the real briefing notebooks.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

import nbformat
import pytest

from taskanalytics import read_plan
from taskanalytics.briefing import indicator_keys
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.errors import NotebookRunError, TaskAnalyticsError
from taskanalytics.quarterly import Briefing, quarterly_briefings, run_quarter

pytestmark = pytest.mark.slow


def _notebook(path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('key = "x"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder / "tiny.ipynb", 'from IPython.display import HTML\nHTML(f"<p>简报 {key}</p>")')
    _notebook(folder / "broken.ipynb", 'raise ValueError(f"坏了 {key}")')
    return folder


def _jobs(*keys, notebook="tiny"):
    return [Briefing("unit", k, f"单位{k}", notebook, {"key": k}, f"unit-{k}") for k in keys]


def test_run_publishes_every_briefing_and_an_index(tmp_path, notebooks):
    out = tmp_path / "reports"
    done = []
    result = run_quarter(
        "2023Q2", out_dir=out, store=tmp_path / "none.sqlite", briefings=_jobs("甲", "乙", "丙"),
        notebooks_dir=notebooks, workers=2, on_done=done.append, allow_empty=True,
    )  # fmt: skip
    folder = out / "2023-工作报告" / "2023Q2"  # reports/<plan>/<quarter>/
    assert result.out_dir == folder and len(done) == 3
    for key in ("甲", "乙", "丙"):
        page = (folder / f"unit-{key}.html").read_text(encoding="utf-8")
        assert f"简报 {key}" in page and 'class="jp-InputArea' not in page
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = [unquote(link) for link in re.findall(r'href="([^"]+)"', index)]
    assert sorted(links) == ["../../index.html", "unit-丙.html", "unit-乙.html", "unit-甲.html"]
    assert all((folder / link).is_file() for link in links)
    assert "数据截至 2023-06-30" in index
    # published as a link to the one build; no staging left, only the quarter's lock file
    hidden = sorted(p.name for p in folder.parent.iterdir() if p.name.startswith("."))
    assert folder.is_symlink() and hidden == sorted([".2023Q2.lock", os.readlink(folder)])
    assert hidden[0].startswith(".2023Q2.build-")
    top = (out / "index.html").read_text(encoding="utf-8")  # the plans' index links the quarter
    assert 'href="2023-%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A/2023Q2/index.html"' in top
    assert "2023年第二季度" in top
    assert set(result.timings["worker"]) <= {0, 1} and len(result.timings) == 3


def test_failure_leaves_previous_reports_untouched(tmp_path, notebooks):
    out = tmp_path / "reports"
    store = tmp_path / "none.sqlite"
    run_quarter("2023Q2", out_dir=out, store=store, briefings=_jobs("甲"), notebooks_dir=notebooks,
                allow_empty=True)  # fmt: skip
    quarter_dir = out / "2023-工作报告" / "2023Q2"
    before = {p.name: p.read_bytes() for p in quarter_dir.rglob("*") if p.is_file()}
    jobs = _jobs("乙") + [Briefing("unit", "丁", "单位丁", "broken", {"key": "丁"}, "unit-丁")]
    with pytest.raises(NotebookRunError) as info:
        run_quarter("2023Q2", out_dir=out, store=store, briefings=jobs, notebooks_dir=notebooks,
                    workers=1, allow_empty=True)  # fmt: skip
    message = str(info.value)
    assert "broken.ipynb" in message and "cell 2" in message and "坏了 丁" in message
    after = {p.name: p.read_bytes() for p in quarter_dir.rglob("*") if p.is_file()}
    assert after == before
    (failed,) = [p for p in quarter_dir.parent.iterdir() if p.name.startswith(".2023Q2.failed-")]
    assert (failed / "notebooks" / "unit-丁.ipynb").is_file()  # kept for debugging
    assert str(failed / "notebooks" / "unit-丁.ipynb") in message  # where it really is


def test_bad_quarter_is_an_error(tmp_path, notebooks):
    with pytest.raises(TaskAnalyticsError, match="2023Q5"):
        run_quarter("2023Q5", out_dir=tmp_path, briefings=[], notebooks_dir=notebooks)


def test_quarterly_briefings_for_the_seed():
    plan = read_plan(DEFAULT_PLAN_PATH)
    jobs = quarterly_briefings(plan, "2023Q2")
    groups = [j.group for j in jobs]
    assert groups[0] == "overview" and groups[-1] == "audit"
    assert groups.count("unit") == 33 and groups.count("leader") == 8
    keys = {j.key for j in jobs if j.group == "indicator"}
    assert {"回迁安置", "一般公共预算收入", "地区生产总值增长", "化解政府性债务"} <= keys
    # every indicator with a quarterly trajectory (43), after the 全部量化指标 page, plan order
    indicator = [j for j in jobs if j.group == "indicator"]
    assert indicator[0].stem == "indicators_all" and indicator[0].title == "全部量化指标"
    assert [j.key for j in indicator[1:]] == indicator_keys(plan) and len(indicator) == 44
    assert 85 <= len(jobs) <= 100
    assert len({j.stem for j in jobs}) == len(jobs)
    assert all("/" not in j.stem and not j.stem.startswith(".") for j in jobs)


def test_pages_share_one_stylesheet_and_the_notebooks_are_kept_outside(tmp_path, notebooks):
    from taskanalytics.runner import LAB_STYLESHEET

    out = tmp_path / "reports"
    result = run_quarter(
        "2023Q2", out_dir=out, store=tmp_path / "none.sqlite", briefings=_jobs("甲", "乙"),
        notebooks_dir=notebooks, allow_empty=True,
    )  # fmt: skip
    folder = result.out_dir
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["index.html", LAB_STYLESHEET, "unit-甲.html", "unit-乙.html"]
    )  # no notebooks/ in the published folder
    assert (folder / LAB_STYLESHEET).stat().st_size > 100_000  # JupyterLab's CSS, once
    page = (folder / "unit-甲.html").read_text(encoding="utf-8")
    assert f'<link rel="stylesheet" type="text/css" href="{LAB_STYLESHEET}">' in page
    assert "critical subset" in page and len(page) < 40_000  # not 140 KB of CSS a page
    assert page.count(".jp-RenderedHTMLCommon table {") == 1
    # kept for debugging under the reports root, hidden from its index
    assert result.notebooks == out / ".runs" / "2023-工作报告" / "2023Q2"
    assert sorted(p.name for p in result.notebooks.iterdir()) == ["unit-乙.ipynb", "unit-甲.ipynb"]
    again = run_quarter(
        "2023Q2", out_dir=out, store=tmp_path / "none.sqlite", briefings=_jobs("丙"),
        notebooks_dir=notebooks, allow_empty=True,
    )  # fmt: skip
    assert [p.name for p in again.notebooks.iterdir()] == ["unit-丙.ipynb"]  # the last run's
    assert ".runs" not in (out / "index.html").read_text(encoding="utf-8")


def test_the_costliest_notebooks_start_first():
    from taskanalytics.quarterly import _longest_first

    jobs = [
        Briefing("indicator", "k", "k", "indicator_briefing", {}, "indicator-k"),
        Briefing("unit", "u", "u", "unit_briefing", {}, "unit-u"),
        Briefing("overview", None, "o", "quarterly_overview", {}, "overview"),
        Briefing("unit", "v", "v", "unit_briefing", {}, "unit-v"),
        Briefing("other", None, "t", "tiny", {}, "tiny"),
    ]
    assert [j.stem for j in _longest_first(jobs)] == [
        "overview", "unit-u", "unit-v", "indicator-k", "tiny"
    ]  # fmt: skip
