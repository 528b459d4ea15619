"""Filter > Blur Gallery's two motion blurs: Spin Blur and Path Blur.

Like the other Blur Gallery blurs (`blur_gallery.py`) each is an `Operation` holding its
controls in canvas pixels as plain tuples (so a smart filter keeps them in our PSD entry),
runs through the Filter menu's one path (`filter_ops`) and has `scaled(r, dx, dy)` for the
on-canvas mode's reduced preview.

- Spin Blur: one or more spins, each an ellipse (centre, radii, turn) with a feather and a
  Blur Angle (0-360 degrees). Inside the ellipse each pixel becomes the mean of the
  picture along its own ellipse round the centre (concentric with the spin's: a circle
  when the radii are equal) over an arc of Blur Angle, centred on the pixel; inside the
  feather (the ellipse shrunk by `feather`, Photoshop's four feather dots) fully, fading to
  nothing at the ellipse, and beyond it the picture stays. Vectorised as a polar warp: the
  ellipse's box is read into a grid of (angle, radius) samples (`cv2.remap`, one sample a
  pixel apart at the rim), box-blurred along the angle (wrapping round), and read back:
  two bilinear resamplings, so the rings across the spin stay sharp. The centre pixel
  (the spin's centre snaps to pixel centres in the on-canvas mode) maps to itself. Several
  spins are applied one after the other, in the order they were added (an overlap spins
  the earlier spin's result: our choice).
- Path Blur: one or more paths, each a curve through its points (Catmull-Rom: a drag of the
  middle point bends it) with a speed at each end point (End Point Speed, px). Every pixel
  of the picture is blurred along the motion the paths give there: the direction of the
  nearest point of each path's curve, its length Speed % of the end points' speeds (linear
  along the curve); several paths mix by inverse squared distance (far from all of them,
  their mean). The streak follows the field (line-integral convolution: a fixed number of
  steps, each moving by the field's vector where the last one ended), centred on the
  pixel (Centered Blur) or trailing behind it (the pixel smeared forwards along the
  arrow), its samples' weights falling linearly to 1 - Taper % at the streak's ends. The
  streamlines are followed from the nodes of a grid every FIELD_STEP canvas pixels (the
  field there exact, between them bilinear) and each step's offsets enlarged bilinearly
  to the pixels, so a step costs one resize and one remap of the picture; the grid is
  aligned to the canvas, so bands of rows agree. Motion Blur Effects' Strobe: with
  Strobe Strength above 0 the streak's samples lit by a flash keep their weight and the
  others weigh 1 - Strength (100 %: only the flashes' copies of the picture); Strobe
  Flashes are spread evenly from the streak's start to its end (one: its middle), each
  lighting Strobe Flash Duration / 360 of the space between two flashes (at least the
  nearest sample), so a streak shows that many sharper copies of what moved.

Photoshop publishes neither method; the sampling here is our choice.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np

from .pixel_filters import Operation, _blend_premultiplied, _opaque, _premultiplied, _straight

# A spin: (cx, cy, rx, ry, turn in degrees clockwise, feather 0..1, Blur Angle in degrees).
SPIN_FEATHER = 0.8      # a new spin's feather: full blur out to 80 % of its radius
SPIN_ANGLE = 15.0       # a new spin's Blur Angle (Photoshop's default)
FIELD_STEP = 8          # Path Blur: canvas px between the direction field's grid points
PATH_SAMPLES = 32       # Path Blur: at most this many samples along a streak
SAMPLE_SPACING = 1.5    # ... and at least this many px apart at the longest streak
CURVE_STEPS = 16        # the segments of each span of a path's curve
END_SPEED = 100.0       # px: a new path's End Point Speed at both ends
# Added to a float32 below 2**17, it rounds it to 1/32 (ulp there): positions so rounded
# are the same whatever array (band) they index.
ROUND = np.float32(3 * 2 ** 17)


def _values(src: np.ndarray) -> tuple[np.ndarray, bool]:
    """float32 colour to average (premultiplied RGBA, or RGB when opaque) and whether
    `src` is opaque."""
    opaque = _opaque(src)
    return (src[..., :3].astype(np.float32) if opaque else _premultiplied(src)), opaque


def _finish(src, inner, part: np.ndarray, opaque: bool, coverage) -> np.ndarray:
    """Straight uint8 RGBA of `inner` from the averaged `part` (inner's shape), mixed
    with the old pixels by the selection's coverage."""
    import cv2

    if opaque:  # (`part` may hold alpha too: the old one stays)
        out = src[inner.slices()].copy()
        out[..., :3] = cv2.convertScaleAbs(np.ascontiguousarray(part))[..., :3]
    else:
        out = _straight(np.ascontiguousarray(part))
    return _blend_premultiplied(src[inner.slices()], out, coverage)


# -- Spin Blur ------------------------------------------------------------------------------

def spin_extent(spin) -> tuple[float, float]:
    """Half the width and height of a spin's ellipse's box."""
    _cx, _cy, rx, ry, turn = spin[:5]
    a = math.radians(turn)
    return (math.hypot(rx * math.cos(a), ry * math.sin(a)),
            math.hypot(rx * math.sin(a), ry * math.cos(a)))


def _spin(a: np.ndarray, spin, ox: float, oy: float) -> None:
    """One spin on float `a` in place; (ox, oy): added to a canvas point, `a`'s index."""
    import cv2

    cx, cy, rx, ry, turn, feather, angle = spin
    cx, cy = cx + ox - 0.5, cy + oy - 0.5  # (OpenCV: pixel i's centre at i)
    rx, ry = max(float(rx), 1.0), max(float(ry), 1.0)
    ex, ey = spin_extent(spin)
    h, w = a.shape[:2]
    x0, x1 = max(0, math.floor(cx - ex)), min(w, math.ceil(cx + ex) + 1)
    y0, y1 = max(0, math.floor(cy - ey)), min(h, math.ceil(cy + ey) + 1)
    if x0 >= x1 or y0 >= y1 or angle <= 0:
        return
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    big = max(rx, ry)
    # The polar grid: rows the angle (a pixel apart at the rim), columns the radius (a
    # pixel apart along the longer axis), a little beyond the ellipse.
    n_angle, n_radius = max(8, math.ceil(2 * math.pi * big)), math.ceil(big) + 2
    phi = (np.arange(n_angle, dtype=np.float32) * np.float32(2 * math.pi / n_angle))[:, None]
    rho = (np.arange(n_radius, dtype=np.float32) / np.float32(big))[None, :]
    u, v = rho * np.cos(phi) * np.float32(rx), rho * np.sin(phi) * np.float32(ry)
    polar = cv2.remap(a, (cx + c * u - s * v).astype(np.float32),
                      (cy + s * u + c * v).astype(np.float32), cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REPLICATE)
    k = int(round(angle / 360 * n_angle)) | 1  # (odd: centred on the pixel)
    if k >= n_angle:
        polar[:] = polar.mean(axis=0, keepdims=True)
    elif k > 1:
        half = k // 2  # wrapped round: the arc goes on past angle 0
        padded = np.concatenate([polar[-half:], polar, polar[:half]])
        polar = cv2.blur(padded, (1, k))[half:half + n_angle]
    polar = np.concatenate([polar, polar[:1]])  # (row n_angle is angle 0 again)
    # Back: each pixel of the box at its (angle, radius).
    dx = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx)
    dy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy)
    pu = (dx * np.float32(c) + dy * np.float32(s)) / np.float32(rx)
    pv = (-dx * np.float32(s) + dy * np.float32(c)) / np.float32(ry)
    d = np.sqrt(pu * pu + pv * pv)
    turned = np.mod(np.arctan2(pv, pu), np.float32(2 * math.pi))
    back = cv2.remap(polar, (d * np.float32(big)).astype(np.float32),
                     (turned * np.float32(n_angle / (2 * math.pi))).astype(np.float32),
                     cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    f = min(max(float(feather), 0.0), 0.999)
    weight = np.clip((1 - d) / np.float32(1 - f), 0, 1)
    inside = weight > 0
    box = a[y0:y1, x0:x1]
    if back.ndim == 2:
        back = back[..., None]
    mixed = box + (back.reshape(box.shape) - box) * weight[..., None]
    box[inside] = mixed[inside]


@dataclass(frozen=True)
class SpinBlur(Operation):
    label: ClassVar[str] = "Spin Blur"
    grows: ClassVar[bool] = True
    spins: tuple = ()  # ((cx, cy, rx, ry, turn, feather, blur angle), ...) on the canvas

    def reach(self) -> int:
        # (a pixel reads along its whole ellipse: the box round the spin's ellipse)
        return max((math.ceil(2 * max(spin_extent(s))) + 2 for s in self.spins), default=0)

    def banded(self) -> bool:
        return False

    def is_identity(self) -> bool:
        return not any(s[6] > 0 and min(s[2], s[3]) > 0 for s in self.spins)

    def scaled(self, r: float, dx: float = 0.0, dy: float = 0.0) -> "SpinBlur":
        return replace(self, spins=tuple(((cx + dx) * r, (cy + dy) * r, rx * r, ry * r,
                                          turn, feather, angle)
                                         for cx, cy, rx, ry, turn, feather, angle
                                         in self.spins))

    def process(self, src, inner, where, coverage):
        a, opaque = _values(src)
        for spin in self.spins:
            _spin(a, spin, inner.x - where.x, inner.y - where.y)
        return _finish(src, inner, a[inner.slices()], opaque, coverage)


# -- Path Blur ------------------------------------------------------------------------------

def curve(points) -> np.ndarray:
    """(n, 2) float64: the path's curve through its points (Catmull-Rom, the end points
    repeated), CURVE_STEPS segments a span; a straight line for two points."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    if len(p) < 3:
        return p
    q = np.concatenate([p[:1], p, p[-1:]])
    t = np.linspace(0, 1, CURVE_STEPS, endpoint=False)[:, None]
    out = []
    for i in range(1, len(q) - 2):
        p0, p1, p2, p3 = q[i - 1], q[i], q[i + 1], q[i + 2]
        out.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    out.append(p[-1:])
    return np.concatenate(out)


def _nearest(line: np.ndarray, speeds: tuple[float, float], x: np.ndarray, y: np.ndarray):
    """For grid points (x, y): squared distance to the polyline `line`, its direction there
    (unit x, y) and the speed there (the ends' speeds, linear in arc length)."""
    a, b = line[:-1], line[1:]
    seg = b - a
    length = np.hypot(seg[:, 0], seg[:, 1])
    keep = length > 1e-9
    a, seg, length = a[keep], seg[keep], length[keep]
    if not len(a):  # all points in one place: a motion to the right
        d2 = (x - line[0, 0]) ** 2 + (y - line[0, 1]) ** 2
        return d2, np.ones_like(d2), np.zeros_like(d2), np.full_like(d2, speeds[0])
    arc = np.concatenate([[0.0], np.cumsum(length)])
    best = np.full(x.shape, np.inf)
    ux, uy, along = np.zeros(x.shape), np.zeros(x.shape), np.zeros(x.shape)
    for i in range(len(a)):  # (a few dozen segments; each over the whole grid)
        t = np.clip(((x - a[i, 0]) * seg[i, 0] + (y - a[i, 1]) * seg[i, 1]) / length[i] ** 2,
                    0, 1)
        d2 = (x - a[i, 0] - t * seg[i, 0]) ** 2 + (y - a[i, 1] - t * seg[i, 1]) ** 2
        closer = d2 < best
        best = np.where(closer, d2, best)
        ux = np.where(closer, seg[i, 0] / length[i], ux)
        uy = np.where(closer, seg[i, 1] / length[i], uy)
        along = np.where(closer, (arc[i] + t * length[i]) / arc[-1], along)
    return best, ux, uy, speeds[0] + (speeds[1] - speeds[0]) * along


@dataclass(frozen=True)
class PathBlur(Operation):
    label: ClassVar[str] = "Path Blur"
    grows: ClassVar[bool] = True
    paths: tuple = ()       # ((points ((x, y), ...), start speed px, end speed px), ...)
    speed: float = 50.0     # %: Speed (0-500)
    taper: float = 0.0      # %: the streak's ends weigh 1 - taper
    centered: bool = True   # Centered Blur: the streak centred on the pixel, else behind it
    strobe: float = 0.0     # %: Strobe Strength (Motion Blur Effects), 0: a plain streak
    flashes: int = 2        # Strobe Flashes (1-100)
    flash_duration: float = 10.0  # Strobe Flash Duration (degrees, 0-360)

    def __post_init__(self):
        if not 1 <= int(self.flashes) <= 100:
            raise ValueError(f"Strobe Flashes is 1 to 100, not {self.flashes}")

    def flash_weight(self, t: float, samples: int) -> float:
        """The Strobe's weight of a sample at `t` along the streak (0 its start, 1 its end)
        among `samples` samples: 1 when a flash lights it, else 1 - Strobe Strength."""
        strength = min(max(self.strobe, 0.0), 100.0) / 100
        if strength <= 0:
            return 1.0
        n = int(self.flashes)
        centres = [0.5] if n == 1 else [i / (n - 1) for i in range(n)]
        spacing = 1.0 if n == 1 else 1 / (n - 1)
        half = max(spacing * min(max(self.flash_duration, 0.0), 360.0) / 360 / 2,
                   0.5 / max(samples - 1, 1))
        lit = any(abs(t - c) <= half + 1e-9 for c in centres)
        return 1.0 if lit else 1 - strength

    def longest(self) -> float:
        """The longest streak anywhere (px)."""
        return self.speed / 100 * max((max(s0, s1) for _p, s0, s1 in self.paths), default=0.0)

    def reach(self) -> int:
        return math.ceil(self.longest()) + 2

    def is_identity(self) -> bool:
        return self.longest() < 0.5

    def scaled(self, r: float, dx: float = 0.0, dy: float = 0.0) -> "PathBlur":
        return replace(self, paths=tuple(
            (tuple(((x + dx) * r, (y + dy) * r) for x, y in points), s0 * r, s1 * r)
            for points, s0, s1 in self.paths))

    def field(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The motion (x, y, px: its length the streak's) at canvas points (x, y)."""
        total_x, total_y = np.zeros(np.broadcast(x, y).shape), np.zeros(np.broadcast(x, y).shape)
        weights = np.zeros_like(total_x)
        for points, s0, s1 in self.paths:
            d2, ux, uy, speed = _nearest(curve(points), (s0, s1), x, y)
            w = 1 / (d2 + 1.0) if len(self.paths) > 1 else 1.0
            total_x += w * ux * speed
            total_y += w * uy * speed
            weights += w
        scale = self.speed / 100 / np.maximum(weights, 1e-12)
        return total_x * scale, total_y * scale

    def process(self, src, inner, where, coverage):
        import cv2

        opaque = _opaque(src)
        # What the streaks sample: the straight uint8 pixels when opaque (OpenCV's fixed
        # point remap is 6 x faster than float's; its four channels faster than three),
        # else premultiplied float.
        values = np.ascontiguousarray(src) if opaque else _premultiplied(src)
        g = FIELD_STEP
        # The streamlines are followed on a grid every g canvas px (aligned to the canvas,
        # over the box and as far round it as a streak goes), the node at pixel index
        # g i + (g - 1) / 2: where cv2.resize's bilinear enlargement puts it, so each
        # step's offsets come to every pixel in one resize.
        around = where.expand(self.reach() + 2 * g)
        gx0, gy0 = (around.x // g) * g, (around.y // g) * g
        nx, ny = (around.x1 - gx0) // g + 2, (around.y1 - gy0) // g + 2
        mx, my = self.field((gx0 + g * np.arange(nx) + g / 2)[None, :],
                            (gy0 + g * np.arange(ny) + g / 2)[:, None])
        longest = max(self.longest(), 1e-6)
        n = int(min(PATH_SAMPLES, max(2, math.ceil(longest / SAMPLE_SPACING))))
        steps = (n + 1) // 2 if self.centered else n
        per = (0.5 if self.centered else 1.0) / steps  # of the motion, each step
        motion = cv2.merge([(mx * per).astype(np.float32), (my * per).astype(np.float32)])
        node = cv2.merge([np.broadcast_to(np.arange(nx, dtype=np.float32)[None, :], (ny, nx)),
                          np.broadcast_to(np.arange(ny, dtype=np.float32)[:, None], (ny, nx))])
        rows = slice(where.y - gy0, where.y1 - gy0)
        cols = slice(where.x - gx0, where.x1 - gx0)
        # Each pixel's place in `src` (OpenCV: pixel i's centre at i), less ROUND: a
        # position is its offset + ROUND (rounded there to 1/32 px, remap's resolution)
        # + this, exact, so every band of rows samples exactly the same points.
        base = cv2.merge([
            np.broadcast_to(np.arange(inner.x, inner.x1, dtype=np.float32)[None, :] - ROUND,
                            (inner.h, inner.w)),
            np.broadcast_to(np.arange(inner.y, inner.y1, dtype=np.float32)[:, None] - ROUND,
                            (inner.h, inner.w))])
        # Where each sample lies along the streak (0 its start, 1 its end), for the Strobe:
        # the pixel itself in the middle of a centred streak, at the end of a trailing one.
        samples = 2 * steps + 1 if self.centered else steps + 1

        def along(sign: int, k: int) -> float:
            return 0.5 + sign * 0.5 * k / steps if self.centered else 1 - k / steps

        total = self.flash_weight(along(1, 0), samples)
        acc = values[inner.slices()].astype(np.float32) * np.float32(total)
        for sign in ((1, -1) if self.centered else (-1,)):
            offset = np.zeros((ny, nx, 2), np.float32)  # the nodes' streamlines so far (px)
            step = motion
            for k in range(1, steps + 1):
                offset += np.float32(sign) * step
                weight = (1 - self.taper / 100 * k / steps) \
                    * self.flash_weight(along(sign, k), samples)
                if weight > 0:
                    at = cv2.resize(offset + ROUND, (nx * g, ny * g),
                                    interpolation=cv2.INTER_LINEAR)
                    sample = cv2.remap(values, cv2.add(at[rows, cols], base), None,
                                       cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
                    if weight == 1:
                        cv2.accumulate(sample.reshape(acc.shape), acc)
                    else:
                        acc += np.float32(weight) * sample.reshape(acc.shape)
                    total += weight
                if k < steps:  # the field where this step ended, for the next
                    grid = (offset * np.float32(1 / g) + ROUND) + (node - ROUND)
                    step = cv2.remap(motion, grid, None, cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REPLICATE)
        if total <= 1e-6:  # (every sample unlit at full Strength and tapered away: as it was)
            return _finish(src, inner, values[inner.slices()].astype(np.float32), opaque,
                           coverage)
        part = acc * np.float32(1 / total)
        return _finish(src, inner, part, opaque, coverage)


# Merged into `blur_gallery.GALLERY_FILTERS` (Filter > Blur Gallery's filters by kind).
MOTION_FILTERS: dict[str, type] = {"path_blur": PathBlur, "spin_blur": SpinBlur}
