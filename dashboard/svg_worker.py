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
    """The child process and the charts asked of it, answered in the order asked."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.svg_worker", font_folder()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self.waiting: collections.deque[Future[str]] = collections.deque()
        # Two locks: `writing` keeps one chart's line whole and in the order of the
        # queue; `lock` guards the queue, and only for a moment, so that the answers'
        # reader never waits on a write (a long spec in a full pipe while the worker
        # writes a long answer would otherwise wait on each other for ever).
        self.writing = threading.Lock()
        self.lock = threading.Lock()
        self.alive = True
        threading.Thread(target=self._answers, name="svg-worker", daemon=True).start()

    def ask(self, spec: str) -> Future[str]:
        drawn: Future[str] = Future()
        stdin = self.process.stdin
        assert stdin is not None
        line = json.dumps(spec) + "\n"
        with self.writing:
            with self.lock:
                if not self.alive:
                    raise OSError("the chart worker has stopped")
                self.waiting.append(drawn)
            stdin.write(line)
            stdin.flush()
        return drawn

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
            with self.lock:
                self.alive = False
                while self.waiting:
                    self.waiting.popleft().set_exception(OSError("the chart worker has stopped"))
            self.stop()

    def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        if self.process.poll() is None and not self.alive:
            self.process.kill()


_PATIENCE_S = 60.0
_started = threading.Lock()
_worker: _Worker | None = None
_failed = False


def _running() -> _Worker | None:
    global _worker, _failed
    with _started:
        if _worker is None and not _failed:
            try:
                _worker = _Worker()
                atexit.register(_worker.stop)
            except OSError as exc:
                logging.getLogger("dashboard.pack").warning("charts drawn in process: %s", exc)
                _failed = True
        return _worker


def svg(spec: str) -> Future[str]:
    """The Vega-Lite spec (JSON) drawn as SVG, soon: in the worker, else here."""
    worker = _running()
    if worker is not None:
        try:
            return worker.ask(spec)
        except (OSError, ValueError):  # stopped, or its pipe closed
            pass
    drawn: Future[str] = Future()
    try:
        drawn.set_result(_draw(spec))
    except Exception as exc:  # the caller's fallback (a PNG) decides
        drawn.set_exception(exc)
    return drawn


def result(drawn: Future[str], spec: str) -> str:
    """The SVG of `svg(spec)`; drawn here if the worker stopped on the way or has
    not answered within a minute (it is then stopped: the next charts are drawn
    here)."""
    global _failed
    try:
        return drawn.result(timeout=_PATIENCE_S)
    except TimeoutError:
        with _started:
            _failed = True
            if _worker is not None:
                _worker.alive = False
                _worker.stop()
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
