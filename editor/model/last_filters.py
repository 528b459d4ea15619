"""The last of Photoshop's Filter menu: Other > Custom, Stylize > Trace Contour and Pixelate >
Mezzotint.

Each is an `Operation` as those of `extra_filters.py` (frozen settings, `process` on a crop
with `reach()` pixels around it, mixed with the old pixels by the selection's coverage),
registered in `more_filters.FILTERS` at the end of this module, so `filter_ops` runs,
previews, records and repeats them as it does the others. numpy and OpenCV do the work;
Mezzotint's randomness is a hash of the canvas position and the seed (`hash01`), so the same
settings always give the same pixels whatever the bands or the selection.

- Custom: Photoshop's 5 x 5 grid of integer weights, the centre the pixel itself: the
  colour's weighted sum of its neighbours, divided by Scale, plus Offset, clipped to
  0..255 (edges repeated); alpha stays. The weights are applied as laid out (correlation,
  as Photoshop's dialog reads); an all-zero grid changes nothing (Photoshop refuses it).
- Trace Contour: per channel, the pixels inside the region beyond Level (Upper: value >=
  Level; Lower: value < Level) that touch a pixel outside it (4-neighbours) are the
  contour, drawn as that channel at 0 on white (255): a contour of all three channels is
  black, of one a colour. Alpha stays.
- Mezzotint: each channel thresholded against a random screen, so every channel is
  pure 0 or 255: Fine / Medium / Grainy / Coarse Dots a screen of white noise (blurred to 0 /
  0.7 / 0.35 / 1.4 px), Short / Medium / Long Lines one blurred along the rows (4 / 8 /
  16 px), Short / Medium / Long Strokes one blurred along a diagonal (our choice of
  lengths, as Photoshop publishes none). The blurred screens are stretched back to the
  spread of uniform noise, so a mid-grey keeps about half its pixels white. Alpha stays.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from . import more_filters as mf
from .canvas_hash import hash01
from .more_filters import _border
from .pixel_filters import Operation, _mix_colours, motion_kernel

IDENTITY_KERNEL = tuple(1 if i == 12 else 0 for i in range(25))  # the grid's centre: 1
CONTOUR_EDGES = ("lower", "upper")
MEZZOTINT_TYPES = ("fine_dots", "medium_dots", "grainy_dots", "coarse_dots",
                   "short_lines", "medium_lines", "long_lines",
                   "short_strokes", "medium_strokes", "long_strokes")
# How each screen is made: ("dots", blur sigma px) or ("lines" / "strokes", length px).
MEZZOTINT_SCREENS = {
    "fine_dots": ("dots", 0.0), "medium_dots": ("dots", 0.7), "coarse_dots": ("dots", 1.4),
    "grainy_dots": ("dots", 0.35),
    "short_lines": ("lines", 4), "medium_lines": ("lines", 8), "long_lines": ("lines", 16),
    "short_strokes": ("strokes", 4), "medium_strokes": ("strokes", 8),
    "long_strokes": ("strokes", 16)}


# -- Other --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Custom(Operation):
    label: ClassVar[str] = "Custom"
    kernel: tuple = IDENTITY_KERNEL  # 25 ints -999..999, row by row
    scale: int = 1                   # 1..9999
    offset: int = 0                  # -9999..9999

    def __post_init__(self):
        if len(self.kernel) != 25:
            raise ValueError("Custom's grid is 5 x 5")
        if self.scale < 1:
            raise ValueError("Custom's Scale is at least 1")

    def reach(self) -> int:
        return 2

    def is_identity(self) -> bool:
        return not any(self.kernel) or (self.kernel == IDENTITY_KERNEL and self.scale == 1
                                        and self.offset == 0)

    def process(self, src, inner, where, coverage):
        import cv2

        k = np.float32(self.kernel).reshape(5, 5) / np.float32(self.scale)
        rgb = np.ascontiguousarray(src[..., :3]).astype(np.float32)
        out = cv2.filter2D(rgb, -1, k, borderType=_border())[inner.slices()]
        return _mix_colours(src[inner.slices()], out + np.float32(self.offset), coverage)


# -- Stylize ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TraceContour(Operation):
    label: ClassVar[str] = "Trace Contour"
    level: int = 128          # 0..255
    edge: str = "upper"       # CONTOUR_EDGES

    def __post_init__(self):
        if self.edge not in CONTOUR_EDGES:
            raise ValueError(f"Trace Contour's edge is lower or upper, not {self.edge!r}")

    def reach(self) -> int:
        return 1

    def process(self, src, inner, where, coverage):
        import cv2

        rgb = np.ascontiguousarray(src[..., :3])
        inside = (rgb >= self.level) if self.edge == "upper" else (rgb < self.level)
        inside = inside.astype(np.uint8)
        # A pixel inside whose 4-neighbourhood's minimum is outside: on the contour.
        cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
        eroded = cv2.erode(inside, cross, borderType=cv2.BORDER_REPLICATE)
        line = (inside > eroded)[inner.slices()]
        out = np.where(line, np.float32(0), np.float32(255))
        return _mix_colours(src[inner.slices()], out, coverage)


# -- Pixelate -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mezzotint(Operation):
    label: ClassVar[str] = "Mezzotint"
    type: str = "fine_dots"   # MEZZOTINT_TYPES
    seed: int = 0

    def __post_init__(self):
        if self.type not in MEZZOTINT_TYPES:
            raise ValueError(f"Mezzotint has no type {self.type!r}")

    def reach(self) -> int:
        kind, size = MEZZOTINT_SCREENS[self.type]
        return int(math.ceil(3 * size if kind == "dots" else size)) + 1

    def screen(self, src_shape, origin) -> np.ndarray:
        """float32 (h, w, 3) thresholds in 0..255 for the crop whose top-left pixel lies at
        canvas `origin` (x, y): uniform noise of the seed and the place, shaped per type."""
        import cv2

        h, w = src_shape[:2]
        ys = np.arange(origin[1], origin[1] + h)[:, None]
        xs = np.arange(origin[0], origin[0] + w)[None, :]
        kind, size = MEZZOTINT_SCREENS[self.type]
        out = np.empty((h, w, 3), np.float32)
        for c in range(3):
            noise = hash01(int(self.seed) * 3 + c + 71, ys, xs)
            if size:
                if kind == "dots":
                    k = cv2.getGaussianKernel(2 * int(math.ceil(3 * size)) + 1, size)
                    k = (k @ k.T).astype(np.float32)
                elif kind == "lines":
                    k = np.full((1, int(size)), 1 / size, np.float32)
                else:
                    k = motion_kernel(45.0, float(size)).astype(np.float32)
                blurred = cv2.filter2D(noise - np.float32(0.5), -1, k,
                                       borderType=cv2.BORDER_REFLECT)
                # Back to uniform noise's spread (std 1/sqrt(12)): a constant per type, so
                # every band alike.
                noise = np.float32(0.5) + blurred * np.float32(
                    1 / math.sqrt(float(np.sum(k * k))))
            out[..., c] = noise
        return np.clip(out * np.float32(255), 0, 255)

    def process(self, src, inner, where, coverage):
        origin = (where.x - inner.x, where.y - inner.y)
        t = self.screen(src.shape, origin)[inner.slices()]
        rgb = src[inner.slices()][..., :3].astype(np.float32)
        out = np.where(rgb > t, np.float32(255), np.float32(0))
        return _mix_colours(src[inner.slices()], out, coverage)


FILTERS: dict[str, type] = {"custom": Custom, "trace_contour": TraceContour,
                            "mezzotint": Mezzotint}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)
