"""The words of the task states; the rules themselves are SQL.

States at a situation date are computed by the `task_states(situation, threshold)`
table macro (`sql/views/task_states.sql`) and rolled up by `rollup_progress` and
`rollup_state` (`sql/views/rollups.sql`), one definition for every page and the
pack, so that "late" means the same thing on the overview, the timeline and the
site cards:

- cancelled / blocked: as the data says;
- done: status done, or progress 100;
- planned: not started at the situation date;
- late: the end has passed and the task is not done;
- at risk: progress is behind the share of the duration already elapsed by
  more than `AT_RISK_POINTS` points;
- on track: otherwise.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

STATES: tuple[str, ...] = ("done", "on_track", "at_risk", "late", "blocked", "cancelled", "planned")
AT_RISK_POINTS = 20.0

STATE_ICONS = {
    "done": "✅",
    "on_track": "🟢",
    "at_risk": "🟠",
    "late": "🔴",
    "blocked": "⛔",
    "cancelled": "⚪",
    "planned": "🔵",
}


def missing(value: object) -> bool:
    """Whether a value a query or a frame holds is missing (None, NaN, NaT, NA)."""
    return (
        value is None
        or value is pd.NaT
        or value is pd.NA
        or (isinstance(value, float) and value != value)
    )


def as_day(value: object) -> date | None:
    """A date from what a query or a frame holds (Timestamp, date, text); None for a
    missing value."""
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def default_situation(
    first_start: object, last_end: object, status_date: object, today: date
) -> date:
    """Today while the mission runs; outside its span, the data's status date."""
    s, e, k = as_day(first_start), as_day(last_end), as_day(status_date)
    if s is not None and e is not None and s <= today <= e:
        return today
    if k is not None:
        return k
    return e if e is not None and today > e else today
