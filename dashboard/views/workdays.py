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
    out = []
    for start, end, progress in zip(tasks["start"], tasks["end"], tasks["progress"], strict=True):
        if pd.isna(start) or pd.isna(end):
            out.append(1)
            continue
        days = count(pd.Timestamp(start).date(), pd.Timestamp(end).date())
        done = 0.0 if pd.isna(progress) else min(max(float(progress), 0.0), 100.0)
        out.append(round(days * (1 - done / 100)))
    return pd.Series(out, index=tasks.index, dtype="int64")
