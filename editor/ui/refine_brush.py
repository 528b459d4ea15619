"""Select and Mask's Refine Edge Brush, and the canvas kept live beside the dialog.

Photoshop's Refine Edge Brush: while Select and Mask is open, a drag on the canvas paints
over what the edge detection should measure again (hair, fur the band misses, however far
from the selection's edge); Alt+drag takes that paint away, so the band is the plain one
again there. [ and ] change the size (it is also in the dialog); Ctrl+Z takes the last
stroke back. The paint is the dialog's, never the document's: a canvas-sized uint8 map
(`refine_edge.paint_refinement`) that the preview and OK hand to the matting with the band
(`RefineJob.painted`). Each stroke ends with a new preview.

`RefineBrushMode` is a canvas mode (as Quick Mask) that the dialog starts and ends; its dabs
fall where the Brush's do (`brush.StrokePath`, `brush.dab_mask`). While a stroke's preview
is on its way, the stroke shows as a pale trail.

`CanvasOnly` keeps the rest of the window still while the dialog is open. The dialog is
not modal (a modal one takes the canvas's clicks away too), so this application event
filter lets through the canvas's own input and the view's keys (zoom, [ and ], Ctrl+Z for
a stroke) only; menus, panels, tabs and the window's other shortcuts wait until the dialog
ends, as behind a modal dialog.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolBar, QWidget

from editor.model.dabs import dab_mask
from editor.model.refine_edge import paint_refinement
from engine.box import Box

from .tools import Tool
from .tools.brush import MAX_SIZE, BrushOutline, StrokePath, next_size

if TYPE_CHECKING:
    from .select_and_mask import SelectAndMaskDialog

HARDNESS = 1.0       # a hard brush: what the circle covers is what joins the band
SIZE_KEY = "select_and_mask/brush_size"
UNDO_STROKES = 50    # strokes Ctrl+Z can take back
# The window's actions that still work while the dialog is open (the view's and the brush's).
VIEW_ACTIONS = ("zoom_in", "zoom_out", "fit", "actual", "brush_smaller", "brush_larger", "undo")


def paint_dabs(painted: np.ndarray, centres: list[QPointF], size: float,
               remove: bool = False) -> Box:
    """The Refine Edge Brush's dabs at `centres` (image points) into `painted`, in place;
    returns the box they changed."""
    changed = Box(0, 0, 0, 0)
    for c in centres:
        changed = changed.union(paint_refinement(painted, *dab_mask(c.x(), c.y(), size, HARDNESS),
                                                 remove))
    return changed


class RefineBrushMode(Tool):
    id = "refine_edge_brush"
    label = "Refine Edge Brush Tool"
    icon = "tool-brush"
    tip = "Paint over hair or fur to refine the edge there (Alt: restore the edge)"

    def __init__(self, window, dialog: "SelectAndMaskDialog", painted: np.ndarray):
        super().__init__(window)
        self.dialog = dialog
        self.painted = painted    # (H, W) uint8 on the canvas, shared with the dialog
        self.size = window.settings.value(SIZE_KEY, 40, int)
        self.strokes = 0          # strokes ended so far (the preview says which it shows)
        self._path = StrokePath()
        self._before: Optional[np.ndarray] = None  # the paint as the stroke found it
        self._changed = Box(0, 0, 0, 0)
        self._remove = False
        self._undo: list[tuple[Box, np.ndarray]] = []
        self._trails: list[tuple[int, QPainterPath, int, bool]] = []  # (stroke, path, size, remove)
        self._outline = BrushOutline(QColor(255, 255, 255, 230))
        self._canvas = None

    # -- mode life cycle (see ToolManager.start_mode / end_mode) ---------------------------
    def activate(self, canvas) -> None:
        self._canvas = canvas
        self.window.status("Refine Edge Brush: paint over hair or fur to refine the edge "
                           "there (Alt+drag restores it; [ and ] change the size).")

    def deactivate(self, canvas) -> None:
        self._end_stroke()
        self._outline.move_to(canvas, None, self.size)

    def commit(self, canvas) -> None:
        self._end_stroke()

    cancel = commit

    # -- settings ------------------------------------------------------------------------------
    def set_size(self, size: int) -> None:
        self.size = int(max(1, min(MAX_SIZE, size)))
        self.window.settings.set_value(SIZE_KEY, self.size)
        self.dialog.brush_sized(self.size)
        if self._canvas is not None:
            self._canvas.update()

    def change_size(self, direction: int) -> None:
        self.set_size(next_size(self.size, direction))

    # -- strokes -------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._canvas = canvas
        self._remove = ev.alt
        self._before = self.painted.copy()
        self._changed = Box(0, 0, 0, 0)
        self._path.start(ev.image)
        trail = QPainterPath(ev.image)
        trail.lineTo(ev.image)  # a click alone still shows its dab
        self._trails.append((self.strokes + 1, trail, self.size, self._remove))
        self._dabs(canvas, [ev.image])

    def move(self, canvas, ev) -> None:
        self._outline.move_to(canvas, ev.image, self.size)
        if self._before is None:
            return
        self._trails[-1][1].lineTo(ev.image)
        self._dabs(canvas, self._path.to(ev.image, self.size))
        canvas.update()

    def release(self, canvas, ev) -> None:
        self._end_stroke()

    def hover(self, canvas, ev) -> None:
        self._outline.move_to(canvas, ev.image, self.size)

    def leave(self, canvas) -> None:
        self._outline.move_to(canvas, None, self.size)

    def _dabs(self, canvas, centres: list[QPointF]) -> None:
        if centres:
            self._changed = self._changed.union(
                paint_dabs(self.painted, centres, self.size, self._remove))

    def _end_stroke(self) -> None:
        before, self._before = self._before, None
        if before is None:
            return
        self.strokes += 1
        if not self._changed.is_empty():
            # Only the box the stroke changed is kept for Ctrl+Z, not the whole map.
            self._undo.append((self._changed, before[self._changed.slices()].copy()))
            del self._undo[:-UNDO_STROKES]
        self.dialog.brush_stroked()

    def step_back(self) -> bool:
        """Ctrl+Z in Select and Mask: the last stroke goes (the document is not touched).
        True: the mode stays (the dialog ends it)."""
        if self._before is None and self._undo:
            box, values = self._undo.pop()
            self.painted[box.slices()] = values
            self.strokes += 1
            self.dialog.brush_stroked()
        return True

    def shown(self, stroke: int) -> None:
        """The preview now shows the strokes up to `stroke`: their trails go."""
        self._trails = [t for t in self._trails if t[0] > stroke]
        if self._canvas is not None:
            self._canvas.update()

    # -- keys, cursor, drawing -----------------------------------------------------------------
    def key_press(self, canvas, e) -> bool:
        if e.key() == Qt.Key.Key_Escape:
            self.dialog.reject()
        elif e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.dialog.accept()
        elif e.matches(QKeySequence.StandardKey.Undo):
            self.step_back()
        else:
            return False
        return True

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._trails:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setTransform(canvas.image_transform(), True)  # (under Rotate View's turn)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for _stroke, trail, size, remove in self._trails:
                colour = QColor(20, 20, 20, 110) if remove else QColor(120, 200, 255, 110)
                painter.setPen(QPen(colour, size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                    Qt.PenJoinStyle.RoundJoin))
                painter.drawPath(trail)
            painter.restore()
        self._outline.paint(canvas, painter, self.size)

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Refine Edge Brush: paint over hair or fur (Alt: restore) · [ and ] "
                      "change the size · OK or Cancel in Select and Mask")
        hint.setObjectName("Dim")
        row.addWidget(hint)
        row.addStretch(1)
        return w


# Input that reaches a widget; the canvas takes the mouse's, the wheel's and the keys'.
_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
          QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel,
          QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
          QEvent.Type.ContextMenu, QEvent.Type.DragEnter, QEvent.Type.DragMove,
          QEvent.Type.Drop, QEvent.Type.TabletPress, QEvent.Type.TabletMove,
          QEvent.Type.TabletRelease, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
          QEvent.Type.TouchEnd}
_CANVAS_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                 QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove, QEvent.Type.Wheel,
                 QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride}


class CanvasOnly(QObject):
    """While installed on the application: of the main window's input, only the canvas's
    and the VIEW_ACTIONS' shortcuts get through; the dialog's own is left alone."""

    def __init__(self, window, canvas, dialog):
        super().__init__(dialog)
        self.window, self.canvas, self.dialog = window, canvas, dialog
        self.allowed = {window.actions[name] for name in VIEW_ACTIONS if name in window.actions}

    def _behind_dialog(self, obj) -> bool:
        """True for what belongs to the main window: its widgets (floating panels and bars
        too) and its actions; not the dialog's, nor another window's (a message box)."""
        if isinstance(obj, QWidget):
            top = obj.window()
            if top is self.window:
                return True
            if not isinstance(top, (QDockWidget, QToolBar)):
                return False
        while obj is not None:  # an action, a floating panel: whose is it?
            if obj is self.dialog:
                return False
            if obj is self.window:
                return True
            obj = obj.parent()
        return False

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Shortcut:
            return obj not in self.allowed and self._behind_dialog(obj)
        if kind in _INPUT and isinstance(obj, QWidget):
            if obj is self.canvas:
                return kind not in _CANVAS_INPUT
            return self._behind_dialog(obj)
        if kind == QEvent.Type.Close and obj is self.window:
            event.ignore()  # the dialog first (as a modal one would have it)
            return True
        return False
