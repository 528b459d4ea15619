"""Image menu: Image Size, Canvas Size (with an anchor), Crop, Trim, Rotate (quarter turns
and Arbitrary…) and Flip Canvas, Duplicate (a new tab: `editor.model.duplicate`).

The work is in `editor.model.image_ops` (no Qt); each command is one undo
step. Image Size keeps the proportions unless unlinked; Canvas Size places
the old picture by a 3 × 3 anchor, as in Photoshop, takes sizes or (Relative) amounts
added, and grows the Background with its Canvas extension color.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDoubleSpinBox,
                               QFormLayout,
                               QGridLayout, QHBoxLayout, QLabel, QLineEdit, QRadioButton,
                               QSpinBox, QToolButton, QVBoxLayout, QWidget)

from editor.model import image_ops, image_resample, replay
from editor.model import resolution as ppi_limits
from editor.model.background_layer import background_of
from editor.model.duplicate import duplicate_document

from .actions import ActionSpec, Spec, SubmenuSpec, has_doc, has_selection, run_on_doc
from . import dialogs
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow


def _size_box(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, image_ops.MAX_SIDE)
    box.setSuffix(" px")
    box.setValue(value)
    return box


class DuplicateDialog(QDialog):
    """Image > Duplicate…: the copy's name ("<name> copy") and Duplicate Merged Layers Only
    (greyed for a one-layer document, as in Photoshop)."""

    def __init__(self, window: "EditorWindow", name: str, layers: int):
        super().__init__(window)
        self.setWindowTitle("Duplicate Image")
        self.setObjectName("DuplicateDialog")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName("DuplicateName")
        self.name.selectAll()
        form.addRow("As:", self.name)
        self.merged = QCheckBox("Duplicate Merged Layers Only")
        self.merged.setObjectName("DuplicateMerged")
        self.merged.setEnabled(layers > 1)
        form.addRow("", self.merged)
        layout.addLayout(form)
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)


class ImageSizeDialog(QDialog):
    """Image > Image Size…: the Pixel Dimensions (Width and Height in pixels, proportions
    kept unless unlinked), the Document Size as Photoshop lays it out (Width and Height in
    Percent, Inches, Centimeters, Millimeters, Points or Picas, and the Resolution in
    Pixels/Inch or Pixels/Centimeter), and Resample with Photoshop's menu and Reduce Noise
    (greyed but for the two Preserve Details). With Resample off the pixels stay as they
    are (proportions kept, as in Photoshop): the print size and resolution trade."""

    def __init__(self, window: "EditorWindow", size: tuple[int, int],
                 method: str = "automatic", noise: float = 0.0, resolution: float = 72.0,
                 unit: str = "inches"):
        super().__init__(window)
        self.setWindowTitle("Image Size")
        self.setObjectName("ImageSizeDialog")
        self.size0, self.ppi0 = size, float(resolution)
        self.ppi = self.ppi0  # the Resolution field's, in px/in whatever unit it shows
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(QLabel("<b>Pixel Dimensions</b>"))
        self.width_box, self.height_box = _size_box(size[0]), _size_box(size[1])
        form.addRow("Width:", self.width_box)
        form.addRow("Height:", self.height_box)
        form.addRow(QLabel("<b>Document Size</b>"))
        self.print_width, self.print_height = _print_box(), _print_box()
        self.print_width.setObjectName("ImageSizePrintWidth")
        self.print_height.setObjectName("ImageSizePrintHeight")
        self.width_unit, self.height_unit = _unit_box(), _unit_box()
        self.width_unit.setObjectName("ImageSizeWidthUnit")
        self.height_unit.setObjectName("ImageSizeHeightUnit")
        # The rulers' unit (pixels: the Pixel Dimensions above; the print size in inches).
        for box in (self.width_unit, self.height_unit):
            box.setCurrentIndex(max(0, box.findData(unit if unit != "pixels" else "inches")))
        form.addRow("Width:", _row(self.print_width, self.width_unit))
        form.addRow("Height:", _row(self.print_height, self.height_unit))
        self.resolution = QDoubleSpinBox()
        self.resolution.setObjectName("ImageSizeResolution")
        self.resolution.setDecimals(3)
        self.resolution.setRange(0.001, ppi_limits.MAX)
        self.resolution_unit = QComboBox()
        self.resolution_unit.setObjectName("ImageSizeResolutionUnit")
        self.resolution_unit.addItem("Pixels/Inch", 1.0)
        self.resolution_unit.addItem("Pixels/Centimeter", ppi_limits.PER_CM)
        form.addRow("Resolution:", _row(self.resolution, self.resolution_unit))
        self.keep = QCheckBox("Keep proportions")
        self.keep.setChecked(True)
        form.addRow("", self.keep)
        self.resample_on = QCheckBox("Resample:")
        self.resample_on.setObjectName("ImageSizeResampleOn")
        self.resample_on.setChecked(True)
        self.resample_on.setToolTip("Off: only the print size and resolution change, "
                                    "not a pixel")
        self.resample = QComboBox()
        self.resample.setObjectName("ImageSizeResample")
        for key, label in image_resample.METHODS:
            self.resample.addItem(label, key)
        self.resample.setCurrentIndex(max(0, self.resample.findData(method)))
        form.addRow(self.resample_on, self.resample)
        self.noise = QSpinBox()
        self.noise.setObjectName("ImageSizeNoise")
        self.noise.setRange(0, 100)
        self.noise.setSuffix(" %")
        self.noise.setValue(int(noise))
        self.noise.setToolTip("Smooths grain (edges kept) before Preserve Details enlarges")
        form.addRow("Reduce Noise:", self.noise)
        self.resample.currentIndexChanged.connect(self._show_noise)
        layout.addLayout(form)
        self._show_resolution()
        self._show_print()
        self.width_box.valueChanged.connect(lambda v: self._follow(self.height_box, v, 0))
        self.height_box.valueChanged.connect(lambda v: self._follow(self.width_box, v, 1))
        self.width_box.valueChanged.connect(self._show_print)
        self.height_box.valueChanged.connect(self._show_print)
        self.print_width.valueChanged.connect(lambda v: self._print_changed(0, v))
        self.print_height.valueChanged.connect(lambda v: self._print_changed(1, v))
        self.width_unit.currentIndexChanged.connect(lambda i: self._unit_changed(0, i))
        self.height_unit.currentIndexChanged.connect(lambda i: self._unit_changed(1, i))
        self.resolution.valueChanged.connect(self._resolution_changed)
        self.resolution_unit.currentIndexChanged.connect(self._show_resolution)
        self.resample_on.toggled.connect(self._resample_toggled)
        self._show_noise()
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)

    def _follow(self, other: QSpinBox, value: int, axis: int) -> None:
        if not self.keep.isChecked() or other.hasFocus():
            return
        ratio = self.size0[1 - axis] / self.size0[axis]
        other.blockSignals(True)
        other.setValue(max(1, round(value * ratio)))
        other.blockSignals(False)

    def _show_noise(self, *args) -> None:
        self.noise.setEnabled(self.resample_on.isChecked()
                              and self.method() in image_resample.NOISE_METHODS)

    def _show_print(self, *args, skip=None) -> None:
        """The Document Size fields from the pixels and the resolution (`skip`: the field
        being typed in, left as typed)."""
        for axis, (box, unit, px) in enumerate(((self.print_width, self.width_unit,
                                                 self.width_box),
                                                (self.print_height, self.height_unit,
                                                 self.height_box))):
            if box is skip:
                continue
            box.blockSignals(True)
            box.setValue(ppi_limits.from_pixels(px.value(), unit.currentData(), self.ppi,
                                                self.size0[axis]))
            box.blockSignals(False)

    def _show_resolution(self, *args) -> None:
        self.resolution.blockSignals(True)
        self.resolution.setValue(self.ppi / self.resolution_unit.currentData())
        self.resolution.blockSignals(False)

    def _print_changed(self, axis: int, value: float) -> None:
        box = (self.print_width, self.print_height)[axis]
        unit = (self.width_unit, self.height_unit)[axis].currentData()
        px = ppi_limits.to_pixels(value, unit, self.ppi, self.size0[axis])
        if not self.resample_on.isChecked():
            # The pixels stay: the resolution is what the new print size asks for.
            if unit != "percent" and px > 0:  # (a percent of the same pixels: no change)
                inches = value / ppi_limits.INCH[unit]
                self.ppi = ppi_limits.clamped(self.size0[axis] / inches)
                self._show_resolution()
            self._show_print(skip=box)
            return
        boxes = (self.width_box, self.height_box)
        other = boxes[1 - axis]
        boxes[axis].blockSignals(True)
        boxes[axis].setValue(max(1, round(px)))
        boxes[axis].blockSignals(False)
        if self.keep.isChecked():
            ratio = self.size0[1 - axis] / self.size0[axis]
            other.blockSignals(True)
            other.setValue(max(1, round(px * ratio)))
            other.blockSignals(False)
        self._show_print(skip=box)

    def _unit_changed(self, axis: int, index: int) -> None:
        # Both sides in one unit, as Photoshop keeps them (Percent included).
        other = (self.height_unit, self.width_unit)[axis]
        other.blockSignals(True)
        other.setCurrentIndex(index)
        other.blockSignals(False)
        self._show_print()

    def _resolution_changed(self, value: float) -> None:
        old, self.ppi = self.ppi, ppi_limits.clamped(value * self.resolution_unit.currentData())
        if self.resample_on.isChecked():  # the print size kept: the pixels follow
            for box in (self.width_box, self.height_box):
                box.blockSignals(True)
                box.setValue(max(1, round(box.value() * self.ppi / old)))
                box.blockSignals(False)
        self._show_print()

    def _resample_toggled(self, on: bool) -> None:
        if not on:  # the pixels as they are, proportions kept (Photoshop greys both)
            for box, value in zip((self.width_box, self.height_box), self.size0):
                box.blockSignals(True)
                box.setValue(value)
                box.blockSignals(False)
            self.keep.setChecked(True)
        for widget in (self.width_box, self.height_box, self.keep, self.resample):
            widget.setEnabled(on)
        self._show_noise()
        self._show_print()

    def method(self) -> str:
        return self.resample.currentData()

    def chosen(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()

    def settings(self) -> dict:
        """The `image_size` step's settings: size, method, (where it applies) noise and
        (when changed) the resolution in px/in."""
        width, height = self.chosen()
        noise = self.noise.value() if self.noise.isEnabled() else 0
        out = {"width": width, "height": height, "method": self.method(), "noise": noise}
        if abs(self.ppi - self.ppi0) >= 0.0005:
            out["resolution"] = round(self.ppi, 3)
        return out


def _print_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(3)
    box.setRange(0.001, 10 ** 7)
    return box


def _unit_box() -> QComboBox:
    box = QComboBox()
    for key, label in ppi_limits.UNITS[1:]:  # (pixels: the Pixel Dimensions above)
        box.addItem(label, key)
    box.setCurrentIndex(box.findData("inches"))
    return box


def _row(*widgets) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    return row


# Canvas Size's Canvas extension color menu (Photoshop's; "other": a colour picked).
EXTENSION_COLORS = (("foreground", "Foreground"), ("background", "Background"),
                    ("white", "White"), ("black", "Black"), ("gray", "Gray"),
                    ("other", "Other…"))


_ARROWS = {(-1, -1): "↖", (0, -1): "↑", (1, -1): "↗", (-1, 0): "←", (1, 0): "→",
           (-1, 1): "↙", (0, 1): "↓", (1, 1): "↘"}


class CanvasSizeDialog(QDialog):
    """Image > Canvas Size…: the new Width and Height in a unit (Photoshop's: the rulers'
    unit, Preferences > Units & Rulers, by default; Percent of the current size, the print
    units by the document's resolution), or with Relative the amounts added to each side
    (negative: taken off), the Anchor, and the Canvas extension color the Background grows
    with (greyed without a Background, as there). Relative and the colour are remembered."""

    def __init__(self, window: "EditorWindow", size: tuple[int, int], unit: str = "pixels",
                 resolution: float = 72.0, has_background: bool = True):
        super().__init__(window)
        self.setWindowTitle("Canvas Size")
        self.setObjectName("CanvasSizeDialog")
        self.main_window = window
        self.size0, self.ppi = size, float(resolution)
        settings = window.settings
        layout = QVBoxLayout(self)
        current = QLabel(f"Current Size:  {size[0]} px × {size[1]} px")
        current.setObjectName("CanvasSizeCurrent")
        layout.addWidget(current)
        form = QFormLayout()
        self.width_box, self.height_box = _print_box(), _print_box()
        self.width_box.setObjectName("CanvasSizeWidth")
        self.height_box.setObjectName("CanvasSizeHeight")
        self.unit = QComboBox()
        self.unit.setObjectName("CanvasSizeUnit")
        for key, label in ppi_limits.UNITS:
            self.unit.addItem(label, key)
        self.unit.setCurrentIndex(max(0, self.unit.findData(unit)))
        self._unit = self.unit.currentData()  # what the fields show now
        self.relative = QCheckBox("Relative")
        self.relative.setObjectName("CanvasSizeRelative")
        self.relative.setToolTip("Width and Height are amounts added to the canvas "
                                 "(negative: cut off)")
        self.relative.setChecked(settings.value("image/canvas_relative", False, bool))
        self._relative = self.relative.isChecked()  # what the fields show now
        self._show_sizes(size)
        form.addRow("Width", _row(self.width_box, self.unit))
        form.addRow("Height", self.height_box)
        form.addRow("", self.relative)
        self.unit.currentIndexChanged.connect(self._fields_changed)
        self.relative.toggled.connect(self._fields_changed)
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setSpacing(2)
        grid.setContentsMargins(0, 0, 0, 0)
        self.anchor = QButtonGroup(self)
        for i, (ax, ay) in enumerate(image_ops.ANCHORS):
            button = QToolButton()
            button.setObjectName(f"Anchor_{i}")
            button.setCheckable(True)
            button.setFixedSize(24, 24)
            button.setToolTip("Where the picture stays in the new canvas")
            self.anchor.addButton(button, i)
            grid.addWidget(button, int(ay * 2), int(ax * 2))
        grid_box.setStyleSheet("QToolButton { border: 1px solid #666; }")
        grid_box.setFixedSize(3 * 24 + 2 * 2, 3 * 24 + 2 * 2)  # (not spread over the row)
        self.anchor.button(4).setChecked(True)
        self.anchor.idToggled.connect(self._show_anchor)
        for box in self._boxes():
            box.valueChanged.connect(self._show_anchor)
        self._show_anchor()
        form.addRow("Anchor", grid_box)
        self.extension = QComboBox()
        self.extension.setObjectName("CanvasSizeExtension")
        for key, label in EXTENSION_COLORS:
            self.extension.addItem(label, key)
        self.other = QColor(settings.value("image/canvas_other", "#808080"))
        self.extension.setCurrentIndex(max(0, self.extension.findData(
            settings.value("image/canvas_extension", "background"))))
        self.extension.activated.connect(self._extension_chosen)
        self.swatch = QLabel()
        self.swatch.setObjectName("CanvasSizeSwatch")
        self.swatch.setFixedSize(22, 22)
        self.extension.currentIndexChanged.connect(self._show_swatch)
        self._show_swatch()
        extension_row = _row(self.extension, self.swatch)
        # (only the Background takes the colour: the other layers grow transparent)
        extension_row.setEnabled(has_background)
        form.addRow("Canvas extension color", extension_row)
        layout.addLayout(form)
        self.buttons = ok_cancel(self)
        layout.addWidget(self.buttons)

    def _side(self, box) -> int:
        return self.size0[0 if box is self.width_box else 1]

    def _boxes(self):
        return self.width_box, self.height_box

    def _show_sizes(self, sizes) -> None:
        """The fields from the new size in pixels, as the unit and Relative now say."""
        for box, px in zip(self._boxes(), sizes):
            side = self._side(box)
            box.setDecimals(0 if self._unit == "pixels" else 3)
            # Relative: negative amounts shrink the canvas (to one pixel at most).
            box.setMinimum(-10 ** 7 if self._relative else 0.001)
            shown = px - side if self._relative else px
            box.setValue(ppi_limits.from_pixels(shown, self._unit, self.ppi, side))

    def _pixels(self, box) -> int:
        side = self._side(box)
        px = round(ppi_limits.to_pixels(box.value(), self._unit, self.ppi, side))
        return max(1, side + px if self._relative else px)

    def _fields_changed(self, *args) -> None:
        """Unit or Relative changed: the same new size, shown in the unit chosen and as
        the size itself or the amount added (Photoshop's fields switch likewise)."""
        sizes = [self._pixels(box) for box in self._boxes()]
        self._unit = self.unit.currentData()
        self._relative = self.relative.isChecked()
        self._show_sizes(sizes)

    def _show_anchor(self, *args) -> None:
        """Photoshop's anchor grid: a dot where the picture stays, arrows in the cells next
        to it the way the canvas goes (out where it grows, in where it shrinks)."""
        checked = self.anchor.checkedId()
        if checked < 0:
            return
        ax, ay = (round(v * 2) for v in image_ops.ANCHORS[checked])
        grow = [1 if self._pixels(box) >= self._side(box) else -1 for box in self._boxes()]
        for i, button in enumerate(self.anchor.buttons()):
            x, y = (round(v * 2) for v in image_ops.ANCHORS[self.anchor.id(button)])
            dx, dy = (x - ax) * grow[0], (y - ay) * grow[1]
            button.setText("●" if i == checked else
                           _ARROWS.get((dx, dy), "") if max(abs(dx), abs(dy)) == 1 else "")

    def _extension_chosen(self, *args) -> None:
        if self.extension.currentData() == "other":
            color = dialogs.ask_color(self, self.other, "Canvas Extension Color")
            if color is not None:
                self.other = color
            self._show_swatch()

    def _show_swatch(self, *args) -> None:
        self.swatch.setStyleSheet(f"background: {self.extension_color().name()}; "
                                  "border: 1px solid #777;")

    def extension_color(self) -> QColor:
        key = self.extension.currentData()
        w = self.main_window
        return {"foreground": w.foreground, "background": w.background,
                "white": QColor(255, 255, 255), "black": QColor(0, 0, 0),
                "gray": QColor(128, 128, 128), "other": self.other}[key]

    def accept(self) -> None:
        settings = self.main_window.settings
        settings.set_value("image/canvas_relative", self.relative.isChecked())
        settings.set_value("image/canvas_extension", self.extension.currentData())
        settings.set_value("image/canvas_other", self.other.name())
        super().accept()

    def chosen(self) -> tuple[int, int, tuple[float, float]]:
        """The new size in pixels and the anchor."""
        return self._pixels(self.width_box), self._pixels(self.height_box), \
            image_ops.ANCHORS[self.anchor.checkedId()]


class RotateCanvasDialog(QDialog):
    """Image > Image Rotation > Arbitrary…: the angle and its direction (°CW / °CCW), as
    Photoshop asks them; the last ones remembered."""

    def __init__(self, parent, degrees: float, clockwise: bool):
        super().__init__(parent)
        self.setObjectName("RotateCanvasDialog")
        self.setWindowTitle("Rotate Canvas")
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Angle:"))
        self.angle = QDoubleSpinBox()
        self.angle.setObjectName("RotateCanvasAngle")
        self.angle.setRange(-359.99, 359.99)
        self.angle.setDecimals(2)
        self.angle.setValue(degrees)
        row.addWidget(self.angle)
        self.clockwise = QRadioButton("°CW")
        self.clockwise.setObjectName("RotateCanvasCW")
        self.counter = QRadioButton("°CCW")
        self.counter.setObjectName("RotateCanvasCCW")
        (self.clockwise if clockwise else self.counter).setChecked(True)
        row.addWidget(self.clockwise)
        row.addWidget(self.counter)
        layout.addLayout(row)
        layout.addWidget(ok_cancel(self))

    def degrees(self) -> float:
        """Clockwise degrees (negative: counter-clockwise)."""
        return self.angle.value() * (1.0 if self.clockwise.isChecked() else -1.0)


class ImageCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[Spec]:
        """The Image menu (between Edit and Layer) and its Image Rotation submenu."""
        def rotate(turns: int):
            return lambda: self._op("rotate the canvas",
                                    lambda d: replay.perform(d, "rotate_canvas", turns=turns))

        def flip(horizontal: bool):
            return lambda: self._op("flip the canvas",
                                    lambda d: replay.perform(d, "flip_canvas",
                                                             horizontal=horizontal))

        return [
            ActionSpec("image_size", "Image &Size…", self.image_size, "Alt+Ctrl+I",
                       enabled=has_doc, menu="image"),
            ActionSpec("canvas_size", "&Canvas Size…", self.canvas_size, "Alt+Ctrl+C",
                       enabled=has_doc, menu="image"),
            SubmenuSpec("image_rotation", "&Image Rotation", menu="image", separator=True),
            ActionSpec("rotate_canvas_180", "&180°", rotate(2), enabled=has_doc,
                       menu="image_rotation"),
            ActionSpec("rotate_canvas_cw", "90° &Clockwise", rotate(1), enabled=has_doc,
                       menu="image_rotation"),
            ActionSpec("rotate_canvas_ccw", "90° C&ounter Clockwise", rotate(-1),
                       enabled=has_doc, menu="image_rotation"),
            ActionSpec("rotate_canvas_arbitrary", "&Arbitrary…", self.rotate_arbitrary,
                       enabled=has_doc, menu="image_rotation"),
            ActionSpec("flip_canvas_h", "Flip Canvas &Horizontal", flip(True), enabled=has_doc,
                       menu="image_rotation", separator=True),
            ActionSpec("flip_canvas_v", "Flip Canvas &Vertical", flip(False), enabled=has_doc,
                       menu="image_rotation"),
            ActionSpec("crop_image", "C&rop to Selection", self.crop_to_selection,
                       enabled=has_selection, menu="image", separator=True),
            ActionSpec("trim_image", "&Trim Transparent Pixels", self.trim, enabled=has_doc,
                       menu="image"),
            ActionSpec("reveal_all", "Re&veal All", self.reveal_all, enabled=has_doc,
                       menu="image",
                       tip="Grow the canvas to show the layers' pixels that lie beyond it"),
            ActionSpec("duplicate_document", "&Duplicate…", self.duplicate, enabled=has_doc,
                       tip="A new document copying this one (unsaved)", menu="image",
                       separator=True),
        ]

    def _op(self, what: str, fn) -> None:
        run_on_doc(self.window, f"Could not {what}", fn)

    def image_size(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        settings = self.window.settings
        dialog = ImageSizeDialog(self.window, doc.size,
                                 settings.value("image/resample", "automatic", str),
                                 settings.value("image/reduce_noise", 0, int),
                                 resolution=doc.resolution,
                                 unit=settings.ruler_units)
        if dialog.exec():
            chosen = dialog.settings()
            # Photoshop remembers the Resample choice for the next time.
            settings.set_value("image/resample", chosen["method"])
            settings.set_value("image/reduce_noise", dialog.noise.value())
            self._op("change the image size",
                     lambda d: replay.perform(d, "image_size", **chosen))

    def canvas_size(self) -> None:
        doc = self.window.doc
        if doc is None:
            return
        dialog = CanvasSizeDialog(self.window, doc.size, self.window.settings.ruler_units,
                                  doc.resolution, background_of(doc) is not None)
        if dialog.exec():
            width, height, anchor = dialog.chosen()
            # (the Background is extended with the Canvas extension color: the background
            # colour unless chosen otherwise, as in Photoshop)
            extension = list(dialog.extension_color().getRgb()[:3])
            self._op("change the canvas size",
                     lambda d: replay.perform(d, "canvas_size", width=width, height=height,
                                               anchor=anchor, extension=extension))

    def rotate_arbitrary(self) -> None:
        w = self.window
        if w.doc is None:
            return
        settings = w.settings
        dialog = RotateCanvasDialog(w, settings.value("image/rotate_degrees", 0.0, float),
                                    settings.value("image/rotate_clockwise", True, bool))
        if not dialog.exec():
            return
        settings.set_value("image/rotate_degrees", dialog.angle.value())
        settings.set_value("image/rotate_clockwise", dialog.clockwise.isChecked())
        degrees = dialog.degrees()
        if degrees:  # (a Background's uncovered corners: the background colour)
            fill = list(w.background.getRgb()[:3])
            self._op("rotate the canvas",
                     lambda d: replay.perform(d, "rotate_arbitrary", degrees=degrees,
                                               fill=fill))

    def crop_to_selection(self) -> None:
        self._op("crop", image_ops.crop_to_selection)

    def trim(self) -> None:
        self._op("trim", image_ops.trim)

    def reveal_all(self) -> None:
        fill = tuple(self.window.background.getRgb()[:3])  # (the Background's new area)
        self._op("reveal all", lambda d: image_ops.reveal_all(d, fill))

    def duplicate(self) -> None:
        """Image > Duplicate…: asks the name, then opens the copy in a new tab."""
        w = self.window
        session = w.session
        if session is None:
            return
        stem = os.path.splitext(session.title)[0]
        dialog = DuplicateDialog(w, f"{stem} copy", sum(1 for _ in session.doc.layers()))
        if not dialog.exec():
            return
        name = dialog.name.text().strip() or f"{stem} copy"
        merged = dialog.merged.isEnabled() and dialog.merged.isChecked()
        copy = run_on_doc(w, "Could not duplicate the image",
                          lambda d: duplicate_document(d, merged))
        if copy is not None:
            w.add_session(copy, name)
