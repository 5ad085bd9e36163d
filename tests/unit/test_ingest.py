"""Ingest: every form the data contract accepts, and every refusal it names."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import ingest
from dashboard.contract import DATASETS, get_dataset
from dashboard.ingest import Parsed, Problem

FILE = "mon-fichier.csv"


def read(dataset: str, data: bytes | str, file: str = FILE) -> Parsed:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return ingest.read_bytes(dataset, raw, file)


def accepted(dataset: str, data: bytes | str, file: str = FILE) -> Parsed:
    parsed = read(dataset, data, file)
    assert parsed.problems == [], [p.message("en") for p in parsed.problems]
    return parsed


def minimal(
    dataset: str,
    cells: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    rows: int = 1,
    sep: str = ";",
) -> str:
    """A file with the dataset's required columns (filled from the contract's
    example) plus `cells`; `headers` renames columns as the file writes them;
    with rows=2 the first row is the example alone and the second has `cells`."""
    ds = get_dataset(dataset)
    cells = cells or {}
    headers = headers or {}
    names = [c.name for c in ds.columns if c.required or c.name in cells]
    example = {n: ds.example.get(n, "") for n in names}
    lines = [[headers.get(n, n) for n in names]]
    if rows == 2:
        lines.append([example[n] for n in names])
    lines.append([cells.get(n, example[n]) for n in names])
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\n").writerows(lines)
    return out.getvalue()


def only(parsed: Parsed) -> Problem:
    assert len(parsed.problems) == 1, [p.message("en") for p in parsed.problems]
    return parsed.problems[0]


def assert_messages(p: Problem, *parts: object) -> None:
    """Both languages name the file and each part; they are not the same text."""
    fr, en = p.message("fr"), p.message("en")
    assert fr != en
    for msg in (fr, en):
        assert p.file in msg
        for part in parts:
            assert str(part) in msg, (part, msg)


# --- encodings ------------------------------------------------------------------

CITE = "Cité des Électriciens"


def test_utf8_without_bom() -> None:
    parsed = accepted("sites", f"site_id,name,commune\ncite,{CITE},Bruay-la-Buissière\n")
    assert parsed.encoding == "UTF-8"
    assert parsed.separator == ","
    assert parsed.frame["name"].tolist() == [CITE]
    assert parsed.frame["commune"].tolist() == ["Bruay-la-Buissière"]


def test_utf8_with_bom_is_not_part_of_the_first_header() -> None:
    data = b"\xef\xbb\xbf" + f"site_id,name\ncite,{CITE}\n".encode()
    parsed = accepted("sites", data)
    assert parsed.encoding == "UTF-8 (BOM)"
    assert parsed.mapping == {"site_id": "site_id", "name": "name"}
    assert parsed.frame["site_id"].tolist() == ["cite"]
    assert parsed.frame["name"].tolist() == [CITE]


def test_windows_1252_french_excel_semicolon_crlf() -> None:
    text = f"identifiant;nom;latitude\r\ncite;{CITE};50,4899\r\nlouvre;Louvre-Lens;50,4317\r\n"
    data = text.encode("cp1252")
    assert b"\xc9lectriciens" in data  # É as a single cp1252 byte
    parsed = accepted("sites", data)
    assert parsed.encoding == "Windows-1252"
    assert parsed.separator == ";"
    assert parsed.frame["site_id"].tolist() == ["cite", "louvre"]
    assert parsed.frame["name"].tolist() == [CITE, "Louvre-Lens"]
    assert parsed.frame["lat"].tolist() == [50.4899, 50.4317]
    assert parsed.frame["_row"].tolist() == [2, 3]


@pytest.mark.parametrize(
    ("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")], ids=["le", "be"]
)
def test_utf16_with_bom_excel_unicode_text(bom: bytes, codec: str) -> None:
    text = f"identifiant\tnom\tlatitude\tlongitude\r\ncite\t{CITE}\t50,4899\t2,5545\r\n"
    parsed = accepted("sites", bom + text.encode(codec))
    assert parsed.encoding == "UTF-16"
    assert parsed.separator == "\t"
    assert parsed.frame["name"].tolist() == [CITE]
    assert parsed.frame["lat"].tolist() == [50.4899]
    assert parsed.frame["lon"].tolist() == [2.5545]


# --- separators, line endings, quoting -------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_separator_is_detected(sep: str) -> None:
    # each value holds the two other separators, quoted when needed
    others = "".join(s for s in ",;\t" if s != sep)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(["site_id", "name", "description"])
    writer.writerow(["s1", f"a{others}b", "x"])
    writer.writerow(["s2", "B", f"c{others}d"])
    parsed = accepted("sites", out.getvalue())
    assert parsed.separator == sep
    assert parsed.frame["site_id"].tolist() == ["s1", "s2"]
    assert parsed.frame["name"].tolist() == [f"a{others}b", "B"]
    assert parsed.frame["description"].tolist() == ["x", f"c{others}d"]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_line_endings(eol: str) -> None:
    text = eol.join(["site_id;name;lat", "s1;A;50,5", "s2;B;-1", ""])
    parsed = accepted("sites", text)
    assert parsed.frame["site_id"].tolist() == ["s1", "s2"]
    assert parsed.frame["name"].tolist() == ["A", "B"]  # no stray carriage return
    assert parsed.frame["lat"].tolist() == [50.5, -1.0]
    assert parsed.frame["_row"].tolist() == [2, 3]


def test_quoted_fields_hold_separators_newlines_and_quotes() -> None:
    text = (
        "site_id,name,description\r\n"
        's1,"Lens, centre","ligne 1\r\nligne 2"\r\n'
        's2,"Le ""noir""",\r\n'
        "s3,C,fin\r\n"
    )
    parsed = accepted("sites", text)
    assert parsed.frame["name"].tolist() == ["Lens, centre", 'Le "noir"', "C"]
    assert parsed.frame["description"].tolist() == ["ligne 1\r\nligne 2", None, "fin"]
    # a record over two physical lines is one spreadsheet row
    assert parsed.frame["_row"].tolist() == [2, 3, 4]


def test_row_numbers_after_a_multiline_record_are_the_spreadsheets() -> None:
    text = 'site_id;name;lat\ns1;"Parc\nd\'Olhain\net environs";50\ns2;B;abc\n'
    p = only(read("sites", text))
    assert (p.code, p.row, p.column, p.value) == ("expected_number", 3, "lat", "abc")


# --- dates, numbers, booleans, enums ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-04-15", date(2020, 4, 15)),
        ("15/04/2020", date(2020, 4, 15)),
        ("15/04/2020 00:00", date(2020, 4, 15)),
        ("15/04/2020 00:00:00", date(2020, 4, 15)),
        ("03/04/2020", date(2020, 4, 3)),  # day first, always
        ("3/4/2020", date(2020, 4, 3)),
        ("29/02/2020", date(2020, 2, 29)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    parsed = accepted("tasks", minimal("tasks", {"start": text, "end": "31/12/2020"}))
    assert parsed.frame["start"].tolist() == [expected]
    assert parsed.frame["end"].tolist() == [date(2020, 12, 31)]


@pytest.mark.parametrize(
    ("column", "text", "expected"),
    [
        ("budget_eur", "1234.5", 1234.5),
        ("budget_eur", "1234,5", 1234.5),
        ("budget_eur", "1 234,5", 1234.5),
        ("budget_eur", "1\u00a0234,5", 1234.5),
        ("budget_eur", "1\u202f234,5", 1234.5),
        ("budget_eur", "12 500 €", 12500.0),
        ("budget_eur", "12\u202f500\u00a0€", 12500.0),
        ("budget_eur", "4500,5€", 4500.5),
        ("budget_eur", "0", 0.0),
        ("progress", "40%", 40.0),
        ("progress", "40 %", 40.0),
        ("progress", "12,5\u00a0%", 12.5),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_numbers(column: str, text: str, expected: float) -> None:
    parsed = accepted("tasks", minimal("tasks", {column: text}))
    assert parsed.frame[column].tolist() == [expected]


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("5", 5), ("4,0", 4)])
def test_integers(text: str, expected: int) -> None:
    parsed = accepted("stakeholders", minimal("stakeholders", {"influence": text}))
    assert parsed.frame["influence"].tolist() == [expected]
    assert str(parsed.frame["influence"].dtype) == "Int64"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("TRUE", True),
        ("vrai", True),
        ("Vrai", True),
        ("faux", False),
        ("FAUX", False),
        ("oui", True),
        ("OUI", True),
        ("non", False),
        ("Non", False),
        ("yes", True),
        ("Yes", True),
        ("no", False),
        ("NO", False),
        ("1", True),
        ("0", False),
        ("x", True),
        ("X", True),
        ("", False),
    ],
)
def test_booleans(text: str, expected: bool) -> None:
    parsed = accepted("tasks", minimal("tasks", {"milestone": text, "end": "2020-03-02"}))
    assert parsed.frame["milestone"].tolist() == [expected]


@pytest.mark.parametrize(
    ("dataset", "column", "text", "expected"),
    [
        ("tasks", "status", "Terminé", "done"),
        ("tasks", "status", "termine", "done"),
        ("tasks", "status", "TERMINÉ", "done"),
        ("tasks", "status", "EN COURS", "in_progress"),
        ("tasks", "status", "in_progress", "in_progress"),
        ("tasks", "status", "In Progress", "in_progress"),
        ("tasks", "status", "prévu", "planned"),
        ("tasks", "status", "Bloque", "blocked"),
        ("tasks", "status", "annulé", "cancelled"),
        ("stakeholders", "engagement", "Partenaire", "committed"),
        ("stakeholders", "engagement", "committed", "committed"),
        ("stakeholders", "engagement", "Identifié", "identified"),
        ("stakeholders", "engagement", "contacte", "contacted"),
        ("stakeholders", "engagement", "REFUS", "declined"),
        ("projects", "status", "Présélectionné", "shortlisted"),
        ("projects", "status", "retenu", "selected"),
        ("projects", "status", "ECARTE", "rejected"),
        ("criteria", "method", "Prix le plus bas", "lowest_price"),
        ("criteria", "method", "LOWEST_PRICE", "lowest_price"),
        ("criteria", "method", "note", "rating"),
        ("actions", "kind", "Décision", "decision"),
        ("actions", "kind", "ACTION", "action"),
        ("actions", "status", "Fait", "done"),
        ("actions", "status", "ouvert", "open"),
    ],
)
def test_enum_values(dataset: str, column: str, text: str, expected: str) -> None:
    parsed = accepted(dataset, minimal(dataset, {column: text}))
    assert parsed.frame[column].tolist() == [expected]


# --- headers, empty columns, blank lines, defaults ------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "header", "column", "text", "expected"),
    [
        ("tasks", "start", "start", "15/04/2020", date(2020, 4, 15)),
        ("tasks", "début", "start", "15/04/2020", date(2020, 4, 15)),
        ("tasks", "Début", "start", "15/04/2020", date(2020, 4, 15)),
        ("tasks", "DEBUT", "start", "15/04/2020", date(2020, 4, 15)),
        ("tasks", " Start ", "start", "15/04/2020", date(2020, 4, 15)),
        ("tasks", "début initial", "baseline_start", "01/03/2020", date(2020, 3, 1)),
        ("tasks", "Baseline_Start", "baseline_start", "01/03/2020", date(2020, 3, 1)),
        ("tasks", "baseline start", "baseline_start", "01/03/2020", date(2020, 3, 1)),
        ("tasks", "Fin Initiale", "baseline_end", "01/03/2020", date(2020, 3, 1)),
        ("tasks", "dépend-de", "depends_on", "T00", "T00"),
        ("tasks", "Dépend de", "depends_on", "T00", "T00"),
        ("tasks", "DEPENDS-ON", "depends_on", "T00", "T00"),
        ("tasks", "Intitulé", "name", "Lancement", "Lancement"),
        ("tasks", "task-id", "task_id", "T42", "T42"),
        ("tasks", "Dépensé", "spent_eur", "10", 10.0),
        ("criteria", "Note max", "scale_max", "10", 10.0),
        ("criteria", "NOTE_MAX", "scale_max", "10", 10.0),
        ("criteria", "Méthode", "method", "note", "rating"),
        ("stakeholders", "Téléphone", "phone", "03 21 00 00 00", "03 21 00 00 00"),
        ("stakeholders", "E-mail", "email", "a@b.fr", "a@b.fr"),
        ("stakeholders", "intérêt", "interest", "4", 4),
        ("actions", "Échéance", "due", "04/05/2020", date(2020, 5, 4)),
        ("actions", "tâche", "task_id", "T01", "T01"),
        ("kpis", "Unité", "unit", "plats", "plats"),
    ],
)
def test_headers_canonical_or_french(
    dataset: str, header: str, column: str, text: str, expected: object
) -> None:
    data = minimal(dataset, {column: text}, headers={column: header})
    parsed = accepted(dataset, data)
    assert parsed.mapping[header.strip()] == column
    assert parsed.header_for(column) == header.strip()
    assert parsed.frame[column].tolist() == [expected]


def test_trailing_empty_columns_are_ignored() -> None:
    text = "identifiant;nom;;\r\ns1;A;;\r\ns2;B;;\r\n"
    parsed = accepted("sites", text)
    assert parsed.mapping == {"identifiant": "site_id", "nom": "name"}
    assert parsed.frame["site_id"].tolist() == ["s1", "s2"]
    assert parsed.frame["name"].tolist() == ["A", "B"]


def test_empty_column_between_named_columns_is_ignored() -> None:
    parsed = accepted("sites", "identifiant;;nom\ns1;;A\n")
    assert parsed.frame["name"].tolist() == ["A"]


def test_blank_lines_are_skipped_but_counted() -> None:
    text = "site_id,name\n\ns1,A\n,\n\ns2,B\n\n"
    parsed = accepted("sites", text)
    assert parsed.frame["site_id"].tolist() == ["s1", "s2"]
    assert parsed.frame["_row"].tolist() == [3, 6]


def test_header_only_file_is_an_empty_dataset() -> None:
    parsed = accepted("sites", "identifiant;nom\r\n")
    assert len(parsed.frame) == 0
    assert list(parsed.frame.columns) == [*get_dataset("sites").column_names, "_row"]


@pytest.mark.parametrize(
    ("dataset", "column", "expected"),
    [
        ("tasks", "milestone", False),
        ("tasks", "progress", 0.0),
        ("stakeholders", "country", "FR"),
        ("stakeholders", "engagement", "identified"),
        ("projects", "status", "candidate"),
        ("actions", "status", "open"),
        ("criteria", "scale_max", 5.0),
        ("criteria", "method", "rating"),
    ],
)
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_defaults_of_optional_columns(
    dataset: str, column: str, expected: object, how: str
) -> None:
    cells = {column: ""} if how == "empty" else {}
    data = minimal(dataset, cells)
    assert (column in data.splitlines()[0].split(";")) == (how == "empty")
    parsed = accepted(dataset, data)
    assert parsed.frame[column].tolist() == [expected]


def test_optional_columns_without_default_are_missing() -> None:
    parsed = accepted("tasks", minimal("tasks"))
    row = parsed.frame.iloc[0]
    for column in ("status", "owner", "site_id", "depends_on", "baseline_start", "budget_eur"):
        assert pd.isna(row[column]), column


# --- refusals of cells --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dataset", "column", "text", "code"),
    [
        ("tasks", "start", "31/02/2020", "impossible_date"),
        ("tasks", "start", "2020-02-30", "impossible_date"),
        ("tasks", "start", "demain", "expected_date"),
        ("tasks", "end", "15/04/20", "expected_date"),
        ("tasks", "baseline_end", "04/15/2020", "impossible_date"),
        ("tasks", "budget_eur", "abc", "expected_number"),
        ("tasks", "spent_eur", "1.234,5", "expected_number"),
        ("tasks", "progress", "40 pts", "expected_number"),
        ("stakeholders", "influence", "2,5", "expected_integer"),
        ("tasks", "milestone", "peut-être", "expected_boolean"),
        ("tasks", "status", "fini", "expected_enum"),
        ("stakeholders", "engagement", "enthousiaste", "expected_enum"),
        ("kpis", "date", "2020-13-01", "impossible_date"),
        ("kpis", "value", "douze", "expected_number"),
    ],
)
def test_bad_cell_is_refused_with_row_column_and_value(
    dataset: str, column: str, text: str, code: str
) -> None:
    fr = get_dataset(dataset).column(column).fr
    parsed = read(dataset, minimal(dataset, {column: text}, headers={column: fr}, rows=2))
    p = only(parsed)
    assert (p.file, p.row, p.column, p.value, p.code) == (FILE, 3, fr, text, code)
    assert p.severity == "error" and p.dataset == dataset
    assert not parsed.ok
    assert_messages(p, 3, fr, text)
    assert "ligne 3" in p.message("fr") and "row 3" in p.message("en")


def test_enum_refusal_lists_the_choices_in_both_forms() -> None:
    p = only(read("tasks", minimal("tasks", {"status": "fini"})))
    for value, label in get_dataset("tasks").column("status").choices:
        assert value in p.message("en") and label in p.message("fr")


# --- refusals of the file's shape ------------------------------------------------------------


def test_unknown_column_is_named_and_expected_columns_listed() -> None:
    p = only(read("sites", "identifiant;nom;couleur\ns1;A;noir\n"))
    assert (p.file, p.row, p.column, p.code) == (FILE, 1, "couleur", "unknown_column")
    assert_messages(p, 1, "couleur", "identifiant (site_id)", "nom (name)", "latitude (lat)")
    for column in get_dataset("sites").columns:
        assert f"{column.fr} ({column.name})" in p.message("en")


def test_missing_required_column() -> None:
    p = only(read("sites", "identifiant;commune\ns1;Lens\n"))
    assert (p.file, p.row, p.code) == (FILE, 1, "missing_column")
    assert p.params == {"name": "nom", "canonical": "name"}
    assert_messages(p, 1, "nom", "name")


def test_duplicated_header() -> None:
    text = "identifiant;axe;intitulé;début;fin;start\nT1;A;B;01/03/2020;02/03/2020;01/03/2020\n"
    p = only(read("tasks", text))
    assert (p.file, p.row, p.column, p.code) == (FILE, 1, "start", "duplicate_header")
    assert p.params == {"other": "début"}
    assert_messages(p, 1, "start", "début")


def test_column_with_values_but_no_header() -> None:
    p = only(read("sites", "identifiant;nom;\ns1;A;\ns2;B;perdu\n"))
    assert (p.file, p.row, p.column, p.code) == (FILE, 1, "C", "no_header")
    assert_messages(p, 1, "C")


def test_extra_values_beyond_the_header_on_a_row() -> None:
    parsed = read("sites", "identifiant,nom\ns1,A\ns2,Brasserie, bar\ns3,C,\n")
    p = only(parsed)
    assert (p.file, p.row, p.column, p.value, p.code) == (FILE, 3, "C", "bar", "extra_values")
    assert not parsed.ok
    assert_messages(p, 3, "C", "bar")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "binary_pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary_image"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml", "binary_zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "binary_xls"),
        (b"site_id,name\ns1,A\x00B\n", "not_text"),
        ("site_id,name\n".encode("utf-16-le"), "not_text"),  # UTF-16 needs its BOM
        (b"site_id,name\ns1,\x81\x8d\x8f\x90\n", "not_text"),  # neither UTF-8 nor cp1252
        (b"\xff\xfe\x00\xd8", "not_text"),  # broken UTF-16
        (b"", "empty_file"),
        (b"\xef\xbb\xbf", "empty_file"),
        (b"\r\n\r\n  \n", "empty_file"),
        (b"\xff\xfe", "empty_file"),
    ],
    ids=[
        "pdf",
        "png",
        "jpeg",
        "xlsx",
        "xls",
        "nul",
        "utf16-no-bom",
        "undecodable",
        "bad-utf16",
        "empty",
        "bom-only",
        "blank-lines",
        "utf16-bom-only",
    ],
)
def test_file_that_is_not_a_csv_is_refused(data: bytes, code: str) -> None:
    parsed = read("tasks", data, "planning.pdf")
    p = only(parsed)
    assert (p.file, p.code, p.row, p.column, p.value) == ("planning.pdf", code, None, None, None)
    assert parsed.frame.empty and not parsed.ok
    assert_messages(p)


@pytest.mark.parametrize(
    ("text", "row"),
    [
        ('identifiant;nom\ns1;"Brasserie\ns2;B\n', 2),
        ('identifiant;nom\ns1;A\ns2;"B"rasserie\n', 3),
        ('identifiant;"nom\ns1;A\n', 1),
    ],
    ids=["unclosed", "text-after-closing-quote", "in-header"],
)
def test_unbalanced_quotes_are_refused(text: str, row: int) -> None:
    parsed = read("sites", text)
    p = only(parsed)
    assert (p.file, p.code, p.row) == (FILE, "bad_quoting", row)
    assert parsed.frame.empty
    assert_messages(p, row)


def test_quote_inside_an_unquoted_cell_is_kept() -> None:
    parsed = accepted("sites", 'identifiant;nom\ns1;Écran 5" noir\n')
    assert parsed.frame["name"].tolist() == ['Écran 5" noir']


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(alphabet='ab;,\t"\r\n é€\x00', max_size=80).map(lambda s: s.encode("utf-8")),
        st.text(alphabet='ab;,"\r\n 1/-.', max_size=60).map(
            lambda s: ("identifiant;nom;latitude\n" + s).encode("cp1252")
        ),
    )
)
def test_any_bytes_give_a_parse_or_a_clean_refusal(data: bytes) -> None:
    parsed = ingest.read_bytes("sites", data, FILE)
    assert parsed.ok or parsed.errors
    for p in parsed.problems:
        assert p.file == FILE
        assert p.message("fr") != p.message("en")
    if parsed.ok:
        assert list(parsed.frame.columns) == [*get_dataset("sites").column_names, "_row"]


# --- canonical output --------------------------------------------------------------------

FRENCH_EXCEL = (
    "Identifiant;Axe;Intitulé;Début;Fin;Jalon;Avancement;Statut;Responsable;Site;"
    "Dépend de;Début initial;Fin initiale;Budget;Dépensé;;\r\n"
    "T1;Cité des Électriciens;Diagnostic; 02/03/2020 ;31/03/2020;non;40 %;En cours;"
    "Agence;cite;;02/03/2020;27/03/2020;12 000 €;4 500,5 €;;\r\n"
    'T2;Pilotage;"Choix, validation";15/04/2020 00:00;15/04/2020;OUI;100;Terminé;;;'
    "T1;;;;;;\r\n"
    "T3;Pilotage;Ouverture;01/06/2020;30/06/2020;;0;;;;T1 T2;;;1\u00a0234,5;;;\r\n"
)

CANONICAL = (
    "task_id,workstream,name,start,end,milestone,progress,status,owner,site_id,"
    "depends_on,baseline_start,baseline_end,budget_eur,spent_eur,name_en,workstream_en\n"
    "T1,Cité des Électriciens,Diagnostic,2020-03-02,2020-03-31,false,40,in_progress,"
    "Agence,cite,,2020-03-02,2020-03-27,12000,4500.5,,\n"
    'T2,Pilotage,"Choix, validation",2020-04-15,2020-04-15,true,100,done,,,T1,,,,,,\n'
    "T3,Pilotage,Ouverture,2020-06-01,2020-06-30,false,0,,,,T1 T2,,,1234.5,,,\n"
)


def test_to_canonical_round_trip() -> None:
    first = accepted("tasks", FRENCH_EXCEL.encode("cp1252"), "planning.csv")
    assert first.encoding == "Windows-1252" and first.separator == ";"
    canonical = ingest.to_canonical("tasks", first.frame)
    assert canonical.decode("utf-8") == CANONICAL
    second = accepted("tasks", canonical, "tasks.csv")
    assert second.encoding == "UTF-8" and second.separator == ","
    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert ingest.to_canonical("tasks", second.frame) == canonical


def test_to_canonical_of_an_empty_frame_is_the_header() -> None:
    data = ingest.to_canonical("sites", ingest.empty_frame("sites"))
    assert data == b"site_id,name,commune,kind,lat,lon,description,name_en,description_en\n"


# --- header names ----------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_no_header_collision(dataset: str) -> None:
    ds = DATASETS[dataset]
    index = ingest.header_index(ds)
    for column in ds.columns:
        assert index[ingest.fold(column.name)] == column.name
        assert index[ingest.fold(column.fr)] == column.name
    # every key of the index is one column's own canonical name or French header
    assert set(index.values()) == set(ds.column_names)
    assert len(index) == len({ingest.fold(n) for c in ds.columns for n in (c.name, c.fr)})


# --- bounds, mixed encodings, double decoding, problems counted ------------------------


def test_a_file_past_the_row_bound_is_refused_before_typing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest, "MAX_ROWS", 10)
    text = "site_id;name\n" + "".join(f"s{i};Site {i}\n" for i in range(11))
    p = only(read("sites", text))
    assert (p.code, p.row, p.params["limit"]) == ("too_many_rows", None, "10")
    assert "découpez" in p.message("fr") and "split" in p.message("en")
    accepted("sites", "site_id;name\n" + "".join(f"s{i};Site {i}\n" for i in range(10)))


def test_a_file_of_16384_columns_is_refused_at_its_header() -> None:
    header = ",".join(f"c{i}" for i in range(16_384))
    p = only(read("sites", header + "\n" + "x," * 16_383 + "x\n"))
    assert (p.code, p.row) == ("too_many_columns", 1)
    assert "CSV" in p.message("fr") and "CSV" in p.message("en")


def test_a_row_wider_than_the_bound_is_refused_at_its_row() -> None:
    p = only(read("sites", "site_id,name\ns1,A\ns2,B" + ",x" * 200 + "\n"))
    assert (p.code, p.row) == ("too_many_columns", 3)


@pytest.mark.parametrize("length", [40_000, 200_000], ids=["over-excel", "over-csv-module"])
def test_a_cell_over_the_length_bound_is_too_long_not_bad_quoting(length: int) -> None:
    text = f'site_id;name;description\ns1;A;ok\ns2;B;"{"x" * length}"\n'
    p = only(read("sites", text))
    assert (p.code, p.row) == ("cell_too_long", 3)
    assert "32 767" in p.message("fr") and "32 767" in p.message("en")


def test_utf8_with_a_few_windows_1252_bytes_names_the_rows_holding_them() -> None:
    data = (
        b"site_id;name\n"
        + "cite;Cité des Électriciens\n".encode()
        + b"lievin;Li\xe9vin\n"
        + "lens;Lens é\n".encode()
    )
    parsed = read("sites", data)
    assert parsed.encoding == "UTF-8"
    assert [(p.code, p.row, p.column) for p in parsed.problems] == [("bad_bytes", 3, "name")]
    assert parsed.problems[0].value == "Li\ufffdvin"
    # a file in Windows-1252 throughout is still read as such
    accepted("sites", "site_id;name\ncite;Cité des Électriciens\n".encode("cp1252"))


def test_windows_1252_whose_cells_hold_byte_pairs_valid_as_utf8_is_read_as_such() -> None:
    # "ÂŒ" in Windows-1252 is the UTF-8 of U+008C; the header's "è" and "é" are not UTF-8
    data = "identifiant;nom;commune\ns1;ÂŒ;ÂŒ\ns2;Liévin;ÂŒ\n".encode("cp1252")
    parsed = read("sites", data)
    assert parsed.encoding == "Windows-1252" and parsed.problems == []
    assert parsed.frame["name"].tolist() == ["ÂŒ", "Liévin"]
    # French typography: "é", a no-break space and "»" are a UTF-8 sequence (U+983B)
    quoted = "identifiant;nom\ns1;Café\u00a0»\ns2;Thé\u00a0»\ns3;Liévin\n"
    parsed = read("sites", quoted.encode("cp1252"))
    assert parsed.encoding == "Windows-1252" and parsed.problems == []
    assert parsed.frame["name"].tolist() == ["Café\u00a0»", "Thé\u00a0»", "Liévin"]
    scores = "projet;critère;juré;note\nP01;ÂŒ;ÂŒ;3\n".encode("cp1252")
    parsed = read("scores", scores)
    assert parsed.encoding == "Windows-1252" and parsed.problems == []
    assert parsed.frame["juror"].tolist() == ["ÂŒ"]


def test_text_decoded_twice_is_a_warning_offering_the_repair() -> None:
    parsed = read("sites", "site_id;name\ncite;CitÃ© des Ã‰lectriciens\nlens;Lens\n")
    assert parsed.ok
    p = only(parsed)
    assert (p.code, p.severity, p.row, p.column) == ("mojibake", "warning", 2, "name")
    assert p.params["fixed"] == "Cité des Électriciens"
    assert "Cité des Électriciens" in p.message("fr") and "Cité des Électriciens" in p.message("en")
    # accents typed right are not suspected
    accepted("sites", "site_id;name\ncite;Cité des Électriciens\n")


def test_many_problems_of_one_kind_are_kept_up_to_the_bound_and_counted() -> None:
    text = "site_id;name;latitude\n" + "".join(f"s{i};S;nord\n" for i in range(250))
    parsed = read("sites", text)
    assert len(parsed.problems) == 200
    assert parsed.omitted == {("expected_number", "latitude"): 50}
    with ingest.keeping_all():
        assert len(read("sites", text).problems) == 250


def test_a_refused_cell_keeps_its_value_as_typed() -> None:
    text = minimal("tasks", {"progress": "1 234,50 %", "start": "13/06/2020", "end": "x"})
    p = only(read("tasks", text))
    assert (p.code, p.value) == ("expected_date", "x")


def test_parse_cell_types_through_the_same_rules() -> None:
    tasks = get_dataset("tasks")
    assert ingest.parse_cell(" 12\u202f500,5 € ", tasks.column("budget_eur")) == 12500.5
    assert ingest.parse_cell("Terminé", tasks.column("status")) == "done"
    assert ingest.parse_cell("", tasks.column("milestone")) is False
    with pytest.raises(ingest.CellError) as exc:
        ingest.parse_cell("31/02/2020", tasks.column("start"))
    assert exc.value.code == "impossible_date"


# --- typing a chunk at a time ---------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True], ids=["split-by-arrow", "split-by-csv"])
def test_rows_typed_across_chunks_keep_their_rows_values_and_problems(
    monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    monkeypatch.setattr(ingest, "_TYPING_CHUNK", 3)
    monkeypatch.setattr(ingest, "_CHUNK", 3)
    monkeypatch.setattr(ingest, "_CHUNK_BYTES", 40)
    q = '"' if quoted else ""
    lines = ["identifiant;nom;latitude;longitude"]
    for i in range(10):
        lat = "nord" if i in (1, 7) else f"50,{i}"
        lines.append(f"s{i};{q}Site {i}{q};{lat};2,5" if i != 4 else ";;;")
    lines.append("s10;Site 10;51;2;en trop")
    parsed = read("sites", "\r\n".join(lines) + "\r\n")
    # a blank row (spreadsheet row 6) is left out, rows keep their spreadsheet numbers
    assert parsed.frame["_row"].tolist() == [2, 3, 4, 5, 7, 8, 9, 10, 11, 12]
    assert parsed.table is not None
    assert parsed.table.column("lat").to_pylist()[:3] == [50.0, None, 50.2]
    assert parsed.frame["name"].tolist()[-1] == "Site 10"
    assert [(p.code, p.row, p.column, p.value) for p in parsed.problems] == [
        ("expected_number", 3, "latitude", "nord"),
        ("expected_number", 9, "latitude", "nord"),
        ("extra_values", 12, "E", "en trop"),
    ]


def test_a_long_file_with_refused_cells_is_answered_with_its_problems_not_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ingest, "_TYPING_CHUNK", 4)
    monkeypatch.setattr(ingest, "_CHUNK_BYTES", 40)
    monkeypatch.setattr(ingest, "KEEP_REFUSED_ROWS", 10)
    bad = "site_id;name;latitude\n" + "".join(f"s{i};S;nord\n" for i in range(25))
    parsed = read("sites", bad)
    assert parsed.table is None and parsed.rows == 25 and parsed.omitted == {}
    assert [(p.code, p.row) for p in parsed.problems] == [
        ("expected_number", row) for row in range(2, 27)
    ]
    # a short one keeps its typed rows (they are checked against the other files too)
    short = read("sites", "site_id;name;latitude\n" + "".join(f"s{i};S;nord\n" for i in range(10)))
    assert short.table is not None and short.rows == 10 and len(short.problems) == 10
    # and a long file without problems keeps every row
    good = accepted("sites", "site_id;name\n" + "".join(f"s{i};S\n" for i in range(25)))
    assert good.rows == 25 and good.frame["site_id"].tolist()[-1] == "s24"


def test_the_command_line_loads_without_pandas_or_openpyxl() -> None:
    import subprocess
    import sys

    code = (
        "import sys, dashboard.__main__; "
        "print(sorted(m for m in ('pandas', 'openpyxl', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
