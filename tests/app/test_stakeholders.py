"""The stakeholders page through AppTest: filters and the deck's points, selection,
the URL, what a viewer receives and what staff see, in both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.views import figures
from dashboard.views import stakeholders as view
from tests.app.support import put, sent, sign_in, start, texts

# Personal data from data/stakeholders.csv: contacts, e-mails and phones.
PERSONAL = (
    "Sophie Verbecquet",
    "sophie.verbecquet@example.org",
    "03 53 01 31 22",
    "Thierry Crépelin",
    "thierry.crepelin@example.fr",
    "03 53 01 52 33",
    "Haruka Tanabeya",
    "haruka.tanabeya@example.jp",
    "Nadine Vasseurand",
    "nadine.vasseurand@example.org",
    "03 53 01 13 54",
    "@example.",
)
BAKERS = {"S017", "S026", "S030", "S036", "S043", "S050", "S058", "S065"}
TITLES = {"fr": "Les acteurs de la destination", "en": "The destination's stakeholders"}


def page(lang: str = "fr", role: str = "viewer", **params: str) -> AppTest:
    at = start(lang, page="stakeholders", **params)
    if role == "staff":
        at = sign_in(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


TABS = ("map", "abroad", "grid", "engagement", "list")


def stored(at: AppTest, key: str) -> Any:
    try:  # AppTest's session state has no .get()
        return at.session_state[key]
    except KeyError:
        return None


def on(at: AppTest, tab: str) -> AppTest:
    """The page with one of its tabs open (only the open tab runs and is sent)."""
    lang = stored(at, "_lang") or "fr"
    at.session_state["stk_tab"] = t(f"stakeholders.tab_{tab}", lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def each_tab(at: AppTest, read: Any) -> list[Any]:
    """`read(at)` with every tab open in turn; the tab open before is open again after."""
    before = stored(at, "stk_tab")
    found = [read(on(at, tab)) for tab in TABS]
    if before is not None:
        at.session_state["stk_tab"] = before
        at.run()
    return found


def decks(at: AppTest) -> list[dict[str, Any]]:
    """The local map, then the map abroad when there is one."""
    return [
        json.loads(d.proto.json)  # type: ignore[attr-defined]
        for found in each_tab(at, lambda a: list(a.get("deck_gl_json_chart")))
        for d in found
    ]


def all_texts(at: AppTest) -> str:
    return "\n".join(each_tab(at, texts))


def layer(spec: dict[str, Any], layer_id: str) -> list[dict[str, Any]]:
    found = [entry for entry in spec["layers"] if entry["id"] == layer_id]
    return list(found[0]["data"]) if found else []


def points(at: AppTest) -> set[str]:
    return {p["id"] for p in layer(decks(at)[0], "stakeholders")}


def everything(at: AppTest) -> str:
    """What the session sends with any tab open, decks, tooltips, tables and charts
    decoded."""
    return "\n".join(each_tab(at, _everything))


def _everything(at: AppTest) -> str:
    parts = [sent(at)]
    for deck in at.get("deck_gl_json_chart"):
        parts += [deck.proto.json, deck.proto.tooltip]  # type: ignore[attr-defined]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto  # type: ignore[attr-defined]
        parts.append(proto.spec)
        for dataset in proto.datasets:
            parts.append(convert_arrow_bytes_to_pandas_df(dataset.data.data).to_csv(index=False))
    return "\n".join(parts)


def url(at: AppTest, key: str) -> list[str]:
    """A list in the URL (app.to_url: comma-separated)."""
    value: Any = at.query_params.get(key)
    if value is None:
        return []
    text = value[-1] if isinstance(value, list) else value
    return [v for v in str(text).split(",") if v]


@pytest.mark.parametrize("role", ["viewer", "staff"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_page_draws_in_both_roles_and_languages(demo_dir: Path, lang: str, role: str) -> None:
    at = page(lang, role)
    assert at.title[0].value == TITLES[lang]
    local, abroad = decks(at)
    # 66 local stakeholders have coordinates; four sites; offline by default: no basemap
    assert len(layer(local, "stakeholders")) == 66
    assert len(layer(local, "sites")) == 4
    assert local["mapStyle"] == "__MAP_STYLE__" and "http" not in json.dumps(local)
    # engaged partners abroad only: the headline figure's 4 (a body that declined and
    # contacts only identified are not partners)
    assert {a["id"] for a in layer(abroad, "arcs")} == {"S071", "S072", "S073", "S076"}
    assert "http" not in json.dumps(abroad)
    assert url(at, "offline") == ["1"]
    body = all_texts(at).replace("\\", "")
    if lang == "fr":
        assert "**Douai** : pas de restaurateur, boulanger, producteur, artisan, traiteur" in body
        assert "Gérer de près" in everything(at)
    else:
        assert "**Douai**: no restaurateur, baker, producer, craftsperson, caterer" in body
        assert "Manage closely" in everything(at)
    banner = "lecture seule" if lang == "fr" else "read-only"
    assert (banner in body) == (role == "viewer")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_viewer_receives_no_personal_data(demo_dir: Path, lang: str) -> None:
    # with Olhain's park selected, its card is drawn too
    at = page(lang, stakeholder="S012")
    assert "Parc départemental d'Olhain" in texts(at).replace("\\", "")
    received = everything(at)
    for value in PERSONAL:
        assert value not in received, value
    on(at, "list").text_input(key="stk_search").input("verbecquet").run()
    # nothing found: for a viewer, the search does not reach contacts either
    assert at.dataframe[-1].value.empty
    for value in PERSONAL:
        assert value not in everything(at), value
    table = at.dataframe[-1].value
    assert not {
        "contact",
        "courriel",
        "téléphone",
        "Courriel",
        "Téléphone",
        "Contact",
        "E-mail",
        "Phone",
    } & set(table)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_staff_see_contacts(demo_dir: Path, lang: str) -> None:
    at = page(lang, "staff", stakeholder="S012")
    body = texts(at).replace("\\", "").replace("\u2060", "")  # as read on screen
    assert "Sophie Verbecquet · sophie.verbecquet@example.org · 03 53 01 31 22" in body
    table = on(at, "list").dataframe[-1].value
    email = "Courriel" if lang == "fr" else "E-mail"
    assert "thierry.crepelin@example.fr" in set(table[email])
    at.text_input(key="stk_search").input("verbecquet").run()
    assert len(at.dataframe[-1].value) == 1  # staff find a stakeholder by its contact
    # still never in the map: tooltips are the same for everyone
    assert "@example." not in json.dumps(decks(at))


def test_filters_change_the_points_and_go_to_the_url(demo_dir: Path) -> None:
    at = page()
    assert len(points(at)) == 66
    at.multiselect(key="stk_category").set_value(["boulanger"]).run()
    assert points(at) == BAKERS
    assert url(at, "category") == ["boulanger"]
    at.multiselect(key="stk_territory").set_value(["Douai", "Arras"]).run()
    assert points(at) == {"S036", "S043"}
    assert sorted(url(at, "territory")) == ["Arras", "Douai"]
    at.multiselect(key="stk_category").set_value([]).run()
    at.multiselect(key="stk_territory").set_value([]).run()
    at.multiselect(key="stk_engagement").set_value(["declined"]).run()
    assert points(at) == {"S026", "S040", "S056", "S070"}
    assert len(decks(at)) == 1  # a body that declined is no partner abroad
    assert "Aucun partenaire à l'étranger pour ces filtres." in all_texts(at)
    assert url(at, "engagement") == ["declined"]
    assert "category" not in at.query_params


def test_site_filter_follows_projects(demo_dir: Path) -> None:
    at = page(site="olhain")
    assert points(at) == {"S012", "S031"}
    at.multiselect(key="stk_site").set_value(["parcours-noir"]).run()
    # linked by their own site or a project there (S018, S019, S021 carry projects);
    # S020 carries one too but has no coordinates: listed, not drawn
    assert points(at) == {"S016", "S017", "S018", "S019", "S021", "S057"}
    table = on(at, "list").dataframe[-1].value
    assert "Street Food du Carreau (camion)" in set(table.iloc[:, 0])


def test_filters_from_a_shared_link(demo_dir: Path) -> None:
    at = page("en", category="boulanger", territory="Lens-Liévin", commune="Liévin")
    assert points(at) == {"S026"}
    assert at.multiselect(key="stk_commune").value == ["Liévin"]
    # values the data does not offer are dropped, not an error
    at = page("fr", category="boulanger", territory="Atlantide")
    assert points(at) == BAKERS
    assert url(at, "territory") == []


def test_commune_filter(demo_dir: Path) -> None:
    at = page()
    at.multiselect(key="stk_commune").set_value(["Oignies"]).run()
    assert points(at) == {"S003", "S014", "S022"}
    assert "abroad" not in all_texts(at)


def test_selection_draws_the_card_and_the_ring(demo_dir: Path) -> None:
    at = page()
    assert "Cliquez un point de la carte" in texts(at)
    assert layer(decks(at)[0], "selected") == []
    at.selectbox(key="stk_selected").set_value("S016").run()
    body = texts(at).replace("\\", "")
    assert "**Friterie du Terril**" in body
    assert "Projets portés · Route de la frite" in body
    assert "Grille pouvoir / intérêt · Tenir informé" in body
    assert url(at, "stakeholder") == ["S016"]
    assert layer(decks(at)[0], "selected")[0]["position"] == [2.7859, 50.4612]
    # a filter that leaves it out clears the selection and the URL
    at.multiselect(key="stk_category").set_value(["boulanger"]).run()
    assert at.selectbox(key="stk_selected").value is None
    assert url(at, "stakeholder") == []


def test_partner_placed_at_centroid_is_flagged(demo_dir: Path) -> None:
    at = page("en", stakeholder="S075")
    body = all_texts(at)
    assert "Placed at the country's centre: coordinates to fill in." in body
    counts = on(at, "abroad").dataframe[0].value.set_index("Country")
    # engaged partners only (S075, at the centre, is only contacted)
    assert counts.loc["Japan"].tolist() == [3, 1, 0]
    assert counts.iloc[:, 0].sum() == 4  # the headline figure "partners abroad"
    unlocated = on(at, "list").dataframe[-2].value
    assert len(unlocated) == 8
    assert set(unlocated["On the map"]) == {"missing", "at the country's centre"}


def test_search_goes_to_the_url(demo_dir: Path) -> None:
    at = on(page(q="fukuoka"), "list")
    assert len(at.dataframe[-1].value) == 2
    at.text_input(key="stk_search").input("cite electriciens").run()
    names = set(at.dataframe[-1].value["Nom"])
    assert names == {
        "Cité des Électriciens",
        "Maraîchers de la Clarence",
        "Jardins ouvriers de la cité n° 5",
    }
    assert url(at, "q") == ["cite electriciens"]


def test_online_basemap_is_a_choice(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page()
    at.toggle(key="stk_offline").set_value(False).run()
    local = decks(at)[0]
    assert "basemaps.cartocdn.com" in local["mapStyle"]
    assert "countries" not in {entry["id"] for entry in local["layers"]}
    assert url(at, "offline") == ["0"]
    # the setting changes the default; the URL still wins
    monkeypatch.setenv("DASHBOARD_MAP_OFFLINE", "0")
    assert "cartocdn" in decks(page())[0]["mapStyle"]
    assert decks(page(offline="1"))[0]["mapStyle"] == "__MAP_STYLE__"


def test_names_on_the_map_are_a_choice(demo_dir: Path) -> None:
    """The map opens with the names and letters written (on a projector nobody
    hovers); the toggle takes them off (one shader program fewer for a slow
    browser to compile), and a shared link keeps the choice."""
    texts_of = ("territory-names", "stakeholder-letters", "site-names")
    at = page()
    assert url(at, "labels") == []  # the default stays out of a shared link
    named = decks(at)[0]
    assert [e["id"] for e in named["layers"] if e["@@type"] == "TextLayer"] == list(texts_of)
    assert {"Louvre-Lens", "Lens-Liévin"} <= {
        r.get("name") for e in named["layers"] for r in e["data"] if isinstance(r, dict)
    }
    assert len(layer(named, "stakeholder-letters")) == 66
    at.toggle(key="stk_labels").set_value(False).run()
    local = decks(at)[0]
    ids = {entry["id"] for entry in local["layers"]}
    assert {"stakeholders", "sites", "territories"} <= ids and not ids & set(texts_of)
    assert {entry["@@type"] for entry in local["layers"]} == {"ScatterplotLayer", "LineLayer"}
    assert url(at, "labels") == ["0"]
    plain = decks(page(labels="0"))[0]
    assert not {entry["id"] for entry in plain["layers"]} & set(texts_of)


def test_empty_folder(empty_dir: Path) -> None:
    at = start("fr", page="stakeholders")
    assert not at.exception, [e.value for e in at.exception]
    assert "le fichier des acteurs est vide" in texts(at)
    assert len(at.get("deck_gl_json_chart")) == 0


def test_no_match(demo_dir: Path) -> None:
    at = page(engagement="declined", territory="Douai")
    assert "Aucun acteur ne correspond à ces filtres." in texts(at)
    assert len(at.get("deck_gl_json_chart")) == 0


def test_thousands_of_stakeholders_become_cells(demo_dir: Path) -> None:
    extra = [
        f"X{i:04d},Restaurant {i},restaurateur,Lens,FR,{50.30 + (i % 40) * 0.005:.4f},"
        f"{2.60 + (i // 40) * 0.02:.4f},Lens-Liévin,{1 + i % 5},{1 + i % 4},engaged,,"
        f"Contact {i},contact{i}@example.net,03 21 00 00 00"
        for i in range(1600)
    ]
    demo = (demo_dir / "stakeholders.csv").read_text(encoding="utf-8")
    put("stakeholders", (demo + "\n".join(extra) + "\n").encode("utf-8"))
    at = page("en")
    local = decks(at)[0]
    ids = {entry["id"] for entry in local["layers"]}
    assert "density" in ids and "stakeholders" not in ids
    cells = layer(local, "density")
    assert sum(int(c["tip"].split(" ")[0]) for c in cells) == 66 + 1600
    assert "grouped into cells" in texts(at)
    assert "contact7@example.net" not in everything(at)
    at.multiselect(key="stk_category").set_value(["boulanger"]).run()
    assert points(at) == BAKERS  # few again: each stakeholder is drawn


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_partner_figures_are_the_headline_ones(demo_dir: Path, lang: str) -> None:
    at = page(lang)
    shown = {m.label: m for m in at.metric}
    engaged = shown[figures.label("partners_engaged", lang)]
    abroad = shown[figures.label("partners_abroad", lang)]
    assert engaged.value == "41 / 82" and abroad.value == "4"
    assert engaged.proto.help == figures.definition("partners_engaged", lang)
    assert abroad.proto.help == figures.definition("partners_abroad", lang)
    # filters narrow the page, not the headline figures
    at.multiselect(key="stk_category").set_value(["boulanger"]).run()
    shown = {m.label: m.value for m in at.metric}
    assert shown[figures.label("partners_engaged", lang)] == "41 / 82"


def test_the_list_comes_in_pages(demo_dir: Path) -> None:
    at = on(page(), "list")
    assert len(at.dataframe[-1].value) == view.PAGE_SIZE
    assert "page 1 sur 2" in texts(at)
    at.number_input(key="stk_page").set_value(2).run()
    assert len(at.dataframe[-1].value) == 82 - view.PAGE_SIZE
    assert url(at, "page") == ["2"]
    # a filter starts the list again from its first page
    at.multiselect(key="stk_category").set_value(["boulanger"]).run()
    assert len(at.dataframe[-1].value) == 8
    assert "page" not in at.query_params


def test_only_the_open_tab_runs_and_is_sent(demo_dir: Path) -> None:
    at = page()
    specs = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]  # type: ignore[attr-defined]
    assert len(specs) == 1 and layer(specs[0], "stakeholders")  # the local map only
    assert len(at.dataframe) == 0  # the list and the table abroad wait for their tab
    on(at, "abroad")
    specs = [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]  # type: ignore[attr-defined]
    assert len(specs) == 1 and layer(specs[0], "arcs") and not layer(specs[0], "stakeholders")
    on(at, "list")
    assert len(at.get("deck_gl_json_chart")) == 0 and len(at.dataframe[-1].value) > 0
