"""Password attempts are counted per client in one file shared by threads and processes."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dashboard.throttle import SqliteAttempts, Throttle, file_throttle


def test_a_client_gets_its_limit_then_nothing_until_the_window_ends(tmp_path: Path) -> None:
    throttle = Throttle(SqliteAttempts(tmp_path / "a.sqlite3"), window=60, per_client=3)
    assert [throttle.attempt("1.2.3.4", now=t) for t in range(5)] == [True] * 3 + [False] * 2
    assert throttle.attempt("5.6.7.8", now=5)  # another client has its own count
    assert throttle.attempt("1.2.3.4", now=100)  # forgotten after the window
    throttle.succeeded("1.2.3.4")
    assert [throttle.attempt("1.2.3.4", now=101) for _ in range(3)] == [True] * 3


def test_everyone_together_is_bounded_too(tmp_path: Path) -> None:
    throttle = Throttle(SqliteAttempts(tmp_path / "a.sqlite3"), per_client=5, overall=7)
    granted = [throttle.attempt(f"10.0.0.{n}", now=1.0) for n in range(20)]
    assert sum(granted) == 7
    throttle.succeeded("10.0.0.1")  # a right password is not counted against everyone
    assert throttle.attempt("10.0.0.1", now=2.0)
    assert not throttle.attempt("10.0.0.2", now=2.0)


def test_twenty_parallel_threads_get_the_limit_and_no_more(tmp_path: Path) -> None:
    throttle = file_throttle(tmp_path)
    now = time.time()
    with ThreadPoolExecutor(20) as pool:
        granted = list(pool.map(lambda _: throttle.attempt("198.51.100.1", now), range(20)))
    assert sum(granted) == throttle.per_client


def _attempt(root: str) -> bool:
    return file_throttle(Path(root)).attempt("198.51.100.1", time.time())


def test_twenty_processes_share_one_count(tmp_path: Path) -> None:
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        granted = pool.map(_attempt, [str(tmp_path)] * 20)
    assert sum(granted) == file_throttle(tmp_path).per_client
    assert (tmp_path / ".auth" / "attempts.sqlite3").is_file()
