"""The editor's line icons (SVG files in resources/icons), as QIcons or tinted pixmaps."""
from __future__ import annotations

import functools
import os

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap

import resources

ICON_DIR = os.path.join(os.path.dirname(os.path.abspath(resources.__file__)), "icons")
_STROKE = "#d6d9de"  # the colour the SVG files are drawn in


def icon_path(name: str) -> str:
    return os.path.join(ICON_DIR, f"{name}.svg")


@functools.lru_cache(maxsize=None)
def _svg_text(name: str) -> str:
    with open(icon_path(name), encoding="utf-8") as f:
        return f.read()


@functools.lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    """A scalable icon, drawn by Qt's SVG icon engine when first shown (Qt derives the
    disabled look itself)."""
    return QIcon(icon_path(name))


@functools.lru_cache(maxsize=512)
def pixmap(name: str, size: int, color: str = _STROKE, dpr: float = 1.0) -> QPixmap:
    """The icon drawn at `size` logical pixels in `color`, sharp at device pixel ratio `dpr`."""
    from PySide6.QtSvg import QSvgRenderer

    text = _svg_text(name).replace(_STROKE, QColor(color).name())
    renderer = QSvgRenderer(QByteArray(text.encode("utf-8")))
    side = max(1, round(size * dpr))
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(dpr)
    return result
