"""The shape tools' Fill and Stroke on the options bar, driven through the window: Stroke
turned on, its colour picked (the colour picker), width typed and alignment chosen, then a
rectangle dragged: the canvas shows the stroke along the path over the fill. With the
shape layer active, a new width and Fill turned off each change it as one undo step,
which undo takes back; chosen again with a stroked shape active, the bar shows its
stroke."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QToolButton

from editor.model import FillLayer
from ui_helpers import image_drag, is_color, screen, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0
TEAL, GOLD = (20, 160, 150), (250, 200, 0)


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def test_a_stroked_shape_from_the_options_bar_and_its_changes_undone(opened, qtbot,
                                                                      monkeypatch):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    before = screen(w)
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    assert tool.id == "shape"
    tool.set_shape("rectangle")
    bar = w.options_bar
    stroke_box = bar.findChild(QCheckBox, "ShapeTool_stroke")
    fill_box = bar.findChild(QCheckBox, "ShapeTool_fill")
    width = bar.findChild(QDoubleSpinBox, "ShapeTool_stroke_width")
    alignment = bar.findChild(QComboBox, "ShapeTool_stroke_alignment")
    color = bar.findChild(QToolButton, "ShapeTool_stroke_color")
    assert stroke_box.isVisible() and fill_box.isChecked() and not stroke_box.isChecked()
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_color",
                        lambda parent, initial, title: asked.append(title) or QColor(*GOLD))
    qtbot.mouseClick(color, Qt.MouseButton.LeftButton)  # a colour turns the stroke on
    assert asked and stroke_box.isChecked()
    width.setFocus()
    width.lineEdit().selectAll()
    qtbot.keyClicks(width.lineEdit(), "4")
    qtbot.keyClick(width.lineEdit(), Qt.Key.Key_Return)
    alignment.setCurrentIndex(alignment.findText("Center"))
    steps = doc.history.count
    assert steps == doc.history.count  # nothing active to change yet (a pixel layer)

    image_drag(qtbot, canvas, [(20, 10), (45, 25), (70, 40)])
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.stroke is not None
    assert (layer.stroke.width, layer.stroke.alignment, layer.stroke.color) == (4.0, "center",
                                                                                GOLD)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Rectangle Tool"
    shown = screen(w)
    # The band: 2 px either side of the path's edges at x 20 and 70, y 10 and 40.
    assert is_color(shown[14:36, 19:21], GOLD).all() and is_color(shown[14:36, 69:71], GOLD).all()
    assert is_color(shown[9:11, 25:65], GOLD).all()
    assert is_color(shown[14:36, 24:66], TEAL).all()
    np.testing.assert_array_equal(shown[:, :17], before[:, :17])
    drawn = shown

    # The active shape layer: a new width, one step; undo.
    width.setFocus()
    width.lineEdit().selectAll()
    qtbot.keyClicks(width.lineEdit(), "8")
    qtbot.keyClick(width.lineEdit(), Qt.Key.Key_Return)
    assert layer.stroke.width == 8.0 and layer.stroke.alignment == "center"
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Change Shape Stroke"
    wider = screen(w)
    assert is_color(wider[14:36, 17:19], GOLD).all()
    # Fill off: the picture shows inside the band; one more step.
    qtbot.mouseClick(fill_box, Qt.MouseButton.LeftButton)
    assert not layer.stroke.fill and doc.history.count == steps + 3
    hollow = screen(w)
    np.testing.assert_array_equal(hollow[20:30, 30:60], before[20:30, 30:60])
    assert is_color(hollow[14:36, 17:19], GOLD).all()
    w.actions["undo"].trigger()
    assert layer.stroke.fill and layer.stroke.width == 8.0
    np.testing.assert_array_equal(screen(w), wider)
    w.actions["undo"].trigger()
    assert layer.stroke.width == 4.0
    np.testing.assert_array_equal(screen(w), drawn)
    # Another tool, then U again with the shape layer active: the bar shows its stroke.
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    tool.stroke = tool.stroke.replace(width=1.0, alignment="inside")
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    assert w.tools.current is tool and width.value() == 4.0
    assert alignment.currentText() == "Center" and fill_box.isChecked()
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), before)
