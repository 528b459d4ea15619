"""Edit > Puppet Warp driven as a user would: pins clicked onto the mesh and dragged, Alt+click
and Delete remove them, Enter commits one undo step (a linked mask bends along), Esc leaves
the layer as it was; and the mesh over the layer's opaque pixels."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSpinBox, QToolButton

from editor.model import LayerMask, puppet
from editor.model.commands import SetMask

from ui_helpers import image_drag, image_pos, photo, zoomed_photo_window

W, H = 120, 90


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def _start(window):
    window.actions["puppet_warp"].trigger()
    tool = window.tools.current
    assert window.tools.mode is tool and tool.id == "puppet_warp"
    return tool


def _click(qtbot, canvas, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, modifier, image_pos(canvas, x, y))


def _on_canvas(layer, pad=40):
    """The layer's pixels placed on a transparent canvas grown by `pad` each side."""
    out = np.zeros((H + 2 * pad, W + 2 * pad, 4), np.uint8)
    h, w = layer.pixels.shape[:2]
    out[layer.y + pad:layer.y + pad + h, layer.x + pad:layer.x + pad + w] = layer.pixels
    return out


def _shape(w, h, which="astronaut"):
    """A photo with its top-right corner cut away (transparent): not a plain box."""
    pixels = photo(w, h, which)
    yy, xx = np.mgrid[0:h, 0:w]
    pixels[(xx - w * 0.6) > yy * 1.5, 3] = 0
    return pixels


def _alpha_row(layer, x):
    """The canvas row of the alpha's centre of mass in column x."""
    alpha = layer.pixels[:, x - layer.x, 3].astype(float)
    assert alpha.sum() > 0, f"nothing at x={x}"
    return layer.y + (alpha * np.arange(len(alpha))).sum() / alpha.sum() + 0.5


def test_the_mesh_covers_the_opaque_pixels_and_follows_density_and_expansion(opened, qtbot):
    doc = opened.doc
    pixels = _shape(60, 40)
    doc.add_image(pixels, "Shape", 30, 20)
    tool = _start(opened)
    mesh = tool.mesh
    rows, cols = np.nonzero(pixels[..., 3])
    centres = np.column_stack([cols + 30.5, rows + 20.5])
    assert puppet.locate(mesh.points, mesh.triangles, centres)[2].all()
    # The cut-away corner is mostly left out: the mesh follows the shape, not the box.
    corner = np.array([[88.5, 21.5], [86.5, 23.5]])
    assert not puppet.locate(mesh.points, mesh.triangles, corner)[2].any()
    bar = tool.options()
    density = bar.findChild(QComboBox, "PuppetDensity")
    assert [density.itemText(i) for i in range(density.count())] == \
        ["Fewer Points", "Normal", "More Points"]
    normal = len(tool.mesh.points)
    density.setCurrentText("More Points")
    assert len(tool.mesh.points) > normal
    density.setCurrentText("Fewer Points")
    assert len(tool.mesh.points) < normal
    # Expansion: the mesh reaches further beyond the opaque pixels.
    far = np.array([[30.5 - 9, 40.5]])
    assert not puppet.locate(tool.mesh.points, tool.mesh.triangles, far)[2].any()
    bar.findChild(QSpinBox, "PuppetExpansion").setValue(12)
    assert puppet.locate(tool.mesh.points, tool.mesh.triangles, far)[2].all()
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Escape)


def test_one_pin_dragged_moves_the_layer_rigidly_in_one_undo_step(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = _shape(40, 24)
    layer = doc.add_image(pixels, "Shape", 30, 20)
    before = _on_canvas(layer)
    steps = doc.history.count
    tool = _start(opened)
    image_drag(qtbot, canvas, [(40, 30), (44, 32), (47, 34)])  # a new pin, dragged (7, 4)
    assert len(tool.targets) == 1 and tuple(tool.targets[0]) == (47.0, 34.0)
    np.testing.assert_allclose(tool.bent, tool.mesh.points + (7, 4), atol=1e-6)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Puppet Warp"
    after = _on_canvas(layer)
    expected = np.zeros_like(before)
    expected[4:, 7:] = before[:-4, :-7]
    np.testing.assert_array_equal(after[..., 3], expected[..., 3])
    visible = expected[..., 3] > 0
    np.testing.assert_array_equal(after[visible], expected[visible])
    # Undo restores the layer exactly; redo brings the warp back.
    opened.actions["undo"].trigger()
    assert (layer.x, layer.y) == (30, 20)
    np.testing.assert_array_equal(layer.pixels, pixels)
    opened.actions["redo"].trigger()
    np.testing.assert_array_equal(_on_canvas(layer), after)


def test_two_pins_hold_and_a_third_bends_the_part_near_it(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    import cv2

    # (smoothed: a pixel held within a tenth of a pixel then keeps its colour)
    pixels = cv2.GaussianBlur(photo(100, 16, "coffee"), (0, 0), 2.0)
    layer = doc.add_image(pixels, "Bar", 10, 30)
    before = _on_canvas(layer)
    tool = _start(opened)
    _click(qtbot, canvas, 15, 38)
    _click(qtbot, canvas, 50, 38)
    image_drag(qtbot, canvas, [(104, 38), (104, 48), (104, 58)])  # the right end, 20 down
    assert len(tool.targets) == 3
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Puppet Warp"
    after = _on_canvas(layer)
    pad = 40

    def at(image, x, y):
        return image[y + pad, x + pad, :3].astype(int)

    # The pixels under the held pins are where they were, and the dragged pin's one is
    # where it was dragged to.
    for x, y in ((15, 38), (50, 38)):
        assert np.abs(at(after, x, y) - at(before, x, y)).max() <= 3
    assert np.abs(at(after, 104, 58) - at(before, 104, 38)).max() <= 6
    # The held part stays, the dragged end went down, and what lies between bends.
    assert abs(_alpha_row(layer, 15) - 38) < 0.6 and abs(_alpha_row(layer, 50) - 38) < 0.6
    assert abs(_alpha_row(layer, 104) - 58) < 1.5
    middle, near = _alpha_row(layer, 77), _alpha_row(layer, 92)
    assert 39 < middle < near < 57
    # (a curve, not a hinge: the slope grows along the bar)
    assert (near - middle) / 15 > (middle - 38) / 27


def test_alt_drag_near_a_pin_turns_the_layer_around_it(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(40, 12, "astronaut")
    pixels[:, -4:] = (255, 0, 0, 255)  # the right end marked red
    layer = doc.add_image(pixels, "Bar", 40, 40)
    tool = _start(opened)
    _click(qtbot, canvas, 50, 46)
    # Alt+drag from 8 px right of the pin (not on it) to 8 px below: a quarter turn clockwise.
    image_drag(qtbot, canvas, [(58, 46), (56, 51), (50, 54)],
               modifier=Qt.KeyboardModifier.AltModifier)
    assert len(tool.targets) == 1 and abs(tool.angles[0] - np.pi / 2) < 1e-9
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Puppet Warp"
    # Turned about the pin at (50, 46): the bar now stands upright, its red end at the bottom.
    assert layer.bounds().w < 20 and layer.bounds().h > 36
    after = _on_canvas(layer)
    pad = 40
    expected = np.zeros_like(after)
    # pixel (x, y) of the bar goes to (50 - (y - 46) - 1, 46 + (x - 50)) on the canvas
    turned = np.rot90(pixels, k=-1)  # clockwise: (12, 40) -> (40, 12)
    expected[pad + 36:pad + 76, pad + 44:pad + 56] = turned
    inner = expected[..., 3] > 0
    np.testing.assert_array_equal(after[inner], expected[inner])
    assert (after[..., 3][~inner] == 0).all()


def test_enter_is_one_step_and_a_linked_mask_bends_along(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(60, 24, "astronaut")
    layer = doc.add_image(pixels, "Astronaut", 30, 30)
    mask = np.full((24, 60), 255, np.uint8)  # revealing exactly the layer, hiding outside
    doc.history.push(SetMask(layer, LayerMask(mask, 30, 30, default=0)))
    steps = doc.history.count
    tool = _start(opened)
    _click(qtbot, canvas, 35, 42)
    image_drag(qtbot, canvas, [(85, 42), (85, 36), (86, 26)])
    assert len(tool.targets) == 2
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Puppet Warp"
    assert layer.bounds() != (30, 30, 60, 24)
    assert layer.mask.bounds() == layer.bounds()
    np.testing.assert_array_equal(layer.mask.pixels, layer.pixels[..., 3])
    opened.actions["undo"].trigger()
    assert doc.history.undo_name() != "Puppet Warp"
    np.testing.assert_array_equal(layer.pixels, pixels)
    assert (layer.mask.x, layer.mask.y) == (30, 30)
    np.testing.assert_array_equal(layer.mask.pixels, mask)


def test_pins_are_added_removed_and_escape_leaves_the_layer_as_it_was(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = _shape(60, 40)
    layer = doc.add_image(pixels, "Shape", 30, 20)
    steps = doc.history.count
    tool = _start(opened)
    _click(qtbot, canvas, 5, 5)  # off the mesh: no pin
    assert len(tool.targets) == 0
    _click(qtbot, canvas, 40, 30)
    _click(qtbot, canvas, 60, 50)
    assert len(tool.targets) == 2 and tool.selected == 1
    _click(qtbot, canvas, 40, 30, Qt.KeyboardModifier.AltModifier)  # Alt+click removes
    assert [tuple(p) for p in tool.targets] == [(60.0, 50.0)]
    _click(qtbot, canvas, 60, 50)  # a click on a pin selects it
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(tool.targets) == 0
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # steps back
    assert len(tool.targets) == 1
    _click(qtbot, canvas, 35, 55)
    image_drag(qtbot, canvas, [(60, 50), (70, 40), (80, 30)])
    assert not np.allclose(tool.bent, tool.mesh.points)
    # The options bar's Mode: Distort lets triangles grow, Rigid keeps them (Normal between).
    mode = tool.options().findChild(QComboBox, "PuppetMode")
    assert mode.currentText() == "Normal"
    normal = tool.bent.copy()
    mode.setCurrentText("Distort")
    assert not np.allclose(tool.bent, normal, atol=0.05)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert opened.tools.mode is None
    assert doc.history.count == steps
    assert (layer.x, layer.y) == (30, 20)
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_puppet_warp_refuses_a_group_and_an_empty_layer_in_one_line(opened, qtbot):
    doc = opened.doc
    left = doc.add_image(photo(20, 10, "astronaut"), "Left", 30, 20)
    group = doc.group([left], "Pair")
    doc.set_active(group)
    opened.actions["puppet_warp"].trigger()
    assert opened.tools.mode is None
    assert "pixel layer" in opened.test_errors[-1][1]
    empty = doc.add_image(np.zeros((10, 10, 4), np.uint8), "Empty", 5, 5)
    doc.set_active(empty)
    opened.actions["puppet_warp"].trigger()
    assert opened.tools.mode is None
    message = opened.test_errors[-1][1]
    assert "nothing" in message and "\n" not in message


@pytest.mark.parametrize("keys, front", [((), "red"), ((Qt.Key.Key_BracketRight,), "blue"),
                                          ((Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft,
                                            Qt.Key.Key_BracketLeft), "red")])
def test_pin_depth_puts_the_folded_part_in_front_or_behind(opened, qtbot, keys, front):
    """A bar, red on its left half and blue on its right, pinned at both ends and in the
    middle; the right end dragged round over the top onto the left half: the right half
    folds over the left. Pin Depth (] forward, [ backward) on the dragged pin decides which
    half shows where they overlap."""
    doc, canvas = opened.doc, opened.canvas
    pixels = np.zeros((10, 100, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, :50, 0] = 255
    pixels[:, 50:, 2] = 255
    layer = doc.add_image(pixels, "Bar", 10, 40)
    tool = _start(opened)
    _click(qtbot, canvas, 15, 45)
    _click(qtbot, canvas, 60, 45)
    _click(qtbot, canvas, 105, 45)
    image_drag(qtbot, canvas, [(105, 45), (95, 30), (80, 15), (60, 8), (40, 15), (30, 30),
                               (25, 45)])
    assert tool.selected == 2
    for key in keys:
        qtbot.keyClick(canvas, key)
    assert tool.depths[2] == sum(1 if k == Qt.Key.Key_BracketRight else -1 for k in keys)
    bar = tool.options()
    assert bar.findChild(QToolButton, "PuppetPinForward") is not None
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Puppet Warp"
    seen = _on_canvas(layer)[45 + 40, 40 + 40, :3]
    assert tuple(seen) == ((255, 0, 0) if front == "red" else (0, 0, 255)), seen


def test_pin_depth_buttons_act_on_the_selected_pin_and_ctrl_z_steps_back(opened, qtbot):
    doc = opened.doc
    doc.add_image(photo(60, 30), "Photo", 20, 20)
    tool = _start(opened)
    bar = tool.options()
    forward = bar.findChild(QToolButton, "PuppetPinForward")
    backward = bar.findChild(QToolButton, "PuppetPinBackward")
    forward.click()  # no pin selected: nothing
    assert len(tool.depths) == 0
    _click(qtbot, opened.canvas, 40, 30)
    forward.click()
    forward.click()
    backward.click()
    assert list(tool.depths) == [1]
    assert tool.step_back() and list(tool.depths) == [2]
