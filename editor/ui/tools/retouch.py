"""The retouching brushes' common tool: Dodge / Burn / Sponge (O), Blur / Sharpen / Smudge
(R) and Color Replacement (B) paint with the brush's round dab (`BrushTool`'s size,
hardness, stroke path and options bar) but change the colours under it instead of laying
paint; the maths of each is a stroke of `editor.model` (`tone`, `focus`,
`color_replace`), run dab by dab through the stroke's `PixelEdit`. So a stroke is one
undo step, locks and Lock Transparent Pixels hold (`Document.begin_pixel_edit`), only the
selection changes, and alpha never does (the layer does not grow either). A tool here
adds its Strength (Exposure, Flow) and its own options. As in Photoshop, a stroke begun
with Alt held is its twin's (Dodge <-> Burn, Blur <-> Sharpen) with this tool's settings;
the tool stays chosen.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox

from editor.model.dabs import SPACING
from editor.model.errors import DocumentError
from editor.model.retouch import RetouchStroke

from .brush import BrushTool, slider_pair


class RetouchTool(BrushTool):
    sliders = ("size", "hardness")
    default_hardness = 0.0      # Photoshop's soft round: a retouch shows no edge
    verb = "retouch"            # "Select a pixel layer to dodge.", "Could not dodge"
    strength_label = "Strength"
    spacing = SPACING           # of the diameter, between dabs
    alt_name = ""               # the twin's history name that Alt gives ("": Alt does nothing)
    uses_color = False  # (it does not paint the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._stroke: Optional[RetouchStroke] = None
        self._strength_spin: Optional[QSpinBox] = None

    def load_options(self) -> None:
        super().load_options()
        self.strength = self.setting("strength", 0.5, float)

    def set_strength(self, strength: float) -> None:
        self.strength = float(max(0.01, min(1.0, strength)))
        self.window.settings.set_value(f"tools/{self.id}/strength", self.strength)
        spin = self._strength_spin
        if spin is not None and spin.value() != round(self.strength * 100):
            spin.setValue(round(self.strength * 100))

    def make_stroke(self, doc, layer, edit, twin: bool = False) -> RetouchStroke:
        """The model's stroke with this tool's settings (`twin`: its Alt twin's stroke)."""
        raise NotImplementedError

    # -- stroke ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        w = self.window
        layer = self.pixel_target(doc)
        if layer is None:
            return
        twin = bool(ev.alt and self.alt_name)
        try:
            # Its own bounds: colours change, alpha does not, so the layer never grows.
            edit = doc.begin_pixel_edit(layer, self.alt_name if twin else self.history_name,
                                        cover=layer.bounds())
        except DocumentError as exc:
            w.report(exc, f"Could not {self.verb}")
            return
        if layer.is_empty():
            doc.end_pixel_edit(edit)  # nothing changed: no step
            w.status(f"Layer '{layer.name}' has no pixels to {self.verb}.")
            return
        canvas.session.renderer.set_focus(layer)
        self._stroke = self.make_stroke(doc, layer, edit, twin)
        self._edit, self._layer, self._canvas = edit, layer, canvas
        self._first_dabs(canvas, ev)

    def _segment_to(self, canvas, point: QPointF) -> None:
        centres = self._path.to(point, self.size, self.spacing)
        if centres:
            self._apply(canvas, centres)

    def _apply(self, canvas, centres: list[QPointF]) -> None:
        self._stroke.dabs([(c.x(), c.y()) for c in centres])

    def _end_stroke(self) -> None:
        super()._end_stroke()
        self._stroke = None

    # -- options bar -------------------------------------------------------------------
    def add_strength(self, row: QHBoxLayout) -> None:
        self._strength_spin = slider_pair(row, self.strength_label, 1, 100,
                                          round(self.strength * 100), " %",
                                          lambda v: self.set_strength(v / 100))
        self._strength_spin.setObjectName(f"{self.id}_strength")

    def add_choice(self, row: QHBoxLayout, label: str, name: str, items: list[tuple[str, object]],
                   value, on_change) -> QComboBox:
        """A labelled drop-down of (text, value) items on the options bar."""
        row.addWidget(QLabel(label))
        combo = QComboBox()
        combo.setObjectName(f"{self.id}_{name}")
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.currentIndexChanged.connect(lambda _i: on_change(combo.currentData()))
        row.addWidget(combo)
        row.addSpacing(10)
        return combo

    def add_percent(self, row: QHBoxLayout, label: str, name: str, tip: str, value: float,
                    on_change, lowest: int = 0) -> QSpinBox:
        """A labelled percentage field (`value` 0..1) on the options bar, without a slider
        (the Paint Bucket's Tolerance's kind), where the bar has no room for one."""
        row.addWidget(QLabel(label))
        spin = QSpinBox()
        spin.setObjectName(f"{self.id}_{name}")
        spin.setRange(lowest, 100)
        spin.setSuffix(" %")
        spin.setValue(round(value * 100))
        spin.setToolTip(tip)
        spin.valueChanged.connect(lambda v: on_change(v / 100))
        row.addWidget(spin)
        row.addSpacing(10)
        return spin

    def add_check(self, row: QHBoxLayout, label: str, name: str, tip: str, value: bool,
                  on_change) -> QCheckBox:
        box = QCheckBox(label)
        box.setObjectName(f"{self.id}_{name}")
        box.setToolTip(tip)
        box.setChecked(value)
        box.toggled.connect(on_change)
        row.addWidget(box)
        return box

    def setting(self, name: str, default, kind=str):
        return self.window.settings.value(f"tools/{self.id}/{name}", default, kind)

    def save_setting(self, name: str, value) -> None:
        self.window.settings.set_value(f"tools/{self.id}/{name}", value)
