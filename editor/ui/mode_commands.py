"""Image > Mode: RGB Color, Grayscale, Indexed Color… and Lab Color (the work:
`editor.model.color_modes`).

As Photoshop: the menu checks the document's mode; Grayscale asks "Discard color
information?" (and first whether to flatten when adjustment, fill, type or smart object
layers or layer styles would keep drawing colour); Indexed Color… asks to flatten a
layered document, then its dialog (Palette, Colors, Forced, Transparency, Dither, Amount)
previews on the canvas as the settings change. The flattening and the conversion are one
undo step; Cancel in any question leaves the document as it was. In Grayscale mode the
foreground and background colours are kept grey (`constrain_colors`). Lab Color keeps the
layers and asks only whether to flatten when adjustment, fill, type or smart object layers
or styles are there (they keep drawing RGB colour otherwise).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLabel, QMessageBox,
                               QSpinBox, QVBoxLayout)

from editor.model import color_modes as cm
from editor.model.layers import Layer

from . import worker
from .actions import ActionSpec, Spec, SubmenuSpec, has_doc
from .dialogs import ask_continue, keyed_combo, ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

PALETTE_LABELS = {"exact": "Exact", "web": "Web", "uniform": "Uniform",
                  "perceptual": "Local (Perceptual)", "selective": "Local (Selective)",
                  "adaptive": "Local (Adaptive)"}
FORCED_LABELS = {"none": "None", "black_white": "Black and White", "primaries": "Primaries",
                 "web": "Web"}
DITHER_LABELS = {"none": "None", "diffusion": "Diffusion", "pattern": "Pattern",
                 "noise": "Noise"}


class _Cancelled(Exception):
    """A question or the dialog after the flattening was cancelled: the macro is undone."""


def grey_color(color: QColor) -> QColor:
    """`color`'s grey (the conversion's Rec. 601 weights)."""
    v = int(cm.grey_of(np.array([color.red(), color.green(), color.blue()], np.uint8)))
    return QColor(v, v, v)


def ask_flatten_first(parent, title: str, text: str) -> Optional[str]:
    """Photoshop's "Flatten image before mode change?" (when layers draw colour from their
    settings): "flatten" / "keep" (the layers as they are); None: Cancel."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("FlattenModeQuestion")
    flatten = box.addButton("Flatten", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Don't Flatten", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(flatten)
    box.exec()
    return {flatten: "flatten", keep: "keep"}.get(box.clickedButton())


def ask_discard_color(parent, flatten_question: bool) -> Optional[str]:
    """Photoshop's questions before Grayscale: "flatten" / "keep" (the layers as they are)
    when `flatten_question`, else "discard"; None: Cancel."""
    if flatten_question:
        return ask_flatten_first(
            parent, "Grayscale", "Flatten image before mode change? Adjustment, fill, type "
            "and smart object layers and layer styles keep their colours unless flattened. "
            "Color information is discarded either way.")
    return "discard" if ask_continue(parent, "Grayscale", "Discard color information?",
                                     "Discard", "DiscardColorQuestion") else None


def ask_flatten_for_lab(parent) -> Optional[str]:
    """The question before Lab Color when layers draw colour from their settings."""
    return ask_flatten_first(
        parent, "Lab Color", "Flatten image before mode change? Adjustment, fill, type and "
        "smart object layers and layer styles keep drawing their colours unless flattened.")


def ask_flatten_layers(parent) -> bool:
    """Indexed Color's question for a layered document (Photoshop: "Flatten layers?")."""
    return ask_continue(parent, "Indexed Color", "Flatten layers?", "OK",
                        "FlattenLayersQuestion")


class IndexedColorDialog(QDialog):
    """Image > Mode > Indexed Color…: the settings, previewed on the flattened layer (its
    pixels swapped while the dialog is open, no undo step); OK keeps what was shown."""

    def __init__(self, window: "EditorWindow", layer: Layer, start: cm.IndexedOptions):
        super().__init__(window)
        self.setWindowTitle("Indexed Color")
        self.setObjectName("IndexedColorDialog")
        self.doc, self.layer, self.original = window.doc, layer, layer.pixels
        self.result: Optional[tuple[np.ndarray, np.ndarray]] = None  # (pixels, palette)
        self.result_for: Optional[cm.IndexedOptions] = None  # the settings it was made for
        self.running = self.closed = False  # a preview on the worker; OK or Cancel given
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.palette = keyed_combo("IndexedPalette", PALETTE_LABELS, start.palette)
        self.colors = QSpinBox()
        self.colors.setObjectName("IndexedColors")
        self.colors.setRange(2, 256)
        self.colors.setValue(start.colors)
        self.forced = keyed_combo("IndexedForced", FORCED_LABELS, start.forced)
        self.transparency = QCheckBox("Transparency")
        self.transparency.setObjectName("IndexedTransparency")
        self.transparency.setChecked(start.transparency)
        self.dither = keyed_combo("IndexedDither", DITHER_LABELS, start.dither)
        self.amount = QSpinBox()
        self.amount.setObjectName("IndexedAmount")
        self.amount.setRange(0, 100)
        self.amount.setSuffix(" %")
        self.amount.setValue(start.amount)
        self.preview_box = QCheckBox("Preview")
        self.preview_box.setObjectName("IndexedPreview")
        self.preview_box.setChecked(True)
        self.message = QLabel()
        self.message.setObjectName("IndexedMessage")
        self.message.setWordWrap(True)
        form.addRow("Palette:", self.palette)
        form.addRow("Colors:", self.colors)
        form.addRow("Forced:", self.forced)
        form.addRow("", self.transparency)
        form.addRow("Dither:", self.dither)
        form.addRow("Amount:", self.amount)
        form.addRow("", self.preview_box)
        layout.addLayout(form)
        layout.addWidget(self.message)
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)
        # The preview follows the settings after a short pause (typing "16" is one preview).
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self.update_preview)
        for box in (self.palette, self.forced, self.dither):
            box.currentIndexChanged.connect(self._changed)
        for spin in (self.colors, self.amount):
            spin.valueChanged.connect(self._changed)
        for check in (self.transparency, self.preview_box):
            check.toggled.connect(self._changed)
        self._changed()

    def options(self) -> cm.IndexedOptions:
        return cm.IndexedOptions(self.palette.currentData(), self.colors.value(),
                                 self.forced.currentData(), self.transparency.isChecked(),
                                 self.dither.currentData(), self.amount.value())

    def _changed(self, *args) -> None:
        # Photoshop greys Colors for the fixed palettes and Amount but for Diffusion.
        self.colors.setEnabled(self.palette.currentData() not in ("exact", "web"))
        self.amount.setEnabled(self.dither.currentData() == "diffusion")
        self.timer.start()

    def compute(self) -> Optional[tuple[np.ndarray, np.ndarray]]:
        """The indexed picture for the settings now, made here if the preview has not made
        it (None, with the reason shown, if they cannot be used, e.g. Exact for an image of
        too many colours)."""
        options = self.options()
        if self.result_for != options:
            try:
                self._made(options, cm.index_colors(self.original, options), None)
            except Exception as exc:
                self._made(options, None, exc)
        return self.result

    def update_preview(self) -> None:
        """Shows the settings' picture: made on a worker thread (seconds on a big image),
        one at a time; settings changed meanwhile start the next when it reports."""
        self.timer.stop()
        if not self.preview_box.isChecked():
            self._show(self.original)
            return
        options = self.options()
        if self.result_for == options:
            self._show(self.result[0] if self.result is not None else self.original)
            return
        if self.running:
            return  # (`_reported` starts the next)
        self.running = True
        self.message.setText("Previewing…")
        pixels = self.original
        worker.start(lambda: cm.index_colors(pixels, options),
                     lambda result: self._reported(options, result, None),
                     lambda exc: self._reported(options, None, exc))

    def _reported(self, options: cm.IndexedOptions, result, error) -> None:
        self.running = False
        if self.closed:
            return
        if options == self.options():
            self._made(options, result, error)
        self.update_preview()

    def _made(self, options: cm.IndexedOptions, result, error) -> None:
        self.result_for, self.result = options, result
        self.message.setText(str(error) if error is not None
                             else f"{len(result[1])} colours in the palette.")

    def previewed(self) -> bool:
        """The canvas shows the settings' picture now (tests wait for it)."""
        return self.result_for == self.options() and self.result is not None \
            and self.layer.pixels is self.result[0]

    def _show(self, pixels: np.ndarray) -> None:
        if self.layer.pixels is not pixels:
            self.doc._set_pixels(self.layer, pixels, self.layer.x, self.layer.y)

    def done(self, code: int) -> None:
        self.timer.stop()
        if code == QDialog.DialogCode.Accepted and self.compute() is None:
            return  # (the message says why)
        self.closed = True
        # The layer as it was: the command sets the result, Cancel leaves it.
        self._show(self.original)
        super().done(code)


class ModeCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        def mode_is(mode: str):
            return lambda ctx: ctx.doc is not None and ctx.doc.color_mode == mode

        return [
            SubmenuSpec("image_mode", "&Mode", menu="image"),
            ActionSpec("mode_grayscale", "&Grayscale", self.grayscale, enabled=has_doc,
                       menu="image_mode", checkable=True, checked=mode_is("grayscale"),
                       tip="Converts every layer's colours to grey; saved as a Grayscale PSD"),
            ActionSpec("mode_indexed", "&Indexed Color…", self.indexed, enabled=has_doc,
                       menu="image_mode", checkable=True, checked=mode_is("indexed"),
                       tip="Flattens the image and reduces it to a palette of at most 256 "
                           "colours; saved as an Indexed PSD, exported as GIF or PNG-8 with it"),
            ActionSpec("mode_rgb", "&RGB Color", self.rgb, enabled=has_doc,
                       menu="image_mode", checkable=True, checked=mode_is("rgb")),
            ActionSpec("mode_lab", "&Lab Color", self.lab, enabled=has_doc,
                       menu="image_mode", checkable=True, checked=mode_is("lab"),
                       tip="Keeps the layers, their colours as 8-bit Lab holds them; the "
                           "Channels panel shows Lightness, a and b (Lightness alone, "
                           "Ctrl+3: shown in grey, painted and filtered alone); saved as a "
                           "Lab PSD"),
        ]

    def _refresh_checks(self) -> None:
        self.window.update_actions()  # (a checkable action toggles itself when clicked)

    def grayscale(self) -> None:
        w = self.window
        doc = w.doc
        try:
            if doc is None or doc.color_mode == "grayscale":
                return
            w.tools.end_mode(commit=True)
            answer = ask_discard_color(w, bool(cm.colour_layers(doc)))
            if answer is None:
                return
            cm.convert_to_grayscale(doc, flatten=answer == "flatten")
            self.constrain_colors()
        except Exception as exc:
            w.report(exc, "Could not convert to Grayscale")
        finally:
            self._refresh_checks()

    def rgb(self) -> None:
        w = self.window
        try:
            if w.doc is not None:
                cm.convert_to_rgb(w.doc)
        except Exception as exc:
            w.report(exc, "Could not convert to RGB Color")
        finally:
            self._refresh_checks()

    def lab(self) -> None:
        w = self.window
        doc = w.doc
        try:
            if doc is None or doc.color_mode == "lab":
                return
            w.tools.end_mode(commit=True)
            answer = ask_flatten_for_lab(w) if cm.colour_layers(doc) else "keep"
            if answer is None:
                return
            cm.convert_to_lab(doc, flatten=answer == "flatten")
        except Exception as exc:
            w.report(exc, "Could not convert to Lab Color")
        finally:
            self._refresh_checks()

    def indexed(self) -> None:
        w = self.window
        doc = w.doc
        try:
            if doc is None:
                return
            w.tools.end_mode(commit=True)
            flat = len(doc.root.children) == 1 and type(doc.root.children[0]) is Layer
            if not flat and not ask_flatten_layers(w):
                return
            settings = w.settings
            start = cm.IndexedOptions(
                settings.value("mode/indexed_palette", "selective"),
                settings.value("mode/indexed_colors", 256, int),
                settings.value("mode/indexed_forced", "black_white"),
                settings.value("mode/indexed_transparency", True, bool),
                settings.value("mode/indexed_dither", "diffusion"),
                settings.value("mode/indexed_amount", 75, int))
            with doc.history.macro("Indexed Color"):
                if not flat or doc.root.children[0].bounds() != doc.canvas:
                    doc.flatten()
                layer = doc.root.children[0]
                dialog = IndexedColorDialog(w, layer, start)
                if not dialog.exec():
                    raise _Cancelled
                chosen = dialog.options()
                cm.convert_to_indexed(doc, chosen, dialog.compute())
            for key, value in (("palette", chosen.palette), ("colors", chosen.colors),
                               ("forced", chosen.forced),
                               ("transparency", chosen.transparency),
                               ("dither", chosen.dither), ("amount", chosen.amount)):
                settings.set_value(f"mode/indexed_{key}", value)
        except _Cancelled:
            pass
        except Exception as exc:
            w.report(exc, "Could not convert to Indexed Color")
        finally:
            self._refresh_checks()

    def constrain_colors(self) -> None:
        """In Grayscale mode the foreground and background colours are grey (as Photoshop's
        Color picker and swatches there); called when the mode or the document changes."""
        w = self.window
        doc = w.doc
        if doc is None or doc.color_mode != "grayscale":
            return
        for color, setter in ((w.foreground, w.set_foreground), (w.background, w.set_background)):
            grey = grey_color(color)
            if grey != color:
                setter(grey)
