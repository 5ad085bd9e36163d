"""Streamlit glue for session state and data access: role, language, situation
date, view state in the URL, cached data and view models.

Pages call `model()` for what they draw and `tr()` for text; the database and the
models are cached by data version, so a commit is seen on the next rerun. The
frame pages are drawn in (sidebar, gate, navigation) is `shell`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from dashboard import auth, charts
from dashboard.domain.status import default_situation
from dashboard.i18n import normalise_lang, t
from dashboard.queries import db
from dashboard.store import Store, Version
from dashboard.views import past
from dashboard.views.reader import Reader, database_reader, restricted


def store() -> Store:
    return Store()


@st.cache_resource(max_entries=3, show_spinner=False)
def _database(root: str, version: str) -> duckdb.DuckDBPyConnection:
    # `version` is the cache key: a commit changes it and opens a fresh database.
    # A past situation date's version names the versions it reads (`pin_situation`).
    if "@" in version:
        return past.open_database_at(Store(root=Path(root)), past.decode(version.split("@")[1])[1])
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


def pinned() -> bool:
    """Whether this script run has fixed the data version it reads."""
    return _pinned.get() is not None


def cached_reader(root: str, version: str, who: auth.Role) -> Reader:
    """Named queries of one data version, cached, as `who` may read them."""

    def run(name: str, /, **params: Any) -> pd.DataFrame:
        return _query(root, version, name, tuple(sorted(params.items())))

    return restricted(run, who)


def reader() -> Reader:
    """Named queries of this run's data version as this role may read them (the rules
    of `views.reader.restricted`: nothing a viewer may not see reaches a page, and so
    the browser). Taken during the run, it stays right for a download drawn later."""
    return cached_reader(str(store().root), data_version(), role())


def query(name: str, **params: Any) -> pd.DataFrame:
    """A named query's rows for the current data version, as the role may see them."""
    return reader()(name, **params)


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


@st.cache_resource(max_entries=512, show_spinner=False)
def _drawing(key: tuple[Hashable, ...], _make: Callable[[], Any]) -> Any:
    return _make()


def drawing(name: str, state: Hashable, make: Callable[[], Any]) -> Any:
    """What `make` returns (a chart's spec, a map's deck), made once per data
    version, role, view state, language and text size and shared by every session:
    building charts and maps costs more than the rest of a page's rerun. `name`
    tells a page's drawings apart; what is returned must not be changed."""
    key = (
        str(store().root),
        data_version(),
        role(),
        name,
        state,
        lang(),
        charts.text_scale.get(),
    )
    return _drawing(key, make)


def chart_spec(name: str, state: Hashable, make: Callable[[], Any]) -> dict[str, Any]:
    """A chart's Vega-Lite spec, made once (see `drawing`): `make` returns an Altair
    chart, finished here with the language's locale, or a spec. Streamlit copies a
    spec before it changes it, so the shared one stays whole."""
    current = lang()

    def finished() -> dict[str, Any]:
        made = make()
        if isinstance(made, dict):
            return made
        spec: dict[str, Any] = charts.finish(made, current).to_dict(validate=False)
        return spec

    spec: dict[str, Any] = drawing(name, state, finished)
    return spec


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


def setting(name: str) -> Any:
    """A setting from the environment (DASHBOARD_<NAME>) or `[dashboard]` in secrets."""
    value = os.environ.get(f"DASHBOARD_{name.upper()}")
    if value:
        return value
    try:
        return st.secrets.get("dashboard", {}).get(name) or None
    except Exception:  # no secrets file is a normal local set-up
        return None


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def oidc_email() -> str | None:
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
    email = oidc_email()
    if email and auth.is_staff_identity(
        email,
        auth.split_setting(setting("staff_emails")),
        auth.split_setting(setting("staff_domains")),
    ):
        return "staff"
    return "viewer"


# --- situation date ---------------------------------------------------------------


def situation() -> date:
    value = st.session_state.get("_situation")
    return value if isinstance(value, date) else default_situation_date()


def default_situation_date() -> date:
    span = query("mission_span")
    row: dict[str, object] = {str(k): v for k, v in span.iloc[0].items()} if not span.empty else {}
    return default_situation(
        row.get("first_start"), row.get("last_end"), row.get("status_date"), date.today()
    )


# --- projector mode -----------------------------------------------------------------


def projector() -> bool:
    return bool(st.session_state.get("_present"))


# --- the past as it was ---------------------------------------------------------------


def current_day() -> date:
    """The date the current files stand at (the default situation date), read from
    the current data whatever this run shows."""
    base = data_version().split("@")[0]
    span = cached_reader(str(store().root), base, role())("mission_span")
    row: dict[str, object] = {str(k): v for k, v in span.iloc[0].items()} if not span.empty else {}
    return default_situation(
        row.get("first_start"), row.get("last_end"), row.get("status_date"), date.today()
    )


_past: ContextVar[past.Past | None] = ContextVar("past_view", default=None)


def pin_situation() -> past.Past | None:
    """Make this run read the data as it was committed at the situation date when
    that date is earlier than the current data's (`views.past`); the versions
    shown, or None for the current files."""
    base = data_version().split("@")[0]
    shown = past.versions_at(store().history(), situation(), current_day())
    _pinned.set(base if shown is None else f"{base}@{shown.key}")
    _past.set(shown)
    return shown


def past_view() -> past.Past | None:
    """The versions this run shows when the situation date is in the past."""
    return _past.get() if "@" in data_version() else None
