"""The Kuwahara filter (Facet, Oil Paint): each pixel the mean of whichever of the four
squares of side radius + 1 that have it as a corner has the least luma variance, so flat
patches form and edges stay (box sums by OpenCV, no loop over pixels)."""
from __future__ import annotations

import numpy as np

from .canvas_hash import luma


def kuwahara(a: np.ndarray, radius: int) -> np.ndarray:
    """float32 `a` (channels last, colour first) Kuwahara-filtered, the edges repeated."""
    import cv2

    a = np.ascontiguousarray(a, np.float32)
    light = luma(a)
    k = int(radius) + 1
    best_var, best = None, None
    for anchor in ((0, 0), (k - 1, 0), (0, k - 1), (k - 1, k - 1)):
        def box(x, anchor=anchor):
            return cv2.boxFilter(x, -1, (k, k), anchor=anchor, borderType=cv2.BORDER_REPLICATE)
        m = box(light)
        var = box(light * light) - m * m
        mean = box(a)
        if best is None:
            best_var, best = var, mean
        else:
            lower = var < best_var
            best_var = np.where(lower, var, best_var)
            best = np.where(lower[..., None], mean, best)
    return best
