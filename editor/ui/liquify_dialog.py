"""Filter > Liquify's dialog: the active layer, painted with a warping brush.

The layer (where the canvas and it are, reduced to fit VIEW_SIZE when large, enlarged
by a whole factor when small) is shown over a checkerboard as the field (`liquify.Mesh`,
one grid cell per pixel shown) moves it, redrawn at each dab: the live preview. The
tools are Photoshop's Forward Warp (W), Reconstruct (R), Pucker (S) and Bloat (B);
Brush Size ([ and ] too), Density (the brush's soft edge), Pressure (how far a dab
goes) and Rate (how fast Reconstruct, Pucker and Bloat work while the mouse is held
still); Restore All takes the field back to nothing. The document is not touched while
the dialog is open: OK hands the field to the Filter menu's one path (`filter_commands`),
Cancel leaves nothing.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QPushButton, QSizePolicy, QSlider, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model import filter_ops, liquify

from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow

VIEW_SIZE = (960, 680)   # the view's largest size (px): larger layers are reduced to fit
ZOOM_MAX = 8             # a small layer is enlarged by at most this whole factor
TICK_MS = 40             # Reconstruct, Pucker and Bloat while the mouse is held still
# (tool, label, key, tip) in Photoshop's order.
TOOLS = (("warp", "Forward Warp", "W", "Pushes pixels along the drag"),
         ("reconstruct", "Reconstruct", "R", "Brings the pixels back towards the original"),
         ("pucker", "Pucker", "S", "Draws pixels towards the brush's centre"),
         ("bloat", "Bloat", "B", "Pushes pixels away from the brush's centre"))
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
        self.dialog, self.zoom = dialog, zoom
        self.pre = liquify.premultiplied(np.ascontiguousarray(picture))
        h, w = picture.shape[:2]
        self.setFixedSize(QSize(w * zoom, h * zoom))
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image: Optional[QImage] = None  # the warped picture, redrawn when stale
        self.pointer: Optional[QPointF] = None
        self._checker = QBrush(_checker())

    def changed(self) -> None:
        self._image = None
        self.update()

    def shown(self) -> np.ndarray:
        """The warped picture as shown (straight RGBA, one pixel per grid cell)."""
        return self.dialog.mesh.warped(self.pre)

    def paintEvent(self, event) -> None:
        if self._image is None:
            pixels = np.ascontiguousarray(self.shown())
            h, w = pixels.shape[:2]
            self._image = QImage(pixels.data, w, h, pixels.strides[0],
                                 QImage.Format.Format_RGBA8888).copy()
        p = QPainter(self)
        p.fillRect(self.rect(), self._checker)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom == 1)
        p.drawImage(QRectF(self.rect()), self._image)
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
        return (mesh.box.x + pos.x() / self.zoom / mesh.sx,
                mesh.box.y + pos.y() / self.zoom / mesh.sy)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.dialog.press(self.canvas_point(event.position()))
        self.pointer = event.position()
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.dialog.move_to(self.canvas_point(event.position()))
        self.pointer = event.position()
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.dialog.release()

    def leaveEvent(self, event) -> None:
        self.pointer = None
        self.update()


def _checker() -> QImage:
    image = QImage(16, 16, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.fillRect(0, 0, 8, 8, QColor("#cfcfcf"))
    p.fillRect(8, 8, 8, 8, QColor("#cfcfcf"))
    p.end()
    return image


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
        note = QLabel(f"{target.layer.name}: {box.w} x {box.h} px"
                      + ("" if size == (box.w, box.h) else
                         f", shown at {round(100 * size[0] / box.w)} %"))
        note.setObjectName("LiquifyNote")
        note.setWordWrap(True)
        side.addWidget(note)
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

    def value(self, key: str) -> int:
        return self.spins[key].value()

    def _resize_brush(self, factor: float) -> None:
        spin = self.spins["size"]
        spin.setValue(max(spin.value() + (1 if factor > 1 else -1), round(spin.value() * factor)))
        self.view.update()

    # -- painting -------------------------------------------------------------------------

    def press(self, at: tuple[float, float]) -> None:
        self._last = at
        if self.tool != "warp":
            self._dab(at, self.value("pressure"))
            self._tick.start()

    def move_to(self, at: tuple[float, float]) -> None:
        if self._last is None:
            return
        self.mesh.stroke(self.tool, self._last, at, self.value("size"), self.value("pressure"),
                         self.value("density"))
        self._last = at
        self.view.changed()

    def release(self) -> None:
        self._last = None
        self._tick.stop()

    def _held(self) -> None:
        """Reconstruct, Pucker and Bloat go on where the mouse is held (Brush Rate)."""
        if self._last is not None and self.value("rate") > 0:
            self._dab(self._last, self.value("pressure") * self.value("rate") / 100)

    def _dab(self, at, strength: float) -> None:
        self.mesh.dab(self.tool, at, self.value("size"), strength, self.value("density"))
        self.view.changed()

    def restore_all(self) -> None:
        self.mesh.restore_all()
        self.view.changed()

    def operation(self) -> liquify.Liquify:
        """The filter of what has been painted (a copy of the field)."""
        return self.mesh.frozen()

    def done(self, result: int) -> None:
        self.release()
        super().done(result)
