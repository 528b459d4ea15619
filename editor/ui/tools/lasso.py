"""Lasso and Polygonal Lasso (L; Shift+L or the options bar switches): a freehand outline
drawn with the button held, or a polygon clicked point by point (double-click, Enter or a
click on the first point closes it; Esc drops it; Backspace takes the last point back).
Shift at the start adds to the selection, Alt subtracts, Shift+Alt intersects."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from editor.model import selection_ops

from ..canvas import paint_ants_path
from .base import SELECTION_CONTEXT, Tool
from .marquee import selection_op

CLOSE_DISTANCE = 8  # px on screen: a click this near the first point closes the polygon


class LassoTool(Tool):
    id = "lasso"
    label = "Lasso Tool"
    letter = "L"
    icon = "tool-lasso"
    tip = "Draw round what to select (Polygonal: click the corners); Shift adds, Alt subtracts"
    SHAPES = ("freehand", "polygon")
    context_actions = SELECTION_CONTEXT

    def __init__(self, window):
        super().__init__(window)
        self.shape = window.settings.value("tools/lasso/shape", "freehand")
        if self.shape not in self.SHAPES:
            self.shape = "freehand"
        self.points: list[QPointF] = []  # image coordinates
        self._hover: Optional[QPointF] = None
        self._op = "replace"
        self._buttons: Optional[QButtonGroup] = None

    def set_shape(self, shape: str) -> None:
        self.points = []
        self.shape = shape
        self.window.settings.set_value("tools/lasso/shape", shape)
        if self._buttons is not None:
            self._buttons.button(self.SHAPES.index(shape)).setChecked(True)

    def cycle(self) -> None:
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    def deactivate(self, canvas) -> None:
        self.points = []

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if not self.points:
            self._op = selection_op(ev.modifiers)
        if self.shape == "freehand":
            self.points = [ev.image]
        elif self.points and self._near_first(canvas, ev.pos):
            self.finish(canvas)
        else:
            self.points.append(ev.image)
        canvas.update()

    def move(self, canvas, ev) -> None:
        if self.shape == "freehand" and self.points:
            last = canvas.image_to_widget(self.points[-1])
            if (ev.pos - last).manhattanLength() >= 2:  # a point every couple of screen px
                self.points.append(ev.image)
                canvas.update()

    def hover(self, canvas, ev) -> None:
        if self.shape == "polygon" and self.points:
            self._hover = ev.image
            canvas.update()

    def release(self, canvas, ev) -> None:
        if self.shape == "freehand":
            self.finish(canvas)

    def double_click(self, canvas, ev) -> bool:
        if self.shape == "polygon" and self.points:
            self.finish(canvas)
            return True
        return False

    def key_press(self, canvas, e) -> bool:
        if not self.points:
            return False
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish(canvas)
        elif e.key() == Qt.Key.Key_Escape:
            self.points = []
        elif e.key() == Qt.Key.Key_Backspace:
            self.points.pop()
        else:
            return False
        canvas.update()
        return True

    def claims_key(self, canvas, e) -> bool:
        return bool(self.points) and e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter,
                                                 Qt.Key.Key_Escape, Qt.Key.Key_Backspace)

    def _near_first(self, canvas, pos: QPointF) -> bool:
        first = canvas.image_to_widget(self.points[0])
        return len(self.points) >= 3 and (pos - first).manhattanLength() <= CLOSE_DISTANCE

    def finish(self, canvas) -> None:
        points, self.points, self._hover = self.points, [], None
        doc = canvas.doc
        try:
            if len(points) < 3:
                if self._op == "replace" and (doc.selection is not None
                                              or doc.selection_mask is not None):
                    doc.set_selection(None)  # a click deselects
            else:
                mask = selection_ops.polygon_mask(doc, [(p.x(), p.y()) for p in points])
                name = "Polygonal Lasso" if self.shape == "polygon" else "Lasso"
                selection_ops.select_mask(doc, mask, self._op, name)
        except Exception as exc:
            self.window.report(exc, "Could not change the selection")
        canvas.update()

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if not self.points:
            return

        points = [canvas.image_to_widget(p) for p in self.points]
        if self.shape == "polygon" and self._hover is not None:
            points.append(canvas.image_to_widget(self._hover))
        path = QPainterPath()
        path.addPolygon(QPolygonF(points))
        paint_ants_path(painter, path)

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._buttons = QButtonGroup(w)
        for i, (shape, text) in enumerate((("freehand", "Lasso"), ("polygon", "Polygonal"))):
            button = QToolButton()
            button.setObjectName(f"LassoShape_{shape}")
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(shape == self.shape)
            button.setToolTip(f"{text} Lasso (Shift+L switches)")
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._buttons.addButton(button, i)
            row.addWidget(button)
        hint = QLabel("Shift adds · Alt subtracts · Shift+Alt intersects")
        hint.setObjectName("Dim")
        row.addWidget(hint)
        row.addStretch(1)
        return w
