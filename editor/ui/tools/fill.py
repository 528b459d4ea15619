"""Paint Bucket and Gradient (G; Shift+G switches): the bucket fills the clicked colour's
pixels of the active layer with the foreground colour (Tolerance, Contiguous, within the
selection); the gradient is dragged from where the foreground colour starts to where the
background colour ends (Shift: 45° steps), over the selection or the whole canvas, the
two blended by the options bar's Method (Perceptual, Linear or Classic, as Photoshop's
Gradient tool; `gradients.METHODS`). With the
layer mask targeted both paint in grey on the mask (the bucket floods the mask's own
values; a gradient is Photoshop's way of fading a layer out)."""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox,
                               QToolButton, QWidget)

from editor.model import edit_ops, gradients

from .base import Tool


def _rgba(color: QColor) -> tuple[int, int, int, int]:
    return color.red(), color.green(), color.blue(), 255


def _mask_targeted(doc) -> bool:
    return doc.targeted_mask() is not None


class FillTool(Tool):
    id = "fill"
    label = "Paint Bucket / Gradient Tool"
    letter = "G"
    icon = "tool-bucket"
    tip = "Paint Bucket: click to fill a colour; Gradient: drag from start to end"
    SHAPES = ("bucket", "gradient")
    uses_color = True  # (its tool presets may keep the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._start: Optional[QPointF] = None
        self._end: Optional[QPointF] = None
        self._buttons: Optional[QButtonGroup] = None
        self._bucket_options: list[QWidget] = []
        self._gradient_options: list[QWidget] = []

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.shape = settings.value("tools/fill/shape", "bucket")
        if self.shape not in self.SHAPES:
            self.shape = "bucket"
        self.tolerance = settings.value("tools/fill/tolerance", 32, int)
        self.contiguous = settings.value("tools/fill/contiguous", True, bool)
        self.method = settings.value("tools/fill/method", "classic")
        if self.method not in gradients.METHODS:
            self.method = "classic"

    def set_shape(self, shape: str) -> None:
        self.shape = shape
        self.window.settings.set_value("tools/fill/shape", shape)
        if self._buttons is not None:
            self._buttons.button(self.SHAPES.index(shape)).setChecked(True)
        for widget in self._bucket_options:
            widget.setVisible(shape == "bucket")
        for widget in self._gradient_options:
            widget.setVisible(shape == "gradient")

    def cycle(self) -> None:
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    def _layer(self, canvas):
        try:
            return edit_ops.pixel_layer(canvas.doc.active, "fill")
        except Exception as exc:
            self.window.status(str(exc))
            return None

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        on_mask = _mask_targeted(canvas.doc)
        layer = canvas.doc.active if on_mask else self._layer(canvas)
        if layer is None:
            return
        if self.shape == "bucket":
            try:
                edit_ops.bucket_fill(canvas.doc, layer, math.floor(ev.image.x()),
                                     math.floor(ev.image.y()), _rgba(self.window.foreground),
                                     self.tolerance, self.contiguous, on_mask=on_mask)
            except Exception as exc:
                self.window.report(exc, "Could not fill")
            return
        self._start = self._end = ev.image

    def move(self, canvas, ev) -> None:
        if self._start is None:
            return
        end = ev.image
        if ev.shift:  # 45° steps
            dx, dy = end.x() - self._start.x(), end.y() - self._start.y()
            angle = round(math.atan2(dy, dx) / (math.pi / 4)) * (math.pi / 4)
            length = math.hypot(dx, dy)
            end = QPointF(self._start.x() + length * math.cos(angle),
                          self._start.y() + length * math.sin(angle))
        self._end = end
        canvas.update()

    def release(self, canvas, ev) -> None:
        start, end, self._start, self._end = self._start, self._end, None, None
        canvas.update()
        if start is None or end is None:
            return
        doc = canvas.doc
        on_mask = _mask_targeted(doc)
        layer = doc.active if on_mask else self._layer(canvas)
        if layer is None:
            return
        try:
            edit_ops.gradient_fill(doc, layer, (start.x(), start.y()), (end.x(), end.y()),
                                   _rgba(self.window.foreground),
                                   _rgba(self.window.background), on_mask=on_mask,
                                   method=self.method)
        except Exception as exc:
            self.window.report(exc, "Could not draw the gradient")

    def deactivate(self, canvas) -> None:
        self._start = self._end = None

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._start is None or self._end is None:
            return
        a, b = canvas.image_to_widget(self._start), canvas.image_to_widget(self._end)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(0, 0, 0, 160), 3))
        painter.drawLine(a, b)
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.drawLine(a, b)
        painter.restore()

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._buttons = QButtonGroup(w)
        for i, (shape, text) in enumerate((("bucket", "Paint Bucket"), ("gradient", "Gradient"))):
            button = QToolButton()
            button.setObjectName(f"FillShape_{shape}")
            button.setText(text)
            button.setCheckable(True)
            button.setChecked(shape == self.shape)
            button.setToolTip(f"{text} (Shift+G switches)")
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._buttons.addButton(button, i)
            row.addWidget(button)
        label = QLabel("Tolerance")
        spin = QSpinBox()
        spin.setRange(0, 255)
        spin.setValue(self.tolerance)
        spin.valueChanged.connect(lambda v: self._set("tolerance", v))
        box = QCheckBox("Contiguous")
        box.setChecked(self.contiguous)
        box.toggled.connect(lambda on: self._set("contiguous", on))
        self._bucket_options = [label, spin, box]
        for widget in self._bucket_options:
            row.addWidget(widget)
            widget.setVisible(self.shape == "bucket")
        method = QComboBox()
        method.setObjectName("FillGradientMethod")
        method.setToolTip("How the colours blend: Perceptual (as the eye sees), Linear (in "
                          "linear light) or Classic (as Photoshop before 2022)")
        for key in gradients.METHODS:
            method.addItem(gradients.METHOD_LABELS[key], key)
        method.setCurrentIndex(gradients.METHODS.index(self.method))
        method.currentIndexChanged.connect(lambda _: self._set("method", method.currentData()))
        self._gradient_options = [QLabel("Method"), method]
        for widget in self._gradient_options:
            row.addWidget(widget)
            widget.setVisible(self.shape == "gradient")
        row.addStretch(1)
        return w

    def _set(self, key: str, value) -> None:
        setattr(self, key, value)
        self.window.settings.set_value(f"tools/fill/{key}", value)
