"""File > File Info… (Alt+Shift+Ctrl+I) in the window: the dialog shows the document's
Basic fields; typing, a star and a copyright status then OK is one undo step "File Info"
that marks the document modified and Undo takes back; Cancel, and OK with nothing
changed, leave the document as it was; Camera Data shows a camera JPEG's EXIF, read-only;
what was typed is saved in the PSD."""
from __future__ import annotations

import os

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit

from editor.model.file_info import document_info
from editor.model.files import open_document
from test_file_info import PHOTOSHOP, camera_exif
from ui_helpers import in_modal_dialog, make_window, open_file


def test_file_info_is_in_the_file_menu_with_photoshops_key(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    action = w.actions["file_info"]
    assert action.shortcut() == QKeySequence("Alt+Shift+Ctrl+I")
    assert action in w.menus["file"].actions()
    assert not action.isEnabled()  # no document


def test_edit_ok_undo_and_cancel(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, PHOTOSHOP)
    doc = w.doc
    steps = doc.history.index
    before = doc.xmp

    def edit(dialog, seen):
        assert dialog.title.text() == "title here" and dialog.rating.value == 2
        assert dialog.keywords.text() == "key; words; here"
        dialog.title.clear()
        qtbot.keyClicks(dialog.title, "Moon landing")
        dialog.authors.clear()
        qtbot.keyClicks(dialog.authors, "Ann, Bob; Cy")
        qtbot.mouseClick(dialog.findChild(type(dialog.rating.buttons[0]), "rating_4"),
                         Qt.MouseButton.LeftButton)
        dialog.copyright_status.setCurrentIndex(dialog.copyright_status.findData("public"))

    in_modal_dialog(qtbot, w.actions["file_info"].trigger, edit, "FileInfoDialog")
    info = document_info(doc)
    assert (info.title, info.authors, info.rating, info.copyright_status) == \
        ("Moon landing", ("Ann", "Bob", "Cy"), 4, "public")
    assert info.keywords == ("key", "words", "here")  # untouched fields as they were
    assert doc.history.index == steps + 1 and doc.modified
    assert doc.history.undo_name() == "File Info"

    w.actions["undo"].trigger()
    assert doc.xmp == before and document_info(doc).title == "title here"
    assert not doc.modified

    def cancel(dialog, seen):
        qtbot.keyClicks(dialog.description, " more")
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["file_info"].trigger, cancel, "FileInfoDialog")
    assert doc.xmp == before and doc.history.index == steps

    # OK without a change: no step.
    in_modal_dialog(qtbot, w.actions["file_info"].trigger, lambda d, s: None,
                    "FileInfoDialog")
    assert doc.history.index == steps and not doc.modified


def test_camera_data_tab_and_saved_file(qtbot, tmp_path, monkeypatch):
    source = str(tmp_path / "camera.jpg")
    Image.new("RGB", (20, 12), (10, 120, 200)).save(source, exif=camera_exif())
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, source)

    def look(dialog, seen):
        seen["camera"] = {label.objectName(): label.text()
                          for label in dialog.camera.findChildren(QLabel)
                          if label.objectName().startswith("camera_")}
        qtbot.keyClicks(dialog.findChild(QLineEdit, "keywords"), "tree, sky")

    seen = in_modal_dialog(qtbot, w.actions["file_info"].trigger, look, "FileInfoDialog")
    assert seen["camera"]["camera_Model"] == "NIKON D750"
    assert seen["camera"]["camera_Exposure"] == "1/250 s"
    assert document_info(w.doc).keywords == ("tree", "sky")
    path = str(tmp_path / "saved.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: path)
    w.actions["save"].trigger()
    qtbot.waitUntil(lambda: os.path.exists(path) and not w.doc.modified, timeout=20000)
    assert document_info(open_document(path)).keywords == ("tree", "sky")


def test_no_camera_data_says_so(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, PHOTOSHOP)

    def look(dialog, seen):
        seen["texts"] = [label.text() for label in dialog.camera.findChildren(QLabel)]
        seen["raw"] = dialog.raw.toPlainText()
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["file_info"].trigger, look, "FileInfoDialog")
    assert seen["texts"] == ["This document has no camera data (EXIF)."]
    assert "xmpMM:History" in seen["raw"]  # Raw Data: the packet as kept


def test_untouched_author_with_a_comma_stays_one_author(qtbot, tmp_path, monkeypatch):
    from editor.model.file_info import FileInfo, set_file_info

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, PHOTOSHOP)
    set_file_info(w.doc, FileInfo(**{**document_info(w.doc).__dict__,
                                     "authors": ("Smith, John",)}))
    steps = w.doc.history.index

    def retitle(dialog, seen):
        assert dialog.authors.text() == "Smith, John"
        qtbot.keyClicks(dialog.title, "!")

    in_modal_dialog(qtbot, w.actions["file_info"].trigger, retitle, "FileInfoDialog")
    assert document_info(w.doc).authors == ("Smith, John",)
    assert document_info(w.doc).title == "title here!" and w.doc.history.index == steps + 1
