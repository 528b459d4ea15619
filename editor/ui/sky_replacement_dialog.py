"""Edit > Sky Replacement…: Photoshop's dialog - the sky to put in (Layered's built-in skies
or any picture the user loads), Shift Edge, Fade Edge, Sky Adjustments (Brightness,
Temperature, Scale, Flip), Foreground Adaptation (Lighting Mode, Lighting Adjustment, Color
Adjustment) and Output To (New Layers or Duplicate Layer).

The result is previewed on the canvas (an overlay, never a change to the document), computed
on a reduced copy on a worker thread (`DebouncedPreview`) a moment after the last change: the
sky is searched once, when the dialog opens, and each change only rebuilds the layers over
it. OK runs the full-size replacement as a job (progress and Cancel in the status bar) and
lands it as one undo step, "Sky Replacement"; Cancel or Esc leaves the document as it was.
The work is `editor.model.sky_replace` (no Qt).
"""
from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox,
                               QVBoxLayout)

from editor.jobs import Job
from editor.model import files, sky_replace
from editor.model.sky_replace import LIGHTING_MODES, OUTPUTS, SkyJob, SkySettings

from .actions import ActionSpec, has_doc, run_on_doc
from .debounced_preview import DebouncedPreview
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

OVERLAY = "sky-replacement"
DEBOUNCE_MS = 120
FAILURE = "Could not replace the sky"
# (field, label, low, high, suffix): the number fields, in Photoshop's order.
EDGE_FIELDS = (("shift_edge", "Shift Edge", -100, 100, ""), ("fade_edge", "Fade Edge", 0, 100, ""))
SKY_FIELDS = (("brightness", "Brightness", -100, 100, ""),
              ("temperature", "Temperature", -100, 100, ""), ("scale", "Scale", 100, 400, " %"))
FOREGROUND_FIELDS = (("lighting", "Lighting Adjustment", 0, 100, ""),
                     ("color", "Color Adjustment", 0, 100, ""))


class SkyReplacementDialog(QDialog):
    """The settings and the live preview; `job()` is what OK runs."""

    def __init__(self, window: "EditorWindow", job: SkyJob, skies: dict):
        super().__init__(window)  # type: ignore[arg-type]
        self.setObjectName("SkyReplacementDialog")
        self.setWindowTitle("Sky Replacement")
        self.main_window, self.canvas = window, window.canvas
        self._job = job
        self.skies = skies   # name -> a built-in's name or loaded RGB: the choices
        self._alpha: Optional[np.ndarray] = None   # the reduced copy's sky, once found
        self.previews = 0          # how many previews were shown (tests)
        self.preview_image: Optional[np.ndarray] = None
        self._preview = DebouncedPreview(self, DEBOUNCE_MS, self._preview_work,
                                         self._preview_done, self._preview_failed)
        self._build()
        self.finished.connect(self._closing)
        self.schedule_preview()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.sky = QComboBox()
        self.sky.setObjectName("SkyChoice")
        for name in self.skies:
            self.sky.addItem(name, name)
        self.sky.setToolTip("The built-in skies are Layered's own, drawn from gradients and "
                            "clouds; Load Sky… adds any picture")
        self.sky.currentIndexChanged.connect(self.schedule_preview)
        row.addWidget(QLabel("Sky:"))
        row.addWidget(self.sky, 1)
        load = QPushButton("Load Sky…")
        load.setObjectName("SkyLoad")
        load.clicked.connect(self.load_sky)
        row.addWidget(load)
        layout.addLayout(row)

        self.fields: dict[str, QSpinBox] = {}
        defaults = SkySettings()
        edge = QFormLayout()
        layout.addLayout(edge)
        self._add_fields(edge, EDGE_FIELDS, defaults)

        sky_box = QGroupBox("Sky Adjustments")
        sky_form = QFormLayout(sky_box)
        self._add_fields(sky_form, SKY_FIELDS, defaults)
        self.flip = QCheckBox("Flip")
        self.flip.setObjectName("SkyFlip")
        self.flip.toggled.connect(self.schedule_preview)
        sky_form.addRow("", self.flip)
        layout.addWidget(sky_box)

        fg_box = QGroupBox("Foreground Adaptation")
        fg_form = QFormLayout(fg_box)
        self.lighting_mode = QComboBox()
        self.lighting_mode.setObjectName("SkyLightingMode")
        for key, label in LIGHTING_MODES.items():
            self.lighting_mode.addItem(label, key)
        self.lighting_mode.currentIndexChanged.connect(self.schedule_preview)
        fg_form.addRow("Lighting Mode:", self.lighting_mode)
        self._add_fields(fg_form, FOREGROUND_FIELDS, defaults)
        layout.addWidget(fg_box)

        out = QFormLayout()
        self.output = QComboBox()
        self.output.setObjectName("SkyOutput")
        for key, label in OUTPUTS.items():
            self.output.addItem(label, key)
        out.addRow("Output To:", self.output)
        layout.addLayout(out)
        self.note = QLabel("Finding the sky…")
        self.note.setObjectName("SkyNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        layout.addWidget(ok_cancel(self))

    def _add_fields(self, form: QFormLayout, rows, defaults: SkySettings) -> None:
        for field, label, low, high, suffix in rows:
            spin = QSpinBox()
            spin.setObjectName(f"Sky_{field}")
            spin.setRange(low, high)
            spin.setSuffix(suffix)
            spin.setValue(getattr(defaults, field))
            spin.setKeyboardTracking(False)   # a typed number counts when it is complete
            spin.valueChanged.connect(self.schedule_preview)
            form.addRow(f"{label}:", spin)
            self.fields[field] = spin

    # -- what OK runs ----------------------------------------------------------------------------
    def settings(self) -> SkySettings:
        values = {field: spin.value() for field, spin in self.fields.items()}
        return SkySettings(flip=self.flip.isChecked(),
                           lighting_mode=self.lighting_mode.currentData(),
                           output=self.output.currentData(), **values)

    def job(self, preview: bool = False) -> SkyJob:
        """What OK runs (the sky searched again at full size); with `preview`, what the
        preview composites (the reduced sky found, the layers around the target)."""
        job = replace(self._job, sky=self.skies[self.sky.currentData()],
                      settings=self.settings(), alpha=self._alpha if preview else None)
        return job if preview else replace(job, below=None, above=None)

    def load_sky(self) -> Optional[str]:
        """Load Sky…: any picture the editor opens becomes a choice (and is chosen). Returns
        its name, or None when none was chosen or it could not be read (said in one line)."""
        start = self.main_window.settings.value("sky/folder", "", str)
        path, _ = QFileDialog.getOpenFileName(self, "Load Sky", start,
                                              "Images (*.png *.jpg *.jpeg *.tif *.tiff *.webp "
                                              "*.bmp *.psd *.psb)")
        if not path:
            return None
        try:
            rgba = files.read_image(path)
        except Exception as exc:  # a file that is no picture: one line, the dialog stays
            self.note.setText(f"Could not load that sky: {exc}")
            return None
        self.main_window.settings.set_value("sky/folder", os.path.dirname(path))
        name = os.path.basename(path)
        self.add_sky(name, rgba)
        return name

    def add_sky(self, name: str, rgba: np.ndarray) -> None:
        """A sky picture (RGB or RGBA uint8, transparency as white) added and chosen."""
        from editor.model.select_sky import flat_rgb

        rgb = flat_rgb(rgba) if rgba.shape[2] == 4 else rgba[..., :3].copy()
        self.skies[name] = rgb
        if self.sky.findData(name) < 0:
            self.sky.addItem(name, name)
        self.sky.setCurrentIndex(self.sky.findData(name))
        self.schedule_preview()

    # -- the preview ----------------------------------------------------------------------------
    def schedule_preview(self, *_args) -> None:
        """A preview a moment after the last change (one per pause, not one per click)."""
        self._preview.schedule()

    @property
    def _running(self) -> bool:  # (a preview is being computed)
        return self._preview.running

    def _preview_work(self):
        job = self.job(preview=True)
        return lambda: sky_replace.preview(job)

    def _preview_done(self, result) -> None:
        image, self._alpha = result
        if not (self._alpha >= 0.5).any():
            self.note.setText("No sky was found in the picture: there is nothing to replace.")
            self.canvas.clear_overlay(OVERLAY)
        else:
            self.note.setText("")
            self.preview_image = image
            self.canvas.set_overlay(OVERLAY, image, self.main_window.doc.canvas)
        self.previews += 1

    def _preview_failed(self, exc: BaseException) -> None:
        self.note.setText(f"Could not show the preview: {exc}")

    def _closing(self, _result: int) -> None:
        self._preview.close()
        if self.canvas is not None:
            self.canvas.clear_overlay(OVERLAY)


class SkyReplacementCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[SkyReplacementDialog] = None   # the last one (tests)
        self.loaded: dict = {}   # skies the user loaded, offered again while the editor runs

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("sky_replacement", "Sk&y Replacement…", self.sky_replacement,
                           enabled=has_doc, menu="edit", after="content_aware_scale",
                           tip="Replace the picture's sky by another and tone the foreground "
                               "to match (new layers you can still edit)")]

    def sky_replacement(self) -> Optional[SkyReplacementDialog]:
        """Opens the dialog on the active layer (what the canvas shows with a group or an
        adjustment active); OK runs `replace`."""
        w = self.window

        def open_dialog(doc) -> SkyReplacementDialog:
            # The built-in skies by name: a preview or the job draws them on the worker.
            skies = {**{name: name for name in sky_replace.BUILTIN_SKIES}, **self.loaded}
            job = sky_replace.prepare(doc, next(iter(skies.values())), SkySettings(),
                                      doc.active)
            return SkyReplacementDialog(w, job, skies)

        dialog = run_on_doc(w, FAILURE, open_dialog)
        if dialog is None:
            return None
        self.dialog = dialog
        accepted = dialog.exec()
        self.loaded.update({k: v for k, v in dialog.skies.items() if not isinstance(v, str)})
        if accepted:
            self.replace(dialog.job())
        return dialog

    def replace(self, job: SkyJob) -> Optional[Job]:
        """The full-size replacement as a job; it lands as one undo step when it finished."""
        w = self.window
        doc = w.doc

        def land(prepared: SkyJob, node) -> str:
            sky_replace.apply(doc, prepared, node)
            return f"Replaced the sky of {prepared.source}."

        return w.jobs.submit_prepared(sky_replace.NAME, lambda: job, sky_replace.run, land,
                                      FAILURE)
