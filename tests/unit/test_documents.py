"""The store's documents (saved scenarios, committees' attendees) on both backends,
the data folder and a real PostgreSQL server: written whole, read strictly, one
writer at a time, names checked, carried by to-database / to-folder."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dashboard.domain.scoring import Shortlist
from dashboard.store import DataStore, DocumentDamaged, Store
from dashboard.store.postgres import PostgresStore
from dashboard.views import attendees, scenarios
from tests.pgserver import login_without_create

Opener = Callable[[], DataStore]
OFFICIAL = {"noir": 30.0, "valeurs": 25.0, "local": 20.0, "faisabilite": 15.0, "originalite": 10.0}
NOON = datetime(2020, 4, 15, 10, 30, tzinfo=UTC)


def scenario(name: str, originality: float = 40.0, by: str = "Claire") -> scenarios.Scenario:
    weights = {**OFFICIAL, "originalite": originality}
    return scenarios.make(
        name, "projets-culinaires", weights, OFFICIAL, "median", Shortlist("top", 4), by, NOON
    )


def test_a_document_never_written_is_empty(new_store: Opener) -> None:
    store = new_store()
    assert store.document("scenarios") == {} and store.document("attendees") == {}
    assert scenarios.saved(store) == ()
    assert attendees.of(store, date(2020, 4, 15)) is None
    with pytest.raises(KeyError):
        store.document("tasks")  # a dataset is not a document


def test_scenarios_saved_listed_opened_deleted(new_store: Opener) -> None:
    store = new_store()
    before = store.data_version()
    scenarios.save(store, scenario("Originalité d'abord"))
    scenarios.save(store, scenario("Ancrage", originality=5.0))
    # another handle on the same data (another process, another app server) sees them
    other = new_store()
    listed = scenarios.saved(other)
    assert [s.name for s in listed] == ["Ancrage", "Originalité d'abord"]  # newest first
    first = listed[1]
    assert first.by == "Claire" and first.at == "2020-04-15T10:30:00+00:00"
    assert first.link() == {
        "eval": "projets-culinaires",
        "w": "noir:30,valeurs:25,local:20,faisabilite:15,originalite:40",
        "agg": "median",
        "short": "top:4",
    }
    assert scenarios.saved(other, ["choix-agence"]) == ()
    # a document is not data: no new data version, no commit in the history
    assert store.data_version() == before and store.history() == []
    scenarios.delete(other, "ORIGINALITÉ D'ABORD")  # names compared whatever the case
    assert [s.name for s in scenarios.saved(store)] == ["Ancrage"]
    with pytest.raises(scenarios.Refused) as refused:
        scenarios.delete(store, "Originalité d'abord")
    assert refused.value.message("fr") == (
        "Il n'y a pas de scénario « Originalité d'abord » (déjà supprimé ?)."
    )


@pytest.mark.parametrize(
    ("name", "reason", "fr", "en"),
    [
        ("   ", "name_empty", "Donnez un nom au scénario.", "Give the scenario a name."),
        (
            "x" * 81,
            "name_long",
            "Le nom du scénario a 81 caractères : 80 au plus.",
            "The scenario's name has 81 characters: 80 at most.",
        ),
        (
            "deux\nlignes",
            "name_control",
            "Le nom du scénario tient sur une ligne, sans caractère de contrôle.",
            "A scenario's name is one line, without control characters.",
        ),
        ("bip\x1b[31m", "name_control", "", ""),
    ],
)
def test_bad_names_are_refused_in_both_languages(name: str, reason: str, fr: str, en: str) -> None:
    with pytest.raises(scenarios.Refused) as refused:
        scenario(name)
    assert refused.value.reason == reason
    if fr:
        assert refused.value.message("fr") == fr and refused.value.message("en") == en


def test_a_name_is_one_plain_line_and_markup_stays_text(new_store: Opener) -> None:
    store = new_store()
    scenarios.save(store, scenario("  **Gras**   <b>x</b> [lien](http://x.y) "))
    assert scenarios.saved(store)[0].name == "**Gras** <b>x</b> [lien](http://x.y)"


def test_what_is_not_a_scenario_is_refused_and_nothing_written(new_store: Opener) -> None:
    store = new_store()
    scenarios.save(store, scenario("Originalité"))
    for make, reason in (
        (lambda: scenario("originalité", originality=12.0), "name_taken"),
        (lambda: scenario("Officiel", originality=10.0), "official"),  # the data's weights
        (lambda: scenario("Sans nom", by="  "), "by_empty"),
    ):
        with pytest.raises(scenarios.Refused) as refused:
            scenarios.save(store, make())
        assert refused.value.reason == reason
    # the same proportions are the same weighting: twice every weight is official
    doubled = {k: 2 * v for k, v in OFFICIAL.items()}
    with pytest.raises(scenarios.Refused, match="official"):
        scenarios.make("x", "e", doubled, OFFICIAL, "mean", Shortlist(), "Claire")
    zero = dict.fromkeys(OFFICIAL, 0.0)
    with pytest.raises(scenarios.Refused, match="weights_zero"):
        scenarios.make("x", "e", zero, OFFICIAL, "mean", Shortlist(), "Claire")
    taken = scenarios.Refused("name_taken", name="Originalité")
    assert taken.message("en") == (
        'A scenario is already called "Originalité": choose another name, or delete the old one.'
    )
    assert [s.name for s in scenarios.saved(store)] == ["Originalité"]


def test_a_change_that_fails_writes_nothing(new_store: Opener) -> None:
    store = new_store()
    scenarios.save(store, scenario("Un"))

    def broken(document: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("refused midway")

    with pytest.raises(RuntimeError):
        store.update_document("scenarios", broken)
    with pytest.raises(ValueError):  # NaN is not JSON: refused before anything is written
        store.update_document("scenarios", lambda d: {"scenarios": float("nan")})
    assert [s.name for s in scenarios.saved(new_store())] == ["Un"]


def test_writers_of_documents_wait_for_each_other(new_store: Opener) -> None:
    """Eight saves at once, each reading then writing the whole document: none lost."""
    new_store().document("scenarios")  # the table made before the threads start
    errors: list[BaseException] = []

    def save(number: int) -> None:
        try:
            scenarios.save(new_store(), scenario(f"S{number}", originality=11.0 + number))
        except BaseException as exc:  # reported by the assertion
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(s.name for s in scenarios.saved(new_store())) == [f"S{n}" for n in range(8)]


# --- read strictly ------------------------------------------------------------------------


def spoil(store: DataStore, text: str) -> None:
    """The scenarios' stored text replaced outside the app."""
    if isinstance(store, Store):
        store.document_path("scenarios").write_text(text, encoding="utf-8")
        return
    assert isinstance(store, PostgresStore)
    with psycopg.connect(store.url, autocommit=True) as conn:
        conn.execute("update dashboard_documents set data = %s where name = 'scenarios'", (text,))


GOOD = {
    "name": "Un",
    "evaluation": "projets-culinaires",
    "weights": {"noir": 30},
    "aggregation": "mean",
    "shortlist": "top:3",
    "by": "Claire",
    "at": "2020-04-15T10:30:00+00:00",
}


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        '{"scenarios": [], "scenarios": []}',  # a key given twice
        '{"scenarios": [{"weights": NaN}]}',
        "[]",
        '{"scenarios": {}}',
        json.dumps({"scenarios": [{**GOOD, "extra": 1}]}),
        json.dumps({"scenarios": [{**GOOD, "weights": {"noir": -1}}]}),
        json.dumps({"scenarios": [{**GOOD, "weights": {"noir": True}}]}),
        json.dumps({"scenarios": [{**GOOD, "name": "deux\nlignes"}]}),
        json.dumps({"scenarios": [{**GOOD, "aggregation": "max"}]}),
        json.dumps({"scenarios": [{**GOOD, "at": "2020-04-15"}]}),  # no time zone
        json.dumps({"scenarios": [GOOD, {**GOOD, "name": "UN"}]}),  # the same name twice
    ],
)
def test_a_damaged_document_is_refused_and_left_as_it_is(new_store: Opener, text: str) -> None:
    store = new_store()
    scenarios.save(store, scenario("Un"))
    spoil(store, text)
    with pytest.raises(DocumentDamaged) as damaged:
        scenarios.saved(store)
    assert damaged.value.name == "scenarios"
    with pytest.raises(DocumentDamaged):
        scenarios.save(store, scenario("Deux"))
    # nothing guessed: the stored text is still the damaged one
    with pytest.raises(DocumentDamaged):
        scenarios.saved(new_store())


def test_the_folder_keeps_a_document_as_plain_json_text(tmp_path: Path) -> None:
    store = Store(tmp_path)
    scenarios.save(store, scenario("Originalité"))
    path = tmp_path / ".documents" / "scenarios.json"
    assert store.document_path("scenarios") == path
    text = path.read_text(encoding="utf-8")
    assert '"name": "Originalité"' in text  # readable text, not escaped
    assert json.loads(text)["scenarios"][0]["weights"]["originalite"] == 40
    assert sorted(p.name for p in path.parent.iterdir()) == ["lock", "scenarios.json"]
    assert not list(tmp_path.glob(".documents/.*.tmp"))  # written beside it, then renamed


def test_a_database_made_before_documents_gets_their_table(database_url: str) -> None:
    first = PostgresStore(database_url)
    first.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("drop table dashboard_documents")
    store = PostgresStore(database_url)
    try:
        assert store.document("scenarios") == {}
        scenarios.save(store, scenario("Un"))
        assert [s.name for s in scenarios.saved(store)] == ["Un"]
    finally:
        store.close()


def test_documents_travel_with_to_database_and_to_folder(tmp_path: Path, database_url: str) -> None:
    folder = Store(tmp_path / "data")
    scenarios.save(folder, scenario("Un"))
    attendees.record(
        folder, date(2020, 3, 24), attendees.parse("Claire Martin, Pas-de-Calais Tourisme"), "Bob"
    )
    database = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    try:
        database.copy_from(folder)
        assert database.document("scenarios") == folder.document("scenarios")
        back = Store(tmp_path / "back")
        database.export_to(back)
        assert back.document("attendees") == folder.document("attendees")
    finally:
        database.close()


# --- attendees ----------------------------------------------------------------------------


def test_attendees_typed_one_a_line() -> None:
    found = attendees.parse(
        "Claire Martin, Pas-de-Calais Tourisme\n\n  Jean   Dupont ; Mission Louvre-Lens Tourisme \n"
        "Aiko Tanaka\r\nÉric Lenoir, Office de tourisme, Douai\n"
    )
    assert found == (
        attendees.Attendee("Claire Martin", "Pas-de-Calais Tourisme"),
        attendees.Attendee("Jean Dupont", "Mission Louvre-Lens Tourisme"),
        attendees.Attendee("Aiko Tanaka", ""),
        attendees.Attendee("Éric Lenoir", "Office de tourisme, Douai"),
    )
    assert attendees.parse(attendees.text_of(found)) == found


@pytest.mark.parametrize(
    ("text", "fr", "en"),
    [
        (
            "Claire\n" + "x" * 201,
            "Ligne 2 : plus de 200 caractères.",
            "Line 2: over 200 characters.",
        ),
        (
            "Claire\n, Office de tourisme",
            "Ligne 2 : le nom manque avant la virgule.",
            "Line 2: the name is missing before the comma.",
        ),
        (
            "Cla\x1bire",
            "Ligne 1 : un participant tient sur une ligne, sans caractère de contrôle.",
            "Line 1: an attendee is one line, without control characters.",
        ),
        (
            "\n".join(f"P{n}" for n in range(101)),
            "Plus de 100 participants : la liste n'est pas enregistrée.",
            "Over 100 attendees: the list is not saved.",
        ),
    ],
)
def test_bad_attendees_are_refused_with_their_line(text: str, fr: str, en: str) -> None:
    with pytest.raises(attendees.Refused) as refused:
        attendees.parse(text)
    assert (refused.value.message("fr"), refused.value.message("en")) == (fr, en)


def test_attendees_recorded_replaced_and_cleared(new_store: Opener) -> None:
    store = new_store()
    march, april = date(2020, 3, 24), date(2020, 4, 15)
    people = attendees.parse("Claire Martin, Pas-de-Calais Tourisme\nJean Dupont, ALL")
    attendees.record(store, march, people, "Bob", NOON)
    attendees.record(store, april, people[:1], "Bob", NOON)
    found = attendees.of(new_store(), march)
    assert found is not None and found.attendees == people and found.by == "Bob"
    assert attendees.lines(found, names=True) == (
        "Claire Martin (Pas-de-Calais Tourisme)",
        "Jean Dupont (ALL)",
    )
    # a viewer's minutes name the organisations present, not the people
    assert attendees.lines(found, names=False) == ("Pas-de-Calais Tourisme", "ALL")
    attendees.record(store, march, people[1:], "Claire")
    assert attendees.of(store, march).attendees == people[1:]  # type: ignore[union-attr]
    attendees.record(store, march, (), "Claire")  # an empty list clears the committee's
    assert attendees.of(store, march) is None
    assert attendees.of(store, april) is not None
    with pytest.raises(attendees.Refused, match="by_empty"):
        attendees.record(store, april, people, " ")


def without_create(
    database_url: str, tmp_path: Path, rights: str = "select, insert, update, delete"
) -> str:
    """The store's tables made before documents existed, and a login that has `rights`
    on them but may not create a table: its URL."""
    owner = PostgresStore(database_url, cache_dir=tmp_path / "owner")
    owner.close()
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("drop table dashboard_documents")
    return login_without_create(database_url, (f"{rights} on all tables in schema public",))


def test_a_user_without_create_opens_an_older_database_without_documents(
    database_url: str, tmp_path: Path
) -> None:
    """The tables made before documents existed, the app's user unable to make one:
    the store opens and serves its data, no document is read (none was saved)."""
    url = without_create(database_url, tmp_path, "select, insert, update")
    store = PostgresStore(url, cache_dir=tmp_path / "app")
    try:
        assert store.document("scenarios") == {} and scenarios.saved(store) == ()
        assert store.commit("sites", b"site_id,name\nolhain,Olhain\n", by="a", source="s", rows=1)
    finally:
        store.close()
