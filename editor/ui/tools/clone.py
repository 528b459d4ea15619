"""Clone Stamp (S): Alt+click a source point, then paint a copy of what lies there.

The dabs are the brush's (size, hardness, opacity, flow; `BrushTool`'s stroke path and
options bar); each dab lays the pixels at the source offset (`editor.model.clone`) over the active
layer. Aligned (the default) keeps the offset from one stroke to the next; off, every stroke
starts again at the source point. Sample: Current Layer copies the active layer, Current &
Below what it and the layers under it show, All Layers what the canvas shows. A crosshair marks where the copy comes from while painting. Each
stroke is one undo step; the layer's locks hold (`Document.begin_pixel_edit`, `PixelEdit`)
and only the selection changes.
"""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel

from editor.model.brush_stroke import BrushStroke
from editor.model.clone import NO_SOURCE, SAMPLES, CloneSource, clone_layer, snapshot

from .brush import BrushTool

CROSS = 7  # the source crosshair's arm, widget pixels


class AlignedStamp(BrushTool):
    """A stamp with Photoshop's Aligned option, kept per tool (the Clone and Pattern
    Stamps'); the options bar's check box is `_option_widgets["aligned"]`."""
    uses_color = False  # (it does not paint the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self._option_widgets: dict = {}

    def load_options(self) -> None:
        super().load_options()
        self.aligned = self.window.settings.value(f"tools/{self.id}/aligned", True, bool)

    def set_aligned(self, on: bool) -> None:
        self.aligned = bool(on)
        self.window.settings.set_value(f"tools/{self.id}/aligned", self.aligned)
        box = self._option_widgets.get("aligned")
        if box is not None and box.isChecked() != self.aligned:
            box.setChecked(self.aligned)

    def _aligned_box(self, row: QHBoxLayout, name: str, tip: str) -> QCheckBox:
        """The options bar's Aligned check box (the caller puts it in `_option_widgets`)."""
        aligned = QCheckBox("Aligned")
        aligned.setObjectName(name)
        aligned.setToolTip(tip)
        aligned.setChecked(self.aligned)
        aligned.toggled.connect(self.set_aligned)
        row.addWidget(aligned)
        return aligned


class CloneStampTool(AlignedStamp):
    id = "clone_stamp"
    label = "Clone Stamp Tool"
    letter = "S"
    icon = "tool-clone"
    tip = "Alt+click where to copy from, then paint the copy ([ and ] change the size)"
    history_name = "Clone Stamp"
    verb = "clone"
    sliders = ("size", "hardness", "opacity", "flow")  # Photoshop's options bar
    no_source = NO_SOURCE
    source_set = "Clone source set at {x}, {y}: paint to copy from it."

    def __init__(self, window):
        super().__init__(window)
        self._snapshot = None          # what the stroke copies from
        self.source = CloneSource()
        self._source_doc = None        # the document the source point was set on

    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        all_layers = settings.value(f"tools/{self.id}/sample_all", False, bool)  # (older)
        self.sample = settings.value(f"tools/{self.id}/sample",
                                     "all" if all_layers else "current", str)
        if self.sample not in dict(SAMPLES):
            self.sample = "current"
        self._offset = (0, 0)
        self._cross: Optional[QRectF] = None

    @property
    def sample_all(self) -> bool:
        return self.sample == "all"

    def set_sample(self, sample: str) -> None:
        """Sample: "current" (Current Layer), "below" (Current & Below) or "all" (All Layers)."""
        self.sample = sample if sample in dict(SAMPLES) else "current"
        self.window.settings.set_value(f"tools/{self.id}/sample", self.sample)
        combo = self._option_widgets.get("sample")
        if combo is not None and combo.currentData() != self.sample:
            combo.setCurrentIndex(combo.findData(self.sample))

    def set_sample_all(self, on: bool) -> None:
        self.set_sample("all" if on else "current")

    # -- stroke ------------------------------------------------------------------------
    def press(self, canvas, ev) -> None:
        doc = canvas.doc
        if ev.alt:  # the source point
            self.source.set(ev.image.x(), ev.image.y())
            self._source_doc = doc
            x, y = self.source.point
            self.window.status(self.source_set.format(x=x, y=y))
            return
        layer = self.pixel_target(doc)
        if layer is None:
            return
        if self._source_doc is not doc:
            self.window.status(self.no_source)
            return
        edit = self._begin_edit(doc, layer, doc.canvas)
        if edit is None:
            return
        self._offset = self.source.start_stroke(ev.image.x(), ev.image.y(), self.aligned)
        canvas.session.renderer.set_focus(layer)
        # (copied from as the stroke began: it never copies what it has just laid)
        self._snapshot = snapshot(doc, layer, self.sample)
        lay = clone_layer(self._snapshot, self._offset, self.opacity, layer.transparency_locked())
        self._stroke = BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness,
                                   self.flow, lay)
        self._edit, self._layer, self._canvas = edit, layer, canvas
        self._path.start(ev.image)
        self._apply(canvas, [ev.image])
        self._move_cross(canvas)

    def move(self, canvas, ev) -> None:
        super().move(canvas, ev)
        if self._edit is not None:
            self._move_cross(canvas)

    def _end_stroke(self) -> None:
        super()._end_stroke()
        self._snapshot = None
        if self._canvas is not None and self._cross is not None:
            self._canvas.update(self._cross.toAlignedRect())
        self._cross = None

    # -- drawing -----------------------------------------------------------------------
    def _move_cross(self, canvas) -> None:
        """Moves the crosshair to where the dab under the pointer copies from."""
        old = self._cross
        last = self._path.last
        centre = canvas.image_to_widget(QPointF(last.x() + self._offset[0],
                                                last.y() + self._offset[1]))
        self._cross = QRectF(centre.x() - CROSS, centre.y() - CROSS, 2 * CROSS, 2 * CROSS)
        for r in (old, self._cross):
            if r is not None:
                canvas.update(r.toAlignedRect().adjusted(-3, -3, 3, 3))

    def source_crosshair(self) -> Optional[QPointF]:
        """The widget point the crosshair marks (None: not painting)."""
        return self._cross.center() if self._cross is not None else None

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        super().paint_overlay(canvas, painter)
        if self._cross is None or canvas is not self._canvas:
            return
        c = self._cross.center()
        painter.save()
        for colour, width in ((QColor(0, 0, 0, 170), 3.0), (QColor(255, 255, 255, 235), 1.0)):
            painter.setPen(QPen(colour, width))
            painter.drawLine(QPointF(c.x() - CROSS, c.y()), QPointF(c.x() + CROSS, c.y()))
            painter.drawLine(QPointF(c.x(), c.y() - CROSS), QPointF(c.x(), c.y() + CROSS))
        painter.restore()

    # -- options bar -------------------------------------------------------------------
    def add_options(self, row: QHBoxLayout) -> None:
        aligned = self._aligned_box(
            row, "clone_aligned", "Keep the offset to the source from one stroke to the next "
                                  "(off: every stroke starts again at the source point)")
        row.addSpacing(10)
        row.addWidget(QLabel("Sample"))
        sample = QComboBox()
        sample.setObjectName("clone_sample")
        for value, text in SAMPLES:
            sample.addItem(text, value)
        sample.setCurrentIndex(sample.findData(self.sample))
        sample.currentIndexChanged.connect(lambda _i: self.set_sample(sample.currentData()))
        row.addWidget(sample)
        self._option_widgets = {"aligned": aligned, "sample": sample}
