"""Filter > Distort > Shear, Blur > Smart Blur and Shape Blur, and Render > Fibers.

Each is an `Operation` as those of `extra_filters.py` (frozen settings, `process` on a crop
with `reach()` pixels around it, mixed with the old pixels by the selection's coverage),
registered in `more_filters.FILTERS` at the end of this module, so `filter_ops` runs,
previews, records, repeats and fades them, and puts them on smart objects, as the others.
Photoshop publishes none of their kernels: each follows its documented settings and look.

- Shear (Distort; our formula): a curve through control points (row, shift), the row 0..1
  from the top of the box (the selection's box, or the layer over the canvas) to its
  bottom and the shift a fraction of the box's width (-0.5..0.5: the grid's left and right
  edges); between the points a natural cubic spline (flat beyond the first and last), so a
  dragged point bends the line smoothly as Photoshop's grid does. Each row moves sideways
  by its shift; what comes in at the sides is what went out on the other side (Wrap
  Around) or the edge pixels repeated (Repeat Edge Pixels): `distort_filters`' `_Distort`
  (one inverse map, `remap_rgba`).
- Smart Blur (Blur): a Gaussian blur (Radius its standard deviation, as Gaussian Blur's)
  among the neighbours whose luma lies within Threshold levels of the pixel's own only:
  GIMP's Selective Gaussian Blur's rule (a hard "max delta"), which is the documented look
  of Photoshop's (edges whose contrast passes the threshold stay sharp). Computed per grey
  level L of the luma a step apart (the Gaussian of colour x [|luma - L| <= Threshold]
  over that of the indicator), interpolated between the two levels around each pixel's
  luma, as Surface Blur's levels: Quality is that step (Low: the threshold, Medium half,
  High a quarter of it; at least a level, at most SMART_LEVELS_MAX levels). Edge Only: white
  edges on black where a pixel's luma differs from its right or lower neighbour's by more
  than Threshold; Overlay Edge: those edges white over the blurred picture. Alpha stays.
- Shape Blur (Blur): the mean over a shape of side 2 Radius + 1 centred on each pixel
  (premultiplied, as Box Blur; the edges beyond the canvas repeated). The shapes are our
  own drawings (`shape_kernel`): circle, square, ring, star, heart. Exact integer sums of
  each kernel row's runs (a row's running sums), so bands give exactly what the whole does.
- Fibers (Render; our formula): the Foreground and Background colours mixed by a pattern
  of vertical fibres, opaque, as Clouds: value noise along the rows, each column (or a few)
  its own lattice, smoothly interpolated. Variance sets how long the streaks of one shade
  run (256 px at 1 down to 16 px at 64: low, long streaks, high, short, varied fibres, as
  Photoshop documents); Strength the share of the single-column threads over a 4 px wide
  weave, and how short they are (low: a loose soft weave, high: short stringy fibres). The lattice values are a hash of canvas position and seed
  (`hash01`): the same seed always gives the same fibres, whatever the bands or selection;
  Randomize draws a seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import more_filters as mf
from .canvas_hash import luma as _luma, value_noise
from .distort_filters import _Distort, _check, _shift_map
from .pixel_filters import (RADIUS_EXACT, Operation, _blend_premultiplied, _mix_colours,
                            _opaque, gaussian, gaussian_kernel_radius)

# -- Distort > Shear ------------------------------------------------------------------------

SHEAR_FILLS = ("wrap", "repeat")  # Photoshop's Undefined Areas: Wrap Around, Repeat Edge Pixels
SHEAR_LINE = ((0.0, 0.0), (1.0, 0.0))  # the straight line: Photoshop's default (Defaults)
SHEAR_POINTS_MAX = 16


def spline(points, t: np.ndarray) -> np.ndarray:
    """The natural cubic spline through `points` ((t, value) pairs, t increasing) at `t`
    (float64), flat beyond the first and last points. One or two points: constant / linear."""
    pts = sorted((float(a), float(b)) for a, b in points)
    ts = np.array([p[0] for p in pts])
    vs = np.array([p[1] for p in pts])
    t = np.asarray(t, np.float64)
    if len(pts) == 1:
        return np.full(t.shape, vs[0])
    tc = np.clip(t, ts[0], ts[-1])
    n = len(pts)
    h = np.diff(ts)
    h = np.where(h <= 0, 1e-9, h)
    # The second derivatives at the points: a tridiagonal system (natural ends: zero).
    m = np.zeros(n)
    if n > 2:
        a = np.zeros((n - 2, n - 2))
        rhs = 6 * ((vs[2:] - vs[1:-1]) / h[1:] - (vs[1:-1] - vs[:-2]) / h[:-1])
        idx = np.arange(n - 2)
        a[idx, idx] = 2 * (h[:-1] + h[1:])
        a[idx[1:], idx[:-1]] = h[1:-1]
        a[idx[:-1], idx[1:]] = h[1:-1]
        m[1:-1] = np.linalg.solve(a, rhs)
    i = np.clip(np.searchsorted(ts, tc, side="right") - 1, 0, n - 2)
    hi, t0, t1 = h[i], ts[i], ts[i + 1]
    u0, u1 = (t1 - tc), (tc - t0)
    return (m[i] * u0 ** 3 / (6 * hi) + m[i + 1] * u1 ** 3 / (6 * hi)
            + (vs[i] / hi - m[i] * hi / 6) * u0 + (vs[i + 1] / hi - m[i + 1] * hi / 6) * u1)


@dataclass(frozen=True)
class Shear(_Distort):
    label: ClassVar[str] = "Shear"
    points: tuple = SHEAR_LINE   # ((row 0..1, shift -0.5..0.5 of the width), ...)
    undefined: str = "wrap"      # SHEAR_FILLS

    def __post_init__(self):
        _check(self.undefined, SHEAR_FILLS, "undefined areas")
        if not 1 <= len(self.points) <= SHEAR_POINTS_MAX:
            raise ValueError(f"Shear's curve has 1 to {SHEAR_POINTS_MAX} points")
        for p in self.points:
            if len(p) != 2 or not (0 <= p[0] <= 1 and -0.5 <= p[1] <= 0.5):
                raise ValueError("Shear's points are (row 0..1, shift -0.5..0.5)")

    def is_identity(self) -> bool:
        return all(p[1] == 0 for p in self.points)

    def border_of(self) -> str:
        return self.undefined

    def shifts(self, h: int, w: int) -> np.ndarray:
        """float64 (h,): how far each row of an h x w box moves right (px)."""
        rows = (np.arange(h, dtype=np.float64) + 0.5) / max(h, 1)
        return spline(self.points, rows) * w

    def read_at(self, h, w, where):
        return _shift_map(h, w, self.shifts(h, w), np.zeros(w))


# -- Blur > Smart Blur ----------------------------------------------------------------------

SMART_QUALITY = ("low", "medium", "high")
SMART_MODES = ("normal", "edge", "overlay")
SMART_STEP = {"low": 1.0, "medium": 0.5, "high": 0.25}  # the levels' step / Threshold
SMART_LEVELS_MAX = 64


def luma_edges(y: np.ndarray, threshold: float) -> np.ndarray:
    """bool: where luma `y` steps by more than `threshold` to the right or below."""
    edge = np.zeros(y.shape, bool)
    edge[:, :-1] |= np.abs(y[:, 1:] - y[:, :-1]) > threshold
    edge[:-1, :] |= np.abs(y[1:, :] - y[:-1, :]) > threshold
    return edge


@dataclass(frozen=True)
class SmartBlur(Operation):
    label: ClassVar[str] = "Smart Blur"
    radius: float = 3.0       # 0.1..100 px: the Gaussian's standard deviation
    threshold: float = 25.0   # 0.1..100 levels of luma
    quality: str = "low"      # SMART_QUALITY
    mode: str = "normal"      # SMART_MODES

    def __post_init__(self):
        _check(self.quality, SMART_QUALITY, "the quality")
        _check(self.mode, SMART_MODES, "the mode")

    def reach(self) -> int:
        return int(math.ceil(3 * self.radius)) + 2

    def banded(self) -> bool:
        return self.radius <= RADIUS_EXACT  # (larger: `gaussian` reduces the whole crop)

    def levels(self) -> np.ndarray:
        step = max(1.0, float(self.threshold) * SMART_STEP[self.quality])
        n = min(SMART_LEVELS_MAX, int(math.ceil(255 / step)) + 1)
        return np.linspace(0, 255, n)

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        y = _luma(src[..., :3].astype(np.float32))
        # Colour x weight and the weight (alpha 0..1; opaque: 1): a level's indicator is a
        # mask that copies them (cv2.copyTo), so a transparent pixel lends no colour.
        pre = np.empty(src.shape, np.float32)
        pre[..., :3] = src[..., :3]
        pre[..., 3] = 1
        if not _opaque(src):
            pre *= src[..., 3:4].astype(np.float32) * np.float32(1 / 255)
        own = np.ascontiguousarray(y[inner.slices()])
        levels = self.levels()
        step = float(levels[1] - levels[0])
        t = float(self.threshold)
        h, w = own.shape
        total = np.zeros((h, w, 4), np.float32)
        exact = self.radius <= RADIUS_EXACT  # (else `gaussian` reduces the whole plane)
        k = gaussian_kernel_radius(float(self.radius)) + 1
        # Each level serves the pixels whose luma lies within a step of it (their share
        # 1 - distance / step): only the rows holding such pixels are summed, and only
        # those rows and the kernel's reach around them blurred (an exact kernel reads
        # nothing farther, so the sums there are the whole plane's).
        row_lo, row_hi = own.min(1), own.max(1)
        for level in levels:
            rows = np.flatnonzero((row_lo < level + step) & (row_hi > level - step))
            if not rows.size:
                continue  # (no pixel of the band takes this level)
            a, b = int(rows[0]), int(rows[-1]) + 1
            r0, r1 = 0, src.shape[0]
            if exact:
                r0, r1 = max(0, a + inner.y - k), min(src.shape[0], b + inner.y + k)
            inside = cv2.compare(cv2.absdiff(y[r0:r1], level), t, cv2.CMP_LE)
            plane = cv2.copyTo(pre[r0:r1], inside,
                               np.zeros((r1 - r0,) + src.shape[1:], np.float32))
            sums = gaussian(plane, float(self.radius))[a + inner.y - r0:b + inner.y - r0,
                                                       inner.x:inner.x + w]
            share = cv2.max(1 - cv2.absdiff(own[a:b], level) * np.float32(1 / step), 0)
            part = total[a:b]
            cv2.accumulateProduct(np.ascontiguousarray(sums), cv2.merge([share] * 4), part)
        den = total[..., 3:4]
        out = np.where(den > 1e-6, total[..., :3] / np.maximum(den, np.float32(1e-6)),
                       old[..., :3].astype(np.float32))
        if self.mode != "normal":
            edge = luma_edges(y, float(self.threshold))[inner.slices()]
            if self.mode == "edge":
                out = np.zeros_like(out)
            out[edge] = 255
        return _mix_colours(old, out, coverage)


# -- Blur > Shape Blur ----------------------------------------------------------------------

SHAPES = ("circle", "square", "ring", "star", "heart")


def shape_kernel(shape: str, radius: int) -> np.ndarray:
    """bool (2 radius + 1) square: the shape drawn about its centre (our own drawings)."""
    import cv2

    r = max(1, int(radius))
    d = np.arange(-r, r + 1, dtype=np.float64)
    u, v = d[None, :] / (r + 0.5), d[:, None] / (r + 0.5)  # -1..1, v down
    rr = u * u + v * v
    if shape == "square":
        k = np.ones((2 * r + 1, 2 * r + 1), bool)
    elif shape == "ring":
        k = (rr <= 1) & (rr >= 0.6 ** 2)
    elif shape == "heart":  # (x^2 + y^2 - 1)^3 <= x^2 y^3, the classic heart curve
        x, y = u * 1.2, -v * 1.2 + 0.15
        k = (x * x + y * y - 1) ** 3 - x * x * y ** 3 <= 0
    elif shape == "star":  # five points, one up; the inner corners at 0.42 of the outer
        canvas = np.zeros((2 * r + 1, 2 * r + 1), np.uint8)
        angles = -math.pi / 2 + np.arange(10) * math.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, r + 0.5, 0.42 * (r + 0.5))
        pts = np.stack([r + radii * np.cos(angles), r + radii * np.sin(angles)], 1)
        cv2.fillPoly(canvas, [np.rint(pts * 16).astype(np.int32)], 1, cv2.LINE_8, 4)
        k = canvas > 0
    else:
        k = rr <= 1
    if not k.any():
        k[r, r] = True  # (never empty)
    return k


def kernel_runs(kernel: np.ndarray) -> list[tuple[int, int, int]]:
    """The kernel's horizontal runs: (dy, first dx, last dx), offsets from its centre."""
    r = kernel.shape[0] // 2
    runs = []
    for row in range(kernel.shape[0]):
        edges = np.diff(np.concatenate([[0], kernel[row].astype(np.int8), [0]]))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
        runs += [(row - r, int(a) - r, int(b) - r) for a, b in zip(starts, ends)]
    return runs


@dataclass(frozen=True)
class ShapeBlur(Operation):
    label: ClassVar[str] = "Shape Blur"
    grows: ClassVar[bool] = True  # (it spreads onto transparent pixels, as Box Blur)
    radius: int = 10        # 5..1000 px: the shape's half side
    shape: str = "circle"   # SHAPES

    def __post_init__(self):
        _check(self.shape, SHAPES, "the shape")

    def reach(self) -> int:
        return int(self.radius)

    def process(self, src, inner, where, coverage):
        import cv2

        r = max(1, int(self.radius))
        old = src[inner.slices()]
        h, w = old.shape[:2]
        # Premultiplied in integers (colour x alpha, alpha x 255): sums of runs are exact.
        pad = cv2.copyMakeBorder(np.ascontiguousarray(src), r, r, r, r, cv2.BORDER_REPLICATE)
        # Turned half round: a convolution, so a point of light spreads into the shape
        # upright (the heart's point down, the star's up).
        kernel = shape_kernel(self.shape, r)[::-1, ::-1]
        count = int(kernel.sum())
        # A row's running sums in 32-bit integers may wrap around (numpy's do, silently), but
        # a run's sum, the difference of two, is exact as long as it fits: 2001 x 65025 does.
        # The total wants 64 bits once count x 65025 passes 2^31 (a radius past about 90).
        wide = np.int64 if count * 65025 >= 2 ** 31 else np.int32
        pre = pad.astype(np.int32)
        pre[..., :3] *= pre[..., 3:4]
        pre[..., 3] *= 255
        running = np.zeros((pre.shape[0], pre.shape[1] + 1, 4), np.int32)
        with np.errstate(over="ignore"):
            np.cumsum(pre, axis=1, out=running[:, 1:])
        y0, x0 = inner.y + r, inner.x + r
        total = np.zeros((h, w, 4), wide)
        run = np.empty((h, w, 4), np.int32)
        for dy, a, b in kernel_runs(kernel):
            rows = running[y0 + dy:y0 + dy + h]
            with np.errstate(over="ignore"):
                np.subtract(rows[:, x0 + b + 1:x0 + b + 1 + w], rows[:, x0 + a:x0 + a + w],
                            out=run)
            np.add(total, run, out=total, casting="unsafe")
        # Straight colour = sum(colour x alpha) / sum(alpha) and alpha = the mean, rounded
        # half up; in float64 (a division numpy does far faster than integers'), still exact:
        # the sums are integers below 2^53, one division rounds once (a half stays a half),
        # and a ratio that is not a half lies at least 1 / (2 x sum) away from one.
        total = total.astype(np.float64)
        a_sum = total[..., 3]
        new = np.zeros(old.shape, np.uint8)
        colour = np.floor(total[..., :3] * 255 / np.maximum(a_sum, 1)[..., None] + 0.5)
        new[..., :3] = np.clip(colour, 0, 255)
        new[..., 3] = np.clip(np.floor(a_sum / (count * 255) + 0.5), 0, 255)
        new[new[..., 3] == 0] = 0
        return _blend_premultiplied(old, new, coverage)


# -- Render > Fibers ------------------------------------------------------------------------

FIBER_GAIN = 2.2  # the mixed noise's spread around 0.5 (a few % clip at either colour)


@dataclass(frozen=True)
class Fibers(Operation):
    label: ClassVar[str] = "Fibers"
    grows: ClassVar[bool] = True  # it paints transparent pixels too (opaque, as Clouds)
    paints: ClassVar[bool] = True  # an empty layer too (`filter_ops.prepare`)
    variance: int = 16      # 1..64
    strength: int = 4       # 1..64
    seed: int = 0           # Randomize's
    foreground: tuple = (0, 0, 0)
    background: tuple = (255, 255, 255)

    def pattern(self, where) -> np.ndarray:
        """float32 (h, w) 0..1 on canvas box `where`: 0 the foreground, 1 the background."""
        # A streak's length: 256 px at Variance 1 down to 16 px at 64.
        length = 256.0 / (1 + (min(64, max(1, self.variance)) - 1) * 15 / 63)
        strength = (min(64, max(1, self.strength)) - 1) / 63
        fibre = 0.5 + 0.5 * strength  # the single columns' share: stringier as it grows
        s = int(self.seed) * 4
        weave = value_noise(s + 1, where, 4, length * 1.5)
        threads = value_noise(s + 2, where, 1, length * (1 - 0.5 * strength))
        fine = value_noise(s + 3, where, 1, max(4.0, length / 4))
        mixed = (np.float32(1 - fibre) * weave + np.float32(fibre) * threads) * np.float32(0.8) \
            + np.float32(0.2) * fine
        return np.clip((mixed - np.float32(0.5)) * np.float32(FIBER_GAIN) + np.float32(0.5),
                       0, 1)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        fg = np.asarray(self.foreground, np.float32)
        t = self.pattern(where)
        rgb = fg + t[..., None] * (np.asarray(self.background, np.float32) - fg)
        new = np.empty(old.shape, np.uint8)
        new[..., :3] = np.clip(rgb + 0.5, 0, 255)
        new[..., 3] = 255
        return _blend_premultiplied(old, new, coverage)


FILTERS: dict[str, type] = {"shear": Shear, "smart_blur": SmartBlur, "shape_blur": ShapeBlur,
                            "fibers": Fibers}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)
