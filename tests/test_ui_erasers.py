"""The Background Eraser and the Magic Eraser as a user drives them in the window (E, then
Shift+E after the Eraser): a click erases the clicked colour's region (contiguous or not,
within the tolerance), a stroke erases the sampled colour under the brush and keeps the
others; both within the selection, one undo step each."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from engine.box import Box
from ui_helpers import image_drag, image_pos, pasted_window

W, H = 120, 80
RED, BLUE, DARK_RED = (200, 30, 30), (30, 30, 200), (150, 30, 30)


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    """A window showing a picture red on the left half, blue on the right, with a red
    island in the blue (rows 20-29, columns 85-94) and a darker red band along the bottom
    of the red half (rows 60-69, columns 0-39, 50 levels from the red), pasted as a user would."""
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[:, :60, :3] = RED
    pixels[:, 60:, :3] = BLUE
    pixels[20:30, 85:95, :3] = RED
    pixels[60:70, :40, :3] = DARK_RED
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)


def take(w, qtbot, tool_id):
    """The tool, taken from the keyboard as a user would: E, then Shift+E until it shows."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)
    for _ in range(3):
        if w.tools.current.id == tool_id:
            break
        qtbot.keyClick(w.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)
    tool = w.tools.current
    assert tool.id == tool_id
    return tool


def option(tool, cls, name):
    widget = tool.options().findChild(cls, name)
    assert widget is not None, name
    return widget


def click(qtbot, w, x, y):
    qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     image_pos(w.canvas, x, y))


def colour_is(pixels, colour):
    return (pixels[..., :3] == colour).all(axis=-1)


def test_shift_e_goes_eraser_background_eraser_magic_eraser_in_one_palette_place(w, qtbot):
    assert w.actions["cycle_eraser"].shortcut().toString() == "Shift+E"
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)
    seen = [w.tools.current.id]
    for _ in range(3):
        qtbot.keyClick(w.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)
        seen.append(w.tools.current.id)
    assert seen == ["eraser", "background_eraser", "magic_eraser", "eraser"]
    take(w, qtbot, "magic_eraser")
    button = w.tool_group_buttons[("eraser", "background_eraser", "magic_eraser")]
    assert button.defaultAction() is w.tool_actions["magic_eraser"]
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)  # E takes the one the palette shows
    assert w.tools.current.id == "magic_eraser"


def test_magic_eraser_erases_the_clicked_region_only_and_undo_restores(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    tool = take(w, qtbot, "magic_eraser")
    assert option(tool, QSpinBox, "magic_eraser_tolerance").value() == 32
    option(tool, QCheckBox, "magic_eraser_anti_alias").setChecked(False)
    assert option(tool, QCheckBox, "magic_eraser_contiguous").isChecked()
    steps = doc.history.count
    click(qtbot, w, 10.5, 10.5)
    alpha = layer.pixels[..., 3]
    red = colour_is(before, RED)
    island = np.zeros((H, W), bool)
    island[20:30, 85:95] = True
    assert (alpha[red & ~island] == 0).all()          # the clicked red region
    assert (alpha[~red | island] == 255).all()        # the island is not connected to it
    assert np.array_equal(layer.pixels[~red | island], before[~red | island])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Magic Eraser"
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    # Not contiguous: every red pixel, the island's too; blue and the dark red stay.
    option(tool, QCheckBox, "magic_eraser_contiguous").setChecked(False)
    w.canvas.setFocus()
    click(qtbot, w, 10.5, 10.5)
    assert (layer.pixels[..., 3][red] == 0).all() and (layer.pixels[..., 3][~red] == 255).all()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)


def test_magic_eraser_tolerance_takes_in_the_darker_red(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    tool = take(w, qtbot, "magic_eraser")
    option(tool, QCheckBox, "magic_eraser_anti_alias").setChecked(False)
    option(tool, QSpinBox, "magic_eraser_tolerance").setValue(60)  # the band is 50 away
    w.canvas.setFocus()
    click(qtbot, w, 10.5, 10.5)
    reds = colour_is(before, RED) | colour_is(before, DARK_RED)
    reds[20:30, 85:95] = False
    assert (layer.pixels[..., 3][reds] == 0).all()
    assert (layer.pixels[..., 3][~reds] == 255).all()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)


def test_magic_eraser_anti_alias_softens_the_edge_and_keeps_to_the_selection(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(30, 10), (50, 30), (80, 50)])
    assert doc.selection == Box(30, 10, 50, 40)
    take(w, qtbot, "magic_eraser")  # Anti-alias is on by default
    click(qtbot, w, 40.5, 20.5)
    alpha = layer.pixels[..., 3]
    assert (alpha[10:50, 30:60] == 0).all()
    # The blue column next to the red is partly erased (a third of its neighbours were).
    assert (np.abs(alpha[12:48, 60].astype(int) - 170) <= 1).all()
    assert (alpha[10:50, 61:80] == 255).all()
    outside = np.ones((H, W), bool)
    outside[10:50, 30:80] = False
    assert np.array_equal(layer.pixels[outside], before[outside])


def test_magic_eraser_on_locked_transparency_paints_the_background_colour(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    qtbot.mouseClick(w.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    w.set_background(QColor(0, 255, 0))
    w.canvas.setFocus()
    tool = take(w, qtbot, "magic_eraser")
    option(tool, QCheckBox, "magic_eraser_anti_alias").setChecked(False)
    w.canvas.setFocus()
    click(qtbot, w, 10.5, 10.5)
    assert (layer.pixels[0:60, 0:60, 3] == 255).all()
    assert colour_is(layer.pixels[0:60, 0:60], (0, 255, 0)).all()
    assert colour_is(layer.pixels[:, 60:85], BLUE).all()


def background_eraser(w, qtbot, sampling, limits="discontiguous", protect=False):
    tool = take(w, qtbot, "background_eraser")
    tool.set_size(16)
    assert option(tool, QSpinBox, "background_eraser_tolerance").value() == 50
    for key, value in (("sampling", sampling), ("limits", limits)):
        combo = option(tool, QComboBox, f"background_eraser_{key}")
        combo.setCurrentIndex(combo.findData(value))
    option(tool, QCheckBox, "background_eraser_protect").setChecked(protect)
    w.canvas.setFocus()
    return tool


def across(w, qtbot, y=40.5):
    """A stroke from the red half across the edge into the blue, and back."""
    image_drag(qtbot, w.canvas, [(20.5, y), (100.5, y), (110.5, y)])


def test_background_eraser_sampling_once_erases_the_red_and_keeps_the_blue(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    background_eraser(w, qtbot, "once")
    steps = doc.history.count
    across(w, qtbot)
    alpha = layer.pixels[..., 3]
    assert (alpha[36:45, 24:58] == 0).all()               # the red under the brush
    assert (alpha[:, 60:] == 255).all()                    # the blue is kept
    assert np.array_equal(layer.pixels[:, 60:], before[:, 60:])
    assert (alpha[:25] == 255).all() and (alpha[56:] == 255).all()  # beyond the brush
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Background Eraser"
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)


def test_background_eraser_protects_the_foreground_colour(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    # Continuous: each dab samples what is under it, so both colours would go ...
    background_eraser(w, qtbot, "continuous")
    across(w, qtbot)
    assert (layer.pixels[38:43, 24:58, 3] == 0).all() and \
        (layer.pixels[38:43, 62:98, 3] == 0).all()
    w.actions["undo"].trigger()
    # ... but with the red as foreground colour protected, only the blue goes.
    w.set_foreground(QColor(*RED))
    background_eraser(w, qtbot, "continuous", protect=True)
    across(w, qtbot)
    assert (layer.pixels[:, :60, 3] == 255).all()
    assert (layer.pixels[38:43, 62:98, 3] == 0).all()


@pytest.mark.parametrize("limits", ["contiguous", "find_edges", "discontiguous"])
def test_background_eraser_contiguous_stops_at_a_line_of_another_colour(
        qtbot, tmp_path, monkeypatch, limits):
    pixels = np.full((H, W, 4), 255, np.uint8)
    pixels[..., :3] = BLUE
    pixels[:, 60:62, :3] = RED   # a red line down the blue
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    (layer,) = w.doc.layers()
    tool = background_eraser(w, qtbot, "once", limits=limits)
    tool.set_size(24)   # from the stroke along column 54, the brush reaches past the line
    image_drag(qtbot, w.canvas, [(54.5, 20.5), (54.5, 40.5), (54.5, 60.5)])
    alpha = layer.pixels[..., 3]
    assert (alpha[25:55, 50:59] == 0).all()
    assert (alpha[:, 60:62] == 255).all()   # the line is red
    beyond = alpha[25:55, 62:64]
    if limits == "discontiguous":
        assert (beyond < 128).all()
    else:
        assert (beyond == 255).all()   # not connected to the brush's centre


def test_background_eraser_changes_nothing_outside_the_selection(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(30, 30), (40, 40), (50, 50)])
    assert doc.selection == Box(30, 30, 20, 20)
    background_eraser(w, qtbot, "once")
    across(w, qtbot)
    alpha = layer.pixels[..., 3]
    assert (alpha[36:45, 30:50] == 0).all()
    outside = np.ones((H, W), bool)
    outside[30:50, 30:50] = False
    assert np.array_equal(layer.pixels[outside], before[outside])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)


def test_background_eraser_erases_through_lock_transparent_pixels_as_photoshops(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    qtbot.mouseClick(w.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    w.canvas.setFocus()
    background_eraser(w, qtbot, "once")
    across(w, qtbot)
    assert (layer.pixels[36:45, 24:58, 3] == 0).all()
    assert (layer.pixels[:, 60:, 3] == 255).all()
    assert layer.locks.transparency


def test_background_eraser_on_a_targeted_mask_says_why_in_one_line(w, qtbot):
    doc = w.doc
    (layer,) = doc.layers()
    w.actions["mask_reveal_all"].trigger()
    assert layer.mask is not None and doc.mask_targeted
    steps = doc.history.count
    background_eraser(w, qtbot, "once")
    across(w, qtbot)
    assert doc.history.count == steps
    assert "works on a layer's pixels" in w.statusBar().currentMessage()
