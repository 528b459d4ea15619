"""What the path tools share: drawing a path's outline, anchors and handles on the canvas
(Pen, Direct Selection, Add / Delete Anchor Point, Convert Point), and `PathEditTool`,
the base of the tools that reshape a path: the path chosen in the Paths panel (a saved
path or the Work Path: `editor.model.paths`) or else the active layer's vector mask. It
finds that path, hit-tests its anchors and handles at a screen distance, draws the
outline (a drag's preview while it goes on) with the anchors, and commits a change as
one named undo step (`paths.reshape_path`, `mask_ops.reshape_vector_mask`), after which
the canvas redraws. With any other tool the canvas outlines the chosen path
(`paint_chosen_path`). Ctrl+Enter loads the edited path as the selection, as in
Photoshop. The geometry itself is `editor.model.path_edit`'s."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from editor.model import mask_ops, path_edit, paths
from editor.model.errors import DocumentError
from editor.model.paths import DocPath

from .base import Tool

ANCHOR_SIZE = 7      # px: an anchor's square
HANDLE_RADIUS = 3    # px: a handle's dot
HIT_DISTANCE = 6     # px on screen: how near an anchor, handle or segment a press takes it
DRAG_DISTANCE = 3    # px on screen: a press moved this far is a drag
PATH_COLOUR = QColor("#2a7fff")


# -- drawing ---------------------------------------------------------------------------
def widget_point(canvas, xy) -> QPointF:
    """Image point `xy` (x, y) in widget coordinates."""
    return canvas.image_to_widget(QPointF(float(xy[0]), float(xy[1])))


def image_outline(knots: np.ndarray, closed: bool, path: Optional[QPainterPath] = None
                  ) -> QPainterPath:
    """The subpath's curves in image coordinates (added to `path` when given): straight
    segments as lines (a traced selection's thousands of corners), the others as cubics."""
    path = QPainterPath() if path is None else path
    if not len(knots):
        return path
    count = len(knots) if closed else len(knots) - 1
    if not np.abs(knots[:, [0, 2]] - knots[:, 1:2]).any():  # corners only: a polygon
        ring = knots[:, 1] if not closed else np.concatenate([knots[:, 1], knots[:1, 1]])
        path.addPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in ring[:count + 1]]))
    else:
        path.moveTo(float(knots[0, 1, 0]), float(knots[0, 1, 1]))
        for i in range(count):
            a, b = knots[i], knots[(i + 1) % len(knots)]
            path.cubicTo(float(a[2, 0]), float(a[2, 1]), float(b[0, 0]), float(b[0, 1]),
                         float(b[1, 0]), float(b[1, 1]))
    if closed and len(knots) > 1:
        path.closeSubpath()
    return path


def outline(canvas, knots: np.ndarray, closed: bool) -> QPainterPath:
    """The subpath's curves in widget coordinates."""
    return canvas.image_transform().map(image_outline(knots, closed))


# The outlines of the last paths drawn, in image coordinates, by the identity of their shape
# (`VectorMask.shape`, kept here so the identity stays valid): a path redrawn at every
# paint of the canvas is traced into a QPainterPath once.
_OUTLINES: dict[int, tuple[dict, tuple, QPainterPath]] = {}
_OUTLINES_KEPT = 8


def vector_outline(vector) -> QPainterPath:
    """All the subpaths of `vector` (a path or vector mask) where it is drawn now, in image
    coordinates; kept until the path changes (map it with `canvas.image_transform()`)."""
    shape = vector.shape
    hit = _OUTLINES.get(id(shape))
    if hit is not None and hit[0] is shape and hit[1] == vector.offset:
        return hit[2]
    path = QPainterPath()
    for sub in path_edit.current_subpaths(vector):
        image_outline(sub.knots, sub.closed, path)
    while len(_OUTLINES) >= _OUTLINES_KEPT:
        del _OUTLINES[next(iter(_OUTLINES))]
    _OUTLINES[id(shape)] = (shape, vector.offset, path)
    return path


def paint_path(painter: QPainter, canvas, vector) -> None:
    """The outline of `vector` (a path or a vector mask) on the canvas."""
    paint_outline(painter, canvas.image_transform().map(vector_outline(vector)))


def paint_outline(painter: QPainter, path: QPainterPath) -> None:
    """A thin line in the path colour over a pale halo (seen on dark and light pictures)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(255, 255, 255, 150), 3))
    painter.drawPath(path)
    painter.setPen(QPen(PATH_COLOUR, 1))
    painter.drawPath(path)
    painter.restore()


def paint_anchors(painter: QPainter, canvas, knots: np.ndarray, filled=()) -> None:
    """Anchors as small squares: hollow, or filled for those in `filled` (indices)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QPen(PATH_COLOUR, 1))
    half = ANCHOR_SIZE / 2
    for i, knot in enumerate(knots):
        p = widget_point(canvas, knot[1])
        painter.setBrush(PATH_COLOUR if i in filled else QColor("#ffffff"))
        painter.drawRect(QRectF(round(p.x() - half) + 0.5, round(p.y() - half) + 0.5,
                                ANCHOR_SIZE - 1, ANCHOR_SIZE - 1))
    painter.restore()


def paint_handles(painter: QPainter, canvas, knot: np.ndarray) -> None:
    """An anchor's handles (those off the anchor): a line from it, and a dot."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    anchor = widget_point(canvas, knot[1])
    for part in (path_edit.PRECEDING, path_edit.LEAVING):
        if np.hypot(*(knot[part] - knot[1])) < path_edit.TINY:
            continue
        p = widget_point(canvas, knot[part])
        painter.setPen(QPen(PATH_COLOUR, 1))
        painter.drawLine(anchor, p)
        painter.setBrush(PATH_COLOUR)
        painter.drawEllipse(p, HANDLE_RADIUS, HANDLE_RADIUS)
    painter.restore()


def paint_vector_mask(painter: QPainter, canvas, subpaths) -> None:
    """The outlines of a path's subpaths (`path_edit.current_subpaths`)."""
    for sub in subpaths:
        paint_outline(painter, outline(canvas, sub.knots, sub.closed))


def paint_chosen_path(canvas, painter: QPainter) -> None:
    """The outline of the path chosen in the Paths panel (none when nothing is chosen):
    what the canvas shows with the tools that do not draw paths themselves."""
    vector = paths.target_vector(canvas.doc)
    if vector is not None:
        paint_path(painter, canvas, vector)


def edited_path(doc):
    """(owner, path) the path tools edit: the document path chosen in the Paths panel (its
    DocPath), else the active node and its vector mask (None when it has none)."""
    chosen = paths.target_path(doc)
    if chosen is not None:
        return chosen, chosen.vector
    node = doc.active
    return node, getattr(node, "vector_mask", None)


def is_load_selection_key(e) -> bool:
    """Ctrl+Enter: the path as the selection (Photoshop's key with a path tool)."""
    return e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
        bool(e.modifiers() & Qt.KeyboardModifier.ControlModifier)


def load_as_selection(window, canvas, vector) -> None:
    """Ctrl+Enter: `vector`'s area becomes the selection (one step), or the status bar
    says there is no path."""
    if vector is None:
        window.status("There is no path to load as a selection.")
        return
    try:
        paths.load_selection(canvas.doc, vector=vector)
    except Exception as exc:
        window.report(exc, "Could not load the path as a selection")


# -- the tools that reshape a path -------------------------------------------------------
class PathEditTool(Tool):
    """A tool that reshapes the edited path (`edited_path`): the chosen document path, or
    the active node's vector mask. `selected` is the anchor whose handles show (and can be
    grabbed); `preview` the subpaths drawn while a drag goes on. Subclasses handle press,
    move and release and call `reshape` to commit."""

    shows_paths = True  # the canvas leaves the chosen path's outline to the tool

    def __init__(self, window):
        super().__init__(window)
        self.selected: Optional[tuple[int, int]] = None  # (subpath, knot) of the path
        self._owner = None      # what `selected` is in: a node, or a document path's uid
        self.preview = None     # the subpaths while a drag goes on
        self._grab: Optional[path_edit.Hit] = None  # the anchor or handle a press took
        self._press: Optional[QPointF] = None       # where the press was (widget)
        self._start: Optional[QPointF] = None       # and in the image

    def deactivate(self, canvas) -> None:
        self.selected, self.preview, self._grab = None, None, None

    def grab(self, canvas, ev) -> Optional[path_edit.Hit]:
        """A press: the anchor under the pointer, or a handle of the selected one, becomes
        the one dragged and the selected anchor; returns it (None: nothing there, or no
        path, which the status bar then says)."""
        node, vector = self.vector_or_status(canvas)
        if vector is None:
            return None
        hit = self.hit(canvas, vector, ev)
        self.selected = None if hit is None else (hit.subpath, hit.index)
        self._grab, self._press, self._start, self.preview = hit, ev.pos, ev.image, None
        canvas.update()
        return hit

    def grabbed_knots(self, canvas):
        """While dragging what `grab` took: (the path's subpaths, the knots of the grabbed
        anchor's subpath), or None."""
        node, vector = self.vector(canvas)
        if self._grab is None or vector is None:
            return None
        subpaths = path_edit.current_subpaths(vector)
        return subpaths, subpaths[self._grab.subpath].knots

    def let_go(self, canvas):
        """A release: (the path's owner, its geometry, what was grabbed, the drag's preview),
        the drag's state cleared."""
        node, vector = self.vector(canvas)
        hit, preview = self._grab, self.preview
        self._grab, self.preview = None, None
        canvas.update()
        return node, vector, hit, preview

    def vector(self, canvas):
        """The edited path's owner (a node or a DocPath) and its geometry (None when there
        is none); the selected anchor is forgotten when the path changed to another or the
        anchor is gone (undo)."""
        owner, vector = edited_path(canvas.doc)
        key = ("path", owner.uid) if isinstance(owner, DocPath) else owner
        if key != self._owner:
            self._owner, self.selected = key, None
        if vector is not None and self.selected is not None:
            s, i = self.selected
            if s >= len(vector.subpaths) or i >= len(vector.subpaths[s].knots):
                self.selected = None
        return owner, vector

    def vector_or_status(self, canvas):
        """As `vector`, saying in the status bar what to do when there is no path."""
        owner, vector = self.vector(canvas)
        if vector is None:
            self.window.status("The active layer has no vector mask: draw one with the "
                               "Pen tool (P), or choose a path in the Paths panel.")
        return owner, vector

    def hit(self, canvas, vector, ev, handles: bool = True) -> Optional[path_edit.Hit]:
        """The anchor under the pointer, or the selected anchor's handle (with `handles`)."""
        return path_edit.hit_test(vector.moved_knots(), ev.image.x(), ev.image.y(),
                                  HIT_DISTANCE / canvas.scale,
                                  self.selected if handles else None)

    def segment_hit(self, canvas, vector, ev) -> Optional[path_edit.SegmentHit]:
        """The point of a segment under the pointer."""
        return path_edit.segment_hit(path_edit.current_subpaths(vector), ev.image.x(),
                                     ev.image.y(), HIT_DISTANCE / canvas.scale)

    def reshape(self, canvas, owner, vector, subpaths, name: str) -> None:
        """Commits `subpaths` (where they are drawn) as the path of `owner` (a node or a
        DocPath): one undo step."""
        try:
            if isinstance(owner, DocPath):
                paths.reshape_path(canvas.doc, owner.uid, vector.with_subpaths(subpaths), name)
            else:
                mask_ops.reshape_vector_mask(canvas.doc, owner, vector.with_subpaths(subpaths),
                                             name)
        except DocumentError as exc:
            self.window.status(str(exc))
        except Exception as exc:
            self.window.report(exc, "Could not reshape the path")

    def claims_key(self, canvas, e) -> bool:
        return is_load_selection_key(e)

    def key_press(self, canvas, e) -> bool:
        if not is_load_selection_key(e):
            return False
        load_as_selection(self.window, canvas, self.vector(canvas)[1])
        return True

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        node, vector = self.vector(canvas)
        if vector is None:
            return
        subpaths = self.preview or path_edit.current_subpaths(vector)
        if self.preview:
            paint_vector_mask(painter, canvas, subpaths)
        else:
            paint_path(painter, canvas, vector)
        for s, sub in enumerate(subpaths):
            chosen = (self.selected[1],) if self.selected and self.selected[0] == s else ()
            paint_anchors(painter, canvas, sub.knots, filled=chosen)
        if self.selected is not None and self.selected[0] < len(subpaths) \
                and self.selected[1] < len(subpaths[self.selected[0]].knots):
            s, i = self.selected
            paint_handles(painter, canvas, subpaths[s].knots[i])
