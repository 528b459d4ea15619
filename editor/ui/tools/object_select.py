"""Object Selection (W; Shift+W takes the next of Object Selection, Quick Selection and
Magic Wand): drag a rectangle around an object and the selection becomes the object
found in it. The object is found as Select > Object finds it, by the decomposition's
segmenter on the active layer (`DecomposeCommands.find_object`: GrabCut from the box,
or SAM when installed), on the worker thread. Shift at the press adds to the selection,
Alt subtracts, Shift+Alt intersects; one undo step, "Object Selection". The options
bar's Select Subject button selects the active layer's main subject (`subject_button`)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath
from PySide6.QtWidgets import QHBoxLayout, QWidget

from editor.model import selection_ops
from engine.box import Box

from ..canvas import paint_ants_path
from .base import SELECTION_CONTEXT, Tool
from .marquee import selection_op
from .subject_button import subject_button

MIN_SIDE = 3   # a smaller drag is a click: it finds nothing


class ObjectSelectionTool(Tool):
    id = "object_select"
    label = "Object Selection Tool"
    letter = "W"
    icon = "tool-object-select"
    tip = ("Drag a box around an object to select it (Shift adds, Alt subtracts)")
    context_actions = SELECTION_CONTEXT

    def __init__(self, window):
        super().__init__(window)
        self._start: Optional[QPointF] = None
        self._box: Optional[Box] = None
        self._op = "replace"
        self.job = None   # the latest search (tests wait for it)

    def press(self, canvas, ev) -> None:
        self._op = selection_op(ev.modifiers)
        self._start, self._box = ev.image, None

    def move(self, canvas, ev) -> None:
        if self._start is None:
            return
        a, b = self._start, ev.image
        doc = canvas.doc
        box = Box.from_corners(round(min(a.x(), b.x())), round(min(a.y(), b.y())),
                               round(max(a.x(), b.x())), round(max(a.y(), b.y())))
        self._box = box.clip(doc.width, doc.height)
        canvas.update()

    def release(self, canvas, ev) -> None:
        box, op = self._box, self._op
        self._start, self._box = None, None
        canvas.update()
        if box is None or box.w < MIN_SIDE or box.h < MIN_SIDE:
            return
        w = self.window

        def found(doc, prepared, mask) -> None:
            try:
                selection_ops.select_mask(doc, mask, op, "Object Selection")
            except Exception as exc:
                w.report(exc, "Could not select the object")

        self.job = w.decompose_commands.find_object(box, None, found,
                                                    "Could not select the object")

    def deactivate(self, canvas) -> None:
        self._start, self._box = None, None

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        # The box drag looks at the active layer, and so does its Select Subject.
        row.addWidget(subject_button(self, lambda: False))
        row.addStretch(1)
        return w

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._box is not None and not self._box.is_empty():
            path = QPainterPath()
            path.addRect(canvas.widget_rect(self._box))
            paint_ants_path(painter, path)
