"""Shear, Smart Blur, Shape Blur, Fibers, HSB/HSL and the Video submenu driven through the
window: where they sit in the Filter menu (Photoshop's places); Shear's curve dragged in
its grid previews on the layer inside a soft selection, OK is one undo step, Last Filter
(Ctrl+F) repeats it and Edit > Fade mixes it back; Smart Blur's dialog previews and Cancel
leaves nothing, OK one step; Shape Blur's shapes, Fibers in the toolbar's colours,
De-Interlace's fields from their dialogs; NTSC Colors at once, one step, repeated by
Ctrl+F; a Shear on a smart object is a smart filter whose dialog opens again with its
curve."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton, QRadioButton, QWidget

from editor.model import shape_filters as sf, smart_object, video_filters as vf

from test_fade import run_fade
from test_ui_extra_filters import reference, texts
from test_ui_filters import set_number, soft_selection
from ui_helpers import ctrl_f, drag, in_modal_dialog


def test_the_items_are_in_photoshops_places(opened):
    w = opened
    filters = texts(w.menus["filter"])
    assert filters.index("Video") == filters.index("Stylize") + 1
    assert filters.index("Other") == filters.index("Video") + 1
    assert texts(w.menus["filter_video"]) == ["De-Interlace…", "NTSC Colors"]
    blur = texts(w.menus["filter_blur"])
    assert blur[blur.index("Radial Blur…") + 1:] == ["Shape Blur…", "Smart Blur…",
                                                      "Surface Blur…"]
    assert "Shear…" in texts(w.menus["filter_distort"])
    assert "Fibers…" in texts(w.menus["filter_render"])
    assert "HSB/HSL…" in texts(w.menus["filter_other"])


def test_shear_curve_dragged_in_its_grid_previews_and_ok_is_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        grid = dialog.findChild(QWidget, "ShearGrid")
        assert grid.isVisible() and dialog.operation().points == sf.SHEAR_LINE
        side = grid.width() - 1
        # A click on the line's middle adds a point; dragged right, the line bows.
        drag(qtbot, grid, [QPoint(side // 2, side // 2), QPoint(side * 3 // 4, side // 2),
                           QPoint(side * 4 // 5, side // 2)])
        # A point added and dragged out of the grid goes again.
        drag(qtbot, grid, [QPoint(side * 3 // 5, side // 5), QPoint(-60, side // 5)])
        op = dialog.operation()
        assert len(op.points) == 3 and op.points[0] == (0.0, 0.0) and op.points[2] == (1.0, 0.0)
        assert abs(op.points[1][0] - 0.5) < 0.01 and abs(op.points[1][1] - 0.3) < 0.01
        dialog.findChild(QRadioButton, "Filter_undefined_repeat").click()
        op = dialog.operation()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["op"] = op
        seen["previewed"] = layer.pixels.copy()  # on the layer while the dialog is open
        seen["steps"] = doc.history.index

    seen = in_modal_dialog(qtbot, w.actions["filter_shear"].trigger, drive, "PixelDialog_Shear")
    expected = reference(before, seen["op"], coverage)
    assert not np.array_equal(expected, before)
    np.testing.assert_array_equal(seen["previewed"], expected)
    assert seen["steps"] == steps  # the preview is no step
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Shear"
    np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)
    qtbot.waitUntil(lambda: w.actions["fade"].isEnabled(), timeout=2000)
    assert w.actions["fade"].text().replace("&", "") == "Fade Shear…"
    run_fade(qtbot, w, 50)
    half = (before.astype(int) + expected) / 2
    assert np.abs(layer.pixels.astype(int) - half).max() <= 0.5
    assert doc.history.undo_name() == "Fade Shear"


def test_shear_defaults_put_the_line_back(opened, qtbot):
    w, doc = opened, opened.doc
    before = doc.active.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        grid = dialog.findChild(QWidget, "ShearGrid")
        side = grid.width() - 1
        drag(qtbot, grid, [QPoint(side // 2, 0), QPoint(side, 0)])  # the top point
        assert dialog.operation().points[0] == (0.0, 0.5)
        qtbot.waitUntil(lambda: dialog.preview.shown == dialog.operation(), timeout=20000)
        assert not np.array_equal(doc.active.pixels, before)
        dialog.findChild(QPushButton, "ShearDefaults").click()
        assert dialog.operation().points == sf.SHEAR_LINE
        qtbot.waitUntil(lambda: np.array_equal(doc.active.pixels, before), timeout=20000)

    in_modal_dialog(qtbot, w.actions["filter_shear"].trigger, drive, "PixelDialog_Shear")
    np.testing.assert_array_equal(doc.active.pixels, before)
    assert doc.history.index == steps  # the straight line changes nothing: no step


def test_smart_blur_dialog_cancel_leaves_nothing_and_ok_is_one_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    op = sf.SmartBlur(4.0, 40.0, "medium", "overlay")

    def drive(dialog, seen):
        set_number(dialog, "radius", 4.0)
        set_number(dialog, "threshold", 40.0)
        dialog.findChild(QRadioButton, "Filter_quality_medium").click()
        dialog.findChild(QRadioButton, "Filter_mode_overlay").click()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["previewed"] = layer.pixels.copy()
        seen["cancel"] = seen.get("cancel_now", False)

    seen = in_modal_dialog(qtbot, w.actions["filter_smart_blur"].trigger,
                           lambda d, s: (s.update(cancel_now=True), drive(d, s)),
                           "PixelDialog_SmartBlur")
    expected = reference(before, op)
    np.testing.assert_array_equal(seen["previewed"], expected)
    np.testing.assert_array_equal(layer.pixels, before)  # Cancel: as it was, no step
    assert doc.history.index == steps
    in_modal_dialog(qtbot, w.actions["filter_smart_blur"].trigger, drive,
                    "PixelDialog_SmartBlur")
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Smart Blur"


def test_shape_blur_fibers_hsb_and_de_interlace_dialogs_give_their_settings_pixels(opened,
                                                                                  qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def shape(dialog, seen):
        star = dialog.findChild(QRadioButton, "Filter_shape_star")
        assert not star.icon().isNull()  # the shapes show as pictures
        star.click()
        set_number(dialog, "radius", 7)

    in_modal_dialog(qtbot, w.actions["filter_shape_blur"].trigger, shape,
                    "PixelDialog_ShapeBlur")
    np.testing.assert_array_equal(layer.pixels, reference(before, sf.ShapeBlur(7, "star")))
    doc.history.undo()

    w.set_foreground(QColor(120, 20, 10))
    w.set_background(QColor(240, 220, 160))

    def fibers(dialog, seen):
        set_number(dialog, "variance", 30)
        set_number(dialog, "strength", 12)
        set_number(dialog, "seed", 77)

    in_modal_dialog(qtbot, w.actions["filter_fibers"].trigger, fibers, "PixelDialog_Fibers")
    op = sf.Fibers(30, 12, 77, (120, 20, 10), (240, 220, 160))
    np.testing.assert_array_equal(layer.pixels, reference(before, op))
    assert doc.history.undo_name() == "Fibers"
    doc.history.undo()

    def hsl(dialog, seen):
        dialog.findChild(QRadioButton, "Filter_output_hsl").click()

    in_modal_dialog(qtbot, w.actions["filter_hsb_hsl"].trigger, hsl, "PixelDialog_HSBHSL")
    np.testing.assert_array_equal(layer.pixels, reference(before, vf.HSBHSL("rgb", "hsl")))
    doc.history.undo()

    def fields(dialog, seen):
        dialog.findChild(QRadioButton, "Filter_eliminate_even").click()
        dialog.findChild(QRadioButton, "Filter_create_duplication").click()

    in_modal_dialog(qtbot, w.actions["filter_de_interlace"].trigger, fields,
                    "PixelDialog_De-Interlace")
    np.testing.assert_array_equal(layer.pixels[0::2], layer.pixels[1::2])
    np.testing.assert_array_equal(layer.pixels,
                                  reference(before, vf.DeInterlace("even", "duplication")))
    assert doc.history.undo_name() == "De-Interlace"


def test_ntsc_colors_runs_at_once_and_ctrl_f_repeats_it(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    # A pure red and yellow corner: colours NTSC cannot carry.
    layer.pixels[:10, :10, :3] = (255, 0, 0)
    layer.pixels[:10, 10:20, :3] = (255, 255, 0)
    before = layer.pixels.copy()
    steps = doc.history.index
    w.actions["filter_ntsc_colors"].trigger()
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    expected = reference(before, vf.NTSCColors())
    np.testing.assert_array_equal(layer.pixels, expected)
    assert (layer.pixels[:10, :20] != before[:10, :20]).any()
    assert doc.history.undo_name() == "NTSC Colors"
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)


def test_shear_on_a_smart_object_is_a_smart_filter_edited_in_its_dialog(opened, qtbot):
    w, doc = opened, opened.doc
    before = doc.active.pixels.copy()
    smart = smart_object.convert(doc, doc.active)

    def drive(dialog, seen):
        grid = dialog.findChild(QWidget, "ShearGrid")
        side = grid.width() - 1
        drag(qtbot, grid, [QPoint(side // 2, side), QPoint(side // 4, side)])  # bottom point
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_shear"].trigger, drive, "PixelDialog_Shear")
    op = seen["op"]
    assert op.points[1][0] == 1.0 and op.points[1][1] < -0.2
    assert [f.op for f in smart.filters] == [op]
    np.testing.assert_array_equal(smart.pixels, reference(before, op))

    def again(dialog, seen):  # its dialog opens with its curve; a new one in its place
        assert dialog.operation() == op
        dialog.findChild(QPushButton, "ShearDefaults").click()
        assert dialog.operation().points == sf.SHEAR_LINE
        grid = dialog.findChild(QWidget, "ShearGrid")
        side = grid.width() - 1
        drag(qtbot, grid, [QPoint(side // 2, 0), QPoint(side * 3 // 4, 0)])  # top point
        dialog.findChild(QRadioButton, "Filter_undefined_repeat").click()
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, lambda: w.filter_commands.edit_smart_filter(smart, 0),
                           again, "PixelDialog_Shear")
    new = seen["op"]
    assert new.undefined == "repeat" and new.points[0][1] > 0.2 and new.points[1] == (1.0, 0.0)
    assert [f.op for f in smart.filters] == [new]
    np.testing.assert_array_equal(smart.pixels, reference(before, new))
