"""The decisions and actions page in a real browser: the figures with their
definitions, the lists drawn one page at a time, the log's page in the URL."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.harness import app_ready, no_exception, settle


def test_the_page_its_figures_and_the_log_paged_in_the_url(
    page: Page, server: dict[str, object]
) -> None:
    page.goto(str(server["url"]) + "/actions?date=2020-04-15")
    app_ready(page)
    no_exception(page)
    expect(page.locator("h1", has_text="Décisions et actions du comité")).to_be_visible()
    expect(page.locator('[data-testid="stMetric"]', has_text="Actions ouvertes")).to_contain_text(
        "10"
    )
    expect(page.locator('[data-testid="stMetric"]', has_text="Actions en retard")).to_contain_text(
        "4"
    )
    expect(page.get_by_text("Actions ouvertes reportées des comités précédents")).to_be_visible()
    tables = page.locator('[data-testid="stDataFrame"]')
    expect(tables.first).to_be_visible(timeout=30_000)

    page.get_by_text("Journal complet").click()
    expect(page.get_by_text("Lignes 1 à 25 sur 32")).to_be_visible()
    page.get_by_label("Page (sur 2)").fill("2")
    page.get_by_label("Page (sur 2)").press("Enter")
    settle(page)
    page.wait_for_function("() => location.search.includes('lpage=2')")
    expect(page.get_by_text("Lignes 26 à 32 sur 32")).to_be_visible()
    no_exception(page)
