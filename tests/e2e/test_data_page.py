"""The data page in a real browser: staff upload a French Excel export through the
file widget, commit it, and the overview shows the new figures; a PDF gets its
message; a viewer asking for /data gets nothing of the page."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.app.test_data_page import french_excel
from tests.conftest import copy_demo
from tests.e2e.harness import (
    app_ready,
    committed,
    no_exception,
    settle,
    sign_in,
    start_app,
    stop,
)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """A server of its own: these tests commit, the shared one must keep the demo."""
    tmp = tmp_path_factory.mktemp("data-page")
    data = copy_demo(tmp / "data")
    process, url = start_app(data, tmp / "app.log")
    try:
        yield {"url": url, "data": data, "tmp": tmp}
    finally:
        stop(process)


def metric(page: Page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def open_data_page(page: Page) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Données").first.click()
    expect(page.get_by_text("Fichier CSV ou classeur .xlsx")).to_be_visible(timeout=30_000)
    settle(page)


def choose_file(page: Page, path: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))


def test_staff_upload_commit_and_the_overview_changes(
    page: Page, own_server: dict[str, object]
) -> None:
    url, data, tmp = (
        str(own_server["url"]),
        Path(str(own_server["data"])),
        Path(str(own_server["tmp"])),
    )
    tasks = pd.read_csv(data / "tasks.csv", dtype=str, keep_default_na=False)
    # T14 is one of the three tasks late on 15 April 2020: the export says it is done
    tasks.loc[tasks["task_id"] == "T14", ["progress", "status"]] = ["100", "done"]
    export = tmp / "planning-comite-2020-04-15.csv"
    export.write_bytes(french_excel("tasks", tasks))

    page.goto(url + "/")
    app_ready(page)
    assert metric(page, "Tâches en retard") == "3"
    sign_in(page)
    open_data_page(page)
    choose_file(page, export)
    expect(
        page.get_by_text("Fichier valide : 41 lignes prêtes à être enregistrées.")
    ).to_be_visible(timeout=60_000)
    expect(page.get_by_text("encodage Windows-1252 · séparateur point-virgule")).to_be_visible()
    settle(page)
    assert metric(page, "Lignes modifiées") == "1"
    before = pd.read_csv(io.BytesIO(committed(data, "tasks")), dtype=str, keep_default_na=False)
    assert before.set_index("task_id").loc["T14", "progress"] == "45"  # not written yet
    name = page.get_by_role("textbox", name="Votre nom (inscrit dans le journal)")
    name.fill("Claire Dubois")
    name.press("Enter")
    settle(page)
    page.get_by_role("button", name="Enregistrer : Tâches (planning)").click()
    expect(page.get_by_text("version 5 enregistrée (41 lignes, par Claire Dubois)")).to_be_visible(
        timeout=60_000
    )
    no_exception(page)
    current = pd.read_csv(io.BytesIO(committed(data, "tasks")), dtype=str, keep_default_na=False)
    assert current.set_index("task_id").loc["T14", "status"] == "done"

    page.locator('[data-testid="stSidebarNavLink"]', has_text="Vue d'ensemble").first.click()
    expect(page.get_by_text("La mission en un coup d'œil")).to_be_visible(timeout=30_000)
    settle(page)
    assert metric(page, "Tâches en retard") == "2"
    no_exception(page)


def test_a_pdf_is_answered_with_a_message(page: Page, own_server: dict[str, object]) -> None:
    url, tmp = str(own_server["url"]), Path(str(own_server["tmp"]))
    pdf = tmp / "compte-rendu.pdf"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    page.goto(url + "/")
    app_ready(page)
    sign_in(page)
    open_data_page(page)
    choose_file(page, pdf)
    expect(page.get_by_text("ce fichier est un PDF, pas un CSV")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Rien n'a été enregistré.")).to_be_visible()
    no_exception(page)


def test_a_viewer_asking_for_data_gets_nothing_of_it(
    page: Page, own_server: dict[str, object]
) -> None:
    page.goto(str(own_server["url"]) + "/data")
    app_ready(page)
    page.wait_for_timeout(1000)
    assert page.locator('input[type="file"]').count() == 0
    body = page.inner_text("body")
    for secret in ("Équipe projet ALL", "planning-comite", "Envoyer un fichier", "Historique"):
        assert secret not in body
    names = [
        page.locator('[data-testid="stSidebarNavLink"]').nth(i).inner_text()
        for i in range(page.locator('[data-testid="stSidebarNavLink"]').count())
    ]
    assert "Données" not in names
