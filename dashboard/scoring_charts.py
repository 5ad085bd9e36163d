"""Charts and tables for the scoring page: contribution bars with the shortlist
line, the jurors' spread, the weight stability intervals, the rank
probabilities, and the tables beside them (pure: frames in, charts and worded
frames out; every builder takes the language).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from dashboard import charts
from dashboard.i18n import format_eur, format_number, format_pct, t
from dashboard.scoring import Interval, Ranking, criterion_header

# Colour-blind-safe palette (Okabe-Ito), one colour per criterion in file order.
CRITERION_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#7F3C8D",
)
# jurors: no red, which flags disagreements
JUROR_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#000000", "#999999")
THRESHOLD_COLOUR = "#c62828"
FLAG_COLOUR = "#c62828"
CALM_COLOUR = "#90a4ae"


def project_label(rank: int | None, name: str) -> str:
    return f"{rank}. {name}" if rank is not None else f"– {name}"


def contribution_frame(ranking: Ranking, status_labels: Mapping[str, str]) -> pd.DataFrame:
    """One row per ranked project and criterion: its points, for stacked bars; the
    project's label is `rank. name · status`."""
    rows = []
    table = ranking.table
    for position, i in enumerate(ranking.ranked):
        status = status_labels.get(table.statuses[i], table.statuses[i])
        for j, crit in enumerate(table.criteria):
            rows.append(
                {
                    # the status beside the name, so that the chart alone tells it
                    "project": f"{project_label(ranking.ranks[i], table.names[i])} · {status}",
                    "position": position,
                    "criterion": crit.label,
                    "criterion_order": j,
                    "points": float(ranking.points[i, j]),
                    "total": float(ranking.totals[i]),
                    "status": status,
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "project",
            "position",
            "criterion",
            "criterion_order",
            "points",
            "total",
            "status",
        ],
    )


def contribution_bars(
    frame: pd.DataFrame,
    criteria: Sequence[str],
    threshold: float | None,
    threshold_label: str,
    lang: str,
    width: float | Literal["container"] = "container",
) -> alt.LayerChart:
    """Horizontal bars, one per project in ranked order, stacked by criterion
    contribution, with the total at the bar's end and the shortlist line."""
    order = list(frame.drop_duplicates("project").sort_values("position")["project"])
    points_title = t("scoring.points", lang)
    y = alt.Y("project:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X(
                "sum(points):Q",
                title=t("scoring.total_axis", lang),
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "criterion:N",
                title=None,
                sort=list(criteria),
                scale=alt.Scale(
                    domain=list(criteria), range=list(CRITERION_COLOURS[: len(criteria)])
                ),
                legend=alt.Legend(orient="bottom", columns=3, labelLimit=260),
            ),
            order=alt.Order("criterion_order:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=" "),
                alt.Tooltip("status:N", title=t("scoring.col_status", lang)),
                alt.Tooltip("criterion:N", title=t("scoring.criterion", lang)),
                alt.Tooltip("points:Q", format=".2f", title=points_title),
                alt.Tooltip("total:Q", format=".2f", title=t("scoring.col_total", lang)),
            ],
        )
    )
    totals = (
        alt.Chart(frame.drop_duplicates("project"))
        .mark_text(align="left", dx=4, fontSize=12)
        .encode(y=y, x="total:Q", text=alt.Text("total:Q", format=".2f"))
    )
    layers: list[Any] = [bars, totals]
    if threshold is not None:
        line = pd.DataFrame({"threshold": [threshold], "label": [threshold_label]})
        rule = alt.Chart(line).mark_rule(color=THRESHOLD_COLOUR, strokeDash=[6, 4], size=2)
        layers.append(rule.encode(x="threshold:Q", tooltip=alt.Tooltip("label:N", title=" ")))
        layers.append(
            alt.Chart(line)
            .mark_text(color=THRESHOLD_COLOUR, align="left", dx=4, dy=-6, baseline="bottom")
            .encode(x="threshold:Q", y=alt.value(0), text="label:N")
        )
    chart: alt.LayerChart = alt.LayerChart(layer=layers, height=alt.Step(30), width=width)
    return chart


def spread_frame(
    scores: pd.DataFrame,
    spread: pd.DataFrame,
    names: Mapping[str, str],
    labels: Mapping[str, str],
    scales: Mapping[str, float],
) -> pd.DataFrame:
    """Each juror's score as a share of the scale, with the project and criterion's
    min, max and disagreement flag, for `juror_spread`."""
    merged = scores.merge(
        spread[["project_id", "criterion_id", "min", "max", "flagged"]],
        on=["project_id", "criterion_id"],
        how="inner",
    )
    scale = merged["criterion_id"].map(scales).astype(float)
    return pd.DataFrame(
        {
            "project": merged["project_id"].map(names).fillna(merged["project_id"]),
            "criterion": merged["criterion_id"].map(labels).fillna(merged["criterion_id"]),
            "juror": merged["juror"].astype(str),
            "score": merged["score"].astype(float),
            "share": merged["score"].astype(float) / scale,
            "low": merged["min"].astype(float) / scale,
            "high": merged["max"].astype(float) / scale,
            "flagged": merged["flagged"].astype(bool),
        }
    )


def juror_spread(
    frame: pd.DataFrame, criteria: Sequence[str], projects: Sequence[str], lang: str
) -> alt.FacetChart:
    """Per criterion (columns) and project (rows): each juror's score as a share of
    the scale, the min-max range as a line, red where jurors disagree."""
    y = alt.Y("project:N", sort=list(projects), title=None, axis=alt.Axis(labelLimit=200))
    x = alt.X(
        "share:Q",
        title=t("scoring.share_of_scale", lang),
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format=".0%", tickCount=3),
    )
    # two rule layers rather than a colour encoding, so that colour means jurors only
    ranges = [
        alt.Chart()
        .mark_rule(size=3, color=colour)
        .encode(y=y, x=alt.X("low:Q", title=t("scoring.share_of_scale", lang)), x2="high:Q")
        .transform_filter(alt.datum.flagged if flagged else ~alt.datum.flagged)
        for flagged, colour in ((False, CALM_COLOUR), (True, FLAG_COLOUR))
    ]
    dots = (
        alt.Chart()
        .mark_point(filled=True, size=60)
        .encode(
            y=y,
            x=x,
            shape=alt.Shape("juror:N", title=None, legend=alt.Legend(orient="bottom")),
            color=alt.Color(
                "juror:N",
                title=None,
                scale=alt.Scale(range=list(JUROR_COLOURS)),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("project:N", title=" "),
                alt.Tooltip("criterion:N", title=t("scoring.criterion", lang)),
                alt.Tooltip("juror:N", title=t("scoring.col_juror", lang)),
                alt.Tooltip("score:Q", title=t("scoring.col_score", lang)),
            ],
        )
    )
    chart: alt.FacetChart = (
        alt.layer(*ranges, dots, data=frame)
        .properties(width=150, height=alt.Step(22))
        .facet(
            column=alt.Column(
                "criterion:N",
                sort=list(criteria),
                title=None,
                header=alt.Header(labelLimit=150, labelFontWeight="bold"),
            ),
            spacing=12,
        )
    )
    return chart


def stability_frame(
    intervals: Mapping[str, Sequence[Interval]], labels: Mapping[str, str]
) -> pd.DataFrame:
    """Rows: (result kept, criterion) with the interval's low, high and the weight
    now (shares)."""
    rows = []
    for kept, items in intervals.items():
        for iv in items:
            if not iv.defined:
                continue
            rows.append(
                {
                    "kept": kept,
                    "criterion": labels.get(iv.criterion_id, iv.criterion_id),
                    "low": iv.low,
                    "high": iv.high,
                    "weight": iv.weight,
                }
            )
    return pd.DataFrame(rows, columns=["kept", "criterion", "low", "high", "weight"])


def stability_intervals(frame: pd.DataFrame, criteria: Sequence[str], lang: str) -> alt.LayerChart:
    """For each criterion, the weight range within which the result holds (a bar
    per kept result) and the weight now (a black tick)."""
    y = alt.Y("criterion:N", sort=list(criteria), title=None, axis=alt.Axis(labelLimit=260))
    share_axis = alt.Axis(format=".0%")
    bars = (
        alt.Chart(frame)
        .mark_bar(height=10, opacity=0.75)
        .encode(
            y=y,
            yOffset=alt.YOffset("kept:N"),
            x=alt.X(
                "low:Q",
                title=t("scoring.weight_share", lang),
                scale=alt.Scale(domain=[0, 1]),
                axis=share_axis,
            ),
            x2="high:Q",
            color=alt.Color(
                "kept:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=300)
            ),
            tooltip=[
                alt.Tooltip("criterion:N", title=" "),
                alt.Tooltip("kept:N", title=" "),
                alt.Tooltip("low:Q", format=".1%", title=t("scoring.from", lang)),
                alt.Tooltip("high:Q", format=".1%", title=t("scoring.to", lang)),
            ],
        )
    )
    now = (
        alt.Chart(frame.drop_duplicates("criterion"))
        .mark_tick(color="black", thickness=3, size=26)
        .encode(
            y=y,
            x="weight:Q",
            tooltip=[alt.Tooltip("weight:Q", format=".1%", title=t("scoring.weight_now", lang))],
        )
    )
    chart: alt.LayerChart = alt.LayerChart(
        layer=[bars, now], height=alt.Step(34), width="container"
    )
    return chart


def probability_frame(probabilities: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form of `scoring.rank_probabilities`: project, place, share."""
    long = probabilities.reset_index().melt(
        id_vars="project_id", var_name="place", value_name="share"
    )
    return pd.DataFrame(
        {
            "project": long["project_id"].map(labels).fillna(long["project_id"]),
            "place": long["place"].astype(int),
            "share": long["share"].astype(float),
        }
    )


def rank_heatmap(frame: pd.DataFrame, projects: Sequence[str], lang: str) -> alt.LayerChart:
    """Projects (rows, in ranked order) x places (columns): how often each project
    takes each place under perturbed weights."""
    y = alt.Y("project:N", sort=list(projects), title=None, axis=alt.Axis(labelLimit=320))
    x = alt.X("place:O", title=t("scoring.place", lang), axis=alt.Axis(labelAngle=0))
    cells = (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "share:Q",
                title=t("scoring.probability", lang),
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                legend=alt.Legend(format=".0%", orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("project:N", title=" "),
                alt.Tooltip("place:O", title=t("scoring.place", lang)),
                alt.Tooltip("share:Q", format=".1%", title=t("scoring.probability", lang)),
            ],
        )
    )
    text = (
        alt.Chart(frame[frame["share"] >= 0.01])
        .mark_text(fontSize=11)
        .encode(
            y=y,
            x=x,
            text=alt.Text("share:Q", format=".0%"),
            color=alt.condition(alt.datum.share > 0.5, alt.value("white"), alt.value("black")),
        )
    )
    chart: alt.LayerChart = alt.LayerChart(
        layer=[cells, text], height=alt.Step(26), width="container"
    )
    return chart


def to_png(chart: alt.TopLevelMixin, lang: str, width: int = 900, scale: float = 2.0) -> bytes:
    """The chart as a PNG, rendered locally by vl-convert (no outside request)."""
    import vl_convert

    finished = charts.finish(chart.properties(width=width), lang)
    spec = finished.to_dict()
    png: bytes = vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[])
    return png


# --- tables: frames shaped and worded for the screen (numbers as the locale writes them)


def _number(value: float, lang: str, digits: int = 2) -> str:
    return "—" if pd.isna(value) else format_number(float(value), lang, digits)


def _share(value: float, lang: str) -> str:
    return "—" if pd.isna(value) else format_pct(round(float(value), 3), lang)


def ranking_table(
    ranking: Ranking,
    lang: str,
    status_labels: Mapping[str, str],
    tie_labels: Mapping[str, str],
    shortlisted: Sequence[int],
    prices: Sequence[float | None] | None = None,
) -> pd.DataFrame:
    """The ranking as the page shows it: rank, project, status, [price], points per
    criterion (the header says the weight used), total, shortlist mark, the tie
    rule that placed a project behind an equal total, and what is missing."""
    table = ranking.table
    labels = {c.criterion_id: c.label for c in table.criteria}
    chosen = set(shortlisted)
    rows = []
    for i in ranking.order:
        row: dict[str, object] = {
            t("scoring.col_rank", lang): ranking.ranks[i],
            t("scoring.col_project", lang): table.names[i],
            t("scoring.col_status", lang): status_labels.get(table.statuses[i], ""),
        }
        if prices is not None:
            price = prices[i]
            row[t("scoring.col_price", lang)] = (
                "—" if price is None or pd.isna(price) else format_eur(float(price), lang)
            )
        for j, crit in enumerate(table.criteria):
            header = criterion_header(crit, float(ranking.weights[j]), lang)
            row[header] = _number(ranking.points[i, j], lang)
        row[t("scoring.col_total", lang)] = _number(ranking.totals[i], lang)
        row[t("scoring.col_shortlist", lang)] = "✔" if i in chosen else ""
        rule = ranking.tie_rule[i]
        row[t("scoring.col_tie", lang)] = tie_labels.get(rule, "") if rule else ""
        row[t("scoring.col_missing", lang)] = ", ".join(labels[c] for c in table.missing(i))
        rows.append(row)
    frame = pd.DataFrame(rows)
    if rows:
        frame[t("scoring.col_rank", lang)] = frame[t("scoring.col_rank", lang)].astype("Int64")
    return frame


def stability_table(
    winner: Sequence[Interval],
    top: Sequence[Interval],
    keep: int,
    labels: Mapping[str, str],
    names: Mapping[str, str],
    lang: str,
) -> pd.DataFrame:
    """Per criterion: its weight now, the range within which the first place holds
    and who would take it beyond, and the range for the top `keep` when given."""
    top_by = {iv.criterion_id: iv for iv in top}
    rows = []
    for iv in winner:
        row = {
            t("scoring.criterion", lang): labels.get(iv.criterion_id, iv.criterion_id),
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
    return pd.DataFrame(rows)


def disagreement_table(
    flagged: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The flagged rows of `scoring.juror_spread`, worded."""
    return pd.DataFrame(
        {
            t("scoring.col_project", lang): flagged["project_id"].map(names),
            t("scoring.criterion", lang): flagged["criterion_id"].map(labels),
            t("scoring.col_min", lang): [_number(v, lang, 1) for v in flagged["min"]],
            t("scoring.col_max", lang): [_number(v, lang, 1) for v in flagged["max"]],
            t("scoring.col_std", lang): [_number(v, lang, 2) for v in flagged["std"]],
            t("scoring.col_range", lang): [_share(v, lang) for v in flagged["range_share"]],
        }
    )


def juror_ranking_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`scoring.juror_rankings` with worded headers (jurors' names stay as data)."""
    return frame.drop(columns=["project_id"]).rename(
        columns={
            "name": t("scoring.col_project", lang),
            "rank": t("scoring.col_aggregate", lang),
        }
    )


def comments_table(
    scores: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The jurors' comments with their project, criterion, juror and score."""
    kept = scores.dropna(subset=["comment"])
    return pd.DataFrame(
        {
            t("scoring.col_project", lang): kept["project_id"].map(names),
            t("scoring.criterion", lang): kept["criterion_id"].map(labels),
            t("scoring.col_juror", lang): kept["juror"],
            t("scoring.col_score", lang): [_number(v, lang, 1) for v in kept["score"]],
            t("scoring.col_comment", lang): kept["comment"],
        }
    )
