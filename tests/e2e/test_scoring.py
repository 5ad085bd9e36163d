"""The scoring page in a real browser: drawn for a viewer, a weight moved with the
keyboard changes the winner and goes to the URL; staff open the agency link, see
the jurors and download the chart as a PNG."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.harness import app_ready, no_exception, settle, sign_in


def test_viewer_sees_the_ranking_and_a_weight_changes_the_winner(
    page: Page, server: dict[str, object]
) -> None:
    page.goto(str(server["url"]) + "/scoring")
    app_ready(page)
    no_exception(page)
    expect(page.locator("h1", has_text="Sélection et notation")).to_be_visible()
    expect(page.get_by_text("Route de la frite").first).to_be_visible()
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    expect(charts.first.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("tab", name="Jurés")).to_have_count(0)
    expect(page.get_by_text("Pas-de-Calais Tourisme")).to_have_count(0)

    # originality to the top of its slider: 100 of 190, the fermentation project leads
    thumb = page.locator('[data-testid="stSlider"]', has_text="Originalité").get_by_role("slider")
    thumb.focus()
    thumb.press("End")
    settle(page)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('originalite:100')")
    expect(
        page.get_by_text("Fermentation à la japonaise avec les partenaires japonais").first
    ).to_be_visible()
    expect(page.get_by_text("Originalité 53 %")).to_be_visible()
    no_exception(page)


def test_staff_open_the_agency_link_see_jurors_and_download_the_chart(
    page: Page, server: dict[str, object]
) -> None:
    page.goto(str(server["url"]) + "/scoring?eval=choix-agence&agg=median")
    app_ready(page)
    sign_in(page)
    page.wait_for_function("() => location.search.includes('eval=choix-agence')")
    expect(page.get_by_text("Atelier Gustatif Nord").first).to_be_visible()
    page.get_by_role("tab", name="Jurés").click()
    expect(page.get_by_text("Le classement de chaque juré")).to_be_visible()
    expect(page.get_by_text("1 désaccord(s) entre jurés à ce seuil :")).to_be_visible()
    # the spread chart names the jurors in its legend
    spread = page.locator('[data-testid="stVegaLiteChart"]', has_text="Pas-de-Calais Tourisme")
    expect(spread.first).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="Exporter").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Graphique (PNG)").click()
    assert download.value.suggested_filename == "classement-choix-agence.png"
    with open(download.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    no_exception(page)
