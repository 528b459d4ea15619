"""Edit > Puppet Warp of the active pixel layer (its linked mask and paths follow).

A triangle mesh is laid over the layer's opaque pixels (`editor/model/puppet.py`) and drawn
over the canvas. Click on the mesh to add a pin, drag a pin to move it (the layer bends
live, as rigidly as it can around the other pins), Alt+click a pin to remove it, or Delete
(Backspace) the selected one; Alt+drag near a pin (not on it) turns the layer around it, and
the pin then keeps that angle (Photoshop's Rotate: Fixed). Ctrl+Z steps back one pin change
while it runs. The options
bar has Photoshop's Mode (Rigid, Normal, Distort), Density (Fewer Points, Normal, More
Points), Expansion (px the mesh reaches beyond the opaque pixels), Pin Depth (] and [:
the selected pin's part of the layer in front of, or behind, the rest where the mesh folds
over itself) and Show Mesh. Enter or
the check button commits, as one undo step ("Puppet Warp", through `TransformTool`'s
commit, the same as Free Transform's and Warp's); Esc cancels and leaves nothing.
While it runs the canvas shows the layer bent at a preview resolution over the stack
(`bend.BentPreview`, shared with Warp).
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen, QTransform
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox,
                               QToolButton, QWidget)

from editor.model import DocumentError, Layer
from editor.model import puppet

from ..icons import pixmap
from ..pyramid import Pyramid
from .bend import BentPreview, check_pixel_layer, remapped_image
from .transform import GRAB, TransformTool

PIN_RADIUS = 5.0  # widget px
TURN_REACH = 40.0  # widget px: an Alt+drag this near a pin (not on it) turns around it
_DELETE_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
_DEPTH_KEYS = (Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft)  # Photoshop's Pin Depth


class PuppetTool(TransformTool):
    id = "puppet_warp"
    label = "Puppet Warp"
    step = "Puppet Warp"
    verb = "puppet warp"

    def __init__(self, window, manager, node: Layer):
        super().__init__(window, manager, node)
        self.bend_mode = "Normal"  # Photoshop's defaults
        self.density = "Normal"
        self.expansion = 2
        self.show_mesh = True
        self.anchors = np.zeros((0, 2))  # the pins where the layer is at rest (canvas)
        self.targets = np.zeros((0, 2))  # where they are now
        self.angles = np.zeros(0)  # radians each turned pin holds (NaN: not turned)
        self.depths = np.zeros(0, int)  # each pin's Pin Depth (higher: in front where it folds)
        self.selected: Optional[int] = None
        self._pin_steps: list[tuple] = []
        self._deformer: Optional[puppet.Deformer] = None
        self._bent_picture = BentPreview()
        self._premultiplied: Optional[np.ndarray] = None  # the small copy, for the preview
        self._edges: Optional[tuple[puppet.Mesh, np.ndarray]] = None  # the mesh's, drawn
        self._build_mesh()

    @staticmethod
    def check(node) -> None:
        """Raises a one-line error when the active node cannot be puppet-warped."""
        check_pixel_layer(node, "Puppet Warp")
        TransformTool.check(node)
        if not (node.pixels[..., 3] > 0).any():
            raise DocumentError(f"Layer '{node.name}' has no opaque pixels: there is nothing "
                                "to put a mesh on.")

    # -- the mesh and the pins ----------------------------------------------------------------
    def _build_mesh(self) -> None:
        """The mesh for the current Density and Expansion; pins off the new mesh are dropped."""
        layer = self.node
        self.mesh = puppet.build_mesh(layer.pixels[..., 3], layer.x, layer.y, self.density,
                                      self.expansion)
        if len(self.anchors):
            _, _, inside = puppet.locate(self.mesh.points, self.mesh.triangles, self.anchors)
            self.anchors, self.targets = self.anchors[inside], self.targets[inside]
            self.angles, self.depths = self.angles[inside], self.depths[inside]
            self.selected = None
        self._solve(refactor=True)

    def _solve(self, refactor: bool = False) -> None:
        """The bent mesh for the pins where they are (`refactor`: the pins or the mode changed)."""
        if refactor:
            self._deformer = puppet.Deformer(self.mesh, self.anchors, self.bend_mode,
                                             ~np.isnan(self.angles)) \
                if len(self.anchors) else None
        self.bent = self._deformer.solve(self.targets, self.angles) \
            if self._deformer is not None else self.mesh.points.copy()
        self._changed()

    def _remember(self) -> None:
        self._pin_steps.append((self.anchors.copy(), self.targets.copy(), self.angles.copy(),
                                self.depths.copy(), self.selected))

    def step_back(self) -> bool:
        if not self._pin_steps:
            return False
        self.anchors, self.targets, self.angles, self.depths, self.selected = \
            self._pin_steps.pop()
        self._solve(refactor=True)
        return True

    def add_pin(self, point: tuple[float, float]) -> Optional[int]:
        """A pin at canvas `point` on the bent mesh (None off it): it holds the layer's point
        that is there now."""
        tri, w, inside = puppet.locate(self.bent, self.mesh.triangles, np.array([point]))
        if not inside[0]:
            return None
        self._remember()
        rest = w[0] @ self.mesh.points[self.mesh.triangles[tri[0]]]
        self.anchors = np.vstack([self.anchors, rest])
        self.targets = np.vstack([self.targets, point])
        self.angles = np.append(self.angles, np.nan)
        self.depths = np.append(self.depths, 0)
        self.selected = len(self.anchors) - 1
        self._solve(refactor=True)
        return self.selected

    def remove_pin(self, i: int) -> None:
        self._remember()
        self.anchors = np.delete(self.anchors, i, axis=0)
        self.targets = np.delete(self.targets, i, axis=0)
        self.angles = np.delete(self.angles, i)
        self.depths = np.delete(self.depths, i)
        self.selected = None
        self._solve(refactor=True)

    def set_options(self, mode: Optional[str] = None, density: Optional[str] = None,
                    expansion: Optional[int] = None, show_mesh: Optional[bool] = None) -> None:
        """The options bar's settings (the pins stay where they are)."""
        if show_mesh is not None:
            self.show_mesh = show_mesh
            self._changed()
        if mode is not None and mode != self.bend_mode:
            self.bend_mode = mode
            self._solve(refactor=True)
        if (density is not None and density != self.density) or \
                (expansion is not None and expansion != self.expansion):
            before = (self.density, self.expansion)
            self.density = density if density is not None else self.density
            self.expansion = expansion if expansion is not None else self.expansion
            try:
                self._build_mesh()
            except ValueError as exc:  # shrunk to nothing: the mesh stays as it was
                self.density, self.expansion = before
                self.window.status(f"Puppet Warp: {exc}.")

    # -- commit and cancel (TransformTool.commit calls these) ---------------------------------
    def _unchanged(self) -> bool:
        return bool(np.allclose(self.bent, self.mesh.points, rtol=0, atol=1e-6))

    def set_depth(self, step: int) -> bool:
        """Pin Depth: the selected pin's part of the layer brought forward (+1) or sent
        backward (-1) where the mesh folds; one Ctrl+Z step. False without a selected pin."""
        if self.selected is None:
            return False
        self._remember()
        self.depths = self.depths.copy()
        self.depths[self.selected] += step
        self._changed()
        return True

    def _order(self) -> Optional[np.ndarray]:
        return puppet.depth_order(self.mesh, self.anchors, self.depths)

    def _apply(self, doc) -> None:
        mesh, bent, order = self.mesh, self.bent.copy(), self._order()

        def resample(pixels, origin, limit):
            return puppet.warp_pixels(pixels, origin, mesh, bent, limit, order)

        self._warp(doc, resample, lambda x, y: (x, y),
                   lambda q: puppet.map_points(mesh, bent, q))

    def cancel(self, canvas) -> None:
        self.anchors, self.targets, self.angles = np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0)
        self.bent = self.mesh.points.copy()

    def flip(self, horizontal: bool) -> None:
        """(Edit > Transform's flips do nothing while pinning.)"""

    # -- hit testing ------------------------------------------------------------------------
    def _nearest_pin(self, canvas, pos: QPointF) -> tuple[Optional[int], float]:
        """The pin nearest widget point `pos`, and how far it is (widget px)."""
        if not len(self.targets):
            return None, float("inf")
        t = canvas.image_transform()
        widget = self.targets * t.m11() + (t.dx(), t.dy())
        d = np.hypot(widget[:, 0] - pos.x(), widget[:, 1] - pos.y())
        i = int(np.argmin(d))
        return i, float(d[i])

    def _pin_at(self, canvas, pos: QPointF) -> Optional[int]:
        """The pin under widget point `pos` (the nearest one within reach)."""
        i, d = self._nearest_pin(canvas, pos)
        return i if d <= max(GRAB, PIN_RADIUS + 2) else None

    def _turn_at(self, canvas, pos: QPointF) -> Optional[int]:
        """The pin an Alt+drag from `pos` would turn around: near one, not on it."""
        i, d = self._nearest_pin(canvas, pos)
        return i if max(GRAB, PIN_RADIUS + 2) < d <= TURN_REACH else None

    # -- input ------------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        self._drag = None
        i = self._pin_at(canvas, ev.pos)
        if i is not None and ev.alt:  # Alt+click: the pin goes
            self.remove_pin(i)
            return
        turn = self._turn_at(canvas, ev.pos) if ev.alt else None
        if turn is not None:  # Alt+drag near a pin: the layer turns around it
            self._remember()
            self.selected = turn
            start = np.nan_to_num(self.angles[turn])
            if np.isnan(self.angles[turn]):
                self.angles[turn] = 0.0
                self._solve(refactor=True)
            x, y = self.targets[turn]
            a0 = np.arctan2(ev.image.y() - y, ev.image.x() - x)
            self._drag = ("turn", turn, start, a0)
            self._changed()
            return
        if ev.alt:
            return
        if i is None:
            i = self.add_pin((ev.image.x(), ev.image.y()))
            if i is None:  # off the mesh: no pin, none selected
                if self.selected is not None:
                    self.selected = None
                    self._changed()
                return
            moved_from = None  # the new pin's own step covers its drag
        else:
            self._remember()
            moved_from = self.targets[i].copy()
            self.selected = i
            self._changed()
        self._drag = ("move", i, self.targets[i].copy(), QPointF(ev.image), moved_from)

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        if self._drag[0] == "turn":
            _, i, start, a0 = self._drag
            x, y = self.targets[i]
            a = start + np.arctan2(ev.image.y() - y, ev.image.x() - x) - a0
            self.angles[i] = float(np.arctan2(np.sin(a), np.cos(a)))
            self._solve()
            return
        _, i, start, at, _ = self._drag
        self.targets[i] = start + (ev.image.x() - at.x(), ev.image.y() - at.y())
        self._solve()

    def release(self, canvas, ev) -> None:
        if self._drag is not None and self._drag[0] == "move":
            _, i, _, _, moved_from = self._drag
            if moved_from is not None and np.array_equal(moved_from, self.targets[i]) \
                    and self._pin_steps:
                self._pin_steps.pop()  # a click on a pin only selects it: no step
        self._drag = None

    def double_click(self, canvas, ev) -> bool:
        return False

    def claims_key(self, canvas, e) -> bool:
        return e.key() in _DELETE_KEYS + _DEPTH_KEYS and self.selected is not None

    def key_press(self, canvas, e) -> bool:
        if e.key() in _DELETE_KEYS:
            if self.selected is None:
                return False
            self.remove_pin(self.selected)
            return True
        if e.key() in _DEPTH_KEYS:  # ] forward, [ backward
            return self.set_depth(1 if e.key() == Qt.Key.Key_BracketRight else -1)
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return super().key_press(canvas, e)
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        if self._pin_at(canvas, ev.pos) is not None:
            return QCursor(Qt.CursorShape.PointingHandCursor)
        if ev.alt and self._turn_at(canvas, ev.pos) is not None:
            return QCursor(pixmap("rotate", 20, "#ffffff", canvas.devicePixelRatioF()))
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- drawing ----------------------------------------------------------------------------
    def paint_content(self, canvas, painter: QPainter, area: QRectF) -> None:
        pixels, placement = self._bent_preview()
        self._preview.paint(canvas, painter, area, placement, smooth=True, pixels=pixels)

    def _bent_preview(self) -> tuple[Optional[Pyramid], QTransform]:
        """The layer as drawn, bent through the mesh at a preview resolution, and where it
        goes."""
        lx, ly = self.node.x, self.node.y
        mesh, bent, order = self.mesh, self.bent.copy(), self._order()

        def bend(small, r):
            if self._premultiplied is None:  # made once: the drags only move the mesh
                from editor.model.resample import premultiplied_float

                self._premultiplied = premultiplied_float(small)
            # The small copy's coordinates: the layer's origin at 0, scaled by r.
            found = puppet.inverse_map(puppet.Mesh((mesh.points - (lx, ly)) * r,
                                                   mesh.triangles), (bent - (lx, ly)) * r, (0, 0),
                                         order=order)
            return remapped_image(self._premultiplied, found)

        return self._bent_picture.get(self._preview, self.node, bent.tobytes()
                                      + self.bend_mode.encode() + self.depths.tobytes(), bend)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        t = canvas.image_transform()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.show_mesh:
            if self._edges is None or self._edges[0] is not self.mesh:
                self._edges = (self.mesh, self.mesh.edges())
            edges = self._edges[1]
            # Widget coordinates in one go; thin lines drawn without antialiasing (a dense
            # mesh's thousands of smoothed lines would cost more than the bend itself).
            widget = self.bent * t.m11() + (t.dx(), t.dy())
            ends = np.concatenate([widget[edges[:, 0]], widget[edges[:, 1]]], axis=1).tolist()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(QColor(77, 143, 232, 220), 1))
            painter.drawLines([QLineF(*e) for e in ends])
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Photoshop's pins: yellow discs edged black, the selected one with a black centre; a
        # turned pin has a ring around it (while turning, with a tick at its angle).
        for i, (x, y) in enumerate(self.targets):
            p = t.map(QPointF(x, y))
            if not np.isnan(self.angles[i]):
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(QColor(255, 255, 255, 200), 1))
                reach = TURN_REACH * 0.6
                painter.drawEllipse(p, reach, reach)
                if self._drag is not None and self._drag[0] == "turn" and self._drag[1] == i:
                    a = self.angles[i]
                    painter.drawLine(p, p + QPointF(np.cos(a) * reach, np.sin(a) * reach))
            painter.setPen(QPen(QColor(0, 0, 0), 1.2))
            painter.setBrush(QColor("#ffd21f"))
            painter.drawEllipse(p, PIN_RADIUS, PIN_RADIUS)
            if i == self.selected:
                painter.setBrush(QColor(0, 0, 0))
                painter.drawEllipse(p, 2.0, 2.0)
        painter.restore()

    # -- options bar --------------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel("Puppet Warp"))
        row.addSpacing(8)

        def labelled(text: str, field: QWidget) -> None:
            name = QLabel(text)
            name.setObjectName("Dim")
            row.addWidget(name)
            row.addWidget(field)
            row.addSpacing(8)

        mode = QComboBox()
        mode.setObjectName("PuppetMode")
        mode.addItems(list(puppet.MODES))
        mode.setCurrentText(self.bend_mode)
        mode.currentTextChanged.connect(lambda v: self.set_options(mode=v))
        labelled("Mode", mode)
        density = QComboBox()
        density.setObjectName("PuppetDensity")
        density.addItems(list(puppet.DENSITIES))
        density.setCurrentText(self.density)
        density.currentTextChanged.connect(lambda v: self.set_options(density=v))
        labelled("Density", density)
        expansion = QSpinBox()
        expansion.setObjectName("PuppetExpansion")
        expansion.setRange(-50, 100)
        expansion.setSuffix(" px")
        expansion.setKeyboardTracking(False)  # applied on Enter or when the field is left
        expansion.setValue(self.expansion)
        expansion.valueChanged.connect(lambda v: self.set_options(expansion=v))
        labelled("Expansion", expansion)
        for name, text, step, tip in (
                ("PuppetPinForward", "Pin Depth +", 1,
                 "Bring the selected pin's part forward where the mesh folds (])"),
                ("PuppetPinBackward", "Pin Depth −", -1,
                 "Send the selected pin's part backward where the mesh folds ([)")):
            button = QToolButton()
            button.setObjectName(name)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, s=step: self.set_depth(s))
            row.addWidget(button)
        row.addSpacing(8)
        show = QCheckBox("Show Mesh")
        show.setObjectName("PuppetShowMesh")
        show.setChecked(self.show_mesh)
        show.toggled.connect(lambda v: self.set_options(show_mesh=v))
        row.addWidget(show)
        self._end_buttons(row)
        return w
