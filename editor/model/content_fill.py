"""Content-aware fill of a layer: Edit > Fill > Content-Aware (the selected pixels), the
Spot Healing Brush (the pixels under a stroke) and the place the Content-Aware Move tool
takes an object from (`content_move`), all replaced by what surrounds them.

Prepare on the document (the region in a window of canvas pixels: the hole,
and the pixels around it: what may be copied — the layer's own, or with
`sample_all` what the canvas shows), run the engine's content-aware fill
(`engine.methods.decompose_steps.patchmatch_fill`, on a worker thread in the
editor), then apply as one undo step. The region's soft edge blends the fill
into the layer; pixels outside the region (and outside the selection) never
change. Edit > Fill's window is the whole layer and the layer does not grow;
a stroke's window is the stroke's box grown by its size (the fill samples the
stroke's surroundings, and a small window keeps it fast on a large picture),
and the layer grows to take the fill when it is sampled from other layers.
Edit > Content-Aware Fill…'s workspace (`editor.ui.content_fill_workspace`) adds to the
same job a Sampling Area (`sampling_area`: where patches may be copied from), Color
Adaptation, Rotation Adaptation, Scale and Mirror (how a copied patch may be adapted) and
an Output To (`apply_content_fill`'s `output`: the layer itself, a new
layer holding only the fill, or a duplicate of the layer), and previews it on a reduced
copy (`reduced`).
No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

import cv2
import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .document import Document, LockedError, raise_if_locked
from .edit_ops import placed, selection_region
from .errors import DocumentError
from .layers import AdjustmentLayer, Layer
from .render import composite_document

HOLE_THRESHOLD = 0.5   # coverage from which a pixel is filled (softer: blended)
STROKE_MARGIN = 64     # a stroke's window reaches at least this far around it (9 patches)


@dataclass
class ContentFill:
    """What the worker needs: copies of the pixels around the region, and the region."""
    layer: Layer
    box: Box                  # the canvas box the arrays below cover (the window)
    pixels: np.ndarray        # (h, w, 4) uint8: the picture sampled inside `box` (a copy)
    coverage: np.ndarray      # (h, w) float32 0..1: how much each pixel takes the fill
    hole: np.ndarray          # (h, w) bool: pixels to invent
    seed: int = 0
    geometry: tuple = ()      # the layer's (x, y, shape) when prepared; apply checks it
    sampling: Optional[np.ndarray] = None   # (h, w) bool: where patches may come from (None: around the hole)
    color_adaptation: str = "default"       # patchmatch_fill.COLOR_ADAPTATION's names
    rotation: str = "none"                  # patch_transforms.ROTATION_ADAPTATION's names
    scale: bool = False                     # sources may be copied scaled ...
    mirror: bool = False                    # ... or flipped left to right

SAMPLING_AREAS = ("auto", "rectangular", "custom")
OUTPUTS = ("current", "new", "duplicate")


def check_fillable(layer) -> Layer:
    """`layer` if its pixels may be filled, else a one-line DocumentError saying why not."""
    if not isinstance(layer, Layer):
        raise DocumentError("Select a pixel layer to fill.")
    if isinstance(layer, AdjustmentLayer):
        raise DocumentError(f"'{layer.name}' has no pixels to fill: select a pixel layer.")
    if layer.is_locked():
        raise LockedError(f"Layer '{layer.name}' is locked.")
    raise_if_locked(layer, "pixels")
    return layer


def prepare_content_fill(doc: Document, layer: Layer, seed: int = 0) -> ContentFill:
    """The fill of `layer`'s selected pixels, or a DocumentError saying why there is none."""
    check_fillable(layer)
    region = selection_region(doc)
    if region is None:
        raise DocumentError("Select the area to fill first (Rectangular Marquee, M, or "
                            "Quick Mask, Q): Content-Aware fills the selection from its "
                            "surroundings.")
    box, cov = region
    window = layer.bounds()
    return prepare_window_fill(layer, window, layer.pixels.copy(), placed(cov, box, window), seed,
                     f"The selection does not cover layer '{layer.name}'.")


def prepare_stroke_fill(doc: Document, layer: Layer, box: Box, coverage: np.ndarray, *,
                        sample_all: bool = False, seed: int = 0,
                        what: str = "stroke") -> ContentFill:
    """The fill of the pixels a brush stroke covers (`coverage` 0..1 over canvas `box`),
    inside the selection if there is one, sampled from a window around the stroke: from
    `layer` itself, or with `sample_all` from what the canvas shows (the layer may then be
    an empty one that takes the fill on its own). `what` names the region in the message
    that says it covers nothing ("stroke", "selection")."""
    check_fillable(layer)
    region = selection_region(doc)
    if region is not None:  # only inside the selection, by its coverage
        coverage = coverage * placed(region[1], region[0], box)
    margin = max(STROKE_MARGIN, box.w, box.h)
    window = box.expand(margin).intersect(doc.canvas)
    if sample_all:
        pixels = composite_document(doc, window)
        outside = "of the canvas"
    else:
        pixels = placed(layer.pixels, layer.bounds(), window)
        outside = f"of layer '{layer.name}'"
    where = "inside the selection" if region is not None else outside
    return prepare_window_fill(layer, window, pixels, placed(coverage, box, window), seed,
                     f"The {what} covers no pixels {where}.")


def prepare_window_fill(layer: Layer, window: Box, pixels: np.ndarray, coverage: np.ndarray,
                        seed: int, nothing: str) -> ContentFill:
    """The fill of `coverage` (0..1 over canvas `window`) on `layer`, from `pixels` (the
    window's RGBA); a DocumentError `nothing` if it covers nothing, or one saying there is
    too little picture around it (the Crop tool's Content-Aware fills this way)."""
    hole = coverage >= HOLE_THRESHOLD
    if not hole.any():
        raise DocumentError(nothing)
    known = (pixels[..., 3] > 0) & ~hole
    if known.sum() < 0.05 * hole.sum() or known.sum() < 64:
        raise DocumentError("There is too little picture around the area to fill it from.")
    return ContentFill(layer, window, pixels, coverage, hole, seed,
                       (layer.x, layer.y, layer.pixels.shape))


def run_content_fill(job: ContentFill, progress: ProgressFn = no_progress) -> np.ndarray:
    """The filled RGB (h, w, 3) uint8 of the window (engine work: runs on a worker thread)."""
    from engine.methods.decompose_steps.patchmatch_fill import content_aware_fill

    rgb = job.pixels[..., :3].astype(np.float32) / 255.0
    known = (job.pixels[..., 3] > 0) & ~job.hole
    out = content_aware_fill(rgb, job.hole, known, seed=job.seed, progress=progress,
                             sampling=job.sampling, color_adaptation=job.color_adaptation,
                             rotation=job.rotation, scale=job.scale, mirror=job.mirror)
    return np.clip(np.rint(out * 255.0), 0, 255).astype(np.uint8)


def sampling_area(job: ContentFill, kind: str) -> np.ndarray:
    """The workspace's Sampling Area `kind` over the window (h, w bool), before any brush:
    "auto" the picture within a band around the hole as wide as the crop the fill samples
    by default (shaped like the hole, as Photoshop's Auto), "rectangular" that crop's
    whole box. Only known pixels (not the hole, not transparent) are ever sampled."""
    from engine.methods.decompose_steps.patchmatch_fill import PATCH, fill_crop

    if kind not in ("auto", "rectangular"):
        raise ValueError(f"no sampling area '{kind}'")
    known = (job.pixels[..., 3] > 0) & ~job.hole
    y0, y1, x0, x1 = fill_crop(job.hole)
    area = np.zeros_like(known)
    area[y0:y1, x0:x1] = True
    if kind == "auto":
        ys, xs = np.nonzero(job.hole)
        band = max(8 * PATCH, int(ys.max() - ys.min()) + 1, int(xs.max() - xs.min()) + 1)
        dist = cv2.distanceTransform((~job.hole).astype(np.uint8), cv2.DIST_L2, 3)
        area &= dist <= band / 2   # half the crop's margin: a band, not the box again
    return area & known


def reduced(job: ContentFill, side: int) -> ContentFill:
    """A copy of `job` whose window fits `side` pixels a side (the workspace's preview)."""
    h, w = job.hole.shape
    scale = min(1.0, side / max(h, w))
    if scale >= 1.0:
        return job
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    pixels = cv2.resize(job.pixels, size, interpolation=cv2.INTER_AREA)
    coverage = cv2.resize(job.coverage.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    sampling = None if job.sampling is None else cv2.resize(
        job.sampling.astype(np.float32), size, interpolation=cv2.INTER_AREA) >= 0.5
    hole = cv2.resize(job.hole.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0
    return replace(job, pixels=pixels, coverage=coverage, hole=hole, sampling=sampling)


def fill_strength(job: ContentFill) -> np.ndarray:
    """How much each pixel of the window takes the fill (h, w float 0..1): the hole fully
    (it was unknown), a soft edge beyond it by its coverage."""
    return np.where(job.hole, 1.0, job.coverage).astype(np.float32)


def blend_fill(view: np.ndarray, filled: np.ndarray, strength: np.ndarray) -> None:
    """Lays RGB `filled` (h, w, 3 uint8) over straight RGBA `view` (same h, w; changed in
    place) by `strength` (h, w 0..1), as a layer of that opacity laid over it would."""
    s = strength[..., None].astype(np.float32)
    a = view[..., 3:4].astype(np.float32) / 255.0
    out_a = s + a * (1.0 - s)
    rgb = (filled.astype(np.float32) * s + view[..., :3].astype(np.float32) * a * (1.0 - s)) \
        / np.maximum(out_a, 1e-6)
    view[..., :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    view[..., 3] = np.clip(np.rint(out_a[..., 0] * 255.0), 0, 255).astype(np.uint8)


def apply_content_fill(doc: Document, job: ContentFill, filled: np.ndarray,
                       opacity: float = 1.0, name: str = "Content-Aware Fill",
                       output: str = "current") -> Layer:
    """Blends `filled` where the region is, in one undo step, into the layer ("current"),
    a new empty layer above it that then holds only the fill ("new"), or a copy of the
    layer above it ("duplicate"); returns the layer filled."""
    layer = job.layer
    if output not in OUTPUTS:
        raise DocumentError(f"Output To is one of {', '.join(OUTPUTS)}, not '{output}'.")
    if not doc.contains(layer) or (layer.x, layer.y, layer.pixels.shape) != job.geometry:
        raise DocumentError(f"Layer '{layer.name}' changed while it was being filled; "
                            "run the fill again.")
    if output == "current":
        _blend_into(doc, job, layer, filled, opacity, name)
        return layer
    with doc.history.macro(name):
        if output == "new":
            target = doc.add_layer(Layer(doc.next_layer_name()), layer.parent,
                                   layer.index() + 1, name="New Layer")
        else:
            target = doc.duplicate(layer)
        _blend_into(doc, job, target, filled, opacity, name)
    return target


def _blend_into(doc: Document, job: ContentFill, layer: Layer, filled: np.ndarray,
                opacity: float, name: str) -> None:
    strength = fill_strength(job) * float(opacity)
    ys, xs = np.nonzero(strength > 0)
    local = Box.from_corners(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    cover = local.translate(job.box.x, job.box.y)  # canvas
    # The layer grows to take a fill that reaches past it (not with Lock Transparent Pixels).
    edit = doc.begin_pixel_edit(layer, name, cover=cover)
    target = cover.intersect(layer.bounds())
    if not target.is_empty():
        inside = target.translate(-job.box.x, -job.box.y).slices()
        edit.apply(doc, target.translate(-layer.x, -layer.y),
                   lambda view: blend_fill(view, filled[inside], strength[inside]))
    doc.end_pixel_edit(edit)


def content_aware_fill_layer(doc: Document, layer: Optional[Layer] = None, seed: int = 0,
                             progress: ProgressFn = no_progress) -> None:
    """Prepare, run and apply in one call (headless use)."""
    job = prepare_content_fill(doc, layer if layer is not None else doc.active, seed)
    apply_content_fill(doc, job, run_content_fill(job, progress))
