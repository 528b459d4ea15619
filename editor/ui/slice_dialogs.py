"""The slice tools' dialogs: Slice Options (Slice Type, Name, URL, Target, Message Text, Alt
Tag, the slice's X, Y, W, H (fixed while View > Lock Slices is on) and Slice Background
Type: None, Matte, White, Black or Other… from the colour picker), Divide Slice (Divide
Horizontally Into rows, Divide Vertically Into columns, each N evenly spaced or every N
pixels, as Photoshop's) and Save for Web (Legacy) (HTML and Images or Images Only, All
Slices or All User Slices, the folder, PNG or JPEG and the JPEG quality)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton,
                               QSpinBox, QVBoxLayout, QWidget)

from editor.model.slices import Slice
from editor.model.slices_to_files import OUTPUTS, WHICH, SlicesToFilesSettings
from engine.box import Box

from . import dialogs
from .export_dialogs import FilesDestination


# Slice Background Type's choices, as Photoshop lists them: (label, kind, colour).
BACKGROUNDS = (("None", "none", None), ("Matte", "matte", None),
               ("White", "color", (255, 255, 255)), ("Black", "color", (0, 0, 0)),
               ("Other…", "color", None))


def _spin(name: str, low: int, high: int, value: int, suffix: str = " px") -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class SliceOptionsDialog(QDialog):
    """Slice Options… (a double-click with Slice Select): the chosen slice's fields."""

    def __init__(self, parent: QWidget, s: Slice, shown_name: str, size: tuple[int, int],
                 locked: bool = False):
        super().__init__(parent)
        self.setObjectName("SliceOptionsDialog")
        self.setWindowTitle("Slice Options")
        self.original = s
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("SliceType")
        self.kind.addItem("Image", True)
        self.kind.addItem("No Image", False)
        self.kind.setCurrentIndex(0 if s.image else 1)
        form.addRow("Slice Type:", self.kind)
        self.fields = {}
        for key, label, value in (("name", "Name:", s.name or shown_name), ("url", "URL:", s.url),
                                  ("target", "Target:", s.target),
                                  ("message", "Message Text:", s.message),
                                  ("alt", "Alt Tag:", s.alt)):
            edit = QLineEdit(value)
            edit.setObjectName(f"Slice{key.title()}")
            edit.setMinimumWidth(260)
            form.addRow(label, edit)
            self.fields[key] = edit
        self.shown_name = shown_name
        sizes = QGroupBox("Dimensions")
        grid = QGridLayout(sizes)
        w, h = size
        b = s.box
        self.x, self.y = _spin("SliceX", 0, w - 1, b.x), _spin("SliceY", 0, h - 1, b.y)
        self.w, self.h = _spin("SliceW", 1, w, b.w), _spin("SliceH", 1, h, b.h)
        for i, (label, spin) in enumerate((("X:", self.x), ("W:", self.w), ("Y:", self.y),
                                           ("H:", self.h))):
            grid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            grid.addWidget(spin, i // 2, (i % 2) * 2 + 1)
        # (View > Lock Slices: the options change, the box does not)
        sizes.setEnabled(not locked)
        if locked:
            sizes.setTitle("Dimensions (View > Lock Slices is on)")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(sizes)
        layout.addWidget(self._background_row(s))
        layout.addWidget(dialogs.ok_cancel(self))

    def _background_row(self, s: Slice) -> QWidget:
        """Slice Background Type: the combo and the swatch of its colour (Other… opens the
        colour picker; a click on the swatch too)."""
        row = QWidget()
        h = QHBoxLayout(row)
        h.setContentsMargins(0, 0, 0, 0)
        h.addWidget(QLabel("Slice Background Type:"))
        self.background = QComboBox()
        self.background.setObjectName("SliceBackgroundType")
        for label, kind, colour in BACKGROUNDS:
            self.background.addItem(label, (kind, colour))
        self.background_color = tuple(s.background_color)
        if s.background != "color":
            index = 0 if s.background == "none" else 1
        else:
            index = next((i for i, (_, _, c) in enumerate(BACKGROUNDS)
                          if c is not None and c == self.background_color), 4)
        self.background.setCurrentIndex(index)
        self._shown_index = index
        h.addWidget(self.background)
        self.swatch = QPushButton()
        self.swatch.setObjectName("SliceBackgroundColor")
        self.swatch.setFixedSize(40, 22)
        self.swatch.setToolTip("Background Color: click to choose it")
        self.swatch.clicked.connect(lambda _=False: self._pick_other())
        h.addWidget(self.swatch)
        h.addStretch(1)
        self.background.activated.connect(self._background_chosen)
        self._show_background()
        return row

    def _background_chosen(self, index: int) -> None:
        kind, colour = self.background.itemData(index)
        if colour is not None:
            self.background_color = colour
        elif kind == "color" and not self._pick_other():
            self.background.setCurrentIndex(self._shown_index)  # (the picker cancelled)
        self._shown_index = self.background.currentIndex()
        self._show_background()

    def _pick_other(self) -> bool:
        colour = dialogs.ask_color(self, QColor(*self.background_color), "Slice Background Color")
        if colour is None:
            return False
        self.set_other(colour)
        return True

    def set_other(self, colour: QColor) -> None:
        """Other…: the background `colour` (the colour picker's choice)."""
        self.background_color = (colour.red(), colour.green(), colour.blue())
        self.background.setCurrentIndex(len(BACKGROUNDS) - 1)
        self._shown_index = self.background.currentIndex()
        self._show_background()

    def _show_background(self) -> None:
        kind, _ = self.background.currentData()
        self.swatch.setVisible(kind == "color")
        self.swatch.setStyleSheet("background-color: rgb(%d, %d, %d); border: 1px solid #888"
                                  % self.background_color)

    def result_slice(self) -> Slice:
        """The slice as the dialog sets it (a name left as the default stays no name)."""
        name = self.fields["name"].text().strip()
        if name == self.shown_name and not self.original.name:
            name = ""
        return Slice(Box(self.x.value(), self.y.value(), self.w.value(), self.h.value()),
                     name, self.fields["url"].text().strip(),
                     self.fields["target"].text().strip(), self.fields["alt"].text().strip(),
                     self.fields["message"].text().strip(), bool(self.kind.currentData()),
                     self.original.uid, self.background.currentData()[0],
                     self.background_color)


class DivideSliceDialog(QDialog):
    """Divide Slice…: rows (Divide Horizontally Into) and/or columns (Divide Vertically
    Into), each N slices evenly spaced or N pixels per slice."""

    def __init__(self, parent: QWidget, box: Box):
        super().__init__(parent)
        self.setObjectName("DivideSliceDialog")
        self.setWindowTitle("Divide Slice")
        layout = QVBoxLayout(self)
        self.rows = self._part(layout, "Divide Horizontally Into", "slices down, evenly spaced",
                               box.h, "Rows")
        self.columns = self._part(layout, "Divide Vertically Into",
                                  "slices across, evenly spaced", box.w, "Columns")
        self.rows[0].setChecked(True)
        layout.addWidget(dialogs.ok_cancel(self))

    def _part(self, layout: QVBoxLayout, title: str, count_text: str, length: int, name: str):
        group = QGroupBox(title)
        group.setObjectName(f"Divide{name}")
        group.setCheckable(True)
        group.setChecked(False)
        grid = QGridLayout(group)
        by_count = QRadioButton()
        by_count.setObjectName(f"Divide{name}ByCount")
        by_count.setChecked(True)
        count = _spin(f"Divide{name}Count", 1, max(1, length), min(2, length), "")
        by_pixels = QRadioButton()
        by_pixels.setObjectName(f"Divide{name}ByPixels")
        pixels = _spin(f"Divide{name}Pixels", 1, max(1, length), max(1, length // 2),
                       " pixels per slice")
        grid.addWidget(by_count, 0, 0)
        grid.addWidget(count, 0, 1)
        grid.addWidget(QLabel(count_text), 0, 2)
        grid.addWidget(by_pixels, 1, 0)
        grid.addWidget(pixels, 1, 1, 1, 2)
        layout.addWidget(group)
        return group, by_count, count, pixels

    @staticmethod
    def _choice(part) -> Optional[dict]:
        group, by_count, count, pixels = part
        if not group.isChecked():
            return None
        return {"count": count.value()} if by_count.isChecked() else {"every": pixels.value()}

    def choice(self) -> tuple[Optional[dict], Optional[dict]]:
        """(rows, columns): {"count": N} or {"every": px} each, None when not divided."""
        return self._choice(self.rows), self._choice(self.columns)


class SaveSlicesDialog(QDialog):
    """File > Export > Save for Web (Legacy)…: Format (HTML and Images, Images Only), which
    slices, the destination folder and the image file type."""

    def __init__(self, parent: QWidget, start: SlicesToFilesSettings, count: int):
        super().__init__(parent)
        self.setObjectName("SaveSlicesDialog")
        self.setWindowTitle("Save for Web (Legacy)")
        form = QFormLayout()
        self.output = QComboBox()
        self.output.setObjectName("SaveForWebFormat")
        self.which = QComboBox()
        self.which.setObjectName("SaveForWebSlices")
        for combo, choices, value in ((self.output, OUTPUTS, start.output),
                                      (self.which, WHICH, start.which)):
            for key, label in choices:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(value)))
        destination = FilesDestination(self, "Slices", start.folder, start.format,
                                       start.quality, "Save for Web: Destination")
        self.folder, self.format, self.quality = (destination.folder, destination.format,
                                                  destination.quality)
        self.folder.setMinimumWidth(300)
        form.addRow("Format", self.output)
        form.addRow("Slices", self.which)
        form.addRow("Destination", destination.row)
        form.addRow("File Type", self.format)
        form.addRow("JPEG Quality", self.quality)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.count = count
        self.note = QLabel()
        self.note.setObjectName("SaveForWebNote")
        self.note.setWordWrap(True)
        self.note.setMinimumWidth(420)
        layout.addWidget(self.note)
        layout.addWidget(dialogs.ok_cancel(self))
        self._which = self.which.currentData()  # Images Only's choice, kept through HTML
        self.output.currentIndexChanged.connect(lambda _i: self._update())
        self.which.currentIndexChanged.connect(lambda _i: self._update())
        self._update()

    def _update(self) -> None:
        html = self.output.currentData() == "html"
        # (the page needs every slice's image: All Slices, shown fixed)
        self.which.blockSignals(True)
        if html:
            self.which.setCurrentIndex(self.which.findData("all"))
        elif not self.which.isEnabled():
            self.which.setCurrentIndex(self.which.findData(self._which))
        self.which.blockSignals(False)
        self.which.setEnabled(not html)
        if not html:
            self._which = self.which.currentData()
        n = self.count
        users = f"{n} user slice{'s' if n != 1 else ''}"
        if html:
            text = (f"Every slice ({users} and the auto slices) as an image in an 'images' "
                    "folder, and the HTML page that puts them together with each slice's "
                    "URL, Target, Alt Tag, Message Text and background.")
        elif self.which.currentData() == "all":
            text = (f"Every slice ({users} and the auto slices) written as its own file, "
                    "named after the slice (document_01.png when it has no name).")
        else:
            text = (f"{users}, each written as its own file named after the slice "
                    "(document_01.png when it has no name).")
        self.note.setText(text)

    def settings(self) -> SlicesToFilesSettings:
        return SlicesToFilesSettings(self.folder.text().strip(), self.format.currentData(),
                                     self.quality.value(), self.output.currentData(),
                                     self._which)
