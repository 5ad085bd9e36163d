"""A throwaway PostgreSQL server for the tests and the benchmark: Debian's binaries
(`initdb`, `pg_ctl`) on a free loopback port, its cluster in a temporary folder,
run as the `postgres` user when we are root (PostgreSQL refuses root)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg


def bin_dir() -> Path:
    """The newest installed server binaries (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`start()` a cluster, `database()` for a fresh database's URL, `stop()`."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
        self.data = self.dir / "cluster"
        self.log = self.dir / "server.log"
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str) -> None:
        command = [str(bin_dir() / args[0]), *args[1:]]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)}:\n{result.stdout}{result.stderr}{log}")

    def start(self) -> Server:
        if self.user:
            shutil.chown(self.dir, self.user)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "dashboard",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = [
            f"-p {self.port}",
            "-c listen_addresses=127.0.0.1",
            f"-c unix_socket_directories={self.dir}",
            "-c max_connections=200",
        ]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", " ".join(options), "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://dashboard@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new empty database; its URL."""
        name = "t" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"create database {name} strategy file_copy")
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a database made by `database` (its connections closed by force)."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"drop database if exists {name} with (force)")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def login_without_create(database_url: str, grants: tuple[str, ...]) -> str:
    """A new login on the database of `database_url` that may not create a table, as a
    deployed app's user: each of `grants` given to it ("select on all tables in schema
    public", ...). Its URL."""
    role = "app_" + uuid.uuid4().hex[:8]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"create role {role} login")
        conn.execute(f"revoke create on schema public from {role}")
        for grant in grants:
            conn.execute(f"grant {grant} to {role}")
    return database_url.replace("postgresql://dashboard@", f"postgresql://{role}@")
