"""Altair chart builders: DataFrame in, chart out (pure, testable).

Every builder takes the UI language so that axes, numbers and month names
follow it (French: "avril", "42 %").

Encodings are written as Altair's channel classes (`alt.X("start:Q")`,
`alt.OpacityValue(1, condition=...)`), not as shorthand strings, `alt.value` or
`alt.condition`: Altair turns each of those into a channel through its schema, a
few milliseconds every time. Parts of a layer that share a frame get it from the
layer (`alt.layer(a, b, data=frame)`): given to each part, Altair hashes the
frame through its text form to move it up.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import altair as alt
import pandas as pd

from dashboard.i18n import t

# Okabe & Ito's colour-blind-safe palette (grey for what was cancelled); each state
# also has its mark, drawn on its bars and in the legend, so colour is never the
# only way to tell states apart.
STATE_COLOURS = {
    "done": "#009E73",
    "on_track": "#0072B2",
    "at_risk": "#E69F00",
    "late": "#D55E00",
    "blocked": "#CC79A7",
    "cancelled": "#BBBBBB",
    "planned": "#56B4E9",
}
STATE_MARKS = {
    "done": "✓",
    "on_track": "→",
    "at_risk": "△",
    "late": "!",
    "blocked": "■",
    "cancelled": "×",
    "planned": "○",
}
# WCAG 2 asks 4.5:1 for text; a label inside a bar takes black or white, whichever
# contrasts more with the bar (tested for every state).
MIN_TEXT_CONTRAST = 4.5


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""
    code = colour.lstrip("#")
    channels = [int(code[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def ink(colour: str, background: str = "#ffffff") -> str:
    """`colour` darkened until text in it reaches 4.5:1 on `background` (state
    names written in their colour, in the pack's tables)."""
    code = colour.lstrip("#")
    rgb = [int(code[i : i + 2], 16) for i in (0, 2, 4)]
    out = colour
    while contrast(out, background) < MIN_TEXT_CONTRAST:
        rgb = [int(c * 0.9) for c in rgb]
        out = "#" + "".join(f"{c:02x}" for c in rgb)
    return out


STATE_TEXT = {state: text_on(colour) for state, colour in STATE_COLOURS.items()}
STATE_INK = {state: ink(colour) for state, colour in STATE_COLOURS.items()}

_FR_TIME = {
    "dateTime": "%A %e %B %Y à %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    "months": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "shortMonths": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}
_FR_NUMBER = {
    "decimal": ",",
    "thousands": "\u202f",
    "grouping": [3],
    "currency": ["", "\u00a0€"],
    "percent": "\u202f%",
}
_EN_TIME = {
    "dateTime": "%a %e %b %Y %X",
    "date": "%d/%m/%Y",
    "time": "%H:%M:%S",
    "periods": ["AM", "PM"],
    "days": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
    "shortDays": ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    "months": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "shortMonths": [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ],
}
_EN_NUMBER = {
    "decimal": ".",
    "thousands": ",",
    "grouping": [3],
    "currency": ["€", ""],
    "percent": "%",
}


def vega_locale(lang: str) -> dict[str, Any]:
    """Vega's number and time format locale for the UI language."""
    if lang == "en":
        return {"number": _EN_NUMBER, "time": _EN_TIME}
    return {"number": _FR_NUMBER, "time": _FR_TIME}


# How much larger chart text is drawn: 1 normally, more on a projector. Set for
# each script run by the shell; builders read it through `font_config()`.
text_scale: ContextVar[float] = ContextVar("text_scale", default=1.0)


def font_config() -> dict[str, Any]:
    """Vega-Lite config for the text sizes of axes, legends and titles."""
    k = text_scale.get()
    if k == 1.0:
        return {}
    return {
        "axis": {"labelFontSize": round(11 * k), "titleFontSize": round(12 * k)},
        "legend": {"labelFontSize": round(11 * k), "titleFontSize": round(12 * k)},
        "header": {"labelFontSize": round(12 * k), "titleFontSize": round(13 * k)},
        "title": {"fontSize": round(14 * k)},
        "text": {"fontSize": round(11 * k)},
    }


# Axis labels never smaller than this (pixels), on a phone or in print.
MIN_LABEL_PX = 11


def label_limit(
    widest: int, share: float = 0.35, narrowest: int = 90, resize: bool = True
) -> alt.ExprRef:
    """A label column's width that follows the chart's container: at most `widest`
    pixels, `share` of a narrow screen's width (a phone's 390 px keep about 120 for
    the names, the rest for the bars), never below `narrowest`. Longer names end
    with "…" and read whole in the tooltip. The `width` term only makes Vega
    recompute it when the chart is resized; the value does not depend on it (a
    facet has no `width` signal: `resize=False`)."""
    fitted = (
        f"(containerSize()[0] > 0 ? "
        f"clamp(containerSize()[0] * {share}, {narrowest}, {widest}) : {widest})"
    )
    return alt.ExprRef(expr=f"0 * width + {fitted}" if resize else fitted)


def label_font() -> int:
    """Axis label size of the moment: 12 px, larger on a projector."""
    return max(MIN_LABEL_PX, round(12 * text_scale.get()))


def finish(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """The chart with the language's locale, so month names and numbers follow it,
    and the text size of the moment (larger on a projector)."""
    configured: alt.TopLevelMixin = chart.configure(locale=vega_locale(lang), **font_config())
    return configured.configure_view(stroke=None)  # type: ignore[no-any-return]


def finish_spec(spec: dict[str, Any], lang: str) -> dict[str, Any]:
    """`finish` for a spec already written: the language's locale and the text size
    of the moment added to its config, without rebuilding it."""
    config = {**spec.get("config", {}), "locale": vega_locale(lang), **font_config()}
    config["view"] = {**config.get("view", {}), "stroke": None}
    return {**spec, "config": config}


def progress_by_group(frame: pd.DataFrame, group: str, lang: str) -> alt.Chart:
    """Horizontal bars of duration-weighted progress (0-100) per group, state-coloured.

    `frame` has columns `group`, `progress` (0-100) and `state`.
    """
    data = frame.assign(
        share=frame["progress"].astype(float) / 100.0,
        state_label=[t(f"state.{s}", lang) for s in frame["state"]],
    )
    domain = [t(f"state.{s}", lang) for s in STATE_COLOURS]
    chart = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y(f"{group}:N", title=None, sort=None),
            x=alt.X(
                "share:Q",
                title=t("overview.progress", lang),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color(
                "state_label:N",
                title=None,
                scale=alt.Scale(domain=domain, range=list(STATE_COLOURS.values())),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip(f"{group}:N", title=" "),
                alt.Tooltip("share:Q", format=".0%", title=t("overview.progress", lang)),
                alt.Tooltip("state_label:N", title=" "),
            ],
        )
        .properties(height=alt.Step(34))
    )
    return chart  # type: ignore[no-any-return]


def progress_alt(spec: dict[str, Any], group: str, lang: str) -> str:
    """`progress_by_group` in words: each group and its share done."""
    from dashboard.charts import alt_text

    return alt_text.describe(
        spec, lang, t("alt.progress", lang), group, "share", alt_text.percent(lang)
    )
