"""Overview: the mission at a glance for the situation date."""

import streamlit as st

from dashboard import app, charts, mission, overview, pack_ui, safe, sites, status, widgets
from dashboard.i18n import format_number, format_pct

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
c2.metric(
    app.tr("overview.progress"),
    "—" if found.progress is None else format_pct(found.progress / 100, lang),
    help=app.tr("overview.progress_help"),
)
c3.metric(
    app.tr("overview.late"), format_number(found.late, lang), help=app.tr("overview.late_help")
)
c4.metric(
    app.tr("overview.actions"),
    format_number(found.open_actions, lang),
    delta=app.tr("overview.actions_overdue", count=found.overdue_actions)
    if found.overdue_actions
    else None,
    delta_color="inverse",
)
c5.metric(
    app.tr("overview.stakeholders"),
    f"{format_number(found.engaged, lang)} / {format_number(found.stakeholders, lang)}",
    help=app.tr("overview.stakeholders_help"),
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
