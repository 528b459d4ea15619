"""Files in the window: new, open, recent, import, drop, paste/copy, save, export, errors,
closing with unsaved changes, settings."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from editor.model.render import composite_document
from editor.ui.dialogs import NewDocumentSpec
from editor.ui.qimage import qimage_to_rgba, rgba_to_qimage
from engine.box import Box

from ui_helpers import make_window, photo, write_png


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


def open_through_menu(window, qtbot, monkeypatch, paths, count):
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: list(paths))
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: window.files.pending == 0 and len(window.sessions) == count, timeout=10000)


def test_new_document_from_the_size_dialog(window, monkeypatch):
    monkeypatch.setattr("editor.ui.dialogs.ask_new_document",
                        lambda *a, **k: NewDocumentSpec("Poster", 300, 200, "white"))
    window.actions["new"].trigger()
    doc = window.doc
    assert (doc.width, doc.height) == (300, 200)
    assert (next(doc.layers()).pixels == 255).all()
    assert not doc.modified and doc.history.count == 0
    assert window.windowTitle() == "Poster — Layered"


def test_bad_file_is_one_clear_error_and_nothing_changes(window, qtbot, monkeypatch, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    open_through_menu(window, qtbot, monkeypatch, [str(bad)], 0)
    qtbot.waitUntil(lambda: len(window.test_errors) == 1)
    title, message = window.test_errors[0]
    assert "broken.png" in message and "Traceback" not in message
    assert window.sessions == []
    # Importing it into an open document leaves the document as it was.
    good = write_png(tmp_path / "good.png", photo(40, 30))
    open_through_menu(window, qtbot, monkeypatch, [good], 1)
    doc = window.doc
    before = doc.history.count
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(bad)])
    window.actions["import_layer"].trigger()
    qtbot.waitUntil(lambda: len(window.test_errors) == 2)
    assert doc.history.count == before and len(list(doc.layers())) == 1


def test_failed_save_keeps_document_and_reports(window, qtbot, monkeypatch, tmp_path):
    good = write_png(tmp_path / "good.png", photo(40, 30))
    open_through_menu(window, qtbot, monkeypatch, [good], 1)
    doc = window.doc
    doc.new_layer()
    target = str(tmp_path / "missing-folder" / "out.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    window.actions["save"].trigger()
    assert len(window.test_errors) == 1 and "missing-folder" in window.test_errors[0][1]
    assert doc.modified and doc.path is None and window.windowTitle().startswith("good.png*")
    assert not os.path.exists(target)


def test_closing_with_unsaved_changes_asks(window, qtbot, monkeypatch, tmp_path):
    good = write_png(tmp_path / "good.png", photo(40, 30))
    open_through_menu(window, qtbot, monkeypatch, [good], 1)
    asked = []
    answers = iter(["cancel", "discard"])
    monkeypatch.setattr("editor.ui.dialogs.ask_save_changes",
                        lambda parent, name: asked.append(name) or next(answers))
    window.actions["close"].trigger()
    assert window.sessions == []  # unmodified: closes without asking
    open_through_menu(window, qtbot, monkeypatch, [good], 1)
    window.doc.new_layer()
    assert not window.close()  # cancelled: the window stays
    assert len(window.sessions) == 1 and asked == ["good.png"]
    assert window.close()
    assert asked == ["good.png", "good.png"]


def test_real_save_changes_dialog(window, qtbot, monkeypatch, tmp_path):
    """The actual question box: 'Save' saves, then the tab closes."""
    from test_ui_recovery import answer_dialog

    monkeypatch.undo()  # the real dialogs
    monkeypatch.setattr("editor.ui.dialogs.show_error", lambda *a: pytest.fail(f"error {a}"))
    target = str(tmp_path / "kept.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    window.files.create_document(50, 40)
    window.doc.new_layer()
    seen: list = []
    answer_dialog("Save", seen)
    window.actions["close"].trigger()
    assert "Untitled-1" in seen[0]
    assert window.sessions == [] and os.path.exists(target)


def test_recent_files_and_layout_are_remembered(window, qtbot, monkeypatch, tmp_path):
    a = write_png(tmp_path / "a.png", photo(20, 20))
    b = write_png(tmp_path / "b.png", photo(20, 20, "astronaut"))
    open_through_menu(window, qtbot, monkeypatch, [a, b], 2)
    assert window.settings.recent_files()[:2] in ([b, a], [a, b])
    menu = window.menus["recent"]
    menu.aboutToShow.emit()
    assert {act.text() for act in menu.actions()} >= {"a.png", "b.png"}
    for session in list(window.sessions):
        window.close_session(session)
    next(act for act in menu.actions() if act.text() == "a.png").trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    assert window.session.title == "a.png"
    window.docks["history"].hide()
    window.close()
    stored = QSettings(window.settings.q.fileName(), QSettings.Format.IniFormat)
    assert stored.value("window/state") is not None
    assert a in stored.value("files/recent")


def drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(p) for p in paths])
    pos = QPointF(400, 300)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)


def test_drop_files_opens_then_adds_layers(window, qtbot, tmp_path):
    a = write_png(tmp_path / "a.png", photo(60, 40))
    b = write_png(tmp_path / "b.png", photo(20, 10, "astronaut"))
    drop(window, [a, b])  # no document open: the first opens, the second becomes a layer
    qtbot.waitUntil(lambda: len(window.sessions) == 1 and len(list(window.doc.layers())) == 2,
                    timeout=10000)
    drop(window, [b])
    qtbot.waitUntil(lambda: len(list(window.doc.layers())) == 3, timeout=10000)
    # (the opened photo, opaque, is the Background; the dropped ones layers named after them)
    assert [layer.name for layer in window.doc.layers()] == ["Background", "b", "b"]
    assert window.doc.history.undo_name() == "Import Layer"


def test_paste_without_document_and_copy(window, qtbot):
    pixels = photo(30, 20, "astronaut")
    QGuiApplication.clipboard().setImage(rgba_to_qimage(pixels))
    window.actions["paste"].trigger()
    doc = window.doc
    assert (doc.width, doc.height) == (30, 20)
    assert np.array_equal(next(doc.layers()).pixels, pixels)
    QGuiApplication.clipboard().clear()
    window.actions["copy"].trigger()
    assert np.array_equal(qimage_to_rgba(QGuiApplication.clipboard().image()), pixels)
    doc.set_selection(Box(5, 4, 10, 6))
    window.actions["copy"].trigger()
    assert np.array_equal(qimage_to_rgba(QGuiApplication.clipboard().image()), pixels[4:10, 5:15])


def test_export_png_and_import_layer(window, qtbot, monkeypatch, tmp_path):
    window.files.create_document(50, 40)
    layer_png = write_png(tmp_path / "layer.png", photo(20, 10, "astronaut"))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [layer_png])
    window.actions["import_layer"].trigger()
    qtbot.waitUntil(lambda: len(list(window.doc.layers())) == 2, timeout=10000)
    out = str(tmp_path / "flat.png")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: out)
    window.actions["export"].trigger()
    from PIL import Image

    exported = np.asarray(Image.open(out).convert("RGBA"))
    assert np.array_equal(exported, composite_document(window.doc))
    assert window.doc.modified  # exporting is not saving


def test_layers_panel_eye_lock_and_rename(window, qtbot):
    window.files.create_document(50, 40, "transparent")  # (a plain layer: White gives the
    # Background, whose lock makes it a layer: test_ui_background_layer.py)
    doc = window.doc
    layer = doc.active
    rows = window.layers_panel.list
    qtbot.waitUntil(lambda: rows.row_of(layer) == 0)
    rect = rows.row_rect(layer)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, pos=QPoint(10, rect.center().y()))
    assert not layer.visible and doc.history.undo_name() == "Hide Layer"
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, pos=QPoint(rect.right() - 8, rect.center().y()))
    assert layer.locked
    qtbot.mouseDClick(rows, Qt.MouseButton.LeftButton, pos=QPoint(rect.center().x(), rect.center().y()))
    editor = rows.findChild(type(rows._editor), "RenameEditor") if rows._editor else None
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "Sky")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert layer.name == "Sky" and doc.history.undo_name() == "Rename Layer"


def test_save_a_copy_writes_another_file_and_leaves_the_document_as_it_was(
        window, qtbot, monkeypatch, tmp_path):
    """File > Save a Copy… (Alt+Ctrl+S): a layered copy and a flat PNG copy are written;
    the document keeps its own file, title and unsaved mark; its own file is refused."""
    from editor.model.files import open_document

    good = write_png(tmp_path / "good.png", photo(40, 30))
    open_through_menu(window, qtbot, monkeypatch, [good], 1)
    doc = window.doc
    doc.new_layer()
    title = window.windowTitle()
    for name in ("copy.psd", "copy.png"):
        target = str(tmp_path / name)
        monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
        window.actions["save_copy"].trigger()
        assert not window.test_errors and os.path.exists(target)
        assert doc.modified and doc.path is None and window.windowTitle() == title
    assert len(list(open_document(str(tmp_path / "copy.psd")).layers())) == 2
    assert window.statusBar().currentMessage().startswith("Saved a copy to")
    # Saved for real, then a copy onto its own file: refused in one line, nothing written.
    kept = str(tmp_path / "kept.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: kept)
    window.actions["save_as"].trigger()
    stamp = os.path.getmtime(kept)
    window.actions["save_copy"].trigger()
    assert len(window.test_errors) == 1 and "another name" in window.test_errors[0][1]
    assert os.path.getmtime(kept) == stamp
