"""Weighted scoring of an evaluation: normalisation, juror aggregation, ranking
with a stated tie-break, juror spread and the sensitivity of the result to the
weights (pure, no Streamlit).

The model, as the page states it:

- a `rating` criterion's value is the jurors' aggregated score (mean or median)
  over the criterion's `scale_max`, so 0 to 1;
- a `lowest_price` criterion's value is lowest price / this price (the French
  public-procurement formula), so the cheapest offer gets 1;
- a project's points on a criterion are value x weight share x 100, and its total
  (out of 100) the sum of its points; weights count relative to their sum;
- a missing value stays missing: the project is not ranked and says what it
  lacks, it is never given zero;
- totals equal to the hundredth (as shown) are tied, and the tie is broken by the
  higher value on the heaviest criterion, then the lower price, then the name.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from dashboard.export import neutralise
from dashboard.i18n import format_number

Array = npt.NDArray[np.float64]
Aggregation = Literal["mean", "median"]
AGGREGATIONS: tuple[Aggregation, ...] = ("mean", "median")
RATING = "rating"
LOWEST_PRICE = "lowest_price"
DEFAULT_SCALE_MAX = 5.0

TieRule = Literal["heaviest", "price", "name"]

# What the page calls a close call (stated on the page).
CLOSE_GAP_POINTS = 2.0  # points between the first and the second
CLOSE_WEIGHT_POINTS = 5.0  # a weight moved by fewer points changes the winner
CLOSE_WIN_PROBABILITY = 0.75  # the winner wins fewer draws than this

# Monte-Carlo defaults: each weight multiplied by a factor drawn in [1 - s, 1 + s].
PERTURBATION = 0.20
DRAWS = 1000
SEED = 2020

# --- inputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    criterion_id: str
    label: str
    weight: float
    scale_max: float = DEFAULT_SCALE_MAX
    method: str = RATING


def criteria_from_frame(frame: pd.DataFrame) -> tuple[Criterion, ...]:
    """Criteria from the `scoring_criteria` query (or any frame with its columns)."""
    out: list[Criterion] = []
    for rec in frame.to_dict("records"):
        scale = _number(rec.get("scale_max"))
        method = rec.get("method")
        out.append(
            Criterion(
                criterion_id=str(rec["criterion_id"]),
                label=str(rec.get("label") if _present(rec.get("label")) else rec["criterion_id"]),
                weight=_number(rec.get("weight")) or 0.0,
                scale_max=scale if scale is not None else DEFAULT_SCALE_MAX,
                method=str(method) if _present(method) else RATING,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ScoreTable:
    """One evaluation's projects x criteria values, each 0 to 1 (NaN = missing)."""

    project_ids: tuple[str, ...]
    names: tuple[str, ...]
    statuses: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    values: Array  # projects x criteria
    price_ratio: Array  # per project: lowest price / this price, NaN without price

    @property
    def criterion_ids(self) -> tuple[str, ...]:
        return tuple(c.criterion_id for c in self.criteria)

    @property
    def data_weights(self) -> dict[str, float]:
        return {c.criterion_id: c.weight for c in self.criteria}

    def missing(self, index: int) -> tuple[str, ...]:
        row = self.values[index]
        return tuple(c.criterion_id for c, v in zip(self.criteria, row, strict=True) if np.isnan(v))

    @property
    def complete(self) -> npt.NDArray[np.bool_]:
        if not self.criteria:
            return np.zeros(len(self.project_ids), dtype=bool)
        return np.asarray(~np.isnan(self.values).any(axis=1), dtype=bool)


def lowest_price_ratios(prices: Sequence[float | None]) -> Array:
    """Lowest price / this price for each offer (1 for the cheapest); NaN for an
    offer without a positive price, which also takes no part in the lowest."""
    values = np.array([_number(p) if _number(p) is not None else np.nan for p in prices], float)
    values[~(values > 0)] = np.nan
    if np.isnan(values).all():
        return values
    return np.asarray(np.nanmin(values) / values, dtype=np.float64)


def aggregate_scores(scores: pd.DataFrame, how: Aggregation = "mean") -> pd.DataFrame:
    """Jurors' scores (`project_id`, `criterion_id`, `score`) aggregated per project
    and criterion: `score` (mean or median) and `jurors` (how many scored)."""
    if how not in AGGREGATIONS:
        raise ValueError(how)
    kept = scores.dropna(subset=["score"])
    grouped = kept.groupby(["project_id", "criterion_id"], sort=True)["score"]
    out = grouped.agg(["mean", "median", "count"]).reset_index()
    return pd.DataFrame(
        {
            "project_id": out["project_id"].astype(str),
            "criterion_id": out["criterion_id"].astype(str),
            "score": out[how].astype(float),
            "jurors": out["count"].astype(int),
        }
    )


def build_table(
    projects: pd.DataFrame,
    criteria: Sequence[Criterion],
    aggregates: pd.DataFrame,
    how: Aggregation = "mean",
) -> ScoreTable:
    """The projects x criteria values.

    `projects` has `project_id`, `name`, optionally `status`, and `price_ratio`
    (from SQL) or `price_eur` (the ratio is then computed here). `aggregates` has
    `project_id`, `criterion_id` and either `score` or `mean_score`/`median_score`
    (the `scoring_aggregates` query).
    """
    ids = tuple(str(p) for p in projects["project_id"])
    names = tuple(str(n) for n in projects["name"]) if "name" in projects else ids
    statuses = (
        tuple(str(s) if _present(s) else "candidate" for s in projects["status"])
        if "status" in projects
        else tuple("candidate" for _ in ids)
    )
    if "price_ratio" in projects:
        ratio = np.array([_number(r) or np.nan for r in projects["price_ratio"]], dtype=float)
    elif "price_eur" in projects:
        ratio = lowest_price_ratios(list(projects["price_eur"]))
    else:
        ratio = np.full(len(ids), np.nan)

    column = "score" if "score" in aggregates else f"{how}_score"
    lookup: dict[tuple[str, str], float] = {}
    for rec in aggregates.to_dict("records"):
        value = _number(rec.get(column))
        if value is not None:
            lookup[(str(rec["project_id"]), str(rec["criterion_id"]))] = value

    values = np.full((len(ids), len(criteria)), np.nan)
    for j, crit in enumerate(criteria):
        if crit.method == LOWEST_PRICE:
            values[:, j] = ratio
            continue
        scale = crit.scale_max if crit.scale_max and crit.scale_max > 0 else np.nan
        for i, pid in enumerate(ids):
            score = lookup.get((pid, crit.criterion_id))
            if score is not None:
                values[i, j] = score / scale
    return ScoreTable(ids, names, statuses, tuple(criteria), values, ratio)


# --- weights --------------------------------------------------------------------------


def normalise_weights(weights: Sequence[float] | Array) -> Array:
    """Weights as shares summing to 1; refuses negative weights and a zero sum."""
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        return w
    if np.isnan(w).any() or (w < 0).any():
        raise ValueError("weights must be numbers >= 0")
    total = float(w.sum())
    if total <= 0:
        raise ValueError("weights sum to zero")
    return np.asarray(w / total, dtype=np.float64)


def weight_vector(table: ScoreTable, weights: Mapping[str, float] | None = None) -> Array:
    """The table's criteria weights (the data's where `weights` says nothing)."""
    chosen = weights or {}
    return np.array([float(chosen.get(c.criterion_id, c.weight)) for c in table.criteria])


def parse_weights(text: str | None, criterion_ids: Iterable[str]) -> dict[str, float]:
    """`comprehension:30,methode:20` -> {criterion: weight}, for known criteria only;
    a malformed or negative item is ignored."""
    known = set(criterion_ids)
    out: dict[str, float] = {}
    for item in (text or "").split(","):
        name, sep, number = item.strip().rpartition(":")
        if not sep or name not in known:
            continue
        try:
            value = float(number)
        except ValueError:
            continue
        if math.isfinite(value) and value >= 0:
            out[name] = value
    return out


def format_weights(weights: Mapping[str, float]) -> str:
    return ",".join(f"{name}:{value:g}" for name, value in weights.items())


# --- ranking --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    table: ScoreTable
    weights: Array  # shares summing to 1, in the table's criteria order
    points: Array  # projects x criteria, NaN where the value is missing
    totals: Array  # per project, out of 100; NaN when a value is missing
    order: tuple[int, ...]  # ranked projects first (best first), then the unranked
    ranks: tuple[int | None, ...]  # per project; None when not ranked
    tie_rule: tuple[TieRule | None, ...]  # per project: what put it behind an equal total

    @property
    def ranked(self) -> tuple[int, ...]:
        return tuple(i for i in self.order if self.ranks[i] is not None)

    @property
    def heaviest(self) -> int:
        return int(np.argmax(self.weights)) if self.weights.size else -1

    def gap(self) -> float | None:
        """Points between the first and the second (None with fewer than two)."""
        ranked = self.ranked
        if len(ranked) < 2:
            return None
        return float(self.totals[ranked[0]] - self.totals[ranked[1]])

    def frame(self) -> pd.DataFrame:
        """One row per project in ranked order: rank, ids, status, points per
        criterion (`points_<criterion_id>`), total, tie rule and what is missing."""
        rows = []
        for i in self.order:
            row: dict[str, object] = {
                "rank": self.ranks[i],
                "project_id": self.table.project_ids[i],
                "name": self.table.names[i],
                "status": self.table.statuses[i],
            }
            for j, cid in enumerate(self.table.criterion_ids):
                row[f"points_{cid}"] = float(self.points[i, j])
            row["total"] = float(self.totals[i])
            row["tie_rule"] = self.tie_rule[i]
            row["missing"] = self.table.missing(i)
            rows.append(row)
        frame = pd.DataFrame(rows)
        if not rows:
            return frame
        frame["rank"] = frame["rank"].astype("Int64")
        return frame


def hundredths(total: float) -> int:
    """The total as shown (to the hundredth), the unit of a tie."""
    return int(np.rint(total * 100))


def rank(table: ScoreTable, weights: Sequence[float] | Array | None = None) -> Ranking:
    """Points, totals and the ranking under `weights` (the data's when None)."""
    raw = weight_vector(table) if weights is None else np.asarray(weights, dtype=float)
    share = normalise_weights(raw) if raw.size else raw
    points = table.values * share[np.newaxis, :] * 100.0
    totals = points.sum(axis=1) if share.size else np.full(len(table.project_ids), np.nan)
    complete = table.complete
    totals = np.where(complete, totals, np.nan)
    heavy = int(np.argmax(share)) if share.size else -1

    def key(i: int) -> tuple[int, float, float, str, str]:
        ratio = table.price_ratio[i]
        return (
            -hundredths(float(totals[i])),
            -float(table.values[i, heavy]),
            -(float(ratio) if not np.isnan(ratio) else -1.0),
            table.names[i].casefold(),
            table.project_ids[i],
        )

    ranked = sorted((i for i in range(len(table.project_ids)) if complete[i]), key=key)
    unranked = sorted(
        (i for i in range(len(table.project_ids)) if not complete[i]),
        key=lambda i: (table.names[i].casefold(), table.project_ids[i]),
    )
    ranks: list[int | None] = [None] * len(table.project_ids)
    rules: list[TieRule | None] = [None] * len(table.project_ids)
    for position, i in enumerate(ranked):
        ranks[i] = position + 1
        if position == 0:
            continue
        ahead = ranked[position - 1]
        if hundredths(float(totals[ahead])) == hundredths(float(totals[i])):
            rules[i] = _deciding_rule(table, heavy, ahead, i)
    return Ranking(
        table, share, points, totals, tuple(ranked + unranked), tuple(ranks), tuple(rules)
    )


def _deciding_rule(table: ScoreTable, heavy: int, ahead: int, behind: int) -> TieRule:
    if table.values[ahead, heavy] != table.values[behind, heavy]:
        return "heaviest"
    a, b = table.price_ratio[ahead], table.price_ratio[behind]
    if not (np.isnan(a) and np.isnan(b)) and a != b:
        return "price"
    return "name"


# --- shortlist ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortlist:
    """The first `value` projects (mode "top") or those with total >= `value` ("score")."""

    mode: Literal["top", "score"] = "top"
    value: float = 3

    def to_text(self) -> str:
        return f"{self.mode}:{self.value:g}"

    @staticmethod
    def parse(text: str | None, default: Shortlist | None = None) -> Shortlist:
        fallback = default or Shortlist()
        mode, _, number = (text or "").partition(":")
        try:
            value = float(number)
        except ValueError:
            return fallback
        if mode == "top" and value >= 1 and value == int(value):
            return Shortlist("top", int(value))
        if mode == "score" and 0 <= value <= 100:
            return Shortlist("score", value)
        return fallback


def shortlisted(ranking: Ranking, shortlist: Shortlist) -> tuple[int, ...]:
    """Indices of the shortlisted projects, best first (unranked ones never are)."""
    ranked = ranking.ranked
    if shortlist.mode == "top":
        return ranked[: int(shortlist.value)]
    return tuple(i for i in ranked if ranking.totals[i] >= shortlist.value - 1e-9)


def threshold_total(ranking: Ranking, shortlist: Shortlist) -> float | None:
    """Where the shortlist line goes on the chart: the score threshold, or the
    total of the last project in the top k."""
    if shortlist.mode == "score":
        return float(shortlist.value)
    chosen = shortlisted(ranking, shortlist)
    return float(ranking.totals[chosen[-1]]) if chosen else None


# --- jurors ---------------------------------------------------------------------------


def juror_spread(
    scores: pd.DataFrame, criteria: Sequence[Criterion], threshold: float = 0.3
) -> pd.DataFrame:
    """Per project and rating criterion: jurors, min, max, mean, standard deviation
    (population), the range as a share of the scale, and `flagged` when that share
    is at least `threshold` (jurors disagree)."""
    scales = {c.criterion_id: c.scale_max for c in criteria if c.method == RATING}
    kept = scores[scores["criterion_id"].isin(list(scales))].dropna(subset=["score"])
    columns = ["project_id", "criterion_id", "jurors", "min", "max", "mean", "std"]
    if kept.empty:
        return pd.DataFrame(columns=[*columns, "range_share", "flagged"])
    grouped = kept.groupby(["project_id", "criterion_id"], sort=True)["score"]
    out = grouped.agg(
        jurors="count", min="min", max="max", mean="mean", std=lambda s: float(np.std(s))
    ).reset_index()
    scale = out["criterion_id"].map(scales).astype(float)
    out["range_share"] = (out["max"] - out["min"]) / scale
    out["flagged"] = out["range_share"] >= threshold - 1e-12
    return out


def juror_rankings(
    table: ScoreTable, scores: pd.DataFrame, weights: Sequence[float] | Array | None = None
) -> pd.DataFrame:
    """Each juror's own ranking (their scores alone, same weights and prices) beside
    the aggregate's: one row per project in the aggregate's order, a column
    `rank` and one per juror (missing when that juror left a criterion unscored)."""
    aggregate = rank(table, weights)
    order = list(aggregate.order)
    out = pd.DataFrame(
        {
            "project_id": [table.project_ids[i] for i in order],
            "name": [table.names[i] for i in order],
            "rank": pd.array([aggregate.ranks[i] for i in order], dtype="Int64"),
        }
    )
    kept = scores.dropna(subset=["score", "juror"])
    jurors = sorted(kept["juror"].astype(str).unique(), key=str.casefold)
    if not jurors:
        return out
    # one projects x criteria matrix per juror, filled in a single vectorised pass
    p_index = {p: i for i, p in enumerate(table.project_ids)}
    c_index = {c.criterion_id: j for j, c in enumerate(table.criteria) if c.method == RATING}
    j_index = {name: k for k, name in enumerate(jurors)}
    values = np.full((len(jurors), len(table.project_ids), len(table.criteria)), np.nan)
    for j, crit in enumerate(table.criteria):
        if crit.method == LOWEST_PRICE:
            values[:, :, j] = table.price_ratio[np.newaxis, :]
    rows = kept[kept["project_id"].isin(list(p_index)) & kept["criterion_id"].isin(list(c_index))]
    scales = np.array([c.scale_max for c in table.criteria], dtype=float)
    ci = rows["criterion_id"].map(c_index).to_numpy(dtype=int)
    values[
        rows["juror"].astype(str).map(j_index).to_numpy(dtype=int),
        rows["project_id"].map(p_index).to_numpy(dtype=int),
        ci,
    ] = rows["score"].to_numpy(dtype=float) / scales[ci]
    for k, juror in enumerate(jurors):
        alone = rank(replace(table, values=values[k]), aggregate.weights)
        out[juror] = pd.array([alone.ranks[i] for i in order], dtype="Int64")
    return out


# --- sensitivity ----------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """The range of one criterion's weight share (others rescaled proportionally)
    within which a result holds. `low_by` / `high_by` name the project that ties at
    the bound (and takes over beyond it); None when the bound is 0 or 1 with no
    change."""

    criterion_id: str
    weight: float
    low: float
    high: float
    low_by: str | None
    high_by: str | None

    @property
    def defined(self) -> bool:
        return not (math.isnan(self.low) or math.isnan(self.high))


def _complete(ranking: Ranking) -> tuple[Array, list[int]]:
    ranked = list(ranking.ranked)
    return ranking.table.values[ranked], ranked


def stability_intervals(ranking: Ranking, keep: int = 1) -> list[Interval]:
    """For each criterion, the interval of its weight share in which the set of the
    first `keep` projects stays the same (keep=1: the winner).

    With criterion c at share x and the others rescaled by (1 - x) / (1 - w_c),
    a project's total is linear in x: 100 (R + x (v_c - R)), R being its weighted
    mean on the other criteria. The set holds while every project inside beats
    every project outside: each such pair gives one bound, found in closed form.
    """
    values, ranked = _complete(ranking)
    n = len(ranked)
    w = ranking.weights
    ids = ranking.table.project_ids
    out: list[Interval] = []
    if n < 2 or keep < 1 or keep >= n or w.size == 0:
        return out
    inside = np.arange(keep)
    outside = np.arange(keep, n)
    base = values @ w
    for c, crit in enumerate(ranking.table.criteria):
        wc = float(w[c])
        rest = 1.0 - wc
        if rest <= 1e-12:
            out.append(Interval(crit.criterion_id, wc, math.nan, math.nan, None, None))
            continue
        others = (base - wc * values[:, c]) / rest
        # D(x) = A + x B for each (inside, outside) pair, D >= 0 while the set holds
        a = others[inside][:, None] - others[outside][None, :]
        b = (values[inside, c][:, None] - values[outside, c][None, :]) - a
        low, high, low_by, high_by = 0.0, 1.0, None, None
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.where(b != 0, -a / b, np.nan)
        rising = (b > 0) & (root > 0)
        if rising.any():
            where = np.unravel_index(np.nanargmax(np.where(rising, root, -np.inf)), root.shape)
            low = min(float(root[where]), wc)
            low_by = ids[ranked[keep + int(where[1])]]
        falling = (b < 0) & (root < 1)
        if falling.any():
            where = np.unravel_index(np.nanargmin(np.where(falling, root, np.inf)), root.shape)
            high = max(float(root[where]), wc)
            high_by = ids[ranked[keep + int(where[1])]]
        out.append(Interval(crit.criterion_id, wc, low, high, low_by, high_by))
    return out


@dataclass(frozen=True)
class WeightChange:
    """The smallest single-criterion change of weight share that changes the result."""

    criterion_id: str
    weight: float  # share now
    new_weight: float  # share where another project ties, beyond which it wins
    by: str  # that project

    @property
    def delta(self) -> float:
        return abs(self.new_weight - self.weight)


def smallest_change(intervals: Sequence[Interval]) -> WeightChange | None:
    best: WeightChange | None = None
    for iv in intervals:
        for bound, by in ((iv.low, iv.low_by), (iv.high, iv.high_by)):
            if by is None or math.isnan(bound):
                continue
            change = WeightChange(iv.criterion_id, iv.weight, bound, by)
            if best is None or change.delta < best.delta:
                best = change
    return best


def rank_probabilities(
    ranking: Ranking,
    draws: int = DRAWS,
    spread: float = PERTURBATION,
    seed: int = SEED,
) -> pd.DataFrame:
    """How often each ranked project takes each place when every weight is
    multiplied by an independent factor drawn uniformly in [1 - spread, 1 + spread]
    (then renormalised). Rows: projects in the ranking's order; columns: places
    1..n; values: shares of the draws. Seeded, so the same inputs give the same
    figures; exact ties keep the base ranking's order."""
    values, ranked = _complete(ranking)
    ids = [ranking.table.project_ids[i] for i in ranked]
    matrix = rank_probability_matrix(values, ranking.weights, draws, spread, seed)
    return pd.DataFrame(
        matrix, index=pd.Index(ids, name="project_id"), columns=range(1, len(ids) + 1)
    )


def rank_probability_matrix(
    values: Array, weights: Array, draws: int, spread: float, seed: int
) -> Array:
    """projects x places shares (projects in their base order, best first)."""
    n, c = values.shape
    if n == 0 or c == 0:
        return np.zeros((n, n))
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, c))
    perturbed = weights[np.newaxis, :] * factors
    perturbed /= perturbed.sum(axis=1, keepdims=True)
    totals = perturbed @ values.T  # draws x projects
    # a stable sort keeps the base order (the tie-break's) among exact ties
    placed = np.argsort(-totals, axis=1, kind="stable")  # draws x places -> project
    flat = placed * n + np.arange(n)[np.newaxis, :]
    counts = np.bincount(flat.ravel(), minlength=n * n).reshape(n, n)
    return np.asarray(counts / float(draws), dtype=np.float64)


def close_call_reasons(
    gap: float | None, change: WeightChange | None, win_probability: float | None
) -> list[str]:
    """Why the winner is a close call: "gap", "weight", "probability" (empty: clear)."""
    reasons = []
    # compared as shown, to the hundredth: a lead displayed as 2.00 is not "under 2"
    if gap is not None and round(gap, 2) < CLOSE_GAP_POINTS:
        reasons.append("gap")
    if change is not None and round(change.delta * 100, 2) < CLOSE_WEIGHT_POINTS:
        reasons.append("weight")
    if win_probability is not None and win_probability < CLOSE_WIN_PROBABILITY:
        reasons.append("probability")
    return reasons


# --- exports --------------------------------------------------------------------------


def export_frame(
    ranking: Ranking,
    headers: Mapping[str, str],
    status_labels: Mapping[str, str],
    tie_labels: Mapping[str, str],
    lang: str = "en",
) -> pd.DataFrame:
    """The ranking for a spreadsheet: rank, id, name, status, each criterion's points
    (its header says the weight used), total, tie rule; numbers rounded to 0.01.

    `headers` gives the fixed columns' titles (rank, project_id, name, status,
    total, tie_rule) and `status_labels` / `tie_labels` the values' words."""
    rows = []
    for i in ranking.order:
        row: dict[str, object] = {
            headers["rank"]: ranking.ranks[i],
            headers["project_id"]: ranking.table.project_ids[i],
            headers["name"]: ranking.table.names[i],
            headers["status"]: status_labels.get(ranking.table.statuses[i], ""),
        }
        for j, crit in enumerate(ranking.table.criteria):
            header = str(neutralise(criterion_header(crit, float(ranking.weights[j]), lang)))
            row[header] = _rounded(ranking.points[i, j])
        row[headers["total"]] = _rounded(ranking.totals[i])
        rule = ranking.tie_rule[i]
        row[headers["tie_rule"]] = tie_labels.get(rule, "") if rule else ""
        rows.append({k: neutralise(v) for k, v in row.items()})
    return pd.DataFrame(rows)


def criterion_header(criterion: Criterion, share: float, lang: str = "en") -> str:
    """A criterion's column title with the weight used: `Prix (30,0 %)` in French."""
    unit = "\u00a0%" if lang == "fr" else "%"
    return f"{criterion.label} ({format_number(share * 100, lang, 1)}{unit})"


def weights_frame(ranking: Ranking, headers: Mapping[str, str]) -> pd.DataFrame:
    """The weights used beside the data's: criterion, label, method, scale, data
    weight, share used (percent)."""
    rows = []
    for j, crit in enumerate(ranking.table.criteria):
        rows.append(
            {
                headers["criterion_id"]: neutralise(crit.criterion_id),
                headers["label"]: neutralise(crit.label),
                headers["method"]: crit.method,
                headers["scale_max"]: crit.scale_max if crit.method == RATING else None,
                headers["data_weight"]: crit.weight,
                headers["weight_used"]: _rounded(float(ranking.weights[j]) * 100),
            }
        )
    return pd.DataFrame(rows)


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """UTF-8 with BOM; French: semicolons and decimal commas (what French Excel
    opens as columns), English: commas and dots."""
    sep, decimal = (";", ",") if lang == "fr" else (",", ".")
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, sep=sep, decimal=decimal, quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame; text cells are written as text, never
    as formulas."""
    from openpyxl import Workbook

    book = Workbook()
    first = True
    for title, frame in sheets.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = title[:31]
        sheet.append([str(c) for c in frame.columns])
        for rec in frame.itertuples(index=False):
            cells = [_cell(v) for v in rec]
            sheet.append(cells)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would take a leading "=" as a formula
        for column in sheet.columns:
            width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
            letter = column[0].column_letter
            sheet.column_dimensions[letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- helpers --------------------------------------------------------------------------


def _cell(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return neutralise(value)


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 2)


def _present(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _number(value: object) -> float | None:
    if not _present(value):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
