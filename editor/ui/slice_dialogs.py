"""The slice tools' dialogs: Slice Options (Name, URL, Target, Alt Tag, Slice Type and the
slice's X, Y, W, H), Divide Slice (Divide Horizontally Into rows, Divide Vertically Into
columns, each N evenly spaced or every N pixels, as Photoshop's) and Save Slices (the
folder, PNG or JPEG and the JPEG quality)."""
from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QGridLayout,
                               QGroupBox, QLabel, QLineEdit, QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from editor.model.slices import Slice
from editor.model.slices_to_files import SlicesToFilesSettings
from engine.box import Box

from . import dialogs
from .export_dialogs import FilesDestination


def _spin(name: str, low: int, high: int, value: int, suffix: str = " px") -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class SliceOptionsDialog(QDialog):
    """Slice Options… (a double-click with Slice Select): the chosen slice's fields."""

    def __init__(self, parent: QWidget, s: Slice, shown_name: str, size: tuple[int, int]):
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
                                  ("target", "Target:", s.target), ("alt", "Alt Tag:", s.alt)):
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
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(sizes)
        layout.addWidget(dialogs.ok_cancel(self))

    def result_slice(self) -> Slice:
        """The slice as the dialog sets it (a name left as the default stays no name)."""
        name = self.fields["name"].text().strip()
        if name == self.shown_name and not self.original.name:
            name = ""
        return Slice(Box(self.x.value(), self.y.value(), self.w.value(), self.h.value()),
                     name, self.fields["url"].text().strip(),
                     self.fields["target"].text().strip(), self.fields["alt"].text().strip(),
                     self.original.message, bool(self.kind.currentData()), self.original.uid)


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
    """File > Export > Save Slices…: the destination folder and the file type."""

    def __init__(self, parent: QWidget, start: SlicesToFilesSettings, count: int):
        super().__init__(parent)
        self.setObjectName("SaveSlicesDialog")
        self.setWindowTitle("Save Slices")
        form = QFormLayout()
        destination = FilesDestination(self, "Slices", start.folder, start.format,
                                       start.quality, "Save Slices: Destination")
        self.folder, self.format, self.quality = (destination.folder, destination.format,
                                                  destination.quality)
        self.folder.setMinimumWidth(300)
        form.addRow("Destination", destination.row)
        form.addRow("File Type", self.format)
        form.addRow("JPEG Quality", self.quality)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel(f"{count} user slice{'s' if count != 1 else ''}, each written as its own "
                      "file named after the slice (document_01.png when it has no name).")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(dialogs.ok_cancel(self))

    def settings(self) -> SlicesToFilesSettings:
        return SlicesToFilesSettings(self.folder.text().strip(), self.format.currentData(),
                                     self.quality.value())

