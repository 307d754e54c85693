"""Session fixtures: the seed plan, the demo store and one quarterly run, each built once
(once for all workers when ``make test`` runs pytest-xdist: ``stores.built_once``).

Shared data is read-only. A test that writes to a store takes ``demo_store_copy`` (its own file
in ``tmp_path``); a test that writes next to the quarterly run's pages copies them first. Each
session fixture checks at teardown that no test changed it, so a leak fails loudly instead of
skewing another module's data.
"""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from browser import close_shared_browser
from stores import (
    RUN_QUARTER,
    add_xss_correction,
    build_demo_store,
    built_once,
    copy_store,
    store_digest,
    tree_digest,
)

from taskanalytics import read_plan
from taskanalytics.config import DEFAULT_PLAN_PATH
from taskanalytics.runner import skip_rfc3987_syntax

# As in a run's processes: jsonschema (under altair and nbformat) would build rfc3987_syntax's
# lark grammars at import, ~3.5 s in every pytest process, for an IRI check nothing here uses.
skip_rfc3987_syntax()


#: The test files that take longest (about 10-55 s each on 2 cores), longest first. They start
#: first: ``make test`` hands out whole files in collection order (pytest-xdist's ``--dist
#: loadfile --no-loadscope-reorder``), so no worker is left running a long file alone at the end.
LONGEST_FIRST = (
    "test_explore_lab.py",
    "test_run_guards.py",
    "test_briefings_notebooks.py",
    "test_explore.py",
    "test_assess_oracle.py",
    "test_store_faults.py",
    "test_quarterly_full.py",
    "test_devices.py",
    "test_security.py",
    "test_fuzz.py",
    "test_pdfs.py",
    "test_check.py",
)


def pytest_collection_modifyitems(config, items):
    """Put the files of :data:`LONGEST_FIRST` first, in that order; the rest keep theirs."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_sessionfinish(session, exitstatus):
    """Close the process's shared chromium (``browser.shared_browser``), if a test opened it."""
    close_shared_browser()


def _assert_same_plan(plan, before) -> None:
    for f in dataclasses.fields(plan):
        now, then = getattr(plan, f.name), getattr(before, f.name)
        if isinstance(now, pd.DataFrame):
            pd.testing.assert_frame_equal(now, then, obj=f"seed_plan.{f.name}")
        else:
            assert now == then, f"a test changed seed_plan.{f.name}"


@pytest.fixture(scope="session")
def seed_plan():
    """The bundled plan (``read_plan(DEFAULT_PLAN_PATH)``), parsed once. Do not modify it:
    ``dataclasses.replace`` and ``DataFrame.assign`` give a changed copy."""
    plan = read_plan(DEFAULT_PLAN_PATH)
    before = copy.deepcopy(plan)
    yield plan
    _assert_same_plan(plan, before)


@pytest.fixture(scope="session")
def demo_store(seed_plan, tmp_path_factory) -> Path:
    """A store with demo progress of every lead unit for 2023Q1 and 2023Q2. Read-only: tests
    that ingest or otherwise write take ``demo_store_copy``."""
    path = built_once(
        tmp_path_factory.getbasetemp(),
        "demo_store",
        lambda folder: build_demo_store(seed_plan, folder / "progress.sqlite"),
    )
    digest = store_digest(path)
    yield path
    assert store_digest(path) == digest, "a test wrote to the shared demo_store"


@pytest.fixture
def demo_store_copy(demo_store, tmp_path) -> Path:
    """This test's own copy of ``demo_store``, free to write to."""
    return copy_store(demo_store, tmp_path / "demo_store" / "progress.sqlite")


@pytest.fixture(scope="session")
def warm_kernel():
    """One kernel per test process, started in the notebooks folder, for the tests that run a
    single briefing notebook (``run_notebook(..., kernel=warm_kernel)``): a quarterly run shares
    its kernels the same way, and each such test saves a kernel start and ~1.5 s of imports.
    Tests about a kernel's own start-up start their own."""
    from taskanalytics.runner import shared_kernel

    with shared_kernel() as kernel:
        yield kernel


@pytest.fixture(scope="session")
def quarter_store(seed_plan, demo_store, tmp_path_factory) -> Path:
    """``demo_store`` plus 财政局's corrected 2023Q2 report whose note is ``stores.XSS``
    (milestone ``stores.XSS_MILESTONE``). Read-only."""

    def build(root: Path) -> Path:
        path = copy_store(demo_store, root / "progress.sqlite")
        add_xss_correction(seed_plan, path, root / "fix")
        return path

    path = built_once(tmp_path_factory.getbasetemp(), "quarter_store", build)
    digest = store_digest(path)
    yield path
    assert store_digest(path) == digest, "a test wrote to the shared quarter_store"


@pytest.fixture(scope="session")
def quarter_run(quarter_store, tmp_path_factory):
    """The whole 2023Q2 run on ``quarter_store`` (88 briefings, papermill + nbconvert, about
    15-30 s on 2 cores), once per session (once for all pytest-xdist workers), shared by
    every test that needs one: a ``quarterly.RunResult``. Its folder (and ``.notebooks``, the
    executed notebooks kept beside it) is read-only; copy it to write beside it. Only slow
    tests may use it."""
    from taskanalytics.quarterly import run_quarter

    result = built_once(
        tmp_path_factory.getbasetemp(),
        "quarter_run",
        lambda folder: run_quarter(RUN_QUARTER, store=quarter_store, out_dir=folder / "reports"),
    )
    digest = tree_digest(result.out_dir)
    yield result
    assert tree_digest(result.out_dir) == digest, "a test wrote into the shared quarter_run"
