"""Color Sampler (Shift+I, in the Eyedropper's place): up to ten fixed points whose
composite colour the Info panel shows as #1..#10 while the image changes, as in Photoshop.

A click puts a sampler on the pixel clicked, a drag on one moves it, Alt+click on one
removes it (the later ones are numbered one less), "Clear All" removes them all. Its Sample
Size is the Eyedropper's (`EyedropperTool.size_combo`). The samplers are the session's
(`samplers.ColorSamplers`); the canvas draws them as numbered targets whichever tool is in
use (`paint_samplers`), as Photoshop does with its extras shown."""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ..samplers import MAX_SAMPLERS
from .base import Tool

GRAB = 8  # widget pixels: how near a press must be to take a sampler


def sampler_at(canvas, pos: QPointF) -> Optional[int]:
    """The index of the sampler drawn nearest widget position `pos` (within GRAB), or None."""
    best, found = GRAB + 1e-9, None
    for i, (x, y) in enumerate(canvas.session.samplers.points):
        at = canvas.image_to_widget(QPointF(x + 0.5, y + 0.5))
        d = math.hypot(at.x() - pos.x(), at.y() - pos.y())
        if d <= best:
            best, found = d, i
    return found


def paint_samplers(canvas, painter: QPainter) -> None:
    """Each sampler as a target (a ring and a cross, black over white) numbered beside it."""
    points = canvas.session.samplers.points
    if not points:
        return
    turn = painter.transform()  # view -> widget: Rotate View's turn, if any
    painter.save()
    painter.resetTransform()  # the targets and their numbers stay upright on screen
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(painter.font())
    font.setPixelSize(11)
    font.setBold(True)
    painter.setFont(font)
    for number, (x, y) in enumerate(points, 1):
        c = turn.map(canvas.image_to_widget(QPointF(x + 0.5, y + 0.5)))
        for color, width in ((QColor("#ffffff"), 3.0), (QColor("#000000"), 1.0)):
            painter.setPen(QPen(color, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(c, 4.5, 4.5)
            painter.drawLine(QPointF(c.x() - 9, c.y()), QPointF(c.x() - 2, c.y()))
            painter.drawLine(QPointF(c.x() + 2, c.y()), QPointF(c.x() + 9, c.y()))
            painter.drawLine(QPointF(c.x(), c.y() - 9), QPointF(c.x(), c.y() - 2))
            painter.drawLine(QPointF(c.x(), c.y() + 2), QPointF(c.x(), c.y() + 9))
        label = QRectF(c.x() + 6, c.y() + 4, 22, 14)
        painter.setPen(QColor("#ffffff"))
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):  # a white halo round the number
            painter.drawText(label.translated(dx, dy), Qt.AlignmentFlag.AlignLeft, str(number))
        painter.setPen(QColor("#000000"))
        painter.drawText(label, Qt.AlignmentFlag.AlignLeft, str(number))
    painter.restore()


class ColorSamplerTool(Tool):
    id = "color_sampler"
    label = "Color Sampler Tool"
    letter = "I"  # the Eyedropper group's: Shift+I takes the next
    icon = "tool-color-sampler"
    tip = "Click to put up to ten colour samplers (read in the Info panel); drag one to move " \
          "it, Alt+click to remove it"

    def __init__(self, window):
        super().__init__(window)
        self._dragged: Optional[int] = None

    def press(self, canvas, ev) -> None:
        samplers = canvas.session.samplers
        hit = sampler_at(canvas, ev.pos)
        if ev.alt:
            if hit is not None:
                samplers.remove(hit)
            return
        if hit is None:
            x, y = math.floor(ev.image.x()), math.floor(ev.image.y())
            if not (0 <= x < canvas.doc.width and 0 <= y < canvas.doc.height):
                return
            hit = samplers.add(x, y)
            if hit is None:
                self.window.status(f"There can be {MAX_SAMPLERS} colour samplers at most: "
                                   "Alt+click one to remove it, or drag one to move it.")
                return
        self._dragged = hit

    def move(self, canvas, ev) -> None:
        if self._dragged is None:
            return
        doc = canvas.doc  # kept on the canvas, as Photoshop keeps it inside the image
        x = min(max(math.floor(ev.image.x()), 0), doc.width - 1)
        y = min(max(math.floor(ev.image.y()), 0), doc.height - 1)
        canvas.session.samplers.move(self._dragged, x, y)

    def release(self, canvas, ev) -> None:
        self._dragged = None

    def cursor_at(self, canvas, ev) -> QCursor:
        if sampler_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    def clear_all(self) -> None:
        session = self.window.session
        if session is not None:
            session.samplers.clear()

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self.window.tools.tools["eyedropper"].size_combo(row, "SamplerSampleSize")
        clear = QPushButton("Clear All")
        clear.setObjectName("SamplerClearAll")
        clear.setToolTip("Remove every colour sampler of this document")
        clear.clicked.connect(self.clear_all)
        row.addWidget(clear)
        row.addStretch(1)
        return w
