"""The round brush's dabs, shared by the Brush, Pencil and Eraser tools, Quick Mask painting
and Stroke Path: one dab's coverage (hard, soft by `hardness`, or aliased as the Pencil's:
a pixel is in or out), and the coverage of a
line of dabs along a polyline, spaced at a quarter of the diameter as the brush spaces
them (Photoshop's default spacing); with Brush Settings' tip (brush_tip.py) a
dab may also be flattened, turned or a sampled image."""
from __future__ import annotations

import math

import cv2
import numpy as np

from engine.box import Box

SPACING = 0.25  # of the diameter, between dabs


def dab_mask(cx: float, cy: float, diameter: float, hardness: float,
             aliased: bool = False, angle: float = 0.0, roundness: float = 1.0,
             sample: np.ndarray | None = None) -> tuple[np.ndarray, Box]:
    """Coverage (0..1 float32) of a round dab centred at (cx, cy), and the pixel box it
    covers. `aliased` (the Pencil's): 1 where a pixel's centre lies within the dab, else 0,
    the centre moved to the nearest pixel centre (odd diameters) or corner (even ones), so
    that a dab is the same round shape wherever it falls and a 1-px pencil paints the pixel
    under the pointer. Brush Settings' tip: `roundness` < 1 flattens the dab to an
    ellipse whose long axis lies at `angle` (degrees counter-clockwise); a `sample` (uint8,
    255 = paint) is drawn instead of the disc (`sampled_dab`, hardness not used)."""
    if sample is not None:
        return sampled_dab(cx, cy, diameter, angle, roundness, sample, aliased)
    if roundness < 1.0:
        return _elliptical(cx, cy, diameter, hardness, aliased, angle, roundness)
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


def _elliptical(cx: float, cy: float, diameter: float, hardness: float, aliased: bool,
                angle: float, roundness: float) -> tuple[np.ndarray, Box]:
    """`dab_mask`'s flattened dab: the round dab's profile over the ellipse's normalised
    distance, its edge measured in pixels along the short axis too (the AA stays 1 px)."""
    r = max(diameter / 2.0, 0.5)
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    b = max(r * roundness, 0.5)
    ex, ey = math.hypot(r * c, b * s), math.hypot(r * s, b * c)
    x0, y0 = math.floor(cx - ex), math.floor(cy - ey)
    x1, y1 = math.ceil(cx + ex), math.ceil(cy + ey)
    yy, xx = np.ogrid[y0:y1, x0:x1]
    dx, dy = xx + 0.5 - cx, yy + 0.5 - cy
    u = dx * c - dy * s          # along the long axis (y points down on the canvas)
    v = dx * s + dy * c          # across it
    q = np.sqrt((u / r) ** 2 + (v / b) ** 2).astype(np.float32)  # 1 on the edge
    if aliased:
        mask = q <= 1.0
    elif hardness >= 0.99:
        # (1 - q) times the local radius along that direction: pixels inside the edge
        local = np.float32(r * b) / np.sqrt((b * u) ** 2 + (r * v) ** 2 + 1e-12).astype(
            np.float32) * np.sqrt(u * u + v * v).astype(np.float32)
        mask = np.where(q < 0.5, 1.0, np.clip((1.0 - q) * local + 0.5, 0.0, 1.0))  # (centre: 0/0)
    else:
        inner = hardness
        k = np.clip((q - inner) / max(1.0 - inner, 1e-6), 0.0, 1.0)
        mask = 1.0 - k * k * (3.0 - 2.0 * k)
    return mask.astype(np.float32), Box(x0, y0, x1 - x0, y1 - y0)


def sampled_dab(cx: float, cy: float, diameter: float, angle: float, roundness: float,
                sample: np.ndarray, aliased: bool):
    """Coverage (0..1 float32) and Box of a sampled tip's dab centred at (cx, cy): the
    image scaled so its longest side is `diameter`, flattened to `roundness` across and
    turned by `angle` (degrees counter-clockwise); the Pencil's `aliased` dab is in or out."""
    th, tw = sample.shape
    s = diameter / max(th, tw)
    src = sample
    if s < 0.5:  # shrink with area averaging first: warpAffine alone would alias
        src = cv2.resize(sample, (max(1, round(tw * s * 2)), max(1, round(th * s * 2))),
                         interpolation=cv2.INTER_AREA)
    sh, sw = src.shape
    kx, ky = sw / tw, sh / th          # src pixels per sample pixel
    t = math.radians(angle)
    c, n = math.cos(t), math.sin(t)
    hw, hh = tw * s / 2, th * s * roundness / 2
    ex, ey = abs(c) * hw + abs(n) * hh, abs(n) * hw + abs(c) * hh
    x0, y0 = math.floor(cx - ex), math.floor(cy - ey)
    x1, y1 = math.ceil(cx + ex), math.ceil(cy + ey)
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    ox, oy = 0.5 + x0 - cx, 0.5 + y0 - cy
    # Output pixel (j, i) -> its offset o from the centre -> turned back by the angle
    # (u along the tip, v across) -> the sample pixel it shows (centres at integers).
    sx, sy = kx / s, ky / (s * roundness)
    m = np.array([[c * sx, -n * sx, (c * ox - n * oy) * sx + sw / 2 - 0.5],
                  [n * sy, c * sy, (n * ox + c * oy) * sy + sh / 2 - 0.5]], np.float64)
    out = cv2.warpAffine(src, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    mask = out.astype(np.float32) * np.float32(1 / 255)
    if aliased:
        mask = (mask >= 0.5).astype(np.float32)
    return mask, Box(x0, y0, w, h)


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
