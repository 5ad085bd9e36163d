"""An upload staged for staff before anything is written (pure, no Streamlit).

Several files or sheets uploaded together are judged together: every staged
dataset goes to `checks.validate` at once, so a reference from one sheet to a
row another sheet adds is judged with both. They are then committed one by one
through the store, each with its own check under the store's lock. Beside that
logic: the tables the data page shows (problems grouped and located, a preview
of the file with problem cells marked, the change row by row, the history).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dashboard import ingest
from dashboard.contract import DATASET_ORDER, Column, get_dataset
from dashboard.i18n import choice_label, column_label, format_day, format_number, t
from dashboard.ingest import Parsed, Problem, checks, uploads
from dashboard.ingest.uploads import Upload
from dashboard.store import CommitRefused, Version
from dashboard.store import DataStore as Store

if TYPE_CHECKING:  # pandas is loaded when a table is made, not on the command line's path
    import pandas as pd
    from pandas.io.formats.style import Styler

    from dashboard.ingest.diff import Diff

# --- judging and committing several datasets together -----------------------------------


def typed(parsed: Parsed) -> bool:
    """Whether a parse got as far as typed rows (its headers were understood)."""
    return "_row" in parsed.frame.columns


@dataclass
class Batch:
    """Uploads judged together, in dependency order."""

    uploads: list[Upload]
    # problems in current files that no upload replaces (references they would break)
    broken: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for u in self.uploads for p in u.problems] + self.broken

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return bool(self.uploads) and not self.errors

    @property
    def datasets(self) -> list[str]:
        return [u.dataset for u in self.uploads]

    @property
    def omitted(self) -> dict[tuple[str, str, str | None], int]:
        """Problems past those kept, counted by (file, code, column)."""
        out: dict[tuple[str, str, str | None], int] = {}
        for u in self.uploads:
            for key, n in u.omitted.items():
                out[key] = out.get(key, 0) + n
        return out

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(self.omitted.values())


def _order(parsed: Sequence[Parsed]) -> list[Parsed]:
    names = [p.dataset for p in parsed]
    if len(set(names)) != len(names):
        raise ValueError(f"one dataset uploaded twice: {names}")
    return sorted(parsed, key=lambda p: DATASET_ORDER.index(p.dataset))


def _validate(store: Store, staged: dict[str, Parsed]) -> list[Problem]:
    return checks.validate(store.current_files(), staged) if staged else []


def judge_all(store: Store, parsed: Sequence[Parsed]) -> Batch:
    """Check parsed files against each other and the store's current data.

    Files whose cells had problems are still checked (their typed rows are
    there, a refused cell left empty), so one look shows every problem: a bad
    date and an unknown reference on the same upload. Files whose headers could
    not be mapped have no rows to check.
    """
    ordered = _order(parsed)
    batch = Batch(
        [
            Upload(
                parsed=p,
                problems=list(p.problems),
                omitted={(p.file, code, col): n for (code, col), n in p.omitted.items()},
            )
            for p in ordered
        ]
    )
    by_dataset = {u.dataset: u for u in batch.uploads}
    by_file = {u.parsed.file: u for u in batch.uploads}
    staged = {p.dataset: p for p in ordered if typed(p)}
    found = checks.validate_found(store.current_files(), staged) if staged else checks.Found()
    for (file, code, column), n in found.omitted.items():
        owner = by_file.get(file, batch.uploads[0] if batch.uploads else None)
        if owner is not None:
            owner.omitted[(file, code, column)] = owner.omitted.get((file, code, column), 0) + n
    for problem in found.problems:
        upload = by_dataset.get(problem.dataset or "")
        if upload is not None:
            upload.problems.append(problem)
        else:
            batch.broken.append(problem)
    return batch


@dataclass
class Outcome:
    committed: list[Version] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # the dataset whose commit was refused, with why; those after it were not tried
    refused: str | None = None
    problems: list[Problem] = field(default_factory=list)
    not_tried: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.refused is None


Step = Callable[[str, int, int], None]


def commit_all(store: Store, batch: Batch, *, by: str, step: Step | None = None) -> Outcome:
    """Commit a judged batch dataset by dataset, in dependency order.

    Each commit checks again under the store's lock, against the data as it is
    then together with the uploads not yet committed (a sheet that removes a
    task and another that drops the actions citing it are judged as a pair). A
    refusal midway stops there: the datasets already committed stay committed
    and are named. `step(dataset, done, total)` is told before each commit.
    """
    if not batch.ok:
        raise CommitRefused(list(batch.errors))
    outcome = Outcome()
    if len(batch.uploads) == 1:
        # one file: exactly the command line's path
        upload = batch.uploads[0]
        if step is not None:
            step(upload.dataset, 0, 1)
        try:
            version = uploads.commit_upload(store, upload, by=by)
        except CommitRefused as exc:
            outcome.refused = upload.dataset
            outcome.problems = [p for p in exc.problems if isinstance(p, Problem)]
            return outcome
        _record(outcome, upload.dataset, version)
        return outcome
    remaining = list(batch.uploads)
    while remaining:
        upload = remaining[0]
        staged = {u.dataset: u.parsed for u in remaining}
        if step is not None:
            step(upload.dataset, len(batch.uploads) - len(remaining), len(batch.uploads))

        def precheck(staged: dict[str, Parsed] = staged) -> None:
            errors = [p for p in _validate(store, staged) if p.severity == "error"]
            if errors:
                raise CommitRefused(list(errors))

        try:
            version = store.commit(
                upload.dataset,
                upload.canonical(),
                by=by,
                source=upload.parsed.file,
                rows=upload.rows,
                precheck=precheck,
            )
        except CommitRefused as exc:
            outcome.refused = upload.dataset
            outcome.problems = [p for p in exc.problems if isinstance(p, Problem)]
            outcome.not_tried = [u.dataset for u in remaining[1:]]
            return outcome
        _record(outcome, upload.dataset, version)
        remaining.pop(0)
    return outcome


def _record(outcome: Outcome, dataset: str, version: Version | None) -> None:
    if version is None:
        outcome.unchanged.append(dataset)
    else:
        outcome.committed.append(version)


# --- data as typed frames ---------------------------------------------------------------


def frame_of(dataset: str, data: bytes | None) -> pd.DataFrame:
    """A canonical file's rows, typed as ingest types an upload (no row numbers)."""
    if data is None:
        return ingest.empty_frame(dataset).drop(columns=["_row"])
    parsed = ingest.read_bytes(dataset, data, f"{dataset}.csv")
    if not typed(parsed):
        return ingest.empty_frame(dataset).drop(columns=["_row"])
    return parsed.frame.drop(columns=["_row"])


def current_frame(store: Store, dataset: str) -> pd.DataFrame:
    return frame_of(dataset, store.read_current(dataset))


def version_frame(store: Store, dataset: str, version: int) -> pd.DataFrame:
    return frame_of(dataset, store.version_bytes(dataset, version))


def _cell(value: object, column: Column) -> object:
    if _missing(value):
        return None
    if column.type in ("number", "integer"):
        number = float(value)  # type: ignore[arg-type]
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if column.type == "boolean":
        return bool(value)
    if column.type == "date" and isinstance(value, date):
        return value
    return ingest.format_cell(value, column)


def download_frame(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """A typed frame for a workbook download: canonical headers, real number, date
    and boolean cells, so it reads back as it is."""
    import pandas as pd

    columns = [c for c in get_dataset(dataset).columns if c.name in frame.columns]
    return pd.DataFrame(
        {c.name: pd.Series([_cell(v, c) for v in frame[c.name]], dtype="object") for c in columns}
    )


def download_csv(frame: pd.DataFrame, dataset: str) -> bytes:
    """A typed frame as canonical CSV for a spreadsheet (UTF-8 with BOM).

    Text cells that a spreadsheet would run as a formula are neutralised;
    numbers are left alone (a negative longitude is a number, not a formula).
    """
    from dashboard import export

    spec = get_dataset(dataset)
    columns = [c for c in spec.columns if c.name in frame.columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    values = [frame[c.name].tolist() for c in columns]
    for i in range(len(frame)):
        row = []
        for c, cells in zip(columns, values, strict=True):
            text = ingest.format_cell(cells[i], c)
            row.append(str(export.neutralise(text)) if c.type in ("text", "enum") else text)
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


# --- showing values ---------------------------------------------------------------------


def _missing(value: object) -> bool:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def show(value: object, dataset: str, column: str, lang: str) -> str:
    """A cell as people read it in the page's language."""
    if _missing(value):
        return ""
    spec = get_dataset(dataset).column(column)
    if spec.type == "date":
        day = value.date() if isinstance(value, datetime) else value
        return format_day(day, lang, "short") if isinstance(day, date) else str(value)
    if spec.type in ("number", "integer"):
        number = float(value)  # type: ignore[arg-type]
        text = ingest.format_cell(number, spec)
        digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
        return format_number(number, lang, min(digits, 6))
    if spec.type == "boolean":
        return t("data_page.yes" if value else "data_page.no", lang)
    if spec.type == "enum":
        return choice_label(dataset, column, str(value), lang)
    return str(value)


def shown(frame: pd.DataFrame, dataset: str, lang: str) -> pd.DataFrame:
    """A typed frame with every cell shown as text and its columns labelled."""
    import pandas as pd

    columns = [c for c in get_dataset(dataset).column_names if c in frame.columns]
    out = pd.DataFrame(
        {
            column_label(dataset, c, lang): [show(v, dataset, c, lang) for v in frame[c]]
            for c in columns
        },
        index=frame.index,
    )
    if "_row" in frame.columns:
        out.insert(0, t("data_page.col_row", lang), frame["_row"].astype("int64").to_numpy())
    return out.reset_index(drop=True)


# --- problems ---------------------------------------------------------------------------


def expected(problem: Problem, lang: str) -> str:
    """What a problem says was expected, without where it is."""
    return t(f"problem.{problem.code}", lang, **problem.params)


def problem_table(problems: Sequence[Problem], lang: str) -> pd.DataFrame:
    """One line per problem: file (or sheet), spreadsheet row, column, value, expected."""
    import pandas as pd

    return pd.DataFrame(
        {
            t("data_page.col_file", lang): [p.file for p in problems],
            t("data_page.col_row", lang): pd.array([p.row for p in problems], dtype="Int64"),
            t("data_page.col_column", lang): [p.column or "" for p in problems],
            t("data_page.col_value", lang): [p.value or "" for p in problems],
            t("data_page.col_expected", lang): [expected(p, lang) for p in problems],
        }
    )


# Problems shown of one kind in one column before "... and N more".
FIRST_OF_GROUP = 5

Omitted = dict[tuple[str, str, str | None], int]


@dataclass(frozen=True)
class Group:
    file: str
    code: str
    column: str | None
    count: int
    first: Problem
    # the group's first problems (at most FIRST_OF_GROUP), in file order
    shown: tuple[Problem, ...] = ()

    def text(self, lang: str) -> str:
        return expected(self.first, lang)

    @property
    def rest(self) -> int:
        """Problems of the group not shown (counted ones included)."""
        return self.count - len(self.shown)

    def rows(self) -> str:
        return ", ".join(str(p.row) for p in self.shown if p.row is not None)


def groups(problems: Sequence[Problem], omitted: Omitted | None = None) -> list[Group]:
    """Problems of one kind in one column of one file, counted (those past the
    kept ones too); largest first."""
    found: dict[tuple[str, str, str | None], list[Problem]] = {}
    for p in problems:
        found.setdefault((p.file, p.code, p.column), []).append(p)
    more = omitted or {}
    out = [
        Group(
            f, code, col, len(ps) + more.get((f, code, col), 0), ps[0], tuple(ps[:FIRST_OF_GROUP])
        )
        for (f, code, col), ps in found.items()
    ]
    return sorted(out, key=lambda g: -g.count)


def group_table(
    problems: Sequence[Problem], lang: str, omitted: Omitted | None = None
) -> pd.DataFrame:
    import pandas as pd

    gs = groups(problems, omitted)
    return pd.DataFrame(
        {
            t("data_page.col_count", lang): [g.count for g in gs],
            t("data_page.col_file", lang): [g.file for g in gs],
            t("data_page.col_column", lang): [g.column or "" for g in gs],
            t("data_page.col_expected", lang): [g.text(lang) for g in gs],
            t("data_page.col_first_row", lang): pd.array([g.first.row for g in gs], dtype="Int64"),
            t("data_page.col_first_rows", lang): [g.rows() + (" …" if g.rest else "") for g in gs],
        }
    )


# --- the file as the spreadsheet shows it, with problem cells marked --------------------


@dataclass
class Preview:
    frame: pd.DataFrame  # indexed by spreadsheet row, columns as the file names them
    marks: dict[tuple[int, str], str]  # (row, column) -> severity

    @property
    def error_cells(self) -> int:
        return sum(1 for s in self.marks.values() if s == "error")


def _unique(headers: Sequence[str]) -> list[str]:
    out: list[str] = []
    for i, h in enumerate(headers):
        name = h.strip() or ingest._column_letter(i)
        while name in out:
            name = f"{name} ({ingest._column_letter(i)})"
        out.append(name)
    return out


def preview(
    records: Sequence[Sequence[str]],
    problems: Sequence[Problem],
    *,
    rows: int = 15,
) -> Preview:
    """The rows of the first problems (or the first rows when there are none),
    as the spreadsheet shows them, each problem cell marked; the problem
    columns are moved just after the first one."""
    import pandas as pd

    if not records:
        return Preview(pd.DataFrame(), {})
    header = [str(h) for h in records[0]]
    width = max(len(r) for r in records)
    header += [""] * (width - len(header))
    names = _unique(header)
    position = {h.strip(): i for i, h in reversed(list(enumerate(header))) if h.strip()}
    letters = {ingest._column_letter(i): i for i in range(width)}
    located = sorted(
        (p for p in problems if p.row is not None and p.row >= 2),
        key=lambda p: (p.severity != "error", p.row),
    )
    wanted: list[int] = []
    for p in located:
        if p.row not in wanted and p.row is not None and p.row - 1 < len(records):
            wanted.append(p.row)
        if len(wanted) >= rows:
            break
    if not wanted:
        wanted = [n + 1 for n in range(1, min(len(records), rows + 1))]
    wanted.sort()
    body = [[str(v) for v in records[r - 1]] + [""] * (width - len(records[r - 1])) for r in wanted]
    frame = pd.DataFrame(body, columns=names, index=pd.Index(wanted, name="#"))
    marks: dict[tuple[int, str], str] = {}
    for p in located:
        if p.row not in wanted or p.column is None:
            continue
        i = position.get(p.column.strip(), letters.get(p.column))
        if i is None:
            continue
        key = (p.row, names[i])
        if marks.get(key) != "error":
            marks[key] = p.severity
    # the first column (the row's identifier) and the problem columns come first, so
    # the coloured cells are in view however wide the file is
    marked = {column for _, column in marks}
    order = (
        names[:1]
        + [n for n in names[1:] if n in marked]
        + [n for n in names[1:] if n not in marked]
    )
    return Preview(frame[order], marks)


_COLOURS = {"error": "background-color: #f8d0cc", "warning": "background-color: #fbe9bf"}


def styled(view: Preview) -> Styler:
    """The preview with each problem cell coloured (errors red, warnings amber)."""
    import pandas as pd

    def paint(frame: pd.DataFrame) -> pd.DataFrame:
        css = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, column), severity in view.marks.items():
            css.loc[row, column] = _COLOURS[severity]
        return css

    return view.frame.style.apply(paint, axis=None)


# --- how the file was read --------------------------------------------------------------


def mapping_table(parsed: Parsed, lang: str) -> pd.DataFrame:
    """Each header of the file and the column it fills; columns the file lacks."""
    import pandas as pd

    dataset = get_dataset(parsed.dataset)
    header_col = t("data_page.col_header", lang)
    target_col = t("data_page.col_target", lang)
    rows: list[tuple[str, str]] = []
    for header, canonical in parsed.mapping.items():
        if canonical is None:
            target = t("data_page.unknown_column", lang)
        else:
            target = f"{column_label(dataset.name, canonical, lang)} ({canonical})"
        rows.append((header, target))
    mapped = {c for c in parsed.mapping.values() if c}
    for col in dataset.columns:
        if col.name in mapped:
            continue
        label = f"{column_label(dataset.name, col.name, lang)} ({col.name})"
        if col.default is not None:
            note = t("data_page.absent_default", lang, default=col.default)
        elif col.required:
            note = t("data_page.absent_required", lang)
        else:
            note = t("data_page.absent", lang)
        rows.append((note, label))
    return pd.DataFrame(rows, columns=[header_col, target_col])


def separator_name(separator: str | None, lang: str) -> str:
    if separator is None:
        return ""
    return t(f"data_page.sep_{ingest.SEPARATOR_NAMES[separator]}", lang)


# --- the change -------------------------------------------------------------------------


def change_table(change: Diff, dataset: str, lang: str) -> pd.DataFrame:
    """One line per changed cell: the row's key, the column, before and after
    (an empty cell said so, not left blank)."""
    import pandas as pd

    empty = t("data_page.empty", lang)

    def cell(value: object, column: str) -> str:
        return show(value, dataset, column, lang) or empty

    return pd.DataFrame(
        {
            t("data_page.col_key", lang): [" · ".join(c.key) for c in change.changed],
            t("data_page.col_column", lang): [
                column_label(dataset, c.column, lang) for c in change.changed
            ],
            t("data_page.col_before", lang): [cell(c.old, c.column) for c in change.changed],
            t("data_page.col_after", lang): [cell(c.new, c.column) for c in change.changed],
        }
    )


# --- history ----------------------------------------------------------------------------


def _paris() -> ZoneInfo | None:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:
        return None


def when(version: Version, lang: str) -> str:
    """A version's date and time, on the mission's clock (Paris) when known."""
    at = version.when if version.when.tzinfo else version.when.replace(tzinfo=UTC)
    zone = _paris()
    local = at.astimezone(zone) if zone else at
    suffix = "" if zone else " UTC"
    return f"{format_day(local.date(), lang, 'short')} {local:%H:%M}{suffix}"


def action_text(version: Version, lang: str) -> str:
    if version.action == "rollback" and version.from_version is not None:
        return t("data_page.action_rollback", lang, version=version.from_version)
    return t(f"data_page.action_{version.action}", lang)


def history_table(versions: Sequence[Version], lang: str) -> pd.DataFrame:
    """Versions newest first: number, date, who, rows, source file, what happened."""
    import pandas as pd

    ordered = list(reversed(versions))
    return pd.DataFrame(
        {
            t("data_page.col_version", lang): [v.version for v in ordered],
            t("data_page.col_date", lang): [when(v, lang) for v in ordered],
            t("data_page.col_by", lang): [v.by for v in ordered],
            t("data_page.col_rows", lang): [v.rows for v in ordered],
            t("data_page.col_source", lang): [v.source for v in ordered],
            t("data_page.col_action", lang): [action_text(v, lang) for v in ordered],
        }
    )
