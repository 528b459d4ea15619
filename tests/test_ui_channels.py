"""Alpha channels through the window: Select > Save Selection… (a new channel named in its
dialog; Add to Channel into an existing one), Select > Load Selection… (Invert, Intersect
with Selection), the Channels panel (a tab beside Layers, in the Window menu; rows RGB, Red,
Green, Blue, then the alpha channels with their thumbnails), Ctrl+click on a row's
thumbnail loading that channel as the selection (Shift: added), its buttons (Save
Selection as Channel, New, Delete), its menu's Duplicate, a double-click renaming; each
one undo step. The selections are drawn with the Rectangular Marquee, as a user would."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from editor.model.selection_ops import current_mask
from ui_helpers import image_drag, in_modal_dialog, panel_item, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def marquee(w, qtbot, x0, y0, x1, y1, modifier=Qt.KeyboardModifier.NoModifier) -> np.ndarray:
    """A rectangle drawn with the Rectangular Marquee; the selection's mask after it."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)],
               modifier=modifier)
    mask = current_mask(w.doc)
    assert mask is not None and mask.any()
    return mask


def rows(w) -> list[str]:
    panel = w.channels_panel
    panel._rebuild()
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def row_click(qtbot, w, key, modifier=Qt.KeyboardModifier.NoModifier, double=False) -> None:
    """A click on the thumbnail (the row's left end, right of the eyes of a Lab document's
    rows) of channel `key`."""
    from editor.ui.layers_panel import EYE_W

    panel = w.channels_panel
    w.docks["channels"].raise_()
    panel._rebuild()
    rect = panel.row_rect(key)
    at = rect.topLeft() + (rect.bottomLeft() - rect.topLeft()) / 2
    at.setX(rect.left() + (EYE_W if panel.list.eyes else 0) + 10)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, modifier, at)
    if double:  # (a real double-click: a click, then QTest's double click, the second press)
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, modifier, at)


def save_selection(w, qtbot, drive) -> None:
    in_modal_dialog(qtbot, w.actions["save_selection"].trigger, drive, "SaveSelectionDialog")


def test_the_panel_is_a_tab_beside_layers_listing_the_colour_channels(opened):
    w = opened
    dock = w.docks["channels"]
    assert dock in w.tabifiedDockWidgets(w.docks["layers"])
    w.show()  # Photoshop's order of the tabs: Layers | Channels | Paths
    assert any([bar.tabText(i) for i in range(bar.count())] == ["Layers", "Channels", "Paths"]
               for bar in w.findChildren(QTabBar))
    assert panel_item(w, "Channels") is dock.toggleViewAction()
    assert rows(w) == ["RGB", "Red", "Green", "Blue"]
    select = w.menus["select"].actions()
    assert w.actions["load_selection"] in select and w.actions["save_selection"] in select
    assert not w.actions["load_selection"].isEnabled()  # no channel yet


def test_save_selection_then_ctrl_click_loads_it(opened, qtbot):
    w, doc = opened, opened.doc
    box = marquee(w, qtbot, 10, 8, 50, 40)

    def name_it(dialog, seen):
        dialog.name.setText("Cat's head")
        assert dialog.ops["new"].isChecked() and not dialog.ops["add"].isEnabled()

    steps = doc.history.count
    save_selection(w, qtbot, name_it)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Save Selection"
    assert rows(w) == ["RGB", "Red", "Green", "Blue", "Cat's head"]
    channel = doc.channels[0]
    np.testing.assert_array_equal(channel.pixels, box)
    icon = w.channels_panel.list.item(4).icon()
    assert not icon.isNull()
    # Its thumbnail shows the channel: white where selected, black elsewhere.
    thumb = icon.pixmap(34, 34).toImage()
    centre = thumb.pixelColor(int(thumb.width() * 30 / W), int(thumb.height() * 24 / H))
    corner = thumb.pixelColor(thumb.width() - 2, thumb.height() - 2)
    assert centre.value() > 200 and corner.value() < 50

    w.actions["deselect"].trigger()
    assert current_mask(doc) is None
    row_click(qtbot, w, channel.uid, CTRL)
    assert doc.history.undo_name() == "Load Selection"
    np.testing.assert_array_equal(current_mask(doc), box)
    # Shift+Ctrl+click on Red adds the red channel's values to it.
    red = w.session.renderer.composite.array[..., 2]  # (opaque photo: as stored)
    row_click(qtbot, w, "Red", CTRL | SHIFT)
    assert doc.history.undo_name() == "Add Channel to Selection"
    assert np.abs(current_mask(doc).astype(int) - np.maximum(box, red)).max() <= 1
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(current_mask(doc), box)


def test_save_into_a_channel_and_load_inverted_intersected(opened, qtbot):
    w, doc = opened, opened.doc
    first = marquee(w, qtbot, 10, 8, 50, 40)
    save_selection(w, qtbot, lambda dialog, seen: None)
    uid = doc.channels[0].uid
    second = marquee(w, qtbot, 30, 20, 80, 60)

    def add_to_it(dialog, seen):
        dialog.channel.setCurrentIndex(dialog.channel.findData(uid))
        assert not dialog.ops["new"].isEnabled() and dialog.ops["replace"].isChecked()
        qtbot.mouseClick(dialog.ops["add"], Qt.MouseButton.LeftButton)

    save_selection(w, qtbot, add_to_it)
    assert doc.history.undo_name() == "Add Selection to Channel"
    assert len(doc.channels) == 1
    np.testing.assert_array_equal(doc.channels[0].pixels, np.maximum(first, second))

    third = marquee(w, qtbot, 5, 5, 60, 30)

    def inverted_intersect(dialog, seen):
        assert dialog.channel.currentData() == uid
        dialog.invert.setChecked(True)
        qtbot.mouseClick(dialog.ops["intersect"], Qt.MouseButton.LeftButton)

    in_modal_dialog(qtbot, w.actions["load_selection"].trigger, inverted_intersect,
                    "LoadSelectionDialog")
    assert doc.history.undo_name() == "Intersect Channel with Selection"
    expected = np.minimum(third, 255 - np.maximum(first, second))
    np.testing.assert_array_equal(current_mask(doc), expected)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(current_mask(doc), third)


def test_the_panel_buttons_menu_and_rename(opened, qtbot, monkeypatch):
    w, doc = opened, opened.doc
    panel = w.channels_panel
    box = marquee(w, qtbot, 10, 8, 50, 40)
    w.docks["channels"].raise_()
    qtbot.mouseClick(panel.buttons["channel_from_selection"], Qt.MouseButton.LeftButton)
    assert rows(w)[4:] == ["Alpha 1"] and doc.history.undo_name() == "Save Selection"
    uid = doc.channels[0].uid
    assert doc.channel_target == uid  # the new channel is the chosen one
    qtbot.mouseClick(panel.buttons["channel_new"], Qt.MouseButton.LeftButton)
    assert rows(w)[4:] == ["Alpha 1", "Alpha 2"] and not doc.channels[1].pixels.any()
    row_click(qtbot, w, uid)  # a click chooses Alpha 1
    assert doc.channel_target == uid
    panel.menu()
    assert w.actions["channel_duplicate"].isEnabled()
    w.actions["channel_duplicate"].trigger()  # (the panel's menu holds it)
    assert rows(w)[4:] == ["Alpha 1", "Alpha 1 copy", "Alpha 2"]
    np.testing.assert_array_equal(doc.channels[1].pixels, box)
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text="": "Ears")
    row_click(qtbot, w, doc.channels[1].uid, double=True)
    assert rows(w)[4:] == ["Alpha 1", "Ears", "Alpha 2"]
    assert doc.history.undo_name() == "Channel Name"
    row_click(qtbot, w, uid)
    qtbot.mouseClick(panel.buttons["channel_delete"], Qt.MouseButton.LeftButton)
    assert rows(w)[4:] == ["Ears", "Alpha 2"]
    assert not panel.buttons["channel_delete"].isEnabled()  # nothing chosen now
    for expected in (["Alpha 1", "Ears", "Alpha 2"], ["Alpha 1", "Alpha 1 copy", "Alpha 2"],
                     ["Alpha 1", "Alpha 2"], ["Alpha 1"], []):
        w.actions["undo"].trigger()
        assert rows(w)[4:] == expected


def test_channels_follow_image_rotate_and_survive_save_as_psd(opened, qtbot, tmp_path,
                                                            monkeypatch):
    w, doc = opened, opened.doc
    box = marquee(w, qtbot, 10, 8, 50, 40)
    save_selection(w, qtbot, lambda dialog, seen: None)
    w.actions["rotate_canvas_cw"].trigger()  # Image > Image Rotation > 90° Clockwise
    assert doc.size == (H, W)
    np.testing.assert_array_equal(doc.channels[0].pixels, np.rot90(box, -1))
    path = str(tmp_path / "rotated.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: path)
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not doc.modified, timeout=10000)
    from editor.model.files import open_document
    back = open_document(path)
    np.testing.assert_array_equal(back.channels[0].pixels, np.rot90(box, -1))
