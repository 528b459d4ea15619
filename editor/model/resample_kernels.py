"""numba kernels of image_resample.py: one axis of a separable resampling, each output row
(or column) a weighted sum of source rows (columns) given as tap indices and weights.
Parallel over both cores."""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(parallel=True, cache=True, nogil=True)
def along_rows(img, idx, wts, out):  # pragma: no cover (compiled)
    """out[i] = sum_t wts[i, t] * img[idx[i, t]] for float32 (h, w, c) `img`."""
    w, c = img.shape[1], img.shape[2]
    for i in prange(out.shape[0]):
        for x in range(w):
            for k in range(c):
                out[i, x, k] = 0.0
        for t in range(idx.shape[1]):
            wt = wts[i, t]
            if wt == 0.0:
                continue
            j = idx[i, t]
            for x in range(w):
                for k in range(c):
                    out[i, x, k] += wt * img[j, x, k]


@njit(parallel=True, cache=True, nogil=True)
def along_columns(img, idx, wts, out):  # pragma: no cover (compiled)
    """out[:, i] = sum_t wts[i, t] * img[:, idx[i, t]] for float32 (h, w, 4) `img`: RGBA
    only, one accumulator per channel (a loop over the channels ran 3-5x slower)."""
    taps = idx.shape[1]
    for y in prange(img.shape[0]):
        row = img[y]
        for i in range(out.shape[1]):
            a0 = np.float32(0.0)
            a1 = np.float32(0.0)
            a2 = np.float32(0.0)
            a3 = np.float32(0.0)
            for t in range(taps):
                wt = wts[i, t]
                j = idx[i, t]
                a0 += wt * row[j, 0]
                a1 += wt * row[j, 1]
                a2 += wt * row[j, 2]
                a3 += wt * row[j, 3]
            out[y, i, 0] = a0
            out[y, i, 1] = a1
            out[y, i, 2] = a2
            out[y, i, 3] = a3
