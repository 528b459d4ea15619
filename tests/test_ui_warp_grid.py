"""Edit > Transform > Warp's options bar beyond the styles, driven as a user would: the
Bend orientation (a vertical style bends the columns), the Grid menu (the warp split into
rows x columns patches), the Split buttons, Remove Warp Split and Reset."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QToolButton

from editor.model import warp
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
    return tool, tool.options()


def _click(qtbot, button: QToolButton) -> None:
    assert button is not None and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_vertical_arc_bends_the_columns_fanning_out_from_the_right_edge(opened, qtbot):
    doc = opened.doc
    # A tall opaque layer crossed by a green vertical line (columns 19-20 of 40).
    pixels = photo(40, 80, "astronaut")
    pixels[:, 19:21] = (0, 255, 0, 255)
    layer = doc.add_image(pixels, "Tall", 30, 5)
    steps = doc.history.count
    tool, bar = _start_warp(opened)
    bar.findChild(QComboBox, "WarpStyle").setCurrentText("Arc")
    horizontal = tool.grid.copy()
    _click(qtbot, bar.findChild(QToolButton, "WarpVertical"))
    assert tool.vertical and not np.allclose(tool.grid, horizontal)
    # The transpose of the horizontal case: the left edge plays the top's part.
    turned = warp.preset("Arc", 0.5, (5, 30, 80, 40)).transpose(1, 0, 2)[..., ::-1]
    np.testing.assert_allclose(tool.grid, turned, atol=1e-9)
    qtbot.keyClick(opened.canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Warp"

    def alpha(x, y):
        x, y = x - layer.x, y - layer.y
        inside = 0 <= y < layer.pixels.shape[0] and 0 <= x < layer.pixels.shape[1]
        return layer.pixels[y, x, 3] if inside else 0

    # The right edge becomes an arc as long as it was (its ends on its line, its middle
    # bowed left); the columns to its left fan out (a fan turned on its side), the left edge
    # reaching above and below the box.
    assert alpha(30, 5) > 0 and alpha(30, 84) > 0
    assert alpha(24, 45) == 255
    assert alpha(69, 5) == 0 and alpha(69, 84) == 0
    assert layer.bounds().x < 30 and layer.bounds().y < 5 and layer.bounds().h > 100

    def line_column(y):
        """Where the green line crosses row y (the centre of its green)."""
        row = layer.pixels[y - layer.y].astype(float)
        green = np.clip(row[:, 1] - np.maximum(row[:, 0], row[:, 2]), 0, None)
        green[green < 100] = 0
        assert green.sum() > 0, f"no line at y={y}"
        return layer.x + (green * np.arange(len(green))).sum() / green.sum()

    green = layer.pixels[..., 1].astype(int) - layer.pixels[..., 0] > 100
    rows = np.flatnonzero(green.any(axis=1)) + layer.y
    y0, y1 = rows[0] + 3, rows[-1] - 3
    top, middle, bottom = line_column(y0), line_column((y0 + y1) // 2), line_column(y1)
    assert middle < top - 5 and middle < bottom - 5  # the column bowed to the left
    assert abs(top - bottom) < 1.5
    # Ctrl+Z (Edit > Undo) gives the layer back.
    opened.actions["undo"].trigger()
    assert layer.bounds() == Box(30, 5, 40, 80)
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_a_5x5_grid_has_6x6_anchors_and_an_untouched_one_leaves_the_layer(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(80, 60, "coffee")
    pixels[::7, ::5, 3] = 90  # some translucent pixels too
    layer = doc.add_image(pixels, "Coffee", 20, 15)
    steps = doc.history.count
    tool, bar = _start_warp(opened)
    grids = bar.findChild(QComboBox, "WarpGrid")
    assert [grids.itemText(i) for i in range(grids.count())] == \
        ["Default", "3x3", "4x4", "5x5", "Custom"]
    grids.setCurrentText("5x5")
    # 5 x 5 patches: a 16 x 16 grid of control points, 6 x 6 anchors where its lines meet,
    # each one under the pointer a point to drag.
    assert tool.grid.shape == (16, 16, 2)
    for a in range(6):
        for b in range(6):
            at = image_pos(canvas, 20 + 16 * b, 15 + 12 * a)
            assert tool._hit(canvas, at) == ("point", (3 * a, 3 * b))
    # Nothing moved: Enter leaves the layer as it was, with no step.
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert opened.tools.mode is None and doc.history.count == steps
    assert layer.bounds() == Box(20, 15, 80, 60)
    np.testing.assert_array_equal(layer.pixels, pixels)
    # And resampled through the untouched 5 x 5 grid, every pixel comes back as it was.
    box = (0, 0, 80, 60)
    knots = (warp.uniform(5), warp.uniform(5))
    out, x, y = warp.warp_pixels(pixels, warp.identity(box, knots), box, knots=knots)
    assert (x, y) == (0, 0)
    np.testing.assert_array_equal(out, pixels)


def test_dragging_an_anchor_of_a_split_grid_moves_only_its_neighbourhood(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(90, 60, "chelsea")
    pixels[19:22, 29:32] = (255, 0, 0, 255)  # a red dot at the (1/3, 1/3) anchor (50, 35)
    layer = doc.add_image(pixels, "Cat", 20, 15)
    steps = doc.history.count
    tool, bar = _start_warp(opened)
    bar.findChild(QComboBox, "WarpGrid").setCurrentText("3x3")
    assert tool.grid.shape == (10, 10, 2)
    image_drag(qtbot, canvas, [(50, 35), (53, 38), (56, 41)])
    np.testing.assert_allclose(tool.grid[3, 3], (56, 41))
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Warp"
    # The box's edges did not move; the red dot went with its anchor.
    assert layer.bounds() == Box(20, 15, 90, 60)
    red = np.argwhere((layer.pixels[..., 0] > 200) & (layer.pixels[..., 1] < 60)
                      & (layer.pixels[..., 2] < 60))
    cy, cx = red.mean(axis=0) + (layer.y, layer.x)
    assert abs(cx - 56.5) < 1.2 and abs(cy - 41.5) < 1.2
    # The anchor bends the four patches around it (x < 80, y < 55) and nothing else.
    # (within 8 px of them: the inverse map is made at a quarter of the resolution and
    # enlarged, and OpenCV's triangle fill that draws a small mesh reaches half a coarse
    # pixel over a triangle's edge, so a coarse sample 2 px past the seam may take the bent
    # side's map, and fine pixels up to 4 px further blend it in)
    right, below = 80 - 20 + 8, 55 - 15 + 8
    np.testing.assert_array_equal(layer.pixels[:, right:], pixels[:, right:])
    np.testing.assert_array_equal(layer.pixels[below:], pixels[below:])
    assert not np.array_equal(layer.pixels[:below, :right], pixels[:below, :right])
    opened.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_split_buttons_add_lines_where_clicked_and_unsplit_and_reset_take_them_out(
        opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    pixels = photo(80, 60, "astronaut")
    layer = doc.add_image(pixels, "Astronaut", 20, 15)
    steps = doc.history.count
    tool, bar = _start_warp(opened)
    bar.findChild(QComboBox, "WarpStyle").setCurrentText("Flag")
    flag = tool.grid.copy()
    st = np.random.default_rng(1).random((40, 2))
    before = warp.evaluate_points(flag, st)
    # Split Vertically, then a click at x = 40 (s = 1/4): a column line there.
    _click(qtbot, bar.findChild(QToolButton, "WarpSplitVertical"))
    assert tool.split_mode == "vertical"
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(
        canvas, *warp.evaluate_points(flag, [[0.25, 0.5]])[0]))
    assert tool.split_mode is None
    assert np.allclose(tool.knots[0], [0, 0.25, 1], atol=0.01) and len(tool.knots[1]) == 2
    assert tool.grid.shape == (4, 7, 2)
    # The picture is the same: the split patch was cut, not changed.
    np.testing.assert_allclose(warp.evaluate_points(tool.grid, st, tool.knots), before,
                               atol=1e-6)
    # Split Crosswise at (s, t) = (0.75, 0.5): a row and a column line.
    _click(qtbot, bar.findChild(QToolButton, "WarpSplitCross"))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(
        canvas, *warp.evaluate_points(tool.grid, [[0.75, 0.5]], tool.knots)[0]))
    assert len(tool.knots[0]) == 4 and np.allclose(tool.knots[1], [0, 0.5, 1], atol=0.01)
    assert bar.findChild(QComboBox, "WarpGrid").currentText() == "Custom"
    # Split Horizontally where a line already is adds nothing.
    _click(qtbot, bar.findChild(QToolButton, "WarpSplitHorizontal"))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(
        canvas, *warp.evaluate_points(tool.grid, [[0.4, 0.5]], tool.knots)[0]))
    assert tool.grid.shape == (7, 10, 2)
    # Remove Warp Split near the row line takes that one out.
    _click(qtbot, bar.findChild(QToolButton, "WarpSplitRemove"))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(
        canvas, *warp.evaluate_points(tool.grid, [[0.4, 0.52]], tool.knots)[0]))
    assert len(tool.knots[1]) == 2 and len(tool.knots[0]) == 4
    # Ctrl+Z steps back one change at a time: the row line comes back.
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tool.grid.shape == (7, 10, 2)
    # Reset: flat on the default grid.
    _click(qtbot, bar.findChild(QToolButton, "WarpReset"))
    assert tool.grid.shape == (4, 4, 2) and warp.is_identity(tool.grid, tool.box)
    assert bar.findChild(QComboBox, "WarpGrid").currentText() == "Default"
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert tool.grid.shape == (7, 10, 2)
    # Esc leaves nothing behind.
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert opened.tools.mode is None and doc.history.count == steps
    np.testing.assert_array_equal(layer.pixels, pixels)


def test_a_handle_beside_a_split_line_turns_its_partner(opened, qtbot):
    """Dragging a tangent handle next to a split anchor keeps the curve smooth there: the
    handle across the line moves the other way, in proportion to its patch."""
    doc, canvas = opened.doc, opened.canvas
    doc.add_image(photo(80, 60, "astronaut"), "Astronaut", 20, 15)
    tool, bar = _start_warp(opened)
    bar.findChild(QComboBox, "WarpGrid").setCurrentText("Custom")
    bar.findChild(QComboBox, "WarpGrid")  # the rows and columns fields set it
    from PySide6.QtWidgets import QSpinBox

    columns = bar.findChild(QSpinBox, "WarpColumns")
    assert columns.isEnabled()
    columns.setValue(2)
    assert tool.grid.shape == (4, 7, 2)
    # The top edge's handle right of the anchor at (60, 15), dragged 6 px down.
    hx, hy = tool.grid[0, 4]
    image_drag(qtbot, canvas, [(hx, hy), (hx, hy + 3), (hx, hy + 6)])
    np.testing.assert_allclose(tool.grid[0, 4], (hx, hy + 6))
    np.testing.assert_allclose(tool.grid[0, 2], (tool.grid[0, 2, 0], hy - 6))
    anchor = tool.grid[0, 3]
    a, b = tool.grid[0, 2] - anchor, tool.grid[0, 4] - anchor
    assert abs(a[0] * b[1] - a[1] * b[0]) < 1e-9  # the three on one line
