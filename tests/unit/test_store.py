"""The store: atomic versions, log, lock, rollback, recovery after a crash."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from dashboard.store import CommitRefused, Store, StoreDamaged, checksum

V1 = b"site_id,name,commune,kind,lat,lon,description\nolhain,Olhain,,,,,\n"
V2 = b"site_id,name,commune,kind,lat,lon,description\nolhain,Olhain,,,,,\ncite,Cite,,,,,\n"


def test_empty_folder_is_an_empty_store(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.history() == []
    assert all(path is None for path in store.current_files().values())
    assert store.read_current("sites") is None
    assert isinstance(store.data_version(), str)


def test_commit_writes_current_version_and_log(tmp_path: Path) -> None:
    store = Store(tmp_path)
    before = store.data_version()
    v = store.commit("sites", V1, by="Claire", source="sites.xlsx", rows=1)
    assert v is not None and v.version == 1 and v.by == "Claire" and v.source == "sites.xlsx"
    assert store.read_current("sites") == V1
    assert store.version_bytes("sites", 1) == V1
    assert v.checksum == checksum(V1)
    assert store.data_version() != before
    lines = (tmp_path / ".history" / "log.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["dataset"] == "sites"
    assert json.loads(lines[0])["rows"] == 1


def test_same_content_is_not_a_new_version(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="s.csv", rows=1)
    assert store.commit("sites", V1, by="b", source="s.csv", rows=1) is None
    assert [v.version for v in store.history("sites")] == [1]


def test_first_commit_keeps_the_file_that_was_there(tmp_path: Path) -> None:
    (tmp_path / "sites.csv").write_bytes(V1)
    store = Store(tmp_path)
    v = store.commit("sites", V2, by="a", source="new.csv", rows=2)
    assert v is not None and v.version == 2
    history = store.history("sites")
    assert [(h.version, h.action) for h in history] == [(1, "initial"), (2, "import")]
    assert history[0].rows == 1
    assert store.version_bytes("sites", 1) == V1


def test_rollback_is_a_new_commit_and_history_is_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)
    store.commit("sites", V2, by="a", source="two.csv", rows=2)
    v = store.rollback("sites", 1, by="b", rows=1)
    assert v is not None and v.version == 3 and v.action == "rollback" and v.from_version == 1
    assert store.read_current("sites") == V1
    assert [h.version for h in store.history("sites")] == [1, 2, 3]
    assert store.version_bytes("sites", 2) == V2


def test_rollback_to_unknown_version(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(KeyError):
        store.rollback("sites", 7, by="b", rows=0)


def test_refused_precheck_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.commit("sites", V1, by="a", source="one.csv", rows=1)

    def refuse() -> None:
        raise CommitRefused(["no"])

    with pytest.raises(CommitRefused):
        store.commit("sites", V2, by="a", source="two.csv", rows=2, precheck=refuse)
    assert store.read_current("sites") == V1
    assert [h.version for h in store.history()] == [1]
    assert not (tmp_path / ".history" / "sites" / "0002.csv").exists()


def test_unknown_dataset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        Store(tmp_path).commit("../etc/passwd", V1, by="a", source="x", rows=1)


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


def test_writers_are_serialised(tmp_path: Path) -> None:
    store = Store(tmp_path)
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
        store.commit(
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


def test_data_version_changes_on_every_commit(tmp_path: Path) -> None:
    store = Store(tmp_path)
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


def test_who_and_source_are_logged_as_one_plain_line(tmp_path: Path) -> None:
    store = Store(tmp_path)
    v = store.commit("sites", V1, by="Claire\n\x1b[31mAdmin\u2028", source="a\r\nb.csv", rows=1)
    assert v is not None and (v.by, v.source) == ("Claire [31mAdmin", "a b.csv")
    assert store.history("sites")[0].by == "Claire [31mAdmin"
    assert len((tmp_path / ".history" / "log.jsonl").read_bytes().splitlines()) == 1


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
