"""The editor driven as a user would: open, paste, select, move, transform, paint, blend,
reorder, undo/redo each, save as PSD and reopen."""
from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication

from editor.model import Group, Layer
from editor.model.render import composite_document
from editor.ui.qimage import rgba_to_qimage
from engine.box import Box

from ui_helpers import drag, image_drag, image_pos, make_window, open_photo, photo

W, H = 96, 64


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def opened(window, qtbot, tmp_path, monkeypatch):
    """The window with a PNG opened through File > Open."""
    png = open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    window.test_png = png
    return window


def undo_redo(window, check_before, check_after):
    """Undo restores the state before a step, redo the state after it."""
    doc = window.doc
    window.actions["undo"].trigger()
    check_before(doc)
    window.actions["redo"].trigger()
    check_after(doc)


def test_open_png_shows_it(opened, qtbot):
    doc = opened.doc
    assert (doc.width, doc.height) == (W, H)
    assert [layer.name for layer in doc.layers()] == ["cat"]
    expected = photo(W, H)
    assert np.array_equal(next(doc.layers()).pixels, expected)
    assert opened.windowTitle().startswith("cat.png — ")
    assert opened.settings.recent_files()[0] == opened.test_png
    # The canvas paints the composite: at 100 % a screen pixel is an image pixel.
    canvas = opened.canvas
    opened.actions["actual"].trigger()
    canvas.repaint()
    grab = canvas.grab().toImage()
    p = image_pos(canvas, 10, 20)
    assert QColor(grab.pixel(p)).getRgb()[:3] == tuple(int(v) for v in expected[20, 10, :3])


def test_paste_from_clipboard_adds_layer_at_view_centre(opened, qtbot):
    doc = opened.doc
    red = np.zeros((10, 20, 4), np.uint8)
    red[..., 0] = 255
    red[..., 3] = 255
    QGuiApplication.clipboard().setImage(rgba_to_qimage(red))
    opened.canvas.fit()
    centre = opened.canvas.view_center_image()
    opened.actions["paste"].trigger()
    layers = list(doc.layers())
    assert len(layers) == 2 and layers[1].name == "Pasted Layer"
    pasted = layers[1]
    assert np.array_equal(pasted.pixels, red)
    assert abs(pasted.x + 10 - centre.x()) <= 1 and abs(pasted.y + 5 - centre.y()) <= 1
    assert doc.active is pasted
    assert opened.windowTitle().startswith("cat.png* — ")
    undo_redo(opened, lambda d: len(list(d.layers())) == 1 or pytest.fail("undo"),
              lambda d: len(list(d.layers())) == 2 or pytest.fail("redo"))


def test_marquee_draw_adjust_and_deselect(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert opened.tools.current.id == "marquee"
    image_drag(qtbot, canvas, [(10, 10), (25, 20), (40, 30)])
    assert doc.selection == Box(10, 10, 30, 20)
    # Drag the bottom-right handle.
    image_drag(qtbot, canvas, [(40, 30), (45, 33), (50, 35)])
    assert doc.selection == Box(10, 10, 40, 25)
    undo_redo(opened, lambda d: d.selection == Box(10, 10, 30, 20) or pytest.fail("undo"),
              lambda d: d.selection == Box(10, 10, 40, 25) or pytest.fail("redo"))
    # Drag inside moves it.
    image_drag(qtbot, canvas, [(20, 20), (22, 21), (25, 22)])
    assert doc.selection == Box(15, 12, 40, 25)
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection is None
    undo_redo(opened, lambda d: d.selection == Box(15, 12, 40, 25) or pytest.fail("undo"),
              lambda d: d.selection is None or pytest.fail("redo"))


def test_move_layer_with_mouse_and_arrows(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 16, "astronaut"), "Astronaut", 30, 20)
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    steps = doc.history.count
    image_drag(qtbot, canvas, [(35, 25), (38, 27), (42, 30)])
    assert (layer.x, layer.y) == (37, 25)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Move"
    undo_redo(opened, lambda d: (layer.x, layer.y) == (30, 20) or pytest.fail("undo"),
              lambda d: (layer.x, layer.y) == (37, 25) or pytest.fail("redo"))
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert (layer.x, layer.y) == (38, 25)
    qtbot.keyClick(canvas, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert (layer.x, layer.y) == (38, 35)
    undo_redo(opened, lambda d: (layer.x, layer.y) == (38, 25) or pytest.fail("undo"),
              lambda d: (layer.x, layer.y) == (38, 35) or pytest.fail("redo"))
    # The canvas shows the layer where it now is.
    opened.actions["actual"].trigger()
    canvas.repaint()
    grab = canvas.grab().toImage()
    p = image_pos(canvas, 38 + 5, 35 + 7)
    assert QColor(grab.pixel(p)).getRgb()[:3] == tuple(int(v) for v in layer.pixels[7, 5, :3])


def test_free_transform_with_handles(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(20, 10, "astronaut")
    layer = doc.add_image(pixels, "Astronaut", 30, 20)
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert opened.tools.mode is not None and opened.tools.current.id == "transform"
    # Right-middle handle from x=50 to x=70: twice as wide, left edge fixed.
    image_drag(qtbot, canvas, [(50, 25), (60, 25), (70, 25)])
    # The bottom-right corner keeps the ratio (as current Photoshop does) ...
    image_drag(qtbot, canvas, [(70, 30), (75, 40), (80, 40)])
    placement = opened.tools.current.placement
    assert abs(placement.sx / placement.sy - 2.0) < 1e-6
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one handle drag back
    # ... and Shift frees it.
    image_drag(qtbot, canvas, [(70, 30), (75, 40), (80, 40)], modifier=Qt.KeyboardModifier.ShiftModifier)
    placement = opened.tools.current.placement
    assert (round(placement.sx, 6), round(placement.sy, 6)) == (2.5, 2.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    placement = opened.tools.current.placement
    assert (round(placement.sx, 6), placement.sy) == (2.0, 1.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert (layer.x, layer.y, layer.width, layer.height) == (30, 20, 40, 10)
    assert doc.history.undo_name() == "Free Transform"
    # Resampled, not stretched by nearest neighbour: columns mix their neighbours.
    assert not np.array_equal(layer.pixels[:, 0::2], layer.pixels[:, 1::2])
    after = layer.pixels.copy()
    undo_redo(opened, lambda d: np.array_equal(layer.pixels, pixels) or pytest.fail("undo"),
              lambda d: np.array_equal(layer.pixels, after) or pytest.fail("redo"))


def test_free_transform_rotate_flip_and_cancel(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(20, 10, "astronaut")
    layer = doc.add_image(pixels, "Astronaut", 30, 20)
    canvas.set_zoom(4.0)
    steps = doc.history.count
    opened.actions["free_transform"].trigger()
    # Outside a corner: rotate by 90 degrees about the centre (40, 25).
    image_drag(qtbot, canvas, [(55, 25), (52, 33), (40, 40)])
    opened.actions["flip_h"].trigger()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert opened.tools.mode is None
    assert doc.history.count == steps and np.array_equal(layer.pixels, pixels)
    opened.actions["free_transform"].trigger()
    image_drag(qtbot, canvas, [(55, 25), (52, 33), (40, 40)])
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert (layer.width, layer.height) == (10, 20)  # a quarter turn
    assert doc.history.undo_name() == "Free Transform"
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, pixels)


def test_free_transform_of_a_group_moves_its_layers_as_one_picture(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    left = doc.add_image(photo(20, 10, "astronaut"), "Left", 30, 20)
    right = doc.add_image(photo(10, 10, "coffee"), "Right", 60, 30)
    group = doc.group([left, right], "Pair")
    doc.set_active(group)
    originals = [(layer, layer.x, layer.y, layer.pixels.copy()) for layer in (left, right)]
    canvas.set_zoom(4.0)
    steps = doc.history.count

    # Flip from the menu, commit with Enter: the pair mirrors inside its frame (30..70).
    opened.actions["free_transform"].trigger()
    tool = opened.tools.current
    assert tool.id == "transform" and (tool.frame.x, tool.frame.y, tool.w, tool.h) == (30, 20, 40, 20)
    opened.actions["flip_h"].trigger()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert (left.x, left.y, left.width, left.height) == (50, 20, 20, 10)
    assert (right.x, right.y, right.width, right.height) == (30, 30, 10, 10)
    for layer, _, _, pixels in originals:
        assert np.abs(layer.pixels.astype(int) - pixels[:, ::-1]).max() <= 1
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Free Transform"
    opened.actions["undo"].trigger()
    for layer, x, y, pixels in originals:
        assert (layer.x, layer.y) == (x, y) and np.array_equal(layer.pixels, pixels)

    # The right-middle handle from x=70 to x=110: the frame twice as wide, its left edge fixed;
    # each layer scales and keeps its place in the frame.
    opened.actions["free_transform"].trigger()
    image_drag(qtbot, canvas, [(70, 30), (90, 30), (110, 30)])
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert (left.x, left.y, left.width, left.height) == (30, 20, 40, 10)
    assert (right.x, right.y, right.width, right.height) == (90, 30, 20, 10)
    opened.actions["undo"].trigger()
    assert all(np.array_equal(layer.pixels, pixels) for layer, _, _, pixels in originals)

    # Rotate 90° clockwise from the menu: the pair turns about its frame's centre (50, 30),
    # each layer exactly (no resampling), in one step.
    opened.actions["rotate_cw"].trigger()
    assert (left.x, left.y, left.width, left.height) == (50, 10, 10, 20)
    assert (right.x, right.y, right.width, right.height) == (40, 40, 10, 10)
    assert np.array_equal(left.pixels, np.rot90(originals[0][3], -1))
    assert doc.history.undo_name() == "Rotate 90° Clockwise"
    opened.actions["undo"].trigger()
    assert (left.x, left.y, right.x, right.y) == (30, 20, 60, 30)

    # A locked layer inside stops it with a message naming the layer.
    doc.set_locked(right, True)
    opened.actions["free_transform"].trigger()
    assert opened.tools.mode is None
    assert opened.test_errors and "Right" in opened.test_errors[-1][1]


def test_brush_stroke_is_one_step(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = next(doc.layers())
    before = layer.pixels.copy()
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    brush = opened.tools.current
    brush.set_size(6)
    brush.set_hardness(1.0)
    opened.set_foreground(QColor(255, 0, 0))
    steps = doc.history.count
    image_drag(qtbot, canvas, [(10, 30), (20, 30), (30, 30), (40, 31), (60, 32)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Brush Tool"
    after = layer.pixels.copy()
    assert tuple(after[30, 25, :3]) == (255, 0, 0) and tuple(after[31, 50, :3]) == (255, 0, 0)
    assert np.array_equal(after[:20], before[:20])  # far from the stroke: untouched
    undo_redo(opened, lambda d: np.array_equal(layer.pixels, before) or pytest.fail("undo"),
              lambda d: np.array_equal(layer.pixels, after) or pytest.fail("redo"))
    # ] makes the brush larger, [ smaller.
    qtbot.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert brush.size == 7
    qtbot.keyClick(canvas, Qt.Key.Key_BracketLeft)
    assert brush.size == 6
    # The eraser clears to transparency.
    qtbot.keyClick(canvas, Qt.Key.Key_E)
    image_drag(qtbot, canvas, [(10, 50), (40, 50)])
    assert layer.pixels[50, 25, 3] == 0
    assert doc.history.undo_name() == "Eraser Tool"


def test_opacity_slider_drag_and_blend_mode(opened, qtbot):
    doc = opened.doc
    layer = doc.add_image(photo(40, 30, "astronaut"), "Top", 10, 10)
    panel = opened.layers_panel
    slider = panel.opacity
    steps = doc.history.count
    handle_y = slider.height() // 2
    start = QPoint(slider.width() - 6, handle_y)  # the handle sits at the right end (100 %)
    drag(qtbot, slider, [start, QPoint(slider.width() // 2, handle_y), QPoint(slider.width() // 3, handle_y)])
    assert layer.opacity < 150
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Opacity"
    dragged = layer.opacity
    undo_redo(opened, lambda d: layer.opacity == 255 or pytest.fail("undo"),
              lambda d: layer.opacity == dragged or pytest.fail("redo"))
    # Blend mode: the keyboard moves the box to the next mode (Dissolve, as in
    # Photoshop's list), as a user would.
    panel.blend.setFocus()
    qtbot.keyClick(panel.blend, Qt.Key.Key_Down)
    assert layer.blend_mode == "dissolve"
    assert doc.history.undo_name() == "Blending Change"
    undo_redo(opened, lambda d: layer.blend_mode == "normal" or pytest.fail("undo"),
              lambda d: layer.blend_mode == "dissolve" or pytest.fail("redo"))
    assert panel.blend.currentData() == "dissolve"


def test_reorder_by_drag_in_layers_panel(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(photo(8, 8), "A", 0, 0)
    b = doc.add_image(photo(8, 8, "astronaut"), "B", 4, 4)
    bottom = doc.root.children[0]
    rows = opened.layers_panel.list
    qtbot.waitUntil(lambda: rows.row_of(b) == 0)
    # Drag B (top row) to below the bottom row.
    start = rows.row_rect(b).center()
    end = rows.row_rect(bottom).bottomLeft() + QPoint(120, -3)
    drag(qtbot, rows, [start, start + QPoint(0, 8), end])
    assert doc.root.children == [b, bottom, a]
    assert doc.history.undo_name() == "Reorder Layers"
    undo_redo(opened, lambda d: d.root.children == [bottom, a, b] or pytest.fail("undo"),
              lambda d: d.root.children == [b, bottom, a] or pytest.fail("redo"))
    # Into a group and out again.
    opened.actions["new_group"].trigger()
    group = doc.active
    assert isinstance(group, Group)
    qtbot.waitUntil(lambda: rows.row_of(group) >= 0)
    drag(qtbot, rows, [rows.row_rect(a).center(), rows.row_rect(a).center() + QPoint(0, 8),
                       rows.row_rect(group).center()])
    assert a.parent is group
    qtbot.waitUntil(lambda: rows.row_of(a) >= 0)
    drag(qtbot, rows, [rows.row_rect(a).center(), rows.row_rect(a).center() + QPoint(0, 8),
                       rows.row_rect(group).topLeft() + QPoint(120, 3)])
    assert a.parent is doc.root and doc.root.children[group.index() + 1] is a  # just above it


def test_save_psd_and_reopen(opened, qtbot, tmp_path, monkeypatch):
    doc = opened.doc
    top = doc.add_image(photo(30, 20, "astronaut"), "Astronaut 猫", 50, 30)
    doc.set_opacity(top, 128)
    doc.set_blend_mode(top, "screen")
    doc.translate(top, 3, -2)
    group = doc.group([top], "Stuff")
    assert opened.windowTitle().startswith("cat.png*")
    target = str(tmp_path / "work.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    opened.actions["save"].trigger()  # a PNG document: Save asks for a PSD name
    assert opened.test_errors == []
    assert doc.path == target and not doc.modified
    assert opened.windowTitle().startswith("work.psd — ")
    expected = composite_document(doc)
    opened.actions["close"].trigger()
    assert opened.sessions == []
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [target])
    opened.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(opened.sessions) == 1, timeout=10000)
    again = opened.doc
    assert [n.name for n in again.nodes()] == ["cat", "Stuff", "Astronaut 猫"]
    layer = again.find_by_name("Astronaut 猫")
    assert (layer.x, layer.y, layer.opacity, layer.blend_mode) == (53, 28, 128, "screen")
    assert np.array_equal(layer.pixels, top.pixels)
    assert np.array_equal(composite_document(again), expected)
    assert isinstance(again.find_by_name("Stuff"), Group) and group.name == "Stuff"


def test_layer_commands_from_menus(opened, qtbot):
    doc = opened.doc
    base = next(doc.layers())
    opened.actions["duplicate"].trigger()
    copy = doc.active
    assert isinstance(copy, Layer) and copy.name == "cat copy"
    opened.actions["new_layer"].trigger()
    assert len(list(doc.layers())) == 3
    opened.actions["delete_layer"].trigger()
    assert len(list(doc.layers())) == 2
    doc.set_active(copy)
    opened.actions["merge_down"].trigger()
    assert list(doc.layers()) == [base]
    opened.actions["group"].trigger()
    assert isinstance(doc.root.children[0], Group)
    opened.actions["ungroup"].trigger()
    assert doc.root.children == [base]
    opened.actions["flip_h"].trigger()
    assert np.array_equal(base.pixels, photo(W, H)[:, ::-1])
    for _ in range(7):
        opened.actions["undo"].trigger()
    assert doc.history.index == 0 and np.array_equal(base.pixels, photo(W, H))
    # The History panel: clicking a row goes back to it.
    opened.history_panel._rebuild()
    item = opened.history_panel.list.item(2)
    qtbot.mouseClick(opened.history_panel.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=opened.history_panel.row_rect(2).center())
    assert doc.history.index == 2 and item is not None


def test_move_a_group_is_one_step(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    a = doc.add_image(photo(10, 10), "A", 5, 5)
    b = doc.add_image(photo(10, 10, "astronaut"), "B", 40, 30)
    group = doc.group([a, b], "Pair")
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    steps = doc.history.count
    image_drag(qtbot, canvas, [(20, 20), (22, 21), (24, 23)])
    assert (a.x, a.y, b.x, b.y) == (9, 8, 44, 33)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Move"
    undo_redo(opened, lambda d: (a.x, b.y) == (5, 30) or pytest.fail("undo"),
              lambda d: (a.x, b.y) == (9, 33) or pytest.fail("redo"))
    assert doc.active is group


def test_eyedropper_and_alt_click_pick_colours(opened, qtbot):
    canvas = opened.canvas
    canvas.set_zoom(4.0)
    canvas.setFocus()
    expected = photo(W, H)
    qtbot.keyClick(canvas, Qt.Key.Key_I)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 12.5, 20.5))
    assert opened.foreground.getRgb()[:3] == tuple(int(v) for v in expected[20, 12, :3])
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     image_pos(canvas, 40.5, 30.5))
    assert opened.foreground.getRgb()[:3] == tuple(int(v) for v in expected[30, 40, :3])
    assert not opened.doc.modified  # picking a colour changes nothing
    qtbot.keyClick(canvas, Qt.Key.Key_X)
    assert opened.background.getRgb()[:3] == tuple(int(v) for v in expected[30, 40, :3])


def test_rotate_quarter_and_trim(opened, qtbot):
    doc = opened.doc
    pixels = photo(20, 10, "astronaut")
    pad = np.zeros((30, 40, 4), np.uint8)
    pad[5:15, 10:30] = pixels
    layer = doc.add_image(pad, "Padded", 0, 0)
    opened.actions["trim"].trigger()
    assert (layer.x, layer.y, layer.width, layer.height) == (10, 5, 20, 10)
    opened.actions["rotate_cw"].trigger()
    assert np.array_equal(layer.pixels, np.rot90(pixels, -1))
    assert (layer.x, layer.y) == (15, 0)  # about the layer's centre (20, 10)
    opened.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, pixels)


def test_the_keyboard_shortcuts_table_is_made_from_the_actions(qtbot, tmp_path, monkeypatch):
    from PySide6.QtGui import QKeySequence

    from editor.ui.dialogs import shortcuts_html

    w = make_window(qtbot, tmp_path, monkeypatch)
    actions = [*w.tool_actions.values(), *w.actions.values()]
    table = shortcuts_html(actions)
    native = QKeySequence.SequenceFormat.NativeText
    for name in ("quick_mask", "decompose", "free_transform", "undo"):
        keys = w.actions[name].shortcut().toString(native)
        assert keys and f"<b>{keys}" in table, name  # Q and Alt+Ctrl+D were missing once
    # No menu mnemonic shows ("&Layer"); a real ampersand does ("Black & White").
    assert "Quick Mask" in table and "Decompose" in table and "&amp;" in table
    assert re.search(r"&amp;\S", table) is None and "Black &amp; White" in table
