"""pydeck maps of the stakeholders (pure: frames in, `pydeck.Deck` out).

Offline mode draws no tiles at all (`map_provider=None`): country outlines and
the destination's territories come from GeoJSON files shipped with the
package, so the map reads in a meeting room without network and the browser
asks nothing of any outside host. Online mode adds Carto's light basemap.

Layer data carries only what the map shows (position, colours, size and the
tooltip's text), never a contact's name, e-mail or phone: a viewer's browser
receives the deck's JSON whole.

The local map is the stakeholders page's main chart, drawn by deck.gl in WebGL:
each kind of layer costs the browser a shader program to compile (slow in a
software renderer, as on a laptop without a graphics card or in headless
Chromium) on every first draw. So the local map uses three kinds only, and
draws its text (the third) only when asked:
scatterplots (stakeholders, cells, sites, the selection ring), lines (country
and territory outlines, edge by edge) and text (one font setting for every label,
the site names haloed in white rather than boxed, each label layer's atlas
holding only the characters it writes).
"""

from __future__ import annotations

import itertools
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
# One atlas setting for every label. A signed-distance atlas lets the site names
# carry a white halo (readable over points, lines and the territories' names)
# without a background box, which would be one more shader program to compile.
# 32 px glyphs: sharp at the 11 to 13 px drawn; the buffer leaves room for the halo.
FONT_WEIGHT = 700
FONT_SETTINGS: dict[str, Any] = {"sdf": True, "fontSize": 32, "buffer": 8, "radius": 10}


def character_set(texts: Iterable[str]) -> str:
    """The glyphs a TextLayer needs (exactly the characters of `texts`, such as
    "É" or "œ": the atlas deck.gl draws holds these and no other), quoted in
    backticks so that pydeck passes it as a literal."""
    chars = set().union(*map(set, texts)) - {"`"}
    return "`" + "".join(sorted(chars)) + "`"


def text_layer(
    data: list[dict[str, Any]],
    layer_id: str,
    text: str,
    size: float,
    weight: int = FONT_WEIGHT,
    **props: Any,
) -> pdk.Layer:
    """Labels in the map's font setting, not pickable (tooltips come from the
    marks beneath)."""
    return pdk.Layer(
        "TextLayer",
        data=data,
        id=layer_id,
        get_position="position",
        get_text=text,
        get_size=size,
        font_family=FONT,
        font_weight=weight,
        font_settings=FONT_SETTINGS,
        character_set=character_set(str(r[text]) for r in data),
        pickable=False,
        **props,
    )


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
    return text_layer(
        [{"position": r[position], "letter": r["letter"], "ink": r["ink"]} for r in records],
        layer_id,
        "letter",
        LETTER_PX,
        get_color="ink",
    )


def cell_records(cells: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Aggregated cells: centre, a fill that darkens with the count, and a tip
    (drawn as discs inscribed in the hexagons: the points' own shader program)."""
    if cells.empty:
        return []
    top = max(int(cells["count"].max()), 1)
    records: list[dict[str, Any]] = []
    for cell in cells.to_dict("records"):
        count = int(cell["count"])
        records.append(
            {
                "position": [round(float(cell["lon"]), 5), round(float(cell["lat"]), 5)],
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


def outline_layers(
    offline: bool, local: bool, lang: str, land: bool = False, names: bool = True
) -> list[pdk.Layer]:
    """Country outlines (offline only: tiles draw them online) and, on the local
    map, the seven territories with their names. Outlines are lines; `land` fills
    the countries too (the map abroad, where land and sea tell the places apart;
    on the local map all is land and a fill would only cost the browser a shader)."""
    layers: list[pdk.Layer] = []
    if offline and land:
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
    elif offline:
        layers.append(line_layer(outline_segments("countries"), LAYER_COUNTRIES, COAST, 1))
    if local:
        layers.append(
            line_layer(outline_segments("territories"), LAYER_TERRITORIES, TERRITORY_LINE, 1.5)
        )
    if local and names:
        layers.append(
            text_layer(
                territory_names(),
                LAYER_TERRITORY_NAMES,
                "name",
                12,
                weight=400,
                get_color=TERRITORY_NAME,
            )
        )
    return layers


TERRITORY_LINE: list[int] = [84, 110, 122, 230]
TERRITORY_NAME: list[int] = [84, 110, 122, 255]


def territory_names() -> list[dict[str, Any]]:
    """Each territory's name at the centre of its outline."""
    return [
        {"name": f["properties"]["territory"], "position": _ring_centre(f)}
        for f in sk.outlines("territories")["features"]
    ]


def outline_segments(name: str) -> list[dict[str, Any]]:
    """Every edge of a packaged GeoJSON's (multi)polygons, as a segment from
    `s` to `t` (deck.gl's LineLayer: a far simpler shader than its PathLayer's,
    and joins are invisible at the 1 to 1.5 px drawn)."""
    segments: list[dict[str, Any]] = []
    for feature in sk.outlines(name)["features"]:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for ring in (ring for polygon in polygons for ring in polygon):
            segments.extend({"s": a, "t": b} for a, b in itertools.pairwise(ring))
    return segments


def line_layer(
    segments: list[dict[str, Any]], layer_id: str, colour: list[int], width_px: float
) -> pdk.Layer:
    return pdk.Layer(
        "LineLayer",
        data=segments,
        id=layer_id,
        get_source_position="s",
        get_target_position="t",
        get_color=colour,
        get_width=width_px,
        width_units=PIXELS,
        pickable=False,
    )


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


def density_layer(records: list[dict[str, Any]], size: float) -> pdk.Layer:
    """Cells as discs inscribed in their hexagons of radius `size` Web Mercator
    metres, in deck.gl's common units (512 to the world's width) so that they
    grow with the zoom as the cells do."""
    radius = size * math.sqrt(3) / 2 * sk._TILE_PX / (2 * math.pi * sk._EARTH_RADIUS)
    return pdk.Layer(
        "ScatterplotLayer",
        data=records,
        id=LAYER_DENSITY,
        get_position="position",
        get_fill_color="fill",
        get_line_color=[255, 255, 255, 220],
        get_radius=round(radius, 8),
        radius_units="'common'",
        line_width_units=PIXELS,
        get_line_width=1,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
    )


# The category letters' size on the points, in pixels.
LETTER_PX = 11
# The site names' white halo, in atlas pixels (32 px glyphs: about 2.5 px drawn).
HALO = 6

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


def site_layers(
    sites: pd.DataFrame, lang: str, view: sk.View | None = None, names: bool = True
) -> list[pdk.Layer]:
    """The mission's sites: white discs ringed in black, named beside (`names`)."""
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
    discs = [
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
        text_layer(
            labelled,
            LAYER_SITE_NAMES,
            "name",
            13,
            get_color=[20, 20, 20, 255],
            get_pixel_offset="offset",
            outline_width=HALO,
            outline_color=[255, 255, 255, 235],
        ),
    ]
    return discs if names else discs[:1]


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


def local_map(local: LocalMap, offline: bool, lang: str, labels: bool = True) -> pdk.Deck:
    """The destination's map: each stakeholder, or cells when they are many;
    `labels` writes the territories' and sites' names and the categories' letters
    (text is one more shader program for the browser to compile: the page draws
    them on request, the tooltips and the legend name everything without)."""
    layers = outline_layers(offline, local=True, lang=lang, names=labels)
    if local.mode == "cells":
        layers.append(density_layer(cell_records(local.cells, lang), sk.cell_size(local.view.zoom)))
    else:
        points = point_records(local.points, lang)
        layers.append(stakeholder_layer(points))
        if labels:
            layers.append(letter_layer(points))
    layers.extend(site_layers(local.sites, lang, local.view, names=labels))
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
    layers = outline_layers(offline, local=False, lang=lang, land=True)
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
