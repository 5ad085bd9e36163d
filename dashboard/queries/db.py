"""DuckDB over the data folder: one in-memory database per data version.

Named queries live in `sql/queries/NAME.sql` and take `$name` parameters; the
schema in `sql/schema/`; table macros that several queries share (the state
rules, what "open" means for an action) in `sql/views/`. Every query runs on its
own cursor, so one connection can serve all sessions' threads.
"""

from __future__ import annotations

import logging
import sysconfig
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dashboard.contract import DATASET_ORDER

if TYPE_CHECKING:  # pandas is loaded when a frame is made, not on the command line's path
    import pandas as pd


def _sql_dir() -> Path:
    """sql/ at the repository's root; in an installed package (`pip install .`, not
    editable), the copy under <prefix>/share/all-dashboard/sql (pyproject's data-files)."""
    beside = Path(__file__).resolve().parents[2] / "sql"
    if (beside / "queries").is_dir():
        return beside
    return Path(sysconfig.get_path("data")) / "share" / "all-dashboard" / "sql"


SQL_DIR = _sql_dir()

# Statements over one dataset's table; the table name is checked against the
# contract by `_table`, values always travel as parameters.
_DELETE = "delete from {table}"
_LOAD_CSV = (
    "insert into {table} by name "
    "select *, (row_number() over ())::integer + 1 as _row "
    "from read_csv($path, header = true, all_varchar = true, delim = ',', quote = '\"')"
)
_LOAD_FRAME = "insert into {table} by name select * from staged_frame"
_LOADERS = 2


@cache
def sql_text(kind: str, name: str) -> str:
    path = SQL_DIR / kind / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def sql_names(kind: str) -> list[str]:
    return sorted(p.stem for p in (SQL_DIR / kind).glob("*.sql"))


def empty_database() -> duckdb.DuckDBPyConnection:
    """An in-memory database with every dataset's table, empty."""
    con = duckdb.connect(":memory:", config={"threads": 2})
    for name in DATASET_ORDER:
        con.execute(sql_text("schema", name))
    # Table macros (sql/views/): rules several queries share, defined once.
    for name in sql_names("views"):
        con.execute(sql_text("views", name))
    return con


def load_canonical(con: duckdb.DuckDBPyConnection, dataset: str, path: Path) -> None:
    """Fill a table from a canonical CSV (already validated when committed)."""
    cur = con.cursor()
    cur.execute(_DELETE.format(table=_table(dataset)))
    cur.execute(_LOAD_CSV.format(table=_table(dataset)), {"path": str(path)})


def load_frame(con: duckdb.DuckDBPyConnection, dataset: str, frame: pd.DataFrame) -> None:
    """Replace a table's rows with a typed frame from ingest."""
    cur = con.cursor()
    cur.register("staged_frame", frame)
    cur.execute(_DELETE.format(table=_table(dataset)))
    cur.execute(_LOAD_FRAME.format(table=_table(dataset)))
    cur.unregister("staged_frame")


def open_database(files: Mapping[str, Path | None]) -> duckdb.DuckDBPyConnection:
    """A database holding each dataset's current file (a missing file: no rows)."""
    con = empty_database()
    loads = [
        (name, path)
        for name in DATASET_ORDER
        if (path := files.get(name)) is not None and path.exists() and path.stat().st_size > 0
    ]
    # Two tables load at once, each on its own cursor (DuckDB runs them outside the
    # GIL): most files are too small for DuckDB to split one read between threads.
    # The largest go first so that the two workers finish together.
    loads.sort(key=lambda load: load[1].stat().st_size, reverse=True)
    pool = ThreadPoolExecutor(max_workers=_LOADERS)
    try:
        for done in [pool.submit(load_canonical, con, name, path) for name, path in loads]:
            done.result()
    except BaseException:
        # a file that does not load: the others not started are not, and the
        # half-filled database is closed once the running ones are done
        pool.shutdown(wait=True, cancel_futures=True)
        con.close()
        raise
    pool.shutdown(wait=True)
    return con


def open_loadable(
    files: Mapping[str, Path | None],
) -> tuple[duckdb.DuckDBPyConnection, tuple[str, ...]]:
    """Like `open_database`, but a current file that does not load (one put in the
    folder by hand, never committed through the checks) is left out instead of
    failing the whole database; returns the datasets left out."""
    try:
        return open_database(files), ()
    except duckdb.Error:
        skipped: list[str] = []
        for name, path in files.items():
            if path is None:
                continue
            try:
                open_database({name: path}).close()
            except duckdb.Error:
                logging.getLogger("dashboard.data").exception("%s cannot be loaded", path)
                skipped.append(name)
        usable = {name: (None if name in skipped else path) for name, path in files.items()}
        return open_database(usable), tuple(skipped)


def audience(name: str) -> str:
    """Who may run a named query: 'staff' when its header says `-- audience: staff`."""
    for line in sql_text("queries", name).splitlines():
        if not line.startswith("--"):
            break
        if line.replace(" ", "").lower() == "--audience:staff":
            return "staff"
    return "all"


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """Run the named query `sql/queries/NAME.sql` with its `$parameters`."""
    return run_sql(con, sql_text("queries", name), params)


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> pd.DataFrame:
    cur = con.cursor()
    try:
        return cur.execute(sql, dict(params) if params else None).df()
    finally:
        cur.close()


def _table(dataset: str) -> str:
    # Table names come from the contract, never from users.
    if dataset not in DATASET_ORDER:
        raise KeyError(dataset)
    return dataset
