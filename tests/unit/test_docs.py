"""The contract page, the SQL schema and the code describe the same datasets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.contract import DATASET_ORDER, DATASETS
from dashboard.queries import db

ROOT = Path(__file__).resolve().parents[2]


def doc_tables() -> dict[str, list[tuple[str, str, str, str]]]:
    text = (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    tables: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^### `(\w+)\.csv`", line)
        if heading:
            current = heading[1]
            tables[current] = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if current and line.startswith("|") and len(cells) >= 4:
            if cells[0] in ("column", "---"):
                continue
            tables[current].append((cells[0], cells[1], cells[2], cells[3]))
    return tables


def test_every_dataset_is_documented() -> None:
    assert set(doc_tables()) == set(DATASETS) == set(DATASET_ORDER)


@pytest.mark.parametrize("name", DATASET_ORDER)
def test_columns_headers_and_types_match_the_page(name: str) -> None:
    documented = doc_tables()[name]
    dataset = DATASETS[name]
    assert [row[0] for row in documented] == list(dataset.column_names)
    for (column, french, type_, rule), col in zip(documented, dataset.columns, strict=True):
        assert french == col.fr, column
        assert type_ == col.type, column
        assert rule.startswith("required") == col.required, column
        assert ("PERSONAL DATA" in rule) == col.personal, column
        for value, label in col.choices:
            assert f"`{value}` ({label}" in rule, (column, value)


@pytest.mark.parametrize("name", DATASET_ORDER)
def test_schema_has_the_contract_columns_and_types(name: str) -> None:
    con = db.empty_database()
    described = con.execute(f"describe {name}").fetchall()
    got = [(row[0], row[1].lower()) for row in described]
    want = [(c.name, c.sql_type) for c in DATASETS[name].columns] + [("_row", "integer")]
    assert got == want


def test_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/run" in readme and "scripts/test" in readme
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test" in ci
