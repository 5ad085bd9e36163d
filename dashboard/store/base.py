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
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from dashboard.store import Version

URL_SETTING = "DASHBOARD_DATABASE_URL"

ACTIONS = ("import", "rollback", "initial", "hand-edit", "adopt")

# Store documents: the app's own working material beside the datasets (not part of
# the data contract, not versioned): staff's saved scoring scenarios, the attendees
# of each committee. Each is one JSON object, read strictly.
DOCUMENTS = ("scenarios", "attendees")
DOCUMENT_MAX_BYTES = 1 << 20


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
    - "document_damaged" (both backends; not from `problems()` but from
      `dashboard.views.documents.problems`, which knows each document's shape):
      the store document `document` (see DOCUMENTS), kept at `detail` (its file,
      or its table and row), does not read; `reason` says why. Its writes are
      refused, the datasets' go on.
    A blocking problem makes every write raise `StoreDamaged` until the folder
    is repaired by hand (see the README); nothing is guessed.
    """

    code: str
    dataset: str | None = None
    version: int | None = None
    line: int | None = None
    detail: str = ""
    document: str = ""
    reason: str = ""

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING


BLOCKING = frozenset({"log_damaged", "log_order", "version_missing"})


class StoreDamaged(CommitRefused):
    """A write refused because the log or the versions are damaged: nothing was written."""

    def __init__(self, problems: list[StoreProblem]) -> None:
        super().__init__(list(problems))
        self.store_problems = problems


class DocumentsUnavailable(RuntimeError):
    """A document cannot be written because the store has no place for documents
    (a database whose documents' table could not be made: its user may not create
    tables). Nothing was written; `message(lang)` says what the administrator does."""

    def __init__(self, name: str, user: str, sql: str) -> None:
        super().__init__(f"{name}: no documents' table")
        self.name = name
        self.user = user
        self.sql = sql

    def message(self, lang: str, escape: Callable[[str], str] = str) -> str:
        from dashboard.i18n import t

        return t(
            "store_problem.documents_unavailable",
            lang,
            document=t(f"store_problem.document_{self.name}", lang),
            user=escape(self.user),
            sql=escape(self.sql),
        )


class DocumentDamaged(ValueError):
    """A stored document that does not read as one JSON object of its kind (edited
    outside the app): reported with its name and why; every write of it is refused,
    nothing is guessed."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def _check_document(name: str) -> None:
    if name not in DOCUMENTS:
        raise KeyError(name)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} given twice")
        out[key] = value
    return out


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not a number")


def parse_document(name: str, data: bytes) -> dict[str, Any]:
    """A stored document's bytes as its JSON object; `DocumentDamaged` when they are
    too long, not UTF-8, not JSON (NaN and a key given twice included) or not an
    object."""
    _check_document(name)
    if len(data) > DOCUMENT_MAX_BYTES:
        raise DocumentDamaged(name, f"over {DOCUMENT_MAX_BYTES} bytes")
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise DocumentDamaged(name, str(exc)) from None
    if not isinstance(value, dict):
        raise DocumentDamaged(name, "not a JSON object")
    return value


def dump_document(name: str, value: dict[str, Any]) -> bytes:
    """A document as stored: JSON text (UTF-8, one key a line), checked to read back."""
    _check_document(name)
    data = (json.dumps(value, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode()
    if len(data) > DOCUMENT_MAX_BYTES:
        raise ValueError(f"{name}: over {DOCUMENT_MAX_BYTES} bytes")
    parse_document(name, data)
    return data


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
        document=t(f"store_problem.document_{problem.document}", lang) if problem.document else "",
        where=problem.detail,
        reason=problem.reason,
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

    # Documents (see DOCUMENTS): not versioned, no data version change, one writer
    # at a time. `document` is {} for one never written, raises `DocumentDamaged`
    # for one that does not read; `update_document` runs `change` on the document
    # as it is under the writer's lock (an exception from it: nothing written), and
    # stores what it returns durably (a crash leaves the old document or the new).
    # `document_location`: where a document is kept, as people read it (its file;
    # its table and row).

    def document(self, name: str) -> dict[str, Any]: ...

    def document_location(self, name: str) -> str: ...

    def update_document(
        self, name: str, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]: ...


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
