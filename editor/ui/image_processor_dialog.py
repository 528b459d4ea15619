"""File > Scripts > Image Processor…'s dialog (`editor/model/image_processor.py` does the
work): Photoshop's four sections, the images to process, where to save them, the file
types (each with its options and Resize to Fit W x H), and the preferences (Run Action,
Copyright Info). Its settings are those of the last run (`settings_from` / `settings`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton,
                               QSpinBox, QVBoxLayout, QWidget)

from editor.model import image_processor as ip
from editor.model.image_processor import Output, ProcessorSettings

from .automate_rows import fill_actions, folder_button
from .dialogs import ok_cancel

if TYPE_CHECKING:
    from .window_api import EditorWindow


def _spin(name: str, low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


class _FormatRow:
    """One "Save as …" row: its check box, its own option(s), Resize to Fit W x H."""

    def __init__(self, grid: QGridLayout, row: int, kind: str, start: Output):
        self.kind = kind
        self.on = QCheckBox(f"Save as {ip.SUBFOLDERS[kind]}")
        self.on.setObjectName(f"ip_{kind}")
        self.on.setChecked(start.on)
        self.quality = _spin(f"ip_{kind}_quality", 0, 12, start.quality)
        self.option = QCheckBox({"jpeg": "Convert Profile to sRGB",
                                 "psd": "Maximize Compatibility",
                                 "tiff": "LZW Compression"}[kind])
        self.option.setObjectName(f"ip_{kind}_option")
        self.option.setChecked({"jpeg": start.to_srgb, "psd": start.maximize,
                                "tiff": start.lzw}[kind])
        if kind == "jpeg":
            self.option.setToolTip("The editor works in sRGB: the pixels are sRGB already")
        elif kind == "psd":
            self.option.setToolTip("The merged image is always written with the layers")
        self.resize = QCheckBox("Resize to Fit")
        self.resize.setObjectName(f"ip_{kind}_resize")
        self.resize.setChecked(start.resize)
        self.width = _spin(f"ip_{kind}_width", 1, ip.MAX_SIDE, start.width or 1024, " px")
        self.height = _spin(f"ip_{kind}_height", 1, ip.MAX_SIDE, start.height or 1024, " px")
        grid.addWidget(self.on, row, 0)
        if kind == "jpeg":
            quality = QWidget()
            line = QHBoxLayout(quality)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(QLabel("Quality:"))
            line.addWidget(self.quality)
            grid.addWidget(quality, row + 1, 0)
        grid.addWidget(self.option, row + 1, 1)
        grid.addWidget(self.resize, row, 1)
        grid.addWidget(QLabel("W:"), row, 2)
        grid.addWidget(self.width, row, 3)
        grid.addWidget(QLabel("H:"), row, 4)
        grid.addWidget(self.height, row, 5)
        self.on.toggled.connect(self.follow)
        self.resize.toggled.connect(self.follow)
        self.follow()

    def follow(self) -> None:
        on = self.on.isChecked()
        for widget in (self.quality, self.option, self.resize):
            widget.setEnabled(on)
        for widget in (self.width, self.height):
            widget.setEnabled(on and self.resize.isChecked())

    def output(self) -> Output:
        option = self.option.isChecked()
        return Output(self.on.isChecked(), self.resize.isChecked(), self.width.value(),
                      self.height.value(), self.quality.value(),
                      to_srgb=option if self.kind == "jpeg" else True,
                      maximize=option if self.kind == "psd" else True,
                      lzw=option if self.kind == "tiff" else False)


class ImageProcessorDialog(QDialog):
    def __init__(self, window: "EditorWindow", start: ProcessorSettings,
                 chosen: tuple[str, str], run_action: bool):
        super().__init__(window)
        self.setObjectName("ImageProcessorDialog")
        self.setWindowTitle("Image Processor")
        self.sets = window.actions_panel.sets
        layout = QVBoxLayout(self)

        images = QGroupBox("1  Select the images to process")
        grid = QGridLayout(images)
        self.use_open = QRadioButton("Use Open Images")
        self.use_open.setObjectName("ip_open")
        self.use_folder = QRadioButton("Select Folder:")
        self.use_folder.setObjectName("ip_use_folder")
        (self.use_open if start.open_documents else self.use_folder).setChecked(True)
        self.source = QLineEdit(start.source)
        self.source.setObjectName("ip_source")
        self.subfolders = QCheckBox("Include All sub-folders")
        self.subfolders.setObjectName("ip_subfolders")
        self.subfolders.setChecked(start.subfolders)
        grid.addWidget(self.use_open, 0, 0)
        grid.addWidget(self.use_folder, 1, 0)
        grid.addWidget(self.source, 1, 1)
        grid.addWidget(self._browse(self.source), 1, 2)
        grid.addWidget(self.subfolders, 2, 1)
        layout.addWidget(images)

        where = QGroupBox("2  Select location to save processed images")
        grid = QGridLayout(where)
        self.same = QRadioButton("Save in Same Location")
        self.same.setObjectName("ip_same")
        self.to_folder = QRadioButton("Select Folder:")
        self.to_folder.setObjectName("ip_to_folder")
        (self.same if start.destination == "same" else self.to_folder).setChecked(True)
        self.folder = QLineEdit(start.folder)
        self.folder.setObjectName("ip_folder")
        grid.addWidget(self.same, 0, 0)
        grid.addWidget(QLabel("(in JPEG, PSD and TIFF folders)"), 0, 1)
        grid.addWidget(self.to_folder, 1, 0)
        grid.addWidget(self.folder, 1, 1)
        grid.addWidget(self._browse(self.folder), 1, 2)
        layout.addWidget(where)

        types = QGroupBox("3  File Type")
        grid = QGridLayout(types)
        self.rows = {kind: _FormatRow(grid, 2 * i, kind, getattr(start, kind))
                     for i, kind in enumerate(ip.FORMATS)}
        layout.addWidget(types)

        prefs = QGroupBox("4  Preferences")
        grid = QGridLayout(prefs)
        self.run_action = QCheckBox("Run Action:")
        self.run_action.setObjectName("ip_run_action")
        self.run_action.setChecked(run_action)
        self.set_box = QComboBox()
        self.set_box.setObjectName("ip_set")
        self.action_box = QComboBox()
        self.action_box.setObjectName("ip_action")
        self.set_box.addItems([s.name for s in self.sets])
        self.set_box.currentIndexChanged.connect(self._fill_actions)
        self.set_box.setCurrentIndex(max(0, self.set_box.findText(chosen[0])))
        self._fill_actions()
        self.action_box.setCurrentIndex(max(0, self.action_box.findText(chosen[1])))
        self.copyright = QLineEdit(start.copyright)
        self.copyright.setObjectName("ip_copyright")
        self.copyright.setToolTip("Set as each image's File Info Copyright Notice "
                                  "(status Copyrighted), written with its metadata")
        grid.addWidget(self.run_action, 0, 0)
        grid.addWidget(self.set_box, 0, 1)
        grid.addWidget(self.action_box, 0, 2)
        grid.addWidget(QLabel("Copyright Info:"), 1, 0)
        grid.addWidget(self.copyright, 1, 1, 1, 2)
        layout.addWidget(prefs)

        self.buttons = ok_cancel(self)
        self.buttons.button(self.buttons.StandardButton.Ok).setText("Run")
        layout.addWidget(self.buttons)
        for button in (self.use_open, self.use_folder, self.same, self.to_folder,
                       self.run_action):
            button.toggled.connect(self._follow)
        self._follow()

    def _follow(self) -> None:
        """Only the rows the choices use are editable."""
        from_folder = self.use_folder.isChecked()
        self.source.setEnabled(from_folder)
        self.subfolders.setEnabled(from_folder)
        self.folder.setEnabled(self.to_folder.isChecked())
        self.set_box.setEnabled(self.run_action.isChecked())
        self.action_box.setEnabled(self.run_action.isChecked())

    def _fill_actions(self) -> None:
        fill_actions(self.action_box, self.sets, self.set_box.currentIndex())

    def _browse(self, edit: QLineEdit) -> QPushButton:
        return folder_button(self, edit)

    def action(self):
        """The action to run first, or None (Run Action off)."""
        i, j = self.set_box.currentIndex(), self.action_box.currentIndex()
        if self.run_action.isChecked() and 0 <= i < len(self.sets) and \
                0 <= j < len(self.sets[i].actions):
            return self.sets[i].actions[j]
        return None

    def settings(self) -> ProcessorSettings:
        rows = {kind: row.output() for kind, row in self.rows.items()}
        return ProcessorSettings(self.source.text().strip(), self.use_open.isChecked(),
                                 self.subfolders.isChecked(),
                                 "same" if self.same.isChecked() else "folder",
                                 self.folder.text().strip(), rows["jpeg"], rows["psd"],
                                 rows["tiff"], self.copyright.text().strip())
