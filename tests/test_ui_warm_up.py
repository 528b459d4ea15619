"""The engine warm-up after start-up, as a user meets it: it loads the chosen model on its own
thread, so a job the user starts meanwhile runs at once, closing the window does not wait for
it, and a warm-up that fails only says so in the status bar.

The slow load is a stand-in for `load_pipeline` held on an Event (`ModelCache(load=...)`), so
the test decides when the warm-up ends."""
from __future__ import annotations

import threading
import time

import pytest
import numpy as np
from PySide6.QtCore import QSettings, Qt

from editor.jobs import CANCELLED, FAILED, FINISHED, RUNNING
from editor.model import Document
from editor.ui import main_window
from editor.ui.generate_panel import GeneratePanel
from editor.ui.settings import Settings
from engine.errors import ModelError
from engine.models import loading
from engine.testing import tiny
from test_ui_content_fill import fill_content_aware, paste_damaged_tiles
from test_ui_generate import draw_box
from ui_helpers import make_window


class HeldLoad:
    """`load_pipeline`'s stand-in: records each load and blocks until `release`."""

    def __init__(self, fail: bool = False):
        self.entered, self.released = threading.Event(), threading.Event()
        self.loads, self.fail = [], fail

    def __call__(self, source, plan, **kwargs):
        self.loads.append(source.path)
        self.entered.set()
        if self.fail:
            raise ModelError("tiny-sd could not be loaded: broken file.", "Download it again.")
        self.released.wait(60)  # never forever, even when a test fails half-way
        return loading.LoadedModel(object(), source, plan)

    def release(self) -> None:
        self.released.set()


@pytest.fixture
def warming(qtbot, tmp_path, monkeypatch):
    """A window whose start-up warm-up is loading the remembered model: (window, load, job)."""
    def start(fail: bool = False):
        load = HeldLoad(fail)
        monkeypatch.setattr(loading, "MODELS", loading.ModelCache(load=load))
        monkeypatch.setattr(main_window, "WARM_UP_DELAY_MS", 50)
        monkeypatch.setattr(main_window, "_warm_up_kernels", lambda: None)  # not this test's
        settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        settings.recovery_dir = str(tmp_path / "recovery")
        model = str(tiny.cached_tiny("sd-inpaint"))
        settings.add_local_model(model)
        settings.set_value("generate/model/add_foreground", model)
        settings.engine_device = "cpu"
        settings.set_value("view/snap", False)
        started = []
        warm_up = GeneratePanel.warm_up
        monkeypatch.setattr(GeneratePanel, "warm_up", lambda self: started.append(warm_up(self)))
        w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
        qtbot.waitUntil(lambda: bool(started), timeout=10000)
        holding.append(load)
        assert load.entered.wait(60)  # the warm-up is loading now
        qtbot.waitUntil(lambda: started[0].state != "queued", timeout=10000)
        return w, load, started[0]

    holding = []
    yield start
    for load in holding:
        load.release()  # whatever the test did, the warm-up's thread ends


def test_a_job_started_during_the_warm_up_runs_at_once(warming, qtbot):
    w, load, warm_up = warming()
    assert warm_up.state == RUNNING and not w.jobs.busy  # the user's queue is free
    doc, layer, _ = paste_damaged_tiles(qtbot, w)
    started = []
    w.jobs.job_started.connect(started.append)
    fill_content_aware(w)  # Edit > Fill > Content-Aware while the model loads
    qtbot.waitUntil(lambda: bool(started) and started[0].state == FINISHED, timeout=60000)
    assert started[0].name == "Content-Aware Fill" and w.test_errors == []
    assert doc.history.undo_name() == "Content-Aware Fill"
    assert not (layer.pixels[..., :3] == (255, 0, 255)).all(axis=2).any()
    assert warm_up.state == RUNNING  # the fill did not wait for it
    load.release()
    qtbot.waitUntil(lambda: warm_up.state == FINISHED, timeout=10000)
    assert len(load.loads) == 1 and w.test_errors == []


def test_closing_the_window_during_the_warm_up_does_not_wait_for_it(warming, qtbot):
    w, load, warm_up = warming()
    began = time.monotonic()
    assert w.close()
    assert time.monotonic() - began < 3.0  # the old queue waited up to 10 s for the load
    assert not w.isVisible() and warm_up.state == RUNNING
    load.release()  # the load ends on its own thread later; nothing is left running
    qtbot.waitUntil(lambda: not w.jobs.background._worker.is_alive(), timeout=10000)


def test_a_failing_warm_up_only_says_so_in_the_status_bar(warming, qtbot):
    w, load, warm_up = warming(fail=True)
    qtbot.waitUntil(lambda: warm_up.state == FAILED, timeout=10000)
    assert w.test_errors == []  # no dialog
    assert w.statusBar().currentMessage() == (
        "Loading model: tiny-sd could not be loaded: broken file. Download it again.")


def test_a_generation_waiting_for_the_warm_ups_load_can_be_cancelled(warming, qtbot):
    """Generate needs the model the warm-up is still loading, so it waits for that load; the
    status bar's Cancel ends the wait at once (it used to run until the load finished)."""
    w, load, warm_up = warming()
    doc = Document(96, 64)
    doc.add_image(np.full((64, 96, 4), 200, np.uint8), "Background", 0, 0)
    w.add_session(doc, "scene")
    w.canvas.fit()
    w.docks["generate"].raise_()
    panel = w.generate_panel
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10000)
    draw_box(qtbot, w, 30, 20, 60, 44)
    qtbot.keyClicks(panel.prompt, "a red ball")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    job = panel.job
    assert job is not None
    qtbot.waitUntil(lambda: job.state == RUNNING, timeout=10000)
    qtbot.wait(300)  # inside the model cache, waiting for the warm-up's load
    assert job.state == RUNNING and warm_up.state == RUNNING
    began = time.monotonic()
    qtbot.mouseClick(w.jobs.status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=10000)
    assert time.monotonic() - began < 3.0
    assert warm_up.state == RUNNING  # the load itself goes on for the next job
    assert [layer.name for layer in doc.layers()] == ["Background"] and w.test_errors == []
    load.release()
    qtbot.waitUntil(lambda: warm_up.state == FINISHED, timeout=10000)
    assert len(load.loads) == 1
