"""The Gantt chart (a Vega-Lite spec, pure): tasks grouped by workstream, milestones as
diamonds, % complete inside bars, state colours, dependency links, critical
path, baseline and earlier-version ghosts, the situation date and the event.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from dashboard import status, timeline
from dashboard.charts import STATE_COLOURS, font_config, text_scale, vega_locale
from dashboard.i18n import format_day, format_number, t

ROW_HEIGHT = 24
GROUP_MARK = "▾ "


@dataclass
class GanttOptions:
    lang: str = "fr"
    situation: date | None = None
    window: tuple[date, date] | None = None
    event: tuple[str, date, date] | None = None  # label, start, end
    critical: Iterable[str] = ()
    show_baseline: bool = True
    show_links: bool = True
    # the plan of an earlier version, drawn as dashed ghosts: task_id -> (start, end)
    previous: dict[str, tuple[date, date]] = field(default_factory=dict)
    previous_label: str = ""


def _iso(day: object) -> str | None:
    d = status._day(day)
    return None if d is None else d.isoformat() + "T00:00:00"


def _after(day: object) -> str | None:
    """The instant a day ends, so a one-day task still has a width."""
    d = status._day(day)
    return None if d is None else (d + timedelta(days=1)).isoformat() + "T00:00:00"


def gantt_rows(tasks: pd.DataFrame, options: GanttOptions) -> pd.DataFrame:
    """One row per drawn line: a header per workstream, then its tasks in time order."""
    lang = options.lang
    critical = set(options.critical)
    if tasks.empty:
        return pd.DataFrame(columns=["row", "kind"])
    firsts = tasks.groupby("workstream", sort=False)["start"].min().sort_values(kind="stable")
    slips: dict[object, object] = (
        dict(zip(tasks["task_id"], timeline.slippage(tasks), strict=True))
        if "baseline_end" in tasks
        else {}
    )
    names = tasks["name"].astype(str)
    duplicated = set(names[names.duplicated(keep=False)])
    rows: list[dict[str, object]] = []
    for workstream in firsts.index:
        group = tasks[tasks["workstream"] == workstream].sort_values(
            ["start", "end", "task_id"], kind="stable"
        )
        rows.append({"row": f"{GROUP_MARK}{workstream}", "kind": "group", "task_id": None})
        for rec in group.to_dict("records"):
            name = str(rec["name"])
            label = f"{name} ({rec['task_id']})" if name in duplicated else name
            d0, d1 = status._day(rec["start"]), status._day(rec["end"])
            duration = status.duration_days(d0, d1) if d0 and d1 else 1
            progress = float(rec.get("progress") or 0)
            progress_end = (
                (
                    pd.Timestamp(d0)
                    + pd.Timedelta(days=duration * min(max(progress, 0), 100) / 100)
                ).isoformat()
                if d0
                else None
            )
            state = str(rec.get("state") or "planned")
            value = slips.get(rec["task_id"]) if rec.get("kind", "task") == "task" else None
            slip_days = None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]
            previous = options.previous.get(str(rec["task_id"]))
            rows.append(
                {
                    "row": label,
                    "kind": rec.get("kind", "task"),
                    "task_id": rec["task_id"],
                    "workstream": workstream,
                    "name": name,
                    "start": _iso(d0),
                    "end_at": _after(d1),
                    "start_label": format_day(d0, lang, "medium") if d0 else "",
                    "end_label": format_day(d1, lang, "medium") if d1 else "",
                    "milestone": bool(rec.get("milestone")) and rec.get("kind", "task") == "task",
                    "progress": progress,
                    "progress_end": progress_end,
                    "progress_label": (
                        format_number(progress, lang) + (" %" if lang == "fr" else "%")
                    )
                    if progress > 0
                    else "",
                    "state": state,
                    "state_label": t(f"state.{state}", lang),
                    "owner": rec.get("owner") or "",
                    "critical": str(rec["task_id"]) in critical,
                    "baseline_start": _iso(rec.get("baseline_start")),
                    "baseline_end_at": _after(rec.get("baseline_end")),
                    "slip": slip_days,
                    "slip_label": _slip_label(slip_days, lang),
                    "previous_start": _iso(previous[0]) if previous else None,
                    "previous_end_at": _after(previous[1]) if previous else None,
                }
            )
    return pd.DataFrame(rows)


def _slip_label(days: int | None, lang: str) -> str:
    if not days:
        return ""
    unit = " j" if lang == "fr" else " d"
    return f"{days:+d}{unit}"


def link_rows(tasks: pd.DataFrame, rows: pd.DataFrame, critical: Iterable[str]) -> pd.DataFrame:
    """Dependency links from the end of a predecessor to the start of its task."""
    drawn = rows[rows["kind"] == "task"].set_index("task_id")
    chain = list(critical)
    critical_edges = set(itertools.pairwise(chain))
    out = []
    for a, b in timeline.edges(tasks):
        if a in drawn.index and b in drawn.index:
            out.append(
                {
                    "from_row": drawn.at[a, "row"],
                    "to_row": drawn.at[b, "row"],
                    "from_at": drawn.at[a, "end_at"],
                    "to_at": drawn.at[b, "start"],
                    "critical": (a, b) in critical_edges,
                }
            )
    return pd.DataFrame(out, columns=["from_row", "to_row", "from_at", "to_at", "critical"])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: missing values as null."""
    clean = frame.astype(object).where(pd.notna(frame), None)
    return [{str(k): v for k, v in r.items()} for r in clean.to_dict("records")]


def gantt_spec(tasks: pd.DataFrame, options: GanttOptions) -> dict[str, Any]:
    """The whole Gantt as one layered Vega-Lite spec, with the language's locale.

    Written as a plain spec rather than through Altair's objects: with a dozen
    layers, Altair's schema work costs half a second per draw, this costs a
    few milliseconds, and the page stays as quick as the overview.
    """
    lang = options.lang
    scale = text_scale.get()

    def z(size: float) -> int:
        """A size in pixels, larger on a projector."""
        return round(size * scale)

    rows = gantt_rows(tasks, options)
    order = list(rows["row"]) if not rows.empty else []
    bars = rows[rows["kind"] != "group"] if not rows.empty else rows
    links = (
        link_rows(tasks, rows, options.critical)
        if options.show_links and not bars.empty
        else pd.DataFrame()
    )

    x_scale: dict[str, Any] = {}
    if options.window is not None:
        x_scale["domain"] = [
            options.window[0].isoformat() + "T00:00:00",
            options.window[1].isoformat() + "T00:00:00",
        ]
    x_axis = {"format": "%b %Y", "orient": "top", "title": None, "grid": True, "tickCount": "month"}

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

    colour = {
        "field": "state_label",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [t(f"state.{s}", lang) for s in STATE_COLOURS],
            "range": list(STATE_COLOURS.values()),
        },
        "legend": {"orient": "bottom", "direction": "horizontal", "title": None},
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
            "mark": {**mark, "clip": True},
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
                    {"x": x("baseline_start"), "x2": {"field": "baseline_end_at"}, "y": y()},
                    "datum.baseline_start != null",
                )
            )
        if options.previous:
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
                    {"x": x("previous_start"), "x2": {"field": "previous_end_at"}, "y": y()},
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
                },
                "!datum.milestone",
            )
        )
        layers.append(
            layer(
                "rows",
                {
                    "type": "bar",
                    "height": z(5),
                    "yOffset": z(-4),
                    "color": "#111111",
                    "opacity": 0.45,
                },
                {"x": x("start"), "x2": {"field": "progress_end"}, "y": y(), "tooltip": tooltip},
                "!datum.milestone && datum.progress > 0",
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
                    "color": "white",
                    "fontWeight": "bold",
                },
                {"x": x("start"), "y": y(), "text": {"field": "progress_label", "type": "nominal"}},
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
    if not layers:
        datasets["rows"] = []
        layers.append(layer("rows", {"type": "bar"}, {"y": y()}))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        # a fixed height per row: a total height would be shared with the axis and
        # the legend, squeezing the rows of a short plan
        "height": {"step": z(ROW_HEIGHT)},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": datasets,
        "layer": layers,
        "config": {"locale": vega_locale(lang), "view": {"stroke": None}, **font_config()},
    }
