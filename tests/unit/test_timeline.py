"""Timeline logic on small hand-made plans with known answers."""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
import pytest

from dashboard import status, timeline

D = date.fromisoformat
SIT = D("2020-04-15")


def plan(
    rows: list[tuple[str, str, str, str, float, str | None]], **extra: list[object]
) -> pd.DataFrame:
    """(task_id, start, end, depends_on, progress, status) -> tasks with states."""
    frame = pd.DataFrame(
        rows, columns=["task_id", "start", "end", "depends_on", "progress", "status"]
    )
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    frame["milestone"] = frame["start"] == frame["end"]
    frame["name"] = "Task " + frame["task_id"]
    frame["workstream"] = extra.pop("workstream", ["W"] * len(frame))
    frame["owner"] = extra.pop("owner", ["Agence"] * len(frame))
    frame["site_id"] = extra.pop("site_id", [None] * len(frame))
    frame["baseline_start"] = pd.to_datetime(extra.pop("baseline_start", [None] * len(frame)))
    frame["baseline_end"] = pd.to_datetime(extra.pop("baseline_end", [None] * len(frame)))
    return status.with_states(frame, SIT)


def test_dependencies_split_on_commas_and_spaces() -> None:
    assert timeline.dependencies("T1, T2 T3;T4") == ["T1", "T2", "T3", "T4"]
    assert timeline.dependencies(None) == []
    assert timeline.dependencies(float("nan")) == []


def test_critical_path_is_the_longest_chain_to_the_last_task() -> None:
    tasks = plan(
        [
            ("A", "2020-01-01", "2020-01-10", "", 100, None),  # 10 days
            ("B", "2020-01-11", "2020-01-30", "A", 100, None),  # 20 days
            ("C", "2020-01-11", "2020-01-15", "A", 100, None),  # 5 days
            ("D", "2020-02-01", "2020-02-10", "B C", 0, None),  # 10 days, ends last
            ("E", "2020-01-01", "2020-01-05", "", 0, None),  # not on any chain to D
        ]
    )
    assert timeline.critical_path(tasks) == ["A", "B", "D"]


def test_critical_path_ties_go_to_the_chain_not_a_lone_task() -> None:
    tasks = plan(
        [
            ("LONG", "2020-01-01", "2020-03-31", "", 50, None),  # 91 days, ends with X
            ("A", "2020-03-01", "2020-03-20", "", 0, None),
            ("X", "2020-03-21", "2020-03-31", "A", 0, None),
        ]
    )
    assert timeline.critical_path(tasks) == ["A", "X"]


def test_critical_path_skips_cancelled_and_survives_a_cycle() -> None:
    tasks = plan(
        [
            ("A", "2020-01-01", "2020-01-31", "", 0, "cancelled"),
            ("B", "2020-01-01", "2020-01-05", "", 0, None),
            ("C", "2020-01-06", "2020-01-10", "A B", 0, None),
        ]
    )
    assert timeline.critical_path(tasks) == ["B", "C"]
    cyclic = plan(
        [
            ("A", "2020-01-01", "2020-01-05", "B", 0, None),
            ("B", "2020-01-06", "2020-01-10", "A", 0, None),
            ("C", "2020-01-01", "2020-01-03", "", 0, None),
        ]
    )
    assert timeline.critical_path(cyclic) == ["C"]
    assert timeline.critical_path(cyclic.iloc[0:0]) == []


def test_slippage_in_days_against_the_baseline() -> None:
    tasks = plan(
        [
            ("A", "2020-01-01", "2020-01-31", "", 0, None),
            ("B", "2020-01-01", "2020-01-10", "", 0, None),
            ("C", "2020-01-01", "2020-01-10", "", 0, None),
        ],
        baseline_start=["2020-01-01", "2020-01-01", None],
        baseline_end=["2020-01-24", "2020-01-15", None],
    )
    assert timeline.slippage(tasks).tolist() == [7, -5, pd.NA]


def test_compare_versions_finds_moved_added_removed_and_progress() -> None:
    old = plan(
        [
            ("A", "2020-03-01", "2020-03-31", "", 30, None),
            ("B", "2020-03-01", "2020-03-10", "", 100, None),
            ("GONE", "2020-03-01", "2020-03-02", "", 0, None),
            ("SAME", "2020-03-01", "2020-03-02", "", 0, None),
        ]
    )
    new = plan(
        [
            ("A", "2020-03-08", "2020-04-21", "", 45, None),
            ("B", "2020-03-01", "2020-03-10", "", 100, "done"),
            ("NEW", "2020-04-01", "2020-04-30", "", 0, None),
            ("SAME", "2020-03-01", "2020-03-02", "", 0, None),
        ]
    )
    changes = timeline.compare_versions(old, new).set_index("task_id")
    assert set(changes.index) == {"A", "B", "NEW", "GONE"}
    assert changes.loc["A", "change"] == "changed"
    assert (changes.loc["A", "start_shift"], changes.loc["A", "end_shift"]) == (7, 21)
    assert (changes.loc["A", "progress_before"], changes.loc["A", "progress_after"]) == (30, 45)
    assert changes.loc["B", "fields"] == "status"
    assert changes.loc["NEW", "change"] == "added" and changes.loc["GONE", "change"] == "removed"
    # the biggest move first among changed tasks
    assert list(timeline.compare_versions(old, new)["task_id"])[:2] == ["A", "B"]


def test_compare_identical_versions_is_empty() -> None:
    tasks = plan([("A", "2020-03-01", "2020-03-31", "", 30, None)])
    assert timeline.compare_versions(tasks, tasks.copy()).empty


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2020-04-15", 1, "2020-05-15"),
        ("2020-01-31", 1, "2020-02-29"),
        ("2020-03-31", -1, "2020-02-29"),
        ("2019-12-15", 1, "2020-01-15"),
        ("2020-01-15", -1, "2019-12-15"),
    ],
)
def test_add_months(day: str, months: int, expected: str) -> None:
    assert timeline.add_months(D(day), months) == D(expected)


def test_zoom_windows() -> None:
    tasks = plan([("A", "2019-12-01", "2020-07-31", "", 0, None)])
    assert timeline.zoom_window("month", SIT, tasks) == (D("2020-03-15"), D("2020-05-15"))
    assert timeline.zoom_window("mission", SIT, tasks) == (D("2019-11-24"), D("2020-08-07"))


def test_filters_combine() -> None:
    tasks = plan(
        [
            ("A", "2020-01-01", "2020-01-31", "", 100, None),
            ("B", "2020-03-01", "2020-04-30", "", 10, None),
            ("C", "2020-05-01", "2020-05-31", "", 0, None),
        ],
        workstream=["Pilotage", "Parcours noir", "Parcours noir"],
        owner=["Agence", "Agence", "Louvre-Lens"],
        site_id=[None, "olhain", "olhain"],
    )
    assert list(timeline.filter_tasks(tasks, workstreams=["Parcours noir"])["task_id"]) == [
        "B",
        "C",
    ]
    assert list(timeline.filter_tasks(tasks, owners=["Agence"], sites=["olhain"])["task_id"]) == [
        "B"
    ]
    assert list(timeline.filter_tasks(tasks, states=["done"])["task_id"]) == ["A"]
    window = (D("2020-03-15"), D("2020-05-15"))
    assert list(timeline.filter_tasks(tasks, window=window)["task_id"]) == ["B", "C"]
    assert len(timeline.filter_tasks(tasks)) == 3


def test_summarise_past_the_threshold() -> None:
    tasks = plan(
        [
            ("A", "2020-01-01", "2020-01-10", "", 100, None),
            ("B", "2020-01-11", "2020-01-20", "", 0, None),
            ("C", "2020-02-01", "2020-02-10", "", 50, None),
        ],
        workstream=["One", "One", "Two"],
    )
    assert (timeline.summarise(tasks, threshold=10)["kind"] == "task").all()
    rows = timeline.summarise(tasks, threshold=2)
    assert list(rows["kind"]) == ["summary", "summary"]
    one = rows.set_index("workstream").loc["One"]
    assert (one["start"], one["end"]) == (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-01-20"))
    assert one["progress"] == pytest.approx(50.0)  # 10 days done of 20
    assert one["tasks"] == 2
    expanded = timeline.summarise(tasks, expanded=["Two"], threshold=2)
    assert sorted(expanded["kind"]) == ["summary", "task"]


def test_attention_puts_late_first_with_linked_actions() -> None:
    tasks = plan(
        [
            ("OK", "2020-04-01", "2020-04-30", "", 50, None),
            ("LATE", "2020-03-01", "2020-03-31", "", 50, None),
            ("RISK", "2020-04-01", "2020-04-20", "", 0, None),
            ("BLOCK", "2020-04-01", "2020-04-30", "", 0, "blocked"),
        ]
    )
    actions = pd.DataFrame({"action_id": ["A1"], "text": ["Relancer"], "task_id": ["LATE"]})
    watch = timeline.attention(tasks, actions)
    assert list(watch["task_id"]) == ["LATE", "BLOCK", "RISK", "OK"]
    assert watch.set_index("task_id").loc["LATE", "actions"] == "A1 Relancer"


def test_demo_critical_path_runs_to_the_final_report() -> None:
    from dashboard import db
    from dashboard.store import Store
    from tests.conftest import DEMO

    con = db.open_database(Store(DEMO).current_files())
    tasks = status.with_states(db.query(con, "tasks"), SIT)
    chain = timeline.critical_path(tasks)
    assert chain[-1] == "T40" and chain[0] == "T01"
    # every link of the chain is a real dependency
    deps = dict(zip(tasks["task_id"], tasks["depends_on"], strict=True))
    for a, b in itertools.pairwise(chain):
        assert a in timeline.dependencies(deps[b])
