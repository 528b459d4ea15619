"""The retouching tools as a user drives them in the window: Spot Healing Brush (J), which
fills a painted spot from its surroundings, and Clone Stamp (S), which paints a copy of the
pixels at an Alt+clicked source."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QWidget

from engine.box import Box
from ui_helpers import image_drag, image_pos, pasted_window, photo

MAGENTA = (255, 0, 255)


def texture(h: int = 120, w: int = 160) -> np.ndarray:
    """A periodic opaque texture: what a fill can continue exactly."""
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    t = 0.5 + 0.4 * np.sin(xx * 2 * np.pi / 11) * np.sin(yy * 2 * np.pi / 13)
    rgb = np.dstack([t, 0.8 * t, 1.0 - t])
    return np.dstack([np.clip(np.rint(rgb * 255), 0, 255),
                      np.full((h, w), 255)]).astype(np.uint8)


def distance_to_segment(shape, a, b) -> np.ndarray:
    """Each pixel centre's distance to the segment a-b (image pixels)."""
    yy, xx = np.mgrid[:shape[0], :shape[1]].astype(np.float64) + 0.5
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
    return np.hypot(xx - ax - t * dx, yy - ay - t * dy)


@pytest.fixture
def spotted(qtbot, tmp_path, monkeypatch):
    """A window showing the texture with a magenta spot (an 8 x 6 blotch), pasted as a
    user would: (window, the clean texture, the spotted pixels)."""
    clean = texture()
    spotted = clean.copy()
    spotted[57:63, 76:84, :3] = MAGENTA
    w = pasted_window(qtbot, tmp_path, monkeypatch, spotted, 2.0)
    return w, clean, spotted


def heal(w, qtbot, points, size=16):
    qtbot.keyClick(w.canvas, Qt.Key.Key_J)
    tool = w.tools.current
    assert tool.id == "spot_heal"
    tool.set_size(size)
    image_drag(qtbot, w.canvas, points)
    qtbot.waitUntil(lambda: not tool.busy, timeout=60000)
    return tool


def test_spot_healing_fills_the_spot_from_the_texture_in_one_step(spotted, qtbot):
    w, clean, before = spotted
    doc = w.doc
    (layer,) = doc.layers()
    steps = doc.history.count
    a, b = (72.5, 60.5), (88.5, 60.5)
    tool = heal(w, qtbot, [a, (80.5, 60.5), b])
    assert w.tools.current is tool and w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Spot Healing Brush"
    after = layer.pixels.copy()
    spot = np.zeros(clean.shape[:2], bool)
    spot[57:63, 76:84] = True
    was = np.abs(before[spot][:, :3].astype(int) - clean[spot][:, :3]).mean()
    now = np.abs(after[spot][:, :3].astype(int) - clean[spot][:, :3]).mean()
    assert now < 0.1 * was, (now, was)  # the texture goes on where the spot was
    # Only under the stroke (radius 8 around the segment) may a pixel change.
    far = distance_to_segment(clean.shape, a, b) > 8 + 1.5
    assert np.array_equal(after[far], before[far])
    assert not np.array_equal(after, before)
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)


def test_undo_while_a_stroke_waits_for_its_fill_takes_that_stroke_back(spotted, qtbot,
                                                                        monkeypatch):
    """Ctrl+Z pressed before a stroke is healed undoes that stroke (the last thing painted,
    as in Photoshop, where healing is immediate), not the step before it; its fill is thrown
    away when it arrives."""
    import threading

    import editor.ui.tools.heal as heal_tool

    w, _clean, before = spotted
    doc = w.doc
    (layer,) = doc.layers()
    heal(w, qtbot, [(72.5, 60.5), (88.5, 60.5)])   # a first stroke, healed
    healed, steps = layer.pixels.copy(), doc.history.count
    gate = threading.Event()
    real = heal_tool.run_content_fill

    def slow(prepared, progress):   # the fill of a large spot, still running
        gate.wait(10)
        return real(prepared, progress)

    monkeypatch.setattr(heal_tool, "run_content_fill", slow)
    tool = w.tools.current
    try:
        image_drag(qtbot, w.canvas, [(30.5, 30.5), (50.5, 30.5)])
        assert tool.busy
        qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert not doc.history.can_redo() and np.array_equal(layer.pixels, healed)
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not tool.busy and w.jobs.current is None, timeout=60000)
    assert doc.history.count == steps and doc.history.undo_name() == "Spot Healing Brush"
    assert not doc.history.can_redo()
    assert np.array_equal(layer.pixels, healed) and w.test_errors == []
    w.actions["undo"].trigger()   # the next Undo is the first stroke's
    assert np.array_equal(layer.pixels, before)


def test_spot_healing_changes_only_the_selection(spotted, qtbot):
    w, clean, before = spotted
    doc = w.doc
    (layer,) = doc.layers()
    qtbot.keyClick(w.canvas, Qt.Key.Key_M)
    image_drag(qtbot, w.canvas, [(60, 40), (70, 60), (80, 80)])  # the spot's left half
    assert doc.selection == Box(60, 40, 20, 40)
    heal(w, qtbot, [(72.5, 60.5), (88.5, 60.5)])
    assert doc.history.undo_name() == "Spot Healing Brush"
    after = layer.pixels
    outside = np.ones(clean.shape[:2], bool)
    outside[40:80, 60:80] = False
    assert np.array_equal(after[outside], before[outside])  # the right half: still magenta
    assert (after[57:63, 80:84, :3] == MAGENTA).all()
    left = after[57:63, 76:80, :3].astype(int)
    truth = clean[57:63, 76:80, :3].astype(int)
    spot = np.abs(np.array(MAGENTA) - truth).mean()
    # Healed: far nearer the texture than the spot was (the fill's seam blending matches
    # its brightness to the edge it meets, here the magenta left outside the selection,
    # as a healing brush does).
    assert np.abs(left - truth).mean() < 0.5 * spot


def test_sample_all_layers_heals_onto_an_empty_layer(spotted, qtbot):
    w, clean, before = spotted
    doc = w.doc
    (photo_layer,) = doc.layers()
    w.actions["new_layer"].trigger()
    qtbot.waitUntil(lambda: len(list(doc.layers())) == 2)
    empty = doc.active
    assert empty.is_empty()
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_J)
    box = w.tools.current.options().findChild(QCheckBox, "spot_heal_sample_all")
    assert not box.isChecked()
    # Without Sample All Layers the empty layer has nothing to sample: a line in the status
    # bar as the stroke starts (as Dodge's), which says what to do, and no dialog.
    steps = doc.history.count
    tool = heal(w, qtbot, [(72.5, 60.5), (88.5, 60.5)])
    assert w.test_errors == [] and empty.is_empty() and doc.history.count == steps
    message = w.statusBar().currentMessage()
    assert "no pixels to heal" in message and "Sample All Layers" in message
    assert not tool.busy
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert tool.sample_all
    steps = doc.history.count
    heal(w, qtbot, [(72.5, 60.5), (88.5, 60.5)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Spot Healing Brush"
    assert np.array_equal(photo_layer.pixels, before)  # the photo itself is untouched
    spot = (slice(57, 63), slice(76, 84))
    healed = empty.pixels[spot[0].start - empty.y:spot[0].stop - empty.y,
                          spot[1].start - empty.x:spot[1].stop - empty.x]
    assert (healed[..., 3] == 255).all()
    assert np.abs(healed[..., :3].astype(int) - clean[spot][..., :3]).mean() < 10
    w.actions["undo"].trigger()
    assert empty.is_empty() or not empty.pixels[..., 3].any()


def test_spot_healing_a_locked_layer_is_refused_with_one_line(spotted, qtbot):
    w, _clean, before = spotted
    doc = w.doc
    (layer,) = doc.layers()
    qtbot.mouseClick(w.layers_panel.lock_buttons["all"], Qt.MouseButton.LeftButton)
    assert layer.locked
    steps = doc.history.count
    w.canvas.setFocus()
    heal(w, qtbot, [(72.5, 60.5), (88.5, 60.5)])
    assert doc.history.count == steps and np.array_equal(layer.pixels, before)
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert title == "Could not heal" and "locked" in message and "\n" not in message


# -- Clone Stamp -------------------------------------------------------------------------

@pytest.fixture
def photo_window(qtbot, tmp_path, monkeypatch):
    """A window showing a 96x64 photo (pasted), at 400 %, the Clone Stamp taken, hard and
    full: (window, the tool, the photo's pixels)."""
    pixels = photo(96, 64, "astronaut")
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 4.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_S)
    tool = w.tools.current
    assert tool.id == "clone_stamp"
    tool.set_size(9)
    tool.set_hardness(1.0)
    tool.set_opacity(1.0)
    return w, tool, pixels


def alt_click(qtbot, canvas, x, y):
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                     image_pos(canvas, x, y))


def copied_at(after, before, a, b, offset, r=4.5, spacing=2.25):
    """Where the stroke a-b surely laid full dabs `after` is `before` shifted by `offset`;
    far from it, `before` itself. (Dabs fall every `spacing` from a: the last one may stop
    short of b.)"""
    length = np.hypot(b[0] - a[0], b[1] - a[1])
    t = max(0.0, (length - spacing) / length) if length else 0.0
    short = (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
    inside = distance_to_segment(before.shape, a, short) < r - 1
    ys, xs = np.nonzero(inside)
    assert len(ys) > 20
    dx, dy = offset
    assert np.array_equal(after[ys, xs], before[ys + dy, xs + dx])
    far = distance_to_segment(before.shape, a, b) > r + 1
    assert np.array_equal(after[far], before[far])


def test_clone_stamp_needs_a_source_then_copies_it_exactly(photo_window, qtbot):
    w, tool, before = photo_window
    doc = w.doc
    (layer,) = doc.layers()
    steps = doc.history.count
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (70.5, 40.5)])
    assert "Alt+click" in w.statusBar().currentMessage()
    assert doc.history.count == steps and np.array_equal(layer.pixels, before)
    alt_click(qtbot, w.canvas, 20.5, 20.5)
    assert tool.source.point == (20, 20) and doc.history.count == steps
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (65.5, 40.5), (70.5, 40.5)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Clone Stamp"
    after = layer.pixels.copy()
    copied_at(after, before, (60.5, 40.5), (70.5, 40.5), (-40, -20))
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before)
    w.actions["redo"].trigger()
    assert np.array_equal(layer.pixels, after)


def test_overlapping_clone_dabs_never_take_the_stroke_past_its_opacity(photo_window, qtbot):
    w, tool, before = photo_window
    (layer,) = w.doc.layers()
    tool.set_opacity(0.5)
    alt_click(qtbot, w.canvas, 20.5, 20.5)
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (65.5, 40.5), (70.5, 40.5)])  # dabs 4 deep
    after = layer.pixels[38:43, 61:68, :3].astype(float)
    source = before[18:23, 21:28, :3].astype(float)
    under = before[38:43, 61:68, :3].astype(float)
    assert np.abs(after - (under + source) / 2).max() <= 1


def test_clone_stamp_has_the_brushs_flow_that_builds_up_to_the_opacity(photo_window, qtbot):
    """Photoshop's Clone Stamp options bar: Size, Hardness, Opacity, then Flow; a click lays
    one dab at the Flow, overlapping dabs build up towards the Opacity and never past it."""
    from PySide6.QtWidgets import QSpinBox

    w, tool, before = photo_window
    (layer,) = w.doc.layers()
    bar = tool.options()
    labels = [label.text() for label in bar.findChildren(QLabel)]
    assert labels[:4] == ["Size", "Hardness", "Opacity", "Flow"]
    spins = bar.findChildren(QSpinBox)
    spins[3].setValue(40)   # Flow, typed in the options bar
    assert tool.flow == 0.4
    alt_click(qtbot, w.canvas, 20.5, 20.5)
    image_drag(qtbot, w.canvas, [(60.5, 40.5)])   # one dab
    centre = layer.pixels[40, 60, :3].astype(float)
    source, under = before[20, 20, :3].astype(float), before[40, 60, :3].astype(float)
    assert np.abs(centre - (under + 0.4 * (source - under))).max() <= 1.5
    w.actions["undo"].trigger()
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (62.5, 40.5), (65.5, 40.5), (70.5, 40.5)])
    # Under four dabs or more the copy builds up well past one dab's 40 %.
    inner = layer.pixels[40, 63:67, :3].astype(float)
    source, under = before[20, 23:27, :3].astype(float), before[40, 63:67, :3].astype(float)
    assert np.abs(inner - source).mean() < 0.35 * np.abs(under - source).mean()


def test_aligned_keeps_the_offset_and_unaligned_starts_again_at_the_source(photo_window, qtbot):
    w, tool, before = photo_window
    (layer,) = w.doc.layers()
    assert tool.aligned  # Photoshop's default
    alt_click(qtbot, w.canvas, 20.5, 20.5)
    image_drag(qtbot, w.canvas, [(60.5, 20.5), (66.5, 20.5)])
    first = layer.pixels.copy()
    # Aligned: the next stroke keeps the first one's offset (-40, 0).
    image_drag(qtbot, w.canvas, [(60.5, 45.5), (66.5, 45.5)])
    copied_at(layer.pixels, first, (60.5, 45.5), (66.5, 45.5), (-40, 0))
    # Not aligned: every stroke starts at the source point again.
    aligned = tool.options().findChild(QCheckBox, "clone_aligned")
    qtbot.mouseClick(aligned, Qt.MouseButton.LeftButton, pos=aligned.rect().center())
    assert not tool.aligned
    second = layer.pixels.copy()
    image_drag(qtbot, w.canvas, [(80.5, 50.5), (86.5, 50.5)])
    copied_at(layer.pixels, second, (80.5, 50.5), (86.5, 50.5), (-60, -30))
    third = layer.pixels.copy()
    image_drag(qtbot, w.canvas, [(40.5, 52.5), (44.5, 52.5)])
    copied_at(layer.pixels, third, (40.5, 52.5), (44.5, 52.5), (-20, -32))


def test_crosshair_marks_the_source_while_painting(photo_window, qtbot):
    w, tool, _before = photo_window
    canvas = w.canvas
    alt_click(qtbot, canvas, 20.5, 20.5)
    assert tool.source_crosshair() is None
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 60.5, 40.5))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, image_pos(canvas, 64.5, 42.5))
    mark = tool.source_crosshair()
    expected = canvas.image_to_widget(QPointF(24.5, 22.5))
    assert abs(mark.x() - expected.x()) <= 1 and abs(mark.y() - expected.y()) <= 1
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 64.5, 42.5))
    assert tool.source_crosshair() is None


def test_clone_stamp_samples_all_layers_and_honours_locks(photo_window, qtbot):
    w, tool, before = photo_window
    doc = w.doc
    (bottom,) = doc.layers()
    red = np.zeros((10, 10, 4), np.uint8)
    red[..., 0], red[:, 5:, 3] = 255, 255  # its left half transparent
    top = doc.add_image(red, "Red", 15, 15)  # over the source point
    doc.set_active(bottom)
    alt_click(qtbot, w.canvas, 21.5, 20.5)
    # Current Layer: the bottom layer's own pixels (under the red square) are copied.
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (61.5, 40.5)])
    assert np.array_equal(bottom.pixels[40, 60], before[20, 21])
    w.actions["undo"].trigger()
    sample = tool.options().findChild(QComboBox, "clone_sample")
    sample.setCurrentIndex(sample.findData("all"))  # All Layers: what the canvas shows
    assert tool.sample_all
    image_drag(qtbot, w.canvas, [(60.5, 40.5), (61.5, 40.5)])
    assert tuple(bottom.pixels[40, 60]) == (255, 0, 0, 255)
    w.actions["undo"].trigger()
    # Lock Transparent Pixels: the copy lands where the layer has pixels, alpha stays.
    doc.set_active(top)
    qtbot.mouseClick(w.layers_panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert top.locks.transparency
    top_before = top.pixels.copy()
    w.canvas.setFocus()
    alt_click(qtbot, w.canvas, 60.5, 40.5)
    image_drag(qtbot, w.canvas, [(16.5, 20.5), (24.5, 20.5)])  # copies from 44 px right, 20 down
    assert top.bounds() == Box(15, 15, 10, 10)  # no growth
    assert np.array_equal(top.pixels[..., 3], top_before[..., 3])
    assert np.array_equal(top.pixels[5, 7, :3], before[40, 66, :3])
    # Lock All: refused with one readable line, nothing changes.
    qtbot.mouseClick(w.layers_panel.lock_buttons["all"], Qt.MouseButton.LeftButton)
    steps, locked_before = doc.history.count, top.pixels.copy()
    w.canvas.setFocus()
    image_drag(qtbot, w.canvas, [(16.5, 20.5), (24.5, 20.5)])
    assert doc.history.count == steps and np.array_equal(top.pixels, locked_before)
    title, message = w.test_errors[-1]
    assert title == "Could not clone" and "locked" in message and "\n" not in message


def test_the_stroke_shows_as_a_red_trail_until_it_is_healed(spotted, qtbot):
    from ui_helpers import on_canvas

    w, _clean, _before = spotted
    canvas = w.canvas
    canvas.set_zoom(1.0)
    qtbot.keyClick(canvas, Qt.Key.Key_J)
    tool = w.tools.current
    tool.set_size(16)
    shown = on_canvas(canvas)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 30.5, 30.5))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, image_pos(canvas, 50.5, 30.5))
    painting = on_canvas(canvas)
    trail = (slice(27, 34), slice(32, 48))
    redder = painting[trail][..., 0] - painting[trail][..., 2] - (shown[trail][..., 0] - shown[trail][..., 2])
    assert redder.mean() > 40   # tinted red where painted
    assert np.array_equal(painting[:, 70:], shown[:, 70:])  # nowhere else
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 50.5, 30.5))
    qtbot.waitUntil(lambda: not tool.busy, timeout=60000)
    healed = on_canvas(canvas)
    (layer,) = w.doc.layers()
    # No trail left (left of the brush's outline, which stays under the pointer).
    left = (slice(0, 120), slice(0, 40))
    assert np.abs(healed[left] - layer.pixels[left][..., :3].astype(np.int16)).max() <= 2


RETOUCH_TOOLS = ("spot_heal", "heal_brush", "patch", "content_move", "red_eye", "clone_stamp",
                 "brush", "pencil", "color_replace", "mixer_brush", "eraser", "background_eraser",
                 "magic_eraser", "blur", "sharpen", "smudge",
                 "dodge", "burn", "sponge")


def test_every_brush_tools_options_fit_a_1200_px_window_unclipped(qtbot, tmp_path,
                                                                  monkeypatch):
    """In a 1200-px-wide window the options bar shows each brush-based tool's options in
    full: nothing past the bar's end (its » menu), no label or check box cut short."""
    w = pasted_window(qtbot, tmp_path, monkeypatch, photo(64, 48), 1.0)
    assert w.width() == 1200
    for tool_id in RETOUCH_TOOLS:
        w.tool_actions[tool_id].trigger()
        page = w.tools.current.options()
        QApplication.processEvents()
        assert page.isVisible(), f"{tool_id}: the options went into the bar's » menu"
        shown = [c for c in page.findChildren(QWidget) if c.isVisibleTo(page)]
        assert max(c.geometry().right() for c in shown) < page.width(), tool_id
        assert page.geometry().right() < w.options_bar.width(), tool_id
        for c in shown:
            if isinstance(c, (QLabel, QCheckBox, QComboBox)):
                assert c.width() >= c.sizeHint().width(), (tool_id, c)
