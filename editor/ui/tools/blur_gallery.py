"""Filter > Blur Gallery (Field Blur, Iris Blur, Tilt-Shift, Path Blur, Spin Blur): an
on-canvas mode, as Photoshop's, over the active pixel layer.

The blur's controls are drawn over the canvas and dragged there. As in Photoshop, the
pin being set (Field's selected pin, Iris's and Tilt-Shift's centre) wears a blur ring:
its arc shows the blur (a full turn RING_TURN px) and a drag round it turns the blur up
(clockwise) or down, as the options bar's Blur field does. Ctrl+Z takes the last change
back while the mode runs (with none left, it cancels the mode).

- Field Blur: pins, each with its own blur. A click where there is no pin adds one (with
  the options bar's Blur) and selects it; a drag moves a pin; Delete (Backspace) removes
  the selected one; the Blur field sets the selected pin's blur.
- Iris Blur: the ellipse with its centre pin, four square handles on its axes (a drag
  sets that radius and turns the ellipse with the pointer) and four round feather
  handles inside on its diagonals (how far the sharp region reaches); a drag on the
  outline scales the ellipse, one inside it moves it.
- Tilt-Shift: the sharp band between two solid lines, the blur fading in to the two
  dashed lines; a drag on a solid line widens the band, on a dashed line the fade, on a
  solid line's square handle turns the lines about the centre pin; elsewhere it moves
  them.
- Path Blur and Spin Blur: their controls are `blur_gallery_motion.py` (mixed in here); a
  spin is drawn and dragged as Iris's ellipse, its ring the Blur Angle (a full turn 360
  degrees).

While it runs the canvas shows the layer blurred at a reduced size over the stack
(`LayerPreview`): at most DRAG_SIZE pixels wide or high while a drag is under way, then
PREVIEW_SIZE once it ends (the blur's radii scaled with the picture). The selection's soft
edge is previewed too; on a smart object, the pixels it shows (the blur becomes a smart
filter, `editor.model.smart_filters`, as the Filter menu's other filters do). Enter, a double-click on a pin (or inside the ellipse or band) or
the check button applies the blur at full size through the Filter menu's one path
(`FilterCommands._submit`: a job, one undo step, Fade, Last Filter); Esc or the cancel
button leaves the document untouched. The blurs themselves are `editor.model.blur_gallery`.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Optional

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QToolButton, QWidget

from editor.model import blur_gallery as bg
from editor.model import blur_gallery_motion as bm
from editor.model import filter_ops
from engine.box import Box

from ..icons import icon
from ..preview import LayerPreview
from ..pyramid import Pyramid
from ..qimage import premultiplied
from .base import Tool
from .blur_gallery_motion import MotionControls, new_path, new_spin
from .layer_mode import LayerMode
from .marquee import HANDLE, paint_handles

PREVIEW_SIZE = 1024  # the preview's largest side (px) at rest
DRAG_SIZE = 512      # ... while a drag is under way (redrawn at every move)
GRAB = 8.0           # widget px: how near a handle or line a press takes it
PIN = 7.0            # widget px: a pin's radius as drawn
RING = 17.0          # widget px: the blur ring's radius round the pin being set
RING_TURN = 100.0    # px of blur one full turn of the ring adds
_DELETE_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
KINDS = {"field_blur": bg.FieldBlur, "iris_blur": bg.IrisBlur, "tilt_shift": bg.TiltShift,
         "path_blur": bm.PathBlur, "spin_blur": bm.SpinBlur}


def start_op(kind: str, box: Box) -> bg.GalleryBlur:
    """Photoshop's starting controls for `kind` over canvas box `box` (the layer where the
    canvas shows it): one pin of 15 px in the middle; an ellipse about the middle; a band
    across the middle; one spin in the middle; one path left to right across it."""
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    if kind == "spin_blur":
        return bm.SpinBlur(spins=(new_spin(cx, cy, 0.3 * min(box.w, box.h)),))
    if kind == "path_blur":
        return bm.PathBlur(paths=(new_path((box.x + 0.3 * box.w, cy),
                                           (box.x + 0.7 * box.w, cy)),))
    if kind == "field_blur":
        return bg.FieldBlur(pins=((cx, cy, 15.0),))
    if kind == "iris_blur":
        r = 0.3 * min(box.w, box.h)
        return bg.IrisBlur(cx=cx, cy=cy, rx=max(4.0, r * 1.25), ry=max(4.0, r))
    return bg.TiltShift(cx=cx, cy=cy, sharp=max(2.0, box.h * 0.08),
                        fade=max(2.0, box.h * 0.17))


def _rotate(x: float, y: float, degrees: float) -> tuple[float, float]:
    a = math.radians(degrees)
    return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)


class BlurGalleryTool(MotionControls, LayerMode, Tool):
    """One of the Blur Gallery's blurs being set up on the canvas (a ToolManager mode)."""

    id = "blur_gallery"
    icon = "tool-blur"

    def __init__(self, window, manager, kind: str, target: filter_ops.Target,
                 op: Optional[bg.GalleryBlur] = None):
        """`op`: the settings to start from (a smart filter's, edited), else Photoshop's
        starting controls over the layer."""
        super().__init__(window)
        self.manager, self.kind, self.target = manager, kind, target
        layer = target.layer
        box = target.bounds().intersect(window.doc.canvas)
        if box.is_empty():
            box = target.bounds()
        self.op: bg.GalleryBlur = op if op is not None else start_op(kind, box)
        self.label = self.op.label
        # Field's pin, Spin's spin, Path's path being set
        self.selected: Optional[int] = 0 if kind in ("field_blur", "spin_blur", "path_blur") \
            else None
        self.end: Optional[int] = None  # Path: the selected path's end point (0, 1) being set
        self._drag: Optional[tuple] = None  # (what, index, press point, op at press)
        self._canvas = None
        self._preview: Optional[LayerPreview] = None
        self._smalls: dict[int, tuple[np.ndarray, Optional[np.ndarray], float]] = {}
        self._shown: Optional[tuple] = None  # (op, size, Pyramid, placement)
        self._blur_field: Optional[QSpinBox] = None
        self._steps: list[tuple[bg.GalleryBlur, Optional[int]]] = []  # Ctrl+Z's, in the mode
        self._content: Optional[np.ndarray] = None  # straight RGBA the preview blurs
        self._origin = (0, 0)  # where its corner lies on the canvas
        self.layer = layer

    # -- life cycle ---------------------------------------------------------------------
    def activate(self, canvas) -> None:
        if canvas is None or self._canvas is canvas:
            return
        self._canvas = canvas
        self._preview = LayerPreview(canvas.session, self.layer)
        # What is blurred, and where it lies: a smart object's shown pixels (the new smart
        # filter's input, `filter_ops.prepare`), else the layer as drawn (through its mask).
        if getattr(self.target, "smart", None) is not None:
            self._content, self._origin = self.target.source, self.target.origin
        else:
            self._content, self._origin = self._preview.content, (self.layer.x, self.layer.y)
        self._watch(canvas)
        canvas.setFocus()
        canvas.update()

    def commit(self, canvas) -> None:
        """Enter: the blur at full size through the Filter menu's path (a job, one step)."""
        if canvas is None or self.op.is_identity() or not canvas.doc.contains(self.layer):
            return
        self.window.filter_commands._submit(self.op, self.target)

    def cancel(self, canvas) -> None:
        """Esc: nothing was changed in the document; the preview goes with the mode."""

    # -- the blur's settings ------------------------------------------------------------
    def blur(self) -> float:
        """The Blur field's value: the selected pin's (Field), the blur's (Iris, Tilt), the
        selected spin's Blur Angle (Spin)."""
        if isinstance(self.op, bm.SpinBlur):
            return float(self.op.spins[self.selected][6]) if self.op.spins else 0.0
        if isinstance(self.op, bg.FieldBlur):
            if self.selected is None or self.selected >= len(self.op.pins):
                return 15.0
            return float(self.op.pins[self.selected][2])
        return float(self.op.blur)

    def set_blur(self, value: float) -> None:
        if isinstance(self.op, bm.SpinBlur):
            self._set_spin_angle(value)
            return
        value = max(0.0, min(bg.MAX_BLUR, float(value)))
        if isinstance(self.op, bg.FieldBlur):
            if self.selected is None:
                return
            pins = list(self.op.pins)
            x, y, _ = pins[self.selected]
            pins[self.selected] = (x, y, value)
            self._set(replace(self.op, pins=tuple(pins)))
        else:
            self._set(replace(self.op, blur=value))

    def _remember(self) -> None:
        """The settings as they are, for Ctrl+Z while the mode runs."""
        self._steps.append((self.op, self.selected))

    def step_back(self) -> bool:
        """Ctrl+Z: the settings before the last change (False when there is none: the
        window then cancels the mode, as Photoshop's Blur Gallery does)."""
        if not self._steps:
            return False
        op, self.selected = self._steps.pop()
        self._set(op)
        return True

    def _typed_blur(self, value: int) -> None:
        """The Blur field changed by the user: one Ctrl+Z step."""
        self._remember()
        self.set_blur(value)

    def _set(self, op: bg.GalleryBlur) -> None:
        self.op = op
        if self._blur_field is not None:
            self._blur_field.blockSignals(True)
            self._blur_field.setValue(round(self.blur()))
            self._blur_field.blockSignals(False)
        self._sync_motion_fields()
        if self._canvas is not None:
            self._canvas.update()

    # -- hit testing (widget px) --------------------------------------------------------
    def _w(self, canvas, x: float, y: float) -> QPointF:
        return canvas.image_to_widget(QPointF(x, y))

    def _iris_points(self, o=None) -> dict[str, tuple[float, float]]:
        """The Iris's (or a spin's, `o`) handles on the canvas: size handles on the axes,
        feather on the diagonals of the sharp region."""
        o = self.op if o is None else o
        out = {}
        for name, (u, v) in (("x+", (o.rx, 0)), ("x-", (-o.rx, 0)), ("y+", (0, o.ry)),
                             ("y-", (0, -o.ry))):
            dx, dy = _rotate(u, v, o.angle)
            out[name] = (o.cx + dx, o.cy + dy)
        d = math.sqrt(0.5) * o.feather
        for i, (su, sv) in enumerate(((1, 1), (-1, 1), (-1, -1), (1, -1))):
            dx, dy = _rotate(su * d * o.rx, sv * d * o.ry, o.angle)
            out[f"f{i}"] = (o.cx + dx, o.cy + dy)
        return out

    def _ring_centre(self) -> Optional[tuple[float, float]]:
        """Where the blur ring is (canvas): round the pin being set."""
        o = self.op
        if isinstance(o, bm.SpinBlur):
            return o.spins[self.selected][:2] if o.spins else None
        if isinstance(o, bm.PathBlur):
            return None
        if isinstance(o, bg.FieldBlur):
            if self.selected is None or self.selected >= len(o.pins):
                return None
            return o.pins[self.selected][0], o.pins[self.selected][1]
        return o.cx, o.cy

    def _tilt_handles(self) -> dict[str, tuple[float, float]]:
        """Tilt-Shift's turn handles: on each solid line, across from the centre pin."""
        o = self.op
        nx, ny = _rotate(0, 1, o.angle)
        return {"turn+": (o.cx + nx * o.sharp, o.cy + ny * o.sharp),
                "turn-": (o.cx - nx * o.sharp, o.cy - ny * o.sharp)}

    def _hit(self, canvas, pos: QPointF, image: QPointF) -> tuple[str, Optional[int]]:
        def near(x, y, reach=GRAB):
            p = self._w(canvas, x, y)
            return math.hypot(p.x() - pos.x(), p.y() - pos.y()) <= reach

        o = self.op
        px = canvas.zoom / canvas.devicePixelRatioF()  # widget px per canvas px
        ring = self._ring_centre()
        if ring is not None:
            c = self._w(canvas, *ring)
            d = math.hypot(c.x() - pos.x(), c.y() - pos.y())
            if PIN + 3 <= d <= RING + 5:
                return "ring", None
        if isinstance(o, bm.SpinBlur):
            return self._spin_hit(canvas, pos, image)
        if isinstance(o, bm.PathBlur):
            return self._path_hit(canvas, pos)
        if isinstance(o, bg.FieldBlur):
            for i in reversed(range(len(o.pins))):
                if near(o.pins[i][0], o.pins[i][1], PIN + 2):
                    return "pin", i
            return "add", None
        if isinstance(o, bg.IrisBlur):
            what = self._ellipse_hit(canvas, pos, image, o)
            return ("move" if what == "inside" else what), None
        if near(o.cx, o.cy, PIN + 2):
            return "move", None
        dx, dy = image.x() - o.cx, image.y() - o.cy
        for name, (x, y) in self._tilt_handles().items():
            if near(x, y):
                return name, None
        nx, ny = _rotate(0, 1, o.angle)
        t = abs(dx * nx + dy * ny)  # canvas px from the centre line
        if abs(t - o.sharp) * px <= GRAB:
            return "sharp", None
        if abs(t - o.sharp - o.fade) * px <= GRAB:
            return "fade", None
        return "move", None

    def _ellipse_hit(self, canvas, pos: QPointF, image: QPointF, o) -> str:
        """What of the ellipse `o` (an Iris, or a spin's view) is at `pos`: "move" (its
        centre pin), a handle's name, "scale" (its outline), "inside" or "none"."""
        def near(x, y, reach=GRAB):
            p = self._w(canvas, x, y)
            return math.hypot(p.x() - pos.x(), p.y() - pos.y()) <= reach

        if near(o.cx, o.cy, PIN + 2):
            return "move"
        for name, (x, y) in self._iris_points(o).items():
            if near(x, y):
                return name
        px = canvas.zoom / canvas.devicePixelRatioF()  # widget px per canvas px
        dx, dy = image.x() - o.cx, image.y() - o.cy
        a = math.radians(o.angle)
        u = (dx * math.cos(a) + dy * math.sin(a)) / max(o.rx, 1e-3)
        v = (-dx * math.sin(a) + dy * math.cos(a)) / max(o.ry, 1e-3)
        d = math.hypot(u, v)
        if abs(d - 1) * min(o.rx, o.ry) * px <= GRAB:
            return "scale"
        return "inside" if d < 1 else "none"

    # -- input --------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if ev.button != Qt.MouseButton.LeftButton:
            return
        what, index = self._hit(canvas, ev.pos, ev.image)
        o = self.op
        if what != "none":
            self._remember()  # (taken back on release when nothing changed)
        if what != "ring" and isinstance(o, (bm.SpinBlur, bm.PathBlur)):
            what, index = self._motion_press(what, index, ev)
            self._drag = (what, index, QPointF(ev.image), self.op)
            return
        if what == "add":  # Field: a new pin with the Blur field's amount
            pins = o.pins + ((ev.image.x(), ev.image.y(), self._field_value()),)
            self.selected = len(pins) - 1
            self._set(replace(o, pins=pins))
            what, index = "pin", self.selected
        elif what == "pin":
            self.selected = index
            self._set(o)
        if what == "none":
            self._drag = None
            return
        if what == "ring":  # (the pointer's last angle round the pin, in index's place)
            index = self._ring_angle(canvas, ev.pos)
        self._drag = (what, index, QPointF(ev.image), self.op)

    def _ring_full(self) -> float:
        """What a full turn of the ring adds: RING_TURN px of blur, 360 degrees of Spin's
        Blur Angle."""
        return 360.0 if isinstance(self.op, bm.SpinBlur) else RING_TURN

    def _ring_angle(self, canvas, pos: QPointF) -> float:
        """Degrees clockwise from 12 o'clock of `pos` round the ring's pin."""
        c = self._w(canvas, *self._ring_centre())
        return math.degrees(math.atan2(pos.x() - c.x(), c.y() - pos.y()))

    def _field_value(self) -> float:
        return float(self._blur_field.value()) if self._blur_field is not None else 15.0

    def move(self, canvas, ev) -> None:
        if self._drag is None:
            return
        what, index, start, o = self._drag
        p = ev.image
        dx, dy = p.x() - start.x(), p.y() - start.y()
        if what == "ring":  # the turn since the last move, unwrapped: clockwise adds blur
            angle = self._ring_angle(canvas, ev.pos)
            turn = (angle - index + 180) % 360 - 180
            self._drag = (what, angle, start, o)
            self.set_blur(self.blur() + turn / 360 * self._ring_full())
            return
        if isinstance(o, (bm.SpinBlur, bm.PathBlur)):
            self._set(self._motion_drag(what, index, start, o, p))
            return
        if what == "pin":
            pins = list(o.pins)
            x, y, b = pins[index]
            pins[index] = (x + dx, y + dy, b)
            self._set(replace(o, pins=tuple(pins)))
        elif what == "move":
            self._set(replace(o, cx=o.cx + dx, cy=o.cy + dy))
        elif isinstance(o, bg.IrisBlur):
            self._set(self._iris_drag(o, what, p))
        else:
            self._set(self._tilt_drag(o, what, p))

    @staticmethod
    def _iris_drag(o: bg.IrisBlur, what: str, p: QPointF) -> bg.IrisBlur:
        vx, vy = p.x() - o.cx, p.y() - o.cy
        r = max(2.0, math.hypot(vx, vy))
        pointing = math.degrees(math.atan2(vy, vx))  # the pointer's direction from the centre
        if what in ("x+", "x-", "y+", "y-"):
            # That radius follows the pointer, the ellipse turning with it.
            turn = {"x+": 0, "x-": 180, "y+": 90, "y-": -90}[what]
            angle = (pointing - turn + 180) % 360 - 180
            return replace(o, angle=angle, **({"rx": r} if what[0] == "x" else {"ry": r}))
        a = math.radians(o.angle)
        u = (vx * math.cos(a) + vy * math.sin(a)) / max(o.rx, 1e-3)
        v = (-vx * math.sin(a) + vy * math.cos(a)) / max(o.ry, 1e-3)
        d = math.hypot(u, v)
        if what == "scale":  # the outline through the pointer, proportions kept
            return replace(o, rx=max(2.0, o.rx * d), ry=max(2.0, o.ry * d))
        return replace(o, feather=min(0.98, max(0.02, d)))  # a feather handle

    @staticmethod
    def _tilt_drag(o: bg.TiltShift, what: str, p: QPointF) -> bg.TiltShift:
        vx, vy = p.x() - o.cx, p.y() - o.cy
        nx, ny = _rotate(0, 1, o.angle)
        t = abs(vx * nx + vy * ny)
        if what == "sharp":
            return replace(o, sharp=max(0.0, t))
        if what == "fade":
            return replace(o, fade=max(1.0, t - o.sharp))
        # A turn handle: the normal through it points at the pointer.
        pointing = math.degrees(math.atan2(vy, vx))
        angle = pointing - (90 if what == "turn+" else -90)
        return replace(o, angle=(angle + 180) % 360 - 180)

    def release(self, canvas, ev) -> None:
        if self._drag is not None:
            self._motion_release(canvas, self._drag)
            if self._steps and self._steps[-1] == (self.op, self.selected):
                self._steps.pop()  # a click that changed nothing: no step
            self._drag = None
            canvas.update()  # the preview at its full size again

    def double_click(self, canvas, ev) -> bool:
        # On a pin or inside the controls (Field's quick clicks elsewhere add pins).
        if self._hit(canvas, ev.pos, ev.image)[0] not in ("pin", "move", "point", "line"):
            return False
        self.manager.end_mode(commit=True)
        return True

    def claims_key(self, canvas, e) -> bool:
        return e.key() in _DELETE_KEYS and \
            isinstance(self.op, (bg.FieldBlur, bm.SpinBlur, bm.PathBlur))

    def key_press(self, canvas, e) -> bool:
        key = e.key()
        if self._ends_mode(key):
            return True
        if key in _DELETE_KEYS and isinstance(self.op, bg.FieldBlur):
            if self.selected is not None and len(self.op.pins) > 1:
                pins = self.op.pins[:self.selected] + self.op.pins[self.selected + 1:]
                self.selected = len(pins) - 1
                self._set(replace(self.op, pins=pins))
            return True
        if key in _DELETE_KEYS and isinstance(self.op, (bm.SpinBlur, bm.PathBlur)):
            self._delete_selected()
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        what, _ = self._hit(canvas, ev.pos, ev.image)
        if what in ("pin", "move", "point", "line"):
            return QCursor(Qt.CursorShape.SizeAllCursor)
        if what in ("none",):
            return QCursor(Qt.CursorShape.ArrowCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- the live preview ---------------------------------------------------------------
    def _small(self, size: int) -> tuple[np.ndarray, Optional[np.ndarray], float]:
        """The layer as drawn, scaled to fit `size` (made once), the selection's coverage
        over it likewise (None: none), and the scale."""
        if size not in self._smalls:
            import cv2

            content = self._content
            h, w = content.shape[:2]
            r = min(1.0, size / max(w, h))
            dims = (max(1, round(w * r)), max(1, round(h * r)))
            small = content if r == 1.0 else cv2.resize(content, dims,
                                                        interpolation=cv2.INTER_AREA)
            coverage = None
            t = self.target
            if t.selection is not None:
                box = t.bounds()
                full = np.zeros((box.h, box.w), np.uint8)
                inter = box.intersect(Box(0, 0, t.selection.shape[1], t.selection.shape[0]))
                if not inter.is_empty():
                    full[inter.translate(-box.x, -box.y).slices()] = t.selection[inter.slices()]
                coverage = full if r == 1.0 else cv2.resize(full, dims,
                                                            interpolation=cv2.INTER_AREA)
            self._smalls[size] = (np.ascontiguousarray(small), coverage, small.shape[1] / w)
        return self._smalls[size]

    def _picture(self) -> tuple[Optional[Pyramid], QTransform]:
        """The layer blurred by the current settings at the preview's size, and where it
        goes (small copy -> canvas); kept while the settings and size are the same."""
        size = DRAG_SIZE if self._drag is not None else PREVIEW_SIZE
        if self._shown is not None and self._shown[:2] == (self.op, size):
            return self._shown[2], self._shown[3]
        content = self._content if self._preview is not None else None
        if content is None or content.size == 0 or self.target.on_mask:
            return None, QTransform()
        small, coverage, r = self._small(size)
        x, y = self._origin
        op = self.op.scaled(r, -x, -y)
        box = Box(0, 0, small.shape[1], small.shape[0])
        out = op.process(small, box, box, coverage)
        placement = QTransform.fromScale(1 / r, 1 / r) * QTransform.fromTranslate(x, y)
        pyramid = Pyramid.from_qimage(premultiplied(out))
        self._shown = (self.op, size, pyramid, placement)
        return pyramid, placement

    def paints_content(self, canvas) -> bool:
        return self._preview is not None and canvas is self._canvas

    def paint_content(self, canvas, painter: QPainter, area: QRectF) -> None:
        pyramid, placement = self._picture()
        self._preview.paint(canvas, painter, area, placement if pyramid is not None
                            else QTransform.fromTranslate(self.layer.x, self.layer.y),
                            smooth=True, pixels=pyramid)

    # -- the controls drawn over the canvas ---------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        o = self.op
        if isinstance(o, bg.FieldBlur):
            for i, (x, y, _b) in enumerate(o.pins):
                self._paint_pin(painter, self._w(canvas, x, y), i == self.selected)
        elif isinstance(o, bm.SpinBlur):
            self._paint_spins(canvas, painter)
        elif isinstance(o, bm.PathBlur):
            self._paint_paths(canvas, painter)
        elif isinstance(o, bg.IrisBlur):
            self._paint_iris(canvas, painter, o)
        else:
            self._paint_tilt(canvas, painter, o)
        ring = self._ring_centre()
        if ring is not None:
            self._paint_ring(painter, self._w(canvas, *ring))
        painter.restore()

    def _paint_ring(self, painter: QPainter, p: QPointF) -> None:
        """The blur ring: a thin circle, its arc from 12 o'clock clockwise the blur."""
        rect = QRectF(p.x() - RING, p.y() - RING, 2 * RING, 2 * RING)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(0, 0, 0, 110), 5))
        painter.drawEllipse(rect)
        painter.setPen(QPen(QColor(255, 255, 255, 150), 2))
        painter.drawEllipse(rect)
        span = min(1.0, self.blur() / self._ring_full()) * 360
        painter.setPen(QPen(QColor("#ffffff"), 3.5))
        painter.drawArc(rect, 90 * 16, -round(span * 16))  # (Qt: 1/16 degree, anticlockwise)

    @staticmethod
    def _pen(painter: QPainter, style=Qt.PenStyle.SolidLine) -> None:
        """A white line over a darker one, seen on any picture."""
        pen = QPen(QColor(255, 255, 255, 230), 1.5)
        pen.setStyle(style)
        painter.setPen(pen)

    @staticmethod
    def _shadowed(painter: QPainter, draw, style=Qt.PenStyle.SolidLine) -> None:
        shadow = QPen(QColor(0, 0, 0, 110), 3.5)
        shadow.setStyle(style)
        painter.setPen(shadow)
        draw()
        BlurGalleryTool._pen(painter, style)
        draw()

    def _paint_pin(self, painter: QPainter, p: QPointF, selected: bool) -> None:
        """Photoshop's blur pin: a ring round a dot (the selected one filled)."""
        painter.setPen(QPen(QColor(0, 0, 0, 160), 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(p, PIN, PIN)
        painter.setPen(QPen(QColor("#ffffff"), 1.5))
        painter.drawEllipse(p, PIN, PIN)
        painter.setBrush(QColor("#4d8fe8") if selected else QColor("#ffffff"))
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
        painter.drawEllipse(p, 3.0, 3.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_iris(self, canvas, painter: QPainter, o: bg.IrisBlur,
                    selected: bool = True) -> None:
        """The ellipse, its sharp region's (a spin's full blur's) dotted edge and, when
        `selected`, its handles; its centre pin."""
        # The ellipse in canvas coordinates, turned, then mapped to the widget.
        centre = self._w(canvas, o.cx, o.cy)
        scale = canvas.zoom / canvas.devicePixelRatioF()
        t = QTransform().translate(centre.x(), centre.y()).rotate(o.angle).scale(scale, scale)
        painter.save()
        painter.setTransform(t, True)
        ellipse = QRectF(-o.rx, -o.ry, 2 * o.rx, 2 * o.ry)
        inner = QRectF(-o.rx * o.feather, -o.ry * o.feather, 2 * o.rx * o.feather,
                       2 * o.ry * o.feather)
        for pen in (QPen(QColor(0, 0, 0, 110), 3.5 / scale),
                    QPen(QColor(255, 255, 255, 230), 1.5 / scale)):
            painter.setPen(pen)
            painter.drawEllipse(ellipse)
        dashed = QPen(QColor(255, 255, 255, 150), 1.0 / scale)
        dashed.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(dashed)
        painter.drawEllipse(inner)  # where the sharp region ends
        painter.restore()
        if not selected:
            self._paint_pin(painter, centre, False)
            return
        points = {k: self._w(canvas, *v) for k, v in self._iris_points(o).items()}
        painter.setPen(QPen(QColor(0, 0, 0, 180), 1))
        painter.setBrush(QColor("#ffffff"))
        for name, p in points.items():
            if name.startswith("f"):
                painter.drawEllipse(p, 4.0, 4.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        paint_handles(painter, [p for k, p in points.items() if not k.startswith("f")], HANDLE)
        self._paint_pin(painter, centre, True)

    def _paint_tilt(self, canvas, painter: QPainter, o: bg.TiltShift) -> None:
        canvas_box = canvas.doc.canvas
        reach = 2 * math.hypot(canvas_box.w, canvas_box.h) + 2 * math.hypot(o.cx, o.cy)
        ux, uy = _rotate(1, 0, o.angle)
        nx, ny = _rotate(0, 1, o.angle)

        def line(offset: float) -> QLineF:
            x, y = o.cx + nx * offset, o.cy + ny * offset
            return QLineF(self._w(canvas, x - ux * reach, y - uy * reach),
                          self._w(canvas, x + ux * reach, y + uy * reach))

        for side in (1, -1):
            solid, dashed = line(side * o.sharp), line(side * (o.sharp + o.fade))
            self._shadowed(painter, lambda: painter.drawLine(solid))
            self._shadowed(painter, lambda: painter.drawLine(dashed), Qt.PenStyle.DashLine)
        paint_handles(painter, [self._w(canvas, *p) for p in self._tilt_handles().values()],
                      HANDLE)
        self._paint_pin(painter, self._w(canvas, o.cx, o.cy), True)

    # -- options bar --------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(QLabel(self.label))
        row.addSpacing(8)
        if self.kind == "path_blur":
            self._path_fields(row)
        else:
            spin = self.kind == "spin_blur"
            name = QLabel("Blur Angle" if spin else "Blur")
            name.setObjectName("Dim")
            row.addWidget(name)
            field = QSpinBox()
            field.setObjectName("BlurGallery_blur")
            field.setRange(0, 360 if spin else int(bg.MAX_BLUR))
            field.setSuffix("°" if spin else " px")
            field.setFixedWidth(84)
            field.setValue(round(self.blur()))
            field.setToolTip({"field_blur": "The blur (px): the selected pin's",
                              "spin_blur": "The selected spin's Blur Angle (degrees)"}.get(
                                  self.kind, "The blur (px) beyond the sharp region's fade"))
            field.valueChanged.connect(self._typed_blur)
            row.addWidget(field)
            self._blur_field = field
        hints = {"field_blur": "Click to add a pin, drag to move it; Delete removes it",
                 "iris_blur": "Drag the squares to size and turn, the dots to feather",
                 "tilt_shift": "Drag the solid lines, the dashed lines, the squares to turn",
                 "spin_blur": "Click to add a spin (Alt+drag a centre: a copy); the squares "
                              "size and turn it, the dots feather it; Delete removes it",
                 "path_blur": "Drag to draw a path; drag its points to shape it; click its "
                              "line to add a point, drag it to move it; Delete removes it"}
        hint = QLabel(hints[self.kind])
        hint.setObjectName("Dim")
        row.addSpacing(12)
        row.addWidget(hint)
        row.addStretch(1)
        for name, tip, commit in (("cancel", "Cancel the blur (Esc)", False),
                                  ("check", "Apply the blur (Enter)", True)):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setObjectName(f"BlurGallery{'OK' if commit else 'Cancel'}")
            button.clicked.connect(lambda _=False, c=commit: self.manager.end_mode(commit=c))
            row.addWidget(button)
        return w
