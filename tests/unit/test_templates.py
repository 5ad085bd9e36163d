"""Templates: French or English headers, an example row that ingest accepts, columns described."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dashboard import ingest
from dashboard.contract import DATASETS, get_dataset
from dashboard.i18n import LANGS
from dashboard.ingest import templates, workbook


def example_frame(dataset: str):  # type: ignore[no-untyped-def]
    """The contract's example row, read as a canonical file."""
    spec = get_dataset(dataset)
    line = ",".join(f'"{spec.example.get(c, "")}"' for c in spec.column_names)
    data = (",".join(spec.column_names) + "\n" + line + "\n").encode()
    parsed = ingest.read_bytes(dataset, data, "example.csv")
    assert parsed.ok, [p.message("en") for p in parsed.problems]
    return parsed.frame.drop(columns=["_row"])


def test_french_tasks_template_is_what_french_excel_writes() -> None:
    text = templates.template_csv("tasks", "fr").decode("utf-8")
    assert text.startswith("\ufeff")
    head, example, end = text.lstrip("\ufeff").split("\r\n")
    assert end == ""
    assert head.split(";") == [
        "identifiant", "axe", "intitulé", "début", "fin", "jalon", "avancement", "statut",
        "responsable", "site", "dépend de", "début initial", "fin initiale", "budget", "dépensé",
        "intitulé (anglais)", "axe (anglais)",
    ]  # fmt: skip
    cells = dict(zip(head.split(";"), example.split(";"), strict=True))
    assert cells["début"] == "02/03/2020"
    assert cells["jalon"] == "non"
    assert cells["statut"] == "en cours"
    assert cells["dépensé"] == "4500,5"
    assert cells["budget"] == "12000"
    assert cells["site"] == ""


def test_english_template_uses_canonical_headers_and_forms() -> None:
    text = templates.template_csv("actions", "en").decode("utf-8-sig")
    head, example, _ = text.split("\r\n")
    assert head == "action_id,meeting_date,kind,text,owner,due,status,task_id,project_id,text_en"
    assert example.startswith("A01,2020-04-15,action,Relancer les boulangers du Douaisis,")


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("lang", LANGS)
def test_csv_template_reads_back_as_the_example(dataset: str, lang: str) -> None:
    parsed = ingest.read_bytes(dataset, templates.template_csv(dataset, lang), "modele.csv")
    assert parsed.problems == [], [p.message("en") for p in parsed.problems]
    assert parsed.encoding == "UTF-8 (BOM)"
    assert parsed.separator == (";" if lang == "fr" else ",")
    frame = parsed.frame.drop(columns=["_row"])
    assert frame.astype(str).equals(example_frame(dataset).astype(str))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("lang", LANGS)
def test_xlsx_template_reads_back_as_the_example(dataset: str, lang: str) -> None:
    book = workbook.read_workbook(templates.template_xlsx(dataset, lang), "modele.xlsx")
    assert book.problems == []
    # the description sheet is skipped, the data sheet recognised by its name
    assert book.skipped == [templates.readme_sheet(lang)]
    [sheet] = book.sheets
    assert (sheet.dataset, sheet.how) == (dataset, "name")
    parsed = workbook.parse_sheet("modele.xlsx", sheet, dataset)
    assert parsed.problems == [], [p.message("en") for p in parsed.problems]
    frame = parsed.frame.drop(columns=["_row"])
    assert frame.astype(str).equals(example_frame(dataset).astype(str))


def test_xlsx_template_has_typed_cells_drop_down_lists_and_a_read_me() -> None:
    book = load_workbook(io.BytesIO(templates.template_xlsx("tasks", "fr")))
    assert book.sheetnames == ["Tâches (planning)", "À lire"]
    data = book["Tâches (planning)"]
    assert [c.value for c in data[1]][:5] == ["identifiant", "axe", "intitulé", "début", "fin"]
    start = data["D2"]
    assert start.is_date and start.value.date().isoformat() == "2020-03-02"
    assert start.number_format == "DD/MM/YYYY"
    assert data["G2"].value == 40 and data["O2"].value == 4500.5
    assert data["F2"].value is False
    lists = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert lists["H2:H1000"] == '"prévu,en cours,terminé,bloqué,annulé"'
    assert lists["F2:F1000"] == '"oui,non"'
    about = book["À lire"]
    assert [c.value for c in about[1]][:4] == [
        "En-tête du fichier",
        "Autre en-tête accepté",
        "Type",
        "Obligatoire",
    ]
    assert about.max_row == 1 + len(get_dataset("tasks").columns)


def test_description_in_french() -> None:
    table = templates.describe("tasks", "fr").set_index("En-tête du fichier")
    assert list(table.columns) == [
        "Autre en-tête accepté", "Type", "Obligatoire", "Par défaut", "Valeurs permises",
        "Format", "Exemple", "Remarques",
    ]  # fmt: skip
    start = table.loc["début"]
    assert (start["Autre en-tête accepté"], start["Type"], start["Obligatoire"]) == (
        "start",
        "date",
        "oui",
    )
    assert "JJ/MM/AAAA" in start["Format"]
    assert start["Exemple"] == "02/03/2020"
    status = table.loc["statut"]
    assert status["Valeurs permises"].startswith("prévu (planned), en cours (in_progress)")
    assert status["Obligatoire"] == "non"
    assert table.loc["jalon", "Par défaut"] == "non"
    assert table.loc["avancement", "Par défaut"] == "0"
    assert table.loc["identifiant", "Remarques"] == "Doit être unique."


def test_description_in_english() -> None:
    table = templates.describe("stakeholders", "en").set_index("Header in the file")
    assert table.loc["engagement", "Default"] == "identified"
    assert table.loc["engagement", "Allowed values"].startswith("identified (identifié)")
    assert table.loc["email", "Notes"].startswith("Personal data")
    assert table.loc["influence", "Type"] == "whole number"
    scores = templates.describe("scores", "en").set_index("Header in the file")
    assert scores.loc["juror", "Notes"] == (
        "The combination project_id, criterion_id, juror must be unique."
    )


def test_description_csv_is_the_table() -> None:
    text = templates.describe_csv("kpis", "fr").decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith("En-tête du fichier;Autre en-tête accepté;Type;")
    assert lines[1].startswith("site;site_id;texte;non;")
    assert len([line for line in lines if line]) == 1 + len(get_dataset("kpis").columns)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("lang", LANGS)
def test_sheet_names_are_valid_and_recognised(dataset: str, lang: str) -> None:
    name = templates.sheet_name(dataset, lang)
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    from dashboard.ingest import recognise

    assert recognise.from_sheet_name(name) == dataset


@pytest.mark.parametrize("lang", LANGS)
def test_the_read_me_sheet_is_one_the_reader_skips(lang: str) -> None:
    assert ingest.fold(templates.readme_sheet(lang)) in workbook.README_SHEETS
