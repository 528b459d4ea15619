"""File > File Info… (Alt+Shift+Ctrl+I): the document's metadata, as Photoshop's dialog
shows it. Basic (editable: title, authors, author title, description, 0-5 star rating,
description writer, keywords, copyright status, notice and info URL), Camera Data (the
EXIF the picture came with, read-only) and Raw Data (the XMP packet, read-only). OK writes
the fields that changed as one undo step (`model.file_info.set_file_info`); Cancel, or OK
with nothing changed, leaves the document as it was.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QSizePolicy, QTabWidget, QToolButton,
                               QVBoxLayout, QWidget)

from editor.model.file_info import (COPYRIGHT_STATUSES, FileInfo, camera_data, document_info,
                                    set_file_info, split_list)

from . import dialogs
from .actions import ActionSpec, has_doc, run_on_doc

if TYPE_CHECKING:
    from .window_api import EditorWindow

LIST_HINT = "Semicolons or commas can be used to separate multiple values"


class StarRating(QWidget):
    """Rating: five stars; a click sets that many, a click on the last one lit clears it."""

    def __init__(self, stars: int):
        super().__init__()
        self.setObjectName("rating")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.buttons = []
        for n in range(1, 6):
            button = QToolButton()
            button.setObjectName(f"rating_{n}")
            button.setAutoRaise(True)
            font = button.font()
            font.setPointSizeF(font.pointSizeF() * 1.5)
            button.setFont(font)
            button.setToolTip(f"{n} star{'s' if n > 1 else ''}")
            button.clicked.connect(lambda _=False, n=n: self.set_value(0 if n == self.value
                                                                       else n))
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.value = 0
        self.set_value(stars)

    def set_value(self, stars: int) -> None:
        self.value = max(0, min(5, int(stars)))
        for n, button in enumerate(self.buttons, 1):
            button.setText("★" if n <= self.value else "☆")


class FileInfoDialog(QDialog):
    def __init__(self, parent: QWidget, name: str, info: FileInfo,
                 camera: list[tuple[str, str]], packet: Optional[bytes]):
        super().__init__(parent)
        self.setObjectName("FileInfoDialog")
        self.setWindowTitle(f"File Info: {name}")
        self.original = info
        self.tabs = QTabWidget()
        self.tabs.setObjectName("file_info_tabs")

        basic = QWidget()
        form = QFormLayout(basic)
        self.title = self._line("title", info.title)
        self.authors = self._line("authors", "; ".join(info.authors), LIST_HINT)
        self.author_title = self._line("author_title", info.author_title)
        self.description = self._text("description", info.description)
        self.rating = StarRating(info.rating)
        self.description_writer = self._line("description_writer", info.description_writer)
        self.keywords = self._line("keywords", "; ".join(info.keywords), LIST_HINT)
        self.copyright_status = dialogs.keyed_combo("copyright_status",
                                                    dict(COPYRIGHT_STATUSES),
                                                    info.copyright_status)
        self.copyright_notice = self._text("copyright_notice", info.copyright_notice)
        self.copyright_url = self._line("copyright_url", info.copyright_url)
        for label, widget in (("Document Title:", self.title), ("Author:", self.authors),
                              ("Author Title:", self.author_title),
                              ("Description:", self.description), ("Rating:", self.rating),
                              ("Description Writer:", self.description_writer),
                              ("Keywords:", self.keywords),
                              ("Copyright Status:", self.copyright_status),
                              ("Copyright Notice:", self.copyright_notice),
                              ("Copyright Info URL:", self.copyright_url)):
            form.addRow(label, widget)
        self.tabs.addTab(basic, "Basic")

        self.camera = QWidget()
        self.camera.setObjectName("camera_data")
        camera_form = QFormLayout(self.camera)
        if camera:
            for label, value in camera:
                shown = QLabel(value)
                shown.setObjectName(f"camera_{label}")
                camera_form.addRow(f"{label}:", shown)
        else:
            camera_form.addRow(QLabel("This document has no camera data (EXIF)."))
        self.tabs.addTab(self.camera, "Camera Data")

        self.raw = QPlainTextEdit(packet.decode("utf-8", "replace").strip("\x00 \n")
                                  if packet else "")
        self.raw.setObjectName("raw_data")
        self.raw.setReadOnly(True)
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.raw.setPlaceholderText("The document has no XMP metadata yet.")
        self.tabs.addTab(self.raw, "Raw Data")

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(dialogs.ok_cancel(self))
        self.resize(560, 520)

    @staticmethod
    def _line(name: str, text: str, hint: str = "") -> QLineEdit:
        line = QLineEdit(text)
        line.setObjectName(name)
        line.setPlaceholderText(hint)
        if hint:
            line.setToolTip(hint)
        return line

    @staticmethod
    def _text(name: str, text: str) -> QPlainTextEdit:
        box = QPlainTextEdit(text)
        box.setObjectName(name)
        box.setTabChangesFocus(True)
        box.setFixedHeight(64)
        return box

    def _list(self, line: QLineEdit, original: tuple) -> tuple:
        """A list field as typed; as it was when its text was not touched (a value with a
        comma in it stays one value)."""
        return original if line.text() == "; ".join(original) else split_list(line.text())

    def info(self) -> FileInfo:
        o = self.original
        return FileInfo(
            title=self.title.text(), authors=self._list(self.authors, o.authors),
            author_title=self.author_title.text(),
            description=self.description.toPlainText(), rating=self.rating.value,
            description_writer=self.description_writer.text(),
            keywords=self._list(self.keywords, o.keywords),
            copyright_status=self.copyright_status.currentData(),
            copyright_notice=self.copyright_notice.toPlainText(),
            copyright_url=self.copyright_url.text())


class FileInfoCommands:
    def __init__(self, window: "EditorWindow"):
        self.window = window
        self.dialog: Optional[FileInfoDialog] = None  # the last one shown (tests, screenshots)

    def action_specs(self) -> list[ActionSpec]:
        return [ActionSpec("file_info", "File &Info…", self.file_info, "Alt+Shift+Ctrl+I",
                           enabled=has_doc, menu="file", after="scripts_menu", separator=True,
                           tip="The document's metadata: title, author, description, "
                               "keywords, copyright (XMP), and its camera data")]

    def file_info(self) -> bool:
        """Returns whether the document changed (one undo step "File Info")."""
        w = self.window
        session = w.session
        if session is None:
            return False
        doc = session.doc
        self.dialog = dialog = FileInfoDialog(w, session.title, document_info(doc),
                                              camera_data(doc.exif, doc.xmp), doc.xmp)
        if not dialog.exec():
            return False
        info = dialog.info()
        return bool(run_on_doc(w, "Could not change the file info",
                               lambda d: set_file_info(d, info)))
