"""Streamlit glue for session state and data access: role, language, situation
date, view state in the URL, cached data and view models.

Pages call `model()` for what they draw and `tr()` for text; the database and the
models are cached by data version, so a commit is seen on the next rerun. The
frame pages are drawn in (sidebar, gate, navigation) is `shell`.
"""

from __future__ import annotations

import functools
import importlib
import logging
import os
import re
import tomllib
from collections.abc import Callable, Hashable, Iterable
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
from dashboard.store import DataStore, StoreProblem, Version, open_store
from dashboard.store.base import identity, store_for
from dashboard.views import past
from dashboard.views.reader import Reader, database_reader, in_english, restricted


def store() -> DataStore:
    """The store in force: PostgreSQL when `database_url` is set (environment
    DASHBOARD_DATABASE_URL or `[dashboard] database_url` in secrets), else the
    data folder."""
    return open_store(url=os.environ.get("DASHBOARD_DATABASE_URL") or _secret_database_url())


@functools.cache
def _secret_database_url() -> str | None:
    # Read once per process: a server does not move to another database while it runs.
    url = setting("database_url")
    return str(url) if url else None


def store_key() -> str:
    """Names the store in cache keys (a folder's path, a database without password)."""
    return identity(store())


@st.cache_resource(max_entries=3, show_spinner=False)
def _opened(root: str, version: str) -> tuple[duckdb.DuckDBPyConnection, tuple[str, ...]]:
    # `version` is the cache key: a commit changes it and opens a fresh database.
    # A past situation date's version names the versions it reads (`pin_situation`);
    # `root` names the store (`store_key`): a data folder or a database.
    if "@" in version:
        return past.open_database_at(store_for(root), past.decode(version.split("@")[1])[1]), ()
    # A current file that does not load (never committed through the checks)
    # must not take every page down: the others load, it is left out.
    return db.open_loadable(store_for(root).current_files())


def _database(root: str, version: str) -> duckdb.DuckDBPyConnection:
    return _opened(root, version)[0]


def unreadable_datasets() -> tuple[str, ...]:
    """Datasets whose current file could not be loaded for this data version
    (pages are drawn without them)."""
    return _opened(store_key(), data_version())[1]


def store_problems() -> list[StoreProblem]:
    """What in the store disagrees with its version history (see DataStore.problems),
    and its documents that do not read (`views.documents`)."""
    from dashboard.views import documents

    return store().problems() + documents.problems(store())


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
    """Named queries of one data version, cached, as `who` may read them. A
    builder's reads may run on its workers (`views.together`): the cache is
    global, not per session, so it needs no script run there."""

    def run(name: str, /, **params: Any) -> pd.DataFrame:
        return _query(root, version, name, tuple(sorted(params.items())))

    return restricted(run, who)


def reader() -> Reader:
    """Named queries of this run's data version as this role may read them (the rules
    of `views.reader.restricted`: nothing a viewer may not see reaches a page, and so
    the browser). Taken during the run, it stays right for a download drawn later."""
    return cached_reader(store_key(), data_version(), role())


def content_reader() -> Reader:
    """`reader()` giving the data's English texts to an English reader, as the
    page's model reads them: for what a page reads outside its model (a download
    drawn when clicked)."""
    read = reader()
    return in_english(read) if lang() == "en" else read


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
    read = database_reader(_database(root, version), who_role)
    if getattr(state, "lang", None) == "en":  # the data's English texts, where given
        read = in_english(read)
    return build(read, state)


def model(build: Callable[[Reader, State], Model], state: State) -> Model:
    """A page's view model for this data version, role and view state, built once
    and cached: a rerun that changes none of them recomputes nothing. `state` is
    a frozen dataclass of everything the view depends on."""
    name = f"{build.__module__}.{build.__qualname__}"
    result: Model = _model(store_key(), data_version(), role(), name, state)
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
        store_key(),
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


# Bounds of what a link may set: a value outside them is refused (the widget's
# default is used and a notice says so), never handed to a widget or a query.
URL_TEXT_MAX = 200  # characters of a free-text value (a search)
URL_LIST_MAX = 4000  # characters of a comma-separated list
URL_INT_RANGE = (0, 999_999)
URL_DATE_RANGE = (date(1900, 1, 1), date(2100, 12, 31))
_INT = re.compile(r"[+-]?\d{1,9}")


class Refused(ValueError):
    """A URL value that does not fit its widget."""


def decode(
    raw: str,
    kind: type = str,
    *,
    options: Iterable[object] | None = None,
    low: Any = None,
    high: Any = None,
) -> Any:
    """A URL parameter's text as the widget's value, or `Refused`: `kind` is str,
    list (comma-separated), bool ("1"/"0"), int or date; `options` are the values
    the widget offers, `low`..`high` its bounds (ints and dates have default ones)."""
    value: Any
    if kind is list:
        if len(raw) > URL_LIST_MAX:
            raise Refused(raw)
        value = [v for v in raw.split(",") if v]
        if any(len(v) > URL_TEXT_MAX for v in value):
            raise Refused(raw)
    elif kind is bool:
        if raw not in ("0", "1"):
            raise Refused(raw)
        value = raw == "1"
    elif kind is int:
        if not _INT.fullmatch(raw.strip()):
            raise Refused(raw)
        value = int(raw)
        low = URL_INT_RANGE[0] if low is None else low
        high = URL_INT_RANGE[1] if high is None else high
    elif kind is date:
        try:
            value = date.fromisoformat(raw.strip())
        except ValueError:
            raise Refused(raw) from None
        low = URL_DATE_RANGE[0] if low is None else low
        high = URL_DATE_RANGE[1] if high is None else high
    else:
        if len(raw) > URL_TEXT_MAX or "\x00" in raw:
            raise Refused(raw)
        value = raw
    if (low is not None and value < low) or (high is not None and value > high):
        raise Refused(raw)
    if options is not None:
        allowed = list(options)
        items = value if isinstance(value, list) else [value]
        if any(item not in allowed for item in items):
            raise Refused(raw)
    return value


def refused(url_key: str) -> None:
    """Say once, in a short notice, that a link's value was refused."""
    told: set[str] = st.session_state.setdefault("_url_refused", set())
    if url_key in told:
        return
    told.add(url_key)
    st.toast(tr("links.refused", param=url_key), icon="🔗")


def from_url(url_key: str, kind: type = str, **bounds: Any) -> Any:
    """A URL parameter decoded (see `decode`), or None when absent or refused
    (a refusal is told once and the value leaves the URL)."""
    raw = st.query_params.get(url_key)
    if raw is None:
        return None
    try:
        return decode(raw, kind, **bounds)
    except Refused:
        refused(url_key)
        del st.query_params[url_key]  # the link's value is dropped, not kept for later
        return None


def remember(
    widget_key: str,
    url_key: str,
    default: Any,
    kind: type = str,
    *,
    options: Iterable[object] | None = None,
    low: Any = None,
    high: Any = None,
) -> None:
    """Seed a widget's state from the URL on the first run of the session.

    `kind` is str, list (comma-separated in the URL), bool ("1"/"0"), int or date;
    a value that does not parse, or lies outside `options` or `low`..`high` (ints
    and dates have default bounds), is refused: the widget starts from `default`
    and a short notice says so.
    """
    if widget_key in st.session_state:
        return
    value = from_url(url_key, kind, options=options, low=low, high=high)
    st.session_state[widget_key] = default if value is None else value


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


class SettingsUnreadable(RuntimeError):
    """The settings cannot be read, or hold a value of the wrong kind: the app stops
    with this message rather than fall back to a default (a missing viewer token
    would open the dashboard to anyone)."""


_LOG = logging.getLogger("dashboard.settings")
# Secrets files read once in this process: one disappearing later is a fault
# too, not a return to "no settings".
_secrets_seen: set[Path] = set()


def _secrets_paths() -> list[Path]:
    from streamlit import config

    return [Path(p) for p in config.get_option("secrets.files") or []]


def _secrets() -> dict[str, Any]:
    """Every secret as a plain dict; {} only when no secrets source exists and
    none was read before. Raises SettingsUnreadable otherwise."""
    try:
        found = st.secrets.to_dict()
    except (FileNotFoundError, OSError, TypeError, ValueError) as exc:
        # Streamlit reports a TOML error and an absent file alike ("not found").
        present = [p for p in _secrets_paths() if p.exists()]
        gone = sorted(str(p) for p in _secrets_seen if not p.exists())
        if present:
            raise SettingsUnreadable(secrets_detail(present) or str(exc)) from exc
        if gone:
            raise SettingsUnreadable(f"{', '.join(gone)}: gone since it was read") from exc
        return {}
    _secrets_seen.update(p for p in _secrets_paths() if p.is_file())
    return found


def secrets_detail(paths: list[Path]) -> str:
    """What is wrong with the first secrets file that cannot be read or parsed."""
    for path in paths:
        if path.is_dir():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return f"{path}: {exc}"
    return ""


def _section(name: str) -> dict[str, Any]:
    value = _secrets().get(name, {})
    if not isinstance(value, dict):
        raise SettingsUnreadable(f"[{name}] in the secrets is not a table")
    return value


def setting(name: str) -> Any:
    """A setting from the environment (DASHBOARD_<NAME>) or `[dashboard]` in secrets.

    Not set: None. Settings that cannot be read raise SettingsUnreadable, never
    "not set": the caller must not go on with a default."""
    value = os.environ.get(f"DASHBOARD_{name.upper()}")
    if value:
        return value
    return _section("dashboard").get(name) or None


# Settings whose values are text, and those that are lists (TOML list or commas).
TEXT_SETTINGS = ("viewer_token", "staff_password", "staff_password_hash", "database_url")
LIST_SETTINGS = ("staff_emails", "staff_domains", "trusted_proxies")


def settings_fault() -> str | None:
    """Why the settings cannot be used (unreadable secrets, a value of the wrong
    kind, a staff address or proxy that does not parse), or None."""
    try:
        _section("auth")
        for name in TEXT_SETTINGS:
            value = setting(name)
            if value is not None and (not isinstance(value, str) or not value.strip()):
                return f"{name}: expected a non-empty text"
        for name in LIST_SETTINGS:
            value = setting(name)
            if value is not None and not isinstance(value, str | list):
                return f"{name}: expected a list or a comma-separated text"
        for address in auth.split_setting(setting("staff_emails")):
            if auth.parse_email(address) is None:
                return "staff_emails: an entry is not one e-mail address"
        auth.proxy_networks(setting("trusted_proxies"))
    except SettingsUnreadable as exc:
        return str(exc)
    except ValueError as exc:
        return f"trusted_proxies: {exc}"
    return None


def oidc_missing() -> list[str]:
    """What `[auth]` lacks for an identity-provider sign-in; [] when complete
    (callers ask `oidc_configured()` first: no `[auth]` lacks everything)."""
    return auth.oidc_missing(_section("auth"))


def oidc_configured() -> bool:
    """An `[auth]` section is present (complete or not)."""
    return "auth" in _secrets()


def oidc_ready() -> bool:
    """The identity-provider sign-in can be offered: `[auth]` present and complete."""
    return oidc_configured() and not oidc_missing()


def oidc_email() -> str | None:
    try:
        if st.user.is_logged_in:
            email = st.user.get("email")
            return str(email) if email else None
    except Exception:  # st.user outside a server run
        return None
    return None


def oidc_email_verified() -> object:
    """The provider's `email_verified` claim as it came (only `True` counts)."""
    try:
        if st.user.is_logged_in:
            return st.user.get("email_verified")
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
        verified=oidc_email_verified(),
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
    span = cached_reader(store_key(), base, role())("mission_span")
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


# --- who is signed in ---------------------------------------------------------------


def signed_in_name() -> str:
    """Who signed in, when the sign-in says it (an identity provider does): the
    name every "your name" field offers, written with what staff save."""
    name = st.session_state.get("staff_name")
    if name:
        return str(name)
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or "")
    except Exception:  # no identity outside a server run
        return ""
    return ""


def offer_name(key: str) -> None:
    """Fill the "your name" field `key` with the signed-in name when the session
    has none in it yet (what the person types then stays theirs)."""
    if key not in st.session_state:
        st.session_state[key] = signed_in_name()
