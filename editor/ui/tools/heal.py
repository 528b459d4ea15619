"""Spot Healing Brush (J), Content-Aware: paint over a blemish or a small object; on release
the painted pixels are filled from their surroundings.

The stroke is shown as a translucent red trail while it is painted and until its fill is
applied. On release its coverage (`editor.model.dabs.line_coverage`, the brush's dabs) is
filled by Edit > Fill > Content-Aware's path (`editor.model.content_fill`: the multi-scale
PatchMatch of the engine), on the window's job worker: sampled from a window around the
stroke — from the active layer, or with Sample All Layers from what the canvas shows, the
result going onto the active layer either way (an empty layer above keeps the retouch apart,
as in Photoshop). Only inside the selection; each stroke is one undo step. Strokes painted
while one is being filled wait their turn, so each one samples the picture healed so far.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel

from editor.jobs import Job
from editor.model.content_fill import (apply_content_fill, check_fillable, prepare_stroke_fill,
                                       run_content_fill)
from editor.model.dabs import line_coverage
from editor.model.errors import DocumentError

from ..mask_tint import TINT, TINT_OPACITY
from .brush import BrushTool
from .sample_all import SampleAllLayers

HISTORY_NAME = "Spot Healing Brush"


@dataclass
class _Stroke:
    canvas: object            # the CanvasView it was painted on
    layer: object             # the layer that takes the fill
    size: int
    sample_all: bool
    points: list = field(default_factory=list)  # QPointF, canvas pixels
    taken_back: bool = False  # undone before its fill landed: the fill is thrown away

    def widget_rect(self, a: QPointF, b: QPointF) -> QRectF:
        """The widget area the trail between image points a and b covers."""
        canvas = self.canvas
        pa, pb = canvas.image_to_widget(a), canvas.image_to_widget(b)
        r = self.size * canvas.scale / 2 + 2
        return QRectF(pa, pb).normalized().adjusted(-r, -r, r, r)


class SpotHealingTool(SampleAllLayers, BrushTool):
    id = "spot_heal"
    label = "Spot Healing Brush Tool"
    letter = "J"
    icon = "tool-heal"
    tip = ("Paint over a blemish or a small object: it is filled from its surroundings "
           "(Content-Aware; [ and ] change the size)")
    history_name = HISTORY_NAME
    sliders = ("size",)
    verb = "heal"
    SAMPLE_ALL_TIP = ("Fill from what the canvas shows, not only the active layer (heal on "
                      "an empty layer above to keep the retouch apart)")
    uses_color = False  # (it does not paint the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._stroke: Optional[_Stroke] = None   # being painted
        self._queue: list[_Stroke] = []          # painted; the first one is being filled
        self._job: Optional[Job] = None
        window.jobs.job_ended.connect(self._job_ended)

    def load_options(self) -> None:
        super().load_options()
        self.load_sample_all()

    @property
    def busy(self) -> bool:
        """Whether a stroke is waiting for (or being given) its fill."""
        return bool(self._queue)

    # -- stroke ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        layer = self.pixel_target(doc)
        if layer is None:
            return
        try:
            check_fillable(layer)
        except DocumentError as exc:
            self.window.report(exc, "Could not heal")
            return
        if layer.is_empty() and not self.sample_all:
            # Nothing to sample: one line, as the other retouching tools say it, not a
            # dialog after the stroke (Photoshop's heal onto an empty layer samples all).
            self.window.status(f"Layer '{layer.name}' has no pixels to heal: turn on Sample "
                               "All Layers to heal onto it.")
            return
        self._stroke = _Stroke(canvas, layer, self.size, self.sample_all, [ev.image])
        canvas.update(self._stroke.widget_rect(ev.image, ev.image).toAlignedRect())

    def move(self, canvas, ev) -> None:
        self._set_hover(canvas, ev.image)
        stroke = self._stroke
        if stroke is None or stroke.canvas is not canvas:
            return
        last = stroke.points[-1]
        if (ev.image.x() - last.x()) ** 2 + (ev.image.y() - last.y()) ** 2 < 0.25:
            return
        stroke.points.append(ev.image)
        canvas.update(stroke.widget_rect(last, ev.image).toAlignedRect())

    def release(self, canvas, ev) -> None:
        self._end_stroke()

    def _end_stroke(self) -> None:
        stroke, self._stroke = self._stroke, None
        if stroke is None:
            return
        self._queue.append(stroke)
        self._next()

    # -- fills, one at a time ------------------------------------------------------------
    def _next(self) -> None:
        """Starts the fill of the first waiting stroke, unless one is running."""
        w = self.window
        while self._queue and self._job is None:
            stroke = self._queue[0]
            session = stroke.canvas.session
            if session not in w.sessions:  # its document was closed
                self._queue.pop(0)
                continue
            doc = session.doc
            points = np.array([(p.x(), p.y()) for p in stroke.points], np.float64)
            try:
                box, coverage = line_coverage([points], stroke.size, 1.0, doc.canvas)
                if box.is_empty():
                    raise DocumentError("The stroke lies outside the canvas.")
                prepared = prepare_stroke_fill(doc, stroke.layer, box, coverage,
                                               sample_all=stroke.sample_all)
            except Exception as exc:
                self._drop(stroke)
                w.report(exc, "Could not heal")
                continue

            def apply(filled, doc=doc, session=session, prepared=prepared,
                      stroke=stroke) -> None:
                if session in w.sessions and not stroke.taken_back:
                    apply_content_fill(doc, prepared, filled, name=HISTORY_NAME)

            self._job = Job(HISTORY_NAME, lambda progress, p=prepared: run_content_fill(p, progress),
                            on_finished=apply)
            w.jobs.submit(self._job, canvas=stroke.canvas, failure_title="Could not heal")

    def step_back(self) -> bool:
        """Undo (Ctrl+Z) while strokes on this canvas wait for their fill takes the last one
        back: it is what the user did last, though not yet in the History (Photoshop heals
        at once, so its Undo undoes the stroke just painted, never the step before it)."""
        canvas = self.window.canvas
        waiting = [s for s in self._queue if s.canvas is canvas]
        if not waiting:
            return False
        stroke = waiting[-1]
        stroke.taken_back = True
        if stroke is self._queue[0] and self._job is not None:
            self._job.cancel()   # `_job_ended` drops it and starts the next
        else:
            self._drop(stroke)
        self.window.status("Spot Healing stroke taken back before it was healed.")
        return True

    def _job_ended(self, job: Job) -> None:
        if job is not self._job:
            return
        self._job = None
        if self._queue:
            self._drop(self._queue[0])
        self._next()

    def _drop(self, stroke: _Stroke) -> None:
        if stroke in self._queue:
            self._queue.remove(stroke)
        if stroke.canvas.session in self.window.sessions:
            stroke.canvas.update()

    # -- drawing -----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        strokes = [s for s in [*self._queue, self._stroke] if s is not None and s.canvas is canvas]
        if strokes:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            colour = QColor(*TINT, round(255 * TINT_OPACITY))
            for stroke in strokes:
                pen = QPen(colour, max(1.0, stroke.size * canvas.scale))
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                # One path: where the trail crosses itself it is not darker (one coverage).
                path = QPainterPath(canvas.image_to_widget(stroke.points[0]))
                for p in stroke.points[1:]:
                    path.lineTo(canvas.image_to_widget(p))
                if len(stroke.points) == 1:
                    path.lineTo(canvas.image_to_widget(stroke.points[0]) + QPointF(0.01, 0))
                painter.drawPath(path)
            painter.restore()
        super().paint_overlay(canvas, painter)

    # -- options bar -------------------------------------------------------------------
    def add_options(self, row: QHBoxLayout) -> None:
        row.addWidget(QLabel("Type: Content-Aware"))
        row.addSpacing(10)
        self.add_sample_all(row)
