"""Invert, Posterize, Threshold and Gradient Map driven through the window: each added
from Layer > New Adjustment Layer changes the canvas at once; each edit in Properties (a
typed number, a slider drag, the Gradient Map's bar dragged, a stop's colour picked, a
check box, the method) is one undo step that the canvas follows; Change Layer Content
turns one into another."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QSlider

from editor.model import AdjustmentLayer
from editor.model import adjustments as adj
from editor.model.render import composite_document
from editor.ui import gradient_bar
from editor.ui.gradient_bar import GradientBar

from ui_helpers import editor_widget, screen

W, H = 96, 64




def matches_composite(window) -> bool:
    reference = composite_document(window.doc, precise=False)[..., :3].astype(int)
    return np.abs(screen(window) - reference).max() <= 1


def add(window, kind: str) -> AdjustmentLayer:
    steps = window.doc.history.index
    window.actions[f"adjustment_{kind}"].trigger()
    layer = window.doc.active
    assert isinstance(layer, AdjustmentLayer) and layer.settings == adj.KINDS[kind]()
    assert window.doc.history.index == steps + 1
    return layer


def test_the_menu_holds_the_four_after_the_six(opened):
    texts = [a.text().replace("&", "") for a in opened.menus["new_adjustment"].actions()]
    # Photoshop's order: the four, then Selective Color
    assert texts[-5:] == ["Invert…", "Posterize…", "Threshold…", "Gradient Map…",
                          "Selective Color…"]
    content = [a.text().replace("&", "") for a in opened.menus["change_content"].actions()
               if not a.isSeparator()]
    assert content[-5:] == texts[-5:]


def test_invert_posterize_and_threshold_from_the_menu_edited_in_properties(opened, qtbot):
    w, doc = opened, opened.doc
    before = screen(w)
    add(w, "invert")
    np.testing.assert_array_equal(screen(w), 255 - before)  # at once, exactly
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), before)

    posterize = add(w, "posterize")
    four = screen(w)
    assert len(np.unique(four)) <= 4 and matches_composite(w)
    steps = doc.history.index
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Levels")
    spin.setValue(2)  # typed: one step
    assert posterize.settings == adj.Posterize(2) and doc.history.index == steps + 1
    assert set(np.unique(screen(w))) <= {0, 255} and matches_composite(w)
    slider = editor_widget(w, QSlider, "Adjust_Levels")
    slider.sliderPressed.emit()  # a drag: one step, the canvas following each move
    for value in (6, 9, 12):
        slider.setValue(value)
        assert posterize.settings.levels == value
        assert len(np.unique(screen(w))) <= value
    slider.sliderReleased.emit()
    assert doc.history.index == steps + 2
    w.actions["undo"].trigger()
    assert posterize.settings == adj.Posterize(2)
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), four)

    place = posterize.parent.children.index(posterize)
    w.actions["change_content_threshold"].trigger()  # in its place, another kind
    threshold = doc.active
    assert threshold.settings == adj.Threshold() and not doc.contains(posterize)
    assert threshold.parent.children.index(threshold) == place
    steps = doc.history.index
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Threshold")
    spin.setValue(200)
    assert threshold.settings == adj.Threshold(200) and doc.history.index == steps + 1
    high = screen(w)
    assert set(np.unique(high)) <= {0, 255} and matches_composite(w)
    spin.setValue(40)
    assert (screen(w) >= high).all() and screen(w).mean() > high.mean()  # more turns white
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(w), high)


def press(qtbot, widget, x: float, y: float, how: str) -> None:
    point = QPoint(round(x), round(y))
    if how == "press":
        qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=point)
    elif how == "move":
        qtbot.mouseMove(widget, point)
    else:
        qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=point)


def test_gradient_map_edited_on_its_bar_and_rows(opened, qtbot, monkeypatch):
    w, doc = opened, opened.doc
    before = screen(w)
    # As Photoshop's, a new Gradient Map runs from the foreground to the background colour.
    w.set_foreground(QColor(0, 0, 0))
    w.set_background(QColor(255, 255, 255))
    layer = add(w, "gradient_map")
    grey = screen(w)
    assert not np.array_equal(grey, before) and matches_composite(w)
    # Black to white over the luminance: a grey picture.
    assert (np.abs(grey - grey[..., :1]) <= 1).all()
    bar = editor_widget(w, GradientBar, "Adjust_Gradient")
    steps = doc.history.index
    # A press on the colour strip adds a stop (the gradient's colour there), dragged on to
    # 80 %: one step; the canvas darkens (the mid grey now lies further right).
    y = GradientBar.strip_y("color")
    press(qtbot, bar, GradientBar.x_of(50), y, "press")
    for at in (60, 70, 80):
        press(qtbot, bar, GradientBar.x_of(at), y, "move")
    press(qtbot, bar, GradientBar.x_of(80), y, "release")
    assert doc.history.index == steps + 1
    assert [at for at, _ in layer.settings.stops] == [0.0, 80.0, 100.0]
    darker = screen(w)
    assert darker.mean() < grey.mean() - 5 and matches_composite(w)
    # A double-click on the new stop: the colour picker, its colour one step.
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(200, 30, 10))
    qtbot.mouseDClick(bar, Qt.MouseButton.LeftButton,
                      pos=QPoint(round(GradientBar.x_of(80)), round(y)))
    assert layer.settings.stops[1] == (80.0, (200, 30, 10))
    assert doc.history.index == steps + 2
    red = screen(w)
    assert (red[..., 0] - red[..., 2]).mean() > 20 and matches_composite(w)
    # Reverse, the method and the smoothness, each one step.
    editor_widget(w, QCheckBox, "Adjust_Reverse").setChecked(True)
    assert layer.settings.reverse and doc.history.index == steps + 3
    reversed_ = screen(w)
    assert not np.array_equal(reversed_, red) and matches_composite(w)
    method = editor_widget(w, QComboBox, "Adjust_Method")
    method.setCurrentIndex(method.findText("Linear"))
    assert layer.settings.method == "linear" and doc.history.index == steps + 4
    editor_widget(w, QDoubleSpinBox, "Adjust_Smoothness").setValue(0)
    assert layer.settings.smoothness == 0 and doc.history.index == steps + 5
    editor_widget(w, QCheckBox, "Adjust_Dither").setChecked(True)
    assert layer.settings.dither and doc.history.index == steps + 6
    # A stop dragged off the bar goes (one step); undo brings each back in turn.
    press(qtbot, bar, GradientBar.x_of(80), y, "press")
    press(qtbot, bar, GradientBar.x_of(80), y + gradient_bar.OFF + 40, "move")
    press(qtbot, bar, GradientBar.x_of(80), y + gradient_bar.OFF + 40, "release")
    assert len(layer.settings.stops) == 2 and doc.history.index == steps + 7
    for _ in range(7):
        w.actions["undo"].trigger()
    assert layer.settings == adj.GradientMap()
    np.testing.assert_array_equal(screen(w), grey)
    w.set_foreground(QColor(10, 40, 200))
    w.set_background(QColor(250, 200, 0))
    w.actions["change_content_threshold"].trigger()
    w.actions["change_content_gradient_map"].trigger()
    assert doc.active.settings.stops == ((0.0, (10, 40, 200)), (100.0, (250, 200, 0)))


def test_image_adjustments_menu_holds_the_three_dialogs(opened):
    texts = [a.text().replace("&", "") for a in opened.menus["image_adjustments"].actions()
             if not a.isSeparator()]
    start = texts.index("Invert")
    assert texts[start:start + 4] == ["Invert", "Posterize…", "Threshold…", "Gradient Map…"]
