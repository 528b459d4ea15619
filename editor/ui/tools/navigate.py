"""Hand (H) pans the view; Zoom (Z) zooms in where you click (Alt+click zooms out)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor

from .base import Tool


class HandTool(Tool):
    id = "hand"
    label = "Hand Tool"
    letter = "H"
    icon = "tool-hand"
    tip = "Drag to pan the view (or hold Space with any tool)"
    pans = True

    def double_click(self, canvas, ev) -> bool:
        canvas.fit()
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.OpenHandCursor)


class ZoomTool(Tool):
    id = "zoom"
    label = "Zoom Tool"
    letter = "Z"
    icon = "tool-zoom"
    tip = "Click to zoom in, Alt+click to zoom out"

    def press(self, canvas, ev) -> None:
        if ev.alt:
            canvas.zoom_out(ev.pos)
        else:
            canvas.zoom_in(ev.pos)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)
