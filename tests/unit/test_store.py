"""The store: atomic versions, log, lock, rollback, recovery after a crash.

Tests taking `new_store` run on both backends, the data folder and a real
PostgreSQL server; the others test the folder's own files."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.store import CommitRefused, DataStore, Store, StoreDamaged, checksum, problem_text
from dashboard.store.postgres import PostgresStore
from tests.pgserver import login_without_create

V1 = b"site_id,name,commune,kind,lat,lon,description\nolhain,Olhain,,,,,\n"
Opener = Callable[[], DataStore]


def seed_current(store: DataStore, tmp_path: Path, dataset: str, data: bytes) -> None:
    """A current file that no commit made (a folder as first delivered)."""
    if isinstance(store, Store):
        store.root.mkdir(parents=True, exist_ok=True)
        store.current_path(dataset).write_bytes(data)
        return
    assert isinstance(store, PostgresStore)
    source = tmp_path / "delivered"
    source.mkdir()
    (source / f"{dataset}.csv").write_bytes(data)
    store.copy_from(Store(source))


V2 = b"site_id,name,commune,kind,lat,lon,description\nolhain,Olhain,,,,,\ncite,Cite,,,,,\n"


def test_empty_folder_is_an_empty_store(new_store: Opener) -> None:
    store = new_store()
    assert store.history() == []
    assert all(path is None for path in store.current_files().values())
    assert store.read_current("sites") is None
    assert isinstance(store.data_version(), str)


def test_commit_makes_current_version_and_history(new_store: Opener) -> None:
    store = new_store()
    before = store.data_version()
    v = store.commit("sites", V1, by="Claire", source="sites.xlsx", rows=1)
    assert v is not None and v.version == 1 and v.by == "Claire" and v.source == "sites.xlsx"
    assert store.read_current("sites") == V1
    assert store.version_bytes("sites", 1) == V1
    assert v.checksum == checksum(V1)
    assert store.data_version() != before
    assert store.history() == [v] and store.latest("sites") == v
    current = store.current_files()["sites"]
    assert current is not None and current.read_bytes() == V1
    assert store.version_path("sites", 1).read_bytes() == V1
    # another handle on the same data (another process, another app server) sees it
    other = new_store()
    assert other.read_current("sites") == V1 and other.history() == [v]
    assert other.data_version() == store.data_version()


def test_commit_writes_current_version_and_log(tmp_path: Path) -> None:
    store = Store(tmp_path)
    v = store.commit("sites", V1, by="Claire", source="sites.xlsx", rows=1)
    assert v is not None
    lines = (tmp_path / ".history" / "log.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["dataset"] == "sites"
    assert json.loads(lines[0])["rows"] == 1


def test_same_content_is_not_a_new_version(new_store: Opener) -> None:
    store = new_store()
    store.commit("sites", V1, by="a", source="s.csv", rows=1)
    assert store.commit("sites", V1, by="b", source="s.csv", rows=1) is None
    assert [v.version for v in store.history("sites")] == [1]


def test_first_commit_keeps_the_file_that_was_there(new_store: Opener, tmp_path: Path) -> None:
    store = new_store()
    seed_current(store, tmp_path, "sites", V1)
    assert store.history() == [] and store.read_current("sites") == V1
    v = store.commit("sites", V2, by="a", source="new.csv", rows=2)
    assert v is not None and v.version == 2
    history = store.history("sites")
    assert [(h.version, h.action) for h in history] == [(1, "initial"), (2, "import")]
    assert history[0].rows == 1
    assert store.version_bytes("sites", 1) == V1


def test_rollback_is_a_new_commit_and_history_is_kept(new_store: Opener) -> None:
    store = new_store()
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    v = store.rollback("sites", 1, by="b", rows=1)
    assert v is not None and v.version == 3 and v.action == "rollback" and v.from_version == 1
    assert store.read_current("sites") == V1
    assert [h.version for h in store.history("sites")] == [1, 2, 3]
    assert store.version_bytes("sites", 2) == V2


def test_rollback_to_unknown_version(new_store: Opener) -> None:
    store = new_store()
    with pytest.raises(KeyError):
        store.rollback("sites", 7, by="b", rows=0)


def test_refused_precheck_writes_nothing(new_store: Opener) -> None:
    store = new_store()
    store.commit("sites", V1, by="a", source="one.csv", rows=1)

    def refuse() -> None:
        raise CommitRefused(["no"])

    with pytest.raises(CommitRefused):
        store.commit("sites", V2, by="a", source="two.csv", rows=2, precheck=refuse)
    assert store.read_current("sites") == V1
    assert [h.version for h in store.history()] == [1]
    with pytest.raises(KeyError):
        store.version_bytes("sites", 2)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    before = store.data_version()
    with pytest.raises(CommitRefused):
        store.rollback("sites", 1, by="a", rows=1, precheck=lambda data: refuse())
    assert store.data_version() == before and len(store.history()) == 2
    assert store.read_current("sites") == V2
    if isinstance(store, Store):
        assert not (store.root / ".history" / "sites" / "0003.csv").exists()


def test_precheck_sees_the_data_as_it_is_then(new_store: Opener) -> None:
    store = new_store()
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    seen: list[bytes | None] = []

    def look() -> None:
        path = store.current_files()["sites"]
        seen.append(path.read_bytes() if path else None)
        raise CommitRefused(["no"])

    new_store().commit("sites", V2, by="b", source="two.csv", rows=2)
    with pytest.raises(CommitRefused):
        store.commit("sites", V1 + b"x,y,,,,,\n", by="a", source="x.csv", rows=2, precheck=look)
    assert seen == [V2]


def test_unknown_dataset_is_refused(new_store: Opener) -> None:
    with pytest.raises(KeyError):
        new_store().commit("../etc/passwd", V1, by="a", source="x", rows=1)


def test_crash_after_log_line_is_finished_by_recovery(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    # What a crash between the log line and the rename leaves behind:
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    (tmp_path / "sites.csv").write_bytes(V1)
    (tmp_path / ".sites.csv.tmp").write_bytes(V2[:10])
    store.recover()
    assert store.read_current("sites") == V2
    assert not (tmp_path / ".sites.csv.tmp").exists()


def test_crash_before_log_line_leaves_previous_version(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    # A version file written, its log line never appended:
    (tmp_path / ".history" / "sites" / "0002.csv").write_bytes(V2)
    store.recover()
    assert store.read_current("sites") == V1
    assert [p.code for p in store.problems()] == ["unlogged_version"]
    v = store.commit("sites", V2, by="a", source="two.csv", rows=2)
    # the number of a file left behind is not given again, nor its file overwritten
    assert v is not None and v.version == 3
    assert (tmp_path / ".history" / "sites" / "0002.csv").read_bytes() == V2


def test_truncated_log_line_is_not_a_commit(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    with open(tmp_path / ".history" / "log.jsonl", "ab") as fh:
        fh.write(b'{"dataset": "sites", "vers')
    assert [h.version for h in store.history()] == [1]
    v = store.commit("sites", V2, by="a", source="two.csv", rows=2)
    assert v is not None and v.version == 2
    assert [h.version for h in store.history()] == [1, 2]


def test_writers_are_serialised(new_store: Opener) -> None:
    store = new_store()
    inside = threading.Event()
    spans: list[tuple[str, float, float]] = []

    def slow_precheck(name: str) -> None:
        start = time.monotonic()
        inside.set()
        time.sleep(0.3)
        spans.append((name, start, time.monotonic()))

    def first() -> None:
        store.commit(
            "sites", V1, by="a", source="a.csv", rows=1, precheck=lambda: slow_precheck("a")
        )

    def second() -> None:
        inside.wait()
        new_store().commit(
            "sites", V2, by="b", source="b.csv", rows=2, precheck=lambda: slow_precheck("b")
        )

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    spans.sort(key=lambda s: s[1])
    assert len(spans) == 2
    assert spans[1][1] >= spans[0][2]  # the second started after the first finished
    assert [(h.version, h.by) for h in store.history("sites")] == [(1, "a"), (2, "b")]
    assert store.read_current("sites") == V2


def test_data_version_changes_on_every_commit(new_store: Opener) -> None:
    store = new_store()
    seen = {store.data_version()}
    store.commit("sites", V1, by="a", source="a.csv", rows=1)
    seen.add(store.data_version())
    store.commit("sites", V2, by="a", source="b.csv", rows=2)
    seen.add(store.data_version())
    store.rollback("sites", 1, by="a", rows=1)
    seen.add(store.data_version())
    assert len(seen) == 4


def test_data_dir_follows_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    assert Store().root == tmp_path


def test_a_database_user_without_create_uses_the_tables_made_before(
    database_url: str, tmp_path: Path
) -> None:
    """Deployed, the app's user may only read and write the tables its owner made."""
    import psycopg

    PostgresStore(database_url, cache_dir=tmp_path / "owner")  # makes the tables
    url = login_without_create(
        database_url,
        ("select, insert, update on all tables in schema public", "delete on dashboard_attempts"),
    )
    store = PostgresStore(url, cache_dir=tmp_path / "app")
    v = store.commit("sites", V1, by="a", source="s.csv", rows=1)
    assert v is not None and store.read_current("sites") == V1
    from dashboard.throttle import store_throttle

    throttle = store_throttle(store)  # password attempts in the owner's table
    assert throttle.attempt("192.0.2.1", time.time())
    throttle.succeeded("192.0.2.1")
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("create table t (x int)")


def test_a_database_is_named_without_its_password(tmp_path: Path) -> None:
    from dashboard.store.base import identity, store_for
    from dashboard.store.postgres import public_identity

    named = public_identity("postgresql://app:s3cret@db.internal:5432/dashboard?sslmode=require")
    assert "s3cret" not in named
    assert "db.internal" in named and "dashboard" in named and "sslmode=require" in named
    assert identity(Store(tmp_path)) == str(tmp_path)
    assert isinstance(store_for(str(tmp_path)), Store)


def test_the_setting_chooses_the_backend(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboard.store import open_store
    from dashboard.store.base import identity, store_for

    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    assert isinstance(open_store(), Store)
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", database_url)
    store = open_store()
    assert isinstance(store, PostgresStore)
    assert open_store() is store  # one per process, shared by every session
    assert store_for(identity(store)) is store
    assert isinstance(open_store(root=tmp_path), Store)  # a folder named wins


def test_who_and_source_are_logged_as_one_plain_line(new_store: Opener) -> None:
    store = new_store()
    v = store.commit("sites", V1, by="Claire\n\x1b[31mAdmin\u2028", source="a\r\nb.csv", rows=1)
    assert v is not None and (v.by, v.source) == ("Claire [31mAdmin", "a b.csv")
    assert store.history("sites")[0].by == "Claire [31mAdmin"
    assert new_store().history("sites")[0].source == "a b.csv"
    if isinstance(store, Store):
        assert len((store.root / ".history" / "log.jsonl").read_bytes().splitlines()) == 1


def test_an_older_version_file_gone_is_reported_but_writes_go_on(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    (tmp_path / ".history" / "sites" / "0001.csv").unlink()
    assert [(p.code, p.version, p.blocking) for p in store.problems()] == [
        ("old_version_missing", 1, False)
    ]
    with pytest.raises(KeyError):
        store.rollback("sites", 1, by="b", rows=1)
    assert store.commit("sites", V1, by="b", source="again.csv", rows=1) is not None
    (tmp_path / ".history" / "sites" / "0003.csv").unlink()
    assert [p.code for p in store.problems() if p.blocking] == ["version_missing"]
    with pytest.raises(StoreDamaged):
        store.commit("sites", V2, by="b", source="x.csv", rows=2)


# --- what disagrees with the history, on both backends ----------------------------------


def test_a_sound_store_reports_no_problem(new_store: Opener) -> None:
    store = new_store()
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    store.rollback("sites", 1, by="b", rows=1)
    assert store.current_files()["sites"] is not None
    assert store.problems() == [] and store.problems(deep=True) == []


def test_an_unknown_action_is_refused_and_adopt_is_one(new_store: Opener) -> None:
    store = new_store()
    with pytest.raises(ValueError, match="unknown action"):
        store.commit("sites", V1, by="a", source="s.csv", rows=1, action="import\nforged")
    assert store.history() == [] and store.read_current("sites") is None
    v = store.commit("sites", V1, by="a", source="s.csv", rows=1, action="adopt")
    assert v is not None and new_store().history("sites")[0].action == "adopt"


# --- PostgreSQL: a version changed outside the app, a local copy changed on disk ---------


def spoil_version(url: str, data: bytes) -> None:
    """What an operator's stray UPDATE (or a damaged disk) does to a stored version."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "update dashboard_blobs set data = %b where checksum = %s",
            (data + b"spoilt,,,,,,\n", checksum(data)),
        )


def test_database_latest_version_spoilt_is_reported_and_refuses_writes(
    database_url: str, tmp_path: Path
) -> None:
    store = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    assert store.problems() == []
    spoil_version(database_url, V2)
    other = PostgresStore(database_url, cache_dir=tmp_path / "other")
    for found in (other.problems(), store.problems(deep=True)):
        assert [(p.code, p.dataset, p.version, p.blocking) for p in found] == [
            ("version_missing", "sites", 2, True)
        ]
    assert "pg_dump" in problem_text(found[0], "en")
    before = store.data_version()
    with pytest.raises(StoreDamaged) as refused:
        store.commit("tasks", b"task_id\nx\n", by="a", source="t.csv", rows=1)
    assert [p.code for p in refused.value.store_problems] == ["version_missing"]
    with pytest.raises(StoreDamaged):
        store.rollback("sites", 1, by="b", rows=1)
    assert store.data_version() == before and len(store.history()) == 2


def test_database_older_version_spoilt_is_reported_and_cannot_be_rolled_back_to(
    database_url: str, tmp_path: Path
) -> None:
    store = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    spoil_version(database_url, V1)
    assert store.problems() == []  # the latest versions are sound: writes go on
    assert [(p.code, p.version, p.blocking) for p in store.problems(deep=True)] == [
        ("old_version_missing", 1, False)
    ]
    with pytest.raises(StoreDamaged) as refused:
        store.rollback("sites", 1, by="b", rows=1)
    assert [p.code for p in refused.value.store_problems] == ["old_version_missing"]
    assert store.commit("tasks", b"task_id\nx\n", by="a", source="t.csv", rows=1) is not None


def test_a_local_copy_changed_on_disk_is_reported_and_never_read(
    database_url: str, tmp_path: Path
) -> None:
    store = PostgresStore(database_url, cache_dir=tmp_path / "cache")
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    copy = store.current_files()["sites"]
    assert copy is not None and copy.read_bytes() == V1
    copy.write_bytes(b"site_id,name\nforged,Forged by hand\n")
    # another server process sharing the cache folder, and this one
    for handle in (PostgresStore(database_url, cache_dir=tmp_path / "cache"), store):
        found = handle.problems()
        assert [(p.code, p.dataset, p.version, p.blocking) for p in found] == [
            ("cache_damaged", "sites", 1, False)
        ]
        assert handle.current_files()["sites"] == copy and copy.read_bytes() == V1
        assert handle.problems() == []
        copy.write_bytes(b"site_id,name\nforged again,x\n")
    assert [p.code for p in store.problems(deep=True)] == ["cache_damaged"]
    store.recover()
    assert not copy.exists() and store.problems(deep=True) == []
    assert store.version_path("sites", 1).read_bytes() == V1
