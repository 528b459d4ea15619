"""Resampling through a triangle mesh: the part Warp (`warp.py`) and Puppet Warp
(`puppet.py`) share.

A mesh maps source triangles onto output triangles, affinely inside each. `rasterise`
writes, for every output pixel centre a triangle covers, the source point it came from
(an inverse map, interpolated from the corners); `remap` then samples straight RGBA there,
bilinearly and premultiplied (the sampling of `resample.perspective_pixels`), so transparent
edges do not turn dark. Pixels no triangle covers keep `NOWHERE`: transparent.

Pure numpy/OpenCV: no Qt here.
"""
from __future__ import annotations

import numpy as np

from .resample import premultiplied_float, straight_uint8

NOWHERE = -1e4  # the inverse map's value where no source point lands


def rasterise(tri: np.ndarray, val: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> None:
    """Writes into the maps, at every pixel centre (integer coordinates) inside a triangle
    of `tri` ((M, 3, 2)), `val` ((M, 3, 2)) interpolated from its corners; where triangles
    overlap (a fold), the later one wins.

    Two ways: many small triangles (Warp's dense mesh) are vectorised over the triangles,
    one pass per pixel offset within the largest one's box; a few large ones (Puppet Warp's
    mesh) are each drawn with their number by OpenCV, and every covered pixel then evaluates
    its triangle's affine map at once. Each costs what the other does not (a numpy pass per
    offset; a Python call per triangle), so the cheaper one is chosen. They agree inside the
    triangles; OpenCV's fill also takes pixels whose centres lie just outside an edge (within
    about half a pixel), which then get that triangle's map continued: across a shared edge
    the neighbour's map differs there by a fraction of a pixel (under 0.1 px measured on a
    bent Puppet Warp mesh)."""
    if len(tri) == 0:
        return
    span = tri.max(axis=1) - tri.min(axis=1)
    passes = float(np.prod(np.ceil(span.max(axis=0)) + 1))
    if len(tri) < 20 * passes:
        _rasterise_by_number(tri, val, map_x, map_y)
    else:
        _rasterise_by_offset(tri, val, map_x, map_y)


def _rasterise_by_number(tri, val, map_x, map_y) -> None:
    """`rasterise` for a few large triangles: drawn with their numbers (OpenCV's fill takes
    the pixels whose centres are on or inside the edges), then each covered pixel's value
    from its triangle's affine map (value = c + gx * x + gy * y)."""
    import cv2

    tri = tri.astype(np.float64)
    val = val.astype(np.float64)
    x0, y0 = tri[:, 0, 0], tri[:, 0, 1]
    ex1, ey1 = tri[:, 1, 0] - x0, tri[:, 1, 1] - y0
    ex2, ey2 = tri[:, 2, 0] - x0, tri[:, 2, 1] - y0
    det = ex1 * ey2 - ex2 * ey1
    ok = np.abs(det) > 1e-12  # collapsed: nothing
    safe = np.where(ok, det, 1.0)
    a1, b1, a2, b2 = ey2 / safe, -ex2 / safe, -ey1 / safe, ex1 / safe
    d1, d2 = val[:, 1] - val[:, 0], val[:, 2] - val[:, 0]  # (M, 2)
    gx = a1[:, None] * d1 + a2[:, None] * d2
    gy = b1[:, None] * d1 + b2[:, None] * d2
    c = val[:, 0] - gx * x0[:, None] - gy * y0[:, None]
    height, width = map_x.shape
    lo, hi = tri.min(axis=1), tri.max(axis=1)
    ok &= (hi[:, 0] >= 0) & (hi[:, 1] >= 0) & (lo[:, 0] <= width - 1) & (lo[:, 1] <= height - 1)
    chosen = np.flatnonzero(ok)
    if len(chosen) == 0:
        return
    # Only the box the drawn triangles cover is worked on.
    x_lo, y_lo = (max(0, int(np.floor(v))) for v in lo[chosen].min(axis=0))
    x_hi = min(width, int(np.ceil(hi[chosen, 0].max())) + 1)
    y_hi = min(height, int(np.ceil(hi[chosen, 1].max())) + 1)
    numbers = np.full((y_hi - y_lo, x_hi - x_lo), -1, np.int32)
    corners = np.rint((tri - (x_lo, y_lo)) * 16)
    big = 1 << 20  # OpenCV's drawing takes int32 corners: far-off ones clamped (same lines)
    corners = np.clip(corners, -big * 16, big * 16).astype(np.int32)
    for n in chosen:
        cv2.fillConvexPoly(numbers, corners[n], int(n), lineType=cv2.LINE_8, shift=4)
    # The tables in float32 relative to the box (pixel values of a few thousand: exact to
    # a thousandth); number -1 (nothing drawn) takes the last entry, NaN, and is not written.
    c = c + gx * x_lo + gy * y_lo
    table = [np.append(v.astype(np.float32), np.float32(np.nan)) for v in
             (c[:, 0], gx[:, 0], gy[:, 0], c[:, 1], gx[:, 1], gy[:, 1])]
    xs = np.arange(x_hi - x_lo, dtype=np.float32)[None, :]
    ys = np.arange(y_hi - y_lo, dtype=np.float32)[:, None]
    drawn = numbers >= 0
    for target, (c0, cx, cy) in ((map_x, table[:3]), (map_y, table[3:])):
        value = np.take(c0, numbers, mode="wrap")
        value += np.take(cx, numbers, mode="wrap") * xs
        value += np.take(cy, numbers, mode="wrap") * ys
        np.copyto(target[y_lo:y_hi, x_lo:x_hi], value, where=drawn)


def _rasterise_by_offset(tri, val, map_x, map_y) -> None:
    """`rasterise` for many small triangles: vectorised over the triangles, one pass per
    offset within the largest triangle's bounding box (cells are a few pixels wide)."""
    height, width = map_x.shape
    tri = tri.astype(np.float64)
    lo = np.ceil(tri.min(axis=1) - 1e-6).astype(np.int64)
    hi = np.floor(tri.max(axis=1) + 1e-6).astype(np.int64)
    lo = np.maximum(lo, 0)
    hi = np.minimum(hi, (width - 1, height - 1))
    x0, y0 = tri[:, 0, 0], tri[:, 0, 1]
    ex1, ey1 = tri[:, 1, 0] - x0, tri[:, 1, 1] - y0
    ex2, ey2 = tri[:, 2, 0] - x0, tri[:, 2, 1] - y0
    det = ex1 * ey2 - ex2 * ey1
    keep = (np.abs(det) > 1e-12) & (hi >= lo).all(axis=1)  # collapsed or off the map: nothing
    if not keep.any():
        return
    lo, hi, det, val = lo[keep], hi[keep], det[keep], val[keep].astype(np.float64)
    x0, y0, ex1, ey1, ex2, ey2 = (v[keep] for v in (x0, y0, ex1, ey1, ex2, ey2))
    # Barycentric l1, l2 are linear in the pixel: a base at the box's corner plus steps.
    a1, b1, a2, b2 = ey2 / det, -ex2 / det, -ey1 / det, ex1 / det
    rx, ry = lo[:, 0] - x0, lo[:, 1] - y0
    l1_base, l2_base = rx * a1 + ry * b1, rx * a2 + ry * b2
    v0, d1, d2 = val[:, 0], val[:, 1] - val[:, 0], val[:, 2] - val[:, 0]
    span = hi - lo
    eps = 1e-7
    for dy in range(int(span[:, 1].max()) + 1):
        rows = np.flatnonzero(span[:, 1] >= dy)
        r1 = l1_base[rows] + dy * b1[rows]
        r2 = l2_base[rows] + dy * b2[rows]
        ra1, ra2, rspan = a1[rows], a2[rows], span[rows, 0]
        for dx in range(int(rspan.max()) + 1):
            l1 = r1 + dx * ra1
            l2 = r2 + dx * ra2
            inside = (l1 >= -eps) & (l2 >= -eps) & (l1 + l2 <= 1 + eps) & (rspan >= dx)
            if not inside.any():
                continue
            k = rows[inside]
            l1, l2 = l1[inside, None], l2[inside, None]
            value = v0[k] + l1 * d1[k] + l2 * d2[k]
            py, px = lo[k, 1] + dy, lo[k, 0] + dx
            map_x[py, px] = value[:, 0]
            map_y[py, px] = value[:, 1]


def remap(pixels: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    """Straight RGBA `pixels` sampled at the inverse map (OpenCV's convention: pixel centres at
    integers; `NOWHERE` and any point off the array: transparent), bilinearly, premultiplied."""
    import cv2

    out = cv2.remap(premultiplied_float(pixels), map_x, map_y, interpolation=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return straight_uint8(out)
