"""The French and English catalogues agree, and locale formatting is exact."""

from __future__ import annotations

import re
import string
from datetime import date

import pytest

from dashboard import i18n, ingest
from dashboard.contract import DATASETS
from dashboard.ingest import checks

FR = i18n.catalogue("fr")
EN = i18n.catalogue("en")

COLUMN_NAMES = {c.name for d in DATASETS.values() for c in d.columns}

# uploads that each meet one ingest refusal
BAD_UPLOADS: list[tuple[str, bytes]] = [
    ("sites", b"%PDF-1.4\n"),
    ("sites", b"\x89PNG\r\n\x1a\n"),
    ("sites", b"PK\x03\x04\x14\x00"),
    ("sites", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ("sites", b"site_id,name\ns1,\x00\n"),
    ("sites", b""),
    ("sites", b'site_id,name\ns1,"A\n'),
    ("sites", b"site_id,name,\ns1,A,B\n"),
    ("sites", b"site_id,name,nom\ns1,A,B\n"),
    ("sites", b"site_id,name,couleur\ns1,A,B\n"),
    ("sites", b"site_id\ns1\n"),
    ("sites", b"site_id,name\ns1,A,B\n"),
    ("tasks", "identifiant;axe;intitulé;début;fin\nT1;A;B;demain;31/02/2020\n".encode()),
    ("sites", b"site_id;name;lat\ns1;A;abc\n"),
    ("stakeholders", b"stakeholder_id;name;category;influence\nS1;A;x;2,5\n"),
    ("tasks", b"task_id;workstream;name;start;end;milestone\nT1;A;B;2020-01-01;2020-01-01;bof\n"),
    ("tasks", b"task_id;workstream;name;start;end;status\nT1;A;B;2020-01-01;2020-01-01;fini\n"),
]


def ingest_codes() -> set[str]:
    codes: set[str] = set()
    for dataset, data in BAD_UPLOADS:
        parsed = ingest.read_bytes(dataset, data, "f.csv")
        assert parsed.errors, data
        codes |= {p.code for p in parsed.problems}
    return codes


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_same_keys_in_both_languages_except_english_column_labels() -> None:
    en_only = {k for k in EN if k.startswith("columns.")}
    assert not any(k.startswith("columns.") for k in FR)
    assert set(FR) == set(EN) - en_only
    assert {k.removeprefix("columns.") for k in en_only} == COLUMN_NAMES


def test_bad_uploads_meet_every_ingest_refusal() -> None:
    assert ingest_codes() == {
        "binary_pdf",
        "binary_image",
        "binary_zip",
        "binary_xls",
        "not_text",
        "empty_file",
        "bad_quoting",
        "no_header",
        "duplicate_header",
        "unknown_column",
        "missing_column",
        "extra_values",
        "expected_date",
        "impossible_date",
        "expected_number",
        "expected_integer",
        "expected_boolean",
        "expected_enum",
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_problem_code_has_a_message(lang: str) -> None:
    codes = ingest_codes() | {r.name for r in checks.rules()}
    missing = {code for code in codes if f"problem.{code}" not in i18n.catalogue(lang)}
    assert missing == set()


@pytest.mark.parametrize("key", sorted(FR))
def test_placeholders_match(key: str) -> None:
    assert placeholders(FR[key]) == placeholders(EN[key])


def test_problem_placeholders_are_the_ones_the_code_fills() -> None:
    assert placeholders(FR["problem.line"]) == {"where", "text"}
    for rule in checks.rules():
        # `detail`, or a column the rule's query names for its message
        named = set(re.findall(r'\bas\s+"?(\w+)"?', rule.sql)) | {"detail"}
        assert placeholders(FR[f"problem.{rule.name}"]) <= named, rule.name


def test_format_eur() -> None:
    assert i18n.format_eur(12500, "fr") == "12\u202f500\u00a0€"
    assert i18n.format_eur(12500, "en") == "€12,500"
    assert i18n.format_eur(0, "fr") == "0\u00a0€"
    assert i18n.format_eur(1234.5, "fr", cents=True) == "1\u202f234,50\u00a0€"
    assert i18n.format_eur(1234.5, "en", cents=True) == "€1,234.50"


def test_format_day() -> None:
    assert i18n.format_day(date(2020, 4, 15), "fr") == "15 avril 2020"
    assert i18n.format_day(date(2020, 4, 15), "en") == "15 April 2020"
    assert i18n.format_day(date(2020, 6, 1), "fr") == "1er juin 2020"


def test_format_number_and_pct() -> None:
    assert i18n.format_number(1234.5, "fr", 1) == "1\u202f234,5"
    assert i18n.format_number(1234.5, "en", 1) == "1,234.5"
    assert i18n.format_pct(0.42, "fr") == "42\u00a0%"
    assert i18n.format_pct(0.42, "en") == "42%"


@pytest.mark.parametrize(
    ("dataset", "column", "fr", "en"),
    [
        ("tasks", "start", "début", "Start"),
        ("tasks", "depends_on", "dépend de", "Depends on"),
        ("criteria", "scale_max", "note max", "Top score"),
        ("stakeholders", "phone", "téléphone", "Phone"),
        ("actions", "meeting_date", "comité", "Committee"),
    ],
)
def test_column_label(dataset: str, column: str, fr: str, en: str) -> None:
    assert i18n.column_label(dataset, column, "fr") == fr
    assert i18n.column_label(dataset, column, "en") == en
    assert i18n.column_label(dataset, column, "de") == fr  # unknown language: French


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_column_has_a_label_in_both_languages(dataset: str) -> None:
    for column in DATASETS[dataset].columns:
        assert i18n.column_label(dataset, column.name, "fr") == column.fr
        assert i18n.column_label(dataset, column.name, "en") == EN[f"columns.{column.name}"]


@pytest.mark.parametrize(
    ("dataset", "column", "value", "fr", "en"),
    [
        ("tasks", "status", "in_progress", "en cours", "in progress"),
        ("tasks", "status", "done", "terminé", "done"),
        ("stakeholders", "engagement", "committed", "partenaire", "committed"),
        ("criteria", "method", "lowest_price", "prix le plus bas", "lowest price"),
        ("projects", "status", "shortlisted", "présélectionné", "shortlisted"),
        ("tasks", "status", "unknown", "unknown", "unknown"),
    ],
)
def test_choice_label(dataset: str, column: str, value: str, fr: str, en: str) -> None:
    assert i18n.choice_label(dataset, column, value, "fr") == fr
    assert i18n.choice_label(dataset, column, value, "en") == en


def test_t_fills_placeholders_and_falls_back_to_french() -> None:
    assert i18n.t("problem.row", "fr", row=7) == "ligne 7"
    assert i18n.t("problem.row", "en", row=7) == "row 7"
    assert i18n.t("problem.row", "xx", row=7) == "ligne 7"
    assert i18n.t("no.such.key", "en") == "no.such.key"
    assert i18n.t("datasets.tasks.name", "en") == "Tasks (schedule)"
