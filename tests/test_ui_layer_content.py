"""Layer > Change Layer Content driven through the window: a Solid Color shape layer turned
into a Gradient (the Gradient Fill dialog asked from the foreground to the background
colour; the shape still cuts it out), a Levels layer into Curves (its name, mask, opacity,
blend mode and clipping kept), each one undo step that puts the old layer back as it was;
greyed for pixel layers; Cancel changes nothing; the new kind saved and read back (PSD)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from editor.model import AdjustmentLayer, FillLayer
from editor.model import adjustments as adj, adjustment_ops
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from editor.ui.curve_graph import CurveGraph
from test_ui_adjustments import editor_widget
from ui_helpers import image_drag, screen, zoomed_photo_window

W, H = 96, 64
TEAL = (20, 160, 150)


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 4.0)


def content_texts(window) -> list[str]:
    return [a.text().replace("&", "") for a in window.menus["change_content"].actions()
            if not a.isSeparator()]


def test_shape_layer_from_solid_color_to_gradient_keeps_its_shape(opened, qtbot, tmp_path,
                                                                   monkeypatch):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.set_foreground(QColor(*TEAL))
    qtbot.keyClick(canvas, Qt.Key.Key_U)
    w.tools.current.set_shape("rectangle")
    image_drag(qtbot, canvas, [(20, 10), (40, 25), (70, 40)])
    shape = doc.active
    doc.set_opacity(shape, 230)
    w.update_actions()
    assert w.menus["change_content"].menuAction() in w.menus["layer"].actions()
    assert content_texts(w) == ["Solid Color…", "Gradient…", "Pattern…", "Brightness/Contrast…",
                                "Levels…", "Curves…", "Hue/Saturation…", "Color Balance…",
                                "Exposure…", "Vibrance…", "Black  White…", "Photo Filter…",
                                "Channel Mixer…", "Color Lookup…", "Invert…", "Posterize…",
                                "Threshold…",
                                "Gradient Map…", "Selective Color…"]
    assert not w.actions["change_content_solid_color"].isEnabled()  # what it already is
    assert w.actions["change_content_gradient_fill"].isEnabled()
    teal_shown = screen(w)
    steps, index, vector = doc.history.count, shape.index(), shape.vector_mask
    w.set_foreground(QColor(0, 0, 0))
    w.set_background(QColor(255, 255, 255))
    asked = []

    def ask_gradient(parent, start, preview):
        asked.append(start)
        return start  # OK on the defaults

    monkeypatch.setattr("editor.ui.dialogs.ask_gradient", ask_gradient)
    w.actions["change_content_gradient_fill"].trigger()
    assert w.test_errors == []
    layer = doc.active
    assert isinstance(layer, FillLayer) and layer is not shape
    assert isinstance(layer.settings, adj.GradientFill)
    assert asked[0].stops == ((0.0, (0, 0, 0)), (100.0, (255, 255, 255)))  # fg -> bg
    assert layer.name == "Rectangle 1"  # not the Solid Color default name: kept
    assert layer.vector_mask is vector and layer.opacity == 230 and layer.index() == index
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Change Layer Content"
    shown = screen(w)
    inside, outside = shown[12:39, 22:69], shown[:8]
    grey = (np.abs(inside - inside.mean(axis=-1, keepdims=True)) <= 30).all(axis=-1)
    assert grey.all()  # the gradient (230/255 over the photo), no longer teal
    assert abs(inside[0].mean() - inside[-1].mean()) > 40  # a ramp across the shape
    np.testing.assert_array_equal(outside, teal_shown[:8])  # the shape still cuts it out
    w.update_actions()
    assert w.actions["change_content_solid_color"].isEnabled()
    w.actions["undo"].trigger()
    assert doc.active is shape and shape.index() == index and not doc.contains(layer)
    assert shape.settings.color == TEAL and shape.vector_mask is vector
    np.testing.assert_array_equal(screen(w), teal_shown)
    w.actions["redo"].trigger()
    np.testing.assert_array_equal(screen(w), shown)
    save_document(doc, tmp_path / "content.psd")
    again = open_document(tmp_path / "content.psd")
    reread = again.find_by_name("Rectangle 1")
    assert isinstance(reread, FillLayer) and reread.settings.stops == layer.settings.stops
    assert reread.vector_mask is not None and reread.opacity == 230
    np.testing.assert_allclose(composite_document(again), composite_document(doc), atol=2)


def test_levels_to_curves_keeps_mask_clipping_blend_and_undoes_exactly(opened, qtbot, tmp_path):
    w, doc = opened, opened.doc
    photo_layer = doc.active
    w.update_actions()
    assert not any(w.actions[f"change_content_{k}"].isEnabled()
                   for k in [*adj.KINDS, *adj.FILL_KINDS])  # greyed for a pixel layer
    w.actions["adjustment_levels"].trigger()
    levels = doc.active
    assert levels.name == "Levels 1"
    adjustment_ops.set_settings(doc, levels, adj.Levels(rgb=(40, 200, 1.0, 0, 255)))
    doc.set_blend_mode(levels, "multiply")
    doc.set_opacity(levels, 200)
    levels.mask.pixels[:, :10] = 0
    doc._set_attr(levels, "clipping", True)
    before = screen(w)
    steps, mask = doc.history.count, levels.mask
    w.actions["change_content_curves"].trigger()
    assert w.test_errors == []
    curves = doc.active
    assert isinstance(curves, AdjustmentLayer) and not isinstance(curves, FillLayer)
    assert curves.settings == adj.Curves()  # from its defaults
    assert curves.name == "Curves 1"  # the old kind's default name: the new kind's
    assert (curves.blend_mode, curves.opacity, curves.clipping) == ("multiply", 200, True)
    assert np.array_equal(curves.mask.pixels, mask.pixels) and curves.mask is not mask
    assert curves.parent is photo_layer.parent and curves.index() == photo_layer.index() + 1
    assert doc.history.count == steps + 1
    # Its editor is the Properties panel's, as after New Adjustment Layer > Curves.
    assert editor_widget(w, CurveGraph, "Adjust_Curve").points == adj.CURVE_IDENTITY
    # Identity curves, multiplied at 200/255 where the mask shows it: not the Levels look.
    changed = screen(w)
    assert not np.array_equal(changed, before)
    w.actions["undo"].trigger()
    assert doc.active is levels and levels.mask is mask and doc.contains(levels)
    assert levels.settings == adj.Levels(rgb=(40, 200, 1.0, 0, 255))
    np.testing.assert_array_equal(screen(w), before)
    w.actions["redo"].trigger()
    save_document(doc, tmp_path / "curves.psd")
    again = open_document(tmp_path / "curves.psd")
    reread = again.find_by_name("Curves 1")
    assert isinstance(reread, AdjustmentLayer) and reread.settings == adj.Curves()
    assert (reread.blend_mode, reread.opacity) == ("multiply", 200)


def test_solid_color_cancelled_changes_nothing(opened, monkeypatch):
    w, doc = opened, opened.doc
    w.actions["adjustment_exposure"].trigger()
    layer = doc.active
    steps = doc.history.count
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: None)
    w.actions["change_content_solid_color"].trigger()
    assert doc.active is layer and doc.history.count == steps
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a, **k: QColor(*TEAL))
    w.actions["change_content_solid_color"].trigger()
    fill = doc.active
    assert isinstance(fill, FillLayer) and fill.settings.color == TEAL
    assert fill.name == "Color Fill 1" and fill.mask is not None
    assert (screen(w) == TEAL).all()
