"""Image > Adjustments > Shadows/Highlights…, Replace Color… and Equalize through the real
window's menu: the dialogs preview on the canvas, OK gives the formula's pixels (the
references of test_tone_adjustments) inside the selection and the rest untouched, one undo
step, and Edit > Fade mixes it back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDialogButtonBox, QRadioButton, QWidget

from editor.model import selection_ops
from engine.box import Box

from test_fade import run_fade
from test_tone_adjustments import (equalize_reference, hue_turned, replace_mask_reference,
                                   shadows_highlights_reference)
from test_ui_filters import set_number
from ui_helpers import image_pos, in_modal_dialog, make_window, open_photo

W, H = 96, 64
SELECTED = Box(20, 12, 50, 36)


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.canvas.set_zoom(4)
    w.canvas.setFocus()
    return w


def selected_mask() -> np.ndarray:
    inside = np.zeros((H, W), bool)
    inside[SELECTED.slices()] = True
    return inside


def menu_texts(w) -> list[str]:
    return [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
            for a in w.menus["image_adjustments"].actions() if not a.isSeparator()]


def test_shadows_highlights_from_the_menu_previews_applies_and_fades(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(SELECTED)
    assert "Shadows/Highlights…" in menu_texts(w)
    steps = doc.history.count

    def drive(dialog, seen):
        radius = dialog.findChild(QWidget, "Filter_radius")
        seen["basic"] = not radius.isVisibleTo(dialog)  # two amounts only at first
        dialog.findChild(QCheckBox, "ShadowsHighlightsMore").click()
        seen["more"] = radius.isVisibleTo(dialog)
        for key, value in (("shadows", 70), ("highlights", 40), ("radius", 8), ("color", 50),
                           ("midtone", 30)):
            set_number(dialog, key, value)
        qtbot.waitUntil(lambda: not dialog.preview.busy() and dialog.preview.shown is not None
                        and dialog.preview.shown.shadows == 70
                        and dialog.preview.shown.midtone == 30, timeout=10000)
        seen["previewed"] = not np.array_equal(layer.pixels, before)
        seen["steps"] = doc.history.count
    seen = in_modal_dialog(qtbot, w.actions["adjust_shadows_highlights"].trigger, drive,
                           "PixelDialog_ShadowsHighlights")
    assert seen["basic"] and seen["more"] and seen["previewed"] and seen["steps"] == steps
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Shadows/Highlights"
    once = layer.pixels.copy()
    inside = selected_mask()
    # The reference sees the whole photo (the base is blurred across the selection's edge).
    expected = shadows_highlights_reference(before[..., :3], shadows=70, highlights=40,
                                            radius=8, color=50, midtone=30)
    assert np.abs(once[..., :3] - expected)[inside].max() <= 1.01
    np.testing.assert_array_equal(once[~inside], before[~inside])
    assert (once[inside] != before[inside]).any(-1).mean() > 0.3
    # Edit > Fade Shadows/Highlights at 50 %: halfway back, one more step.
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    assert w.actions["fade"].text().replace("&", "") == "Fade Shadows/Highlights…"
    run_fade(qtbot, w, 50)
    assert doc.history.undo_name() == "Fade Shadows/Highlights"
    assert np.abs(layer.pixels.astype(int) - (before.astype(int) + once) / 2).max() <= 0.51
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, before)


def test_replace_color_samples_the_canvas_and_turns_that_colour(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(SELECTED)
    x, y = 40, 30  # the cat's fur, inside the selection
    steps = doc.history.count
    seen: dict = {}

    def inside():
        command = w.filter_commands
        qtbot.waitUntil(lambda: command.dialog is not None and command.dialog.isVisible())
        dialog = command.dialog
        try:
            seen["mode"] = w.tools.mode is dialog.mode  # the canvas is the eyedropper
            qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             image_pos(w.canvas, x + 0.5, y + 0.5))
            # Alt+click subtracts a colour; Ctrl+Z (in the dialog) takes that click back,
            # never a document step.
            qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.AltModifier,
                             image_pos(w.canvas, 5.5, 5.5))
            seen["two"] = [s.subtract for s in dialog.samples] == [False, True]
            dialog.activateWindow()
            qtbot.waitUntil(dialog.isActiveWindow)
            qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            seen["samples"] = [(s.x, s.y, s.subtract) for s in dialog.samples]
            seen["steps"] = doc.history.count
            set_number(dialog, "fuzziness", 60)
            set_number(dialog, "hue", 150)
            qtbot.waitUntil(lambda: not dialog.preview.busy()
                            and dialog.preview.shown is not None
                            and dialog.preview.shown.hue == 150
                            and dialog.preview.shown.fuzziness == 60, timeout=10000)
            seen["previewed"] = not np.array_equal(layer.pixels, before)
            # The thumbnail shows the colours chosen (white) and the rest (black).
            seen["thumb"] = dialog.shown.max() == 255 and dialog.shown.min() == 0 \
                and not dialog.thumb.pixmap().isNull()
            qtbot.mouseClick(dialog.findChild(QDialogButtonBox).button(
                QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, inside)
    w.actions["adjust_replace_color"].trigger()
    assert seen["mode"] and seen["samples"] == [(x, y, False)] and seen["previewed"]
    assert seen["thumb"] and seen["two"] and seen["steps"] == steps
    assert w.tools.mode is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Replace Color"
    chosen = np.rint(replace_mask_reference(before[..., :3], before[y, x, :3], 60) * 255)
    chosen[~selected_mask()] = 0
    turned = hue_turned(before[..., :3], 150)
    expected = before[..., :3] + (turned - before[..., :3]) * chosen[..., None] / 255
    after = layer.pixels[..., :3].astype(np.float64)
    assert np.abs(after - expected).max() <= 4.0
    untouched = chosen == 0
    np.testing.assert_array_equal(layer.pixels[untouched], before[untouched])
    assert (chosen == 255).sum() > 20 and (np.abs(after - before[..., :3]).max(-1) > 20).sum() > 20
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, before)


def test_equalize_asks_with_a_selection_and_not_without(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    texts = menu_texts(w)
    assert texts[texts.index("Desaturate"):] == ["Desaturate", "Match Color…", "Replace Color…",
                                                 "Equalize"]
    # No selection: at once, no dialog.
    steps = doc.history.count
    w.actions["adjust_equalize"].trigger()
    assert QApplication.activeModalWidget() is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Equalize"
    np.testing.assert_array_equal(layer.pixels[..., :3], equalize_reference(before[..., :3]))
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, before)
    # A selection: Photoshop's question; "entire image based on selected area".
    doc.set_selection(SELECTED)
    coverage = selection_ops.current_mask(doc)

    def based(dialog, seen):
        dialog.findChild(QRadioButton, "Equalize_based").click()
    in_modal_dialog(qtbot, w.actions["adjust_equalize"].trigger, based, "EqualizeDialog")
    table = equalize_reference(before[..., :3], coverage)
    np.testing.assert_array_equal(layer.pixels[..., :3], table)
    assert not np.array_equal(table, equalize_reference(before[..., :3]))
    w.actions["undo"].trigger()
    # "selected area only": the rest stays.
    in_modal_dialog(qtbot, w.actions["adjust_equalize"].trigger, lambda d, s: None,
                    "EqualizeDialog")
    inside = selected_mask()
    np.testing.assert_array_equal(layer.pixels[inside][:, :3], table[inside])
    np.testing.assert_array_equal(layer.pixels[~inside], before[~inside])
    # Cancel: nothing.
    steps = doc.history.count
    in_modal_dialog(qtbot, w.actions["adjust_equalize"].trigger,
                    lambda d, s: s.update(cancel=True), "EqualizeDialog")
    assert doc.history.count == steps
