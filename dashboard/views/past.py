"""The past as it was: each dataset as it was committed at a situation date.

A situation date earlier than the data's own ("today" for the current files)
shows, for every dataset with a history, its last version committed at or before
that day; a dataset with no version by then has no rows, and says so. A dataset
never committed (the file as first delivered) and a version the store recorded
as `initial` (the file that was there before the first commit) count as there
from the start.

Only the store's public face is used: `history()` and `version_bytes()`. Pure:
no Streamlit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from dashboard.contract import DATASET_ORDER
from dashboard.i18n import dataset_label, format_day, t
from dashboard.queries import db
from dashboard.store import DataStore, Version

# A dataset's place in a past view: the version shown, or None when the dataset
# had no version yet at that date.
Chosen = Mapping[str, Version | None]


@dataclass(frozen=True)
class Past:
    """Which version of each dataset a past situation date shows. Datasets absent
    from `chosen` show their current file (they have no history)."""

    day: date
    chosen: Mapping[str, Version | None]

    @property
    def key(self) -> str:
        """A short, stable name of the versions shown (a cache key)."""
        parts = [
            f"{name}={0 if v is None else v.version}" for name, v in sorted(self.chosen.items())
        ]
        return f"{self.day.isoformat()}:" + ",".join(parts)


def versions_at(history: Iterable[Version], day: date, current_day: date) -> Past | None:
    """The versions a situation date `day` shows, or None when it shows the current
    files: `day` on or after `current_day` (the date the current data stand at),
    or no dataset committed after `day`."""
    if day >= current_day:
        return None
    by_dataset: dict[str, list[Version]] = {}
    for entry in history:
        by_dataset.setdefault(entry.dataset, []).append(entry)
    chosen: dict[str, Version | None] = {}
    later = False
    for name, entries in by_dataset.items():
        entries.sort(key=lambda v: v.version)
        shown: Version | None = None
        for entry in entries:
            if entry.when.date() <= day or (entry is entries[0] and entry.action == "initial"):
                shown = entry
            else:
                later = True
        chosen[name] = shown
    if not later:
        return None
    return Past(day, chosen)


def decode(key: str) -> tuple[date, dict[str, int]]:
    """The day and version numbers of `Past.key` (0: no version at that date)."""
    day, _, rest = key.partition(":")
    numbers = {}
    for part in rest.split(","):
        if part:
            name, _, number = part.partition("=")
            numbers[name] = int(number)
    return date.fromisoformat(day), numbers


def open_database_at(store: DataStore, numbers: Mapping[str, int]) -> duckdb.DuckDBPyConnection:
    """A database with each dataset of `numbers` at that version (0: no rows) and
    every other dataset at its current file."""
    files = dict(store.current_files())
    with tempfile.TemporaryDirectory(prefix="dashboard-past-") as folder:
        for name, number in numbers.items():
            if name not in DATASET_ORDER:
                continue
            if number == 0:
                files[name] = None
                continue
            path = Path(folder) / f"{name}.csv"
            path.write_bytes(store.version_bytes(name, number))
            files[name] = path
        return db.open_database(files)


def line(past: Past, lang: str) -> str:
    """The visible line saying which versions a past view shows."""
    shown, missing = [], []
    for name in DATASET_ORDER:
        if name not in past.chosen:
            continue
        entry = past.chosen[name]
        if entry is None:
            missing.append(dataset_label(name, lang))
        else:
            shown.append(
                t(
                    "meeting.past_item",
                    lang,
                    dataset=dataset_label(name, lang),
                    version=entry.version,
                    date=format_day(entry.when.date(), lang),
                )
            )
    text = t(
        "meeting.past_line",
        lang,
        date=format_day(past.day, lang),
        versions=", ".join(shown) or t("meeting.past_none", lang),
    )
    if missing:
        text += " " + t("meeting.past_missing", lang, datasets=", ".join(missing))
    return text
