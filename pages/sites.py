"""Sites: each site's state, indicators against targets and budget at the situation date."""

import altair as alt
import streamlit as st

from dashboard import app, charts, pack_ui, safe, site_charts, sites, status, widgets
from dashboard.i18n import format_day, format_eur, format_number, format_pct
from dashboard.views import figures

app.header("sites.title")
lang = app.lang()
situation = app.situation()

tasks = status.with_states(app.query("tasks"), situation)
places = app.query("sites")
actions = app.query("site_open_actions", situation=situation)
kpis = app.query("kpi_series")

if tasks.empty and places.empty:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()

cards = sites.site_cards(tasks, places, actions, situation, app.tr("sites.destination"))
names = {card.site_id: card.name for card in cards}


def chart(built: alt.TopLevelMixin, name: str) -> None:
    finished = charts.finish(built, lang)
    st.altair_chart(finished, width="stretch")
    pack_ui.png_button(finished, name)


def kpi_lines(site_id: str) -> list[str]:
    latest = sites.kpi_latest(sites.scope_kpis(kpis, site_id), situation)
    return [sites.kpi_line(kv, lang) for kv in latest]


# --- selection, kept in the URL so a shared link reopens the same view ----------------
app.remember("sites_site", "site", sites.DESTINATION)
if st.session_state["sites_site"] not in names:
    st.session_state["sites_site"] = sites.DESTINATION
if "sites_side" not in st.session_state:
    st.session_state["sites_side"] = st.query_params.get("view") == "side"

left, right = st.columns([3, 2], vertical_alignment="bottom")
right.toggle(app.tr("sites.side_by_side"), key="sites_side", help=app.tr("sites.side_by_side_help"))
side = bool(st.session_state["sites_side"])
if not side:
    # hidden in the side-by-side view, the selector leaves `site` in the URL as it was
    left.selectbox(
        app.tr("sites.site"), list(names), key="sites_site", format_func=names.__getitem__
    )
    app.to_url(site=st.session_state["sites_site"])
app.to_url(view="side" if side else None)

# --- all sites side by side (the projector) ---------------------------------------
if side:
    for column, card in zip(st.columns(len(cards)), cards, strict=True):
        text = sites.card_text(card, lang)
        with column.container(border=True):
            widgets.site_card(text, kpi_lines(card.site_id))
    by_site = sites.budget_by_site(tasks, places, app.tr("sites.unassigned"))
    if not by_site.empty:
        st.subheader(app.tr("sites.budget_by_site"))
        chart(site_charts.budget_bars(by_site, "name", lang), "budget-par-site")

# --- one site in detail -----------------------------------------------------------
else:
    selected = str(st.session_state["sites_site"])
    card = next(c for c in cards if c.site_id == selected)
    st.subheader(safe.md(card.name))
    description = places.loc[places["site_id"] == selected, "description"].dropna()
    if not description.empty:
        st.caption(safe.md(description.iloc[0]))

    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(
        app.tr("sites.progress"),
        "—" if card.progress is None else format_pct(card.progress / 100, lang),
        help=app.tr("sites.rule_progress"),
    )
    c2.metric(app.tr("sites.state"), sites.state_text(card, lang))
    c3.metric(
        app.tr("sites.milestone"),
        "—" if card.milestone is None else sites.countdown(card.milestone.days_to_go, lang),
    )
    # the whole destination's late tasks and open actions are the headline figures
    whole = selected == sites.DESTINATION
    c4.metric(
        app.tr("sites.late"),
        format_number(card.late_tasks, lang),
        help=figures.definition("late_tasks", lang) if whole else None,
    )
    c5.metric(
        app.tr("sites.actions"),
        format_number(card.open_actions, lang),
        help=figures.definition("open_actions", lang) if whole else None,
        delta=app.tr("sites.actions_overdue", count=card.overdue_actions)
        if card.overdue_actions
        else None,
        delta_color="inverse",
    )
    st.markdown(safe.md(sites.milestone_text(card, lang)))

    # indicators
    st.subheader(app.tr("sites.kpis"))
    own_kpis = sites.scope_kpis(kpis, selected)
    latest = sites.kpi_latest(own_kpis, situation)
    history = sites.kpi_history(own_kpis, situation)
    if not latest:
        st.caption(app.tr("sites.kpis_none"))
    columns = st.columns(3)
    for i, kv in enumerate(latest):
        with columns[i % 3].container(border=True):
            st.metric(
                safe.md(kv.kpi),
                sites.kpi_value_text(kv.value, kv.unit, lang),
                delta=sites.kpi_delta_text(kv, lang),
                help=app.tr("sites.kpi_no_value")
                if kv.day is None
                else app.tr("sites.kpi_as_of", date=format_day(kv.day, lang)),
            )
            series = history[history["kpi"] == kv.kpi]
            if not series.empty:
                chart(
                    site_charts.kpi_sparkline(series, kv.target, lang),
                    f"indicateur-{selected}-{i + 1}",
                )
            if kv.target is None:
                st.caption(app.tr("sites.kpi_no_target"))

    # budget
    st.subheader(app.tr("sites.budget"))
    lines = sites.budget_lines(sites.scope_tasks(tasks, selected))
    totals = sites.budget_totals(lines)
    if lines.empty:
        st.caption(app.tr("sites.budget_none"))
    else:
        b1, b2, b3 = st.columns(3)
        b1.metric(app.tr("sites.budget_planned"), format_eur(totals.budget_eur, lang))
        b2.metric(
            app.tr("sites.budget_spent"),
            format_eur(totals.spent_eur, lang),
            help=None
            if totals.share is None
            else app.tr("sites.budget_share", pct=format_pct(totals.share, lang)),
        )
        b3.metric(app.tr("sites.budget_remaining"), format_eur(totals.remaining_eur, lang))
        if totals.overspent:
            over = lines[lines["overspent"]]
            st.warning(
                safe.md(
                    app.tr(
                        "sites.overspent",
                        count=totals.overspent,
                        amount=format_eur(totals.overspend_eur, lang),
                        names=", ".join(over["name"].astype(str)),
                    )
                ),
                icon="⚠️",
            )
        if selected == sites.DESTINATION:
            by_site = sites.budget_by_site(tasks, places, app.tr("sites.unassigned"))
            st.markdown(f"**{app.tr('sites.budget_by_site')}**")
            chart(site_charts.budget_bars(by_site, "name", lang), "budget-par-site")
            st.dataframe(sites.budget_table(by_site, lang), hide_index=True, width="stretch")
        st.markdown(f"**{app.tr('sites.budget_by_task')}**")
        chart(site_charts.budget_bars(lines, "name", lang), f"budget-par-tache-{selected}")
        st.dataframe(sites.budget_table(lines, lang), hide_index=True, width="stretch")

    # late tasks and open actions
    st.subheader(app.tr("sites.late_tasks"))
    late = sites.late_tasks(sites.scope_tasks(tasks, selected))
    if late.empty:
        st.caption(app.tr("sites.late_none"))
    else:
        st.dataframe(sites.late_table(late, lang), hide_index=True, width="stretch")
    st.subheader(
        app.tr(
            "sites.open_actions_destination"
            if selected == sites.DESTINATION
            else "sites.open_actions"
        )
    )
    own_actions = sites.scope_actions(actions, selected)
    if own_actions.empty:
        st.caption(app.tr("sites.open_actions_none"))
    else:
        st.dataframe(sites.actions_table(own_actions, lang), hide_index=True, width="stretch")

# --- the rules, so the committee knows what the colours mean ------------------------
st.subheader(app.tr("sites.rules"))
st.markdown("\n".join(f"- {line}" for line in sites.rules(lang)))
