"""State rules and rollups on hand-made cases with known answers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import status

D = date.fromisoformat
SIT = D("2020-04-15")


@pytest.mark.parametrize(
    ("start", "end", "progress", "state_in", "expected"),
    [
        ("2020-03-01", "2020-03-31", 100, None, "done"),
        ("2020-03-01", "2020-03-31", 10, "done", "done"),
        ("2020-03-01", "2020-03-31", 90, None, "late"),
        ("2020-05-01", "2020-05-31", 0, None, "planned"),
        ("2020-04-01", "2020-04-30", 50, None, "on_track"),  # 14/30 elapsed, 50 % done
        ("2020-04-01", "2020-04-30", 30, None, "on_track"),  # 46.7 % elapsed, 16.7 behind
        ("2020-04-01", "2020-04-20", 10, None, "at_risk"),  # 70 % elapsed, 60 points behind
        ("2020-04-01", "2020-04-30", 0, "blocked", "blocked"),
        ("2020-04-01", "2020-04-30", 0, "cancelled", "cancelled"),
        ("2020-04-15", "2020-04-15", 0, None, "on_track"),  # milestone today: not late yet
        ("2020-04-14", "2020-04-14", 0, None, "late"),  # milestone passed, not done
        ("2020-04-16", "2020-04-16", 0, None, "planned"),
    ],
)
def test_task_state(
    start: str, end: str, progress: float, state_in: str | None, expected: str
) -> None:
    assert status.task_state(D(start), D(end), progress, state_in, SIT) == expected


def test_at_risk_threshold_is_a_parameter() -> None:
    # 14 of 30 days elapsed (46.7 %), 20 % done: 26.7 points behind.
    args = (D("2020-04-01"), D("2020-04-30"), 20.0, None, SIT)
    assert status.task_state(*args, threshold=20) == "at_risk"
    assert status.task_state(*args, threshold=30) == "on_track"


def frame(rows: list[tuple[str, str, str, float, str | None, str | None]]) -> pd.DataFrame:
    tasks = pd.DataFrame(rows, columns=["task_id", "start", "end", "progress", "status", "site_id"])
    tasks["start"] = pd.to_datetime(tasks["start"])
    tasks["end"] = pd.to_datetime(tasks["end"])
    tasks["milestone"] = tasks["start"] == tasks["end"]
    tasks["name"] = tasks["task_id"]
    return status.with_states(tasks, SIT)


def test_rollup_weights_by_duration() -> None:
    tasks = frame(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None, "s"),  # 30 days
            ("b", "2020-04-01", "2020-04-10", 100, None, "s"),  # 10 days
        ]
    )
    assert status.rollup_progress(tasks) == pytest.approx((50 * 30 + 100 * 10) / 40)


def test_rollup_leaves_out_cancelled_and_counts_milestones() -> None:
    tasks = frame(
        [
            ("a", "2020-04-01", "2020-04-10", 0, "cancelled", "s"),
            ("b", "2020-04-01", "2020-04-04", 50, None, "s"),  # 4 days
            ("m", "2020-04-20", "2020-04-20", 0, None, "s"),  # milestone: 1 day
        ]
    )
    assert status.rollup_progress(tasks) == pytest.approx((50 * 4 + 0) / 5)


def test_rollup_of_only_cancelled_is_none() -> None:
    tasks = frame([("a", "2020-04-01", "2020-04-10", 0, "cancelled", "s")])
    assert status.rollup_progress(tasks) is None
    assert status.rollup_state(tasks["state"]) is None


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        (["done", "done"], "done"),
        (["done", "late", "on_track"], "late"),
        (["on_track", "blocked"], "at_risk"),
        (["on_track", "at_risk"], "at_risk"),
        (["planned", "planned"], "planned"),
        (["done", "planned"], "on_track"),
        (["cancelled", "done"], "done"),
        ([], None),
    ],
)
def test_rollup_state(states: list[str], expected: str | None) -> None:
    assert status.rollup_state(states) == expected


def test_site_rollups_include_a_site_without_tasks() -> None:
    tasks = frame([("a", "2020-03-01", "2020-03-31", 80, None, "s1")])
    sites = pd.DataFrame({"site_id": ["s1", "s2"], "name": ["One", "Two"]})
    cards = status.site_rollups(tasks, sites).set_index("site_id")
    assert cards.loc["s1", "state"] == "late"
    assert cards.loc["s1", "progress"] == pytest.approx(80)
    assert cards.loc["s2", "tasks"] == 0 and pd.isna(cards.loc["s2", "state"])


def test_days_late_and_next_milestone() -> None:
    tasks = frame(
        [
            ("a", "2020-03-01", "2020-04-05", 80, None, None),
            ("m1", "2020-05-01", "2020-05-01", 0, None, None),
            ("m0", "2020-04-20", "2020-04-20", 0, None, None),
            ("old", "2020-04-01", "2020-04-01", 100, None, None),
        ]
    ).set_index("task_id", drop=False)
    assert tasks.loc["a", "days_late"] == 10
    nxt = status.next_milestone(tasks, SIT)
    assert nxt is not None and nxt["task_id"] == "m0"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2020-03-10", "2020-03-10"),  # during the mission: today
        ("2026-11-22", "2020-04-15"),  # after: the data's status date
        ("2019-01-01", "2020-04-15"),
    ],
)
def test_default_situation(today: str, expected: str) -> None:
    got = status.default_situation(D("2019-11-18"), D("2020-07-31"), D("2020-04-15"), D(today))
    assert got == D(expected)


def test_default_situation_without_data_is_today() -> None:
    assert status.default_situation(None, None, None, D("2026-11-22")) == D("2026-11-22")
