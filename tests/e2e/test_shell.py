"""The dashboard in a real browser: every page of each role's navigation drawn
without an exception, the overview in French and in English with its chart,
the language and the situation date carried by the URL, staff sign-in by
password. The `page` fixture fails a test that asked anything of a host other
than loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from dashboard import auth
from dashboard.i18n import t
from tests.conftest import copy_demo
from tests.e2e.harness import start_app, stop

pytestmark = pytest.mark.e2e

WAIT = 30_000
MAIN = '[data-testid="stMain"]'
TITLE = f"{MAIN} h1"
NAV_LINK = 'a[data-testid="stSidebarNavLink"]'


# --- helpers -------------------------------------------------------------------------


def wait_idle(page: Page) -> None:
    """The script run is over: not running, no 'Running' indicator, nothing stale."""
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT
    )
    running = page.locator('[data-testid="stStatusWidget"]').filter(has_text="Running")
    expect(running).to_have_count(0, timeout=WAIT)
    expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(0)
    expect(page.locator(f'{MAIN} [data-stale="true"]')).to_have_count(0, timeout=WAIT)


def open_app(page: Page, url: str) -> None:
    """Open a URL of the app and wait for its first run to end with a title drawn."""
    page.goto(url)
    expect(page.locator('[data-testid="stApp"]')).to_be_attached(timeout=WAIT)
    expect(page.locator(TITLE).first).to_be_visible(timeout=WAIT)
    wait_idle(page)


def title(page: Page) -> str:
    titles = page.locator(TITLE)
    return titles.first.inner_text().strip() if titles.count() else ""


def assert_sound(page: Page, where: str) -> None:
    """No exception on the page, and a non-empty title."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: exception on the page:\n" + "\n---\n".join(
        exceptions.all_inner_texts()
    )
    assert title(page), f"{where}: no title (h1) in the main area"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def nav_labels(page: Page) -> list[str]:
    """The labels of the sidebar's page links (each link is the icon, then the label)."""
    texts = page.locator(NAV_LINK).all_inner_texts()
    return [text.strip().splitlines()[-1].strip() for text in texts if text.strip()]


def expected_labels(role: auth.Role, lang: str) -> list[str]:
    return [t(f"nav.{name}", lang) for name in auth.pages_for(role)]


def visit_every_page(page: Page) -> dict[str, str]:
    """Click each page link of the sidebar in turn (the session, and so the role, is
    kept); each page must finish its run without an exception. Returns label → title.
    The page on screen when called counts as visited (it is checked, not reloaded)."""
    labels = nav_labels(page)
    assert labels, "no page link in the sidebar navigation"
    seen: dict[str, str] = {}
    for index, label in enumerate(labels):
        link = page.locator(NAV_LINK).nth(index)
        href = link.get_attribute("href") or ""
        before_path, before_title = urlsplit(page.url).path, title(page)
        target = urlsplit(href).path or "/"
        if target != before_path:  # the page on screen was checked already
            link.click()
            expect(page).to_have_url(re.compile(re.escape(target) + r"(\?|$)"), timeout=WAIT)
            # the previous page's title stays (stale) until the new run draws its own
            page.wait_for_function(
                """([selector, before]) => {
                    if (document.querySelector('[data-testid="stException"]')) return true;
                    const h1 = document.querySelector(selector);
                    return h1 !== null && h1.innerText.trim() !== before;
                }""",
                arg=[TITLE, before_title],
                timeout=WAIT,
            )
        wait_idle(page)
        assert_sound(page, f"page {label!r} ({page.url})")
        seen[label] = title(page)
    return seen


def expect_chart_drawn(page: Page) -> Locator:
    chart = page.locator(f'{MAIN} [data-testid="stVegaLiteChart"]').first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=WAIT)
    return chart


# --- tests ---------------------------------------------------------------------------


def test_every_page_as_a_viewer(page: Page, server: dict[str, object]) -> None:
    url = str(server["url"])
    open_app(page, url + "/")
    expect(page.locator(TITLE)).to_have_text("La mission en un coup d'œil")
    expect(page.get_by_text("Situation au 15 avril 2020", exact=True)).to_be_visible()
    expect_chart_drawn(page)
    assert_sound(page, "overview")

    assert nav_labels(page) == expected_labels("viewer", "fr")
    titles = visit_every_page(page)
    assert len(set(titles.values())) == len(titles), titles  # each page its own title
    assert t("nav.data", "fr") not in titles  # staff only


def test_english_and_the_url_keeps_it(page: Page, server: dict[str, object]) -> None:
    url = str(server["url"])
    open_app(page, url + "/?lang=en")
    expect(page.locator(TITLE)).to_have_text("The mission at a glance")
    expect(page.get_by_text("Situation on 15 April 2020", exact=True)).to_be_visible()
    expect_chart_drawn(page)
    assert_sound(page, "overview in English")
    assert query(page).get("lang") == ["en"]

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("radio", name="Français", exact=True).click()
    expect(page.locator(TITLE)).to_have_text("La mission en un coup d'œil", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"[?&]lang=fr(&|$)"), timeout=WAIT)
    wait_idle(page)

    sidebar.get_by_role("radio", name="English", exact=True).click()
    expect(page.locator(TITLE)).to_have_text("The mission at a glance", timeout=WAIT)
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"), timeout=WAIT)
    wait_idle(page)
    expect(page.get_by_text("Situation on 15 April 2020", exact=True)).to_be_visible()

    # the language, and the situation date, follow the visitor from page to page
    assert nav_labels(page) == expected_labels("viewer", "en")
    for label in visit_every_page(page):
        assert query(page).get("lang") == ["en"], (label, page.url)
        assert query(page).get("date") == ["2020-04-15"], (label, page.url)


def test_situation_date_from_the_url(page: Page, server: dict[str, object]) -> None:
    open_app(page, str(server["url"]) + "/?date=2020-05-01")
    expect(page.locator(TITLE)).to_have_text("La mission en un coup d'œil")
    expect(page.get_by_text("Situation au 1er mai 2020", exact=True)).to_be_visible()
    assert query(page).get("date") == ["2020-05-01"]
    expect_chart_drawn(page)
    assert_sound(page, "overview on 1 May 2020")


def test_staff_sign_in_by_password(page: Page, server: dict[str, object]) -> None:
    open_app(page, str(server["url"]) + "/")
    sidebar = page.locator('[data-testid="stSidebar"]')
    banner = page.get_by_text("Vous consultez le tableau de bord en lecture seule", exact=False)
    expect(banner).to_be_visible()

    sidebar.get_by_text("Connexion équipe", exact=True).click()
    password = sidebar.locator('input[type="password"]')
    expect(password).to_be_visible(timeout=WAIT)
    submit = sidebar.get_by_role("button", name="Se connecter", exact=True)

    password.fill("pas-le-bon-mot-de-passe")
    submit.click()
    expect(sidebar.get_by_text("Mot de passe incorrect.", exact=True)).to_be_visible(timeout=WAIT)
    expect(sidebar.get_by_text("Connecté·e (équipe)")).to_have_count(0)
    wait_idle(page)

    password.fill(str(server["password"]))
    submit.click()
    expect(sidebar.get_by_text("Connecté·e (équipe)", exact=True)).to_be_visible(timeout=WAIT)
    expect(sidebar.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()
    wait_idle(page)
    expect(banner).to_have_count(0)  # the read-only banner is for viewers

    assert nav_labels(page) == expected_labels("staff", "fr")
    titles = visit_every_page(page)
    assert t("nav.data", "fr") in titles
    expect(sidebar.get_by_text("Connecté·e (équipe)", exact=True)).to_be_visible()

    sidebar.get_by_role("button", name="Se déconnecter", exact=True).click()
    expect(sidebar.get_by_text("Connexion équipe", exact=True)).to_be_visible(timeout=WAIT)
    wait_idle(page)
    assert t("nav.data", "fr") not in nav_labels(page)


def test_timeline_draws_its_gantt(page: Page, server: dict[str, object]) -> None:
    open_app(page, str(server["url"]) + "/timeline?vs=3")
    expect(page.locator(TITLE)).to_have_text("Planning de la mission")
    chart = expect_chart_drawn(page)
    box = chart.bounding_box()
    assert box is not None and box["height"] > 24 * 40  # a row per task at least
    expect(page.get_by_text("Ce qui a changé depuis la version 3 du 23 mars 2020")).to_be_visible()
    assert_sound(page, "timeline")


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[str]:
    process, url = start_app(copy_demo(tmp_path / "data"), tmp_path / "app.log")
    yield url
    stop(process)


def test_a_deep_link_first_on_a_fresh_server(page: Page, fresh_server: str) -> None:
    """The very first request of a new server process is a page's URL: it must be
    answered through the role's navigation, not by running the page file alone."""
    open_app(page, fresh_server + "/timeline?lang=en")
    expect(page.locator(TITLE)).to_have_text("Mission timeline")
    assert nav_labels(page) == expected_labels("viewer", "en")
    assert_sound(page, "timeline opened first")
