"""Quick Mask (Q): paint over an object to select it; the painted area shows as a red tint.

Photoshop's Quick Mask turns the selection into paint. Here it is the way to
mark an object that a box marks badly (a person with arms out, a branch): the
paint is stored on the document (`Document.selection_mask`, each stroke one
undo step), Ctrl+D clears it with the box, and Layer > Decompose uses it
(with the box when there is one too). The tint shows the painted area -
Photoshop's "colour indicates: selected areas" - whatever tool is in use, so
the user always sees what Decompose will take.

`QuickMaskMode` is a canvas mode like Free Transform: while it is on, a left
drag paints the mask with a round brush, Alt+drag (or the Erase switch)
takes paint away, [ and ] change the size; Q, Enter or Esc leave it (the
paint stays). What the canvas draws is `mask_tint.QuickMaskTint`: the tint at
full resolution with power-of-two reductions, kept current stroke box by stroke
box, so painting on a large picture stays quick (the rubylith of a layer mask is
drawn the same way).
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QKeyEvent, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from editor.model.dabs import dab_mask

from .mask_tint import TINT
from .tools import Tool
from .tools.brush import MAX_SIZE, BrushOutline, StrokePath, next_size


class QuickMaskMode(Tool):
    id = "quick_mask"
    label = "Quick Mask"
    letter = "Q"
    icon = "tool-brush"
    tip = "Paint over the object (X or Alt: erase); Q, Enter or Esc to leave"
    paints_selection = True  # Ctrl+D clears the paint without leaving the mode

    def __init__(self, window, manager):
        super().__init__(window)
        self.manager = manager
        settings = window.settings
        self.size = settings.value("tools/quick_mask/size", 40, int)
        self.hardness = settings.value("tools/quick_mask/hardness", 0.7, float)
        self.erasing = False
        self._edit = None
        self._canvas = None
        self._path = StrokePath()
        self._erase_stroke = False
        self._outline = BrushOutline(QColor(*TINT))
        self._size_spin: Optional[QSpinBox] = None
        self._erase_button: Optional[QPushButton] = None
        # Called after each stroke that changed the mask (Decompose corrects its proposed
        # object with the stroke and shows the result).
        self.on_stroke: Optional[Callable[[], None]] = None
        # Marching ants along the mask's edge too (Photoshop shows none in Quick Mask): set
        # while Decompose's proposed object is shown, whose edge a tint alone hides on a red
        # or orange object.
        self.outline = False
        # While Decompose shows its proposed object: Enter (or the options bar's Split)
        # splits it, Esc (or Cancel) drops it; otherwise both leave the mode, the paint kept.
        self.on_enter: Optional[Callable[[], None]] = None
        self.on_escape: Optional[Callable[[], None]] = None

    # -- mode life cycle (see ToolManager.start_mode / end_mode) ---------------------------
    def commit(self, canvas) -> None:
        self._end_stroke()

    def cancel(self, canvas) -> None:
        self._end_stroke()  # each stroke is already its own undo step: nothing to throw away

    def step_back(self) -> bool:
        """Ctrl+Z while painting: undo the last step of the document, stay in the mode."""
        if self._edit is None and self._canvas is not None:
            self._canvas.doc.history.undo()
        return True

    def step_forward(self) -> None:
        """Redo while painting."""
        if self._edit is None and self._canvas is not None:
            self._canvas.doc.history.redo()

    def activate(self, canvas) -> None:
        self._canvas = canvas
        self.window.status("Quick Mask: paint over the object (X switches to erasing, as does "
                           "Alt+drag); "
                             "Q, Enter or Esc to leave.")

    def deactivate(self, canvas) -> None:
        self._end_stroke()
        self._set_hover(canvas, None)

    def shows_outline(self) -> bool:
        """Whether the canvas draws the mask's edge (not while a stroke paints it)."""
        return self.outline and self._edit is None

    # -- settings -----------------------------------------------------------------------------
    def set_size(self, size: int) -> None:
        self.size = int(max(1, min(MAX_SIZE, size)))
        self.window.settings.set_value("tools/quick_mask/size", self.size)
        if self._size_spin is not None and self._size_spin.value() != self.size:
            self._size_spin.setValue(self.size)

    def change_size(self, direction: int) -> None:
        self.set_size(next_size(self.size, direction))

    def set_erasing(self, erasing: bool) -> None:
        self.erasing = bool(erasing)
        if self._erase_button is not None and self._erase_button.isChecked() != self.erasing:
            self._erase_button.setChecked(self.erasing)

    # -- strokes ---------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._canvas = canvas
        try:
            self._edit = canvas.doc.begin_mask_edit("Quick Mask Erase" if self._erases(ev)
                                                    else "Quick Mask")
        except Exception as exc:
            self.window.report(exc, "Could not paint the mask")
            return
        self._erase_stroke = self._erases(ev)
        self._path.start(ev.image)
        self._apply(canvas, [ev.image])

    def move(self, canvas, ev) -> None:
        self._set_hover(canvas, ev.image)
        if self._edit is None:
            return
        centres = self._path.to(ev.image, self.size)
        if centres:
            self._apply(canvas, centres)

    def release(self, canvas, ev) -> None:
        self._end_stroke()

    def hover(self, canvas, ev) -> None:
        self._set_hover(canvas, ev.image)

    def leave(self, canvas) -> None:
        self._set_hover(canvas, None)

    def _erases(self, ev) -> bool:
        return self.erasing != bool(ev.alt)

    def _end_stroke(self) -> None:
        edit, self._edit = self._edit, None
        if edit is not None:
            try:
                self._canvas.doc.end_mask_edit(edit)
            except Exception as exc:
                self.window.report(exc, "Could not paint the mask")
                return
            if self.on_stroke is not None and not edit.is_noop():
                self.on_stroke()

    def _apply(self, canvas, centres: list[QPointF]) -> None:
        erase = self._erase_stroke
        for c in centres:
            coverage, box = dab_mask(c.x(), c.y(), self.size, self.hardness)
            clipped = box.clip(canvas.doc.width, canvas.doc.height)
            if clipped.is_empty():
                continue
            cover = coverage[clipped.translate(-box.x, -box.y).slices()]

            def dab(view: np.ndarray, cover=cover) -> None:
                value = view.astype(np.float32)
                if erase:
                    value *= 1.0 - cover
                else:
                    value += (255.0 - value) * cover
                view[...] = np.clip(np.rint(value), 0, 255).astype(np.uint8)

            self._edit.apply(canvas.doc, clipped, dab)

    # -- keys, cursor, drawing -----------------------------------------------------------------------
    def claims_key(self, canvas, e: QKeyEvent) -> bool:
        return e.key() == Qt.Key.Key_X and not e.modifiers()  # (not Swap Colours)

    def key_press(self, canvas, e: QKeyEvent) -> bool:
        if e.key() == Qt.Key.Key_X and not e.modifiers():
            # Photoshop's X swaps black and white, so its Quick Mask paint erases: here the
            # Erase switch (where a window manager takes Alt+drag for moving windows).
            self.set_erasing(not self.erasing)
            return True
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            chosen = self.on_escape if e.key() == Qt.Key.Key_Escape else self.on_enter
            if chosen is not None:
                chosen()
            else:
                self.manager.end_mode(commit=True)
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def _set_hover(self, canvas, point: Optional[QPointF]) -> None:
        self._outline.move_to(canvas, point, self.size)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        self._outline.paint(canvas, painter, self.size)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        title = QLabel("Quick Mask")
        title.setObjectName("Dim")
        row.addWidget(title)
        row.addWidget(QLabel("Size"))
        self._size_spin = QSpinBox()
        self._size_spin.setRange(1, MAX_SIZE)
        self._size_spin.setSuffix(" px")
        self._size_spin.setValue(self.size)
        self._size_spin.valueChanged.connect(self.set_size)
        row.addWidget(self._size_spin)
        self._erase_button = QPushButton("Erase")
        self._erase_button.setCheckable(True)
        self._erase_button.setToolTip("Take paint away (X switches; Alt+drag erases too)")
        self._erase_button.toggled.connect(self.set_erasing)
        row.addWidget(self._erase_button)
        if self.on_enter is not None:  # Decompose's proposed object: split it or drop it
            for text, name, tip, fn in (
                    ("Split", "split", "Split the layer into this object and the background "
                                       "behind it (Enter)", self.on_enter),
                    ("Cancel", "cancel", "Drop the proposed object; nothing is split (Esc)",
                     self.on_escape)):
                button = QPushButton(text)
                button.setObjectName(f"quick_mask_{name}")
                button.setToolTip(tip)
                button.clicked.connect(lambda _=False, f=fn: f())
                row.addWidget(button)
            row.addStretch(1)
            return w
        for text, action in (("Clear", "clear_mask"), ("Decompose", "decompose")):
            button = QPushButton(text)
            button.setObjectName(f"quick_mask_{action}")
            button.clicked.connect(lambda _=False, a=action: self.window.trigger(a))
            row.addWidget(button)
        done = QPushButton("Done")
        done.setToolTip("Leave Quick Mask (Q); the paint stays")
        done.clicked.connect(lambda: self.manager.end_mode(commit=True))
        row.addWidget(done)
        row.addStretch(1)
        return w
