"""The timeline's view model on small hand-made plans with known answers, on the
demo, on an empty folder and on a plan of 4,000 tasks."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import timeline as tl
from dashboard.views.reader import Reader, database_reader
from tests.conftest import DEMO

D = date.fromisoformat
SIT = D("2020-04-15")
COLUMNS = ["task_id", "start", "end", "depends_on", "progress", "status"]


def frame(
    rows: list[tuple[str, str, str, str, float, str | None]], **extra: list[object]
) -> pd.DataFrame:
    """(task_id, start, end, depends_on, progress, status) -> rows of tasks.csv."""
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    out["milestone"] = out["start"] == out["end"]
    out["name"] = "Task " + out["task_id"]
    out["workstream"] = extra.pop("workstream", ["W"] * len(out))
    out["owner"] = extra.pop("owner", ["Agence"] * len(out))
    out["site_id"] = extra.pop("site_id", [None] * len(out))
    out["baseline_start"] = pd.to_datetime(extra.pop("baseline_start", [None] * len(out)))
    out["baseline_end"] = pd.to_datetime(extra.pop("baseline_end", [None] * len(out)))
    out["depends_on"] = out["depends_on"].replace("", None)
    return out


def database(tasks: pd.DataFrame, actions: pd.DataFrame | None = None) -> duckdb.DuckDBPyConnection:
    con = db.empty_database()
    db.load_frame(con, "tasks", tasks)
    if actions is not None:
        db.load_frame(con, "actions", actions)
    return con


def reader(tasks: pd.DataFrame, actions: pd.DataFrame | None = None) -> Reader:
    return database_reader(database(tasks, actions), "viewer")


def model(tasks: pd.DataFrame, **state: object) -> tl.Model:
    return tl.build(reader(tasks), tl.State(situation=SIT, **state))  # type: ignore[arg-type]


def drawn(found: tl.Model) -> list[str]:
    return [str(i) for i in found.rows.loc[found.rows["kind"] != "group", "task_id"]]


# --- the critical path --------------------------------------------------------------------


def test_critical_path_is_the_longest_chain_to_the_last_task() -> None:
    tasks = frame(
        [
            ("A", "2020-04-01", "2020-04-10", "", 0, None),  # 10 days
            ("B", "2020-04-11", "2020-04-30", "A", 0, None),  # 20 days
            ("C", "2020-04-11", "2020-04-15", "A", 0, None),  # 5 days
            ("D", "2020-05-01", "2020-05-10", "B C", 0, None),  # 10 days, ends last
            ("E", "2020-04-01", "2020-04-05", "", 0, None),  # not on any chain to D
        ]
    )
    found = model(tasks)
    assert found.critical == ("A", "B", "D")
    # working days, French public holidays off: A 8 (1–10 April), B 13 (Easter Monday
    # the 13th), D 4 (1 and 8 May are holidays)
    assert found.critical_caption == (
        "Chemin critique (3 tâches, 25 jours ouvrés de travail restant) : "
        "A Task A → B Task B → D Task D."
    )
    # the chain's links are drawn darker than the others
    links = found.links.set_index(["from_row", "to_row"])["critical"]
    assert links[("Task A", "Task B")] and not links[("Task A", "Task C")]


def test_critical_path_leaves_out_work_already_done() -> None:
    tasks = frame(
        [
            ("A", "2020-01-01", "2020-03-31", "", 100, None),  # done: cannot delay anything
            ("B", "2020-04-01", "2020-04-30", "A", 10, None),
            ("C", "2020-05-01", "2020-05-31", "B", 0, None),
        ]
    )
    assert model(tasks).critical == ("B", "C")
    assert model(tasks, critical=False).critical == ()


def test_critical_path_ties_go_to_the_chain_not_a_lone_task() -> None:
    tasks = frame(
        [
            ("LONG", "2020-01-01", "2020-05-31", "", 50, None),  # ends with X
            ("A", "2020-05-01", "2020-05-20", "", 0, None),
            ("X", "2020-05-21", "2020-05-31", "A", 0, None),
        ]
    )
    assert model(tasks).critical == ("A", "X")


def test_critical_path_skips_cancelled_and_survives_a_cycle() -> None:
    tasks = frame(
        [
            ("A", "2020-05-01", "2020-05-31", "", 0, "cancelled"),
            ("B", "2020-05-01", "2020-05-05", "", 0, None),
            ("C", "2020-05-06", "2020-05-10", "A B", 0, None),
        ]
    )
    assert model(tasks).critical == ("B", "C")
    cyclic = frame(
        [
            ("A", "2020-05-01", "2020-05-05", "B", 0, None),
            ("B", "2020-05-06", "2020-05-10", "A", 0, None),
            ("C", "2020-05-01", "2020-05-03", "", 0, None),
        ]
    )
    assert model(cyclic).critical == ("C",)
    empty = pd.DataFrame(columns=["task_id", "end", "duration_days"])
    assert tl.critical_path(empty, pd.DataFrame(columns=["from_id", "to_id"])) == []


def test_dependencies_split_on_commas_semicolons_and_spaces() -> None:
    tasks = frame(
        [
            ("T1", "2020-04-01", "2020-04-02", "", 0, None),
            ("T2", "2020-04-01", "2020-04-02", "", 0, None),
            ("T3", "2020-04-01", "2020-04-02", "", 0, None),
            ("T4", "2020-04-03", "2020-04-04", "T1, T2 T3;T4;NOPE", 0, None),
        ]
    )
    links = reader(tasks)("task_links")
    assert list(zip(links["from_id"], links["to_id"], strict=True)) == [
        ("T1", "T4"),
        ("T2", "T4"),
        ("T3", "T4"),
    ]


def test_demo_critical_path_runs_from_the_first_unfinished_task_to_the_final_report() -> None:
    con = db.open_database(Store(DEMO).current_files())
    found = tl.build(database_reader(con, "viewer"), tl.State(situation=SIT))
    chain = list(found.critical)
    assert chain[-1] == "T40" and chain[0] == "T14"  # T01..T13 are done by mid-April
    links = database_reader(con, "viewer")("task_links")
    edges = set(zip(links["from_id"], links["to_id"], strict=True))
    for pair in itertools.pairwise(chain):
        assert pair in edges  # every link of the chain is a real dependency


# --- rows, filters, collapse ------------------------------------------------------------


def test_slippage_in_days_against_the_baseline() -> None:
    tasks = frame(
        [
            ("A", "2020-01-01", "2020-01-31", "", 0, None),
            ("B", "2020-01-01", "2020-01-10", "", 0, None),
            ("C", "2020-01-01", "2020-01-10", "", 0, None),
        ],
        baseline_start=["2020-01-01", "2020-01-01", None],
        baseline_end=["2020-01-24", "2020-01-15", None],
    )
    found = model(tasks)
    slips = found.rows.set_index("task_id")["slip_label"]
    assert (slips["A"], slips["B"], slips["C"]) == ("+7 j", "-5 j", "")
    watched = found.watch.set_index("task_id")["slip"]
    assert (watched["A"], watched["B"]) == (7, -5) and pd.isna(watched["C"])


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
    assert tl.add_months(D(day), months) == D(expected)


def test_zoom_windows() -> None:
    tasks = frame([("A", "2019-12-01", "2020-07-31", "", 0, None)])
    assert model(tasks, zoom="month").window == (D("2020-03-15"), D("2020-05-15"))
    assert model(tasks).window == (D("2019-11-24"), D("2020-08-07"))
    custom = model(tasks, zoom="custom", start=D("2020-02-01"), end=D("2020-03-01"))
    assert custom.window == (D("2020-02-01"), D("2020-03-01"))


def test_filters_combine() -> None:
    tasks = frame(
        [
            ("A", "2020-01-01", "2020-01-31", "", 100, None),
            ("B", "2020-03-01", "2020-04-30", "", 10, None),
            ("C", "2020-05-01", "2020-05-31", "", 0, None),
        ],
        workstream=["Pilotage", "Parcours noir", "Parcours noir"],
        owner=["Agence", "Agence", "Louvre-Lens"],
        site_id=[None, "olhain", "olhain"],
    )
    assert drawn(model(tasks, workstreams=("Parcours noir",))) == ["B", "C"]
    assert drawn(model(tasks, owners=("Agence",), sites=("olhain",))) == ["B"]
    assert drawn(model(tasks, states=("done",))) == ["A"]
    window = {"zoom": "custom", "start": D("2020-03-15"), "end": D("2020-05-15")}
    assert drawn(model(tasks, **window)) == ["B", "C"]
    everything = model(tasks)
    assert drawn(everything) == ["A", "B", "C"]
    assert (everything.shown, everything.total) == (3, 3)
    none = model(tasks, owners=("Nobody",))
    assert none.empty and none.rows.empty and none.watch.empty


def test_rows_are_grouped_by_workstream_in_time_order_with_headers() -> None:
    tasks = frame(
        [
            ("P1", "2019-12-10", "2019-12-10", "", 100, None),
            ("A1", "2020-01-06", "2020-01-31", "P1", 100, None),
            ("A2", "2020-03-02", "2020-03-31", "A1", 45, None),
            ("P2", "2020-07-01", "2020-07-31", "A2", 0, None),
        ],
        workstream=["Pilotage", "Atelier", "Atelier", "Pilotage"],
    )
    rows = model(tasks).rows
    assert list(rows["row"]) == [
        "▾ Pilotage",
        "Task P1",
        "Task P2",
        "▾ Atelier",
        "Task A1",
        "Task A2",
    ]


def test_summaries_past_the_threshold_and_expanded_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = frame(
        [
            ("A", "2020-01-01", "2020-01-10", "", 100, None),
            ("B", "2020-01-11", "2020-01-20", "", 0, None),
            ("C", "2020-02-01", "2020-02-10", "", 50, None),
        ],
        workstream=["One", "One", "Two"],
    )
    assert not model(tasks).collapsed
    monkeypatch.setattr(tl, "COLLAPSE_THRESHOLD", 2)
    found = model(tasks)
    assert found.collapsed
    bars = found.rows[found.rows["kind"] != "group"].set_index("workstream")
    assert list(bars["kind"]) == ["summary", "summary"]
    one = bars.loc["One"]
    assert (one["start"], one["end_at"]) == ("2020-01-01T00:00:00", "2020-01-21T00:00:00")
    assert one["progress_label"] == "50 %"  # 10 days done of 20
    assert one["state_label"] == "En retard"  # B ended before the situation date
    expanded = model(tasks, expanded=("Two",))
    assert sorted(expanded.rows["kind"]) == ["group", "group", "summary", "task"]
    monkeypatch.setattr(tl, "ROWS_PER_PAGE", 1)
    both = model(tasks, expanded=("One", "Two"))
    assert (drawn(both), both.row_pages) == (["A"], 3)
    assert drawn(model(tasks, expanded=("One", "Two"), page=3)) == ["C"]


def test_tasks_to_watch_late_first_with_linked_actions() -> None:
    tasks = frame(
        [
            ("OK", "2020-04-01", "2020-04-30", "", 50, None),
            ("LATE", "2020-03-01", "2020-03-31", "", 50, None),
            ("RISK", "2020-04-01", "2020-04-20", "", 0, None),
            ("BLOCK", "2020-04-01", "2020-04-30", "", 0, "blocked"),
        ]
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A1", "A2"],
            "meeting_date": pd.to_datetime(["2020-03-15", "2020-03-15"]),
            "kind": ["action", "action"],
            "text": ["Relancer", "Fait"],
            "status": ["open", "done"],
            "task_id": ["LATE", "LATE"],
        }
    )
    found = tl.build(reader(tasks, actions), tl.State(situation=SIT, lang="en"))
    watch = found.watch.set_index("task_id")
    assert list(watch.index) == ["LATE", "BLOCK", "RISK"]  # on track is not to watch
    assert watch.loc["LATE", "actions"] == "A1 Relancer"
    assert watch.loc["LATE", "days_late"] == 15
    assert watch.loc["LATE", "state_label"] == "Late"
    assert found.watched == 3 and found.watch_pages == 1


# --- versions -----------------------------------------------------------------------------


def canonical(tasks: pd.DataFrame, path: Path) -> str:
    out = tasks.copy()
    for column in ("start", "end", "baseline_start", "baseline_end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime("%Y-%m-%d")
    out["milestone"] = out["milestone"].map({True: "true", False: "false"})
    out.to_csv(path, index=False)
    return str(path)


def test_changes_since_a_version_moved_added_removed_and_progress(tmp_path: Path) -> None:
    old = frame(
        [
            ("A", "2020-03-01", "2020-03-31", "", 30, None),
            ("B", "2020-03-01", "2020-03-10", "", 100, None),
            ("GONE", "2020-03-01", "2020-03-02", "", 0, None),
            ("SAME", "2020-03-01", "2020-03-02", "", 0, None),
        ]
    )
    new = frame(
        [
            ("A", "2020-03-08", "2020-04-21", "", 45, None),
            ("B", "2020-03-01", "2020-03-10", "", 100, "done"),
            ("NEW", "2020-04-01", "2020-04-30", "", 0, None),
            ("SAME", "2020-03-01", "2020-03-02", "", 0, None),
        ]
    )
    compared = tl.Compared(1, D("2020-03-23"), canonical(old, tmp_path / "0001.csv"))
    found = model(new, compared=compared)
    assert found.changes is not None
    changes = found.changes.table.set_index("task_id")
    assert set(changes.index) == {"A", "B", "NEW", "GONE"}
    assert changes.loc["A", "change"] == "changed"
    assert (changes.loc["A", "start_shift"], changes.loc["A", "end_shift"]) == (7, 21)
    assert (changes.loc["A", "progress_before"], changes.loc["A", "progress_after"]) == (30, 45)
    assert changes.loc["B", "fields"] == "status"
    assert changes.loc["NEW", "change"] == "added" and changes.loc["GONE", "change"] == "removed"
    assert list(found.changes.table["task_id"])[:2] == ["A", "B"]  # the biggest move first
    assert (found.changes.changed, found.changes.added, found.changes.removed) == (2, 1, 1)
    # the moved task's earlier dates drawn as a ghost, the others without one
    ghosts = found.rows.set_index("task_id")["previous_start"]
    assert ghosts["A"] == "2020-03-01T00:00:00" and pd.isna(ghosts["B"])
    same = model(new, compared=replace(compared, path=canonical(new, tmp_path / "0002.csv")))
    assert same.changes is not None and same.changes.table.empty


# --- view state ------------------------------------------------------------------------------


def test_state_from_the_widgets_and_back_to_the_url() -> None:
    values = {
        "tl_ws": ["Parcours noir", "Pilotage"],
        "tl_state": ["late", "overdue"],
        "tl_zoom": "custom",
        "tl_from": D("2020-04-01"),
        "tl_to": D("2020-06-30"),
        "tl_base": False,
        "tl_page": 2,
    }
    state = tl.state_of(values, SIT, "fr")
    assert state.workstreams == ("Parcours noir", "Pilotage")
    assert state.states == ("late",)  # an action's state is not a task's
    assert (state.zoom, state.start, state.end) == ("custom", D("2020-04-01"), D("2020-06-30"))
    assert not state.baseline and state.critical and state.links and state.page == 2
    url = tl.url_values(state)
    assert url["ws"] == ["Parcours noir", "Pilotage"] and url["base"] is False
    assert url["crit"] is None and url["page"] == 2 and url["from"] == D("2020-04-01")
    upside_down = {"tl_zoom": "custom", "tl_from": D("2020-06-30"), "tl_to": D("2020-04-01")}
    assert tl.state_of(upside_down, SIT, "fr") == tl.State(situation=SIT)
    assert tl.state_of({"tl_zoom": "year", "tl_page": 0}, SIT, "fr") == tl.State(situation=SIT)
    assert tl.url_values(tl.State(situation=SIT))["zoom"] is None


# --- edge cases and size -------------------------------------------------------------------


def test_an_empty_folder() -> None:
    read = database_reader(db.empty_database(), "viewer")
    assert tl.choices(read, SIT).tasks == 0
    found = tl.build(read, tl.State(situation=SIT))
    assert found.empty and found.total == 0 and found.critical == ()
    assert found.watch.empty and found.critical_caption is None
    assert "layer" in found.spec


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_the_demo_in_both_roles(role: str) -> None:
    con = db.open_database(Store(DEMO).current_files())
    found = tl.build(database_reader(con, role), tl.State(situation=SIT))  # type: ignore[arg-type]
    assert (found.shown, found.total, found.collapsed) == (41, 41, False)
    assert list(found.watch["state"][:3]) == ["late", "late", "late"]
    # only what the chart draws: no ids, no raw states, no numbers it does not read
    bars = found.spec["datasets"]["rows"]
    assert not {"task_id", "kind", "state", "slip", "progress", "ws_rank"} & set(bars[0])


def test_four_thousand_tasks_send_less_than_a_mebibyte() -> None:
    con = db.empty_database()
    con.execute(
        """
        insert into tasks (task_id, workstream, "name", "start", "end", progress, owner,
            depends_on, baseline_start, baseline_end)
        select
            printf('T%05d', i),
            ['Pilotage', 'Parcours noir', 'Cité', 'Olhain'][i % 4 + 1],
            'Tâche numéro ' || i || ' du plan de la mission',
            date '2019-11-01' + (i % 300)::integer,
            date '2019-11-01' + (i % 300 + 5 + i % 40)::integer,
            (i * 7) % 101,
            'Responsable ' || (i % 7),
            case when i > 4 then printf('T%05d', i - 4) end,
            date '2019-11-01' + (i % 300)::integer,
            date '2019-11-01' + (i % 300 + 3)::integer
        from range(1, 4001) as r(i)
        """
    )
    read = database_reader(con, "viewer")
    found = tl.build(read, tl.State(situation=SIT))
    assert found.collapsed and (found.shown, len(found.rows)) == (4000, 8)
    expanded = tl.build(read, tl.State(situation=SIT, expanded=("Pilotage", "Olhain")))
    assert len(expanded.rows) <= tl.ROWS_PER_PAGE + 8 and expanded.row_pages == 14
    for view in (found, expanded):
        sent = len(json.dumps(view.spec)) + len(view.watch.to_json(date_format="iso"))
        assert sent < 1024 * 1024
    assert len(expanded.watch) == tl.WATCH_PER_PAGE < expanded.watched


def test_the_critical_path_counts_the_work_that_remains() -> None:
    tasks = frame(
        [
            ("A", "2020-04-01", "2020-04-10", "", 50, None),  # half done: 4 of 8 days left
            ("B", "2020-04-14", "2020-04-17", "A", 0, None),  # 4 working days
        ]
    )
    found = model(tasks)
    assert found.critical == ("A", "B")
    assert "8 jours ouvrés de travail restant" in (found.critical_caption or "")


def test_working_days_leave_out_weekends_and_french_public_holidays() -> None:
    from dashboard.views import workdays

    assert workdays.count(date(2020, 1, 17), date(2020, 1, 17)) == 1  # a Friday
    assert workdays.count(date(2020, 1, 18), date(2020, 1, 19)) == 0  # the weekend
    assert workdays.count(date(2020, 5, 1), date(2020, 5, 8)) == 4  # 1 and 8 May off
    assert workdays.count(date(2020, 7, 13), date(2020, 7, 15)) == 2  # 14 July off
    assert workdays.count(date(2020, 3, 2), date(2020, 2, 28)) == 0


def test_remaining_work_counts_each_task_like_one_count() -> None:
    from dashboard.views import workdays

    tasks = pd.DataFrame(
        {
            "start": ["2019-12-30", "2020-03-02", None, "2020-04-01", "2020-05-01", "2020-07-13"],
            "end": ["2020-01-03", "2020-02-28", "2020-04-10", "2020-04-10", "2021-01-05", None],
            "progress": [None, 10, 0, 50, 120, 0],
        }
    )
    # across New Year's Day; ends before it starts; no start; half done; over 100 %
    # (nothing left); no end (one day)
    assert workdays.remaining(tasks).tolist() == [4, 0, 1, 4, 0, 1]
    assert workdays.count(date(2019, 12, 30), date(2020, 1, 3)) == 4
