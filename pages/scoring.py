"""Scoring: rank an evaluation's projects on weighted criteria, with the jurors'
spread, the sensitivity of the result to the weights, and exports."""

import pandas as pd
import streamlit as st

from dashboard import app, charts, safe, scoring, scoring_charts
from dashboard.i18n import choice_label, format_eur, format_number, format_pct

app.header("scoring.title")
lang = app.lang()
staff = app.role() == "staff"
hidden = [] if staff else list(app.confidential_evaluations())
tr = app.tr


def number(value: float, digits: int = 2) -> str:
    return "—" if pd.isna(value) else format_number(value, lang, digits)


def share(value: float) -> str:
    return "—" if pd.isna(value) else format_pct(round(value, 3), lang)


evaluations = app.query("scoring_evaluations", hidden=hidden)
if evaluations.empty:
    st.info(tr("scoring.no_evaluation"), icon="📂")
    st.stop()

# --- settings: from the URL on arrival, then from the widgets --------------------------
# The link's settings are kept for the visit: an evaluation a viewer may not open is
# shown once staff have signed in, with the link's weights.
if "scoring_eval" not in st.session_state:
    st.session_state["scoring_link"] = {k: st.query_params.get(k) for k in ("eval", "w", "gap")}
    st.session_state["scoring_link"]["for"] = st.query_params.get("eval")
link: dict[str, str | None] = st.session_state.get("scoring_link", {})
names = list(evaluations["evaluation"])
if link.get("eval") in names:
    st.session_state["scoring_eval"] = link["eval"]
    link["eval"] = None  # honoured once; the selector has the say afterwards
elif st.session_state.get("scoring_eval") not in names:
    st.session_state["scoring_eval"] = names[0]
if st.session_state.get("scoring_agg") not in scoring.AGGREGATIONS:
    wanted = st.query_params.get("agg")
    st.session_state["scoring_agg"] = wanted if wanted in scoring.AGGREGATIONS else "mean"
url_shortlist = scoring.Shortlist.parse(st.query_params.get("short"))
if st.session_state.get("scoring_short_mode") not in ("top", "score"):
    st.session_state["scoring_short_mode"] = url_shortlist.mode
    st.session_state["scoring_short_top"] = int(
        url_shortlist.value if url_shortlist.mode == "top" else 3
    )
    st.session_state["scoring_short_score"] = float(
        url_shortlist.value if url_shortlist.mode == "score" else 70.0
    )

counts = dict(zip(evaluations["evaluation"], evaluations["projects"], strict=True))
top = st.columns([3, 2, 2, 2])
evaluation = top[0].selectbox(
    tr("scoring.evaluation"),
    names,
    key="scoring_eval",
    # labels computed now: a format function must not depend on the session
    format_func={e: tr("scoring.evaluation_option", name=e, count=counts[e]) for e in names}.get,
)
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
)

criteria = scoring.criteria_from_frame(
    app.query("scoring_criteria", evaluation=evaluation, hidden=hidden)
)
projects = app.query("scoring_projects", evaluation=evaluation, hidden=hidden)
aggregates = app.query("scoring_aggregates", evaluation=evaluation, hidden=hidden)
if not criteria or projects.empty:
    st.info(tr("scoring.no_criteria"), icon="📂")
    st.stop()

if mode == "top":
    # another evaluation may have fewer projects than the k chosen before
    st.session_state["scoring_short_top"] = min(
        max(int(st.session_state.get("scoring_short_top", 3)), 1), max(len(projects), 1)
    )
    top[3].number_input(
        tr("scoring.short_top_value"),
        min_value=1,
        max_value=max(len(projects), 1),
        step=1,
        key="scoring_short_top",
    )
    shortlist = scoring.Shortlist(
        "top", min(int(st.session_state["scoring_short_top"]), len(projects))
    )
else:
    top[3].number_input(
        tr("scoring.short_score_value"),
        min_value=0.0,
        max_value=100.0,
        step=1.0,
        key="scoring_short_score",
    )
    shortlist = scoring.Shortlist("score", float(st.session_state["scoring_short_score"]))

# --- weights ---------------------------------------------------------------------------
ids = [c.criterion_id for c in criteria]
labels = {c.criterion_id: c.label for c in criteria}
data_weights = {c.criterion_id: c.weight for c in criteria}
keys = {cid: f"scoring_w:{evaluation}:{cid}" for cid in ids}
url_weights = scoring.parse_weights(link.get("w"), ids) if link.get("for") == evaluation else {}
step = 1.0 if all(float(w).is_integer() for w in data_weights.values()) else 0.1
top_weight = max(100.0, *data_weights.values())
for cid in ids:
    if keys[cid] not in st.session_state:
        st.session_state[keys[cid]] = float(url_weights.get(cid, data_weights[cid]))
if url_weights:
    link["w"] = None  # applied once: back on this evaluation later, the data's weights


def reset_weights() -> None:
    for cid in ids:
        st.session_state[keys[cid]] = float(data_weights[cid])


with st.container(border=True):
    head, button = st.columns([5, 1])
    head.markdown(f"**{tr('scoring.weights')}**")
    button.button(tr("scoring.reset"), on_click=reset_weights, key="scoring_reset", icon="↩️")
    chosen: dict[str, float] = {}
    for row in range(0, len(ids), 5):
        cells = st.columns(5)
        for cell, cid in zip(cells, ids[row : row + 5], strict=False):
            chosen[cid] = cell.slider(
                labels[cid], 0.0, top_weight, step=step, key=keys[cid], format="%g"
            )
    raw = [chosen[cid] for cid in ids]
    if sum(raw) <= 0:
        st.warning(tr("scoring.weights_zero"), icon="⚠️")
        raw = [data_weights[cid] for cid in ids]
    shares = scoring.normalise_weights(raw)
    st.caption(
        tr("scoring.weights_used")
        + " "
        + " · ".join(f"{labels[cid]} {share(s)}" for cid, s in zip(ids, shares, strict=True))
    )
    if sum(data_weights.values()) != 100:
        st.caption(tr("scoring.weights_data_sum", total=number(sum(data_weights.values()), 0)))

table = scoring.build_table(projects, criteria, aggregates, aggregation)
ranking = scoring.rank(table, raw)
statuses = {s: choice_label("projects", "status", s, lang) for s in set(table.statuses)}
tie_words = {
    "heaviest": tr("scoring.tie_heaviest", criterion=labels[ids[ranking.heaviest]]),
    "price": tr("scoring.tie_price"),
    "name": tr("scoring.tie_name"),
}
chosen_ones = scoring.shortlisted(ranking, shortlist)
threshold = scoring.threshold_total(ranking, shortlist)
ranked = ranking.ranked
keep = len(chosen_ones)
intervals_win = scoring.stability_intervals(ranking, 1)
intervals_top = scoring.stability_intervals(ranking, keep) if 1 < keep < len(ranked) else []
change = scoring.smallest_change(intervals_win)
probabilities = scoring.rank_probabilities(ranking)
win_probability = float(probabilities.iloc[0, 0]) if len(probabilities) else None
reasons = scoring.close_call_reasons(ranking.gap(), change, win_probability)
name_of = dict(zip(table.project_ids, table.names, strict=True))
has_price_criterion = any(c.method == scoring.LOWEST_PRICE for c in criteria)

# --- verdict -------------------------------------------------------------------------
figures = st.columns([3, 2, 2, 2])
if ranked:
    first = ranked[0]
    # a name is longer than a metric shows: it wraps here instead of being cut
    with figures[0].container(border=True, height="stretch"):
        st.caption(tr("scoring.first"))
        st.markdown(f"**{safe.md(table.names[first])}**")
    figures[1].metric(tr("scoring.first_total"), number(ranking.totals[first]), border=True)
    gap = ranking.gap()
    figures[2].metric(
        tr("scoring.gap"),
        "—" if gap is None else number(gap),
        border=True,
        help=tr("scoring.gap_help"),
    )
figures[3].metric(
    tr("scoring.shortlisted"),
    f"{len(chosen_ones)} / {len(table.project_ids)}",
    border=True,
)
if len(ranked) >= 2:
    if reasons:
        st.warning(
            tr("scoring.close_call", reasons=" ; ".join(tr(f"scoring.close_{r}") for r in reasons)),
            icon="⚖️",
        )
    else:
        st.success(tr("scoring.clear_result", name=safe.md(table.names[ranked[0]])), icon="✅")

unranked = [i for i in ranking.order if ranking.ranks[i] is None]
if unranked:
    st.warning(
        tr(
            "scoring.unranked",
            projects=" ; ".join(
                safe.md(table.names[i])
                + " ("
                + ", ".join(safe.md(labels[c]) for c in table.missing(i))
                + ")"
                for i in unranked
            ),
        ),
        icon="❓",
    )

tab_names = ["ranking", "sensitivity"] + (["jurors"] if staff else []) + ["export"]
tabs = dict(zip(tab_names, st.tabs([tr(f"scoring.tab_{n}") for n in tab_names]), strict=True))

# --- ranking -------------------------------------------------------------------------
with tabs["ranking"]:
    threshold_label = (
        tr("scoring.line_top", k=shortlist.value)
        if shortlist.mode == "top"
        else tr("scoring.line_score", score=number(shortlist.value, 0))
    )
    bars = scoring_charts.contribution_bars(
        scoring_charts.contribution_frame(ranking, statuses),
        [c.label for c in criteria],
        threshold,
        threshold_label,
        lang,
    )
    st.altair_chart(charts.finish(bars, lang), width="stretch")

    prices = (
        list(projects["price_eur"])
        if staff and "price_eur" in projects and projects["price_eur"].notna().any()
        else None
    )
    st.dataframe(
        scoring_charts.ranking_table(ranking, lang, statuses, tie_words, chosen_ones, prices),
        hide_index=True,
        width="stretch",
    )

    st.caption(tr("scoring.formula"))
    if has_price_criterion:
        st.caption(tr("scoring.formula_price"))
        priced = projects.get("price_eur")
        if staff and priced is not None and priced.notna().any():
            cheapest = int(priced.idxmin())
            st.caption(
                tr(
                    "scoring.lowest_price",
                    price=format_eur(float(priced.iloc[cheapest]), lang),
                    name=safe.md(table.names[cheapest]),
                )
            )
    st.caption(
        tr(
            "scoring.aggregation_rule",
            how=tr(f"scoring.agg_{aggregation}").lower(),
        )
    )
    st.caption(tr("scoring.tie_rule", criterion=safe.md(labels[ids[ranking.heaviest]])))
    st.caption(tr("scoring.missing_rule"))

# --- sensitivity ---------------------------------------------------------------------
with tabs["sensitivity"]:
    if len(ranked) < 2:
        st.info(tr("scoring.sensitivity_none"))
    else:
        st.markdown(tr("scoring.sensitivity_intro"))
        if change is None:
            st.markdown(tr("scoring.change_none", name=safe.md(table.names[ranked[0]])))
        else:
            st.markdown(
                tr(
                    "scoring.change",
                    criterion=safe.md(labels[change.criterion_id]),
                    now=share(change.weight),
                    to=share(change.new_weight),
                    delta=number(change.delta * 100, 1),
                    name=safe.md(name_of[change.by]),
                    winner=safe.md(table.names[ranked[0]]),
                )
            )
        st.dataframe(
            scoring_charts.stability_table(
                intervals_win, intervals_top, keep, labels, name_of, lang
            ),
            hide_index=True,
            width="stretch",
        )
        kept_names = {tr("scoring.kept_first"): intervals_win}
        if intervals_top:
            kept_names[tr("scoring.kept_top", k=keep)] = intervals_top
        st.altair_chart(
            charts.finish(
                scoring_charts.stability_intervals(
                    scoring_charts.stability_frame(kept_names, labels),
                    [c.label for c in criteria],
                    lang,
                ),
                lang,
            ),
            width="stretch",
        )
        st.caption(tr("scoring.intervals_rule"))

        st.subheader(tr("scoring.probabilities"))
        project_labels = {
            table.project_ids[i]: scoring_charts.project_label(ranking.ranks[i], table.names[i])
            for i in ranked
        }
        st.altair_chart(
            charts.finish(
                scoring_charts.rank_heatmap(
                    scoring_charts.probability_frame(probabilities, project_labels),
                    list(project_labels.values()),
                    lang,
                ),
                lang,
            ),
            width="stretch",
        )
        top_share = probabilities.iloc[:, :keep].sum(axis=1) if keep else None
        summary = tr(
            "scoring.win_probability",
            name=safe.md(table.names[ranked[0]]),
            pct=share(win_probability or 0.0),
        )
        if top_share is not None and keep < len(ranked):
            stable = int((top_share >= 0.95).sum())
            summary += " " + tr("scoring.top_probability", k=keep, stable=stable)
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
if staff:
    with tabs["jurors"]:
        juror_scores = app.query("scoring_juror_scores", evaluation=evaluation)
        if juror_scores.empty:
            st.info(tr("scoring.no_juror_scores"))
        else:
            if "scoring_gap" not in st.session_state:
                try:
                    st.session_state["scoring_gap"] = min(max(int(link.get("gap") or 30), 5), 100)
                except ValueError:
                    st.session_state["scoring_gap"] = 30
            gap_pct = st.slider(
                tr("scoring.disagreement"),
                5,
                100,
                step=5,
                key="scoring_gap",
                format="%d %%",
                help=tr("scoring.disagreement_help"),
            )
            spread = scoring.juror_spread(juror_scores, criteria, gap_pct / 100)
            flagged = spread[spread["flagged"]]
            if flagged.empty:
                st.success(tr("scoring.no_disagreement"), icon="🤝")
            else:
                st.warning(tr("scoring.disagreements", count=len(flagged)), icon="⚠️")
                st.dataframe(
                    scoring_charts.disagreement_table(flagged, name_of, labels, lang),
                    hide_index=True,
                    width="stretch",
                )
            order = [name_of[table.project_ids[i]] for i in ranking.order]
            st.altair_chart(
                charts.finish(
                    scoring_charts.juror_spread(
                        scoring_charts.spread_frame(
                            juror_scores,
                            spread,
                            name_of,
                            labels,
                            {c.criterion_id: c.scale_max for c in criteria},
                        ),
                        [c.label for c in criteria if c.method == scoring.RATING],
                        order,
                        lang,
                    ),
                    lang,
                ),
            )
            st.caption(tr("scoring.spread_rule"))

            st.subheader(tr("scoring.juror_rankings"))
            st.dataframe(
                scoring_charts.juror_ranking_table(
                    scoring.juror_rankings(table, juror_scores, raw), lang
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(tr("scoring.juror_rankings_help"))

            st.subheader(tr("scoring.comments"))
            comments = scoring_charts.comments_table(juror_scores, name_of, labels, lang)
            if comments.empty:
                st.caption(tr("scoring.no_comments"))
            else:
                st.dataframe(comments, hide_index=True, width="stretch")

# --- export --------------------------------------------------------------------------
with tabs["export"]:
    headers = {
        "rank": tr("scoring.col_rank"),
        "project_id": tr("scoring.col_id"),
        "name": tr("scoring.col_project"),
        "status": tr("scoring.col_status"),
        "total": tr("scoring.col_total"),
        "tie_rule": tr("scoring.col_tie"),
        "criterion_id": tr("scoring.col_criterion_id"),
        "label": tr("scoring.criterion"),
        "method": tr("scoring.col_method"),
        "scale_max": tr("scoring.col_scale"),
        "data_weight": tr("scoring.col_data_weight"),
        "weight_used": tr("scoring.col_weight_used"),
    }
    ranking_sheet = scoring.export_frame(ranking, headers, statuses, tie_words, lang)
    weights_sheet = scoring.weights_frame(ranking, headers)
    stem = f"classement-{evaluation}" if lang == "fr" else f"ranking-{evaluation}"
    st.caption(tr("scoring.export_help"))
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        tr("scoring.export_csv"),
        scoring.to_csv(ranking_sheet, lang),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="scoring_csv",
        icon="📄",
        on_click="ignore",
    )
    c2.download_button(
        tr("scoring.export_xlsx"),
        scoring.to_xlsx(
            {tr("scoring.sheet_ranking"): ranking_sheet, tr("scoring.sheet_weights"): weights_sheet}
        ),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="scoring_xlsx",
        icon="📊",
        on_click="ignore",
    )
    # rendered only when asked for: a PNG takes a fifth of a second to draw
    c3.download_button(
        tr("scoring.export_png"),
        lambda: scoring_charts.to_png(bars, lang),
        file_name=f"{stem}.png",
        mime="image/png",
        key="scoring_png",
        icon="🖼️",
        on_click="ignore",
    )

# --- URL -----------------------------------------------------------------------------
wanted_params = {"eval": evaluation, "agg": aggregation, "short": shortlist.to_text()}
weights_now = {cid: float(chosen[cid]) for cid in ids}
if weights_now != {cid: float(w) for cid, w in data_weights.items()}:
    wanted_params["w"] = scoring.format_weights(weights_now)
elif "w" in st.query_params:
    del st.query_params["w"]
if staff and "scoring_gap" in st.session_state:
    wanted_params["gap"] = str(st.session_state["scoring_gap"])
for name, value in wanted_params.items():
    if st.query_params.get(name) != value:
        st.query_params[name] = value
