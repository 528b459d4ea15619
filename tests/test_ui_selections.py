"""Selections of any shape, driven as a Photoshop user would: Elliptical Marquee (Shift+M),
Lasso and Polygonal Lasso, Magic Wand, Shift/Alt/Shift+Alt combining, Inverse, Feather,
Reselect, Ctrl+click on a thumbnail; marching ants along the shape; one undo step each."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from editor.model import selection_ops
from engine.box import Box

from ui_helpers import image_drag, image_pos, photo, zoomed_photo_window

W, H = 96, 64
SHIFT, ALT = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.AltModifier


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def ellipse_truth(box: Box) -> np.ndarray:
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    return ((xx - cx) / (box.w / 2)) ** 2 + ((yy - cy) / (box.h / 2)) ** 2 <= 1


def test_elliptical_marquee_and_combining(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    qtbot.keyClick(canvas, Qt.Key.Key_M, SHIFT)  # Shift+M: the elliptical marquee
    tool = opened.tools.current
    assert tool.id == "marquee" and tool.shape == "ellipse"
    box = Box(10, 8, 40, 30)
    image_drag(qtbot, canvas, [(box.x, box.y), (30, 20), (box.x1, box.y1)])
    assert doc.history.undo_name() == "Elliptical Marquee" and doc.selection == box
    assert tool._readout.text() == "X 10  Y 8   W 40  H 30 px"  # the box round the shape
    selected = doc.selection_mask >= 128
    truth = ellipse_truth(box)
    assert (selected != truth).mean() < 0.01 and not selected[box.y, box.x]  # no corner
    # The canvas shows ants along the ellipse, no red tint outside Quick Mask.
    canvas.repaint()
    outline = canvas.mask_outline().boundingRect()
    assert abs(outline.width() - box.w) <= 2 and abs(outline.height() - box.h) <= 2
    grab = canvas.grab().toImage()
    inside = QColor(grab.pixel(image_pos(canvas, 30.5, 23.5)))
    assert inside.getRgb()[:3] == tuple(int(v) for v in photo(W, H)[23, 30, :3])
    # Shift adds a rectangle, Alt takes one away, Shift+Alt keeps the overlap.
    qtbot.keyClick(canvas, Qt.Key.Key_M, SHIFT)
    assert tool.shape == "rect"
    image_drag(qtbot, canvas, [(60, 10), (70, 20), (80, 30)], modifier=SHIFT)
    mask = doc.selection_mask
    assert mask[15:30, 60:80].min() == 255 and mask[23, 30] == 255
    assert doc.selection == Box(10, 8, 70, 30)
    image_drag(qtbot, canvas, [(0, 0), (20, 30), (30, 40)], modifier=ALT)
    assert doc.selection_mask[20, 25] == 0 and doc.selection_mask[23, 40] == 255
    image_drag(qtbot, canvas, [(35, 0), (50, 30), (65, 64)], modifier=SHIFT | ALT)
    assert doc.selection_mask[:, :35].max() == 0 and doc.selection_mask[:, 65:].max() == 0
    assert doc.selection_mask[23, 40] == 255
    opened.actions["undo"].trigger()
    assert doc.selection_mask[15:30, 60:80].min() == 255
    # Delete clears the shape, not its box.
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection is None and doc.selection_mask is None
    qtbot.keyClick(canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | SHIFT)  # Reselect
    assert doc.selection_mask[15:30, 60:80].min() == 255


def test_lasso_and_polygonal_lasso(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_L)
    tool = opened.tools.current
    if tool.shape != "freehand":
        tool.set_shape("freehand")
    image_drag(qtbot, canvas, [(10, 10), (50, 10), (50, 50), (10, 50), (10, 12)])
    assert doc.history.undo_name() == "Lasso"
    mask = selection_ops.current_mask(doc)
    assert mask[30, 30] == 255 and mask[5, 5] == 0
    assert abs((mask >= 128).sum() - 40 * 40) < 60  # the square drawn, edges within a pixel
    qtbot.keyClick(canvas, Qt.Key.Key_L, SHIFT)
    assert tool.shape == "polygon"
    pixels = next(doc.layers()).pixels.copy()
    for x, y in ((60, 10), (90, 10), (60, 40), (95, 45)):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, x, y))
    # Backspace takes the last corner back (it does not clear the selected pixels).
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert len(tool.points) == 3
    np.testing.assert_array_equal(next(doc.layers()).pixels, pixels)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Polygonal Lasso"
    assert doc.selection_mask[15, 65] == 255 and doc.selection_mask[35, 85] == 0
    assert doc.selection_mask[30, 30] == 0  # replaced the lasso's square


def test_magic_wand_tolerance_and_contiguous(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = next(doc.layers())
    pixels = layer.pixels.copy()
    pixels[10:30, 10:30] = (200, 20, 20, 255)
    pixels[40:60, 60:90] = (205, 25, 18, 255)  # a second, similar red, apart
    doc.set_pixels(layer, pixels)
    # W's group is Photoshop's: Object Selection, Quick Selection, Magic Wand.
    qtbot.keyClick(canvas, Qt.Key.Key_W)
    qtbot.keyClick(canvas, Qt.Key.Key_W, SHIFT)
    qtbot.keyClick(canvas, Qt.Key.Key_W, SHIFT)
    assert opened.tools.current.id == "wand"
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 20, 20))
    expected = np.zeros((H, W), np.uint8)
    expected[10:30, 10:30] = 255
    assert np.array_equal(doc.selection_mask if doc.selection_mask is not None
                          else selection_ops.current_mask(doc), expected)
    tool = opened.tools.current
    tool.contiguous = False
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 20, 20))
    expected[40:60, 60:90] = 255
    assert np.array_equal(doc.selection_mask, expected)
    tool.tolerance = 2  # too tight for the second red
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 20, 20))
    expected[40:60, 60:90] = 0
    assert np.array_equal(selection_ops.current_mask(doc), expected)


def test_inverse_feather_and_layer_pixels(opened, qtbot, monkeypatch):
    doc, canvas = opened.doc, opened.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    opened.tools.current.set_shape("rect")
    image_drag(qtbot, canvas, [(10, 10), (20, 20), (40, 30)])
    qtbot.keyClick(canvas, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | SHIFT)
    assert doc.history.undo_name() == "Inverse"
    mask = selection_ops.current_mask(doc)
    assert mask[15, 15] == 0 and mask[5, 5] == 255 and mask[50, 90] == 255
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getDouble", lambda *a, **k: (6.0, True))
    opened.actions["feather"].trigger()
    soft = doc.selection_mask
    assert doc.history.undo_name() == "Feather" and 0 < soft[20, 12] < 255  # a soft edge
    assert soft[5, 60] == 255 and soft[20, 25] == 0
    # Ctrl+click on a layer's thumbnail: its pixels become the selection.
    top = doc.add_image(photo(20, 10, "astronaut"), "Top", 50, 40)
    rows = opened.layers_panel.list
    qtbot.waitUntil(lambda: rows.row_of(top) == 0)
    rect = rows.row_rect(top)
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     QPoint(40 + 14 + 17, rect.center().y()))
    assert doc.history.undo_name() == "Select Layer Pixels"
    assert doc.selection == Box(50, 40, 20, 10) and doc.selection_mask is None  # a plain box
