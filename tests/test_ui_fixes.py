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


def _wheel(widget, delta=-120):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, delta),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_panels_keep_their_rows_when_generate_comes_to_the_front(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch, size=(1600, 1000))
    doc = Document(200, 150)
    doc.add_layer(Layer("Background", photo(200, 150)))
    doc.new_layer()
    window.add_session(doc, "two layers")
    docks, panel = window.docks, window.generate_panel
    qtbot.wait(600)  # the user opens the tab a while after the window appeared
    assert panel.choices is None and panel.model.currentText() == "Looking for models…"
    layers_h, history_h = docks["layers"].height(), docks["history"].height()
    assert layers_h >= 300 and history_h >= 150
    docks["generate"].raise_()
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=3000)
    assert panel.model.count() > 1 and panel.model.isEnabled()  # filled without pressing Generate
    qtbot.wait(50)
    assert abs(docks["layers"].height() - layers_h) <= 2 and abs(docks["history"].height() - history_h) <= 2
    # Both layers' rows show, and the Generate button is on screen inside its dock.
    rows = window.layers_panel.list
    scroll = window.layers_panel.scroll.viewport()
    assert scroll.height() >= 2 * 44 and rows.row_of(doc.root.children[0]) == 1
    button = panel.generate_button
    top_left = button.mapTo(docks["generate"], QPoint(0, 0))
    assert button.isVisible() and 0 <= top_left.y() and \
        top_left.y() + button.height() <= docks["generate"].height()
    # The wheel over the Seed box scrolls the panel, not the seed.
    seed = panel.seed.value()
    bar = panel.scroll.verticalScrollBar()
    before = bar.value()
    _wheel(panel.seed)
    assert panel.seed.value() == seed
    assert bar.maximum() == 0 or bar.value() > before
    docks["properties"].raise_()
    qtbot.wait(50)
    assert docks["layers"].height() >= 300
    # A slightly wrong splitter drag, then Reset Panels gives the default heights back.
    window.resizeDocks([docks["history"], docks["layers"]], [500, 60], Qt.Orientation.Vertical)
    qtbot.wait(50)
    assert docks["layers"].height() < 250
    window.actions["reset_panels"].trigger()
    qtbot.wait(50)
    assert docks["layers"].height() >= 300 and docks["history"].height() >= 150
