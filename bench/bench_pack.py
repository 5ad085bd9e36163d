"""Committee pack benchmark: the time to build the demo's PDF (what a click on the
sidebar's button costs the server), staff in French and viewer in English, against
the timeline page's own PNG export of its Gantt, measured in this same process.

    python -m bench.bench_pack [--runs 5] [--folder DATA]

Medians of N runs after one warm-up (vl-convert's engine starts once per process);
`python -m bench.run` also times it at 100x the demo (one run, no warm-up).
"""

from __future__ import annotations

import argparse
import io
import json
import time
from datetime import date
from pathlib import Path

from bench.timing import median_seconds
from dashboard import export, pack
from dashboard.auth import DEFAULT_CONFIDENTIAL_EVALUATIONS, Role
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import timeline
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data"
SITUATION = date(2020, 4, 15)


def run(
    runs: int = 5, folder: Path = DEMO, warm_up: bool = True, viewer_pack: bool = True
) -> dict[str, object]:
    """The pack (staff in French, and viewer in English unless `viewer_pack` is
    False) and the Gantt PNG on `folder`, built by the public builder
    `pack.build_pack`, as the sidebar's button does."""
    store = Store(folder)
    con = db.open_database(store.current_files())

    def build(lang: str, role: Role) -> bytes:
        read = pack.restricted(lambda name, **params: db.query(con, name, **params), role)
        hidden = () if role == "staff" else DEFAULT_CONFIDENTIAL_EVALUATIONS
        context = pack.context_for(store, lang, SITUATION, role, hidden)
        return pack.build_pack(read, context)

    def gantt_png() -> bytes:
        read = database_reader(con, "viewer")
        found = timeline.build(read, timeline.State(situation=SITUATION))
        return export.chart_png({**found.spec, "width": 1100})

    def first(lang: str, role: Role) -> tuple[bytes, float]:
        start = time.perf_counter()
        pdf = build(lang, role)
        return pdf, time.perf_counter() - start

    from pypdf import PdfReader

    def measured(lang: str, role: Role) -> dict[str, object]:
        pdf, seconds = first(lang, role)
        if warm_up or runs > 1:  # else the first build is the one measure (a large folder)
            seconds = median_seconds(lambda: build(lang, role), runs, warm_up=warm_up)
        return {
            "median_s": round(seconds, 3),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "kib": round(len(pdf) / 1024, 1),
        }

    baseline = median_seconds(gantt_png, runs, warm_up=True)
    results: dict[str, object] = {"runs": runs, "gantt_png_s": round(baseline, 3)}
    packs = {"pack_staff_fr": ("fr", "staff"), "pack_viewer_en": ("en", "viewer")}
    for name, (lang, role) in packs.items():
        if role == "viewer" and not viewer_pack:
            continue
        r = measured(lang, role)
        r["ratio_to_gantt_png"] = round(float(str(r["median_s"])) / baseline, 2)
        results[name] = r
    con.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=DEMO)
    args = parser.parse_args()
    results = run(args.runs, args.folder)
    print(f"Gantt PNG (the timeline's export): {results['gantt_png_s']} s")
    print(f"{'pack':>16} {'pages':>6} {'KiB':>7} {'median s':>9} {'ratio':>6}")
    for name in ("pack_staff_fr", "pack_viewer_en"):
        r = results.get(name)
        if not isinstance(r, dict):
            continue
        print(
            f"{name:>16} {r['pages']:>6} {r['kib']:>7} "
            f"{r['median_s']:>9} {r['ratio_to_gantt_png']:>6}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pack.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
