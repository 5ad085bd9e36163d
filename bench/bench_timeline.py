"""Timeline benchmark: the page's view model (`views.timeline.build`, what the page
and the pack's Gantt draw) at 1x, 10x and 100x the demo, cold (a new database) and
warm, the bytes of its chart spec and table, and the page's server time against
the overview's at demo size.

    python -m bench.bench_timeline [--runs 7]

Medians of N runs; ratios are against the 1x run (data and spec) and against the
overview page (server time), both measured in this same process.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import date
from pathlib import Path

import duckdb

from bench.generate import generate
from bench.timing import median_seconds
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import timeline
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parent.parent
SITUATION = date(2020, 4, 15)
SCALES = (1, 10, 100)


def build(con: duckdb.DuckDBPyConnection, expanded: tuple[str, ...] = ()) -> tuple[int, int]:
    """The page's model, as the page builds it: rows drawn and bytes sent."""
    read = database_reader(con, "viewer")
    found = timeline.build(read, timeline.State(situation=SITUATION, expanded=expanded))
    sent = len(json.dumps(found.spec)) + len(found.watch.to_json())
    return len(found.rows), sent


def page_time(page: str | None, folder: Path, runs: int) -> float:
    """Median server time of one AppTest run of a page (warm caches)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DATA_DIR"] = str(folder)
    st.cache_data.clear()
    st.cache_resource.clear()

    def once() -> None:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        if page is not None:
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]

    once()  # warm the caches, as a live server would be
    start_only = median_seconds(lambda: _start_only(), runs)
    return max(median_seconds(once, runs) - (start_only if page is not None else 0.0), 1e-9)


def _start_only() -> None:
    from streamlit.testing.v1 import AppTest

    AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()


def run(runs: int = 5) -> dict[str, object]:
    results: dict[str, object] = {"runs": runs, "scales": {}}
    with tempfile.TemporaryDirectory() as tmp:
        baseline = None
        for scale in SCALES:
            folder = Path(tmp) / f"x{scale}"
            counts = generate(folder, scale)
            files = Store(folder).current_files()
            con = db.open_database(files)
            rows, sent = build(con)
            streams = db.query(con, "timeline_workstreams")  # the largest one, opened
            biggest = (
                ()
                if streams.empty
                else (str(streams.loc[streams["tasks"].idxmax(), "workstream"]),)
            )
            rows_expanded, sent_expanded = build(con, biggest)
            seconds = median_seconds(lambda c=con: build(c), runs)
            cold = median_seconds(lambda f=files: build(db.open_database(f)), runs)
            baseline = baseline or seconds
            results["scales"][f"{scale}x"] = {  # type: ignore[index]
                "tasks": counts["tasks"],
                "rows_drawn": rows,
                "sent_kib": round(sent / 1024, 1),
                "rows_expanded": rows_expanded,
                "sent_expanded_kib": round(sent_expanded / 1024, 1),
                "median_s": round(seconds, 4),
                "cold_s": round(cold, 4),
                "ratio_to_1x": round(seconds / baseline, 2),
            }
            con.close()
        demo = ROOT / "data"
        overview = page_time(None, demo, runs)
        page = page_time("timeline", demo, runs)
        results["server_time_demo"] = {
            "overview_s": round(overview, 4),
            "timeline_s": round(page, 4),
            "ratio_timeline_to_overview": round(page / overview, 2),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = run(args.runs)
    print(
        f"{'scale':>6} {'tasks':>6} {'rows':>6} {'sent KiB':>9} {'expanded KiB':>13} "
        f"{'warm s':>8} {'cold s':>8} {'ratio':>6}"
    )
    for scale, r in results["scales"].items():  # type: ignore[attr-defined]
        print(
            f"{scale:>6} {r['tasks']:>6} {r['rows_drawn']:>6} {r['sent_kib']:>9} "
            f"{r['sent_expanded_kib']:>13} {r['median_s']:>8} {r['cold_s']:>8} "
            f"{r['ratio_to_1x']:>6}"
        )
    server = results["server_time_demo"]
    print(
        f"server time at demo size: overview {server['overview_s']} s, "  # type: ignore[index]
        f"timeline {server['timeline_s']} s, "  # type: ignore[index]
        f"ratio {server['ratio_timeline_to_overview']}"
    )  # type: ignore[index]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "timeline.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
