"""numba kernel of layer_effects._grown_from_edge: the reach of a shape's partly
transparent pixels, each pixel q of alpha a (0 < a < 1) reaching every pixel p by
a - |p - q| (the edge lies a - 1/2 beyond its centre), the largest reach kept. It goes
over those pixels only, each within the window it can reach: a hard-edged shape has a
rim of them, so this costs little; `_grown_from_edge` measures the cost first and keeps
its levels' approximation where it would be too much (a large soft layer)."""

from __future__ import annotations

import math

from numba import njit


@njit(cache=True, nogil=True)
def soft_reach(alpha, best, full, reach):  # pragma: no cover (compiled)
    """`best` (float32, alpha's shape) raised, in place, to a - |p - q| for every pixel q
    of `alpha` with 0 < a < `full`, over the pixels p within `reach` of it (Euclidean
    distance between pixel centres)."""
    h, w = alpha.shape
    for y in range(h):
        for x in range(w):
            a = alpha[y, x]
            if a <= 0 or a >= full:
                continue
            for dy in range(-reach, reach + 1):
                yy = y + dy
                if yy < 0 or yy >= h:
                    continue
                for dx in range(-reach, reach + 1):
                    xx = x + dx
                    if xx < 0 or xx >= w:
                        continue
                    v = a - math.sqrt(dy * dy + dx * dx)
                    if v > best[yy, xx]:
                        best[yy, xx] = v
