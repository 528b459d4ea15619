"""Quick Selection (W; Shift+W takes the next of Object Selection, Quick Selection and
Magic Wand): paint with a round brush over what to select; when the mouse is released
the selection grows to the region the stroke covers and what is like it up to the
picture's edges (`editor.model.quick_select`, GrabCut with the stroke). As in Photoshop:
the options bar's New / Add / Subtract (after a stroke in New the tool adds), Alt paints
to take away, Shift to add; [ and ] change the brush size; Sample All Layers looks at what
the canvas shows instead of the active layer, for the strokes and the Select Subject
button (`subject_button`) alike. Each stroke is one undo step."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QToolButton, QWidget

from editor.model import Layer, quick_select

from .base import Tool
from .brush import MAX_SIZE, BrushOutline, next_size, slider_pair
from .subject_button import subject_button

MODES = (("new", "New", "New selection: the next stroke starts a selection (then adds)"),
         ("add", "Add", "Add to the selection (Shift)"),
         ("subtract", "Subtract", "Subtract from the selection (Alt)"))


class QuickSelectionTool(Tool):
    id = "quick_select"
    label = "Quick Selection Tool"
    letter = "W"
    icon = "tool-quick-select"
    tip = ("Paint over what to select: the selection grows to its edges ([ and ] change the "
           "size; Alt takes away)")

    def __init__(self, window):
        super().__init__(window)
        settings = window.settings
        self.size = settings.value("tools/quick_select/size", 30, int)
        self.mode = settings.value("tools/quick_select/mode", "new")
        if self.mode not in {m for m, _t, _tip in MODES}:
            self.mode = "new"
        self.sample_all = settings.value("tools/quick_select/sample_all", False, bool)
        self._points: list[QPointF] = []     # the stroke being painted (image coordinates)
        self._op = "add"
        self._picture = None                 # sampled at the press
        self._outline = BrushOutline(QColor(255, 255, 255, 230))
        self._size_spin = None
        self._mode_buttons: Optional[QButtonGroup] = None
        self.job = None   # the latest Select Subject (tests wait for it)

    # -- settings --------------------------------------------------------------------
    def set_size(self, size: int) -> None:
        self.size = int(max(1, min(MAX_SIZE, size)))
        self.window.settings.set_value("tools/quick_select/size", self.size)
        if self._size_spin is not None and self._size_spin.value() != self.size:
            self._size_spin.setValue(self.size)
        canvas = self.window.tools.canvas
        if canvas is not None:
            canvas.update()

    def change_size(self, direction: int) -> None:
        """[ and ]: the brush's size in the Brush's steps."""
        self.set_size(next_size(self.size, direction))

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.window.settings.set_value("tools/quick_select/mode", mode)
        if self._mode_buttons is not None:
            ids = [m for m, _t, _tip in MODES]
            self._mode_buttons.button(ids.index(mode)).setChecked(True)

    def set_sample_all(self, on: bool) -> None:
        self.sample_all = bool(on)
        self.window.settings.set_value("tools/quick_select/sample_all", self.sample_all)

    # -- stroke ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        # Keys held at the press win over the options bar, as in Photoshop.
        self._op = "subtract" if ev.alt else "add" if ev.shift else \
            "replace" if self.mode == "new" else self.mode
        layer = None if self.sample_all else doc.active
        if layer is not None and not isinstance(layer, Layer):
            layer = None  # a group: what the canvas shows
        try:
            self._picture = quick_select.sampled_picture(doc, layer)
        except Exception as exc:
            self.window.report(exc, "Could not select")
            return
        self._points = [ev.image]
        canvas.update()

    def move(self, canvas, ev) -> None:
        self._outline.move_to(canvas, ev.image, self.size)
        if self._picture is not None:
            self._points.append(ev.image)
            canvas.update()

    def release(self, canvas, ev) -> None:
        picture, points = self._picture, self._points
        self._picture, self._points = None, []
        canvas.update()
        if picture is None:
            return
        try:
            quick_select.select_stroke(canvas.doc, picture, [(p.x(), p.y()) for p in points],
                                       self.size, self._op)
        except Exception as exc:
            self.window.report(exc, "Could not select")
            return
        if self._op == "replace" and self.mode == "new":
            self.set_mode("add")  # Photoshop's: after the first stroke, strokes add

    def deactivate(self, canvas) -> None:
        self._picture, self._points = None, []
        self._outline.move_to(canvas, None, self.size)

    def hover(self, canvas, ev) -> None:
        self._outline.move_to(canvas, ev.image, self.size)

    def leave(self, canvas) -> None:
        self._outline.move_to(canvas, None, self.size)

    # -- drawing -----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if len(self._points) > 0:
            # The stroke being painted, as a translucent band of the brush's width.
            path = QPainterPath(canvas.image_to_widget(self._points[0]))
            for p in self._points[1:]:
                path.lineTo(canvas.image_to_widget(p))
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            colour = QColor(255, 80, 80, 110) if self._op == "subtract" \
                else QColor(80, 160, 255, 110)
            pen = QPen(colour, max(1.0, self.size * canvas.scale))
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawPath(path)
            painter.restore()
        self._outline.paint(canvas, painter, self.size)

    def cursor_at(self, canvas, ev) -> QCursor:
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- options bar -------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        self._mode_buttons = QButtonGroup(w)
        for i, (mode, text, tip) in enumerate(MODES):
            button = QToolButton()
            button.setObjectName(f"QuickSelect_{mode}")
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.setChecked(mode == self.mode)
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self._mode_buttons.addButton(button, i)
            row.addWidget(button)
        row.addSpacing(10)
        self._size_spin = slider_pair(row, "Size", 1, MAX_SIZE, self.size, " px", self.set_size)
        self._size_spin.setObjectName("QuickSelect_size")
        box = QCheckBox("Sample All Layers")
        box.setObjectName("QuickSelect_sample_all")
        box.setToolTip("Look at what the canvas shows, not only the active layer")
        box.setChecked(self.sample_all)
        box.toggled.connect(self.set_sample_all)
        row.addWidget(box)
        row.addWidget(subject_button(self, lambda: self.sample_all))
        row.addStretch(1)
        return w
