"""The numba kernels of render_over.py (a run of plain layers blended into the rows of the
8-bit screen buffer, with Qt's arithmetic: see there). Imported when first drawn: numba
costs ~0.5 s to import. Module-level functions, so that numba's disk cache finds them
again in the next process (a kernel made in a closure over another compiled function is
keyed anew, and compiled again, in each)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange

u = np.uint32


@njit(cache=True, nogil=True, inline="always")
def byte_mul(x, a):
    """Qt's BYTE_MUL: each channel of packed pixel x times a / 255, rounded as
    (t + (t >> 8) + 128) >> 8. Every step cast back to 32 bits: numba widens them to 64
    otherwise, and LLVM then does not vectorise the loop (2x slower)."""
    low = u(0xff00ff)
    t = u(u(x & low) * a)
    t = u(u(u(t + u(u(t >> u(8)) & low)) + u(0x800080)) >> u(8)) & low
    x = u(u(u(x >> u(8)) & low) * a)
    x = u(u(x + u(u(x >> u(8)) & low)) + u(0x800080)) & u(0xff00ff00)
    return u(x | t)


@njit(cache=True, nogil=True)
def row_run(row, y, sources, placed, x0, x1, seg):  # pragma: no cover (compiled)
    """Canvas row `y` (`row`, packed ARGB32 premultiplied) between columns x0 and x1 with
    each source blended into it in turn (Source Over): `placed[k]` = (x, y, premultiplied)
    of `sources[k]` (packed, straight R, G, B, A unless premultiplied B, G, R, A; a
    tuple of arrays, some of them without rows: passed over). A piece of `seg` columns
    at a time, every source blended into it before the next: the piece of the row stays
    in the core's first-level cache (a whole 4000-pixel row, 16 KB, does not beside the
    sources' rows streaming through it), and the sources are read as short runs side by
    side, which the prefetcher keeps ahead of (render_over.SEGMENT)."""
    for s0 in range(x0, x1, seg):
        s1 = min(x1, s0 + seg)
        for k in range(len(sources)):
            src = sources[k]
            ox, oy = placed[k, 0], placed[k, 1]
            sy = y - oy
            if sy < 0 or sy >= src.shape[0]:
                continue
            xa, xb = max(s0, ox), min(s1, ox + src.shape[1])
            if xb <= xa:
                continue
            s = src[sy, xa - ox:xb - ox]
            d = row[xa:xb]
            if placed[k, 2]:
                for i in range(xb - xa):
                    v = s[i]
                    d[i] = u(v + byte_mul(d[i], u(u(255) - u(v >> u(24)))))
            else:  # swapped to B, G, R, A and premultiplied as qPremultiply does
                for i in range(xb - xa):
                    v = s[i]
                    a = u(v >> u(24))
                    v = u(u(v & u(0xff00ff00)) | u(u(v & u(0xff)) << u(16))
                          | u(u(v >> u(16)) & u(0xff)))
                    v = u(u(byte_mul(v, a) & u(0xffffff)) | u(a << u(24)))
                    d[i] = u(v + byte_mul(d[i], u(u(255) - a)))


@njit(cache=True, nogil=True)
def run_serial(dst, sources, placed, y0, y1, x0, x1, seg):  # pragma: no cover (compiled)
    """Rows y0..y1 of `dst` by `row_run`, on one core."""
    for y in range(y0, y1):
        row_run(dst[y], y, sources, placed, x0, x1, seg)


@njit(cache=True, nogil=True, parallel=True)
def run_parallel(dst, sources, placed, y0, y1, x0, x1, seg):  # pragma: no cover (compiled)
    """`run_serial` on both cores."""
    for y in prange(y0, y1):
        row_run(dst[y], y, sources, placed, x0, x1, seg)
