"""单位排名 (assess.ranking) and the roll-up lights on the demo data (rules, sections 4 and 5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from taskanalytics import assess, schema
from taskanalytics.assess import AssessmentRules, rank_units
from taskanalytics.assess import vocab as va
from taskanalytics.progress.store import load_progress_history

S = va.STANDING_LABELS


def _by_unit(rows: list[tuple[str, int, int, int, int]], quarter: str = "2023Q2") -> pd.DataFrame:
    """A ``by_unit`` slice: ``(unit, due, done_on_time, overdue, max_days_overdue)``, plan order."""
    frame = pd.DataFrame(
        rows, columns=["unit", "due", "done_on_time", "overdue", "max_days_overdue"]
    ).assign(quarter=quarter, as_of=pd.Timestamp("2023-06-30"), not_reported=0)
    due = frame["due"].where(frame["due"] > 0)
    frame["on_time_rate"] = frame["done_on_time"] / due
    frame["light"] = pd.Categorical([None] * len(frame), categories=list(va.LIGHT_LABELS.values()))
    return frame


def _ranked(frame: pd.DataFrame, **rules) -> pd.DataFrame:
    return rank_units(frame, AssessmentRules(**rules)).set_index("unit")


def test_minimum_due_items_to_be_ranked():
    frame = _by_unit(
        [("甲", 3, 3, 0, 0), ("乙", 2, 2, 0, 0), ("丙", 0, 0, 0, 0), ("丁", 4, 1, 3, 9)]
    )
    r = _ranked(frame)
    assert r.loc["甲", "rank"] == 1 and r.loc["丁", "rank"] == 2
    assert r.loc["乙", "standing"] == S["unranked"] and pd.isna(r.loc["乙", "rank"])
    assert r.loc["乙", "standing_note"] == "应完成节点 2 个，少于 3 个"
    assert r.loc["丙", "standing_note"] == "应完成节点 0 个，少于 3 个"
    assert list(r.index[-2:]) == ["乙", "丙"]  # not ranked: last, in plan order
    assert _ranked(frame, min_due_for_ranking=2).loc["乙", "rank"] == 1  # exactly the minimum


def test_tie_breaks_fewer_overdue_then_fewer_days_then_shared_rank_in_plan_order():
    frame = _by_unit(
        [
            ("甲", 10, 5, 3, 30),  # 50 %, 3 overdue
            ("乙", 10, 5, 1, 90),  # 50 %, 1 overdue, 90 days
            ("丙", 10, 5, 1, 10),  # 50 %, 1 overdue, 10 days
            ("丁", 10, 5, 1, 10),  # the same as 丙: shares its rank, listed after it
            ("戊", 10, 9, 1, 10),  # 90 %
        ]
    )
    r = rank_units(frame, AssessmentRules(ranking_named=1))
    assert r["unit"].tolist() == ["戊", "丙", "丁", "乙", "甲"]
    assert r["rank"].tolist() == [1, 2, 2, 4, 5]
    assert r["standing"].tolist() == [S["advanced"], "", "", "", S["lagging"]]


def test_advanced_and_lagging_named_at_each_end_ties_never_split():
    rows = [(f"u{i}", 10, 10 - i, i, i) for i in range(8)]  # u0 best … u7 worst
    r = _ranked(_by_unit(rows))
    assert r.index[r["standing"] == S["advanced"]].tolist() == ["u0", "u1", "u2"]
    assert r.index[r["standing"] == S["lagging"]].tolist() == ["u5", "u6", "u7"]
    tied = _by_unit([*rows[:3], ("t2", 10, 8, 2, 2), *rows[3:]])  # t2 ties u2 for third
    r = _ranked(tied)
    assert r.loc["t2", "rank"] == 3 and r.loc["u3", "rank"] == 5
    assert r.index[r["standing"] == S["advanced"]].tolist() == ["u0", "u1", "u2", "t2"]
    assert r.index[r["standing"] == S["lagging"]].tolist() == ["u5", "u6", "u7"]
    everyone = _ranked(_by_unit([(f"u{i}", 5, 5, 0, 0) for i in range(4)]))
    assert (everyone["standing"] == S["advanced"]).all()  # all tied: none is 后进


def test_few_ranked_units_name_at_most_half_at_each_end():
    r = _ranked(_by_unit([("甲", 5, 5, 0, 0), ("乙", 5, 4, 1, 1), ("丙", 5, 1, 4, 9)]))
    assert r["standing"].tolist() == [S["advanced"], "", S["lagging"]]  # k = 3 // 2 = 1
    alone = _ranked(_by_unit([("甲", 5, 5, 0, 0)]))
    assert alone.loc["甲", "standing"] == "" and alone.loc["甲", "rank"] == 1


def test_ranking_is_per_quarter_validates_and_leaves_the_input_alone():
    frame = pd.concat(
        [_by_unit([("甲", 5, 5, 0, 0), ("乙", 5, 1, 4, 9)], q) for q in ("2023Q1", "2023Q2")],
        ignore_index=True,
    )
    before = frame.copy()
    r = rank_units(frame, AssessmentRules(ranking_named=1))
    pd.testing.assert_frame_equal(frame, before)
    assert r.groupby("quarter")["rank"].apply(list).to_dict() == {
        "2023Q1": [1, 2],
        "2023Q2": [1, 2],
    }
    schema.validate(r, "assessment.unit_ranking")
    assert rank_units(frame, quarter="2023Q4").empty
    assert schema.labels("assessment.unit_ranking")["standing"] == "评定"


@pytest.fixture(scope="module")
def demo_q2(seed_plan, demo_store):
    return assess(seed_plan, load_progress_history(demo_store, plan=seed_plan), "2023Q2")


def test_demo_units_show_all_three_colours_and_no_light_when_nothing_is_due(demo_q2):
    units = demo_q2.by_unit.set_index("unit")
    counts = units["light"].value_counts()
    for word in va.LIGHT_LABELS.values():
        assert counts[word] > 0, (word, counts.to_dict())
    assert counts[va.LIGHT_LABELS["red"]] < len(units) / 2  # no longer "any one red"
    assert units.loc["公安分局", "due"] == 0 and pd.isna(units.loc["公安分局", "light"])
    assert (units["light"].isna() == (units["due"] == 0)).all()


def test_demo_ranking_names_both_ends_and_ranks_by_on_time_rate(demo_q2):
    r = demo_q2.unit_ranking()
    schema.validate(r, "assessment.unit_ranking")
    ranked = r[r["rank"].notna()]
    assert (ranked["due"] >= demo_q2.rules.min_due_for_ranking).all()
    assert ranked["on_time_rate"].is_monotonic_decreasing
    assert (r["standing"] == S["advanced"]).sum() >= 3
    assert (r["standing"] == S["lagging"]).sum() >= 3
    worst = ranked.iloc[-1]
    assert worst["standing"] == S["lagging"]
    assert r.loc[r["unit"] == "公安分局", "standing"].item() == S["unranked"]
    assert np.isin(r["unit"], demo_q2.by_unit["unit"]).all() and len(r) == len(demo_q2.by_unit)
