"""Scoring rules Python keeps (pure, no Streamlit): what a shared link's weights
may be, the computed shortlist, the sensitivity of the result to the weights
(closed-form stability intervals and seeded random draws, vectorised and
bounded) and the spreadsheet files.

The scores themselves (rating shares, the lowest-price formula, weights relative
to their sum, totals, ranks with the tie-break, jurors' own rankings) are
computed once, in DuckDB: `sql/views/scoring_points.sql`. The page states the
model:

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
from dataclasses import dataclass
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

# What the page calls a close call (stated on the page).
CLOSE_GAP_POINTS = 2.0  # points between the first and the second
CLOSE_WEIGHT_POINTS = 5.0  # a weight moved by fewer points changes the winner
CLOSE_WIN_PROBABILITY = 0.75  # the winner wins fewer draws than this

# Monte-Carlo defaults: each weight multiplied by a factor drawn in [1 - s, 1 + s].
PERTURBATION = 0.20
DRAWS = 1000
SEED = 2020
# Bounds that keep the sensitivity's memory flat however large the evaluation:
# rank probabilities for the first places only, draws scored a block at a time,
# and the top-k stability intervals only while the (inside, outside) pairs fit.
PROBABILITY_PLACES = 20
DRAW_CELLS = 2_000_000  # draws x projects scored at once
MAX_PAIRS = 250_000  # top-k x the others, per criterion (about 10 MB of temporaries)

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


# --- weights --------------------------------------------------------------------------


def weight_ceiling(criteria: Sequence[Criterion]) -> float:
    """The top of a weight slider: 100, or the largest weight in the data."""
    return max(100.0, *(c.weight for c in criteria)) if criteria else 100.0


def clamp_weight(value: object, ceiling: float) -> float | None:
    """A weight from a link or a widget as a slider can hold it: a number from 0 to
    `ceiling` (1e308 becomes the ceiling); None for what is not a number >= 0."""
    number = _number(value)
    if number is None or number < 0:
        return None
    return min(number, ceiling)


def live_weights(
    criteria: Sequence[Criterion], given: Sequence[float | None] | Mapping[str, float]
) -> tuple[float, ...]:
    """The weights to use, one per criterion: the given ones, clamped, where they
    are valid (a mapping by criterion id, or a sequence in the criteria's order),
    the data's elsewhere."""
    ceiling = weight_ceiling(criteria)
    out: list[float] = []
    for j, crit in enumerate(criteria):
        if isinstance(given, Mapping):
            raw: object = given.get(crit.criterion_id)
        else:
            raw = given[j] if j < len(given) else None
        value = clamp_weight(raw, ceiling)
        out.append(crit.weight if value is None else value)
    return tuple(out)


def parse_weights(text: str | None, criterion_ids: Iterable[str]) -> dict[str, float]:
    """`comprehension:30,methode:20` -> {criterion: weight}, for known criteria only;
    a malformed, negative or infinite item is ignored."""
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


# --- shortlist ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortlist:
    """A computed selection: the first `value` ranked projects (mode "top") or those
    with a total >= `value` ("score"). Not the shortlist the data records."""

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
        if mode == "top" and 1 <= value <= 1_000_000 and value == int(value):
            return Shortlist("top", int(value))
        if mode == "score" and 0 <= value <= 100:
            return Shortlist("score", value)
        return fallback


def shortlisted_count(totals: Array, shortlist: Shortlist) -> int:
    """How many of the ranked projects (their totals, best first) the computed
    selection takes."""
    if shortlist.mode == "top":
        return min(int(shortlist.value), len(totals))
    return int((totals >= shortlist.value - 1e-9).sum())


def threshold_total(totals: Array, shortlist: Shortlist) -> float | None:
    """Where the selection's line goes on the chart: the score threshold, or the
    total of the last project in the top k."""
    if shortlist.mode == "score":
        return float(shortlist.value)
    count = shortlisted_count(totals, shortlist)
    return float(totals[count - 1]) if count else None


# --- sensitivity ----------------------------------------------------------------------
# `values` are the ranked projects' values (projects x criteria, best first, no
# missing value) and `weights` the shares used (summing to 1).


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


def stability_intervals(
    values: Array,
    weights: Array,
    criterion_ids: Sequence[str],
    project_ids: Sequence[str],
    keep: int = 1,
) -> list[Interval]:
    """For each criterion, the interval of its weight share in which the set of the
    first `keep` projects stays the same (keep=1: the winner). Empty when there is
    nothing to keep or more (inside, outside) pairs than `MAX_PAIRS`.

    With criterion c at share x and the others rescaled by (1 - x) / (1 - w_c),
    a project's total is linear in x: 100 (R + x (v_c - R)), R being its weighted
    mean on the other criteria. The set holds while every project inside beats
    every project outside: each such pair gives one bound, found in closed form.
    """
    n = len(values)
    w = weights
    out: list[Interval] = []
    if n < 2 or keep < 1 or keep >= n or w.size == 0 or keep * (n - keep) > MAX_PAIRS:
        return out
    inside = np.arange(keep)
    outside = np.arange(keep, n)
    base = values @ w
    for c, criterion_id in enumerate(criterion_ids):
        wc = float(w[c])
        rest = 1.0 - wc
        if rest <= 1e-12:
            out.append(Interval(criterion_id, wc, math.nan, math.nan, None, None))
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
            low_by = project_ids[keep + int(where[1])]
        falling = (b < 0) & (root < 1)
        if falling.any():
            where = np.unravel_index(np.nanargmin(np.where(falling, root, np.inf)), root.shape)
            high = max(float(root[where]), wc)
            high_by = project_ids[keep + int(where[1])]
        out.append(Interval(criterion_id, wc, low, high, low_by, high_by))
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


@dataclass(frozen=True)
class Draws:
    """What the random draws of the weights tell.

    `places`: the first p projects of the ranking (p <= PROBABILITY_PLACES) x
    places 1..p, how often each takes each place; `in_top`: for the first `keep`
    projects, how often each stays in the first `keep`."""

    places: Array
    in_top: Array


def rank_probabilities(
    values: Array,
    weights: Array,
    keep: int = 0,
    places: int = PROBABILITY_PLACES,
    draws: int = DRAWS,
    spread: float = PERTURBATION,
    seed: int = SEED,
) -> Draws:
    """Every weight multiplied by an independent factor drawn uniformly in
    [1 - spread, 1 + spread] (then renormalised), `draws` times. Seeded, so the
    same inputs give the same figures; exact ties keep the base ranking's order.
    Memory stays flat: draws are scored `DRAW_CELLS` cells at a time and only the
    first `places` places are counted."""
    n, c = values.shape
    p = min(places, n)
    if n == 0 or c == 0:
        return Draws(np.zeros((p, p)), np.zeros(0))
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, c))
    perturbed = weights[np.newaxis, :] * factors
    perturbed /= perturbed.sum(axis=1, keepdims=True)
    # the base order wins an exact tie: totals are at most 1, so 1e-12 per place
    # separates equal totals and nothing else
    order_penalty = np.arange(n, dtype=np.float64) * 1e-12
    counts = np.zeros(p * p, dtype=np.int64)
    top_k = keep if 0 < keep < n else 0
    in_top = np.zeros(top_k, dtype=np.int64)
    block = max(1, DRAW_CELLS // n)
    for start in range(0, draws, block):
        totals = perturbed[start : start + block] @ values.T - order_penalty  # draws x projects
        if p < n:
            best = np.argpartition(-totals, p - 1, axis=1)[:, :p]
        else:
            best = np.broadcast_to(np.arange(n), totals.shape).copy()
        ranked = np.take_along_axis(
            best, np.argsort(-np.take_along_axis(totals, best, axis=1), axis=1), axis=1
        )  # draws x places -> project
        counted = ranked < p
        place = np.broadcast_to(np.arange(p), ranked.shape)
        counts += np.bincount((ranked * p + place)[counted], minlength=p * p)
        if top_k:
            bar = np.partition(totals, n - top_k, axis=1)[:, n - top_k]
            in_top += (totals[:, :top_k] >= bar[:, None]).sum(axis=0)
    return Draws(
        np.asarray(counts.reshape(p, p) / float(draws), dtype=np.float64),
        np.asarray(in_top / float(draws), dtype=np.float64),
    )


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


# --- files ----------------------------------------------------------------------------


def criterion_header(criterion: Criterion, share: float, lang: str = "en") -> str:
    """A criterion's column title with the weight used: `Prix (30,0 %)` in French."""
    unit = "\u00a0%" if lang == "fr" else "%"
    return f"{criterion.label} ({format_number(share * 100, lang, 1)}{unit})"


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
            sheet.append([_cell(v) for v in rec])
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
        return None if math.isnan(float(value)) else float(value)
    return neutralise(value)


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
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None
