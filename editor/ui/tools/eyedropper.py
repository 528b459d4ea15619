"""Eyedropper (I): click or drag to pick the foreground colour from what the canvas shows."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor

from .base import Tool


def composite_rgba(canvas, point: QPointF, sync: bool = True) -> Optional[tuple[int, int, int, int]]:
    """The screen composite's straight (r, g, b, a) at image point `point`, None outside
    the canvas. With `sync` False it reads the composite as last drawn, compositing
    nothing (the Info panel, on every mouse move)."""
    x, y = int(point.x()), int(point.y())
    doc = canvas.doc
    if not (0 <= x < doc.width and 0 <= y < doc.height):
        return None
    if sync:
        canvas.sync()
    array = canvas.session.renderer.composite.array
    if y >= array.shape[0] or x >= array.shape[1]:
        return None  # the canvas grew and the composite is not made yet
    b, g, r, a = (int(v) for v in array[y, x])  # premultiplied BGRA
    if a == 0:
        return (0, 0, 0, 0)
    return (min(255, round(r * 255 / a)), min(255, round(g * 255 / a)),
            min(255, round(b * 255 / a)), a)


def sample_color(canvas, point: QPointF) -> Optional[QColor]:
    """The composite's colour at image point `point` (None outside the canvas or where empty)."""
    rgba = composite_rgba(canvas, point)
    if rgba is None or rgba[3] == 0:
        return None
    return QColor(*rgba[:3])


class EyedropperTool(Tool):
    id = "eyedropper"
    label = "Eyedropper Tool"
    letter = "I"
    icon = "tool-eyedropper"
    tip = "Pick the foreground colour from the image"

    def press(self, canvas, ev) -> None:
        self._pick(canvas, ev.image)

    def move(self, canvas, ev) -> None:
        self._pick(canvas, ev.image)

    def _pick(self, canvas, point: QPointF) -> None:
        color = sample_color(canvas, point)
        if color is not None:
            self.window.set_foreground(color)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)
