"""Select and Mask's view keys and Decontaminate Colors' Amount, as a Photoshop user works
the dialog: F cycles the views on the canvas, V/A/T/K pick one, X shows the picture as it
is and X again the view; Amount takes the new layer's edge from the picture's colours
(0 %) to the decontaminated ones (100 %)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from editor.ui.select_and_mask import OVERLAY

import test_ui_select_and_mask as dialog_tests
from test_ui_select_and_mask import move_radius, run_dialog
from ui_helpers import on_canvas

photo = dialog_tests.photo  # the fixture: the photo pasted, a blocky selection of the object


def key(qtbot, dialog, k) -> None:
    """A key pressed in the dialog, wherever its focus is (the View list when it opens)."""
    qtbot.keyClick(QApplication.focusWidget() or dialog, k)


def test_f_cycles_the_views_and_x_shows_the_original(photo, qtbot):
    w, alpha = photo
    w.canvas.actual_pixels()
    picture = next(w.doc.layers()).pixels[..., :3].astype(np.int16)
    outside, inside = alpha < 0.02, alpha > 0.98  # surely out of and in the object

    def drive(dialog, seen):
        dialog.view.setCurrentIndex(dialog.view.findData("overlay"))
        views = []
        for _ in range(4):
            key(qtbot, dialog, Qt.Key.Key_F)
            shown = on_canvas(w.canvas)
            views.append((dialog.view.currentData(), shown[outside].mean(axis=0).round(),
                          shown[inside].mean(axis=0).round()))
        seen["views"] = views
        key(qtbot, dialog, Qt.Key.Key_K)  # Black & White straight away
        seen["k"] = dialog.view.currentData()
        key(qtbot, dialog, Qt.Key.Key_X)
        seen["x"] = (dialog.original.isChecked(), w.canvas.overlay(OVERLAY) is None,
                     on_canvas(w.canvas))
        key(qtbot, dialog, Qt.Key.Key_X)
        seen["x again"] = (dialog.original.isChecked(), dialog.view.currentData(),
                           on_canvas(w.canvas))

    seen = run_dialog(w, qtbot, "select_and_mask", drive)
    (k1, out1, in1), (k2, out2, in2), (k3, out3, in3), (k4, out4, _) = seen["views"]
    assert [k1, k2, k3, k4] == ["black", "white", "bw", "overlay"]
    # (outside: about 0 - the refined edge of a blocky selection may leave a trace there)
    assert (out1 <= 3).all() and (out2 >= 252).all()       # On Black, On White
    assert (out3 <= 3).all() and (in3 >= 252).all()        # the mask itself
    assert out4[0] > out4[1] + 40                          # Overlay: red outside the object
    assert np.abs(in1 - picture[inside].mean(axis=0)).max() <= 2  # the object as it is
    assert seen["k"] == "bw"
    original, cleared, shown = seen["x"]
    assert original and cleared and np.array_equal(shown, picture)  # X: the picture alone
    original, view, shown = seen["x again"]
    assert not original and view == "bw" and shown[outside].mean() <= 3
    assert w.settings.value("select_and_mask/view") is None  # Cancel remembers nothing


def test_amount_blends_the_new_layers_edge_between_original_and_decontaminated(photo, qtbot):
    w, alpha = photo
    doc = w.doc
    original = doc.active
    pixels = original.pixels.copy()
    edge = (alpha > 0.2) & (alpha < 0.8)
    made = {}
    for amount in (0, 50, 100):
        def drive(dialog, seen, amount=amount):
            slider, spin = dialog.sliders["decontaminate_amount"]
            seen["default"] = (spin.value(), spin.isEnabled())
            dialog.decontaminate.setChecked(True)
            seen["enabled"] = spin.isEnabled()
            slider.setValue(amount)  # as a drag of the slider would
            seen["amount"] = spin.value()
            if dialog.sliders["radius"][1].value() != 5:  # remembered from the last time
                move_radius(dialog, qtbot, 5)
            dialog.accept()

        seen = run_dialog(w, qtbot, "select_and_mask", drive)
        assert seen["enabled"] and seen["amount"] == amount
        made[amount] = doc.active.pixels[..., :3].astype(np.float32)
        assert doc.active is not original and doc.history.undo_name() == "Select and Mask"
        if amount == 0:  # the first time: Photoshop's default, and only with Decontaminate
            assert seen["default"] == (100, False)
        w.actions["undo"].trigger()
        assert doc.active is original
    assert w.settings.value("select_and_mask/decontaminate_amount", 0.0, float) == 100
    none, half, full = made[0], made[50], made[100]
    assert np.array_equal(none[edge], pixels[edge][..., :3])  # 0 %: the picture's colours
    assert (full[edge] != none[edge]).any(axis=-1).mean() > 0.5  # 100 %: recoloured
    assert np.abs(half[edge] - (none[edge] + full[edge]) / 2).max() <= 1.0
