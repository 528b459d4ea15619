"""Timing helper shared by the bench scripts that time one call several times."""
from __future__ import annotations

import statistics
import time


def median_ms(run, runs: int) -> float:
    """The median wall time of `runs` calls of `run()`, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
