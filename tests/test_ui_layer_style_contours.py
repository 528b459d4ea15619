"""The Layer Style dialog's contour pickers, driven through the window: a Drop Shadow's
Contour set to Cone changes the canvas while the dialog is open, OK makes it one undo step
(undo back to the pixels before); a layer whose shadow has a file's own contour shows
"Custom", choosing Gaussian shows it live and Cancel puts the custom one back; the other
pages (glows, inner shadow, satin; the bevel's Gloss Contour) offer Photoshop's built-ins."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox

from editor.model.layer_effects import (CONTOURS, Contour, DropShadow, LayerEffects,
                                        first_of)
from test_ui_layer_style import in_dialog, screen, square_window


def pick(dialog, name: str, label: str) -> None:
    combo = dialog.findChild(QComboBox, name)
    combo.setCurrentIndex(combo.findText(label))


def test_contour_picker_live_and_one_undo_step(qtbot, tmp_path, monkeypatch):
    w, square, plain, steps = square_window(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        combo = dialog.findChild(QComboBox, "DropShadowsContour")
        assert combo.currentText() == "Linear" and combo.findText("Custom") < 0
        assert [combo.itemText(i) for i in range(combo.count())] == list(CONTOURS)
        for name, label in (("OuterGlowsContour", "Linear"), ("InnerShadowsContour", "Linear"),
                            ("InnerGlowsContour", "Linear"), ("SatinsContour", "Linear"),
                            ("BevelsGlossContour", "Linear")):
            assert dialog.findChild(QComboBox, name).currentText() == label
        seen["linear"] = screen(w)
        pick(dialog, "DropShadowsContour", "Cone")
        seen["cone"] = screen(w)
        assert doc.history.count == steps  # nothing recorded while the dialog is open

    seen = in_dialog(qtbot, w.actions["style_drop_shadow"].trigger, drive)
    assert (seen["linear"] != plain).any() and (seen["cone"] != seen["linear"]).any()
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Layer Style"
    assert square.effects.drop_shadows[0].contour == CONTOURS["Cone"]
    assert np.array_equal(screen(w), seen["cone"])
    w.actions["undo"].trigger()
    assert square.effects is None and np.array_equal(screen(w), plain)


def test_a_custom_contour_shows_custom_and_cancel_restores_it(qtbot, tmp_path, monkeypatch):
    w, square, plain, _ = square_window(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    custom = Contour(((0, 0), (60, 240), (255, 255)), (False, True, False), "Mine")
    doc.set_effects(square, LayerEffects(drop_shadows=(DropShadow(size=8.0,
                                                                  contour=custom),)))
    styled, steps = screen(w), doc.history.count
    w.menus["layer_style"].aboutToShow.emit()

    def drive(dialog, seen):
        combo = dialog.findChild(QComboBox, "DropShadowsContour")
        assert combo.currentText() == "Custom"
        pick(dialog, "DropShadowsContour", "Gaussian")
        seen["gaussian"] = screen(w)
        assert combo.findText("Custom") < 0  # a built-in now: no custom one to go back to
        assert first_of(dialog.effects, "drop_shadows").contour == CONTOURS["Gaussian"]
        seen["cancel"] = True

    seen = in_dialog(qtbot, w.actions["style_drop_shadow"].trigger, drive)
    assert (seen["gaussian"] != styled).any()
    assert doc.history.count == steps and square.effects.drop_shadows[0].contour == custom
    assert np.array_equal(screen(w), styled)
