"""Slice tool and Slice Select tool (C, Shift+C: they share the Crop tool's place).

Slice: drag a rectangle to make a user slice (one undo step; the new slice is chosen);
its options bar's Slices From Guides replaces the slices by the cells the guides cut.
Slice Select: click a slice to choose it (an auto slice too), drag inside it to move it,
drag its handles to resize it (an auto slice edited becomes a user slice, as Photoshop
promotes it), Delete or Backspace removes it, a double-click opens Slice Options; the
options bar has Slice Options…, Divide… and Delete. Both reuse the Marquee tool's drag,
handles and snapping (as the Crop tool does), on a slice instead of the selection. While
View > Lock Slices is on, neither makes, moves, resizes nor deletes a slice (Slice Select
still chooses one; the status bar says why a drag does nothing). The commands themselves
are `slice_commands` (and `editor/model/slices.py`)."""
from __future__ import annotations

import dataclasses
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from editor.model import slices as model
from engine.box import Box

from ..slice_overlay import LOCKED, SELECTED_COLOR, shows_slices, slices_locked
from .marquee import MarqueeTool, handle_points, paint_handles


class _SliceBase(MarqueeTool):
    combines = False  # one box, no Shift/Alt combining
    context_actions = ()

    def activate(self, canvas) -> None:
        self._show(self.readout_box(canvas) if canvas is not None else None)

    def selection_changed(self, box) -> None:
        pass  # the readout shows the slice, not the selection

    def shown_selection(self, canvas):
        return canvas.doc.selection  # the marching ants stay the selection's

    def _show(self, box: Optional[Box]) -> None:
        if self._readout is not None:
            self._readout.setText(f"X {box.x}  Y {box.y}   W {box.w}  H {box.h} px"
                                  if box is not None else "No slice chosen")

    def refused(self, canvas) -> bool:
        """Whether View > Lock Slices refuses an edit now (the status bar saying so)."""
        if slices_locked(canvas):
            self.window.status(LOCKED)
            return True
        return False

    def _chooser(self) -> "SliceSelectTool":
        return self.window.tools.tools["slice_select"]

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._drag is not None and self._preview is not None:
            painter.save()
            painter.setPen(QPen(SELECTED_COLOR, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(canvas.widget_rect(self._preview).adjusted(0.5, 0.5, -0.5, -0.5))
            painter.restore()

    def _row(self) -> tuple[QWidget, QHBoxLayout]:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._readout = QLabel()
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        return w, row

    def _button(self, row: QHBoxLayout, text: str, action: str, name: str, tip: str) -> None:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False: self.window.trigger(action))
        row.addWidget(button)


class SliceTool(_SliceBase):
    id = "slice"
    label = "Slice Tool"
    letter = "C"
    icon = "tool-slice"
    tip = "Drag a rectangle to make a slice (Shift: square)"

    def current_box(self, canvas) -> Optional[Box]:
        return None  # every drag draws a new slice

    def readout_box(self, canvas) -> Optional[Box]:
        return self._chooser().chosen_box(canvas.doc) if canvas is not None else None

    def press(self, canvas, ev) -> None:
        if self.refused(canvas):
            self._drag = self._preview = None
            return
        super().press(canvas, ev)

    def set_box(self, canvas, box: Optional[Box]) -> None:
        if box is None:
            return  # a click makes nothing
        made = model.add_slice(canvas.doc, box, "Slice")
        self._chooser().choose(canvas.doc, made.uid)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def build_options(self) -> QWidget:
        w, row = self._row()
        self._button(row, "Slices From Guides", "slices_from_guides", "SlicesFromGuides",
                     "Replace the slices by the cells the guides cut the canvas into")
        row.addStretch(1)
        canvas = self.window.tools.canvas
        self._show(self.readout_box(canvas) if canvas is not None else None)
        return w


class SliceSelectTool(_SliceBase):
    id = "slice_select"
    label = "Slice Select Tool"
    letter = "C"
    icon = "tool-slice-select"
    tip = "Click a slice to choose it; drag it or its handles; double-click for its options"
    context_actions = ("slice_options", "divide_slice", "delete_slice")  # (Photoshop's menu)

    def __init__(self, window):
        super().__init__(window)
        # Per document: the chosen slice, the uid of a user slice or the box of an auto one.
        self._chosen: dict[int, object] = {}
        self._kind = ""

    # -- the chosen slice -------------------------------------------------------------------
    def choose(self, doc, chosen) -> None:
        """Chooses a user slice (its uid), an auto slice (its Box) or none (None)."""
        if chosen is None:
            self._chosen.pop(id(doc), None)
        else:
            self._chosen[id(doc)] = chosen
        canvas = self.window.tools.canvas
        if canvas is not None:
            canvas.update()
            self._show(self.chosen_box(canvas.doc))

    def chosen_index(self, doc) -> Optional[int]:
        """The index in `doc.slices` of the chosen user slice, or None."""
        uid = self._chosen.get(id(doc))
        return next((i for i, s in enumerate(doc.slices) if s.uid == uid), None)

    def selected_uid(self, doc) -> Optional[int]:
        index = self.chosen_index(doc)
        return doc.slices[index].uid if index is not None else None

    def chosen_box(self, doc) -> Optional[Box]:
        index = self.chosen_index(doc)
        if index is not None:
            return doc.slices[index].box.clip(doc.width, doc.height)
        chosen = self._chosen.get(id(doc))
        if isinstance(chosen, Box):  # an auto slice: while the slices are as they were
            autos = [b for _, b, s in model.numbered(doc.width, doc.height, doc.slices)
                     if s is None]
            return chosen if chosen in autos else None
        return None

    def promote_chosen(self, doc) -> Optional[int]:
        """The chosen user slice's index; a chosen auto slice made a user slice first."""
        index = self.chosen_index(doc)
        if index is None:
            box = self.chosen_box(doc)
            if box is None:
                return None
            index = model.promote(doc, box)
            self._chosen[id(doc)] = doc.slices[index].uid
        return index

    # -- the Marquee's drag on the chosen slice ------------------------------------------
    def current_box(self, canvas) -> Optional[Box]:
        return self.chosen_box(canvas.doc)

    def readout_box(self, canvas) -> Optional[Box]:
        return self.chosen_box(canvas.doc) if canvas is not None else None

    def press(self, canvas, ev) -> None:
        if self._handle_at(canvas, ev.pos) is None and not self._inside(canvas, ev.pos):
            doc = canvas.doc
            x, y = ev.image.x(), ev.image.y()
            index = model.slice_at(doc.slices, x, y)
            if index is not None:
                self.choose(doc, doc.slices[index].uid)
            else:
                auto = next((b for _, b, s in model.numbered(doc.width, doc.height, doc.slices)
                             if s is None and b.x <= x < b.x1 and b.y <= y < b.y1), None)
                self.choose(doc, auto)
        super().press(canvas, ev)
        if self._drag is not None and self._drag[0] == "new":
            self._drag = None  # (a press off every slice draws nothing)
        if self._drag is not None and self.refused(canvas):
            self._drag = None  # (locked: chosen, not moved or resized)

    def release(self, canvas, ev) -> None:
        self._kind = self._drag[0] if self._drag is not None else ""
        super().release(canvas, ev)

    def set_box(self, canvas, box: Optional[Box]) -> None:
        doc = canvas.doc
        if box is None or box == self.chosen_box(doc):
            return
        index = self.chosen_index(doc)
        if index is None:  # an auto slice moved or resized: a user slice from now on
            made = model.add_slice(doc, box, "Promote to User Slice")
            self.choose(doc, made.uid)
            return
        name = "Move Slice" if self._kind == "move" else "Resize Slice"
        model.replace_slice(doc, index, dataclasses.replace(doc.slices[index], box=box), name)

    def delete_chosen(self, canvas) -> bool:
        index = self.chosen_index(canvas.doc)
        if index is None:
            return False
        if self.refused(canvas):
            return True
        model.delete_slice(canvas.doc, index)
        self.choose(canvas.doc, None)
        return True

    # -- keys and clicks -----------------------------------------------------------------------
    def claims_key(self, canvas, e) -> bool:
        return e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) \
            and self.chosen_index(canvas.doc) is not None

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return self.delete_chosen(canvas)
        return False

    def double_click(self, canvas, ev) -> bool:
        if self.chosen_box(canvas.doc) is None:
            return False
        self.window.trigger("slice_options")
        return True

    # -- drawing -----------------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        super().paint_overlay(canvas, painter)
        box = self.chosen_box(canvas.doc)
        if box is None or self._drag is not None or not shows_slices(canvas):
            return
        if self.chosen_index(canvas.doc) is None:  # an auto slice: outlined, no handles
            painter.save()
            painter.setPen(QPen(QColor(SELECTED_COLOR), 1))
            painter.drawRect(canvas.widget_rect(box).adjusted(0.5, 0.5, -0.5, -0.5))
            painter.restore()
        paint_handles(painter, handle_points(canvas.widget_rect(box)).values())

    def build_options(self) -> QWidget:
        w, row = self._row()
        for text, action, name, tip in (
                ("Slice Options…", "slice_options", "SliceOptionsButton",
                 "Name, URL, Target, Alt Tag and size of the chosen slice (double-click it)"),
                ("Divide…", "divide_slice", "DivideSliceButton",
                 "Cut the chosen slice into rows or columns"),
                ("Delete", "delete_slice", "DeleteSliceButton", "Delete the chosen slice")):
            self._button(row, text, action, name, tip)
        row.addStretch(1)
        canvas = self.window.tools.canvas
        self._show(self.readout_box(canvas) if canvas is not None else None)
        return w
