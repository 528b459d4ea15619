"""numba kernels of image_resample.py: one axis of a separable resampling, each output row
(or column) a weighted sum of source rows (columns) given as tap indices and weights.
Parallel over both cores; scipy's sparse products did the same 3-4x slower (single
thread, with a transpose copy between the axes)."""

from __future__ import annotations

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
    """out[:, i] = sum_t wts[i, t] * img[:, idx[i, t]] for float32 (h, w, c) `img`."""
    c = img.shape[2]
    for y in prange(img.shape[0]):
        for i in range(out.shape[1]):
            for k in range(c):
                out[y, i, k] = 0.0
            for t in range(idx.shape[1]):
                wt = wts[i, t]
                if wt == 0.0:
                    continue
                j = idx[i, t]
                for k in range(c):  # (the channels of a pixel lie together in memory)
                    out[y, i, k] += wt * img[y, j, k]
