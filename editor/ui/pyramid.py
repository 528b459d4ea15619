"""Power-of-two reductions of a premultiplied image, kept current box by box.

The canvas shows a zoomed-out document by drawing the reduction whose scale
is just above the view's (so the last step is a mild bilinear reduction, or
none at all). Each level is the exact 2x2 average of the one above it, so a
changed box is redone alone and gives the same pixels as a full rebuild:
dragging a layer never rescales the whole 12-megapixel composite.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtGui import QImage

from editor.model import prefaulted
from engine.box import Box


# While something moves, a composited pixel may be shown up to this many device pixels
# wide (magnified smoothly); the exact picture at `level_for` follows when it settles.
DRAFT_MAGNIFICATION = 1.5


def _cv2():
    import cv2  # imported on first use: not needed to show the window

    return cv2


def _wrap(array: np.ndarray) -> QImage:
    return QImage(array.data, array.shape[1], array.shape[0], array.strides[0],
                  QImage.Format.Format_ARGB32_Premultiplied)


def _reduce(src: np.ndarray, dst: np.ndarray, box: Box) -> Box:
    """Writes the 2x2 averages of `src` inside `box` (src coordinates) into `dst`.

    Returns the box written, in dst coordinates.
    """
    cv2 = _cv2()
    sh, sw = src.shape[:2]
    x0, y0 = box.x - box.x % 2, box.y - box.y % 2
    x1, y1 = min(sw, box.x1 + box.x1 % 2), min(sh, box.y1 + box.y1 % 2)
    region = src[y0:y1, x0:x1]
    h, w = region.shape[:2]
    if h == 0 or w == 0:
        return Box(x0 // 2, y0 // 2, 0, 0)
    if h % 2 or w % 2:  # the image's odd last row/column: repeat it
        region = cv2.copyMakeBorder(region, 0, h % 2, 0, w % 2, cv2.BORDER_REPLICATE)
    out = cv2.resize(region, (region.shape[1] // 2, region.shape[0] // 2),
                     interpolation=cv2.INTER_AREA)
    out = out.reshape(region.shape[0] // 2, region.shape[1] // 2, 4)
    dst[y0 // 2:y0 // 2 + out.shape[0], x0 // 2:x0 // 2 + out.shape[1]] = out
    return Box(x0 // 2, y0 // 2, out.shape[1], out.shape[0])


class Pyramid:
    """Level 0 is the given image; level k is 2**k times smaller. Levels are built lazily."""

    def __init__(self, base: np.ndarray, image: Optional[QImage] = None):
        if base.dtype != np.uint8 or base.ndim != 3 or base.shape[2] != 4:
            raise ValueError("a pyramid needs an (H, W, 4) uint8 premultiplied image")
        self._arrays: list[np.ndarray] = [base]
        self._images: list[QImage] = [image if image is not None else _wrap(base)]

    @classmethod
    def from_qimage(cls, image: QImage) -> "Pyramid":
        """A pyramid over `image` (converted to ARGB32 premultiplied; not changed afterwards)."""
        image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        h, w = image.height(), image.width()
        data = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
        array = data.reshape(h, image.bytesPerLine())[:, :w * 4].reshape(h, w, 4)
        return cls(array, image)  # the QImage owns the memory the array views

    @property
    def width(self) -> int:
        return self._arrays[0].shape[1]

    @property
    def height(self) -> int:
        return self._arrays[0].shape[0]

    def max_level(self) -> int:
        """The last level that is still at least 1 pixel in both directions."""
        k, w, h = 0, self.width, self.height
        while w > 1 and h > 1:
            w, h, k = (w + 1) // 2, (h + 1) // 2, k + 1
        return k

    def level_for(self, scale: float) -> int:
        """The level to draw at `scale` (device pixels per image pixel): scale * 2**k in (0.5, 1]."""
        k = 0
        limit = self.max_level()
        while k < limit and scale * (2 ** (k + 1)) <= 1.0 + 1e-9:
            k += 1
        return k

    def draft_level_for(self, scale: float) -> int:
        """The level to composite at while something moves (a drag, a slider's live
        preview): the smallest level whose pixels are shown at most DRAFT_MAGNIFICATION
        device pixels wide (scale * 2**k <= 1.5), as Photoshop and Krita draw a coarser
        picture during interaction; never finer than `level_for(scale)`. At zoom 0.315
        that is level 2 (shown at 1.26x) where the settled picture uses level 1."""
        k = self.level_for(scale)
        limit = self.max_level()
        while k < limit and scale * (2 ** (k + 1)) <= DRAFT_MAGNIFICATION + 1e-9:
            k += 1
        return k

    def image(self, level: int) -> QImage:
        level = max(0, min(level, self.max_level()))
        while len(self._arrays) <= level:
            src = self._arrays[-1]
            dst = prefaulted.zeros(((src.shape[0] + 1) // 2, (src.shape[1] + 1) // 2, 4), np.uint8)
            _reduce(src, dst, Box(0, 0, src.shape[1], src.shape[0]))
            self._arrays.append(dst)
            self._images.append(_wrap(dst))
        return self._images[level]

    def array(self, level: int) -> np.ndarray:
        self.image(level)
        return self._arrays[level]

    def update(self, box: Box) -> None:
        """Level 0 changed inside `box`: redo that box in every level built so far."""
        box = box.clip(self.width, self.height)
        for k in range(1, len(self._arrays)):
            if box.is_empty():
                return
            box = _reduce(self._arrays[k - 1], self._arrays[k], box)
