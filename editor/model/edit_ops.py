"""Edit-menu operations on the selection: copy, copy merged, clear, fill, stroke; and the
Paint Bucket and Gradient tools' fills.

The selection is the painted mask (Quick Mask) when there is one, else the
marquee box; `selection_region` gives it as a canvas box and a coverage in
0..1 inside that box, so every operation treats soft edges the same way.
Each change is one undo step; pixels change only inside the selection (a
layer grows first when a fill or stroke reaches past its edges).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box, mask_bounds, opaque_bounds

from . import gradients, mask_ops
from .document import Document, raise_if_locked
from .errors import DocumentError
from .layers import Layer, Node
from .render import composite_document, composite_nodes
from .selection_ops import wand_mask

STROKE_LOCATIONS = ("inside", "center", "outside")


def selection_region(doc: Document) -> Optional[tuple[Box, np.ndarray]]:
    """(canvas box, float32 coverage of that box in 0..1), or None when nothing is selected."""
    mask = doc.selection_mask
    box = mask_bounds(mask) if mask is not None else None
    if box is not None:
        return box, mask[box.slices()].astype(np.float32) / 255.0
    box = doc.selection
    if box is not None and not box.is_empty():
        return box, np.ones((box.h, box.w), np.float32)
    return None


class SelectionCoverage:
    """The selection's coverage (0..1) for any canvas box; 1 everywhere without one.
    Taken once when a stroke starts (finding a painted mask's bounds scans the canvas)."""

    def __init__(self, doc: Document) -> None:
        self._region = selection_region(doc)

    def of(self, box: Box) -> Optional[np.ndarray]:
        """The coverage inside `box`, or None when nothing is selected (all of it may change)."""
        if self._region is None:
            return None
        return placed(self._region[1], self._region[0], box)


def placed(array: np.ndarray, at: Box, box: Box) -> np.ndarray:
    """`array` (lying on canvas box `at`) as it falls in canvas box `box`: zeros where it
    does not reach."""
    out = np.zeros((max(box.h, 0), max(box.w, 0)) + array.shape[2:], array.dtype)
    inter = at.intersect(box)
    if not inter.is_empty():
        out[inter.translate(-box.x, -box.y).slices()] = array[inter.translate(-at.x, -at.y).slices()]
    return out


def pixel_layer(node: Optional[Node], what: str) -> Layer:
    """The active node as a pixel layer, or a message that says why it cannot be used."""
    if node is None:
        raise DocumentError(f"Select a layer to {what}.")
    if not isinstance(node, Layer):
        raise DocumentError(f"'{node.name}' is a group: select one of its layers to {what}.")
    return node


def copy_pixels(doc: Document, node: Node) -> tuple[np.ndarray, int, int]:
    """The active layer's (or group's composite) pixels inside the selection, with the
    selection's soft edge in their alpha, and their canvas position (for Paste in Place)."""
    region = selection_region(doc)
    if region is None:
        box = node.bounds()
        if box.is_empty():
            raise DocumentError(f"'{node.name}' is empty: there is nothing to copy.")
        coverage = None
    else:
        box, coverage = region
    if isinstance(node, Layer):
        pixels = node.canvas_crop(box)
    else:
        pixels = composite_nodes(list(node.children), box) if box.area else \
            np.zeros((0, 0, 4), np.uint8)
    return _masked(pixels, coverage), box.x, box.y


def copy_merged(doc: Document) -> tuple[np.ndarray, int, int]:
    """What the canvas shows inside the selection (everywhere without one), and where."""
    region = selection_region(doc)
    box, coverage = region if region is not None else (doc.canvas, None)
    pixels = composite_document(doc)[box.slices()].copy()
    return _masked(pixels, coverage), box.x, box.y


def layer_via_copy(doc: Document, node: Optional[Node], cut: bool = False,
                   background: tuple = (255, 255, 255)) -> Node:
    """Photoshop's Layer via Copy (Ctrl+J) and Layer via Cut (Shift+Ctrl+J): the selected
    pixels of the active layer (soft edge kept, `copy_pixels`) on a new layer just above
    it, in place, the selection dropped; Cut also clears them from the layer (`clear`).
    Without a selection Copy duplicates the node. One step; returns the new node."""
    name = "Layer via Cut" if cut else "Layer via Copy"
    if selection_region(doc) is None:
        if cut:
            raise DocumentError("Select an area first: Layer via Cut moves the selected "
                                "pixels to a new layer.")
        if node is None:
            raise DocumentError("Select a layer to copy.")
        return doc.duplicate(node)
    layer = pixel_layer(node, "copy its pixels to a new layer")
    if layer.kind not in ("pixel", "text", "smartobject"):  # (their shown pixels copy as pixels)
        raise DocumentError(f"'{layer.name}' has no pixels of its own: select a pixel "
                            f"layer for {name}.")
    if cut:  # refused before anything changes, in the lock's own words
        raise_if_locked(layer, "pixels")
        if not layer.is_background:  # (which is cut to the background colour)
            raise_if_locked(layer, "transparency")
    pixels, x, y = copy_pixels(doc, layer)
    box = opaque_bounds(pixels) if pixels.size else None
    if box is None:
        raise DocumentError(f"The selected area of '{layer.name}' is empty: there is "
                            "nothing to copy.")
    new = Layer(doc.next_layer_name(), pixels[box.slices()].copy(), x + box.x, y + box.y)
    new.blend_mode, new.opacity = layer.blend_mode, layer.opacity
    # Above a clipped layer or a clipping base the new layer joins the clipping group,
    # so the layers clipped above keep their base (as `Document.reorder` does).
    above = layer.parent.children[layer.index() + 1:layer.index() + 2]
    new.clipping = layer.clipping or bool(above and above[0].clipping)
    with doc.history.macro(name):
        doc.add_layer(new, layer.parent, layer.index() + 1, name)
        if cut:
            clear(doc, layer, name, background)
        doc.set_selection(None, name)
        doc.set_active(new)
    return new


def clear(doc: Document, layer: Layer, name: str = "Clear",
          background: tuple = (255, 255, 255)) -> None:
    """Makes the selected pixels of `layer` transparent (soft edges fade them); on the
    Background layer, which has no transparency, paints them with the background colour
    `background` (RGB) instead, as Photoshop does. One step."""
    region = _require_selection(doc, "clear")
    box, coverage = region
    if layer.is_background:
        paint_coverage(doc, layer, box, coverage, (*background[:3], 255), name)
        return
    inter = box.intersect(layer.bounds())
    if inter.is_empty():
        return
    keep = 1.0 - coverage[inter.translate(-box.x, -box.y).slices()]
    raise_if_locked(layer, "transparency")  # it only changes alpha
    edit = doc.begin_pixel_edit(layer, name, cover=layer.bounds())

    def fn(view: np.ndarray) -> None:
        view[..., 3] = np.round(view[..., 3] * keep).astype(np.uint8)
        view[view[..., 3] == 0] = 0  # no colour left under full transparency

    edit.apply(doc, inter.translate(-layer.x, -layer.y), fn)
    doc.end_pixel_edit(edit)


def fill(doc: Document, layer: Layer, rgba: tuple[int, int, int, int], name: str = "Fill") -> None:
    """Paints `rgba` (straight, alpha = the fill's opacity) over the selection of `layer`,
    or over the whole canvas without one. One step."""
    region = selection_region(doc)
    box, coverage = region if region is not None else (doc.canvas, np.ones((doc.height, doc.width),
                                                                             np.float32))
    paint_coverage(doc, layer, box, coverage, rgba, name)


def fill_mask(doc: Document, node: Node, rgba: tuple[int, int, int, int], name: str = "Fill",
              *, selection_only: bool = False) -> None:
    """Edit > Fill (Clear: `selection_only`, with the background colour) with `node`'s layer
    mask targeted, as Photoshop fills it: the grey of `rgba` (its alpha: the opacity) over
    the selection, or the whole canvas without one. One step."""
    region = _require_selection(doc, "clear") if selection_only else selection_region(doc)
    box, coverage = region if region is not None else (doc.canvas, np.ones((doc.height, doc.width),
                                                                             np.float32))
    paint_coverage(doc, node, box, coverage, rgba, name, on_mask=True)


def _paint_mask(doc: Document, node: Node, box: Box, coverage: np.ndarray, colours: np.ndarray,
                name: str) -> None:
    """The grey of straight colours (h, w, 4 floats in 0..255; alpha: strength) blended into
    `node`'s layer mask with `coverage` inside canvas `box` (the part in the canvas), the
    mask growing to hold it. One step."""
    inside = box.clip(doc.width, doc.height)
    if inside.is_empty():
        return
    part = inside.translate(-box.x, -box.y).slices()
    colours = colours[part]
    strength = coverage[part] * (colours[..., 3] / 255.0)
    grey = 0.299 * colours[..., 0] + 0.587 * colours[..., 1] + 0.114 * colours[..., 2]  # the brush's
    edit = mask_ops.begin_mask_stroke(doc, node, name, inside)  # (the targeted mask)
    mask = getattr(node, edit.which)
    edit.apply(doc, inside.translate(-mask.x, -mask.y),
               lambda view: mask_ops.paint_mask_dab(view, strength, grey, 1.0))
    mask_ops.end_mask_stroke(doc, edit)


def stroke(doc: Document, layer: Node, rgba: tuple[int, int, int, int], width: int,
           location: str = "center", name: str = "Stroke", *, on_mask: bool = False) -> None:
    """Draws a `width`-pixel line along the selection's edge, inside it, centred on it or
    outside it (as Photoshop's Edit > Stroke), on the layer (`on_mask`: in grey on the
    node's layer mask, as `fill_mask`). One step."""
    import cv2

    if location not in STROKE_LOCATIONS:
        raise DocumentError(f"A stroke goes inside, center or outside, not '{location}'.")
    width = int(width)
    if width < 1:
        raise DocumentError("A stroke must be at least 1 px wide.")
    box, coverage = _require_selection(doc, "stroke")
    grow = width + 1
    outer = box.expand(grow).clip(doc.width, doc.height)
    inside = np.zeros((outer.h, outer.w), np.uint8)
    inside[box.translate(-outer.x, -outer.y).slices()] = (coverage >= 0.5).astype(np.uint8)

    def morph(op, radius: int) -> np.ndarray:
        if radius <= 0:
            return inside
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
        # Outside the canvas counts as unselected, so a selection at the edge gets its line there.
        return op(inside, kernel, borderType=cv2.BORDER_CONSTANT, borderValue=0)

    if location == "inside":
        line = inside & (1 - morph(cv2.erode, width))
    elif location == "outside":
        line = morph(cv2.dilate, width) & (1 - inside)
    else:
        line = morph(cv2.dilate, width // 2) & (1 - morph(cv2.erode, width - width // 2))
    if not line.any():
        return
    paint_coverage(doc, layer, outer, line.astype(np.float32), rgba, name, on_mask=on_mask)


def bucket_fill(doc: Document, layer: Node, x: int, y: int, rgba: tuple[int, int, int, int],
                tolerance: int = 32, contiguous: bool = True, *, on_mask: bool = False) -> None:
    """Paint Bucket: fills the pixels of `layer` like the clicked one (Magic Wand's rule),
    inside the selection if there is one (`on_mask`: the values of the node's layer mask
    like the clicked one, with the grey of `rgba`, as `fill_mask`). One step."""
    coverage = wand_mask(doc, x, y, tolerance, contiguous, layer,
                         on_mask=on_mask).astype(np.float32) / 255.0
    region = selection_region(doc)
    if region is not None:
        box, inside = region
        limit = np.zeros_like(coverage)
        limit[box.slices()] = inside
        coverage *= limit
    box = mask_bounds(coverage > 0)
    if box is None:
        return
    paint_coverage(doc, layer, box, coverage[box.slices()], rgba, "Paint Bucket", on_mask=on_mask)


def gradient_fill(doc: Document, layer: Node, start: tuple[float, float],
                  end: tuple[float, float], first: tuple[int, int, int, int],
                  last: tuple[int, int, int, int], *, on_mask: bool = False,
                  method: str = "classic") -> None:
    """Gradient: a linear blend from `first` at `start` to `last` at `end` (canvas points),
    its colours blended in `method`'s space (gradients.METHODS, as gradient fills),
    over the selection or the whole canvas, painted over the layer (`on_mask`: in grey over
    the node's layer mask, as Photoshop draws a gradient on a targeted mask). One step."""
    region = selection_region(doc)
    box, coverage = region if region is not None else (doc.canvas, np.ones((doc.height, doc.width),
                                                                             np.float32))
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length2 = dx * dx + dy * dy
    if length2 < 1e-9:
        raise DocumentError("Drag to draw a gradient: from where the first colour starts to "
                            "where the last one ends.")
    # Pixel centres; the stops' colours and opacities each run straight from end to end.
    x = np.arange(box.x, box.x1, dtype=np.float32)[None, :] + 0.5
    y = np.arange(box.y, box.y1, dtype=np.float32)[:, None] + 0.5
    t = gradients.ramp("linear", x, y, start, end)
    lookup = gradients.table([(0.0, first[:3]), (1.0, last[:3])], [(0.0, first[3]), (1.0, last[3])],
                             method=method)
    colours = gradients.colours(t, lookup.astype(np.float32))
    if on_mask:
        _paint_mask(doc, layer, box, coverage, colours, "Gradient")
    else:
        _paint_image(doc, layer, box, coverage, colours, "Gradient")


def paste_into(doc: Document, pixels: np.ndarray, outside: bool = False) -> Layer:
    """Edit > Paste Special > Paste Into (Paste Outside, `outside`): the pasted pixels as a
    new layer centred on the selection, its layer mask the selection (or what lies outside
    it), unlinked so that the picture can be moved behind the mask; the selection is then
    gone (it is the mask now); one undo step."""
    from . import commands as cmds
    from .layers import LayerMask

    box, coverage = _require_selection(doc, "paste into")
    name = "Paste Outside" if outside else "Paste Into"
    h, w = pixels.shape[:2]
    with doc.history.macro(name):
        layer = doc.add_image(pixels, doc.next_layer_name(), box.x + (box.w - w) // 2,
                              box.y + (box.h - h) // 2, history_name=name)
        inside = np.rint(coverage * 255).astype(np.uint8)
        mask = LayerMask(255 - inside if outside else inside, box.x, box.y,
                         default=255 if outside else 0, linked=False)
        doc.history.push(cmds.SetMask(layer, mask, name))
        doc.set_selection(None, name)
    return layer


def _require_selection(doc: Document, what: str) -> tuple[Box, np.ndarray]:
    region = selection_region(doc)
    if region is None:
        raise DocumentError(f"Select an area to {what} first (Rectangular Marquee, M).")
    return region


def _masked(pixels: np.ndarray, coverage: Optional[np.ndarray]) -> np.ndarray:
    if coverage is None:
        return pixels
    out = pixels.copy()
    out[..., 3] = np.round(out[..., 3] * coverage).astype(np.uint8)
    return out


def paint_coverage(doc: Document, layer: Node, box: Box, coverage: np.ndarray,
           rgba: tuple[int, int, int, int], name: str, *, on_mask: bool = False) -> None:
    """Composites colour `rgba` with per-pixel strength `coverage` over `layer` inside
    canvas `box` (straight alpha, source over), the layer growing to hold `box`; `on_mask`:
    its grey into the node's layer mask instead (`_paint_mask`)."""
    box_in_canvas = box.clip(doc.width, doc.height)
    if box_in_canvas.is_empty():
        return
    coverage = coverage[box_in_canvas.translate(-box.x, -box.y).slices()]
    box = box_in_canvas
    colours = np.broadcast_to(np.asarray(rgba, np.float32), coverage.shape + (4,))
    if on_mask:
        _paint_mask(doc, layer, box, coverage, colours, name)
    else:
        _paint_image(doc, layer, box, coverage, colours, name)


def _paint_image(doc: Document, layer: Layer, box: Box, coverage: np.ndarray,
                 colours: np.ndarray, name: str) -> None:
    """Composites straight colours (h, w, 4 floats in 0..255) with strength `coverage` over
    `layer` inside canvas `box` (already inside the canvas), the layer growing to hold it."""
    edit = doc.begin_pixel_edit(layer, name, cover=box)
    # The layer has grown to hold `box`, unless it may not grow (Lock Transparent Pixels).
    inside = box.intersect(layer.bounds())
    if inside.is_empty():
        doc.end_pixel_edit(edit)
        return
    crop = inside.translate(-box.x, -box.y).slices()
    colours, coverage = colours[crop], coverage[crop]
    colour = colours[..., :3]
    strength = coverage * (colours[..., 3] / 255.0)

    def fn(view: np.ndarray) -> None:
        dst_a = view[..., 3].astype(np.float32) / 255.0
        out_a = strength + dst_a * (1.0 - strength)
        safe = np.where(out_a > 0, out_a, 1.0)
        rgb = (colour * strength[..., None]
               + view[..., :3].astype(np.float32) * (dst_a * (1.0 - strength))[..., None]) \
            / safe[..., None]
        view[..., :3] = np.clip(np.round(rgb), 0, 255).astype(np.uint8)
        view[..., 3] = np.clip(np.round(out_a * 255.0), 0, 255).astype(np.uint8)

    edit.apply(doc, inside.translate(-layer.x, -layer.y), fn)
    doc.end_pixel_edit(edit)
