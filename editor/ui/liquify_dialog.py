"""Filter > Liquify's dialog: the active layer, painted with a warping brush.

The layer (where the canvas and it are, reduced to fit VIEW_SIZE when large, enlarged
by a whole factor when small) is shown over a checkerboard as the field (`liquify.Mesh`,
one grid cell per pixel shown) moves it, redrawn at each dab: the live preview. The
tools are Photoshop's Forward Warp (W), Reconstruct (R), Smooth (E), Twirl Clockwise (C;
with Alt held, counter-clockwise), Pucker (S), Bloat (B), Push Left (O; Alt pushes right),
Freeze Mask (F) and Thaw Mask (D): the
mask, shown as a red tint, protects the cells under it from the other tools (Mask:
None, Mask All, Invert All; it lives in the dialog only, as Photoshop's does). Brush
Size ([ and ] too), Density (the brush's soft edge), Pressure (how far a dab goes) and
Rate (how fast the tools that work while the mouse is held still go); Restore All takes
the field back to nothing. The view zooms about the pointer (Ctrl+= / Ctrl+-, the
wheel; through Photoshop's zoom levels) and pans (Space+drag, the middle button); the
brush works in canvas points at any zoom. The document is not touched while
the dialog is open: OK hands the field to the Filter menu's one path (`filter_commands`),
Cancel leaves nothing.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QCursor, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QPushButton, QSizePolicy, QSlider, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model import filter_ops, liquify

from .canvas import checker_image
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

VIEW_SIZE = (960, 680)   # the view's largest size (px): larger layers are reduced to fit
ZOOM_MAX = 8             # a small layer is enlarged by at most this whole factor
TICK_MS = 40             # the tools that work while the mouse is held still: how often
HELD = ("reconstruct", "smooth", "twirl", "pucker", "bloat")
# Photoshop's zoom levels (screen pixels per canvas pixel) that the view steps through.
ZOOMS = (0.05, 0.0625, 0.0833, 0.125, 0.1667, 0.25, 0.3333, 0.5, 0.6667, 1.0, 2.0, 3.0,
         4.0, 5.0, 6.0, 7.0, 8.0, 12.0, 16.0, 24.0, 32.0)
FREEZE_TINT = (255, 0, 0, 128)  # the freeze mask's red at full strength (RGBA)
# (tool, label, key, tip) in Photoshop's order.
TOOLS = (("warp", "Forward Warp", "W", "Pushes pixels along the drag"),
         ("reconstruct", "Reconstruct", "R", "Brings the pixels back towards the original"),
         ("smooth", "Smooth", "E", "Evens out kinks and ripples of the warps under the brush"),
         ("twirl", "Twirl Clockwise", "C",
          "Turns the pixels under the brush clockwise while held (Alt: counter-clockwise)"),
         ("pucker", "Pucker", "S", "Draws pixels towards the brush's centre"),
         ("bloat", "Bloat", "B", "Pushes pixels away from the brush's centre"),
         ("push_left", "Push Left", "O",
          "Pushes pixels left when dragged up, right when dragged down (Alt: the other way)"),
         ("freeze", "Freeze Mask", "F", "Protects the pixels painted from the other tools"),
         ("thaw", "Thaw Mask", "D", "Takes the freeze mask away where painted"))
# (option, label, low, high, default, suffix): Photoshop's defaults.
OPTIONS = (("size", "Brush Size", 1, 5000, 100, " px"),
           ("density", "Brush Density", 0, 100, 50, ""),
           ("pressure", "Brush Pressure", 1, 100, 100, ""),
           ("rate", "Brush Rate", 0, 100, 80, ""))


class LiquifyView(QWidget):
    """The layer as the field moves it; the brush paints on it."""

    def __init__(self, dialog: "LiquifyDialog", picture: np.ndarray, zoom: int):
        super().__init__(dialog)
        self.setObjectName("LiquifyView")
        # zoom: screen pixels per grid cell; origin: where the grid's corner is drawn (both
        # change as the view zooms and pans; the widget keeps its size).
        self.dialog, self.zoom, self.origin = dialog, float(zoom), QPointF(0, 0)
        self.pre = liquify.premultiplied(np.ascontiguousarray(picture))
        h, w = picture.shape[:2]
        self.setFixedSize(QSize(w * zoom, h * zoom))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Space (to pan) comes here
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image: Optional[QImage] = None  # the warped picture, redrawn when stale
        self._tint: Optional[QImage] = None  # the freeze mask in red, redrawn when stale
        self.pointer: Optional[QPointF] = None
        self._space = False  # Space held: the left button pans
        self._pan: Optional[QPointF] = None  # the pointer where a pan last was
        self._wheel = 0  # wheel turns not yet a whole notch
        self._checker = QBrush(checker_image(16))

    def changed(self) -> None:
        self._image = None
        self.update()

    def mask_changed(self) -> None:
        self._tint = None
        self.update()

    def percent(self) -> float:
        """The zoom as Photoshop gives it: screen pixels per canvas pixel, in per cent."""
        return 100.0 * self.zoom * self.dialog.mesh.sx

    def zoom_step(self, steps: int, about: Optional[QPointF] = None) -> None:
        """To the next (steps > 0) or previous of Photoshop's zoom levels, the canvas point
        under `about` (the view's centre by default) staying where it is."""
        now = self.percent() / 100.0
        if steps > 0:
            bigger = [z for z in ZOOMS if z > now * 1.001]
            level = bigger[min(steps, len(bigger)) - 1] if bigger else now
        else:
            smaller = [z for z in ZOOMS if z < now * 0.999]
            level = smaller[-min(-steps, len(smaller))] if smaller else now
        self.set_zoom(level / self.dialog.mesh.sx, about)

    def set_zoom(self, zoom: float, about: Optional[QPointF] = None) -> None:
        about = QPointF(self.rect().center()) if about is None else QPointF(about)
        factor = zoom / self.zoom
        self.origin = about - (about - self.origin) * factor
        self.zoom = zoom
        self.dialog.zoom_changed()
        self.update()

    def _drawn(self) -> QRectF:
        h, w = self.pre.shape[:2]
        return QRectF(self.origin.x(), self.origin.y(), w * self.zoom, h * self.zoom)

    def shown(self) -> np.ndarray:
        """The warped picture as shown (straight RGBA, one pixel per grid cell)."""
        return self.dialog.mesh.warped(self.pre)

    def paintEvent(self, event) -> None:
        if self._image is None:
            pixels = np.ascontiguousarray(self.shown())
            h, w = pixels.shape[:2]
            self._image = QImage(pixels.data, w, h, pixels.strides[0],
                                 QImage.Format.Format_RGBA8888).copy()
        freeze = self.dialog.mesh.freeze
        if self._tint is None and freeze.any():
            tint = np.empty(freeze.shape + (4,), np.uint8)
            tint[...] = FREEZE_TINT
            tint[..., 3] = (freeze * FREEZE_TINT[3] + 0.5).astype(np.uint8)
            h, w = tint.shape[:2]
            self._tint = QImage(tint.data, w, h, tint.strides[0],
                                QImage.Format.Format_RGBA8888).copy()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(128, 128, 128))  # beyond the canvas, zoomed out
        drawn = self._drawn()
        p.fillRect(drawn, self._checker)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom < 1.0)
        p.drawImage(drawn, self._image)
        if self._tint is not None and freeze.any():
            p.drawImage(drawn, self._tint)
        if self.pointer is not None:  # the brush's outline, black over white
            radius = self.dialog.value("size") / 2 * self.dialog.mesh.sx * self.zoom
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            for colour, width in ((QColor(255, 255, 255, 200), 3), (QColor(0, 0, 0), 1)):
                p.setPen(QPen(colour, width))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawEllipse(self.pointer, radius, radius)
        p.end()

    def canvas_point(self, pos: QPointF) -> tuple[float, float]:
        """Widget point -> canvas point (continuous)."""
        mesh = self.dialog.mesh
        return (mesh.box.x + (pos.x() - self.origin.x()) / self.zoom / mesh.sx,
                mesh.box.y + (pos.y() - self.origin.y()) / self.zoom / mesh.sy)

    def widget_point(self, x: float, y: float) -> QPointF:
        """Canvas point -> widget point (`canvas_point`'s inverse)."""
        mesh = self.dialog.mesh
        return QPointF(self.origin.x() + (x - mesh.box.x) * mesh.sx * self.zoom,
                       self.origin.y() + (y - mesh.box.y) * mesh.sy * self.zoom)

    def _reverse(self, event) -> bool:
        return bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)

    def mousePressEvent(self, event) -> None:
        self.setFocus()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or \
                (button == Qt.MouseButton.LeftButton and self._space):
            self._pan = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif button == Qt.MouseButton.LeftButton:
            self.dialog.press(self.canvas_point(event.position()), self._reverse(event))
        self.pointer = event.position()
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._pan is not None:
            self.origin += event.position() - self._pan
            self._pan = event.position()
        elif event.buttons() & Qt.MouseButton.LeftButton:
            self.dialog.move_to(self.canvas_point(event.position()), self._reverse(event))
        self.pointer = event.position()
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._pan is not None:
            if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
                self._pan = None
                self.setCursor(Qt.CursorShape.OpenHandCursor if self._space
                               else Qt.CursorShape.CrossCursor)
        elif event.button() == Qt.MouseButton.LeftButton:
            self.dialog.release()

    def wheelEvent(self, event) -> None:
        # One notch (120), one zoom level, about the pointer; a touchpad's small turns add up.
        self._wheel += event.angleDelta().y()
        steps = int(self._wheel / 120)
        if steps:
            self._wheel -= steps * 120
            self.zoom_step(steps, event.position())
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = False
                if self._pan is None:
                    self.setCursor(Qt.CursorShape.CrossCursor)
            return
        super().keyReleaseEvent(event)

    def leaveEvent(self, event) -> None:
        self.pointer = None
        self.update()


def view_size(box_w: int, box_h: int) -> tuple[tuple[int, int], int]:
    """The grid's size (w, h) for a box and the whole factor it is enlarged by on screen."""
    scale = min(1.0, VIEW_SIZE[0] / box_w, VIEW_SIZE[1] / box_h)
    if scale < 1.0:
        return (max(1, round(box_w * scale)), max(1, round(box_h * scale))), 1
    zoom = int(max(1, min(ZOOM_MAX, VIEW_SIZE[0] // box_w, VIEW_SIZE[1] // box_h)))
    return (box_w, box_h), zoom


class LiquifyDialog(QDialog):
    def __init__(self, window: "EditorWindow", target: filter_ops.Target):
        import cv2

        super().__init__(window)
        self.setObjectName("LiquifyDialog")
        self.setWindowTitle("Liquify")
        self.target = target
        # What is painted on: the canvas, as Photoshop shows it (a small layer's pixels may
        # be pushed out over it; the layer grows to hold them).
        box = window.doc.canvas
        size, zoom = view_size(box.w, box.h)
        self.mesh = liquify.Mesh(box, size)
        picture = target.crop(box)
        if size != (box.w, box.h):
            picture = cv2.resize(picture, size, interpolation=cv2.INTER_AREA)
        self.view = LiquifyView(self, picture, zoom)
        self.tool = "warp"
        self._last: Optional[tuple[float, float]] = None  # the brush while the mouse is down
        self._reverse = False  # Alt held with the mouse: Twirl counter-clockwise, push right
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._held)

        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 0, Qt.AlignmentFlag.AlignTop)
        side = QVBoxLayout()
        layout.addLayout(side)
        side.addWidget(QLabel("Tools"))
        self.tools = QButtonGroup(self)
        for i, (tool, label, key, tip) in enumerate(TOOLS):
            button = QToolButton()
            button.setObjectName(f"Liquify_{tool}")
            button.setText(f"{label} ({key})")
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setChecked(tool == self.tool)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.tools.addButton(button, i)
            side.addWidget(button)
            QShortcut(QKeySequence(key), self, activated=button.click)
        self.tools.idClicked.connect(lambda i: setattr(self, "tool", TOOLS[i][0]))
        side.addSpacing(8)
        side.addWidget(QLabel("Brush Tool Options"))
        form = QFormLayout()
        self.spins: dict[str, QSpinBox] = {}
        for key, label, low, high, default, suffix in OPTIONS:
            form.addRow(label, self._option_row(key, low, high, default, suffix))
        side.addLayout(form)
        QShortcut(QKeySequence("]"), self, activated=lambda: self._resize_brush(1.25))
        QShortcut(QKeySequence("["), self, activated=lambda: self._resize_brush(0.8))
        restore = QPushButton("Restore All")
        restore.setObjectName("LiquifyRestoreAll")
        restore.setToolTip("Takes every warp back")
        restore.clicked.connect(self.restore_all)
        side.addWidget(restore)
        side.addSpacing(8)
        side.addWidget(QLabel("Mask Options"))
        masks = QHBoxLayout()
        for name, label, tip, do in (
                ("None", "None", "Thaws the whole mask", self.mesh.clear_mask),
                ("MaskAll", "Mask All", "Freezes everything", self.mesh.mask_all),
                ("InvertAll", "Invert All", "Frozen thaws, thawed freezes",
                 self.mesh.invert_all)):
            button = QPushButton(label)
            button.setObjectName(f"LiquifyMask{name}")
            button.setToolTip(tip)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, do=do: self._mask(do))
            masks.addWidget(button)
        side.addLayout(masks)
        self._about = f"{target.layer.name}: {box.w} x {box.h} px"
        self.note = note = QLabel()
        note.setObjectName("LiquifyNote")
        note.setWordWrap(True)
        side.addWidget(note)
        self.zoom_changed()
        for keys, steps in (("Ctrl+=", 1), ("Ctrl++", 1), ("Ctrl+-", -1)):
            QShortcut(QKeySequence(keys), self, activated=lambda s=steps: self._zoom_key(s))
        restore.setAutoDefault(False)
        self.view.setFocus()  # Space pans from the start (a focused button would click)
        side.addStretch(1)
        side.addWidget(ok_cancel(self))

    def _option_row(self, key, low, high, default, suffix) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setObjectName(f"Liquify_{key}_slider")
        slider.setMinimumWidth(120)
        spin = QSpinBox()
        spin.setObjectName(f"Liquify_{key}")
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setFixedWidth(90)
        wide = high > 1000  # Brush Size: a square-root slider, finer where brushes are small

        def to_slider(v):
            t = (v - low) / (high - low)
            return round(1000 * (math.sqrt(t) if wide else t))

        def from_slider(i):
            t = i / 1000
            return int(round(low + (t * t if wide else t) * (high - low)))

        slider.setRange(0, 1000)
        slider.valueChanged.connect(
            lambda i: None if to_slider(spin.value()) == i else spin.setValue(from_slider(i)))
        spin.valueChanged.connect(lambda v: slider.setValue(to_slider(v)))
        spin.setValue(default)
        slider.setValue(to_slider(default))
        line.addWidget(slider, 1)
        line.addWidget(spin)
        self.spins[key] = spin
        return row

    def zoom_changed(self) -> None:
        self.note.setText(f"{self._about}; zoom {self.view.percent():.4g} %")

    def _zoom_key(self, steps: int) -> None:
        """Ctrl+= / Ctrl+-: about the pointer when it is over the view, else its centre."""
        pointer = self.view.mapFromGlobal(QCursor.pos())
        inside = self.view.rect().contains(pointer)
        self.view.zoom_step(steps, QPointF(pointer) if inside else None)

    def _mask(self, do) -> None:
        do()
        self.view.mask_changed()

    def value(self, key: str) -> int:
        return self.spins[key].value()

    def _resize_brush(self, factor: float) -> None:
        spin = self.spins["size"]
        spin.setValue(max(spin.value() + (1 if factor > 1 else -1), round(spin.value() * factor)))
        self.view.update()

    # -- painting -------------------------------------------------------------------------

    def press(self, at: tuple[float, float], reverse: bool = False) -> None:
        self._last, self._reverse = at, reverse
        if self.tool not in ("warp", "push_left"):
            self._dab(at, self.value("pressure"))
            if self.tool in HELD:
                self._tick.start()

    def move_to(self, at: tuple[float, float], reverse: bool = False) -> None:
        if self._last is None:
            return
        self._reverse = reverse
        self.mesh.stroke(self.tool, self._last, at, self.value("size"), self.value("pressure"),
                         self.value("density"), reverse)
        self._last = at
        self._changed()

    def _changed(self) -> None:
        if self.tool in ("freeze", "thaw"):
            self.view.mask_changed()
        else:
            self.view.changed()

    def release(self) -> None:
        self._last = None
        self._tick.stop()

    def _held(self) -> None:
        """Reconstruct, Smooth, Twirl, Pucker and Bloat go on where the mouse is held (Brush
        Rate)."""
        if self._last is not None and self.value("rate") > 0:
            self._dab(self._last, self.value("pressure") * self.value("rate") / 100)

    def _dab(self, at, strength: float) -> None:
        self.mesh.dab(self.tool, at, self.value("size"), strength, self.value("density"),
                      self._reverse)
        self._changed()

    def restore_all(self) -> None:
        self.mesh.restore_all()
        self.view.changed()

    def operation(self) -> liquify.Liquify:
        """The filter of what has been painted (a copy of the field)."""
        return self.mesh.frozen()

    def done(self, result: int) -> None:
        self.release()
        super().done(result)
