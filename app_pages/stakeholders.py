"""Stakeholders: who is on board, where, and who is missing; partners abroad.

Renders `views.stakeholders` models: widgets in, layout out, nothing computed here.
"""

import os

import pandas as pd
import streamlit as st

from dashboard import charts
from dashboard.charts import alt_text, map_layers
from dashboard.domain import stakeholders as sk
from dashboard.i18n import column_heading, format_number
from dashboard.ui import app, pack_ui, safe, shell, widgets
from dashboard.views import stakeholders as view

shell.header("stakeholders.title")
lang = app.lang()
staff = app.role() == "staff"
hidden = () if staff else app.confidential_evaluations()

# URL key -> session key of the widget that holds it.
FILTERS = {
    "category": "stk_category",
    "territory": "stk_territory",
    "engagement": "stk_engagement",
    "commune": "stk_commune",
    "site": "stk_site",
}
SELECTED, SEARCH, OFFLINE, PAGE = "stk_selected", "stk_search", "stk_offline", "stk_page"
LABELS = "stk_labels"

offered = app.model(view.options, view.OptionsState(hidden=hidden))
if offered.total == 0:
    st.info(app.tr("stakeholders.no_data"), icon="📂")
    st.stop()

choices: dict[str, dict[str, str]] = {
    "category": {v: sk.category_label(v, lang) for v in offered.category},
    "territory": offered.territory,
    "engagement": {e: sk.engagement_label(e, lang) for e in sk.ENGAGEMENTS},
    "commune": offered.commune,
    "site": offered.site,
}

# First run: the widgets start from the URL (a shared link reopens the same view);
# every run: values the data no longer offers are dropped.
for param, key in FILTERS.items():
    app.remember(key, param, [], list)
    st.session_state[key] = [v for v in st.session_state[key] if v in choices[param]]
app.remember(
    OFFLINE, "offline", map_layers.offline_setting(os.environ.get(map_layers.OFFLINE_ENV)), bool
)
# names on by default: on a projector nobody hovers to learn which territory is which
app.remember(LABELS, "labels", True, bool)
app.remember(SEARCH, "q", "")
app.remember(SELECTED, "stakeholder", None)
app.remember(PAGE, "page", 1, int, low=1)
for counter in ("stk_map_gen", "stk_table_gen"):
    st.session_state.setdefault(counter, 0)


def _first_page() -> None:
    st.session_state[PAGE] = 1


def _clear_filters() -> None:
    for key in FILTERS.values():
        st.session_state[key] = []
    _first_page()


st.caption(app.tr("stakeholders.intro"))
columns = st.columns([1, 1, 1, 1, 1, 0.8])
for column, (param, key) in zip(columns, FILTERS.items(), strict=False):
    column.multiselect(
        app.tr(f"stakeholders.filter_{param}"),
        list(choices[param]),
        key=key,
        format_func=choices[param].__getitem__,
        placeholder="—",
        help=app.tr("stakeholders.filter_help"),
        on_change=_first_page,
    )
with columns[-1]:
    st.space("small")
    st.button(app.tr("stakeholders.reset"), on_click=_clear_filters, icon="✖️", width="stretch")

state = view.State(
    situation=app.situation(),
    lang=lang,
    hidden=hidden,
    categories=tuple(st.session_state["stk_category"]),
    territories=tuple(st.session_state["stk_territory"]),
    engagements=tuple(st.session_state["stk_engagement"]),
    communes=tuple(st.session_state["stk_commune"]),
    sites=tuple(st.session_state["stk_site"]),
    search=str(st.session_state[SEARCH] or ""),
    page=max(int(st.session_state[PAGE] or 1), 1),
    selected=st.session_state[SELECTED] or None,
    staff=staff,
    scale=charts.text_scale.get(),
)
model = app.model(view.build, state)
if state.selected and model.card is None:  # the filters leave it out
    st.session_state[SELECTED] = None
st.session_state[PAGE] = model.page
offline = bool(st.session_state[OFFLINE])
labels = bool(st.session_state[LABELS])
selected = st.session_state[SELECTED]

app.to_url(
    **{param: list(st.session_state[key]) for param, key in FILTERS.items()},
    offline=offline,
    labels=None if labels else False,  # the default (names written) stays out of the URL
    q=st.session_state[SEARCH],
    stakeholder=selected,
    page=None if model.page == 1 else model.page,
)

if model.shown == 0:
    st.warning(app.tr("stakeholders.no_match"), icon="🔎")
    st.stop()

# --- figures: the headline ones from views.figures, the others of the filters -------
found = model.headline
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    app.tr("stakeholders.metric_shown"),
    f"{format_number(model.shown, lang)} / {format_number(found.stakeholders, lang)}",
    help=app.tr("stakeholders.metric_shown_help"),
)
m2.metric(app.tr("stakeholders.metric_committed"), format_number(model.committed, lang))
for column, key in ((m3, "partners_engaged"), (m4, "partners_abroad")):
    widgets.figure_metric(column, found, key, lang)
m5.metric(
    app.tr("stakeholders.metric_gaps"),
    format_number(sum(len(v) for v in model.gaps.values()), lang),
    help=app.tr("stakeholders.metric_gaps_help"),
)


# --- selection: map click, table row or the select box, kept in the URL ------------
def _pick(value: str | None, reset: tuple[str, ...]) -> None:
    st.session_state[SELECTED] = value
    for counter in reset:
        st.session_state[counter] += 1


def _on_map(key: str) -> None:
    widget = st.session_state.get(key)
    selection = widget.get("selection") if widget else None
    objects = (selection or {}).get("objects") or {}
    if objects and map_layers.LAYER_STAKEHOLDERS not in objects:
        return  # a site or a cell: the card stays on the stakeholder it shows
    _pick(sk.selected_id(selection, map_layers.LAYER_STAKEHOLDERS), ("stk_table_gen",))


def _on_table(key: str, shown: list[str]) -> None:
    widget = st.session_state.get(key)
    picked = list(widget.get("selection", {}).get("rows", [])) if widget else []
    if picked and picked[0] < len(shown):
        _pick(shown[picked[0]], ("stk_map_gen",))


def _on_select_box() -> None:
    _pick(st.session_state[SELECTED], ("stk_map_gen", "stk_table_gen"))


def _card(row: dict[str, object]) -> None:
    with st.container(border=True):
        st.markdown(f"**{safe.md(row['name'])}**")
        place = ", ".join(
            str(v)
            for v in (row.get("commune"), sk.country_name(str(row["country"]), lang))
            if not sk._missing(v)
        )
        facts = [
            (app.tr("stakeholders.card_category"), sk.category_label(row.get("category"), lang)),
            (app.tr("stakeholders.card_place"), place),
            (app.tr("stakeholders.card_territory"), row.get("territory")),
            (
                app.tr("stakeholders.card_engagement"),
                sk.engagement_label(row.get("engagement"), lang),
            ),
        ]
        if not sk._missing(row.get("quadrant")):
            facts.append(
                (
                    app.tr("stakeholders.card_scores"),
                    app.tr(
                        "stakeholders.card_scores_value",
                        influence=row["influence"],
                        interest=row["interest"],
                    ),
                )
            )
            facts.append(
                (app.tr("stakeholders.card_quadrant"), app.tr(f"stakeholders.{row['quadrant']}"))
            )
        facts += [
            (app.tr("stakeholders.card_site"), row.get("site_name")),
            (app.tr("stakeholders.card_projects"), row.get("projects")),
        ]
        for label, value in facts:
            if not sk._missing(value):
                st.markdown(f"{safe.md(label)} · {safe.md(value)}")
        if staff:
            contact = [str(v) for v in (row.get(c) for c in PERSONAL) if not sk._missing(v)]
            st.markdown(
                f"**{app.tr('stakeholders.card_contact')}** · "
                + (
                    " · ".join(safe.md(v) for v in contact)
                    if contact
                    else app.tr("stakeholders.card_no_contact")
                )
            )
        if row["placed"] == "centroid":
            st.caption(app.tr("stakeholders.card_centroid"))
        elif row["placed"] == "missing":
            st.caption(app.tr("stakeholders.card_missing"))


PERSONAL = ("contact_name", "email", "phone")


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """A page of the list as people read it: labels for columns, categories, engagement."""
    columns = ["name", "category", "commune", "country", "territory", "engagement"]
    columns += ["influence", "interest", "site_name", "projects"]
    columns += [c for c in PERSONAL if c in frame.columns]
    out = frame[columns].assign(
        category=[sk.category_label(c, lang) for c in frame["category"]],
        engagement=[sk.engagement_label(e, lang) for e in frame["engagement"]],
    )
    names = {c: column_heading("stakeholders", c, lang) for c in columns[:8] + columns[10:]}
    names |= {
        "site_name": app.tr("stakeholders.col_site"),
        "projects": app.tr("stakeholders.col_projects"),
    }
    return out.rename(columns=names)


tab_map, tab_abroad, tab_grid, tab_engagement, tab_list = st.tabs(
    [
        app.tr("stakeholders.tab_map"),
        app.tr("stakeholders.tab_abroad"),
        app.tr("stakeholders.tab_grid"),
        app.tr("stakeholders.tab_engagement"),
        app.tr("stakeholders.tab_list"),
    ],
    key="stk_tab",
    on_change="rerun",
)

# --- local map ----------------------------------------------------------------------
if tab_map.open:  # only the open tab runs and is sent
    with tab_map:
        left, right = st.columns([3, 1])
        local = model.local
        map_key = f"stk_map_{st.session_state['stk_map_gen']}"
        with left:
            st.pydeck_chart(
                app.drawing(
                    "local_map",
                    (state, offline, labels),
                    lambda: map_layers.local_map(local, offline, lang, labels),
                ),
                on_select=lambda: _on_map(map_key),
                selection_mode="single-object",
                key=map_key,
                height=560,
                alt=app.tr("stakeholders.map_alt"),
            )
            st.caption(app.tr("stakeholders.map_caption"))
            if local.mode == "cells":
                st.info(
                    app.tr("stakeholders.map_aggregated", count=format_number(local.located, lang)),
                    icon="🔷",
                )
            if local.unlocated:
                st.caption(app.tr("stakeholders.map_unlocated", count=local.unlocated))
            st.toggle(
                app.tr("stakeholders.labels"),
                key=LABELS,
                help=app.tr("stakeholders.labels_help"),
            )
            st.toggle(
                app.tr("stakeholders.offline"),
                key=OFFLINE,
                help=app.tr("stakeholders.offline_help"),
            )
            st.caption(
                app.tr(
                    "stakeholders.map_mode_offline" if offline else "stakeholders.map_mode_online"
                )
            )
        with right:
            # The choices: the list's page shown (bounded), and the selected stakeholder.
            names = dict(
                zip(
                    model.table["stakeholder_id"].astype(str),
                    model.table["name"].astype(str),
                    strict=True,
                )
            )
            if model.card is not None:
                names.setdefault(str(model.card["stakeholder_id"]), str(model.card["name"]))
            st.selectbox(
                app.tr("stakeholders.select"),
                list(names),
                key=SELECTED,
                format_func=names.__getitem__,
                placeholder=app.tr("stakeholders.select_placeholder"),
                help=app.tr("stakeholders.select_help")
                + " "
                + app.tr("stakeholders.select_page_help"),
                on_change=_on_select_box,
            )
            if model.card is not None:
                _card(model.card)
            else:
                st.caption(app.tr("stakeholders.card_hint"))
            legend = charts.finish_spec(model.charts.legend, lang)
            st.vega_lite_chart(
                legend,
                width="content",
                alt=alt_text.describe(legend, lang, app.tr("alt.legend"), "label"),
            )

# --- partners abroad: engaged only, as the headline figure counts them ----------------
if tab_abroad.open:  # only the open tab runs and is sent
    with tab_abroad:
        abroad = model.abroad
        st.caption(app.tr("stakeholders.abroad_intro"))
        if abroad.partners == 0:
            st.info(app.tr("stakeholders.abroad_none"), icon="🌍")
        else:
            st.caption(
                app.tr("stakeholders.abroad_partners", count=format_number(abroad.partners, lang))
            )
            if abroad.grouped:
                st.caption(app.tr("stakeholders.abroad_grouped"))
            left, right = st.columns([3, 1])
            with left:
                st.pydeck_chart(
                    app.drawing(
                        "abroad_map",
                        (state, offline),
                        lambda: map_layers.abroad_map(abroad, offline, lang),
                    ),
                    height=480,
                    alt=app.tr("stakeholders.abroad_alt"),
                )
            with right:
                st.markdown(f"**{app.tr('stakeholders.abroad_counts')}**")
                countries = abroad.countries
                st.dataframe(
                    pd.DataFrame(
                        {
                            app.tr("stakeholders.abroad_country"): [
                                sk.country_name(c, lang) for c in countries["country"]
                            ],
                            app.tr("stakeholders.abroad_stakeholders"): countries["partners"],
                            app.tr("stakeholders.abroad_committed"): countries["committed"],
                            app.tr("stakeholders.abroad_centroid"): countries["at_centroid"],
                        }
                    ),
                    hide_index=True,
                )

# --- power / interest -------------------------------------------------------------------
if tab_grid.open:  # only the open tab runs and is sent
    with tab_grid:
        st.caption(app.tr("stakeholders.grid_intro"))
        left, right = st.columns([3, 1])
        with left:
            grid = charts.finish_spec(model.charts.grid, lang)
            st.vega_lite_chart(
                grid,
                width="stretch",
                alt=alt_text.describe(
                    grid,
                    lang,
                    app.tr("alt.grid"),
                    "category_label",
                    rows=alt_text.totals(grid, "category_label", "count"),
                    value="count",
                    fmt=alt_text.number(lang),
                ),
            )
            pack_ui.png_button(grid, "pouvoir-interet")
        with right:
            st.markdown(f"**{app.tr('stakeholders.grid_counts')}**")
            for quadrant, count in model.quadrants.items():
                st.metric(app.tr(f"stakeholders.{quadrant}"), format_number(count, lang))
        if model.unscored:
            st.caption(app.tr("stakeholders.grid_unscored", count=model.unscored))

# --- engagement and coverage ------------------------------------------------------------
if tab_engagement.open:  # only the open tab runs and is sent
    with tab_engagement:
        st.header(app.tr("stakeholders.funnel"))
        st.caption(app.tr("stakeholders.funnel_intro"))
        funnel = charts.finish_spec(model.charts.funnel, lang)
        st.vega_lite_chart(
            funnel,
            width="stretch",
            alt=alt_text.describe(
                funnel,
                lang,
                app.tr("alt.funnel"),
                "stage_label",
                "stakeholders",
                alt_text.number(lang),
                rows=alt_text.totals(funnel, "stage_label", "stakeholders"),
            ),
        )
        pack_ui.png_button(funnel, "entonnoir-engagement")
        st.dataframe(
            model.funnel.assign(
                category=[sk.category_label(c, lang) for c in model.funnel["category"]]
            ).rename(
                columns={
                    "category": column_heading("stakeholders", "category", lang),
                    **{s: sk.engagement_label(s, lang) for s in (*sk.STAGES, "declined")},
                    "total": app.tr("stakeholders.funnel_total"),
                }
            ),
            hide_index=True,
        )
        st.header(app.tr("stakeholders.coverage"))
        st.caption(app.tr("stakeholders.coverage_intro"))
        coverage_map = charts.finish_spec(model.charts.coverage, lang)
        st.vega_lite_chart(
            coverage_map,
            width="stretch",
            alt=alt_text.describe(
                coverage_map,
                lang,
                app.tr("alt.coverage"),
                "state_label",
                rows=[
                    {"state_label": f"{name} {alt_text.number(lang)(n)}"}
                    for name, n in alt_text.counts(
                        alt_text.rows_of(coverage_map), "state_label"
                    ).items()
                ],
            ),
        )
        pack_ui.png_button(coverage_map, "couverture-territoires")
        st.markdown(f"**{app.tr('stakeholders.coverage_gaps')}**")
        if not model.gaps:
            st.success(app.tr("stakeholders.coverage_no_gap"), icon="✅")
        for territory, categories in model.gaps.items():
            st.markdown(
                "- "
                + app.tr(
                    "stakeholders.coverage_gap_line",
                    territory=safe.md(territory),
                    categories=safe.md(", ".join(sk.category_label(c, lang) for c in categories)),
                )
            )

# --- lists: bounded (the first stakeholders without coordinates, one page of all) -------
if tab_list.open:  # only the open tab runs and is sent
    with tab_list:
        st.header(app.tr("stakeholders.unlocated"))
        todo = model.unlocated
        if todo.empty:
            st.success(app.tr("stakeholders.unlocated_none"), icon="✅")
        else:
            st.caption(app.tr("stakeholders.unlocated_intro"))
            where = {
                "centroid": app.tr("stakeholders.unlocated_centroid"),
                "missing": app.tr("stakeholders.unlocated_missing"),
            }
            shown = todo.assign(
                category=[sk.category_label(c, lang) for c in todo["category"]],
                placed=[where[p] for p in todo["placed"]],
            )
            st.dataframe(
                shown[["name", "category", "commune", "country", "territory", "placed"]].rename(
                    columns={
                        **{
                            c: column_heading("stakeholders", c, lang)
                            for c in ("name", "category", "commune", "country", "territory")
                        },
                        "placed": app.tr("stakeholders.unlocated_where"),
                    }
                ),
                hide_index=True,
            )
            if model.unlocated_total > len(todo):
                st.caption(
                    app.tr(
                        "stakeholders.unlocated_more",
                        shown=format_number(len(todo), lang),
                        count=format_number(model.unlocated_total, lang),
                    )
                )
        st.header(app.tr("stakeholders.table"))
        search_box, page_box = st.columns([3, 1])
        search_box.text_input(
            app.tr("stakeholders.search"),
            key=SEARCH,
            placeholder=app.tr("stakeholders.search_placeholder"),
            on_change=_first_page,
        )
        page_box.number_input(
            app.tr("stakeholders.table_page"), min_value=1, max_value=model.pages, step=1, key=PAGE
        )
        st.caption(
            app.tr(
                "stakeholders.table_pages",
                count=format_number(model.matches, lang),
                size=view.PAGE_SIZE,
                page=model.page,
                pages=model.pages,
            )
        )
        shown_ids = model.table["stakeholder_id"].astype(str).tolist()
        table_key = f"stk_table_{st.session_state['stk_table_gen']}"
        st.dataframe(
            _display(model.table),
            hide_index=True,
            key=table_key,
            on_select=lambda: _on_table(table_key, shown_ids),
            selection_mode="single-row",
        )
