"""Edit > Perspective Warp of the active pixel layer (its linked mask and paths follow).

Photoshop's two modes, chosen in the options bar. Layout: drag on the picture to draw a
plane (a rectangle), then drag its corners onto the picture's perspective (a plane stays
convex); a plane whose side comes within reach (`JOIN_REACH` screen px at both ends) of
another plane's side snaps onto it and the two share that side from then on. Warp: drag
the corners (a shared corner moves every plane that has it, so shared sides stay shared);
the picture inside each plane follows its homography (`editor/model/perspective_warp.py`).
Shift+click a side to make it vertical or horizontal (whichever it is nearer) and keep it
so while the corners move (Shift+click it again to free it); the options bar's Automatic
Straighten buttons make every near-vertical side vertical, every near-horizontal one
horizontal, or both. Back in Layout the picture shows as it is and the planes can be
reshaped or added; the warp is kept (a laid-out corner moved brings its warped place along
by as much) and shows again in Warp. Ctrl+Z steps back one change while it runs. Enter (or
the check button) commits, from either mode, as one undo step ("Perspective Warp", through
`TransformTool`'s commit, as Warp's and Puppet Warp's); Esc cancels and leaves the layer as
it was.

While warping the canvas shows the layer warped at a preview resolution (`bend.BentPreview`,
shared with Warp and Puppet Warp, on a coarser mesh than the commit's).

A smart object is refused in one line (as Warp and Puppet Warp do): Photoshop applies it to
a smart object's placement as a Smart Filter-like transform, which Layered does not model.
"""
from __future__ import annotations

import math
from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QCursor, QPainter, QPainterPath, QPen, QPolygonF,
                           QTransform)
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from editor.model import DocumentError, Layer
from editor.model import perspective_warp as pw
from editor.model.resample import premultiplied_float

from ..pyramid import Pyramid
from .bend import BentPreview, check_pixel_layer, remapped_image
from .marquee import HANDLE, paint_handles
from .transform import GRAB, TransformTool

JOIN_REACH = 12.0  # screen px: a side this near another plane's side joins it
MIN_PLANE = 4.0  # screen px: a drag shorter than this each way draws no plane
PREVIEW_CELL = 16.0  # the preview's mesh cells, in preview pixels (the commit's: pw.CELL)
_AXES = {"vertical": (True, False), "horizontal": (False, True), "both": (True, True)}


class PerspectiveWarpTool(TransformTool):
    id = "perspective_warp"
    label = "Perspective Warp"
    step = "Perspective Warp"
    verb = "perspective warp"

    def __init__(self, window, manager, node: Layer):
        super().__init__(window, manager, node)
        self.mode = "layout"
        self.points = np.zeros((0, 2))  # the planes' corners on the picture as it is
        self.quads = np.zeros((0, 4), int)  # each plane's corners (indices into points)
        self.warped = np.zeros((0, 2))  # where the corners go (Warp)
        self.straight: dict[tuple[int, int], int] = {}  # side -> axis kept (0: x, 1: y)
        self._plane_steps: list[tuple] = []
        self._rubber: Optional[tuple[QPointF, QPointF]] = None
        self._bent = BentPreview()
        self._premultiplied: Optional[np.ndarray] = None  # the small copy, for the preview
        self._buttons: dict[str, QToolButton] = {}

    @staticmethod
    def check(node) -> None:
        """Raises a one-line error when the active node cannot be perspective-warped."""
        check_pixel_layer(node, "Perspective Warp")
        TransformTool.check(node)
        if not (node.pixels[..., 3] > 0).any():
            raise DocumentError(f"Layer '{node.name}' is empty: there is nothing to warp.")

    # -- state, steps -------------------------------------------------------------------------
    def _state(self) -> tuple:
        return (self.mode, self.points.copy(), self.quads.copy(), self.warped.copy(),
                dict(self.straight))

    def _remember(self) -> None:
        self._plane_steps.append(self._state())

    def step_back(self) -> bool:
        if not self._plane_steps:
            return False
        self.mode, self.points, self.quads, self.warped, self.straight = \
            self._plane_steps.pop()
        self._changed()
        return True

    def _now(self) -> np.ndarray:
        """The corners as shown now: laid out, or warped."""
        return self.warped if self.mode == "warp" else self.points

    def set_mode(self, mode: str) -> bool:
        """The options bar's Layout / Warp; False (and a status line) when Warp has no plane.
        The warp is kept either way."""
        if mode == self.mode:
            return True
        if mode == "warp" and not len(self.quads):
            self.window.status("Perspective Warp: draw a plane in Layout first (drag on the "
                               "picture).")
            self._changed()
            return False
        self._remember()
        self.mode = mode
        self._changed()
        return True

    def straighten(self, which: str) -> None:
        """Automatic Straighten: "vertical", "horizontal" or "both" (Warp only)."""
        if self.mode != "warp" or not len(self.quads):
            return
        vertical, horizontal = _AXES[which]
        new = pw.straighten(self.quads, self.warped, vertical, horizontal)
        if self._valid(new):
            self._remember()
            self.warped = new
            self._changed()
        else:
            self.window.status("Perspective Warp: straightening would fold a plane.")

    def toggle_straight(self, side: tuple[int, int]) -> None:
        """Shift+click on a side: made vertical or horizontal (the nearer) and kept so; again:
        freed."""
        self._remember()
        if side in self.straight:
            del self.straight[side]
            self._changed()
            return
        a, b = side
        d = self.warped[b] - self.warped[a]
        axis = 0 if abs(d[1]) > abs(d[0]) else 1  # vertical: the same x
        new = self.warped.copy()
        new[[a, b], axis] = new[[a, b], axis].mean()
        if not self._valid(new):
            self._plane_steps.pop()
            self.window.status("Perspective Warp: straightening this side would fold a plane.")
            return
        self.warped = new
        self.straight[side] = axis
        self._changed()

    def _valid(self, corners: np.ndarray) -> bool:
        return all(pw.is_convex(corners[q]) for q in self.quads)

    # -- commit and cancel (TransformTool.commit calls these) ---------------------------------
    def _unchanged(self) -> bool:
        return not len(self.quads) or \
            bool(np.allclose(self.warped, self.points, rtol=0, atol=1e-9))

    def _apply(self, doc) -> None:
        points, quads, warped = self.points.copy(), self.quads.copy(), self.warped.copy()
        hs = pw.homographies(points, quads, warped)

        def resample(pixels, origin, limit):
            return pw.warp_pixels(pixels, origin, points, quads, warped, limit)

        self._warp(doc, resample, lambda x, y: (x, y),
                   lambda q: pw.map_points(points, quads, warped, q, hs))

    def cancel(self, canvas) -> None:
        self.warped = self.points.copy()

    def flip(self, horizontal: bool) -> None:
        """(Edit > Transform's flips do nothing here.)"""

    # -- hit testing --------------------------------------------------------------------------
    def _scale(self, canvas) -> float:
        t = canvas.image_transform()
        return math.hypot(t.m11(), t.m12()) or 1.0

    def _corner_at(self, canvas, pos: QPointF) -> Optional[int]:
        corners = self._now()
        best, best_d = None, float("inf")
        for i in np.unique(self.quads):
            p = canvas.image_to_widget(QPointF(*corners[i]))
            d = max(abs(p.x() - pos.x()), abs(p.y() - pos.y()))
            if d <= GRAB and d < best_d:
                best, best_d = int(i), d
        return best

    def _side_at(self, canvas, pos: QPointF) -> Optional[tuple[int, int]]:
        corners = self._now()
        best, best_d = None, float("inf")
        for a, b in pw.edges(self.quads):
            pa = canvas.image_to_widget(QPointF(*corners[a]))
            pb = canvas.image_to_widget(QPointF(*corners[b]))
            ex, ey = pb.x() - pa.x(), pb.y() - pa.y()
            n2 = ex * ex + ey * ey
            if n2 == 0:
                continue
            t = max(0.0, min(1.0, ((pos.x() - pa.x()) * ex + (pos.y() - pa.y()) * ey) / n2))
            d = math.hypot(pa.x() + t * ex - pos.x(), pa.y() + t * ey - pos.y())
            if d <= GRAB and d < best_d:
                best, best_d = (int(a), int(b)), d
        return best

    # -- input --------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._drag = None
        corner = self._corner_at(canvas, ev.pos)
        if self.mode == "warp" and ev.shift and corner is None:
            side = self._side_at(canvas, ev.pos)
            if side is not None:
                self.toggle_straight(side)
            return
        if corner is not None:
            self._remember()
            self._drag = ("corner", corner, self._now()[corner].copy(), QPointF(ev.image))
            return
        if self.mode == "layout":  # a new plane from here
            self._rubber = (QPointF(ev.image), QPointF(ev.image))
            self._drag = ("draw",)

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        if self._drag[0] == "draw":
            self._rubber = (self._rubber[0], QPointF(ev.image))
            self._changed()
            return
        _, i, start, at = self._drag
        corners = self._now().copy()
        corners[i] = start + (ev.image.x() - at.x(), ev.image.y() - at.y())
        if self.mode == "warp":  # a side kept straight brings its other corner along
            for (a, b), axis in self.straight.items():
                if i in (a, b):
                    corners[b if i == a else a, axis] = corners[i, axis]
        # (in Layout the warped corner moves by as much: the warp stays as it was made)
        warped = corners if self.mode == "warp" else self.warped + (corners - self.points)
        if not (self._valid(corners) and self._valid(warped)):
            return  # a plane stays convex: the corner stops where it last was
        if self.mode == "layout":
            self.points = corners
        self.warped = warped
        self._changed()

    def release(self, canvas, ev) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        if drag[0] == "draw":
            a, b = self._rubber
            self._rubber = None
            reach = MIN_PLANE / self._scale(canvas)
            if abs(a.x() - b.x()) < reach or abs(a.y() - b.y()) < reach:
                self._changed()
                return
            self._remember()
            self.points, self.quads = pw.add_rectangle(self.points, self.quads,
                                                       (a.x(), a.y()), (b.x(), b.y()))
            self.warped = np.vstack([self.warped, self.points[-4:]])  # a new plane: unwarped
            self._join(canvas, len(self.quads) - 1)
            return
        _, i, start, _ = drag
        if np.array_equal(self._now()[i], start):
            self._plane_steps.pop()  # a click on a corner: no step
            return
        if self.mode == "layout":
            for plane in np.flatnonzero((self.quads == i).any(axis=1)):
                self._join(canvas, int(plane))

    def _join(self, canvas, plane: int) -> None:
        """Plane `plane`'s sides near another plane's snap onto them (shared from then on)."""
        points, quads, kept = pw.join(self.points, self.quads, plane,
                                      JOIN_REACH / self._scale(canvas))
        warped = self.warped[kept]  # (a joined corner takes its partner's warped place)
        if all(pw.is_convex(points[q]) and pw.is_convex(warped[q]) for q in quads):
            self.points, self.quads, self.warped = points, quads, warped
            self.straight = {}  # (the sides were renumbered)
        self._changed()

    def double_click(self, canvas, ev) -> bool:
        return False

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return super().key_press(canvas, e)
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        if self._corner_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.PointingHandCursor)
        if self.mode == "warp" and ev.shift and self._side_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.SplitHCursor)
        return QCursor(Qt.CursorShape.CrossCursor if self.mode == "layout"
                       else Qt.CursorShape.ArrowCursor)

    # -- drawing ------------------------------------------------------------------------------
    def paint_content(self, canvas, painter: QPainter, area: QRectF) -> None:
        if self.mode != "warp" or self._unchanged():
            super().paint_content(canvas, painter, area)  # the layer as it is
            return
        try:
            pixels, placement = self._bent_preview()
        except ValueError:  # (a plane folded: every edit keeps them convex, so never)
            super().paint_content(canvas, painter, area)
            return
        self._preview.paint(canvas, painter, area, placement, smooth=True, pixels=pixels)

    def _bent_preview(self) -> tuple[Optional[Pyramid], QTransform]:
        """The layer as drawn, warped at a preview resolution, and where it goes."""
        origin = np.array([self.node.x, self.node.y], np.float64)
        points, quads, warped = self.points.copy(), self.quads.copy(), self.warped.copy()

        def bend(small, r):
            if self._premultiplied is None:  # made once: the drags only move the corners
                self._premultiplied = premultiplied_float(small)
            # The small copy's coordinates: the layer's origin at 0, scaled by r.
            found = pw.inverse_map((small.shape[1], small.shape[0]), (0, 0),
                                   (points - origin) * r, quads, (warped - origin) * r,
                                   cell=PREVIEW_CELL)
            return remapped_image(self._premultiplied, found)

        key = points.tobytes() + quads.tobytes() + warped.tobytes()
        return self._bent.get(self._preview, self.node, key, bend)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        corners = self._now()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Each plane with Photoshop's grid inside it (its thirds, through its homography).
        path = QPainterPath()
        unit = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], np.float64)
        for q in self.quads:
            try:
                h = pw.homography(unit, corners[q])
            except ValueError:
                continue
            for u in (1 / 3, 2 / 3):
                for line in (((u, 0), (u, 1)), ((0, u), (1, u))):
                    ends = [h @ (x, y, 1.0) for x, y in line]
                    path.moveTo(canvas.image_to_widget(QPointF(ends[0][0] / ends[0][2],
                                                               ends[0][1] / ends[0][2])))
                    path.lineTo(canvas.image_to_widget(QPointF(ends[1][0] / ends[1][2],
                                                               ends[1][1] / ends[1][2])))
        painter.setPen(QPen(QColor(77, 143, 232, 140), 1))
        painter.drawPath(path)
        for a, b in pw.edges(self.quads):
            line = [canvas.image_to_widget(QPointF(*corners[k])) for k in (a, b)]
            painter.setPen(QPen(QColor(0, 0, 0, 120), 3))
            painter.drawLine(*line)
            kept = (int(a), int(b)) in self.straight
            painter.setPen(QPen(QColor("#ffd21f" if kept else "#4d8fe8"), 1.4))
            painter.drawLine(*line)
        if self._rubber is not None:
            a, b = (canvas.image_to_widget(p) for p in self._rubber)
            painter.setPen(QPen(QColor("#4d8fe8"), 1, Qt.PenStyle.DashLine))
            painter.drawPolygon(QPolygonF([a, QPointF(b.x(), a.y()), b, QPointF(a.x(), b.y())]))
        painter.restore()
        paint_handles(painter, [canvas.image_to_widget(QPointF(*corners[i]))
                                for i in np.unique(self.quads)], HANDLE)

    # -- options bar --------------------------------------------------------------------------
    def _changed(self) -> None:
        super()._changed()
        if not self._buttons:
            return
        for mode in ("layout", "warp"):
            button = self._buttons[mode]
            button.blockSignals(True)
            button.setChecked(self.mode == mode)
            button.blockSignals(False)
        for which in _AXES:
            self._buttons[which].setEnabled(self.mode == "warp")

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel("Perspective Warp"))
        row.addSpacing(8)
        group = QButtonGroup(w)
        for mode, text, tip in (
                ("layout", "Layout", "Layout: drag to draw planes over the picture's "
                                     "perspective, drag their corners to fit it"),
                ("warp", "Warp", "Warp: drag the planes' corners; Shift+click a side to "
                                 "straighten it")):
            button = QToolButton()
            button.setObjectName(f"Perspective{mode.title()}")
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            group.addButton(button)
            self._buttons[mode] = button
            row.addWidget(button)
        row.addSpacing(8)
        for which, text, tip in (
                ("vertical", "Straighten |", "Automatically straighten near vertical sides"),
                ("horizontal", "Straighten \u2014",
                 "Automatically straighten near horizontal sides"),
                ("both", "Straighten +", "Automatically straighten both")):
            button = QToolButton()
            button.setObjectName(f"PerspectiveStraighten{which.title()}")
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=which: self.straighten(k))
            self._buttons[which] = button
            row.addWidget(button)
        self._end_buttons(row)
        self._changed()
        return w
