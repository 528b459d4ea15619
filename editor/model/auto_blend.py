"""Edit > Auto-Blend Layers: a layer mask on each chosen layer so that together they show the
best of each, as Photoshop's command does (after Auto-Align Layers, on shots of one scene).

Blend Method:
- Stack Images (focus stacking): each canvas pixel comes from the layer that is sharpest
  there: the energy of the Laplacian of its grey, averaged over a few pixels (SHARP_SIGMA
  of the picture's short side, at least 2 px) so a flat patch inside a sharp object goes
  with it;
- Panorama: each canvas pixel comes from the layer whose edge is furthest away (the
  distance transform of where each layer is opaque), so the seams run down the middle of
  the overlaps, away from the layers' own borders.

The winner of each pixel is a hard choice (made on copies reduced to WORK_SIZE); the seams
are then softened (a Gaussian of
SEAM_SIGMA px, Panorama PANORAMA_SEAM_SIGMA px) into weights w_i that sum to one where any
layer is opaque. Normal compositing, bottom to top, shows exactly that weighted mix when
layer i's mask is m_i = w_i / (w_0 + ... + w_i) (the layers below it then keep the share
they should: the bottom layer's mask is 1 wherever it has the largest weight so far).
Existing layer masks of the chosen layers are replaced (as the result is what the new
masks make); a layer's pixels are not changed. Photoshop's "Seamless Tones and Colors"
and "Content-Aware Fill Transparent Areas" are not done.

In three parts as the other operations: `prepare` (copies, GUI thread), `run` (the masks,
worker), `apply` (one undo step). No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from engine.box import Box
from engine.progress import ProgressFn, no_progress

from .commands import SetMask
from .document import Document
from .errors import DocumentError
from .layers import Layer, LayerMask, Node
from .sharpness import laplacian_energy

NAME = "Auto-Blend Layers"
METHODS = {"stack": "Stack Images", "panorama": "Panorama"}
SHARP_SIGMA = 1 / 150        # Stack: the sharpness is averaged over this share of the side
SEAM_SIGMA = 1.5             # Stack: how soft the seams between sources are (px)
PANORAMA_SEAM_SIGMA = 8.0    # Panorama: wider, so exposure steps fade across the seam
WORK_SIZE = 1600             # the longest side the sources are chosen at (weights upsampled)


@dataclass
class BlendInput:
    method: str
    layers: list[Layer]                      # bottom first
    pictures: list[np.ndarray]               # each layer on the canvas box, straight RGBA
    canvas: Box


def prepare(doc: Document, nodes: Sequence[Node], method: str = "stack") -> BlendInput:
    """The chosen pixel layers (two or more), each drawn on the canvas for the worker."""
    if method not in METHODS:
        raise ValueError(f"the methods are {', '.join(METHODS)}, not {method!r}")
    chosen = {id(n) for n in nodes}
    layers = [layer for layer in doc.layers() if id(layer) in chosen
              and isinstance(layer, Layer) and not layer.is_empty()]  # bottom first
    if len(layers) < 2:
        raise DocumentError("Choose two or more layers with pixels in the Layers panel "
                            "(Ctrl+click) to blend them.")
    for layer in layers:
        doc._check_unlocked(layer)  # Lock All refuses a mask, as Add Layer Mask does
    canvas = doc.canvas
    pictures = []
    for layer in layers:
        picture = np.zeros((canvas.h, canvas.w, 4), np.uint8)
        box = layer.bounds().intersect(canvas)
        if not box.is_empty():
            picture[box.slices()] = layer.pixels[box.translate(-layer.x, -layer.y).slices()]
        pictures.append(picture)
    return BlendInput(method, layers, pictures, canvas)


def _edge_distance(picture: np.ndarray) -> np.ndarray:
    import cv2

    opaque = np.pad((picture[..., 3] > 0).astype(np.uint8), 1)  # the canvas edge counts
    return cv2.distanceTransform(opaque, cv2.DIST_L2, 5)[1:-1, 1:-1]


def weights(prepared: BlendInput, progress: ProgressFn = no_progress) -> np.ndarray:
    """(N, H, W) float32 weights, bottom layer first, summing to one where any layer shows.

    The sources are chosen on copies reduced to WORK_SIZE (a big photo's focus and seams
    need no finer grid; the blurs at full size took seconds), the softened choice enlarged
    back, then held to where each layer has pixels at full size."""
    import cv2

    n = len(prepared.pictures)
    h, w = prepared.canvas.h, prepared.canvas.w
    scale = min(1.0, WORK_SIZE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = [p if scale == 1.0 else cv2.resize(p, size, interpolation=cv2.INTER_AREA)
             for p in prepared.pictures]
    if prepared.method == "stack":
        sigma = max(2.0, SHARP_SIGMA * min(size))
        scores = [laplacian_energy(p[..., :3], sigma) for p in small]
        seam = SEAM_SIGMA
    else:
        scores = [_edge_distance(p) for p in small]
        seam = PANORAMA_SEAM_SIGMA * scale
    progress(1, 3)
    score = np.stack(scores)
    score[np.stack([p[..., 3] == 0 for p in small])] = -1.0  # never where it shows nothing
    winner = np.argmax(score, axis=0)
    out = np.empty((n, h, w), np.float32)
    for i in range(n):
        soft = cv2.GaussianBlur((winner == i).astype(np.float32), (0, 0), max(seam, 0.5))
        out[i] = soft if scale == 1.0 else cv2.resize(soft, (w, h), interpolation=cv2.INTER_LINEAR)
        out[i] *= prepared.pictures[i][..., 3] > 0  # no weight beyond the layer's pixels
    total = out.sum(axis=0)
    np.divide(out, total, out=out, where=total > 0)
    progress(2, 3)
    return out


def run(prepared: BlendInput, progress: ProgressFn = no_progress) -> list[np.ndarray]:
    """Each layer's new mask (canvas-sized uint8), bottom first (worker thread)."""
    progress(0, 3)
    w = weights(prepared, progress)
    cumulative = np.cumsum(w, axis=0)
    masks = []
    for i in range(len(w)):
        m = np.divide(w[i], cumulative[i], out=np.zeros_like(w[i]), where=cumulative[i] > 1e-6)
        masks.append(np.clip(np.rint(m * 255.0), 0, 255).astype(np.uint8))
    progress(3, 3)
    return masks


def apply(doc: Document, prepared: BlendInput, masks: list[np.ndarray]) -> None:
    """The masks set on the layers, one undo step (GUI thread)."""
    if not all(doc.contains(layer) for layer in prepared.layers):
        raise DocumentError("A layer was deleted while the layers were being blended.")
    canvas = prepared.canvas
    with doc.history.macro(NAME):
        for layer, mask in zip(prepared.layers, masks):
            doc.history.push(SetMask(layer, LayerMask(mask, canvas.x, canvas.y, default=0),
                                     NAME))
