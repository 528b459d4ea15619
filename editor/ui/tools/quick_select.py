"""Quick Selection (W; Shift+W takes the next of Object Selection, Quick Selection and
Magic Wand): paint with a round brush over what to select; when the mouse is released
the selection grows to the region the stroke covers and what is like it up to the
picture's edges (`editor.model.quick_select`, GrabCut with the stroke). As in Photoshop:
the options bar's New / Add / Subtract (after a stroke in New the tool adds), Alt paints
to take away, Shift to add; [ and ] change the brush size; Sample All Layers looks at what
the canvas shows instead of the active layer, for the strokes and the Select Subject
button (`subject_button`) alike. Each stroke is one undo step.

A stroke is solved as a job (`quick_select.solve`: 0.35-0.55 s on a 12 Mpx photo, too
long for the GUI thread), its band staying on the canvas until the selection lands; Esc
(the job's Cancel) drops it and the strokes waiting behind it, the selection unchanged.
Strokes are solved one after another, each from the selection the one before left; a
result the selection has overtaken meanwhile (an undo, a new selection) is dropped and
the stroke solved again from the selection as it is now."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QToolButton, QWidget

from editor.jobs import Job
from editor.model import Layer, quick_select
from editor.model.selection_ops import current_mask

from .base import SELECTION_CONTEXT, Tool
from .brush import MAX_SIZE, BrushOutline, next_size, slider_pair
from .subject_button import subject_button

MODES = (("new", "New", "New selection: the next stroke starts a selection (then adds)"),
         ("add", "Add", "Add to the selection (Shift)"),
         ("subtract", "Subtract", "Subtract from the selection (Alt)"))


JOB_NAME = "Quick Selection"


@dataclass
class Stroke:
    """A released stroke waiting for (or in) its solve."""
    session: object
    picture: object            # sampled at the press
    points: list[QPointF]
    size: int
    op: str                    # "replace", "add", "subtract"


def selection_key(doc) -> tuple:
    """What says the selection may have changed: its box, its mask array (replaced by the
    selection commands) and the history's place (Quick Mask's strokes paint the mask in
    place, each an undo step)."""
    history = doc.history
    return doc.selection, id(doc.selection_mask), history.index, id(history.current())


class QuickSelectionTool(Tool):
    id = "quick_select"
    label = "Quick Selection Tool"
    letter = "W"
    icon = "tool-quick-select"
    tip = ("Paint over what to select: the selection grows to its edges ([ and ] change the "
           "size; Alt takes away)")
    context_actions = SELECTION_CONTEXT

    def __init__(self, window):
        super().__init__(window)
        self._points: list[QPointF] = []     # the stroke being painted (image coordinates)
        self._op = "add"
        self._picture = None                 # sampled at the press
        self._outline = BrushOutline(QColor(255, 255, 255, 230))
        self._size_spin = None
        self._mode_buttons: Optional[QButtonGroup] = None
        self.job = None   # the latest Select Subject (tests wait for it)
        self._strokes: list[Stroke] = []     # released, waiting for their solve
        self._job: Optional[Job] = None      # the solve running (or queued)
        self._shown: Optional[Stroke] = None  # its stroke, drawn until it lands

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.size = settings.value("tools/quick_select/size", 30, int)
        self.mode = settings.value("tools/quick_select/mode", "new")
        if self.mode not in {m for m, _t, _tip in MODES}:
            self.mode = "new"
        self.sample_all = settings.value("tools/quick_select/sample_all", False, bool)

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
        self._strokes.append(Stroke(self.window.session, picture, list(points), self.size,
                                    self._op))
        if self._op == "replace" and self.mode == "new":
            self.set_mode("add")  # Photoshop's: after the first stroke, strokes add
        self._solve_next()

    def _solve_next(self) -> None:
        """Submits the first waiting stroke's solve, from the selection as it is now."""
        w = self.window
        while self._job is None and self._strokes:
            stroke = self._strokes[0]
            if stroke.session not in w.sessions:
                self._strokes.pop(0)
                continue
            doc = stroke.session.doc
            old = None if stroke.op == "replace" else current_mask(doc)
            if old is not None and old is doc.selection_mask:
                old = old.copy()  # (the worker reads it; Quick Mask paints it in place)
            key = selection_key(doc)
            points = [(p.x(), p.y()) for p in stroke.points]

            def land(new, stroke=stroke, doc=doc, key=key) -> None:
                if stroke.session not in w.sessions:
                    return
                if selection_key(doc) != key:  # overtaken: solved again from the new one
                    self._strokes.insert(0, stroke)
                    return
                if new is not None:
                    quick_select.land(doc, new)

            job = Job(JOB_NAME, lambda progress, s=stroke, old=old, points=points:
                      quick_select.solve(s.picture, old, points, s.size, s.op, progress),
                      on_finished=land, on_failed=self._dropped, on_cancelled=self._dropped)
            self._strokes.pop(0)
            self._job = job
            w.jobs.submit(job, canvas=stroke.session.canvas, failure_title="Could not select")
            w.jobs.job_ended.connect(self._ended)
            self._shown = stroke

    def _ended(self, job: Job) -> None:
        if job is not self._job:
            return
        self.window.jobs.job_ended.disconnect(self._ended)
        self._job, self._shown = None, None
        canvas = self.window.tools.canvas
        if canvas is not None:
            canvas.update()
        self._solve_next()

    def _dropped(self, *_args) -> None:
        """Cancelled or failed: the strokes waiting go too (the selection as it was)."""
        self._strokes.clear()

    def deactivate(self, canvas) -> None:
        self._picture, self._points = None, []
        self._outline.move_to(canvas, None, self.size)

    def hover(self, canvas, ev) -> None:
        self._outline.move_to(canvas, ev.image, self.size)

    def leave(self, canvas) -> None:
        self._outline.move_to(canvas, None, self.size)

    # -- drawing -----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        # The strokes still solving, then the one being painted: translucent bands of the
        # brush's width.
        solving = [self._shown] if self._shown is not None else []
        for stroke in solving + self._strokes:
            if stroke.session is self.window.session:
                self._paint_band(canvas, painter, stroke.points, stroke.size, stroke.op)
        if len(self._points) > 0:
            self._paint_band(canvas, painter, self._points, self.size, self._op)
        self._outline.paint(canvas, painter, self.size)

    def _paint_band(self, canvas, painter: QPainter, points, size, op) -> None:
        path = QPainterPath(canvas.image_to_widget(points[0]))
        for p in points[1:]:
            path.lineTo(canvas.image_to_widget(p))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(255, 80, 80, 110) if op == "subtract" else QColor(80, 160, 255, 110)
        pen = QPen(colour, max(1.0, size * canvas.scale))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPath(path)
        painter.restore()

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
