"""The Gantt chart (a Vega-Lite spec, pure): tasks grouped by workstream, milestones as
diamonds, % complete inside bars, state colours, dependency links, critical
path, baseline and earlier-version ghosts, the situation date and the event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from dashboard.charts import STATE_COLOURS, STATE_MARKS, STATE_TEXT, finish_spec, text_scale
from dashboard.domain import status
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


def _midnight(day: date | None) -> str | None:
    """A day as Vega-Lite reads it (midnight), None where missing."""
    return None if day is None else day.isoformat() + "T00:00:00"


def _after(day: date | None) -> date | None:
    """The instant a day ends: a one-day task has a width."""
    return None if day is None else day + timedelta(days=1)


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

    Built row by row in plain Python: there are at most a page of bars, and pandas'
    cost per operation (about thirty of them) was most of the timeline's build.
    """
    lang = options.lang
    if bars.empty:
        return pd.DataFrame(columns=["row", "kind", "task_id"])
    percent = " %" if lang == "fr" else "%"
    has = set(bars.columns)
    rows: list[dict[str, Any]] = []
    for bar in bars.to_dict("records"):
        start, end = status.as_day(bar["start"]), status.as_day(bar["end"])
        progress = _progress(bar["progress"])
        name = str(bar["name"])
        shown = f"{format_number(progress, lang)}{percent}" if progress > 0 else ""
        state_label = t(f"state.{bar['state']}", lang)
        slip = bar["slip"]
        row: dict[str, Any] = {
            "row": f"{name} ({bar['task_id']})" if bar["name_repeated"] else name,
            "kind": bar["kind"],
            "task_id": bar["task_id"],
            "ws_rank": bar["ws_rank"],
            "workstream": bar["workstream"],
            "name": name,
            "start": _midnight(start),
            "end_at": _midnight(_after(end)),
            "start_label": format_day(start, lang, "medium") if start else "",
            "end_label": format_day(end, lang, "medium") if end else "",
            "milestone": bool(bar["milestone"]),
            "progress_end": _progress_end(start, end, progress),
            "progress_label": shown,
            # the state's mark, drawn on the bar: states told apart without colour
            "bar_label": STATE_MARKS.get(str(bar["state"]), "") + (f" {shown}" if shown else ""),
            "state_label": state_label,
            "owner": "" if status.missing(bar["owner"]) else bar["owner"],
            "critical": bool(bar["critical"]) if "critical" in has else False,
            "conflict": bar["conflict"] if isinstance(bar.get("conflict"), str) else "",
            "slip_label": _slip_label(
                None if status.missing(slip) or bar["kind"] != "task" else int(slip), lang
            ),
        }
        if options.show_baseline:
            first, last = status.as_day(bar["baseline_start"]), status.as_day(bar["baseline_end"])
            row["baseline_start"] = _midnight(first)
            row["baseline_end_at"] = _midnight(_after(last))
            row["baseline_label"] = _span_label(first, last, lang)
        if "old_start" in has:
            first, last = status.as_day(bar["old_start"]), status.as_day(bar["old_end"])
            row["previous_start"] = _midnight(first)
            row["previous_end_at"] = _midnight(_after(last))
            row["previous_label"] = _span_label(first, last, lang)
        # what a screen reader says of a bar: words and the days as planned (Vega's own
        # description would list raw fields and the bar's end instant, the day after)
        planned = row.get("baseline_label", "")
        row["description"] = (
            f"{name} · {row['start_label']} – {row['end_label']} · {state_label}"
            if row["start_label"]
            else name
        ) + (" · " + t("meeting.aria_baseline", lang, span=planned) if planned else "")
        rows.append(row)
    columns = [c for c in rows[0] if c != "ws_rank"]
    out: list[dict[str, Any]] = []
    # each workstream's header, then its bars in the order given; workstreams by rank
    for rank in sorted(dict.fromkeys(r["ws_rank"] for r in rows)):
        part = [r for r in rows if r["ws_rank"] == rank]
        header = {"row": GROUP_MARK + str(part[0]["workstream"]), "kind": "group", "task_id": None}
        out.append(header)
        out.extend(part)
    return pd.DataFrame.from_records(out, columns=columns)


def _progress(value: object) -> float:
    return 0.0 if status.missing(value) else float(value)  # type: ignore[arg-type]


def _progress_end(start: date | None, end: date | None, progress: float) -> str | None:
    """Where the bar's filled part ends: that share of its days, to the second."""
    if progress <= 0 or start is None or end is None:
        return None
    days = max((end - start).days + 1, 1)
    share = days * min(max(progress, 0.0), 100.0) / 100
    at = datetime.combine(start, time()) + timedelta(seconds=_whole_seconds(share))
    return at.isoformat()


def _whole_seconds(days: float) -> int:
    """`days` in whole seconds, rounded down the way pandas' `to_timedelta(days,
    unit="D").floor("s")` does it (nanoseconds first, then whole seconds)."""
    whole = int(days)
    nanoseconds = whole * 86_400_000_000_000 + int(round(days - whole, 9) * 86_400_000_000_000)
    return nanoseconds // 1_000_000_000


def _span_label(first: date | None, last: date | None, lang: str) -> str:
    """'17 janv. 2020 – 30 janv. 2020': the days as planned, formatted here (a
    browser would read an ISO date as UTC midnight and could show the day before)."""
    if first is None or last is None:
        return ""
    return f"{format_day(first, lang, 'medium')} – {format_day(last, lang, 'medium')}"


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
    drawn = {
        task: (row, start, end_at)
        for kind, task, row, start, end_at in zip(
            rows["kind"], rows["task_id"], rows["row"], rows["start"], rows["end_at"], strict=True
        )
        if kind == "task"
    }
    on_chain = set(itertools.pairwise(critical))
    links = [
        (drawn[a][0], drawn[b][0], drawn[a][2], drawn[b][1], (a, b) in on_chain)
        for a, b in zip(edges["from_id"], edges["to_id"], strict=True)
        if a in drawn and b in drawn
    ]
    return pd.DataFrame.from_records(links, columns=columns)


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
