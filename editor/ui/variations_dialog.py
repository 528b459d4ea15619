"""Image > Adjustments > Variations…'s dialog (`editor.model.variations`), laid out as
Photoshop's: Original and Current Pick at the top (Original clicked starts again from
the layer as it is); Shadows / Midtones / Highlights / Saturation, the Fine..Coarse slider
and Show Clipping; below, the colour ring (More Green, More Yellow, More Cyan, Current
Pick, More Red, More Blue, More Magenta) and the Lighter / Current Pick / Darker column
(Saturation: Less Saturation / Current Pick / More Saturation instead). Each thumbnail
shows the Current Pick with one more step of its kind, and clicking it makes that the
Current Pick. The thumbnails are the layer reduced to THUMB px, through the very
operation OK runs; Show Clipping paints the colours a step pushes out of range in neon.
OK applies the Current Pick to the layer (inside the selection) through `filter_ops`:
one undo step; Cancel leaves nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QGridLayout, QHBoxLayout, QLabel,
                               QRadioButton, QSlider, QToolButton, QVBoxLayout)

from editor.model import filter_ops, variations as var
from engine.box import Box

from .color_range import reduced
from .filter_dialog import PixelDialog
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

THUMB = 110  # a thumbnail's longer side (px)
NEON = (255, 0, 255)  # Show Clipping's colour
# The colour ring (row, column) and the lightness column, as Photoshop lays them out.
RING = {"green": (0, 0), "yellow": (0, 1), "cyan": (1, 0), "red": (1, 2), "blue": (2, 0),
        "magenta": (2, 1)}
RING_CENTRE = (1, 1)
LABELS = {"green": "More Green", "yellow": "More Yellow", "cyan": "More Cyan",
          "red": "More Red", "blue": "More Blue", "magenta": "More Magenta",
          "lighter": "Lighter", "darker": "Darker", "more": "More Saturation",
          "less": "Less Saturation"}


class VariationsDialog(PixelDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target):
        super().__init__(window, "Variations", target)
        self.pick = var.Variations()
        box = target.bounds().intersect(window.doc.canvas)
        pixels = np.ascontiguousarray(target.crop(box if not box.is_empty() else
                                                  target.bounds()))
        self.small = np.ascontiguousarray(reduced(pixels, THUMB)[0])
        self.preview_check.setVisible(False)  # the thumbnails are the preview
        self.thumbs: dict[str, QToolButton] = {}
        self.captions: dict[str, QLabel] = {}
        top = QHBoxLayout()
        top.addLayout(self._thumb("original", "Original"))
        top.addLayout(self._thumb("current", "Current Pick"))
        top.addStretch(1)
        controls = QVBoxLayout()
        self.ranges = QButtonGroup(self)
        for i, name in enumerate(var.RANGES):
            radio = QRadioButton(name.capitalize())
            radio.setObjectName(f"Variations_{name}")
            radio.setChecked(name == "midtones")
            self.ranges.addButton(radio, i)
            controls.addWidget(radio)
        self.ranges.idClicked.connect(lambda _i: self.refresh())
        fine = QHBoxLayout()
        fine.addWidget(QLabel("Fine"))
        self.step = QSlider(Qt.Orientation.Horizontal)
        self.step.setObjectName("VariationsStep")
        self.step.setRange(0, len(var.STEPS) - 1)
        self.step.setValue(var.DEFAULT_STEP)
        self.step.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.step.valueChanged.connect(lambda _v: self.refresh())
        fine.addWidget(self.step)
        fine.addWidget(QLabel("Coarse"))
        controls.addLayout(fine)
        self.clipping = QCheckBox("Show Clipping")
        self.clipping.setObjectName("VariationsClipping")
        self.clipping.setChecked(True)  # (Photoshop's default)
        self.clipping.toggled.connect(lambda _on: self.refresh())
        controls.addWidget(self.clipping)
        top.addLayout(controls)
        self.body.addLayout(top)
        bottom = QHBoxLayout()
        ring = QGridLayout()
        for move, (row, column) in RING.items():
            ring.addLayout(self._thumb(move, LABELS[move]), row, column)
        ring.addLayout(self._thumb("ring_current", "Current Pick"), *RING_CENTRE)
        bottom.addLayout(ring)
        column = QVBoxLayout()
        column.addLayout(self._thumb("lighter", LABELS["lighter"]))
        column.addLayout(self._thumb("column_current", "Current Pick"))
        column.addLayout(self._thumb("darker", LABELS["darker"]))
        bottom.addSpacing(16)
        bottom.addLayout(column)
        self.body.addLayout(bottom)
        self.refresh()

    def _thumb(self, name: str, caption: str) -> QVBoxLayout:
        button = QToolButton()
        button.setObjectName(f"Variations_{name}")
        button.setIconSize(QSize(THUMB, THUMB))
        button.setAutoRaise(False)
        button.setToolTip(caption if "current" in name else
                          "Starts again from the layer as it is" if name == "original"
                          else f"Adds one step of {caption} to the Current Pick")
        button.clicked.connect(lambda _on=False, n=name: self.clicked(n))
        label = QLabel(caption)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName(f"Variations_{name}_caption")
        self.thumbs[name] = button
        self.captions[name] = label
        box = QVBoxLayout()
        box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(label)
        return box

    def tonal_range(self) -> str:
        return var.RANGES[self.ranges.checkedId()]

    def moves(self) -> dict[str, str]:
        """Each step thumbnail's move for the range chosen: Saturation's ring is greyed and
        its column is Less / More Saturation (Photoshop's)."""
        saturation = self.tonal_range() == "saturation"
        moves = {name: name for name in RING}
        moves.update(lighter="more" if saturation else "lighter",
                     darker="less" if saturation else "darker")
        return moves

    def stepped(self, move: str) -> var.Variations:
        return var.stepped(self.pick, move, self.tonal_range(), self.step.value())

    def clicked(self, name: str) -> None:
        """A thumbnail clicked: Original starts again; a step becomes the Current Pick."""
        if name == "original":
            self.pick = var.Variations()
        elif name in self.moves():
            move = self.moves()[name]
            if self.tonal_range() == "saturation" and move in RING:
                return  # (greyed)
            self.pick = self.stepped(move)
        self.refresh()

    def picture(self, op: var.Variations) -> np.ndarray:
        """The reduced layer through `op`, clipped colours in neon when shown."""
        box = Box(0, 0, self.small.shape[1], self.small.shape[0])
        out = op.process(self.small, box, box, None) if not op.is_identity() else self.small
        if self.clipping.isChecked() and not op.is_identity():
            out = out.copy()
            out[var.clipped(self.small, out), :3] = NEON
        return out

    def _set_icon(self, name: str, pixels: np.ndarray) -> None:
        self.thumbs[name].setIcon(QIcon(QPixmap.fromImage(
            rgba_to_qimage(np.ascontiguousarray(pixels)))))

    def refresh(self) -> None:
        """Every thumbnail from the Current Pick, for the range and step chosen."""
        self._set_icon("original", self.small)
        current = self.picture(self.pick)
        for name in ("current", "ring_current", "column_current"):
            self._set_icon(name, current)
        saturation = self.tonal_range() == "saturation"
        for name, move in self.moves().items():
            greyed = saturation and move in RING
            self.thumbs[name].setEnabled(not greyed)
            self.captions[name].setText(LABELS[move])
            self._set_icon(name, self.small if greyed else self.picture(self.stepped(move)))
        self.changed()

    def operation(self) -> var.Variations:
        return self.pick

    def changed(self) -> None:
        pass  # (the canvas waits for OK: the thumbnails are the preview)

