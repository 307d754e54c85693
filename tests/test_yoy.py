"""taskanalytics.briefing.yoy: 与上年对比, this year's indicators beside last year's results.

One store holds the seed (2023) with demo reports of two lead units for 2023Q1..Q4 and the seed
rolled to 2024 (``plans.year_text``) with their 2024Q1 reports: 财政局 (化解政府性债务, 一般公共预算收入)
and 发改局 (固定资产投资同比增长). Two units instead of all 32 keep the store at a few seconds;
the reports are made as ``build_demo_progress`` makes them (the same ``demo_report``), which
offers no choice of units.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from plans import livelihood_text, work_report_text, write_plan, year_text
from stores import copy_store, fill_unit_reports, store_digest

from taskanalytics import assess_all, briefing, charts, read_plan, schema
from taskanalytics.briefing.yoy import YOY_COLUMNS, normalize_metric, previous_plan_name
from taskanalytics.errors import BriefingError, ChartInputError
from taskanalytics.progress.store import (
    ingest_files,
    load_progress_history,
    register_plan,
    stored_plan,
)

UNITS = ["财政局", "发改局"]
YEAR_2023 = ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
DEBT = "化解政府性债务"  # T110, led by 财政局: 17501 -> 63422 -> 68863 -> 70289 万元


def _demo(plan, store: Path, quarters: list[str], folder: Path) -> None:
    """Demo reports of :data:`UNITS` only, filled and ingested as ``build_demo_progress`` does."""
    ingest_files(fill_unit_reports(plan, UNITS, quarters, folder), plan=plan, store=store)


@pytest.fixture(scope="module")
def two_years(seed_plan, tmp_path_factory):
    """(store, 2024 plan, its path): 2023Q1..Q4 of the seed and 2024Q1 of the 2024 plan."""
    root = tmp_path_factory.mktemp("yoy")
    store = root / "progress.sqlite"
    plan_path = write_plan(root, year_text(2024), "plan-2024.txt")
    plan_2024 = read_plan(plan_path)
    _demo(seed_plan, store, YEAR_2023, root / "inbox-2023")
    _demo(plan_2024, store, ["2024Q1"], root / "inbox-2024")
    digest = store_digest(store)
    yield store, plan_2024, plan_path
    assert store_digest(store) == digest, "与上年对比 wrote to the store it reads"


@pytest.fixture(scope="module")
def store(two_years) -> Path:
    return two_years[0]


@pytest.fixture(scope="module")
def plan_2024(two_years):
    return two_years[1]


@pytest.fixture(scope="module")
def table(store, plan_2024) -> pd.DataFrame:
    return briefing.previous_year_results(plan_2024, store, quarter="2024Q1")


@pytest.fixture(scope="module")
def ctx(two_years):
    store, _, plan_path = two_years
    return briefing.load_context("2024Q1", plan_path=plan_path, store=store)


def _copy(store: Path, folder: Path) -> Path:
    """A writable copy of the store with its archive (where its plans are read back from)."""
    shutil.copytree(store.parent / "archive", folder / "archive")
    return copy_store(store, folder / "progress.sqlite")


def _row(table: pd.DataFrame, metric: str) -> pd.Series:
    rows = table[table["metric"] == metric]
    assert len(rows) == 1, rows
    return rows.iloc[0]


# --------------------------------------------------------------------------- the table


def test_last_years_results_are_those_of_the_2023_assessment(store, table):
    # computed here independently: last year's plan from the store, its reports, four quarters
    plan_2023 = stored_plan(store, "2023-工作报告")
    history = load_progress_history(store, plan=plan_2023)
    indicators = assess_all(plan_2023, history, YEAR_2023).indicators
    q4 = indicators[(indicators["quarter"] == "2023Q4") & (indicators["metric"] == DEBT)]
    final = q4.sort_values("due_date").iloc[-1]  # the year target: the latest due
    row = _row(table, DEBT)
    assert row["task_id"] == row["last_year_task_id"] == "T110" and row["unit"] == "万元"
    assert row["last_year_target"] == final["target"]
    assert row["last_year_actual"] == final["actual"]
    assert row["last_year_achievement"] == pytest.approx(final["achievement"])
    assert row["last_year_band"] == str(final["band"])
    # by hand: the document's year target is 70289 万元 (12月底前); the demo's storyline for
    # 化解政府性债务 reports 101% of it at year-end, to one decimal: 70289 × 1.01 = 70991.89
    assert final["target"] == 70289.0
    assert row["last_year_actual"] == 70991.9
    assert row["last_year_band"] == "达标"


def test_this_years_target_and_first_quarter(table):
    row = _row(table, DEBT)
    assert row["year_target"] == 70289.0  # the seed rolled to 2024 keeps its numbers
    # by hand: T110.01 (3月底前) 17501 万元, reported at 101%: 17676.01 -> 17676.0
    assert row["quarter_target"] == 17501.0
    assert row["quarter_actual"] == 17676.0
    # this year's target against last year's: 70289 / 70991.9 = 99.0%
    assert row["comparison"] == (
        "目标与上年持平，为上年完成的 99%；一季度实际 17,676 万元，上年同期 17,676 万元。"
    )


def test_the_table_follows_its_contract(table, plan_2024):
    assert list(table.columns) == YOY_COLUMNS
    schema.validate(table, "briefing.previous_year")
    # every series of the rolled plan has last year's twin; plan order, T001 first
    assert table["task_id"].iloc[0] == "T001"
    assert len(table) == plan_2024.targets.groupby(["task_id", "metric", "unit"]).ngroups
    # units that did not report: last year's actual missing, said so in words
    silent = table[table["last_year_actual"].isna()]
    assert len(silent) and silent["comparison"].str.contains("上年年末无完成数据").all()


def test_a_percentage_target_changes_in_points():
    from taskanalytics.briefing.yoy import _sentence
    from taskanalytics.quarters import Quarter

    q1 = Quarter(2024, 1)
    row = {"unit": "%", "last_year_target": 5.0, "year_target": 5.5, "last_year_actual": 5.3}
    assert _sentence(q1, **row, quarter_actual=1.2, same_quarter=float("nan")) == (
        "目标比上年提高 0.5 个百分点，比上年完成高 0.2 个百分点；一季度实际 1.2%。"
    )
    more = {**row, "unit": "万元", "last_year_target": 40000.0, "year_target": 43000.0}
    nan = float("nan")
    assert _sentence(
        q1, **{**more, "last_year_actual": nan}, quarter_actual=nan, same_quarter=1.0
    ) == ("目标比上年增加 3,000 万元（+7.5%）；上年年末无完成数据。")


def test_metric_names_are_compared_without_whitespace():
    assert normalize_metric(" 化解 政府性\u3000债务\n") == DEBT
    assert normalize_metric(None) == "" and normalize_metric(float("nan")) == ""
    assert normalize_metric("一般公共预算收入增长") != normalize_metric("一般公共预算收入")


# --------------------------------------------------------------------------- when it is empty


def _is_empty(frame: pd.DataFrame) -> bool:
    return frame.empty and list(frame.columns) == YOY_COLUMNS


def test_empty_after_the_first_quarter(store, plan_2024):
    assert _is_empty(briefing.previous_year_results(plan_2024, store, quarter="2024Q2"))


def test_empty_when_the_store_has_one_year(demo_store, seed_plan, tmp_path):
    # the session's demo store holds 2023 only: 2023Q1 has no 2022 to compare with
    assert _is_empty(briefing.previous_year_results(seed_plan, demo_store, quarter="2023Q1"))
    # a store that knows the 2024 plan only
    only_2024 = tmp_path / "progress.sqlite"
    plan_2024 = read_plan(write_plan(tmp_path, year_text(2024)))
    register_plan(only_2024, plan_2024)
    assert _is_empty(briefing.previous_year_results(plan_2024, only_2024, quarter="2024Q1"))
    # no store at all: nothing is created
    missing = tmp_path / "none" / "progress.sqlite"
    assert _is_empty(briefing.previous_year_results(plan_2024, missing, quarter="2024Q1"))
    assert not missing.exists()


def test_empty_for_a_plan_of_another_kind(store, tmp_path):
    livelihood = read_plan(write_plan(tmp_path, livelihood_text(2024)))
    # the 2023 work report holds the same 民生实事 metrics, but it is another kind of plan
    assert set(livelihood.targets["metric"]) <= set(
        stored_plan(store, "2023-工作报告").targets["metric"]
    )
    assert _is_empty(briefing.previous_year_results(livelihood, store, quarter="2024Q1"))


def test_a_plan_of_the_same_kind_is_found_by_kind(store, tmp_path):
    copy = _copy(store, tmp_path / "copy")
    register_plan(copy, read_plan(write_plan(tmp_path, livelihood_text(2023), "l23.txt")))
    livelihood = read_plan(write_plan(tmp_path, livelihood_text(2024), "l24.txt"))
    table = briefing.previous_year_results(livelihood, copy, quarter="2024Q1")
    assert len(table) and set(table["task_id"]) <= set(livelihood.tasks["task_id"])
    assert table["last_year_actual"].isna().all()  # no 民生实事 reports were sent in 2023


def test_of_several_plans_last_year_the_one_named_alike(store, plan_2024, tmp_path, caplog):
    copy = _copy(store, tmp_path / "copy")
    other = read_plan(write_plan(tmp_path, work_report_text(2023), "w23.txt"), name="2023-东区")
    register_plan(copy, other)
    assert previous_plan_name(copy, plan_2024) == "2023-工作报告"
    table = briefing.previous_year_results(plan_2024, copy, quarter="2024Q1")
    assert _row(table, DEBT)["last_year_actual"] == 70991.9
    # a 2024 plan named so that neither matches: no guess, a warning
    special = read_plan(write_plan(tmp_path, work_report_text(2024), "w24.txt"), name="2024-专项")
    with caplog.at_level(logging.WARNING, logger="taskanalytics"):
        assert _is_empty(briefing.previous_year_results(special, copy, quarter="2024Q1"))
    assert "none is named '2023-专项'" in caplog.text


# --------------------------------------------------------------------------- section and chart


def _headers(html: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", html) + re.findall(r'data-label="([^"]*)"', html)


def test_the_section_is_chinese(ctx):
    html = briefing.yoy_section(ctx, title="七、与上年对比", max_rows=None).data
    assert '<h2 class="ta-h">七、与上年对比</h2>' in html
    assert DEBT in html and "70,991.9 万元" in html and "本年一季度实际" in html
    headers = _headers(html)
    assert headers and all(re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers
    body = html.split("</style>", 1)[1]
    for column in YOY_COLUMNS:
        assert column not in body, column
    assert "2023-工作报告" in body and "示例数据" in body  # where last year's figures come from


def test_the_section_lists_last_years_shortfalls_first(ctx):
    html = briefing.yoy_section(ctx, max_rows=5).data
    assert "仅显示前 5 行" in html
    first = re.findall(r'data-label="上年完成情况"><span class="ta-badge [^"]*">([^<]*)<', html)
    order = ["滞后", "无数据", "基本达标", "达标"]
    assert [order.index(b) for b in first] == sorted(order.index(b) for b in first)


def test_no_section_and_no_chart_when_there_is_nothing_to_compare(two_years, demo_store):
    store, _, plan_path = two_years
    later = briefing.load_context("2024Q2", plan_path=plan_path, store=store)
    assert briefing.yoy_section(later) is None and briefing.yoy_chart(later) is None
    alone = briefing.load_context("2023Q1", store=demo_store)
    assert briefing.yoy_section(alone) is None and briefing.yoy_chart(alone) is None


def test_the_chart_renders_to_svg_offline(ctx):
    chart = briefing.yoy_chart(ctx, DEBT)
    spec = chart.to_dict()
    (rows,) = spec["datasets"].values()
    lines = pd.DataFrame(rows).groupby("line")["value"].apply(list).to_dict()
    assert lines["2023年实际"] == [17676.0, 59616.7, 69551.6, 70991.9]
    assert lines["2024年目标"] == [17501.0, 63422.0, 68863.0, 70289.0]
    assert lines["2024年实际"] == [17676.0]
    assert "2023年实际 一季度 17,676" in spec["description"]
    svg = charts.render_svg(spec)
    assert svg.startswith("<svg") and "化解政府性债务" in svg


def test_the_default_chart_has_a_path_in_both_years(ctx):
    spec = briefing.yoy_chart(ctx).to_dict()
    (rows,) = spec["datasets"].values()
    counts = pd.DataFrame(rows).groupby("line").size()
    assert counts.get("2023年实际", 0) >= 2 and counts.get("2024年目标", 0) >= 2
    assert counts.get("2024年实际", 0) >= 1  # one reported this quarter, if any is


def test_asking_for_a_metric_not_compared_names_those_that_are(ctx):
    with pytest.raises(BriefingError, match="compared with last year.*地区生产总值增长"):
        briefing.yoy_chart(ctx, "不存在的指标")


def test_the_chart_refuses_mixed_years():
    last = pd.DataFrame(
        {"metric": ["回迁安置"] * 2, "unit": ["户"] * 2, "quarter": ["2023Q1", "2024Q2"],
         "target": [200.0, 400.0], "actual": [216.0, 380.0]}
    )  # fmt: skip
    with pytest.raises(ChartInputError, match="one year"):
        charts.chart_year_over_year(last, last.assign(quarter=["2024Q1", "2024Q2"]))
    with pytest.raises(ChartInputError, match="no points"):
        charts.chart_year_over_year(last.iloc[:0], last)


# --------------------------------------------------------------------------- the notebook


@pytest.mark.slow
def test_the_first_quarters_overview_shows_the_section(two_years, tmp_path, warm_kernel):
    from taskanalytics.runner import run_notebook

    store, _, plan_path = two_years
    page = run_notebook(
        "quarterly_overview",
        parameters={"quarter": "2024Q1", "plan_path": str(plan_path), "store": str(store)},
        output_dir=tmp_path,
        kernel=warm_kernel,
    )
    html = page.read_text(encoding="utf-8")
    assert "七、与上年对比" in html and "上年完成（年末）" in html
    assert re.search(r'<img[^>]*alt="[^"]*2024年与2023年对比', html)
