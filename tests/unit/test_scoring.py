"""Scoring maths against hand-computed totals, the tie-break, missing scores,
juror spread, sensitivity (checked by brute force) and the exports."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import db, export, scoring, scoring_charts
from dashboard.scoring import Criterion, ScoreTable
from dashboard.store import Store

# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.open_database(Store(Path(__file__).resolve().parents[2] / "data").current_files())
    yield con
    con.close()


def demo_table(
    con: duckdb.DuckDBPyConnection, evaluation: str, how: scoring.Aggregation = "mean"
) -> ScoreTable:
    criteria = scoring.criteria_from_frame(
        db.query(con, "scoring_criteria", evaluation=evaluation, hidden=[])
    )
    projects = db.query(con, "scoring_projects", evaluation=evaluation, hidden=[])
    aggregates = db.query(con, "scoring_aggregates", evaluation=evaluation, hidden=[])
    return scoring.build_table(projects, criteria, aggregates, how)


def totals_by_id(ranking: scoring.Ranking) -> dict[str, float]:
    return {
        pid: float(total)
        for pid, total in zip(ranking.table.project_ids, ranking.totals, strict=True)
    }


def ranked_ids(ranking: scoring.Ranking) -> list[str]:
    return [ranking.table.project_ids[i] for i in ranking.ranked]


def hand_table(
    values: dict[str, dict[str, float | None]],
    criteria: list[Criterion],
    prices: dict[str, float | None] | None = None,
    juror: str = "J1",
) -> tuple[ScoreTable, pd.DataFrame]:
    """A table from raw scores {project: {criterion: score}} (one juror)."""
    rows = [
        {"project_id": p, "criterion_id": c, "juror": juror, "score": s}
        for p, scores in values.items()
        for c, s in scores.items()
        if s is not None
    ]
    scores = pd.DataFrame(rows, columns=["project_id", "criterion_id", "juror", "score"])
    projects = pd.DataFrame(
        {
            "project_id": list(values),
            "name": list(values),
            "price_eur": [(prices or {}).get(p) for p in values],
        }
    )
    return scoring.build_table(projects, criteria, scoring.aggregate_scores(scores)), scores


# --- demo data: hand-computed totals ------------------------------------------------------


def test_agency_totals_by_hand(demo: duckdb.DuckDBPyConnection) -> None:
    # comprehension 30, methode 20, references 10, equipe 10 on /10; prix 30 on lowest price.
    # AG1: 30*8.1667/10 + 20*8.3333/10 + 10*6.6667/10 + 10*8.6667/10 + 30*38900/48500
    #    = 24.50 + 16.67 + 6.67 + 8.67 + 24.06 = 80.56
    expected = {"AG1": 80.56, "AG3": 75.72, "AG2": 72.33, "AG4": 71.11}
    ranking = scoring.rank(demo_table(demo, "choix-agence"))
    assert ranked_ids(ranking) == list(expected)
    for pid, total in totals_by_id(ranking).items():
        assert total == pytest.approx(expected[pid], abs=0.01)
    points = ranking.frame().set_index("project_id")
    assert points.loc["AG2", "points_prix"] == pytest.approx(30.0)  # the cheapest: all points
    assert points.loc["AG3", "points_prix"] == pytest.approx(30 * 38900 / 61800, abs=0.01)
    assert points.loc["AG1", "points_comprehension"] == pytest.approx(24.5, abs=0.01)
    assert ranking.gap() == pytest.approx(80.56 - 75.72, abs=0.01)


def test_agency_with_median(demo: duckdb.DuckDBPyConnection) -> None:
    # AG3: 30*7.5/10 + 20*8.5/10 + 10*8/10 + 10*7/10 + 18.88 = 73.38
    # AG2: 30*6/10 + 20*6.5/10 + 10*5/10 + 10*7/10 + 30 = 73.00
    expected = {"AG1": 80.56, "AG3": 73.38, "AG2": 73.00, "AG4": 71.44}
    ranking = scoring.rank(demo_table(demo, "choix-agence", "median"))
    assert ranked_ids(ranking) == list(expected)
    for pid, total in totals_by_id(ranking).items():
        assert total == pytest.approx(expected[pid], abs=0.01)


def test_culinary_totals_by_hand(demo: duckdb.DuckDBPyConnection) -> None:
    # P01: 30*4.5/5 + 25*4.6667/5 + 20*4.6667/5 + 15*4.3333/5 + 10*3.1667/5
    #    = 27 + 23.33 + 18.67 + 13 + 6.33 = 88.33
    ranking = scoring.rank(demo_table(demo, "projets-culinaires"))
    totals = totals_by_id(ranking)
    assert totals["P01"] == pytest.approx(88.33, abs=0.01)
    assert totals["P04"] == pytest.approx(86.33, abs=0.01)
    assert totals["P11"] == pytest.approx(53.83, abs=0.01)
    assert ranked_ids(ranking)[:3] == ["P01", "P04", "P05"]
    assert len(ranking.ranked) == 12


def test_median_differs_from_mean_where_one_juror_stands_apart(
    demo: duckdb.DuckDBPyConnection,
) -> None:
    # P03 feasibility: 4, 4.5 and 1 -> mean 3.17, median 4
    mean = totals_by_id(scoring.rank(demo_table(demo, "projets-culinaires", "mean")))
    median = totals_by_id(scoring.rank(demo_table(demo, "projets-culinaires", "median")))
    assert mean["P03"] == pytest.approx(78.17, abs=0.01)
    assert median["P03"] == pytest.approx(82.50, abs=0.01)


def test_sql_aggregates_match_python(demo: duckdb.DuckDBPyConnection) -> None:
    for evaluation in ("projets-culinaires", "choix-agence"):
        sql = db.query(demo, "scoring_aggregates", evaluation=evaluation, hidden=[])
        assert "juror" not in sql.columns and "comment" not in sql.columns
        jurors = db.query(demo, "scoring_juror_scores", evaluation=evaluation)
        for how in scoring.AGGREGATIONS:
            mine = scoring.aggregate_scores(jurors, how).set_index(["project_id", "criterion_id"])
            theirs = sql.set_index(["project_id", "criterion_id"])
            assert len(mine) == len(theirs)
            assert np.allclose(mine["score"], theirs.loc[mine.index, f"{how}_score"])
            assert (mine["jurors"] == theirs.loc[mine.index, "jurors"]).all()


def test_sql_price_ratio_matches_python(demo: duckdb.DuckDBPyConnection) -> None:
    projects = db.query(demo, "scoring_projects", evaluation="choix-agence", hidden=[])
    assert np.allclose(projects["price_ratio"], scoring.lowest_price_ratios(projects["price_eur"]))
    assert db.query(
        demo, "scoring_projects", evaluation="choix-agence", hidden=["choix-agence"]
    ).empty


def test_viewer_facing_queries_and_hidden_evaluations(demo: duckdb.DuckDBPyConnection) -> None:
    assert db.audience("scoring_juror_scores") == "staff"
    for name in ("scoring_evaluations", "scoring_criteria", "scoring_projects"):
        assert db.audience(name) == "all"
    assert db.audience("scoring_aggregates") == "all"
    listed = db.query(demo, "scoring_evaluations", hidden=["choix-agence"])
    assert list(listed["evaluation"]) == ["projets-culinaires"]
    every = db.query(demo, "scoring_evaluations", hidden=[])
    assert list(every["evaluation"]) == ["projets-culinaires", "choix-agence"]
    assert list(every["has_price_criterion"]) == [False, True]
    assert db.query(
        demo, "scoring_aggregates", evaluation="choix-agence", hidden=["choix-agence"]
    ).empty


# --- small hand-made cases ----------------------------------------------------------------

AB = [Criterion("a", "A", 60, 10), Criterion("b", "B", 40, 10)]


def test_lowest_price_ratios() -> None:
    ratios = scoring.lowest_price_ratios([100.0, 200.0, None, 0.0, 400.0])
    assert ratios[0] == 1.0 and ratios[1] == 0.5 and ratios[4] == 0.25
    assert math.isnan(ratios[2]) and math.isnan(ratios[3])
    assert np.isnan(scoring.lowest_price_ratios([None, None])).all()


def test_lowest_price_criterion_points() -> None:
    criteria = [Criterion("q", "Quality", 70, 10), Criterion("p", "Price", 30, 5, "lowest_price")]
    table, _ = hand_table(
        {"X": {"q": 8}, "Y": {"q": 10}}, criteria, prices={"X": 40000, "Y": 50000}
    )
    ranking = scoring.rank(table)
    # X: 70*0.8 + 30*1 = 86; Y: 70*1 + 30*40000/50000 = 94
    assert totals_by_id(ranking) == {"X": pytest.approx(86.0), "Y": pytest.approx(94.0)}
    assert ranked_ids(ranking) == ["Y", "X"]


def test_weights_count_relative_to_their_sum() -> None:
    table, _ = hand_table({"X": {"a": 5, "b": 10}}, AB)
    assert totals_by_id(scoring.rank(table, [3, 2]))["X"] == pytest.approx(70.0)
    assert totals_by_id(scoring.rank(table, [60, 40]))["X"] == pytest.approx(70.0)
    assert totals_by_id(scoring.rank(table, [0, 1]))["X"] == pytest.approx(100.0)
    with pytest.raises(ValueError):
        scoring.rank(table, [0, 0])
    with pytest.raises(ValueError):
        scoring.normalise_weights([1, -1])


def test_tie_broken_by_heaviest_criterion() -> None:
    # X: 60*0.5 + 40*1 = 70; Y: 60*1 + 40*0.25 = 70; a (60) is the heaviest
    table, _ = hand_table({"X": {"a": 5, "b": 10}, "Y": {"a": 10, "b": 2.5}}, AB)
    ranking = scoring.rank(table)
    assert totals_by_id(ranking) == {"X": pytest.approx(70.0), "Y": pytest.approx(70.0)}
    assert ranked_ids(ranking) == ["Y", "X"]
    assert ranking.tie_rule == ("heaviest", None)  # per project: X was put behind
    # with b heavier, the tie goes the other way round... and is no tie any more
    other = scoring.rank(table, [40, 60])
    assert ranked_ids(other) == ["X", "Y"]  # X: 20 + 60 = 80 > Y: 40 + 15 = 55


def test_tie_broken_by_price_then_name() -> None:
    same = {"a": 7, "b": 7}
    table, _ = hand_table(
        {"Zeta": same, "Alpha": same, "Cheap": same, "Dear": same},
        AB,
        prices={"Cheap": 1000, "Dear": 2000},
    )
    ranking = scoring.rank(table)
    assert ranked_ids(ranking) == ["Cheap", "Dear", "Alpha", "Zeta"]
    rules = dict(zip(table.project_ids, ranking.tie_rule, strict=True))
    assert rules == {"Cheap": None, "Dear": "price", "Alpha": "price", "Zeta": "name"}
    assert [ranking.ranks[table.project_ids.index(p)] for p in ranked_ids(ranking)] == [1, 2, 3, 4]


def test_totals_tie_at_the_hundredth_as_shown() -> None:
    # 70.001 and 70.004 both show as 70.00: a tie, broken by the heaviest criterion
    table, _ = hand_table({"X": {"a": 5.0, "b": 10.0}, "Y": {"a": 5.0005, "b": 10.0}}, AB)
    ranking = scoring.rank(table)
    assert ranking.tie_rule[table.project_ids.index("X")] == "heaviest"
    assert ranked_ids(ranking) == ["Y", "X"]


def test_missing_score_is_missing_never_zero() -> None:
    table, _ = hand_table({"X": {"a": 5, "b": 10}, "Y": {"a": 9, "b": None}}, AB)
    ranking = scoring.rank(table)
    frame = ranking.frame().set_index("project_id")
    assert ranked_ids(ranking) == ["X"]
    assert frame.loc["Y", "rank"] is pd.NA
    assert math.isnan(frame.loc["Y", "total"])  # not 54 (as if b were 0)
    assert frame.loc["Y", "points_a"] == pytest.approx(54.0)
    assert math.isnan(frame.loc["Y", "points_b"])
    assert frame.loc["Y", "missing"] == ("b",)
    assert list(frame.index) == ["X", "Y"]  # the unranked come after the ranked
    # a lowest-price criterion without a price is missing too
    criteria = [Criterion("q", "Q", 50, 10), Criterion("p", "P", 50, 5, "lowest_price")]
    priced, _ = hand_table({"X": {"q": 5}, "Y": {"q": 5}}, criteria, prices={"X": 10.0})
    assert priced.missing(1) == ("p",)
    assert ranked_ids(scoring.rank(priced)) == ["X"]


def test_single_juror() -> None:
    table, scores = hand_table({"X": {"a": 6, "b": 4}, "Y": {"a": 8, "b": 2}}, AB, juror="Solo")
    ranking = scoring.rank(table)
    # X: 36 + 16 = 52; Y: 48 + 8 = 56
    assert totals_by_id(ranking) == {"X": pytest.approx(52.0), "Y": pytest.approx(56.0)}
    median = scoring.aggregate_scores(scores, "median")
    mean = scoring.aggregate_scores(scores, "mean")
    assert list(median["score"]) == list(mean["score"]) == [6.0, 4.0, 8.0, 2.0]
    spread = scoring.juror_spread(scores, AB)
    assert (spread["std"] == 0).all() and not spread["flagged"].any()
    own = scoring.juror_rankings(table, scores)
    assert list(own["Solo"]) == list(own["rank"]) == [1, 2]


def test_median_vs_mean() -> None:
    scores = pd.DataFrame(
        {
            "project_id": ["X", "X", "X", "X", "X"],
            "criterion_id": ["a", "a", "a", "b", "b"],
            "juror": ["J1", "J2", "J3", "J1", "J2"],
            "score": [1.0, 4.0, 4.5, 2.0, 5.0],
        }
    )
    mean = scoring.aggregate_scores(scores, "mean").set_index("criterion_id")["score"]
    median = scoring.aggregate_scores(scores, "median").set_index("criterion_id")["score"]
    assert mean["a"] == pytest.approx(3.1667, abs=1e-4) and median["a"] == 4.0
    assert mean["b"] == median["b"] == 3.5  # two jurors: the median is their mean


def test_juror_spread_flags_disagreements() -> None:
    criteria = [Criterion("a", "A", 1, 5)]
    scores = pd.DataFrame(
        {
            "project_id": ["X"] * 3 + ["Y"] * 3,
            "criterion_id": ["a"] * 6,
            "juror": ["J1", "J2", "J3"] * 2,
            "score": [4.0, 4.5, 1.0, 3.0, 3.5, 3.0],
        }
    )
    spread = scoring.juror_spread(scores, criteria, threshold=0.3).set_index("project_id")
    assert spread.loc["X", "min"] == 1.0 and spread.loc["X", "max"] == 4.5
    assert spread.loc["X", "range_share"] == pytest.approx(0.7)
    assert spread.loc["X", "std"] == pytest.approx(float(np.std([4.0, 4.5, 1.0])))
    assert bool(spread.loc["X", "flagged"]) and not bool(spread.loc["Y", "flagged"])


def test_demo_disagreements_and_juror_rankings(demo: duckdb.DuckDBPyConnection) -> None:
    table = demo_table(demo, "projets-culinaires")
    jurors = db.query(demo, "scoring_juror_scores", evaluation="projets-culinaires")
    spread = scoring.juror_spread(jurors, table.criteria, threshold=0.5)
    flagged = spread[spread["flagged"]]
    assert list(zip(flagged["project_id"], flagged["criterion_id"], strict=True)) == [
        ("P03", "faisabilite")
    ]
    own = scoring.juror_rankings(table, jurors).set_index("project_id")
    assert list(own.columns) == [
        "name",
        "rank",
        "Louvre-Lens",
        "Mission Bassin Minier",
        "Pas-de-Calais Tourisme",
    ]
    assert own.loc["P01", "rank"] == 1
    assert own.loc["P04", "Pas-de-Calais Tourisme"] == 3  # P05 second for that juror


# --- URL settings -------------------------------------------------------------------------


def test_weights_in_the_url_round_trip() -> None:
    text = scoring.format_weights({"comprehension": 30.0, "methode": 12.5, "prix": 0.0})
    assert text == "comprehension:30,methode:12.5,prix:0"
    ids = ["comprehension", "methode", "prix"]
    assert scoring.parse_weights(text, ids) == {"comprehension": 30, "methode": 12.5, "prix": 0}
    assert scoring.parse_weights("x:1,methode:abc,prix:-3,comprehension:40", ids) == {
        "comprehension": 40
    }
    assert scoring.parse_weights(None, ids) == {}


def test_shortlist_setting() -> None:
    assert scoring.Shortlist.parse("top:4") == scoring.Shortlist("top", 4)
    assert scoring.Shortlist.parse("score:72.5") == scoring.Shortlist("score", 72.5)
    assert scoring.Shortlist.parse("top:0") == scoring.Shortlist()
    assert scoring.Shortlist.parse("nonsense") == scoring.Shortlist()
    assert scoring.Shortlist("score", 70).to_text() == "score:70"


def test_shortlist_and_threshold(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "projets-culinaires"))
    top = scoring.shortlisted(ranking, scoring.Shortlist("top", 3))
    assert [ranking.table.project_ids[i] for i in top] == ["P01", "P04", "P05"]
    assert scoring.threshold_total(ranking, scoring.Shortlist("top", 3)) == pytest.approx(86.0)
    above = scoring.shortlisted(ranking, scoring.Shortlist("score", 76))
    assert len(above) == 5  # 88.33, 86.33, 86.00, 78.17, 76.17
    assert scoring.threshold_total(ranking, scoring.Shortlist("score", 76)) == 76.0


# --- sensitivity ----------------------------------------------------------------------------


def reweighted(weights: np.ndarray, c: int, x: float) -> np.ndarray:
    out = weights * (1 - x) / (1 - weights[c])
    out[c] = x
    return out


def first_by_total(table: ScoreTable, weights: np.ndarray, keep: int) -> set[str]:
    # exact totals, not the tie-break's hundredths: the intervals' bounds are
    # where exact totals cross
    totals = scoring.rank(table, weights).totals
    return {table.project_ids[i] for i in np.argsort(-totals, kind="stable")[:keep]}


def brute_interval(
    table: ScoreTable, weights: np.ndarray, c: int, keep: int, grid: np.ndarray
) -> tuple[float, float]:
    """The contiguous range of grid points around the weight now where the first
    `keep` stay the same set, by recomputing every total at each point."""
    base = first_by_total(table, weights, keep)
    holds = np.array([first_by_total(table, reweighted(weights, c, x), keep) == base for x in grid])
    here = int(np.argmin(np.abs(grid - weights[c])))
    lo = here
    while lo > 0 and holds[lo - 1]:
        lo -= 1
    hi = here
    while hi < len(grid) - 1 and holds[hi + 1]:
        hi += 1
    return float(grid[lo]), float(grid[hi])


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("keep", [1, 3])
def test_stability_intervals_by_brute_force(seed: int, keep: int) -> None:
    rng = np.random.default_rng(seed)
    criteria = [Criterion(f"c{j}", f"C{j}", float(w), 10) for j, w in enumerate([35, 30, 20, 15])]
    values = {f"P{i}": {f"c{j}": float(rng.uniform(3, 10)) for j in range(4)} for i in range(7)}
    table, _ = hand_table(values, criteria)
    ranking = scoring.rank(table)
    weights = ranking.weights
    step = 0.0005
    grid = np.arange(0, 1 + step / 2, step)
    for c, interval in enumerate(scoring.stability_intervals(ranking, keep)):
        lo, hi = brute_interval(table, weights, c, keep, grid)
        assert interval.low == pytest.approx(lo, abs=2 * step), (c, interval, lo, hi)
        assert interval.high == pytest.approx(hi, abs=2 * step), (c, interval, lo, hi)
        assert (interval.low_by is None) == (interval.low <= step)
        assert (interval.high_by is None) == (interval.high >= 1 - step)
        # whoever is named takes the place just beyond the bound
        if keep == 1 and interval.high_by is not None and interval.high + 2 * step <= 1:
            beyond = scoring.rank(table, reweighted(weights, c, interval.high + 2 * step))
            assert ranked_ids(beyond)[0] == interval.high_by


def test_agency_stability_and_smallest_change(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "choix-agence"))
    intervals = {iv.criterion_id: iv for iv in scoring.stability_intervals(ranking, 1)}
    # AG1 stays first whatever the weight of comprehension or team
    assert (intervals["comprehension"].low, intervals["comprehension"].high) == (0.0, 1.0)
    # price: below ~2.7 % AG3 wins (better ratings), above ~50.6 % AG2 (cheapest)
    assert intervals["prix"].low == pytest.approx(0.0268, abs=1e-3)
    assert intervals["prix"].low_by == "AG3"
    assert intervals["prix"].high == pytest.approx(0.5055, abs=1e-3)
    assert intervals["prix"].high_by == "AG2"
    change = scoring.smallest_change(list(intervals.values()))
    assert change is not None
    assert (change.criterion_id, change.by) == ("references", "AG3")
    assert change.new_weight == pytest.approx(0.3027, abs=1e-3)
    # check the crossing by hand: at that weight AG1 and AG3 tie
    at = scoring.rank(ranking.table, reweighted(ranking.weights, 2, change.new_weight))
    totals = totals_by_id(at)
    assert totals["AG1"] == pytest.approx(totals["AG3"], abs=1e-6)


def test_degenerate_sensitivity() -> None:
    table, _ = hand_table({"X": {"a": 5, "b": 5}}, AB)
    assert scoring.stability_intervals(scoring.rank(table), 1) == []
    single = [Criterion("a", "A", 1, 10)]
    two, _ = hand_table({"X": {"a": 5}, "Y": {"a": 6}}, single)
    (interval,) = scoring.stability_intervals(scoring.rank(two), 1)
    assert not interval.defined
    assert scoring.smallest_change([interval]) is None


def test_rank_probabilities_are_seeded_and_consistent(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "projets-culinaires"))
    first = scoring.rank_probabilities(ranking)
    again = scoring.rank_probabilities(ranking)
    assert first.equals(again)
    assert np.allclose(first.sum(axis=1), 1) and np.allclose(first.sum(axis=0), 1)
    assert list(first.index) == ranked_ids(ranking)
    assert first.loc["P01", 1] == 1.0  # the frites win every draw
    # no perturbation: everyone keeps their place
    still = scoring.rank_probabilities(ranking, spread=0.0)
    assert np.allclose(still.to_numpy(), np.eye(12))
    other_seed = scoring.rank_probabilities(ranking, seed=7)
    assert not other_seed.equals(first)


def test_close_call_reasons() -> None:
    change = scoring.WeightChange("a", 0.3, 0.33, "Y")
    assert scoring.close_call_reasons(1.5, change, 0.6) == ["gap", "weight", "probability"]
    assert scoring.close_call_reasons(2.0, None, 0.99) == []
    assert scoring.close_call_reasons(1.9999999, None, None) == []  # shown as 2.00
    assert scoring.close_call_reasons(None, scoring.WeightChange("a", 0.1, 0.3, "Y"), 0.8) == []


# --- exports --------------------------------------------------------------------------------

HEADERS = {
    "rank": "Rang",
    "project_id": "Identifiant",
    "name": "Projet",
    "status": "Statut",
    "total": "Total",
    "tie_rule": "Départage",
    "criterion_id": "Critère (identifiant)",
    "label": "Critère",
    "method": "Méthode",
    "scale_max": "Note max.",
    "data_weight": "Poids des données",
    "weight_used": "Poids utilisé (%)",
}


def test_neutralise() -> None:
    assert export.neutralise("=1+1") == "'=1+1"
    assert export.neutralise("+33 6") == "'+33 6"
    assert export.neutralise("-x") == "'-x"
    assert export.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert export.neutralise("Route de la frite") == "Route de la frite"
    assert export.neutralise(-3.5) == -3.5


def hostile_ranking() -> scoring.Ranking:
    criteria = [Criterion("a", "=cmd|' /C calc'!A0", 60, 10), Criterion("b", "B", 40, 10)]
    table, _ = hand_table({'=HYPERLINK("x")': {"a": 5, "b": 10}, "Y": {"a": 10, "b": 2}}, criteria)
    return scoring.rank(table, [30, 20])


def test_csv_export_neutralises_formulas_and_states_weights() -> None:
    frame = scoring.export_frame(hostile_ranking(), HEADERS, {"candidate": "candidat"}, {}, "fr")
    text = scoring.to_csv(frame, "fr").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";") == [
        "Rang",
        "Identifiant",
        "Projet",
        "Statut",
        "'=cmd|' /C calc'!A0 (60,0\u00a0%)",
        "B (40,0\u00a0%)",
        "Total",
        "Départage",
    ]
    assert "'=HYPERLINK" in lines[1] and "70,0" in lines[1]  # decimal comma in French
    read = pd.read_csv(io.BytesIO(scoring.to_csv(frame, "en")), encoding="utf-8-sig")
    assert read["Total"].tolist() == [70.0, 68.0]
    assert all(not str(v).startswith(("=", "+", "-", "@")) for v in read.to_numpy().ravel())


def test_xlsx_export_has_text_cells_and_the_weights() -> None:
    from openpyxl import load_workbook

    ranking = hostile_ranking()
    data = scoring.to_xlsx(
        {
            "Classement": scoring.export_frame(ranking, HEADERS, {"candidate": "candidat"}, {}),
            "Poids": scoring.weights_frame(ranking, HEADERS),
        }
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Classement", "Poids"]
    rows = list(book["Classement"].iter_rows(values_only=True))
    assert rows[0][4] == "'=cmd|' /C calc'!A0 (60.0%)"
    assert rows[1][2] == '\'=HYPERLINK("x")' and rows[1][6] == 70.0
    for row in book["Classement"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    weights = list(book["Poids"].iter_rows(values_only=True))
    assert weights[1][0] == "a" and weights[1][4] == 60 and weights[1][5] == 60.0


# --- charts ---------------------------------------------------------------------------------


def test_contribution_chart_has_threshold_line(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "choix-agence"))
    frame = scoring_charts.contribution_frame(ranking, {"selected": "retenu"})
    assert len(frame) == 4 * 5
    assert frame.groupby("project")["points"].sum().round(2).to_dict()[
        "1. Atelier Gustatif Nord · retenu"
    ] == pytest.approx(80.56)
    chart = scoring_charts.contribution_bars(frame, ["A"], 75.0, "seuil", "fr")
    spec = chart.to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"].get("type") == "rule"]
    assert rules
    assert spec["datasets"][rules[0]["data"]["name"]][0]["threshold"] == 75.0


def test_png_export_is_rendered_locally(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "choix-agence"))
    chart = scoring_charts.contribution_bars(
        scoring_charts.contribution_frame(ranking, {}), ["A"], 75.0, "seuil", "fr"
    )
    png = scoring_charts.to_png(chart, "fr", width=400, scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_heatmap_and_stability_frames(demo: duckdb.DuckDBPyConnection) -> None:
    ranking = scoring.rank(demo_table(demo, "choix-agence"))
    probabilities = scoring.rank_probabilities(ranking)
    long = scoring_charts.probability_frame(probabilities, {"AG1": "1. AG1"})
    assert len(long) == 16 and long["share"].sum() == pytest.approx(4.0)
    intervals = scoring.stability_intervals(ranking, 1)
    frame = scoring_charts.stability_frame({"first": intervals}, {"prix": "Prix"})
    assert frame.set_index("criterion").loc["Prix", "low"] == pytest.approx(0.0268, abs=1e-3)
