"""Filter > Render: Clouds and Difference Clouds.

Both are `Operation`s of `pixel_filters.py`, so `filter_ops` runs, records and repeats them
as the other filters. Their pattern is fractal value noise (`clouds`): octaves of random
values on square lattices CELL_LARGEST pixels apart and then each half as far, down to 2
pixels, read bicubically between the lattice points, each octave half the weight of the
one before (a 1/f spectrum, as Perlin's fractal noise), the sum stretched by GAIN around
its middle and clipped to 0..1. Each lattice value is a hash of its canvas position, the
octave and the seed, so the pattern belongs to the canvas: a selection or a band of rows
sees the same clouds there as the whole canvas would, and a seed always gives the same.

- Clouds: foreground + t (background - foreground) in each channel, t the pattern: only
  colours on the line between the two colours; opaque, even on transparent pixels (as
  Photoshop's fills an empty layer); over the whole canvas (or the selection).
- Difference Clouds: |v - that colour| per channel (the Difference blend of the clouds
  onto the layer); alpha stays.

The menu draws a new seed every time and takes the colours of the moment, as Photoshop's
Clouds gives new clouds each time (Last Filter too: `again`). Photoshop's noise is not
published; Alt's harsher clouds are not offered.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Optional

import numpy as np

from .distort_filters import WHOLE  # (Clouds' reach: the whole canvas, as the distortions')
from .pixel_filters import Operation, _blend_premultiplied, _mix_colours

CELL_LARGEST = 128   # px between the coarsest lattice's points
CELL_SMALLEST = 2    # the finest
GAIN = 1.8           # the sum's spread around 0.5 (a few % of the pixels clip at 0 or 1)


def _hash(ix: np.ndarray, iy: np.ndarray, salt: int) -> np.ndarray:
    """float32 0..1 from integer lattice positions and a salt (a 32-bit integer mix; numpy's
    unsigned arithmetic wraps)."""
    h = (ix.astype(np.uint32) * np.uint32(0x27D4EB2D)) ^ (iy.astype(np.uint32)
                                                         * np.uint32(0x165667B1))
    h ^= np.uint32(salt & 0xFFFFFFFF)
    for shift, mult in ((16, 0x85EBCA6B), (13, 0xC2B2AE35), (16, 0x27D4EB2F)):
        h ^= h >> np.uint32(shift)
        h *= np.uint32(mult)
    h ^= h >> np.uint32(15)
    return (h >> np.uint32(8)).astype(np.float32) * np.float32(1 / (1 << 24))


def clouds(where, seed: int) -> np.ndarray:
    """float32 (h, w) 0..1: the cloud pattern on canvas box `where`."""
    import cv2

    h, w = where.h, where.w
    total = np.zeros((h, w), np.float32)
    weights = 0.0
    cell, weight, octave = CELL_LARGEST, 1.0, 0
    while cell >= CELL_SMALLEST and h and w:
        # The lattice points around the box (bicubic reads two on each side).
        x0, y0 = where.x // cell - 1, where.y // cell - 1
        x1, y1 = (where.x + w - 1) // cell + 3, (where.y + h - 1) // cell + 3
        iy, ix = np.mgrid[y0:y1, x0:x1]
        lattice = _hash(ix, iy, (int(seed) * 0x9E3779B1 + octave * 0x632BE5AB) & 0xFFFFFFFF)
        at = np.empty((h, w, 2), np.float32)
        at[..., 0] = (np.arange(where.x, where.x + w, dtype=np.float32) + 0.5) / cell - x0
        at[..., 1] = ((np.arange(where.y, where.y + h, dtype=np.float32) + 0.5) / cell
                      - y0)[:, None]
        total += np.float32(weight) * (cv2.remap(lattice, at, None, cv2.INTER_CUBIC,
                                                 borderMode=cv2.BORDER_REPLICATE) - 0.5)
        weights += weight
        cell, weight, octave = cell // 2, weight * 0.5, octave + 1
    return np.clip(total * np.float32(GAIN / max(weights, 1e-6)) + 0.5, 0, 1)


def _colour_of(t: np.ndarray, foreground, background) -> np.ndarray:
    fg = np.asarray(foreground, np.float32)
    return fg + t[..., None] * (np.asarray(background, np.float32) - fg)


@dataclass(frozen=True)
class Clouds(Operation):
    label: ClassVar[str] = "Clouds"
    grows: ClassVar[bool] = True  # it paints transparent pixels too
    paints: ClassVar[bool] = True  # an empty layer too (`filter_ops.prepare`)
    foreground: tuple = (0, 0, 0)
    background: tuple = (255, 255, 255)
    seed: int = 0

    def reach(self) -> int:
        return WHOLE  # the whole canvas (or the selection's box)

    def banded(self) -> bool:
        return False  # (the reach is the canvas: a band would read it all each time)

    def again(self, foreground, background, seed) -> "Clouds":
        """New clouds in these colours (the menu's and Last Filter's)."""
        return type(self)(tuple(foreground), tuple(background), int(seed))

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        rgb = _colour_of(clouds(where, self.seed), self.foreground, self.background)
        new = np.empty(old.shape, np.uint8)
        new[..., :3] = np.clip(rgb + 0.5, 0, 255)
        new[..., 3] = 255
        return _blend_premultiplied(old, new, coverage)


@dataclass(frozen=True)
class DifferenceClouds(Clouds):
    label: ClassVar[str] = "Difference Clouds"
    grows: ClassVar[bool] = False  # on the layer's pixels: alpha stays
    paints: ClassVar[bool] = False

    def reach(self) -> int:
        return 0

    def banded(self) -> bool:
        return True  # (the pattern belongs to the canvas: bands see the same)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        rgb = _colour_of(clouds(where, self.seed), self.foreground, self.background)
        return _mix_colours(old, np.abs(old[..., :3].astype(np.float32) - rgb), coverage)


LENSES = ("zoom", "prime35", "prime105", "movie")


@dataclass(frozen=True)
class _Lens:
    """A lens's flare, in fractions of the reference size (the canvas's diagonal): the
    core's and the glow's radii, the halo ring's radius and width, rays (how many, 0: none),
    the horizontal streak's strength, and the ghosts: (where along the line from the flare
    through the centre: 0 the flare, 1 the centre, 2 as far beyond), radius, strength, tint."""
    core: float
    glow: float
    ring: float
    ring_width: float
    rays: int
    streak: float
    ghosts: tuple


AMBER, GREEN, BLUE, VIOLET = (1.0, 0.65, 0.3), (0.5, 1.0, 0.55), (0.4, 0.6, 1.0), (0.8, 0.5, 1.0)
LENS_SHAPES = {
    "zoom": _Lens(0.018, 0.10, 0.16, 0.010, 12, 0.0,
                  ((0.35, 0.012, 0.30, AMBER), (0.55, 0.030, 0.12, GREEN),
                   (0.80, 0.018, 0.15, BLUE), (1.25, 0.050, 0.07, VIOLET),
                   (1.45, 0.012, 0.25, AMBER), (1.75, 0.070, 0.06, GREEN),
                   (2.00, 0.025, 0.12, BLUE))),
    "prime35": _Lens(0.014, 0.07, 0.0, 0.0, 0, 0.0,
                     ((0.60, 0.040, 0.10, AMBER), (1.30, 0.060, 0.08, BLUE),
                      (1.80, 0.030, 0.12, GREEN))),
    "prime105": _Lens(0.025, 0.14, 0.11, 0.014, 6, 0.0,
                      ((0.50, 0.020, 0.15, GREEN), (1.40, 0.045, 0.10, AMBER),
                       (1.90, 0.020, 0.15, VIOLET))),
    "movie": _Lens(0.010, 0.06, 0.0, 0.0, 0, 0.5,
                   ((0.45, 0.015, 0.15, BLUE), (0.90, 0.008, 0.25, BLUE),
                    (1.35, 0.030, 0.10, VIOLET), (1.70, 0.012, 0.20, BLUE))),
}


@dataclass(frozen=True)
class LensFlare(Operation):
    """Filter > Render > Lens Flare: light as a camera lens scatters it, added onto the
    pixels by the Screen formula (1 - (1 - v)(1 - light)): a white core, a warm glow, a
    halo ring whose red lies a little outside its blue, rays (the zoom and 105 mm lenses),
    a horizontal streak (Movie Prime), and ghosts of the aperture strung along the line
    from the flare through the picture's centre, as Photoshop's lens types look (its own
    drawing is not published). `center` is in canvas pixels (the dialog's click), `frame`
    the canvas box (x, y, w, h) it is drawn for: its diagonal the sizes' unit, its middle
    where the ghosts line up; None: the box it runs on (and its middle). Alpha stays (as
    Photoshop's, it lights pixels, it adds none)."""

    label: ClassVar[str] = "Lens Flare"
    brightness: int = 100     # 10..300 %
    lens: str = "zoom"        # LENSES: 50-300mm Zoom, 35mm Prime, 105mm Prime, Movie Prime
    center: Optional[tuple] = None   # (x, y) canvas pixels
    frame: Optional[tuple] = None    # (x, y, w, h) canvas box

    def __post_init__(self):
        if self.lens not in LENSES:
            raise ValueError(f"the lens is {', '.join(LENSES)}, not {self.lens!r}")

    def banded(self) -> bool:
        return self.frame is not None  # (else it is drawn for the box it runs on)

    def light(self, where) -> np.ndarray:
        """float32 (h, w, 3) light, 0.. (1: white), on canvas box `where`."""
        shape = LENS_SHAPES[self.lens]
        fx, fy, fw, fh = self.frame if self.frame is not None else where.as_tuple()
        size = math.hypot(fw, fh)
        middle = (fx + fw / 2, fy + fh / 2)
        cx, cy = self.center if self.center is not None else middle
        x = np.arange(where.x, where.x + where.w, dtype=np.float32)[None, :] + 0.5
        y = np.arange(where.y, where.y + where.h, dtype=np.float32)[:, None] + 0.5
        light = np.zeros((where.h, where.w, 3), np.float32)

        def near(px, py, reach):
            """The rows and columns of `light` within `reach` (size units) of (px, py), and
            their x and y: each part is drawn only where it shows (the ghosts are small)."""
            r = reach * size
            rows = slice(int(np.clip(math.floor(py - r) - where.y, 0, where.h)),
                         int(np.clip(math.ceil(py + r) - where.y + 1, 0, where.h)))
            cols = slice(int(np.clip(math.floor(px - r) - where.x, 0, where.w)),
                         int(np.clip(math.ceil(px + r) - where.x + 1, 0, where.w)))
            return (rows, cols), x[:, cols], y[rows]

        unit = np.float32(1 / size)
        dx, dy = x - np.float32(cx), y - np.float32(cy)
        d = np.sqrt(dx * dx + dy * dy) * unit
        glow = np.exp(-d / np.float32(shape.glow)) * np.float32(0.45)
        (rows, cols), _, _ = near(cx, cy, 4 * shape.core)
        glow[rows, cols] += np.exp(-(d[rows, cols] / np.float32(shape.core)) ** 2)
        for c, warm in enumerate((1.0, 0.85, 0.65)):
            light[..., c] = glow * np.float32(0.55 + 0.45 * warm)
        if shape.ring:
            part, _, _ = near(cx, cy, shape.ring * 1.03 + 4 * shape.ring_width)
            for c, shift in enumerate((1.03, 1.0, 0.97)):  # red outside, blue inside
                light[part + (c,)] += np.float32(0.22) * np.exp(
                    -((d[part] - np.float32(shape.ring * shift)) / np.float32(shape.ring_width))
                    ** 2)
        if shape.rays:  # (below a level of 255 beyond 5 of their fall-off's radii)
            part, _, _ = near(cx, cy, 1.5 * shape.glow * 5)
            angle = np.arctan2(dy[part[0]], dx[:, part[1]])
            rays = np.float32(0.5) + np.float32(0.5) * np.cos(shape.rays * angle)
            for _ in range(3):  # ^8 by squaring (numpy's float power is slow), then ^24
                np.multiply(rays, rays, out=rays)
            rays = rays * rays * rays
            light[part] += (np.float32(0.5) * rays * np.exp(
                -d[part] / np.float32(1.5 * shape.glow)))[..., None]
        if shape.streak:
            streak = np.exp(-(dy / np.float32(size * 0.004)) ** 2) * np.exp(
                -np.abs(dx) / np.float32(size * 0.35))
            light += shape.streak * streak[..., None] * np.float32([0.6, 0.75, 1.0])
        ax, ay = middle[0] - cx, middle[1] - cy
        for t, radius, strength, tint in shape.ghosts:
            gx, gy = cx + t * ax, cy + t * ay
            part, xs, ys = near(gx, gy, radius)
            r = np.sqrt((xs - np.float32(gx)) ** 2 + (ys - np.float32(gy)) ** 2) * unit
            disc = np.clip((radius - r) / np.float32(0.25 * radius), 0, 1)  # soft-edged
            light[part] += (np.float32(strength) * disc)[..., None] * np.float32(tint)
        return light * np.float32(self.brightness / 100)

    def process(self, src, inner, where, coverage):
        old = src[inner.slices()]
        dark = np.float32(255) - old[..., :3]  # Screen: 255 - (255 - v)(1 - light)
        light = self.light(where)
        np.clip(light, 0, 1, out=light)
        np.subtract(np.float32(1), light, out=light)
        np.multiply(dark, light, out=light)
        return _mix_colours(old, np.float32(255) - light, coverage)


RENDER_FILTERS: dict[str, type] = {"clouds": Clouds, "difference_clouds": DifferenceClouds,
                                   "lens_flare": LensFlare}
