"""Rectangle and Ellipse (U; Shift+U or the options bar switches): a drag draws the shape
and makes a new Solid Color fill layer in the foreground colour whose vector mask is the
shape (Photoshop's shape layer), one undo step (`adjustment_ops.add_shape`). Shift makes
a square or a circle, Alt draws from the centre (both may be pressed or let go during
the drag, as in Photoshop). The outline follows the drag; a click without a drag makes
nothing. The path is kept in fractions of a pixel, as the pointer gives it."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from editor.model import adjustment_ops, path_edit

from .base import Tool
from .pen import outline, paint_outline

DRAG_DISTANCE = 3  # px on screen: a press moved less than this is a click (no shape)


class ShapeTool(Tool):
    id = "shape"
    label = "Rectangle / Ellipse Tool"
    letter = "U"
    icon = "tool-shape"
    tip = ("Drag a shape layer in the foreground colour (Shift: square or circle, "
           "Alt: from the centre)")
    SHAPES = ("rectangle", "ellipse")

    def __init__(self, window):
        super().__init__(window)
        self.shape = window.settings.value("tools/shape/shape", "rectangle")
        if self.shape not in self.SHAPES:
            self.shape = "rectangle"
        self._press: Optional[tuple[QPointF, QPointF]] = None  # (widget, image) points
        self._box: Optional[tuple[float, float, float, float]] = None
        self._buttons: Optional[QButtonGroup] = None
        self._readout: Optional[QLabel] = None

    def set_shape(self, shape: str) -> None:
        self.shape = shape
        self.window.settings.set_value("tools/shape/shape", shape)
        if self._buttons is not None:
            self._buttons.button(self.SHAPES.index(shape)).setChecked(True)

    def cycle(self) -> None:
        """Shift+U: Rectangle <-> Ellipse."""
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    def deactivate(self, canvas) -> None:
        self._press, self._box = None, None

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        self._press, self._box = (ev.pos, ev.image), None

    def move(self, canvas, ev) -> None:
        if self._press is None:
            return
        widget, image = self._press
        if (ev.pos - widget).manhattanLength() < DRAG_DISTANCE:
            self._box = None
        else:
            self._box = path_edit.shape_box(image.x(), image.y(), ev.image.x(), ev.image.y(),
                                            square=ev.shift, centred=ev.alt)
        self._show()
        canvas.update()

    def release(self, canvas, ev) -> None:
        if self._press is None:
            return
        self.move(canvas, ev)
        box, self._press, self._box = self._box, None, None
        canvas.update()
        self._show()
        if box is None:
            return
        color = self.window.foreground
        try:
            adjustment_ops.add_shape(canvas.doc, self.shape, box,
                                     (color.red(), color.green(), color.blue()))
        except Exception as exc:
            self.window.report(exc, "Could not make the shape")

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._box is None:
            return
        knots = adjustment_ops.SHAPES[self.shape][1](*self._box)
        paint_outline(painter, outline(canvas, knots, True))

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._buttons = QButtonGroup(w)
        for i, (shape, text, tip) in enumerate((
                ("rectangle", "▭", "Rectangle (Shift+U switches)"),
                ("ellipse", "◯", "Ellipse (Shift+U switches)"))):
            button = QToolButton()
            button.setObjectName(f"ShapeTool_{shape}")
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setChecked(shape == self.shape)
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._buttons.addButton(button, i)
            row.addWidget(button)
        self._readout = QLabel("Fill: the foreground colour")
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        row.addStretch(1)
        return w

    def _show(self) -> None:
        if self._readout is None:
            return
        box = self._box
        self._readout.setText("Fill: the foreground colour" if box is None else
                              f"W {box[2] - box[0]:.0f}  H {box[3] - box[1]:.0f} px")
