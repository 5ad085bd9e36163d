"""Runs the rules in `sql/checks/` and turns violating rows into messages.

Each rule is one SQL file returning `dataset, _row, column_name, value, detail` for
the rows that break it (like a dbt data test); any further column is a named
parameter of the message (`key_columns`/`key_values` name a whole key). A first
comment line `-- severity: warning` makes a rule a warning instead of an error.
Each rule keeps its first `contract.PROBLEMS_KEPT` rows per column (all of them
under `ingest.keeping_all()`); the rest are counted.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa

from dashboard.contract import DATASET_ORDER, DATE_MAX, DATE_MIN, get_dataset
from dashboard.ingest import Parsed, Problem, Severity, problems_kept
from dashboard.queries import db

# Memory DuckDB may hold while the rules run over an upload.
CHECK_MEMORY_MIB = 96
_STANDARD = ("dataset", "_row", "column_name", "value", "detail")
# Separates the columns and values of a whole key in a rule's output.
KEY_SEPARATOR = chr(31)


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    sql: str


@cache
def rules() -> tuple[Rule, ...]:
    out = []
    for name in db.sql_names("checks"):
        sql = db.sql_text("checks", name)
        severity: Severity = (
            "warning" if sql.lstrip().startswith("-- severity: warning") else "error"
        )
        out.append(Rule(name, severity, sql))
    return tuple(out)


@dataclass
class Found:
    problems: list[Problem] = field(default_factory=list)
    # (dataset, code, canonical column) -> rows past those kept
    omitted: dict[tuple[str, str, str | None], int] = field(default_factory=dict)


_PARAMS = {"date_min": DATE_MIN, "date_max": DATE_MAX}


def find(con: duckdb.DuckDBPyConnection) -> Found:
    """Every rule over every table; files and columns named canonically."""
    found = Found()
    kept = problems_kept()
    for rule in rules():
        # on the connection itself: the rules read the uploads' rows through its
        # temporary views (`load`), and the connection is this check's alone
        cur = con
        try:
            cur.sql(rule.sql, params=_params(rule.sql)).create("found")
            relation = cur.execute(
                "select * from found qualify row_number() over "
                "(partition by dataset, column_name order by _row) <= $kept",
                {"kept": kept},
            )
            names = [d[0] for d in relation.description or ()]
            rows = relation.fetchall()
            counts = cur.execute(
                "select dataset, column_name, count(*) from found "
                "group by all having count(*) > $k",
                {"k": kept},
            ).fetchall()
        finally:
            cur.execute("drop table if exists found")
        for dataset, column, total in counts:
            found.omitted[(str(dataset), rule.name, str(column))] = int(total) - kept
        for values in rows:
            rec = dict(zip(names, values, strict=True))
            dataset = str(rec["dataset"])
            params = {"detail": "" if rec["detail"] is None else str(rec["detail"])}
            for name in names:
                if name not in _STANDARD and rec[name] is not None:
                    params[name] = str(rec[name])
            if "key_columns" in params:
                params["key"] = whole_key(params, {})
            found.problems.append(
                Problem(
                    file=get_dataset(dataset).filename,
                    code=rule.name,
                    row=None if rec["_row"] is None else int(rec["_row"]),
                    column=str(rec["column_name"]),
                    value=None if rec["value"] is None else str(rec["value"]),
                    params=params,
                    severity=rule.severity,
                    dataset=dataset,
                )
            )
    found.problems.sort(key=lambda p: (DATASET_ORDER.index(p.dataset or "sites"), p.row or 0))
    return found


def _params(sql: str) -> dict[str, str] | None:
    used = {k: v for k, v in _PARAMS.items() if f"${k}" in sql}
    return used or None


def run_checks(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    return find(con).problems


def whole_key(params: Mapping[str, str], headers: Mapping[str, str]) -> str:
    """`projet « P01 », critère « noir », juré « Jury 3 »` from a rule's key columns."""
    columns = params["key_columns"].split(KEY_SEPARATOR)
    values = params.get("key_values", "").split(KEY_SEPARATOR)
    values += [""] * (len(columns) - len(values))
    return ", ".join(f"{headers.get(c, c)} « {v} »" for c, v in zip(columns, values, strict=True))


def load(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> None:
    """Put an upload's typed rows in place of a table's rows: the Arrow rows,
    registered under the table's name with its columns and types (read where
    they are; a column the upload lacks is empty)."""
    if parsed.dataset not in DATASET_ORDER or parsed.table is None:
        raise KeyError(parsed.dataset)
    name = parsed.dataset  # a table name from the contract, never from a file
    schema = con.table(name).limit(0).to_arrow_table().schema
    rows = parsed.table
    columns = [
        rows.column(f.name).cast(f.type)
        if f.name in rows.column_names
        else pa.nulls(len(rows), f.type)
        for f in schema
    ]
    con.register(name, pa.Table.from_arrays(columns, schema=schema))


def as_typed(parsed: Parsed, row: int | None, column: str) -> str | None:
    """The cell of an upload as the person typed it (None: a text cell or no row)."""
    raw = parsed.raw
    if raw is None or row is None or column not in raw.column_names:
        return None
    rows = raw.column("_row")
    i = bisect_left(_RowIndex(rows), row)
    if i < len(rows) and rows[i].as_py() == row:
        value = raw.column(column)[i].as_py()
        return None if value is None else str(value)
    return None


class _RowIndex:
    """A sorted Arrow column read by position (for bisect)."""

    def __init__(self, column: object) -> None:
        self.column = column

    def __len__(self) -> int:
        return len(self.column)  # type: ignore[arg-type]

    def __getitem__(self, i: int) -> int:
        return int(self.column[i].as_py())  # type: ignore[index]


def validate(current: Mapping[str, Path | None], staged: Mapping[str, Parsed]) -> list[Problem]:
    return validate_found(current, staged).problems


def validate_found(current: Mapping[str, Path | None], staged: Mapping[str, Parsed]) -> Found:
    """Problems of staged uploads checked together with the current files.

    A problem in a staged dataset is named as the upload names it (its file,
    its headers, the value as typed); one in another dataset is a reference the
    upload would break, reported only if the current data did not already have it.
    """
    # A current file that does not load is left out: the upload meant to replace
    # it must still be judged (the pages say the file cannot be read).
    con = db.open_loadable(current)[0]
    # the rules over a large upload spill to disk rather than grow the process
    con.execute("set memory_limit = $limit", {"limit": f"{CHECK_MEMORY_MIB}MB"}).fetchall()
    try:
        baseline = {_key(p) for p in run_checks(con)} if staged else set()
        for parsed in staged.values():
            load(con, parsed)
        already = {
            (name, p.row, p.column) for name, parsed in staged.items() for p in parsed.problems
        }
        found = find(con)
    finally:
        con.close()
    out = Found()
    for (dataset, code, column), count in found.omitted.items():
        upload = staged.get(dataset)
        name = upload.file if upload is not None else get_dataset(dataset).filename
        header = upload.header_for(column) if upload is not None and column else column
        out.omitted[(name, code, header)] = count
    for p in found.problems:
        upload = staged.get(p.dataset or "")
        if upload is not None:
            column = p.column or ""
            if (p.dataset, p.row, upload.header_for(column)) in already:
                continue
            params = dict(p.params)
            if "key_columns" in params:
                headers = {
                    c: upload.header_for(c) for c in params["key_columns"].split(KEY_SEPARATOR)
                }
                params["key"] = whole_key(params, headers)
            typed = as_typed(upload, p.row, column)
            out.problems.append(
                Problem(
                    file=upload.file,
                    code=p.code,
                    row=p.row,
                    column=upload.header_for(column),
                    value=typed if typed is not None and p.value is not None else p.value,
                    params=params,
                    severity=p.severity,
                    dataset=p.dataset,
                )
            )
        elif _key(p) not in baseline:
            out.problems.append(p)
    return out


def _key(p: Problem) -> tuple[object, ...]:
    return (p.dataset, p.row, p.column, p.value, p.code)
