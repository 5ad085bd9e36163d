"""Timeline: the Gantt the committee steers by, at the situation date.

Renders `views.timeline`'s model: the widgets make the view state, the model is
built (and cached) from it, and the page only draws.
"""

import pandas as pd
import streamlit as st

from dashboard import export
from dashboard.charts import alt_text, gantt
from dashboard.domain import status
from dashboard.i18n import column_label, format_day, format_number
from dashboard.ui import app, safe, shell, widgets
from dashboard.views import timeline as view

shell.header("timeline.title")
lang = app.lang()
situation = app.situation()

found = app.model(view.options, view.ChoicesState(situation, lang))
if not found.tasks:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()
site_names = dict(found.sites)
history = app.versions("tasks")

# --- filters (kept in the URL) -------------------------------------------------------
for widget in view.WIDGETS:
    app.remember(*widget)

# on a projector the first screen is the Gantt: the filters folded away
with st.expander(app.tr("timeline.filters"), expanded=not app.projector(), icon="🔎"):
    c1, c2, c3, c4 = st.columns(4)
    c1.multiselect(
        app.tr("timeline.workstream"),
        found.workstreams,
        key="tl_ws",
        format_func={w: found.workstream_label(w, lang) for w in found.workstreams}.get,
        placeholder=app.tr("app.all"),
    )
    c2.multiselect(
        app.tr("timeline.site"),
        list(site_names),
        key="tl_site",
        format_func=lambda s: site_names.get(s, s),
        placeholder=app.tr("app.all"),
    )
    c3.multiselect(
        app.tr("timeline.owner"), found.owners, key="tl_owner", placeholder=app.tr("app.all")
    )
    c4.multiselect(
        app.tr("timeline.state"),
        list(status.STATES),
        key="tl_state",
        format_func=app.labeller("state."),
        placeholder=app.tr("app.all"),
    )
    c1, c2, c3 = st.columns([2, 2, 3])
    c1.radio(
        app.tr("timeline.zoom"),
        view.ZOOM_PRESETS,
        key="tl_zoom",
        format_func=app.labeller("timeline.zoom_"),
    )
    if st.session_state["tl_zoom"] == "custom":
        st.session_state["tl_from"] = st.session_state["tl_from"] or found.mission[0]
        st.session_state["tl_to"] = st.session_state["tl_to"] or found.mission[1]
        c2.date_input(app.tr("timeline.start"), key="tl_from", format="DD/MM/YYYY")
        c2.date_input(app.tr("timeline.end"), key="tl_to", format="DD/MM/YYYY")
    earlier = {v.version: v for v in history[:-1]}
    none_label = app.tr("timeline.compare_none")
    labels = {
        n: app.tr(
            "timeline.version_label", version=n, date=format_day(v.when.date(), lang, "medium")
        )
        for n, v in earlier.items()
    }
    if st.session_state["tl_vs"] not in labels:
        st.session_state["tl_vs"] = None
    c3.selectbox(
        app.tr("timeline.compare"),
        [None, *labels],
        key="tl_vs",
        format_func=lambda v: labels.get(v, none_label),
        placeholder=none_label,
        help=app.tr("timeline.compare_help"),
    )
    t1, t2, t3 = c3.columns(3)
    t1.toggle(app.tr("timeline.baseline"), key="tl_base")
    t2.toggle(app.tr("timeline.critical"), key="tl_crit")
    t3.toggle(app.tr("timeline.links"), key="tl_links")
    if found.tasks > view.COLLAPSE_THRESHOLD:
        st.multiselect(
            app.tr("timeline.expand"),
            found.workstreams,
            key="tl_expand",
            format_func={w: found.workstream_label(w, lang) for w in found.workstreams}.get,
            placeholder=app.tr("app.choose"),
            help=app.tr("timeline.expand_help", threshold=view.COLLAPSE_THRESHOLD),
        )

chosen = earlier.get(st.session_state["tl_vs"])
compared = (
    view.Compared(chosen.version, chosen.when.date(), app.version_file("tasks", chosen))
    if chosen is not None
    else None
)
state = view.state_of(
    st.session_state.to_dict(), situation, lang, compared, scale=1.5 if app.projector() else 1.0
)
model = app.model(view.build, state)
# a page number past the end (the filters narrowed): back to the first page
if state.page > model.row_pages or state.watch_page > model.watch_pages:
    st.session_state["tl_page"] = min(state.page, model.row_pages)
    st.session_state["tl_watch"] = min(state.watch_page, model.watch_pages)
    st.rerun()
app.to_url(**view.url_values(state))

# --- chart -----------------------------------------------------------------------
if model.empty:
    st.warning(app.tr("timeline.empty"), icon="🔎")
else:
    if model.collapsed:
        st.info(app.tr("timeline.collapsed", count=format_number(model.shown, lang)), icon="🗂️")
    if model.row_pages > 1:
        st.number_input(
            app.tr("timeline.rows_page", pages=model.row_pages),
            min_value=1,
            max_value=model.row_pages,
            key="tl_page",
        )
    # the Gantt on a wide screen, the same rows as an agenda on a narrow one (CSS)
    widgets.narrow_layout()
    with st.container(key="timeline_gantt"):
        st.vega_lite_chart(spec=model.spec, width="stretch", alt=alt_text.gantt(model.spec, lang))
    with st.container(key="timeline_agenda"):
        for workstream, lines in gantt.agenda(model.rows, lang):
            st.markdown(
                f"**{safe.md(workstream)}**\n\n" + "\n".join(f"- {safe.md(x)}" for x in lines)
            )
    st.caption(
        app.tr("timeline.legend", event=app.tr("overview.event"))
        + " "
        + app.tr("timeline.shown", shown=model.shown, total=model.total)
    )
    if model.critical_caption:
        st.caption(safe.md(model.critical_caption))
    if model.conflicts:
        st.warning(
            "\n".join(
                [app.tr("meeting.dependency_warning")]
                + ["- " + safe.md(text) for text in model.conflicts]
            ),
            icon="⛓️",
        )
    e1, e2, e3 = st.columns(3)
    e1.download_button(
        app.tr("timeline.export_png"),
        data=lambda: export.chart_png({**model.spec, "width": 1100}),
        file_name=f"planning-{situation.isoformat()}.png",
        mime=export.MIME["png"],
        icon="🖼️",
        on_click="ignore",
    )
    e2.download_button(
        app.tr("timeline.export_svg"),
        data=lambda: export.chart_svg({**model.spec, "width": 1100}),
        file_name=f"planning-{situation.isoformat()}.svg",
        mime=export.MIME["svg"],
        icon="✒️",
        on_click="ignore",
    )


# --- tasks to watch ------------------------------------------------------------------
end_heading = app.tr("timeline.end")


def watch_table(watch: pd.DataFrame) -> pd.DataFrame:
    return view.watch_table(watch, lang)


st.header(app.tr("timeline.attention"))
st.caption(app.tr("timeline.attention_caption"))
if model.watch_pages > 1:
    st.number_input(
        app.tr("timeline.watch_page", pages=model.watch_pages, count=model.watched),
        min_value=1,
        max_value=model.watch_pages,
        key="tl_watch",
    )
st.dataframe(
    watch_table(model.watch),
    hide_index=True,
    width="stretch",
    column_config={
        end_heading: st.column_config.DateColumn(
            format="DD/MM/YYYY" if lang == "fr" else "D MMM YYYY"
        )
    },
)
if not model.empty:
    # every task to watch, not only this page, read when the button is clicked, in
    # the reader's language as the page's model reads it
    read = app.content_reader()
    e3.download_button(
        app.tr("timeline.export_csv"),
        data=lambda: export.csv_bytes(watch_table(view.watch_rows(read, state, found, every=True))),
        file_name=f"planning-{situation.isoformat()}.csv",
        mime=export.MIME["csv"],
        icon="📄",
        on_click="ignore",
    )

# --- since an earlier version ---------------------------------------------------------
changes = model.changes
if changes is not None:
    st.header(
        app.tr("timeline.changes", version=changes.version, date=format_day(changes.day, lang))
    )
    if changes.table.empty:
        st.info(app.tr("timeline.changes_none"), icon="✅")
    else:
        st.caption(
            app.tr(
                "timeline.changes_counts",
                changed=changes.changed,
                added=changes.added,
                removed=changes.removed,
            )
        )
        table = changes.table
        st.dataframe(
            pd.DataFrame(
                {
                    app.tr("timeline.task"): table["task_id"] + " " + table["name"].astype(str),
                    app.tr("timeline.change"): [
                        app.tr(f"timeline.change_{c}") for c in table["change"]
                    ],
                    app.tr("timeline.start_shift"): table["start_shift"],
                    app.tr("timeline.end_shift"): table["end_shift"],
                    app.tr("timeline.progress_before"): table["progress_before"],
                    app.tr("timeline.progress_after"): table["progress_after"],
                    app.tr("timeline.fields"): [
                        ", ".join(column_label("tasks", c, lang) for c in f.split(", ") if c)
                        for f in table["fields"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
elif not earlier:
    st.caption(app.tr("timeline.no_versions"))

st.caption(app.tr("timeline.rules", threshold=format_number(status.AT_RISK_POINTS, lang)))
widgets.glossary(lang)
