"""Conversions between numpy RGBA arrays and QImages."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def rgba_to_qimage(pixels: np.ndarray) -> QImage:
    """A QImage (RGBA8888, straight alpha) that owns a copy of `pixels` (H, W, 4) uint8."""
    h, w = pixels.shape[:2]
    if h == 0 or w == 0:
        return QImage()
    pixels = np.ascontiguousarray(pixels)
    return QImage(pixels.data, w, h, pixels.strides[0], QImage.Format.Format_RGBA8888).copy()


def qimage_to_rgba(image: QImage) -> np.ndarray:
    """Straight RGBA uint8 (H, W, 4) copy of any QImage."""
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    if h == 0 or w == 0:
        return np.zeros((0, 0, 4), np.uint8)
    data = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
    return data.reshape(h, image.bytesPerLine())[:, :w * 4].reshape(h, w, 4).copy()


def premultiplied(pixels: np.ndarray) -> QImage:
    """`pixels` (straight RGBA) as an ARGB32-premultiplied QImage that owns its data."""
    return rgba_to_qimage(pixels).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
