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
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from dashboard.store import Version

URL_SETTING = "DASHBOARD_DATABASE_URL"

ACTIONS = ("import", "rollback", "initial", "hand-edit", "adopt")


class CommitRefused(Exception):
    """Raised by a commit's precheck: nothing was written."""

    def __init__(self, problems: list[object]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class StoreProblem:
    """Something in a store that does not agree with its version history.

    `code` is one of (the data folder can show them all; a PostgreSQL store,
    whose commits are transactions, only the two marked "database"):
    - "log_damaged": log line `line` is not a commit record (blocking);
    - "log_order": log line `line` gives `dataset` a version number not above
      the one before (blocking);
    - "version_missing": the file of a dataset's latest logged `version` is
      missing or its content differs from the log's checksum (blocking);
      database: the stored bytes of the latest version differ from its
      checksum (`detail` "database"; the tables were changed outside the app);
    - "old_version_missing": the same for an older version: reported, writes go
      on, a rollback to it is refused (database too);
    - "log_torn": the log's last line was cut short by a crash: not a commit,
      dropped by the next write;
    - "interrupted": `version` is logged but the current file was not yet
      replaced (a crash): readers get `version`, the next write finishes it;
    - "hand_edit": the current file differs from logged `version` (edited or
      deleted by hand): kept as it is, readers get `version`, until staff commit
      it as a new version (`adopt`) or import or roll back;
    - "unlogged_version": a version file no log line names (a failed or crashed
      commit); its number is not given again;
    - "cache_damaged" (database): this server's local copy of `version` (the
      file DuckDB reads) differs from the database's bytes: readers are given a
      fresh copy, `recover()` (`check --repair`) removes the damaged one.
    A blocking problem makes every write raise `StoreDamaged` until the folder
    is repaired by hand (see the README); nothing is guessed.
    """

    code: str
    dataset: str | None = None
    version: int | None = None
    line: int | None = None
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING


BLOCKING = frozenset({"log_damaged", "log_order", "version_missing"})


class StoreDamaged(CommitRefused):
    """A write refused because the log or the versions are damaged: nothing was written."""

    def __init__(self, problems: list[StoreProblem]) -> None:
        super().__init__(list(problems))
        self.store_problems = problems


def problem_text(problem: StoreProblem, lang: str) -> str:
    """A store problem in words, in the user's language."""
    from dashboard.i18n import t

    key = problem.code
    if key == "hand_edit" and problem.detail == "missing":
        key = "hand_edit_missing"
    if key in ("version_missing", "old_version_missing") and problem.detail == "database":
        key = f"{key}_database"
    return t(
        f"store_problem.{key}",
        lang,
        dataset=problem.dataset or "",
        version=problem.version or "",
        line=problem.line or "",
    )


def plain_text(value: object, limit: int = 200) -> str:
    """Free text from a person (who committed, a file's name) as one plain line:
    control characters, line breaks and terminal escapes dropped, spaces folded,
    at most `limit` characters. What is logged is data, never layout."""
    text = "".join(
        " " if ch in "\t\n\r\v\f\x85\u2028\u2029" else ch
        for ch in str(value)
        if ch in "\t\n\r\v\f\x85\u2028\u2029" or unicodedata.category(ch)[0] != "C"
    )
    return " ".join(text.split())[:limit]


@runtime_checkable
class DataStore(Protocol):
    """Current version of each dataset, every committed version, atomic commit,
    rollback as a new commit, a cheap data version for cache keys, and what does
    not agree with the history (`problems`).

    Both backends: `commit` stores `by` and `source` as `plain_text` (one line, no
    control characters); `action` is one of ACTIONS ("adopt": a hand edit kept as
    a new version; "hand-edit", "initial": written by the store itself); a write
    refused because the store is damaged raises `StoreDamaged` (a `CommitRefused`)
    with nothing written; a rollback to a version whose bytes no longer match
    its checksum is refused the same way."""

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

    def problems(self, *, deep: bool = False) -> list[StoreProblem]: ...


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
