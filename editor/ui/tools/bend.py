"""What the modes that bend one pixel layer share (Edit > Transform > Warp,
Edit > Puppet Warp, Edit > Perspective Warp): which layers they take, and their live
preview.

The preview bends a copy of the layer as drawn (through its mask), scaled down to at most
`PREVIEW_SIZE` pixels wide or high (about a fitted view's: a drag redraws it on every move,
in tens of milliseconds), and keeps the last result while its key (the grid, the pins) is
the same.
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from PySide6.QtGui import QImage, QTransform

from editor.model import AdjustmentLayer, DocumentError, Layer
from editor.model.document import raise_if_derived
from editor.model.text_layer import TextLayer

from ..pyramid import Pyramid

PREVIEW_SIZE = 1024


def check_pixel_layer(node, label: str) -> None:
    """Raises a one-line DocumentError unless `node` is a pixel layer (`label`: the mode)."""
    if not isinstance(node, Layer) or isinstance(node, (AdjustmentLayer, TextLayer)):
        raise DocumentError(f"{label} works on a pixel layer: select one first (rasterize "
                            "type first).")
    raise_if_derived(node)  # a smart object: its placement is no mesh (rasterize it)


# bend(small straight RGBA, scale r) -> (the bent picture, its corner x, y in the small copy's
# coordinates, where the layer's origin is 0); a picture of None draws nothing.
Bend = Callable[[np.ndarray, float], tuple[Optional[QImage], float, float]]


class BentPreview:
    """The layer's preview content scaled down once, and the last bent picture."""

    def __init__(self):
        self._small: Optional[tuple[np.ndarray, float]] = None
        self._bent: Optional[tuple[bytes, Optional[Pyramid], QTransform]] = None

    def small(self, content: np.ndarray) -> tuple[np.ndarray, float]:
        """`content` scaled to fit PREVIEW_SIZE (made once), and the scale."""
        if self._small is None:
            import cv2

            h, w = content.shape[:2]
            r = min(1.0, PREVIEW_SIZE / max(w, h))
            small = content if r == 1.0 else cv2.resize(
                content, (max(1, round(w * r)), max(1, round(h * r))),
                interpolation=cv2.INTER_AREA)
            self._small = (small, small.shape[1] / w)
        return self._small

    def get(self, preview, layer: Layer, key: bytes, bend: Bend
            ) -> tuple[Optional[Pyramid], QTransform]:
        """The layer bent by `bend` (`key` names the bend: the same key, the same picture)
        and where it goes (small copy -> canvas)."""
        if self._bent is not None and self._bent[0] == key:
            return self._bent[1], self._bent[2]
        content = preview.content
        if content is None or content.size == 0:
            return None, QTransform()
        small, r = self.small(content)
        image, ox, oy = bend(small, r)
        placement = QTransform.fromTranslate(ox, oy) * QTransform.fromScale(1 / r, 1 / r) \
            * QTransform.fromTranslate(layer.x, layer.y)
        pyramid = Pyramid.from_qimage(image) if image is not None else None
        self._bent = (key, pyramid, placement)
        return pyramid, placement


def remapped_image(premultiplied: np.ndarray, found) -> tuple[Optional[QImage], float, float]:
    """A `Bend`'s answer from an inverse map: `found` (map_x, map_y, box) or None, sampled
    from the small copy's premultiplied float pixels (bilinear, transparent beyond)."""
    if found is None:
        return None, 0, 0
    import cv2

    map_x, map_y, box = found
    out = cv2.remap(premultiplied, map_x, map_y, interpolation=cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    out = np.ascontiguousarray(np.rint(np.clip(out, 0, 255)).astype(np.uint8))
    image = QImage(out.data, box.w, box.h, out.strides[0],
                   QImage.Format.Format_RGBA8888_Premultiplied) \
        .convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    return image, box.x, box.y
