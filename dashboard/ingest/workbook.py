"""An .xlsx workbook -> one set of records per sheet, read as its CSV export would be (pure).

Each cell becomes the text a CSV export of the sheet would show (dates as
YYYY-MM-DD, numbers without float noise, percentages as "42%"), so the sheet
then goes through `ingest.read_records` exactly like a CSV: same headers, same
formats, same problems, with the sheet's own row numbers and the file named
"workbook.xlsx › sheet".

Reading is bounded before any sheet is parsed: the unpacked size, the number of
sheets, then rows and columns while reading; the XML is parsed by defusedxml
(openpyxl uses it when installed; without it no workbook is read) and a part
that declares a DTD or entities is refused at once. A formula that was never
calculated (its cell would read as empty) is a warning.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

import openpyxl.xml
from openpyxl import load_workbook

from dashboard import contract, ingest
from dashboard.contract import MAX_COLUMNS, MAX_ROWS, MAX_SHEETS, get_dataset
from dashboard.ingest import Parsed, Problem, recognise
from dashboard.ingest.recognise import Fit

# A workbook is a zip: its parts may unpack far beyond the upload's size.
MAX_UNPACKED_BYTES = contract.MAX_UNPACKED_BYTES
# Parts in the zip (a workbook of 50 sheets has a few hundred).
MAX_PARTS = 2_000
# How far into an XML part its prolog (where a DTD would be) is looked for.
_PROLOG_BYTES = 4096

# Sheets that describe, rather than hold, data (the templates' "read me" sheet).
README_SHEETS = frozenset({"alire", "lisezmoi", "readme", "formats", "colonnes", "columns"})

Recognition = Literal["name", "headers"]


@dataclass
class Sheet:
    name: str
    records: list[list[str]]
    # the dataset the sheet was recognised as, and how
    dataset: str | None = None
    # formulas never calculated: (spreadsheet row, column index, formula)
    uncalculated: list[tuple[int, int, str]] = field(default_factory=list)
    how: Recognition | None = None
    fits: list[Fit] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return self.records[0] if self.records else []

    @property
    def rows(self) -> int:
        """Data rows that hold something (blank rows are skipped by ingest too)."""
        return sum(1 for r in self.records[1:] if any(v.strip() for v in r))


@dataclass
class Workbook:
    file: str
    sheets: list[Sheet] = field(default_factory=list)
    # sheets left out: empty ones and the templates' description sheet
    skipped: list[str] = field(default_factory=list)
    # the workbook itself could not be read
    problems: list[Problem] = field(default_factory=list)


def sheet_file(file: str, sheet: str) -> str:
    """How problems name a sheet of a workbook."""
    return f"{file} › {sheet}"


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell as a CSV export of the sheet shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, int | float):
        number = float(value)
        if number_format and "%" in number_format:
            return _number(number * 100) + "%"
        return _number(number)
    return str(value)


def _number(number: float) -> str:
    # Excel keeps 15 significant digits: anything past them is binary noise.
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.15g}"
    if "e" in text:
        return text
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class _Parts:
    unpacked: int
    sheets: int
    count: int
    # a part declares a DTD or entities (refused: entity tricks and bombs)
    doctype: bool
    # a sheet holds formulas (read once more for their text)
    formulas: bool


def _parts(data: bytes) -> _Parts | None:
    """What the zip declares, before any XML is parsed; None if not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            sheets = [i for i in infos if i.filename.startswith("xl/worksheets/sheet")]
            doctype = formulas = False
            if unpacked <= MAX_UNPACKED_BYTES and len(infos) <= MAX_PARTS:
                for info in infos:
                    if not info.filename.endswith((".xml", ".rels")):
                        continue
                    with archive.open(info) as fh:
                        head = fh.read(_PROLOG_BYTES)
                        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                            doctype = True
                            break
                        if info in sheets and not formulas:
                            formulas = b"<f" in head + fh.read()
            return _Parts(unpacked, len(sheets), len(infos), doctype, formulas)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def _trim(records: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty rows and the empty cells past each row's last value."""
    while records and not any(v.strip() for v in records[-1]):
        records.pop()
    width = max((i + 1 for r in records for i, v in enumerate(r) if v.strip()), default=0)
    return [r[:width] for r in records]


class _Bound(Exception):
    def __init__(self, code: str, limit: int) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


def _limit(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _records(ws: object) -> list[list[object]]:
    """A sheet's cells, refused past the bounds while reading."""
    out: list[list[object]] = []
    for row in ws.iter_rows(min_row=1, min_col=1):  # type: ignore[attr-defined]
        if len(row) > MAX_COLUMNS:
            raise _Bound("too_many_columns", MAX_COLUMNS)
        if len(out) > MAX_ROWS:
            raise _Bound("too_many_rows", MAX_ROWS)
        out.append(list(row))
    return out


def read_workbook(data: bytes, file: str) -> Workbook:
    """Every sheet of an .xlsx as records of text; never raises on bad content."""
    book = Workbook(file=file)
    parts = _parts(data)
    if parts is None:
        book.problems.append(Problem(file, "bad_workbook"))
        return book
    if parts.unpacked > MAX_UNPACKED_BYTES or parts.count > MAX_PARTS:
        book.problems.append(Problem(file, "workbook_too_large"))
        return book
    if parts.sheets > MAX_SHEETS:
        book.problems.append(Problem(file, "too_many_sheets", params={"limit": _limit(MAX_SHEETS)}))
        return book
    if parts.doctype or not openpyxl.xml.DEFUSEDXML:
        book.problems.append(Problem(file, "unsafe_workbook"))
        return book
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds (KeyError, InvalidFileException, zip and XML
        # errors) for a zip that is not a workbook: the person needs one answer.
        book.problems.append(Problem(file, "bad_workbook"))
        return book
    formulas = None
    try:
        if parts.formulas:
            formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        for n, ws in enumerate(wb.worksheets):
            cells = _records(ws)
            records = _trim(
                [
                    [
                        cell_text(getattr(c, "value", None), getattr(c, "number_format", None))
                        for c in row
                    ]
                    for row in cells
                ]
            )
            if not records or ingest.fold(ws.title) in README_SHEETS:
                book.skipped.append(ws.title)
                continue
            sheet = _recognised(Sheet(ws.title, records))
            if formulas is not None:
                sheet.uncalculated = _uncalculated(cells, _records(formulas.worksheets[n]))
            book.sheets.append(sheet)
    except _Bound as exc:
        book.problems.append(Problem(file, exc.code, params={"limit": _limit(exc.limit)}))
        book.sheets = []
    except Exception:
        book.problems.append(Problem(file, "bad_workbook"))
        book.sheets = []
    finally:
        wb.close()
        if formulas is not None:
            formulas.close()
    if not book.sheets and not book.problems:
        book.problems.append(Problem(file, "empty_workbook"))
    return book


def _uncalculated(
    values: list[list[object]], formulas: list[list[object]]
) -> list[tuple[int, int, str]]:
    """Cells holding a formula but no calculated value (saved by a program that
    does not calculate): they would read as empty."""
    out = []
    for r, (row, texts) in enumerate(zip(values, formulas, strict=False)):
        for i, (cell, text) in enumerate(zip(row, texts, strict=False)):
            formula = getattr(text, "value", None)
            empty = getattr(cell, "value", None) is None
            if empty and isinstance(formula, str) and formula.startswith("="):
                out.append((r + 1, i, formula))
    return out


def _recognised(sheet: Sheet) -> Sheet:
    sheet.fits = recognise.fits(sheet.header)
    by_name = recognise.from_sheet_name(sheet.name)
    if by_name is not None:
        sheet.dataset, sheet.how = by_name, "name"
        return sheet
    by_headers = recognise.from_headers(sheet.header)
    if by_headers is not None:
        sheet.dataset, sheet.how = by_headers, "headers"
    return sheet


def parse_sheet(file: str, sheet: Sheet, dataset: str) -> Parsed:
    """A sheet read for `dataset` exactly as a CSV export of it would be."""
    parsed = Parsed(dataset=dataset, file=sheet_file(file, sheet.name))
    parsed = ingest.read_records(get_dataset(dataset), sheet.records, parsed)
    header = sheet.header
    for row, i, formula in sheet.uncalculated:
        column = header[i].strip() if i < len(header) and header[i].strip() else None
        parsed.problems.append(
            Problem(
                parsed.file,
                "formula_not_calculated",
                row=row,
                column=column or ingest._column_letter(i),
                value=formula,
                severity="warning",
                dataset=dataset,
            )
        )
    return parsed
