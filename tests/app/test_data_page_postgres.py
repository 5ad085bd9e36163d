"""The data page through AppTest with the store on a real PostgreSQL server
(DASHBOARD_DATABASE_URL set): a commit, two staff at once, a rollback, a commit
refused by the checks run again inside it; the data folder is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.store import Store, open_store
from dashboard.store.postgres import PostgresStore
from tests.app.support import sign_in, start, texts
from tests.app.test_data_page import (
    button,
    commit_as,
    frames,
    french_excel,
    history,
    new_action,
    new_task,
    snapshot,
    staff,
    table,
    upload,
)


@pytest.fixture
def database(demo_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> PostgresStore:
    """The demo copied into a fresh database, which the app then uses."""
    store = open_store(url=database_url)
    assert isinstance(store, PostgresStore)
    store.copy_from(Store(demo_dir))
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    return store


def test_a_commit_goes_to_the_database(database: PostgresStore, demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", ["progress", "status"]] = ["62.5", "in_progress"]
    before = snapshot(demo_dir)
    at = upload(staff(), "planning-comite-2020-05-12.csv", french_excel("tasks", new_task(tasks)))
    assert "Fichier valide : 42 lignes prêtes à être enregistrées." in texts(at)
    at = commit_as(at, "Claire Dubois")
    assert "Tâches (planning) : version 5 enregistrée (42 lignes, par Claire Dubois)." in texts(at)
    latest = database.latest("tasks")
    assert latest is not None
    assert (latest.version, latest.by, latest.rows) == (5, "Claire Dubois", 42)
    assert latest.source == "planning-comite-2020-05-12.csv"
    current = database.read_current("tasks")
    assert current is not None and ",62.5,in_progress," in current.decode("utf-8")
    assert current == database.version_bytes("tasks", 5)
    assert snapshot(demo_dir) == before  # the folder is not the store any more


def test_two_staff_at_once_neither_change_is_lost(database: PostgresStore, demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    mine = tasks.copy()
    mine.loc[mine["task_id"] == "T14", "progress"] = "60"
    theirs = tasks.copy()
    theirs.loc[theirs["task_id"] == "T19", "progress"] = "35"
    a = upload(staff(), "a.csv", french_excel("tasks", mine))
    a.text_input(key="data_by").input("Anne").run()
    b = commit_as(upload(staff(), "b.csv", french_excel("tasks", theirs)), "Bertrand")
    assert "version 5 enregistrée" in texts(b)
    button(a, "data_commit").click().run()
    assert "Les données ont changé depuis votre aperçu" in texts(a)
    assert len(database.history()) == 13  # the demo's 12 commits and B's
    button(a, "data_commit").click().run()
    assert "version 6 enregistrée" in texts(a)
    assert [(v.version, v.by) for v in database.history("tasks")][4:] == [
        (5, "Bertrand"),
        (6, "Anne"),
    ]


def test_rollback_through_the_page(database: PostgresStore, demo_dir: Path) -> None:
    tasks = table(demo_dir, "tasks")
    tasks.loc[tasks["task_id"] == "T14", "progress"] = "70"
    database.commit("tasks", tasks.to_csv(index=False).encode(), by="B", source="b", rows=41)
    at = history(staff())
    assert at.selectbox(key="data_rb_v").value == 4
    button(at, "data_rb_ask").click().run()
    assert frames(at)[-1].values.tolist() == [["T14", "avancement", "70", "45"]]
    at.text_input(key="data_by").input("Claire").run()
    button(at, "data_rb_do").click().run()
    assert "retour à la version 4, enregistré comme version 6 (par Claire)." in texts(at)
    latest = database.latest("tasks")
    assert latest is not None
    assert (latest.action, latest.from_version, latest.by) == ("rollback", 4, "Claire")
    assert database.read_current("tasks") == database.version_bytes("tasks", 4)


def test_a_commit_refused_when_what_it_cites_was_removed_meanwhile(
    database: PostgresStore, demo_dir: Path
) -> None:
    with_t41 = new_task(table(demo_dir, "tasks"))
    database.commit("tasks", with_t41.to_csv(index=False).encode(), by="B", source="b", rows=42)
    actions = new_action(table(demo_dir, "actions"), task_id="T41")
    a = upload(staff(), "actions.csv", french_excel("actions", actions))
    assert "Fichier valide" in texts(a)
    # someone else takes T41 out (back to the plan before it), through another process
    assert database.rollback("tasks", 4, by="Bertrand", rows=41) is not None
    before = database.data_version()
    a.text_input(key="data_by").input("Anne").run()
    body = texts(a).replace("\\", "")
    assert "Fichier refusé : 1 problème(s)" in body
    assert "« T41 » n'existe pas" in body
    assert database.data_version() == before
    assert [v.dataset for v in database.history()].count("actions") == 4  # the demo's


def test_the_checks_run_again_inside_the_commit(database: PostgresStore, demo_dir: Path) -> None:
    """An upload judged valid, then made invalid by another commit before it is
    committed: the commit's own check (under the writer's lock) refuses it."""
    from dashboard.ingest import uploads
    from dashboard.store import CommitRefused

    with_t41 = new_task(table(demo_dir, "tasks"))
    database.commit("tasks", with_t41.to_csv(index=False).encode(), by="B", source="b", rows=42)
    actions = new_action(table(demo_dir, "actions"), task_id="T41")
    data = french_excel("actions", actions)
    upload_ = uploads.check_upload(database, "actions", data, "actions.csv")
    assert upload_.ok
    other = PostgresStore(database.url, cache_dir=demo_dir.parent / "other-cache")
    assert other.rollback("tasks", 4, by="Bertrand", rows=41) is not None
    before = database.data_version()
    with pytest.raises(CommitRefused):
        uploads.commit_upload(database, upload_, by="Anne")
    assert database.data_version() == before
    latest = database.latest("actions")
    assert latest is not None and latest.version == 4  # still the demo's


def test_a_version_spoilt_in_the_database_is_told_to_staff_and_pages_stay_up(
    database: PostgresStore,
) -> None:
    import psycopg

    from dashboard.store import checksum

    current = database.read_current("tasks")
    assert current is not None
    with psycopg.connect(database.url, autocommit=True) as conn:
        conn.execute(
            "update dashboard_blobs set data = %b where checksum = %s",
            (current + b"spoilt\n", checksum(current)),
        )
    at = staff()
    banner = " ".join(e.value for e in at.error).replace("\\", "").replace("\u2060", "")
    assert "La base de données demande l'attention de l'équipe" in banner
    assert "tasks : la version 4 stockée dans la base ne correspond plus" in banner
    viewer = start(page="timeline")
    assert not viewer.exception and viewer.get("vega_lite_chart")
    assert "stockée dans la base" not in texts(viewer)  # a staff matter


def test_password_attempts_are_counted_in_the_database(
    database: PostgresStore, demo_dir: Path
) -> None:
    import psycopg

    answers = [texts(sign_in(start(), "pas-le-bon")) for _ in range(6)]
    assert sum("Mot de passe incorrect." in a for a in answers) == 5
    assert "Trop de tentatives" in answers[-1]
    with psycopg.connect(database.url) as conn:
        row = conn.execute("select count(*) from dashboard_attempts where key <> '*'").fetchone()
    assert row == (5,)
    assert not (demo_dir / ".auth").exists()  # no replica-local count
