"""Scoring benchmark: the page's own builder (`views.scoring.build`), as the page,
the pack and the tests call it.

    python -m bench.bench_scoring [--runs 7] [--sizes 1000,3000,10000]

1. Generated data (`bench.generate`) at 1x, 10x and 100x the demo: one culinary
   evaluation (the same size at every scale, in a database that grows), staff's
   model with the jurors' detail and the sensitivity, warm (a new state each run,
   so nothing comes from a cache) and cold (a fresh database).
2. Large evaluations: one evaluation of 1,000 / 3,000 / 10,000 projects x 10
   criteria (9 rated by 5 jurors, 1 on the lowest price), each in its own process
   so that its peak RSS (`resource.getrusage`) is the builder's alone: the page's
   model, sensitivity on, the jurors' detail, and the CSV download.

Medians of N runs; a table is printed and JSON written to bench/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bench.generate import generate
from bench.timing import median_seconds
from dashboard.domain.scoring import Shortlist
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import scoring as view
from dashboard.views.reader import database_reader

ROOT = Path(__file__).resolve().parent.parent
SCALES = (1, 10, 100)
SIZES = (1000, 3000, 10000)
SITUATION = date(2020, 4, 15)
CRITERIA = 10
JURORS = 5


def _states(evaluation: str) -> Callable[[], view.State]:
    """A new state per call (the weights move), as a user moving a slider makes."""
    counter = iter(range(10**9))

    def state() -> view.State:
        step = next(counter) % 50
        return view.State(
            evaluation,
            weights=(30.0 + step, 25.0, 20.0, 15.0, 10.0),
            jurors=True,
            situation=SITUATION,
        )

    return state


def generated(runs: int) -> dict[str, object]:
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in SCALES:
            folder = Path(tmp) / f"x{scale}"
            counts = generate(folder, scale)
            files = Store(folder).current_files()
            con = db.open_database(files)
            read = database_reader(con, "staff")
            evaluations = view.setup(read, view.SetupState()).evaluations
            culinary = [e for e in evaluations if "agence" not in e][-1]
            state = _states(culinary)
            warm = median_seconds(lambda r=read, s=state: view.build(r, s()), runs, warm_up=True)

            def cold(f: dict[str, Path | None] = files, e: str = culinary) -> None:
                fresh = db.open_database(f)
                view.build(database_reader(fresh, "staff"), view.State(e, jurors=True))
                fresh.close()

            out[f"{scale}x"] = {
                "scores": counts["scores"],
                "evaluations": len(evaluations),
                "warm_s": round(warm, 4),
                "cold_s": round(median_seconds(cold, max(1, runs // 2)), 4),
            }
            con.close()
    return out


def large_evaluation(folder: Path, projects: int, seed: int = 2020) -> None:
    """One evaluation `grande` of `projects` projects in canonical CSV files."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"P{i:05d}" for i in range(projects)]
    pd.DataFrame(
        {
            "project_id": ids,
            "evaluation": "grande",
            "name": [f"Projet {i}" for i in range(projects)],
            "theme": "",
            "stakeholder_id": "",
            "site_id": "",
            "price_eur": rng.integers(100, 2000, projects) * 100,
            "status": rng.choice(["candidate", "shortlisted", "selected", "rejected"], projects),
        }
    ).to_csv(folder / "projects.csv", index=False)
    criteria = [
        ("grande", f"c{j}", f"Critère {j}", float(rng.integers(5, 20)), 10, "rating")
        for j in range(CRITERIA - 1)
    ] + [("grande", "prix", "Prix", 20.0, "", "lowest_price")]
    pd.DataFrame(
        criteria, columns=["evaluation", "criterion_id", "label", "weight", "scale_max", "method"]
    ).to_csv(folder / "criteria.csv", index=False)
    rated = CRITERIA - 1
    quality = rng.uniform(0.3, 0.95, projects)
    score = quality[:, None, None] * 10 + rng.normal(0, 1.2, (projects, rated, JURORS))
    pd.DataFrame(
        {
            "project_id": np.repeat(ids, rated * JURORS),
            "criterion_id": np.tile(np.repeat([f"c{j}" for j in range(rated)], JURORS), projects),
            "juror": np.tile([f"Juré {k}" for k in range(JURORS)], projects * rated),
            "score": np.clip(np.round(score * 2) / 2, 0, 10).reshape(-1),
            "comment": "",
        }
    ).to_csv(folder / "scores.csv", index=False)


def one_size(projects: int, runs: int) -> dict[str, object]:
    """Run in a process of its own: the builder's time and the process's peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        large_evaluation(Path(tmp), projects)
        start = time.perf_counter()
        con = db.open_database(Store(Path(tmp)).current_files())
        load = time.perf_counter() - start
        read = database_reader(con, "staff")
        base = view.State("grande", jurors=True, situation=SITUATION)
        state = _states("grande")
        first = time.perf_counter()
        found = view.build(read, base)
        first_s = time.perf_counter() - first
        warm = median_seconds(lambda: view.build(read, replace(state(), weights=(), page=2)), runs)
        quick = median_seconds(
            lambda: view.build(read, replace(state(), weights=(), sensitivity=False)), runs
        )
        csv_s = median_seconds(lambda: view.export_csv(found), max(1, runs // 2))
        top = view.build(read, replace(base, shortlist=Shortlist("top", 20)))
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        con.close()
    return {
        "projects": projects,
        "scores": projects * (CRITERIA - 1) * JURORS,
        "load_s": round(load, 3),
        "first_build_s": round(first_s, 3),
        "build_s": round(warm, 3),
        "build_without_sensitivity_s": round(quick, 3),
        "csv_s": round(csv_s, 3),
        "table_rows": len(top.table),
        "bars": int(top.bars["project"].nunique()),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


def large(runs: int, sizes: tuple[int, ...] = SIZES) -> dict[str, object]:
    out: dict[str, object] = {}
    for size in sizes:
        done = subprocess.run(
            [sys.executable, "-m", "bench.bench_scoring", "--one", str(size), "--runs", str(runs)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        out[str(size)] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def run(runs: int = 7, sizes: tuple[int, ...] = SIZES) -> dict[str, object]:
    """Every measure of this benchmark (what `python -m bench.run` collects)."""
    return {"runs": runs, "generated": generated(runs), "large": large(max(1, runs // 2), sizes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.runs)))
        return
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    results = run(args.runs, sizes)
    print(f"{'scale':>6} {'scores':>8} {'evals':>6} {'warm s':>8} {'cold s':>8}")
    for scale, r in results["generated"].items():  # type: ignore[union-attr]
        print(
            f"{scale:>6} {r['scores']:>8} {r['evaluations']:>6} {r['warm_s']:>8} {r['cold_s']:>8}"
        )
    print()
    print(f"{'projects':>8} {'build s':>8} {'no sens.':>8} {'csv s':>6} {'peak MiB':>9}")
    for size, r in results["large"].items():  # type: ignore[union-attr]
        print(
            f"{size:>8} {r['build_s']:>8} {r['build_without_sensitivity_s']:>8} "
            f"{r['csv_s']:>6} {r['peak_rss_mib']:>9}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scoring.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
