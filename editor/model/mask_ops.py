"""Layer masks, vector masks and clipping masks: the operations of Layer > Layer Mask,
Layer > Vector Mask and Layer > Create Clipping Mask, each one undoable command (see
`commands.SetMask`, `SetMaskAttr`, `LayerMaskEdit`; a vector mask is never changed in
place, so its operations set a changed copy with `SetAttr`).

A new mask covers the canvas and the layer's box, so painting anywhere the
layer can show has stored values; outside its box a mask is its default colour
(255 reveals, 0 hides) and grows when a stroke reaches beyond it.

A layer's transparency can move into a mask (`alpha_as_mask`): the colours
become opaque, carried outward into the transparent part, and the alpha
becomes the mask, so the picture is the same but the edge can be painted back
and forth. Layer > Layer Mask > From Transparency does it to a layer, and the
operations that make layers (Generate, Decompose, New Layered Image, New Layer
from Difference) do it to theirs when asked (`put_alpha_in_mask`).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box

from . import commands as cmds
from . import path_edit
from .document import Document, raise_if_locked, refuse_on_background
from .errors import DocumentError
from .history import Macro
from .layers import Layer, LayerMask, Node, clipping_base
from .selection_ops import current_mask, select_mask
from .vector_mask import VectorMask

# How far (pixels) a layer whose alpha became a mask is grown beyond its box (within the
# canvas), so that painting the mask white just outside the old edge shows colour there.
EDGE_ROOM = 32

MODES = ("reveal_all", "hide_all", "reveal_selection", "hide_selection")
_NAMES = {"reveal_all": "Reveal All", "hide_all": "Hide All",
          "reveal_selection": "Reveal Selection", "hide_selection": "Hide Selection"}


def _target(doc: Document, node: Optional[Node]) -> Node:
    if node is None or node is doc.root or not doc.contains(node):
        raise DocumentError("Select a layer or group first.")
    return node


def mask_box(doc: Document, node: Node) -> Box:
    bounds = node.bounds()
    return doc.canvas if bounds.is_empty() else doc.canvas.union(bounds)


def add_mask(doc: Document, node: Optional[Node], mode: str = "reveal_all") -> LayerMask:
    """Adds a layer mask: Reveal All, Hide All, or from the selection (Reveal/Hide Selection)."""
    node = _target(doc, node)
    refuse_on_background(node, "a layer mask")
    if node.mask is not None:
        raise DocumentError(f"'{node.name}' already has a layer mask.")
    if mode not in MODES:
        raise ValueError(f"unknown mask mode {mode!r}")
    box = mask_box(doc, node)
    if mode in ("reveal_all", "hide_all"):
        value = 255 if mode == "reveal_all" else 0
        mask = LayerMask(np.full((box.h, box.w), value, np.uint8), box.x, box.y, default=value)
    else:
        selected = current_mask(doc)
        if selected is None:
            raise DocumentError("Make a selection first.")
        if mode == "hide_selection":
            selected = 255 - selected
        values = np.zeros((box.h, box.w), np.uint8)
        canvas = doc.canvas.translate(-box.x, -box.y)
        values[canvas.slices()] = selected
        mask = LayerMask(values, box.x, box.y, default=0)
    _check_unlocked(doc, node)
    doc.history.push(cmds.SetMask(node, mask, f"Add Layer Mask ({_NAMES[mode]})"))
    doc.set_mask_targeted(True)
    return mask


def delete_mask(doc: Document, node: Optional[Node]) -> None:
    node = _require_mask(doc, node)
    _check_unlocked(doc, node)
    doc.history.push(cmds.SetMask(node, None, "Delete Layer Mask"))


def apply_mask(doc: Document, node: Optional[Node]) -> None:
    """Bakes the mask (as it is composited: density, feather; even when disabled, its
    values as they would show) into a pixel layer's alpha and removes it."""
    node = _require_mask(doc, node)
    if not isinstance(node, Layer):
        raise DocumentError("Apply Layer Mask works on pixel layers; delete the group's mask "
                            "or merge the group first.")
    _check_unlocked(doc, node)
    raise_if_locked(node, "pixels")
    raise_if_locked(node, "transparency")
    pixels = node.pixels.copy()
    if pixels.size:
        coverage = node.mask.coverage(node.bounds()).astype(np.uint16)
        pixels[..., 3] = ((pixels[..., 3].astype(np.uint16) * coverage + 127) // 255).astype(np.uint8)
    with doc.history.macro("Apply Layer Mask"):
        doc.history.push(cmds.SetPixels(node, pixels, node.x, node.y, "Apply Layer Mask"))
        doc.history.push(cmds.SetMask(node, None, "Apply Layer Mask"))


def set_mask_enabled(doc: Document, node: Optional[Node], enabled: bool,
                     which: str = "mask") -> None:
    """Shift+click on a mask's thumbnail (`which`: "filter_mask", the Smart Filters')."""
    node = _require_mask(doc, node, which)
    _check_unlocked(doc, node)
    noun = "Layer Mask" if which == "mask" else "Filter Mask"
    doc.history.push(cmds.SetMaskAttr(node, "enabled", bool(enabled),
                                      f"{'Enable' if enabled else 'Disable'} {noun}",
                                      which=which))


def set_mask_attr(doc: Document, node: Optional[Node], attr: str, value, merge_key=None,
                  which: str = "mask") -> None:
    """Density (0..255), feather (pixels), linked (bool)."""
    node = _require_mask(doc, node, which)
    _check_unlocked(doc, node)
    if attr == "density":
        value = max(0, min(255, int(value)))
    elif attr == "feather":
        value = max(0.0, min(1000.0, float(value)))
    elif attr == "linked":
        value = bool(value)
    else:
        raise ValueError(f"unknown mask attribute {attr!r}")
    doc.history.push(cmds.SetMaskAttr(node, attr, value, merge_key=merge_key, which=which))


def delete_vector_mask(doc: Document, node: Optional[Node]) -> None:
    """Layer > Vector Mask > Delete: the path goes (undo brings it back as it was)."""
    node = _require_vector_mask(doc, node)
    _check_unlocked(doc, node)
    doc.history.push(cmds.SetAttr(node, "vector_mask", None, "Delete Vector Mask"))


def add_vector_mask(doc: Document, node: Optional[Node], mode: str = "reveal_all") -> VectorMask:
    """Layer > Vector Mask > Reveal All / Hide All: an empty path that shows the whole
    layer or none of it (PSD's initial fill rule: 1 fills all pixels; a path drawn into
    either shows what it encloses)."""
    node = _target(doc, node)
    refuse_on_background(node, "a vector mask")
    if node.vector_mask is not None:
        raise DocumentError(f"'{node.name}' already has a vector mask.")
    if mode not in ("reveal_all", "hide_all"):
        raise ValueError(f"unknown vector mask mode {mode!r}")
    _check_unlocked(doc, node)
    vector = VectorMask([], doc.canvas, initial_fill=1 if mode == "reveal_all" else 0)
    vector.edited = True
    doc.history.push(cmds.SetAttr(node, "vector_mask", vector,
                                  f"Add Vector Mask ({_NAMES[mode]})"))
    return vector


def add_path(doc: Document, node: Optional[Node], knots: np.ndarray, closed: bool) -> VectorMask:
    """The Pen tool's finished subpath (knots (n, 3, 2) in canvas pixels) into the node's
    vector mask, combined with what it holds; a node without one gets one holding it."""
    node = _target(doc, node)
    refuse_on_background(node, "a vector mask")
    if len(knots) < 2:
        raise DocumentError("A path needs at least two anchor points.")
    _check_unlocked(doc, node)
    had = node.vector_mask is not None
    vector = path_edit.with_new_subpath(node.vector_mask, knots, closed, doc.canvas)
    doc.history.push(cmds.SetAttr(node, "vector_mask", vector,
                                  "Add Path" if had else "New Vector Mask"))
    return vector


def reshape_vector_mask(doc: Document, node: Optional[Node], vector: VectorMask,
                        name: str) -> None:
    """The node's path replaced by `vector`, a reshaped copy (Direct Selection)."""
    node = _require_vector_mask(doc, node)
    _check_unlocked(doc, node)
    if not vector.subpaths and node.vector_mask.subpaths:
        # Its last anchors gone: an empty path that shows the layer, as Photoshop's does
        # (PSD's initial fill rule 1), not one that hides it all.
        vector = vector.with_subpaths([], initial_fill=1)
    doc.history.push(cmds.SetAttr(node, "vector_mask", vector, name))


def set_vector_mask_enabled(doc: Document, node: Optional[Node], enabled: bool) -> None:
    """Disable / Enable Vector Mask (Shift+click on its thumbnail): kept, drawn or not."""
    node = _require_vector_mask(doc, node)
    _check_unlocked(doc, node)
    doc.history.push(cmds.SetAttr(node, "vector_mask",
                                  node.vector_mask.with_flags(enabled=bool(enabled)),
                                  "Enable Vector Mask" if enabled else "Disable Vector Mask"))


def set_vector_mask_attr(doc: Document, node: Optional[Node], attr: str, value,
                         merge_key=None) -> None:
    """The vector mask's density (0..255) or feather (pixels), as a layer mask's."""
    node = _require_vector_mask(doc, node)
    _check_unlocked(doc, node)
    if attr == "density":
        value = max(0, min(255, int(value)))
    elif attr == "feather":
        value = max(0.0, min(1000.0, float(value)))
    else:
        raise ValueError(f"unknown vector mask attribute {attr!r}")
    if getattr(node.vector_mask, attr) == value:
        return
    doc.history.push(cmds.SetAttr(node, "vector_mask", node.vector_mask.with_flags(**{attr: value}),
                                  f"Change Vector Mask {attr.title()}", merge_key=merge_key))


def rasterize_vector_mask(doc: Document, node: Optional[Node]) -> LayerMask:
    """Layer > Vector Mask > Rasterize (Photoshop's Layer > Rasterize > Vector Mask): the
    path becomes the layer mask, multiplied with the layer mask there is, as the node is
    drawn through both (their density and feather included): the picture is unchanged.
    One undo step."""
    node = _require_vector_mask(doc, node)
    vector, mask = node.vector_mask, node.mask
    if not vector.enabled:
        raise DocumentError(f"The vector mask of '{node.name}' is disabled: enable it to "
                            "rasterize it, or delete it.")
    if mask is not None and not mask.enabled:
        raise DocumentError(f"The layer mask of '{node.name}' is disabled: enable or delete it "
                            "before rasterizing the vector mask into it.")
    _check_unlocked(doc, node)
    drawn = vector.through(mask, node)  # what compositing draws the node through
    if mask is None:  # the path's fill as it is, with its own density and feather
        result = LayerMask(drawn.pixels.copy(), drawn.x, drawn.y, default=drawn.default,
                           linked=vector.linked, density=drawn.density, feather=drawn.feather)
    else:  # the product of the two coverages, density and feather already in it
        result = LayerMask(drawn.pixels.copy(), drawn.x, drawn.y, default=drawn.default,
                           linked=mask.linked)
    name = "Rasterize Vector Mask"
    with doc.history.macro(name):
        doc.history.push(cmds.SetMask(node, result, name))
        doc.history.push(cmds.SetAttr(node, "vector_mask", None, name))
    return result


# The undo step of a mask loaded into the selection, by how it is combined ({}: the mask's kind).
SELECTION_STEP_NAMES = {"replace": "Load Selection", "add": "Add {} to Selection",
                        "subtract": "Subtract {} from Selection",
                        "intersect": "Intersect {} with Selection"}


def mask_to_selection(doc: Document, node: Optional[Node], op: str = "replace",
                      which: str = "mask") -> None:
    """Ctrl+click on the mask thumbnail (with Shift, Alt: add, subtract, intersect): the
    mask's values become the selection, or are combined with it."""
    node = _require_mask(doc, node, which)
    select_mask(doc, getattr(node, which).raw_crop(doc.canvas), op,
                SELECTION_STEP_NAMES[op].format("Mask"))


def vector_mask_to_selection(doc: Document, node: Optional[Node], op: str = "replace") -> None:
    """Ctrl+click on the vector mask's thumbnail: the path's area becomes the selection."""
    node = _require_vector_mask(doc, node)
    select_mask(doc, node.vector_mask.raster().raw_crop(doc.canvas), op,
                SELECTION_STEP_NAMES[op].format("Vector Mask"))


def begin_mask_stroke(doc: Document, node: Node, name: str, cover: Box,
                      which: Optional[str] = None) -> cmds.LayerMaskEdit:
    """Starts a stroke on `node`'s mask (`which`: "mask", "filter_mask"; None: the one
    targeted, `Document.mask_attr`); if canvas box `cover` reaches beyond the mask, the
    mask grows first (filled with its default), in the same undo step. Finish with
    `end_mask_stroke`."""
    which = doc.mask_attr(node) if which is None else which
    node = _require_mask(doc, node, which)
    _check_unlocked(doc, node)
    mask = getattr(node, which)
    grown = None
    bounds = mask.bounds()
    if bounds.intersect(cover) != cover:
        box = bounds.union(cover)
        values = np.full((box.h, box.w), mask.default, np.uint8)
        values[bounds.translate(-box.x, -box.y).slices()] = mask.pixels
        bigger = mask.shared_copy()
        bigger.pixels, bigger.x, bigger.y = values, box.x, box.y
        grown = cmds.SetMask(node, bigger, "Grow Layer Mask", which)
        grown.redo(doc)
    edit = cmds.LayerMaskEdit(node, name, which)
    edit.grown = grown  # type: ignore[attr-defined]
    return edit


def end_mask_stroke(doc: Document, edit: cmds.LayerMaskEdit) -> None:
    grown = getattr(edit, "grown", None)
    if grown is None:
        doc.history.push(edit, applied=True)
    elif edit.is_noop():
        grown.undo(doc)  # nothing painted: take the growth back silently
    else:
        doc.history.push(Macro(edit.name, [grown, edit]), applied=True)


def paint_mask_dab(view: np.ndarray, coverage: np.ndarray, value: int, opacity: float) -> None:
    """Blends grey `value` into mask `view` (uint8, in place) with float `coverage`."""
    a = coverage * np.float32(opacity)
    out = view.astype(np.float32) * (1.0 - a) + np.float32(value) * a
    view[...] = np.clip(np.rint(out), 0, 255).astype(np.uint8)


def alpha_as_mask(pixels: np.ndarray, x: int, y: int, canvas: Box
                  ) -> tuple[np.ndarray, int, int, LayerMask]:
    """Straight RGBA `pixels` at (x, y) as opaque colours and a mask holding their alpha:
    (pixels, x, y, mask). Composited, the two give the same picture (the colours of every
    pixel with alpha are kept exactly). The box grows by EDGE_ROOM within `canvas`; the
    colours are carried into the transparent part by a push-pull fill from the pixels
    that show (`decompose_steps.fill.pyramid_fill`), so revealing the edge shows the
    object's own colours, not black."""
    from engine.methods.decompose_steps.fill import pyramid_fill  # OpenCV: when it runs

    h, w = pixels.shape[:2]
    bounds = Box(x, y, w, h)
    box = bounds.union(bounds.expand(EDGE_ROOM).intersect(canvas)) if h and w else bounds
    inner = bounds.translate(-box.x, -box.y).slices()
    rgba = np.zeros((box.h, box.w, 4), np.uint8)
    rgba[inner] = pixels
    alpha = rgba[..., 3]
    if alpha.any() and not alpha.all():
        # Every pixel that shows counts fully (a faint shadow's colour as much as the solid
        # object's), so the colour beyond each part of the edge is that part's own.
        shown = alpha > 0
        filled = pyramid_fill(rgba[..., :3], shown.astype(np.float32))
        filled = np.clip(np.rint(filled), 0, 255).astype(np.uint8)
        rgba[..., :3] = np.where(shown[..., None], rgba[..., :3], filled)
    mask = LayerMask(alpha.copy(), box.x, box.y, default=0)
    rgba[..., 3] = 255
    return rgba, box.x, box.y, mask


def put_alpha_in_mask(layer: Layer, canvas: Box) -> Layer:
    """Moves a new layer's alpha into a layer mask (`alpha_as_mask`) before the layer is added
    to a document (its adding is then the one undo step); returns the layer."""
    if layer.is_empty() or layer.mask is not None:
        return layer
    layer.pixels, layer.x, layer.y, layer.mask = alpha_as_mask(layer.pixels, layer.x, layer.y,
                                                               canvas)
    return layer


def mask_from_transparency(doc: Document, node: Optional[Node]) -> LayerMask:
    """Layer > Layer Mask > From Transparency (Photoshop's): the layer's alpha becomes its mask
    and its colours opaque, the picture unchanged; one undo step."""
    node = _target(doc, node)
    if not isinstance(node, Layer) or node.is_empty():
        raise DocumentError("From Transparency works on a pixel layer with pixels.")
    if node.mask is not None:
        raise DocumentError(f"'{node.name}' already has a layer mask.")
    _check_unlocked(doc, node)
    raise_if_locked(node, "pixels")
    raise_if_locked(node, "transparency")
    pixels, x, y, mask = alpha_as_mask(node.pixels, node.x, node.y, doc.canvas)
    name = "Layer Mask from Transparency"
    with doc.history.macro(name):
        doc.history.push(cmds.SetPixels(node, pixels, x, y, name))
        doc.history.push(cmds.SetMask(node, mask, name))
    doc.set_mask_targeted(True)
    return mask


def set_clipping(doc: Document, node: Optional[Node], clipping: bool) -> None:
    """Create / Release Clipping Mask (Alt+Ctrl+G)."""
    node = _target(doc, node)
    name = "Create Clipping Mask" if clipping else "Release Clipping Mask"
    if clipping and node.index() == 0:
        raise DocumentError("A clipping mask needs a layer below to clip to.")
    doc.history.push(cmds.SetAttr(node, "clipping", bool(clipping), name))


def toggle_clipping(doc: Document, node: Optional[Node]) -> None:
    node = _target(doc, node)
    set_clipping(doc, node, not node.clipping)


def _require_mask(doc: Document, node: Optional[Node], which: str = "mask") -> Node:
    node = _target(doc, node)
    if getattr(node, which, None) is None:
        noun = "layer mask" if which == "mask" else "Smart Filters mask"
        raise DocumentError(f"'{node.name}' has no {noun}.")
    return node


def _require_vector_mask(doc: Document, node: Optional[Node]) -> Node:
    node = _target(doc, node)
    if node.vector_mask is None:
        raise DocumentError(f"'{node.name}' has no vector mask.")
    return node


def _check_unlocked(doc: Document, node: Node) -> None:
    doc._check_unlocked(node)


__all__ = ["add_mask", "delete_mask", "apply_mask", "set_mask_enabled", "set_mask_attr",
           "delete_vector_mask", "set_vector_mask_enabled", "add_vector_mask", "add_path",
           "reshape_vector_mask", "set_vector_mask_attr",
           "rasterize_vector_mask", "vector_mask_to_selection", "mask_to_selection", "begin_mask_stroke", "end_mask_stroke", "paint_mask_dab",
           "set_clipping", "toggle_clipping", "clipping_base", "alpha_as_mask",
           "put_alpha_in_mask", "mask_from_transparency"]
