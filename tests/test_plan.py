"""read_plan on the bundled seed document and on small synthetic documents, rule by rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from plan_docs import cells, table, task_row, write_doc

from taskanalytics import PlanParseError, TaskAnalyticsError, read_plan


@pytest.fixture(scope="module")
def seed(seed_plan):
    return seed_plan


def _task(plan, task_id):
    return plan.tasks.set_index("task_id").loc[task_id]


def _ms(plan, milestone_id):
    return plan.milestones.set_index("milestone_id").loc[milestone_id]


# --- the seed ----------------------------------------------------------------------------


def test_seed_meta(seed):
    assert seed.meta["doc_number"] == "双区政办发〔2023〕1号"
    assert seed.meta["year"] == 2023
    assert seed.meta["issued_date"] == dt.date(2023, 3, 16)
    assert seed.meta["issuer"] == "盘锦市双台子区人民政府办公室"
    assert "2023年区政府工作报告任务分解" in seed.meta["title"]
    assert seed.meta["declared"] == {
        "work_report": {"tasks": 122, "milestones": 404},
        "livelihood": {"tasks": 10, "milestones": 50},
    }


def test_seed_counts_per_section(seed):
    assert seed.tasks.groupby("section").size().to_dict() == {"livelihood": 10, "work_report": 122}
    assert list(seed.tasks["task_id"][:3]) == ["T001", "T002", "T003"]
    assert seed.tasks["task_id"].iloc[121] == "T122"
    assert list(seed.tasks["task_id"][-10:]) == [f"L{n:02d}" for n in range(1, 11)]
    sections = seed.milestones.merge(seed.tasks[["task_id", "section"]], on="task_id")
    # leaf milestones: (n) items, circled items split out (see test_seed_circled_items)
    assert sections.groupby("section").size().to_dict() == {"livelihood": 52, "work_report": 411}


def test_seed_merged_cells_continue_the_task_above(seed):
    t2 = _task(seed, "T002")
    assert t2["lead_units"] == ["发改局"]
    assert t2["leaders"] == ["祝美娟"]
    assert t2["responsible_units"] == _task(seed, "T001")["responsible_units"]
    # a blank responsible cell alone means none
    t3 = _task(seed, "T003")
    assert t3["lead_units"] == ["财政局"] and t3["responsible_units"] == []


def test_seed_task_over_three_rows_is_one_task(seed):
    ms = seed.milestones[seed.milestones["task_id"] == "T026"]
    assert list(ms["label"]) == [f"({n})" for n in range(1, 16)]
    assert (seed.tasks["number"] == 26).sum() == 1
    assert _task(seed, "T026")["lead_units"] == ["商务局", "工信局", "农业农村局"]
    assert _ms(seed, "T026.13")["group"] == "统一镇"
    assert _ms(seed, "T026.01")["group"] == "胜利街道办事处"


def test_seed_categories(seed):
    t = seed.tasks.set_index("task_id")
    assert t.loc["T001", "category"] == "主要预期目标" and pd.isna(t.loc["T001", "subcategory"])
    assert t.loc["T008", "subcategory"] == "抢抓重大历史机遇"
    assert t.loc["T011", "subcategory"] == "持续优化营商环境"  # blank cells continue
    assert t.loc["T086", "category"] == "坚持以人为本，持续增进民生福祉"  # "五" alone
    assert t.loc["T086", "subcategory"] == "优化城市功能品质"
    assert t.loc["T113", "category"] == "对党绝对忠诚，争做不忘初心、践行使命的表率"
    assert pd.isna(t.loc["T113", "subcategory"])
    assert t.loc["T122", "category"].startswith("永葆清廉本色")
    assert set(t.loc[t["section"] == "livelihood", "category"]) == {"十件民生实事"}
    work = t.loc[t["section"] == "work_report", "category"]
    assert work.str.contains(r"^[一二三四五六七八九十]|（", regex=True).sum() == 0


def test_seed_artifacts_names_and_units(seed):
    t78 = _task(seed, "T078")
    assert t78["title"] == "严格落实河长制，常态化开展“清四乱”。"
    assert not seed.tasks["title"].str.contains("bookmark").any()
    assert _task(seed, "T014")["leaders"] == ["王茜"]
    assert _task(seed, "L02")["leaders"] == ["祝美娟", "邹勇"]
    assert _task(seed, "T087")["lead_units"] == ["住建局", "城建中心", "综合执法大队", "交警大队"]
    assert _task(seed, "T054")["responsible_units"] == ["双盛街道办事处", "统一镇"]  # "统一镇 "
    assert _task(seed, "T110")["deadline"] == pd.Timestamp("2023-12-31")
    assert _task(seed, "T105")["deadline"] == pd.Timestamp("2023-06-30")


def test_seed_circled_items(seed):
    m = seed.milestones.set_index("milestone_id")
    assert m.loc["T085.01", "label"] == "(1)①" and m.loc["T085.01", "group"] == "老旧小区改造工程"
    assert m.loc["T085.13", "label"] == "(3)⑥" and m.loc["T085.13", "group"] == "完整居住社区"
    # inline circled items "（3） ①…；②…"
    assert m.loc["T105.03", "label"] == "(3)①" and m.loc["T105.04", "label"] == "(3)②"
    assert m.loc["T105.04", "due_date"] == pd.Timestamp("2023-06-30")
    assert m.loc["L02.05", "group"] == "实验中学教学楼改造"
    # a heading that introduces the next items is their group, not the previous text
    assert m.loc["L04.01", "group"] == "新建口袋公园3个、新建街头游园1个"
    assert not m["text"].str.endswith(("：", ":")).any()
    assert "街道办事处" not in m.loc["T026.01", "text"]


def test_seed_unnumbered_cells(seed):
    m = seed.milestones
    t19 = m[m["task_id"] == "T019"]
    assert len(t19) == 1 and t19["label"].iloc[0] == ""
    assert t19["due_date"].iloc[0] == pd.Timestamp("2023-09-30")


@pytest.mark.parametrize(
    ("milestone_id", "due", "kind", "recurrence"),
    [
        ("T110.01", "2023-03-31", "date", None),  # 3月底前
        ("T084.03", "2023-11-30", "date", None),  # 11月底，
        ("T035.01", "2023-02-20", "date", None),  # 2月中旬
        ("T025.02", "2023-12-31", "recurring", "quarterly"),  # 4月初、7月初、10月初
        ("T025.03", "2023-12-31", "date", None),  # 年末清算
        ("T037.01", "2023-12-31", "date", None),  # 争取2023年底前
        ("T037.02", "2024-12-31", "date", None),  # 计划2024年: keeps its year
        ("T087.06", "2023-03-31", "range", None),  # 2月至3月份
        ("T087.08", "2023-12-31", "range", None),  # 6月至12月
        ("T007.03", "2023-12-31", "recurring", "monthly"),  # 按月调度
        ("T023.02", "2023-12-31", "recurring", "quarterly"),  # 每季度，
        ("T026.08", "2023-12-31", "recurring", "semiannual"),  # 每半年
        ("T009.01", "2023-03-31", "date", None),  # 3月底前 … 每月 (the date comes first)
        ("T063.01", "2023-12-31", "task_deadline", None),  # no date at all
        ("L10.01", "2023-08-31", "task_deadline", None),  # task deadline 8月31日
    ],
)
def test_seed_due_dates(seed, milestone_id, due, kind, recurrence):
    m = _ms(seed, milestone_id)
    assert m["due_date"] == pd.Timestamp(due)
    assert m["due_kind"] == kind
    assert pd.isna(m["recurrence"]) if recurrence is None else m["recurrence"] == recurrence
    assert m["quarter"] == f"{due[:4]}Q{(int(due[5:7]) - 1) // 3 + 1}"


def test_seed_targets(seed):
    t = seed.targets
    debt = t[t["metric"] == "化解政府性债务"]
    assert list(debt["milestone_id"]) == ["T110.01", "T110.02", "T110.03", "T110.04"]
    assert list(debt["value"]) == [17501.0, 63422.0, 68863.0, 70289.0]
    assert set(debt["unit"]) == {"万元"}
    resettle = t[t["metric"] == "回迁安置"].set_index("milestone_id")
    assert resettle.loc["L01.04", "value"] == 1000 and resettle.loc["L01.04", "comparator"] == ">="
    assert resettle.loc["L01.01", "comparator"] == "="
    q1 = t[t["milestone_id"] == "T031.01"]
    assert list(zip(q1["metric"], q1["value"], q1["unit"], strict=True)) == [
        ("新开工项目", 5, "个"), ("复工项目", 30, "个"), ("竣工项目", 5, "个"), ("投产项目", 5, "个"),
    ]  # fmt: skip
    by = t.set_index(["milestone_id", "target_no"])
    assert by.loc[("T008.01", 2), "value"] == 200000.0  # 20亿元 -> 万元
    assert by.loc[("T081.03", 1), ["value", "unit"]].tolist() == [15000.0, "平方米"]
    assert by.loc[("T077.01", 1), ["unit", "comparator"]].tolist() == ["%", ">="]  # 不低于
    assert by.loc[("T043.02", 1), "comparator"] == ">="  # 突破
    # ordinals, years, codes are not targets
    for mid in ("T041.01", "T020.01", "T016.01", "T076.02", "T094.01"):
        assert mid not in set(t["milestone_id"]), mid
    # capacities (10000吨/年) are not targets
    assert "T036.02" not in set(t["milestone_id"])


def test_seed_owners_long_form(seed):
    o = seed.owners
    assert set(o["role"]) == {"lead", "responsible", "leader"}
    t26 = o[o["task_id"] == "T026"]
    assert sorted(t26.loc[t26["role"] == "leader", "name"]) == ["李洋", "王茜", "黄刚"]
    n_lead = seed.tasks["lead_units"].map(len).sum()
    assert (o["role"] == "lead").sum() == n_lead


def test_plan_is_frozen(seed):
    with pytest.raises(AttributeError):
        seed.tasks = None  # type: ignore[misc]
    page = seed._repr_html_()
    assert "<table>" in page and "十件民生实事" in page and "work_report" not in page


# --- synthetic documents: one rule each ------------------------------------------------


def test_encodings_detected(tmp_path):
    body = table([task_row(1, "（1）3月底前，化解政府性债务100万元。")])
    for enc, name in (("utf-8", "u.txt"), ("utf-8-sig", "bom.txt"), ("gb18030", "gb.txt")):
        plan = read_plan(write_doc(tmp_path, body, name=name, encoding=enc))
        assert plan.targets["metric"].tolist() == ["化解政府性债务"], enc
        assert plan.tasks["lead_units"].iloc[0] == ["财政局"]


def test_blank_row_cells_continue_merged_cells(tmp_path):
    body = table(
        [
            task_row(
                1,
                "（1）3月底前，甲。",
                lead="发改局",
                responsible="工信局\n商务局",
                leaders="王  茜",
            ),
            task_row(2, "（1）6月底前，乙。", prefix=("",), lead="", responsible="", leaders=""),
            task_row(
                3, "（1）9月底前，丙。", prefix=("",), lead="财政局", responsible="", leaders="李洋"
            ),
        ],
        declared=(3, 3),
    )
    t = read_plan(write_doc(tmp_path, body)).tasks.set_index("task_id")
    assert t.loc["T002", "lead_units"] == ["发改局"]
    assert t.loc["T002", "responsible_units"] == ["工信局", "商务局"]
    assert t.loc["T002", "leaders"] == ["王茜"]
    assert t.loc["T003", "responsible_units"] == []
    assert t.loc["T002", "category"] == "主要预期目标"


def test_repeated_task_rows_merge_and_number_continues(tmp_path):
    two = ("二\n发展", "（一）改革")
    body = table(
        [
            task_row(1, "甲街道：\n（1）3月底前，甲；", prefix=two, lead="商务局"),
            task_row(
                1,
                "乙镇：\n（2）6月底前，乙；\n（3）每月调度一次。",
                prefix=two,
                lead="商务局\n工信局",
            ),
        ]
    )
    plan = read_plan(write_doc(tmp_path, body))
    assert len(plan.tasks) == 1
    assert plan.tasks["lead_units"].iloc[0] == ["商务局", "工信局"]
    ms = plan.milestones
    assert ms["milestone_id"].tolist() == ["T001.01", "T001.02", "T001.03"]
    assert ms["group"].tolist() == ["甲街道", "乙镇", "乙镇"]
    assert ms["text"].tolist()[0] == "3月底前，甲"


def test_subcategory_numbering_and_blank_categories(tmp_path):
    body = table(
        [
            task_row(1, "（1）3月底前，甲。", prefix=("二\n加快发展", "（一）\n抓机遇")),
            task_row(2, "（1）3月底前，乙。", prefix=("", "")),
            task_row(3, "（1）3月底前，丙。", prefix=("二", "（二）优环境")),
            task_row(4, "（1）3月底前，丁。", prefix=("\n对党忠诚的表率\n",)),
        ],
        declared=(4, 4),
    )
    t = read_plan(write_doc(tmp_path, body)).tasks
    assert t["category"].tolist() == ["加快发展", "加快发展", "加快发展", "对党忠诚的表率"]
    assert t["subcategory"].tolist()[:3] == ["抓机遇", "抓机遇", "优环境"]
    assert pd.isna(t["subcategory"].iloc[3])


def test_livelihood_table_has_its_own_numbering(tmp_path):
    body = table([task_row(1, "（1）3月底前，甲。")]) + table(
        [task_row(1, "（1）3月底前，完成回迁安置200户。", prefix=("十件民生实事",))],
        livelihood=True,
    )
    plan = read_plan(write_doc(tmp_path, body))
    assert plan.tasks["task_id"].tolist() == ["T001", "L01"]
    assert plan.tasks["section"].tolist() == ["work_report", "livelihood"]
    assert plan.meta["declared"]["livelihood"] == {"tasks": 1, "milestones": 1}


def test_bookmark_artifacts_never_reach_the_data(tmp_path):
    body = table([task_row(1, "（1）3月底前，甲。", title="[bookmark: _GoBack]严格落实河长制。")])
    t = read_plan(write_doc(tmp_path, body)).tasks
    assert t["title"].iloc[0] == "严格落实河长制。"


# --- errors ------------------------------------------------------------------------------


def _raises(path, match_expected: str, line: int | None = None) -> PlanParseError:
    with pytest.raises(PlanParseError) as info:
        read_plan(path)
    err = info.value
    assert isinstance(err, TaskAnalyticsError)
    assert err.path == str(path)
    assert match_expected in err.expected
    if line is not None:
        assert err.line == line
    assert str(path) in str(err)
    return err


def test_error_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n", encoding="utf-8")
    _raises(path, "work-plan document")


def test_error_missing_file(tmp_path):
    _raises(tmp_path / "nope.txt", "readable file")


def test_error_undecodable(tmp_path):
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\x81\x30\xff\xfe\x00\xff" * 20)
    _raises(path, "UTF-8 or GB18030")


def test_error_no_task_table(tmp_path):
    _raises(write_doc(tmp_path, "只有通知正文，没有表格。\n"), "task table")


def test_error_task_without_milestones(tmp_path):
    path = write_doc(tmp_path, table([task_row(1, "")]))
    err = _raises(path, "milestones for task 1")
    text = path.read_text(encoding="utf-8").split("\n")
    assert text[err.line - 1].startswith("\t1.")


def test_error_malformed_deadline(tmp_path):
    path = write_doc(tmp_path, table([task_row(1, "（1）3月底前，甲。", deadline="年底左右")]))
    err = _raises(path, "deadline such as 12月31日")
    assert err.found == "年底左右"
    assert path.read_text(encoding="utf-8").split("\n")[err.line - 1] == "\t年底左右"


def test_error_impossible_deadline(tmp_path):
    path = write_doc(tmp_path, table([task_row(1, "（1）3月底前，甲。", deadline="2月30日")]))
    _raises(path, "real calendar date")


def test_error_truncated_row(tmp_path):
    body = table([cells("一\n目标", "1.任务。", "（1）3月底前，甲。", "12月31日")])
    _raises(write_doc(tmp_path, body), "five cells after the task")


def test_error_bad_header(tmp_path):
    body = table([task_row(1, "（1）3月底前，甲。")]).replace("完成时限", "时限")
    _raises(write_doc(tmp_path, body), "header cells")


def test_error_unknown_category_numeral(tmp_path):
    body = table([task_row(1, "（1）3月底前，甲。", prefix=("三", "（一）改革"))])
    _raises(write_doc(tmp_path, body), "category name for numeral 三")


# -- no silent merge (issue 13) ---------------------------------------------------------------


def test_two_tasks_with_one_number_name_both_lines(tmp_path):
    """Task 2 renumbered "1.": an error, not a merge that loses its title and lead unit."""
    body = table(
        [
            task_row(1, "（1）6月底前，完成一半。", title="第一项任务。"),
            task_row(1, "（1）9月底前，完成。", title="第二项任务。", lead="发改局"),
        ],
        declared=(2, 2),
    )
    path = write_doc(tmp_path, body)
    err = _raises(path, "two tasks cannot share a number")
    assert err.found == "1.第二项任务。"
    first = next(n for n, s in enumerate(path.read_text("utf-8").split("\n"), 1) if "\t1.第一" in s)
    assert f"line {first}: task 1 “第一项任务。”" in err.expected and err.line > first


def test_a_row_printed_twice_names_both_lines(tmp_path):
    row = task_row(1, "（1）6月底前，完成一半。")
    path = write_doc(tmp_path, table([row, row, task_row(2, "（1）9月底前，完成。")]))
    err = _raises(path, "each row once")
    lines = path.read_text("utf-8").split("\n")
    first = next(n for n, s in enumerate(lines, 1) if s == "\t1.示例任务。")
    assert f"line {first} is the same row of task 1" in err.expected and err.line > first


def test_a_task_printed_over_rows_still_merges(tmp_path):
    """The seed's task 26: the same number and text, other milestones: one task."""
    body = table(
        [
            task_row(1, "（1）6月底前，完成一半。"),
            task_row(1, "（2）9月底前，完成。"),
            task_row(2, "（1）12月底前，验收。"),
        ],
        declared=(2, 3),
    )
    plan = read_plan(write_doc(tmp_path, body))
    assert plan.tasks["task_id"].tolist() == ["T001", "T002"]
    assert plan.milestones["task_id"].tolist() == ["T001", "T001", "T002"]


def test_a_task_number_used_again_later_names_the_first(tmp_path):
    body = table([task_row(1, "（1）6月底前。"), task_row(2, "（1）7月底前。"),
                  task_row(1, "（1）8月底前。", title="又一项。")], declared=(3, 3))  # fmt: skip
    err = _raises(write_doc(tmp_path, body), "task number 1 only once")
    assert "task 1 “示例任务。”" in err.expected and err.found == "1.又一项。"


def test_an_impossible_issue_date_is_no_issue_date(tmp_path):
    from taskanalytics.config import DEFAULT_PLAN_PATH

    text = DEFAULT_PLAN_PATH.read_text(encoding="utf-8").replace("2023年3月16日", "2023年2月30日")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert plan.meta["issued_date"] is None and plan.meta["year"] == 2023


def test_a_plan_without_quantities_has_typed_empty_targets(tmp_path):
    plan = read_plan(write_doc(tmp_path, table([task_row(1, "（1）6月底前，完成一半。")])))
    assert plan.targets.empty
    assert (plan.targets["target_no"].dtype, plan.targets["value"].dtype) == ("int64", "float64")
