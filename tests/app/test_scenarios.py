"""Saved scenarios on the scoring page through AppTest: staff save the weights under
a name, find it listed, open it (the page set as its link would: weights, the
"not the official weights" notice with the official winner), delete it; bad names
refused in French and English; a viewer gets none of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import sent, sign_in, start, texts

ORIGINALITY = "scoring_w:projets-culinaires:originalite"
NOTICE_FR = "Scénario : ces pondérations ne sont pas les pondérations officielles du comité"
OFFICIAL_FR = "Avec les pondérations officielles, Route de la frite arrive en tête (88,33 points)."


def button(at: AppTest, key: str) -> Any:
    return next(b for b in at.button if b.key == key)


def listed(at: AppTest) -> pd.DataFrame | None:
    for frame in at.dataframe:
        value = frame.value
        if "Scénario" in value.columns or "Scenario" in value.columns:
            return value
    return None


def staff(lang: str = "fr") -> AppTest:
    at = sign_in(start(lang, page="scoring"))
    assert not at.exception, [e.value for e in at.exception]
    return at


def save(at: AppTest, name: str, by: str = "Claire") -> AppTest:
    at.text_input(key="sc_name").input(name)
    at.text_input(key="sc_by").input(by)
    button(at, "sc_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_staff_save_list_open_and_delete_a_scenario(demo_dir: Path) -> None:
    at = staff()
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    at.radio(key="scoring_agg").set_value("median").run()
    at.number_input(key="scoring_short_top").set_value(4).run()
    at = save(at, "Originalité d'abord")
    assert "Scénario « Originalité d'abord » enregistré." in [s.value for s in at.success]
    table = listed(at)
    assert table is not None
    assert list(table["Scénario"]) == ["Originalité d'abord"]
    assert list(table["Par"]) == ["Claire"]
    assert "Originalité 40" in table["Pondérations"].iloc[0]
    assert at.text_input(key="sc_name").value == ""  # ready for the next one

    # back to the official weights and the mean: no notice, the official result
    button(at, "scoring_reset").click().run()
    at.radio(key="scoring_agg").set_value("mean").run()
    at.number_input(key="scoring_short_top").set_value(3).run()
    assert at.slider(key=ORIGINALITY).value == 10.0
    assert NOTICE_FR not in texts(at)

    # opened: the weights as saved, and the page says plainly it is not the official result
    at.selectbox(key="sc_which").set_value("Originalité d'abord").run()
    button(at, "sc_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key=ORIGINALITY).value == 40.0
    assert at.radio(key="scoring_agg").value == "median"  # as it was looked at
    assert at.number_input(key="scoring_short_top").value == 4
    notice = next(w.value for w in at.warning if NOTICE_FR in w.value)
    # the official result under the jurors' median, as the scenario is looked at
    assert (
        "Avec les pondérations officielles, Pain noir au charbon végétal arrive en tête" in notice
    )
    assert any(
        "Scénario enregistré ouvert : « Originalité d'abord » (par Claire" in c.value
        for c in at.caption
    )
    assert "En tête dans ce scénario" in [c.value for c in at.caption]
    assert not [s for s in at.success if "Résultat net" in s.value]

    # another staff session sees it listed; deleting it takes it away
    other = staff()
    assert listed(other) is not None
    other.selectbox(key="sc_which").set_value("Originalité d'abord").run()
    button(other, "sc_delete").click().run()
    assert "Scénario « Originalité d'abord » supprimé." in [s.value for s in other.success]
    assert listed(other) is None
    assert "Aucun scénario enregistré pour cette évaluation." in texts(other)


def test_bad_names_are_refused_with_a_clear_message(demo_dir: Path) -> None:
    at = staff()
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    at = save(at, "   ")
    assert "Donnez un nom au scénario." in [e.value for e in at.error]
    at = save(at, "Officiel", by="")
    assert "Indiquez votre nom : chaque scénario dit qui l'a enregistré." in [
        e.value for e in at.error
    ]
    at = save(at, "**Gras** [lien](http://x.y)")
    at = save(at, "**GRAS** [lien](http://x.y)")
    taken = next(e for e in at.error if "déjà" in e.value)
    # the name typed is shown as typed, never as markup
    assert "\\*\\*GRAS\\*\\* \\[lien\\]" in taken.value
    button(at, "scoring_reset").click().run()
    at = save(at, "Officiel")
    assert "Ce sont les pondérations officielles : ce n'est pas un scénario." in at.error[0].value
    table = listed(at)
    assert table is not None and list(table["Scénario"]) == ["**Gras** [lien](http://x.y)"]

    english = staff("en")
    english.slider(key=ORIGINALITY).set_value(40.0).run()
    english = save(english, " ")
    assert "Give the scenario a name." in [e.value for e in english.error]
    # the field takes no more than a name may hold (80 characters: longer is refused)
    assert english.text_input(key="sc_name").proto.max_chars == 80  # type: ignore[attr-defined]


def test_a_viewer_gets_no_saved_scenario_but_a_link_still_says_scenario(demo_dir: Path) -> None:
    at = staff()
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    save(at, "Piste interne confidentielle")

    viewer = start("fr", page="scoring")
    assert not viewer.exception
    assert "sc_name" not in [w.key for w in viewer.text_input]
    assert not [b for b in viewer.button if b.key in ("sc_save", "sc_open", "sc_delete")]
    assert "Piste interne confidentielle" not in sent(viewer)
    assert "Scénarios enregistrés" not in sent(viewer)

    # a shared link with the scenario's weights still shows as a scenario
    link = start(
        "fr",
        page="scoring",
        eval="projets-culinaires",
        w="noir:30,valeurs:25,local:20,faisabilite:15,originalite:40",
    )
    notice = next(w.value for w in link.warning if NOTICE_FR in w.value)
    assert OFFICIAL_FR in notice


@pytest.mark.folder_only(reason="a file edited by hand is a data folder's matter")
def test_a_damaged_scenarios_file_is_named_and_never_written_over(demo_dir: Path) -> None:
    damaged = demo_dir / ".documents" / "scenarios.json"
    damaged.parent.mkdir()
    damaged.write_text('{"scenarios": [{"name": "edited by hand"}]}', encoding="utf-8")
    at = staff()
    assert "Les scénarios enregistrés ne peuvent pas être lus" in texts(at)
    at.slider(key=ORIGINALITY).set_value(40.0).run()
    at = save(at, "Originalité d'abord")
    assert any("ne peuvent pas être lus" in e.value for e in at.error)
    assert damaged.read_text(encoding="utf-8") == '{"scenarios": [{"name": "edited by hand"}]}'
