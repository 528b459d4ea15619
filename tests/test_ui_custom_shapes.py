"""The Custom Shape tool (the Shape tool's sixth shape, U) and its Shapes library, driven
through the window: a heart dragged out is a shape layer whose path fills the dragged box,
filled in both lobes and below the notch but not in it; Shift keeps the shape's
proportions; Pixels mode paints on the active layer (one undo step); Path mode makes a Work
Path, which Edit > Define Custom Shape turns into a shape that the picker then draws, and
which a new window (the same settings folder) still has; saved and reopened, the layer
keeps its path."""
from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QToolButton

from editor.model import FillLayer, paths
from editor.model.custom_shapes import curve_bounds
from editor.model.files import open_document, save_document
from editor.model.path_edit import current_subpaths
from ui_helpers import image_drag, is_color, make_window, screen, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0
TEAL = (20, 160, 150)
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def custom_tool(w, qtbot, shape="Heart", mode="Shape"):
    """The Shape tool by its key, the Custom Shape button clicked, `shape` picked in the
    Shape picker and `mode` chosen, as a user would."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_U)
    tool = w.tools.current
    assert tool.id == "shape"
    bar = w.options_bar
    qtbot.mouseClick(bar.findChild(QToolButton, "ShapeTool_custom"), Qt.MouseButton.LeftButton)
    picker = bar.findChild(QComboBox, "ShapeTool_custom_shape")
    assert picker.isVisible()
    picker.setCurrentIndex(picker.findText(shape))
    modes = bar.findChild(QComboBox, "ShapeTool_mode")
    modes.setCurrentIndex(modes.findText(mode))
    assert tool.shape == "custom" and tool.custom().name == shape
    return tool


def bounds(layer):
    return curve_bounds(current_subpaths(layer.vector_mask))


def at(box, u, v):
    """The canvas pixel at fraction (u, v) of `box` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    return int(y0 + v * (y1 - y0)), int(x0 + u * (x1 - x0))


def test_a_heart_fills_the_dragged_box_and_is_saved_as_a_shape_layer(opened, qtbot, tmp_path):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    custom_tool(w, qtbot)
    picker = w.options_bar.findChild(QComboBox, "ShapeTool_custom_shape")
    picker_names = [picker.itemText(i) for i in range(picker.count())]
    assert len(picker_names) >= 8 and {"Heart", "Star", "Arrow", "Paw"} <= set(picker_names)
    layers, steps = len(list(doc.layers())), doc.history.index
    box = (20, 8, 60, 48)
    image_drag(qtbot, canvas, [(20, 8), (40, 30), (60, 48)])
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.vector_mask is not None
    assert layer.name == "Shape 1" and len(list(doc.layers())) == layers + 1
    assert doc.history.index == steps + 1
    np.testing.assert_allclose(bounds(layer), box, atol=1.0)
    shown = screen(w)
    for u, v in ((0.25, 0.3), (0.75, 0.3), (0.5, 0.55)):  # both lobes, below the notch
        assert is_color(shown[at(box, u, v)], TEAL), (u, v)
    for u, v in ((0.5, 0.08), (0.06, 0.92), (0.94, 0.92)):  # the notch, beside the point
        assert not is_color(shown[at(box, u, v)], TEAL), (u, v)

    path = str(tmp_path / "heart.psd")
    save_document(doc, path)
    again = open_document(path)
    saved = [n for n in again.layers() if isinstance(n, FillLayer)]
    assert len(saved) == 1 and saved[0].vector_mask is not None
    np.testing.assert_allclose(bounds(saved[0]), bounds(layer), atol=0.01)
    for a, b in zip(saved[0].vector_mask.moved_knots(), layer.vector_mask.moved_knots()):
        np.testing.assert_allclose(a, b, atol=0.01)

    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(list(doc.layers())) == layers


def test_shift_keeps_the_shapes_proportions_and_alt_draws_from_the_centre(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    tool = custom_tool(w, qtbot, "Lightning Bolt")
    aspect = tool.custom().aspect
    assert abs(aspect - 1) > 0.1  # a shape that is not square
    image_drag(qtbot, canvas, [(10, 10), (30, 30), (70, 30)], modifier=SHIFT)
    x0, y0, x1, y1 = bounds(doc.active)
    assert (x0, y0) == pytest.approx((10, 10), abs=0.5)
    assert (x1 - x0) / (y1 - y0) == pytest.approx(aspect, rel=0.03)
    assert x1 - x0 == pytest.approx(60, abs=0.5)  # the drag's wider side holds
    image_drag(qtbot, canvas, [(50, 32), (60, 40), (70, 52)],
               modifier=Qt.KeyboardModifier.AltModifier)
    np.testing.assert_allclose(bounds(doc.active), (30, 12, 70, 52), atol=0.5)


def test_pixels_mode_paints_on_the_active_layer_in_one_step(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    custom_tool(w, qtbot, "Heart", "Pixels")
    layer, layers, steps = doc.active, len(list(doc.layers())), doc.history.index
    before = screen(w)
    box = (20, 8, 60, 48)
    image_drag(qtbot, canvas, [(20, 8), (40, 30), (60, 48)])
    assert doc.active is layer and len(list(doc.layers())) == layers
    assert doc.history.index == steps + 1
    shown = screen(w)
    for u, v in ((0.25, 0.3), (0.75, 0.3), (0.5, 0.55)):
        assert is_color(shown[at(box, u, v)], TEAL), (u, v)
    notch = at(box, 0.5, 0.08)
    assert (shown[notch] == before[notch]).all()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (screen(w) == before).all()


def test_define_custom_shape_from_a_path_draws_it_and_a_new_window_keeps_it(
        opened, qtbot, tmp_path, monkeypatch):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    tool = custom_tool(w, qtbot, "Arrow", "Path")
    # Path mode: the arrow becomes the Work Path (no layer), chosen in the Paths panel.
    layers = len(list(doc.layers()))
    image_drag(qtbot, canvas, [(10, 10), (20, 20), (40, 30)])
    work = paths.work_path(doc)
    assert work is not None and doc.path_target == work.uid
    assert len(list(doc.layers())) == layers
    # Edit > Define Custom Shape: named, it joins the picker and is chosen.
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text="": asked.append(text) or "Pointer")
    w.trigger("define_custom_shape")
    assert asked == ["Shape 1"]
    picker = w.options_bar.findChild(QComboBox, "ShapeTool_custom_shape")
    assert picker.currentText() == "Pointer" and tool.custom().name == "Pointer"
    assert os.path.exists(tmp_path / "custom_shapes.json")
    tool.set_mode("shape")
    box = (50, 20, 90, 60)  # stretched to a square box
    image_drag(qtbot, canvas, [(50, 20), (70, 40), (90, 60)])
    layer = doc.active
    assert isinstance(layer, FillLayer)
    np.testing.assert_allclose(bounds(layer), box, atol=1.0)
    shown = screen(w)
    assert is_color(shown[at(box, 0.9, 0.5)], TEAL)  # the arrow's point
    assert not is_color(shown[at(box, 0.2, 0.1)], TEAL)  # above its shaft

    # Cancel asks again and leaves the library as it was.
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda *a, **k: None)
    w.trigger("define_custom_shape")
    assert [c.name for c in tool.user_shapes] == ["Pointer"]

    other = make_window(qtbot, tmp_path, monkeypatch)  # the same settings folder
    names = [c.name for c in other.tools.tools["shape"].library()]
    assert "Pointer" in names and "Heart" in names
