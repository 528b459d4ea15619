"""The Brush group's other tools as a user drives them in the window (B, Shift+B): the
Pencil, whose strokes are aliased (a pixel is painted or not) and whose Auto Erase paints
the background colour on a stroke begun on the foreground colour, and Color Replacement,
which gives the pixels of the sampled colour the foreground's hue and saturation, and the
Mixer Brush, whose paint mixes with the colours it passes over."""
from __future__ import annotations

import colorsys

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

from ui_helpers import image_drag, pasted_window

SHIFT = Qt.KeyboardModifier.ShiftModifier
PATH = [(10.0, 20.5), (60.5, 44.0), (120.0, 95.5), (150.5, 30.0)]  # (at 200 %: exact)


@pytest.fixture
def grey(qtbot, tmp_path, monkeypatch):
    """A window showing a flat grey 160x120 picture, pasted as a user would."""
    pixels = np.full((120, 160, 4), 128, np.uint8)
    pixels[..., 3] = 255
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)


def take(w, qtbot, tool_id: str):
    """B, then Shift+B until `tool_id` is the tool (Brush -> Pencil -> Color Replacement ->
    Mixer Brush)."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    for _ in range(4):
        if w.tools.current.id == tool_id:
            break
        qtbot.keyClick(w.canvas, Qt.Key.Key_B, SHIFT)
    assert w.tools.current.id == tool_id
    return w.tools.current


def test_b_and_shift_b_cycle_the_brush_group(grey, qtbot):
    w = grey
    group = ("brush", "pencil", "color_replace", "mixer_brush")
    button = w.tool_group_buttons[group]
    assert list(button.menu().actions()) == [w.tool_actions[t] for t in group]
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    assert w.tools.current.id == "brush"
    for tool_id in ("pencil", "color_replace", "mixer_brush", "brush"):
        qtbot.keyClick(w.canvas, Qt.Key.Key_B, SHIFT)
        assert w.tools.current.id == tool_id
        assert button.defaultAction() is w.tool_actions[tool_id]


def new_transparent_layer(w):
    w.actions["new_layer"].trigger()
    layer = w.doc.active_layer
    assert layer.is_empty() or not layer.pixels[..., 3].any()
    return layer


@pytest.mark.parametrize("size", [1, 6, 9])
def test_a_pencil_stroke_paints_whole_pixels_and_undo_restores(grey, qtbot, size):
    w = grey
    doc = w.doc
    layer = new_transparent_layer(w)
    w.set_foreground(QColor(255, 0, 0))
    tool = take(w, qtbot, "pencil")
    tool.set_size(size)
    steps = doc.history.count
    image_drag(qtbot, w.canvas, PATH)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Pencil Tool"
    alpha = layer.canvas_crop(doc.canvas)[..., 3]
    painted = alpha == 255
    assert ((alpha == 0) | painted).all(), np.unique(alpha)   # no partial alpha
    assert (layer.canvas_crop(doc.canvas)[painted][:, :3] == (255, 0, 0)).all()
    # A line along the path: the pixel pressed on, a dab within a pixel of each corner.
    assert painted[20, 10]
    for x, y in PATH:
        assert painted[int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].any()
    assert painted.sum() > size * 150
    count, _labels = cv2.connectedComponents(painted.astype(np.uint8), connectivity=8)
    assert count == 2   # one unbroken line (and the background)
    w.actions["undo"].trigger()
    assert not layer.canvas_crop(doc.canvas)[..., 3].any()
    # The Brush at 100 % hardness over the same path does leave partial pixels: what the
    # test tells apart.
    brush = take(w, qtbot, "brush")
    brush.set_size(size)
    brush.set_hardness(1.0)
    image_drag(qtbot, w.canvas, PATH)
    alpha = layer.canvas_crop(doc.canvas)[..., 3]
    assert ((alpha > 0) & (alpha < 255)).any()


def test_a_pencil_at_half_opacity_on_a_mask_is_one_grey(grey, qtbot):
    """On a layer mask, Opacity 50 %: every pixel of the stroke is the same grey, the rest
    untouched; one undo step takes it back."""
    from editor.model import LayerMask

    w = grey
    doc = w.doc
    (layer,) = doc.layers()
    layer.mask = LayerMask(np.full((120, 160), 255, np.uint8), 0, 0)
    doc.set_mask_targeted(True)
    w.set_foreground(QColor(0, 0, 0))
    tool = take(w, qtbot, "pencil")
    tool.set_size(7)
    tool.set_opacity(0.5)
    image_drag(qtbot, w.canvas, PATH)
    values = layer.mask.pixels
    assert set(np.unique(values)) == {128, 255}
    assert layer.pixels[..., :3].min() == 128   # the layer's pixels left alone
    w.actions["undo"].trigger()
    assert (layer.mask.pixels == 255).all()


def test_shift_click_draws_a_straight_pencil_line(grey, qtbot):
    w = grey
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(0, 0, 255))
    tool = take(w, qtbot, "pencil")
    tool.set_size(3)
    image_drag(qtbot, w.canvas, [(20.5, 30.5)])
    image_drag(qtbot, w.canvas, [(140.5, 30.5)], modifier=SHIFT)
    row = layer.pixels[30, :, :3]
    assert (row[20:141] == (0, 0, 255)).all()
    assert (layer.pixels[35:, :, :3] == 128).all()   # a line, nothing else


def test_the_pencil_keeps_to_the_selection_and_lock_transparent_pixels(grey, qtbot):
    """A marquee box: nothing outside it changes. Lock Transparent Pixels on a layer with a
    hole: the hole stays transparent, the rest is painted, the layer does not grow."""
    w = grey
    doc = w.doc
    (layer,) = doc.layers()
    layer.pixels[50:70, 70:90, 3] = 0   # a hole
    before = layer.pixels.copy()
    qtbot.mouseClick(w.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(40, 30), (60, 60), (120, 90)])
    w.set_foreground(QColor(0, 0, 255))
    tool = take(w, qtbot, "pencil")
    tool.set_size(9)
    image_drag(qtbot, w.canvas, [(5.5, 60.5), (80.5, 60.5), (155.5, 60.5)])
    inside = np.zeros((120, 160), bool)
    inside[30:90, 40:120] = True
    after = layer.pixels
    assert layer.pixels.shape == before.shape
    assert np.array_equal(after[~inside], before[~inside])
    assert np.array_equal(after[..., 3], before[..., 3])
    assert tuple(after[60, 50]) == tuple(after[60, 110]) == (0, 0, 255, 255)


def test_auto_erase_paints_the_background_colour_on_a_stroke_begun_on_the_foreground(
        grey, qtbot):
    w = grey
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(255, 0, 0))
    w.set_background(QColor(0, 255, 0))
    tool = take(w, qtbot, "pencil")
    tool.set_size(5)
    box = w.findChild(QCheckBox, "pencil_auto_erase")
    assert box is not None and not box.isChecked()
    box.click()
    assert tool.auto_erase
    # Begun on grey: the foreground colour.
    image_drag(qtbot, w.canvas, [(10.5, 60.5), (150.5, 60.5)])
    assert tuple(layer.pixels[60, 80, :3]) == (255, 0, 0)
    # Begun on that red line: the background colour, also where it crosses grey.
    image_drag(qtbot, w.canvas, [(80.5, 60.5), (80.5, 110.5)])
    assert tuple(layer.pixels[60, 80, :3]) == (0, 255, 0)
    assert tuple(layer.pixels[100, 80, :3]) == (0, 255, 0)
    # Off, a stroke begun on red paints red again.
    box.click()
    image_drag(qtbot, w.canvas, [(30.5, 60.5), (30.5, 110.5)])
    assert tuple(layer.pixels[100, 30, :3]) == (255, 0, 0)


def red_and_blue():
    pixels = np.zeros((120, 160, 4), np.uint8)
    pixels[:, :80] = (200, 40, 40, 255)
    pixels[:, 80:] = (40, 40, 200, 255)
    return pixels


def lum(rgb) -> np.ndarray:
    return np.asarray(rgb, np.float64) @ (0.3, 0.59, 0.11)


def test_color_replacement_recolours_red_keeping_luminosity_and_leaves_blue(
        qtbot, tmp_path, monkeypatch):
    before = red_and_blue()
    w = pasted_window(qtbot, tmp_path, monkeypatch, before, 2.0)
    doc = w.doc
    (layer,) = doc.layers()
    fg = (40, 170, 60)
    w.set_foreground(QColor(*fg))
    tool = take(w, qtbot, "color_replace")
    assert tool.tolerance == pytest.approx(0.3) and tool.mode == "color"
    assert w.findChild(QComboBox, "color_replace_mode").currentText() == "Color"
    tool.set_size(30)
    steps = doc.history.count
    # Along the border inside the red (the dab reaches 15 px into the blue), sampled
    # continuously, the default.
    image_drag(qtbot, w.canvas, [(72.5, 10.5), (72.5, 60.5), (72.5, 110.5)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Color Replacement"
    after = layer.pixels.copy()
    assert np.array_equal(after[:, 80:], before[:, 80:])   # blue: beyond the tolerance
    changed = after[20:100, 62:80, :3].reshape(-1, 3).astype(float)
    assert (np.abs(lum(changed) - lum(before[0, 0, :3])) <= 1.0).all()   # luminosity kept
    want = colorsys.rgb_to_hsv(*(np.array(fg) / 255))[0]
    hues = [colorsys.rgb_to_hsv(*(c / 255))[0] for c in changed[::37]]
    assert np.allclose(hues, want, atol=0.01)
    assert (after[..., 3] == 255).all()
    assert np.array_equal(after[:, :50], before[:, :50])   # only under the brush
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)

    # Sampled Once on the red, a stroke across into the blue still changes only red.
    combo = w.findChild(QComboBox, "color_replace_sampling")
    combo.setCurrentIndex(combo.findData("once"))
    assert tool.sampling == "once"
    image_drag(qtbot, w.canvas, [(40.5, 60.5), (150.5, 60.5)])
    assert np.array_equal(layer.pixels[:, 80:], before[:, 80:])
    assert not np.array_equal(layer.pixels[:, :80], before[:, :80])
    # Sampled continuously the same stroke takes the blue's colour once it is over it.
    combo.setCurrentIndex(combo.findData("continuous"))
    w.actions["undo"].trigger()
    image_drag(qtbot, w.canvas, [(40.5, 60.5), (150.5, 60.5)])
    assert not np.array_equal(layer.pixels[:, 80:], before[:, 80:])


def test_color_replacement_stays_inside_the_selection_and_contiguous_limits(
        qtbot, tmp_path, monkeypatch):
    """A red stripe inside the blue beyond a blue gap: Contiguous leaves it, Discontiguous
    takes it; a marquee selection keeps the stroke inside it."""
    before = red_and_blue()
    before[:, 100:104] = (200, 40, 40, 255)   # red, cut off from the red half by blue
    w = pasted_window(qtbot, tmp_path, monkeypatch, before, 2.0)
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(40, 170, 60))
    tool = take(w, qtbot, "color_replace")
    tool.set_size(60)
    image_drag(qtbot, w.canvas, [(75.5, 60.5)])   # reaches x 45..105
    assert np.array_equal(layer.pixels[:, 100:104], before[:, 100:104])
    assert not np.array_equal(layer.pixels[60, 70], before[60, 70])
    w.actions["undo"].trigger()
    combo = w.findChild(QComboBox, "color_replace_limits")
    combo.setCurrentIndex(combo.findData("discontiguous"))
    image_drag(qtbot, w.canvas, [(75.5, 60.5)])
    assert not np.array_equal(layer.pixels[60, 101], before[60, 101])
    w.actions["undo"].trigger()
    # Inside a marquee selection only.
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(60, 40), (70, 50), (90, 80)])
    take(w, qtbot, "color_replace")
    image_drag(qtbot, w.canvas, [(75.5, 20.5), (75.5, 100.5)])
    inside = np.zeros((120, 160), bool)
    inside[40:80, 60:90] = True
    assert np.array_equal(layer.pixels[~inside], before[~inside])
    assert not np.array_equal(layer.pixels[inside], before[inside])


def mixer(w, qtbot, wet, load, mix, size=20):
    tool = take(w, qtbot, "mixer_brush")
    tool.set_size(size)
    for name, value in (("wet", wet), ("load", load), ("mix", mix)):
        spin = w.findChild(QSpinBox, f"mixer_brush_{name}")
        spin.setValue(value)
        assert getattr(tool, name) == pytest.approx(value / 100)
    return tool


def test_a_dry_mixer_brush_paints_the_foreground_and_a_low_load_runs_dry(grey, qtbot):
    w = grey
    doc = w.doc
    (layer,) = doc.layers()
    before = layer.pixels.copy()
    w.set_foreground(QColor(255, 0, 0))
    mixer(w, qtbot, wet=0, load=100, mix=0)
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(10.5, 40.5), (80.5, 40.5), (150.5, 40.5)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Mixer Brush"
    for x in (20, 80, 140):
        r, g, b, a = layer.pixels[40, x].astype(int)
        assert r >= 245 and g <= 10 and b <= 10 and a == 255
    # Load 1 %: the reservoir empties along the stroke: red at the start, grey at the end.
    mixer(w, qtbot, wet=0, load=1, mix=0)
    image_drag(qtbot, w.canvas, [(10.5, 80.5), (80.5, 80.5), (150.5, 80.5)])
    start, end = layer.pixels[80, 20].astype(int), layer.pixels[80, 140].astype(int)
    assert start[0] - start[1] > 200 and end[0] - end[1] < 30
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)


def test_a_wet_mixer_brush_drags_the_colours_it_passes_over(qtbot, tmp_path, monkeypatch):
    before = red_and_blue()
    w = pasted_window(qtbot, tmp_path, monkeypatch, before, 2.0)
    (layer,) = w.doc.layers()
    w.set_foreground(QColor(0, 255, 0))
    mixer(w, qtbot, wet=100, load=50, mix=100)
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (80.5, 60.5), (110.5, 60.5)])
    after = layer.pixels.astype(int)
    # Red dragged into the blue; no green from the reservoir (Mix 100 %: canvas paint only).
    assert after[60, 90, 0] > after[60, 90, 2]
    assert (after[..., 1] <= 40).all()
    assert np.array_equal(layer.pixels[:40], before[:40])
    # Half wet, half mixed: some of the reservoir's green goes on too.
    w.actions["undo"].trigger()
    mixer(w, qtbot, wet=50, load=50, mix=50)
    image_drag(qtbot, w.canvas, [(60.5, 60.5), (80.5, 60.5), (110.5, 60.5)])
    px = layer.pixels[60, 90].astype(int)
    assert px[1] > 60 and px[0] + px[2] > 40   # the green mixed with red and blue


def test_color_replacement_modes_take_what_their_names_say():
    """Hue: the foreground's hue, the pixel's saturation and luminosity; Saturation: the
    foreground's saturation; Color: its hue and saturation; Luminosity: its luminosity."""
    from editor.model.color_replace import replaced

    pixel = np.array([[200, 60, 60]], np.uint8)      # a red, saturation 0.7 (HSV)
    fg = np.array([60, 120, 100], np.float32) / 255  # a dull green-cyan
    hsv = lambda c: colorsys.rgb_to_hsv(*(np.asarray(c, float) / 255))  # noqa: E731
    out = {m: replaced(pixel, fg, m)[0] for m in ("hue", "saturation", "color", "luminosity")}
    want_hue = colorsys.rgb_to_hsv(*fg)[0]
    assert hsv(out["hue"])[0] == pytest.approx(want_hue, abs=0.01)
    assert hsv(out["color"])[0] == pytest.approx(want_hue, abs=0.01)
    for m in ("hue", "saturation", "color"):
        assert lum(out[m]) == pytest.approx(lum(pixel[0]), abs=0.5), m
    assert hsv(out["saturation"])[0] == pytest.approx(hsv(pixel[0])[0], abs=0.01)  # red still
    assert hsv(out["saturation"])[1] < hsv(pixel[0])[1] - 0.2   # duller, as the green
    assert lum(out["luminosity"]) == pytest.approx(lum(fg * 255), abs=0.5)
    assert hsv(out["luminosity"])[0] == pytest.approx(hsv(pixel[0])[0], abs=0.01)
