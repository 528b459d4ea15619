"""The dialogs of File > Export: Export As… (with a preview of the file and its size) and
Layers to Files…. They only ask; `export_commands.py` does the work.

Export As' preview is the exported file itself: each change of the options (debounced, so
typing a number does not encode per key) encodes the document's composite on a worker
thread (`worker.start`), then shows that file decoded, scaled into the preview, and its
size in bytes; a result made for options changed since is dropped, and one encode runs at a
time (a change meanwhile encodes again when it ends: a 12-megapixel PNG takes seconds).
"""
from __future__ import annotations

import io
from typing import Optional

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from editor.model import export_as
from editor.model.export_as import ExportSettings
from editor.model.file_info import METADATA_CHOICES
from editor.model.layers_to_files import LayersToFilesSettings

from . import dialogs, worker
from .dialogs import keyed_combo
from .qimage import rgba_to_qimage

PREVIEW_SIDE = 320
DEBOUNCE_MS = 250
FORMAT_LABELS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP", "GIF": "GIF"}


def file_size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.2f} MB"


def _spin(name: str, low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    spin.setKeyboardTracking(False)  # a typed number counts when complete
    return spin


def _encode_preview(pixels: np.ndarray, settings: ExportSettings) -> tuple[bytes, np.ndarray]:
    """(the file's bytes, the file decoded and shrunk to the preview) — on the worker."""
    from PIL import Image

    data = export_as.encode(pixels, settings)
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    image.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE), Image.Resampling.LANCZOS)
    return data, np.asarray(image).copy()


class ExportAsDialog(QDialog):
    """File > Export > Export As…: format, quality, transparency, image size, metadata."""

    def __init__(self, parent: QWidget, pixels: np.ndarray, start: ExportSettings,
                 scale: float = 100.0):
        super().__init__(parent)
        self.setObjectName("ExportAsDialog")
        self.setWindowTitle("Export As")
        self.pixels = pixels
        self.canvas_size = (pixels.shape[1], pixels.shape[0])
        self._updating = False
        self._closed = False
        self.encoded: Optional[tuple[ExportSettings, bytes]] = None  # the last preview's file
        self.encoding = False  # a preview is due or being made
        self._running = False  # an encode is on the worker
        self._again = False    # the options changed while it ran

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        self.preview = QLabel()
        self.preview.setObjectName("ExportPreview")
        self.preview.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel { background: #808080; }")
        self.size_label = QLabel("…")
        self.size_label.setObjectName("ExportFileSize")
        left.addWidget(self.preview)
        left.addWidget(self.size_label)
        layout.addLayout(left)

        form = QFormLayout()
        self.palette = start.palette  # an Indexed Color document's (GIF, PNG-8)
        self.format = keyed_combo("ExportFormat", FORMAT_LABELS, start.format)
        self.quality = _spin("ExportQuality", 1, 100, start.quality, " %")
        self.transparency = QCheckBox("Transparency")
        self.transparency.setObjectName("ExportTransparency")
        self.transparency.setChecked(start.transparency)
        w, h = self.canvas_size
        self.scale = _spin("ExportScale", 1, 1000, round(scale), " %")
        self.width = _spin("ExportWidth", 1, export_as.MAX_SIDE, w, " px")
        self.height = _spin("ExportHeight", 1, export_as.MAX_SIDE, h, " px")
        self.metadata = keyed_combo("ExportMetadata", METADATA_CHOICES, start.metadata)
        self.metadata.setToolTip("The document's File Info: Copyright and Contact Info "
                                 "writes its copyright, status, URL and authors only; All "
                                 "writes all of it and the camera data")
        self.xmp, self.exif = start.xmp, start.exif  # the document's (File Info)
        self.dpi = start.dpi  # the document's resolution
        form.addRow("Format", self.format)
        form.addRow("Quality", self.quality)
        form.addRow("", self.transparency)
        form.addRow("Scale", self.scale)
        form.addRow("Width", self.width)
        form.addRow("Height", self.height)
        note = QLabel("Proportions kept; resampled as Image Size does. The canvas size stays; "
                      "colours are sRGB.")
        note.setWordWrap(True)
        form.addRow(note)
        form.addRow("Metadata", self.metadata)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(dialogs.ok_cancel(self))
        layout.addLayout(right)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._encode)
        self.format.currentIndexChanged.connect(self._changed)
        self.quality.valueChanged.connect(self._changed)
        self.transparency.toggled.connect(self._changed)
        self.metadata.currentIndexChanged.connect(self._changed)
        self.scale.valueChanged.connect(self._scale_changed)
        self.width.valueChanged.connect(lambda v: self._side_changed(v, 0))
        self.height.valueChanged.connect(lambda v: self._side_changed(v, 1))
        self.finished.connect(self._finish)
        self._scale_changed(self.scale.value())
        self._changed()

    # -- the options -------------------------------------------------------------------
    def settings(self) -> ExportSettings:
        fmt = self.format.currentData()
        size = (self.width.value(), self.height.value())
        return ExportSettings(
            format=fmt, quality=self.quality.value(),
            transparency=self.transparency.isChecked() and fmt in export_as.TRANSPARENT,
            width=None if size == self.canvas_size else size[0],
            height=None if size == self.canvas_size else size[1],
            metadata=self.metadata.currentData(), xmp=self.xmp, exif=self.exif,
            palette=self.palette, dpi=self.dpi)

    def _scale_changed(self, percent: int) -> None:
        if self._updating:
            return
        self._set_size(export_as.scaled_size(*self.canvas_size, percent))

    def _side_changed(self, value: int, axis: int) -> None:
        """A width or height typed: the other follows (proportions kept), and the scale."""
        if self._updating:
            return
        ratio = value / self.canvas_size[axis]
        self._set_size(export_as.scaled_size(*self.canvas_size, ratio * 100), axis, value,
                       round(ratio * 100))

    def _set_size(self, size: tuple[int, int], axis: Optional[int] = None,
                  value: int = 0, percent: Optional[int] = None) -> None:
        size = list(size)
        if axis is not None:
            size[axis] = value
        self._updating = True
        try:
            self.width.setValue(size[0])
            self.height.setValue(size[1])
            if percent is not None:
                self.scale.setValue(max(1, min(1000, percent)))
        finally:
            self._updating = False
        self._changed()

    def _changed(self) -> None:
        fmt = self.format.currentData()
        self.quality.setEnabled(fmt in export_as.QUALITY_FORMATS)
        self.transparency.setEnabled(fmt in export_as.TRANSPARENT)
        self.size_label.setText("…")
        self.encoding = True
        self._timer.start()

    # -- the preview ---------------------------------------------------------------------
    def _encode(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        settings, pixels = self.settings(), self.pixels

        def done(result) -> None:
            if self._next():
                return  # the options changed meanwhile, or the dialog is gone
            data, shown = result
            self.encoded = (settings, data)
            self.encoding = False
            self.preview.setPixmap(QPixmap.fromImage(rgba_to_qimage(shown)))
            w, h = settings.width or self.canvas_size[0], settings.height or self.canvas_size[1]
            self.size_label.setText(f"{FORMAT_LABELS[settings.format]}  {w} × {h} px  "
                                    f"{file_size_text(len(data))}")

        def failed(exc: BaseException) -> None:
            if self._next():
                return
            self.encoding = False
            self.size_label.setText(f"Cannot export so: {exc}")

        worker.start(lambda: _encode_preview(pixels, settings), done, failed)

    def _next(self) -> bool:
        """An encode ended: True when its result is stale (a newer one started instead, or
        the dialog is closed)."""
        self._running = False
        if self._closed:
            return True
        if self._again:
            self._again = False
            self._encode()
            return True
        return self._timer.isActive()  # a change is waiting for its encode

    def file_for(self, settings: ExportSettings) -> Optional[bytes]:
        """The preview's file when it was made with `settings` (no second encode)."""
        if self.encoded is not None and self.encoded[0] == settings:
            return self.encoded[1]
        return None

    def _finish(self) -> None:
        self._closed = True
        self._timer.stop()


class FilesDestination:
    """The Destination folder (with Browse…), File Type (PNG, JPEG) and JPEG Quality that
    the dialogs writing one file per layer or per slice share; `name` prefixes the widgets'
    object names ("Layers": LayersFolder, LayersBrowse, LayersFormat, LayersQuality)."""

    def __init__(self, dialog: QDialog, name: str, folder: str, file_type: str, quality: int,
                 title: str):
        self.folder = QLineEdit(folder)
        self.folder.setObjectName(f"{name}Folder")
        browse = QPushButton("Browse…")
        browse.setObjectName(f"{name}Browse")
        browse.clicked.connect(lambda: self._browse(dialog, title))
        self.row = QHBoxLayout()
        self.row.addWidget(self.folder, 1)
        self.row.addWidget(browse)
        self.format = keyed_combo(f"{name}Format", {"PNG": "PNG", "JPEG": "JPEG"}, file_type)
        self.quality = _spin(f"{name}Quality", 1, 100, quality, " %")
        self.format.currentIndexChanged.connect(
            lambda _i: self.quality.setEnabled(self.format.currentData() == "JPEG"))
        self.quality.setEnabled(file_type == "JPEG")

    def _browse(self, dialog: QDialog, title: str) -> None:
        folder = dialogs.ask_folder(dialog, self.folder.text(), title)
        if folder:
            self.folder.setText(folder)


class LayersToFilesDialog(QDialog):
    """File > Export > Layers to Files…: destination, prefix, which layers, file type, trim."""

    def __init__(self, parent: QWidget, start: LayersToFilesSettings):
        super().__init__(parent)
        self.setObjectName("LayersToFilesDialog")
        self.setWindowTitle("Layers to Files")
        form = QFormLayout()
        destination = FilesDestination(self, "Layers", start.folder, start.format,
                                       start.quality, "Layers to Files: Destination")
        self.folder, self.format, self.quality = (destination.folder, destination.format,
                                                  destination.quality)
        self.prefix = QLineEdit(start.prefix)
        self.prefix.setObjectName("LayersPrefix")
        self.visible_only = QCheckBox("Visible Layers Only")
        self.visible_only.setObjectName("LayersVisibleOnly")
        self.visible_only.setChecked(start.visible_only)
        self.trim = QCheckBox("Trim Layers")
        self.trim.setObjectName("LayersTrim")
        self.trim.setChecked(start.trim)
        form.addRow("Destination", destination.row)
        form.addRow("File Name Prefix", self.prefix)
        form.addRow("", self.visible_only)
        form.addRow("File Type", self.format)
        form.addRow("JPEG Quality", self.quality)
        form.addRow("", self.trim)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel("Each layer is written alone as the canvas shows it (mask, style and "
                      "opacity included), named prefix_0001_Layer.png from the top layer.")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(dialogs.ok_cancel(self))

    def settings(self) -> LayersToFilesSettings:
        return LayersToFilesSettings(self.folder.text().strip(), self.prefix.text().strip(),
                                     self.visible_only.isChecked(), self.format.currentData(),
                                     self.quality.value(), self.trim.isChecked())
