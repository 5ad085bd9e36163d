"""The store under crashes and concurrency, with real processes and threads.

- A process committing in a loop is killed (SIGKILL) at random moments, 50
  times: the current file is always a whole version, every logged version is
  whole, after `recover()` the current file is the last logged version, and the
  app starts on the folder.
- Two and five imports run at once as separate command-line processes: the
  lock serialises them, none is lost, the history holds them all.
- Twenty viewer sessions read while uploads commit: no error, each reading sees
  the old or the new data, never a mix.

Each test runs on the data folder and on a real PostgreSQL server (`backend`).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bench import generate as gen
from dashboard.domain import mission
from dashboard.domain.status import AT_RISK_POINTS
from dashboard.ingest import uploads
from dashboard.queries import db
from dashboard.store import DataStore, Store, checksum, open_store
from dashboard.store.base import identity
from dashboard.store.postgres import PostgresStore
from dashboard.ui import app
from dashboard.views import figures
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50
SITUATION = date(2020, 4, 15)

# Commits two versions of stakeholders in turn until killed; says when it is
# inside a commit (its check running, the writer's lock held) and when it is out.
# It is ready after a first commit (its start-up out of the way), which it times:
# the kills then land over the next two commits however loaded the machine is.
CHILD = """
import sys
import time
from pathlib import Path
from dashboard.store import open_store

root, first, second = sys.argv[1:4]
store = open_store(Path(root) if root != "-" else None)
versions = [Path(first).read_bytes(), Path(second).read_bytes()]
began = time.perf_counter()
store.commit("stakeholders", versions[1], by="crash", source="v1.csv", rows=0)
print("ready", time.perf_counter() - began, flush=True)
i = 0
while True:
    store.commit(
        "stakeholders", versions[i % 2], by="crash", source=f"v{i % 2}.csv", rows=0,
        precheck=lambda: print("in", flush=True),
    )
    print("out", flush=True)
    i += 1
"""


def env_for(folder: Path, url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    env.pop("DASHBOARD_DATABASE_URL", None)
    if url:
        env["DASHBOARD_DATABASE_URL"] = url
    return env


def seeded(backend: str, folder: Path, request: pytest.FixtureRequest) -> tuple[DataStore, str]:
    """The folder's data in the backend under test: its store, and the database URL
    ('' for the folder itself)."""
    if backend == "folder":
        return Store(folder), ""
    url: str = request.getfixturevalue("pg_server").database()
    store = open_store(url=url)
    assert isinstance(store, PostgresStore)
    store.copy_from(Store(folder))
    return store, url


def overview(con: object) -> tuple[str, ...]:
    """What the overview asks the database, as text (rows sorted: a query
    without `order by`, such as a count per group, may list them in any order)."""
    frames = [
        db.query(con, "task_states", situation=SITUATION, threshold=AT_RISK_POINTS),  # type: ignore[arg-type]
        db.query(con, "sites"),  # type: ignore[arg-type]
        db.query(con, "open_actions", situation=SITUATION),  # type: ignore[arg-type]
        db.query(con, "engagement_counts"),  # type: ignore[arg-type]
        db.query(con, "event_window", pattern=mission.EVENT_PATTERN),  # type: ignore[arg-type]
        db.query(con, "mission_span"),  # type: ignore[arg-type]
    ]
    return tuple(repr(sorted(f.astype(str).itertuples(index=False, name=None))) for f in frames)


def starts(folder: Path | DataStore) -> dict[str, int]:
    """Open the store as the app does and compute the overview's figures."""
    store = Store(folder) if isinstance(folder, Path) else folder
    con = db.open_database(store.current_files())
    try:
        tasks = db.query(con, "task_states", situation=SITUATION, threshold=AT_RISK_POINTS)
        assert figures.headline(database_reader(con, "viewer"), SITUATION).progress is not None
        assert not db.query(
            con, "site_rollups", situation=SITUATION, threshold=AT_RISK_POINTS
        ).empty
        overview(con)
        engagement = db.query(con, "engagement_counts")
        return {"tasks": len(tasks), "stakeholders": int(engagement["stakeholders"].sum())}
    finally:
        con.close()


def data_rows(data: bytes) -> int:
    return data.count(b"\n") - 1


# --- SIGKILL during commits -----------------------------------------------------------


def leftovers(folder: Path) -> list[Path]:
    return [*folder.glob(".*.tmp"), *folder.glob(".history/*/.*.tmp")]


def phase(store: Store, dataset: str) -> str:
    """Where the kill landed, read from what it left behind."""
    history = store.history(dataset)
    current = store.read_current(dataset)
    last = history[-1].version if history else 0
    if leftovers(store.root):
        return "writing a file"
    if (store.history_dir / dataset / f"{last + 1:04d}.csv").exists():
        return "version written, not logged"
    if history and current is not None and checksum(current) != history[-1].checksum:
        return "logged, not yet current"
    return "between commits"


def check_whole(store: DataStore, allowed: dict[str, int]) -> None:
    """The folder as the kill left it: whole files, a log of whole versions."""
    current = store.read_current("stakeholders")
    assert current is not None and checksum(current) in allowed
    history = store.history("stakeholders")
    # increasing; a number whose file a killed commit left behind is not given again
    numbers = [v.version for v in history]
    assert numbers == sorted(set(numbers))
    if history:
        assert history[0].action == "initial"
    for v in history:
        assert checksum(store.version_bytes("stakeholders", v.version)) == v.checksum
        assert v.checksum in allowed
    if not isinstance(store, Store):
        return
    # every line of the log is a whole entry, possibly after one cut short
    for line in store.log_path.read_bytes().splitlines() if store.log_path.exists() else []:
        if line.strip():
            json.loads(line)


def older_versions(store: Store) -> Callable[[str, list[str]], set[str]]:
    """For copying a folder without the versions recovery does not need."""
    history = store.history("stakeholders")
    last = history[-1].version if history else 0

    def ignore(directory: str, names: list[str]) -> set[str]:
        if Path(directory).name != "stakeholders":
            return set()
        return {n for n in names if n[:4].isdigit() and int(n[:4]) < last}

    return ignore


def check_recovered(folder: Path, allowed: dict[str, int]) -> None:
    store = Store(folder)
    store.recover()
    assert leftovers(folder) == []
    current = store.read_current("stakeholders")
    assert current is not None
    history = store.history("stakeholders")
    if history:
        assert checksum(current) == history[-1].checksum
    figures = starts(folder)
    assert figures["stakeholders"] == allowed[checksum(current)]


def test_kill_during_commits(
    tmp_path: Path,
    clear_streamlit_caches: None,
    monkeypatch: pytest.MonkeyPatch,
    backend: str,
    request: pytest.FixtureRequest,
) -> None:
    if backend == "postgres":
        kill_during_database_commits(tmp_path, monkeypatch, request)
        return
    base = tmp_path / "base"
    gen.generate(base, 2)
    versions = []
    for seed in (1, 2):
        folder = tmp_path / f"v{seed}"
        folder.mkdir()
        gen.write(folder, "stakeholders", 8, seed)  # 800 rows, 100 kB
        versions.append(folder / "stakeholders.csv")
    allowed = {
        checksum(data): data_rows(data)
        for data in [(base / "stakeholders.csv").read_bytes()] + [v.read_bytes() for v in versions]
    }
    rng = random.Random(10)
    phases: Counter[str] = Counter()
    folder = tmp_path / "data"
    for run in range(KILLS):
        if run % 5 == 0:
            # a fresh folder now and then keeps the history (and the disk) small
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(base, folder)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(folder), *map(str, versions)],
            cwd=ROOT,
            env=env_for(folder),
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        ready, took = child.stdout.readline().split()
        assert ready == b"ready"
        time.sleep(rng.uniform(0.0, 2 * float(took)))
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        child.stdout.close()

        store = Store(folder)
        phases[phase(store, "stakeholders")] += 1
        check_whole(store, allowed)
        if run % 2:
            # Recover a copy: the next process finds the mess and deals with it
            # itself (and may be killed while it does).
            copy = tmp_path / "copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(folder, copy, ignore=older_versions(store))
            check_recovered(copy, allowed)
        else:
            check_recovered(folder, allowed)

    # the kills did land inside commits, not only between them
    assert sum(n for p, n in phases.items() if p != "between commits") >= 5, phases

    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.metric, "the overview drew its figures"


def kill_during_database_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """The same kills on PostgreSQL: a killed writer's transaction is dropped by
    the server, so the database holds whole versions only and the next writer
    goes on (no recovery step)."""
    base = tmp_path / "base"
    gen.generate(base, 2)
    versions = []
    for seed in (1, 2):
        folder = tmp_path / f"v{seed}"
        folder.mkdir()
        gen.write(folder, "stakeholders", 8, seed)
        versions.append(folder / "stakeholders.csv")
    allowed = {
        checksum(data): data_rows(data)
        for data in [(base / "stakeholders.csv").read_bytes()] + [v.read_bytes() for v in versions]
    }
    rng = random.Random(10)
    phases: Counter[str] = Counter()
    first = (base / "stakeholders.csv").read_bytes()
    store, url = seeded("postgres", base, request)
    for run in range(KILLS):
        if run % 5 == 0 and run:
            # a fresh database now and then keeps the history (and the checks) small
            store, url = seeded("postgres", base, request)
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, "-", *map(str, versions)],
            cwd=ROOT,
            env=env_for(tmp_path / "unused", url),
            stdout=subprocess.PIPE,
        )
        assert child.stdout is not None
        ready, took = child.stdout.readline().split()
        assert ready == b"ready"
        time.sleep(rng.uniform(0.0, 2 * float(took)))
        child.send_signal(signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
        said = child.stdout.read().split()
        child.stdout.close()
        phases["inside a commit" if said and said[-1] == b"in" else "between commits"] += 1

        check_whole(store, allowed)
        current = store.read_current("stakeholders")
        history = store.history("stakeholders")
        # killed before its first commit landed: the database as it was copied
        last = history[-1].checksum if history else checksum(first)
        assert current is not None and checksum(current) == last
        if run % 5 == 4:
            # the app starts on the database as the kill left it
            assert starts(store)["stakeholders"] == allowed[checksum(current)]

    assert sum(n for p, n in phases.items() if p != "between commits") >= 5, phases
    # the writer's lock was given back by every killed writer: a commit goes through
    assert store.commit("stakeholders", b"stakeholder_id\n", by="t", source="t", rows=0)

    from streamlit.testing.v1 import AppTest

    store.commit("stakeholders", versions[0].read_bytes(), by="t", source="t", rows=0)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.metric, "the overview drew its figures"


# --- concurrent imports -----------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 5])
def test_concurrent_imports_are_serialised_and_none_is_lost(
    tmp_path: Path, n: int, backend: str, request: pytest.FixtureRequest
) -> None:
    folder = tmp_path / "data"
    gen.generate(folder, 2)
    store, url = seeded(backend, folder, request)
    before = (folder / "stakeholders.csv").read_bytes()
    files = {}
    for k in range(n):
        source = tmp_path / f"import-{k}"
        source.mkdir()
        gen.write(source, "stakeholders", 2, seed=100 + k)
        files[f"importer-{k}"] = source / "stakeholders.csv"
    expected = {checksum(p.read_bytes()): by for by, p in files.items()}
    assert len(expected) == n and checksum(before) not in expected

    procs = {
        by: subprocess.Popen(
            [sys.executable, "-m", "dashboard", "import", "stakeholders", str(path), "--by", by],
            cwd=ROOT,
            env=env_for(folder, url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for by, path in files.items()
    }
    for by, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (by, out.decode(), err.decode())

    history = store.history("stakeholders")
    assert [v.version for v in history] == list(range(1, n + 2))
    assert history[0].action == "initial" and history[0].checksum == checksum(before)
    imports = history[1:]
    assert {v.checksum: v.by for v in imports} == expected
    assert [v.at for v in imports] == sorted(v.at for v in imports)
    for v in history:
        assert checksum(store.version_bytes("stakeholders", v.version)) == v.checksum
    current = store.read_current("stakeholders")
    assert current is not None and checksum(current) == history[-1].checksum
    assert leftovers(folder) == []


# --- viewers reading while uploads commit ------------------------------------------------


def test_twenty_viewers_read_while_uploads_commit(
    tmp_path: Path, clear_streamlit_caches: None, backend: str, request: pytest.FixtureRequest
) -> None:
    folder = tmp_path / "data"
    gen.generate(folder, 2)
    new_tasks = tmp_path / "new"
    new_tasks.mkdir()
    gen.write(new_tasks, "tasks", 2, seed=99)
    old_data = (folder / "tasks.csv").read_bytes()
    new_data = (new_tasks / "tasks.csv").read_bytes()

    def expected(tasks: bytes) -> tuple[str, ...]:
        copy = tmp_path / f"expect-{checksum(tasks)[:8]}"
        shutil.copytree(folder, copy)
        (copy / "tasks.csv").write_bytes(tasks)
        con = db.open_database(Store(copy).current_files())
        try:
            return overview(con)
        finally:
            con.close()

    old, new = expected(old_data), expected(new_data)
    assert old != new
    store, _ = seeded(backend, folder, request)
    key = identity(store)
    seen: list[Counter[str]] = [Counter() for _ in range(20)]
    errors: list[str] = []
    stop = threading.Event()

    def viewer(i: int) -> None:
        while not stop.is_set() or sum(seen[i].values()) < 3:
            try:
                # as a page run does: the connection for the data version, shared
                con = app._database(key, store.data_version())
                answer = overview(con)
                raw = store.read_current("tasks")
            except Exception as exc:
                errors.append(f"viewer {i}: {exc!r}")
                return
            if answer not in (old, new):
                errors.append(f"viewer {i}: a mix of old and new data")
                return
            if raw not in (old_data, new_data):
                errors.append(f"viewer {i}: a partial tasks file")
                return
            seen[i]["old" if answer == old else "new"] += 1
            time.sleep(0.1)  # a person between two clicks, not a busy loop

    threads = [threading.Thread(target=viewer, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    try:
        while min(sum(c.values()) for c in seen) < 1 and not errors:
            time.sleep(0.05)
        # an upload, a rollback to the first version, the upload again
        upload = uploads.check_upload(store, "tasks", new_data, "taches.csv")
        assert upload.ok, [p.message("en") for p in upload.errors]
        assert uploads.commit_upload(store, upload, by="Claire") is not None
        time.sleep(0.3)
        assert uploads.rollback(store, "tasks", 1, by="Claire") is not None
        time.sleep(0.3)
        again = uploads.check_upload(store, "tasks", new_data, "taches.csv")
        assert uploads.commit_upload(store, again, by="Claire") is not None
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert not any(t.is_alive() for t in threads)
    total = sum(seen, Counter())
    assert total["old"] > 0 and total["new"] > 0, total
    # the last state is the upload's, and every session ends up seeing it
    assert store.read_current("tasks") == new_data
    assert overview(app._database(key, store.data_version())) == new
