"""The Freeform Pen (P's group, after the Pen; Shift+P): a path drawn as the pointer moves
with the button held, turned into few anchors by Curve Fit (0.5-10 px, 2 as Photoshop's:
how far the path may stray from the stroke, `editor.model.curve_fit`); a stroke that ends
on its first point closes. Magnetic (the options bar) traces along edges instead, as the
Magnetic Lasso does with the same options (`magnetic`): a click starts, the path follows
the pointer along the strongest edge within Width and fastens itself, a click fastens a
point, Backspace or Delete takes one back, Esc drops it; a double-click or a click on the
first point closes it along the edges, Enter ends it open; [ and ] change Width. Either way
the path goes where the Pen's Mode puts it (Shape: the layer's vector mask; Path: the
chosen path or the Work Path), one undo step, as the Pen's own."""
from __future__ import annotations

from typing import Optional

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLabel, QWidget

from editor.model.curve_fit import fit_knots

from .magnetic import CLOSE_DISTANCE, MagneticTrace, key_claimed
from .path_tools import paint_outline
from .pen import PenTool, target_refusal


class FreeformPenTool(PenTool):
    id = "freeform_pen"
    label = "Freeform Pen Tool"
    letter = "P"
    icon = "tool-pen-freeform"
    tip = ("Drag to draw a path freely (Curve Fit smooths it); Magnetic: click, then move "
           "along an edge; end on the first point to close")

    def __init__(self, window):
        super().__init__(window)
        self.trace = MagneticTrace(self)
        self.stroke: list[QPointF] = []  # the freehand stroke, image coordinates
        self._magnetic_options: Optional[QWidget] = None

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.curve_fit = min(max(settings.value("tools/freeform_pen/curve_fit", 2.0, float), 0.5), 10.0)
        self.magnetic = settings.value("tools/freeform_pen/magnetic", False, bool)
        if "trace" in self.__dict__:  # (made after the first load, which its own init does)
            self.trace.load_options()
        self._magnetic_box: Optional[QCheckBox] = None

    def set_magnetic(self, on: bool) -> None:
        self.cancel()
        self.set_option("magnetic", bool(on))
        if self._magnetic_box is not None and self._magnetic_box.isChecked() != self.magnetic:
            self._magnetic_box.setChecked(self.magnetic)
        if self._magnetic_options is not None:
            self._magnetic_options.setVisible(self.magnetic)

    def cancel(self) -> None:
        super().cancel()
        self.stroke = []
        if hasattr(self, "trace"):
            self.trace.reset()

    def deactivate(self, canvas) -> None:
        self.cancel()  # (a stroke or trace under way is dropped)
        super().deactivate(canvas)

    def change_size(self, direction: int) -> None:
        """[ and ]: the Magnetic option's Width, a pixel at a time."""
        if self.magnetic:
            self.trace.set_value("width", self.trace.width + direction)

    @property
    def drawing(self) -> bool:
        return bool(self.stroke) or self.trace.active

    # -- input ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        if self.trace.active:
            if self.trace.press(canvas, ev):
                self.finish_trace(canvas, closed=True)
            canvas.update()
            return
        self._anchor_tool = self._auto(canvas, ev)
        if self._anchor_tool is not None:  # Auto Add/Delete, as the Pen's
            self._anchor_tool.press(canvas, ev)
            return
        if self.into_vector_mask(canvas.doc):
            refusal = target_refusal(canvas.doc)
            if refusal is not None:
                self.window.status(refusal)
                return
        if self.magnetic:
            try:
                self.trace.start(canvas, ev)
            except Exception as exc:
                self.trace.reset()
                self.window.report(exc, "Could not follow the edges")
        else:
            self.stroke = [ev.image]
        canvas.update()

    def move(self, canvas, ev) -> None:
        if self._anchor_tool is not None:
            self._anchor_tool.move(canvas, ev)
        elif self.trace.active:
            self.trace.drag(canvas, ev)
            canvas.update()
        elif self.stroke:
            last = canvas.image_to_widget(self.stroke[-1])
            if (ev.pos - last).manhattanLength() >= 2:  # a point every couple of screen px
                self.stroke.append(ev.image)
                canvas.update()

    def release(self, canvas, ev) -> None:
        tool, self._anchor_tool = self._anchor_tool, None
        if tool is not None:
            tool.release(canvas, ev)
        elif self.stroke:
            self.stroke.append(ev.image)
            self.finish_stroke(canvas)

    def hover(self, canvas, ev) -> None:
        if self.trace.active:
            self.trace.hover(canvas, ev)
            canvas.update()

    def double_click(self, canvas, ev) -> bool:
        if not self.trace.active:
            return False
        if not ev.alt:
            self.trace.press(canvas, ev)  # (the point double-clicked, if not fastened yet)
        self.finish_trace(canvas, closed=True, straight=ev.alt)
        return True

    def claims_key(self, canvas, e) -> bool:
        if self.trace.active:
            return key_claimed(e.key())
        if self.stroke and e.key() == Qt.Key.Key_Escape:
            return True
        return super().claims_key(canvas, e)

    def key_press(self, canvas, e) -> bool:
        if self.stroke and e.key() == Qt.Key.Key_Escape:  # a stroke being dragged: dropped
            self.stroke = []
            canvas.update()
            return True
        if not self.trace.active:
            return super().key_press(canvas, e)
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_trace(canvas, closed=False)
        elif e.key() == Qt.Key.Key_Escape:
            self.trace.reset()
        elif e.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.trace.back()
        else:
            return False
        canvas.update()
        return True

    def step_back(self) -> bool:
        """Undo while tracing takes the last fastening point back (the Pen's: an anchor)."""
        if self.trace.active:
            self.trace.back()
            if self.window.canvas is not None:
                self.window.canvas.update()
            return True
        return super().step_back()

    # -- the path ---------------------------------------------------------------------
    def finish_stroke(self, canvas) -> None:
        """The freehand stroke fitted and added (closed when it ended on its start)."""
        stroke, self.stroke = self.stroke, []
        points = np.array([(p.x(), p.y()) for p in stroke])
        closed = len(points) >= 4 and (canvas.image_to_widget(stroke[-1])
                                       - canvas.image_to_widget(stroke[0])).manhattanLength() <= CLOSE_DISTANCE
        if closed:
            points = points[:-1]  # (the end is the start)
        self._add_fitted(canvas, points, closed)

    def finish_trace(self, canvas, closed: bool, straight: bool = False) -> None:
        """The magnetic trace fitted and added: closed along the edges (`straight`: by a
        straight line), or open where it was last fastened."""
        points = self.trace.closed(straight or not closed)
        self.trace.reset()
        if closed:
            points = points[:-1] if np.allclose(points[-1], points[0]) else points
        self._add_fitted(canvas, points, closed)

    def _add_fitted(self, canvas, points: np.ndarray, closed: bool) -> None:
        if len(points) < 2 or float(np.abs(points - points[0]).max()) < 0.5:
            canvas.update()  # a click without a drag draws nothing
            return
        self.knots = list(fit_knots(points, self.curve_fit, closed))
        self.finish(canvas, closed)

    # -- drawing ----------------------------------------------------------------------
    def paint_overlay(self, canvas, painter: QPainter) -> None:
        super().paint_overlay(canvas, painter)
        if self.trace.active:
            self.trace.paint(canvas, painter)
        elif len(self.stroke) >= 2:
            line = QPainterPath(canvas.image_to_widget(self.stroke[0]))
            for p in self.stroke[1:]:
                line.lineTo(canvas.image_to_widget(p))
            paint_outline(painter, line)

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = super().build_options()
        row = w.layout()
        at = row.count() - 1  # before the stretch
        widgets = [QLabel("Curve Fit")]
        fit = QDoubleSpinBox()
        fit.setObjectName("FreeformCurveFit")
        fit.setRange(0.5, 10.0)
        fit.setSingleStep(0.5)
        fit.setDecimals(1)
        fit.setSuffix(" px")
        fit.setToolTip("How far the path may stray from the stroke: more, fewer anchors")
        fit.setValue(self.curve_fit)
        fit.valueChanged.connect(lambda v: self.set_option("curve_fit", float(v)))
        widgets.append(fit)
        box = QCheckBox("Magnetic")
        box.setObjectName("FreeformMagnetic")
        box.setToolTip("Trace along edges, as the Magnetic Lasso does")
        box.setChecked(self.magnetic)
        box.toggled.connect(self.set_magnetic)
        self._magnetic_box = box
        widgets.append(box)
        self._magnetic_options = self.trace.build_options()
        self._magnetic_options.setVisible(self.magnetic)
        widgets.append(self._magnetic_options)
        for i, widget in enumerate(widgets):
            row.insertWidget(at + i, widget)
        return w
