"""A builder's reads started together: they run at once, each result and error
reaches its caller, a busy pool costs no waiting, and nothing runs on after its
block. Real threads and, for the readers, a real DuckDB database."""

from __future__ import annotations

import contextvars
import functools
import threading
import time

import pandas as pd
import pytest

from dashboard.views import together as tg
from dashboard.views.reader import in_english

PATIENCE = 10.0


def test_jobs_started_together_run_at_the_same_time() -> None:
    # Each job waits until the other has started: run one after the other, the
    # first would wait in vain and the barrier would break.
    meet = threading.Barrier(2, timeout=PATIENCE)

    def read(answer: str) -> str:
        meet.wait()
        return answer

    with tg.together() as start:
        first = start(lambda: read("summary"))
        second = start(lambda: read("funnel"))
        assert (first.get(), second.get()) == ("summary", "funnel")


def test_each_result_and_error_reaches_its_caller() -> None:
    def fails() -> int:
        raise ValueError("no such evaluation")

    with tg.together() as start:
        jobs = [start(functools.partial(pow, n, 2)) for n in range(20)]
        bad = start(fails)
        assert [job.get() for job in jobs] == [n * n for n in range(20)]
        with pytest.raises(ValueError, match="no such evaluation"):
            bad.get()
        with pytest.raises(ValueError):  # asked again: the same error, not a rerun
            bad.get()


def test_a_busy_pool_costs_the_caller_no_wait() -> None:
    # Every worker held by other sessions' jobs: a job asked for runs in the
    # caller's own thread at once instead of waiting in line.
    release = threading.Event()
    held = threading.Barrier(tg._WORKERS + 1, timeout=PATIENCE)

    def hold() -> None:
        held.wait()
        release.wait(PATIENCE)

    with tg.together() as busy:
        holders = [busy(hold) for _ in range(tg._WORKERS)]
        held.wait()  # every worker is now taken
        try:
            with tg.together() as start:
                job = start(threading.get_ident)
                began = time.monotonic()
                assert job.get() == threading.get_ident()
                assert time.monotonic() - began < PATIENCE / 2
        finally:
            release.set()
        for holder in holders:
            holder.get()


def test_jobs_started_by_a_job_run_in_its_thread() -> None:
    # A worker never waits on its own pool: its jobs run in its thread, one after
    # the other (a parent the caller ran itself starts its jobs as a caller does).
    def parent() -> tuple[bool, int, int]:
        with tg.together() as start:
            child = start(threading.get_ident)
            return tg.in_worker(), threading.get_ident(), child.get()

    with tg.together() as start:
        parents = [start(parent) for _ in range(tg._WORKERS * 2)]
        time.sleep(0.2)  # the caller's own read: the workers take the first parents
        found = [job.get() for job in parents]
    in_workers = [(mine, child) for inside, mine, child in found if inside]
    assert in_workers, "no parent ran on a worker"
    assert all(mine == child for mine, child in in_workers)


def test_leaving_the_block_waits_for_the_jobs_still_running() -> None:
    finished: list[str] = []

    def slow() -> None:
        time.sleep(0.3)
        finished.append("read")

    with tg.together() as start:
        start(slow)
        time.sleep(0.05)  # a worker has begun it
    assert finished == ["read"]


def test_a_job_sees_the_callers_context() -> None:
    scale: contextvars.ContextVar[float] = contextvars.ContextVar("scale", default=1.0)
    token = scale.set(1.6)
    try:
        with tg.together() as start:
            seen = start(scale.get)
            assert seen.get() == 1.6
    finally:
        scale.reset(token)


def test_the_english_reader_read_from_two_threads_translates_every_text() -> None:
    # The translations are read once, by the first thread that needs them; another
    # thread must wait for the whole table, never use it half filled.
    halfway = threading.Event()

    class French:
        """A French text that pauses the filling of the table halfway through."""

        def __init__(self, text: str, pause: bool) -> None:
            self.text, self.pause = text, pause

        def __str__(self) -> str:
            if self.pause:
                halfway.set()
                time.sleep(0.5)
            return self.text

    size = 10
    french = [French(f"texte {i}", pause=i == size // 2) for i in range(size)]

    def read(name: str, /, **params: object) -> pd.DataFrame:
        if name == "content_en":
            return pd.DataFrame({"fr": french, "en": [f"text {i}" for i in range(size)]})
        return pd.DataFrame({"label": [f"texte {size - 1}", "texte 0"]})

    english = in_english(read)
    first: list[list[str]] = []
    filling = threading.Thread(target=lambda: first.append(list(english("labels")["label"])))
    filling.start()
    assert halfway.wait(PATIENCE)
    second = list(english("labels")["label"])  # while the other thread fills the table
    filling.join(PATIENCE)
    assert second == first[0] == [f"text {size - 1}", "text 0"]
