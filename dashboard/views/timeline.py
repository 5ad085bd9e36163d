"""The timeline's view model: the Gantt at the situation date and what to watch.

States, filters, workstream rollups, the tasks to watch and the changes since an
earlier version are computed in DuckDB (`sql/queries/timeline_*.sql`,
`task_changes.sql`, over the `task_states` and `timeline_shown` macros); Python
keeps the critical path (a walk over the dependency graph, level by level with
numpy) and the drawing. What reaches the browser is bounded: past
`COLLAPSE_THRESHOLD` tasks every workstream is one summary bar unless expanded,
expanded tasks come `ROWS_PER_PAGE` at a time, and the tasks to watch
`WATCH_PER_PAGE` at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from dashboard import charts
from dashboard.charts.gantt import GanttOptions, gantt_rows, gantt_spec, link_rows
from dashboard.domain import mission, status
from dashboard.i18n import format_day, t
from dashboard.views import paging, workdays
from dashboard.views.reader import Reader
from dashboard.views.together import together

# Past this many tasks kept by the filters, the chart shows one summary bar per
# workstream unless it is expanded: a browser should never get thousands of bars.
COLLAPSE_THRESHOLD = 150
# Tasks of the expanded workstreams drawn on one page of the chart.
ROWS_PER_PAGE = 150
# Rows of the tasks to watch on one page of the table.
WATCH_PER_PAGE = 50
ZOOM_PRESETS: tuple[str, ...] = ("mission", "month", "custom")

# The page's widgets: (widget key, URL key, default, kind), seeded from the URL by
# `app.remember` and read back into a `State` by `state_of`. The pack's button
# reads the same widgets, so the pack's Gantt is the page's.
WIDGETS: tuple[tuple[str, str, Any, type], ...] = (
    ("tl_ws", "ws", [], list),
    ("tl_site", "site", [], list),
    ("tl_owner", "owner", [], list),
    ("tl_state", "state", [], list),
    ("tl_zoom", "zoom", "mission", str),
    ("tl_from", "from", None, date),
    ("tl_to", "to", None, date),
    ("tl_vs", "vs", None, int),
    ("tl_base", "base", True, bool),
    ("tl_crit", "crit", True, bool),
    ("tl_links", "links", True, bool),
    ("tl_expand", "expand", [], list),
    ("tl_page", "page", 1, int),
    ("tl_watch", "watch", 1, int),
)


@dataclass(frozen=True)
class Compared:
    """An earlier committed version of tasks.csv to compare the plan with."""

    version: int
    day: date
    path: str  # its canonical file, read by `task_changes.sql`


@dataclass(frozen=True)
class State:
    situation: date
    lang: str = "fr"
    workstreams: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    zoom: str = "mission"  # one of ZOOM_PRESETS
    start: date | None = None  # the window of the custom zoom
    end: date | None = None
    compared: Compared | None = None
    baseline: bool = True
    critical: bool = True
    links: bool = True
    expanded: tuple[str, ...] = ()
    page: int = 1  # of the expanded workstreams' tasks
    watch_page: int = 1
    scale: float = 1.0  # chart text size (larger on a projector)


@dataclass(frozen=True)
class Choices:
    """What the filters offer, and the plan's size."""

    workstreams: tuple[str, ...]
    owners: tuple[str, ...]
    sites: tuple[tuple[str, str], ...]  # (site_id, name)
    tasks: int
    mission: tuple[date, date]  # the whole-mission window at the situation date
    # workstream -> its English name, where the data gives one (`workstream_en`)
    workstreams_en: tuple[tuple[str, str], ...] = ()

    def workstream_label(self, workstream: str, lang: str) -> str:
        """A workstream as the reader reads it: its English name, where the data
        gives one, to an English reader; as typed otherwise (it stays the key)."""
        return dict(self.workstreams_en).get(workstream, workstream) if lang == "en" else workstream


@dataclass(frozen=True)
class Changes:
    """What changed since the compared version, a row per task."""

    version: int
    day: date
    table: pd.DataFrame  # task_id, name, change, start_shift, end_shift, progress_*, fields
    changed: int
    added: int
    removed: int


@dataclass(frozen=True, eq=False)
class Model:
    state: State
    total: int  # tasks in the plan
    shown: int  # tasks the filters keep
    collapsed: bool  # some workstreams drawn as one summary bar
    window: tuple[date, date]
    rows: pd.DataFrame  # the Gantt's rows in draw order (headers included)
    links: pd.DataFrame
    options: GanttOptions
    row_pages: int  # pages of expanded tasks
    critical: tuple[str, ...]  # the critical path, first to last
    critical_caption: str | None
    watch: pd.DataFrame  # one page of the tasks to watch
    watched: int  # tasks to watch in all
    watch_pages: int
    changes: Changes | None
    # tasks that start before a task they depend on ends, worded (the Gantt marks them)
    conflicts: tuple[str, ...] = ()

    @cached_property
    def spec(self) -> dict[str, Any]:
        """The Gantt's Vega-Lite spec, made on first use and kept with the model (a
        cached model is drawn by every session): drawing, not data work."""
        token = charts.text_scale.set(self.state.scale)
        try:
            return gantt_spec(self.rows, self.links, self.options)
        finally:
            charts.text_scale.reset(token)

    @property
    def empty(self) -> bool:
        return self.shown == 0


# --- view state ---------------------------------------------------------------------


def _tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _page(value: object) -> int:
    return value if isinstance(value, int) and value >= 1 else 1


def state_of(
    values: Mapping[str, Any],
    situation: date,
    lang: str,
    compared: Compared | None = None,
    scale: float = 1.0,
) -> State:
    """The view state from the page's widget values (keys of `WIDGETS`; a missing
    key takes its default). A custom window without both ends, or upside down,
    falls back to the whole mission."""
    zoom = str(values.get("tl_zoom") or "mission")
    if zoom not in ZOOM_PRESETS:
        zoom = "mission"
    start, end = _day(values.get("tl_from")), _day(values.get("tl_to"))
    if zoom == "custom" and (start is None or end is None or end < start):
        zoom = "mission"
    if zoom != "custom":
        start = end = None
    return State(
        situation=situation,
        lang=lang,
        workstreams=_tuple(values.get("tl_ws")),
        sites=_tuple(values.get("tl_site")),
        owners=_tuple(values.get("tl_owner")),
        states=tuple(s for s in _tuple(values.get("tl_state")) if s in status.STATES),
        zoom=zoom,
        start=start,
        end=end,
        compared=compared,
        baseline=values.get("tl_base", True) is not False,
        critical=values.get("tl_crit", True) is not False,
        links=values.get("tl_links", True) is not False,
        expanded=_tuple(values.get("tl_expand")),
        page=_page(values.get("tl_page")),
        watch_page=_page(values.get("tl_watch")),
        scale=scale,
    )


def url_values(state: State) -> dict[str, Any]:
    """The view state as `app.to_url` writes it (a default: no key)."""
    return {
        "ws": list(state.workstreams),
        "site": list(state.sites),
        "owner": list(state.owners),
        "state": list(state.states),
        "zoom": None if state.zoom == "mission" else state.zoom,
        "from": state.start,
        "to": state.end,
        "vs": state.compared.version if state.compared else None,
        "base": None if state.baseline else False,
        "crit": None if state.critical else False,
        "links": None if state.links else False,
        "expand": list(state.expanded),
        "page": None if state.page == 1 else state.page,
        "watch": None if state.watch_page == 1 else state.watch_page,
    }


# --- dates --------------------------------------------------------------------------


# The dates a page or the pack draws: a window never wider than SPAN_LIMIT_DAYS
# either side of the situation date, inside DRAWABLE. Dates in the data further
# out (a typo such as 31/12/9990, or 0001-01-01) are drawn at the window's edge,
# so no request's work grows with how far the data's dates go.
SPAN_LIMIT_DAYS = 3660
DRAWABLE = (date(1900, 1, 1), date(2199, 12, 31))


def shift_days(day: date, days: int) -> date:
    """`day` moved by `days`, kept inside DRAWABLE (never an overflow)."""
    low, high = DRAWABLE
    ordinal = min(max(day.toordinal() + days, low.toordinal()), high.toordinal())
    return date.fromordinal(ordinal)


def bounded(window: tuple[date, date], situation: date) -> tuple[date, date]:
    """`window` cut to SPAN_LIMIT_DAYS either side of the situation date."""
    low, high = shift_days(situation, -SPAN_LIMIT_DAYS), shift_days(situation, SPAN_LIMIT_DAYS)
    start = min(max(window[0], low), high)
    return start, max(min(window[1], high), start)


def clip_bars(bars: pd.DataFrame, window: tuple[date, date]) -> pd.DataFrame:
    """Bars' dates held inside the window (a day either side), so drawing them
    costs the same whatever the dates (labels are put back by `_true_labels`)."""
    if bars.empty:
        return bars
    low, high = shift_days(window[0], -1), shift_days(window[1], 1)

    def clip(value: object) -> date | None:
        day = status.as_day(value)
        return None if day is None else min(max(day, low), high)

    out = bars.copy()
    for column in ("start", "end", "baseline_start", "baseline_end", "old_start", "old_end"):
        if column in out.columns:
            days = pd.Series([clip(v) for v in out[column]], index=out.index, dtype="object")
            out[column] = pd.to_datetime(days)
    return out


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    if not DRAWABLE[0].year <= year <= DRAWABLE[1].year:
        return shift_days(day, 31 * months)
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def zoom_window(
    preset: str, situation: date, first: date | None, last: date | None
) -> tuple[date, date]:
    """The date range a preset shows: the whole mission (from its first start to
    its last end, the situation date included, a week either side), or a month
    either side of the situation date."""
    if preset == "month" or first is None or last is None:
        return add_months(situation, -1), add_months(situation, 1)
    window = shift_days(min(first, situation), -7), shift_days(max(last, situation), 7)
    return bounded(window, situation)


# --- the critical path ----------------------------------------------------------------


def critical_path(tasks: pd.DataFrame, edges: pd.DataFrame) -> list[str]:
    """The longest chain of dependent work (in days) ending at the last task.

    `tasks` (task_id, end, duration_days) are the tasks that can still delay the
    plan (`critical_tasks.sql`: neither done nor cancelled); `edges` (from_id,
    to_id) the dependencies. The last task is the one that ends last (when
    several end that day, the one closing the longest chain of tasks). Among
    chains ending there the longest in days wins, ties going to the predecessor
    that ends later. Tasks on a cycle (refused by the checks anyway), and those
    after them, are left out. Returns task ids from first to last.
    """
    if tasks.empty:
        return []
    ids = tasks["task_id"].astype(str).to_numpy()
    index = pd.Index(ids)
    n = len(ids)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(n)  # ids' order, for ties
    ends = pd.to_datetime(tasks["end"])
    end = np.where(
        ends.isna(), np.iinfo(np.int64).min, ends.to_numpy("datetime64[D]").astype(np.int64)
    )
    length = tasks["duration_days"].fillna(1).astype(np.int64).to_numpy()
    src = index.get_indexer(pd.Index(edges["from_id"].astype(str)))
    dst = index.get_indexer(pd.Index(edges["to_id"].astype(str)))
    keep = (src >= 0) & (dst >= 0) & (src != dst)
    src, dst = src[keep], dst[keep]

    best = np.zeros(n, dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    indegree = np.bincount(dst, minlength=n)
    frontier = np.flatnonzero(indegree == 0)
    # Kahn's order one level at a time: a level's tasks have every predecessor done.
    while frontier.size:
        here = np.zeros(n, dtype=bool)
        here[frontier] = True
        best[frontier], count[frontier] = length[frontier], 1
        into = here[dst]
        es, ed = src[into], dst[into]
        if es.size:
            order = np.lexsort((rank[es], end[es], best[es], ed))
            es, ed = es[order], ed[order]
            last = np.r_[ed[1:] != ed[:-1], True]  # the best predecessor of each task
            es, ed = es[last], ed[last]
            best[ed] = best[es] + length[ed]
            count[ed] = count[es] + 1
            via[ed] = es
        seen |= here
        indegree -= np.bincount(dst[here[src]], minlength=n)
        frontier = np.flatnonzero((indegree == 0) & ~seen)
    if not seen.any():
        return []
    placed = np.flatnonzero(seen)
    at_end = placed[end[placed] == end[placed].max()]
    last_task = at_end[np.lexsort((rank[at_end], best[at_end], count[at_end]))[-1]]
    chain = [int(last_task)]
    while via[chain[-1]] >= 0:
        chain.append(int(via[chain[-1]]))
    return [str(ids[i]) for i in reversed(chain)]


def _critical_caption(tasks: pd.DataFrame, chain: list[str], lang: str) -> str | None:
    if not chain:
        return None
    on = tasks.set_index("task_id").loc[chain]
    return t(
        "timeline.critical_caption",
        lang,
        count=len(chain),
        days=int(on["duration_days"].sum()),
        chain=" → ".join(f"{i} {n}" for i, n in zip(chain, on["name"], strict=True)),
    )


# --- builders ---------------------------------------------------------------------------


def choices(read: Reader, situation: date) -> Choices:
    """The filters' options and the whole-mission window at the situation date."""
    with together() as start:
        owners_read = start(lambda: read("task_owners"))
        places_read = start(lambda: read("sites"))
        streams = read("timeline_workstreams")
        owners, places = owners_read.get(), places_read.get()
    first = status.as_day(streams["first_start"].min()) if not streams.empty else None
    last = status.as_day(streams["last_end"].max()) if not streams.empty else None
    return Choices(
        workstreams=tuple(str(w) for w in streams["workstream"]),
        owners=tuple(str(o) for o in owners["owner"]),
        sites=tuple(
            (str(i), str(n)) for i, n in zip(places["site_id"], places["name"], strict=True)
        ),
        tasks=int(streams["tasks"].sum()) if not streams.empty else 0,
        mission=zoom_window("mission", situation, first, last),
        workstreams_en=tuple(
            (str(w), str(e))
            for w, e in zip(streams["workstream"], streams["workstream_en"], strict=True)
            if isinstance(e, str) and e
        ),
    )


@dataclass(frozen=True)
class ChoicesState:
    """The filters' options at the situation date, in the reader's language (the
    sites' names an English reader picks from are the data's English ones)."""

    situation: date
    lang: str = "fr"


def options(read: Reader, state: ChoicesState) -> Choices:
    """`choices` for the page's filters, read in the state's language."""
    return choices(read, state.situation)


def _filters(state: State, window: tuple[date, date]) -> dict[str, Any]:
    return {
        "situation": state.situation,
        "threshold": status.AT_RISK_POINTS,
        "workstreams": list(state.workstreams),
        "sites": list(state.sites),
        "owners": list(state.owners),
        "states": list(state.states),
        "window_start": window[0],
        "window_end": window[1],
    }


def window_of(state: State, found: Choices) -> tuple[date, date]:
    if state.zoom == "custom" and state.start and state.end:
        return bounded((state.start, state.end), state.situation)
    if state.zoom == "month":
        return zoom_window("month", state.situation, None, None)
    return found.mission


def watch_rows(read: Reader, state: State, found: Choices, every: bool = False) -> pd.DataFrame:
    """The tasks to watch: one page of them, or `every` one (the CSV export)."""
    limit = found.tasks + 1 if every else WATCH_PER_PAGE
    offset = 0 if every else (state.watch_page - 1) * WATCH_PER_PAGE
    watch = read(
        "timeline_watch", **_filters(state, window_of(state, found)), limit=limit, offset=offset
    )
    return watch.assign(
        state_label=[t(f"state.{s}", state.lang) for s in watch["state"]],
        workstream_label=[found.workstream_label(str(w), state.lang) for w in watch["workstream"]],
    )


WATCH_COLUMNS: tuple[str, ...] = (
    "task",
    "days_late",  # what decides, next to the name
    "workstream",
    "state",
    "owner_col",
    "end",
    "progress",
    "slip",
    "site",
    "actions",
)


def watch_table(watch: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The tasks to watch as the table and its CSV export show them: headings in
    the reader's language (`watch_rows` read in that language gives the texts)."""
    values = {
        "task": watch["name"],
        "days_late": watch["days_late"],
        "workstream": watch["workstream_label"]
        if "workstream_label" in watch.columns
        else watch["workstream"],
        "state": watch["state_label"],
        "owner_col": watch["owner"].fillna(""),
        "end": pd.to_datetime(watch["end"]).dt.date,
        "progress": watch["progress"],
        "slip": watch["slip"],
        "site": watch["site"].fillna(""),
        "actions": watch["actions"],
    }
    return pd.DataFrame({t(f"timeline.{key}", lang): values[key] for key in WATCH_COLUMNS})


def _changes(read: Reader, compared: Compared) -> Changes:
    table = read("task_changes", path=compared.path)
    counts = table["change"].value_counts()
    return Changes(
        version=compared.version,
        day=compared.day,
        table=table,
        changed=int(counts.get("changed", 0)),
        added=int(counts.get("added", 0)),
        removed=int(counts.get("removed", 0)),
    )


def _event(read: Reader, lang: str) -> tuple[str, date, date] | None:
    event = read("event_window", pattern=mission.EVENT_PATTERN)
    if event.empty:
        return None
    start, end = status.as_day(event["start"].iloc[0]), status.as_day(event["end"].iloc[0])
    return (t("overview.event", lang), start, end) if start and end else None


def build(read: Reader, state: State) -> Model:
    """Everything the timeline page (and the pack's Gantt) draws for `state`."""
    found = choices(read, state.situation)
    window = window_of(state, found)
    filters = _filters(state, window)
    with together() as start:
        # the reads that need only the window, at once; links and the critical path's
        # tasks are read before knowing whether a bar is shown (almost always one is)
        wanted = state.critical or state.links
        edges_read = start(lambda: read("task_links")) if wanted else None
        live_read = (
            start(
                lambda: read(
                    "critical_tasks", situation=state.situation, threshold=status.AT_RISK_POINTS
                )
            )
            if state.critical
            else None
        )
        compared = state.compared
        changes_read = start(lambda: _changes(read, compared)) if compared is not None else None
        clashes_read = start(lambda: read("dependency_conflicts"))
        event_read = start(lambda: _event(read, state.lang))
        watch_read = start(lambda: watch_rows(read, state, found))
        bars = read(
            "timeline_rows",
            **filters,
            expanded=list(state.expanded),
            collapse_over=COLLAPSE_THRESHOLD,
            limit=ROWS_PER_PAGE,
            offset=(state.page - 1) * ROWS_PER_PAGE,
        )
        if found.workstreams_en and state.lang == "en":  # names shown; the keys stay in SQL
            bars["workstream"] = [found.workstream_label(str(w), "en") for w in bars["workstream"]]
        shown = int(bars["shown_tasks"].iloc[0]) if not bars.empty else 0
        detailed = int(bars["detailed_tasks"].iloc[0]) if not bars.empty else 0
        collapsed = bool(bars["collapsed"].iloc[0]) if not bars.empty else False

        edges = edges_read.get() if edges_read is not None and shown else None
        chain: list[str] = []
        caption = None
        if live_read is not None and edges is not None:
            live = live_read.get()
            # the work that remains, in working days (French public holidays off)
            live = live.assign(duration_days=workdays.remaining(live))
            chain = critical_path(live, edges)
            caption = _critical_caption(live, chain, state.lang)
        changes = changes_read.get() if changes_read is not None else None
        clashes = clashes_read.get()
        event = event_read.get()
        watch = watch_read.get()

    conflicts = _conflict_texts(clashes, state.lang)
    bars = bars.assign(
        critical=bars["task_id"].isin(chain),
        conflict=bars["task_id"].map(dict(zip(clashes["task_id"], conflicts, strict=True))),
    )
    if changes is not None:
        moved = changes.table[changes.table["change"] == "changed"]
        moved = moved[(moved["start_shift"] != 0) | (moved["end_shift"] != 0)]
        bars = bars.merge(moved[["task_id", "old_start", "old_end"]], on="task_id", how="left")
    options = GanttOptions(
        lang=state.lang,
        situation=state.situation,
        window=window,
        event=event,
        show_baseline=state.baseline,
        show_links=state.links,
    )
    rows = gantt_rows(clip_bars(bars, window), options)
    rows = _true_labels(rows, bars, state.lang)
    links = link_rows(
        edges if state.links and edges is not None else pd.DataFrame(columns=["from_id", "to_id"]),
        rows,
        chain,
    )
    watched = int(watch["watched"].iloc[0]) if not watch.empty else 0
    return Model(
        state=state,
        total=found.tasks,
        shown=shown,
        collapsed=collapsed,
        window=window,
        rows=rows,
        links=links,
        options=options,
        row_pages=paging.pages(detailed, ROWS_PER_PAGE),
        critical=tuple(chain),
        critical_caption=caption,
        watch=watch.drop(columns=["watched"]),
        watched=watched,
        watch_pages=paging.pages(watched, WATCH_PER_PAGE),
        changes=changes,
        conflicts=tuple(conflicts),
    )


def _conflict_texts(clashes: pd.DataFrame, lang: str) -> list[str]:
    """'T20 Impression… starts on 4 May, before T19 … ends (15 May)' per conflict."""
    return [
        t(
            "meeting.dependency_conflict",
            lang,
            task=f"{tid} {name}",
            start=format_day(status.as_day(start) or date.min, lang),
            before=f"{fid} {fname}",
            end=format_day(status.as_day(end) or date.min, lang),
        )
        for tid, name, start, fid, fname, end in zip(
            clashes["task_id"],
            clashes["task_name"],
            clashes["task_start"],
            clashes["from_id"],
            clashes["from_name"],
            clashes["from_end"],
            strict=True,
        )
    ]


def _true_labels(rows: pd.DataFrame, bars: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The labels of bars drawn clipped to the window say their real dates."""
    if rows.empty or bars.empty or "start_label" not in rows.columns:
        return rows
    tasks = bars[bars["kind"] == "task"]
    ids = [str(i) for i in tasks["task_id"]]
    starts = dict(zip(ids, (status.as_day(v) for v in tasks["start"]), strict=True))
    ends = dict(zip(ids, (status.as_day(v) for v in tasks["end"]), strict=True))

    def label(day: date | None, drawn: str) -> str:
        return format_day(day, lang, "medium") if day is not None else drawn

    out = rows.copy()
    kinds, drawn_ids = rows["kind"].tolist(), rows["task_id"].tolist()
    for column, days in (("start_label", starts), ("end_label", ends)):
        out[column] = [
            label(days.get(str(i)), drawn) if kind == "task" else drawn
            for kind, i, drawn in zip(kinds, drawn_ids, rows[column].tolist(), strict=True)
        ]
    return out


def for_pack(state: State | None, situation: date, lang: str) -> State:
    """The view the pack draws: the page's (or the default), at the pack's date and
    language, in print size, without a compared version."""
    base = state or State(situation=situation)
    return replace(base, situation=situation, lang=lang, scale=1.0, compared=None)
