"""Image > Adjustments and the Filter menu on the active pixel layer: prepare, run, apply.

`prepare(doc, node, what)` checks the layer (a visible pixel layer whose pixels may
change; its pixels, not its mask, targeted) and keeps a copy of its pixels and the
selection (its soft edge as coverage), so a dialog can run an operation
(`pixel_filters.py`) again and again on what the layer was. `run(target, op)`
computes the new pixels of the box that changes (the selection's box, or the
whole layer; a blur's reach beyond it where the canvas is), in bands of rows so a
worker thread reports progress and can be cancelled between bands. `show` puts a
result on the layer through `Document.begin_pixel_edit` / `PixelEdit.apply`, as a
brush stroke does (the layer grows to hold a blur's spread; Lock Transparent Pixels
keeps alpha; the renderer's caches follow), without recording a step: a dialog's
live preview. `take_back` restores the layer; `keep` records the shown result as
one undo step. `apply` does the three at once (headless use).

With the layer mask targeted (its thumbnail clicked in the Layers panel), as in Photoshop
the operation works on the mask instead, on any kind of layer or group that has one: the
mask's grey as opaque RGBA (its default grey beyond its box), the result's red channel
back into the mask through `mask_ops.begin_mask_stroke` (the mask grows where a blur
spreads), one undo step as well.

In Lab mode with one Lab channel chosen in the Channels panel (Lightness: Photoshop's
sharpening workflow), the result is kept in that channel only (`color_modes.only_channel`).

On a smart object the operation becomes a smart filter instead (`smart_filters.py`): its
target is the shown pixels, and `show` gives the layer the list with the new filter
(`smart_filters.preview`), which `keep` records and `take_back` undoes as it does a
stroke.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box, mask_bounds
from engine.progress import ProgressFn, no_progress

from . import commands as cmds
from . import mask_ops, replay
from .color_modes import only_channel
from .distort_filters import WHOLE
from .document import Document, LockedError, raise_if_locked
from .errors import DocumentError
from .layers import AdjustmentLayer, Group, Layer, Node
from .pixel_filters import Operation
from .selection_ops import current_mask
from .smart_object import SmartObjectLayer

BAND_PIXELS = 1 << 21  # a band's pixels: a progress step, and bounded float memory


@dataclass
class Target:
    """A layer's pixels as they were when a dialog opened, and the selection."""
    layer: Layer
    source: np.ndarray            # copy of the layer's pixels
    origin: tuple[int, int]       # where they lay on the canvas
    extent: Box                   # canvas box pixels may be read from: canvas and layer
    selection: Optional[np.ndarray]  # canvas-sized uint8 coverage, or None
    selected: Optional[Box]       # its box (None: no selection)
    keeps_alpha: bool             # Lock Transparent Pixels: no growth, alpha stays
    on_mask: bool = False         # the node's layer mask (grey, opaque), not its pixels
    which: str = "mask"           # which mask: "mask", "filter_mask" (Smart Filters')
    outside: tuple = (0, 0, 0, 0)  # what lies beyond the source (a mask's default grey)
    smart: Optional[object] = None  # a smart object's: `smart_filters.SmartEdit`
    lab_channel: Optional[str] = None  # Lab mode's one targeted channel ("Lightness", ...)

    def bounds(self) -> Box:
        return Box(self.origin[0], self.origin[1], self.source.shape[1], self.source.shape[0])

    def crop(self, box: Box) -> np.ndarray:
        """The source pixels in canvas box `box`, transparent where the layer has none."""
        out = np.empty((max(0, box.h), max(0, box.w), 4), np.uint8)
        out[...] = self.outside
        inter = self.bounds().intersect(box)
        if not inter.is_empty():
            out[inter.translate(-box.x, -box.y).slices()] = \
                self.source[inter.translate(-self.origin[0], -self.origin[1]).slices()]
        return out

    def region(self, op: Operation) -> Box:
        """The canvas box `op` changes: the layer (grown by the op's reach where pixels may
        spread, inside the canvas), inside the selection's box."""
        box = self.bounds()
        if self.on_mask:  # a mask has a value everywhere: its default beyond its box
            box = self.extent
        elif op.grows and not self.keeps_alpha:
            box = box.expand(op.reach()).intersect(self.extent)
        if self.selected is not None:
            box = box.intersect(self.selected)
        return box


@dataclass
class Result:
    box: Box             # canvas box
    pixels: np.ndarray   # its new straight RGBA
    op: Operation


def prepare(doc: Document, node: Optional[Node], what: str = "filter",
            empty_ok: bool = False, smart: Optional[bool] = None) -> Target:
    """The active pixel layer ready for an operation, or a DocumentError in one line saying
    why it cannot be (`what`: the verb of that line). `empty_ok`: an operation that paints
    (Clouds) takes an empty layer too. `smart`: whether the operation may go on a smart
    object as a smart filter (None: filters may, adjustments not, as in Photoshop, where
    Shadows/Highlights is the one adjustment a smart filter can be)."""
    if node is None:
        raise DocumentError(f"Select a pixel layer to {what}.")
    if doc.active is node and doc.targeted_mask() is not None:
        return _prepare_mask(doc, node, doc.mask_target)
    if isinstance(node, AdjustmentLayer):
        kind = "a fill" if node.kind == "fill" else "an adjustment"
        raise DocumentError(f"'{node.name}' is {kind} layer: select a pixel layer to {what}.")
    if isinstance(node, Group) or not isinstance(node, Layer):
        raise DocumentError(f"'{node.name}' is a group: select a pixel layer to {what}.")
    if isinstance(node, SmartObjectLayer):
        if not (smart if smart is not None else what == "filter"):
            raise DocumentError(f"'{node.name}' is a smart object: only filters and "
                                f"Shadows/Highlights go on it (as smart filters). Add an "
                                f"adjustment layer clipped to it, or rasterize it first "
                                f"(Layer > Rasterize > Smart Object).")
        return _prepare_smart(doc, node, what)
    if node.is_locked():
        raise LockedError(f"Layer '{node.name}' is locked.")
    raise_if_locked(node, "pixels")
    if not node.is_shown():
        raise DocumentError(f"Layer '{node.name}' is hidden: show it to {what} it.")
    if not empty_ok and (node.is_empty() or not node.pixels[..., 3].any()):
        raise DocumentError(f"Layer '{node.name}' has no pixels to {what}.")
    selection = current_mask(doc)
    selected = mask_bounds(selection) if selection is not None else None
    if selection is not None and selected is None:
        selection = None  # an empty painted mask selects nothing: the whole layer
    target = Target(node, node.pixels.copy(), (node.x, node.y),
                    doc.canvas.union(node.bounds()), selection, selected,
                    node.transparency_locked())
    if target.selected is not None and target.bounds().intersect(target.selected).is_empty():
        raise DocumentError(f"The selection does not touch layer '{node.name}'.")
    target.lab_channel = doc.lab_channel()
    return target


def _prepare_smart(doc: Document, node: SmartObjectLayer, what: str) -> Target:
    """A smart object's shown pixels as the target of a new smart filter at the top of its
    list (Photoshop's Smart Filters: the whole layer; a selection does not narrow it)."""
    from .smart_filters import SmartEdit, target_of

    if node.is_locked():
        raise LockedError(f"Layer '{node.name}' is locked.")
    if not node.is_shown():
        raise DocumentError(f"Layer '{node.name}' is hidden: show it to {what} it.")
    if node.is_empty() or not node.pixels[..., 3].any():
        raise DocumentError(f"Layer '{node.name}' has no pixels to {what}.")
    from .smart_filters import reveals_all, shown
    from .smart_object import _limit

    # The filters' own result (the mask limits the whole list's, the new filter's too).
    pixels, x, y = (node.pixels.copy(), node.x, node.y) if reveals_all(node.filter_mask) else \
        shown(node, node.contents, node.placement, node.filters, _limit(doc), doc.canvas,
              use_mask=False)
    return target_of(node, pixels, x, y, doc.canvas,
                     SmartEdit(node, node.filters, len(node.filters)))


def _prepare_mask(doc: Document, node: Node, which: str = "mask") -> Target:
    """The targeted mask of `node` (`which`: its layer mask, or a smart object's Smart
    Filters mask) as opaque grey RGBA (what Photoshop's filters and adjustments work on
    when the mask is targeted)."""
    if node.is_locked():
        raise LockedError(f"Layer '{node.name}' is locked.")
    mask = getattr(node, which)
    grey = np.empty(mask.pixels.shape + (4,), np.uint8)
    grey[..., :3] = mask.pixels[..., None]
    grey[..., 3] = 255
    selection = current_mask(doc)
    selected = mask_bounds(selection) if selection is not None else None
    if selection is not None and selected is None:
        selection = None
    d = mask.default
    return Target(node, grey, (mask.x, mask.y), doc.canvas.union(mask.bounds()), selection,
                  selected, False, on_mask=True, which=which, outside=(d, d, d, 255))


def run(target: Target, op: Operation, progress: ProgressFn = no_progress) -> Result:
    """The new pixels of the box `op` changes (engine work: runs on a worker thread;
    `progress` after each band, which may raise Cancelled)."""
    box = target.region(op)
    out = np.empty((max(0, box.h), max(0, box.w), 4), np.uint8)
    reach = op.reach()
    # Bands at least 4 x the reach high (the halo read is then at most half the work), but
    # a whole-canvas reach reads it all whatever the band (Lens Correction's bands).
    halo = 4 * reach if reach < WHOLE else 0
    rows = max(16, BAND_PIXELS // max(1, box.w), halo) if op.banded() else max(1, box.h)
    bands = [Box(box.x, y, box.w, min(rows, box.y1 - y)) for y in range(box.y, box.y1, rows)]
    for i, band in enumerate(bands):
        read = band.expand(reach).intersect(target.extent)
        src = target.crop(read)
        coverage = None
        if target.selection is not None:
            coverage = target.selection[band.slices()]
        inner = band.translate(-read.x, -read.y)
        new = op.process(src, inner, band, coverage)
        if not op.grows:  # what alpha hides keeps its colour (an adjustment adds no pixels)
            old = src[inner.slices()]
            hidden = old[..., 3] == 0
            new[hidden] = old[hidden]
        if target.lab_channel is not None:  # one Lab channel targeted: the others stay
            new = only_channel(src[inner.slices()], new, target.lab_channel)
        out[band.translate(-box.x, -box.y).slices()] = new
        progress(i + 1, len(bands))
    return Result(box, out, op)


def show(doc: Document, target: Target, result: Result) -> cmds.PixelEdit:
    """Puts `result` on the layer as a brush stroke would (not recorded: `keep` records it,
    `take_back` restores the layer). Refuses, in one line, when the layer changed."""
    if target.smart is not None:  # a smart object's new or edited smart filter
        from .smart_filters import preview

        edit = preview(doc, target, result)
        smart = target.smart
        if smart.index >= len(smart.filters):  # a new smart filter (not one edited again)
            edit.replay_op = result.op
        return edit
    layer = target.layer
    # what holds the pixels changed
    held = getattr(layer, target.which) if target.on_mask else layer
    if not doc.contains(layer) or held is None or (held.x, held.y) != target.origin \
            or held.pixels.shape[:2] != target.source.shape[:2]:
        raise DocumentError(f"Layer '{layer.name}' changed meanwhile; run the "
                            f"{result.op.label} again.")
    if target.on_mask:
        edit = mask_ops.begin_mask_stroke(doc, layer, result.op.label, result.box,
                                          target.which)
        held = getattr(layer, target.which)  # (grown to hold the box)
    else:
        edit = doc.begin_pixel_edit(layer, result.op.label, cover=result.box)
        edit.channel = None  # (`run` kept the result to a targeted Lab channel already)
    # The layer has grown to hold the box, unless Lock Transparent Pixels holds it.
    inside = result.box.intersect(held.bounds())
    if not inside.is_empty():
        pixels = result.pixels[inside.translate(-result.box.x, -result.box.y).slices()]
        if target.on_mask:
            pixels = pixels[..., 0]  # (grey in: the red channel is the grey out)

        def fn(view: np.ndarray) -> None:
            view[...] = pixels

        edit.apply(doc, inside.translate(-held.x, -held.y), fn)
    edit.replay_op = result.op  # (what `keep` reports to the Actions panel's recorder)
    return edit


def take_back(doc: Document, edit: cmds.PixelEdit) -> None:
    """Restores the layer a shown result changed (its tiles, then its size)."""
    edit.undo(doc)
    grown = getattr(edit, "grown", None)
    if grown is not None:
        grown.undo(doc)


def keep(doc: Document, edit: cmds.PixelEdit) -> None:
    """Records a shown result as one undo step (named after the operation). Every filter and
    destructive adjustment ends here, so this is where an action records one, with its
    settings (`replay.performed_operation`)."""
    doc.end_pixel_edit(edit)
    op = getattr(edit, "replay_op", None)
    if op is not None:
        replay.performed_operation(doc, op)


def apply(doc: Document, op: Operation, node: Optional[Node] = None,
          progress: ProgressFn = no_progress, what: str = "filter") -> None:
    """Runs `op` on the active (or given) pixel layer and applies it: one undo step."""
    target = prepare(doc, node if node is not None else doc.active, what,
                     getattr(op, "paints", False))
    keep(doc, show(doc, target, run(target, op, progress)))
