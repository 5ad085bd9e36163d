"""Every AppTest starts with empty Streamlit caches and a known staff password."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from tests.app.support import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_app(clear_streamlit_caches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_STAFF_PASSWORD", PASSWORD)
    monkeypatch.delenv("DASHBOARD_CONFIDENTIAL_EVALUATIONS", raising=False)


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, bytes]]:
    """The bytes each download button would serve, by file name."""
    served: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(
        self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: Any = None
    ) -> str:
        if filename and isinstance(data, bytes):
            served[filename] = data
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    yield served
