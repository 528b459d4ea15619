"""Edit > Transform > Warp of the active pixel layer (its linked mask and paths follow).

Photoshop's default warp: a 4 x 4 grid of control points over the layer's box (the four
corners, their eight tangent handles, four inner points) bending the layer as a bicubic
Bezier patch (`editor/model/warp.py`). Drag a point to move it (a corner brings its
handles and inner point along, as one block), or drag inside the grid to bend that part:
the grid changes as little as it can for the point under the pointer to follow it. The
options bar's Warp menu sets the grid to one of Photoshop's fifteen styles (Arc to Twist:
`warp.PRESETS`, the ones Type > Warp Text bends type with) with the Bend in percent and its orientation (Vertical: the columns bend);
None puts it back.

The Grid menu (Default, 3x3, 4x4, 5x5, Custom rows x columns) splits the warp into that
many patches, as Photoshop's split warp: the picture stays, each line meeting another at
an anchor with its handles (the inner points follow their anchors). The Split buttons
(Crosswise, Vertically, Horizontally) add lines where the next click on the grid lands;
Unsplit (Remove Warp Split) takes out the line nearest the click; Reset makes the warp
flat on the default grid. Dragging an anchor bends only the patches around it; a handle
beside a split line turns its partner across the line so the curve stays smooth. Ctrl+Z steps back one drag
while it runs. Enter, the check button or a double-click inside commits, as one undo step
("Warp", through `TransformTool`'s commit, the same as Free Transform's); Esc cancels.
While it runs the canvas shows the layer bent at a preview resolution over the stack.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSpinBox,
                               QToolButton, QWidget)

from editor.model import Layer
from editor.model import warp

from ..pyramid import Pyramid
from ..qimage import premultiplied
from .bend import BentPreview, check_pixel_layer
from .marquee import HANDLE, paint_handles
from .transform import GRAB, TransformTool

_STYLES = ("None", "Custom", *warp.PRESETS)
# The Grid menu: patches down x across (Default: Photoshop's one 4 x 4 patch).
GRIDS = {"Default": (1, 1), "3x3": (3, 3), "4x4": (4, 4), "5x5": (5, 5)}
MAX_SPLITS = 12  # Custom rows / columns at most
# Split buttons: which lines a click adds (column line at s, row line at t).
SPLITS = {"cross": (True, True), "vertical": (True, False), "horizontal": (False, True)}


class WarpTool(TransformTool):
    id = "warp"
    label = "Warp"
    step = "Warp"
    verb = "warp"

    def __init__(self, window, manager, node: Layer):
        super().__init__(window, manager, node)
        f = self.frame
        self.box = (f.x, f.y, f.w, f.h)
        self.knots = (warp.uniform(1), warp.uniform(1))
        self.grid = warp.identity(self.box)
        self.style = "None"
        self.bend = 0.5
        self.vertical = False  # the style's Bend orientation: columns bend
        self.split_mode: Optional[str] = None  # a Split button (or "remove") waiting for a click
        self._grid_steps: list[tuple] = []
        self._bent = BentPreview()
        self._style_box: Optional[QComboBox] = None
        self._bend_field: Optional[QDoubleSpinBox] = None
        self._grid_box: Optional[QComboBox] = None
        self._counts: tuple = ()
        self._buttons: dict[str, QToolButton] = {}
        self._custom_grid = False  # Custom chosen in the Grid menu (its fields set the grid)

    @staticmethod
    def check(node) -> None:
        """Raises a clear error when the active node cannot be warped."""
        check_pixel_layer(node, "Warp")
        TransformTool.check(node)

    # -- commit and cancel (TransformTool.commit calls these) ---------------------------------
    def _unchanged(self) -> bool:
        return warp.is_identity(self.grid, self.box, self.knots)

    def _apply(self, doc) -> None:
        grid, knots, (fx, fy, w, h) = self.grid.copy(), self.knots, self.box

        def resample(pixels, origin, limit):
            # An array whose pixel (0, 0) lies at canvas `origin`: the box in its own pixels.
            x, y = origin
            return warp.warp_pixels(pixels, grid, (fx - x, fy - y, w, h), limit, knots)

        self._warp(doc, resample, lambda x, y: (x, y),
                   lambda q: warp.map_points(grid, self.box, q, knots))

    def cancel(self, canvas) -> None:
        self.grid = warp.identity(self.box, self.knots)

    def step_back(self) -> bool:
        if not self._grid_steps:
            return False
        self.grid, self.knots, self.style, self.vertical = self._grid_steps.pop()
        self._changed()
        return True

    def _remember(self) -> None:
        self._grid_steps.append((self.grid.copy(), self.knots, self.style, self.vertical))

    def flip(self, horizontal: bool) -> None:
        """The picture mirrored inside the same grid (Edit > Transform > Flip while warping)."""
        self._remember()
        ks, kt = self.knots
        if horizontal:
            self.grid, self.knots = self.grid[:, ::-1].copy(), (1.0 - ks[::-1], kt)
        else:
            self.grid, self.knots = self.grid[::-1].copy(), (ks, 1.0 - kt[::-1])
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
        self._restyle()
        self._changed()

    def set_vertical(self, vertical: bool) -> None:
        """The options bar's orientation button: the style bends columns instead of rows (its
        shape turned a quarter); one Ctrl+Z step when it changes the grid."""
        if vertical == self.vertical:
            return
        if self.style in warp.PRESETS:
            self._remember()
        self.vertical = vertical
        self._restyle()
        self._changed()

    def _restyle(self) -> None:
        """The grid of the current style (a custom grid is left alone), on the current knots."""
        if self.style == "None":
            self.grid = warp.identity(self.box, self.knots)
        elif self.style in warp.PRESETS:
            self.grid = warp.preset(self.style, self.bend, self.box, self.vertical, self.knots)

    # -- the grid ---------------------------------------------------------------------------
    def set_grid(self, rows: int, cols: int) -> None:
        """Grid menu: the warp split into rows x cols equal patches, the picture kept (exactly
        where the new lines only add to the old, refitted otherwise); one Ctrl+Z step."""
        rows = max(1, min(MAX_SPLITS, int(rows)))
        cols = max(1, min(MAX_SPLITS, int(cols)))
        knots = (warp.uniform(cols), warp.uniform(rows))
        if all(np.array_equal(a, b) for a, b in zip(knots, self.knots)):
            self._changed()
            return
        self._remember()
        self.grid = warp.refit(self.grid, self.knots, knots, self.box)
        self.knots = knots
        self._changed()

    def split_at(self, s: float, t: float, mode: str) -> None:
        """A Split button's click at the box's (s, t): the line(s) added there, or with
        "remove" (Remove Warp Split) the split line nearest it taken out; one Ctrl+Z step."""
        ks, kt = self.knots
        if mode == "remove":
            w, h = self.box[2], self.box[3]
            ds = np.abs(ks[1:-1] - s).min() * w if len(ks) > 2 else np.inf
            dt = np.abs(kt[1:-1] - t).min() * h if len(kt) > 2 else np.inf
            if not np.isfinite(min(ds, dt)):
                return
            grid, knots = warp.unsplit(self.grid, self.knots, self.box,
                                       s if ds <= dt else None, t if dt < ds else None)
        else:
            across, down = SPLITS[mode]
            grid, knots = warp.split(self.grid, self.knots, self.box,
                                     s if across else None, t if down else None)
        if all(len(a) == len(b) for a, b in zip(knots, self.knots)):
            return
        self._remember()
        self.grid, self.knots = grid, knots
        self._changed()

    def reset(self) -> None:
        """The options bar's reset: flat, Photoshop's default grid, no style; one Ctrl+Z step."""
        self._remember()
        self._custom_grid = False
        self.knots = (warp.uniform(1), warp.uniform(1))
        self.grid = warp.identity(self.box)
        self.style = "None"
        self._changed()

    def _grid_name(self) -> str:
        """The Grid menu's entry for the current knots."""
        if self._custom_grid:
            return "Custom"
        for name, (rows, cols) in GRIDS.items():
            if np.array_equal(self.knots[0], warp.uniform(cols)) and \
                    np.array_equal(self.knots[1], warp.uniform(rows)):
                return name
        return "Custom"

    def _changed(self) -> None:
        super()._changed()
        if self._style_box is None:
            return
        for widget, set_value in (
                (self._style_box, lambda: self._style_box.setCurrentText(self.style)),
                (self._bend_field, lambda: self._bend_field.setValue(self.bend * 100)),
                (self._grid_box, lambda: self._grid_box.setCurrentText(self._grid_name())),
                (self._counts[0], lambda: self._counts[0].setValue(len(self.knots[1]) - 1)),
                (self._counts[1], lambda: self._counts[1].setValue(len(self.knots[0]) - 1)),
                (self._buttons["vertical"], lambda: self._buttons["vertical"].setChecked(
                    self.vertical))):
            widget.blockSignals(True)
            set_value()
            widget.blockSignals(False)
        self._bend_field.setEnabled(self.style in warp.PRESETS)
        custom = self._grid_box.currentText() == "Custom"
        for count in self._counts:
            count.setEnabled(custom)
        for mode in (*SPLITS, "remove"):
            button = self._buttons[mode]
            button.blockSignals(True)
            button.setChecked(self.split_mode == mode)
            button.blockSignals(False)
        self._buttons["remove"].setEnabled(len(self.knots[0]) + len(self.knots[1]) > 4)

    # -- hit testing ------------------------------------------------------------------------
    def _split(self) -> bool:
        return self.grid.shape != (4, 4, 2)

    def _kind(self, ij: tuple[int, int]) -> int:
        """2: an anchor (where lines meet), 1: a tangent handle, 0: an inner (twist) point."""
        return (ij[0] % 3 == 0) + (ij[1] % 3 == 0)

    def _points(self, canvas) -> dict[tuple[int, int], QPointF]:
        """The points one can drag: all 16 of the default grid; on a split grid its anchors
        and their handles (the inner points follow their anchors)."""
        rows, cols = self.grid.shape[:2]
        return {(i, j): canvas.image_to_widget(QPointF(*self.grid[i, j]))
                for i in range(rows) for j in range(cols)
                if not self._split() or self._kind((i, j)) > 0}

    def _outline(self, canvas, steps: int = 48) -> list[QPointF]:
        """The bent box's edge, clockwise from the top-left, in widget coordinates."""
        u = np.linspace(0, 1, steps * max(1, len(self.knots[0]) - 1, len(self.knots[1]) - 1)
                        + 1)
        g, k = self.grid, self.knots
        top = warp.evaluate(g, u, np.array([0.0]), k)[0]
        bottom = warp.evaluate(g, u, np.array([1.0]), k)[0][::-1]
        right = warp.evaluate(g, np.array([1.0]), u, k)[:, 0]
        left = warp.evaluate(g, np.array([0.0]), u, k)[:, 0][::-1]
        return [canvas.image_to_widget(QPointF(x, y))
                for x, y in np.concatenate([top, right, bottom, left])]

    def _hit(self, canvas, pos: QPointF):
        points = self._points(canvas)
        # Anchors first, then their handles, then the inner points.
        for ij in sorted(points, key=self._kind, reverse=True):
            p = points[ij]
            if abs(p.x() - pos.x()) <= GRAB and abs(p.y() - pos.y()) <= GRAB:
                return "point", ij
        if QPolygonF(self._outline(canvas)).containsPoint(pos, Qt.FillRule.WindingFill):
            return "bend", None
        return "none", None

    def _parameter_at(self, point: QPointF) -> tuple[float, float]:
        """The box's (s, t) whose bent point lies nearest canvas `point` (a 129 x 129 search)."""
        u = np.linspace(0, 1, 129)
        mesh = warp.evaluate(self.grid, u, u, self.knots)
        d = np.hypot(mesh[..., 0] - point.x(), mesh[..., 1] - point.y())
        t, s = np.unravel_index(np.argmin(d), d.shape)
        return float(u[s]), float(u[t])

    # -- input ------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        kind, ij = self._hit(canvas, ev.pos)
        if self.split_mode is not None:
            # A Split button waits for one click on the grid (Photoshop's): no drag.
            self._drag = None
            if kind != "none":
                mode, self.split_mode = self.split_mode, None
                self.split_at(*self._parameter_at(ev.image), mode)
            return
        if kind == "none":
            self._drag = None
            return
        self._remember()
        if kind == "bend":
            s, t = self._parameter_at(ev.image)
            # each point's pull at (s, t)
            w = np.outer(warp.basis([t], self.knots[1])[0], warp.basis([s], self.knots[0])[0])
            ij = w / (w * w).sum()
        self._drag = (kind, ij, self.grid.copy(), ev.image)

    def _moved_point(self, grid: np.ndarray, ij: tuple[int, int], d: np.ndarray) -> None:
        """Point `ij` of `grid` moved by `d`: an anchor with its handles and inner points (as
        one block); a handle alone, its partner across a split line turned the other way so
        the curve stays smooth through the anchor between them."""
        i, j = ij
        last_i, last_j = grid.shape[0] - 1, grid.shape[1] - 1
        if self._kind(ij) == 2:
            grid[max(0, i - 1):i + 2, max(0, j - 1):j + 2] += d
            return
        grid[i, j] += d
        if self._kind(ij) == 0:
            return
        along_s = i % 3 == 0  # a handle on a row line: its anchor is across, in its row
        k, ks = (j, self.knots[0]) if along_s else (i, self.knots[1])
        anchor = k - 1 if k % 3 == 1 else k + 1
        partner = 2 * anchor - k
        if not 0 < anchor < (last_j if along_s else last_i):
            return
        # Smooth (C1) through the anchor: the handles' offsets in proportion to their spans.
        mine, theirs = k // 3, partner // 3
        ratio = (ks[theirs + 1] - ks[theirs]) / (ks[mine + 1] - ks[mine])
        if along_s:
            grid[i, partner] -= d * ratio
        else:
            grid[partner, j] -= d * ratio

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        kind, ij, grid0, start = self._drag
        d = np.array([ev.image.x() - start.x(), ev.image.y() - start.y()])
        grid = grid0.copy()
        if kind == "point":
            self._moved_point(grid, ij, d)
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
            self.step_back()  # nothing changed: no step
        self._drag = None

    def double_click(self, canvas, ev) -> bool:
        if self.split_mode is None and self._hit(canvas, ev.pos)[0] == "bend":
            self.manager.end_mode(commit=True)
            return True
        return False

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return super().key_press(canvas, e)
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        kind, _ = self._hit(canvas, ev.pos)
        if self.split_mode is not None:
            return QCursor(Qt.CursorShape.CrossCursor if kind != "none"
                           else Qt.CursorShape.ArrowCursor)
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
        grid, knots = self.grid.copy(), self.knots

        def bend(small, r):
            # The small copy's coordinates: the layer's origin at 0, scaled by r.
            pixels, ox, oy = warp.warp_pixels(small, (grid - (lx, ly)) * r,
                                              ((fx - lx) * r, (fy - ly) * r, fw * r, fh * r),
                                              knots=knots)
            return (premultiplied(pixels) if pixels.size else None), ox, oy

        key = grid.tobytes() + knots[0].tobytes() + b"|" + knots[1].tobytes()
        return self._bent.get(self._preview, self.node, key, bend)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        points = self._points(canvas)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # The grid: the default patch's curves at its thirds, a split grid's lines, both ways.
        ks, kt = self.knots
        if not self._split():
            ks = kt = np.linspace(0, 1, 4)
        u = np.linspace(0, 1, 48 * max(len(ks), len(kt)) + 1)
        path = QPainterPath()
        for curve in [*warp.evaluate(self.grid, u, kt, self.knots),
                      *warp.evaluate(self.grid, ks, u, self.knots).transpose(1, 0, 2)]:
            widget = [canvas.image_to_widget(QPointF(x, y)) for x, y in curve]
            path.moveTo(widget[0])
            for p in widget[1:]:
                path.lineTo(p)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 3))
        painter.drawPath(path)
        painter.setPen(QPen(QColor("#4d8fe8"), 1.2))
        painter.drawPath(path)
        # Each tangent handle on its line to its anchor.
        painter.setPen(QPen(QColor("#ffffff"), 1))
        anchors = [ij for ij in points if self._kind(ij) == 2]
        for i, j in anchors:
            for hi, hj in ((i, j - 1), (i, j + 1), (i - 1, j), (i + 1, j)):
                if (hi, hj) in points:
                    painter.drawLine(points[(i, j)], points[(hi, hj)])
        painter.setPen(QPen(QColor(0, 0, 0, 200), 1))
        painter.setBrush(QColor("#ffffff"))
        for ij, p in points.items():
            if self._kind(ij) < 2:
                painter.drawEllipse(p, 3.5, 3.5)
        painter.restore()
        paint_handles(painter, [points[ij] for ij in anchors], HANDLE)

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
        self._buttons["vertical"] = self._button(
            row, "WarpVertical", "Vertical", "Bend orientation: the style bends the columns "
            "(off: the rows)", lambda on: self.set_vertical(on))
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
        row.addSpacing(8)
        name = QLabel("Grid")
        name.setObjectName("Dim")
        row.addWidget(name)
        grids = QComboBox()
        grids.setObjectName("WarpGrid")
        grids.addItems([*GRIDS, "Custom"])
        grids.currentTextChanged.connect(self._grid_chosen)
        row.addWidget(grids)
        counts = []
        for key, tip in (("Rows", "Rows of patches (Custom grid)"),
                         ("Columns", "Columns of patches (Custom grid)")):
            count = QSpinBox()
            count.setObjectName(f"Warp{key}")
            count.setRange(1, MAX_SPLITS)
            count.setToolTip(tip)
            count.setKeyboardTracking(False)
            count.valueChanged.connect(lambda _v: self.set_grid(self._counts[0].value(),
                                                                self._counts[1].value()))
            counts.append(count)
            row.addWidget(count)
            if key == "Rows":
                row.addWidget(QLabel("x"))
        self._counts = tuple(counts)
        row.addSpacing(8)
        for mode, text, tip in (
                ("cross", "Split +", "Split Crosswise: click the grid to add a row and a "
                                     "column line there"),
                ("vertical", "Split |", "Split Vertically: click the grid to add a column line"),
                ("horizontal", "Split \u2014", "Split Horizontally: click the grid to add a row "
                                               "line"),
                ("remove", "Unsplit", "Remove Warp Split: click near a split line to take it "
                                      "out")):
            self._buttons[mode] = self._button(
                row, f"WarpSplit{mode.title()}", text, tip,
                lambda on, m=mode: self._arm_split(m if on else None))
        reset = QToolButton()
        reset.setObjectName("WarpReset")
        reset.setText("Reset")
        reset.setToolTip("Reset the warp: flat, the default grid")
        reset.clicked.connect(lambda _=False: self.reset())
        row.addWidget(reset)
        self._style_box, self._bend_field, self._grid_box = styles, bend, grids
        self._end_buttons(row)
        self._changed()
        return w

    @staticmethod
    def _button(row: QHBoxLayout, name: str, text: str, tip: str, toggled) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.toggled.connect(toggled)
        row.addWidget(button)
        return button

    def _arm_split(self, mode: Optional[str]) -> None:
        """A Split (or Remove Split) button pressed: the next click on the grid uses it."""
        self.split_mode = mode
        self._changed()

    def _grid_chosen(self, name: str) -> None:
        self._custom_grid = name == "Custom"
        if name in GRIDS:
            self.set_grid(*GRIDS[name])
        else:  # Custom: the rows and columns fields set it
            self._changed()
