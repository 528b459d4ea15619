"""The round brush's dabs, shared by the Brush, Pencil and Eraser tools, Quick Mask painting
and Stroke Path: one dab's coverage (hard, soft by `hardness`, or aliased as the Pencil's:
a pixel is in or out), and the coverage of a
line of dabs along a polyline, spaced at a quarter of the diameter as the brush spaces
them (Photoshop's default spacing)."""
from __future__ import annotations

import math

import numpy as np

from engine.box import Box

SPACING = 0.25  # of the diameter, between dabs


def dab_mask(cx: float, cy: float, diameter: float, hardness: float,
             aliased: bool = False) -> tuple[np.ndarray, Box]:
    """Coverage (0..1 float32) of a round dab centred at (cx, cy), and the pixel box it
    covers. `aliased` (the Pencil's): 1 where a pixel's centre lies within the dab, else 0,
    the centre moved to the nearest pixel centre (odd diameters) or corner (even ones), so
    that a dab is the same round shape wherever it falls and a 1-px pencil paints the pixel
    under the pointer."""
    r = max(diameter / 2.0, 0.5)
    if aliased:
        if round(diameter) % 2:
            cx, cy = math.floor(cx) + 0.5, math.floor(cy) + 0.5
        else:
            cx, cy = float(round(cx)), float(round(cy))
    x0, y0 = math.floor(cx - r), math.floor(cy - r)
    x1, y1 = math.ceil(cx + r), math.ceil(cy + r)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    d = np.hypot(xx + 0.5 - cx, yy + 0.5 - cy).astype(np.float32)
    if aliased:
        mask = d <= r
    elif hardness >= 0.99:
        mask = np.clip(r - d + 0.5, 0.0, 1.0)  # a hard edge, anti-aliased over one pixel
    else:
        inner = r * hardness
        t = np.clip((d - inner) / max(r - inner, 1e-6), 0.0, 1.0)
        mask = 1.0 - t * t * (3.0 - 2.0 * t)
    return mask.astype(np.float32), Box(x0, y0, x1 - x0, y1 - y0)


def dab_centres(points: np.ndarray, diameter: float) -> np.ndarray:
    """Where the dabs of a stroke along the polyline `points` ((n, 2) canvas pixels) fall:
    its start, then every SPACING diameters along it."""
    points = np.asarray(points, np.float64).reshape(-1, 2)
    if len(points) < 2:
        return points
    lengths = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    at = np.arange(0.0, along[-1] + 1e-9, max(1.0, diameter * SPACING))
    return np.column_stack([np.interp(at, along, points[:, 0]),
                            np.interp(at, along, points[:, 1])])


def line_coverage(polylines: list[np.ndarray], diameter: float, hardness: float,
                  within: Box) -> tuple[Box, np.ndarray]:
    """The coverage (0..1 float32) of dabs along each polyline, inside canvas box `within`:
    (box, coverage of that box). Overlapping dabs keep the strongest (a stroke's opacity
    is its ceiling, as the brush's is), so a line is even however its dabs overlap."""
    r = max(diameter / 2.0, 0.5)
    centres = [dab_centres(p, diameter) for p in polylines if len(p)]
    centres = np.concatenate(centres) if centres else np.zeros((0, 2))
    if not len(centres):
        return Box(0, 0, 0, 0), np.zeros((0, 0), np.float32)
    lo = np.floor(centres.min(axis=0) - r).astype(int)
    hi = np.ceil(centres.max(axis=0) + r).astype(int)
    box = Box(int(lo[0]), int(lo[1]), int(hi[0] - lo[0]), int(hi[1] - lo[1])).intersect(within)
    out = np.zeros((max(0, box.h), max(0, box.w)), np.float32)
    if box.is_empty():
        return box, out
    for cx, cy in centres:
        mask, dab = dab_mask(cx, cy, diameter, hardness)
        inter = dab.intersect(box)
        if inter.is_empty():
            continue
        view = out[inter.translate(-box.x, -box.y).slices()]
        np.maximum(view, mask[inter.translate(-dab.x, -dab.y).slices()], out=view)
    return box, out
