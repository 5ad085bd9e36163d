"""The frame every page is drawn in: the sidebar (language, situation date,
projector mode, sign-in, the committee pack), the viewer-token gate, the
navigation the role allows and a page's header.

Kept apart from `app` (session state and data access) so that the pack's button,
which reads through `app`, can be drawn here without an import cycle.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import auth, charts, demo
from dashboard.i18n import LANGS, format_day, normalise_lang
from dashboard.store import problem_text
from dashboard.throttle import store_throttle
from dashboard.ui import app, pack_ui, safe
from dashboard.views import past

LANG_NAMES = {"fr": "Français", "en": "English"}
PROJECTOR_CSS = Path(__file__).resolve().parents[1] / "static" / "projector.css"
_LOG = logging.getLogger("dashboard.access")


def _client() -> str:
    """The address password attempts are counted against (see auth.client_address)."""
    try:
        peer = st.context.ip_address
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # outside a server run
        peer, forwarded = None, None
    return auth.client_address(
        peer if isinstance(peer, str) else None,
        forwarded if isinstance(forwarded, str) else None,
        auth.proxy_networks(app.setting("trusted_proxies")),
    )


def _sign_in_form(where: Any) -> None:
    """Password and/or identity-provider sign-in, as the settings allow."""
    plain = app.setting("staff_password")
    hashed = app.setting("staff_password_hash")
    if auth.password_configured(plain, hashed):
        with where.form("sign_in", border=False):
            password = st.text_input(app.tr("auth.password"), type="password", key="password")
            if st.form_submit_button(app.tr("auth.submit")):
                client = _client()
                # counted before it is checked, across sessions and processes
                throttle = store_throttle(app.store())
                if not throttle.attempt(client, time.time()):
                    _LOG.warning("password attempts over the limit from %s", client)
                    st.error(app.tr("safety.too_many_attempts"))
                elif auth.verify_password(password, plain=plain, hashed=hashed):
                    throttle.succeeded(client)
                    st.session_state["role"] = "staff"
                    st.rerun()
                else:
                    st.error(app.tr("auth.wrong"))
    if app.oidc_configured():
        missing = app.oidc_missing()
        if missing:
            _LOG.error("[auth] settings incomplete, sign-in not offered: %s", ", ".join(missing))
            where.caption(app.tr("safety.oidc_incomplete", missing=", ".join(missing)))
        elif where.button(app.tr("auth.oidc"), key="oidc_sign_in", icon="🪪"):
            st.login()
    email = app.oidc_email()
    if email and app.role() != "staff":
        where.caption(app.tr("auth.not_staff", email=email))


def _sign_in_box() -> None:
    if app.role() == "staff":
        st.sidebar.success(app.tr("auth.signed_in"), icon="🔓")
        if st.sidebar.button(app.tr("auth.sign_out"), key="sign_out"):
            st.session_state["role"] = "viewer"
            if app.oidc_email():
                st.logout()
            st.rerun()
        return
    if not (
        auth.password_configured(app.setting("staff_password"), app.setting("staff_password_hash"))
        or app.oidc_configured()
    ):
        return
    with st.sidebar.expander(app.tr("auth.sign_in"), icon="🔐"):
        _sign_in_form(st)


def _settings_gate() -> None:
    """Settings that cannot be read stop every page before anything is drawn: the
    operator reads why (here and in the server log); nobody gets a page that a
    default, such as "no viewer token", would have opened."""
    fault = app.settings_fault()
    if fault is None:
        return
    _LOG.error("settings unreadable, every page stopped: %s", fault)
    st.error(app.tr("safety.settings_unreadable", detail=fault), icon="⛔")
    st.stop()


def _gate() -> None:
    """With a viewer token set, a visitor without it gets a short message and
    nothing else (staff may still sign in). The token can be rotated by
    changing the setting: sessions holding the old one are stopped here too."""
    expected = app.setting("viewer_token")
    if not expected:
        return
    given = st.query_params.get("token") or st.session_state.get("_token")
    if auth.token_ok(given, str(expected)):
        st.session_state["_token"] = given
        return
    st.session_state.pop("_token", None)
    if app.role() == "staff":
        return
    st.title(app.tr("app.title"))
    st.warning(app.tr("app.token_needed"), icon="🔒")
    with st.expander(app.tr("auth.sign_in"), icon="🔐"):
        _sign_in_form(st)
    st.stop()


def _keep(widget_key: str, state_key: str) -> None:
    """Copy a sidebar widget's value to a key that survives page changes."""
    value = st.session_state.get(widget_key)
    if value is not None:
        st.session_state[state_key] = value


def _situation_box() -> None:
    if "_situation" not in st.session_state:
        chosen = app.from_url("date", date)
        st.session_state["_situation"] = chosen or app.default_situation_date()
    # Widgets on several pages lose their state when the page changes; the value
    # lives under "_situation" and the widget is re-seeded from it on every run.
    st.session_state["situation"] = st.session_state["_situation"]
    st.sidebar.date_input(
        app.tr("app.situation_date"),
        key="situation",
        format="DD/MM/YYYY",
        help=app.tr("app.situation_help"),
        on_change=_keep,
        args=("situation", "_situation"),
    )


def _language_box() -> None:
    if "_lang" not in st.session_state:
        st.session_state["_lang"] = normalise_lang(st.query_params.get("lang"))
    st.session_state["lang"] = st.session_state["_lang"]
    st.sidebar.segmented_control(
        app.tr("app.language"),
        LANGS,
        key="lang",
        format_func=LANG_NAMES.__getitem__,
        selection_mode="single",
        on_change=_keep,
        args=("lang", "_lang"),
    )


def _projector_box() -> None:
    if "_present" not in st.session_state:
        st.session_state["_present"] = st.query_params.get("present") == "1"
    st.session_state["present"] = st.session_state["_present"]
    st.sidebar.toggle(
        app.tr("app.projector"),
        key="present",
        help=app.tr("app.projector_help"),
        on_change=_keep,
        args=("present", "_present"),
    )


def _projector_bar(page: str) -> None:
    """In a meeting: the pages in order, one step at a time, and a way out."""
    st.html(PROJECTOR_CSS)
    order = [p for p in auth.pages_for(app.role()) if "viewer" in auth.PAGES[p].roles]
    if page not in order:
        return
    at = order.index(page)
    back, step, ahead, leave = st.columns([1, 3, 1, 1], vertical_alignment="center")
    if back.button(
        app.tr("app.previous"), key="present_back", icon="⬅️", disabled=at == 0, width="stretch"
    ):
        st.switch_page(auth.PAGES[order[at - 1]].file)
    step.caption(app.tr("app.step", n=at + 1, total=len(order), page=app.tr(f"nav.{page}")))
    last = at == len(order) - 1
    if ahead.button(
        app.tr("app.next"), key="present_next", icon="➡️", disabled=last, width="stretch"
    ):
        st.switch_page(auth.PAGES[order[at + 1]].file)
    if leave.button(app.tr("app.leave_projector"), key="present_leave", icon="✖️", width="stretch"):
        st.session_state["_present"] = False
        st.rerun()


def _sync_url() -> None:
    """Keep language, situation date and the viewer token in the URL, so a shared
    link reopens the same view (page changes would otherwise drop them)."""
    wanted = {"lang": app.lang(), "date": app.situation().isoformat()}
    if st.session_state.get("_token"):
        wanted["token"] = st.session_state["_token"]
    if app.projector():
        wanted["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def navigation() -> Any:
    """The navigation built from the role; pages the role may not open are absent,
    so their URL cannot be reached either."""
    _settings_gate()
    app.pin_data_version()
    _gate()
    _note_missing_page()
    pages = [
        st.Page(
            auth.PAGES[name].file,
            title=app.tr(f"nav.{name}"),
            icon=auth.PAGES[name].icon,
            url_path=name,
            default=(name == "overview"),
        )
        for name in auth.pages_for(app.role())
    ]
    # one flat list: a section header would sit inside the navigation's <ul>
    # as a <div>, which screen readers (and axe) take for broken list markup
    return st.navigation(pages)


def sidebar() -> None:
    """Language, situation date and sign-in; drawn by each page as it starts."""
    _language_box()
    _situation_box()
    app.pin_situation()
    _projector_box()
    _sign_in_box()
    _sync_url()
    st.sidebar.caption(app.tr("app.data_version", version=app.data_version()))
    pack_ui.pack_button()


def header(title_key: str, page: str | None = None) -> None:
    """The sidebar, then a page's title, its situation-date caption and, for
    viewers, the read-only banner. A page the role may not open stops here,
    whatever way its script was reached. `page` is the page's name in
    `auth.PAGES` when its texts' prefix is another."""
    _settings_gate()
    if not app.pinned():
        app.pin_data_version()
    _gate()
    sidebar()
    page = page or title_key.split(".")[0]
    spec = auth.PAGES.get(page)
    if spec is not None and app.role() not in spec.roles:
        st.error(app.tr("app.forbidden"), icon="🔒")
        st.stop()
    charts.text_scale.set(1.5 if app.projector() else 1.0)
    if app.projector():
        _projector_bar(page)
    st.title(app.tr(title_key))
    st.caption(app.tr("overview.caption", date=format_day(app.situation(), app.lang())))
    shown = app.past_view()
    if shown is not None:
        st.warning(past.line(shown, app.lang()), icon="🕰️")
    _readers_notes()
    if app.role() == "viewer" and not app.projector():  # a projector's room sees no banner
        st.info(app.tr("app.viewer_banner"), icon="👁️")
    _data_notices()


def _data_notices() -> None:
    """A current file that cannot be loaded, said to everyone; what in the data
    folder disagrees with the version log, said to staff."""
    for dataset in app.unreadable_datasets():
        st.warning(
            app.tr("store_problem.unreadable_dataset", dataset=safe.md(f"{dataset}.csv")), icon="⚠️"
        )
    if app.role() != "staff":
        return
    problems = [p for p in app.store_problems() if p.code != "unlogged_version"]
    if not problems:
        return
    lines = "\n".join(f"- {safe.md(problem_text(p, app.lang()))}" for p in problems)
    database = app.store_key().startswith("postgresql:")
    banner = app.tr("store_problem.banner_database" if database else "store_problem.banner")
    text = f"{banner}\n\n{lines}"
    if any(p.blocking for p in problems):
        st.error(text, icon="⛔")
    else:
        st.warning(text, icon="🛠️")


# A constant script (no user text): closes Streamlit's English "Page not found"
# dialog once it shows, within a few seconds.
CLOSE_NOT_FOUND_DIALOG = """<script>
(() => {
  let tries = 0;
  const close = () => {
    for (const dialog of document.querySelectorAll('[role="dialog"]')) {
      const heading = dialog.querySelector("h2");
      if (heading && heading.textContent.trim() === "Page not found") {
        const button = dialog.querySelector('button[aria-label="Close"]');
        if (button) { button.click(); return; }
      }
    }
    if (++tries < 40) setTimeout(close, 100);
  };
  close();
})();
</script>"""


def _note_missing_page() -> None:
    """Remember an address that names no page the role may open: Streamlit then
    draws the default page (and its own English dialog); the page says why in the
    reader's language."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        wanted = ctx.pages_manager.intended_page_name if ctx is not None else None
        by_hash = ctx.pages_manager.intended_page_script_hash if ctx is not None else None
    except Exception:  # an internal of Streamlit's: without it, no note
        return
    if wanted and not by_hash and wanted not in auth.pages_for(app.role()):
        st.session_state["_missing_page"] = str(wanted)


def _readers_notes() -> None:
    """The document's language, the demo-data notice and a mistyped address."""
    lang = app.lang()
    # Streamlit has no setting for <html lang>: a constant script (no user text) sets it
    st.html(
        f"<script>document.documentElement.lang = {lang!r};</script>",
        unsafe_allow_javascript=True,
    )
    if demo.is_demo(app.store()):
        st.badge(app.tr("readers.demo"), icon="🧪", color="orange")
    missing = st.session_state.pop("_missing_page", None)
    if missing:
        st.info(app.tr("readers.not_found", path=safe.md(str(missing))), icon="🧭")
        # Streamlit's own dialog says the same in English only: closed, the note stays
        st.html(CLOSE_NOT_FOUND_DIALOG, unsafe_allow_javascript=True)
