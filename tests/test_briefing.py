"""Tests for taskanalytics.briefing: escaping, Chinese headers, cell formatting, plan counts."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from taskanalytics import briefing


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def test_table_html_chinese_headers_lists_and_dates():
    df = pd.DataFrame(
        {
            "task_id": ["T001", "L01"],
            "section": ["work_report", "livelihood"],
            "deadline": pd.to_datetime(["2023-03-31", None]),
            "leaders": [["祝美娟", "黄刚"], []],
            "parsed": pd.array([404, None], dtype="Int64"),
        }
    )
    before = df.copy(deep=True)
    out = briefing.table_html(df, columns_zh={"parsed": "解析数"}).data
    headers = re.findall(r"<th>(.*?)</th>", out)
    assert headers == ["任务编号", "部分", "完成时限", "分管领导", "解析数"]
    assert _cells(out) == [
        "T001",
        "政府工作报告",
        "2023-03-31",
        "祝美娟、黄刚",
        "404",
        "L01",
        "民生实事",
        "",
        "",
        "",
    ]
    assert "00:00:00" not in out
    pd.testing.assert_frame_equal(df, before)


def test_table_html_escapes_and_limits_rows():
    df = pd.DataFrame({"detail": ["<script>alert(1)</script>", "b", "c"]})
    out = briefing.table_html(df, max_rows=2).data
    assert "<script>alert" not in out
    assert "&lt;script&gt;" in out
    assert len(_cells(out)) == 2
    assert "共 3 行" in out


def test_table_html_unknown_column_and_empty_frame():
    with pytest.raises(KeyError, match="nope"):
        briefing.table_html(pd.DataFrame({"a": [1]}), columns=["nope"])
    out = briefing.table_html(pd.DataFrame({"a": []}), empty_text="没有发现问题").data
    assert "没有发现问题" in out and "<table" not in out


def test_heading_key_facts_and_banner_have_repr_html():
    h = briefing.heading("计划总览", level=2, subtitle="2023年")
    assert "<h2" in h._repr_html_() and "2023年" in h.data
    with pytest.raises(ValueError):
        briefing.heading("x", level=7)
    facts = briefing.key_facts({"工作任务": "122 项"}, answer="一致。", note="来源")
    text = facts._repr_html_()
    assert text.index("一致。") < text.index("122 项")  # the answer comes first
    banner = briefing.synthetic_banner()._repr_html_()
    assert "示例数据" in banner and 'role="alert"' in banner


def _plan(declared_milestones: int) -> SimpleNamespace:
    tasks = pd.DataFrame(
        {
            "task_id": ["T001", "T002", "L01"],
            "section": ["work_report", "work_report", "livelihood"],
            "lead_units": [["发改局"], ["发改局", "财政局"], ["民政局"]],
            "leaders": [["祝美娟"], ["黄刚"], []],
        }
    )
    milestones = pd.DataFrame({"task_id": ["T001", "T001", "T002", "L01"]})
    targets = pd.DataFrame({"task_id": ["T001"]})
    meta = {
        "issuer": "某区人民政府办公室",
        "doc_number": "双区政办发〔2023〕1号",
        "issued_date": pd.Timestamp("2023-03-16"),
        "declared": {
            "work_report": {"tasks": 2, "milestones": declared_milestones},
            "livelihood": {"tasks": 1, "milestones": None},
        },
    }
    return SimpleNamespace(meta=meta, tasks=tasks, milestones=milestones, targets=targets)


def test_count_plan_per_section_and_total():
    counts = briefing.count_plan(_plan(3))
    assert counts["section"].tolist() == ["work_report", "livelihood", "合计"]
    assert counts["tasks"].tolist() == [2, 1, 3]
    assert counts["milestones"].tolist() == [3, 1, 4]
    assert counts["targets"].tolist() == [1, 0, 1]
    assert counts["declared_milestones"].tolist()[:2] == [3, pd.NA]
    assert counts.loc[2, "declared_tasks"] == 3


def test_plan_key_facts_answer_reports_mismatch_or_agreement():
    agree = briefing.plan_key_facts(_plan(3)).data
    assert "一致" in agree and "不一致" not in agree
    cards = dict(
        (label, value)
        for value, label in re.findall(
            r'ta-fact-value">(.*?)</div><div class="ta-fact-label">(.*?)</div>', agree
        )
    )
    assert cards["牵头单位"] == "3 个"  # 发改局 counted once
    assert cards["分管领导"] == "2 位"
    assert cards["政府工作报告"] == "2 项"
    assert "2023-03-16" in agree
    differ = briefing.plan_key_facts(_plan(5)).data
    assert "不一致" in differ and "文件声明 5 个、解析出 3 个" in differ


def test_plan_key_facts_uses_audit_count_for_declared_milestones():
    findings = pd.DataFrame(
        {
            "check": ["declared_milestones"],
            "section": ["work_report"],
            "declared": [5],
            "parsed": [5],
        }
    )
    out = briefing.plan_key_facts(_plan(5), findings=findings).data
    assert "不一致" not in out
    assert "1 条" in out


# --------------------------------------------------------------------------- quarterly context


@pytest.fixture(scope="module")
def empty_ctx(tmp_path_factory):
    """A context on the bundled plan with a store that does not exist (no reports)."""
    store = tmp_path_factory.mktemp("nostore") / "progress.sqlite"
    return briefing.load_context("2023Q2", store=store)


def test_load_context_with_no_reports(empty_ctx):
    ctx = empty_ctx
    assert ctx.quarter == "2023Q2" and str(ctx.as_of) == "2023-06-30"
    assert ctx.quarters == ("2023Q1", "2023Q2")
    assert not ctx.is_synthetic and ctx.progress.empty
    assert ctx.sources["kind"].tolist() == ["plan"]
    assert len(ctx.sources.loc[0, "sha256"]) == 64
    assert set(ctx.current("by_unit")["quarter"]) == {"2023Q2"}
    assert not ctx.store_path.exists()  # a missing store is not created


def test_load_context_is_cached_but_generation_time_is_fresh(empty_ctx):
    again = briefing.load_context("2023-Q2", store=empty_ctx.store_path)
    assert again.assessment is empty_ctx.assessment
    assert again.generated_at >= empty_ctx.generated_at
    same_as_end = briefing.load_context("2023Q2", as_of="2023-06-30", store=empty_ctx.store_path)
    assert same_as_end.assessment is empty_ctx.assessment


def test_load_context_as_of_within_quarter(empty_ctx):
    ctx = briefing.load_context("2023Q2", as_of="2023-05-15", store=empty_ctx.store_path)
    assert str(ctx.as_of) == "2023-05-15" and ctx.quarters == ("2023Q1", "2023Q2")
    q1 = ctx.assessment.by_section.query("quarter == '2023Q1'")
    assert (q1["as_of"] == "2023-03-31").all()


def test_load_context_rejects_bad_quarter_and_date(empty_ctx):
    from taskanalytics.errors import AssessmentError

    with pytest.raises(AssessmentError, match="unknown quarter"):
        briefing.load_context("2023Q5", store=empty_ctx.store_path)
    with pytest.raises(AssessmentError, match="outside 2023Q2"):
        briefing.load_context("2023Q2", as_of="2023-07-01", store=empty_ctx.store_path)


def test_indicator_keys_main_targets_and_livelihood(empty_ctx):
    from taskanalytics.briefing.pages import indicator_series

    keys = briefing.indicator_keys(empty_ctx.plan)
    assert keys[:3] == ["地区生产总值增长", "固定资产投资同比增长", "一般公共预算收入"]
    assert {"回迁安置", "居家适老化改造工程", "养老护理员专业化培训", "化解政府性债务"} <= set(keys)
    assert len(keys) == len(set(keys))
    for key in keys:
        assert len(indicator_series(empty_ctx.assessment, key))


def test_header_escapes_title_and_has_no_banner_without_synthetic_data(empty_ctx):
    out = briefing.briefing_header(empty_ctx, "<b>简报</b>").data
    assert "&lt;b&gt;简报&lt;/b&gt;" in out
    assert "2023年第二季度" in out and "数据截至：2023-06-30（季度末）" in out
    assert '<a href="index.html">← 返回目录</a>' in out
    # provenance moved to the 数据来源 footer (issue 11, part 5)
    assert "SHA-256" not in out and "数据来源" not in out
    assert "示例数据" not in out
    footer = briefing.sources_footer(empty_ctx).data
    plan_hash = empty_ctx.sources.loc[0, "sha256"][:12]
    assert "数据来源" in footer and "SHA-256" in footer and plan_hash in footer
    assert "进度报送：无" in footer and 'href="index.html"' in footer


def test_format_quantity_one_way_with_units():
    assert briefing.format_quantity(43000, "万元") == "43,000 万元"
    assert briefing.format_quantity(-4414.1, "万元", signed=True) == "-4,414.1 万元"
    assert briefing.format_quantity(0.3, "个百分点", signed=True) == "+0.3 个百分点"
    assert briefing.format_quantity(6.5, "%") == "6.5%"


def test_unknown_unit_leader_or_indicator_is_a_briefing_error(empty_ctx):
    with pytest.raises(briefing.BriefingError, match="no lead unit '不存在的局'"):
        briefing.kpi_cards(empty_ctx, unit="不存在的局")
    with pytest.raises(briefing.BriefingError):
        briefing.briefing_header(empty_ctx, "x", leader="无名氏")
    with pytest.raises(briefing.BriefingError, match="地区生产总值增长"):  # the briefed keys
        briefing.indicator_facts(empty_ctx, "不存在的指标")


def test_sections_without_reports_count_everything_due_as_not_reported(empty_ctx):
    facts = briefing.kpi_cards(empty_ctx, unit="财政局").data
    row = empty_ctx.current("by_unit").set_index("unit").loc["财政局"]
    due, late = row["due"], row["not_reported"]
    assert due == late + row["due_today"]  # due on the as-of day is not late (rule 2)
    assert f"财政局应完成节点 {due} 个" in facts and f"未报送 {late} 个" in facts
    assert "全区" in facts
    table = briefing.portfolio(empty_ctx, "祝美娟")
    assert (table["not_reported"] <= table["due"]).all()  # the rest is due today:
    assert (table["done"] == 0).all() and (table["overdue"] == 0).all()
    assert set(table["light"]) <= {"红", "黄", "绿"}


def test_table_html_badges_formats_and_cards():
    df = pd.DataFrame(
        {"light": ["红", "绿"], "on_time_rate": [0.5, None], "note": ["<i>x</i>", ""]}
    )
    out = briefing.table_html(df, formats={"on_time_rate": "{:.0%}"}, cards=True).data
    assert '<span class="ta-badge ta-red">红</span>' in out
    assert ">50%<" in out
    assert "ta-cards" in out and 'data-label="灯色"' not in out  # no header given: raw name
    assert "&lt;i&gt;x&lt;/i&gt;" in out


def test_plans_without_main_targets_brief_without_crashing(tmp_path):
    from plan_docs import table, task_row, write_doc

    from taskanalytics.briefing import load_context
    from taskanalytics.briefing.sections import main_targets, main_targets_chart

    body = table(
        [
            task_row(1, "（1）3月底前，完成调研。", prefix=("一\n主要\n预期\n目标",)),  # no target
            task_row(2, "（1）6月底前，完成改造5个小区。", prefix=("二\n加快发展", "（一）改革")),
        ],
        declared=(2, 2),
    )
    ctx = load_context(
        "2023Q2", plan_path=write_doc(tmp_path, body), store=tmp_path / "none.sqlite"
    )
    assert main_targets(ctx).empty
    assert "没有带量化指标的主要预期目标" in main_targets_chart(ctx).data
    assert not (tmp_path / "none.sqlite").exists()  # a missing store is not created


def test_a_missing_roll_up_light_reads_no_items_due():
    from taskanalytics.assess import vocab as va

    lights = pd.Categorical(["红", None], categories=list(va.LIGHT_LABELS.values()))
    out = briefing.table_html(pd.DataFrame({"unit": ["甲", "乙"], "light": lights})).data
    assert '<span class="ta-badge ta-red">红</span>' in out
    assert f'<span class="ta-badge ta-grey">{va.NO_LIGHT_LABEL}</span>' in out


@pytest.fixture(scope="module")
def demo_ctx(demo_store):
    return briefing.load_context("2023Q2", store=demo_store)


def test_unit_ranking_table_names_both_ends_and_units_not_ranked(demo_ctx):
    from taskanalytics.assess import vocab as va

    out = briefing.unit_ranking_table(demo_ctx).data
    for word in ("名次", "评定", va.STANDING_LABELS["advanced"], va.STANDING_LABELS["lagging"]):
        assert word in out
    assert va.STANDING_LABELS["unranked"] in out and "少于 3 个" in out
    assert va.NO_LIGHT_LABEL in out  # 公安分局 has nothing due in 2023Q2
    units = briefing.status_table(demo_ctx, "unit").data
    assert va.NO_LIGHT_LABEL in units
    leader = briefing.portfolio(demo_ctx, "祝美娟")
    assert set(leader["light"].dropna()) <= set(va.LIGHT_LABELS.values())


def test_unit_and_leader_names_link_to_their_pages(demo_ctx):
    from taskanalytics.briefing.pages import href

    finance = f'<a href="{href("unit-财政局.html")}">财政局</a>'
    assert finance in briefing.status_table(demo_ctx, "unit").data
    assert finance in briefing.unit_ranking_table(demo_ctx).data
    assert finance in briefing.main_targets_table(demo_ctx).data
    assert finance in briefing.tasks_table(demo_ctx, leader="祝美娟").data
    leaders = briefing.status_table(demo_ctx, "leader").data
    assert f'<a href="{href("leader-祝美娟.html")}">祝美娟</a>' in leaders
    units = briefing.portfolio(demo_ctx, "祝美娟")["unit"]
    assert f">{units.iloc[0]}</a>" in briefing.portfolio_table(demo_ctx, "祝美娟").data


def test_main_targets_show_numbers_one_way_with_units(demo_ctx):
    import re

    out = briefing.main_targets_table(demo_ctx).data
    cells = re.findall(r'data-label="(?:年度目标|本季目标|本季实际|差距)">([^<]*)</td>', out)
    filled = [c for c in cells if c and c != "—"]
    assert filled
    # every number has its unit; four-digit numbers have a thousands separator
    assert all(re.fullmatch(r"[+-]?[\d,]+(\.\d+)?(%| \S+)", c) for c in filled), filled
    assert not [c for c in filled if re.search(r"\d{4}", c)], filled
    assert "个百分点" in out


def test_headline_figures_are_the_overviews(demo_ctx):
    figures = briefing.headline_figures(demo_ctx)
    assert list(figures) == list(briefing.HEADLINE_LABELS)
    row = demo_ctx.current("by_section")[["due", "done", "overdue"]].sum()
    assert figures["due"] == row["due"] and figures["overdue"] == row["overdue"]
    assert figures["watchlist"] == len(demo_ctx.current("watchlist"))
    assert figures["units_not_reporting"] == len(briefing.not_reporting(demo_ctx))
    cards = briefing.headline_cards(demo_ctx).data
    assert all(label in cards for label in briefing.HEADLINE_LABELS.values())
    kpi = briefing.kpi_cards(demo_ctx).data
    assert f"应完成节点 {figures['due']} 个" in kpi


def _listed_files(footer: str) -> set[str]:
    import re

    return set(re.findall(r'data-label="文件">([^<]+)</td>', footer))


def test_the_footer_of_a_leader_or_indicator_page_lists_only_its_files(demo_ctx):
    every = _listed_files(briefing.sources_footer(demo_ctx).data)
    debt = briefing.sources_footer(demo_ctx, indicator="化解政府性债务").data
    assert "本指标相关的报送文件" in debt
    progress = demo_ctx.progress
    ids = set(briefing.indicator_points(demo_ctx, "化解政府性债务")["milestone_id"])
    expected = set(progress.loc[progress["milestone_id"].isin(ids), "source_file"])
    assert expected and _listed_files(debt) == expected < every
    leader = demo_ctx.assessment.by_leader["leader"].iloc[0]
    mine = _listed_files(briefing.sources_footer(demo_ctx, leader=leader).data)
    assert mine and mine < every
    with pytest.raises(briefing.BriefingError):
        briefing.sources_footer(demo_ctx, indicator="不存在的指标")
