"""numba kernels of patterns.tile(): the bilinear samples of a scaled or turned pattern,
one pass per output pixel instead of numpy's dozen full-size float temporaries (a
canvas-sized turned pattern took 1.5-3 s in numpy, which stalled the Pattern Fill
dialog's live preview). They reproduce the numpy arithmetic exactly, operation by
operation and in the same float widths (float64 coordinates, float32 weights and sums),
so the result is the same to the bit: hence no fastmath (it would reorder and fuse)."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

_ZERO = np.float32(0)
_MAX = np.float32(255)


@njit(cache=True, nogil=True, inline="always")
def _clip(value):  # pragma: no cover (compiled)
    if value < _ZERO:
        return _ZERO
    if value > _MAX:
        return _MAX
    return value


@njit(cache=True, nogil=True, inline="always")
def _store(out, y, x, r, g, b, a, opaque):  # pragma: no cover (compiled)
    """Premultiplied float32 RGBA (0..255) as straight uint8, rounded half to even."""
    r, g, b, a = _clip(r), _clip(g), _clip(b), _clip(a)
    if not opaque:
        r, g, b = min(r, a), min(g, a), min(b, a)  # premultiplied: colour <= alpha
        if a > _ZERO:
            r, g, b = _clip(r * _MAX / a), _clip(g * _MAX / a), _clip(b * _MAX / a)
    out[y, x, 0] = np.uint8(np.rint(r))
    out[y, x, 1] = np.uint8(np.rint(g))
    out[y, x, 2] = np.uint8(np.rint(b))
    out[y, x, 3] = np.uint8(np.rint(a))


@njit(cache=True, nogil=True, inline="always")
def _four(src, c, y0, x0, y1, x1, w00, w01, w10, w11):  # pragma: no cover (compiled)
    """Channel `c` of the four taps mixed, summed in numpy's order (float32)."""
    v = src[y0, x0, c] * w00
    v += src[y0, x1, c] * w01
    v += src[y1, x0, c] * w10
    v += src[y1, x1, c] * w11
    return v


@njit(cache=True, nogil=True, inline="always")
def _two(columns, c, t0, t1, j, w0, w1):  # pragma: no cover (compiled)
    """Channel `c` of two rows of interpolated columns mixed, in numpy's order."""
    v = columns[t0, j, c] * w0
    v += columns[t1, j, c] * w1
    return v


@njit(parallel=True, cache=True, nogil=True)
def turned(src, dx, dy, c, s, offset, opaque, out):  # pragma: no cover (compiled)
    """out[y, x] = the premultiplied float32 tile `src` sampled at tile coordinates
    (c dx - s dy, s dx + c dy) - offset, wrapped around, bilinearly."""
    th, tw = src.shape[0], src.shape[1]
    for y in prange(dy.shape[0]):
        row = dy[y]
        for x in range(dx.shape[0]):
            u = c * dx[x] - s * row - offset
            v = s * dx[x] + c * row - offset
            bu, bv = np.floor(u), np.floor(v)
            fu, fv = u - bu, v - bv
            wx0, wx1 = np.float32(1 - fu), np.float32(fu)
            wy0, wy1 = np.float32(1 - fv), np.float32(fv)
            x0, y0 = np.int64(bu), np.int64(bv)
            x1, y1 = (x0 + 1) % tw, (y0 + 1) % th
            x0, y0 = x0 % tw, y0 % th
            w00, w01, w10, w11 = wy0 * wx0, wy0 * wx1, wy1 * wx0, wy1 * wx1
            _store(out, y, x,
                   _four(src, 0, y0, x0, y1, x1, w00, w01, w10, w11),
                   _four(src, 1, y0, x0, y1, x1, w00, w01, w10, w11),
                   _four(src, 2, y0, x0, y1, x1, w00, w01, w10, w11),
                   _four(src, 3, y0, x0, y1, x1, w00, w01, w10, w11), opaque)


@njit(parallel=True, cache=True, nogil=True)
def rows(columns, taps, weights, at_x, at_y, opaque, out):  # pragma: no cover (compiled)
    """The separable (unturned) case: out[y, x] = the mix of rows taps[i] of `columns`
    (premultiplied float32, already interpolated along x) with float32 weights[i], at
    column at_x[x] and i = at_y[y] (the distinct samples each pixel takes)."""
    for y in prange(out.shape[0]):
        i = at_y[y]
        t0, t1 = taps[i, 0], taps[i, 1]
        w0, w1 = weights[i, 0], weights[i, 1]
        for x in range(out.shape[1]):
            j = at_x[x]
            _store(out, y, x, _two(columns, 0, t0, t1, j, w0, w1),
                   _two(columns, 1, t0, t1, j, w0, w1), _two(columns, 2, t0, t1, j, w0, w1),
                   _two(columns, 3, t0, t1, j, w0, w1), opaque)
