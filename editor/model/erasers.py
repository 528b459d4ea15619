"""The Magic Eraser and the Background Eraser (Photoshop's, E / Shift+E after the Eraser).

Magic Eraser: a click erases to transparency the pixels of the active layer whose colour
is like the clicked one - the Magic Wand's rule (`selection_ops.wand_mask`: Tolerance,
Contiguous, Sample All Layers) - at Opacity, within the selection, in one undo step.
Anti-alias softens the edge of what is erased. On a layer with Lock Transparent Pixels it
paints the background colour instead, as the Eraser does there (and as Photoshop's Magic
Eraser does).

Background Eraser: a brush stroke (`brush_stroke.BrushStroke`, one undo step) whose every
dab erases, of the pixels under it, only those whose colour lies within Tolerance of a
sampled colour: the one under the dab's centre (Sampling: Continuous), the one under the
stroke's first dab (Once) or the background colour (Background Swatch). Limits:
Discontiguous (any matching pixel under the brush), Contiguous (those connected to the
centre), Find Edges (connected, and without the soft fall-off at the tolerance, so edges
stay sharp). Protect Foreground Color keeps the pixels like the foreground colour. As in
Photoshop it erases to transparency even on a layer with Lock Transparent Pixels.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box, mask_bounds

from .brush_stroke import paint_dab
from .document import Document
from .edit_ops import SelectionCoverage
from .errors import DocumentError
from .layers import Layer
from .selection_ops import wand_mask

MAGIC_NAME = "Magic Eraser"
SAMPLING = ("continuous", "once", "swatch")
LIMITS = ("discontiguous", "contiguous", "find_edges")


# -- Magic Eraser -----------------------------------------------------------------------------
def magic_erase(doc: Document, layer: Layer, x: int, y: int, *, tolerance: int = 32,
                contiguous: bool = True, anti_alias: bool = True, sample_all: bool = False,
                opacity: float = 1.0, background: tuple[int, int, int] = (255, 255, 255)) -> bool:
    """Erases the pixels of `layer` like canvas pixel (x, y) (the Magic Wand's `tolerance`
    0..255 and `contiguous`, sampled in `layer` or, `sample_all`, in what the canvas shows)
    at `opacity`, inside the selection; with Lock Transparent Pixels paints `background`
    there instead. One undo step; False when nothing was to be erased."""
    if not isinstance(layer, Layer):
        raise DocumentError("Select a pixel layer to erase.")
    coverage = wand_mask(doc, x, y, int(tolerance), contiguous,
                         None if sample_all else layer).astype(np.float32) / 255.0
    if anti_alias:
        coverage = anti_aliased(coverage)
    inside = SelectionCoverage(doc).of(doc.canvas)
    if inside is not None:
        coverage *= inside
    box = mask_bounds(coverage > 0)
    box = box.intersect(layer.bounds()) if box is not None else None
    if box is None or box.is_empty():
        return False
    # Within the layer: an eraser never makes it grow.
    edit = doc.begin_pixel_edit(layer, MAGIC_NAME, cover=box)
    strength = coverage[box.slices()]
    locked = layer.transparency_locked()
    edit.apply(doc, box.translate(-layer.x, -layer.y),
               lambda view: paint_dab(view, strength, background, opacity, not locked))
    doc.end_pixel_edit(edit)
    return not edit.is_noop()


def anti_aliased(coverage: np.ndarray) -> np.ndarray:
    """Anti-alias for a hard 0/1 coverage: the pixels just outside it get the part of their
    3 x 3 neighbourhood that is inside (a third along a straight edge), so a stair-stepped
    edge is smoothed; the pixels inside stay whole, so none of the erased colour is left
    as a faint rim."""
    import cv2

    return np.maximum(coverage, cv2.blur(coverage, (3, 3), borderType=cv2.BORDER_REPLICATE))


# -- Background Eraser --------------------------------------------------------------------------
class BackgroundErase:
    """What a Background Eraser stroke erases of each dab (`BrushStroke`'s `weigh`): the
    dab's coverage where the pixels before the stroke (`edit.original`) are like the
    sampled colour. `tolerance` 0..1; `swatch` the background colour (Background Swatch);
    `protect` the foreground colour, or None."""

    def __init__(self, edit, tolerance: float, sampling: str = "continuous",
                 limits: str = "discontiguous", swatch: tuple[int, int, int] = (255, 255, 255),
                 protect: Optional[tuple[int, int, int]] = None):
        if sampling not in SAMPLING:
            raise ValueError(f"unknown sampling {sampling!r}")
        if limits not in LIMITS:
            raise ValueError(f"unknown limits {limits!r}")
        self.edit, self.sampling, self.limits = edit, sampling, limits
        self.tolerance = float(max(0.0, min(1.0, tolerance))) * 255.0
        self.protect = None if protect is None else np.asarray(protect, np.int16)
        # Once: taken at the stroke's first dab (None until then, or when it fell on
        # nothing: then the stroke erases nothing).
        self.sample: Optional[np.ndarray] = np.asarray(swatch, np.int16) \
            if sampling == "swatch" else None
        self._sampled = sampling == "swatch"

    def __call__(self, mask: np.ndarray, box: Box, cx: float, cy: float) -> np.ndarray:
        """The part of dab `mask` (lying on `box` of the edited array, centred at cx, cy
        there) to erase."""
        h, w = self.edit.shape
        inter = box.clip(w, h)
        out = np.zeros_like(mask)
        if inter.is_empty():
            return out
        ix, iy = int(np.floor(cx)), int(np.floor(cy))
        if self.sampling == "continuous" or not self._sampled:
            self._sampled = True
            self.sample = self._colour_at(ix, iy)
        if self.sample is None:
            return out
        before = self.edit.original(inter)
        weight = self._like(before[..., :3], self.sample, hard=self.limits == "find_edges")
        if self.protect is not None:
            weight *= 1.0 - self._like(before[..., :3], self.protect, hard=False)
        part = mask[inter.translate(-box.x, -box.y).slices()] * weight
        if self.limits != "discontiguous":
            part = _connected_to(part, ix - inter.x, iy - inter.y)
        out[inter.translate(-box.x, -box.y).slices()] = part
        return out

    def _colour_at(self, x: int, y: int) -> Optional[np.ndarray]:
        """The colour under the hot spot before the stroke; None off the layer or where it
        is transparent (there is no colour there to erase)."""
        h, w = self.edit.shape
        if not (0 <= x < w and 0 <= y < h):
            return None
        pixel = self.edit.original(Box(x, y, 1, 1))[0, 0]
        return None if pixel[3] == 0 else pixel[:3].astype(np.int16)

    def _like(self, rgb: np.ndarray, colour: np.ndarray, hard: bool) -> np.ndarray:
        """1 where `rgb` lies within the tolerance of `colour` (the largest difference of
        a channel), falling to 0 over the last quarter of it (unless `hard`), so a soft
        edge of the erased colour goes part way."""
        diff = np.abs(rgb.astype(np.int16) - colour).max(axis=-1).astype(np.float32)
        t = self.tolerance
        ramp = 0.25 * t
        if hard or ramp < 1.0:
            return (diff <= t).astype(np.float32)
        return np.clip((t - diff) / ramp, 0.0, 1.0)


def _connected_to(part: np.ndarray, x: int, y: int) -> np.ndarray:
    """`part` where it is connected (8 neighbours) to pixel (x, y) through non-zero
    pixels; zeros when (x, y) is not in it."""
    import cv2

    h, w = part.shape
    if not (0 <= x < w and 0 <= y < h) or part[y, x] <= 0:
        return np.zeros_like(part)
    _count, labels = cv2.connectedComponents((part > 0).astype(np.uint8), connectivity=8)
    return np.where(labels == labels[y, x], part, 0.0).astype(np.float32)
