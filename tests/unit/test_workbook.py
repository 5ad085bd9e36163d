"""Workbooks read as their CSV exports would be; datasets recognised by sheet name or headers."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from dashboard import ingest
from dashboard.ingest import recognise, workbook
from dashboard.ingest.workbook import cell_text, parse_sheet, read_workbook

FILE = "planning.xlsx"


def xlsx(sheets: dict[str, list[list[object]]], formats: dict[str, str] | None = None) -> bytes:
    """A workbook with the given sheets; `formats` maps "Sheet!B2" to a number format."""
    book = Workbook()
    first = True
    for name, rows in sheets.items():
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(row)
    for ref, number_format in (formats or {}).items():
        sheet, cell = ref.split("!")
        book[sheet][cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TASK_HEADERS = ["identifiant", "axe", "intitulé", "début", "fin", "avancement", "jalon", "statut"]


def task_rows() -> list[list[object]]:
    return [
        TASK_HEADERS,
        [
            "T01",
            "Parcours noir",
            "Prototypage",
            date(2020, 3, 2),
            date(2020, 3, 31),
            40,
            False,
            "en cours",
        ],
        [
            "T02",
            "Pilotage",
            "Comité",
            datetime(2020, 4, 15),
            datetime(2020, 4, 15),
            0,
            True,
            "prévu",
        ],
    ]


# --- cells as a CSV export shows them ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, None, ""),
        ("Cité des Électriciens", "General", "Cité des Électriciens"),
        (True, "General", "true"),
        (False, "General", "false"),
        (date(2020, 4, 15), "DD/MM/YYYY", "2020-04-15"),
        (datetime(2020, 4, 15), "DD/MM/YYYY", "2020-04-15"),
        (datetime(2020, 4, 15, 10, 30), "DD/MM/YYYY HH:MM", "2020-04-15 10:30"),
        (time(9, 5), "HH:MM", "09:05"),
        (12000, "General", "12000"),
        (12000.0, "General", "12000"),
        (4500.5, "General", "4500.5"),
        (0.1 + 0.2, "General", "0.3"),
        (50.4297, "0.0000", "50.4297"),
        (-3.7038, "General", "-3.7038"),
        (0.4, "0%", "40%"),
        (0.125, "0.0%", "12.5%"),
        (1e20, "General", "1e+20"),
    ],
)
def test_cell_text(value: object, number_format: str | None, text: str) -> None:
    assert cell_text(value, number_format) == text


def test_cell_texts_are_read_back_by_ingest_as_the_values() -> None:
    from dashboard.contract import get_dataset

    tasks = get_dataset("tasks")
    assert ingest.parse_cell(
        cell_text(datetime(2020, 4, 15, 10, 30)), tasks.column("start")
    ) == date(2020, 4, 15)
    assert ingest.parse_cell(cell_text(0.4, "0%"), tasks.column("progress")) == 40.0
    assert ingest.parse_cell(cell_text(True), tasks.column("milestone")) is True


# --- whole workbooks --------------------------------------------------------------------


def test_one_sheet_named_after_the_dataset_reads_like_its_csv() -> None:
    book = read_workbook(xlsx({"Tâches": task_rows()}), FILE)
    assert book.problems == []
    [sheet] = book.sheets
    assert (sheet.name, sheet.dataset, sheet.how, sheet.rows) == ("Tâches", "tasks", "name", 2)
    parsed = parse_sheet(FILE, sheet, "tasks")
    assert parsed.problems == [], [p.message("en") for p in parsed.problems]
    assert parsed.file == "planning.xlsx › Tâches"
    frame = parsed.frame
    assert list(frame["task_id"]) == ["T01", "T02"]
    assert list(frame["start"]) == [date(2020, 3, 2), date(2020, 4, 15)]
    assert list(frame["progress"]) == [40.0, 0.0]
    assert list(frame["milestone"]) == [False, True]
    assert list(frame["status"]) == ["in_progress", "planned"]
    assert list(frame["_row"]) == [2, 3]


@pytest.mark.parametrize(
    ("sheet", "dataset"),
    [
        ("tasks", "tasks"),
        ("Tâches (planning)", "tasks"),
        ("TACHES", "tasks"),
        ("Tasks (schedule)", "tasks"),
        ("Décisions et actions", "actions"),
        ("decisions-et-actions", "actions"),
        ("Acteurs", "stakeholders"),
        ("Stakeholders", "stakeholders"),
        ("Projets évalués", "projects"),
        ("Critères", "criteria"),
        ("Notes", "scores"),
        ("Indicateurs", "kpis"),
        ("Sites", "sites"),
        ("Feuil1", None),
        ("Budget 2020", None),
    ],
)
def test_sheet_names(sheet: str, dataset: str | None) -> None:
    assert recognise.from_sheet_name(sheet) == dataset


def test_a_sheet_with_another_name_is_recognised_by_its_headers() -> None:
    actions = [
        ["identifiant", "comité", "type", "libellé", "tâche"],
        ["A40", "15/04/2020", "action", "Relancer les boulangers", "T01"],
    ]
    book = read_workbook(xlsx({"Feuil1": actions, "Feuil2": task_rows()}), FILE)
    assert [(s.name, s.dataset, s.how) for s in book.sheets] == [
        ("Feuil1", "actions", "headers"),
        ("Feuil2", "tasks", "headers"),
    ]


def test_a_sheet_that_fits_no_dataset_is_left_to_the_person() -> None:
    book = read_workbook(xlsx({"Budget": [["poste", "montant"], ["traiteur", 1200]]}), FILE)
    [sheet] = book.sheets
    assert sheet.dataset is None and sheet.how is None
    # read for a dataset anyway, ingest names what is wrong, with the sheet's rows
    parsed = parse_sheet(FILE, sheet, "sites")
    codes = {p.code for p in parsed.errors}
    assert {"unknown_column", "missing_column"} <= codes
    assert all(p.file == "planning.xlsx › Budget" for p in parsed.problems)


def test_problems_carry_the_sheets_row_numbers_and_headers() -> None:
    rows = task_rows()
    rows.append([])  # a blank row is skipped but counted, as in the spreadsheet
    rows.append(
        [
            "T03",
            "Pilotage",
            "Bilan",
            "31/02/2020",
            date(2020, 7, 1),
            "beaucoup",
            "peut-être",
            "fini",
        ]
    )
    book = read_workbook(xlsx({"Tâches": rows}), FILE)
    parsed = parse_sheet(FILE, book.sheets[0], "tasks")
    found = {(p.row, p.column, p.value, p.code) for p in parsed.errors}
    assert found == {
        (5, "début", "31/02/2020", "impossible_date"),
        (5, "avancement", "beaucoup", "expected_number"),
        (5, "jalon", "peut-être", "expected_boolean"),
        (5, "statut", "fini", "expected_enum"),
    }
    message = next(p for p in parsed.errors if p.code == "impossible_date").message("fr")
    assert message.startswith("planning.xlsx › Tâches, ligne 5, colonne « début »")


def test_empty_sheets_and_the_templates_read_me_are_skipped() -> None:
    data = xlsx(
        {
            "Tâches": task_rows(),
            "Feuil2": [],
            "À lire": [["En-tête", "Type"], ["identifiant", "texte"]],
        }
    )
    book = read_workbook(data, FILE)
    assert [s.name for s in book.sheets] == ["Tâches"]
    assert set(book.skipped) == {"Feuil2", "À lire"}


def test_trailing_empty_rows_and_columns_are_trimmed() -> None:
    data = xlsx(
        {"Sites": [["identifiant", "nom", None], ["olhain", "Olhain", None], [None, None, None]]}
    )
    [sheet] = read_workbook(data, FILE).sheets
    assert sheet.records == [["identifiant", "nom"], ["olhain", "Olhain"]]


def test_formulas_are_read_as_their_cached_values_and_text_stays_text() -> None:
    # openpyxl keeps no cached value for a formula it wrote: the cell reads empty, as a
    # spreadsheet never opened would export it; a text that looks like a formula stays text
    data = xlsx({"Sites": [["identifiant", "nom", "description"], ["s1", "=1+1", "'=HYPERLINK()"]]})
    [sheet] = read_workbook(data, FILE).sheets
    assert sheet.records[1][0] == "s1"
    assert sheet.records[1][1] == ""
    assert sheet.records[1][2] == "'=HYPERLINK()"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"PK\x03\x04 not really a zip", "bad_workbook"),
        (b"", "bad_workbook"),
    ],
)
def test_a_zip_that_is_not_a_workbook_is_refused_plainly(data: bytes, code: str) -> None:
    book = read_workbook(data, FILE)
    assert [p.code for p in book.problems] == [code]
    assert book.sheets == []
    for lang in ("fr", "en"):
        assert ".xlsx" in book.problems[0].message(lang)


def test_a_word_document_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    book = read_workbook(out.getvalue(), "lettre.docx")
    assert [p.code for p in book.problems] == ["bad_workbook"]


def test_a_workbook_that_unpacks_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    book = read_workbook(xlsx({"Tâches": task_rows()}), FILE)
    assert [p.code for p in book.problems] == ["workbook_too_large"]


def test_a_workbook_without_data_is_said_to_be_empty() -> None:
    book = read_workbook(xlsx({"Feuil1": []}), FILE)
    assert [p.code for p in book.problems] == ["empty_workbook"]


# --- hostile workbooks and formulas never calculated ---------------------------------


def test_openpyxl_parses_workbooks_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_an_entity_bomb_is_refused_before_any_parsing() -> None:
    from bench import ingest as hostile

    book = read_workbook(hostile.xlsx_entities(), FILE)
    assert [p.code for p in book.problems] == ["unsafe_workbook"]
    assert book.sheets == []
    assert "CSV" in book.problems[0].message("fr")


def test_a_workbook_of_too_many_sheets_is_refused_at_once() -> None:
    from bench import ingest as hostile

    book = read_workbook(hostile.xlsx_many_sheets(1000), FILE)
    assert [(p.code, p.params["limit"]) for p in book.problems] == [("too_many_sheets", "50")]


def test_a_sheet_of_16384_columns_is_refused() -> None:
    from bench import ingest as hostile

    book = read_workbook(hostile.xlsx_wide(16_384), FILE)
    assert [p.code for p in book.problems] == ["too_many_columns"]
    assert book.sheets == []


def test_a_workbook_unpacking_past_the_bound_is_refused() -> None:
    from bench import ingest as hostile

    data = hostile.xlsx_big(12)
    assert len(data) < 1024 * 1024
    assert [p.code for p in read_workbook(data, FILE).problems] == ["workbook_too_large"]


def test_a_formula_never_calculated_is_a_warning_naming_its_cell() -> None:
    # openpyxl writes formulas without their values, as programs that do not
    # calculate do: Excel would show the result, a reader sees an empty cell
    rows = task_rows()
    rows[2][5] = "=10*4"
    book = read_workbook(xlsx({"Tâches": rows}), FILE)
    [sheet] = book.sheets
    parsed = parse_sheet(FILE, sheet, "tasks")
    assert parsed.ok
    (p,) = parsed.warnings
    assert (p.code, p.row, p.column, p.value) == (
        "formula_not_calculated",
        3,
        "avancement",
        "=10*4",
    )
    assert "Excel" in p.message("fr") and "Excel" in p.message("en")
