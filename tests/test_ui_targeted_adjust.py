"""The on-image adjustment (Photoshop's Targeted Adjustment Tool, the hand button) of
Curves and Hue/Saturation in Properties, driven with the mouse on the real canvas: a press
on a grey patch adds a Curves point at its level and a drag up lifts it (the canvas
brighter there); a drag right on a red patch raises the Reds' saturation, Ctrl+drag turns
their hue; each drag one undo step; Esc or another tool ends the mode."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton

from editor.model import adjustments as adj
from test_ui_adjustments import editor_widget, screen
from ui_helpers import drag, image_pos, make_window, open_photo

W, H = 96, 64
GREY, RED = (100, 100, 100), (200, 40, 40)


@pytest.fixture
def patches(qtbot, tmp_path, monkeypatch):
    """The photo with a grey patch (10..30, 10..30) and a red one (50..70, 10..30) on top."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.canvas.set_zoom(4.0)
    pixels = np.zeros((20, 60, 4), np.uint8)
    pixels[:, :20, :3], pixels[:, 40:, :3] = GREY, RED
    pixels[:, :20, 3] = pixels[:, 40:, 3] = 255
    w.doc.add_image(pixels, "Patches", 10, 10)
    return w


def on_image_button(w) -> QPushButton:
    button = editor_widget(w, QPushButton, "Adjust_OnImage")
    for _ in range(20):  # rows added to a shown panel are laid out from the event loop
        if button.height() > 0:
            break
        QApplication.processEvents()
    return button


def screen_drag(qtbot, canvas, start, offsets, **kw) -> None:
    """A drag from image point `start` by (dx, dy) screen pixels, step by step."""
    origin = image_pos(canvas, *start)
    drag(qtbot, canvas, [origin] + [origin + type(origin)(dx, dy) for dx, dy in offsets], **kw)


def test_curves_on_image_adds_a_point_at_the_level_and_drags_it_up(patches, qtbot):
    w, doc, canvas = patches, patches.doc, patches.canvas
    w.actions["adjustment_curves"].trigger()
    layer = doc.active
    before = screen(w)
    button = on_image_button(w)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert button.isChecked() and w.tools.current.id == "targeted_adjust"
    steps = doc.history.count
    screen_drag(qtbot, canvas, (20, 20), [(0, -10), (0, -25), (0, -40)])
    assert layer.settings.rgb == ((0, 0), (100, 140), (255, 255))  # grey 100, lifted 40
    assert doc.history.count == steps + 1  # press, moves and release: one step
    shown = screen(w)
    assert (np.abs(shown[20, 20] - 140) <= 2).all()  # the canvas shows it live
    assert (shown[15:25, 15:25] > before[15:25, 15:25]).all()
    # Another drag on the red patch, in the Red channel: a point at red's 200, pulled down.
    editor_widget(w, QComboBox, "Adjust_Channel").setCurrentIndex(1)
    screen_drag(qtbot, canvas, (60, 20), [(0, 5), (0, 30)])
    assert layer.settings.red == ((0, 0), (200, 170), (255, 255))
    assert screen(w)[20, 60, 0] < shown[20, 60, 0]
    assert doc.history.count == steps + 2
    w.actions["undo"].trigger()
    assert layer.settings.red == adj.CURVE_IDENTITY
    w.actions["undo"].trigger()
    assert layer.settings == adj.Curves()
    np.testing.assert_array_equal(screen(w), before)
    # Esc ends the mode: the button goes off, the tool is back.
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and not on_image_button(w).isChecked()


def test_hue_saturation_on_image_raises_the_reds_saturation_and_ctrl_turns_hue(patches,
                                                                              qtbot):
    w, doc, canvas = patches, patches.doc, patches.canvas
    w.actions["adjustment_hue_saturation"].trigger()
    layer = doc.active
    before = screen(w)
    qtbot.mouseClick(on_image_button(w), Qt.MouseButton.LeftButton)
    steps = doc.history.count
    screen_drag(qtbot, canvas, (60, 20), [(10, 0), (30, 0), (50, 0)])
    assert layer.settings.ranges[0][1] == (0, 50, 0)  # Reds: saturation +50
    assert all(edit == (0, 0, 0) for _, edit in layer.settings.ranges[1:])
    assert (layer.settings.hue, layer.settings.saturation) == (0, 0)
    assert doc.history.count == steps + 1
    assert editor_widget(w, QComboBox, "Adjust_Range").currentIndex() == 1  # Reds shown
    shown = screen(w)
    r, g, b = shown[20, 60]
    assert r - g > before[20, 60, 0] - before[20, 60, 1]  # more saturated
    np.testing.assert_array_equal(shown[20, 20], before[20, 20])  # grey: untouched
    assert on_image_button(w).isChecked()  # still on after the panel showed the range
    # Ctrl+drag left: the Reds' hue.
    screen_drag(qtbot, canvas, (60, 20), [(-10, 0), (-20, 0)],
                modifier=Qt.KeyboardModifier.ControlModifier)
    assert layer.settings.ranges[0][1] == (-20, 50, 0)
    assert doc.history.count == steps + 2
    w.actions["undo"].trigger()
    assert layer.settings.ranges[0][1] == (0, 50, 0)
    w.actions["undo"].trigger()
    assert layer.settings == adj.HueSaturation()
    np.testing.assert_array_equal(screen(w), before)
    # Another tool ends the mode.
    w.tools.select("move")
    assert w.tools.mode is None and not on_image_button(w).isChecked()


@pytest.mark.parametrize("action, first_below", [("adjustment_curves", "Adjust_Channel"),
                                                 ("adjustment_hue_saturation",
                                                  "Adjust_Range")])
def test_the_hand_button_sits_at_the_top_of_the_editor(patches, qtbot, action, first_below):
    """Photoshop puts the hand above Curves' graph and beside Hue/Saturation's range: at
    the editor's end it was out of sight in the default panel height."""
    w = patches
    w.actions[action].trigger()
    button = on_image_button(w)
    below = editor_widget(w, QComboBox, first_below)
    top = button.mapTo(w, button.rect().topLeft()).y()
    assert top < below.mapTo(w, below.rect().topLeft()).y()
