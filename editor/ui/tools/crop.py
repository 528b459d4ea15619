"""Crop tool (C): a box over the canvas (the whole canvas at first); drag its handles or
inside it, or draw a new one; Enter (or the check button, or a double-click inside) crops
the image to it in one undo step, Esc puts the box back round the canvas. Outside the box
the canvas is dimmed. The crop itself is `image_ops.crop` (cropped pixels are deleted).
The options bar's Angle turns the box about its centre (straightening: the crop comes out
upright, `crop_fill.straightened_crop`); its Content-Aware, as Photoshop CC's, fills the
empty corners a turned box brings in on the active layer with content-aware fill, run as
Edit > Fill's job (progress and Cancel; Cancel takes the crop back too). The crop and the
fill are one undo step."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import (QCheckBox, QDoubleSpinBox, QHBoxLayout, QLabel, QToolButton,
                               QWidget)

from editor.model import edit_ops
from editor.model.content_fill import apply_content_fill, check_fillable
from editor.model.crop_fill import brought_in, prepare_crop_fill, straightened_crop
from editor.model.errors import DocumentError
from engine.box import Box

from ..icons import icon
from .marquee import MarqueeTool, handle_points, paint_handles


class CropTool(MarqueeTool):
    id = "crop"
    label = "Crop Tool"
    letter = "C"
    icon = "tool-crop"
    tip = "Drag the box's handles round what to keep; Enter crops, Esc starts over"
    context_actions = ()  # (the Marquee's selection menu is not the crop's)

    combines = False  # one box, no shapes, no Shift/Alt combining

    def __init__(self, window):
        super().__init__(window)
        self._boxes: dict[int, Box] = {}  # per document
        self.angle = 0.0            # the box's turn, degrees clockwise (the options bar's Angle)
        self._angle_field: Optional[QDoubleSpinBox] = None
        self._aware_box: Optional[QCheckBox] = None
        self.fill_job = None        # the Content-Aware fill running after a crop (tests wait on it)

    def current_box(self, canvas) -> Optional[Box]:
        doc = canvas.doc
        box = self._boxes.get(id(doc), doc.canvas)
        # (the canvas may have shrunk meanwhile: a box off it starts over)
        return doc.canvas if box.intersect(doc.canvas).is_empty() else box

    def clipped(self, doc, box: Box) -> Box:
        """A dragged box may reach past the canvas, as Photoshop's: the crop grows the
        canvas there (empty, or filled with Content-Aware)."""
        return box

    def set_box(self, canvas, box: Optional[Box]) -> None:
        if box is None:
            self._boxes.pop(id(canvas.doc), None)  # a click: back to the whole canvas
        else:
            self._boxes[id(canvas.doc)] = box
        canvas.update()

    def activate(self, canvas) -> None:
        self._show(self.current_box(canvas) if canvas is not None else None)

    def readout_box(self, canvas) -> Optional[Box]:
        return self.current_box(canvas)

    def selection_changed(self, box) -> None:
        pass  # the readout shows the crop box, not the selection

    @property
    def content_aware(self) -> bool:
        return bool(self.window.settings.value("crop/content_aware", False, bool))

    def set_content_aware(self, on: bool) -> None:
        self.window.settings.set_value("crop/content_aware", bool(on))
        if self._aware_box is not None and self._aware_box.isChecked() != bool(on):
            self._aware_box.setChecked(bool(on))

    def set_angle(self, degrees: float) -> None:
        self.angle = float(degrees)
        if self._angle_field is not None and self._angle_field.value() != self.angle:
            self._angle_field.setValue(self.angle)
        if self.window.tools.canvas is not None:
            self.window.tools.canvas.update()

    def crop(self, canvas) -> None:
        if canvas is None:
            return
        doc = canvas.doc
        box = self._boxes.get(id(doc), doc.canvas)
        angle = self.angle
        if box == doc.canvas and abs(angle) < 1e-9:
            return
        old = doc.size
        try:
            fill_on = None
            if self.content_aware and brought_in((box.w, box.h), old, box, angle).any():
                # Photoshop fills on the layer being cropped: here the active layer, checked
                # first so that a layer that cannot take the fill leaves nothing cropped.
                fill_on = check_fillable(edit_ops.pixel_layer(doc.active, "fill"))
            straightened_crop(doc, box, angle, fill=self._background())
        except Exception as exc:
            self.window.report(exc, "Could not crop")
            return
        self._boxes.pop(id(doc), None)
        self.set_angle(0.0)
        self._show(self.current_box(canvas))
        if fill_on is not None:
            self._fill(doc, fill_on, brought_in(doc.size, old, box, angle), box, angle)

    def _background(self) -> tuple:
        """What a crop past the canvas brings in on the Background layer: the background
        colour, as Photoshop."""
        return tuple(self.window.background.getRgb()[:3])

    def _fill(self, doc, layer, hole, box: Box, angle: float) -> None:
        """Content-Aware: fills what the crop just brought in, as Edit > Fill's job; the crop
        and the fill then become one step, and a cancelled or failed fill takes the crop back
        (the document as it was)."""
        cropped = doc.history.current()

        def take_back() -> None:
            if doc.history.current() is cropped:
                doc.history.undo()
                doc.history.discard_redo()

        try:
            prepared = prepare_crop_fill(doc, layer, hole)
        except Exception as exc:
            take_back()
            self.window.report(exc, "Could not crop")
            return

        def apply(filled) -> None:
            if doc.history.current() is not cropped:
                raise DocumentError("The document changed while the crop was being filled; "
                                    "the crop is kept without the fill.")
            take_back()  # and done again with the fill, one step
            with doc.history.macro("Crop"):
                straightened_crop(doc, box, angle, fill=self._background())
                apply_content_fill(doc, prepared, filled, name="Crop")
            self.window.status("Cropped and filled the new corners from their surroundings; "
                               "Ctrl+Z undoes both.")

        self.fill_job = self.window.edit_commands.fill_job(prepared, apply, take_back,
                                                           failure_title="Could not crop")

    def reset(self, canvas) -> None:
        self.set_angle(0.0)
        if canvas is not None:
            self.set_box(canvas, None)
            self._show(self.current_box(canvas))

    def key_press(self, canvas, e) -> bool:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.crop(canvas)
            return True
        if e.key() == Qt.Key.Key_Escape and (id(canvas.doc) in self._boxes or self.angle):
            self.reset(canvas)
            return True
        return False

    def double_click(self, canvas, ev) -> bool:
        if self._inside(canvas, ev.pos):
            self.crop(canvas)
            return True
        return False

    # -- drawing ----------------------------------------------------------------------
    def shown_selection(self, canvas) -> Optional[Box]:
        return canvas.doc.selection  # the marching ants stay the selection's

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        box = self._preview if self._drag is not None and self._preview is not None \
            else self.current_box(canvas)
        rect = canvas.widget_rect(box)
        # The Angle turns the box about its centre (y grows down: clockwise on screen).
        turn = QTransform()
        centre = QPointF(rect.center())
        turn.translate(centre.x(), centre.y()).rotate(self.angle).translate(-centre.x(),
                                                                            -centre.y())
        shade = QPainterPath()
        shade.addRect(canvas.doc_rect())
        keep = QPainterPath()
        keep.addRect(rect)
        keep = turn.map(keep)
        painter.save()
        painter.fillPath(shade.subtracted(keep), QColor(0, 0, 0, 140))
        painter.setPen(QColor("#ffffff"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(keep)
        painter.restore()
        if abs(self.angle) < 1e-9:
            paint_handles(painter, handle_points(rect).values())

    # -- options bar ------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self._readout = QLabel()
        self._readout.setObjectName("Dim")
        row.addWidget(self._readout)
        row.addSpacing(12)
        row.addWidget(QLabel("Angle:"))
        self._angle_field = QDoubleSpinBox()
        self._angle_field.setObjectName("CropAngle")
        self._angle_field.setRange(-45.0, 45.0)
        self._angle_field.setDecimals(1)
        self._angle_field.setSuffix("°")
        self._angle_field.setToolTip("Turn the box to straighten the picture (degrees "
                                     "clockwise); the crop comes out upright")
        self._angle_field.setValue(self.angle)
        self._angle_field.valueChanged.connect(self.set_angle)
        row.addWidget(self._angle_field)
        aware = QCheckBox("Content-Aware")
        aware.setObjectName("CropContentAware")
        aware.setToolTip("Fill the empty corners a turned box brings in from what surrounds "
                         "them (the active layer)")
        aware.setChecked(self.content_aware)
        aware.toggled.connect(self.set_content_aware)
        self._aware_box = aware
        row.addWidget(aware)
        row.addStretch(1)
        canvas = self.window.tools.canvas
        self._show(self.readout_box(canvas) if canvas is not None else None)
        for name, tip, slot in (("cancel", "Put the box back round the canvas (Esc)", self.reset),
                                ("check", "Crop to the box (Enter)", self.crop)):
            button = QToolButton()
            button.setIcon(icon(name))
            button.setToolTip(tip)
            button.setObjectName(f"Crop{name.title()}")
            button.clicked.connect(lambda _=False, s=slot: s(self.window.tools.canvas))
            row.addWidget(button)
        return w
