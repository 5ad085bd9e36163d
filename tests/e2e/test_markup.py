"""Text from the data is shown as typed, in a real browser: Markdown, HTML and bare
addresses planted in every free-text column of every dataset must come out as
characters, never as a link, an image, emphasis or an element, on every page of
both roles; and nothing the data names is fetched (only loopback is contacted)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from dashboard import auth
from tests.conftest import copy_demo
from tests.e2e.harness import ROOT, is_outside, sign_in, start_app, stop
from tests.planted import PLANTED, plant

pytestmark = pytest.mark.e2e

WAIT = 60_000
MAIN = '[data-testid="stMain"]'
NAV_LINK = 'a[data-testid="stSidebarNavLink"]'


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("markup")
    folder = copy_demo(base / "data", history=False)
    plant(folder)
    # the planted folder is valid data: the whole-folder check passes
    checked = subprocess.run(
        [sys.executable, "-m", "dashboard", "check"],
        cwd=ROOT,
        env={**__import__("os").environ, "DASHBOARD_DATA_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    process, url = start_app(folder, base / "app.log")
    try:
        yield url
    finally:
        stop(process)


# Run in the page: every trace of rendered markup that came from the data.
FIND_MARKUP = """(planted) => {
    const found = [];
    const where = (el) => {
        const box = el.closest('[data-testid^="st"]:not([data-testid$="Container"])');
        return ' in ' + (box ? box.getAttribute('data-testid') : '?') + ': '
            + ((box || el).textContent || '').slice(0, 60);
    };
    const evil = (s) => (s || '').toLowerCase().includes('evil');
    for (const img of document.querySelectorAll('img, image, source, iframe, video, audio')) {
        const src = img.getAttribute('src') || img.getAttribute('href') || '';
        if (evil(src) || (img.getAttribute('alt') || '').includes('img7'))
            found.push('image ' + src + where(img));
    }
    for (const a of document.querySelectorAll('a')) {
        const text = a.textContent || '';
        if (evil(a.getAttribute('href')) || evil(text) || text.includes('link7'))
            found.push('link ' + a.getAttribute('href') + where(a));
    }
    const styled = 'strong, em, b, i, code, del, s, mark, u, h1, h2, h3, h4, h5, h6, '
        + 'span[style*="color"], [class*="colored"]';
    for (const el of document.querySelectorAll(styled)) {
        // the word joiner that keeps an address from being linked is not a change
        const text = (el.textContent || '').split('\u2060').join('');
        for (const [token, literal] of Object.entries(planted)) {
            if (!text.includes(token)) continue;
            // a word of the data inside an element is fine when it is shown as typed
            const bare = text.split(literal).join('');
            if (bare.includes(token))
                found.push(el.tagName.toLowerCase() + ' ' + token + where(el));
        }
    }
    return found;
}"""


def wait_idle(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"]')).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT
    )
    expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(0)
    expect(page.locator(f'{MAIN} [data-stale="true"]')).to_have_count(0, timeout=WAIT)


def markup_on(page: Page, where: str) -> list[str]:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: " + "\n".join(exceptions.all_inner_texts())
    found: list[str] = page.evaluate(FIND_MARKUP, PLANTED)
    return [f"{where}: {f}" for f in found]


def open_everything(page: Page, where: str) -> list[str]:
    """Every tab and expander of the page opened in turn, markup looked for each time."""
    found = markup_on(page, where)
    expanders = page.locator(f"{MAIN} details:not([open]) > summary")
    for _ in range(expanders.count()):
        closed = page.locator(f"{MAIN} details:not([open]) > summary")
        if closed.count() == 0:
            break
        closed.first.click()
    tabs = page.locator(f'{MAIN} [data-baseweb="tab"]')
    for i in range(tabs.count()):
        tabs.nth(i).click()
        page.wait_for_timeout(200)
        wait_idle(page)
        found += markup_on(page, f"{where}, tab {i + 1}")
    found += markup_on(page, f"{where}, expanders open")
    return found


def block_outside(page: Page, asked: list[str]) -> None:
    """Requests off this machine are refused (and recorded, the fixture fails on them)."""

    def handle(route: Route) -> None:
        if is_outside(route.request.url):
            asked.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/*", handle)


def visit_by_links(page: Page) -> list[str]:
    """Each page of the sidebar, clicked in turn (the session and its role are kept)."""
    found: list[str] = []
    hrefs = [
        page.locator(NAV_LINK).nth(i).get_attribute("href") or ""
        for i in range(page.locator(NAV_LINK).count())
    ]
    assert hrefs
    for href in hrefs:
        target = urlsplit(href).path or "/"
        page.locator(f'{NAV_LINK}[href="{href}"]').click()
        expect(page).to_have_url(re.compile(re.escape(target) + r"(\?|$)"), timeout=WAIT)
        page.wait_for_timeout(500)
        wait_idle(page)
        found += open_everything(page, f"staff {target}")
    return found


def test_markup_in_the_data_is_shown_as_typed(page: Page, planted: str) -> None:
    asked: list[str] = []
    block_outside(page, asked)
    found: list[str] = []
    for name in auth.pages_for("viewer"):
        page.goto(f"{planted}/{'' if name == 'overview' else name}")
        expect(page.locator(f"{MAIN} h1").first).to_be_visible(timeout=WAIT)
        wait_idle(page)
        found += open_everything(page, f"viewer /{name}")
    # the payload reached the pages (the test sees what it plants)
    page.goto(f"{planted}/")
    expect(page.locator(f"{MAIN} h1").first).to_be_visible(timeout=WAIT)
    wait_idle(page)
    expect(page.get_by_text("**bold7**").first).to_be_attached()

    sign_in(page)
    found += visit_by_links(page)
    assert not found, "markup from the data rendered:\n" + "\n".join(found)
    assert not asked, "requests left loopback:\n" + "\n".join(asked)
