"""The pack's chart worker: the same SVG as vl-convert draws here, answers in the
order asked, and a worker that dies costs no chart."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import vl_convert

from dashboard import svg_worker


def bars(n: int) -> str:
    return json.dumps(
        {
            "data": {"values": [{"k": f"b{i}", "v": i + 1} for i in range(n)]},
            "mark": "bar",
            "encoding": {
                "x": {"field": "k", "type": "nominal"},
                "y": {"field": "v", "type": "quantitative"},
            },
        }
    )


def ask_in_a_row(specs: list[str], within_s: float) -> list[str] | None:
    """Every chart asked before any answer is read, as the pack does, on a thread of
    its own; their SVGs, or None when they are not all back within `within_s`."""
    drawn: list[str] = []

    def ask_all() -> None:
        asked = [svg_worker.svg(spec) for spec in specs]
        drawn.extend(svg_worker.result(d, s) for d, s in zip(asked, specs, strict=True))

    asking = threading.Thread(target=ask_all, daemon=True)
    asking.start()
    asking.join(timeout=within_s)
    return None if asking.is_alive() else drawn


@pytest.fixture
def fresh() -> Iterator[None]:
    """A worker of this test's own (the module keeps one per process)."""
    saved = (svg_worker._worker, svg_worker._starts)
    svg_worker._worker, svg_worker._starts = None, 0
    yield
    if svg_worker._worker is not None:
        svg_worker._worker.stop()
        svg_worker._worker.process.wait(timeout=30)
    svg_worker._worker, svg_worker._starts = saved


def test_the_worker_draws_what_vl_convert_draws_here(fresh: None) -> None:
    vl_convert.register_font_directory(svg_worker.font_folder())
    specs = [bars(n) for n in (1, 5, 12)]
    asked = [svg_worker.svg(spec) for spec in specs]
    worker = svg_worker._worker
    assert worker is not None and worker.process.poll() is None  # a child process drew them
    for spec, drawn in zip(specs, asked, strict=True):
        assert svg_worker.result(drawn, spec) == str(vl_convert.vegalite_to_svg(spec))


def test_charts_asked_from_several_threads_each_get_their_own(fresh: None) -> None:
    specs = [bars(n) for n in range(1, 9)]
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda s: svg_worker.result(svg_worker.svg(s), s), specs))
    for spec, svg in zip(specs, drawn, strict=True):
        labels = json.loads(spec)["data"]["values"]
        assert f">{labels[-1]['k']}<" in svg and f">b{len(labels)}<" not in svg


def test_a_chart_vl_convert_refuses_is_an_error_not_an_answer(fresh: None) -> None:
    spec = json.dumps({"mark": "no-such-mark"})
    drawn = svg_worker.svg(spec)
    with pytest.raises(ValueError):
        svg_worker.result(drawn, spec)
    spec = bars(3)  # and the worker still draws the next one
    assert "<svg" in svg_worker.result(svg_worker.svg(spec), spec)


def test_a_worker_that_dies_costs_no_chart(fresh: None) -> None:
    spec = bars(4)
    expected = svg_worker.result(svg_worker.svg(spec), spec)
    worker = svg_worker._worker
    assert worker is not None
    worker.process.kill()
    worker.process.wait(timeout=30)
    # asked after its death: drawn here, the same
    for _ in range(2):
        assert svg_worker.result(svg_worker.svg(spec), spec) == expected
    for _ in range(200):  # its answers' reader sees the pipe close
        if not worker.alive:
            break
        time.sleep(0.05)
    assert worker.alive is False


def test_long_charts_asked_in_a_row_do_not_wait_on_each_other(fresh: None) -> None:
    """Specs and drawings larger than a pipe holds, asked one after the other before
    any answer is read (as the pack does): every one comes back."""
    specs = [bars(3000 + n) for n in range(4)]  # each spec and its SVG: hundreds of KiB
    drawn = ask_in_a_row(specs, within_s=120)
    assert drawn is not None, "the worker and the pack wait on each other"
    assert [svg.count("<text") > 3000 for svg in drawn] == [True] * 4
    assert svg_worker._worker is not None and svg_worker._worker.alive


def test_a_stuck_worker_holds_up_no_one(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that stops answering (here: stopped by a signal) while charts larger
    than a pipe are asked: asking returns at once, each chart is drawn here after
    the wait, and the stuck worker is killed."""
    spec = bars(3000)
    svg_worker.result(svg_worker.svg(spec), spec)  # started and answering
    monkeypatch.setattr(svg_worker, "_PATIENCE_S", 2.0)
    worker = svg_worker._worker
    assert worker is not None
    os.kill(worker.process.pid, signal.SIGSTOP)
    specs = [bars(3000 + n) for n in range(2)]  # each longer than a pipe holds
    drawn = ask_in_a_row(specs, within_s=60)
    assert drawn is not None, "a stuck worker held up the pack"
    assert drawn == [str(vl_convert.vegalite_to_svg(s)) for s in specs]
    assert worker.process.wait(timeout=30) == -signal.SIGKILL
