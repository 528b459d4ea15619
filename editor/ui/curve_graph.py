"""The Curves graph of the Properties panel, as Photoshop draws and edits it.

A square of input (across) by output (up), 0..255, with a quarter grid, the
identity diagonal, the histogram of what lies below the adjustment behind
them and the curve through its points (`adjustments.curve`, the spline the
renderer applies). A click adds a point where it lands and keeps dragging
it; a point is dragged between its neighbours; dragged off the graph it goes
(back on the graph it returns), Delete removes the selected one; a curve keeps
two points at least. The widget edits nothing itself: it reports the points
as they change (`points_changed`) between `drag_started` and `drag_ended`, so
its owner makes the whole drag one undo step.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from editor.model import adjustments as adj

MARGIN = 6          # px around the square (room for the points at its edges)
HIT = 7             # px: a press this close to a point takes it
OFF_GRAPH = 16      # px outside the square: a dragged point is removed
CURVE_COLOURS = ("#e8e8e8", "#ff5a5a", "#52d66a", "#5a9bff")  # RGB, red, green, blue


class CurveGraph(QWidget):
    drag_started = Signal()
    points_changed = Signal(object)   # the new points (tuple of (input, output))
    drag_ended = Signal()

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.points: tuple = adj.CURVE_IDENTITY
        self.channel = 0
        self.histogram: Optional[np.ndarray] = None  # (256,) counts for the channel shown
        self.selected: Optional[int] = None
        self._drag: Optional[dict] = None
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setMouseTracking(False)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumSize(160, 160)
        self.setToolTip("Click to add a point, drag to move it, drag it off the graph "
                        "or press Delete to remove it")

    # -- what it shows ---------------------------------------------------------------------
    def set_curve(self, points: tuple, channel: int, histogram: Optional[np.ndarray]) -> None:
        """Shows `points` of `channel` (0 RGB, 1-3 red, green, blue). Ignored during a
        drag: the graph holds the points being dragged."""
        if self._drag is not None:
            return
        if channel != self.channel or len(points) != len(self.points):
            self.selected = None
        self.points, self.channel, self.histogram = tuple(points), channel, histogram
        self.update()

    def set_histogram(self, histogram: Optional[np.ndarray]) -> None:
        """The counts of what lies below, made again as it changed (during a drag too)."""
        self.histogram = histogram
        self.update()

    def dragging(self) -> bool:
        return self._drag is not None

    def sizeHint(self) -> QSize:
        return QSize(256, 256)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    # -- geometry --------------------------------------------------------------------------
    def square(self) -> QRectF:
        side = max(1.0, min(self.width(), self.height()) - 2.0 * MARGIN)
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_widget(self, x: float, y: float) -> QPointF:
        r = self.square()
        return QPointF(r.left() + x / 255.0 * r.width(), r.bottom() - y / 255.0 * r.height())

    def to_value(self, pos: QPointF) -> tuple[int, int]:
        r = self.square()
        return (round((pos.x() - r.left()) / r.width() * 255),
                round((r.bottom() - pos.y()) / r.height() * 255))

    def _hit(self, pos: QPointF) -> Optional[int]:
        best, index = HIT * HIT + 1.0, None
        for i, (x, y) in enumerate(self.points):
            p = self.to_widget(x, y)
            d = (p.x() - pos.x()) ** 2 + (p.y() - pos.y()) ** 2
            if d < best:
                best, index = d, i
        return index

    def _off_graph(self, pos: QPointF) -> bool:
        return not self.square().adjusted(-OFF_GRAPH, -OFF_GRAPH, OFF_GRAPH,
                                          OFF_GRAPH).contains(pos)

    # -- editing ---------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is not None:
            return
        pos = event.position()
        index = self._hit(pos)
        points = self.points
        if index is None:
            if not self.square().contains(pos):
                return
            x, y = self.to_value(pos)
            try:
                points, index = adj.point_added(points, x, y)
            except ValueError:
                return  # 19 points already, as Photoshop refuses a 20th
        self._drag = {"index": index, "rest": points[:index] + points[index + 1:]}
        self.selected = index
        self.drag_started.emit()
        self._show(points)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        pos = event.position()
        rest, index = self._drag["rest"], self._drag["index"]
        if self._off_graph(pos) and len(rest) >= 2:
            self.selected = None
            self._show(rest)  # removed while it is off the graph
            return
        x, y = self.to_value(pos)
        self.selected = index
        self._show(adj.point_placed(rest[:index] + ((x, y),) + rest[index:], index, x, y))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            return
        self._drag = None
        self.drag_ended.emit()
        self.update()

    def _deletes(self, event) -> bool:
        return (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._drag is None
                and self.selected is not None and len(self.points) > 2)

    def event(self, event) -> bool:
        # Delete is also Edit > Clear's shortcut: with a point selected, the graph takes it.
        if event.type() == QEvent.Type.ShortcutOverride and self._deletes(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if self._deletes(event):
            points = adj.point_removed(self.points, self.selected)
            self.selected = None
            self._show(points)
            return
        super().keyPressEvent(event)

    def _show(self, points: tuple) -> None:
        if points != self.points:
            self.points = points
            self.points_changed.emit(points)
        self.update()

    # -- drawing ---------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.square()
        painter.fillRect(r, QColor("#1b1b1b"))
        if self.histogram is not None and self.histogram.max() > 0:
            # Scaled to a high percentile, not the peak: one spike (a flat background)
            # would flatten the rest, Photoshop clips its peaks alike.
            top = max(1.0, float(np.percentile(self.histogram[self.histogram > 0], 98)))
            heights = np.minimum(self.histogram / top, 1.0)
            shape = QPolygonF([QPointF(r.left(), r.bottom())] + [
                QPointF(r.left() + (i + 0.5) / 256 * r.width(), r.bottom() - h * r.height() * 0.9)
                for i, h in enumerate(heights)] + [QPointF(r.right(), r.bottom())])
            colour = QColor(CURVE_COLOURS[self.channel])
            colour.setAlpha(60)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawPolygon(shape)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("#3a3a3a"), 1))
        for k in range(1, 4):
            painter.drawLine(QPointF(r.left() + k * r.width() / 4, r.top()),
                             QPointF(r.left() + k * r.width() / 4, r.bottom()))
            painter.drawLine(QPointF(r.left(), r.top() + k * r.height() / 4),
                             QPointF(r.right(), r.top() + k * r.height() / 4))
        painter.setPen(QPen(QColor("#555555"), 1))
        painter.drawRect(r)
        painter.drawLine(r.bottomLeft(), r.topRight())
        t = np.linspace(0.0, 1.0, max(2, int(r.width())))
        values = np.clip(adj.curve(t, self.points), 0.0, 1.0)
        path = QPainterPath()
        for i, (u, v) in enumerate(zip(t, values)):
            p = QPointF(r.left() + u * r.width(), r.bottom() - v * r.height())
            path.moveTo(p) if i == 0 else path.lineTo(p)
        painter.setPen(QPen(QColor(CURVE_COLOURS[self.channel]), 1.6))
        painter.drawPath(path)
        for i, (x, y) in enumerate(self.points):
            p = self.to_widget(x, y)
            box = QRectF(p.x() - 3.5, p.y() - 3.5, 7, 7)
            painter.setPen(QPen(QColor("#f0f0f0"), 1.2))
            painter.setBrush(QColor("#f0f0f0") if i == self.selected else QColor("#1b1b1b"))
            painter.drawRect(box)
        painter.end()
