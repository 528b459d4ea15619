"""The Direct Selection tool (A): reshapes the active layer's vector mask, shown as its
outline with the anchors as small squares. A click on an anchor selects it (its handles
show); dragging an anchor moves it with its handles, dragging a handle bends the curves
beside it (a smooth anchor's other handle turns with it; with Alt it stays, making the
anchor a corner); Delete or Backspace removes
the selected anchor (a subpath left with one goes). Each drag or deletion is one undo
step; the outline follows the drag and the picture is redrawn when it ends."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter

from editor.model import mask_ops, path_edit
from editor.model.errors import DocumentError

from .base import Tool
from .pen import paint_anchors, paint_handles, paint_vector_mask

HIT_DISTANCE = 6  # px on screen: how near an anchor or handle a press grabs it


class DirectSelectionTool(Tool):
    id = "direct_select"
    label = "Direct Selection Tool"
    letter = "A"
    icon = "tool-direct-select"
    tip = ("Reshape the layer's vector mask: drag an anchor or a handle (Alt: that handle "
           "alone); Delete removes the selected anchor")

    def __init__(self, window):
        super().__init__(window)
        self.selected: Optional[tuple[int, int]] = None  # (subpath, knot) of the vector mask
        self._node = None        # whose vector mask `selected` is in
        self._grab: Optional[path_edit.Hit] = None
        self._start: Optional[QPointF] = None
        self._preview = None     # the subpaths while a drag goes on

    def deactivate(self, canvas) -> None:
        self.selected, self._grab, self._preview = None, None, None

    def _vector(self, canvas):
        """The active node and its vector mask (None when it has none); the selected
        anchor is forgotten when the node changed or the anchor is gone (undo)."""
        node = canvas.doc.active
        vector = getattr(node, "vector_mask", None)
        if node is not self._node:
            self._node, self.selected = node, None
        if vector is not None and self.selected is not None:
            s, i = self.selected
            if s >= len(vector.subpaths) or i >= len(vector.subpaths[s].knots):
                self.selected = None
        return node, vector

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        node, vector = self._vector(canvas)
        if vector is None:
            self.window.status("The active layer has no vector mask: draw one with the "
                               "Pen tool (P).")
            return
        knots = [k for k in vector.moved_knots()]
        hit = path_edit.hit_test(knots, ev.image.x(), ev.image.y(), HIT_DISTANCE / canvas.scale,
                                 self.selected)
        self.selected = None if hit is None else (hit.subpath, hit.index)
        self._grab, self._start, self._preview = hit, ev.image, None
        canvas.update()

    def move(self, canvas, ev) -> None:
        node, vector = self._vector(canvas)
        hit = self._grab
        if hit is None or vector is None:
            return
        subpaths = path_edit.current_subpaths(vector)
        knots = subpaths[hit.subpath].knots
        if hit.part == path_edit.ANCHOR:
            d = ev.image - self._start
            knots = path_edit.moved_anchor(knots, hit.index, d.x(), d.y())
        else:
            knots = path_edit.moved_handle(knots, hit.index, hit.part, ev.image.x(),
                                           ev.image.y(), keep_smooth=not ev.alt)
        self._preview = path_edit.replaced(subpaths, hit.subpath, knots)
        canvas.update()

    def release(self, canvas, ev) -> None:
        node, vector = self._vector(canvas)
        hit, preview = self._grab, self._preview
        self._grab, self._preview = None, None
        canvas.update()
        if hit is None or preview is None or vector is None:
            return
        name = "Move Anchor Point" if hit.part == path_edit.ANCHOR else "Move Handle"
        self._reshape(canvas, node, vector.with_subpaths(preview), name)

    def _reshape(self, canvas, node, vector, name: str) -> None:
        try:
            mask_ops.reshape_vector_mask(canvas.doc, node, vector, name)
        except DocumentError as exc:
            self.window.status(str(exc))
        except Exception as exc:
            self.window.report(exc, "Could not reshape the path")

    def claims_key(self, canvas, e) -> bool:
        return self.selected is not None and self._grab is None and \
            e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)

    def key_press(self, canvas, e) -> bool:
        node, vector = self._vector(canvas)
        if vector is None or self.selected is None or self._grab is not None or \
                e.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return False
        s, i = self.selected
        self.selected = None
        subpaths = path_edit.without_anchor(path_edit.current_subpaths(vector), s, i)
        self._reshape(canvas, node, vector.with_subpaths(subpaths), "Delete Anchor Point")
        canvas.update()
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.ArrowCursor)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        node, vector = self._vector(canvas)
        if vector is None:
            return
        subpaths = self._preview or path_edit.current_subpaths(vector)
        paint_vector_mask(painter, canvas, subpaths)
        for s, sub in enumerate(subpaths):
            chosen = (self.selected[1],) if self.selected and self.selected[0] == s else ()
            paint_anchors(painter, canvas, sub.knots, filled=chosen)
        if self.selected is not None:
            s, i = self.selected
            paint_handles(painter, canvas, subpaths[s].knots[i])
