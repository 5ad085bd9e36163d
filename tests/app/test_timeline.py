"""The timeline page through AppTest: filters, versions, both roles and languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import chart_text, sent_everything, sign_in, start, texts


def spec(at: AppTest) -> str:
    assert len(at.get("vega_lite_chart")) == 1
    return chart_text(at)


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize(
    ("lang", "title", "state"),
    [
        ("fr", "Planning de la mission", "En retard"),
        ("en", "Mission timeline", "Late"),
    ],
)
def test_timeline_draws_in_both_roles_and_languages(
    demo_dir: Path, role: str, lang: str, title: str, state: str
) -> None:
    at = start(lang, page="timeline")
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    drawn = spec(at)
    # an English reader reads the data's English task names (tasks.name_en)
    assert (
        "Prototypage des expériences culinaires"
        if lang == "fr"
        else "Prototyping the culinary experiences"
    ) in drawn
    assert state in drawn
    assert "15 avr. 2020" in drawn if lang == "fr" else "15 Apr 2020" in drawn
    table = at.dataframe[0].value
    first = table.iloc[0]
    # late tasks first, with days late at the situation date
    assert first.iloc[3] == state
    assert int(first.iloc[1]) > 0
    critical = "Chemin critique" if lang == "fr" else "Critical path"
    assert critical in texts(at) and "T40" in texts(at)


def test_filters_go_to_the_url_and_narrow_the_chart(demo_dir: Path) -> None:
    at = start(page="timeline")
    at.multiselect(key="tl_ws").set_value(["Parc d'Olhain"]).run()
    drawn = spec(at)
    assert "Ouverture du restaurant du Parc d'Olhain" in drawn
    assert "Prototypage des expériences culinaires" not in drawn
    assert at.query_params["ws"] in (["Parc d'Olhain"], "Parc d'Olhain")
    at.multiselect(key="tl_state").set_value(["late"]).run()
    table = at.dataframe[0].value
    assert set(table.iloc[:, 3]) == {"En retard"}
    assert len(table) == 2  # the menu and the producers of Olhain


def test_a_shared_link_reopens_the_view(demo_dir: Path) -> None:
    at = start(page="timeline", ws="Cité des Électriciens", zoom="month", vs="3", date="2020-05-01")
    assert at.multiselect(key="tl_ws").value == ["Cité des Électriciens"]
    assert at.radio(key="tl_zoom").value == "month"
    assert at.selectbox(key="tl_vs").value == 3
    assert "Situation au 1er mai 2020" in [c.value for c in at.caption]
    assert "Ce qui a changé depuis la version 3 du 23 mars 2020" in texts(at)


def test_earlier_version_shows_what_changed(demo_dir: Path) -> None:
    at = start(page="timeline")
    assert at.selectbox(key="tl_vs").value is None
    at.selectbox(key="tl_vs").set_value(3).run()  # the plan of 23 March
    assert not at.exception
    changes = at.dataframe[1].value
    rows = {r.iloc[0]: r for _, r in changes.iterrows()}
    opening = rows["T31 Ouverture du restaurant du Parc d'Olhain"]
    assert opening.iloc[1] == "modifiée" and opening.iloc[3] == 42  # moved 6 weeks
    added = rows["T18 Adaptation des expériences au confinement (formats à emporter, en ligne)"]
    assert added.iloc[1] == "ajoutée"
    assert "version 3 du 23 mars 2020" in texts(at)
    assert "2020-04-25" in spec(at)  # the opening as planned then, drawn as a ghost


def test_zoom_month_narrows_the_axis(demo_dir: Path) -> None:
    at = start(page="timeline")
    at.radio(key="tl_zoom").set_value("month").run()
    drawn = spec(at)
    assert "2020-03-15T00:00:00" in drawn and "2020-05-15T00:00:00" in drawn
    at.radio(key="tl_zoom").set_value("custom").run()
    at.date_input(key="tl_from").set_value(date(2020, 6, 1)).run()
    assert at.query_params["from"] in (["2020-06-01"], "2020-06-01")


def test_viewer_never_receives_the_upload_log_names(demo_dir: Path) -> None:
    at = start(page="timeline")
    at.selectbox(key="tl_vs").set_value(3).run()  # the plan of 23 March
    assert "Équipe projet ALL" not in sent_everything(at)
    assert "planning-comite" not in sent_everything(at)


def test_empty_folder(empty_dir: Path) -> None:
    at = start(page="timeline")
    assert not at.exception
    assert "Aucune donnée" in texts(at)
