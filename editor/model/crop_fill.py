"""The Crop tool's straightened crop and its Content-Aware option (Photoshop CC's).

`straightened_crop` crops to a box turned `degrees` clockwise about its centre: the image
is turned back by Image Rotation > Arbitrary's own op (`image_ops.rotate_arbitrary`) and
then cropped by `image_ops.crop` to the box, now upright, all one undo step. Where the box
reaches past the old canvas (its corners once turned, or a box drawn past an edge) the
crop brings in empty pixels; `brought_in` says which, and `prepare_crop_fill` makes of
them a content-aware fill job on the active layer for `content_fill`'s usual run and apply
(the editor runs it as Edit > Fill's job, so the crop and the fill land as one step).
No Qt here.
"""
from __future__ import annotations

import math

import numpy as np

from engine.box import Box

from . import image_ops
from .content_fill import ContentFill, check_fillable, prepare_window_fill
from .document import Document
from .edit_ops import placed
from .layers import Layer

EDGE_PX = 1.5   # the turned edge's resampled rim, also filled (it is half transparent)


def straightened_crop(doc: Document, box: Box, degrees: float = 0.0, name: str = "Crop",
                      fill: tuple = (255, 255, 255)) -> None:
    """Crops to `box` (canvas coordinates, it may reach past the canvas) turned `degrees`
    clockwise about its centre; the result is `box.w` × `box.h`, upright. What it brings in
    is `fill` on the Background layer (transparent on other layers)."""
    if abs(degrees) < 1e-9:
        image_ops.crop(doc, box, name, fill)
        return
    W, H = doc.width, doc.height
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    with doc.history.macro(name):
        image_ops.rotate_arbitrary(doc, -degrees, fill)
        # Where the box's centre went: rotate_arbitrary turns about the old canvas's centre
        # onto the new canvas's centre.
        a = math.radians(-degrees)
        dx, dy = cx - W / 2, cy - H / 2
        nx = doc.width / 2 + math.cos(a) * dx - math.sin(a) * dy
        ny = doc.height / 2 + math.sin(a) * dx + math.cos(a) * dy
        image_ops.crop(doc, Box(round(nx - box.w / 2), round(ny - box.h / 2), box.w, box.h), name,
                       fill)


def brought_in(size: tuple[int, int], old: tuple[int, int], box: Box,
               degrees: float = 0.0) -> np.ndarray:
    """(h, w) bool over the cropped canvas (`size` = box's w, h): the pixels that lay
    outside the old canvas (`old` = its w, h), and the resampled rim along its edge."""
    w, h = size
    v, u = np.mgrid[:h, :w].astype(np.float64)
    u, v = u + 0.5 - w / 2, v + 0.5 - h / 2
    a = math.radians(degrees)
    x = box.x + box.w / 2 + math.cos(a) * u - math.sin(a) * v  # back on the old canvas
    y = box.y + box.h / 2 + math.sin(a) * u + math.cos(a) * v
    rim = EDGE_PX if abs(degrees) > 1e-9 else 0.0
    inside = np.minimum(np.minimum(x, old[0] - x), np.minimum(y, old[1] - y))
    return inside < rim


def prepare_crop_fill(doc: Document, layer: Layer, hole: np.ndarray) -> ContentFill:
    """The fill of `hole` (over the whole canvas, just cropped) on `layer`, sampled from its
    own pixels; the layer grows to the canvas where it did not reach."""
    check_fillable(layer)
    window = doc.canvas
    pixels = placed(layer.pixels, layer.bounds(), window)
    return prepare_window_fill(layer, window, pixels, hole.astype(np.float32), 0,
                               "The crop brings in no empty pixels to fill.")
