"""Recording in the meeting through AppTest: staff record a decision and an action,
change and close one; each save is a version of the actions with who made it; a
viewer's open session sees them on its next rerun; a bad save changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document
from streamlit.testing.v1 import AppTest

from tests.app.support import committed, logged, sign_in, start, texts
from tests.app.test_pack import deferred, download, pdf_text


def save_button(at: AppTest, form: str) -> Any:
    return next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:{form}"))


def staff_on_actions() -> AppTest:
    at = sign_in(start("fr", page="actions"))
    assert not at.exception, [e.value for e in at.exception]
    return at


def record(at: AppTest, kind: str, text: str, owner: str = "", task: str = "") -> AppTest:
    at.radio(key="rec_kind").set_value(kind)
    at.text_area(key="rec_text").input(text)
    if owner:
        at.text_input(key="rec_owner").input(owner)
    if task:
        at.selectbox(key="rec_task").set_value(task)
    save_button(at, "rec_new").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_staff_record_a_decision_and_an_action_a_viewer_sees_them(demo_dir: Path) -> None:
    viewer = start("fr", page="actions")
    assert "Six projets présélectionnés" not in texts(viewer)
    before = committed("actions")

    at = staff_on_actions()
    at.text_input(key="rec_by").input("Claire").run()
    at = record(at, "decision", "Six projets présélectionnés")
    assert "A33 enregistrée : version 5 des décisions et actions (par Claire)" in texts(at)
    at = record(at, "action", "Relancer l'Office de tourisme de Douai", "OT Douai", "T17")
    assert "A34 enregistrée : version 6" in texts(at)

    after = committed("actions")
    assert after.startswith(before)  # the recorded rows kept, the new ones after them
    assert "A33,2020-04-15,decision,Six projets présélectionnés,,,done,," in after
    assert (
        "A34,2020-04-15,action,Relancer l'Office de tourisme de Douai,OT Douai,,open,T17," in after
    )
    entries = [(e["dataset"], e["version"], e["by"], e["source"]) for e in logged()][-2:]
    assert entries == [
        ("actions", 5, "Claire", "saisie-en-seance"),
        ("actions", 6, "Claire", "saisie-en-seance"),
    ]
    # the viewer's session, open all along, sees them on its next rerun
    viewer.run()
    assert not viewer.exception
    body = texts(viewer)
    assert "Six projets présélectionnés" in body
    table = viewer.dataframe[0].value
    assert "Relancer l'Office de tourisme de Douai" in set(table.iloc[:, 0])


def test_staff_change_and_close_an_action(demo_dir: Path) -> None:
    at = staff_on_actions()
    at.text_input(key="rec_by").input("Bertrand").run()
    at.selectbox(key="rec_which").set_value("A24").run()
    at.text_input(key="rec_e_owner_A24").input("Parc d'Olhain – RH")
    at.selectbox(key="rec_e_status_A24").set_value("done")
    save_button(at, "rec_edit_A24").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "A24 enregistrée" in texts(at)
    row = next(line for line in committed("actions").splitlines() if line.startswith("A24,"))
    assert ",Parc d'Olhain – RH,2020-04-10,done," in row
    assert logged()[-1]["by"] == "Bertrand"


def test_a_save_without_a_name_or_text_changes_nothing(demo_dir: Path) -> None:
    at = staff_on_actions()
    before = committed("actions")
    at = record(at, "action", "Sans nom")
    assert "Indiquez votre nom" in texts(at)
    at.text_input(key="rec_by").input("Claire").run()
    at = record(at, "action", "   ")  # the text is required by the contract
    assert "Enregistrement refusé : rien n'a changé." in texts(at)
    assert "ligne 34" in texts(at)  # the problem, as an upload names it
    assert committed("actions") == before


def test_a_viewer_has_no_recording(demo_dir: Path) -> None:
    at = start("fr", page="actions")
    assert not at.exception
    assert not [e for e in at.expander if "Saisie en séance" in str(e.label)]
    assert "rec_by" not in [w.key for w in at.text_input]


def test_the_minutes_hold_what_was_just_recorded(demo_dir: Path) -> None:
    at = staff_on_actions()
    at.text_input(key="rec_by").input("Claire").run()
    at = record(at, "decision", "Six projets présélectionnés")
    at = record(at, "action", "Relancer l'Office de tourisme de Douai", "OT Douai")
    found = {b.key: b for b in at.get("download_button")}
    # both files' callables taken before either is made (see `deferred`)
    make_pdf, make_word = deferred(found["minutes_pdf"]), deferred(found["minutes_docx"])
    name, pdf = make_pdf()
    assert name == "compte-rendu-2020-04-15.pdf"
    text = " ".join(pdf_text(pdf))
    assert "A33 – Six projets présélectionnés" in text
    assert "A34 – Relancer l'Office de tourisme de Douai" in text
    name, word = make_word()
    assert name == "compte-rendu-2020-04-15.docx"
    document = Document(io.BytesIO(word))
    paragraphs = " ".join(p.text for p in document.paragraphs)
    assert "A34 – Relancer l'Office de tourisme de Douai · responsable : OT Douai" in paragraphs


def test_a_viewer_downloads_the_minutes_too(demo_dir: Path) -> None:
    at = start("en", page="actions")
    found = {b.key: b for b in at.get("download_button")}
    name, word = download(found["minutes_docx"])
    assert name == "minutes-2020-04-15.docx"
    text = " ".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    assert "Minutes of the steering committee of 15 April 2020" in text


# --- figures that open onto their items ---------------------------------------------------


def links(at: AppTest) -> dict[str, dict[str, str]]:
    """Each page link: its page and query (parsed)."""
    from urllib.parse import parse_qsl

    out = {}
    for element in at.get("page_link"):
        proto = element.proto  # type: ignore[attr-defined]
        out.setdefault(proto.page.rsplit("/", 1)[-1], [])
        out[proto.page.rsplit("/", 1)[-1]].append(dict(parse_qsl(proto.query_string)))
    return out  # type: ignore[return-value]


def test_the_headline_figures_open_the_lists_of_their_items(demo_dir: Path) -> None:
    at = start("fr")
    assert not at.exception
    found = links(at)
    assert {"state": "late", "lang": "fr", "date": "2020-04-15"} in found["timeline"]
    assert {"state": "open,overdue", "lang": "fr", "date": "2020-04-15"} in found["actions"]
    figures = {m.label: m.value for m in at.metric}
    assert figures["Tâches en retard"] == "3" and figures["Actions ouvertes"] == "10"

    # the late tasks' list: the same three tasks
    late = start("fr", page="timeline", state="late", date="2020-04-15")
    assert late.multiselect(key="tl_state").value == ["late"]
    watch = late.dataframe[0].value
    assert len(watch) == 3 and set(watch["État"]) == {"En retard"}
    # the open actions' list: the log opened, filtered, the same ten
    opened = start("fr", page="actions", state="open,overdue", date="2020-04-15")
    assert [e for e in opened.expander if e.proto.expanded]  # type: ignore[attr-defined]
    assert len(opened.dataframe[-1].value) == 10


# --- the past as it was -------------------------------------------------------------------


def test_a_past_date_shows_its_versions_and_the_pack_is_that_of_then(demo_dir: Path) -> None:
    at = start("fr", date="2020-03-15")
    assert not at.exception, [e.value for e in at.exception]
    line = next(w.value for w in at.warning if "telles qu'enregistrées" in w.value)
    assert "Tâches (planning) version 2 du 24 février 2020" in line
    button = next(b for b in at.get("download_button") if b.key == "pack_pdf")
    _, pdf = download(button)
    cover = pdf_text(pdf)[0]
    assert "version 2" in cover and "24 février 2020" in cover and "version 4" not in cover
    # back at the data's own date: the current files, no line
    now = start("fr", date="2020-04-15")
    assert not any("telles qu'enregistrées" in w.value for w in now.warning)
