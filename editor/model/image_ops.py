"""Image-menu operations on the whole document: Image Size, Canvas Size (with an anchor),
Crop (to a box, to the selection, Trim), Rotate Canvas by 90°/180° and Flip Canvas
(Perspective Crop, in perspective_crop.py, shares their helpers).

Each is one undo step: the layers' commands and the canvas size change go in
one macro, with the document's alpha channels sent through the same change
(`channels.map_channels`: moved, cut, turned, mirrored or resampled as the
layer masks are; new canvas is 0 in them, nothing selected). As in Photoshop, a crop deletes the pixels it cuts off, Canvas
Size keeps them (a layer may reach past the canvas), and the selection is
dropped (it comes back on undo).

Text layers (text_layer.py) stay editable, as Photoshop's type: a crop moves them whole
(their text is not cut), Image Size scales their type size and anchor when it keeps the
proportions. Rotating or flipping the canvas, or Image Size changing the proportions,
refuses a document with text layers in one line (they would need rasterizing first).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from engine.box import Box, opaque_bounds

from . import commands as cmds
from . import channels, paths, slices
from .background_layer import background_of, extend_to_canvas
from .document import Document, raise_if_derived
from .edit_ops import selection_region
from .errors import DocumentError
from .image_resample import check_method, resize_pixels
from .layers import Layer
from .render import composite_document
from .resample import transform_pixels, warp_mask
from .resolution import set_resolution
from .smart_object import SmartObjectLayer, set_placement
from .text_layer import SetText, TextLayer

MAX_SIDE = 30000  # as Photoshop's PSD limit
# Anchors of Canvas Size: (0, 0) keeps the top-left corner, (0.5, 0.5) the centre...
ANCHORS = [(ax, ay) for ay in (0.0, 0.5, 1.0) for ax in (0.0, 0.5, 1.0)]


def check_size(width: int, height: int) -> None:
    if not (1 <= width <= MAX_SIDE and 1 <= height <= MAX_SIDE):
        raise DocumentError(f"The canvas must be 1 to {MAX_SIDE} px a side, not {width} × {height}.")


def unlocked_layers(doc: Document) -> list[Layer]:
    layers = list(doc.layers())
    locked = next((layer for layer in layers if layer.is_locked()), None)
    if locked is not None:
        raise DocumentError(f"Layer '{locked.name}' is locked: unlock it to change the image.")
    return layers


def _move_paths(doc: Document, name: str, change, skip=()) -> None:
    """Every vector mask of the document through `change` (VectorMask -> VectorMask): the
    image's operations move them all, linked or not (except those in `skip`); and so the
    document's own paths (the Paths panel's)."""
    for node in doc.nodes():
        if node.vector_mask is not None and not any(node is n for n in skip):
            doc.history.push(cmds.SetAttr(node, "vector_mask", change(node.vector_mask), name))
    paths.map_paths(doc, change, name)


def move_artboards(doc: Document, name: str, change) -> None:
    """Every artboard's rectangle through `change` (Box -> Box): the image's operations
    move, turn and scale it with the content it frames."""
    for node in doc.nodes():
        artboard = getattr(node, "artboard", None)
        if artboard is not None:
            doc.history.push(cmds.SetAttr(node, "artboard", artboard.placed(change(artboard.box)),
                                          name))


def move_boxes(doc: Document, name: str, change, size: tuple[int, int]) -> None:
    """The document's rectangles through `change` (Box -> Box) onto the new canvas of
    `size`: the artboards (`move_artboards`) and the user slices (`slices.move_slices`,
    clipped to it), in the operation's undo step."""
    move_artboards(doc, name, change)
    slices.move_slices(doc, name, change, size)


def _shift_masks(doc: Document, name: str, dx: int, dy: int, skip=()) -> None:
    """Every layer mask of the document moved by (dx, dy), linked or not (except the masks
    of the nodes in `skip`, which moved with their layer)."""
    for node in doc.nodes():
        if node.mask is not None and not any(node is n for n in skip):
            moved = node.mask.shared_copy()
            moved.x, moved.y = moved.x + dx, moved.y + dy
            doc.history.push(cmds.SetMask(node, moved, name))


def placed(values: np.ndarray, dx: int, dy: int, width: int, height: int) -> np.ndarray:
    """Canvas-sized `values` moved by (dx, dy) onto a `width` x `height` canvas, 0 (not
    selected) where the old canvas does not reach: an alpha channel through Canvas Size
    and Crop (Photoshop fills new canvas in an alpha channel with black)."""
    out = np.zeros((height, width), np.uint8)
    old = Box(dx, dy, values.shape[1], values.shape[0])
    inside = old.intersect(Box(0, 0, width, height))
    if not inside.is_empty():
        out[inside.slices()] = values[inside.translate(-dx, -dy).slices()]
    return out


def _resampled(values: np.ndarray, width: int, height: int, method: str = "automatic",
               noise: float = 0.0) -> np.ndarray:
    """An alpha channel resampled to `width` x `height` as Image Size resamples the layer
    masks (the values as the alpha of RGBA pixels, by the same method)."""
    sx, sy = width / values.shape[1], height / values.shape[0]
    rgba = np.zeros(values.shape + (4,), np.uint8)
    rgba[..., 3] = values
    pixels, x, y = resize_pixels(rgba, sx, sy, 0.0, 0.0, method, noise, Box(0, 0, width, height))
    return placed(np.ascontiguousarray(pixels[..., 3]), x, y, width, height)


def canvas_size(doc: Document, width: int, height: int, anchor: tuple[float, float] = (0.5, 0.5),
                name: str = "Canvas Size", extension: tuple = (255, 255, 255)) -> None:
    """A canvas of `width` × `height` px; `anchor` says where the old canvas sits in it.
    The Background layer is extended with the canvas extension colour `extension` (RGB,
    Photoshop's default: the background colour); other layers get transparency."""
    check_size(width, height)
    if (width, height) == doc.size:
        return
    dx = round((width - doc.width) * anchor[0])
    dy = round((height - doc.height) * anchor[1])
    layers = unlocked_layers(doc)
    background = background_of(doc)
    with doc.history.macro(name):
        for layer in layers:
            if not layer.is_empty() and (dx or dy) and layer is not background:
                doc.history.push(cmds.Translate(layer, dx, dy))
        if dx or dy:  # (a moved layer's linked masks moved with it)
            moved = [n for n in layers if not n.is_empty()]
            _move_paths(doc, name, lambda v: v.translated(dx, dy),
                        [n for n in moved if n.vector_mask is not None and n.vector_mask.linked])
            _shift_masks(doc, name, dx, dy,
                         [n for n in moved if n.mask is not None and n.mask.linked])
            move_boxes(doc, name, lambda b: b.translate(dx, dy), (width, height))
        else:  # (the slices still clipped to a smaller canvas)
            slices.move_slices(doc, name, lambda b: b, (width, height))
        channels.map_channels(doc, lambda v: placed(v, dx, dy, width, height), name)
        extend_to_canvas(doc, width, height, extension, name, dx, dy)
        doc.history.push(cmds.SetCanvasSize(width, height, name))


def crop(doc: Document, box: Box, name: str = "Crop", fill: tuple = (255, 255, 255)) -> None:
    """Crops the canvas to `box` (canvas coordinates; it may reach past the canvas, which then
    grows there, on the Background layer in colour `fill`); pixels outside it are deleted."""
    box = Box(int(box.x), int(box.y), int(box.w), int(box.h))
    check_size(box.w, box.h)
    if box == doc.canvas:
        return
    layers = unlocked_layers(doc)
    with doc.history.macro(name):
        for layer in layers:
            if layer.is_empty():
                continue
            if isinstance(layer, (TextLayer, SmartObjectLayer)):
                # moved whole, its text or contents kept (Photoshop's)
                doc.history.push(cmds.Translate(layer, -box.x, -box.y, name))
                continue
            inside = layer.bounds().intersect(box)
            if inside.is_empty():
                pixels, x, y = np.zeros((0, 0, 4), np.uint8), 0, 0
            else:
                pixels = layer.pixels[inside.translate(-layer.x, -layer.y).slices()].copy()
                x, y = inside.x - box.x, inside.y - box.y
            if (x, y) != (layer.x, layer.y) or pixels.shape != layer.pixels.shape:
                doc.history.push(cmds.SetPixels(layer, pixels, x, y, name))
        _move_paths(doc, name, lambda v: v.translated(-box.x, -box.y))
        _shift_masks(doc, name, -box.x, -box.y)
        move_boxes(doc, name, lambda b: b.translate(-box.x, -box.y), (box.w, box.h))
        channels.map_channels(doc, lambda v: placed(v, -box.x, -box.y, box.w, box.h), name)
        if doc.canvas.intersect(box) != box:  # (grown: the Background stays opaque)
            extend_to_canvas(doc, box.w, box.h, fill, name)
        doc.history.push(cmds.SetCanvasSize(box.w, box.h, name))


def crop_to_selection(doc: Document) -> None:
    region = selection_region(doc)
    if region is None:
        raise DocumentError("Select the area to keep first (Rectangular Marquee, M).")
    crop(doc, region[0].clip(doc.width, doc.height), "Crop")


def layers_bounds(doc: Document) -> Box:
    """The box of every layer's pixels, on the canvas or beyond it (Photomerge's panorama
    canvas); the canvas when no layer has pixels."""
    box = None
    for layer in doc.layers():
        if isinstance(layer, Layer) and not layer.is_empty():
            box = layer.bounds() if box is None else box.union(layer.bounds())
    return box if box is not None else doc.canvas


def reveal_all(doc: Document, fill: tuple = (255, 255, 255)) -> None:
    """Image > Reveal All: the canvas grown to show every layer's pixels that lie beyond it
    (never shrunk; the Background's new area in `fill`); one undo step. Nothing beyond it is
    refused in one line."""
    box = layers_bounds(doc).union(doc.canvas)
    if box == doc.canvas:
        raise DocumentError("Nothing lies beyond the canvas: there is nothing to reveal.")
    crop(doc, box, "Reveal All", fill)


def trim(doc: Document) -> None:
    """Crops away the transparent border of the image (what every visible layer leaves
    empty), as Image > Trim based on transparent pixels."""
    box = opaque_bounds(composite_document(doc))
    if box is None:
        raise DocumentError("The image is fully transparent: there is nothing to trim to.")
    crop(doc, box, "Trim")


def rotate_canvas(doc: Document, quarter_turns: int) -> None:
    """Turns the whole image by 90° clockwise per quarter turn (negative: counter-clockwise)."""
    turns = quarter_turns % 4
    if turns == 0:
        return
    names = {1: "Rotate 90° Clockwise", 2: "Rotate 180°", 3: "Rotate 90° Counter Clockwise"}
    W, H = doc.width, doc.height

    def place(box: Box) -> tuple[int, int]:
        if turns == 1:
            return H - box.y1, box.x
        if turns == 2:
            return W - box.x1, H - box.y1
        return box.y, W - box.x1

    def points(p: np.ndarray) -> np.ndarray:
        x, y = p[:, 0], p[:, 1]
        if turns == 1:
            return np.column_stack([H - y, x])
        if turns == 2:
            return np.column_stack([W - x, H - y])
        return np.column_stack([y, W - x])

    size = (H, W) if turns % 2 else (W, H)
    _remap(doc, names[turns], lambda p: np.rot90(p, -turns), place, size, points)


def rotate_arbitrary(doc: Document, degrees: float, fill: tuple = (255, 255, 255)) -> None:
    """Image > Image Rotation > Arbitrary: the whole image turned by `degrees` clockwise
    (negative: counter-clockwise) about its centre, the canvas grown to hold all of it, as
    Photoshop does; the corners it uncovers are transparent, on the Background layer the
    background colour `fill` (RGB) as in Photoshop. Every layer (bicubic, premultiplied), layer
    mask (what lay beyond a mask keeps its default), smart object placement, path and alpha
    channel turns with it; type layers are refused, as for a quarter turn. One undo step."""
    import math

    turns = degrees / 90.0
    if abs(turns - round(turns)) < 1e-9:  # whole quarter turns: exact, no resampling
        rotate_canvas(doc, int(round(turns)))
        return
    a = math.radians(degrees)
    cos, sin = math.cos(a), math.sin(a)
    W, H = doc.width, doc.height
    # The turned canvas's bounds, a hair's breadth of float error not growing it a pixel.
    new_w = int(math.ceil(abs(W * cos) + abs(H * sin) - 1e-6))
    new_h = int(math.ceil(abs(W * sin) + abs(H * cos) - 1e-6))
    check_size(new_w, new_h)
    # canvas (x, y) -> new canvas: about the old centre, onto the new centre (y grows down,
    # so a positive angle turns clockwise on screen).
    c, f = new_w / 2 - (cos * W / 2 - sin * H / 2), new_h / 2 - (sin * W / 2 + cos * H / 2)

    def affine_at(x: int, y: int) -> tuple:
        """The affine of an array whose pixel (0, 0) lies at old canvas (x, y)."""
        return (cos, -sin, cos * x - sin * y + c, sin, cos, sin * x + cos * y + f)

    def points(p: np.ndarray) -> np.ndarray:
        return np.column_stack([cos * p[:, 0] - sin * p[:, 1] + c,
                                sin * p[:, 0] + cos * p[:, 1] + f])

    def channel(values: np.ndarray) -> np.ndarray:
        import cv2

        m = np.array([[cos, -sin, c], [sin, cos, f]], np.float64)
        # Pixel centres: OpenCV puts them at integers, our coordinates at half-integers.
        shift = m[:, :2] @ np.array([0.5, 0.5]) + m[:, 2] - 0.5
        m[:, 2] = shift
        return cv2.warpAffine(values, m, (new_w, new_h), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0)

    layers = unlocked_layers(doc)
    for layer in layers:
        if not isinstance(layer, SmartObjectLayer):
            raise_if_derived(layer)
    limit = Box(0, 0, new_w, new_h).expand(new_w, new_h)
    name = "Rotate Canvas"
    with doc.history.macro(name):
        for layer in layers:
            if layer.mask is not None and layer.mask.width and layer.mask.height:
                m = layer.mask
                turned = warp_mask(m, lambda px: transform_pixels(px, affine_at(m.x, m.y), limit))
                doc.history.push(cmds.SetMask(layer, turned, name))
            if isinstance(layer, SmartObjectLayer):
                corners = points(np.array(layer.placement, np.float64))
                set_placement(doc, layer, tuple(map(tuple, corners.tolist())), name)
            elif not layer.is_empty():
                pixels, x, y = transform_pixels(layer.pixels, affine_at(layer.x, layer.y), limit)
                doc.history.push(cmds.SetPixels(layer, pixels, x, y, name))
        _move_paths(doc, name, lambda v: v.mapped(points))
        move_boxes(doc, name, lambda b: _turned_box(b, points), (new_w, new_h))
        channels.map_channels(doc, channel, name)
        extend_to_canvas(doc, new_w, new_h, fill, name)
        doc.history.push(cmds.SetCanvasSize(new_w, new_h, name))


def _turned_box(box: Box, points) -> Box:
    """The whole-pixel bounds of `box` turned by `points`."""
    import math

    corners = points(np.array([[box.x, box.y], [box.x1, box.y], [box.x1, box.y1],
                               [box.x, box.y1]], np.float64))
    x0, y0 = (math.floor(v + 1e-6) for v in corners.min(axis=0))
    x1, y1 = (math.ceil(v - 1e-6) for v in corners.max(axis=0))
    return Box(x0, y0, x1 - x0, y1 - y0)


def flip_canvas(doc: Document, horizontal: bool) -> None:
    W, H = doc.width, doc.height
    if horizontal:
        _remap(doc, "Flip Canvas Horizontal", lambda p: p[:, ::-1],
               lambda b: (W - b.x1, b.y), (W, H),
               lambda p: np.column_stack([W - p[:, 0], p[:, 1]]))
    else:
        _remap(doc, "Flip Canvas Vertical", lambda p: p[::-1], lambda b: (b.x, H - b.y1), (W, H),
               lambda p: np.column_stack([p[:, 0], H - p[:, 1]]))


def image_size(doc: Document, width: int, height: int, method: str = "automatic",
               noise: float = 0.0, resolution: Optional[float] = None) -> None:
    """Resamples every layer, layer mask and alpha channel so the image becomes `width` ×
    `height` px, by Image Size's Resample `method` (`image_resample.METHODS`; Automatic:
    Preserve Details 2.0 enlarging, Bicubic Sharper reducing) with Reduce Noise `noise` %
    for Preserve Details; on premultiplied alpha. Smart objects get their placement scaled
    (their contents are drawn through it as today). `resolution` (px/in; None: kept) is
    set in the same step; at the same size it is all that changes (Resample off)."""
    check_size(width, height)
    check_method(method, noise)
    if (width, height) == doc.size:
        if resolution is not None:
            set_resolution(doc, resolution, "Image Size")
        return
    sx, sy = width / doc.width, height / doc.height
    layers = unlocked_layers(doc)
    # Text keeps its shape only when the image does: the proportions within a pixel.
    proportional = abs(doc.width * sy - width) <= 1 and abs(doc.height * sx - height) <= 1
    if not proportional:
        for layer in layers:
            raise_if_derived(layer)
    limit = Box(0, 0, width, height).expand(width, height)
    with doc.history.macro("Image Size"):
        for layer in layers:
            if layer.mask is not None and layer.mask.width and layer.mask.height:
                m = layer.mask
                scaled = warp_mask(m, lambda p: resize_pixels(
                    p, sx, sy, m.x * sx, m.y * sy, method, noise, limit))
                doc.history.push(cmds.SetMask(layer, scaled, "Image Size"))
            if isinstance(layer, TextLayer):  # its type scaled, still editable
                ax, ay = layer.anchor()
                settings = layer.type_settings
                doc.history.push(SetText(layer, settings.scaled(sx, sy),
                                         "Image Size", (round(ax * sx), round(ay * sy))))
                continue
            if isinstance(layer, SmartObjectLayer):  # its placement scaled, contents kept
                set_placement(doc, layer, tuple((x * sx, y * sy) for x, y in layer.placement),
                              "Image Size")
                continue
            if layer.is_empty():
                continue
            pixels, x, y = resize_pixels(layer.pixels, sx, sy, layer.x * sx, layer.y * sy,
                                         method, noise, limit)
            doc.history.push(cmds.SetPixels(layer, pixels, x, y, "Image Size"))
        _move_paths(doc, "Image Size", lambda v: v.mapped(lambda p: p * (sx, sy)))
        move_boxes(doc, "Image Size", lambda b: Box(
            round(b.x * sx), round(b.y * sy), round(b.x1 * sx) - round(b.x * sx),
            round(b.y1 * sy) - round(b.y * sy)), (width, height))
        channels.map_channels(doc, lambda v: _resampled(v, width, height, method, noise),
                              "Image Size")
        doc.history.push(cmds.SetCanvasSize(width, height, "Image Size"))
        if resolution is not None:
            set_resolution(doc, resolution, "Image Size")


def _remap(doc: Document, name: str, fn, place, size: tuple[int, int], points) -> None:
    layers = unlocked_layers(doc)
    for layer in layers:  # (turned or mirrored text is not what its settings draw)
        if not isinstance(layer, SmartObjectLayer):
            raise_if_derived(layer)
    with doc.history.macro(name):
        for layer in layers:
            if isinstance(layer, SmartObjectLayer):  # its placement turned or mirrored
                corners = points(np.array(layer.placement, np.float64))
                set_placement(doc, layer, tuple(map(tuple, corners.tolist())), name)
            elif not layer.is_empty():
                x, y = place(layer.bounds())
                doc.history.push(cmds.SetPixels(layer, np.ascontiguousarray(fn(layer.pixels)),
                                                x, y, name))
            if layer.mask is not None:  # the mask turns with the canvas too
                mask = layer.mask.remapped(fn, *place(layer.mask.bounds()))
                doc.history.push(cmds.SetMask(layer, mask, name))
        _move_paths(doc, name, lambda v: v.mapped(points))
        # (a rectangle turned a quarter swaps its sides: `fn`'s shape says)
        move_boxes(doc, name, lambda b: Box(*place(b),
                                            *fn(np.zeros((b.h, b.w), bool)).shape[::-1]), size)
        channels.map_channels(doc, lambda v: np.ascontiguousarray(fn(v)), name)
        if size != doc.size or doc.selection is not None or doc.selection_mask is not None:
            doc.history.push(cmds.SetCanvasSize(size[0], size[1], name))

