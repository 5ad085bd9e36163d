"""How every benchmark measures: the median of N timed runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(work: Callable[[], object], runs: int, warm_up: bool = False) -> float:
    """Median wall time of `runs` calls; `warm_up` makes one untimed call first
    (imports, first allocations, caches)."""
    if warm_up:
        work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
