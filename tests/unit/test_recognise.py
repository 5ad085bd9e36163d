"""Which dataset a header row holds: one fit is an answer, none or a tie is a question."""

from __future__ import annotations

import pytest

from dashboard.contract import DATASETS
from dashboard.ingest import recognise
from dashboard.ingest.templates import headers


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_template_header_row_is_recognised(dataset: str, lang: str) -> None:
    assert recognise.from_headers(headers(dataset, lang)) == dataset


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_required_columns_alone_are_enough(dataset: str) -> None:
    required = [c.fr for c in DATASETS[dataset].columns if c.required]
    assert recognise.from_headers(required) == dataset


@pytest.mark.parametrize(
    ("row", "dataset"),
    [
        (["Identifiant", "Nom", "Latitude", "Longitude"], "sites"),
        (["IDENTIFIANT ", "nom", "catégorie", "pays", "courriel"], "stakeholders"),
        (["projet", "critère", "juré", "note", "commentaire"], "scores"),
        (["site", "indicateur", "date", "valeur", "cible", "unité"], "kpis"),
        (["identifiant", "comité", "type", "libellé"], "actions"),
        (["identifiant", "évaluation", "nom", "prix"], "projects"),
        # trailing empty headers of a spreadsheet export do not count
        (["évaluation", "critère", "libellé", "poids", "", ""], "criteria"),
    ],
)
def test_headers_as_exports_write_them(row: list[str], dataset: str) -> None:
    assert recognise.from_headers(row) == dataset


@pytest.mark.parametrize(
    "row",
    [
        [],
        ["poste", "montant"],
        ["identifiant"],  # names a column of five datasets, fits none
        ["identifiant", "nom", "couleur"],  # an unknown header: nothing fits fully
    ],
)
def test_nothing_fits_and_the_person_is_asked(row: list[str]) -> None:
    assert recognise.from_headers(row) is None


def test_candidates_come_best_first() -> None:
    ranked = recognise.fits(["identifiant", "nom", "couleur"])
    assert ranked[0].dataset == "sites"
    assert (ranked[0].matched, ranked[0].unknown, ranked[0].missing) == (2, 1, 0)
    assert not ranked[0].fits


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_a_full_header_row_fits_its_dataset_only(dataset: str) -> None:
    for lang in ("fr", "en"):
        fitting = [f.dataset for f in recognise.fits(headers(dataset, lang)) if f.fits]
        assert fitting == [dataset]


def test_csv_headers_and_records_of_a_french_export() -> None:
    data = 'identifiant;nom;description\r\nolhain;Olhain;"Restaurant; parc"\r\n'.encode("cp1252")
    assert recognise.csv_headers(data) == ["identifiant", "nom", "description"]
    assert recognise.csv_records(data) == [
        ["identifiant", "nom", "description"],
        ["olhain", "Olhain", "Restaurant; parc"],
    ]


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"PK\x03\x04", b"a,b\x00"])
def test_binary_files_have_no_headers(data: bytes) -> None:
    assert recognise.csv_headers(data) == []
    assert recognise.csv_records(data) is None
