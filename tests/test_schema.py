"""taskanalytics.schema: the contract tables validate, validate names what is wrong, and every
column people see has its Chinese label from the schema."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from taskanalytics import assess_all, briefing, schema
from taskanalytics.errors import ColumnProblem, SchemaError, TaskAnalyticsError
from taskanalytics.progress.store import load_progress, load_progress_history, load_warnings

QUARTERS = ["2023Q1", "2023Q2"]
ASSESSMENT_TABLES = [name for name in schema.TABLES if name.startswith("assessment.")]


@pytest.fixture(scope="module")
def plan(seed_plan):
    return seed_plan


@pytest.fixture(scope="module")
def store(demo_store):
    """The session's demo store: 示例数据 of every lead unit for 2023Q1 and 2023Q2."""
    return demo_store


@pytest.fixture(scope="module")
def history(store, plan):
    return load_progress_history(store, plan=plan)


@pytest.fixture(scope="module")
def assessment(plan, history):
    return assess_all(plan, history, QUARTERS)


# --------------------------------------------------------------------------- the real tables


@pytest.mark.parametrize("table", ["tasks", "milestones", "targets", "owners"])
def test_the_seed_plans_tables_validate(plan, table):
    frame = getattr(plan, table)
    assert schema.validate(frame, f"plan.{table}") is frame


def test_the_audit_validates(plan):
    from taskanalytics import audit

    schema.validate(audit(plan), "plan.audit")


def test_progress_of_a_demo_store_validates(store, history, plan):
    assert len(history) > 0 and any(c.startswith("actual_") for c in history.columns)
    schema.validate(history, "progress")
    schema.validate(load_progress(store, as_of="2023-06-30", plan=plan), "progress")


def test_progress_of_a_missing_store_validates(tmp_path, plan):
    schema.validate(load_progress_history(tmp_path / "none.sqlite", plan=plan), "progress")


def test_warnings_of_a_store_validate(store, plan, tmp_path):
    """The demo's files have no warnings (tests/test_store_warnings.py validates some)."""
    schema.validate(load_warnings(store, plan=plan), "progress.warnings")
    schema.validate(load_warnings(tmp_path / "none.sqlite", plan=plan), "warnings")


def _table_of(assessment, table: str) -> pd.DataFrame:
    """An Assessment's contract table: an attribute, or a method's result (``unit_ranking``)."""
    found = getattr(assessment, table.split(".")[1])
    return found() if callable(found) else found


@pytest.mark.parametrize("table", ASSESSMENT_TABLES)
def test_every_assessment_table_validates(assessment, table):
    schema.validate(_table_of(assessment, table), table)


@pytest.mark.parametrize("table", ASSESSMENT_TABLES)
def test_assessment_tables_without_progress_validate(plan, history, table):
    bare = assess_all(plan, history.iloc[:0], QUARTERS)
    schema.validate(_table_of(bare, table), table)


# --------------------------------------------------------------------------- what validate catches


def _problem(excinfo: pytest.ExceptionInfo[SchemaError], column: str) -> ColumnProblem:
    found = [p for p in excinfo.value.problems if p.column == column]
    assert found, f"no problem names {column}: {excinfo.value.problems}"
    return found[0]


def test_a_missing_column_is_named(plan):
    with pytest.raises(SchemaError) as excinfo:
        schema.validate(plan.tasks.drop(columns="deadline"), "tasks")
    problem = _problem(excinfo, "deadline")
    assert problem.found == "missing" and "date" in problem.expected
    assert isinstance(excinfo.value, TaskAnalyticsError)
    assert "deadline" in str(excinfo.value) and excinfo.value.table == "plan.tasks"


def test_a_wrong_dtype_is_named(plan):
    frame = plan.targets.assign(value=plan.targets["value"].astype(str))
    with pytest.raises(SchemaError) as excinfo:
        schema.validate(frame, "targets")
    problem = _problem(excinfo, "value")
    assert "float" in problem.expected and "str" in problem.found


def test_nulls_in_a_non_nullable_column_are_named(plan):
    frame = plan.milestones.copy()
    frame.loc[[2, 5], "due_date"] = pd.NaT
    with pytest.raises(SchemaError) as excinfo:
        schema.validate(frame, "plan.milestones")
    problem = _problem(excinfo, "due_date")
    assert problem.found.startswith("2 missing") and "[2, 5]" in problem.found
    assert plan.milestones["due_date"].notna().all()  # the input of the test is untouched


def test_nulls_are_fine_where_nullable(plan):
    assert plan.tasks["subcategory"].isna().any()
    schema.validate(plan.tasks, "tasks")


def test_every_problem_is_listed_at_once(plan):
    frame = plan.owners.drop(columns="role").assign(name=None)
    with pytest.raises(SchemaError) as excinfo:
        schema.validate(frame, "owners")
    columns = {p.column for p in excinfo.value.problems}
    assert {"role", "name"} <= columns


def test_order_lists_and_keys_are_checked(plan):
    swapped = plan.tasks[["section", "task_id", *plan.tasks.columns[2:]]]
    with pytest.raises(SchemaError, match="task_id"):
        schema.validate(swapped, "tasks")
    schema.validate(swapped, "tasks", ordered=False)
    joined = plan.tasks.assign(leaders=plan.tasks["leaders"].map("、".join))
    with pytest.raises(SchemaError, match="leaders"):
        schema.validate(joined, "tasks")
    twice = pd.concat([plan.tasks, plan.tasks.head(1)])
    with pytest.raises(SchemaError, match="unique keys"):
        schema.validate(twice, "tasks")
    with pytest.raises(SchemaError, match="extra"):
        schema.validate(plan.owners.assign(extra=1), "owners", extra=False)


# --------------------------------------------------------------------------- labels


def test_labels_are_unique_within_each_table():
    for table in schema.TABLES.values():
        texts = [c.label for c in table.columns]
        assert len(texts) == len(set(texts)), table.name
        assert all(re.search(r"[\u4e00-\u9fff]", t) for t in texts), table.name


def test_label_lookups():
    assert schema.label("lead_units", "tasks") == "牵头单位"
    assert schema.label("unit", "by_unit") == "牵头单位"
    assert schema.label("unit", "assessment.indicators") == "计量单位"
    assert schema.label("actual_12", "progress") == "实际值12"
    assert schema.label("days_overdue") == "逾期天数"
    assert list(schema.labels("owners")) == ["task_id", "role", "name"]
    with pytest.raises(KeyError, match="ambiguous"):
        schema.table_schema("milestones")
    with pytest.raises(KeyError):
        schema.label("nonsense", "tasks")


def test_rename_to_chinese_returns_a_new_frame(plan):
    before = list(plan.targets.columns)
    out = schema.rename_to_chinese(plan.targets.assign(extra=1), "targets")
    assert list(out.columns)[:3] == ["节点编号", "任务编号", "指标序号"]
    assert "extra" in out.columns and list(plan.targets.columns) == before


def test_the_explorer_shows_schema_labels():
    from taskanalytics.explore.widgets import TABLE_COLUMNS

    tables = {
        "tasks": "assessment.by_task",
        "milestones": "assessment.milestones",
        "targets": "assessment.indicators",
    }
    for name, headers in TABLE_COLUMNS.items():
        for column, text in headers.items():
            table = tables[name] if column != "text" else "assessment.milestones"
            assert text == schema.label(column, table), (name, column)


def _headers(html: str) -> list[str]:
    return re.findall(r"<th>(.*?)</th>", html) + re.findall(r'data-label="([^"]*)"', html)


@pytest.fixture(scope="module")
def ctx(plan, store):
    return briefing.load_context("2023Q2", store=store)


def test_every_briefing_table_header_is_a_chinese_label(ctx):
    unit, leader = "财政局", "祝美娟"
    key = briefing.indicator_keys(ctx.plan)[0]
    pages = [
        briefing.watchlist_table(ctx),
        briefing.watchlist_table(ctx, unit=unit),
        briefing.tasks_table(ctx),
        briefing.tasks_table(ctx, leader=leader),
        briefing.milestones_table(ctx, unit=unit),
        briefing.upcoming_table(ctx, unit=unit),
        briefing.indicators_table(ctx, unit=unit),
        *(briefing.status_table(ctx, by) for by in ("category", "unit", "leader", "section")),
        briefing.portfolio_table(ctx, leader),
        briefing.trend_table(ctx),
        briefing.main_targets_table(ctx),
        briefing.indicator_table(ctx, key),
        briefing.indicator_notes(ctx, key),
    ]
    for page in pages:
        headers = _headers(page.data)
        assert headers, page.data[:300]
        for text in headers:
            assert re.search(r"[\u4e00-\u9fff]", text), text


def test_briefing_headers_come_from_the_schema(ctx):
    headers = re.findall(r"<th>(.*?)</th>", briefing.watchlist_table(ctx).data)
    wanted = ["reason", "carried_over", "milestone_id", "task_title", "text", "due_date"]
    wanted += ["days_overdue", "lead_units", "leaders", "behind", "note", "red_streak"]
    assert headers == list(schema.labels("watchlist", wanted).values())


# --------------------------------------------------------------------------- badges follow codes


def test_badges_follow_the_status_code_not_the_word():
    df = pd.DataFrame(
        {"status": ["逾期未完成", "逾期未完成"], "status_code": ["overdue", "on_time"]}
    )
    out = briefing.table_html(df, columns=["status"]).data
    assert '<span class="ta-badge ta-red">逾期未完成</span>' in out
    assert '<span class="ta-badge ta-green">逾期未完成</span>' in out


def test_badges_of_assessment_categoricals(assessment):
    rows = assessment.watchlist.head(3)
    out = briefing.table_html(rows, columns=["reason", "status"]).data
    assert "ta-badge ta-red" in out
    lights = assessment.by_unit.head(5)
    out = briefing.table_html(lights, columns=["unit", "light"], table="by_unit").data
    assert out.count('class="ta-badge') == 5 and "<th>牵头单位</th><th>灯色</th>" in out
