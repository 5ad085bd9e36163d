"""Every AppTest starts with empty Streamlit caches and a known staff password."""

from __future__ import annotations

import pytest

from tests.app.support import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_app(clear_streamlit_caches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_STAFF_PASSWORD", PASSWORD)
    monkeypatch.delenv("DASHBOARD_CONFIDENTIAL_EVALUATIONS", raising=False)
