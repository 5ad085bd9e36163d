"""The site page in a real browser: a site's cards, sparklines and budget drawn, the
selection and the side-by-side view in the URL, the overview's links to a site."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.harness import app_ready, no_exception, settle


def test_site_detail_is_drawn_and_the_selector_goes_to_the_url(
    page: Page, server: dict[str, object]
) -> None:
    page.goto(str(server["url"]) + "/sites?site=olhain")
    app_ready(page)
    no_exception(page)
    expect(page.get_by_text("Avancement par site")).to_be_visible()
    expect(page.locator("h2", has_text="Restaurant du Parc départemental d'Olhain")).to_be_visible()
    expect(page.get_by_text("J-52", exact=True)).to_be_visible()
    expect(page.get_by_text("-7 par rapport à la cible (18 plats)")).to_be_visible()
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts).to_have_count(4, timeout=30_000)  # three sparklines, the budget bars
    for i in range(4):
        expect(charts.nth(i).locator("canvas, svg").first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Dépassement sur 1 tâche(s)")).to_be_visible()

    page.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="Parcours noir du mois noir").click()
    settle(page)
    page.wait_for_function("() => location.search.includes('site=parcours-noir')")
    expect(page.locator("h2", has_text="Parcours noir du mois noir")).to_be_visible()
    expect(page.get_by_text("+1 par rapport à la cible (30 idées)")).to_be_visible()
    no_exception(page)


def test_side_by_side_view_for_the_projector(page: Page, server: dict[str, object]) -> None:
    page.goto(str(server["url"]) + "/sites")
    app_ready(page)
    page.get_by_text("Tous les sites côte à côte").click()
    settle(page)
    page.wait_for_function("() => location.search.includes('view=side')")
    no_exception(page)
    for name in ("Toute la destination", "Cité des Électriciens", "Louvre-Lens"):
        expect(page.locator("strong", has_text=name).first).to_be_visible()
    expect(page.get_by_text("Plats définis à la carte : 11 / 18 plats")).to_be_visible()
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    expect(chart).to_have_count(1, timeout=30_000)
    expect(chart.first.locator("canvas, svg").first).to_be_visible(timeout=30_000)


def test_overview_card_opens_its_site(page: Page, server: dict[str, object]) -> None:
    page.goto(str(server["url"]) + "/")
    app_ready(page)
    links = page.locator('[data-testid="stPageLink"]', has_text="Voir le détail du site")
    expect(links).to_have_count(4, timeout=30_000)
    links.nth(1).click()
    settle(page)
    page.wait_for_function("() => location.search.includes('site=cite-electriciens')")
    expect(page.get_by_text("Avancement par site")).to_be_visible()
    expect(page.locator("h2", has_text="Cité des Électriciens")).to_be_visible()
    expect(page.get_by_text("J-66", exact=True)).to_be_visible()
    no_exception(page)
