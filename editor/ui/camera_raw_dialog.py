"""Filter > Camera Raw Filter… (Shift+Ctrl+A)'s dialog: a large preview of the layer
developed as the Basic panel's sliders stand, beside them (`FilterForm` rows, in Camera
Raw's order: White Balance, Tone, Presence).

As in Photoshop, where Camera Raw opens in its own window, the canvas does not follow the
sliders: the preview is the layer reduced to VIEW_SIDE px, developed by the very function
the filter runs (`camera_raw.develop`, its local radii scaled to the copy) on the main
thread as each slider moves; OK runs the filter at full resolution through `filter_ops`
(`PixelDialog.accept`: one undo step, progress while it runs), Cancel leaves nothing. The
Before button (P) shows the layer as it was; Before/After (Y) shows both side by side.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from editor.model import camera_raw as cr, filter_ops

from .color_range import reduced
from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

VIEW_SIDE = 720  # the preview's longer side (px)

FILTER_ROWS[cr.CameraRaw] = [
    ("temperature", "Temperature", -100, 100, 0, ""),
    ("tint", "Tint", -100, 100, 0, ""),
    ("exposure", "Exposure", -5.0, 5.0, 2, ""),
    ("contrast", "Contrast", -100, 100, 0, ""),
    ("highlights", "Highlights", -100, 100, 0, ""),
    ("shadows", "Shadows", -100, 100, 0, ""),
    ("whites", "Whites", -100, 100, 0, ""),
    ("blacks", "Blacks", -100, 100, 0, ""),
    ("texture", "Texture", -100, 100, 0, ""),
    ("clarity", "Clarity", -100, 100, 0, ""),
    ("dehaze", "Dehaze", -100, 100, 0, ""),
    ("vibrance", "Vibrance", -100, 100, 0, ""),
    ("saturation", "Saturation", -100, 100, 0, "")]
NOTES[cr.CameraRaw] = ("The preview is a reduced copy; OK develops the full layer. "
                       "P: before, Y: before and after side by side.")


class CameraRawDialog(FilterDialog):
    """The Basic panel's sliders beside a large before/after preview."""

    title = "Camera Raw Filter"

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: cr.CameraRaw):
        super().__init__(window, target, op)
        self.setWindowTitle(self.title)
        canvas = window.doc.canvas
        box = target.bounds().intersect(canvas)
        pixels = np.ascontiguousarray(target.crop(box if not box.is_empty() else
                                                  target.bounds()))
        self.small, self.scale = reduced(pixels, VIEW_SIDE)
        self.small = np.ascontiguousarray(self.small)
        self.developed = self.small  # the reduced layer as the sliders stand
        self.view = QLabel()
        self.view.setObjectName("CameraRawPreview")
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setMinimumSize(VIEW_SIDE, VIEW_SIDE * 2 // 3)
        self.before = QPushButton("Before (P)")
        self.before.setObjectName("CameraRawBefore")
        self.before.setCheckable(True)
        self.before.setAutoDefault(False)
        self.before.setToolTip("Shows the layer as it was (P)")
        self.before.toggled.connect(lambda _on: self._show())
        self.split = QPushButton("Before/After (Y)")
        self.split.setObjectName("CameraRawSplit")
        self.split.setCheckable(True)
        self.split.setAutoDefault(False)
        self.split.setToolTip("Shows the layer as it was and developed, side by side (Y)")
        self.split.toggled.connect(lambda _on: self._show())
        QShortcut(QKeySequence("P"), self, activated=self.before.toggle)
        QShortcut(QKeySequence("Y"), self, activated=self.split.toggle)
        # The canvas is not previewed (Camera Raw's own window): its checkbox goes.
        self.preview_check.setVisible(False)
        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        toggles = QHBoxLayout()
        toggles.addWidget(self.before)
        toggles.addWidget(self.split)
        toggles.addStretch(1)
        left.addLayout(toggles)
        self.body.removeWidget(self.form)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        top.addWidget(self.form)
        self.body.insertLayout(0, top)

    def keyPressEvent(self, event) -> None:
        # P and Y reach here when no shortcut took them (the window not active yet).
        if event.modifiers() == Qt.KeyboardModifier.NoModifier and \
                event.key() in (Qt.Key.Key_P, Qt.Key.Key_Y):
            (self.before if event.key() == Qt.Key.Key_P else self.split).toggle()
            return
        super().keyPressEvent(event)

    def changed(self) -> None:
        """A slider moved: the reduced copy developed again (the canvas waits for OK)."""
        if not hasattr(self, "view"):  # (FilterForm's first values, before the view exists)
            return
        try:
            self.developed = self.develop(self.operation())
            self.preview.error = None
        except Exception as exc:  # (said in one line under the sliders)
            self.preview.error = exc
        self._update_state()
        self._show()

    def develop(self, op) -> np.ndarray:
        """The reduced copy through `op` (HDR Toning's dialog puts its own here)."""
        return cr.preview(op, self.small, self.scale)

    def _show(self) -> None:
        if self.split.isChecked():
            gap = np.zeros((self.small.shape[0], 4, 4), np.uint8)
            picture = np.concatenate([self.small, gap, self.developed], axis=1)
        else:
            picture = self.small if self.before.isChecked() else self.developed
        image = rgba_to_qimage(np.ascontiguousarray(picture))
        pixmap = QPixmap.fromImage(image)
        if pixmap.width() > self.view.width() or pixmap.height() > self.view.height():
            pixmap = pixmap.scaled(self.view.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        self.view.setPixmap(pixmap)


DIALOGS = {cr.CameraRaw: CameraRawDialog}
