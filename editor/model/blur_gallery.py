"""Filter > Blur Gallery: Field Blur, Iris Blur and Tilt-Shift, Photoshop's blurs whose
amount changes over the picture.

Each is an `Operation` (`pixel_filters.py`) holding its geometry in canvas pixels, so it
runs through the Filter menu's one path (`filter_ops`: bands, the selection's soft edge,
a job, one undo step, Fade, Last Filter). `radius_map(where)` gives the Gaussian radius
(standard deviation, as Gaussian Blur's) wanted at each pixel of a canvas box:

- Field Blur: pins, each with its own blur; between them the blur is the pins' blurs
  weighted by the inverse cube of the distance (Shepard's interpolation with power
  FIELD_POWER: at a pin its own blur, flat round it, the change gathered half-way between
  pins, far from all of them their mean; our choice, not measured on Photoshop's). One pin
  blurs everything evenly.
- Iris Blur: an ellipse (centre, radii, turn). Inside the sharp region (the ellipse
  shrunk by `feather`, where Photoshop's four feather handles sit) nothing is blurred;
  from there the blur grows to the full amount at the ellipse, and stays full outside.
- Tilt-Shift: a sharp band between two lines `sharp` pixels either side of a centre line
  (turned by `angle`); over the next `fade` pixels (to the dashed lines) the blur grows to
  the full amount, full beyond.

`varying_blur` does the blurring, vectorised: a few Gaussian blurs of the picture at radii
growing by half each time (the existing `gaussian`, on premultiplied colour so transparent
pixels add no colour), each pixel mixing the two blurs whose radii bracket its own
(linearly in the radius). A blur is computed only over the box where some pixel wants it,
so a big sharp region costs nothing. Where the wanted radius is 0 the pixels stay exactly
as they were.

`scaled(r, dx, dy)` gives the same blur for a copy of the picture moved by (dx, dy) and
scaled by r: the on-canvas mode's reduced live preview (`editor/ui/tools/blur_gallery.py`).
Path Blur and Spin Blur are `blur_gallery_motion.py`. Photoshop's Tilt-Shift Distortion
and the Effects (bokeh) panel are not here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from engine.box import Box

from .pixel_filters import (RADIUS_EXACT, Operation, _blend_premultiplied, _opaque,
                            _premultiplied, _straight, gaussian)

LEVEL_RATIO = 1.5   # each blur of the stack: this times the radius of the one before
MAX_BLUR = 500.0    # px, the options' limit (Photoshop's Blur Gallery: 500)
FIELD_POWER = 3.0   # Field Blur: a pin's weight is 1 / distance ** FIELD_POWER


def levels(top: float) -> np.ndarray:
    """The stack's radii: 0 (the picture), 1, 1.5, 2.25 ... then `top` itself."""
    out = [0.0]
    s = 1.0
    while s < top:
        out.append(s)
        s *= LEVEL_RATIO
    out.append(float(top))
    return np.asarray(out, np.float32)


class _Spans:
    """Where each level of the stack is wanted: from the rows' and columns' lowest and
    highest level index, the box holding every pixel whose index lies in a range (a few
    spare rows or columns at most, where the field is not monotonic: no harm, the mixing
    itself goes by the exact pixels)."""

    def __init__(self, k: np.ndarray):
        self.rows = (k.min(axis=1), k.max(axis=1))
        self.cols = (k.min(axis=0), k.max(axis=0))

    def box(self, low: int, high: int):
        """(y0, y1, x0, x1) holding the pixels whose index is in low..high, or None."""
        rows = np.flatnonzero((self.rows[0] <= high) & (self.rows[1] >= low))
        cols = np.flatnonzero((self.cols[0] <= high) & (self.cols[1] >= low))
        if not rows.size or not cols.size:
            return None
        return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def varying_blur(src: np.ndarray, inner: Box, radius: np.ndarray) -> np.ndarray:
    """Straight uint8 RGBA of `inner` of `src` (straight uint8, channels last), each pixel
    blurred by a Gaussian of its own `radius` (float, inner's shape); beyond `src` the edge
    repeats. The pixels whose radius is 0 come back as they were."""
    import cv2

    old = src[inner.slices()]
    radius = np.clip(np.nan_to_num(radius.astype(np.float32)), 0, MAX_BLUR)
    top = float(radius.max()) if radius.size else 0.0
    if top <= 0:
        return old.copy()
    opaque = _opaque(src)
    # An opaque picture is blurred and mixed in 8 bits (OpenCV's fixed point, as Gaussian
    # Blur's); otherwise in premultiplied float.
    values = src if opaque else _premultiplied(src)
    sigmas = levels(top)
    # Which two levels bracket each pixel's radius, and how far along it is between them.
    k = np.clip(np.searchsorted(sigmas, radius, side="right") - 1, 0, len(sigmas) - 2)
    t = ((radius - sigmas[k]) / (sigmas[k + 1] - sigmas[k])).astype(np.float32)
    k = k.astype(np.uint8)  # (at most ~20 levels: the compares below go 8x faster)
    spans = _Spans(k)
    out = np.ascontiguousarray(values[inner.slices()]).copy()
    prev = None  # the level before, over its box: (array, y0, x0)
    for i, s in enumerate(sigmas):
        needed = spans.box(i - 1, i)  # the pixels that mix this level in
        if needed is None:
            prev = None
            continue
        y0, y1, x0, x1 = needed
        if s == 0:
            level = values[inner.y + y0:inner.y + y1, inner.x + x0:inner.x + x1]
        else:
            # Only the box that wants this level, with the kernel's reach around it.
            m = int(math.ceil(3 * s)) + 2
            ry0, ry1 = max(0, inner.y + y0 - m), min(src.shape[0], inner.y + y1 + m)
            rx0, rx1 = max(0, inner.x + x0 - m), min(src.shape[1], inner.x + x1 + m)
            part = gaussian(np.ascontiguousarray(values[ry0:ry1, rx0:rx1]), float(s))
            level = part[inner.y + y0 - ry0:inner.y + y1 - ry0,
                         inner.x + x0 - rx0:inner.x + x1 - rx0]
        cur = (np.ascontiguousarray(level), y0, x0)
        pair = spans.box(i - 1, i - 1) if i > 0 else None  # between the level before and this
        if prev is not None and pair is not None:
            b0, b1, c0, c1 = pair
            a = prev[0][b0 - prev[1]:b1 - prev[1], c0 - prev[2]:c1 - prev[2]]
            b = cur[0][b0 - y0:b1 - y0, c0 - x0:c1 - x0]
            along = np.ascontiguousarray(t[b0:b1, c0:c1])
            mixed = cv2.blendLinear(np.ascontiguousarray(a), np.ascontiguousarray(b),
                                    1 - along, along)
            np.copyto(out[b0:b1, c0:c1], mixed.reshape(b.shape),
                      where=(k[b0:b1, c0:c1] == i - 1)[..., None])
        prev = cur
    out = out if opaque else _straight(out)
    sharp = radius <= 0
    out[sharp] = old[sharp]
    return out


def _grid(where: Box) -> tuple[np.ndarray, np.ndarray]:
    """Canvas x (1, w) and y (h, 1) of the centres of `where`'s pixels."""
    x = np.arange(where.x, where.x1, dtype=np.float32)[None, :] + np.float32(0.5)
    y = np.arange(where.y, where.y1, dtype=np.float32)[:, None] + np.float32(0.5)
    return x, y


class GalleryBlur(Operation):
    """What the three share: a radius per pixel, blurred by `varying_blur`."""

    grows: ClassVar[bool] = True

    def top(self) -> float:
        """The largest radius anywhere."""
        raise NotImplementedError

    def radius_map(self, where: Box) -> np.ndarray:
        raise NotImplementedError

    def scaled(self, r: float, dx: float = 0.0, dy: float = 0.0) -> "GalleryBlur":
        raise NotImplementedError

    def reach(self) -> int:
        return int(math.ceil(3 * self.top())) + 2

    def banded(self) -> bool:
        # (a reduced Gaussian's blocks would fall differently in each band)
        return self.top() <= RADIUS_EXACT

    def is_identity(self) -> bool:
        return self.top() <= 0

    def process(self, src, inner, where, coverage):
        out = varying_blur(src, inner, self.radius_map(where))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


@dataclass(frozen=True)
class FieldBlur(GalleryBlur):
    label: ClassVar[str] = "Field Blur"
    pins: tuple = ()  # ((x, y, blur px), ...) on the canvas

    def top(self) -> float:
        return max((float(p[2]) for p in self.pins), default=0.0)

    def radius_map(self, where: Box) -> np.ndarray:
        if not self.pins:
            return np.zeros((where.h, where.w), np.float32)
        x, y = _grid(where)
        total = np.zeros((where.h, where.w), np.float32)
        weights = np.zeros((where.h, where.w), np.float32)
        for px, py, blur in self.pins:
            # (+1e-3: a pixel on a pin; its weight then dwarfs the others')
            d2 = (x - np.float32(px)) ** 2 + (y - np.float32(py)) ** 2 + np.float32(1e-3)
            w = d2 ** np.float32(-FIELD_POWER / 2)
            total += w * np.float32(blur)
            weights += w
        return total / weights

    def scaled(self, r, dx=0.0, dy=0.0):
        return replace(self, pins=tuple(((x + dx) * r, (y + dy) * r, b * r)
                                        for x, y, b in self.pins))


@dataclass(frozen=True)
class IrisBlur(GalleryBlur):
    label: ClassVar[str] = "Iris Blur"
    blur: float = 15.0    # px at the ellipse and beyond (Photoshop's default)
    cx: float = 0.0       # the ellipse's centre (canvas)
    cy: float = 0.0
    rx: float = 100.0     # its radii along its own axes
    ry: float = 100.0
    angle: float = 0.0    # degrees, clockwise on the screen
    feather: float = 0.5  # the sharp region: this fraction of the ellipse (0..1)

    def top(self) -> float:
        return max(0.0, float(self.blur))

    def radius_map(self, where: Box) -> np.ndarray:
        x, y = _grid(where)
        a = math.radians(self.angle)
        dx, dy = x - np.float32(self.cx), y - np.float32(self.cy)
        u = (dx * np.float32(math.cos(a)) + dy * np.float32(math.sin(a))) / max(self.rx, 1e-3)
        v = (-dx * np.float32(math.sin(a)) + dy * np.float32(math.cos(a))) / max(self.ry, 1e-3)
        d = np.sqrt(u * u + v * v)  # 1 on the ellipse
        f = min(max(self.feather, 0.0), 0.999)
        ramp = np.clip((d - np.float32(f)) / np.float32(1 - f), 0, 1)
        return (ramp * np.float32(self.top())).astype(np.float32)

    def scaled(self, r, dx=0.0, dy=0.0):
        return replace(self, blur=self.blur * r, cx=(self.cx + dx) * r, cy=(self.cy + dy) * r,
                       rx=self.rx * r, ry=self.ry * r)


@dataclass(frozen=True)
class TiltShift(GalleryBlur):
    label: ClassVar[str] = "Tilt-Shift"
    blur: float = 15.0    # px beyond the dashed lines (Photoshop's default)
    cx: float = 0.0       # a point on the centre line (canvas)
    cy: float = 0.0
    angle: float = 0.0    # degrees the lines are turned, clockwise on the screen
    sharp: float = 50.0   # px from the centre line to each solid line
    fade: float = 100.0   # px from a solid line to its dashed line

    def top(self) -> float:
        return max(0.0, float(self.blur))

    def radius_map(self, where: Box) -> np.ndarray:
        x, y = _grid(where)
        a = math.radians(self.angle)
        # distance from the centre line along its normal
        t = np.abs(-(x - np.float32(self.cx)) * np.float32(math.sin(a))
                   + (y - np.float32(self.cy)) * np.float32(math.cos(a)))
        ramp = np.clip((t - np.float32(self.sharp)) / np.float32(max(self.fade, 1e-3)), 0, 1)
        return (ramp * np.float32(self.top())).astype(np.float32)

    def scaled(self, r, dx=0.0, dy=0.0):
        return replace(self, blur=self.blur * r, cx=(self.cx + dx) * r, cy=(self.cy + dy) * r,
                       sharp=self.sharp * r, fade=self.fade * r)


# Filter > Blur Gallery's filters by kind, merged into `more_filters.FILTERS`.
GALLERY_FILTERS: dict[str, type] = {"field_blur": FieldBlur, "iris_blur": IrisBlur,
                                    "tilt_shift": TiltShift}

from .blur_gallery_motion import MOTION_FILTERS  # noqa: E402  (Path Blur, Spin Blur)

GALLERY_FILTERS.update(MOTION_FILTERS)
