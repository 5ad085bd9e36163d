"""pydeck maps of the stakeholders (pure: frames in, `pydeck.Deck` out).

Offline mode draws no tiles at all (`map_provider=None`): country outlines and
the destination's territories come from GeoJSON files shipped with the
package, so the map reads in a meeting room without network and the browser
asks nothing of any outside host. Online mode adds Carto's light basemap.

Layer data carries only what the map shows (position, colours, size and the
tooltip's text), never a contact's name, e-mail or phone: a viewer's browser
receives the deck's JSON whole.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import pydeck as pdk

from dashboard.charts import text_on
from dashboard.domain import stakeholders as sk
from dashboard.i18n import t
from dashboard.views.stakeholders import Abroad, LocalMap

OFFLINE_ENV = "DASHBOARD_MAP_OFFLINE"

LAYER_COUNTRIES = "countries"
LAYER_TERRITORIES = "territories"
LAYER_TERRITORY_NAMES = "territory-names"
LAYER_STAKEHOLDERS = "stakeholders"
LAYER_LETTERS = "stakeholder-letters"
LAYER_PARTNER_LETTERS = "partner-letters"
LAYER_DENSITY = "density"
LAYER_SITES = "sites"
LAYER_SITE_NAMES = "site-names"
LAYER_SELECTED = "selected"
LAYER_ARCS = "arcs"
LAYER_PARTNERS = "partners"
LAYER_ORIGIN = "origin"

# Every pickable layer's records have a `tip`: one plain-text template for all
# (plain text, never HTML: names are data).
TOOLTIP: dict[str, Any] = {
    "text": "{tip}",
    "style": {"fontSize": "13px", "whiteSpace": "pre-line", "maxWidth": "320px"},
}
# pydeck turns a bare string into an accessor expression ("@@=pixels"); a quoted
# string stays a literal (its quotes are stripped on the way).
PIXELS = "'pixels'"
# deck.gl draws its glyph atlas on a canvas: a plain generic family renders
# everywhere (a list of web fonts shrank the labels to dots in Chromium).
FONT = "'sans-serif'"
_ASCII = frozenset(map(chr, range(32, 127)))


def character_set(texts: Iterable[str]) -> str:
    """The glyphs a TextLayer needs (ASCII and every letter of `texts`, such as
    "É" or "œ"), quoted in backticks so that pydeck passes it as a literal."""
    chars = _ASCII.union(*map(set, texts)) - {"`"}
    return "`" + "".join(sorted(chars)) + "`"


LAND: list[int] = [236, 236, 230, 255]
COAST: list[int] = [150, 150, 150, 255]
SELECTED_RING: list[int] = [255, 179, 0, 255]


def offline_setting(value: str | None) -> bool:
    """The map is offline unless the setting says "0", "false", "no" or "off"."""
    if value is None:
        return True
    return value.strip().lower() not in {"0", "false", "no", "off", "non", "faux"}


# --- records ------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if sk._missing(value) else str(value)


def stakeholder_tip(row: Mapping[Any, Any], lang: str) -> str:
    """A stakeholder's tooltip: name, category and place, engagement, linked projects."""
    place = _text(row.get("commune"))
    country = sk.country_of(row.get("country"))
    if country != "FR":
        place = f"{place} ({country})" if place else country
    lines = [
        _text(row.get("name")),
        " · ".join(p for p in (sk.category_label(row.get("category"), lang), place) if p),
        t(
            "stakeholders.tip_engagement_line",
            lang,
            value=sk.engagement_label(row.get("engagement"), lang),
        ),
    ]
    projects = _text(row.get("projects"))
    if projects:
        lines.append(t("stakeholders.tip_projects", lang, projects=projects))
    site = _text(row.get("site_name"))
    if site:
        lines.append(t("stakeholders.tip_site", lang, site=site))
    if row.get("placed") == "centroid":
        lines.append(t("stakeholders.tip_centroid", lang))
    return "\n".join(lines)


def point_records(points: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """One record per stakeholder drawn (`stakeholders_map_points`, bounded):
    exactly the fields the map uses."""
    records: list[dict[str, Any]] = []
    for row in points.to_dict("records"):
        ring, width = sk.outline(row.get("engagement"))
        records.append(
            {
                "id": str(row["stakeholder_id"]),
                "tip": stakeholder_tip(row, lang),
                "position": [round(float(row["lon"]), 5), round(float(row["lat"]), 5)],
                "fill": list(sk.fill(row.get("category"), row.get("engagement"))),
                "line": list(ring),
                "width": width,
                "radius": sk.radius(row.get("influence")),
                **_letter(row),
            }
        )
    return records


def _letter(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The category's letter written on the point, black or white as its fill asks."""
    rgba = sk.fill(row.get("category"), row.get("engagement"))
    return {
        "letter": sk.category_letter(row.get("category")),
        "ink": [*_rgb(text_on(sk.blended(rgba, rgba[3] / 255))), 255],
    }


def _rgb(code: str) -> list[int]:
    return [int(code.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]


def letter_layer(
    records: list[dict[str, Any]], layer_id: str = LAYER_LETTERS, position: str = "position"
) -> pdk.Layer:
    """Each point's category letter, on the point (the map's points are bounded:
    beyond a few hundred the map draws cells instead)."""
    return pdk.Layer(
        "TextLayer",
        data=[{"position": r[position], "letter": r["letter"], "ink": r["ink"]} for r in records],
        id=layer_id,
        get_position="position",
        get_text="letter",
        get_size=LETTER_PX,
        get_color="ink",
        font_family=FONT,
        font_weight=700,
        character_set=character_set(str(r["letter"]) for r in records),
        pickable=False,
    )


def cell_records(cells: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Aggregated cells: polygon, a fill that darkens with the count, and a tip."""
    if cells.empty:
        return []
    top = max(int(cells["count"].max()), 1)
    records: list[dict[str, Any]] = []
    for cell in cells.to_dict("records"):
        count = int(cell["count"])
        records.append(
            {
                "polygon": cell["polygon"],
                "fill": [13, 71, 161, int(70 + 170 * count / top)],
                "tip": t(
                    "stakeholders.cell_tip",
                    lang,
                    count=count,
                    engaged=int(cell["engaged"]),
                    committed=int(cell["committed"]),
                    category=sk.category_label(cell["top_category"], lang),
                ),
            }
        )
    return records


# --- layers -------------------------------------------------------------------------


def outline_layers(offline: bool, local: bool, lang: str) -> list[pdk.Layer]:
    """Country outlines (offline only: tiles draw them online) and, on the local
    map, the seven territories with their names."""
    layers: list[pdk.Layer] = []
    if offline:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                data=sk.outlines("countries"),
                id=LAYER_COUNTRIES,
                stroked=True,
                filled=True,
                get_fill_color=LAND,
                get_line_color=COAST,
                line_width_units=PIXELS,
                get_line_width=1,
                pickable=False,
            )
        )
    if local:
        territories = sk.outlines("territories")
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                data=territories,
                id=LAYER_TERRITORIES,
                stroked=True,
                filled=True,
                get_fill_color=[120, 144, 156, 22],
                get_line_color=[96, 125, 139, 200],
                line_width_units=PIXELS,
                get_line_width=1.5,
                pickable=False,
            )
        )
        names = [
            {"name": f["properties"]["territory"], "position": _ring_centre(f)}
            for f in territories["features"]
        ]
        layers.append(
            pdk.Layer(
                "TextLayer",
                data=names,
                id=LAYER_TERRITORY_NAMES,
                get_position="position",
                get_text="name",
                get_size=12,
                get_color=[84, 110, 122, 200],
                font_family=FONT,
                character_set=character_set(n["name"] for n in names),
                pickable=False,
            )
        )
    return layers


def _ring_centre(feature: dict[str, Any]) -> list[float]:
    ring = feature["geometry"]["coordinates"][0][:-1]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    return [round(lon, 4), round(lat, 4)]


def stakeholder_layer(
    records: list[dict[str, Any]], layer_id: str = LAYER_STAKEHOLDERS, position: str = "position"
) -> pdk.Layer:
    return pdk.Layer(
        "ScatterplotLayer",
        data=records,
        id=layer_id,
        get_position=position,
        get_fill_color="fill",
        get_line_color="line",
        get_line_width="width",
        get_radius="radius",
        radius_units=PIXELS,
        line_width_units=PIXELS,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
    )


def density_layer(records: list[dict[str, Any]]) -> pdk.Layer:
    return pdk.Layer(
        "PolygonLayer",
        data=records,
        id=LAYER_DENSITY,
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color=[255, 255, 255, 220],
        line_width_units=PIXELS,
        get_line_width=1,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
    )


# The category letters' size on the points, in pixels.
LETTER_PX = 11

# A label's box on screen, estimated: 13 px bold sans-serif is about 7.5 px a letter.
LABEL_CHAR_PX = 7.5
LABEL_HEIGHT_PX = 16.0
LABEL_GAP_PX = 18.0
MARKER_PX = 10.0


def _pixel(lon: float, lat: float, view: sk.View) -> tuple[float, float]:
    world = sk._TILE_PX * 2**view.zoom
    x = world * (lon + 180) / 360
    y = world * (1 - sk._merc_y(lat) / math.pi) / 2
    return x, y


def label_offsets(
    labels: Sequence[tuple[float, float, str]], view: sk.View
) -> list[list[float] | None]:
    """Pixel offsets that keep labels (lon, lat, text) apart, and off the
    markers, at the initial view: above, below, then a row further, then right
    or left; None (no label: the tooltip still names it) when every place is
    taken. Short labels choose first; zooming in only spreads them."""
    points = [_pixel(lon, lat, view) for lon, lat, _ in labels]
    taken = [(x - MARKER_PX, y - MARKER_PX, x + MARKER_PX, y + MARKER_PX) for x, y in points]
    out: list[list[float] | None] = [None] * len(labels)
    for i in sorted(range(len(labels)), key=lambda k: (len(labels[k][2]), k)):
        x, y = points[i]
        w, h, g = LABEL_CHAR_PX * len(labels[i][2]) + 8, LABEL_HEIGHT_PX, LABEL_GAP_PX
        for dx, dy in ((0, -g), (0, g), (0, -2 * g), (0, 2 * g), (w / 2 + 14, 0), (-w / 2 - 14, 0)):
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            if all(
                box[2] <= o[0] or o[2] <= box[0] or box[3] <= o[1] or o[3] <= box[1] for o in taken
            ):
                taken.append(box)
                out[i] = [float(dx), float(dy)]
                break
    return out


def site_layers(sites: pd.DataFrame, lang: str, view: sk.View | None = None) -> list[pdk.Layer]:
    """The mission's sites: white discs ringed in black, named beside."""
    located = sites.dropna(subset=["lat", "lon"])
    records = [
        {
            "name": _text(row["name"]),
            "tip": "\n".join(
                p
                for p in (
                    f"📍 {_text(row['name'])}",
                    " · ".join(x for x in (_text(row.get("kind")), _text(row.get("commune"))) if x),
                    t("stakeholders.tip_mission_site", lang),
                )
                if p
            ),
            "position": [round(float(row["lon"]), 5), round(float(row["lat"]), 5)],
        }
        for _, row in located.iterrows()
    ]
    view = view or sk.fit_view(located["lat"], located["lon"])
    labels = [
        (float(lon), float(lat), _text(name))
        for lon, lat, name in zip(located["lon"], located["lat"], located["name"], strict=True)
    ]
    offsets = label_offsets(labels, view)
    labelled = [{**r, "offset": o} for r, o in zip(records, offsets, strict=True) if o is not None]
    return [
        pdk.Layer(
            "ScatterplotLayer",
            data=records,
            id=LAYER_SITES,
            get_position="position",
            get_fill_color=[255, 255, 255, 255],
            get_line_color=[20, 20, 20, 255],
            get_radius=9,
            get_line_width=4,
            radius_units=PIXELS,
            line_width_units=PIXELS,
            stroked=True,
            filled=True,
            pickable=True,
        ),
        pdk.Layer(
            "TextLayer",
            data=labelled,
            id=LAYER_SITE_NAMES,
            get_position="position",
            get_text="name",
            get_size=13,
            get_color=[20, 20, 20, 255],
            get_pixel_offset="offset",
            background=True,
            get_background_color=[255, 255, 255, 215],
            font_family=FONT,
            font_weight=600,
            character_set=character_set(str(r["name"]) for r in records),
            pickable=False,
        ),
    ]


def selected_layer(ring: tuple[float, float, float] | None) -> pdk.Layer | None:
    """An amber ring (lon, lat, radius) around the selected stakeholder."""
    if ring is None:
        return None
    lon, lat, size = ring
    return pdk.Layer(
        "ScatterplotLayer",
        data=[{"position": [round(lon, 5), round(lat, 5)], "radius": size}],
        id=LAYER_SELECTED,
        get_position="position",
        get_radius="radius",
        radius_units=PIXELS,
        get_line_color=SELECTED_RING,
        get_line_width=4,
        line_width_units=PIXELS,
        stroked=True,
        filled=False,
        pickable=False,
    )


class CompactDeck(pdk.Deck):  # type: ignore[misc]
    """A deck whose JSON has no indentation (pydeck indents by 2: a third of the
    bytes the browser would receive), written once: a deck shared by the sessions
    (`app.drawing`) is not serialised again on every rerun."""

    def to_json(self) -> str:
        written = _WRITTEN.get(self)
        if written is None:
            written = json.dumps(json.loads(super().to_json()), separators=(",", ":"))
            _WRITTEN[self] = written
        return written


# Kept beside the decks, not on them: pydeck writes every attribute of a deck.
_WRITTEN: weakref.WeakKeyDictionary[CompactDeck, str] = weakref.WeakKeyDictionary()


def deck(layers: Sequence[pdk.Layer], view: sk.View, offline: bool, pitch: float = 0) -> pdk.Deck:
    """A deck without any basemap offline (no request leaves the machine), with
    Carto's light tiles online."""
    state = pdk.ViewState(latitude=view.lat, longitude=view.lon, zoom=view.zoom, pitch=pitch)
    if offline:
        return CompactDeck(
            layers=list(layers), initial_view_state=state, map_provider=None, tooltip=TOOLTIP
        )
    return CompactDeck(
        layers=list(layers),
        initial_view_state=state,
        map_provider="carto",
        map_style="light",
        tooltip=TOOLTIP,
    )


# --- the two maps ----------------------------------------------------------------------


def local_map(local: LocalMap, offline: bool, lang: str) -> pdk.Deck:
    """The destination's map: each stakeholder, or cells when they are many."""
    layers = outline_layers(offline, local=True, lang=lang)
    if local.mode == "cells":
        layers.append(density_layer(cell_records(local.cells, lang)))
    else:
        points = point_records(local.points, lang)
        layers.append(stakeholder_layer(points))
        layers.append(letter_layer(points))
    layers.extend(site_layers(local.sites, lang, local.view))
    ring = selected_layer(local.selected)
    if ring is not None:
        layers.append(ring)
    return deck(layers, local.view, offline)


def arc_records(abroad: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    origin = [sk.LENS[1], sk.LENS[0]]
    records: list[dict[str, Any]] = []
    for row in abroad.to_dict("records"):
        value = str(row["engagement"])
        colour = list(sk.ENGAGEMENT_COLOURS.get(value, sk.ENGAGEMENT_COLOURS["identified"]))
        records.append(
            {
                "id": str(row["stakeholder_id"]),
                "tip": stakeholder_tip(row, lang),
                "source": origin,
                "target": [round(float(row["plon"]), 5), round(float(row["plat"]), 5)],
                "colour": [*colour, 230],
                "fill": list(sk.fill(row.get("category"), row.get("engagement"))),
                "line": list(sk.outline(row.get("engagement"))[0]),
                "width": sk.outline(row.get("engagement"))[1],
                "radius": sk.radius(row.get("influence")),
                **_letter(row),
            }
        )
    return records


def place_records(places: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Arcs and discs to places abroad, sized by how many partners are there."""
    origin = [sk.LENS[1], sk.LENS[0]]
    top = max(int(places["count"].max()), 1) if not places.empty else 1
    records: list[dict[str, Any]] = []
    for place in places.to_dict("records"):
        share = (int(place["count"]) / top) ** 0.5
        colour = list(sk.ENGAGEMENT_COLOURS[str(place["engagement"])])
        where = f"{place['commune']} ({place['country']})" if place["commune"] else place["country"]
        records.append(
            {
                "id": f"{place['country']}|{place['commune']}",
                "tip": t(
                    "stakeholders.place_tip",
                    lang,
                    place=where,
                    count=int(place["count"]),
                    committed=int(place["committed"]),
                ),
                "source": origin,
                "target": [round(float(place["plon"]), 5), round(float(place["plat"]), 5)],
                "colour": [*colour, 230],
                "arc_width": round(1.5 + 6 * share, 2),
                "fill": [*colour, 215],
                "line": [255, 255, 255, 255],
                "width": 1.0,
                "radius": round(5 + 15 * share, 2),
            }
        )
    return records


def abroad_map(abroad: Abroad, offline: bool, lang: str) -> pdk.Deck:
    """Arcs from Lens to each engaged partner abroad (at its country's centre when
    it has no coordinates), or to each place when partners are many."""
    if abroad.grouped:
        records = place_records(abroad.arcs, lang)
        arc_width: Any = "arc_width"
    else:
        records = arc_records(abroad.arcs, lang)
        arc_width = 2.5
    lats = [sk.LENS[0], *(r["target"][1] for r in records)]
    lons = [sk.LENS[1], *(r["target"][0] for r in records)]
    view = sk.fit_view(lats, lons, max_zoom=6)
    layers = outline_layers(offline, local=False, lang=lang)
    layers.append(
        pdk.Layer(
            "ArcLayer",
            data=records,
            id=LAYER_ARCS,
            get_source_position="source",
            get_target_position="target",
            get_source_color=[20, 20, 20, 200],
            get_target_color="colour",
            get_width=arc_width,
            width_units=PIXELS,
            get_height=0.4,
            pickable=True,
            auto_highlight=True,
        )
    )
    layers.append(stakeholder_layer(records, LAYER_PARTNERS, position="target"))
    if not abroad.grouped:  # places are counts of several categories: no letter
        layers.append(letter_layer(records, LAYER_PARTNER_LETTERS, position="target"))
    layers.append(
        pdk.Layer(
            "ScatterplotLayer",
            data=[
                {
                    "position": [sk.LENS[1], sk.LENS[0]],
                    "tip": t("stakeholders.tip_origin", lang),
                }
            ],
            id=LAYER_ORIGIN,
            get_position="position",
            get_fill_color=[20, 20, 20, 255],
            get_line_color=[255, 255, 255, 255],
            get_radius=7,
            get_line_width=2,
            radius_units=PIXELS,
            line_width_units=PIXELS,
            stroked=True,
            pickable=True,
        )
    )
    return deck(layers, view, offline, pitch=30)


def spec(deck_obj: pdk.Deck) -> str:
    """The JSON the browser receives for a deck."""
    return str(deck_obj.to_json())


def layer_ids(deck_obj: pdk.Deck) -> list[str]:
    return [str(layer.id) for layer in deck_obj.layers]


def layer_data(deck_obj: pdk.Deck, layer_id: str) -> list[dict[str, Any]]:
    for layer in deck_obj.layers:
        if layer.id == layer_id:
            data: Iterable[dict[str, Any]] = layer.data
            return list(data)
    return []
