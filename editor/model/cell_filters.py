"""The Filter menu's Pixelate filters beyond Mosaic (`more_filters.py`): Color Halftone,
Crystallize, Facet, Fragment and Pointillize, `Operation`s as the others (registered in
`more_filters.FILTERS` at the end of this module).

- Crystallize: Voronoi cells around one seed per square of `cell` pixels (placed at random
  in its square by a hash of the square's canvas position: the same cells whatever the
  crop, band or selection), each cell the mean of its pixels (premultiplied). The nearest
  seed is a numba kernel that looks at the 5 x 5 squares around a pixel (a seed can lie
  in any part of its square, so that finds the nearest exactly; `cell_kernels.py`).
- Pointillize: the same cells; a dot of radius 0.4-0.6 cell (by the hash) around each seed
  in its cell's mean colour, anti-aliased, on the Background colour.
- Color Halftone: per channel a screen of square cells of side 2 x Max Radius turned by the
  channel's angle; in each cell a dot of the channel's full value whose area is the cell
  mean's share of 255 (radius cell / sqrt(2) x sqrt(mean / 255)), black around it, anti-
  aliased. Channels 1-3 are red, green and blue (Photoshop's default angles 108, 162, 90);
  channel 4 applies to CMYK only and is kept for the dialog's sake.
- Facet: a Kuwahara filter of radius 2 (`kuwahara.py`): each pixel the mean of whichever of
  the four 3 x 3 squares that have it as a corner has the least luma variance (flat
  patches, edges kept).
- Fragment: the mean of four copies moved 4 px diagonally each way (premultiplied).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.box import Box

from . import more_filters as mf
from .canvas_hash import hash01
from .kuwahara import kuwahara
from .more_filters import _border
from .pixel_filters import (Operation, _blend_premultiplied, _blurred, _opaque, _premultiplied,
                            _straight)

FRAGMENT_SHIFT = 4
FACET_RADIUS = 2


def voronoi(box_x: int, box_y: int, h: int, w: int, size: int, seed: int):
    """(labels int32 (h, w), distances float32 (h, w), the seeds' canvas x and y flat) of the
    crop at canvas (box_x, box_y): Voronoi cells of one seed per square of `size`."""
    gx0, gy0 = box_x // size - 2, box_y // size - 2
    gx1, gy1 = (box_x + w) // size + 3, (box_y + h) // size + 3
    gy, gx = np.mgrid[gy0:gy1, gx0:gx1]
    seed_x = (gx + hash01(seed, gx, gy)) * np.float64(size)
    seed_y = (gy + hash01(seed + 1, gx, gy)) * np.float64(size)
    from .cell_kernels import nearest_seed  # (numba: loaded when first used, not at start-up)

    labels = np.empty((h, w), np.int32)
    dist = np.empty((h, w), np.float32)
    nearest_seed(seed_x, seed_y, gx0, gy0, float(size), box_x, box_y, labels, dist)
    return labels, dist, seed_x.ravel(), seed_y.ravel()


def cell_means(src: np.ndarray, labels: np.ndarray, cells: int) -> tuple[np.ndarray, bool]:
    """(cells, 4) float: each cell's mean RGBA (premultiplied unless the crop is opaque), and
    whether it is opaque."""
    opaque = _opaque(src)
    values = (src.astype(np.float32) if opaque else _premultiplied(src)).reshape(-1, 4)
    flat = labels.ravel()
    counts = np.maximum(np.bincount(flat, minlength=cells), 1).astype(np.float64)
    means = np.stack([np.bincount(flat, values[:, c], minlength=cells) / counts
                      for c in range(4)], axis=-1)
    return means.astype(np.float32), opaque


def _to_straight(pre: np.ndarray, opaque: bool) -> np.ndarray:
    if opaque:
        return np.clip(pre + 0.5, 0, 255).astype(np.uint8)
    return _straight(np.ascontiguousarray(pre))


@dataclass(frozen=True)
class Crystallize(Operation):
    label: ClassVar[str] = "Crystallize"
    grows: ClassVar[bool] = True
    cell: int = 10  # 3..300 px

    def reach(self) -> int:
        return 3 * int(self.cell) + 2  # a cell lies within 2 sqrt(2) squares of its pixels

    def is_identity(self) -> bool:
        return self.cell < 3

    def process(self, src, inner, where, coverage):
        ox, oy = where.x - inner.x, where.y - inner.y  # src's corner on the canvas
        labels, _d, sx, _sy = voronoi(ox, oy, src.shape[0], src.shape[1], int(self.cell), 41)
        means, opaque = cell_means(src, labels, len(sx))
        out = _to_straight(means[labels[inner.slices()]], opaque)
        return _blend_premultiplied(src[inner.slices()], out, coverage)


@dataclass(frozen=True)
class Pointillize(Operation):
    label: ClassVar[str] = "Pointillize"
    grows: ClassVar[bool] = True
    cell: int = 5                       # 3..300 px
    background: tuple = (255, 255, 255)  # the Background colour, around the dots

    def reach(self) -> int:
        return 3 * int(self.cell) + 2

    def is_identity(self) -> bool:
        return self.cell < 3

    def process(self, src, inner, where, coverage):
        s = int(self.cell)
        ox, oy = where.x - inner.x, where.y - inner.y
        labels, dist, sx, sy = voronoi(ox, oy, src.shape[0], src.shape[1], s, 43)
        means, opaque = cell_means(src, labels, len(sx))
        means[:, :3] = means[:, :3] * (np.float32(255) / np.maximum(means[:, 3:4], 1e-6))
        lab = labels[inner.slices()]
        radius = s * (0.4 + 0.2 * hash01(45, np.floor(sx / s), np.floor(sy / s)))
        dot = np.clip(radius[lab] - dist[inner.slices()] + 0.5, 0, 1)[..., None]
        rgb = means[lab, :3] * dot + np.float32(self.background)[:3] * (1 - dot)
        old = src[inner.slices()]
        out = old.copy()
        out[..., :3] = np.clip(rgb + 0.5, 0, 255)
        out[..., 3] = np.clip(np.float32(means[lab, 3]) * dot[..., 0] + 255 * (1 - dot[..., 0])
                              + 0.5, 0, 255)
        out[out[..., 3] == 0] = 0
        return _blend_premultiplied(old, out, coverage)


def dot_radius(share: np.ndarray, cell: float) -> np.ndarray:
    """The radius of a round dot that covers `share` (0..1) of a square cell of side `cell`:
    pi r^2 while the dot lies inside the square, less the four caps beyond its sides after
    (a table of that area, inverted by interpolation)."""
    h = cell / 2
    r = np.linspace(0, h * math.sqrt(2), 513)
    over = np.clip(h / np.maximum(r, 1e-9), -1, 1)
    caps = np.where(r > h, r * r * np.arccos(over) - h * np.sqrt(np.maximum(r * r - h * h, 0)),
                    0)
    area = (np.pi * r * r - 4 * caps) / (cell * cell)
    radius = np.interp(share, area, r)
    return np.where(share >= 1, h * math.sqrt(2) + 1, radius)  # (full: past the corners)


@dataclass(frozen=True)
class ColorHalftone(Operation):
    label: ClassVar[str] = "Color Halftone"
    radius: int = 8         # 4..127 px: the largest dot's radius
    channel1: int = 108     # -360..360 degrees: the screens' angles
    channel2: int = 162
    channel3: int = 90
    channel4: int = 45

    def reach(self) -> int:
        return 3 * int(self.radius) + 2  # a cell's centre lies within 1.5 cells

    def is_identity(self) -> bool:
        return self.radius < 1

    def process(self, src, inner, where, coverage):
        import cv2

        cell = 2.0 * int(self.radius)
        k = int(cell) | 1
        whole = Box(0, 0, src.shape[1], src.shape[0])  # (cell centres lie anywhere in src)
        mean = _blurred(src, whole, lambda a: cv2.blur(a, (k, k), borderType=_border()))
        ox, oy = where.x - inner.x, where.y - inner.y
        ys = np.arange(where.y, where.y1, dtype=np.float64)[:, None] + 0.5
        xs = np.arange(where.x, where.x1, dtype=np.float64)[None, :] + 0.5
        old = src[inner.slices()]
        out = old.copy()
        for c, angle in enumerate((self.channel1, self.channel2, self.channel3)):
            t = math.radians(angle)
            cos, sin = math.cos(t), math.sin(t)
            u, v = xs * cos + ys * sin, -xs * sin + ys * cos
            uc, vc = (np.floor(u / cell) + 0.5) * cell, (np.floor(v / cell) + 0.5) * cell
            cx, cy = uc * cos - vc * sin, uc * sin + vc * cos  # the cell's centre, canvas
            at = cv2.remap(np.ascontiguousarray(mean[..., c]), (cx - ox - 0.5).astype(np.float32),
                           (cy - oy - 0.5).astype(np.float32), cv2.INTER_LINEAR,
                           borderMode=_border()).astype(np.float64)
            radius = dot_radius(at / 255, cell)
            ink = np.clip(radius - np.hypot(u - uc, v - vc) + 0.5, 0, 1)
            out[..., c] = np.clip(ink * 255 + 0.5, 0, 255).astype(np.uint8)
        out[old[..., 3] == 0] = old[old[..., 3] == 0]
        return _blend_premultiplied(old, out, coverage)


@dataclass(frozen=True)
class Facet(Operation):
    label: ClassVar[str] = "Facet"

    def reach(self) -> int:
        return FACET_RADIUS + 1

    def process(self, src, inner, where, coverage):
        opaque = _opaque(src)
        best = kuwahara(src.astype(np.float32) if opaque else _premultiplied(src), FACET_RADIUS)
        part = best[inner.slices()]
        old = src[inner.slices()]
        if opaque:
            out = old.copy()
            out[..., :3] = np.clip(part[..., :3] + 0.5, 0, 255)
        else:
            out = _straight(np.ascontiguousarray(part))
            out[..., 3] = old[..., 3]
        return _blend_premultiplied(old, out, coverage)


@dataclass(frozen=True)
class Fragment(Operation):
    label: ClassVar[str] = "Fragment"
    grows: ClassVar[bool] = True

    def reach(self) -> int:
        return FRAGMENT_SHIFT + 1

    def process(self, src, inner, where, coverage):
        import cv2

        n = FRAGMENT_SHIFT
        kernel = np.zeros((2 * n + 1, 2 * n + 1), np.float32)
        kernel[[0, 0, -1, -1], [0, -1, 0, -1]] = 0.25
        out = _blurred(src, inner, lambda a: cv2.filter2D(a, -1, kernel, borderType=_border()))
        return _blend_premultiplied(src[inner.slices()], out, coverage)


FILTERS: dict[str, type] = {
    "color_halftone": ColorHalftone, "crystallize": Crystallize, "facet": Facet,
    "fragment": Fragment, "pointillize": Pointillize}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)
