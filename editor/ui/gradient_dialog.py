"""Photoshop's Gradient Fill dialog: the gradient (its colour stops: colour and location;
its opacity stops: opacity and location; its smoothness; its Method: Perceptual, Linear
or Classic, the space its colours are blended in), the style, angle, scale, Reverse,
Dither and Align with layer of a Gradient fill layer (`adjustments.GradientFill`).

Every change is shown at once on the canvas through `preview(settings)` (the caller's:
the layer's settings changed without an undo step, `adjustment_ops.preview_settings`);
what OK gives is applied by the caller as one undo step, and Cancel puts the settings
back. The gradient bar (`gradient_bar.GradientBar`, Photoshop's Gradient Editor's) edits
the stops and their midpoints by mouse; the rows of number fields below it are the
precise entry, and both show the same settings. A stop's colour comes from the colour
picker (`dialogs.ask_color`, a colour row's button or a double-click on its marker); the
Add button puts a new stop halfway along the widest gap between two stops (a click on the
bar's strip, where it is clicked), in the colour the gradient has there, with its
midpoint halfway; the other stops keep theirs. Each stop but the first has a "mid" field:
the midpoint of the stretch ending at it (the bar's diamond, 5..95 %). A gradient keeps at
least one colour stop.

The Presets row (Photoshop's Gradient Editor's presets) lists the user's gradient presets
(`gradient_presets`, gradients.json beside the settings): choosing one puts its gradient
(stops, midpoints, smoothness, method, noise) into the dialog, the layout kept; Import…
reads Photoshop's .grd (or our gradients .json) into them (`preset_manager.import_file`,
as the Preset Manager's Load… does) and lists them at once.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout,
                               QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton,
                               QVBoxLayout, QWidget)

from editor.model import gradients
from editor.model.adjustments import GradientFill
from engine.box import Box

from . import dialogs
from .dialogs import number_box, ok_cancel
from .gradient_bar import GradientBar, added, moved, removed, with_midpoint


class GradientFillDialog(QDialog):
    """The settings of one gradient fill; `settings` is what it shows now."""

    def __init__(self, parent: QWidget, settings: GradientFill,
                 preview: Optional[Callable[[GradientFill], None]] = None):
        super().__init__(parent)
        self.setObjectName("GradientFillDialog")
        self.setWindowTitle("Gradient Fill")
        self.settings = settings
        self._preview = preview
        self._updating = False
        self._row_counts: Optional[tuple[int, int]] = None  # the stops the rows were made for
        layout = QVBoxLayout(self)

        # Presets: the user's gradients (when the dialog belongs to an editor window).
        self._window = _editor_window(parent)
        row = QHBoxLayout()
        self.presets = QComboBox()
        self.presets.setObjectName("GradientPresets")
        self.presets.setToolTip("Your gradient presets: choose one to use its colours")
        self.presets.setMinimumWidth(220)
        self.presets.activated.connect(self._preset_chosen)
        self.import_button = QPushButton("Import…")
        self.import_button.setObjectName("GradientImport")
        self.import_button.setToolTip("Add the gradients of a Photoshop .grd file to the presets")
        self.import_button.clicked.connect(lambda: self.import_gradients())
        row.addWidget(QLabel("Presets"))
        row.addWidget(self.presets, 1)
        row.addWidget(self.import_button)
        if self._window is not None:
            layout.addLayout(row)
        self._preset_list: list = []
        self._fill_presets()

        self.bar = GradientBar(settings)
        self.bar.changed.connect(self._apply)
        self.bar.pick_colour.connect(self._pick)
        layout.addWidget(self.bar, 0, Qt.AlignmentFlag.AlignHCenter)  # (fixed width)

        stops = QGroupBox("Color stops")
        self.stop_grid = QGridLayout(stops)
        layout.addWidget(stops)
        opacity = QGroupBox("Opacity stops")
        self.opacity_grid = QGridLayout(opacity)
        layout.addWidget(opacity)

        form = QFormLayout()
        self.smoothness = number_box("GradientSmoothness", 0, 100, " %", 0)
        self.smoothness.setToolTip("How smoothly each stretch between two stops eases in and out")
        form.addRow("Smoothness", self.smoothness)
        self.method = QComboBox()
        self.method.setObjectName("GradientMethod")
        self.method.setToolTip("Perceptual: blended as the eye sees (an Oklab blend, close to "
                               "Photoshop's); Linear: in linear light, as light mixes; "
                               "Classic: the stored values, as Photoshop before 2022")
        for key in gradients.METHODS:
            self.method.addItem(gradients.METHOD_LABELS[key], key)
        self.method.currentIndexChanged.connect(
            lambda _: self._change(method=self.method.currentData()))
        form.addRow("Method", self.method)
        self.style = QComboBox()
        self.style.setObjectName("GradientStyle")
        for key in gradients.STYLES:
            self.style.addItem(gradients.STYLE_LABELS[key], key)
        self.style.currentIndexChanged.connect(
            lambda _: self._change(style=self.style.currentData()))
        form.addRow("Style", self.style)
        self.angle = number_box("GradientAngle", -180, 180, "°", 1)
        form.addRow("Angle", self.angle)
        self.scale = number_box("GradientScale", 10, 150, " %", 0)
        form.addRow("Scale", self.scale)
        self.smoothness.valueChanged.connect(lambda v: self._change(smoothness=v))
        self.angle.valueChanged.connect(lambda v: self._change(angle=v))
        self.scale.valueChanged.connect(lambda v: self._change(scale=v))
        checks = QHBoxLayout()
        self.reverse = self._check("GradientReverse", "Reverse", "reverse", checks)
        self.dither = self._check("GradientDither", "Dither", "dither", checks)
        self.dither.setToolTip("Kept in the file for Photoshop; Layered draws the gradient "
                               "without dithering")
        self.align = self._check("GradientAlign", "Align with layer", "align", checks)
        self.align.setToolTip("Lay the gradient out on the layer's path rather than the canvas")
        checks.addStretch()  # each box as wide as its text: a click on it ticks it
        form.addRow(checks)
        layout.addLayout(form)

        buttons = ok_cancel(self)
        layout.addWidget(buttons)
        self._show()

    # -- presets -------------------------------------------------------------------------------
    def _fill_presets(self) -> None:
        from editor.model.preset_kinds import GRADIENTS

        from .preset_manager import current

        self._preset_list = [e.item for e in current(self._window, GRADIENTS)] \
            if self._window is not None else []
        self.presets.clear()
        self.presets.addItem("(choose a preset)")
        for preset in self._preset_list:
            self.presets.addItem(QIcon(QPixmap.fromImage(fill_image(
                replace(preset.gradient, angle=0.0), 48, 16))), preset.name)
        self.presets.setIconSize(QSize(48, 16))

    def _preset_chosen(self, index: int) -> None:
        from editor.model.gradient_presets import applied

        if 1 <= index <= len(self._preset_list):
            self._apply(applied(self.settings, self._preset_list[index - 1]))

    def import_gradients(self, path: Optional[str] = None) -> int:
        """Import…: a .grd's gradients appended to the presets (names there skipped), the
        list filled again; returns how many were added."""
        from editor.model.preset_kinds import GRADIENTS

        from .preset_manager import import_file

        if self._window is None:
            return 0
        added = import_file(self._window, GRADIENTS, path)
        self._fill_presets()
        return added

    # -- building ------------------------------------------------------------------------------
    def _check(self, name: str, text: str, field: str, row: QHBoxLayout) -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(name)
        box.toggled.connect(lambda on: self._change(**{field: bool(on)}))
        row.addWidget(box)
        return box

    def _rows(self) -> None:
        """The stop rows, made again when stops come or go."""
        self._row_counts = (len(self.settings.stops), len(self.settings.opacity_stops))
        for grid in (self.stop_grid, self.opacity_grid):
            while grid.count():
                widget = grid.takeAt(0).widget()
                if widget is not None:
                    widget.setObjectName("")  # not found by its name while it waits to go
                    widget.hide()
                    widget.deleteLater()  # (a row's own button may be what asked)
        s = self.settings
        for i, (at, rgb) in enumerate(s.stops):
            color = QPushButton()
            color.setObjectName(f"GradientStopColor_{i}")
            color.setToolTip("Click to pick the stop's colour")
            color.setMinimumWidth(90)
            color.clicked.connect(lambda _=False, i=i: self._pick(i))
            self._stop_row(self.stop_grid, "color", "GradientStop", i, color, self._move_stop,
                           self._remove_stop, len(s.stops))
        self._add_row(self.stop_grid, "Add Color Stop", "GradientAddStop", self._add_stop,
                      len(s.stops))
        for i, (at, opacity) in enumerate(s.opacity_stops):
            value = number_box(f"GradientOpacity_{i}", 0, 100, " %", 0)
            value.valueChanged.connect(lambda v, i=i: self._set_opacity(i, v))
            self._stop_row(self.opacity_grid, "opacity", "GradientOpacity", i, value,
                           self._move_opacity, self._remove_opacity, len(s.opacity_stops))
        self._add_row(self.opacity_grid, "Add Opacity Stop", "GradientAddOpacityStop",
                      self._add_opacity, len(s.opacity_stops))

    def _stop_row(self, grid, kind: str, name: str, i: int, first: QWidget, move, remove,
                  count: int) -> None:
        """Row `i` of a stop list: `first` (the colour or opacity), its location, the
        midpoint before it, and Delete (while more than one stop is left)."""
        location = number_box(f"{name}Location_{i}", 0, 100, " %", 1)
        location.setPrefix("at ")
        location.valueChanged.connect(lambda v, i=i: move(i, v))
        delete = QPushButton("Delete")
        delete.setObjectName(f"{name}Remove_{i}")
        delete.setEnabled(count > 1)
        delete.clicked.connect(lambda _=False, i=i: remove(i))
        for column, widget in enumerate((first, location, self._midpoint_box(kind, i), delete)):
            if widget is not None:
                grid.addWidget(widget, i, column)

    @staticmethod
    def _add_row(grid, text: str, name: str, add, row: int) -> None:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(add)
        grid.addWidget(button, row, 0, 1, 4)

    def _midpoint_box(self, kind: str, i: int) -> Optional[QDoubleSpinBox]:
        """The precise entry of the midpoint of the stretch ending at stop `i` (the bar's
        diamond); none for the first stop, which ends no stretch."""
        if i == 0:
            return None
        name = "GradientMidpoint" if kind == "color" else "GradientOpacityMidpoint"
        box = number_box(f"{name}_{i}", 5, 95, " %", 0)
        box.setPrefix("mid ")
        box.setToolTip("Where between this stop and the one before it the blend is half "
                       "and half (the diamond on the bar)")
        box.valueChanged.connect(lambda v, kind=kind, i=i: self._set_midpoint(kind, i, v))
        return box

    def _show(self) -> None:
        """Every widget shows `settings` (the rows made again when their number changed)."""
        s = self.settings
        self._updating = True
        try:
            if self._row_counts != (len(s.stops), len(s.opacity_stops)):
                self._rows()
            for i, (at, rgb) in enumerate(s.stops):
                button = self.findChild(QPushButton, f"GradientStopColor_{i}")
                ink = "#000000" if 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140 \
                    else "#ffffff"
                button.setStyleSheet(f"background-color: rgb{tuple(rgb)}; color: {ink};")
                button.setText("#{:02X}{:02X}{:02X}".format(*rgb))
                self.findChild(QDoubleSpinBox, f"GradientStopLocation_{i}").setValue(at)
            for i, m in enumerate(s.midpoints or (50.0,) * len(s.stops)):
                if i:
                    self.findChild(QDoubleSpinBox, f"GradientMidpoint_{i}").setValue(m)
            for i, (at, opacity) in enumerate(s.opacity_stops):
                self.findChild(QDoubleSpinBox, f"GradientOpacity_{i}").setValue(opacity)
                self.findChild(QDoubleSpinBox, f"GradientOpacityLocation_{i}").setValue(at)
            for i, m in enumerate(s.opacity_midpoints or (50.0,) * len(s.opacity_stops)):
                if i:
                    self.findChild(QDoubleSpinBox, f"GradientOpacityMidpoint_{i}").setValue(m)
            self.smoothness.setValue(s.smoothness)
            self.method.setCurrentIndex(gradients.METHODS.index(s.method))
            self.style.setCurrentIndex(gradients.STYLES.index(s.style))
            self.angle.setValue(s.angle)
            self.scale.setValue(min(150.0, max(10.0, s.scale)))
            self.reverse.setChecked(s.reverse)
            self.dither.setChecked(s.dither)
            self.align.setChecked(s.align)
            self.bar.set_settings(s)
        finally:
            self._updating = False

    # -- editing ---------------------------------------------------------------------------------
    def _change(self, **values) -> None:
        if self._updating:
            return
        self._apply(replace(self.settings, **values))

    def _apply(self, settings: GradientFill) -> None:
        """`settings` become the dialog's and the canvas shows them."""
        if settings == self.settings:
            return
        self.settings = settings
        self._show()
        if self._preview is not None:
            self._preview(settings)

    def _stops_changed(self, stops: list, opacity_stops: Optional[list] = None,
                       midpoints: Optional[tuple] = None,
                       opacity_midpoints: Optional[tuple] = None) -> None:
        """New stops; their midpoints in the same order (None: as they were, one a stop)."""
        s = self.settings
        self._apply(replace(s, stops=tuple(stops),
                            opacity_stops=tuple(opacity_stops if opacity_stops is not None
                                                else s.opacity_stops),
                            midpoints=s.midpoints if midpoints is None else midpoints,
                            opacity_midpoints=(s.opacity_midpoints if opacity_midpoints is None
                                               else opacity_midpoints)))

    def _pick(self, i: int) -> None:
        at, rgb = self.settings.stops[i]
        color = dialogs.ask_color(self, QColor(*rgb), "Color Picker (Stop Color)")
        if color is None:
            return
        stops = list(self.settings.stops)
        stops[i] = (at, (color.red(), color.green(), color.blue()))
        self._stops_changed(stops)

    def _move_stop(self, i: int, value: float) -> None:
        if not self._updating:
            self._apply(moved(self.settings, "color", i, value))

    def _set_midpoint(self, kind: str, i: int, value: float) -> None:
        if not self._updating:
            self._apply(with_midpoint(self.settings, kind, i, value))

    def _remove_stop(self, i: int) -> None:
        self._apply(removed(self.settings, "color", i))

    def _add_stop(self) -> None:
        self._apply(added(self.settings, "color",
                          _widest_gap([s[0] for s in self.settings.stops])))

    def _set_opacity(self, i: int, value: float) -> None:
        if self._updating:
            return
        opacity = list(self.settings.opacity_stops)
        opacity[i] = (opacity[i][0], value)
        self._stops_changed(list(self.settings.stops), opacity)

    def _move_opacity(self, i: int, value: float) -> None:
        if not self._updating:
            self._apply(moved(self.settings, "opacity", i, value))

    def _remove_opacity(self, i: int) -> None:
        self._apply(removed(self.settings, "opacity", i))

    def _add_opacity(self) -> None:
        self._apply(added(self.settings, "opacity",
                          _widest_gap([s[0] for s in self.settings.opacity_stops])))


def _editor_window(widget: Optional[QWidget]):
    """The editor window `widget` belongs to (the one with the settings), or None."""
    while widget is not None and not (hasattr(widget, "settings") and hasattr(widget, "status")):
        widget = widget.parentWidget()
    return widget


def _widest_gap(locations: list[float]) -> float:
    """Halfway along the widest gap between stops at `locations` (%), the ends included."""
    points = sorted({0.0, 100.0, *locations})
    a, b = max(zip(points, points[1:]), key=lambda pair: pair[1] - pair[0])
    return round((a + b) / 2, 1)


def fill_image(settings, width: int, height: int, cell: int = 4) -> QImage:
    """What a (gradient or pattern) fill's `settings` paint over a `width` x `height` box
    laid out on that box, over a grey checker of `cell` pixels where it is clear."""
    width, height = max(1, width), max(1, height)
    pixels = settings.paint(Box(0, 0, width, height), (0.0, 0.0, float(width), float(height)))
    y, x = np.mgrid[0:height, 0:width]
    checker = np.where(((x // cell) + (y // cell)) % 2 == 0, 255.0, 204.0)[..., None]
    alpha = pixels[..., 3:4] / 255.0
    rgb = np.ascontiguousarray(np.rint(pixels[..., :3] * alpha + checker * (1 - alpha)), np.uint8)
    image = QImage(rgb.data, width, height, rgb.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # its own memory: `rgb` goes


def paint_thumbnail(painter: QPainter, rect, settings) -> None:
    """A gradient or pattern fill's thumbnail (the Layers panel's): its content laid out on
    the square as on the canvas (a gradient's style, angle, reverse; a pattern's tiles),
    over a checker where it is clear."""
    side = max(1, min(rect.width(), rect.height()))
    painter.drawImage(rect.topLeft(), fill_image(settings, side, side))
