"""年底预计 on the pages (taskanalytics.briefing.outlook): the sentence and cards of an indicator
page, the at-risk table, and the published pages of a quarterly run."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from taskanalytics import briefing
from taskanalytics.briefing import outlook
from taskanalytics.briefing.blocks import format_quantity
from taskanalytics.briefing.pages import indicator_page


def _text(html: str) -> str:
    return " ".join(
        re.sub(r"<[^>]+>", " ", re.sub(r"<style.*?</style>", "", html, flags=re.S)).split()
    )


@pytest.fixture(scope="module")
def ctx(demo_store):
    return briefing.load_context("2023Q2", store=demo_store)


def test_the_debt_page_says_the_projection_from_the_assessments_numbers(ctx):
    row = ctx.assessment.projections().set_index("metric").loc["化解政府性债务"]
    text = _text(briefing.indicator_outlook(ctx, "化解政府性债务").data)
    projected = format_quantity(round(row["projected"]), "万元")
    short = format_quantity(round(row["shortfall"]), "万元")
    expected = {
        "at_risk": f"按当前进度，化解政府性债务年底预计完成 {projected}，目标 70,289 万元，"
        f"缺口 {short}：年底完成有风险。",
        "on_track": f"按当前进度，化解政府性债务年底预计完成 {projected}，目标 70,289 万元，"
        "按进度可完成。",
    }[row["outlook_code"]]
    assert expected in text
    assert "仅供研判，不改变节点状态" in text


def test_a_rate_has_no_projection_on_its_page(ctx):
    assert briefing.indicator_outlook(ctx, "地区生产总值增长").data == ""


def test_the_at_risk_table_lists_exactly_the_at_risk_series_largest_shortfall_first(ctx):
    found = ctx.assessment.projections()
    at_risk = found[found["outlook_code"] == "at_risk"].sort_values("shortfall", ascending=False)
    html = briefing.outlook_table(ctx, title="年底完成有风险的累计指标").data
    text = _text(html)
    assert f"{len(at_risk)} 个累计指标年底完成有风险" in text
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]
    metrics = [_text(re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S)[0]) for r in rows]
    assert metrics == at_risk["metric"].tolist()
    assert "这是前瞻提醒，不是节点状态" in text


def test_the_projection_never_changes_a_status(ctx):
    before = ctx.assessment.milestones.copy()
    outlook.projections(ctx)
    pd.testing.assert_frame_equal(ctx.assessment.milestones, before)


@pytest.mark.slow
def test_the_runs_pages_carry_the_outlook(quarter_run):
    folder = quarter_run.out_dir
    debt = (folder / indicator_page("化解政府性债务")).read_text(encoding="utf-8")
    assert "年底预计" in debt and "年底研判" in debt
    for name in ("indicators_all.html", "watchlist.html"):
        assert "年底完成有风险的累计指标" in (folder / name).read_text(encoding="utf-8"), name
