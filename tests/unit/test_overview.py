"""The overview's model (views.overview), shared by the page and the committee pack."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import figures
from dashboard.views import overview as view
from dashboard.views.reader import database_reader
from tests.conftest import DEMO
from tests.unit.test_sites import TaskRow, database

SIT = date(2020, 4, 15)


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return db.open_database(Store(DEMO).current_files())


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_the_demo_overview(con: duckdb.DuckDBPyConnection, role: str) -> None:
    read = database_reader(con, role)  # type: ignore[arg-type]
    found = view.build(read, view.State(SIT, "fr"))
    assert not found.empty
    assert found.event_value == "J-43"
    assert found.event_help is not None
    assert found.event_help.endswith("Du 28 mai 2020 au 30 juin 2020.")
    # the headline figures, their words and definitions from views.figures
    headline = figures.headline(read, SIT)
    shown = {f.key: f for f in found.figures}
    assert list(shown) == ["progress", "late_tasks", "open_actions", "partners_engaged"]
    for key, figure in shown.items():
        assert figure.label == figures.label(key, "fr")
        assert figure.value == figures.value_text(headline, key, "fr")
        assert figure.help.startswith(figures.definition(key, "fr"))
    assert (shown["late_tasks"].value, shown["open_actions"].value) == ("3", "10")
    assert shown["open_actions"].delta == "4 en retard"
    assert shown["partners_engaged"].value == "41 / 82"
    assert found.progress == headline.progress
    # every site fits: the four cards in file order
    assert [c.card.site_id for c in found.cards] == [
        "olhain",
        "cite-electriciens",
        "parcours-noir",
        "louvre-lens",
    ]
    assert (found.sites_total, found.cards_caption) == (4, None)
    assert found.destination.card.name == "Toute la destination"
    assert found.workstreams["workstream"].to_list() == [
        "Pilotage",
        "Parc d'Olhain",
        "Cité des Électriciens",
        "Parcours noir",
    ]
    assert found.workstreams.set_index("workstream").loc["Parc d'Olhain", "state"] == "late"
    assert "20 points" in found.states_rule


def test_the_demo_next_milestone(con: duckdb.DuckDBPyConnection) -> None:
    read = database_reader(con, "viewer")
    found = view.build(read, view.State(SIT, "en"))
    assert view.milestone_text(found, escape=str.upper) == (
        "CONFÉRENCE « ALL – NOUVELLES INSPIRATIONS » AU MÉTAPHONE (OIGNIES) · 15 April 2020 (today)"
    )
    later = view.milestone_text(view.build(read, view.State(date(2020, 4, 10), "fr")))
    assert later is not None and later.endswith("· 15 avril 2020 (dans 5 j)")


def test_the_event_countdown_running_and_over() -> None:
    start, end = date(2020, 5, 28), date(2020, 6, 30)
    assert view.event_text(start, end, SIT, "fr") == "J-43"
    assert view.event_text(start, end, SIT, "en") == "D-43"
    assert view.event_text(start, end, date(2020, 6, 1), "fr") == "En cours"
    assert view.event_text(start, end, date(2020, 7, 1), "en") == "Over"
    assert view.event_text(None, None, SIT, "fr") == "Non planifié"
    assert view.event_help(None, None, "fr") is None


def test_many_sites_show_those_needing_attention_first() -> None:
    places = [(f"s{i:02d}", f"Site {i:02d}") for i in range(20)]
    tasks: list[TaskRow] = [
        (f"t{i:02d}", "2020-04-01", "2020-04-30", 50, None, f"s{i:02d}", None, None)
        for i in range(20)
    ]
    tasks[7] = ("t07", "2020-03-01", "2020-03-31", 10, None, "s07", None, None)  # late
    tasks[3] = ("t03", "2020-04-01", "2020-04-30", 0, "blocked", "s03", None, None)  # at risk
    tasks[12] = ("t12", "2020-03-01", "2020-03-31", 10, None, "s12", None, None)  # late
    actions = [("A1", "t12", "2020-04-01")]  # overdue: s12 before s07
    found = view.build(database(tasks, places, actions), view.State(SIT, "en"))
    assert len(found.cards) == view.CARDS
    assert [c.card.site_id for c in found.cards][:3] == ["s12", "s07", "s03"]
    assert [c.card.site_id for c in found.cards][3:] == ["s00", "s01", "s02", "s04", "s05"]
    assert found.sites_total == 20
    assert found.cards_caption is not None and found.cards_caption.startswith("8 sites of 20")


def test_an_empty_folder_is_an_empty_overview() -> None:
    found = view.build(database(), view.State(SIT, "fr"))
    assert found.empty
    assert found.cards == () and found.workstreams.empty
    assert found.event_value == "Non planifié" and found.milestone is None
    assert {f.key: f.value for f in found.figures}["progress"] == "—"
