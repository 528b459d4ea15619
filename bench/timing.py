"""Helpers shared by the bench scripts that time one call several times: the timing, and
the photo-sized opaque noise layer several of them time on."""
from __future__ import annotations

import statistics
import time

import numpy as np


def median_ms(run, runs: int) -> float:
    """The median wall time of `runs` calls of `run()`, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def opaque_noise(w: int, h: int) -> np.ndarray:
    """A w x h RGBA layer of seeded random colours, fully opaque (the same every run)."""
    pixels = np.random.default_rng(0).integers(0, 256, (h, w, 4), dtype=np.uint8)
    pixels[..., 3] = 255
    return pixels
