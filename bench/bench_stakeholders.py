"""Stakeholders benchmark: the page's layers, charts and tables at 10,000 stakeholders
against the demo (82), and the page's whole server time at both sizes.

    python -m bench.bench_stakeholders [--runs 5]

Medians of N runs; ratios are against the demo measured in this same process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.generate import generate
from dashboard import charts, db, map_layers
from dashboard import stakeholders as sk
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
NO_FILTER = sk.rows_params(hidden=("choix-agence",))


def build(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """What the page computes before Streamlit draws it, step by step."""
    clock = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[name] = now - clock
        clock = now

    db.query(con, "stakeholders_options", hidden=NO_FILTER["hidden"])
    rows = db.query(con, "stakeholders_rows", **NO_FILTER)
    sites = db.query(con, "sites")
    lap("queries")
    placed = sk.place(rows)
    local, abroad = placed[~placed["abroad"]], placed[placed["abroad"]]
    deck, aggregated = map_layers.local_map(local, sites, None, True, "fr")
    local_spec = map_layers.spec(deck)
    abroad_spec = map_layers.spec(map_layers.abroad_map(abroad, True, "fr"))
    lap("maps")
    cover = sk.coverage(placed)
    sk.gaps(cover)
    sk.country_counts(placed)
    table = sk.funnel(placed)
    sk.quadrant_counts(placed)
    for chart in (
        sk.power_interest_chart(placed, "fr"),
        sk.funnel_chart(table, "fr"),
        sk.coverage_chart(cover, "fr"),
        sk.legend_chart(placed["category"], "fr"),
    ):
        charts.finish(chart, "fr").to_dict()
    lap("charts")
    sk.unlocated(placed)
    sk.search(placed, "ferme")
    lap("tables")
    return {
        "stakeholders": len(placed),
        "aggregated": aggregated,
        "local_spec_kib": round(len(local_spec) / 1024, 1),
        "abroad_spec_kib": round(len(abroad_spec) / 1024, 1),
        "steps": steps,
    }


def measure(folder: Path, runs: int) -> dict[str, Any]:
    con = db.open_database(Store(folder).current_files())
    try:
        shape = build(con)
        per_step: dict[str, list[float]] = {}
        totals = []
        for _ in range(runs):
            start = time.perf_counter()
            result = build(con)
            totals.append(time.perf_counter() - start)
            for name, seconds in result["steps"].items():
                per_step.setdefault(name, []).append(seconds)
    finally:
        con.close()
    shape.pop("steps")
    return {
        **shape,
        "median_s": round(statistics.median(totals), 4),
        "steps_median_s": {k: round(statistics.median(v), 4) for k, v in per_step.items()},
    }


def page_time(folder: Path, runs: int) -> float:
    """Median server time of the page's own run in AppTest (warm caches): the
    app starts on the overview, then the clock runs over the switch to this page."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    st.cache_data.clear()
    st.cache_resource.clear()
    times = []
    for _ in range(runs + 1):  # the first run warms the caches, as a live server would be
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=300).run()
        start = time.perf_counter()
        at.switch_page("pages/stakeholders.py").run()
        times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    return statistics.median(times[1:])


def run(runs: int = 5) -> dict[str, Any]:
    results: dict[str, Any] = {"runs": runs}
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "x100"
        counts = generate(big, 100)
        demo = measure(ROOT / "data", runs)
        large = measure(big, runs)
        large["ratio_to_demo"] = round(large["median_s"] / demo["median_s"], 2)
        results["build"] = {"demo": demo, "x100": large}
        results["generated_stakeholders"] = counts["stakeholders"]
        page_demo = page_time(ROOT / "data", max(runs // 2, 2))
        page_large = page_time(big, max(runs // 2, 2))
        results["server_time"] = {
            "demo_s": round(page_demo, 3),
            "x100_s": round(page_large, 3),
            "ratio_to_demo": round(page_large / page_demo, 2),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = run(args.runs)
    build_ = results["build"]
    print(f"{'':28}{'demo':>12}{'10,000':>12}{'ratio':>8}")
    demo, large = build_["demo"], build_["x100"]
    print(f"{'stakeholders':28}{demo['stakeholders']:>12}{large['stakeholders']:>12}{'':>8}")
    print(f"{'aggregated map':28}{demo['aggregated']!s:>12}{large['aggregated']!s:>12}{'':>8}")
    for key in ("local_spec_kib", "abroad_spec_kib"):
        ratio = large[key] / demo[key] if demo[key] else 0
        print(f"{key:28}{demo[key]:>12}{large[key]:>12}{ratio:>8.2f}")
    for step, seconds in demo["steps_median_s"].items():
        other = large["steps_median_s"][step]
        print(f"{'  ' + step + ' (s)':28}{seconds:>12.4f}{other:>12.4f}{other / seconds:>8.1f}")
    print(
        f"{'build median (s)':28}{demo['median_s']:>12.4f}{large['median_s']:>12.4f}"
        f"{large['ratio_to_demo']:>8.1f}"
    )
    server = results["server_time"]
    print(
        f"{'page server time (s)':28}{server['demo_s']:>12.3f}{server['x100_s']:>12.3f}"
        f"{server['ratio_to_demo']:>8.1f}"
    )
    out = ROOT / "bench" / "results" / "stakeholders.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\n{out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
