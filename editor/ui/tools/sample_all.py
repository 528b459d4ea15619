"""Sample All Layers, as the Spot Healing Brush and the Content-Aware Move tool offer it:
work from what the canvas shows instead of the active layer alone. Kept per tool in the
settings (`tools/<id>/sample_all`), shown as a check box on the tool's options bar that
follows `set_sample_all` when the option is set from elsewhere."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QCheckBox, QHBoxLayout


class SampleAllLayers:
    """Mixin for a `Tool`: call `load_sample_all` in `load_options`, `add_sample_all` in the
    options bar."""

    SAMPLE_ALL_TIP = ""

    def load_sample_all(self) -> None:
        self.sample_all = self.window.settings.value(f"tools/{self.id}/sample_all", False, bool)
        self._sample_box: Optional[QCheckBox] = None

    def set_sample_all(self, on: bool) -> None:
        self.sample_all = bool(on)
        self.window.settings.set_value(f"tools/{self.id}/sample_all", self.sample_all)
        box = self._sample_box
        if box is not None and box.isChecked() != self.sample_all:
            box.setChecked(self.sample_all)

    def add_sample_all(self, row: QHBoxLayout) -> None:
        box = QCheckBox("Sample All Layers")
        box.setObjectName(f"{self.id}_sample_all")
        box.setToolTip(self.SAMPLE_ALL_TIP)
        box.setChecked(self.sample_all)
        box.toggled.connect(self.set_sample_all)
        row.addWidget(box)
        self._sample_box = box
