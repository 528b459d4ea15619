"""Layer > New > Artboard… (Photoshop's New Artboard dialog: name, size preset or width
and height, where, background) and Layer > New > Artboard from Layers; each one undo step
(`model.artboards`)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QPushButton, QSpinBox, QWidget)

from editor.model.artboards import (CUSTOM, PRESETS, artboard_from_layers, new_artboard,
                                    preset_of)
from engine.box import Box

from .actions import ActionSpec, has_doc, has_node, run_on_doc
from .tools.artboard import BACKGROUNDS

if TYPE_CHECKING:
    from .window_api import EditorWindow



class NewArtboardDialog(QDialog):
    def __init__(self, parent: QWidget, name: str, width: int, height: int):
        super().__init__(parent)
        self.setObjectName("NewArtboardDialog")
        self.setWindowTitle("New Artboard")
        form = QFormLayout(self)
        self.name = QLineEdit(name)
        self.preset = QComboBox()
        self.preset.addItems([*PRESETS, CUSTOM])
        self.width_px, self.height_px, self.x, self.y = (QSpinBox() for _ in range(4))
        for box, lo in ((self.width_px, 1), (self.height_px, 1), (self.x, -30000), (self.y, -30000)):
            box.setRange(lo, 30000)
            box.setSuffix(" px")
        self.width_px.setValue(width)
        self.height_px.setValue(height)
        self.background = QComboBox()
        self.background.addItems(list(BACKGROUNDS))
        self.color = QColor(255, 255, 255)
        self.color_button = QPushButton("Color…")
        self.color_button.clicked.connect(self._pick)
        for label, widget in (("Name:", self.name), ("Size:", self.preset),
                              ("Width:", self.width_px), ("Height:", self.height_px),
                              ("X:", self.x), ("Y:", self.y),
                              ("Background:", self.background), ("", self.color_button)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.preset.textActivated.connect(self._preset)
        for box in (self.width_px, self.height_px):
            box.valueChanged.connect(self._sized)
        self.background.currentTextChanged.connect(self._shown)
        self._sized()
        self._shown()

    def _preset(self, name: str) -> None:
        if name in PRESETS:
            for box, value in zip((self.width_px, self.height_px), PRESETS[name]):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)

    def _sized(self, *_) -> None:
        self.preset.setCurrentText(preset_of(self.width_px.value(), self.height_px.value()))

    def _shown(self, *_) -> None:
        self.color_button.setEnabled(self.kind() == "other")

    def _pick(self) -> None:
        from editor.ui import dialogs

        color = dialogs.ask_color(self, self.color, "Color Picker (Artboard Background)")
        if color is not None:
            self.color = color

    def kind(self) -> str:
        return BACKGROUNDS[self.background.currentText()]

    def values(self) -> dict:
        return {"name": self.name.text().strip() or None,
                "box": Box(self.x.value(), self.y.value(), self.width_px.value(),
                           self.height_px.value()),
                "background": self.kind(),
                "color": (self.color.red(), self.color.green(), self.color.blue())}


class ArtboardCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("new_artboard", "New &Artboard…", self.new_artboard, enabled=has_doc,
                       menu="layer", after="new_group",
                       tip="Add an artboard: a top-level group that shows its content inside "
                           "its rectangle, over its background"),
            ActionSpec("artboard_from_layers", "Artboard from La&yers",
                       self.artboard_from_layers, enabled=has_node, menu="layer",
                       after="new_artboard",
                       tip="Put the selected layers into a new artboard round their bounds"),
        ]

    def new_artboard(self) -> Optional[dict]:
        w = self.window
        doc = w.doc
        if doc is None:
            return None
        dialog = NewArtboardDialog(w, doc.next_layer_name("Artboard"), *PRESETS["iPhone X"])
        if not dialog.exec():
            return None
        values = dialog.values()
        run_on_doc(w, "Could not add the artboard", lambda d: new_artboard(d, **values))
        return values

    def artboard_from_layers(self) -> None:
        nodes = self.window.layers_panel.selected_nodes()
        run_on_doc(self.window, "Could not make the artboard",
                   lambda d: artboard_from_layers(d, nodes))
