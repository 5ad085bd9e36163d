"""Decisions and actions: what each committee decided, and what is still open."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import actions, app, safe
from dashboard.i18n import format_day, format_number, t

app.header("actions.title")
lang = app.lang()
situation = app.situation()

hidden = [] if app.role() == "staff" else list(app.confidential_evaluations())
log = app.query("actions_at", situation=situation, hidden=hidden)
dates = actions.committees(log)
if not dates:
    st.info(app.tr("actions.none"), icon="📂")
    st.stop()

# --- committee and filters (kept in the URL) ---------------------------------------------
app.remember("ac_committee", "committee", dates[0], date)
app.remember("ac_owner", "owner", [], list)
app.remember("ac_state", "state", [], list)
app.remember("ac_kind", "kind", [], list)
app.remember("ac_q", "q", "")
if st.session_state["ac_committee"] not in dates:
    st.session_state["ac_committee"] = dates[0]
committee = st.selectbox(
    app.tr("actions.committee"),
    dates,
    key="ac_committee",
    format_func=lambda d, lang=lang: t("actions.committee_label", lang, date=format_day(d, lang)),
)
log = actions.annotate(log, situation, committee)

c1, c2, c3, c4 = st.columns(4)
still_open = log[log["state"].isin(["open", "overdue"])]
c1.metric(app.tr("actions.open"), format_number(len(still_open), lang))
c2.metric(app.tr("actions.overdue"), format_number(int((log["state"] == "overdue").sum()), lang))
c3.metric(app.tr("actions.carried"), format_number(int(log["carried_over"].sum()), lang))
this = actions.of_committee(log, committee)
c4.metric(
    app.tr("actions.decisions_count"), format_number(int((this["kind"] == "decision").sum()), lang)
)


def links(frame: pd.DataFrame) -> pd.DataFrame:
    """Where each row points: the task's workstream on the timeline, the project's
    evaluation on the scoring page."""
    return frame.assign(
        task_link=[
            app.page_url("timeline", ws=str(w)) if isinstance(w, str) else None
            for w in frame["workstream"]
        ],
        project_link=[
            app.page_url("scoring", eval=str(e)) if isinstance(e, str) else None
            for e in frame["evaluation"]
        ],
    )


def table(frame: pd.DataFrame, with_meeting: bool = False) -> None:
    shown = links(frame)
    task = app.tr("actions.task")
    project = app.tr("actions.project")
    data = pd.DataFrame(
        {
            app.tr("actions.text"): shown["text"],
            app.tr("actions.owner"): shown["owner"],
            app.tr("actions.due"): pd.to_datetime(shown["due"]).dt.date,
            app.tr("actions.days_overdue"): shown["days_overdue"],
            app.tr("actions.status"): [app.tr(f"actions.state_{s}") for s in shown["state"]],
            task: [
                f"{i} {n}" if isinstance(i, str) else None
                for i, n in zip(shown["task_id"], shown["task_name"], strict=True)
            ],
            "🗓️": shown["task_link"],
            project: [
                f"{i} {n}" if isinstance(i, str) else None
                for i, n in zip(shown["project_id"], shown["project_name"], strict=True)
            ],
            "⚖️": shown["project_link"],
        }
    )
    if with_meeting:
        data.insert(0, app.tr("actions.meeting"), pd.to_datetime(shown["meeting_date"]).dt.date)
        data.insert(1, app.tr("actions.kind"), [app.tr(f"actions.kind_{k}") for k in shown["kind"]])
    day_format = "DD/MM/YYYY" if lang == "fr" else "D MMM YYYY"
    st.dataframe(
        data,
        hide_index=True,
        width="stretch",
        column_config={
            app.tr("actions.due"): st.column_config.DateColumn(format=day_format),
            app.tr("actions.meeting"): st.column_config.DateColumn(format=day_format),
            "🗓️": st.column_config.LinkColumn(display_text=app.tr("nav.timeline")),
            "⚖️": st.column_config.LinkColumn(display_text=app.tr("nav.scoring")),
        },
    )


# --- this committee --------------------------------------------------------------------
st.subheader(app.tr("actions.decisions", date=format_day(committee, lang)))
decided = this[this["kind"] == "decision"]
if decided.empty:
    st.caption(app.tr("actions.no_decisions"))
for rec in decided.to_dict("records"):
    st.markdown("- " + safe.md(rec["text"]))

st.subheader(app.tr("actions.new_actions", date=format_day(committee, lang)))
new = this[this["kind"] == "action"]
if new.empty:
    st.caption(app.tr("actions.no_new_actions"))
else:
    table(new)

st.subheader(app.tr("actions.carried_title"))
st.caption(app.tr("actions.carried_caption"))
carried = actions.carried_over(log)
if carried.empty:
    st.success(app.tr("actions.no_carried"), icon="✅")
else:
    table(carried)

# --- the whole log ------------------------------------------------------------------------
with st.expander(app.tr("actions.log"), icon="📜"):
    f1, f2, f3, f4 = st.columns([2, 2, 1, 2])
    f1.multiselect(
        app.tr("actions.owner"),
        sorted(log["owner"].dropna().unique()),
        key="ac_owner",
        placeholder=app.tr("app.all"),
    )
    f2.multiselect(
        app.tr("actions.status"),
        list(actions.STATES),
        key="ac_state",
        format_func=app.labeller("actions.state_"),
        placeholder=app.tr("app.all"),
    )
    f3.multiselect(
        app.tr("actions.kind"),
        ["decision", "action"],
        key="ac_kind",
        format_func=app.labeller("actions.kind_"),
        placeholder=app.tr("app.all"),
    )
    f4.text_input(app.tr("actions.search"), key="ac_q")
    chosen = actions.filter_actions(
        log,
        st.session_state["ac_owner"],
        st.session_state["ac_state"],
        st.session_state["ac_kind"],
        st.session_state["ac_q"],
    )
    table(chosen, with_meeting=True)

app.to_url(
    committee=None if committee == dates[0] else committee,
    owner=st.session_state["ac_owner"],
    state=st.session_state["ac_state"],
    kind=st.session_state["ac_kind"],
    q=st.session_state["ac_q"] or None,
)
st.caption(app.tr("actions.rule"))
