"""Patch tool (J; Shift+J after the Healing Brush): draw round a blemish (a freehand lasso,
the Lasso tool's own; Shift adds, Alt subtracts) or use the selection there is, then drag
the selection: on release the patch is healed (`editor.model.healing.patch`).

Patch: Source (Photoshop's default) fills the selection with the texture of the area it
was dragged to, blended into the colour and light around the selection; the selection
stays where it was. Destination copies what the selection holds to where it is dropped,
healed there, and the selection moves with it. One undo step either way.

The heal runs on the window's job worker (`HealJob`: progress, Esc cancels and nothing
changes), the plain copy drawn over the canvas until the healed patch lands; the next
drag, Undo and another tool settle a waiting patch first.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from editor.model import healing

from ..canvas import paint_ants_path
from .heal_job import HealJob
from .lasso import LassoTool


class PatchTool(LassoTool):
    id = "patch"
    label = "Patch Tool"
    letter = "J"
    icon = "tool-patch"
    tip = ("Draw round a blemish, then drag the selection to clean texture: the texture is "
           "healed into it (Destination: the selection is copied where you drop it)")
    MODES = (("source", "Source"), ("destination", "Destination"))

    def __init__(self, window):
        super().__init__(window)
        self._from: Optional[QPointF] = None   # where the drag of the selection began
        self._to: Optional[QPointF] = None
        self._combo: Optional[QComboBox] = None
        self.heals = HealJob(window)

    def load_options(self) -> None:
        super().load_options()
        self.shape = "freehand"   # the Patch tool's lasso is freehand
        default = self.MODES[0][0]
        self.mode = self.window.settings.value(f"tools/{self.id}/mode", default, str)
        if self.mode not in dict(self.MODES):
            self.mode = default

    @property
    def busy(self) -> bool:
        """Whether a patch waits for its heal."""
        return self.heals.busy

    def settle(self) -> None:
        """Lands a patch still healing on the worker now (every window action calls it first: actions._run)."""
        self.heals.settle()

    def step_back(self) -> bool:
        """Undo while a patch heals: it lands first, so Undo takes the patch back."""
        self.heals.settle()
        return False

    def set_mode(self, mode: str) -> None:
        self.mode = mode if mode in dict(self.MODES) else self.MODES[0][0]
        self.window.settings.set_value(f"tools/{self.id}/mode", self.mode)
        if self._combo is not None and self._combo.currentData() != self.mode:
            self._combo.setCurrentIndex(self._combo.findData(self.mode))

    def cycle(self) -> None:
        """(The Lasso's shape switch: the Patch tool's lasso is always freehand.)"""

    def set_shape(self, shape: str) -> None:
        self.points = []  # never the Lasso's remembered shape

    def deactivate(self, canvas) -> None:
        super().deactivate(canvas)
        self._from = self._to = None
        self.heals.settle()

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self.heals.settle()   # the selection and the picture as the last patch left them
        # Pressed inside the selection with no key held: drag it; anywhere else: lasso.
        if ev.modifiers == Qt.KeyboardModifier.NoModifier and self._inside(canvas, ev.image):
            self._from = self._to = ev.image
            return
        super().press(canvas, ev)

    def move(self, canvas, ev) -> None:
        if self._from is None:
            super().move(canvas, ev)
            return
        self._to = ev.image
        canvas.update()

    def release(self, canvas, ev) -> None:
        if self._from is None:
            super().release(canvas, ev)
            return
        start, self._from, self._to = self._from, None, None
        offset = (int(round(ev.image.x() - start.x())), int(round(ev.image.y() - start.y())))
        canvas.update()
        if offset != (0, 0):
            self.drop(canvas, offset)

    def drop(self, canvas, offset: tuple[int, int]) -> None:
        """The selection was dragged by `offset` (canvas pixels) and let go: prepare the
        patch and heal it on the worker."""
        doc = canvas.doc
        try:
            prepared = healing.prepare_patch(doc, offset, destination=self.mode == "destination")
        except Exception as exc:
            self.window.report(exc, "Could not patch")
            return

        def lay(healed) -> None:
            if healed is not None:   # failed or cancelled: the document stays as it was
                healing.apply_patch(doc, prepared, healed)
        self.heals.start("Patch", prepared, lay, canvas, "Could not patch", preview=True)

    def _inside(self, canvas, point: QPointF) -> bool:
        """Whether image point `point` is selected (read off the mask or the box: this runs
        on every hover, so the mask's bounds are not searched)."""
        doc = canvas.doc
        x, y = int(np.floor(point.x())), int(np.floor(point.y()))
        if not (0 <= x < doc.width and 0 <= y < doc.height):
            return False
        if doc.selection_mask is not None:
            return bool(doc.selection_mask[y, x] > 0)
        box = doc.selection
        return box is not None and box.x <= x < box.x + box.w and box.y <= y < box.y + box.h

    def cursor_at(self, canvas, ev) -> QCursor:
        if self._from is not None or self._inside(canvas, ev.image):
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return super().cursor_at(canvas, ev)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._from is None or self._to is None:
            super().paint_overlay(canvas, painter)
            return
        doc = canvas.doc
        # The selection's outline where it would be dropped.
        if doc.selection_mask is not None:
            outline = canvas.mask_outline()  # the canvas's cached ants path (image pixels)
        else:
            outline = QPainterPath()
            box = doc.selection
            if box is None:
                return
            outline.addRect(box.x, box.y, box.w, box.h)
        shift = QTransform.fromTranslate(self._to.x() - self._from.x(),
                                         self._to.y() - self._from.y())
        paint_ants_path(painter, canvas.image_transform().map(shift.map(outline)))

    # -- options bar ------------------------------------------------------------------
    MODE_LABEL = "Patch"
    MODE_TIP = ("Source: the selection takes the texture of where you drag it. "
                "Destination: what it holds is copied where you drop it.")
    HINT = "Draw round a blemish, then drag the selection"

    def build_options(self) -> QWidget:
        """The Mode box (MODE_LABEL, MODES), what `add_options` adds, then HINT."""
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.MODE_LABEL))
        combo = QComboBox()
        combo.setObjectName(f"{self.id}_mode")
        combo.setToolTip(self.MODE_TIP)
        for value, text in self.MODES:
            combo.addItem(text, value)
        combo.setCurrentIndex(combo.findData(self.mode))
        combo.currentIndexChanged.connect(lambda _i: self.set_mode(combo.currentData()))
        row.addWidget(combo)
        self._combo = combo
        self.add_options(row)
        hint = QLabel(self.HINT)
        hint.setObjectName("Dim")
        row.addWidget(hint)
        row.addStretch(1)
        return w

    def add_options(self, row: QHBoxLayout) -> None:
        """A subclass's own options, between the Mode box and the hint."""
