"""The anchor point tools of the Pen's group (Photoshop's): they change the anchors of the
path chosen in the Paths panel, or else of the active layer's vector mask, each change
one undo step named after the tool.

- Add Anchor Point: a click on a segment adds an anchor there, splitting the curve
  exactly (the shape does not change); dragging on moves the new anchor.
- Delete Anchor Point: a click on an anchor removes it; its neighbours join over the gap
  and a subpath left with one anchor goes.
- Convert Point: a click on an anchor with handles makes it a corner (handles back on the
  anchor); a drag from an anchor pulls out handles, mirrored (a smooth point); a drag
  on the clicked anchor's handle moves that handle alone (a corner with curves).

Finding the path, hit-testing, drawing and committing are `path_tools.PathEditTool`'s;
the geometry is `path_edit`'s. The Pen's Auto Add/Delete calls into the first two.
Their cursors are Photoshop's: the pen's nib with a + or a -."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor

from editor.model import path_edit

from ..icons import pixmap
from .path_tools import DRAG_DISTANCE, PathEditTool


def anchor_cursor(icon: str, canvas) -> QCursor:
    """The pen's nib with + or - (`icon`: the tool's), its tip the hot spot."""
    return QCursor(pixmap(icon, 24, "#ffffff", canvas.devicePixelRatioF()), 10, 5)


class AddAnchorPointTool(PathEditTool):
    id = "add_anchor"
    label = "Add Anchor Point Tool"
    icon = "tool-pen-add"
    tip = ("Click a segment of the path (or the layer's vector mask) to add an anchor point "
           "there (the shape stays); drag to move it")

    def __init__(self, window):
        super().__init__(window)
        self._split = None       # (subpaths before, subpath, knots with the new anchor)

    def deactivate(self, canvas) -> None:
        super().deactivate(canvas)
        self._split = None

    def press(self, canvas, ev) -> None:
        node, vector = self.vector_or_status(canvas)
        if vector is None:
            return
        on = None if self.hit(canvas, vector, ev, handles=False) is not None else \
            self.segment_hit(canvas, vector, ev)  # not on an anchor: no anchor on it
        if on is None:
            self.window.status("Click a segment of the path to add an anchor point there.")
            return
        subpaths = path_edit.current_subpaths(vector)
        knots = path_edit.split_segment(subpaths[on.subpath].knots, on.index, on.t)
        self._split = (subpaths, on.subpath, knots)
        self._press, self._start = ev.pos, ev.image
        self.selected = (on.subpath, on.index + 1)
        self.preview = path_edit.replaced(subpaths, on.subpath, knots)
        canvas.update()

    def move(self, canvas, ev) -> None:
        if self._split is None or (ev.pos - self._press).manhattanLength() < DRAG_DISTANCE:
            return
        subpaths, s, knots = self._split
        d = ev.image - self._start
        knots = path_edit.moved_anchor(knots, self.selected[1], d.x(), d.y())
        self.preview = path_edit.replaced(subpaths, s, knots)
        canvas.update()

    def release(self, canvas, ev) -> None:
        node, vector, _, preview = self.let_go(canvas)
        split, self._split = self._split, None
        if split is None or vector is None:
            return
        self.reshape(canvas, node, vector, preview, "Add Anchor Point")

    def cursor_at(self, canvas, ev) -> QCursor:
        return anchor_cursor(self.icon, canvas)


class DeleteAnchorPointTool(PathEditTool):
    id = "delete_anchor"
    label = "Delete Anchor Point Tool"
    icon = "tool-pen-delete"
    tip = "Click an anchor point of the path (or the layer's vector mask) to delete it"

    def press(self, canvas, ev) -> None:
        node, vector = self.vector_or_status(canvas)
        if vector is None:
            return
        hit = self.hit(canvas, vector, ev, handles=False)
        if hit is None:
            self.window.status("Click an anchor point to delete it.")
            return
        subpaths = path_edit.without_anchor(path_edit.current_subpaths(vector), hit.subpath,
                                            hit.index)
        self.reshape(canvas, node, vector, subpaths, "Delete Anchor Point")
        canvas.update()

    def cursor_at(self, canvas, ev) -> QCursor:
        return anchor_cursor(self.icon, canvas)


class ConvertPointTool(PathEditTool):
    id = "convert_point"
    label = "Convert Point Tool"
    icon = "tool-convert-point"
    tip = ("Click a smooth anchor point to make it a corner; drag from an anchor to pull "
           "out smooth handles, or drag one handle to move it alone")

    def press(self, canvas, ev) -> None:
        if self.grab(canvas, ev) is None and self.vector(canvas)[1] is not None:
            self.window.status("Click or drag from an anchor point to convert it.")

    def move(self, canvas, ev) -> None:
        grabbed = self.grabbed_knots(canvas)
        hit = self._grab
        if grabbed is None or (hit.part == path_edit.ANCHOR and
                               (ev.pos - self._press).manhattanLength() < DRAG_DISTANCE):
            return  # (not a drag yet: a click retracts the handles)
        subpaths, knots = grabbed
        x, y = ev.image.x(), ev.image.y()
        if hit.part == path_edit.ANCHOR:
            knots = path_edit.pulled(knots, hit.index, x, y)
        else:
            knots = path_edit.moved_handle(knots, hit.index, hit.part, x, y, keep_smooth=False)
        self.preview = path_edit.replaced(subpaths, hit.subpath, knots)
        canvas.update()

    def release(self, canvas, ev) -> None:
        node, vector, hit, preview = self.let_go(canvas)
        if hit is None or vector is None:
            return
        if preview is None:
            if hit.part != path_edit.ANCHOR:
                return
            subpaths = path_edit.current_subpaths(vector)
            knots = subpaths[hit.subpath].knots
            if not path_edit.has_handles(knots[hit.index]):
                self.window.status("A corner point already: drag from it to pull out handles.")
                return
            preview = path_edit.replaced(subpaths, hit.subpath,
                                         path_edit.retracted(knots, hit.index))
        self.reshape(canvas, node, vector, preview, "Convert Point")

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)
