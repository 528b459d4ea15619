"""The numba kernel of `cell_filters.voronoi` (Crystallize, Pointillize): the nearest of the
seeds, one per square of a grid, for every pixel of a crop. Imported when first used, so
numba stays out of the editor's start-up."""
from __future__ import annotations

import math

from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def nearest_seed(seed_x, seed_y, gx0, gy0, size, x0, y0, labels, dist):  # pragma: no cover
    """For each pixel of a crop whose corner is canvas (x0, y0): the index (row-major in the
    seed grid whose first square is (gx0, gy0)) of the nearest seed, and its distance."""
    gh, gw = seed_x.shape
    for r in prange(labels.shape[0]):
        y = y0 + r + 0.5
        gy = int(math.floor(y / size)) - gy0
        for c in range(labels.shape[1]):
            x = x0 + c + 0.5
            gx = int(math.floor(x / size)) - gx0
            best, at = 1e300, 0
            for i in range(max(gy - 2, 0), min(gy + 3, gh)):
                for j in range(max(gx - 2, 0), min(gx + 3, gw)):
                    d = (seed_x[i, j] - x) ** 2 + (seed_y[i, j] - y) ** 2
                    if d < best:
                        best, at = d, i * gw + j
            labels[r, c] = at
            dist[r, c] = math.sqrt(best)
