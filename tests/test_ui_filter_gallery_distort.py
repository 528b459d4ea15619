"""Filter > Filter Gallery… with the Distort folder and the new Artistic filters, through the
window: the folders' items, Photoshop's ranges on the settings, Glass and Diffuse Glow stacked
and applied inside a soft selection as one undo step (Diffuse Glow in the window's
Background colour), the large preview, and Ctrl+F repeating the stack."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox

from editor.model import gallery_artistic as ga, gallery_distort as gd, gallery_filters as gf

from test_ui_extra_filters import reference
from test_ui_filter_gallery import NAME, choose, chosen, click, layer_names
from test_ui_filters import set_number, soft_selection
from ui_helpers import ctrl_f, in_modal_dialog


def test_the_folders_hold_distort_and_the_artistic_filters(opened, qtbot):
    def drive(dialog, seen):
        tree = dialog.tree
        seen["folders"] = {tree.topLevelItem(i).text(0): [
            tree.topLevelItem(i).child(j).text(0)
            for j in range(tree.topLevelItem(i).childCount())]
            for i in range(tree.topLevelItemCount())}
        choose(qtbot, dialog, "ocean_ripple")
        spin = dialog.findChild(QSpinBox, "Filter_magnitude")
        seen["range"] = (spin.minimum(), spin.maximum(), spin.value())
        choose(qtbot, dialog, "rough_pastels")
        combo = dialog.findChild(QComboBox, "Filter_texture")
        seen["textures"] = [combo.itemText(i) for i in range(combo.count())]
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, opened.actions["filter_gallery"].trigger, drive, NAME)
    folders = seen["folders"]
    assert list(folders) == ["Artistic", "Brush Strokes", "Distort", "Sketch", "Stylize",
                             "Texture"]
    assert folders["Distort"] == ["Diffuse Glow", "Glass", "Ocean Ripple"]
    assert folders["Artistic"][:5] == ["Colored Pencil", "Cutout", "Dry Brush", "Film Grain",
                                       "Fresco"]
    assert len(folders["Artistic"]) == 15  # all of Photoshop's
    assert seen["range"] == (0, 20, 9)  # Ripple Magnitude 0..20, 9 by default
    assert seen["textures"] == ["Brick", "Burlap", "Canvas", "Sandstone"]


def test_glass_under_diffuse_glow_is_one_step_and_ctrl_f_repeats_it(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    steps = doc.history.index
    w.set_background(QColor(0, 0, 200))

    def drive(dialog, seen):
        choose(qtbot, dialog, "glass")
        assert dialog.findChild(QLabel, "GalleryHeading").text() == "<b>Glass</b>"
        set_number(dialog, "distortion", 14)
        combo = dialog.findChild(QComboBox, "Filter_texture")
        combo.setCurrentIndex(combo.findData("tiny_lens"))
        click(dialog, "GalleryNew")
        choose(qtbot, dialog, "diffuse_glow")
        set_number(dialog, "clear", 4)
        assert layer_names(dialog) == ["Diffuse Glow", "Glass"]
        op = dialog.operation()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["op"] = op
        seen["picture"] = not dialog.findChild(QLabel, "GalleryPreview").pixmap().isNull()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    op = seen["op"]
    assert op.operations() == (gd.Glass(14, 3, "tiny_lens"),
                               gd.DiffuseGlow(6, 10, 4, (0, 0, 200)))
    assert seen["picture"]
    expected = reference(before, op, coverage)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Filter Gallery"
    np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    assert not np.array_equal(layer.pixels[coverage == 255], before[coverage == 255])
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)
    np.testing.assert_array_equal(layer.pixels, expected)
    # Ctrl+F glows in the Background colour of the moment.
    doc.history.undo()
    w.set_background(QColor(255, 255, 255))
    ctrl_f(qtbot, w)
    white = op.again((0, 0, 0), (255, 255, 255), 0)
    assert white.operations()[1].background == (255, 255, 255)
    np.testing.assert_array_equal(layer.pixels, reference(before, white, coverage))


def test_neon_glows_colour_is_picked_on_its_swatch(opened, qtbot, monkeypatch):
    from PySide6.QtWidgets import QPushButton

    from editor.ui import dialogs

    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    monkeypatch.setattr(dialogs, "ask_color", lambda parent, initial, title: QColor(250, 20, 90))

    def drive(dialog, seen):
        choose(qtbot, dialog, "neon_glow")
        set_number(dialog, "size", -6)
        dialog.findChild(QPushButton, "Filter_color").click()
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    assert seen["op"] == gf.FilterGallery.of([ga.NeonGlow(-6, 15, (250, 20, 90))])
    np.testing.assert_array_equal(layer.pixels, reference(before, seen["op"]))


def test_an_artistic_filter_applies_with_its_settings(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        seen["op"] = chosen(qtbot, dialog, "paint_daubs", [("size", 12)], [("brush", "sparkle")])

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    assert seen["op"] == gf.FilterGallery.of([ga.PaintDaubs(12, 7, "sparkle")])
    np.testing.assert_array_equal(layer.pixels, reference(before, seen["op"]))
