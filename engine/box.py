"""Axis-aligned integer boxes (x, y, width, height) in image pixels.

Boxes are how the user marks where a layer should go or which object to
split off. The same type serves the engine, the command line
(`--box X,Y,W,H`) and the editor's selection.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .errors import InvalidInput


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @classmethod
    def parse(cls, text: str) -> "Box":
        """Parses "X,Y,W,H" (as typed on the command line)."""
        try:
            values = [float(v) for v in text.split(",")]
            if len(values) != 4:
                raise ValueError
        except ValueError:
            raise InvalidInput(f"Box '{text}' is not four numbers X,Y,W,H.") from None
        if not all(math.isfinite(v) and abs(v) < 2**31 for v in values):
            raise InvalidInput(f"Box '{text}' has a number that is not a pixel position "
                               f"(infinite, not a number, or beyond ±2147483647).")
        x, y, w, h = (int(round(v)) for v in values)
        return cls(x, y, w, h)

    @classmethod
    def from_corners(cls, x0: int, y0: int, x1: int, y1: int) -> "Box":
        return cls(x0, y0, x1 - x0, y1 - y0)

    @property
    def x1(self) -> int:
        return self.x + self.w

    @property
    def y1(self) -> int:
        return self.y + self.h

    @property
    def area(self) -> int:
        return max(0, self.w) * max(0, self.h)

    def is_empty(self) -> bool:
        return self.w <= 0 or self.h <= 0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    def slices(self) -> tuple[slice, slice]:
        """Row and column slices for indexing an (H, W, ...) array."""
        return slice(self.y, self.y1), slice(self.x, self.x1)

    def intersect(self, other: "Box") -> "Box":
        x0, y0 = max(self.x, other.x), max(self.y, other.y)
        x1, y1 = min(self.x1, other.x1), min(self.y1, other.y1)
        return Box(x0, y0, max(0, x1 - x0), max(0, y1 - y0))

    def union(self, other: "Box") -> "Box":
        if self.is_empty():
            return other
        if other.is_empty():
            return self
        return Box.from_corners(min(self.x, other.x), min(self.y, other.y),
                                max(self.x1, other.x1), max(self.y1, other.y1))

    def expand(self, left: int, top: int | None = None, right: int | None = None,
               bottom: int | None = None) -> "Box":
        top = left if top is None else top
        right = left if right is None else right
        bottom = top if bottom is None else bottom
        return Box.from_corners(self.x - left, self.y - top, self.x1 + right, self.y1 + bottom)

    def clip(self, width: int, height: int) -> "Box":
        return self.intersect(Box(0, 0, width, height))

    def translate(self, dx: int, dy: int) -> "Box":
        return Box(self.x + dx, self.y + dy, self.w, self.h)

    def validate_in(self, width: int, height: int, *, what: str = "box") -> "Box":
        """Checks the box is non-empty and overlaps a width x height image; returns it clipped."""
        if self.is_empty():
            raise InvalidInput(f"The {what} is empty ({self.w}x{self.h}).",
                               "Draw a box around the area first.")
        clipped = self.clip(width, height)
        if clipped.is_empty():
            raise InvalidInput(
                f"The {what} {self.as_tuple()} lies outside the {width}x{height} image.",
                "Draw the box over the picture.")
        return clipped


def opaque_bounds(pixels: np.ndarray) -> Optional[Box]:
    """The box of pixels with alpha > 0 (None when fully transparent)."""
    return mask_bounds(pixels[..., 3])


def mask_bounds(mask: np.ndarray) -> Optional[Box]:
    """The box of a 2-D mask's non-zero entries (None when there are none)."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return Box.from_corners(int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
