"""taskanalytics.progress.history: which report counts (docs/assessment-rules.md, section 1)."""

from __future__ import annotations

import pandas as pd

from taskanalytics.progress.history import latest_reports


def _reports(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "milestone_id": [r[0] for r in rows],
            "as_of_date": pd.to_datetime([r[1] for r in rows]),
            "ingested_at": pd.to_datetime([r[2] for r in rows], utc=True),
            "status": [r[3] for r in rows],
        }
    )


def test_latest_as_of_date_on_or_before_the_day_counts():
    history = _reports(
        [
            ("T1", "2023-03-31", "2023-04-01", "in_progress"),
            ("T1", "2023-06-30", "2023-07-01", "done"),
            ("T2", "2023-06-30", "2023-07-01", "late"),
        ]
    )
    q1 = latest_reports(history, "2023-03-31")
    assert q1[["milestone_id", "status"]].values.tolist() == [["T1", "in_progress"]]
    everything = latest_reports(history)
    assert everything["status"].tolist() == ["done", "late"]
    assert latest_reports(history, "2023-06-29")["status"].tolist() == ["in_progress"]


def test_a_resubmission_for_the_same_date_replaces_the_first_whatever_the_row_order():
    history = _reports(
        [
            ("T1", "2023-06-30", "2023-07-05", "done"),  # the corrected file, ingested later
            ("T1", "2023-06-30", "2023-07-01", "in_progress"),
        ]
    )
    assert latest_reports(history)["status"].tolist() == ["done"]


def test_same_date_and_ingestion_the_later_row_wins_and_input_is_untouched():
    history = _reports(
        [
            ("T1", "2023-06-30", "2023-07-01", "in_progress"),
            ("T1", "2023-06-30", "2023-07-01", "done"),
        ]
    )
    before = history.copy()
    assert latest_reports(history)["status"].tolist() == ["done"]
    pd.testing.assert_frame_equal(history, before)


def test_nothing_reported_by_then_gives_an_empty_frame_with_the_columns():
    history = _reports([("T1", "2023-06-30", "2023-07-01", "done")])
    out = latest_reports(history, "2023-01-01")
    assert out.empty and list(out.columns) == list(history.columns)
    assert latest_reports(history.iloc[:0]).empty
