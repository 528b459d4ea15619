"""Content-Aware Move tool (J; Shift+J after the Patch tool): draw round an object (the
Patch tool's freehand lasso; Shift adds, Alt subtracts) or use the selection there is, then
drag the selection: on release the object lands where it is dropped, blended into its new
surroundings, and the place it left is filled from its surroundings
(`editor.model.content_move`).

Mode: Move (Photoshop's default) moves the object; Extend copies it, its place kept.
Structure (1-7, default 4): how far into the object the blend into the new place reaches
(1: all of it, as the Patch tool heals; 7: only a thin band along the selection's edge).
Sample All Layers: the object and the fill come from what the canvas shows (use it on an
empty layer above to keep the move apart). One undo step; the selection moves with the
object.

It is the Patch tool's drag of the selection; the fill and the heal run on the window's job
worker (`HealJob`: progress, Esc cancels and nothing changes), the object drawn at its new
place until the result lands.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox

from editor.model import content_move

from .patch import PatchTool
from .sample_all import SampleAllLayers


class ContentMoveTool(SampleAllLayers, PatchTool):
    id = "content_move"
    label = "Content-Aware Move Tool"
    letter = "J"
    icon = "tool-content-move"
    tip = ("Draw round an object, then drag the selection: the object moves there and its "
           "old place is filled from its surroundings (Extend: it is copied)")
    MODES = (("move", "Move"), ("extend", "Extend"))
    SAMPLE_ALL_TIP = ("Move what the canvas shows, not only the active layer (work on an "
                      "empty layer above to keep the move apart)")

    def __init__(self, window):
        super().__init__(window)
        self._structure_spin: Optional[QSpinBox] = None

    def load_options(self) -> None:
        super().load_options()
        self.structure = self.window.settings.value(f"tools/{self.id}/structure",
                                                    content_move.DEFAULT_STRUCTURE, int)
        self.load_sample_all()

    def set_structure(self, value: int) -> None:
        self.structure = max(1, min(7, int(value)))
        self.window.settings.set_value(f"tools/{self.id}/structure", self.structure)
        spin = self._structure_spin
        if spin is not None and spin.value() != self.structure:
            spin.setValue(self.structure)

    def drop(self, canvas, offset: tuple[int, int]) -> None:
        doc = canvas.doc
        try:
            prepared = content_move.prepare_content_move(
                doc, offset, extend=self.mode == "extend", structure=self.structure,
                sample_all=self.sample_all)
        except Exception as exc:
            self.window.report(exc, "Could not move")
            return

        def lay(healed) -> None:
            if healed is not None:   # failed or cancelled: the document stays as it was
                content_move.apply_content_move(doc, prepared, healed)
        self.heals.start(content_move.NAME, prepared, lay, canvas, "Could not move",
                         preview=True)

    # -- options bar ------------------------------------------------------------------
    MODE_LABEL = "Mode"
    MODE_TIP = ("Move: the object leaves its place, which is filled from around it. "
                "Extend: the object is copied.")
    HINT = "Draw round an object, then drag the selection"

    def add_options(self, row: QHBoxLayout) -> None:
        row.addSpacing(10)
        row.addWidget(QLabel("Structure"))
        spin = QSpinBox()
        spin.setObjectName("content_move_structure")
        spin.setRange(1, 7)
        spin.setValue(self.structure)
        spin.setToolTip("How strictly the object keeps its own pixels: 7 blends only a thin "
                        "edge into the new place, 1 blends all of it")
        spin.valueChanged.connect(self.set_structure)
        row.addWidget(spin)
        self._structure_spin = spin
        row.addSpacing(10)
        self.add_sample_all(row)
        row.addSpacing(10)
