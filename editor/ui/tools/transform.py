"""Free Transform (Ctrl+T) of the active layer, or of every layer of the active group.

Corner handles scale keeping the ratio, as current Photoshop does (Shift
frees it; side handles scale one axis; the opposite handle stays put), a drag
outside the box rotates (Shift: 15 degree steps), a drag inside moves; Edit >
Transform flips. The options bar takes X, Y, W, H and the angle as numbers
(W and H linked by default; X and Y in the rulers' unit, W and H in percent, each typed in
any unit: `length_field`; the delta button makes X and Y relative to where the frame
began, Photoshop's "Use relative positioning for reference point"). Ctrl+drag on a corner distorts: that corner alone
moves, the layer drawn through the projective map of its rectangle onto the four
corners; Ctrl+Alt+Shift+drag on a corner is Perspective: the neighbouring corner
across the drag's main axis moves the mirrored way, so the edge stays symmetric
(a trapezoid). Edit > Transform > Distort / Perspective start Free Transform
with plain corner drags doing that. Edit > Transform > Scale, Rotate and Skew start it with
one kind of handle (`only`): Scale's handles only scale (a drag outside does nothing),
Rotate's every drag but one inside the box (which moves) turns, Skew's side handles slide
their side along itself and its corners move along one of their sides. Nothing touches
the document until Enter (or the check button, or a double-click inside) commits: then
the layer's pixels are resampled once (see `resample.py`) and set in one undo step. Esc
cancels.
A group transforms as one picture, as in Photoshop: the handles frame all
its layers, and on commit each layer is resampled through the same
transform (its place in the group's frame included), in one undo step. An
adjustment layer has no pixels: its linked mask is transformed, the handles
framing what the mask reveals (`document.transform_frame`).
A type layer scaled keeping its proportions, and moved, stays type (its size and anchor
scaled, its text drawn anew, as Photoshop keeps type editable); turned, skewed, flipped,
stretched or distorted it is rasterised in the same step, and the status bar says so. A
group holding type is refused in one line (rasterize the type first).

A commit reports the transform as the "free_transform" command's numbers (`numbers`: what
an action records, and what Edit > Transform > Again repeats).

Select > Transform Selection is this mode on the selection's outline instead of a layer
(`transform_selection.SelectionTransformTool`: its frame from `_frame_of`).

While it runs the canvas shows a `LayerPreview`: the composites below and
above the layer with the layer drawn in between through the current transform.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton, QWidget

from engine.box import Box

from editor.model import DocumentError, Group, Layer, Node
from editor.model.commands import SetMask
from editor.model.document import (LockedError, raise_if_locked,
                                   transform_frame, transforms_placements)
from editor.model import replay, smart_object, text_layer
from editor.model.layer_set_ops import carried_along
from editor.model.layer_warp import warp_node
from editor.model.resample import perspective_pixels, transform_pixels, warp_mask
from editor.model.resolution import from_pixels
from editor.model.smart_object import SmartObjectLayer, tidy as _tidy
from editor.model.text_layer import TextLayer

from ..icons import icon, pixmap
from ..length_field import LengthSpinBox
from ..preview import LayerPreview
from .base import Tool
from .layer_mode import LayerMode
from .marquee import HANDLE, paint_handles

GRAB = 7
_QUAD_HANDLES = [(-1, -1), (1, -1), (1, 1), (-1, 1)]  # the corners, in the quad's order
_SCALE_CURSORS = {
    (-1, -1): Qt.CursorShape.SizeFDiagCursor, (1, 1): Qt.CursorShape.SizeFDiagCursor,
    (1, -1): Qt.CursorShape.SizeBDiagCursor, (-1, 1): Qt.CursorShape.SizeBDiagCursor,
    (0, -1): Qt.CursorShape.SizeVerCursor, (0, 1): Qt.CursorShape.SizeVerCursor,
    (-1, 0): Qt.CursorShape.SizeHorCursor, (1, 0): Qt.CursorShape.SizeHorCursor,
}


def _along(a, b, dx: float, dy: float) -> tuple[float, float]:
    """The drag (dx, dy) projected on the line from point `a` to point `b`."""
    ux, uy = b[0] - a[0], b[1] - a[1]
    n2 = ux * ux + uy * uy
    if n2 == 0:
        return 0.0, 0.0
    t = (dx * ux + dy * uy) / n2
    return t * ux, t * uy


def _skewed(quad, handle: tuple[int, int], dx: float, dy: float) -> tuple:
    """Skew: `quad` with side `handle`'s two corners slid along that side by the drag (the
    opposite side stays), or corner `handle` alone moved along whichever of its two sides
    the drag follows more."""
    hx, hy = handle
    corners = list(quad)
    if hx and hy:
        i = _QUAD_HANDLES.index(handle)
        options = [_along(quad[i], quad[_QUAD_HANDLES.index(n)], dx, dy)
                   for n in ((-hx, hy), (hx, -hy))]
        mx, my = max(options, key=lambda m: math.hypot(*m))
        moved = [i]
    else:
        moved = [i for i, (cx, cy) in enumerate(_QUAD_HANDLES)
                 if (hx and cx == hx) or (hy and cy == hy)]
        mx, my = _along(quad[moved[0]], quad[moved[1]], dx, dy)
    for i in moved:
        x, y = corners[i]
        corners[i] = (x + mx, y + my)
    return tuple(corners)


def _mirrored(quad, handle: tuple[int, int], dx: float, dy: float) -> tuple:
    """Perspective: `quad` with corner `handle` moved along the drag's main axis (canvas
    x or y) and its neighbour on the other side of that axis moved the mirrored way."""
    hx, hy = handle
    corners = list(quad)
    if abs(dx) >= abs(dy):  # along the top or bottom edge: the edge widens or narrows
        moves = {handle: (dx, 0.0), (-hx, hy): (-dx, 0.0)}
    else:  # along the left or right edge
        moves = {handle: (0.0, dy), (hx, -hy): (0.0, -dy)}
    for h, (mx, my) in moves.items():
        i = _QUAD_HANDLES.index(h)
        x, y = corners[i]
        corners[i] = (x + mx, y + my)
    return tuple(corners)


@dataclass(frozen=True)
class Pose:
    """Where the layer goes: centre on the canvas, scale per layer axis (negative: flipped),
    rotation in radians (clockwise on screen)."""

    cx: float
    cy: float
    sx: float = 1.0
    sy: float = 1.0
    angle: float = 0.0

    def affine(self, w: int, h: int) -> tuple[float, float, float, float, float, float]:
        """Layer-local (u, v) -> canvas (x, y) as (a, b, c, d, e, f)."""
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        a, b = cos * self.sx, -sin * self.sy
        d, e = sin * self.sx, cos * self.sy
        c = self.cx - (a * w / 2 + b * h / 2)
        f = self.cy - (d * w / 2 + e * h / 2)
        return a, b, c, d, e, f

    def qtransform(self, w: int, h: int) -> QTransform:
        a, b, c, d, e, f = self.affine(w, h)
        return QTransform(a, d, b, e, c, f)

    def local_to_canvas(self, u: float, v: float, w: int, h: int) -> QPointF:
        a, b, c, d, e, f = self.affine(w, h)
        return QPointF(a * u + b * v + c, d * u + e * v + f)

    def to_axes(self, p: QPointF, origin: QPointF) -> QPointF:
        """Vector p - origin in the layer's rotated frame."""
        dx, dy = p.x() - origin.x(), p.y() - origin.y()
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        return QPointF(cos * dx + sin * dy, -sin * dx + cos * dy)

    def from_axes(self, v: QPointF) -> QPointF:
        cos, sin = math.cos(self.angle), math.sin(self.angle)
        return QPointF(cos * v.x() - sin * v.y(), sin * v.x() + cos * v.y())


class TransformTool(LayerMode, Tool):
    id = "transform"
    label = "Free Transform"
    icon = "transform"
    step = "Free Transform"  # the undo step's name (Warp, a subclass, names its own)
    verb = "transform"

    def __init__(self, window, manager, node: Node, corners: Optional[str] = None,
                 only: Optional[str] = None):
        super().__init__(window)
        # What a plain corner drag does: None (scale), "distort" or "perspective".
        self.corners = corners
        # Edit > Transform > Scale, Rotate, Skew: the one kind of handle (None: all kinds).
        self.only = only
        if only is not None:
            self.step = self.label = only.title()
        # Told the transform's numbers (`numbers`) once committed: Transform Again's memory.
        self.on_commit: Optional[Callable[[dict], None]] = None
        self.manager = manager
        self.node = node
        # Layers linked to it go along (Layer > Link Layers), as in Photoshop: the frame
        # holds them all and each is resampled through the same map (`_warp`).
        self.partners = transform_partners(node) if type(self) is TransformTool else []
        self.frame = self._frame_of(node)
        for partner in self.partners:
            self.frame = self.frame.union(transform_frame(partner))
        self.w, self.h = self.frame.w, self.frame.h
        self.start = Pose(self.frame.x + self.w / 2, self.frame.y + self.h / 2)
        # Distorted (Ctrl+drag on a corner): the canvas points of the frame's four corners,
        # top-left, top-right, bottom-right, bottom-left; None while it is an affine placement.
        self._start_quad: Optional[tuple[tuple[float, float], ...]] = None
        if isinstance(node, SmartObjectLayer):
            # A smart object's frame is its contents' rectangle where its placement puts
            # it, so the numbers are its scale and turn from the contents (Photoshop's:
            # 10 % stays 10 % when transformed again, and 100 % is the contents' size).
            contents = node.contents
            self.w, self.h = contents.width, contents.height
            pose = smart_object.pose_of(node.placement, self.w, self.h)
            if pose is not None:
                self.start = Pose(*pose)
            else:  # distorted: the quad's corners, as Distort leaves them
                self._start_quad = node.placement
        self.placement = self.start
        self._steps: list[tuple] = []   # (placement, quad) before each step, for Ctrl+Z
        self.quad = self._start_quad
        self._drag: Optional[tuple] = None
        self._preview: Optional[LayerPreview] = None
        self._canvas = None
        self._fields: dict[str, QDoubleSpinBox] = {}
        self._link: Optional[QToolButton] = None
        self._relative: Optional[QToolButton] = None
        self._updating = False

    def _frame_of(self, node) -> Box:
        """The box the handles frame: a layer's box, the union of a group's layers, or what
        an adjustment's mask reveals (Transform Selection's: the selection's bounds)."""
        return transform_frame(node)

    @staticmethod
    def check(node) -> None:
        """Raises a clear error when the active node cannot be transformed."""
        if not isinstance(node, (Layer, Group)):
            raise DocumentError("Free Transform works on a layer or a group: select one first.")
        what = "Layer" if isinstance(node, Layer) else "Group"
        if node.is_locked():
            raise LockedError(f"{what} '{node.name}' is locked.")
        if isinstance(node, Group):
            locked = next((layer for layer in node.layers() if layer.locked), None)
            if locked is not None:
                raise LockedError(f"Layer '{locked.name}' in group '{node.name}' is locked.")
        # (a type layer is scaled as type, or rasterised on commit; a group's are refused)
        # (a smart object's placement is transformed, its contents kept)
        raise_if_locked(node, "pixels", derived_ok=isinstance(node, TextLayer)
                        or transforms_placements(node))
        raise_if_locked(node, "position")
        transform_frame(node)  # raises when there is nothing to transform
        if not node.is_shown():
            raise DocumentError(f"{what} '{node.name}' is hidden: show it to transform it.")
        for partner in transform_partners(node):
            if partner.is_locked() or any(n.locked for n in getattr(partner, "layers",
                                                                    lambda: ())()):
                raise LockedError(f"'{partner.name}', linked to '{node.name}', is locked: "
                                  f"unlink or unlock it to transform them.")
            raise_if_locked(partner, "position")

    @classmethod
    def turn(cls, window, doc, node, angle: float, step: str) -> None:
        """Turns `node` by `angle` radians (clockwise on screen) about its frame's centre,
        committed as Free Transform commits, as one undo step named `step` (the Ruler's
        Straighten Layer). Raises DocumentError when the node cannot be transformed."""
        cls.check(node)
        tool = cls(window, window.tools, node)
        tool.step = step
        tool.placement = replace(tool.start, angle=tool.start.angle + angle)
        tool._apply(doc)

    # -- life cycle -----------------------------------------------------------------
    def activate(self, canvas) -> None:
        if canvas is None or self._canvas is canvas:
            return
        self._canvas = canvas
        self._preview = LayerPreview(canvas.session, self.node, self.partners, self.frame)
        self._watch(canvas)
        self._show()
        canvas.setFocus()
        canvas.update()

    def commit(self, canvas) -> None:
        if canvas is None:
            return
        doc = canvas.doc
        if self._unchanged() or not doc.contains(self.node):
            return
        # Our own step is not a change underneath.
        doc.history.changed.disconnect(self._document_changed)
        try:
            numbers = self.numbers() if type(self) is TransformTool else None
            self._apply(doc)
            if numbers is not None:  # an action records it; Transform Again repeats it
                replay.performed(doc, "free_transform", **numbers)
                if self.on_commit is not None:
                    self.on_commit(numbers)
        except Exception as exc:
            self.window.report(exc, f"Could not {self.verb}")
        finally:
            doc.history.changed.connect(self._document_changed)

    def numbers(self) -> Optional[dict]:
        """The transform as the "free_transform" command's settings, relative to the frame's
        centre: moved by (dx, dy), scaled by (sx, sy), turned by `angle` degrees; distorted
        or skewed, where the frame's corners went (`corners`, from its centre) and the
        frame's `size`. A smart object's (whose options-bar numbers are its own scale and
        turn, not a change) are always corners: where its new placement sends its frame's.
        None for a type layer."""
        if isinstance(self.node, TextLayer):
            return None
        if isinstance(self.node, SmartObjectLayer):
            m = smart_object.quad_matrix(self._image_corners(), self.w, self.h) \
                @ np.linalg.inv(smart_object.quad_matrix(self.node.placement, self.w, self.h))
            f = self.frame
            cx, cy = f.x + f.w / 2, f.y + f.h / 2
            corners = []
            for x, y in ((f.x, f.y), (f.x1, f.y), (f.x1, f.y1), (f.x, f.y1)):
                u, v, z = m @ (x, y, 1.0)
                corners.append([round(u / z - cx, 4), round(v / z - cy, 4)])
            return dict(corners=corners, size=[f.w, f.h])
        p, s = self.placement, self.start
        if self.quad is not None:
            return dict(corners=[[round(x - s.cx, 4), round(y - s.cy, 4)] for x, y in self.quad],
                        size=[self.w, self.h])
        return dict(dx=round(p.cx - s.cx, 4), dy=round(p.cy - s.cy, 4), sx=round(p.sx, 6),
                    sy=round(p.sy, 6), angle=round(math.degrees(p.angle), 4))

    def _unchanged(self) -> bool:
        return self.placement == self.start and self.quad == self._start_quad

    def _apply(self, doc) -> None:
        """The transform set in the document as one undo step."""
        p = self.placement
        if isinstance(self.node, TextLayer):
            if self._commit_type(doc):
                return
            # Turned, skewed, flipped, stretched or distorted type is not what its
            # settings draw: it becomes pixels in the transform's own step.
            name = self.node.name
            with doc.history.macro(self.step):
                self.node = text_layer.rasterize(doc, self.node)
                self._commit_pixels(doc, p)
            self.window.status(f"'{name}' was rasterized to be transformed so: Layered "
                               f"keeps type editable when it is only scaled and moved.")
            return
        if isinstance(self.node, SmartObjectLayer):
            self._commit_placement(doc)
            return
        self._commit_pixels(doc, p)

    def _commit_placement(self, doc) -> None:
        """A smart object: its placement becomes the frame's corners, drawn anew from its
        contents; its linked mask and paths follow the same canvas-to-canvas map (the new
        placement after the old one undone)."""
        node = self.node
        new = tuple((_tidy(x), _tidy(y)) for x, y in self._image_corners())
        if new == node.placement:
            return
        old = smart_object.quad_matrix(node.placement, self.w, self.h)
        m = smart_object.quad_matrix(new, self.w, self.h) @ np.linalg.inv(old)
        m /= m[2, 2]
        affine = abs(m[2, 0]) < 1e-12 and abs(m[2, 1]) < 1e-12
        dx, dy = m[0, 2], m[1, 2]
        if affine and np.allclose(m[:2, :2], np.eye(2), rtol=0, atol=1e-12) \
                and float(_tidy(dx)).is_integer() and float(_tidy(dy)).is_integer():
            doc.translate(node, int(_tidy(dx)), int(_tidy(dy)))  # moved only: as it is
            return

        def at(x: int, y: int):
            # An array whose pixel (0, 0) lies at canvas (x, y), through the map.
            t = m @ np.array([[1, 0, x], [0, 1, y], [0, 0, 1]], np.float64)
            return tuple(t[:2].ravel()) if affine else t

        def project(q: np.ndarray) -> np.ndarray:
            h = np.column_stack([q, np.ones(len(q))]) @ m.T
            return np.vectorize(_tidy)(h[:, :2] / h[:, 2:3])

        self._warp(doc, transform_pixels if affine else perspective_pixels, at, project)

    def _commit_type(self, doc) -> bool:
        """A type layer scaled keeping its proportions (and moved) stays type: its size and
        anchor scaled, its text drawn anew, linked masks and paths transformed along; one
        step. False when the transform is more than that."""
        p, layer = self.placement, self.node
        if self.quad is not None or p.angle or p.sx <= 0 or abs(p.sx - p.sy) > 1e-6 * p.sx:
            return False
        dx, dy = p.cx - self.start.cx, p.cy - self.start.cy
        if (p.sx, p.sy) == (1.0, 1.0) and dx.is_integer() and dy.is_integer():
            doc.translate(layer, int(dx), int(dy))  # moved only: its pixels as they are
            return True
        a, b, c, d, e, f = p.affine(self.w, self.h)
        ox, oy = self.frame.x, self.frame.y  # canvas -> canvas: (x - ox, y - oy) in the frame

        def mapped(x: float, y: float) -> tuple[float, float]:
            return a * (x - ox) + b * (y - oy) + c, d * (x - ox) + e * (y - oy) + f

        ax, ay = mapped(*layer.anchor())
        settings = layer.type_settings
        limit = doc.canvas.expand(doc.width, doc.height)
        with doc.history.macro("Free Transform"):
            # (a paragraph box scales with the type: its lines wrap as they did)
            doc.history.push(text_layer.SetText(layer, settings.scaled(p.sx), "Free Transform",
                                                (round(ax), round(ay))))
            if layer.mask is not None and layer.mask.linked and layer.mask.width:
                m = layer.mask
                at = (a, b, a * (m.x - ox) + c, d, e, d * (m.y - oy) + f)
                doc.history.push(SetMask(layer, warp_mask(
                    m, lambda px: transform_pixels(px, at, limit)), "Free Transform"))
            doc.transform_paths(layer, lambda q: np.column_stack(mapped(q[:, 0], q[:, 1])),
                                "Free Transform")
        return True

    def _commit_pixels(self, doc, p: Pose) -> None:
        """The layer's (or the group's layers') pixels resampled through the placement."""
        if self.quad is not None:
            self._commit_quad(doc)
            return
        dx, dy = p.cx - self.start.cx, p.cy - self.start.cy
        if (p.sx, p.sy, p.angle) == (1.0, 1.0, 0.0) and dx.is_integer() and dy.is_integer():
            with doc.history.macro(self.step):  # (one step with the linked layers)
                for node in [self.node, *self.partners]:
                    doc.translate(node, int(dx), int(dy))
            return

        a, b, c, d, e, f = p.affine(self.w, self.h)

        def at(x: int, y: int):
            # A layer's (or mask's) own pixel (u, v) at canvas (x + u, y + v) is
            # (u + ox, v + oy) in the frame.
            ox, oy = x - self.frame.x, y - self.frame.y
            return (a, b, a * ox + b * oy + c, d, e, d * ox + e * oy + f)

        ta, tb, tc, td, te, tf = at(0, 0)  # canvas -> canvas
        self._warp(doc, transform_pixels, at, lambda q: np.column_stack(
            [ta * q[:, 0] + tb * q[:, 1] + tc, td * q[:, 0] + te * q[:, 1] + tf]))

    def _commit_quad(self, doc) -> None:
        frame = self._quad_transform()

        def at(x: int, y: int):
            t = QTransform.fromTranslate(x - self.frame.x, y - self.frame.y) * frame
            return [[t.m11(), t.m21(), t.m31()], [t.m12(), t.m22(), t.m32()],
                    [t.m13(), t.m23(), t.m33()]]

        m = np.asarray(at(0, 0), np.float64)  # canvas -> canvas

        def project(q: np.ndarray) -> np.ndarray:
            h = np.column_stack([q, np.ones(len(q))]) @ m.T
            return h[:, :2] / h[:, 2:3]

        self._warp(doc, perspective_pixels, at, project)

    def _warp(self, doc, resample, at, paths) -> None:
        """One Free Transform (or Warp, Puppet Warp) step (`layer_warp.warp_node`), the
        linked layers resampled through the same map in the same step (type among them
        rasterized first, as the active type layer is when turned or distorted)."""
        if not self.partners:
            warp_node(doc, self.node, self.step, resample, at, paths)
            return
        rasterized = []
        with doc.history.macro(self.step):
            warp_node(doc, self.node, self.step, resample, at, paths)
            for node in self.partners:
                if isinstance(node, TextLayer):
                    rasterized.append(node.name)
                    node = text_layer.rasterize(doc, node)
                warp_node(doc, node, self.step, resample, at, paths)
        if rasterized and self.window is not None:
            self.window.status(f"Linked type {', '.join(repr(n) for n in rasterized)} was "
                               f"rasterized to be transformed along.")

    def _quad_transform(self) -> QTransform:
        """The frame's rectangle (local coordinates) -> the four corners on the canvas."""
        source = QPolygonF([QPointF(0, 0), QPointF(self.w, 0), QPointF(self.w, self.h),
                            QPointF(0, self.h)])
        target = QPolygonF([QPointF(x, y) for x, y in self.quad])
        transform = QTransform()
        if not QTransform.quadToQuad(source, target, transform):
            raise ValueError("these corners make no picture")
        return transform

    def cancel(self, canvas) -> None:
        self.placement = self.start
        self.quad = self._start_quad

    # -- editing the placement ------------------------------------------------------------
    def flip(self, horizontal: bool) -> None:
        self._remember()
        p = self.placement
        if self.quad is not None:  # the picture mirrored inside the same four corners
            a, b, c, d = self.quad
            self.quad = (b, a, d, c) if horizontal else (d, c, b, a)
        else:
            self.placement = replace(p, sx=-p.sx) if horizontal else replace(p, sy=-p.sy)
        self._changed()

    def step_back(self) -> bool:
        """Undoes the last handle drag; False when there is none."""
        if not self._steps:
            return False
        self.placement, self.quad = self._steps.pop()
        self._changed()
        return True

    def _remember(self) -> None:
        self._steps.append((self.placement, self.quad))

    def _changed(self) -> None:
        self._show()
        if self._canvas is not None:
            self._canvas.update()

    # -- hit testing ------------------------------------------------------------------
    def _corners(self, canvas) -> list[QPointF]:
        if self.quad is not None:
            return [canvas.image_to_widget(QPointF(x, y)) for x, y in self.quad]
        p, w, h = self.placement, self.w, self.h
        return [canvas.image_to_widget(p.local_to_canvas(u, v, w, h))
                for u, v in ((0, 0), (w, 0), (w, h), (0, h))]

    def _image_corners(self) -> tuple[tuple[float, float], ...]:
        if self.quad is not None:
            return self.quad
        p, w, h = self.placement, self.w, self.h
        points = [p.local_to_canvas(u, v, w, h) for u, v in ((0, 0), (w, 0), (w, h), (0, h))]
        return tuple((q.x(), q.y()) for q in points)

    def _handles(self, canvas) -> dict[tuple[int, int], QPointF]:
        if self.quad is not None:  # corners only: each moves alone
            out = dict(zip(_QUAD_HANDLES, self._corners(canvas)))
            if self.only == "skew":  # and the sides' middles, each sliding its side
                for i, (hx, hy) in enumerate(_QUAD_HANDLES):
                    nx, ny = _QUAD_HANDLES[(i + 1) % 4]
                    a, b = out[(hx, hy)], out[(nx, ny)]
                    out[((hx + nx) // 2, (hy + ny) // 2)] = (a + b) / 2
            return out
        p, w, h = self.placement, self.w, self.h
        out = {}
        for hx in (-1, 0, 1):
            for hy in (-1, 0, 1):
                if hx or hy:
                    u, v = (hx + 1) * w / 2, (hy + 1) * h / 2
                    out[(hx, hy)] = canvas.image_to_widget(p.local_to_canvas(u, v, w, h))
        return out

    def _hit(self, canvas, pos: QPointF) -> tuple[str, Optional[tuple[int, int]]]:
        for handle, point in self._handles(canvas).items():
            if abs(point.x() - pos.x()) <= GRAB and abs(point.y() - pos.y()) <= GRAB:
                return "scale", handle
        if QPolygonF(self._corners(canvas)).containsPoint(pos, Qt.FillRule.OddEvenFill):
            return "move", None
        return "rotate", None

    # -- input -----------------------------------------------------------------------------
    def _kind(self, canvas, pos: QPointF, mods) -> tuple[str, Optional[tuple[int, int]]]:
        """What a drag from `pos` does: "scale", "move", "rotate", "distort", "perspective",
        "skew" or "none", and the handle it holds."""
        kind, handle = self._hit(canvas, pos)
        if self.only == "rotate":  # every drag turns, but one inside the box moves it
            return ("move", None) if kind == "move" else ("rotate", None)
        if self.only == "scale":  # no turning, no distorting
            if kind == "rotate" or (kind == "scale" and self.quad is not None):
                return "none", None
            return kind, handle
        if self.only == "skew":
            return {"scale": "skew", "rotate": "none"}.get(kind, kind), handle
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        perspective = ctrl and bool(mods & Qt.KeyboardModifier.AltModifier) \
            and bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if kind == "scale" and handle in _QUAD_HANDLES:
            if perspective:
                kind = "perspective"
            elif ctrl:
                kind = "distort"
            elif self.corners is not None:
                kind = self.corners
            elif self.quad is not None:
                kind = "distort"
        elif kind == "rotate" and self.quad is not None:
            kind = "none"  # a distorted frame does not turn
        return kind, handle

    def press(self, canvas, ev) -> None:
        kind, handle = self._kind(canvas, ev.pos, ev.modifiers)
        self._remember()
        if kind in ("distort", "perspective", "skew") and self.quad is None:
            self.quad = self._image_corners()
        self._drag = (kind, handle, self.placement, ev.image, self.quad)

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        kind, handle, p0, start, quad0 = self._drag
        point = ev.image
        if kind == "distort":
            corners = list(quad0)
            corners[_QUAD_HANDLES.index(handle)] = (point.x(), point.y())
            self.quad = tuple(corners)
        elif kind == "perspective":
            self.quad = _mirrored(quad0, handle, point.x() - start.x(), point.y() - start.y())
        elif kind == "skew":
            self.quad = _skewed(quad0, handle, point.x() - start.x(), point.y() - start.y())
        elif kind == "none":
            return
        elif kind == "move" and quad0 is not None:
            dx, dy = point.x() - start.x(), point.y() - start.y()
            self.quad = tuple((x + dx, y + dy) for x, y in quad0)
        elif kind == "move":
            self.placement = replace(p0, cx=p0.cx + point.x() - start.x(),
                                     cy=p0.cy + point.y() - start.y())
        elif kind == "rotate":
            a0 = math.atan2(start.y() - p0.cy, start.x() - p0.cx)
            a1 = math.atan2(point.y() - p0.cy, point.x() - p0.cx)
            angle = p0.angle + a1 - a0
            if ev.shift:
                step = math.radians(15)
                angle = round(angle / step) * step
            angle = math.atan2(math.sin(angle), math.cos(angle))
            if abs(angle) < 1e-9:
                angle = 0.0
            self.placement = replace(p0, angle=angle)
        else:
            self.placement = self._scaled(p0, handle, point, keep_ratio=not ev.shift)
        self._changed()

    def _scaled(self, p0: Pose, handle: tuple[int, int], point: QPointF,
                keep_ratio: bool) -> Pose:
        hx, hy = handle
        w, h = self.w, self.h
        anchor = p0.local_to_canvas((1 - hx) * w / 2, (1 - hy) * h / 2, w, h)
        d = p0.to_axes(point, anchor)
        sx, sy = p0.sx, p0.sy
        if keep_ratio and hx and hy:
            ex, ey = hx * w * p0.sx, hy * h * p0.sy
            f = (d.x() * ex + d.y() * ey) / (ex * ex + ey * ey)
            sx, sy = p0.sx * f, p0.sy * f
        else:
            if hx:
                sx = d.x() / (hx * w)
            if hy:
                sy = d.y() / (hy * h)
        # Never thinner than one pixel.
        sx = math.copysign(max(abs(sx), 1.0 / w), sx if sx else p0.sx)
        sy = math.copysign(max(abs(sy), 1.0 / h), sy if sy else p0.sy)
        offset = p0.from_axes(QPointF(hx * w * sx / 2, hy * h * sy / 2))
        return replace(p0, cx=anchor.x() + offset.x(), cy=anchor.y() + offset.y(), sx=sx, sy=sy)

    def release(self, canvas, ev) -> None:
        if self._drag is not None and self._drag[2] == self.placement \
                and self._drag[4] == self.quad and self._steps:
            self._steps.pop()  # nothing changed: no step to undo
        self._drag = None

    def double_click(self, canvas, ev) -> bool:
        if self._hit(canvas, ev.pos)[0] == "move":
            self.manager.end_mode(commit=True)
            return True
        return False

    def key_press(self, canvas, e) -> bool:
        key = e.key()
        if self._ends_mode(key):
            return True
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                  Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if key in arrows:
            step = 10 if e.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = arrows[key]
            self._remember()
            self.placement = replace(self.placement, cx=self.placement.cx + dx * step,
                                     cy=self.placement.cy + dy * step)
            self._changed()
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        kind, handle = self._kind(canvas, ev.pos, ev.modifiers)
        if handle is not None:
            return QCursor(_SCALE_CURSORS[handle])
        if kind == "move":
            return QCursor(Qt.CursorShape.SizeAllCursor)
        if kind == "none":
            return QCursor(Qt.CursorShape.ArrowCursor)
        return QCursor(pixmap("rotate", 20, "#ffffff", canvas.devicePixelRatioF()))

    # -- drawing ------------------------------------------------------------------------------
    def paints_content(self, canvas) -> bool:
        return self._preview is not None and canvas is self._canvas

    def paint_content(self, canvas, painter: QPainter, area: QRectF) -> None:
        transform = self._quad_transform() if self.quad is not None else \
            self.placement.qtransform(self.w, self.h)
        self._preview.paint(canvas, painter, area, transform, smooth=True)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        corners = self._corners(canvas)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 120), 3))
        painter.drawPolygon(QPolygonF(corners))
        painter.setPen(QPen(QColor("#4d8fe8"), 1.2))
        painter.drawPolygon(QPolygonF(corners))
        centre = canvas.image_to_widget(QPointF(self.placement.cx, self.placement.cy))
        painter.setPen(QPen(QColor("#ffffff"), 1))
        painter.drawEllipse(centre, 3.5, 3.5)
        painter.restore()
        paint_handles(painter, self._handles(canvas).values(), HANDLE)

    # -- options bar --------------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        title = QLabel(self.label)
        row.addWidget(title)
        row.addSpacing(8)
        # X and Y in the rulers' unit (Preferences > Units & Rulers; percent of the canvas),
        # W and H in percent of the frame, as Photoshop shows them; each takes a length typed
        # with a unit of its own ("2 in", "300 px").
        doc = self.window.doc
        unit = self.window.settings.ruler_units
        ppi = doc.resolution if doc is not None else 72.0
        canvas = doc.size if doc is not None else (self.w, self.h)
        for key, label in (("x", "X"), ("y", "Y"), ("w", "W"), ("h", "H"), ("angle", "∠")):
            if key == "x":
                row.addWidget(self._relative_button())
            name = QLabel(label)
            name.setObjectName("Dim")
            row.addWidget(name)
            if key == "angle":
                spin = QDoubleSpinBox()
                spin.setRange(-180.0, 180.0)
                spin.setDecimals(1)
                spin.setSuffix("°")
            elif key in ("x", "y"):
                spin = LengthSpinBox(unit, ppi, canvas[key == "y"])
            else:
                spin = LengthSpinBox("percent", ppi, self.w if key == "w" else self.h)
            spin.setObjectName(f"Transform_{key}")
            spin.setKeyboardTracking(False)  # applied on Enter or when the field is left
            spin.setFixedWidth(100 if key in ("x", "y") else 84)
            spin.valueChanged.connect(lambda _v, k=key: self._typed(k))
            self._fields[key] = spin
            row.addWidget(spin)
            if key == "w":
                link = QToolButton()
                link.setObjectName("TransformLink")
                link.setIcon(icon("link"))
                link.setCheckable(True)
                link.setChecked(True)
                link.setToolTip("Keep the width and height in proportion")
                self._link = link
                row.addWidget(link)
        self._end_buttons(row)
        self._show()
        return w

    def _relative_button(self) -> QToolButton:
        """Photoshop's delta triangle, "Use relative positioning for reference point": X
        and Y become how far the frame has moved since the transform began (typed: moved
        that far from there). Remembered."""
        button = QToolButton()
        button.setObjectName("TransformRelative")
        button.setText("Δ")
        button.setCheckable(True)
        button.setChecked(self.window.settings.value("transform/relative", False, bool))
        button.setToolTip("Use relative positioning for reference point")
        button.toggled.connect(self._relative_toggled)
        self._relative = button
        return button

    def _relative_toggled(self, on: bool) -> None:
        self.window.settings.set_value("transform/relative", on)
        self._show()

    def _origin(self) -> tuple[float, float]:
        """What X and Y count from: the canvas's corner, or (relative) where the frame's
        corner was when the transform began."""
        if self._relative is None or not self._relative.isChecked():
            return 0.0, 0.0
        p = self.start
        return p.cx - abs(p.sx) * self.w / 2, p.cy - abs(p.sy) * self.h / 2

    def _end_buttons(self, row: QHBoxLayout) -> None:
        """The options bar's right end: cancel (Esc) and commit (Enter)."""
        row.addStretch(1)
        for name, tip, commit in (("cancel", f"Cancel the {self.verb} (Esc)", False),
                                  ("check", f"Commit the {self.verb} (Enter)", True)):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setObjectName(f"Transform{name.title()}")
            button.clicked.connect(lambda _=False, c=commit: self.manager.end_mode(commit=c))
            row.addWidget(button)

    def _show(self) -> None:
        if not self._fields:
            return
        p = self.placement
        ox, oy = self._origin()
        x, y = p.cx - abs(p.sx) * self.w / 2, p.cy - abs(p.sy) * self.h / 2
        x, y = (from_pixels(v, f.unit, f.ppi, f.side)
                for v, f in ((x - ox, self._fields["x"]), (y - oy, self._fields["y"])))
        self._updating = True
        try:
            for field in self._fields.values():
                field.setEnabled(self.quad is None)  # numbers describe an affine placement
            for key, value in (("x", x), ("y", y), ("w", p.sx * 100), ("h", p.sy * 100),
                               ("angle", math.degrees(p.angle))):
                field = self._fields[key]
                if not field.hasFocus() or abs(field.value() - value) > 10 ** -field.decimals():
                    field.setValue(value)
        finally:
            self._updating = False

    def _typed(self, key: str) -> None:
        """A number typed in the options bar: the placement follows (one Ctrl+Z step)."""
        if self._updating:
            return
        p = self.placement
        value = self._fields[key].value()
        ox, oy = self._origin()
        if key == "x":
            new = replace(p, cx=ox + self._fields["x"].pixels() + abs(p.sx) * self.w / 2)
        elif key == "y":
            new = replace(p, cy=oy + self._fields["y"].pixels() + abs(p.sy) * self.h / 2)
        elif key in ("w", "h"):
            scale = value / 100 if abs(value) >= 0.1 else math.copysign(0.001, value or 1)
            sx, sy = (scale, p.sy) if key == "w" else (p.sx, scale)
            if self._link is not None and self._link.isChecked():
                ratio = abs(scale / (p.sx if key == "w" else p.sy))
                sx, sy = (scale, p.sy * ratio) if key == "w" else (p.sx * ratio, scale)
            new = replace(p, sx=sx, sy=sy)
        else:
            new = replace(p, angle=math.radians(value))
        if new != p:
            self._remember()
            self.placement = new
            self._changed()


def transform_partners(node) -> list:
    """The linked layers a Free Transform of `node` carries (`layer_set_ops.carried_along`).
    None for a type layer or a smart object, whose frames are their own (type kept
    editable, a placement's contents): they transform alone, as before links were carried."""
    if node is None or isinstance(node, (TextLayer, SmartObjectLayer)):
        return []
    out = []
    for partner in carried_along(node):
        try:
            transform_frame(partner)
        except DocumentError:  # (empty, or an adjustment without a mask: nothing to move)
            continue
        out.append(partner)
    return out


@replay.register("free_transform", "Free Transform")
def play_free_transform(doc, dx: float = 0.0, dy: float = 0.0, sx: float = 1.0, sy: float = 1.0,
                        angle: float = 0.0, corners=None, size=None) -> None:
    """A recorded Free Transform on the active layer or group of `doc`: moved by (dx, dy)
    from its frame's centre, scaled by (sx, sy) (negative: flipped), turned by `angle`
    degrees; or distorted: the map that took a frame of `size` (w, h) onto `corners`
    (from its centre) applied about this frame's centre. One undo step, as the tool's
    commit (Edit > Transform > Again is this, with the last transform's numbers)."""
    node = doc.active
    TransformTool.check(node)
    if isinstance(node, TextLayer):
        raise DocumentError(f"'{node.name}' is type: a recorded or repeated Free Transform "
                            f"works on pixel layers, smart objects and groups (rasterize "
                            f"it first).")
    tool = TransformTool(None, None, node)  # (no window: its commit only, no handles)
    if isinstance(node, SmartObjectLayer):  # its placement's corners through the same map
        f = tool.frame
        frame = Pose(f.x + f.w / 2, f.y + f.h / 2)
        if corners is None:
            corners = [(q.x() - frame.cx, q.y() - frame.cy) for q in (
                Pose(frame.cx + float(dx), frame.cy + float(dy), float(sx), float(sy),
                     math.radians(float(angle))).local_to_canvas(u, v, f.w, f.h)
                for u, v in ((0, 0), (f.w, 0), (f.w, f.h), (0, f.h)))]
            size = (f.w, f.h)
        tool.quad = _through(frame, corners, size, node.placement)
    else:
        set_numbers(tool, dx, dy, sx, sy, angle, corners, size)
    if not tool._unchanged():
        try:
            tool._apply(doc)
        except ValueError:  # (the map sends a corner through infinity: no picture)
            raise DocumentError("Free Transform: these corners make no picture of this "
                                "layer.") from None


def set_numbers(tool: TransformTool, dx: float = 0.0, dy: float = 0.0, sx: float = 1.0,
                sy: float = 1.0, angle: float = 0.0, corners=None, size=None) -> None:
    """Puts a tool's frame where recorded numbers (`TransformTool.numbers`) take it, about
    this frame's centre: the placement, or the distorted corners (a recorded Free Transform
    or Transform Selection played back)."""
    if corners is not None:
        tool.quad = _corners_again(tool.start, tool.w, tool.h, corners, size)
    else:
        tool.placement = Pose(tool.start.cx + float(dx), tool.start.cy + float(dy),
                              float(sx), float(sy), math.radians(float(angle)))


def _corners_again(centre: Pose, w: int, h: int, corners, size) -> tuple:
    """The corners of a w x h frame centred on `centre` sent through the projective map that
    took a frame of `size` onto `corners` (both from their frame's centre)."""
    return _through(centre, corners, size, [(centre.cx + u, centre.cy + v) for u, v in (
        (-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2))])


def _through(centre: Pose, corners, size, points) -> tuple:
    """Canvas `points` sent, about `centre`, through the projective map that took a frame of
    `size` onto `corners` (both from their frame's centre)."""
    w0, h0 = (float(v) for v in size)
    g = smart_object.quad_matrix([(float(x), float(y)) for x, y in corners], w0, h0) \
        @ np.array([[1, 0, w0 / 2], [0, 1, h0 / 2], [0, 0, 1]], np.float64)
    out = []
    for px, py in points:
        x, y, z = g @ (px - centre.cx, py - centre.cy, 1.0)
        if z <= 1e-9:
            raise DocumentError("Free Transform: these corners make no picture of this layer.")
        out.append((centre.cx + x / z, centre.cy + y / z))
    return tuple(out)
