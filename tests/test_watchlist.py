"""Tests for the closing of the 督办 loop: carry-over (新增/持续), 上期督办事项整改情况, the units
that did not report, the full watch-list page's sections and its Excel copy."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote

import pandas as pd
import pytest

from taskanalytics import briefing, schema
from taskanalytics.assess.watchlist import (
    mark_carried_over,
    rectification_frame,
    units_not_reporting,
)
from taskanalytics.progress.demo import silent_units
from taskanalytics.quarterly import quarterly_briefings

# --------------------------------------------------------------------------- carry-over


def _watch(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quarter", "milestone_id"])


def test_carried_over_counts_consecutive_quarters_only():
    w = _watch(
        [
            ("2023Q1", "A"),
            ("2023Q2", "A"),
            ("2023Q3", "A"),
            ("2023Q1", "B"),  # gap in Q2: new again in Q3
            ("2023Q3", "B"),
            ("2023Q3", "C"),
        ]
    )
    before = w.copy()
    out = mark_carried_over(w)
    pd.testing.assert_frame_equal(w, before)  # input kept
    assert out["carried_over"].tolist() == [False, True, True, False, False, False]
    assert out["quarters_on_list"].tolist() == [1, 2, 3, 1, 1, 1]
    assert out["quarters_on_list"].dtype == "int64" and out["carried_over"].dtype == bool


def test_carried_over_ignores_row_order_crosses_years_and_is_idempotent():
    w = _watch([("2023Q1", "A"), ("2022Q4", "A"), ("2023Q1", "B"), ("2022Q3", "A")])
    out = mark_carried_over(w)
    assert out["carried_over"].tolist() == [True, True, False, False]
    assert out["quarters_on_list"].tolist() == [3, 2, 1, 1]
    again = mark_carried_over(out)
    pd.testing.assert_frame_equal(again, out)


def test_carried_over_of_an_empty_list():
    out = mark_carried_over(_watch([]))
    assert out.empty and {"carried_over", "quarters_on_list"} <= set(out.columns)


# --------------------------------------------------------------------------- rectification


def _milestones(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["quarter", "milestone_id", "status", "status_code"])


def _items(quarter: str, ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": quarter,
            "milestone_id": ids,
            "task_id": [i[:1] for i in ids],
            "task_title": "任务",
            "text": "节点",
            "lead_units": "财政局",
            "leaders": "祝美娟",
            "reason": "逾期未完成",
            "days_overdue": 10,
        }
    )


def test_rectification_done_and_off_the_list_is_rectified():
    watch = pd.concat(
        [_items("2023Q1", ["A", "B", "C", "D"]), _items("2023Q2", ["B", "C", "E"])],
        ignore_index=True,
    )
    ms = _milestones(
        [
            ("2023Q2", "A", "逾期完成", "done_late"),  # done, off the list: 已整改
            ("2023Q2", "B", "逾期未完成", "overdue"),  # still overdue
            ("2023Q2", "C", "按期完成", "on_time"),  # done, but an indicator still behind
            ("2023Q2", "D", "推进中", "in_progress"),  # off the list, not done
            ("2023Q2", "E", "逾期未完成", "overdue"),
        ]
    )
    r = rectification_frame(watch, ms, "2023Q2")
    assert r["milestone_id"].tolist() == ["A", "B", "C", "D"]
    assert r["rectified"].tolist() == [True, False, False, False]
    assert r["on_list"].tolist() == [False, True, True, False]
    assert r["status"].tolist() == ["逾期完成", "逾期未完成", "按期完成", "推进中"]
    assert (r["listed_quarter"] == "2023Q1").all()


def test_rectification_without_a_previous_quarter_is_empty():
    watch = _items("2023Q1", ["A"])
    ms = _milestones([("2023Q1", "A", "逾期未完成", "overdue")])
    assert rectification_frame(watch, ms, "2023Q1").empty


# --------------------------------------------------------------------------- silent units


def test_units_not_reporting_hand_made():
    ms = pd.DataFrame(
        {
            "quarter": "2023Q2",
            "as_of": pd.Timestamp("2023-06-30"),
            "milestone_id": ["A", "B", "C", "D"],
            "lead_units": [["甲", "乙"], ["乙"], ["丙"], ["丁"]],
            "is_due": [True, True, True, False],  # 丁 has nothing due
        }
    )
    progress = pd.DataFrame(
        {
            "unit": ["甲", "乙", "丙"],
            "as_of_date": pd.to_datetime(["2023-06-30", "2023-03-31", "2023-07-15"]),
        }
    )
    out = units_not_reporting(ms, progress, "2023Q2")
    # 乙 reported last quarter only; 丙's report is dated after the quarter
    assert out["unit"].tolist() == ["乙", "丙"]
    assert out["due"].tolist() == [2, 1]
    assert out["last_report_as_of"].tolist()[0] == pd.Timestamp("2023-03-31")
    assert pd.isna(out["last_report_as_of"].tolist()[1])


# --------------------------------------------------------------------------- demo data


@pytest.fixture(scope="module")
def ctx(demo_store):
    return briefing.load_context("2023Q2", store=demo_store)


@pytest.mark.parametrize("quarter", ["2023Q1", "2023Q2"])
def test_the_demos_silent_units_are_the_units_not_reporting(seed_plan, demo_store, quarter):
    c = briefing.load_context(quarter, store=demo_store)
    assert set(briefing.not_reporting(c)["unit"]) == silent_units(seed_plan, quarter)
    assert len(silent_units(seed_plan, quarter)) == 2


def test_demo_carry_over_matches_the_previous_list(ctx):
    w = ctx.assessment.watchlist
    schema.validate(w, "assessment.watchlist")
    q1 = set(w.loc[w["quarter"] == "2023Q1", "milestone_id"])
    now = ctx.current("watchlist")
    assert (now["carried_over"] == now["milestone_id"].isin(q1)).all()
    assert set(now["quarters_on_list"]) <= {1, 2} and now["carried_over"].any()
    assert not w.loc[w["quarter"] == "2023Q1", "carried_over"].any()
    assert now["task_title"].notna().all() and (now["leaders"].str.len() > 0).all()


def test_demo_carry_over_with_an_as_of_inside_the_quarter(demo_store):
    c = briefing.load_context("2023Q2", as_of="2023-06-21", store=demo_store)
    w = c.assessment.watchlist
    q1 = set(w.loc[w["quarter"] == "2023Q1", "milestone_id"])
    now = c.current("watchlist")
    assert (now["carried_over"] == now["milestone_id"].isin(q1)).all()


def test_demo_rectification_counts_add_up(ctx):
    r = briefing.rectification(ctx)
    w = ctx.assessment.watchlist
    assert len(r) == int((w["quarter"] == "2023Q1").sum()) > 0
    done, still = int(r["rectified"].sum()), int((~r["rectified"]).sum())
    text = briefing.rectification_summary(ctx).data
    assert f"已整改 {done} 项" in text and f"未整改 {still} 项" in text
    assert text.count("<tr>") == len(r) + 1  # the header row too
    short = briefing.rectification_summary(ctx, max_rows=3).data
    assert 'href="watchlist.html"' in short


def test_first_quarter_has_no_rectification(demo_store):
    c = briefing.load_context("2023Q1", store=demo_store)
    assert briefing.rectification(c).empty
    assert "无上期督办事项" in briefing.rectification_summary(c).data


# --------------------------------------------------------------------------- pages and links


def test_full_watchlist_links_units_and_leaders_to_pages_of_the_run(seed_plan, ctx, demo_store):
    html = briefing.watchlist_table(ctx, max_rows=None).data
    now = ctx.current("watchlist")
    assert html.count("<tr>") == len(now) + 1 and "仅显示" not in html
    stems = {b.stem for b in quarterly_briefings(seed_plan, "2023Q2", store=demo_store)}
    links = {unquote(h).removesuffix(".html") for h in re.findall(r'href="([^"]+)"', html)}
    assert links and links <= stems
    assert any(s.startswith("unit-") for s in links) and any(s.startswith("leader-") for s in links)
    for header in ("任务", "牵头单位", "分管领导", "新增/持续", "逾期天数", "督办原因"):
        assert f"<th>{header}</th>" in html
    assert "持续（连续 2 季）" in html and "新增" in html


def test_overview_and_page_sections_link_and_name(seed_plan, ctx):
    n = len(ctx.current("watchlist"))
    more = briefing.watchlist_more(ctx).data
    assert 'href="watchlist.html"' in more and 'href="watchlist.xlsx"' in more and f"{n} 项" in more
    summary = briefing.watchlist_summary(ctx).data
    assert f"全区督办事项 {n} 项" in summary and 'href="index.html"' in summary
    note = briefing.not_reporting_note(ctx).data
    for unit in silent_units(seed_plan, "2023Q2"):
        assert f">{unit}</a>" in note


def test_the_run_has_a_watchlist_briefing(seed_plan, demo_store):
    jobs = quarterly_briefings(seed_plan, "2023Q2", store=demo_store)
    page = next(b for b in jobs if b.group == "watchlist")
    assert page.notebook == "watchlist" and page.stem == "watchlist"
    assert set(page.parameters) == {"quarter", "as_of", "plan_path", "store"}


# --------------------------------------------------------------------------- Excel


def test_watchlist_xlsx_headers_rows_and_synthetic_flag(ctx, tmp_path):
    from openpyxl import load_workbook

    path = briefing.write_watchlist_xlsx(ctx, tmp_path / "out" / "watchlist.xlsx")
    assert sorted(p.name for p in path.parent.iterdir()) == ["watchlist.xlsx"]  # no temp file
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "督办清单"
    rows = list(ws.values)
    assert list(rows[0]) == list(schema.labels("assessment.watchlist").values())
    now = ctx.current("watchlist")
    assert len(rows) - 1 == len(now)
    header = list(rows[0])
    ids = [r[header.index("节点编号")] for r in rows[1:]]
    assert ids == now["milestone_id"].tolist()
    assert {r[header.index("新增/持续")] for r in rows[1:]} <= {"新增", "持续（连续 2 季）"}
    about = dict(wb["说明"].values)
    assert about["示例数据"].startswith("是") and about["数据截至"] == "2023-06-30（季度末）"


def test_watchlist_xlsx_of_an_empty_list(ctx, tmp_path):
    from openpyxl import load_workbook

    a = ctx.assessment
    bare = dataclasses.replace(a, watchlist=a.watchlist.iloc[:0])
    empty = dataclasses.replace(ctx, assessment=bare)
    path = briefing.write_watchlist_xlsx(empty, tmp_path / "w.xlsx")
    assert len(list(load_workbook(path).worksheets[0].values)) == 1
