"""A builder's independent reads run at once, one per core.

A page's queries are small: each spends its time planning and running on one
thread, and DuckDB does both outside the GIL, a cursor per query. Run one after
the other they leave the other cores idle; started together they take about the
time of the longest ones. A builder starts what does not depend on another
read, then takes the results in the order it needs them:

    with together() as start:
        summary = start(lambda: read("stakeholders_summary", **params))
        funnel = start(lambda: read("stakeholders_funnel", **params))
    rows = summary.get()

The calling thread is never idle either: a job the workers have not begun when
its result is wanted is run by the caller itself, so a busy pool (many sessions
at once) costs no more than reading in a row. Leaving the block waits for the
jobs still running: nothing reads a database after its builder has returned.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")

# One worker per core (the reads are CPU work in DuckDB), shared by every session.
_WORKERS = max(2, min(os.cpu_count() or 2, 8))
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_inside = threading.local()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="reads")
        return _pool


class Pending(Generic[T]):
    """A job started by `together`; `get` gives its result or raises its error."""

    def __init__(self, job: Callable[[], T], future: Future[T] | None) -> None:
        self._job = job
        self._future = future
        self._lock = threading.Lock()

    def get(self) -> T:
        with self._lock:
            # Not begun by a worker (or never sent to one): the caller runs it now
            # rather than wait in line. A finished future cannot be cancelled.
            if self._future is None or self._future.cancel():
                self._future = _run_here(self._job)
        return self._future.result()

    def _wait(self) -> None:
        """Let a job a worker has begun finish; one not begun is not run."""
        if self._future is not None and not self._future.cancel():
            self._future.exception()


def _run_here(job: Callable[[], T]) -> Future[T]:
    """`job` run in this thread, its result or error held as a finished future."""
    done: Future[T] = Future()
    try:
        done.set_result(job())
    except BaseException as error:  # handed to whoever asks, as the job raised it
        done.set_exception(error)
    return done


def in_worker() -> bool:
    """Whether this thread is one of the pool's workers (a job started by `together`)."""
    return bool(getattr(_inside, "worker", False))


def _in_worker(context: contextvars.Context, job: Callable[[], T]) -> T:
    _inside.worker = True  # never unset: the pool's threads run nothing but jobs
    return context.run(job)


class Batch:
    """The jobs one `together` block started."""

    def __init__(self, nested: bool) -> None:
        self._nested = nested
        self._started: list[Pending[object]] = []

    def __call__(self, job: Callable[[], T]) -> Pending[T]:
        future = None
        if not self._nested:
            # each job in a copy of the caller's context (a text size, a language)
            future = _executor().submit(_in_worker, contextvars.copy_context(), job)
        pending = Pending(job, future)
        self._started.append(pending)  # type: ignore[arg-type]
        return pending

    def wait(self) -> None:
        for pending in self._started:
            pending._wait()


@contextmanager
def together() -> Iterator[Batch]:
    """Start jobs at once (see the module's text); the block's end waits for the
    running ones. Inside a worker (a job that starts jobs) they run in its thread:
    a worker never waits on the pool it belongs to."""
    batch = Batch(nested=in_worker())
    try:
        yield batch
    finally:
        batch.wait()
