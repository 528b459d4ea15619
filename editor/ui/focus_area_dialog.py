"""Select > Focus Area…: In-Focus Range (a slider, or Auto), Image Noise Level, Soften Edge
and Output To (Selection, Layer Mask, New Layer, New Layer with Layer Mask), as Photoshop's
dialog asks them (the last ones remembered); on OK the focus is measured as a job (progress
and Esc in the status bar) and the output lands as one undo step. No live preview (Photoshop
shows one; here the result shows when it lands). The work is `editor.model.focus_area`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QSlider, QVBoxLayout, QWidget)

from editor.jobs import Job
from editor.model import focus_area

from .actions import ActionSpec, has_doc
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

FAILURE = "Could not select the focus area"


class FocusAreaDialog(QDialog):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setObjectName("FocusAreaDialog")
        self.setWindowTitle("Focus Area")
        settings = window.settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.in_focus = QSlider(Qt.Orientation.Horizontal)
        self.in_focus.setObjectName("FocusAreaRange")
        self.in_focus.setRange(0, 100)
        self.in_focus.setValue(settings.value("focus_area/range", 50, int))
        self.auto = QCheckBox("Auto")
        self.auto.setObjectName("FocusAreaAuto")
        self.auto.toggled.connect(lambda on: self.in_focus.setEnabled(not on))
        self.auto.setChecked(settings.value("focus_area/auto", True, bool))
        self.in_focus.setEnabled(not self.auto.isChecked())
        line.addWidget(self.in_focus, 1)
        line.addWidget(self.auto)
        form.addRow("In-Focus Range", row)
        self.noise = QSlider(Qt.Orientation.Horizontal)
        self.noise.setObjectName("FocusAreaNoise")
        self.noise.setRange(0, 100)
        self.noise.setValue(settings.value("focus_area/noise", 0, int))
        form.addRow("Image Noise Level", self.noise)
        self.output = QComboBox()
        self.output.setObjectName("FocusAreaOutput")
        for key, label in focus_area.OUTPUTS.items():
            self.output.addItem(label, key)
        self.output.setCurrentIndex(max(0, self.output.findData(
            settings.value("focus_area/output", "selection"))))
        form.addRow("Output To", self.output)
        self.soften = QCheckBox("Soften Edge")
        self.soften.setObjectName("FocusAreaSoften")
        self.soften.setChecked(settings.value("focus_area/soften", True, bool))
        form.addRow("", self.soften)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))

    def remember(self, settings) -> None:
        settings.set_value("focus_area/range", self.in_focus.value())
        settings.set_value("focus_area/auto", self.auto.isChecked())
        settings.set_value("focus_area/noise", self.noise.value())
        settings.set_value("focus_area/output", self.output.currentData())
        settings.set_value("focus_area/soften", self.soften.isChecked())


class FocusAreaCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[FocusAreaDialog] = None  # for tests and screenshots

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("focus_area", "&Focus Area…", self.focus_area, enabled=has_doc,
                           tip="Select the parts of the picture that are in focus",
                           menu="select", after="select_subject")]

    def focus_area(self) -> Optional[Job]:
        w = self.window
        if w.doc is None:
            return None
        self.dialog = dialog = FocusAreaDialog(w)
        if not dialog.exec():
            return None
        dialog.remember(w.settings)
        return self.select(None if dialog.auto.isChecked() else dialog.in_focus.value(),
                           dialog.noise.value(), dialog.soften.isChecked(),
                           dialog.output.currentData())

    def select(self, in_focus: Optional[float], noise: float, soften: bool,
               output: str) -> Optional[Job]:
        """Measures the focus on the worker; the output lands when it finishes."""
        doc = self.window.doc

        def land(prepared, result) -> str:
            focus_area.apply(doc, prepared, result, output)
            return f"Selected what is in focus (In-Focus Range {result.in_focus:.0f})."

        return self.window.jobs.submit_prepared(
            focus_area.NAME,
            lambda: focus_area.prepare(doc, doc.active, in_focus, noise, soften),
            focus_area.run, land, FAILURE)
