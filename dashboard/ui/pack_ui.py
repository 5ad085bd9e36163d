"""Streamlit glue for the committee pack and chart images: download buttons whose
files are drawn only when someone clicks (a PDF takes seconds, a PNG a fraction).

A deferred download runs outside the page's script run, without its session: what
it needs (the role, the language, the data version, the view) is taken while the
page draws, and the pack reads through the same access rules as `app.query`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import export, pack
from dashboard.store.base import store_for
from dashboard.ui import app
from dashboard.views import timeline


def _page() -> str:
    """The URL path of the page this run draws ('' when unknown)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
    return str(info.get("url_pathname") or "") if info else ""


def _timeline_state() -> timeline.State:
    """The timeline's view state as the page makes it: from its widgets, seeded
    from the URL the same way (`app.remember`). The widgets come first: in the run
    a change starts, they already hold it while the URL still holds the view
    before the change (the page writes the URL after drawing them)."""
    for widget in timeline.WIDGETS:
        app.remember(*widget)
    return timeline.state_of(st.session_state.to_dict(), app.situation(), app.lang())


def pack_button() -> None:
    """The committee pack's download button, in the sidebar. On the timeline page
    the pack's Gantt takes that page's filters (and says so on every page)."""
    lang, situation, role = app.lang(), app.situation(), app.role()
    root, version = app.store_key(), app.data_version()
    hidden = () if role == "staff" else tuple(app.confidential_evaluations())
    view = _timeline_state() if _page() == "timeline" else None
    read = app.reader()
    until = situation if app.past_view() is not None else None

    def build() -> bytes:
        context = pack.context_for(
            store_for(root),
            lang,
            situation,
            role,
            hidden,
            data_version=version,
            timeline=view,
            until=until,
        )
        return pack.build_pack(read, context)

    st.sidebar.download_button(
        app.tr("pack.button"),
        data=build,
        file_name=pack.file_name(situation, role),
        mime=export.MIME["pdf"],
        icon="📄",
        on_click="ignore",
        key="pack_pdf",
        help=app.tr("pack.button_help"),
        width="stretch",
    )


def png_button(chart: Any, name: str, where: Any = st) -> None:
    """A PNG of one chart (Altair, finished with its locale, or a Vega-Lite dict),
    drawn offline by vl-convert when clicked. `name` makes the file name and the
    button's key: one per chart on a page."""
    situation = app.situation()

    def draw() -> bytes:
        spec: dict[str, Any] = chart if isinstance(chart, dict) else chart.to_dict()
        if spec.get("width") in (None, "container"):
            spec = {**spec, "width": 900}
        return export.chart_png(spec)

    where.download_button(
        app.tr("pack.png"),
        data=draw,
        file_name=f"{name}-{situation.isoformat()}.png",
        mime=export.MIME["png"],
        icon="🖼️",
        on_click="ignore",
        key=f"png_{name}",
        help=app.tr("pack.png_help"),
        type="tertiary",
    )
