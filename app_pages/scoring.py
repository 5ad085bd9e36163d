"""Scoring: rank an evaluation's projects on weighted criteria, with the jurors'
spread, the sensitivity of the result to the weights, and exports. Renders
`views.scoring` models; computes nothing."""

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.charts import scoring_charts
from dashboard.domain import scoring
from dashboard.i18n import format_day, format_number, format_pct
from dashboard.store import DocumentDamaged
from dashboard.ui import app, safe, shell, widgets
from dashboard.views import figures
from dashboard.views import scenarios as saved_scenarios
from dashboard.views import scoring as view

shell.header("scoring.title")
lang = app.lang()
staff = app.role() == "staff"
hidden = () if staff else app.confidential_evaluations()
tr = app.tr


def number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else format_number(value, lang, digits)


def share(value: float) -> str:
    return format_pct(round(value, 3), lang)


# --- view state: from the URL on arrival (app.remember), then from the widgets ----------
# The link's evaluation and weights are kept for the visit: an evaluation a viewer may
# not open is shown once staff have signed in, with the link's weights.
app.remember("scoring_link_eval", "eval", None)
app.remember("scoring_link_w", "w", None)
app.remember("scoring_link_short", "short", None)
app.remember("scoring_agg", "agg", "mean", options=scoring.AGGREGATIONS)
app.remember("scoring_sensitivity", "sens", True, bool)
app.remember("scoring_page", "page", 1, int, low=1)
app.remember("scoring_gap", "gap", 30, int, low=5, high=100)

wanted = st.session_state.get("scoring_link_eval") or st.session_state.get("scoring_eval")
setup = app.model(view.setup, view.SetupState(hidden, wanted, lang))
if setup.evaluation is None:
    st.info(tr("scoring.no_evaluation"), icon="📂")
    st.stop()
evaluation = setup.evaluation
linked = st.session_state.get("scoring_link_eval") == evaluation
if linked or st.session_state.get("scoring_eval") not in setup.evaluations:
    st.session_state["scoring_eval"] = evaluation
if st.session_state.get("scoring_link_eval") and not linked:
    app.refused("eval")  # an evaluation this role may not open, or none of that name
if linked:
    st.session_state["scoring_link_eval"] = None  # honoured once; the selector decides now
if st.session_state.get("scoring_agg") not in scoring.AGGREGATIONS:
    st.session_state["scoring_agg"] = "mean"
if st.session_state.get("scoring_short_mode") not in ("top", "score"):
    short_text = st.session_state.get("scoring_link_short")
    from_link = scoring.Shortlist.parse(short_text)
    if short_text and scoring.Shortlist.parse(short_text, scoring.Shortlist("score", -1)).value < 0:
        app.refused("short")
    st.session_state["scoring_short_mode"] = from_link.mode
    st.session_state["scoring_short_top"] = int(from_link.value if from_link.mode == "top" else 3)
    st.session_state["scoring_short_score"] = float(
        from_link.value if from_link.mode == "score" else 70.0
    )

counts = dict(zip(setup.evaluations, setup.counts, strict=True))
top = st.columns([3, 2, 2, 2])
top[0].selectbox(
    tr("scoring.evaluation"),
    setup.evaluations,
    key="scoring_eval",
    # labels computed now: a format function must not depend on the session
    format_func={
        e: tr("scoring.evaluation_option", name=e, count=counts[e]) for e in setup.evaluations
    }.get,
)
if not setup.criteria or not setup.projects:
    st.info(tr("scoring.no_criteria"), icon="📂")
    st.stop()
aggregation = top[1].radio(
    tr("scoring.aggregation"),
    scoring.AGGREGATIONS,
    key="scoring_agg",
    horizontal=True,
    format_func={a: tr(f"scoring.agg_{a}") for a in scoring.AGGREGATIONS}.get,
    help=tr("scoring.aggregation_help"),
)
mode = top[2].radio(
    tr("scoring.shortlist"),
    ("top", "score"),
    key="scoring_short_mode",
    horizontal=True,
    format_func={m: tr(f"scoring.short_{m}") for m in ("top", "score")}.get,
    help=tr("scoring.shortlist_help"),
)
if mode == "top":
    # another evaluation may have fewer projects than the k chosen before
    st.session_state["scoring_short_top"] = min(
        max(int(st.session_state.get("scoring_short_top", 3)), 1), setup.projects
    )
    k = top[3].number_input(
        tr("scoring.short_top_value"),
        min_value=1,
        max_value=setup.projects,
        step=1,
        key="scoring_short_top",
    )
    shortlist = scoring.Shortlist("top", int(k))
else:
    value = top[3].number_input(
        tr("scoring.short_score_value"),
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        key="scoring_short_score",
    )
    shortlist = scoring.Shortlist("score", float(value))

# --- weights: a shared link's weights are data, clamped to what a slider holds ---------
criteria = setup.criteria
ids = [c.criterion_id for c in criteria]
keys = {cid: f"scoring_w:{evaluation}:{cid}" for cid in ids}
from_link = scoring.parse_weights(st.session_state.get("scoring_link_w"), ids) if linked else {}
seeded = scoring.live_weights(criteria, from_link)
for cid, weight in zip(ids, seeded, strict=True):
    if keys[cid] not in st.session_state:
        st.session_state[keys[cid]] = float(weight)
link_items = [i for i in (st.session_state.get("scoring_link_w") or "").split(",") if i]
if linked and (
    len(from_link) < len(link_items) or any(w > setup.ceiling for w in from_link.values())
):
    app.refused("w")  # an item unknown, malformed or past the slider's top (clamped)
if from_link:
    st.session_state["scoring_link_w"] = None  # applied once


def reset_weights() -> None:
    for c in criteria:
        st.session_state[keys[c.criterion_id]] = float(c.weight)


# on a projector the first screen is the result: the weights folded away
weights_box = (
    st.expander(app.tr("scoring.weights"), icon="⚖️")
    if app.projector()
    else st.container(border=True)
)
with weights_box:
    head, button = st.columns([5, 1])
    head.markdown(f"**{tr('scoring.weights')}**")
    button.button(tr("scoring.reset"), on_click=reset_weights, key="scoring_reset", icon="↩️")
    chosen: dict[str, float] = {}
    for row in range(0, len(criteria), 5):
        cells = st.columns(5)
        for cell, c in zip(cells, criteria[row : row + 5], strict=False):
            chosen[c.criterion_id] = cell.slider(
                safe.md(c.label),
                0.0,
                setup.ceiling,
                step=setup.step,
                key=keys[c.criterion_id],
                format="%g",
            )
    weights_area = st.container()
    scenarios_area = st.container() if staff else None

sensitivity_on = st.toggle(
    tr("scoring.sensitivity_toggle"), key="scoring_sensitivity", help=tr("scoring.sensitivity_help")
)
gap_pct = min(max(int(st.session_state.get("scoring_gap") or 30), 5), 100)
state = view.State(
    evaluation=evaluation,
    weights=tuple(chosen[cid] for cid in ids),
    aggregation=aggregation,
    shortlist=shortlist,
    page=int(st.session_state.get("scoring_page") or 1),
    sensitivity=bool(sensitivity_on),
    jurors=staff,
    gap=gap_pct,
    lang=lang,
    hidden=hidden,
    situation=app.situation(),
)
model = app.model(view.build, state)
labels = {c.criterion_id: c.label for c in criteria}

with weights_area:
    if model.weights_zero:
        st.warning(tr("scoring.weights_zero"), icon="⚠️")
    st.caption(
        tr("scoring.weights_used")
        + " "
        + " · ".join(
            f"{safe.md(c.label)} {share(s)}" for c, s in zip(criteria, model.shares, strict=True)
        )
    )
    if model.data_weight_sum != 100:
        st.caption(tr("scoring.weights_data_sum", total=number(model.data_weight_sum, 0)))


# --- saved scenarios (staff's working material; a viewer is never sent them) ----------
def open_scenario(chosen: saved_scenarios.Scenario) -> None:
    """Set the page as the scenario's link would (a callback: before the widgets)."""
    link = chosen.link()
    st.session_state["scoring_link_eval"] = link["eval"]
    st.session_state["scoring_link_w"] = link["w"]
    st.session_state["scoring_link_short"] = link["short"]
    st.session_state["scoring_agg"] = chosen.aggregation
    st.session_state["scoring_page"] = 1
    st.session_state.pop("scoring_short_mode", None)  # read again from the link
    for key in [
        k for k in st.session_state if str(k).startswith(f"scoring_w:{chosen.evaluation}:")
    ]:
        del st.session_state[key]  # seeded again from the link's weights
    st.session_state["scoring_opened"] = chosen.name


def save_scenario(
    live: dict[str, float],
    official: dict[str, float],
    shown: tuple[str, str, scoring.Shortlist],
) -> None:
    """Save the weights on screen (`shown`: evaluation, aggregation, shortlist) under
    the name typed; a message says what was done, or why not (nothing written)."""

    def store_it() -> saved_scenarios.Scenario:
        made = saved_scenarios.make(
            st.session_state.get("sc_name", ""),
            shown[0],
            live,
            official,
            shown[1],
            shown[2],
            st.session_state.get("sc_by", ""),
        )
        saved_scenarios.save(app.store(), made)
        return made

    made = widgets.document_change(store_it, "sc", "scenarios.unreadable", lang)
    if made is None:
        return
    widgets.leave_message("sc", tr("scenarios.saved", name=safe.md(made.name)))
    st.session_state["sc_name"] = ""
    st.session_state["scoring_opened"] = made.name


def delete_scenario() -> None:
    name = str(st.session_state.get("sc_which") or "")

    def remove() -> str:
        saved_scenarios.delete(app.store(), name)
        return name

    if widgets.document_change(remove, "sc", "scenarios.unreadable", lang) is not None:
        widgets.leave_message("sc", tr("scenarios.deleted", name=safe.md(name)))


def scenario_box(area: Any) -> saved_scenarios.Scenario | None:
    """Staff save the weights under a name, list, open and delete the saved
    scenarios of this evaluation; returns the one open (its weights on screen)."""
    try:
        here = saved_scenarios.saved(app.store(), [evaluation])
        damage = ""
    except DocumentDamaged as exc:
        here, damage = (), exc.reason
    live = dict(chosen)
    opened = next((s for s in here if s.name == st.session_state.get("scoring_opened")), None)
    if opened is not None and dict(opened.weights) != {
        k: live.get(k) for k in dict(opened.weights)
    }:
        opened = None  # the weights moved on since it was opened
    # one identity whatever happens inside: it stays open or closed as the reader left it
    with area.expander(tr("scenarios.title"), icon="💾", key="sc_box"):
        st.caption(tr("scenarios.help"))
        widgets.show_message("sc", "💾")
        if damage:
            st.error(tr("scenarios.unreadable", reason=safe.md(damage)), icon="⛔")
        left, right = st.columns(2)
        left.text_input(tr("scenarios.name"), key="sc_name", max_chars=saved_scenarios.NAME_MAX)
        app.offer_name("sc_by")
        right.text_input(tr("scenarios.by"), key="sc_by", max_chars=saved_scenarios.BY_MAX)
        st.button(
            tr("scenarios.save"),
            key="sc_save",
            icon="💾",
            on_click=save_scenario,
            args=(
                live,
                {c.criterion_id: float(c.weight) for c in criteria},
                (evaluation, aggregation, shortlist),
            ),
        )
        if not here:
            st.caption(tr("scenarios.none"))
            return opened
        st.dataframe(
            pd.DataFrame(
                {
                    tr("scenarios.col_name"): [s.name for s in here],
                    tr("scenarios.col_weights"): [
                        " · ".join(f"{labels.get(k, k)} {number(w, 1)}" for k, w in s.weights)
                        for s in here
                    ],
                    tr("scenarios.col_by"): [s.by for s in here],
                    tr("scenarios.col_at"): [
                        format_day(s.when.date(), lang) if s.when else "" for s in here
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        by_name = {s.name: s for s in here}
        if st.session_state.get("sc_which") not in by_name:
            st.session_state["sc_which"] = here[0].name
        pick, open_button, delete_button = st.columns([3, 1, 1], vertical_alignment="bottom")
        pick.selectbox(tr("scenarios.which"), list(by_name), key="sc_which")
        which = by_name[str(st.session_state["sc_which"])]
        open_button.button(
            tr("scenarios.open"), key="sc_open", icon="📂", on_click=open_scenario, args=(which,)
        )
        delete_button.button(
            tr("scenarios.delete"), key="sc_delete", icon="🗑️", on_click=delete_scenario
        )
    return opened


opened_scenario = scenario_box(scenarios_area) if scenarios_area is not None else None

# --- verdict -------------------------------------------------------------------------
if opened_scenario is not None and model.scenario:
    st.caption(
        tr(
            "scenarios.opened",
            name=safe.md(opened_scenario.name),
            by=safe.md(opened_scenario.by),
            date=format_day(opened_scenario.when.date(), lang) if opened_scenario.when else "",
        )
    )
if model.scenario:
    # other weights than the committee's: said plainly, the official result beside it
    st.warning(view.scenario_text(model), icon="🧪")
boxes = st.columns([3, 2, 2, 2, 2])
if model.first_name is not None:
    # a name is longer than a metric shows: it wraps here instead of being cut
    with boxes[0].container(border=True, height="stretch"):
        st.caption(tr("meeting.scenario_first") if model.scenario else tr("scoring.first"))
        st.markdown(f"**{safe.md(model.first_name)}**")
    boxes[1].metric(tr("scoring.first_total"), number(model.first_total), border=True)
    boxes[2].metric(tr("scoring.gap"), number(model.gap), border=True, help=tr("scoring.gap_help"))
boxes[3].metric(
    figures.label("shortlisted", lang),
    model.recorded_shortlisted,
    border=True,
    help=figures.definition("shortlisted", lang),
)
boxes[4].metric(
    tr("scoring.computed"),
    f"{model.computed} / {model.projects}",
    border=True,
    help=tr("scoring.computed_help"),
)
if model.ranked >= 2:
    if model.reasons:
        st.warning(
            tr(
                "scoring.close_call",
                reasons=" ; ".join(tr(f"scoring.close_{r}") for r in model.reasons),
            ),
            icon="⚖️",
        )
    elif model.sensitivity is not None and model.scenario:
        st.info(tr("meeting.scenario_clear", name=safe.md(model.first_name or "")), icon="🧪")
    elif model.sensitivity is not None:
        st.success(tr("scoring.clear_result", name=safe.md(model.first_name or "")), icon="✅")
if model.unranked_count:
    names = " ; ".join(safe.md(u) for u in model.unranked)
    more = model.unranked_count - len(model.unranked)
    st.warning(tr("scoring.unranked", projects=names + (f" (+{more})" if more else "")), icon="❓")

tab_names = ["ranking", "sensitivity"] + (["jurors"] if staff else []) + ["export"]
tabs = dict(zip(tab_names, st.tabs([tr(f"scoring.tab_{n}") for n in tab_names]), strict=True))
criterion_labels = [c.label for c in criteria]

# --- ranking -------------------------------------------------------------------------
with tabs["ranking"]:
    bars = app.chart_spec(
        "bars",
        state,
        lambda: scoring_charts.contribution_bars(
            model.bars, criterion_labels, model.threshold, model.threshold_label, lang
        ),
    )
    if model.scenario:  # the chart and its PNG say it is a scenario
        bars = {**bars, "title": view.scenario_title(model)}
    st.vega_lite_chart(
        bars,
        width="stretch",
        alt=scoring_charts.contribution_alt(bars, lang),
    )
    if model.rest is not None:
        st.caption(
            tr(
                "scoring.bars_rest",
                count=format_number(model.rest.count, lang),
                low=number(model.rest.low),
                high=number(model.rest.high),
            )
        )
    if model.pages > 1:
        st.session_state["scoring_page"] = model.page
        st.number_input(
            tr("scoring.page", pages=model.pages),
            min_value=1,
            max_value=model.pages,
            step=1,
            key="scoring_page",
        )
    st.dataframe(model.table, hide_index=True, width="stretch")
    st.caption(tr("scoring.computed_rule"))
    st.caption(tr("scoring.formula"))
    if model.has_price:
        st.caption(tr("scoring.formula_price"))
        if model.lowest_price:
            st.caption(safe.md(model.lowest_price))
    st.caption(tr("scoring.aggregation_rule", how=tr(f"scoring.agg_{aggregation}").lower()))
    st.caption(tr("scoring.tie_rule", criterion=safe.md(model.heaviest)))
    st.caption(tr("scoring.missing_rule"))

# --- sensitivity ---------------------------------------------------------------------
with tabs["sensitivity"]:
    found = model.sensitivity
    if not sensitivity_on:
        st.info(tr("scoring.sensitivity_off"))
    elif found is None:
        st.info(tr("scoring.sensitivity_none"))
    else:
        st.markdown(tr("scoring.sensitivity_intro"))
        if found.change is None or found.change_names is None:
            st.markdown(tr("scoring.change_none", name=safe.md(model.first_name or "")))
        else:
            st.markdown(
                tr(
                    "scoring.change",
                    criterion=safe.md(labels[found.change.criterion_id]),
                    now=share(found.change.weight),
                    to=share(found.change.new_weight),
                    delta=number(found.change.delta * 100, 1),
                    name=safe.md(found.change_names[0]),
                    winner=safe.md(found.change_names[1]),
                )
            )
        st.dataframe(found.table, hide_index=True, width="stretch")
        spec = app.chart_spec(
            "intervals",
            state,
            lambda: scoring_charts.stability_intervals(found.intervals, criterion_labels, lang),
        )
        st.vega_lite_chart(
            spec, width="stretch", alt=scoring_charts.stability_intervals_alt(spec, lang)
        )
        st.caption(tr("scoring.intervals_rule"))
        if found.top_skipped:
            st.caption(tr("scoring.top_skipped", k=found.keep))

        st.header(tr("scoring.probabilities"))
        spec = app.chart_spec(
            "probabilities",
            state,
            lambda: scoring_charts.rank_heatmap(
                found.probabilities, list(found.probability_projects), lang
            ),
        )
        st.vega_lite_chart(spec, width="stretch", alt=scoring_charts.rank_heatmap_alt(spec, lang))
        summary = tr(
            "scoring.win_probability",
            name=safe.md(model.first_name or ""),
            pct=share(found.win_probability or 0.0),
        )
        if found.top_stable is not None:
            summary += " " + tr("scoring.top_probability", k=found.keep, stable=found.top_stable)
        st.markdown(summary)
        st.caption(
            tr(
                "scoring.perturbation_rule",
                draws=format_number(scoring.DRAWS, lang),
                spread=format_pct(scoring.PERTURBATION, lang),
                seed=scoring.SEED,
            )
        )
        st.caption(
            tr(
                "scoring.close_rule",
                gap=number(scoring.CLOSE_GAP_POINTS, 0),
                weight=number(scoring.CLOSE_WEIGHT_POINTS, 0),
                pct=format_pct(scoring.CLOSE_WIN_PROBABILITY, lang),
            )
        )

# --- jurors (staff) --------------------------------------------------------------------
if staff and model.jurors is not None:
    jurors = model.jurors
    with tabs["jurors"]:
        st.session_state["scoring_gap"] = gap_pct
        st.slider(
            tr("scoring.disagreement"),
            5,
            100,
            step=5,
            key="scoring_gap",
            format="%d %%",
            help=tr("scoring.disagreement_help"),
        )
        if jurors.spread.empty:
            st.info(tr("scoring.no_juror_scores"))
        else:
            if jurors.flagged_count == 0:
                st.success(tr("scoring.no_disagreement"), icon="🤝")
            else:
                st.warning(tr("scoring.disagreements", count=jurors.flagged_count), icon="⚠️")
                st.dataframe(jurors.flagged, hide_index=True, width="stretch")
            spec = app.chart_spec(
                "jurors",
                state,
                lambda: scoring_charts.juror_spread(
                    jurors.spread,
                    list(jurors.rating_labels),
                    list(jurors.spread_projects),
                    lang,
                ),
            )
            st.vega_lite_chart(
                spec, width="stretch", alt=scoring_charts.juror_spread_alt(spec, lang)
            )
            st.caption(tr("scoring.spread_rule"))
            st.header(tr("scoring.juror_rankings"))
            st.dataframe(jurors.rankings, hide_index=True, width="stretch")
            st.caption(tr("scoring.juror_rankings_help"))
            st.header(tr("scoring.comments"))
            if jurors.comments.empty:
                st.caption(tr("scoring.no_comments"))
            else:
                st.dataframe(jurors.comments, hide_index=True, width="stretch")

# --- export: files made when clicked -----------------------------------------------------
with tabs["export"]:
    stem = view.file_stem(model)
    st.caption(tr("scoring.export_help"))
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        tr("scoring.export_csv"),
        lambda: view.export_csv(model),
        file_name=f"{stem}.csv",
        mime=export.MIME["csv"],
        key="scoring_csv",
        icon="📄",
        on_click="ignore",
    )
    c2.download_button(
        tr("scoring.export_xlsx"),
        lambda: view.export_xlsx(model),
        file_name=f"{stem}.xlsx",
        mime=export.MIME["xlsx"],
        key="scoring_xlsx",
        icon="📊",
        on_click="ignore",
    )
    c3.download_button(
        tr("scoring.export_png"),
        lambda: export.chart_png({**bars, "width": 900}),
        file_name=f"{stem}.png",
        mime=export.MIME["png"],
        key="scoring_png",
        icon="🖼️",
        on_click="ignore",
    )

# --- URL -----------------------------------------------------------------------------
live = dict(zip(ids, model.weights, strict=True))
app.to_url(
    eval=evaluation,
    agg=aggregation,
    short=shortlist.to_text(),
    w=None
    if all(live[c.criterion_id] == c.weight for c in criteria)
    else scoring.format_weights(live),
    page=model.page if model.page > 1 else None,
    sens=None if sensitivity_on else False,
    gap=gap_pct if staff else None,
)
