"""The store's documents checked whole, as `check` and the staff's banner report
them (pure, no Streamlit).

A document edited outside the app (the data folder's file, the database's row)
that does not read as its kind is a store problem ("document_damaged"): named,
located and said why, beside the datasets' own problems. Each document is read
by the module that owns its shape, so the check and the pages agree.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.store.base import DOCUMENTS, DataStore, DocumentDamaged, StoreProblem
from dashboard.views import attendees, scenarios

READERS: dict[str, Callable[[DataStore], object]] = {
    scenarios.DOCUMENT: scenarios.saved,
    attendees.DOCUMENT: attendees.recorded,
}
assert set(READERS) == set(DOCUMENTS)


def problems(store: DataStore) -> list[StoreProblem]:
    """A "document_damaged" problem for each document that does not read."""
    found: list[StoreProblem] = []
    for name, read in READERS.items():
        try:
            read(store)
        except DocumentDamaged as exc:
            found.append(
                StoreProblem(
                    "document_damaged",
                    detail=store.document_location(name),
                    document=name,
                    reason=exc.reason,
                )
            )
    return found
