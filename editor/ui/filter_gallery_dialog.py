"""Filter > Filter Gallery…: Photoshop's one dialog for the artistic filters
(`editor.model.gallery_filters`): a large preview, the filters in their folders (Artistic,
Brush Strokes, Distort, Sketch, Stylize, Texture), the chosen effect layer's settings, and the stack
of effect layers (the newest on top, as Photoshop lists them; each with its eye).

Choosing a filter in the folders gives the selected effect layer that filter; New Effect
Layer duplicates the selected one above it (Photoshop's button), Delete removes it (the last
one stays), Up and Down (or a drag in the list) move it in the stack. Every change previews
on the layer, as the other filter dialogs do (`PixelDialog`), and in the large preview; OK
applies the whole stack as ONE filter (`FilterGallery`): one undo step, Ctrl+F repeats it,
Fade fades it, and on a smart object it is one smart filter whose double-click opens this
dialog again.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from editor.model import filter_ops, gallery_filters as gf

from .color_range import reduced
from .extra_filter_dialogs import with_colours
from .filter_dialog import FILTER_ROWS, FilterForm, PixelDialog
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

PREVIEW_SIDE = 420  # the large preview's longer side (px)

# Photoshop's settings, names and ranges (FilterForm's rows).
FILTER_ROWS.update({
    gf.Cutout: [("levels", "Number of Levels", 2, 8, 0, ""),
                ("simplicity", "Edge Simplicity", 0, 10, 0, ""),
                ("fidelity", "Edge Fidelity", 1, 3, 0, "")],
    gf.DryBrush: [("size", "Brush Size", 0, 10, 0, ""),
                  ("detail", "Brush Detail", 0, 10, 0, ""),
                  ("texture", "Texture", 1, 3, 0, "")],
    gf.PosterEdges: [("thickness", "Edge Thickness", 0, 10, 0, ""),
                     ("intensity", "Edge Intensity", 0, 10, 0, ""),
                     ("posterization", "Posterization", 0, 6, 0, "")],
    gf.Watercolor: [("detail", "Brush Detail", 1, 14, 0, ""),
                    ("shadow", "Shadow Intensity", 0, 10, 0, ""),
                    ("texture", "Texture", 1, 3, 0, "")],
    gf.AngledStrokes: [("balance", "Direction Balance", 0, 100, 0, ""),
                       ("length", "Stroke Length", 3, 50, 0, ""),
                       ("sharpness", "Sharpness", 0, 10, 0, "")],
    gf.InkOutlines: [("length", "Stroke Length", 1, 50, 0, ""),
                     ("dark", "Dark Intensity", 0, 50, 0, ""),
                     ("light", "Light Intensity", 0, 50, 0, "")],
    gf.Craquelure: [("spacing", "Crack Spacing", 2, 100, 0, ""),
                    ("depth", "Crack Depth", 0, 10, 0, ""),
                    ("brightness", "Crack Brightness", 0, 10, 0, "")],
    gf.Charcoal: [("thickness", "Charcoal Thickness", 1, 7, 0, ""),
                  ("detail", "Detail", 0, 5, 0, ""),
                  ("balance", "Light/Dark Balance", 0, 100, 0, "")],
    gf.GraphicPen: [("length", "Stroke Length", 1, 15, 0, ""),
                    ("balance", "Light/Dark Balance", 0, 100, 0, ""),
                    ("combo", "direction", "Stroke Direction", gf.PEN_DIRECTIONS,
                     ("Right Diag.", "Horizontal", "Left Diag.", "Vertical"))],
    gf.HalftonePattern: [("size", "Size", 1, 12, 0, ""),
                         ("contrast", "Contrast", 0, 50, 0, ""),
                         ("combo", "type", "Pattern Type", gf.HALFTONE_TYPES,
                          ("Circle", "Dot", "Line"))],
    gf.Photocopy: [("detail", "Detail", 1, 24, 0, ""),
                   ("darkness", "Darkness", 1, 50, 0, "")],
    gf.GlowingEdges: [("width", "Edge Width", 1, 14, 0, ""),
                      ("brightness", "Edge Brightness", 0, 20, 0, ""),
                      ("smoothness", "Smoothness", 1, 15, 0, "")],
    gf.Texturizer: [("combo", "texture", "Texture", gf.TEXTURES,
                     ("Brick", "Burlap", "Canvas", "Sandstone")),
                    ("scaling", "Scaling", 50, 200, 0, " %"),
                    ("relief", "Relief", 0, 50, 0, ""),
                    ("combo", "light", "Light", gf.LIGHTS,
                     ("Bottom", "Bottom Left", "Left", "Top Left", "Top", "Top Right",
                      "Right", "Bottom Right")),
                    ("check", "invert", "Invert")],
})
# Distort and the rest of Artistic hold their own rows (`gallery_filters.Ranged`).
FILTER_ROWS.update({cls: list(cls.rows) for cls in gf.EFFECTS.values()
                    if getattr(cls, "rows", ())})


class GalleryDialog(PixelDialog):
    """The Filter Gallery: preview, folders, settings, effect layers (bottom first in
    `effects`; the list shows them top first)."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: Optional[gf.FilterGallery] = None):
        super().__init__(window, gf.FilterGallery.label, target)
        self.target = target
        if op is None or not op.operations():
            op = gf.FilterGallery.of([with_colours(gf.Cutout(), window)])
        self.effects = list(op.operations())
        self.hidden = set(op.hidden)
        self.current = len(self.effects) - 1  # the top layer, selected
        self._drawn = False
        self._filling = False

        row = QHBoxLayout()
        self.picture = QLabel()
        self.picture.setObjectName("GalleryPreview")
        self.picture.setMinimumSize(PREVIEW_SIDE, PREVIEW_SIDE * 3 // 4)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet("background: #808080")
        row.addWidget(self.picture, 1)

        self.tree = QTreeWidget()
        self.tree.setObjectName("GalleryFilters")
        self.tree.setHeaderHidden(True)
        self.tree.setMinimumWidth(170)
        self.items: dict[str, QTreeWidgetItem] = {}
        for folder, kinds in gf.FOLDERS:
            top = QTreeWidgetItem([folder])
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            for kind in kinds:
                item = QTreeWidgetItem([gf.EFFECTS[kind].label])
                item.setData(0, Qt.ItemDataRole.UserRole, kind)
                top.addChild(item)
                self.items[kind] = item
            top.setExpanded(True)
        self.tree.currentItemChanged.connect(self._filter_chosen)
        row.addWidget(self.tree)

        side = QVBoxLayout()
        self.heading = QLabel()  # the selected layer's filter, as Photoshop's menu names it
        self.heading.setObjectName("GalleryHeading")
        side.addWidget(self.heading)
        holder = QWidget()
        holder.setMinimumWidth(460)
        self.settings = QVBoxLayout(holder)
        self.settings.setContentsMargins(0, 0, 0, 0)
        side.addWidget(holder)
        self.form: Optional[FilterForm] = None
        side.addStretch(1)
        side.addWidget(QLabel("Effect layers"))
        self.layers = QListWidget()
        self.layers.setObjectName("GalleryLayers")
        self.layers.setMinimumHeight(120)
        self.layers.currentRowChanged.connect(self._layer_chosen)
        self.layers.itemChanged.connect(self._eye_changed)
        # Dragged up or down the list, as in Photoshop (Up and Down do the same by a place).
        self.layers.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        # (after the model's own signal: the list is filled again)
        self.layers.model().rowsMoved.connect(lambda *_a: QTimer.singleShot(0, self._reordered))
        self.layers.model().layoutChanged.connect(
            lambda *_a: QTimer.singleShot(0, self._reordered))
        side.addWidget(self.layers)
        buttons = QHBoxLayout()
        for name, text, tip, slot in (
                ("GalleryNew", "New", "New effect layer (a copy of the selected one)",
                 self.new_layer),
                ("GalleryDelete", "Delete", "Delete the selected effect layer",
                 self.delete_layer),
                ("GalleryUp", "Up", "Move the effect layer up (applied later)",
                 lambda: self.move_layer(1)),
                ("GalleryDown", "Down", "Move the effect layer down (applied earlier)",
                 lambda: self.move_layer(-1))):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.setAutoDefault(False)  # (Enter is OK's)
            button.clicked.connect(lambda _on=False, s=slot: s())
            buttons.addWidget(button)
        side.addLayout(buttons)
        row.addLayout(side)
        self.body.addLayout(row)
        self._fill()

    # -- the stack -------------------------------------------------------------------------
    def operation(self) -> gf.FilterGallery:
        return gf.FilterGallery.of(self.effects, self.hidden)

    def _row_of(self, index: int) -> int:
        return len(self.effects) - 1 - index  # (the list shows the top layer first)

    def _fill(self) -> None:
        """The list, the folders' choice and the settings from `effects` and `current`."""
        self._filling = True
        self.layers.clear()
        for index in reversed(range(len(self.effects))):
            item = QListWidgetItem(self.effects[index].label)
            item.setData(Qt.ItemDataRole.UserRole, index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if index in self.hidden
                               else Qt.CheckState.Checked)
            self.layers.addItem(item)
        self.layers.setCurrentRow(self._row_of(self.current))
        op = self.effects[self.current]
        self.tree.setCurrentItem(self.items[gf.effect_of(op)[0]])
        self.heading.setText(f"<b>{op.label}</b>")
        if self.form is not None:
            self.settings.removeWidget(self.form)
            self.form.setParent(None)  # (gone at once, not when the event loop comes by)
            self.form.deleteLater()
        self.form = FilterForm(op, self._settings_changed)
        self.settings.addWidget(self.form)
        self.findChild(QPushButton, "GalleryDelete").setEnabled(len(self.effects) > 1)
        self._filling = False

    def _settings_changed(self) -> None:
        self.effects[self.current] = self.form.op
        self.changed()

    def _filter_chosen(self, item, _previous) -> None:
        kind = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if self._filling or kind is None:
            return
        if gf.effect_of(self.effects[self.current])[0] != kind:
            self.effects[self.current] = with_colours(gf.EFFECTS[kind](), self.window_)
            self._fill()
            self.changed()

    def _layer_chosen(self, row: int) -> None:
        if self._filling or row < 0:
            return
        self.current = len(self.effects) - 1 - row
        self._fill()

    def _reordered(self) -> None:
        """The list's rows dragged into a new order: the stack follows (the top row is the
        last applied), the dragged layer stays selected."""
        if self._filling:
            return
        was = [self.layers.item(row).data(Qt.ItemDataRole.UserRole)
               for row in reversed(range(self.layers.count()))]  # bottom first
        if sorted(was) != list(range(len(self.effects))) or was == sorted(was):
            return
        self.effects = [self.effects[i] for i in was]
        self.hidden = {new for new, old in enumerate(was) if old in self.hidden}
        self.current = was.index(self.current)
        self._fill()
        self.changed()

    def _eye_changed(self, item: QListWidgetItem) -> None:
        if self._filling:
            return
        index = len(self.effects) - 1 - self.layers.row(item)
        self.hidden.discard(index)
        if item.checkState() != Qt.CheckState.Checked:
            self.hidden.add(index)
        self.changed()

    def new_layer(self) -> None:
        """Photoshop's New Effect Layer: a copy of the selected layer, above it."""
        self.effects.insert(self.current + 1, self.effects[self.current])
        self.hidden = {i + 1 if i > self.current else i for i in self.hidden}
        self.current += 1
        self._fill()
        self.changed()

    def delete_layer(self) -> None:
        if len(self.effects) <= 1:
            return
        del self.effects[self.current]
        self.hidden = {i - 1 if i > self.current else i for i in self.hidden
                       if i != self.current}
        self.current = min(self.current, len(self.effects) - 1)
        self._fill()
        self.changed()

    def move_layer(self, step: int) -> None:
        """Up (+1: applied later) or down (-1) one place in the stack."""
        i, j = self.current, self.current + step
        if not 0 <= j < len(self.effects):
            return
        self.effects[i], self.effects[j] = self.effects[j], self.effects[i]
        hi, hj = i in self.hidden, j in self.hidden
        self.hidden -= {i, j}
        self.hidden |= ({j} if hi else set()) | ({i} if hj else set())
        self.current = j
        self._fill()
        self.changed()

    # -- the large preview -----------------------------------------------------------------
    def _update_state(self) -> None:
        super()._update_state()
        result = getattr(self.preview, "result", None)
        if self._drawn is not result:
            self._drawn = result
            self._draw(result)

    def _draw(self, result) -> None:
        """The result (or the layer as it was, with nothing to show) over grey, reduced."""
        if result is not None:
            pixels = result.pixels
        else:
            box = self.target.region(self.operation())
            pixels = self.target.crop(box)
        if not pixels.size:
            self.picture.clear()
            return
        small, _scale = reduced(np.ascontiguousarray(pixels), PREVIEW_SIDE)
        self.picture.setPixmap(QPixmap.fromImage(rgba_to_qimage(small)))


# The dialog `filter_commands` (a smart filter's double-click) and the Actions panel (a step
# played with its dialog) open for the gallery's operation.
DIALOGS = {gf.FilterGallery: GalleryDialog}
