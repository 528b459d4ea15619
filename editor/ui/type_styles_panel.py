"""The Character Styles and Paragraph Styles panels (Window > Character Styles, Paragraph
Styles, as in Photoshop): the document's styles of one kind (type_styles.py), after the
base row ("None", "[Basic Paragraph]").

With a type layer selected, its style is the chosen row, with "+" after the name when
the layer overrides it; a click on a row applies that style to the layer (one undo
step; the overrides cleared), a double-click opens Style Options (the style's name and
fields). Without one, a click only chooses the row that Duplicate, Delete and Style
Options act on. The panel menu: New Style (from the selected layer's settings, the layer
taking it, as Photoshop's), Duplicate Style, Delete Style, Redefine Style by Selection,
Clear Override, Style Options (its sizes in Preferences' type unit at the document's
resolution, as the Character panel's). Every change goes through type_styles' operations: one
undo step each. Both panels start closed, tabs beside Character and Paragraph.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog,
                               QDialogButtonBox, QFontComboBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLineEdit, QListWidgetItem, QMenu, QPushButton,
                               QSpinBox, QToolButton, QVBoxLayout)

from editor.model import type_styles
from editor.model.text_layer import (ALIGNMENTS, CAPS, MAX_INDENT, MAX_LEADING, MAX_SCALE,
                                     MAX_SHIFT, MIN_SCALE, TextLayer)
from editor.model.type_styles import BASE_NAMES, PARAGRAPH, TITLES

from . import dialogs
from .actions import run_on_doc
from .document_panel import DocumentPanel
from .icons import icon
from .type_panels import (KERNING_METRICS, SPACINGS, STYLES, KerningBox, _spin, length_of,
                          show_length, size_range)

if TYPE_CHECKING:
    from .window_api import EditorWindow

KEY = Qt.ItemDataRole.UserRole  # a row's style name; None: the base row
ALIGN_NAMES = {"left": "Left", "center": "Center", "right": "Right",
               "justify": "Justify Last Left", "justify_center": "Justify Last Centered",
               "justify_right": "Justify Last Right", "justify_all": "Justify All"}
CAPS_NAMES = {"normal": "Normal", "small": "Small Caps", "all": "All Caps"}


class StyleOptionsDialog(QDialog):
    """Character (Paragraph) Style Options: the style's name and every field of its kind."""

    def __init__(self, parent, style: type_styles.TypeStyle, unit: str = "points",
                 ppi: float = 72.0):
        super().__init__(parent)
        self.kind = style.kind
        self.units = (unit, ppi)  # the type unit and the document's resolution
        self.setObjectName("TypeStyleOptionsDialog")
        self.setWindowTitle(f"{TITLES[style.kind]} Options")
        v = style.as_dict()
        layout = QVBoxLayout(self)
        top = QFormLayout()
        self.name = QLineEdit(style.name)
        self.name.setObjectName("TypeStyle_name")
        top.addRow("Style Name:", self.name)
        layout.addLayout(top)
        row = QHBoxLayout()
        char = QGroupBox("Basic Character Formats")
        form = QFormLayout(char)
        self.font = QFontComboBox()
        self.font.setObjectName("TypeStyle_font")
        self.font.setCurrentFont(QFont(v["font"]))
        self.style = QComboBox()
        self.style.addItems([name for name, _, _ in STYLES])
        self.style.setCurrentIndex(2 * v["bold"] + v["italic"])
        self.size = _spin("TypeStyle_size", "Font size", 0.0, 1.0)
        show_length(self.size, v["size"], unit, ppi, *size_range(ppi))
        self.leading = _spin("TypeStyle_leading", "Leading ((Auto): 120 % of the size)", 0.0,
                             1.0)
        self.leading.setSpecialValueText("(Auto)")
        show_length(self.leading, v["leading"] or 0.0, unit, ppi, 0.0, MAX_LEADING)
        self.kerning = KerningBox()
        self.kerning.setRange(KERNING_METRICS, 10000)
        self.kerning.setSpecialValueText("Metrics")
        self.kerning.setValue(KERNING_METRICS if v["kerning"] is None else v["kerning"])
        self.tracking = QSpinBox()
        self.tracking.setObjectName("TypeStyle_tracking")
        self.tracking.setRange(-1000, 10000)
        self.tracking.setValue(v["tracking"])
        self.v_scale = _spin("TypeStyle_v_scale", "Vertical scale", MIN_SCALE, MAX_SCALE,
                             " %", 1)
        self.v_scale.setValue(v["v_scale"])
        self.h_scale = _spin("TypeStyle_h_scale", "Horizontal scale", MIN_SCALE, MAX_SCALE,
                             " %", 1)
        self.h_scale.setValue(v["h_scale"])
        self.shift = _spin("TypeStyle_baseline_shift", "Baseline shift (up)", 0.0, 1.0)
        show_length(self.shift, v["baseline_shift"], unit, ppi, -MAX_SHIFT, MAX_SHIFT)
        self.color_value = tuple(v["color"])
        self.color = QPushButton()
        self.color.setObjectName("TypeStyle_color")
        self.color.clicked.connect(self._choose_color)
        self._show_color()
        self.caps = QComboBox()
        self.caps.addItems([CAPS_NAMES[c] for c in CAPS])
        self.caps.setCurrentIndex(CAPS.index(v["caps"]))
        self.underline = QCheckBox("Underline")
        self.underline.setChecked(v["underline"])
        self.strikethrough = QCheckBox("Strikethrough")
        self.strikethrough.setChecked(v["strikethrough"])
        for caption, widget in (("Font Family:", self.font), ("Font Style:", self.style),
                                ("Size:", self.size), ("Leading:", self.leading),
                                ("Kerning:", self.kerning), ("Tracking:", self.tracking),
                                ("Vertical Scale:", self.v_scale),
                                ("Horizontal Scale:", self.h_scale),
                                ("Baseline Shift:", self.shift), ("Color:", self.color),
                                ("Case:", self.caps)):
            form.addRow(caption, widget)
        form.addRow(self.underline)
        form.addRow(self.strikethrough)
        row.addWidget(char)
        self.align: Optional[QComboBox] = None
        self.spacings = {}
        if style.kind == PARAGRAPH:
            para = QGroupBox("Indents and Spacing")
            pform = QFormLayout(para)
            self.align = QComboBox()
            self.align.setObjectName("TypeStyle_align")
            self.align.addItems([ALIGN_NAMES[a] for a in ALIGNMENTS])
            self.align.setCurrentIndex(ALIGNMENTS.index(v["align"]))
            pform.addRow("Alignment:", self.align)
            for key, caption, tip in SPACINGS:
                box = _spin(f"TypeStyle_{key}", tip, 0.0, 1.0)
                show_length(box, v[key], unit, ppi, -MAX_INDENT, MAX_INDENT)
                self.spacings[key] = box
                pform.addRow(caption + ":", box)
            row.addWidget(para, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _show_color(self) -> None:
        name = QColor(*self.color_value).name()
        self.color.setText(name)
        self.color.setStyleSheet(f"border-left: 14px solid {name};")

    def _choose_color(self) -> None:
        color = dialogs.ask_color(self, QColor(*self.color_value), "Text Color")
        if color is not None:
            self.color_value = (color.red(), color.green(), color.blue())
            self._show_color()

    def choice(self) -> tuple[str, dict]:
        """(name, values) as set_style_options takes them."""
        _, bold, italic = STYLES[self.style.currentIndex()]

        def px(box):  # (a length field's pixels)
            return length_of(box, *self.units)

        values = dict(
            font=self.font.currentFont().family(), bold=bold, italic=italic,
            size=px(self.size), leading=px(self.leading) or None,
            kerning=None if self.kerning.value() == KERNING_METRICS else self.kerning.value(),
            tracking=self.tracking.value(), v_scale=self.v_scale.value(),
            h_scale=self.h_scale.value(), baseline_shift=px(self.shift),
            color=self.color_value, caps=CAPS[self.caps.currentIndex()],
            underline=self.underline.isChecked(),
            strikethrough=self.strikethrough.isChecked())
        if self.align is not None:
            values["align"] = ALIGNMENTS[self.align.currentIndex()]
            values.update({k: px(box) for k, box in self.spacings.items()})
        return self.name.text(), values


class TypeStylesPanel(DocumentPanel):
    """The styles of one kind (`kind`: type_styles.CHARACTER or PARAGRAPH)."""

    def __init__(self, window: "EditorWindow", kind: str):
        super().__init__(window)
        self.kind = kind
        self.setObjectName("DockBody")
        self.MENU_NAME = f"{kind.title()}StylesMenu"
        self.chosen: Optional[str] = None  # the chosen row's style (no type layer selected)
        prefix = f"{kind.title()}Styles"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._make_list(f"{prefix}List"), 1)
        self.actions_ = {}
        for key, text, slot in (
                ("new", f"New {TITLES[kind]}…", self.new_style),
                ("duplicate", "Duplicate Style", self.duplicate_style),
                ("delete", "Delete Style", self.delete_style),
                ("redefine", "Redefine Style by Selection", self.redefine_style),
                ("clear", "Clear Override", self.clear_override),
                ("options", "Style Options…", self.style_options)):
            action = self.addAction(text)
            action.setObjectName(f"{prefix}_{key}")
            action.triggered.connect(slot)
            self.actions_[key] = action
        row = QHBoxLayout()
        row.setContentsMargins(6, 4, 6, 4)
        self.buttons: dict[str, QToolButton] = {}
        for key, icon_name, text in (("menu", "menu", f"{TITLES[kind]}s panel menu"),
                                     ("clear", "cancel", "Clear Override"),
                                     ("redefine", "update", "Redefine Style by Selection"),
                                     ("new", "layer-new", f"Create new {TITLES[kind].lower()}"),
                                     ("delete", "layer-delete", "Delete current style")):
            button = QToolButton()
            button.setObjectName(f"{prefix}_{key}_button")
            button.setIconSize(QSize(18, 18))
            button.setToolTip(text)
            button.setIcon(icon(icon_name))
            if key == "menu":
                button.clicked.connect(lambda _=False, b=button: self.menu().exec(
                    b.mapToGlobal(b.rect().bottomLeft())))
            else:
                button.clicked.connect(self.actions_[key].trigger)
            row.addWidget(button)
            self.buttons[key] = button
            if key == "menu":
                row.addStretch(1)
        layout.addLayout(row)
        self.set_session(None)

    # -- binding ------------------------------------------------------------------------
    def _signals(self, doc):
        return ((doc.type_styles_changed, self._schedule), (doc.node_changed, self._schedule),
                (doc.active_changed, self._schedule), (doc.structure_changed, self._schedule))

    def menu(self) -> QMenu:
        if self._menu is None:
            self._menu = QMenu(self)
            self._menu.setObjectName(self.MENU_NAME)
            for key in ("new", "duplicate", "delete", None, "redefine", "clear", None,
                        "options"):
                if key is None:
                    self._menu.addSeparator()
                else:
                    self._menu.addAction(self.actions_[key])
        self._update_actions()
        return self._menu

    def refresh(self) -> None:
        """The active layer (or its settings) changed: the rows show it."""
        self._schedule()

    # -- state --------------------------------------------------------------------------
    @property
    def doc(self):
        return self.session.doc if self.session is not None else None

    def layer(self) -> Optional[TextLayer]:
        """The selected type layer the panel applies to (None: none)."""
        doc = self.doc
        node = doc.active if doc is not None else None
        return node if isinstance(node, TextLayer) else None

    def current(self) -> Optional[str]:
        """The row the panel acts on: the selected type layer's style, else the chosen row."""
        layer = self.layer()
        if layer is not None:
            style = type_styles.style_of(self.doc, layer, self.kind)
            return style.name if style is not None else None
        doc = self.doc
        return self.chosen if doc is not None and \
            doc.type_styles.find(self.kind, self.chosen) is not None else None

    def rows(self) -> list[str]:
        """Each row's text, top first (for tests too)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _rebuild(self) -> None:
        self.list.clear()
        doc = self.doc
        self.setEnabled(doc is not None)
        if doc is None:
            self._update_actions()
            return
        layer = self.layer()
        current = self.current()
        plus = layer is not None and (current is not None or self.kind == PARAGRAPH) and \
            type_styles.overridden(doc, layer, self.kind)
        chosen_item = None
        for name in [None] + [s.name for s in doc.type_styles.of(self.kind)]:
            text = BASE_NAMES[self.kind] if name is None else name
            if name == current and plus:
                text += "+"
            item = QListWidgetItem(text)
            item.setData(KEY, name)
            item.setSizeHint(QSize(0, 24))
            self.list.addItem(item)
            if name == current and (layer is not None or name is not None):
                chosen_item = item
        if chosen_item is not None:
            self.list.setCurrentItem(chosen_item)
        else:
            self.list.setCurrentItem(None)
            self.list.clearSelection()
        self._update_actions()

    def _update_actions(self) -> None:
        doc, layer, current = self.doc, self.layer(), self.current()
        self.actions_["new"].setEnabled(doc is not None)
        for key in ("duplicate", "delete", "options"):
            self.actions_[key].setEnabled(current is not None)
        self.actions_["redefine"].setEnabled(layer is not None and current is not None)
        self.actions_["clear"].setEnabled(
            layer is not None and type_styles.overridden(doc, layer, self.kind))
        for key, button in self.buttons.items():
            if key in self.actions_:
                button.setEnabled(self.actions_[key].isEnabled())

    def row_rect(self, name: Optional[str]):
        """Where the row of style `name` (None: the base row) is, in the list's viewport."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(KEY) == name:
                return self.list.visualItemRect(item)
        return None

    # -- clicks ---------------------------------------------------------------------------
    def _clicked(self, item) -> None:
        name = item.data(KEY)
        layer = self.layer()
        if layer is None:
            self.chosen = name
            self._schedule()
            return
        self._op("apply the style",
                 lambda d: type_styles.apply_style(d, layer, self.kind, name))

    def _double_clicked(self, item) -> None:
        if item.data(KEY) is not None:
            self.style_options(item.data(KEY))

    def _choose_none(self) -> None:
        self.chosen = None
        self._schedule()

    def _op(self, what: str, fn):
        done = run_on_doc(self.main_window, f"Could not {what}", fn)
        self._schedule()
        return done

    # -- the panel menu's commands --------------------------------------------------------
    def new_style(self) -> None:
        doc = self.doc
        if doc is None:
            return
        layer = self.layer()
        settings = layer.type_settings if layer is not None else \
            self.main_window.tools.tools["type"].next_style()
        made = self._op("make the style", lambda d: type_styles.new_style(
            d, self.kind, settings, layer))
        if made is not None:
            self.chosen = made.name

    def duplicate_style(self) -> None:
        name = self.current()
        if name is not None:
            made = self._op("duplicate the style",
                            lambda d: type_styles.duplicate_style(d, self.kind, name))
            if made is not None:
                self.chosen = made.name

    def delete_style(self) -> None:
        name = self.current()
        if name is not None:
            self._op("delete the style",
                     lambda d: type_styles.delete_style(d, self.kind, name))

    def redefine_style(self) -> None:
        layer = self.layer()
        if layer is not None:
            self._op("redefine the style",
                     lambda d: type_styles.redefine_style(d, layer, self.kind))

    def clear_override(self) -> None:
        layer = self.layer()
        if layer is not None:
            self._op("clear the override",
                     lambda d: type_styles.clear_override(d, layer, self.kind))

    def style_options(self, name: Optional[str] = None) -> Optional[StyleOptionsDialog]:
        doc = self.doc
        name = self.current() if not isinstance(name, str) else name
        style = doc.type_styles.find(self.kind, name) if doc is not None else None
        if style is None:
            return None
        dialog = StyleOptionsDialog(self.main_window, style,
                                    self.main_window.settings.type_units, doc.resolution)
        self.dialog = dialog  # (tests reach the open dialog here)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            new_name, values = dialog.choice()
            made = self._op("change the style", lambda d: type_styles.set_style_options(
                d, self.kind, name, new_name, values))
            if made is not None:
                self.chosen = made.name
        self.dialog = None
        return dialog

