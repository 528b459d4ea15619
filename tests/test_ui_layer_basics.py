"""Photoshop basics driven as a user would, through their shortcuts and menus: Bring to
Front / Send to Back, Merge Visible, Stamp Visible, Layer via Copy / Cut, Select > Modify
(Border, Smooth, Expand, Contract) and Layer > Align; each one undo step."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton

from editor.model import Layer, mask_ops, selection_ops
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import in_modal_dialog, photo

W, H = 96, 64
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier



def press(window, qtbot, key, modifiers) -> None:
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, key, modifiers)


def solid(w: int, h: int, rgba) -> np.ndarray:
    out = np.empty((h, w, 4), np.uint8)
    out[:] = rgba
    return out


def one_step(doc, steps: int, name: str) -> None:
    assert doc.history.count == steps + 1 and doc.history.undo_name() == name


# -- Layer > Arrange ---------------------------------------------------------------------------------
def test_bring_to_front_and_send_to_back_stay_in_the_group(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    a = doc.add_image(solid(4, 4, (255, 0, 0, 255)), "A", 0, 0)
    b = doc.add_image(solid(4, 4, (0, 255, 0, 255)), "B", 2, 2)
    c = doc.add_image(solid(4, 4, (0, 0, 255, 255)), "C", 4, 4)
    doc.set_active(a)
    steps = doc.history.count
    press(opened, qtbot, Qt.Key.Key_BracketRight, CTRL | SHIFT)
    assert doc.root.children == [cat, b, c, a] and doc.active is a
    one_step(doc, steps, "Reorder Layers")
    press(opened, qtbot, Qt.Key.Key_BracketRight, CTRL | SHIFT)  # already in front: nothing
    assert doc.history.count == steps + 1
    press(opened, qtbot, Qt.Key.Key_BracketLeft, CTRL | SHIFT)
    assert doc.root.children == [a, cat, b, c] and doc.active is a
    # A layout whose key mapper reports the shifted bracket ("}", Shift taken) works too.
    press(opened, qtbot, Qt.Key.Key_BraceRight, CTRL)
    assert doc.root.children == [cat, b, c, a]
    opened.actions["undo"].trigger()
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat, b, c, a]
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat, a, b, c]
    opened.actions["redo"].trigger()
    assert doc.root.children == [cat, b, c, a]
    # Inside a group: to the top (bottom) of the group, not out of it.
    group = doc.group([b, c], "G")
    doc.set_active(b)
    press(opened, qtbot, Qt.Key.Key_BracketRight, CTRL | SHIFT)
    assert group.children == [c, b] and b.parent is group
    press(opened, qtbot, Qt.Key.Key_BracketLeft, CTRL | SHIFT)
    assert group.children == [b, c] and b.parent is group
    # Through the menu too.
    doc.set_active(group)
    opened.actions["send_to_back"].trigger()
    assert doc.root.children[0] is group


def test_send_to_back_releases_a_clipped_layer(opened, qtbot):
    """A clipped layer sent to the bottom of its group has nothing to clip to there:
    released in the same step (`Document.reorder`'s rule)."""
    doc = opened.doc
    cat = doc.root.children[0]
    clipped = doc.add_image(solid(4, 4, (255, 0, 0, 255)), "Clipped", 0, 0)
    mask_ops.set_clipping(doc, clipped, True)
    top = doc.add_image(solid(4, 4, (0, 0, 255, 255)), "Top", 8, 8)
    doc.set_active(clipped)
    steps = doc.history.count
    opened.actions["send_to_back"].trigger()
    assert doc.root.children == [clipped, cat, top] and not clipped.clipping
    one_step(doc, steps, "Reorder Layers")
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat, clipped, top] and clipped.clipping


# -- Merge Visible / Stamp Visible -----------------------------------------------------------------
def test_merge_visible_keeps_the_hidden_layers(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    red = doc.add_image(solid(20, 10, (255, 0, 0, 200)), "Red", -6, 5)  # partly off the canvas
    hidden = doc.add_image(solid(8, 8, (0, 255, 0, 255)), "Hidden", 30, 30)
    doc.set_visible(hidden, False)
    inside = doc.add_image(solid(10, 10, (0, 0, 255, 128)), "Inside", 40, 20)
    secret = doc.add_image(solid(6, 6, (255, 255, 0, 255)), "Secret", 50, 40)
    group = doc.group([inside, secret], "G")
    doc.set_visible(secret, False)
    doc.set_active(None)  # (the new layer at the top, not inside G)
    shut = doc.add_image(solid(6, 6, (0, 255, 255, 255)), "Shut", 10, 40)
    closed = doc.group([shut], "Closed")  # a hidden group keeps its visible layer
    doc.set_visible(closed, False)
    before = composite_document(doc)
    steps = doc.history.count
    press(opened, qtbot, Qt.Key.Key_E, CTRL | SHIFT)
    merged = doc.root.children[0]
    assert doc.root.children == [merged, hidden, group, closed]
    assert merged.name == "cat" and merged is not cat and doc.active is merged
    assert group.children == [secret] and closed.children == [shut]
    assert np.array_equal(composite_document(doc), before)
    # What lies beyond the canvas is kept, as Merge Down keeps it.
    assert (merged.x, merged.y) == (-6, 0) and merged.width == W + 6
    assert tuple(merged.pixels[5, 0]) == (255, 0, 0, 200)  # beyond the canvas: red alone
    one_step(doc, steps, "Merge Visible")
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat, red, hidden, group, closed]
    assert group.children == [inside, secret]
    opened.actions["redo"].trigger()
    assert doc.root.children == [merged, hidden, group, closed]
    # Nothing visible: one line, nothing changes.
    for node in (merged, group):
        doc.set_visible(node, False)
    steps = doc.history.count
    opened.test_errors.clear()
    opened.actions["merge_visible"].trigger()
    assert doc.history.count == steps
    assert opened.test_errors == [("Could not merge the visible layers",
                                   "There are no visible layers to merge.")]


def test_stamp_visible_adds_the_picture_and_changes_nothing_else(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    cat_pixels = cat.pixels.copy()
    base = doc.add_image(solid(20, 20, (255, 0, 0, 255)), "Base", 10, 10)
    clipped = doc.add_image(solid(30, 30, (0, 0, 255, 255)), "Clipped", 0, 0)
    mask_ops.set_clipping(doc, clipped, True)
    hidden = doc.add_image(solid(8, 8, (0, 255, 0, 255)), "Hidden", 60, 30)
    doc.set_visible(hidden, False)
    inner = doc.add_image(solid(5, 5, (9, 9, 9, 255)), "Inner", 70, 50)
    group = doc.group([inner], "G")
    doc.reorder(group, doc.root, 0)  # at the bottom
    before = composite_document(doc)
    doc.set_active(base)  # a base: the stamp goes above its clipped layer
    steps = doc.history.count
    press(opened, qtbot, Qt.Key.Key_E, CTRL | SHIFT | ALT)
    stamp = doc.active
    assert isinstance(stamp, Layer) and stamp.name == "Layer 1"
    assert doc.root.children == [group, cat, base, clipped, stamp, hidden]
    assert np.array_equal(stamp.canvas_crop(doc.canvas), before)
    assert clipped.clipping and not stamp.clipping and np.array_equal(cat.pixels, cat_pixels)
    one_step(doc, steps, "Stamp Visible")
    opened.actions["undo"].trigger()
    assert doc.root.children == [group, cat, base, clipped, hidden]
    opened.actions["redo"].trigger()
    assert doc.root.children[4] is stamp
    # From inside a group: above the group, never inside it.
    doc.set_active(inner)
    opened.actions["stamp_visible"].trigger()
    assert doc.root.children[1].name == "Layer 2" and group.children == [inner]


# -- Layer via Copy / Cut ------------------------------------------------------------------------------
def soft_selection(doc) -> np.ndarray:
    """An ellipse feathered by 4 px as the selection; its mask."""
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(20, 10, 40, 30)), 4)
    selection_ops.select_mask(doc, mask, "replace", "Ellipse")
    return selection_ops.current_mask(doc)


def test_layer_via_copy_keeps_the_soft_edge_in_place(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    mask = soft_selection(doc)
    steps = doc.history.count
    press(opened, qtbot, Qt.Key.Key_J, CTRL)
    new = doc.active
    assert doc.root.children == [cat, new] and new.name == "Layer 1"
    expected = photo(W, H)
    expected[..., 3] = np.round(255 * (mask / 255.0)).astype(np.uint8)
    assert np.array_equal(new.canvas_crop(doc.canvas)[..., 3], expected[..., 3])
    inside = mask > 0
    assert np.array_equal(new.canvas_crop(doc.canvas)[inside][:, :3], expected[inside][:, :3])
    assert new.bounds() == Box(*_box_of(mask))  # no transparent margin kept
    assert doc.selection is None and doc.selection_mask is None  # Photoshop drops it
    assert np.array_equal(cat.pixels, photo(W, H))
    one_step(doc, steps, "Layer via Copy")
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat] and np.array_equal(selection_ops.current_mask(doc), mask)
    opened.actions["redo"].trigger()
    assert doc.root.children == [cat, new]


def _box_of(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return cols[0], rows[0], cols[-1] + 1 - cols[0], rows[-1] + 1 - rows[0]


def test_layer_via_cut_moves_the_pixels_and_the_picture_stays(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    doc.set_selection(Box(10, 5, 30, 20))
    before = composite_document(doc)
    steps = doc.history.count
    press(opened, qtbot, Qt.Key.Key_J, CTRL | SHIFT)
    new = doc.active
    assert doc.root.children == [cat, new] and new.bounds() == Box(10, 5, 30, 20)
    assert np.array_equal(new.pixels, photo(W, H)[5:25, 10:40])
    assert (cat.canvas_crop(Box(10, 5, 30, 20))[..., 3] == 0).all()
    assert np.array_equal(composite_document(doc), before)
    one_step(doc, steps, "Layer via Cut")
    opened.actions["undo"].trigger()
    assert doc.root.children == [cat] and np.array_equal(cat.pixels, photo(W, H))
    assert doc.selection == Box(10, 5, 30, 20)
    opened.actions["redo"].trigger()
    assert (cat.canvas_crop(Box(10, 5, 30, 20))[..., 3] == 0).all()


def test_ctrl_j_without_selection_duplicates_and_locks_refuse_the_cut(opened, qtbot):
    doc = opened.doc
    cat = doc.root.children[0]
    press(opened, qtbot, Qt.Key.Key_J, CTRL)
    copy = doc.active
    assert copy.name == "cat copy" and doc.history.undo_name() == "Duplicate Layer"
    steps = doc.history.count
    assert not opened.actions["layer_via_cut"].isEnabled()
    press(opened, qtbot, Qt.Key.Key_J, CTRL | SHIFT)  # no selection: nothing to cut
    assert doc.history.count == steps
    # A layer with its pixels locked: one line, nothing changes.
    doc.set_lock(copy, "pixels", True)
    doc.set_selection(Box(0, 0, 10, 10))
    steps = doc.history.count
    opened.test_errors.clear()
    press(opened, qtbot, Qt.Key.Key_J, CTRL | SHIFT)
    assert doc.history.count == steps and len(doc.root.children) == 2
    assert opened.test_errors == [("Could not make a layer via cut",
                                   "Layer 'cat copy' has its pixels locked: unlock its pixels "
                                   "in the Layers panel.")]
    # Copy still works from a locked layer (nothing of it changes).
    press(opened, qtbot, Qt.Key.Key_J, CTRL)
    assert len(doc.root.children) == 3 and doc.root.children[2].bounds() == Box(0, 0, 10, 10)
    # A selection over none of the layer's pixels: one line.
    doc.set_active(cat)
    empty = doc.add_image(solid(4, 4, (1, 2, 3, 255)), "Small", 80, 50)
    doc.set_selection(Box(0, 0, 10, 10))
    opened.test_errors.clear()
    press(opened, qtbot, Qt.Key.Key_J, CTRL)
    assert doc.active is empty and "is empty" in opened.test_errors[0][1]
    # A group: Layer via Copy needs a pixel layer.
    group = doc.group([empty], "G")
    opened.test_errors.clear()
    opened.actions["layer_via_copy"].trigger()
    assert doc.active is group and "is a group" in opened.test_errors[0][1]


# -- Select > Modify -------------------------------------------------------------------------------
def modify(window, qtbot, how: str, amount: int, at_bounds=None, cancel=False) -> None:
    def drive(dialog, seen):
        spin = dialog.findChild(type(dialog.amount), "ModifyAmount")
        spin.setValue(amount)
        if at_bounds is not None:
            dialog.at_bounds.setChecked(at_bounds)
        seen["cancel"] = cancel

    name = {"border": "Border", "smooth": "Smooth", "expand": "Expand",
            "contract": "Contract"}[how]
    in_modal_dialog(qtbot, window.actions[f"modify_{how}"].trigger, drive,
                    f"{name}SelectionDialog")


def test_expand_and_contract_a_box(opened, qtbot):
    doc = opened.doc
    assert not opened.actions["modify_expand"].isEnabled()  # nothing selected
    doc.set_selection(Box(20, 10, 30, 20))
    steps = doc.history.count
    modify(opened, qtbot, "expand", 3)
    mask = selection_ops.current_mask(doc)
    assert doc.selection == Box(17, 7, 36, 26)
    assert (mask[10:30, 17:53] == 255).all() and (mask[7:33, 20:50] == 255).all()
    assert mask[7, 17] == 0 and mask[6].max() == 0 and mask[:, 16].max() == 0  # round corners
    one_step(doc, steps, "Expand Selection")
    opened.actions["undo"].trigger()
    assert doc.selection == Box(20, 10, 30, 20) and doc.selection_mask is None
    opened.actions["redo"].trigger()
    assert doc.selection == Box(17, 7, 36, 26)
    opened.actions["undo"].trigger()
    modify(opened, qtbot, "contract", 4)
    assert doc.selection == Box(24, 14, 22, 12) and doc.selection_mask is None  # still a box
    # Cancel changes nothing; the amount is remembered.
    steps = doc.history.count
    modify(opened, qtbot, "contract", 2, cancel=True)
    assert doc.history.count == steps
    assert opened.settings.value("select/contract", 0, int) == 4


def test_contract_at_the_canvas_edge_only_when_asked(opened, qtbot):
    doc = opened.doc
    opened.actions["select_all"].trigger()
    modify(opened, qtbot, "contract", 5, at_bounds=False)
    assert doc.selection == doc.canvas  # the canvas edge is not an edge of the selection
    modify(opened, qtbot, "contract", 5, at_bounds=True)
    mask = selection_ops.current_mask(doc)
    assert doc.selection == Box(5, 5, W - 10, H - 10)
    assert (mask[5:H - 5, 5:W - 5] == 255).all() and mask[4].max() == 0


def test_smooth_takes_specks_away_and_border_selects_a_band(opened, qtbot):
    doc = opened.doc
    rect = selection_ops.rect_mask(doc, Box(20, 10, 40, 30))
    rect[50, 80] = 255  # a speck
    selection_ops.select_mask(doc, rect, "replace", "Lasso")
    steps = doc.history.count
    modify(opened, qtbot, "smooth", 3)
    mask = selection_ops.current_mask(doc)
    assert mask[50, 80] == 0 and mask[10, 20] == 0  # the speck and the sharp corner go
    assert (mask[13:37, 20:60] == 255).all() and (mask[10:40, 23:57] == 255).all()
    assert set(np.unique(mask)) == {0, 255}
    one_step(doc, steps, "Smooth Selection")
    doc.set_selection(Box(20, 10, 40, 30))
    modify(opened, qtbot, "border", 8)
    mask = selection_ops.current_mask(doc)
    # A band 8 px wide centred on the edge: 4 px each side, softened at its sides.
    assert mask[25, 40] == 0 and mask[25, 10] == 0 and mask[25, 70] == 0
    assert mask[25, 19] > 240 and mask[25, 20] > 240 and mask[25, 17] > 200
    assert mask[25, 22] > 200 and mask[25, 26] < 40 and mask[25, 13] < 40
    assert doc.history.undo_name() == "Border Selection"


def test_modify_dialog_looks_like_photoshops(opened, qtbot):
    seen = {}

    def drive(dialog, s):
        seen["spin"] = dialog.amount.value(), dialog.amount.maximum(), dialog.amount.suffix()
        seen["bounds"] = dialog.at_bounds.isVisibleTo(dialog)
        seen["title"] = dialog.windowTitle()
        s["cancel"] = True

    opened.doc.set_selection(Box(0, 0, 10, 10))
    in_modal_dialog(qtbot, opened.actions["modify_border"].trigger, drive,
                    "BorderSelectionDialog")
    assert seen == {"spin": (5, 200, " px"), "bounds": False, "title": "Border Selection"}


# -- Layer > Align ----------------------------------------------------------------------------------
def ctrl_click_row(window, qtbot, node) -> None:
    rows = window.layers_panel.list
    qtbot.waitUntil(lambda: rows.row_of(node) >= 0)
    rect = rows.row_rect(node)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, CTRL,
                     QPoint(rect.right() - 30, rect.center().y()))


def test_align_the_chosen_layers(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(solid(10, 6, (255, 0, 0, 255)), "A", 5, 4)
    pad = np.zeros((12, 12, 4), np.uint8)
    pad[2:10, 3:7] = (0, 255, 0, 255)  # its pixels: 4 x 8 at (3, 2) inside the layer
    b = doc.add_image(pad, "B", 40, 20)
    c = doc.add_image(solid(7, 5, (0, 0, 255, 255)), "C", 60, 40)
    doc.set_active(a)
    ctrl_click_row(opened, qtbot, b)
    ctrl_click_row(opened, qtbot, c)
    assert set(opened.layers_panel.selected_nodes()) == {a, b, c}
    steps = doc.history.count
    opened.actions["align_top"].trigger()
    assert (a.y, b.y + 2, c.y) == (4, 4, 4) and (a.x, b.x, c.x) == (5, 40, 60)
    one_step(doc, steps, "Align Top Edges")
    opened.actions["align_right"].trigger()
    assert (a.x + 10, b.x + 7, c.x + 7) == (67, 67, 67)
    opened.actions["align_hcenter"].trigger()  # centre of the box 57..67: 62
    assert (a.x, b.x + 3, c.x) == (57, 60, 59)  # half pixels round up: 62-3.5 -> 59
    opened.actions["undo"].trigger()
    assert (a.x + 10, b.x + 7, c.x + 7) == (67, 67, 67)
    opened.actions["undo"].trigger()
    opened.actions["undo"].trigger()
    assert (a.x, a.y, b.x, b.y, c.x, c.y) == (5, 4, 40, 20, 60, 40)
    # A locked layer refuses the whole step, in one line.
    doc.set_lock(c, "position", True)
    steps = doc.history.count
    opened.test_errors.clear()
    opened.actions["align_top"].trigger()  # A stays, B and C would move
    assert doc.history.count == steps and (a.y, b.y, c.y) == (4, 20, 40)
    assert opened.test_errors == [("Could not align the layers",
                                   "Layer 'C' has its position locked: unlock its position "
                                   "in the Layers panel.")]


def test_align_one_layer_or_a_group_to_the_selection(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(solid(10, 6, (255, 0, 0, 255)), "A", 5, 4)
    opened.test_errors.clear()
    opened.actions["align_left"].trigger()  # one layer and no selection: nothing to align to
    assert "two or more layers" in opened.test_errors[0][1] and a.x == 5
    doc.set_selection(Box(30, 20, 40, 30))
    opened.actions["align_bottom"].trigger()
    assert (a.x, a.y) == (5, 44)
    # The Move tool's options bar has the same six.
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_V)
    button = opened.findChild(QToolButton, "MoveAlign_hcenter")
    assert button.isVisible() and button.toolTip() == "Align Horizontal Centers"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert (a.x, a.y) == (45, 44)
    b = doc.add_image(solid(4, 4, (0, 0, 255, 255)), "B", 0, 0)
    group = doc.group([a, b], "G")
    doc.set_active(group)
    doc.set_locked(doc.root.children[0], True)  # the cat: not chosen, not in the way
    opened.actions["align_left"].trigger()
    assert (a.x, b.x) == (75, 30)  # the group's box (0..55) moved as one to x 30
    assert doc.history.undo_name() == "Align Left Edges"
    doc.set_locked(group, True)
    opened.test_errors.clear()
    opened.actions["align_top"].trigger()
    assert opened.test_errors == [("Could not align the layers", "Group 'G' is locked. Unlock it "
                                   "first: Layer > Lock/Unlock Layer (Ctrl+/).")]


def test_grow_and_similar_use_the_magic_wands_tolerance(opened, qtbot):
    doc = opened.doc
    tiles = np.zeros((H, W, 4), np.uint8)
    tiles[..., 3] = 255
    tiles[:, :30] = (100, 100, 100, 255)
    tiles[:, 30:34] = (120, 100, 100, 255)  # near the selected grey, touching it
    tiles[10:20, 60:70] = (100, 100, 100, 255)  # the same grey, apart
    tiles[40:50, 60:70] = (200, 100, 100, 255)  # another colour, apart
    layer = doc.add_image(tiles, "Tiles", 0, 0)
    assert doc.active is layer
    assert not opened.actions["grow"].isEnabled()  # nothing selected
    doc.set_selection(Box(5, 5, 10, 10))
    steps = doc.history.count
    opened.actions["grow"].trigger()
    expected = np.zeros((H, W), np.uint8)
    expected[:, :34] = 255
    assert doc.selection == Box(0, 0, 34, H) and doc.selection_mask is None
    assert np.array_equal(selection_ops.current_mask(doc), expected)
    one_step(doc, steps, "Grow")
    opened.actions["undo"].trigger()
    opened.actions["similar"].trigger()
    expected[10:20, 60:70] = 255
    assert np.array_equal(selection_ops.current_mask(doc), expected)
    assert doc.history.undo_name() == "Similar"
    # The Magic Wand's tolerance (its options bar, kept in the settings): 5 leaves the
    # near grey out.
    opened.actions["undo"].trigger()
    opened.settings.set_value("tools/wand/tolerance", 5)
    opened.actions["grow"].trigger()
    assert doc.selection == Box(0, 0, 30, H)
