"""The store on PostgreSQL: several app servers, one truth.

Tables (created on first use, in the connection's schema):

    dashboard_meta       one row: the store's id and its generation, bumped by
                         every commit (the data version) and locked by every
                         writer (SELECT ... FOR UPDATE serialises them); `demo`: the
                         text of the data folder's demo marker (`dashboard.demo`)
                         when the data copied in are the invented demo, else null
    dashboard_blobs      each distinct file once, by its SHA-256
    dashboard_versions   every committed version, in commit order (seq)
    dashboard_current    each dataset's current file
    dashboard_documents  the app's documents (saved scenarios, attendees) by
                         name, as JSON text; made on first use in a database
                         whose other tables were made before it existed

A commit is one transaction: it takes the writer lock, runs the caller's check
against the data as it is then, writes the version, the current file and the
generation, and commits. A refused or interrupted commit (an error, a killed
process, a lost connection) leaves nothing. DuckDB reads local files: each
current version is written once into a local cache folder, named by checksum.

What can still disagree with the history (`problems()`): a version whose stored
bytes no longer match its checksum (the tables changed outside the app: reported,
writes refused while it is a dataset's latest, rollback to it refused), and a
local copy changed on disk (reported; readers are given a fresh copy, whose
bytes are checked whenever the file changed since this process last checked).
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo
from psycopg import sql as pgsql

from dashboard import demo
from dashboard.contract import DATASET_ORDER
from dashboard.store import Store, Version, checksum
from dashboard.store.base import (
    ACTIONS,
    DOCUMENTS,
    DocumentsUnavailable,
    StoreDamaged,
    StoreProblem,
    dump_document,
    log_line,
    parse_document,
    plain_text,
)
from dashboard.throttle import ATTEMPTS_TABLE

SCHEMA = """
select pg_advisory_xact_lock(7216349012);
create table if not exists dashboard_meta (
    id integer primary key check (id = 1),
    store_id text not null,
    generation bigint not null,
    demo text
);
insert into dashboard_meta (id, store_id, generation)
    values (1, md5(random()::text || clock_timestamp()::text), 0)
    on conflict (id) do nothing;
create table if not exists dashboard_blobs (
    checksum text primary key,
    data bytea not null
);
create table if not exists dashboard_versions (
    seq bigint generated always as identity primary key,
    dataset text not null,
    version integer not null,
    at text not null,
    by text not null,
    rows integer not null,
    source text not null,
    checksum text not null references dashboard_blobs (checksum),
    action text not null,
    from_version integer,
    unique (dataset, version)
);
create table if not exists dashboard_current (
    dataset text primary key,
    checksum text not null references dashboard_blobs (checksum)
);
"""

DOCUMENTS_TABLE = """
create table if not exists dashboard_documents (
    name text primary key,
    data text not null,
    at text not null
);
"""

# made with the store's tables, so that an app user without CREATE can count them
SCHEMA += ATTEMPTS_TABLE + DOCUMENTS_TABLE
# a writer of documents takes this lock (the datasets' writers take the meta row)
_DOCUMENTS_LOCK = 7216349013

_LOG = logging.getLogger("dashboard.store")
# A version's columns, in `_version`'s order; composed by psycopg, never by formatting.
_VERSION_COLUMNS = pgsql.SQL(", ").join(
    pgsql.Identifier(name)
    for name in (
        "dataset",
        "version",
        "at",
        "by",
        "rows",
        "source",
        "checksum",
        "action",
        "from_version",
    )
)


class StoreNotEmpty(Exception):
    """Copying a data folder into a database that already holds data."""


class CopyMismatch(Exception):
    """A copy whose checksums do not match its source's."""


def _cache_root() -> Path:
    value = os.environ.get("DASHBOARD_CACHE_DIR")
    if value:
        return Path(value)
    return Path(tempfile.gettempdir()) / f"dashboard-store-{os.getuid()}"


def _write_once(path: Path, data: bytes) -> None:
    """Write a file that never changes once written (named by its checksum)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _rows_of(data: bytes) -> int:
    text = data.decode("utf-8", "replace")
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def _version(row: tuple[Any, ...]) -> Version:
    dataset, number, at, by, rows, source, digest, action, from_version = row
    return Version(
        dataset=dataset,
        version=number,
        at=at,
        by=by,
        rows=rows,
        source=source,
        checksum=digest,
        action=action,
        from_version=from_version,
    )


def public_identity(url: str) -> str:
    """The URL without its password: names the store in cache keys and messages."""
    params = conninfo.conninfo_to_dict(url)
    params.pop("password", None)
    return "postgresql:" + conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})


class PostgresStore:
    """The store's interface (see `dashboard.store.base.DataStore`) on PostgreSQL."""

    def __init__(self, url: str, cache_dir: Path | None = None) -> None:
        self.url = url
        self.identity = public_identity(url)
        self.cache_dir = cache_dir if cache_dir is not None else _cache_root()
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None
        # local copies whose bytes were checked, by their (inode, size, mtime)
        self._checked: dict[Path, tuple[int, int, int]] = {}
        self._problems_seen: tuple[int, list[StoreProblem]] | None = None
        with self._connect() as conn, conn.transaction():
            # a user without CREATE on the schema can use tables made before
            made = conn.execute("select to_regclass('dashboard_current') is not null").fetchone()
            if not (made and made[0]):
                conn.execute(SCHEMA)
            else:
                self._documents_table(conn)

    def __repr__(self) -> str:
        return f"PostgresStore({self.identity!r})"

    # --- connections ----------------------------------------------------------------

    def _connect(self, autocommit: bool = False) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.url, autocommit=autocommit)

    def _read(
        self, sql: str | pgsql.Composed, params: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        """Rows of one read on the shared connection (reconnecting once if it broke)."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = self._connect(autocommit=True)
                    return self._conn.execute(sql, params, binary=True).fetchall()
                except psycopg.OperationalError:
                    if self._conn is not None:
                        self._conn.close()
                    self._conn = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Connection[tuple[Any, ...]]]:
        """A transaction holding the writer lock; committed when the block ends."""
        with self._connect() as conn, conn.transaction():
            conn.execute("select generation from dashboard_meta where id = 1 for update")
            yield conn
            conn.execute("update dashboard_meta set generation = generation + 1 where id = 1")

    # --- reading --------------------------------------------------------------------

    def data_version(self) -> str:
        """Changes with every commit: one indexed row, well under a millisecond."""
        rows = self._read("select store_id, generation from dashboard_meta where id = 1")
        store_id, generation = rows[0]
        return f"{store_id[:8]}-{generation}"

    def demo_marker(self) -> bytes | None:
        """The demo marker copied from a data folder (`dashboard.demo`): the data
        are the invented demo; None: real data. Read through the row as JSON, so
        that tables made before the column existed answer None."""
        rows = self._read("select to_jsonb(m) ->> 'demo' from dashboard_meta m where id = 1")
        marker = rows[0][0] if rows else None
        return None if marker is None else str(marker).encode("utf-8")

    def _copy_path(self, digest: str) -> Path:
        return self.cache_dir / f"{digest}.csv"

    def _copy_whole(self, path: Path, digest: str) -> bool:
        """Whether the local copy holds the checksum's bytes: read again only when
        the file changed since this process last checked it."""
        seen = _stat(path)
        if seen is None:
            return False
        if self._checked.get(path) == seen:
            return True
        try:
            whole = checksum(path.read_bytes()) == digest
        except OSError:
            whole = False
        if whole:
            self._checked[path] = seen
        return whole

    def _usable_copy(self, digest: str) -> bool:
        """A whole local copy exists; a damaged one is removed (and logged)."""
        path = self._copy_path(digest)
        if not path.exists():
            return False
        if self._copy_whole(path, digest):
            return True
        _LOG.warning("local copy %s differs from the database: replaced", path)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return False

    def _put_copy(self, digest: str, data: bytes) -> Path:
        """The local copy of bytes the database gave (or a commit wrote): what
        readers get, even when a stored version was spoilt (that is reported by
        `problems()`, not fetched again at every read)."""
        path = self._copy_path(digest)
        if path.exists() and self._copy_whole(path, digest):
            return path
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        _write_once(path, data)
        seen = _stat(path)
        if seen is not None:
            self._checked[path] = seen
        return path

    def _cached(self, digest: str) -> Path:
        if not self._usable_copy(digest):
            rows = self._read("select data from dashboard_blobs where checksum = %s", (digest,))
            self._put_copy(digest, bytes(rows[0][0]))
        return self._copy_path(digest)

    def current_files(self) -> dict[str, Path | None]:
        out: dict[str, Path | None] = dict.fromkeys(DATASET_ORDER)
        current = self._read("select dataset, checksum from dashboard_current")
        missing = [d for _, d in current if not self._usable_copy(d)]
        if missing:
            # the files this replica has not seen yet, in one round trip
            for digest, data in self._read(
                "select checksum, data from dashboard_blobs where checksum = any(%s)", (missing,)
            ):
                self._put_copy(digest, bytes(data))
        for dataset, digest in current:
            if dataset in out:
                out[dataset] = self._copy_path(digest)
        return out

    def read_current(self, dataset: str) -> bytes | None:
        _check(dataset)
        rows = self._read(
            "select b.data from dashboard_current c join dashboard_blobs b using (checksum)"
            " where c.dataset = %s",
            (dataset,),
        )
        return bytes(rows[0][0]) if rows else None

    def history(self, dataset: str | None = None) -> list[Version]:
        if dataset is None:
            rows = self._read(
                pgsql.SQL("select {} from dashboard_versions order by seq").format(_VERSION_COLUMNS)
            )
        else:
            rows = self._read(
                pgsql.SQL(
                    "select {} from dashboard_versions where dataset = %s order by seq"
                ).format(_VERSION_COLUMNS),
                (dataset,),
            )
        return [_version(r) for r in rows]

    def latest(self, dataset: str) -> Version | None:
        rows = self._read(
            pgsql.SQL(
                "select {} from dashboard_versions where dataset = %s order by seq desc limit 1"
            ).format(_VERSION_COLUMNS),
            (dataset,),
        )
        return _version(rows[0]) if rows else None

    def _version_checksum(self, dataset: str, version: int) -> str:
        _check(dataset)
        rows = self._read(
            "select checksum from dashboard_versions where dataset = %s and version = %s",
            (dataset, version),
        )
        if not rows:
            raise KeyError((dataset, version))
        return str(rows[0][0])

    def version_path(self, dataset: str, version: int) -> Path:
        """A local file holding one committed version (read-only)."""
        return self._cached(self._version_checksum(dataset, version))

    def version_bytes(self, dataset: str, version: int) -> bytes:
        digest = self._version_checksum(dataset, version)
        rows = self._read("select data from dashboard_blobs where checksum = %s", (digest,))
        return bytes(rows[0][0])

    # --- writing --------------------------------------------------------------------

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
    ) -> Version | None:
        """Store `data` as the dataset's new current version, in one transaction.

        `precheck` runs while this writer holds the lock, against the data as it
        is then, and raises `CommitRefused` to abort with nothing written.
        Returns None when the data equals the current version."""
        _check(dataset)
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        by, source = plain_text(by), plain_text(source)
        digest = checksum(data)
        try:
            with self._writing() as conn:
                found = conn.execute(
                    "select checksum from dashboard_current where dataset = %s", (dataset,)
                ).fetchone()
                if found is not None and found[0] == digest:
                    raise _Unchanged
                damaged = [p for p in self._stored_problems(conn, deep=False) if p.blocking]
                if damaged:
                    raise StoreDamaged(damaged)
                if precheck is not None:
                    precheck()
                if found is not None and not self._has_history(conn, dataset):
                    current = self._blob(conn, found[0])
                    self._insert_version(
                        conn,
                        Version(
                            dataset=dataset,
                            version=1,
                            at=_now(),
                            by="",
                            rows=_rows_of(current),
                            source=f"{dataset}.csv",
                            checksum=found[0],
                            action="initial",
                        ),
                    )
                number = self._next_version(conn, dataset)
                entry = Version(
                    dataset=dataset,
                    version=number,
                    at=_now(),
                    by=by,
                    rows=rows,
                    source=source,
                    checksum=digest,
                    action=action,
                    from_version=from_version,
                )
                self._put_blob(conn, digest, data)
                self._insert_version(conn, entry)
                self._set_current(conn, dataset, digest)
        except _Unchanged:
            return None
        self._put_copy(digest, data)
        return entry

    def rollback(
        self,
        dataset: str,
        version: int,
        *,
        by: str,
        rows: int,
        precheck: Callable[[bytes], None] | None = None,
    ) -> Version | None:
        """Make an earlier version current again, as a new commit; refused
        (`StoreDamaged`) when its stored bytes no longer match its checksum."""
        history = self.history(dataset)
        logged = next((v for v in history if v.version == version), None)
        if logged is None:
            raise KeyError((dataset, version))
        old = self.version_bytes(dataset, version)
        if checksum(old) != logged.checksum:
            code = "version_missing" if logged == history[-1] else "old_version_missing"
            raise StoreDamaged([StoreProblem(code, dataset, version, detail="database")])
        return self.commit(
            dataset,
            old,
            by=by,
            source=logged.source,
            rows=rows,
            precheck=(lambda: precheck(old)) if precheck else None,
            action="rollback",
            from_version=version,
        )

    def recover(self) -> None:
        """Nothing to finish: an interrupted transaction left nothing. Drops the
        cache's half-written files and the local copies that differ from the
        database (the next read writes them afresh)."""
        for tmp in self.cache_dir.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        for problem in self._copy_problems(deep=True):
            with contextlib.suppress(FileNotFoundError):
                (self.cache_dir / problem.detail).unlink()

    def problems(self, *, deep: bool = False) -> list[StoreProblem]:
        """What does not agree with the version history (see `StoreProblem`):
        a version whose stored bytes differ from its checksum, a local copy
        changed on disk. A commit cannot be half done here, so the folder's other
        codes never arise. `deep` checks every version and every local copy (the
        command line's `check`); otherwise each dataset's latest version (once
        per data version) and the copies of the current files."""
        if deep:
            with self._connect(autocommit=True) as conn:
                stored = self._stored_problems(conn, deep=True)
        else:
            rows = self._read("select generation from dashboard_meta where id = 1")
            generation = int(rows[0][0])
            seen = self._problems_seen
            if seen is None or seen[0] != generation:
                with self._connect(autocommit=True) as conn:
                    seen = (generation, self._stored_problems(conn, deep=False))
                self._problems_seen = seen
            stored = list(seen[1])
        return stored + self._copy_problems(deep=deep)

    @staticmethod
    def _stored_problems(
        conn: psycopg.Connection[tuple[Any, ...]], *, deep: bool
    ) -> list[StoreProblem]:
        """Versions whose stored bytes differ from their checksum (hashed by the
        server: nothing is transferred)."""
        rows = conn.execute(
            "select v.dataset, v.version, v.seq = l.seq,"
            " encode(sha256(b.data), 'hex') = v.checksum"
            " from dashboard_versions v join dashboard_blobs b using (checksum)"
            " join (select dataset, max(seq) as seq from dashboard_versions group by dataset) l"
            " using (dataset)" + ("" if deep else " where v.seq = l.seq") + " order by v.seq"
        ).fetchall()
        return [
            StoreProblem(
                "version_missing" if latest else "old_version_missing",
                dataset,
                version,
                detail="database",
            )
            for dataset, version, latest, whole in rows
            if not whole
        ]

    def _copy_problems(self, *, deep: bool) -> list[StoreProblem]:
        """Local copies (of the current files; `deep`: of every version) whose
        bytes differ from their checksum."""
        current = self._read("select dataset, checksum from dashboard_current")
        history = self.history() if deep else []
        wanted = [e.checksum for e in history] + [str(d) for _, d in current]
        damaged = [
            d
            for d in dict.fromkeys(wanted)
            if self._copy_path(d).exists() and not self._copy_whole(self._copy_path(d), d)
        ]
        if not damaged:
            return []
        named: dict[str, tuple[str, int | None]] = {}
        for entry in history or self.history():
            named[entry.checksum] = (entry.dataset, entry.version)
        for dataset, digest in current:
            named.setdefault(digest, (dataset, None))
        return [
            StoreProblem("cache_damaged", *named[d], detail=self._copy_path(d).name)
            for d in damaged
        ]

    # --- documents --------------------------------------------------------------------

    @staticmethod
    def _documents_table(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Make the documents' table in a database made before it existed (a user
        without CREATE then reads no document and cannot write one: logged)."""
        made = conn.execute("select to_regclass('dashboard_documents') is not null").fetchone()
        if made and made[0]:
            return
        try:
            with conn.transaction():
                conn.execute("select pg_advisory_xact_lock(7216349012)")
                conn.execute(DOCUMENTS_TABLE)
        except psycopg.errors.InsufficientPrivilege:
            _LOG.warning("dashboard_documents cannot be made (no CREATE): no documents")

    def document(self, name: str) -> dict[str, Any]:
        """A document ({} when never written); `DocumentDamaged` when it does not read."""
        if name not in DOCUMENTS:
            raise KeyError(name)
        try:
            rows = self._read("select data from dashboard_documents where name = %s", (name,))
        except psycopg.errors.UndefinedTable:
            return {}
        return parse_document(name, str(rows[0][0]).encode("utf-8")) if rows else {}

    def document_location(self, name: str) -> str:
        if name not in DOCUMENTS:
            raise KeyError(name)
        return f"dashboard_documents, name = '{name}'"

    def update_document(
        self, name: str, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Replace a document by `change(document)` in one transaction, writers of
        documents one at a time (the datasets' writers are not held up).
        `DocumentsUnavailable` when the documents' table is missing (it could not
        be made: the user may not create tables): nothing written."""
        if name not in DOCUMENTS:
            raise KeyError(name)
        with self._connect() as conn, conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (_DOCUMENTS_LOCK,))
            try:
                row = conn.execute(
                    "select data from dashboard_documents where name = %s", (name,)
                ).fetchone()
            except psycopg.errors.UndefinedTable:
                user = conn.info.user
                grant = (
                    pgsql.SQL("grant select, insert, update on dashboard_documents to {};")
                    .format(pgsql.Identifier(user))
                    .as_string(conn)
                )
                table = " ".join(DOCUMENTS_TABLE.split()).replace("if not exists ", "")
                raise DocumentsUnavailable(name, user, f"{table} {grant}") from None
            value = change(parse_document(name, str(row[0]).encode("utf-8")) if row else {})
            text = dump_document(name, value).decode("utf-8")
            conn.execute(
                "insert into dashboard_documents (name, data, at) values (%s, %s, %s)"
                " on conflict (name) do update set data = excluded.data, at = excluded.at",
                (name, text, _now()),
            )
        return value

    # --- moving between backends ---------------------------------------------------

    def copy_from(self, folder: Store) -> int:
        """Copy a data folder (current files, every version, the log's order) into
        this empty database, in one transaction; checked by checksums. Returns the
        number of versions copied. Refused (`StoreDamaged`) while the folder has
        a file edited by hand or a damaged log: a hand edit is not what the
        folder's readers get (they get its logged version), and the database
        would make it current, unchecked."""
        folder.recover()
        unsettled = [p for p in folder.problems() if p.blocking or p.code == "hand_edit"]
        if unsettled:
            raise StoreDamaged(unsettled)
        history = folder.history()
        with self._writing() as conn:
            if conn.execute(
                "select exists (select 1 from dashboard_versions)"
                " or exists (select 1 from dashboard_current)"
            ).fetchone() != (False,):
                raise StoreNotEmpty(self.identity)
            for entry in history:
                data = folder.version_bytes(entry.dataset, entry.version)
                if checksum(data) != entry.checksum:
                    raise CopyMismatch(f"{entry.dataset} v{entry.version}")
                self._put_blob(conn, entry.checksum, data)
                self._insert_version(conn, entry)
            for dataset in DATASET_ORDER:
                current = folder.read_current(dataset)
                if current is not None:
                    self._put_blob(conn, checksum(current), current)
                    self._set_current(conn, dataset, checksum(current))
            for name in DOCUMENTS:  # read strictly: a damaged one is not copied
                document = folder.document(name)
                if document:
                    conn.execute(
                        "insert into dashboard_documents (name, data, at) values (%s, %s, %s)",
                        (name, dump_document(name, document).decode("utf-8"), _now()),
                    )
            marker = folder.root / demo.MARKER
            if marker.is_file():  # the invented demo stays said to be invented
                made = conn.execute(
                    "select to_jsonb(m) ? 'demo' from dashboard_meta m where id = 1"
                ).fetchone()
                if made != (True,):  # tables made before the column existed
                    conn.execute("alter table dashboard_meta add column demo text")
                conn.execute(
                    "update dashboard_meta set demo = %s where id = 1",
                    (marker.read_bytes().decode("utf-8"),),
                )
        _verify(folder, self)
        return len(history)

    def export_to(self, folder: Store) -> int:
        """Write this database into a new (empty) data folder: every version, the
        log in commit order, the current files; checked by checksums."""
        if folder.root.exists() and any(folder.root.iterdir()):
            raise StoreNotEmpty(str(folder.root))
        history = self.history()
        log = bytearray()
        for entry in history:
            _write_file(folder.version_path(entry.dataset, entry.version), self._entry(entry))
            log += log_line(entry)
        if history:
            _write_file(folder.log_path, bytes(log))
        for dataset in DATASET_ORDER:
            current = self.read_current(dataset)
            if current is not None:
                _write_file(folder.current_path(dataset), current)
        marker = self.demo_marker()
        if marker is not None:
            _write_file(folder.root / demo.MARKER, marker)
        for name in DOCUMENTS:
            document = self.document(name)
            if document:
                _write_file(folder.document_path(name), dump_document(name, document))
        _verify(self, folder)
        return len(history)

    def _entry(self, entry: Version) -> bytes:
        data = self.version_bytes(entry.dataset, entry.version)
        if checksum(data) != entry.checksum:
            raise CopyMismatch(f"{entry.dataset} v{entry.version}")
        return data

    # --- internals ------------------------------------------------------------------

    @staticmethod
    def _has_history(conn: psycopg.Connection[tuple[Any, ...]], dataset: str) -> bool:
        row = conn.execute(
            "select exists (select 1 from dashboard_versions where dataset = %s)", (dataset,)
        ).fetchone()
        return bool(row and row[0])

    @staticmethod
    def _next_version(conn: psycopg.Connection[tuple[Any, ...]], dataset: str) -> int:
        row = conn.execute(
            "select coalesce(max(version), 0) + 1 from dashboard_versions where dataset = %s",
            (dataset,),
        ).fetchone()
        assert row is not None
        return int(row[0])

    @staticmethod
    def _blob(conn: psycopg.Connection[tuple[Any, ...]], digest: str) -> bytes:
        row = conn.execute(
            "select data from dashboard_blobs where checksum = %s", (digest,), binary=True
        ).fetchone()
        assert row is not None
        return bytes(row[0])

    @staticmethod
    def _put_blob(conn: psycopg.Connection[tuple[Any, ...]], digest: str, data: bytes) -> None:
        known = conn.execute(
            "select 1 from dashboard_blobs where checksum = %s", (digest,)
        ).fetchone()
        if known is None:
            conn.execute(
                "insert into dashboard_blobs (checksum, data) values (%s, %b)", (digest, data)
            )

    @staticmethod
    def _insert_version(conn: psycopg.Connection[tuple[Any, ...]], entry: Version) -> None:
        conn.execute(
            pgsql.SQL(
                "insert into dashboard_versions ({}) values (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
            ).format(_VERSION_COLUMNS),
            (
                entry.dataset,
                entry.version,
                entry.at,
                entry.by,
                entry.rows,
                entry.source,
                entry.checksum,
                entry.action,
                entry.from_version,
            ),
        )

    @staticmethod
    def _set_current(conn: psycopg.Connection[tuple[Any, ...]], dataset: str, digest: str) -> None:
        conn.execute(
            "insert into dashboard_current (dataset, checksum) values (%s, %s)"
            " on conflict (dataset) do update set checksum = excluded.checksum",
            (dataset, digest),
        )


class _Unchanged(Exception):
    """Raised inside a commit's transaction when there is nothing to write."""


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _verify(source: Any, target: Any) -> None:
    """Both stores hold the same versions and current files, by checksum."""
    if source.history() != target.history():
        raise CopyMismatch("history")
    for entry in target.history():
        if checksum(target.version_bytes(entry.dataset, entry.version)) != entry.checksum:
            raise CopyMismatch(f"{entry.dataset} v{entry.version}")
    for dataset in DATASET_ORDER:
        a, b = source.read_current(dataset), target.read_current(dataset)
        if (a is None) != (b is None) or (a is not None and b is not None and a != b):
            raise CopyMismatch(dataset)


def _check(dataset: str) -> None:
    if dataset not in DATASET_ORDER:
        raise KeyError(dataset)
