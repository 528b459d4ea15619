"""Patterns (Photoshop's Edit > Define Pattern) and how a Pattern fill layer tiles one.

A `Pattern` is a named, immutable tile of straight RGBA pixels with a unique id (a
UUID, as Photoshop's 'Idnt'). The document keeps the patterns defined in it
(`Document.patterns`, changed by one undoable `SetPatterns` step each, written to the
PSD's global 'Patt' block); a Pattern fill's settings (`adjustments.PatternFill`) hold
the pattern itself, so a layer copied, merged or autosaved paints without its document.

`tile` lays a pattern over a canvas box: the tile's corner at `phase` (canvas pixels),
scaled by `scale` % and turned by `angle` degrees (counter-clockwise, as Photoshop's
angles). At 100 % unturned it is the tile repeated exactly, by index arithmetic (the
tile's columns for one tile's height, then whole rows of those: a 4000x3000 canvas in
~15 ms), as Photoshop draws it. Scaled or turned, it is sampled bilinearly, wrapping
around the tile, in premultiplied alpha, with tile pixel i at canvas pixel phase +
i * scale: so Photoshop drew patterns.psd's Pattern Overlays at 200 % (0.0-0.3 levels
off on average, 1 at most; copied pixel by pixel 3.4-17; with a bicubic kernel, a =
-0.5 to -1, 0.8-4; bilinear at matched pixel centres, 2.8-16). Shrunk (unturned) it is
drawn from a mipmap level (`_mip`): the tile averaged over f x f blocks, f the least power
of 2 that brings the scale to 100 % or more, then sampled as enlarged: so at 50 % each
pixel is the mean of 2 x 2 tile pixels, as Photoshop drew Aspose's
PatternFillLayerWide_0.psd, and at 75 % a 1-pixel line spreads over three pixels, 1/6,
1/2, 1/6, as Photoshop drew Aspose's zendeya_warp.psd (6.62 -> 0.09 levels; bilinear from
the tile itself put 5/6 on one pixel) and ag-psd's pattern.psd (2.76 -> 0.19). A tile whose
sides are not multiples of f is sampled at matched pixel centres from the tile itself, as
before (unchecked against Photoshop). The mixing is one numba
pass (`pattern_kernels`, the same bits as the numpy it replaced, which took 1-3 s on
12 MP). Unturned, each distinct column and row of samples is made once, then copied
(12 MP at 200 % in ~20 ms); at a scale with no short repeat (33.33 %) each pixel is
mixed in place (~0.1 s); turned, per pixel (150 % at 30 deg ~0.15-0.2 s).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine.box import Box

from .errors import DocumentError
from .history import Command

if TYPE_CHECKING:
    from .document import Document

MAX_SIDE = 32767  # a PSD pattern stores its size as signed 16-bit numbers


@dataclass(frozen=True)
class Pattern:
    """A named tile: `pixels` (H, W, 4) straight RGBA uint8, read-only; equal patterns
    have the same id and name (the pixels of one id never change)."""

    name: str
    pixels: np.ndarray = field(compare=False, repr=False)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self):
        pixels = np.asarray(self.pixels)
        if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4 \
                or pixels.shape[0] < 1 or pixels.shape[1] < 1:
            raise ValueError(f"a pattern is (H, W, 4) uint8 pixels, not {pixels.shape} {pixels.dtype}")
        if max(pixels.shape[:2]) > MAX_SIDE:
            raise DocumentError(f"A pattern is at most {MAX_SIDE} pixels a side; select a "
                                f"smaller area.")
        pixels = np.array(pixels, copy=True)  # its own, never written again
        pixels.setflags(write=False)
        object.__setattr__(self, "pixels", pixels)

    @property
    def width(self) -> int:
        return self.pixels.shape[1]

    @property
    def height(self) -> int:
        return self.pixels.shape[0]


def tile(pattern: Pattern, box: Box, scale: float = 100.0, angle: float = 0.0,
         phase: tuple = (0.0, 0.0)) -> np.ndarray:
    """(box.h, box.w, 4) uint8: `pattern` tiled over canvas box `box` (see the module)."""
    h, w = max(0, box.h), max(0, box.w)
    pixels = pattern.pixels
    k = float(scale) / 100.0
    # Pixel centres relative to the tile's corner, in the tile's (unscaled) pixels.
    dx = (np.arange(box.x, box.x + w, dtype=np.float64) + 0.5 - float(phase[0])) / k
    dy = (np.arange(box.y, box.y + h, dtype=np.float64) + 0.5 - float(phase[1])) / k
    turned = float(angle) % 360 != 0
    if not turned and k == 1.0:
        ix = np.floor(dx).astype(np.int64) % pattern.width
        iy = np.floor(dy).astype(np.int64) % pattern.height
        # The columns of one tile's height first, then whole rows of those (row copies).
        return np.take(pixels[:, ix], iy, axis=0)
    from . import pattern_kernels  # numba: loaded when a pattern is first scaled or turned

    # Interpolated in premultiplied alpha (a transparent pixel's colour counts for
    # nothing), as floats; straight again at the end.
    src = pixels.astype(np.float32)
    opaque = bool((pixels[..., 3] == 255).all())
    if not opaque:
        src[..., :3] *= src[..., 3:] * np.float32(1 / 255)
    src, k, dx, dy = _mip(src, k, dx, dy, turned)
    if not turned:
        # Separable, and each distinct column (row) of samples made once: at 200 % a
        # canvas of any size has 2 x the tile's columns and rows to make, then copies.
        # Shrunk (a tile `_mip` could not average), the samples lie at the canvas pixels'
        # centres (tile pixel i at i + 0.5): at 50 % the mean of 2 x 2 tile pixels, as
        # Photoshop drew Aspose's PatternFillLayerWide_0.psd (0.6 levels off; at the
        # corners, as enlarged, 35).
        shift = 0.5 / k if k >= 1.0 else 0.5
        height, width = src.shape[:2]
        ux, inv_x = np.unique(np.round((dx - shift) % width, 6), return_inverse=True)
        uy, inv_y = np.unique(np.round((dy - shift) % height, 6), return_inverse=True)
        taps_x, weights_x = _taps(ux, width)
        columns = np.ascontiguousarray(  # one layout: one compiled kernel
            src[:, taps_x[:, 0]] * weights_x[:, 0, None] + src[:, taps_x[:, 1]] * weights_x[:, 1, None])
        taps_y, weights_y = _taps(uy, height)
        inv_x, inv_y = inv_x.ravel(), inv_y.ravel()
        if len(ux) * len(uy) > w * h // 4:
            # Few repeats (33.33 %: every column differs): each pixel mixed in place;
            # numpy's gathers of a canvas-sized block took longer than the mixing.
            out = np.empty((h, w, 4), np.uint8)
            pattern_kernels.rows(columns, taps_y, weights_y, inv_x, inv_y, opaque, out)
            return out
        block = np.empty((len(uy), len(ux), 4), np.uint8)
        pattern_kernels.rows(columns, taps_y, weights_y, np.arange(len(ux)),
                             np.arange(len(uy)), opaque, block)
        return np.take(block[:, inv_x], inv_y, axis=0)
    # Turned counter-clockwise on screen (y down): screen = M p, p = M^T screen. One
    # numba pass over the output (see pattern_kernels).
    a = np.deg2rad(float(angle))
    out = np.empty((h, w, 4), np.uint8)
    pattern_kernels.turned(src, dx, dy, float(np.cos(a)), float(np.sin(a)), 0.5 / k, opaque, out)
    return out


def _mip(src: np.ndarray, k: float, dx: np.ndarray, dy: np.ndarray, turned: bool):
    """Shrunk (unturned) below 100 %: the tile averaged over f x f blocks, f the least
    power of 2 that brings the scale to 100 % or more (a mipmap level), and the sample
    coordinates in its pixels, as Photoshop draws it (see the module's docstring).
    (src, scale, dx, dy) as they come when not shrunk, or the tile's sides are not
    multiples of f."""
    if turned or k >= 1.0:
        return src, k, dx, dy
    f = 1 << int(np.ceil(np.log2(1.0 / k) - 1e-9))
    h, w = src.shape[:2]
    if h % f or w % f:
        return src, k, dx, dy
    mip = src.reshape(h // f, f, w // f, f, 4).mean(axis=(1, 3), dtype=np.float32)
    return np.ascontiguousarray(mip), k * f, dx / f, dy / f


def _taps(coords: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The tile indices (wrapped around: the tiling is periodic) and float32 weights of
    the 2 pixels that interpolate linearly at tile coordinates `coords` (pixel i at i):
    arrays of `coords`' shape plus one axis of the 2 taps."""
    base = np.floor(coords)
    f = (coords - base)[..., None]
    taps = (base.astype(np.int64)[..., None] + np.arange(2)) % size
    return taps, np.concatenate([1 - f, f], axis=-1).astype(np.float32)


def display_name(name: str) -> str:
    """A pattern's name as Photoshop shows it: without the trailing NUL of the file and
    without the localisation key of its presets ('$$$/Presets/...=Metallic Flecks')."""
    name = name.rstrip("\x00")
    if name.startswith("$$$/") and "=" in name:
        name = name.split("=", 1)[1]
    return name


def next_pattern_name(doc: "Document") -> str:
    """'Pattern N' for the first N no pattern of `doc` is called (Photoshop's default)."""
    names = {p.name for p in doc.patterns}
    n = 1
    while f"Pattern {n}" in names:
        n += 1
    return f"Pattern {n}"


def define_pattern(doc: "Document", name: str) -> Pattern:
    """Edit > Define Pattern: what the canvas shows inside the selection (the whole canvas
    without one; a soft selection's edge in the alpha), as Copy Merged takes it, becomes
    a pattern of the document named `name`, in one undo step."""
    from .edit_ops import copy_merged

    name = name.strip() or next_pattern_name(doc)
    pixels, _, _ = copy_merged(doc)
    if pixels.size == 0 or not pixels[..., 3].any():
        raise DocumentError("There is nothing to make a pattern of there: the selected "
                            "area is empty.")
    pattern = Pattern(name, pixels)
    doc.history.push(SetPatterns(doc.patterns + (pattern,), "Define Pattern"))
    return pattern


class SetPatterns(Command):
    """Replaces the document's patterns (a tuple of immutable `Pattern`s); undo brings
    them back."""

    def __init__(self, patterns, name: str):
        self.name = name
        self._other = tuple(patterns)

    def _swap(self, doc: "Document") -> None:
        current = doc.patterns
        doc._set_patterns(self._other)
        self._other = current

    redo = _swap
    undo = _swap

    def nbytes(self) -> int:
        return sum(p.pixels.nbytes for p in self._other)
