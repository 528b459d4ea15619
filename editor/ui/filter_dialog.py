"""The modal dialogs of Image > Adjustments and the Filter menu, previewed live on the canvas.

A dialog edits one operation's settings (`pixel_filters.py`): an adjustment's in
the very editor of the adjustment layers' Properties section (`SettingsEditor`, an
`AdjustmentEditor` holding the dialog's settings instead of a layer's), a filter's
in a few rows of sliders, check boxes and choices (`FilterForm`). Each change runs
the operation on the layer's pixels as they were when the dialog opened, on a
worker thread (`LivePreview`; a change during a run waits for it, then the newest
settings run), and puts the result on the layer as a brush stroke would, without
an undo step. OK records what is shown as one undo step (waiting, with progress,
for the run of the final settings first); Cancel puts the layer back as it was.
Shadows/Highlights is a filter's rows with Show More Options; Replace Color's dialog is
not modal (Color Range's `CanvasSampling`: the canvas is its eyedropper); Equalize's
question (selected area only, or the whole layer by it) is `EqualizeDialog`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Optional

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QLabel, QLayout, QProgressBar,
                               QPushButton, QRadioButton, QSlider, QSpinBox, QVBoxLayout,
                               QWidget)

from editor.model import (adjustments as adj, color_range as cr, fade, filter_ops,
                          more_filters as mf, pixel_filters as pf, tone_adjustments as tone)
from editor.model.layers import BLEND_MODE_LABELS
from editor.model.errors import describe
from engine.errors import Cancelled
from engine.progress import CancelToken, cancellable

from engine.box import Box

from . import worker
from .adjustment_editor import AdjustmentEditor, fields
from .color_range import THUMB_SIDE, CanvasSampling, PreviewThumb, reduced
from .curve_graph import CurveGraph
from .dialogs import ok_cancel
from .distort_rows import DISTORT_NOTES, DISTORT_ROWS

if TYPE_CHECKING:
    from .window_api import EditorWindow


GRAPH_SIDE = 300  # the Curves graph in its dialog (px)


class LivePreview:
    """Runs operations on a worker and shows each result on the layer (not recorded)."""

    def __init__(self, doc, target: filter_ops.Target, on_change: Callable[[], None]):
        self.doc, self.target, self.on_change = doc, target, on_change
        self.shown: Optional[pf.Operation] = None   # the operation whose result is on the layer
        self.result: Optional[filter_ops.Result] = None  # its result (the gallery's preview)
        self.edit = None
        self.running: Optional[pf.Operation] = None
        self.pending: Optional[pf.Operation] = None
        self.wanted: Optional[pf.Operation] = None  # what the dialog asks for now
        self.error: Optional[BaseException] = None
        self.done = (0, 0)  # the running job's bands done and total (read by the dialog)
        self._token: Optional[CancelToken] = None
        self.closed = False

    def request(self, op: Optional[pf.Operation]) -> None:
        """Shows `op`'s result once it is computed (None: the layer as it was)."""
        if op is not None and op.is_identity():
            op = None
        self.wanted = op
        if op is None:
            self.pending = None
            self._show(None)
        elif op == self.running or (op == self.shown and self.running is None):
            self.pending = None
        else:
            self.pending = op
            if self.running is None:
                self._start()
        self.on_change()

    def _start(self) -> None:
        op, self.pending = self.pending, None
        self.running, self.error = op, None
        self._token = token = CancelToken()

        def report(step, total, preview=None):
            self.done = (step, total)

        self.done = (0, 1)
        target = self.target
        worker.start(lambda: filter_ops.run(target, op, cancellable(token, report)),
                     lambda result: self._finished(op, result),
                     lambda exc: self._failed(op, exc))
        self.on_change()

    def _finished(self, op, result) -> None:
        self.running = None
        if self.closed:
            return
        if op == self.wanted:
            try:
                self._show(result)
            except Exception as exc:
                self.error = exc
        if self.pending is not None:
            self._start()
        self.on_change()

    def _failed(self, op, exc) -> None:
        self.running = None
        if self.closed:
            return
        if not isinstance(exc, Cancelled):
            self.error = exc
        if self.pending is not None:
            self._start()
        self.on_change()

    def _show(self, result: Optional[filter_ops.Result]) -> None:
        if self.edit is not None:
            filter_ops.take_back(self.doc, self.edit)
            self.edit, self.shown, self.result = None, None, None
        if result is not None:
            self.edit = filter_ops.show(self.doc, self.target, result)
            self.shown, self.result = result.op, result

    def busy(self) -> bool:
        return self.running is not None or self.pending is not None

    def wait(self) -> None:
        """Lets the event loop run until no job is running or waiting."""
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: None if self.busy() else loop.quit())
        timer.start(20)
        if self.busy():
            loop.exec()
        timer.stop()

    def keep(self, op: Optional[pf.Operation]) -> bool:
        """Records `op`'s result as one undo step (computing it first); False when there is
        nothing to record (the settings change nothing) or it failed (`error`)."""
        self.request(op)
        self.wait()
        if self.error is not None or self.edit is None or self.shown != self.wanted \
                or self.wanted is None:
            return False
        filter_ops.keep(self.doc, self.edit)
        self.edit, self.closed = None, True
        return True

    def close(self) -> None:
        """Puts the layer back as it was (Cancel) and drops a running job's result."""
        self.closed = True
        self.pending = None
        if self._token is not None:
            self._token.cancel()
        if self.edit is not None:
            filter_ops.take_back(self.doc, self.edit)
            self.edit = None


class PixelDialog(QDialog):
    """An operation's dialog: its settings' rows, Preview, progress, OK and Cancel."""

    def __init__(self, window: "EditorWindow", title: str, target: filter_ops.Target):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(title)
        self.setObjectName("PixelDialog_" + title.replace(" ", "").replace("/", ""))
        self.preview = LivePreview(window.doc, target, self._update_state)
        self.layout_ = QVBoxLayout(self)
        # The dialog grows with its rows (a Hue/Saturation range shows its corners' rows).
        self.layout_.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.body = QVBoxLayout()
        self.layout_.addLayout(self.body)
        bottom = QHBoxLayout()
        self.preview_check = QCheckBox("Preview")
        self.preview_check.setObjectName("FilterPreview")
        self.preview_check.setChecked(True)
        self.preview_check.toggled.connect(lambda _on: self.changed())
        bottom.addWidget(self.preview_check)
        self.progress = QProgressBar()
        self.progress.setObjectName("FilterProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.setVisible(False)
        bottom.addWidget(self.progress, 1)
        self.layout_.addLayout(bottom)
        self.problem = QLabel()  # why the preview failed, in one line
        self.problem.setObjectName("FilterProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.layout_.addWidget(self.problem)
        self.buttons = ok_cancel(self)
        self.layout_.addWidget(self.buttons)
        self._timer = QTimer(self)  # the worker's progress, shown while it runs
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._update_state)

    def operation(self) -> Optional[pf.Operation]:
        raise NotImplementedError

    def changed(self) -> None:
        """The settings changed: the preview follows (or the layer as it was, unchecked)."""
        self.preview.request(self.operation() if self.preview_check.isChecked() else None)

    def _update_state(self) -> None:
        error = self.preview.error
        self.problem.setVisible(error is not None)
        if error is not None:
            self.problem.setText(describe(error))
        busy = self.preview.busy()
        self.progress.setVisible(busy)
        if busy:
            step, total = self.preview.done
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(step)
            self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.changed()

    def accept(self) -> None:
        self.buttons.setEnabled(False)
        try:
            self.preview.keep(self.operation())
        finally:
            self.buttons.setEnabled(True)
        error = self.preview.error
        self.preview.close()
        super().accept()
        if error is not None:
            self.window_.report(error, f"Could not apply {self.windowTitle()}")

    def reject(self) -> None:
        self.preview.close()
        super().reject()


# -- adjustments: the adjustment layers' editor ---------------------------------------------

class SettingsEditor(AdjustmentEditor):
    """The Properties panel's editor of an adjustment's settings (`adjustment_editor.py`),
    on settings this dialog holds: the same rows, slider drags, Curves graph (over the
    layer's own histogram) and Hue/Saturation bars; without the on-image button."""

    def __init__(self, window: "EditorWindow", settings: adj.Adjustment,
                 changed: Callable[[adj.Adjustment], None], counts: Optional[np.ndarray]):
        super().__init__(window)
        self.settings, self._changed, self._layer_counts = settings, changed, counts
        self.title.setVisible(False)
        self.setVisible(True)
        self._refresh()

    def current_settings(self) -> adj.Adjustment:
        return self.settings

    def _fields(self):
        rows = fields(self.settings, self.channel, self.tone, self.hue_range)
        return [f for f in rows if f.kind != "target"]

    def _refresh(self) -> None:
        rows = self._fields()
        key = (type(self.settings), tuple((f.label, f.kind, f.low, f.high) for f in rows))
        if key != self._layout_key:
            self._build(rows)
            self._layout_key = key
            for graph in self.findChildren(CurveGraph):  # Photoshop's dialog's size, about
                graph.setMinimumSize(GRAPH_SIDE, GRAPH_SIDE)
        self._show_values(rows)

    def _counts(self):
        return None if self._layer_counts is None else self._layer_counts[self.channel]

    def commit_settings(self, settings: adj.Adjustment, merge_key=None) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self._refresh()
        self._changed(settings)


def layer_histogram(target: filter_ops.Target) -> np.ndarray:
    """(4, 256) counts of the layer's visible pixels (RGB summed, then each channel), on
    every few rows of a big layer: the Curves graph's backdrop."""
    step = max(1, target.source.shape[0] // 256)
    pixels = target.source[::step].reshape(-1, 4)
    seen = pixels[pixels[:, 3] > 0]
    counts = np.zeros((4, 256), np.int64)
    for c in range(3):
        counts[c + 1] = np.bincount(seen[:, c], minlength=256)
    counts[0] = counts[1:].sum(axis=0)
    return counts


class AdjustDialog(PixelDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 settings: adj.Adjustment):
        super().__init__(window, settings.label, target)
        self.editor = SettingsEditor(window, settings, lambda _s: self.changed(),
                                     layer_histogram(target)
                                     if isinstance(settings, adj.Curves) else None)
        self.editor.setMinimumWidth(340)
        self.body.addWidget(self.editor)

    def operation(self) -> pf.Operation:
        return pf.Adjust(self.editor.settings)


# -- filters: a few rows --------------------------------------------------------------------

# Per filter: its rows (field, label, low, high, decimals, suffix) for numbers, ("check",
# field, label), ("choice", field, label, values, texts) for radio buttons ("combo", the
# same, for a drop-down).
FILTER_ROWS = {
    fade.Fade: [("opacity", "Opacity", 0, 100, 0, " %")],
    pf.GaussianBlur: [("radius", "Radius", 0.1, 250, 1, " px")],
    pf.MotionBlur: [("angle", "Angle", -360, 360, 0, "°"),
                    ("distance", "Distance", 1, 2000, 0, " px")],
    pf.UnsharpMask: [("amount", "Amount", 1, 500, 0, " %"),
                     ("radius", "Radius", 0.1, 250, 1, " px"),
                     ("threshold", "Threshold", 0, 255, 0, " levels")],
    pf.AddNoise: [("amount", "Amount", 0.1, 400, 1, " %"),
                  ("choice", "distribution", "Distribution", pf.NOISE_KINDS,
                   ("Uniform", "Gaussian")),
                  ("check", "monochromatic", "Monochromatic"),
                  ("seed", "Seed", 0, 999999, 0, "")],
    # Photoshop's ranges, in whole pixels and levels where its dialogs take them.
    mf.BoxBlur: [("radius", "Radius", 1, 2000, 0, " px")],
    mf.SurfaceBlur: [("radius", "Radius", 1, 100, 0, " px"),
                     ("threshold", "Threshold", 2, 255, 0, " levels")],
    mf.Median: [("radius", "Radius", 1, 500, 0, " px")],
    mf.DustScratches: [("radius", "Radius", 1, 500, 0, " px"),
                       ("threshold", "Threshold", 0, 255, 0, " levels")],
    mf.HighPass: [("radius", "Radius", 0.1, 1000, 1, " px")],
    mf.Maximum: [("radius", "Radius", 1, 500, 0, " px"),
                 ("choice", "preserve", "Preserve", mf.PRESERVE, ("Squareness", "Roundness"))],
    mf.Minimum: [("radius", "Radius", 1, 500, 0, " px"),
                 ("choice", "preserve", "Preserve", mf.PRESERVE, ("Squareness", "Roundness"))],
    mf.Offset: [("horizontal", "Horizontal", -30000, 30000, 0, " px right"),
                ("vertical", "Vertical", -30000, 30000, 0, " px down"),
                ("choice", "undefined", "Undefined Areas", mf.OFFSET_FILLS,
                 ("Set to Transparent", "Repeat Edge Pixels", "Wrap Around"))],
    mf.Emboss: [("angle", "Angle", -180, 180, 0, "°"), ("height", "Height", 1, 100, 0, " px"),
                ("amount", "Amount", 1, 500, 0, " %")],
    mf.Mosaic: [("cell", "Cell Size", 2, 200, 0, " square")],
    # Image > Adjustments with a dialog of their own (Photoshop's ranges).
    tone.ShadowsHighlights: [("shadows", "Shadows Amount", 0, 100, 0, " %"),
                             ("highlights", "Highlights Amount", 0, 100, 0, " %"),
                             ("shadow_tone", "Shadows Tone", 0, 100, 0, " %"),
                             ("highlight_tone", "Highlights Tone", 0, 100, 0, " %"),
                             ("radius", "Radius", 0, 2500, 0, " px"),
                             ("color", "Color", -100, 100, 0, ""),
                             ("midtone", "Midtone", -100, 100, 0, "")],
    tone.ReplaceColor: [("fuzziness", "Fuzziness", 0, int(cr.FUZZINESS_MAX), 0, ""),
                        ("hue", "Hue", -180, 180, 0, ""),
                        ("saturation", "Saturation", -100, 100, 0, ""),
                        ("lightness", "Lightness", -100, 100, 0, "")],
}
FILTER_ROWS.update(DISTORT_ROWS)  # Filter > Distort's (`distort_rows.py`)
SEED_MAX = 999999  # a ("randomize", field, label) row: a seed and Randomize
# Shadows/Highlights: the rows "Show More Options" shows.
MORE_OPTIONS = ("shadow_tone", "highlight_tone", "radius", "color", "midtone")


class FilterForm(QWidget):
    """A filter's settings as rows: slider and spin box per number (a slider on a square-root
    scale where the range is wide, as Photoshop's radius), check boxes, radio buttons, a
    colour's swatch."""

    def __init__(self, op: pf.Operation, changed: Callable[[], None]):
        super().__init__()
        self.op = op
        self._changed = changed
        self._setting = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for row in FILTER_ROWS[type(op)]:
            if row[0] == "check":
                _, key, label = row
                check = QCheckBox(label)
                check.setObjectName(f"Filter_{key}")
                check.setChecked(bool(getattr(op, key)))
                check.toggled.connect(lambda v, k=key: self._set(k, bool(v)))
                form.addRow("", check)
            elif row[0] == "randomize":
                self._seed_row(form, *row[1:])
            elif row[0] == "file":
                self._file_row(form, *row[1:])
            elif row[0] == "colour":
                self._colour_row(form, *row[1:])
            elif row[0] == "combo":  # a choice of many: a drop-down (Photoshop's Light)
                _, key, label, values, texts = row
                combo = QComboBox()
                combo.setObjectName(f"Filter_{key}")
                for value, text in zip(values, texts):
                    combo.addItem(text, value)
                combo.setCurrentIndex(max(0, combo.findData(getattr(op, key))))
                combo.currentIndexChanged.connect(
                    lambda i, k=key, c=combo: self._set(k, c.itemData(i)))
                form.addRow(label, combo)
            elif row[0] == "choice":
                _, key, label, values, texts = row
                group = QButtonGroup(self)
                line = QHBoxLayout()
                for i, (value, text) in enumerate(zip(values, texts)):
                    radio = QRadioButton(text)
                    radio.setObjectName(f"Filter_{key}_{value}")
                    radio.setChecked(getattr(op, key) == value)
                    group.addButton(radio, i)
                    line.addWidget(radio)
                line.addStretch(1)
                group.idClicked.connect(lambda i, k=key, v=values: self._set(k, v[i]))
                form.addRow(label, line)
            else:
                self._number_row(form, *row)

    def _number_row(self, form, key, label, low, high, decimals, suffix) -> None:
        value = getattr(self.op, key)
        if decimals:
            spin = QDoubleSpinBox()
            spin.setDecimals(decimals)
        else:
            spin = QSpinBox()
        spin.setObjectName(f"Filter_{key}")
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setKeyboardTracking(False)
        spin.setValue(value)
        spin.setFixedWidth(110)  # the same in every row: the sliders line up
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(f"Filter_{key}_slider")
        slider.setMinimumWidth(200)
        wide = high / max(low, 1e-3) > 1000 and low >= 0  # radius-like: finer at the low end
        steps = 1000

        def to_slider(v):
            t = (v - low) / (high - low)
            return round((t ** 0.5 if wide else t) * steps)

        def from_slider(i):
            t = i / steps
            v = low + (t * t if wide else t) * (high - low)
            return round(v, decimals) if decimals else int(round(v))

        slider.setRange(0, steps)
        slider.setValue(to_slider(value))

        def spun(v):
            if self._setting:
                return
            self._setting = True
            slider.setValue(to_slider(v))
            self._setting = False
            self._set(key, v)

        def slid(i):
            if self._setting:
                return
            self._setting = True
            spin.setValue(from_slider(i))
            self._setting = False
            self._set(key, spin.value())

        spin.valueChanged.connect(spun)
        slider.valueChanged.connect(slid)
        line = QHBoxLayout()
        line.addWidget(slider, 1)
        line.addWidget(spin)
        form.addRow(label, line)

    def _seed_row(self, form, key, label) -> None:
        """A seed and Photoshop's Randomize button (a new seed drawn)."""
        import random

        spin = QSpinBox()
        spin.setObjectName(f"Filter_{key}")
        spin.setRange(0, SEED_MAX)
        spin.setKeyboardTracking(False)
        spin.setValue(int(getattr(self.op, key)))
        spin.setFixedWidth(110)
        spin.valueChanged.connect(lambda v, k=key: self._set(k, int(v)))
        button = QPushButton("Randomize")
        button.setObjectName(f"Filter_{key}_randomize")
        button.setAutoDefault(False)  # (Enter is OK's)
        button.clicked.connect(lambda _on=False: spin.setValue(random.randrange(SEED_MAX + 1)))
        line = QHBoxLayout()
        line.addWidget(spin)
        line.addWidget(button)
        line.addStretch(1)
        form.addRow(label, line)

    def _colour_row(self, form, key, label) -> None:
        """A colour setting (an (r, g, b) tuple; Neon Glow's Glow Color): a swatch button
        that opens the colour picker (`dialogs.ask_color`)."""
        from PySide6.QtGui import QColor

        from . import dialogs

        button = QPushButton()
        button.setObjectName(f"Filter_{key}")
        button.setAutoDefault(False)  # (Enter is OK's)
        button.setFixedWidth(110)

        def paint():
            r, g, b = getattr(self.op, key)
            button.setStyleSheet(f"background: rgb({r}, {g}, {b})")
            button.setToolTip(f"{label}: {r}, {g}, {b}")

        def pick(_on=False):
            colour = dialogs.ask_color(self, QColor(*getattr(self.op, key)), label)
            if colour is not None:
                self._set(key, (colour.red(), colour.green(), colour.blue()))
                paint()

        button.clicked.connect(pick)
        paint()
        form.addRow(label, button)

    def _file_row(self, form, key, label, loader) -> None:
        """A file the setting is read from (`loader(path)`; Displace's map): Choose… and the
        file's name, or why it could not be read."""
        from . import dialogs

        button = QPushButton("Choose…")
        button.setObjectName(f"Filter_{key}_choose")
        button.setAutoDefault(False)
        name = QLabel("(none: choose one)")
        name.setObjectName(f"Filter_{key}_name")
        name.setWordWrap(True)

        def choose(_on=False):
            paths = dialogs.ask_open_paths(self, "", f"Choose the {label}")
            if not paths:
                return
            try:
                value = loader(paths[0])
            except Exception as exc:  # (a file that is no image: said in one line)
                name.setText(describe(exc))
                return
            name.setText(getattr(value, "name", "") or paths[0])
            self._set(key, value)

        button.clicked.connect(choose)
        line = QHBoxLayout()
        line.addWidget(button)
        line.addWidget(name, 1)
        form.addRow(label, line)

    def _set(self, key: str, value) -> None:
        if getattr(self.op, key) != value:
            self.op = replace(self.op, **{key: value})
            self._changed()


class FilterDialog(PixelDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: pf.Operation):
        super().__init__(window, op.label, target)
        self.form = FilterForm(op, self.changed)
        self.body.addWidget(self.form)
        note = QLabel(NOTES.get(type(op), ""))
        note.setObjectName("FilterNote")
        note.setWordWrap(True)
        note.setVisible(bool(note.text()))
        self.body.addWidget(note)

    def operation(self) -> pf.Operation:
        return self.form.op


NOTES = {
    pf.UnsharpMask: "Sharpens where a pixel differs from its blurred surroundings by at "
                    "least the threshold.",
    pf.AddNoise: "The same seed always gives the same grain.",
    mf.SurfaceBlur: "Blurs only among pixels whose values lie within about 2.5 x the "
                    "threshold of the pixel's own.",
    mf.DustScratches: "Replaces the values that differ from the median around them by more "
                      "than the threshold.",
    mf.HighPass: "Keeps the detail finer than the radius over grey 128.",
    mf.Mosaic: "The cells are aligned to the canvas's top-left corner.",
    **DISTORT_NOTES,
    tone.ShadowsHighlights: "Lifts the shadows and darkens the highlights by their "
                            "surroundings (an edge-aware local tone method: Photoshop's own "
                            "is not published).",
}


class ShadowsHighlightsDialog(FilterDialog):
    """Shadows/Highlights: the two amounts; Show More Options adds the tonal widths, the
    radius, Color and Midtone (Photoshop's dialog)."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: Optional[tone.ShadowsHighlights] = None):
        super().__init__(window, target, op or tone.ShadowsHighlights())
        self.more = QCheckBox("Show More Options")
        self.more.setObjectName("ShadowsHighlightsMore")
        self.more.toggled.connect(self._show_more)
        self.body.addWidget(self.more)
        self._show_more(False)

    def _show_more(self, shown: bool) -> None:
        form = self.form.layout()
        for row, spec in enumerate(FILTER_ROWS[tone.ShadowsHighlights]):
            if spec[0] in MORE_OPTIONS:
                form.setRowVisible(row, shown)


class ReplaceColorDialog(CanvasSampling, PixelDialog):
    """Replace Color: the colours clicked on the canvas (Color Range's eyedroppers: Shift
    adds, Alt subtracts, Ctrl+Z takes a click back), Fuzziness, and the Hue, Saturation and
    Lightness they are shifted by, previewed on the layer. Not modal (the canvas takes the
    clicks): `exec_beside_canvas`."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: Optional[tone.ReplaceColor] = None):
        super().__init__(window, tone.ReplaceColor.label, target)
        self._init_sampling(window)
        self.target, self.doc = target, window.doc
        self.body.addLayout(self._pick_buttons("ReplaceColor"))
        # The selection to come as Color Range shows it, on a reduced copy of the layer
        # where the canvas is (a click on it samples too).
        small, _scale = reduced(np.ascontiguousarray(target.crop(window.doc.canvas)))
        self._small = np.ascontiguousarray(small)
        self.shown: Optional[np.ndarray] = None
        self.thumb = PreviewThumb(self)
        self.thumb.setObjectName("ReplaceColorPreview")
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setMinimumSize(THUMB_SIDE, THUMB_SIDE)
        self.thumb.setToolTip("The colours to be replaced; click it to sample there too")
        self.body.addWidget(self.thumb)
        self.form = FilterForm(op or tone.ReplaceColor(), self.changed)
        self.body.addWidget(self.form)
        self._undo_keys()
        self._show_chosen()

    def changed(self) -> None:
        self._show_chosen()
        super().changed()

    def _show_chosen(self) -> None:
        op = self.operation()
        if any(not p.subtract for p in op.samples):
            mask = np.ascontiguousarray(op.chosen(self._small))
        else:
            mask = np.zeros(self._small.shape[:2], np.uint8)
        self.shown = mask
        h, w = mask.shape
        image = QImage(mask.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
        self.thumb.setPixmap(QPixmap.fromImage(image).scaled(
            THUMB_SIDE, THUMB_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    def operation(self) -> tone.ReplaceColor:
        return replace(self.form.op, samples=self.samples)

    def samples_changed(self) -> None:
        self.changed()

    def sample_at(self, x: int, y: int, mode: Optional[str] = None) -> bool:
        """A click at canvas pixel (x, y): the layer's colour there as it was when the
        dialog opened (not the preview's), taken by `mode`. False where the layer has none."""
        pixel = self.target.crop(Box(x, y, 1, 1))
        if not pixel.size or pixel[0, 0, 3] == 0:
            return False
        sample = cr.sample_of(pixel, 0, 0)
        self.take_sample(replace(sample, x=int(x), y=int(y)), mode)
        return True

    def done(self, result: int) -> None:  # OK, Cancel, Esc and the close box all end here
        self.leave_canvas()
        super().done(result)


class EqualizeDialog(QDialog):
    """Equalize with something selected: the selected area only, or the whole layer by
    the selected area's histogram (Photoshop's two choices)."""

    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        self.setObjectName("EqualizeDialog")
        self.setWindowTitle("Equalize")
        layout = QVBoxLayout(self)
        self.choices = QButtonGroup(self)
        for i, (mode, text) in enumerate((("selected", "Equalize selected area only"),
                                          ("based", "Equalize entire image based on "
                                                    "selected area"))):
            radio = QRadioButton(text)
            radio.setObjectName(f"Equalize_{mode}")
            radio.setChecked(i == 0)
            self.choices.addButton(radio, i)
            layout.addWidget(radio)
        layout.addWidget(ok_cancel(self))

    def mode(self) -> str:
        return ("selected", "based")[max(0, self.choices.checkedId())]


class FadeDialog(PixelDialog):
    """Edit > Fade: Opacity and Mode, previewed on the layer as a filter's settings are."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: fade.Fade):
        super().__init__(window, "Fade", target)
        self.form = FilterForm(op, self.changed)
        self.mode = QComboBox()
        self.mode.setObjectName("FadeMode")
        for mode in fade.MODES:
            self.mode.addItem(BLEND_MODE_LABELS[mode], mode)
        self.mode.currentIndexChanged.connect(
            lambda _i: self.form._set("mode", self.mode.currentData()))
        self.form.layout().addRow("Mode", self.mode)
        self.body.addWidget(self.form)

    def operation(self) -> fade.Fade:
        return self.form.op


class SmartBlendingDialog(QDialog):
    """A smart filter's Blending Options (Photoshop's): the mode and opacity by which the
    filtered pixels lie over what the filter was given."""

    def __init__(self, window: "EditorWindow", label: str, mode: str, opacity: float):
        from PySide6.QtWidgets import QFormLayout, QSpinBox

        from editor.model.layers import BLEND_MODE_MENU

        super().__init__(window)
        self.setWindowTitle(f"Blending Options ({label})")
        self.setObjectName("SmartBlendingDialog")
        form = QFormLayout(self)
        self.mode = QComboBox()
        self.mode.setObjectName("SmartBlendingMode")
        for m in BLEND_MODE_MENU:
            self.mode.addItem(BLEND_MODE_LABELS.get(m, m), m)
        self.mode.setCurrentIndex(max(0, self.mode.findData(mode)))
        form.addRow("Mode:", self.mode)
        self.opacity = QSpinBox()
        self.opacity.setObjectName("SmartBlendingOpacity")
        self.opacity.setRange(0, 100)
        self.opacity.setSuffix(" %")
        self.opacity.setValue(round(opacity * 100))
        form.addRow("Opacity:", self.opacity)
        form.addRow(ok_cancel(self))

    def values(self) -> tuple[str, float]:
        return self.mode.currentData(), self.opacity.value() / 100
