"""The state rules and rollups (SQL table and aggregate macros) on hand-made
cases with known answers."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from dashboard.domain import status
from dashboard.queries import db

D = date.fromisoformat
SIT = D("2020-04-15")

Row = tuple[str, str, str, float, str | None]


def database(rows: list[Row]) -> duckdb.DuckDBPyConnection:
    con = db.empty_database()
    for task_id, start, end, progress, state in rows:
        con.execute(
            'insert into tasks (task_id, workstream, name, start, "end", progress, status) '
            "values ($id, 'w', $id, $start, $end, $progress, $status)",
            {"id": task_id, "start": start, "end": end, "progress": progress, "status": state},
        )
    return con


def states(rows: list[Row], threshold: float = status.AT_RISK_POINTS) -> dict[str, tuple]:
    con = database(rows)
    found = db.query(con, "task_states", situation=SIT, threshold=threshold)
    return {
        r["task_id"]: (r["state"], r["days_late"], r["duration_days"])
        for r in found.to_dict("records")
    }


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
        ("2020-03-01", "2020-03-31", 0, "in_progress", "late"),  # recorded "in progress"
        ("2020-04-15", "2020-04-15", 0, None, "on_track"),  # milestone today: not late yet
        ("2020-04-14", "2020-04-14", 0, None, "late"),  # milestone passed, not done
        ("2020-04-16", "2020-04-16", 0, None, "planned"),
    ],
)
def test_task_state(
    start: str, end: str, progress: float, state_in: str | None, expected: str
) -> None:
    assert states([("t", start, end, progress, state_in)])["t"][0] == expected


def test_at_risk_threshold_is_a_parameter() -> None:
    # 14 of 30 days elapsed (46.7 %), 20 % done: 26.7 points behind.
    row: Row = ("t", "2020-04-01", "2020-04-30", 20.0, None)
    assert states([row], threshold=20)["t"][0] == "at_risk"
    assert states([row], threshold=30)["t"][0] == "on_track"


def test_days_late_and_duration() -> None:
    found = states(
        [
            ("a", "2020-03-01", "2020-04-05", 80, None),
            ("m", "2020-04-20", "2020-04-20", 0, None),
            ("d", "2020-03-01", "2020-03-10", 100, None),
        ]
    )
    assert found["a"] == ("late", 10, 36)
    assert found["m"] == ("planned", 0, 1)  # a milestone spans one day
    assert found["d"] == ("done", 0, 10)  # finished: never late


def rollup(rows: list[Row]) -> tuple[float | None, str | None]:
    con = database(rows)
    got = con.execute(
        "select rollup_progress(state, progress, duration_days), rollup_state(state) "
        "from task_states($situation, $threshold)",
        {"situation": SIT, "threshold": status.AT_RISK_POINTS},
    ).fetchone()
    assert got is not None
    return got[0], got[1]


def test_rollup_weights_by_duration() -> None:
    progress, _ = rollup(
        [
            ("a", "2020-04-01", "2020-04-30", 50, None),  # 30 days
            ("b", "2020-04-01", "2020-04-10", 100, None),  # 10 days
        ]
    )
    assert progress == pytest.approx((50 * 30 + 100 * 10) / 40)


def test_rollup_leaves_out_cancelled_and_counts_milestones() -> None:
    progress, _ = rollup(
        [
            ("a", "2020-04-01", "2020-04-10", 0, "cancelled"),
            ("b", "2020-04-01", "2020-04-04", 50, None),  # 4 days
            ("m", "2020-04-20", "2020-04-20", 0, None),  # milestone: 1 day
        ]
    )
    assert progress == pytest.approx((50 * 4 + 0) / 5)


def test_rollup_of_only_cancelled_is_none() -> None:
    assert rollup([("a", "2020-04-01", "2020-04-10", 0, "cancelled")]) == (None, None)


STATE_ROWS: dict[str, Row] = {
    "done": ("done", "2020-03-01", "2020-03-10", 100, None),
    "late": ("late", "2020-03-01", "2020-04-10", 10, None),
    "on_track": ("on_track", "2020-04-01", "2020-04-30", 50, None),
    "at_risk": ("at_risk", "2020-04-01", "2020-04-20", 10, None),
    "blocked": ("blocked", "2020-04-01", "2020-04-30", 0, "blocked"),
    "planned": ("planned", "2020-05-01", "2020-05-10", 0, None),
    "cancelled": ("cancelled", "2020-04-01", "2020-04-30", 0, "cancelled"),
}


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["done"], "done"),
        (["done", "late", "on_track"], "late"),
        (["on_track", "blocked"], "at_risk"),
        (["on_track", "at_risk"], "at_risk"),
        (["planned"], "planned"),
        (["done", "planned"], "on_track"),
        (["cancelled", "done"], "done"),
    ],
)
def test_rollup_state(kinds: list[str], expected: str) -> None:
    rows = [(f"{k}{i}", *STATE_ROWS[k][1:]) for i, k in enumerate(kinds)]
    assert rollup(rows)[1] == expected  # type: ignore[arg-type]


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
