"""Image > Adjustments > HDR Toning…'s dialog (`editor.model.hdr_toning`).

Photoshop's dialog, top to bottom: Preset, Method (Local Adaptation, Equalize Histogram,
Exposure and Gamma), Edge Glow (Radius, Strength, Edge Smoothness), Tone and Detail
(Gamma, Exposure, Detail), Advanced (Shadow, Highlight, Vibrance, Saturation) and the
Toning Curve (Curves' graph, `curve_graph.py`); the rows a method has no use for are
hidden. A preset sets every row. As Camera Raw's dialog (which it reuses), the preview
is the layer reduced to VIEW_SIDE px, computed by the very function OK runs (the radius
scaled to the copy) as each row changes; P shows the layer as it was, Y both side by
side. OK runs it at full size through `filter_ops` (one undo step, progress while it
runs); Cancel leaves nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout

from editor.model import filter_ops, hdr_toning as hdr

from .camera_raw_dialog import CameraRawDialog
from .curve_graph import CurveGraph
from .filter_dialog import FILTER_ROWS, NOTES, FilterForm

if TYPE_CHECKING:
    from .window_api import EditorWindow

FILTER_ROWS[hdr.HDRToning] = [
    ("combo", "method", "Method", hdr.METHODS, hdr.METHOD_LABELS),
    ("radius", "Edge Glow Radius", 1, 500, 0, " px"),
    ("strength", "Edge Glow Strength", 0.1, 4.0, 2, ""),
    ("check", "smooth_edges", "Edge Smoothness"),
    ("gamma", "Gamma", 0.1, 2.0, 2, ""),
    ("exposure", "Exposure", -5.0, 5.0, 2, ""),
    ("detail", "Detail", -100, 300, 0, " %"),
    ("shadow", "Shadow", -100, 100, 0, " %"),
    ("highlight", "Highlight", -100, 100, 0, " %"),
    ("vibrance", "Vibrance", -100, 100, 0, " %"),
    ("saturation", "Saturation", -100, 100, 0, " %")]
NOTES[hdr.HDRToning] = ("The preview is a reduced copy; OK tones the full image. "
                        "P: before, Y: before and after side by side.")
# The rows each method shows (by their setting), besides Method.
SHOWN = {"local": {"radius", "strength", "smooth_edges", "gamma", "exposure", "detail",
                   "shadow", "highlight", "vibrance", "saturation"},
         "equalize": set(),
         "exposure_gamma": {"gamma", "exposure"}}
CUSTOM = "Custom"


class HDRToningDialog(CameraRawDialog):
    """Presets, the method's rows and the Toning Curve beside the reduced preview."""

    title = "HDR Toning"

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: Optional[hdr.HDRToning] = None):
        self._ready = False
        super().__init__(window, target, op or hdr.PRESETS["Default"])
        side = self.body.itemAt(0).layout()  # Camera Raw's: the preview, then the rows
        side.removeWidget(self.form)
        self.right = QVBoxLayout()
        self.right.addWidget(self.form)
        side.addLayout(self.right)
        self.preset = QComboBox()
        self.preset.setObjectName("HDRPreset")
        self.preset.addItems([*hdr.PRESETS, CUSTOM])
        self.preset.setCurrentText(self._preset_name(self.form.op))
        self.preset.currentTextChanged.connect(self._preset_chosen)
        top = QFormLayout()
        top.addRow("Preset:", self.preset)
        self.body.insertLayout(0, top)
        self.curve_label = QLabel("Toning Curve and Histogram")
        self.curve = CurveGraph()
        self.curve.setObjectName("HDRToningCurve")
        self.curve.set_curve(self.form.op.curve, 0, self._histogram())
        self.curve.points_changed.connect(lambda points: self.form._set("curve", tuple(points)))
        self.right.addWidget(self.curve_label)
        self.right.addWidget(self.curve)
        self.right.addStretch(1)
        self._ready = True
        self._show_method()

    def _histogram(self) -> np.ndarray:
        """The reduced layer's luminance counts, under the Toning Curve as Photoshop's."""
        grey = self.small[..., :3].astype(np.float32) @ hdr.LUMA601
        return np.bincount(np.clip(grey + 0.5, 0, 255).astype(np.int64).ravel(),
                           minlength=256)[:256]

    @staticmethod
    def _preset_name(op: hdr.HDRToning) -> str:
        return next((name for name, preset in hdr.PRESETS.items() if preset == op), CUSTOM)

    def _preset_chosen(self, name: str) -> None:
        if name in hdr.PRESETS:
            self.set_operation(hdr.PRESETS[name])

    def set_operation(self, op: hdr.HDRToning) -> None:
        """Every row set from `op` (a preset chosen): a new form in the old one's place."""
        old = self.form
        self.form = FilterForm(op, self.changed)
        old.parentWidget().layout().replaceWidget(old, self.form)
        old.hide()
        old.deleteLater()
        self.curve.set_curve(op.curve, 0, self._histogram())
        self._show_method()
        self.changed()

    def _show_method(self) -> None:
        """Only the rows of the chosen method (its curve with Local Adaptation's)."""
        op = self.form.op
        form = self.form.layout()
        for row, spec in enumerate(FILTER_ROWS[hdr.HDRToning]):
            key = spec[1] if spec[0] in ("combo", "check") else spec[0]
            form.setRowVisible(row, key == "method" or key in SHOWN[op.method])
        local = op.method == "local"
        self.curve.setVisible(local)
        self.curve_label.setVisible(local)

    def changed(self) -> None:
        if not getattr(self, "_ready", False):
            return
        op = self.form.op
        self._show_method()
        name = self._preset_name(op)
        if self.preset.currentText() != name:
            self.preset.blockSignals(True)
            self.preset.setCurrentText(name)
            self.preset.blockSignals(False)
        super().changed()

    def develop(self, op: hdr.HDRToning) -> np.ndarray:
        return hdr.preview(op, self.small, self.scale)
