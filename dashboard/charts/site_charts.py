"""Altair builders for the site page: indicator sparklines and budget bars (pure).

Every builder takes the UI language; finish top-level charts with
`charts.finish(chart, lang)` so months and euros follow it.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from dashboard.charts import alt_text
from dashboard.i18n import format_day, t

TARGET_COLOUR = "#c62828"
LINE_COLOUR = "#1565c0"
PLANNED_COLOUR = "#b0bec5"
SPENT_COLOUR = "#1565c0"
OVERSPENT_COLOUR = "#c62828"


def kpi_sparkline(series: pd.DataFrame, target: float | None, lang: str) -> alt.LayerChart:
    """A small line of one indicator's values over time, with its target as a dashed
    rule. `series` has `date` and `value`; the y scale starts at 0 and reaches the
    target, so the gap to it reads at a glance."""
    data = series[["date", "value"]].assign(date=pd.to_datetime(series["date"]))
    # the day as the language writes it ('1er avril 2020'), which Vega's formats cannot
    data = data.assign(
        day=[format_day(d.date(), lang) if pd.notna(d) else "" for d in data["date"]]
    )
    top = max([float(data["value"].max()) if not data.empty else 0.0, target or 0.0, 1.0])
    y = alt.Y(
        "value:Q",
        title=None,
        scale=alt.Scale(domain=[0, top * 1.1], nice=False),
        axis=alt.Axis(tickCount=3, grid=False),
    )
    x = alt.X("date:T", title=None, axis=alt.Axis(format="%b", tickCount="month", grid=False))
    tooltip = [
        alt.Tooltip("day:N", title=t("sites.chart_date", lang)),
        alt.Tooltip("value:Q", title=t("sites.chart_value", lang), format=",.4~f"),
    ]
    line = (
        alt.Chart(data)
        .mark_line(color=LINE_COLOUR, point=alt.OverlayMarkDef(color=LINE_COLOUR, size=30))
        .encode(x=x, y=y, tooltip=tooltip)
    )
    layers: list[alt.Chart] = [line]
    if target is not None:
        goal = pd.DataFrame({"target": [float(target)], "label": [t("sites.chart_target", lang)]})
        rule = (
            alt.Chart(goal)
            .mark_rule(color=TARGET_COLOUR, strokeDash=[4, 3])
            .encode(
                y=alt.Y("target:Q"),
                tooltip=[
                    alt.Tooltip("label:N", title=" "),
                    alt.Tooltip("target:Q", title=" ", format=",.4~f"),
                ],
            )
        )
        layers.append(rule)
    return alt.LayerChart(layer=layers).properties(height=90)


def budget_bars(lines: pd.DataFrame, label: str, lang: str) -> alt.Chart:
    """Planned vs spent bars per line (task or site), the spent bar red when it
    goes beyond the plan. `lines` has `label`, `budget_eur`, `spent_eur`."""
    planned = t("sites.budget_planned", lang)
    spent = t("sites.budget_spent", lang)
    over = t("sites.budget_overspent_bar", lang)
    rows = []
    for rec in lines.to_dict("records"):
        is_over = float(rec["spent_eur"]) > float(rec["budget_eur"])
        for measure, amount, legend in (
            ("1", rec["budget_eur"], planned),
            ("2", rec["spent_eur"], over if is_over else spent),
        ):
            rows.append(
                {
                    "line": str(rec[label]),
                    "measure": measure,
                    "amount": float(amount),
                    "legend": legend,
                    "planned": float(rec["budget_eur"]),
                    "spent": float(rec["spent_eur"]),
                }
            )
    data = pd.DataFrame(rows, columns=["line", "measure", "amount", "legend", "planned", "spent"])
    chart = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=2)
        .encode(
            y=alt.Y("line:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("measure:N", sort="ascending"),
            x=alt.X("amount:Q", title=None, axis=alt.Axis(format="$,.0f")),
            color=alt.Color(
                "legend:N",
                title=None,
                scale=alt.Scale(
                    domain=[planned, spent, over],
                    range=[PLANNED_COLOUR, SPENT_COLOUR, OVERSPENT_COLOUR],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("line:N", title=" "),
                alt.Tooltip("planned:Q", title=planned, format="$,.0f"),
                alt.Tooltip("spent:Q", title=spent, format="$,.0f"),
            ],
        )
        .properties(height=alt.Step(11))
    )
    return chart  # type: ignore[no-any-return]


def kpi_sparkline_alt(spec: dict[str, Any], kpi: str, lang: str) -> str:
    """`kpi_sparkline` in words: each reading's date and value."""
    return alt_text.describe(
        spec,
        lang,
        f"{kpi} · {t('alt.sparkline', lang)}",
        "date",
        "value",
        alt_text.number(lang, 1),
        name_fmt=alt_text.day(lang),
    )


def budget_alt(spec: dict[str, Any], lang: str) -> str:
    """`budget_bars` in words: each line's planned amount."""
    return alt_text.describe(
        spec, lang, t("alt.budget", lang), "line", "planned", alt_text.euros(lang)
    )
