"""Hand (H) pans the view; Rotate View (Shift+H) turns it; Zoom (Z) zooms in where you
click (Alt+click zooms out)."""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QWidget

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


class RotateViewTool(Tool):
    """Rotate View (Shift+H, in the Hand's place: R is the Blur group's key here): a drag
    turns the view about its centre, as the pointer goes round it (Shift: 15 degree steps);
    the options bar has the Rotation Angle and Reset View, and Esc resets it too. Only the
    view turns (`CanvasView.set_rotation`): the pixels, the document and the history are
    untouched, and the other tools keep working on the turned view."""

    id = "rotate_view"
    label = "Rotate View Tool"
    letter = "H"  # the Hand's group: Shift+H takes it
    icon = "tool-rotate-view"
    tip = "Drag to turn the view (not the image); Esc or Reset View puts it back"

    def __init__(self, window):
        super().__init__(window)
        self._from: Optional[tuple[float, float]] = None  # (pointer angle, rotation) at the press
        self._angle: Optional[QDoubleSpinBox] = None

    @staticmethod
    def _pointer_angle(canvas, ev) -> float:
        """The pointer's angle round the widget's centre, in degrees clockwise on screen."""
        p = canvas.view_to_screen(ev.pos)
        return math.degrees(math.atan2(p.y() - canvas.height() / 2, p.x() - canvas.width() / 2))

    def press(self, canvas, ev) -> None:
        self._from = (self._pointer_angle(canvas, ev), canvas.rotation)

    def move(self, canvas, ev) -> None:
        if self._from is None:
            return
        start, rotation = self._from
        angle = rotation + self._pointer_angle(canvas, ev) - start
        if ev.shift:
            angle = round(angle / 15.0) * 15.0
        self.set_angle(canvas, angle)

    def release(self, canvas, ev) -> None:
        self.move(canvas, ev)
        self._from = None

    def key_press(self, canvas, e) -> bool:
        if e.key() == Qt.Key.Key_Escape and canvas.rotation:
            self.set_angle(canvas, 0.0)
            return True
        return False

    def set_angle(self, canvas, degrees: float) -> None:
        if canvas is None:
            return
        canvas.set_rotation(degrees)
        self._show(canvas)

    def activate(self, canvas) -> None:
        self._show(canvas)

    def _show(self, canvas) -> None:
        if self._angle is not None:
            self._angle.blockSignals(True)
            self._angle.setValue(canvas.rotation if canvas is not None else 0.0)
            self._angle.blockSignals(False)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.SizeAllCursor)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Rotation Angle:")
        label.setObjectName("Dim")
        row.addWidget(label)
        spin = QDoubleSpinBox()
        spin.setObjectName("RotateViewAngle")
        spin.setRange(-180.0, 180.0)
        spin.setDecimals(1)
        spin.setSuffix("°")
        spin.setWrapping(True)
        spin.setKeyboardTracking(False)  # applied on Enter or when the field is left
        spin.valueChanged.connect(lambda v: self.set_angle(self.window.canvas, v))
        row.addWidget(spin)
        self._angle = spin
        reset = QPushButton("Reset View")
        reset.setObjectName("RotateViewReset")
        reset.setToolTip("Put the view upright again (Esc)")
        reset.clicked.connect(lambda: self.set_angle(self.window.canvas, 0.0))
        row.addWidget(reset)
        row.addStretch(1)
        self._show(self.window.canvas)
        return w
