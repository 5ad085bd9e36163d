"""Every page for every reader, in a real browser: French and English, viewer and
staff, at a phone's size (390×844) and a desktop's (1440×900). Each page view must
pass axe (no serious or critical violation), fit the screen's width (each chart too), give every
chart a text alternative, set the document's language, say the data is a demo,
and show no text of the other language's catalogue.

One browser page per role: the session (and so the sign-in) is kept, the pages
are reached through the sidebar and the viewport is resized in place, so the
whole tour costs a few seconds a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.i18n import catalogue
from tests.e2e.harness import sign_in
from tests.e2e.test_shell import MAIN, NAV_LINK, WAIT, assert_sound, open_app, title, wait_idle

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
AXE = Axe()
CHARTS = '[data-testid="stVegaLiteChart"], [data-testid="stDeckGlJsonChart"]'


def other_language_texts(lang: str) -> list[str]:
    """Catalogue sentences of the other language that must not show on screen:
    long enough to be unmistakable, different from this language's, no placeholder."""
    mine, other = catalogue(lang), catalogue("en" if lang == "fr" else "fr")
    return [
        text
        for key, text in other.items()
        if len(text) >= 18
        and "{" not in text
        and "*" not in text
        and text != mine.get(key)
        and text not in mine.values()
    ]


def serious_violations(page: Page) -> list[str]:
    found = AXE.run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def audit(page: Page, where: str, lang: str, width: int) -> None:
    assert_sound(page, where)
    problems = serious_violations(page)
    assert not problems, f"{where}: accessibility audit:\n" + "\n".join(problems)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width + 1, f"{where}: the page is {wide} px wide on a {width} px screen"
    # the page's language is set by a script the app sends after its first frame
    try:
        page.wait_for_function("l => document.documentElement.lang === l", arg=lang, timeout=15_000)
    except PlaywrightTimeout:
        raise AssertionError(
            f"{where}: <html lang> is {page.evaluate('document.documentElement.lang')!r}"
        ) from None
    spilled = page.evaluate(
        """([selector, width]) => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .flatMap(e => [e, ...e.querySelectorAll('canvas, svg')])
            .filter(e => e.getBoundingClientRect().right > width + 1
                || e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
            .map(e => e.getAttribute('data-testid') || e.tagName)""",
        [f"{MAIN} :is({CHARTS})", width],
    )
    assert not spilled, f"{where}: charts wider than the {width} px screen: {spilled}"
    charts = page.locator(f"{MAIN} :is({CHARTS})")
    for i in range(charts.count()):
        if not charts.nth(i).is_visible():  # in a tab not open: drawn when opened
            continue
        named = charts.nth(i).evaluate(
            """el => [el, ...el.querySelectorAll('*')]
                .map(e => e.getAttribute('aria-label') || '')
                .filter(t => t.length > 20)"""
        )
        assert named, f"{where}: chart {i + 1} has no text alternative"
    cells = page.evaluate(
        """[...document.querySelectorAll('[data-testid="stDataFrame"] [role="gridcell"]')]
            .map(e => e.textContent.trim())"""
    )
    slips = [c for c in cells if c in ("None", "nan", "NaN", "<NA>", "NaT")]
    if lang == "fr":  # '92.5' is English; French writes '92,5'
        slips += [c for c in cells if re.fullmatch(r"-?\d+\.\d+( ?%)?", c)]
    assert not slips, f"{where}: table cells written wrong: {slips[:5]}"
    body = page.locator(MAIN).inner_text()
    assert catalogue(lang)["readers.demo"] in body, f"{where}: no demo-data notice"
    mixed = [text for text in other_language_texts(lang) if text in body]
    assert not mixed, f"{where}: text of the other language on screen: {mixed[:5]}"


def visit(page: Page, index: int) -> None:
    link = page.locator(NAV_LINK).nth(index)
    before = title(page)
    href = link.get_attribute("href") or ""
    if href.rstrip("/") != page.url.split("?")[0].rstrip("/"):
        link.click()
        page.wait_for_function(
            """([selector, before]) => {
                if (document.querySelector('[data-testid="stException"]')) return true;
                const h1 = document.querySelector(selector);
                return h1 !== null && h1.innerText.trim() !== before;
            }""",
            arg=[f"{MAIN} h1", before],
            timeout=WAIT,
        )
    wait_idle(page)


def tour(page: Page, role: str) -> list[str]:
    """Every page of the role's navigation, in French then English, desktop then phone."""
    seen = []
    for lang, choice in (("fr", None), ("en", "English")):
        if choice:
            page.set_viewport_size(DESKTOP)
            page.wait_for_timeout(400)
            page.locator('[data-testid="stSidebar"]').get_by_role(
                "radio", name=choice, exact=True
            ).click()
            expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"), timeout=WAIT)
            wait_idle(page)
        for index in range(page.locator(NAV_LINK).count()):
            page.set_viewport_size(DESKTOP)
            visit(page, index)
            where = f"{role} {lang} {page.url}"
            audit(page, f"{where} at 1440", lang, DESKTOP["width"])
            page.set_viewport_size(PHONE)
            page.wait_for_timeout(400)  # charts and columns re-lay themselves out
            audit(page, f"{where} at 390", lang, PHONE["width"])
            if "/timeline" in page.url:  # the Gantt becomes an agenda on a phone
                expect(page.locator(".st-key-timeline_agenda")).to_be_visible()
                expect(page.locator(".st-key-timeline_gantt")).to_be_hidden()
            seen.append(f"{role} {lang} {title(page)}")
    page.set_viewport_size(DESKTOP)
    return seen


@pytest.fixture
def roomy(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def test_every_page_for_every_reader(roomy: Page, server: dict[str, object]) -> None:
    url = str(server["url"])
    open_app(roomy, url + "/?lang=fr")
    viewer = tour(roomy, "viewer")
    assert len(viewer) == 12
    open_app(roomy, url + "/?lang=fr")
    sign_in(roomy, str(server["password"]))
    staff = tour(roomy, "staff")
    assert len(staff) == 14


def test_a_mistyped_address_is_answered_in_french(roomy: Page, server: dict[str, object]) -> None:
    open_app(roomy, str(server["url"]) + "/planing?lang=fr")
    expect(roomy.locator(MAIN).get_by_text("ne correspond à aucune page")).to_be_visible()
    # and Streamlit's English dialog saying the same is closed
    expect(roomy.get_by_role("dialog").filter(has_text="Page not found")).to_have_count(0)
