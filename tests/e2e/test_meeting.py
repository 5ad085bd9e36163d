"""The committee's own meeting in a real browser: staff record a decision and an
action, a viewer's open session sees them on its next rerun, the minutes download
as PDF and .docx with them; a past situation date shows the plan committed then;
a scenario link never passes for the official result, nor does a saved scenario
staff open again.

This file runs its own server over its own copy of the demo: what it records must
not change what the other browser tests read."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from tests.conftest import copy_demo
from tests.e2e.harness import app_ready, no_exception, settle, sign_in, start_app, stop


@pytest.fixture(scope="module")
def meeting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("meeting")
    process, url = start_app(copy_demo(base / "data"), base / "streamlit.log")
    try:
        yield url
    finally:
        stop(process)


def new_page(browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    context.set_default_timeout(30_000)
    return context.new_page()


def text_of(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        pages = PdfReader(io.BytesIO(data)).pages
        raw = " ".join(p.extract_text() for p in pages)
    else:
        raw = " ".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    return re.sub(r"\s+", " ", raw.replace("\u00a0", " "))


def record(page: Page, kind: str, text: str, owner: str = "") -> None:
    form = page.locator('[data-testid="stForm"]').first
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("Libellé").fill(text)
    if owner:
        form.get_by_label("Responsable").fill(owner)
    form.get_by_role("button", name="Enregistrer").click()
    settle(page)


def test_staff_record_a_viewer_sees_it_and_the_minutes_hold_it(
    browser: Browser, meeting: str
) -> None:
    viewer = new_page(browser)
    viewer.goto(meeting + "/actions?date=2020-04-15")
    app_ready(viewer)
    expect(viewer.get_by_text("Six projets présélectionnés")).to_have_count(0)

    staff = new_page(browser)
    staff.goto(meeting + "/actions?date=2020-04-15")
    app_ready(staff)
    sign_in(staff)
    staff.get_by_text("Saisie en séance : décisions et actions").click()
    staff.get_by_label("Votre nom (enregistré dans l'historique)").fill("Claire")
    staff.get_by_label("Votre nom (enregistré dans l'historique)").press("Enter")
    settle(staff)
    record(staff, "décision", "Six projets présélectionnés")
    expect(staff.get_by_text("A33 enregistrée")).to_be_visible()
    record(staff, "action", "Relancer l'Office de tourisme de Douai", "OT Douai")
    expect(staff.get_by_text("A34 enregistrée")).to_be_visible()
    no_exception(staff)

    # the viewer's session, open all along: its next rerun shows both
    viewer.locator("h1").first.click()
    viewer.keyboard.press("r")  # Streamlit's rerun key
    settle(viewer)
    expect(viewer.get_by_text("Six projets présélectionnés")).to_be_visible()
    expect(viewer.get_by_text("Relancer l'Office de tourisme de Douai").first).to_be_attached()
    no_exception(viewer)

    for label, suffix in (("Compte rendu (PDF)", "pdf"), ("Compte rendu (Word)", "docx")):
        with staff.expect_download(timeout=120_000) as download:
            staff.get_by_role("button", name=label).click()
        assert download.value.suggested_filename == f"compte-rendu-2020-04-15.{suffix}"
        text = text_of(Path(download.value.path()))
        assert "A33 – Six projets présélectionnés" in text
        assert "A34 – Relancer l'Office de tourisme de Douai" in text


def test_15_march_2020_shows_the_plan_committed_then(browser: Browser, meeting: str) -> None:
    page = new_page(browser)
    page.goto(meeting + "/timeline?date=2020-03-15")
    app_ready(page)
    no_exception(page)
    line = page.get_by_text("Les données telles qu'enregistrées au 15 mars 2020")
    expect(line).to_be_visible()
    expect(line).to_contain_text("Tâches (planning) version 2 du 24 février 2020")
    # the task added to the plan in April is not in the plan of February
    expect(page.get_by_text("Adaptation des expériences au confinement")).to_have_count(0)


# Originality at 40 %: a scenario whose winner is not the official one.
SCENARIO_LINK = "/scoring?eval=projets-culinaires&w=originalite:40"


def open_scenario_link(browser: Browser, meeting: str) -> Page:
    page = new_page(browser)
    page.goto(meeting + SCENARIO_LINK)
    app_ready(page)
    return page


def expect_not_official(banner: Locator) -> None:
    """The scenario's banner: not the official weights, and the scenario's winner."""
    expect(banner).to_contain_text("ne sont pas les pondérations officielles")
    expect(banner).to_contain_text("Route de la frite arrive en tête")


def test_a_scenario_link_never_passes_for_the_official_result(
    browser: Browser, meeting: str
) -> None:
    page = open_scenario_link(browser, meeting)
    no_exception(page)
    expect_not_official(page.locator('[data-testid="stAlert"]', has_text="Scénario"))
    expect(page.get_by_text("Résultat net")).to_have_count(0)


def test_staff_save_a_scenario_and_opening_it_says_it_is_not_official(
    browser: Browser, meeting: str
) -> None:
    page = open_scenario_link(browser, meeting)
    sign_in(page)
    page.get_by_text("Scénarios enregistrés (équipe)").click()
    page.get_by_label("Nom du scénario").fill("Originalité d'abord")
    page.get_by_label("Votre nom (enregistré avec le scénario)").fill("Claire")
    page.get_by_label("Votre nom (enregistré avec le scénario)").press("Enter")
    settle(page)
    page.get_by_role("button", name="Enregistrer ces pondérations").click()
    settle(page)
    expect(page.get_by_text("Scénario « Originalité d'abord » enregistré.")).to_be_visible()
    page.get_by_role("button", name="Poids d'origine").click()  # the official weights again
    settle(page)
    banner = page.locator('[data-testid="stAlert"]', has_text="Scénario :")
    expect(banner).to_have_count(0)
    opener = page.get_by_role("button", name="Ouvrir", exact=True)
    expect(opener).to_have_count(1)  # the run before it gone from the page
    opener.click()
    settle(page)
    no_exception(page)
    expect_not_official(banner)
    expect(page.get_by_text("Scénario enregistré ouvert : « Originalité d'abord »")).to_be_visible()


def test_on_a_projector_the_gantt_is_on_the_first_screen(browser: Browser, meeting: str) -> None:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(meeting + "/timeline?present=1&date=2020-04-15")
    app_ready(page)
    no_exception(page)
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    expect(chart).to_be_visible(timeout=30_000)
    box = chart.bounding_box()
    assert box is not None and box["y"] < 1080 * 0.6  # the Gantt starts high on the screen
    expect(page.get_by_role("combobox", name="Axe")).to_be_hidden()  # the filters folded away
    context.close()
