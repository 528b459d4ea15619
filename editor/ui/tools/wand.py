"""Magic Wand (W): a click selects the pixels of a colour like the clicked one, within the
tolerance, in the active layer (or in every layer: Sample All Layers), only those touching
it when Contiguous. Shift adds, Alt subtracts, Shift+Alt intersects."""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from editor.model import Layer, selection_ops

from .base import SELECTION_CONTEXT, Tool, check_option, tolerance_spin
from .marquee import selection_op


class MagicWandTool(Tool):
    id = "wand"
    label = "Magic Wand Tool"
    letter = "W"
    icon = "tool-wand"
    tip = "Click a colour to select it (Tolerance, Contiguous); Shift adds, Alt subtracts"
    context_actions = SELECTION_CONTEXT

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.tolerance = settings.value("tools/wand/tolerance", 32, int)
        self.contiguous = settings.value("tools/wand/contiguous", True, bool)
        self.all_layers = settings.value("tools/wand/all_layers", False, bool)

    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        x, y = math.floor(ev.image.x()), math.floor(ev.image.y())
        layer = None if self.all_layers else doc.active
        if layer is not None and not isinstance(layer, Layer):
            layer = None  # a group: what the canvas shows
        try:
            mask = selection_ops.wand_mask(doc, x, y, self.tolerance, self.contiguous, layer)
            if mask.any() or selection_op(ev.modifiers) == "replace":
                selection_ops.select_mask(doc, mask, selection_op(ev.modifiers), "Magic Wand")
        except Exception as exc:
            self.window.report(exc, "Could not select")

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        tolerance_spin(row, self, "WandTolerance")
        for key, text in (("contiguous", "Contiguous"), ("all_layers", "Sample All Layers")):
            check_option(row, self, key, text, f"Wand_{key}")
        row.addStretch(1)
        return w
