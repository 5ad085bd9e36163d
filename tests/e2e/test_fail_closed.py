"""A running server whose secrets file breaks: no page is served, with or without
the shared link's token, until the file is right again (a real `streamlit run`,
its own file watcher, real chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import copy_demo
from tests.e2e.harness import settle, start_app, stop

pytestmark = pytest.mark.e2e

TOKEN = "noir-2020-partenaires"
GOOD = f'[dashboard]\nviewer_token = "{TOKEN}"\n'
BROKEN = '[dashboard]\nviewer_token = "noir-2021\n'  # a quote lost while rotating
STOPPED = "réglages ne peuvent pas être lus"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    tmp = tmp_path_factory.mktemp("failclosed")
    secrets = tmp / "secrets.toml"
    secrets.write_text(GOOD, encoding="utf-8")
    log = tmp / "app.log"
    process, url = start_app(
        copy_demo(tmp / "data"), log, extra_args=["--secrets.files", str(secrets)]
    )
    try:
        yield {"url": url, "secrets": secrets, "log": log}
    finally:
        stop(process)


@pytest.fixture
def tab(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    yield context.new_page()
    context.close()


def shown(page: Page, url: str) -> str:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_selector('[data-testid="stAlert"], h1', timeout=60_000)
    settle(page)
    return page.inner_text("body")


def test_a_secrets_file_broken_under_a_running_server_serves_no_page(
    tab: Page, server: dict[str, object]
) -> None:
    url, secrets, log = str(server["url"]), Path(str(server["secrets"])), Path(str(server["log"]))
    assert "n'est pas (ou plus) valable" in shown(tab, url + "/")
    assert "La mission en un coup d'œil" in shown(tab, url + f"/?token={TOKEN}")

    secrets.write_text(BROKEN, encoding="utf-8")
    for path in ("/", f"/?token={TOKEN}", f"/timeline?token={TOKEN}", "/data"):
        tab.goto(url + path)
        expect(tab.get_by_text(STOPPED)).to_be_visible(timeout=30_000)
        body = tab.inner_text("body")
        assert "La mission en un coup d'œil" not in body and "Parcours noir" not in body
        assert tab.locator('[data-testid="stMetric"]').count() == 0
        assert tab.locator('[data-testid="stSidebarNavLink"]').count() == 0
        assert "Connexion équipe" not in body
    assert "settings unreadable" in log.read_text(encoding="utf-8", errors="replace")

    secrets.write_text(GOOD, encoding="utf-8")
    tab.goto(url + f"/?token={TOKEN}")
    expect(tab.get_by_text("La mission en un coup d'œil")).to_be_visible(timeout=30_000)
