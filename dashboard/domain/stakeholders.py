"""Stakeholders: who takes part, where, how engaged (pure, no Streamlit).

The rules the stakeholders view uses beside its SQL (the counting, binning and
placing run in DuckDB: `sql/queries/stakeholders_*.sql`, `views.stakeholders`):
stable colours per category, marker sizes and outlines, the packaged geography
(country centres, outlines parsed once per process), the map's view and the
switch to hexagon cells when there are too many points for it, the cells'
outlines, the search's words, and the Altair charts of the funnel, the coverage
and the power / interest grid. pydeck layers are built in `dashboard.charts.map_layers`.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal, cast

import altair as alt
import pandas as pd

from dashboard.contract import ENGAGEMENT
from dashboard.i18n import choice_label, has, locale, t

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]

# Lens, where the arcs to partners abroad start (the Parcours noir's address).
LENS: tuple[float, float] = (50.4291, 2.8319)  # lat, lon

# The seven tourist-office territories of the destination, in the order the
# committee reads them (west to east).
TERRITORIES: tuple[str, ...] = (
    "Béthune-Bruay",
    "Lens-Liévin",
    "Arras",
    "Douai",
    "Cœur d'Ostrevent",
    "Porte du Hainaut",
    "Valenciennes",
)

# Categories whose committed presence in every territory the mission needs
# (the offer a visitor meets: who cooks, bakes, makes and grows).
COVERAGE_CATEGORIES: tuple[str, ...] = (
    "restaurateur",
    "boulanger",
    "producteur",
    "artisan",
    "traiteur",
)

ENGAGEMENTS: tuple[str, ...] = tuple(value for value, _ in ENGAGEMENT)
# The funnel's stages, in order; `declined` sits aside.
STAGES: tuple[str, ...] = ("identified", "contacted", "engaged", "committed")

# One colour per known category, fixed so that a category keeps its colour
# whatever the filters leave on screen.
# Tableau's colour-blind-safe ten colours; each known category also has its own
# shape on the power/interest grid, so colour is never the only cue.
CATEGORY_COLOURS: dict[str, RGB] = {
    "restaurateur": (0, 107, 164),
    "boulanger": (255, 128, 14),
    "artisan": (171, 171, 171),
    "traiteur": (89, 89, 89),
    "producteur": (95, 158, 209),
    "équipement": (200, 82, 0),
    "office de tourisme": (137, 137, 137),
    "institution": (162, 200, 236),
    "partenaire international": (255, 188, 121),
}
CATEGORY_SHAPES: dict[str, str] = {
    "restaurateur": "circle",
    "boulanger": "square",
    "artisan": "triangle-up",
    "traiteur": "diamond",
    "producteur": "cross",
    "équipement": "triangle-down",
    "office de tourisme": "triangle-right",
    "institution": "triangle-left",
    "partenaire international": "wedge",
}
# Categories the contract does not list take a colour from their name, so it
# does not depend on which other categories are present either.
EXTRA_COLOURS: tuple[RGB, ...] = (
    (0, 107, 164),
    (255, 128, 14),
    (89, 89, 89),
    (95, 158, 209),
    (200, 82, 0),
    (162, 200, 236),
    (255, 188, 121),
)
EXTRA_SHAPES: tuple[str, ...] = ("stroke", "arrow", "square", "diamond", "circle")
# A letter per known category, written on the funnel's segments, the map's points
# and in their legends (beside the name), so that colour is never the only cue
# there either. Other categories take the first letter of their name, in lower case.
CATEGORY_LETTERS: dict[str, str] = {
    "restaurateur": "R",
    "boulanger": "B",
    "artisan": "A",
    "traiteur": "T",
    "producteur": "P",
    "équipement": "E",
    "office de tourisme": "O",
    "institution": "I",
    "partenaire international": "N",
}
UNKNOWN_COLOUR: RGB = (90, 90, 90)

# Engagement: the ring around a point gets darker and thicker as the
# stakeholder comes on board; a refusal is a thin red ring.
ENGAGEMENT_OUTLINE: dict[str, tuple[RGBA, float]] = {
    "identified": ((170, 170, 170, 255), 1.0),
    "contacted": ((110, 110, 110, 255), 1.5),
    "engaged": ((55, 55, 55, 255), 2.5),
    "committed": ((0, 0, 0, 255), 4.0),
    "declined": ((198, 40, 40, 255), 2.0),
}
ENGAGEMENT_COLOURS: dict[str, RGB] = {
    "identified": (176, 190, 197),
    "contacted": (100, 181, 246),
    "engaged": (30, 136, 229),
    "committed": (13, 71, 161),
    "declined": (198, 40, 40),
}

# Marker radius in pixels: influence 1 to 5; unknown influence is drawn smallest.
RADIUS_UNKNOWN = 4.0
RADIUS_BY_INFLUENCE: dict[int, float] = {1: 5.0, 2: 7.0, 3: 9.5, 4: 12.0, 5: 15.0}

# Above this many points the map shows aggregated cells (binned in SQL: the
# browser receives a few hundred cells whatever the file's size); so it does when
# the view must zoom out far (points spread wide) and there are more than a few.
AGGREGATE_ABOVE = 500
AGGREGATE_ZOOMED_OUT_ABOVE = 300
ZOOMED_OUT_BELOW = 7.0
CELL_RADIUS_PX = 22.0

# Power / interest: 4 and 5 are "high" on the 1-5 scale.
HIGH_FROM = 4
QUADRANTS: tuple[str, ...] = ("manage_closely", "keep_satisfied", "keep_informed", "monitor")

_EARTH_RADIUS = 6378137.0
_TILE_PX = 512.0  # deck.gl's world is 512 px wide at zoom 0


# --- names and colours --------------------------------------------------------------


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def _fold(text: object) -> str:
    """Lower case without accents, for search."""
    decomposed = unicodedata.normalize("NFKD", _norm(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def category_colour(category: object) -> RGB:
    """The category's colour: fixed for known categories, from the name otherwise."""
    if _missing(category):
        return UNKNOWN_COLOUR
    key = _norm(category)
    if key in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[key]
    return EXTRA_COLOURS[zlib.crc32(key.encode("utf-8")) % len(EXTRA_COLOURS)]


def category_letter(category: object) -> str:
    """The category's letter: fixed for known categories, its initial otherwise."""
    if _missing(category):
        return "?"
    key = _norm(category)
    if key in CATEGORY_LETTERS:
        return CATEGORY_LETTERS[key]
    return key[:1].lower()


def legend_label(category: object, lang: str) -> str:
    """A category in a legend: its letter, then its name ("R · restaurateur")."""
    return f"{category_letter(category)} · {category_label(category, lang)}"


def blended(rgb: Sequence[int], alpha: float) -> str:
    """`rgb` drawn at `alpha` over white, as '#rrggbb' (what the eye sees)."""
    return hex_colour([round(255 + (c - 255) * alpha) for c in rgb[:3]])


def hex_colour(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def category_label(category: object, lang: str) -> str:
    """A category on screen: translated when the catalogue knows it, as typed otherwise."""
    if _missing(category):
        return "—"
    key = f"stakeholders.category_names.{_norm(category)}"
    return t(key, lang) if has(key, lang) else str(category)


def engagement_label(engagement: object, lang: str) -> str:
    value = "identified" if _missing(engagement) else str(engagement)
    return choice_label("stakeholders", "engagement", value, lang)


def radius(influence: object) -> float:
    """Marker radius in pixels from influence (1-5)."""
    if _missing(influence):
        return RADIUS_UNKNOWN
    level = min(max(int(float(str(influence))), 1), 5)
    return RADIUS_BY_INFLUENCE[level]


def outline(engagement: object) -> tuple[RGBA, float]:
    """Ring colour and width (pixels) for an engagement level."""
    value = "identified" if _missing(engagement) else str(engagement)
    return ENGAGEMENT_OUTLINE.get(value, ENGAGEMENT_OUTLINE["identified"])


def fill(category: object, engagement: object) -> RGBA:
    # A refusal stays visible (someone said no there) but fades.
    alpha = 90 if engagement == "declined" else 215
    return (*category_colour(category), alpha)


# --- packaged geography -------------------------------------------------------------


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """Country (ISO 3166-1 alpha-2) -> (lat, lon) of its centroid, from the package."""
    text = resources.files("dashboard").joinpath("geo/country_centroids.csv").read_text("utf-8")
    return {
        row["country"].strip().upper(): (float(row["lat"]), float(row["lon"]))
        for row in csv.DictReader(text.splitlines())
    }


@cache
def outlines(name: str) -> dict[str, Any]:
    """A packaged GeoJSON (`countries` or `territories`), parsed once per process
    with coordinates rounded to 4 decimals (about 10 m: finer than the map draws,
    and fewer bytes for the browser). Shared: callers must not change it."""
    text = resources.files("dashboard").joinpath(f"geo/{name}.geojson").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    for feature in loaded["features"]:
        geometry = feature["geometry"]
        geometry["coordinates"] = _rounded(geometry["coordinates"])
    return loaded


def _rounded(value: Any) -> Any:
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(float(value), 4)


@cache
def territory_bounds() -> tuple[list[float], list[float]]:
    """Latitudes and longitudes of the territories' outlines (the destination)."""
    lats: list[float] = []
    lons: list[float] = []
    for feature in outlines("territories")["features"]:
        for lon, lat in feature["geometry"]["coordinates"][0]:
            lats.append(lat)
            lons.append(lon)
    return lats, lons


# --- placement -----------------------------------------------------------------------


# Partners placed at their country's centroid are spread a little (in SQL: a
# fixed offset drawn from their id), so that several in one country stay apart.
CENTROID_SPREAD_DEG = 0.8


def country_of(value: object) -> str:
    return "FR" if _missing(value) else str(value).strip().upper()


@dataclass(frozen=True)
class View:
    lat: float
    lon: float
    zoom: float


def _merc_y(lat: float) -> float:
    lat = min(max(lat, -85.0), 85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(
    lats: Iterable[float],
    lons: Iterable[float],
    width: int = 700,
    height: int = 520,
    max_zoom: float = 12.0,
    min_zoom: float = 0.5,
    margin: float = 0.8,
) -> View:
    """The centre and zoom that show every point in a `width` x `height` map."""
    la = [float(v) for v in lats if not _missing(v)]
    lo = [float(v) for v in lons if not _missing(v)]
    if not la or not lo:
        return View(LENS[0], LENS[1], 8.5)
    south, north, west, east = min(la), max(la), min(lo), max(lo)
    y_span = max((_merc_y(north) - _merc_y(south)) / (2 * math.pi), 1e-9)
    x_span = max((east - west) / 360.0, 1e-9)
    zoom = min(
        math.log2(width * margin / (_TILE_PX * x_span)),
        math.log2(height * margin / (_TILE_PX * y_span)),
    )
    centre_y = (_merc_y(north) + _merc_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return View(centre_lat, (west + east) / 2, round(min(max(zoom, min_zoom), max_zoom), 2))


def should_aggregate(count: int, zoom: float) -> bool:
    """Cells instead of points: too many points, or many points seen from far."""
    if count > AGGREGATE_ABOVE:
        return True
    return zoom < ZOOMED_OUT_BELOW and count > AGGREGATE_ZOOMED_OUT_ABOVE


def cell_size(zoom: float, radius_px: float = CELL_RADIUS_PX) -> float:
    """A hexagon's radius in Web Mercator metres that looks `radius_px` wide at `zoom`."""
    metres_per_px = 2 * math.pi * _EARTH_RADIUS / (_TILE_PX * 2**zoom)
    return radius_px * metres_per_px


def funnel_long(table: pd.DataFrame) -> pd.DataFrame:
    """The funnel as one row per (stage, category) with `stakeholders`; the
    stage `declined` last."""
    stages = [*STAGES, "declined"]
    long = table.melt(
        id_vars=["category"], value_vars=stages, var_name="stage", value_name="stakeholders"
    )
    long["order"] = long["stage"].map({s: i for i, s in enumerate(stages)})
    return long.sort_values(["order", "category"]).reset_index(drop=True)


COVERAGE_STATES: tuple[str, ...] = ("covered", "engaged", "prospect", "none")


def gaps(table: pd.DataFrame) -> dict[str, list[str]]:
    """Territory -> categories without a committed stakeholder, in table order."""
    out: dict[str, list[str]] = {}
    for row in table.itertuples(index=False):
        if row.state != "covered":
            out.setdefault(str(row.territory), []).append(str(row.category))
    return out


# --- partners abroad -------------------------------------------------------------------


# Above this many partners abroad the arcs go to places (a city, or a country
# for partners without a commune), not to each partner.
ABROAD_GROUP_ABOVE = 300


GRID_JITTER = 0.28
# The map legend's text at scale 1 (a projector multiplies it by `charts.text_scale`).
LEGEND_FONT_PX = 12


def category_shape(category: object) -> str:
    """The category's shape on the grid: fixed for known categories, from the name otherwise."""
    if _missing(category):
        return "circle"
    key = _norm(category)
    if key in CATEGORY_SHAPES:
        return CATEGORY_SHAPES[key]
    return EXTRA_SHAPES[zlib.crc32(key.encode("utf-8")) % len(EXTRA_SHAPES)]


def _category_shapes(categories: Iterable[object], lang: str) -> list[str]:
    seen: dict[str, str] = {}
    for c in categories:
        seen.setdefault(category_label(c, lang), category_shape(c))
    return list(seen.values())


def _category_scale(categories: Iterable[object], lang: str) -> tuple[list[str], list[str]]:
    seen: dict[str, str] = {}
    for c in categories:
        label = category_label(c, lang)
        seen.setdefault(label, hex_colour(category_colour(c)))
    return list(seen), list(seen.values())


# Above this many scored stakeholders the grid draws one bubble per (scores,
# category), sized by how many share them: thousands of dots would hide each
# other and weigh on the browser.
GRID_POINTS_MAX = 500


def power_interest_chart(points: pd.DataFrame, grouped: bool, lang: str) -> alt.LayerChart:
    """Influence x interest, quadrants labelled, marks coloured by category: the
    grid's marks from `stakeholders_grid` (one per stakeholder, or per scores and
    category when `grouped`)."""
    data = pd.DataFrame(
        {
            "x": points["x"],
            "y": points["y"],
            "name": points["name"].astype(str),
            "category_label": [category_label(c, lang) for c in points["category"]],
            "engagement_label": [engagement_label(e, lang) for e in points["engagement"]],
            "influence": points["influence"].astype(int),
            "interest": points["interest"].astype(int),
            "count": points["count"].astype(int),
            "committed": points["committed"].astype(int),
        }
    )
    domain, colours = _category_scale(points["category"], lang)
    scale = alt.Scale(domain=[0.5, 5.5], nice=False, zero=False)
    axis = alt.Axis(values=[1, 2, 3, 4, 5], grid=False)
    mid = HIGH_FROM - 0.5
    x_title = t("stakeholders.grid_interest", lang)
    y_title = t("stakeholders.grid_influence", lang)
    category_title = t("stakeholders.legend_category", lang)
    if grouped:
        size: Any = alt.Size("count:Q", scale=alt.Scale(range=[30, 900]), legend=None)
        tooltip = [
            alt.Tooltip("category_label:N", title=category_title),
            alt.Tooltip("count:Q", title=t("stakeholders.funnel_count", lang)),
            alt.Tooltip("committed:Q", title=engagement_label("committed", lang)),
        ]
    else:
        size = alt.value(90)
        tooltip = [
            alt.Tooltip("name:N", title=t("stakeholders.tip_name", lang)),
            alt.Tooltip("category_label:N", title=category_title),
            alt.Tooltip("engagement_label:N", title=t("stakeholders.tip_engagement", lang)),
        ]
    tooltip += [
        alt.Tooltip("influence:Q", title=y_title),
        alt.Tooltip("interest:Q", title=x_title),
    ]
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, opacity=0.9, stroke="#111111", strokeWidth=0.6)
        .encode(
            shape=alt.Shape(
                "category_label:N",
                title=category_title,
                scale=alt.Scale(domain=domain, range=_category_shapes(points["category"], lang)),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            x=alt.X("x:Q", title=x_title, scale=scale, axis=axis),
            y=alt.Y("y:Q", title=y_title, scale=scale, axis=axis),
            size=size,
            color=alt.Color(
                "category_label:N",
                title=category_title,
                scale=alt.Scale(domain=domain, range=colours),
                legend=alt.Legend(orient="bottom", columns=3),
            ),
            tooltip=tooltip,
        )
    )
    rules = pd.DataFrame({"v": [mid]})
    vrule = alt.Chart(rules).mark_rule(color="#9e9e9e", strokeDash=[4, 4]).encode(x=alt.X("v:Q"))
    hrule = alt.Chart(rules).mark_rule(color="#9e9e9e", strokeDash=[4, 4]).encode(y=alt.Y("v:Q"))
    corners: dict[
        str,
        tuple[float, float, Literal["left", "right"], Literal["top", "bottom"]],
    ] = {
        "manage_closely": (5.45, 5.45, "right", "top"),
        "keep_satisfied": (0.55, 5.45, "left", "top"),
        "keep_informed": (5.45, 0.55, "right", "bottom"),
        "monitor": (0.55, 0.55, "left", "bottom"),
    }
    labels = []
    for name, (x, y, align, baseline) in corners.items():
        labels.append(
            alt.Chart(pd.DataFrame({"x": [x], "y": [y], "text": [t(f"stakeholders.{name}", lang)]}))
            .mark_text(
                align=align, baseline=baseline, fontSize=13, fontWeight="bold", color="#616161"
            )
            .encode(
                x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text=alt.Text("text:N")
            )
        )
    return cast(alt.LayerChart, alt.layer(vrule, hrule, *labels, dots).properties(height=460))


# A segment narrower than this (pixels) is left without its letter: it would not fit.
LETTER_MIN_PX = 14
DECLINED_OPACITY = 0.45


def funnel_chart(table: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Stages as stacked bars by category (declined aside, at the bottom), each
    segment carrying its category's letter, as the legend does."""
    from dashboard.charts import label_limit, text_on, text_scale

    k = text_scale.get()
    long = funnel_long(table)
    stage_names = [engagement_label(s, lang) for s in (*STAGES, "declined")]
    data = long.assign(
        stage_label=[engagement_label(s, lang) for s in long["stage"]],
        category_label=[category_label(c, lang) for c in long["category"]],
        legend_label=[legend_label(c, lang) for c in long["category"]],
        letter=[category_letter(c) for c in long["category"]],
        aside=[s == "declined" for s in long["stage"]],
    )
    data = data[data["stakeholders"] > 0].sort_values(["order", "category_label"])
    # segments placed here rather than by Vega's stack, so the letters sit in them
    data["end"] = data.groupby("stage", sort=False)["stakeholders"].cumsum()
    data["start"] = data["end"] - data["stakeholders"]
    data["mid"] = (data["start"] + data["end"]) / 2
    data["ink"] = [
        text_on(blended(category_colour(c), DECLINED_OPACITY if aside else 0.95))
        for c, aside in zip(data["category"], data["aside"], strict=True)
    ]
    seen: dict[str, str] = {}
    for c in table["category"]:
        seen.setdefault(legend_label(c, lang), hex_colour(category_colour(c)))
    y = alt.Y("stage_label:N", title=None, sort=stage_names, scale=alt.Scale(domain=stage_names))
    count_title = t("stakeholders.funnel_count", lang)
    tooltip = [
        alt.Tooltip("stage_label:N", title=t("stakeholders.tip_engagement", lang)),
        alt.Tooltip("category_label:N", title=t("stakeholders.legend_category", lang)),
        alt.Tooltip("stakeholders:Q", title=count_title),
    ]
    # the data given to the layer, not to each part: Altair would hash each part's
    # frame (through its text form) to move it up
    base = alt.Chart()
    bars = base.mark_bar().encode(
        y=y,
        x=alt.X("start:Q", title=count_title),
        x2=alt.X2("end:Q"),
        color=alt.Color(
            "legend_label:N",
            title=t("stakeholders.legend_category", lang),
            scale=alt.Scale(domain=list(seen), range=list(seen.values())),
            legend=alt.Legend(
                orient="bottom",
                columns=3,
                labelLimit=label_limit(220, share=0.22, narrowest=60),
            ),
        ),
        opacity=alt.OpacityValue(
            0.95, condition={"test": "datum.aside", "value": DECLINED_OPACITY}
        ),
        tooltip=tooltip,
    )
    wide = f"scale('x', datum.end) - scale('x', datum.start) >= {LETTER_MIN_PX * k:g}"
    letters = base.mark_text(fontSize=round(12 * k), fontWeight="bold").encode(
        y=y,
        x=alt.X("mid:Q"),
        text=alt.TextValue("", condition={"test": wide, "field": "letter", "type": "nominal"}),
        color=alt.Color("ink:N", scale=None),
        tooltip=tooltip,
    )
    layered = alt.layer(bars, letters, data=data)
    return cast(alt.LayerChart, layered.properties(height=alt.Step(38 * k)))


def _vega_str(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


# Blue where partners are on board, orange where they are missing: a diverging
# scheme (ColorBrewer's PuOr / RdBu ends) that readers with any colour-vision
# deficiency still tell apart (tested on simulated protan, deutan and tritan
# vision); every cell also carries its count, or "·" for none.
COVERAGE_COLOURS: dict[str, str] = {
    "covered": "#2166ac",
    "engaged": "#92c5de",
    "prospect": "#fdb863",
    "none": "#e66101",
}


def coverage_chart(table: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Territory x category heat map: dark blue where a stakeholder is committed,
    orange where nobody is even identified."""
    from dashboard.charts import label_limit, text_on, text_scale

    k = text_scale.get()
    states = [t(f"stakeholders.coverage_{s}", lang) for s in COVERAGE_STATES]
    territories = list(dict.fromkeys(table["territory"]))
    categories = [category_label(c, lang) for c in dict.fromkeys(table["category"])]
    data = table.assign(
        state_label=[t(f"stakeholders.coverage_{s}", lang) for s in table["state"]],
        category_label=[category_label(c, lang) for c in table["category"]],
        text=[str(n) if n else "·" for n in table["committed"]],
        ink=[text_on(COVERAGE_COLOURS.get(str(s), "#ffffff")) for s in table["state"]],
    )
    base = alt.Chart().encode(  # the data given to the layer (see funnel_chart)
        x=alt.X(
            "category_label:N",
            title=None,
            sort=categories,
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("territory:N", title=None, sort=territories),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "state_label:N",
            title=None,
            scale=alt.Scale(domain=states, range=list(COVERAGE_COLOURS.values())),
            # one state a line on a phone, side by side on a wider screen
            legend=alt.Legend(
                orient="bottom",
                labelLimit=label_limit(320, share=0.8, narrowest=120),
                columns=alt.ExprRef(
                    expr="containerSize()[0] > 0 && containerSize()[0] < 640 ? 1 : 4"
                ),
            ),
        ),
        tooltip=[
            alt.Tooltip("territory:N", title=t("stakeholders.territory", lang)),
            alt.Tooltip("category_label:N", title=t("stakeholders.legend_category", lang)),
            alt.Tooltip("committed:Q", title=engagement_label("committed", lang)),
            alt.Tooltip("engaged:Q", title=engagement_label("engaged", lang)),
            alt.Tooltip("prospects:Q", title=t("stakeholders.coverage_prospects", lang)),
        ],
    )
    labels = base.mark_text(fontSize=round(14 * k), fontWeight="bold").encode(
        text=alt.Text("text:N"), color=alt.Color("ink:N", scale=None)
    )
    layered = alt.layer(cells, labels, data=data)
    return cast(alt.LayerChart, layered.properties(height=alt.Step(36 * k)))


# --- table and selection ----------------------------------------------------------------


def search_words(text: str | None) -> list[str]:
    """The words of a search, lower case without accents: the table's query keeps
    the rows whose text holds every one."""
    return _fold(text or "").split()


def selected_id(selection: Mapping[str, Any] | None, layer_id: str) -> str | None:
    """The stakeholder picked on the map, from Streamlit's pydeck selection state
    (`{"indices": {layer: [i]}, "objects": {layer: [{...}]}}`)."""
    if not selection:
        return None
    objects = selection.get("objects") or {}
    picked = objects.get(layer_id) or []
    if not picked:
        return None
    value = picked[0].get("id") if isinstance(picked[0], Mapping) else None
    return None if value is None else str(value)


def country_name(code: str, lang: str) -> str:
    """A country's name in the UI language ("Japon" / "Japan"); the code if unknown."""
    from babel import Locale

    names = Locale.parse(locale(lang)).territories
    return str(names.get(code.upper(), code))


def legend_chart(categories: Iterable[object], lang: str) -> alt.VConcatChart:
    """The map's legend: category colours with their letters, engagement rings,
    the site marker; its text as large as the charts' of the moment (a projector's)."""
    from dashboard.charts import text_on, text_scale

    k = text_scale.get()
    cats = list(dict.fromkeys(c for c in categories if not _missing(c)))
    cat_rows = pd.DataFrame(
        {
            "label": [category_label(c, lang) for c in cats],
            "letter": [category_letter(c) for c in cats],
            "fill": [hex_colour(category_colour(c)) for c in cats],
            "ink": [text_on(blended(category_colour(c), 215 / 255)) for c in cats],
        }
    ).drop_duplicates("label")
    ring_rows = pd.DataFrame(
        {
            "label": [engagement_label(e, lang) for e in ENGAGEMENTS],
            "stroke": [hex_colour(outline(e)[0]) for e in ENGAGEMENTS],
            "width": [outline(e)[1] for e in ENGAGEMENTS],
        }
    )
    site_rows = pd.DataFrame({"label": [t("stakeholders.legend_site", lang)]})
    font = round(LEGEND_FONT_PX * k)
    axis = alt.Axis(orient="right", domain=False, ticks=False, title=None, labelFontSize=font)

    def column(data: pd.DataFrame | None, title: str) -> alt.Chart:
        return (
            alt.Chart(
                alt.Undefined if data is None else data,
                title=alt.Title(title, fontSize=font, anchor="start"),
            )
            .encode(
                y=alt.Y("label:N", sort=None, axis=axis),
                x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
            )
            .transform_calculate(x="0.5")
            .properties(width=round(18 * k), height=alt.Step(round(20 * k)))
        )

    area = round(170 * k * k)
    # the categories' data given to their layer (see funnel_chart)
    category_column = column(None, t("stakeholders.legend_category", lang))
    swatches = category_column.mark_circle(size=area, opacity=0.9).encode(
        color=alt.Color("fill:N", scale=None)
    )
    letters = category_column.mark_text(fontSize=round(10 * k), fontWeight="bold").encode(
        text=alt.Text("letter:N"), color=alt.Color("ink:N", scale=None)
    )
    rings = (
        column(ring_rows, t("stakeholders.legend_engagement", lang))
        .mark_circle(size=round(130 * k * k), color="#e0e0e0")
        .encode(
            stroke=alt.Stroke("stroke:N", scale=None),
            strokeWidth=alt.StrokeWidth("width:Q", scale=None),
        )
    )
    site = column(site_rows, " ").mark_circle(
        size=round(170 * k * k), color="white", stroke="#141414", strokeWidth=3.5
    )
    return alt.vconcat(alt.layer(swatches, letters, data=cat_rows), rings, site, spacing=6)


ROW_FILTERS: tuple[str, ...] = ("categories", "territories", "engagements", "communes", "sites")


def rows_params(hidden: Iterable[str] = (), **chosen: Iterable[str]) -> dict[str, list[str]]:
    """Parameters of the `stakeholders_rows` query: every filter empty (all rows)
    unless chosen, and the evaluations the reader may not see."""
    unknown = set(chosen) - set(ROW_FILTERS)
    if unknown:
        raise TypeError(f"unknown filters: {sorted(unknown)}")
    params = {name: list(chosen.get(name, ())) for name in ROW_FILTERS}
    params["hidden"] = list(hidden)
    return params
