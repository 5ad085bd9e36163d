"""The data folder: current files, versions, atomic commit, rollback, log, lock.

Layout under the data folder (`data/` unless `DASHBOARD_DATA_DIR` names another):

    <dataset>.csv                 the current canonical file of each dataset
    .history/<dataset>/NNNN.csv   every committed version, kept
    .history/log.jsonl            one line per commit (the commit point)
    .history/lock                 serialises writers (flock)

A commit writes the version file, then appends its log line (from that moment
the commit has happened), then replaces the current file by rename. A crash
before the log line leaves the previous version current; a crash after it is
finished by `recover()`, which every writer runs first. Rollback is a new
commit of an old version: history is never rewritten.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from dashboard.contract import DATASET_ORDER
from dashboard.store.base import DataStore as DataStore
from dashboard.store.base import open_store as open_store

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data"


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


class CommitRefused(Exception):
    """Raised by a commit's precheck: nothing was written."""

    def __init__(self, problems: list[object]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


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
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


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
        out: dict[str, Path | None] = {}
        for name in DATASET_ORDER:
            path = self.current_path(name)
            out[name] = path if path.exists() else None
        return out

    def read_current(self, dataset: str) -> bytes | None:
        path = self.current_path(dataset)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def data_version(self) -> str:
        """Changes whenever any current file is replaced; costs a few stat calls."""
        parts = []
        for name in DATASET_ORDER:
            try:
                st = self.current_path(name).stat()
            except FileNotFoundError:
                parts.append(f"{name}:-")
                continue
            parts.append(f"{name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
        return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]

    def history(self, dataset: str | None = None) -> list[Version]:
        """Committed versions, oldest first (a dataset never committed: none)."""
        entries = self._read_log()
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

    # --- writing ----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive writer lock across processes and threads."""
        self.history_dir.mkdir(parents=True, exist_ok=True)
        with open(self.history_dir / "lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

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
        the data equals the current version (nothing to commit).
        """
        _check(dataset)
        with self.lock():
            self._recover_locked()
            current = self.read_current(dataset)
            if current is not None and checksum(current) == checksum(data):
                return None
            if precheck is not None:
                precheck()
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
        old = self.version_bytes(dataset, version)
        source = next((v.source for v in self.history(dataset) if v.version == version), "")
        return self.commit(
            dataset,
            old,
            by=by,
            source=source,
            rows=rows,
            precheck=(lambda: precheck(old)) if precheck else None,
            action="rollback",
            from_version=version,
        )

    def recover(self) -> None:
        """Finish or drop a commit a crash interrupted."""
        if not self.log_path.exists():
            return
        with self.lock():
            self._recover_locked()

    # --- internals --------------------------------------------------------------

    def _version_path(self, dataset: str, version: int) -> Path:
        _check(dataset)
        return self.history_dir / dataset / f"{version:04d}.csv"

    def _read_log(self) -> list[Version]:
        try:
            raw = self.log_path.read_bytes()
        except FileNotFoundError:
            return []
        out = []
        for line in raw.split(b"\n"):
            if not line.strip():
                continue
            try:
                out.append(Version(**json.loads(line)))
            except (ValueError, TypeError):
                # A line cut short by a crash is not a commit.
                continue
        return out

    def _next_version(self, dataset: str) -> int:
        versions = [v.version for v in self.history(dataset)]
        return max(versions, default=0) + 1

    def _record_initial(self, dataset: str, current: bytes | None) -> None:
        """Keep the file that was there before the first commit as version 1."""
        if current is None or self.history(dataset):
            return
        rows = max(
            sum(1 for _ in csv.reader(io.StringIO(current.decode("utf-8", "replace")))) - 1, 0
        )
        self._commit_locked(dataset, current, "", f"{dataset}.csv", rows, "initial", None)

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
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, data)
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
        self._append_log(entry)
        _write_atomic(self.current_path(dataset), data)
        return entry

    def _append_log(self, entry: Version) -> None:
        line = json.dumps(asdict(entry), ensure_ascii=False).encode() + b"\n"
        with open(self.log_path, "ab") as fh:
            # A previous crash may have left a partial line: start on a new one.
            if fh.tell() > 0:
                with open(self.log_path, "rb") as rd:
                    rd.seek(-1, os.SEEK_END)
                    if rd.read(1) != b"\n":
                        line = b"\n" + line
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def _recover_locked(self) -> None:
        latest: dict[str, Version] = {}
        for entry in self._read_log():
            latest[entry.dataset] = entry
        for dataset, entry in latest.items():
            current = self.read_current(dataset)
            if current is not None and checksum(current) == entry.checksum:
                continue
            try:
                data = self.version_bytes(dataset, entry.version)
            except KeyError:
                continue
            if checksum(data) == entry.checksum:
                _write_atomic(self.current_path(dataset), data)
        for tmp in self.root.glob(".*.csv.tmp"):
            tmp.unlink(missing_ok=True)
        for tmp in self.history_dir.glob("*/.*.csv.tmp"):
            tmp.unlink(missing_ok=True)


def _check(dataset: str) -> None:
    if dataset not in DATASET_ORDER:
        raise KeyError(dataset)
