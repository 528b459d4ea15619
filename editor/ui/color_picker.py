"""The Color Picker (the foreground and background colours' dialog, `dialogs.ask_color`):
Qt's colour dialog with Photoshop's L, a, b fields added under it.

The fields show the chosen colour in Photoshop's Lab (D50: `color_modes.lab_of_rgb`, whole
numbers as Photoshop shows them) and follow every change in the dialog; typing in one sets
the colour to that Lab colour (`color_modes.rgb_of_lab`, clipped into sRGB).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QHBoxLayout, QLabel, QSpinBox, QWidget

from editor.model import color_modes as cm

# Each field's range (Photoshop's Color Picker: L 0..100, a and b -128..127).
_RANGES = {"L": (0, 100), "a": (-128, 127), "b": (-128, 127)}


class ColorPicker(QColorDialog):
    def __init__(self, initial: QColor, parent=None, title: str = "Color Picker"):
        super().__init__(initial, parent)
        self.setWindowTitle(title)
        self.setObjectName("ColorPicker")
        self.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.lab: dict[str, QSpinBox] = {}
        for key, (low, high) in _RANGES.items():
            spin = QSpinBox()
            spin.setObjectName(f"ColorPickerLab_{key}")
            spin.setRange(low, high)
            spin.setKeyboardTracking(False)  # (one colour per typed number)
            spin.valueChanged.connect(self._typed)
            layout.addWidget(QLabel(f"{key}:"))
            layout.addWidget(spin)
            self.lab[key] = spin
        layout.addStretch(1)
        # Above the OK / Cancel buttons (the dialog's last item).
        self.layout().insertWidget(self.layout().count() - 1, row)
        self._showing = False
        self.currentColorChanged.connect(self._show_lab)
        self._show_lab(self.currentColor())

    def lab_values(self) -> tuple[int, int, int]:
        return tuple(spin.value() for spin in self.lab.values())

    def _show_lab(self, color: QColor) -> None:
        if self._showing:
            return
        values = cm.lab_of_rgb(np.array([color.red(), color.green(), color.blue()], np.uint8))
        self._showing = True
        try:
            for spin, value in zip(self.lab.values(), values):
                spin.setValue(round(float(value)))
        finally:
            self._showing = False

    def _typed(self, *_) -> None:
        if self._showing:
            return
        r, g, b = cm.rgb_of_lab(np.array(self.lab_values(), np.float64))
        self._showing = True  # (the typed numbers stay as typed)
        try:
            self.setCurrentColor(QColor(int(r), int(g), int(b)))
        finally:
            self._showing = False
