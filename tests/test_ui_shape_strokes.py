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


def _type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)


def test_opacity_caps_joins_and_dash_presets_from_the_options_bar(opened, qtbot):
    """The Stroke Options button opens a panel with opacity, caps, corners and dashes. A
    hollow rectangle drawn with the Dashed preset shows 16 px of stroke then 8 px of
    the photo along its sides (4, 2 stroke widths of 4 px); with it active, opacity, cap,
    join and the Dotted preset each change its stroke as one undo step, and undo takes
    them back one by one to the picture drawn."""
    from PySide6.QtWidgets import QFrame, QSpinBox

    w, doc, canvas = opened, opened.doc, opened.canvas
    before = screen(w)
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    tool.set_shape("rectangle")
    bar = w.options_bar
    find = {name: bar.findChild(kind, f"ShapeTool_{name}") for name, kind in (
        ("stroke", QCheckBox), ("fill", QCheckBox), ("stroke_width", QDoubleSpinBox),
        ("stroke_alignment", QComboBox), ("stroke_opacity", QSpinBox),
        ("stroke_cap", QComboBox), ("stroke_join", QComboBox), ("stroke_dashes", QComboBox))}
    more = bar.findChild(QToolButton, "ShapeTool_stroke_options")
    assert more.isVisible() and not find["stroke_dashes"].isVisible()
    qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert all(widget is not None and widget.isVisible() for widget in find.values())
    assert find["stroke_dashes"].currentText() == "Solid"
    assert find["stroke_opacity"].value() == 100
    qtbot.mouseClick(find["stroke"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(find["fill"], Qt.MouseButton.LeftButton)
    _type_into(qtbot, find["stroke_width"], "4")
    find["stroke_alignment"].setCurrentIndex(find["stroke_alignment"].findText("Center"))
    find["stroke_dashes"].setCurrentIndex(find["stroke_dashes"].findText("Dashed"))
    steps = doc.history.count

    image_drag(qtbot, canvas, [(20, 10), (45, 25), (70, 40)])
    layer = doc.active
    assert isinstance(layer, FillLayer) and doc.history.count == steps + 1
    assert (layer.stroke.dashes, layer.stroke.cap, layer.stroke.fill) == ((4.0, 2.0), "butt",
                                                                           False)
    drawn = screen(w)
    color = tuple(int(v) for v in drawn[10, 20])  # the stroke's colour (the tool's)
    on = is_color(drawn[9, 24:66], color)  # the row just above the top side
    assert on.any() and (~on).any()
    np.testing.assert_array_equal(on[24:], on[:-24])  # dash and gap: 6 widths
    assert on[:24].sum() == 16
    np.testing.assert_array_equal(drawn[~is_color(drawn, color)][:10],
                                  before[~is_color(drawn, color)][:10])

    # With the shape layer active: each option one step.
    _type_into(qtbot, find["stroke_opacity"], "50")
    assert layer.stroke.opacity == 50.0 and doc.history.count == steps + 2
    assert doc.history.undo_name() == "Change Shape Stroke"
    half = screen(w)
    assert not is_color(half[9, 24:66][on], color).any()  # the photo shows through
    find["stroke_cap"].setCurrentIndex(find["stroke_cap"].findText("Square"))
    assert layer.stroke.cap == "square" and doc.history.count == steps + 3
    find["stroke_join"].setCurrentIndex(find["stroke_join"].findText("Bevel"))
    assert layer.stroke.join == "bevel" and doc.history.count == steps + 4
    find["stroke_dashes"].setCurrentIndex(find["stroke_dashes"].findText("Dotted"))
    assert (layer.stroke.dashes, layer.stroke.cap) == ((0.0, 2.0), "round")
    assert doc.history.count == steps + 5 and find["stroke_cap"].currentText() == "Round"
    dotted = screen(w)
    assert not np.array_equal(dotted, half)
    for _ in range(4):
        w.actions["undo"].trigger()
    assert layer.stroke.dashes == (4.0, 2.0) and layer.stroke.cap == "butt"
    assert layer.stroke.join == "miter" and layer.stroke.opacity == 100.0
    np.testing.assert_array_equal(screen(w), drawn)
    # The bar shows the layer's stroke again when the tool is chosen anew.
    qtbot.keyClick(bar.findChild(QFrame, "ShapeTool_stroke_panel"), Qt.Key.Key_Escape)
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    assert w.tools.current.id != "shape"
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    assert find["stroke_dashes"].currentText() == "Dashed"
    assert find["stroke_cap"].currentText() == "Butt" and find["stroke_opacity"].value() == 100


def test_free_transform_preview_shows_the_stroke_beyond_the_paths_box(qtbot, tmp_path,
                                                                      monkeypatch):
    """An outside stroke lies wholly beyond its path's box, the box Free Transform frames:
    while the transform runs (before and during a move) the canvas still shows it there,
    as it will be when the transform is applied."""
    from ui_helpers import on_canvas, zoomed_photo_window

    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 1.0)
    doc, canvas = w.doc, w.canvas
    w.set_foreground(QColor(*TEAL))
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    tool.set_shape("rectangle")
    tool.set_stroke_option(enabled=True, width=6.0, alignment="outside", color=GOLD)
    image_drag(qtbot, canvas, [(30, 20), (45, 30), (60, 44)])
    layer = doc.active
    assert layer.stroke.alignment == "outside" and layer.vector_mask.bounds().y == 20

    def gold(pixels):
        return (np.abs(pixels - np.array(GOLD)) <= 3).all(axis=-1)

    # Above the top side, clear of the frame's line and handles.
    band = (slice(14, 18), slice(33, 40))
    assert gold(on_canvas(canvas)[band]).all()
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.current.id == "transform"
    assert gold(on_canvas(canvas)[band]).all()  # the preview: the stroke, not the photo
    image_drag(qtbot, canvas, [(45, 32), (48, 34), (50, 35)])  # moved by (5, 3)
    moved = on_canvas(canvas)
    assert gold(moved[17:20, 41:46]).all() and gold(moved[26:31, 29:32]).all()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    box = layer.vector_mask.bounds()
    assert (box.x, box.y) == (35, 23)  # applied (a plain move: one step)
    assert gold(on_canvas(canvas)[17:20, 41:46]).all()
