"""Timeline: the Gantt the committee steers by, at the situation date."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import app, export, mission, status, timeline
from dashboard.gantt import GanttOptions, gantt_spec
from dashboard.i18n import column_label, format_day, format_number

app.header("timeline.title")
lang = app.lang()
situation = app.situation()

tasks = status.with_states(app.query("tasks"), situation)
if tasks.empty:
    st.info(app.tr("app.no_data"), icon="📂")
    st.stop()
sites = app.query("sites")
actions = app.query("open_actions", situation=situation)
event = app.query("event_window", pattern=mission.EVENT_PATTERN)
history = app.versions("tasks")
site_names = dict(zip(sites["site_id"], sites["name"], strict=True))

# --- filters (kept in the URL) -------------------------------------------------------
app.remember("tl_ws", "ws", [], list)
app.remember("tl_site", "site", [], list)
app.remember("tl_owner", "owner", [], list)
app.remember("tl_state", "state", [], list)
app.remember("tl_zoom", "zoom", "mission")
app.remember("tl_from", "from", None, date)
app.remember("tl_to", "to", None, date)
app.remember("tl_vs", "vs", None, int)
app.remember("tl_base", "base", True, bool)
app.remember("tl_crit", "crit", True, bool)
app.remember("tl_links", "links", True, bool)
app.remember("tl_expand", "expand", [], list)

workstreams = list(dict.fromkeys(tasks.sort_values("start")["workstream"]))
owners = sorted(o for o in tasks["owner"].dropna().unique())
with st.expander(app.tr("timeline.filters"), expanded=True, icon="🔎"):
    c1, c2, c3, c4 = st.columns(4)
    c1.multiselect(
        app.tr("timeline.workstream"), workstreams, key="tl_ws", placeholder=app.tr("app.all")
    )
    c2.multiselect(
        app.tr("timeline.site"),
        list(site_names),
        key="tl_site",
        format_func=lambda s: site_names.get(s, s),
        placeholder=app.tr("app.all"),
    )
    c3.multiselect(app.tr("timeline.owner"), owners, key="tl_owner", placeholder=app.tr("app.all"))
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
        timeline.ZOOM_PRESETS,
        key="tl_zoom",
        format_func=app.labeller("timeline.zoom_"),
    )
    if st.session_state["tl_zoom"] == "custom":
        lo, hi = timeline.zoom_window("mission", situation, tasks)
        st.session_state["tl_from"] = st.session_state["tl_from"] or lo
        st.session_state["tl_to"] = st.session_state["tl_to"] or hi
        c2.date_input(app.tr("timeline.start"), key="tl_from", format="DD/MM/YYYY")
        c2.date_input(app.tr("timeline.end"), key="tl_to", format="DD/MM/YYYY")
    earlier = history[:-1] if history else []
    none_label = app.tr("timeline.compare_none")
    labels = {
        v.version: app.tr(
            "timeline.version_label",
            version=v.version,
            date=format_day(v.when.date(), lang, "medium"),
        )
        for v in earlier
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
    if len(tasks) > timeline.COLLAPSE_THRESHOLD:
        st.multiselect(
            app.tr("timeline.expand"),
            workstreams,
            key="tl_expand",
            placeholder=app.tr("app.choose"),
            help=app.tr("timeline.expand_help", threshold=timeline.COLLAPSE_THRESHOLD),
        )

app.to_url(
    ws=st.session_state["tl_ws"],
    site=st.session_state["tl_site"],
    owner=st.session_state["tl_owner"],
    state=st.session_state["tl_state"],
    zoom=None if st.session_state["tl_zoom"] == "mission" else st.session_state["tl_zoom"],
    **{
        "from": st.session_state["tl_from"] if st.session_state["tl_zoom"] == "custom" else None,
        "to": st.session_state["tl_to"] if st.session_state["tl_zoom"] == "custom" else None,
    },
    vs=st.session_state["tl_vs"],
    base=None if st.session_state["tl_base"] else False,
    crit=None if st.session_state["tl_crit"] else False,
    links=None if st.session_state["tl_links"] else False,
    expand=st.session_state["tl_expand"],
)

if st.session_state["tl_zoom"] == "custom":
    window = (st.session_state["tl_from"], st.session_state["tl_to"])
else:
    window = timeline.zoom_window(st.session_state["tl_zoom"], situation, tasks)
shown = timeline.filter_tasks(
    tasks,
    st.session_state["tl_ws"],
    st.session_state["tl_site"],
    st.session_state["tl_owner"],
    st.session_state["tl_state"],
    window,
)
critical = timeline.critical_path(tasks) if st.session_state["tl_crit"] else []
previous: dict[str, tuple[date, date]] = {}
compared = next((v for v in history if v.version == st.session_state["tl_vs"]), None)
old_tasks = app.version_frame("tasks", compared) if compared is not None else None
if old_tasks is not None:
    previous = {
        str(r["task_id"]): (pd.Timestamp(r["start"]).date(), pd.Timestamp(r["end"]).date())
        for r in old_tasks.to_dict("records")
        if pd.notna(r["start"]) and pd.notna(r["end"])
    }

# --- chart -----------------------------------------------------------------------
if shown.empty:
    st.warning(app.tr("timeline.empty"), icon="🔎")
else:
    drawn = timeline.summarise(shown, st.session_state["tl_expand"])
    if (drawn["kind"] == "summary").any():
        st.info(app.tr("timeline.collapsed", count=format_number(len(shown), lang)), icon="🗂️")
    event_band = None
    if not event.empty:
        event_band = (
            mission.EVENT_LABEL,
            event["start"].iloc[0].date(),
            event["end"].iloc[0].date(),
        )
    options = GanttOptions(
        lang=lang,
        situation=situation,
        window=window,
        event=event_band,
        critical=critical,
        show_baseline=st.session_state["tl_base"],
        show_links=st.session_state["tl_links"],
        previous=previous,
    )
    spec = gantt_spec(drawn, options)
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(
        app.tr("timeline.legend", event=mission.EVENT_LABEL)
        + " "
        + app.tr("timeline.shown", shown=len(shown), total=len(tasks))
    )
    if critical:
        st.caption(
            app.tr("timeline.critical_caption", **timeline.critical_summary(tasks, critical))
        )
    e1, e2, e3 = st.columns(3)
    e1.download_button(
        app.tr("timeline.export_png"),
        data=lambda: export.chart_png({**spec, "width": 1100}),
        file_name=f"planning-{situation.isoformat()}.png",
        mime="image/png",
        icon="🖼️",
        on_click="ignore",
    )
    e2.download_button(
        app.tr("timeline.export_svg"),
        data=lambda: export.chart_svg({**spec, "width": 1100}),
        file_name=f"planning-{situation.isoformat()}.svg",
        mime="image/svg+xml",
        icon="✒️",
        on_click="ignore",
    )

# --- tasks to watch ------------------------------------------------------------------
st.subheader(app.tr("timeline.attention"))
st.caption(app.tr("timeline.attention_caption"))
watch = timeline.attention(shown, actions)
watch = watch.assign(
    slip=timeline.slippage(watch),
    state_label=[app.tr(f"state.{s}") for s in watch["state"]],
    site=[site_names.get(s, "") for s in watch["site_id"]],
)
table = pd.DataFrame(
    {
        app.tr("timeline.task"): watch["name"],
        app.tr("timeline.workstream"): watch["workstream"],
        app.tr("timeline.state"): watch["state_label"],
        app.tr("timeline.owner_col"): watch["owner"],
        app.tr("timeline.end"): pd.to_datetime(watch["end"]).dt.date,
        app.tr("timeline.days_late"): watch["days_late"],
        app.tr("timeline.progress"): watch["progress"],
        app.tr("timeline.slip"): watch["slip"],
        app.tr("timeline.site"): watch["site"],
        app.tr("timeline.actions"): watch["actions"],
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        app.tr("timeline.end"): st.column_config.DateColumn(
            format="DD/MM/YYYY" if lang == "fr" else "D MMM YYYY"
        )
    },
)
if not shown.empty:
    e3.download_button(
        app.tr("timeline.export_csv"),
        data=export.csv_bytes(table),
        file_name=f"planning-{situation.isoformat()}.csv",
        mime="text/csv",
        icon="📄",
        on_click="ignore",
    )

# --- since an earlier version ---------------------------------------------------------
if compared is not None and old_tasks is not None:
    st.subheader(
        app.tr(
            "timeline.changes",
            version=compared.version,
            date=format_day(compared.when.date(), lang),
        )
    )
    changes = timeline.compare_versions(old_tasks, tasks)
    if changes.empty:
        st.info(app.tr("timeline.changes_none"), icon="✅")
    else:
        counts = changes["change"].value_counts()
        st.caption(
            app.tr(
                "timeline.changes_counts",
                changed=int(counts.get("changed", 0)),
                added=int(counts.get("added", 0)),
                removed=int(counts.get("removed", 0)),
            )
        )
        st.dataframe(
            pd.DataFrame(
                {
                    app.tr("timeline.task"): changes["task_id"] + " " + changes["name"].astype(str),
                    app.tr("timeline.change"): [
                        app.tr(f"timeline.change_{c}") for c in changes["change"]
                    ],
                    app.tr("timeline.start_shift"): changes["start_shift"],
                    app.tr("timeline.end_shift"): changes["end_shift"],
                    app.tr("timeline.progress_before"): changes["progress_before"],
                    app.tr("timeline.progress_after"): changes["progress_after"],
                    app.tr("timeline.fields"): [
                        ", ".join(column_label("tasks", c, lang) for c in f.split(", ") if c)
                        for f in changes["fields"]
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
elif not history[:-1]:
    st.caption(app.tr("timeline.no_versions"))

st.caption(app.tr("timeline.rules", threshold=format_number(status.AT_RISK_POINTS, lang)))
