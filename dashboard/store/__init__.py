"""The data folder: current files, versions, atomic commit, rollback, log, lock.

Layout under the data folder (`data/` unless `DASHBOARD_DATA_DIR` names another):

    <dataset>.csv                 the current canonical file of each dataset
    .history/<dataset>/NNNN.csv   every committed version, kept
    .history/log.jsonl            one line per commit (the commit point)
    .history/lock                 serialises writers (flock)
    .documents/<name>.json        the app's documents (saved scenarios, attendees):
                                  JSON text, replaced whole (written, synced, renamed)

A commit writes the version file (durably), then the replacement of the current
file next to it (durably, so the final rename needs no space), then appends its
log line: from that moment the commit has happened. Last, the replacement is
renamed over the current file. A failure before the log line removes what was
written and leaves the previous version current ("nothing was changed" is then
true); a crash after it is finished by `recover()`, which every writer runs
first. Rollback is a new commit of an old version: history is never rewritten,
and a version number is never given twice (not even one whose file a failed
commit left behind).

The store never guesses. `problems()` lists what does not agree with the log:
a damaged or out-of-order log line, a logged version whose file is missing or
differs, a commit a crash interrupted (finished by the next write), a current
file edited by hand (kept, and reported until staff commit it as a new version
(action "adopt") or roll back). While the log is damaged, writes are refused
(`StoreDamaged`). Readers are given the committed data: `current_files()` names
the last logged version's file for a dataset whose current file was edited by
hand or whose commit is not finished, so a broken hand edit takes no page down.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.contract import DATASET_ORDER
from dashboard.store.base import ACTIONS as ACTIONS
from dashboard.store.base import BLOCKING as BLOCKING
from dashboard.store.base import DOCUMENTS as DOCUMENTS
from dashboard.store.base import CommitRefused as CommitRefused
from dashboard.store.base import DataStore as DataStore
from dashboard.store.base import DocumentDamaged as DocumentDamaged
from dashboard.store.base import DocumentsUnavailable as DocumentsUnavailable
from dashboard.store.base import StoreDamaged as StoreDamaged
from dashboard.store.base import StoreProblem as StoreProblem
from dashboard.store.base import dump_document, parse_document
from dashboard.store.base import open_store as open_store
from dashboard.store.base import plain_text as plain_text
from dashboard.store.base import problem_text as problem_text

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data"
_LOG = logging.getLogger("dashboard.store")


@dataclass(frozen=True)
class Version:
    dataset: str
    version: int
    at: str  # ISO 8601, UTC
    by: str
    rows: int
    source: str
    checksum: str
    action: str  # import, rollback, initial
    from_version: int | None = None

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


def _version_from(record: object) -> Version:
    """A log line's record as a Version; ValueError when any field is missing, extra
    or of the wrong kind (a line that parses is not yet a commit)."""
    if not isinstance(record, dict):
        raise ValueError("not an object")
    names = {f.name for f in fields(Version)}
    required = names - {"from_version"}
    if not required <= set(record) or not set(record) <= names:
        raise ValueError("fields")

    def whole(value: object, low: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= low

    if record["dataset"] not in DATASET_ORDER:
        raise ValueError("dataset")
    if not whole(record["version"], 1) or not whole(record["rows"], 0):
        raise ValueError("numbers")
    if not all(isinstance(record[k], str) for k in ("at", "by", "source", "checksum", "action")):
        raise ValueError("texts")
    if record["action"] not in ACTIONS:
        raise ValueError("action")
    digest = record["checksum"]
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("checksum")
    at = datetime.fromisoformat(record["at"])
    if at.tzinfo is None:
        raise ValueError("at")
    origin = record.get("from_version")
    if origin is not None and not whole(origin, 1):
        raise ValueError("from_version")
    return Version(**record)


@dataclass(frozen=True)
class _Log:
    entries: list[Version]
    problems: list[StoreProblem]
    good_size: int  # bytes of the log up to its last whole line


def data_dir() -> Path:
    value = os.environ.get("DASHBOARD_DATA_DIR")
    return Path(value) if value else DEFAULT_DIR


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive flock on the file `path` (made with its folder when missing),
    across processes and threads, held for the `with` block."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class Store:
    """The only code that touches the data folder's files."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else data_dir()

    # --- reading ---------------------------------------------------------------

    @property
    def history_dir(self) -> Path:
        return self.root / ".history"

    @property
    def log_path(self) -> Path:
        return self.history_dir / "log.jsonl"

    def current_path(self, dataset: str) -> Path:
        _check(dataset)
        return self.root / f"{dataset}.csv"

    def current_files(self) -> dict[str, Path | None]:
        """The file readers should load for each dataset: the current file, or,
        when it differs from its logged version (edited by hand, or a commit not
        finished), that logged version's file: what was committed."""
        state = self._state()
        out: dict[str, Path | None] = {}
        for name in DATASET_ORDER:
            pinned = state.readers_get.get(name)
            if pinned is not None:
                out[name] = self._version_path(name, pinned)
                continue
            path = self.current_path(name)
            out[name] = path if path.exists() else None
        return out

    def read_current(self, dataset: str) -> bytes | None:
        """The current file as it is on disk (hand edits included)."""
        path = self.current_path(dataset)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def data_version(self) -> str:
        """Changes whenever any current file or the log changes; costs a few stat calls."""
        return hashlib.sha1("|".join(self._signature()).encode()).hexdigest()[:12]

    def history(self, dataset: str | None = None) -> list[Version]:
        """Committed versions, oldest first (a dataset never committed: none).
        Lines of a damaged log are left out (and reported by `problems()`)."""
        entries = self._read_log().entries
        return [v for v in entries if dataset is None or v.dataset == dataset]

    def version_path(self, dataset: str, version: int) -> Path:
        """Where one committed version's canonical file lies (read-only)."""
        return self._version_path(dataset, version)

    def version_bytes(self, dataset: str, version: int) -> bytes:
        path = self._version_path(dataset, version)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise KeyError((dataset, version)) from None

    def latest(self, dataset: str) -> Version | None:
        entries = self.history(dataset)
        return entries[-1] if entries else None

    def problems(self, *, deep: bool = False) -> list[StoreProblem]:
        """What in the folder does not agree with the log (see `StoreProblem`);
        empty when all is well. `deep` also re-reads every logged version's file
        to compare checksums (the command line's `check`); otherwise only the
        latest version of each dataset is, and older ones are looked for."""
        if deep:
            return self._scan(deep=True).problems
        return list(self._state().problems)

    # --- writing ----------------------------------------------------------------

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """Exclusive writer lock across processes and threads."""
        return _locked(self.history_dir / "lock")

    def commit(
        self,
        dataset: str,
        data: bytes,
        *,
        by: str,
        source: str,
        rows: int,
        precheck: Callable[[], None] | None = None,
        action: str = "import",
        from_version: int | None = None,
    ) -> Version | None:
        """Store `data` as the dataset's new current version.

        `precheck` runs under the lock, against the data as it is then, and
        raises `CommitRefused` to abort with nothing written. Returns None when
        the data equals the current version (nothing to commit). A current file
        edited by hand is first kept as a version of its own ("hand-edit"), so
        replacing it loses nothing. Raises `StoreDamaged` (nothing written) while
        the log is damaged, and OSError (nothing written) when a file cannot be.
        """
        _check(dataset)
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        by, source = plain_text(by), plain_text(source)
        with self.lock():
            scan = self._repair_locked()
            current = self.read_current(dataset)
            edited = any(p.code == "hand_edit" and p.dataset == dataset for p in scan.problems)
            if not edited and current is not None and checksum(current) == checksum(data):
                return None
            if precheck is not None:
                precheck()
            if edited and current is not None and checksum(current) != checksum(data):
                rows_kept = _count_rows(current)
                self._commit_locked(
                    dataset, current, "", f"{dataset}.csv", rows_kept, "hand-edit", None
                )
            else:
                self._record_initial(dataset, current)
            return self._commit_locked(dataset, data, by, source, rows, action, from_version)

    def rollback(
        self,
        dataset: str,
        version: int,
        *,
        by: str,
        rows: int,
        precheck: Callable[[bytes], None] | None = None,
    ) -> Version | None:
        """Make an earlier version current again, as a new commit."""
        logged = next((v for v in self.history(dataset) if v.version == version), None)
        if logged is None:
            raise KeyError((dataset, version))
        old = self.version_bytes(dataset, version)
        if checksum(old) != logged.checksum:
            raise StoreDamaged(
                [StoreProblem("version_missing", dataset, version, detail="checksum")]
            )
        return self.commit(
            dataset,
            old,
            by=by,
            source=logged.source,
            rows=rows,
            precheck=(lambda: precheck(old)) if precheck else None,
            action="rollback",
            from_version=version,
        )

    def recover(self) -> None:
        """Finish a commit a crash interrupted and drop a log line it cut short;
        with a damaged log, change nothing."""
        if not self.log_path.exists():
            return
        with self.lock(), contextlib.suppress(StoreDamaged):
            self._repair_locked()

    # --- documents ----------------------------------------------------------------

    @property
    def documents_dir(self) -> Path:
        return self.root / ".documents"

    def document_path(self, name: str) -> Path:
        if name not in DOCUMENTS:
            raise KeyError(name)
        return self.documents_dir / f"{name}.json"

    def document(self, name: str) -> dict[str, Any]:
        """A document ({} when never written); `DocumentDamaged` when it does not read."""
        try:
            data = self.document_path(name).read_bytes()
        except FileNotFoundError:
            return {}
        return parse_document(name, data)

    def document_location(self, name: str) -> str:
        return str(self.document_path(name))

    def update_document(
        self, name: str, change: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> dict[str, Any]:
        """Replace a document by `change(document)`, under the documents' lock: the
        new text written and synced beside it, then renamed over it."""
        path = self.document_path(name)
        with _locked(self.documents_dir / "lock"):
            value = change(self.document(name))
            _write_atomic(path, dump_document(name, value))
        return value

    # --- internals --------------------------------------------------------------

    def _version_path(self, dataset: str, version: int) -> Path:
        _check(dataset)
        return self.history_dir / dataset / f"{version:04d}.csv"

    def _read_log(self) -> _Log:
        try:
            raw = self.log_path.read_bytes()
        except FileNotFoundError:
            return _Log([], [], 0)
        entries: list[Version] = []
        problems: list[StoreProblem] = []
        last: dict[str, int] = {}
        lines = raw.split(b"\n")
        torn = lines[-1] != b""  # no newline after the last line: cut short
        good_size = len(raw) - (len(lines[-1]) if torn else 0)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = _version_from(json.loads(line))
            except (ValueError, TypeError, KeyError):
                if torn and number == len(lines):
                    problems.append(StoreProblem("log_torn", line=number))
                else:
                    problems.append(StoreProblem("log_damaged", line=number))
                continue
            if entry.version <= last.get(entry.dataset, 0):
                problems.append(
                    StoreProblem("log_order", entry.dataset, entry.version, line=number)
                )
                continue
            if torn and number == len(lines):
                good_size = len(raw)  # a whole record lacking only its newline
            last[entry.dataset] = entry.version
            entries.append(entry)
        return _Log(entries, problems, good_size)

    def _signature(self) -> list[str]:
        parts = []
        for path in [self.log_path, *(self.current_path(n) for n in DATASET_ORDER)]:
            try:
                st = path.stat()
            except FileNotFoundError:
                parts.append(f"{path.name}:-")
                continue
            parts.append(f"{path.name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
        return parts

    def _state(self) -> _Scan:
        """The scan of the folder, kept while no current file nor the log changes."""
        key = (str(self.root), tuple(self._signature()))
        found = _STATES.get(key)
        if found is None:
            found = self._scan(deep=False)
            if len(_STATES) > 32:
                _STATES.clear()
            _STATES[key] = found
        return found

    def _scan(self, *, deep: bool) -> _Scan:
        log = self._read_log()
        problems = list(log.problems)
        readers_get: dict[str, int] = {}
        by_dataset: dict[str, list[Version]] = {}
        for entry in log.entries:
            by_dataset.setdefault(entry.dataset, []).append(entry)
        for dataset, entries in by_dataset.items():
            for entry in entries:
                path = self._version_path(dataset, entry.version)
                if entry is entries[-1] or deep:
                    try:
                        whole = checksum(path.read_bytes()) == entry.checksum
                    except OSError:
                        whole = False
                else:
                    whole = path.is_file()
                if not whole:
                    code = "version_missing" if entry is entries[-1] else "old_version_missing"
                    problems.append(StoreProblem(code, dataset, entry.version))
            latest = entries[-1]
            current = self.read_current(dataset)
            now = checksum(current) if current is not None else None
            if now == latest.checksum:
                continue
            before = entries[-2].checksum if len(entries) > 1 else None
            if now == before:
                problems.append(StoreProblem("interrupted", dataset, latest.version))
            else:
                detail = "missing" if current is None else "changed"
                problems.append(StoreProblem("hand_edit", dataset, latest.version, detail=detail))
            readers_get[dataset] = latest.version
        logged = {(v.dataset, v.version) for v in log.entries}
        for dataset in DATASET_ORDER:
            for number in self._version_files(dataset):
                if (dataset, number) not in logged:
                    problems.append(StoreProblem("unlogged_version", dataset, number))
        if any(p.blocking for p in problems):
            # a damaged log is not read past: readers get the current files
            readers_get = {}
        return _Scan(problems, readers_get, log)

    def _version_files(self, dataset: str) -> list[int]:
        folder = self.history_dir / dataset
        try:
            names = [p.name for p in folder.iterdir()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(int(n[:-4]) for n in names if n.endswith(".csv") and n[:-4].isdigit())

    def _next_version(self, dataset: str) -> int:
        logged = [v.version for v in self.history(dataset)]
        return max([*logged, *self._version_files(dataset)], default=0) + 1

    def _record_initial(self, dataset: str, current: bytes | None) -> None:
        """Keep the file that was there before the first commit as version 1."""
        if current is None or self.history(dataset):
            return
        self._commit_locked(
            dataset, current, "", f"{dataset}.csv", _count_rows(current), "initial", None
        )

    def _repair_locked(self) -> _Scan:
        """Under the lock: refuse a damaged folder; drop a torn last log line;
        finish interrupted commits. Returns the scan after repairs."""
        scan = self._scan(deep=False)
        blocking = [p for p in scan.problems if p.blocking]
        if blocking:
            raise StoreDamaged(blocking)
        if any(p.code == "log_torn" for p in scan.problems):
            with open(self.log_path, "r+b") as fh:
                fh.truncate(scan.log.good_size)
                fh.flush()
                os.fsync(fh.fileno())
            _LOG.warning("dropped a log line cut short by a crash (not a commit)")
        for problem in scan.problems:
            if problem.code == "interrupted" and problem.dataset and problem.version:
                data = self.version_bytes(problem.dataset, problem.version)
                _write_atomic(self.current_path(problem.dataset), data)
                _LOG.warning("finished the commit of %s v%s", problem.dataset, problem.version)
        for tmp in self.root.glob(".*.csv.tmp"):
            tmp.unlink(missing_ok=True)
        for tmp in self.history_dir.glob("*/.*.csv.tmp"):
            tmp.unlink(missing_ok=True)
        return self._scan(deep=False)

    def _commit_locked(
        self,
        dataset: str,
        data: bytes,
        by: str,
        source: str,
        rows: int,
        action: str,
        from_version: int | None,
    ) -> Version:
        number = self._next_version(dataset)
        path = self._version_path(dataset, number)
        current = self.current_path(dataset)
        staged = current.with_name(f".{current.name}.tmp")
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = Version(
            dataset=dataset,
            version=number,
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            by=by,
            rows=rows,
            source=source,
            checksum=checksum(data),
            action=action,
            from_version=from_version,
        )
        try:
            _write_atomic(path, data)
            _write_durable(staged, data)
            self._append_log(entry)
        except BaseException:
            # Before the log line nothing has happened: leave no trace of it.
            staged.unlink(missing_ok=True)
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                _fsync_dir(path.parent)
            raise
        try:
            os.replace(staged, current)
            _fsync_dir(current.parent)
        except OSError:
            # Committed (the log says so, readers get the version file); the next
            # write or `recover()` replaces the current file.
            _LOG.exception("%s v%s committed; current file to be replaced", dataset, number)
        return entry

    def _append_log(self, entry: Version) -> None:
        line = json.dumps(asdict(entry), ensure_ascii=False).encode() + b"\n"
        with open(self.log_path, "ab") as fh:
            size = fh.tell()
            # A previous crash may have left a partial line: start on a new one.
            if size > 0:
                with open(self.log_path, "rb") as rd:
                    rd.seek(-1, os.SEEK_END)
                    if rd.read(1) != b"\n":
                        line = b"\n" + line
            try:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            except BaseException:
                # A line only partly written (a full disk) must not stay: cut it.
                with contextlib.suppress(OSError):
                    fh.truncate(size)
                    os.fsync(fh.fileno())
                raise


@dataclass(frozen=True)
class _Scan:
    problems: list[StoreProblem]
    readers_get: dict[str, int]  # dataset -> the logged version readers load
    log: _Log


_STATES: dict[tuple[str, tuple[str, ...]], _Scan] = {}


def _count_rows(data: bytes) -> int:
    text = data.decode("utf-8", "replace")
    return max(sum(1 for _ in csv.reader(io.StringIO(text))) - 1, 0)


def _write_durable(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _check(dataset: str) -> None:
    if dataset not in DATASET_ORDER:
        raise KeyError(dataset)
