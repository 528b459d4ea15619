"""The last of Photoshop's Filter menu: Other > Custom, Stylize > Extrude and Trace Contour,
and Pixelate > Mezzotint.

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
- Extrude: the box it changes (the selection's box or the layer) cut into cells of Size
  from its top-left corner, each raised as a block (or a pyramid) up to Depth: a random
  height per cell (Random) or its luma's share of Depth (Level-based), seen from above the
  box's centre (so the fronts stand out away from it, the sides facing it show). A block's
  sides and a pyramid's faces are its alpha-weighted mean colour in four shades (lit from
  the top left); a block's front is its cell (Solid Front Faces: the mean colour). Drawn
  lowest first by OpenCV's polygons, one block at a time (the loop is over blocks, never
  pixels). Mask Incomplete Blocks leaves the cells cut by the box's edge as they were.
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
from .canvas_hash import hash01, luma as _luma
from .more_filters import _border
from .pixel_filters import Operation, _blend_premultiplied, _mix_colours, motion_kernel

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


EXTRUDE_TYPES = ("blocks", "pyramids")
EXTRUDE_DEPTHS = ("random", "level")
# The shades of a block's sides (and a pyramid's faces) facing up, left, down, right: lit
# from the top left (our choice; Photoshop's shades are not published).
FACE_SHADES = (0.9, 0.75, 0.5, 0.62)


@dataclass(frozen=True)
class Extrude(Operation):
    label: ClassVar[str] = "Extrude"
    type: str = "blocks"         # EXTRUDE_TYPES
    size: int = 30               # 2..255 px: the blocks' side
    depth: int = 30              # 1..255: how far the highest block stands out
    depth_from: str = "random"   # EXTRUDE_DEPTHS: Random, or Level-based (the cell's luma)
    solid: bool = False          # Solid Front Faces: the block's mean colour on its front
    mask_incomplete: bool = False  # Mask Incomplete Blocks: cells cut by the edge stay

    def __post_init__(self):
        if self.type not in EXTRUDE_TYPES or self.depth_from not in EXTRUDE_DEPTHS:
            raise ValueError(f"Extrude is {'/'.join(EXTRUDE_TYPES)}, "
                             f"{'/'.join(EXTRUDE_DEPTHS)}")

    def banded(self) -> bool:
        return False  # the blocks are cut from the whole box and seen from its centre

    def process(self, src, inner, where, coverage):
        import cv2

        old = src[inner.slices()]
        h, w = old.shape[:2]
        side = max(2, int(self.size))
        ny, nx = -(-h // side), -(-w // side)
        # Each cell's alpha-weighted mean colour and mean alpha (sums over the cells by
        # padding to whole cells: one reshape, no loop over pixels).
        pad = np.zeros((ny * side, nx * side, 4), np.float32)
        pad[:h, :w] = old
        alpha = pad[..., 3:4].copy()
        pad[:h, :w, 3] = 1  # (now counts the real pixels)

        def cells(a):
            return a.reshape(ny, side, nx, side, -1).sum((1, 3))

        weight, count = cells(alpha)[..., 0], cells(pad[..., 3:4])[..., 0]
        colour = cells(pad[..., :3] * alpha) / np.maximum(weight, 1e-6)[..., None]
        mean_alpha = weight / np.maximum(count, 1)
        if self.depth_from == "level":
            height = _luma(colour) / np.float32(255) * self.depth
        else:  # a hash of the cell: the same blocks for the same box
            height = hash01(91, np.arange(ny)[:, None], np.arange(nx)[None, :]) * self.depth
        # Seen from above the box's centre at a distance F: a point `z` up lies F / (F - z)
        # times farther from the centre.
        cx, cy = w / 2, h / 2
        far = float(max(w, h) + 2 * 255)
        out = old.copy()
        # Every block's corners, faces and fills at once (numpy); the loop below only draws.
        ys, xs = np.mgrid[0:ny, 0:nx]
        x0, y0 = (xs * side).ravel(), (ys * side).ravel()
        x1, y1 = np.minimum(x0 + side, w), np.minimum(y0 + side, h)
        k = far / (far - height.ravel().astype(np.float64))
        base = np.stack([np.stack([x0, y0], -1), np.stack([x1, y0], -1),
                         np.stack([x1, y1], -1), np.stack([x0, y1], -1)], 1).astype(np.float64)
        centre = np.float64([cx, cy])
        top = (base - centre) * k[:, None, None] + centre
        if self.type == "pyramids":
            apex = (base.mean(1) - centre) * k[:, None] + centre
            faces = np.stack([np.stack([base[:, a], base[:, b], apex], 1)
                              for a, b in ((0, 1), (3, 0), (2, 3), (1, 2))], 1)
        else:
            faces = np.stack([np.stack([base[:, a], base[:, b], top[:, b], top[:, a]], 1)
                              for a, b in ((0, 1), (3, 0), (2, 3), (1, 2))], 1)
        shift = 4  # sub-pixel corners (1/16 px) for cv2's polygons
        # (cv2 puts pixel i's centre at i: the cell's edges lie half a pixel out)
        pts = np.rint((faces - 0.5) * (1 << shift)).astype(np.int32)
        rgba = np.concatenate([colour.reshape(-1, 3), mean_alpha.reshape(-1, 1)], 1)
        fills = np.concatenate([rgba[:, None, :3] * np.float64(FACE_SHADES)[None, :, None],
                                np.repeat(rgba[:, None, 3:], 4, 1)], 2).tolist()
        solid = np.clip(np.rint(rgba), 0, 255).astype(np.uint8)
        front = np.rint(top).astype(np.int64).tolist()
        whole = ((x1 - x0 == side) & (y1 - y0 == side)) | (not self.mask_incomplete)
        # Painter's order: lower blocks first, then those farther out (their sides lie under
        # the nearer ones').
        dist = np.hypot((xs + 0.5) * side - cx, (ys + 0.5) * side - cy)
        order = np.lexsort((-dist.ravel(), height.ravel()))
        order = order[whole[order]]
        for i in order.tolist():
            for f in range(4):
                cv2.fillConvexPoly(out, pts[i, f], fills[i][f], cv2.LINE_8, shift)
            if self.type == "pyramids":
                continue
            # The front: the cell itself moved out (or its mean colour, solid).
            (fx, fy), (rx, _), (_, by) = front[i][0], front[i][1], front[i][2]
            fw, fh = rx - fx, by - fy
            fx0, fy0, fx1, fy1 = max(fx, 0), max(fy, 0), min(rx, w), min(by, h)
            if fw <= 0 or fh <= 0 or fx1 <= fx0 or fy1 <= fy0:
                continue
            if self.solid:
                out[fy0:fy1, fx0:fx1] = solid[i]
            else:
                cell = old[y0[i]:y1[i], x0[i]:x1[i]]
                if (fw, fh) != (cell.shape[1], cell.shape[0]):
                    cell = cv2.resize(np.ascontiguousarray(cell), (fw, fh),
                                      interpolation=cv2.INTER_LINEAR)
                out[fy0:fy1, fx0:fx1] = cell[fy0 - fy:fy1 - fy, fx0 - fx:fx1 - fx]
        if self.mask_incomplete:  # (after the drawing: no side of a block reaches them)
            out[h // side * side:], out[:, w // side * side:] = \
                old[h // side * side:], old[:, w // side * side:]
        return _blend_premultiplied(old, out, coverage)


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
                            "extrude": Extrude, "mezzotint": Mezzotint}
mf.FILTERS.update(FILTERS)  # the menu's one registry (more_filters imports this module)
