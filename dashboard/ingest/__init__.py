"""Bytes of an upload -> typed rows per the data contract.

Spreadsheets exported on French or English settings arrive in many shapes
(encodings, separators, decimal commas, day-first dates, French labels). This
module decodes them in Python, so DuckDB only ever sees UTF-8, splits the
records with Python's csv module into Arrow text columns, and lets DuckDB turn
every cell into its canonical value (the macros in `sql/ingest/macros.sql`) or
into a `Problem` naming the spreadsheet row, the column as the file names it,
the value as typed and what was expected. Bounds (`contract.MAX_*`) are enforced
while reading, so a file past them is refused before any typing work.
"""

from __future__ import annotations

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
from typing import Literal

import duckdb
import ftfy
import ftfy.badness
import numpy as np
import pandas as pd
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
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The typed rows as a frame (empty, without columns, when none were typed)."""
        if self._frame is None:
            self._frame = (
                pd.DataFrame()
                if self.table is None
                else frame_of_table(get_dataset(self.dataset), self.table)
            )
        return self._frame

    @property
    def rows(self) -> int:
        return 0 if self.table is None else self.table.num_rows

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
    raw = _Raw(header=[column.name], named=1)
    raw.add([[text]])
    result = _convert(dataset, {column.name: 0}, raw, kept=1)
    if result.problems:
        code, params = result.problems[0][2], result.problems[0][4]
        raise CellError(code, **params)
    if result.rows == 0:
        return None if column.default is None else parse_cell(column.default, column)
    value = result.table.column(column.name)[0].as_py()
    return value  # type: ignore[no-any-return]


def parse_boolean(text: str) -> bool:
    return bool(parse_cell(text, Column("b", "b", "boolean")))


# --- reading a whole file -------------------------------------------------------

_CHUNK = 50_000
# Rows typed at once (DuckDB's and Arrow's working memory is bounded by it).
_TYPING_CHUNK = 100_000
_KEPT: ContextVar[int] = ContextVar("problems_kept", default=PROBLEMS_KEPT)


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
class _Raw:
    """Records as text columns (c0, c1, ...) in Arrow, filled chunk by chunk."""

    header: list[str]
    named: int
    rows: int = 0
    chunks: list[tuple[int, list[pa.Array]]] = field(default_factory=list)
    # (spreadsheet row, column index, value): the first value past the header's width
    extras: list[tuple[int, int, str]] = field(default_factory=list)
    # columns already built (a text without quotes, split by DuckDB)
    built: pa.Table | None = None
    built_width: int = 0

    def add(self, records: Sequence[Sequence[object]]) -> None:
        for n, record in enumerate(records):
            if len(record) > self.named:
                if len(record) > MAX_COLUMNS:
                    raise Refusal("too_many_columns", row=self.rows + n + 2, limit=str(MAX_COLUMNS))
                for i in range(self.named, len(record)):
                    value = str(record[i]).strip()
                    if value:
                        self.extras.append((self.rows + n + 2, i, value))
                        break
        columns = [
            pa.array(col, type=pa.string())
            for col in itertools.zip_longest(*records, fillvalue=None)
        ]
        self.chunks.append((len(records), columns))
        self.rows += len(records)

    @property
    def width(self) -> int:
        return max([len(self.header), self.built_width, *(len(c) for _, c in self.chunks)])

    def table(self) -> pa.Table:
        if self.built is not None:
            return self.built
        width = self.width
        columns: dict[str, pa.ChunkedArray] = {}
        for i in range(width):
            parts = [c[i] if i < len(c) else pa.nulls(n, pa.string()) for n, c in self.chunks]
            columns[f"c{i}"] = pa.chunked_array(parts, type=pa.string())
        columns["_row"] = pa.chunked_array(
            [pa.array(range(2, self.rows + 2), type=pa.int32())], type=pa.int32()
        )
        extra = {row for row, _, _ in self.extras}
        columns["_extra"] = pa.chunked_array(
            [pa.array([r in extra for r in range(2, self.rows + 2)], type=pa.bool_())]
            if extra
            else [pa.array([False] * self.rows, type=pa.bool_())],
            type=pa.bool_(),
        )
        return pa.table(columns)


def _collect(records: Iterable[Sequence[object]]) -> _Raw:
    """Records (header first) into Arrow text columns, refused past the bounds."""
    it = iter(records)
    header = [str(h).strip() for h in next(it, [])]
    if len(header) > MAX_COLUMNS:
        raise Refusal("too_many_columns", row=1, limit=str(MAX_COLUMNS))
    raw = _Raw(header=header, named=len(header))
    while True:
        chunk = list(itertools.islice(it, _CHUNK))
        if not chunk:
            break
        if raw.rows + len(chunk) > MAX_ROWS:
            raise Refusal("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
        raw.add(chunk)
    return raw


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
    del decoded
    bad_bytes = parsed.encoding == "Windows-1252" and mostly_utf8(data)
    if bad_bytes:
        text, parsed.encoding = data.decode("utf-8", "replace"), "UTF-8"
    if not text or text.isspace():
        parsed.problems.append(Problem(file, "empty_file", dataset=dataset.name))
        return parsed
    parsed.separator = detect_separator(text)
    newline = _plain_newline(text)
    if newline is not None:
        # the text as UTF-8 bytes: the upload's own bytes when they are UTF-8
        if parsed.encoding == "UTF-8" and not bad_bytes:
            utf8 = pa.py_buffer(data)
        elif parsed.encoding == "UTF-8 (BOM)":
            utf8 = pa.py_buffer(data).slice(len(b"\xef\xbb\xbf"))
        else:
            utf8 = pa.py_buffer(text.encode("utf-8"))
        del text  # the bytes hold the cells now
        try:
            raw = _split_plain(utf8, parsed.separator)
            del utf8
        except Refusal as exc:
            parsed.problems.append(
                Problem(file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
            )
            return parsed
        return _read_raw(dataset, raw, parsed, bad_bytes=bad_bytes)
    # strict: an unclosed quote is refused instead of swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parsed.separator, strict=True)
    del text
    counted = _Counted(reader)
    try:
        raw = _collect(counted)
    except csv.Error as exc:
        # The csv module's own text is English and technical: the row is what helps.
        code = "cell_too_long" if "field limit" in str(exc) else "bad_quoting"
        params = (
            {"limit": f"{MAX_CELL_CHARS:,}".replace(",", " ")} if code == "cell_too_long" else {}
        )
        parsed.problems.append(
            Problem(file, code, row=counted.count + 1, params=params, dataset=dataset.name)
        )
        return parsed
    except Refusal as exc:
        parsed.problems.append(
            Problem(file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
        )
        return parsed
    return _read_raw(dataset, raw, parsed, bad_bytes=bad_bytes)


def _plain_newline(text: str) -> str | None:
    """The line break of a text the csv module would split at every line break
    and separator: no quote anywhere, and one kind of line break ("\n" or
    "\r\n"). Such a text is split by Arrow and DuckDB; any other by the csv module."""
    if '"' in text:
        return None
    returns = text.count("\r")
    if returns == 0:
        return "\n"
    if returns == text.count("\r\n") == text.count("\n"):
        return "\r\n"
    return None


def _split_plain(utf8: pa.Buffer, separator: str) -> _Raw:
    """Records of a text without quotes (its UTF-8 bytes), as the csv module
    would split them."""
    lines = _lines(utf8)
    # a line's text without its line break (no other CR or LF is in such a text)
    first = lines[0].as_py().rstrip("\r\n") if len(lines) else ""
    header = first.split(separator) if len(lines) else []
    header = [h.strip() for h in header]
    if len(header) > MAX_COLUMNS:
        raise Refusal("too_many_columns", row=1, limit=str(MAX_COLUMNS))
    rows = max(len(lines) - 1, 0)
    if rows > MAX_ROWS:
        raise Refusal("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", " "))
    named = len(header)
    con = _connection()
    try:
        body = pa.table(
            {
                "line": lines.slice(1),
                "_row": pa.array(np.arange(2, rows + 2, dtype=np.int32)),
            }
        )
        del lines
        # the separator is one of SEPARATORS (code, not data), written as chr(n)
        if separator not in SEPARATORS:
            raise ValueError(separator)
        split = f"string_split(rtrim(line, chr(13) || chr(10)), chr({ord(separator)}))"
        # one pass: the header's columns, each row's width and what lies past the header
        columns = "".join(f"l[{i + 1}] as c{i}, " for i in range(named))
        parts = []
        for offset in range(0, max(body.num_rows, 1), _TYPING_CHUNK):
            con.register("body", body.slice(offset, _TYPING_CHUNK))
            parts.append(
                con.sql(
                    f"select {columns}_row, len(l) as _width, "
                    f"case when len(l) > {named} then l[{named + 1}:] end as _rest "
                    f"from (select _row, {split} as l from body)"
                ).to_arrow_table()
            )
        con.unregister("body")
        del body
        table = pa.concat_tables(parts)
        del parts
        widths = table.column("_width")
        widest = pc.max(widths).as_py() if len(widths) else None
        width = max(named, widest or 0)
        extras: list[tuple[int, int, str]] = []
        if width > named:
            over = table.filter(pc.greater(widths, MAX_COLUMNS))
            if over.num_rows:
                row = over.column("_row")[0].as_py()
                raise Refusal("too_many_columns", row=int(row), limit=str(MAX_COLUMNS))
            wide = table.filter(pc.greater(widths, named))
            rests = wide.column("_rest").to_pylist()
            for row, rest in zip(wide.column("_row").to_pylist(), rests, strict=True):
                for i, value in enumerate(rest or []):
                    if value.strip():
                        extras.append((int(row), named + i, value.strip()))
                        break
            con.register("rests", table.select(["_row", "_rest"]))
            more = con.sql(
                "select "
                + ", ".join(f"_rest[{j + 1}] as c{named + j}" for j in range(width - named))
                + " from rests"
            ).to_arrow_table()
            for name in more.column_names:
                table = table.append_column(name, more.column(name))
        extra_rows = pa.array(sorted({row for row, _, _ in extras}), type=pa.int32())
        table = table.drop_columns(["_width", "_rest"]).append_column(
            "_extra", pc.is_in(table.column("_row"), value_set=extra_rows)
        )
    finally:
        con.close()
    return _Raw(
        header=header,
        named=named,
        rows=rows,
        extras=extras,
        built=table,
        built_width=width,
    )


# Bytes scanned at once for line breaks.
_SCAN_BYTES = 8 * 1024 * 1024


def _lines(utf8: pa.Buffer) -> pa.LargeStringArray:
    """The lines of a UTF-8 text, each with its line break, over the text's own
    bytes (no copy); the break that ends the text ends its last line."""
    data = np.frombuffer(utf8, dtype=np.uint8)
    ends = [np.zeros(1, dtype=np.int64)]
    for start in range(0, len(data), _SCAN_BYTES):
        ends.append(np.flatnonzero(data[start : start + _SCAN_BYTES] == 10) + (start + 1))
    if len(data) and data[-1] != 10:
        ends.append(np.array([len(data)], dtype=np.int64))
    offsets = np.concatenate(ends).astype(np.int64)
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
        raw = _collect(records)
    except Refusal as exc:
        parsed.problems.append(
            Problem(parsed.file, exc.code, row=exc.row, params=exc.params, dataset=dataset.name)
        )
        return parsed
    return _read_raw(dataset, raw, parsed)


def _read_raw(dataset: Dataset, raw: _Raw, parsed: Parsed, *, bad_bytes: bool = False) -> Parsed:
    file = parsed.file
    named = raw.named
    width = raw.width
    header = raw.header + [""] * (width - len(raw.header))
    table = raw.table()
    # columns whose header is empty or "Unnamed: n" count only when they hold values
    doubtful = [
        i
        for i, name in enumerate(header)
        if (not name and i < named) or (name and name.lower().startswith("unnamed"))
    ]
    filled = _filled(table, doubtful)

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
    if parsed.errors:
        return parsed
    del table  # handed over: the raw columns are freed as they are typed
    result = _convert(dataset, positions, raw, bad_bytes=bad_bytes, release=True)
    names = {
        col.name: header[positions[col.name]] for col in dataset.columns if col.name in positions
    }
    extras: list[tuple[int, int, str, str, dict[str, str], str]] = [
        (row, -1, "extra_values", value, {}, _column_letter(i)) for row, i, value in raw.extras
    ]
    kept = problems_kept()
    kept_extras = extras[:kept]
    if len(extras) > kept:
        parsed.omitted[("extra_values", None)] = len(extras) - kept
    cells = [
        (row, order, code, value, params, names.get(column, column))
        for row, order, code, value, params, column in result.problems
    ]
    for row, _order, code, value, params, column in sorted(
        [*kept_extras, *cells], key=lambda p: (p[0], p[1])
    ):
        parsed.problems.append(
            Problem(
                file,
                code,
                row=row,
                column=column,
                value=value,
                params=params,
                dataset=dataset.name,
            )
        )
    for (code, column), count in result.omitted.items():
        key = (code, names.get(column, column))
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
    return parsed


def _filled(table: pa.Table, columns: Sequence[int]) -> set[int]:
    """Which of these column positions hold a value on some row."""
    if not columns or table.num_rows == 0:
        return set()
    con = _connection()
    try:
        con.register("raw", table)
        exprs = ", ".join(f"bool_or(ingest_strip(c{i}) <> '')" for i in columns)
        found = con.execute(f"select {exprs} from raw").fetchone() or ()
    finally:
        con.close()
    return {i for i, hit in zip(columns, found, strict=True) if hit}


@dataclass
class _Converted:
    table: pa.Table
    raw: pa.Table
    rows: int
    # (row, column order, code, value as typed, params, canonical column)
    problems: list[tuple[int, int, str, str, dict[str, str], str]]
    omitted: dict[tuple[str, str], int]
    # (row, canonical column, value as typed, repaired text)
    mojibake: list[tuple[int, str, str, str]]


def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "192MB"})
    con.execute(_macros())
    return con


@cache
def _macros() -> str:
    return (SQL_DIR / "ingest" / "macros.sql").read_text(encoding="utf-8")


def _ident(name: str) -> str:
    # column names come from the contract, never from a file
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(name)
    return f'"{name}"'


@dataclass(frozen=True)
class _Typing:
    """How one column is typed in SQL, in three steps over its text `x{i}`: a
    helper (`h{i}`: the number's text, the date's parts, the folded label), the
    value (`v{i}`) and the problem code (`e{i}`, NULL when the cell converts)."""

    helper: str
    value: str
    code: str
    final: str


def _typing(col: Column, i: int) -> _Typing:
    x, h, v = f"x{i}", f"h{i}", f"v{i}"
    first = (
        f"when {x} is null then null "
        f"when length({x}) > $max_cell then 'cell_too_long' "
        f"when $bad_bytes and contains({x}, chr(65533)) then 'bad_bytes'"
    )
    if col.type == "text":
        # a lone CR (old Mac line break) becomes a line feed; CRLF stays
        value = (
            f"case when contains({x}, chr(13)) then array_to_string(list_transform("
            f"string_split({x}, chr(13) || chr(10)), lambda s: replace(s, chr(13), chr(10))), "
            f"chr(13) || chr(10)) else {x} end"
        )
        return _Typing("null", value, f"case {first} end", v)
    if col.type in ("number", "integer"):
        # a plain number (most cells) is cast at once; any other through the macros
        helper = (
            f"case when regexp_full_match({x}, '{_PLAIN_NUMBER}') then replace({x}, ',', '.') end"
        )
        code = f"case {first} when {v} is null then 'expected_number' "
        if col.type == "integer":
            code += (
                f"when {v} <> trunc({v}) then 'expected_integer' "
                f"when {v} < {INT_MIN} or {v} > {INT_MAX} then 'out_of_range' "
            )
            final = (
                f"case when {v} = trunc({v}) and {v} between {INT_MIN} and {INT_MAX} "
                f"then {v}::integer end"
            )
        else:
            final = v
        value = (
            f"case when {h} is not null then ingest_finite(try_cast({h} as double)) "
            f"else ingest_number_of(ingest_number_text({x})) end"
        )
        return _Typing(helper, value, code + "end", final)
    if col.type == "date":
        code = (
            f"case {first} when {h} is null then 'expected_date' "
            f"when {v} is null then 'impossible_date' end"
        )
        return _Typing(f"ingest_date_parts({x})", f"ingest_date({h})", code, v)
    if col.type == "boolean":
        code = f"case {first} when {v} is null then 'expected_boolean' end"
        return _Typing(f"ingest_fold({x})", f"ingest_boolean_of({h})", code, v)
    # a label typed exactly as listed is looked up as it is; any other folded first
    value = (
        f"coalesce($p{i}_exact_values[list_position($p{i}_exact, {x})], "
        f"$p{i}_values[list_position($p{i}_keys, {h})])"
    )
    code = f"case {first} when {v} is null then 'expected_enum' end"
    helper = f"case when not list_contains($p{i}_exact, {x}) then ingest_fold({x}) end"
    return _Typing(helper, value, code, v)


# A number as most cells hold it (the same rule as `ingest_number_ready`).
_PLAIN_NUMBER = "[+-]?[0-9]+([.,][0-9]+)?"


def _exact_choices(col: Column) -> dict[str, str]:
    """An enum's values and labels as listed -> the value their folded form finds
    (what the folded lookup gives them, so the shortcut changes no answer)."""
    keys = [k for value, label in col.choices for k in (fold(value), fold(label))]
    values = [value for value, _ in col.choices for _ in (0, 1)]
    out: dict[str, str] = {}
    for value, label in col.choices:
        for text in (value, label):
            out.setdefault(text, values[keys.index(fold(text))])
    return out


# Text cells that may have been decoded twice ("CitÃ© des Ã‰lectriciens"): a
# UTF-8 lead byte read as Windows-1252 or Latin-1, then a continuation byte so read.
_MOJIBAKE = (
    "[\\x{c2}-\\x{f4}][\\x{80}-\\x{bf}\\x{152}\\x{153}\\x{160}\\x{161}\\x{178}\\x{17d}"
    "\\x{17e}\\x{192}\\x{2c6}\\x{2dc}\\x{2013}\\x{2014}\\x{2018}-\\x{201e}\\x{2020}-\\x{2022}"
    "\\x{2026}\\x{2030}\\x{2039}\\x{203a}\\x{20ac}\\x{2122}]"
)


def _convert(
    dataset: Dataset,
    positions: dict[str, int],
    raw: _Raw,
    *,
    table: pa.Table | None = None,
    kept: int | None = None,
    bad_bytes: bool = False,
    release: bool = False,
) -> _Converted:
    """Type every mapped column in DuckDB: values, and problems by cell.
    `release`: `raw` gives its columns up, each chunk freed once typed."""
    kept = problems_kept() if kept is None else kept
    con = _connection()
    try:
        params: dict[str, object] = {"max_cell": MAX_CELL_CHARS, "bad_bytes": bad_bytes}
        stripped = []
        for col in dataset.columns:
            pos = positions.get(col.name)
            stripped.append(
                f"ingest_strip(c{pos}) as {_ident(col.name)}"
                if pos is not None
                else f"'' as {_ident(col.name)}"
            )
        present = [_ident(c.name) for c in dataset.columns if c.name in positions]
        blank = " and ".join(f"{c} = ''" for c in present) or "true"
        effective = []
        for i, col in enumerate(dataset.columns):
            name = _ident(col.name)
            if col.default is not None:
                params[f"d{i}"] = col.default
                effective.append(f"coalesce(nullif({name}, ''), $d{i}) as {name}")
            else:
                effective.append(f"nullif({name}, '') as {name}")
            if col.type == "enum":
                params[f"p{i}_keys"] = [
                    k for value, label in col.choices for k in (fold(value), fold(label))
                ]
                params[f"p{i}_values"] = [value for value, _ in col.choices for _ in (0, 1)]
                exact = _exact_choices(col)
                params[f"p{i}_exact"] = list(exact)
                params[f"p{i}_exact_values"] = list(exact.values())
        typings = [_typing(col, i) for i, col in enumerate(dataset.columns)]
        xs = ", ".join(f"{_ident(c.name)} as x{i}" for i, c in enumerate(dataset.columns))
        hs = ", ".join(f"{t.helper} as h{i}" for i, t in enumerate(typings))
        vs = ", ".join(f"{t.value} as v{i}" for i, t in enumerate(typings))
        cols = dataset.columns
        es = ", ".join(f"{t.code} as e{i}, {t.final} as f{i}, x{i}" for i, t in enumerate(typings))
        # one streaming pass (DuckDB keeps the rows' order without a sort); a
        # refused cell's typed value is left empty
        source = raw.table() if table is None else table
        if release:
            raw.built, raw.chunks = None, []
        parts = [
            pa.Table.from_batches([batch], source.schema)
            for batch in source.to_batches(max_chunksize=_TYPING_CHUNK)
        ] or [source]
        del source
        parts.reverse()
        outs: list[pa.Table] = []
        raws: list[pa.Table] = []
        found: list[tuple[int, int, str, str]] = []
        totals: dict[tuple[int, str], int] = {}
        suspects: list[tuple[int, int, str]] = []
        # a chunk at a time: memory bounded by the chunk, not the file
        while parts:
            con.register("raw", parts.pop())
            result = con.sql(
                f"with s as (select _row, _extra, {', '.join(stripped)} from raw), "
                f"k as (select _row, {', '.join(effective)} from s where _extra or not ({blank})), "
                f"x as (select _row, {xs} from k), "
                f"h as (select *, {hs} from x), "
                f"v as (select *, {vs} from h), "
                f"e as (select _row, {es} from v) "
                "select _row, "
                + ", ".join(
                    f"e{i}, case when e{i} is null then f{i} end as t{i}, "
                    # a text cell's text is its value: kept apart only when refused
                    + (f"x{i}" if c.type != "text" else f"case when e{i} is not null then x{i} end")
                    + f" as x{i}"
                    for i, c in enumerate(cols)
                )
                + " from e",
                params=params,
            ).to_arrow_table()
            n = len(cols)
            out = pa.table(
                {
                    **{c.name: result.column(f"t{i}") for i, c in enumerate(cols)},
                    "_row": result.column("_row"),
                }
            )
            untyped = [i for i, c in enumerate(cols) if c.type != "text"]
            raw_out = pa.table(
                {
                    "_row": result.column("_row"),
                    **{cols[i].name: result.column(f"x{i}") for i in untyped},
                }
            )
            con.register("cells", result)
            # only the columns with a refused cell (none, most often) are searched
            refused = [i for i in range(n) if result.column(f"e{i}").null_count < result.num_rows]
            union = " union all ".join(
                f"select _row, {i} as i, e{i} as code, x{i} as value "
                f"from cells where e{i} is not null"
                for i in refused
            )
            found_here = (
                []
                if not refused
                else con.execute(
                    f"with p as ({union}) select _row, i, code, value from p "
                    "qualify row_number() over (partition by i, code order by _row) <= $kept "
                    "order by _row, i",
                    {"kept": kept},
                ).fetchall()
            )
            counts = (
                con.execute(
                    f"with p as ({union}) select i, code, count(*) from p group by all"
                ).fetchall()
                if refused
                else []
            )
            texts = [i for i, c in enumerate(cols) if c.type == "text"]
            suspects_here = (
                con.execute(
                    " union all ".join(
                        f"select _row, {i} as i, t{i} as value from cells "
                        # (damage is never plain ASCII: bytes and characters counted apart)
                        f"where strlen(t{i}) <> length(t{i}) and regexp_matches(t{i}, $pattern)"
                        for i in texts
                    )
                    + " order by _row limit $kept",
                    {"pattern": _MOJIBAKE, "kept": kept},
                ).fetchall()
                if texts
                else []
            )
            outs.append(out)
            raws.append(raw_out)
            found.extend(found_here)
            for i, code, total in counts:
                totals[(i, code)] = totals.get((i, code), 0) + int(total)
            suspects.extend(suspects_here[: kept - len(suspects)])
            con.unregister("cells")
        out = pa.concat_tables(outs)
        raw_out = pa.concat_tables(raws)
        kept_per: dict[tuple[int, str], int] = {}
        capped = []
        for row, i, code, value in found:
            seen = kept_per.get((i, code), 0)
            if seen < kept:
                capped.append((row, i, code, value))
                kept_per[(i, code)] = seen + 1
        found = sorted(capped, key=lambda f: (f[0], f[1]))
        counts = [(i, code, total) for (i, code), total in totals.items()]
    finally:
        con.close()
    problems = []
    for row, i, code, value in found:
        col = dataset.columns[i]
        problems.append((row, i, code, value, _params(code, col), col.name))
    omitted = {
        (code, dataset.columns[i].name): total - kept for i, code, total in counts if total > kept
    }
    mojibake = []
    for row, i, value in suspects:
        fixed = _repaired(value)
        if fixed is not None:
            mojibake.append((row, dataset.columns[i].name, value, fixed))
    return _Converted(out, raw_out, out.num_rows, problems, omitted, mojibake)


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
_PANDAS_TYPES = {
    pa.bool_(): pd.BooleanDtype(),
    pa.int32(): pd.Int64Dtype(),
    pa.float64(): pd.Float64Dtype(),
}


def frame_of_table(dataset: Dataset, table: pa.Table) -> pd.DataFrame:
    """A typed Arrow table as the typed frame pages and tests read."""
    frame: pd.DataFrame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, date_as_object=True)
    for col in dataset.columns:
        if col.type in ("text", "enum", "date"):
            frame[col.name] = frame[col.name].astype("object").where(frame[col.name].notna(), None)
        elif col.type == "integer":
            frame[col.name] = frame[col.name].astype("Int64")
    frame["_row"] = frame["_row"].astype("int64")
    return frame


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


def canonical_of_table(dataset_name: str, table: pa.Table) -> bytes:
    """The canonical CSV of typed Arrow rows, as `to_canonical` writes a frame
    (written by DuckDB: numbers as Python's repr, quoting as Python's csv)."""
    dataset = get_dataset(dataset_name)
    cells = []
    for col in dataset.columns:
        name = _ident(col.name)
        if col.type == "number":
            text = f"ingest_number_out({name})"
        elif col.type == "integer" or col.type == "date":
            text = f"{name}::varchar"
        elif col.type == "boolean":
            text = f"case when {name} then 'true' when not {name} then 'false' end"
        else:
            text = name
        # a number, a date or a boolean never holds a comma, a quote or a line break
        cells.append(
            f"ingest_csv_cell({text})" if col.type in ("text", "enum") else f"coalesce({text}, '')"
        )
    out = io.BytesIO()
    out.write((",".join(dataset.column_names) + "\n").encode("utf-8"))
    con = _connection()
    try:
        con.register("typed", table)
        # line by line in batches: the file is held once, as the bytes returned
        reader = con.sql(
            f"select concat_ws(',', {', '.join(cells)}) || chr(10) as line from typed"
        ).to_arrow_reader(_CHUNK)
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
