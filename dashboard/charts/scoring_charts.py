"""Charts for the scoring page: contribution bars with the computed top-k line,
the jurors' spread, the weight stability intervals, the rank probabilities (pure:
the model's frames in, charts out; every builder takes the language).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import altair as alt
import pandas as pd

from dashboard.charts import alt_text, label_font, label_limit
from dashboard.i18n import t

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


def _names_axis(widest: int, facet: bool = False) -> alt.Axis:
    """The names' axis: as wide as `widest` on a large screen, narrower on a phone
    (the tooltips give the whole name), in legible type."""
    return alt.Axis(labelLimit=label_limit(widest, resize=not facet), labelFontSize=label_font())


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
    y = alt.Y("project:N", sort=order, title=None, axis=_names_axis(320))
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
                legend=alt.Legend(
                    orient="bottom",
                    columns=3,
                    labelLimit=label_limit(260, share=0.22, narrowest=70),
                ),
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
        .encode(y=y, x=alt.X("total:Q"), text=alt.Text("total:Q", format=".2f"))
    )
    layers: list[Any] = [bars, totals]
    if threshold is not None:
        line = pd.DataFrame({"threshold": [threshold], "label": [threshold_label]})
        rule = alt.Chart(line).mark_rule(color=THRESHOLD_COLOUR, strokeDash=[6, 4], size=2)
        layers.append(
            rule.encode(x=alt.X("threshold:Q"), tooltip=alt.Tooltip("label:N", title=" "))
        )
        top = alt.YValue(0)  # type: ignore[no-untyped-call]  # Altair leaves it untyped
        layers.append(
            alt.Chart(line)
            .mark_text(color=THRESHOLD_COLOUR, align="left", dx=4, dy=-6, baseline="bottom")
            .encode(x=alt.X("threshold:Q"), y=top, text=alt.Text("label:N"))
        )
    chart: alt.LayerChart = alt.LayerChart(layer=layers, height=alt.Step(30), width=width)
    return chart


def juror_spread(
    frame: pd.DataFrame, criteria: Sequence[str], projects: Sequence[str], lang: str
) -> alt.FacetChart:
    """Per criterion (columns) and project (rows): each juror's score as a share of
    the scale, the min-max range as a line, red where jurors disagree."""
    y = alt.Y("project:N", sort=list(projects), title=None, axis=_names_axis(200, facet=True))
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
        .encode(y=y, x=alt.X("low:Q", title=t("scoring.share_of_scale", lang)), x2=alt.X2("high:Q"))
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


def stability_intervals(frame: pd.DataFrame, criteria: Sequence[str], lang: str) -> alt.LayerChart:
    """For each criterion, the weight range within which the result holds (a bar
    per kept result) and the weight now (a black tick)."""
    y = alt.Y("criterion:N", sort=list(criteria), title=None, axis=_names_axis(260))
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
            x2=alt.X2("high:Q"),
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
            x=alt.X("weight:Q"),
            tooltip=[alt.Tooltip("weight:Q", format=".1%", title=t("scoring.weight_now", lang))],
        )
    )
    chart: alt.LayerChart = alt.LayerChart(
        layer=[bars, now], height=alt.Step(34), width="container"
    )
    return chart


def rank_heatmap(frame: pd.DataFrame, projects: Sequence[str], lang: str) -> alt.LayerChart:
    """Projects (rows, in ranked order) x places (columns): how often each project
    takes each place under perturbed weights."""
    y = alt.Y("project:N", sort=list(projects), title=None, axis=_names_axis(320))
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
            color=alt.ColorValue(
                "black", condition={"test": "(datum.share > 0.5)", "value": "white"}
            ),
        )
    )
    chart: alt.LayerChart = alt.LayerChart(
        layer=[cells, text], height=alt.Step(26), width="container"
    )
    return chart


def contribution_alt(spec: dict[str, Any], lang: str) -> str:
    """`contribution_bars` in words: each project and its total."""
    return alt_text.describe(
        spec, lang, t("alt.contribution", lang), "project", "total", alt_text.number(lang, 2)
    )


def juror_spread_alt(spec: dict[str, Any], lang: str) -> str:
    """`juror_spread` in words: the projects it shows."""
    return alt_text.describe(spec, lang, t("alt.jurors", lang), "project")


def stability_intervals_alt(spec: dict[str, Any], lang: str) -> str:
    """`stability_intervals` in words: the criteria it shows."""
    return alt_text.describe(spec, lang, t("alt.intervals", lang), "criterion")


def rank_heatmap_alt(spec: dict[str, Any], lang: str) -> str:
    """`rank_heatmap` in words: the projects it shows."""
    return alt_text.describe(spec, lang, t("alt.probabilities", lang), "project")
