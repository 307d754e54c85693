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
