"""Edit > Fill > Content-Aware: the selected pixels of a layer replaced by what surrounds them.

Prepare on the document (the selection in the layer's pixels: the hole, and
the layer's visible pixels around it: what may be copied), run the engine's
content-aware fill (`engine.methods.decompose_steps.patchmatch_fill`, on a
worker thread in the editor), then apply as one undo step. The selection's
soft edge blends the fill into the layer; pixels outside the selection never
change, and the layer does not grow. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .document import Document, LockedError, raise_if_locked
from .edit_ops import selection_region
from .errors import DocumentError
from .layers import Layer

HOLE_THRESHOLD = 0.5   # selection coverage from which a pixel is filled (softer: blended)


@dataclass
class ContentFill:
    """What the worker needs: copies of the layer's pixels and the region, in layer pixels."""
    layer: Layer
    pixels: np.ndarray        # (h, w, 4) uint8 copy of the layer
    coverage: np.ndarray      # (h, w) float32 0..1: the selection on the layer
    hole: np.ndarray          # (h, w) bool: pixels to invent
    seed: int = 0


def prepare_content_fill(doc: Document, layer: Layer, seed: int = 0) -> ContentFill:
    """The fill of `layer`'s selected pixels, or a DocumentError saying why there is none."""
    if not isinstance(layer, Layer):
        raise DocumentError("Select a pixel layer to fill.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    region = selection_region(doc)
    if region is None:
        raise DocumentError("Select the area to fill first (Rectangular Marquee, M, or "
                            "Quick Mask, Q): Content-Aware fills the selection from its "
                            "surroundings.")
    box, cov = region
    h, w = layer.height, layer.width
    coverage = np.zeros((h, w), np.float32)
    inter = box.intersect(layer.bounds())
    if not inter.is_empty():
        coverage[inter.translate(-layer.x, -layer.y).slices()] = \
            cov[inter.translate(-box.x, -box.y).slices()]
    hole = coverage >= HOLE_THRESHOLD
    if not hole.any():
        raise DocumentError(f"The selection does not cover layer '{layer.name}'.")
    known = (layer.pixels[..., 3] > 0) & ~hole
    if known.sum() < 0.05 * hole.sum() or known.sum() < 64:
        raise DocumentError("There is too little picture around the selection to fill it from.",
                            )
    return ContentFill(layer, layer.pixels.copy(), coverage, hole, seed)


def run_content_fill(job: ContentFill, progress: ProgressFn = no_progress) -> np.ndarray:
    """The filled RGB (h, w, 3) uint8 of the layer (engine work: runs on a worker thread)."""
    from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

    rgb = job.pixels[..., :3].astype(np.float32) / 255.0
    known = (job.pixels[..., 3] > 0) & ~job.hole
    out = content_aware_fill(rgb, job.hole, known, seed=job.seed, progress=progress)
    return np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)


def apply_content_fill(doc: Document, job: ContentFill, filled: np.ndarray,
                       opacity: float = 1.0, name: str = "Content-Aware Fill") -> None:
    """Blends `filled` into the layer where it is selected, in one undo step."""
    layer = job.layer
    if not doc.contains(layer) or layer.pixels.shape != job.pixels.shape:
        raise DocumentError(f"Layer '{layer.name}' changed while it was being filled; "
                            "run the fill again.")
    # The hole takes the fill fully (it was unknown); a soft edge beyond it blends.
    strength = np.where(job.hole, 1.0, job.coverage) * float(opacity)
    ys, xs = np.nonzero(strength > 0)
    box = Box.from_corners(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    s = strength[box.slices()][..., None]
    fill = filled[box.slices()].astype(np.float32)
    edit = doc.begin_pixel_edit(layer, name, cover=box.translate(layer.x, layer.y))

    def fn(view: np.ndarray) -> None:
        a = view[..., 3:4].astype(np.float32) / 255.0
        out_a = s + a * (1.0 - s)
        rgb = (fill * s + view[..., :3].astype(np.float32) * a * (1.0 - s)) / np.maximum(out_a, 1e-6)
        view[..., :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
        view[..., 3] = np.clip(np.rint(out_a[..., 0] * 255.0), 0, 255).astype(np.uint8)

    edit.apply(doc, box, fn)
    doc.end_pixel_edit(edit)


def content_aware_fill_layer(doc: Document, layer: Optional[Layer] = None, seed: int = 0,
                             progress: ProgressFn = no_progress) -> None:
    """Prepare, run and apply in one call (headless use)."""
    job = prepare_content_fill(doc, layer if layer is not None else doc.active, seed)
    apply_content_fill(doc, job, run_content_fill(job, progress))
