"""Selections of any shape: a coverage mask over the canvas, combined as Photoshop does.

A document's selection is its marquee box (`doc.selection`) or, for any other
shape, the mask `doc.selection_mask` (uint8, 255 = selected, soft at the edges)
together with the box around it. Every tool that selects (rectangle, ellipse,
lasso, magic wand, a layer's pixels) makes a mask and hands it to
`select_mask` with how to combine it with what is selected: replace, add
(Shift), subtract (Alt) or intersect (Shift+Alt). One undo step each.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from engine.box import Box, mask_bounds

from . import commands as cmds
from .document import Document
from .errors import DocumentError
from .layers import Layer, Node
from .render import composite_document

OPS = ("replace", "add", "subtract", "intersect")


def current_mask(doc: Document) -> Optional[np.ndarray]:
    """The selection as a canvas-sized uint8 mask (a copy), or None when nothing is selected."""
    if doc.selection_mask is not None:
        mask = doc.selection_mask.copy()
        if doc.selection is not None and not _box_matches(doc):
            # A marquee box drawn over a painted mask: the two together, as before.
            box_mask = np.zeros_like(mask)
            box_mask[doc.selection.slices()] = 255
            mask = np.maximum(mask, box_mask)
        return mask
    if doc.selection is not None:
        mask = np.zeros((doc.height, doc.width), np.uint8)
        mask[doc.selection.slices()] = 255
        return mask
    return None


def combine(old: Optional[np.ndarray], new: np.ndarray, op: str) -> np.ndarray:
    if op not in OPS:
        raise ValueError(f"unknown selection operation {op!r}")
    if old is None:
        return new if op in ("replace", "add") else np.zeros_like(new)
    if op == "replace":
        return new
    if op == "add":
        return np.maximum(old, new)
    if op == "subtract":
        return np.minimum(old, 255 - new)
    return np.minimum(old, new)


def select_mask(doc: Document, mask: np.ndarray, op: str = "replace", name: str = "Selection") -> None:
    """Sets the selection to `mask` combined with the current one by `op`. A rectangle
    that stays a plain rectangle is kept as a box only (no mask)."""
    mask = combine(current_mask(doc), mask, op)
    box = mask_bounds(mask)
    if box is None:
        doc.set_selection(None, name)
        return
    plain = bool((mask[box.slices()] == 255).all())
    with doc.history.macro(name):
        if doc.selection_mask is not None or not plain:
            doc.history.push(cmds.SetSelectionMask(None if plain else mask, name))
        if box != doc.selection:
            doc.history.push(cmds.SetSelection(box, name))


def _box_matches(doc: Document) -> bool:
    return mask_bounds(doc.selection_mask) == doc.selection


# -- shapes -----------------------------------------------------------------------------------------
def rect_mask(doc: Document, box: Box) -> np.ndarray:
    mask = np.zeros((doc.height, doc.width), np.uint8)
    mask[box.clip(doc.width, doc.height).slices()] = 255
    return mask


def ellipse_mask(doc: Document, box: Box) -> np.ndarray:
    """The ellipse inscribed in `box`, its edge anti-aliased by the distance of each pixel
    centre to the curve (so it stays inside the box)."""
    mask = np.zeros((doc.height, doc.width), np.uint8)
    inside = box.clip(doc.width, doc.height)
    if box.w <= 0 or box.h <= 0 or inside.is_empty():
        return mask
    a, b = box.w / 2, box.h / 2
    cx, cy = box.x + a, box.y + b
    y, x = np.mgrid[inside.y:inside.y1, inside.x:inside.x1].astype(np.float32) + 0.5
    u, v = (x - cx) / a, (y - cy) / b
    rho = np.sqrt(u * u + v * v)
    # Distance to the curve ~ (rho - 1) / |grad rho|, |grad rho| = |(u/a, v/b)| / rho.
    grad = np.sqrt((u / a) ** 2 + (v / b) ** 2) / np.maximum(rho, 1e-6)
    distance = (rho - 1) / np.maximum(grad, 1e-6)
    mask[inside.slices()] = np.clip(np.round((0.5 - distance) * 255), 0, 255).astype(np.uint8)
    return mask


def polygon_mask(doc: Document, points: Sequence[tuple[float, float]]) -> np.ndarray:
    """The closed polygon through `points` (canvas coordinates), its edge anti-aliased by
    drawing it larger within its box and averaging back (OpenCV's own anti-aliased fill
    takes the boundary pixels in whole)."""
    import cv2

    mask = np.zeros((doc.height, doc.width), np.uint8)
    if len(points) < 3:
        return mask
    pts = np.asarray(points, np.float64)
    box = Box.from_corners(int(np.floor(pts[:, 0].min())), int(np.floor(pts[:, 1].min())),
                           int(np.ceil(pts[:, 0].max())), int(np.ceil(pts[:, 1].max())))
    box = box.clip(doc.width, doc.height)
    if box.is_empty():
        return mask
    scale = 4 if box.area <= 4_000_000 else 2 if box.area <= 16_000_000 else 1
    big = np.zeros((box.h * scale, box.w * scale), np.uint8)
    local = (pts - (box.x, box.y)) * scale - 0.5  # pixel centres at integer coordinates
    cv2.fillPoly(big, [np.round(local * 16).astype(np.int32)], 255, cv2.LINE_8, 4)
    small = big.reshape(box.h, scale, box.w, scale).mean(axis=(1, 3))
    mask[box.slices()] = np.round(small).astype(np.uint8)
    return mask


def wand_mask(doc: Document, x: int, y: int, tolerance: int = 32, contiguous: bool = True,
              layer: Optional[Node] = None, *, on_mask: bool = False) -> np.ndarray:
    """Magic Wand: the pixels whose colour (and alpha) lies within `tolerance` (0..255) of
    the clicked one, in `layer` (`on_mask`: in the values of its layer mask) or in what the
    canvas shows; only those connected to it when `contiguous`."""
    import cv2

    if not (0 <= x < doc.width and 0 <= y < doc.height):
        return np.zeros((doc.height, doc.width), np.uint8)
    image = _sampled(doc, layer, on_mask)
    seed = image[y, x].astype(np.int16)
    if not contiguous:
        return _within(image, seed, seed, tolerance).astype(np.uint8) * 255
    # OpenCV floods 3-channel images: colour premultiplied by alpha, so transparent pixels
    # are alike whatever colour they keep, then alpha checked apart.
    alpha = image[..., 3:4].astype(np.uint16)
    rgb = ((image[..., :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    flood = np.zeros((doc.height + 2, doc.width + 2), np.uint8)
    near_alpha = (np.abs(image[..., 3].astype(np.int16) - seed[3]) <= tolerance)
    flood[1:-1, 1:-1][~near_alpha] = 1  # a wall: OpenCV does not fill where the mask is set
    t = (tolerance,) * 3
    cv2.floodFill(np.ascontiguousarray(rgb), flood, (int(x), int(y)), 0, t, t,
                  8 | cv2.FLOODFILL_FIXED_RANGE | cv2.FLOODFILL_MASK_ONLY | (2 << 8))
    return np.where(flood[1:-1, 1:-1] == 2, 255, 0).astype(np.uint8)


def _sampled(doc: Document, layer: Optional[Node], on_mask: bool = False) -> np.ndarray:
    """The picture the Magic Wand (and Grow, Similar) sample: `layer`'s pixels, its layer
    mask's values (`on_mask`) or, without a layer, what the canvas shows."""
    if on_mask:  # the (targeted) mask's values as an opaque grey picture
        grey = getattr(layer, doc.mask_attr(layer)).raw_crop(doc.canvas)
        return np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    if layer is not None:
        return layer.canvas_crop(doc.canvas)
    return composite_document(doc)


def _within(image: np.ndarray, low: np.ndarray, high: np.ndarray, tolerance: int) -> np.ndarray:
    """Where every channel of `image` lies within `tolerance` of the range low..high."""
    wide = image.astype(np.int16)
    return ((wide >= low - tolerance) & (wide <= high + tolerance)).all(axis=-1)


def grown_by_colour(doc: Document, mask: np.ndarray, tolerance: int = 32,
                    contiguous: bool = True, layer: Optional[Node] = None) -> np.ndarray:
    """Select > Grow (`contiguous`) and Similar: the selection with the pixels whose colour
    (and alpha) lies within the Magic Wand's `tolerance` of the range of colours selected
    (pixels at least half selected), in `layer` or what the canvas shows; for Grow only
    those connected to the selection (8 neighbours, as the wand floods)."""
    import cv2

    image = _sampled(doc, layer)
    chosen = mask >= 128
    if not chosen.any():
        return mask.copy()
    colours = image[chosen]
    near = _within(image, colours.min(axis=0).astype(np.int16),
                   colours.max(axis=0).astype(np.int16), tolerance) | chosen
    if contiguous:
        count, labels = cv2.connectedComponents(near.astype(np.uint8), connectivity=8)
        touching = np.zeros(count, bool)
        touching[np.unique(labels[chosen])] = True
        touching[0] = False  # (label 0: not near)
        near = touching[labels]
    return np.maximum(mask, near.astype(np.uint8) * 255)


def grow(doc: Document, tolerance: int, contiguous: bool, layer: Optional[Node] = None) -> None:
    """Select > Grow (`contiguous`) or Select > Similar (`grown_by_colour`): one step."""
    what = "Grow" if contiguous else "Similar"
    mask = current_mask(doc)
    if mask is None:
        raise DocumentError(f"Select an area first: {what} adds the pixels of colours like "
                            "the selected ones.")
    select_mask(doc, grown_by_colour(doc, mask, tolerance, contiguous, layer), "replace", what)


def layer_pixels_mask(doc: Document, layer: Layer) -> np.ndarray:
    """A layer's alpha as a selection (Ctrl+click on its thumbnail)."""
    return layer.canvas_crop(doc.canvas)[..., 3].copy()


# -- Select menu --------------------------------------------------------------------------------------
def inverse(doc: Document) -> None:
    mask = current_mask(doc)
    if mask is None:
        doc.set_selection(doc.canvas, "Inverse")
        return
    select_mask(doc, 255 - mask, "replace", "Inverse")


def feathered(mask: np.ndarray, radius: float) -> np.ndarray:
    """`mask` (uint8 or float) with its edge softened over about `radius` px (a Gaussian of
    sigma radius/2), as Select > Feather and Select and Mask's Feather do it."""
    import cv2

    # The canvas edge is not an edge of the selection: it is not softened.
    return cv2.GaussianBlur(mask, (0, 0), sigmaX=radius / 2, borderType=cv2.BORDER_REPLICATE)


def feather(doc: Document, radius: float) -> None:
    """Softens the selection's edge over about `radius` px (`feathered`)."""
    mask = current_mask(doc)
    if mask is None:
        raise DocumentError("Select an area first: Feather softens the selection's edge.")
    if radius <= 0:
        return
    select_mask(doc, feathered(mask, radius), "replace", "Feather")


def reselect(doc: Document) -> None:
    last = getattr(doc, "last_selection", None)
    if last is None:
        raise DocumentError("There is no earlier selection to bring back.")
    box, mask = last
    if mask is not None and mask.shape == (doc.height, doc.width):
        select_mask(doc, mask, "replace", "Reselect")
    elif box is not None:
        doc.set_selection(box, "Reselect")


def selection_bounds(doc: Document) -> Box:
    """The canvas box around what is selected: Select > Transform Selection's frame. Raises a
    one-line DocumentError when nothing is."""
    mask = current_mask(doc)
    box = None if mask is None else mask_bounds(mask)
    if box is None:
        raise DocumentError("Select an area first: Transform Selection transforms the "
                            "selection's outline.")
    return box


def transform_selection(doc: Document, corners: Sequence[tuple[float, float]], warp,
                        name: str = "Transform Selection") -> None:
    """Select > Transform Selection: the selection sent through a transform of its frame
    (`selection_bounds`), the layers' pixels untouched; one undo step. A marquee box (no
    mask) becomes the polygon through `corners`, where the transform sends the box's four
    corners (top-left, top-right, bottom-right, bottom-left), so its edges stay as crisp
    as the marquee's: scaled or turned by quarter turns it stays a plain box. A mask (a
    lasso's, a feathered one) is resampled by `warp` (straight RGBA pixels of the frame ->
    (pixels, x, y) on the canvas: `resample.transform_pixels` or `perspective_pixels` with
    the frame-local map, as Free Transform resamples a layer) through `warp_mask`, as a
    layer mask follows its layer, so a soft edge stays soft."""
    from .layers import LayerMask
    from .resample import warp_mask

    box = selection_bounds(doc)
    if doc.selection_mask is None:
        select_mask(doc, polygon_mask(doc, corners), "replace", name)
        return
    frame = LayerMask(current_mask(doc)[box.slices()], box.x, box.y, default=0)
    moved = warp_mask(frame, warp)
    mask = np.zeros((doc.height, doc.width), np.uint8)
    at = Box(moved.x, moved.y, moved.width, moved.height)
    inside = at.intersect(doc.canvas)
    if not inside.is_empty():
        mask[inside.slices()] = moved.pixels[inside.translate(-at.x, -at.y).slices()]
    select_mask(doc, mask, "replace", name)


# -- Select > Modify ------------------------------------------------------------------------------------
MODIFY_LIMITS = {"expand": 500, "contract": 500, "smooth": 500, "border": 200}  # Photoshop's


def _distance_to(target: np.ndarray, beyond: Optional[bool]) -> np.ndarray:
    """The Euclidean distance (px, pixel centre to centre) from each pixel to the nearest
    pixel of `target` (bool). Beyond the array's edge the pixels are `beyond` (None: as
    the edge pixel next to them)."""
    import cv2

    free = np.where(target, 0, 255).astype(np.uint8)
    if beyond is None:
        free = cv2.copyMakeBorder(free, 1, 1, 1, 1, cv2.BORDER_REPLICATE)
    else:
        free = cv2.copyMakeBorder(free, 1, 1, 1, 1, cv2.BORDER_CONSTANT,
                                  value=0 if beyond else 255)
    return cv2.distanceTransform(free, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1]


def _grown(part: np.ndarray, amount: int) -> np.ndarray:
    """The selection grown by `amount` px: every pixel whose centre lies within `amount`
    of a selected one (at least half selected), its edge anti-aliased over the next pixel;
    a soft edge reaching further stays."""
    d = _distance_to(part >= 128, None)  # (beyond the canvas it is cut off anyway)
    ramp = np.clip(amount + 1 - d, 0, 1) * 255
    return np.maximum(part, np.round(ramp).astype(np.uint8))


def _shrunk(part: np.ndarray, amount: int, canvas_edge: bool) -> np.ndarray:
    """The selection shrunk by `amount` px: a pixel stays when no unselected one lies within
    `amount` of it (as `_grown`, the other way); beyond the edge it is unselected only
    with `canvas_edge`."""
    d = _distance_to(part < 128, True if canvas_edge else None)
    ramp = np.clip(d - amount, 0, 1) * 255
    return np.minimum(part, np.round(ramp).astype(np.uint8))


def modified(mask: np.ndarray, how: str, amount: int, at_canvas_bounds: bool = False) -> np.ndarray:
    """`mask` (canvas-sized uint8) as Select > Modify leaves it. Expand and Contract grow or
    shrink it by `amount` px (Euclidean distance transforms: the corners round off, as
    Photoshop's do; the new edge is anti-aliased); Smooth keeps a pixel selected when more
    than half of the disc of radius `amount` around it is (Photoshop's rule), which takes
    away specks and rounds corners; Border selects a band `amount` px wide centred on the
    edge, its sides softened. The canvas edge is an edge of the selection only with
    `at_canvas_bounds` (Photoshop's "Apply effect at canvas bounds"; off by default)."""
    import cv2

    if how not in MODIFY_LIMITS:
        raise ValueError(f"unknown selection change {how!r}")
    amount = int(amount)
    if not 1 <= amount <= MODIFY_LIMITS[how]:
        raise DocumentError(f"{how.capitalize()} takes 1 to {MODIFY_LIMITS[how]} px, "
                            f"not {amount}.")
    box = mask_bounds(mask)
    out = np.zeros_like(mask)
    if box is None:
        return out
    # Only the selection's box, grown by how far the change reaches, is worked on: beyond
    # it every pixel stays unselected. A side of that box inside the canvas lies beyond the
    # selection, so only at the canvas edge does the border rule matter.
    reach = {"expand": amount, "contract": 0, "smooth": 0, "border": amount + 2}[how]
    area = box.expand(reach + 1).clip(mask.shape[1], mask.shape[0])
    part = np.ascontiguousarray(mask[area.slices()])
    edge = cv2.BORDER_CONSTANT if at_canvas_bounds else cv2.BORDER_REPLICATE
    if how == "expand":
        result = _grown(part, amount)
    elif how == "contract":
        result = _shrunk(part, amount, at_canvas_bounds)
    elif how == "smooth":
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                         (2 * amount + 1, 2 * amount + 1)).astype(np.float32)
        mean = cv2.filter2D(part.astype(np.float32), -1, disc / disc.sum(), borderType=edge)
        result = np.where(mean > 127.5, 255, 0).astype(np.uint8)
    else:
        outer = _grown(part, (amount + 1) // 2)
        inner = _shrunk(part, amount // 2, at_canvas_bounds) if amount >= 2 else part
        band = np.minimum(outer, 255 - inner)
        result = feathered(band, amount / 4) if amount >= 4 else band
    out[area.slices()] = result
    return out


def modify(doc: Document, how: str, amount: int, at_canvas_bounds: bool = False) -> None:
    """Select > Modify > Expand, Contract, Smooth or Border (`modified`) on the current
    selection (box or painted mask): one undo step."""
    mask = current_mask(doc)
    if mask is None:
        raise DocumentError(f"Select an area first: {how.capitalize()} changes the selection.")
    select_mask(doc, modified(mask, how, amount, at_canvas_bounds), "replace",
                f"{how.capitalize()} Selection")
