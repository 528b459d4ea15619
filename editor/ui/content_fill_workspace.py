"""Edit > Content-Aware Fill…: Photoshop's Content-Aware Fill workspace, as a dialog.

Left, the layer with the Sampling Area tinted green (where the fill may copy from) and the
selection outlined; the Sampling Brush paints on it (drag adds, Alt+drag or Subtract mode
takes away; painting makes the area Custom). Right, a live Preview of the fill, computed
on a reduced copy (`content_fill.reduced`) on a worker thread a moment after each change
(a change during a run waits for it, then the newest one runs). The Fill Settings are
Photoshop's: Color Adaptation (None / Default / High / Very High: how far the copy's colours
are shifted to fit the hole's surroundings, and from High on each patch's contrast and
brightness fitted, `patchmatch_fill.COLOR_ADAPTATION` and `COLOR_FIT`), Rotation Adaptation
(None / Low / Medium / High / Full: how far a copied patch may be turned), Scale and
Mirror (copies scaled, flipped left to right; `patch_transforms`), and Output To (Current
Layer / New Layer / Duplicate Layer). OK fills at full size as a job (progress and Cancel
in the status bar) in one undo step; Cancel or Esc changes nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import cv2
import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QSpinBox, QVBoxLayout)

from editor.jobs import Job
from editor.model.content_fill import (ContentFill, apply_content_fill, blend_fill,
                                       fill_strength, reduced, run_content_fill,
                                       sampling_area)

from . import worker
from .actions import ActionSpec, has_node
from .dialogs import ok_cancel
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

VIEW_SIDE = 400          # the sampling view and the preview fit this many pixels a side
PREVIEW_DELAY_MS = 150
GREEN = np.array([40, 200, 60], np.float32)   # the Sampling Area's tint (Photoshop's green)
TINT = 0.45
FAILURE = "Could not fill"
COLOR_ADAPTATIONS = (("None", "none"), ("Default", "default"), ("High", "high"),
                     ("Very High", "very high"))
ROTATIONS = (("None", "none"), ("Low", "low"), ("Medium", "medium"), ("High", "high"),
             ("Full", "full"))
OUTPUTS = (("Current Layer", "current"), ("New Layer", "new"), ("Duplicate Layer", "duplicate"))


class SamplingView(QLabel):
    """The layer reduced, with the sampling area tinted; the Sampling Brush paints on it."""

    def __init__(self, dialog: "ContentFillWorkspace"):
        super().__init__()
        self.dialog = dialog
        self.setObjectName("ContentFillSampling")
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._last: Optional[QPoint] = None

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = event.position().toPoint()
            self._paint(self._last, self._last, event.modifiers())

    def mouseMoveEvent(self, event) -> None:
        if self._last is not None:
            p = event.position().toPoint()
            self._paint(self._last, p, event.modifiers())
            self._last = p

    def mouseReleaseEvent(self, event) -> None:
        self._last = None

    def _paint(self, a: QPoint, b: QPoint, modifiers) -> None:
        subtract = bool(modifiers & Qt.KeyboardModifier.AltModifier) or \
            self.dialog.brush_mode.currentData() == "subtract"
        self.dialog.brush(a, b, subtract)


class ContentFillWorkspace(QDialog):
    def __init__(self, window: "EditorWindow", doc, job: ContentFill):
        super().__init__(window)
        self.setWindowTitle("Content-Aware Fill")
        self.setObjectName("ContentFillWorkspace")
        self.doc, self.job = doc, job
        h, w = job.hole.shape
        self.scale = min(1.0, VIEW_SIDE / max(h, w))
        self.small_size = (max(1, round(w * self.scale)), max(1, round(h * self.scale)))
        self.small = cv2.resize(job.pixels, self.small_size, interpolation=cv2.INTER_AREA) \
            if self.scale < 1.0 else job.pixels
        self.known = (job.pixels[..., 3] > 0) & ~job.hole
        self.area = sampling_area(job, "auto")        # full window size, bool
        self.preview_rgba: Optional[np.ndarray] = None  # the last preview shown (tests)
        self.previews = 0                              # how many were shown
        self._running = False
        self._pending = False
        self._closed = False
        self._edge: Optional[np.ndarray] = None  # the selection's outline on the view
        self._painting = False  # the brush is switching the area to Custom (keep what it is)

        layout = QHBoxLayout(self)
        self.view = SamplingView(self)
        self.view.setMinimumSize(*self.small_size)
        self.preview = QLabel()
        self.preview.setObjectName("ContentFillPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.preview.setMinimumSize(*self.small_size)
        for caption, widget in (("Sampling Area (brush: drag adds, Alt+drag subtracts)",
                                 self.view), ("Preview", self.preview)):
            column = QVBoxLayout()
            column.addWidget(QLabel(caption))
            column.addWidget(widget, 1)
            layout.addLayout(column)
        side = QVBoxLayout()
        form = QFormLayout()
        self.sampling = QComboBox()
        self.sampling.setObjectName("ContentFillSamplingArea")
        for label, key in (("Auto", "auto"), ("Rectangular", "rectangular"), ("Custom", "custom")):
            self.sampling.addItem(label, key)
        self.sampling.currentIndexChanged.connect(self._sampling_chosen)
        form.addRow("Sampling Area", self.sampling)
        self.brush_mode = QComboBox()
        self.brush_mode.setObjectName("ContentFillBrushMode")
        self.brush_mode.addItem("Add", "add")
        self.brush_mode.addItem("Subtract", "subtract")
        form.addRow("Sampling Brush", self.brush_mode)
        self.brush_size = QSpinBox()
        self.brush_size.setObjectName("ContentFillBrushSize")
        self.brush_size.setRange(1, 5000)
        self.brush_size.setSuffix(" px")
        self.brush_size.setValue(max(4, round(max(h, w) / 12)))
        form.addRow("Size", self.brush_size)
        self.show_area = QCheckBox("Show Sampling Area")
        self.show_area.setChecked(True)
        self.show_area.toggled.connect(self._draw_view)
        form.addRow("", self.show_area)
        self.color = QComboBox()
        self.color.setObjectName("ContentFillColorAdaptation")
        for label, key in COLOR_ADAPTATIONS:
            self.color.addItem(label, key)
        self.color.setCurrentIndex(1)
        self.color.currentIndexChanged.connect(self._schedule)
        form.addRow("Color Adaptation", self.color)
        self.rotation = QComboBox()
        self.rotation.setObjectName("ContentFillRotationAdaptation")
        for label, key in ROTATIONS:
            self.rotation.addItem(label, key)
        self.rotation.currentIndexChanged.connect(self._schedule)
        form.addRow("Rotation Adaptation", self.rotation)
        self.scale_box = QCheckBox("Scale")
        self.scale_box.setObjectName("ContentFillScale")
        self.scale_box.toggled.connect(self._schedule)
        form.addRow("", self.scale_box)
        self.mirror = QCheckBox("Mirror")
        self.mirror.setObjectName("ContentFillMirror")
        self.mirror.toggled.connect(self._schedule)
        form.addRow("", self.mirror)
        self.output = QComboBox()
        self.output.setObjectName("ContentFillOutput")
        for label, key in OUTPUTS:
            self.output.addItem(label, key)
        form.addRow("Output To", self.output)
        side.addLayout(form)
        self.message = QLabel()
        self.message.setObjectName("ContentFillMessage")
        self.message.setWordWrap(True)
        side.addWidget(self.message)
        side.addStretch(1)
        self.buttons = ok_cancel(self)
        side.addWidget(self.buttons)
        layout.addLayout(side)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self._draw_view()
        self.update_preview()

    # -- the sampling area ------------------------------------------------------------------
    def _sampling_chosen(self, *_) -> None:
        key = self.sampling.currentData()
        if key == "custom":
            if not self._painting:
                self.area = np.zeros_like(self.area)  # Custom starts empty: paint it
        else:
            self.area = sampling_area(self.job, key)
        self._draw_view()
        self._schedule()

    def brush(self, a: QPoint, b: QPoint, subtract: bool) -> None:
        """Paints (or with `subtract` erases) the sampling area along a..b (view pixels)."""
        if self.sampling.currentData() != "custom":
            self._painting = True   # brushing makes the area Custom, keeping what it was
            self.sampling.setCurrentIndex(self.sampling.findData("custom"))
            self._painting = False
        to_full = 1.0 / self.scale
        size = max(1, self.brush_size.value())
        pa = (round(a.x() * to_full), round(a.y() * to_full))
        pb = (round(b.x() * to_full), round(b.y() * to_full))
        # Only the segment's box is painted: a whole 2 MP mask per mouse move cost 40 ms.
        h, w = self.area.shape
        x0, x1 = max(0, min(pa[0], pb[0]) - size), min(w, max(pa[0], pb[0]) + size + 1)
        y0, y1 = max(0, min(pa[1], pb[1]) - size), min(h, max(pa[1], pb[1]) + size + 1)
        if x0 >= x1 or y0 >= y1:
            return
        mask = self.area[y0:y1, x0:x1].astype(np.uint8)
        ends = [(pa[0] - x0, pa[1] - y0), (pb[0] - x0, pb[1] - y0)]
        cv2.line(mask, ends[0], ends[1], 0 if subtract else 1, size)
        cv2.circle(mask, ends[1], max(1, size // 2), 0 if subtract else 1, -1)
        self.area[y0:y1, x0:x1] = (mask > 0) & self.known[y0:y1, x0:x1]
        self._draw_view()
        self._schedule()

    def _draw_view(self, *_) -> None:
        rgb = self.small[..., :3].astype(np.float32)
        if self.show_area.isChecked():
            # Nearest, on the bool's bytes: redrawn at every brush move (a float
            # area-average of a 2 MP mask cost 20 ms of the 40 a move took).
            tint = cv2.resize(self.area.view(np.uint8), self.small_size,
                              interpolation=cv2.INTER_NEAREST).astype(np.float32)[..., None] * TINT
            rgb = rgb * (1 - tint) + GREEN * tint
        if self._edge is None:
            hole = cv2.resize(self.job.hole.astype(np.float32), self.small_size,
                              interpolation=cv2.INTER_AREA) > 0
            self._edge = hole & ~cv2.erode(hole.astype(np.uint8),
                                           np.ones((3, 3), np.uint8)).astype(bool)
        rgb[self._edge] = (255, 255, 255)   # the selection's outline
        rgba = np.dstack([np.clip(np.rint(rgb), 0, 255).astype(np.uint8),
                          np.full(self._edge.shape, 255, np.uint8)])
        self.view.setPixmap(QPixmap.fromImage(rgba_to_qimage(rgba)))

    # -- the preview ------------------------------------------------------------------------
    def options_job(self) -> ContentFill:
        """The job with the dialog's sampling area and Fill Settings (full size)."""
        from dataclasses import replace

        return replace(self.job, sampling=self.area.copy(),
                       color_adaptation=self.color.currentData(),
                       rotation=self.rotation.currentData(), scale=self.scale_box.isChecked(),
                       mirror=self.mirror.isChecked())

    def _schedule(self, *_) -> None:
        self._timer.start()

    def update_preview(self) -> None:
        if self._running:
            self._pending = True   # the newest change runs once this run is done
            return
        if not self.area.any():
            self.message.setText("Paint a sampling area: the fill copies from it.")
            return
        self.message.setText("Previewing…")
        small = reduced(self.options_job(), VIEW_SIDE)
        self._running, self._pending = True, False
        worker.start(lambda: run_content_fill(small), lambda filled: self._show(small, filled),
                     self._failed)

    def _show(self, small: ContentFill, filled: np.ndarray) -> None:
        self._running = False
        if self._closed:
            return
        view = small.pixels.copy()
        blend_fill(view, filled, fill_strength(small))
        self.preview_rgba = view
        self.previews += 1
        self.preview.setPixmap(QPixmap.fromImage(rgba_to_qimage(view)))
        self.message.setText("")
        if self._pending:
            self.update_preview()

    def _failed(self, exc: BaseException) -> None:
        self._running = False
        if self._closed:
            return
        self.message.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        if self._pending:
            self.update_preview()

    def done(self, result: int) -> None:
        self._closed = True
        self._timer.stop()
        super().done(result)

    def accept(self) -> None:
        if not self.area.any():
            self.message.setText("Paint a sampling area first: the fill copies from it.")
            return
        super().accept()


class ContentFillWorkspaceCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[ContentFillWorkspace] = None

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("content_aware_fill", "Content-A&ware Fill…", self.open,
                           tip="Fill the selection from a sampling area you paint, with a "
                               "live preview",
                           enabled=has_node, menu="edit", after="fill")]

    def open(self) -> Optional[ContentFillWorkspace]:
        w = self.window
        job = w.edit_commands.prepared_fill(FAILURE)
        if job is None:
            return None
        doc = w.doc
        dialog = ContentFillWorkspace(w, doc, job)
        self.dialog = dialog  # for tests and screenshots
        if dialog.exec():
            self.fill(doc, dialog.options_job(), dialog.output.currentData())
        return dialog

    def fill(self, doc, job: ContentFill, output: str) -> Job:
        """Fills at full size as a job; the result lands in one undo step."""
        w = self.window
        session = w.session

        def apply(filled) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            target = apply_content_fill(doc, job, filled, output=output)
            w.status(f"Filled the selection into '{target.name}' from the sampling area; "
                     "Ctrl+Z undoes.")

        return w.jobs.submit(Job("Content-Aware Fill", lambda progress: run_content_fill(job, progress),
                                 on_finished=apply),
                             canvas=session.canvas, failure_title=FAILURE)
