"""The stakeholders view model (views.stakeholders.build, DuckDB) and its renderers:
colours, placement, aggregation, funnel, coverage, grid, search, pages, layers."""

from __future__ import annotations

import csv
import itertools
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import charts
from dashboard.charts import map_layers
from dashboard.domain import stakeholders as sk
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import stakeholders as view
from dashboard.views.reader import Reader, database_reader

ROOT = Path(__file__).resolve().parents[2]
DEMO_CSV = ROOT / "data" / "stakeholders.csv"
EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
NO_FILTER = sk.rows_params(hidden=("choix-agence",))


@pytest.fixture
def con(demo_dir: Path) -> duckdb.DuckDBPyConnection:
    return db.open_database(Store(demo_dir).current_files())


def rows(con: duckdb.DuckDBPyConnection, **params: tuple[str, ...]) -> pd.DataFrame:
    return db.query(con, "stakeholders_rows", **{**NO_FILTER, **params})


SITUATION = date(2020, 4, 15)
HIDDEN = ("choix-agence",)


def build(read: Reader, **state: object) -> view.Model:
    return view.build(read, view.State(situation=SITUATION, hidden=HIDDEN, **state))  # type: ignore[arg-type]


@pytest.fixture
def viewer(con: duckdb.DuckDBPyConnection) -> Reader:
    return database_reader(con, "viewer")


@pytest.fixture
def staff(con: duckdb.DuckDBPyConnection) -> Reader:
    return database_reader(con, "staff")


@pytest.fixture
def model(viewer: Reader) -> view.Model:
    return build(viewer)


def tiny(*records: dict[str, object]) -> Reader:
    """A viewer's reader over a database holding only these stakeholders."""
    con = db.empty_database()
    data = frame(*records)
    data["stakeholder_id"] = [
        sid if sid is not None else f"T{i}" for i, sid in enumerate(data["stakeholder_id"])
    ]
    data["_row"] = range(2, len(data) + 2)
    db.load_frame(con, "stakeholders", data)
    return database_reader(con, "viewer")


def frame(*records: dict[str, object]) -> pd.DataFrame:
    base = {
        "stakeholder_id": None,
        "name": "x",
        "category": "restaurateur",
        "commune": None,
        "country": "FR",
        "lat": None,
        "lon": None,
        "territory": None,
        "influence": None,
        "interest": None,
        "engagement": "identified",
    }
    out = pd.DataFrame([{**base, **r} for r in records])
    out["lat"] = out["lat"].astype("float64")
    out["lon"] = out["lon"].astype("float64")
    return out


# --- colours, sizes, outlines -------------------------------------------------------------


def test_known_categories_keep_their_colour_whatever_else_is_there() -> None:
    assert sk.category_colour("boulanger") == (255, 128, 14)
    assert sk.category_colour(" Boulanger ") == (255, 128, 14)
    alone = sk.legend_chart(["boulanger"], "fr").to_dict()
    mixed = sk.legend_chart(["restaurateur", "x", "boulanger"], "fr").to_dict()
    assert "#ff800e" in json.dumps(alone) and "#ff800e" in json.dumps(mixed)
    colours = {sk.category_colour(c) for c in sk.CATEGORY_COLOURS}
    assert len(colours) == len(sk.CATEGORY_COLOURS)


def test_unknown_categories_get_a_colour_from_their_name_only() -> None:
    first = sk.category_colour("Torréfacteur")
    assert first == sk.category_colour("torréfacteur")
    assert first in sk.EXTRA_COLOURS
    assert sk.category_colour(None) == sk.UNKNOWN_COLOUR
    assert sk.category_colour("") == sk.UNKNOWN_COLOUR


def test_radius_grows_with_influence_and_unknown_is_smallest() -> None:
    sizes = [sk.radius(i) for i in (1, 2, 3, 4, 5)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 5
    assert sk.radius(None) < sizes[0]
    assert sk.radius(pd.NA) == sk.RADIUS_UNKNOWN
    assert sk.radius(9) == sizes[-1]


def test_outline_thickens_with_engagement_and_refusal_is_red() -> None:
    widths = [sk.outline(e)[1] for e in ("identified", "contacted", "engaged", "committed")]
    assert widths == sorted(widths) and len(set(widths)) == 4
    assert sk.outline("declined")[0][:3] == (198, 40, 40)
    assert sk.outline(None) == sk.outline("identified")
    assert sk.fill("boulanger", "declined")[3] < sk.fill("boulanger", "committed")[3]


def test_labels_in_both_languages() -> None:
    assert sk.category_label("boulanger", "en") == "baker"
    assert sk.category_label("boulanger", "fr") == "boulanger"
    assert sk.category_label("Torréfacteur", "en") == "Torréfacteur"
    assert sk.engagement_label("committed", "fr") == "partenaire"
    assert sk.engagement_label(None, "en") == "identified"
    assert sk.country_name("JP", "fr") == "Japon"
    assert sk.country_name("DE", "en") == "Germany"


# --- packaged geography -------------------------------------------------------------------


def test_centroids_cover_the_demo_countries_japan_and_the_eu() -> None:
    with DEMO_CSV.open(encoding="utf-8") as fh:
        demo = {row["country"] for row in csv.DictReader(fh) if row["country"]}
    table = sk.centroids()
    assert demo | {"JP"} | EU <= set(table)
    lat, lon = table["JP"]
    assert 30 < lat < 42 and 130 < lon < 146
    assert all(-90 <= la <= 90 and -180 <= lo <= 180 for la, lo in table.values())


def _inside(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_every_located_demo_stakeholder_lies_in_its_territory_outline() -> None:
    features = sk.outlines("territories")["features"]
    rings = {f["properties"]["territory"]: f["geometry"]["coordinates"][0] for f in features}
    assert set(rings) == set(sk.TERRITORIES)
    assert all(ring[0] == ring[-1] and len(ring) >= 8 for ring in rings.values())
    checked = 0
    with DEMO_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["territory"] and row["lat"]:
                point = (float(row["lon"]), float(row["lat"]))
                homes = [name for name, ring in rings.items() if _inside(*point, ring)]
                assert homes == [row["territory"]], row["name"]
                checked += 1
    assert checked == 66


def test_country_outlines_hold_western_europe_and_japan() -> None:
    features = sk.outlines("countries")["features"]
    isos = {f["properties"]["iso"] for f in features}
    assert {"FR", "BE", "NL", "DE", "GB", "ES", "IT", "JP"} <= isos
    for feature in features:
        for polygon in feature["geometry"]["coordinates"]:
            ring = polygon[0]
            assert ring[0] == ring[-1] and len(ring) >= 7
    france = next(f for f in features if f["properties"]["iso"] == "FR")
    assert _inside(sk.LENS[1], sk.LENS[0], france["geometry"]["coordinates"][0][0])
    # parsed once per process and shared by every map, coordinates rounded (fewer bytes)
    assert sk.outlines("countries") is sk.outlines("countries")
    assert all(
        round(x, 4) == x and round(y, 4) == y
        for f in features
        for polygon in f["geometry"]["coordinates"]
        for x, y in polygon[0]
    )


# --- partners abroad: engaged only, placed -----------------------------------------------


def test_partners_abroad_are_the_headline_figure(model: view.Model) -> None:
    abroad = model.abroad
    # engaged or committed, outside France: the declined body and the contacts are not
    assert abroad.partners == model.headline.partners_abroad == 4
    assert set(abroad.arcs["stakeholder_id"]) == {"S071", "S072", "S073", "S076"}
    counts = abroad.countries.set_index("country")
    assert int(counts["partners"].sum()) == 4
    assert counts.loc["JP"].to_dict() == {"partners": 3, "committed": 1, "at_centroid": 0}
    assert counts.index[0] == "JP"
    assert not abroad.grouped
    s072 = abroad.arcs.set_index("stakeholder_id").loc["S072"]
    assert s072["placed"] == "exact" and s072["plat"] == pytest.approx(33.0303)


def test_partners_at_one_centroid_are_spread_apart_and_stay_put() -> None:
    read = tiny(
        {"stakeholder_id": "A", "country": "DE", "engagement": "engaged"},
        {"stakeholder_id": "B", "country": "de", "engagement": "committed"},
        {"stakeholder_id": "C", "country": "ZZ", "engagement": "engaged"},
        {"stakeholder_id": "D", "country": None, "lat": 50.4, "lon": 2.8},
        {"stakeholder_id": "E", "country": "DE", "engagement": "contacted"},
    )
    abroad = build(read).abroad
    arcs = abroad.arcs.set_index("stakeholder_id")
    assert list(arcs.index) == ["A", "B"]  # C: unknown country; E: not a partner yet
    assert set(arcs["placed"]) == {"centroid"}
    lat, lon = sk.centroids()["DE"]
    assert ((arcs["plat"] - lat).abs() <= sk.CENTROID_SPREAD_DEG).all()
    assert ((arcs["plon"] - lon).abs() <= sk.CENTROID_SPREAD_DEG).all()
    assert tuple(arcs.loc["A", ["plat", "plon"]]) != tuple(arcs.loc["B", ["plat", "plon"]])
    again = build(read).abroad.arcs
    assert again["plat"].tolist() == abroad.arcs["plat"].tolist()
    assert abroad.countries.set_index("country")["partners"].to_dict() == {"DE": 2, "ZZ": 1}


def test_unlocated_lists_missing_and_centroid_placed(model: view.Model) -> None:
    todo = model.unlocated.set_index("stakeholder_id")
    assert set(todo.index) == {
        "S020", "S035", "S054", "S064", "S075", "S078", "S080", "S082",
    }  # fmt: skip
    assert todo.loc["S075", "placed"] == "centroid" and todo.loc["S020", "placed"] == "missing"
    assert model.unlocated_total == 8
    assert not {"contact_name", "email", "phone"} & set(model.unlocated.columns)


# --- view and aggregation -----------------------------------------------------------------


def test_fit_view_frames_the_points() -> None:
    wide = sk.fit_view([43.0, 51.0], [-5.0, 8.0])
    narrow = sk.fit_view([50.40, 50.45], [2.80, 2.85])
    assert narrow.zoom > wide.zoom
    assert 43 < wide.lat < 51 and -5 < wide.lon < 8
    assert sk.fit_view([], []).zoom == 8.5
    assert sk.fit_view([50.4], [2.8]).zoom == 12.0


def test_aggregation_switch() -> None:
    assert not sk.should_aggregate(80, 9.0)
    assert not sk.should_aggregate(sk.AGGREGATE_ABOVE, 9.0)
    assert sk.should_aggregate(sk.AGGREGATE_ABOVE + 1, 9.0)
    # zoomed out: aggregated once there are more than a few points
    assert sk.should_aggregate(sk.AGGREGATE_ZOOMED_OUT_ABOVE + 1, 5.0)
    assert not sk.should_aggregate(sk.AGGREGATE_ZOOMED_OUT_ABOVE + 1, 8.0)
    assert not sk.should_aggregate(50, 3.0)


def test_the_demo_map_draws_each_local_stakeholder(model: view.Model) -> None:
    local = model.local
    assert local.mode == "points" and local.cells.empty
    assert len(local.points) == local.located == 66
    assert local.unlocated == 4
    assert len(local.sites) == 4
    assert 50 < local.view.lat < 51 and 2.3 < local.view.lon < 3.7


def _mercator(lat: Any, lon: Any) -> tuple[Any, Any]:
    x = 6378137.0 * np.radians(lon)
    y = 6378137.0 * np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))
    return x, y


def test_many_points_are_binned_into_cells_in_sql() -> None:
    count = sk.AGGREGATE_ABOVE + 100
    points = [
        {
            "lat": 50.30 + (i % 50) * 0.005,
            "lon": 2.60 + (i // 50) * 0.02,
            "engagement": "committed" if i % 4 == 0 else "contacted",
            "category": "boulanger" if i % 3 else "restaurateur",
        }
        for i in range(count)
    ]
    read = tiny(*points, {"stakeholder_id": "Y"})  # Y has no coordinates: in no cell
    local = build(read).local
    assert local.mode == "cells" and local.points.empty
    cells = local.cells
    assert list(cells.columns) == ["lat", "lon", "count", "committed", "engaged", "top_category"]
    assert int(cells["count"].sum()) == local.located == count
    assert int(cells["committed"].sum()) == (count + 3) // 4
    assert 1 < len(cells) < count
    assert set(cells["top_category"]) <= {"boulanger", "restaurateur"}
    # each cell's centre is its hexagon's: every point lies within one radius of the
    # centre nearest to it, and each cell counts the points nearest to its centre
    size = sk.cell_size(local.view.zoom)
    px, py = _mercator(np.array([p["lat"] for p in points]), np.array([p["lon"] for p in points]))
    cx, cy = _mercator(cells["lat"].to_numpy(float), cells["lon"].to_numpy(float))
    distance = np.hypot(px[:, None] - cx[None, :], py[:, None] - cy[None, :])
    assert (distance.min(axis=1) <= size * (1 + 1e-6)).all()
    nearest = np.bincount(distance.argmin(axis=1), minlength=len(cells))
    assert nearest.tolist() == cells["count"].tolist()


# --- engagement and coverage --------------------------------------------------------------


def test_funnel_is_cumulative_with_refusals_aside() -> None:
    read = tiny(
        {"category": "boulanger", "engagement": "identified"},
        {"category": "boulanger", "engagement": "contacted"},
        {"category": "boulanger", "engagement": "committed"},
        {"category": "boulanger", "engagement": "declined"},
        {"category": "boulanger", "engagement": None},
        {"category": "traiteur", "engagement": "engaged"},
    )
    table = build(read).funnel.set_index("category")
    assert table.loc["boulanger"].to_dict() == {
        "identified": 4,
        "contacted": 2,
        "engaged": 1,
        "committed": 1,
        "declined": 1,
        "total": 5,
    }
    assert table.loc["traiteur", "contacted"] == 1 and table.loc["traiteur", "committed"] == 0
    long = sk.funnel_long(table.reset_index())
    assert long["stage"].iloc[-1] == "declined"


def test_funnel_of_the_demo(model: view.Model) -> None:
    table = model.funnel.set_index("category")
    assert table.loc["restaurateur"].to_dict() == {
        "identified": 15,
        "contacted": 10,
        "engaged": 7,
        "committed": 2,
        "declined": 0,
        "total": 15,
    }
    assert int(table["total"].sum()) == 82 == model.shown
    # the funnel's engaged stage, over every category, is the headline figure
    assert int(table["engaged"].sum()) == model.headline.partners_engaged == 41


def test_coverage_finds_the_gaps() -> None:
    read = tiny(
        {"territory": "Arras", "category": "boulanger", "engagement": "committed"},
        {"territory": "Arras", "category": "restaurateur", "engagement": "engaged"},
        {"territory": "Douai", "category": " Restaurateur", "engagement": "contacted"},
        {"territory": "Arras", "category": "traiteur", "engagement": "committed", "country": "JP"},
        {"territory": "Ternois", "category": "traiteur", "engagement": "committed"},
    )
    table = build(read).coverage
    states = {(r.territory, r.category): r.state for r in table.itertuples()}
    assert states[("Arras", "boulanger")] == "covered"
    assert states[("Arras", "restaurateur")] == "engaged"
    assert states[("Douai", "restaurateur")] == "prospect"
    assert states[("Valenciennes", "boulanger")] == "none"
    assert states[("Arras", "traiteur")] == "none"  # the partner abroad does not count
    # the seven territories first, then others the data names
    assert list(dict.fromkeys(table["territory"])) == [*sk.TERRITORIES, "Ternois"]
    assert list(dict.fromkeys(table["category"])) == list(sk.COVERAGE_CATEGORIES)
    gaps = sk.gaps(table)
    assert "restaurateur" in gaps["Arras"] and "boulanger" not in gaps["Arras"]
    assert "Béthune-Bruay" in gaps


def test_coverage_of_the_demo(model: view.Model) -> None:
    gaps = model.gaps
    assert "restaurateur" in gaps["Douai"]  # no committed restaurateur in the Douaisis
    assert "restaurateur" not in gaps["Lens-Liévin"]  # Friterie du Terril
    assert "boulanger" not in gaps["Béthune-Bruay"]  # Boulangerie La Cayenne
    assert sum(len(v) for v in gaps.values()) == 29


# --- power / interest ---------------------------------------------------------------------


def test_grid_jitters_equal_scores_apart(model: view.Model) -> None:
    points = model.grid
    assert len(points) == 80 and not model.grid_grouped  # two have no scores
    assert model.unscored == 2
    assert ((points["x"] - points["interest"].astype(float)).abs() <= sk.GRID_JITTER).all()
    assert ((points["y"] - points["influence"].astype(float)).abs() <= sk.GRID_JITTER).all()
    equal = points[(points["influence"] == 1) & (points["interest"] == 3)]
    assert len(equal) > 1 and equal[["x", "y"]].drop_duplicates().shape[0] == len(equal)
    assert model.quadrants == {
        "manage_closely": 6,
        "keep_satisfied": 4,
        "keep_informed": 28,
        "monitor": 42,
    }
    friterie = points[points["stakeholder_id"] == "S016"].iloc[0]
    assert (friterie["influence"], friterie["interest"], friterie["quadrant"]) == (
        2, 5, "keep_informed",
    )  # fmt: skip


def test_grid_groups_many_stakeholders_into_bubbles() -> None:
    count = sk.GRID_POINTS_MAX + 500
    read = tiny(
        *(
            {
                "category": ("boulanger", "traiteur")[i % 2],
                "influence": 1 + i % 5,
                "interest": 1 + (i // 5) % 5,
                "engagement": "committed" if i % 10 == 0 else "contacted",
            }
            for i in range(count)
        )
    )
    model = build(read)
    assert model.grid_grouped
    marks = model.grid
    assert len(marks) == 50  # 25 score pairs x 2 categories
    assert int(marks["count"].sum()) == count == sum(model.quadrants.values())
    assert int(marks["committed"].sum()) == (count + 9) // 10
    spec = sk.power_interest_chart(marks, True, "en").to_dict()
    assert '"count"' in json.dumps(spec)


def test_charts_speak_the_language(model: view.Model, viewer: Reader) -> None:
    grid = json.dumps(
        charts.finish(sk.power_interest_chart(model.grid, False, "fr"), "fr").to_dict(),
        ensure_ascii=False,
    )
    for label in ("Gérer de près", "Satisfaire", "Tenir informé", "Surveiller", "Intérêt"):
        assert label in grid
    assert "#ff800e" in grid  # bakers in their colour
    assert "triangle-up" in grid and "square" in grid  # and each category its shape
    grid_en = json.dumps(
        sk.power_interest_chart(model.grid, False, "en").to_dict(), ensure_ascii=False
    )
    assert "Manage closely" in grid_en and "baker" in grid_en
    funnel = json.dumps(sk.funnel_chart(model.funnel, "fr").to_dict(), ensure_ascii=False)
    assert "partenaire" in funnel and "refus" in funnel
    cover = json.dumps(sk.coverage_chart(model.coverage, "en").to_dict(), ensure_ascii=False)
    assert "Nobody" in cover and "Valenciennes" in cover
    # the model holds them built, in its language; the page adds locale and text size
    built = json.dumps(charts.finish_spec(model.charts.grid, "fr"), ensure_ascii=False)
    assert "Gérer de près" in built and '"decimal": ","' in built
    assert "Manage closely" in json.dumps(build(viewer, lang="en").charts.grid)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_models_charts_are_valid_vega_lite(viewer: Reader, lang: str) -> None:
    """The model keeps specs written without Altair's check (it costs more than the
    queries): the check runs here instead, on every chart, finished as the page
    shows it."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    built = build(viewer, lang=lang).charts
    for name in ("grid", "funnel", "coverage", "legend"):
        spec = charts.finish_spec(getattr(built, name), lang)
        assert validate_jsonschema(spec, load_schema()) is None, name


# --- the list: search, pages, card --------------------------------------------------------


def test_search_ignores_case_and_accents(viewer: Reader) -> None:
    def found(text: str) -> set[str]:
        return set(build(viewer, search=text).table["stakeholder_id"])

    assert found("cite electriciens") == {"S013", "S028", "S029"}
    assert found("FUKUOKA") == {"S071", "S075"}
    assert len(found("  ")) == 50 and build(viewer, search="  ").matches == 82
    assert found("introuvable") == set()
    assert sk.search_words(" Cité  ÉLECTRICIENS ") == ["cite", "electriciens"]


def test_only_staff_find_a_stakeholder_by_its_contact(viewer: Reader, staff: Reader) -> None:
    assert build(viewer, search="verbecquet").table.empty
    # a viewer's state asking for the contacts' search is refused, not answered
    with pytest.raises(PermissionError):
        build(viewer, search="verbecquet", staff=True)
    table = build(staff, search="verbecquet", staff=True).table
    assert list(table["stakeholder_id"]) == ["S012"]
    assert table["email"].iloc[0] == "sophie.verbecquet@example.org"


def test_the_list_comes_in_pages() -> None:
    read = tiny(*({"name": f"Acteur {i:03d}"} for i in range(2 * view.PAGE_SIZE + 20)))
    first = build(read)
    assert (first.page, first.pages, first.matches) == (1, 3, 2 * view.PAGE_SIZE + 20)
    assert len(first.table) == view.PAGE_SIZE
    last = build(read, page=3)
    assert len(last.table) == 20 and last.table["name"].iloc[-1] == "Acteur 119"
    # a page past the end (the filters or the data shrank the list) shows the last one
    beyond = build(read, page=9)
    assert beyond.page == 3 and len(beyond.table) == 20


def test_the_card_of_the_selected_stakeholder(viewer: Reader, staff: Reader) -> None:
    model = build(viewer, selected="S016")
    card = model.card
    assert card is not None
    assert (card["name"], card["quadrant"], card["placed"]) == (
        "Friterie du Terril", "keep_informed", "exact",
    )  # fmt: skip
    assert card["projects"] == "Route de la frite"
    assert model.local.selected == (2.7859, 50.4612, sk.radius(2) + 7)
    assert not {"contact_name", "email", "phone"} & set(card)
    assert build(staff, selected="S012", staff=True).card["email"] == (  # type: ignore[index]
        "sophie.verbecquet@example.org"
    )
    # no coordinates: a card, no ring; filtered out: no card
    unlocated = build(viewer, selected="S020")
    assert unlocated.card is not None and unlocated.card["placed"] == "missing"
    assert unlocated.local.selected is None
    assert build(viewer, selected="S016", categories=("boulanger",)).card is None
    assert build(viewer, selected="S075").card["placed"] == "centroid"  # type: ignore[index]


def test_a_viewers_model_holds_no_personal_data(viewer: Reader) -> None:
    model = build(viewer, selected="S012")
    for part in (model.table, model.unlocated, model.local.points, model.abroad.arcs):
        assert not {"contact_name", "email", "phone"} & set(part.columns)
    text = repr(model)
    for value in ("Verbecquet", "@example.", "03 53 01"):
        assert value not in text


def test_filters_narrow_every_part(viewer: Reader) -> None:
    model = build(viewer, categories=("boulanger",), territories=("Douai", "Arras"))
    assert model.shown == 2
    assert set(model.local.points["stakeholder_id"]) == {"S036", "S043"}
    assert int(model.funnel["total"].sum()) == 2
    assert model.abroad.partners == 0
    # the headline figures stay those of the whole file
    assert model.headline.partners_engaged == 41
    declined = build(viewer, engagements=("declined",))
    assert set(declined.local.points["stakeholder_id"]) == {"S026", "S040", "S056", "S070"}
    assert declined.abroad.partners == 0  # S079 declined: no partner


def test_empty_folder(empty_dir: Path) -> None:
    read = database_reader(db.open_database(Store(empty_dir).current_files()), "viewer")
    assert view.options(read, view.OptionsState()).total == 0
    model = build(read)
    assert model.shown == 0 and model.table.empty and model.abroad.arcs.empty
    assert model.local.mode == "points" and model.local.points.empty
    assert model.headline.partners_engaged == 0


def test_selected_id_reads_streamlit_selection_state() -> None:
    state = {
        "indices": {"stakeholders": [3]},
        "objects": {"stakeholders": [{"id": "S016", "tip": "Friterie du Terril"}]},
    }
    assert sk.selected_id(state, "stakeholders") == "S016"
    assert sk.selected_id(state, "density") is None
    assert sk.selected_id({"indices": {}, "objects": {}}, "stakeholders") is None
    assert sk.selected_id(None, "stakeholders") is None


# --- queries ------------------------------------------------------------------------------


def test_filters_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    assert len(rows(con)) == 82
    bakers = rows(con, categories=("boulanger",), territories=("Douai", "Arras"))
    assert set(bakers["stakeholder_id"]) == {"S036", "S043"}
    assert set(rows(con, engagements=("declined",))["stakeholder_id"]) == {
        "S026", "S040", "S056", "S070", "S079",
    }  # fmt: skip
    # linked to a site by itself or by a project it carries there (P02: street food)
    linked = set(rows(con, sites=("parcours-noir",))["stakeholder_id"])
    assert {"S016", "S017", "S057", "S020", "S021"} <= linked
    assert "S012" not in linked
    by_id = rows(con).set_index("stakeholder_id")
    assert by_id.loc["S016", "projects"] == "Route de la frite"
    assert by_id.loc["S012", "site_name"] == "Restaurant du Parc départemental d'Olhain"
    assert by_id.loc["S049", "engagement"] == "identified"


def test_options_offer_every_value(viewer: Reader) -> None:
    options = view.options(viewer, view.OptionsState())
    assert set(options.territory) == set(sk.TERRITORIES)
    assert options.site["parcours-noir"] == "Parcours noir du mois noir"
    assert options.total == 82


# --- maps ---------------------------------------------------------------------------------


def test_offline_setting() -> None:
    assert map_layers.offline_setting(None)
    assert map_layers.offline_setting("1")
    assert map_layers.offline_setting("")
    assert not map_layers.offline_setting("0")
    assert not map_layers.offline_setting("False")
    assert not map_layers.offline_setting(" off ")


def test_offline_map_names_no_outside_host(model: view.Model) -> None:
    deck = map_layers.local_map(model.local, True, "fr")
    spec = json.loads(map_layers.spec(deck))
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit then draws no basemap
    assert "mapProvider" not in spec
    assert "http" not in map_layers.spec(deck)
    assert map_layers.layer_ids(deck) == [
        "countries", "territories", "territory-names", "stakeholders", "stakeholder-letters",
        "sites", "site-names",
    ]  # fmt: skip
    abroad = map_layers.abroad_map(model.abroad, True, "en")
    assert "http" not in map_layers.spec(abroad)
    assert json.loads(map_layers.spec(abroad))["mapStyle"] == "__MAP_STYLE__"


def test_online_map_uses_the_light_basemap(model: view.Model) -> None:
    deck = map_layers.local_map(model.local, False, "fr")
    spec = json.loads(map_layers.spec(deck))
    assert spec["mapProvider"] == "carto"
    assert "basemaps.cartocdn.com" in spec["mapStyle"] and "positron" in spec["mapStyle"]
    assert "countries" not in map_layers.layer_ids(deck)


def test_point_records_carry_no_personal_data(staff: Reader) -> None:
    points = build(staff, staff=True).local.points
    records = map_layers.point_records(points, "fr")
    assert len(records) == 66
    assert {frozenset(r) for r in records} == {
        frozenset({"id", "tip", "position", "fill", "line", "width", "radius", "letter", "ink"})
    }
    text = json.dumps(records, ensure_ascii=False)
    for value in ("sophie.verbecquet@example.org", "03 53 01 31 22", "Sophie Verbecquet"):
        assert value not in text
    friterie = next(r for r in records if r["id"] == "S016")
    assert friterie["tip"].splitlines() == [
        "Friterie du Terril",
        "restaurateur · Loos-en-Gohelle",
        "Engagement : partenaire",
        "Projets : Route de la frite",
        "Site : Parcours noir du mois noir",
    ]
    assert friterie["fill"] == [0, 107, 164, 215]
    assert friterie["width"] == sk.outline("committed")[1]


def test_selected_stakeholder_gets_a_ring(viewer: Reader) -> None:
    deck = map_layers.local_map(build(viewer, selected="S016").local, True, "fr")
    ring = map_layers.layer_data(deck, "selected")
    assert ring[0]["position"] == [2.7859, 50.4612]
    deck = map_layers.local_map(build(viewer, selected="S020").local, True, "fr")
    assert "selected" not in map_layers.layer_ids(deck)  # no coordinates


def test_many_points_become_cells_on_the_map() -> None:
    count = sk.AGGREGATE_ABOVE + 100
    read = tiny(
        *(
            {
                "lat": 50.30 + (i % 50) * 0.005,
                "lon": 2.60 + (i // 50) * 0.02,
                "engagement": "engaged",
            }
            for i in range(count)
        )
    )
    deck = map_layers.local_map(build(read).local, True, "en")
    ids = map_layers.layer_ids(deck)
    assert "density" in ids and "stakeholders" not in ids
    cells = map_layers.layer_data(deck, "density")
    assert sum(int(c["tip"].split(" ")[0]) for c in cells) == count
    assert len(map_layers.spec(deck)) < 200_000


def test_arcs_start_at_lens(model: view.Model) -> None:
    deck = map_layers.abroad_map(model.abroad, True, "fr")
    arcs = map_layers.layer_data(deck, "arcs")
    assert len(arcs) == 4
    assert {tuple(a["source"]) for a in arcs} == {(2.8319, 50.4291)}
    assert map_layers.layer_ids(deck)[-4:] == ["arcs", "partners", "partner-letters", "origin"]


def test_a_partner_at_its_country_centre_says_so() -> None:
    read = tiny({"stakeholder_id": "K", "name": "Kyūshū", "country": "JP", "engagement": "engaged"})
    arcs = map_layers.layer_data(map_layers.abroad_map(build(read).abroad, True, "fr"), "arcs")
    assert "(placé au centre du pays)" in arcs[0]["tip"]


def test_many_partners_abroad_are_grouped_by_place() -> None:
    cities = (("Tokyo", "JP", 35.68, 139.65), ("Kyoto", "JP", 35.01, 135.77))
    read = tiny(
        *(
            {
                "category": "partenaire international",
                "commune": cities[i % 2][0],
                "country": cities[i % 2][1],
                "lat": cities[i % 2][2] + (i % 7) * 0.001,
                "lon": cities[i % 2][3],
                "engagement": "committed" if i == 4 else "engaged",
            }
            for i in range(sk.ABROAD_GROUP_ABOVE + 1)
        ),
        {"stakeholder_id": "Q", "country": "DE", "engagement": "engaged"},
        {"stakeholder_id": "R", "country": "DE", "engagement": "declined"},
    )
    abroad = build(read).abroad
    assert abroad.grouped and abroad.partners == sk.ABROAD_GROUP_ABOVE + 2
    places = abroad.arcs.set_index("commune")
    assert places.loc["Tokyo", "count"] == 151 and places.loc["Kyoto", "count"] == 150
    assert places.loc["Tokyo", "engagement"] == "committed"
    assert places.loc["Kyoto", "engagement"] == "engaged"
    assert places.loc["", "count"] == 1  # at Germany's centre; the refusal is no partner
    arcs = map_layers.layer_data(map_layers.abroad_map(abroad, True, "en"), "arcs")
    assert len(arcs) == 3
    tokyo = next(a for a in arcs if a["id"] == "JP|Tokyo")
    assert tokyo["tip"] == "Tokyo (JP): 151 engaged partners · 1 committed"
    assert tokyo["arc_width"] > next(a for a in arcs if a["id"] == "DE|")["arc_width"]


def test_every_accessor_names_a_field_of_its_records(viewer: Reader) -> None:
    """pydeck turns bare strings into expressions: a unit or font written bare
    would be evaluated in the browser (and fail), so each must be a field."""
    model = build(viewer, selected="S016")
    local = map_layers.local_map(model.local, True, "fr")
    abroad = map_layers.abroad_map(model.abroad, True, "fr")
    checked = 0
    for deck in (local, abroad):
        for entry in json.loads(map_layers.spec(deck))["layers"]:
            records = entry["data"] if isinstance(entry["data"], list) else []
            for prop, value in entry.items():
                if isinstance(value, str) and value.startswith("@@="):
                    field = value.removeprefix("@@=")
                    assert records and all(field in r for r in records), (entry["id"], prop)
                    checked += 1
            for prop in ("radiusUnits", "lineWidthUnits", "widthUnits"):
                assert entry.get(prop, "pixels") == "pixels", (entry["id"], prop)
            if entry["@@type"] == "TextLayer":
                assert entry["fontFamily"] == "sans-serif"
                text = entry["getText"].removeprefix("@@=")
                # the atlas holds exactly the characters written (É, œ included)
                assert set(entry["characterSet"]) == set().union(*(set(r[text]) for r in records))
    assert checked > 20


def test_the_local_map_draws_with_three_kinds_of_layer(viewer: Reader) -> None:
    """Each kind of deck.gl layer is a shader program the browser compiles before
    the map shows (slow in a software renderer): points, cells, sites and ring are
    scatterplots, outlines are lines, labels (on request) share one font setting
    and no box."""
    many = tiny(
        *(
            {"lat": 50.30 + (i % 50) * 0.005, "lon": 2.60 + (i // 50) * 0.02}
            for i in range(sk.AGGREGATE_ABOVE + 1)
        )
    )
    points = build(viewer, selected="S016").local
    cells = build(many).local
    assert (points.mode, cells.mode) == ("points", "cells")
    for local in (points, cells):
        bare = json.loads(map_layers.spec(map_layers.local_map(local, True, "fr", False)))
        kinds = {entry["@@type"] for entry in bare["layers"]}
        assert kinds == {"ScatterplotLayer", "LineLayer"}, kinds  # without names
        layers = json.loads(map_layers.spec(map_layers.local_map(local, True, "fr")))["layers"]
        kinds = {entry["@@type"] for entry in layers}
        assert kinds == {"ScatterplotLayer", "LineLayer", "TextLayer"}, kinds
        texts = [entry for entry in layers if entry["@@type"] == "TextLayer"]
        assert all(entry["fontSettings"] == map_layers.FONT_SETTINGS for entry in texts)
        assert not any(entry.get("background") for entry in texts)
    # the territories are closed outlines, edge by edge
    edges = map_layers.layer_data(map_layers.local_map(points, True, "fr"), "territories")
    ends = {tuple(e["s"]) for e in edges}
    assert len(edges) > 7 * 3 and ends == {tuple(e["t"]) for e in edges}
    # a cell's disc fills its hexagon's inner circle at the view's zoom
    deck = map_layers.local_map(cells, True, "fr")
    (density,) = (layer for layer in deck.layers if layer.id == "density")
    hexagon_px = sk.CELL_RADIUS_PX * math.sqrt(3) / 2
    assert density.get_radius * 2**cells.view.zoom == pytest.approx(hexagon_px, rel=0.01)
    centres = {tuple(c["position"]) for c in map_layers.layer_data(deck, "density")}
    assert len(centres) == len(cells.cells) > 1


def test_site_labels_keep_apart(model: view.Model) -> None:
    deck = map_layers.local_map(model.local, True, "fr")
    offsets = {r["name"]: r["offset"] for r in map_layers.layer_data(deck, "site-names")}
    # the Louvre-Lens and the Parcours noir are 2 km apart: one above, one below
    assert offsets["Louvre-Lens"] == [0.0, -18.0]
    assert offsets["Parcours noir du mois noir"] == [0.0, 18.0]
    assert len(offsets) == 4 and len({tuple(o) for o in offsets.values()}) == 3
    view_ = sk.View(50.43, 2.82, 9.0)
    crowded = [(2.82, 50.43, "A name long enough to cover its neighbours")] * 7
    placed_labels = map_layers.label_offsets(crowded, view_)
    assert placed_labels[0] is not None and placed_labels.count(None) >= 1


def test_rows_params_default_to_every_row() -> None:
    assert sk.rows_params(["choix-agence"], territories=["Douai"]) == {
        "categories": [], "territories": ["Douai"], "engagements": [], "communes": [],
        "sites": [], "hidden": ["choix-agence"],
    }  # fmt: skip
    with pytest.raises(TypeError):
        sk.rows_params(category=["boulanger"])
