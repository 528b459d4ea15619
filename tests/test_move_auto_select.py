"""The Move tool's Auto-Select: which layer has pixels under the cursor (`pick`), and the
tool taking it at the press, with Ctrl turning it the other way, by layer or by group, and
the idle caches made for the layer under the resting cursor."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox

from editor.model import Document, mask_ops, pick
from editor.model.layers import LayerMask
from ui_helpers import image_drag, image_pos, make_window


def square(size: int, colour) -> np.ndarray:
    out = np.zeros((size, size, 4), np.uint8)
    out[...] = (*colour, 255)
    return out


def stack():
    """Background, then A (50,50)-(150,150), then B (100,100)-(200,200) over it."""
    doc = Document(300, 300)
    doc.add_image(square(300, (200, 200, 200)), "Background", 0, 0)
    a = doc.add_image(square(100, (255, 0, 0)), "A", 50, 50)
    b = doc.add_image(square(100, (0, 0, 255)), "B", 100, 100)
    return doc, a, b


def test_topmost_layer_with_pixels_through_its_masks_and_groups():
    doc, a, b = stack()
    background = doc.root.children[0]
    assert pick.layer_at(doc, 120, 120) is b  # both there: the top one
    assert pick.layer_at(doc, 60, 60) is a
    assert pick.layer_at(doc, 10, 10) is background
    assert pick.layer_at(doc, -1, 10) is None and pick.layer_at(doc, 300, 10) is None
    # Transparent pixels are not pixels: a hole in B shows A.
    b.pixels[10:20, 10:20, 3] = 0
    assert pick.layer_at(doc, 115, 115) is a
    # A layer mask hiding B there counts too; its opacity does not.
    doc.set_opacity(b, 10)
    assert pick.layer_at(doc, 145, 145) is b
    mask_ops.add_mask(doc, b, "reveal_all")
    m = b.mask
    m.pixels[140 - m.y:150 - m.y, 140 - m.x:150 - m.x] = 0
    assert pick.layer_at(doc, 145, 145) is a
    # Hidden layers are never taken; nor layers in a hidden group, or under a group's mask.
    doc.set_visible(a, False)
    assert pick.layer_at(doc, 60, 60) is background
    doc.set_visible(a, True)
    group = doc.group([a], "Group")
    assert pick.layer_at(doc, 60, 60) is a and pick.group_at(doc, 60, 60) is group
    assert pick.group_at(doc, 150, 120) is b  # outside any group: the layer itself
    group.mask = LayerMask(np.zeros((300, 300), np.uint8), 0, 0)
    assert pick.layer_at(doc, 60, 60) is background


def test_a_clipped_layer_has_pixels_only_where_its_base_has():
    doc, a, b = stack()
    mask_ops.set_clipping(doc, b, True)  # B clipped to A: drawn only over A
    assert pick.layer_at(doc, 120, 120) is b
    assert pick.layer_at(doc, 170, 170) is doc.root.children[0]  # B's pixels, A's none


def window_with(qtbot, tmp_path, monkeypatch, doc):
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc.history.clear()
    w.add_session(doc, "auto")
    canvas = w.canvas
    qtbot.waitUntil(lambda: canvas.paint_count > 0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    return w, canvas


def test_auto_select_moves_the_layer_under_the_cursor_and_ctrl_turns_it_the_other_way(
        qtbot, tmp_path, monkeypatch):
    doc, a, b = stack()
    doc.set_active(b)
    w, canvas = window_with(qtbot, tmp_path, monkeypatch, doc)
    tool = w.tools.current
    assert tool.id == "move" and not tool.auto_select  # off at first, as in Photoshop
    # Off: a drag over A moves the active layer, B.
    image_drag(qtbot, canvas, [(60, 60), (70, 65)])
    assert (b.x, b.y) == (110, 105) and (a.x, a.y) == (50, 50)
    # Ctrl at the press: that drag takes A.
    image_drag(qtbot, canvas, [(60, 60), (65, 60)], modifier=Qt.KeyboardModifier.ControlModifier)
    assert doc.active is a and (a.x, a.y) == (55, 50)
    # Turned on in the options bar (and remembered): a drag over B takes B again.
    box = tool.options().findChild(QCheckBox, "MoveAutoSelect")
    box.setChecked(True)
    assert w.settings.value("tools/move/auto_select", False, bool)
    image_drag(qtbot, canvas, [(150, 150), (150, 160)])
    assert doc.active is b and (b.x, b.y) == (110, 115)
    # Where no layer has pixels, the active layer stays and moves.
    b.pixels[...] = 0
    doc.root.children[0].pixels[:5, :5, 3] = 0
    image_drag(qtbot, canvas, [(2, 2), (4, 2)])
    assert doc.active is b and (b.x, b.y) == (112, 115)
    # Each drag is one step: undo puts B back where the drag began.
    doc.history.undo()
    assert (b.x, b.y) == (110, 115)


def test_auto_select_by_group_moves_the_whole_group(qtbot, tmp_path, monkeypatch):
    doc, a, b = stack()
    group = doc.group([a], "Group")
    doc.set_active(b)
    w, canvas = window_with(qtbot, tmp_path, monkeypatch, doc)
    tool = w.tools.current
    tool._set("auto_select", True)
    tool._set("auto_select_groups", True)
    image_drag(qtbot, canvas, [(60, 60), (80, 60)])
    assert doc.active is group and (a.x, a.y) == (70, 50) and (b.x, b.y) == (100, 100)


def test_the_layer_under_the_resting_cursor_is_prepared_for_its_drag(qtbot, tmp_path,
                                                                     monkeypatch):
    doc, a, b = stack()
    doc.set_active(b)
    w, canvas = window_with(qtbot, tmp_path, monkeypatch, doc)
    renderer = w.session.renderer
    w.tools.current._set("auto_select", True)
    QTest.mouseMove(canvas, image_pos(canvas, 60, 60))
    qtbot.waitUntil(lambda: renderer._prepared is not None and renderer._prepared.layer is a
                    and renderer._prepared.done, timeout=3000)
    # Over B, B's caches are made instead.
    QTest.mouseMove(canvas, image_pos(canvas, 150, 150) + QPoint(0, 0))
    qtbot.waitUntil(lambda: renderer._prepared is not None and renderer._prepared.layer is b
                    and renderer._prepared.done, timeout=3000)
    # Auto-Select off: the active layer's, wherever the cursor rests.
    w.tools.current._set("auto_select", False)
    doc.set_active(doc.root.children[0])
    QTest.mouseMove(canvas, image_pos(canvas, 60, 61))
    qtbot.waitUntil(lambda: renderer._prepared is not None
                    and renderer._prepared.layer is doc.root.children[0], timeout=3000)
