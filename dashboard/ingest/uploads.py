"""One path for every change to the data: read, check, commit, roll back.

The command line and the data page both call these functions, so a file is
judged the same way wherever it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import ingest
from dashboard.contract import DATASET_ORDER
from dashboard.ingest import Parsed, Problem, checks
from dashboard.store import CommitRefused, Version
from dashboard.store import DataStore as Store


@dataclass
class Upload:
    parsed: Parsed
    # problems of the uploaded file itself (ingest and checks)
    problems: list[Problem] = field(default_factory=list)
    # references in other current files that this upload would break
    broken: list[Problem] = field(default_factory=list)
    # the store's data version the upload was judged against
    judged_on: str | None = None
    # problems past those kept, counted by (file, code, column as the file names it)
    omitted: dict[tuple[str, str, str | None], int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        """Errors, those counted but not kept included."""
        return len(self.errors) + sum(self.omitted.values())

    @property
    def dataset(self) -> str:
        return self.parsed.dataset

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems + self.broken if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems + self.broken if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return self.parsed.rows

    def canonical(self) -> bytes:
        if self.parsed.table is not None:
            return ingest.canonical_of_table(self.dataset, self.parsed.table)
        return ingest.to_canonical(self.dataset, self.parsed.frame)


def judge(store: Store, parsed: Parsed) -> Upload:
    """Check a parsed file against the store's current data."""
    upload = Upload(parsed=parsed, problems=list(parsed.problems))
    upload.omitted = {(parsed.file, code, col): n for (code, col), n in parsed.omitted.items()}
    if parsed.errors:
        return upload
    upload.judged_on = store.data_version()
    found = checks.validate_found(store.current_files(), {parsed.dataset: parsed})
    for p in found.problems:
        (upload.problems if p.dataset == parsed.dataset else upload.broken).append(p)
    upload.omitted.update(found.omitted)
    return upload


def check_upload(store: Store, dataset: str, data: bytes, filename: str) -> Upload:
    return judge(store, ingest.read_bytes(dataset, data, filename))


def commit_upload(store: Store, upload: Upload, *, by: str) -> Version | None:
    """Commit an accepted upload; it is checked again under the store's lock,
    against the data as it is at that moment (another commit may have landed)."""
    if not upload.ok:
        raise CommitRefused(list(upload.errors))

    def precheck() -> None:
        if upload.judged_on is not None and upload.judged_on == store.data_version():
            return  # no file changed since the upload was judged: the same answer
        again = judge(store, upload.parsed)
        if not again.ok:
            raise CommitRefused(list(again.errors))

    return store.commit(
        upload.dataset,
        upload.canonical(),
        by=by,
        source=upload.parsed.file,
        rows=upload.rows,
        precheck=precheck,
    )


def adopt(store: Store, dataset: str, *, by: str) -> tuple[Upload, Version | None]:
    """Save the current file as it is now (a hand edit staff accept) as a new
    version, once it passes the checks an import would. Raises CommitRefused
    (StoreDamaged among them) when it may not; FileNotFoundError when the file is gone."""
    data = store.read_current(dataset)
    if data is None:
        raise FileNotFoundError(dataset)
    name = f"{dataset}.csv"
    upload = check_upload(store, dataset, data, name)
    if not upload.ok:
        return upload, None

    def precheck() -> None:
        again = judge(store, upload.parsed)
        if not again.ok:
            raise CommitRefused(list(again.errors))

    version = store.commit(
        dataset,
        upload.canonical(),
        by=by,
        source=name,
        rows=upload.rows,
        precheck=precheck,
        action="adopt",
    )
    return upload, version


def rollback(store: Store, dataset: str, version: int, *, by: str) -> Version | None:
    """Make an earlier version current again, if it still fits the other files."""
    old = store.version_bytes(dataset, version)
    parsed = ingest.read_bytes(dataset, old, f"{dataset}.csv")

    def precheck(data: bytes) -> None:
        again = judge(store, parsed)
        if not again.ok:
            raise CommitRefused(list(again.errors))

    return store.rollback(dataset, version, by=by, rows=parsed.rows, precheck=precheck)


def check_folder(store: Store) -> list[Problem]:
    """Every current file read as an upload would be, then all rules together."""
    staged: dict[str, Parsed] = {}
    problems: list[Problem] = []
    for name in DATASET_ORDER:
        data = store.read_current(name)
        if data is None:
            continue
        parsed = ingest.read_bytes(name, data, f"{name}.csv")
        problems.extend(parsed.problems)
        if parsed.ok:
            staged[name] = parsed
    empty = {name: None for name in DATASET_ORDER}
    problems.extend(checks.validate(empty, staged))
    return problems
