"""Select > Select and Mask… (Alt+Ctrl+R): the selection's, or the targeted layer mask's, edge
refined against the picture, as Photoshop's Select and Mask (the classic Refine Edge).

The dialog holds the sliders (Edge Detection: Radius, Smart Radius, the Refine Edge
Brush's size; Global Refinements: Smooth, Feather, Contrast, Shift Edge; Output:
Decontaminate Colors and its Amount, Output To) and shows the result live on the canvas
in the chosen view (Overlay, On Black, On White, Black & White), drawn over the whole
canvas as an overlay - never as a change to the document. While it is open the canvas
is the Refine Edge Brush's (`refine_brush`): a drag paints where the edge is measured
again (hair, fur), Alt+drag restores the plain edge, each stroke gives a new preview;
for that the dialog is not modal, and `refine_brush.CanvasOnly` keeps the rest of the
window still as a modal dialog would. Photoshop's view keys work in it: F cycles the
views, V, A, T and K pick one, X shows the picture as it is (again: the view). The
preview is computed on a reduced copy of the picture on a worker thread (`DebouncedPreview`),
a short pause after the last slider move or stroke, so dragging a slider never waits for
matting. OK runs the full-size
refinement as a job (progress and Cancel in the status bar) and applies it as one undo
step, "Select and Mask"; Cancel leaves the document as it was. The work is
`editor.model.refine_edge` (no Qt).

Layer > Layer Mask > Select and Mask… and the mask thumbnail's menu target the layer
mask first, so the mask is what is refined (and Output To is Layer Mask).
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox,
                               QFormLayout, QGroupBox, QHBoxLayout, QLabel, QSlider, QSpinBox,
                               QVBoxLayout, QWidget)

from editor.jobs import Job
from editor.model import Layer, refine_edge
from editor.model.refine_edge import OUTPUT_NAMES, RefineJob, RefineSettings

from .actions import ActionSpec, Context
from .debounced_preview import DebouncedPreview
from .dialogs import ok_cancel
from .mask_tint import TINT
from .beside_canvas import BesideCanvas
from .refine_brush import RefineBrushMode
from .tools.brush import MAX_SIZE

if TYPE_CHECKING:
    from .window_api import EditorWindow

OVERLAY = "select-and-mask"
DEBOUNCE_MS = 120
# (key, label, Photoshop's key for it), in the order F cycles them (Photoshop's, less the
# views Layered lacks: Onion Skin, Marching Ants, On Layers).
VIEWS = (("overlay", "Overlay", "V"), ("black", "On Black", "A"), ("white", "On White", "T"),
         ("bw", "Black & White", "K"))
# (field, label, low, high, decimals, suffix): the sliders, in Photoshop's order.
SLIDERS = (("radius", "Radius", 0, 250, 0, " px"),
           ("smooth", "Smooth", 0, 100, 0, ""),
           ("feather", "Feather", 0, 250, 1, " px"),
           ("contrast", "Contrast", 0, 100, 0, " %"),
           ("shift_edge", "Shift Edge", -100, 100, 0, " %"))
AMOUNT = ("decontaminate_amount", "Amount", 0, 100, 0, " %")
SETTINGS_KEY = "select_and_mask/"


def can_select_and_mask(c: Context) -> bool:
    """A selection to refine, or a targeted layer mask."""
    return c.has_selection or (c.doc is not None and c.node is not None
                               and c.node.mask is not None and c.doc.mask_targeted
                               and c.doc.mask_target == "mask")


def can_refine_mask(c: Context) -> bool:
    return (c.doc is not None and c.node is not None and c.node is not c.doc.root
            and c.node.mask is not None)


def view_image(image: np.ndarray, alpha: np.ndarray, view: str) -> np.ndarray:
    """The preview of mask `alpha` (float 0..1) over RGB `image` in `view`, opaque RGB."""
    a = alpha[..., None]
    rgb = image.astype(np.float32)
    if view == "black":
        out = rgb * a
    elif view == "white":
        out = rgb * a + 255.0 * (1 - a)
    elif view == "bw":
        out = np.repeat(a * 255.0, 3, axis=2)
    else:  # Overlay: a red rubylith at half strength over what is not selected
        tint = 0.5 * (1 - a)
        out = rgb * (1 - tint) + np.array(TINT, np.float32) * tint
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


class SelectAndMaskDialog(BesideCanvas, QDialog):
    """The sliders and the live preview; `job()` is what OK applies."""

    OVERLAY = OVERLAY  # the canvas overlay its preview sets

    def __init__(self, window: "EditorWindow", job: RefineJob):
        super().__init__(window)  # type: ignore[arg-type]
        self.setObjectName("SelectAndMaskDialog")
        self.setWindowTitle("Select and Mask")
        self.main_window = window
        self.canvas = window.canvas
        self._job = job
        self.previews = 0       # how many previews were shown (tests)
        # The Refine Edge Brush's paint on the canvas (the dialog's, not the document's).
        self.painted = np.zeros(job.mask.shape, np.uint8)
        self.brush = RefineBrushMode(window, self, self.painted)
        self._preview = DebouncedPreview(self, DEBOUNCE_MS, self._preview_work,
                                         self._preview_done, self._preview_failed)
        self._build(window.settings)
        self._output_changed()
        self.schedule_preview()

    # -- layout ------------------------------------------------------------------------------
    def _build(self, settings) -> None:
        layout = QVBoxLayout(self)
        what = "the layer mask of '%s'" % self._job.node.name if self._job.from_mask \
            else "the selection"
        intro = QLabel(f"Refines the edge of {what} against the picture.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        view_form = QFormLayout()
        self.view = QComboBox()
        self.view.setObjectName("SelectAndMaskView")
        for key, label, letter in VIEWS:
            self.view.addItem(f"{label} ({letter})", key)
            self._key(letter, lambda k=key: self.set_view(k))
        self.view.setCurrentIndex(max(0, self.view.findData(
            settings.value(SETTINGS_KEY + "view", "overlay"))))
        self.view.currentIndexChanged.connect(self._show_view)
        self.view.setToolTip("F: the next view; V, A, T, K: Overlay, On Black, On White, "
                             "Black & White")
        self._key("F", self.cycle_view)
        view_form.addRow("View", self.view)
        self.original = QCheckBox("Show Original Picture (X)")
        self.original.setObjectName("SelectAndMaskOriginal")
        self.original.setToolTip("The picture as it is, without the view (X again: the view)")
        self.original.toggled.connect(self._show_view)
        self._key("X", self.original.toggle)
        view_form.addRow("", self.original)
        self.sample_all = QCheckBox("Sample All Layers")
        self.sample_all.setObjectName("SelectAndMaskSampleAll")
        self.sample_all.setToolTip("Measure the edge on what the canvas shows, not on the "
                                   "active layer alone")
        self.sample_all.setChecked(settings.value(SETTINGS_KEY + "sample_all", False, bool))
        self.sample_all.toggled.connect(self._resample)
        view_form.addRow("", self.sample_all)
        layout.addLayout(view_form)

        self.sliders: dict[str, tuple[QSlider, QDoubleSpinBox]] = {}
        edge = QGroupBox("Edge Detection")
        edge_form = QFormLayout(edge)
        self._add_slider(edge_form, SLIDERS[0], settings)
        self.smart = QCheckBox("Smart Radius")
        self.smart.setObjectName("SelectAndMaskSmartRadius")
        self.smart.setToolTip("The band follows the edge: narrow where it is crisp, as wide "
                              "as the radius where it is soft (hair, fur)")
        self.smart.setChecked(settings.value(SETTINGS_KEY + "smart_radius", False, bool))
        self.smart.toggled.connect(self.schedule_preview)
        edge_form.addRow("", self.smart)
        self.brush_size = QSpinBox()
        self.brush_size.setObjectName("SelectAndMaskBrushSize")
        self.brush_size.setRange(1, MAX_SIZE)
        self.brush_size.setSuffix(" px")
        self.brush_size.setValue(self.brush.size)
        self.brush_size.setToolTip("Paint over hair or fur on the canvas to refine the edge "
                                   "there; Alt+drag restores the edge; [ and ] change the "
                                   "size; Ctrl+Z takes the last stroke back")
        self.brush_size.valueChanged.connect(self.brush.set_size)
        edge_form.addRow("Refine Edge Brush", self.brush_size)
        self._key("[", lambda: self.brush.change_size(-1))
        self._key("]", lambda: self.brush.change_size(1))
        self._key(QKeySequence(QKeySequence.StandardKey.Undo), self.brush.step_back)
        layout.addWidget(edge)

        refine = QGroupBox("Global Refinements")
        refine_form = QFormLayout(refine)
        for spec in SLIDERS[1:]:
            self._add_slider(refine_form, spec, settings)
        layout.addWidget(refine)

        output = QGroupBox("Output Settings")
        out_form = QFormLayout(output)
        self.decontaminate = QCheckBox("Decontaminate Colors")
        self.decontaminate.setObjectName("SelectAndMaskDecontaminate")
        self.decontaminate.setToolTip("Replace the old background's colour along the soft "
                                      "edge by the object's own (on a new layer)")
        self.decontaminate.setEnabled(isinstance(self._job.node, Layer))
        self.decontaminate.toggled.connect(self._output_changed)
        out_form.addRow("", self.decontaminate)
        # The preview shows the mask, not the colours: the amount needs no new one.
        self._add_slider(out_form, AMOUNT, settings, default=100.0, live=False)
        self.sliders[AMOUNT[0]][1].setToolTip("How far the edge's colours go from the "
                                               "picture's (0 %) to the object's own (100 %)")
        self.output = QComboBox()
        self.output.setObjectName("SelectAndMaskOutput")
        for key, label in OUTPUT_NAMES.items():
            self.output.addItem(label, key)
        default = "layer_mask" if self._job.from_mask else \
            settings.value(SETTINGS_KEY + "output", "selection")
        self.output.setCurrentIndex(max(0, self.output.findData(default)))
        self.output.currentIndexChanged.connect(self._output_changed)
        out_form.addRow("Output To", self.output)
        layout.addWidget(output)

        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def _key(self, key, slot) -> None:
        """A key of the dialog (Photoshop's view keys); a field being typed in keeps its
        letters (it takes the shortcut's key first)."""
        action = QAction(self)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)

    def _add_slider(self, form: QFormLayout, spec, settings, default: float = 0.0,
                    live: bool = True) -> None:
        field, label, low, high, decimals, suffix = spec
        scale = 10 ** decimals
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(f"SelectAndMask_{field}_slider")
        slider.setRange(low * scale, high * scale)
        spin = QDoubleSpinBox()
        spin.setObjectName(f"SelectAndMask_{field}")
        spin.setRange(low, high)
        spin.setDecimals(decimals)
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.setMinimumWidth(84)
        value = settings.value(SETTINGS_KEY + field, default, float)
        spin.setValue(value)
        slider.setValue(round(value * scale))
        slider.valueChanged.connect(lambda v: spin.setValue(v / scale))
        spin.valueChanged.connect(lambda v: (slider.blockSignals(True),
                                             slider.setValue(round(v * scale)),
                                             slider.blockSignals(False),
                                             live and self.schedule_preview()))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(slider, 1)
        row.addWidget(spin)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow(label, holder)
        self.sliders[field] = (slider, spin)

    # -- what the dialog says ------------------------------------------------------------------
    def settings(self) -> RefineSettings:
        values = {field: spin.value() for field, (_, spin) in self.sliders.items()}
        return RefineSettings(smart_radius=self.smart.isChecked(),
                              decontaminate=self.decontaminate.isChecked()
                              and self.output_to() == "new_layer", **values)

    def output_to(self) -> str:
        return self.output.currentData()

    def set_view(self, key: str) -> None:
        """Shows the preview in view `key` (and ends Show Original, as a view key does in
        Photoshop)."""
        self.original.setChecked(False)
        self.view.setCurrentIndex(self.view.findData(key))

    def cycle_view(self) -> None:
        """F: the next view, after the last the first."""
        self.set_view(self.view.itemData((self.view.currentIndex() + 1) % self.view.count()))

    def job(self) -> RefineJob:
        """What OK applies (and the preview shows): the settings and a copy of the paint."""
        painted = self.painted.copy() if self.painted.any() else None
        return replace(self._job.with_settings(self.settings(), self.output_to()),
                       painted=painted)

    # -- the Refine Edge Brush (RefineBrushMode calls these) -----------------------------------
    def brush_stroked(self) -> None:
        """A stroke ended (or went back): a new preview."""
        self.schedule_preview()

    def brush_sized(self, size: int) -> None:
        if self.brush_size.value() != size:
            self.brush_size.setValue(size)

    def remember(self, settings) -> None:
        """Photoshop's "Remember Settings": the next Select and Mask starts from these."""
        s = self.settings()
        for field, _ in self.sliders.items():
            settings.set_value(SETTINGS_KEY + field, float(getattr(s, field)))
        settings.set_value(SETTINGS_KEY + "smart_radius", s.smart_radius)
        settings.set_value(SETTINGS_KEY + "view", self.view.currentData())
        settings.set_value(SETTINGS_KEY + "sample_all", self.sample_all.isChecked())
        if not self._job.from_mask:
            settings.set_value(SETTINGS_KEY + "output", self.output_to())

    def _output_changed(self) -> None:
        # Decontaminated colours need pixels of their own: a new layer (as in Photoshop).
        if self.decontaminate.isChecked() and self.output_to() != "new_layer":
            self.output.setCurrentIndex(self.output.findData("new_layer"))
        for i in range(self.output.count()):
            item = self.output.model().item(i)
            key = self.output.itemData(i)
            allowed = (not self.decontaminate.isChecked() or key == "new_layer") and (
                key == "selection" or self._job.node is not None) and (
                key != "new_layer" or isinstance(self._job.node, Layer))
            item.setEnabled(allowed)
        for widget in self.sliders[AMOUNT[0]]:
            widget.setEnabled(self.decontaminate.isChecked())

    def _resample(self) -> None:
        doc = self.main_window.doc
        if doc is None:
            return
        job = refine_edge.prepare(doc, self._job.settings, "selection",
                                  self.sample_all.isChecked())
        self._job = replace(self._job, image=job.image)
        self.schedule_preview()

    # -- the preview ----------------------------------------------------------------------------
    def schedule_preview(self, *_args) -> None:
        """A preview a moment after the last change (one per pause, not one per pixel)."""
        self._preview.schedule()

    @property
    def _running(self) -> bool:  # (a preview is being computed)
        return self._preview.running

    @property
    def _closed(self) -> bool:
        return self._preview.closed

    def _preview_work(self):
        job, strokes = self.job(), self.brush.strokes
        return lambda: (refine_edge.preview(job), strokes)

    def _preview_done(self, result) -> None:
        (self._image, self._alpha), strokes = result
        self._show_view()
        self.brush.shown(strokes)
        self.previews += 1

    def _preview_failed(self, exc: BaseException) -> None:
        self.main_window.status(f"Select and Mask could not show its preview: {exc}")

    def _show_view(self) -> None:
        if self._closed or getattr(self, "_alpha", None) is None or self.canvas is None:
            return
        doc = self.main_window.doc
        # The old selection's ants would hide the refined edge (Photoshop hides them too).
        self.canvas.selection_outline_shown = False
        if self.original.isChecked():  # X: the picture alone, until X again or a view key
            self.canvas.clear_overlay(OVERLAY)
            return
        self.canvas.set_overlay(OVERLAY, view_image(self._image, self._alpha,
                                                    self.view.currentData()), doc.canvas)

    # -- open beside the canvas ------------------------------------------------------------------
    def canvas_mode(self):
        return self.brush

    def place_beside_canvas(self) -> None:
        """At the window's right edge, over the panels, level with the canvas's top: the
        canvas, where the brush paints and the preview shows, stays in sight (Photoshop's
        Select and Mask keeps its settings in a panel on the right, too)."""
        w = self.main_window
        if not isinstance(w, QWidget) or not w.isVisible():
            return
        size = self.sizeHint().expandedTo(self.minimumSizeHint())
        right = w.mapToGlobal(w.rect().topRight())
        top = (self.canvas.mapToGlobal(self.canvas.rect().topLeft()).y()
               if isinstance(self.canvas, QWidget) else right.y() + 80)
        self.move(right.x() - size.width() - 16, top + 8)

    def done(self, result: int) -> None:  # OK, Cancel, Esc and the close box all end here
        self._preview.close()
        self.leave_canvas()
        super().done(result)


class SelectAndMaskCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[SelectAndMaskDialog] = None

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("select_and_mask", "Select and &Mask…", self.select_and_mask,
                       "Alt+Ctrl+R", enabled=can_select_and_mask, menu="select",
                       after="feather",
                       tip="Refine the edge of the selection (or of the targeted layer "
                           "mask) against the picture"),
            ActionSpec("mask_select_and_mask", "Select and &Mask…", self.refine_mask,
                       enabled=can_refine_mask, menu="layer_mask", after="mask_target",
                       tip="Refine the layer mask's edge against the picture"),
        ]

    def refine_mask(self) -> None:
        """The layer mask is what is refined: target it first (as Photoshop's mask menu)."""
        doc = self.window.doc
        if doc is not None and doc.active is not None and doc.active.mask is not None:
            doc.set_mask_targeted(True)
        self.select_and_mask()

    def select_and_mask(self) -> None:
        w = self.window
        session, doc = w.session, w.doc
        if doc is None:
            return
        w.tools.end_mode(commit=True)
        settings = w.settings
        try:
            job = refine_edge.prepare(doc, sample_all=settings.value(
                SETTINGS_KEY + "sample_all", False, bool))
        except Exception as exc:
            w.report(exc, "Could not select and mask")
            return
        dialog = SelectAndMaskDialog(w, job)
        self.dialog = dialog
        try:
            if not dialog.exec_beside_canvas():
                return
        finally:
            self.dialog = None
        dialog.remember(settings)
        job = dialog.job()
        try:
            refine_edge.check_output(doc, job, job.output)
        except Exception as exc:
            w.report(exc, "Could not select and mask")
            return

        def apply(result) -> None:
            if session not in w.sessions:
                return  # the document was closed meanwhile
            try:
                refine_edge.apply(doc, job, result)
            except Exception as exc:
                w.report(exc, "Could not select and mask")
                return
            w.status(f"Refined the edge of {'the layer mask' if job.from_mask else 'the selection'}"
                     f" into {OUTPUT_NAMES[job.output].lower()}; Ctrl+Z undoes.")

        w.jobs.submit(Job("Select and Mask", lambda progress: refine_edge.run(job, progress),
                          on_finished=apply),
                      canvas=session.canvas, failure_title="Could not select and mask")
