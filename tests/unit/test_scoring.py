"""Scoring: the one computation (sql/views/scoring_points.sql through the
`scoring_ranking` query), the page's model (views.scoring.build) on the demo and on
tiny hand-made data, the sensitivity draws, the files."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from dashboard import charts, export
from dashboard.charts import scoring_charts
from dashboard.domain import scoring
from dashboard.domain.scoring import Criterion, Shortlist
from dashboard.queries import db
from dashboard.store import Store
from dashboard.views import scoring as view
from dashboard.views.reader import Reader, database_reader

SITUATION = date(2020, 4, 15)

# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Iterator[duckdb.DuckDBPyConnection]:
    con = db.open_database(Store(Path(__file__).resolve().parents[2] / "data").current_files())
    yield con
    con.close()


def ranked(
    read: Reader | duckdb.DuckDBPyConnection,
    evaluation: str,
    weights: dict[str, float] | None = None,
    how: str = "mean",
) -> pd.DataFrame:
    """The `scoring_ranking` rows, by project id."""
    if isinstance(read, duckdb.DuckDBPyConnection):
        read = database_reader(read, "staff")
    given = weights or {}
    frame = read(
        "scoring_ranking",
        evaluation=evaluation,
        hidden=[],
        criteria=list(given),
        weights=list(given.values()),
        aggregation=how,
    )
    return frame.set_index("project_id")


def rules(frame: pd.DataFrame) -> dict[str, str | None]:
    return {str(k): (None if pd.isna(v) else str(v)) for k, v in frame["tie_rule"].items()}


def totals(frame: pd.DataFrame) -> dict[str, float]:
    return {str(k): float(v) for k, v in frame["total"].items() if pd.notna(v)}


def order(frame: pd.DataFrame) -> list[str]:
    return [str(p) for p in frame[frame["rank"].notna()].index]


AB = [("a", "A", 60, 10, "rating"), ("b", "B", 40, 10, "rating")]


def hand(
    folder: Path,
    values: dict[str, dict[str, float | None]],
    criteria: list[tuple[str, str, float, float | None, str]] = AB,
    prices: dict[str, float] | None = None,
    jurors: tuple[str, ...] = ("J1",),
) -> duckdb.DuckDBPyConnection:
    """A database of one evaluation `e` from raw scores {project: {criterion: score}}
    (every juror gives the same score unless a list is given)."""
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows([["" if v is None else v for v in r] for r in rows])

    write(
        "projects",
        [
            "project_id",
            "evaluation",
            "name",
            "theme",
            "stakeholder_id",
            "site_id",
            "price_eur",
            "status",
        ],
        [[p, "e", p, "", "", "", (prices or {}).get(p), ""] for p in values],
    )
    write(
        "criteria",
        ["evaluation", "criterion_id", "label", "weight", "scale_max", "method"],
        [["e", *c] for c in criteria],
    )
    write(
        "scores",
        ["project_id", "criterion_id", "juror", "score", "comment"],
        [
            [p, c, j, s, ""]
            for p, row in values.items()
            for c, s in row.items()
            if s is not None
            for j in jurors
        ],
    )
    return db.open_database(Store(folder).current_files())


def model(
    con: duckdb.DuckDBPyConnection, evaluation: str, role: str = "staff", **state: object
) -> view.Model:
    read = database_reader(con, "staff" if role == "staff" else "viewer")
    return view.build(read, view.State(evaluation, situation=SITUATION, **state))  # type: ignore[arg-type]


# --- demo data: hand-computed totals ------------------------------------------------------


def test_agency_totals_by_hand(demo: duckdb.DuckDBPyConnection) -> None:
    # comprehension 30, methode 20, references 10, equipe 10 on /10; prix 30 on lowest price.
    # AG1: 30*8.1667/10 + 20*8.3333/10 + 10*6.6667/10 + 10*8.6667/10 + 30*38900/48500
    #    = 24.50 + 16.67 + 6.67 + 8.67 + 24.06 = 80.56
    expected = {"AG1": 80.56, "AG3": 75.72, "AG2": 72.33, "AG4": 71.11}
    frame = ranked(demo, "choix-agence")
    assert order(frame) == list(expected)
    for pid, total in totals(frame).items():
        assert total == pytest.approx(expected[pid], abs=0.01)
    assert frame.loc["AG2", "points"][4] == pytest.approx(30.0)  # the cheapest: all points
    assert frame.loc["AG3", "points"][4] == pytest.approx(30 * 38900 / 61800, abs=0.01)
    assert frame.loc["AG1", "points"][0] == pytest.approx(24.5, abs=0.01)


def test_agency_with_median(demo: duckdb.DuckDBPyConnection) -> None:
    expected = {"AG1": 80.56, "AG3": 73.38, "AG2": 73.00, "AG4": 71.44}
    frame = ranked(demo, "choix-agence", how="median")
    assert order(frame) == list(expected)
    for pid, total in totals(frame).items():
        assert total == pytest.approx(expected[pid], abs=0.01)


def test_culinary_totals_and_median(demo: duckdb.DuckDBPyConnection) -> None:
    frame = ranked(demo, "projets-culinaires")
    found = totals(frame)
    assert found["P01"] == pytest.approx(88.33, abs=0.01)
    assert found["P04"] == pytest.approx(86.33, abs=0.01)
    assert found["P11"] == pytest.approx(53.83, abs=0.01)
    assert order(frame)[:3] == ["P01", "P04", "P05"]
    # P03 feasibility: 4, 4.5 and 1 -> mean 3.17, median 4
    assert found["P03"] == pytest.approx(78.17, abs=0.01)
    assert totals(ranked(demo, "projets-culinaires", how="median"))["P03"] == pytest.approx(
        82.50, abs=0.01
    )


def test_viewer_facing_queries_and_hidden_evaluations(demo: duckdb.DuckDBPyConnection) -> None:
    for name in ("scoring_juror_scores", "scoring_juror_spread", "scoring_juror_rankings"):
        assert db.audience(name) == "staff"
    for name in ("scoring_evaluations", "scoring_criteria", "scoring_ranking"):
        assert db.audience(name) == "all"
    viewer = database_reader(demo, "viewer")
    frame = viewer(
        "scoring_ranking",
        evaluation="choix-agence",
        hidden=["choix-agence"],
        criteria=[],
        weights=[],
        aggregation="mean",
    )
    assert frame.empty and "price_eur" not in frame.columns
    with pytest.raises(PermissionError):
        viewer("scoring_juror_spread", evaluation="choix-agence", threshold=0.3)
    listed = db.query(demo, "scoring_evaluations", hidden=["choix-agence"])
    assert list(listed["evaluation"]) == ["projets-culinaires"]


# --- the rules, on hand-made data ------------------------------------------------------------


def test_weights_count_relative_to_their_sum(tmp_path: Path) -> None:
    con = hand(tmp_path, {"X": {"a": 5, "b": 10}})
    assert totals(ranked(con, "e", {"a": 3, "b": 2}))["X"] == pytest.approx(70.0)
    assert totals(ranked(con, "e", {"a": 60, "b": 40}))["X"] == pytest.approx(70.0)
    assert totals(ranked(con, "e", {"a": 0, "b": 1}))["X"] == pytest.approx(100.0)
    # all at zero: the model falls back to the data's weights and says so
    found = model(con, "e", weights=(0.0, 0.0))
    assert found.weights_zero and found.weights == (60, 40)


def test_tie_broken_by_heaviest_criterion(tmp_path: Path) -> None:
    # X: 60*0.5 + 40*1 = 70; Y: 60*1 + 40*0.25 = 70; a (60) is the heaviest
    con = hand(tmp_path, {"X": {"a": 5, "b": 10}, "Y": {"a": 10, "b": 2.5}})
    frame = ranked(con, "e")
    assert order(frame) == ["Y", "X"]
    assert rules(frame) == {"Y": None, "X": "heaviest"}
    assert order(ranked(con, "e", {"a": 40, "b": 60})) == ["X", "Y"]


def test_tie_broken_by_price_then_name(tmp_path: Path) -> None:
    same: dict[str, float | None] = {"a": 7, "b": 7}
    con = hand(
        tmp_path,
        {"Zeta": same, "Alpha": same, "Cheap": same, "Dear": same},
        prices={"Cheap": 1000, "Dear": 2000},
    )
    frame = ranked(con, "e")
    assert order(frame) == ["Cheap", "Dear", "Alpha", "Zeta"]
    assert rules(frame) == {
        "Cheap": None,
        "Dear": "price",
        "Alpha": "price",
        "Zeta": "name",
    }
    assert list(frame["rank"]) == [1, 2, 3, 4]


def test_totals_tie_at_the_hundredth_as_shown(tmp_path: Path) -> None:
    con = hand(tmp_path, {"X": {"a": 5.0, "b": 10.0}, "Y": {"a": 5.0005, "b": 10.0}})
    frame = ranked(con, "e")
    assert order(frame) == ["Y", "X"] and frame.loc["X", "tie_rule"] == "heaviest"


def test_missing_score_is_missing_never_zero(tmp_path: Path) -> None:
    con = hand(tmp_path, {"X": {"a": 5, "b": 10}, "Y": {"a": 9, "b": None}})
    frame = ranked(con, "e")
    assert order(frame) == ["X"] and list(frame.index) == ["X", "Y"]
    assert pd.isna(frame.loc["Y", "rank"]) and pd.isna(frame.loc["Y", "total"])
    assert list(frame.loc["Y", "missing"]) == ["b"]
    found = model(con, "e")
    assert found.unranked == ("Y (B)",) and found.ranked == 1
    row = found.table.set_index("Projet").loc["Y"]
    assert row["A (60,0\u00a0%)"] == "54,00" and row["B (40,0\u00a0%)"] == "—"
    # a lowest-price criterion without a price is missing too
    priced = hand(
        tmp_path / "priced",
        {"X": {"q": 5}, "Y": {"q": 5}},
        [("q", "Q", 50, 10, "rating"), ("p", "P", 50, None, "lowest_price")],
        prices={"X": 10.0},
    )
    assert order(ranked(priced, "e")) == ["X"]


def test_jurors_spread_and_own_rankings(tmp_path: Path) -> None:
    con = hand(tmp_path, {"X": {"a": 6, "b": 4}, "Y": {"a": 8, "b": 2}}, jurors=("Solo",))
    assert totals(ranked(con, "e")) == {"X": pytest.approx(52.0), "Y": pytest.approx(56.0)}
    found = model(con, "e", jurors=True)
    assert found.jurors is not None
    assert found.jurors.flagged_count == 0
    assert list(found.jurors.rankings["Solo"]) == [1, 2]


def test_demo_disagreements_and_juror_rankings(demo: duckdb.DuckDBPyConnection) -> None:
    found = model(demo, "projets-culinaires", jurors=True, gap=30)
    assert found.jurors is not None and found.jurors.flagged_count == 2
    assert found.jurors.flagged_count == len(found.jurors.flagged)
    assert model(demo, "projets-culinaires", jurors=True, gap=50).jurors.flagged_count == 1  # type: ignore[union-attr]
    agency = model(demo, "choix-agence", jurors=True)
    assert agency.jurors is not None
    assert "Excellente compréhension du territoire" in agency.jurors.comments.to_csv()
    with pytest.raises(PermissionError):
        model(demo, "projets-culinaires", role="viewer", jurors=True)


# --- the model -------------------------------------------------------------------------------


def test_recorded_shortlist_apart_from_the_computed_top(demo: duckdb.DuckDBPyConnection) -> None:
    found = model(demo, "projets-culinaires", shortlist=Shortlist("top", 6))
    assert found.computed == 6
    projects = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "projects.csv")
    culinary = projects[projects["evaluation"] == "projets-culinaires"]
    recorded = int(culinary["status"].isin(["shortlisted", "selected"]).sum())
    assert found.recorded_shortlisted == f"{recorded} / 12"
    by_score = model(demo, "projets-culinaires", shortlist=Shortlist("score", 80))
    assert by_score.threshold == 80.0
    assert by_score.computed == sum(
        t >= 80 for t in totals(ranked(demo, "projets-culinaires")).values()
    )


def test_viewer_model_has_no_prices_and_hidden_evaluations_are_refused(
    demo: duckdb.DuckDBPyConnection,
) -> None:
    found = model(demo, "projets-culinaires", role="viewer")
    assert "price_eur" not in found.ranking.columns and "Prix" not in found.table.columns
    assert found.jurors is None and found.lowest_price is None
    with pytest.raises(LookupError):
        model(demo, "choix-agence", role="viewer", hidden=("choix-agence",))
    staff = model(demo, "choix-agence")
    assert staff.lowest_price is not None and "38" in staff.lowest_price


def test_link_weights_are_clamped() -> None:
    criteria = (Criterion("a", "A", 60, 10), Criterion("b", "B", 40, 10))
    assert scoring.live_weights(criteria, {"a": 1e308, "b": -1}) == (100.0, 40)
    assert scoring.live_weights(criteria, (math.inf, math.nan)) == (60, 40)
    assert scoring.live_weights(criteria, ()) == (60, 40)
    parsed = scoring.parse_weights("a:1e308,b:nan,c:3,bad", ["a", "b"])
    assert parsed == {"a": 1e308}
    assert scoring.format_weights({"a": 30.0, "b": 2.5}) == "a:30,b:2.5"


def test_shortlist_setting() -> None:
    assert Shortlist.parse("top:5") == Shortlist("top", 5)
    assert Shortlist.parse("score:72.5") == Shortlist("score", 72.5)
    for bad in ("top:0", "top:2.5", "score:120", "x:3", "", None, "top:1e308"):
        assert Shortlist.parse(bad) == Shortlist()


def test_a_large_evaluation_is_bounded(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    values: dict[str, dict[str, float | None]] = {
        f"P{i:04d}": {"a": float(rng.integers(0, 11)), "b": float(rng.integers(0, 11))}
        for i in range(1200)
    }
    con = hand(tmp_path, values)
    found = model(con, "e", page=99, jurors=True, shortlist=Shortlist("top", 600))
    assert found.pages == 24 and found.page == 24 and len(found.table) == 50
    assert found.bars["project"].nunique() == view.BARS
    assert found.rest is not None and found.rest.count == 1200 - view.BARS
    assert found.sensitivity is not None
    assert len(found.sensitivity.probability_projects) == scoring.PROBABILITY_PLACES
    assert found.sensitivity.top_skipped  # 600 x 600 pairs: left out, said so
    assert found.jurors is not None and found.jurors.rankings.shape[0] == 50
    assert len(found.ranking) == 1200  # the downloads' rows, kept on the server


def test_empty_evaluation_list(tmp_path: Path) -> None:
    con = db.open_database(Store(tmp_path).current_files())
    setup = view.setup(database_reader(con, "viewer"), view.SetupState())
    assert setup.evaluation is None and setup.evaluations == ()


# --- sensitivity -------------------------------------------------------------------------------


def reweighted(weights: np.ndarray, c: int, x: float) -> np.ndarray:
    out = weights * (1 - x) / (1 - weights[c])
    out[c] = x
    return out


def first_set(values: np.ndarray, weights: np.ndarray, keep: int) -> frozenset[int]:
    return frozenset(np.argsort(-(values @ weights), kind="stable")[:keep].tolist())


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("keep", [1, 3])
def test_stability_intervals_by_brute_force(seed: int, keep: int) -> None:
    rng = np.random.default_rng(seed)
    weights = np.array([35, 30, 20, 15], dtype=float) / 100
    values = rng.uniform(0.3, 1.0, size=(7, 4))
    values = values[np.argsort(-(values @ weights))]  # best first, as ranked
    ids = [f"P{i}" for i in range(7)]
    base = first_set(values, weights, keep)
    step = 0.0005
    grid = np.arange(0, 1 + step / 2, step)
    found = scoring.stability_intervals(values, weights, ["c0", "c1", "c2", "c3"], ids, keep)
    for c, interval in enumerate(found):
        holds = np.array([first_set(values, reweighted(weights, c, x), keep) == base for x in grid])
        here = int(np.argmin(np.abs(grid - weights[c])))
        lo = here
        while lo > 0 and holds[lo - 1]:
            lo -= 1
        hi = here
        while hi < len(grid) - 1 and holds[hi + 1]:
            hi += 1
        assert interval.low == pytest.approx(grid[lo], abs=2 * step)
        assert interval.high == pytest.approx(grid[hi], abs=2 * step)


def test_agency_stability_and_smallest_change(demo: duckdb.DuckDBPyConnection) -> None:
    found = model(demo, "choix-agence")
    assert found.sensitivity is not None
    change = found.sensitivity.change
    assert change is not None
    assert (change.criterion_id, change.by) == ("references", "AG3")
    assert change.new_weight == pytest.approx(0.3027, abs=1e-3)
    low = found.sensitivity.intervals.set_index(["kept", "criterion"]).loc[
        ("Premier inchangé", "Prix"), "low"
    ]
    assert low == pytest.approx(0.0268, abs=1e-3)


def test_degenerate_sensitivity() -> None:
    one = np.array([[0.5, 0.5]])
    assert scoring.stability_intervals(one, np.array([0.6, 0.4]), ["a", "b"], ["X"]) == []
    two = np.array([[0.6], [0.5]])
    (interval,) = scoring.stability_intervals(two, np.array([1.0]), ["a"], ["Y", "X"])
    assert not interval.defined
    assert scoring.smallest_change([interval]) is None


def test_rank_probabilities_are_seeded_bounded_and_consistent(
    demo: duckdb.DuckDBPyConnection,
) -> None:
    frame = ranked(demo, "projets-culinaires")
    values = np.vstack([np.asarray(v, dtype=float) for v in frame["values"]])
    weights = np.array([30, 25, 20, 15, 10], dtype=float) / 100
    first = scoring.rank_probabilities(values, weights, keep=3)
    again = scoring.rank_probabilities(values, weights, keep=3)
    assert np.array_equal(first.places, again.places)
    assert np.allclose(first.places.sum(axis=1), 1) and np.allclose(first.places.sum(axis=0), 1)
    assert first.places[0, 0] == 1.0  # the frites win every draw
    still = scoring.rank_probabilities(values, weights, spread=0.0)
    assert np.allclose(still.places, np.eye(12))
    # many projects: the first places only, the same answer block by block
    rng = np.random.default_rng(3)
    many = rng.uniform(0, 1, size=(5000, 5))
    many = many[np.argsort(-(many @ weights))]
    draws = scoring.rank_probabilities(many, weights, keep=10, draws=200)
    assert draws.places.shape == (20, 20) and draws.in_top.shape == (10,)
    assert (draws.places.sum(axis=0) <= 1 + 1e-9).all()


def test_close_call_reasons() -> None:
    change = scoring.WeightChange("a", 0.3, 0.33, "Y")
    assert scoring.close_call_reasons(1.5, change, 0.6) == ["gap", "weight", "probability"]
    assert scoring.close_call_reasons(2.0, None, 0.99) == []
    assert scoring.close_call_reasons(1.9999999, None, None) == []  # shown as 2.00
    assert scoring.close_call_reasons(None, scoring.WeightChange("a", 0.1, 0.3, "Y"), 0.8) == []


# --- files -----------------------------------------------------------------------------------


def test_neutralise() -> None:
    assert export.neutralise("=1+1") == "'=1+1"
    assert export.neutralise("+33 6") == "'+33 6"
    assert export.neutralise("-x") == "'-x"
    assert export.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert export.neutralise("Route de la frite") == "Route de la frite"
    assert export.neutralise(-3.5) == -3.5


def hostile(folder: Path) -> view.Model:
    con = hand(
        folder,
        {'=HYPERLINK("x")': {"a": 5, "b": 10}, "Y": {"a": 10, "b": 2}},
        [("a", "=cmd|' /C calc'!A0", 60, 10, "rating"), ("b", "B", 40, 10, "rating")],
    )
    return model(con, "e", weights=(30.0, 20.0))


def test_csv_export_neutralises_formulas_and_states_weights(tmp_path: Path) -> None:
    found = hostile(tmp_path)
    lines = view.export_csv(found).decode("utf-8-sig").splitlines()
    assert lines[0].split(";") == [
        "Rang",
        "Identifiant",
        "Projet",
        "Statut",
        "'=cmd|' /C calc'!A0 (60,0\u00a0%)",
        "B (40,0\u00a0%)",
        "Total / 100",
        "Départage",
    ]
    assert "'=HYPERLINK" in lines[1] and "70,0" in lines[1]  # decimal comma in French
    assert view.file_stem(found) == "classement-e"


def test_xlsx_export_has_text_cells_and_the_weights(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(view.export_xlsx(hostile(tmp_path))))
    assert book.sheetnames == ["Classement", "Poids"]
    rows = list(book["Classement"].iter_rows(values_only=True))
    assert rows[0][4] == "'=cmd|' /C calc'!A0 (60,0\u00a0%)"
    assert rows[1][2] == '\'=HYPERLINK("x")' and rows[1][6] == 70.0
    for row in book["Classement"].iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    weights = list(book["Poids"].iter_rows(values_only=True))
    assert weights[1][0] == "a" and weights[1][4] == 60 and weights[1][5] == 60.0


# --- charts ----------------------------------------------------------------------------------


def test_contribution_chart_has_threshold_line(demo: duckdb.DuckDBPyConnection) -> None:
    found = model(demo, "choix-agence")
    assert len(found.bars) == 4 * 5
    sums = found.bars.groupby("project")["points"].sum().round(2).to_dict()
    assert sums["1. Atelier Gustatif Nord · retenu"] == pytest.approx(80.56)
    chart = scoring_charts.contribution_bars(found.bars, ["A"], 75.0, "seuil", "fr")
    spec = chart.to_dict()
    rules = [layer for layer in spec["layer"] if layer["mark"].get("type") == "rule"]
    assert rules
    assert spec["datasets"][rules[0]["data"]["name"]][0]["threshold"] == 75.0
    png = export.chart_png(charts.finish(chart.properties(width=400), "fr"), scale=1)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_heatmap_frame(demo: duckdb.DuckDBPyConnection) -> None:
    found = model(demo, "choix-agence")
    assert found.sensitivity is not None
    heat = found.sensitivity.probabilities
    assert len(heat) == 16 and heat["share"].sum() == pytest.approx(4.0)
