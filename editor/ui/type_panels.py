"""The Character and Paragraph panels (Window > Character, Paragraph, as in Photoshop):
every setting of a type layer, its whole text at once
(one style per layer is the model: `TextSettings`).

- Character: font family and style (Regular, Italic, Bold, Bold Italic: Qt draws a bold or
  italic the family lacks as Photoshop's faux styles do), size, leading ("(Auto)": 120 %
  of the size, or a value), kerning ("Metrics": the font's pairs, or a manual value in
  thousandths of an em, the pairs off), tracking, vertical and horizontal scale, baseline
  shift (up), colour, and the faux bold, faux italic, all caps, small caps, underline and
  strikethrough buttons.
- Paragraph: alignment (left, centre, right, and justified with the last line left,
  centred, right or justified too), the left, right and first-line indents and the space
  before and after paragraphs (drawn for paragraph text: text in a box).

Sizes, leading, baseline shift, indents and paragraph spaces are shown and typed in
Preferences > Units & Rulers' Type unit (points, pixels or millimetres), converted by the
document's resolution as Photoshop converts them (12 pt is 50 px at 300 ppi; the layers
keep pixels: `show_length`, `length_of`).

Both show the active type layer's settings (the text being typed while the Type tool
edits) and are disabled when the active layer is not type. A value changed goes through
the Type tool's `set_option`, as the options bar's do: one undo step for the layer (part
of the edit while text is typed), kept for the next text too; the options bar shows the
same settings, and the panels follow its changes (`TypeTool.show` refreshes them). Both
start closed, tabs beside Color and Swatches.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDoubleSpinBox, QFontComboBox,
                               QFormLayout, QGridLayout, QHBoxLayout, QSpinBox, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model.resolution import type_pixels, type_shown, type_suffix
from editor.model.text_layer import (MAX_INDENT, MAX_LEADING, MAX_PIXEL_SIZE, MAX_SCALE,
                                     MAX_SHIFT, MAX_SIZE, MIN_PIXEL_SIZE, MIN_SCALE, MIN_SIZE,
                                     TextLayer, TextSettings)

from .icons import icon

if TYPE_CHECKING:
    from .window_api import EditorWindow

STYLES = (("Regular", False, False), ("Italic", False, True), ("Bold", True, False),
          ("Bold Italic", True, True))
KERNING_METRICS = -1001  # the kerning box's value below Photoshop's range: "Metrics"
PARAGRAPH_ALIGNS = (("left", "align-left", "Left align text"),
                    ("center", "align-hcenter", "Center text"),
                    ("right", "align-right", "Right align text"),
                    ("justify", "text-justify", "Justify last left"),
                    ("justify_center", "text-justify-center", "Justify last centered"),
                    ("justify_right", "text-justify-right", "Justify last right"),
                    ("justify_all", "text-justify-all", "Justify all"))
# (key, caption, tip)
SPACINGS = (("indent_left", "Left indent", "Indent left margin"),
            ("indent_right", "Right indent", "Indent right margin"),
            ("indent_first", "First line", "Indent first line"),
            ("space_before", "Space before", "Add space before paragraph"),
            ("space_after", "Space after", "Add space after paragraph"))


def shown_type(window: "EditorWindow") -> Optional[TextSettings]:
    """The settings the panels show: the text being typed, else the active type layer's;
    None when the active layer is not type (the panels are disabled)."""
    tool = window.tools.tools["type"]
    edit = tool.editing()
    if edit is not None:
        return edit.layer.type_settings
    doc = window.doc
    layer = doc.active if doc is not None else None
    return layer.type_settings if isinstance(layer, TextLayer) else None


def size_range(ppi: float) -> tuple[float, float]:
    """A type size's range in pixels at `ppi`: Photoshop's 0.1..1296 pt within the
    settings' pixel range."""
    return (max(MIN_PIXEL_SIZE, MIN_SIZE * ppi / 72.0),
            min(MAX_PIXEL_SIZE, MAX_SIZE * ppi / 72.0))


def show_length(box: QDoubleSpinBox, px: float, unit: str, ppi: float, low: float,
                high: float) -> None:
    """Type length field `box` shows `px` pixels in type `unit` at `ppi`, its range
    `low`..`high` pixels converted too (call with its signals blocked)."""
    box.setSuffix(type_suffix(unit))
    box.setRange(type_shown(low, unit, ppi), type_shown(high, unit, ppi))
    box.setValue(type_shown(px, unit, ppi))
    box.setProperty("type_px", float(px))  # (what it shows, exactly: `length_of`)


def length_of(box: QDoubleSpinBox, unit: str, ppi: float) -> float:
    """The pixels type length field `box` says (`show_length`'s inverse): the pixels it
    was shown with while its rounded value is still theirs (12.5 px at 300 ppi shows as
    3.00 pt; untouched, it stays 12.5, not 12.48)."""
    shown = box.property("type_px")
    if shown is not None and round(box.value(), box.decimals()) == round(
            type_shown(shown, unit, ppi), box.decimals()):
        return float(shown)
    return round(type_pixels(box.value(), unit, ppi), 3)


class KerningBox(QSpinBox):
    """Kerning: "Metrics" below Photoshop's range, then -1000..10000; a step up from
    Metrics gives 0 (no kerning), as the first value after Metrics in Photoshop's list."""

    def stepBy(self, steps: int) -> None:
        if self.value() == KERNING_METRICS and steps > 0:
            self.setValue(0)
        else:
            super().stepBy(steps)


def _spin(name: str, tip: str, low: float, high: float, suffix: str = " pt",
          decimals: int = 2) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setToolTip(tip)
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)  # typed: one change (one undo step) when entered
    return box


class _TypePanel(QWidget):
    """What both panels share: the window, applying a change, showing the settings."""

    def __init__(self, window: "EditorWindow"):
        super().__init__()
        self.window = window
        self._widgets: list[QWidget] = []

    def units(self) -> tuple[str, float]:
        """Preferences' type unit and the active document's resolution."""
        return self.window.settings.type_units, self.window.tools.tools["type"].ppi()

    def px(self, box: QDoubleSpinBox) -> float:
        """Length field `box`'s value in pixels."""
        return length_of(box, *self.units())

    def apply(self, **change) -> None:
        """A value changed by the user: the Type tool applies it (one undo step)."""
        if shown_type(self.window) is None:
            return
        self.window.tools.tools["type"].set_option(focus=False, **change)
        self.refresh()

    def refresh(self) -> None:
        settings = shown_type(self.window)
        self.setEnabled(settings is not None)
        if settings is None:
            settings = self.window.tools.tools["type"].next_style()
        for widget in self._widgets:
            widget.blockSignals(True)
        try:
            self.show_settings(settings)
        finally:
            for widget in self._widgets:
                widget.blockSignals(False)

    def show_settings(self, settings: TextSettings) -> None:
        raise NotImplementedError

    def _toggle(self, name: str, text: str, tip: str, key: str, font=None) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        if font is not None:
            f = button.font()
            font(f)
            button.setFont(f)
        button.toggled.connect(lambda on: self.apply(**{key: bool(on)}))
        self._widgets.append(button)
        return button


class CharacterPanel(_TypePanel):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.font_box = QFontComboBox()
        self.font_box.setObjectName("Character_font")
        self.font_box.setToolTip("Font family")
        self.font_box.currentFontChanged.connect(lambda f: self.apply(font=f.family()))
        self.style_box = QComboBox()
        self.style_box.setObjectName("Character_style")
        self.style_box.setToolTip("Font style")
        self.style_box.addItems([name for name, _, _ in STYLES])
        self.style_box.activated.connect(
            lambda i: self.apply(bold=STYLES[i][1], italic=STYLES[i][2]))
        layout.addWidget(self.font_box)
        layout.addWidget(self.style_box)
        grid = QGridLayout()
        self.size = _spin("Character_size", "Font size (Preferences > Units & Rulers' "
                          "Type unit; points converted by the document's resolution)",
                          MIN_SIZE, MAX_SIZE)
        self.size.valueChanged.connect(lambda v: self.apply(size=self.px(self.size)))
        self.leading = _spin("Character_leading", "Leading: the distance between "
                             "baselines ((Auto): 120 % of the size)", 0.0, MAX_LEADING)
        self.leading.setSpecialValueText("(Auto)")
        self.leading.valueChanged.connect(
            lambda v: self.apply(leading=self.px(self.leading) if v > 0 else None))
        self.kerning = KerningBox()
        self.kerning.setObjectName("Character_kerning")
        self.kerning.setToolTip("Kerning: Metrics (the font's own) or a value in "
                                "thousandths of an em")
        self.kerning.setRange(KERNING_METRICS, 10000)
        self.kerning.setSpecialValueText("Metrics")
        self.kerning.setKeyboardTracking(False)
        self.kerning.valueChanged.connect(
            lambda v: self.apply(kerning=None if v == KERNING_METRICS else int(v)))
        self.tracking = QSpinBox()
        self.tracking.setObjectName("Character_tracking")
        self.tracking.setToolTip("Tracking: thousandths of an em between letters")
        self.tracking.setRange(-1000, 10000)
        self.tracking.setKeyboardTracking(False)
        self.tracking.valueChanged.connect(lambda v: self.apply(tracking=int(v)))
        self.v_scale = _spin("Character_v_scale", "Vertical scale", MIN_SCALE, MAX_SCALE,
                             " %", 1)
        self.v_scale.valueChanged.connect(lambda v: self.apply(v_scale=float(v)))
        self.h_scale = _spin("Character_h_scale", "Horizontal scale", MIN_SCALE, MAX_SCALE,
                             " %", 1)
        self.h_scale.valueChanged.connect(lambda v: self.apply(h_scale=float(v)))
        self.shift = _spin("Character_baseline_shift", "Baseline shift (up)", -MAX_SHIFT,
                           MAX_SHIFT)
        self.shift.valueChanged.connect(
            lambda v: self.apply(baseline_shift=self.px(self.shift)))
        self.color = QToolButton()
        self.color.setObjectName("Character_color")
        self.color.setToolTip("Text colour")
        self.color.clicked.connect(self._choose_color)
        for i, (caption, widget) in enumerate((
                ("Size", self.size), ("Leading", self.leading), ("Kerning", self.kerning),
                ("Tracking", self.tracking), ("Vertical", self.v_scale),
                ("Horizontal", self.h_scale), ("Shift", self.shift), ("Color", self.color))):
            form = QFormLayout()
            form.setContentsMargins(0, 0, 0, 0)
            form.addRow(caption, widget)
            grid.addLayout(form, i // 2, i % 2)
        layout.addLayout(grid)
        row = QHBoxLayout()
        self.buttons = {
            "bold": self._toggle("Character_bold", "T", "Faux Bold", "bold",
                                 lambda f: f.setBold(True)),
            "italic": self._toggle("Character_italic", "T", "Faux Italic", "italic",
                                   lambda f: f.setItalic(True)),
            "all": self._toggle("Character_all_caps", "TT", "All Caps", "caps"),
            "small": self._toggle("Character_small_caps", "Tt", "Small Caps", "caps",
                                  lambda f: f.setCapitalization(QFont.Capitalization.SmallCaps)),
            "underline": self._toggle("Character_underline", "T", "Underline", "underline",
                                      lambda f: f.setUnderline(True)),
            "strikethrough": self._toggle("Character_strikethrough", "T", "Strikethrough",
                                          "strikethrough", lambda f: f.setStrikeOut(True)),
        }
        # (the caps buttons: one or neither, as Photoshop's)
        for caps in ("all", "small"):
            button = self.buttons[caps]
            button.toggled.disconnect()
            button.toggled.connect(lambda on, c=caps: self.apply(caps=c if on else "normal"))
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self._widgets += [self.font_box, self.style_box, self.size, self.leading,
                          self.kerning, self.tracking, self.v_scale, self.h_scale, self.shift]
        self.refresh()

    def _choose_color(self) -> None:
        if shown_type(self.window) is not None:
            self.window.tools.tools["type"].choose_color()
            self.refresh()

    def show_settings(self, s: TextSettings) -> None:
        self.font_box.setCurrentFont(QFont(s.font))
        self.style_box.setCurrentIndex(2 * s.bold + s.italic)
        unit, ppi = self.units()
        show_length(self.size, s.size, unit, ppi, *size_range(ppi))
        show_length(self.leading, 0.0 if s.leading is None else s.leading, unit, ppi, 0.0,
                    MAX_LEADING)
        self.kerning.setValue(KERNING_METRICS if s.kerning is None else s.kerning)
        self.tracking.setValue(s.tracking)
        self.v_scale.setValue(s.v_scale)
        self.h_scale.setValue(s.h_scale)
        show_length(self.shift, s.baseline_shift, unit, ppi, -MAX_SHIFT, MAX_SHIFT)
        name = QColor(*s.color).name()
        self.color.setText(name)
        self.color.setStyleSheet(f"border-left: 14px solid {name};")
        self.buttons["bold"].setChecked(s.bold)
        self.buttons["italic"].setChecked(s.italic)
        self.buttons["all"].setChecked(s.caps == "all")
        self.buttons["small"].setChecked(s.caps == "small")
        self.buttons["underline"].setChecked(s.underline)
        self.buttons["strikethrough"].setChecked(s.strikethrough)


class ParagraphPanel(_TypePanel):
    def __init__(self, window: "EditorWindow"):
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        self.aligns = QButtonGroup(self)
        self.align_buttons: dict[str, QToolButton] = {}
        for align, icon_name, tip in PARAGRAPH_ALIGNS:
            button = QToolButton()
            button.setObjectName(f"Paragraph_{align}")
            button.setIcon(icon(icon_name))
            button.setToolTip(tip)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, a=align: self.apply(align=a))
            self.aligns.addButton(button)
            self.align_buttons[align] = button
            self._widgets.append(button)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        form = QFormLayout()
        self.spacings: dict[str, QDoubleSpinBox] = {}
        for key, caption, tip in SPACINGS:
            box = _spin(f"Paragraph_{key}", tip + " (paragraph text)", -MAX_INDENT,
                        MAX_INDENT)
            box.valueChanged.connect(
                lambda v, k=key, b=box: self.apply(**{k: self.px(b)}))
            self.spacings[key] = box
            self._widgets.append(box)
            form.addRow(caption, box)
        layout.addLayout(form)
        layout.addStretch(1)
        self.refresh()

    def show_settings(self, s: TextSettings) -> None:
        for align, button in self.align_buttons.items():
            button.setChecked(align == s.align)
        unit, ppi = self.units()
        for key, box in self.spacings.items():
            show_length(box, getattr(s, key), unit, ppi, -MAX_INDENT, MAX_INDENT)
