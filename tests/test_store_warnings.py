"""The intake's warnings (提醒) are stored with their file and shown on the unit's page.

Real files: templates written by ``write_templates`` and filled by ``fill_template`` as a clerk
would (status 已完成 with an actual below the target is accepted with a warning). Small stores in
``tmp_path``; the schema-v1 fixture (``tests/data/store_v1``) is copied before it is opened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd
import pytest
from plans import write_plan, year_text
from stores import store_digest

import taskanalytics
from taskanalytics import briefing, read_plan, schema
from taskanalytics.errors import ValidationError
from taskanalytics.progress.demo import fill_template
from taskanalytics.progress.file_warnings import WARNING_COLUMNS, value_text
from taskanalytics.progress.store import (
    SCHEMA_VERSION,
    ingest_files,
    load_warnings,
    open_store,
    register_plan,
)
from taskanalytics.progress.templates import write_templates
from taskanalytics.quarters import Quarter

V1_STORE = Path(__file__).parent / "data" / "store_v1"
UNIT = "财政局"
#: 化解政府性债务: 17501 万元 by 2023-03-31 (T110.01), 63422 万元 by 2023-06-30 (T110.02).
Q1_MILESTONE, Q2_MILESTONE, Q2_TARGET = "T110.01", "T110.02", 63422
#: 商务局's 跨境电商一般B2B贸易额, 2500 万元 by 2023-06-30.
OTHER_UNIT, OTHER_MILESTONE = "商务局", "T043.02"


def _done(day: dt.date, value: float, note: str = "已按期完成") -> dict:
    return {"status": "已完成", "completed_date": day, "values": {1: value}, "note": note}


def _filled(plan, unit: str, quarter: str, reports: dict, out: Path) -> Path:
    """``unit``'s template of ``quarter``, filled with ``reports`` as a clerk would, as ``out``."""
    [template] = write_templates(
        plan, quarter, out.parent / f"blank-{out.stem}", units=[unit], overwrite=True
    )
    return fill_template(template, out, reports, synthetic=False)


def _count(path: Path, table: str = "file_warnings") -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _schema(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]


@pytest.fixture(scope="module")
def plan2024(tmp_path_factory):
    """The seed rolled to 2024: the same milestone ids, another plan."""
    return read_plan(write_plan(tmp_path_factory.mktemp("plan2024"), year_text(2024)))


@pytest.fixture(scope="module")
def files(seed_plan, tmp_path_factory) -> dict[str, Path]:
    """Filled reports (read-only): 财政局 Q2 and Q1 with a completed value far below target,
    商务局 Q2 likewise, 财政局's Q2 correction (the target met) and a file with a bad status."""
    folder = tmp_path_factory.mktemp("filled")
    plan = seed_plan
    return {
        "q2": _filled(plan, UNIT, "2023Q2", {Q2_MILESTONE: _done(dt.date(2023, 6, 20), 100)},
                      folder / "财政局_2023Q2.xlsx"),
        "q1": _filled(plan, UNIT, "2023Q1", {Q1_MILESTONE: _done(dt.date(2023, 3, 20), 7)},
                      folder / "财政局_2023Q1.xlsx"),
        "other": _filled(plan, OTHER_UNIT, "2023Q2",
                         {OTHER_MILESTONE: _done(dt.date(2023, 6, 1), 10)},
                         folder / "商务局_2023Q2.xlsx"),
        "fixed": _filled(plan, UNIT, "2023Q2",
                         {Q2_MILESTONE: _done(dt.date(2023, 6, 20), Q2_TARGET, "已更正")},
                         folder / "财政局_2023Q2_更正.xlsx"),
        "bad": _filled(plan, UNIT, "2023Q2", {Q2_MILESTONE: {"status": "完工", "values": {}}},
                       folder / "财政局_2023Q2_错误.xlsx"),
    }  # fmt: skip


@pytest.fixture
def stored(seed_plan, files, tmp_path):
    """A store holding 财政局's Q2 file with its warning; ``(path, the ingest's result)``."""
    path = tmp_path / "store" / "progress.sqlite"
    return path, ingest_files([files["q2"]], plan=seed_plan, store=path)


# --------------------------------------------------------------------------- the store


def test_a_files_warning_is_stored_word_for_word(seed_plan, files, stored):
    path, result = stored
    [ingested] = result.ingested
    [warning] = ingested.warnings  # the intake's RowProblem, as the CLI prints it
    assert warning.milestone_id == Q2_MILESTONE and "请核实" in warning.zh()

    found = load_warnings(path, plan=seed_plan)
    assert list(found.columns) == WARNING_COLUMNS and len(found) == 1
    row = found.iloc[0]
    assert row["message"] == warning.zh()
    assert (row["unit"], row["quarter"], row["source_file"]) == (UNIT, "2023Q2", files["q2"].name)
    assert (row["milestone_id"], row["value"], row["seq"]) == (Q2_MILESTONE, "100", 1)
    assert (row["row"], row["column"]) == (warning.row, warning.column)
    assert row["sha256"] == ingested.sha256
    assert row["as_of_date"] == pd.Timestamp("2023-06-30")
    schema.validate(found, "progress.warnings")
    with closing(sqlite3.connect(path)) as conn:
        english, sheet = conn.execute("SELECT message_en, sheet FROM file_warnings").fetchone()
    assert english == str(warning) and sheet == warning.sheet


def test_warnings_survive_reopening_and_are_append_only(seed_plan, stored):
    path, _ = stored
    before = load_warnings(path, plan=seed_plan)
    open_store(path)
    pd.testing.assert_frame_equal(load_warnings(open_store(path), plan=seed_plan), before)
    with closing(sqlite3.connect(path)) as conn:
        for sql in ("UPDATE file_warnings SET message_zh = 'x'", "DELETE FROM file_warnings"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(sql)
    assert _count(path) == 1


def test_load_warnings_filters_by_unit_and_quarter(seed_plan, files, stored, plan2024):
    path, _ = stored
    ingest_files([files["q1"], files["other"]], plan=seed_plan, store=path)
    everything = load_warnings(path, plan=seed_plan)
    assert len(everything) == 3 and everything["ingested_at"].is_monotonic_increasing
    mine = load_warnings(path, plan=seed_plan, unit=UNIT)
    assert set(mine["quarter"]) == {"2023Q1", "2023Q2"} and set(mine["unit"]) == {UNIT}
    q2 = load_warnings(path, plan=seed_plan, quarter=Quarter.parse("2023Q2"))
    assert sorted(q2["unit"]) == sorted([UNIT, OTHER_UNIT])
    both = load_warnings(path, plan=seed_plan, quarter="2023Q1", unit=UNIT)
    assert both["milestone_id"].tolist() == [Q1_MILESTONE] and both["value"].tolist() == ["7"]
    assert load_warnings(path, plan=seed_plan, quarter="2023Q3").empty
    assert load_warnings(path, plan=seed_plan, unit="教育局").empty
    assert load_warnings(path, plan=plan2024).empty  # another plan's files are never seen


def test_a_missing_store_has_no_warnings_and_is_not_made(seed_plan, tmp_path):
    path = tmp_path / "none" / "progress.sqlite"
    found = load_warnings(path, plan=seed_plan)
    assert found.empty and list(found.columns) == WARNING_COLUMNS
    schema.validate(found, "progress.warnings")
    assert not path.parent.exists()


def test_the_public_api_exports_load_warnings():
    assert taskanalytics.load_warnings is load_warnings
    assert taskanalytics.progress.load_warnings is load_warnings
    assert "load_warnings" in taskanalytics.__all__


def test_reingesting_the_same_file_adds_nothing(seed_plan, files, stored):
    path, _ = stored
    digest = store_digest(path)
    again = ingest_files([files["q2"], files["q2"]], plan=seed_plan, store=path)
    assert again.ingested == () and len(again.skipped) == 2
    assert len(again.skipped[0].warnings) == 1  # still told, not stored twice
    assert store_digest(path) == digest and _count(path) == 1


def test_a_rejected_ingest_stores_no_warnings(seed_plan, files, stored):
    path, _ = stored
    digest = store_digest(path)
    with pytest.raises(ValidationError, match="nothing was ingested"):
        ingest_files([files["q1"], files["bad"]], plan=seed_plan, store=path)
    assert store_digest(path) == digest and _count(path) == 1
    fresh = path.with_name("fresh.sqlite")
    with pytest.raises(ValidationError):
        ingest_files([files["q1"], files["bad"]], plan=seed_plan, store=fresh)
    assert load_warnings(fresh, plan=seed_plan).empty


def test_a_file_without_warnings_stores_none(seed_plan, files, tmp_path):
    path = tmp_path / "progress.sqlite"
    result = ingest_files([files["fixed"]], plan=seed_plan, store=path)
    assert result.ingested[0].warnings == () and _count(path) == 0


def test_values_are_kept_as_typed_text():
    assert value_text(100.0) == "100" and value_text(-2.5) == "-2.5"
    assert value_text(dt.datetime(2023, 6, 20)) == "2023-06-20"
    assert (
        value_text(None) is None and value_text("  ") is None and value_text("约一千") == "约一千"
    )


# --------------------------------------------------------------------------- migrations


def test_a_v1_store_migrates_straight_to_the_current_schema_and_then_keeps_warnings(
    seed_plan, files, tmp_path
):
    shutil.copytree(V1_STORE, tmp_path / "store_v1")
    path = tmp_path / "store_v1" / "progress.sqlite"
    open_store(path, plans=[seed_plan])
    assert SCHEMA_VERSION == 5 and _schema(path) == [1, 2, 3, 4, 5]
    assert _count(path) == 0  # the old files' warnings are not recomputed
    assert load_warnings(path, plan=seed_plan).empty
    n_files = _count(path, "source_files")
    ingest_files([files["q2"]], plan=seed_plan, store=path)
    assert _count(path, "source_files") == n_files + 1
    found = load_warnings(path, plan=seed_plan, unit=UNIT)
    assert found["source_file"].tolist() == [files["q2"].name]


def _as_v2(path) -> None:
    """Take a store back to schema v2, as the code of v2 left it: no warnings table, no
    plan_versions.read_options, no judgements, schema_version 1 and 2."""
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("DROP TABLE judgements")
        conn.execute("DROP TABLE file_warnings")
        conn.execute("ALTER TABLE plan_versions DROP COLUMN read_options")
        conn.execute("DELETE FROM schema_version WHERE version > 2")


def test_a_v2_store_migrates_to_the_current_schema_keeping_its_rows(seed_plan, files, tmp_path):
    path = tmp_path / "progress.sqlite"
    register_plan(path, seed_plan)
    ingest_files([files["q2"]], plan=seed_plan, store=path)
    _as_v2(path)
    with closing(sqlite3.connect(path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert _schema(path) == [1, 2] and "file_warnings" not in tables
    reports = _count(path, "reports")
    open_store(path)
    assert _schema(path) == [1, 2, 3, 4, 5] and _count(path, "reports") == reports
    assert load_warnings(path, plan=seed_plan).empty  # stored before v3: not recomputed
    ingest_files([files["other"]], plan=seed_plan, store=path)
    assert load_warnings(path, plan=seed_plan)["unit"].tolist() == [OTHER_UNIT]


# --------------------------------------------------------------------------- the unit's page


def test_the_unit_page_lists_its_warnings_until_corrected(seed_plan, files, stored):
    path, result = stored
    [warning] = result.ingested[0].warnings
    ctx = briefing.load_context("2023Q2", store=path)
    assert len(ctx.warnings) == 1
    schema.validate(ctx.warnings, "progress.warnings")
    assert briefing.unit_reminders(ctx, UNIT)["message"].tolist() == [warning.zh()]

    page = briefing.unit_reminders_section(ctx, unit=UNIT, title="八、报送提醒").data
    assert "八、报送提醒" in page and html.escape(warning.zh()) in page
    assert f"<th>{schema.label('milestone_id', 'progress.warnings')}</th>" in page
    assert files["q2"].name in page and "1 处" in page
    assert briefing.unit_reminders_section(ctx, unit=OTHER_UNIT).data == ""  # nothing to show
    with pytest.raises(briefing.BriefingError):
        briefing.unit_reminders_section(ctx, unit="不存在的单位")

    ingest_files([files["fixed"]], plan=seed_plan, store=path)  # the clerk corrects it
    corrected = briefing.load_context("2023Q2", store=path)
    assert len(corrected.warnings) == 1  # kept in the store ...
    assert briefing.unit_reminders(corrected, UNIT).empty  # ... settled on the page
    assert briefing.unit_reminders_section(corrected, unit=UNIT).data == ""


def test_the_unit_page_shows_only_the_briefed_quarter(seed_plan, files, tmp_path):
    path = tmp_path / "progress.sqlite"
    ingest_files([files["q1"]], plan=seed_plan, store=path)
    assert briefing.unit_reminders_section(briefing.load_context("2023Q1", store=path),
                                           unit=UNIT).data  # fmt: skip
    assert briefing.unit_reminders_section(briefing.load_context("2023Q2", store=path),
                                           unit=UNIT).data == ""  # fmt: skip


def test_the_unit_page_escapes_what_it_shows(seed_plan, stored):
    path, _ = stored
    ctx = briefing.load_context("2023Q2", store=path)
    planted = ctx.warnings.assign(message="<script>alert(1)</script>", source_file="<b>.xlsx")
    page = briefing.unit_reminders_section(
        dataclasses.replace(ctx, warnings=planted), unit=UNIT
    ).data
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>.xlsx" not in page


@pytest.mark.slow
def test_the_unit_briefing_notebook_shows_the_warning(stored, tmp_path, warm_kernel):
    from taskanalytics.runner import run_notebook

    path, result = stored
    [warning] = result.ingested[0].warnings
    parameters = {"unit": UNIT, "quarter": "2023Q2", "store": str(path)}
    page = run_notebook(
        "unit_briefing", parameters=parameters, output_dir=tmp_path / "out", kernel=warm_kernel
    )
    text = page.read_text(encoding="utf-8")
    assert "八、报送提醒" in text and html.escape(warning.zh()) in text
