"""Edit > Fill > Content-Aware: the model operation headless, and the editor's job as a user runs it."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from editor.jobs import FINISHED
from editor.model import Document
from editor.model.content_fill import content_aware_fill_layer
from editor.model.errors import DocumentError
from editor.ui.qimage import rgba_to_qimage
from engine.box import Box
from engine.methods.decompose_steps.fill import pyramid_fill
from ui_helpers import make_window, status_room


def tiles_rgba(h=96, w=112):
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    t = 0.5 + 0.4 * np.sin(xx * 2 * np.pi / 11) * np.sin(yy * 2 * np.pi / 13)
    rgb = np.dstack([t, 0.8 * t, 1.0 - t])
    rgba = np.dstack([np.clip(np.rint(rgb * 255), 0, 255), np.full((h, w), 255)]).astype(np.uint8)
    return rgba


def test_fills_the_selection_in_one_undo_step_and_nothing_else():
    rgba = tiles_rgba()
    damaged = rgba.copy()
    damaged[30:70, 35:80, :3] = (255, 0, 255)       # a magenta object to remove
    doc = Document(112, 96)
    layer = doc.add_image(damaged, "Photo", 0, 0)
    doc.set_selection(Box(33, 28, 50, 44))
    before = doc.history.count
    content_aware_fill_layer(doc)
    assert doc.history.count == before + 1 and doc.history.undo_name() == "Content-Aware Fill"
    sel = np.zeros((96, 112), bool)
    sel[28:72, 33:83] = True
    assert np.array_equal(layer.pixels[~sel], damaged[~sel])
    err = np.abs(layer.pixels[sel][:, :3].astype(int) - rgba[sel][:, :3]).mean()
    smooth = pyramid_fill(damaged[..., :3].astype(np.float32), (~sel).astype(np.float32))
    smooth_err = np.abs(smooth[sel] - rgba[sel][:, :3]).mean()
    assert err < 0.4 * smooth_err   # the pattern goes on across the hole; magenta is gone
    doc.history.undo()
    assert np.array_equal(layer.pixels, damaged)


def test_without_a_selection_it_says_what_to_do():
    doc = Document(112, 96)
    doc.add_image(tiles_rgba(), "Photo", 0, 0)
    with pytest.raises(DocumentError, match="Select the area to fill"):
        content_aware_fill_layer(doc)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


def paste_damaged_tiles(qtbot, w):
    """Pastes the tiles with a magenta hole as a new document and selects round the hole;
    returns the document, its layer and the pixels pasted."""
    damaged = tiles_rgba()
    damaged[30:70, 35:80, :3] = (255, 0, 255)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(damaged))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    doc = w.doc
    (layer,) = doc.layers()
    doc.set_selection(Box(33, 28, 50, 44))
    return doc, layer, damaged


def fill_content_aware(w) -> None:
    """Edit > Fill…, Contents: Content-Aware, OK."""
    def accept_dialog():
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "FillDialog"
        dialog.contents.setCurrentIndex(dialog.contents.findData("content_aware"))
        dialog.accept()

    QTimer.singleShot(0, accept_dialog)
    w.actions["fill"].trigger()


def test_edit_fill_content_aware_runs_as_a_job_and_is_one_undo_step(window, qtbot):
    w = window
    doc, layer, damaged = paste_damaged_tiles(qtbot, w)
    count = doc.history.count
    started = []
    w.jobs.job_started.connect(started.append)
    assert w.actions["fill"].shortcut().toString() == "Shift+F5"
    fill_content_aware(w)
    qtbot.waitUntil(lambda: bool(started) and not w.jobs.busy, timeout=60000)
    assert started[0].name == "Content-Aware Fill" and started[0].state == FINISHED
    assert w.test_errors == []
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Content-Aware Fill"
    assert not (layer.pixels[..., :3] == (255, 0, 255)).all(axis=2).any()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, damaged)
    # Shift+F5 again opens with Content-Aware chosen (as Photoshop remembers it): Enter fills.
    shown = []

    def look():
        dialog = QApplication.activeModalWidget()
        shown.append(dialog.contents.currentData())
        dialog.reject()

    QTimer.singleShot(0, look)
    w.actions["fill"].trigger()
    assert shown == ["content_aware"]


def paste_two_balls(w, qtbot):
    """A red and a blue ball on a grainy ground, pasted: (rgba, the balls' alphas)."""
    from _decompose_scenes import disc_alpha, ground

    size = 128
    img = ground(size, size, 3, grain=0.04)
    alphas = [disc_alpha(size, size, 40, 36, 20), disc_alpha(size, size, 84, 90, 22)]
    for a, c in zip(alphas, ((0.85, 0.15, 0.1), (0.1, 0.25, 0.85))):
        img = a[..., None] * np.array(c, np.float32) + (1 - a[..., None]) * img
    rgba = np.dstack([np.clip(np.rint(img * 255), 0, 255), np.full((size, size), 255)]).astype(np.uint8)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    return rgba, alphas


@pytest.mark.parametrize("mark", ["painted", "select all"])
def test_decompose_into_layers_gives_one_layer_per_painted_region(window, qtbot, mark):
    """One object layer per painted region; with all selected (nothing in particular
    marked) one per object found."""
    from editor.model import commands as cmds
    from editor.model.render import composite_document

    w = window
    rgba, alphas = paste_two_balls(w, qtbot)
    doc = w.doc
    if mark == "painted":
        painted = np.zeros(rgba.shape[:2], np.uint8)
        for a in alphas:
            painted[a > 0.3] = 255                 # paint roughly over each ball
        doc.history.push(cmds.SetSelectionMask(painted))
    else:
        w.actions["select_all"].trigger()
    assert "Decompose into &Layers" in [a.text() for a in w.menus["layer"].actions()]
    w.actions["decompose_layers"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and len(list(doc.layers())) > 1, timeout=60000)
    assert w.test_errors == []
    layers = list(doc.layers())
    assert [layer.name for layer in layers[1:]] == ["Object 2", "Object"]
    for a in alphas:  # each ball is in an object layer of its own
        held = [((lay.pixels[..., 3] > 127) & (a[lay.y:lay.y + lay.height,
                                                  lay.x:lay.x + lay.width] > 0.5)).sum()
                for lay in layers[1:]]
        assert max(held) > 0.8 * (a > 0.5).sum() and min(held) < 0.1 * (a > 0.5).sum()
    assert doc.history.undo_name() == "Decompose"
    assert np.abs(composite_document(doc).astype(int) - rgba).max() <= 1
    text = w.statusBar().currentMessage()
    assert "Split 'Object', 'Object 2' from" in text and "give back the picture exactly" in text
    # Objects the user did not mark are said to be found, as with Decompose.
    found = text.startswith("Box around all: took the objects found.")
    assert found == (mark != "painted")
    # Read to its end in a 1200-pixel window (the reason in front pushed it past the edge).
    assert w.statusBar().fontMetrics().horizontalAdvance(text) <= status_room(w)


def test_select_object_shows_the_proposal_and_strokes_correct_it_before_the_split(window, qtbot):
    from _decompose_scenes import disc_alpha, ground
    from editor.model import commands as cmds
    from editor.model.render import composite_document
    from editor.ui.quick_mask import QuickMaskMode

    w = window
    size = 128
    img = ground(size, size, 3, grain=0.04)
    ball = disc_alpha(size, size, 60, 60, 24)
    img = ball[..., None] * np.array((0.85, 0.15, 0.1), np.float32) + (1 - ball[..., None]) * img
    rgba = np.dstack([np.clip(np.rint(img * 255), 0, 255), np.full((size, size), 255)]).astype(np.uint8)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    doc = w.doc
    doc.set_selection(Box(28, 28, 64, 64))
    assert w.actions["select_object"] in w.menus["select"].actions()
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    assert w.test_errors == [] and len(list(doc.layers())) == 1       # nothing split yet
    proposed = doc.selection_mask >= 128
    truth = ball > 0.5
    assert (proposed & truth).sum() / (proposed | truth).sum() > 0.85
    assert isinstance(w.tools.mode, QuickMaskMode)                  # shown as a tinted mask
    # The user erases the ball's top third from the mask (Alt+paint), then decomposes.
    corrected = doc.selection_mask.copy()
    corrected[:44] = 0
    doc.history.push(cmds.SetSelectionMask(corrected, "Quick Mask"))
    w.actions["decompose"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and len(list(doc.layers())) == 2, timeout=60000)
    background, obj = doc.layers()
    alpha = np.zeros((size, size), np.uint8)
    alpha[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width] = obj.pixels[..., 3]
    # Gone where erased; kept as proposed away from the stroke (a stroke reaches only nearby).
    assert alpha[:40].max() == 0 and (alpha[68:84] > 250).sum() > 0.85 * truth[68:84].sum()
    assert np.abs(composite_document(doc).astype(int) - rgba).max() <= 1
