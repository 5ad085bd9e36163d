"""What every store backend offers the app, the command line and the pages.

Two backends keep the same data: the data folder (`dashboard.store.Store`, the
embedded default) and a PostgreSQL database (`dashboard.store.postgres`), chosen
by one setting (`DASHBOARD_DATABASE_URL`). Both give DuckDB local files to read:
the folder its own files, the database a local copy of each current version.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from dashboard.store import Version

URL_SETTING = "DASHBOARD_DATABASE_URL"


@runtime_checkable
class DataStore(Protocol):
    """Current version of each dataset, every committed version, atomic commit,
    rollback as a new commit, a cheap data version for cache keys."""

    def current_files(self) -> dict[str, Path | None]: ...

    def read_current(self, dataset: str) -> bytes | None: ...

    def data_version(self) -> str: ...

    def history(self, dataset: str | None = None) -> list[Version]: ...

    def version_path(self, dataset: str, version: int) -> Path: ...

    def version_bytes(self, dataset: str, version: int) -> bytes: ...

    def latest(self, dataset: str) -> Version | None: ...

    def commit(
        self,
        dataset: str,
        data: bytes,
        *,
        by: str,
        source: str,
        rows: int,
        precheck: Callable[[], None] | None = None,
        action: str = "import",
        from_version: int | None = None,
    ) -> Version | None: ...

    def rollback(
        self,
        dataset: str,
        version: int,
        *,
        by: str,
        rows: int,
        precheck: Callable[[bytes], None] | None = None,
    ) -> Version | None: ...

    def recover(self) -> None: ...


def database_url(explicit: str | None = None) -> str | None:
    """The PostgreSQL URL in force: `explicit` (e.g. from the app's secrets), else
    the environment's DASHBOARD_DATABASE_URL; None: the data folder."""
    return explicit or os.environ.get(URL_SETTING) or None


def identity(store: object) -> str:
    """A string naming the store, for cache keys (never a password)."""
    named = getattr(store, "identity", None)
    if isinstance(named, str):
        return named
    return str(getattr(store, "root", ""))


def describe(store: object) -> str:
    """Where the data lives, as people read it (a folder, a database)."""
    return identity(store)


def log_line(entry: Version) -> bytes:
    """One commit as the data folder's log writes it (a JSON line)."""
    return json.dumps(asdict(entry), ensure_ascii=False).encode() + b"\n"


_open: dict[str, DataStore] = {}
_opening = threading.Lock()


def open_store(root: Path | None = None, url: str | None = None) -> DataStore:
    """The store in force: the data folder `root` if given; else the PostgreSQL
    database of `url` or DASHBOARD_DATABASE_URL; else the data folder
    (DASHBOARD_DATA_DIR, `data/` by default). A database store is opened once per
    process and shared (its connection serves every thread's reads)."""
    from dashboard.store import Store

    if root is not None:
        return Store(root)
    chosen = database_url(url)
    if chosen is None:
        return Store()
    with _opening:
        store = _open.get(chosen)
        if store is None:
            from dashboard.store.postgres import PostgresStore

            store = PostgresStore(chosen)
            _open[chosen] = store
            _open[identity(store)] = store
        return store


def store_for(key: str) -> DataStore:
    """The store an `identity` names: a database opened in this process, else the
    data folder at that path."""
    from dashboard.store import Store

    found = _open.get(key)
    return found if found is not None else Store(Path(key))
