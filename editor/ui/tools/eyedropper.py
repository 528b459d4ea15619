"""Eyedropper (I): click or drag to pick the foreground colour from what the canvas shows.

Its Sample Size (Point, or the average of a square of 3 to 101 pixels round the one
clicked, Photoshop's list) is shared with the Color Sampler (Shift+I), as in Photoshop:
both read the composite through `composite_rgba`."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from .base import Tool

# (label, side of the square averaged), Photoshop's Sample Size menu.
SAMPLE_SIZES = (("Point Sample", 1), ("3 by 3 Average", 3), ("5 by 5 Average", 5),
                ("11 by 11 Average", 11), ("31 by 31 Average", 31),
                ("51 by 51 Average", 51), ("101 by 101 Average", 101))


def composite_rgba(canvas, point: QPointF, sync: bool = True,
                   size: int = 1) -> Optional[tuple[int, int, int, int]]:
    """The screen composite's straight (r, g, b, a) at image point `point`, None outside
    the canvas; `size` > 1 averages the size x size square round that pixel (clipped to
    the canvas; premultiplied values are averaged, so empty pixels do not darken it). With
    `sync` False it reads the composite as last drawn, compositing nothing (the Info
    panel, on every mouse move)."""
    x, y = int(point.x() // 1), int(point.y() // 1)
    doc = canvas.doc
    if not (0 <= x < doc.width and 0 <= y < doc.height):
        return None
    if sync:
        canvas.sync()
    array = canvas.session.renderer.composite.array
    if y >= array.shape[0] or x >= array.shape[1]:
        return None  # the canvas grew and the composite is not made yet
    half = size // 2
    square = array[max(0, y - half):min(doc.height, y + half + 1),
                   max(0, x - half):min(doc.width, x + half + 1)]
    b, g, r, a = square.reshape(-1, 4).astype(np.float64).mean(axis=0)  # premultiplied BGRA
    if a < 0.5:
        return (0, 0, 0, 0)
    return (min(255, round(r * 255 / a)), min(255, round(g * 255 / a)),
            min(255, round(b * 255 / a)), round(a))


def sample_color(canvas, point: QPointF, size: int = 1) -> Optional[QColor]:
    """The composite's colour at image point `point` (None outside the canvas or where empty)."""
    rgba = composite_rgba(canvas, point, size=size)
    if rgba is None or rgba[3] == 0:
        return None
    return QColor(*rgba[:3])


class EyedropperTool(Tool):
    id = "eyedropper"
    label = "Eyedropper Tool"
    letter = "I"
    icon = "tool-eyedropper"
    tip = "Pick the foreground colour from the image"

    def __init__(self, window):
        super().__init__(window)
        self.sample_size = 1  # the side of the square averaged (shared with the Color Sampler)
        self._size_combos: list[QComboBox] = []

    def press(self, canvas, ev) -> None:
        self._pick(canvas, ev.image)

    def move(self, canvas, ev) -> None:
        self._pick(canvas, ev.image)

    def _pick(self, canvas, point: QPointF) -> None:
        color = sample_color(canvas, point, self.sample_size)
        if color is not None:
            self.window.set_foreground(color)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def set_sample_size(self, size: int) -> None:
        """Point (1) or the side of the square averaged; every Sample Size menu follows."""
        self.sample_size = size
        for combo in self._size_combos:
            combo.setCurrentIndex(combo.findData(size))
        self.window.info_panel.refresh()  # the colour samplers read with it

    def size_combo(self, row: QHBoxLayout, name: str) -> QComboBox:
        """A Sample Size menu added to `row` (the Eyedropper's or the Color Sampler's bar)."""
        label = QLabel("Sample Size:")
        label.setObjectName("Dim")
        row.addWidget(label)
        combo = QComboBox()
        combo.setObjectName(name)
        for text, size in SAMPLE_SIZES:
            combo.addItem(text, size)
        combo.setCurrentIndex(combo.findData(self.sample_size))
        combo.activated.connect(lambda i: self.set_sample_size(combo.itemData(i)))
        row.addWidget(combo)
        self._size_combos.append(combo)
        return combo

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self.size_combo(row, "EyedropperSampleSize")
        row.addStretch(1)
        return w
