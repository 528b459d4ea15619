"""Previews a decomposition sends through its progress callback while it runs.

Two moments are worth showing: the object found (step 1), as a tint with an
outline over the picture, and the background once filled (step 3), the
picture as it will look with the object lifted off. Both are 8-bit RGBA of
the whole source picture, reduced to at most `MAX_SIDE` pixels (the editor
scales a preview into the layer's box), so sending one costs milliseconds.
"""
from __future__ import annotations

import cv2
import numpy as np

from ...box import Box

MAX_SIDE = 1024
TINT = (255, 40, 40)     # the Quick Mask's red
TINT_ALPHA = 110
OUTLINE = (255, 255, 255)


def _reduce(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    scale = min(1.0, MAX_SIDE / max(h, w))
    if scale >= 1.0:
        return image
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def object_preview(mask: np.ndarray) -> np.ndarray:
    """The object found: a translucent red tint with a white outline, transparent elsewhere."""
    small = _reduce(mask.astype(np.uint8) * 255) >= 128
    out = np.zeros(small.shape + (4,), np.uint8)
    out[small] = (*TINT, TINT_ALPHA)
    edge = small & ~(cv2.erode(small.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    out[edge] = (*OUTLINE, 255)
    return out


def background_preview(rgb: np.ndarray, src_alpha: np.ndarray, window: Box,
                       background: np.ndarray) -> np.ndarray:
    """The picture with `window` replaced by the filled `background` (float RGB 0..1 of the
    window's size): how the background layer will look."""
    full = np.dstack([rgb, src_alpha])
    full[window.slices()][..., :3] = np.clip(np.rint(background * 255.0), 0, 255).astype(np.uint8)
    return _reduce(full)
