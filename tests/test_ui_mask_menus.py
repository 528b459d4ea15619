"""The context menus of the mask thumbnails in the Layers panel, driven as a user does:
right-click on the thumbnail, click an item in the menu that opens. Each item does what it
says through the Layer menu's own action, one undo step, the canvas following; the items
are enabled as those actions are."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from editor.model import Group, mask_ops
from editor.model.render import composite_document
from editor.model.selection_ops import current_mask
from engine.box import Box

from test_ui_vector_masks import layer, opened  # noqa: F401 (opened: a fixture)
from ui_helpers import make_window, open_photo

W, H = 96, 64
MASK_ITEMS = ["mask_disable", "mask_delete", "mask_apply", "mask_selection_add",
              "mask_selection_subtract", "mask_selection_intersect", "mask_select_and_mask",
              "mask_options", "mask_properties"]
VECTOR_ITEMS = ["vector_mask_disable", "vector_mask_delete", "vector_mask_rasterize",
                "vector_mask_selection_add", "vector_mask_selection_subtract",
                "vector_mask_selection_intersect", "mask_properties"]


@pytest.fixture
def masked(qtbot, tmp_path, monkeypatch):
    """A photo with a second layer above it; the photo has a mask from a selection (a box
    shown, the rest hidden); the upper layer is active, its pixels targeted."""
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    doc = window.doc
    photo = next(doc.layers())
    doc.set_selection(Box(20, 10, 40, 30))
    window.update_actions()
    window.actions["mask_reveal_selection"].trigger()
    doc.set_selection(None)
    window.actions["new_layer"].trigger()
    top = doc.active
    assert top is not photo and photo.mask is not None and not doc.mask_targeted
    window.layers_panel.list.rebuild()
    return window, photo, top


@pytest.fixture
def vectors(request):
    """test_ui_vector_masks' window: Paper, Disc (a disc path with a hole), Both (a layer
    mask and a rectangular path), Off (a disabled path)."""
    return request.getfixturevalue("opened")


def right_click(qtbot, window, node, kind: str, item=None) -> dict:
    """Right-clicks `node`'s `kind` ("mask", "vector") thumbnail; in the menu that opens,
    clicks the item of action `item` (None: Escape). Returns the menu as it showed:
    {name: (text without its mnemonic's &, enabled)}, in order, and its objectName under
    "menu"."""
    panel = window.layers_panel.list
    rect = panel.mask_thumb_rect(node, kind)
    assert not rect.isEmpty()
    seen: dict = {}

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:  # not open yet
            QTimer.singleShot(10, choose)
            return
        try:
            seen["menu"] = menu.objectName()
            seen.update({a.objectName(): (a.text().replace("&", ""), a.isEnabled())
                         for a in menu.actions() if not a.isSeparator()})
            if item is None:
                qtbot.keyClick(menu, Qt.Key.Key_Escape)
            else:
                action = next(a for a in menu.actions() if a.objectName() == item)
                qtbot.mouseClick(menu, Qt.MouseButton.LeftButton,
                                 pos=menu.actionGeometry(action).center())
        finally:
            if menu.isVisible():  # a disabled item does not close the menu: the test goes on
                menu.close()

    QTimer.singleShot(0, choose)
    qtbot.mouseClick(panel, Qt.MouseButton.RightButton, pos=rect.center())
    assert "menu" in seen, "no menu opened"
    return seen


def on_canvas(window, x: int, y: int) -> int:
    """The alpha the canvas shows at (x, y) (the renderer's composite, BGRA)."""
    renderer = window.session.renderer
    renderer.update()
    return int(renderer.composite.array[y, x, 3])


def test_right_click_targets_the_mask_and_lists_its_items(masked, qtbot):
    w, photo, top = masked
    doc = w.doc
    items = right_click(qtbot, w, photo, "mask")
    # As Photoshop: the node becomes active and its mask the target, whatever is picked.
    assert doc.active is photo and doc.mask_targeted
    assert items["menu"] == "LayerMaskMenu"
    assert [k for k in items if k != "menu"] == MASK_ITEMS
    assert [items[k][0] for k in MASK_ITEMS] == [
        "Disable Layer Mask", "Delete Layer Mask", "Apply Layer Mask", "Add Mask To Selection",
        "Subtract Mask From Selection", "Intersect Mask With Selection", "Select and Mask…",
        "Mask Options…", "Mask Properties"]
    # Without a selection there is nothing to subtract from or intersect with.
    enabled = {k: items[k][1] for k in MASK_ITEMS}
    assert enabled == {k: k not in ("mask_selection_subtract", "mask_selection_intersect")
                       for k in MASK_ITEMS}
    # Enabled exactly as the window's actions in Layer > Layer Mask are.
    assert all(enabled[k] == w.actions[k].isEnabled() for k in MASK_ITEMS)
    assert all(w.actions[k] in w.menus["layer_mask"].actions() for k in MASK_ITEMS)
    # With a selection, all of them; Escape changed nothing.
    assert doc.history.undo_name() == "New Layer"
    doc.set_selection(Box(0, 0, 10, 10))
    items = right_click(qtbot, w, photo, "mask")
    assert all(items[k][1] for k in MASK_ITEMS)
    # A right-click on the row, off the thumbnail, is the layer's menu, not the mask's.
    panel = w.layers_panel.list
    menu_of_row = {}
    QTimer.singleShot(0, lambda: (menu_of_row.setdefault(
        "actions", [a.objectName() for a in QApplication.activePopupWidget().actions()]),
        QApplication.activePopupWidget().close()))
    qtbot.mouseClick(panel, Qt.MouseButton.RightButton, pos=panel.row_rect(top).center())
    assert doc.active is top and "mask_delete" not in menu_of_row["actions"]
    assert "delete_layer" in menu_of_row["actions"]


def test_disable_enable_delete_and_apply_each_one_undo_step(masked, qtbot):
    w, photo, _top = masked
    doc = w.doc
    assert on_canvas(w, 5, 5) == 0 and on_canvas(w, 30, 20) == 255
    # Disable: the whole photo shows; the item then reads Enable, and enables it again.
    steps = doc.history.count
    right_click(qtbot, w, photo, "mask", "mask_disable")
    assert not photo.mask.enabled and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Disable Layer Mask" and on_canvas(w, 5, 5) == 255
    items = right_click(qtbot, w, photo, "mask", "mask_disable")
    assert items["mask_disable"] == ("Enable Layer Mask", True)
    assert photo.mask.enabled and on_canvas(w, 5, 5) == 0
    w.actions["undo"].trigger()
    assert not photo.mask.enabled and on_canvas(w, 5, 5) == 255
    # Apply works on a disabled mask too, as Layer > Layer Mask > Apply (its values as they
    # would show go into the alpha).
    items = right_click(qtbot, w, photo, "mask", "mask_apply")
    assert items["mask_apply"] == ("Apply Layer Mask", True)
    assert photo.mask is None and photo.pixels[5, 5, 3] == 0 and photo.pixels[20, 30, 3] == 255
    assert on_canvas(w, 5, 5) == 0 and doc.history.undo_name() == "Apply Layer Mask"
    w.actions["undo"].trigger()
    assert photo.mask is not None and not photo.mask.enabled and photo.pixels[5, 5, 3] == 255
    w.actions["undo"].trigger()  # enabled again
    assert photo.mask.enabled and on_canvas(w, 5, 5) == 0
    # Delete.
    right_click(qtbot, w, photo, "mask", "mask_delete")
    assert photo.mask is None and doc.history.undo_name() == "Delete Layer Mask"
    assert on_canvas(w, 5, 5) == 255
    assert w.layers_panel.list.mask_thumb_rect(photo, "mask").isEmpty()
    w.actions["undo"].trigger()
    assert photo.mask is not None and on_canvas(w, 5, 5) == 0


def test_the_selection_items_combine_the_mask_with_the_selection(masked, qtbot):
    w, photo, _top = masked
    doc = w.doc
    shown = np.zeros((H, W), bool)
    shown[10:40, 20:60] = True        # the mask's white box
    other = np.zeros((H, W), bool)
    other[30:60, 50:90] = True        # the selection's box, overlapping it
    expected = {"mask_selection_add": shown | other,
                "mask_selection_subtract": other & ~shown,
                "mask_selection_intersect": other & shown}
    # Each item's undo step says what it did (not all "Load Selection").
    names = {"mask_selection_add": "Add Mask to Selection",
             "mask_selection_subtract": "Subtract Mask from Selection",
             "mask_selection_intersect": "Intersect Mask with Selection"}
    for item, result in expected.items():
        doc.set_selection(Box(50, 30, 40, 30))
        right_click(qtbot, w, photo, "mask", item)
        np.testing.assert_array_equal(current_mask(doc) == 255, result, err_msg=item)
        assert doc.history.undo_name() == names[item]
        w.actions["undo"].trigger()  # one step back: the selection as it was
        np.testing.assert_array_equal(current_mask(doc) == 255, other, err_msg=item)
    # Add with no selection: the mask becomes the selection.
    doc.set_selection(None)
    right_click(qtbot, w, photo, "mask", "mask_selection_add")
    np.testing.assert_array_equal(current_mask(doc) == 255, shown)
    # Ctrl+Shift/Alt+click on the thumbnail combine the same way (Photoshop's keys).
    panel, at = w.layers_panel.list, w.layers_panel.list.mask_thumb_rect(photo, "mask").center()
    ctrl, shift, alt = (Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier,
                        Qt.KeyboardModifier.AltModifier)
    for modifiers, item in ((ctrl | shift, "mask_selection_add"),
                            (ctrl | alt, "mask_selection_subtract"),
                            (ctrl | shift | alt, "mask_selection_intersect")):
        doc.set_selection(None)  # (a box alone: the last one left a mask of that box's size)
        doc.set_selection(Box(50, 30, 40, 30))
        qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, modifiers, at)
        np.testing.assert_array_equal(current_mask(doc) == 255, expected[item], err_msg=item)
        assert doc.history.undo_name() == names[item]
        assert photo.mask.enabled and w.session.renderer.mask_view is None


def test_apply_is_disabled_on_a_group_mask_as_in_the_layer_menu(masked, qtbot):
    w, photo, top = masked
    doc = w.doc
    doc.add_layer(Group("Folder"))
    group = doc.active
    mask_ops.add_mask(doc, group, "hide_all")
    w.layers_panel.list.rebuild()
    items = right_click(qtbot, w, group, "mask", "mask_apply")  # clicking it does nothing
    assert doc.active is group and group.mask is not None
    assert items["mask_apply"] == ("Apply Layer Mask", False)
    assert not w.actions["mask_apply"].isEnabled()
    assert items["mask_delete"][1] and items["mask_disable"][1]
    assert doc.history.undo_name() == "Add Layer Mask (Hide All)"


def test_mask_properties_brings_the_properties_panel_to_the_front(masked, qtbot):
    w, photo, _top = masked
    dock = w.docks["properties"]  # a tab behind another shows none of itself
    w.docks["generate"].raise_()
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())
    right_click(qtbot, w, photo, "mask", "mask_properties")
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
    assert w.properties_panel.mask_box.isVisibleTo(w.properties_panel)


def test_the_vector_mask_menu(vectors, qtbot):
    w = vectors
    doc = w.doc
    disc, both, off = layer(w, "Disc"), layer(w, "Both"), layer(w, "Off")
    doc.set_mask_targeted(False)
    items = right_click(qtbot, w, disc, "vector")
    assert doc.active is disc and not doc.mask_targeted
    assert items["menu"] == "VectorMaskMenu"
    assert [k for k in items if k != "menu"] == VECTOR_ITEMS
    assert [items[k][0] for k in VECTOR_ITEMS[:4]] == [
        "Disable Vector Mask", "Delete Vector Mask", "Rasterize Vector Mask",
        "Add Vector Mask To Selection"]
    assert all(items[k][1] == w.actions[k].isEnabled() for k in VECTOR_ITEMS)
    assert all(w.actions[k] in w.menus["vector_mask"].actions() for k in VECTOR_ITEMS[:-1])
    assert not items["vector_mask_selection_subtract"][1]  # no selection yet
    # Disable, then Enable from the same item; one undo step each.
    at = (12, 22)  # inside the disc: blue shows there through the path
    drawn = on_canvas(w, *at)
    right_click(qtbot, w, disc, "vector", "vector_mask_disable")
    assert not disc.vector_mask.enabled and doc.history.undo_name() == "Disable Vector Mask"
    items = right_click(qtbot, w, disc, "vector", "vector_mask_disable")
    assert items["vector_mask_disable"][0] == "Enable Vector Mask" and disc.vector_mask.enabled
    # Rasterize: the path becomes the layer mask, the picture unchanged; undo brings it back.
    before = composite_document(doc)
    right_click(qtbot, w, disc, "vector", "vector_mask_rasterize")
    assert disc.vector_mask is None and disc.mask is not None
    np.testing.assert_array_equal(composite_document(doc), before)
    assert on_canvas(w, *at) == drawn
    w.actions["undo"].trigger()
    assert disc.vector_mask is not None and disc.mask is None
    # Delete.
    right_click(qtbot, w, disc, "vector", "vector_mask_delete")
    assert disc.vector_mask is None and doc.history.undo_name() == "Delete Vector Mask"
    w.actions["undo"].trigger()
    assert disc.vector_mask is not None
    # A disabled path: Enable is offered, Rasterize is not (as in Layer > Vector Mask).
    items = right_click(qtbot, w, off, "vector")
    assert items["vector_mask_disable"] == ("Enable Vector Mask", True)
    assert items["vector_mask_rasterize"] == ("Rasterize Vector Mask", False)
    # The selection: the path's area, added to a selection.
    doc.set_selection(Box(0, 0, 4, 4))
    right_click(qtbot, w, both, "vector", "vector_mask_selection_add")
    selected = current_mask(doc)
    area = both.vector_mask.raster().raw_crop(doc.canvas)
    assert selected[1, 1] == 255 and selected[16, 24] == area[16, 24] == 255
    assert selected[30, 45] == area[30, 45] == 0
    assert doc.history.undo_name() == "Add Vector Mask to Selection"
    w.actions["undo"].trigger()
    assert doc.selection == Box(0, 0, 4, 4) and doc.selection_mask is None
    # The layer mask beside it has its own menu.
    assert right_click(qtbot, w, both, "mask")["menu"] == "LayerMaskMenu"
    assert doc.mask_targeted
