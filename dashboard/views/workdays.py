"""Working days: Monday to Friday but French public holidays (the `holidays`
package's calendar for France), for the durations a committee reads (pure)."""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays
import numpy as np
import pandas as pd


@cache
def _closed(first_year: int, last_year: int) -> np.ndarray:
    days = holidays.country_holidays("FR", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def _counts(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Working days from each `first` to its `last` day (datetime64[D]), both
    included; 0 when `last` is before `first`."""
    if len(first) == 0:
        return np.zeros(0, dtype="int64")
    years = np.concatenate([first, last]).astype("datetime64[Y]").astype(int) + 1970
    closed = _closed(int(years.min()), int(years.max()))
    ahead = np.maximum(last + np.timedelta64(1, "D"), first)
    return np.busday_count(first, ahead, holidays=closed).astype("int64")


def count(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included (0 when `end` is before)."""
    return int(_counts(np.array([start], "datetime64[D]"), np.array([end], "datetime64[D]"))[0])


def remaining(tasks: pd.DataFrame) -> pd.Series:
    """Each task's remaining work in working days: its working days times the share
    not done (`start`, `end`, `progress` in percent; a task without dates: 1)."""
    start = pd.to_datetime(tasks["start"]).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(tasks["end"]).to_numpy(dtype="datetime64[D]")
    dated = ~(np.isnat(start) | np.isnat(end))
    days = np.zeros(len(tasks), dtype="int64")
    days[dated] = _counts(start[dated], end[dated])
    done = pd.to_numeric(tasks["progress"], errors="coerce").fillna(0.0).clip(0.0, 100.0)
    left = np.round(days * (1 - done.to_numpy(dtype=float) / 100)).astype("int64")
    return pd.Series(np.where(dated, left, 1), index=tasks.index, dtype="int64")
