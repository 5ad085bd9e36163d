"""The minutes of a committee from the demo's history: decisions, actions opened,
actions changed or closed at it, the figures at its date; as PDF and as .docx read
back, in both languages."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from dashboard.pack import minutes
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import attendees, recording
from dashboard.views.reader import database_reader
from tests.conftest import DEMO, copy_demo

MARCH = date(2020, 3, 24)


def build(store: Store, day: date, lang: str, live: bool = False) -> minutes.Minutes:
    con = db.open_database(store.current_files())
    try:
        return minutes.build(store, database_reader(con, "viewer"), day, lang, live)
    finally:
        con.close()


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages).replace("\u00a0", " "))


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(parts).replace("\u00a0", " ").replace("\u202f", " "))


def test_the_march_committee_from_the_history() -> None:
    found = build(Store(DEMO), MARCH, "fr")
    assert [i.action_id for i in found.decisions] == ["A20", "A21", "A22", "A26"]
    assert [i.action_id for i in found.opened] == ["A23", "A24", "A25"]
    changed = {i.action_id: i.changes for i in found.changed}
    # the Métaphone, booked since February's committee, closed at March's
    assert changed["A17"] == ("Statut : ouvert → fait",)
    assert "A15" not in changed  # still open, nothing changed
    labels = dict(found.figures)
    assert labels["Mois noir"].startswith("J-")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_and_word_say_the_same(lang: str) -> None:
    found = build(Store(DEMO), MARCH, lang)
    pdf, word = pdf_text(minutes.to_pdf(found)), docx_text(minutes.to_docx(found))
    title = (
        "Compte rendu du comité de pilotage du 24 mars 2020"
        if lang == "fr"
        else "Minutes of the steering committee of 24 March 2020"
    )
    # the texts in the minutes' language (actions.text_en in English)
    said = {
        "fr": (
            "A20 – Annuler les dégustations tests au Louvre-Lens",
            "A24 – Mener les entretiens de recrutement",
            "A17 – Réserver le Métaphone",
        ),
        "en": (
            "A20 – Cancel the test tastings at the Louvre-Lens",
            "A24 – Hold the Olhain team's job interviews",
            "A17 – Book the Métaphone",
        ),
    }[lang]
    for text in (pdf, word):
        assert title in text
        for line in said:
            assert line in text, line
        if lang == "en":
            assert "Annuler les dégustations" not in text
    assert minutes.file_name(found, "docx") == (
        "compte-rendu-2020-03-24.docx" if lang == "fr" else "minutes-2020-03-24.docx"
    )


def test_what_is_recorded_in_the_meeting_is_in_its_minutes(tmp_path: Path) -> None:
    store = Store(copy_demo(tmp_path / "data"))
    day = date(2020, 4, 15)
    _, data = recording.apply(
        store.read_current("actions"),
        recording.Entry("decision", "Six projets présélectionnés", day, status="done"),
    )
    recording.save(store, data, by="Claire")
    _, data = recording.apply(
        store.read_current("actions"), recording.Entry("action", "Relancer Douai", day)
    )
    recording.save(store, recording.close(data, "A28"), by="Claire")
    assert "A33" not in [i.action_id for i in build(store, day, "fr").decisions]  # as of that day
    found = build(store, day, "fr", live=True)  # the meeting in progress
    assert "A33" in [i.action_id for i in found.decisions]
    assert "A34" in [i.action_id for i in found.opened]
    text = docx_text(minutes.to_docx(found))
    assert "A33 – Six projets présélectionnés" in text and "A34 – Relancer Douai" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_attendees_recorded_are_in_the_minutes(tmp_path: Path, lang: str) -> None:
    store = Store(copy_demo(tmp_path / "data"))
    people = attendees.parse(
        "Claire Martin, Pas-de-Calais Tourisme\nAiko Tanaka, Office de tourisme de Kyoto\n"
        "**Jean** <b>Dupont</b>, Mission Louvre-Lens Tourisme"
    )
    attendees.record(store, MARCH, people, "Bertrand")
    con = db.open_database(store.current_files())
    try:
        read = database_reader(con, "staff")
        staff = minutes.build(store, read, MARCH, lang, names=True)
        viewer = minutes.build(store, read, MARCH, lang)  # names off by default
        other = minutes.build(store, read, date(2020, 2, 25), lang, names=True)
    finally:
        con.close()
    heading = "Participants (3)" if lang == "fr" else "Attendees (3)"
    organisations = (
        "Organisations représentées (3 participants)"
        if lang == "fr"
        else "Organisations represented (3 attendees)"
    )
    for text in (pdf_text(minutes.to_pdf(staff)), docx_text(minutes.to_docx(staff))):
        assert heading in text
        assert "Claire Martin (Pas-de-Calais Tourisme)" in text
        assert "Aiko Tanaka (Office de tourisme de Kyoto)" in text
        # typed markup is printed as typed
        assert "**Jean** <b>Dupont</b> (Mission Louvre-Lens Tourisme)" in text
        # before the figures, as a compte rendu opens
        assert text.index(heading) < text.index(
            "La mission à la date du comité" if lang == "fr" else "The mission at the committee"
        )
    for text in (pdf_text(minutes.to_pdf(viewer)), docx_text(minutes.to_docx(viewer))):
        assert organisations in text and "Office de tourisme de Kyoto" in text
        assert "Claire Martin" not in text and "Aiko" not in text
    # another committee's minutes: no attendees recorded, no such section
    for text in (pdf_text(minutes.to_pdf(other)), docx_text(minutes.to_docx(other))):
        assert heading not in text and "Claire Martin" not in text
