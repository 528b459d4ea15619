"""Around the canvas: rulers, scroll bars, guides, the grid and snapping (View menu).

Rulers (Ctrl+R) run along the top and left in Preferences > Units & Rulers' unit (image
pixels by default; inches, centimetres, millimetres, points and picas by the document's
resolution, percent of its width or height: `ruler_unit`); right-click on a ruler offers
the units, as Photoshop's does (`units_menu`, the Info panel's too: the one preference,
`ViewOptions.set_ruler_units`, which tells `units_changed`). Dragging from a
ruler into the canvas makes a guide, dragging a guide back onto its ruler
removes it; the Move tool drags a guide to move it, or onto a ruler to remove
it. Guides are document state (`Document.guides`): each new, moved or
removed guide and Clear Guides is one undo step, as in Photoshop; they are not
saved in the PSD. Snapping (Shift+Ctrl+; toggles) pulls a point
within SNAP_PX screen pixels to a guide, a canvas edge or (Snap to Layers) another layer's edge;
the marquee, crop and move tools ask `snap_point` / `snap_box`.

The grid (View > Show > Grid, Ctrl+') is drawn over the document in screen pixels, so
its lines stay one pixel wide and sharp at any zoom: a gridline every `grid_every`
image pixels, each square cut into `grid_subdivisions` (Preferences > Guides, Grid).
Lines that would come closer than GRID_MIN_PX screen pixels are left out (the
subdivisions first); Snap to Grid pulls to the lines drawn, as one more kind of target
beside the guides (`_targets`).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QActionGroup, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QMenu, QScrollBar, QWidget

from editor.model import Group
from editor.model.resolution import RULER_UNITS, to_pixels
from editor.model.signals import Signal
from engine.box import Box

from .slice_overlay import paint_slices, selected_slice, shows_slices

if TYPE_CHECKING:
    from .canvas import CanvasView

RULER = 18          # px
SNAP_PX = 6         # screen px
GUIDE_COLOR = QColor("#27d3e6")
SCROLL_MARGIN = 200  # px of pasteboard the scroll bars reach past the canvas
GRID_MIN_PX = 5     # screen px: gridlines closer than this are not drawn (nor snapped to)
GRID_MINOR_ALPHA = 0.45  # subdivisions: the grid colour, fainter


class ViewOptions:
    """What the View menu switches, shared by every canvas of the window."""

    def __init__(self, settings):
        self.settings = settings
        self.rulers = settings.value("view/rulers", False, bool)
        self.guides = settings.value("view/guides", True, bool)
        self.snap = settings.value("view/snap", True, bool)
        # Other layers' edges pull only when asked (View > Snap to Layers), as they are many.
        self.snap_layers = settings.value("view/snap_layers", False, bool)
        self.grid = settings.value("view/grid", False, bool)
        self.snap_grid = settings.value("view/snap_grid", True, bool)
        # View > Lock Guides: the guides stay put (no drag moves or removes them).
        self.lock_guides = settings.value("view/lock_guides", False, bool)
        # View > Lock Slices: the slice tools make, move, resize and delete no slice (an
        # application setting, as Photoshop keeps it, like Lock Guides).
        self.lock_slices = settings.value("view/lock_slices", False, bool)
        # View > Extras (Ctrl+H) hides what View > Show shows, all at once, without turning
        # each off: back on, the same ones show again (Photoshop's Extras).
        self.extras = settings.value("view/extras", True, bool)
        self.selection_edges = settings.value("view/selection_edges", True, bool)
        self.target_path = settings.value("view/target_path", True, bool)
        self.slices = settings.value("view/slices", True, bool)
        self.units_changed = Signal()  # () the rulers' unit changed: what shows it, anew
        self.load_grid()

    def set_ruler_units(self, unit: str) -> None:
        """Preferences > Units & Rulers' Rulers unit, set from a ruler's or the Info panel's
        menu (the one preference in Photoshop too)."""
        if unit != self.settings.ruler_units:
            self.settings.ruler_units = unit
            self.units_changed.emit()

    def shows(self, key: str) -> bool:
        """Whether View > Show's `key` (guides, grid, selection_edges, target_path, slices) is drawn:
        ticked, and Extras on."""
        return self.extras and getattr(self, key)

    def load_grid(self) -> None:
        """The grid's spacing, colour and style from the preferences (again after they change)."""
        s = self.settings
        self.grid_every, self.grid_subdivisions = s.grid_every, s.grid_subdivisions
        self.grid_color, self.grid_style = QColor(s.grid_color), s.grid_style

    def set(self, key: str, on: bool) -> None:
        setattr(self, key, bool(on))
        self.settings.set_value(f"view/{key}", bool(on))


class Ruler(QWidget):
    def __init__(self, chrome: "CanvasChrome", horizontal: bool):
        super().__init__(chrome.canvas)
        self.chrome, self.horizontal = chrome, horizontal
        self.setObjectName("RulerH" if horizontal else "RulerV")
        self.setCursor(Qt.CursorShape.SizeVerCursor if horizontal else Qt.CursorShape.SizeHorCursor)
        self.setToolTip("Drag into the canvas to make a guide")

    def paintEvent(self, event) -> None:
        canvas = self.chrome.canvas
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#26282c"))
        p.setPen(QColor("#111214"))
        if self.horizontal:
            p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        else:
            p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        # (screen px per ruler unit: ticks are counted in units, placed in pixels)
        scale = canvas.scale * ruler_unit(self.chrome.options.settings.ruler_units,
                                          canvas.doc, self.horizontal)
        step = tick_step(scale)
        origin = canvas.origin.x() if self.horizontal else canvas.origin.y()
        length = self.width() if self.horizontal else self.height()
        first = math.floor((0 - origin) / scale / step) * step
        font = QFont(self.font())
        font.setPointSizeF(7)
        p.setFont(font)
        value, count = first, 0
        while True:
            pos = origin + value * scale
            if pos > length:
                break
            for i in range(1, 10):  # minor ticks
                minor = pos + i * step * scale / 10
                if 0 <= minor <= length:
                    p.setPen(QColor("#4a4e55"))
                    self._tick(p, minor, 4 if i != 5 else 7)
            if pos >= RULER:
                p.setPen(QColor("#8d929b"))
                self._tick(p, pos, RULER)
                label = f"{round(value, 6):g}"
                if self.horizontal:
                    p.drawText(QPointF(pos + 2, 9), label)
                else:
                    p.save()
                    p.translate(9, pos + 2)
                    p.rotate(90)
                    p.drawText(QPointF(0, 0), label)
                    p.restore()
            count += 1
            value = first + count * step  # (not summed: 0.1 + 0.2 drifts)

    def _tick(self, p: QPainter, pos: float, size: int) -> None:
        if self.horizontal:
            p.drawLine(QPointF(pos, RULER - size), QPointF(pos, RULER))
        else:
            p.drawLine(QPointF(RULER - size, pos), QPointF(RULER, pos))

    def contextMenuEvent(self, e) -> None:
        """Right-click: the rulers' units, as Photoshop's rulers offer them."""
        units_menu(self, self.chrome.options).exec(e.globalPos())

    # Dragging a new guide out of the ruler.
    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self.chrome.drag_guide(None, self.horizontal, self._canvas_pos(e))

    def mouseMoveEvent(self, e) -> None:
        self.chrome.drag_guide_to(self._canvas_pos(e))

    def mouseReleaseEvent(self, e) -> None:
        self.chrome.end_guide_drag(self._canvas_pos(e))

    def _canvas_pos(self, e) -> QPointF:
        return QPointF(self.mapTo(self.chrome.canvas, e.position().toPoint()))


def units_menu(parent: QWidget, options: ViewOptions) -> QMenu:
    """The rulers' units (Pixels … Picas), the current one checked; choosing one sets it."""
    menu = QMenu(parent)
    menu.setObjectName("RulerUnitsMenu")
    group = QActionGroup(menu)
    for key, label in RULER_UNITS:
        action = menu.addAction(label)
        action.setObjectName(f"RulerUnit_{key}")
        action.setCheckable(True)
        action.setChecked(key == options.settings.ruler_units)
        group.addAction(action)
        action.triggered.connect(lambda _=False, k=key: options.set_ruler_units(k))
    return menu


def _on_step(value: float, step: float) -> bool:
    """Whether `value` lies on a multiple of `step` (within rounding)."""
    k = round(value / step)
    return abs(value - k * step) < 1e-6


def ruler_unit(unit: str, doc, horizontal: bool) -> float:
    """Image pixels per rulers' `unit` (resolution.RULER_UNITS) in `doc` (its resolution;
    percent: of its width or height)."""
    if doc is None or unit == "pixels":
        return 1.0
    return to_pixels(1.0, unit, doc.resolution, doc.width if horizontal else doc.height)


def tick_step(scale: float) -> float:
    """Image pixels between labelled ticks: 1, 2 or 5 times a power of ten, >= 60 screen px."""
    for power in range(-2, 7):
        for base in (1, 2, 5):
            step = base * 10 ** power
            if step * scale >= 60:
                return step
    return 10 ** 7


def grid_steps(every: float, subdivisions: int, scale: float) -> tuple[float, Optional[float]]:
    """(major, minor) spacing in image px of the gridlines drawn at `scale` (screen px per
    image px): minor is None when subdivisions would be under GRID_MIN_PX apart; major
    doubles until its lines are that far apart (a zoomed-out grid is not a grey wash)."""
    minor = every / subdivisions if subdivisions > 1 else None
    if minor is not None and minor * scale < GRID_MIN_PX:
        minor = None
    major = float(every)
    while major * scale < GRID_MIN_PX:
        major *= 2
    return major, minor


def grid_values(step: float, size: float) -> list[float]:
    """Gridline positions 0, step, 2 step, ... up to `size` (image px)."""
    return [k * step for k in range(int(size // step) + 1)]


class CanvasChrome:
    """Rulers, scroll bars and guides of one canvas."""

    def __init__(self, canvas: "CanvasView", options: ViewOptions):
        self.canvas, self.options = canvas, options
        self.top, self.left = Ruler(self, True), Ruler(self, False)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, canvas)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, canvas)
        for bar in (self.hbar, self.vbar):
            bar.setObjectName("CanvasScrollH" if bar is self.hbar else "CanvasScrollV")
            bar.valueChanged.connect(self._scrolled)
            bar.setCursor(Qt.CursorShape.ArrowCursor)
        self._updating = False
        self._guide_drag: Optional[tuple[Optional[int], bool]] = None  # (index, horizontal)
        self._guide_pos: Optional[float] = None
        # Guides a dialog previews (View > New Guide Layout…) instead of the document's.
        self.preview_guides: Optional[list[tuple[bool, float]]] = None
        canvas.viewChanged.connect(self.update_view)
        self.layout()

    @property
    def guides(self) -> list[tuple[bool, float]]:
        """(horizontal, image position) of each guide of this document."""
        return list(self.canvas.doc.guides)

    # -- layout and scroll bars -----------------------------------------------------------
    def layout(self) -> None:
        c = self.canvas
        rulers = self.options.rulers
        self.top.setVisible(rulers)
        self.left.setVisible(rulers)
        bar = self.vbar.sizeHint().width()
        self.top.setGeometry(RULER, 0, max(0, c.width() - RULER - bar), RULER)
        self.left.setGeometry(0, RULER, RULER, max(0, c.height() - RULER - bar))
        self.hbar.setGeometry(0, c.height() - bar, max(0, c.width() - bar), bar)
        self.vbar.setGeometry(c.width() - bar, 0, bar, max(0, c.height() - bar))
        self.update_view()

    def update_view(self) -> None:
        """Scroll bar ranges and positions follow the zoom and pan."""
        c = self.canvas
        rect = c.doc_rect()
        self._updating = True
        try:
            for bar, start, size, view in ((self.hbar, rect.left(), rect.width(), c.width()),
                                           (self.vbar, rect.top(), rect.height(), c.height())):
                # Content runs from the canvas' start less a margin to its end plus one.
                total = size + 2 * SCROLL_MARGIN
                bar.setRange(0, max(0, round(total - view)))
                bar.setPageStep(max(1, view))
                bar.setSingleStep(20)
                bar.setValue(round(SCROLL_MARGIN - start))
                bar.setVisible(size > view)  # only when the canvas does not fit
        finally:
            self._updating = False
        if self.options.rulers:
            self.top.update()
            self.left.update()

    def _scrolled(self) -> None:
        if self._updating:
            return
        c = self.canvas
        rect = c.doc_rect()
        dx = (SCROLL_MARGIN - self.hbar.value()) - rect.left()
        dy = (SCROLL_MARGIN - self.vbar.value()) - rect.top()
        if dx or dy:
            c.pan_by(dx, dy)

    # -- guides -------------------------------------------------------------------------------
    def guide_at(self, pos: QPointF) -> Optional[int]:
        """The index of the shown guide within SNAP_PX of widget point `pos`, or None (also
        when the guides are locked: nothing can pick one up)."""
        if not self.options.shows("guides") or self.options.lock_guides:
            return None
        c = self.canvas
        for i, (horizontal, value) in enumerate(c.doc.guides):
            at = c.image_to_widget(QPointF(value, value))
            if abs(at.y() - pos.y() if horizontal else at.x() - pos.x()) <= SNAP_PX:
                return i
        return None

    def dragging_guide(self) -> bool:
        return self._guide_drag is not None

    def drag_guide(self, index: Optional[int], horizontal: bool, pos: QPointF) -> None:
        self._guide_drag = (index, horizontal)
        self.drag_guide_to(pos)

    def drag_guide_to(self, pos: QPointF) -> None:
        if self._guide_drag is None:
            return
        horizontal = self._guide_drag[1]
        image = self.canvas.screen_to_image(pos)  # (a turned view too)
        value = round(image.y() if horizontal else image.x())
        self._guide_pos = value
        self.canvas.update()

    def end_guide_drag(self, pos: QPointF) -> None:
        if self._guide_drag is None:
            return
        index, horizontal = self._guide_drag
        self._guide_drag = None
        self.drag_guide_to(pos)
        on_ruler = (pos.y() < RULER) if horizontal else (pos.x() < RULER)
        value, self._guide_pos = self._guide_pos, None
        guides = self.guides
        name = "New Guide"
        if index is not None:
            del guides[index]
            name = "Delete Guide" if on_ruler else "Move Guide"
        if not on_ruler and value is not None:
            guides.append((horizontal, float(value)))
            self.options.set("guides", True)
        self.canvas.doc.set_guides(guides, name)  # one undo step; repaints through the doc
        self.canvas.update()

    def clear_guides(self) -> None:
        self.canvas.doc.set_guides((), "Clear Guides")

    def paint_under(self, painter: QPainter) -> None:
        """What lies under the selection's ants and the tools' marks: the grid."""
        if self.options.shows("grid"):
            self.paint_grid(painter)

    def paint(self, painter: QPainter) -> None:
        if shows_slices(self.canvas):  # (the slices under the guides, as in Photoshop)
            paint_slices(self.canvas, painter, selected_slice(self.canvas))
        self.paint_guides(painter)

    def paint_grid(self, painter: QPainter) -> None:
        """The grid over the document: whole screen pixels, one pixel wide (crisp at any
        zoom), subdivisions fainter and left out when they would crowd."""
        c, o = self.canvas, self.options
        area = c.doc_rect().intersected(QRectF(c.rect()))
        if area.isEmpty():
            return
        major, minor = grid_steps(o.grid_every, o.grid_subdivisions, c.scale)
        style = {"dashed": Qt.PenStyle.DashLine, "dots": Qt.PenStyle.DotLine}.get(
            o.grid_style, Qt.PenStyle.SolidLine)
        faint = QColor(o.grid_color)
        faint.setAlphaF(faint.alphaF() * GRID_MINOR_ALPHA)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setClipRect(area)
        for step, color in ((minor, faint), (major, o.grid_color)):
            if step is None:
                continue
            pen = QPen(color, 1)
            pen.setStyle(style)
            painter.setPen(pen)
            for x in grid_values(step, c.doc.width):
                if step is minor and _on_step(x, major):
                    continue  # a gridline is drawn there
                at = round(c.image_to_widget(QPointF(x, 0)).x()) + 0.5
                if area.left() - 1 <= at <= area.right() + 1:
                    painter.drawLine(QPointF(at, area.top()), QPointF(at, area.bottom()))
            for y in grid_values(step, c.doc.height):
                if step is minor and _on_step(y, major):
                    continue
                at = round(c.image_to_widget(QPointF(0, y)).y()) + 0.5
                if area.top() - 1 <= at <= area.bottom() + 1:
                    painter.drawLine(QPointF(area.left(), at), QPointF(area.right(), at))
        painter.restore()

    def paint_guides(self, painter: QPainter) -> None:
        if self.preview_guides is not None:
            lines = list(self.preview_guides)
        else:
            lines = list(self.guides) if self.options.shows("guides") else []
        if self._guide_drag is not None and self._guide_pos is not None:
            index = self._guide_drag[0]
            if index is not None and index < len(lines):
                del lines[index]  # drawn where it is being dragged to instead
            lines.append((self._guide_drag[1], self._guide_pos))
        if not lines:
            return
        c = self.canvas
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(GUIDE_COLOR, 1))
        for horizontal, value in lines:
            if horizontal:
                y = round(c.image_to_widget(QPointF(0, value)).y()) + 0.5
                painter.drawLine(QPointF(0, y), QPointF(c.width(), y))
            else:
                x = round(c.image_to_widget(QPointF(value, 0)).x()) + 0.5
                painter.drawLine(QPointF(x, 0), QPointF(x, c.height()))
        painter.restore()

    # -- snapping ---------------------------------------------------------------------------------
    def _targets(self, horizontal: bool, skip=None) -> list[float]:
        doc = self.canvas.doc
        values = [0.0, float(doc.height if horizontal else doc.width)]
        if self.options.shows("guides"):  # (Photoshop snaps to what it shows)
            values += [v for h, v in self.guides if h == horizontal]
        if self.options.shows("grid") and self.options.snap_grid:  # the lines drawn (View > Snap to Grid)
            major, minor = grid_steps(self.options.grid_every, self.options.grid_subdivisions,
                                      self.canvas.scale)
            values += grid_values(minor or major, doc.height if horizontal else doc.width)
        if not self.options.snap_layers:
            return values
        moving = {id(layer) for layer in skip.layers()} if isinstance(skip, Group) else {id(skip)}
        for layer in doc.layers():
            if id(layer) in moving or layer.is_empty() or not layer.is_shown():
                continue
            b = layer.bounds()
            values += [b.y, b.y1] if horizontal else [b.x, b.x1]
        return values

    def snap_value(self, value: float, horizontal: bool, skip=None) -> float:
        """`value` (image px along one axis) pulled to the nearest target within reach."""
        if not self.options.snap:
            return value
        reach = SNAP_PX / max(self.canvas.scale, 1e-6)
        best = min(self._targets(horizontal, skip), key=lambda t: abs(t - value), default=None)
        return best if best is not None and abs(best - value) <= reach else value

    def snap_point(self, point: QPointF) -> QPointF:
        return QPointF(self.snap_value(point.x(), False), self.snap_value(point.y(), True))

    def snap_offset(self, box: Box, dx: int, dy: int, skip=None) -> tuple[int, int]:
        """A move of `box` by (dx, dy), adjusted so an edge lands on a target within reach."""
        if not self.options.snap:
            return dx, dy
        out = []
        for horizontal, d, edges in ((False, dx, (box.x, box.x1)), (True, dy, (box.y, box.y1))):
            reach = SNAP_PX / max(self.canvas.scale, 1e-6)
            targets = self._targets(horizontal, skip)
            best = None
            for edge in edges:
                for t in targets:
                    shift = t - (edge + d)
                    if abs(shift) <= reach and (best is None or abs(shift) < abs(best)):
                        best = shift
            out.append(d + round(best) if best is not None else d)
        return out[0], out[1]
