"""Property-based tests of ingest: whatever a spreadsheet (or anything else) sends,
the answer is a typed table or refusals a person can act on, never a traceback.

- random bytes, and valid files with random damage;
- random tables in every encoding, separator, line ending, quoting and header
  style the contract accepts, with random cells in every column type: valid
  cells give exactly the expected typed values, one bad cell gives a refusal
  naming its spreadsheet row and its column as the file writes it;
- the same through the whole upload judgement (ingest, then the SQL checks);
- canonical -> French Excel export (Windows-1252, `;`, CRLF, dd/mm/yyyy, decimal
  commas, French headers and labels, oui/non) -> ingest gives the same table.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bench import generate as gen
from dashboard import ingest
from dashboard.contract import DATASET_ORDER, Column, Dataset, get_dataset
from dashboard.ingest import Parsed, uploads
from dashboard.store import Store

FILE = "export.csv"
# Refusals about the file as a whole: there is no row or column to name.
FILE_LEVEL = {
    "binary_pdf",
    "binary_image",
    "binary_zip",
    "binary_xls",
    "not_text",
    "empty_file",
    "bad_quoting",
}
# Examples per property: enough for every run of the suite to try new tables; a
# deeper search is one variable away (DASHBOARD_FUZZ_EXAMPLES=2000
# scripts/test tests/unit/test_fuzz_ingest.py).
FUZZ = settings(
    deadline=None,
    max_examples=int(os.environ.get("DASHBOARD_FUZZ_EXAMPLES", "60")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
INVALID = object()  # marks a cell built to be refused


# --- what every outcome must look like ------------------------------------------------


def assert_clean(parsed: Parsed, dataset: str) -> None:
    """A typed table, or refusals that each say where (and render in both languages)."""
    assert parsed.ok or parsed.errors
    for p in parsed.problems:
        assert p.file == FILE
        fr, en = p.message("fr"), p.message("en")
        assert fr != en and "problem." not in fr + en, (p, fr, en)
        if p.code in FILE_LEVEL:
            continue
        assert p.row is not None, p
        if p.code == "missing_column":
            assert p.row == 1 and p.params["canonical"] in get_dataset(dataset).column_names
        else:
            assert p.column, p
    if parsed.ok:
        assert_typed(parsed.frame, get_dataset(dataset))


def assert_typed(frame: pd.DataFrame, dataset: Dataset) -> None:
    assert list(frame.columns) == [*dataset.column_names, "_row"]
    rows = frame["_row"].tolist()
    assert rows == sorted(set(rows)) and all(r >= 2 for r in rows)
    for col in dataset.columns:
        values = [None if v is pd.NA or v is None else v for v in frame[col.name].tolist()]
        if col.default is not None:
            assert None not in values, col.name
        for v in values:
            if v is None:
                continue
            if col.type in ("text", "enum"):
                assert isinstance(v, str) and v == v.strip() and v
                if col.type == "enum":
                    assert v in col.values
            elif col.type == "date":
                assert isinstance(v, date)
            elif col.type == "boolean":
                assert isinstance(v, bool)
            elif col.type == "number":
                assert isinstance(v, float) and v == v and abs(v) != float("inf")
            else:
                assert isinstance(v, int) and ingest.INT_MIN <= v <= ingest.INT_MAX


def unexpected(parsed: Parsed) -> list[str]:
    """Problems of a valid file. Random text may look like text decoded twice
    ("Ã©"): that warning is an offer to repair, never a refusal, so it is allowed."""
    return [p.message("en") for p in parsed.problems if p.code != "mojibake"]


def canonical_rows(frame: pd.DataFrame, dataset: Dataset) -> list[list[str]]:
    return [
        [ingest.format_cell(rec[c.name], c) for c in dataset.columns]
        for rec in frame.to_dict("records")
    ]


# --- random bytes ---------------------------------------------------------------------

PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF", b"PK\x03\x04", b"\x89PNG"]


@FUZZ
@given(
    dataset=st.sampled_from(DATASET_ORDER),
    prefix=st.sampled_from(PREFIXES),
    data=st.binary(max_size=600),
)
def test_random_bytes(dataset: str, prefix: bytes, data: bytes) -> None:
    assert_clean(ingest.read_bytes(dataset, prefix + data, FILE), dataset)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    gen.generate(folder, 1)
    return folder


def head(folder: Path, dataset: str, lines: int = 12) -> bytes:
    return b"".join((folder / f"{dataset}.csv").read_bytes().splitlines(keepends=True)[:lines])


@FUZZ
@given(
    dataset=st.sampled_from(DATASET_ORDER),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1, exclude_max=True),
            st.sampled_from(["insert", "replace", "delete"]),
            st.binary(min_size=1, max_size=4)
            | st.sampled_from([b'"', b";", b",", b"\t", b"\r", b"\n", b"\x00", b"\xe9", b"\xff"]),
        ),
        min_size=1,
        max_size=8,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_valid_files_with_random_damage(
    generated: Path, dataset: str, edits: list[tuple[float, str, bytes]], encoding: str
) -> None:
    text = head(generated, dataset).decode("utf-8")
    data = bytearray(text.encode(encoding, errors="replace"))
    for where, how, chunk in edits:
        i = int(where * len(data))
        if how == "insert":
            data[i:i] = chunk
        elif how == "replace":
            data[i : i + len(chunk)] = chunk
        else:
            del data[i : i + len(chunk)]
    assert_clean(ingest.read_bytes(dataset, bytes(data), FILE), dataset)


# --- random tables, cell by cell --------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    # the canonical value expected (None: empty), or INVALID
    expected: Any


def _fold_accents(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


@st.composite
def text_cells(draw: st.DrawFn, chars: st.SearchStrategy[str]) -> Cell:
    text = draw(st.text(chars, max_size=20))
    pad = draw(st.sampled_from(["", " ", "  ", "\t"]))
    stripped = re.sub(r"\r(?!\n)", "\n", text.strip())  # a lone CR is a line break
    return Cell(pad + text + pad, stripped or None)


@st.composite
def date_cells(draw: st.DrawFn) -> Cell:
    day = draw(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
    form = draw(st.sampled_from(["iso", "dmy", "dmy-short", "dmy-time", "iso-time"]))
    text = {
        "iso": day.isoformat(),
        "dmy": day.strftime("%d/%m/%Y"),
        "dmy-short": f"{day.day}/{day.month}/{day.year}",
        "dmy-time": day.strftime("%d/%m/%Y") + " 00:00",
        "iso-time": day.isoformat() + "T10:30:00",
    }[form]
    return Cell(text, day)


@st.composite
def number_cells(draw: st.DrawFn, integer: bool, narrow_space: bool) -> Cell:
    whole = draw(st.integers(0, 10**7 if integer else 10**12))
    digits = "" if integer else draw(st.text("0123456789", max_size=4))
    sign = draw(st.sampled_from(["", "-"])) if whole or digits.strip("0") else ""
    grouping = draw(st.sampled_from(["", " ", "\u00a0"] + (["\u202f"] if narrow_space else [])))
    point = draw(st.sampled_from([".", ","]))
    groups = f"{whole:,}".replace(",", grouping) if grouping else str(whole)
    text = sign + groups + (point + digits if digits else "")
    if integer and draw(st.booleans()):
        text += point + "0"
    text += draw(st.sampled_from(["", "", " €", "€", " %", "%"]))
    value = float(f"{sign}{whole}.{digits or '0'}")
    return Cell(text, int(value) if integer else value)


BOOLEANS = {
    "true": True,
    "vrai": True,
    "oui": True,
    "yes": True,
    "1": True,
    "x": True,
    "false": False,
    "faux": False,
    "non": False,
    "no": False,
    "0": False,
}


@st.composite
def boolean_cells(draw: st.DrawFn) -> Cell:
    word = draw(st.sampled_from(sorted(BOOLEANS)))
    shown = draw(st.sampled_from([word, word.upper(), word.capitalize()]))
    return Cell(shown, BOOLEANS[word])


@st.composite
def enum_cells(draw: st.DrawFn, column: Column) -> Cell:
    value, label = draw(st.sampled_from(column.choices))
    word = draw(st.sampled_from([value, label]))
    word = draw(
        st.sampled_from(
            [word, word.upper(), word.capitalize(), _fold_accents(word), word.replace("_", " ")]
        )
    )
    return Cell(f" {word} " if draw(st.booleans()) else word, value)


BAD = {
    "date": ["demain", "2020/04/15", "15-04-2020", "31/02/2020", "2020-13-01", "15/04/20", "0"],
    "number": ["abc", "1.234,5", "1,234.5", "12a", "--1", "1e", "1.2.3", "inf", "nan", "1e999"],
    "integer": ["2,5", "abc", "1e10", "3000000000", "-1e300", "1.5"],
    "boolean": ["peut-être", "2", "y", "oui non", "vrais"],
    "enum": ["inconnu", "en_retard", "???", "ouvert fait"],
}


def cell_strategy(column: Column, encoding: str, cr: bool) -> st.SearchStrategy[Cell]:
    if column.type == "text":
        return text_cells(chars_for(encoding, cr))
    if column.type == "date":
        return date_cells()
    if column.type in ("number", "integer"):
        # Windows-1252 has the no-break space, not the narrow one
        return number_cells(column.type == "integer", encoding != "cp1252")
    if column.type == "boolean":
        return boolean_cells()
    return enum_cells(column)


def expected_value(cell: Cell, column: Column) -> Any:
    if cell.expected is None and column.default is not None:
        return ingest.parse_cell(column.default, column)
    return cell.expected


def header_variants(column: Column) -> st.SearchStrategy[str]:
    names = [column.name, column.fr]
    return st.sampled_from(names).flatmap(
        lambda n: st.sampled_from(
            [
                n,
                n.upper(),
                n.capitalize(),
                _fold_accents(n),
                n.replace(" ", "_"),
                n.replace("_", " ").title(),
                f" {n} ",
            ]
        )
    )


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be-bom"]


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    return text.encode(encoding)


def chars_for(encoding: str, cr: bool = True) -> st.SearchStrategy[str]:
    # Python's csv writer quotes a lone CR only when the line ending has one
    # (spreadsheets always quote it): leave it out of files written with LF.
    exclude = "\x00" if cr else "\x00\r"
    return st.characters(
        codec="cp1252" if encoding == "cp1252" else "utf-8", exclude_characters=exclude
    )


@st.composite
def tables(draw: st.DrawFn, bad: bool) -> dict[str, Any]:
    """A file for a random dataset; with `bad`, exactly one cell is refused."""
    dataset = get_dataset(draw(st.sampled_from(DATASET_ORDER)))
    encoding = draw(st.sampled_from(ENCODINGS))
    optional = [c for c in dataset.columns if not c.required]
    chosen = [c for c in dataset.columns if c.required] + draw(
        st.lists(st.sampled_from(optional), unique=True) if optional else st.just([])
    )
    chosen = draw(st.permutations(chosen))
    headers = [draw(header_variants(c)) for c in chosen]
    n_rows = draw(st.integers(1 if bad else 0, 6))
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    rows = [[draw(cell_strategy(c, encoding, "\r" in eol)) for c in chosen] for _ in range(n_rows)]
    target = None
    if bad:
        candidates = [i for i, c in enumerate(chosen) if c.type != "text"]
        assume(candidates)
        r = draw(st.integers(0, n_rows - 1))
        i = draw(st.sampled_from(candidates))
        rows[r][i] = Cell(draw(st.sampled_from(BAD[chosen[i].type])), INVALID)
        target = (r, i)
    trailing = draw(st.integers(0, 2))  # a spreadsheet's empty trailing columns
    sep = draw(st.sampled_from([",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=sep,
        lineterminator=eol,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow(headers + [""] * trailing)
    for row in rows:
        writer.writerow([cell.text for cell in row] + [""] * trailing)
    text = out.getvalue()
    data = encode(text, encoding)
    if encoding == "cp1252" and not data.isascii():
        # Bytes that are also valid UTF-8 are read as UTF-8: the contract's order.
        try:
            data.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    return {
        "dataset": dataset,
        "chosen": chosen,
        "headers": headers,
        "rows": rows,
        "target": target,
        "data": data,
        "encoding": encoding,
        "sep": sep,
    }


def expected_frame_rows(table: dict[str, Any]) -> tuple[list[int], list[list[str]]]:
    dataset: Dataset = table["dataset"]
    numbers, out = [], []
    for n, row in enumerate(table["rows"]):
        if not any(cell.text.strip() for cell in row):
            continue  # an empty line is skipped, its number kept
        numbers.append(n + 2)
        by_name = {c.name: cell for c, cell in zip(table["chosen"], row, strict=True)}
        record = []
        for col in dataset.columns:
            cell = by_name.get(col.name, Cell("", None))
            record.append(ingest.format_cell(expected_value(cell, col), col))
        out.append(record)
    return numbers, out


@FUZZ
@given(table=tables(bad=False))
def test_valid_tables_in_every_form_give_the_expected_typed_table(table: dict[str, Any]) -> None:
    dataset: Dataset = table["dataset"]
    parsed = ingest.read_bytes(dataset.name, table["data"], FILE)
    assert_clean(parsed, dataset.name)
    assert unexpected(parsed) == []
    assert parsed.separator == table["sep"]
    numbers, records = expected_frame_rows(table)
    assert parsed.frame["_row"].tolist() == numbers
    assert canonical_rows(parsed.frame, dataset) == records
    mapped = {h.strip(): c.name for h, c in zip(table["headers"], table["chosen"], strict=True)}
    assert {k: v for k, v in parsed.mapping.items() if v} == mapped
    # what the store would write reads back as what was checked
    canonical = ingest.to_canonical(dataset.name, parsed.frame)
    again = ingest.read_bytes(dataset.name, canonical, FILE)
    assert unexpected(again) == []
    assert canonical_rows(again.frame, dataset) == records


@FUZZ
@given(table=tables(bad=True))
def test_one_bad_cell_is_refused_by_its_row_and_column(table: dict[str, Any]) -> None:
    dataset: Dataset = table["dataset"]
    parsed = ingest.read_bytes(dataset.name, table["data"], FILE)
    assert_clean(parsed, dataset.name)
    r, i = table["target"]
    bad = table["rows"][r][i].text
    assert [(p.row, p.column, p.value) for p in parsed.errors] == [
        (r + 2, table["headers"][i].strip(), bad.strip())
    ], [p.message("en") for p in parsed.problems]
    for lang in ("fr", "en"):
        message = parsed.errors[0].message(lang)
        assert str(r + 2) in message and table["headers"][i].strip() in message


@settings(deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(table=tables(bad=False) | tables(bad=True))
def test_the_whole_judgement_never_fails_and_always_says_where(
    table: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Ingest, then every SQL rule against an empty data folder."""
    dataset: Dataset = table["dataset"]
    store = Store(tmp_path_factory.mktemp("empty"))
    upload = uploads.check_upload(store, dataset.name, table["data"], FILE)
    for p in upload.problems + upload.broken:
        assert p.row is not None and (p.column or p.code == "missing_column"), p
        assert p.message("fr") != p.message("en")
    if table["target"] is not None:
        assert not upload.ok


# --- round trip through a French Excel export -------------------------------------------

DAY_FIRST_TIME = st.sampled_from(["", "", " 00:00"])


def french_cell(text: str, column: Column, draw: st.DrawFn | None) -> str:
    """One canonical cell as French Excel writes it."""
    if text == "":
        return ""
    pick = (lambda options: draw(st.sampled_from(options))) if draw else (lambda o: o[0])
    if column.type == "date":
        y, m, d = text.split("-")
        return f"{d}/{m}/{y}" + pick(["", "", " 00:00"])
    if column.type in ("number", "integer"):
        whole, _, rest = text.partition(".")
        if "e" not in text and len(whole.lstrip("-")) > 3:
            whole = f"{int(whole):,}".replace(",", pick(["", "\u00a0", " "]))
        french = whole + ("," + rest if rest else "")
        if column.name.endswith("_eur"):
            french += pick(["", " €", "€"])
        return french
    if column.type == "boolean":
        return pick(["oui", "Oui", "OUI"]) if text == "true" else pick(["non", "Non", "NON"])
    if column.type == "enum":
        label = dict(column.choices)[text]
        return pick([label, label.capitalize(), label.upper()])
    return text


def to_french_excel(
    dataset: Dataset, canonical: bytes, draw: st.DrawFn | None = None, encoding: str = "cp1252"
) -> bytes:
    records = list(csv.reader(io.StringIO(canonical.decode("utf-8"), newline="")))
    assert records[0] == list(dataset.column_names)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.fr[:1].upper() + c.fr[1:] for c in dataset.columns])
    for record in records[1:]:
        writer.writerow(
            [french_cell(v, c, draw) for v, c in zip(record, dataset.columns, strict=True)]
        )
    return out.getvalue().encode(encoding)


def test_french_export_of_the_generated_data_reads_back_the_same(generated: Path) -> None:
    for name in DATASET_ORDER:
        dataset = get_dataset(name)
        canonical = (generated / dataset.filename).read_bytes()
        french = to_french_excel(dataset, canonical)
        assert b";" in french and b"\r\n" in french and b"," not in french.split(b"\r\n")[0]
        parsed = ingest.read_bytes(name, french, FILE)
        assert parsed.encoding == "Windows-1252" and parsed.separator == ";"
        assert parsed.problems == [], [p.message("en") for p in parsed.problems[:3]]
        assert ingest.to_canonical(name, parsed.frame) == canonical, name


def demo_canonical(name: str) -> bytes:
    """The demo file as the store would hold it (defaults filled in)."""
    data = (Path(__file__).resolve().parents[2] / "data" / f"{name}.csv").read_bytes()
    return ingest.to_canonical(name, ingest.read_bytes(name, data, FILE).frame)


@pytest.mark.parametrize("name", DATASET_ORDER)
def test_french_export_of_the_demo_reads_back_the_same(name: str) -> None:
    dataset = get_dataset(name)
    canonical = demo_canonical(name)
    try:
        french = to_french_excel(dataset, canonical)
    except UnicodeEncodeError:
        # partners' names in Japanese or Polish: Excel's "CSV UTF-8" form instead
        french = to_french_excel(dataset, canonical, encoding="utf-8-sig")
    parsed = ingest.read_bytes(name, french, FILE)
    assert parsed.separator == ";" and parsed.encoding in ("Windows-1252", "UTF-8 (BOM)")
    assert parsed.problems == []
    assert ingest.to_canonical(name, parsed.frame) == canonical


def typed_values(column: Column) -> st.SearchStrategy[Any]:
    """Values a typed table may hold in `column` (None: empty)."""
    if column.type == "text":
        # ingest turns a lone CR into a line feed: a stored cell never holds one
        chars = st.characters(codec="cp1252", exclude_characters="\x00")
        value: st.SearchStrategy[Any] = (
            st.text(chars, min_size=1, max_size=15)
            .map(lambda s: re.sub(r"\r(?!\n)", "\n", s.strip()))
            .filter(bool)
        )
    elif column.type == "date":
        value = st.dates(date(1, 1, 1), date(9999, 12, 31))
    elif column.type == "number":
        value = st.floats(allow_nan=False, allow_infinity=False)
    elif column.type == "integer":
        value = st.integers(ingest.INT_MIN, ingest.INT_MAX)
    elif column.type == "boolean":
        value = st.booleans()
    else:
        value = st.sampled_from(column.values)
    # a column with a default never holds an empty value once read
    return value if column.default is not None else st.none() | value


@st.composite
def canonical_files(draw: st.DrawFn) -> tuple[Dataset, bytes]:
    dataset = get_dataset(draw(st.sampled_from(DATASET_ORDER)))
    n = draw(st.integers(0, 5))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(dataset.column_names)
    for _ in range(n):
        row = [ingest.format_cell(draw(typed_values(c)), c) for c in dataset.columns]
        if not any(row):
            continue  # an empty line is not a row
        writer.writerow(row)
    return dataset, out.getvalue().encode("utf-8")


@FUZZ
@given(file=canonical_files(), data=st.data())
def test_random_canonical_tables_survive_a_french_excel_round_trip(
    file: tuple[Dataset, bytes], data: st.DataObject
) -> None:
    dataset, canonical = file
    # canonical form is a fixed point of ingest
    parsed = ingest.read_bytes(dataset.name, canonical, FILE)
    assert unexpected(parsed) == []
    assert ingest.to_canonical(dataset.name, parsed.frame) == canonical
    # the writer the upload path uses (DuckDB) writes the same bytes
    assert parsed.table is not None
    assert ingest.canonical_of_table(dataset.name, parsed.table) == canonical
    french = to_french_excel(dataset, canonical, data.draw)
    if not french.isascii():
        try:
            french.decode("utf-8")
            assume(False)  # read as UTF-8 first, as the contract says
        except UnicodeDecodeError:
            pass
        # Text that reads as UTF-8 decoded twice ("Â¡" is the UTF-8 of "¡") beside a
        # byte that is not UTF-8 is, byte for byte, a UTF-8 file with a stray byte:
        # no reader can tell which the spreadsheet meant, and the upload names the
        # row to retype ("bad_bytes", tested in test_ingest).
        assume(not ingest.mostly_utf8(french))
    again = ingest.read_bytes(dataset.name, french, FILE)
    assert unexpected(again) == []
    assert ingest.to_canonical(dataset.name, again.frame) == canonical


def test_a_lone_carriage_return_in_a_cell_does_not_split_the_stored_row() -> None:
    data = 'identifiant;nom;description\r\ns1;"Cité\rdes Électriciens";"a\r\nb"\r\n'
    parsed = ingest.read_bytes("sites", data.encode("cp1252"), FILE)
    assert parsed.problems == []
    assert parsed.frame["name"].tolist() == ["Cité\ndes Électriciens"]
    assert parsed.frame["description"].tolist() == ["a\r\nb"]
    stored = ingest.read_bytes("sites", ingest.to_canonical("sites", parsed.frame), FILE)
    assert stored.frame["site_id"].tolist() == ["s1"]
    assert stored.frame["name"].tolist() == ["Cité\ndes Électriciens"]


@pytest.mark.parametrize("value", ["3000000000", "1e300", "-99999999999999999999"])
def test_an_integer_beyond_the_database_type_is_refused_by_row(value: str, tmp_path: Path) -> None:
    data = f"identifiant;nom;catégorie;influence\r\nS1;Louvre-Lens;institution;{value}\r\n"
    upload = uploads.check_upload(Store(tmp_path), "stakeholders", data.encode("cp1252"), FILE)
    assert [(p.code, p.row, p.column, p.value) for p in upload.errors] == [
        ("out_of_range", 2, "influence", value)
    ]
