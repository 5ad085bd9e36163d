"""Password attempts counted per client across sessions and processes.

A password check is *taken* before it is made: `Throttle.attempt` atomically
counts the recent attempts of the client and of everyone, and records a new one
only while both are under their limits. Parallel sessions, several browser tabs
or several server processes therefore share the same budget: within `window`
seconds a client gets at most `per_client` answers, and all clients together at
most `overall`. A right password clears the client's count
(and is not counted against everyone).

The counts live behind `Attempts`, a tiny interface; `SqliteAttempts` keeps them
in one SQLite file in the data folder's hidden area (`.auth/attempts.sqlite3`),
so a restart does not reset them. Another backend (a database table) only has
to implement `take` and `forget`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ANYONE = "*"  # the key every attempt also counts against


class Attempts(Protocol):
    def take(self, limits: Sequence[tuple[str, int]], now: float, window: float) -> bool:
        """Record one attempt under every key when each key has fewer than its limit
        within the last `window` seconds, in one step no other caller can split;
        else record nothing and return False."""

    def forget(self, key: str, *, one: bool = False) -> None:
        """Drop the attempts counted against `key` (`one`: only the latest)."""


class SqliteAttempts:
    """`Attempts` in an SQLite file: one row per attempt; `BEGIN IMMEDIATE` makes the
    count-then-record step exclusive across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE IF NOT EXISTS attempts (key TEXT NOT NULL, at REAL NOT NULL)")
            con.execute("CREATE INDEX IF NOT EXISTS attempts_key ON attempts (key, at)")
            yield con
        finally:
            con.close()

    def take(self, limits: Sequence[tuple[str, int]], now: float, window: float) -> bool:
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("DELETE FROM attempts WHERE at <= ?", (now - window,))
                for key, limit in limits:
                    (count,) = con.execute(
                        "SELECT count(*) FROM attempts WHERE key = ? AND at > ?",
                        (key, now - window),
                    ).fetchone()
                    if count >= limit:
                        con.execute("COMMIT")
                        return False
                con.executemany(
                    "INSERT INTO attempts (key, at) VALUES (?, ?)", [(k, now) for k, _ in limits]
                )
                con.execute("COMMIT")
                return True
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def forget(self, key: str, *, one: bool = False) -> None:
        with self._connect() as con:
            if one:
                con.execute(
                    "DELETE FROM attempts WHERE rowid = "
                    "(SELECT max(rowid) FROM attempts WHERE key = ?)",
                    (key,),
                )
            else:
                con.execute("DELETE FROM attempts WHERE key = ?", (key,))


@dataclass(frozen=True)
class Throttle:
    attempts: Attempts
    window: float = 900.0
    per_client: int = 5
    overall: int = 50

    def attempt(self, client: str, now: float) -> bool:
        """Whether this client may have a password checked now (and, if so, the
        attempt is counted)."""
        return self.attempts.take(
            [(f"client:{client}", self.per_client), (ANYONE, self.overall)], now, self.window
        )

    def succeeded(self, client: str) -> None:
        """A right password: the client starts afresh, and the attempt is not
        counted against everyone (only wrong ones are)."""
        self.attempts.forget(f"client:{client}")
        self.attempts.forget(ANYONE, one=True)


def file_throttle(data_root: Path) -> Throttle:
    """The default: counts in the data folder's `.auth/attempts.sqlite3`."""
    return Throttle(SqliteAttempts(Path(data_root) / ".auth" / "attempts.sqlite3"))
