"""audit(plan): data quality of the source document."""

from __future__ import annotations

import pytest
from plan_docs import table, task_row, write_doc

from taskanalytics import audit, read_plan
from taskanalytics.plan.audit import CHECK_NAMES


@pytest.fixture(scope="module")
def seed_audit(seed_plan):
    return audit(seed_plan)


def test_declared_vs_parsed_counts_on_seed(seed_audit):
    counts = seed_audit[seed_audit["check"].str.startswith("declared_")].set_index(
        ["section", "check"]
    )
    assert counts.loc[("work_report", "declared_tasks"), ["declared", "parsed"]].tolist() == [
        122,
        122,
    ]
    assert counts.loc[("livelihood", "declared_tasks"), ["declared", "parsed"]].tolist() == [10, 10]
    # (n) items + unnumbered cells; the document's own count (404 / 50) does not match it
    assert counts.loc[("work_report", "declared_milestones"), ["declared", "parsed"]].tolist() == [
        404,
        395,
    ]
    assert counts.loc[("livelihood", "declared_milestones"), ["declared", "parsed"]].tolist() == [
        50,
        47,
    ]
    assert "411" in counts.loc[("work_report", "declared_milestones"), "detail"]


def test_seed_findings(seed_audit):
    by = seed_audit.groupby("check")["task_id"].apply(set)
    assert by["lead_also_responsible"] == {"T040", "T082", "T084"}
    assert by["due_after_deadline"] == {"T037"}
    assert "T063" in by["undated_milestone"]
    assert {"T100", "T106", "T108", "T120"} <= by["unknown_date_phrase"]
    assert by["number_without_unit"] == {"T008", "T067"}
    assert by["inconsistent_header"] == {"T099", "T102"}
    assert set(seed_audit["check"]) <= set(CHECK_NAMES)
    assert seed_audit["detail"].str.contains("[\u4e00-\u9fff]").all()


def test_clean_document_has_only_count_rows(tmp_path):
    body = table([task_row(1, "（1）3月底前，化解政府性债务100万元。", responsible="工信局")])
    findings = audit(read_plan(write_doc(tmp_path, body)))
    assert sorted(findings["check"]) == ["declared_milestones", "declared_tasks"]
    assert (findings["declared"] == findings["parsed"]).all()


def test_lead_also_responsible_and_late_milestone(tmp_path):
    body = table(
        [
            task_row(
                1,
                "（1）12月底前，甲。",
                deadline="6月30日",
                lead="财政局",
                responsible="财政局\n工信局",
            )
        ]
    )
    findings = audit(read_plan(write_doc(tmp_path, body)))
    assert {"lead_also_responsible", "due_after_deadline"} <= set(findings["check"])
    late = findings[findings["check"] == "due_after_deadline"].iloc[0]
    assert late["milestone_id"] == "T001.01"
