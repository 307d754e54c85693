"""Year two (issue 12): one store for many plans and years, without mixing them.

Real files throughout: plan documents written from the seed (:mod:`plans`), templates filled as
units fill them (:func:`stores.fill_unit_reports`), and a schema-v1 store written by the code
before plans were recorded (``tests/data/store_v1``, see its README). Stores are small: a few
lead units, two quarters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from plans import (
    REVISED_ADDED,
    REVISED_ADDED_TEXT,
    REVISED_DOC_NUMBER,
    REVISED_DROPPED,
    REVISED_REDATED,
    REVISED_RENUMBERED,
    REVISED_REWORDED,
    livelihood_text,
    revised_text,
    seed_text,
    work_report_text,
    write_plan,
    year_text,
)
from stores import copy_store, fill_unit_reports, store_digest, tree_digest

from taskanalytics import read_plan
from taskanalytics.assess.engine import assess, assess_all
from taskanalytics.config import DEFAULT_PLAN_PATH as SEED
from taskanalytics.errors import AssessmentError, PlanMismatchError, StoreError, ValidationError
from taskanalytics.plan.identity import plan_identity
from taskanalytics.progress import vocab as vp
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.store import (
    SCHEMA_VERSION,
    ingest_files,
    list_plans,
    load_progress_history,
    open_store,
    register_plan,
    store_versions,
)
from taskanalytics.progress.templates import write_template

#: The schema-v1 store made by the code of commit 1369302 (scripts/make_v1_store.py).
V1_STORE = Path(__file__).parent / "data" / "store_v1"
#: Lead units whose demo reports fill the small 2023 store (the v1 fixture holds the same four).
UNITS = ("财政局", "生态环境分局", "营商局", "教育局")
QUARTERS = ("2023Q1", "2023Q2")
SEED_SHA = hashlib.sha256(SEED.read_bytes()).hexdigest()
DONE = {"status": "已完成", "completed_date": dt.date(2023, 3, 20), "note": "完成"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(db: Path) -> tuple[str, dict[str, str], list[str]]:
    """What a refused operation must leave as it was: the SQLite file's bytes, every file of the
    archive (plan sources included) and the names in the store's folder (no -wal left over)."""
    archive = db.parent / "archive"
    return (
        _sha(db),
        tree_digest(archive) if archive.exists() else {},
        sorted(p.name for p in db.parent.iterdir()),
    )


def _copy(db: Path, folder: Path) -> Path:
    """A writable copy of a store: its SQLite file and its archive."""
    target = copy_store(db, folder / "store" / "progress.sqlite")
    if (db.parent / "archive").exists():
        shutil.copytree(db.parent / "archive", target.parent / "archive")
    open_store(target)  # WAL mode, as every store is once opened
    return target


def _v1_copy(folder: Path) -> Path:
    """A copy of the v1 fixture folder; the fixture itself is never opened."""
    shutil.copytree(V1_STORE, folder / "store_v1")
    return folder / "store_v1" / "progress.sqlite"


def _archived(folder: Path) -> list[Path]:
    """The report files a store in ``folder`` has archived."""
    return sorted((folder / "archive").glob("*.xlsx"))


def _schema(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]


def _version_of_file(db: Path, name: str) -> list[str]:
    """The plan version (source hash) each stored file called ``name`` is recorded under."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "SELECT v.sha256 FROM source_files AS f "
            "JOIN plan_versions AS v ON f.plan_version_id = v.version_id "
            "WHERE f.original_name = ? ORDER BY f.file_id",
            (name,),
        ).fetchall()
    return [r[0] for r in rows]


def _filled(plan, unit, quarter, reports, out: Path) -> Path:
    """A unit's template of ``plan`` for ``quarter``, filled with ``reports``, saved as ``out``."""
    blank = write_template(plan, unit, quarter, out.parent / "blank" / quarter, overwrite=True)
    return fill_template(blank, out, reports, synthetic=False)


def _set_readme(path: Path, key: str, value: object) -> Path:
    """Overwrite one cell of a template's metadata block (``vp.META_LABELS[key]``)."""
    wb = load_workbook(path)
    for label, cell in wb[vp.README_SHEET].iter_rows(max_col=2):
        if label.value == vp.META_LABELS[key]:
            cell.value = value
    wb.save(path)
    return path


# -- plans and stores shared by the module ------------------------------------------------


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plan_docs")


@pytest.fixture(scope="module")
def plan2024(docs):
    """The seed rolled to 2024: the same milestone ids, another year."""
    return read_plan(write_plan(docs, year_text(2024), "plan2024.txt"))


@pytest.fixture(scope="module")
def work_report(docs):
    return read_plan(write_plan(docs, work_report_text(), "work_report.txt"))


@pytest.fixture(scope="module")
def livelihood(docs):
    return read_plan(write_plan(docs, livelihood_text(), "livelihood.txt"))


@pytest.fixture(scope="module")
def revised(seed_plan, docs):
    """The 调整 of the seed, read under the seed's name (as the workspace names it)."""
    path = write_plan(docs, revised_text(), "revised.txt")
    return read_plan(path, name=plan_identity(seed_plan).name)


@pytest.fixture(scope="module")
def reports2023(seed_plan, tmp_path_factory) -> list[Path]:
    """Demo reports of :data:`UNITS` for 2023Q1 and 2023Q2, made from the seed's templates."""
    return fill_unit_reports(seed_plan, UNITS, QUARTERS, tmp_path_factory.mktemp("reports2023"))


@pytest.fixture(scope="module")
def store2023(seed_plan, reports2023, tmp_path_factory) -> Path:
    """A store holding the seed and :func:`reports2023`. Read-only: tests copy it to write."""
    db = tmp_path_factory.mktemp("store2023") / "progress.sqlite"
    ingest_files(reports2023, plan=seed_plan, store=db)
    digest = store_digest(db)
    yield db
    assert store_digest(db) == digest, "a test wrote to the module's store2023"


# -- the two-year scenario ----------------------------------------------------------------


def test_the_2024_plan_sees_none_of_the_2023_reports(
    seed_plan, plan2024, store2023, reports2023, tmp_path
):
    db = _copy(store2023, tmp_path)
    before_2023 = load_progress_history(db, plan=seed_plan)
    register_plan(db, plan2024)  # January 2024: the new plan joins the store
    assert list_plans(db)["name"].tolist() == ["2023-工作报告", "2024-工作报告"]

    history = load_progress_history(db, plan=plan2024)
    assert history.empty
    a = assess(plan2024, history, "2024Q1")
    m = a.milestones
    assert len(m) == len(plan2024.milestones)
    codes, as_of = m["status_code"], pd.Timestamp("2024-03-31")
    assert not codes.isin(["on_time", "done_late"]).any()
    assert a.by_unit[["done", "done_on_time", "done_late"]].to_numpy().sum() == 0
    assert m["reported_status"].isna().all() and m["report_as_of"].isna().all()
    # due before the as-of day: 未报送; due on it (3月底前, 2024-03-31): 今日到期, due but not
    # yet late (docs/assessment-rules.md §2), nothing reported either; the rest 未到期
    past, today = m["is_due"] & (m["due_date"] < as_of), m["is_due"] & (m["due_date"] == as_of)
    assert (past | today).sum() == m["is_due"].sum()
    assert (codes[past] == "not_reported").all() and past.any()
    assert (codes[today] == "due_today").all() and today.any()
    assert (codes[~m["is_due"]] == "not_due").all()
    assert set(m["status"].astype(str)) == {"未报送", "今日到期", "未到期"}

    # the store holds 2023 reports saying done on those very milestone ids (what issue 12 saw
    # counted for 2024): still there, and still counted, for the 2023 plan only
    after_2023 = load_progress_history(db, plan=seed_plan)
    pd.testing.assert_frame_equal(after_2023, before_2023)
    assert set(after_2023["sha256"]) == {_sha(p) for p in reports2023}
    done_2023 = set(after_2023.loc[after_2023["status"] == "done", "milestone_id"])
    assert done_2023 & set(m.loc[m["is_due"], "milestone_id"])
    a2023 = assess(seed_plan, after_2023, "2023Q1")
    assert (a2023.milestones["status_code"] == "on_time").any()
    with pytest.raises(AssessmentError, match="2023-工作报告"):
        assess(plan2024, after_2023, "2024Q1")  # another plan's reports are refused, not used


@pytest.mark.parametrize("registered", [True, False], ids=["2024-registered", "2024-new"])
def test_a_2023_template_is_refused_for_the_2024_plan(
    plan2024, store2023, reports2023, tmp_path, registered
):
    db = _copy(store2023, tmp_path)
    if registered:
        register_plan(db, plan2024)
    plans_before = list_plans(db)
    before = _snapshot(db)
    with pytest.raises(ValidationError, match="nothing was ingested") as info:
        ingest_files([reports2023[0]], plan=plan2024, store=db)
    (problem,) = info.value.problems
    assert problem.column == vp.META_LABELS["plan_year"] == "计划年度"
    assert str(problem.value) == "2023"
    assert "此表是2023年度的填报表，本计划为2024年度" in problem.expected
    assert problem.zh() == (
        "「说明」表「计划年度」：此表是2023年度的填报表，本计划为2024年度；请使用2024年度的填报模板。"
    )
    assert _snapshot(db) == before
    pd.testing.assert_frame_equal(list_plans(db), plans_before)  # nothing registered either


def test_a_2024_template_is_refused_for_the_2023_plan(seed_plan, plan2024, store2023, tmp_path):
    db = _copy(store2023, tmp_path)
    filled = _filled(plan2024, "财政局", "2024Q1", {}, tmp_path / "inbox" / "财政局_2024Q1.xlsx")
    before = _snapshot(db)
    with pytest.raises(ValidationError) as info:
        ingest_files([filled], plan=seed_plan, store=db)
    assert [p.column for p in info.value.problems] == ["计划年度"]
    assert "本计划为2023年度" in info.value.problems[0].expected
    assert _snapshot(db) == before


# -- two plans of one year in one store ---------------------------------------------------


@pytest.fixture(scope="module")
def two_plans(work_report, livelihood, tmp_path_factory):
    """One store with both documents of 2023, and one store for each alone, from the same files.

    Demo reports of three lead units of each, 教育局 reporting on both: the same file names
    (教育局_2023Q1.xlsx) in both plans.
    """
    root = tmp_path_factory.mktemp("two_plans")
    both = root / "both" / "progress.sqlite"
    wr_files = fill_unit_reports(work_report, ("财政局", "营商局", "教育局"), QUARTERS,
                                 root / "work_report")  # fmt: skip
    lh_files = fill_unit_reports(livelihood, ("教育局", "民政局", "房屋征收中心"), QUARTERS,
                                 root / "livelihood")  # fmt: skip
    wr = ingest_files(wr_files, plan=work_report, store=both)
    lh = ingest_files(lh_files, plan=livelihood, store=both)
    alone = {}
    for name, plan, result in (("work_report", work_report, wr), ("livelihood", livelihood, lh)):
        alone[name] = root / name / "progress.sqlite"
        ingest_files([f.path for f in result.ingested], plan=plan, store=alone[name])
    return {"both": both, "work_report": wr, "livelihood": lh, "alone": alone}


def test_two_plans_of_one_year_are_listed_apart(two_plans):
    listed = list_plans(two_plans["both"]).set_index("name")
    assert listed.index.tolist() == ["2023-工作报告", "2023-民生实事"]
    assert listed["kind"].tolist() == ["work_report", "livelihood"]
    assert listed["doc_number"].tolist() == ["双区政办发〔2023〕1号", "双区政办发〔2023〕2号"]
    for name, key in (("2023-工作报告", "work_report"), ("2023-民生实事", "livelihood")):
        files = two_plans[key].ingested
        assert two_plans[key].skipped == ()
        row = listed.loc[name]
        assert (row["year"], row["versions"]) == (2023, 1)
        assert row["files"] == row["synthetic_files"] == len(files)
        assert row["reports"] == sum(f.n_reports for f in files)
        assert row["units"] == len({f.unit for f in files})
        assert (row["first_quarter"], row["last_quarter"]) == QUARTERS
    # the same unit and quarter in both plans: 教育局_2023Q1.xlsx twice, two different files
    same = [f for key in ("work_report", "livelihood") for f in two_plans[key].ingested
            if f.path.name == "教育局_2023Q1.xlsx"]  # fmt: skip
    assert len(same) == 2 and same[0].sha256 != same[1].sha256


@pytest.mark.parametrize("key, prefix", [("work_report", "T"), ("livelihood", "L")])
def test_each_plan_of_the_year_reads_and_assesses_only_its_own(request, two_plans, key, prefix):
    plan = request.getfixturevalue(key)
    history = load_progress_history(two_plans["both"], plan=plan)
    assert history["milestone_id"].str.startswith(prefix).all()
    assert set(history["milestone_id"]) <= set(plan.milestones["milestone_id"])
    assert set(history["sha256"]) == {f.sha256 for f in two_plans[key].ingested}
    assert set(history["plan"]) == {plan_identity(plan).name}
    assert set(history["plan_version"]) == {plan_identity(plan).sha256}
    alone = load_progress_history(two_plans["alone"][key], plan=plan)
    pd.testing.assert_frame_equal(
        history.drop(columns="ingested_at"), alone.drop(columns="ingested_at")
    )
    mixed = assess_all(plan, history, list(QUARTERS))
    single = assess_all(plan, alone, list(QUARTERS))
    assert mixed.unmatched.empty
    pd.testing.assert_frame_equal(mixed.milestones, single.milestones)
    pd.testing.assert_frame_equal(mixed.indicators, single.indicators)
    pd.testing.assert_frame_equal(mixed.by_unit, single.by_unit)


@pytest.mark.parametrize("target", ["work_report", "seed_plan"])
def test_a_livelihood_template_is_refused_for_the_work_report(
    request, two_plans, livelihood, tmp_path, target
):
    """Also into the seed, which holds the same 民生实事 milestone ids (L02.01 …) and units: only
    the template's plan name tells the two documents apart."""
    plan = request.getfixturevalue(target)
    db = _copy(two_plans["both"], tmp_path) if target == "work_report" else tmp_path / "p.sqlite"
    register_plan(db, plan)
    made = next(f.path for f in two_plans["livelihood"].ingested if f.unit == "教育局")
    before = _snapshot(db)
    with pytest.raises(ValidationError) as info:
        ingest_files([made], plan=plan, store=db)
    (problem,) = info.value.problems
    assert problem.column == vp.META_LABELS["plan_name"] == "计划名称"
    assert problem.value == "2023-民生实事"
    assert "不能报送到“2023-工作报告”" in problem.expected
    assert _snapshot(db) == before


# -- the v1 store made by the previous code -----------------------------------------------


def _expected_v1_history() -> pd.DataFrame:
    """What the old code's ``load_progress_history`` returned for the fixture (its CSV)."""
    frame = pd.read_csv(V1_STORE / "expected_history.csv")
    return frame.assign(
        as_of_date=pd.to_datetime(frame["as_of_date"]),
        completed_date=pd.to_datetime(frame["completed_date"]),
        ingested_at=pd.to_datetime(frame["ingested_at"], utc=True, format="ISO8601"),
    )


def test_the_v1_fixture_is_a_self_contained_v1_store():
    names = {p.name for p in V1_STORE.iterdir()}
    assert names == {"README.md", "progress.sqlite", "archive", "expected_history.csv"}
    size = sum(p.stat().st_size for p in V1_STORE.rglob("*") if p.is_file())
    assert size < 400 * 1024
    uri = f"file:{V1_STORE / 'progress.sqlite'}?mode=ro&immutable=1"  # writes nothing beside it
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(source_files)")}
        archived = [r[0] for r in conn.execute("SELECT archived_path FROM source_files")]
    assert "plans" not in tables and "plan_version_id" not in columns
    assert sorted(archived) == [f"archive/{p.name}" for p in _archived(V1_STORE)]
    assert len(archived) == len(UNITS) * len(QUARTERS)


def test_a_v1_store_migrates_to_its_plan(seed_plan, plan2024, tmp_path):
    db = _v1_copy(tmp_path)
    open_store(db, plans=[plan2024, seed_plan])  # the 2024 plan fits nothing: not registered
    assert _schema(db) == SCHEMA_VERSION == 5
    with closing(sqlite3.connect(db)) as conn:
        unattached = conn.execute(
            "SELECT COUNT(*) FROM source_files WHERE plan_version_id IS NULL"
        ).fetchone()[0]
        versions = conn.execute("SELECT DISTINCT plan_version_id FROM source_files").fetchall()
    assert unattached == 0 and len(versions) == 1
    listed = list_plans(db)
    assert listed["name"].tolist() == ["2023-工作报告"]
    assert listed.loc[0, "files"] == len(UNITS) * len(QUARTERS)
    assert listed.loc[0, "units"] == len(UNITS)
    assert (db.parent / "archive" / "plans" / f"{SEED_SHA}.txt").read_bytes() == SEED.read_bytes()

    history = load_progress_history(db, plan=seed_plan)
    assert set(history["plan"]) == {"2023-工作报告"} and set(history["plan_version"]) == {SEED_SHA}
    pd.testing.assert_frame_equal(
        history.drop(columns=["plan", "plan_version"]), _expected_v1_history()
    )
    assert load_progress_history(db, plan=plan2024).empty


@pytest.mark.parametrize("given", ["no plan", "2024 only"])
def test_a_v1_store_that_fits_no_plan_is_refused_and_left_as_it_was(
    seed_plan, plan2024, tmp_path, given
):
    db = _v1_copy(tmp_path)
    before = _snapshot(db)
    plans = [] if given == "no plan" else [plan2024]
    with pytest.raises(StoreError, match="nothing was changed") as info:
        open_store(db, plans=plans)
    assert "财政局_2023Q1.xlsx" in str(info.value)  # the first file that fits no plan
    if plans:
        assert "2024-工作报告: its as-of date 2023-03-31 is not in 2024" in str(info.value)
    assert _snapshot(db) == before
    assert _schema(db) == 1  # the v1 schema intact ...
    open_store(db, plans=[seed_plan])  # ... and still migratable with the right plan
    assert _schema(db) == 5


def test_a_v1_store_that_fits_two_plans_is_refused(seed_plan, tmp_path):
    copy = shutil.copy(SEED, tmp_path / "copy_of_seed.txt")
    twin = read_plan(copy, name="2023-副本")
    db = _v1_copy(tmp_path)
    before = _snapshot(db)
    with pytest.raises(StoreError, match="fits 2023-工作报告 and 2023-副本"):
        open_store(db, plans=[seed_plan, twin])
    assert _snapshot(db) == before and _schema(db) == 1


def test_an_old_template_without_plan_identity_is_checked_by_its_quarter(
    seed_plan, plan2024, tmp_path
):
    """The v1 archive's workbooks carry no 计划年度: the 2024 plan refuses them by 填报季度;
    the 2023 plan knows them already (same bytes: skipped)."""
    db = _v1_copy(tmp_path)
    old = _archived(db.parent)[0]
    open_store(db, plans=[seed_plan])
    before = _snapshot(db)
    with pytest.raises(ValidationError) as info:
        ingest_files([old], plan=plan2024, store=db)
    columns = {p.column for p in info.value.problems}
    assert vp.META_LABELS["quarter"] in columns and "计划年度" not in columns
    assert _snapshot(db) == before
    again = ingest_files([old], plan=seed_plan, store=db)
    assert again.ingested == () and len(again.skipped) == 1


# -- a plan revised mid-year (调整) --------------------------------------------------------

#: What the seed's units report before the 调整: (unit, quarter) -> reports.
SEED_REPORTS = {
    ("营商局", "2023Q1"): {"T012.01": DONE},
    ("生态环境分局", "2023Q1"): {"T080.01": DONE},
    ("营商局", "2023Q2"): {"T012.02": {**DONE, "completed_date": dt.date(2023, 6, 1)}},
    ("生态环境分局", "2023Q2"): {
        REVISED_DROPPED: {**DONE, "completed_date": dt.date(2023, 6, 5)},
    },
    ("财政局", "2023Q2"): {
        REVISED_REWORDED[0]: {**DONE, "completed_date": dt.date(2023, 6, 20), "values": {1: 20500}}
    },
    ("商务局", "2023Q2"): {REVISED_REDATED[0]: {"status": "推进中", "note": "试运营准备"}},
}


@pytest.fixture(scope="module")
def seed_store(seed_plan, tmp_path_factory) -> Path:
    """The seed registered, then :data:`SEED_REPORTS` made from its templates. Read-only."""
    root = tmp_path_factory.mktemp("revision")
    db = root / "store" / "progress.sqlite"
    register_plan(db, seed_plan)
    files = [
        _filled(seed_plan, unit, quarter, reports, root / "inbox" / f"{unit}_{quarter}.xlsx")
        for (unit, quarter), reports in SEED_REPORTS.items()
    ]
    ingest_files(files, plan=seed_plan, store=db)
    digest = store_digest(db)
    yield db
    assert store_digest(db) == digest, "a test wrote to the module's seed_store"


def test_a_revision_is_a_new_version_in_force_from_its_issue_date(
    seed_plan, revised, seed_store, tmp_path
):
    db = _copy(seed_store, tmp_path)
    version = register_plan(db, revised)
    assert version.effective_from == dt.date(2023, 7, 10)  # its issue date, 2023年7月10日
    assert (version.name, version.doc_number) == ("2023-工作报告", REVISED_DOC_NUMBER)
    assert register_plan(db, revised) == version  # registering again is a no-op
    for plan in (seed_plan, revised):
        versions = store_versions(db, plan)
        assert [v.sha256 for v in versions] == [SEED_SHA, plan_identity(revised).sha256]
        assert [v.effective_from for v in versions] == [dt.date(2023, 1, 1), dt.date(2023, 7, 10)]
    listed = list_plans(db)
    assert listed[["name", "versions", "doc_number"]].values.tolist() == [
        ["2023-工作报告", 2, REVISED_DOC_NUMBER]
    ]
    assert listed.loc[0, "in_force_from"] == "2023-07-10"


def test_reports_made_before_a_revision_count_under_its_ids(
    seed_plan, revised, seed_store, tmp_path
):
    db = _copy(seed_store, tmp_path)
    register_plan(db, revised)
    old = load_progress_history(db, plan=seed_plan)
    new = load_progress_history(db, plan=revised)
    reported = set(old["milestone_id"])
    assert {"T012.02", REVISED_DROPPED, REVISED_REWORDED[0]} <= reported
    assert set(new["milestone_id"]) == {
        REVISED_RENUMBERED.get(m, m) for m in reported if m != REVISED_DROPPED
    }
    assert "T012.03" in set(new["milestone_id"])  # the report on old T012.02
    assert len(new) == len(old) - 1
    assert set(new["plan_version"]) == {SEED_SHA}  # what each file was made for
    task_of = dict(
        zip(revised.milestones["milestone_id"], revised.milestones["task_id"], strict=True)
    )
    assert (new["task_id"] == new["milestone_id"].map(task_of)).all()
    renumbered = new.set_index("milestone_id")
    assert renumbered.loc["T012.03", "completed_date"] == pd.Timestamp("2023-06-01")
    assert renumbered.loc[REVISED_REWORDED[1], "actual_1"] == 20500
    # assessed under the revision: the report on old T012.02 is on time for T012.03; the
    # milestone the revision added has no report
    a = assess(revised, new, "2023Q3").milestones.set_index("milestone_id")
    assert a.loc["T012.03", "status_code"] == "on_time"
    assert a.loc[REVISED_ADDED, "status_code"] == "not_reported"
    assert a.loc[REVISED_ADDED, "text"].startswith(REVISED_ADDED_TEXT)


def test_a_template_of_either_version_is_stored_under_the_version_it_was_made_from(
    seed_plan, revised, seed_store, tmp_path
):
    db = _copy(seed_store, tmp_path)
    register_plan(db, revised)
    inbox = tmp_path / "inbox"
    correction = {"T012.02": {**DONE, "completed_date": dt.date(2023, 6, 2), "note": "更正"}}
    old = _filled(seed_plan, "营商局", "2023Q2", correction, inbox / "营商局_更正.xlsx")
    added = {REVISED_ADDED: {**DONE, "completed_date": dt.date(2023, 5, 30)}}
    new = _filled(revised, "营商局", "2023Q3", added, inbox / "营商局_2023Q3.xlsx")
    ingest_files([old], plan=revised, store=db)  # the seed's template, ingested for the revision
    ingest_files([new], plan=seed_plan, store=db)  # and the other way round
    assert _version_of_file(db, old.name) == [SEED_SHA]
    assert _version_of_file(db, new.name) == [plan_identity(revised).sha256]
    history = load_progress_history(db, plan=revised)
    fixed = history[history["source_file"] == old.name]
    assert fixed["milestone_id"].tolist() == ["T012.03"] and fixed["note"].tolist() == ["更正"]
    added_row = history[history["source_file"] == new.name]
    assert added_row["milestone_id"].tolist() == [REVISED_ADDED]


def test_a_template_of_an_unregistered_version_is_refused(seed_plan, revised, seed_store, tmp_path):
    db = _copy(seed_store, tmp_path)  # the revision is not registered here
    inbox = tmp_path / "inbox"
    made_from_revision = _filled(revised, "营商局", "2023Q3", {}, inbox / "营商局_调整.xlsx")
    forged = _set_readme(
        _filled(seed_plan, "营商局", "2023Q2", {"T012.02": DONE}, inbox / "营商局_forged.xlsx"),
        "plan_version",
        "0" * 64,
    )
    before = _snapshot(db)
    for path, found in ((made_from_revision, plan_identity(revised).short_sha), (forged, "0" * 12)):
        with pytest.raises(ValidationError) as info:
            ingest_files([path], plan=seed_plan, store=db)
        (problem,) = info.value.problems
        assert problem.column == vp.META_LABELS["plan_version"] == "计划版本"
        assert problem.value == found and f"计划版本 {found} 未在进度库中登记" in problem.expected
    assert _snapshot(db) == before


def test_a_changed_source_needs_a_later_date(seed_plan, revised, seed_store, docs, tmp_path):
    db = _copy(seed_store, tmp_path)
    register_plan(db, revised)
    # the revision edited again, still dated 2023年7月10日: not later than the version in force
    again = revised_text().replace(REVISED_ADDED_TEXT, REVISED_ADDED_TEXT + "并公开")
    edited = read_plan(write_plan(docs, again, "revised_again.txt"), name="2023-工作报告")
    before = _snapshot(db)
    for effective_from in (None, dt.date(2023, 7, 10), dt.date(2023, 7, 1)):
        with pytest.raises(PlanMismatchError, match="changed"):
            register_plan(db, edited, effective_from=effective_from)
    assert _snapshot(db) == before
    assert len(store_versions(db, seed_plan)) == 2
    later = register_plan(db, edited, effective_from=dt.date(2023, 9, 1))
    assert later.effective_from == dt.date(2023, 9, 1)
    assert len(store_versions(db, seed_plan)) == 3


def test_the_same_document_saved_again_is_not_a_revision(seed_plan, seed_store, docs, tmp_path):
    """The seed re-saved (same 文号, same issue date 2023-03-16, other bytes) is no 调整: its
    issue date is not later than the document it would revise, whatever the first version's
    effective date (1 January)."""
    db = _copy(seed_store, tmp_path)
    resaved = read_plan(write_plan(docs, seed_text(), "seed_resaved.txt"))
    assert plan_identity(resaved).sha256 != SEED_SHA
    assert resaved.meta["issued_date"] == seed_plan.meta["issued_date"]
    filled = _filled(resaved, "财政局", "2023Q3", {}, tmp_path / "inbox" / "财政局_2023Q3.xlsx")
    before = _snapshot(db)
    with pytest.raises(PlanMismatchError, match="not later"):
        register_plan(db, resaved)
    with pytest.raises(PlanMismatchError, match="not later"):
        ingest_files([filled], plan=resaved, store=db)
    assert _snapshot(db) == before
    assert len(store_versions(db, seed_plan)) == 1


def test_a_plan_named_like_another_years_is_refused(seed_plan, seed_store, docs, tmp_path):
    db = _copy(seed_store, tmp_path)
    misnamed = read_plan(write_plan(docs, year_text(2024), "misnamed.txt"), name="2023-工作报告")
    filled = _filled(misnamed, "财政局", "2024Q1", {}, tmp_path / "inbox" / "财政局_2024Q1.xlsx")
    before = _snapshot(db)
    with pytest.raises(PlanMismatchError, match="registered for 2023"):
        register_plan(db, misnamed)
    with pytest.raises(PlanMismatchError, match="registered for 2023"):
        ingest_files([filled], plan=misnamed, store=db)
    with pytest.raises(PlanMismatchError, match="registered for 2023"):
        load_progress_history(db, plan=misnamed)
    assert _snapshot(db) == before
    assert list_plans(db)["name"].tolist() == ["2023-工作报告"]


def test_a_page_assesses_the_version_in_force_and_says_so(seed_plan, tmp_path):
    """load_context swaps in the version in force on the as-of date, whichever file it was given."""
    import datetime as dt

    import plans

    from taskanalytics.briefing import load_context
    from taskanalytics.config import DEFAULT_PLAN_PATH
    from taskanalytics.progress.store import register_plan

    store = tmp_path / "progress.sqlite"
    revised_path = plans.write_plan(tmp_path, plans.revised_text(), "revised.txt")
    register_plan(store, seed_plan)
    register_plan(store, read_plan(revised_path), effective_from=dt.date(2023, 7, 10))
    q3 = load_context("2023Q3", plan_path=DEFAULT_PLAN_PATH, store=store)
    assert q3.version_text == "双区政办发〔2023〕9号（2023-07-10起施行），按截至日期适用的版本评估"
    assert plans.REVISED_ADDED in set(q3.plan.milestones["milestone_id"])
    q1 = load_context("2023Q1", plan_path=revised_path, store=store)
    assert q1.version_text.startswith("双区政办发〔2023〕1号（2023-01-01起施行）")
    assert plans.REVISED_DROPPED in set(q1.plan.milestones["milestone_id"])
