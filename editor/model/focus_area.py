"""Select > Focus Area: the parts of the picture that are in focus become the selection (or a
layer mask, a new layer), as Photoshop's command does for a subject shot against a blurred
background.

How sharp each place is comes from `sharpness.laplacian_energy` (on a copy reduced to
WORK_SIZE: focus needs no finer grid), on a log scale. In-Focus Range (0..100) sets how
much of that scale counts as in focus: 0 only the sharpest place, 100 everything; Auto
takes the threshold Otsu's method finds between the two populations. Image Noise Level
(0..100) smooths the picture more before the energy is measured, so grain in a blurred
background does not count as focus. The choice is then cleaned as a user would: small
gaps closed, holes inside the in-focus region filled, specks under MIN_PIECE of the picture
dropped; Soften Edge feathers its outline by a pixel or two at full size.

In three parts as the other operations: `prepare` (the picture, GUI thread), `run` (the
mask, worker) and `apply` (the output, one undo step). No Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.progress import ProgressFn, no_progress

from . import mask_ops
from .document import Document
from .edit_ops import layer_via_copy
from .errors import DocumentError
from .layers import Layer, Node
from .selection_ops import _sampled, select_mask
from .sharpness import laplacian_energy

NAME = "Focus Area"
OUTPUTS = {"selection": "Selection", "layer_mask": "Layer Mask", "new_layer": "New Layer",
           "new_layer_mask": "New Layer with Layer Mask"}
WORK_SIZE = 1024       # the longest side focus is measured at
FOCUS_SIGMA = 1 / 80   # the energy averaged over this share of the short side
MIN_PIECE = 0.005      # in-focus pieces smaller than this share of the picture are specks
SOFT_SIGMA = 1.2       # Soften Edge: the outline's feather at full size (px)


@dataclass
class FocusInput:
    picture: np.ndarray          # (H, W, 4) uint8 canvas-sized copy
    layer: Optional[Layer]       # what was looked at (None: the canvas)
    in_focus: Optional[float]    # 0..100, None: Auto
    noise: float                 # 0..100
    soften: bool


@dataclass
class FocusResult:
    mask: np.ndarray             # (H, W) uint8
    in_focus: float              # the In-Focus Range used (Auto: the one it found)


def prepare(doc: Document, layer: Optional[Node], in_focus: Optional[float] = None,
            noise: float = 0.0, soften: bool = True) -> FocusInput:
    if not isinstance(layer, Layer):
        layer = None
    if not any(isinstance(n, Layer) and not n.is_empty() for n in doc.layers()):
        raise DocumentError("The document is empty: there is nothing in focus to select.")
    picture = _sampled(doc, layer).copy()
    if not picture[..., 3].any():
        raise DocumentError("Nothing shows there: there is nothing in focus to select.")
    return FocusInput(picture, layer, in_focus, float(noise), bool(soften))


def _otsu(values: np.ndarray) -> float:
    """Otsu's threshold of `values` (a 256-bin histogram between their min and max)."""
    low, high = float(values.min()), float(values.max())
    if high <= low:
        return low
    counts, edges = np.histogram(values, bins=256, range=(low, high))
    centres = (edges[:-1] + edges[1:]) / 2
    w0 = np.cumsum(counts)
    w1 = w0[-1] - w0
    m0 = np.cumsum(counts * centres)
    mean0 = m0 / np.maximum(w0, 1)
    mean1 = (m0[-1] - m0) / np.maximum(w1, 1)
    between = w0 * w1 * (mean0 - mean1) ** 2
    return float(centres[int(np.argmax(between))])


def run(prepared: FocusInput, progress: ProgressFn = no_progress) -> FocusResult:
    """The in-focus mask over the canvas (worker thread)."""
    import cv2
    from scipy import ndimage

    progress(0, 3)
    picture = prepared.picture
    h, w = picture.shape[:2]
    scale = min(1.0, WORK_SIZE / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = picture if scale == 1.0 else cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
    a = small[..., 3:4].astype(np.float32) / 255.0  # transparency counts as flat white
    rgb = (small[..., :3] * a + 255.0 * (1.0 - a)).astype(np.uint8)
    sigma = max(1.5, FOCUS_SIGMA * min(size))
    focus = np.log1p(laplacian_energy(rgb, sigma, noise=1.0 + prepared.noise / 25.0))
    shown = small[..., 3] > 0
    progress(1, 3)
    low, high = float(focus[shown].min()), float(focus[shown].max())
    if prepared.in_focus is None:  # Auto: between the blurred and the sharp populations
        threshold = _otsu(focus[shown])
        in_focus = 100.0 * (high - threshold) / max(high - low, 1e-9)
    else:
        in_focus = float(np.clip(prepared.in_focus, 0.0, 100.0))
        threshold = high - (high - low) * in_focus / 100.0
    chosen = (focus >= threshold) & shown
    # Cleaned as a user would: gaps closed, holes filled, specks dropped.
    radius = max(1, round(min(size) / 150))
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    chosen = cv2.morphologyEx(chosen.astype(np.uint8), cv2.MORPH_CLOSE, disc).astype(bool)
    chosen = ndimage.binary_fill_holes(chosen)
    labels, count = ndimage.label(chosen)
    if count:
        sizes = np.bincount(labels.ravel())
        keep = sizes >= MIN_PIECE * chosen.size
        keep[0] = False
        chosen = keep[labels]
    progress(2, 3)
    mask = chosen.astype(np.float32)
    if scale != 1.0:
        mask = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    if prepared.soften:
        mask = cv2.GaussianBlur(mask, (0, 0), SOFT_SIGMA)
    else:
        mask = (mask >= 0.5).astype(np.float32)
    mask *= picture[..., 3] > 0
    progress(3, 3)
    return FocusResult(np.clip(np.rint(mask * 255.0), 0, 255).astype(np.uint8), in_focus)


def apply(doc: Document, prepared: FocusInput, result: FocusResult,
          output: str = "selection") -> None:
    """The mask as `output` (OUTPUTS), one undo step (GUI thread)."""
    if output not in OUTPUTS:
        raise ValueError(f"the outputs are {', '.join(OUTPUTS)}, not {output!r}")
    if result.mask.shape != (doc.height, doc.width):
        raise DocumentError("The canvas changed size while the focus was being measured: "
                            "run Select > Focus Area again.")
    if not result.mask.any():
        raise DocumentError("Nothing is in focus at this In-Focus Range: widen it.")
    layer = prepared.layer if prepared.layer is not None else doc.active
    if output != "selection" and not (isinstance(layer, Layer) and doc.contains(layer)):
        raise DocumentError("Select a pixel layer to make a layer or a mask from the focus.")
    with doc.history.macro(NAME):
        select_mask(doc, result.mask, "replace", NAME)
        if output == "layer_mask":
            if layer.mask is not None:
                mask_ops.delete_mask(doc, layer)
            mask_ops.add_mask(doc, layer, "reveal_selection")
            doc.set_selection(None, NAME)
        elif output == "new_layer":  # the in-focus pixels on a layer of their own
            layer_via_copy(doc, layer, False)
        elif output == "new_layer_mask":  # a copy of the layer, masked to the focus
            copy = doc.duplicate(layer)
            if copy.mask is not None:
                mask_ops.delete_mask(doc, copy)
            mask_ops.add_mask(doc, copy, "reveal_selection")
            doc.set_selection(None, NAME)
