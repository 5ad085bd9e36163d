"""The Gantt chart (Altair, pure): tasks grouped by workstream, milestones as
diamonds, % complete inside bars, state colours, dependency links, critical
path, baseline and earlier-version ghosts, the situation date and the event.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import altair as alt
import pandas as pd

from dashboard import status, timeline
from dashboard.charts import STATE_COLOURS
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


def gantt_chart(tasks: pd.DataFrame, options: GanttOptions) -> alt.LayerChart:
    """The whole Gantt as one layered chart (finish it with `charts.finish`)."""
    lang = options.lang
    rows = gantt_rows(tasks, options)
    order = list(rows["row"]) if not rows.empty else []
    height = max(ROW_HEIGHT * max(len(order), 1), 120)
    if options.window is not None:
        domain = [
            options.window[0].isoformat() + "T00:00:00",
            options.window[1].isoformat() + "T00:00:00",
        ]
        x_scale = alt.Scale(domain=domain)
    else:
        x_scale = alt.Scale()
    y_axis = alt.Axis(
        labelLimit=320,
        labelFontWeight=alt.condition(
            f"indexof(datum.value, '{GROUP_MARK.strip()}') == 0",
            alt.value("bold"),
            alt.value("normal"),
        ),
        ticks=False,
        domain=False,
    )
    y = alt.Y("row:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=y_axis)
    x_axis = alt.Axis(format="%b %Y", orient="top", title=None, grid=True, tickCount="month")
    bars_data = rows[rows["kind"] != "group"] if not rows.empty else rows
    base = alt.Chart(bars_data)
    tooltip = [
        alt.Tooltip("name:N", title=t("timeline.task", lang)),
        alt.Tooltip("workstream:N", title=t("timeline.workstream", lang)),
        alt.Tooltip("start_label:N", title=t("timeline.start", lang)),
        alt.Tooltip("end_label:N", title=t("timeline.end", lang)),
        alt.Tooltip("progress:Q", title=t("timeline.progress", lang), format=".0f"),
        alt.Tooltip("state_label:N", title=t("timeline.state", lang)),
        alt.Tooltip("owner:N", title=t("timeline.owner", lang)),
        alt.Tooltip("slip_label:N", title=t("timeline.slip", lang)),
    ]
    domain = [t(f"state.{s}", lang) for s in STATE_COLOURS]
    colour = alt.Color(
        "state_label:N",
        title=None,
        scale=alt.Scale(domain=domain, range=list(STATE_COLOURS.values())),
        legend=alt.Legend(orient="bottom", direction="horizontal"),
    )
    layers: list[alt.Chart] = []
    if options.event is not None:
        label, start, end = options.event
        band = pd.DataFrame(
            [
                {
                    "start": start.isoformat() + "T00:00:00",
                    "end_at": (end + timedelta(days=1)).isoformat() + "T00:00:00",
                    "label": label,
                }
            ]
        )
        layers.append(
            alt.Chart(band)
            .mark_rect(color="#111111", opacity=0.08)
            .encode(x=alt.X("start:T", scale=x_scale, axis=x_axis), x2="end_at:T")
        )
        layers.append(
            alt.Chart(band)
            .mark_text(align="left", baseline="top", dx=4, dy=4, fontWeight="bold", color="#111111")
            .encode(x=alt.X("start:T", scale=x_scale, axis=x_axis), text="label:N", y=alt.value(2))
        )
    if options.show_baseline and not bars_data.empty:
        layers.append(
            base.transform_filter("datum.baseline_start != null")
            .mark_bar(height=4, yOffset=9, color="#9e9e9e", opacity=0.9)
            .encode(
                x=alt.X("baseline_start:T", scale=x_scale, axis=x_axis), x2="baseline_end_at:T", y=y
            )
        )
    if options.previous and not bars_data.empty:
        layers.append(
            base.transform_filter("datum.previous_start != null")
            .mark_bar(filled=False, stroke="#111111", strokeDash=[3, 2], strokeWidth=1, height=16)
            .encode(
                x=alt.X("previous_start:T", scale=x_scale, axis=x_axis), x2="previous_end_at:T", y=y
            )
        )
    if options.show_links and not bars_data.empty:
        links = link_rows(tasks, rows, options.critical)
        if not links.empty:
            layers.append(
                alt.Chart(links)
                .mark_rule(opacity=0.55)
                .encode(
                    x=alt.X("from_at:T", scale=x_scale, axis=x_axis),
                    x2="to_at:T",
                    y=alt.Y(
                        "from_row:N",
                        sort=order,
                        title=None,
                        scale=alt.Scale(domain=order),
                        axis=y_axis,
                    ),
                    y2="to_row:N",
                    color=alt.condition(
                        "datum.critical", alt.value("#111111"), alt.value("#9e9e9e")
                    ),
                    strokeWidth=alt.condition("datum.critical", alt.value(2), alt.value(1)),
                )
            )
    if not bars_data.empty:
        bars = base.transform_filter("!datum.milestone")
        layers.append(
            bars.mark_bar(height=14, cornerRadius=2).encode(
                x=alt.X("start:T", scale=x_scale, axis=x_axis),
                x2="end_at:T",
                y=y,
                color=colour,
                stroke=alt.condition("datum.critical", alt.value("#111111"), alt.value(None)),
                strokeWidth=alt.condition("datum.critical", alt.value(2.5), alt.value(0)),
                tooltip=tooltip,
            )
        )
        layers.append(
            bars.transform_filter("datum.progress > 0")
            .mark_bar(height=5, yOffset=-4, color="#111111", opacity=0.45)
            .encode(
                x=alt.X("start:T", scale=x_scale, axis=x_axis),
                x2="progress_end:T",
                y=y,
                tooltip=tooltip,
            )
        )
        layers.append(
            bars.mark_text(
                align="left", dx=4, fontSize=10, color="white", fontWeight="bold"
            ).encode(x=alt.X("start:T", scale=x_scale, axis=x_axis), y=y, text="progress_label:N")
        )
        layers.append(
            base.transform_filter("datum.milestone")
            .mark_point(shape="diamond", filled=True, size=170, opacity=1)
            .encode(
                x=alt.X("start:T", scale=x_scale, axis=x_axis),
                y=y,
                color=colour,
                stroke=alt.condition("datum.critical", alt.value("#111111"), alt.value("white")),
                strokeWidth=alt.value(1.5),
                tooltip=tooltip,
            )
        )
        layers.append(
            base.transform_filter("datum.slip_label != ''")
            .mark_text(align="left", dx=6, fontSize=10, color="#c62828")
            .encode(x=alt.X("end_at:T", scale=x_scale, axis=x_axis), y=y, text="slip_label:N")
        )
    if options.situation is not None:
        today = pd.DataFrame(
            [
                {
                    "at": options.situation.isoformat() + "T12:00:00",
                    "label": format_day(options.situation, lang, "medium"),
                }
            ]
        )
        layers.append(
            alt.Chart(today)
            .mark_rule(color="#c62828", strokeWidth=2, strokeDash=[6, 3])
            .encode(x=alt.X("at:T", scale=x_scale, axis=x_axis))
        )
        layers.append(
            alt.Chart(today)
            .mark_text(align="left", dx=4, baseline="bottom", color="#c62828", fontWeight="bold")
            .encode(
                x=alt.X("at:T", scale=x_scale, axis=x_axis), y=alt.value(height), text="label:N"
            )
        )
    if not layers:
        layers.append(alt.Chart(pd.DataFrame({"row": []})).mark_bar().encode(y=y))
    chart = alt.layer(*layers).properties(height=height)
    return chart  # type: ignore[return-value]
