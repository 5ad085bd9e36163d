"""The scoring page's model: an evaluation's ranking under live weights, the
recorded shortlist beside a computed top-k, the jurors' spread (staff) and the
sensitivity of the result to the weights.

The scores come from one place, `sql/views/scoring_points.sql` (through the
`scoring_ranking` and `scoring_juror_rankings` queries); Python adds only the
sensitivity draws and the words. What the browser gets is bounded whatever the
evaluation's size: `BARS` bars (the rest summarised), `ROWS_PER_PAGE` table rows,
the first `scoring.PROBABILITY_PLACES` places of the draws, the jurors' detail
for the table's page only. The full ranking stays on the server for the downloads,
which are built when clicked (`export_csv`, `export_xlsx`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dashboard.domain import scoring
from dashboard.domain.scoring import Criterion, Interval, Shortlist, WeightChange
from dashboard.export import neutralise
from dashboard.i18n import choice_label, format_eur, format_number, format_pct, t
from dashboard.views import figures, paging
from dashboard.views.reader import Reader
from dashboard.views.together import together

ROWS_PER_PAGE = 50
BARS = 30  # projects drawn as bars; the others are summarised in a caption
UNRANKED_NAMED = 20  # unranked projects named in the warning; the rest counted
FLAGGED_ROWS = 100  # disagreements listed; the rest counted
GAP_RANGE = (5, 100)  # the disagreement threshold, percent of the scale

# --- the page's set-up: evaluations and the chosen one's criteria ----------------------


@dataclass(frozen=True)
class SetupState:
    hidden: tuple[str, ...] = ()  # evaluations the reader may not see
    evaluation: str | None = None  # None or unknown: the first one
    lang: str = "fr"  # the criteria's labels are read in it (the model's are too)


@dataclass(frozen=True)
class Setup:
    evaluations: tuple[str, ...]
    counts: tuple[int, ...]  # projects per evaluation
    evaluation: str | None
    criteria: tuple[Criterion, ...]
    projects: int  # in the chosen evaluation
    ceiling: float  # top of a weight slider
    step: float


def setup(read: Reader, state: SetupState) -> Setup:
    """What the page needs to draw its selectors and weight sliders."""
    listed = read("scoring_evaluations", hidden=list(state.hidden))
    names = tuple(str(e) for e in listed["evaluation"])
    counts = tuple(int(c) for c in listed["projects"])
    if not names:
        return Setup((), (), None, (), 0, 100.0, 1.0)
    chosen = state.evaluation if state.evaluation in names else names[0]
    criteria = scoring.criteria_from_frame(
        read("scoring_criteria", evaluation=chosen, hidden=list(state.hidden))
    )
    whole = all(float(c.weight).is_integer() for c in criteria)
    return Setup(
        names,
        counts,
        chosen,
        criteria,
        counts[names.index(chosen)],
        scoring.weight_ceiling(criteria),
        1.0 if whole else 0.1,
    )


# --- the model --------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    evaluation: str
    weights: tuple[float, ...] = ()  # live weights in the criteria's order; () = data's
    aggregation: scoring.Aggregation = "mean"
    shortlist: Shortlist = field(default_factory=Shortlist)
    page: int = 1
    sensitivity: bool = True
    jurors: bool = False  # the jurors' detail (staff only: the reader refuses viewers)
    gap: int = 30  # disagreement threshold, percent of the scale
    lang: str = "fr"
    hidden: tuple[str, ...] = ()
    situation: date | None = None  # for the recorded shortlist (headline figures)


@dataclass(frozen=True)
class Rest:
    """The ranked projects beyond the bars."""

    count: int
    low: float
    high: float


@dataclass(frozen=True)
class Sensitivity:
    keep: int
    change: WeightChange | None
    change_names: tuple[str, str] | None  # (who takes over, the winner)
    win_probability: float | None
    top_stable: int | None  # of the first `keep`, those in the top `keep` in 95 % of draws
    table: pd.DataFrame  # per criterion: weight now, ranges where the result holds
    intervals: pd.DataFrame  # chart: kept, criterion, low, high, weight
    probabilities: pd.DataFrame  # chart: project, place, share (first places only)
    probability_projects: tuple[str, ...]  # the heatmap's rows, best first
    top_skipped: bool  # the top-k intervals left out (too many pairs)


@dataclass(frozen=True)
class Jurors:
    flagged_count: int
    flagged: pd.DataFrame  # worded, first FLAGGED_ROWS
    spread: pd.DataFrame  # chart: the table page's projects, every juror's score
    spread_projects: tuple[str, ...]
    rating_labels: tuple[str, ...]
    rankings: pd.DataFrame  # worded: the page's projects, each juror's own rank
    comments: pd.DataFrame  # worded: the page's projects


@dataclass(frozen=True)
class Model:
    state: State
    evaluation: str
    criteria: tuple[Criterion, ...]
    weights: tuple[float, ...]  # used (after the zero fallback), criteria order
    shares: tuple[float, ...]
    weights_zero: bool  # all given weights were zero: the data's are used
    data_weight_sum: float
    heaviest: str  # label of the heaviest criterion (the tie-break)
    projects: int
    ranked: int
    first_name: str | None
    first_total: float | None
    gap: float | None
    recorded_shortlisted: str  # the data's shortlist, "n / m"
    computed: int  # projects the computed top-k / threshold takes
    threshold: float | None
    threshold_label: str
    reasons: tuple[str, ...]  # why the result is a close call
    unranked: tuple[str, ...]  # "name (missing criteria)", first UNRANKED_NAMED
    unranked_count: int
    bars: pd.DataFrame  # chart: project, position, criterion, points, total, status
    rest: Rest | None
    table: pd.DataFrame  # worded: the page's rows
    page: int
    pages: int
    has_price: bool
    lowest_price: str | None  # staff: "price (name)"
    sensitivity: Sensitivity | None
    jurors: Jurors | None
    ranking: pd.DataFrame = field(repr=False)  # every project, for the downloads
    statuses: Mapping[str, str] = field(default_factory=dict)
    tie_words: Mapping[str, str] = field(default_factory=dict)
    # Weights other than the official ones (the data's, in other proportions) make a
    # scenario: every view of it says so and names the official result beside it.
    scenario: bool = False
    official_first_name: str | None = None
    official_first_total: float | None = None


def _number(value: object, lang: str, digits: int = 2) -> str:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    return format_number(float(value), lang, digits)  # type: ignore[arg-type]


def _share(value: float, lang: str) -> str:
    return "—" if value is None or pd.isna(value) else format_pct(round(float(value), 3), lang)


def project_label(rank: object, name: str) -> str:
    return f"{rank}. {name}" if rank is not None and not pd.isna(rank) else f"– {name}"  # type: ignore[call-overload]


def _matrix(cells: pd.Series, width: int) -> np.ndarray:
    """A list column (DuckDB gives masked arrays where a value is NULL) as a float
    matrix, NaN where missing."""
    if not len(cells):
        return np.zeros((0, width))
    rows = [np.ma.filled(np.ma.asarray(r, dtype=np.float64), np.nan) for r in cells]
    return np.vstack(rows).reshape(len(rows), width)


def is_scenario(weights: Sequence[float], official: Sequence[float]) -> bool:
    """Whether `weights` weigh the criteria otherwise than the official weights
    (the same proportions are the same weighting)."""
    total, base = sum(weights), sum(official)
    if total <= 0 or base <= 0:
        return False
    return any(abs(w / total - o / base) > 1e-9 for w, o in zip(weights, official, strict=True))


def _ranking(
    read: Reader, state: State, ids: list[str], weights: Sequence[float], aggregation: str
) -> pd.DataFrame:
    """Every project of the state's evaluation ranked under `weights`."""
    return read(
        "scoring_ranking",
        evaluation=state.evaluation,
        hidden=list(state.hidden),
        criteria=ids,
        weights=list(weights),
        aggregation=aggregation,
    )


def _official_first(
    read: Reader,
    state: State,
    ids: list[str],
    official: tuple[float, ...],
    aggregation: str,
) -> tuple[str | None, float | None]:
    """The project first under the official weights, and its total."""
    ranking = _ranking(read, state, ids, official, aggregation)
    ranked = ranking[ranking["rank"].notna()]
    if not len(ranked):
        return None, None
    return str(ranked["name"].iloc[0]), float(ranked["total"].iloc[0])


def build(read: Reader, state: State) -> Model:
    """The model of one evaluation under `state` (see the module's docstring)."""
    lang = state.lang
    with together() as start:
        # the headline figures and the official ranking need nothing read here first
        headline_read = start(
            lambda: figures.headline(read, state.situation or date.today(), state.hidden)
        )
        chosen = setup(read, SetupState(state.hidden, state.evaluation, state.lang))
        if chosen.evaluation != state.evaluation or not chosen.criteria:
            raise LookupError(state.evaluation)
        criteria = chosen.criteria
        ids = [c.criterion_id for c in criteria]
        labels = {c.criterion_id: c.label for c in criteria}
        weights = scoring.live_weights(criteria, state.weights)
        zero = sum(weights) <= 0
        if zero:
            weights = tuple(c.weight for c in criteria)
        total_weight = sum(weights)
        shares = np.array([w / total_weight for w in weights], dtype=np.float64)
        heavy = int(np.argmax(shares))
        aggregation = state.aggregation if state.aggregation in scoring.AGGREGATIONS else "mean"
        official = tuple(c.weight for c in criteria)
        scenario = is_scenario(weights, official)
        official_read = (
            start(lambda: _official_first(read, state, ids, official, aggregation))
            if scenario
            else None
        )
        ranking = _ranking(read, state, ids, weights, aggregation)
        headline = headline_read.get()
        official_ranked = official_read.get() if official_read is not None else None
    n = len(ranking)
    ranked_mask = ranking["rank"].notna().to_numpy()
    ranked = ranking[ranked_mask]
    totals = ranked["total"].to_numpy(dtype=np.float64)
    points = _matrix(ranking["points"], len(ids))
    statuses = {s: choice_label("projects", "status", s, lang) for s in ranking["status"].unique()}
    tie_words = {
        "heaviest": t("scoring.tie_heaviest", lang, criterion=labels[ids[heavy]]),
        "price": t("scoring.tie_price", lang),
        "name": t("scoring.tie_name", lang),
    }

    # the computed selection, and the shortlist the data records, apart
    shortlist = state.shortlist
    if shortlist.mode == "top":
        shortlist = Shortlist("top", max(1, min(int(shortlist.value), max(n, 1))))
    computed = scoring.shortlisted_count(totals, shortlist)
    threshold = scoring.threshold_total(totals, shortlist)
    threshold_label = (
        t("scoring.line_top", lang, k=int(shortlist.value))
        if shortlist.mode == "top"
        else t("scoring.line_score", lang, score=_number(shortlist.value, lang, 0))
    )
    recorded = figures.value_text(headline, "shortlisted", lang, state.evaluation)

    first_name = str(ranked["name"].iloc[0]) if len(ranked) else None
    first_total = float(totals[0]) if len(totals) else None
    official_first: tuple[str | None, float | None] = (first_name, first_total)
    if official_ranked is not None:
        official_first = official_ranked
    gap = float(totals[0] - totals[1]) if len(totals) >= 2 else None

    unranked_rows = ranking[~ranked_mask]
    unranked = tuple(
        f"{name} ({', '.join(labels[c] for c in missing)})"
        for name, missing in zip(
            unranked_rows["name"].head(UNRANKED_NAMED),
            unranked_rows["missing"].head(UNRANKED_NAMED),
            strict=True,
        )
    )

    bars, rest = _bars(ranked, points[ranked_mask], criteria, statuses)
    pages = paging.pages(n, ROWS_PER_PAGE)
    page = min(max(state.page, 1), pages)
    rows = slice((page - 1) * ROWS_PER_PAGE, page * ROWS_PER_PAGE)
    shown = ranking.iloc[rows]
    has_price = any(c.method == scoring.LOWEST_PRICE for c in criteria)
    prices = "price_eur" in ranking.columns and bool(ranking["price_eur"].notna().any())
    table = _table(
        shown, points[rows], criteria, shares, computed, statuses, tie_words, labels, prices, lang
    )
    lowest_price = None
    if has_price and prices:
        cheapest = ranking.iloc[int(np.nanargmin(ranking["price_eur"].to_numpy(dtype=float)))]
        lowest_price = t(
            "scoring.lowest_price",
            lang,
            price=format_eur(float(cheapest["price_eur"]), lang),
            name=str(cheapest["name"]),
        )

    sensitivity = None
    if state.sensitivity and len(ranked) >= 2:
        sensitivity = _sensitivity(ranked, shares, criteria, computed, lang)
    reasons = scoring.close_call_reasons(
        gap,
        sensitivity.change if sensitivity else None,
        sensitivity.win_probability if sensitivity else None,
    )
    jurors = (
        _jurors(read, state, ids, list(weights), criteria, shown, ranking) if state.jurors else None
    )

    return Model(
        state=state,
        evaluation=state.evaluation,
        criteria=criteria,
        weights=weights,
        shares=tuple(float(s) for s in shares),
        weights_zero=zero,
        data_weight_sum=float(sum(c.weight for c in criteria)),
        heaviest=labels[ids[heavy]],
        projects=n,
        ranked=len(ranked),
        first_name=first_name,
        first_total=first_total,
        gap=gap,
        recorded_shortlisted=recorded,
        computed=computed,
        threshold=threshold,
        threshold_label=threshold_label,
        reasons=tuple(reasons) if len(ranked) >= 2 else (),
        unranked=unranked,
        unranked_count=len(unranked_rows),
        bars=bars,
        rest=rest,
        table=table,
        page=page,
        pages=pages,
        has_price=has_price,
        lowest_price=lowest_price,
        sensitivity=sensitivity,
        jurors=jurors,
        ranking=ranking.drop(columns=["values"]),
        statuses=statuses,
        tie_words=tie_words,
        scenario=scenario,
        official_first_name=official_first[0],
        official_first_total=official_first[1],
    )


def _bars(
    ranked: pd.DataFrame,
    points: np.ndarray,
    criteria: Sequence[Criterion],
    statuses: Mapping[str, str],
) -> tuple[pd.DataFrame, Rest | None]:
    """One row per drawn project and criterion (the first BARS ranked projects)."""
    drawn = ranked.head(BARS)
    k, c = len(drawn), len(criteria)
    status = [statuses.get(s, s) for s in drawn["status"]]
    names = [
        f"{project_label(r, nm)} · {st}"
        for r, nm, st in zip(drawn["rank"], drawn["name"], status, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "project": np.repeat(names, c),
            "position": np.repeat(np.arange(k), c),
            "criterion": np.tile([cr.label for cr in criteria], k),
            "criterion_order": np.tile(np.arange(c), k),
            "points": points[:k].reshape(-1),
            "total": np.repeat(drawn["total"].to_numpy(dtype=np.float64), c),
            "status": np.repeat(status, c),
        }
    )
    left = ranked["total"].iloc[BARS:]
    rest = Rest(len(left), float(left.min()), float(left.max())) if len(left) else None
    return frame, rest


def _table(
    shown: pd.DataFrame,
    points: np.ndarray,
    criteria: Sequence[Criterion],
    shares: np.ndarray,
    computed: int,
    statuses: Mapping[str, str],
    tie_words: Mapping[str, str],
    labels: Mapping[str, str],
    prices: bool,
    lang: str,
) -> pd.DataFrame:
    """The page's rows as the screen shows them (numbers as the locale writes them)."""
    out: dict[str, object] = {
        t("scoring.col_rank", lang): shown["rank"].astype("Int64").to_numpy(),
        t("scoring.col_project", lang): shown["name"].to_numpy(),
        # the total decides: next to the name, never cut off on a narrow screen
        t("scoring.col_total", lang): [_number(v, lang) for v in shown["total"]],
        t("scoring.col_status", lang): [statuses.get(s, "") for s in shown["status"]],
    }
    if prices:
        out[t("scoring.col_price", lang)] = [
            "—" if pd.isna(p) else format_eur(float(p), lang) for p in shown["price_eur"]
        ]
    for j, crit in enumerate(criteria):
        header = scoring.criterion_header(crit, float(shares[j]), lang)
        out[header] = [_number(v, lang) for v in points[:, j]]
    out[t("scoring.col_shortlist", lang)] = [
        "✔" if pd.notna(r) and int(r) <= computed else "" for r in shown["rank"]
    ]
    out[t("scoring.col_tie", lang)] = [tie_words.get(r, "") if r else "" for r in shown["tie_rule"]]
    out[t("scoring.col_missing", lang)] = [
        ", ".join(labels[c] for c in missing) for missing in shown["missing"]
    ]
    return pd.DataFrame(out)


def _sensitivity(
    ranked: pd.DataFrame,
    shares: np.ndarray,
    criteria: Sequence[Criterion],
    keep: int,
    lang: str,
) -> Sensitivity:
    values = _matrix(ranked["values"], len(criteria))
    project_ids = [str(p) for p in ranked["project_id"]]
    names = dict(zip(project_ids, (str(n) for n in ranked["name"]), strict=True))
    ids = [c.criterion_id for c in criteria]
    labels = {c.criterion_id: c.label for c in criteria}
    n = len(values)
    winner = scoring.stability_intervals(values, shares, ids, project_ids, 1)
    top_wanted = 1 < keep < n
    top = scoring.stability_intervals(values, shares, ids, project_ids, keep) if top_wanted else []
    change = scoring.smallest_change(winner)
    draws = scoring.rank_probabilities(values, shares, keep=keep)
    win = float(draws.places[0, 0]) if draws.places.size else None
    stable = int((draws.in_top >= 0.95).sum()) if top_wanted else None

    top_by = {iv.criterion_id: iv for iv in top}
    rows = []
    for iv in winner:
        row = {
            t("scoring.criterion", lang): labels[iv.criterion_id],
            t("scoring.weight_now", lang): _share(iv.weight, lang),
            t("scoring.col_first_holds", lang): (
                f"{_share(iv.low, lang)} – {_share(iv.high, lang)}" if iv.defined else "—"
            ),
            t("scoring.col_first_lost_to", lang): ", ".join(
                names.get(p, p) for p in dict.fromkeys((iv.low_by, iv.high_by)) if p
            ),
        }
        kept = top_by.get(iv.criterion_id)
        if kept is not None:
            row[t("scoring.col_top_holds", lang, k=keep)] = (
                f"{_share(kept.low, lang)} – {_share(kept.high, lang)}" if kept.defined else "—"
            )
        rows.append(row)

    kept_sets: dict[str, list[Interval]] = {t("scoring.kept_first", lang): winner}
    if top:
        kept_sets[t("scoring.kept_top", lang, k=keep)] = top
    intervals = pd.DataFrame(
        [
            {
                "kept": kept_name,
                "criterion": labels[iv.criterion_id],
                "low": iv.low,
                "high": iv.high,
                "weight": iv.weight,
            }
            for kept_name, items in kept_sets.items()
            for iv in items
            if iv.defined
        ],
        columns=["kept", "criterion", "low", "high", "weight"],
    )
    p = len(draws.places)
    heat_labels = [
        project_label(r, nm) for r, nm in zip(ranked["rank"][:p], ranked["name"][:p], strict=True)
    ]
    probabilities = pd.DataFrame(
        {
            "project": np.repeat(heat_labels, p),
            "place": np.tile(np.arange(1, p + 1), p),
            "share": draws.places.reshape(-1),
        }
    )
    return Sensitivity(
        keep=keep,
        change=change,
        change_names=(names[change.by], names[project_ids[0]]) if change else None,
        win_probability=win,
        top_stable=stable,
        table=pd.DataFrame(rows),
        intervals=intervals,
        probabilities=probabilities,
        probability_projects=tuple(heat_labels),
        top_skipped=top_wanted and not top,
    )


def _jurors(
    read: Reader,
    state: State,
    ids: list[str],
    weights: list[float],
    criteria: Sequence[Criterion],
    shown: pd.DataFrame,
    ranking: pd.DataFrame,
) -> Jurors:
    lang = state.lang
    labels = {c.criterion_id: c.label for c in criteria}
    scales = {c.criterion_id: c.scale_max for c in criteria}
    names = dict(zip(shown["project_id"], shown["name"], strict=True))
    on_page = list(shown["project_id"])
    gap = min(max(state.gap, GAP_RANGE[0]), GAP_RANGE[1])
    spread = read("scoring_juror_spread", evaluation=state.evaluation, threshold=gap / 100)
    flagged = spread[spread["flagged"]]
    listed = flagged.head(FLAGGED_ROWS)
    every_name = ranking.set_index("project_id")["name"]
    flagged_table = pd.DataFrame(
        {
            t("scoring.col_project", lang): listed["project_id"].map(every_name),
            t("scoring.criterion", lang): listed["criterion_id"].map(labels),
            t("scoring.col_min", lang): [_number(v, lang, 1) for v in listed["min"]],
            t("scoring.col_max", lang): [_number(v, lang, 1) for v in listed["max"]],
            t("scoring.col_std", lang): [_number(v, lang, 2) for v in listed["std"]],
            t("scoring.col_range", lang): [_share(v, lang) for v in listed["range_share"]],
        }
    )
    scores = read("scoring_juror_scores", evaluation=state.evaluation, projects=on_page)
    page_spread = spread[spread["project_id"].isin(on_page)]
    merged = scores.merge(
        page_spread[["project_id", "criterion_id", "min", "max", "flagged"]],
        on=["project_id", "criterion_id"],
        how="inner",
    )
    scale = merged["criterion_id"].map(scales).astype(float)
    spread_frame = pd.DataFrame(
        {
            "project": merged["project_id"].map(names),
            "criterion": merged["criterion_id"].map(labels),
            "juror": merged["juror"].astype(str),
            "score": merged["score"].astype(float),
            "share": merged["score"].astype(float) / scale,
            "low": merged["min"].astype(float) / scale,
            "high": merged["max"].astype(float) / scale,
            "flagged": merged["flagged"].astype(bool),
        }
    )
    own = read(
        "scoring_juror_rankings",
        evaluation=state.evaluation,
        criteria=ids,
        weights=weights,
        projects=on_page,
    )
    rankings = pd.DataFrame(
        {
            t("scoring.col_project", lang): shown["name"].to_numpy(),
            t("scoring.col_aggregate", lang): shown["rank"].astype("Int64").to_numpy(),
        }
    )
    if len(own):
        wide = own.pivot(index="project_id", columns="juror", values="rank")
        jurors = sorted(wide.columns, key=lambda j: str(j).casefold())
        for juror in jurors:
            rankings[str(juror)] = wide[juror].reindex(on_page).astype("Int64").to_numpy()
    kept = scores.dropna(subset=["comment"])
    comments = pd.DataFrame(
        {
            t("scoring.col_project", lang): kept["project_id"].map(names),
            t("scoring.criterion", lang): kept["criterion_id"].map(labels),
            t("scoring.col_juror", lang): kept["juror"],
            t("scoring.col_score", lang): [_number(v, lang, 1) for v in kept["score"]],
            t("scoring.col_comment", lang): kept["comment"],
        }
    )
    return Jurors(
        flagged_count=len(flagged),
        flagged=flagged_table,
        spread=spread_frame,
        spread_projects=tuple(str(p) for p in shown["name"]),
        rating_labels=tuple(c.label for c in criteria if c.method == scoring.RATING),
        rankings=rankings,
        comments=comments,
    )


# --- scenarios ------------------------------------------------------------------------------


def scenario_text(model: Model) -> str:
    """What a scenario's page says above its result: not the official weights, and
    the official result."""
    lang = model.state.lang
    if model.official_first_name is None:
        return t("meeting.scenario", lang)
    return (
        t("meeting.scenario", lang)
        + " "
        + t(
            "meeting.scenario_official",
            lang,
            name=model.official_first_name,
            total=_number(model.official_first_total, lang),
        )
    )


def scenario_title(model: Model) -> dict[str, object]:
    """A scenario chart's title (on screen and in its image)."""
    lang = model.state.lang
    subtitle = (
        t(
            "meeting.scenario_official",
            lang,
            name=model.official_first_name,
            total=_number(model.official_first_total, lang),
        )
        if model.official_first_name is not None
        else ""
    )
    return {
        "text": t("meeting.scenario_title", lang),
        "subtitle": subtitle,
        "color": "#b3261e",
        "anchor": "start",
    }


# --- downloads (built when clicked) ----------------------------------------------------


def export_frames(model: Model) -> dict[str, pd.DataFrame]:
    """The whole ranking and the weights used, for a spreadsheet: rank, id, name,
    status, each criterion's points (its header says the weight used), total, tie
    rule; numbers rounded to 0.01; text that a spreadsheet would run neutralised."""
    lang = model.state.lang
    frame = model.ranking
    n = len(frame)
    points = _matrix(frame["points"], len(model.criteria))
    text = np.vectorize(neutralise, otypes=[object])
    sheet: dict[str, object] = {
        t("scoring.col_rank", lang): frame["rank"].astype("Int64").to_numpy(),
        t("scoring.col_id", lang): text(frame["project_id"].to_numpy(dtype=object)) if n else [],
        t("scoring.col_project", lang): text(frame["name"].to_numpy(dtype=object)) if n else [],
        t("scoring.col_status", lang): [model.statuses.get(s, "") for s in frame["status"]],
    }
    for j, crit in enumerate(model.criteria):
        header = str(neutralise(scoring.criterion_header(crit, model.shares[j], lang)))
        sheet[header] = np.round(points[:, j], 2)
    sheet[t("scoring.col_total", lang)] = np.round(frame["total"].to_numpy(dtype=np.float64), 2)
    sheet[t("scoring.col_tie", lang)] = [
        model.tie_words.get(r, "") if r else "" for r in frame["tie_rule"]
    ]
    weights = pd.DataFrame(
        {
            t("scoring.col_criterion_id", lang): [
                neutralise(c.criterion_id) for c in model.criteria
            ],
            t("scoring.criterion", lang): [neutralise(c.label) for c in model.criteria],
            t("scoring.col_method", lang): [c.method for c in model.criteria],
            t("scoring.col_scale", lang): [
                c.scale_max if c.method == scoring.RATING else None for c in model.criteria
            ],
            t("scoring.col_data_weight", lang): [c.weight for c in model.criteria],
            t("scoring.col_weight_used", lang): [round(s * 100, 2) for s in model.shares],
        }
    )
    return {
        t("scoring.sheet_ranking", lang): pd.DataFrame(sheet),
        t("scoring.sheet_weights", lang): weights,
    }


def export_csv(model: Model) -> bytes:
    ranking = next(iter(export_frames(model).values()))
    return scoring.to_csv(ranking, model.state.lang)


def export_xlsx(model: Model) -> bytes:
    return scoring.to_xlsx(export_frames(model))


def file_stem(model: Model) -> str:
    prefix = "classement" if model.state.lang == "fr" else "ranking"
    return f"{prefix}-{model.evaluation}"
