"""Filter > Other > Custom, Stylize > Trace Contour and Pixelate > Mezzotint driven through
the window: Custom's 5 x 5 grid, Scale and Offset typed in its dialog preview on the layer
inside a soft selection, OK is one undo step, Last Filter (Ctrl+F) repeats it, Edit > Fade
mixes it back; Trace
Contour's, Extrude's and Mezzotint's dialogs give their settings' pixels."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QRadioButton, QSpinBox

from editor.model import last_filters as lf

from test_fade import run_fade
from test_ui_extra_filters import assert_applied_as_previewed, reference, texts
from test_ui_filters import set_number, soft_selection
from ui_helpers import in_modal_dialog

BOX3 = tuple(1 if 1 <= i // 5 <= 3 and 1 <= i % 5 <= 3 else 0 for i in range(25))


def test_custom_dialog_previews_and_ok_is_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    assert texts(w.menus["filter_other"])[0] == "Custom…"
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    op = lf.Custom(kernel=BOX3, scale=9, offset=30)
    expected = reference(before, op, coverage)
    assert not np.array_equal(expected, before)
    steps = doc.history.index

    def drive(dialog, seen):
        for i, weight in enumerate(BOX3):
            cell = dialog.findChild(QSpinBox, f"Filter_kernel_{i // 5}_{i % 5}")
            assert cell.value() == (1 if i == 12 else 0)  # the identity to start
            cell.setValue(weight)
        set_number(dialog, "scale", 9)
        set_number(dialog, "offset", 30)
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["previewed"] = layer.pixels.copy()  # on the layer while the dialog is open
        seen["steps"] = doc.history.index

    seen = in_modal_dialog(qtbot, w.actions["filter_custom"].trigger, drive,
                           "PixelDialog_Custom")
    assert_applied_as_previewed(qtbot, w, layer, seen, expected, before, coverage, steps,
                                "Custom")
    # Edit > Fade Custom… at 50 %: half way back to the pixels before.
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    assert w.actions["fade"].text().replace("&", "") == "Fade Custom…"
    run_fade(qtbot, w, 50)
    half = (before.astype(int) + expected) / 2
    assert np.abs(layer.pixels.astype(int) - half).max() <= 0.5
    assert doc.history.undo_name() == "Fade Custom"


def test_trace_contour_extrude_and_mezzotint_dialogs_give_their_settings_pixels(opened,
                                                                               qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def contour(dialog, seen):
        set_number(dialog, "level", 100)
        dialog.findChild(QRadioButton, "Filter_edge_lower").click()

    in_modal_dialog(qtbot, w.actions["filter_trace_contour"].trigger, contour,
                    "PixelDialog_TraceContour")
    np.testing.assert_array_equal(layer.pixels,
                                  reference(before, lf.TraceContour(100, "lower")))
    doc.history.undo()

    def extrude(dialog, seen):
        dialog.findChild(QRadioButton, "Filter_type_pyramids").click()
        set_number(dialog, "size", 16)
        dialog.findChild(QRadioButton, "Filter_depth_from_level").click()

    in_modal_dialog(qtbot, w.actions["filter_extrude"].trigger, extrude,
                    "PixelDialog_Extrude")
    np.testing.assert_array_equal(
        layer.pixels, reference(before, lf.Extrude("pyramids", 16, depth_from="level")))
    assert doc.history.undo_name() == "Extrude"
    doc.history.undo()

    def mezzotint(dialog, seen):
        dialog.findChild(QRadioButton, "Filter_type_long_strokes").click()
        set_number(dialog, "seed", 42)

    in_modal_dialog(qtbot, w.actions["filter_mezzotint"].trigger, mezzotint,
                    "PixelDialog_Mezzotint")
    np.testing.assert_array_equal(layer.pixels,
                                  reference(before, lf.Mezzotint("long_strokes", 42)))
    assert set(np.unique(layer.pixels[..., :3])) == {0, 255}
    assert doc.history.undo_name() == "Mezzotint"
