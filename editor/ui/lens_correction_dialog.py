"""Filter > Lens Correction…'s dialog (`editor.model.lens_correction`): Photoshop's Custom
tab, its rows in its sections (Geometric Distortion, Chromatic Aberration, Vignette,
Transform) and the Edge, previewed live on the canvas as every filter dialog is
(`FilterDialog`: OK one undo step, Cancel nothing, Ctrl+F again). Show Grid lays a grid of
Size pixels over the canvas while the dialog is open (a canvas overlay, not a layer), to
line straight edges up against, as Photoshop's preview grid. No Auto Correction tab: lens
profiles need Adobe's database, which is not available here (the note says so)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox

from editor.model import filter_ops
from editor.model import lens_correction as lc

from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

GRID_OVERLAY = "lens_correction_grid"
GRID_COLOUR = (150, 150, 150, 210)  # a mid grey: seen on dark and light pictures

ROWS = [("distortion", "Remove Distortion", -100, 100, 0, ""),
        ("red", "Fix Red/Cyan Fringe", -100, 100, 0, ""),
        ("green", "Fix Green/Magenta Fringe", -100, 100, 0, ""),
        ("blue", "Fix Blue/Yellow Fringe", -100, 100, 0, ""),
        ("vignette", "Amount", -100, 100, 0, ""),
        ("midpoint", "Midpoint", 0, 100, 0, ""),
        ("vertical", "Vertical Perspective", -100, 100, 0, ""),
        ("horizontal", "Horizontal Perspective", -100, 100, 0, ""),
        ("angle", "Angle", 0, 360, 2, "°"),
        ("scale", "Scale", 50, 150, 0, " %"),
        ("choice", "edge", "Edge", lc.EDGES,
         ("Edge Extension", "Transparency", "Black Color", "White Color"))]
# Photoshop's section headings, before the rows of these fields.
SECTIONS = {"distortion": "Geometric Distortion", "red": "Chromatic Aberration",
            "vignette": "Vignette", "vertical": "Transform"}
FILTER_ROWS[lc.LensCorrection] = ROWS
NOTES[lc.LensCorrection] = (
    "Custom corrections only: lens profiles (Photoshop's Auto Correction) need Adobe's "
    "profile database, which is not available here. Positive Remove Distortion takes out "
    "barrel distortion; negative Vertical Perspective widens the top. The lens's centre is "
    "the canvas's; a selection only limits where the correction shows.")


def grid_image(w: int, h: int, size: int) -> np.ndarray:
    """(h, w) RGBA: one-pixel lines every `size` px from the top-left corner, clear between."""
    out = np.zeros((h, w, 4), np.uint8)
    out[::size] = GRID_COLOUR
    out[:, ::size] = GRID_COLOUR
    return out


class LensCorrectionDialog(FilterDialog):
    """The Custom tab's rows under their headings, and Show Grid with its Size."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: lc.LensCorrection):
        super().__init__(window, target, op)
        form = self.form.layout()
        keys = [row[1] if row[0] == "choice" else row[0] for row in ROWS]
        for key, heading in reversed(list(SECTIONS.items())):  # (later rows first: indices hold)
            label = QLabel(f"<b>{heading}</b>")
            label.setObjectName(f"LensSection_{key}")
            form.insertRow(keys.index(key), label)
        self.grid = QCheckBox("Show Grid")
        self.grid.setObjectName("LensGrid")
        self.grid_size = QSpinBox()
        self.grid_size.setObjectName("LensGridSize")
        self.grid_size.setRange(4, 1000)
        self.grid_size.setValue(64)
        self.grid_size.setSuffix(" px")
        line = QHBoxLayout()
        line.addWidget(self.grid)
        line.addWidget(QLabel("Size:"))
        line.addWidget(self.grid_size)
        line.addStretch(1)
        self.body.addLayout(line)
        self.grid.toggled.connect(lambda _on: self.show_grid())
        self.grid_size.valueChanged.connect(lambda _v: self.show_grid())

    def show_grid(self) -> None:
        """The grid over the canvas while Show Grid is on (none when off)."""
        canvas = self.window_.canvas
        if canvas is None:
            return
        if not self.grid.isChecked():
            canvas.clear_overlay(GRID_OVERLAY)
            return
        box = self.window_.doc.canvas
        canvas.set_overlay(GRID_OVERLAY, grid_image(box.w, box.h, self.grid_size.value()), box)

    def done(self, result: int) -> None:  # OK, Cancel, Esc and the close box all end here
        if self.window_.canvas is not None:
            self.window_.canvas.clear_overlay(GRID_OVERLAY)
        super().done(result)


DIALOGS = {lc.LensCorrection: LensCorrectionDialog}  # (`filter_commands` merges these)
