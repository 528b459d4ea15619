"""The window's side of layers carrying their alpha as a mask and of clipping from the Layers
panel, driven as a user would: Edit > Preferences then Layer > Decompose gives an object whose
matte is a layer mask (the picture unchanged, the edge painted with the Brush, undo), Decompose
Options shows the same choice, Layer Mask > From Transparency, and Alt+click on the line
between two layers clips the upper one (one undo step, the clip cursor on hover)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QDialogButtonBox

from editor.model import Layer
from editor.model.render import composite_document
from ui_helpers import image_drag, make_window, paste_ball_scene, open_photo

SIZE = 128


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def pasted(window, qtbot):
    """A ball photo pasted from the clipboard (it opens as a new document)."""
    rgba, box, truth = paste_ball_scene(window, qtbot, SIZE)
    window.test_scene = (rgba, box)
    return window


def accept_dialog_later(qtbot, name: str, act) -> None:
    """Once the modal dialog `name` shows, `act(dialog)` then OK."""
    def run():
        dialog = next(d for d in QApplication.topLevelWidgets()
                      if d.objectName() == name and d.isVisible())
        act(dialog)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, run)


def test_preference_then_decompose_gives_a_masked_object_paint_and_undo(pasted, qtbot):
    w = pasted
    rgba, box = w.test_scene
    doc = w.doc
    assert not w.settings.alpha_as_mask
    accept_dialog_later(qtbot, "PreferencesDialog",
                        lambda d: d.findChild(QCheckBox, "AlphaAsMask").setChecked(True))
    w.actions["preferences"].trigger()
    assert w.settings.alpha_as_mask
    # Draw the box, Layer > Decompose.
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(box.x, box.y), (box.x + box.w / 2, box.y + box.h / 2),
                                 (box.x1, box.y1)])
    w.actions["decompose"].trigger()  # first the object found, then Enter splits it
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    assert w.test_errors == []
    background, obj = doc.layers()
    assert background.mask is None and obj.mask is not None
    assert (obj.pixels[..., 3] == 255).all() and doc.history.undo_name() == "Decompose"
    err = np.abs(composite_document(doc).astype(int) - rgba)
    assert err.mean() < 1 and np.percentile(err, 99) < 3
    # The Layers panel shows the mask thumbnail; clicking it targets the mask.
    from editor.ui.layers_panel import ARROW_W, EYE_W, MASK_GAP, ROW_H, THUMB

    panel = w.layers_panel
    panel.list.rebuild()
    row = panel.list.row_of(obj)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(EYE_W + ARROW_W + THUMB + MASK_GAP + THUMB // 2,
                            row * ROW_H + ROW_H // 2))
    assert doc.mask_targeted and doc.active is obj
    # Brush in black on the mask over the ball's middle: the background shows there.
    masked = composite_document(doc)
    cx, cy = box.x + box.w // 2, box.y + box.h // 3
    w.tool_actions["brush"].trigger()
    w.tools.current.set_size(8)
    w.tools.current.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 0))
    pixels = obj.pixels.copy()
    image_drag(qtbot, w.canvas, [(cx - 3, cy), (cx, cy), (cx + 3, cy)])
    np.testing.assert_array_equal(obj.pixels, pixels)
    painted = composite_document(doc)
    np.testing.assert_array_equal(painted[cy, cx], background.pixels[cy, cx])
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(composite_document(doc), masked)
    w.actions["undo"].trigger()
    assert len(list(doc.layers())) == 1 and next(doc.layers()).mask is None


def test_decompose_options_share_the_choice(window, qtbot):
    from editor.ui.decompose_commands import DecomposeOptions, DecomposeOptionsDialog

    w = window
    w.settings.alpha_as_mask = True
    dialog = DecomposeOptionsDialog(w, DecomposeOptions.load(w.settings))
    box = dialog.findChild(QCheckBox, "DecomposeAlphaAsMask")
    assert box.isChecked()
    box.setChecked(False)
    chosen = dialog.chosen()
    assert chosen.alpha_as_mask is False
    chosen.save(w.settings)
    assert not w.settings.alpha_as_mask and not DecomposeOptions.load(w.settings).alpha_as_mask
    dialog.close()


def test_mask_from_transparency_in_the_menu(window, qtbot, tmp_path, monkeypatch):
    open_photo(window, qtbot, tmp_path, monkeypatch, 60, 40)
    w, doc = window, window.doc
    layer = next(doc.layers())
    soft = layer.pixels.copy()
    soft[:, :20, 3] = 0
    soft[:, 20:30, 3] = 90
    doc.set_pixels(layer, soft)
    w._refresh_state()
    before = composite_document(doc)
    assert w.actions["mask_from_transparency"] in w.menus["layer_mask"].actions()
    assert w.actions["mask_from_transparency"].isEnabled()
    w.actions["mask_from_transparency"].trigger()
    assert layer.mask is not None and (layer.pixels[..., 3] == 255).all()
    assert np.abs(composite_document(doc).astype(int) - before).max() <= 1
    w._refresh_state()
    assert not w.actions["mask_from_transparency"].isEnabled()  # it has a mask now
    w.actions["undo"].trigger()
    assert layer.mask is None and np.array_equal(layer.pixels, soft)


def test_alt_click_between_two_layers_toggles_clipping(window, qtbot, tmp_path, monkeypatch):
    from editor.ui.layers_panel import EYE_W, ROW_H, clip_cursor

    open_photo(window, qtbot, tmp_path, monkeypatch, 60, 40)
    w, doc = window, window.doc
    base = next(doc.layers())
    red = np.zeros((40, 60, 4), np.uint8)
    red[..., 0] = red[..., 3] = 255
    top = doc.add_layer(Layer("red", red, 0, 0))
    doc.add_layer(Layer("blue", red[..., [2, 1, 0, 3]].copy(), 0, 0))
    panel = w.layers_panel
    panel.list.rebuild()
    rows = [n for n, _ in panel.list.rows]
    assert rows[1] is top and rows[2] is base
    steps = doc.history.count
    line = QPoint(EYE_W + 60, 2 * ROW_H)  # between "red" (row 1) and the photo (row 2)
    # Hovering with Alt shows the clip cursor; without Alt, the plain one.
    alt = Qt.KeyboardModifier.AltModifier
    move = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(line), QPointF(line),
                       Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, alt)
    QApplication.sendEvent(panel.list, move)
    assert panel.list.cursor().pixmap().cacheKey() == clip_cursor().pixmap().cacheKey()
    away = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(line + QPoint(0, ROW_H // 2)),
                       QPointF(line), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, alt)
    QApplication.sendEvent(panel.list, away)
    assert panel.list.cursor().shape() == Qt.CursorShape.ArrowCursor
    # Alt+click on the line: "red" is clipped to the photo, in one undo step.
    active = doc.active
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, alt, line)
    assert top.clipping and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Create Clipping Mask" and doc.active is active
    # Alt+click again releases it; undo clips it again.
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, alt, line)
    assert not top.clipping and doc.history.undo_name() == "Release Clipping Mask"
    w.actions["undo"].trigger()
    assert top.clipping
    w.actions["undo"].trigger()
    assert not top.clipping
    # A plain click there selects a row, clipping nothing; Alt+click under the last row or
    # in the middle of a row clips nothing either.
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, line)
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, alt,
                     QPoint(EYE_W + 60, 3 * ROW_H))
    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton, alt,
                     QPoint(EYE_W + 60, ROW_H + ROW_H // 2))
    assert not any(n.clipping for n in doc.layers())


def test_generate_panel_applies_a_candidate_with_its_alpha_as_mask(window, qtbot):
    from editor.model import Document
    from editor.model.generate_apply import (GeneratedCandidate, Generation, GenerationInput,
                                             GenerateSpec, placement_for)
    from engine.box import Box

    w, panel = window, window.generate_panel
    w.docks["generate"].raise_()
    doc = Document(80, 60)
    doc.add_layer(Layer("bg", np.full((60, 80, 4), 255, np.uint8)))
    session = w.add_session(doc, "gen")
    w.settings.alpha_as_mask = True
    box = Box(10, 10, 40, 40)
    request = GenerationInput(GenerateSpec(prompt="a leaf"), box, box,
                              np.zeros((40, 40, 4), np.uint8), placement_for(doc), box)
    pixels = np.zeros((20, 20, 4), np.uint8)
    pixels[..., 1] = 200
    pixels[5:15, 5:15, 3] = 255
    pixels[4, 5:15, 3] = 100
    candidate = GeneratedCandidate(3, pixels, 20, 20, {"prompt": "a leaf", "seed": 3},
                                   np.zeros((4, 4, 3), np.uint8))
    panel._finished(session, request, Generation([candidate], request.window, "m", "cpu"))
    plain = Document(80, 60)
    plain.add_layer(Layer("bg", np.full((60, 80, 4), 255, np.uint8)))
    plain.add_layer(Layer("leaf", pixels, 20, 20))
    layer = panel.apply()
    assert layer is not None and layer.mask is not None and (layer.pixels[..., 3] == 255).all()
    assert doc.history.undo_name() == "Generate Layer"
    assert np.abs(composite_document(doc).astype(int) - composite_document(plain)).max() <= 1
    w.actions["undo"].trigger()
    assert layer not in list(doc.layers())
