"""Edit > Content-Aware Scale (Alt+Shift+Ctrl+C): a pixel layer resized by seam carving
(`engine.seam_carving`), so that what matters (people, objects) keeps its shape while
the plainer ground between shrinks or grows.

The options are Photoshop's: the new width and height in per cent of the layer; Amount
(0..100 %), the share of the change made by seams, the rest by the ordinary resampling of
Free Transform (`resample.transform_pixels`), so 0 % is exactly Free Transform's scale;
Protect, an alpha channel of the document (`channels`) whose selected pixels the seams
go round; and Protect Skin Tones. The layer keeps its top-left corner (the sides that
move are the right and the bottom, as when the transform box's corner handle is
dragged). With a selection only the selected pixels are scaled, lifted off the layer
(by the selection's coverage) and laid back over the rest from the selection's
top-left corner; the pixels outside stay as they were. The change is one undo step.
No Qt here.

The editor runs it as a job (a 4000 x 3000 photo takes seconds): `prepare` takes what is
scaled off the document (a copy: the worker never reads the document), `run` carves on
the worker with progress (Cancel stops it within a step), `land` puts the result on the
layer in one undo step, refusing in one line if the layer changed meanwhile;
`content_aware_scale` does the three at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box
from engine.compose import over, to_float, to_uint8
from engine.progress import ProgressFn, no_progress

from . import channels
from .document import Document, LockedError, raise_if_derived, raise_if_locked
from .edit_ops import pixel_layer, placed, selection_region
from .errors import DocumentError
from .layers import AdjustmentLayer, Layer
from .resample import transform_pixels

STEP_NAME = "Content-Aware Scale"


@dataclass(frozen=True)
class ScaleOptions:
    """What the dialog asks: sizes in per cent of the layer, Amount in per cent, the uid of
    the alpha channel to protect (None: none) and Protect Skin Tones."""
    width_pct: float = 100.0
    height_pct: float = 100.0
    amount: float = 100.0
    protect: Optional[int] = None
    skin: bool = False

    def size(self, width: int, height: int) -> tuple[int, int]:
        return (max(1, round(width * self.width_pct / 100.0)),
                max(1, round(height * self.height_pct / 100.0)))


def scalable_layer(node) -> Layer:
    """`node` (the active one) if Content-Aware Scale can change it, else a DocumentError
    saying why."""
    layer = pixel_layer(node, "scale")
    if isinstance(layer, AdjustmentLayer):
        raise DocumentError(f"'{layer.name}' has no pixels: select a pixel layer to scale.")
    raise_if_derived(layer)
    if layer.is_empty():
        raise DocumentError(f"Layer '{layer.name}' is empty: there is nothing to scale.")
    if layer.mask is not None:
        raise DocumentError(f"Layer '{layer.name}' has a layer mask: apply or delete it "
                            "before Content-Aware Scale.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    return layer


def protect_mask(doc: Document, box: Box, uid) -> Optional[np.ndarray]:
    """The alpha channel `uid` over canvas `box` (h, w float32 0..1), or None."""
    if uid is None:
        return None
    channel = channels.find(doc, uid)
    if channel is None:
        raise DocumentError("The alpha channel to protect is gone.")
    return placed(channel.pixels, doc.canvas, box).astype(np.float32) / 255.0


@dataclass
class ScaleSource:
    """What is scaled: the layer's pixels, or with a selection the selected ones lifted off
    it (alpha times the selection's coverage), on canvas `box`; `rest` is the layer with
    them taken out (None without a selection)."""
    pixels: np.ndarray
    box: Box
    rest: Optional[np.ndarray] = None


def scale_source(doc: Document, layer: Layer) -> ScaleSource:
    """The pixels Content-Aware Scale resizes: the whole layer, or the selection's content
    (as Photoshop's transform of a selection: the rest of the layer stays where it is)."""
    region = selection_region(doc)
    if region is None:
        return ScaleSource(layer.pixels, layer.bounds())
    box, coverage = region
    area = box.intersect(layer.bounds())
    if area.is_empty():
        raise DocumentError(f"The selection does not cover layer '{layer.name}'.")
    cov = placed(coverage, box, area)
    local = area.translate(-layer.x, -layer.y).slices()
    alpha = layer.pixels[local][..., 3].astype(np.float32)
    lifted = layer.pixels[local].copy()
    lifted[..., 3] = np.rint(alpha * cov).astype(np.uint8)
    rest = layer.pixels.copy()
    rest[local + (3,)] = np.rint(alpha * (1.0 - cov)).astype(np.uint8)
    return ScaleSource(lifted, area, rest)


def resampled(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Ordinary scaling to (height, width): the one Free Transform uses."""
    h, w = pixels.shape[:2]
    out, _, _ = transform_pixels(pixels, (width / w, 0.0, 0.0, 0.0, height / h, 0.0))
    if out.shape[:2] != (height, width):  # float noise at a border: pad or trim to size
        out = placed(out, Box(0, 0, out.shape[1], out.shape[0]), Box(0, 0, width, height))
    return out


def preview_copy(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """`pixels` (h, w, 4 uint8) or a mask (h, w) shrunk to (height, width) by area average,
    for the dialog's preview: ~20 ms for a 12 Mpx opaque layer where `resampled` takes
    ~0.2 s. Colours are averaged premultiplied (a transparent pixel lends none)."""
    import cv2

    size = (max(1, int(width)), max(1, int(height)))
    if pixels.ndim == 2 or bool((pixels[..., 3] == 255).all()):
        return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    f = pixels.astype(np.float32)
    f[..., :3] *= f[..., 3:4] / 255.0
    small = cv2.resize(f, size, interpolation=cv2.INTER_AREA)
    a = small[..., 3:4]
    small[..., :3] = np.where(a > 0, small[..., :3] * 255.0 / np.maximum(a, 1e-6), 0.0)
    return np.clip(np.rint(small), 0, 255).astype(np.uint8)


def scaled_pixels(pixels: np.ndarray, options: ScaleOptions,
                  protect: Optional[np.ndarray] = None,
                  progress: ProgressFn = no_progress) -> np.ndarray:
    """`pixels` (h, w, 4 uint8) content-aware scaled by `options` (the engine call; the
    dialog's preview runs it on a reduced copy)."""
    from engine.seam_carving import content_aware_resize  # numba: ~0.5 s to import, not at start-up

    h, w = pixels.shape[:2]
    width, height = options.size(w, h)
    return content_aware_resize(pixels, width, height, options.amount / 100.0, protect,
                                options.skin, resampled, progress)


@dataclass
class Prepared:
    """What a Content-Aware Scale job works on: copies taken from the document on the GUI
    thread, and where the layer was (`land` checks it is still so)."""
    layer: Layer
    source: ScaleSource
    options: ScaleOptions
    protect: Optional[np.ndarray]
    origin: tuple[int, int]
    shape: tuple[int, ...]
    revision: int                 # the layer's pixels' revision (`Layer.changed`)


def prepare(doc: Document, options: ScaleOptions, layer: Optional[Layer] = None
            ) -> Optional[Prepared]:
    """The active layer (or `layer`) ready to scale by `options`, or None when the size does
    not change (no step); a DocumentError in one line when it cannot be scaled."""
    layer = scalable_layer(layer if layer is not None else doc.active)
    source = scale_source(doc, layer)
    box = source.box
    if options.size(box.w, box.h) == (box.w, box.h):
        return None
    if source.rest is None:  # (the layer's own array: copied, the worker reads it)
        source = ScaleSource(layer.pixels.copy(), box)
    return Prepared(layer, source, options, protect_mask(doc, box, options.protect),
                    (layer.x, layer.y), layer.pixels.shape, layer.revision)


def run(prepared: Prepared, progress: ProgressFn = no_progress) -> np.ndarray:
    """The scaled pixels (engine work: on a worker thread, `progress` may raise Cancelled)."""
    return scaled_pixels(prepared.source.pixels, prepared.options, prepared.protect, progress)


def land(doc: Document, prepared: Prepared, out: np.ndarray) -> Layer:
    """Puts the scaled pixels `out` on the layer in one undo step; refuses, in one line,
    when the layer is gone or changed meanwhile (painted, moved, resized: the result would
    undo that)."""
    layer, source = prepared.layer, prepared.source
    if not doc.contains(layer) or (layer.x, layer.y) != prepared.origin \
            or layer.pixels.shape != prepared.shape or layer.revision != prepared.revision:
        raise DocumentError(f"Layer '{layer.name}' changed meanwhile; run Content-Aware "
                            "Scale again.")
    box = source.box
    if source.rest is None:
        doc.set_pixels(layer, np.ascontiguousarray(out), layer.x, layer.y, STEP_NAME)
        return layer
    # The scaled selection keeps its top-left corner, laid over the rest of the layer
    # (which grows to hold it); a rectangular selection becomes the scaled one's box.
    new_box = Box(box.x, box.y, out.shape[1], out.shape[0])
    bounds = layer.bounds().union(new_box)
    pixels = placed(source.rest, layer.bounds(), bounds)
    inside = new_box.translate(-bounds.x, -bounds.y).slices()
    pixels[inside] = to_uint8(over(to_float(out), to_float(pixels[inside])))
    rectangle = doc.selection_mask is None and doc.selection is not None
    with doc.history.macro(STEP_NAME):
        doc.set_pixels(layer, pixels, bounds.x, bounds.y, STEP_NAME)
        if rectangle:
            doc.set_selection(new_box)
    return layer


def content_aware_scale(doc: Document, options: ScaleOptions,
                        layer: Optional[Layer] = None,
                        progress: ProgressFn = no_progress) -> Layer:
    """Scales the active layer (or `layer`) by `options`, in one undo step (headless use)."""
    prepared = prepare(doc, options, layer)
    if prepared is None:
        return scalable_layer(layer if layer is not None else doc.active)  # nothing to do
    return land(doc, prepared, run(prepared, progress))
