"""The committee pack's button in the sidebar and the chart images, through AppTest.

A deferred download runs when someone clicks, outside the page's run: here the
file is made by calling the very callable the page registered, as the server does.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.app.support import sign_in, start

LABELS = {"fr": "Dossier du comité (PDF)", "en": "Committee pack (PDF)"}
PNG = {"fr": "Image (PNG)", "en": "Image (PNG)"}


def buttons(at: AppTest, label: str, sidebar: bool = False) -> list:  # type: ignore[type-arg]
    where = at.sidebar if sidebar else at
    return [b for b in where.get("download_button") if b.proto.label == label]


def deferred(button: object) -> Callable[[], tuple[str, bytes]]:
    """A deferred download as the run registered it: calling it runs its callable, as
    the server does on a click. Take every button's before making any file: the
    registry drops the callables of runs it takes as finished, a thread's cleanup
    may come while a large file is being made."""
    file_id = button.proto.deferred_file_id  # type: ignore[attr-defined]
    for manager in gc.get_objects():
        if isinstance(manager, MediaFileManager) and file_id in manager._deferred_callables:
            entry = manager._deferred_callables[file_id]

            def make(entry: Any = entry) -> tuple[str, bytes]:
                data = entry["callable"]()
                assert isinstance(data, bytes)
                return str(entry["filename"]), data

            return make
    raise AssertionError("the download's callable is not registered")


def download(button: object) -> tuple[str, bytes]:
    """Run a deferred download's callable, as the server does on a click."""
    return deferred(button)()


def pdf_text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", p.extract_text().replace("\u00a0", " ")) for p in reader.pages]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize("page", ["overview", "actions"])
def test_the_button_is_in_the_sidebar(demo_dir: Path, page: str, role: str, lang: str) -> None:
    at = start(lang, page=page)
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    found = buttons(at, LABELS[lang], sidebar=True)
    assert len(found) == 1
    assert found[0].proto.icon == "📄"
    assert found[0].proto.deferred_file_id  # drawn on click, not on every run


def test_a_viewer_pack_from_the_timeline_takes_its_filters(demo_dir: Path) -> None:
    at = start("en", page="timeline", ws="Parcours noir", base="0")
    assert not at.exception
    name, data = download(buttons(at, LABELS["en"], sidebar=True)[0])
    assert name == "comite-2020-04-15-partenaires.pdf"
    assert data.startswith(b"%PDF")
    pages = pdf_text(data)
    assert "Partner edition" in pages[0]
    for n, text in enumerate(pages, start=1):
        assert f"Committee of 15 April 2020 · page {n} / {len(pages)}" in text
    gantt = [text for text in pages if "Filters: Workstream = Parcours noir · no baseline" in text]
    assert 1 <= len(gantt) < len(pages)  # on the Gantt's pages, not the whole mission's
    body = " ".join(pages)
    assert "choix-agence" not in body and "Maison Design Culinaire" not in body  # a bidder


def test_a_filter_just_changed_on_the_timeline_is_in_the_pack(demo_dir: Path) -> None:
    at = start("fr", page="timeline")
    at.multiselect(key="tl_state").set_value(["late", "at_risk"]).run()
    assert not at.exception
    _, data = download(buttons(at, LABELS["fr"], sidebar=True)[0])
    pages = pdf_text(data)
    assert any("Filtres : État = En retard, À risque" in text for text in pages)
    assert "Filtres" not in pages[0]  # the cover is the whole mission


def test_a_staff_pack_elsewhere_has_no_timeline_filter(demo_dir: Path) -> None:
    # the actions page's own `owner` and `state` are not the timeline's
    at = sign_in(start("fr", page="actions", owner="Agence", state="overdue"))
    assert not at.exception
    name, data = download(buttons(at, LABELS["fr"], sidebar=True)[0])
    assert name == "comite-2020-04-15-interne.pdf"
    pages = pdf_text(data)
    assert "Version équipe" in pages[0]
    assert any("Filtres : aucun (toute la mission)" in text for text in pages)
    assert all("CONFIDENTIEL – usage interne" in text for text in pages)
    assert "choix-agence" in " ".join(pages)  # staff see the confidential evaluation


@pytest.mark.parametrize(
    ("page", "params", "count"),
    [
        ("overview", {}, 1),
        ("stakeholders", {}, 3),
        ("sites", {"view": "side"}, 1),
        ("sites", {"site": "olhain"}, 4),  # three indicators and the budget by task
    ],
)
def test_a_png_under_each_chart(
    demo_dir: Path, page: str, params: dict[str, str], count: int
) -> None:
    at = start("fr", page=page, **params)
    assert not at.exception, [e.value for e in at.exception]
    found = buttons(at, PNG["fr"])
    if page == "stakeholders":  # its charts sit in tabs that run only when open
        labels = [tab.label for tab in at.tabs]
        per_tab = []
        for label in labels:
            at.session_state["stk_tab"] = label
            per_tab.append(len(buttons(at.run(), PNG["fr"])))
        assert sum(per_tab) == count
        at.session_state["stk_tab"] = labels[per_tab.index(max(per_tab))]
        found = buttons(at.run(), PNG["fr"])
    else:
        assert len(found) == count
    name, data = download(found[0])
    assert name.endswith("-2020-04-15.png")
    assert data.startswith(b"\x89PNG")
