"""The Pen tool (P): draws a subpath. A click adds a corner anchor, a click-and-drag a
smooth one whose handles follow the drag (mirrored); a click on the first anchor closes
the subpath; Enter or a double-click ends an open one (filled as if closed, as Photoshop
fills paths); Ctrl+Enter ends it and loads the path as the selection; Esc drops it;
Backspace (or Undo) takes the last anchor back; Shift puts the next anchor at a multiple
of 45 degrees from the last. The segment to the pointer follows it while drawing; taking
another tool keeps the path. The finished subpath is one undo step.

Where it goes is the options bar's mode (Photoshop's "pick tool mode"):
- Shape (the default): into the active layer's vector mask, combined with what it holds,
  or a new one (Photoshop's Layer > Vector Mask > Current Path). With a shape layer (a
  Solid Color fill with a path) active this adds to its shape, as Photoshop's Shape mode
  does with the layer's path; a new shape layer is the shape tools' (U).
- Path: into the path chosen in the Paths panel; with none chosen, into a new Work Path,
  which replaces an unsaved one (`editor.model.paths.add_subpath`). With the vector
  mask's row chosen, into that vector mask.

Auto Add/Delete (the options bar; on by default, as in Photoshop): while no path is being
drawn, the pointer over a segment of the active layer's vector mask shows the Add Anchor
Point cursor and a click adds an anchor there (a drag moves it), over an anchor the
Delete Anchor Point cursor and a click deletes it: the anchor tools do it (the Pen hands
them the press, the drag and the release), one undo step each. Off, or away from the path,
a click starts a path as before.

The outline drawing (subpaths, anchors, handles) is shared with the other path tools
(`path_tools`)."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QCursor, QPainter, QPainterPath
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from editor.model import mask_ops, path_edit, paths
from editor.model.errors import DocumentError

from .anchor_points import AddAnchorPointTool, DeleteAnchorPointTool
from .base import Tool
from .path_tools import (DRAG_DISTANCE, PathEditTool, is_load_selection_key, load_as_selection,
                         outline, paint_anchors, paint_chosen_path, paint_handles,
                         paint_outline, paint_path, widget_point)

CLOSE_DISTANCE = 6   # px on screen: a click this near the first anchor closes the subpath
MODES = (("shape", "Shape", "Into the active layer's vector mask"),
         ("path", "Path", "Into the chosen path, or a new Work Path"))


def target_refusal(doc) -> Optional[str]:
    """Why the active node cannot take a path (a status-bar line), or None."""
    node = doc.active
    if node is None or node is doc.root or node.parent is None:
        return "Select a layer or group to draw its vector mask."
    if node.is_locked():
        return f"Layer '{node.name}' is locked."
    return None


class PenTool(Tool):
    id = "pen"
    label = "Pen Tool"
    letter = "P"
    icon = "tool-pen"
    tip = ("Draw a path into the layer's vector mask (Shape mode) or the Work Path (Path "
           "mode): click for corners, drag for curves, click the first point to close; "
           "Enter ends an open path, Esc drops it")
    shows_paths = True  # it outlines the chosen path itself

    def __init__(self, window):
        super().__init__(window)
        self._mode_box: Optional[QComboBox] = None
        self._mode_note: Optional[QLabel] = None
        self.knots: list[np.ndarray] = []   # the subpath being drawn, image pixels
        self._hover: Optional[QPointF] = None
        self._drag: Optional[int] = None    # the knot whose handles follow the press
        self._press: Optional[QPointF] = None
        self._closing = False
        # Auto Add/Delete is the anchor tools' own work: the Pen hands them the gesture.
        self._add = AddAnchorPointTool(window)
        self._delete = DeleteAnchorPointTool(window)
        self._anchor_tool: Optional[PathEditTool] = None  # the one the press went to

    def load_options(self) -> None:
        super().load_options()
        self.mode = self.window.settings.value("tools/pen/mode", "shape")
        if self.mode not in [m[0] for m in MODES]:
            self.mode = "shape"
        self.auto_add_delete = self.window.settings.value("tools/pen/auto_add_delete", True, bool)

    def deactivate(self, canvas) -> None:
        # Another tool taken mid-path: the path is kept (Photoshop keeps its Work Path).
        if canvas is not None and len(self.knots) >= 2:
            self.finish(canvas, closed=False)
        self.cancel()
        for tool in (self._add, self._delete):
            tool.deactivate(canvas)
        self._anchor_tool = None

    def set_auto_add_delete(self, on: bool) -> None:
        self.auto_add_delete = bool(on)
        self.window.settings.set_value("tools/pen/auto_add_delete", self.auto_add_delete)

    def _auto(self, canvas, ev) -> Optional[PathEditTool]:
        """With Auto Add/Delete and no path being drawn, the anchor tool for the pointer:
        Delete Anchor Point over an anchor of the active path, Add Anchor Point over a
        segment; None elsewhere (the Pen draws)."""
        if not self.auto_add_delete or self.knots:
            return None
        _node, vector = self._add.vector(canvas)
        if vector is None:
            return None
        if self._delete.hit(canvas, vector, ev, handles=False) is not None:
            return self._delete
        if self._add.segment_hit(canvas, vector, ev) is not None:
            return self._add
        return None

    def cancel(self) -> None:
        self.knots, self._hover, self._drag, self._closing = [], None, None, False

    def set_mode(self, mode: str) -> None:
        """Shape (into the layer's vector mask) or Path (into the chosen path or the Work
        Path); remembered."""
        if mode not in [m[0] for m in MODES]:
            raise ValueError(f"unknown Pen mode {mode!r}")
        self.mode = mode
        self.window.settings.set_value("tools/pen/mode", mode)
        if self._mode_box is not None:
            self._mode_box.setCurrentIndex([m[0] for m in MODES].index(mode))
            self._mode_note.setText(dict((m[0], m[2]) for m in MODES)[mode])
        if self.window.canvas is not None:
            self.window.canvas.update()

    def into_vector_mask(self, doc) -> bool:
        """Whether the subpath goes into the active node's vector mask (Shape mode, or Path
        mode with the vector mask's row chosen), not into a document path."""
        return self.mode == "shape" or doc.path_target == paths.VECTOR_MASK

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._anchor_tool = self._auto(canvas, ev)
        if self._anchor_tool is not None:
            self._anchor_tool.press(canvas, ev)
            return
        if not self.knots and self.into_vector_mask(canvas.doc):
            refusal = target_refusal(canvas.doc)
            if refusal is not None:
                self.window.status(refusal)
                return
        if len(self.knots) >= 2 and self._near(canvas, ev.pos, self.knots[0]):
            self._closing, self._drag = True, 0
        else:
            x, y = ev.image.x(), ev.image.y()
            if ev.shift and self.knots:
                x, y = path_edit.constrained(*self.knots[-1][1], x, y)
            self.knots.append(path_edit.corner_knot(x, y))
            self._drag = len(self.knots) - 1
        self._press = ev.pos
        canvas.update()

    def move(self, canvas, ev) -> None:
        if self._anchor_tool is not None:
            self._anchor_tool.move(canvas, ev)
            return
        self._hover = ev.image
        if self._drag is not None and (ev.pos - self._press).manhattanLength() >= DRAG_DISTANCE:
            anchor = self.knots[self._drag][1]
            self.knots[self._drag] = path_edit.smooth_knot(anchor[0], anchor[1],
                                                           ev.image.x(), ev.image.y())
        canvas.update()

    def release(self, canvas, ev) -> None:
        tool, self._anchor_tool = self._anchor_tool, None
        if tool is not None:
            tool.release(canvas, ev)
            return
        self._drag = None
        if self._closing:
            self.finish(canvas, closed=True)

    def hover(self, canvas, ev) -> None:
        if self.knots:
            self._hover = ev.image
            canvas.update()

    def double_click(self, canvas, ev) -> bool:
        if not self.knots:
            return False
        self.finish(canvas, closed=False)
        return True

    def claims_key(self, canvas, e) -> bool:
        return is_load_selection_key(e) or bool(self.knots) and e.key() in (
            Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Backspace)

    def key_press(self, canvas, e) -> bool:
        if is_load_selection_key(e):
            # Ctrl+Enter: the path drawn so far ends, and the path becomes the selection.
            if self.knots and not self.finish(canvas, closed=False):
                return True
            load_as_selection(self.window, canvas, self.target_vector(canvas.doc))
            return True
        if not self.knots:
            return False
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish(canvas, closed=False)
        elif e.key() == Qt.Key.Key_Escape:
            self.cancel()
        elif e.key() == Qt.Key.Key_Backspace:
            self.step_back()
        else:
            return False
        canvas.update()
        return True

    def step_back(self) -> bool:
        """Backspace, or Undo while drawing: the last anchor goes (in Photoshop each anchor
        is a step of the history). False when no path is being drawn."""
        if not self.knots:
            return False
        self.knots.pop()
        self._drag = None
        if self.window.canvas is not None:
            self.window.canvas.update()
        return True

    def _near(self, canvas, pos: QPointF, knot: np.ndarray) -> bool:
        return (pos - widget_point(canvas, knot[1])).manhattanLength() <= CLOSE_DISTANCE

    def finish(self, canvas, closed: bool) -> bool:
        """Commits the subpath drawn (one undo step); False when nothing was added."""
        knots = np.array(self.knots, np.float64).reshape(-1, 3, 2)
        self.cancel()
        canvas.update()
        doc = canvas.doc
        if len(knots) < 2:
            self.window.status("A path needs at least two anchor points.")
            return False
        try:
            if self.into_vector_mask(doc):
                mask_ops.add_path(doc, doc.active, knots, closed)
                message = f"Path added to the vector mask of '{doc.active.name}'."
            else:
                path = paths.add_subpath(doc, knots, closed)
                message = f"Path added to '{path.name}'."
        except DocumentError as exc:
            self.window.status(str(exc))
            return False
        except Exception as exc:
            self.window.report(exc, "Could not add the path")
            return False
        self.window.status(message)
        return True

    def target_vector(self, doc):
        """The path this tool draws into now (None: none yet)."""
        if self.into_vector_mask(doc):
            return getattr(doc.active, "vector_mask", None)
        return paths.target_vector(doc)

    def cursor_at(self, canvas, ev) -> QCursor:
        tool = self._auto(canvas, ev)
        return QCursor(Qt.CursorShape.CrossCursor) if tool is None else tool.cursor_at(canvas, ev)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        paint_chosen_path(canvas, painter)
        if self._anchor_tool is not None:  # the anchor being added, where the drag has it
            self._anchor_tool.paint_overlay(canvas, painter)
            return
        node = canvas.doc.active
        if self.mode == "shape" and getattr(node, "vector_mask", None) is not None \
                and canvas.doc.path_target != paths.VECTOR_MASK:  # (else drawn just now)
            paint_path(painter, canvas, node.vector_mask)
        if not self.knots:
            return
        knots = np.array(self.knots)
        paint_outline(painter, outline(canvas, knots, self._closing))
        if self._hover is not None and self._drag is None and not self._closing:
            # The segment the next click would make (a corner there).
            paint_outline(painter, _band(canvas, knots[-1], self._hover))
        paint_anchors(painter, canvas, knots, filled=(len(knots) - 1,))
        paint_handles(painter, canvas, knots[-1 if self._drag is None else self._drag])

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Mode")
        label.setObjectName("Dim")
        row.addWidget(label)
        self._mode_box = QComboBox()
        self._mode_box.setObjectName("PenMode")
        self._mode_box.setToolTip("Shape: draw into the active layer's vector mask; Path: "
                                  "draw into the path chosen in the Paths panel, or a new "
                                  "Work Path")
        for mode, text, _ in MODES:
            self._mode_box.addItem(text, mode)
        self._mode_box.setCurrentIndex([m[0] for m in MODES].index(self.mode))
        self._mode_box.activated.connect(lambda i: self.set_mode(self._mode_box.itemData(i)))
        row.addWidget(self._mode_box)
        self._mode_note = QLabel(dict((m[0], m[2]) for m in MODES)[self.mode])
        self._mode_note.setObjectName("Dim")
        row.addWidget(self._mode_note)
        auto = QCheckBox("Auto Add/Delete")
        auto.setObjectName("PenAutoAddDelete")
        auto.setToolTip("A click on a segment of the path adds an anchor point, a click on "
                        "an anchor point deletes it")
        auto.setChecked(self.auto_add_delete)
        auto.toggled.connect(self.set_auto_add_delete)
        row.addWidget(auto)
        row.addStretch(1)
        return w


def _band(canvas, last: np.ndarray, end: QPointF) -> QPainterPath:
    """The rubber band from the last anchor (leaving along its handle) to image point
    `end`, in widget coordinates."""
    band = QPainterPath(widget_point(canvas, last[1]))
    target = canvas.image_to_widget(end)
    band.cubicTo(widget_point(canvas, last[2]), target, target)
    return band
