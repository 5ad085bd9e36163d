"""The Gantt chart (a Vega-Lite spec, pure): tasks grouped by workstream, milestones as
diamonds, % complete inside bars, state colours, dependency links, critical
path, baseline and earlier-version ghosts, the situation date and the event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard.charts import STATE_COLOURS, STATE_MARKS, STATE_TEXT, finish_spec, text_scale
from dashboard.i18n import format_day, format_number, t

ROW_HEIGHT = 24
GROUP_MARK = "▾ "


@dataclass(frozen=True)
class GanttOptions:
    lang: str = "fr"
    situation: date | None = None
    window: tuple[date, date] | None = None
    event: tuple[str, date, date] | None = None  # label, start, end
    show_baseline: bool = True
    show_links: bool = True


def _iso(days: pd.Series) -> list[str | None]:
    """Dates as Vega-Lite reads them (midnight), None where missing."""
    stamps = pd.to_datetime(days)
    return [None if pd.isna(d) else d.strftime("%Y-%m-%dT00:00:00") for d in stamps]


def _days(values: pd.Series) -> list[date | None]:
    return [None if pd.isna(d) else d.date() for d in pd.to_datetime(values)]


def tick_interval(window: tuple[date, date] | None) -> Any:
    """A tick a month, or fewer on a long window: never more than about 24 ticks
    and grid lines, whatever the window (drawing them is most of a chart's cost)."""
    if window is None:
        return "month"
    months = (window[1].year - window[0].year) * 12 + window[1].month - window[0].month
    if months <= 24:
        return "month"
    if months <= 72:
        return {"interval": "month", "step": 3}
    return {"interval": "year", "step": max(1, months // 12 // 24 + 1)}


def gantt_rows(bars: pd.DataFrame, options: GanttOptions) -> pd.DataFrame:
    """One row per drawn line: a header per workstream, then its bars in time order.

    `bars` are the rows `sql/queries/timeline_rows.sql` returns, already in draw
    order and bounded (a page of tasks and one summary per collapsed workstream),
    with `critical` and, when a version is compared, `old_start` / `old_end`. Only
    the columns the chart draws are kept.
    """
    lang = options.lang
    if bars.empty:
        return pd.DataFrame(columns=["row", "kind", "task_id"])
    start = pd.to_datetime(bars["start"])
    end = pd.to_datetime(bars["end"])
    after = end + pd.Timedelta(days=1)  # the instant a day ends: a one-day task has a width
    duration = (after - start).dt.days.clip(lower=1)
    progress = bars["progress"].astype(float).fillna(0.0)
    progress_end = (
        start + pd.to_timedelta(duration * progress.clip(0, 100) / 100, unit="D")
    ).dt.floor("s")
    names = bars["name"].astype(str)
    rows = pd.DataFrame(
        {
            "row": names.where(~bars["name_repeated"], names + " (" + bars["task_id"] + ")"),
            "kind": bars["kind"],
            "task_id": bars["task_id"],
            "ws_rank": bars["ws_rank"],
            "workstream": bars["workstream"],
            "name": names,
            "start": _iso(start),
            "end_at": _iso(after),
            "start_label": [format_day(d, lang, "medium") if d else "" for d in _days(start)],
            "end_label": [format_day(d, lang, "medium") if d else "" for d in _days(end)],
            "milestone": bars["milestone"].astype(bool),
            "progress_end": [
                p.isoformat() if f > 0 and not pd.isna(p) else None
                for p, f in zip(progress_end, progress, strict=True)
            ],
            "progress_label": [
                (format_number(f, lang) + (" %" if lang == "fr" else "%")) if f > 0 else ""
                for f in progress
            ],
            # the state's mark, drawn on the bar: states told apart without colour
            "bar_label": [
                STATE_MARKS.get(str(s), "")
                + (
                    (" " + format_number(f, lang) + (" %" if lang == "fr" else "%"))
                    if f > 0
                    else ""
                )
                for s, f in zip(bars["state"], progress, strict=True)
            ],
            "state_label": [t(f"state.{s}", lang) for s in bars["state"]],
            "owner": bars["owner"].fillna(""),
            "critical": bars["critical"].astype(bool) if "critical" in bars else False,
            "conflict": [c if isinstance(c, str) else "" for c in bars["conflict"]]
            if "conflict" in bars
            else "",
            "slip_label": [
                _slip_label(None if pd.isna(d) or k != "task" else int(d), lang)
                for d, k in zip(bars["slip"], bars["kind"], strict=True)
            ],
        }
    )
    if options.show_baseline:
        rows["baseline_start"] = _iso(bars["baseline_start"])
        rows["baseline_end_at"] = _iso(pd.to_datetime(bars["baseline_end"]) + pd.Timedelta(days=1))
        rows["baseline_label"] = _span_labels(bars["baseline_start"], bars["baseline_end"], lang)
    if "old_start" in bars:
        rows["previous_start"] = _iso(bars["old_start"])
        rows["previous_end_at"] = _iso(pd.to_datetime(bars["old_end"]) + pd.Timedelta(days=1))
        rows["previous_label"] = _span_labels(bars["old_start"], bars["old_end"], lang)
    # what a screen reader says of a bar: words and the days as planned (Vega's own
    # description would list raw fields and the bar's end instant, the day after)
    planned = rows["baseline_label"] if "baseline_label" in rows else [""] * len(rows)
    rows["description"] = [
        (f"{name} · {first} – {last} · {state}" if first else str(name))
        + (" · " + t("meeting.aria_baseline", lang, span=base) if base else "")
        for name, first, last, state, base in zip(
            rows["name"],
            rows["start_label"],
            rows["end_label"],
            rows["state_label"],
            planned,
            strict=True,
        )
    ]
    firsts = rows.drop_duplicates("ws_rank")
    headers = pd.DataFrame(
        {
            "row": GROUP_MARK + firsts["workstream"].astype(str),
            "kind": "group",
            "task_id": None,
            "ws_rank": firsts["ws_rank"],
        }
    )
    out = pd.concat([headers, rows], ignore_index=True)
    out["_header"] = out["kind"] == "group"
    out["_at"] = list(range(-len(headers), 0)) + list(range(len(rows)))
    out = out.sort_values(["ws_rank", "_header", "_at"], ascending=[True, False, True])
    return out.drop(columns=["_header", "_at", "ws_rank"]).reset_index(drop=True)


def _span_labels(starts: pd.Series, ends: pd.Series, lang: str) -> list[str]:
    """'17 janv. 2020 – 30 janv. 2020' per row: the days as planned, formatted here
    (a browser would read an ISO date as UTC midnight and could show the day before)."""
    out = []
    for first, last in zip(_days(starts), _days(ends), strict=True):
        if first is None or last is None:
            out.append("")
        else:
            out.append(f"{format_day(first, lang, 'medium')} – {format_day(last, lang, 'medium')}")
    return out


def _slip_label(days: int | None, lang: str) -> str:
    if not days:
        return ""
    unit = " j" if lang == "fr" else " d"
    return f"{days:+d}{unit}"


def link_rows(edges: pd.DataFrame, rows: pd.DataFrame, critical: Iterable[str]) -> pd.DataFrame:
    """Dependency links between drawn tasks, from the end of a predecessor to the
    start of its task (`edges`: from_id, to_id as `task_links` returns them)."""
    columns = ["from_row", "to_row", "from_at", "to_at", "critical"]
    if rows.empty or edges.empty:
        return pd.DataFrame(columns=columns)
    drawn = rows[rows["kind"] == "task"].set_index("task_id")[["row", "start", "end_at"]]
    keep = edges[edges["from_id"].isin(drawn.index) & edges["to_id"].isin(drawn.index)]
    chain = list(critical)
    on_chain = set(itertools.pairwise(chain))
    pred = drawn.loc[keep["from_id"]]
    succ = drawn.loc[keep["to_id"]]
    return pd.DataFrame(
        {
            "from_row": pred["row"].to_numpy(),
            "to_row": succ["row"].to_numpy(),
            "from_at": pred["end_at"].to_numpy(),
            "to_at": succ["start"].to_numpy(),
            "critical": [
                (a, b) in on_chain for a, b in zip(keep["from_id"], keep["to_id"], strict=True)
            ],
        },
        columns=columns,
    )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: missing values as null."""
    clean = frame.astype(object).where(pd.notna(frame), None)
    return [{str(k): v for k, v in r.items()} for r in clean.to_dict("records")]


def gantt_spec(rows: pd.DataFrame, links: pd.DataFrame, options: GanttOptions) -> dict[str, Any]:
    """The whole Gantt as one layered Vega-Lite spec, with the language's locale,
    from the rows `gantt_rows` made and the links `link_rows` made.

    Written as a plain spec rather than through Altair's objects: with a dozen
    layers, Altair's schema work costs half a second per draw, this costs a
    few milliseconds, and the page stays as quick as the overview.
    """
    lang = options.lang
    scale = text_scale.get()

    def z(size: float) -> int:
        """A size in pixels, larger on a projector."""
        return round(size * scale)

    order = list(rows["row"]) if not rows.empty else []
    # the headers are only rows of the axis; kind and ids are not drawn
    bars = (
        rows[rows["kind"] != "group"].drop(columns=["kind", "task_id"]) if not rows.empty else rows
    )
    if not options.show_links:
        links = links.iloc[0:0]

    x_scale: dict[str, Any] = {}
    if options.window is not None:
        x_scale["domain"] = [
            options.window[0].isoformat() + "T00:00:00",
            options.window[1].isoformat() + "T00:00:00",
        ]
    x_axis = {
        "format": "%b %Y",
        "orient": "top",
        "title": None,
        "grid": True,
        "tickCount": tick_interval(options.window),
    }

    def x(field: str) -> dict[str, Any]:
        return {"field": field, "type": "temporal", "scale": x_scale, "axis": x_axis}

    y_axis = {
        "labelLimit": 320,
        "labelFontWeight": {
            "condition": {
                "test": f"indexof(datum.value, '{GROUP_MARK.strip()}') == 0",
                "value": "bold",
            },
            "value": "normal",
        },
        "ticks": False,
        "domain": False,
        "title": None,
    }

    def y(field: str = "row") -> dict[str, Any]:
        return {
            "field": field,
            "type": "nominal",
            "sort": order,
            "scale": {"domain": order},
            "axis": y_axis,
            "title": None,
        }

    state_names = [t(f"state.{s}", lang) for s in STATE_COLOURS]
    marked = {
        name: f"{STATE_MARKS[s]} {name}" for s, name in zip(STATE_COLOURS, state_names, strict=True)
    }
    colour = {
        "field": "state_label",
        "type": "nominal",
        "title": None,
        "scale": {"domain": state_names, "range": list(STATE_COLOURS.values())},
        "legend": {
            "orient": "bottom",
            "direction": "horizontal",
            "title": None,
            # the legend shows each state's mark, as its bars do
            "labelExpr": f"({json.dumps(marked)})[datum.label] || datum.label",
        },
    }
    # the label inside a bar: black or white, whichever reads at 4.5:1 on the bar
    label_colour = {
        "field": "state_label",
        "type": "nominal",
        "scale": {"domain": state_names, "range": [STATE_TEXT[s] for s in STATE_COLOURS]},
        "legend": None,
    }
    tooltip = [
        {"field": field, "type": "nominal", "title": t(f"timeline.{key}", lang)}
        for field, key in (
            ("name", "task"),
            ("workstream", "workstream"),
            ("start_label", "start"),
            ("end_label", "end"),
            ("progress_label", "progress"),
            ("state_label", "state"),
            ("owner", "owner"),
            ("slip_label", "slip"),
        )
    ]
    critical_stroke = {"condition": {"test": "datum.critical", "value": "#111111"}, "value": None}

    def layer(
        data: str, mark: dict[str, Any], encoding: dict[str, Any], where: str | None = None
    ) -> dict[str, Any]:
        # marks stop at the plot's edge: a zoomed-in window must not draw bars over
        # the task names
        out: dict[str, Any] = {
            "data": {"name": data},
            # a mark without a tooltip in words shows none (never raw field names)
            "mark": {
                **mark,
                "clip": True,
                **({} if "tooltip" in encoding else {"tooltip": None}),
                # only the described marks speak to a screen reader (no raw field names)
                **({} if "description" in encoding else {"aria": False}),
            },
            "encoding": encoding,
        }
        if where:
            out["transform"] = [{"filter": where}]
        return out

    datasets: dict[str, list[dict[str, Any]]] = {"rows": _records(bars)}
    layers: list[dict[str, Any]] = []
    if options.event is not None:
        label, start, end = options.event
        datasets["event"] = [
            {
                "start": start.isoformat() + "T00:00:00",
                "end_at": (end + timedelta(days=1)).isoformat() + "T00:00:00",
                "label": label,
            }
        ]
        layers.append(
            layer(
                "event",
                {"type": "rect", "color": "#111111", "opacity": 0.08},
                {"x": x("start"), "x2": {"field": "end_at"}},
            )
        )
        layers.append(
            layer(
                "event",
                {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 4,
                    "dy": 4,
                    "fontWeight": "bold",
                    "color": "#111111",
                },
                {"x": x("start"), "y": {"value": 2}, "text": {"field": "label", "type": "nominal"}},
            )
        )
    if not bars.empty:
        if options.show_baseline:
            layers.append(
                layer(
                    "rows",
                    {
                        "type": "bar",
                        "height": z(4),
                        "yOffset": z(9),
                        "color": "#9e9e9e",
                        "opacity": 0.9,
                    },
                    {
                        "x": x("baseline_start"),
                        "x2": {"field": "baseline_end_at"},
                        "y": y(),
                        "tooltip": [
                            {"field": "name", "type": "nominal", "title": t("timeline.task", lang)},
                            {
                                "field": "baseline_label",
                                "type": "nominal",
                                "title": t("timeline.baseline", lang),
                            },
                        ],
                    },
                    "datum.baseline_start != null",
                )
            )
        if "previous_start" in bars:
            layers.append(
                layer(
                    "rows",
                    {
                        "type": "bar",
                        "filled": False,
                        "stroke": "#111111",
                        "strokeDash": [3, 2],
                        "strokeWidth": 1,
                        "height": z(16),
                    },
                    {
                        "x": x("previous_start"),
                        "x2": {"field": "previous_end_at"},
                        "y": y(),
                        "tooltip": [
                            {"field": "name", "type": "nominal", "title": t("timeline.task", lang)},
                            {
                                "field": "previous_label",
                                "type": "nominal",
                                "title": t("meeting.previous_plan", lang),
                            },
                        ],
                    },
                    "datum.previous_start != null",
                )
            )
        if not links.empty:
            datasets["links"] = _records(links)
            layers.append(
                layer(
                    "links",
                    {"type": "rule", "opacity": 0.55},
                    {
                        "x": x("from_at"),
                        "x2": {"field": "to_at"},
                        "y": y("from_row"),
                        "y2": {"field": "to_row"},
                        "color": {
                            "condition": {"test": "datum.critical", "value": "#111111"},
                            "value": "#9e9e9e",
                        },
                        "strokeWidth": {
                            "condition": {"test": "datum.critical", "value": 2},
                            "value": 1,
                        },
                    },
                )
            )
        layers.append(
            layer(
                "rows",
                {"type": "bar", "height": z(14), "cornerRadius": 2},
                {
                    "x": x("start"),
                    "x2": {"field": "end_at"},
                    "y": y(),
                    "color": colour,
                    "stroke": critical_stroke,
                    "strokeWidth": {
                        "condition": {"test": "datum.critical", "value": 2.5},
                        "value": 0,
                    },
                    "tooltip": tooltip,
                    "description": {"field": "description", "type": "nominal"},
                },
                "!datum.milestone",
            )
        )
        # a task that starts before a task it depends on ends: outlined in red
        layers.append(
            layer(
                "rows",
                {
                    "type": "bar",
                    "filled": False,
                    "stroke": "#c62828",
                    "strokeDash": [4, 2],
                    "strokeWidth": 2,
                    "height": z(20),
                },
                {
                    "x": x("start"),
                    "x2": {"field": "end_at"},
                    "y": y(),
                    "tooltip": [
                        {
                            "field": "conflict",
                            "type": "nominal",
                            "title": t("meeting.dependency_title", lang),
                        }
                    ],
                },
                "datum.conflict != null && datum.conflict != ''",
            )
        )
        layers.append(
            layer(
                "rows",
                {
                    # the progress strip along the bar's bottom edge, clear of its label
                    "type": "bar",
                    "height": z(3),
                    "yOffset": z(5.5),
                    "color": "#111111",
                    "opacity": 0.6,
                },
                {"x": x("start"), "x2": {"field": "progress_end"}, "y": y(), "tooltip": tooltip},
                "!datum.milestone && datum.progress_end != null",
            )
        )
        layers.append(
            layer(
                "rows",
                {
                    "type": "text",
                    "align": "left",
                    "dx": 4,
                    "fontSize": z(10),
                    "fontWeight": "bold",
                },
                {
                    "x": x("start"),
                    "y": y(),
                    "text": {"field": "bar_label", "type": "nominal"},
                    "color": label_colour,
                },
                "!datum.milestone",
            )
        )
        layers.append(
            layer(
                "rows",
                {
                    "type": "point",
                    "shape": "diamond",
                    "filled": True,
                    "size": z(170 * scale),
                    "opacity": 1,
                },
                {
                    "x": x("start"),
                    "y": y(),
                    "color": colour,
                    "stroke": {
                        "condition": {"test": "datum.critical", "value": "#111111"},
                        "value": "white",
                    },
                    "strokeWidth": {"value": 1.5},
                    "tooltip": tooltip,
                    "description": {"field": "description", "type": "nominal"},
                },
                "datum.milestone",
            )
        )
        layers.append(
            layer(
                "rows",
                {"type": "text", "align": "left", "dx": 6, "fontSize": z(10), "color": "#c62828"},
                {"x": x("end_at"), "y": y(), "text": {"field": "slip_label", "type": "nominal"}},
                "datum.slip_label != ''",
            )
        )
    if options.situation is not None:
        datasets["today"] = [
            {
                "at": options.situation.isoformat() + "T12:00:00",
                "label": format_day(options.situation, lang, "medium"),
            }
        ]
        layers.append(
            layer(
                "today",
                {"type": "rule", "color": "#c62828", "strokeWidth": 2, "strokeDash": [6, 3]},
                {"x": x("at")},
            )
        )
        layers.append(
            layer(
                "today",
                {
                    "type": "text",
                    "align": "left",
                    "dx": 4,
                    "dy": 18,
                    "baseline": "top",
                    "color": "#c62828",
                    "fontWeight": "bold",
                },
                {
                    "x": x("at"),
                    "y": {"value": 0},
                    "text": {"field": "label", "type": "nominal"},
                },
            )
        )
    if bars.empty:  # an empty plan still needs a y field for its row height
        datasets["rows"] = []
        layers.append(layer("rows", {"type": "bar"}, {"y": y()}))
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # a fixed height per row: a total height would be shared with the axis and
        # the legend, squeezing the rows of a short plan
        "height": {"step": z(ROW_HEIGHT)},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": datasets,
        "layer": layers,
    }
    return finish_spec(spec, lang)


def agenda(rows: pd.DataFrame, lang: str) -> list[tuple[str, list[str]]]:
    """The Gantt as an agenda for a narrow screen: per workstream, one line per row
    (name, state with its mark, dates, progress, slip), in the Gantt's order.
    Plain text from data: the page escapes it."""
    out: list[tuple[str, list[str]]] = []
    if rows.empty or "name" not in rows:
        return out
    marks = {t(f"state.{s}", lang): STATE_MARKS[s] for s in STATE_MARKS}
    for _, row in rows[rows["kind"] != "group"].iterrows():
        workstream = str(row["workstream"])
        if not out or out[-1][0] != workstream:
            out.append((workstream, []))
        state = str(row["state_label"])
        dates = (
            str(row["start_label"])
            if bool(row["milestone"])
            else f"{row['start_label']} → {row['end_label']}"
        )
        parts = [f"{marks.get(state, '')} {state}".strip(), dates]
        if row["progress_label"] and not bool(row["milestone"]):
            parts.append(str(row["progress_label"]))
        if row["slip_label"]:
            parts.append(str(row["slip_label"]))
        out[-1][1].append(f"{row['name']} · " + " · ".join(parts))
    return out
