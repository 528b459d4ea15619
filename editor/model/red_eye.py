"""Red Eye: the red pupils inside a box darkened to neutral (the Red Eye tool, J).

A flash reflected off the retina makes the pupil red: red well above both green and blue,
with green and blue close together (a red to magenta hue). Skin and lips are red too, but
orange-red: their green stands well above their blue. So a pixel seeds a pupil where red is
at least `SEED_RATIO` times the larger of green and blue, its hue within `SEED_HUE` of red,
and it is not too dark to tell; the seeds' connected regions (those at least a quarter the
size of the largest: a box over both eyes takes both) with their holes filled (the
catchlight inside the pupil) make the pupils, grown by Pupil Size (at 100 % by half the
pupil's radius) to take the red fringe the seeds leave. Within a pupil each pixel is
weighed by how red it is (a smooth step down to `FRINGE_RATIO`, so a white catchlight or
the iris stays), and replaced by that weight with a neutral grey: the mean of its green and
blue (the pupil's light without the flash's red), darkened by Darken Amount. Photoshop's
defaults are 50 % and 50 %. Only inside the selection, by its coverage; one undo step.
No Qt here.
"""
from __future__ import annotations

import cv2
import numpy as np

from engine.box import Box

from .document import Document, LockedError, raise_if_locked
from .edit_ops import SelectionCoverage, pixel_layer

NAME = "Red Eye"
SEED_RATIO = 1.5      # red over max(green, blue) from which a pixel seeds a pupil
FRINGE_RATIO = 1.2    # ... down to which a pixel within a pupil is still (partly) red
SEED_HUE = 0.33       # (green - blue) / (red - min): 0 pure red, 1 yellow; skin is ~0.5
MIN_RED = 50          # a pixel darker than this in red is too dark to tell
KEEP_SHARE = 0.25     # seed regions this fraction of the largest one count as pupils


def _smoothstep(lo: float, hi: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def pupil_weights(rgb: np.ndarray, pupil_size: float = 0.5) -> np.ndarray:
    """How much each pixel of `rgb` (h, w, 3 uint8) is red pupil: float32 (h, w) 0..1.
    `pupil_size` (0..1) grows the pupils found to take their fringe."""
    f = rgb[..., :3].astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    ratio = r / np.maximum(np.maximum(g, b), 1.0)
    hue = (g - b) / np.maximum(r - np.minimum(g, b), 1.0)   # only meaningful where red leads
    seed = (ratio >= SEED_RATIO) & (hue <= SEED_HUE) & (r >= MIN_RED)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(seed.astype(np.uint8), 8)
    if count <= 1:
        return np.zeros(seed.shape, np.float32)
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.flatnonzero(areas >= KEEP_SHARE * areas.max()) + 1
    pupils = np.isin(labels, keep).astype(np.uint8)
    # The catchlight: holes inside a pupil (what the outside cannot reach) are pupil.
    outside = np.pad(1 - pupils, 1, constant_values=1)
    flood = outside.copy()
    cv2.floodFill(flood, None, (0, 0), 2)
    pupils = np.maximum(pupils, (flood[1:-1, 1:-1] == 0).astype(np.uint8))
    radius = np.sqrt(areas[keep - 1].max() / np.pi)
    grow = int(round(np.clip(pupil_size, 0.0, 1.0) * 0.5 * radius))
    if grow > 0:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        pupils = cv2.dilate(pupils, kernel)
    redness = _smoothstep(FRINGE_RATIO, SEED_RATIO, ratio) * _smoothstep(
        SEED_HUE + 0.1, SEED_HUE, hue) * _smoothstep(MIN_RED * 0.6, MIN_RED, r)
    return (pupils * redness).astype(np.float32)


def darkened(rgb: np.ndarray, weights: np.ndarray, darken: float = 0.5) -> np.ndarray:
    """`rgb` (h, w, 3 uint8) with each pixel moved by `weights` towards neutral grey: the
    mean of its green and blue times (1 - `darken`)."""
    f = rgb[..., :3].astype(np.float32)
    grey = (f[..., 1] + f[..., 2]) * 0.5 * (1.0 - float(np.clip(darken, 0.0, 1.0)))
    w = weights[..., None]
    out = f * (1.0 - w) + grey[..., None] * w
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def red_eye(doc: Document, box: Box, pupil_size: float = 0.5, darken: float = 0.5,
            name: str = NAME) -> bool:
    """Darkens the red pupils inside canvas `box` on the active layer, within the selection:
    one undo step. False (and nothing changes) when the box holds no red pupil."""
    layer = pixel_layer(doc.active, "remove red eye")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    box = box.intersect(doc.canvas).intersect(layer.bounds())
    if box.is_empty():
        return False
    local = box.translate(-layer.x, -layer.y)
    pixels = layer.pixels[local.slices()]
    weights = pupil_weights(pixels[..., :3], pupil_size) * (pixels[..., 3] > 0)
    coverage = SelectionCoverage(doc).of(box)
    if coverage is not None:
        weights = weights * coverage
    if not (weights > 0).any():
        return False
    edit = doc.begin_pixel_edit(layer, name, cover=box)

    def fn(view: np.ndarray) -> None:
        view[..., :3] = darkened(view[..., :3], weights, darken)
    edit.apply(doc, local, fn)
    doc.end_pixel_edit(edit)
    return True
