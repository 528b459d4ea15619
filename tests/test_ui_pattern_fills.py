"""Pattern fill layers driven through the window: Edit > Define Pattern… from a marquee
selection (a name, then the pattern, one undo step); Layer > New Fill Layer > Pattern… (a
name, then the Pattern Fill dialog, the scale changed and shown live on the canvas, OK
one undo step, Cancel none); in a document without patterns, the offer to define one
from the canvas (in the same step); the dialog opened again from the layer's thumbnail;
the Properties panel's scale. The canvas is checked against the pattern tiled in numpy."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox

from editor.model import FillLayer
from editor.model.adjustments import PatternFill
from test_pattern_fills import doubled, reference_tiling
from test_ui_gradient_fills import thumbnail_point
from engine.box import Box
from ui_helpers import (image_drag, in_modal_dialog, make_window, open_photo, screen as rgb_screen)

W, H = 96, 64


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    window.canvas.set_zoom(2.0)
    asked, answers = [], []
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda parent, title, label, text="":
                        asked.append((title, text)) or answers.pop(0))
    window.asked, window.answers = asked, answers
    return window


def in_dialog(qtbot, trigger, drive) -> dict:
    return in_modal_dialog(qtbot, trigger, drive, "PatternFillDialog")


def test_define_pattern_then_a_pattern_fill_layer_live_and_undone(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    photo = rgb_screen(w)
    steps = doc.history.count
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, canvas, [(8, 6), (20, 12), (26, 18)])
    assert doc.selection == Box(8, 6, 18, 12)
    selected_steps = doc.history.count
    w.answers.append("Fur")
    w.actions["define_pattern"].trigger()
    assert w.asked == [("Pattern Name", "Pattern 1")]
    assert [p.name for p in doc.patterns] == ["Fur"]
    pattern = doc.patterns[0]
    assert pattern.pixels.shape == (12, 18, 4)
    np.testing.assert_array_equal(pattern.pixels[..., :3], photo[6:18, 8:26])
    assert doc.history.count == selected_steps + 1 and doc.history.undo_name() == "Define Pattern"
    w.actions["deselect"].trigger()

    menu = w.menus["new_fill"]
    assert [a.text().replace("&", "") for a in menu.actions()] == \
        ["Solid Color…", "Gradient…", "Pattern…"]
    before_fill = doc.history.count
    w.answers.append("Tiles")

    def drive(dialog, seen):
        seen["choices"] = [dialog.choice.itemText(i) for i in range(dialog.choice.count())]
        seen["at_100"] = rgb_screen(w)  # live from the start
        dialog.scale.setValue(200)
        seen["at_200"] = rgb_screen(w)

    seen = in_dialog(qtbot, w.actions["fill_pattern"].trigger, drive)
    assert w.asked[-1] == ("New Layer", "Pattern Fill 1")
    assert seen["choices"] == ["Fur (18 × 12 px)"]
    np.testing.assert_array_equal(seen["at_100"], reference_tiling(pattern.pixels, Box(0, 0, W, H))[..., :3])
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer.name == "Tiles"
    assert layer.settings == PatternFill(pattern=pattern, scale=200.0)
    assert doc.history.count == before_fill + 1 and doc.history.undo_name() == "New Fill Layer"
    shown = rgb_screen(w)
    # At 200 % interpolated as Photoshop draws it (test_pattern_fills' reference).
    doubled_tiles = reference_tiling(doubled(pattern.pixels), Box(0, 0, W, H))[..., :3]
    assert np.abs(shown.astype(int) - doubled_tiles).max() <= 1
    np.testing.assert_array_equal(seen["at_200"], shown)
    w.actions["undo"].trigger()
    assert layer not in list(doc.nodes())
    np.testing.assert_array_equal(rgb_screen(w), photo)
    w.actions["undo"].trigger()  # (Deselect)
    w.actions["undo"].trigger()
    assert doc.patterns == ()
    w.actions["redo"].trigger()
    assert doc.patterns == (pattern,)
    assert doc.history.count >= steps + 2
    assert w.test_errors == []


def test_without_patterns_the_menu_offers_one_from_the_canvas_in_the_same_step(opened, qtbot,
                                                                               monkeypatch):
    w, doc = opened, opened.doc
    photo = rgb_screen(w)
    steps = doc.history.count
    offers = []
    monkeypatch.setattr("editor.ui.dialogs.ask_define_pattern",
                        lambda parent: offers.append(True) or False)
    w.actions["fill_pattern"].trigger()  # declined: nothing at all
    assert offers and doc.history.count == steps and doc.patterns == ()
    assert w.asked == []
    monkeypatch.setattr("editor.ui.dialogs.ask_define_pattern", lambda parent: True)
    w.answers.append("Whole")
    seen = in_dialog(qtbot, w.actions["fill_pattern"].trigger,
                     lambda dialog, seen: seen.update(cancel=True))
    assert seen["dialog"] == "PatternFillDialog"
    assert doc.patterns == () and doc.history.count == steps  # Cancel: not even the pattern
    w.answers.append("Whole")
    in_dialog(qtbot, w.actions["fill_pattern"].trigger, lambda dialog, seen: None)
    assert [p.name for p in doc.patterns] == ["Pattern 1"]
    assert doc.patterns[0].pixels.shape == (H, W, 4)  # the whole canvas
    np.testing.assert_array_equal(rgb_screen(w), photo)  # the canvas tiled once: itself
    assert doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert doc.patterns == () and not any(isinstance(n, FillLayer) for n in doc.nodes())


def test_the_thumbnail_and_properties_edit_it_one_step_each(opened, qtbot):
    w, doc = opened, opened.doc
    doc.set_selection(Box(0, 0, 10, 8))
    w.answers.extend(["Small", "Tiles"])
    w.actions["define_pattern"].trigger()
    w.actions["deselect"].trigger()
    in_dialog(qtbot, w.actions["fill_pattern"].trigger, lambda dialog, seen: None)
    layer = doc.active
    steps = doc.history.count
    at = thumbnail_point(w, layer)
    panel = w.layers_panel

    def drive(dialog, seen):
        seen["scale"] = dialog.scale.value()
        dialog.angle.setValue(90)

    seen = in_dialog(qtbot, lambda: qtbot.mouseDClick(
        panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at), drive)
    assert seen["scale"] == 100 and layer.settings.angle == 90
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Change Pattern Fill"
    properties = w.properties_panel
    properties._refresh()
    QApplication.processEvents()
    scale = next(s for s in properties.findChildren(QDoubleSpinBox)
                 if s.objectName().startswith("Adjust_Scale") and s.isVisibleTo(properties))
    assert scale.value() == 100
    scale.setValue(300)
    assert layer.settings.scale == 300 and doc.history.count == steps + 2
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert (layer.settings.scale, layer.settings.angle) == (100, 0)
    assert w.test_errors == []


def test_change_layer_content_turns_a_colour_fill_into_a_pattern_fill(opened, qtbot):
    from editor.model import adjustment_ops
    from editor.model.adjustments import SolidColor

    w, doc = opened, opened.doc
    w.answers.append("Small")
    doc.set_selection(Box(4, 4, 6, 5))
    w.actions["define_pattern"].trigger()
    doc.set_selection(None)
    layer = adjustment_ops.add_adjustment(doc, "solid_color", SolidColor((0, 128, 128)),
                                          with_mask=False)
    assert layer.name == "Color Fill 1"
    steps = doc.history.count
    w.update_actions()
    in_dialog(qtbot, w.actions["change_content_pattern_fill"].trigger,
              lambda dialog, seen: dialog.scale.setValue(50))
    new = doc.active
    assert new is not layer and new.name == "Pattern Fill 1"
    assert new.settings == PatternFill(pattern=doc.patterns[0], scale=50)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Change Layer Content"
    w.actions["undo"].trigger()
    assert layer in list(doc.nodes()) and new not in list(doc.nodes())
    assert w.test_errors == []
