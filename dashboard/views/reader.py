"""How view builders read data: `read(name, **params) -> DataFrame`.

The one place access is applied to what a builder reads: a staff-only query is
refused to viewers and the columns viewers never receive are dropped, so neither
a page nor the pack can send them to a viewer's browser or file.
"""

from __future__ import annotations

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
