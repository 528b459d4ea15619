"""Layer > Layer Style > Scale Effects… and Global Light…: Photoshop's two small dialogs.

Scale Effects asks a percentage (1..1000 %, `layer_effects.scaled_effects`), shown live
on the canvas through `preview(percent)` as it changes (Photoshop's Preview box, on).
Global Light asks the document's light angle (-180..180°) and altitude (0..90°) that the
effects with Use Global Light follow, also previewed live.
"""
from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import QDialog, QFormLayout, QVBoxLayout, QWidget

from .dialogs import number_box, ok_cancel


class ScaleEffectsDialog(QDialog):
    def __init__(self, parent: QWidget, preview: Optional[Callable[[float], None]] = None):
        super().__init__(parent)
        self.setObjectName("scale_effects")
        self.setWindowTitle("Scale Layer Effects")
        self.scale = number_box("scale", 1, 1000, " %", 0)
        self.scale.setValue(100)
        if preview is not None:
            self.scale.valueChanged.connect(lambda v: preview(float(v)))
        form = QFormLayout()
        form.addRow("Scale:", self.scale)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))


class GlobalLightDialog(QDialog):
    def __init__(self, parent: QWidget, angle: float, altitude: float,
                 preview: Optional[Callable[[float, float], None]] = None):
        super().__init__(parent)
        self.setObjectName("global_light")
        self.setWindowTitle("Global Light")
        self.angle = number_box("angle", -180, 180, "°", 0)
        self.angle.setValue(angle)
        self.altitude = number_box("altitude", 0, 90, "°", 0)
        self.altitude.setValue(altitude)
        if preview is not None:
            for spin in (self.angle, self.altitude):
                spin.valueChanged.connect(lambda _: preview(*self.values()))
        form = QFormLayout()
        form.addRow("Angle:", self.angle)
        form.addRow("Altitude:", self.altitude)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))

    def values(self) -> tuple[float, float]:
        return float(self.angle.value()), float(self.altitude.value())


def ask_scale_effects(parent: QWidget, preview=None) -> Optional[float]:
    """The percentage chosen, None on Cancel."""
    dialog = ScaleEffectsDialog(parent, preview)
    return float(dialog.scale.value()) if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_global_light(parent: QWidget, angle: float, altitude: float,
                     preview=None) -> Optional[tuple[float, float]]:
    """(angle, altitude) chosen, None on Cancel."""
    dialog = GlobalLightDialog(parent, angle, altitude, preview)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
