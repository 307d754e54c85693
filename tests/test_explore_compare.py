"""taskanalytics.explore.compare: quarter to quarter, one rule per test on hand-made tables,
then the seed plan with three reports, and the explorer's comparison widgets."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from taskanalytics.assess.engine import assess_all
from taskanalytics.errors import AssessmentError
from taskanalytics.explore.charts import CHANGE_COLORS, chart_changes
from taskanalytics.explore.compare import (
    CHANGE_KINDS,
    COMPARE_COLUMNS,
    COMPARE_LABELS,
    compare_quarters,
    compare_selection,
)
from taskanalytics.explore.data import Filters, explore_data
from taskanalytics.explore.widgets import plan_explorer

# --------------------------------------------------------------------------- hand-made tables

#: milestone -> (light, status) in Q1 and in Q2
LIGHTS = {
    "M1": (("绿", "未到期"), ("红", "逾期未完成")),  # turned red
    "M2": (("红", "逾期未完成"), ("红", "逾期未完成")),  # red both times: no change
    "M3": (("红", "逾期未完成"), ("绿", "逾期完成")),  # turned green
    "M4": (("黄", "今日到期"), ("绿", "按期完成")),  # yellow to green
    "M5": (("绿", "未到期"), ("绿", "未到期")),  # green both times (not due): no change
    "M6": (("黄", "今日到期"), ("红", "逾期未完成")),  # yellow to red
    "M7": ((None, "未到期"), ("绿", "按期完成")),  # no light before: not a turn
}


def _milestones() -> pd.DataFrame:
    rows = []
    for q, at in (("2023Q1", 0), ("2023Q2", 1)):
        for m, states in LIGHTS.items():
            light, status = states[at]
            rows.append(
                {
                    "quarter": q,
                    "milestone_id": m,
                    "task_id": "T" + m[1:],
                    "task_title": f"任务{m}",
                    "text": f"节点{m}",
                    "lead_units": ["财政局"] if m != "M6" else ["人社局", "交警大队"],
                    "leaders": ["孙大庆"],
                    "light": light,
                    "status": status,
                }
            )
    frame = pd.DataFrame(rows)
    frame["light"] = pd.Categorical(frame["light"], categories=["绿", "黄", "红"])
    return frame


def _watchlist() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2023Q1", "2023Q1", "2023Q2", "2023Q2"],
            "milestone_id": ["M2", "M3", "M1", "M2"],
            "reason": ["逾期未完成", "逾期未完成；欠进度", "逾期未完成", "逾期未完成"],
        }
    )


#: (milestone, target_no) -> (band, achievement) in Q1 and Q2; None: not in that quarter
BANDS = {
    ("M1", 1): (("达标", 1.0), ("滞后", 0.5)),  # down
    ("M3", 1): (("滞后", 0.6), ("达标", 1.05)),  # up two bands
    ("M4", 1): (("基本达标", 0.92), ("达标", 1.0)),  # up
    ("M5", 1): (("无数据", None), ("达标", 1.0)),  # no band before: no move
    ("M6", 1): (("滞后", 0.4), ("无数据", None)),  # no band now: no move
    ("M2", 1): (None, ("滞后", 0.3)),  # due only in Q2: no move
    ("M4", 2): (("达标", 1.0), ("达标", 1.1)),  # same band: no move
}


def _indicators() -> pd.DataFrame:
    rows = []
    for (m, n), states in BANDS.items():
        for q, state in zip(("2023Q1", "2023Q2"), states, strict=True):
            if state is not None:
                band, ach = state
                rows.append(
                    {
                        "quarter": q,
                        "milestone_id": m,
                        "target_no": n,
                        "metric": f"指标{m}-{n}",
                        "band": band,
                        "achievement": ach,
                    }
                )
    frame = pd.DataFrame(rows)
    frame["band"] = pd.Categorical(
        frame["band"], categories=["达标", "基本达标", "滞后", "无数据", "未到期"]
    )
    return frame


@pytest.fixture
def made():
    return SimpleNamespace(
        quarters=("2023Q1", "2023Q2"),
        milestones=_milestones(),
        indicators=_indicators(),
        watchlist=_watchlist(),
    )


def _pairs(changes: pd.DataFrame, kind: str) -> list[str]:
    return changes.loc[changes["change"] == kind, "milestone_id"].tolist()


def test_turned_red_is_red_now_and_not_red_before(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    assert _pairs(changes, "转红") == ["M1", "M6"]
    row = changes[(changes["change"] == "转红") & (changes["milestone_id"] == "M1")].iloc[0]
    assert row["before"] == "绿（未到期）" and row["after"] == "红（逾期未完成）"


def test_turned_green_is_green_now_after_red_or_yellow(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    # M5 was green (not due) both times, M7 had no light before: neither turned
    assert _pairs(changes, "转绿") == ["M3", "M4"]


def test_new_and_cleared_watch_list_items(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    assert _pairs(changes, "新增督办") == ["M1"]
    assert _pairs(changes, "销号") == ["M3"]
    cleared = changes[changes["change"] == "销号"].iloc[0]
    assert cleared["before"] == "逾期未完成；欠进度" and cleared["after"] == "绿（逾期完成）"
    new = changes[changes["change"] == "新增督办"].iloc[0]
    assert new["before"] == "" and new["after"] == "逾期未完成"


def test_indicator_bands_moving_up_and_down(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    assert _pairs(changes, "指标降档") == ["M1"]
    assert _pairs(changes, "指标升档") == ["M3", "M4"]
    down = changes[changes["change"] == "指标降档"].iloc[0]
    assert down["metric"] == "指标M1-1"
    assert down["before"] == "达标（100%）" and down["after"] == "滞后（50%）"
    assert (changes.loc[~changes["change"].str.startswith("指标"), "metric"] == "").all()


def test_rows_in_kind_order_then_plan_order_with_the_declared_columns(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    assert tuple(changes.columns) == COMPARE_COLUMNS
    kinds = list(CHANGE_KINDS)
    assert changes["change"].map(kinds.index).is_monotonic_increasing
    assert list(COMPARE_LABELS) == list(COMPARE_COLUMNS)
    assert changes.loc[changes["milestone_id"] == "M6", "lead_units"].iloc[0] == [
        "人社局",
        "交警大队",
    ]


def test_the_other_way_round_swaps_the_kinds(made):
    back = compare_quarters(made, "2023Q2", "2023Q1")
    assert _pairs(back, "新增督办") == ["M3"] and _pairs(back, "销号") == ["M1"]
    assert _pairs(back, "指标升档") == ["M1"] and _pairs(back, "指标降档") == ["M3", "M4"]


def test_same_quarter_is_empty_and_unknown_quarter_is_an_error(made):
    same = compare_quarters(made, "2023Q2", "2023Q2")
    assert same.empty and tuple(same.columns) == COMPARE_COLUMNS
    with pytest.raises(AssessmentError, match="2023Q3.*assessed: 2023Q1, 2023Q2"):
        compare_quarters(made, "2023Q1", "2023Q3")
    with pytest.raises(AssessmentError, match="not a quarter"):
        compare_quarters(made, "2023Q1", "下季度")


def test_inputs_are_not_modified(made):
    before = made.milestones.copy(), made.indicators.copy(), made.watchlist.copy()
    compare_quarters(made, "2023Q1", "2023Q2")
    for now, then in zip((made.milestones, made.indicators, made.watchlist), before, strict=True):
        pd.testing.assert_frame_equal(now, then)


def test_changes_chart_counts_every_kind(made):
    changes = compare_quarters(made, "2023Q1", "2023Q2")
    spec = chart_changes(changes).to_dict()
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert rows["change"].tolist() == list(CHANGE_COLORS) == list(CHANGE_KINDS)
    assert dict(zip(rows["change"], rows["n"], strict=True)) == {
        "转红": 2, "转绿": 2, "新增督办": 1, "销号": 1, "指标降档": 1, "指标升档": 2,
    }  # fmt: skip
    empty = chart_changes(changes.iloc[0:0]).to_dict()
    assert pd.DataFrame(next(iter(empty["datasets"].values())))["n"].sum() == 0


# --------------------------------------------------------------------------- the seed plan


@pytest.fixture(scope="module")
def progress():
    """T003.01 (due 2023-03-31) reported in progress and behind at Q1; nothing more."""
    q1 = pd.Timestamp("2023-03-31")
    return pd.DataFrame(
        {
            "milestone_id": ["T003.01"],
            "as_of_date": [q1],
            "status": ["in_progress"],
            "completed_date": [pd.NaT],
            "actual_1": [5000.0],
        }
    )


def test_seed_plan_a_milestone_left_undone_turns_red(seed_plan, progress):
    a = assess_all(seed_plan, progress, ["2023Q1", "2023Q2"])
    changes = compare_quarters(a, "2023Q1", "2023Q2")
    turned = changes[changes["milestone_id"] == "T003.01"]
    # due on 2023-03-31 and judged that day (今日到期, yellow); overdue and red by Q2's end
    assert turned["change"].tolist()[0] == "转红"
    assert turned["before"].iloc[0].endswith("（今日到期）")
    # on Q1's list already (behind), still on Q2's: not new; Q2's unreported items are new
    new = changes[changes["change"] == "新增督办"]
    assert "T003.01" not in set(new["milestone_id"])
    assert len(new) > 0 and new["after"].str.contains("未报送|逾期未完成").all()
    assert set(changes["change"]) <= set(CHANGE_KINDS)


def test_compare_selection_keeps_the_filters_but_not_the_quarter(seed_plan, progress):
    data = explore_data(seed_plan, progress)
    everything = compare_quarters(data.assessment, "2023Q1", "2023Q2")
    finance = compare_selection(
        data, Filters(quarter="2023Q4", status="逾期未完成", lead_unit="财政局"), "2023Q1", "2023Q2"
    )
    assert len(finance) > 0 and len(finance) < len(everything)
    assert finance["lead_units"].map(lambda u: "财政局" in u).all()


def test_explorer_compares_two_quarters_and_exports_them(seed_plan, progress, tmp_path):
    ex = plan_explorer(seed_plan, progress, quarter="2023Q2", offline=False)
    assert (ex.compare_from.value, ex.compare_to.value) == ("2023Q1", "2023Q2")
    assert "2023Q1 → 2023Q2" in ex.compare_status.value
    shown = ex.set_compare("2023Q1", "2023Q3")
    assert "2023Q1 → 2023Q3" in ex.compare_status.value
    assert len(ex.tables["changes"].rows) == len(shown) > 0
    assert ex.tables["changes"].columns[0] == {"key": "change", "label": "变化"}
    ex.set_filters(lead_unit="财政局")
    assert ex.changes["lead_units"].map(lambda u: "财政局" in u).all()
    [book, *_] = ex.export(tmp_path)
    sheets = pd.read_excel(book, sheet_name=None)
    assert list(sheets)[-1] == "季度对比"
    assert list(sheets["季度对比"].columns) == list(COMPARE_LABELS.values())
    assert len(sheets["季度对比"]) == len(ex.changes)
    conditions = sheets["筛选条件"].set_index("筛选条件")["取值"]
    assert conditions["季度对比"] == "2023Q1 → 2023Q3"
    ex.set_compare("2023Q2", "2023Q2")
    assert "请选择两个不同的季度" in ex.compare_status.value
