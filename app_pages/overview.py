"""Overview: the mission at a glance for the situation date."""

import streamlit as st

from dashboard import charts
from dashboard.ui import app, pack_ui, safe, shell, widgets
from dashboard.views import overview

shell.header("overview.title")
lang = app.lang()
situation = app.situation()

state = overview.State(situation, lang)
found = app.model(overview.build, state)
if found.empty:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()

# --- figures -----------------------------------------------------------------------
columns = st.columns(1 + len(found.figures))
columns[0].metric(app.tr("overview.event"), found.event_value, help=found.event_help)
for column, figure in zip(columns[1:], found.figures, strict=True):
    column.metric(
        figure.label,
        figure.value,
        delta=figure.delta,
        delta_color="inverse" if figure.delta else "normal",
        help=figure.help,
    )
    target = overview.FIGURE_LINKS.get(figure.key)
    if target is not None:  # the figure opens the list of its items, filtered the same way
        page, params = target
        column.page_link(
            f"app_pages/{page}.py",
            label=app.tr("meeting.open_items"),
            icon="🔎",
            query_params={**params, "lang": lang, "date": situation.isoformat()},
        )

widgets.glossary(lang)

upcoming = overview.milestone_text(found, escape=safe.md)
if upcoming is not None:
    st.markdown(f"**{app.tr('overview.next_milestone')}** · " + upcoming)

# --- sites (at most overview.CARDS) ----------------------------------------------
st.header(app.tr("overview.sites"))
columns = st.columns(max(min(len(found.cards), 4), 1))
for i, card in enumerate(found.cards):
    with columns[i % len(columns)].container(border=True):
        widgets.site_card(card.text)
        st.page_link(
            "app_pages/sites.py",
            label=app.tr("overview.site_link"),
            icon="📍",
            query_params={"site": card.card.site_id, "lang": lang, "date": situation.isoformat()},
        )
if found.cards_caption is not None:
    st.caption(found.cards_caption)
    st.page_link(
        "app_pages/sites.py",
        label=app.tr("overview.all_sites_link"),
        icon="🗺️",
        query_params={"lang": lang, "date": situation.isoformat()},
    )

# --- workstreams -------------------------------------------------------------------
st.header(app.tr("overview.workstreams"))
progress_chart = app.chart_spec(
    "workstreams", state, lambda: charts.progress_by_group(found.workstreams, "workstream", lang)
)
st.vega_lite_chart(
    progress_chart,
    width="stretch",
    alt=charts.progress_alt(progress_chart, "workstream", lang),
)
pack_ui.png_button(progress_chart, "avancement-par-axe")
st.caption(found.states_rule)
