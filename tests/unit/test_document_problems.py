"""Store documents that do not read, as `check` reports them (named, located, why,
in French and English), on the data folder and on PostgreSQL; and a database whose
documents' table could not be made (a user without CREATE): a save says what the
administrator does instead of a raw database error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest

from dashboard.__main__ import main
from dashboard.store import DataStore, DocumentsUnavailable, Store
from dashboard.store.postgres import PostgresStore
from dashboard.views import attendees, documents, scenarios
from tests.unit.test_documents import scenario, without_create


@pytest.fixture
def demo(demo_in_backend: DataStore) -> DataStore:
    return demo_in_backend


def spoil(store: DataStore, name: str, text: str) -> None:
    """A document's stored text replaced outside the app."""
    if isinstance(store, Store):
        path = store.document_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert isinstance(store, PostgresStore)
    with psycopg.connect(store.url, autocommit=True) as conn:
        conn.execute(
            "insert into dashboard_documents (name, data, at) values (%s, %s, 'x')"
            " on conflict (name) do update set data = excluded.data",
            (name, text),
        )


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_names_a_damaged_document_where_it_lies_and_why(
    demo: DataStore, backend: str, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios.save(demo, scenario("Un"))
    attendees.record(demo, date(2020, 4, 15), attendees.parse("Claire, Département"), "Bob")
    assert run(["check"], capsys)[0] == 0
    assert documents.problems(demo) == []

    spoil(demo, "scenarios", "{not json")
    # well-formed JSON but not the attendees' shape: found by the module owning it
    spoil(demo, "attendees", '{"committees": {"15/04/2020": {}}}')
    code, out, err = run(["check"], capsys)
    assert code == 1, out
    where = (
        str(demo.document_path("scenarios"))
        if isinstance(demo, Store)
        else "dashboard_documents, name = 'scenarios'"
    )
    assert f"Document « scénarios enregistrés » ({where}) illisible : Expecting" in err
    assert "Document « participants aux comités » (" in err
    assert "'15/04/2020'" in err  # what is wrong in it
    code, _, err = run(["check", "--lang", "en"], capsys)
    assert code == 1
    assert f'Document "saved scenarios" ({where}) cannot be read: Expecting' in err
    assert "nothing will be saved to it until it is corrected or removed" in err
    assert "Traceback" not in err

    # the datasets' writes go on; the damaged documents are left as they are
    assert not any(p.blocking for p in documents.problems(demo))
    if isinstance(demo, Store):
        assert demo.document_path("scenarios").read_text(encoding="utf-8") == "{not json"


# --- a user without CREATE ------------------------------------------------------------------


def test_a_save_without_the_documents_table_says_what_the_administrator_does(
    database_url: str, tmp_path: Path
) -> None:
    url = without_create(database_url, tmp_path)
    role = url.split("://")[1].split("@")[0]
    store = PostgresStore(url, cache_dir=tmp_path / "app")
    try:
        with pytest.raises(DocumentsUnavailable) as refused:
            scenarios.save(store, scenario("Un"))
        with pytest.raises(DocumentsUnavailable):
            attendees.record(store, date(2020, 4, 15), attendees.parse("Claire"), "Bob")
        fr = refused.value.message("fr")
        assert fr.startswith("Non enregistré : la base n'a pas de table pour les scénarios")
        assert f"l'utilisateur du tableau de bord ({role})" in fr
        assert "avec un utilisateur autorisé à créer des tables" in fr
        en = refused.value.message("en")
        assert "Ask the database's administrator to run the dashboard once" in en
        # the SQL given works: run by the owner, the save goes through
        sql = en.split("or to run: ")[1]
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(sql.encode())
        scenarios.save(store, scenario("Un"))
        assert [s.name for s in scenarios.saved(store)] == ["Un"]
    finally:
        store.close()
