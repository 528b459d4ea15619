"""Select > Select and Mask… in the window, as a user runs it: the dialog opens from the menu
with a live preview on the canvas, a slider changes it, OK refines the selection (or the
layer mask) as one undo step, Cancel leaves everything as it was."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from editor.jobs import FINISHED
from editor.model.selection_ops import current_mask, select_mask
from editor.ui.qimage import rgba_to_qimage
from editor.ui.select_and_mask import OVERLAY
from tests._refine_scenes import PAIRS, composite, mae, rough
from ui_helpers import make_window

SIZE = (300, 246)


@pytest.fixture
def photo(qtbot, tmp_path, monkeypatch):
    """The window with a real photo of a horse-shaped object (known matte) pasted as a new
    document, and a blocky selection of the object."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    image, alpha = composite(PAIRS[1], SIZE)
    rgba = np.dstack([image, np.full(alpha.shape, 255, np.uint8)])
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    select_mask(w.doc, rough(alpha, "blocky", 3))
    w.update_actions()
    return w, alpha


def run_dialog(w, qtbot, action: str, drive) -> dict:
    """Triggers `action`; in the dialog that opens, waits for the first preview, calls
    drive(dialog) and returns what it saw."""
    seen = {}

    def inside():
        # Not modal: the canvas takes the Refine Edge Brush meanwhile.
        dialog = w.select_and_mask.dialog
        seen["dialog"] = dialog.objectName() if dialog is not None else None
        try:
            qtbot.waitUntil(lambda: dialog.previews >= 1, timeout=30000)
            seen["overlay"] = w.canvas.overlay(OVERLAY) is not None
            seen["ants"] = w.canvas.selection_outline_shown
            drive(dialog, seen)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, inside)
    w.actions[action].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    assert seen["dialog"] == "SelectAndMaskDialog"
    assert w.canvas.overlay(OVERLAY) is None  # the preview never outlives the dialog
    assert not seen["ants"] and w.canvas.selection_outline_shown  # hidden while it shows
    return seen


def move_radius(dialog, qtbot, value: int) -> None:
    slider, spin = dialog.sliders["radius"]
    before = dialog.previews
    slider.setValue(value)  # as a drag of the slider would
    assert spin.value() == value
    qtbot.waitUntil(lambda: dialog.previews > before and not dialog._running, timeout=30000)


def test_menu_slider_ok_refines_the_selection_in_one_undo_step(photo, qtbot):
    w, alpha = photo
    doc = w.doc
    assert w.actions["select_and_mask"] in w.menus["select"].actions()
    assert w.actions["select_and_mask"].shortcut().toString() == "Ctrl+Alt+R"
    assert w.actions["select_and_mask"].isEnabled()
    before, count = current_mask(doc), doc.history.count
    started = []
    w.jobs.job_started.connect(started.append)

    def drive(dialog, seen):
        dialog.output.setCurrentIndex(dialog.output.findData("selection"))
        dialog.view.setCurrentIndex(dialog.view.findData("bw"))
        move_radius(dialog, qtbot, 5)
        # Black & White shows the refined mask itself, at the preview's size.
        shown = w.canvas.overlay(OVERLAY)
        seen["box"] = shown.box
        dialog.accept()

    seen = run_dialog(w, qtbot, "select_and_mask", drive)
    assert seen["overlay"] and seen["box"] == doc.canvas
    assert w.test_errors == []
    # The full-size work ran as a job (progress and Cancel in the status bar), not in the dialog.
    assert [job.name for job in started] == ["Select and Mask"]
    assert started[0].state == FINISHED
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Select and Mask"
    assert mae(current_mask(doc), alpha) < 0.6 * mae(before, alpha)
    w.actions["undo"].trigger()
    assert np.array_equal(current_mask(doc), before)
    # The next time starts from the same settings (Photoshop's Remember Settings).
    assert w.settings.value("select_and_mask/radius", 0.0, float) == 5


def test_cancel_leaves_the_document_as_it_was(photo, qtbot):
    w, _alpha = photo
    doc = w.doc
    before, count = current_mask(doc), doc.history.count

    def drive(dialog, seen):
        move_radius(dialog, qtbot, 8)
        dialog.reject()

    run_dialog(w, qtbot, "select_and_mask", drive)
    assert doc.history.count == count and np.array_equal(current_mask(doc), before)
    assert w.test_errors == []


def test_output_to_layer_mask_makes_the_mask_and_undo_takes_it_away(photo, qtbot):
    w, alpha = photo
    doc = w.doc
    layer = doc.active
    before = current_mask(doc)

    def drive(dialog, seen):
        dialog.output.setCurrentIndex(dialog.output.findData("layer_mask"))
        move_radius(dialog, qtbot, 5)
        dialog.accept()

    run_dialog(w, qtbot, "select_and_mask", drive)
    assert layer.mask is not None and doc.history.undo_name() == "Select and Mask"
    assert mae(layer.mask.raw_crop(doc.canvas), alpha) < 0.6 * mae(before, alpha)
    assert np.array_equal(current_mask(doc), before)  # the selection stays as it was
    w.actions["undo"].trigger()
    assert layer.mask is None


def test_the_layer_masks_menu_refines_the_mask(photo, qtbot):
    w, alpha = photo
    doc = w.doc
    layer = doc.active
    w.actions["mask_reveal_selection"].trigger()   # a mask as rough as the selection
    doc.set_selection(None)
    doc.set_mask_targeted(False)
    rough_mask = layer.mask.raw_crop(doc.canvas)
    w.update_actions()
    assert w.actions["mask_select_and_mask"] in w.menus["layer_mask"].actions()
    assert not w.actions["select_and_mask"].isEnabled()  # no selection, the mask untargeted

    def drive(dialog, seen):
        seen["output"] = dialog.output_to()
        move_radius(dialog, qtbot, 5)
        dialog.accept()

    seen = run_dialog(w, qtbot, "mask_select_and_mask", drive)
    assert seen["output"] == "layer_mask" and doc.mask_targeted
    assert doc.history.undo_name() == "Select and Mask" and current_mask(doc) is None
    refined = layer.mask.raw_crop(doc.canvas)
    assert mae(refined, alpha) < 0.6 * mae(rough_mask, alpha)
    w.actions["undo"].trigger()
    assert np.array_equal(layer.mask.raw_crop(doc.canvas), rough_mask)


def test_decontaminate_puts_the_object_on_a_new_masked_layer(photo, qtbot):
    w, alpha = photo
    doc = w.doc
    original = doc.active
    pixels = original.pixels.copy()

    def drive(dialog, seen):
        dialog.decontaminate.setChecked(True)
        seen["output"] = dialog.output_to()  # decontaminated colours need a layer of their own
        move_radius(dialog, qtbot, 5)
        dialog.accept()

    seen = run_dialog(w, qtbot, "select_and_mask", drive)
    assert seen["output"] == "new_layer"
    new = doc.active
    assert new is not original and new.mask is not None and not original.visible
    assert doc.history.undo_name() == "Select and Mask"
    assert np.array_equal(original.pixels, pixels)  # the original keeps its pixels
    edge = (alpha > 0.2) & (alpha < 0.8)
    assert (new.pixels[edge] != pixels[edge]).any(axis=-1).mean() > 0.5  # recoloured there
    w.actions["undo"].trigger()
    assert doc.active is original and original.visible and len(list(doc.layers())) == 1
