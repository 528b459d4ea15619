"""Resampling layer pixels through an affine transform (Free Transform, Image Size).

The work is done by Pillow on premultiplied RGBA ("RGBa"), so transparent
edges do not turn dark. Shrinking first goes through a Lanczos resize, which
filters properly, and the remaining rotation/flip/sub-pixel placement uses
bicubic interpolation; enlarging uses bicubic directly.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box

# (a, b, c, d, e, f): a layer-local point (u, v) lands on canvas point
# (a*u + b*v + c, d*u + e*v + f). Coordinates are continuous: pixel (0, 0)
# covers [0, 1) x [0, 1).
Affine = tuple[float, float, float, float, float, float]


def transformed_bounds(affine: Affine, width: int, height: int) -> Box:
    a, b, c, d, e, f = affine
    xs = [a * u + b * v + c for u, v in ((0, 0), (width, 0), (0, height), (width, height))]
    ys = [d * u + e * v + f for u, v in ((0, 0), (width, 0), (0, height), (width, height))]
    # Tolerate float noise so that exact placements do not grow by a pixel.
    x0, y0 = math.floor(min(xs) + 1e-6), math.floor(min(ys) + 1e-6)
    x1, y1 = math.ceil(max(xs) - 1e-6), math.ceil(max(ys) - 1e-6)
    return Box(x0, y0, x1 - x0, y1 - y0)


def transform_pixels(pixels: np.ndarray, affine: Affine,
                     clip: Optional[Box] = None) -> tuple[np.ndarray, int, int]:
    """Straight RGBA `pixels` transformed by `affine`; returns (pixels, x, y) on the canvas.

    `clip` limits the result to a canvas box (to bound memory when a layer is
    enlarged far beyond the canvas).
    """
    from PIL import Image

    h, w = pixels.shape[:2]
    bounds = transformed_bounds(affine, w, h)
    if clip is not None:
        bounds = bounds.intersect(clip)
    if bounds.is_empty() or w == 0 or h == 0:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    a, b, c, d, e, f = affine
    source = Image.fromarray(np.ascontiguousarray(pixels), "RGBA").convert("RGBa")
    # Shrink along each layer axis with a proper low-pass filter first.
    su, sv = math.hypot(a, d), math.hypot(b, e)
    ru, rv = 1.0, 1.0
    if su < 1.0 or sv < 1.0:
        nw = max(1, round(w * min(1.0, su)))
        nh = max(1, round(h * min(1.0, sv)))
        if (nw, nh) != (w, h):
            source = source.resize((nw, nh), Image.Resampling.LANCZOS)
            ru, rv = nw / w, nh / h
    a, d = a / ru, d / ru
    b, e = b / rv, e / rv
    det = a * e - b * d
    if abs(det) < 1e-12:
        return np.zeros((0, 0, 4), np.uint8), 0, 0
    # Pillow wants, for each output point, the source point: the inverse map.
    ia, ib = e / det, -b / det
    id_, ie = -d / det, a / det
    ox, oy = bounds.x - c, bounds.y - f
    data = (ia, ib, ia * ox + ib * oy, id_, ie, id_ * ox + ie * oy)
    out = source.transform((bounds.w, bounds.h), Image.Transform.AFFINE, data,
                           resample=Image.Resampling.BICUBIC)
    return np.asarray(out.convert("RGBA")).copy(), bounds.x, bounds.y
