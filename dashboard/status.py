"""Task states at a situation date and their rollups (pure, no Streamlit).

One set of rules for every page, so that "late" means the same thing on the
overview, the timeline and the site cards:

- cancelled / blocked: as the data says;
- done: status done, or progress 100;
- planned: not started at the situation date;
- late: the end has passed and the task is not done;
- at risk: progress is behind the share of the duration already elapsed by
  more than `threshold` points;
- on track: otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

STATES: tuple[str, ...] = ("done", "on_track", "at_risk", "late", "blocked", "cancelled", "planned")
AT_RISK_POINTS = 20.0


def _day(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def duration_days(start: date, end: date) -> int:
    """Calendar days a task spans, both ends included (a milestone: 1)."""
    return max((end - start).days + 1, 1)


def elapsed_share(start: date, end: date, situation: date) -> float:
    """Share of the task's duration elapsed before the situation date, 0 to 1."""
    days = (situation - start).days
    return min(max(days / duration_days(start, end), 0.0), 1.0)


def task_state(
    start: object,
    end: object,
    progress: float | None,
    status: str | None,
    situation: date,
    threshold: float = AT_RISK_POINTS,
) -> str:
    if status in ("cancelled", "blocked"):
        return str(status)
    pct = 0.0 if progress is None or progress != progress else float(progress)
    if status == "done" or pct >= 100:
        return "done"
    s, e = _day(start), _day(end)
    if s is None or e is None:
        return "planned"
    if situation < s:
        return "planned"
    if e < situation:
        return "late"
    if elapsed_share(s, e, situation) * 100 - pct > threshold:
        return "at_risk"
    return "on_track"


def with_states(
    tasks: pd.DataFrame, situation: date, threshold: float = AT_RISK_POINTS
) -> pd.DataFrame:
    """Tasks with `state`, `duration_days` and `days_late` at the situation date."""
    out = tasks.copy()
    states, durations, late = [], [], []
    for rec in out.to_dict("records"):
        state = task_state(
            rec.get("start"),
            rec.get("end"),
            rec.get("progress"),
            rec.get("status"),
            situation,
            threshold,
        )
        s, e = _day(rec.get("start")), _day(rec.get("end"))
        states.append(state)
        durations.append(duration_days(s, e) if s and e else 1)
        late.append((situation - e).days if state == "late" and e else 0)
    out["state"] = pd.Series(states, index=out.index, dtype="object")
    out["duration_days"] = pd.Series(durations, index=out.index, dtype="int64")
    out["days_late"] = pd.Series(late, index=out.index, dtype="int64")
    return out


def rollup_progress(tasks: pd.DataFrame) -> float | None:
    """Duration-weighted mean progress (0-100), cancelled tasks left out."""
    live = tasks[tasks["state"] != "cancelled"]
    if live.empty:
        return None
    weights = live["duration_days"].astype(float)
    progress = live["progress"].astype(float).fillna(0.0).clip(0, 100)
    progress = progress.where(live["state"] != "done", 100.0)
    return float((progress * weights).sum() / weights.sum())


def rollup_state(states: Iterable[str]) -> str | None:
    """One state for a group of tasks: the worst that matters to a committee."""
    live = [s for s in states if s != "cancelled"]
    if not live:
        return None
    if all(s == "done" for s in live):
        return "done"
    for state in ("late", "blocked", "at_risk"):
        if state in live:
            return "at_risk" if state == "blocked" else state
    if any(s in ("on_track", "done") for s in live):
        return "on_track"
    return "planned"


STATE_ICONS = {
    "done": "✅",
    "on_track": "🟢",
    "at_risk": "🟠",
    "late": "🔴",
    "blocked": "⛔",
    "cancelled": "⚪",
    "planned": "🔵",
}


def default_situation(
    first_start: object, last_end: object, status_date: object, today: date
) -> date:
    """Today while the mission runs; outside its span, the data's status date."""
    s, e, k = _day(first_start), _day(last_end), _day(status_date)
    if s is not None and e is not None and s <= today <= e:
        return today
    if k is not None:
        return k
    return e if e is not None and today > e else today


def group_rollups(tasks: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group (in order of first start): `progress`, `state` and `tasks` count."""
    rows = []
    for key, group in tasks.groupby(by, sort=False, dropna=True):
        rows.append(
            {
                by: key,
                "progress": rollup_progress(group) or 0.0,
                "state": rollup_state(group["state"]) or "planned",
                "tasks": len(group),
            }
        )
    return pd.DataFrame(rows, columns=[by, "progress", "state", "tasks"])


def site_rollups(tasks: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """One row per site (file order): name, `progress`, `state`, `tasks`."""
    rollups = group_rollups(tasks, "site_id").set_index("site_id")
    rows = []
    for site in sites.to_dict("records"):
        sid = site["site_id"]
        if sid in rollups.index:
            r = rollups.loc[sid]
            rows.append(
                {
                    "site_id": sid,
                    "name": site["name"],
                    "progress": float(r["progress"]),
                    "state": str(r["state"]),
                    "tasks": int(r["tasks"]),
                }
            )
        else:
            rows.append(
                {"site_id": sid, "name": site["name"], "progress": 0.0, "state": None, "tasks": 0}
            )
    return pd.DataFrame(rows, columns=["site_id", "name", "progress", "state", "tasks"])


def next_milestone(tasks: pd.DataFrame, situation: date) -> dict[str, object] | None:
    """The first milestone on or after the situation date that is not done or cancelled."""
    best: dict[str, object] | None = None
    for rec in tasks.to_dict("records"):
        start = _day(rec.get("start"))
        if not rec.get("milestone") or start is None or start < situation:
            continue
        if rec.get("state") in ("done", "cancelled"):
            continue
        if best is None or start < best["start"]:  # type: ignore[operator]
            best = {"task_id": rec.get("task_id"), "name": rec.get("name"), "start": start}
    return best
