"""The committee pack in a real browser: the sidebar's button gives a PDF for a viewer
(with the timeline's filters when clicked there) and for staff, and a chart's PNG;
nothing leaves loopback (checked by the `page` fixture)."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page

from tests.e2e.harness import app_ready, no_exception, sign_in

pytestmark = pytest.mark.e2e


def pdf_pages(path: str) -> list[str]:
    from pypdf import PdfReader

    with open(path, "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in reader.pages]


def test_a_viewer_downloads_the_pack_from_the_timeline(
    page: Page, server: dict[str, object]
) -> None:
    page.goto(str(server["url"]) + "/timeline?ws=Parcours+noir")
    app_ready(page)
    no_exception(page)
    button = page.locator('[data-testid="stSidebar"]').get_by_role(
        "button", name="Dossier du comité (PDF)"
    )
    with page.expect_download(timeout=120_000) as download:
        button.click()
    assert download.value.suggested_filename == "comite-2020-04-15-partenaires.pdf"
    pages = pdf_pages(download.value.path())
    assert len(pages) >= 8
    assert "Version partenaires" in pages[0]
    for n, text in enumerate(pages, start=1):
        assert f"Comité du 15 avril 2020 · page {n} / {len(pages)}" in text
    assert any("Filtres : Axe = Parcours noir" in text for text in pages)
    assert "Filtres" not in pages[0]
    no_exception(page)


def test_staff_download_the_pack_and_a_chart(page: Page, server: dict[str, object]) -> None:
    page.goto(str(server["url"]) + "/")
    app_ready(page)
    sign_in(page)
    with page.expect_download(timeout=120_000) as download:
        page.locator('[data-testid="stSidebar"]').get_by_role(
            "button", name="Dossier du comité (PDF)"
        ).click()
    assert download.value.suggested_filename == "comite-2020-04-15-interne.pdf"
    pages = pdf_pages(download.value.path())
    assert "Version équipe" in pages[0]
    assert all("CONFIDENTIEL – usage interne" in text for text in pages)
    with page.expect_download(timeout=60_000) as image:
        page.get_by_role("button", name="Image (PNG)").first.click()
    assert image.value.suggested_filename == "avancement-par-axe-2020-04-15.png"
    with open(image.value.path(), "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    no_exception(page)
