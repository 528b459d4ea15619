"""Photoshop's gradient bar (the Gradient Editor's): a preview of the gradient with its
opacity stops above it and its colour stops below it as markers, and between two
neighbouring stops the midpoint diamond of the stretch between them.

- drag a marker along the bar: the stop moves (it may pass another; its midpoint goes
  with it, as the model keeps them);
- press on the empty strip: a stop is added there, in the colour (the opacity) the
  gradient has there, and follows the mouse while the button is held;
- drag a marker off the bar (up or down, past `OFF` pixels), or select it and press
  Delete: the stop goes (not the last one); dragged back on before letting go, it stays;
- double-click a colour stop: `pick_colour(i)` (the dialog asks the colour picker);
- drag a diamond: the midpoint of its stretch, 5..95 %, a whole percent.

The bar holds no state of its own but the drag: every edit is a new `GradientFill` (or
`GradientMap`: the same stop fields) sent with `changed(settings)`, between
`drag_started` and `drag_ended` while the mouse is down; the owner shows it (`set_settings`). A drag is worked out
from the settings it started on, so a stop dragged off and back on comes back as it was.
The edits are plain functions on the settings (`moved`, `added`, `removed`,
`with_midpoint`), shared with the dialog's number rows.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from editor.model import gradients
from editor.model.adjustments import GradientFill

BAR_W, BAR_H = 320, 28  # the gradient's preview
MARGIN = 8              # room beside the bar for a marker at 0 % or 100 %
STRIP = 20              # the strip of markers above (opacity) and below (colour) the bar
MARKER = 5              # half a marker's width: how near a press must be to take it
OFF = 24                # how far past the strip a dragged stop is taken off the bar

FIELDS = {"color": ("stops", "midpoints"), "opacity": ("opacity_stops", "opacity_midpoints")}


# -- edits on the settings -------------------------------------------------------------------------
def _stops(settings: GradientFill, kind: str) -> tuple[list, list]:
    """A kind's stops and their midpoints (one a stop, 50 where the model keeps ())."""
    stops_field, mids_field = FIELDS[kind]
    stops = list(getattr(settings, stops_field))
    mids = list(getattr(settings, mids_field)) or [50.0] * len(stops)
    return stops, mids


def _with(settings: GradientFill, kind: str, stops: list, mids: list) -> GradientFill:
    stops_field, mids_field = FIELDS[kind]
    return replace(settings, **{stops_field: tuple(stops), mids_field: tuple(mids)})


def moved(settings: GradientFill, kind: str, i: int, at: float) -> GradientFill:
    """Stop `i` of `kind` ("color", "opacity") moved to location `at` %."""
    stops, mids = _stops(settings, kind)
    stops[i] = (at, stops[i][1])
    return _with(settings, kind, stops, mids)  # (sorted again: a stop may pass another)


def removed(settings: GradientFill, kind: str, i: int) -> GradientFill:
    """Stop `i` of `kind` taken away (the settings as they were for the last one)."""
    stops, mids = _stops(settings, kind)
    if len(stops) <= 1:
        return settings
    del stops[i], mids[i]
    return _with(settings, kind, stops, mids)


def added(settings: GradientFill, kind: str, at: float) -> GradientFill:
    """A stop of `kind` at `at` % in the colour (opacity) the gradient has there, its
    midpoint halfway; the other stops keep theirs."""
    rgba = colour_at(settings, at)
    value = tuple(int(v) for v in rgba[:3]) if kind == "color" \
        else float(round(float(rgba[3]) / 2.55))
    stops, mids = _stops(settings, kind)
    return _with(settings, kind, stops + [(at, value)], mids + [50.0])


def with_midpoint(settings: GradientFill, kind: str, j: int, midpoint: float) -> GradientFill:
    """The midpoint of the stretch that ends at stop `j` of `kind` set to `midpoint` %."""
    stops, mids = _stops(settings, kind)
    mids[j] = min(95.0, max(5.0, float(midpoint)))
    return _with(settings, kind, stops, mids)


def colour_at(settings: GradientFill, at: float) -> np.ndarray:
    """The gradient's RGBA (0..255) at location `at` %."""
    lookup = settings.lookup()
    return lookup[int(round(at / 100 * (len(lookup) - 1)))]


def gradient_image(settings: GradientFill, width: int, height: int) -> QImage:
    """The gradient from its first stop to its last, left to right, over a grey checker
    (where it is transparent), as Photoshop's gradient bar shows it."""
    colours = gradients.colours(np.linspace(0.0, 1.0, max(1, width)), settings.lookup())
    rows = np.broadcast_to(colours[None], (max(1, height), max(1, width), 4)).astype(np.float32)
    y, x = np.mgrid[0:rows.shape[0], 0:rows.shape[1]]
    checker = np.where(((x // 6) + (y // 6)) % 2 == 0, 255.0, 204.0)[..., None]
    alpha = rows[..., 3:4] / 255.0
    rgb = np.ascontiguousarray(np.rint(rows[..., :3] * alpha + checker * (1 - alpha)), np.uint8)
    image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0],
                   QImage.Format.Format_RGB888)
    return image.copy()  # its own memory: `rgb` goes


# -- the widget ----------------------------------------------------------------------------------------
class GradientBar(QWidget):
    """The gradient bar of one `GradientFill`; `selected` is (kind, index) of the stop
    Delete takes away, or None."""

    changed = Signal(object)    # the new GradientFill
    pick_colour = Signal(int)   # a colour stop double-clicked
    # A press on a strip and its release: the changes between are one drag (the Properties
    # panel makes them one undo step; a release may come without a drag).
    drag_started = Signal()
    drag_ended = Signal()

    def __init__(self, settings: GradientFill, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("GradientBar")
        self.setFixedSize(BAR_W + 2 * MARGIN, BAR_H + 2 * STRIP)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # for Delete
        self.setToolTip("Drag a stop to move it, off the bar to remove it; click the strip "
                        "to add one; double-click a colour stop to pick its colour; drag a "
                        "diamond to move the midpoint")
        self.settings = settings
        self.selected: Optional[tuple[str, int]] = None
        self._image: Optional[QImage] = None
        # The drag: (what: "stop" or "midpoint", kind, index, the settings it began on).
        self._drag: Optional[tuple[str, str, int, GradientFill]] = None
        self._last_at = 0.0  # where the dragged stop was put last

    def set_settings(self, settings: GradientFill) -> None:
        if settings is self.settings and self._image is not None:
            return
        self.settings = settings
        if self.selected and self.selected[1] >= len(_stops(settings, self.selected[0])[0]):
            self.selected = None  # a row's Delete took it
        self._image = None
        self.update()

    # -- geometry ----------------------------------------------------------------------------------
    @staticmethod
    def x_of(at: float) -> float:
        """The widget's x of location `at` %."""
        return MARGIN + at / 100 * BAR_W

    @staticmethod
    def at_of(x: float) -> float:
        """The location % (0..100, a tenth) of the widget's x."""
        return round(min(100.0, max(0.0, (x - MARGIN) / BAR_W * 100)), 1)

    @staticmethod
    def strip_y(kind: str) -> float:
        """The middle of a stop's marker on `kind`'s strip (its far part from the bar)."""
        return STRIP - 13 if kind == "opacity" else STRIP + BAR_H + 13

    @staticmethod
    def diamond_y(kind: str) -> float:
        """The middle of the midpoint diamonds on `kind`'s strip, next to the bar."""
        return STRIP - 4 if kind == "opacity" else STRIP + BAR_H + 4

    def midpoint_x(self, kind: str, j: int) -> float:
        """The x of the diamond of the stretch ending at stop `j` (j >= 1)."""
        stops, mids = _stops(self.settings, kind)
        a, b = stops[j - 1][0], stops[j][0]
        return self.x_of(a + (b - a) * mids[j] / 100)

    def _kind_at(self, y: float) -> Optional[str]:
        if y < STRIP:
            return "opacity"
        if y >= STRIP + BAR_H:
            return "color"
        return None  # on the bar itself

    def _hit(self, kind: str, x: float, y: float) -> Optional[tuple[str, int]]:
        """("stop", i) or ("midpoint", j) under (x, y) on `kind`'s strip: a stop first;
        a diamond only next to the bar (where the stops' tips are), so that a click
        below it on the strip still adds a stop there."""
        stops, _ = _stops(self.settings, kind)
        near = [(abs(self.x_of(at) - x), i) for i, (at, _) in enumerate(stops)]
        distance, i = min(near)
        if distance <= MARKER:
            return "stop", i
        if abs(y - self.diamond_y(kind)) > 4:
            return None
        for j in range(1, len(stops)):
            if stops[j][0] - stops[j - 1][0] > 0 and abs(self.midpoint_x(kind, j) - x) <= 4:
                return "midpoint", j
        return None

    # -- mouse and keys ----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        kind = self._kind_at(pos.y())
        if kind is None:
            return
        self.setFocus()
        self.drag_started.emit()
        hit = self._hit(kind, pos.x(), pos.y())
        if hit is None:  # the empty strip: a new stop, dragged on from there
            at = self.at_of(pos.x())
            settings = added(self.settings, kind, at)
            # Added last, then sorted stably: after the stops at or before `at`.
            i = sum(1 for loc, _ in _stops(self.settings, kind)[0] if loc <= at)
            self._last_at = at
            self.selected = (kind, i)
            self._drag = ("stop", kind, i, settings)
            self._emit(settings)
            return
        what, i = hit
        if what == "stop":
            self.selected = (kind, i)
            self._last_at = _stops(self.settings, kind)[0][i][0]
            self.update()
        self._drag = (what, kind, i, self.settings)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            return
        what, kind, i, start = self._drag
        pos = event.position()
        if what == "midpoint":
            stops, _ = _stops(start, kind)
            a, b = self.x_of(stops[i - 1][0]), self.x_of(stops[i][0])
            self._emit(with_midpoint(start, kind, i, round((pos.x() - a) / (b - a) * 100)))
            return
        if pos.y() < -OFF or pos.y() > self.height() + OFF:
            self._emit(removed(start, kind, i))  # off the bar (back as it was if it comes back)
            return
        self._last_at = self.at_of(pos.x())
        self._emit(moved(start, kind, i, self._last_at))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.drag_ended.emit()
        if self._drag is None:
            return
        what, kind, i, start = self._drag
        self._drag = None
        if what == "stop":
            stops = getattr(self.settings, FIELDS[kind][0])
            if len(stops) < len(getattr(start, FIELDS[kind][0])):
                self.selected = None  # it went
            else:
                self.selected = (kind, _index_of_moved(start, kind, i, self._last_at))
        self.update()

    def mouseDoubleClickEvent(self, event) -> None:
        pos = event.position()
        if self._kind_at(pos.y()) == "color":
            hit = self._hit("color", pos.x(), pos.y())
            if hit is not None and hit[0] == "stop":
                self._drag = None
                self.pick_colour.emit(hit[1])

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected:
            kind, i = self.selected
            settings = removed(self.settings, kind, i)
            if settings is not self.settings:
                self.selected = None
                self._emit(settings)
            return
        super().keyPressEvent(event)

    def _emit(self, settings: GradientFill) -> None:
        if settings != self.settings:
            self.changed.emit(settings)
            self.set_settings(settings)  # (the owner usually did so already)

    # -- drawing ------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        if self._image is None:
            self._image = gradient_image(self.settings, BAR_W, BAR_H)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.drawImage(MARGIN, STRIP, self._image)
        painter.setPen(QPen(QColor(90, 90, 90)))
        painter.drawRect(QRectF(MARGIN - 0.5, STRIP - 0.5, BAR_W + 1, BAR_H + 1))
        for kind in ("opacity", "color"):
            stops, _ = _stops(self.settings, kind)
            for j in range(1, len(stops)):
                if stops[j][0] - stops[j - 1][0] > 0:
                    self._diamond(painter, self.midpoint_x(kind, j), kind)
            for i, (at, value) in enumerate(stops):
                fill = QColor(*value) if kind == "color" \
                    else QColor.fromHsvF(0, 0, 1 - value / 100)  # black: opaque
                self._marker(painter, self.x_of(at), kind, fill, self.selected == (kind, i))
        painter.end()

    def _marker(self, painter: QPainter, x: float, kind: str, fill: QColor,
                selected: bool) -> None:
        """A stop: a little house pointing at the bar, filled with its colour (opacity)."""
        # Clear of the diamonds next to the bar, out to the strip's edge.
        tip, base = (STRIP - 7, 1) if kind == "opacity" \
            else (STRIP + BAR_H + 7, 2 * STRIP + BAR_H - 1)
        shoulder = tip + (base - tip) * 0.4
        path = QPainterPath(QPointF(x, tip))
        for px, py in ((x + MARKER, shoulder), (x + MARKER, base), (x - MARKER, base),
                       (x - MARKER, shoulder)):
            path.lineTo(px, py)
        path.closeSubpath()
        painter.setPen(QPen(QColor(0, 120, 215) if selected else QColor(40, 40, 40),
                            2 if selected else 1))
        painter.setBrush(fill)
        painter.drawPath(path)

    def _diamond(self, painter: QPainter, x: float, kind: str) -> None:
        y = self.diamond_y(kind)
        path = QPainterPath(QPointF(x, y - 3))
        for px, py in ((x + 3, y), (x, y + 3), (x - 3, y)):
            path.lineTo(px, py)
        path.closeSubpath()
        painter.setPen(QPen(QColor(40, 40, 40)))
        painter.setBrush(QColor(230, 230, 230))
        painter.drawPath(path)


def _index_of_moved(start: GradientFill, kind: str, i: int, at: float) -> int:
    """Where stop `i` of `start`, moved to `at`, lies once sorted (the model's stable sort)."""
    stops, _ = _stops(start, kind)
    stops[i] = (at, None)
    order = sorted(range(len(stops)), key=lambda k: stops[k][0])
    return order.index(i)
