"""Perspective Crop tool (C, with the Crop tool; Shift+C switches): four corners round a
plane seen in perspective (a page, a facade), clicked one by one or dragged as a box whose
corners then move on their own (drag inside the quad to move it whole); the quad shows a
grid that follows the perspective, the canvas outside it is dimmed. Enter, a double-click
inside or the check button makes the whole document the rectified rectangle
(`model.perspective_crop`, one undo step); Esc drops the quad.

The options bar's W and H fix the output size (empty: the quad's mean edge lengths), Front
Image takes the document's own size, Clear empties them. Our documents carry no
resolution, so there is no Resolution box."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QToolButton, QWidget

from editor.model import perspective_crop as pc
from editor.model.image_ops import MAX_SIDE

from ..icons import icon
from .base import Tool
from .marquee import paint_handles

GRAB = 8.0  # widget pixels round a corner that grab it
GRID = 6  # grid cells along each side of the quad


class PerspectiveCropTool(Tool):
    id = "perspective_crop"
    label = "Perspective Crop Tool"
    letter = "C"
    icon = "tool-perspective-crop"
    tip = "Click four corners of a plane seen in perspective (or drag a box, then move its " \
          "corners); Enter straightens it into the whole image, Esc drops it"

    def __init__(self, window):
        super().__init__(window)
        self._quads: dict[int, list[tuple[float, float]]] = {}  # per document, 0..4 points
        self._drag: Optional[tuple] = None
        self._hover: Optional[QPointF] = None

    # -- the quad ----------------------------------------------------------------------
    def points(self, canvas) -> list[tuple[float, float]]:
        """The corners placed so far on `canvas`'s document (canvas coordinates); with
        four, in order top-left, top-right, bottom-right, bottom-left."""
        return list(self._quads.get(id(canvas.doc), []))

    def set_points(self, canvas, points) -> None:
        points = [(float(x), float(y)) for x, y in points]
        if len(points) == 4:
            points = pc.ordered(points)
        if points:
            self._quads[id(canvas.doc)] = points
        else:
            self._quads.pop(id(canvas.doc), None)
        self._show(canvas)
        canvas.update()

    def output_size(self, canvas) -> Optional[tuple[int, int]]:
        """What a commit would make: the typed W/H, else the quad's mean edge lengths."""
        quad = self.points(canvas)
        if len(quad) != 4:
            return None
        w, h = pc.natural_size(quad)
        typed_w, typed_h = self.typed_size()
        return typed_w or w, typed_h or h

    def typed_size(self) -> tuple[int, int]:
        self.options()
        return self.width_box.value(), self.height_box.value()

    def commit(self, canvas) -> None:
        if canvas is None:
            return
        quad = self.points(canvas)
        if len(quad) != 4:
            return
        w, h = self.typed_size()
        try:
            pc.perspective_crop(canvas.doc, quad, w or None, h or None)
        except Exception as exc:
            self.window.report(exc, "Could not crop")
            return  # the quad stays, to be mended
        self.set_points(canvas, [])

    def reset(self, canvas) -> None:
        if canvas is not None:
            self._drag = None
            self.set_points(canvas, [])

    def activate(self, canvas) -> None:
        self._drag = None
        if canvas is not None:
            self._show(canvas)

    # -- input -------------------------------------------------------------------------
    def _corner_at(self, canvas, pos: QPointF) -> Optional[int]:
        best, index = GRAB, None
        for i, (x, y) in enumerate(self.points(canvas)):
            p = canvas.image_to_widget(QPointF(x, y))
            d = max(abs(p.x() - pos.x()), abs(p.y() - pos.y()))
            if d <= best:
                best, index = d, i
        return index

    def _inside(self, canvas, image: QPointF) -> bool:
        quad = self.points(canvas)
        return len(quad) == 4 and QPolygonF([QPointF(x, y) for x, y in quad]).containsPoint(
            image, Qt.FillRule.OddEvenFill)

    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        quad = self.points(canvas)
        at = (ev.image.x(), ev.image.y())
        corner = self._corner_at(canvas, ev.pos)
        if corner is not None:
            self._drag = ("corner", corner)
        elif len(quad) == 4 and self._inside(canvas, ev.image):
            self._drag = ("move", at, quad)
        else:
            if len(quad) == 4:  # outside a finished quad: a new one
                self.set_points(canvas, [])
            self._drag = ("new", at, QPointF(ev.pos))

    def move(self, canvas, ev) -> None:
        self._hover = QPointF(ev.image)
        if self._drag is None:
            return
        at = (ev.image.x(), ev.image.y())
        kind = self._drag[0]
        quad = self.points(canvas)
        if kind == "corner":
            quad[self._drag[1]] = at
            # (not re-ordered while dragged: the corner stays the one held, even folded)
            self._quads[id(canvas.doc)] = quad
            self._show(canvas)
        elif kind == "move":
            (x0, y0), start = self._drag[1], self._drag[2]
            self._quads[id(canvas.doc)] = [(x + at[0] - x0, y + at[1] - y0) for x, y in start]
            self._show(canvas)
        elif kind == "new" and not quad:
            press = self._drag[2]
            if max(abs(ev.pos.x() - press.x()), abs(ev.pos.y() - press.y())) > 3:
                self._drag = ("box", self._drag[1])
        if self._drag[0] == "box":
            (x0, y0) = self._drag[1]
            self._quads[id(canvas.doc)] = [(x0, y0), (at[0], y0), at, (x0, at[1])]
            self._show(canvas)
        canvas.update()

    def release(self, canvas, ev) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        quad = self.points(canvas)
        if drag[0] == "new":  # a click: one more corner
            self.set_points(canvas, quad + [drag[1]])
        elif drag[0] == "box":
            x0, y0 = drag[1]
            x1, y1 = ev.image.x(), ev.image.y()
            if abs(x1 - x0) < 1 or abs(y1 - y0) < 1:
                self.set_points(canvas, [])
            else:
                self.set_points(canvas, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        else:
            self.set_points(canvas, quad)  # put in order again after a corner crossed

    def hover(self, canvas, ev) -> None:
        self._hover = QPointF(ev.image)
        if 0 < len(self.points(canvas)) < 4:
            canvas.update()  # the rubber band to the next corner

    def double_click(self, canvas, ev) -> bool:
        if self._inside(canvas, ev.image):
            self.commit(canvas)
            return True
        return False

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and len(self.points(canvas)) == 4:
            self.commit(canvas)
            return True
        if e.key() == Qt.Key.Key_Escape and self.points(canvas):
            self.reset(canvas)
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        if self._corner_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.SizeAllCursor)
        if self._inside(canvas, ev.image):
            return QCursor(Qt.CursorShape.OpenHandCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing -----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        quad = self.points(canvas)
        if not quad:
            return
        widget = [canvas.image_to_widget(QPointF(x, y)) for x, y in quad]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if len(quad) < 4:
            line = list(widget)
            if self._hover is not None and self._drag is None:
                line.append(canvas.image_to_widget(self._hover))
            painter.setPen(QPen(QColor("#ffffff"), 1))
            painter.drawPolyline(QPolygonF(line))
            painter.restore()
            paint_handles(painter, widget)
            return
        shape = QPolygonF(widget)
        shade, keep = QPainterPath(), QPainterPath()
        shade.addRect(canvas.rect().toRectF())
        keep.addPolygon(shape)
        keep.closeSubpath()
        painter.fillPath(shade.subtracted(keep), QColor(0, 0, 0, 140))
        convex = pc.is_convex(quad)
        if convex:  # the grid: straight lines of the rectangle, seen in the quad's perspective
            try:
                m = pc.homography([(0, 0), (1, 0), (1, 1), (0, 1)],
                                  [(p.x(), p.y()) for p in widget])
            except ValueError:
                m = None
            if m is not None:
                painter.setPen(QPen(QColor(255, 255, 255, 130), 1))
                for i in range(1, GRID):
                    t = i / GRID
                    for a, b in (((t, 0), (t, 1)), ((0, t), (1, t))):
                        (x0, y0), (x1, y1) = pc.project(m, [a, b])
                        painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))
        # A quad that folds cannot be a plane: shown red, and refused on Enter.
        painter.setPen(QPen(QColor("#ffffff" if convex else "#ff4040"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(shape)
        painter.restore()
        paint_handles(painter, widget)

    # -- options bar -------------------------------------------------------------------
    def _show(self, canvas) -> None:
        if self._options is None or canvas is None:
            return
        size = self.output_size(canvas)
        n = len(self.points(canvas))
        self._readout.setText(f"{size[0]} × {size[1]} px" if size is not None else
                              f"corner {n + 1} of 4" if n else "")

    def _size_box(self, name: str, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(0, MAX_SIDE)
        box.setSpecialValueText(" ")  # 0: from the quad
        box.setSuffix(" px")
        box.setToolTip(tip)
        box.valueChanged.connect(lambda _=0: self._show(self.window.tools.canvas))
        return box

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self.width_box = self._size_box("PerspectiveCropWidth",
                                        "Width of the result (empty: the quad's)")
        self.height_box = self._size_box("PerspectiveCropHeight",
                                         "Height of the result (empty: the quad's)")
        for label, box in (("W:", self.width_box), ("H:", self.height_box)):
            row.addWidget(QLabel(label))
            row.addWidget(box)
        front = QPushButton("Front Image")
        front.setObjectName("PerspectiveCropFront")
        front.setToolTip("Take the size of the image in front")
        front.clicked.connect(self.front_image)
        clear = QPushButton("Clear")
        clear.setObjectName("PerspectiveCropClear")
        clear.setToolTip("Empty W and H: the result takes the quad's size")
        clear.clicked.connect(self.clear_size)
        row.addWidget(front)
        row.addWidget(clear)
        self._readout = QLabel()
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        row.addStretch(1)
        for name, tip, slot in (("cancel", "Drop the quad (Esc)", self.reset),
                                ("check", "Straighten the quad into the image (Enter)",
                                 self.commit)):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setObjectName(f"PerspectiveCrop{name.title()}")
            button.clicked.connect(lambda _=False, s=slot: s(self.window.tools.canvas))
            row.addWidget(button)
        return w

    def front_image(self) -> None:
        canvas = self.window.tools.canvas
        if canvas is not None:
            self.width_box.setValue(canvas.doc.width)
            self.height_box.setValue(canvas.doc.height)

    def clear_size(self) -> None:
        self.width_box.setValue(0)
        self.height_box.setValue(0)
