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

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .pixel_filters import Operation, _blend_premultiplied, _mix_colours

CELL_LARGEST = 128   # px between the coarsest lattice's points
CELL_SMALLEST = 2    # the finest
GAIN = 1.8           # the sum's spread around 0.5 (a few % of the pixels clip at 0 or 1)
WHOLE = 1 << 24      # Clouds' reach: the whole canvas


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


RENDER_FILTERS: dict[str, type] = {"clouds": Clouds, "difference_clouds": DifferenceClouds}
