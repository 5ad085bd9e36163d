"""Working days: Monday to Friday but French public holidays (the `holidays`
package's calendar for France), for the durations a committee reads (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays
import numpy as np
import pandas as pd


@cache
def _closed(first_year: int, last_year: int) -> np.ndarray:
    days = holidays.country_holidays("FR", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def count(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included (0 when `end` is before)."""
    if end < start:
        return 0
    closed = _closed(start.year, end.year)
    return int(np.busday_count(start, end + timedelta(days=1), holidays=closed))


def remaining(tasks: pd.DataFrame) -> pd.Series:
    """Each task's remaining work in working days: its working days times the share
    not done (`start`, `end`, `progress` in percent; a task without dates: 1)."""
    start = pd.to_datetime(tasks["start"]).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(tasks["end"]).to_numpy(dtype="datetime64[D]")
    dated = ~(np.isnat(start) | np.isnat(end))
    days = np.zeros(len(tasks), dtype="int64")
    if dated.any():
        first, last = start[dated], end[dated]
        years = np.concatenate([first, last]).astype("datetime64[Y]").astype(int) + 1970
        closed = _closed(int(years.min()), int(years.max()))
        # a task that ends before it starts has no working day (as `count`)
        ahead = np.maximum(last + np.timedelta64(1, "D"), first)
        days[dated] = np.busday_count(first, ahead, holidays=closed)
    done = pd.to_numeric(tasks["progress"], errors="coerce").fillna(0.0).clip(0.0, 100.0)
    left = np.round(days * (1 - done.to_numpy(dtype=float) / 100)).astype("int64")
    return pd.Series(np.where(dated, left, 1), index=tasks.index, dtype="int64")
