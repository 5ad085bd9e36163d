"""Bytes of an upload -> typed rows per the data contract.

Spreadsheets exported on French or English settings arrive in many shapes
(encodings, separators, decimal commas, day-first dates, French labels). This
module decodes them in Python, so DuckDB only ever sees UTF-8, and turns every
cell into its canonical value or into a `Problem` naming the spreadsheet row,
the column as the file names it, the value and what was expected.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import pandas as pd

from dashboard.contract import Column, Dataset, get_dataset
from dashboard.i18n import t

Severity = Literal["error", "warning"]
Cell = str | float | int | bool | date | None

SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, addressed as the spreadsheet shows it."""

    file: str
    code: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    severity: Severity = "error"
    dataset: str | None = None

    def message(self, lang: str = "fr") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(t("problem.row", lang, row=self.row))
        if self.column is not None:
            where.append(t("problem.column", lang, column=self.column))
        text = t(f"problem.{self.code}", lang, **self.params)
        if self.value is not None:
            text = t("problem.value", lang, value=_shorten(self.value)) + " " + text
        return t("problem.line", lang, where=", ".join(where), text=text)


def _shorten(value: str, limit: int = 60) -> str:
    value = value.replace("\n", "⏎")
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class Parsed:
    """The outcome of reading one file for one dataset."""

    dataset: str
    file: str
    encoding: str | None = None
    separator: str | None = None
    # header as written in the file -> canonical column (None: ignored column)
    mapping: dict[str, str | None] = field(default_factory=dict)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def header_for(self, column: str) -> str:
        """The header the file uses for a canonical column (or the canonical name)."""
        for header, canonical in self.mapping.items():
            if canonical == column:
                return header
        return column


# --- decoding -----------------------------------------------------------------

_MAGIC = (
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "xls"),
)


def sniff_kind(data: bytes) -> str | None:
    """'pdf', 'image', 'zip' (xlsx), 'xls' for known binary formats, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    return None


def decode(data: bytes) -> tuple[str, str] | None:
    """Decode bytes as the contract allows; (text, encoding name) or None if binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return None


def detect_separator(text: str) -> str:
    """The separator that splits the header line into the most fields."""
    first = next(iter(io.StringIO(text, newline="")), "")
    best, best_count = ",", 1
    for sep in SEPARATORS:
        try:
            fields = next(csv.reader([first.rstrip("\r\n")], delimiter=sep), [])
        except csv.Error:
            continue
        if len(fields) > best_count:
            best, best_count = sep, len(fields)
    return best


# --- normalisation ------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, no spaces, hyphens, underscores or apostrophes."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_'’.]+", "", text)


def header_index(dataset: Dataset) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in dataset.columns:
        index[fold(col.name)] = col.name
        index.setdefault(fold(col.fr), col.name)
    return index


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_LONE_CR = re.compile(r"\r(?!\n)")
_TRUE = {"true", "vrai", "oui", "yes", "1", "x"}
_FALSE = {"false", "faux", "non", "no", "0"}


class CellError(ValueError):
    """A cell that does not fit its column; `code` names the expectation."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def parse_date(text: str) -> date:
    m = _ISO.match(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DMY.match(text)
        if not m:
            raise CellError("expected_date")
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d)
    except ValueError:
        raise CellError("impossible_date") from None


def parse_number(text: str) -> float:
    s = text.strip()
    s = re.sub(r"\s*[%€]$", "", s)
    s = _SPACES.sub("", s)
    if "," in s and "." in s:
        raise CellError("expected_number")
    s = s.replace(",", ".")
    if not _NUMBER.match(s):
        raise CellError("expected_number")
    value = float(s)
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError("expected_number")
    return value


# The SQL type of an integer column (32 bits): a larger value would break the
# typed table and the database load instead of being refused by row.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def parse_integer(text: str) -> int:
    value = parse_number(text)
    if not value.is_integer():
        raise CellError("expected_integer")
    if not INT_MIN <= value <= INT_MAX:
        raise CellError("out_of_range", detail=f"{INT_MIN} ≤ x ≤ {INT_MAX}")
    return int(value)


def parse_boolean(text: str) -> bool:
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError("expected_boolean")


def parse_enum(text: str, column: Column) -> str:
    key = fold(text)
    for value, label in column.choices:
        if key in (fold(value), fold(label)):
            return value
    choices = ", ".join(f"{v} ({label})" for v, label in column.choices)
    raise CellError("expected_enum", choices=choices)


def parse_cell(text: str, column: Column) -> Cell:
    """Canonical value of one cell; None for an empty cell without default."""
    text = text.strip()
    if text == "" and column.default is not None:
        text = column.default
    if text == "":
        return None
    if column.type == "text":
        # The canonical writer quotes a cell with a line feed, not one with a lone
        # carriage return (old Mac line break): written as is, it would split the row.
        return _LONE_CR.sub("\n", text)
    if column.type == "date":
        return parse_date(text)
    if column.type == "number":
        return parse_number(text)
    if column.type == "integer":
        return parse_integer(text)
    if column.type == "boolean":
        return parse_boolean(text)
    return parse_enum(text, column)


# --- reading a whole file -------------------------------------------------------


def read_bytes(dataset_name: str, data: bytes, file: str) -> Parsed:
    """Read an upload's bytes for `dataset_name`; never raises on bad content."""
    dataset = get_dataset(dataset_name)
    parsed = Parsed(dataset=dataset.name, file=file)
    kind = sniff_kind(data)
    if kind is not None:
        parsed.problems.append(Problem(file, f"binary_{kind}", dataset=dataset.name))
        return parsed
    decoded = decode(data)
    if decoded is None:
        parsed.problems.append(Problem(file, "not_text", dataset=dataset.name))
        return parsed
    text, parsed.encoding = decoded
    if not text.strip():
        parsed.problems.append(Problem(file, "empty_file", dataset=dataset.name))
        return parsed
    parsed.separator = detect_separator(text)
    # strict: an unclosed quote is refused instead of swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parsed.separator, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error:
        # The csv module's own text is English and technical: the row is what helps.
        parsed.problems.append(
            Problem(file, "bad_quoting", row=len(records) + 1, dataset=dataset.name)
        )
        return parsed
    return read_records(dataset, records, parsed)


def read_records(dataset: Dataset, records: Sequence[Sequence[str]], parsed: Parsed) -> Parsed:
    """Map headers and type every cell of already split records (header first)."""
    file = parsed.file
    header = [h.strip() for h in records[0]] if records else []
    # values beyond the header row's own width are a row's extra values
    named = len(header)
    body = [list(r) for r in records[1:]]
    width = max([len(header), *(len(r) for r in body)]) if header or body else 0
    header += [""] * (width - len(header))

    def column_is_empty(i: int) -> bool:
        return all(i >= len(r) or not str(r[i]).strip() for r in body)

    index = header_index(dataset)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, name in enumerate(header):
        if not name:
            if i >= named or column_is_empty(i):
                continue
            parsed.problems.append(
                Problem(file, "no_header", row=1, column=_column_letter(i), dataset=dataset.name)
            )
            continue
        canonical = index.get(fold(name))
        if canonical is None:
            if column_is_empty(i) and name.lower().startswith("unnamed"):
                continue
            unknown.append(name)
            parsed.mapping[name] = None
            continue
        if canonical in positions:
            parsed.problems.append(
                Problem(
                    file,
                    "duplicate_header",
                    row=1,
                    column=name,
                    params={"other": header[positions[canonical]]},
                    dataset=dataset.name,
                )
            )
            continue
        positions[canonical] = i
        parsed.mapping[name] = canonical
    expected = ", ".join(f"{c.fr} ({c.name})" for c in dataset.columns)
    for name in unknown:
        parsed.problems.append(
            Problem(
                file,
                "unknown_column",
                row=1,
                column=name,
                params={"expected": expected},
                dataset=dataset.name,
            )
        )
    for col in dataset.columns:
        if col.required and col.name not in positions:
            parsed.problems.append(
                Problem(
                    file,
                    "missing_column",
                    row=1,
                    params={"name": col.fr, "canonical": col.name},
                    dataset=dataset.name,
                )
            )
    if parsed.errors:
        return parsed

    columns: dict[str, list[Cell]] = {c.name: [] for c in dataset.columns}
    rows: list[int] = []
    for n, record in enumerate(body):
        spreadsheet_row = n + 2
        if not any(str(v).strip() for v in record):
            continue
        extra = [(i, str(v).strip()) for i, v in enumerate(record) if i >= named and str(v).strip()]
        if extra:
            parsed.problems.append(
                Problem(
                    file,
                    "extra_values",
                    row=spreadsheet_row,
                    column=_column_letter(extra[0][0]),
                    value=extra[0][1],
                    dataset=dataset.name,
                )
            )
        rows.append(spreadsheet_row)
        for col in dataset.columns:
            pos = positions.get(col.name)
            raw = str(record[pos]) if pos is not None and pos < len(record) else ""
            try:
                value = parse_cell(raw, col)
            except CellError as exc:
                parsed.problems.append(
                    Problem(
                        file,
                        exc.code,
                        row=spreadsheet_row,
                        column=header[pos] if pos is not None else col.name,
                        value=raw.strip(),
                        params=exc.params,
                        dataset=dataset.name,
                    )
                )
                value = None
            columns[col.name].append(value)
    parsed.frame = _frame(dataset, columns, rows)
    return parsed


def _column_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_DTYPES = {
    "text": "object",
    "enum": "object",
    "date": "object",
    "boolean": "boolean",
    "number": "Float64",
    "integer": "Int64",
}


def _frame(dataset: Dataset, columns: dict[str, list[Cell]], rows: list[int]) -> pd.DataFrame:
    data = {c.name: pd.Series(columns[c.name], dtype=_DTYPES[c.type]) for c in dataset.columns}
    data["_row"] = pd.Series(rows, dtype="int64")
    return pd.DataFrame(data)


def empty_frame(dataset_name: str) -> pd.DataFrame:
    dataset = get_dataset(dataset_name)
    return _frame(dataset, {c.name: [] for c in dataset.columns}, [])


# --- canonical output -----------------------------------------------------------


def format_cell(value: object, column: Column) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if column.type == "boolean":
        return "true" if value else "false"
    if column.type == "date":
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    if column.type in ("number", "integer"):
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    return str(value)


def to_canonical(dataset_name: str, frame: pd.DataFrame) -> bytes:
    """The canonical CSV (UTF-8, comma, ISO dates, dot decimals) of a typed frame."""
    dataset = get_dataset(dataset_name)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(dataset.column_names)
    cols = [(c, frame[c.name].tolist()) for c in dataset.columns]
    for i in range(len(frame)):
        writer.writerow([format_cell(values[i], c) for c, values in cols])
    return out.getvalue().encode("utf-8")


def rows_to_records(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Cells from a spreadsheet reader as strings (None -> empty)."""
    return [["" if v is None else str(v) for v in row] for row in rows]
