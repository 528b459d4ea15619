"""The window's job UI: status bar progress and Cancel (Esc), canvas previews, one failure dialog."""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from editor.jobs import CANCELLED, FAILED, FINISHED, Job
from editor.model import Document
from editor.model.errors import DocumentError
from editor.ui.job_ui import PREVIEW_OVERLAY
from engine.box import Box
from engine.errors import OutOfMemory
from ui_helpers import make_window


def window_with_doc(qtbot, tmp_path, monkeypatch, size=(200, 150)):
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(*size)
    doc.add_image(np.full((size[1], size[0], 4), (200, 200, 200, 255), np.uint8), "Background", 0, 0)
    doc.history.mark_clean()
    w.add_session(doc, "t")
    w.canvas.actual_pixels()
    return w, doc


def gated_job(gate: threading.Event, steps=3, name="Paint", preview=(255, 0, 0), **callbacks):
    """A job that reports `steps` steps with a red 4x4 preview, then waits for `gate`."""

    def run(progress):
        for i in range(1, steps + 1):
            progress(i, steps + 1, np.full((4, 4, 3), preview, np.uint8))
        gate.wait(10)
        progress(steps + 1, steps + 1)
        return "result"

    return Job(name, run, **callbacks)


def pixel(canvas, x, y) -> QColor:
    canvas.repaint()
    image = canvas.grab().toImage()
    p = canvas.image_to_widget(QPointF(x, y))
    return QColor(image.pixel(int(p.x() * image.devicePixelRatio()), int(p.y() * image.devicePixelRatio())))


def test_status_bar_shows_progress_and_the_preview_is_drawn_in_its_box(qtbot, tmp_path, monkeypatch):
    w, doc = window_with_doc(qtbot, tmp_path, monkeypatch)
    gate, applied = threading.Event(), []
    status = w.jobs.status
    assert not status.isVisible() and not w.jobs.cancel_action.isEnabled()
    job = w.jobs.submit(gated_job(gate, on_finished=applied.append), canvas=w.canvas,
                        preview_box=Box(50, 40, 60, 50))
    qtbot.waitUntil(lambda: status.bar.value() == 3, timeout=5000)
    assert status.isVisible() and w.jobs.cancel_action.isEnabled()
    assert status.label.text() == "Paint · step 3 of 4" and status.bar.maximum() == 4
    overlay = w.canvas.overlay(PREVIEW_OVERLAY)
    assert overlay is not None and overlay.box == Box(50, 40, 60, 50) and overlay.frame
    # Drawn on the canvas inside the box, scaled up; the document itself is untouched.
    assert pixel(w.canvas, 80, 65).getRgb()[:3] == (255, 0, 0)
    assert pixel(w.canvas, 20, 20).getRgb()[:3] == (200, 200, 200)
    assert [layer.name for layer in doc.layers()] == ["Background"] and not doc.modified
    gate.set()
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=5000)
    assert applied == ["result"]
    assert w.canvas.overlay(PREVIEW_OVERLAY) is None and not status.isVisible()
    assert not w.jobs.cancel_action.isEnabled()
    assert pixel(w.canvas, 80, 65).getRgb()[:3] == (200, 200, 200)


def test_cancel_button_and_esc_stop_the_job_and_change_nothing(qtbot, tmp_path, monkeypatch):
    w, doc = window_with_doc(qtbot, tmp_path, monkeypatch)
    applied = []

    def apply(_result):
        applied.append(doc.add_image(np.zeros((4, 4, 4), np.uint8), "must not appear"))

    for how in ("button", "esc"):
        gate = threading.Event()
        job = w.jobs.submit(gated_job(gate, on_finished=apply), canvas=w.canvas,
                            preview_box=Box(0, 0, 50, 50))
        qtbot.waitUntil(lambda: w.jobs.current is job and w.jobs.status.bar.value() == 3,
                        timeout=5000)
        if how == "button":
            qtbot.mouseClick(w.jobs.status.cancel_button, Qt.MouseButton.LeftButton)
        else:
            w.canvas.setFocus()
            qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
        assert "cancelling" in w.jobs.status.label.text()
        gate.set()
        qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=5000)
        assert not applied and [layer.name for layer in doc.layers()] == ["Background"]
        assert not doc.history.can_redo() and not doc.modified
        assert w.canvas.overlay(PREVIEW_OVERLAY) is None and not w.jobs.status.isVisible()
        assert w.statusBar().currentMessage() == "Paint cancelled."
    assert w.test_errors == []


def test_esc_still_cancels_free_transform_while_a_job_runs(qtbot, tmp_path, monkeypatch):
    w, doc = window_with_doc(qtbot, tmp_path, monkeypatch)
    gate = threading.Event()
    job = w.jobs.submit(gated_job(gate), canvas=w.canvas, preview_box=Box(0, 0, 10, 10))
    qtbot.waitUntil(lambda: w.jobs.current is job, timeout=5000)
    w.transform_commands.free_transform()
    assert w.tools.mode is not None
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert w.tools.mode is None and not job.token.cancelled  # Esc went to the transform
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert job.token.cancelled  # now it cancels the job
    gate.set()
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=5000)


def test_a_failure_is_one_dialog_and_the_window_keeps_working(qtbot, tmp_path, monkeypatch):
    w, doc = window_with_doc(qtbot, tmp_path, monkeypatch)

    def out_of_memory(progress):
        progress(1, 2, np.zeros((2, 2, 3), np.uint8))
        raise OutOfMemory("The generation ran out of memory on cuda float16.",
                          "Try to use a smaller box or fewer candidates.")

    job = w.jobs.submit(Job("Generate layer", out_of_memory), canvas=w.canvas,
                        preview_box=Box(0, 0, 20, 20), failure_title="Could not generate the layer")
    qtbot.waitUntil(lambda: job.state == FAILED, timeout=5000)
    assert w.test_errors == [("Could not generate the layer",
                              "The generation ran out of memory on cuda float16. "
                              "Try to use a smaller box or fewer candidates.")]
    assert w.canvas.overlay(PREVIEW_OVERLAY) is None and not doc.modified
    # Applying a result can fail too (the document refuses it): also one dialog.
    def refuse(_result):
        raise DocumentError("Layer 'Background' is locked.")

    job = w.jobs.submit(Job("Apply", lambda progress: 1, on_finished=refuse))
    qtbot.waitUntil(lambda: job.state == FAILED, timeout=5000)
    assert w.test_errors[-1] == ("Apply failed", "Layer 'Background' is locked.")
    # A quiet job (the warm-up) only says it in the status bar.
    job = w.jobs.submit(Job("Loading model", lambda progress: {}["x"], quiet=True))
    qtbot.waitUntil(lambda: job.state == FAILED, timeout=5000)
    assert len(w.test_errors) == 2
    assert w.statusBar().currentMessage() == "Loading model: KeyError: 'x'"
    # And the worker still runs jobs.
    done = w.jobs.submit(Job("Again", lambda progress: "ok"))
    qtbot.waitUntil(lambda: done.state == FINISHED, timeout=5000)


def test_overlays_are_not_layers_and_can_be_replaced_or_cleared(qtbot, tmp_path, monkeypatch):
    w, doc = window_with_doc(qtbot, tmp_path, monkeypatch)
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[..., 2] = 255
    rgba[..., 3] = 255
    rgba[:5, :, 3] = 0  # top half transparent: the document shows through
    w.canvas.set_overlay("candidate", rgba, Box(100, 100, 20, 20))
    assert pixel(w.canvas, 110, 115).getRgb()[:3] == (0, 0, 255)
    assert pixel(w.canvas, 110, 103).getRgb()[:3] == (200, 200, 200)
    w.canvas.set_overlay("candidate", np.full((3, 3), 0, np.uint8), Box(100, 100, 20, 20))
    assert pixel(w.canvas, 110, 103).getRgb()[:3] == (0, 0, 0)
    w.canvas.clear_overlay("candidate")
    assert pixel(w.canvas, 110, 115).getRgb()[:3] == (200, 200, 200)
    assert w.canvas.overlays() == {} and not doc.modified and doc.history.names() == ["Add Layer"]
