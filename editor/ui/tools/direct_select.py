"""The Direct Selection tool (A): reshapes the path chosen in the Paths panel, or else the
active layer's vector mask, shown as its outline with the anchors as small squares. A click on an anchor selects it (its handles
show); dragging an anchor moves it with its handles, dragging a handle bends the curves
beside it (a smooth anchor's other handle turns with it; with Alt it stays, making the
anchor a corner); Delete or Backspace removes
the selected anchor (a subpath left with one goes). Each drag or deletion is one undo
step; the outline follows the drag and the picture is redrawn when it ends. Ctrl+Enter
loads the path as the selection. Finding the path, hit-testing, drawing and committing
are `path_tools.PathEditTool`'s. With a type layer on a path active, its path and start
marker show, and dragging the marker moves where the text starts along the path
(path_type.py), one step."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor

from editor.model import path_edit

from .path_tools import PathEditTool
from .path_type import StartDrag, on_path, paint_type_path, start_marker_at


class DirectSelectionTool(PathEditTool):
    id = "direct_select"
    label = "Direct Selection Tool"
    letter = "A"
    icon = "tool-direct-select"
    tip = ("Reshape the chosen path or the layer's vector mask: drag an anchor or a handle "
           "(Alt: that handle alone); Delete removes the selected anchor")

    _type_start: StartDrag | None = None  # path type's start marker being dragged

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        layer = start_marker_at(canvas, ev.pos) if ev.button == Qt.MouseButton.LeftButton \
            else None
        if layer is not None:
            self._type_start = StartDrag(canvas.doc, layer)
            return
        self.grab(canvas, ev)

    def move(self, canvas, ev) -> None:
        if self._type_start is not None:
            try:
                self._type_start.move(ev.image)
            except Exception as exc:
                self._type_start.cancel()
                self._type_start = None
                self.window.report(exc, "Could not move the type's start")
            canvas.update()
            return
        grabbed = self.grabbed_knots(canvas)
        if grabbed is None:
            return
        subpaths, knots = grabbed
        hit = self._grab
        if hit.part == path_edit.ANCHOR:
            d = ev.image - self._start
            knots = path_edit.moved_anchor(knots, hit.index, d.x(), d.y())
        else:
            knots = path_edit.moved_handle(knots, hit.index, hit.part, ev.image.x(),
                                           ev.image.y(), keep_smooth=not ev.alt)
        self.preview = path_edit.replaced(subpaths, hit.subpath, knots)
        canvas.update()

    def release(self, canvas, ev) -> None:
        if self._type_start is not None:
            drag, self._type_start = self._type_start, None
            try:
                drag.finish()
            except Exception as exc:
                drag.cancel()
                self.window.report(exc, "Could not move the type's start")
            canvas.update()
            return
        node, vector, hit, preview = self.let_go(canvas)
        if hit is None or preview is None or vector is None:
            return
        name = "Move Anchor Point" if hit.part == path_edit.ANCHOR else "Move Handle"
        self.reshape(canvas, node, vector, preview, name)

    def claims_key(self, canvas, e) -> bool:
        return super().claims_key(canvas, e) or (
            self.selected is not None and self._grab is None
            and e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace))

    def key_press(self, canvas, e) -> bool:
        if super().key_press(canvas, e):
            return True
        node, vector = self.vector(canvas)
        if vector is None or self.selected is None or self._grab is not None or \
                e.key() not in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return False
        s, i = self.selected
        self.selected = None
        subpaths = path_edit.without_anchor(path_edit.current_subpaths(vector), s, i)
        self.reshape(canvas, node, vector, subpaths, "Delete Anchor Point")
        canvas.update()
        return True

    def deactivate(self, canvas) -> None:
        if self._type_start is not None:  # (another tool chosen mid-drag: put back)
            self._type_start.cancel()
            self._type_start = None
        super().deactivate(canvas)

    def paint_overlay(self, canvas, painter) -> None:
        super().paint_overlay(canvas, painter)
        if on_path(canvas.doc.active):
            paint_type_path(painter, canvas.image_transform(), canvas.doc.active)

    def cursor_at(self, canvas, ev) -> QCursor:
        if start_marker_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.SizeAllCursor)  # (the marker moves along the path)
        return QCursor(Qt.CursorShape.ArrowCursor)
