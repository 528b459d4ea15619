"""Blur, Sharpen and Smudge: each dab softens, crisps or drags the colours under it.

Blur and Sharpen work as GIMP's Convolve tool does, on the pixels as the stroke has left
them (so scrubbing over a spot builds up, as in Photoshop): every dab takes a small
Gaussian of the pixels around it (the 5-tap binomial 1-4-6-4-1, sigma 1 px, weighted by
alpha so that transparent pixels lend no colour) and moves each pixel towards it (Blur)
or away from it (Sharpen: an unsharp mask, at half the Strength per dab since some four
dabs of a stroke overlap a pixel), by the dab's coverage times Strength.

Smudge is the classic model (GIMP's gimpsmudge.c): the stroke carries a buffer of colour
the size of the dab, picked up under the first dab; at every later dab the buffer becomes
Strength parts of itself and (1 - Strength) parts of what lies under the dab (the layer,
or with Sample All Layers what the canvas showed at the stroke's start with the stroke's
own dabs laid onto it: an approximation of the canvas as it changes), and is laid down
by the dab's coverage (dabs 5 % of the diameter apart). So at 100 % the first colour is dragged along for ever, at low
Strength it soon fades into what the stroke passes over. Dabs land on whole pixels, so
the buffer moves with the pointer without resampling.

Colours only: alpha stays (Photoshop's Smudge also drags transparency). No Qt here.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np

from engine.box import Box

from .clone import Snapshot
from .commands import PixelEdit
from .dabs import dab_mask
from .document import Document
from .edit_ops import placed
from .layers import Layer
from .retouch import RetouchStroke

MARGIN = 2  # the blur's reach, pixels: the binomial's half-width
SHARPEN_GAIN = 0.5
# Smudge's dabs fall closer than the brush's: the buffer is laid down with the dab's soft
# edge, and at a quarter diameter apart those edges show as ripples along the stroke.
SMUDGE_SPACING = 0.05


def _binomial(a: np.ndarray, axis: int) -> np.ndarray:
    """`a` filtered by 1-4-6-4-1 / 16 along `axis`, losing MARGIN pixels at each end."""
    n = a.shape[axis]

    def s(i: int) -> np.ndarray:
        index = [slice(None)] * a.ndim
        index[axis] = slice(i, n - 4 + i)
        return a[tuple(index)]

    out = s(0) + s(4)
    out += 4.0 * (s(1) + s(3))
    out += 6.0 * s(2)
    out *= np.float32(1 / 16)
    return out


def soft_colours(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The alpha-weighted Gaussian colour (3, h, w: one plane per channel, float 0..255) of
    each pixel of straight RGBA `window` but its MARGIN-wide border, and where that is
    defined (some pixel near it is not transparent)."""
    # Planes, not interleaved channels: numpy runs several times faster on them.
    planes = np.empty((4,) + window.shape[:2], np.float32)
    np.multiply(window[..., 3], np.float32(1 / 255), out=planes[3])
    for c in range(3):
        np.multiply(window[..., c], planes[3], out=planes[c])
    blurred = _binomial(_binomial(planes, 1), 2)
    defined = blurred[3] > 1e-6
    blurred[:3] /= np.where(defined, blurred[3], np.float32(1.0))
    return blurred[:3], defined


class FocusStroke(RetouchStroke):
    """Blur (`sharpen` False) or Sharpen, each dab on the pixels as they are now."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float, strength: float, sharpen: bool) -> None:
        super().__init__(doc, layer, edit, size, hardness)
        self.strength, self.sharpen = float(strength), bool(sharpen)

    def paint(self, view: np.ndarray, local: Box, weight: np.ndarray) -> None:
        layer = self.layer
        # Read from the layer itself: under Lock Transparent Pixels `view` is a copy whose
        # alpha reads opaque, and the blur needs the pixels round the dab as well.
        grown = Box(local.x - MARGIN, local.y - MARGIN, local.w + 2 * MARGIN,
                    local.h + 2 * MARGIN)
        window = placed(layer.pixels, Box(0, 0, layer.width, layer.height), grown)
        soft, defined = soft_colours(window)
        amount = weight * np.float32(self.strength * (SHARPEN_GAIN if self.sharpen else 1.0))
        amount = np.where(defined, amount, np.float32(0.0))
        inner = window[MARGIN:-MARGIN, MARGIN:-MARGIN]
        for c in range(3):
            now = inner[..., c].astype(np.float32)
            change = (now - soft[c]) if self.sharpen else (soft[c] - now)
            change *= amount
            change += now
            np.clip(change, 0.0, 255.0, out=change)
            view[..., c] = np.rint(change).astype(np.uint8)


class SmudgeStroke(RetouchStroke):
    """Smudge: a carried colour buffer, mixed with what lies under each dab at Strength."""

    def __init__(self, doc: Document, layer: Layer, edit: PixelEdit, size: float,
                 hardness: float, strength: float, sample: Optional[Snapshot] = None) -> None:
        super().__init__(doc, layer, edit, size, hardness)
        self.strength = float(strength)
        self.sample = sample   # what the canvas showed (Sample All Layers), or None
        r = max(self.size / 2.0, 0.5)
        self._r = r
        # Every dab's box is x0, y0 whole and the same size: one mask serves them all.
        self._mask, shape = dab_mask(r, r, self.size, self.hardness)
        self._n = (shape.w, shape.h)
        self.carried: Optional[np.ndarray] = None   # `_under`'s planes
        self._box = Box(0, 0, 0, 0)                   # the dab being laid down

    def dab_box(self, x: float, y: float) -> Box:
        """The layer-local box of the dab centred at (x, y): whole pixels, always one size."""
        return Box(int(math.floor(x - self._r + 0.5)), int(math.floor(y - self._r + 0.5)),
                   *self._n)

    def dab(self, x: float, y: float) -> None:
        box = self.dab_box(x, y)
        under = self._under(box)
        if self.carried is None:  # the first dab picks the colour up
            self.carried = under
            return
        s = np.float32(self.strength)
        self.carried *= s
        self.carried += (1.0 - s) * under
        self._box = box
        self.apply_dab(self._mask, box)

    def _under(self, box: Box) -> np.ndarray:
        """What lies under layer-local `box` now: premultiplied planes (4, h, w), colours
        0..255 times alpha 0..1 (planes: numpy runs several times faster on them)."""
        layer = self.layer
        if self.sample is not None:
            rgba = self.sample.region(box.translate(layer.x, layer.y))
        else:
            rgba = placed(layer.pixels, Box(0, 0, layer.width, layer.height), box)
        planes = np.empty((4,) + rgba.shape[:2], np.float32)
        np.multiply(rgba[..., 3], np.float32(1 / 255), out=planes[3])
        for c in range(3):
            np.multiply(rgba[..., c], planes[3], out=planes[c])
        return planes

    def paint(self, view: np.ndarray, local: Box, weight: np.ndarray) -> None:
        inside = (slice(None),) + local.translate(-self._box.x, -self._box.y).slices()
        carried = self.carried[inside]
        alpha = carried[3]
        # Where the carried colour is transparent there is nothing to lay down.
        amount = weight * alpha
        unpremultiply = 1.0 / np.where(alpha > 0, alpha, np.float32(1.0))
        self._lay(view, self.layer.pixels[local.slices()], carried, amount, unpremultiply)
        if self.sample is not None:
            # What the canvas showed takes the dab too, so that the stroke goes on picking
            # up its own trail, as it does on the layer alone (else the colour would fade
            # within a few pixels).
            snap, layer = self.sample, self.layer
            at = local.translate(layer.x, layer.y).intersect(snap.box)   # canvas
            if not at.is_empty():
                part = at.translate(-layer.x - local.x, -layer.y - local.y).slices()
                shown = snap.pixels[at.translate(-snap.box.x, -snap.box.y).slices()]
                self._lay(shown, shown, carried[(slice(None),) + part], amount[part],
                          unpremultiply[part])

    @staticmethod
    def _lay(out: np.ndarray, now: np.ndarray, carried: np.ndarray, amount: np.ndarray,
             unpremultiply: np.ndarray) -> None:
        """`out`'s colours: `now`'s moved towards the carried colour by `amount`."""
        for c in range(3):
            base = now[..., c].astype(np.float32)
            mixed = carried[c] * unpremultiply
            mixed -= base
            mixed *= amount
            mixed += base
            np.clip(mixed, 0.0, 255.0, out=mixed)
            out[..., c] = np.rint(mixed).astype(np.uint8)
