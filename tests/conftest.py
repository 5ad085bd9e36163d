"""Shared fixtures: a fresh data folder on disk per test, never the repository's;
a real PostgreSQL server for the session (started here, stopped at the end) and a
fresh database per test that asks for one.

`--store=postgres` (or DASHBOARD_TEST_STORE=postgres) runs the app and browser
tests on PostgreSQL: `demo_dir` and `empty_dir` still make the folder, then copy
it into a fresh database (`PostgresStore.copy_from`, what `python -m dashboard
to-database` does) and point the app at that database (DASHBOARD_DATABASE_URL,
a cache folder of its own, and DASHBOARD_DATA_DIR at an empty folder, so nothing
can be read from or written to the copy by mistake). Tests about the data folder
itself are marked `folder_only` and deselected there (`-m "not folder_only"`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dashboard.store import DataStore, Store, open_store
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


STORE_SETTING = "DASHBOARD_TEST_STORE"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--store",
        choices=("folder", "postgres"),
        default=None,
        help="the store the app and browser tests run on (default: the data folder; "
        f"or {STORE_SETTING})",
    )


def pytest_configure(config: pytest.Config) -> None:
    chosen = config.getoption("--store") or os.environ.get(STORE_SETTING) or "folder"
    if chosen not in ("folder", "postgres"):
        raise pytest.UsageError(f"{STORE_SETTING}={chosen!r}: folder or postgres")
    # the browser harness (and any subprocess) reads the choice from the environment
    os.environ[STORE_SETTING] = chosen
    _temporary_folder_per_worker()


def _temporary_folder_per_worker() -> None:
    """Under pytest-xdist, each worker (and every process it starts: streamlit, the
    CLI) gets a temporary folder of its own, so a test that checks what is left in
    the temporary folder sees only its own worker's files."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    own = Path(tempfile.gettempdir()) / f"dashboard-tests-{os.getpid()}-{worker}"
    own.mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = str(own)
    tempfile.tempdir = str(own)


def pytest_unconfigure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and tempfile.tempdir and Path(tempfile.tempdir).name.endswith(f"-{worker}"):
        shutil.rmtree(tempfile.tempdir, ignore_errors=True)


def on_postgres() -> bool:
    """Whether this run puts the app and browser tests on PostgreSQL."""
    return os.environ.get(STORE_SETTING) == "postgres"


def load_into_database(folder: Path, url: str, cache: Path) -> None:
    """Copy a data folder (its files, history and log) into an empty database."""
    database = PostgresStore(url, cache_dir=cache)
    try:
        database.copy_from(Store(folder))
    finally:
        database.close()


def forget_database(url: str) -> None:
    """Close and drop this process's open store on `url` (its database is dropped)."""
    from dashboard.store import base

    for key, store in list(base._open.items()):
        if getattr(store, "url", None) == url:
            del base._open[key]
            close = getattr(store, "close", None)
            if close is not None:
                close()


def _names_its_backend(request: pytest.FixtureRequest) -> bool:
    """A test that picks its store itself (the `backend` parameter, its own database)."""
    return bool({"backend", "database_url"} & set(request.fixturenames))


def _serve_from_database(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """Under --store=postgres: the app reads and writes a fresh database holding a
    copy of `folder`; the folder stays as it was (tests read what the demo was)."""
    if not on_postgres() or _names_its_backend(request):
        return
    url = request.getfixturevalue("pg_database")
    load_into_database(folder, url, tmp_path / "store-cache")
    unused = tmp_path / "no-data-folder"
    unused.mkdir(exist_ok=True)
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(unused))
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "app-cache"))


@pytest.fixture(autouse=True)
def _store_named_by_each_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test reads the data folder unless it sets DASHBOARD_DATABASE_URL itself
    (one set in the shell must not send the folder tests to a database)."""
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)


@pytest.fixture
def demo_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """A copy of the demo data, used as DASHBOARD_DATA_DIR for the test (under
    --store=postgres: copied into the database the test's app uses)."""
    folder = copy_demo(tmp_path / "data")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    _serve_from_database(folder, tmp_path, monkeypatch, request)
    return folder


@pytest.fixture
def serve_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Callable[[Path], None]:
    """Makes a data folder the test's store (under --store=postgres: a database
    holding a copy of it), as `demo_dir` does with the demo."""

    def serve(folder: Path) -> None:
        monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
        _serve_from_database(folder, tmp_path, monkeypatch, request)

    return serve


@pytest.fixture
def empty_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Path:
    """An empty data folder (under --store=postgres: an empty database)."""
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    _serve_from_database(folder, tmp_path, monkeypatch, request)
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
    forget_database(url)
    pg_server.drop(url)


@pytest.fixture
def pg_database(pg_server: Server) -> Iterator[str]:
    """Like `database_url`, for the app's own store under --store=postgres."""
    url = pg_server.database()
    yield url
    forget_database(url)
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
def demo_in_backend(
    backend: str,
    demo_dir: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> DataStore:
    """The demo's data in the backend under test: on PostgreSQL a fresh database
    holding a copy of it, set as the one the app and the command line open (the
    process's shared store, closed with its database)."""
    if backend == "folder":
        return Store(demo_dir)
    url = request.getfixturevalue("database_url")
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "app-cache"))
    database = open_store(url=url)
    assert isinstance(database, PostgresStore)
    database.copy_from(Store(demo_dir))
    return database


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
