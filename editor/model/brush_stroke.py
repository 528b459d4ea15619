"""A Brush, Pencil or Eraser stroke as Photoshop lays it, on a layer's pixels or on a mask.

The dabs build up the stroke's cover (`StrokeCover`: each adds Flow x its coverage of
what is not covered yet); after each batch of dabs the stroke is laid again, over the
box they reached, on the pixels as they were before it (`PixelEdit.original`), at the
brush's Opacity and only inside the selection (its soft edge fades the paint). So a
stroke at 50 % is 50 % wherever it passed, however many dabs overlap there, as in
Photoshop; a second stroke adds 50 % of what is left. The Brush tool
(editor/ui/tools/brush.py) feeds it the dab centres; the brush bench runs it as they do.
With Paint Symmetry (symmetry.py) every dab is laid at each of its copies into the same
cover, so the copies are one stroke: where they overlap the stroke's Opacity still caps
them, and they are one undo step.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable, Optional

import numpy as np

from engine.box import Box

from .brush_tip import BrushTip
from .commands import PixelEdit
from .dabs import dab_mask
from .edit_ops import SelectionCoverage
from .mask_ops import paint_mask_dab
from .symmetry import Symmetry


def paint_dab(view: np.ndarray, mask: np.ndarray, color: tuple[int, int, int], opacity: float,
              erase: bool) -> None:
    """Blends colour `color` (or with `erase`, transparency) into straight RGBA `view`
    through coverage `mask` (same height and width) at `opacity`, in place."""
    a = mask * np.float32(opacity)
    dst_a = view[..., 3].astype(np.float32) * np.float32(1 / 255)
    if erase:
        view[..., 3] = np.rint(dst_a * (1.0 - a) * 255.0).astype(np.uint8)
        return
    out_a = a + dst_a * (1.0 - a)
    keep = dst_a * (1.0 - a)
    safe = np.where(out_a > 0, out_a, 1.0)
    for c in range(3):
        value = (np.float32(color[c]) * a + view[..., c].astype(np.float32) * keep) / safe
        view[..., c] = np.clip(np.rint(value), 0, 255).astype(np.uint8)
    view[..., 3] = np.clip(np.rint(out_a * 255.0), 0, 255).astype(np.uint8)


class StrokeCover:
    """What one stroke covers so far (0..1 float32 over an array of `shape`), built up dab
    by dab at `flow`. Made of zeros the system maps lazily: only what the stroke touches
    costs memory."""

    def __init__(self, shape: tuple[int, int], flow: float = 1.0):
        self.cover = np.zeros(shape, np.float32)
        self.flow = np.float32(flow)

    def add(self, mask: np.ndarray, box: Box) -> None:
        """Adds a dab of coverage `mask` lying on `box` (in the array's coordinates)."""
        inter = box.clip(self.cover.shape[1], self.cover.shape[0])
        if inter.is_empty():
            return
        view = self.cover[inter.slices()]
        view += mask[inter.translate(-box.x, -box.y).slices()] * self.flow * (1.0 - view)

    def of(self, box: Box) -> np.ndarray:
        return self.cover[box.slices()]


class BrushStroke:
    """One stroke of round dabs of `size` and `hardness` through `edit` (a `PixelEdit` of a
    layer's pixels or a `LayerMaskEdit`, begun by the caller, who also ends it), whose
    array starts at canvas point `origin`. `lay(view, before, cover, at)` lays the stroke
    on `view` (the edited array inside canvas box `at`) from `before` (the same pixels
    before the stroke) through `cover` (its coverage there, the selection applied).
    `weigh(mask, box, cx, cy)`, if given, has its say in each dab: it returns the part of
    the dab's coverage `mask` (on `box` of the array, centred at cx, cy there) to keep
    (the Background Eraser's colour match, `erasers.BackgroundErase`). `aliased`: the
    Pencil's dabs (`dab_mask`), whose pixels are painted or not. `tip`: Brush Settings'
    tip shape and dynamics (`brush_tip.BrushTip`), its jitters drawn from `seed`.
    `symmetry`: Paint Symmetry (`symmetry.Symmetry`), each dab laid at all its copies."""

    def __init__(self, doc, edit: PixelEdit, origin: tuple[int, int], size: float,
                 hardness: float, flow: float,
                 lay: Callable[[np.ndarray, np.ndarray, np.ndarray, Box], None],
                 weigh: Optional[Callable[[np.ndarray, Box, float, float], np.ndarray]] = None,
                 aliased: bool = False, tip: Optional[BrushTip] = None,
                 seed: Optional[int] = None, symmetry: Optional[Symmetry] = None):
        self.doc, self.edit, self.origin = doc, edit, origin
        self.size, self.hardness, self.aliased = size, hardness, aliased
        # Brush Settings' tip and dynamics; the plain round tip keeps the fast path below.
        self.tip = tip if tip is not None and not tip.plain else None
        self.rng = np.random.default_rng(seed)   # the dynamics' draws, one seed a stroke
        self._last: Optional[tuple[float, float]] = None
        self._direction = (1.0, 0.0)
        self.selection = SelectionCoverage(doc)
        self.cover = StrokeCover(edit.shape, flow)
        self.lay = lay
        self.weigh = weigh
        self.symmetry = symmetry if symmetry is not None and symmetry.on else None
        self._flipped_sample: Optional[np.ndarray] = None

    def dabs(self, centres: Iterable[tuple[float, float]]) -> Optional[Box]:
        """Adds dabs at canvas points `centres` and lays the stroke where they reach; the
        box of the array that changed (None: none of it)."""
        ox, oy = self.origin
        tip = self.tip
        placed = ((cx, cy, self.size, 0.0, 1.0, 1.0) for cx, cy in centres) if tip is None \
            else self._placed(centres)
        sample = None if tip is None else tip.sample
        sym = self.symmetry
        # One union per copy: the copies of a radial stroke lie all round the centre, and
        # laying the box that holds them all would repaint most of the canvas each move.
        unions: list[Optional[Box]] = [None] * (1 if sym is None else len(sym.transforms()))
        for cx, cy, size, angle, roundness, amount in placed:
            copies = [(cx, cy, angle, False)] if sym is None else sym.copies(cx, cy, angle)
            for i, (x, y, turn, flipped) in enumerate(copies):
                mask, box = dab_mask(x - ox, y - oy, size, self.hardness, self.aliased, turn,
                                     roundness, self._flipped(sample) if flipped else sample)
                if amount < 1.0:  # Opacity / Flow Jitter thin the dab's paint
                    mask = mask * np.float32(amount)
                if self.weigh is not None:
                    mask = self.weigh(mask, box, x - ox, y - oy)
                self.cover.add(mask, box)
                unions[i] = box if unions[i] is None else unions[i].union(box)
        changed = None
        for box in _merged([u for u in unions if u is not None]):
            done = self._lay(box)
            if done is not None:
                changed = done if changed is None else changed.union(done)
        return changed

    def _flipped(self, sample: Optional[np.ndarray]) -> Optional[np.ndarray]:
        """A sampled tip mirrored across its long axis (a reflected copy's tip), made once a
        stroke; the round and elliptical tips are their own mirror images."""
        if sample is None:
            return None
        if self._flipped_sample is None:
            self._flipped_sample = np.ascontiguousarray(sample[::-1])
        return self._flipped_sample

    def _lay(self, union: Box) -> Optional[Box]:
        """Lays the stroke again over `union` of the array; the box that changed or None."""
        ox, oy = self.origin
        h, w = self.cover.cover.shape
        union = union.clip(w, h)
        if union.is_empty():
            return None
        cover = self._cover(union)
        edit, at = self.edit, union.translate(ox, oy)
        return edit.apply(self.doc, union,
                          lambda view: self.lay(view, edit.original(union), cover, at))

    def _cover(self, box: Box) -> np.ndarray:
        """The stroke's cover over `box` of the array, the selection applied."""
        ox, oy = self.origin
        cover = self.cover.of(box)
        inside = self.selection.of(box.translate(ox, oy))
        return cover if inside is None else cover * inside

    def _placed(self, centres: Iterable[tuple[float, float]]) -> list[tuple]:
        """The tip's dabs at each spacing step (`BrushTip.place`: x, y, diameter, angle,
        roundness, amount), scattered across the way the stroke goes there."""
        tip, out = self.tip, []
        for cx, cy in centres:
            if self._last is not None:
                dx, dy = cx - self._last[0], cy - self._last[1]
                n = math.hypot(dx, dy)
                if n > 1e-6:
                    self._direction = (dx / n, dy / n)
            self._last = (cx, cy)
            out += tip.place(cx, cy, self.size, self._direction, self.rng)
        return out

    def relay_region(self, margin: int = 0) -> Optional[tuple[Box, np.ndarray, Box]]:
        """Where the whole stroke is laid again (the Healing Brush's heal on release): the
        box it has changed so far grown by `margin` (what a heal needs around the cover,
        where the cover is nil) in the edited array, the stroke's cover there with the
        selection applied, and the same box on the canvas; None if nothing was painted."""
        box = self.edit.box
        if box.is_empty():
            return None
        h, w = self.cover.cover.shape
        box = Box(box.x - margin, box.y - margin, box.w + 2 * margin,
                  box.h + 2 * margin).clip(w, h)
        ox, oy = self.origin
        return box, self._cover(box), box.translate(ox, oy)


def _merged(boxes: list[Box]) -> list[Box]:
    """`boxes` with those that overlap joined (laying a region twice is wasted work)."""
    out: list[Box] = []
    for box in boxes:
        merged = True
        while merged:
            merged = False
            for i, other in enumerate(out):
                if not box.intersect(other).is_empty():
                    box = box.union(out.pop(i))
                    merged = True
                    break
        out.append(box)
    return out


def pixel_layer(color: tuple[int, int, int], opacity: float, erase: bool, locked: bool):
    """`BrushStroke`'s `lay` for a layer's pixels: colour `color` (or with `erase`,
    transparency) at `opacity`. `locked` (Lock Transparent Pixels): the view is an opaque
    copy whose colours only are kept (`PixelEdit.apply`), so its alpha is left as it is."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        restore(view, before, locked)
        paint_dab(view, cover, color, opacity, erase)
    return lay


def restore(view: np.ndarray, before: np.ndarray, locked: bool) -> None:
    """Puts a layer's pixels as they were before the stroke back into `view`; `locked`
    (Lock Transparent Pixels): only the colours, in the opaque copy `PixelEdit.apply` hands
    over, whose colours alone are kept."""
    view[..., :3] = before[..., :3]
    if not locked:
        view[..., 3] = before[..., 3]


def mask_layer(grey: int, opacity: float):
    """`BrushStroke`'s `lay` for a mask: grey `grey` at `opacity`."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        view[...] = before
        paint_mask_dab(view, cover, grey, opacity)
    return lay
