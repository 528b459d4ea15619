"""Hue/Saturation's colour bars in Properties, as Photoshop draws and drags them.

Two bars of hues a turn wide: the upper one the hues that go in, the lower one
the same hues as the current settings leave them (the renderer's formula,
`HueSaturation.apply`, on the upper bar's colours). Between them, for one of
the six ranges (Reds ... Magentas), its slider: triangles at the falloff's two
corners, white bars at the range's two, light grey over the falloffs and darker
over the range. Dragged, a triangle or a bar moves its corner; the grey between
a triangle and a bar moves both (the range changes, the falloff keeps its
width); the middle moves the whole range. Corners stay in order round the
circle (`adjustments.corners_turned`). The bars are centred on the range's
default hue (Reds in the middle, which Photoshop's bars also show there) and
wrap: a range turned past an end shows at the other. For Master and Colorize
only the bars show (no slider, nothing to drag). Like the Curves graph, the
widget edits nothing itself: it reports the corners (`corners_changed`)
between `drag_started` and `drag_ended`, so its owner makes a drag one step.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from editor.model import adjustments as adj

from .qimage import rgba_to_qimage

MARGIN = 7            # px each side (room for the handles at the ends)
BAR_H = 12            # px: each colour bar
STRIP_H = 14          # px: the slider between them
TOP = 2
HIT = 5               # px: a press this close to a corner takes it
FALLOFF_GREY, RANGE_GREY = QColor("#b9b9b9"), QColor("#6f6f6f")


def hue_rgb(degrees: np.ndarray) -> np.ndarray:
    """(..., 3) float RGB of fully saturated hues at half lightness."""
    t = (np.asarray(degrees, np.float64) % 360.0) / 60.0
    return np.clip(np.stack([np.abs(t - 3) - 1, 2 - np.abs(t - 2), 2 - np.abs(t - 4)], -1),
                   0.0, 1.0)


def view_centre(index: Optional[int]) -> float:
    """The hue in the middle of the bars: range `index`'s default middle (Master: 180,
    red at both ends)."""
    if index is None:
        return 180.0
    _, start, end, _ = adj.HUE_RANGES[index]
    return (start + ((end - start) % 360) / 2) % 360


class HueBars(QWidget):
    drag_started = Signal()
    corners_changed = Signal(object)  # the range's new corners (four degrees)
    drag_ended = Signal()

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.settings = adj.HueSaturation()
        self.index: Optional[int] = None       # the range shown (None: Master, Colorize)
        self.corners: Optional[tuple] = None
        self._drag: Optional[dict] = None
        self._bars: Optional[tuple] = None     # (key, upper QImage, lower QImage)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    # -- what it shows ---------------------------------------------------------------------
    def set_value(self, settings: adj.HueSaturation, index: Optional[int]) -> None:
        """Shows `settings` with range `index` (0 Reds .. 5 Magentas) on the slider, or
        none (None). During a drag the slider keeps the corners being dragged."""
        self.settings = settings
        if self._drag is None:
            self.index = index
            self.corners = tuple(settings.ranges[index][0]) if index is not None else None
        self.setCursor(Qt.CursorShape.SizeHorCursor if self.index is not None
                       else Qt.CursorShape.ArrowCursor)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(256, 2 * TOP + 2 * BAR_H + STRIP_H)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.sizeHint().height())

    # -- geometry --------------------------------------------------------------------------
    def bar_rect(self, lower: bool) -> QRectF:
        y = TOP + (BAR_H + STRIP_H if lower else 0)
        return QRectF(MARGIN, y, max(1.0, self.width() - 2.0 * MARGIN), BAR_H)

    def strip_rect(self) -> QRectF:
        return QRectF(MARGIN, TOP + BAR_H, max(1.0, self.width() - 2.0 * MARGIN), STRIP_H)

    def start(self) -> float:
        return view_centre(self.index) - 180.0

    def x_of(self, degrees: float) -> float:
        """The widget x of a hue on the bars."""
        r = self.strip_rect()
        return r.left() + ((degrees - self.start()) % 360.0) / 360.0 * r.width()

    def handle_pos(self, corner: int) -> QPoint:
        """The middle of corner `corner`'s handle (0..3, for tests and the hit test)."""
        return QPointF(self.x_of(self.corners[corner]), self.strip_rect().center().y()).toPoint()

    def _positions(self, corners: tuple) -> list[float]:
        """The corners as degrees from the bars' left end, unwrapped from the first (the
        last may lie beyond the right end: drawn again a turn to the left)."""
        first = (corners[0] - self.start()) % 360.0
        return [first + (c - corners[0]) % 360.0 for c in corners]

    def _px(self, position: float) -> float:
        r = self.strip_rect()
        return r.left() + position / 360.0 * r.width()

    def _part_at(self, x: float) -> Optional[tuple[int, int]]:
        """Which corners a press at `x` takes: (first, last), or None."""
        if self.corners is None:
            return None
        positions = self._positions(self.corners)
        near = [(abs(self._px(p + shift) - x), i, self._px(p + shift))
                for shift in (0.0, -360.0) for i, p in enumerate(positions)]
        near = [hit for hit in near if hit[0] <= HIT]
        if near:
            best = min(d for d, _, _ in near)
            ties = [(i, at) for d, i, at in near if d <= best + 0.5]
            # Corners on top of each other: the one on the side pressed (the range's start
            # left of its end), so that it can move away from the other.
            i = (min(ties) if x < ties[0][1] else max(ties))[0]
            return i, i
        for shift in (0.0, -360.0):
            p0, p1, p2, p3 = (self._px(p + shift) for p in positions)
            if p1 <= x <= p2:
                return 0, 3
            if p0 <= x < p1:
                return 0, 1
            if p2 < x <= p3:
                return 2, 3
        return None

    # -- dragging --------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is not None:
            return
        part = self._part_at(event.position().x())
        if part is None:
            return
        self._drag = {"part": part, "x": event.position().x(), "corners": self.corners}
        self.drag_started.emit()

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        first, last = self._drag["part"]
        delta = (event.position().x() - self._drag["x"]) / self.strip_rect().width() * 360.0
        corners = adj.corners_turned(self._drag["corners"], first, last, delta)
        if corners != self.corners:
            self.corners = corners
            self.corners_changed.emit(corners)
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            return
        self._drag = None
        self.drag_ended.emit()
        self.update()

    def dragging(self) -> bool:
        return self._drag is not None

    # -- drawing ---------------------------------------------------------------------------
    def _images(self, width: int) -> tuple:
        key = (width, self.start(), self.settings)
        if self._bars is None or self._bars[0] != key:
            degrees = self.start() + (np.arange(width) + 0.5) / width * 360.0
            upper = hue_rgb(degrees)
            lower = np.clip(self.settings.apply(upper), 0.0, 1.0)

            def image(rgb):
                rgba = np.dstack([np.rint(rgb * 255).astype(np.uint8)[None],
                                  np.full((1, width), 255, np.uint8)])
                return rgba_to_qimage(rgba)

            self._bars = (key, image(upper), image(lower))
        return self._bars[1], self._bars[2]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        ratio = self.devicePixelRatioF()
        upper, lower = self._images(max(1, round(self.strip_rect().width() * ratio)))
        painter.drawImage(self.bar_rect(False), upper)
        painter.drawImage(self.bar_rect(True), lower)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#555555"), 1))
        for lower_bar in (False, True):
            painter.drawRect(self.bar_rect(lower_bar).adjusted(-0.5, -0.5, 0.5, 0.5))
        if self.corners is not None:
            self._draw_slider(painter)
        painter.end()

    def _draw_slider(self, painter: QPainter) -> None:
        strip = self.strip_rect()
        painter.save()
        painter.setClipRect(strip.adjusted(-MARGIN, 0, MARGIN, 0))
        positions = self._positions(self.corners)
        band_top, band_h = strip.top() + 4, strip.height() - 8
        for shift in (0.0, -360.0):
            x0, x1, x2, x3 = (self._px(p + shift) for p in positions)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.fillRect(QRectF(x0, band_top, x1 - x0, band_h), FALLOFF_GREY)
            painter.fillRect(QRectF(x2, band_top, x3 - x2, band_h), FALLOFF_GREY)
            painter.fillRect(QRectF(x1, band_top, x2 - x1, band_h), RANGE_GREY)
            painter.setPen(QPen(QColor("#202020"), 1))
            painter.setBrush(QColor("#f4f4f4"))
            for x in (x1, x2):  # the range's corners: white bars
                painter.drawRect(QRectF(x - 1.5, strip.top() + 1, 3, strip.height() - 2))
            for x in (x0, x3):  # the falloff's corners: triangles pointing up
                painter.drawPolygon(QPolygonF([QPointF(x, strip.top() + 2),
                                               QPointF(x - 5, strip.bottom() - 1),
                                               QPointF(x + 5, strip.bottom() - 1)]))
        painter.restore()
