"""Charts drawn to SVG by vl-convert in a worker process, while the pack's thread
goes on with its queries and layout.

vl-convert holds the GIL while it draws, so a thread would only wait its turn: a
process draws beside the pack instead. One worker (`python -m dashboard.svg_worker`)
is started the first time a chart is asked for and kept for the next packs; its
start (an interpreter and vl-convert's engine) costs about a second, once. It is
a plain child process fed one JSON line per chart, not a multiprocessing pool:
such a pool would import the parent's `__main__` in the child, and inside
Streamlit that is the app's script. When the worker cannot start or dies, a chart
is drawn in this process, as before.

This module is what the worker runs: the standard library and vl-convert only.
"""

from __future__ import annotations

import atexit
import collections
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from typing import IO


def font_folder() -> str:
    """ReportLab's own fonts: the charts are measured by vl-convert and printed by
    ReportLab in the same font."""
    import reportlab

    return os.path.join(os.path.dirname(reportlab.__file__), "fonts")


def _draw(spec: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


class _Worker:
    """The child process and the charts asked of it, answered in the order asked.

    Asking never waits: a chart's line goes to a queue that a writer thread sends,
    and its answer is read by a reader thread. So neither a worker busy with a long
    chart (a full pipe) nor a stuck one holds up a session; a stuck one is stopped
    by `result`'s timeout."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.svg_worker", font_folder()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.waiting: collections.deque[Future[str]] = collections.deque()
        self.lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.lock = threading.Lock()  # the queue of answers and `alive`, for a moment
        self.alive = True
        threading.Thread(target=self._questions, name="svg-worker-in", daemon=True).start()
        threading.Thread(target=self._answers, name="svg-worker-out", daemon=True).start()

    def ask(self, spec: str) -> Future[str]:
        drawn: Future[str] = Future()
        with self.lock:  # the same order in both queues
            if not self.alive:
                raise OSError("the chart worker has stopped")
            self.waiting.append(drawn)
            self.lines.put(json.dumps(spec) + "\n")
        return drawn

    def _questions(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            while (line := self.lines.get()) is not None:
                stdin.write(line)
                stdin.flush()
        except (OSError, ValueError):  # a dead worker: its reader fails what is owed
            self.stop()

    def _answers(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        try:
            for line in stdout:
                answer = json.loads(line)
                with self.lock:
                    drawn = self.waiting.popleft()
                if "svg" in answer:
                    drawn.set_result(answer["svg"])
                else:
                    drawn.set_exception(ValueError(answer.get("error", "")))
        except (ValueError, IndexError, OSError):
            logging.getLogger("dashboard.pack").exception("the chart worker answered wrong")
        finally:  # the worker is gone: what it still owed is drawn here
            self.stop()
            with self.lock:
                while self.waiting:
                    self.waiting.popleft().set_exception(OSError("the chart worker has stopped"))
            self.process.wait()
            stdout.close()

    def stop(self) -> None:
        """Kill the worker (it keeps nothing): killed first, its pipe closed after, so
        that a write waiting on a full pipe fails instead of holding the close."""
        with self.lock:
            self.alive = False
        self.lines.put(None)
        if self.process.poll() is None:
            self.process.kill()


_PATIENCE_S = 60.0
_RESTARTS = 3  # a worker that keeps dying is given up: charts drawn in process
_started = threading.Lock()
_worker: _Worker | None = None
_starts = 0


def _running() -> _Worker | None:
    global _worker, _starts
    with _started:
        if (_worker is None or not _worker.alive) and _starts < _RESTARTS:
            _starts += 1
            try:
                _worker = _Worker()
                atexit.register(_worker.stop)
            except OSError as exc:
                logging.getLogger("dashboard.pack").warning("charts drawn in process: %s", exc)
                _worker = None
        return _worker if _worker is not None and _worker.alive else None


def svg(spec: str) -> Future[str]:
    """The Vega-Lite spec (JSON) drawn as SVG, soon: in the worker, else here."""
    worker = _running()
    if worker is not None:
        try:
            return worker.ask(spec)
        except OSError:  # stopped in the meantime
            pass
    drawn: Future[str] = Future()
    try:
        drawn.set_result(_draw(spec))
    except Exception as exc:  # the caller's fallback (a PNG) decides
        drawn.set_exception(exc)
    return drawn


def result(drawn: Future[str], spec: str) -> str:
    """The SVG of `svg(spec)`; drawn here if the worker stopped on the way or has
    not answered within a minute (it is then stopped; the next chart starts
    another, up to three in all)."""
    try:
        return drawn.result(timeout=_PATIENCE_S)
    except TimeoutError:
        with _started:
            stuck = _worker
        if stuck is not None:
            stuck.stop()
        return _draw(spec)
    except OSError:
        return _draw(spec)


def _serve(folder: str, requests: IO[str], answers: IO[str]) -> None:
    """The worker's loop: one spec a line in, one answer a line out."""
    import vl_convert

    vl_convert.register_font_directory(folder)
    for line in requests:
        try:
            answer = {"svg": _draw(json.loads(line))}
        except Exception as exc:  # told to the pack, which falls back to a PNG
            answer = {"error": repr(exc)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    # the answers keep the real standard output; anything else written there (by
    # vl-convert's engine) goes to standard error instead of into an answer
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.argv[1], sys.stdin, answers)
