"""The stakeholders page's view model: `build(read, state) -> Model`.

Everything the page (and the pack's stakeholders section) shows, from named SQL
(`sql/queries/stakeholders_*.sql` over the `stakeholders_in` and
`stakeholders_partners_abroad` macros): the headline figures, the engagement funnel, the
coverage of the territories, the power / interest grid, the local map's points or
hexagon cells (binned in SQL beyond a few hundred points), the partners abroad
(engaged only, as the headline figure counts them), the stakeholders without
coordinates and one page of the list. Every frame is bounded by what is drawn, so
the page's payload does not grow with the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import pandas as pd

from dashboard import charts
from dashboard.domain import stakeholders as sk
from dashboard.views import figures, paging
from dashboard.views.reader import Reader
from dashboard.views.together import together

# Rows of the list on one page, and of the stakeholders without coordinates.
PAGE_SIZE = 50
UNLOCATED_MAX = 100


@dataclass(frozen=True)
class State:
    """What the stakeholders page shows: filters, search, page, selection."""

    situation: date
    lang: str = "fr"  # the charts' texts
    hidden: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    engagements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    search: str = ""
    page: int = 1
    selected: str | None = None
    # Staff search contacts too; the query that does is refused to viewers.
    staff: bool = False
    scale: float = 1.0  # chart text size (larger on a projector)


@dataclass(frozen=True)
class LocalMap:
    mode: str  # "points" or "cells"
    view: sk.View
    located: int  # local stakeholders with coordinates (drawn or counted in cells)
    unlocated: int  # local stakeholders without coordinates: not on the map
    points: pd.DataFrame  # mode points: stakeholder_id, name, category, ..., lat, lon
    cells: pd.DataFrame  # mode cells: lat, lon (centre), count, committed, engaged, top_category
    sites: pd.DataFrame  # site_id, name, kind, commune, lat, lon
    selected: tuple[float, float, float] | None  # lon, lat, radius of the ring


@dataclass(frozen=True)
class Abroad:
    partners: int  # engaged partners abroad kept by the filters
    grouped: bool  # arcs go to places (country, commune), not to each partner
    arcs: pd.DataFrame  # one row per partner or per place, with plat / plon
    countries: pd.DataFrame  # country, partners, committed, at_centroid


@dataclass(frozen=True)
class Charts:
    """Vega-Lite specs (made once per model: Altair's validation is the slow part of
    drawing them), without the locale and text-size config the page adds."""

    grid: dict[str, Any]
    funnel: dict[str, Any]
    coverage: dict[str, Any]
    legend: dict[str, Any]


@dataclass(frozen=True)
class Options:
    """The values each filter offers (value -> label), and how many stakeholders."""

    total: int
    category: dict[str, str] = field(default_factory=dict)
    territory: dict[str, str] = field(default_factory=dict)
    commune: dict[str, str] = field(default_factory=dict)
    site: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionsState:
    hidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Model:
    headline: figures.Headline
    shown: int  # stakeholders kept by the filters
    committed: int  # of them, committed partners
    gaps: dict[str, list[str]]  # territory -> categories without a committed partner
    funnel: pd.DataFrame  # category, identified, contacted, engaged, committed, declined, total
    coverage: pd.DataFrame  # territory, category, committed, engaged, prospects, state
    grid: pd.DataFrame  # marks: name, category, engagement, influence, interest, count, x, y
    grid_grouped: bool
    quadrants: dict[str, int]
    unscored: int
    local: LocalMap
    abroad: Abroad
    unlocated: pd.DataFrame  # stakeholder_id, name, category, commune, country, ..., placed
    unlocated_total: int
    table: pd.DataFrame  # the page of the list (contacts for staff only)
    matches: int  # rows the search keeps, over every page
    page: int
    pages: int
    card: dict[str, Any] | None  # the selected stakeholder, when the filters keep it
    state: State

    @cached_property
    def charts(self) -> Charts:
        """The charts' specs, made on first use and kept with the model (a cached
        model is drawn by every session): drawing, not data work."""
        return _charts(self.funnel, self.coverage, self.grid, self.grid_grouped, self.state)


def _filters(state: State) -> dict[str, list[str]]:
    return {
        "categories": list(state.categories),
        "territories": list(state.territories),
        "engagements": list(state.engagements),
        "communes": list(state.communes),
        "sites": list(state.sites),
        "hidden": list(state.hidden),
    }


def _placement() -> dict[str, Any]:
    table = sk.centroids()
    return {
        "codes": list(table),
        "clats": [lat for lat, _ in table.values()],
        "clons": [lon for _, lon in table.values()],
        "spread": sk.CENTROID_SPREAD_DEG,
    }


def options(read: Reader, state: OptionsState) -> Options:
    """What the filters offer (the page validates the URL's values against it)."""
    rows = read("stakeholders_options", hidden=list(state.hidden))

    def of(name: str) -> dict[str, str]:
        part = rows[rows["field"] == name]
        return dict(zip(part["value"].astype(str), part["label"].astype(str), strict=True))

    categories = rows[rows["field"] == "category"]
    return Options(
        total=int(categories["stakeholders"].sum()),
        category=of("category"),
        territory=of("territory"),
        commune=of("commune"),
        site=of("site"),
    )


def _int(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(float(str(value)))


def _local_map(
    read: Reader, params: dict[str, list[str]], summary: pd.Series, card: dict[str, Any] | None
) -> LocalMap:
    with together() as start:
        sites_read = start(lambda: read("sites"))
        box = [summary.get(k) for k in ("south", "north", "west", "east")]
        if any(v is None or pd.isna(v) for v in box):
            lats, lons = sk.territory_bounds()
        else:
            lats, lons = [float(box[0]), float(box[1])], [float(box[2]), float(box[3])]  # type: ignore[arg-type]
        view = sk.fit_view(lats, lons)
        located = _int(summary["local_located"])
        empty = pd.DataFrame()
        if sk.should_aggregate(located, view.zoom):
            size = sk.cell_size(view.zoom)
            cells = read("stakeholders_map_cells", **params, size=size)
            mode, points = "cells", empty
        else:
            points = read("stakeholders_map_points", **params, limit=sk.AGGREGATE_ABOVE)
            mode, cells = "points", empty
        sites = sites_read.get()
    sites = sites.loc[sites["lat"].notna() & sites["lon"].notna()]
    sites = sites[[c for c in ("site_id", "name", "kind", "commune", "lat", "lon") if c in sites]]
    ring = None
    if card is not None and card["located"] and not card["abroad"]:
        ring = (float(card["lon"]), float(card["lat"]), sk.radius(card["influence"]) + 7)
    return LocalMap(
        mode=mode,
        view=view,
        located=located,
        unlocated=_int(summary["local_unlocated"]),
        points=points,
        cells=cells,
        sites=sites.reset_index(drop=True),
        selected=ring,
    )


def _abroad(read: Reader, params: dict[str, list[str]], partners: int) -> Abroad:
    placement = {**params, **_placement()}
    grouped = partners > sk.ABROAD_GROUP_ABOVE
    with together() as start:
        countries = start(lambda: read("stakeholders_abroad_countries", **placement))
        if grouped:
            arcs = read("stakeholders_abroad_places", **placement)
        else:
            arcs = read("stakeholders_abroad", **placement, limit=sk.ABROAD_GROUP_ABOVE)
        return Abroad(partners=partners, grouped=grouped, arcs=arcs, countries=countries.get())


def _table(read: Reader, state: State, params: dict[str, list[str]]) -> tuple[pd.DataFrame, int]:
    """The list's page the state asks for (the last one when it asks past the end)
    and that page's number."""
    words = sk.search_words(state.search)
    contact_ids: list[str] = []
    if state.staff and words:
        contact_ids = read("stakeholders_contact_matches", words=words)["stakeholder_id"].tolist()
    page = max(state.page, 1)

    def table_page(number: int) -> pd.DataFrame:
        return read(
            "stakeholders_table",
            **params,
            words=words,
            contact_ids=contact_ids,
            offset=(number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )

    table = table_page(page)
    if table.empty and page > 1:  # a page past the end (the filters shrank the list)
        table = table_page(1)
        if not table.empty:
            page = -(-int(table["matches"].iloc[0]) // PAGE_SIZE)
            table = table_page(page)
    return table, page


def _card(read: Reader, state: State, params: dict[str, list[str]]) -> dict[str, Any] | None:
    """The selected stakeholder, when the filters keep it, and where it is drawn."""
    if not state.selected:
        return None
    rows = read("stakeholder_card", **params, stakeholder_id=state.selected)
    if rows.empty:
        return None
    card = {str(k): v for k, v in rows.iloc[0].items()}
    if card["located"]:
        card["placed"] = "exact"
    elif card["abroad"] and card["country"] in sk.centroids():
        card["placed"] = "centroid"
    else:
        card["placed"] = "missing"
    return card


def build(read: Reader, state: State) -> Model:
    """The stakeholders page's model for this view state."""
    params = _filters(state)
    with together() as start:
        # what needs no other read first, all at once; then what the counts decide
        summary_read = start(lambda: read("stakeholders_summary", **params))
        headline = start(lambda: figures.headline(read, state.situation, state.hidden))
        coverage = start(
            lambda: read(
                "stakeholders_coverage",
                **params,
                known_territories=list(sk.TERRITORIES),
                wanted_categories=list(sk.COVERAGE_CATEGORIES),
            )
        )
        unlocated = start(
            lambda: read(
                "stakeholders_unlocated", **params, codes=list(sk.centroids()), limit=UNLOCATED_MAX
            )
        )
        funnel = start(lambda: read("stakeholders_funnel", **params))
        listed = start(lambda: _table(read, state, params))
        card = start(lambda: _card(read, state, params))
        summary = summary_read.get().iloc[0]
        scored = _int(summary["scored"])
        grouped = scored > sk.GRID_POINTS_MAX
        grid_read = start(
            lambda: read("stakeholders_grid", **params, points=not grouped, spread=sk.GRID_JITTER)
        )
        abroad = start(lambda: _abroad(read, params, _int(summary["partners_abroad"])))
        local = _local_map(read, params, summary, card.get())
        grid = grid_read.get()
        table, page = listed.get()
        lost = unlocated.get()
    quadrants = grid.groupby("quadrant")["count"].sum()
    matches = int(table["matches"].iloc[0]) if not table.empty else 0
    return Model(
        headline=headline.get(),
        shown=_int(summary["shown"]),
        committed=_int(summary["committed"]),
        gaps=sk.gaps(coverage.get()),
        funnel=funnel.get(),
        coverage=coverage.get(),
        grid=grid,
        grid_grouped=grouped,
        quadrants={q: int(quadrants.get(q, 0)) for q in sk.QUADRANTS},
        unscored=_int(summary["unscored"]),
        local=local,
        abroad=abroad.get(),
        unlocated=lost.drop(columns="total"),
        unlocated_total=int(lost["total"].iloc[0]) if not lost.empty else 0,
        table=table.drop(columns="matches"),
        matches=matches,
        page=page,
        pages=paging.pages(matches, PAGE_SIZE),
        card=card.get(),
        state=state,
    )


def _charts(
    funnel: pd.DataFrame, coverage: pd.DataFrame, grid: pd.DataFrame, grouped: bool, state: State
) -> Charts:
    token = charts.text_scale.set(state.scale)
    try:
        return Charts(
            grid=sk.power_interest_chart(grid, grouped, state.lang).to_dict(validate=False),
            funnel=sk.funnel_chart(funnel, state.lang).to_dict(validate=False),
            coverage=sk.coverage_chart(coverage, state.lang).to_dict(validate=False),
            legend=sk.legend_chart(funnel["category"], state.lang).to_dict(validate=False),
        )
    finally:
        charts.text_scale.reset(token)
