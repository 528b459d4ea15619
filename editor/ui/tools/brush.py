"""Brush (B) and Eraser (E): paint on the active layer with a round brush.

A stroke is one undo step: it starts with `Document.begin_pixel_edit`, every
mouse move paints the dabs along the segment in place (only touched tiles are
kept for undo), and it ends with `end_pixel_edit`. Dabs are spaced at a
quarter of the diameter, as in Photoshop, unless Brush Settings (brush_settings.py: tip
shape, dynamics, presets) say otherwise; [ and ] change the size, Shift+click
paints a straight line from the last stroke, Alt+click picks a colour. The dab is
`editor.model.dabs`' (Stroke Path draws the same dabs). The Brush, Pencil and Eraser
offer Paint Symmetry (symmetry_ui.py): the stroke lays each dab at its copies too.
"""
from __future__ import annotations

import math
from typing import Optional

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox,
                               QToolButton, QWidget)

from editor.model import Layer, mask_ops
from editor.model import history_brush
from editor.model.brush_stroke import BrushStroke, mask_layer, pixel_layer
from editor.model.brush_tip import BrushPreset, BrushTip, tip_from_json, tip_json
from editor.model.errors import DocumentError
from editor.model.dabs import SPACING
from editor.model.commands import LayerMaskEdit, PixelEdit

from ..icons import icon
from .base import Tool
from .eyedropper import sample_color
from .symmetry_ui import SYMMETRY_TOOLS, paint_symmetry

MAX_SIZE = 1000
SLIDER_MIN, SLIDER_MAX = 56, 110   # an options bar slider's width, widget pixels
# The tools whose strokes take Brush Settings' tip and dynamics (the others keep the round
# tip: their strokes sample, heal or smudge under each dab).
TIP_TOOLS = {"brush", "pencil", "eraser", "history_brush"}
AIRBRUSH_TOOLS = {"brush", "eraser"}  # (Photoshop's Brush and Eraser have the option)
AIRBRUSH_MS = 50  # a resting airbrush lays a dab this often (20 a second)
_SIZE_STEPS = ((10, 1), (100, 10), (200, 25), (400, 50), (MAX_SIZE, 100))


def next_size(size: int, direction: int) -> int:
    """Photoshop-like [ / ] steps: 1 px under 10, 10 px under 100, then coarser."""
    if direction > 0:
        step = next(s for limit, s in _SIZE_STEPS if size < limit) if size < MAX_SIZE else 0
        return min(MAX_SIZE, (size // step + 1) * step if step else size)
    step = next((s for limit, s in _SIZE_STEPS if size <= limit), 100)
    return max(1, math.ceil(size / step - 1) * step)


def slider_pair(row: QHBoxLayout, label: str, lo: int, hi: int, value: int, suffix: str,
                on_change) -> QSpinBox:
    """A labelled slider and spin box kept in step, added to the options bar's `row`; the
    spin box (its value is the setting's). The slider gives way (down to SLIDER_MIN) when a
    tool's options need more room than the window has, so that none is cut off at the end
    of the bar (the Clone Stamp's Sample in a 1200-px window)."""
    row.addWidget(QLabel(label))
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(lo, hi)
    slider.setMinimumWidth(SLIDER_MIN)
    slider.setMaximumWidth(SLIDER_MAX)
    spin = QSpinBox()
    spin.setRange(lo, hi)
    spin.setSuffix(suffix)
    spin.setFixedWidth(74)
    slider.setValue(value)
    spin.setValue(value)
    slider.valueChanged.connect(spin.setValue)
    spin.valueChanged.connect(slider.setValue)
    spin.valueChanged.connect(on_change)
    row.addWidget(slider, 1)
    row.addWidget(spin)
    row.addSpacing(10)
    return spin


class StrokePath:
    """Where the dabs of a stroke fall: every quarter diameter along the pointer's path (as
    in Photoshop), carrying the distance walked since the last dab from one move to the next."""

    def __init__(self) -> None:
        self.last: Optional[QPointF] = None   # the position the stroke has reached
        self.carry = 0.0

    def start(self, point: QPointF) -> None:
        self.last, self.carry = point, 0.0

    def to(self, point: QPointF, diameter: float, spacing: float = SPACING) -> list[QPointF]:
        """The dab centres on the segment from the last position to `point`, `spacing`
        diameters apart (Brush Settings' Spacing)."""
        spacing = max(1.0, diameter * spacing)
        last = self.last
        dx, dy = point.x() - last.x(), point.y() - last.y()
        dist = math.hypot(dx, dy)
        if dist == 0:
            return []
        centres = []
        along = spacing - self.carry  # where the next dab falls on this segment
        while along <= dist:
            t = along / dist
            centres.append(QPointF(last.x() + dx * t, last.y() + dy * t))
            along += spacing
        self.carry = dist - (along - spacing)  # walked since the last dab
        self.last = point
        return centres


class BrushOutline:
    """The circle under the pointer that shows the brush's size (brush, eraser, Quick Mask);
    with Brush Settings' tip, its shape: the ellipse turned, or a sampled tip's outline."""

    def __init__(self, colour: QColor):
        self.colour = colour
        self.point: Optional[QPointF] = None

    def move_to(self, canvas, point: Optional[QPointF], size: float) -> None:
        if canvas is None:
            return
        old = self.rect(canvas, size)
        self.point = point
        for r in (old, self.rect(canvas, size)):
            if r is not None:
                # (a turned sampled tip reaches past the circle: up to its half-diagonal)
                m = math.ceil(r.width() * 0.21) + 2
                canvas.update(r.toAlignedRect().adjusted(-m, -m, m, m))

    def rect(self, canvas, size: float) -> Optional[QRectF]:
        if self.point is None or canvas is None:
            return None
        c = canvas.image_to_widget(self.point)
        r = max(size * canvas.scale / 2, 4)
        return QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r)

    def paint(self, canvas, painter: QPainter, size: float,
              tip: Optional[BrushTip] = None) -> None:
        rect = self.rect(canvas, size)
        if rect is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shape = QPainterPath()
        if tip is None or (tip.sample is None and tip.roundness >= 1.0):
            shape.addEllipse(rect)
        else:
            d = rect.width()
            turn = QTransform()
            turn.translate(rect.center().x(), rect.center().y())
            turn.rotate(-tip.angle)
            turn.scale(d, d * tip.roundness)
            shape = turn.map(tip_outline(tip.sample) if tip.sample is not None else _UNIT_CIRCLE)
        for pen in (QPen(QColor(0, 0, 0, 160), 2.5), QPen(self.colour, 1)):
            painter.setPen(pen)
            painter.drawPath(shape)
        painter.restore()


_UNIT_CIRCLE = QPainterPath()
_UNIT_CIRCLE.addEllipse(QRectF(-0.5, -0.5, 1.0, 1.0))
_OUTLINES: dict[int, tuple[object, QPainterPath]] = {}


def tip_outline(sample) -> QPainterPath:
    """A sampled tip's outline (where it is at least half paint), its longest side 1 and
    centred on 0, as the pointer shows it; kept for the last few tips."""
    hit = _OUTLINES.get(id(sample))
    if hit is not None and hit[0] is sample:
        return hit[1]
    import cv2

    h, w = sample.shape
    k = max(h, w)
    contours, _ = cv2.findContours((sample >= 128).astype("uint8"), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    path = QPainterPath()
    for c in contours:
        pts = [QPointF((x + 0.5 - w / 2) / k, (y + 0.5 - h / 2) / k) for x, y in c[:, 0]]
        if len(pts) > 1:
            path.addPolygon(QPolygonF(pts + pts[:1]))
    if len(_OUTLINES) > 8:
        _OUTLINES.clear()
    _OUTLINES[id(sample)] = (sample, path)
    return path


def pixel_target(tool: Tool, doc) -> Optional[Layer]:
    """The active layer, when it is a shown pixel layer `tool` can work on; None with the
    reason in the status bar (a targeted mask, no layer, a hidden one), in the words of the
    tool's `label` and `verb` (the brushes', the Magic Eraser's)."""
    if doc.targeted_mask() is not None:
        tool.window.status(f"The {tool.label} works on a layer's pixels: click the layer "
                           "thumbnail to target them.")
        return None
    layer = doc.active_layer
    if layer is None:
        tool.window.status(f"Select a pixel layer to {tool.verb}.")
        return None
    if not layer.is_shown():
        tool.window.status(f"Layer '{layer.name}' is hidden: show it to {tool.verb} on it.")
        return None
    return layer


def mask_grey(color: QColor) -> int:
    """The grey a colour paints on a layer mask (Rec. 601 luma, as Photoshop paints masks)."""
    return int(round(0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()))


class BrushTool(Tool):
    id = "brush"
    label = "Brush Tool"
    letter = "B"
    icon = "tool-brush"
    tip = ("Paint on the active layer ([ and ] change the size; Alt+click picks a colour; "
           "Shift+B: Pencil, Color Replacement, Mixer Brush)")
    erase = False
    history_name = "Brush Tool"
    sliders = ("size", "hardness", "opacity", "flow")  # the options bar's, in this order
    default_hardness = 0.8
    verb = "paint"  # "Select a pixel layer to paint.", "... show it to paint on it."
    alt_picks = True  # Alt+click picks the foreground colour (the Brush's, not the Eraser's)
    aliased = False   # the Pencil's dabs: a pixel is painted or not (`dabs.dab_mask`)
    uses_color = True  # (its tool presets may keep the foreground colour)

    def __init__(self, window):
        super().__init__(window)
        self.stroke_seed: Optional[int] = None  # the dynamics' seed (tests); None: a new one
        self._edit = None
        self._stroke: Optional[BrushStroke] = None
        self._layer = None
        self._canvas = None
        self._path = StrokePath()
        self._stroke_end: Optional[QPointF] = None
        self._outline = BrushOutline(QColor(255, 255, 255, 230))
        self._controls: dict[str, QWidget] = {}
        self._symmetry_from: Optional[tuple[float, float]] = None  # a handle drag's start
        # Airbrush (the Brush's and Eraser's options bar): paint builds up where the pointer
        # rests while the button is held, a dab at Flow every AIRBRUSH_MS.
        self._airbrush_timer = QTimer()
        self._airbrush_timer.setInterval(AIRBRUSH_MS)
        self._airbrush_timer.timeout.connect(self._airbrush_dab)

    # -- settings --------------------------------------------------------------------
    def load_options(self) -> None:
        super().load_options()
        settings = self.window.settings
        self.size = settings.value(f"tools/{self.id}/size", 30, int)
        self.hardness = settings.value(f"tools/{self.id}/hardness",
                                       self.default_hardness, float)
        self.opacity = settings.value(f"tools/{self.id}/opacity", 1.0, float)
        self.flow = settings.value(f"tools/{self.id}/flow", 1.0, float)
        self.tip = tip_from_json(settings.value(f"tools/{self.id}/tip", ""))
        self.preset_name = settings.value(f"tools/{self.id}/preset", "")
        self.airbrush = settings.value(f"tools/{self.id}/airbrush", False, bool)

    def set_size(self, size: int) -> None:
        self.size = int(max(1, min(MAX_SIZE, size)))
        self.window.settings.set_value(f"tools/{self.id}/size", self.size)
        self._sync_controls()
        if self._canvas is not None:
            self._canvas.update()

    def set_hardness(self, hardness: float) -> None:
        self.hardness = float(max(0.0, min(1.0, hardness)))
        self.window.settings.set_value(f"tools/{self.id}/hardness", self.hardness)
        self._sync_controls()

    def set_opacity(self, opacity: float) -> None:
        self.opacity = float(max(0.01, min(1.0, opacity)))
        self.window.settings.set_value(f"tools/{self.id}/opacity", self.opacity)
        self._sync_controls()

    def set_airbrush(self, on: bool) -> None:
        self.airbrush = bool(on)
        self.window.settings.set_value(f"tools/{self.id}/airbrush", self.airbrush)
        if not on:
            self._airbrush_timer.stop()

    def _airbrush_dab(self) -> None:
        """One more dab where the stroke rests (its own step's part, as every dab)."""
        if self._edit is None or self._stroke is None or self._path.last is None:
            self._airbrush_timer.stop()
            return
        self._apply(self._canvas, [self._path.last])

    def set_flow(self, flow: float) -> None:
        self.flow = float(max(0.01, min(1.0, flow)))
        self.window.settings.set_value(f"tools/{self.id}/flow", self.flow)
        self._sync_controls()

    def set_tip(self, tip: BrushTip) -> None:
        """Brush Settings' tip shape and dynamics for this tool's next strokes."""
        self.tip = tip.clamped()
        self.window.settings.set_value(f"tools/{self.id}/tip", tip_json(self.tip))
        self._sync_controls()

    def apply_preset(self, preset: BrushPreset) -> None:
        """A brush preset picked: its size, hardness and tip become the tool's."""
        self.preset_name = preset.name
        self.window.settings.set_value(f"tools/{self.id}/preset", preset.name)
        self.set_hardness(preset.hardness)
        self.set_tip(preset.tip)
        self.set_size(preset.size)

    def stroke_tip(self, doc) -> dict:
        """BrushStroke's tip and seed for this tool's strokes on `doc` (none: the round
        tip), and Paint Symmetry where the tool has it."""
        out = {}
        if self.id in TIP_TOOLS:
            out.update(tip=self.tip, seed=self.stroke_seed)
        if self.id in SYMMETRY_TOOLS:
            out["symmetry"] = paint_symmetry(self.window).of(doc)
        return out

    def change_size(self, direction: int) -> None:
        self.set_size(next_size(self.size, direction))

    # -- stroke ------------------------------------------------------------------------
    def pixel_target(self, doc) -> Optional[Layer]:
        return pixel_target(self, doc)

    def picks_colour(self, canvas, ev) -> bool:
        """Alt+click with a tool that picks colours (`alt_picks`): the foreground colour
        from what the canvas shows there. True when the press was that."""
        if not (ev.alt and self.alt_picks):
            return False
        color = sample_color(canvas, ev.image)
        if color is not None:
            self.window.set_foreground(color)
        return True

    def press(self, canvas, ev) -> None:
        if self._grabs_symmetry(canvas, ev):
            return
        if self.picks_colour(canvas, ev):
            return
        doc = canvas.doc
        if doc.targeted_mask() is not None:
            self._press_mask(canvas, ev)
            return
        layer = self.pixel_target(doc)
        if layer is None:
            return
        canvas.session.renderer.set_focus(layer)
        try:
            self._edit, self._stroke = self.begin_pixel_stroke(doc, layer, ev.image)
        except Exception as exc:
            self.window.report(exc, f"Could not {self.verb}")
            return
        self._layer, self._canvas = layer, canvas
        self._first_dabs(canvas, ev)

    def begin_pixel_stroke(self, doc, layer: Layer, at: QPointF) -> tuple[PixelEdit, BrushStroke]:
        """Begins a stroke pressed at canvas point `at` on `layer`'s pixels: its undoable edit
        and the stroke laid through it (the Background Eraser lays its own)."""
        edit = doc.begin_pixel_edit(layer, self.history_name, cover=doc.canvas)
        locked = layer.transparency_locked()
        # On a layer with Lock Transparent Pixels the Eraser paints the background colour,
        # as Photoshop's does (its pixels' alpha may not change).
        color = self.paint_colour(layer, None, at)
        return edit, BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness,
                                 self.flow,
                                 pixel_layer((color.red(), color.green(), color.blue()),
                                             self.opacity, self.erase and not locked, locked),
                                 aliased=self.aliased, **self.stroke_tip(doc))

    def _first_dabs(self, canvas, ev) -> None:
        """A stroke's first dabs: at the press, or with Shift a straight line from where the
        last stroke ended (Photoshop's)."""
        if ev.shift and self._stroke_end is not None:
            self._path.start(self._stroke_end)
            self._apply(canvas, [self._stroke_end])
            self._segment_to(canvas, ev.image)
        else:
            self._path.start(ev.image)
            self._apply(canvas, [ev.image])
        if self.airbrush and self.id in AIRBRUSH_TOOLS:
            self._airbrush_timer.start()

    def _begin_edit(self, doc, layer, cover):
        """The pixel edit of a stroke on `layer` that may paint within `cover`, or None
        with the refusal (a locked layer...) reported in one line."""
        try:
            return doc.begin_pixel_edit(layer, self.history_name, cover=cover)
        except DocumentError as exc:
            self.window.report(exc, f"Could not {self.verb}")
            return None

    def _begin_history_edit(self, canvas):
        """The pixel edit of a stroke that paints the active layer back from the History
        Brush's source (the History Brush, Erase to History, the Art History Brush): the
        edit and the source layer, or None when refused. A layer the source does not have
        is refused in one line, as Photoshop refuses."""
        doc = canvas.doc
        layer = self.pixel_target(doc)
        if layer is None:
            return None
        try:
            source = history_brush.source_layer(doc, layer)
        except DocumentError as exc:
            self.window.status(str(exc))  # one line, nothing painted
            return None
        # Room for the source's pixels (a layer shrunk since grows back), no more.
        edit = self._begin_edit(doc, layer, source.bounds().intersect(doc.canvas))
        if edit is None:
            return None
        canvas.session.renderer.set_focus(layer)
        self._edit, self._layer, self._canvas = edit, layer, canvas
        return edit, source

    def _press_history(self, canvas, ev) -> None:
        """A stroke that paints the active layer back as it was in the History Brush's
        source (the History Brush; the Eraser's Erase to History)."""
        begun = self._begin_history_edit(canvas)
        if begun is None:
            return
        edit, source = begun
        doc, layer = canvas.doc, self._layer
        locked = layer.transparency_locked()
        self._stroke = BrushStroke(doc, edit, (layer.x, layer.y), self.size, self.hardness,
                                   self.flow,
                                   history_brush.history_layer(doc.snapshots.source.state, source,
                                                               self.opacity, locked),
                                   aliased=self.aliased, **self.stroke_tip(doc))
        self._first_dabs(canvas, ev)

    def _press_mask(self, canvas, ev) -> None:
        """A stroke on the active node's layer mask: grey of the foreground colour (the
        Eraser paints the background colour's), as Photoshop paints masks."""
        doc = canvas.doc
        node = doc.active
        if isinstance(node, Layer):
            canvas.session.renderer.set_focus(node)
        try:
            self._edit = mask_ops.begin_mask_stroke(doc, node, self.history_name, doc.canvas)
        except Exception as exc:
            self.window.report(exc, "Could not paint on the mask")
            return
        self._layer, self._canvas = node, canvas
        mask = getattr(node, self._edit.which)  # (its layer mask or Smart Filters mask)
        color = self.paint_colour(node, mask, ev.image)
        self._stroke = BrushStroke(doc, self._edit, (mask.x, mask.y), self.size,
                                   self.hardness, self.flow,
                                   mask_layer(mask_grey(color), self.opacity),
                                   aliased=self.aliased, **self.stroke_tip(doc))
        self._path.start(ev.image)
        self._apply(canvas, [ev.image])

    def paint_colour(self, node, mask, point: QPointF) -> QColor:
        """The colour a stroke pressed at canvas `point` paints on `node`'s pixels (or its
        layer `mask`): the foreground, or the Eraser's background (the Pencil's Auto Erase
        looks at what lies under the point)."""
        return self.window.background if self.erase else self.window.foreground

    def move(self, canvas, ev) -> None:
        if self._symmetry_from is not None:
            paint_symmetry(self.window).move(canvas.doc, ev.image.x(), ev.image.y())
            return
        self._set_hover(canvas, ev.image)
        if self._edit is not None:
            self._segment_to(canvas, ev.image)

    def release(self, canvas, ev) -> None:
        self._symmetry_from = None
        self._end_stroke()

    def deactivate(self, canvas) -> None:
        self._symmetry_from = None
        self._end_stroke()
        self._set_hover(canvas, None)

    def _grabs_symmetry(self, canvas, ev) -> bool:
        """A press on Paint Symmetry's handle: the drag moves its centre (no paint)."""
        if self.id not in SYMMETRY_TOOLS or canvas.doc is None:
            return False
        symmetry = paint_symmetry(self.window)
        if not symmetry.handle_at(canvas, ev.pos):
            return False
        at = symmetry.of(canvas.doc)
        self._symmetry_from = (at.cx, at.cy)
        return True

    def key_press(self, canvas, e) -> bool:
        """Esc during a drag of the symmetry's handle puts the centre back."""
        if self._symmetry_from is not None and e.key() == Qt.Key.Key_Escape:
            paint_symmetry(self.window).move(canvas.doc, *self._symmetry_from)
            self._symmetry_from = None
            return True
        return super().key_press(canvas, e)

    def claims_key(self, canvas, e) -> bool:
        return (self._symmetry_from is not None and e.key() == Qt.Key.Key_Escape) \
            or super().claims_key(canvas, e)

    def leave(self, canvas) -> None:
        self._set_hover(canvas, None)

    def hover(self, canvas, ev) -> None:
        self._set_hover(canvas, ev.image)

    def _end_stroke(self) -> None:
        self._airbrush_timer.stop()
        edit, self._edit = self._edit, None
        if edit is None:
            return
        self._stroke_end = self._path.last
        try:
            if isinstance(edit, LayerMaskEdit):
                mask_ops.end_mask_stroke(self._canvas.doc, edit)
            else:
                self._canvas.doc.end_pixel_edit(edit)
        except Exception as exc:
            self.window.report(exc, "Could not paint")

    def _segment_to(self, canvas, point: QPointF) -> None:
        """Dabs along the path from the last position to `point`, Spacing apart (a quarter
        diameter unless Brush Settings say otherwise)."""
        centres = self._path.to(point, self.size,
                                self.tip.spacing if self.id in TIP_TOOLS else SPACING)
        if centres:
            self._apply(canvas, centres)

    def _apply(self, canvas, centres: list[QPointF]) -> None:
        self._stroke.dabs((c.x(), c.y()) for c in centres)

    # -- cursor ------------------------------------------------------------------------
    def _set_hover(self, canvas, point: Optional[QPointF]) -> None:
        self._outline.move_to(canvas, point, self.size)

    def paint_overlay(self, canvas, painter: QPainter) -> None:
        if self.id in SYMMETRY_TOOLS:
            paint_symmetry(self.window).paint(canvas, painter)
        self._outline.paint(canvas, painter, self.size,
                            self.tip if self.id in TIP_TOOLS else None)

    def cursor_at(self, canvas, ev) -> QCursor:
        if self.id in SYMMETRY_TOOLS and (self._symmetry_from is not None or
                                          paint_symmetry(self.window).handle_at(canvas, ev.pos)):
            return QCursor(Qt.CursorShape.SizeAllCursor)
        return QCursor(Qt.CursorShape.CrossCursor)

    # -- options bar -------------------------------------------------------------------
    def build_options(self) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)

        pairs = {"size": lambda: slider_pair(row, "Size", 1, MAX_SIZE, self.size, " px",
                                             self.set_size),
                 "hardness": lambda: slider_pair(row, "Hardness", 0, 100,
                                                 round(self.hardness * 100), " %",
                                                 lambda v: self.set_hardness(v / 100)),
                 "opacity": lambda: slider_pair(row, "Opacity", 1, 100, round(self.opacity * 100),
                                                " %", lambda v: self.set_opacity(v / 100)),
                 "flow": lambda: slider_pair(row, "Flow", 1, 100, round(self.flow * 100), " %",
                                             lambda v: self.set_flow(v / 100))}
        for key in self.sliders:
            self._controls[key] = pairs[key]()
        if self.id in TIP_TOOLS:
            button = QPushButton("Brush Settings…")
            button.setObjectName("brush_settings")
            button.setToolTip("Brush Settings and presets: tip shape, angle, roundness, "
                              "spacing, sampled tips, shape dynamics, scattering (F5)")
            button.clicked.connect(self.open_settings)
            row.addWidget(button)
        if self.id in AIRBRUSH_TOOLS:
            air = QToolButton()
            air.setObjectName("Airbrush")
            air.setIcon(icon("airbrush"))
            air.setText("Airbrush")  # (the icon shows; the text is its name for the test)
            air.setCheckable(True)
            air.setChecked(self.airbrush)
            air.setToolTip("Airbrush: paint builds up while the button is held still "
                           "(at the Flow set)")
            air.toggled.connect(self.set_airbrush)
            row.addWidget(air)
        if self.id in SYMMETRY_TOOLS:
            row.addWidget(paint_symmetry(self.window).button())
        self.add_options(row)
        row.addStretch(1)
        return w

    def open_settings(self) -> None:
        """The Brush Settings window for this tool (one at a time, kept in front)."""
        from editor.ui.brush_settings import show_brush_settings

        show_brush_settings(self.window, self)

    def add_options(self, row: QHBoxLayout) -> None:
        """A tool's own options after the brush's sliders (the retouching tools' Sample)."""

    def _sync_controls(self) -> None:
        values = {"size": self.size, "hardness": round(self.hardness * 100),
                  "opacity": round(self.opacity * 100), "flow": round(self.flow * 100)}
        for key, spin in self._controls.items():
            if spin.value() != values[key]:
                spin.setValue(values[key])
        panel = getattr(self.window, "brush_settings", None)
        if panel is not None and panel.tool is self:
            panel.sync()


class EraserTool(BrushTool):
    id = "eraser"
    label = "Eraser Tool"
    letter = "E"
    icon = "tool-eraser"
    tip = "Erase the active layer to transparency ([ and ] change the size)"
    erase = True
    history_name = "Eraser Tool"
    verb = "erase"
    alt_picks = False  # (Alt erases to history, as Photoshop's does)
    uses_color = False  # (it does not paint the foreground colour)

    def load_options(self) -> None:
        super().load_options()
        self.to_history = self.window.settings.value(f"tools/{self.id}/to_history", False, bool)

    def set_to_history(self, on: bool) -> None:
        self.to_history = bool(on)
        self.window.settings.set_value(f"tools/{self.id}/to_history", self.to_history)

    def press(self, canvas, ev) -> None:
        """Photoshop's Erase to History (the option, or Alt held for one stroke): the layer
        painted back as it was in the History Brush's source instead of erased."""
        doc = canvas.doc
        masked = doc.targeted_mask() is not None
        if self.to_history != bool(ev.alt) and not masked:
            self._press_history(canvas, ev)
        else:
            super().press(canvas, ev)

    def add_options(self, row: QHBoxLayout) -> None:
        box = QCheckBox("Erase to History")
        box.setObjectName("eraser_to_history")
        box.setToolTip("Paint the layer back as it was in the History Brush's source "
                       "(the History panel's brush column) instead of erasing; Alt: the "
                       "other way for one stroke")
        box.setChecked(self.to_history)
        box.toggled.connect(self.set_to_history)
        row.addWidget(box)
