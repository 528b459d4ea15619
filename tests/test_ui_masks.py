"""Layer masks and clipping masks driven through the window: Layer > Layer Mask, the
Brush on the targeted mask, Disable, Apply, Alt+Ctrl+G, undo of each step."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from editor.model import Layer
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import image_drag

W, H = 96, 64



def shown(window) -> np.ndarray:
    return composite_document(window.doc)


def test_mask_from_selection_paint_disable_apply_and_undo(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    original = shown(w)
    # Add mask from the selection: only the selected box stays visible.
    doc.set_selection(Box(20, 10, 40, 30))
    w._refresh_state()
    assert w.actions["mask_reveal_selection"].isEnabled()
    w.actions["mask_reveal_selection"].trigger()
    assert layer.mask is not None and doc.mask_targeted
    assert shown(w)[5, 5, 3] == 0 and shown(w)[20, 30, 3] == 255
    # Paint black on the mask with the Brush: it hides inside the selected box.
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    brush = w.tools.current
    brush.set_size(6)
    brush.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 0))
    pixels = layer.pixels.copy()
    steps = doc.history.count
    image_drag(qtbot, canvas, [(25, 20), (35, 20), (45, 20)])
    assert doc.history.count == steps + 1
    np.testing.assert_array_equal(layer.pixels, pixels)  # the pixels are not painted
    assert shown(w)[20, 35, 3] == 0 and shown(w)[30, 35, 3] == 255
    w.actions["undo"].trigger()
    assert shown(w)[20, 35, 3] == 255
    w.actions["redo"].trigger()
    assert shown(w)[20, 35, 3] == 0
    # The canvas shows it too (the renderer's composite, BGRA).
    w.session.renderer.update()
    assert w.session.renderer.composite.array[20, 35, 3] == 0
    # Disable: everything shows again; undo re-enables.
    w.actions["mask_disable"].trigger()
    np.testing.assert_array_equal(shown(w), original)
    w.actions["undo"].trigger()
    assert shown(w)[20, 35, 3] == 0
    # Apply: the mask goes into the pixels' alpha; undo brings the mask back.
    masked = shown(w)
    w.actions["mask_apply"].trigger()
    assert layer.mask is None and layer.pixels[20, 35, 3] == 0
    np.testing.assert_array_equal(shown(w), masked)
    w.actions["undo"].trigger()
    assert layer.mask is not None and layer.pixels[20, 35, 3] == 255
    # Delete, undo.
    w.actions["mask_delete"].trigger()
    np.testing.assert_array_equal(shown(w), original)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(shown(w), masked)


def test_alt_ctrl_g_clips_a_layer_to_the_one_below(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    base = next(doc.layers())
    # A base with a transparent hole, and a red layer above it.
    hole = base.pixels.copy()
    hole[10:30, 10:30, 3] = 0
    doc.set_pixels(base, hole)
    red = np.zeros((H, W, 4), np.uint8)
    red[..., 0] = red[..., 3] = 255
    doc.add_layer(Layer("red", red))
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier)
    top = doc.active
    assert top.clipping and doc.history.undo_name() == "Create Clipping Mask"
    out = shown(w)
    assert out[20, 20, 3] == 0 and tuple(out[50, 50]) == (255, 0, 0, 255)
    assert w.actions["clipping"].text().startswith("Release")
    w.actions["undo"].trigger()
    assert not top.clipping and tuple(shown(w)[20, 20]) == (255, 0, 0, 255)


def test_layers_panel_mask_button_thumbnail_and_properties(opened, qtbot):
    from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QToolButton

    from editor.ui.layers_panel import ARROW_W, EYE_W, MASK_GAP, ROW_H, THUMB

    w, doc = opened, opened.doc
    layer = next(doc.layers())
    panel = w.layers_panel
    # Alt+click on the mask button: Hide All.
    button = panel.findChild(QToolButton, "LayerButton_mask")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier)
    assert layer.mask is not None and layer.mask.default == 0 and shown(w)[..., 3].max() == 0
    w.actions["undo"].trigger()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # Reveal All
    assert layer.mask is not None and (layer.mask.pixels == 255).all()
    # The mask thumbnail: Shift+click disables, click targets it, Ctrl+click selects it.
    panel.list.rebuild()
    row = panel.list.row_of(layer)
    at = QPoint(EYE_W + ARROW_W + THUMB + MASK_GAP + THUMB // 2, row * ROW_H + ROW_H // 2)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, at)
    assert not layer.mask.enabled
    w.actions["undo"].trigger()
    assert layer.mask.enabled
    doc.set_mask_targeted(False)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert doc.mask_targeted
    layer.mask.pixels[:10] = 0  # (as a stroke would; the selection reads the mask)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, at)
    assert doc.selection == Box(0, 10, W, H - 10)  # a plain rectangle is kept as a box
    # Properties: density and feather, one undo step each.
    density = w.findChild(QSpinBox, "PropMaskDensity")
    feather = w.findChild(QDoubleSpinBox, "PropMaskFeather")
    qtbot.waitUntil(lambda: density.isVisibleTo(density.window()), timeout=3000)
    density.setValue(50)
    assert layer.mask.density == 128
    feather.setValue(3.0)
    assert layer.mask.feather == 3.0
    w.actions["undo"].trigger()
    assert layer.mask.feather == 0.0 and layer.mask.density == 128
    # Two values typed one after the other are two steps, as the Layers panel's opacity.
    density.setValue(20)
    density.setValue(10)
    assert layer.mask.density == 26
    w.actions["undo"].trigger()
    assert layer.mask.density == 51
    w.actions["undo"].trigger()
    assert layer.mask.density == 128


def test_moving_a_masked_layer_moves_its_linked_mask(opened, qtbot):
    from editor.ui.preview import LayerPreview

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    doc.set_selection(Box(20, 10, 40, 30))
    w.actions["mask_reveal_selection"].trigger()
    doc.set_selection(None)
    preview = LayerPreview(w.session, layer)  # what a drag shows: the layer through its mask
    assert preview.exact
    before = shown(w)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(30, 20), (35, 22), (40, 24)])
    assert (layer.x, layer.y) == (10, 4) and (layer.mask.x, layer.mask.y) == (10, 4)
    after = shown(w)
    np.testing.assert_array_equal(after[14:44, 30:70], before[10:40, 20:60])
    w.actions["undo"].trigger()
    assert (layer.mask.x, layer.mask.y) == (0, 0)


def test_alt_click_on_the_mask_thumbnail_shows_the_mask_alone(opened, qtbot):
    from editor.ui.layers_panel import ARROW_W, EYE_W, MASK_GAP, ROW_H, THUMB

    w, doc = opened, opened.doc
    layer = next(doc.layers())
    doc.set_selection(Box(20, 10, 40, 30))
    w.actions["mask_reveal_selection"].trigger()
    panel = w.layers_panel
    panel.list.rebuild()
    row = panel.list.row_of(layer)
    at = QPoint(EYE_W + ARROW_W + THUMB + MASK_GAP + THUMB // 2, row * ROW_H + ROW_H // 2)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, at)
    renderer = w.session.renderer
    renderer.update()
    view = renderer.composite.array
    assert tuple(view[20, 30]) == (255, 255, 255, 255) and tuple(view[5, 5]) == (0, 0, 0, 255)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, at)
    renderer.update()
    fresh = type(renderer)(doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


@pytest.mark.parametrize("then", ["another layer", "its pixels"])
def test_the_mask_alone_ends_when_another_layer_or_the_pixels_are_targeted(opened, qtbot, then):
    """Alt+click on a mask thumbnail shows the mask alone; clicking another layer, or the
    layer's own thumbnail to paint its pixels, shows the image again (Photoshop), instead
    of leaving the canvas on a mask the brush no longer paints."""
    from editor.ui.layers_panel import MASK_GAP, THUMB

    w, doc = opened, opened.doc
    layer = next(doc.layers())
    w.actions["mask_hide_all"].trigger()
    w.actions["new_layer"].trigger()
    other = doc.active
    rows = w.layers_panel.list
    rows.rebuild()
    at = rows.mask_thumb_rect(layer, "mask").center()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier, at)
    renderer = w.session.renderer
    assert renderer.mask_view is layer and doc.active is layer and doc.mask_targeted
    if then == "another layer":
        at = rows.row_rect(other).center()
    else:  # the layer thumbnail, left of the mask's
        at = rows.mask_thumb_rect(layer, "mask").center() - QPoint(THUMB + MASK_GAP, 0)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert not doc.mask_targeted
    assert renderer.mask_view is None
    renderer.update()
    fresh = type(renderer)(doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


def test_free_transform_scales_a_linked_mask_with_its_layer_in_one_step(opened, qtbot):
    from editor.model import LayerMask
    from editor.model.commands import SetMask
    from editor.model.resample import transform_pixels
    from ui_helpers import photo

    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    coverage = photo(12, 8, "chelsea")[..., 0].copy()
    doc.history.push(SetMask(layer, LayerMask(coverage, 33, 21, default=0)))
    pixels, mask = layer.pixels.copy(), layer.mask.copy()
    # The mask as an image, scaled twice as wide about the layer's left edge (x = 30).
    image = np.zeros((8, 12, 4), np.uint8)
    image[..., 3] = coverage
    expected, ex, ey = transform_pixels(image, (2.0, 0.0, 30 + 2 * (33 - 30), 0.0, 1.0, 21.0))
    canvas.set_zoom(4.0)
    canvas.setFocus()
    steps = doc.history.count
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    image_drag(qtbot, canvas, [(50, 25), (60, 25), (70, 25)])  # right-middle handle
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert (layer.x, layer.y, layer.width, layer.height) == (30, 20, 40, 10)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Free Transform"
    assert (layer.mask.x, layer.mask.y) == (ex, ey) == (36, 21)
    np.testing.assert_array_equal(layer.mask.pixels, expected[..., 3])
    opened.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, pixels)
    np.testing.assert_array_equal(layer.mask.pixels, mask.pixels)
    assert layer.mask.bounds() == mask.bounds()
    # Unlinked, the mask stays where it is.
    doc.history.push(SetMask(layer, LayerMask(coverage, 33, 21, default=0, linked=False)))
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    image_drag(qtbot, canvas, [(50, 25), (60, 25), (70, 25)])
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert layer.width == 40
    assert layer.mask.bounds() == mask.bounds()
    np.testing.assert_array_equal(layer.mask.pixels, coverage)


def test_free_transform_distort_warps_a_linked_mask_like_its_layer(opened, qtbot):
    from editor.model import LayerMask
    from editor.model.commands import SetMask
    from ui_helpers import photo

    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(20, 10, "astronaut"), "Astronaut", 30, 20)
    # An all-revealing mask over exactly the opaque layer, hiding outside: warped the same
    # way, it must equal the layer's warped alpha.
    doc.history.push(SetMask(layer, LayerMask(np.full((10, 20), 255, np.uint8), 30, 20,
                                              default=0)))
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    image_drag(qtbot, canvas, [(50, 20), (55, 16), (60, 12)],
               modifier=Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert layer.bounds() == Box(30, 12, 30, 18) == layer.mask.bounds()
    np.testing.assert_array_equal(layer.mask.pixels, layer.pixels[..., 3])
    opened.actions["undo"].trigger()
    assert layer.mask.bounds() == Box(30, 20, 20, 10) and (layer.mask.pixels == 255).all()


def test_clear_and_fill_act_on_the_targeted_mask_not_the_pixels(opened, qtbot):
    """With the mask targeted (its thumbnail clicked, or an adjustment layer active), Delete
    fills the selection of the mask with the background colour and Edit > Fill with the
    grey of its colour, as in Photoshop: the layer's pixels are not erased, and an
    adjustment layer's mask can be filled (it answered that it had no pixels)."""
    from PySide6.QtCore import QTimer

    from editor.ui.edit_commands import FillDialog

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    pixels = layer.pixels.copy()
    w.actions["mask_hide_all"].trigger()
    assert doc.mask_targeted
    box = Box(20, 10, 30, 20)
    doc.set_selection(box)
    steps = doc.history.count
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)  # background colour: white, it reveals
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Clear"
    np.testing.assert_array_equal(layer.pixels, pixels)
    assert (layer.mask.raw_crop(box) == 255).all() and layer.mask.raw_crop(Box(0, 0, 10, 10)).max() == 0
    w.actions["undo"].trigger()
    assert layer.mask.raw_crop(box).max() == 0

    doc.set_selection(None)
    w.actions["adjustment_levels"].trigger()  # its mask reveals all
    adjustment = doc.active
    doc.set_selection(box)
    w.set_foreground(QColor(0, 0, 0))

    def accept():
        dialog = next(d for d in w.findChildren(FillDialog) if d.isVisible())
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, accept)
    qtbot.keyClick(canvas, Qt.Key.Key_F5, Qt.KeyboardModifier.ShiftModifier)
    assert not w.test_errors
    assert doc.history.undo_name() == "Fill"
    assert (adjustment.mask.raw_crop(box) == 0).all() and adjustment.mask.raw_crop(Box(0, 0, 10, 10)).min() == 255
    w.actions["undo"].trigger()
    assert (adjustment.mask.raw_crop(box) == 255).all()


def test_gradient_on_a_targeted_mask_fades_the_layer_not_its_pixels(opened, qtbot):
    """With a mask targeted (here a group's), a Gradient drag draws black to white on the
    mask, Photoshop's way of fading a layer out; it painted the layer's pixels (and on a
    group answered that a group cannot be filled)."""
    from editor.model import Group

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    group = doc.group([layer])
    assert isinstance(group, Group)
    pixels = layer.pixels.copy()
    w.actions["mask_reveal_all"].trigger()
    assert doc.mask_targeted and doc.active is group
    w.set_foreground(QColor(0, 0, 0))
    w.set_background(QColor(255, 255, 255))
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    tool = w.tools.current
    tool.set_shape("gradient")
    steps = doc.history.count
    image_drag(qtbot, canvas, [(16, 10), (40, 10), (80, 10)])
    assert not w.test_errors and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Gradient"
    np.testing.assert_array_equal(layer.pixels, pixels)
    row = group.mask.raw_crop(doc.canvas)[30]
    assert (row[:16] == 0).all() and (row[81:] == 255).all()
    assert abs(int(row[48]) - 128) <= 3 and (np.diff(row.astype(int)) >= 0).all()
    w.actions["undo"].trigger()
    assert (group.mask.raw_crop(doc.canvas) == 255).all()


def test_paint_bucket_on_a_targeted_mask_fills_the_mask_not_the_pixels(opened, qtbot):
    """With the mask targeted, the Paint Bucket floods the mask's own values with the grey
    of the foreground colour (as Brush, Fill and Gradient do on a mask); it filled the
    layer's pixels."""
    from ui_helpers import image_pos

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    pixels = layer.pixels.copy()
    box = Box(20, 10, 30, 20)
    doc.set_selection(box)
    w.actions["mask_reveal_selection"].trigger()  # white in the box, black around it
    doc.set_selection(None)
    assert doc.mask_targeted
    before = layer.mask.raw_crop(doc.canvas)
    w.set_foreground(QColor(255, 0, 0))  # grey 76 on a mask
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_G)
    tool = w.tools.current
    assert tool.id == "fill"
    tool.set_shape("bucket")
    steps = doc.history.count
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 30, 20))
    assert not w.test_errors
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Paint Bucket"
    np.testing.assert_array_equal(layer.pixels, pixels)
    expected = before.copy()
    expected[box.slices()] = 76  # the white region it was clicked in, nothing else
    np.testing.assert_array_equal(layer.mask.raw_crop(doc.canvas), expected)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.mask.raw_crop(doc.canvas), before)


def test_stroke_on_a_targeted_mask_strokes_the_mask_not_the_pixels(opened, qtbot):
    """Edit > Stroke with the mask targeted draws its line in grey on the mask (one step);
    it drew on the layer's pixels."""
    from PySide6.QtCore import QTimer

    from editor.ui.edit_commands import StrokeDialog

    w, doc = opened, opened.doc
    layer = next(doc.layers())
    pixels = layer.pixels.copy()
    w.actions["mask_reveal_all"].trigger()
    assert doc.mask_targeted
    box = Box(20, 10, 30, 24)
    doc.set_selection(box)
    w.set_foreground(QColor(0, 0, 0))

    def accept():
        dialog = next(d for d in w.findChildren(StrokeDialog) if d.isVisible())
        dialog.width_box.setValue(3)
        dialog.location.button(0).setChecked(True)  # inside
        dialog.buttons.accepted.emit()

    steps = doc.history.count
    QTimer.singleShot(0, accept)
    w.actions["stroke"].trigger()
    assert not w.test_errors
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Stroke"
    np.testing.assert_array_equal(layer.pixels, pixels)
    hidden = layer.mask.raw_crop(doc.canvas) == 0
    expected = np.zeros((H, W), bool)
    expected[box.slices()] = True
    expected[box.expand(-3).slices()] = False
    np.testing.assert_array_equal(hidden, expected)  # a 3 px black line just inside the box
    assert set(np.unique(layer.mask.raw_crop(doc.canvas))) == {0, 255}
    w.actions["undo"].trigger()
    assert (layer.mask.raw_crop(doc.canvas) == 255).all()


def _levels_with_an_l_shaped_mask(w):
    """A Levels adjustment whose mask reveals an L (two boxes selected, framed by
    Box(30, 20, 30, 20)) and hides the rest: no symmetry a flip or turn could hide."""
    from editor.model import selection_ops

    doc = w.doc
    doc.set_selection(Box(30, 20, 30, 6))
    selection_ops.select_mask(doc, selection_ops.rect_mask(doc, Box(30, 26, 8, 14)), "add")
    w.actions["adjustment_levels"].trigger()
    levels = doc.active
    doc.set_selection(None)
    values = levels.mask.raw_crop(doc.canvas)
    assert values[20:26, 30:60].min() == 255 and values[26:40, 30:38].min() == 255
    assert values.sum() == 255 * (30 * 6 + 8 * 14)
    return levels


def _assert_canvas_current(w) -> None:
    renderer = w.session.renderer
    renderer.update()
    fresh = type(renderer)(w.doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


@pytest.mark.parametrize("action", ["flip_h", "flip_v", "rotate_cw", "rotate_ccw"])
def test_flips_and_quarter_turns_of_an_adjustment_layer_transform_its_mask(opened, qtbot, action):
    """An adjustment layer has no pixels, only its mask: Edit > Transform flips and turns the
    mask (about the box of what it reveals, as a layer's pixels), one undo step; it did
    nothing."""
    w, doc = opened, opened.doc
    levels = _levels_with_an_l_shaped_mask(w)
    before = levels.mask.copy()
    canvas_before = levels.mask.raw_crop(doc.canvas)
    frame = Box(30, 20, 30, 20)
    crop = canvas_before[frame.slices()]
    expected = np.zeros((H, W), np.uint8)
    if action == "flip_h":
        expected[frame.slices()] = crop[:, ::-1]
    elif action == "flip_v":
        expected[frame.slices()] = crop[::-1]
    else:  # about the frame's centre (45, 30): a 20 x 30 box at (35, 15)
        expected[15:45, 35:55] = np.rot90(crop, -1 if action == "rotate_cw" else 1)
    steps = doc.history.count
    w.actions[action].trigger()
    assert not w.test_errors
    assert doc.history.count == steps + 1
    assert doc.history.undo_name() == w.actions[action].text().replace("&", "")
    np.testing.assert_array_equal(levels.mask.raw_crop(doc.canvas), expected)
    _assert_canvas_current(w)
    w.actions["undo"].trigger()
    assert levels.mask.bounds() == before.bounds()
    np.testing.assert_array_equal(levels.mask.pixels, before.pixels)
    _assert_canvas_current(w)


def test_free_transform_of_an_adjustment_layer_scales_its_mask(opened, qtbot):
    """Ctrl+T on an adjustment layer frames what its mask reveals; dragging the right-middle
    handle scales the mask, one undo step that undoes exactly; it answered that the layer
    was empty."""
    from editor.model.resample import transform_pixels

    w, doc, canvas = opened, opened.doc, opened.canvas
    levels = _levels_with_an_l_shaped_mask(w)
    before = levels.mask.copy()
    # The mask as an image, scaled twice as wide about the frame's left edge (x = 30).
    image = np.zeros((before.height, before.width, 4), np.uint8)
    image[..., 3] = before.pixels
    expected, ex, ey = transform_pixels(image, (2.0, 0.0, 30 + 2 * (before.x - 30), 0.0, 1.0,
                                                float(before.y)),
                                        doc.canvas.expand(doc.width, doc.height))
    canvas.set_zoom(4.0)
    canvas.setFocus()
    steps = doc.history.count
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not w.test_errors and w.tools.mode is not None
    image_drag(qtbot, canvas, [(60, 30), (70, 30), (90, 30)])  # right-middle handle
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert not w.test_errors
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Free Transform"
    assert (levels.mask.x, levels.mask.y) == (ex, ey)
    np.testing.assert_array_equal(levels.mask.pixels, expected[..., 3])
    assert levels.mask.raw_crop(doc.canvas)[20:26, 31:89].min() == 255  # the L's top, longer
    _assert_canvas_current(w)
    w.actions["undo"].trigger()
    assert levels.mask.bounds() == before.bounds()
    np.testing.assert_array_equal(levels.mask.pixels, before.pixels)


@pytest.mark.parametrize("action", ["free_transform", "flip_h", "rotate_cw"])
@pytest.mark.parametrize("state, why", [("mask_delete", "has no layer mask"),
                                        ("mask_unlink", "is unlinked")])
def test_transforming_an_adjustment_layer_without_its_mask_says_why(opened, qtbot, action,
                                                                     state, why):
    """No mask (or one unlinked from it), nothing to transform: one readable line, the
    document unchanged; a flip or turn did nothing and said nothing."""
    w, doc = opened, opened.doc
    w.actions["adjustment_levels"].trigger()
    levels = doc.active
    w.actions[state].trigger()
    assert levels.mask is None or not levels.mask.linked
    steps = doc.history.count
    w.actions[action].trigger()
    assert w.tools.mode is None and doc.history.count == steps
    assert len(w.test_errors) == 1
    message = w.test_errors[0][1]
    assert why in message and "\n" not in message.strip()


def test_group_layers_on_a_clipped_layer_clips_the_group_instead(opened, qtbot, tmp_path):
    """Ctrl+G on a layer clipped to the one below: inside the new group it has no base, so
    it is released there and the group is clipped to that base instead (Photoshop's Group
    Layers on clipped layers): the Layers panel, the canvas and the saved PSD agree and the
    picture does not change. The layer kept its flag, drawn unclipped, so its pixels showed
    beyond the base, and a layer clipped above it was clipped to the group."""
    from editor.model import mask_ops
    from editor.model.files import open_document, save_document
    from ui_helpers import photo

    w, doc = opened, opened.doc
    base = doc.add_image(photo(30, 24, "astronaut"), "base", 10, 8)
    clipped = doc.add_image(photo(60, 40, "coffee"), "clipped", 20, 14)
    w.actions["clipping"].trigger()
    top = doc.add_image(photo(40, 30, "rocket"), "top", 0, 30)
    w.actions["clipping"].trigger()
    assert clipped.clipping and top.clipping
    picture = shown(w)
    doc.set_active(clipped)
    steps = doc.history.count
    w.actions["group"].trigger()
    group = doc.active
    assert clipped.parent is group and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Group Layers"
    assert not clipped.clipping and group.clipping
    assert mask_ops.clipping_base(group) is base and mask_ops.clipping_base(top) is base
    np.testing.assert_array_equal(shown(w), picture)
    _assert_canvas_current(w)
    path = str(tmp_path / "grouped.psd")
    save_document(doc, path)
    again = open_document(path)
    assert again.find_by_name(group.name).clipping
    assert not again.find_by_name("clipped").clipping and again.find_by_name("top").clipping
    np.testing.assert_array_equal(composite_document(again), picture)
    w.actions["undo"].trigger()
    assert clipped.clipping and clipped.parent is doc.root and group.parent is None
    np.testing.assert_array_equal(shown(w), picture)
    # Grouped with its base, it stays clipped to it inside the group; the group is not.
    doc.set_active(base)
    rows = w.layers_panel.list
    rows.rebuild()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     rows.row_rect(clipped).center())
    w.actions["group"].trigger()
    group = doc.active
    assert clipped.parent is group and base.parent is group
    assert clipped.clipping and not group.clipping


def _clipped_pair(w):
    """A base layer and a layer clipped to it (Alt+Ctrl+G), over the opened photo."""
    from ui_helpers import photo

    doc = w.doc
    base = doc.add_image(photo(30, 24, "astronaut"), "base", 10, 8)
    clipped = doc.add_image(photo(60, 40, "coffee"), "clipped", 20, 14)
    w.actions["clipping"].trigger()
    assert clipped.clipping
    return base, clipped


def _saved_and_reopened(doc, tmp_path, name):
    from editor.model.files import open_document, save_document

    path = str(tmp_path / name)
    save_document(doc, path)
    return open_document(path)


def test_dragging_a_clipped_layer_into_an_empty_group_releases_it(opened, qtbot, tmp_path):
    """A clipped layer dragged alone into a group in the Layers panel lands with nothing
    under it to clip to: it is released in the same step (Photoshop), so the panel shows no
    clip arrow, and the canvas and the saved PSD draw it unclipped. It kept its flag: the
    panel showed it clipped while the canvas and the file drew it as it is."""
    from editor.model import Group
    from ui_helpers import drag

    w, doc = opened, opened.doc
    base, clipped = _clipped_pair(w)
    w.actions["new_group"].trigger()
    group = doc.active
    assert isinstance(group, Group) and not group.children
    clipped_before = shown(w)
    rows = w.layers_panel.list
    rows.rebuild()
    start, end = rows.row_rect(clipped).center(), rows.row_rect(group).center()
    steps = doc.history.count
    drag(qtbot, rows, [start, QPoint(start.x(), (start.y() + end.y()) // 2), end])
    assert clipped.parent is group and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Reorder Layers"
    assert not clipped.clipping
    # Drawn as it is: beyond the base too (here the base has no pixels).
    picture = shown(w)
    np.testing.assert_array_equal(picture[45, 70], clipped.pixels[45 - 14, 70 - 20])
    assert (clipped_before[45, 70] != picture[45, 70]).any()
    _assert_canvas_current(w)
    again = _saved_and_reopened(doc, tmp_path, "dragged.psd")
    assert not again.find_by_name("clipped").clipping
    assert again.find_by_name("clipped").parent.name == group.name
    np.testing.assert_array_equal(composite_document(again), picture)
    w.actions["undo"].trigger()
    assert clipped.parent is doc.root and clipped.clipping
    np.testing.assert_array_equal(shown(w), clipped_before)
    _assert_canvas_current(w)
    w.actions["redo"].trigger()
    assert clipped.parent is group and not clipped.clipping
    assert not w.test_errors


def test_moving_the_base_away_or_deleting_it_releases_what_was_clipped_to_it(opened, qtbot,
                                                                           tmp_path):
    """Inside a group, Layer > Arrange > Bring Forward on the base leaves the layer clipped
    to it at the bottom with nothing to clip to, and so does deleting the base: the layer
    is released in that step. The picture is what the canvas drew before (a clipped layer
    with no base is drawn as it is); the panel, the canvas and the PSD now agree."""
    from editor.model.render import composite_nodes

    w, doc = opened, opened.doc
    base, clipped = _clipped_pair(w)
    rows = w.layers_panel.list
    doc.set_active(base)
    rows.rebuild()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     rows.row_rect(clipped).center())
    w.actions["group"].trigger()
    group = doc.active
    assert base.parent is group and clipped.clipping  # still clipped to its base inside
    clipped_picture = shown(w)
    for action, name in (("bring_forward", "Reorder Layers"), ("delete_layer", "Delete Layer")):
        doc.set_active(base)
        w._refresh_state()
        steps = doc.history.index
        w.actions[action].trigger()
        assert doc.history.index == steps + 1 and doc.history.undo_name() == name
        assert group.children[0] is clipped and not clipped.clipping
        picture = shown(w)
        # What the layers draw with the clipped one taken as it is.
        unclipped = [n.copy(share=True) for n in doc.root.children]
        expected = composite_nodes(unclipped, doc.canvas)
        np.testing.assert_array_equal(picture, expected)
        np.testing.assert_array_equal(picture[45, 70], clipped.pixels[45 - 14, 70 - 20])
        _assert_canvas_current(w)
        again = _saved_and_reopened(doc, tmp_path, f"{action}.psd")
        assert not again.find_by_name("clipped").clipping
        np.testing.assert_array_equal(composite_document(again), picture)
        w.actions["undo"].trigger()
        assert base.parent is group and group.children[0] is base and clipped.clipping
        np.testing.assert_array_equal(shown(w), clipped_picture)
        _assert_canvas_current(w)
    assert not w.test_errors


def test_ungrouping_a_clipped_group_clips_its_layers_to_the_base(opened, qtbot, tmp_path):
    """Shift+Ctrl+G on a group clipped to a base: its clip goes back to its layers, which
    are then clipped to that base, so the picture does not change (one undo step). The
    layers were left unclipped, drawn over everything beyond the base."""
    from ui_helpers import photo

    w, doc = opened, opened.doc
    base, clipped = _clipped_pair(w)
    top = doc.add_image(photo(40, 30, "rocket"), "top", 0, 30)
    w.actions["clipping"].trigger()
    rows = w.layers_panel.list
    rows.rebuild()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     rows.row_rect(clipped).center())
    picture = shown(w)
    w.actions["group"].trigger()  # both released inside the group, the group clipped
    group = doc.active
    assert group.children == [clipped, top] and group.clipping
    assert not clipped.clipping and not top.clipping
    np.testing.assert_array_equal(shown(w), picture)
    steps = doc.history.count
    w._refresh_state()
    assert w.actions["ungroup"].isEnabled()
    w.actions["ungroup"].trigger()
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Ungroup Layers"
    assert group.parent is None and clipped.parent is doc.root and top.parent is doc.root
    assert clipped.clipping and top.clipping
    assert mask_ops_base(clipped) is base and mask_ops_base(top) is base
    np.testing.assert_array_equal(shown(w), picture)
    _assert_canvas_current(w)
    again = _saved_and_reopened(doc, tmp_path, "ungrouped.psd")
    assert again.find_by_name("clipped").clipping and again.find_by_name("top").clipping
    np.testing.assert_array_equal(composite_document(again), picture)
    w.actions["undo"].trigger()
    assert clipped.parent is group and group.clipping and not clipped.clipping
    np.testing.assert_array_equal(shown(w), picture)
    _assert_canvas_current(w)
    # An unclipped group hands nothing on: its layers stay as they were.
    w.actions["clipping"].trigger()  # release the group (it is the active node)
    assert not group.clipping
    w.actions["ungroup"].trigger()
    assert not clipped.clipping and not top.clipping
    assert not w.test_errors


def mask_ops_base(node):
    from editor.model import mask_ops

    return mask_ops.clipping_base(node)


def test_a_layer_dragged_between_a_base_and_its_clipped_layer_joins_the_clipping_group(
        opened, qtbot, tmp_path):
    """Dropped over the base, under a layer clipped to it, a layer becomes clipped too (one
    step), as in Photoshop: the clipped layer above keeps its base, and the dropped layer
    shows only where the base does. Dropped elsewhere, it stays as it was."""
    from ui_helpers import drag, photo

    w, doc = opened, opened.doc
    base, clipped = _clipped_pair(w)
    extra = doc.add_image(photo(70, 50, "chelsea"), "extra", 0, 0)
    rows = w.layers_panel.list
    rows.rebuild()
    start, end = rows.row_rect(extra).center(), rows.row_rect(base).center()
    # The lower half of the clipped layer's row: between it and the base.
    target = rows.row_rect(clipped)
    end = QPoint(target.center().x(), target.bottom() - 2)
    steps = doc.history.count
    drag(qtbot, rows, [start, QPoint(start.x(), (start.y() + end.y()) // 2), end])
    assert doc.root.children.index(extra) == doc.root.children.index(base) + 1
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Reorder Layers"
    assert extra.clipping and clipped.clipping and not base.clipping
    picture = shown(w)
    # Outside the base (24 rows from y 8: below row 32) the dropped layer does not show.
    assert (picture[40, 30] != extra.pixels[40, 30]).any()
    # Inside the base, left of the clipped layer, it does (the photo is opaque).
    np.testing.assert_array_equal(picture[20, 12], extra.pixels[20, 12])
    _assert_canvas_current(w)
    again = _saved_and_reopened(doc, tmp_path, "joined.psd")
    assert again.find_by_name("extra").clipping and again.find_by_name("clipped").clipping
    np.testing.assert_array_equal(composite_document(again), picture)
    w.actions["undo"].trigger()
    assert doc.root.children[-1] is extra and not extra.clipping and clipped.clipping
    _assert_canvas_current(w)
    # Bring Forward of the base within its own stack does not clip the base.
    doc.set_active(base)
    w._refresh_state()
    w.actions["bring_forward"].trigger()
    assert not base.clipping
    assert not w.test_errors
