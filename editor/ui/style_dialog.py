"""Photoshop's Layer Style dialog for the effects Layered draws: on the left the list of
Drop Shadow, Stroke, Color Overlay, Outer Glow, Inner Shadow, Inner Glow, Gradient and
Pattern Overlay, Bevel & Emboss and Satin (a checkbox each: the effect's `enabled`), on the
right the settings of the one selected; below them Advanced Blending (given `blending`): the
Knockout (None / Shallow / Deep) and the R, G, B channels the layer's blending changes
(`layers.Node.knockout`, `channels`) and, given a third item, the flags of
`layers.BLENDING_OPTIONS` (Blend Interior Effects as Group...), shown at once through
`preview_blending`:

- Drop Shadow: blend mode, colour, opacity, angle, Use Global Light, distance, spread, size;
- Stroke: size, position (outside / inside / center), blend mode, opacity, colour, and
  its Fill Type (Color; Gradient: "Gradient…", the Gradient Fill dialog as a Gradient
  Overlay's, and Shape Burst; Pattern: "Pattern…" as a Pattern Overlay's), the rows of
  the other fill types hidden;
- Color Overlay: blend mode, colour, opacity;
- Outer Glow: blend mode, colour, opacity, spread, size, range;
- Inner Shadow: a Drop Shadow's, choke for spread;
- Inner Glow: blend mode, colour, opacity, source (center / edge), choke, size, range;
- Gradient Overlay: blend mode, opacity, and its gradient ("Gradient…": the Gradient Fill
  dialog, `gradient_dialog.py`, the same settings as a Gradient fill layer's);
- Pattern Overlay: blend mode, opacity, and its pattern ("Pattern…": the Pattern Fill
  dialog, choosing among the document's patterns; a new one starts with the first);
- Bevel & Emboss: style (Outer / Inner Bevel, Emboss, Pillow Emboss, Stroke Emboss),
  technique (Smooth, Chisel Hard, Chisel Soft), depth, direction (up / down), size, soften, angle, Use Global Light, altitude, the
  highlight's and the shadow's mode, colour and opacity;
- Satin: blend mode, colour, opacity, angle, distance, size, invert.

It edits the first effect of each kind of a `LayerEffects` (`layer_effects.with_first`: every
other effect and the file's blocks stay as they were); ticking a kind the layer does not
have yet adds it with Photoshop's defaults. Every change is shown at once through
`preview(effects)` (the caller's: the style set without an undo step); OK's style is applied
by the caller as one step, Cancel puts the style back. Colours come from the colour picker
(`dialogs.ask_color`).

The shadows', glows' and satin's pages end with a Contour combo, the bevel's with a Gloss
Contour one: Photoshop's built-in contours, and "Custom" while the effect keeps a file's own.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from editor.model.adjustments import GradientFill, PatternFill
from editor.model.layer_effects import (CONTOURS, EDITABLE, LayerEffects, PatternOverlay,
                                        contour_preset, first_of, with_first)
from editor.model.layers import KNOCKOUTS
from editor.model.layers import BLENDING_OPTIONS
from engine.compose import BLEND_MODES

from . import dialogs
from .dialogs import ok_cancel

# Each kind's settings: (field, label, widget kind, (low, high, suffix) for numbers).
FIELDS = {
    "drop_shadows": (("blend_mode", "Blend mode", "mode", None),
                     ("color", "Color", "color", None),
                     ("opacity", "Opacity", "number", (0, 100, " %")),
                     ("angle", "Angle", "number", (-180, 180, "°")),
                     ("use_global_light", "Use Global Light", "check", None),
                     ("distance", "Distance", "number", (0, 30000, " px")),
                     ("spread", "Spread", "number", (0, 100, " %")),
                     ("size", "Size", "number", (0, 250, " px"))),
    "strokes": (("size", "Size", "number", (1, 250, " px")),
                ("position", "Position", "choice", None),
                ("blend_mode", "Blend mode", "mode", None),
                ("opacity", "Opacity", "number", (0, 100, " %")),
                ("color", "Color", "color", None),
                # Fill Type: the colour above, or a Gradient or Pattern Overlay's settings
                # (the rows of the others hidden: `_stroke_rows`).
                ("fill_type", "Fill Type", "choice", None),
                ("gradient", "Gradient", "settings", None),
                ("shape_burst", "Shape Burst", "check", None),
                ("pattern", "Pattern", "settings", None)),
    "color_overlays": (("blend_mode", "Blend mode", "mode", None),
                       ("color", "Color", "color", None),
                       ("opacity", "Opacity", "number", (0, 100, " %"))),
    "outer_glows": (("blend_mode", "Blend mode", "mode", None),
                    ("color", "Color", "color", None),
                    ("opacity", "Opacity", "number", (0, 100, " %")),
                    ("spread", "Spread", "number", (0, 100, " %")),
                    ("size", "Size", "number", (0, 250, " px")),
                    ("range", "Range", "number", (1, 100, " %"))),
    "inner_shadows": (("blend_mode", "Blend mode", "mode", None),
                      ("color", "Color", "color", None),
                      ("opacity", "Opacity", "number", (0, 100, " %")),
                      ("angle", "Angle", "number", (-180, 180, "°")),
                      ("use_global_light", "Use Global Light", "check", None),
                      ("distance", "Distance", "number", (0, 30000, " px")),
                      ("choke", "Choke", "number", (0, 100, " %")),
                      ("size", "Size", "number", (0, 250, " px"))),
    "inner_glows": (("blend_mode", "Blend mode", "mode", None),
                    ("color", "Color", "color", None),
                    ("opacity", "Opacity", "number", (0, 100, " %")),
                    ("source", "Source", "choice", None),
                    ("choke", "Choke", "number", (0, 100, " %")),
                    ("size", "Size", "number", (0, 250, " px")),
                    ("range", "Range", "number", (1, 100, " %"))),
    "gradient_overlays": (("blend_mode", "Blend mode", "mode", None),
                          ("opacity", "Opacity", "number", (0, 100, " %")),
                          ("gradient", "Gradient", "settings", None)),
    "pattern_overlays": (("blend_mode", "Blend mode", "mode", None),
                         ("opacity", "Opacity", "number", (0, 100, " %")),
                         ("pattern", "Pattern", "settings", None)),
    # Structure, then Shading.
    "bevels": (("style", "Style", "choice", None),
               ("technique", "Technique", "choice", None),
               ("depth", "Depth", "number", (1, 1000, " %")),
               ("direction", "Direction", "choice", None),
               ("size", "Size", "number", (0, 250, " px")),
               ("soften", "Soften", "number", (0, 16, " px")),
               ("angle", "Angle", "number", (-180, 180, "°")),
               ("use_global_light", "Use Global Light", "check", None),
               ("altitude", "Altitude", "number", (0, 90, "°")),
               ("highlight_mode", "Highlight Mode", "mode", None),
               ("highlight_color", "Highlight Color", "color", None),
               ("highlight_opacity", "Highlight Opacity", "number", (0, 100, " %")),
               ("shadow_mode", "Shadow Mode", "mode", None),
               ("shadow_color", "Shadow Color", "color", None),
               ("shadow_opacity", "Shadow Opacity", "number", (0, 100, " %"))),
    "satins": (("blend_mode", "Blend mode", "mode", None),
               ("color", "Color", "color", None),
               ("opacity", "Opacity", "number", (0, 100, " %")),
               ("angle", "Angle", "number", (-180, 180, "°")),
               ("distance", "Distance", "number", (1, 250, " px")),
               ("size", "Size", "number", (0, 250, " px")),
               ("invert", "Invert", "check", None)),
}
POSITIONS = (("outside", "Outside"), ("inside", "Inside"), ("center", "Center"))
# The choices of a "choice" setting, by field.
CHOICES = {"position": POSITIONS, "source": (("center", "Center"), ("edge", "Edge")),
           "direction": (("up", "Up"), ("down", "Down")),
           "style": (("outer_bevel", "Outer Bevel"), ("inner_bevel", "Inner Bevel"),
                     ("emboss", "Emboss"), ("pillow_emboss", "Pillow Emboss"),
                     ("stroke_emboss", "Stroke Emboss")),
           "technique": (("smooth", "Smooth"), ("chisel_hard", "Chisel Hard"),
                         ("chisel_soft", "Chisel Soft")),
           "fill_type": (("color", "Color"), ("gradient", "Gradient"), ("pattern", "Pattern"))}
# The Stroke page's rows each Fill Type shows (the others hidden, as Photoshop swaps them).
STROKE_FILL_ROWS = {"color": ("color",), "gradient": ("gradient", "shape_burst"),
                    "pattern": ("pattern",)}
# The contour pickers (Photoshop's Structure / Quality "Contour", a bevel's Shading "Gloss
# Contour"), added after each kind's settings: a combo of the built-in contours
# (`layer_effects.CONTOURS`), and "Custom" where the effect's own is none of them.
CONTOUR_FIELDS = {kind: (("contour", "Contour", "contour", None),)
                  for kind in ("drop_shadows", "inner_shadows", "outer_glows", "inner_glows",
                               "satins")}
CONTOUR_FIELDS["bevels"] = (("gloss_contour", "Gloss Contour", "contour", None),)
for _kind, _extra in CONTOUR_FIELDS.items():
    FIELDS[_kind] = FIELDS[_kind] + _extra
CUSTOM_CONTOUR = "Custom"


def _object_name(kind: str, field: str) -> str:
    """e.g. "DropShadowsDistance": what tests and style sheets find a setting by."""
    return "".join(p.title() for p in kind.split("_")) + \
        "".join(p.title() for p in field.split("_"))


class LayerStyleDialog(QDialog):
    """The layer style being edited; `effects` is what it shows now (None: no style yet)."""

    def __init__(self, parent: QWidget, effects: Optional[LayerEffects], kind: str,
                 preview: Optional[Callable[[LayerEffects], None]] = None,
                 global_angle: Optional[float] = None, patterns: tuple = (),
                 blending: Optional[tuple] = None,
                 preview_blending: Optional[Callable[[str, tuple], None]] = None):
        super().__init__(parent)
        # Advanced Blending as it is now: (knockout, (r, g, b)); None: not shown
        self.blending = blending
        self._preview_blending = preview_blending
        self.setObjectName("LayerStyleDialog")
        self.setWindowTitle("Layer Style")
        self.effects = effects
        self._preview = preview
        self._global_angle = global_angle
        self._patterns = tuple(patterns)  # the document's, for a Pattern Overlay
        self._updating = False
        self.widgets: dict[tuple[str, str], QWidget] = {}
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        layout.addLayout(body)

        self.kinds = QListWidget()
        self.kinds.setObjectName("LayerStyleKinds")
        self.pages = QStackedWidget()
        for name, _, label in EDITABLE:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.kinds.addItem(item)
            self.pages.addWidget(self._page(name))
        self.kinds.setFixedWidth(150)
        self.kinds.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.kinds.itemChanged.connect(self._checked)
        body.addWidget(self.kinds)
        body.addWidget(self.pages, 1)
        if blending is not None:
            layout.addWidget(self._advanced_blending())
        layout.addWidget(ok_cancel(self))
        self._show()
        self.select(kind)

    # -- building ------------------------------------------------------------------------------
    def _page(self, kind: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        for field, label, widget_kind, numbers in FIELDS[kind]:
            name = _object_name(kind, field)
            if widget_kind == "number":
                low, high, suffix = numbers
                widget = QDoubleSpinBox()
                widget.setRange(low, high)
                widget.setDecimals(0 if field != "size" else 1)
                widget.setSuffix(suffix)
                widget.setKeyboardTracking(False)  # a typed number counts when complete
                widget.valueChanged.connect(
                    lambda v, k=kind, f=field: self._change(k, **{f: float(v)}))
            elif widget_kind in ("mode", "choice"):
                widget = QComboBox()
                choices = CHOICES[field] if widget_kind == "choice" else \
                    [(m, m.replace("_", " ").title()) for m in BLEND_MODES]
                for key, text in choices:
                    widget.addItem(text, key)
                widget.currentIndexChanged.connect(
                    lambda _, w=widget, k=kind, f=field: self._change(k, **{f: w.currentData()}))
            elif widget_kind == "check":
                widget = QCheckBox()
                if field == "use_global_light":
                    widget.toggled.connect(lambda on, k=kind: self._global_light(k, bool(on)))
                else:
                    widget.toggled.connect(
                        lambda on, k=kind, f=field: self._change(k, **{f: bool(on)}))
            elif widget_kind == "settings":
                widget = QPushButton()
                widget.clicked.connect(lambda _=False, k=kind, f=field: self._edit_fill(k, f))
            elif widget_kind == "contour":
                widget = QComboBox()
                widget.addItems(list(CONTOURS))
                widget.currentTextChanged.connect(
                    lambda text, k=kind, f=field: self._contour(k, f, text))
            else:
                widget = QPushButton()
                widget.clicked.connect(lambda _=False, k=kind, f=field: self._pick(k, f))
            widget.setObjectName(name)
            self.widgets[(kind, field)] = widget
            form.addRow(label, widget)
        return page

    def _advanced_blending(self) -> QWidget:
        """Photoshop's Advanced Blending: the Knockout combo and the R, G, B checkboxes."""
        box = QGroupBox("Advanced Blending")
        form = QFormLayout(box)
        self.knockout = QComboBox()
        self.knockout.setObjectName("Knockout")
        for key in KNOCKOUTS:
            self.knockout.addItem(key.title(), key)
        self.knockout.setCurrentIndex(self.knockout.findData(self.blending[0]))
        self.knockout.currentIndexChanged.connect(lambda _: self._blending_changed())
        form.addRow("Knockout", self.knockout)
        row = QHBoxLayout()
        self.channel_boxes = []
        for letter, on in zip("RGB", self.blending[1]):
            check = QCheckBox(letter)
            check.setObjectName(f"Channel{letter}")
            check.setChecked(on)
            check.toggled.connect(lambda _: self._blending_changed())
            self.channel_boxes.append(check)
            row.addWidget(check)
        form.addRow("Channels", row)
        self.option_boxes = []
        if len(self.blending) > 2:  # Blend Interior Effects as Group...: a checkbox each
            for (attr, _, _, label), on in zip(BLENDING_OPTIONS, self.blending[2]):
                check = QCheckBox(label)
                check.setObjectName(_object_name(attr, ""))
                check.setChecked(on)
                check.toggled.connect(lambda _: self._blending_changed())
                self.option_boxes.append(check)
                form.addRow(check)
        return box

    def _blending_changed(self) -> None:
        self.blending = (self.knockout.currentData(),
                         tuple(c.isChecked() for c in self.channel_boxes))
        if self.option_boxes:
            self.blending += (tuple(c.isChecked() for c in self.option_boxes),)
        if self._preview_blending is not None:
            self._preview_blending(*self.blending)

    def select(self, kind: str) -> None:
        """Shows `kind`'s settings (as clicking its name in the list)."""
        row = [name for name, _, _ in EDITABLE].index(kind)
        self.kinds.setCurrentRow(row)

    def _effect(self, kind: str):
        """The effect of `kind` being edited: the style's first, or Photoshop's defaults
        (disabled) where the layer has none."""
        found = first_of(self.effects, kind)
        if found is not None:
            return found
        if kind == "pattern_overlays" and self._patterns:  # Photoshop's: its first pattern
            return PatternOverlay(enabled=False, pattern=PatternFill(pattern=self._patterns[0]))
        return next(cls for name, cls, _ in EDITABLE if name == kind)(enabled=False)

    def _show(self) -> None:
        self._updating = True
        try:
            for row, (kind, _, _) in enumerate(EDITABLE):
                effect = self._effect(kind)
                self.kinds.item(row).setCheckState(
                    Qt.CheckState.Checked if effect.enabled else Qt.CheckState.Unchecked)
                for field, _, widget_kind, _ in FIELDS[kind]:
                    widget, value = self.widgets[(kind, field)], getattr(effect, field)
                    if widget_kind == "number":
                        widget.setValue(value)
                    elif widget_kind in ("mode", "choice"):
                        widget.setCurrentIndex(widget.findData(value))
                    elif widget_kind == "check":
                        widget.setChecked(value)
                    elif widget_kind == "settings":
                        widget.setText(_fill_text(value))
                        _fill_icon(widget, value)
                    elif widget_kind == "contour":
                        _show_contour(widget, value)
                    else:
                        widget.setStyleSheet("background-color: rgb(%d, %d, %d)" % value)
                        widget.setText("#%02x%02x%02x" % value)
            self._stroke_rows()
        finally:
            self._updating = False

    def _stroke_rows(self) -> None:
        """The Stroke page shows the rows of its Fill Type only."""
        fill_type = self._effect("strokes").fill_type
        for rows in STROKE_FILL_ROWS.values():
            for field in rows:
                widget = self.widgets[("strokes", field)]
                widget.parentWidget().layout().setRowVisible(
                    widget, field in STROKE_FILL_ROWS.get(fill_type, ()))

    # -- editing ---------------------------------------------------------------------------------
    def _change(self, kind: str, **values) -> None:
        if self._updating:
            return
        effect = replace(self._effect(kind), **values)
        if "color" in values and kind == "outer_glows" and effect.gradient is not None:
            # A gradient glow given a colour becomes a solid one (Photoshop's choice of
            # colour or gradient: the swatch picks the colour).
            effect = replace(effect, gradient=None)
        if values.get("fill_type") == "pattern" and effect.pattern.pattern is None \
                and self._patterns:  # Photoshop's: a Pattern stroke starts with the first
            effect = replace(effect, pattern=PatternFill(pattern=self._patterns[0]))
        if "enabled" not in values and first_of(self.effects, kind) is None:
            effect = replace(effect, enabled=True)  # a new effect's setting: it is wanted
        self._apply(with_first(self.effects, kind, effect))

    def _apply(self, effects: LayerEffects) -> None:
        """`effects` become the dialog's and the canvas shows them."""
        if effects == self.effects:
            return
        self.effects = effects
        self._show()
        if self._preview is not None:
            self._preview(effects)

    def _checked(self, item: QListWidgetItem) -> None:
        if self._updating:
            return
        kind = item.data(Qt.ItemDataRole.UserRole)
        on = item.checkState() == Qt.CheckState.Checked
        if on or first_of(self.effects, kind) is not None:
            self._change(kind, enabled=on)

    def enable(self, kind: str, on: bool = True) -> None:
        """Ticks (or clears) `kind`'s checkbox, as a click on it does."""
        row = [name for name, _, _ in EDITABLE].index(kind)
        self.kinds.item(row).setCheckState(Qt.CheckState.Checked if on
                                           else Qt.CheckState.Unchecked)

    def _global_light(self, kind: str, on: bool) -> None:
        # Photoshop: with Use Global Light on, the shadow's angle is the document's.
        if on and self._global_angle is not None:
            self._change(kind, use_global_light=True, angle=float(self._global_angle))
        else:
            self._change(kind, use_global_light=on)

    def _edit_fill(self, kind: str, field: str) -> None:
        """A gradient or pattern overlay's fill settings in the Gradient (Pattern) Fill
        dialog, each change shown at once; its Cancel puts the style back."""
        before, settings = self.effects, getattr(self._effect(kind), field)

        def preview(changed) -> None:
            self._change(kind, **{field: changed})

        if field == "gradient":
            chosen = dialogs.ask_gradient(self, settings, preview)
        else:
            chosen = dialogs.ask_pattern(self, settings, self._patterns, preview)
        if chosen is None:
            self._apply(before)
        else:
            self._change(kind, **{field: chosen})

    def _contour(self, kind: str, field: str, label: str) -> None:
        """A built-in contour chosen (choosing "Custom" keeps the file's own)."""
        if label in CONTOURS:
            self._change(kind, **{field: CONTOURS[label]})

    def _pick(self, kind: str, field: str = "color") -> None:
        color = dialogs.ask_color(self, QColor(*getattr(self._effect(kind), field)),
                                  "Color Picker (Effect Color)")
        if color is not None:
            self._change(kind, **{field: (color.red(), color.green(), color.blue())})


def _fill_icon(button: QPushButton, settings) -> None:
    """A gradient's or a pattern's picture on its button (the gradient bar's,
    `gradient_bar.gradient_image`; the Pattern Fill's, `gradient_dialog.fill_image`)."""
    from .gradient_bar import gradient_image
    from .gradient_dialog import fill_image

    picture = gradient_image if isinstance(settings, GradientFill) else fill_image
    button.setIcon(QIcon(QPixmap.fromImage(picture(settings, *FILL_PICTURE))))
    button.setIconSize(QSize(*FILL_PICTURE))


FILL_PICTURE = (96, 14)  # a gradient's or pattern's picture on its button


def _show_contour(combo: QComboBox, contour) -> None:
    """The combo at `contour`'s built-in, or at "Custom" (an item there only while the
    effect's contour is its own)."""
    label = contour_preset(contour)
    custom = combo.findText(CUSTOM_CONTOUR)
    if label is None:
        if custom < 0:
            combo.addItem(CUSTOM_CONTOUR)
        label = CUSTOM_CONTOUR
        combo.setToolTip(f"{contour.label()}: " + ", ".join(
            "%g,%g" % p for p in contour.points))
    else:
        if custom >= 0:
            combo.removeItem(custom)
        combo.setToolTip("")
    combo.setCurrentIndex(combo.findText(label))


def _fill_text(settings) -> str:
    """What a gradient or pattern overlay's button says: its gradient's style, its
    pattern's name."""
    if isinstance(settings, PatternFill):
        pattern = settings.pattern
        name = pattern.name.split("=")[-1] if pattern is not None else "None"
        return f"{name}…"
    return f"{settings.style.title()}…"
