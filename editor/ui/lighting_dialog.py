"""Filter > Render > Lighting Effects…'s dialog: a large preview of the layer lit as the
settings stand, the lights drawn over it and dragged there (Photoshop CS6's on-canvas
handles, in a dialog as its classic one): a light's centre moves it; a spot's ellipse has a
handle at the end of its long axis (the side the light comes from: direction and length),
one on its short axis (width) and one inside (the hotspot); a point light's ring sets its
radius; an infinite light's line points at where it comes from, shorter the higher it
stands. Beside it the Presets, the list of lights (add Spot, Point, Infinite; delete; a
click selects), the selected light's Color, Intensity and Hotspot, and the Properties and
Texture rows (`FilterForm`). The canvas previews as every filter dialog's does
(`FilterDialog`): OK is one undo step, Cancel leaves nothing, Last Filter repeats it.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Optional

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QListWidget,
                               QPushButton, QSlider, QSpinBox, QVBoxLayout, QWidget)

from editor.model import filter_ops, lighting_effects as le
from engine.box import Box

from .color_range import reduced
from .extra_filter_dialogs import with_extra_items
from .filter_dialog import FILTER_ROWS, NOTES, FilterDialog, FilterForm
from .qimage import rgba_to_qimage

if TYPE_CHECKING:
    from .window_api import EditorWindow

VIEW_SIDE = 420   # the preview's longer side (px)
GRAB = 8          # how near (px) a press must be to a handle to take it
KIND_NAMES = {"spot": "Spot", "point": "Point", "infinite": "Infinite"}

FILTER_ROWS[le.LightingEffects] = [
    ("exposure", "Exposure", -100, 100, 0, ""),
    ("gloss", "Gloss", -100, 100, 0, ""),
    ("metallic", "Metallic", -100, 100, 0, ""),
    ("ambience", "Ambience", -100, 100, 0, ""),
    ("choice", "texture", "Texture", le.TEXTURES,
     ("None", "Red", "Green", "Blue", "Transparency")),
    ("height", "Height", 0, 100, 0, ""),
    ("check", "white_high", "White is high")]
NOTES[le.LightingEffects] = (
    "Drag a light's centre to move it, a spot's handles to aim and shape it; Intensity "
    "below 0 takes light away. Texture: the channel's light areas stand up (Height).")


def with_lighting_item(menus: tuple) -> tuple:
    """`filter_commands.FILTER_MENUS` with Lighting Effects last in Render, as Photoshop's."""
    order = {"filter_render": ("clouds", "difference_clouds", "fibers", "lens_flare",
                               "lighting_effects")}
    return with_extra_items(menus, order, {"lighting_effects": "Li&ghting Effects…"})


def swatch(button: QPushButton, colour: tuple) -> None:
    button.setStyleSheet(f"background-color: rgb{tuple(colour)}; min-width: 48px;")


class LightView(QLabel):
    """The layer reduced, lit as the settings stand, with the lights' handles."""

    def __init__(self, dialog: "LightingEffectsDialog", pixels: np.ndarray, canvas: Box):
        super().__init__()
        self.dialog, self.canvas = dialog, canvas
        self.small, self.scale = reduced(pixels, VIEW_SIDE)
        self.setObjectName("LightingPreview")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(VIEW_SIDE, VIEW_SIDE * 3 // 4)
        self.setToolTip("Drag a light's centre to move it, its handles to aim and size it")
        self.dragging: Optional[tuple[int, str]] = None  # (light, handle)
        self.shown: Optional[le.LightingEffects] = None

    # -- the picture -------------------------------------------------------------------------
    def refresh(self) -> None:
        """The reduced layer lit by the dialog's settings (the canvas shows the full one)."""
        op = self.dialog.operation()
        if op != self.shown:
            self.shown = op
            s, c = self.scale, self.canvas
            small = replace(op, height=op.height * s, lights=tuple(
                light._replace(x=(light.x - c.x) * s, y=(light.y - c.y) * s,
                               radius=light.radius * s, minor=light.minor * s)
                for light in op.lights))
            h, w = self.small.shape[:2]
            box = Box(0, 0, w, h)
            lit = small.process(self.small, box, box, None)
            self.setPixmap(QPixmap.fromImage(rgba_to_qimage(lit)).scaled(
                VIEW_SIDE, VIEW_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        self.update()

    def _origin(self) -> QPointF:
        pix = self.pixmap()
        return QPointF((self.width() - pix.width()) / 2, (self.height() - pix.height()) / 2)

    def _per_px(self) -> float:
        """Widget pixels per canvas pixel."""
        return self.pixmap().width() / self.canvas.w

    def to_canvas(self, pos: QPointF) -> tuple[float, float]:
        o, k = self._origin(), self._per_px()
        return (self.canvas.x + (pos.x() - o.x()) / k, self.canvas.y + (pos.y() - o.y()) / k)

    def to_widget(self, x: float, y: float) -> QPointF:
        o, k = self._origin(), self._per_px()
        return QPointF(o.x() + (x - self.canvas.x) * k, o.y() + (y - self.canvas.y) * k)

    # -- the handles (canvas pixels) ---------------------------------------------------------
    def reach(self) -> float:
        """An infinite light's line at its longest (canvas px)."""
        return 0.25 * min(self.canvas.w, self.canvas.h)

    def handles(self, light: le.Light) -> dict[str, tuple[float, float]]:
        ux, uy = light.towards()
        px, py = uy, -ux  # across the spot's long axis
        out = {"centre": (light.x, light.y)}
        if light.kind == "spot":
            out["major"] = (light.x + light.radius * ux, light.y + light.radius * uy)
            out["minor"] = (light.x + light.minor * px, light.y + light.minor * py)
            hot = light.hotspot / 100 * light.minor
            out["hotspot"] = (light.x - hot * px, light.y - hot * py)
        elif light.kind == "point":
            out["radius"] = (light.x + light.radius, light.y)
        else:
            length = self.reach() * (0.25 + 0.75 * math.cos(math.radians(light.elevation)))
            out["direction"] = (light.x + length * ux, light.y + length * uy)
        return out

    def handle_at(self, pos: QPointF) -> Optional[tuple[int, str]]:
        """The light and handle under `pos`: the selected light's first, then any centre,
        then the light whose area holds it (its centre)."""
        lights = self.dialog.operation().lights
        chosen = self.dialog.selected()
        order = ([chosen] if chosen is not None else []) + [
            i for i in range(len(lights)) if i != chosen]
        for i in order:
            for name, (x, y) in self.handles(lights[i]).items():
                at = self.to_widget(x, y)
                if math.hypot(at.x() - pos.x(), at.y() - pos.y()) <= GRAB:
                    return i, name
        x, y = self.to_canvas(pos)
        for i in order:
            light = lights[i]
            d = math.hypot(x - light.x, y - light.y)
            if light.kind != "infinite" and d <= (light.minor if light.kind == "spot"
                                                  else light.radius):
                return i, "centre"
        return None

    def mousePressEvent(self, e) -> None:
        self.dragging = self.handle_at(e.position())
        if self.dragging is not None:
            self.dialog.select(self.dragging[0])

    def mouseMoveEvent(self, e) -> None:
        if self.dragging is None or not e.buttons() & Qt.MouseButton.LeftButton:
            return
        i, name = self.dragging
        light = self.dialog.operation().lights[i]
        x, y = self.to_canvas(e.position())
        dx, dy = x - light.x, y - light.y
        d = math.hypot(dx, dy)
        if name == "centre":
            light = light._replace(x=round(x, 1), y=round(y, 1))
        elif name in ("major", "direction") and d > 0.5:
            light = light._replace(angle=round(math.degrees(math.atan2(-dy, dx)), 1))
            if name == "major":
                light = light._replace(radius=round(d, 1), minor=min(light.minor, round(d, 1)))
            else:
                t = (min(d / self.reach(), 1.0) - 0.25) / 0.75
                light = light._replace(
                    elevation=round(math.degrees(math.acos(min(max(t, 0.0), 1.0))), 1))
        elif name == "minor":
            light = light._replace(minor=round(min(max(d, 1.0), light.radius), 1))
        elif name == "hotspot":
            light = light._replace(hotspot=round(min(d / light.minor, 1.0) * 100))
        elif name == "radius":
            light = light._replace(radius=round(max(d, 1.0), 1))
        self.dialog.set_light(i, light)

    def mouseReleaseEvent(self, e) -> None:
        self.dragging = None

    def paintEvent(self, e) -> None:
        super().paintEvent(e)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        k = self._per_px()
        chosen = self.dialog.selected()
        for i, light in enumerate(self.dialog.operation().lights):
            handles = self.handles(light)
            centre = self.to_widget(light.x, light.y)
            for colour, width in ((QColor(0, 0, 0), 3), (QColor(255, 255, 255), 1)):
                p.setPen(QPen(colour, width))
                p.setBrush(Qt.BrushStyle.NoBrush)
                if light.kind == "spot":
                    p.save()
                    p.translate(centre)
                    p.rotate(-light.angle)
                    p.drawEllipse(QRectF(-light.radius * k, -light.minor * k,
                                         2 * light.radius * k, 2 * light.minor * k))
                    hot = light.hotspot / 100
                    p.drawEllipse(QRectF(-light.radius * k * hot, -light.minor * k * hot,
                                         2 * light.radius * k * hot, 2 * light.minor * k * hot))
                    p.restore()
                elif light.kind == "point":
                    p.drawEllipse(centre, light.radius * k, light.radius * k)
                if "major" in handles or "direction" in handles:
                    p.drawLine(centre, self.to_widget(*handles.get("major")
                                                      or handles["direction"]))
            for name, (x, y) in handles.items():
                at = self.to_widget(x, y)
                big = 5 if name == "centre" else 3
                p.setPen(QPen(QColor(0, 0, 0), 1))
                p.setBrush(QColor(*light.colour) if i == chosen else QColor(255, 255, 255))
                p.drawEllipse(at, big, big)
        p.end()


class LightingEffectsDialog(FilterDialog):
    """Lighting Effects' settings; the Default preset's lights for the canvas when the
    operation has none (the menu's)."""

    def __init__(self, window: "EditorWindow", target: filter_ops.Target,
                 op: le.LightingEffects):
        canvas = window.doc.canvas
        if not op.lights:
            op = replace(op, **le.preset("Default", canvas.as_tuple()))
        super().__init__(window, target, op)
        self.canvas = canvas
        self.view = LightView(self, np.ascontiguousarray(target.crop(canvas)), canvas)
        side = QVBoxLayout()
        self.presets = QComboBox()
        self.presets.setObjectName("LightingPresets")
        self.presets.addItem("Custom")
        self.presets.addItems(le.PRESETS)
        self.presets.textActivated.connect(self.use_preset)
        side.addWidget(QLabel("Presets:"))
        side.addWidget(self.presets)
        side.addWidget(QLabel("Lights:"))
        self.list = QListWidget()
        self.list.setObjectName("LightingLights")
        self.list.setMaximumHeight(110)
        self.list.currentRowChanged.connect(lambda _row: self._show_light())
        side.addWidget(self.list)
        buttons = QHBoxLayout()
        for kind in le.KINDS:
            add = QPushButton(f"+ {KIND_NAMES[kind]}")
            add.setObjectName(f"LightingAdd_{kind}")
            add.setAutoDefault(False)
            add.setToolTip(f"Adds a {KIND_NAMES[kind].lower()} light")
            add.clicked.connect(lambda _on=False, k=kind: self.add_light(k))
            buttons.addWidget(add)
        delete = QPushButton("Delete")
        delete.setObjectName("LightingDelete")
        delete.setAutoDefault(False)
        delete.clicked.connect(self.delete_light)
        buttons.addWidget(delete)
        side.addLayout(buttons)
        self.light_box = QWidget()
        rows = QFormLayout(self.light_box)
        rows.setContentsMargins(0, 0, 0, 0)
        self.colour = QPushButton()
        self.colour.setObjectName("LightingColour")
        self.colour.setAutoDefault(False)
        self.colour.clicked.connect(self._choose_colour)
        rows.addRow("Color", self.colour)
        self.intensity = self._number(rows, "Intensity", "LightingIntensity", -100, 100)
        self.hotspot = self._number(rows, "Hotspot", "LightingHotspot", 0, 100)
        side.addWidget(self.light_box)
        self.ambient = QPushButton()
        self.ambient.setObjectName("LightingAmbientColour")
        self.ambient.setAutoDefault(False)
        self.ambient.clicked.connect(self._choose_ambient)
        line = QHBoxLayout()
        line.addWidget(QLabel("Ambience color"))
        line.addWidget(self.ambient)
        line.addStretch(1)
        side.addLayout(line)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.view, 1)
        top.addLayout(side)
        self.body.insertLayout(0, top)
        self._list_lights(0 if op.lights else -1)

    # -- helpers -------------------------------------------------------------------------------
    def _number(self, rows: QFormLayout, label: str, name: str, low: int, high: int):
        spin, slider = QSpinBox(), QSlider(Qt.Orientation.Horizontal)
        spin.setObjectName(name)
        slider.setObjectName(name + "_slider")
        for w in (spin, slider):
            w.setRange(low, high)
        spin.setKeyboardTracking(False)
        slider.valueChanged.connect(spin.setValue)
        spin.valueChanged.connect(slider.setValue)
        field = name.removeprefix("Lighting").lower()
        spin.valueChanged.connect(lambda v, f=field: self._edit_light(**{f: float(v)}))
        line = QHBoxLayout()
        line.addWidget(slider, 1)
        line.addWidget(spin)
        rows.addRow(label, line)
        return spin

    def _list_lights(self, row: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for light in self.operation().lights:
            self.list.addItem(f"{KIND_NAMES[light.kind]} light")
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show_light()

    def _show_light(self) -> None:
        """The selected light's rows (none: greyed)."""
        i = self.selected()
        self.light_box.setEnabled(i is not None)
        swatch(self.ambient, self.operation().ambient_colour)
        if i is not None:
            light = self.operation().lights[i]
            swatch(self.colour, light.colour)
            for spin, value in ((self.intensity, light.intensity), (self.hotspot, light.hotspot)):
                spin.blockSignals(True)
                spin.setValue(round(value))
                spin.blockSignals(False)
                spin.parent().findChild(QSlider, spin.objectName() + "_slider").setValue(
                    round(value))
            self.hotspot.setEnabled(light.kind == "spot")
        self.view.refresh()

    def _set_lights(self, lights: tuple) -> None:
        self.form._set("lights", tuple(lights))
        self.presets.setCurrentIndex(0)  # (Custom: the settings are the user's now)

    def _edit_light(self, **changes) -> None:
        i = self.selected()
        if i is not None:
            self.set_light(i, self.operation().lights[i]._replace(**changes))

    def changed(self) -> None:
        super().changed()
        if hasattr(self, "view"):
            self.view.refresh()

    # -- what the user does ------------------------------------------------------------------
    def selected(self) -> Optional[int]:
        row = self.list.currentRow() if hasattr(self, "list") else -1
        return row if 0 <= row < len(self.operation().lights) else None

    def select(self, i: int) -> None:
        self.list.setCurrentRow(i)

    def set_light(self, i: int, light: le.Light) -> None:
        lights = list(self.operation().lights)
        lights[i] = light.checked()
        self._set_lights(lights)
        if i == self.selected():
            self._show_light()

    def add_light(self, kind: str) -> None:
        """A new light of `kind` in the canvas's middle, selected."""
        c = self.canvas
        size = min(c.w, c.h)
        light = le.Light(kind, c.x + c.w / 2, c.y + c.h / 2, 90, 45,
                         0.4 * size if kind != "infinite" else 1.0, 0.25 * size)
        self._set_lights(self.operation().lights + (light.checked(),))
        self._list_lights(len(self.operation().lights) - 1)

    def delete_light(self) -> None:
        i = self.selected()
        if i is None:
            return
        lights = self.operation().lights
        self._set_lights(lights[:i] + lights[i + 1:])
        self._list_lights(min(i, len(lights) - 2))

    def use_preset(self, name: str) -> None:
        """A preset's lights and properties (the rows rebuilt to show them)."""
        if name not in le.PRESETS:
            return
        op = replace(self.operation(), **le.preset(name, self.canvas.as_tuple()))
        old = self.form
        self.form = FilterForm(op, self.changed)
        self.body.replaceWidget(old, self.form)
        old.setParent(None)  # (gone from the dialog now, not at the next event loop)
        old.deleteLater()
        self._list_lights(0 if op.lights else -1)
        self.presets.setCurrentText(name)
        self.changed()

    def _choose_colour(self) -> None:
        from . import dialogs

        i = self.selected()
        if i is None:
            return
        colour = dialogs.ask_color(self, QColor(*self.operation().lights[i].colour),
                                   "Light Color")
        if colour is not None:
            self._edit_light(colour=(colour.red(), colour.green(), colour.blue()))

    def _choose_ambient(self) -> None:
        from . import dialogs

        colour = dialogs.ask_color(self, QColor(*self.operation().ambient_colour),
                                   "Ambience Color")
        if colour is not None:
            self.form._set("ambient_colour", (colour.red(), colour.green(), colour.blue()))
            self._show_light()


DIALOGS = {le.LightingEffects: LightingEffectsDialog}
