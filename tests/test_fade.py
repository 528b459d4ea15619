"""Edit > Fade (Shift+Ctrl+F) through the window: right after a filter, an adjustment or a
brush stroke it mixes the change back by Opacity and Mode, previewed live, one more undo
step; greyed after anything else."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QComboBox

from editor.model import fade
from engine.box import Box
from engine.compose import blend

from test_ui_filters import run_dialog, set_number
from ui_helpers import image_drag, in_modal_dialog


def run_fade(qtbot, w, opacity: int, mode: str = "normal", cancel=False, seen_preview=None):
    def drive(dialog, seen):
        if mode != "normal":
            combo = dialog.findChild(QComboBox, "FadeMode")
            combo.setCurrentIndex(combo.findData(mode))
        steps = w.doc.history.count
        set_number(dialog, "opacity", opacity)
        if seen_preview is not None:  # the layer shows the fade before OK, with no step
            qtbot.waitUntil(lambda: seen_preview(w.doc.active.pixels), timeout=5000)
            assert w.doc.history.count == steps
        seen["cancel"] = cancel
    return in_modal_dialog(qtbot, w.actions["fade"].trigger, drive, "PixelDialog_Fade")


def assert_fade_halves(qtbot, w, trigger, drive, name: str) -> None:
    """A filter run through its dialog (`trigger`, set by `drive(dialog, seen)`), then Edit >
    Fade at 50 %: the last step is the Fade and the layer lies halfway between its pixels
    before and the filtered ones."""
    doc = w.doc
    before = doc.active.pixels.copy()
    in_modal_dialog(qtbot, trigger, drive, name)
    filtered = doc.active.pixels.copy()
    run_fade(qtbot, w, 50)
    assert doc.history.undo_name().startswith("Fade")
    half = (before[..., :3].astype(int) + filtered[..., :3]) / 2
    assert np.abs(doc.active.pixels[..., :3] - half).max() <= 1


def blurred(qtbot, w):
    run_dialog(qtbot, w, "filter_gaussian_blur", lambda d, s: set_number(d, "radius", 3.0))
    assert w.doc.history.undo_name() == "Gaussian Blur"
    return w.doc.active.pixels.copy()


def test_fade_half_normal_of_a_blur_is_the_average_and_one_undo_step(opened, qtbot):
    w = opened
    doc = w.doc
    before = doc.active.pixels.copy()
    assert w.actions["fade"].shortcut() == QKeySequence("Shift+Ctrl+F")
    assert not w.actions["fade"].isEnabled()  # nothing to fade yet
    after = blurred(qtbot, w)
    assert np.abs(after.astype(int) - before).max() > 30
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    assert w.actions["fade"].text().replace("&", "") == "Fade Gaussian Blur…"
    average = (before.astype(int) + after) / 2

    def shows_average(pixels):
        return np.abs(pixels.astype(int) - average).max() <= 0.5
    steps = doc.history.count
    run_fade(qtbot, w, 50, seen_preview=shows_average)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Fade Gaussian Blur"
    assert shows_average(doc.active.pixels) and not w.test_errors
    qtbot.waitUntil(lambda: not w.actions["fade"].isEnabled(), timeout=2000)  # not twice
    w.actions["undo"].trigger()
    assert np.array_equal(doc.active.pixels, after)
    w.actions["undo"].trigger()
    assert np.array_equal(doc.active.pixels, before)


def test_fade_multiply_is_the_layers_blend_and_cancel_leaves_the_filter(opened, qtbot):
    w = opened
    doc = w.doc
    before = doc.active.pixels.copy()
    w.actions["adjust_invert"].trigger()  # an Image > Adjustments command
    after = doc.active.pixels.copy()
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    steps = doc.history.count
    run_fade(qtbot, w, 30, "multiply", cancel=True)
    assert doc.history.count == steps and np.array_equal(doc.active.pixels, after)
    run_fade(qtbot, w, 70, "multiply")
    b = before[..., :3].astype(np.float32) / 255
    a = after[..., :3].astype(np.float32) / 255
    expected = np.rint((b * 0.3 + 0.7 * blend("multiply", b, a)) * 255)
    assert np.abs(doc.active.pixels[..., :3] - expected).max() <= 1
    assert doc.history.undo_name() == "Fade Invert"
    # Multiply really differs from Normal here (the test can tell them apart).
    normal = np.rint((b * 0.3 + 0.7 * a) * 255)
    assert np.abs(normal - expected).mean() > 20


def test_fade_is_greyed_after_another_step_or_an_undo(opened, qtbot):
    w = opened
    doc = w.doc
    blurred(qtbot, w)
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    doc.set_selection(Box(5, 5, 20, 20))  # another step
    qtbot.waitUntil(lambda: not w.actions["fade"].isEnabled(), timeout=2000)
    w.actions["undo"].trigger()  # the blur again on top, but undone after it: not immediately
    assert doc.history.undo_name() == "Gaussian Blur"
    qtbot.waitUntil(lambda: not w.actions["fade"].isEnabled(), timeout=2000)
    steps = doc.history.count
    w.actions["fade"].trigger()  # the key when greyed: nothing
    assert doc.history.count == steps and not w.test_errors


def test_fade_a_brush_stroke_by_half(opened, qtbot):
    w = opened
    doc = w.doc
    before = doc.active.pixels.copy()
    w.tool_actions["brush"].trigger()
    w.tools.current.set_size(9)
    w.tools.current.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 255))
    image_drag(qtbot, w.canvas, [(20, 30), (40, 30), (60, 30)])
    after = doc.active.pixels.copy()
    changed = np.any(after != before, axis=-1)
    assert changed.sum() > 100
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    run_fade(qtbot, w, 50)
    assert doc.history.undo_name().startswith(fade.PREFIX)
    expected = (before.astype(int) + after) / 2
    assert np.abs(doc.active.pixels.astype(int) - expected).max() <= 0.5
    assert np.array_equal(doc.active.pixels[~changed], before[~changed])
