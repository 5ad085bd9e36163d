"""The store's documents through AppTest, on the data folder and on PostgreSQL: the
staff's banner names a document that does not read (where it lies, why), a viewer
is told nothing of it; on a database whose documents' table could not be made (a
user without CREATE), a save says what the administrator does; the "your name"
fields offer the signed-in name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import DataStore, Store, open_store
from dashboard.store.postgres import PostgresStore
from dashboard.ui import safe
from tests.app.support import sent, sign_in, start, texts
from tests.conftest import forget_database
from tests.unit.test_document_problems import spoil
from tests.unit.test_documents import without_create

ORIGINALITY = "scoring_w:projets-culinaires:originalite"


@pytest.fixture
def store(demo_in_backend: DataStore) -> DataStore:
    return demo_in_backend


def button(at: AppTest, key: str) -> Any:
    return next(b for b in at.button if b.key == key)


def test_the_staff_banner_names_a_damaged_document_a_viewer_sees_nothing(
    store: DataStore,
) -> None:
    spoil(store, "scenarios", '{"scenarios": "edited by hand"}')
    where = store.document_location("scenarios")
    at = sign_in(start("fr"))
    assert not at.exception, [e.value for e in at.exception]
    banner = next(w.value for w in at.warning if "Document « scénarios enregistrés »" in w.value)
    assert "demande l'attention de l'équipe" in banner
    assert "illisible" in banner and 'expected \\{"scenarios"' in banner
    # the file or the table's row, as written in the banner (Markdown-escaped)
    assert safe.md(where) in banner
    english = sign_in(start("en"))
    assert any('Document "saved scenarios"' in w.value for w in english.warning)
    assert not english.error  # not a blocking problem: the data can still be written

    viewer = start("fr")
    assert not viewer.exception
    assert "scénarios enregistrés" not in sent(viewer)
    assert "edited by hand" not in sent(viewer) and "illisible" not in sent(viewer)


# --- a user without CREATE ------------------------------------------------------------------


@pytest.fixture
def without_documents(
    demo_dir: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The demo in a database made before documents existed, the app signed in as
    a user that may not create a table."""
    owner = PostgresStore(database_url, cache_dir=tmp_path / "owner")
    owner.copy_from(Store(demo_dir))
    owner.close()
    url = without_create(database_url, tmp_path)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "app-cache"))
    yield url
    forget_database(url)


def test_a_save_without_the_documents_table_says_what_to_do(without_documents: str) -> None:
    at = sign_in(start("fr", page="scoring"))
    assert not at.exception, [e.value for e in at.exception]
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    at.text_input(key="sc_name").input("Originalité d'abord")
    at.text_input(key="sc_by").input("Claire")
    button(at, "sc_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    told = next(e.value for e in at.error if "Non enregistré" in e.value)
    assert "la base n'a pas de table pour les scénarios enregistrés" in told
    assert "Demandez à l'administrateur de la base de lancer le tableau de bord une fois" in told
    assert "create table dashboard\\_documents" in told
    assert "UndefinedTable" not in texts(at) and "does not exist" not in texts(at)

    en = sign_in(start("en", page="actions"))
    field = next(a for a in en.text_area if str(a.key).startswith("att_text_"))
    field.input("Claire Martin, Pas-de-Calais Tourisme")
    en.text_input(key="att_by").input("Claire")
    button(en, "att_save").click().run()
    assert not en.exception, [e.value for e in en.exception]
    told = next(e.value for e in en.error if "Not saved" in e.value)
    assert "no table for the committees' attendees" in told
    assert "Ask the database's administrator" in told


# --- the signed-in name ---------------------------------------------------------------------


def test_the_name_fields_offer_the_signed_in_name(demo_dir: Path) -> None:
    at = sign_in(start("fr"))
    at.session_state["staff_name"] = "Claire Dubois"
    at.switch_page("app_pages/scoring.py").run()
    assert at.text_input(key="sc_by").value == "Claire Dubois"
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    at.text_input(key="sc_name").input("Originalité d'abord")
    button(at, "sc_save").click().run()
    assert "Scénario « Originalité d'abord » enregistré." in [s.value for s in at.success]
    assert open_store().document("scenarios")["scenarios"][0]["by"] == "Claire Dubois"

    at.switch_page("app_pages/actions.py").run()
    assert at.text_input(key="att_by").value == "Claire Dubois"
    assert at.text_input(key="rec_by").value == "Claire Dubois"
    # what the person types instead stays theirs
    at.text_input(key="att_by").input("C. Dubois (secrétariat)").run()
    assert at.text_input(key="att_by").value == "C. Dubois (secrétariat)"

    # signed in with the password only: nothing to offer, the field waits for a name
    plain = sign_in(start("fr", page="scoring"))
    assert plain.text_input(key="sc_by").value == ""
