"""Edit > Transform > Warp driven as a user would: the 4 x 4 grid's points dragged, a style
chosen in the options bar, Enter commits one undo step, Esc leaves the layer as it was, a
linked mask bends with its layer; and the patch's resampling itself."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from editor.model import LayerMask, warp
from editor.model.commands import SetMask
from engine.box import Box

from ui_helpers import image_drag, image_pos, photo, zoomed_photo_window

W, H = 120, 90


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def _start_warp(window):
    window.actions["warp"].trigger()
    tool = window.tools.current
    assert window.tools.mode is tool and tool.id == "warp"
    return tool


def _line_layer(doc):
    """A transparent 80 x 40 layer at (20, 20) crossed by a white horizontal line (rows 19-20)."""
    pixels = np.zeros((40, 80, 4), np.uint8)
    pixels[19:21] = 255
    return doc.add_image(pixels, "Line", 20, 20), pixels


def test_identity_warp_resamples_to_the_same_pixels():
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (37, 53, 4), dtype=np.uint8)
    pixels[..., 3] = np.where(rng.random((37, 53)) < 0.2, 0, pixels[..., 3])  # holes, fades
    box = (0, 0, 53, 37)
    out, x, y = warp.warp_pixels(pixels, warp.identity(box), box)
    visible = pixels[..., 3] > 0  # a transparent pixel's colour is not kept
    assert (x, y) == (0, 0) and out.shape == pixels.shape
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])
    np.testing.assert_array_equal(out[visible], pixels[visible])
    # Moved by a whole number of pixels through the patch, the same pixels land there.
    moved, x, y = warp.warp_pixels(pixels, warp.identity((7, -3, 53, 37)), box)
    assert (x, y) == (7, -3)
    np.testing.assert_array_equal(moved[..., 3], pixels[..., 3])


def test_a_corner_dragged_in_and_back_leaves_the_layer_untouched(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = next(doc.layers())
    before, steps = layer.pixels.copy(), doc.history.count
    _start_warp(opened)
    image_drag(qtbot, canvas, [(W, H), (W - 10, H - 5), (W - 20, H - 10)])
    image_drag(qtbot, canvas, [(W - 20, H - 10), (W - 10, H - 5), (W, H)])
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert doc.history.count == steps
    assert (layer.x, layer.y) == (0, 0)
    np.testing.assert_array_equal(layer.pixels, before)


def test_dragging_a_corner_moves_its_pixels_there_in_one_undo_step(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(40, 20, "astronaut")
    pixels[-4:, -4:] = (255, 0, 0, 255)  # the bottom-right corner marked red
    pixels[:4, :4] = (0, 0, 255, 255)  # the top-left blue
    layer = doc.add_image(pixels, "Astronaut", 30, 20)
    steps = doc.history.count
    tool = _start_warp(opened)
    assert tool.box == (30, 20, 40, 20)
    # The bottom-right corner from (70, 40) to (82, 52).
    image_drag(qtbot, canvas, [(70, 40), (76, 46), (82, 52)])
    assert tuple(tool.grid[3, 3]) == (82.0, 52.0)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Warp"
    assert layer.bounds() == Box(30, 20, 52, 32)

    def at(x, y):
        return layer.pixels[y - layer.y, x - layer.x]

    assert tuple(at(80, 50)) == (255, 0, 0, 255)  # the red corner went with its point
    assert tuple(at(69, 39)) != (255, 0, 0, 255)  # and is not where it was
    assert tuple(at(31, 21)) == (0, 0, 255, 255)  # the opposite corner stayed
    assert at(81, 51)[3] > 0 and at(81, 20)[3] == 0  # bent, not scaled as a box
    after = layer.pixels.copy()
    opened.actions["undo"].trigger()
    assert layer.bounds() == Box(30, 20, 40, 20)
    np.testing.assert_array_equal(layer.pixels, pixels)
    opened.actions["redo"].trigger()
    np.testing.assert_array_equal(layer.pixels, after)


def test_arc_style_bends_a_straight_line_into_a_curve(opened, qtbot):
    doc = opened.doc
    layer, _ = _line_layer(doc)
    tool = _start_warp(opened)
    bar = tool.options()
    styles = bar.findChild(QComboBox, "WarpStyle")
    bend = bar.findChild(QDoubleSpinBox, "WarpBend")
    assert [styles.itemText(i) for i in range(styles.count())] == \
        ["None", "Custom", "Arc", "Arc Lower", "Arc Upper", "Arch", "Bulge", "Shell Lower",
         "Shell Upper", "Flag", "Wave", "Fish", "Rise", "Fisheye", "Inflate", "Squeeze",
         "Twist"]  # (Photoshop's Warp Style menu)
    assert not bend.isEnabled()
    styles.setCurrentText("Arc")
    assert bend.isEnabled() and bend.value() == 50.0  # Photoshop's default bend
    steps = doc.history.count
    # A double-click inside the grid commits, as Enter does.
    qtbot.mouseDClick(opened.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      image_pos(opened.canvas, 60, 40))
    assert opened.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Warp"

    def line_row(x):
        """The canvas row where the line crosses column x (its alpha's centre of mass)."""
        alpha = layer.pixels[:, x - layer.x, 3].astype(float)
        assert alpha.sum() > 0, f"no line at x={x}"
        return layer.y + (alpha * np.arange(len(alpha))).sum() / alpha.sum()

    columns = np.flatnonzero(layer.pixels[..., 3].any(axis=0)) + layer.x
    x0, x1 = columns[0] + 3, columns[-1] - 3
    # The bottom edge becomes an arc as long as it was, its ends on its line; the rows above
    # fan out (Photoshop's, measured on its Warp Text Arc: text_warp.py): the middle
    # row's chord is 2 (r + h / 2) sin 45 degrees, r = 80 / (pi / 2), about 100 px.
    assert 90 < x1 - x0 < 106
    left, middle, right = line_row(x0), line_row((x0 + x1) // 2), line_row(x1)
    assert middle < left - 5 and middle < right - 5  # bowed upwards
    assert abs(left - right) < 1.5  # symmetric
    quarter = line_row((3 * x0 + x1) // 4)
    assert middle < quarter < left  # a curve, not a bent line's two straight halves
    assert abs(quarter - (left + middle) / 2) > 0.5


def test_bend_changes_the_style_and_ctrl_z_steps_back(opened, qtbot):
    doc = opened.doc
    _line_layer(doc)
    tool = _start_warp(opened)
    bar = tool.options()
    bar.findChild(QComboBox, "WarpStyle").setCurrentText("Flag")
    flag = tool.grid.copy()
    bend = bar.findChild(QDoubleSpinBox, "WarpBend")
    bend.setValue(-20.0)
    assert not np.allclose(tool.grid, flag)
    np.testing.assert_allclose(tool.grid, warp.preset("Flag", -0.2, tool.box))
    # A drag inside the grid makes it Custom; Ctrl+Z takes back one change at a time.
    image_drag(qtbot, opened.canvas, [(60, 40), (62, 45), (64, 50)])
    assert tool.style == "Custom"
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tool.style == "Flag"
    np.testing.assert_allclose(tool.grid, warp.preset("Flag", -0.2, tool.box))
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_allclose(tool.grid, flag)


def test_dragging_inside_the_grid_pulls_the_point_under_the_pointer(opened, qtbot):
    doc = opened.doc
    layer, _ = _line_layer(doc)
    tool = _start_warp(opened)
    image_drag(qtbot, opened.canvas, [(60, 40), (60, 36), (60, 30)])
    # The grid's point that was under (60, 40) is now under (60, 30).
    s, t = (60 - 20) / 80, (40 - 20) / 40
    point = warp.evaluate_points(tool.grid, np.array([[s, t]]))[0]
    assert np.hypot(*(point - (60, 30))) < 1.0
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Return)
    column = layer.pixels[:, 60 - layer.x, 3].astype(float)
    assert abs(layer.y + (column * np.arange(len(column))).sum() / column.sum() - 30) < 1.5


def test_escape_leaves_the_layer_as_it_was(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer, pixels = _line_layer(doc)
    steps = doc.history.count
    tool = _start_warp(opened)
    tool.options().findChild(QComboBox, "WarpStyle").setCurrentText("Wave")
    image_drag(qtbot, canvas, [(20, 20), (15, 15), (10, 10)])
    grid = tool.grid.copy()
    opened.actions["flip_h"].trigger()  # the picture mirrored inside the same grid
    np.testing.assert_array_equal(tool.grid, grid[:, ::-1])
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert opened.tools.mode is None
    assert doc.history.count == steps
    assert layer.bounds() == Box(20, 20, 80, 40)
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_a_linked_mask_bends_with_its_layer_and_an_unlinked_one_stays(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(40, 20, "astronaut"), "Astronaut", 30, 20)
    # A mask revealing exactly the opaque layer, hiding outside: bent the same way, it must
    # equal the layer's bent alpha.
    doc.history.push(SetMask(layer, LayerMask(np.full((20, 40), 255, np.uint8), 30, 20,
                                              default=0)))
    steps = doc.history.count
    tool = _start_warp(opened)
    tool.options().findChild(QComboBox, "WarpStyle").setCurrentText("Bulge")
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.count == steps + 1
    assert layer.bounds() == layer.mask.bounds() and layer.bounds().h > 20
    np.testing.assert_array_equal(layer.mask.pixels, layer.pixels[..., 3])
    opened.actions["undo"].trigger()
    assert layer.mask.bounds() == Box(30, 20, 40, 20) and (layer.mask.pixels == 255).all()
    # Unlinked, the mask stays where it is.
    coverage = photo(12, 8, "chelsea")[..., 0].copy()
    doc.history.push(SetMask(layer, LayerMask(coverage, 33, 21, default=0, linked=False)))
    tool = _start_warp(opened)
    tool.options().findChild(QComboBox, "WarpStyle").setCurrentText("Arc")
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Warp" and layer.bounds() != Box(30, 20, 40, 20)
    assert layer.mask.bounds() == Box(33, 21, 12, 8)
    np.testing.assert_array_equal(layer.mask.pixels, coverage)


def test_warp_refuses_a_group_with_a_message(opened, qtbot):
    doc = opened.doc
    left = doc.add_image(photo(20, 10, "astronaut"), "Left", 30, 20)
    group = doc.group([left], "Pair")
    doc.set_active(group)
    opened.actions["warp"].trigger()
    assert opened.tools.mode is None
    assert opened.test_errors and "pixel layer" in opened.test_errors[-1][1]



def test_a_bent_layer_has_no_holes_inside_and_no_stray_pixels_outside():
    """Checked against the patch sampled forwards: every pixel the bent box covers (found
    by sending 3 x 3 points per source pixel through the patch) is opaque but for its edge,
    and nothing is drawn more than a pixel beyond it."""
    import cv2

    w, h = 600, 400
    pixels = photo(w, h, "coffee")
    box = (0, 0, w, h)
    grid = warp.identity(box)
    grid[2:, 2:] += (-150, -90)  # a corner pulled in with its handles
    grid[1, 1] += (60, 50)
    grid[0, 2] += (0, 80)
    out, x, y = warp.warp_pixels(pixels, grid, box)
    n = 3 * max(w, h)
    forward = warp.evaluate(grid, np.linspace(0, 1, n), np.linspace(0, 1, n)).reshape(-1, 2)
    hit = np.zeros(out.shape[:2], np.uint8)
    cols = np.clip(np.floor(forward[:, 0] - x).astype(int), 0, out.shape[1] - 1)
    rows = np.clip(np.floor(forward[:, 1] - y).astype(int), 0, out.shape[0] - 1)
    hit[rows, cols] = 1
    # (the edges fade over about a pixel, as bilinear sampling at a layer's edge does)
    inside = cv2.erode(hit, np.ones((5, 5), np.uint8), borderType=cv2.BORDER_CONSTANT,
                       borderValue=0)
    near = cv2.dilate(hit, np.ones((3, 3), np.uint8))
    alpha = out[..., 3]
    assert inside.sum() > 0.5 * w * h
    assert (alpha[inside > 0] == 255).all()
    assert (alpha[near == 0] == 0).all()


def test_a_linked_path_bends_with_its_layer(opened, qtbot):
    from editor.model.commands import SetAttr
    from editor.model.vector_mask import Subpath, VectorMask

    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(photo(40, 20, "astronaut"), "Astronaut", 30, 20)
    corners = [(30, 20), (70, 20), (70, 40), (30, 40)]  # the layer's box as a vector mask
    knots = np.array([[c] * 3 for c in corners], float)
    doc.history.push(SetAttr(layer, "vector_mask", VectorMask([Subpath(knots, True, 1)],
                                                              doc.canvas)))
    _start_warp(opened)
    image_drag(qtbot, canvas, [(70, 40), (76, 46), (82, 52)])  # the bottom-right corner
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Warp"
    anchors = np.concatenate([k[:, 1] for k in layer.vector_mask.moved_knots()])
    np.testing.assert_allclose(anchors, [(30, 20), (70, 20), (82, 52), (30, 40)], atol=1e-6)
    opened.actions["undo"].trigger()
    anchors = np.concatenate([k[:, 1] for k in layer.vector_mask.moved_knots()])
    np.testing.assert_allclose(anchors, corners)
