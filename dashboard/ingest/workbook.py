"""An .xlsx workbook -> one set of records per sheet, read as its CSV export would be (pure).

Each cell becomes the text a CSV export of the sheet would show (dates as
YYYY-MM-DD, numbers without float noise, percentages as "42%"), so the sheet
then goes through `ingest.read_records` exactly like a CSV: same headers, same
formats, same problems, with the sheet's own row numbers and the file named
"workbook.xlsx › sheet".
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Literal

from openpyxl import load_workbook

from dashboard import ingest
from dashboard.contract import get_dataset
from dashboard.ingest import Parsed, Problem, recognise
from dashboard.ingest.recognise import Fit

# A workbook is a zip: its parts may unpack far beyond the upload's size.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024

# Sheets that describe, rather than hold, data (the templates' "read me" sheet).
README_SHEETS = frozenset({"alire", "lisezmoi", "readme", "formats", "colonnes", "columns"})

Recognition = Literal["name", "headers"]


@dataclass
class Sheet:
    name: str
    records: list[list[str]]
    # the dataset the sheet was recognised as, and how
    dataset: str | None = None
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


def _unpacked_size(data: bytes) -> int | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _trim(records: list[list[str]]) -> list[list[str]]:
    """Drop trailing empty rows and the empty cells past each row's last value."""
    while records and not any(v.strip() for v in records[-1]):
        records.pop()
    width = max((i + 1 for r in records for i, v in enumerate(r) if v.strip()), default=0)
    return [r[:width] for r in records]


def read_workbook(data: bytes, file: str) -> Workbook:
    """Every sheet of an .xlsx as records of text; never raises on bad content."""
    book = Workbook(file=file)
    size = _unpacked_size(data)
    if size is None:
        book.problems.append(Problem(file, "bad_workbook"))
        return book
    if size > MAX_UNPACKED_BYTES:
        book.problems.append(Problem(file, "workbook_too_large"))
        return book
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds (KeyError, InvalidFileException, zip and XML
        # errors) for a zip that is not a workbook: the person needs one answer.
        book.problems.append(Problem(file, "bad_workbook"))
        return book
    try:
        for ws in wb.worksheets:
            records = _trim(
                [
                    [cell_text(c.value, getattr(c, "number_format", None)) for c in row]
                    for row in ws.iter_rows(min_row=1, min_col=1)
                ]
            )
            if not records or ingest.fold(ws.title) in README_SHEETS:
                book.skipped.append(ws.title)
                continue
            book.sheets.append(_recognised(Sheet(ws.title, records)))
    except Exception:
        book.problems.append(Problem(file, "bad_workbook"))
        book.sheets = []
    finally:
        wb.close()
    if not book.sheets and not book.problems:
        book.problems.append(Problem(file, "empty_workbook"))
    return book


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
    return ingest.read_records(get_dataset(dataset), sheet.records, parsed)
