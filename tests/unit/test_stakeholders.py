"""Stakeholder logic and maps: colours, placement, aggregation, funnel, coverage, layers."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import charts, db, map_layers
from dashboard import stakeholders as sk
from dashboard.store import Store

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


@pytest.fixture
def placed(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return sk.place(rows(con))


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
    assert sk.category_colour("boulanger") == (255, 127, 14)
    assert sk.category_colour(" Boulanger ") == (255, 127, 14)
    alone = sk.legend_chart(["boulanger"], "fr").to_dict()
    mixed = sk.legend_chart(["restaurateur", "x", "boulanger"], "fr").to_dict()
    assert "#ff7f0e" in json.dumps(alone) and "#ff7f0e" in json.dumps(mixed)
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
    # a fresh copy each time: a caller's change does not leak into the next map
    features[0]["properties"]["iso"] = "XX"
    assert sk.outlines("countries")["features"][0]["properties"]["iso"] != "XX"


# --- placement ----------------------------------------------------------------------------


def test_place_uses_coordinates_then_the_country_centroid(placed: pd.DataFrame) -> None:
    by_id = placed.set_index("stakeholder_id")
    assert by_id.loc["S072", "placed"] == "exact"
    assert by_id.loc["S072", "plat"] == pytest.approx(33.0303)
    # Association des chefs de Kyūshū: Japan, no coordinates
    assert by_id.loc["S075", "placed"] == "centroid"
    lat, lon = sk.centroids()["JP"]
    assert abs(by_id.loc["S075", "plat"] - lat) <= sk.CENTROID_SPREAD_DEG
    assert abs(by_id.loc["S075", "plon"] - lon) <= sk.CENTROID_SPREAD_DEG
    # a local stakeholder without coordinates is not placed anywhere
    assert by_id.loc["S020", "placed"] == "missing"
    assert pd.isna(by_id.loc["S020", "plat"])
    assert placed["placed"].value_counts().to_dict() == {"exact": 74, "missing": 4, "centroid": 4}
    assert int(placed["abroad"].sum()) == 12


def test_partners_at_one_centroid_are_spread_apart_and_stay_put() -> None:
    two = frame(
        {"stakeholder_id": "A", "country": "DE"},
        {"stakeholder_id": "B", "country": "de"},
        {"stakeholder_id": "C", "country": "ZZ"},
        {"stakeholder_id": "D", "country": None, "lat": 50.4, "lon": 2.8},
    )
    placed = sk.place(two)
    assert placed["placed"].tolist() == ["centroid", "centroid", "missing", "exact"]
    assert placed["country"].tolist() == ["DE", "DE", "ZZ", "FR"]
    a, b = placed.iloc[0], placed.iloc[1]
    assert (a["plat"], a["plon"]) != (b["plat"], b["plon"])
    again = sk.place(two)
    assert again["plat"].tolist()[:2] == placed["plat"].tolist()[:2]


def test_jitter_is_bounded_and_deterministic() -> None:
    offsets = [sk.jitter(f"S{i:03d}", 0.3) for i in range(200)]
    assert all(abs(dx) <= 0.3 and abs(dy) <= 0.3 for dx, dy in offsets)
    assert sk.jitter("S001", 0.3) == sk.jitter("S001", 0.3)
    assert len(set(offsets)) == 200


def test_unlocated_lists_missing_and_centroid_placed(placed: pd.DataFrame) -> None:
    todo = sk.unlocated(placed)
    assert set(todo["stakeholder_id"]) == {
        "S020", "S035", "S054", "S064", "S075", "S078", "S080", "S082",
    }  # fmt: skip


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


def test_hex_cells_count_every_point_once() -> None:
    points = frame(
        *(
            {
                "stakeholder_id": f"S{i}",
                "lat": 50.40 + (i % 10) * 0.01,
                "lon": 2.80 + (i // 10) * 0.01,
                "engagement": "committed" if i % 4 == 0 else "contacted",
                "category": "boulanger" if i % 3 else "restaurateur",
            }
            for i in range(100)
        ),
        {"stakeholder_id": "X", "lat": 50.40, "lon": 2.80},
        {"stakeholder_id": "Y"},
    )
    cells = sk.hex_cells(sk.place(points), zoom=10)
    assert int(cells["count"].sum()) == 101
    assert int(cells["committed"].sum()) == 25
    assert 1 < len(cells) < 101
    ring = cells["polygon"].iloc[0]
    assert len(ring) == 7 and ring[0] == ring[-1]
    assert set(cells["top_category"]) <= {"boulanger", "restaurateur"}
    # a cell is about CELL_RADIUS_PX * 2 wide: fewer cells when zoomed out
    assert len(sk.hex_cells(sk.place(points), zoom=7)) < len(cells)
    assert sk.hex_cells(sk.place(points.iloc[-1:]), zoom=10).empty


# --- engagement and coverage --------------------------------------------------------------


def test_funnel_is_cumulative_with_refusals_aside() -> None:
    data = frame(
        {"category": "boulanger", "engagement": "identified"},
        {"category": "boulanger", "engagement": "contacted"},
        {"category": "boulanger", "engagement": "committed"},
        {"category": "boulanger", "engagement": "declined"},
        {"category": "boulanger", "engagement": None},
        {"category": "traiteur", "engagement": "engaged"},
    )
    table = sk.funnel(data).set_index("category")
    assert table.loc["boulanger"].to_dict() == {
        "identified": 4,
        "contacted": 2,
        "engaged": 1,
        "committed": 1,
        "declined": 1,
        "total": 5,
    }
    assert table.loc["traiteur", "contacted"] == 1 and table.loc["traiteur", "committed"] == 0
    long = sk.funnel_long(sk.funnel(data))
    assert long["stage"].iloc[-1] == "declined"
    assert sk.funnel(data.iloc[0:0]).empty


def test_funnel_of_the_demo(placed: pd.DataFrame) -> None:
    table = sk.funnel(placed).set_index("category")
    assert table.loc["restaurateur"].to_dict() == {
        "identified": 15,
        "contacted": 10,
        "engaged": 7,
        "committed": 2,
        "declined": 0,
        "total": 15,
    }
    assert int(table["total"].sum()) == 82


def test_coverage_finds_the_gaps() -> None:
    data = frame(
        {"territory": "Arras", "category": "boulanger", "engagement": "committed"},
        {"territory": "Arras", "category": "restaurateur", "engagement": "engaged"},
        {"territory": "Douai", "category": "Restaurateur", "engagement": "contacted"},
        {"territory": "Arras", "category": "boulanger", "engagement": "committed", "country": "JP"},
        {"territory": "Ternois", "category": "traiteur", "engagement": "committed"},
    )
    table = sk.coverage(data, categories=("restaurateur", "boulanger"))
    states = {(r.territory, r.category): r.state for r in table.itertuples()}
    assert states[("Arras", "boulanger")] == "covered"
    assert states[("Arras", "restaurateur")] == "engaged"
    assert states[("Douai", "restaurateur")] == "prospect"
    assert states[("Valenciennes", "boulanger")] == "none"
    # the seven territories first, then others the data names
    assert list(dict.fromkeys(table["territory"])) == [*sk.TERRITORIES, "Ternois"]
    arras = table[(table["territory"] == "Arras") & (table["category"] == "boulanger")]
    assert int(arras["committed"].iloc[0]) == 1  # the partner abroad does not count
    gaps = sk.gaps(table)
    assert gaps["Arras"] == ["restaurateur"]
    assert "Béthune-Bruay" in gaps


def test_coverage_of_the_demo(placed: pd.DataFrame) -> None:
    gaps = sk.gaps(sk.coverage(placed))
    assert "restaurateur" in gaps["Douai"]  # no committed restaurateur in the Douaisis
    assert "restaurateur" not in gaps["Lens-Liévin"]  # Friterie du Terril
    assert "boulanger" not in gaps["Béthune-Bruay"]  # Boulangerie La Cayenne
    assert sum(len(v) for v in gaps.values()) == 29


def test_country_counts(placed: pd.DataFrame) -> None:
    counts = sk.country_counts(placed).set_index("country")
    assert counts.loc["JP"].to_dict() == {
        "stakeholders": 5,
        "engaged": 3,
        "committed": 1,
        "at_centroid": 1,
    }
    assert set(counts.index) == {"JP", "BE", "NL", "DE", "GB", "IT", "ES", "PL"}
    assert counts.index[0] == "JP"


# --- power / interest ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("influence", "interest", "expected"),
    [
        (5, 5, "manage_closely"),
        (4, 2, "keep_satisfied"),
        (1, 4, "keep_informed"),
        (3, 3, "monitor"),
        (None, 4, None),
    ],
)
def test_quadrants(influence: object, interest: object, expected: str | None) -> None:
    assert sk.quadrant(influence, interest) == expected


def test_grid_jitters_equal_scores_apart(placed: pd.DataFrame) -> None:
    points = sk.grid_points(placed)
    assert len(points) == 80  # two stakeholders have no scores
    assert ((points["x"] - points["interest"].astype(float)).abs() <= sk.GRID_JITTER).all()
    equal = points[(points["influence"] == 1) & (points["interest"] == 3)]
    assert len(equal) > 1 and equal[["x", "y"]].drop_duplicates().shape[0] == len(equal)
    assert sk.quadrant_counts(placed) == {
        "manage_closely": 6,
        "keep_satisfied": 4,
        "keep_informed": 28,
        "monitor": 42,
    }


def test_charts_speak_the_language(placed: pd.DataFrame) -> None:
    grid = json.dumps(
        charts.finish(sk.power_interest_chart(placed, "fr"), "fr").to_dict(), ensure_ascii=False
    )
    for label in ("Gérer de près", "Satisfaire", "Tenir informé", "Surveiller", "Intérêt"):
        assert label in grid
    assert "#ff7f0e" in grid  # bakers in their colour
    grid_en = json.dumps(sk.power_interest_chart(placed, "en").to_dict(), ensure_ascii=False)
    assert "Manage closely" in grid_en and "baker" in grid_en
    funnel = json.dumps(sk.funnel_chart(sk.funnel(placed), "fr").to_dict(), ensure_ascii=False)
    assert "partenaire" in funnel and "refus" in funnel
    cover = json.dumps(sk.coverage_chart(sk.coverage(placed), "en").to_dict(), ensure_ascii=False)
    assert "Nobody" in cover and "Valenciennes" in cover


# --- search and selection -----------------------------------------------------------------


def test_search_ignores_case_and_accents(placed: pd.DataFrame) -> None:
    assert set(sk.search(placed, "cite electriciens")["stakeholder_id"]) == {"S013", "S028", "S029"}
    assert set(sk.search(placed, "FUKUOKA")["stakeholder_id"]) == {"S071", "S075"}
    assert len(sk.search(placed, "  ")) == len(placed)
    assert sk.search(placed, "introuvable").empty


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


def test_options_offer_every_value(con: duckdb.DuckDBPyConnection) -> None:
    options = db.query(con, "stakeholders_options", hidden=())
    territories = set(options.loc[options["field"] == "territory", "value"])
    assert territories == set(sk.TERRITORIES)
    sites = options[options["field"] == "site"].set_index("value")
    assert sites.loc["parcours-noir", "label"] == "Parcours noir du mois noir"
    assert int(options.loc[options["field"] == "category", "stakeholders"].sum()) == 82


# --- maps ---------------------------------------------------------------------------------


def test_offline_setting() -> None:
    assert map_layers.offline_setting(None)
    assert map_layers.offline_setting("1")
    assert map_layers.offline_setting("")
    assert not map_layers.offline_setting("0")
    assert not map_layers.offline_setting("False")
    assert not map_layers.offline_setting(" off ")


def _sites(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return db.query(con, "sites")


def test_offline_map_names_no_outside_host(
    con: duckdb.DuckDBPyConnection, placed: pd.DataFrame
) -> None:
    local = placed[~placed["abroad"]]
    deck, aggregated = map_layers.local_map(local, _sites(con), None, True, "fr")
    spec = json.loads(map_layers.spec(deck))
    assert not aggregated
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit then draws no basemap
    assert "mapProvider" not in spec
    assert "http" not in map_layers.spec(deck)
    assert map_layers.layer_ids(deck) == [
        "countries", "territories", "territory-names", "stakeholders", "sites", "site-names",
    ]  # fmt: skip
    abroad = map_layers.abroad_map(placed[placed["abroad"]], True, "en")
    assert "http" not in map_layers.spec(abroad)
    assert json.loads(map_layers.spec(abroad))["mapStyle"] == "__MAP_STYLE__"


def test_online_map_uses_the_light_basemap(
    con: duckdb.DuckDBPyConnection, placed: pd.DataFrame
) -> None:
    deck, _ = map_layers.local_map(placed[~placed["abroad"]], _sites(con), None, False, "fr")
    spec = json.loads(map_layers.spec(deck))
    assert spec["mapProvider"] == "carto"
    assert "basemaps.cartocdn.com" in spec["mapStyle"] and "positron" in spec["mapStyle"]
    assert "countries" not in map_layers.layer_ids(deck)


def test_point_records_carry_no_personal_data(placed: pd.DataFrame) -> None:
    assert "email" in placed.columns  # the staff's frame
    records = map_layers.point_records(placed, "fr")
    assert len(records) == 78
    assert {frozenset(r) for r in records} == {
        frozenset({"id", "tip", "position", "fill", "line", "width", "radius"})
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
    assert friterie["fill"] == [214, 39, 40, 215]
    assert friterie["width"] == sk.outline("committed")[1]


def test_selected_stakeholder_gets_a_ring(
    con: duckdb.DuckDBPyConnection, placed: pd.DataFrame
) -> None:
    local = placed[~placed["abroad"]]
    deck, _ = map_layers.local_map(local, _sites(con), "S016", True, "fr")
    ring = map_layers.layer_data(deck, "selected")
    assert ring[0]["position"] == [2.7859, 50.4612]
    deck, _ = map_layers.local_map(local, _sites(con), "S020", True, "fr")  # no coordinates
    assert "selected" not in map_layers.layer_ids(deck)


def test_many_points_become_cells(con: duckdb.DuckDBPyConnection) -> None:
    many = frame(
        *(
            {
                "stakeholder_id": f"S{i}",
                "lat": 50.30 + (i % 50) * 0.005,
                "lon": 2.60 + (i // 50) * 0.02,
                "engagement": "engaged",
            }
            for i in range(sk.AGGREGATE_ABOVE + 100)
        )
    )
    deck, aggregated = map_layers.local_map(sk.place(many), _sites(con), None, True, "en")
    assert aggregated
    ids = map_layers.layer_ids(deck)
    assert "density" in ids and "stakeholders" not in ids
    cells = map_layers.layer_data(deck, "density")
    assert sum(int(c["tip"].split(" ")[0]) for c in cells) == sk.AGGREGATE_ABOVE + 100
    assert len(map_layers.spec(deck)) < 400_000


def test_arcs_start_at_lens(placed: pd.DataFrame) -> None:
    deck = map_layers.abroad_map(placed[placed["abroad"]], True, "fr")
    arcs = map_layers.layer_data(deck, "arcs")
    assert len(arcs) == 12
    assert {tuple(a["source"]) for a in arcs} == {(2.8319, 50.4291)}
    kyushu = next(a for a in arcs if a["id"] == "S075")
    assert "(placé au centre du pays)" in kyushu["tip"]
    assert map_layers.layer_ids(deck)[-3:] == ["arcs", "partners", "origin"]


def test_grid_groups_thousands_of_stakeholders_into_bubbles() -> None:
    many = frame(
        *(
            {
                "stakeholder_id": f"S{i}",
                "category": ("boulanger", "traiteur")[i % 2],
                "influence": 1 + i % 5,
                "interest": 1 + (i // 5) % 5,
                "engagement": "committed" if i % 10 == 0 else "contacted",
            }
            for i in range(sk.GRID_POINTS_MAX + 500)
        )
    )
    marks = sk.grid_marks(many)
    assert len(marks) == 50  # 25 score pairs x 2 categories
    assert int(marks["count"].sum()) == sk.GRID_POINTS_MAX + 500
    assert int(marks["committed"].sum()) == (sk.GRID_POINTS_MAX + 500 + 9) // 10
    spec = sk.power_interest_chart(many, "en").to_dict()  # under Altair's 5,000 rows
    assert '"count"' in json.dumps(spec)
    small = sk.grid_marks(many.iloc[:100])
    assert len(small) == 100 and set(small["count"]) == {1}


def test_many_partners_abroad_are_grouped_by_place() -> None:
    cities = (("Tokyo", "JP", 35.68, 139.65), ("Kyoto", "JP", 35.01, 135.77))
    many = frame(
        *(
            {
                "stakeholder_id": f"P{i}",
                "category": "partenaire international",
                "commune": cities[i % 2][0],
                "country": cities[i % 2][1],
                "lat": cities[i % 2][2] + (i % 7) * 0.001,
                "lon": cities[i % 2][3],
                "engagement": "committed" if i == 4 else "contacted",
            }
            for i in range(sk.ABROAD_GROUP_ABOVE + 1)
        ),
        {"stakeholder_id": "Q", "country": "DE", "engagement": "declined"},
    )
    placed = sk.place(many)
    places = sk.abroad_places(placed).set_index("commune")
    assert places.loc["Tokyo", "count"] == 151 and places.loc["Kyoto", "count"] == 150
    assert places.loc["Tokyo", "engagement"] == "committed"
    assert places.loc["Kyoto", "engagement"] == "contacted"
    assert places.loc["", "engagement"] == "declined"  # at Germany's centroid
    deck = map_layers.abroad_map(placed, True, "en")
    arcs = map_layers.layer_data(deck, "arcs")
    assert len(arcs) == 3
    tokyo = next(a for a in arcs if a["id"] == "JP|Tokyo")
    assert tokyo["tip"] == "Tokyo (JP): 151 partners · 1 engaged or committed · 1 committed"
    assert tokyo["arc_width"] > next(a for a in arcs if a["id"] == "DE|")["arc_width"]


def test_every_accessor_names_a_field_of_its_records(
    con: duckdb.DuckDBPyConnection, placed: pd.DataFrame
) -> None:
    """pydeck turns bare strings into expressions: a unit or font written bare
    would be evaluated in the browser (and fail), so each must be a field."""
    local, _ = map_layers.local_map(placed[~placed["abroad"]], _sites(con), "S016", True, "fr")
    abroad = map_layers.abroad_map(placed[placed["abroad"]], True, "fr")
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
                assert "A" in entry["characterSet"]
                for record in records:
                    assert set(record["name"]) <= set(entry["characterSet"]), record["name"]
    assert checked > 20


def test_site_labels_keep_apart(con: duckdb.DuckDBPyConnection, placed: pd.DataFrame) -> None:
    deck, _ = map_layers.local_map(placed[~placed["abroad"]], _sites(con), None, True, "fr")
    offsets = {r["name"]: r["offset"] for r in map_layers.layer_data(deck, "site-names")}
    # the Louvre-Lens and the Parcours noir are 2 km apart: one above, one below
    assert offsets["Louvre-Lens"] == [0.0, -18.0]
    assert offsets["Parcours noir du mois noir"] == [0.0, 18.0]
    assert len(offsets) == 4 and len({tuple(o) for o in offsets.values()}) == 3
    view = sk.View(50.43, 2.82, 9.0)
    crowded = [(2.82, 50.43, "A name long enough to cover its neighbours")] * 7
    placed_labels = map_layers.label_offsets(crowded, view)
    assert placed_labels[0] is not None and placed_labels.count(None) >= 1


def test_rows_params_default_to_every_row() -> None:
    assert sk.rows_params(["choix-agence"], territories=["Douai"]) == {
        "categories": [], "territories": ["Douai"], "engagements": [], "communes": [],
        "sites": [], "hidden": ["choix-agence"],
    }  # fmt: skip
    with pytest.raises(TypeError):
        sk.rows_params(category=["boulanger"])
