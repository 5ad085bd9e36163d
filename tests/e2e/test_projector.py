"""Projector mode in a real browser at 1920×1080."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.harness import ROOT, app_ready, no_exception


def test_projector_mode_at_1920_by_1080(page: Page, server: dict[str, object]) -> None:
    """No sidebar, larger type, next page by button; a deep link restores filters."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(str(server["url"]) + "/timeline?present=1&ws=Parc%20d%27Olhain&zoom=month")
    app_ready(page)
    expect(page.get_by_text("Planning de la mission")).to_be_visible()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden(timeout=30_000)
    expect(page.get_by_text("2 / 6 · Planning")).to_be_visible()
    # the filters are folded away (the first screen is the Gantt); opened, the
    # link's filters are back: one workstream, a month either side
    expect(page.get_by_text("± 1 mois autour de la date de situation")).to_be_hidden()
    page.get_by_text("Filtres", exact=True).first.click()
    expect(page.get_by_text("Parc d'Olhain").first).to_be_visible()
    expect(page.get_by_text("± 1 mois autour de la date de situation")).to_be_visible()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    title = page.locator("h1").first.bounding_box()
    assert title is not None and title["height"] > 60  # larger than the normal title
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "projector-1920x1080.png"))
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("3 / 6 · Sites")).to_be_visible(timeout=30_000)
    page.wait_for_function("() => location.search.includes('present=1')")
    no_exception(page)
