"""Edit > Transform > Warp of the active pixel layer (its linked mask and paths follow).

Photoshop's default warp: a 4 x 4 grid of control points over the layer's box (the four
corners, their eight tangent handles, four inner points) bending the layer as a bicubic
Bezier patch (`editor/model/warp.py`). Drag a point to move it (a corner brings its
handles and inner point along, as one block), or drag inside the grid to bend that part:
the grid changes as little as it can for the point under the pointer to follow it. The
options bar's Warp menu sets the grid to one of Photoshop's styles (Arc, Arch, Bulge,
Flag, Wave) with the Bend in percent; None puts it back. Ctrl+Z steps back one drag
while it runs. Enter, the check button or a double-click inside commits, as one undo step
("Warp", through `TransformTool`'s commit, the same as Free Transform's); Esc cancels.
While it runs the canvas shows the layer bent at a preview resolution over the stack.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from editor.model import Layer
from editor.model import warp

from ..pyramid import Pyramid
from ..qimage import premultiplied
from .bend import BentPreview, check_pixel_layer
from .marquee import HANDLE, paint_handles
from .transform import GRAB, TransformTool

_CORNERS = ((0, 0), (0, 3), (3, 3), (3, 0))
_STYLES = ("None", "Custom", *warp.PRESETS)


class WarpTool(TransformTool):
    id = "warp"
    label = "Warp"
    step = "Warp"
    verb = "warp"

    def __init__(self, window, manager, node: Layer):
        super().__init__(window, manager, node)
        f = self.frame
        self.box = (f.x, f.y, f.w, f.h)
        self.grid = warp.identity(self.box)
        self.style = "None"
        self.bend = 0.5
        self._grid_steps: list[tuple[np.ndarray, str]] = []
        self._bent = BentPreview()
        self._style_box: Optional[QComboBox] = None
        self._bend_field: Optional[QDoubleSpinBox] = None

    @staticmethod
    def check(node) -> None:
        """Raises a clear error when the active node cannot be warped."""
        check_pixel_layer(node, "Warp")
        TransformTool.check(node)

    # -- commit and cancel (TransformTool.commit calls these) ---------------------------------
    def _unchanged(self) -> bool:
        return warp.is_identity(self.grid, self.box)

    def _apply(self, doc) -> None:
        grid, (fx, fy, w, h) = self.grid.copy(), self.box

        def resample(pixels, origin, limit):
            # An array whose pixel (0, 0) lies at canvas `origin`: the box in its own pixels.
            x, y = origin
            return warp.warp_pixels(pixels, grid, (fx - x, fy - y, w, h), limit)

        self._warp(doc, resample, lambda x, y: (x, y),
                   lambda q: warp.map_points(grid, self.box, q))

    def cancel(self, canvas) -> None:
        self.grid = warp.identity(self.box)

    def step_back(self) -> bool:
        if not self._grid_steps:
            return False
        self.grid, self.style = self._grid_steps.pop()
        self._changed()
        return True

    def _remember(self) -> None:
        self._grid_steps.append((self.grid.copy(), self.style))

    def flip(self, horizontal: bool) -> None:
        """The picture mirrored inside the same grid (Edit > Transform > Flip while warping)."""
        self._remember()
        self.grid = self.grid[:, ::-1].copy() if horizontal else self.grid[::-1].copy()
        self.style = "Custom"
        self._changed()

    # -- the styles -------------------------------------------------------------------------
    def set_style(self, style: str, bend: Optional[float] = None) -> None:
        """Warp menu: the grid set to `style` (None: flat; Custom: left as it is) with `bend`
        (-1..1, default the current one); one Ctrl+Z step."""
        if bend is not None:
            self.bend = max(-1.0, min(1.0, bend))
        if style == "Custom" or (style == self.style and bend is None):
            self.style = style
            self._changed()
            return
        self._remember()
        self.style = style
        self.grid = warp.identity(self.box) if style == "None" else \
            warp.preset(style, self.bend, self.box)
        self._changed()

    def _changed(self) -> None:
        super()._changed()
        if self._style_box is not None:
            self._style_box.blockSignals(True)
            self._style_box.setCurrentText(self.style)
            self._style_box.blockSignals(False)
            self._bend_field.blockSignals(True)
            self._bend_field.setValue(self.bend * 100)
            self._bend_field.setEnabled(self.style in warp.PRESETS)
            self._bend_field.blockSignals(False)

    # -- hit testing ------------------------------------------------------------------------
    def _points(self, canvas) -> dict[tuple[int, int], QPointF]:
        return {(i, j): canvas.image_to_widget(QPointF(*self.grid[i, j]))
                for i in range(4) for j in range(4)}

    def _outline(self, canvas, steps: int = 48) -> list[QPointF]:
        """The bent box's edge, clockwise from the top-left, in widget coordinates."""
        u = np.linspace(0, 1, steps + 1)
        top = warp.evaluate(self.grid, u, np.array([0.0]))[0]
        bottom = warp.evaluate(self.grid, u, np.array([1.0]))[0][::-1]
        right = warp.evaluate(self.grid, np.array([1.0]), u)[:, 0]
        left = warp.evaluate(self.grid, np.array([0.0]), u)[:, 0][::-1]
        return [canvas.image_to_widget(QPointF(x, y))
                for x, y in np.concatenate([top, right, bottom, left])]

    def _hit(self, canvas, pos: QPointF):
        points = self._points(canvas)
        # Corners first, then their handles, then the inner points.
        order = sorted(points, key=lambda ij: (ij[0] in (0, 3)) + (ij[1] in (0, 3)), reverse=True)
        for ij in order:
            p = points[ij]
            if abs(p.x() - pos.x()) <= GRAB and abs(p.y() - pos.y()) <= GRAB:
                return "point", ij
        if QPolygonF(self._outline(canvas)).containsPoint(pos, Qt.FillRule.WindingFill):
            return "bend", None
        return "none", None

    def _parameter_at(self, point: QPointF) -> tuple[float, float]:
        """The box's (s, t) whose bent point lies nearest canvas `point` (a 65 x 65 search)."""
        u = np.linspace(0, 1, 65)
        mesh = warp.evaluate(self.grid, u, u)
        d = np.hypot(mesh[..., 0] - point.x(), mesh[..., 1] - point.y())
        t, s = np.unravel_index(np.argmin(d), d.shape)
        return float(u[s]), float(u[t])

    # -- input ------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        kind, ij = self._hit(canvas, ev.pos)
        if kind == "none":
            self._drag = None
            return
        self._remember()
        if kind == "bend":
            s, t = self._parameter_at(ev.image)
            w = np.outer(warp.bernstein(t), warp.bernstein(s))  # each point's pull at (s, t)
            ij = w / (w * w).sum()
        self._drag = (kind, ij, self.grid.copy(), ev.image)

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        kind, ij, grid0, start = self._drag
        d = np.array([ev.image.x() - start.x(), ev.image.y() - start.y()])
        grid = grid0.copy()
        if kind == "point":
            i, j = ij
            if (i, j) in _CORNERS:  # the corner with its handles and inner point
                rows = slice(0, 2) if i == 0 else slice(2, 4)
                cols = slice(0, 2) if j == 0 else slice(2, 4)
                grid[rows, cols] += d
            else:
                grid[i, j] += d
        else:
            # The least change of the points that moves the grabbed point by d: each point
            # moves in proportion to its pull there.
            grid += ij[..., None] * d
        self.grid = grid
        self.style = "Custom"
        self._changed()

    def release(self, canvas, ev) -> None:
        if self._drag is not None and np.array_equal(self._drag[2], self.grid) \
                and self._grid_steps:
            self.grid, self.style = self._grid_steps.pop()  # nothing changed: no step
            self._changed()
        self._drag = None

    def double_click(self, canvas, ev) -> bool:
        if self._hit(canvas, ev.pos)[0] == "bend":
            self.manager.end_mode(commit=True)
            return True
        return False

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return super().key_press(canvas, e)
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        kind, _ = self._hit(canvas, ev.pos)
        if kind == "point":
            return QCursor(Qt.CursorShape.PointingHandCursor)
        if kind == "bend":
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(Qt.CursorShape.ArrowCursor)

    # -- drawing ----------------------------------------------------------------------------
    def paint_content(self, canvas, painter: QPainter, area: QRectF) -> None:
        pixels, placement = self._bent_preview()
        self._preview.paint(canvas, painter, area, placement, smooth=True, pixels=pixels)

    def _bent_preview(self) -> tuple[Optional[Pyramid], QTransform]:
        """The layer as drawn, bent by the grid at a preview resolution, and where it goes."""
        lx, ly = self.node.x, self.node.y
        fx, fy, fw, fh = self.box
        grid = self.grid.copy()

        def bend(small, r):
            # The small copy's coordinates: the layer's origin at 0, scaled by r.
            pixels, ox, oy = warp.warp_pixels(small, (grid - (lx, ly)) * r,
                                              ((fx - lx) * r, (fy - ly) * r, fw * r, fh * r))
            return (premultiplied(pixels) if pixels.size else None), ox, oy

        return self._bent.get(self._preview, self.node, grid.tobytes(), bend)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        points = self._points(canvas)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # The grid: the patch's curves at the box's thirds, both ways.
        u = np.linspace(0, 1, 49)
        thirds = np.linspace(0, 1, 4)
        path = QPainterPath()
        for curve in [*warp.evaluate(self.grid, u, thirds),
                      *warp.evaluate(self.grid, thirds, u).transpose(1, 0, 2)]:
            widget = [canvas.image_to_widget(QPointF(x, y)) for x, y in curve]
            path.moveTo(widget[0])
            for p in widget[1:]:
                path.lineTo(p)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 3))
        painter.drawPath(path)
        painter.setPen(QPen(QColor("#4d8fe8"), 1.2))
        painter.drawPath(path)
        # Each corner's tangent handles on their lines.
        painter.setPen(QPen(QColor("#ffffff"), 1))
        for i, j in _CORNERS:
            for hi, hj in ((i, 1 if j == 0 else 2), (1 if i == 0 else 2, j)):
                painter.drawLine(points[(i, j)], points[(hi, hj)])
        painter.setPen(QPen(QColor(0, 0, 0, 200), 1))
        painter.setBrush(QColor("#ffffff"))
        for ij, p in points.items():
            if ij not in _CORNERS:
                painter.drawEllipse(p, 3.5, 3.5)
        painter.restore()
        paint_handles(painter, [points[ij] for ij in _CORNERS], HANDLE)

    # -- options bar --------------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel("Warp:"))
        styles = QComboBox()
        styles.setObjectName("WarpStyle")
        styles.addItems(list(_STYLES))
        styles.setCurrentText(self.style)
        styles.currentTextChanged.connect(lambda name: self.set_style(name))
        row.addWidget(styles)
        row.addSpacing(8)
        name = QLabel("Bend")
        name.setObjectName("Dim")
        row.addWidget(name)
        bend = QDoubleSpinBox()
        bend.setObjectName("WarpBend")
        bend.setRange(-100.0, 100.0)
        bend.setDecimals(1)
        bend.setSuffix(" %")
        bend.setKeyboardTracking(False)  # applied on Enter or when the field is left
        bend.setFixedWidth(84)
        bend.setValue(self.bend * 100)
        bend.setEnabled(False)
        bend.valueChanged.connect(lambda v: self.set_style(self.style, v / 100))
        row.addWidget(bend)
        self._style_box, self._bend_field = styles, bend
        self._end_buttons(row)
        return w
