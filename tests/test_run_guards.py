"""A quarterly run that cannot lie: it refuses to publish nothing, reads one snapshot of the
store, publishes in one atomic step, runs once at a time and leaves nothing behind a kill.

Most tests use tiny notebooks written into tmp_path (as tests/test_quarterly.py does); the
snapshot and path tests run the real unit and overview notebooks on a small store of a few
units' reports.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from stores import copy_store, fill_unit_reports, tree_digest

from taskanalytics.errors import RunLockedError, RunRefusedError
from taskanalytics.progress.store import ingest_files
from taskanalytics.quarterly import Briefing, quarterly_briefings, run_quarter

PLAN = "2023-工作报告"  # the bundled plan's folder under the reports root
#: Lead units whose demo reports the small store holds (each has milestones due in 2023Q2).
UNITS = ("财政局", "发改局", "住建局")


def _notebook(path: Path, body: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('key = "x"\nstore = None', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nbformat.write(nb, path)


@pytest.fixture
def notebooks(tmp_path) -> Path:
    """``tiny``: a page naming its key and whether its ``store`` is absolute and exists."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(
        folder / "tiny.ipynb",
        "import os\nfrom IPython.display import HTML\n"
        "HTML(f\"<p>简报 {key} abs={os.path.isabs(store or '')} "
        "exists={os.path.exists(store or '')}</p>\")",
    )
    return folder


def _jobs(*keys: str, store: Path | None = None) -> list[Briefing]:
    params = {} if store is None else {"store": str(store)}
    return [
        Briefing("unit", k, f"单位{k}", "tiny", {"key": k, **params}, f"unit-{k}") for k in keys
    ]


@pytest.fixture(scope="module")
def unit_files(seed_plan, tmp_path_factory) -> list[Path]:
    """Demo reports of :data:`UNITS` for 2023Q1 and 2023Q2 (files, not ingested)."""
    folder = tmp_path_factory.mktemp("unit_files")
    return fill_unit_reports(seed_plan, UNITS, ["2023Q1", "2023Q2"], folder)


@pytest.fixture(scope="module")
def small_store(seed_plan, unit_files, tmp_path_factory) -> Path:
    """A store with the Q1 and Q2 reports of :data:`UNITS`. Read-only: copy it to write."""
    path = tmp_path_factory.mktemp("small_store") / "progress.sqlite"
    ingest_files(unit_files, plan=seed_plan, store=path)
    return path


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- refusals


def test_a_missing_store_is_refused_before_anything_is_written(tmp_path, notebooks):
    store, out = tmp_path / "typo.sqlite", tmp_path / "reports"
    with pytest.raises(RunRefusedError) as info:
        run_quarter("2023Q2", store=store, out_dir=out, briefings=_jobs("甲"),
                    notebooks_dir=notebooks)  # fmt: skip
    message = str(info.value)
    for said in (str(store), PLAN, "2023Q2", "does not exist", "--allow-empty", "--store"):
        assert said in message
    assert info.value.store == str(store) and info.value.quarter == "2023Q2"
    assert not store.exists() and not out.exists()


def test_a_store_without_a_report_dated_in_the_quarter_is_refused(
    seed_plan, unit_files, tmp_path, notebooks
):
    store, out = tmp_path / "q1.sqlite", tmp_path / "reports"
    ingest_files([f for f in unit_files if "2023Q1" in f.name], plan=seed_plan, store=store)
    with pytest.raises(RunRefusedError) as info:
        run_quarter("2023Q2", store=store, out_dir=out, briefings=_jobs("甲"),
                    notebooks_dir=notebooks, min_units=0)  # fmt: skip
    message = str(info.value)
    assert "no report of this plan with an as-of date in 2023Q2" in message
    assert "2023-04-01..2023-06-30" in message and "3 file(s) of the plan dated earlier" in message
    assert str(store) in message and PLAN in message and "--allow-empty" in message
    assert _hidden(out / PLAN) == [".2023Q2.lock"]  # no staging, nothing published


def test_too_few_units_reporting_is_refused_and_min_units_sets_the_threshold(small_store, tmp_path):
    out = tmp_path / "reports"
    with pytest.raises(RunRefusedError) as info:
        run_quarter("2023Q2", store=small_store, out_dir=out, briefings=[])
    message = str(info.value)
    found = re.search(r"only 3 of the (\d+) lead units with milestones due by 2023-06-30", message)
    assert found, message
    assert f"threshold {(int(found[1]) + 1) // 2} (half of them" in message
    assert "--min-units N" in message and "--allow-empty" in message
    with pytest.raises(RunRefusedError, match="fewer than the threshold 4 .min_units."):
        run_quarter("2023Q2", store=small_store, out_dir=out, briefings=[], min_units=4)
    assert not (out / PLAN / "2023Q2").exists()
    result = run_quarter("2023Q2", store=small_store, out_dir=out, briefings=[], min_units=3)
    assert (result.out_dir / "index.html").is_file()


def test_allow_empty_publishes_a_missing_store_as_nobody_reported(tmp_path, notebooks):
    store, out = tmp_path / "none.sqlite", tmp_path / "reports"
    result = run_quarter("2023Q2", store=store, out_dir=out, briefings=_jobs("甲", store=store),
                         notebooks_dir=notebooks, allow_empty=True)  # fmt: skip
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert "本期使用的报送文件及校验值（0 份）" in index
    page = (result.out_dir / "unit-甲.html").read_text(encoding="utf-8")
    assert "简报 甲 abs=True exists=False" in page  # an absolute path, and no store made
    assert not store.exists()


# --------------------------------------------------------------------------- one at a time


def test_a_second_run_of_the_same_quarter_fails_at_once(small_store, tmp_path):
    from taskanalytics.publishing import lock_quarter

    root = tmp_path / "reports" / PLAN
    root.mkdir(parents=True)
    with lock_quarter(root, "2023Q2"):  # as a run in progress holds it
        started = time.perf_counter()
        with pytest.raises(RunLockedError) as info:
            run_quarter("2023Q2", store=small_store, out_dir=tmp_path / "reports", briefings=[],
                        min_units=0)  # fmt: skip
        assert time.perf_counter() - started < 10
    message = str(info.value)
    assert str(root / ".2023Q2.lock") in message and f"pid {os.getpid()}" in message
    assert "in progress" in message
    # another quarter of the same plan is not held up, and the lock is free again
    run_quarter("2023Q1", store=small_store, out_dir=tmp_path / "reports", briefings=[],
                min_units=0)  # fmt: skip
    run_quarter("2023Q2", store=small_store, out_dir=tmp_path / "reports", briefings=[],
                min_units=0)  # fmt: skip


# --------------------------------------------------------------------------- no chdir, paths


@pytest.mark.slow
def test_no_chdir_and_relative_paths_name_the_same_files(small_store, tmp_path, notebooks,
                                                          monkeypatch):  # fmt: skip
    """A relative store and output from another working directory, two kernels at once."""
    project = tmp_path / "project"
    copy_store(small_store, project / "data" / "progress.sqlite")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    def no_chdir(path):
        raise AssertionError(f"os.chdir({path!r}) while the run's threads work")

    monkeypatch.setattr(os, "chdir", no_chdir)
    seen = []
    result = run_quarter(
        "2023Q2", store="../project/data/progress.sqlite", out_dir="../project/reports",
        briefings=_jobs("甲", "乙", "丙", "丁", store=Path("../project/data/progress.sqlite")),
        notebooks_dir=notebooks, workers=2, min_units=3,
        on_done=lambda job: seen.append(os.getcwd()),
    )  # fmt: skip
    assert seen == [str(elsewhere)] * 4
    assert result.out_dir == project / "reports" / PLAN / "2023Q2"
    for key in "甲乙丙丁":
        page = (result.out_dir / f"unit-{key}.html").read_text(encoding="utf-8")
        assert f"简报 {key} abs=True exists=True" in page
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert "本期使用的报送文件及校验值（6 份）" in index  # the store given, from elsewhere


# --------------------------------------------------------------------------- one snapshot


@pytest.mark.slow
def test_a_file_ingested_during_the_run_is_on_no_page(seed_plan, unit_files, tmp_path):
    """The overview, the later unit pages and the index all count the store as it was when
    the run started; the file ingested after the first page is in none of them."""
    store, out = tmp_path / "store" / "progress.sqlite", tmp_path / "reports"
    late = next(f for f in unit_files if f.name == "住建局_2023Q2.xlsx")
    ingest_files([f for f in unit_files if f != late], plan=seed_plan, store=store)
    jobs = quarterly_briefings(seed_plan, "2023Q2", store=store)
    jobs = [j for j in jobs if j.group == "overview" or j.key in UNITS]
    assert [j.group for j in jobs] == ["overview", "unit", "unit", "unit"]
    ingested = []

    def ingest_once(job):
        if not ingested:
            ingested.append(ingest_files([late], plan=seed_plan, store=store))

    result = run_quarter("2023Q2", store=store, out_dir=out, briefings=jobs, workers=1,
                         on_done=ingest_once, min_units=2)  # fmt: skip
    assert ingested and ingested[0].ingested  # the store has it now
    late_sha = ingested[0].ingested[0].sha256
    index = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert "本期使用的报送文件及校验值（5 份）" in index
    for job in jobs:
        page = (result.out_dir / f"{job.stem}.html").read_text(encoding="utf-8")
        assert "进度报送 5 份（3 个单位" in page, job.stem  # the overview's count, everywhere
        assert late_sha[:12] not in page
    assert late_sha[:12] not in index
    unit = (result.out_dir / "unit-住建局.html").read_text(encoding="utf-8")
    assert "住建局_2023Q1.xlsx" in unit and "住建局_2023Q2.xlsx" not in unit
    assert not list(out.rglob("*.sqlite"))  # the snapshot is not published


# --------------------------------------------------------------------------- kill -9

_KILLED_RUN = """
import os, sys, time
from pathlib import Path
from taskanalytics.quarterly import Briefing, run_quarter

out, nbs, marker, point = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]

def pause(*_):
    marker.write_text(str(os.getpid()))
    time.sleep(600)

if point == "publish":  # stop between the finished build and the link's swap
    real = os.symlink
    def symlink(src, dst, *args, **kwargs):
        real(src, dst, *args, **kwargs)
        if ".link-" in str(dst):
            pause()
    os.symlink = symlink
jobs = [Briefing("unit", k, k, "tiny", {"key": k}, f"unit-{k}") for k in ("乙", "丙")]
run_quarter("2023Q2", out_dir=out, store=out / "none.sqlite", briefings=jobs,
            notebooks_dir=nbs, workers=1, allow_empty=True,
            on_done=pause if point == "execute" else None)
"""


@pytest.mark.slow
@pytest.mark.parametrize("point", ["execute", "publish"])
def test_a_killed_run_publishes_nothing_and_the_next_cleans_up(tmp_path, notebooks, point):
    out = tmp_path / "reports"
    kw = {"out_dir": out, "store": tmp_path / "none.sqlite", "notebooks_dir": notebooks,
          "allow_empty": True}  # fmt: skip
    first = run_quarter("2023Q2", briefings=_jobs("甲"), **kw)
    root, final = out / PLAN, first.out_dir
    published, target = tree_digest(final), os.readlink(final)
    top = (out / "index.html").read_bytes()

    script, marker = tmp_path / "killed_run.py", tmp_path / "paused"
    script.write_text(textwrap.dedent(_KILLED_RUN), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(out), str(notebooks), str(marker), point],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "the run never reached the kill point"
            time.sleep(0.2)
        with pytest.raises(RunLockedError, match=f"pid {proc.pid}"):  # a second run at once
            run_quarter("2023Q2", briefings=_jobs("戊"), **kw)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()

    assert os.readlink(final) == target and tree_digest(final) == published  # intact
    assert (out / "index.html").read_bytes() == top
    left = _hidden(root)
    if point == "execute":  # half a run, in its staging folder, unpublished
        (staging,) = [n for n in left if n.startswith(".2023Q2.tmp-")]
        assert (root / staging / "unit-乙.html").is_file()
        assert not (root / staging / "unit-丙.html").exists()
    else:  # a whole build and its link, but the quarter's link still names the old build
        builds = [n for n in left if n.startswith(".2023Q2.build-")]
        assert len(builds) == 2 and target in builds
        assert [n for n in left if n.startswith(".2023Q2.link-")]
    assert "unit-乙.html" not in {p.name for p in final.iterdir()}

    again = run_quarter("2023Q2", briefings=_jobs("丁"), **kw)
    assert sorted(p.name for p in again.out_dir.glob("*.html")) == ["index.html", "unit-丁.html"]
    (build,) = [n for n in _hidden(root) if n.startswith(".2023Q2.build-")]
    assert _hidden(root) == sorted([build, ".2023Q2.lock"])  # leftovers and old builds gone
    assert os.readlink(again.out_dir) == build


def test_a_folder_published_before_links_is_replaced_in_one_step(small_store, tmp_path):
    root = tmp_path / "reports" / PLAN
    (root / "2023Q2").mkdir(parents=True)
    (root / "2023Q2" / "index.html").write_text("old", encoding="utf-8")
    (root / ".2023Q2.old-20230101-000000-1").mkdir()  # what the two-rename publish could leave
    result = run_quarter("2023Q2", store=small_store, out_dir=tmp_path / "reports",
                         briefings=[], min_units=0)  # fmt: skip
    assert result.out_dir.is_symlink()
    assert "数据截至 2023-06-30" in (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert [n for n in _hidden(root) if not n.startswith(".2023Q2.build-")] == [".2023Q2.lock"]
    top = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2023Q2/index.html" in top  # the linked quarter is listed
