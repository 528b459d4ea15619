"""Healing: the Healing Brush's stroke and the Patch tool's patch, both laid through the
healing blend (`engine.healing.heal`: the source's texture on a smooth membrane that meets
the destination's colour and light at the border of what is healed).

The source pixels come from the Clone Stamp's snapshot (`clone.snapshot`: Current Layer,
Current & Below or All Layers) at a whole-pixel offset (source minus destination). The
Healing Brush paints a plain copy while the button is held (the Clone Stamp's
`clone_layer`, through `BrushStroke`: opacity, flow, selection) and heals it on release,
as Photoshop does: `StrokeHeal` takes what the heal reads on the GUI thread, heals it on the
window's job worker (or at once, when the next stroke needs the picture healed so far) and
lays the whole stroke again, healed, in the stroke's own undo step. The Patch tool
(`patch`) heals the selection (or, in Destination mode, the place it is dragged to) in
one undo step. No Qt here.
"""
from __future__ import annotations

import threading
from typing import Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn

from .brush_stroke import BrushStroke, restore
from .clone import Snapshot, clone_dab, snapshot
from .document import Document
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


def healing_layer(source: Snapshot, offset: tuple[int, int], opacity: float, locked: bool):
    """`BrushStroke`'s `lay` for a heal: `source`'s pixels at `offset` healed over the
    cover into what `source` shows under it, then laid as the Clone Stamp lays its copy
    (`clone_dab`: the cover's soft edge, `opacity`); `locked`: Lock Transparent Pixels.
    The destination's colour and light are the sample's, not the layer's own: healing onto
    an empty layer above with Current & Below matches the photo under it (Photoshop's)."""
    def lay(view: np.ndarray, before: np.ndarray, cover: np.ndarray, at: Box) -> None:
        restore(view, before, locked)
        healed = heal_pixels(source.region(at), source.region(at.translate(*offset)), cover)
        clone_dab(view, healed, cover, opacity)
    return lay


class StrokeHeal:
    """The heal of one Healing Brush stroke, whose `PixelEdit` (the plain copy laid so far)
    the caller keeps open until `land`. Made on the GUI thread: it copies what the heal
    reads (the sample under the stroke and at the source, the cover), so `result` can run
    on the job worker while the document goes on. `result` heals once: a second caller
    (the GUI thread, when the next stroke begins before the job is done) waits for the
    running heal or, if it has not begun, runs it itself; the job then finds it done."""

    def __init__(self, stroke: BrushStroke, source: Snapshot, offset: tuple[int, int],
                 opacity: float, locked: bool):
        self.stroke, self.opacity, self.locked = stroke, opacity, locked
        where = stroke.relay_region(MARGIN)
        self.empty = where is None
        if where is not None:
            self.box, cover, at = where
            self.cover = np.array(cover, np.float32)
            self.dest = np.array(source.region(at))
            self.source = np.array(source.region(at.translate(*offset)))
        self._lock = threading.Lock()
        self._healed: Optional[np.ndarray] = None

    def result(self, progress: Optional[ProgressFn] = None) -> np.ndarray:
        """The healed pixels (straight RGBA over the box), computed on the first call."""
        with self._lock:
            if self._healed is None:
                self._healed = heal_pixels(self.dest, self.source, self.cover, progress)
            return self._healed

    def land(self, healed: Optional[np.ndarray]) -> None:
        """Lays the stroke again from the pixels before it, `healed` through its cover as the
        Clone Stamp lays its copy (`clone_dab`); None: the plain copy stays. The caller ends
        the edit (one undo step)."""
        if healed is None or self.empty:
            return
        stroke, box, cover = self.stroke, self.box, self.cover
        edit = stroke.edit

        def lay(view: np.ndarray) -> None:
            restore(view, edit.original(box), self.locked)
            clone_dab(view, healed, cover, self.opacity)
        edit.apply(stroke.doc, box, lay)


def patch(doc: Document, offset: tuple[int, int], destination: bool = False,
          sample="current", name: str = "Patch") -> Layer:
    """The Patch tool's patch on the active layer, one undo step. Source mode: the
    selection is healed with what lies `offset` (canvas pixels) away from it. Destination
    mode: what the selection holds is healed into the place `offset` away, and the
    selection moves there (in the same step), as Photoshop leaves it. Returns the layer."""
    layer = pixel_layer(doc.active, "patch")
    region = selection_region(doc)
    if region is None:
        raise DocumentError(NO_SELECTION)
    if offset == (0, 0):
        raise DocumentError("Drag the selection to the area to patch from (or, in "
                            "Destination mode, to the place to patch).")
    sel_box, coverage = region
    dx, dy = offset
    if destination:   # the selection's pixels go to the place it was dragged to
        target, shift = sel_box.translate(dx, dy), (-dx, -dy)
    else:             # the place it was dragged to comes into the selection
        target, shift = sel_box, (dx, dy)
    source = snapshot(doc, layer, sample)
    grown = Box(target.x - MARGIN, target.y - MARGIN, target.w + 2 * MARGIN,
                target.h + 2 * MARGIN)
    with doc.history.macro(name):
        edit = doc.begin_pixel_edit(layer, name, cover=grown.intersect(doc.canvas))
        local = grown.translate(-layer.x, -layer.y).clip(layer.width, layer.height)
        at = local.translate(layer.x, layer.y)
        cover = placed(coverage, sel_box.translate(target.x - sel_box.x, target.y - sel_box.y),
                       at)
        lay = healing_layer(source, shift, 1.0, layer.transparency_locked())
        edit.apply(doc, local, lambda view: lay(view, edit.original(local), cover, at))
        doc.end_pixel_edit(edit)
        if destination:
            mask = current_mask(doc)
            assert mask is not None
            select_mask(doc, placed(mask, doc.canvas.translate(dx, dy), doc.canvas), "replace",
                        name)
    return layer
