"""The Filter menu's items for `last_filters`: Other > Custom (its dialog a 5 x 5 grid of
weights with Scale and Offset, as Photoshop's), Stylize > Extrude and Trace Contour, and
Pixelate > Mezzotint, in Photoshop's alphabetical order; their dialog rows join `filter_dialog`'s
tables when this module loads.

`filter_commands` puts the items in their submenus (`with_last_items`, the same merge as
`extra_filter_dialogs`') and opens DIALOGS' dialog for Custom.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox

from editor.model import filter_ops, last_filters as lf

from .extra_filter_dialogs import with_extra_items
from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog

if TYPE_CHECKING:
    from .window_api import EditorWindow

# Per submenu: the filters in Photoshop's order (all of them, the existing ones among them).
ORDER = {
    "filter_pixelate": ("color_halftone", "crystallize", "facet", "fragment", "mezzotint",
                        "mosaic", "pointillize"),
    "filter_stylize": ("diffuse", "emboss", "extrude", "find_edges", "oil_paint", "solarize",
                       "tiles", "trace_contour", "wind"),
    "filter_other": ("custom", "high_pass", "maximum", "minimum", "offset")}
MENU_ITEMS = {"custom": "&Custom…", "extrude": "E&xtrude…",
              "trace_contour": "T&race Contour…", "mezzotint": "M&ezzotint…"}


def with_last_items(menus: tuple) -> tuple:
    """`filter_commands.FILTER_MENUS` with MENU_ITEMS in their submenus in ORDER."""
    return with_extra_items(menus, ORDER, MENU_ITEMS)


KERNEL_LIMIT = 999  # Photoshop's grid takes -999..999
FILTER_ROWS.update({
    lf.Custom: [("scale", "Scale", 1, 9999, 0, ""),
                ("offset", "Offset", -9999, 9999, 0, "")],
    lf.TraceContour: [("level", "Level", 0, 255, 0, ""),
                      ("choice", "edge", "Edge", lf.CONTOUR_EDGES, ("Lower", "Upper"))],
    lf.Extrude: [("choice", "type", "Type", lf.EXTRUDE_TYPES, ("Blocks", "Pyramids")),
                 ("size", "Size", 2, 255, 0, " px"),
                 ("depth", "Depth", 1, 255, 0, ""),
                 ("choice", "depth_from", "", lf.EXTRUDE_DEPTHS, ("Random", "Level-based")),
                 ("check", "solid", "Solid Front Faces"),
                 ("check", "mask_incomplete", "Mask Incomplete Blocks")],
    lf.Mezzotint: [("choice", "type", "Type", lf.MEZZOTINT_TYPES,
                    ("Fine Dots", "Medium Dots", "Grainy Dots", "Coarse Dots", "Short Lines",
                     "Medium Lines", "Long Lines", "Short Strokes", "Medium Strokes",
                     "Long Strokes")),
                   ("randomize", "seed", "Seed")],
})
NOTES.update({
    lf.Custom: "Each pixel becomes the sum of its neighbours times their weights (the "
               "centre is the pixel), divided by Scale, plus Offset.",
    lf.TraceContour: "Draws each channel's outline where it crosses the level: Upper "
                     "outlines the areas at or above it, Lower those below.",
    lf.Extrude: "The blocks are seen from above the centre of the selection's box (or the "
                "layer's).",
    lf.Mezzotint: "Every channel becomes pure black or white; the same seed always gives "
                  "the same pattern.",
})


class CustomDialog(FilterDialog):
    """Custom: the 5 x 5 grid of integer weights (Filter_kernel_<row>_<column>) above
    Scale and Offset."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target, op: lf.Custom):
        super().__init__(window, target, op)
        grid = QGridLayout()
        self.cells: list[QSpinBox] = []
        for i, weight in enumerate(op.kernel):
            spin = QSpinBox()
            spin.setObjectName(f"Filter_kernel_{i // 5}_{i % 5}")
            spin.setRange(-KERNEL_LIMIT, KERNEL_LIMIT)
            spin.setKeyboardTracking(False)  # (one preview per number typed)
            spin.setValue(int(weight))
            spin.setFixedWidth(64)
            spin.valueChanged.connect(self._weights_changed)
            grid.addWidget(spin, i // 5, i % 5)
            self.cells.append(spin)
        self.body.insertWidget(0, QLabel("Weights (the centre is the pixel itself)"))
        self.body.insertLayout(1, grid)

    def _weights_changed(self, _value: int) -> None:
        kernel = tuple(spin.value() for spin in self.cells)
        if kernel != self.form.op.kernel:
            self.form.op = replace(self.form.op, kernel=kernel)
            self.changed()


DIALOGS = {lf.Custom: CustomDialog}
