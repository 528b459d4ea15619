"""The Properties panel's section for an adjustment layer's settings.

Each number is a slider with a spin box beside it (Photoshop's Properties
panel); the canvas follows every change (the document changes at once, the
Renderer redraws). A slider drag is one undo step (its changes share a merge
key); each typed value is one step. Levels and Curves edit one channel at a
time (RGB, Red, Green, Blue), Color Balance one tonal range, Hue/Saturation
its Master or one of its six ranges (Reds ... Magentas), over Photoshop's two
colour bars (`hue_bars.py`: the hues in and out; a range's corners dragged on
its slider between them, one drag one step) and its corners also in degrees,
held in order as the slider holds them. Curves are
edited on Photoshop's graph (`curve_graph.py`: click to add a point, drag,
drag off to remove; one drag is one undo step, as a slider's) over the
histogram of what lies below (`below_histogram.py`: made again once the layers
below are still after a change), and as numbers: the points "input,output"
separated by spaces, 2 to 19 of them, as Photoshop stores them. Curves and Hue/Saturation
have Photoshop's on-image adjustment (the hand button, `targeted_adjust.py`): a drag on
the canvas edits the curve or range under the pointer, one drag one step. A fill layer's colour
is a swatch that opens the colour picker (`AdjustmentCommands.edit_fill`); a gradient
fill's gradient a button that opens its dialog, beside its angle, scale, Reverse and
Align with layer; a pattern fill's pattern (tiled at its scale) likewise, beside its scale,
angle and Link with Layer. A Gradient Map's gradient is edited on the gradient bar itself
(`gradient_bar.py`), beside its smoothness, method, Reverse and Dither; Posterize and
Threshold have one number each, Invert none. Selective Color edits one colour (Reds ..
Blacks, chosen as a channel is) with its four ink sliders, and its method.
"""
from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QSlider, QVBoxLayout, QWidget)

from editor.model import DocumentError, adjustment_ops, adjustments as adj, gradients
from editor.model.layers import AdjustmentLayer

from . import dialogs
from .below_histogram import BelowHistogram
from .curve_graph import CurveGraph
from .gradient_bar import GradientBar, gradient_image
from .gradient_dialog import fill_image
from .hue_bars import HueBars
from .icons import icon
from .targeted_adjust import TargetedAdjustMode

if TYPE_CHECKING:
    from .window_api import EditorWindow

_keys = itertools.count(1)
CHANNELS = ("RGB", "Red", "Green", "Blue")
CHANNEL_FIELDS = ("rgb", "red", "green", "blue")
TONES = ("Shadows", "Midtones", "Highlights")
TONE_FIELDS = ("shadows", "midtones", "highlights")
HUE_RANGES = ("Master",) + adj.HUE_RANGE_NAMES
GRADIENT_BAR = (150, 16)  # the Properties panel's gradient button's picture


@dataclass
class Field:
    """One row: a number (slider + spin box), a check box, a choice of what the rows edit
    (channel, tonal range: view state, not a setting) or a curve's points."""

    label: str
    kind: str  # "number", "check", "choice", "curve", "points", "hue_bars", "color", "gradient",
    #            "pattern", "gradient_bar" (a Gradient Map's gradient), "option" (a setting
    #            chosen from `choices`: its index),
    #            "target" (the on-image adjustment's button)
    value: object
    apply: Optional[Callable] = None  # value -> new settings (None for "choice")
    low: float = 0
    high: float = 0
    decimals: int = 0
    choices: tuple = ()


def fields(settings: adj.Adjustment, channel: int, tone: int, hue_range: int = 0) -> list[Field]:
    """The rows of one kind's settings (`channel`: Levels/Curves, `tone`: Color Balance,
    `hue_range`: Hue/Saturation's Master (0) or one of its six ranges)."""
    s = settings

    def number(label, key, low, high, decimals=0):
        return Field(label, "number", getattr(s, key), lambda v: replace(s, **{key: v}),
                     low, high, decimals)

    if isinstance(s, adj.SolidColor):  # edited in the colour picker, not here
        return [Field("Color", "color", s.color)]
    if isinstance(s, adj.GradientFill):  # the gradient and the rest in its dialog
        return [Field("Gradient", "gradient", s), number("Angle", "angle", -180, 180, 1),
                number("Scale", "scale", 10, 150),
                Field("Reverse", "check", s.reverse, lambda v: replace(s, reverse=v)),
                Field("Align with layer", "check", s.align, lambda v: replace(s, align=v))]
    if isinstance(s, adj.PatternFill):  # the pattern in its dialog
        return [Field("Pattern", "pattern", s), number("Scale", "scale", 1, 1000),
                number("Angle", "angle", -180, 180, 1),
                Field("Link with Layer", "check", s.align, lambda v: replace(s, align=v))]
    if isinstance(s, adj.BrightnessContrast):
        # Use Legacy: Photoshop's formula before CS3, whose contrast went down to -100.
        return [number("Brightness", "brightness", -150, 150),
                number("Contrast", "contrast", -100 if s.legacy else -50, 100),
                Field("Use Legacy", "check", s.legacy,
                      lambda v: replace(s, legacy=v, contrast=s.contrast if v else max(-50, s.contrast)))]
    if isinstance(s, adj.Exposure):
        return [number("Exposure", "exposure", -20, 20, 2), number("Offset", "offset", -0.5, 0.5, 4),
                number("Gamma", "gamma", 0.01, 9.99, 2)]
    if isinstance(s, adj.Levels):
        name = CHANNEL_FIELDS[channel]
        record = getattr(s, name)

        def part(label, i, low, high, decimals=0):
            def apply(v):
                values = list(record)
                values[i] = v
                # The input sliders never cross (Photoshop keeps them 2 apart): crossed, they
                # turned the picture into its negative.
                if i == 0:
                    values[0] = min(v, values[1] - 2)
                elif i == 1:
                    values[1] = max(v, values[0] + 2)
                return replace(s, **{name: tuple(values)})
            return Field(label, "number", record[i], apply, low, high, decimals)

        return [Field("Channel", "choice", channel, choices=CHANNELS),
                part("Input black", 0, 0, 253), part("Gamma", 2, 0.1, 9.99, 2),
                part("Input white", 1, 2, 255), part("Output black", 3, 0, 255),
                part("Output white", 4, 0, 255)]
    if isinstance(s, adj.Curves):
        name = CHANNEL_FIELDS[channel]
        # The hand button first, as Photoshop has it above the graph: at the end it was
        # out of sight in the default panel height.
        return [Field("On-image", "target", None),
                Field("Channel", "choice", channel, choices=CHANNELS),
                Field("Curve", "curve", getattr(s, name),
                      lambda points: replace(s, **{name: tuple(points)})),
                Field("Points", "points", adj.format_points(getattr(s, name)),
                      lambda text: replace(s, **{name: adj.parse_points(text)}))]
    if isinstance(s, adj.HueSaturation):
        rows = [Field("Colorize", "check", s.colorize, lambda v: replace(s, colorize=v))]
        if s.colorize:  # the bars show the colour it gives; no range to drag
            return rows + [number("Hue", "colorize_hue", 0, 360),
                           number("Saturation", "colorize_saturation", 0, 100),
                           number("Lightness", "colorize_lightness", -100, 100),
                           Field("Colour bars", "hue_bars", (s, None))]
        # The hand button beside the range, where Photoshop has it.
        rows += [Field("On-image", "target", None),
                 Field("Range", "choice", hue_range, choices=HUE_RANGES)]
        if hue_range == 0:
            return rows + [number("Hue", "hue", -180, 180),
                           number("Saturation", "saturation", -100, 100),
                           number("Lightness", "lightness", -100, 100),
                           Field("Colour bars", "hue_bars", (s, None))]
        index = hue_range - 1
        corners, edit = s.ranges[index]

        def part(label, i, low, high):
            def apply(v):
                values = list(edit)
                values[i] = v
                return s.with_range(index, edit=tuple(values))
            return Field(label, "number", edit[i], apply, low, high)

        def corner(label, i):  # typed, held in order as the bars' handles are
            return Field(label, "number", corners[i],
                         lambda v: s.with_range(index, corners=adj.corner_set(corners, i, v)),
                         0, 360)

        # Photoshop's colour bars below the sliders, with the range's slider between
        # them (`hue_bars.py`); its four corners also as numbers, in degrees.
        return rows + [part("Hue", 0, -180, 180), part("Saturation", 1, -100, 100),
                       part("Lightness", 2, -100, 100),
                       Field("Colour bars", "hue_bars", (s, index),
                             lambda values: s.with_range(index, corners=tuple(values))),
                       corner("Falloff from", 0), corner("Range from", 1),
                       corner("Range to", 2), corner("Falloff to", 3)]
    if isinstance(s, adj.ColorBalance):
        name = TONE_FIELDS[tone]
        values = getattr(s, name)

        def axis(label, i):
            def apply(v):
                changed = list(values)
                changed[i] = v
                return replace(s, **{name: tuple(changed)})
            return Field(label, "number", values[i], apply, -100, 100)

        return [Field("Tone", "choice", tone, choices=TONES), axis("Cyan – Red", 0),
                axis("Magenta – Green", 1), axis("Yellow – Blue", 2),
                Field("Preserve luminosity", "check", s.preserve_luminosity,
                      lambda v: replace(s, preserve_luminosity=v))]
    if isinstance(s, (adj.Vibrance, adj.BlackWhite, adj.PhotoFilter, adj.ChannelMixer)):
        return more_fields(s, channel)
    if isinstance(s, (adj.Invert, adj.Posterize, adj.Threshold, adj.GradientMap)):
        return _tonal_fields(s, number)
    if isinstance(s, adj.SelectiveColor):
        return selective_fields(s, channel)
    if isinstance(s, adj.ColorLookup):
        return lookup_fields(s)
    return []


def lookup_fields(s: adj.ColorLookup) -> list[Field]:
    """Color Lookup: its 3D LUT file (Load 3D LUT…, the file's name beside it) and how
    colours between the table's points are found."""
    return [Field("3D LUT File", "lut", s.name or "(none)",
                  lambda v: replace(s, data=v[0], format=v[1], name=v[2])),
            Field("Interpolation", "option", adj.LUT_INTERPOLATIONS.index(s.interpolation),
                  lambda i: replace(s, interpolation=adj.LUT_INTERPOLATIONS[i]),
                  choices=("Tetrahedral", "Trilinear"))]


def selective_fields(s: adj.SelectiveColor, color: int) -> list[Field]:
    """Selective Color's rows, as Photoshop's panel: the colour (Reds .. Blacks: which
    range the sliders edit, view state like a channel), its Cyan, Magenta, Yellow and Black
    (-100..100 %), and the method (Relative, Absolute)."""
    index = min(color, len(adj.SELECTIVE_FIELDS) - 1)
    values = getattr(s, adj.SELECTIVE_FIELDS[index])

    def ink(label, i):
        def apply(v):
            changed = list(values)
            changed[i] = v
            return s.with_color(index, tuple(changed))
        return Field(label, "number", values[i], apply, -100, 100)

    return [Field("Colors", "choice", index, choices=adj.SELECTIVE_COLORS),
            ink("Cyan", 0), ink("Magenta", 1), ink("Yellow", 2), ink("Black", 3),
            Field("Method", "option", int(s.absolute), lambda i: replace(s, absolute=bool(i)),
                  choices=adj.SELECTIVE_METHODS)]


def _tonal_fields(s: adj.Adjustment, number) -> list[Field]:
    """Invert (nothing to set), Posterize's levels, Threshold's level, and a Gradient Map's
    gradient on Photoshop's gradient bar (`gradient_bar.py`: stops dragged, added, taken
    off, double-clicked for their colour; one drag one undo step), its smoothness, method,
    Reverse and Dither."""
    if isinstance(s, adj.Posterize):
        return [number("Levels", "levels", 2, 255)]
    if isinstance(s, adj.Threshold):
        return [number("Threshold level", "level", 1, 255)]
    if isinstance(s, adj.GradientMap):
        return [Field("Gradient", "gradient_bar", s, lambda v: v),
                number("Smoothness", "smoothness", 0, 100),
                Field("Method", "option", gradients.METHODS.index(s.method),
                      lambda i: replace(s, method=gradients.METHODS[i]),
                      choices=tuple(gradients.METHOD_LABELS[m] for m in gradients.METHODS)),
                Field("Reverse", "check", s.reverse, lambda v: replace(s, reverse=v)),
                Field("Dither", "check", s.dither, lambda v: replace(s, dither=v))]
    return []


MIXER_OUTPUTS = ("Red", "Green", "Blue")
MIXER_FIELDS = ("red", "green", "blue")


def more_fields(s: adj.Adjustment, channel: int) -> list[Field]:
    """The rows of Vibrance, Black & White, Photo Filter and Channel Mixer (`channel`: the
    mixer's output channel), with Photoshop's ranges. A colour (the filter's, the tint's)
    is a swatch that opens the colour picker."""
    def number(label, key, low, high):
        return Field(label, "number", getattr(s, key), lambda v: replace(s, **{key: v}),
                     low, high)

    if isinstance(s, adj.Vibrance):
        return [number("Vibrance", "vibrance", -100, 100),
                number("Saturation", "saturation", -100, 100)]
    if isinstance(s, adj.BlackWhite):
        return [number(label, key, -200, 300) for label, key in
                zip(adj.BLACK_WHITE_NAMES, adj.BLACK_WHITE_FIELDS)] + [
            Field("Tint", "check", s.tint, lambda v: replace(s, tint=v)),
            Field("Tint color", "color", s.tint_color,
                  lambda v: replace(s, tint_color=tuple(v)))]
    if isinstance(s, adj.PhotoFilter):
        return [Field("Color", "color", s.color, lambda v: replace(s, color=tuple(v))),
                number("Density", "density", 1, 100),
                Field("Preserve luminosity", "check", s.preserve_luminosity,
                      lambda v: replace(s, preserve_luminosity=v))]
    # Channel Mixer: one output channel's row at a time (Monochrome: the one Gray row).
    name = "red" if s.monochrome else MIXER_FIELDS[min(channel, 2)]
    row = getattr(s, name)

    def part(label, i):
        def apply(v):
            values = list(row)
            values[i] = v
            return replace(s, **{name: tuple(values)})
        return Field(label, "number", row[i], apply, -200, 200)

    rows = [] if s.monochrome else [
        Field("Output channel", "choice", min(channel, 2), choices=MIXER_OUTPUTS)]
    return rows + [part("Red", 0), part("Green", 1), part("Blue", 2), part("Constant", 3),
                   Field("Monochrome", "check", s.monochrome,
                         lambda v: replace(s, monochrome=v))]


class AdjustmentEditor(QWidget):
    """Shows and edits the settings of the active adjustment layer."""

    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.main_window = window
        self.session = None
        self.node: Optional[AdjustmentLayer] = None
        self.channel = 0
        self.tone = 1  # Midtones first, as Photoshop
        self.hue_range = 0  # Master
        self._layout_key = None
        self._rows: list[tuple[Field, dict]] = []
        self._drag_key = None
        self._updating = False
        self._targeting: Optional[TargetedAdjustMode] = None  # the on-image mode, while on
        # What lies below a Curves layer, made again as the layers below change.
        self.histogram = BelowHistogram(self, self.isVisible)
        self.histogram.changed.connect(self._histogram_changed)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("ADJUSTMENT")
        self.title.setObjectName("SectionTitle")
        box.addWidget(self.title)
        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setHorizontalSpacing(10)
        box.addWidget(self.form_widget)
        self.setVisible(False)

    # -- showing ---------------------------------------------------------------------------
    def show_node(self, session, node) -> None:
        """Called by the Properties panel whenever the active node or a node changed."""
        self.session = session
        curves = isinstance(node, AdjustmentLayer) and isinstance(node.settings, adj.Curves)
        self.histogram.follow(session.doc if session is not None else None,
                              node if curves else None)
        if self._targeting is not None and (node is not self.node or not isinstance(
                getattr(node, "settings", None), (adj.Curves, adj.HueSaturation))):
            self.main_window.tools.end_mode(commit=True)  # its layer is no longer shown
        if not isinstance(node, AdjustmentLayer):
            self.node = None
            self.setVisible(False)
            return
        if node is not self.node:
            self.channel, self.tone, self.hue_range = 0, 1, 0
        self.node = node
        self.setVisible(True)
        self.title.setText(node.settings.label.upper())
        rows = fields(node.settings, self.channel, self.tone, self.hue_range)
        key = (id(node), type(node.settings), tuple((f.label, f.kind, f.low, f.high) for f in rows))
        if key != self._layout_key:
            self._build(rows)
            self._layout_key = key
        self._show_values(rows)

    def _build(self, rows: list[Field]) -> None:
        # The old rows go with deleteLater, not removeRow: a rebuild can come from inside
        # a row's own signal (a Channel or Range combo's change shows other rows), and a
        # widget deleted while it is still emitting crashes Qt.
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()
                    widget.deleteLater()
        self._rows = []
        for i, field in enumerate(rows):
            widgets: dict = {}
            name = f"Adjust_{field.label.split()[0]}_{i}"
            if field.kind == "number":
                scale = 10 ** field.decimals
                slider = QSlider(Qt.Orientation.Horizontal)
                slider.setObjectName(name + "_slider")
                slider.setRange(round(field.low * scale), round(field.high * scale))
                spin = QDoubleSpinBox()
                spin.setObjectName(name)
                spin.setRange(field.low, field.high)
                spin.setDecimals(field.decimals)
                spin.setSingleStep(1 / scale if field.decimals else 1)
                spin.setKeyboardTracking(False)
                spin.setMinimumWidth(70)
                slider.sliderPressed.connect(self.begin_drag)
                slider.sliderReleased.connect(self.end_drag)
                slider.valueChanged.connect(lambda v, i=i, s=scale: self._number(i, v / s, True))
                spin.valueChanged.connect(lambda v, i=i: self._number(i, v, False))
                line = QHBoxLayout()
                line.addWidget(slider, 1)
                line.addWidget(spin)
                holder = QWidget()
                holder.setLayout(line)
                line.setContentsMargins(0, 0, 0, 0)
                self.form.addRow(field.label, holder)
                widgets = {"slider": slider, "spin": spin, "scale": scale}
            elif field.kind == "check":
                check = QCheckBox(field.label)
                check.setObjectName(name)
                check.toggled.connect(lambda v, i=i: self._commit(i, bool(v)))
                self.form.addRow("", check)
                widgets = {"check": check}
            elif field.kind == "choice":
                combo = QComboBox()
                combo.setObjectName(name)
                combo.addItems(list(field.choices))
                combo.currentIndexChanged.connect(self._choice)
                self.form.addRow(field.label, combo)
                widgets = {"combo": combo}
            elif field.kind == "curve":
                graph = CurveGraph()
                self._add_dragged(graph, name + "_graph", graph.points_changed, i)
                widgets = {"graph": graph}
            elif field.kind == "hue_bars":
                bars = HueBars()
                self._add_dragged(bars, name + "_bars", bars.corners_changed, i)
                widgets = {"bars": bars}
            elif field.kind == "color":
                swatch = QPushButton()
                swatch.setObjectName(name)
                swatch.setToolTip("Click to pick the fill colour")
                swatch.setMinimumHeight(24)
                swatch.clicked.connect(lambda _=False, i=i: self._pick_color(i))
                self.form.addRow(field.label, swatch)
                widgets = {"swatch": swatch}
            elif field.kind in ("gradient", "pattern"):
                bar = QPushButton()
                bar.setObjectName(name)
                bar.setToolTip(f"Click to edit the {field.kind} fill")
                bar.setIconSize(QSize(*GRADIENT_BAR))
                bar.clicked.connect(self._pick_color)
                self.form.addRow(field.label, bar)
                widgets = {"gradient": bar}
            elif field.kind == "target":
                button = QPushButton("Drag on image")
                button.setObjectName("Adjust_OnImage")
                button.setIcon(icon("tool-hand"))
                button.setCheckable(True)
                button.setToolTip("On-image adjustment: drag on the image to adjust the "
                                  "colours under the pointer (Curves: up/down; "
                                  "Hue/Saturation: left/right, Ctrl for hue); Esc to stop")
                button.toggled.connect(self._target_toggled)
                self.form.addRow("", button)
                widgets = {"target": button}
            elif field.kind == "gradient_bar":
                bar = GradientBar(field.value)
                bar.setObjectName(name + "_bar")
                bar.drag_started.connect(self.begin_drag)  # (as `_add_dragged`, with the
                bar.drag_ended.connect(self.end_drag)      # bar's own object name)
                bar.changed.connect(lambda value, i=i: self._commit(i, value, self._drag_key))
                bar.pick_colour.connect(self._pick_stop_colour)
                self.form.addRow(bar)
                widgets = {"gradbar": bar}
            elif field.kind == "option":  # a setting chosen from a list
                combo = QComboBox()
                combo.setObjectName(name)
                combo.addItems(list(field.choices))
                combo.currentIndexChanged.connect(lambda index, i=i: self._commit(i, index))
                self.form.addRow(field.label, combo)
                widgets = {"option": combo}
            elif field.kind == "lut":  # Color Lookup's file: a button, its name beside
                button = QPushButton("Load 3D LUT…")
                button.setObjectName(name)
                button.setAutoDefault(False)  # (Enter is a dialog's OK)
                button.setToolTip("Choose a .cube or .3dl 3D LUT file")
                button.clicked.connect(lambda _=False, i=i: self._load_lut(i))
                label = QLabel()  # (a box of its own: a file's name is long)
                label.setObjectName(name + "_name")
                box = QVBoxLayout()
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                box.addWidget(label)
                self.form.addRow(field.label, box)
                widgets = {"lut": label}
            elif field.kind == "points":
                edit = QLineEdit()
                edit.setObjectName(name)
                edit.setToolTip("Curve points as input,output (0-255), separated by spaces; "
                                "2 to 19 points, inputs rising")
                edit.editingFinished.connect(lambda i=i: self._points(i))
                self.form.addRow(field.label, edit)
                widgets = {"edit": edit}
            self._rows.append((field, widgets))

    def _show_values(self, rows: list[Field]) -> None:
        self._updating = True
        try:
            for (_, widgets), field in zip(self._rows, rows):
                if "spin" in widgets:
                    widgets["slider"].setValue(round(float(field.value) * widgets["scale"]))
                    widgets["spin"].setValue(float(field.value))
                elif "check" in widgets:
                    widgets["check"].setChecked(bool(field.value))
                elif "combo" in widgets:
                    widgets["combo"].setCurrentIndex(int(field.value))
                elif "graph" in widgets:
                    widgets["graph"].set_curve(field.value, self.channel, self._counts())
                elif "bars" in widgets:
                    widgets["bars"].set_value(*field.value)
                elif "swatch" in widgets:
                    r, g, b = field.value
                    ink = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"
                    widgets["swatch"].setStyleSheet(
                        f"background-color: rgb({r}, {g}, {b}); color: {ink};")
                    widgets["swatch"].setText(f"#{r:02x}{g:02x}{b:02x}".upper())
                elif "gradient" in widgets:  # (a gradient's or a pattern's picture)
                    picture = gradient_image if isinstance(field.value, adj.GradientFill) \
                        else fill_image
                    widgets["gradient"].setIcon(QIcon(QPixmap.fromImage(
                        picture(field.value, *GRADIENT_BAR))))
                elif "target" in widgets:
                    widgets["target"].setChecked(self._targeting is not None)
                elif "gradbar" in widgets:
                    widgets["gradbar"].set_settings(field.value)
                elif "option" in widgets:
                    widgets["option"].setCurrentIndex(int(field.value))
                elif "lut" in widgets:
                    widgets["lut"].setText(str(field.value))
                    widgets["lut"].setToolTip(str(field.value))
                elif "edit" in widgets and not widgets["edit"].hasFocus():
                    widgets["edit"].setText(str(field.value))
            self._rows = [(field, widgets) for (_, widgets), field in zip(self._rows, rows)]
        finally:
            self._updating = False

    def current_settings(self) -> Optional[adj.Adjustment]:
        """The settings the rows show and edit (the layer's; a dialog's editor holds its own)."""
        return self.node.settings if self.node is not None else None

    def _fields(self) -> list[Field]:
        return fields(self.current_settings(), self.channel, self.tone, self.hue_range)

    def _refresh(self) -> None:
        """Shows the rows again (another channel, tone or range chosen)."""
        self.show_node(self.session, self.node)

    def _counts(self):
        """The shown channel's counts below the layer (None until they are made)."""
        counts = self.histogram.counts()
        return None if counts is None else counts[self.channel]

    def _histogram_changed(self) -> None:
        for _, widgets in self._rows:
            if "graph" in widgets:
                widgets["graph"].set_histogram(self._counts())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.histogram.refresh_if_stale()

    # -- editing ---------------------------------------------------------------------------
    def _add_dragged(self, widget, name: str, changed, index: int) -> None:
        """A graph-like control (Curves graph, Hue/Saturation bars) in the form: its drags
        are one undo step each, its `changed` values edit field `index` live."""
        widget.setObjectName(name)
        widget.drag_started.connect(self.begin_drag)
        widget.drag_ended.connect(self.end_drag)
        changed.connect(lambda value: self._commit(index, value, self._drag_key))
        self.form.addRow(widget)

    def _pick_stop_colour(self, i: int) -> None:
        """A Gradient Map's colour stop double-clicked on the bar: the colour picker, and
        the colour it gives is one step."""
        settings = self.current_settings()
        if not isinstance(settings, adj.GradientMap) or i >= len(settings.stops):
            return
        at, rgb = settings.stops[i]
        color = dialogs.ask_color(self, QColor(*rgb), "Color Picker (Stop Color)")
        if color is None:
            return
        stops = list(settings.stops)
        stops[i] = (at, (color.red(), color.green(), color.blue()))
        self.commit_settings(replace(settings, stops=tuple(stops)))

    def _pick_color(self, i: Optional[int] = None) -> None:
        field = self._rows[i][0] if i is not None else None
        if field is not None and field.apply is not None:
            # An adjustment's colour (Photo Filter's, Black & White's tint): one step.
            from .dialogs import ask_color

            color = ask_color(self.main_window, QColor(*field.value),
                              f"Color Picker ({field.label})")
            if color is not None:
                self._commit(i, (color.red(), color.green(), color.blue()))
            return
        if self.node is not None:
            self.main_window.adjustment_commands.edit_fill(self.node)

    def begin_drag(self) -> None:
        """A slider, graph or on-image drag begins: its changes merge into one undo step."""
        self._drag_key = ("adjustment", next(_keys))

    def end_drag(self) -> None:
        """The drag ended: the next change is a step of its own."""
        self._drag_key = None

    def _target_toggled(self, on: bool) -> None:
        """The hand button: the on-image adjustment mode on the canvas, or its end."""
        if self._updating:
            return
        tools = self.main_window.tools
        if on and self._targeting is None and self.node is not None:
            self._targeting = TargetedAdjustMode(self.main_window, self)
            tools.start_mode(self._targeting)
        elif not on and self._targeting is not None and tools.mode is self._targeting:
            tools.end_mode(commit=True)

    def targeting_ended(self, mode: TargetedAdjustMode) -> None:
        """The on-image mode ended (Esc, another tool, the button): the button goes off."""
        if mode is not self._targeting:
            return
        self._targeting = None
        self._updating = True
        try:
            for _, widgets in self._rows:
                if "target" in widgets:
                    widgets["target"].setChecked(False)
        finally:
            self._updating = False

    def curve_field(self) -> str:
        """The Curves record the graph shows ("rgb", "red", ...)."""
        return CHANNEL_FIELDS[self.channel]

    def show_range(self, hue_range: int) -> None:
        """Shows Hue/Saturation's Master (0) or range 1..6 (the on-image mode's pick)."""
        if self.hue_range != hue_range and self.node is not None:
            self.hue_range = hue_range
            self.show_node(self.session, self.node)

    def commit_settings(self, settings: adj.Adjustment, merge_key=None) -> None:
        """Sets the shown layer's settings, one step (with a drag's `merge_key`: part of
        the drag's step). The path of every edit in the panel and of the on-image mode."""
        if self.node is None or self.session is None:
            return
        try:
            adjustment_ops.set_settings(self.session.doc, self.node, settings,
                                        merge_key or ("adjustment", next(_keys)))
        except Exception as exc:
            self.main_window.report(exc, "Could not change the adjustment")

    def _number(self, i: int, value: float, from_slider: bool) -> None:
        if self._updating:
            return
        field, widgets = self._rows[i]
        value = round(value, field.decimals) if field.decimals else int(round(value))
        self._updating = True  # keep the pair in step without a second commit
        try:
            if from_slider:
                widgets["spin"].setValue(float(value))
            else:
                widgets["slider"].setValue(round(value * widgets["scale"]))
        finally:
            self._updating = False
        self._commit(i, value, self._drag_key if from_slider else None)

    def _points(self, i: int) -> None:
        if self._updating:
            return
        field, widgets = self._rows[i]
        text = widgets["edit"].text()
        if text.split() == str(field.value).split():
            return
        try:
            self._commit(i, text, raise_errors=True)
        except ValueError as exc:  # typed points: the reason, as a sentence
            widgets["edit"].setText(str(field.value))
            self.main_window.report(DocumentError(str(exc)), "Could not change the curve")

    def _load_lut(self, i: int) -> None:
        """Load 3D LUT…: a .cube or .3dl file read into the settings (one step); a file
        that cannot be read is said in one line and changes nothing."""
        from editor.model.color_lookup import read_file

        paths = dialogs.ask_open_paths(self, "", "Load 3D LUT",
                                       "3D LUT files (*.cube *.3dl);;All files (*)")
        if not paths:
            return
        try:
            data, fmt = read_file(paths[0])
        except ValueError as exc:
            self.main_window.report(DocumentError(str(exc)), "Could not load the 3D LUT")
            return
        self._commit(i, (data, fmt, os.path.basename(paths[0])))

    def _choice(self, index: int) -> None:
        settings = self.current_settings()
        if self._updating or settings is None:
            return
        if isinstance(settings, adj.ColorBalance):
            self.tone = index
        elif isinstance(settings, adj.HueSaturation):
            self.hue_range = index
        else:
            self.channel = index
        self._refresh()

    def _commit(self, i: int, value, merge_key=None, raise_errors: bool = False) -> None:
        if self._updating or self.current_settings() is None:
            return
        # From the settings as they are now (a drag's changes arrive before the panel refreshes).
        field = self._fields()[i]
        try:
            settings = field.apply(value)
        except ValueError:
            if raise_errors:
                raise
            return
        self.commit_settings(settings, merge_key)
        if self.current_settings() is not settings:  # refused or held back (a corner at
            # its neighbour): nothing changed, so no refresh comes; show what holds
            self._show_values(self._fields())
