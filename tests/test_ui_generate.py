"""The Generate panel driven as a user would: box, prompt, Generate, progress, cancel, candidates,
Apply (one undo step with its recipe), BFS, failures, warm-up. Tiny random-weight models only,
added as local models to settings in tmp folders."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from PySide6.QtCore import Qt

torch = pytest.importorskip("torch")

from bfs_fixtures import tiny_bfs_model_folder  # noqa: E402
from editor.jobs import CANCELLED, FINISHED  # noqa: E402
from editor.model import Document  # noqa: E402
from editor.ui.generate_panel import ADD_MODEL, CANDIDATE_OVERLAY  # noqa: E402
from editor.ui.job_ui import PREVIEW_OVERLAY  # noqa: E402
from engine.box import Box  # noqa: E402
from engine.testing import tiny  # noqa: E402
from ui_helpers import image_drag, make_window  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def bfs_folder(tmp_path_factory):
    return tiny_bfs_model_folder(tmp_path_factory.mktemp("bfs") / "my-bfs", "tiny")


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.docks["generate"].raise_()
    doc = Document(160, 120)
    rng = np.random.default_rng(0)
    background = np.dstack([rng.integers(60, 200, (120, 160, 3), dtype=np.uint8),
                            np.full((120, 160), 255, np.uint8)])
    doc.add_image(background, "Background", 0, 0)
    top = np.zeros((20, 20, 4), np.uint8)
    top[..., 2] = top[..., 3] = 255
    doc.add_image(top, "Top", 130, 90)
    doc.set_active(doc.find_by_name("Background"))  # the new layer goes between the two
    doc.history.mark_clean()
    w.add_session(doc, "scene")
    w.canvas.fit()
    yield w
    w.jobs.shutdown()


def add_model(qtbot, window, monkeypatch, path):
    """Chooses "Add model from folder or file…" in the panel's model list and picks `path`."""
    panel = window.generate_panel
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10000)
    monkeypatch.setattr("editor.ui.dialogs.ask_model_path", lambda parent, start: str(path))
    index = panel.model.findData(ADD_MODEL)
    panel.model.setCurrentIndex(index)
    panel.model.activated.emit(index)
    assert panel.model.currentData() == str(path)


def draw_box(qtbot, window, x0, y0, x1, y1):
    window.tools.select("marquee")
    image_drag(qtbot, window.canvas, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    return window.doc.selection


def layer_names(doc):
    return [layer.name for layer in doc.layers()]


def test_generate_cancel_candidates_apply_undo_redo(qtbot, window, monkeypatch):
    w, panel = window, window.generate_panel
    doc = w.doc
    add_model(qtbot, w, monkeypatch, tiny.cached_tiny("sd-inpaint"))
    assert panel.model.currentText() == "sd-inpaint (local)"
    assert w.settings.local_models() == [str(tiny.cached_tiny("sd-inpaint"))]

    # No box yet: a clear message, nothing runs.
    qtbot.keyClicks(panel.prompt, "a red ball")
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    assert panel.job is None and panel.message.isVisible()
    assert "no box" in panel.message.text() and "Rectangular Marquee" in panel.message.text()

    box = draw_box(qtbot, w, 50, 40, 90, 70)
    assert box == Box(50, 40, 40, 30)
    history_before = doc.history.names()
    qtbot.keyClicks(panel.negative, "blurry")
    panel.resolution.setValue(64)
    panel.seed.setValue(7)

    # A long run, cancelled from the status bar after its first steps: the document is untouched.
    panel.steps.setValue(200)
    previews = []
    w.jobs.runner.preview.connect(previews.append)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    job = panel.job
    assert job is not None and panel.generate_button.text() == "Cancel"
    qtbot.waitUntil(lambda: w.jobs.status.bar.value() >= 3, timeout=60000)
    assert w.jobs.status.isVisible() and "Generate layer · step" in w.jobs.status.label.text()
    overlay = w.canvas.overlay(PREVIEW_OVERLAY)
    assert previews and overlay is not None
    # Shown where the model paints: the box grown for shadows, inside the context window.
    assert overlay.box == w.session.generation.request.preview_box
    assert overlay.box.intersect(box) == box and overlay.box != box
    qtbot.mouseClick(w.jobs.status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=30000)
    assert panel.job is None and panel.generate_button.text() == "Generate"
    assert layer_names(doc) == ["Background", "Top"] and doc.history.names() == history_before
    assert w.canvas.overlays() == {} and not panel.results.isVisible() and w.test_errors == []

    # Generate again: two candidates, flipped through, then one applied.
    panel.steps.setValue(3)
    panel.count.setValue(2)
    qtbot.mouseClick(panel.generate_button, Qt.MouseButton.LeftButton)
    job = panel.job
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    assert panel.results.isVisible() and panel.strip.count() == 2
    assert panel.candidate_label.text() == "1 of 2 · seed 7"
    pending = w.session.generation.pending
    first, second = pending.generation.candidates
    assert w.canvas.overlay(CANDIDATE_OVERLAY).box == first.box
    assert layer_names(doc) == ["Background", "Top"] and doc.history.names() == history_before
    qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)
    assert panel.candidate_label.text() == "2 of 2 · seed 8" and not panel.next.isEnabled()
    assert w.canvas.overlay(CANDIDATE_OVERLAY).box == second.box
    assert panel.strip.currentRow() == 1
    panel.strip.setCurrentRow(0)  # a click on the first thumbnail
    assert panel.candidate_label.text() == "1 of 2 · seed 7"
    qtbot.mouseClick(panel.next, Qt.MouseButton.LeftButton)

    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    assert layer_names(doc) == ["Background", "a red ball", "Top"]  # above the active layer
    layer = doc.find_by_name("a red ball")
    assert doc.active is layer and (layer.x, layer.y) == (second.x, second.y)
    assert np.array_equal(layer.pixels, second.pixels)
    recipe = layer.recipe
    assert recipe["method"] == "add_foreground" and recipe["model"] == str(tiny.cached_tiny("sd-inpaint"))
    assert (recipe["prompt"], recipe["negative_prompt"], recipe["seed"]) == ("a red ball", "blurry", 8)
    assert recipe["box"] == [50, 40, 40, 30] and recipe["steps"] == 3 and recipe["guidance"] == 7.5
    assert doc.history.names() == history_before + ["Generate Layer"]
    assert w.canvas.overlays() == {} and not panel.results.isVisible() and w.session.generation.pending is None

    w.history_commands.undo()
    assert layer_names(doc) == ["Background", "Top"]
    w.history_commands.redo()
    assert layer_names(doc) == ["Background", "a red ball", "Top"]
    assert doc.find_by_name("a red ball").recipe == recipe
    assert w.test_errors == []


def test_generating_again_asks_before_replacing_candidates(qtbot, window, monkeypatch):
    w, panel = window, window.generate_panel
    add_model(qtbot, w, monkeypatch, tiny.cached_tiny("sd-inpaint"))
    draw_box(qtbot, w, 20, 20, 60, 60)
    panel.prompt.setPlainText("a green cube")
    panel.resolution.setValue(64)
    panel.steps.setValue(2)
    panel.random_seed.setChecked(True)
    job = panel.generate()
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    first_seed = w.session.generation.pending.candidate.seed
    assert first_seed == panel.seed.value()
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_replace_candidates",
                        lambda parent, count: asked.append(count) or False)
    assert panel.generate() is None  # the user kept the candidates
    assert asked == [1] and w.session.generation.pending.candidate.seed == first_seed
    monkeypatch.setattr("editor.ui.dialogs.ask_replace_candidates", lambda parent, count: True)
    panel.prompt.setFocus()
    qtbot.keyClick(panel.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    job = panel.job
    assert job is not None and panel.prompt.toPlainText() == "a green cube"  # Ctrl+Enter generates
    assert w.session.generation.pending is None  # replaced: the old ones are gone at once
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    assert w.session.generation.pending.candidate.seed == panel.seed.value()
    panel.discard()
    assert w.canvas.overlays() == {} and layer_names(w.doc) == ["Background", "Top"]


def test_bfs_method_with_a_bfs_model_folder(qtbot, window, monkeypatch, bfs_folder):
    w, panel = window, window.generate_panel
    doc = w.doc
    panel.method.setCurrentIndex(panel.method.findData("bfs"))
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10000)
    # The built-in model ships with Layered: it is chosen, nothing to download.
    assert panel.model.currentText().endswith("(built in)") and not panel.model_note.isVisible()
    add_model(qtbot, w, monkeypatch, bfs_folder)
    assert panel.model.currentText() == "my-bfs (local)" and not panel.model_note.isVisible()
    assert panel.negative.isHidden() and not panel.resolution.isEnabled()
    assert panel.steps.specialValueText() == "Default (3)"
    draw_box(qtbot, w, 60, 40, 100, 80)
    panel.prompt.setPlainText("a small boat")
    panel.count.setValue(2)
    panel.seed.setValue(3)
    previews = []
    w.jobs.runner.preview.connect(previews.append)
    job = panel.generate()
    assert job is not None, (panel.message.text(), w.test_errors)
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    # Each denoising step shows the composite branch's estimate (latent size), and each
    # finished candidate is shown whole while the next runs: 2 x (3 steps + 1).
    assert len(previews) == 8
    assert previews[0].shape[:2] != previews[3].shape[:2] == (40 * 2, 40 * 2)
    pending = w.session.generation.pending
    candidate = pending.candidate
    assert candidate.composite is not None and panel.show_composite.isVisible()
    assert w.canvas.overlay(CANDIDATE_OVERLAY).box == candidate.box
    panel.show_composite.setChecked(True)  # the composite branch's picture of the window
    assert w.canvas.overlay(CANDIDATE_OVERLAY).box == pending.generation.window
    panel.show_composite.setChecked(False)
    layer = panel.apply()
    assert layer_names(doc) == ["Background", "a small boat", "Top"]
    recipe = layer.recipe
    assert recipe["method"] == "bfs" and recipe["model"] == str(bfs_folder)
    assert (recipe["seed"], recipe["steps"], recipe["guidance"]) == (3, 3, 2.0)
    assert recipe["box"] == [60, 40, 40, 40] and recipe["prompt"] == "a small boat"
    assert doc.history.names()[-1] == "Generate Layer"
    w.history_commands.undo()
    assert layer_names(doc) == ["Background", "Top"]
    assert w.test_errors == []


def test_a_corrupt_model_fails_with_one_dialog_and_the_editor_keeps_working(qtbot, window,
                                                                            monkeypatch, tmp_path):
    w, panel = window, window.generate_panel
    doc = w.doc
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny.cached_tiny("sd-inpaint"), broken)
    for weights in (broken / "unet").glob("*.safetensors"):
        weights.write_bytes(b"these are not weights")
    add_model(qtbot, w, monkeypatch, broken)
    draw_box(qtbot, w, 30, 30, 70, 70)
    panel.prompt.setPlainText("a lamp")
    panel.resolution.setValue(64)
    panel.steps.setValue(2)
    history = doc.history.names()
    job = panel.generate()
    qtbot.waitUntil(lambda: job.state == "failed", timeout=60000)
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert title == "Could not generate the layer" and "could not be loaded" in message
    assert layer_names(doc) == ["Background", "Top"] and doc.history.names() == history
    assert w.canvas.overlays() == {} and panel.job is None and not w.jobs.status.isVisible()
    # The editor keeps working: the good model generates.
    add_model(qtbot, w, monkeypatch, tiny.cached_tiny("sd-inpaint"))
    job = panel.generate()
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    assert panel.apply() is not None and len(w.test_errors) == 1


def test_device_preference_reaches_the_engine(qtbot, window, monkeypatch):
    """A device this computer lacks (CUDA here) is one clear dialog, and nothing changes."""
    from editor.ui.dialogs import PreferencesDialog

    w, panel = window, window.generate_panel
    add_model(qtbot, w, monkeypatch, tiny.cached_tiny("sd-inpaint"))
    dialog = PreferencesDialog(w, w.settings)
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.dtype.setCurrentIndex(dialog.dtype.findData("float32"))
    dialog.offload.setCurrentIndex(dialog.offload.findData("on"))
    dialog.apply()
    spec = panel.spec()
    assert (spec.device, spec.dtype, spec.cpu_offload) == ("cpu", "float32", True)
    assert PreferencesDialog(w, w.settings).offload.currentData() == "on"  # remembered
    if torch.cuda.is_available():
        return
    w.settings.engine_device = "cuda"
    draw_box(qtbot, w, 30, 30, 70, 70)
    panel.prompt.setPlainText("a lamp")
    job = panel.generate()
    qtbot.waitUntil(lambda: job.state == "failed", timeout=60000)
    assert w.test_errors == [("Could not generate the layer",
                              "No CUDA GPU is available to this program. Choose the CPU "
                              "(--device cpu) or install a CUDA build of PyTorch.")]
    assert layer_names(w.doc) == ["Background", "Top"]


def test_warm_up_loads_the_chosen_model_after_the_window_shows(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    from editor.ui import main_window
    from editor.ui.settings import Settings
    from engine.models import loading

    monkeypatch.setattr(loading, "MODELS", loading.ModelCache())
    monkeypatch.setattr(main_window, "WARM_UP_DELAY_MS", 50)
    # The kernels' warm-up (a QThread of its own, tested in test_render_prepare) would still
    # be compiling when a run of this test alone ends, and Qt aborts on a running QThread.
    monkeypatch.setattr(main_window, "_warm_up_kernels", lambda: None)
    settings = Settings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    settings.recovery_dir = str(tmp_path / "recovery")
    model = str(tiny.cached_tiny("sd-inpaint"))
    settings.add_local_model(model)
    settings.set_value("generate/model/add_foreground", model)
    settings.engine_device = "cpu"
    assert settings.warm_up  # on by default
    from editor.ui.generate_panel import GeneratePanel

    started = []
    warm_up = GeneratePanel.warm_up
    monkeypatch.setattr(GeneratePanel, "warm_up", lambda self: started.append(warm_up(self)))
    w = make_window(qtbot, tmp_path, monkeypatch, settings=settings)
    qtbot.waitUntil(lambda: bool(started) and started[0].state == FINISHED, timeout=60000)
    assert started[0].quiet and started[0].name == "Loading model"
    assert loading.MODELS._model is not None and str(loading.MODELS._model.source.path) == model
    assert w.test_errors == []
    w.jobs.shutdown()


def test_the_panel_offers_only_layer_makers_while_models_lists_decompose_models(qtbot, window):
    """SAM and ViTMatte (catalogue models for Decompose) are never offered for generating."""
    panel = window.generate_panel
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10000)
    roles = {c.family: c.method for c in panel.choices if not c.local}
    assert roles["sam"] == "decompose_mask" and roles["vitmatte"] == "decompose_matting"
    inpainters = [c for c in panel.choices if not c.local and c.family == "sd-inpaint"
                  and c.info.serves("add_foreground")]  # (text-to-image models serve edits)
    assert inpainters and all(c.method == "add_foreground" for c in inpainters)
    for method_index in range(panel.method.count()):
        panel.method.setCurrentIndex(method_index)
        offered = [panel.model.itemData(i) for i in range(panel.model.count())]
        families = {c.family for c in panel.choices if c.ref in offered}
        assert not families & {"sam", "vitmatte"}


def test_the_editor_and_the_generate_verb_make_the_same_layer(qtbot, tmp_path, monkeypatch):
    """One route: the Generate panel and `python main.py generate` run the same operation,
    so the same request (tiny model, fixed seed) gives the same layer."""
    import os
    import subprocess
    import sys

    from skimage import data

    from editor.model.files import open_document
    from PIL import Image

    picture = tmp_path / "in.png"
    Image.fromarray(np.ascontiguousarray(data.astronaut()[::4, ::4])).save(picture)  # 128 x 128
    model = tiny.cached_tiny("sd-inpaint")
    w = make_window(qtbot, tmp_path, monkeypatch)
    try:
        w.docks["generate"].raise_()
        w.add_session(open_document(picture), "in")
        panel = w.generate_panel
        add_model(qtbot, w, monkeypatch, model)
        w.doc.set_selection(Box(40, 50, 30, 40))
        panel.prompt.setPlainText("a red ball")
        panel.seed.setValue(5)
        panel.steps.setValue(2)
        panel.resolution.setValue(64)
        job = panel.generate()
        qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
        edited = panel.apply()
    finally:
        w.jobs.shutdown()
    assert edited is not None and w.test_errors == []

    out = tmp_path / "out.psd"
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.run([sys.executable, "main.py", "generate", str(picture), "--box", "40,50,30,40",
                          "--prompt", "a red ball", "--model", str(model), "--seed", "5",
                          "--steps", "2", "--resolution", "64", "-o", str(out)],
                         cwd=root, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, OMP_NUM_THREADS="1"))  # as torch here: same sums
    assert run.returncode == 0, run.stderr
    background, made = list(open_document(out).layers())
    assert (made.name, made.x, made.y) == (edited.name, edited.x, edited.y)
    np.testing.assert_array_equal(made.pixels, edited.pixels)
    assert made.recipe == edited.recipe and made.recipe["window"] != [0, 0, 128, 128]


def test_each_document_keeps_its_own_prompt_and_candidates(qtbot, window):
    from editor.model.generate_apply import GeneratedCandidate, Generation

    w, panel = window, window.generate_panel
    first = w.session
    panel.prompt.setPlainText("a cat")
    panel.seed.setValue(11)
    second = w.add_session(Document(80, 60), "other")
    assert panel.state is second.generation and panel.prompt.toPlainText() == "a cat"  # a copy
    panel.prompt.setPlainText("a boat")
    panel.seed.setValue(12)
    assert first.generation.spec.prompt == "a cat" and first.generation.spec.seed == 11

    # Candidates that arrive for the first document wait there, not in the second.
    w.doc.set_selection(None)
    first.doc.set_selection(Box(10, 10, 40, 40))
    request = first.generation.prepare()
    thumb = np.zeros((4, 4, 3), np.uint8)
    candidate = GeneratedCandidate(11, np.full((6, 6, 4), 255, np.uint8), 20, 20,
                                   {"prompt": "a cat", "seed": 11}, thumb)
    panel._finished(first, request, Generation([candidate], request.window, "m", "cpu"))
    assert not panel.results.isVisible()
    w.show_session(first)
    assert panel.prompt.toPlainText() == "a cat" and panel.seed.value() == 11
    assert panel.results.isVisible() and panel.candidate_label.text() == "1 of 1 · seed 11"
    layer = panel.apply()
    assert layer is not None and layer in first.doc.layers() and second.generation.pending is None
    w.show_session(second)
    assert panel.prompt.toPlainText() == "a boat" and panel.seed.value() == 12


def test_first_start_generates_offline_with_the_built_in_model(qtbot, window):
    """A fresh computer (no inpainting model downloaded): the panel picks BFS with the built-in
    model, and Generate makes a layer without any download."""
    from engine.models.builtin import BUILTIN_ID

    w, panel = window, window.generate_panel
    qtbot.waitUntil(lambda: panel.choices is not None, timeout=10000)
    assert panel.method_key == "bfs" and panel.model.currentData() == BUILTIN_ID
    assert w.settings.value("generate/method", "") == "bfs"
    draw_box(qtbot, w, 50, 40, 100, 90)
    panel.prompt.setPlainText("a red ball")
    job = panel.generate()
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=120000)
    layer = panel.apply()
    assert layer.name == "a red ball" and layer.recipe["model"] == BUILTIN_ID
    assert layer.pixels[..., 3].max() > 0
    assert w.test_errors == []
