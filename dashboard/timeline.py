"""The timeline's logic (pure): dependencies, critical path, slippage, version
comparison, zoom, and the rows the Gantt draws.

Every function takes and returns pandas frames of tasks as `sql/queries/tasks.sql`
returns them (dates as timestamps), after `status.with_states`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from dashboard import diff, status

# Past this many task rows the chart shows one summary bar per workstream,
# unless the workstream is expanded: a browser should never get thousands of bars.
COLLAPSE_THRESHOLD = 150
ZOOM_PRESETS: tuple[str, ...] = ("mission", "month", "custom")
_SPLIT = re.compile(r"[\s,;]+")


def _day(value: object) -> date | None:
    return status._day(value)


def dependencies(value: object) -> list[str]:
    """Task ids of a `depends_on` cell (commas or spaces)."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return []
    return [v for v in _SPLIT.split(str(value).strip()) if v]


def edges(tasks: pd.DataFrame) -> list[tuple[str, str]]:
    """(predecessor, task) pairs whose both ends are in `tasks`."""
    ids = set(tasks["task_id"])
    out = []
    for task_id, deps in zip(tasks["task_id"], tasks["depends_on"], strict=True):
        for dep in dependencies(deps):
            if dep in ids and dep != task_id:
                out.append((dep, task_id))
    return out


def critical_path(tasks: pd.DataFrame) -> list[str]:
    """The longest chain of dependent work (in days) ending at the last task.

    The last task is the one that ends last (cancelled tasks left out; when
    several end that day, the one closing the longest chain of tasks). Among
    chains ending there, the longest by total duration wins, ties going to the
    predecessor that ends later. Returns task ids from first to last.
    """
    live = tasks[tasks.get("state", pd.Series("", index=tasks.index)) != "cancelled"]
    if live.empty:
        return []
    ends = {t: _day(e) for t, e in zip(live["task_id"], live["end"], strict=True)}
    starts = {t: _day(s) for t, s in zip(live["task_id"], live["start"], strict=True)}
    length = {t: _length(starts[t], ends[t]) for t in ends}
    preds: dict[str, list[str]] = {t: [] for t in ends}
    succs: dict[str, list[str]] = {t: [] for t in ends}
    for a, b in edges(live):
        preds[b].append(a)
        succs[a].append(b)
    # Kahn's order; tasks on a cycle (refused by the checks anyway) never get one.
    indegree = {t: len(p) for t, p in preds.items()}
    queue = [t for t, d in indegree.items() if d == 0]
    order: list[str] = []
    while queue:
        t = queue.pop()
        order.append(t)
        for s in succs[t]:
            indegree[s] -= 1
            if indegree[s] == 0:
                queue.append(s)
    best: dict[str, int] = {}
    count: dict[str, int] = {}
    via: dict[str, str | None] = {}
    far = date.min
    for t in order:
        options = [p for p in preds[t] if p in best]
        if options:
            p = max(options, key=lambda p: (best[p], ends[p] or far, p))
            best[t], via[t], count[t] = best[p] + length[t], p, count[p] + 1
        else:
            best[t], via[t], count[t] = length[t], None, 1
    if not best:
        return []
    last_end = max(ends[t] or far for t in best)
    last = max(
        (t for t in best if (ends[t] or far) == last_end), key=lambda t: (count[t], best[t], t)
    )
    chain = [last]
    while via[chain[-1]] is not None:
        chain.append(via[chain[-1]])  # type: ignore[arg-type]
    return chain[::-1]


def _length(start: date | None, end: date | None) -> int:
    return status.duration_days(start, end) if start and end else 1


def slippage(tasks: pd.DataFrame) -> pd.Series:
    """Days the end moved since the baseline (positive: later); NA without baseline."""
    days = (pd.to_datetime(tasks["end"]) - pd.to_datetime(tasks["baseline_end"])).dt.days
    return days.astype("Int64")


def compare_versions(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Tasks added, removed or changed between two versions of tasks.csv.

    One row per task: `change` (added / removed / changed), `start_shift` and
    `end_shift` in days, `progress_before` and `progress_after`, and the other
    changed columns by name in `fields`.
    """
    d = diff.diff_frames(old, new, "tasks")
    rows: list[dict[str, object]] = []
    by_id_new = _records_by_id(new)
    by_id_old = _records_by_id(old)
    for rec in _records_by_id(d.added).values():
        rows.append(_change_row("added", rec, None))
    for rec in _records_by_id(d.removed).values():
        rows.append(_change_row("removed", None, rec))
    for (task_id,) in d.changed_keys:
        rows.append(_change_row("changed", by_id_new[task_id], by_id_old[task_id]))
    columns = [
        "task_id",
        "name",
        "workstream",
        "change",
        "start_shift",
        "end_shift",
        "progress_before",
        "progress_after",
        "fields",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    order = {"changed": 0, "added": 1, "removed": 2}
    if frame.empty:
        return frame
    frame["_o"] = frame["change"].map(order)
    frame["_m"] = frame["end_shift"].abs().fillna(0)
    return (
        frame.sort_values(["_o", "_m", "task_id"], ascending=[True, False, True])
        .drop(columns=["_o", "_m"])
        .reset_index(drop=True)
    )


def _records_by_id(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    return {str(r["task_id"]): {str(k): v for k, v in r.items()} for r in frame.to_dict("records")}


def _change_row(
    change: str, new: dict[str, object] | None, old: dict[str, object] | None
) -> dict[str, object]:
    ref = new or old or {}

    def shift(column: str) -> object:
        if new is None or old is None:
            return pd.NA
        a, b = _day(old.get(column)), _day(new.get(column))
        return (b - a).days if a and b else pd.NA

    fields = []
    if new is not None and old is not None:
        for column in (
            "name",
            "workstream",
            "owner",
            "site_id",
            "status",
            "depends_on",
            "milestone",
        ):
            if not diff._same(old.get(column), new.get(column)):
                fields.append(column)
    return {
        "task_id": ref.get("task_id"),
        "name": ref.get("name"),
        "workstream": ref.get("workstream"),
        "change": change,
        "start_shift": shift("start"),
        "end_shift": shift("end"),
        "progress_before": None if old is None else old.get("progress"),
        "progress_after": None if new is None else new.get("progress"),
        "fields": ", ".join(fields),
    }


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def zoom_window(preset: str, situation: date, tasks: pd.DataFrame) -> tuple[date, date]:
    """The date range a preset shows: the whole mission, or a month either side."""
    if preset == "month":
        return add_months(situation, -1), add_months(situation, 1)
    starts = [d for d in (_day(v) for v in tasks["start"]) if d]
    ends = [d for d in (_day(v) for v in tasks["end"]) if d]
    if not starts or not ends:
        return add_months(situation, -1), add_months(situation, 1)
    first, last = min([*starts, situation]), max([*ends, situation])
    return first - timedelta(days=7), last + timedelta(days=7)


def filter_tasks(
    tasks: pd.DataFrame,
    workstreams: Iterable[str] = (),
    sites: Iterable[str] = (),
    owners: Iterable[str] = (),
    states: Iterable[str] = (),
    window: tuple[date, date] | None = None,
) -> pd.DataFrame:
    """Tasks kept by the filters (an empty filter keeps everything)."""
    keep = pd.Series(True, index=tasks.index)
    for column, values in (
        ("workstream", workstreams),
        ("site_id", sites),
        ("owner", owners),
        ("state", states),
    ):
        wanted = list(values)
        if wanted:
            keep &= tasks[column].isin(wanted)
    if window is not None:
        lo, hi = pd.Timestamp(window[0]), pd.Timestamp(window[1])
        keep &= (pd.to_datetime(tasks["end"]) >= lo) & (pd.to_datetime(tasks["start"]) <= hi)
    return tasks[keep]


def summarise(
    tasks: pd.DataFrame, expanded: Iterable[str] = (), threshold: int = COLLAPSE_THRESHOLD
) -> pd.DataFrame:
    """Rows to draw: every task, or past `threshold` one summary per workstream
    (those in `expanded` keep their tasks). Summary rows have `kind` 'summary'."""
    out = tasks.assign(kind="task")
    if len(tasks) <= threshold:
        return out
    keep = set(expanded)
    parts = [out[out["workstream"].isin(keep)]]
    for workstream, group in tasks[~tasks["workstream"].isin(keep)].groupby(
        "workstream", sort=False
    ):
        parts.append(
            pd.DataFrame(
                [
                    {
                        "task_id": f"Σ {workstream}",
                        "workstream": workstream,
                        "name": str(workstream),
                        "start": group["start"].min(),
                        "end": group["end"].max(),
                        "milestone": False,
                        "progress": status.rollup_progress(group) or 0.0,
                        "state": status.rollup_state(group["state"]) or "planned",
                        "depends_on": None,
                        "kind": "summary",
                        "tasks": len(group),
                    }
                ]
            )
        )
    return pd.concat([p for p in parts if not p.empty], ignore_index=True)


def attention(tasks: pd.DataFrame, open_actions: pd.DataFrame) -> pd.DataFrame:
    """Tasks needing the committee's eye: late, then blocked, then at risk, then the rest.

    Adds `actions`: the open actions linked to each task (their ids and texts).
    """
    rank = {
        "late": 0,
        "blocked": 1,
        "at_risk": 2,
        "on_track": 3,
        "planned": 4,
        "done": 5,
        "cancelled": 6,
    }
    linked: dict[str, list[str]] = {}
    for rec in open_actions.to_dict("records"):
        task = rec.get("task_id")
        if isinstance(task, str) and task:
            linked.setdefault(task, []).append(f"{rec.get('action_id')} {rec.get('text')}")
    out = tasks.assign(
        _rank=tasks["state"].map(rank).fillna(9),
        actions=[" · ".join(linked.get(str(t), [])) for t in tasks["task_id"]],
    )
    return out.sort_values(["_rank", "days_late", "end"], ascending=[True, False, True]).drop(
        columns=["_rank"]
    )


def critical_summary(tasks: pd.DataFrame, critical: list[str]) -> dict[str, object]:
    """What the critical path's caption says: its length, its days of work, the chain."""
    names = dict(zip(tasks["task_id"], tasks["name"], strict=True))
    days = int(tasks.set_index("task_id").loc[critical, "duration_days"].sum()) if critical else 0
    return {
        "count": len(critical),
        "days": days,
        "chain": " → ".join(f"{c} {names[c]}" for c in critical),
    }
