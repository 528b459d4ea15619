"""Photoshop's Pattern Fill dialog: the pattern (one of the document's, Edit > Define
Pattern), Scale, Angle, Link with Layer and Snap to Origin of a Pattern fill layer
(`adjustments.PatternFill`).

Every change is shown at once on the canvas through `preview(settings)` (the caller's:
the layer's settings changed without an undo step, `adjustment_ops.preview_settings`);
what OK gives is applied by the caller as one undo step, and Cancel puts the settings
back, as the Gradient Fill dialog does.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout,
                               QLabel, QPushButton, QVBoxLayout, QWidget)

from editor.model.adjustments import PatternFill
from editor.model.patterns import Pattern, display_name

from .dialogs import number_box, ok_cancel
from .gradient_dialog import fill_image

ICON = 40  # a pattern's picture in the list
SWATCH = 96  # the chosen pattern's picture, tiled at its scale


def pattern_image(pattern: Pattern, side: int) -> QImage:
    """The whole tile of `pattern`, shrunk to fit a `side` square (tiled where it is
    smaller), over a checker where it is clear."""
    scale = min(100.0, 100.0 * side / max(pattern.width, pattern.height))
    return fill_image(PatternFill(pattern=pattern, scale=max(scale, 0.01)), side, side)


class PatternFillDialog(QDialog):
    """The settings of one pattern fill; `settings` is what it shows now. `patterns`: the
    document's, to choose from (the layer's own is listed too when the document has
    not got it)."""

    def __init__(self, parent: QWidget, settings: PatternFill, patterns: tuple,
                 preview: Optional[Callable[[PatternFill], None]] = None):
        super().__init__(parent)
        self.setObjectName("PatternFillDialog")
        self.setWindowTitle("Pattern Fill")
        self.settings = settings
        self._preview = preview
        self._updating = False
        self.patterns = list(patterns)
        if settings.pattern is not None and settings.pattern not in self.patterns:
            self.patterns.append(settings.pattern)
        layout = QVBoxLayout(self)

        self.swatch = QLabel()
        self.swatch.setObjectName("PatternSwatch")
        self.swatch.setFixedSize(SWATCH, SWATCH)
        layout.addWidget(self.swatch)
        form = QFormLayout()
        self.choice = QComboBox()
        self.choice.setObjectName("PatternChoice")
        self.choice.setIconSize(QSize(ICON, ICON))
        for pattern in self.patterns:
            self.choice.addItem(QIcon(QPixmap.fromImage(pattern_image(pattern, ICON))),
                                f"{display_name(pattern.name)} ({pattern.width} × "
                                f"{pattern.height} px)")
        self.choice.currentIndexChanged.connect(self._chosen)
        form.addRow("Pattern", self.choice)
        self.scale = number_box("PatternScale", 1, 1000, " %", 1)
        self.scale.valueChanged.connect(lambda v: self._change(scale=v))
        form.addRow("Scale", self.scale)
        self.angle = number_box("PatternAngle", -180, 180, "°", 1)
        self.angle.valueChanged.connect(lambda v: self._change(angle=v))
        form.addRow("Angle", self.angle)
        self.link = QCheckBox("Link with Layer")
        self.link.setObjectName("PatternLink")
        self.link.setToolTip("On a shape layer, start the tiles at its shape's corner "
                             "(else at the canvas's)")
        self.link.toggled.connect(lambda on: self._change(align=on))
        form.addRow("", self.link)
        snap = QPushButton("Snap to Origin")
        snap.setObjectName("PatternSnap")
        snap.setToolTip("Start the tiles at the corner again")
        snap.clicked.connect(lambda: self._change(phase=(0.0, 0.0)))
        form.addRow("", snap)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))
        self._show()

    def _show(self) -> None:
        self._updating = True
        try:
            s = self.settings
            if s.pattern is not None:
                self.choice.setCurrentIndex(self.patterns.index(s.pattern))
            self.scale.setValue(s.scale)
            self.angle.setValue(s.angle)
            self.link.setChecked(s.align)
            self.swatch.setPixmap(QPixmap.fromImage(fill_image(s, SWATCH, SWATCH)))
        finally:
            self._updating = False

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self.patterns):
            self._change(pattern=self.patterns[index])

    def _change(self, **values) -> None:
        if self._updating:
            return
        settings = replace(self.settings, **values)
        if settings == self.settings:
            return
        self.settings = settings
        self._show()
        if self._preview is not None:
            self._preview(settings)
