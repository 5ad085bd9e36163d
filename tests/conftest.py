"""Shared fixtures: a fresh data folder on disk per test, never the repository's;
a real PostgreSQL server for the session (started here, stopped at the end) and a
fresh database per test that asks for one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard.store import DataStore, Store
from dashboard.store.postgres import PostgresStore
from tests.pgserver import Server

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data"


def copy_demo(target: Path, history: bool = True) -> Path:
    """The demo's current files and (by default) its history of versions."""
    target.mkdir(parents=True, exist_ok=True)
    for csv_file in DEMO.glob("*.csv"):
        shutil.copy2(csv_file, target / csv_file.name)
    if (DEMO / ".demo").is_file():  # the marker that says the data is invented
        shutil.copy2(DEMO / ".demo", target / ".demo")
    if history and (DEMO / ".history").is_dir():
        shutil.copytree(
            DEMO / ".history", target / ".history", ignore=shutil.ignore_patterns("lock")
        )
    return target


@pytest.fixture(autouse=True)
def _store_named_by_each_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test reads the data folder unless it sets DASHBOARD_DATABASE_URL itself
    (one set in the shell must not send the folder tests to a database)."""
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo data, used as DASHBOARD_DATA_DIR for the test."""
    folder = copy_demo(tmp_path / "data")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def demo_store(demo_dir: Path) -> Store:
    return Store(demo_dir)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A throwaway PostgreSQL cluster on a free loopback port, for the whole run."""
    server = Server().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_url(pg_server: Server) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped after)."""
    url = pg_server.database()
    yield url
    pg_server.drop(url)


BACKENDS = ["folder", "postgres"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each store test runs on the data folder and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def new_store(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[[], DataStore]:
    """Opens the test's store (another call: another handle on the same data, as a
    second process or app server would have)."""
    if backend == "folder":
        return lambda: Store(tmp_path / "data")
    url = request.getfixturevalue("database_url")
    return lambda: PostgresStore(url, cache_dir=tmp_path / "cache")


@pytest.fixture
def clear_streamlit_caches() -> Iterator[None]:
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: every test must run."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        print(f"\nCI: {skipped} test(s) skipped; every test must run in CI.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
