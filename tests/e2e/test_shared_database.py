"""Several app servers, one truth: two `streamlit run` processes on one PostgreSQL
database (a real server, started for the tests). Staff commit an upload through
the first; a viewer's session already open on the second sees it on its next
rerun, without reloading the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Browser, Page, expect

from dashboard.store import Store
from dashboard.store.postgres import PostgresStore
from tests.app.test_data_page import french_excel
from tests.conftest import copy_demo
from tests.e2e.harness import app_ready, no_exception, settle, sign_in, start_app, stop
from tests.e2e.test_data_page import choose_file, metric, open_data_page
from tests.pgserver import Server


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, pg_server: Server
) -> Iterator[dict[str, object]]:
    """The demo copied into a fresh database; two app servers on it, each with an
    empty data folder of its own (what they show can only come from the database)."""
    tmp = tmp_path_factory.mktemp("shared")
    url = pg_server.database()
    database = PostgresStore(url, cache_dir=tmp / "cache")
    database.copy_from(Store(copy_demo(tmp / "demo")))
    servers = []
    try:
        for name in ("a", "b"):
            empty = tmp / f"empty-{name}"
            empty.mkdir()
            env = {"DASHBOARD_DATABASE_URL": url, "DASHBOARD_CACHE_DIR": str(tmp / f"c-{name}")}
            servers.append(start_app(empty, tmp / f"app-{name}.log", extra_env=env))
        yield {
            "a": servers[0][1],
            "b": servers[1][1],
            "tmp": tmp,
            "demo": tmp / "demo",
            "database": database,
        }
    finally:
        for process, _ in servers:
            stop(process)


def test_a_commit_on_one_server_is_seen_by_an_open_session_of_the_other(
    page: Page, browser: Browser, two_servers: dict[str, object]
) -> None:
    tmp, demo = Path(str(two_servers["tmp"])), Path(str(two_servers["demo"]))
    database = two_servers["database"]
    assert isinstance(database, PostgresStore)
    tasks = pd.read_csv(demo / "tasks.csv", dtype=str, keep_default_na=False)
    # T14 is one of the three tasks late on 15 April 2020: the export says it is done
    tasks.loc[tasks["task_id"] == "T14", ["progress", "status"]] = ["100", "done"]
    export = tmp / "planning-comite-2020-04-15.csv"
    export.write_bytes(french_excel("tasks", tasks))

    # a viewer's session open on server B
    viewer_context = browser.new_context(viewport={"width": 1440, "height": 900})
    viewer = viewer_context.new_page()
    try:
        viewer.goto(str(two_servers["b"]) + "/")
        app_ready(viewer)
        assert metric(viewer, "Tâches en retard") == "3"

        # staff commit through server A
        page.goto(str(two_servers["a"]) + "/")
        app_ready(page)
        assert metric(page, "Tâches en retard") == "3"
        sign_in(page)
        open_data_page(page)
        choose_file(page, export)
        expect(
            page.get_by_text("Fichier valide : 41 lignes prêtes à être enregistrées.")
        ).to_be_visible(timeout=60_000)
        settle(page)
        name = page.get_by_role("textbox", name="Votre nom (inscrit dans le journal)")
        name.fill("Claire Dubois")
        name.press("Enter")
        settle(page)
        page.get_by_role("button", name="Enregistrer : Tâches (planning)").click()
        expect(
            page.get_by_text("version 5 enregistrée (41 lignes, par Claire Dubois)")
        ).to_be_visible(timeout=60_000)
        no_exception(page)
        assert [v.by for v in database.history("tasks")][-1] == "Claire Dubois"
        assert not (tmp / "empty-a" / "tasks.csv").exists()  # in the database, not a folder

        # the viewer's next rerun on server B (same session, no reload) sees it
        viewer.locator('[data-testid="stSidebarNavLink"]').nth(1).click()
        settle(viewer)
        viewer.locator('[data-testid="stSidebarNavLink"]', has_text="Vue d'ensemble").first.click()
        expect(viewer.get_by_text("La mission en un coup d'œil")).to_be_visible(timeout=30_000)
        settle(viewer)
        assert metric(viewer, "Tâches en retard") == "2"
        no_exception(viewer)
    finally:
        viewer_context.close()
