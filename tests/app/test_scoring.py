"""The scoring page through AppTest: weights, evaluations, aggregation, the URL,
what a viewer receives and what staff see, in both languages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from tests.app.support import put, sent, sign_in, start, texts
from tests.app.test_pack import download

CULINARY_WEIGHT = "scoring_w:projets-culinaires:{}"
AGENCY_WEIGHT = "scoring_w:choix-agence:{}"

JURORS = ("Pas-de-Calais Tourisme", "Mission Bassin Minier")
AGENCIES = ("Atelier Gustatif Nord", "Studio Saveurs & Territoires")
PRICES = ("48500", "48 500", "48\u202f500", "48,500", "38900", "38 900", "4800", "4 800", "18500")
COMMENTS = (
    "Excellente compréhension du territoire",
    "Venue des partenaires japonais très incertaine",
    "La frite est attendue",
)


def everything(at: AppTest) -> str:
    """What the session sends, with every table's and chart's rows decoded."""
    parts = [sent(at)]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto  # type: ignore[attr-defined]
        parts.append(proto.spec)
        for dataset in proto.datasets:
            parts.append(convert_arrow_bytes_to_pandas_df(dataset.data.data).to_csv(index=False))
    return "\n".join(parts)


def ranking(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def first_names(at: AppTest, n: int = 3) -> list[str]:
    frame = ranking(at)
    column = "Projet" if "Projet" in frame.columns else "Project"
    return list(frame[column].head(n))


def plain(text: str) -> str:
    """Babel's no-break and narrow no-break spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def url(at: AppTest, key: str) -> str | None:
    value: Any = at.query_params.get(key)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def staff(lang: str = "fr", **params: str) -> AppTest:
    at = sign_in(start(lang, page="scoring", **params))
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- both roles, both languages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "title", "total", "first"),
    [
        ("fr", "Sélection et notation", "88,33", "En tête"),
        ("en", "Selection and scoring", "88.33", "First"),
    ],
)
@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_culinary_ranking_in_both_roles_and_languages(
    demo_dir: Path, role: str, lang: str, title: str, total: str, first: str
) -> None:
    at = start(lang, page="scoring")
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    # an English reader reads the data's English names (projects.name_en)
    assert first_names(at) == (
        ["Route de la frite", "Pain noir au charbon végétal", "Bière noire des corons"]
        if lang == "fr"
        else ["Chip trail", "Black bread with vegetable charcoal", "Miners' terraces black beer"]
    )
    frame = ranking(at)
    assert frame.iloc[0]["Total / 100"] == total
    assert first in [c.value for c in at.caption]
    assert ("**Route de la frite**" if lang == "fr" else "**Chip trail**") in [
        m.value for m in at.markdown
    ]
    assert len(at.get("vega_lite_chart")) >= 3  # contributions, stability, rank probabilities
    assert url(at, "eval") == "projets-culinaires"
    tabs = [t.label for t in at.tabs]
    jurors_tab = "Jurés" if lang == "fr" else "Jurors"
    assert (jurors_tab in tabs) == (role == "staff")


# --- weights ------------------------------------------------------------------------------


def test_weight_slider_changes_the_ranking_and_the_url(demo_dir: Path) -> None:
    at = start(page="scoring")
    assert first_names(at, 1) == ["Route de la frite"]
    at.slider(key=CULINARY_WEIGHT.format("originalite")).set_value(40.0).run()
    assert not at.exception
    # originality 40 of 130: P04 = (27 + 20.83 + 17.33 + 13.5 + 30.67) / 130 = 84.10
    assert first_names(at) == [
        "Pain noir au charbon végétal",
        "Bière noire des corons",
        "Route de la frite",
    ]
    assert ranking(at).iloc[0]["Total / 100"] == "84,10"
    assert "Originalité 31 %" in plain(texts(at))  # the weights used, normalised to 100 %
    assert "originalite:40" in (url(at, "w") or "")

    next(b for b in at.button if b.key == "scoring_reset").click().run()
    assert first_names(at, 1) == ["Route de la frite"]
    assert at.slider(key=CULINARY_WEIGHT.format("originalite")).value == 10.0
    assert url(at, "w") is None


def test_weights_shortlist_and_aggregation_come_back_from_the_url(demo_dir: Path) -> None:
    at = start(
        page="scoring",
        eval="projets-culinaires",
        w="originalite:60",
        agg="median",
        short="score:80",
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key=CULINARY_WEIGHT.format("originalite")).value == 60.0
    assert at.radio(key="scoring_agg").value == "median"
    assert at.radio(key="scoring_short_mode").value == "score"
    assert at.number_input(key="scoring_short_score").value == 80.0
    assert url(at, "short") == "score:80"


def test_a_staff_link_opens_after_signing_in(demo_dir: Path) -> None:
    link = {
        "eval": "choix-agence",
        "w": "comprehension:30,methode:20,references:10,equipe:10,prix:60",
    }
    at = start(page="scoring", **link)
    assert first_names(at, 1) == ["Route de la frite"]  # a viewer: the agency is not there
    at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="scoring_eval").value == "choix-agence"
    assert at.slider(key=AGENCY_WEIGHT.format("prix")).value == 60.0
    assert first_names(at, 2) == ["Atelier Gustatif Nord", "Studio Saveurs & Territoires"]
    assert url(at, "eval") == "choix-agence" and "prix:60" in (url(at, "w") or "")
    # the choice is the selector's from now on
    at.selectbox(key="scoring_eval").set_value("projets-culinaires").run()
    assert first_names(at, 1) == ["Route de la frite"]
    at.number_input(key="scoring_short_top").set_value(8).run()
    at.selectbox(key="scoring_eval").set_value("choix-agence").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="scoring_short_top").value == 4  # no more than its 4 bids
    assert at.slider(key=AGENCY_WEIGHT.format("prix")).value == 30.0


def test_all_weights_at_zero_fall_back_to_the_data(demo_dir: Path) -> None:
    at = start(page="scoring")
    for criterion in ("noir", "valeurs", "local", "faisabilite", "originalite"):
        at.slider(key=CULINARY_WEIGHT.format(criterion)).set_value(0.0)
    at.run()
    assert not at.exception
    assert "Tous les poids sont à zéro" in texts(at)
    assert first_names(at, 1) == ["Route de la frite"]


def test_shortlist_top_k_changes_the_count(demo_dir: Path) -> None:
    at = start(page="scoring")
    at.number_input(key="scoring_short_top").set_value(6).run()
    figures = {m.label: m.value for m in at.metric}
    # the computed cut, and apart from it the shortlist the data records (statuses)
    assert figures["Classement calculé : en tête"] == "6 / 12"
    assert figures["Projets présélectionnés"] == "8 / 12"
    assert list(ranking(at)["Tête calculée"]).count("✔") == 6
    assert url(at, "short") == "top:6"


def test_a_link_weight_of_1e308_is_clamped(demo_dir: Path) -> None:
    at = start(
        page="scoring",
        eval="projets-culinaires",
        w="originalite:1e308,noir:-3,local:nan,valeurs:inf",
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key=CULINARY_WEIGHT.format("originalite")).value == 100.0
    assert at.slider(key=CULINARY_WEIGHT.format("noir")).value == 30.0
    assert at.slider(key=CULINARY_WEIGHT.format("local")).value == 20.0


def test_the_sensitivity_can_be_turned_off(demo_dir: Path) -> None:
    at = start(page="scoring")
    at.toggle(key="scoring_sensitivity").set_value(False).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("vega_lite_chart")) == 1
    assert url(at, "sens") == "0"


# --- evaluations and aggregation -----------------------------------------------------------


def test_staff_switch_to_agency_evaluation_and_median(demo_dir: Path) -> None:
    at = staff()
    at.selectbox(key="scoring_eval").set_value("choix-agence").run()
    assert not at.exception, [e.value for e in at.exception]
    frame = ranking(at)
    assert list(frame["Projet"]) == [
        "Atelier Gustatif Nord",
        "Maison Design Culinaire",
        "Studio Saveurs & Territoires",
        "Collectif Table Commune",
    ]
    assert list(frame["Total / 100"]) == ["80,56", "75,72", "72,33", "71,11"]
    assert plain(frame.iloc[0]["Prix"]) == "48 500 €"
    assert frame.iloc[2]["Prix (30,0\u00a0%)"] == "30,00"  # the cheapest gets all the points
    assert "prix le plus bas / prix de l'offre" in texts(at)
    assert url(at, "eval") == "choix-agence"

    at.radio(key="scoring_agg").set_value("median").run()
    assert list(ranking(at)["Total / 100"]) == ["80,56", "73,38", "73,00", "71,44"]
    assert url(at, "agg") == "median"

    at.slider(key=AGENCY_WEIGHT.format("prix")).set_value(60.0).run()
    assert first_names(at, 2) == ["Atelier Gustatif Nord", "Studio Saveurs & Territoires"]
    assert "prix:60" in (url(at, "w") or "")


def test_staff_sees_jurors_prices_and_comments(demo_dir: Path) -> None:
    at = staff()
    at.selectbox(key="scoring_eval").set_value("choix-agence").run()
    body = everything(at)
    for juror in JURORS:
        assert juror in body
    assert "Excellente compréhension du territoire" in body
    assert "48 500 €" in plain(body)
    assert "Prix le plus bas : 38 900 € (Studio Saveurs & Territoires)." in plain(
        texts(at)
    ).replace("\\", "")
    # AG2's references: 6, 5 and 3 out of 10, a range of 30 % of the scale
    assert "1 désaccord(s) entre jurés à ce seuil :" in texts(at)


def test_staff_jurors_tab_in_english_flags_p03(demo_dir: Path) -> None:
    at = staff("en")
    assert "2 disagreement(s) between jurors at this threshold:" in texts(at)
    at.slider(key="scoring_gap").set_value(50).run()
    assert "1 disagreement(s) between jurors at this threshold:" in texts(at)
    assert url(at, "gap") == "50"
    body = everything(at)
    assert "Japanese-style fermentation with the Japanese partners" in body
    assert "Each juror's own ranking" in texts(at)


# --- what viewers may see ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_viewer_sees_culinary_totals_but_nothing_juror_level(demo_dir: Path, lang: str) -> None:
    at = start(lang, page="scoring", eval="choix-agence")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="scoring_eval").options == ["projets-culinaires (12 projets)"] or (
        at.selectbox(key="scoring_eval").options == ["projets-culinaires (12 projects)"]
    )
    assert first_names(at, 1) == ["Route de la frite" if lang == "fr" else "Chip trail"]
    body = everything(at)
    for hidden in JURORS + AGENCIES + PRICES + COMMENTS:
        assert hidden not in body, hidden
    assert url(at, "eval") == "projets-culinaires"


def test_viewer_sees_agency_when_not_confidential_but_never_prices(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_CONFIDENTIAL_EVALUATIONS", "")
    at = start(page="scoring", eval="choix-agence")
    assert not at.exception, [e.value for e in at.exception]
    frame = ranking(at)
    assert list(frame["Total / 100"]) == ["80,56", "75,72", "72,33", "71,11"]
    assert "Prix" not in frame.columns  # the price points are there, the prices are not
    assert frame.iloc[0]["Prix (30,0\u00a0%)"] == "24,06"
    body = everything(at)
    for hidden in JURORS + PRICES + COMMENTS:
        assert hidden not in body, hidden


def files(at: AppTest) -> dict[str, bytes]:
    """The page's downloads, each made by its callable as on a click."""
    made = [download(b) for b in at.get("download_button") if b.key != "pack_pdf"]
    return dict(made)


def test_viewer_export_has_no_prices(demo_dir: Path) -> None:
    at = start(page="scoring")
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.key != "pack_pdf"]
    assert all(b.proto.deferred_file_id for b in buttons)  # made when clicked, not per run
    downloads = files(at)
    csv_bytes = downloads["classement-projets-culinaires.csv"]
    table = pd.read_csv(io.BytesIO(csv_bytes), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(table["Projet"].head(2)) == ["Route de la frite", "Pain noir au charbon végétal"]
    assert table["Total / 100"].iloc[0] == pytest.approx(88.33)
    assert "Cohérence avec le concept noir (30,0\u00a0%)" in table.columns
    text = csv_bytes.decode("utf-8-sig")
    for hidden in JURORS + PRICES + COMMENTS:
        assert hidden not in text
    assert "classement-projets-culinaires.xlsx" in downloads
    # the page's own exports (the sidebar also offers the committee pack)
    labels = [b.label for b in at.get("download_button") if b.key != "pack_pdf"]
    assert labels == ["Classement (CSV)", "Classement (Excel)", "Graphique (PNG)"]


def test_staff_xlsx_export_has_points_and_weights(demo_dir: Path) -> None:
    from openpyxl import load_workbook

    at = staff("en")
    at.selectbox(key="scoring_eval").set_value("choix-agence").run()
    book = load_workbook(io.BytesIO(files(at)["ranking-choix-agence.xlsx"]))
    assert book.sheetnames == ["Ranking", "Weights"]
    rows = list(book["Ranking"].iter_rows(values_only=True))
    assert rows[0][4] == "Understanding of the brief (30.0%)"
    assert rows[1][2] == "Atelier Gustatif Nord" and rows[1][-2] == 80.56
    weights = list(book["Weights"].iter_rows(values_only=True))
    assert [w[0] for w in weights[1:]] == [
        "comprehension",
        "methode",
        "references",
        "equipe",
        "prix",
    ]


def test_missing_scores_are_shown_missing_not_zero(demo_dir: Path) -> None:
    lines = (demo_dir / "scores.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = "".join(line for line in lines if not line.startswith("P01,originalite,"))
    put("scores", kept.encode("utf-8"))
    at = start(page="scoring")
    assert not at.exception, [e.value for e in at.exception]
    assert first_names(at, 1) == ["Pain noir au charbon végétal"]
    frame = ranking(at).set_index("Projet")
    row = frame.loc["Route de la frite"]
    assert row["Total / 100"] == "—" and row["Originalité (10,0\u00a0%)"] == "—"
    assert row["Notes manquantes"] == "Originalité"
    assert pd.isna(row["Rang"])
    assert row["Cohérence avec le concept noir (30,0\u00a0%)"] == "27,00"
    assert "Non classés, faute de notes" in texts(at)


def test_empty_folder(empty_dir: Path) -> None:
    at = start(page="scoring")
    assert not at.exception, [e.value for e in at.exception]
    assert "Aucune évaluation" in texts(at)


# --- official weights and scenarios ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_scenario_link_never_passes_for_the_official_result(demo_dir: Path, lang: str) -> None:
    at = start(lang, page="scoring", eval="projets-culinaires", w="originalite:40")
    assert not at.exception, [e.value for e in at.exception]
    winner = (
        "Pain noir au charbon végétal" if lang == "fr" else "Black bread with vegetable charcoal"
    )
    assert first_names(at, 1) == [winner]  # another winner
    warnings = plain(" ".join(w.value for w in at.warning))
    if lang == "fr":
        assert "Scénario : ces pondérations ne sont pas les pondérations officielles" in warnings
        assert "Avec les pondérations officielles, Route de la frite arrive en tête" in warnings
        assert "En tête dans ce scénario" in [c.value for c in at.caption]
    else:
        assert "Scenario: these are not the committee's official weights" in warnings
        assert "With the official weights, Chip trail comes first" in warnings
    assert not at.success  # no green "clear result" under other weights
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)  # type: ignore[attr-defined]
    title = "Scénario – pondérations non officielles" if lang == "fr" else "Scenario – unofficial"
    assert spec["title"]["text"].startswith(title)  # the chart and its PNG say so
    assert ("Route de la frite" if lang == "fr" else "Chip trail") in spec["title"]["subtitle"]


def test_the_official_weights_are_not_a_scenario(demo_dir: Path) -> None:
    at = start(page="scoring")
    assert not any("Scénario" in w.value for w in at.warning)
    assert "Scénario" not in at.get("vega_lite_chart")[0].proto.spec  # type: ignore[attr-defined]
    # the same proportions are the same weighting
    doubled = "noir:60,valeurs:50,local:40,faisabilite:30,originalite:20"
    at = start(page="scoring", eval="projets-culinaires", w=doubled)
    assert not any("Scénario" in w.value for w in at.warning)


def test_in_english_the_criteria_read_english_and_the_bars_are_drawn(demo_dir: Path) -> None:
    """The weights' sliders and the chart's colours name the criteria as the data's
    English columns do, like the bars themselves: with French names on the scale
    and English ones in the data, the bars had no colour and were not drawn."""
    at = start("en", page="scoring")
    assert not at.exception, [e.value for e in at.exception]
    assert "Fit with the black concept" in [s.label for s in at.slider]
    assert "Cohérence avec le concept noir" not in [s.label for s in at.slider]
    chart = at.get("vega_lite_chart")[0].proto  # type: ignore[attr-defined]
    spec = json.loads(chart.spec)
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    domain = bars["encoding"]["color"]["scale"]["domain"]
    named = {d.name: d.data.data for d in chart.datasets}
    drawn = set(convert_arrow_bytes_to_pandas_df(named[bars["data"]["name"]])["criterion"])
    assert "Fit with the black concept" in domain
    assert drawn == set(domain)
