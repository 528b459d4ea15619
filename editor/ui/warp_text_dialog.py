"""Type > Warp Text…: Photoshop's Warp Text dialog for the active type layer.

Style (None and Photoshop's fifteen styles), Horizontal or Vertical, Bend, Horizontal and
Vertical Distortion (-100..100 %). Every change shows on the canvas at once
(`text_layer.preview_text`: no undo step); OK lands the warp as one undo step
("Warp Text", `text_warp.warp_text`); Cancel or Esc puts the layer back as it was. As in
Photoshop the values are disabled for None, and choosing a style on flat text starts it
at a bend of +50 %.
"""
from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QLabel, QRadioButton, QVBoxLayout, QWidget)

from editor.model import text_warp
from editor.model.errors import DocumentError
from editor.model.text_layer import TextLayer, preview_text

from .dialogs import number_box, ok_cancel

DEFAULT_BEND = 50.0  # Photoshop's bend for a style newly chosen


class WarpTextDialog(QDialog):
    def __init__(self, parent, doc, layer: TextLayer):
        super().__init__(parent)
        self.setObjectName("WarpTextDialog")
        self.setWindowTitle("Warp Text")
        self.doc, self.layer = doc, layer
        self.original = layer.type_settings
        s = self.original
        self.style = QComboBox()
        self.style.setObjectName("WarpTextStyle")
        self.style.addItems(list(text_warp.STYLES))
        self.style.setCurrentText(s.warp_style)
        self.horizontal = QRadioButton("&Horizontal")
        self.horizontal.setObjectName("WarpTextHorizontal")
        self.vertical = QRadioButton("&Vertical")
        self.vertical.setObjectName("WarpTextVertical")
        group = QButtonGroup(self)
        for button in (self.horizontal, self.vertical):
            group.addButton(button)
        (self.vertical if s.warp_vertical else self.horizontal).setChecked(True)
        self.bend = number_box("WarpTextBend", -100, 100, " %", 0)
        self.h_distort = number_box("WarpTextHorizontalDistortion", -100, 100, " %", 0)
        self.v_distort = number_box("WarpTextVerticalDistortion", -100, 100, " %", 0)
        for spin, value in ((self.bend, s.warp_bend), (self.h_distort, s.warp_h),
                            (self.v_distort, s.warp_v)):
            spin.setValue(value)
        self.message = QLabel("")  # a value the text cannot take: one line, OK disabled
        self.message.setObjectName("WarpTextMessage")
        self.message.setWordWrap(True)
        orientation = QWidget()
        row = QHBoxLayout(orientation)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.horizontal)
        row.addWidget(self.vertical)
        form = QFormLayout()
        form.addRow("&Style:", self.style)
        form.addRow("", orientation)
        form.addRow("&Bend:", self.bend)
        form.addRow("Horizontal &Distortion:", self.h_distort)
        form.addRow("Vertical D&istortion:", self.v_distort)
        self.buttons = ok_cancel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.style.currentTextChanged.connect(self._style_chosen)
        for spin in (self.bend, self.h_distort, self.v_distort):
            spin.valueChanged.connect(self.preview)
        self.horizontal.toggled.connect(self.preview)
        self._enable()

    def values(self) -> dict:
        """The dialog's warp as TextSettings' warp_* values."""
        return {"warp_style": self.style.currentText(), "warp_bend": self.bend.value(),
                "warp_h": self.h_distort.value(), "warp_v": self.v_distort.value(),
                "warp_vertical": self.vertical.isChecked()}

    def _style_chosen(self, style: str) -> None:
        if style != text_warp.NONE and not text_warp.is_warped(self.layer.type_settings) \
                and self.bend.value() == 0:
            self.bend.blockSignals(True)
            self.bend.setValue(DEFAULT_BEND)
            self.bend.blockSignals(False)
        self._enable()
        self.preview()

    def _enable(self) -> None:
        on = self.style.currentText() != text_warp.NONE
        for widget in (self.horizontal, self.vertical, self.bend, self.h_distort,
                       self.v_distort):
            widget.setEnabled(on)

    def preview(self) -> None:
        """The warp as set, shown on the layer (no undo step)."""
        try:
            preview_text(self.doc, self.layer, self.original.replace(**self.values()))
        except DocumentError as exc:
            self.message.setText(str(exc))
            self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(False)
            return
        self.message.setText("")
        self.buttons.button(self.buttons.StandardButton.Ok).setEnabled(True)

    def done(self, result: int) -> None:
        # Back to the settings it came with: OK's step (or Cancel) starts from there.
        preview_text(self.doc, self.layer, self.original)
        super().done(result)
