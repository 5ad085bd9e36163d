"""Stakeholders benchmark: the page's view model (`views.stakeholders.build`, the
builder the page and the pack call) at demo size, 10x and 100x, the maps' JSON, the
page's server time in AppTest and the bytes its elements carry to the browser.

    python -m bench.bench_stakeholders [--runs 5]

Medians of N runs. "cold" builds on a freshly opened database (a new data version);
"warm" builds again on the same one (the page's `app.model` cache would not even
rebuild: a rerun with the same state reuses the model).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.generate import generate
from bench.timing import median_seconds
from dashboard.charts import map_layers
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import stakeholders as view
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parent.parent
STATE = view.State(situation=date(2020, 4, 15), hidden=("choix-agence",))


def _build(folder: Path, state: view.State = STATE) -> tuple[view.Model, float]:
    con = db.open_database(Store(folder).current_files())
    try:
        start = time.perf_counter()
        model = view.build(database_reader(con, "viewer"), state)
        return model, time.perf_counter() - start
    finally:
        con.close()


def measure(folder: Path, runs: int) -> dict[str, Any]:
    """Build times (cold and warm) and the size of what the maps send."""
    cold = [_build(folder)[1] for _ in range(runs)]
    con = db.open_database(Store(folder).current_files())
    try:
        read = database_reader(con, "viewer")
        view.build(read, STATE)
        warm = median_seconds(lambda: view.build(read, STATE), runs)
        model = view.build(read, STATE)
    finally:
        con.close()
    local = map_layers.spec(map_layers.local_map(model.local, True, "fr"))
    abroad = map_layers.spec(map_layers.abroad_map(model.abroad, True, "fr"))
    return {
        "stakeholders": model.headline.stakeholders,
        "map_mode": model.local.mode,
        "map_marks": len(model.local.points) + len(model.local.cells),
        "abroad_arcs": len(model.abroad.arcs),
        "local_spec_kib": round(len(local) / 1024, 1),
        "abroad_spec_kib": round(len(abroad) / 1024, 1),
        "build_cold_s": round(sorted(cold)[len(cold) // 2], 4),
        "build_warm_s": round(warm, 4),
    }


def sent_bytes(at: Any) -> int:
    """Bytes of every element the page's run produced (their protobuf messages:
    what the websocket carries, decks' JSON and tables' Arrow included)."""
    total, stack = 0, [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ByteSize"):
            total += int(proto.ByteSize())
        stack.extend(getattr(node, "children", {}).values())
    return total


def page_run(folder: Path, runs: int) -> dict[str, float]:
    """The page's server time in AppTest (the switch to it, warm caches: the first
    run fills them as a live server would have) and the bytes it sends."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    st.cache_data.clear()
    st.cache_resource.clear()
    times, size = [], 0
    for _ in range(runs + 1):
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
        start = time.perf_counter()
        at.switch_page("app_pages/stakeholders.py").run()
        times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
        size = sent_bytes(at)
    start = time.perf_counter()
    at.run()  # a rerun in the same session, nothing changed
    rerun = time.perf_counter() - start
    warm = sorted(times[1:])[len(times[1:]) // 2]
    return {
        "switch_s": round(warm, 3),
        "rerun_s": round(rerun, 3),
        "sent_kib": round(size / 1024, 1),
    }


def _folder(scale: int, tmp: Path) -> Path:
    made = Path(f"/tmp/x{scale}")
    if (made / "stakeholders.csv").exists():
        return made
    folder = tmp / f"x{scale}"
    generate(folder, scale)
    return folder


def run(runs: int = 5) -> dict[str, Any]:
    results: dict[str, Any] = {"runs": runs}
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"demo": ROOT / "data"}
        for scale in (10, 100):
            folders[f"x{scale}"] = _folder(scale, Path(tmp))
        results["build"] = {name: measure(folder, runs) for name, folder in folders.items()}
        pages = max(runs // 2, 2)
        results["page"] = {name: page_run(folder, pages) for name, folder in folders.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = run(args.runs)
    names = list(results["build"])
    print(f"{'':24}" + "".join(f"{n:>12}" for n in names))
    for key in results["build"]["demo"]:
        print(f"{key:24}" + "".join(f"{results['build'][n][key]!s:>12}" for n in names))
    for key in results["page"]["demo"]:
        print(f"{'page ' + key:24}" + "".join(f"{results['page'][n][key]!s:>12}" for n in names))
    out = ROOT / "bench" / "results" / "stakeholders.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\n{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
