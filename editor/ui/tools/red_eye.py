"""Red Eye tool (J; Shift+J after the Content-Aware Move tool): drag a box round an eye, or
click on it; the red pupils inside are darkened to neutral (`editor.model.red_eye`), within
the selection, in one undo step. Options: Pupil Size and Darken Amount (Photoshop's 50 %
and 50 %). A click looks in a box `CLICK_BOX` screen pixels wide round the pointer.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from editor.model import red_eye
from engine.box import Box

from ..canvas import paint_ants_path
from .base import Tool
from .brush import slider_pair

CLICK_BOX = 60   # screen pixels: the box a click (not a drag) looks in
DRAG_MIN = 4     # screen pixels: a shorter drag is a click


class RedEyeTool(Tool):
    id = "red_eye"
    label = "Red Eye Tool"
    letter = "J"
    icon = "tool-red-eye"
    tip = "Drag a box round an eye (or click on it): its red pupil is darkened to neutral"

    def __init__(self, window):
        super().__init__(window)
        self._from: Optional[QPointF] = None   # image point where the drag began
        self._to: Optional[QPointF] = None

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.pupil_size = settings.value("tools/red_eye/pupil_size", 0.5, float)
        self.darken = settings.value("tools/red_eye/darken", 0.5, float)
        self._spins: dict[str, QSpinBox] = {}

    def set_pupil_size(self, value: float) -> None:
        self._set("pupil_size", value)

    def set_darken(self, value: float) -> None:
        self._set("darken", value)

    def _set(self, name: str, value: float) -> None:
        value = float(max(0.01, min(1.0, value)))
        setattr(self, name, value)
        self.window.settings.set_value(f"tools/red_eye/{name}", value)
        spin = self._spins.get(name)
        if spin is not None and spin.value() != round(value * 100):
            spin.setValue(round(value * 100))

    def deactivate(self, canvas) -> None:
        self._from = self._to = None

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._from = self._to = ev.image

    def move(self, canvas, ev) -> None:
        if self._from is not None:
            self._to = ev.image
            canvas.update()

    def release(self, canvas, ev) -> None:
        if self._from is None:
            return
        start, self._from, self._to = self._from, None, None
        canvas.update()
        box = self._box(canvas, start, ev.image)
        try:
            changed = red_eye.red_eye(canvas.doc, box, self.pupil_size, self.darken)
        except Exception as exc:
            self.window.report(exc, "Could not remove red eye")
            return
        if not changed:
            self.window.status("No red pupil there: drag a box round a red eye.")

    def _box(self, canvas, a: QPointF, b: QPointF) -> Box:
        """The canvas box dragged from a to b; round a for a click."""
        s = canvas.scale
        if max(abs(b.x() - a.x()), abs(b.y() - a.y())) * s < DRAG_MIN:
            r = CLICK_BOX / 2 / s
            return Box.from_corners(int(a.x() - r), int(a.y() - r), int(a.x() + r) + 1,
                                    int(a.y() + r) + 1)
        return Box.from_corners(int(min(a.x(), b.x())), int(min(a.y(), b.y())),
                                int(max(a.x(), b.x())) + 1, int(max(a.y(), b.y())) + 1)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._from is None or self._to is None:
            return
        path = QPainterPath()
        path.addRect(QRectF(self._from, self._to).normalized())
        paint_ants_path(painter, canvas.image_transform().map(path))

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        for name, label, setter in (("pupil_size", "Pupil Size", self.set_pupil_size),
                                    ("darken", "Darken Amount", self.set_darken)):
            spin = slider_pair(row, label, 1, 100, round(getattr(self, name) * 100), "%",
                               lambda v, f=setter: f(v / 100.0))
            spin.setObjectName(f"red_eye_{name}")
            self._spins[name] = spin
        hint = QLabel("Drag a box round an eye, or click on it")
        hint.setObjectName("Dim")
        row.addWidget(hint)
        row.addStretch(1)
        return w
