"""Decisions and actions: what each committee decided, and what is still open."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.i18n import format_day, format_number, t
from dashboard.pack import minutes
from dashboard.store import DocumentDamaged, Store
from dashboard.ui import app, safe, shell, widgets
from dashboard.views import actions, attendees, recording

shell.header("actions.title")
lang = app.lang()
situation = app.situation()

# --- the view state (kept in the URL) ------------------------------------------------------
app.remember("ac_committee", "committee", None, date)
app.remember("ac_owner", "owner", [], list)
app.remember("ac_state", "state", [], list, options=actions.STATES)
app.remember("ac_kind", "kind", [], list, options=actions.KINDS)
app.remember("ac_q", "q", "")
PAGES = {"ac_dpage": "dpage", "ac_npage": "npage", "ac_cpage": "cpage", "ac_lpage": "lpage"}
for widget_key, url_key in PAGES.items():
    app.remember(widget_key, url_key, 1, int, low=1)


def first_page(*keys: str) -> None:
    """A new committee or filter starts its lists on their first page."""
    for key in keys:
        st.session_state[key] = 1


state = actions.State(
    situation=situation,
    hidden=() if app.role() == "staff" else app.confidential_evaluations(),
    committee=st.session_state["ac_committee"],
    owners=tuple(sorted(st.session_state["ac_owner"])),
    states=tuple(sorted(st.session_state["ac_state"])),
    kinds=tuple(sorted(st.session_state["ac_kind"])),
    search=st.session_state["ac_q"],
    decisions_page=st.session_state["ac_dpage"],
    new_page=st.session_state["ac_npage"],
    carried_page=st.session_state["ac_cpage"],
    log_page=st.session_state["ac_lpage"],
)
model = app.model(actions.build, state)
if model.committee is None:
    st.info(app.tr("actions.none"), icon="📂")
    st.stop()

committee = model.committee
st.session_state["ac_committee"] = committee
# The committees' names, written once per data version and language: a long
# history has thousands of them, and Babel's dates cost on every rerun otherwise.
committee_labels: dict[date, str] = app.drawing(
    "committees",
    situation,  # the committees held by the situation date
    lambda: {
        d: t("actions.committee_label", lang, date=format_day(d, lang)) for d in model.committees
    },
)
st.selectbox(
    app.tr("actions.committee"),
    model.committees,
    key="ac_committee",
    format_func=committee_labels.__getitem__,
    on_change=first_page,
    args=("ac_dpage", "ac_npage", "ac_cpage"),
)

c1, c2, c3, c4 = st.columns(4)
for column, key in ((c1, "open_actions"), (c2, "overdue_actions")):
    widgets.figure_metric(column, model.figures, key, lang)
c3.metric(app.tr("actions.carried"), format_number(model.carried.total, lang))
c4.metric(app.tr("actions.decisions_count"), format_number(model.decisions.total, lang))


# --- recording in the meeting (staff) ---------------------------------------------------------
def record_box() -> None:
    """Staff record a decision or an action, or change or close one, during the
    meeting: each save is a new version of the actions (the upload's checks,
    history and rollback); every session sees it on its next rerun."""
    done = st.session_state.pop("rec_done", None)
    if done:
        st.success(done, icon="✅")
    with st.expander(app.tr("meeting.record"), icon="✍️", expanded=bool(done)):
        if app.past_view() is not None:
            st.info(app.tr("meeting.record_past"), icon="🕰️")
            return
        store = app.store()
        current = store.read_current("actions")
        found = app.model(recording.options, recording.OptionsState(lang))
        tasks = dict(found.tasks)
        projects = dict(found.projects)
        app.offer_name("rec_by")
        by = st.text_input(app.tr("meeting.by"), key="rec_by")
        new, change = st.tabs([app.tr("meeting.tab_new"), app.tr("meeting.tab_change")])
        with new, st.form("rec_new", clear_on_submit=True):
            kind = st.radio(
                app.tr("actions.kind"),
                recording.KINDS,
                key="rec_kind",
                format_func=app.labeller("actions.kind_"),
                horizontal=True,
            )
            text = st.text_area(app.tr("actions.text"), key="rec_text")
            c1, c2 = st.columns(2)
            owner = c1.text_input(app.tr("actions.owner"), key="rec_owner")
            due = c2.date_input(
                app.tr("actions.due"), value=None, key="rec_due", format="DD/MM/YYYY"
            )
            c3, c4 = st.columns(2)
            task = c3.selectbox(
                app.tr("actions.task"),
                ["", *tasks],
                key="rec_task",
                format_func=lambda k: tasks.get(k, "—"),
            )
            project = c4.selectbox(
                app.tr("actions.project"),
                ["", *projects],
                key="rec_project",
                format_func=lambda k: projects.get(k, "—"),
            )
            if st.form_submit_button(app.tr("meeting.save"), icon="💾"):
                entry = recording.Entry(
                    kind=str(kind),
                    text=text,
                    meeting_date=situation,
                    owner=owner,
                    due=due if kind == "action" else None,
                    status="open" if kind == "action" else "done",
                    task_id=str(task or ""),
                    project_id=str(project or ""),
                )
                saved(store, by, *recording.apply(current, entry))
        with change:
            rows = {r["action_id"]: r for r in recording.rows_of(current)}
            if not rows:
                st.caption(app.tr("actions.none"))
                return
            ids = sorted(rows, key=lambda i: (rows[i].get("status") != "open", i))
            chosen = st.selectbox(
                app.tr("meeting.which"),
                ids,
                key="rec_which",
                format_func=lambda i: f"{i} · {rows[i].get('text', '')[:80]}",
            )
            row = rows[str(chosen)]
            with st.form(f"rec_edit_{chosen}"):
                text = st.text_area(
                    app.tr("actions.text"), value=row.get("text", ""), key=f"rec_e_text_{chosen}"
                )
                c1, c2, c3 = st.columns(3)
                owner = c1.text_input(
                    app.tr("actions.owner"), value=row.get("owner", ""), key=f"rec_e_owner_{chosen}"
                )
                due = c2.date_input(
                    app.tr("actions.due"),
                    value=date.fromisoformat(row["due"]) if row.get("due") else None,
                    format="DD/MM/YYYY",
                    key=f"rec_e_due_{chosen}",
                )
                status = c3.selectbox(
                    app.tr("actions.status"),
                    recording.STATUSES,
                    index=recording.STATUSES.index(row.get("status") or "open"),
                    format_func=app.labeller("meeting.status_"),
                    key=f"rec_e_status_{chosen}",
                )
                if st.form_submit_button(app.tr("meeting.save"), icon="💾"):
                    entry = recording.Entry(
                        kind=row.get("kind", "action"),
                        text=text,
                        meeting_date=date.fromisoformat(row["meeting_date"]),
                        owner=owner,
                        due=due,
                        status=str(status),
                        task_id=row.get("task_id", ""),
                        project_id=row.get("project_id", ""),
                        action_id=str(chosen),
                    )
                    saved(store, by, *recording.apply(current, entry))


def saved(store: Store, by: str, action_id: str, data: bytes) -> None:
    """Commit the new actions file; say what was saved, or why not."""
    if not by.strip():
        st.error(app.tr("meeting.by_needed"), icon="✍️")
        return
    try:
        version = recording.save(store, data, by=by.strip())
    except recording.Refused as exc:
        st.error(app.tr("meeting.refused"), icon="⛔")
        for problem in exc.problems:
            st.markdown("- " + safe.md(problem.message(lang)))
        return
    number = version.version if version is not None else 0
    st.session_state["rec_done"] = app.tr("meeting.saved", id=action_id, version=number, by=by)
    st.rerun()


if app.role() == "staff":
    record_box()

STATE_LABELS = {s: app.tr(f"actions.state_{s}") for s in actions.STATES}
KIND_LABELS = {k: app.tr(f"actions.kind_{k}") for k in actions.KINDS}
DAY_FORMAT = "DD/MM/YYYY" if lang == "fr" else "D MMM YYYY"


def table(rows: pd.DataFrame, with_meeting: bool = False) -> None:
    """One page of rows; the task links to its workstream on the timeline, the
    project to its evaluation on the scoring page."""
    data = pd.DataFrame(
        {
            app.tr("actions.text"): rows["text"],
            # what decides first: the linked task, then how late
            app.tr("actions.task"): rows["task"],
            "🗓️": [
                app.page_url("timeline", ws=w) if isinstance(w, str) else None
                for w in rows["workstream"]
            ],
            app.tr("actions.days_overdue"): rows["days_overdue"],
            app.tr("actions.owner"): rows["owner"],
            app.tr("actions.due"): rows["due"],
            app.tr("actions.status"): rows["state"].map(STATE_LABELS),
            app.tr("actions.project"): rows["project"],
            "⚖️": [
                app.page_url("scoring", eval=e) if isinstance(e, str) else None
                for e in rows["evaluation"]
            ],
        }
    )
    if with_meeting:
        data.insert(0, app.tr("actions.meeting"), rows["meeting_date"])
        data.insert(1, app.tr("actions.kind"), rows["kind"].map(KIND_LABELS))
    st.dataframe(
        widgets.blank_missing(data),
        hide_index=True,
        width="stretch",
        column_config={
            app.tr("actions.due"): st.column_config.DateColumn(format=DAY_FORMAT),
            app.tr("actions.meeting"): st.column_config.DateColumn(format=DAY_FORMAT),
            "🗓️": st.column_config.LinkColumn(display_text=app.tr("nav.timeline")),
            "⚖️": st.column_config.LinkColumn(display_text=app.tr("nav.scoring")),
        },
    )


def pager(shown: actions.Table, key: str) -> None:
    """Which page of a long list; the browser only ever gets the page drawn."""
    if shown.pages <= 1:
        return
    st.session_state[key] = shown.page  # a page past the end shows the last one
    left, right = st.columns([1, 3], vertical_alignment="bottom")
    left.number_input(
        app.tr("actions.page", pages=shown.pages), min_value=1, max_value=shown.pages, key=key
    )
    right.caption(
        app.tr(
            "actions.rows_shown",
            first=format_number(shown.first, lang),
            last=format_number(shown.last, lang),
            total=format_number(shown.total, lang),
        )
    )


# --- this committee --------------------------------------------------------------------
when = format_day(committee, lang)


def save_attendees(day: date, key: str) -> None:
    """Record the attendees typed for the committee of `day` (a callback); a message
    says what was saved, or why not (nothing written)."""

    def record() -> tuple[attendees.Attendee, ...]:
        people = attendees.parse(st.session_state.get(key, ""))
        attendees.record(app.store(), day, people, st.session_state.get("att_by", ""))
        return people

    people = widgets.document_change(record, "att", "attendees.unreadable", lang)
    if people is None:
        return
    when = format_day(day, lang)
    widgets.leave_message(
        "att",
        app.tr("attendees.saved", date=when, count=len(people))
        if people
        else app.tr("attendees.removed", date=when),
    )


def attendees_box() -> None:
    """Staff record who attends the chosen committee (one a line: name,
    organisation); its minutes list them."""
    try:
        found, damage = attendees.of(app.store(), committee), ""
    except DocumentDamaged as exc:
        found, damage = None, exc.reason
    title = app.tr("attendees.title", date=format_day(committee, lang))
    # one identity whatever happens inside: it stays open or closed as the reader left it
    with st.expander(title, icon="👥", key="att_box"):
        widgets.show_message("att", "✅")
        if damage:
            st.error(app.tr("attendees.unreadable", reason=safe.md(damage)), icon="⛔")
        elif found is not None:
            recorded = app.tr(
                "attendees.recorded", count=len(found.attendees), by=safe.md(found.by)
            )
            st.caption(recorded)
        else:
            st.caption(app.tr("attendees.none"))
        # keyed by what is recorded: a list saved from another session shows here fresh
        key = f"att_text_{committee.isoformat()}_{found.at if found else ''}"
        if key not in st.session_state:
            st.session_state[key] = attendees.text_of(found.attendees) if found else ""
        st.text_area(app.tr("attendees.field"), key=key, help=app.tr("attendees.help"))
        app.offer_name("att_by")
        st.text_input(app.tr("attendees.by"), key="att_by")
        st.button(
            app.tr("attendees.save"),
            key="att_save",
            icon="💾",
            on_click=save_attendees,
            args=(committee, key),
        )


def minutes_buttons() -> None:
    """The chosen committee's minutes, PDF and Word, drawn when clicked."""
    store, read = app.store(), app.reader()
    live = app.past_view() is None and committee == situation
    names = app.role() == "staff"  # a viewer's minutes name the organisations present

    def made() -> minutes.Minutes:
        return minutes.build(store, read, committee, lang, live, names)

    probe = minutes.Minutes(committee, lang, (), (), (), ())
    formats = (("pdf", minutes.to_pdf), ("docx", minutes.to_docx))
    for column, (kind, render) in zip(st.columns([1, 1, 3]), formats, strict=False):
        column.download_button(
            app.tr(f"meeting.minutes_{kind}"),
            data=lambda render=render: render(made()),
            file_name=minutes.file_name(probe, kind),
            mime=export.MIME[kind],
            icon="📝",
            on_click="ignore",
            key=f"minutes_{kind}",
            help=app.tr("meeting.minutes_help"),
        )


if app.role() == "staff":
    attendees_box()
minutes_buttons()
st.header(app.tr("actions.decisions", date=when))
if model.decisions.total == 0:
    st.caption(app.tr("actions.no_decisions"))
else:
    st.markdown("\n".join("- " + safe.md(text) for text in model.decisions.rows["text"]))
    pager(model.decisions, "ac_dpage")

st.header(app.tr("actions.new_actions", date=when))
if model.new_actions.total == 0:
    st.caption(app.tr("actions.no_new_actions"))
else:
    table(model.new_actions.rows)
    pager(model.new_actions, "ac_npage")

st.header(app.tr("actions.carried_title"))
st.caption(app.tr("actions.carried_caption"))
if model.carried.total == 0:
    st.success(app.tr("actions.no_carried"), icon="✅")
else:
    table(model.carried.rows)
    pager(model.carried, "ac_cpage")

# --- the whole log ------------------------------------------------------------------------
# opened by a link that filters it (a headline figure's list), the log shows at once
filtered = any(st.session_state[k] for k in ("ac_owner", "ac_state", "ac_kind", "ac_q"))
with st.expander(app.tr("actions.log"), icon="📜", expanded=filtered):
    f1, f2, f3, f4 = st.columns([2, 2, 1, 2])
    f1.multiselect(
        app.tr("actions.owner"),
        model.owners,
        key="ac_owner",
        placeholder=app.tr("app.all"),
        on_change=first_page,
        args=("ac_lpage",),
    )
    f2.multiselect(
        app.tr("actions.status"),
        actions.STATES,
        key="ac_state",
        format_func=app.labeller("actions.state_"),
        placeholder=app.tr("app.all"),
        on_change=first_page,
        args=("ac_lpage",),
    )
    f3.multiselect(
        app.tr("actions.kind"),
        actions.KINDS,
        key="ac_kind",
        format_func=app.labeller("actions.kind_"),
        placeholder=app.tr("app.all"),
        on_change=first_page,
        args=("ac_lpage",),
    )
    f4.text_input(app.tr("actions.search"), key="ac_q", on_change=first_page, args=("ac_lpage",))
    table(model.log.rows, with_meeting=True)
    pager(model.log, "ac_lpage")

app.to_url(
    committee=None if committee == model.committees[0] else committee,
    owner=st.session_state["ac_owner"],
    state=st.session_state["ac_state"],
    kind=st.session_state["ac_kind"],
    q=st.session_state["ac_q"] or None,
    **{
        url: None if model_page == 1 else model_page
        for url, model_page in (
            ("dpage", model.decisions.page),
            ("npage", model.new_actions.page),
            ("cpage", model.carried.page),
            ("lpage", model.log.page),
        )
    },
)
st.caption(app.tr("actions.rule"))
