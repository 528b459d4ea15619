"""The new Filter menu items driven through the window: where they sit in the submenus
(Photoshop's order), a dialog's live preview and OK as one undo step (Crystallize, inside a
soft selection), Radial Blur's centre clicked in its Blur Center box, Pointillize on the
toolbar's Background colour, and the items without a dialog (Solarize, Average...) run at
once as one undo step; Last Filter (Ctrl+F) repeats each with its settings."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QWidget

from editor.model import Document, cell_filters as cf, extra_filters as ef, filter_ops
from editor.model.layers import Layer

from test_ui_filters import set_number, soft_selection
from ui_helpers import ctrl_f, in_modal_dialog


def texts(menu) -> list[str]:
    return [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
            for a in menu.actions() if not a.isSeparator()]



def assert_applied_as_previewed(qtbot, w, layer, seen, expected, before, coverage, steps: int,
                                name: str) -> None:
    """A filter dialog's OK: what the preview showed (`seen["previewed"]`, no step while
    open) is what landed, in one step named `name`, nothing outside the selection's
    `coverage` changed; Undo gives `before` back and Ctrl+F the same pixels again."""
    doc = w.doc
    np.testing.assert_array_equal(seen["previewed"], expected)
    assert seen["steps"] == steps  # the preview is no step
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == name
    np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.undo_name() == name

def test_blur_and_sharpen_hold_photoshops_items_in_order(opened):
    w = opened
    assert texts(w.menus["filter_blur"]) == [
        "Average", "Blur", "Blur More", "Box Blur…", "Gaussian Blur…", "Lens Blur…",
        "Motion Blur…", "Radial Blur…", "Shape Blur…", "Smart Blur…", "Surface Blur…"]
    assert texts(w.menus["filter_sharpen"]) == [
        "Sharpen", "Sharpen Edges", "Sharpen More", "Smart Sharpen…", "Unsharp Mask…"]


def reference(pixels: np.ndarray, op, coverage=None) -> np.ndarray:
    """`op` on `pixels` as a layer of a document of its own, headless (inside `coverage`)."""
    from editor.model import selection_ops

    doc = Document(pixels.shape[1], pixels.shape[0])
    layer = Layer("layer", pixels.copy())
    doc.add_layer(layer)
    if coverage is not None:
        selection_ops.select_mask(doc, coverage)
    filter_ops.apply(doc, op, layer)
    return layer.pixels.copy()


def test_crystallize_dialog_previews_and_ok_is_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    expected = reference(before, cf.Crystallize(12), coverage)
    steps = doc.history.index

    def drive(dialog, seen):
        set_number(dialog, "cell", 12)
        qtbot.waitUntil(lambda: dialog.preview.shown == cf.Crystallize(12), timeout=20000)
        seen["previewed"] = layer.pixels.copy()  # on the layer while the dialog is open
        seen["steps"] = doc.history.index

    seen = in_modal_dialog(qtbot, w.actions["filter_crystallize"].trigger, drive,
                           "PixelDialog_Crystallize")
    assert_applied_as_previewed(qtbot, w, layer, seen, expected, before, coverage, steps,
                                "Crystallize")


def test_cancel_leaves_nothing(opened, qtbot):
    def set_up(dialog):
        dialog.findChild(QRadioButton, "Filter_method_blast").click()
        qtbot.waitUntil(lambda: dialog.preview.shown == ef.Wind("blast"), timeout=20000)

    assert_cancel_leaves_nothing(qtbot, opened, opened.actions["filter_wind"].trigger, set_up,
                                 "PixelDialog_Wind")


def assert_cancel_leaves_nothing(qtbot, w, trigger, set_up, name: str) -> None:
    """In the filter's dialog (`trigger`) `set_up(dialog)` waits for a preview that changes
    the active layer; Cancel then leaves its pixels and the history as they were."""
    doc = w.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        set_up(dialog)
        assert not np.array_equal(layer.pixels, before)
        seen["cancel"] = True

    in_modal_dialog(qtbot, trigger, drive, name)
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps


def test_radial_blur_centre_is_clicked_in_its_box(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        box = dialog.findChild(type(dialog.centre), "RadialBlurCentre")
        assert box.isVisible() and box.width() > box.height()  # the 96 x 64 photo's shape
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(box.width() // 4,
                                                                    box.height() // 4))
        set_number(dialog, "amount", 25)
        dialog.findChild(QRadioButton, "Filter_method_zoom").click()
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_radial_blur"].trigger, drive,
                           "PixelDialog_RadialBlur")
    op = seen["op"]
    assert (op.amount, op.method) == (25, "zoom")
    assert abs(op.centre_x - 0.25) < 0.02 and abs(op.centre_y - 0.25) < 0.03
    np.testing.assert_array_equal(layer.pixels, reference(before, op))
    # Sharp about the centre clicked, smeared far from it.
    diff = np.abs(layer.pixels[..., :3].astype(int) - before[..., :3]).sum(-1)
    assert diff[14:18, 22:26].mean() < diff[50:, 80:].mean() / 3


def test_pointillize_dots_lie_on_the_background_colour(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    w.set_background(QColor(0, 200, 80))
    in_modal_dialog(qtbot, w.actions["filter_pointillize"].trigger,
                    lambda dialog, seen: set_number(dialog, "cell", 8),
                    "PixelDialog_Pointillize")
    green = (layer.pixels[..., :3] == (0, 200, 80)).all(-1)
    assert 0.2 < green.mean() < 0.7


@pytest.mark.parametrize("kind, op", [("solarize", ef.Solarize()), ("average", ef.Average()),
                                      ("sharpen_more", ef.SharpenMore()),
                                      ("despeckle", ef.Despeckle()), ("facet", cf.Facet())])
def test_items_without_a_dialog_run_at_once_as_one_step(opened, qtbot, kind, op):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    expected = reference(before, op)
    assert not np.array_equal(expected, before)
    steps = doc.history.index
    w.actions[f"filter_{kind}"].trigger()
    assert QApplication.activeModalWidget() is None  # no dialog
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.undo_name() == op.label
    w.update_actions()
    assert w.actions["filter_last"].text().replace("&", "") == f"Last Filter ({op.label})"
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)


def test_smart_sharpen_folds_its_shadows_and_highlights_rows(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        fade = dialog.findChild(QWidget, "Filter_shadow_fade")
        assert not fade.isVisible() and dialog.findChild(QWidget, "Filter_amount").isVisible()
        dialog.findChild(QCheckBox, "SmartSharpenTones").setChecked(True)
        assert fade.isVisible()
        set_number(dialog, "shadow_fade", 80)
        set_number(dialog, "shadow_radius", 3)
        dialog.findChild(QRadioButton, "Filter_remove_lens").click()
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_smart_sharpen"].trigger, drive,
                           "PixelDialog_SmartSharpen")
    assert seen["op"] == ef.SmartSharpen(remove="lens", shadow_fade=80, shadow_radius=3)
    np.testing.assert_array_equal(layer.pixels, reference(before, seen["op"]))
    assert doc.history.undo_name() == "Smart Sharpen"
