"""Layer > Edit with Text… driven as a user would: paste a photo, paint the subject in Quick Mask,
fill the dialog, watch the phases and previews, get the new layer, undo; cancel; no mark."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from editor.jobs import CANCELLED, FINISHED
from editor.ui.qimage import rgba_to_qimage
from editor.ui.text_edit_commands import TextEditDialog
from engine.testing import tiny
from ui_helpers import image_drag, make_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    import torch

    torch.set_num_threads(1)
    return make_window(qtbot, tmp_path, monkeypatch)


@pytest.fixture
def pasted(window, qtbot):
    """The cat photo pasted from the clipboard (it opens as a new document)."""
    import cv2
    from skimage import data

    photo = cv2.resize(data.chelsea(), (96, 72), interpolation=cv2.INTER_AREA)
    rgba = np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)])
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    window.actions["paste"].trigger()
    qtbot.waitUntil(lambda: window.doc is not None and len(list(window.doc.layers())) == 1)
    return window


def paint_subject(qtbot, w) -> None:
    qtbot.keyClick(w.canvas, Qt.Key.Key_Q)
    w.tools.mode.set_size(14)
    for y in range(20, 56, 6):
        image_drag(qtbot, w.canvas, [(30, y), (50, y), (66, y)])
    qtbot.keyClick(w.canvas, Qt.Key.Key_Q)
    assert w.doc.selection_mask is not None


def fill_dialog(qtbot, steps=(3, 3, 3), subject="a cat jumping", background="in a snowy forest",
                split=False):
    """Fills the open Edit with Text dialog and presses Edit (run from a timer)."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, TextEditDialog)
    if dialog.split.isChecked() != split:
        qtbot.mouseClick(dialog.split, Qt.MouseButton.LeftButton)
    dialog.subject.clear()
    qtbot.keyClicks(dialog.subject, subject)
    dialog.background.clear()
    qtbot.keyClicks(dialog.background, background)
    dialog.embedding_steps.setValue(steps[0])
    dialog.finetune_steps.setValue(steps[1])
    dialog.guidance_steps.setValue(steps[2])
    dialog.model.setEditText(str(tiny.cached_tiny("sd")))
    dialog.resolution.setValue(64)
    assert "Quick Mask" in dialog.mark.text() or "nothing yet" in dialog.mark.text()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def test_edit_with_text_from_the_layer_menu_makes_a_new_layer_in_one_undo_step(pasted, qtbot):
    w = pasted
    doc = w.doc
    assert "edit_with_text" in [a.objectName() for a in w.menus["layer"].actions()]
    photo = next(iter(doc.layers()))
    paint_subject(qtbot, w)
    labels, previews = [], []
    w.jobs.runner.progress.connect(lambda s, t: labels.append(w.jobs.status.label.text()))
    w.jobs.runner.preview.connect(lambda image: previews.append(image))
    QTimer.singleShot(0, lambda: fill_dialog(qtbot))
    job = w.text_edit_commands.edit_with_text()
    assert job is not None
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=120000)
    assert job.state == FINISHED, (job.error, w.test_errors)
    # One bar, the three phases named in the status bar, previews while sampling.
    assert any("Optimising the text embeddings" in t for t in labels)
    assert any("Fine-tuning the model" in t for t in labels)
    assert any("Sampling" in t for t in labels)
    assert previews and all(p.ndim == 3 for p in previews)
    layers = list(doc.layers())
    assert len(layers) == 2 and doc.active is layers[1]
    recipe = layers[1].recipe
    assert (recipe["method"], recipe["subject"], recipe["background"]) == (
        "edit", "a cat jumping", "in a snowy forest")
    assert (recipe["embedding_steps"], recipe["finetune_steps"], recipe["guidance_steps"]) == \
        (3, 3, 3)
    assert doc.history.undo_name() == "Edit with Text"
    w.actions["undo"].trigger()
    assert list(doc.layers()) == [photo]
    # The dialog remembers its fields.
    assert w.settings.value("edit/subject") == "a cat jumping"


def test_cancel_leaves_the_document_as_it_was(pasted, qtbot):
    w = pasted
    doc = w.doc
    paint_subject(qtbot, w)
    count = doc.history.count
    QTimer.singleShot(0, lambda: fill_dialog(qtbot, steps=(400, 3, 3)))
    job = w.text_edit_commands.edit_with_text()
    qtbot.waitUntil(lambda: "Optimising" in w.jobs.status.label.text(), timeout=120000)
    w.jobs.cancel()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    assert job.state == CANCELLED and doc.history.count == count
    assert len(list(doc.layers())) == 1


def test_without_a_mark_the_user_is_told_and_nothing_runs(pasted, qtbot):
    w = pasted
    QTimer.singleShot(0, lambda: fill_dialog(qtbot))
    assert w.text_edit_commands.edit_with_text() is None
    assert w.test_errors and "Mark the subject" in w.test_errors[-1][1]
    assert len(list(w.doc.layers())) == 1


def test_the_split_checkbox_makes_subject_and_background_layers_in_one_undo_step(pasted, qtbot):
    w = pasted
    doc = w.doc
    photo = next(iter(doc.layers()))
    paint_subject(qtbot, w)
    QTimer.singleShot(0, lambda: fill_dialog(qtbot, steps=(2, 2, 2), split=True))
    job = w.text_edit_commands.edit_with_text()
    assert job is not None
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=120000)
    assert job.state == FINISHED, (job.error, w.test_errors)
    layers = list(doc.layers())
    assert len(layers) == 3 and layers[0] is photo and doc.active is layers[2]
    assert layers[1].name.endswith(" background") and layers[2].name.endswith(" subject")
    assert [n.recipe["subject"] for n in layers[1:]] == ["a cat jumping"] * 2
    assert doc.history.undo_name() == "Edit with Text"
    w.actions["undo"].trigger()
    assert list(doc.layers()) == [photo]
    assert w.settings.value("edit/split", False, bool) is True
