"""Attendees of a committee through AppTest: staff record them on the actions page,
the committee's minutes (PDF and Word) list them; a bad line is refused and saves
nothing; a viewer records nothing and reads the organisations present only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from streamlit.testing.v1 import AppTest

from tests.app.support import sign_in, start, texts
from tests.app.test_pack import deferred, download, pdf_text

PEOPLE = (
    "Claire Martin, Pas-de-Calais Tourisme\n"
    "Jean Dupont ; Mission Louvre-Lens Tourisme\n"
    "Aiko Tanaka, Office de tourisme de Kyoto"
)


def field(at: AppTest) -> Any:
    return next(a for a in at.text_area if str(a.key).startswith("att_text_2020-04-15_"))


def record(at: AppTest, text: str, by: str = "Claire") -> AppTest:
    field(at).input(text)
    at.text_input(key="att_by").input(by)
    next(b for b in at.button if b.key == "att_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def word_text(data: bytes) -> str:
    return " ".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_staff_record_the_attendees_and_the_minutes_list_them(demo_dir: Path) -> None:
    at = sign_in(start("fr", page="actions"))
    assert not at.exception, [e.value for e in at.exception]
    at = record(at, PEOPLE)
    assert "Participants au comité du 15 avril 2020 enregistrés : 3." in [
        s.value for s in at.success
    ]
    assert "3 participant(s) enregistré(s) par Claire." in texts(at)
    found = {b.key: b for b in at.get("download_button")}
    make_pdf, make_docx = deferred(found["minutes_pdf"]), deferred(found["minutes_docx"])
    _, pdf = make_pdf()
    text = " ".join(pdf_text(pdf))
    assert "Participants (3)" in text
    assert "Claire Martin (Pas-de-Calais Tourisme)" in text
    assert "Jean Dupont (Mission Louvre-Lens Tourisme)" in text
    _, word = make_docx()
    assert "Aiko Tanaka (Office de tourisme de Kyoto)" in word_text(word)

    # a new session of staff finds the list to edit, as recorded
    again = sign_in(start("fr", page="actions"))
    assert field(again).value == PEOPLE.replace(" ; ", ", ")

    # a viewer records nothing and reads the organisations present, not the people
    viewer = start("en", page="actions")
    assert not [a for a in viewer.text_area if str(a.key).startswith("att_")]
    assert not [b for b in viewer.button if b.key == "att_save"]
    buttons = {b.key: b for b in viewer.get("download_button")}
    _, word = download(buttons["minutes_docx"])
    text = word_text(word)
    assert "Organisations represented (3 attendees)" in text
    assert "Office de tourisme de Kyoto" in text and "Claire Martin" not in text


def test_a_bad_line_is_refused_and_saves_nothing(demo_dir: Path) -> None:
    at = sign_in(start("en", page="actions"))
    at = record(at, "Claire Martin, Pas-de-Calais Tourisme\n" + "x" * 201)
    assert "Line 2: over 200 characters." in [e.value for e in at.error]
    at = record(at, "Claire Martin, Pas-de-Calais Tourisme", by=" ")
    assert "Give your name: each list says who saved it." in [e.value for e in at.error]
    assert "No attendees recorded for this committee." in texts(at)
    found = {b.key: b for b in at.get("download_button")}
    _, word = download(found["minutes_docx"])
    assert "Claire Martin" not in word_text(word)
