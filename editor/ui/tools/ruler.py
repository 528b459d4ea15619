"""Ruler (Shift+I, in the Eyedropper's place): drag to measure, as in Photoshop.

The options bar reads the line: X and Y where it starts, W and H how far it goes along
each axis (image pixels, y down as the rulers count), A its angle (degrees,
anticlockwise from the x axis, Photoshop's sign) and L1 its length. Shift keeps it to
steps of 45 degrees. The line stays (one per document, `DocumentSession.ruler`, not in
the history or the file) until "Clear"; a drag on either end moves that end, a drag on
the line moves it whole.

"Straighten Layer" turns the active layer (or group) about its centre so that the line
becomes horizontal - by the smaller turn, so a line drawn right to left does not turn the
picture upside down - through Free Transform's own commit (`TransformTool.turn`), one
undo step. Unlike Photoshop's button it does not crop the canvas as well: the corners the
turn uncovers stay transparent, and Image > Crop (or the Crop tool) is left to the user,
who may want the whole turned picture."""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from editor.model import DocumentError

from .base import Tool
from .transform import TransformTool

GRAB = 7  # widget pixels: how near a press must be to take an end or the line
READOUTS = ("X", "Y", "W", "H", "A", "L1")


def measure(line: tuple[float, float, float, float]) -> dict[str, float]:
    """What the options bar shows for `line` (x1, y1, x2, y2) in image pixels."""
    x1, y1, x2, y2 = line
    w, h = x2 - x1, y2 - y1
    angle = math.degrees(math.atan2(-h, w)) if (w or h) else 0.0
    return {"X": x1, "Y": y1, "W": w, "H": h, "A": angle + 0.0, "L1": math.hypot(w, h)}


def straightening_turn(line: tuple[float, float, float, float]) -> float:
    """The turn (radians, clockwise on screen as `Pose.angle`) that makes `line` horizontal:
    the smaller one, within a quarter turn either way."""
    x1, y1, x2, y2 = line
    slope = math.atan2(y2 - y1, x2 - x1)  # clockwise on screen
    slope = (slope + math.pi / 2) % math.pi - math.pi / 2  # the same line, in [-90°, 90°)
    return -slope


def _constrained(anchor: QPointF, p: QPointF) -> QPointF:
    """`p` moved onto the nearest of the 45-degree lines through `anchor` (Shift)."""
    dx, dy = p.x() - anchor.x(), p.y() - anchor.y()
    step = math.pi / 4
    angle = round(math.atan2(dy, dx) / step) * step
    length = dx * math.cos(angle) + dy * math.sin(angle)
    return QPointF(anchor.x() + length * math.cos(angle), anchor.y() + length * math.sin(angle))


class RulerTool(Tool):
    id = "ruler"
    label = "Ruler Tool"
    letter = "I"  # the Eyedropper group's: Shift+I takes the next
    icon = "tool-ruler"
    tip = "Drag to measure a distance and an angle; Straighten Layer levels the line"

    def __init__(self, window):
        super().__init__(window)
        # The drag: ("end", 0 | 1) an end, ("line", start point, line at the press) the line.
        self._drag: Optional[tuple] = None
        self._fields: dict[str, QLabel] = {}
        self._buttons: list[QPushButton] = []

    # -- the line ------------------------------------------------------------------------
    @property
    def line(self) -> Optional[tuple[float, float, float, float]]:
        session = self.window.session
        return session.ruler if session is not None else None

    def set_line(self, canvas, line: Optional[tuple[float, float, float, float]]) -> None:
        canvas.session.ruler = line
        canvas.update()
        self.show_readouts()

    def clear(self) -> None:
        canvas = self.window.canvas
        if canvas is not None:
            self.set_line(canvas, None)

    def _hit(self, canvas, pos: QPointF) -> Optional[tuple]:
        line = canvas.session.ruler
        if line is None:
            return None
        a = canvas.image_to_widget(QPointF(line[0], line[1]))
        b = canvas.image_to_widget(QPointF(line[2], line[3]))
        for i, end in ((1, b), (0, a)):  # the end first: a new line's ends meet
            if math.hypot(end.x() - pos.x(), end.y() - pos.y()) <= GRAB:
                return ("end", i)
        dx, dy = b.x() - a.x(), b.y() - a.y()
        t = ((pos.x() - a.x()) * dx + (pos.y() - a.y()) * dy) / max(dx * dx + dy * dy, 1e-9)
        if 0 <= t <= 1 and math.hypot(a.x() + t * dx - pos.x(), a.y() + t * dy - pos.y()) <= 3:
            return ("line",)
        return None

    # -- input ---------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        hit = self._hit(canvas, ev.pos)
        if hit is None:  # a new line, from here
            p = ev.image
            self.set_line(canvas, (p.x(), p.y(), p.x(), p.y()))
            self._drag = ("end", 1)
        elif hit[0] == "line":
            self._drag = ("line", ev.image, canvas.session.ruler)
        else:
            self._drag = hit

    def move(self, canvas, ev) -> None:
        line = canvas.session.ruler
        if self._drag is None or line is None:
            return
        if self._drag[0] == "line":
            _, start, (x1, y1, x2, y2) = self._drag
            dx, dy = ev.image.x() - start.x(), ev.image.y() - start.y()
            self.set_line(canvas, (x1 + dx, y1 + dy, x2 + dx, y2 + dy))
            return
        end = self._drag[1]
        other = QPointF(line[2 - 2 * end], line[3 - 2 * end])
        p = _constrained(other, ev.image) if ev.shift else ev.image
        if end == 0:
            self.set_line(canvas, (p.x(), p.y(), line[2], line[3]))
        else:
            self.set_line(canvas, (line[0], line[1], p.x(), p.y()))

    def release(self, canvas, ev) -> None:
        self.move(canvas, ev)
        self._drag = None
        line = canvas.session.ruler
        if line is not None and line[:2] == line[2:]:
            self.set_line(canvas, None)  # a click without a drag measures nothing

    def cursor_at(self, canvas, ev) -> QCursor:
        if self._hit(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    def activate(self, canvas) -> None:
        self.show_readouts()  # the line of the document now in front
        if canvas is not None:
            canvas.update()

    def deactivate(self, canvas) -> None:
        self._drag = None
        if canvas is not None:
            canvas.update()  # the line shows with the Ruler only, as in Photoshop

    # -- Straighten Layer ----------------------------------------------------------------
    def straighten(self) -> None:
        """Turns the active layer so that the line becomes horizontal, one undo step; the
        line is cleared (it no longer lies on what it measured)."""
        w = self.window
        canvas, line = w.canvas, self.line
        if canvas is None:
            return
        if line is None or line[:2] == line[2:]:
            w.status("Drag a line with the Ruler along what should be level first.")
            return
        turn = straightening_turn(line)
        if abs(turn) < 1e-9:
            w.status("The line is level already.")
            return
        try:
            TransformTool.turn(w, canvas.doc, canvas.doc.active, turn, "Straighten Layer")
        except DocumentError as exc:
            w.report(exc, "Could not straighten the layer")
            return
        self.set_line(canvas, None)

    # -- drawing ---------------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        line = canvas.session.ruler
        if line is None:
            return
        a = canvas.image_to_widget(QPointF(line[0], line[1]))
        b = canvas.image_to_widget(QPointF(line[2], line[3]))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for color, width in ((QColor("#ffffff"), 3.0), (QColor("#000000"), 1.0)):
            painter.setPen(QPen(color, width))
            painter.drawLine(a, b)
            for p in (a, b):  # a small cross at each end (what a drag takes)
                painter.drawLine(QPointF(p.x() - 4, p.y() - 4), QPointF(p.x() + 4, p.y() + 4))
                painter.drawLine(QPointF(p.x() - 4, p.y() + 4), QPointF(p.x() + 4, p.y() - 4))
        painter.restore()

    # -- options bar ---------------------------------------------------------------------
    def readout(self, key: str) -> str:
        """What the options bar shows for `key` (one of READOUTS)."""
        self.options()
        return self._fields[key].text()

    def show_readouts(self) -> None:
        if not self._fields:
            return
        line = self.line
        values = measure(line) if line is not None else None
        for key, label in self._fields.items():
            if values is None:
                label.setText("")
            else:
                label.setText(f"{values[key]:.1f}°" if key == "A" else f"{values[key]:.1f}")
        for button in self._buttons:
            button.setEnabled(line is not None)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        for key in READOUTS:
            name = QLabel(f"{key}:")
            name.setObjectName("Dim")
            row.addWidget(name)
            value = QLabel()
            value.setObjectName(f"Ruler_{key}")
            value.setMinimumWidth(52)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            row.addWidget(value)
            self._fields[key] = value
        row.addSpacing(8)
        for text, name, tip, slot in (
                ("Straighten Layer", "RulerStraighten",
                 "Turn the active layer so that the measured line is level (one undo step)",
                 self.straighten),
                ("Clear", "RulerClear", "Remove the measuring line", self.clear)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            row.addWidget(button)
            self._buttons.append(button)
        row.addStretch(1)
        self.show_readouts()
        return w
