"""Overview: the mission at a glance for the situation date."""

import streamlit as st

from dashboard import app, charts, mission, overview, pack_ui, safe, sites, status, widgets
from dashboard.i18n import format_number
from dashboard.views import figures

app.header("overview.title")
lang = app.lang()
situation = app.situation()

tasks = status.with_states(app.query("tasks"), situation)
site_list = app.query("sites")
actions = app.query("open_actions", situation=situation)
engagement = app.query("engagement_counts")
event = app.query("event_window", pattern=mission.EVENT_PATTERN)

if tasks.empty and site_list.empty:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()

# --- figures -----------------------------------------------------------------------
found = overview.figures(tasks, actions, engagement, event, situation)

c1, c2, c3, c4, c5 = st.columns(5)
c1.metric(
    app.tr("overview.event"),
    overview.event_text(found, situation, lang),
    help=overview.event_help(found, lang),
)
# the headline figures, defined once (views.figures): label, value and definition
headline = figures.headline(
    app.query, situation, () if app.role() == "staff" else app.confidential_evaluations()
)
for column, key in ((c2, "progress"), (c3, "late_tasks"), (c5, "partners_engaged")):
    column.metric(
        figures.label(key, lang),
        figures.value_text(headline, key, lang),
        help=figures.definition(key, lang),
    )
c4.metric(
    figures.label("open_actions", lang),
    figures.value_text(headline, "open_actions", lang),
    delta=app.tr("overview.actions_overdue", count=headline.overdue_actions)
    if headline.overdue_actions
    else None,
    delta_color="inverse",
    help=figures.definition("open_actions", lang),
)

upcoming = overview.milestone_text(found, situation, lang, escape=safe.md)
if upcoming is not None:
    st.markdown(f"**{app.tr('overview.next_milestone')}** · " + upcoming)

# --- sites -----------------------------------------------------------------------
st.subheader(app.tr("overview.sites"))
site_actions = app.query("site_open_actions", situation=situation)
cards = sites.site_cards(tasks, site_list, site_actions, situation, app.tr("sites.destination"))[1:]
columns = st.columns(max(len(cards), 1))
for column, card in zip(columns, cards, strict=False):
    text = sites.card_text(card, lang)
    with column.container(border=True):
        widgets.site_card(text)
        st.page_link(
            "pages/sites.py",
            label=app.tr("overview.site_link"),
            icon="📍",
            query_params={"site": card.site_id, "lang": lang, "date": situation.isoformat()},
        )

# --- workstreams -------------------------------------------------------------------
st.subheader(app.tr("overview.workstreams"))
streams = status.group_rollups(tasks, "workstream")
progress_chart = charts.finish(charts.progress_by_group(streams, "workstream", lang), lang)
st.altair_chart(progress_chart, width="stretch")
pack_ui.png_button(progress_chart, "avancement-par-axe")
st.caption(app.tr("overview.states_rule", threshold=format_number(status.AT_RISK_POINTS, lang)))
