"""Background Eraser and Magic Eraser (E; Shift+E goes Eraser -> Background Eraser ->
Magic Eraser, as in Photoshop's toolbox). The work is `editor.model.erasers`'.

Background Eraser: a brush (the Eraser's stroke, dabs and selection handling, one undo
step per stroke) that erases only the pixels like the colour it samples. Options: Size,
Hardness, Sampling (Continuous, Once, Background Swatch), Limits (Discontiguous,
Contiguous, Find Edges), Tolerance (%), Protect Foreground Color. Alt+click picks the
foreground colour (the one Protect Foreground Color keeps).

Magic Eraser: a click erases the pixels like the clicked one (the Magic Wand's flood
and tolerance). Options: Tolerance (0-255), Anti-alias, Contiguous, Sample All Layers,
Opacity.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from editor.model import erasers
from editor.model.brush_stroke import BrushStroke, pixel_layer

from .base import Tool, check_option, tolerance_spin
from .brush import BrushTool, pixel_target, slider_pair

SAMPLING_LABELS = {"continuous": "Continuous", "once": "Once", "swatch": "Background Swatch"}
LIMITS_LABELS = {"discontiguous": "Discontiguous", "contiguous": "Contiguous",
                 "find_edges": "Find Edges"}


def _rgb(color) -> tuple[int, int, int]:
    return color.red(), color.green(), color.blue()


class BackgroundEraserTool(BrushTool):
    id = "background_eraser"
    label = "Background Eraser Tool"
    letter = "E"
    icon = "tool-background-eraser"
    tip = ("Erase the colour under the brush's centre to transparency, keeping the others "
           "(Sampling, Limits, Tolerance)")
    erase = True
    history_name = "Background Eraser"
    sliders = ("size", "hardness")
    default_hardness = 0.5   # a soft edge
    verb = "erase"
    uses_color = False  # (it does not paint the foreground colour)

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.sampling = settings.value("tools/background_eraser/sampling", "continuous")
        if self.sampling not in erasers.SAMPLING:
            self.sampling = "continuous"
        self.limits = settings.value("tools/background_eraser/limits", "contiguous")
        if self.limits not in erasers.LIMITS:
            self.limits = "contiguous"
        self.tolerance = settings.value("tools/background_eraser/tolerance", 0.5, float)
        self.protect = settings.value("tools/background_eraser/protect", False, bool)

    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        if not (ev.alt and self.alt_picks) and doc.targeted_mask() is not None:
            pixel_target(self, doc)  # one line: it works on pixels, not on a mask
            return
        super().press(canvas, ev)

    def begin_pixel_stroke(self, doc, layer, at):
        """The Eraser's stroke, with the colour match in each dab; within the layer (an
        eraser never makes it grow) and through Lock Transparent Pixels, as Photoshop's."""
        edit = doc.begin_pixel_edit(layer, self.history_name,
                                    cover=layer.bounds().intersect(doc.canvas))
        edit.overrides_transparency_lock = True
        weigh = erasers.BackgroundErase(
            edit, self.tolerance, self.sampling, self.limits, _rgb(self.window.background),
            _rgb(self.window.foreground) if self.protect else None)
        return edit, BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness, 1.0,
                                 pixel_layer((0, 0, 0), 1.0, True, False), weigh=weigh)

    def add_options(self, row: QHBoxLayout) -> None:
        for key, labels, title in (("sampling", SAMPLING_LABELS, "Sampling"),
                                   ("limits", LIMITS_LABELS, "Limits")):
            row.addWidget(QLabel(title))
            combo = QComboBox()
            combo.setObjectName(f"background_eraser_{key}")
            for value, text in labels.items():
                combo.addItem(text, value)
            combo.setCurrentIndex(combo.findData(getattr(self, key)))
            combo.currentIndexChanged.connect(
                lambda _i, k=key, c=combo: self.set_option(k, c.currentData()))
            row.addWidget(combo)
        spin = slider_pair(row, "Tolerance", 0, 100, round(self.tolerance * 100), " %",
                           lambda v: self.set_option("tolerance", v / 100))
        spin.setObjectName("background_eraser_tolerance")
        box = check_option(row, self, "protect", "Protect Foreground Color",
                     "background_eraser_protect")
        box.setToolTip("Keep the pixels like the foreground colour (Alt+click picks it)")


class MagicEraserTool(Tool):
    id = "magic_eraser"
    label = "Magic Eraser Tool"
    letter = "E"
    icon = "tool-magic-eraser"
    tip = "Click a colour to erase it to transparency (Tolerance, Contiguous)"
    verb = "erase"

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.tolerance = settings.value("tools/magic_eraser/tolerance", 32, int)
        self.anti_alias = settings.value("tools/magic_eraser/anti_alias", True, bool)
        self.contiguous = settings.value("tools/magic_eraser/contiguous", True, bool)
        self.all_layers = settings.value("tools/magic_eraser/all_layers", False, bool)
        self.opacity = settings.value("tools/magic_eraser/opacity", 1.0, float)

    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        layer = pixel_target(self, doc)
        if layer is None:
            return
        try:
            erased = erasers.magic_erase(
                doc, layer, math.floor(ev.image.x()), math.floor(ev.image.y()),
                tolerance=self.tolerance, contiguous=self.contiguous,
                anti_alias=self.anti_alias, sample_all=self.all_layers,
                opacity=self.opacity, background=_rgb(self.window.background))
        except Exception as exc:
            self.window.report(exc, "Could not erase")
            return
        if not erased:
            self.window.status("Nothing to erase there: no pixel of the layer is like the "
                               "clicked one (within the selection).")

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        tolerance_spin(row, self, "magic_eraser_tolerance")
        for key, text in (("anti_alias", "Anti-alias"), ("contiguous", "Contiguous"),
                          ("all_layers", "Sample All Layers")):
            check_option(row, self, key, text, f"magic_eraser_{key}")
        row.addSpacing(10)
        opacity = slider_pair(row, "Opacity", 1, 100, round(self.opacity * 100), " %",
                              lambda v: self.set_option("opacity", v / 100))
        opacity.setObjectName("magic_eraser_opacity")
        row.addStretch(1)
        return w
