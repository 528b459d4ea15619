"""Artboard (Shift+V, in the Move tool's place), as Photoshop's: drag on the canvas to
make a new artboard over the dragged rectangle; drag one of an artboard's eight edge
handles to resize it (its content stays put); drag its name label (above its top-left
corner) to move it with its content. Each drag is one undo step (`model.artboards`,
`Document.translate`), shown as an outline until the release; Esc during a drag cancels
it. A click on an artboard makes it active.

The options bar's Size (a few presets, or Custom), W / H and Background (White, Black,
Transparent, Other… through the Color Picker) show and set the active artboard's (one undo
step each)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from editor.model import DocumentError
from editor.model.artboards import (CUSTOM, PRESETS, artboard_groups, new_artboard, preset_of,
                                    resize_artboard, set_background)
from engine.box import Box

from .base import Tool

# The backgrounds as the options bar and the New Artboard dialog name them.
BACKGROUNDS = {"White": "white", "Black": "black", "Transparent": "transparent",
               "Other…": "other"}
GRAB = 6  # widget pixels: how near a press must be to take a handle
LABEL_GAP = 4  # widget pixels between the label's baseline and the artboard's top edge
# Each handle: which of the box's edges (left, top, right, bottom) it moves.
HANDLES = {(0, 0): "lt", (0.5, 0): "t", (1, 0): "rt", (1, 0.5): "r", (1, 1): "rb",
           (0.5, 1): "b", (0, 1): "lb", (0, 0.5): "l"}
_CURSORS = {"lt": Qt.CursorShape.SizeFDiagCursor, "rb": Qt.CursorShape.SizeFDiagCursor,
            "rt": Qt.CursorShape.SizeBDiagCursor, "lb": Qt.CursorShape.SizeBDiagCursor,
            "t": Qt.CursorShape.SizeVerCursor, "b": Qt.CursorShape.SizeVerCursor,
            "l": Qt.CursorShape.SizeHorCursor, "r": Qt.CursorShape.SizeHorCursor}


def _span(a: float, b: float) -> tuple[int, int]:
    lo, hi = sorted((round(a), round(b)))
    return lo, hi - lo


def resized(box: Box, edges: str, dx: float, dy: float) -> Box:
    """`box` with the named edges moved by (dx, dy) image pixels (a flipped drag flips it)."""
    x0, y0, x1, y1 = box.x, box.y, box.x + box.w, box.y + box.h
    x0, x1 = (x0 + dx if "l" in edges else x0), (x1 + dx if "r" in edges else x1)
    y0, y1 = (y0 + dy if "t" in edges else y0), (y1 + dy if "b" in edges else y1)
    (x, w), (y, h) = _span(x0, x1), _span(y0, y1)
    return Box(x, y, w, h)


class ArtboardTool(Tool):
    id = "artboard"
    label = "Artboard Tool"
    letter = "V"  # the Move group's: Shift+V takes the next
    icon = "tool-artboard"
    tip = "Drag to make an artboard; drag its handles to resize it, its name to move it"

    def __init__(self, window):
        super().__init__(window)
        # The drag: ("new", start), ("resize", group, edges, start) or ("move", group, start),
        # and the rectangle it would give now (image pixels).
        self._drag: Optional[tuple] = None
        self._box: Optional[Box] = None
        self._size: Optional[QComboBox] = None
        self._w: Optional[QSpinBox] = None
        self._h: Optional[QSpinBox] = None
        self._background: Optional[QComboBox] = None

    # -- hit tests (widget pixels) ----------------------------------------------------
    def label_rect(self, canvas, group) -> QRectF:
        """Where `group`'s name label is drawn: above its rectangle's top-left corner."""
        box = group.artboard.box
        corner = canvas.image_to_widget(QPointF(box.x, box.y))
        metrics = QFontMetricsF(canvas.font())
        width = max(metrics.horizontalAdvance(group.name), 12.0)
        height = metrics.height()
        return QRectF(corner.x(), corner.y() - LABEL_GAP - height, width, height)

    def _handles(self, canvas, box: Box):
        for (fx, fy), edges in HANDLES.items():
            yield edges, canvas.image_to_widget(QPointF(box.x + fx * box.w, box.y + fy * box.h))

    def _hit(self, canvas, pos: QPointF) -> Optional[tuple]:
        """("resize", group, edges) or ("move", group) under `pos`, the topmost artboard's
        first (the active one's handles before all)."""
        groups = artboard_groups(canvas.doc)[::-1]
        active = canvas.doc.active
        if active in groups:
            groups.remove(active)
            groups.insert(0, active)
        for group in groups:
            if not group.visible:
                continue
            for edges, p in self._handles(canvas, group.artboard.box):
                if abs(p.x() - pos.x()) <= GRAB and abs(p.y() - pos.y()) <= GRAB:
                    return ("resize", group, edges)
            if self.label_rect(canvas, group).contains(pos):
                return ("move", group)
        return None

    # -- input ----------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if canvas.doc is None:
            return
        hit = self._hit(canvas, ev.pos)
        if hit is None:
            self._drag, self._box = ("new", ev.image), None
        elif hit[0] == "resize":
            self._drag, self._box = (*hit, ev.image), hit[1].artboard.box
        else:
            self._drag, self._box = (*hit, ev.image), hit[1].artboard.box
        canvas.update()

    def move(self, canvas, ev) -> None:
        drag = self._drag
        if drag is None:
            return
        start = drag[-1]
        dx, dy = ev.image.x() - start.x(), ev.image.y() - start.y()
        if drag[0] == "new":
            (x, w), (y, h) = _span(start.x(), ev.image.x()), _span(start.y(), ev.image.y())
            self._box = Box(x, y, w, h)
        elif drag[0] == "resize":
            self._box = resized(drag[1].artboard.box, drag[2], dx, dy)
        else:
            self._box = drag[1].artboard.box.translate(round(dx), round(dy))
        canvas.update()

    def release(self, canvas, ev) -> None:
        if self._drag is None:
            return
        self.move(canvas, ev)
        drag, box = self._drag, self._box
        self._drag = self._box = None
        canvas.update()
        doc = canvas.doc
        try:
            if drag[0] == "new":
                if box is None or box.w < 1 or box.h < 1:  # a click: the artboard under it
                    self._click(canvas, ev.image)
                    return
                new_artboard(doc, box)
            elif drag[0] == "resize":
                if box.w >= 1 and box.h >= 1:
                    resize_artboard(doc, drag[1], box)
            else:
                old = drag[1].artboard.box
                doc.set_active(drag[1])
                doc.translate(drag[1], box.x - old.x, box.y - old.y)
        except DocumentError as exc:
            self.window.report(exc, "Could not change the artboard")
        self.show_size()

    def _click(self, canvas, p: QPointF) -> None:
        for group in artboard_groups(canvas.doc)[::-1]:
            box = group.artboard.box
            if box.x <= p.x() < box.x + box.w and box.y <= p.y() < box.y + box.h:
                canvas.doc.set_active(group)
                break
        self.show_size()

    def cancel(self, canvas) -> None:
        """Esc: the drag ends with nothing changed."""
        self._drag = self._box = None
        canvas.update()

    def claims_key(self, canvas, e) -> bool:
        return e.key() == Qt.Key.Key_Escape and self._drag is not None

    def key_press(self, canvas, e) -> bool:
        if e.key() == Qt.Key.Key_Escape and self._drag is not None:
            self.cancel(canvas)
            return True
        return False

    def cursor_at(self, canvas, ev) -> QCursor:
        hit = self._hit(canvas, ev.pos) if canvas.doc is not None else None
        if hit is None:
            return QCursor(Qt.CursorShape.CrossCursor)
        if hit[0] == "move":
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(_CURSORS[hit[2]])

    def activate(self, canvas) -> None:
        self.show_size()
        if canvas is not None:
            canvas.update()

    def deactivate(self, canvas) -> None:
        self._drag = self._box = None
        if canvas is not None:
            canvas.update()

    # -- drawing ----------------------------------------------------------------------------
    def _outline(self, canvas, painter: QPainter, box: Box, width: float = 1.0) -> None:
        a = canvas.image_to_widget(QPointF(box.x, box.y))
        b = canvas.image_to_widget(QPointF(box.x + box.w, box.y + box.h))
        painter.drawRect(QRectF(a, b).normalized())

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        doc = canvas.doc
        if doc is None:
            return
        self.show_size()  # the bar follows the active artboard (an undo, the Layers panel)
        painter.save()
        for group in artboard_groups(doc):
            if not group.visible:
                continue
            active = group is doc.active
            painter.setPen(QPen(QColor("#3d8ee8" if active else "#9aa0a8"), 1.0))
            self._outline(canvas, painter, group.artboard.box)
            painter.drawText(self.label_rect(canvas, group),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, group.name)
            if active:  # its handles
                for _, p in self._handles(canvas, group.artboard.box):
                    painter.fillRect(QRectF(p.x() - 3, p.y() - 3, 6, 6), QColor("#ffffff"))
                    painter.drawRect(QRectF(p.x() - 3, p.y() - 3, 6, 6))
        if self._box is not None:  # the drag's rectangle
            painter.setPen(QPen(QColor("#3d8ee8"), 1.0, Qt.PenStyle.DashLine))
            self._outline(canvas, painter, self._box)
        painter.restore()

    def info_box(self, canvas):
        return self._box if self._box is not None else canvas.doc.selection

    # -- options bar ---------------------------------------------------------------------------
    def _active_artboard(self):
        doc = self.window.doc
        node = doc.active if doc is not None else None
        return node if node is not None and getattr(node, "artboard", None) is not None \
            else None

    def show_size(self) -> None:
        """The active artboard's size in the bar (disabled without one)."""
        if self._w is None:
            return
        group = self._active_artboard()
        widgets = (self._size, self._w, self._h, self._background)
        for widget in widgets:
            widget.blockSignals(True)
            widget.setEnabled(group is not None)
        if group is not None:
            box = group.artboard.box
            self._w.setValue(box.w)
            self._h.setValue(box.h)
            self._size.setCurrentText(preset_of(box.w, box.h))
            kind = group.artboard.background
            self._background.setCurrentText(next(t for t, k in BACKGROUNDS.items() if k == kind))
        for widget in widgets:
            widget.blockSignals(False)

    def set_size(self, width: int, height: int) -> None:
        """The active artboard resized to width x height from its top-left corner."""
        group, doc = self._active_artboard(), self.window.doc
        if group is None:
            return
        box = group.artboard.box
        try:
            resize_artboard(doc, group, Box(box.x, box.y, int(width), int(height)))
        except DocumentError as exc:
            self.window.report(exc, "Could not resize the artboard")
        self.show_size()

    def _background_chosen(self, text: str) -> None:
        group, doc = self._active_artboard(), self.window.doc
        if group is None:
            return
        kind, color = BACKGROUNDS[text], None
        if kind == "other":
            from editor.ui import dialogs

            picked = dialogs.ask_color(self.window, QColor(*group.artboard.color),
                                       "Color Picker (Artboard Background)")
            if picked is None:  # cancelled: as it was
                self.show_size()
                return
            color = (picked.red(), picked.green(), picked.blue())
        try:
            set_background(doc, group, kind, color)
        except DocumentError as exc:
            self.window.report(exc, "Could not set the artboard's background")
        self.show_size()

    def _preset_chosen(self, name: str) -> None:
        if name in PRESETS:
            self.set_size(*PRESETS[name])

    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        label = QLabel("Size:")
        label.setObjectName("Dim")
        row.addWidget(label)
        self._size = QComboBox()
        self._size.setObjectName("ArtboardSize")
        self._size.addItems([*(f"{name}" for name in PRESETS), CUSTOM])
        self._size.setToolTip("Set the active artboard to a preset size: " + ", ".join(
            f"{n} {s[0]}x{s[1]}" for n, s in PRESETS.items()))
        self._size.textActivated.connect(self._preset_chosen)
        row.addWidget(self._size)
        for key in ("W", "H"):
            name = QLabel(f"{key}:")
            name.setObjectName("Dim")
            row.addWidget(name)
            box = QSpinBox()
            box.setObjectName(f"Artboard{key}")
            box.setRange(1, 30000)
            box.setSuffix(" px")
            box.setKeyboardTracking(False)  # one undo step per value typed, not per digit
            box.valueChanged.connect(lambda _=0: self.set_size(self._w.value(), self._h.value()))
            row.addWidget(box)
            setattr(self, f"_{key.lower()}", box)
        name = QLabel("Background:")
        name.setObjectName("Dim")
        row.addWidget(name)
        self._background = QComboBox()
        self._background.setObjectName("ArtboardBackground")
        self._background.addItems(list(BACKGROUNDS))
        self._background.setToolTip("The colour drawn under the active artboard's content")
        self._background.textActivated.connect(self._background_chosen)
        row.addWidget(self._background)
        row.addStretch(1)
        self.show_size()
        return w
