"""Small things a Photoshop user expects, driven in the window as a user would: Delete on the
Background with a selection opens Edit > Fill with Content-Aware chosen (Backspace paints
the background colour); Canvas Size's Relative box and Canvas extension color; Free
Transform's X/Y/W/H in the rulers' unit and its relative positioning (the delta button); the
Info panel's Panel Options (colour read-outs, mouse coordinates, status information)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from editor.jobs import FINISHED
from engine.box import Box

from ui_helpers import in_modal_dialog, make_window, open_file, photo

W, H = 64, 48
GREEN = (20, 180, 60)


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    window.set_background(QColor(*GREEN))
    return window


def opened_jpeg(w, qtbot, monkeypatch, tmp_path):
    """A JPEG opened: its one layer is the Background."""
    path = str(tmp_path / "kitten.jpg")
    Image.fromarray(photo(W, H)[..., :3]).save(path, quality=95)
    open_file(w, qtbot, monkeypatch, path)
    (layer,) = w.doc.layers()
    assert layer.is_background
    return layer


def key_in_dialog(qtbot, w, key, answer) -> list:
    """Presses `key` on the canvas; `answer(dialog)` runs in the modal dialog it opens (and
    returns True to accept it); the dialogs' object names and contents seen are returned."""
    seen = []

    def inside():
        dialog = QApplication.activeModalWidget()
        seen.append((dialog.objectName(), dialog.contents.currentData())
                    if dialog is not None else None)
        if dialog is not None:
            dialog.accept() if answer(dialog) else dialog.reject()

    w.activateWindow()  # (a dialog closed leaves it inactive offscreen: no shortcuts)
    qtbot.waitUntil(w.isActiveWindow)
    w.canvas.setFocus()
    QTimer.singleShot(0, inside)
    qtbot.keyClick(w.canvas, key)
    qtbot.waitUntil(lambda: bool(seen))  # (no dialog: the timer fires after the key)
    return seen


# -- 1. Delete on the Background: Fill, Content-Aware ----------------------------------------

def test_delete_on_the_background_opens_fill_content_aware_backspace_paints(
        w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    before = layer.pixels.copy()
    box = Box(20, 14, 12, 10)
    w.doc.set_selection(box)
    steps = w.doc.history.count
    # Delete: Fill opens with Content-Aware chosen; Cancel changes nothing.
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Delete, lambda d: False)
    assert seen == [("FillDialog", "content_aware")]
    assert w.doc.history.count == steps and np.array_equal(layer.pixels, before)
    assert w.doc.selection == box
    # Even when Fill was last used with another contents (Photoshop CC opens Content-Aware).
    w.settings.set_value("fill/contents", "white")
    started = []
    w.jobs.job_started.connect(started.append)
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Delete, lambda d: True)
    assert seen == [("FillDialog", "content_aware")]
    qtbot.waitUntil(lambda: bool(started) and not w.jobs.busy, timeout=180000)  # (JIT, load)
    assert started[0].state == FINISHED and w.test_errors == []
    assert w.doc.history.count == steps + 1
    assert w.doc.history.undo_name() == "Content-Aware Fill"
    inside = layer.pixels[box.slices()]
    assert not np.array_equal(inside, before[box.slices()])
    assert not (inside[..., :3] == GREEN).all(axis=-1).any()  # from the picture, not green
    assert (layer.pixels[..., 3] == 255).all()
    outside = np.ones((H, W), bool)
    outside[box.slices()] = False
    assert np.array_equal(layer.pixels[outside], before[outside])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    # Backspace: the background colour at once, no dialog, one "Clear" step.
    seen = key_in_dialog(qtbot, w, Qt.Key.Key_Backspace, lambda d: False)
    assert seen == [None]
    assert (layer.pixels[box.slices()] == (*GREEN, 255)).all()
    assert np.array_equal(layer.pixels[outside], before[outside])
    assert w.doc.history.undo_name() == "Clear"


def test_delete_on_a_plain_layer_still_clears(opened, qtbot):
    doc = opened.doc
    (layer,) = doc.layers()
    assert not layer.is_background
    box = Box(10, 8, 30, 20)
    doc.set_selection(box)
    seen = key_in_dialog(qtbot, opened, Qt.Key.Key_Delete, lambda d: False)
    assert seen == [None]  # no dialog
    assert doc.history.undo_name() == "Clear" and not layer.pixels[box.slices()].any()
