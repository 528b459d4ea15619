"""Select > Color Range…: Photoshop's dialog for a soft selection by colour or tone.

Select: Sampled Colors (the eyedroppers' colours), Reds .. Magentas, Highlights,
Midtones, Shadows, Skin Tones (with Detect Faces: fitted to the skin of the faces found, the
status bar says how many); Fuzziness; Localized Color Clusters with its Range; the tonal
ranges' Range; Invert. While the dialog is open the canvas is its eyedropper
(`ColorRangePickMode`): a click samples the colour there (the dialog's Sample / Add /
Subtract buttons say what a plain click does; Shift adds, Alt subtracts, as in
Photoshop; so does a click on the thumbnail; Ctrl+Z takes the last sample back). Like Photoshop's Color Range it samples what the canvas shows (the merged
visible layers); Sample Merged off samples the active layer alone. The dialog shows
the selection as a greyscale thumbnail and, as Photoshop's Selection Preview, on the
canvas (Grayscale or Quick Mask tint, an overlay that never touches the document);
both are computed on a reduced copy of the picture, the real one on OK. OK makes the
selection in one undo step, "Color Range" (the full-size range computed as a job: progress
and Cancel in the status bar, nothing changes until it finished): within the selection (Photoshop's rule
when something is selected), or as a new selection, added to or taken from it.

`CanvasSampling` (the canvas as eyedropper, the pick buttons, the samples and their
Ctrl+Z) is shared with Image > Adjustments > Replace Color's dialog.
The dialog is not modal (a modal dialog takes the canvas's clicks away too);
`refine_brush.CanvasOnly` keeps the rest of the window still meanwhile, as for Select
and Mask. The maths are `editor.model.color_range` (no Qt).
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCursor, QImage, QKeySequence, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog,
                               QFormLayout, QHBoxLayout, QLabel, QSlider, QSpinBox,
                               QToolButton, QVBoxLayout, QWidget)

from editor.jobs import Job
from editor.model import Layer, color_range as cr, selection_ops

from .dialogs import ok_cancel
from .mask_tint import TINT, TINT_OPACITY
from .beside_canvas import BesideCanvas
from .tools import Tool

if TYPE_CHECKING:
    from .window_api import EditorWindow

OVERLAY = "color-range"
PREVIEW_SIDE = 1024   # the reduced picture the previews are computed on (longer side, px)
THUMB_SIDE = 220      # the dialog's greyscale thumbnail
SETTINGS_KEY = "color_range/"
JOB_NAME = "Color Range"
PICKS = (("sample", "Sample", "Click a colour to sample it"),
         ("add", "+ Add", "Add to Sample (Shift+click)"),
         ("subtract", "− Subtract", "Subtract from Sample (Alt+click)"))
RESULTS = (("replace", "New Selection"), ("add", "Add to Selection"),
           ("subtract", "Subtract from Selection"), ("intersect", "Within Selection"))
VIEWS = (("none", "None"), ("grayscale", "Grayscale"), ("quick_mask", "Quick Mask"))


class ColorRangePickMode(Tool):
    """The canvas while Color Range is open: a click samples a colour for the dialog."""
    id = "color_range_pick"
    label = "Color Range Eyedropper"
    icon = "tool-eyedropper"
    tip = "Click a colour to sample it (Shift: add to sample, Alt: subtract from sample)"

    def __init__(self, window, dialog: "CanvasSampling"):
        super().__init__(window)
        self.dialog = dialog

    def activate(self, canvas) -> None:
        self.window.status(f"{self.dialog.windowTitle()}: click the image to sample a colour "
                           "(Shift adds, Alt subtracts).")

    def commit(self, canvas) -> None:
        pass  # each click is already in the dialog; OK or Cancel decides

    cancel = commit

    def step_back(self) -> bool:
        """Ctrl+Z while the dialog is open: the last sample taken back (Photoshop's undo
        in Color Range), never a step of the document."""
        self.dialog.undo_sample()
        return True

    def step_forward(self) -> None:
        self.dialog.redo_sample()

    def press(self, canvas, ev) -> None:
        self.dialog.sample_at(int(np.floor(ev.image.x())), int(np.floor(ev.image.y())),
                              modifier_mode(ev.modifiers))

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)


def modifier_mode(modifiers) -> Optional[str]:
    """Photoshop's keys on an eyedropper click: Shift adds, Alt subtracts (None: the
    checked eyedropper's way)."""
    if modifiers & Qt.KeyboardModifier.ShiftModifier:
        return "add"
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return "subtract"
    return None


class PreviewThumb(QLabel):
    """The dialog's greyscale thumbnail; a click on it samples there too (Photoshop's
    eyedroppers work on its preview as on the image)."""

    def __init__(self, dialog: "ColorRangeDialog"):
        super().__init__()
        self.dialog = dialog

    def mousePressEvent(self, e) -> None:
        pix = self.pixmap()
        if pix is None or pix.isNull():
            return
        x0, y0 = (self.width() - pix.width()) / 2, (self.height() - pix.height()) / 2
        u = (e.position().x() - x0) / pix.width()
        v = (e.position().y() - y0) / pix.height()
        if 0 <= u < 1 and 0 <= v < 1:
            doc = self.dialog.doc
            self.dialog.sample_at(int(u * doc.width), int(v * doc.height),
                                  modifier_mode(e.modifiers()))


def reduced(image: np.ndarray, side: int = PREVIEW_SIDE) -> tuple[np.ndarray, float]:
    """`image` shrunk (area average) to fit `side`, and the factor it was scaled by."""
    import cv2

    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), scale


class CanvasSampling(BesideCanvas):
    """What Color Range's and Replace Color's dialogs share: open beside the canvas (not
    modal) with the canvas as their eyedropper (`ColorRangePickMode`), the Sample / Add /
    Subtract buttons, and the samples clicked, Ctrl+Z and Shift+Ctrl+Z stepping through
    them. The dialog calls `_init_sampling` first and `leave_canvas` when it is done, and
    has `samples_changed()` (the samples moved); `exec_beside_canvas` shows it."""

    def _init_sampling(self, window: "EditorWindow") -> None:
        self.main_window = window
        self.canvas = window.canvas
        self.mode = ColorRangePickMode(window, self)
        self.samples: tuple[cr.Sample, ...] = ()
        self._undone: list[tuple[cr.Sample, ...]] = []   # samples Ctrl+Z took back
        self._before: list[tuple[cr.Sample, ...]] = []   # the samples before each click

    def samples_changed(self) -> None:
        raise NotImplementedError

    def _pick_buttons(self, prefix: str) -> QHBoxLayout:
        """The eyedroppers' row: what a plain click on the canvas does."""
        picks = QHBoxLayout()
        self.picks = QButtonGroup(self)
        for i, (key, text, tip) in enumerate(PICKS):
            button = QToolButton()
            button.setObjectName(f"{prefix}Pick_{key}")
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(i == 0)
            self.picks.addButton(button, i)
            picks.addWidget(button)
        picks.addStretch(1)
        return picks

    def _undo_keys(self) -> None:
        for keys, slot in ((["Ctrl+Z"], self.undo_sample),
                           (["Shift+Ctrl+Z", "Ctrl+Y"], self.redo_sample)):
            action = QAction(self)  # the window's Undo and Redo keys with the dialog in front
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _checked=False, f=slot: f())
            self.addAction(action)

    def pick_mode(self) -> str:
        return PICKS[max(0, self.picks.checkedId())][0]

    def take_sample(self, sample: cr.Sample, mode: Optional[str] = None) -> None:
        """`sample` taken by `mode` ("sample", "add", "subtract"; None: the checked
        eyedropper's)."""
        ranged = cr.ColorRange(samples=self.samples).with_sample(sample, mode or self.pick_mode())
        self._before.append(self.samples)
        self._undone.clear()
        self.samples = ranged.samples
        self.samples_changed()

    def undo_sample(self) -> None:
        if self._before:
            self._undone.append(self.samples)
            self.samples = self._before.pop()
            self.samples_changed()

    def redo_sample(self) -> None:
        if self._undone:
            self._before.append(self.samples)
            self.samples = self._undone.pop()
            self.samples_changed()

    def canvas_mode(self):
        return self.mode


class ColorRangeDialog(CanvasSampling, QDialog):
    """The settings, the eyedroppers' samples and the previews; `settings()` is what OK
    selects and `result_op()` how it joins the selection."""

    OVERLAY = OVERLAY  # the canvas overlay its preview sets

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)  # type: ignore[arg-type]
        self.setObjectName("ColorRangeDialog")
        self.setWindowTitle("Color Range")
        self._init_sampling(window)
        self.doc = window.doc
        self._closed = False
        self.previews = 0         # how many previews were shown (tests)
        self.existing = selection_ops.current_mask(self.doc)
        self._build(window.settings)
        self._resample()

    # -- layout ------------------------------------------------------------------------------
    def _build(self, settings) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.select = QComboBox()
        self.select.setObjectName("ColorRangeSelect")
        for key in cr.KINDS:
            self.select.addItem(cr.LABELS[key], key)
        self.select.setCurrentIndex(max(0, self.select.findData(
            settings.value(SETTINGS_KEY + "select", "sampled"))))
        self.select.currentIndexChanged.connect(self._kind_changed)
        form.addRow("Select", self.select)
        self.localized = QCheckBox("Localized Color Clusters")
        self.localized.setObjectName("ColorRangeLocalized")
        self.localized.setToolTip("Select only the colours near the points clicked (Range)")
        self.localized.setChecked(settings.value(SETTINGS_KEY + "localized", False, bool))
        self.localized.toggled.connect(self._kind_changed)
        form.addRow("", self.localized)
        self.detect_faces = QCheckBox("Detect Faces")
        self.detect_faces.setObjectName("ColorRangeDetectFaces")
        self.detect_faces.setToolTip("Find the faces and select the skin tones of their skin")
        self.detect_faces.setChecked(settings.value(SETTINGS_KEY + "detect_faces", False, bool))
        self.detect_faces.toggled.connect(self._faces_toggled)
        form.addRow("", self.detect_faces)
        self.fuzziness = self._slider(form, "Fuzziness", "ColorRangeFuzziness", 0, 200,
                                      settings.value(SETTINGS_KEY + "fuzziness", 40, int))
        self._fuzz_group = "sampled"  # (the colour presets take none)
        self._fuzz_kept = {"sampled": self.fuzziness.value(),
                           "tone": settings.value(SETTINGS_KEY + "tone_fuzziness",
                                                  int(cr.TONE_FUZZINESS), int)}
        self.range_pct = self._slider(form, "Range", "ColorRangeRange", 0, 100,
                                      settings.value(SETTINGS_KEY + "range", 100, int), " %")
        self.tone_low = self._slider(form, "Range from", "ColorRangeToneLow", 0, 255, 0)
        self.tone_high = self._slider(form, "Range to", "ColorRangeToneHigh", 0, 255, 65)
        layout.addLayout(form)

        layout.addLayout(self._pick_buttons("ColorRange"))

        self.thumb = PreviewThumb(self)
        self.thumb.setObjectName("ColorRangePreview")
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setMinimumSize(THUMB_SIDE, THUMB_SIDE)
        self.thumb.setToolTip("The selection to come; click it to sample there too")
        layout.addWidget(self.thumb)

        options = QFormLayout()
        self.invert = QCheckBox("Invert")
        self.invert.setObjectName("ColorRangeInvert")
        self.invert.setChecked(settings.value(SETTINGS_KEY + "invert", False, bool))
        self.invert.toggled.connect(self.update_preview)
        options.addRow("", self.invert)
        self.merged = QCheckBox("Sample Merged")
        self.merged.setObjectName("ColorRangeMerged")
        self.merged.setToolTip("Select by what the canvas shows (Photoshop's Color Range); "
                               "off: by the active layer's own pixels")
        self.merged.setChecked(settings.value(SETTINGS_KEY + "merged", True, bool))
        self.merged.setEnabled(isinstance(self.doc.active, Layer))
        self.merged.toggled.connect(self._resample)
        options.addRow("", self.merged)
        self.view = QComboBox()
        self.view.setObjectName("ColorRangeView")
        for key, label in VIEWS:
            self.view.addItem(label, key)
        self.view.setCurrentIndex(max(0, self.view.findData(
            settings.value(SETTINGS_KEY + "view", "grayscale"))))
        self.view.currentIndexChanged.connect(self.update_preview)
        options.addRow("Selection Preview", self.view)
        self.result_box = QComboBox()
        self.result_box.setObjectName("ColorRangeResult")
        for key, label in RESULTS:
            self.result_box.addItem(label, key)
        # Photoshop: with something selected, Color Range selects within it.
        self.result_box.setCurrentIndex(self.result_box.findData(
            "intersect" if self.existing is not None else "replace"))
        self.result_box.currentIndexChanged.connect(self.update_preview)
        options.addRow("Result", self.result_box)
        layout.addLayout(options)
        layout.addWidget(ok_cancel(self))
        self._undo_keys()
        self._kind_changed()

    def _slider(self, form: QFormLayout, label: str, name: str, low: int, high: int,
                value: int, suffix: str = "") -> QSpinBox:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(name + "Slider")
        slider.setRange(low, high)
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setValue(value)
        slider.setValue(value)
        slider.valueChanged.connect(spin.setValue)
        spin.valueChanged.connect(lambda v: (slider.blockSignals(True), slider.setValue(v),
                                             slider.blockSignals(False), self.update_preview()))
        spin.slider = slider  # (kept together: ranges and enabling follow the spin box)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(slider, 1)
        row.addWidget(spin)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow(label, holder)
        spin.row = (form, holder)
        return spin

    def _show_row(self, spin: QSpinBox, shown: bool, enabled: bool = True) -> None:
        form, holder = spin.row
        form.setRowVisible(holder, shown)
        holder.setEnabled(enabled)

    def _kind_changed(self, *_args) -> None:
        """Shows the controls that mean something for what is selected (Photoshop greys the
        eyedroppers and Fuzziness out for the colour and tone presets)."""
        kind = self.kind()
        sampled, tone = kind == "sampled", kind in cr.TONES
        self.localized.setVisible(sampled)
        self.detect_faces.setVisible(kind == "skin")  # (Photoshop's: Skin Tones only)
        self._show_row(self.fuzziness, kind not in cr.COLOURS)  # (Skin Tones take it too)
        fuzz = self.fuzziness
        group = "tone" if tone else "sampled"
        if group != self._fuzz_group:  # the tonal ranges' Fuzziness is a % of their own
            self._fuzz_kept[self._fuzz_group] = fuzz.value()
            self._fuzz_group = group
            fuzz.blockSignals(True)
            fuzz.setSuffix(" %" if tone else "")
            fuzz.setMaximum(100 if tone else int(cr.FUZZINESS_MAX))
            fuzz.slider.setMaximum(fuzz.maximum())
            fuzz.setValue(self._fuzz_kept[group])
            fuzz.slider.setValue(fuzz.value())
            fuzz.blockSignals(False)
        self._show_row(self.range_pct, sampled, self.localized.isChecked())
        for button in self.picks.buttons():
            button.setEnabled(sampled)
        if tone:
            low, high = cr.TONE_RANGES[kind]
            for spin, value in ((self.tone_low, low), (self.tone_high, high)):
                spin.blockSignals(True)
                spin.setValue(value)
                spin.slider.setValue(value)
                spin.blockSignals(False)
        # Shadows start at black, Highlights end at white: one end moves (Photoshop's
        # single Range slider); Midtones have both.
        self._show_row(self.tone_low, tone, kind != "shadows")
        self._show_row(self.tone_high, tone, kind != "highlights")
        self.update_preview()

    # -- what the dialog says ------------------------------------------------------------------
    def kind(self) -> str:
        return self.select.currentData()

    def result_op(self) -> str:
        return self.result_box.currentData()

    def settings(self) -> cr.ColorRange:
        return cr.ColorRange(select=self.kind(), fuzziness=float(self.fuzziness.value()),
                             samples=self.samples, localized=self.localized.isChecked(),
                             range_pct=float(self.range_pct.value()),
                             tone_range=(self.tone_low.value(), self.tone_high.value()),
                             invert=self.invert.isChecked(),
                             detect_faces=self.detect_faces.isChecked())

    def layer(self) -> Optional[Layer]:
        active = self.doc.active
        return None if self.merged.isChecked() or not isinstance(active, Layer) else active

    def remember(self, settings) -> None:
        self._fuzz_kept[self._fuzz_group] = self.fuzziness.value()
        settings.set_value(SETTINGS_KEY + "tone_fuzziness", self._fuzz_kept["tone"])
        for key, value in (("select", self.kind()), ("localized", self.localized.isChecked()),
                           ("fuzziness", self._fuzz_kept["sampled"]),
                           ("range", self.range_pct.value()),
                           ("invert", self.invert.isChecked()),
                           ("detect_faces", self.detect_faces.isChecked()),
                           ("merged", self.merged.isChecked()),
                           ("view", self.view.currentData())):
            settings.set_value(SETTINGS_KEY + key, value)

    # -- the eyedroppers ---------------------------------------------------------------------
    def sample_at(self, x: int, y: int, mode: Optional[str] = None) -> bool:
        """A click at canvas pixel (x, y): its colour sampled by `mode` (None: the checked
        eyedropper's). False when nothing was sampled (outside, not Sampled Colors)."""
        if self.kind() != "sampled":
            self.main_window.status("Color Range: the eyedroppers sample for Sampled Colors.")
            return False
        sample = cr.sample_of(self.image, x, y)
        if sample is None:
            return False
        self.take_sample(sample, mode)
        return True

    def samples_changed(self) -> None:
        self.update_preview()

    def _faces_toggled(self, on: bool) -> None:
        self.update_preview()  # (the faces are found here, once per picture)
        if on and self.kind() == "skin":
            found = self.faces_found()
            self.main_window.status(
                f"Detect Faces: {found} face{'' if found == 1 else 's'} found" if found else
                "Detect Faces: no face found; Skin Tones selects every skin colour.")

    def faces_found(self) -> int:
        """How many faces Detect Faces found in the (reduced) picture."""
        return len(self.small.face_skin.faces)

    # -- the previews --------------------------------------------------------------------------
    def _resample(self, *_args) -> None:
        """The picture sampled (merged or the active layer), and its reduced copy."""
        self.image = cr.sampled_image(self.doc, self.layer())
        small, self.scale = reduced(self.image)
        self.small = cr.Colours(np.ascontiguousarray(small))
        self.small_existing = None if self.existing is None else \
            reduced(self.existing)[0]
        self.update_preview()

    def preview_mask(self) -> np.ndarray:
        """The selection OK would make, on the reduced picture."""
        s = self.settings()
        f = self.scale
        s = replace(s, samples=tuple(replace(p, x=int(p.x * f), y=int(p.y * f))
                                     for p in s.samples))
        mask = cr.range_mask(self.small, s)
        op = self.result_op()
        if self.small_existing is None and op == "intersect":
            op = "replace"
        return selection_ops.combine(self.small_existing, mask, op)

    def update_preview(self, *_args) -> None:
        if self._closed or not hasattr(self, "small"):
            return
        mask = np.ascontiguousarray(self.preview_mask())
        self.shown = mask
        h, w = mask.shape
        image = QImage(mask.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.thumb.setPixmap(QPixmap.fromImage(image).scaled(
            THUMB_SIDE, THUMB_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))
        self._show_on_canvas(mask)
        self.previews += 1

    def _show_on_canvas(self, mask: np.ndarray) -> None:
        canvas = self.canvas
        if canvas is None:
            return
        view = self.view.currentData()
        if view == "none":
            canvas.clear_overlay(OVERLAY)
            canvas.selection_outline_shown = True
            return
        canvas.selection_outline_shown = False  # the ants would hide the preview
        if view == "grayscale":
            shown = mask
        else:  # Quick Mask: the tint over what is not selected
            shown = np.empty(mask.shape + (4,), np.uint8)
            shown[..., :3] = TINT
            shown[..., 3] = np.rint((255 - mask.astype(np.float32)) * TINT_OPACITY)
        canvas.set_overlay(OVERLAY, shown, self.doc.canvas)

    def done(self, result: int) -> None:  # OK, Cancel, Esc and the close box all end here
        self._closed = True
        self.leave_canvas()
        super().done(result)


class ColorRangeCommand:
    """Select > Color Range…: the dialog, then the selection in one undo step."""

    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[ColorRangeDialog] = None

    def run(self) -> None:
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        try:
            dialog = ColorRangeDialog(w)
        except Exception as exc:
            w.report(exc, "Could not open Color Range")
            return
        self.dialog = dialog
        try:
            accepted = dialog.exec_beside_canvas()
        finally:
            self.dialog = None
        if not accepted:
            return
        dialog.remember(w.settings)
        settings, op, image = dialog.settings(), dialog.result_op(), dialog.image
        doc, session = dialog.doc, w.session
        if doc is not w.doc:
            return
        self.select(session, image, settings, op)

    def select(self, session, image: np.ndarray, settings: cr.ColorRange, op: str) -> Job:
        """The range of the whole picture as a job (0.5-0.8 s for 12 Mpx: progress and Esc
        in the status bar, not a frozen window); the selection changes, in one undo step,
        only when it finished. Returns the job."""
        w = self.window

        def land(mask: np.ndarray) -> None:
            if session in w.sessions:  # (a document closed meanwhile takes nothing)
                cr.apply_mask(session.doc, mask, op)

        job = Job(JOB_NAME, lambda progress: cr.range_mask(image, settings, progress),
                  on_finished=land)
        return w.jobs.submit(job, canvas=session.canvas,
                             failure_title="Could not select the colour range")
