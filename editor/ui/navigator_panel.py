"""The Navigator panel (Window > Navigator, as in Photoshop): a thumbnail of the
document with a red rectangle round the part the canvas shows. Dragging the rectangle
(or pressing elsewhere on the thumbnail, which centres it there) pans the view; below,
zoom out and in buttons (View > Zoom Out / Zoom In), a zoom slider (logarithmic, from
the smallest to the largest zoom) and a zoom field (type a percentage, Enter).

The thumbnail is read from the screen composite the canvas keeps (strided, about twice
the pixels it needs, then smoothed), never recomposited; after edits it is made again at
most every THUMB_DELAY_MS (as the Layers panel's thumbnails), and the rectangle follows
every pan and zoom at once.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout, QWidget)

from .canvas import MAX_ZOOM, MIN_ZOOM
from .view_commands import parse_zoom

if TYPE_CHECKING:
    from .session import DocumentSession
    from .window_api import EditorWindow

THUMB_DELAY_MS = 250
SLIDER_STEPS = 1000
VIEW_COLOR = QColor("#e0302a")  # Photoshop's red proxy rectangle
BACKDROP = QColor("#202225")
MARGIN = 6


def zoom_to_slider(zoom: float) -> int:
    span = math.log(MAX_ZOOM / MIN_ZOOM)
    return round(SLIDER_STEPS * math.log(max(MIN_ZOOM, min(MAX_ZOOM, zoom)) / MIN_ZOOM) / span)


def slider_to_zoom(value: int) -> float:
    return MIN_ZOOM * (MAX_ZOOM / MIN_ZOOM) ** (value / SLIDER_STEPS)


class NavigatorView(QWidget):
    """The thumbnail and the view's rectangle; presses and drags pan the canvas."""

    def __init__(self, panel: "NavigatorPanel"):
        super().__init__()
        self.panel = panel
        self.setObjectName("NavigatorView")
        self.setMinimumSize(100, 60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.thumbnail: Optional[QImage] = None
        self._grab: Optional[QPointF] = None  # image point under the pointer, minus the view's centre

    # -- where the thumbnail is ----------------------------------------------------------
    def placement(self) -> Optional[tuple[float, QPointF]]:
        """(widget px per image px, widget position of image (0, 0)) of the thumbnail."""
        canvas = self.panel.canvas
        if canvas is None:
            return None
        doc = canvas.doc
        s = min((self.width() - 2 * MARGIN) / doc.width, (self.height() - 2 * MARGIN) / doc.height)
        s = max(s, 1e-6)
        return s, QPointF((self.width() - doc.width * s) / 2, (self.height() - doc.height * s) / 2)

    def to_image(self, pos: QPointF) -> QPointF:
        s, at = self.placement()
        return QPointF((pos.x() - at.x()) / s, (pos.y() - at.y()) / s)

    def view_rect(self) -> Optional[QRectF]:
        """The canvas' view on the thumbnail (widget px; unclipped)."""
        placed = self.placement()
        canvas = self.panel.canvas
        if placed is None:
            return None
        s, at = placed
        a = canvas.widget_to_image(QPointF(0, 0))
        b = canvas.widget_to_image(QPointF(canvas.width(), canvas.height()))
        return QRectF(at.x() + a.x() * s, at.y() + a.y() * s, (b.x() - a.x()) * s, (b.y() - a.y()) * s)

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), BACKDROP)
        placed = self.placement()
        if placed is None:
            return
        s, at = placed
        doc = self.panel.canvas.doc
        target = QRectF(at.x(), at.y(), doc.width * s, doc.height * s)
        p.fillRect(target, QColor("#ffffff"))  # where the document is transparent
        if self.thumbnail is not None:
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(target, self.thumbnail)
        rect = self.view_rect().intersected(target.adjusted(-1, -1, 1, 1))
        p.setPen(QPen(VIEW_COLOR, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect.adjusted(1, 1, -1, -1))

    # -- panning ---------------------------------------------------------------------------
    def mousePressEvent(self, e) -> None:
        canvas = self.panel.canvas
        if canvas is None or e.button() != Qt.MouseButton.LeftButton:
            return
        point = self.to_image(e.position())
        centre = canvas.view_center_image()
        if self.view_rect().contains(e.position()):
            self._grab = point - centre  # the rectangle moves with the pointer
        else:
            self._grab = QPointF(0, 0)   # the rectangle jumps to centre there
            self._pan_to(point)
        self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, e) -> None:
        if self._grab is not None and self.panel.canvas is not None:
            self._pan_to(self.to_image(e.position()) - self._grab)

    def mouseReleaseEvent(self, e) -> None:
        self._grab = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def _pan_to(self, centre: QPointF) -> None:
        """Pans the canvas so that image point `centre` is at the middle of its view."""
        canvas = self.panel.canvas
        now = canvas.view_center_image()
        s = canvas.scale
        canvas.pan_by((now.x() - centre.x()) * s, (now.y() - centre.y()) * s)


class NavigatorPanel(QWidget):
    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.setObjectName("DockBody")
        self.main_window = window
        self.session: Optional["DocumentSession"] = None
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THUMB_DELAY_MS)
        self._timer.timeout.connect(self._make_thumbnail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.view = NavigatorView(self)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.zoom_field = QLineEdit()
        self.zoom_field.setObjectName("NavigatorZoom")
        self.zoom_field.setFixedWidth(64)
        self.zoom_field.setToolTip("Zoom: type a percentage and press Enter")
        self.zoom_field.returnPressed.connect(self._zoom_typed)
        row.addWidget(self.zoom_field)
        self.zoom_out = self._button("zoom_out", "−")
        row.addWidget(self.zoom_out)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("NavigatorSlider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("Zoom")
        self.slider.valueChanged.connect(self._slid)
        row.addWidget(self.slider, 1)
        self.zoom_in = self._button("zoom_in", "+")
        row.addWidget(self.zoom_in)
        layout.addLayout(row)
        self.view_changed()

    def _button(self, action: str, text: str) -> QToolButton:
        """A button for View > Zoom Out / Zoom In (the window's own actions)."""
        button = QToolButton()
        button.setObjectName(f"Navigator_{action}")
        button.setAutoRaise(True)
        button.setText(text)
        button.setToolTip("Zoom Out" if action == "zoom_out" else "Zoom In")
        button.clicked.connect(lambda: self.main_window.trigger(action))
        return button

    @property
    def canvas(self):
        return self.session.canvas if self.session is not None else None

    # -- binding -------------------------------------------------------------------------------
    def set_session(self, session: Optional["DocumentSession"]) -> None:
        if self.session is not None:
            self.session.doc.region_changed.disconnect(self._edited)
            self.session.doc.size_changed.disconnect(self._edited)
        self.session = session
        self.view.thumbnail = None
        if session is not None:
            session.doc.region_changed.connect(self._edited)
            session.doc.size_changed.connect(self._edited)
        self._stale = True
        if self.isVisible():
            self._make_thumbnail()
        self.view_changed()

    def _edited(self, *_) -> None:
        """Pixels changed: the thumbnail is made again soon (at most every THUMB_DELAY_MS)."""
        self._stale = True
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

    def showEvent(self, e) -> None:
        super().showEvent(e)
        if self._stale:
            self._timer.start()
        self.view_changed()

    def _make_thumbnail(self) -> None:
        canvas = self.canvas
        if canvas is None:
            self.view.thumbnail = None
            self.view.update()
            return
        array = canvas.session.renderer.composite.array  # premultiplied BGRA, as last drawn
        h, w = array.shape[:2]
        dpr = self.devicePixelRatioF()
        s = min(self.view.width() * dpr / w, self.view.height() * dpr / h)
        step = max(1, int(1 / (2 * max(s, 1e-6))))  # about twice the pixels shown
        small = np.ascontiguousarray(array[::step, ::step])
        image = QImage(small.data, small.shape[1], small.shape[0], small.strides[0],
                       QImage.Format.Format_ARGB32_Premultiplied).copy()
        self.view.thumbnail = image
        self._stale = False
        self.view.update()

    # -- zoom ---------------------------------------------------------------------------------
    def view_changed(self) -> None:
        """The canvas panned or zoomed: the rectangle, slider and field follow."""
        canvas = self.canvas
        for w in (self.slider, self.zoom_field, self.zoom_in, self.zoom_out):
            w.setEnabled(canvas is not None)
        if canvas is not None:
            self.slider.blockSignals(True)
            self.slider.setValue(zoom_to_slider(canvas.zoom))
            self.slider.blockSignals(False)
            if not self.zoom_field.hasFocus():
                self.zoom_field.setText(f"{canvas.zoom * 100:.4g} %")
        else:
            self.zoom_field.setText("")
        self.view.update()

    def _slid(self, value: int) -> None:
        if self.canvas is not None:
            self.canvas.set_zoom(slider_to_zoom(value))

    def _zoom_typed(self) -> None:
        zoom = parse_zoom(self.zoom_field.text())
        if self.canvas is not None and zoom is not None:
            self.canvas.set_zoom(zoom)
        self.zoom_field.clearFocus()
        self.view_changed()
