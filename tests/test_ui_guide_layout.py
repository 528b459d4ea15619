"""View > New Guide Layout… and New Guides From Shape through the window: the guides land
where Photoshop puts them, previewed on the canvas while the dialog is open, OK one undo
step, Cancel nothing, Clear Existing Guides replacing the old ones; a layout that does not
fit says so in one line and OK waits."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QDialogButtonBox

from editor.ui.canvas_chrome import GUIDE_COLOR
from ui_helpers import in_modal_dialog, make_window, open_photo

# 3 columns, gutter 20, margins 10 on a 400 px wide canvas: the 380 px between the margins
# hold 3 columns of (380 - 2 * 20) / 3 = 113.33 px; a guide at each column's edges (the
# first and last on the margins) and at the top and bottom margins.
W = (380 - 40) / 3
COLUMNS = [10, 10 + W, 30 + W, 30 + 2 * W, 50 + 2 * W, 390]
EXPECTED = [(False, v) for v in COLUMNS] + [(True, 10.0), (True, 290.0)]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, 400, 300)
    w.canvas.set_zoom(1.0)
    return w


def set_layout(dialog, clear: bool, width: float = 0.0) -> None:
    dialog.columns.setChecked(True)
    dialog.column_number.setValue(3)
    dialog.column_width.setValue(width)  # 0: Auto
    dialog.column_gutter.setValue(20)
    dialog.rows.setChecked(False)
    dialog.margin.setChecked(True)
    for box in (dialog.top, dialog.left, dialog.bottom, dialog.right):
        box.setValue(10)
    dialog.clear.setChecked(clear)


def same(guides, expected) -> bool:
    return len(guides) == len(expected) and all(
        h == eh and abs(v - ev) < 1e-6 for (h, v), (eh, ev) in zip(guides, expected))


def test_layout_lands_where_photoshop_puts_it_previewed_then_one_step(window, qtbot):
    w = window
    doc, canvas = w.doc, w.canvas
    doc.set_guides([(False, 200.0), (True, 50.0)], "New Guide")  # guides there before
    old = doc.guides
    steps = doc.history.count

    def drive(dialog, seen):
        set_layout(dialog, clear=True)
        # Previewed on the canvas, the document untouched while the dialog is open.
        assert same(canvas.chrome.preview_guides, EXPECTED)
        assert doc.guides == old and doc.history.count == steps
        image = canvas.grab().toImage()
        x = round(canvas.image_to_widget(QPointF(COLUMNS[2], 0)).x())
        y = round(canvas.image_to_widget(QPointF(0, 150)).y())
        seen["shown"] = image.pixelColor(x, y).name()
        seen["old_shown"] = image.pixelColor(
            round(canvas.image_to_widget(QPointF(200, 0)).x()), y).name()

    seen = in_modal_dialog(qtbot, w.actions["new_guide_layout"].trigger, drive,
                           "GuideLayoutDialog")
    assert seen["shown"] == GUIDE_COLOR.name()       # the previewed guide is drawn
    assert seen["old_shown"] != GUIDE_COLOR.name()   # Clear Existing: the old one is not
    assert same(doc.guides, EXPECTED)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Guide Layout"
    assert canvas.chrome.preview_guides is None
    w.actions["undo"].trigger()
    assert doc.guides == old


def test_without_clear_existing_the_old_guides_stay(window, qtbot):
    w = window
    doc = w.doc
    doc.set_guides([(False, 200.0)], "New Guide")
    in_modal_dialog(qtbot, w.actions["new_guide_layout"].trigger,
                    lambda d, s: set_layout(d, clear=False), "GuideLayoutDialog")
    assert same(doc.guides, [(False, 200.0)] + EXPECTED)


def test_cancel_leaves_the_guides_and_a_misfit_says_so(window, qtbot):
    w = window
    doc, canvas = w.doc, w.canvas
    steps = doc.history.count

    def drive(dialog, seen):
        set_layout(dialog, clear=True, width=200)  # 3 x 200 px do not fit in 380
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        seen["ok"] = ok.isEnabled()
        seen["message"] = dialog.message.text()
        set_layout(dialog, clear=True, width=100)  # centred columns of 100 px fit
        dialog.center.setChecked(True)
        seen["centred"] = canvas.chrome.preview_guides
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["new_guide_layout"].trigger, drive,
                           "GuideLayoutDialog")
    assert not seen["ok"] and "do not fit" in seen["message"] and "\n" not in seen["message"]
    # 3 x 100 + 2 x 20 = 340 px centred in the 380 between the margins: from 30 to 370.
    assert same(seen["centred"], [(False, v) for v in (10, 30, 130, 150, 250, 270, 370, 390)]
                + [(True, 10.0), (True, 290.0)])
    assert doc.guides == () and doc.history.count == steps
    assert canvas.chrome.preview_guides is None


def test_guides_from_shape_mark_the_layers_bounds_and_centre(window, qtbot):
    w = window
    doc = w.doc
    square = np.zeros((60, 80, 4), np.uint8)
    square[10:50, 20:60] = (255, 0, 0, 255)  # opaque 40 x 40 at canvas (120, 60)
    doc.add_image(square, "Shape", 100, 50)
    steps = doc.history.count
    w.actions["guides_from_shape"].trigger()
    assert same(doc.guides, [(False, 120.0), (False, 140.0), (False, 160.0),
                             (True, 60.0), (True, 80.0), (True, 100.0)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Guides From Shape"
    w.actions["undo"].trigger()
    assert doc.guides == ()
