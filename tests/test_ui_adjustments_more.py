"""Vibrance, Black & White, Photo Filter and Channel Mixer through the window: each added
from Layer > New Adjustment Layer and edited in Properties (a typed value, a check box, a
colour from the picker, the mixer's output channel), each edit one undo step that changes
the canvas as a fresh composite of the document draws it; Change Layer Content turns one
into another."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QPushButton

from editor.model import AdjustmentLayer
from editor.model import adjustments as adj
from editor.model.render import composite_document

from ui_helpers import editor_widget, screen

W, H = 96, 64




def assert_canvas_is_the_document(window):
    reference = composite_document(window.doc, precise=False)[..., :3].astype(int)
    assert np.abs(screen(window) - reference).max() <= 1


def edited(window, edit, check) -> np.ndarray:
    """Runs `edit` (one change in Properties): one undo step, the canvas changed and
    matching the document; undo gives the canvas back. The canvas after the edit."""
    doc = window.doc
    before, steps = screen(window), doc.history.count
    edit()
    assert doc.history.count == steps + 1
    check(doc.active.settings)
    after = screen(window)
    assert not np.array_equal(after, before)
    assert_canvas_is_the_document(window)
    window.actions["undo"].trigger()
    np.testing.assert_array_equal(screen(window), before)
    window.actions["redo"].trigger()
    np.testing.assert_array_equal(screen(window), after)
    return after


def add(window, qtbot, kind: str) -> AdjustmentLayer:
    before = screen(window)
    window.actions[f"adjustment_{kind}"].trigger()
    layer = window.doc.active
    assert isinstance(layer, AdjustmentLayer) and layer.settings == adj.KINDS[kind]()
    qtbot.waitUntil(lambda: window.properties_panel.heading.text() == "ADJUSTMENT LAYER")
    assert_canvas_is_the_document(window)
    return layer, before


def test_vibrance_from_the_menu_edited_in_properties(opened, qtbot):
    w = opened
    layer, before = add(w, qtbot, "vibrance")
    np.testing.assert_array_equal(screen(w), before)  # all zero: nothing changes yet
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Vibrance")
    edited(w, lambda: spin.setValue(80), lambda s: s == adj.Vibrance(80, 0))
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Saturation")
    edited(w, lambda: spin.setValue(-60), lambda s: s == adj.Vibrance(80, -60))


def test_black_and_white_sliders_tint_and_its_colour(opened, qtbot, monkeypatch):
    w = opened
    layer, before = add(w, qtbot, "black_white")
    grey = screen(w)
    assert (np.ptp(grey, axis=-1) <= 1).all()  # every pixel grey at once
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Reds")
    edited(w, lambda: spin.setValue(150), lambda s: s.reds == 150)
    check = editor_widget(w, QCheckBox, "Adjust_Tint_")
    tinted = edited(w, lambda: check.setChecked(True), lambda s: s.tint)
    assert (np.ptp(tinted, axis=-1) > 3).mean() > 0.5  # coloured by the tint
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(20, 60, 220))
    swatch = editor_widget(w, QPushButton, "Adjust_Tint_")
    edited(w, swatch.click, lambda s: s.tint_color == (20, 60, 220))
    assert layer.settings.tint_color == (20, 60, 220)


def test_photo_filter_colour_density_and_luminosity(opened, qtbot, monkeypatch):
    w = opened
    layer, before = add(w, qtbot, "photo_filter")
    assert not np.array_equal(screen(w), before)  # the default warming filter draws at once
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(0, 80, 255))
    swatch = editor_widget(w, QPushButton, "Adjust_Color")
    cooled = edited(w, swatch.click, lambda s: s.color == (0, 80, 255))
    assert cooled[..., 2].mean() > before[..., 2].mean()  # bluer
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Density")
    edited(w, lambda: spin.setValue(90), lambda s: s.density == 90)
    check = editor_widget(w, QCheckBox, "Adjust_Preserve")
    edited(w, lambda: check.setChecked(False), lambda s: not s.preserve_luminosity)


def test_channel_mixer_rows_per_output_and_monochrome(opened, qtbot):
    w = opened
    layer, before = add(w, qtbot, "channel_mixer")
    np.testing.assert_array_equal(screen(w), before)  # the identity mixer
    combo = editor_widget(w, QComboBox, "Adjust_Output")
    combo.setCurrentIndex(2)  # Blue: a view choice, no step
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Red")
    edited(w, lambda: spin.setValue(80),
           lambda s: s.blue == (80, 0, 100, 0) and s.red == (100, 0, 0, 0))
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Constant")
    edited(w, lambda: spin.setValue(-30), lambda s: s.blue == (80, 0, 100, -30))
    check = editor_widget(w, QCheckBox, "Adjust_Monochrome")
    mono = edited(w, lambda: check.setChecked(True), lambda s: s.monochrome)
    assert (np.ptp(mono, axis=-1) <= 1).all()


def test_change_layer_content_between_the_new_kinds(opened, qtbot):
    w = opened
    add(w, qtbot, "vibrance")
    steps = w.doc.history.count
    w.actions["change_content_photo_filter"].trigger()
    assert isinstance(w.doc.active.settings, adj.PhotoFilter)
    assert w.doc.history.count == steps + 1
    assert_canvas_is_the_document(w)
