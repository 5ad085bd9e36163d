"""A script run reads one data version, whatever commits land meanwhile."""

from __future__ import annotations

import contextvars
from datetime import date
from pathlib import Path

from dashboard.ingest import uploads
from dashboard.store import Store
from dashboard.ui import app

SIT = date(2020, 4, 15)


def test_a_run_reads_one_data_version(demo_dir: Path) -> None:
    def run() -> tuple[int, int, int]:
        pinned = app.pin_data_version()
        before = len(app.query("open_actions", situation=SIT))
        store = Store(demo_dir)
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
