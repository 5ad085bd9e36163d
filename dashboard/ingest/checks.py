"""Runs the rules in `sql/checks/` and turns violating rows into messages.

Each rule is one SQL file returning `dataset, _row, column_name, value, detail` for
the rows that break it (like a dbt data test). A first comment line
`-- severity: warning` makes a rule a warning instead of an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from dashboard.contract import DATASET_ORDER, get_dataset
from dashboard.ingest import Parsed, Problem, Severity
from dashboard.queries import db


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


def run_checks(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """Every rule over every table; files and columns named canonically."""
    problems: list[Problem] = []
    for rule in rules():
        frame = db.run_sql(con, rule.sql, {})
        for rec in frame.to_dict("records"):
            dataset = str(rec["dataset"])
            problems.append(
                Problem(
                    file=get_dataset(dataset).filename,
                    code=rule.name,
                    row=None if _missing(rec["_row"]) else int(rec["_row"]),
                    column=str(rec["column_name"]),
                    value=None if _missing(rec["value"]) else str(rec["value"]),
                    params={"detail": "" if _missing(rec["detail"]) else str(rec["detail"])},
                    severity=rule.severity,
                    dataset=dataset,
                )
            )
    problems.sort(key=lambda p: (DATASET_ORDER.index(p.dataset or "sites"), p.row or 0))
    return problems


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def validate(current: Mapping[str, Path | None], staged: Mapping[str, Parsed]) -> list[Problem]:
    """Problems of staged uploads checked together with the current files.

    A problem in a staged dataset is named as the upload names it (its file,
    its headers); one in another dataset is a reference the upload would
    break, reported only if the current data did not already have it.
    """
    con = db.open_database(current)
    baseline = {_key(p) for p in run_checks(con)} if staged else set()
    for name, parsed in staged.items():
        db.load_frame(con, name, parsed.frame)
    already = {(name, p.row, p.column) for name, parsed in staged.items() for p in parsed.problems}
    out: list[Problem] = []
    for p in run_checks(con):
        upload = staged.get(p.dataset or "")
        if upload is not None:
            column = p.column or ""
            if (p.dataset, p.row, upload.header_for(column)) in already:
                continue
            out.append(
                Problem(
                    file=upload.file,
                    code=p.code,
                    row=p.row,
                    column=upload.header_for(column),
                    value=p.value,
                    params=p.params,
                    severity=p.severity,
                    dataset=p.dataset,
                )
            )
        elif _key(p) not in baseline:
            out.append(p)
    con.close()
    return out


def _key(p: Problem) -> tuple[object, ...]:
    return (p.dataset, p.row, p.column, p.value, p.code)
