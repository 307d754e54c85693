"""taskanalytics.plan.diff: two versions of a plan, milestone by milestone."""

from __future__ import annotations

import math

import pandas as pd
import plans
import pytest

from taskanalytics.plan.build import read_plan
from taskanalytics.plan.diff import (
    CHANGES,
    DIFF_COLUMNS,
    diff_plans,
    diff_summary,
    milestone_id_map,
)
from taskanalytics.schema import validate


def _once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _row(diff: pd.DataFrame, *, old: str | None = None, new: str | None = None) -> pd.Series:
    found = diff
    if old is not None:
        found = found[found["old_milestone_id"] == old]
    if new is not None:
        found = found[found["new_milestone_id"] == new]
    assert len(found) == 1, (old, new, len(found))
    return found.iloc[0]


def _counts(diff: pd.DataFrame) -> dict[str, int]:
    return diff["change"].value_counts().to_dict()


def _check_frame(diff: pd.DataFrame, old, new) -> None:
    """What holds for every diff: the schema, one row per milestone of either plan."""
    validate(diff, "plan.diff", extra=False)
    assert list(diff.columns) == DIFF_COLUMNS
    assert set(diff["change"]) <= set(CHANGES)
    assert sorted(diff["old_milestone_id"].dropna()) == sorted(old.milestones["milestone_id"])
    # rows follow the new plan's order
    assert diff["new_milestone_id"].dropna().tolist() == new.milestones["milestone_id"].tolist()
    one_side = diff["change"].isin(["added", "dropped"])
    assert diff.loc[one_side, "similarity"].isna().all()
    assert diff.loc[~one_side, "similarity"].between(0, 1).all()
    assert diff.loc[diff["change"] == "added", "old_milestone_id"].isna().all()
    assert diff.loc[diff["change"] == "dropped", "new_milestone_id"].isna().all()
    assert not diff.loc[one_side, "due_changed"].any()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("diff")


@pytest.fixture(scope="module")
def revised(folder):
    return read_plan(plans.write_plan(folder, plans.revised_text(), "revised.txt"))


@pytest.fixture(scope="module")
def revised_diff(seed_plan, revised):
    return diff_plans(seed_plan, revised)


# --------------------------------------------------------------------------- the same plan


def test_the_seed_against_itself(seed_plan):
    diff = diff_plans(seed_plan, seed_plan)
    _check_frame(diff, seed_plan, seed_plan)
    assert len(diff) == 463
    assert _counts(diff) == {"unchanged": 463}
    assert (diff["old_milestone_id"] == diff["new_milestone_id"]).all()
    assert (diff["similarity"] == 1.0).all()
    assert not diff["due_changed"].any()
    ids = seed_plan.milestones["milestone_id"].tolist()
    assert milestone_id_map(diff) == dict(zip(ids, ids, strict=True))
    assert list(milestone_id_map(diff)) == ids
    assert diff_summary(diff) == ["两版相同"]


def test_a_copy_read_from_another_file_is_the_same(folder, seed_plan):
    copy = read_plan(plans.write_plan(folder, plans.seed_text(), "copy.txt"))
    diff = diff_plans(seed_plan, copy)
    assert _counts(diff) == {"unchanged": 463}
    assert diff_summary(diff) == ["两版相同"]


# --------------------------------------------------------------------------- the revision


def test_the_revision_changes_exactly_its_constants(seed_plan, revised, revised_diff):
    diff = revised_diff
    _check_frame(diff, seed_plan, revised)
    assert len(diff) == 464  # 462 pairs, one added, one dropped
    assert _counts(diff) == {
        "unchanged": 460, "reworded": 1, "redated": 1, "added": 1, "dropped": 1,
    }  # fmt: skip
    old, new = plans.REVISED_REWORDED
    reworded = diff[diff["change"] == "reworded"].iloc[0]
    assert (reworded["old_milestone_id"], reworded["new_milestone_id"]) == (old, new)
    assert 0.9 < reworded["similarity"] < 1.0
    assert not reworded["due_changed"]
    redated = diff[diff["change"] == "redated"].iloc[0]
    assert (redated["old_milestone_id"], redated["new_milestone_id"]) == plans.REVISED_REDATED
    assert redated["similarity"] == 1.0 and redated["due_changed"]
    assert redated["old_due_date"] == pd.Timestamp("2023-06-30")
    assert redated["new_due_date"] == pd.Timestamp("2023-08-31")
    added = diff[diff["change"] == "added"].iloc[0]
    assert added["new_milestone_id"] == plans.REVISED_ADDED
    assert added["new_text"] == plans.REVISED_ADDED_TEXT
    assert pd.isna(added["old_due_date"]) and math.isnan(added["similarity"])
    dropped = diff[diff["change"] == "dropped"].iloc[0]
    assert dropped["old_milestone_id"] == plans.REVISED_DROPPED
    assert dropped["old_task_id"] == "T080" and pd.isna(dropped["new_task_id"])


def test_renumbered_milestones_are_unchanged_under_new_ids(revised_diff):
    for old, new in plans.REVISED_RENUMBERED.items():
        row = _row(revised_diff, old=old)
        assert row["new_milestone_id"] == new
        assert row["change"] == "unchanged"
        assert row["old_label"] != row["new_label"]


def test_the_id_map_of_the_revision(seed_plan, revised, revised_diff):
    id_map = milestone_id_map(revised_diff)
    expected = {
        m: plans.REVISED_RENUMBERED.get(m, m)
        for m in seed_plan.milestones["milestone_id"]
        if m != plans.REVISED_DROPPED
    }
    assert id_map == expected
    assert plans.REVISED_DROPPED not in id_map
    assert plans.REVISED_ADDED not in id_map.values()
    assert id_map[plans.REVISED_REWORDED[0]] == plans.REVISED_REWORDED[1]
    assert id_map[plans.REVISED_REDATED[0]] == plans.REVISED_REDATED[1]
    assert set(id_map.values()) == set(revised.milestones["milestone_id"]) - {plans.REVISED_ADDED}


def test_a_dropped_row_follows_the_milestone_before_it(revised_diff):
    ids = revised_diff["old_milestone_id"].tolist()
    at = ids.index(plans.REVISED_DROPPED)
    assert ids[at - 1] == "T080.01"
    assert revised_diff["old_milestone_id"].iloc[at + 1] == "T080.03"
    assert revised_diff["new_milestone_id"].iloc[at + 1] == "T080.02"
    # the added one sits where the new plan has it
    news = revised_diff["new_milestone_id"].tolist()
    assert news[news.index(plans.REVISED_ADDED) - 1] == "T012.01"


def test_the_summary_of_the_revision(revised_diff):
    lines = diff_summary(revised_diff)
    assert lines == [
        "新增 1 个节点：T012.02（2）5月底前，完成行政许可事项实施规范编制，报市政…",
        "删除 1 个节点：T080.02（2）6月底前，结合6.5环境日组织开展一次“无废城…",
        "改写 1 个节点：T003.02（2）“6月底前，一般公共预算收入累计完成20300万元”→"
        f"“6月底前，一般公共预算收入累计完成21000万元”（相似度 {_row(revised_diff, old='T003.02')['similarity']:.2f}）",
        "调整时限 1 个节点：T045.02 6月30日 → 8月31日",
        "编号变化 5 个节点：T012.02→T012.03、T012.03→T012.04、T012.04→T012.05、"
        "T080.03→T080.02、T080.04→T080.03",
        "未变 460 个节点",
    ]


def test_the_revision_read_backwards(seed_plan, revised, revised_diff):
    back = diff_plans(revised, seed_plan)
    _check_frame(back, revised, seed_plan)
    assert _counts(back) == _counts(revised_diff)
    assert _row(back, old=plans.REVISED_ADDED)["change"] == "dropped"
    assert _row(back, new=plans.REVISED_DROPPED)["change"] == "added"
    forward = milestone_id_map(revised_diff)
    assert milestone_id_map(back) == {new: old for old, new in forward.items()}


# --------------------------------------------------------------------------- another year


def test_next_years_plan_is_the_same_text_redated(folder, seed_plan):
    y2024 = read_plan(plans.write_plan(folder, plans.year_text(2024), "y2024.txt"))
    diff = diff_plans(seed_plan, y2024)
    _check_frame(diff, seed_plan, y2024)
    assert _counts(diff) == {"redated": 463}
    assert (diff["old_milestone_id"] == diff["new_milestone_id"]).all()
    assert (diff["similarity"] == 1.0).all()
    assert diff["due_changed"].all()
    assert (diff["new_due_date"].dt.year - diff["old_due_date"].dt.year == 1).all()
    # texts naming a year moved with it: the same relative to the plan year
    row = _row(diff, old="T080.04")
    assert "2023年度" in row["old_text"] and "2024年度" in row["new_text"]
    assert row["change"] == "redated"
    lines = diff_summary(diff, limit=2)
    assert lines == [
        "调整时限 463 个节点：T001.01 2023年3月31日 → 2024年3月31日；"
        "T001.02 2023年6月30日 → 2024年6月30日；等",
        "未变 0 个节点",
    ]


# --------------------------------------------------------------------------- moved, reordered


def _reordered_text() -> str:
    """The seed with T045's milestones reversed, T040's last moved to the end of T041, and
    tasks 119 and 120 swapped (each keeps its milestones)."""
    text = plans.seed_text()
    text = _once(
        text,
        "（1）3月底前，体验馆开工建设；\n（2）6月底前，体验馆试运营；\n（3）9月底前，体验馆正式运营。",
        "（1）9月底前，体验馆正式运营；\n（2）6月底前，体验馆试运营；\n（3）3月底前，体验馆开工建设。",
    )
    text = _once(
        text,
        "（2）9月底前，培育、招引数字企业5家；\n（3）12月底前，培育、招引数字企业10家。",
        "（2）9月底前，培育、招引数字企业5家。",
    )
    text = _once(
        text,
        "（5）12月底前，加快推进港澳台及海外书法艺术馆建设。",
        "（5）12月底前，加快推进港澳台及海外书法艺术馆建设；\n（6）12月底前，培育、招引数字企业10家。",
    )
    category = "\t永葆清廉本色，争做一身正气、两袖清风的表率\n"
    starts = [text.index(f"{category}\t{n}.") for n in (119, 120, 121)]
    t119, t120 = text[starts[0] : starts[1]], text[starts[1] : starts[2]]
    swapped = _once(t120, "\t120.", "\t119.") + _once(t119, "\t119.", "\t120.")
    return text[: starts[0]] + swapped + text[starts[2] :]


@pytest.fixture(scope="module")
def reordered(folder):
    return read_plan(plans.write_plan(folder, _reordered_text(), "reordered.txt"))


def test_reordered_and_moved_milestones(seed_plan, reordered):
    diff = diff_plans(seed_plan, reordered)
    _check_frame(diff, seed_plan, reordered)
    assert _counts(diff) == {"unchanged": 462, "moved": 1}
    moved = diff[diff["change"] == "moved"].iloc[0]
    assert (moved["old_milestone_id"], moved["new_milestone_id"]) == ("T040.03", "T041.06")
    assert (moved["old_task_id"], moved["new_task_id"]) == ("T040", "T041")
    assert moved["similarity"] == 1.0 and not moved["due_changed"]

    id_map = milestone_id_map(diff)
    assert {k: v for k, v in id_map.items() if k != v} == {
        "T045.01": "T045.03", "T045.03": "T045.01", "T040.03": "T041.06",
        "T119.01": "T120.01", "T119.02": "T120.02", "T119.03": "T120.03",
        "T120.01": "T119.01", "T120.02": "T119.02",
    }  # fmt: skip
    assert len(id_map) == 463
    lines = diff_summary(diff)
    assert (
        lines[0] == "移动 1 个节点：T040.03→T041.06 12月底前，培育、招引数字企业10家（相似度 1.00）"
    )
    assert lines[1].startswith("编号变化 8 个节点：T040.03→T041.06、T045.03→T045.01")
    assert lines[-1] == "未变 462 个节点"


def test_a_rewritten_milestone_is_not_paired_by_its_label(folder, seed_plan):
    text = _once(
        plans.seed_text(),
        "（2）7月底前,完成省级美丽宜居村村庄规划。",
        "（2）7月底前,组织开展农村人居环境整治观摩活动。",
    )
    text = _once(text, "55.打造省级美丽宜居村2个。", "55.打造省级美丽宜居村3个。")  # still task 55
    plan = read_plan(plans.write_plan(folder, text, "rewritten.txt"))
    diff = diff_plans(seed_plan, plan)
    _check_frame(diff, seed_plan, plan)
    assert _counts(diff) == {"unchanged": 462, "dropped": 1, "added": 1}
    assert _row(diff, old="T055.02")["change"] == "dropped"
    assert _row(diff, new="T055.02")["change"] == "added"
    assert milestone_id_map(diff)["T055.01"] == "T055.01"
    # dropped right after the milestone before it, then the new one
    ids = diff[["old_milestone_id", "new_milestone_id"]].fillna("").values.tolist()
    at = ids.index(["T055.01", "T055.01"])
    assert ids[at + 1 : at + 3] == [["T055.02", ""], ["", "T055.02"]]
    # a lower threshold lets the shared label and date carry it
    loose = diff_plans(seed_plan, plan, threshold=0.4)
    row = _row(loose, old="T055.02")
    assert row["change"] == "reworded" and row["new_milestone_id"] == "T055.02"
    assert 0.3 < row["similarity"] < 0.5


# --------------------------------------------------------------------------- whole sections


def test_the_work_report_alone_drops_the_livelihood_at_the_end(folder, seed_plan):
    work = read_plan(plans.write_plan(folder, plans.work_report_text(), "work.txt"))
    diff = diff_plans(seed_plan, work)
    _check_frame(diff, seed_plan, work)
    assert _counts(diff) == {"unchanged": 411, "dropped": 52}
    assert diff["change"].iloc[-52:].eq("dropped").all()
    assert diff["old_task_id"].iloc[-52:].str.startswith("L").all()
    assert diff["old_milestone_id"].iloc[-53] == "T122.01"


def test_the_livelihood_alone_drops_the_work_report_first(folder, seed_plan):
    lv = read_plan(plans.write_plan(folder, plans.livelihood_text(), "lv.txt"))
    diff = diff_plans(seed_plan, lv)
    _check_frame(diff, seed_plan, lv)
    assert _counts(diff) == {"dropped": 411, "unchanged": 52}
    assert diff["change"].iloc[:411].eq("dropped").all()
    assert milestone_id_map(diff) == {m: m for m in lv.milestones["milestone_id"]}
    assert diff_summary(diff)[1] == "未变 52 个节点"


# --------------------------------------------------------------------------- edges


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5])
def test_threshold_must_be_a_share(seed_plan, threshold):
    with pytest.raises(ValueError, match="threshold"):
        diff_plans(seed_plan, seed_plan, threshold=threshold)


def test_summary_lists_at_most_limit_items(folder, seed_plan):
    lv = read_plan(plans.write_plan(folder, plans.livelihood_text(), "lv.txt"))
    line = diff_summary(diff_plans(seed_plan, lv), limit=3)[0]
    assert line.startswith("删除 411 个节点：T001.01（1）")
    assert line.count("；") == 3 and line.endswith("；等")


def test_id_map_of_a_small_frame():
    diff = pd.DataFrame(
        {
            "old_milestone_id": ["A.01", "A.02", None, "B.01"],
            "new_milestone_id": ["A.01", None, "A.02", "C.01"],
        }
    )
    assert milestone_id_map(diff) == {"A.01": "A.01", "B.01": "C.01"}
