"""Stakeholders: who is on board, where, and who is missing; partners abroad."""

import os
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import app, charts, map_layers, pack_ui, safe
from dashboard import stakeholders as sk
from dashboard.i18n import column_label, format_number

app.header("stakeholders.title")
lang = app.lang()
staff = app.role() == "staff"
hidden = () if staff else app.confidential_evaluations()

# URL parameter -> session key of the widget that holds it.
FILTERS = {
    "category": "stk_category",
    "territory": "stk_territory",
    "engagement": "stk_engagement",
    "commune": "stk_commune",
    "site": "stk_site",
}
SELECTED, SEARCH, OFFLINE = "stk_selected", "stk_search", "stk_offline"

options = app.query("stakeholders_options", hidden=hidden)
if options.empty:
    st.info(app.tr("stakeholders.no_data"), icon="📂")
    st.stop()


def _choices(field: str) -> dict[str, str]:
    if field == "engagement":
        return {e: sk.engagement_label(e, lang) for e in sk.ENGAGEMENTS}
    rows = options[options["field"] == field]
    labels = [
        sk.category_label(v, lang) if field == "category" else str(label)
        for v, label in zip(rows["value"], rows["label"], strict=True)
    ]
    return dict(zip(rows["value"].astype(str), labels, strict=True))


choices = {param: _choices(param) for param in FILTERS}

# First run: the widgets start from the URL (a shared link reopens the same view);
# later runs: values a new data version no longer offers are dropped.
for param, key in FILTERS.items():
    wanted = st.session_state[key] if key in st.session_state else st.query_params.get_all(param)
    st.session_state[key] = [v for v in wanted if v in choices[param]]
if OFFLINE not in st.session_state:
    default = map_layers.offline_setting(os.environ.get(map_layers.OFFLINE_ENV))
    st.session_state[OFFLINE] = {"offline": True, "online": False}.get(
        st.query_params.get("basemap", ""), default
    )
if SEARCH not in st.session_state:
    st.session_state[SEARCH] = st.query_params.get("q", "")
if SELECTED not in st.session_state:
    st.session_state[SELECTED] = st.query_params.get("stakeholder") or None
for counter in ("stk_map_gen", "stk_table_gen"):
    st.session_state.setdefault(counter, 0)


def _clear_filters() -> None:
    for key in FILTERS.values():
        st.session_state[key] = []


st.caption(app.tr("stakeholders.intro"))
columns = st.columns([1, 1, 1, 1, 1, 0.8])
labels = {
    "category": "stakeholders.filter_category",
    "territory": "stakeholders.filter_territory",
    "engagement": "stakeholders.filter_engagement",
    "commune": "stakeholders.filter_commune",
    "site": "stakeholders.filter_site",
}
for column, (param, key) in zip(columns, FILTERS.items(), strict=False):
    column.multiselect(
        app.tr(labels[param]),
        list(choices[param]),
        key=key,
        format_func=choices[param].__getitem__,
        placeholder="—",
        help=app.tr("stakeholders.filter_help"),
    )
with columns[-1]:
    st.space("small")
    st.button(app.tr("stakeholders.reset"), on_click=_clear_filters, icon="✖️", width="stretch")

filters = {param: tuple(st.session_state[key]) for param, key in FILTERS.items()}
rows = app.query(
    "stakeholders_rows",
    categories=filters["category"],
    territories=filters["territory"],
    engagements=filters["engagement"],
    communes=filters["commune"],
    sites=filters["site"],
    hidden=hidden,
)
sites = app.query("sites")
placed = sk.place(rows)
ids = placed["stakeholder_id"].astype(str).tolist()
names = dict(zip(ids, placed["name"].astype(str), strict=True))
if st.session_state[SELECTED] not in names:
    st.session_state[SELECTED] = None
offline = bool(st.session_state[OFFLINE])


def _sync_url() -> None:
    wanted: dict[str, Any] = {param: list(values) for param, values in filters.items()}
    wanted["basemap"] = "offline" if offline else "online"
    wanted["q"] = st.session_state[SEARCH] or []
    wanted["stakeholder"] = st.session_state[SELECTED] or []
    for param, value in wanted.items():
        if value in ([], ""):
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get_all(param) != ([value] if isinstance(value, str) else value):
            st.query_params[param] = value


_sync_url()

if placed.empty:
    st.warning(app.tr("stakeholders.no_match"), icon="🔎")
    st.stop()

# --- figures ------------------------------------------------------------------------
total = int(options.loc[options["field"] == "category", "stakeholders"].sum())
engagement = placed["engagement"]
cover = sk.coverage(placed)
missing = sum(len(v) for v in sk.gaps(cover).values())
countries = sk.country_counts(placed)
m1, m2, m3, m4, m5 = st.columns(5)
m1.metric(
    app.tr("stakeholders.metric_shown"),
    f"{format_number(len(placed), lang)} / {format_number(total, lang)}",
    help=app.tr("stakeholders.metric_shown_help"),
)
m2.metric(
    app.tr("stakeholders.metric_committed"),
    format_number(int((engagement == "committed").sum()), lang),
)
m3.metric(
    app.tr("stakeholders.metric_engaged"),
    format_number(int(engagement.isin(["engaged", "committed"]).sum()), lang),
)
m4.metric(
    app.tr("stakeholders.metric_gaps"),
    format_number(missing, lang),
    help=app.tr("stakeholders.metric_gaps_help"),
)
m5.metric(
    app.tr("stakeholders.metric_abroad", countries=format_number(len(countries), lang)),
    format_number(int(placed["abroad"].sum()), lang),
)


# --- selection: map click, table row or the select box, kept in the URL ------------
def _pick(value: str | None, reset: tuple[str, ...]) -> None:
    st.session_state[SELECTED] = value
    for counter in reset:
        st.session_state[counter] += 1


def _on_map(key: str) -> None:
    state = st.session_state.get(key)
    selection = state.get("selection") if state else None
    objects = (selection or {}).get("objects") or {}
    if objects and map_layers.LAYER_STAKEHOLDERS not in objects:
        return  # a site or a cell: the card stays on the stakeholder it shows
    _pick(sk.selected_id(selection, map_layers.LAYER_STAKEHOLDERS), ("stk_table_gen",))


def _on_table(key: str, shown: list[str]) -> None:
    state = st.session_state.get(key)
    picked = list(state.get("selection", {}).get("rows", [])) if state else []
    if picked and picked[0] < len(shown):
        _pick(shown[picked[0]], ("stk_map_gen",))


def _on_select_box() -> None:
    _pick(st.session_state[SELECTED], ("stk_map_gen", "stk_table_gen"))


selected = st.session_state[SELECTED]


def _card(row: pd.Series) -> None:
    with st.container(border=True):
        st.markdown(f"**{safe.md(row['name'])}**")
        place = ", ".join(
            str(v)
            for v in (row.get("commune"), sk.country_name(row["country"], lang))
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
        if not sk._missing(row.get("influence")) and not sk._missing(row.get("interest")):
            facts.append(
                (
                    app.tr("stakeholders.card_scores"),
                    app.tr(
                        "stakeholders.card_scores_value",
                        influence=int(row["influence"]),
                        interest=int(row["interest"]),
                    ),
                )
            )
            quadrant = sk.quadrant(row["influence"], row["interest"])
            facts.append((app.tr("stakeholders.card_quadrant"), app.tr(f"stakeholders.{quadrant}")))
        facts += [
            (app.tr("stakeholders.card_site"), row.get("site_name")),
            (app.tr("stakeholders.card_projects"), row.get("projects")),
        ]
        for label, value in facts:
            if not sk._missing(value):
                st.markdown(f"{safe.md(label)} · {safe.md(value)}")
        if staff:
            contact = [row.get(c) for c in ("contact_name", "email", "phone")]
            contact = [str(v) for v in contact if not sk._missing(v)]
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


tab_map, tab_abroad, tab_grid, tab_engagement, tab_list = st.tabs(
    [
        app.tr("stakeholders.tab_map"),
        app.tr("stakeholders.tab_abroad"),
        app.tr("stakeholders.tab_grid"),
        app.tr("stakeholders.tab_engagement"),
        app.tr("stakeholders.tab_list"),
    ]
)

local = placed[~placed["abroad"]]
abroad = placed[placed["abroad"]]

# --- local map ----------------------------------------------------------------------
with tab_map:
    left, right = st.columns([3, 1])
    deck, aggregated = map_layers.local_map(local, sites, selected, offline, lang)
    map_key = f"stk_map_{st.session_state['stk_map_gen']}"
    with left:
        st.pydeck_chart(
            deck,
            on_select=lambda: _on_map(map_key),
            selection_mode="single-object",
            key=map_key,
            height=560,
            alt=app.tr("stakeholders.map_alt"),
        )
        st.caption(app.tr("stakeholders.map_caption"))
        if aggregated:
            st.info(
                app.tr(
                    "stakeholders.map_aggregated",
                    count=format_number(int(local["plat"].notna().sum()), lang),
                ),
                icon="🔷",
            )
        unplaced = int((local["placed"] == "missing").sum())
        if unplaced:
            st.caption(app.tr("stakeholders.map_unlocated", count=unplaced))
        st.toggle(
            app.tr("stakeholders.offline"), key=OFFLINE, help=app.tr("stakeholders.offline_help")
        )
        st.caption(
            app.tr("stakeholders.map_mode_offline" if offline else "stakeholders.map_mode_online")
        )
    with right:
        st.selectbox(
            app.tr("stakeholders.select"),
            ids,
            key=SELECTED,
            format_func=names.__getitem__,
            placeholder=app.tr("stakeholders.select_placeholder"),
            help=app.tr("stakeholders.select_help"),
            on_change=_on_select_box,
        )
        if selected:
            _card(placed[placed["stakeholder_id"] == selected].iloc[0])
        else:
            st.caption(app.tr("stakeholders.card_hint"))
        st.altair_chart(
            charts.finish(sk.legend_chart(placed["category"], lang), lang), width="content"
        )

# --- partners abroad ------------------------------------------------------------------
with tab_abroad:
    st.caption(app.tr("stakeholders.abroad_intro"))
    if abroad.empty:
        st.info(app.tr("stakeholders.abroad_none"), icon="🌍")
    else:
        left, right = st.columns([3, 1])
        with left:
            st.pydeck_chart(
                map_layers.abroad_map(abroad, offline, lang),
                height=480,
                alt=app.tr("stakeholders.abroad_alt"),
            )
        with right:
            st.markdown(f"**{app.tr('stakeholders.abroad_counts')}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        app.tr("stakeholders.abroad_country"): [
                            sk.country_name(c, lang) for c in countries["country"]
                        ],
                        app.tr("stakeholders.abroad_stakeholders"): countries["stakeholders"],
                        app.tr("stakeholders.abroad_engaged"): countries["engaged"],
                        app.tr("stakeholders.abroad_centroid"): countries["at_centroid"],
                    }
                ),
                hide_index=True,
            )

# --- power / interest -------------------------------------------------------------------
with tab_grid:
    st.caption(app.tr("stakeholders.grid_intro"))
    left, right = st.columns([3, 1])
    with left:
        grid = charts.finish(sk.power_interest_chart(placed, lang), lang)
        st.altair_chart(grid, width="stretch")
        pack_ui.png_button(grid, "pouvoir-interet")
    with right:
        st.markdown(f"**{app.tr('stakeholders.grid_counts')}**")
        for quadrant, count in sk.quadrant_counts(placed).items():
            st.metric(app.tr(f"stakeholders.{quadrant}"), format_number(count, lang))
    unscored = int((placed["influence"].isna() | placed["interest"].isna()).sum())
    if unscored:
        st.caption(app.tr("stakeholders.grid_unscored", count=unscored))

# --- engagement and coverage ------------------------------------------------------------
with tab_engagement:
    st.subheader(app.tr("stakeholders.funnel"))
    st.caption(app.tr("stakeholders.funnel_intro"))
    table = sk.funnel(placed)
    funnel = charts.finish(sk.funnel_chart(table, lang), lang)
    st.altair_chart(funnel, width="stretch")
    pack_ui.png_button(funnel, "entonnoir-engagement")
    shown = table.assign(category=[sk.category_label(c, lang) for c in table["category"]])
    st.dataframe(
        shown.rename(
            columns={
                "category": column_label("stakeholders", "category", lang),
                **{s: sk.engagement_label(s, lang) for s in (*sk.STAGES, "declined")},
                "total": app.tr("stakeholders.funnel_total"),
            }
        ),
        hide_index=True,
    )
    st.subheader(app.tr("stakeholders.coverage"))
    st.caption(app.tr("stakeholders.coverage_intro"))
    coverage_map = charts.finish(sk.coverage_chart(cover, lang), lang)
    st.altair_chart(coverage_map, width="stretch")
    pack_ui.png_button(coverage_map, "couverture-territoires")
    st.markdown(f"**{app.tr('stakeholders.coverage_gaps')}**")
    missing_by_territory = sk.gaps(cover)
    if not missing_by_territory:
        st.success(app.tr("stakeholders.coverage_no_gap"), icon="✅")
    for territory, categories in missing_by_territory.items():
        st.markdown(
            "- "
            + app.tr(
                "stakeholders.coverage_gap_line",
                territory=safe.md(territory),
                categories=safe.md(", ".join(sk.category_label(c, lang) for c in categories)),
            )
        )

# --- lists -------------------------------------------------------------------------------
PERSONAL = ("contact_name", "email", "phone")


def _display(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as people read it: labels for columns, categories and engagement."""
    columns = ["name", "category", "commune", "country", "territory", "engagement"]
    columns += ["influence", "interest", "site_name", "projects"]
    columns += [c for c in PERSONAL if c in frame.columns]
    out = frame[columns].assign(
        category=[sk.category_label(c, lang) for c in frame["category"]],
        engagement=[sk.engagement_label(e, lang) for e in frame["engagement"]],
    )
    names_ = {
        c: column_label("stakeholders", c, lang)
        for c in columns
        if c not in ("site_name", "projects")
    }
    names_ |= {
        "site_name": app.tr("stakeholders.col_site"),
        "projects": app.tr("stakeholders.col_projects"),
    }
    return out.rename(columns=names_)


with tab_list:
    st.subheader(app.tr("stakeholders.unlocated"))
    todo = sk.unlocated(placed)
    if todo.empty:
        st.success(app.tr("stakeholders.unlocated_none"), icon="✅")
    else:
        st.caption(app.tr("stakeholders.unlocated_intro"))
        where = {
            "centroid": app.tr("stakeholders.unlocated_centroid"),
            "missing": app.tr("stakeholders.unlocated_missing"),
        }
        st.dataframe(
            _display(todo)
            .iloc[:, :5]
            .assign(**{app.tr("stakeholders.unlocated_where"): [where[p] for p in todo["placed"]]}),
            hide_index=True,
        )
    st.subheader(app.tr("stakeholders.table"))
    st.text_input(
        app.tr("stakeholders.search"),
        key=SEARCH,
        placeholder=app.tr("stakeholders.search_placeholder"),
    )
    found = sk.search(placed, st.session_state[SEARCH])
    st.caption(app.tr("stakeholders.search_count", count=format_number(len(found), lang)))
    shown_ids = found["stakeholder_id"].astype(str).tolist()
    table_key = f"stk_table_{st.session_state['stk_table_gen']}"
    st.dataframe(
        _display(found),
        hide_index=True,
        key=table_key,
        on_select=lambda: _on_table(table_key, shown_ids),
        selection_mode="single-row",
    )
