"""Layer > Matting (Color Decontaminate, Defringe, Remove Black / White Matte) and Layer > Distribute, driven
through the menu's actions, the Layers panel and the Move tool's options bar; each one
undo step."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolButton

from editor.model import selection_ops
from engine.box import Box

from ui_helpers import in_modal_dialog

CTRL = Qt.KeyboardModifier.ControlModifier
INSIDE = (200, 60, 40)


def fringed(size: int = 16) -> np.ndarray:
    """An opaque square of INSIDE with a one-pixel dark, half-transparent fringe, inside a
    transparent margin."""
    out = np.zeros((size + 4, size + 4, 4), np.uint8)
    out[2:-2, 2:-2] = INSIDE + (255,)
    ring = np.zeros(out.shape[:2], bool)
    ring[2:-2, 2:-2] = True
    ring[3:-3, 3:-3] = False
    out[ring] = (20, 20, 20, 128)
    return out


def wait_step(qtbot, window, steps: int) -> None:
    """Waits for the job's undo step (the matting commands run as jobs, as filters do)."""
    qtbot.waitUntil(lambda: window.doc.history.index == steps + 1 and not window.jobs.busy,
                    timeout=20000)


def ring_of(layer) -> np.ndarray:
    a = layer.pixels[..., 3]
    return (a > 0) & (a < 255)


def test_defringe_gives_the_edge_the_inside_colour(opened, qtbot):
    doc = opened.doc
    layer = doc.add_image(fringed(), "Cut out", 10, 10)
    doc.set_active(layer)
    before = layer.pixels.copy()
    steps, last = doc.history.index, doc.history.undo_name()
    in_modal_dialog(qtbot, opened.actions["defringe"].trigger,
                    lambda dialog, seen: dialog.value.setValue(1), "DefringeDialog")
    wait_step(qtbot, opened, steps)
    ring = ring_of(layer)
    assert ring.sum() == 4 * 15
    assert (layer.pixels[ring][:, :3] == INSIDE).all()  # the dark fringe took the inside's
    assert (layer.pixels[..., 3] == before[..., 3]).all()  # alpha untouched
    solid = before[..., 3] == 255
    assert (layer.pixels[solid] == before[solid]).all()
    assert doc.history.undo_name() == "Defringe"
    opened.actions["undo"].trigger()
    assert (layer.pixels == before).all()
    # Cancel changes nothing; within a selection only the selected part of the fringe moves.
    in_modal_dialog(qtbot, opened.actions["defringe"].trigger,
                    lambda d, s: s.update(cancel=True), "DefringeDialog")
    assert (layer.pixels == before).all() and doc.history.undo_name() == last
    doc.set_selection(Box(0, 0, 19, 64))  # the left columns of the layer (canvas x < 19)
    steps = doc.history.index
    in_modal_dialog(qtbot, opened.actions["defringe"].trigger, lambda d, s: None,
                    "DefringeDialog")
    wait_step(qtbot, opened, steps)
    left, right = layer.pixels[:, :9], layer.pixels[:, 9:]
    assert (left[ring_of(layer)[:, :9]][:, :3] == INSIDE).all()
    assert (right[ring_of(layer)[:, 9:]][:, :3] == (20, 20, 20)).all()


def test_remove_black_and_white_matte_invert_a_known_blend(opened, qtbot):
    doc = opened.doc
    rng = np.random.default_rng(3)
    colour = rng.integers(0, 256, (8, 8, 3))
    alpha = rng.integers(128, 255, (8, 8))  # translucent (and steep enough to invert to 1)
    alpha[0, 0] = 255
    on_black = np.dstack([np.rint(colour * alpha[..., None] / 255), alpha]).astype(np.uint8)
    layer = doc.add_image(on_black, "Black matte", 4, 4)
    doc.set_active(layer)
    steps = doc.history.index
    opened.actions["remove_black_matte"].trigger()
    wait_step(qtbot, opened, steps)
    got = layer.pixels[..., :3].astype(int)
    assert np.abs(got - colour).max() <= 1 and np.abs(got - colour).mean() < 0.5
    assert (layer.pixels[..., 3] == alpha).all()
    assert doc.history.undo_name() == "Remove Black Matte"
    a = alpha[..., None] / 255
    on_white = np.dstack([np.rint(colour * a + 255 * (1 - a)), alpha]).astype(np.uint8)
    white = doc.add_image(on_white, "White matte", 20, 4)
    doc.set_active(white)
    steps = doc.history.index
    opened.actions["remove_white_matte"].trigger()
    wait_step(qtbot, opened, steps)
    assert np.abs(white.pixels[..., :3].astype(int) - colour).max() <= 1
    # Lock Image Pixels refuses, in one line, and changes nothing.
    doc.set_lock(white, "pixels", True)
    kept = white.pixels.copy()
    opened.test_errors.clear()
    opened.actions["remove_black_matte"].trigger()
    assert (white.pixels == kept).all()
    assert len(opened.test_errors) == 1 and opened.test_errors[0][0] == "Could not remove the matte"
    assert "\n" not in opened.test_errors[0][1] and "White matte" in opened.test_errors[0][1]


# -- Layer > Distribute ------------------------------------------------------------------------
def ctrl_click_row(window, qtbot, node) -> None:
    rows = window.layers_panel.list
    qtbot.waitUntil(lambda: rows.row_of(node) >= 0)
    rect = rows.row_rect(node)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, CTRL,
                     QPoint(rect.right() - 30, rect.center().y()))


def solid(w: int, h: int) -> np.ndarray:
    out = np.zeros((h, w, 4), np.uint8)
    out[:] = (90, 120, 200, 255)
    return out


def test_distribute_three_layers_evenly_and_undo(opened, qtbot):
    doc = opened.doc
    a = doc.add_image(solid(6, 4), "A", 2, 5)
    b = doc.add_image(solid(10, 4), "B", 12, 30)
    c = doc.add_image(solid(8, 4), "C", 60, 50)
    doc.set_active(a)
    ctrl_click_row(opened, qtbot, b)
    ctrl_click_row(opened, qtbot, c)
    assert set(opened.layers_panel.selected_nodes()) == {a, b, c}
    steps = doc.history.count
    opened.actions["distribute_left"].trigger()  # left edges 2 .. 60: B to 31
    assert (a.x, b.x, c.x) == (2, 31, 60) and (a.y, b.y, c.y) == (5, 30, 50)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Distribute Left Edges"
    opened.actions["undo"].trigger()
    assert (a.x, b.x, c.x) == (2, 12, 60)
    # Equal gaps (Distribute Horizontally): span 2..68, boxes 24 wide: gaps of 21.
    opened.actions["distribute_hspace"].trigger()
    assert (a.x, b.x, c.x) == (2, 29, 60)
    assert (b.x - (a.x + 6), c.x - (b.x + 10)) == (21, 21)
    # The Move tool's options bar has the same buttons.
    opened.canvas.setFocus()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_V)
    button = opened.findChild(QToolButton, "MoveDistribute_vcenter")
    assert button.isVisible() and button.toolTip() == "Distribute Vertical Centers"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # centres 7 .. 52: B's to 29.5 -> 28
    assert (a.y, b.y, c.y) == (5, 28, 50)
    opened.actions["undo"].trigger()
    opened.actions["undo"].trigger()
    assert (a.x, a.y, b.x, b.y, c.x, c.y) == (2, 5, 12, 30, 60, 50)
    # A layer that would move with its position locked refuses the whole step, in one line.
    doc.set_lock(b, "position", True)
    opened.test_errors.clear()
    opened.actions["distribute_right"].trigger()
    assert (a.x, b.x, c.x) == (2, 12, 60)
    assert opened.test_errors == [("Could not distribute the layers",
                                   "Layer 'B' has its position locked: unlock its position "
                                   "in the Layers panel.")]
    doc.set_lock(b, "position", False)
    # Two layers are not enough: one line, nothing moves.
    doc.set_active(a)
    ctrl_click_row(opened, qtbot, b)
    opened.test_errors.clear()
    opened.actions["distribute_top"].trigger()
    assert "three or more" in opened.test_errors[0][1] and (b.y == 30)


def test_color_decontaminate_solves_the_mask_edge_from_the_old_background(opened, qtbot):
    doc = opened.doc
    red, blue = np.array([200, 40, 40]), np.array([30, 60, 200])
    # A soft selection (a feathered box); the layer is the red object blended over blue
    # by it, as a photo's soft edge is: the mask made from it cuts the object out.
    doc.set_selection(Box(20, 14, 30, 30))
    selection_ops.feather(doc, 8)
    a = selection_ops.current_mask(doc).astype(np.float64)[..., None] / 255
    pixels = np.dstack([np.rint(a * red + (1 - a) * blue), np.full((64, 96), 255)])
    layer = doc.add_image(pixels.astype(np.uint8), "Cut out", 0, 0)
    doc.set_active(layer)
    opened.test_errors.clear()
    in_modal_dialog(qtbot, opened.actions["color_decontaminate"].trigger, lambda d, s: None,
                    "ColorDecontaminateDialog")
    assert "needs a layer mask" in opened.test_errors[0][1]  # nothing to solve against
    opened.actions["mask_reveal_selection"].trigger()
    opened.actions["deselect"].trigger()
    doc.set_mask_targeted(False)  # the layer's thumbnail clicked: its pixels targeted
    before, mask = layer.pixels.copy(), layer.mask.pixels.copy()
    steps = doc.history.index
    in_modal_dialog(qtbot, opened.actions["color_decontaminate"].trigger,
                    lambda d, s: d.value.setValue(100), "ColorDecontaminateDialog")
    wait_step(qtbot, opened, steps)
    soft = (a[..., 0] > 0.15) & (a[..., 0] < 0.85)
    got = layer.pixels[soft][:, :3].astype(int)
    was = before[soft][:, :3].astype(int)
    assert np.abs(was - red).mean() > 60  # blue in the soft edge before ...
    assert np.abs(got - red).mean() < 12, np.abs(got - red).mean()  # ... the object's red now
    solid = a[..., 0] >= 0.999
    assert (layer.pixels[solid] == before[solid]).all()  # the solid object stays
    assert (layer.pixels[..., 3] == 255).all() and (layer.mask.pixels == mask).all()
    assert doc.history.undo_name() == "Color Decontaminate"
    opened.actions["undo"].trigger()
    assert (layer.pixels == before).all()
