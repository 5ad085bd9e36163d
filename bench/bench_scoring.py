"""Scoring benchmark: the sensitivity analysis against the plain ranking.

    python -m bench.bench_scoring [--runs 7]

1. The issue's size: 100 projects x 10 criteria, 1,000 weight perturbations.
   Plain ranking (points, totals, tie-break) is the baseline; the sensitivity
   run is what the page adds to it: stability intervals for the winner and the
   top 10, the smallest change, and the seeded Monte-Carlo rank probabilities.
2. The page's whole path on generated data (`bench.generate`) at 1x, 10x and
   100x the demo (200,000 scores at 100x): the named queries of one evaluation,
   the table, the ranking and the sensitivity, against the 1x run.

Medians of N runs, ratios measured in this same process; a table is printed
and JSON written to bench/results/scoring.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import duckdb
import numpy as np

from bench.generate import generate
from bench.timing import median_seconds
from dashboard import db, scoring
from dashboard.scoring import Criterion, ScoreTable
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
PROJECTS, CRITERIA, KEEP = 100, 10, 10
SCALES = (1, 10, 100)


def synthetic_table(projects: int, criteria: int, seed: int = 2020) -> ScoreTable:
    rng = np.random.default_rng(seed)
    crits = tuple(
        Criterion(f"c{j}", f"Critère {j}", float(rng.integers(5, 30)), 10.0)
        for j in range(criteria)
    )
    values = rng.uniform(0.3, 1.0, size=(projects, criteria))
    ids = tuple(f"P{i:03d}" for i in range(projects))
    return ScoreTable(
        ids, ids, tuple("candidate" for _ in ids), crits, values, np.full(projects, np.nan)
    )


def sensitivity(ranking: scoring.Ranking, keep: int) -> None:
    winner = scoring.stability_intervals(ranking, 1)
    scoring.stability_intervals(ranking, keep)
    scoring.smallest_change(winner)
    scoring.rank_probabilities(ranking, draws=scoring.DRAWS)


def issue_size(runs: int) -> dict[str, object]:
    table = synthetic_table(PROJECTS, CRITERIA)
    ranking = scoring.rank(table)
    plain = median_seconds(lambda: scoring.rank(table), runs, warm_up=True)
    monte_carlo = median_seconds(lambda: scoring.rank_probabilities(ranking), runs, warm_up=True)
    intervals = median_seconds(
        lambda: (
            scoring.stability_intervals(ranking, 1),
            scoring.stability_intervals(ranking, KEEP),
        ),
        runs,
        warm_up=True,
    )
    full = median_seconds(lambda: sensitivity(ranking, KEEP), runs, warm_up=True)
    return {
        "projects": PROJECTS,
        "criteria": CRITERIA,
        "draws": scoring.DRAWS,
        "plain_ranking_s": round(plain, 5),
        "intervals_s": round(intervals, 5),
        "monte_carlo_s": round(monte_carlo, 5),
        "sensitivity_s": round(full, 5),
        "ratio_sensitivity_to_ranking": round(full / plain, 2),
    }


def page_path(con: duckdb.DuckDBPyConnection, evaluation: str) -> int:
    """What the page computes for one evaluation, from the named queries on."""
    criteria = scoring.criteria_from_frame(
        db.query(con, "scoring_criteria", evaluation=evaluation, hidden=[])
    )
    projects = db.query(con, "scoring_projects", evaluation=evaluation, hidden=[])
    aggregates = db.query(con, "scoring_aggregates", evaluation=evaluation, hidden=[])
    table = scoring.build_table(projects, criteria, aggregates, "mean")
    ranking = scoring.rank(table)
    sensitivity(ranking, min(3, len(ranking.ranked) - 1))
    jurors = db.query(con, "scoring_juror_scores", evaluation=evaluation)
    scoring.juror_spread(jurors, criteria)
    scoring.juror_rankings(table, jurors)
    return len(jurors)


def generated(runs: int) -> dict[str, object]:
    out: dict[str, object] = {}
    baseline = None
    with tempfile.TemporaryDirectory() as tmp:
        for scale in SCALES:
            folder = Path(tmp) / f"x{scale}"
            counts = generate(folder, scale)
            con = db.open_database(Store(folder).current_files())
            evaluations = db.query(con, "scoring_evaluations", hidden=[])
            # the last culinary evaluation: the same size at every scale, in a
            # database that grows with the scale
            culinary = [e for e in evaluations["evaluation"] if "agence" not in e][-1]
            jurors = page_path(con, culinary)
            seconds = median_seconds(lambda c=con, e=culinary: page_path(c, e), runs, warm_up=True)
            baseline = baseline or seconds
            out[f"{scale}x"] = {
                "scores": counts["scores"],
                "evaluations": len(evaluations),
                "juror_scores_in_evaluation": jurors,
                "median_s": round(seconds, 4),
                "ratio_to_1x": round(seconds / baseline, 2),
            }
            con.close()
    return out


def run(runs: int = 7) -> dict[str, object]:
    """Every measure of this benchmark (what `python -m bench.run` collects)."""
    return {"runs": runs, "issue_size": issue_size(runs), "generated": generated(runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    results = run(args.runs)
    size = results["issue_size"]
    assert isinstance(size, dict)
    print(
        f"{PROJECTS} projects x {CRITERIA} criteria, {scoring.DRAWS} perturbations "
        f"(median of {args.runs} runs)"
    )
    print(f"{'step':<34} {'median s':>10}")
    for label, key in (
        ("plain ranking (baseline)", "plain_ranking_s"),
        ("stability intervals (first, top 10)", "intervals_s"),
        ("Monte-Carlo rank probabilities", "monte_carlo_s"),
        ("whole sensitivity run", "sensitivity_s"),
    ):
        print(f"{label:<34} {size[key]:>10}")
    print(f"ratio sensitivity / plain ranking: {size['ratio_sensitivity_to_ranking']}")

    print()
    print(f"{'scale':>6} {'scores':>8} {'evals':>6} {'median s':>9} {'ratio':>6}")
    for scale, r in results["generated"].items():  # type: ignore[union-attr]
        print(
            f"{scale:>6} {r['scores']:>8} {r['evaluations']:>6} "
            f"{r['median_s']:>9} {r['ratio_to_1x']:>6}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scoring.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
