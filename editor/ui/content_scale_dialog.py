"""Edit > Content-Aware Scale… (Alt+Shift+Ctrl+C): a dialog with Photoshop's options bar
fields (W and H in per cent, Amount, Protect: None or an alpha channel, Protect Skin
Tones) and a live preview of the active layer (or its selected pixels) at a reduced size; OK scales the layer in
one undo step (`editor.model.content_scale`) as a job (seconds on a large photo: progress
and Cancel in the status bar), Cancel or Esc (the dialog's, or the job's) leaves it as it was.

A dialog rather than the Free Transform box: the transform box previews by redrawing the
layer through an affine map per mouse move, which seam carving is not; a preview of a
reduced copy, recomputed a moment after a field changes, keeps the dialog responsive.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout,
                               QLabel, QVBoxLayout)

from editor.jobs import Job
from editor.model import content_scale
from editor.model.content_scale import ScaleOptions, scalable_layer, scaled_pixels

from .actions import ActionSpec, has_node, run_on_doc
from .dialogs import number_box, ok_cancel
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

PREVIEW_SIDE = 360   # the preview's reduced copy fits this many pixels a side
PREVIEW_DELAY_MS = 120
FAILURE = "Could not scale"


class ContentScaleDialog(QDialog):
    def __init__(self, window: "EditorWindow", layer, doc):
        super().__init__(window)
        self.setWindowTitle("Content-Aware Scale")
        self.setObjectName("ContentScaleDialog")
        self.doc, self.layer = doc, layer
        self.source = content_scale.scale_source(doc, layer)  # the layer, or the selection's
        h, w = self.source.pixels.shape[:2]
        self.source_size = (w, h)
        layout = QHBoxLayout(self)
        self.preview = QLabel()
        self.preview.setObjectName("ContentScalePreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.preview.setMinimumSize(int(PREVIEW_SIDE * 1.3), PREVIEW_SIDE)
        self.preview.setStyleSheet("background: #3a3a3a;")
        layout.addWidget(self.preview, 1)
        side = QVBoxLayout()
        form = QFormLayout()
        self.width_pct = number_box("ContentScaleW", 1.0, 400.0, " %", 1)
        self.height_pct = number_box("ContentScaleH", 1.0, 400.0, " %", 1)
        self.amount = number_box("ContentScaleAmount", 0.0, 100.0, " %", 0)
        for box, value in ((self.width_pct, 100.0), (self.height_pct, 100.0),
                           (self.amount, 100.0)):
            box.setValue(value)
            box.valueChanged.connect(self._schedule)
        form.addRow("W", self.width_pct)
        form.addRow("H", self.height_pct)
        form.addRow("Amount", self.amount)
        self.protect = QComboBox()
        self.protect.setObjectName("ContentScaleProtect")
        self.protect.addItem("None", None)
        for channel in doc.channels:
            self.protect.addItem(channel.name, channel.uid)
        self.protect.currentIndexChanged.connect(self._schedule)
        form.addRow("Protect", self.protect)
        self.skin = QCheckBox("Protect Skin Tones")
        self.skin.setObjectName("ContentScaleSkin")
        self.skin.toggled.connect(self._schedule)
        form.addRow("", self.skin)
        side.addLayout(form)
        self.size_label = QLabel()
        self.size_label.setObjectName("ContentScaleSize")
        side.addWidget(self.size_label)
        side.addStretch(1)
        self.buttons = ok_cancel(self)
        side.addWidget(self.buttons)
        layout.addLayout(side)
        # The reduced copy the preview carves, and its protection, taken once.
        scale = min(1.0, PREVIEW_SIDE / max(w, h))
        self._small_size = (max(1, round(w * scale)), max(1, round(h * scale)))
        self._small = content_scale.preview_copy(self.source.pixels, *self._small_size) \
            if scale < 1.0 else self.source.pixels
        self._protects: dict = {}  # alpha channel uid -> its reduced copy (taken once)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.update_preview()

    def options(self) -> ScaleOptions:
        return ScaleOptions(self.width_pct.value(), self.height_pct.value(),
                            self.amount.value(), self.protect.currentData(),
                            self.skin.isChecked())

    def _schedule(self, *_) -> None:
        self._timer.start()

    def _small_protect(self, uid) -> Optional[np.ndarray]:
        """The alpha channel `uid` over the reduced copy (None: no protection); reduced
        once per channel, not at every change of a field (0.4 s a time at 12 Mpx)."""
        if uid is None:
            return None
        if uid not in self._protects:
            full = content_scale.protect_mask(self.doc, self.source.box, uid)
            self._protects[uid] = full if full.shape[::-1] == self._small_size else \
                content_scale.preview_copy(full, *self._small_size)
        return self._protects[uid]

    def update_preview(self) -> None:
        options = self.options()
        w, h = options.size(*self.source_size)
        self.size_label.setText(f"{self.source_size[0]} × {self.source_size[1]} px  →  "
                                f"{w} × {h} px")
        protect = self._small_protect(options.protect)
        pixels = scaled_pixels(self._small, options, protect)
        self.preview.setPixmap(QPixmap.fromImage(rgba_to_qimage(pixels)))


class ContentScaleCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("content_aware_scale", "Content-Aware &Scale…", self.content_aware_scale,
                           "Alt+Shift+Ctrl+C",
                           tip="Resize the layer keeping people and objects undistorted: "
                               "the plainer ground between them shrinks or grows",
                           enabled=has_node, menu="edit", after="stroke")]

    def content_aware_scale(self) -> Optional[ContentScaleDialog]:
        w = self.window
        dialog = run_on_doc(w, "Could not scale", lambda doc: ContentScaleDialog(
            w, scalable_layer(doc.active), doc))
        if dialog is None:
            return None
        layer = dialog.layer
        self.dialog = dialog  # for tests and screenshots
        if not dialog.exec():
            return dialog
        self.scale(dialog.doc, dialog.options(), layer)
        return dialog

    def scale(self, doc, options: ScaleOptions, layer) -> Optional[Job]:
        """Scales `layer` by `options` as a job (seconds on a large photo: progress and Esc
        in the status bar, the window answering); the layer changes, in one undo step, only
        when it finished. Returns the job (None: nothing to scale, or refused)."""
        def land(prepared, out) -> None:  # (no status line)
            content_scale.land(doc, prepared, out)

        # (prepare gives None at the same size: no job, no step)
        return self.window.jobs.submit_prepared(
            content_scale.STEP_NAME, lambda: content_scale.prepare(doc, options, layer),
            content_scale.run, land, FAILURE)
