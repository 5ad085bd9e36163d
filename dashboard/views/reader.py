"""How view builders read data: `read(name, **params) -> DataFrame`.

The one place access is applied to what a builder reads: a staff-only query is
refused to viewers and the columns viewers never receive are dropped, so neither
a page nor the pack can send them to a viewer's browser or file.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import duckdb
import pandas as pd

from dashboard import auth
from dashboard.queries import db


class Reader(Protocol):
    def __call__(self, name: str, /, **params: Any) -> pd.DataFrame: ...


def restricted(run: Reader, role: auth.Role) -> Reader:
    """`run` with the access rules of `role` applied."""

    def read(name: str, /, **params: Any) -> pd.DataFrame:
        if not auth.may_run(db.audience(name), role):
            raise PermissionError(name)
        frame = run(name, **params)
        return frame[auth.visible_columns(list(frame.columns), role)].copy()

    return read


def database_reader(con: duckdb.DuckDBPyConnection, role: auth.Role) -> Reader:
    """Named queries straight on an open database (pack, CLI, benchmarks, tests)."""

    def run(name: str, /, **params: Any) -> pd.DataFrame:
        return db.query(con, name, **params)

    return restricted(run, role)


# How a text without its English version is shown to an English reader.
FRENCH_MARK = " (FR)"
# Columns that are keys or free names, never translated even when a value happens
# to equal a translated text (a workstream named like a site is a filter's key).
KEPT_AS_TYPED = frozenset(
    {"workstream", "evaluation", "owner", "juror", "commune", "territory", "category", "country"}
)


def in_english(read: Reader) -> Reader:
    """`read` for an English reader: every text that has an English column in the
    data (names, descriptions, labels, indicators, units, decisions) is given in
    English; where that column is empty the French text is kept with a visible
    "(FR)" mark. Other texts (people's and businesses' names, ids) stay as typed."""
    read_once: list[dict[str, str]] = []
    lock = threading.Lock()  # a builder's reads may run on several threads at once

    def translations() -> dict[str, str]:
        with lock:
            if not read_once:
                found = read("content_en")
                pairs = {"": ""}
                for fr, en in zip(found["fr"], found["en"], strict=True):
                    pairs[str(fr)] = str(en) if isinstance(en, str) else f"{fr}{FRENCH_MARK}"
                read_once.append(pairs)  # whole, or not at all
            return read_once[0]

    def english(name: str, /, **params: Any) -> pd.DataFrame:
        frame = read(name, **params)
        if name == "content_en" or frame.empty:
            return frame
        known = translations()
        for column in frame.columns:
            if str(column) in KEPT_AS_TYPED or str(column).endswith("_id"):
                continue
            values = frame[column]
            if values.dtype != object and not pd.api.types.is_string_dtype(values):
                continue
            if not values.map(lambda v: isinstance(v, str) and v in known).any():
                continue
            frame[column] = values.map(lambda v: known.get(v, v) if isinstance(v, str) else v)
        return frame

    return english
