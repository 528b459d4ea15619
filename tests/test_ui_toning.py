"""The retouching brushes as a user drives them in the window: Dodge / Burn / Sponge (O,
Shift+O) and Blur / Sharpen / Smudge (R, Shift+R) change the colours where they paint, one
undo step per stroke, never alpha, only inside the selection, and not on a locked layer."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from engine.box import Box
from test_ui_retouch import distance_to_segment
from ui_helpers import image_drag, pasted_window, photo

SHIFT = Qt.KeyboardModifier.ShiftModifier
LUMA = np.array([0.299, 0.587, 0.114])
A, B = (10.5, 32.5), (86.5, 32.5)   # the stroke most tests paint, left to right
SIZE = 16


def opaque(rgb: np.ndarray) -> np.ndarray:
    return np.dstack([rgb, np.full(rgb.shape[:2], 255)]).astype(np.uint8)


def window_with(qtbot, tmp_path, monkeypatch, pixels: np.ndarray):
    """A window showing `pixels` (pasted, as a user would) at 400 %, the canvas focused."""
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 4.0)


def take(w, qtbot, key, shifts=0, size=SIZE, strength=None):
    """The tool a user gets by pressing `key` and then Shift+`key` `shifts` times."""
    qtbot.keyClick(w.canvas, key)
    for _ in range(shifts):
        qtbot.keyClick(w.canvas, key, SHIFT)
    tool = w.tools.current
    tool.set_size(size)
    if strength is not None:
        spin = tool.options().findChild(QSpinBox, f"{tool.id}_strength")
        spin.setValue(strength)   # as typed in the options bar
        assert tool.strength == strength / 100
    return tool


def far_from(shape, a=A, b=B, r=SIZE / 2):
    return distance_to_segment(shape, a, b) > r + 1.5


def on_line(shape, a=A, b=B, r=2.0):
    """Pixels close to the stroke's line, short of its ends (full coverage there)."""
    d = distance_to_segment(shape, (a[0] + 4, a[1]), (b[0] - 4, b[1]))
    return d < r


def bands() -> np.ndarray:
    """Black, mid-grey and white vertical bands, 32 px each (96 x 64)."""
    rgb = np.zeros((64, 96, 3))
    rgb[:, 32:64] = 128
    rgb[:, 64:] = 255
    return opaque(rgb)


def test_dodge_midtones_raises_mid_grey_and_keeps_black_and_white(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := bands())
    doc = w.doc
    (layer,) = doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_O)
    assert tool.id == "dodge" and tool.tone_range == "midtones" and tool.strength == 0.5
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [A, (48.5, 32.5), B])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Dodge"
    after = layer.pixels.copy()
    line = on_line(after.shape)
    grey = line.copy()
    grey[:, :34] = grey[:, 62:] = False
    assert after[grey][:, :3].min() > 145   # (128/255) ** (1/1.5) * 255 is 161 at full coverage
    assert (after[line][:, :3][before[line][:, 0] == 0] <= 1).all()     # black stays
    assert (after[line][:, :3][before[line][:, 0] == 255] == 255).all()  # white stays
    far = far_from(after.shape)
    assert np.array_equal(after[far], before[far])
    assert np.array_equal(after[..., 3], before[..., 3])
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)


def test_burn_midtones_lowers_mid_grey_and_keeps_white_and_black(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := bands())
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_O, shifts=1, strength=100)
    assert tool.id == "burn"
    image_drag(qtbot, w.canvas, [A, B])
    assert w.doc.history.undo_name() == "Burn"
    after = layer.pixels
    line = on_line(after.shape)
    grey = line.copy()
    grey[:, :34] = grey[:, 62:] = False
    assert after[grey][:, :3].max() < 112    # (128/255) ** (4/3) * 255 is 102 at full coverage
    assert (after[line][:, :3][before[line][:, 0] == 255] >= 254).all()
    assert (after[line][:, :3][before[line][:, 0] == 0] == 0).all()


def test_dodge_range_shadows_lifts_black_and_can_be_chosen_in_the_options(qtbot, tmp_path,
                                                                           monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := bands())
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_O)
    combo = tool.options().findChild(QComboBox, "dodge_range")
    combo.setCurrentIndex(combo.findData("shadows"))
    assert tool.tone_range == "shadows"
    image_drag(qtbot, w.canvas, [A, B])
    line = on_line(before.shape)
    black = line & (before[..., 0] == 0)
    assert layer.pixels[black][:, :3].min() >= 30   # 0 + 0.5/3 * 255 = 42 at full coverage


def test_sponge_desaturates_and_keeps_luminance(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := photo(96, 64, "astronaut"))
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_O, shifts=2, strength=80)
    assert tool.id == "sponge" and not tool.saturate
    vibrance = tool.options().findChild(QCheckBox, "sponge_vibrance")
    qtbot.mouseClick(vibrance, Qt.MouseButton.LeftButton, pos=vibrance.rect().center())
    assert not tool.vibrance
    image_drag(qtbot, w.canvas, [A, B])
    assert w.doc.history.undo_name() == "Sponge"
    after = layer.pixels
    line = on_line(after.shape)
    chroma = lambda p: p[..., :3].max(axis=-1).astype(int) - p[..., :3].min(axis=-1)  # noqa: E731
    assert chroma(after[line]).mean() < 0.4 * chroma(before[line]).mean()
    luma = lambda p: p[..., :3] @ LUMA  # noqa: E731
    assert np.abs(luma(after[line]) - luma(before[line])).mean() < 1.5
    far = far_from(after.shape)
    assert np.array_equal(after[far], before[far])


def checkerboard(low=0, high=255, cell=2) -> np.ndarray:
    yy, xx = np.mgrid[:64, :96]
    on = ((yy // cell + xx // cell) % 2).astype(bool)
    return opaque(np.where(on, high, low)[..., None].repeat(3, axis=-1))


def local_variance(p: np.ndarray, where: np.ndarray) -> float:
    """The mean over `where` of each pixel's 3 x 3 neighbourhood variance (red)."""
    v = p[..., 0].astype(float)
    shifted = np.stack([np.roll(np.roll(v, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)])
    return float(shifted.var(axis=0)[where].mean())


def test_blur_lowers_local_variance_under_the_stroke_only(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := checkerboard())
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_R)
    assert tool.id == "blur"
    image_drag(qtbot, w.canvas, [A, B])
    assert w.doc.history.undo_name() == "Blur"
    after = layer.pixels
    line = on_line(after.shape)
    assert local_variance(after, line) < 0.3 * local_variance(before, line)
    far = far_from(after.shape)
    assert np.array_equal(after[far], before[far])


def test_sharpen_raises_local_variance(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := checkerboard(96, 160))
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_R, shifts=1)
    assert tool.id == "sharpen"
    image_drag(qtbot, w.canvas, [A, B])
    assert w.doc.history.undo_name() == "Sharpen"
    after = layer.pixels
    line = on_line(after.shape)
    assert local_variance(after, line) > 1.5 * local_variance(before, line)
    far = far_from(after.shape)
    assert np.array_equal(after[far], before[far])


ALT = Qt.KeyboardModifier.AltModifier


@pytest.mark.parametrize("key, twin", [(Qt.Key.Key_O, "Burn"), (Qt.Key.Key_R, "Sharpen")])
def test_alt_held_makes_the_stroke_its_twins_and_keeps_the_tool(qtbot, tmp_path, monkeypatch,
                                                                key, twin):
    """Photoshop's Alt: Dodge burns and Blur sharpens while it is held (their own settings),
    and the tool stays chosen; a stroke without Alt is the tool's again."""
    before = bands() if twin == "Burn" else checkerboard(96, 160)
    w = window_with(qtbot, tmp_path, monkeypatch, before)
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, key, strength=100)
    image_drag(qtbot, w.canvas, [A, B], modifier=ALT)
    assert w.doc.history.undo_name() == twin and w.tools.current is tool
    assert w.tool_actions[tool.id].isChecked()
    after = layer.pixels.copy()
    line = on_line(after.shape)
    if twin == "Burn":
        grey = line.copy()
        grey[:, :34] = grey[:, 62:] = False
        assert after[grey][:, :3].max() < 112   # darker, as Burn at 100 % makes it
    else:
        assert local_variance(after, line) > 1.5 * local_variance(before, line)
    assert np.array_equal(after[..., 3], before[..., 3])
    w.actions["undo"].trigger()
    image_drag(qtbot, w.canvas, [A, B])   # no Alt: the tool's own stroke
    assert w.doc.history.undo_name() == ("Dodge" if twin == "Burn" else "Blur")


def halves() -> np.ndarray:
    """Red left of x = 48, blue right of it."""
    rgb = np.zeros((64, 96, 3))
    rgb[:, :48, 0] = 255
    rgb[:, 48:, 2] = 255
    return opaque(rgb)


def test_smudge_drags_colour_in_the_stroke_direction(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, before := halves())
    (layer,) = w.doc.layers()
    tool = take(w, qtbot, Qt.Key.Key_R, shifts=2, strength=80)
    assert tool.id == "smudge"
    a, b = (30.5, 32.5), (70.5, 32.5)   # from the red into the blue
    image_drag(qtbot, w.canvas, [a, (50.5, 32.5), b])
    assert w.doc.history.undo_name() == "Smudge"
    after = layer.pixels.copy()
    # Red is carried into the blue, past the edge, along the stroke...
    carried = after[31:34, 52:62].astype(int)
    assert carried[..., 0].mean() > 80 and carried[..., 2].mean() < 200
    # ...not backwards: behind the start, and across the edge above and below, it is as it was.
    assert np.array_equal(after[:, :20], before[:, :20])
    far = far_from(after.shape, a, b)
    assert np.array_equal(after[far], before[far])
    # Dragged back the other way, blue goes into the red.
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    image_drag(qtbot, w.canvas, [b, (50.5, 32.5), a])
    back = layer.pixels[31:34, 34:44].astype(int)
    assert back[..., 2].mean() > 80 and back[..., 0].mean() < 200


TOOLS = [(Qt.Key.Key_O, 0, "dodge", "Dodge", "dodge"), (Qt.Key.Key_O, 1, "burn", "Burn", "burn"),
         (Qt.Key.Key_O, 2, "sponge", "Sponge", "saturate or desaturate"),
         (Qt.Key.Key_R, 0, "blur", "Blur", "blur"), (Qt.Key.Key_R, 1, "sharpen", "Sharpen", "sharpen"),
         (Qt.Key.Key_R, 2, "smudge", "Smudge", "smudge")]


@pytest.mark.parametrize("key, shifts, tool_id, step, verb", TOOLS, ids=[t[2] for t in TOOLS])
def test_each_tool_keeps_alpha_the_selection_and_the_locks(qtbot, tmp_path, monkeypatch,
                                                           key, shifts, tool_id, step, verb):
    w = window_with(qtbot, tmp_path, monkeypatch, photo(96, 64, "astronaut"))
    doc = w.doc
    # A half-transparent layer over the photo (alpha from 0 to 255 across it) takes the strokes.
    semi = photo(96, 64, "coffee")
    semi[..., 3] = np.linspace(0, 255, 96).astype(np.uint8)[None, :]
    layer = doc.add_image(semi.copy(), "Semi", 0, 0)
    doc.set_active(layer)
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)   # select the right half of the stroke's reach
    image_drag(qtbot, w.canvas, [(48, 10), (96, 60)])
    assert doc.selection == Box(48, 10, 48, 50)
    tool = take(w, qtbot, key, shifts, strength=100)
    assert tool.id == tool_id
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [A, (30.5, 28.5), (60.5, 36.5), B])
    assert w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == step
    assert layer.bounds() == Box(0, 0, 96, 64)   # the layer does not grow
    after = layer.pixels.copy()
    assert np.array_equal(after[..., 3], semi[..., 3])   # alpha never changes
    outside = np.ones(semi.shape[:2], bool)
    outside[10:60, 48:96] = False
    assert np.array_equal(after[outside], semi[outside])
    changed = (after != semi).any(axis=-1) & (semi[..., 3] > 0)
    assert changed[10:60, 48:96].sum() > 50
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, semi)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)
    # Locked: refused with one readable line, nothing changes.
    qtbot.mouseClick(w.layers_panel.lock_buttons["all"], Qt.MouseButton.LeftButton)
    assert layer.locked
    steps = doc.history.count
    w.canvas.setFocus()
    image_drag(qtbot, w.canvas, [A, B])
    assert doc.history.count == steps and np.array_equal(layer.pixels, after)
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert title == f"Could not {verb}" and "locked" in message and "\n" not in message


def test_lock_transparent_pixels_keeps_alpha_and_tones_the_colours(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, bands())
    doc = w.doc
    grey = np.full((20, 60, 4), 128, np.uint8)
    grey[..., 3] = 0
    grey[:, 20:40, 3] = 200
    layer = doc.add_image(grey.copy(), "Grey", 20, 22)
    doc.set_active(layer)
    qtbot.mouseClick(w.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    w.canvas.setFocus()
    take(w, qtbot, Qt.Key.Key_O)
    image_drag(qtbot, w.canvas, [A, B])
    assert doc.history.undo_name() == "Dodge"
    assert layer.bounds() == Box(20, 22, 60, 20) and np.array_equal(layer.pixels[..., 3], grey[..., 3])
    assert layer.pixels[10, 30, 0] > 145


def test_o_and_r_take_the_groups_and_shift_cycles_them(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, bands())
    canvas = w.canvas
    for key, group in ((Qt.Key.Key_O, ("dodge", "burn", "sponge")),
                       (Qt.Key.Key_R, ("blur", "sharpen", "smudge"))):
        button = w.tool_group_buttons[group]
        assert [a for a in button.menu().actions()] == [w.tool_actions[t] for t in group]
        qtbot.keyClick(canvas, Qt.Key.Key_B)
        qtbot.keyClick(canvas, key, SHIFT)   # another tool in use: Shift takes the first
        assert w.tools.current.id == group[0]
        for tool_id in group[1:] + group[:1]:
            qtbot.keyClick(canvas, key, SHIFT)
            assert w.tools.current.id == tool_id and w.tool_actions[tool_id].isChecked()
            assert button.defaultAction() is w.tool_actions[tool_id]
        # The letter takes the tool the group's place shows (Photoshop's), again and again,
        # and so does Shift with it while another tool is in use.
        qtbot.keyClick(canvas, key, SHIFT)
        qtbot.keyClick(canvas, Qt.Key.Key_B)
        qtbot.keyClick(canvas, key)
        assert w.tools.current.id == group[1] and button.defaultAction().isChecked()
        qtbot.keyClick(canvas, key)
        assert w.tools.current.id == group[1]
        qtbot.keyClick(canvas, Qt.Key.Key_B)
        qtbot.keyClick(canvas, key, SHIFT)
        assert w.tools.current.id == group[1]
        # Every tool of the group names the letter, in its name and its tooltip.
        letter = QKeySequence(key).toString()
        for tool_id in group:
            assert w.tool_actions[tool_id].text().endswith(f"({letter})")
            assert f"({letter})" in w.tool_actions[tool_id].toolTip()
        qtbot.keyClick(canvas, key, SHIFT)   # back to the first for the shortcuts below
        qtbot.keyClick(canvas, key, SHIFT)
        assert w.tools.current.id == group[0]
    assert w.tool_actions["dodge"].shortcut().toString() == "O"
    assert w.tool_actions["blur"].shortcut().toString() == "R"
    assert w.actions["cycle_dodge"].shortcut().toString() == "Shift+O"
    assert w.actions["cycle_blur"].shortcut().toString() == "Shift+R"


def test_smudge_sample_all_layers_picks_up_what_the_canvas_shows(qtbot, tmp_path, monkeypatch):
    w = window_with(qtbot, tmp_path, monkeypatch, halves())
    doc = w.doc
    veil = np.full((64, 96, 4), 255, np.uint8)
    veil[..., 3] = 128   # a half-transparent white layer over the red and blue halves
    top = doc.add_image(veil.copy(), "Veil", 0, 0)
    doc.set_active(top)
    w.canvas.setFocus()
    tool = take(w, qtbot, Qt.Key.Key_R, shifts=2, strength=80)
    assert tool.id == "smudge" and not tool.sample_all
    a, b = (30.5, 32.5), (70.5, 32.5)
    image_drag(qtbot, w.canvas, [a, b])   # the veil alone is all one colour: nothing moves
    assert np.array_equal(top.pixels, veil)
    box = tool.options().findChild(QCheckBox, "smudge_sample_all")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert tool.sample_all
    image_drag(qtbot, w.canvas, [a, b])
    assert doc.history.undo_name() == "Smudge"
    carried = top.pixels[31:34, 52:62].astype(int)
    assert carried[..., 1].mean() < 200 and (carried[..., 0] - carried[..., 2]).mean() > 30
    assert np.array_equal(top.pixels[..., 3], veil[..., 3])
