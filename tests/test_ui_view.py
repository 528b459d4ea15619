"""View: the zoom field, canvas scroll bars, rulers, guides dragged from a ruler, and
snapping of the marquee and the move tool to guides, the canvas and other layers."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from engine.box import Box

from ui_helpers import drag, image_drag, image_pos, photo

W, H = 96, 64



def test_zoom_field_and_scroll_bars(opened, qtbot):
    canvas, field = opened.canvas, opened.view_commands.zoom_field
    assert field.text() == f"{canvas.zoom * 100:.4g} %"
    field.setText("1600")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert canvas.zoom == 16.0 and field.text() == "1600 %"
    bars = canvas.chrome
    assert bars.hbar.isVisible() and bars.vbar.isVisible()  # 1536 x 1024 px: larger than the view
    centre = canvas.view_center_image()
    bars.hbar.setValue(bars.hbar.value() + 80)  # the view moves right by 80 px = 5 image px
    assert abs(canvas.view_center_image().x() - (centre.x() + 5)) < 0.1
    value = bars.hbar.value()
    canvas.pan_by(-40, 0)  # a pan (Hand, Space+drag) moves the bar with it
    assert bars.hbar.value() == value + 40
    opened.actions["fit"].trigger()
    assert not bars.hbar.isVisible()


def test_guides_from_the_ruler_and_snapping(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    opened.actions["rulers"].trigger()
    chrome = canvas.chrome
    assert chrome.top.isVisible() and opened.actions["rulers"].isChecked()
    # Drag a vertical guide out of the left ruler to x = 30.
    start = chrome.left.rect().center()
    end = image_pos(canvas, 30, 20)
    drag(qtbot, chrome.left, [start, chrome.left.mapFrom(canvas, end)])
    assert chrome.guides == [(False, 30.0)]
    opened.actions["snap"].trigger()  # on, as it is by default (the tests' windows start off)
    assert opened.view_commands.options.snap
    # The marquee's corner snaps to it from a pixel away.
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    opened.tools.current.set_shape("rect")
    image_drag(qtbot, canvas, [(10, 10), (20, 20), (31, 30)])
    assert doc.selection == Box(10, 10, 20, 20)
    # The move tool puts a layer's edge on the guide too, and on the canvas edge.
    assert not opened.view_commands.options.snap_layers  # other layers' edges: when asked
    top = doc.add_image(photo(20, 10, "astronaut"), "Top", 5, 40)
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(10, 45), (20, 45), (34, 45)])  # left edge 5 -> 29: snaps to 30
    assert top.x == 30
    image_drag(qtbot, canvas, [(40, 45), (40, 50), (40, 58)])  # bottom 50 -> 63: snaps to 64
    assert top.bounds().y1 == H
    # Snap to Layers: the top edge lands on another layer's bottom edge.
    opened.actions["snap_layers"].trigger()
    doc.add_image(photo(10, 10), "Mark", 70, 0)  # its bottom edge at y = 10
    doc.set_active(top)
    image_drag(qtbot, canvas, [(40, 58), (40, 40), (40, 13)])  # top 54 -> 9: snaps to 10
    assert top.y == 10
    image_drag(qtbot, canvas, [(40, 15), (40, 40), (40, 58)])  # bottom 20 -> 63: to 64
    assert top.bounds().y1 == H
    # Snapping off: the moves are exact.
    opened.actions["snap"].trigger()
    image_drag(qtbot, canvas, [(40, 55), (40, 52), (40, 50)])
    assert top.bounds().y1 == H - 5
    # Dragging the guide back onto the ruler is not possible from the canvas; Clear Guides.
    opened.actions["clear_guides"].trigger()
    assert chrome.guides == []


def test_dragging_a_guide_back_onto_its_ruler_drops_it(opened, qtbot):
    canvas = opened.canvas
    opened.actions["rulers"].trigger() if not canvas.chrome.top.isVisible() else None
    chrome = canvas.chrome
    start = chrome.top.rect().center()
    drag(qtbot, chrome.top, [start, start + QPoint(0, 3)])  # released on the ruler itself
    assert chrome.guides == []


def test_guides_are_undoable_document_state(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    opened.actions["rulers"].trigger() if not canvas.chrome.top.isVisible() else None
    chrome = canvas.chrome

    def new_guide(ruler, x, y):
        drag(qtbot, ruler, [ruler.rect().center(), ruler.mapFrom(canvas, image_pos(canvas, x, y))])

    new_guide(chrome.left, 30, 20)
    assert doc.guides == ((False, 30.0),) and doc.history.undo_name() == "New Guide"
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.guides == () and chrome.guides == []
    opened.actions["redo"].trigger()
    assert doc.guides == ((False, 30.0),)
    new_guide(chrome.top, 10, 12)
    assert doc.guides == ((False, 30.0), (True, 12.0))
    # Clear Guides is one step, and Ctrl+Z brings both back.
    opened.actions["clear_guides"].trigger()
    assert doc.guides == () and doc.history.undo_name() == "Clear Guides"
    opened.actions["undo"].trigger()
    assert doc.guides == ((False, 30.0), (True, 12.0))
    # Clearing no guides records nothing.
    opened.actions["clear_guides"].trigger()
    opened.actions["clear_guides"].trigger()
    assert doc.history.undo_name() == "Clear Guides"
    opened.actions["undo"].trigger()
    assert len(doc.guides) == 2
    # The Move tool drags a guide (not the layer): one step; onto the ruler removes it.
    layer = doc.add_image(photo(20, 20), "Photo", 20, 20)
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(30, 25), (35, 25), (40, 25)])
    assert doc.guides == ((True, 12.0), (False, 40.0)) and (layer.x, layer.y) == (20, 20)
    assert doc.history.undo_name() == "Move Guide"
    opened.actions["undo"].trigger()
    assert doc.guides == ((False, 30.0), (True, 12.0))
    drag(qtbot, canvas, [image_pos(canvas, 30, 25), image_pos(canvas, 20, 25), QPoint(5, 100)])
    assert doc.guides == ((True, 12.0),) and doc.history.undo_name() == "Delete Guide"
