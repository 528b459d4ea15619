"""Edit > Content-Aware Fill…: the workspace through the real window (sampling brush,
live preview, Output To, OK one undo step, Cancel nothing)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QTimer, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from editor.ui.qimage import rgba_to_qimage
from engine.box import Box
from ui_helpers import drag, make_window

W, H = 160, 120


def two_colour_rgba():
    """Red on the left half, blue on the right, a little grain."""
    rng = np.random.default_rng(1)
    rgb = np.zeros((H, W, 3), np.float32)
    rgb[:, : W // 2] = (0.85, 0.15, 0.1)
    rgb[:, W // 2:] = (0.1, 0.2, 0.85)
    rgb += rng.normal(0, 0.03, (H, W, 1)).astype(np.float32)
    return np.dstack([np.clip(np.rint(rgb * 255), 0, 255), np.full((H, W), 255)]).astype(np.uint8)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


def paste_with_selection(w, qtbot):
    rgba = two_colour_rgba()
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    w.doc.set_selection(Box(60, 40, 40, 40))     # straddles the boundary at x = 80
    return w.doc, w.doc.active, rgba


def workspace(w, qtbot, act):
    """Opens Edit > Content-Aware Fill… and runs `act(dialog)` inside it."""
    seen = []

    def inside():
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "ContentFillWorkspace"
        seen.append(dialog)
        act(dialog)

    QTimer.singleShot(0, inside)
    w.actions["content_aware_fill"].trigger()
    assert seen, "the workspace did not open"
    return seen[0]


def paint_red_sampling(dialog, qtbot):
    """Sampling Area: Custom (empty), then the brush over the red half, away from the hole."""
    dialog.sampling.setCurrentIndex(dialog.sampling.findData("custom"))
    dialog.brush_size.setValue(20)
    s = dialog.scale
    for y in (10, 30, 50, 70, 90, 110):
        drag(qtbot, dialog.view, [QPoint(round(4 * s), round(y * s)), QPoint(round(30 * s), round(y * s)),
                                  QPoint(round(54 * s), round(y * s))])


def hole_red_fraction(rgba, box=(40, 80, 60, 100)):
    y0, y1, x0, x1 = box
    part = rgba[y0:y1, x0:x1].astype(int)
    return float((part[..., 0] > part[..., 2]).mean())


def test_workspace_sampling_brush_preview_and_new_layer_in_one_undo_step(window, qtbot):
    w = window
    doc, layer, rgba = paste_with_selection(w, qtbot)
    assert w.actions["content_aware_fill"] in w.menus["edit"].actions()
    count = doc.history.count
    fractions = []

    def act(dialog):
        qtbot.waitUntil(lambda: dialog.previews >= 1, timeout=60000)
        # Auto samples round the whole hole: both colours (the hole is half of each).
        assert dialog.area[:, :80].any() and dialog.area[:, 80:].any()
        fractions.append(hole_red_fraction(dialog.preview_rgba))
        dialog.color.setCurrentIndex(dialog.color.findData("none"))
        paint_red_sampling(dialog, qtbot)
        assert dialog.area.any() and not dialog.area[:, 80:].any()   # only the red half
        shown = dialog.previews
        qtbot.waitUntil(lambda: dialog.previews > shown and not dialog._running
                        and not dialog._pending and not dialog._timer.isActive(), timeout=60000)
        fractions.append(hole_red_fraction(dialog.preview_rgba))
        assert doc.history.count == count                      # nothing done yet
        dialog.output.setCurrentIndex(dialog.output.findData("new"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    workspace(w, qtbot, act)
    assert fractions[0] < 0.8 and fractions[1] > 0.95          # the preview turned red
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.history.count == count + 1, timeout=60000)
    assert w.test_errors == []
    assert doc.history.undo_name() == "Content-Aware Fill"
    assert np.array_equal(layer.pixels, rgba)                  # the photo is untouched
    background, filled = doc.layers()
    assert background is layer
    full = np.zeros((H, W, 4), np.uint8)
    full[filled.y:filled.y + filled.height, filled.x:filled.x + filled.width] = filled.pixels
    assert (full[40:80, 60:100, 3] == 255).all() and full[:30, :, 3].max() == 0
    assert hole_red_fraction(full) > 0.95                       # red, also where it was blue
    w.actions["undo"].trigger()
    assert list(doc.layers()) == [layer] and doc.history.undo_name() != "Content-Aware Fill"


def test_cancel_changes_nothing(window, qtbot):
    w = window
    doc, layer, rgba = paste_with_selection(w, qtbot)
    count = doc.history.count

    def act(dialog):
        paint_red_sampling(dialog, qtbot)
        qtbot.waitUntil(lambda: dialog.previews >= 1, timeout=60000)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    workspace(w, qtbot, act)
    qtbot.wait(50)
    assert not w.jobs.busy and doc.history.count == count
    assert np.array_equal(layer.pixels, rgba) and list(doc.layers()) == [layer]


def test_without_a_selection_it_says_what_to_do(window, qtbot):
    w = window
    doc, layer, rgba = paste_with_selection(w, qtbot)
    w.actions["deselect"].trigger()
    w.actions["content_aware_fill"].trigger()
    assert len(w.test_errors) == 1 and "Select the area to fill" in w.test_errors[0][1]
    assert QApplication.activeModalWidget() is None


def stripes_rgba():
    """Horizontal stripes on the left third, stripes at 45 degrees elsewhere."""
    yy, xx = np.mgrid[:H, :W].astype(np.float32)
    diagonal = 0.5 + 0.4 * np.sin(2 * np.pi * (yy + xx) / np.sqrt(2) / 8)
    v = np.where(xx < 64, 0.5 + 0.4 * np.sin(2 * np.pi * yy / 8), diagonal)
    rgb = np.dstack([v, 0.8 * v + 0.1, 1 - v])
    return np.dstack([np.clip(np.rint(rgb * 255), 0, 255), np.full((H, W), 255)]).astype(np.uint8)


def test_rotation_adaptation_scale_and_mirror_drive_the_preview_and_the_fill(window, qtbot):
    """The only picture to copy from (a Custom sampling area painted over the left third)
    holds the stripes horizontal; the hole lies in diagonal ones. With Rotation
    Adaptation Medium the preview and the fill turn the copies to match."""
    w = window
    rgba = stripes_rgba()
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    doc, layer = w.doc, w.doc.active
    doc.set_selection(Box(100, 40, 32, 32))
    count = doc.history.count
    errors, jobs = [], []

    def settled(dialog, shown):
        qtbot.waitUntil(lambda: dialog.previews > shown and not dialog._running
                        and not dialog._pending and not dialog._timer.isActive(), timeout=60000)

    def error(view):
        return float(np.abs(view[40:72, 100:132, :3].astype(int) - rgba[40:72, 100:132, :3]).mean())

    def act(dialog):
        assert [dialog.rotation.itemText(i) for i in range(dialog.rotation.count())] == \
            ["None", "Low", "Medium", "High", "Full"]
        assert dialog.rotation.currentData() == "none"
        assert not dialog.scale_box.isChecked() and not dialog.mirror.isChecked()
        qtbot.waitUntil(lambda: dialog.previews >= 1, timeout=60000)
        dialog.sampling.setCurrentIndex(dialog.sampling.findData("custom"))
        dialog.brush_size.setValue(16)
        s = dialog.scale
        for y in range(8, H, 16):
            drag(qtbot, dialog.view, [QPoint(round(4 * s), round(y * s)),
                                      QPoint(round(40 * s), round(y * s))])
        assert dialog.area.any() and not dialog.area[:, 60:].any()
        settled(dialog, dialog.previews - 1 if dialog._running else dialog.previews)
        errors.append(error(dialog.preview_rgba))
        shown = dialog.previews
        dialog.rotation.setCurrentIndex(dialog.rotation.findData("medium"))
        settled(dialog, shown)
        errors.append(error(dialog.preview_rgba))
        # Scale and Mirror reach the job and start a new preview too.
        shown = dialog.previews
        dialog.scale_box.click()
        dialog.mirror.click()
        settled(dialog, shown)
        job = dialog.options_job()
        assert (job.rotation, job.scale, job.mirror) == ("medium", True, True)
        dialog.scale_box.click()
        dialog.mirror.click()
        jobs.append(dialog.options_job())
        assert doc.history.count == count                      # nothing done yet
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    workspace(w, qtbot, act)
    assert errors[0] > 60 and errors[1] < 0.5 * errors[0]      # the preview turned the copies
    assert (jobs[0].rotation, jobs[0].scale, jobs[0].mirror) == ("medium", False, False)
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.history.count == count + 1, timeout=60000)
    assert w.test_errors == [] and doc.history.undo_name() == "Content-Aware Fill"
    assert error(layer.pixels) < 0.5 * errors[0]
    assert np.array_equal(np.delete(layer.pixels[40:72], np.s_[100:132], 1),
                          np.delete(rgba[40:72], np.s_[100:132], 1))   # only the selection
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, rgba)
