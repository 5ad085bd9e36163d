"""The site page (and the overview's site cards) through Streamlit's AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.app.support import metrics, sent_everything, sign_in, start, texts

# personal data, prices and jurors' comments from data/*.csv that a viewer never receives
HIDDEN = [
    "nadine.vasseurand@example.org",
    "03 53 01 17 48",
    "Nadine Vasseurand",
    "Excellente compréhension du territoire",
]

OLHAIN = "Restaurant du Parc départemental d'Olhain"
OLHAIN_EN = "Restaurant of the Parc départemental d'Olhain"
FR_OLHAIN = {
    "Avancement": "69\u00a0%",
    "État": "🔴 En retard",
    "Prochain jalon": "J-52",
    "Tâches en retard": "2",
    "Actions ouvertes": "2",
    "Plats définis à la carte": "11 plats",
    "Recrutements de l'équipe": "6 personnes",
    "Producteurs locaux référencés": "9 producteurs",
    "Prévu": "40\u202f000\u00a0€",
    "Dépensé": "33\u202f200\u00a0€",
    "Reste": "6\u202f800\u00a0€",
}
EN_OLHAIN = {
    "Progress": "69%",
    "State": "🔴 Late",
    "Next milestone": "D-52",
    "Late tasks": "2",
    "Open actions": "2",
    "Dishes on the menu": "11 dishes",
    "Planned": "€40,000",
    "Spent": "€33,200",
    "Remaining": "€6,800",
}


def plain(at: object) -> str:
    return texts(at).replace("\\", "")  # type: ignore[arg-type]


def deltas(at: object) -> dict[str, str]:
    return {m.label: m.proto.body for m in at.metric}  # type: ignore[attr-defined]


def url(at: object, key: str) -> str:
    value = at.query_params[key]  # type: ignore[attr-defined]
    return value[0] if isinstance(value, list) else str(value)


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize(
    ("lang", "title", "figures", "rule"),
    [
        ("fr", "Avancement par site", FR_OLHAIN, "🟠 **À risque** : la tâche est en cours"),
        ("en", "Progress by site", EN_OLHAIN, "🟠 **At risk**: the task is running"),
    ],
)
def test_site_page_in_both_roles_and_languages(
    demo_dir: Path, role: str, lang: str, title: str, figures: dict[str, str], rule: str
) -> None:
    at = start(lang, page="sites", site="olhain")
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert at.selectbox(key="sites_site").value == "olhain"
    got = metrics(at)
    for label, value in figures.items():
        assert got[label] == value, label
    body = plain(at)
    assert (OLHAIN_EN if lang == "en" else OLHAIN) in [s.value.replace("\\", "") for s in at.header]
    assert rule in body
    # three sparklines (one per indicator) and the budget bars per task
    assert len(at.get("vega_lite_chart")) == 4
    banner = "lecture seule" if lang == "fr" else "read-only"
    assert (banner in body) == (role == "viewer")
    if role == "viewer":
        everything = sent_everything(at)
        leaked = [value for value in HIDDEN if value in everything]
        assert not leaked


def test_kpis_show_the_gap_to_target(demo_dir: Path) -> None:
    at = start(page="sites", site="parcours-noir")
    got = metrics(at)
    assert got["Idées collectées"] == "31 idées"
    assert got["Expériences sélectionnées"] == "8 expériences"
    spec = str(at.metric)
    assert "+1 par rapport à la cible (30 idées)" in spec
    assert "-4 par rapport à la cible (12 expériences)" in spec


def test_the_destination_is_the_default_with_budget_totals_and_overspend(demo_dir: Path) -> None:
    at = start(page="sites")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="sites_site").value == "destination"
    assert url(at, "site") == "destination"
    got = metrics(at)
    # the headline's budget: the planned budget of tasks not cancelled (Louvre-Lens'
    # cancelled tasting, 2 500 €, is left out), every spend
    assert got["Prévu"] == "151\u202f500\u00a0€"
    assert got["Dépensé"] == "75\u202f350\u00a0€"
    assert got["Actions ouvertes"] == "10"
    # the indicators of no site, the budget one without target
    assert got["Partenaires mobilisés"] == "65 partenaires"
    assert got["Budget engagé"] == "75\u202f350\u00a0€"
    assert "Sans cible : valeur seule." in plain(at)
    warning = [w.value.replace("\\", "") for w in at.warning]
    assert warning == [
        "Dépassement sur 2 tâche(s), 1\u202f200\u00a0€ au total : "
        "Équipement de la cuisine et de la salle, "
        "Préparation de la conférence « ALL – Nouvelles Inspirations »"
    ]
    # the per-site and per-task budget tables, overspend flagged
    frames = [df.value for df in at.dataframe]
    per_site = frames[0].set_index("Ligne")
    assert per_site.loc["Restaurant du Parc départemental d'Olhain", "Prévu"] == (
        "40\u202f000\u00a0€"
    )
    assert per_site.loc["Pilotage (sans site)", "Dépensé"] == "18\u202f950\u00a0€"
    per_task = frames[1].set_index("Ligne")
    assert per_task.loc["Équipement de la cuisine et de la salle", "Dépassement"] == (
        "⚠️ 800\u00a0€"
    )
    assert (per_task["Dépassement"] != "").sum() == 2


def test_selector_goes_to_the_url(demo_dir: Path) -> None:
    at = start(page="sites", site="olhain")
    assert url(at, "site") == "olhain"
    at.selectbox(key="sites_site").set_value("cite-electriciens").run()
    assert url(at, "site") == "cite-electriciens"
    assert metrics(at)["Prochain jalon"] == "J-66"
    assert "Carin gourmand à la Cité des Électriciens" in plain(at)


def test_unknown_site_in_url_falls_back_to_the_destination(demo_dir: Path) -> None:
    at = start(page="sites", site="nowhere")
    assert not at.exception
    assert at.selectbox(key="sites_site").value == "destination"
    assert url(at, "site") == "destination"


def test_situation_date_moves_the_indicators(demo_dir: Path) -> None:
    at = start(page="sites", site="olhain", date="2020-03-01")
    got = metrics(at)
    assert got["Plats définis à la carte"] == "4 plats"  # the 15 February value
    assert "-14 par rapport à la cible (18 plats)" in str(at.metric)
    # the indicators as committed then: none before their first version (20 January)
    before = start(page="sites", site="olhain", date="2020-01-10")
    assert "Plats définis à la carte" not in metrics(before)
    assert "Pas encore de version à cette date : Tâches (planning), Indicateurs" in plain(before)


def test_site_without_live_tasks(demo_dir: Path) -> None:
    at = start("en", page="sites", site="louvre-lens")
    got = metrics(at)
    assert got["Progress"] == "—"
    assert got["State"] == "No active task (1 cancelled)"
    assert "No milestone ahead" in plain(at)
    assert "No indicator followed for this scope." in plain(at)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_side_by_side_view(demo_dir: Path, lang: str) -> None:
    at = start(lang, page="sites", site="olhain")
    at.toggle(key="sites_side").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    assert url(at, "view") == "side"
    assert url(at, "site") == "olhain"  # kept for when the view goes back to one site
    body = plain(at)
    english = lang == "en"  # an English reader reads the data's English names
    olhain = OLHAIN_EN if english else OLHAIN
    for name in (
        "Toute la destination" if lang == "fr" else "Whole destination",
        olhain,
        "Cité des Électriciens",
        "Black Trail of the Black Month" if english else "Parcours noir du mois noir",
        "Louvre-Lens",
    ):
        assert f"**{name}**" in body
    if lang == "fr":
        assert "Plats définis à la carte : 11 / 18 plats" in body
        assert "Budget engagé : 75\u202f350\u00a0€" in body
        assert "Budget : 33\u202f200\u00a0€ dépensés sur 40\u202f000\u00a0€" in body
    else:
        assert "Dishes on the menu: 11 / 18 dishes" in body
        assert "Budget: €75,350 spent of €151,500" in body
    # one chart: the budget per site
    assert len(at.get("vega_lite_chart")) == 1
    at.toggle(key="sites_side").set_value(False).run()
    assert "view" not in at.query_params
    assert at.selectbox(key="sites_site").value == "olhain"


def test_side_by_side_view_from_the_url(demo_dir: Path) -> None:
    at = sign_in(start(page="sites", view="side"))
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="sites_side").value is True
    assert "🟢 Dans les temps" in plain(at)  # the Cité des Électriciens


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_overview_cards_link_to_each_site(demo_dir: Path, lang: str) -> None:
    at = start(lang, date="2020-04-15")
    # the site cards' links (the headline figures' links come first)
    links = [link for link in at.get("page_link") if "site=" in link.proto.query_string]
    assert [link.proto.page for link in links] == ["sites"] * 4
    assert [link.proto.query_string for link in links] == [
        f"site={site}&lang={lang}&date=2020-04-15"
        for site in ("olhain", "cite-electriciens", "parcours-noir", "louvre-lens")
    ]
    label = "Voir le détail du site" if lang == "fr" else "See the site's details"
    assert {link.proto.label for link in links} == {label}
    body = plain(at)
    if lang == "fr":
        assert "Prochain jalon : Ouverture du restaurant du Parc d'Olhain" in body
        assert "Actions ouvertes : 2 (dont 2 en retard)" in body
    else:
        assert "Open actions: 3 (1 overdue)" in body  # the Parcours noir


def test_overview_link_target_opens_that_site(demo_dir: Path) -> None:
    at = start("en", page="sites", site="cite-electriciens", date="2020-04-15")
    assert at.selectbox(key="sites_site").value == "cite-electriciens"
    assert metrics(at)["Next milestone"] == "D-66"
    assert at.date_input(key="situation").value == date(2020, 4, 15)
