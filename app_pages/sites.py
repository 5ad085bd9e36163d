"""Sites: each site's state, indicators against targets and budget at the situation date."""

from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st

from dashboard.charts import site_charts
from dashboard.ui import app, pack_ui, safe, shell, widgets
from dashboard.views import figures
from dashboard.views import sites as view
from dashboard.views.sites import DESTINATION

shell.header("sites.title")
lang = app.lang()
situation = app.situation()


def chart(
    make: Callable[[], alt.TopLevelMixin], name: str, describe: Callable[[dict[str, Any]], str]
) -> None:
    # made once per view state (Altair's building and validation is most of a rerun)
    spec = app.chart_spec(name, state, make)
    st.vega_lite_chart(spec, width="stretch", alt=describe(spec))
    pack_ui.png_button(spec, name)


# --- selection, kept in the URL so a shared link reopens the same view ----------------
app.remember("sites_site", "site", DESTINATION)
app.remember("sites_view", "view", "", options=("", "side"))  # "side": every site side by side
if "sites_side" not in st.session_state:
    st.session_state["sites_side"] = st.session_state["sites_view"] == "side"
app.remember("sites_side_page", "cards", 1, int, low=1)

state = view.State(
    situation,
    lang,
    site=str(st.session_state["sites_site"]),
    side=bool(st.session_state["sites_side"]),
    side_page=int(st.session_state["sites_side_page"]),
)
found = app.model(view.build, state)
if found.empty:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()
if st.session_state["sites_site"] != found.site:  # an unknown site in the URL
    st.session_state["sites_site"] = found.site
names = found.names

left, right = st.columns([3, 2], vertical_alignment="bottom")
right.toggle(app.tr("sites.side_by_side"), key="sites_side", help=app.tr("sites.side_by_side_help"))
if found.side is None:
    # hidden in the side-by-side view, the selector leaves `site` in the URL as it was
    left.selectbox(
        app.tr("sites.site"), list(names), key="sites_site", format_func=names.__getitem__
    )
    app.to_url(site=found.site)
app.to_url(view="side" if found.side is not None else None)

# --- all sites side by side (the projector), a page of cards at a time ----------------
if found.side is not None:
    side = found.side
    if side.pages > 1:
        left.number_input(
            app.tr("sites.side_page_input"),
            min_value=1,
            max_value=side.pages,
            step=1,
            key="sites_side_page",
        )
        st.caption(side.caption or "")
    app.to_url(cards=side.page if side.pages > 1 else None)
    for column, card in zip(st.columns(len(side.cards)), side.cards, strict=True):
        with column.container(border=True):
            widgets.site_card(card.text, card.kpi_lines)
    if side.by_site is not None:
        st.header(app.tr("sites.budget_by_site"))
        chart(
            lambda: site_charts.budget_bars(side.by_site.lines, "name", lang),
            "budget-par-site",
            lambda spec: site_charts.budget_alt(spec, lang),
        )
        if side.by_site.caption:
            st.caption(side.by_site.caption)

# --- one site in detail -----------------------------------------------------------
elif found.detail is not None:
    detail = found.detail
    card = detail.card.card
    selected = found.site
    st.header(safe.md(card.name))
    if detail.description:
        st.caption(safe.md(detail.description))

    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric(app.tr("sites.progress"), detail.progress_text, help=app.tr("sites.rule_progress"))
    c2.metric(app.tr("sites.state"), detail.card.text.state)
    c3.metric(app.tr("sites.milestone"), detail.milestone_countdown)
    # The headline figures' definitions hold for one site's tasks and actions too.
    c4.metric(
        app.tr("sites.late"), detail.late_text, help=figures.definition("late_tasks", app.lang())
    )
    c5.metric(
        app.tr("sites.actions"),
        detail.actions_text,
        delta=detail.actions_delta,
        delta_color="inverse",
        help=figures.definition("open_actions", app.lang()),
    )
    st.markdown(safe.md(detail.card.text.milestone))

    # indicators
    st.header(app.tr("sites.kpis"))
    if not detail.kpis:
        st.caption(app.tr("sites.kpis_none"))
    columns = st.columns(3)
    for i, kpi in enumerate(detail.kpis):
        with columns[i % 3].container(border=True):
            st.metric(
                safe.md(kpi.value.kpi),
                safe.md(kpi.value_text),
                delta=safe.md_signed(kpi.delta_text) if kpi.delta_text else None,
                help=kpi.help,
            )
            if not kpi.history.empty:
                chart(
                    lambda kpi=kpi: site_charts.kpi_sparkline(kpi.history, kpi.value.target, lang),
                    f"indicateur-{selected}-{i + 1}",
                    lambda spec, kpi=kpi: site_charts.kpi_sparkline_alt(spec, kpi.value.kpi, lang),
                )
            if kpi.value.target is None:
                st.caption(app.tr("sites.kpi_no_target"))

    # budget
    st.header(app.tr("sites.budget"))
    money = detail.budget
    if money is None:
        st.caption(app.tr("sites.budget_none"))
    else:
        b1, b2, b3 = st.columns(3)
        b1.metric(app.tr("sites.budget_planned"), money.planned_text)
        b2.metric(app.tr("sites.budget_spent"), money.spent_text, help=money.share_text)
        b3.metric(app.tr("sites.budget_remaining"), money.remaining_text)
        if money.overspent_text is not None:
            st.warning(safe.md(money.overspent_text), icon="⚠️")
        if detail.by_site is not None:
            st.markdown(f"**{app.tr('sites.budget_by_site')}**")
            chart(
                lambda: site_charts.budget_bars(detail.by_site.lines, "name", lang),
                "budget-par-site",
                lambda spec: site_charts.budget_alt(spec, lang),
            )
            if detail.by_site.caption:
                st.caption(detail.by_site.caption)
            st.dataframe(detail.by_site.table, hide_index=True, width="stretch")
        st.markdown(f"**{app.tr('sites.budget_by_task')}**")
        chart(
            lambda: site_charts.budget_bars(money.lines, "name", lang),
            f"budget-par-tache-{selected}",
            lambda spec: site_charts.budget_alt(spec, lang),
        )
        if money.caption:
            st.caption(money.caption)
        st.dataframe(money.table, hide_index=True, width="stretch")

    # late tasks and open actions (at most views.sites.TABLE_ROWS each)
    st.header(app.tr("sites.late_tasks"))
    if detail.late.empty:
        st.caption(app.tr("sites.late_none"))
    else:
        st.dataframe(detail.late, hide_index=True, width="stretch")
        if detail.late_caption:
            st.caption(detail.late_caption)
    st.header(
        app.tr(
            "sites.open_actions_destination" if selected == DESTINATION else "sites.open_actions"
        )
    )
    if detail.actions.empty:
        st.caption(app.tr("sites.open_actions_none"))
    else:
        st.dataframe(detail.actions, hide_index=True, width="stretch")
        if detail.actions_caption:
            st.caption(detail.actions_caption)

# --- the rules, so the committee knows what the colours mean ------------------------
st.header(app.tr("sites.rules"))
st.markdown("\n".join(f"- {line}" for line in found.rules))
