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
    of `tri`, `val` interpolated from its corners. Vectorised over the triangles: one pass
    per offset within the largest triangle's bounding box (cells are a few pixels wide)."""
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
