"""Paint Symmetry (the butterfly button on the Brush, Pencil and Eraser options bars) as a
user drives it: Vertical mirrors a stroke pixel for pixel about the canvas centre, Radial 4
makes the image invariant under a quarter turn, the copies are one undo step and one
stroke (Opacity caps their union), a drag on the handle moves the centre, an angled tip
is mirrored, Dual Axis, Diagonal and Mandala mirror as their axes say, the copies keep
to the selection, a layer mask and Lock Transparent Pixels, and Off paints once."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QPushButton, QToolButton

from ui_helpers import image_drag, image_pos, pasted_window


def white_window(qtbot, tmp_path, monkeypatch, w, h):
    win = pasted_window(qtbot, tmp_path, monkeypatch, np.full((h, w, 4), 255, np.uint8), 2.0)
    win.set_foreground(QColor(0, 0, 0))
    return win


def choose(win, kind, tool="brush"):
    """The tool chosen in the toolbox, then `kind` from its options bar's symmetry menu."""
    win.tool_actions[tool].trigger()
    button = next(b for b in win.findChildren(QToolButton, "paint_symmetry") if b.isVisible())
    action = button.menu().findChild(QAction, f"symmetry_{kind}")
    action.trigger()
    return button


def pixels(win) -> np.ndarray:
    (layer,) = win.doc.layers()
    return layer.pixels


STROKE = [(20.5, 30.0), (30.0, 45.5), (42.5, 60.0), (55.0, 72.5)]


@pytest.mark.parametrize("hardness", [100, 30])
def test_vertical_mirrors_the_stroke_pixel_for_pixel_in_one_undo_step(
        qtbot, tmp_path, monkeypatch, hardness):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    button = choose(win, "vertical")
    assert button.text() == "Symmetry: Vertical"
    tool = win.tools.current
    tool.set_size(14)
    tool.set_hardness(hardness / 100)
    tool.set_opacity(0.6)
    before = pixels(win).copy()
    steps = win.doc.history.count
    image_drag(qtbot, win.canvas, STROKE)
    after = pixels(win).copy()
    ink = after[..., 0] < 250
    assert ink[:, :80].sum() > 300 and ink[:, 80:].sum() == ink[:, :80].sum()
    assert np.array_equal(after, after[:, ::-1])  # the mirror image about x = 80
    assert win.doc.history.count == steps + 1
    win.actions["undo"].trigger()
    assert np.array_equal(pixels(win), before)  # both copies gone at once
    win.actions["redo"].trigger()
    assert np.array_equal(pixels(win), after)


def test_radial_4_is_invariant_under_a_quarter_turn(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 120, 120)
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_segments",
                        lambda parent, title, current: asked.append(title) or 4)
    button = choose(win, "radial")
    assert asked == ["Radial"] and button.text() == "Symmetry: Radial 4"
    tool = win.tools.current
    tool.set_size(10)
    image_drag(qtbot, win.canvas, [(15.0, 30.5), (30.5, 40.0), (45.0, 41.5)])
    after = pixels(win)
    ink = after[..., 0] < 250
    assert ink.sum() > 4 * 200
    for k in (1, 2, 3):
        assert np.array_equal(np.rot90(after, k), after), k
    win.actions["undo"].trigger()
    assert (pixels(win) == 255).all()


def test_cancelled_segment_count_leaves_symmetry_as_it_was(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 80, 60)
    monkeypatch.setattr("editor.ui.dialogs.ask_segments", lambda *a: None)
    button = choose(win, "mandala")
    assert button.text() == "Symmetry: Off"
    assert button.menu().findChild(QAction, "symmetry_off").isChecked()


def test_the_copies_are_one_stroke_opacity_caps_their_overlap(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    choose(win, "vertical")
    tool = win.tools.current
    tool.set_size(20)
    tool.set_hardness(1.0)
    tool.set_opacity(0.5)
    # A stroke across the axis: its mirror copy lies over it in the middle.
    image_drag(qtbot, win.canvas, [(50.0, 50.0), (70.0, 50.0), (100.0, 50.0)])
    row = pixels(win)[50, :, 0].astype(int)
    assert row[80] == 128 and row[40:121].min() >= 127  # 50 %, not 75 % where they overlap
    assert row[30] == 255 and row[130] == 255


def test_a_drag_on_the_handle_moves_the_centre(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    choose(win, "vertical")
    tool = win.tools.current
    tool.set_size(6)
    # The handle starts at the canvas centre; dragging it paints nothing.
    steps = win.doc.history.count
    image_drag(qtbot, win.canvas, [(80.0, 50.0), (90.0, 45.0), (100.0, 50.0)])
    assert win.doc.history.count == steps and (pixels(win) == 255).all()
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=image_pos(win.canvas, 90, 20))
    ink = pixels(win)[..., 0] < 128
    assert ink[20, 90] and ink[20, 110]  # mirrored about x = 100 now
    assert not ink[20, 70]


def test_an_angled_tip_is_mirrored_and_off_paints_once(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    choose(win, "vertical", "pencil")
    win.tools.current.set_size(30)
    button = next(b for b in win.findChildren(QPushButton, "brush_settings") if b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    panel = win.brush_settings
    panel.spins["roundness"].setValue(25)
    panel.spins["angle"].setValue(45)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=image_pos(win.canvas, 40, 50))
    ink = pixels(win)[..., 0] < 128
    # Left: long axis rising to the right; its mirror copy rises to the left.
    assert ink[50 - 10, 40 + 10] and not ink[50 - 10, 40 - 10]
    assert ink[50 - 10, 120 - 10] and not ink[50 - 10, 120 + 10]
    assert np.array_equal(ink, ink[:, ::-1])
    win.actions["undo"].trigger()
    choose(win, "off", "pencil")
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=image_pos(win.canvas, 40, 50))
    ink = pixels(win)[..., 0] < 128
    assert ink[:, :80].any() and not ink[:, 80:].any()


def test_the_eraser_copies_keep_to_the_selection(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    qtbot.keyClick(win.canvas, Qt.Key.Key_M)
    image_drag(qtbot, win.canvas, [(10, 20), (30, 40), (60, 80)])
    choose(win, "vertical", "eraser")
    win.tools.current.set_size(10)
    image_drag(qtbot, win.canvas, [(30.0, 50.0), (40.0, 50.0)])
    alpha = pixels(win)[..., 3]
    assert alpha[50, 35] == 0                # erased inside the selection
    assert (alpha[:, 60:] == 255).all()     # its mirror copy lies outside: kept
    win.actions["undo"].trigger()
    assert (pixels(win) == 255).all()


def test_on_a_layer_mask_the_copies_paint_the_mask(qtbot, tmp_path, monkeypatch):
    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    (layer,) = win.doc.layers()
    win.actions["mask_reveal_all"].trigger()
    assert layer.mask is not None and win.doc.mask_targeted
    choose(win, "horizontal")
    win.tools.current.set_size(10)
    image_drag(qtbot, win.canvas, [(40.0, 20.0), (60.0, 20.0)])
    mask = layer.mask.pixels
    assert mask[20, 50] == 0 and mask[80, 50] == 0  # mirrored about y = 50
    assert np.array_equal(mask, mask[::-1])
    assert (layer.pixels == 255).all()  # the pixels are untouched


def test_lock_transparent_pixels_keeps_every_copys_alpha(qtbot, tmp_path, monkeypatch):
    base = np.full((100, 160, 4), 255, np.uint8)
    base[:, 80:, 3] = 0  # the right half transparent
    win = pasted_window(qtbot, tmp_path, monkeypatch, base, 2.0)
    win.set_foreground(QColor(0, 0, 0))
    (layer,) = win.doc.layers()
    qtbot.mouseClick(win.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    win.canvas.setFocus()
    choose(win, "vertical")
    win.tools.current.set_size(10)
    image_drag(qtbot, win.canvas, [(30.0, 50.0), (40.0, 50.0)])
    assert layer.pixels[50, 35, 0] == 0                          # painted on the left
    assert np.array_equal(layer.pixels[..., 3], base[..., 3])   # no alpha changed


def test_esc_during_a_handle_drag_puts_the_centre_back(qtbot, tmp_path, monkeypatch):
    from PySide6.QtTest import QTest

    win = white_window(qtbot, tmp_path, monkeypatch, 160, 100)
    choose(win, "vertical")
    canvas = win.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 80, 50))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, image_pos(canvas, 120, 50))
    assert win.paint_symmetry.of(win.doc).cx == pytest.approx(120, abs=1)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 120, 50))
    at = win.paint_symmetry.of(win.doc)
    assert (at.cx, at.cy) == (80.0, 50.0)
    assert (pixels(win) == 255).all()


@pytest.mark.parametrize("kind, segments", [("dual", None), ("diagonal", None),
                                            ("mandala", 4)])
def test_dual_axis_diagonal_and_mandala_mirror_as_their_axes_say(
        qtbot, tmp_path, monkeypatch, kind, segments):
    win = white_window(qtbot, tmp_path, monkeypatch, 120, 120)
    monkeypatch.setattr("editor.ui.dialogs.ask_segments", lambda *a: segments)
    choose(win, kind)
    win.tools.current.set_size(8)
    image_drag(qtbot, win.canvas, [(15.0, 30.5), (30.5, 40.0), (45.0, 41.5)])
    after = pixels(win)
    ink = after[..., 0] < 250
    # the diagonal axis rises to the right: (x, y) -> (120 - y, 120 - x)
    flips = {"dual": [after[:, ::-1], after[::-1]],
             "diagonal": [after.transpose(1, 0, 2)[::-1, ::-1]],
             "mandala": [after[:, ::-1], after[::-1], after.transpose(1, 0, 2),
                         np.rot90(after)]}[kind]
    for k, flipped in enumerate(flips):
        assert np.array_equal(flipped, after), k
    copies = {"dual": 4, "diagonal": 2, "mandala": 8}[kind]
    assert ink.sum() > copies * 150
