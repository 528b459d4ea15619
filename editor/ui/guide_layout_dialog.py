"""View > New Guide… (Orientation, Position in the rulers' unit or typed with one: one
guide, one undo step), View > New Guide Layout… (Photoshop's dialog: Columns and Rows each
with Number, Width or Height and Gutter, Margin top, left, bottom, right, Center Columns,
Clear Existing Guides), its guides previewed on the canvas while it is open, OK one undo
step, Cancel nothing; and View > New Guides From Shape. The layouts themselves are `model.guide_layout`'s."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox,
                               QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from editor.model.guide_layout import (GuideLayout, Track, apply_guide_layout,
                                       guides_from_shape, layout_guides, merged, new_guide)
from editor.model.resolution import SUFFIX, parse_length

from .actions import ActionSpec, has_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow


def _length(value: float = 0.0, auto: bool = False) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0.0, 30000.0)
    box.setDecimals(2)
    box.setSuffix(" px")
    if auto:  # a Width or Height left out: the columns share the space
        box.setSpecialValueText("Auto")
    box.setValue(value)
    return box


class GuideLayoutDialog(QDialog):
    def __init__(self, parent: QWidget, canvas):
        super().__init__(parent)
        self.setObjectName("GuideLayoutDialog")
        self.setWindowTitle("New Guide Layout")
        self.canvas = canvas
        col = QVBoxLayout(self)
        self.columns, self.column_number, self.column_width, self.column_gutter = \
            self._track("Columns", "Width:")
        self.rows, self.row_number, self.row_height, self.row_gutter = \
            self._track("Rows", "Height:")
        col.addWidget(self.columns)
        col.addWidget(self.rows)
        self.margin = QGroupBox("Margin")
        self.margin.setObjectName("Margin")
        self.margin.setCheckable(True)
        self.margin.setChecked(False)
        grid = QGridLayout(self.margin)
        self.top, self.left, self.bottom, self.right = (_length() for _ in range(4))
        for i, (label, box) in enumerate((("Top:", self.top), ("Left:", self.left),
                                          ("Bottom:", self.bottom), ("Right:", self.right))):
            box.setObjectName(label[:-1])
            grid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        col.addWidget(self.margin)
        self.center = QCheckBox("Center Columns")
        self.center.setObjectName("CenterColumns")
        self.clear = QCheckBox("Clear Existing Guides")
        self.clear.setObjectName("ClearExisting")
        col.addWidget(self.center)
        col.addWidget(self.clear)
        self.message = QLabel()
        self.message.setObjectName("Dim")
        col.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        col.addWidget(self.buttons)
        for w in self.findChildren(QDoubleSpinBox) + self.findChildren(QSpinBox):
            w.valueChanged.connect(self.preview)
        for w in self.findChildren(QGroupBox) + self.findChildren(QCheckBox):
            w.toggled.connect(self.preview)
        self.finished.connect(self._end_preview)
        self.preview()

    def _track(self, title: str, size_label: str):
        group = QGroupBox(title)
        group.setObjectName(title)
        group.setCheckable(True)
        group.setChecked(title == "Columns")
        grid = QGridLayout(group)
        number = QSpinBox()
        number.setRange(1, 1000)
        number.setValue(8 if title == "Columns" else 1)  # Photoshop's defaults
        size, gutter = _length(auto=True), _length()
        for i, (label, box) in enumerate((("Number:", number), (size_label, size),
                                          ("Gutter:", gutter))):
            box.setObjectName(f"{title}{label[:-1]}")
            grid.addWidget(QLabel(label), i, 0)
            grid.addWidget(box, i, 1)
        return group, number, size, gutter

    def chosen_layout(self) -> GuideLayout:
        def track(group, number, size, gutter) -> Optional[Track]:
            return Track(number.value(), size.value(), gutter.value()) \
                if group.isChecked() else None

        return GuideLayout(
            track(self.columns, self.column_number, self.column_width, self.column_gutter),
            track(self.rows, self.row_number, self.row_height, self.row_gutter),
            (self.top.value(), self.left.value(), self.bottom.value(), self.right.value())
            if self.margin.isChecked() else None,
            self.center.isChecked())

    def guides(self) -> list[tuple[bool, float]]:
        """The document's guides as OK would leave them (a DocumentError if they do not fit)."""
        doc = self.canvas.doc
        return merged(doc.guides, layout_guides(doc.width, doc.height, self.chosen_layout()),
                      self.clear.isChecked())

    def preview(self, *_args) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            self.canvas.chrome.preview_guides = self.guides()
        except Exception as exc:  # a layout that does not fit: said in one line, no OK
            self.message.setText(str(exc))
            ok.setEnabled(False)
        else:
            self.message.setText("")
            ok.setEnabled(True)
        self.canvas.update()

    def _end_preview(self, _result=None) -> None:
        self.canvas.chrome.preview_guides = None
        self.canvas.update()


class NewGuideDialog(QDialog):
    """View > New Guide…: Orientation (Horizontal, Vertical) and Position, shown in the
    rulers' unit (Preferences > Units & Rulers) and typed in it or with a unit of its own
    ("2 in", "3 cm", "50 %"), as Photoshop's field takes it."""

    def __init__(self, parent: QWidget, settings, unit: str = "pixels"):
        super().__init__(parent)
        self.setObjectName("NewGuideDialog")
        self.setWindowTitle("New Guide")
        self.ruler_unit = unit
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.orientation = QButtonGroup(self)
        for i, text in enumerate(("&Horizontal", "&Vertical")):
            button = QRadioButton(text)
            button.setObjectName(f"NewGuide{text[1:]}")
            self.orientation.addButton(button, i)
            row.addWidget(button)
        # Photoshop's dialog opens as it was last left (Vertical the first time).
        self.orientation.button(1 if settings.value("view/new_guide_vertical", True, bool)
                                else 0).setChecked(True)
        form.addRow("Orientation", row)
        self.position = QLineEdit(f"0 {SUFFIX[unit]}")
        self.position.setObjectName("NewGuidePosition")
        self.position.setToolTip("In the rulers' unit, or typed with one: 2 in, 3 cm, 50 %, "
                                 "120 px")
        form.addRow("Position", self.position)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.position.selectAll()
        self.position.setFocus()

    def horizontal(self) -> bool:
        return self.orientation.checkedId() == 0

    def pixels(self, doc) -> float:
        """The position typed, in image pixels of `doc` (ValueError for one that is not a
        length)."""
        size = doc.height if self.horizontal() else doc.width
        return parse_length(self.position.text(), self.ruler_unit, doc.resolution, size)


class GuideLayoutCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window

    def action_specs(self) -> list[ActionSpec]:
        return [
            ActionSpec("new_guide", "&New Guide…", self.new_guide, enabled=has_doc,
                       menu="view", after="clear_guides"),
            ActionSpec("new_guide_layout", "New Guide &Layout…", self.new_guide_layout,
                       enabled=has_doc, menu="view", after="new_guide"),
            ActionSpec("guides_from_shape", "New Guides From &Shape", self.guides_from_shape,
                       enabled=has_doc, menu="view", after="new_guide_layout"),
        ]

    def new_guide(self) -> None:
        """View > New Guide…: the dialog, then the guide in one undo step; Cancel, nothing."""
        w = self.window
        if w.doc is None:
            return
        w.tools.end_mode(commit=True)
        dialog = NewGuideDialog(w, w.settings, w.settings.ruler_units)
        if not dialog.exec():
            return
        w.settings.set_value("view/new_guide_vertical", not dialog.horizontal())
        try:
            new_guide(w.doc, dialog.horizontal(), dialog.pixels(w.doc), "px")
        except Exception as exc:
            w.report(exc, "Could not make the guide")
            return
        self._show_guides()

    def new_guide_layout(self) -> None:
        w = self.window
        canvas = w.canvas
        if canvas is None or canvas.chrome is None:
            return
        dialog = GuideLayoutDialog(w, canvas)
        if not dialog.exec():
            return
        try:
            apply_guide_layout(canvas.doc, dialog.chosen_layout(), dialog.clear.isChecked())
        except Exception as exc:
            w.report(exc, "Could not make the guides")
            return
        self._show_guides()

    def guides_from_shape(self) -> None:
        w = self.window
        if w.doc is None:
            return
        try:
            guides_from_shape(w.doc)
        except Exception as exc:
            w.report(exc, "Could not make the guides")
            return
        self._show_guides()

    def _show_guides(self) -> None:
        """New guides are shown (View > Show > Guides turned on), as a dragged-out one is."""
        view = self.window.view_commands
        if not view.options.guides:
            view.toggle("guides")
        view.repaint_canvases()
