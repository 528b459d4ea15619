"""Edit > Paste Into (Alt+Shift+Ctrl+V) and Paste Outside in the real window: the clipboard's
image as a new layer centred on the selection, masked by it (or by what lies outside it),
the mask unlinked so a Move drag slides the picture behind it; the selection gone; one undo
step; disabled without a selection."""
from __future__ import annotations

import numpy as np
from PySide6.QtGui import QGuiApplication

from editor.model.render import composite_document
from editor.ui.qimage import rgba_to_qimage
from engine.box import Box
from ui_helpers import image_drag, zoomed_photo_window

W, H = 120, 90


def _clip(colour=(20, 200, 40), size=(40, 30)) -> np.ndarray:
    pixels = np.zeros((size[1], size[0], 4), np.uint8)
    pixels[...] = (*colour, 255)
    pixels[:, :5] = (250, 20, 20, 255)  # a red left edge, to see it slide
    QGuiApplication.clipboard().setImage(rgba_to_qimage(pixels))
    return pixels


def test_paste_into_masks_the_new_layer_by_the_selection(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 2.0)
    doc = w.doc
    w.update_actions()
    assert not w.actions["paste_into"].isEnabled()  # (nothing selected)
    _clip()
    doc.set_selection(Box(30, 20, 20, 16))
    w.update_actions()
    before = composite_document(doc).astype(int)
    steps = doc.history.count
    w.actions["paste_into"].trigger()
    assert not w.test_errors
    layer = doc.active
    assert layer.name == "Layer 1" and (layer.x, layer.y) == (20, 13)  # centred on the box
    assert layer.mask is not None and not layer.mask.linked
    assert doc.selection is None and doc.selection_mask is None
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Paste Into"
    after = composite_document(doc).astype(int)
    inside = (slice(20, 36), slice(30, 50))
    assert np.abs(after[inside][..., :3] - (20, 200, 40)).max() <= 1
    outside = np.ones((H, W), bool)
    outside[inside] = False
    assert np.array_equal(after[outside], before[outside])  # the rest as it was
    # The picture slides behind the mask: the red edge comes into the window.
    w.tools.select("move")
    image_drag(qtbot, w.canvas, [(40, 28), (45, 28), (52, 28)])
    assert (layer.x, layer.y) == (32, 13) and (layer.mask.x, layer.mask.y) == (30, 20)
    moved = composite_document(doc).astype(int)
    assert np.abs(moved[28, 33, :3] - (250, 20, 20)).max() <= 1  # red now inside the box
    assert np.array_equal(moved[outside], before[outside])
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer not in list(doc.layers())
    assert doc.selection == Box(30, 20, 20, 16)


def test_paste_outside_shows_the_picture_round_the_selection(qtbot, tmp_path, monkeypatch):
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 2.0)
    doc = w.doc
    _clip(size=(60, 50))
    doc.set_selection(Box(50, 35, 20, 20))
    w.update_actions()
    before = composite_document(doc).astype(int)
    w.actions["paste_outside"].trigger()
    assert not w.test_errors and doc.history.undo_name() == "Paste Outside"
    after = composite_document(doc).astype(int)
    # The layer covers (30, 20)-(90, 70); the selection's box keeps the photo.
    assert np.array_equal(after[35:55, 50:70], before[35:55, 50:70])
    assert np.abs(after[25, 80, :3] - (20, 200, 40)).max() <= 1
    assert np.array_equal(after[:, :30], before[:, :30])  # beyond the layer: the photo


def test_purge_histories_forgets_the_steps_and_keeps_the_picture(qtbot, tmp_path, monkeypatch):
    """Edit > Purge > Histories, after its warning: the undo steps are gone, the picture and
    the unsaved mark stay; Cancel purges nothing; Purge > Clipboard empties the clipboard."""
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 2.0)
    doc = w.doc
    doc.new_layer()
    doc.set_selection(Box(4, 4, 10, 10))
    picture = composite_document(doc).copy()
    asked = []
    answer = [False]
    monkeypatch.setattr("editor.ui.dialogs.ask_purge",
                        lambda parent, what: asked.append(what) or answer[0])
    w.update_actions()
    w.actions["purge_histories"].trigger()
    assert asked and doc.history.can_undo()  # cancelled: nothing purged
    answer[0] = True
    w.actions["purge_histories"].trigger()
    assert not doc.history.can_undo() and doc.modified
    assert np.array_equal(composite_document(doc), picture)
    w.update_actions()
    assert not w.actions["undo"].isEnabled()
    _clip()
    w.actions["purge_clipboard"].trigger()
    assert QGuiApplication.clipboard().image().isNull()
