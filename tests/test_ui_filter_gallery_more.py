"""Filter > Filter Gallery… with all 47 of Photoshop's filters, through the window: the Brush
Strokes, Sketch and Texture folders full, Photoshop's ranges and choices on the new settings,
Stamp (in the window's colours) over Crosshatch applied inside a soft selection as one undo
step, the large preview, and Ctrl+F repeating the stack in the colours of the moment."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLabel, QSpinBox

from editor.model import gallery_brush_strokes as gb, gallery_sketch as gs
from editor.model import gallery_filters as gf, gallery_texture as gt

from test_ui_extra_filters import reference
from test_ui_filter_gallery import NAME, choose, chosen, click, layer_names
from test_ui_filters import set_number, soft_selection
from ui_helpers import ctrl_f, in_modal_dialog


def test_the_folders_hold_all_47_filters(opened, qtbot):
    def drive(dialog, seen):
        tree = dialog.tree
        seen["folders"] = {tree.topLevelItem(i).text(0): [
            tree.topLevelItem(i).child(j).text(0)
            for j in range(tree.topLevelItem(i).childCount())]
            for i in range(tree.topLevelItemCount())}
        choose(qtbot, dialog, "grain")
        combo = dialog.findChild(QComboBox, "Filter_type")
        seen["types"] = [combo.itemText(i) for i in range(combo.count())]
        spin = dialog.findChild(QSpinBox, "Filter_intensity")
        seen["range"] = (spin.minimum(), spin.maximum(), spin.value())
        choose(qtbot, dialog, "stained_glass")
        spin = dialog.findChild(QSpinBox, "Filter_size")
        seen["cell"] = (spin.minimum(), spin.maximum(), spin.value())

    seen = in_modal_dialog(qtbot, opened.actions["filter_gallery"].trigger, drive, NAME)
    folders = seen["folders"]
    assert sum(len(v) for v in folders.values()) == 47
    assert folders["Brush Strokes"] == ["Accented Edges", "Angled Strokes", "Crosshatch",
                                        "Dark Strokes", "Ink Outlines", "Spatter",
                                        "Sprayed Strokes", "Sumi-e"]
    assert folders["Sketch"] == ["Bas Relief", "Chalk & Charcoal", "Charcoal", "Chrome",
                                 "Conté Crayon", "Graphic Pen", "Halftone Pattern",
                                 "Note Paper", "Photocopy", "Plaster", "Reticulation", "Stamp",
                                 "Torn Edges", "Water Paper"]
    assert folders["Texture"] == ["Craquelure", "Grain", "Mosaic Tiles", "Patchwork",
                                  "Stained Glass", "Texturizer"]
    assert seen["types"] == ["Regular", "Soft", "Sprinkles", "Clumped", "Contrasty",
                             "Enlarged", "Stippled", "Horizontal", "Vertical", "Speckle"]
    assert seen["range"] == (0, 100, 40) and seen["cell"] == (2, 50, 10)


def test_stamp_over_crosshatch_is_one_step_and_ctrl_f_repeats_it(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    steps = doc.history.index
    w.set_foreground(QColor(120, 0, 0))
    w.set_background(QColor(250, 240, 200))

    def drive(dialog, seen):
        choose(qtbot, dialog, "crosshatch")
        assert dialog.findChild(QLabel, "GalleryHeading").text() == "<b>Crosshatch</b>"
        set_number(dialog, "length", 20)
        click(dialog, "GalleryNew")
        choose(qtbot, dialog, "stamp")
        set_number(dialog, "balance", 30)
        assert layer_names(dialog) == ["Stamp", "Crosshatch"]
        op = dialog.operation()
        qtbot.waitUntil(lambda: dialog.preview.shown == op, timeout=20000)
        seen["op"] = op
        seen["picture"] = not dialog.findChild(QLabel, "GalleryPreview").pixmap().isNull()

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    op = seen["op"]
    assert op.operations() == (gb.Crosshatch(20),
                               gs.Stamp(30, foreground=(120, 0, 0), background=(250, 240, 200)))
    assert seen["picture"]
    expected = reference(before, op, coverage)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Filter Gallery"
    np.testing.assert_array_equal(layer.pixels[coverage == 0], before[coverage == 0])
    inside = layer.pixels[coverage == 255][:, :3]
    # Fully selected: the stamp's two colours only (and their antialiased edge between).
    assert (np.all(inside == (120, 0, 0), -1) | np.all(inside == (250, 240, 200), -1)).mean() > 0.8
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    # Ctrl+F stamps in the colours of the moment.
    w.set_foreground(QColor(0, 0, 90))
    ctrl_f(qtbot, w)
    again = op.again((0, 0, 90), (250, 240, 200), 0)
    np.testing.assert_array_equal(layer.pixels, reference(before, again, coverage))


def test_a_texture_filter_applies_with_its_choice(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        seen["op"] = chosen(qtbot, dialog, "grain", [("intensity", 70)], [("type", "vertical")])

    seen = in_modal_dialog(qtbot, w.actions["filter_gallery"].trigger, drive, NAME)
    grain = seen["op"].operations()[0]
    assert (grain.intensity, grain.contrast, grain.type) == (70, 50, "vertical")
    assert seen["op"] == gf.FilterGallery.of([grain]) and isinstance(grain, gt.Grain)
    np.testing.assert_array_equal(layer.pixels, reference(before, seen["op"]))
