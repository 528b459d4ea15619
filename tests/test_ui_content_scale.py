"""Edit > Content-Aware Scale… through the window: the dialog's preview, OK as one undo
step that Undo takes back exactly, Cancel leaving the layer as it was, Protect listing
the alpha channels."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

from editor.model import channels, content_scale
from editor.ui.qimage import rgba_to_qimage
from engine.box import Box
from test_content_scale import found, two_objects
from job_gate import Gate, press_esc
from ui_helpers import in_modal_dialog, make_window


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    img, _ = two_objects()
    QGuiApplication.clipboard().setImage(rgba_to_qimage(img))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    w.test_image = img
    return w


def test_ok_scales_in_one_undo_step_and_undo_restores(window, qtbot):
    w = window
    img = w.test_image
    doc = w.doc
    (layer,) = doc.layers()
    action = w.actions["content_aware_scale"]
    assert action.shortcut().toString() == "Ctrl+Alt+Shift+C"
    assert action in w.menus["edit"].actions()
    count = doc.history.count

    def drive(dialog, seen):
        seen["before"] = dialog.preview.pixmap().width()
        dialog.width_pct.setValue(75)
        qtbot.waitUntil(lambda: dialog.preview.pixmap().width() < seen["before"])
        seen["after"] = dialog.preview.pixmap().width()
        seen["size"] = dialog.size_label.text()
        assert np.array_equal(layer.pixels, img)  # the preview does not touch the layer

    seen = in_modal_dialog(qtbot, action.trigger, drive, "ContentScaleDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert seen["before"] == 200 and seen["after"] == 150 and "150 × 120" in seen["size"]
    assert w.test_errors == []
    assert layer.pixels.shape == (120, 150, 4)
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Content-Aware Scale"
    assert len(found(layer.pixels, img[30:90, 20:60], slice(30, 90))) == 1
    assert len(found(layer.pixels, img[40:81, 140:181], slice(40, 81))) == 1
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, img) and (layer.x, layer.y) == (0, 0)


def test_cancel_changes_nothing(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    count = doc.history.count

    def drive(dialog, seen):
        dialog.width_pct.setValue(60)
        dialog.height_pct.setValue(140)
        dialog.update_preview()
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, drive,
                    "ContentScaleDialog")
    assert np.array_equal(layer.pixels, w.test_image)
    assert doc.history.count == count


def test_protect_lists_alpha_channels_and_enlarging_works(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    doc.set_selection(Box(20, 30, 40, 60))
    channel = channels.save_selection(doc, name="Keep")
    doc.set_selection(None)

    def drive(dialog, seen):
        seen["items"] = [dialog.protect.itemText(i) for i in range(dialog.protect.count())]
        dialog.protect.setCurrentIndex(dialog.protect.findData(channel.uid))
        dialog.skin.setChecked(True)
        dialog.width_pct.setValue(125)

    seen = in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, drive,
                           "ContentScaleDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert seen["items"] == ["None", "Keep"]
    assert layer.pixels.shape == (120, 250, 4)
    assert len(found(layer.pixels, w.test_image[30:90, 20:60], slice(30, 90))) == 1


def test_with_a_selection_the_dialog_scales_its_content(window, qtbot):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    img = w.test_image
    doc.set_selection(Box(0, 0, 100, 120))

    def drive(dialog, seen):
        dialog.width_pct.setValue(70)
        dialog.update_preview()
        seen["size"] = dialog.size_label.text()
        seen["preview"] = dialog.preview.pixmap().width()

    seen = in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, drive,
                           "ContentScaleDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert "100 × 120 px" in seen["size"] and "70 × 120 px" in seen["size"]
    assert seen["preview"] == 70
    assert np.array_equal(layer.pixels[:, 100:], img[:, 100:])
    assert len(found(layer.pixels[:, :70], img[30:90, 20:60], slice(30, 90))) == 1
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, img)


def test_esc_closes_the_dialog_and_changes_nothing(window, qtbot):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    w = window
    doc = w.doc
    (layer,) = doc.layers()
    count = doc.history.count
    seen = []

    def press_esc():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog.objectName())
        dialog.width_pct.setValue(50)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, press_esc)
    w.actions["content_aware_scale"].trigger()
    assert seen == ["ContentScaleDialog"]
    assert np.array_equal(layer.pixels, w.test_image) and doc.history.count == count


def narrow(dialog, seen):
    dialog.width_pct.setValue(75)


def test_ok_scales_as_a_job_off_the_gui_thread(window, qtbot, monkeypatch):
    """The carving (seconds on a 12 Mpx photo) is a job: the status bar shows it with its
    Cancel, the layer stays as it was until it ends, then changes in one undo step."""
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    count = doc.history.count
    gate = Gate(monkeypatch, content_scale, "scaled_pixels")
    in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, narrow,
                    "ContentScaleDialog")
    job = gate.running_job(qtbot, w)
    assert job is not None and job.name == "Content-Aware Scale" and w.jobs.busy
    assert w.jobs.status.isVisible() and w.jobs.cancel_action.isEnabled()
    assert np.array_equal(layer.pixels, w.test_image) and doc.history.count == count
    gate.open()
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert layer.pixels.shape == (120, 150, 4) and w.test_errors == []
    assert doc.history.count == count + 1 and doc.history.undo_name() == "Content-Aware Scale"
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, w.test_image)


def test_cancelling_the_job_leaves_the_layer_bit_identical(window, qtbot, monkeypatch):
    from PySide6.QtCore import Qt

    w = window
    doc = w.doc
    (layer,) = doc.layers()
    count, index = doc.history.count, doc.history.index
    for how in ("esc", "button"):
        gate = Gate(monkeypatch, content_scale, "scaled_pixels")
        in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, narrow,
                        "ContentScaleDialog")
        job = gate.running_job(qtbot, w)
        if how == "esc":
            press_esc(qtbot, w)
        else:
            qtbot.mouseClick(w.jobs.status.cancel_button, Qt.MouseButton.LeftButton)
        assert job.token.cancelled
        gate.open()
        qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
        assert np.array_equal(layer.pixels, w.test_image) and (layer.x, layer.y) == (0, 0)
        assert (doc.history.count, doc.history.index) == (count, index)
        assert w.statusBar().currentMessage() == "Content-Aware Scale cancelled."
    assert w.test_errors == []


def test_a_failure_is_one_readable_line_and_changes_nothing(window, qtbot, monkeypatch):
    w = window
    doc = w.doc
    (layer,) = doc.layers()
    count = doc.history.count
    real = content_scale.scaled_pixels

    def fails(pixels, *args, **kwargs):
        if threading.current_thread() is not threading.main_thread():  # (the job's carving;
            raise MemoryError()                                         # the preview works)
        return real(pixels, *args, **kwargs)

    monkeypatch.setattr(content_scale, "scaled_pixels", fails)
    in_modal_dialog(qtbot, w.actions["content_aware_scale"].trigger, narrow,
                    "ContentScaleDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=10000)
    assert np.array_equal(layer.pixels, w.test_image) and doc.history.count == count
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert title == "Could not scale" and message
    assert "\n" not in message and "Traceback" not in message
