"""Bugs a new user met in a real window (issue 16), driven as that user would."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from editor.model import Document, Group, Layer
from engine.box import Box

from ui_helpers import drag, image_drag, make_window, photo, write_png

W, H = 96, 64


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def opened(window, qtbot, tmp_path, monkeypatch):
    png = write_png(tmp_path / "cat.png", photo(W, H))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    window.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(window.sessions) == 1, timeout=10000)
    return window


def test_reordering_keeps_the_layer_active(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(photo(8, 8), "A", 0, 0)
    b = doc.add_image(photo(8, 8, "astronaut"), "B", 4, 4)
    bottom = doc.root.children[0]
    panel = opened.layers_panel
    rows = panel.list
    qtbot.waitUntil(lambda: rows.row_of(b) == 0)
    doc.set_blend_mode(b, "multiply")
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert doc.root.children == [bottom, b, a] and doc.active is b
    qtbot.keyClick(opened.canvas, Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.ControlModifier)
    assert doc.root.children == [b, bottom, a] and doc.active is b  # a second Ctrl+[ works
    qtbot.waitUntil(lambda: rows.row_of(b) == 2)
    assert panel.blend.isEnabled() and panel.blend.currentData() == "multiply"
    opened.actions["undo"].trigger()
    assert doc.root.children == [bottom, b, a] and doc.active is b
    # A drag in the panel too.
    start = rows.row_rect(a).center()
    drag(qtbot, rows, [start, start + QPoint(0, 8), rows.row_rect(bottom).bottomLeft() + QPoint(120, -3)])
    assert doc.root.children == [a, bottom, b] and doc.active is a
    assert panel.blend.isEnabled() and panel.blend.currentData() == "normal"


def test_new_names_count_from_the_highest_number():
    doc = Document(10, 10)
    doc.add_layer(Layer("Background"))
    assert doc.new_layer().name == "Layer 1"
    assert doc.new_layer().name == "Layer 2"
    assert doc.next_layer_name("Group") == "Group 1"
    doc.add_layer(Group("Group 4"))
    assert doc.next_layer_name("Group") == "Group 5"
    assert doc.next_layer_name() == "Layer 3"


def test_marquee_readout_follows_deselect_and_documents(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    readout = opened.tools.current._readout
    image_drag(qtbot, canvas, [(10, 10), (25, 20), (40, 30)])
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection is None and readout.text() == "No selection"
    opened.actions["undo"].trigger()
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"
    opened.add_session(Document(50, 40), "Other")
    assert readout.text() == "No selection"
    opened.show_session(opened.sessions[0])
    assert readout.text() == "X 10  Y 10   W 30  H 20 px"
