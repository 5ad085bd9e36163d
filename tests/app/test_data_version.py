"""A script run reads one data version, whatever commits land meanwhile (on the
data folder and on PostgreSQL)."""

from __future__ import annotations

import contextvars
from datetime import date
from pathlib import Path

import pytest

from dashboard.ingest import uploads
from dashboard.store import Store, open_store
from dashboard.ui import app

SIT = date(2020, 4, 15)


def test_a_run_reads_one_data_version(
    demo_dir: Path, backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("database_url")
        monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
        store = open_store(url=url)
        store.copy_from(Store(demo_dir))  # type: ignore[attr-defined]
    else:
        store = Store(demo_dir)
    assert app.store() is store or backend == "folder"

    def run() -> tuple[int, int, int]:
        pinned = app.pin_data_version()
        before = len(app.query("open_actions", situation=SIT))
        text = (demo_dir / "actions.csv").read_text(encoding="utf-8")
        extra = "A99,2020-04-15,action,Nouvelle action,Comité,2020-04-30,open,,\n"
        upload = uploads.check_upload(store, "actions", (text + extra).encode(), "actions.csv")
        assert uploads.commit_upload(store, upload, by="test") is not None
        assert store.data_version() != pinned
        during = len(app.query("open_actions", situation=SIT))  # the same run: old data
        app.pin_data_version()  # the next run
        after = len(app.query("open_actions", situation=SIT))
        return before, during, after

    assert contextvars.copy_context().run(run) == (10, 10, 11)
