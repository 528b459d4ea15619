"""Healing: the Healing Brush's stroke and the Patch tool's patch, both laid through the
healing blend (`engine.healing.heal`: the source's texture on a smooth membrane that meets
the destination's colour and light at the border of what is healed).

The source pixels come from the Clone Stamp's snapshot (`clone.snapshot`: Current Layer,
Current & Below or All Layers) at a whole-pixel offset (source minus destination). The
Healing Brush paints a plain copy while the button is held (the Clone Stamp's
`clone_layer`, through `BrushStroke`: opacity, flow, selection) and heals it on release,
as Photoshop does: `StrokeHeal` takes what the heal reads on the GUI thread, heals it on the
window's job worker (or at once, when the next stroke needs the picture healed so far) and
lays the whole stroke again, healed, in the stroke's own undo step. The Patch tool heals
the selection (or, in Destination mode, the place it is dragged to) in one undo step:
`prepare_patch` on the GUI thread, `PatchHeal.result` on the worker, `apply_patch` back
on the GUI thread (`patch` runs the three at once). No Qt here.
"""
from __future__ import annotations

import threading
from typing import Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn

from .brush_stroke import BrushStroke, restore
from .clone import Snapshot, clone_dab, snapshot
from .document import Document, LockedError, raise_if_locked
from .edit_ops import pixel_layer, placed, selection_region
from .errors import DocumentError
from .layers import Layer
from .selection_ops import current_mask, select_mask

MARGIN = 1  # pixels around the healed cover whose destination the membrane must meet

NO_SELECTION = "Draw round what to patch first: the Patch tool works on a selection."


def heal_pixels(before: np.ndarray, source: np.ndarray, cover: np.ndarray,
                progress: Optional[ProgressFn] = None) -> np.ndarray:
    """Straight RGBA `source` (uint8, same shape as `before`) with its colours healed into
    `before`'s where `cover` (H, W float) is above nil; its alpha as it is. `progress`
    (step, total) is called at each step of the solve (and may raise to cancel)."""
    from engine.healing import heal  # numba: loaded on the first heal, not at start-up

    out = source.copy()
    region = cover > 0
    if region.any():
        healed = heal(before[..., :3], source[..., :3], region, progress)
        out[..., :3] = np.clip(np.rint(healed), 0, 255).astype(np.uint8)
    return out


class Heal:
    """One heal's inputs, copied on the GUI thread (the sample under what is healed, the
    sample it takes its texture from, the cover), so that `result` can run on the job
    worker while the document goes on. `result` heals once: a second caller (the GUI
    thread, when the next stroke or patch needs the picture healed so far before the job
    is done) waits for the running heal or, if it has not begun, runs it itself; the job
    then finds it done."""

    def __init__(self, dest: np.ndarray, source: np.ndarray, cover: np.ndarray):
        self.dest, self.source = np.array(dest), np.array(source)
        self.cover = np.array(cover, np.float32)
        self._lock = threading.Lock()
        self._healed: Optional[np.ndarray] = None

    def plain(self) -> np.ndarray:
        """The plain copy (the source laid over the destination through the cover), what
        shows until the heal lands."""
        out = self.dest.copy()
        clone_dab(out, self.source, self.cover, 1.0)
        return out

    def result(self, progress: Optional[ProgressFn] = None) -> np.ndarray:
        """The healed pixels (straight RGBA, the source's alpha), computed on the first
        call; `progress` reports its steps (and may raise to cancel)."""
        with self._lock:
            if self._healed is None:
                self._healed = heal_pixels(self.dest, self.source, self.cover, progress)
            return self._healed


class StrokeHeal(Heal):
    """The heal of one Healing Brush stroke, whose `PixelEdit` (the plain copy laid so far)
    the caller keeps open until `land`, then ends (one undo step)."""

    def __init__(self, stroke: BrushStroke, source: Snapshot, offset: tuple[int, int],
                 opacity: float, locked: bool):
        self.stroke, self.opacity, self.locked = stroke, opacity, locked
        where = stroke.relay_region(MARGIN)
        self.empty = where is None
        if where is None:
            super().__init__(np.zeros((0, 0, 4), np.uint8), np.zeros((0, 0, 4), np.uint8),
                             np.zeros((0, 0), np.float32))
            return
        self.box, cover, at = where
        super().__init__(source.region(at), source.region(at.translate(*offset)), cover)

    def land(self, healed: Optional[np.ndarray]) -> None:
        """Lays the stroke again from the pixels before it, `healed` through its cover as the
        Clone Stamp lays its copy (`clone_dab`); None: the plain copy stays."""
        if healed is None or self.empty:
            return
        edit, box = self.stroke.edit, self.box

        def lay(view: np.ndarray) -> None:
            restore(view, edit.original(box), self.locked)
            clone_dab(view, healed, self.cover, self.opacity)
        edit.apply(self.stroke.doc, box, lay)


class PatchHeal(Heal):
    """A patch prepared by `prepare_patch`: what it heals and where it lays it."""

    def __init__(self, layer: Layer, at: Box, dest, source, cover,
                 move_selection: Optional[tuple[int, int]]):
        super().__init__(dest, source, cover)
        self.layer, self.at = layer, at
        self.move_selection = move_selection


def prepare_patch(doc: Document, offset: tuple[int, int], destination: bool = False,
                  sample="current") -> PatchHeal:
    """The Patch tool's patch on the active layer, ready to heal (`PatchHeal.result`, on any
    thread) and lay (`apply_patch`). Source mode: the selection is healed with what lies
    `offset` (canvas pixels) away from it. Destination mode: what the selection holds is
    healed into the place `offset` away, and the selection moves there."""
    layer = pixel_layer(doc.active, "patch")
    region = selection_region(doc)
    if region is None:
        raise DocumentError(NO_SELECTION)
    if offset == (0, 0):
        raise DocumentError("Drag the selection to the area to patch from (or, in "
                            "Destination mode, to the place to patch).")
    # Refused now, not after the heal: Lock All, Lock Image Pixels.
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    sel_box, coverage = region
    dx, dy = offset
    if destination:   # the selection's pixels go to the place it was dragged to
        target, shift = sel_box.translate(dx, dy), (-dx, -dy)
    else:             # the place it was dragged to comes into the selection
        target, shift = sel_box, (dx, dy)
    source = snapshot(doc, layer, sample)
    at = Box(target.x - MARGIN, target.y - MARGIN, target.w + 2 * MARGIN,
             target.h + 2 * MARGIN).intersect(doc.canvas)
    if layer.transparency_locked():   # the layer will not grow: what lies beyond it stays
        at = at.intersect(layer.bounds())
    cover = placed(coverage, sel_box.translate(target.x - sel_box.x, target.y - sel_box.y), at)
    return PatchHeal(layer, at, source.region(at), source.region(at.translate(*shift)), cover,
                     offset if destination else None)


def apply_patch(doc: Document, prepared: PatchHeal, healed: np.ndarray,
                name: str = "Patch") -> Layer:
    """Lays `prepared`'s healed pixels (`PatchHeal.result`) on its layer, over the pixels
    the layer has now, in one undo step (with the selection's move, in Destination mode).
    Returns the layer."""
    layer = prepared.layer
    with doc.history.macro(name):
        edit = doc.begin_pixel_edit(layer, name, cover=prepared.at)
        # The layer may have grown to hold the patch: its box in the layer's array now.
        local = prepared.at.translate(-layer.x, -layer.y).clip(layer.width, layer.height)
        at = local.translate(layer.x, layer.y)
        cover = placed(prepared.cover, prepared.at, at)
        pixels = placed(healed, prepared.at, at)
        locked = layer.transparency_locked()

        def lay(view: np.ndarray) -> None:
            restore(view, edit.original(local), locked)
            clone_dab(view, pixels, cover, 1.0)
        edit.apply(doc, local, lay)
        doc.end_pixel_edit(edit)
        if prepared.move_selection is not None:
            dx, dy = prepared.move_selection
            mask = current_mask(doc)
            assert mask is not None
            select_mask(doc, placed(mask, doc.canvas.translate(dx, dy), doc.canvas), "replace",
                        name)
    return layer


def patch(doc: Document, offset: tuple[int, int], destination: bool = False,
          sample="current", name: str = "Patch") -> Layer:
    """`prepare_patch`, healed at once and laid by `apply_patch`: one undo step. Returns
    the layer."""
    prepared = prepare_patch(doc, offset, destination, sample)
    return apply_patch(doc, prepared, prepared.result(), name)
