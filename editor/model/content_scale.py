"""Edit > Content-Aware Scale (Alt+Shift+Ctrl+C): a pixel layer resized by seam carving
(`engine.seam_carving`), so that what matters (people, objects) keeps its shape while
the plainer ground between shrinks or grows.

The options are Photoshop's: the new width and height in per cent of the layer; Amount
(0..100 %), the share of the change made by seams, the rest by the ordinary resampling of
Free Transform (`resample.transform_pixels`), so 0 % is exactly Free Transform's scale;
Protect, an alpha channel of the document (`channels`) whose selected pixels the seams
go round; and Protect Skin Tones. The layer keeps its top-left corner (the sides that
move are the right and the bottom, as when the transform box's corner handle is
dragged). The change is one undo step. No Qt here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from engine.box import Box

from . import channels
from .document import Document, LockedError, raise_if_derived, raise_if_locked
from .edit_ops import pixel_layer, placed
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


def protect_mask(doc: Document, layer: Layer, uid) -> Optional[np.ndarray]:
    """The alpha channel `uid` over the layer's pixels (h, w float32 0..1), or None."""
    if uid is None:
        return None
    channel = channels.find(doc, uid)
    if channel is None:
        raise DocumentError("The alpha channel to protect is gone.")
    return placed(channel.pixels, doc.canvas, layer.bounds()).astype(np.float32) / 255.0


def resampled(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """Ordinary scaling to (height, width): the one Free Transform and Image Size use."""
    h, w = pixels.shape[:2]
    out, _, _ = transform_pixels(pixels, (width / w, 0.0, 0.0, 0.0, height / h, 0.0))
    if out.shape[:2] != (height, width):  # float noise at a border: pad or trim to size
        out = placed(out, Box(0, 0, out.shape[1], out.shape[0]), Box(0, 0, width, height))
    return out


def scaled_pixels(pixels: np.ndarray, options: ScaleOptions,
                  protect: Optional[np.ndarray] = None) -> np.ndarray:
    """`pixels` (h, w, 4 uint8) content-aware scaled by `options` (the engine call; the
    dialog's preview runs it on a reduced copy)."""
    from engine.seam_carving import content_aware_resize  # numba: ~0.5 s to import, not at start-up

    h, w = pixels.shape[:2]
    width, height = options.size(w, h)
    return content_aware_resize(pixels, width, height, options.amount / 100.0, protect,
                                options.skin, resampled)


def content_aware_scale(doc: Document, options: ScaleOptions,
                        layer: Optional[Layer] = None) -> Layer:
    """Scales the active layer (or `layer`) by `options`, in one undo step."""
    layer = scalable_layer(layer if layer is not None else doc.active)
    h, w = layer.pixels.shape[:2]
    if options.size(w, h) == (w, h):
        return layer  # nothing to do: no undo step
    out = scaled_pixels(layer.pixels, options, protect_mask(doc, layer, options.protect))
    doc.set_pixels(layer, np.ascontiguousarray(out), layer.x, layer.y, STEP_NAME)
    return layer
