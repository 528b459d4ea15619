"""Rectangular and Elliptical Marquee (M; Shift+M or the options bar switches): draw the
selection; drag a box's handles to adjust it, or inside it to move it. A click without a
drag deselects. Shift at the press adds to the selection, Alt subtracts, Shift+Alt
intersects; Shift pressed later keeps a square or a circle. The box (or the box round the
shape) is what generation and decomposition use as their target area."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from editor.model import selection_ops
from engine.box import Box

from ..canvas import paint_ants_path
from .base import SELECTION_CONTEXT, Tool

HANDLE = 7          # handle size, logical pixels
GRAB = 6            # how far from a handle a press still grabs it
HANDLES = [(-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0)]
_CURSORS = {
    (-1, -1): Qt.CursorShape.SizeFDiagCursor, (1, 1): Qt.CursorShape.SizeFDiagCursor,
    (1, -1): Qt.CursorShape.SizeBDiagCursor, (-1, 1): Qt.CursorShape.SizeBDiagCursor,
    (0, -1): Qt.CursorShape.SizeVerCursor, (0, 1): Qt.CursorShape.SizeVerCursor,
    (-1, 0): Qt.CursorShape.SizeHorCursor, (1, 0): Qt.CursorShape.SizeHorCursor,
}


def handle_points(rect: QRectF) -> dict[tuple[int, int], QPointF]:
    cx, cy = rect.center().x(), rect.center().y()
    xs = {-1: rect.left(), 0: cx, 1: rect.right()}
    ys = {-1: rect.top(), 0: cy, 1: rect.bottom()}
    return {h: QPointF(xs[h[0]], ys[h[1]]) for h in HANDLES}


def selection_op(modifiers) -> str:
    """How a new shape combines with the selection, from the keys held at the press."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return "intersect" if shift and alt else "add" if shift else "subtract" if alt else "replace"


def paint_handles(painter: QPainter, points, size: float = HANDLE) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.setPen(QPen(QColor("#1d5fbf"), 1))
    painter.setBrush(QColor("#ffffff"))
    half = size / 2
    for p in points:
        painter.drawRect(QRectF(round(p.x() - half) + 0.5, round(p.y() - half) + 0.5, size - 1, size - 1))
    painter.restore()


class MarqueeTool(Tool):
    id = "marquee"
    label = "Rectangular Marquee Tool"
    letter = "M"
    icon = "tool-marquee"
    tip = "Draw the selection box (Shift: square); drag its handles to adjust it"

    SHAPES = ("rect", "ellipse")
    context_actions = SELECTION_CONTEXT
    combines = True  # Shift/Alt at the press add, subtract, intersect (not for Crop)

    def __init__(self, window):
        super().__init__(window)
        self._drag: Optional[tuple] = None
        self._preview: Optional[Box] = None
        self._readout: Optional[QLabel] = None
        self._op = "replace"
        self._shape_buttons: Optional[QButtonGroup] = None

    def load_options(self) -> None:
        super().load_options()
        self.shape = self.window.settings.value("tools/marquee/shape", "rect") \
            if self.combines else "rect"
        if self.shape not in self.SHAPES:
            self.shape = "rect"

    def set_shape(self, shape: str) -> None:
        self.shape = shape
        self.window.settings.set_value("tools/marquee/shape", shape)
        if self._shape_buttons is not None:
            self._shape_buttons.button(self.SHAPES.index(shape)).setChecked(True)

    def cycle(self) -> None:
        """Shift+M: Rectangular <-> Elliptical."""
        self.set_shape(self.SHAPES[(self.SHAPES.index(self.shape) + 1) % len(self.SHAPES)])

    @property
    def edits_box(self) -> bool:
        """Whether a press may grab the box's handles or move it (a plain rectangle)."""
        return self.shape == "rect" and self._op == "replace"

    # -- the box it edits (the crop tool edits its own) ----------------------------------
    def current_box(self, canvas) -> Optional[Box]:
        doc = canvas.doc
        return doc.selection if doc.selection_mask is None or not self.combines else None

    def set_box(self, canvas, box: Optional[Box]) -> None:
        doc = canvas.doc
        if box is None:
            if doc.selection is not None or doc.selection_mask is not None:
                doc.set_selection(None)  # a click deselects
        elif self.shape == "rect" and self._op == "replace" and doc.selection_mask is None:
            doc.set_selection(box)
        else:
            make = selection_ops.ellipse_mask if self.shape == "ellipse" else selection_ops.rect_mask
            name = "Elliptical Marquee" if self.shape == "ellipse" else "Rectangular Marquee"
            selection_ops.select_mask(doc, make(doc, box), self._op, name)

    # -- hit testing ----------------------------------------------------------------
    def _handle_at(self, canvas, pos: QPointF) -> Optional[tuple[int, int]]:
        box = self.current_box(canvas)
        if box is None:
            return None
        for h, p in handle_points(canvas.widget_rect(box)).items():
            if abs(p.x() - pos.x()) <= GRAB and abs(p.y() - pos.y()) <= GRAB:
                return h
        return None

    def _inside(self, canvas, pos: QPointF) -> bool:
        box = self.current_box(canvas)
        return box is not None and canvas.widget_rect(box).contains(pos)

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._op = selection_op(ev.modifiers) if self.combines else "replace"
        sel = self.current_box(canvas)
        handle = self._handle_at(canvas, ev.pos) if self.edits_box else None
        if handle is not None:
            self._drag = ("handle", handle, sel)
        elif self.edits_box and self._inside(canvas, ev.pos):
            self._drag = ("move", ev.image, sel)
        else:
            self._drag = ("new", ev.image, None)
        self._preview = None

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        kind, data, box0 = self._drag
        doc = canvas.doc
        point = canvas.chrome.snap_point(ev.image) if canvas.chrome is not None else ev.image
        x, y = round(point.x()), round(point.y())
        if kind == "new":
            ax, ay = round(data.x()), round(data.y())
            if ev.shift and self._op == "replace":  # a square (a circle)
                side = max(abs(x - ax), abs(y - ay))
                x = ax + side * (1 if x >= ax else -1)
                y = ay + side * (1 if y >= ay else -1)
            box = Box.from_corners(min(ax, x), min(ay, y), max(ax, x), max(ay, y))
        elif kind == "move":
            dx = round(ev.image.x() - data.x())
            dy = round(ev.image.y() - data.y())
            if canvas.chrome is not None:
                dx, dy = canvas.chrome.snap_offset(box0, dx, dy)
            dx = max(-box0.x, min(dx, doc.width - box0.x1))
            dy = max(-box0.y, min(dy, doc.height - box0.y1))
            box = box0.translate(dx, dy)
        else:
            hx, hy = data
            x0, y0, x1, y1 = box0.x, box0.y, box0.x1, box0.y1
            if hx < 0:
                x0 = x
            elif hx > 0:
                x1 = x
            if hy < 0:
                y0 = y
            elif hy > 0:
                y1 = y
            if ev.shift and hx and hy and box0.w and box0.h:  # keep the ratio
                ratio = box0.w / box0.h
                w, h = abs(x1 - x0), abs(y1 - y0)
                if w / max(h, 1) > ratio:
                    h = round(w / ratio)
                else:
                    w = round(h * ratio)
                x0, x1 = (x1 - w, x1) if hx < 0 else (x0, x0 + w)
                y0, y1 = (y1 - h, y1) if hy < 0 else (y0, y0 + h)
            box = Box.from_corners(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        self._preview = self.clipped(doc, box)
        self._show(self._preview)
        canvas.update()

    def clipped(self, doc, box: Box) -> Box:
        """What of a dragged `box` is kept: the part on the canvas (the Crop tool's may reach
        past it)."""
        return box.clip(doc.width, doc.height)

    def release(self, canvas, ev) -> None:
        drag, preview = self._drag, self._preview
        self._drag, self._preview = None, None
        if drag is None:
            return
        try:
            if preview is None or preview.is_empty():
                if drag[0] == "new" and self._op == "replace":
                    self.set_box(canvas, None)
            else:
                self.set_box(canvas, preview)
        except Exception as exc:
            self.window.report(exc, "Could not change the selection")
        self._show(self.readout_box(canvas))
        canvas.update()

    def readout_box(self, canvas) -> Optional[Box]:
        """What the options bar's X/Y/W/H shows: the selection's box (round any shape)."""
        return canvas.doc.selection

    def info_box(self, canvas) -> Optional[Box]:
        """The box being dragged, else the one the options bar reads out."""
        if self._drag is not None and self._preview is not None:
            return self._preview
        return self.readout_box(canvas)

    def activate(self, canvas) -> None:
        self._show(canvas.doc.selection if canvas is not None else None)  # this document's box

    def deactivate(self, canvas) -> None:
        self._drag, self._preview = None, None

    def cursor_at(self, canvas, ev) -> QCursor:
        handle = self._handle_at(canvas, ev.pos)
        if handle is not None:
            return QCursor(_CURSORS[handle])
        if self._inside(canvas, ev.pos):
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------
    def shown_selection(self, canvas) -> Optional[Box]:
        if self._drag is not None and self._preview is not None and self.edits_box:
            return self._preview
        return canvas.doc.selection

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self._drag is not None and self._preview is not None and not self.edits_box:
            path = QPainterPath()
            rect = canvas.widget_rect(self._preview)
            path.addEllipse(rect) if self.shape == "ellipse" else path.addRect(rect)
            paint_ants_path(painter, path)
            return
        box = self.current_box(canvas)
        if box is None or self.shape != "rect" or not canvas.view_shows("selection_edges"):
            return  # (no handles on edges hidden by View > Extras or Show > Selection Edges)
        paint_handles(painter, handle_points(canvas.widget_rect(box)).values())

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._shape_buttons = QButtonGroup(w)
        for i, (shape, text, tip) in enumerate((
                ("rect", "▭", "Rectangular Marquee (Shift+M switches)"),
                ("ellipse", "◯", "Elliptical Marquee (Shift+M switches)"))):
            button = QToolButton()
            button.setObjectName(f"MarqueeShape_{shape}")
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setChecked(shape == self.shape)
            button.clicked.connect(lambda _=False, s=shape: self.set_shape(s))
            self._shape_buttons.addButton(button, i)
            row.addWidget(button)
        self._readout = QLabel("No selection")
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        for text, action in (("Select All", "select_all"), ("Deselect", "deselect"),
                             ("Decompose", "decompose")):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, a=action: self.window.trigger(a))
            row.addWidget(button)
        row.addStretch(1)
        canvas = self.window.tools.canvas
        self._show(self.readout_box(canvas) if canvas is not None else None)
        return w

    def _show(self, box: Optional[Box]) -> None:
        if self._readout is None:
            return
        if box is not None:
            self._readout.setText(f"X {box.x}  Y {box.y}   W {box.w}  H {box.h} px")
            return
        # A selection painted in Quick Mask has no box, but it is a selection all the same
        # (its marching ants show; Fill, Clear and Decompose act on it).
        canvas = self.window.tools.canvas
        painted = canvas is not None and canvas.doc.selection_mask is not None \
            and bool(canvas.doc.selection_mask.any())
        self._readout.setText("Painted selection (Quick Mask)" if painted else "No selection")

    def selection_changed(self, box: Optional[Box]) -> None:
        if self._drag is None:
            self._show(box)
