"""The shell and the overview page through Streamlit's AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.ingest import uploads
from dashboard.store import open_store
from tests.app.support import metrics, sign_in, start, texts

FR_FIGURES = {
    "Mois noir": "J-43",
    "Tâches en retard": "3",
    "Actions ouvertes": "10",
    "Partenaires engagés": "41 / 82",
}
EN_FIGURES = {
    "Black Month": "D-43",
    "Late tasks": "3",
    "Open actions": "10",
    "Partners engaged": "41 / 82",
}


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize(
    ("lang", "title", "caption", "figures"),
    [
        ("fr", "La mission en un coup d'œil", "Situation au 15 avril 2020", FR_FIGURES),
        ("en", "The mission at a glance", "Situation on 15 April 2020", EN_FIGURES),
    ],
)
def test_overview_in_both_roles_and_languages(
    demo_dir: Path, role: str, lang: str, title: str, caption: str, figures: dict[str, str]
) -> None:
    at = start(lang)
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert caption in [c.value for c in at.caption]
    got = metrics(at)
    for label, value in figures.items():
        assert got[label] == value
    # one chart of progress by workstream, with the four workstreams
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    assert "Parcours noir" in charts[0].proto.spec or "Parcours noir" in str(charts[0].proto)
    banner = "lecture seule" if lang == "fr" else "read-only"
    assert (banner in texts(at)) == (role == "viewer")
    assert at.query_params["lang"] == [lang] or at.query_params["lang"] == lang


def test_sites_cards_show_state(demo_dir: Path) -> None:
    at = start()
    body = texts(at)
    assert "Restaurant du Parc départemental d'Olhain" in body.replace("\\", "")
    assert "🔴 En retard" in body  # Olhain's menu is late on 15 April 2020
    assert "Prochain jalon" in body


def test_situation_date_from_url_changes_the_figures(demo_dir: Path) -> None:
    at = start(date="2020-06-10")
    assert "Situation au 10 juin 2020" in [c.value for c in at.caption]
    assert metrics(at)["Mois noir"] == "En cours"
    assert int(metrics(at)["Tâches en retard"]) > 3


def test_situation_date_widget_goes_to_url(demo_dir: Path) -> None:
    from datetime import date

    at = start()
    at.date_input(key="situation").set_value(date(2020, 7, 15)).run()
    assert at.query_params["date"] in (["2020-07-15"], "2020-07-15")
    assert metrics(at)["Mois noir"] == "Terminé"


def test_language_switch_goes_to_url(demo_dir: Path) -> None:
    at = start()
    assert at.title[0].value == "La mission en un coup d'œil"
    control = at.get("button_group")[0]
    control.set_value("en").run()
    assert at.title[0].value == "The mission at a glance"
    assert at.query_params["lang"] in (["en"], "en")


def test_wrong_password_is_refused(demo_dir: Path) -> None:
    at = sign_in(start(), "not-the-password")
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert "Connecté·e (équipe)" not in [s.value for s in at.success]


def test_sign_in_and_out(demo_dir: Path) -> None:
    at = sign_in(start())
    assert "Connecté·e (équipe)" in [s.value for s in at.success]
    at = next(b for b in at.button if b.label == "Se déconnecter").click().run()
    assert "Connecté·e (équipe)" not in [s.value for s in at.success]


def test_no_sign_in_without_configured_password(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASHBOARD_STAFF_PASSWORD")
    at = start()
    assert not at.exception
    assert all(t.key != "password" for t in at.text_input)


def test_empty_folder_is_an_empty_dashboard(empty_dir: Path) -> None:
    at = start()
    assert not at.exception, [e.value for e in at.exception]
    assert "Aucune donnée pour l'instant" in texts(at)


def test_a_commit_is_seen_on_the_next_run(demo_dir: Path) -> None:
    at = start()
    assert metrics(at)["Actions ouvertes"] == "10"
    store = open_store()  # the app's: the data folder, or the database
    actions = (demo_dir / "actions.csv").read_text(encoding="utf-8")
    extra = "A99,2020-04-15,action,Nouvelle action,Comité,2020-04-30,open,,\n"
    upload = uploads.check_upload(store, "actions", (actions + extra).encode(), "actions.csv")
    assert upload.ok, [p.message() for p in upload.errors]
    assert uploads.commit_upload(store, upload, by="test") is not None
    at.run()
    assert metrics(at)["Actions ouvertes"] == "11"
