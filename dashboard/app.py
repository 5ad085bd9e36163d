"""Streamlit glue: the shell's sidebar, roles, language, situation date, cached data.

Pages call `query()` for data and `tr()` for text; the connection and query
results are cached by data version, so a commit is seen on the next rerun.
"""

from __future__ import annotations

import importlib
import os
import time
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard import auth, charts, db
from dashboard.i18n import LANGS, format_day, normalise_lang, t
from dashboard.status import default_situation
from dashboard.store import Store, Version
from dashboard.views.reader import Reader, database_reader, restricted

LANG_NAMES = {"fr": "Français", "en": "English"}


def store() -> Store:
    return Store()


@st.cache_resource(max_entries=3, show_spinner=False)
def _database(root: str, version: str) -> duckdb.DuckDBPyConnection:
    # `version` is the cache key: a commit changes it and opens a fresh database.
    return db.open_database(Store(root=Path(root)).current_files())


@st.cache_data(max_entries=512, show_spinner=False)
def _query(root: str, version: str, name: str, params: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return db.query(_database(root, version), name, **dict(params))


# The data version a script run reads, fixed when the run starts: a commit landing
# while a page draws must not give it some queries of the old data and some of the new.
_pinned: ContextVar[str | None] = ContextVar("pinned_data_version", default=None)


def pin_data_version() -> str:
    version = store().data_version()
    _pinned.set(version)
    return version


def data_version() -> str:
    return _pinned.get() or store().data_version()


def cached_reader(root: str, version: str, who: auth.Role) -> Reader:
    """Named queries of one data version, cached, as `who` may read them."""

    def run(name: str, /, **params: Any) -> pd.DataFrame:
        return _query(root, version, name, tuple(sorted(params.items())))

    return restricted(run, who)


def query(name: str, **params: Any) -> pd.DataFrame:
    """A named query's rows for the current data version, as the role may see them
    (the rules of `views.reader.restricted`: nothing a viewer may not see reaches
    a page, and so the browser)."""
    return cached_reader(str(store().root), data_version(), role())(name, **params)


# --- view models --------------------------------------------------------------------

State = TypeVar("State", bound=Hashable)
Model = TypeVar("Model")


@st.cache_resource(max_entries=256, show_spinner=False)
def _model(root: str, version: str, who: str, builder: str, state: Any) -> Any:
    # Shared by every session (nothing per session stays after it closes); a model
    # is never changed after it is built, so handing out the same object is safe.
    module, _, name = builder.rpartition(".")
    build = getattr(importlib.import_module(module), name)
    who_role: auth.Role = "staff" if who == "staff" else "viewer"
    return build(database_reader(_database(root, version), who_role), state)


def model(build: Callable[[Reader, State], Model], state: State) -> Model:
    """A page's view model for this data version, role and view state, built once
    and cached: a rerun that changes none of them recomputes nothing. `state` is
    a frozen dataclass of everything the view depends on."""
    name = f"{build.__module__}.{build.__qualname__}"
    result: Model = _model(str(store().root), data_version(), role(), name, state)
    return result


def versions(dataset: str) -> list[Version]:
    """Committed versions of a dataset, oldest first; who committed is staff-only."""
    history = store().history(dataset)
    if role() == "staff":
        return history
    return [replace(v, by="") for v in history]


def version_file(dataset: str, version: Version) -> str:
    """The canonical file of one committed version, for a named query to read
    (e.g. `task_changes`); committed versions never change."""
    return str(store().version_path(dataset, version.version))


def confidential_evaluations() -> tuple[str, ...]:
    """Evaluations a viewer may not see (settings: DASHBOARD_CONFIDENTIAL_EVALUATIONS)."""
    return auth.confidential_evaluations(os.environ.get("DASHBOARD_CONFIDENTIAL_EVALUATIONS"))


# --- view state in the URL ----------------------------------------------------------


def remember(widget_key: str, url_key: str, default: Any, kind: type = str) -> None:
    """Seed a widget's state from the URL on the first run of the session.

    `kind` is str, list (comma-separated in the URL), bool ("1"/"0"), int or date.
    """
    if widget_key in st.session_state:
        return
    raw = st.query_params.get(url_key)
    value: Any = default
    if raw is not None:
        try:
            if kind is list:
                value = [v for v in raw.split(",") if v]
            elif kind is bool:
                value = raw == "1"
            elif kind is int:
                value = int(raw)
            elif kind is date:
                value = date.fromisoformat(raw)
            else:
                value = raw
        except ValueError:
            value = default
    st.session_state[widget_key] = value


def to_url(**values: Any) -> None:
    """Write a page's view state to the URL; None or an empty list removes the key."""
    for key, value in values.items():
        if value is None or value == [] or value == "":
            if key in st.query_params:
                del st.query_params[key]
            continue
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, list | tuple):
            text = ",".join(str(v) for v in value)
        elif isinstance(value, date):
            text = value.isoformat()
        else:
            text = str(value)
        if st.query_params.get(key) != text:
            st.query_params[key] = text


def page_url(page: str, **params: str) -> str:
    """A link to another page that keeps the language, the situation date and the
    viewer token (relative, so it works behind any host)."""
    from urllib.parse import urlencode

    query = {"lang": lang(), "date": situation().isoformat(), **params}
    if st.session_state.get("_token"):
        query["token"] = st.session_state["_token"]
    return f"./{page}?{urlencode(query)}"


# --- language -------------------------------------------------------------------


def lang() -> str:
    return normalise_lang(st.session_state.get("_lang") or st.query_params.get("lang"))


def tr(key: str, **params: object) -> str:
    return t(key, lang(), **params)


def labeller(prefix: str) -> Callable[[object], str]:
    """A widget's format_func for coded options: `prefix + option` in the language
    of this run (bound now: widgets may call it outside the script run)."""
    current = lang()

    def label(option: object) -> str:
        return t(f"{prefix}{option}", current)

    return label


# --- role -----------------------------------------------------------------------

_THROTTLE = auth.Throttle()


def setting(name: str) -> Any:
    """A setting from the environment (DASHBOARD_<NAME>) or `[dashboard]` in secrets."""
    value = os.environ.get(f"DASHBOARD_{name.upper()}")
    if value:
        return value
    try:
        return st.secrets.get("dashboard", {}).get(name) or None
    except Exception:  # no secrets file is a normal local set-up
        return None


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _oidc_email() -> str | None:
    try:
        if st.user.is_logged_in:
            email = st.user.get("email")
            return str(email) if email else None
    except Exception:  # st.user outside a server run
        return None
    return None


def role() -> auth.Role:
    """Staff after a password sign-in, or an OIDC identity listed as staff; else viewer."""
    if st.session_state.get("role") == "staff":
        return "staff"
    email = _oidc_email()
    if email and auth.is_staff_identity(
        email,
        auth.split_setting(setting("staff_emails")),
        auth.split_setting(setting("staff_domains")),
    ):
        return "staff"
    return "viewer"


def _client() -> str:
    try:
        return st.context.ip_address or "local"
    except Exception:
        return "local"


def _sign_in_form(where: Any) -> None:
    """Password and/or identity-provider sign-in, as the settings allow."""
    plain = setting("staff_password")
    hashed = setting("staff_password_hash")
    if auth.password_configured(plain, hashed):
        with where.form("sign_in", border=False):
            password = st.text_input(tr("auth.password"), type="password", key="password")
            if st.form_submit_button(tr("auth.submit")):
                client = _client()
                # answer more slowly after each wrong password from this client
                time.sleep(_THROTTLE.delay(client, time.monotonic()))
                if auth.verify_password(password, plain=plain, hashed=hashed):
                    _THROTTLE.succeeded(client)
                    st.session_state["role"] = "staff"
                    st.rerun()
                _THROTTLE.failed(client, time.monotonic())
                st.error(tr("auth.wrong"))
    if _oidc_configured() and where.button(tr("auth.oidc"), key="oidc_sign_in", icon="🪪"):
        st.login()
    email = _oidc_email()
    if email and role() != "staff":
        where.caption(tr("auth.not_staff", email=email))


def _sign_in_box() -> None:
    if role() == "staff":
        st.sidebar.success(tr("auth.signed_in"), icon="🔓")
        if st.sidebar.button(tr("auth.sign_out"), key="sign_out"):
            st.session_state["role"] = "viewer"
            if _oidc_email():
                st.logout()
            st.rerun()
        return
    if not (
        auth.password_configured(setting("staff_password"), setting("staff_password_hash"))
        or _oidc_configured()
    ):
        return
    with st.sidebar.expander(tr("auth.sign_in"), icon="🔐"):
        _sign_in_form(st)


def _gate() -> None:
    """With a viewer token set, a visitor without it gets a short message and
    nothing else (staff may still sign in). The token can be rotated by
    changing the setting: sessions holding the old one are stopped here too."""
    expected = setting("viewer_token")
    if not expected:
        return
    given = st.query_params.get("token") or st.session_state.get("_token")
    if auth.token_ok(given, str(expected)):
        st.session_state["_token"] = given
        return
    st.session_state.pop("_token", None)
    if role() == "staff":
        return
    st.title(tr("app.title"))
    st.warning(tr("app.token_needed"), icon="🔒")
    with st.expander(tr("auth.sign_in"), icon="🔐"):
        _sign_in_form(st)
    st.stop()


# --- situation date ---------------------------------------------------------------


def situation() -> date:
    value = st.session_state.get("_situation")
    return value if isinstance(value, date) else _default_situation()


def _default_situation() -> date:
    span = query("mission_span")
    row: dict[str, object] = {str(k): v for k, v in span.iloc[0].items()} if not span.empty else {}
    return default_situation(
        row.get("first_start"), row.get("last_end"), row.get("status_date"), date.today()
    )


def _keep(widget_key: str, state_key: str) -> None:
    """Copy a sidebar widget's value to a key that survives page changes."""
    value = st.session_state.get(widget_key)
    if value is not None:
        st.session_state[state_key] = value


def _situation_box() -> None:
    if "_situation" not in st.session_state:
        from_url = st.query_params.get("date")
        try:
            chosen = date.fromisoformat(from_url) if from_url else None
        except ValueError:
            chosen = None
        st.session_state["_situation"] = chosen or _default_situation()
    # Widgets on several pages lose their state when the page changes; the value
    # lives under "_situation" and the widget is re-seeded from it on every run.
    st.session_state["situation"] = st.session_state["_situation"]
    st.sidebar.date_input(
        tr("app.situation_date"),
        key="situation",
        format="DD/MM/YYYY",
        help=tr("app.situation_help"),
        on_change=_keep,
        args=("situation", "_situation"),
    )


def _language_box() -> None:
    if "_lang" not in st.session_state:
        st.session_state["_lang"] = normalise_lang(st.query_params.get("lang"))
    st.session_state["lang"] = st.session_state["_lang"]
    st.sidebar.segmented_control(
        tr("app.language"),
        LANGS,
        key="lang",
        format_func=LANG_NAMES.__getitem__,
        selection_mode="single",
        on_change=_keep,
        args=("lang", "_lang"),
    )


# --- projector mode -----------------------------------------------------------------

PROJECTOR_CSS = Path(__file__).with_name("static") / "projector.css"


def projector() -> bool:
    return bool(st.session_state.get("_present"))


def _projector_box() -> None:
    if "_present" not in st.session_state:
        st.session_state["_present"] = st.query_params.get("present") == "1"
    st.session_state["present"] = st.session_state["_present"]
    st.sidebar.toggle(
        tr("app.projector"),
        key="present",
        help=tr("app.projector_help"),
        on_change=_keep,
        args=("present", "_present"),
    )


def _projector_bar(page: str) -> None:
    """In a meeting: the pages in order, one step at a time, and a way out."""
    st.html(PROJECTOR_CSS)
    order = [p for p in auth.pages_for(role()) if "viewer" in auth.PAGES[p].roles]
    if page not in order:
        return
    at = order.index(page)
    back, step, ahead, leave = st.columns([1, 3, 1, 1], vertical_alignment="center")
    if back.button(
        tr("app.previous"), key="present_back", icon="⬅️", disabled=at == 0, width="stretch"
    ):
        st.switch_page(auth.PAGES[order[at - 1]].file)
    step.caption(tr("app.step", n=at + 1, total=len(order), page=tr(f"nav.{page}")))
    if ahead.button(
        tr("app.next"), key="present_next", icon="➡️", disabled=at == len(order) - 1, width="stretch"
    ):
        st.switch_page(auth.PAGES[order[at + 1]].file)
    if leave.button(tr("app.leave_projector"), key="present_leave", icon="✖️", width="stretch"):
        st.session_state["_present"] = False
        st.rerun()


def _sync_url() -> None:
    """Keep language, situation date and the viewer token in the URL, so a shared
    link reopens the same view (page changes would otherwise drop them)."""
    wanted = {"lang": lang(), "date": situation().isoformat()}
    if st.session_state.get("_token"):
        wanted["token"] = st.session_state["_token"]
    if projector():
        wanted["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def _ensure_router(in_page: bool) -> None:
    """Make sure the router, not a page file, answers this session.

    `streamlit run` treats a pages/ folder beside the entry script as the old
    multipage mode until `st.navigation` has run once in the process: a deep
    link opened first on a fresh server would run that page file directly,
    outside the role's navigation. Switch the mode off and, the first time a
    session meets it in a page, start the run again through the router.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        if in_page and not st.session_state.get("_routed"):
            st.session_state["_routed"] = True
            st.rerun()
    st.session_state["_routed"] = True


def shell() -> Any:
    """The navigation built from the role; pages the role may not open are absent,
    so their URL cannot be reached either."""
    _ensure_router(in_page=False)
    pin_data_version()
    _gate()
    pages = [
        st.Page(
            auth.PAGES[name].file,
            title=tr(f"nav.{name}"),
            icon=auth.PAGES[name].icon,
            url_path=name,
            default=(name == "overview"),
        )
        for name in auth.pages_for(role())
    ]
    return st.navigation({tr("nav.section_main"): pages})


def sidebar() -> None:
    """Language, situation date and sign-in; drawn by each page as it starts."""
    _language_box()
    _situation_box()
    _projector_box()
    _sign_in_box()
    _sync_url()
    st.sidebar.caption(tr("app.data_version", version=data_version()))
    from dashboard import pack_ui  # here: it imports this module

    pack_ui.pack_button()


def header(title_key: str) -> None:
    """The sidebar, then a page's title, its situation-date caption and, for
    viewers, the read-only banner. A page the role may not open stops here,
    whatever way its script was reached."""
    _ensure_router(in_page=True)
    if _pinned.get() is None:
        pin_data_version()
    _gate()
    sidebar()
    page = title_key.split(".")[0]
    spec = auth.PAGES.get(page)
    if spec is not None and role() not in spec.roles:
        st.error(tr("app.forbidden"), icon="🔒")
        st.stop()
    charts.text_scale.set(1.5 if projector() else 1.0)
    if projector():
        _projector_bar(page)
    st.title(tr(title_key))
    st.caption(tr("overview.caption", date=format_day(situation(), lang())))
    if role() == "viewer":
        st.info(tr("app.viewer_banner"), icon="👁️")
