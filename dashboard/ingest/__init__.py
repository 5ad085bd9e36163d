"""Bytes of an upload -> typed rows per the data contract.

Spreadsheets exported on French or English settings arrive in many shapes
(encodings, separators, decimal commas, day-first dates, French labels). This
module decodes them in Python, so DuckDB only ever sees UTF-8 (a UTF-8 upload is
read from its own bytes, other encodings are transcoded a slice at a time),
splits the rows into cells (Arrow for a text without quotes, Python's csv module
otherwise), strips them in Arrow, and lets DuckDB turn every cell into its value
or its problem with one static query (`sql/ingest/typed.sql`, the rules being
the macros of `sql/ingest/macros.sql`): the columns of a chunk of rows are named
by their kind, so the same SQL types every file, with no SQL composed. A
problem names the spreadsheet row, the column as the file names it, the value
as typed and what was expected. Bounds (`contract.MAX_*`) are enforced while
reading, so a file past them is refused before any typing work; rows are typed
a chunk at a time, so memory follows the chunk, not the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb
import ftfy
import ftfy.badness
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.contract import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    PROBLEMS_KEPT,
    Column,
    Dataset,
    get_dataset,
)
from dashboard.i18n import t

if TYPE_CHECKING:  # pandas is loaded when a frame is made, not on the command line's path
    import pandas as pd

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"

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
        # a key of several columns is named whole ("the combination ... is already used")
        code = f"{self.code}_key" if self.params.get("key") else self.code
        text = t(f"problem.{code}", lang, **self.params)
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
    problems: list[Problem] = field(default_factory=list)
    # typed rows (canonical columns and `_row`), and the non-text cells as typed
    table: pa.Table | None = None
    raw: pa.Table | None = None
    # problems beyond those kept, counted by (code, column as the file names it)
    omitted: dict[tuple[str, str | None], int] = field(default_factory=dict)
    # rows typed (kept when the typed rows are not: a long file with refused cells)
    row_count: int = 0
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The typed rows as a frame (empty, without columns, when none were typed)."""
        import pandas as pd

        if self._frame is None:
            self._frame = (
                pd.DataFrame()
                if self.table is None
                else frame_of_table(get_dataset(self.dataset), self.table)
            )
        return self._frame

    @property
    def rows(self) -> int:
        return self.row_count if self.table is None else self.table.num_rows

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


def mostly_utf8(data: bytes) -> bool:
    """UTF-8 but for a few bytes (a paste from another program): its valid
    multi-byte characters outnumber the bytes that are not UTF-8. Such a file is
    not read whole as Windows-1252; the rows holding the stray bytes are named.
    A file in Windows-1252 throughout may hold byte runs that happen to be UTF-8
    (an "Â" before a "Œ", an "é" before a no-break space and a "»"): it is not taken
    for UTF-8 when its header line is not UTF-8 (the exporting program wrote it) or
    when, read as Windows-1252, it does not look decoded twice. C1 controls
    (U+0080 to U+009F) never count as UTF-8 characters."""
    end = _LINE_END_BYTES.search(data)
    try:
        (data if end is None else data[: end.start()]).decode("utf-8")
    except UnicodeDecodeError:
        return False
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    wide = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    wide -= len(_C1.findall(text))
    # read as Windows-1252, UTF-8 looks decoded twice ("CitÃ©"); chance runs do not
    return 0 < bad < wide and ftfy.badness.is_bad(data.decode("cp1252", "replace"))


_LINE_END_BYTES = re.compile(rb"[\r\n]")
_C1 = re.compile("[\x80-\x9f]")


def detect_separator(text: str) -> str:
    """The separator that splits the header line into the most fields."""
    # the first line as the csv module sees lines (ended by \n, \r or \r\n)
    end = _LINE_END.search(text)
    first = text if end is None else text[: end.start()]
    best, best_count = ",", 1
    for sep in SEPARATORS:
        try:
            fields = next(csv.reader([first.rstrip("\r\n")], delimiter=sep), [])
        except csv.Error:
            continue
        if len(fields) > best_count:
            best, best_count = sep, len(fields)
    return best


_LINE_END = re.compile(r"[\r\n]")


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


class CellError(ValueError):
    """A cell that does not fit its column; `code` names the expectation."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# The SQL type of an integer column (32 bits): a larger value would break the
# typed table and the database load instead of being refused by row.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
_INT_DETAIL = f"{INT_MIN} ≤ x ≤ {INT_MAX}"


def parse_cell(text: str, column: Column) -> Cell:
    """Canonical value of one cell (None for an empty cell without default),
    typed by the same SQL as a whole file; raises `CellError`."""
    dataset = Dataset("cell", (column,))
    source = _Source(header=[column.name], rows=1, chunks=[pa.array([[text]], _LIST)])
    result = _type_rows(dataset, {column.name: 0}, source, kept=1)
    if result.problems:
        code, params = result.problems[0][2], result.problems[0][4]
        raise CellError(code, **params)
    if result.table is None or result.table.num_rows == 0:
        return None if column.default is None else parse_cell(column.default, column)
    value = result.table.column(column.name)[0].as_py()
    return value  # type: ignore[no-any-return]


def parse_boolean(text: str) -> bool:
    return bool(parse_cell(text, Column("b", "b", "boolean")))


# --- reading a whole file -------------------------------------------------------

_CHUNK = 50_000
# Rows typed at once (DuckDB's and Arrow's working memory is bounded by it), and
# bytes of a text without quotes split at once.
_TYPING_CHUNK = 50_000
_CHUNK_BYTES = 2 * 1024 * 1024
# A file with problems in its cells keeps its typed rows (to be checked against
# the other files as well, so one look shows every problem) up to this many rows;
# a longer one is answered with its cells' problems alone, in bounded memory.
KEEP_REFUSED_ROWS = 100_000
_KEPT: ContextVar[int] = ContextVar("problems_kept", default=PROBLEMS_KEPT)
_LIST = pa.list_(pa.string())
# Every character Python's str.isspace() accepts: what a cell is stripped of.
_SPACES = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def problems_kept() -> int:
    """How many problems of one kind in one column are kept (the rest counted)."""
    return _KEPT.get()


@contextmanager
def keeping_all() -> Iterator[None]:
    """Keep every problem (the command line's `--all`)."""
    token = _KEPT.set(MAX_ROWS * MAX_COLUMNS)
    try:
        yield
    finally:
        _KEPT.reset(token)


class Refusal(Exception):
    """A file refused as a whole before its cells are typed (a bound passed)."""

    def __init__(self, code: str, row: int | None = None, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.row = row
        self.params = params


@dataclass
class _Source:
    """A file's header and its rows as lists of text cells, a chunk at a time:
    either split records (`chunks`) or the body of a text without quotes (`text`
    from byte `body`, its lines split at `separator` when read)."""

    header: list[str]
    rows: int
    chunks: list[pa.ListArray] = field(default_factory=list)
    text: bytes | None = None
    body: int = 0
    separator: str = ","

    @property
    def named(self) -> int:
        return len(self.header)

    def batches(self) -> Iterator[tuple[int, pa.ListArray]]:
        """(spreadsheet row of the first, cells of each row), a chunk at a time."""
        first = 2
        if self.text is None:
            for chunk in self.chunks:
                yield first, chunk
                first += len(chunk)
            return
        text, start = self.text, self.body
        buffer = pa.py_buffer(text)
        while start < len(text):
            # whole lines of about _CHUNK_BYTES (a longer line whole)
            end = text.rfind(b"\n", start, start + _CHUNK_BYTES) + 1
            if end <= start:
                end = text.find(b"\n", start + _CHUNK_BYTES) + 1 or len(text)
            if start + _CHUNK_BYTES >= len(text):
                end = len(text)
            # a line's break ends its last cell, which is stripped of it like any space
            lines = _lines(buffer.slice(start, end - start))
            yield first, pc.split_pattern(lines, self.separator)
            first += len(lines)
            start = end


def _collect(records: Iterable[Sequence[object]]) -> _Source:
    """Records (header first) as chunks of text lists, refused past the bounds."""
    it = iter(records)
    header = [str(h).strip() for h in next(it, [])]
    if len(header) > MAX_COLUMNS:
        raise Refusal("too_many_columns", row=1, limit=str(MAX_COLUMNS))
    source = _Source(header=header, rows=0)
    while True:
        chunk = list(itertools.islice(it, _CHUNK))
        if not chunk:
            break
        if source.rows + len(chunk) > MAX_ROWS:
            raise Refusal("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
        for n, record in enumerate(chunk):
            if len(record) > MAX_COLUMNS:
                raise Refusal("too_many_columns", row=source.rows + n + 2, limit=str(MAX_COLUMNS))
        cells = [["" if v is None else str(v) for v in record] for record in chunk]
        source.chunks.append(pa.array(cells, type=_LIST))
        source.rows += len(chunk)
    return source


def _utf8(data: bytes) -> tuple[bytes, int, str, bool] | None:
    """The upload as UTF-8: (bytes, offset of the text in them, encoding name,
    whether stray bytes were replaced); None when it is not text. A UTF-8 upload
    is its own bytes (no copy); others are converted a slice at a time."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), 0, "UTF-16", False
        except UnicodeDecodeError:
            return None
    if b"\x00" in data:
        return None
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if _valid_utf8(data, start):
        return data, start, "UTF-8 (BOM)" if start else "UTF-8", False
    if start:
        return None
    try:
        converted = _recoded(data, "cp1252")
    except UnicodeDecodeError:
        return None
    if mostly_utf8(data):
        return _recoded(data, "utf-8", "replace"), 0, "UTF-8", True
    return converted, 0, "Windows-1252", False


def _valid_utf8(data: bytes, start: int) -> bool:
    """Whether the bytes from `start` are UTF-8 (checked by Arrow, without a copy)."""
    buffer = pa.py_buffer(data)
    offsets = pa.py_buffer(np.array([start, len(data)], dtype=np.int64))
    text = pa.LargeStringArray.from_buffers(1, offsets, buffer)
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


_SLICE = 4 * 1024 * 1024


def _recoded(data: bytes, encoding: str, errors: str = "strict") -> bytes:
    """The bytes decoded from `encoding` and encoded as UTF-8, a slice at a time."""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    out = io.BytesIO()
    for start in range(0, len(data), _SLICE):
        out.write(decoder.decode(data[start : start + _SLICE]).encode("utf-8"))
    out.write(decoder.decode(b"", final=True).encode("utf-8"))
    return out.getvalue()


def _blank(utf8: bytes, start: int) -> bool:
    """Whether a text holds nothing but white space (read whole only when its
    beginning is white space)."""
    head = utf8[start : start + 4096].decode("utf-8", "ignore")
    if head and not head.isspace():
        return False
    return utf8[start:].decode("utf-8", "replace").isspace()


def _first_line(utf8: bytes, start: int) -> str:
    end = _LINE_END_BYTES.search(utf8, start)
    return utf8[start : len(utf8) if end is None else end.start()].decode("utf-8", "replace")


def read_bytes(dataset_name: str, data: bytes, file: str) -> Parsed:
    """Read an upload's bytes for `dataset_name`; never raises on bad content."""
    dataset = get_dataset(dataset_name)
    parsed = Parsed(dataset=dataset.name, file=file)
    kind = sniff_kind(data)
    if kind is not None:
        parsed.problems.append(Problem(file, f"binary_{kind}", dataset=dataset.name))
        return parsed
    decoded = _utf8(data)
    if decoded is None:
        parsed.problems.append(Problem(file, "not_text", dataset=dataset.name))
        return parsed
    utf8, start, parsed.encoding, bad_bytes = decoded
    del decoded
    if len(utf8) == start or _blank(utf8, start):
        parsed.problems.append(Problem(file, "empty_file", dataset=dataset.name))
        return parsed
    parsed.separator = detect_separator(_first_line(utf8, start))
    try:
        source = (
            _plain_source(utf8, start, parsed.separator)
            if _plain(utf8, start)
            else _csv_source(utf8, start, parsed)
        )
    except Refusal as exc:
        parsed.problems.append(
            Problem(file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
        )
        return parsed
    if source is None:
        return parsed
    return _read_source(dataset, source, parsed, bad_bytes=bad_bytes)


def _plain(utf8: bytes, start: int) -> bool:
    """Whether the csv module would split a text at every line break and
    separator: no quote anywhere, and one kind of line break ("\n" or "\r\n").
    Such a text is split by Arrow; any other by the csv module."""
    if utf8.find(b'"', start) >= 0:
        return False
    returns = utf8.count(b"\r", start)
    return returns == 0 or returns == utf8.count(b"\r\n", start) == utf8.count(b"\n", start)


def _plain_source(utf8: bytes, start: int, separator: str) -> _Source:
    """The rows of a text without quotes, read from the text's own bytes."""
    end = utf8.find(b"\n", start)
    body = len(utf8) if end < 0 else end + 1
    first = utf8[start:body].decode("utf-8").rstrip("\r\n")
    header = [h.strip() for h in first.split(separator)]
    if len(header) > MAX_COLUMNS:
        raise Refusal("too_many_columns", row=1, limit=str(MAX_COLUMNS))
    # one row per line break, and a last line without one
    rows = utf8.count(b"\n", body) + (0 if utf8.endswith(b"\n") or body == len(utf8) else 1)
    if rows > MAX_ROWS:
        raise Refusal("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
    return _Source(header=header, rows=rows, text=utf8, body=body, separator=separator)


def _csv_source(utf8: bytes, start: int, parsed: Parsed) -> _Source | None:
    """The records of a text with quotes, split by the csv module; None (the
    problem added) when its quoting is broken."""
    text = io.TextIOWrapper(io.BytesIO(utf8[start:]), encoding="utf-8", newline="")
    # strict: an unclosed quote is refused instead of swallowing the rest of the file
    reader = csv.reader(text, delimiter=parsed.separator or ",", strict=True)
    counted = _Counted(reader)
    try:
        return _collect(counted)
    except csv.Error as exc:
        # The csv module's own text is English and technical: the row is what helps.
        code = "cell_too_long" if "field limit" in str(exc) else "bad_quoting"
        params = (
            {"limit": f"{MAX_CELL_CHARS:,}".replace(",", " ")} if code == "cell_too_long" else {}
        )
        parsed.problems.append(
            Problem(parsed.file, code, row=counted.count + 1, params=params, dataset=parsed.dataset)
        )
        return None


# Bytes scanned at once for line breaks.
_SCAN_BYTES = 8 * 1024 * 1024


def _lines(utf8: pa.Buffer) -> pa.LargeStringArray:
    """The lines of a UTF-8 text, each with its line break, over the text's own
    bytes (no copy); the break that ends the text ends its last line."""
    data = np.frombuffer(utf8, dtype=np.uint8)
    ends = [np.zeros(1, dtype=np.int64)]
    for start in range(0, len(data), _SCAN_BYTES):
        found = np.flatnonzero(data[start : start + _SCAN_BYTES] == 10)
        found += start + 1
        ends.append(found)
    if len(data) and data[-1] != 10:
        ends.append(np.array([len(data)], dtype=np.int64))
    offsets = np.concatenate(ends)
    del ends
    return pa.LargeStringArray.from_buffers(len(offsets) - 1, pa.py_buffer(offsets), utf8)


class _Counted:
    """Records of a reader, counted (the row of a quoting error)."""

    def __init__(self, reader: Iterable[list[str]]) -> None:
        self.reader = iter(reader)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> list[str]:
        record = next(self.reader)
        self.count += 1
        return record


def read_records(dataset: Dataset, records: Iterable[Sequence[object]], parsed: Parsed) -> Parsed:
    """Map headers and type every cell of already split records (header first)."""
    try:
        source = _collect(records)
    except Refusal as exc:
        parsed.problems.append(
            Problem(parsed.file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
        )
        return parsed
    return _read_source(dataset, source, parsed)


def _read_source(
    dataset: Dataset, source: _Source, parsed: Parsed, *, bad_bytes: bool = False
) -> Parsed:
    file = parsed.file
    named = source.named
    header = source.header
    # columns whose header is empty or "Unnamed: n" count only when they hold values
    doubtful = [
        i for i, name in enumerate(header) if not name or name.lower().startswith("unnamed")
    ]
    filled = _filled(source, doubtful)

    index = header_index(dataset)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for i, name in enumerate(header):
        if not name:
            if i >= named or i not in filled:
                continue
            parsed.problems.append(
                Problem(file, "no_header", row=1, column=_column_letter(i), dataset=dataset.name)
            )
            continue
        canonical = index.get(fold(name))
        if canonical is None:
            if i not in filled and name.lower().startswith("unnamed"):
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
    try:
        if parsed.errors:
            # a row past the column bound refuses the file whatever its header says
            _check_widths(source)
            return parsed
        result = _type_rows(dataset, positions, source, bad_bytes=bad_bytes)
    except Refusal as exc:
        parsed.problems = [
            Problem(file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
        ]
        parsed.mapping = {}
        return parsed
    names = {
        col.name: header[positions[col.name]] for col in dataset.columns if col.name in positions
    }
    for row, _order, code, value, params, column in result.problems:
        parsed.problems.append(
            Problem(
                file,
                code,
                row=row,
                column=names.get(column, column),
                value=value,
                params=params,
                dataset=dataset.name,
            )
        )
    for (code, canonical), count in result.omitted.items():
        key = (code, None if canonical is None else names.get(canonical, canonical))
        parsed.omitted[key] = parsed.omitted.get(key, 0) + count
    for row, column, value, fixed in result.mojibake:
        parsed.problems.append(
            Problem(
                file,
                "mojibake",
                row=row,
                column=names.get(column, column),
                value=value,
                params={"fixed": fixed},
                severity="warning",
                dataset=dataset.name,
            )
        )
    parsed.table = result.table
    parsed.raw = result.raw
    parsed.row_count = result.rows
    return parsed


def _check_widths(source: _Source) -> None:
    """Refuse a source with a row wider than the column bound (its first such row)."""
    for first, cells in source.batches():
        widths = pc.list_value_length(cells)
        if len(widths) and pc.max(widths).as_py() > MAX_COLUMNS:
            at = pc.index(pc.greater(widths, MAX_COLUMNS), True).as_py()
            raise Refusal("too_many_columns", row=first + at, limit=str(MAX_COLUMNS))


def _element(cells: pa.ListArray, widths: np.ndarray, i: int) -> pa.Array:
    """The i-th cell (0-based) of each row, stripped ("" where a row is shorter)."""
    if len(widths) and int(widths.min()) > i:
        column = pc.list_element(cells, i)
    else:
        short = widths <= i
        padded = pc.if_else(pa.array(short), pa.scalar([""] * (i + 1), cells.type), cells)
        column = pc.list_element(padded, i)
    return pc.utf8_trim(column, characters=_SPACES).cast(pa.large_string())


def _filled(source: _Source, columns: Sequence[int]) -> set[int]:
    """Which of these column positions hold a value on some row."""
    found: set[int] = set()
    if not columns:
        return found
    for _, cells in source.batches():
        widths = pc.list_value_length(cells).to_numpy(zero_copy_only=False)
        for i in columns:
            if i not in found and pc.any(pc.not_equal(_element(cells, widths, i), "")).as_py():
                found.add(i)
    return found


@dataclass
class _Typed:
    table: pa.Table | None
    raw: pa.Table | None
    rows: int
    # (row, column order, code, value as typed, params, canonical column or letter)
    problems: list[tuple[int, int, str, str, dict[str, str], str]]
    # (code, canonical column; None for values past the header) -> rows past those kept
    omitted: dict[tuple[str, str | None], int]
    # (row, canonical column, value as typed, repaired text)
    mojibake: list[tuple[int, str, str, str]]


_KINDS = ("text", "number", "integer", "date", "boolean", "enum")
_ARROW_TYPES = {
    "text": pa.string(),
    "enum": pa.string(),
    "number": pa.float64(),
    "integer": pa.int32(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
}


@dataclass
class _Found:
    """Problems of one kind in one column: how many, and the first ones kept."""

    total: int = 0
    # (row, value as typed, column index past the header for values there)
    first: list[tuple[int, str, int]] = field(default_factory=list)


class _Cells:
    """The chunks of a source as DuckDB reads them (`sql/ingest/typed.sql`'s
    `cells`): blank rows left out, each mapped column's cells stripped (an empty
    cell holds the column's default, if it has one) and named `<kind>_<n>`. Values past the header
    are counted in `found` on the way; a row past the column bound ends the chunks
    with a `Refusal` in `refused`."""

    def __init__(
        self,
        dataset: Dataset,
        positions: dict[str, int],
        source: _Source,
        found: dict[tuple[int, str], _Found],
        kept: int,
        refused: list[Refusal],
    ) -> None:
        self.dataset = dataset
        self.positions = positions
        self.source = source
        self.found = found
        self.kept = kept
        self.refused = refused
        fields = [pa.field("_row", pa.int32())]
        for i, col in enumerate(dataset.columns):
            if col.name in positions or col.default is not None:
                fields.append(pa.field(f"{col.type}_{i}", pa.large_string()))
        fields += [pa.field(f"{kind}_none", pa.large_string()) for kind in _KINDS]
        self.schema = pa.schema(fields)

    def __iter__(self) -> Iterator[pa.Table]:
        for first, cells in self.source.batches():
            batch = self.chunk(first, cells)
            if self.refused:
                return
            if batch is not None:
                yield batch

    def chunk(self, first: int, cells: pa.ListArray) -> pa.Table | None:
        widths = pc.list_value_length(cells).fill_null(0).to_numpy(zero_copy_only=False)
        k = len(widths)
        if k and int(widths.max()) > MAX_COLUMNS:
            at = int(np.flatnonzero(widths > MAX_COLUMNS)[0])
            self.refused.append(Refusal("too_many_columns", row=first + at, limit=str(MAX_COLUMNS)))
            return None
        extra = _extras(cells, widths, self.source.named, first, self.found, self.kept)
        filled = pa.array(np.zeros(k, dtype=bool)) if extra is None else extra
        texts: dict[str, pa.Array] = {}
        for i, col in enumerate(self.dataset.columns):
            if col.name in self.positions:
                text = _element(cells, widths, self.positions[col.name])
                filled = pc.or_(filled, pc.not_equal(text, ""))
                texts[f"{col.type}_{i}"] = text
        # blank rows are left out
        row = pa.array(np.arange(first, first + k, dtype=np.int32))
        if pc.sum(filled).as_py() != k:
            row = row.filter(filled)
            texts = {name: text.filter(filled) for name, text in texts.items()}
            k = len(row)
        if k == 0:
            return None
        # an empty cell of a column with a default holds the default
        columns = [row]
        for i, col in enumerate(self.dataset.columns):
            name = f"{col.type}_{i}"
            if name not in self.schema.names:
                continue
            text = texts.get(name, pa.nulls(k, pa.large_string()))
            if col.default is not None:
                text = pc.if_else(pc.equal(text, "").fill_null(True), col.default, text)
            columns.append(text)
        columns += [pa.nulls(k, pa.large_string()) for _ in _KINDS]
        return pa.Table.from_arrays(columns, schema=self.schema)


def _type_rows(
    dataset: Dataset,
    positions: dict[str, int],
    source: _Source,
    *,
    kept: int | None = None,
    bad_bytes: bool = False,
) -> _Typed:
    """Type every row of a source, a chunk at a time, in DuckDB (`sql/ingest/typed.sql`):
    values, and problems by cell (the first `kept` of each kind in each column, the
    rest counted). Raises `Refusal` for a row past the column bound."""
    kept = problems_kept() if kept is None else kept
    found: dict[tuple[int, str], _Found] = {}
    suspects: list[tuple[int, int, str]] = []
    tables: list[pa.Table] = []
    raws: list[pa.Table] = []
    keep = True
    rows = 0
    refused: list[Refusal] = []
    cells = _Cells(dataset, positions, source, found, kept, refused)
    params = {"max_cell": MAX_CELL_CHARS, "bad_bytes": bad_bytes}
    small = source.rows <= KEEP_REFUSED_ROWS
    # A short file's chunks are made first and typed by two threads; a long one's
    # are made as DuckDB reads them, on this thread, one at a time (memory bounded
    # by a chunk). Either way the query is planned once.
    con = _connection(threads=2 if small else 1)
    try:
        if small:
            made = list(cells)
            if refused:
                raise refused[0]
            con.register("cells", pa.concat_tables(made) if made else cells.schema.empty_table())
            del made
        else:
            batches = (batch for chunk in cells for batch in chunk.to_batches())
            con.register("cells", pa.RecordBatchReader.from_batches(cells.schema, batches))
        query = con.sql(_sql("typed"), params=params)
        results: Iterable[pa.RecordBatch]
        if small:
            # two threads finish their parts in any order: the rows go back to the
            # file's, so the problems kept are the first ones and the table reads in order
            results = query.to_arrow_table().sort_by("_row").to_batches(_TYPING_CHUNK)
        else:
            results = query.to_arrow_reader(_TYPING_CHUNK)
        for batch in results:
            result = pa.Table.from_batches([batch])
            del batch
            rows += result.num_rows
            values, raw, bad = _values(dataset, result, found, kept, suspects, keep=keep)
            del result
            if bad and keep and source.rows > KEEP_REFUSED_ROWS:
                keep, tables, raws = False, [], []
            if keep and values is not None and raw is not None:
                tables.append(values)
                raws.append(raw)
            del values, raw
            # the chunk's working memory goes back to the system, not kept for the next
            pa.default_memory_pool().release_unused()
    finally:
        con.close()
    if refused:
        raise refused[0]
    problems: list[tuple[int, int, str, str, dict[str, str], str]] = []
    omitted: dict[tuple[str, str | None], int] = {}
    for (i, code), entry in found.items():
        owner = dataset.columns[i] if i >= 0 else None
        for row_number, value, at in entry.first:
            if owner is None:
                problems.append((row_number, -1, code, value, {}, _column_letter(at)))
            else:
                problems.append((row_number, i, code, value, _params(code, owner), owner.name))
        if entry.total > len(entry.first):
            key = None if owner is None else owner.name
            omitted[(code, key)] = entry.total - len(entry.first)
    problems.sort(key=lambda p: (p[0], p[1]))
    mojibake = []
    for row_number, i, value in suspects:
        fixed = _repaired(value)
        if fixed is not None:
            mojibake.append((row_number, dataset.columns[i].name, value, fixed))
    table = raw_table = None
    if keep:
        table = _concat(tables, _typed_schema(dataset))
        raw_table = _concat(raws, _raw_schema(dataset))
    return _Typed(table, raw_table, rows, problems, omitted, mojibake)


def _concat(tables: list[pa.Table], schema: pa.Schema) -> pa.Table:
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _typed_schema(dataset: Dataset) -> pa.Schema:
    return pa.schema(
        [*((c.name, _ARROW_TYPES[c.type]) for c in dataset.columns), ("_row", pa.int32())]
    )


def _raw_schema(dataset: Dataset) -> pa.Schema:
    return pa.schema(
        [
            ("_row", pa.int32()),
            *((c.name, pa.string()) for c in dataset.columns if c.type != "text"),
        ]
    )


def _extras(
    cells: pa.ListArray,
    widths: np.ndarray,
    named: int,
    first: int,
    found: dict[tuple[int, str], _Found],
    kept: int,
) -> pa.Array | None:
    """Rows holding a value past the header's columns: each row's first such value
    is a problem; returns which rows hold one (None: none do)."""
    if not len(widths) or int(widths.max()) <= named:
        return None
    past = pc.list_slice(cells, named)
    values = pc.utf8_trim(pc.list_flatten(past), characters=_SPACES)
    parents = pc.list_parent_indices(past).to_numpy()
    held = np.flatnonzero(pc.not_equal(values, "").to_numpy(zero_copy_only=False))
    if not len(held):
        return None
    owners, firsts = np.unique(parents[held], return_index=True)
    at = held[firsts]
    # the position of each first value in its row: its index past the row's first
    starts = np.searchsorted(parents, owners, side="left")
    entry = found.setdefault((-1, "extra_values"), _Found())
    entry.total += len(owners)
    room = kept - len(entry.first)
    if room > 0:
        taken = values.take(pa.array(at[:room])).to_pylist()
        offsets = at[:room] - starts[:room]
        for owner, value, offset in zip(owners[:room], taken, offsets, strict=True):
            entry.first.append((first + int(owner), str(value), named + int(offset)))
    mask = np.zeros(len(widths), dtype=bool)
    mask[owners] = True
    return pa.array(mask)


def _values(
    dataset: Dataset,
    result: pa.Table,
    found: dict[tuple[int, str], _Found],
    kept: int,
    suspects: list[tuple[int, int, str]],
    *,
    keep: bool = True,
) -> tuple[pa.Table | None, pa.Table | None, bool]:
    """The typed rows and the cells as typed of one typed chunk (None, None when
    they are not kept) and whether it has a problem; its problems and text that
    looks decoded twice are added to `found` and `suspects`."""
    k = result.num_rows
    row = result.column("_row").combine_chunks()
    values: dict[str, pa.Array] = {}
    raw: dict[str, pa.Array] = {"_row": row}
    bad = False
    for i, col in enumerate(dataset.columns):
        name = f"{col.type}_{i}"
        kind = _ARROW_TYPES[col.type]
        if name not in result.column_names:
            values[col.name] = pa.nulls(k, kind)
            if col.type != "text":
                raw[col.name] = pa.nulls(k, pa.string())
            continue
        cell = result.column(name).combine_chunks()
        value, code, typed = cell.field("v"), cell.field("e"), cell.field("x")
        if col.type == "enum":
            value, code = _choice(col, typed, value, code)
        if keep:
            values[col.name] = value.cast(kind)
            if col.type != "text":
                raw[col.name] = typed.cast(pa.string())
        if code.null_count < len(code):
            bad = True
            _found(found, i, row, code, typed, kept)
        if col.type == "text" and len(suspects) < kept:
            looks = cell.field("m").fill_null(False)
            if pc.any(looks).as_py():
                at = pa.array(np.flatnonzero(looks.to_numpy(zero_copy_only=False)))
                rows_at = row.take(at).to_pylist()
                texts = value.take(at).to_pylist()
                suspects.extend((int(r), i, str(t)) for r, t in zip(rows_at, texts, strict=True))
    suspects.sort()
    del suspects[kept:]
    if not keep:
        return None, None, bad
    values["_row"] = row
    return pa.table(values), pa.table(raw), bad


def _choice(
    col: Column, typed: pa.Array, folded: pa.Array, code: pa.Array
) -> tuple[pa.Array, pa.Array]:
    """A coded column's values: its folded labels looked up among the contract's
    choices; a label not among them is `expected_enum`."""
    keys, values = _choices(col)
    found = pc.take(values, pc.index_in(folded, value_set=keys))
    missing = pc.and_(pc.is_valid(typed), pc.is_null(found))
    code = pc.if_else(pc.and_(missing, pc.is_null(code)), "expected_enum", code)
    return pc.if_else(pc.is_null(code), found, pa.scalar(None, pa.string())), code


@cache
def _choices(col: Column) -> tuple[pa.Array, pa.Array]:
    """A coded column's folded values and labels, and the value each stands for."""
    out: dict[str, str] = {}
    for value, label in col.choices:
        out.setdefault(fold(value), value)
        out.setdefault(fold(label), value)
    return pa.array(list(out), pa.string()), pa.array(list(out.values()), pa.string())


def _found(
    found: dict[tuple[int, str], _Found],
    i: int,
    row: pa.ChunkedArray,
    code: pa.Array,
    typed: pa.Array,
    kept: int,
) -> None:
    """Count one chunk's problems in column i, keeping the first of each kind."""
    counts = pc.value_counts(code.drop_null())
    for item in counts.to_pylist():
        name, total = str(item["values"]), int(item["counts"])
        entry = found.setdefault((i, name), _Found())
        entry.total += total
        room = kept - len(entry.first)
        if room <= 0:
            continue
        at = np.flatnonzero(pc.equal(code, name).fill_null(False).to_numpy(zero_copy_only=False))
        at = pa.array(at[:room])
        rows_at = row.take(at).to_pylist()
        texts = typed.take(at).to_pylist()
        entry.first.extend(
            (int(r), "" if t is None else str(t), -1) for r, t in zip(rows_at, texts, strict=True)
        )


def _connection(threads: int = 2) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": threads, "memory_limit": "128MB"})
    con.execute(_macros())
    return con


@cache
def _macros() -> str:
    return (SQL_DIR / "ingest" / "macros.sql").read_text(encoding="utf-8")


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / "ingest" / f"{name}.sql").read_text(encoding="utf-8")


def _repaired(value: str) -> str | None:
    """The text a double decoding damaged, repaired by ftfy; None when the text
    does not look damaged or its repair is not text a French spreadsheet holds
    (Windows-1252), as for a Syriac or Arabic name that merely looks like it."""
    if not ftfy.badness.is_bad(value):
        return None
    fixed = ftfy.fix_encoding(value)
    if fixed == value:
        return None
    try:
        fixed.encode("cp1252")
    except UnicodeEncodeError:
        return None
    return fixed


def _params(code: str, column: Column) -> dict[str, str]:
    if code == "expected_enum":
        return {"choices": ", ".join(f"{v} ({label})" for v, label in column.choices)}
    if code == "out_of_range":
        return {"detail": _INT_DETAIL}
    if code == "cell_too_long":
        return {"limit": f"{MAX_CELL_CHARS:,}".replace(",", " ")}
    return {}


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


def frame_of_table(dataset: Dataset, table: pa.Table) -> pd.DataFrame:
    """A typed Arrow table as the typed frame pages and tests read."""
    import pandas as pd

    types = {
        pa.bool_(): pd.BooleanDtype(),
        pa.int32(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
    }
    frame: pd.DataFrame = table.to_pandas(types_mapper=types.get, date_as_object=True)
    for col in dataset.columns:
        if col.type in ("text", "enum", "date"):
            frame[col.name] = frame[col.name].astype("object").where(frame[col.name].notna(), None)
        elif col.type == "integer":
            frame[col.name] = frame[col.name].astype("Int64")
    frame["_row"] = frame["_row"].astype("int64")
    return frame


def _frame(dataset: Dataset, columns: dict[str, list[Cell]], rows: list[int]) -> pd.DataFrame:
    import pandas as pd

    data = {c.name: pd.Series(columns[c.name], dtype=_DTYPES[c.type]) for c in dataset.columns}
    data["_row"] = pd.Series(rows, dtype="int64")
    return pd.DataFrame(data)


def empty_frame(dataset_name: str) -> pd.DataFrame:
    dataset = get_dataset(dataset_name)
    return _frame(dataset, {c.name: [] for c in dataset.columns}, [])


# --- canonical output -----------------------------------------------------------


def format_cell(value: object, column: Column) -> str:
    import pandas as pd

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


def canonical_of_table(dataset_name: str, table: pa.Table) -> bytes:
    """The canonical CSV of typed Arrow rows, as `to_canonical` writes a frame
    (written by DuckDB: numbers as Python's repr, quoting as Python's csv)."""
    dataset = get_dataset(dataset_name)
    out = io.BytesIO()
    out.write((",".join(dataset.column_names) + "\n").encode("utf-8"))
    con = _connection()
    try:
        con.register("typed", table.select(dataset.column_names))
        # line by line in batches: the file is held once, as the bytes returned
        reader = con.sql(_sql("canonical")).to_arrow_reader(_CHUNK)
        for batch in reader:
            out.write(_joined(batch.column(0)))
    finally:
        con.close()
    return out.getvalue()


def _joined(lines: pa.Array) -> bytes:
    """The UTF-8 of an Arrow string array's values one after the other: its data
    buffer between the first and last offsets (no Python string per line)."""
    if lines.null_count or lines.type not in (pa.string(), pa.large_string()):
        return "".join(v for v in lines.to_pylist() if v is not None).encode("utf-8")
    if len(lines) == 0:
        return b""
    width = np.int32 if lines.type == pa.string() else np.int64
    offsets = np.frombuffer(lines.buffers()[1], dtype=width)
    start = int(offsets[lines.offset])
    end = int(offsets[lines.offset + len(lines)])
    data = lines.buffers()[2]
    return b"" if data is None else data.slice(start, end - start).to_pybytes()


def rows_to_records(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Cells from a spreadsheet reader as strings (None -> empty)."""
    return [["" if v is None else str(v) for v in row] for row in rows]
