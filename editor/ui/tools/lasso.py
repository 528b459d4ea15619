"""Lasso, Polygonal Lasso and Magnetic Lasso (L; Shift+L or the options bar switches): a
freehand outline drawn with the button held, a polygon clicked point by point (double-click,
Enter or a click on the first point closes it; Esc drops it; Backspace takes the last point
back), or an outline that clings to edges (`magnetic`). Shift at the start adds to the
selection, Alt subtracts, Shift+Alt intersects. Feather and Anti-alias, as Photoshop's
options bar has them for all three, shape the outline's mask before it is combined."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath, QPolygonF
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QToolButton, QWidget)

from editor.model import selection_ops

from ..canvas import paint_ants_path
from .base import SELECTION_CONTEXT, Tool
from .magnetic import MagneticTrace, key_claimed
from .marquee import selection_op

CLOSE_DISTANCE = 8  # px on screen: a click this near the first point closes the polygon


class LassoTool(Tool):
    id = "lasso"
    label = "Lasso Tool"
    letter = "L"
    icon = "tool-lasso"
    tip = ("Draw round what to select (Polygonal: click the corners; Magnetic: it follows "
           "edges); Shift adds, Alt subtracts")
    SHAPES = ("freehand", "polygon", "magnetic")
    NAMES = {"freehand": "Lasso", "polygon": "Polygonal Lasso", "magnetic": "Magnetic Lasso"}
    context_actions = SELECTION_CONTEXT

    def __init__(self, window):
        super().__init__(window)
        self.points: list[QPointF] = []  # image coordinates
        self._hover: Optional[QPointF] = None
        self._op = "replace"
        self._buttons: Optional[QButtonGroup] = None
        self.magnetic = MagneticTrace(self)
        self._magnetic_options: Optional[QWidget] = None

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.shape = settings.value("tools/lasso/shape", "freehand")
        if self.shape not in self.SHAPES:
            self.shape = "freehand"
        self.feather = max(0.0, settings.value("tools/lasso/feather", 0.0, float))
        self.anti_alias = settings.value("tools/lasso/anti_alias", True, bool)
        if "magnetic" in self.__dict__:  # (made after the first load, which its own init does)
            self.magnetic.load_options()

    def set_shape(self, shape: str) -> None:
        self.points = []
        self.magnetic.reset()
        self.shape = shape
        self.window.settings.set_value("tools/lasso/shape", shape)
        if self._buttons is not None:
            self._buttons.button(self.SHAPES.index(shape)).setChecked(True)
        if self._magnetic_options is not None:
            self._magnetic_options.setVisible(shape == "magnetic")

    def cycle(self) -> None:
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    def deactivate(self, canvas) -> None:
        self.points = []
        self.magnetic.reset()

    def change_size(self, direction: int) -> None:
        """[ and ]: the Magnetic Lasso's Width, a pixel at a time (as Photoshop's)."""
        if self.shape == "magnetic":
            self.magnetic.set_value("width", self.magnetic.width + direction)

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if self.shape == "magnetic":
            self._press_magnetic(canvas, ev)
            return
        if not self.points:
            self._op = selection_op(ev.modifiers)
        if self.shape == "freehand":
            self.points = [ev.image]
        elif self.points and self._near_first(canvas, ev.pos):
            self.finish(canvas)
        else:
            self.points.append(ev.image)
        canvas.update()

    def _press_magnetic(self, canvas, ev) -> None:
        trace = self.magnetic
        try:
            if not trace.active:
                self._op = selection_op(ev.modifiers)
                trace.start(canvas, ev)
            elif trace.press(canvas, ev):
                self.finish(canvas)
        except Exception as exc:
            trace.reset()
            self.window.report(exc, "Could not follow the edges")
        canvas.update()

    def move(self, canvas, ev) -> None:
        if self.shape == "magnetic" and self.magnetic.active:
            self.magnetic.drag(canvas, ev)
            canvas.update()
        elif self.shape == "freehand" and self.points:
            last = canvas.image_to_widget(self.points[-1])
            if (ev.pos - last).manhattanLength() >= 2:  # a point every couple of screen px
                self.points.append(ev.image)
                canvas.update()

    def hover(self, canvas, ev) -> None:
        if self.shape == "magnetic" and self.magnetic.active:
            self.magnetic.hover(canvas, ev)
            canvas.update()
        elif self.shape == "polygon" and self.points:
            self._hover = ev.image
            canvas.update()

    def release(self, canvas, ev) -> None:
        if self.shape == "freehand" and self.points:  # (none: Esc dropped the outline)
            self.finish(canvas)

    def double_click(self, canvas, ev) -> bool:
        if self.shape in ("polygon", "magnetic") and self.drawing:
            if self.magnetic.active and not ev.alt:
                # The point double-clicked is fastened first (when its first press has
                # not done it already: then this adds nothing).
                self.magnetic.press(canvas, ev)
            self.finish(canvas, straight=ev.alt)
            return True
        return False

    @property
    def drawing(self) -> bool:
        """Whether an outline is under way (points clicked, or a magnetic trace)."""
        return bool(self.points) or self.magnetic.active

    def key_press(self, canvas, e) -> bool:
        if not self.drawing:
            return False
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish(canvas)
        elif e.key() == Qt.Key.Key_Escape:
            self.points = []
            self.magnetic.reset()
        elif e.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            if self.magnetic.active:
                self.magnetic.back()
            else:
                self.points.pop()
        else:
            return False
        canvas.update()
        return True

    def claims_key(self, canvas, e) -> bool:
        return self.drawing and key_claimed(e.key())

    def _near_first(self, canvas, pos: QPointF) -> bool:
        first = canvas.image_to_widget(self.points[0])
        return len(self.points) >= 3 and (pos - first).manhattanLength() <= CLOSE_DISTANCE

    def finish(self, canvas, straight: bool = False) -> None:
        """Closes the outline and makes it the selection (one undo step); `straight`: a
        magnetic one closes by a straight line rather than along the edges."""
        points = [(p.x(), p.y()) for p in self.points]
        self.points, self._hover = [], None
        doc = canvas.doc
        try:
            if self.magnetic.active:
                points = self.magnetic.closed(straight)
                self.magnetic.reset()
            if len(points) < 3:
                if self._op == "replace" and (doc.selection is not None
                                              or doc.selection_mask is not None):
                    doc.set_selection(None)  # a click deselects
            else:
                mask = selection_ops.polygon_mask(doc, points)
                if not self.anti_alias:
                    mask = np.where(mask >= 128, 255, 0).astype(np.uint8)
                if self.feather > 0:
                    mask = selection_ops.feathered(mask, self.feather)
                selection_ops.select_mask(doc, mask, self._op, self.NAMES[self.shape])
        except Exception as exc:
            self.window.report(exc, "Could not change the selection")
        canvas.update()

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self.magnetic.active:
            self.magnetic.paint(canvas, painter)
            return
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
        for i, (shape, text) in enumerate((("freehand", "Lasso"), ("polygon", "Polygonal"),
                                           ("magnetic", "Magnetic"))):
            button = QToolButton()
            button.setObjectName(f"LassoShape_{shape}")
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(shape == self.shape)
            button.setToolTip(f"{text} Lasso (Shift+L switches)")
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._buttons.addButton(button, i)
            row.addWidget(button)
        row.addWidget(QLabel("Feather"))
        feather = QDoubleSpinBox()
        feather.setObjectName("Lasso_feather")
        feather.setRange(0.0, 1000.0)
        feather.setDecimals(1)
        feather.setSuffix(" px")
        feather.setValue(self.feather)
        feather.valueChanged.connect(lambda v: self.set_option("feather", float(v)))
        row.addWidget(feather)
        alias = QCheckBox("Anti-alias")
        alias.setObjectName("Lasso_anti_alias")
        alias.setChecked(self.anti_alias)
        alias.toggled.connect(lambda on: self.set_option("anti_alias", bool(on)))
        row.addWidget(alias)
        self._magnetic_options = self.magnetic.build_options()
        self._magnetic_options.setVisible(self.shape == "magnetic")
        row.addWidget(self._magnetic_options)
        hint = QLabel("Shift adds · Alt subtracts · Shift+Alt intersects")
        hint.setObjectName("Dim")
        row.addWidget(hint)
        row.addStretch(1)
        return w
