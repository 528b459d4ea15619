"""Pencil (B; Shift+B from the Brush): hard-edged, aliased strokes, as Photoshop's Pencil.

It is the Brush (`BrushTool`: stroke path, Shift+click straight lines, [ and ], Alt+click
picks a colour, one undo step per stroke, locks, selection, layer masks) with the dab made
aliased (`editor.model.dabs.dab_mask`): a pixel is painted or not, never in part. Its
options are Size, Opacity and Auto Erase: a stroke that begins on a pixel of the
foreground colour paints the background colour instead (Photoshop's).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout

from .brush import BrushTool, mask_grey


class PencilTool(BrushTool):
    id = "pencil"
    label = "Pencil Tool"
    letter = "B"  # the group's: B takes the one its palette place shows, Shift+B the next
    icon = "tool-pencil"
    tip = ("Paint hard-edged, aliased strokes ([ and ] change the size; Auto Erase: a stroke "
           "begun on the foreground colour paints the background colour; Shift+B: Color "
           "Replacement, Mixer Brush, Brush)")
    history_name = "Pencil Tool"
    sliders = ("size", "opacity")
    default_hardness = 1.0
    aliased = True

    def load_options(self) -> None:
        super().load_options()
        self.hardness = 1.0   # (no Hardness, no Flow: a pencil's pixels are in or out)
        self.flow = 1.0
        self.auto_erase = self.window.settings.value(f"tools/{self.id}/auto_erase", False, bool)

    def set_auto_erase(self, on: bool) -> None:
        self.auto_erase = bool(on)
        self.window.settings.set_value(f"tools/{self.id}/auto_erase", self.auto_erase)

    def paint_colour(self, node, mask, point: QPointF) -> QColor:
        fg = self.window.foreground
        if self.auto_erase and self._under(node, mask, point) == (
                mask_grey(fg) if mask is not None else (fg.red(), fg.green(), fg.blue())):
            return self.window.background
        return fg

    @staticmethod
    def _under(node, mask, point: QPointF) -> Optional[object]:
        """What lies at canvas `point` on `mask` (its grey) or on `node`'s pixels (an
        opaque-enough pixel's colour; None where it is transparent or off the layer)."""
        x, y = int(np.floor(point.x())), int(np.floor(point.y()))
        if mask is not None:
            h, w = mask.pixels.shape[:2]
            mx, my = x - mask.x, y - mask.y
            return int(mask.pixels[my, mx]) if 0 <= mx < w and 0 <= my < h else mask.default
        lx, ly = x - node.x, y - node.y
        h, w = node.pixels.shape[:2]
        if not (0 <= lx < w and 0 <= ly < h) or node.pixels[ly, lx, 3] == 0:
            return None
        return tuple(int(v) for v in node.pixels[ly, lx, :3])

    def add_options(self, row: QHBoxLayout) -> None:
        box = QCheckBox("Auto Erase")
        box.setObjectName("pencil_auto_erase")
        box.setToolTip("A stroke that begins on the foreground colour paints the background "
                       "colour")
        box.setChecked(self.auto_erase)
        box.toggled.connect(self.set_auto_erase)
        row.addWidget(box)
