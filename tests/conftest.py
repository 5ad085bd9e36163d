"""Shared fixtures: a fresh data folder on disk per test, never the repository's."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.store import Store

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
