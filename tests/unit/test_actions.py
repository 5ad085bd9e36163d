"""The decisions and actions page's model: carried-over and overdue actions on
hand-made committees, the log's filters and pages, the demo, an empty folder."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import actions, figures
from dashboard.views.reader import Reader, database_reader
from tests.conftest import DEMO

D = date.fromisoformat
SIT = D("2020-04-15")


def hand_made() -> duckdb.DuckDBPyConnection:
    rows = [
        ("A1", "2020-02-25", "action", "Relancer les boulangers", "OT Douai", "2020-03-10", "open"),
        ("A2", "2020-02-25", "action", "Fixer la date", "Olhain", "2020-05-01", "open"),
        ("A3", "2020-02-25", "action", "Envoyer le compte rendu", "PdCT", "2020-03-01", "done"),
        ("A4", "2020-03-24", "decision", "Reporter la dégustation", "PdCT", None, None),
        ("A5", "2020-04-15", "action", "Préparer le mois noir", "Agence", "2020-04-10", "open"),
        ("A6", "2020-04-15", "action", "Sans échéance", "Agence", None, "open"),
        ("A7", "2020-03-24", "action", "Annulée", "Agence", "2020-03-30", "cancelled"),
        ("A8", "2020-05-12", "action", "Après la situation", "Agence", "2020-05-30", "open"),
    ]
    con = db.empty_database()
    con.execute(
        'insert into tasks (task_id, workstream, name, start, "end") values '
        "('T31', 'Parc d''Olhain', 'Ouverture', '2020-05-01', '2020-05-01')"
    )
    con.execute(
        "insert into projects (project_id, evaluation, name) values "
        "('P1', 'projets-culinaires', 'Route de la frite'), ('B1', 'choix-agence', 'Agence X')"
    )
    frame = pd.DataFrame(
        rows, columns=["action_id", "meeting_date", "kind", "text", "owner", "due", "status"]
    )
    frame["meeting_date"] = pd.to_datetime(frame["meeting_date"])
    frame["due"] = pd.to_datetime(frame["due"])
    frame["task_id"] = frame["action_id"].map({"A2": "T31"})
    frame["project_id"] = frame["action_id"].map({"A5": "P1", "A6": "B1"})
    con.register("hand", frame)
    con.execute("insert into actions by name select * from hand")
    con.unregister("hand")
    return con


@pytest.fixture(scope="module")
def read() -> Reader:
    return database_reader(hand_made(), "staff")


def ids(table: actions.Table) -> list[str]:
    return [str(t) for t in table.rows["text"]]


def by_text(table: actions.Table) -> pd.DataFrame:
    return table.rows.set_index("text")


def test_committees_latest_first_and_the_latest_shown(read: Reader) -> None:
    model = actions.build(read, actions.State(SIT))
    assert model.committees == (D("2020-04-15"), D("2020-03-24"), D("2020-02-25"))
    assert model.committee == D("2020-04-15")
    assert model.owners == ("Agence", "OT Douai", "Olhain", "PdCT")


def test_overdue_and_carried_over_at_the_situation_date(read: Reader) -> None:
    model = actions.build(read, actions.State(SIT))
    log = by_text(model.log)
    assert "Après la situation" not in log.index  # a later committee is not recorded yet
    assert log.loc["Relancer les boulangers", "days_overdue"] == 36
    assert log.loc["Relancer les boulangers", "state"] == "overdue"
    assert (log.loc["Fixer la date", "days_overdue"], log.loc["Fixer la date", "state"]) == (
        0,
        "open",
    )
    assert log.loc["Préparer le mois noir", "state"] == "overdue"  # due before its committee
    assert log.loc["Sans échéance", "state"] == "open"
    assert log.loc["Sans échéance", "days_overdue"] == 0
    assert log.loc["Envoyer le compte rendu", "state"] == "done"
    assert log.loc["Annulée", "state"] == "cancelled"
    assert log.loc["Reporter la dégustation", "state"] == "done"  # a decision is done when taken
    assert set(log.index[log["carried_over"]]) == {"Relancer les boulangers", "Fixer la date"}
    # most overdue first
    assert ids(model.carried) == ["Relancer les boulangers", "Fixer la date"]
    assert ids(model.new_actions) == ["Préparer le mois noir", "Sans échéance"]
    assert (model.decisions.total, model.new_actions.total, model.carried.total) == (0, 2, 2)
    # the page's open and overdue counts are the headline figures
    assert model.figures == figures.headline(read, SIT)
    assert (model.open_actions, model.overdue_actions) == (4, 2)


def test_carried_over_depends_on_the_committee_looked_at(read: Reader) -> None:
    model = actions.build(read, actions.State(D("2020-03-24"), committee=D("2020-02-25")))
    assert model.committee == D("2020-02-25") and model.carried.total == 0
    model = actions.build(read, actions.State(D("2020-03-24"), committee=D("2020-03-24")))
    assert ids(model.carried) == ["Relancer les boulangers", "Fixer la date"]
    assert by_text(model.carried).loc["Relancer les boulangers", "days_overdue"] == 14
    assert ids(model.decisions) == ["Reporter la dégustation"]
    assert ids(model.new_actions) == ["Annulée"]


def test_a_committee_not_met_by_then_shows_the_latest(read: Reader) -> None:
    model = actions.build(read, actions.State(D("2020-03-01"), committee=D("2020-04-15")))
    assert model.committee == D("2020-02-25")
    assert model.committees == (D("2020-02-25"),)


def test_tasks_and_projects_linked_and_hidden_evaluations_dropped(read: Reader) -> None:
    staff = by_text(actions.build(read, actions.State(SIT)).log)
    assert staff.loc["Fixer la date", "task"] == "T31 Ouverture"
    assert staff.loc["Fixer la date", "workstream"] == "Parc d'Olhain"
    assert staff.loc["Préparer le mois noir", "project"] == "P1 Route de la frite"
    assert staff.loc["Préparer le mois noir", "evaluation"] == "projets-culinaires"
    assert staff.loc["Sans échéance", "evaluation"] == "choix-agence"
    viewer = actions.build(read, actions.State(SIT, hidden=("choix-agence",)))
    shown = by_text(viewer.log)
    assert pd.isna(shown.loc["Sans échéance", "project"])
    assert "choix-agence" not in viewer.log.rows.to_csv()
    # a hidden project's id is not searchable either
    assert (
        actions.build(read, actions.State(SIT, hidden=("choix-agence",), search="b1")).log.total
        == 0
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"owners": ("Agence",)}, {"Préparer le mois noir", "Sans échéance", "Annulée"}),
        ({"states": ("overdue",)}, {"Relancer les boulangers", "Préparer le mois noir"}),
        ({"kinds": ("decision",)}, {"Reporter la dégustation"}),
        ({"search": "DEGUSTATION"}, {"Reporter la dégustation"}),
        ({"search": "dé gus-tation"}, {"Reporter la dégustation"}),
        ({"search": "t31"}, {"Fixer la date"}),
        ({"search": "route de la"}, {"Préparer le mois noir"}),
        ({"owners": ("Agence",), "states": ("open",)}, {"Sans échéance"}),
        ({}, None),
    ],
)
def test_filters_and_search_ignore_case_and_accents(
    read: Reader, filters: dict[str, object], expected: set[str] | None
) -> None:
    log = actions.build(read, actions.State(SIT, **filters)).log  # type: ignore[arg-type]
    if expected is None:
        assert log.total == 7
    else:
        assert set(ids(log)) == expected and log.total == len(expected)


def test_pages_of_the_log(read: Reader) -> None:
    first = actions.build(read, actions.State(SIT, per_page=3)).log
    assert (first.total, first.pages, first.page, len(first.rows)) == (7, 3, 1, 3)
    assert (first.first, first.last) == (1, 3)
    last = actions.build(read, actions.State(SIT, per_page=3, log_page=3)).log
    assert (last.page, len(last.rows), last.first, last.last) == (3, 1, 7, 7)
    beyond = actions.build(read, actions.State(SIT, per_page=3, log_page=99)).log
    assert beyond.page == 3 and ids(beyond) == ids(last)
    every = ids(first) + ids(actions.build(read, actions.State(SIT, per_page=3, log_page=2)).log)
    assert len(set(every + ids(last))) == 7  # no row twice, none left out
    assert ids(first)[0] in {"Préparer le mois noir", "Sans échéance"}  # latest committee first


def test_an_empty_folder() -> None:
    model = actions.build(database_reader(db.empty_database(), "viewer"), actions.State(SIT))
    assert model.committee is None and model.committees == ()
    assert (model.log.total, model.log.page, model.log.pages, model.log.first) == (0, 1, 1, 0)
    assert model.carried.rows.empty and model.open_actions == 0


@pytest.fixture(scope="module")
def demo() -> duckdb.DuckDBPyConnection:
    return db.open_database(Store(DEMO).current_files())


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_the_demo(demo: duckdb.DuckDBPyConnection, role: str) -> None:
    hidden = ("choix-agence",) if role == "viewer" else ()
    read = database_reader(demo, role)  # type: ignore[arg-type]
    model = actions.build(read, actions.State(SIT, hidden=hidden))
    assert model.committee == SIT and len(model.committees) == 5
    assert (model.open_actions, model.overdue_actions) == (10, 4)
    top = model.carried.rows.iloc[0]
    assert top["text"] == "Relancer les boulangers du Douaisis et du Valenciennois"
    assert top["days_overdue"] == 54
    assert list(model.carried.rows["days_overdue"]) == sorted(
        model.carried.rows["days_overdue"], reverse=True
    )
    assert model.log.total == 32
    assert (model.log.pages, len(model.log.rows)) == (2, actions.PER_PAGE)
    older = actions.build(read, actions.State(SIT, hidden=hidden, log_page=2)).log
    assert len(older.rows) == 32 - actions.PER_PAGE
    assert ("choix-agence" in older.rows.to_csv()) == (role == "staff")  # the first decision
    # only drawn columns leave the model
    assert set(model.log.rows.columns) == {
        "meeting_date",
        "kind",
        "text",
        "owner",
        "due",
        "days_overdue",
        "state",
        "carried_over",
        "task",
        "workstream",
        "project",
        "evaluation",
    }
