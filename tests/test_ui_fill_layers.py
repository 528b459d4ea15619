"""Fill and shape layers driven through the window: Layer > New Fill Layer > Solid Color…
(a name, then the colour picker; with and without a selection; from the Layers panel's
button too), the colour changed from the Layers panel's thumbnail and from Properties as
one undo step, and the shape tools (U, Shift+U; Rectangle and Ellipse with Shift: square
or circle, Alt: from the centre; Rounded Rectangle, Polygon and Line with their radius,
sides and weight from the options bar) drawing shape layers in the foreground colour; the
canvas pixels checked inside and outside each shape."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QPushButton, QSpinBox

from editor.model import FillLayer
from editor.ui.layers_panel import ARROW_W, EYE_W, ROW_H, THUMB
from ui_helpers import image_drag, image_pos, is_color, make_window, open_photo, screen

W, H = 96, 64
ZOOM = 4.0
TEAL = (20, 160, 150)


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    window.canvas.set_zoom(ZOOM)
    window.canvas.setFocus()
    return window


@pytest.fixture
def answers(monkeypatch):
    """What the user types in the name box and picks in the colour picker (None: Cancel);
    the questions asked are recorded."""
    state = {"name": "Teal fill", "color": QColor(*TEAL), "asked": []}

    def ask_text(parent, title, label, text=""):
        state["asked"].append(("name", text))
        return state["name"]

    def ask_color(parent, initial, title):
        state["asked"].append(("color", (initial.red(), initial.green(), initial.blue())))
        return state["color"]

    monkeypatch.setattr("editor.ui.dialogs.ask_text", ask_text)
    monkeypatch.setattr("editor.ui.dialogs.ask_color", ask_color)
    return state


def test_new_solid_color_fill_layer_covers_the_canvas_and_undoes_in_one_step(opened, answers):
    w, doc = opened, opened.doc
    w.set_foreground(QColor(200, 10, 10))
    before = screen(w)
    steps = doc.history.count
    menu = w.menus["new_fill"]
    assert menu.menuAction() in w.menus["layer"].actions()
    assert [a.text().replace("&", "") for a in menu.actions()] == ["Solid Color…", "Gradient…",
                                                                   "Pattern…"]
    w.actions["fill_solid_color"].trigger()
    # A name first (Photoshop's "Color Fill 1"), then the picker from the foreground colour.
    assert answers["asked"] == [("name", "Color Fill 1"), ("color", (200, 10, 10))]
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.name == "Teal fill"
    assert layer.settings.color == TEAL and doc.history.count == steps + 1
    assert is_color(screen(w), TEAL).all()
    w.properties_panel._refresh()
    assert w.properties_panel.heading.text() == "FILL LAYER"
    w.actions["undo"].trigger()
    assert layer not in list(doc.nodes())
    np.testing.assert_array_equal(screen(w), before)


def test_cancelling_the_name_or_the_colour_adds_nothing(opened, answers):
    w, doc = opened, opened.doc
    steps = doc.history.count
    answers["name"] = None
    w.actions["fill_solid_color"].trigger()
    answers["name"], answers["color"] = "Fill", None
    w.actions["fill_solid_color"].trigger()
    assert doc.history.count == steps and not any(isinstance(n, FillLayer) for n in doc.nodes())
    assert w.test_errors == []


def test_new_fill_layer_with_a_selection_shows_inside_it_from_the_panel_button(opened, answers,
                                                                              qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    before = screen(w)
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, canvas, [(20, 10), (40, 30), (60, 40)])
    assert doc.selection is not None
    box = doc.selection
    # The Layers panel's button: the fill kinds, then the adjustment kinds.
    menu = w.layers_panel.new_layer_menu()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[0] == "Solid Color…" and "Levels…" in texts
    next(a for a in menu.actions() if a.text() == "&Solid Color…").trigger()
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.mask is not None
    shown = screen(w)
    inside = np.zeros((H, W), bool)
    inside[box.slices()] = True
    assert is_color(shown[inside], TEAL).all()
    np.testing.assert_array_equal(shown[~inside], before[~inside])


def test_double_clicking_the_thumbnail_changes_the_colour_in_one_undo_step(opened, answers,
                                                                           qtbot):
    w, doc = opened, opened.doc
    w.actions["fill_solid_color"].trigger()
    layer = doc.active
    steps = doc.history.count
    panel = w.layers_panel
    panel.list.rebuild()
    row = panel.list.row_of(layer)
    at = QPoint(EYE_W + ARROW_W + THUMB // 2, row * ROW_H + ROW_H // 2)
    answers["asked"].clear()
    answers["color"] = QColor(250, 200, 0)
    qtbot.mouseDClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    # The picker opened on the layer's colour; the new one is one step.
    assert answers["asked"] == [("color", TEAL)]
    assert layer.settings.color == (250, 200, 0) and doc.history.count == steps + 1
    assert is_color(screen(w), (250, 200, 0)).all()
    # Cancelled: nothing changes.
    answers["color"] = None
    qtbot.mouseDClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert layer.settings.color == TEAL and is_color(screen(w), TEAL).all()
    w.actions["redo"].trigger()
    assert layer.settings.color == (250, 200, 0)
    # Double-clicking the name renames, it does not open the picker.
    answers["asked"].clear()
    name_at = panel.list.name_rect(layer, 0, row).center()
    qtbot.mouseDClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      name_at)
    assert answers["asked"] == [] and panel.list._editor is not None
    panel.list.finish_rename(commit=False)


def test_properties_swatch_opens_the_picker(opened, answers, qtbot):
    w, doc = opened, opened.doc
    w.actions["fill_solid_color"].trigger()
    layer = doc.active
    panel = w.properties_panel
    panel._refresh()
    QApplication.processEvents()
    swatch = next(b for b in panel.findChildren(QPushButton)
                  if b.objectName().startswith("Adjust_Color") and b.isVisibleTo(panel))
    assert swatch.text() == "#14A096"
    answers["color"] = QColor(0, 0, 0)
    qtbot.mouseClick(swatch, Qt.MouseButton.LeftButton)
    assert layer.settings.color == (0, 0, 0) and is_color(screen(w), (0, 0, 0)).all()
    panel._refresh()
    assert swatch.text() == "#000000"


def test_rectangle_tool_draws_a_shape_layer_in_the_foreground_colour(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    before = screen(w)
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    assert tool.id == "shape" and w.tool_actions["shape"].isChecked()
    tool.set_shape("rectangle")
    steps = doc.history.count
    # While dragging, the outline follows (painted over the canvas); nothing is made yet.
    from PySide6.QtTest import QTest

    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, image_pos(canvas, 20, 10))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, left, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, 40, 25))
    assert tool._points is not None and abs(tool._points[2] - 40) < 0.5
    assert not canvas.grab().isNull() and doc.history.count == steps
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, left, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, 70, 40))
    qtbot.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, image_pos(canvas, 70, 40))
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.name == "Rectangle 1"
    assert layer.vector_mask is not None and layer.mask is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Rectangle Tool"
    shown = screen(w)
    assert is_color(shown[11:39, 21:69], TEAL).all()
    outside = np.ones((H, W), bool)
    outside[9:41, 19:71] = False
    np.testing.assert_array_equal(shown[outside], before[outside])
    # A click without a drag makes nothing.
    image_drag(qtbot, canvas, [(80, 50), (80, 50)])
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), before)


def test_ellipse_tool_shift_alt_draws_a_circle_from_its_centre(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    before = screen(w)
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    tool.set_shape("rounded_rectangle")
    qtbot.keyClick(canvas, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)  # Shift+U
    assert tool.shape == "ellipse"
    held = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
    # From the centre (48, 32) towards (62, 38): Shift makes the circle's radius 14.
    image_drag(qtbot, canvas, [(48, 32), (55, 35), (62, 38)], modifier=held)
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.name == "Ellipse 1"
    box = layer.vector_mask.bounds()
    assert abs(box.x - 34) <= 1 and abs(box.y - 18) <= 1 and abs(box.w - 28) <= 1
    assert box.w == box.h
    shown = screen(w)
    yy, xx = np.mgrid[0:H, 0:W] + 0.5
    r = np.hypot(xx - 48, yy - 32)
    assert is_color(shown[r < 12.5], TEAL).all()
    np.testing.assert_array_equal(shown[r > 15.5], before[r > 15.5])
    # The corners of its square are outside the circle: the picture shows there.
    np.testing.assert_array_equal(shown[19:22, 35:38], before[19:22, 35:38])
    # Alt alone: an ellipse from the centre, its sides as dragged.
    image_drag(qtbot, canvas, [(20, 40), (25, 45), (32, 46)],
               modifier=Qt.KeyboardModifier.AltModifier)
    box = doc.active.vector_mask.bounds()
    assert abs(box.w - 24) <= 1 and abs(box.h - 12) <= 1 and abs(box.x - 8) <= 1
    assert doc.active.name == "Ellipse 2"


def test_a_shape_layer_moves_and_free_transforms_with_its_colour_shown(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    w.tools.current.set_shape("rectangle")
    image_drag(qtbot, canvas, [(20, 10), (30, 15), (40, 30)])
    layer = doc.active
    # The Move tool drags the shape (its path) in one step.
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(30, 20), (33, 22), (36, 24)])
    shown = screen(w)
    assert is_color(shown[15:33, 27:45], TEAL).all() and not is_color(shown[11:13, 21:25],
                                                                        TEAL).any()
    # Free Transform: the right-middle handle from x=46 to x=66 doubles the width; while
    # it runs the preview draws the layer's colour (not the picture as it was).
    qtbot.keyClick(canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    tool = w.tools.current
    assert tool.id == "transform" and tool._preview.pixels is not None
    assert (tool.frame.x, tool.frame.w) == (26, 20)
    image_drag(qtbot, canvas, [(46, 24), (56, 24), (66, 24)])
    assert not canvas.grab().isNull()
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.undo_name() == "Free Transform"
    box = layer.vector_mask.bounds()
    assert (box.x, box.w) == (26, 40)
    assert is_color(screen(w)[15:33, 27:65], TEAL).all()


def test_rounded_rectangle_polygon_and_line_tools_with_their_options(opened, qtbot):
    """Shift+U steps Rectangle -> Rounded Rectangle -> Ellipse -> Polygon -> Line, the
    options bar showing each one's option; each drag makes one shape layer (one undo
    step) that shows in the foreground colour inside and the picture outside."""
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    before = screen(w)
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    tool = w.tools.current
    tool.set_shape("rectangle")
    bar = w.options_bar if hasattr(w, "options_bar") else w
    shift = Qt.KeyboardModifier.ShiftModifier
    yy, xx = np.mgrid[0:H, 0:W] + 0.5

    def spin(key):
        found = bar.findChild(QSpinBox, f"ShapeTool_{key}")
        assert found is not None
        return found

    def made(name):
        layer = doc.active
        assert isinstance(layer, FillLayer) and layer.name == name
        assert doc.history.index == steps + 1 and doc.history.undo_name() == name[:-2] + " Tool"
        return screen(w)

    # Rounded Rectangle, radius 12 typed in the options bar.
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)
    assert tool.shape == "rounded_rectangle" and spin("radius").isVisibleTo(bar)
    assert not spin("sides").isVisibleTo(bar) and spin("radius").value() == 10
    spin("radius").setValue(12)
    steps = doc.history.index
    image_drag(qtbot, canvas, [(20, 10), (40, 30), (70, 40)])
    shown = made("Rounded Rectangle 1")
    # The shape is the points within 12 px of the rectangle (32..58, 22..28) inside it.
    d = np.hypot(xx - np.clip(xx, 32, 58), yy - np.clip(yy, 22, 28))
    assert is_color(shown[d < 12 - 1.5], TEAL).all()
    np.testing.assert_array_equal(shown[d > 12 + 1.5], before[d > 12 + 1.5])
    assert (shown[10, 20] == before[10, 20]).all() and d[10, 20] > 16  # a corner's tip
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), before)

    # Polygon: 6 sides, Shift keeps it upright; drawn from its centre.
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)
    assert tool.shape == "polygon" and spin("sides").isVisibleTo(bar)
    assert not spin("radius").isVisibleTo(bar) and spin("sides").value() == 5
    spin("sides").setValue(6)
    steps = doc.history.index
    image_drag(qtbot, canvas, [(48, 32), (55, 36), (60, 48)], modifier=shift)
    shown = made("Polygon 1")
    r = np.hypot(12, 16)  # from the centre to the pointer
    corners = doc.active.vector_mask.moved_knots()[0][:, 1]
    assert len(corners) == 6 and abs(corners[0][0] - 48) < 0.01  # a corner straight up
    assert abs(corners[0][1] - (32 - r)) < 0.5
    dist = np.hypot(xx - 48, yy - 32)
    assert is_color(shown[dist < r * np.cos(np.pi / 6) - 1.5], TEAL).all()
    np.testing.assert_array_equal(shown[dist > r + 1.5], before[dist > r + 1.5])
    # Upright: a hexagon with a corner on top has flat sides left and right, which reach
    # pixels beyond its inner circle that a hexagon turned any other way leaves out.
    assert is_color(shown[[23, 41, 13], [31, 31, 48]], TEAL).all()

    # Line: weight 6, Shift makes it level.
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)
    assert tool.shape == "line" and spin("weight").isVisibleTo(bar)
    assert spin("weight").value() == 4
    spin("weight").setValue(6)
    steps = doc.history.index
    image_drag(qtbot, canvas, [(6, 55), (40, 56), (90, 57)], modifier=shift)
    shown = made("Line 1")
    box = doc.active.vector_mask.bounds()
    assert abs(box.h - 6) <= 1 and abs(box.w - 84) <= 1
    band = (yy > 52) & (yy < 58) & (xx > 6.5) & (xx < 89.5)
    assert is_color(shown[band], TEAL).all()
    away = (yy < 51) | (yy > 59) | (xx < 5) | (xx > 91)
    away &= np.hypot(xx - 48, yy - 32) > r + 1.5  # the polygon is there too
    np.testing.assert_array_equal(shown[away], before[away])
    # The options are kept for the next time.
    assert w.settings.value("tools/shape/weight", 0, int) == 6
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)  # then the Custom Shape, as Photoshop's
    assert tool.shape == "custom"
    qtbot.keyClick(canvas, Qt.Key.Key_U, shift)
    assert tool.shape == "rectangle"
