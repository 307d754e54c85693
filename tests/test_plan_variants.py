"""tests/plans.py: the plan documents of the year-two tests read as they claim to be."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plans
import pytest

from taskanalytics.plan.build import read_plan
from taskanalytics.plan.identity import plan_identity

SEED_TASKS = [f"T{n:03d}" for n in range(1, 123)] + [f"L{n:02d}" for n in range(1, 11)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("plans")


@pytest.fixture(scope="module")
def read(folder):
    cache: dict[str, object] = {}

    def _read(name: str, text: str):
        if name not in cache:
            cache[name] = read_plan(plans.write_plan(folder, text, f"{name}.txt"))
        return cache[name]

    return _read


@pytest.fixture(scope="module")
def seed(read):
    return read("seed", plans.seed_text())


@pytest.fixture(scope="module")
def revised(read):
    return read("revised", plans.revised_text())


def _ms(plan, milestone_id):
    return plan.milestones.set_index("milestone_id").loc[milestone_id]


def _texts(plan, task_id):
    ms = plan.milestones
    return ms.loc[ms["task_id"] == task_id, ["milestone_id", "label", "text"]].values.tolist()


# --------------------------------------------------------------------------- seed, writer


def test_seed_text_reads_as_the_bundled_seed(seed, seed_plan):
    for name in ("tasks", "milestones", "targets", "owners"):
        pd.testing.assert_frame_equal(getattr(seed, name), getattr(seed_plan, name))
    # the bytes differ (decoding drops the export's artefacts), the reading does not
    skip = ("source", "source_sha256")
    same = {k: v for k, v in seed.meta.items() if k not in skip}
    assert same == {k: v for k, v in seed_plan.meta.items() if k not in skip}


def test_write_plan_writes_utf8(tmp_path):
    path = plans.write_plan(tmp_path, "双区政办发〔2023〕1号\n", name="x.txt")
    assert path == tmp_path / "x.txt"
    assert path.read_bytes() == "双区政办发〔2023〕1号\n".encode()


# --------------------------------------------------------------------------- other years


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_year_text_is_the_seed_in_another_year(read, seed, year):
    plan = read(f"year{year}", plans.year_text(year))
    assert plan.meta["year"] == year
    assert plan.meta["doc_number"] == f"双区政办发〔{year}〕1号"
    assert plan.meta["issued_date"] == dt.date(year, 3, 16)
    assert plan.meta["table_title"] == f"{year}年区政府工作报告任务分解"
    assert f"{year}年区政府工作报告任务分解的通知" in plan.meta["title"]
    assert plan_identity(plan).name == f"{year}-工作报告"
    assert plan.tasks["task_id"].tolist() == SEED_TASKS
    assert plan.milestones["milestone_id"].tolist() == seed.milestones["milestone_id"].tolist()
    # due dates: the seed's, moved by the years between (month the same; 2月底 may move a day)
    old, new = seed.milestones["due_date"], plan.milestones["due_date"]
    assert (new.dt.year - old.dt.year).eq(year - 2023).all()
    assert new.dt.month.tolist() == old.dt.month.tolist()
    assert (new.dt.year == year).sum() == len(new) - 1  # “计划2024年…” is due the next year


def test_year_text_moves_the_years_in_cells():
    seed, text = plans.seed_text(), plans.year_text(2024)
    assert "〔2024〕1号" in text and "2024年3月16日" in text
    # the only 2023 left are the seed's 2022年 moved on
    assert text.count("2023") == seed.count("2022年") > 0
    assert text.count("2024") == seed.count("2023") > 0
    assert text.count("2025") == seed.count("2024年") > 0
    for found in (
        "2024年度变更“一住两公”",
        "2023年退役军人",
        "计划2025年将上市材料",
        "“2024辽宁网上年货节”",
    ):
        assert found in text
    # a quantity is not a year
    assert "43000万元" in text and "10770万元" in text


def test_year_text_of_the_seed_year_is_the_seed():
    assert plans.year_text(2023) == plans.seed_text()


# --------------------------------------------------------------------------- the two sections


@pytest.mark.parametrize("year", [2023, 2024])
def test_work_report_text_holds_the_122_tasks(read, year):
    plan = read(f"work{year}", plans.work_report_text(year))
    whole = read(f"year{year}", plans.year_text(year))
    assert plan.meta["kind"] == "work_report"
    assert plan.meta["year"] == year
    assert plan_identity(plan).name == f"{year}-工作报告"
    assert plan.meta["doc_number"] == f"双区政办发〔{year}〕1号"
    assert plan.meta["declared"] == {"work_report": {"tasks": 122, "milestones": 404}}
    assert plan.tasks["task_id"].tolist() == SEED_TASKS[:122]
    assert set(plan.tasks["section"]) == {"work_report"}
    work = whole.milestones[whole.milestones["task_id"].str.startswith("T")]
    assert len(plan.milestones) == 411
    pd.testing.assert_frame_equal(plan.milestones, work)


@pytest.mark.parametrize("year", [2023, 2024])
def test_livelihood_text_is_a_document_of_its_own(read, seed, year):
    plan = read(f"livelihood{year}", plans.livelihood_text(year))
    assert plan.meta["kind"] == "livelihood"
    assert plan_identity(plan).name == f"{year}-民生实事"
    assert plan.meta["year"] == year
    assert plan.meta["doc_number"] == f"双区政办发〔{year}〕2号"
    assert plan.meta["title"] == (
        f"盘锦市双台子区人民政府办公室关于印发{year}年区十件民生实事任务分解的通知"
    )
    assert plan.meta["table_title"] == f"{year}年区十件民生实事任务分解"
    assert plan.meta["issued_date"] == dt.date(year, 3, 20)
    assert plan.meta["declared"] == {"livelihood": {"tasks": 10, "milestones": 50}}
    assert plan.tasks["task_id"].tolist() == [f"L{n:02d}" for n in range(1, 11)]
    assert set(plan.tasks["section"]) == {"livelihood"}
    # 50 declared; the circled sub-items of L02 and L10 make 52 leaves, as in the seed
    assert len(plan.milestones) == 52
    lv = seed.milestones[seed.milestones["task_id"].str.startswith("L")]
    assert plan.milestones["milestone_id"].tolist() == lv["milestone_id"].tolist()
    assert (plan.milestones["due_date"].dt.year == year).all()


def test_the_two_sections_make_the_seed():
    seed, work, lv = plans.seed_text(), plans.work_report_text(), plans.livelihood_text()
    assert seed.startswith(work)
    table = seed[len(work) :]
    assert lv.endswith(table)
    assert table.startswith(" \t类别\n")


# --------------------------------------------------------------------------- the revision


def test_revised_meta(revised):
    assert revised.meta["doc_number"] == plans.REVISED_DOC_NUMBER == "双区政办发〔2023〕9号"
    assert revised.meta["issued_date"] == dt.date(2023, 7, 10)
    assert "调整" in revised.meta["title"]
    assert revised.meta["year"] == 2023
    assert revised.meta["kind"] == "work_report"
    assert plan_identity(revised).name == "2023-工作报告"
    assert revised.tasks["task_id"].tolist() == SEED_TASKS


def test_revised_has_a_new_sha(seed, revised):
    assert revised.meta["source_sha256"] != seed.meta["source_sha256"]


def test_revised_counts(seed, revised):
    assert len(revised.milestones) == len(seed.milestones) == 463
    per_task = (
        revised.milestones.groupby("task_id").size() - seed.milestones.groupby("task_id").size()
    )
    assert per_task[per_task != 0].to_dict() == {"T012": 1, "T080": -1}


def test_revised_rewording(seed, revised):
    old_id, new_id = plans.REVISED_REWORDED
    old, new = _ms(seed, old_id), _ms(revised, new_id)
    assert old["text"] == "6月底前，一般公共预算收入累计完成20300万元"
    assert new["text"] == "6月底前，一般公共预算收入累计完成21000万元"
    assert old["label"] == new["label"] == "(2)"
    assert old["due_date"] == new["due_date"]


def test_revised_addition_renumbers_its_task(seed, revised):
    added = _ms(revised, plans.REVISED_ADDED)
    assert added["text"] == plans.REVISED_ADDED_TEXT
    assert added["label"] == "(2)"
    assert added["due_date"] == pd.Timestamp("2023-05-31")
    old, new = _texts(seed, "T012"), _texts(revised, "T012")
    assert len(new) == len(old) + 1
    assert new[0] == old[0]
    assert [t for _, _, t in new[2:]] == [t for _, _, t in old[1:]]
    assert [(i, lab) for i, lab, _ in new] == [
        ("T012.01", "(1)"), ("T012.02", "(2)"), ("T012.03", "(3)"), ("T012.04", "(4)"),
        ("T012.05", "(5)"),
    ]  # fmt: skip


def test_revised_drop_renumbers_its_task(seed, revised):
    dropped = _ms(seed, plans.REVISED_DROPPED)
    assert "6.5环境日" in dropped["text"]
    assert not revised.milestones["text"].eq(dropped["text"]).any()
    old, new = _texts(seed, "T080"), _texts(revised, "T080")
    assert [t for _, _, t in new] == [t for i, _, t in old if i != plans.REVISED_DROPPED]


def test_revised_renumbered_ids_carry_the_same_text(seed, revised):
    for old_id, new_id in plans.REVISED_RENUMBERED.items():
        old, new = _ms(seed, old_id), _ms(revised, new_id)
        assert old_id != new_id
        assert old["text"] == new["text"]
        assert old["due_date"] == new["due_date"]
        assert old["label"] != new["label"]
    # every milestone of T012 after the insertion and of T080 after the drop is listed
    moved = {
        m
        for m in seed.milestones["milestone_id"]
        if (m.startswith("T012.") and m > "T012.01") or (m.startswith("T080.") and m > "T080.02")
    }
    assert set(plans.REVISED_RENUMBERED) == moved


def test_revised_redating(seed, revised):
    old_id, new_id = plans.REVISED_REDATED
    old, new = _ms(seed, old_id), _ms(revised, new_id)
    assert old["due_date"] == pd.Timestamp("2023-06-30")
    assert new["due_date"] == pd.Timestamp("2023-08-31")
    assert old["text"].replace("6月底", "8月底") == new["text"]


def test_revised_changes_nothing_else(seed, revised):
    """Every milestone outside the constants keeps its id, text and due date."""
    touched_old = {
        plans.REVISED_REWORDED[0], plans.REVISED_DROPPED, plans.REVISED_REDATED[0],
        *plans.REVISED_RENUMBERED,
    }  # fmt: skip
    touched_new = {
        plans.REVISED_REWORDED[1], plans.REVISED_ADDED, plans.REVISED_REDATED[1],
        *plans.REVISED_RENUMBERED.values(),
    }  # fmt: skip
    cols = ["milestone_id", "task_id", "label", "text", "due_date"]
    old = seed.milestones.loc[~seed.milestones["milestone_id"].isin(touched_old), cols]
    new = revised.milestones.loc[~revised.milestones["milestone_id"].isin(touched_new), cols]
    pd.testing.assert_frame_equal(old.reset_index(drop=True), new.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        seed.tasks.drop(columns="line"), revised.tasks.drop(columns="line")
    )
