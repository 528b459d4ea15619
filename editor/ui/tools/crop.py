"""Crop tool (C): a box over the canvas (the whole canvas at first); drag its handles or
inside it, or draw a new one; Enter (or the check button, or a double-click inside) crops
the image to it in one undo step, Esc puts the box back round the canvas. Outside the box
the canvas is dimmed. The crop itself is `image_ops.crop` (cropped pixels are deleted)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from editor.model import image_ops
from engine.box import Box

from ..icons import icon
from .marquee import MarqueeTool, handle_points, paint_handles


class CropTool(MarqueeTool):
    id = "crop"
    label = "Crop Tool"
    letter = "C"
    icon = "tool-crop"
    tip = "Drag the box's handles round what to keep; Enter crops, Esc starts over"
    context_actions = ()  # (the Marquee's selection menu is not the crop's)

    combines = False  # one box, no shapes, no Shift/Alt combining

    def __init__(self, window):
        super().__init__(window)
        self._boxes: dict[int, Box] = {}  # per document

    def current_box(self, canvas) -> Optional[Box]:
        doc = canvas.doc
        box = self._boxes.get(id(doc), doc.canvas).clip(doc.width, doc.height)
        return doc.canvas if box.is_empty() else box  # the canvas may have shrunk meanwhile

    def set_box(self, canvas, box: Optional[Box]) -> None:
        if box is None:
            self._boxes.pop(id(canvas.doc), None)  # a click: back to the whole canvas
        else:
            self._boxes[id(canvas.doc)] = box
        canvas.update()

    def activate(self, canvas) -> None:
        self._show(self.current_box(canvas) if canvas is not None else None)

    def readout_box(self, canvas) -> Optional[Box]:
        return self.current_box(canvas)

    def selection_changed(self, box) -> None:
        pass  # the readout shows the crop box, not the selection

    def crop(self, canvas) -> None:
        if canvas is None:
            return
        doc = canvas.doc
        box = self._boxes.pop(id(doc), None)
        if box is None or box == doc.canvas:
            return
        try:
            image_ops.crop(doc, box)
        except Exception as exc:
            self.window.report(exc, "Could not crop")
        self._show(self.current_box(canvas))

    def reset(self, canvas) -> None:
        if canvas is not None:
            self.set_box(canvas, None)
            self._show(self.current_box(canvas))

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.crop(canvas)
            return True
        if e.key() == Qt.Key.Key_Escape and id(canvas.doc) in self._boxes:
            self.reset(canvas)
            return True
        return False

    def double_click(self, canvas, ev) -> bool:
        if self._inside(canvas, ev.pos):
            self.crop(canvas)
            return True
        return False

    # -- drawing ----------------------------------------------------------------------
    def shown_selection(self, canvas) -> Optional[Box]:
        return canvas.doc.selection  # the marching ants stay the selection's

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        box = self._preview if self._drag is not None and self._preview is not None \
            else self.current_box(canvas)
        rect = canvas.widget_rect(box)
        shade = QPainterPath()
        shade.addRect(canvas.doc_rect())
        keep = QPainterPath()
        keep.addRect(rect)
        painter.save()
        painter.fillPath(shade.subtracted(keep), QColor(0, 0, 0, 140))
        painter.setPen(QColor("#ffffff"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.restore()
        paint_handles(painter, handle_points(rect).values())

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._readout = QLabel()
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        row.addStretch(1)
        canvas = self.window.tools.canvas
        self._show(self.readout_box(canvas) if canvas is not None else None)
        for name, tip, slot in (("cancel", "Put the box back round the canvas (Esc)", self.reset),
                                ("check", "Crop to the box (Enter)", self.crop)):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setObjectName(f"Crop{name.title()}")
            button.clicked.connect(lambda _=False, s=slot: s(self.window.tools.canvas))
            row.addWidget(button)
        return w
