"""Perspective Crop: the whole document becomes the rectangle that a quad seen in
perspective (a page, a facade) is the picture of, in one undo step.

The quad's four canvas corners go to the output's corners by a homography (`homography`,
plain numpy, no Qt); every layer's pixels, every layer mask and every alpha channel are
resampled through it by `resample.perspective_pixels` (Free Transform's Perspective uses
the same sampler), paths are mapped point by point, and the canvas takes the output size,
all in the macro of Image > Crop (`image_ops`). The output size is the one typed, or else
the quad's mean edge lengths (the top and bottom edges' mean for the width, the left and
right edges' for the height).

Type layers are refused (as Rotate Canvas refuses them): a perspective cannot keep their
text editable.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from engine.box import Box

from . import commands as cmds
from . import channels, paths
from .document import Document, raise_if_derived
from .errors import DocumentError
from .image_ops import check_size, move_boxes, placed, unlocked_layers
from .resample import perspective_pixels, warp_mask

Point = tuple[float, float]
NAME = "Perspective Crop"


def homography(source: Sequence[Point], target: Sequence[Point]) -> np.ndarray:
    """The 3x3 projective matrix (column vectors, m[2, 2] = 1) that sends the four `source`
    points to the four `target` points; ValueError when three of them are in a line."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(source, target):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    try:
        h = np.linalg.solve(np.asarray(rows, np.float64), np.asarray(rhs, np.float64))
    except np.linalg.LinAlgError:
        raise ValueError("three of the corners lie in a line") from None
    return np.append(h, 1.0).reshape(3, 3)


def project(matrix: np.ndarray, points) -> np.ndarray:
    """(N, 2) points through the projective `matrix`."""
    p = np.asarray(points, np.float64).reshape(-1, 2)
    h = np.column_stack([p, np.ones(len(p))]) @ np.asarray(matrix, np.float64).T
    return h[:, :2] / h[:, 2:3]


def ordered(quad: Sequence[Point]) -> list[Point]:
    """The four corners in the order top-left, top-right, bottom-right, bottom-left
    (clockwise on screen), however they were clicked: by angle round their centre, starting
    from the one nearest the top-left."""
    pts = [(float(x), float(y)) for x, y in quad]
    cx, cy = sum(p[0] for p in pts) / 4, sum(p[1] for p in pts) / 4
    pts.sort(key=lambda p: math.atan2(p[1] - cy, p[0] - cx))  # y down: clockwise
    first = min(range(4), key=lambda i: pts[i][0] + pts[i][1])
    return pts[first:] + pts[:first]


def is_convex(quad: Sequence[Point]) -> bool:
    """True when the corners (in order) make a convex quad without a fold: a plane seen in
    perspective always does."""
    signs = []
    for i in range(4):
        (x0, y0), (x1, y1), (x2, y2) = quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]
        signs.append((x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1))
    return all(s > 1e-9 for s in signs) or all(s < -1e-9 for s in signs)


def natural_size(quad: Sequence[Point]) -> tuple[int, int]:
    """The output size when none is typed: the mean lengths of the opposite edges."""
    tl, tr, br, bl = (np.asarray(p, np.float64) for p in quad)
    w = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    h = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    return max(1, round(w)), max(1, round(h))


def rectifying(quad: Sequence[Point], width: int, height: int) -> np.ndarray:
    """Canvas -> output: the quad's corners (top-left first, clockwise) to the corners of a
    `width` x `height` rectangle."""
    return homography(quad, [(0, 0), (width, 0), (width, height), (0, height)])


def _translated(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """`matrix` for an array whose pixel (0, 0) lies at canvas (x, y)."""
    return matrix @ np.array([[1, 0, x], [0, 1, y], [0, 0, 1]], np.float64)


def perspective_crop(doc: Document, quad: Sequence[Point], width: Optional[int] = None,
                     height: Optional[int] = None) -> tuple[int, int]:
    """Makes the whole document the rectified picture of `quad` (four canvas points, any
    order); `width`/`height` (pixels) when given, else `natural_size`. One undo step;
    returns the new canvas size."""
    quad = ordered(quad)
    if not is_convex(quad):
        raise DocumentError("The four corners must make a convex shape: move a corner so "
                            "that the edges do not cross.")
    auto_w, auto_h = natural_size(quad)
    width, height = int(width or auto_w), int(height or auto_h)
    check_size(width, height)
    try:
        m = rectifying(quad, width, height)
    except ValueError as exc:
        raise DocumentError(f"These corners make no picture ({exc}).") from exc
    layers = unlocked_layers(doc)
    for layer in layers:
        raise_if_derived(layer)
    out = Box(0, 0, width, height)

    def warp(pixels: np.ndarray, x: int, y: int):
        return perspective_pixels(pixels, _translated(m, x, y), out=out)

    with doc.history.macro(NAME):
        for layer in layers:
            if layer.is_empty():
                continue
            pixels, x, y = warp(layer.pixels, layer.x, layer.y)
            doc.history.push(cmds.SetPixels(layer, pixels, x, y, NAME))
        for node in doc.nodes():  # every mask, linked or not, as Image > Crop moves them
            mask = node.mask
            if mask is not None and mask.width and mask.height:
                doc.history.push(cmds.SetMask(node, warp_mask(
                    mask, lambda p, k=mask: warp(p, k.x, k.y)), NAME))
        for node in doc.nodes():
            if node.vector_mask is not None:
                doc.history.push(cmds.SetAttr(node, "vector_mask", node.vector_mask.mapped(
                    lambda p: project(m, p)), NAME))
        paths.map_paths(doc, lambda v: v.mapped(lambda p: project(m, p)), NAME)
        move_boxes(doc, NAME, lambda b: _bounds(m, b), (width, height))
        channels.map_channels(doc, lambda v: _channel(v, warp, width, height), NAME)
        doc.history.push(cmds.SetCanvasSize(width, height, NAME))
    return width, height


def _bounds(matrix: np.ndarray, box: Box) -> Box:
    """The box round a rectangle's picture (an artboard's)."""
    xy = project(matrix, [(box.x, box.y), (box.x1, box.y), (box.x1, box.y1), (box.x, box.y1)])
    x0, y0 = math.floor(xy[:, 0].min()), math.floor(xy[:, 1].min())
    return Box(x0, y0, max(1, math.ceil(xy[:, 0].max()) - x0), max(1, math.ceil(xy[:, 1].max()) - y0))


def _channel(values: np.ndarray, warp, width: int, height: int) -> np.ndarray:
    """An alpha channel through the crop, as the layer masks go (its values as the alpha of
    RGBA pixels); 0 (not selected) where the quad reaches past the old canvas."""
    rgba = np.zeros(values.shape + (4,), np.uint8)
    rgba[..., 3] = values
    pixels, x, y = warp(rgba, 0, 0)
    return placed(np.ascontiguousarray(pixels[..., 3]), x, y, width, height)
