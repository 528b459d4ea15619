"""Decompose in the editor, driven as a user would: paste, mark the object (box or Quick Mask
paint), Layer > Decompose as a job, move the object, undo; cancel; options; layered images."""
from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QPushButton

from _decompose_scenes import scene
from editor.jobs import CANCELLED, FINISHED
from editor.model.render import composite_document
from editor.ui.qimage import rgba_to_qimage
from editor.ui.quick_mask import QuickMaskMode
from engine.box import Box
from ui_helpers import image_drag, make_window, paste_ball_scene, status_room

SIZE = 128


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    # These tests drive the split itself, at once (Decompose Options' "Show the object
    # first" off); the default, which first shows the object: `preview_window` below.
    w.settings.set_value("decompose/show_first", False)
    return w


@pytest.fixture
def preview_window(qtbot, tmp_path, monkeypatch):
    """A ball photo pasted, Decompose with its default options (the object shown first)."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    rgba, box, truth = paste_ball_scene(w, qtbot, SIZE)
    w.test_scene = (rgba, box, truth)
    return w


@pytest.fixture
def pasted(window, qtbot):
    """A ball photo pasted from the clipboard (it opens as a new document)."""
    rgba, box, truth = paste_ball_scene(window, qtbot, SIZE)
    window.test_scene = (rgba, box, truth)
    return window


@pytest.fixture
def held_segmenter(monkeypatch):
    """Decompose's first step waits, once entered, until the test sets `release`:
    returns (entered, release) events."""
    from engine.methods.decompose import DecomposePipeline
    from engine.methods.decompose_steps.segment import GrabCutSegmenter

    entered, release = threading.Event(), threading.Event()

    class SlowSegmenter(GrabCutSegmenter):
        def __call__(self, *args, **kwargs):
            entered.set()
            release.wait(10)
            return super().__call__(*args, **kwargs)

    monkeypatch.setattr(DecomposePipeline, "choose",
                        classmethod(lambda cls, *a, **k: cls(segmenter=SlowSegmenter())))
    yield entered, release
    release.set()  # never leave a worker waiting


def draw_box(qtbot, window, box) -> None:
    window.tool_actions["marquee"].trigger()
    image_drag(qtbot, window.canvas, [(box.x, box.y), (box.x + box.w / 2, box.y + box.h / 2),
                                      (box.x1, box.y1)])
    assert window.doc.selection == box


def finish(qtbot, window, timeout=30000) -> None:
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=timeout)


def tint_at(window, x, y) -> QColor:
    canvas = window.canvas
    canvas.repaint()
    image = canvas.grab().toImage()
    p = canvas.image_to_widget(QPointF(x, y))
    dpr = image.devicePixelRatio()
    return QColor(image.pixel(int(p.x() * dpr), int(p.y() * dpr)))


def test_box_decompose_move_the_object_and_undo_to_the_original(pasted, qtbot):
    w = pasted
    rgba, box, truth = w.test_scene
    doc = w.doc
    (source,) = doc.layers()
    draw_box(qtbot, w, box)
    started, steps, shown = [], [], []
    w.jobs.job_started.connect(started.append)
    # Whether the status bar shows the job, read as it starts (on a loaded machine a small
    # decompose can end before a later look).
    w.jobs.job_started.connect(lambda job: shown.append(w.jobs.status.isVisible()))
    w.jobs.runner.progress.connect(lambda s, t: steps.append((s, t)))
    assert w.actions["decompose"].isEnabled()
    qtbot.keyClick(w.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier
                   | Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(started), timeout=5000)
    assert shown == [True] and started[0].name == "Decompose"
    finish(qtbot, w)
    assert started[0].state == FINISHED and w.test_errors == []
    assert steps and steps[-1][0] == steps[-1][1] == 12  # PatchMatch fill: 8 of the 12
    assert not w.jobs.status.isVisible()
    # The layer became object over background, in one undo step, with recipes.
    background, foreground = doc.layers()
    assert foreground.name == "Object" and doc.active is foreground
    assert background.recipe["role"] == "background" and foreground.recipe["box"] == list(box.as_tuple())
    assert doc.history.undo_name() == "Decompose" and doc.selection is None  # the box is used up
    err = np.abs(composite_document(doc).astype(int) - rgba)
    assert err.mean() < 1 and np.percentile(err, 99) < 3
    # The Move tool takes the object (with its shadow) aside; the background shows no ball.
    w.tool_actions["move"].trigger()
    x0 = foreground.x
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    image_drag(qtbot, w.canvas, [(cx, cy), (cx - 20, cy), (cx - 40, cy)])
    assert foreground.x == x0 - 40
    ball = truth["alpha"] > 0.5
    shown = composite_document(doc)[..., :3].astype(float) / 255
    moved = np.zeros(ball.shape, bool)  # where the object layer (ball and shadow) is now
    fx, fy = max(0, foreground.x), max(0, foreground.y)
    part = foreground.pixels[fy - foreground.y:, fx - foreground.x:, 3] > 0
    moved[fy:fy + part.shape[0], fx:fx + part.shape[1]] = part[:SIZE - fy, :SIZE - fx]
    uncovered = ball & ~moved
    assert uncovered.sum() > 0.5 * ball.sum()
    bg_truth = truth["background"]
    assert np.abs(shown[uncovered] - bg_truth[uncovered]).mean() * 255 < 12
    # Undo twice: the original layer, pixel for pixel, and the box around the object.
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    (back,) = doc.layers()
    assert back is source and np.array_equal(back.pixels, rgba) and doc.selection == box
    assert np.array_equal(composite_document(doc), rgba)


def test_peel_again_on_the_background_gives_a_third_layer(pasted, qtbot):
    w = pasted
    rgba, box, truth = w.test_scene
    doc = w.doc
    # A second object: a green square in the lower left corner of the picture.
    (layer,) = doc.layers()
    pixels = layer.pixels.copy()
    pixels[92:118, 8:34, :3] = (40, 170, 60)
    doc.set_pixels(layer, pixels)
    draw_box(qtbot, w, box)
    w.actions["decompose"].trigger()
    finish(qtbot, w)
    doc.set_active(list(doc.layers())[0])  # the background, as a click in the Layers panel does
    draw_box(qtbot, w, Box(2, 86, 38, 38))
    w.actions["decompose"].trigger()
    finish(qtbot, w)
    names = [layer.name for layer in doc.layers()]
    assert names == ["Pasted Layer", "Object 2", "Object"] and w.test_errors == []
    err = np.abs(composite_document(doc).astype(int) - pixels)
    assert err.mean() < 1


def test_cancel_between_steps_leaves_the_document_untouched(pasted, qtbot, held_segmenter):
    entered, release = held_segmenter
    w = pasted
    rgba, box, _ = w.test_scene
    doc = w.doc
    draw_box(qtbot, w, box)
    steps_before = doc.history.undo_name()
    ended = []
    w.jobs.job_ended.connect(ended.append)
    job = w.decompose_commands.decompose()
    qtbot.waitUntil(lambda: entered.is_set() and w.jobs.current is job, timeout=5000)
    w.jobs.status.cancel_button.click()  # while step 1 runs
    assert "cancelling" in w.jobs.status.label.text()
    release.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    assert job.state == CANCELLED and w.test_errors == []
    (layer,) = doc.layers()
    assert np.array_equal(layer.pixels, rgba) and doc.history.undo_name() == steps_before


def test_layer_changed_during_the_job_is_not_overwritten(pasted, qtbot, held_segmenter):
    entered, release = held_segmenter
    w = pasted
    rgba, box, _ = w.test_scene
    draw_box(qtbot, w, box)
    w.decompose_commands.decompose()
    qtbot.waitUntil(entered.is_set, timeout=5000)
    (layer,) = w.doc.layers()
    w.doc.set_pixels(layer, np.zeros_like(layer.pixels))  # e.g. the user filled it
    release.set()
    finish(qtbot, w)
    assert len(list(w.doc.layers())) == 1
    assert w.test_errors and "changed while it was being decomposed" in w.test_errors[0][1]


def test_quick_mask_paint_undo_clear_and_decompose_with_it(pasted, qtbot):
    w = pasted
    rgba, box, truth = w.test_scene
    doc = w.doc
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    qtbot.keyClick(w.canvas, Qt.Key.Key_Q)
    assert isinstance(w.tools.mode, QuickMaskMode) and w.actions["quick_mask"].isChecked()
    w.tools.mode.set_size(22)
    before = tint_at(w, cx, cy)
    image_drag(qtbot, w.canvas, [(cx - 20, cy - 12), (cx + 20, cy - 12)])
    assert doc.selection_mask is not None and doc.selection_mask[int(cy - 12), int(cx)] == 255
    assert doc.selection is None and doc.history.undo_name() == "Quick Mask"
    tinted = tint_at(w, cx, cy - 12)
    assert tinted.red() > tinted.green() + 40  # the paint shows red
    # Ctrl+Z in the mode undoes the stroke (and the mask it created); redo brings it back.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection_mask is None and isinstance(w.tools.mode, QuickMaskMode)
    w.actions["redo"].trigger()
    assert doc.selection_mask[int(cy - 12), int(cx)] == 255
    # Ctrl+D clears the paint (one undo step).
    w.actions["deselect"].trigger()
    assert doc.selection_mask is None
    assert tint_at(w, cx, cy - 12).rgb() == tint_at(w, cx, cy).rgb() == before.rgb()
    # Paint over the whole ball, Alt+drag takes a stripe away, leave with Q, decompose.
    for dy in range(-24, 25, 8):
        image_drag(qtbot, w.canvas, [(cx - 24, cy + dy), (cx, cy + dy), (cx + 24, cy + dy)])
    image_drag(qtbot, w.canvas, [(cx - 30, 4), (cx + 30, 4)])  # a slip of the brush at the top...
    painted = int((doc.selection_mask >= 128).sum())
    image_drag(qtbot, w.canvas, [(cx - 36, 4), (cx + 36, 4)],
               modifier=Qt.KeyboardModifier.AltModifier)  # ...taken away with Alt
    assert int((doc.selection_mask >= 128).sum()) < painted and not doc.selection_mask[4].any()
    # X switches the brush to erasing (Photoshop's swap of black and white), and back.
    image_drag(qtbot, w.canvas, [(cx - 30, 12), (cx + 30, 12)])
    assert doc.selection_mask[12].any()
    qtbot.keyClick(w.canvas, Qt.Key.Key_X)
    assert w.tools.mode.erasing
    image_drag(qtbot, w.canvas, [(cx - 36, 12), (cx + 36, 12)])
    assert not doc.selection_mask[12].any()
    qtbot.keyClick(w.canvas, Qt.Key.Key_X)
    assert not w.tools.mode.erasing
    qtbot.keyClick(w.canvas, Qt.Key.Key_Q)
    assert w.tools.mode is None and doc.selection_mask is not None
    w.actions["decompose"].trigger()
    finish(qtbot, w)
    assert w.test_errors == []
    background, foreground = doc.layers()
    assert foreground.recipe["brush_mask"] is True and foreground.recipe["box"] is None
    ball = truth["alpha"] > 0.5
    obj = np.zeros(ball.shape, bool)
    obj[foreground.y:foreground.y + foreground.height,
        foreground.x:foreground.x + foreground.width] = foreground.pixels[..., 3] > 127
    assert (obj & ball).sum() > 0.9 * ball.sum()
    err = np.abs(composite_document(doc).astype(int) - rgba)
    assert err.mean() < 1
    # The paint is used up with the Decompose step, and comes back with its undo.
    assert doc.selection_mask is None
    w.actions["undo"].trigger()
    assert doc.selection_mask is not None and len(list(doc.layers())) == 1


@pytest.mark.parametrize("select_all", [False, True])
def test_decompose_with_nothing_marked_or_all_of_it_takes_the_main_object(pasted, qtbot,
                                                                          monkeypatch, select_all):
    """As Photoshop's Select Subject: with no mark, or Select All (a box around everything
    leaves no background to tell the object from), Decompose finds the main object."""
    w = pasted
    rgba, box, truth = w.test_scene
    doc = w.doc
    if select_all:
        w.actions["select_all"].trigger()
        assert doc.selection == doc.canvas
    messages, status = [], w.status
    monkeypatch.setattr(w, "status", lambda text, *a, **k: (messages.append(text),
                                                             status(text, *a, **k)))
    assert w.decompose_commands.decompose() is not None
    finish(qtbot, w)
    assert w.test_errors == []
    background, foreground = doc.layers()
    ball = truth["alpha"] > 0.5
    obj = np.zeros(ball.shape, bool)
    obj[foreground.y:foreground.y + foreground.height,
        foreground.x:foreground.x + foreground.width] = foreground.pixels[..., 3] > 127
    assert (obj & ball).sum() > 0.9 * ball.sum() and (obj & ~ball).sum() < 0.3 * ball.sum()
    assert np.abs(composite_document(doc).astype(int) - rgba).mean() < 1
    why = "Box around all" if select_all else "Nothing marked"
    lines = [m for m in messages if m.startswith(f"{why}: took the main object.")]
    assert lines and w.statusBar().fontMetrics().horizontalAdvance(lines[-1]) <= status_room(w)


def test_select_object_says_why_it_shows_the_main_object(pasted, qtbot):
    """Select All, then Select > Object: a box around everything marks no object in
    particular, and the status line says so (not "nothing was marked"), in the words the
    split and the command line use."""
    w = pasted
    w.actions["select_all"].trigger()
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and w.doc.selection_mask is not None, timeout=60000)
    text = w.statusBar().currentMessage()
    assert text.startswith("Box around all: the tint shows the main object. Paint to add")
    w.doc.clear_selection_mask()
    w.doc.set_selection(None)
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and w.doc.selection_mask is not None, timeout=60000)
    assert w.statusBar().currentMessage().startswith("Nothing marked: the tint shows the main")
    assert w.test_errors == []


def test_decompose_with_nothing_marked_and_no_object_explains_what_to_do(window, qtbot,
                                                                         tmp_path):
    """A flat picture has no main object to find: one readable line, nothing changed."""
    flat = np.full((96, 128, 4), 200, np.uint8)
    flat[..., 3] = 255
    w = window
    from editor.model import Document

    doc = Document(128, 96)
    doc.add_image(flat, "Flat", 0, 0)
    w.add_session(doc, "flat")
    assert w.decompose_commands.decompose() is None
    assert "Mark the object" in w.test_errors[0][1]
    assert len(list(w.doc.layers())) == 1


def test_options_dialog_chooses_the_steps_and_runs(pasted, qtbot):
    from editor.ui.decompose_commands import DecomposeOptionsDialog

    w = pasted
    rgba, box, _ = w.test_scene
    draw_box(qtbot, w, box)

    def choose():
        dialog = next(d for d in w.findChildren(DecomposeOptionsDialog) if d.isVisible())
        dialog.shadow.setChecked(False)
        combo = dialog.combos["background"]
        combo.setCurrentIndex(combo.findData("telea"))
        next(b for b in dialog.findChildren(QPushButton) if b.text() == "Decompose").click()

    QTimer.singleShot(0, choose)
    w.actions["decompose_options"].trigger()
    finish(qtbot, w)
    assert w.settings.value("decompose/background") == "telea"
    assert w.settings.value("decompose/shadow", True, bool) is False
    foreground = list(w.doc.layers())[-1]
    steps = foreground.recipe["steps"]
    assert steps["background"] == "telea" and steps["shadow"] == "none"


def test_decompose_is_in_the_layer_menu_and_the_layers_context_menu(pasted):
    w = pasted
    layer_menu = [a.objectName() for a in w.menus["layer"].actions()]
    assert "decompose" in layer_menu and "decompose_options" in layer_menu
    assert "quick_mask" in [a.objectName() for a in w.menus["select"].actions()]
    assert "new_layered" in [a.objectName() for a in w.menus["file"].actions()]
    import inspect

    from editor.ui.layers_panel import LayersPanel

    assert '"decompose"' in inspect.getsource(LayersPanel.context_menu)


def test_new_layered_image_from_prompt_opens_a_tab_with_the_layers(window, qtbot, monkeypatch):
    from test_layered import scripted

    from editor.ui.decompose_commands import NewLayeredDialog
    from engine.models import loading

    monkeypatch.setattr(loading, "get_pipeline", lambda ref, **kw: scripted())
    w = window
    w.settings.set_value("decompose/mask", "grabcut")
    w.settings.set_value("decompose/matting", "closed_form")
    w.settings.set_value("decompose/background", "pyramid")

    w.settings.set_value("layered/model", "scripted")  # a model used before stays listed
    _, ball_box, _ = scene(128, shadow=0.5)
    errors = []

    def fill():
        dialog = next(d for d in w.findChildren(NewLayeredDialog) if d.isVisible())
        dialog.prompt.setText("a blue ball on a floor")
        assert dialog.model_ref() == "scripted"
        dialog.width_box.setValue(128)
        dialog.height_box.setValue(128)
        dialog.steps.setValue(3)
        # The object box: a box outside the picture is explained, then a good one is taken.
        dialog.box.setText("100, 100, 60, 60")
        dialog.buttons.accepted.emit()
        errors.append(dialog.error.text())
        dialog.box.setText(", ".join(str(v) for v in ball_box.as_tuple()))
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, fill)
    w.actions["new_layered"].trigger()
    finish(qtbot, w)
    assert errors == ["The object box must lie inside the 128 × 128 picture."]
    assert w.test_errors == [] and len(w.sessions) == 1
    doc = w.doc
    background, foreground = doc.layers()
    assert (doc.width, doc.height) == (128, 128) and foreground.name == "Object"
    assert background.recipe["source_recipe"]["prompt"] == "a blue ball on a floor"
    assert foreground.recipe["box"] == list(ball_box.as_tuple())  # the box typed in
    picture, _, _ = scene(128, shadow=0.5)
    assert np.abs(composite_document(doc)[..., :3].astype(int) - picture).mean() < 1
    w.actions["undo"].trigger()
    (only,) = doc.layers()
    assert np.array_equal(only.pixels[..., :3], picture)


def test_new_layered_image_without_an_object_opens_the_picture_and_says_why(window, qtbot,
                                                                            monkeypatch):
    from test_layered import scripted

    from engine.methods.layered import LayeredRequest
    from engine.models import loading

    monkeypatch.setattr(loading, "get_pipeline", lambda ref, **kw: scripted(flat=True))
    w = window
    w.decompose_commands.start_layered(LayeredRequest("fog", model="scripted", size=(64, 64),
                                                      mask_model="grabcut"))
    finish(qtbot, w)
    (layer,) = w.doc.layers()
    assert layer.recipe["method"] == "layered"
    assert "not split" in w.test_errors[0][1] and "No single main object" in w.test_errors[0][1]


# -- the recommended models in one step ---------------------------------------------------------
@pytest.fixture
def empty_hub(tmp_path, monkeypatch):
    """An empty Hugging Face cache of the test's own: nothing of the user's is read or written."""
    import huggingface_hub.constants

    hub = tmp_path / "hub"
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    return hub


def model_items(combo):
    return [combo.itemData(i) for i in range(combo.count()) if combo.itemText(i).startswith("Model")]


def test_options_offer_the_missing_models_and_download_both_in_one_step(window, qtbot, empty_hub,
                                                                       monkeypatch):
    from editor.ui.decompose_commands import DecomposeOptions, DecomposeOptionsDialog
    from engine.models import download
    from engine.models.catalogue import load_catalogue
    from engine.testing import tiny

    fetched = []

    def fake_download(model_id, progress, *, token=None):
        """Places a tiny model of the catalogue entry's family in the cache, as the hub would."""
        progress(1, 2)
        fetched.append(model_id)
        family = load_catalogue().get(model_id).family
        return tiny.install_in_hub_cache(tiny.cached_tiny(family), model_id, empty_hub)

    monkeypatch.setattr(download, "download_model", fake_download)
    dialog = DecomposeOptionsDialog(window, DecomposeOptions.load(window.settings))
    qtbot.addWidget(dialog)
    dialog.show()
    button = dialog.download_button
    assert button.isVisible() and button.text() == (
        "Download the decomposition models (SlimSAM + ViTMatte, about 0.2 GB, run on the CPU)")
    assert model_items(dialog.combos["mask"]) == model_items(dialog.combos["matting"]) == []
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    models = dialog.models_dialog
    assert models.isVisible() and models.cancel_button.isVisible()  # the Models dialog's job
    qtbot.waitUntil(lambda: models.job is None, timeout=60000)
    assert fetched == ["Zigeng/SlimSAM-uniform-50", "hustvl/vitmatte-small-composition-1k"]
    assert "is downloaded" in models.message.text()
    assert model_items(dialog.combos["mask"]) == ["Zigeng/SlimSAM-uniform-50"]
    assert model_items(dialog.combos["matting"]) == ["hustvl/vitmatte-small-composition-1k"]
    assert not button.isVisible()
    # Installed, a new dialog does not offer them again.
    again = DecomposeOptionsDialog(window, DecomposeOptions.load(window.settings))
    qtbot.addWidget(again)
    assert not again.recommended and again.download_button.isHidden()
    dialog.reject()


def test_offline_the_download_says_so_in_one_line_and_leaves_nothing(window, qtbot, empty_hub,
                                                                     monkeypatch):
    import functools

    from editor.ui.decompose_commands import DecomposeOptions, DecomposeOptionsDialog
    from engine.models import download

    # No network: the hub's address refuses connections, as an offline computer does.
    monkeypatch.setattr(download, "download_model", functools.partial(
        download.download_model, endpoint="http://127.0.0.1:9", cache_dir=empty_hub))
    dialog = DecomposeOptionsDialog(window, DecomposeOptions.load(window.settings))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    models = dialog.models_dialog
    qtbot.waitUntil(lambda: models.job is None, timeout=60000)
    text = models.message.text()
    assert "'Zigeng/SlimSAM-uniform-50' could not be downloaded" in text
    assert "cannot be reached" in text and "To place the files by hand" in text
    assert not list(empty_hub.glob("models--*"))  # nothing half-downloaded left behind
    assert dialog.download_button.isVisible()
    assert model_items(dialog.combos["mask"]) == []
    dialog.reject()


@pytest.fixture
def held_fill(monkeypatch):
    """Decompose's background fill waits, once entered, until the test sets `release`:
    returns (entered, release) events."""
    from engine.methods.decompose import DecomposePipeline
    from engine.methods.decompose_steps.patchmatch_fill import PatchMatchInpainter

    entered, release = threading.Event(), threading.Event()

    class SlowFill(PatchMatchInpainter):
        def __call__(self, *args, **kwargs):
            entered.set()
            release.wait(10)
            return super().__call__(*args, **kwargs)

    monkeypatch.setattr(DecomposePipeline, "choose",
                        classmethod(lambda cls, *a, **k: cls(inpainter=SlowFill())))
    yield entered, release
    release.set()  # never leave a worker waiting


@pytest.mark.parametrize("cancel", [False, True])
def test_decompose_shows_the_object_found_while_it_runs_and_removes_the_preview(
        pasted, qtbot, held_fill, cancel):
    from editor.ui.job_ui import PREVIEW_OVERLAY

    entered, release = held_fill
    w = pasted
    rgba, box, truth = w.test_scene
    doc = w.doc
    draw_box(qtbot, w, box)
    steps_before = doc.history.undo_name()
    ended = []
    w.jobs.job_ended.connect(ended.append)
    job = w.decompose_commands.decompose()
    # While the background is being filled, the object found is shown over the layer.
    qtbot.waitUntil(lambda: entered.is_set() and w.canvas.overlay(PREVIEW_OVERLAY) is not None,
                    timeout=10000)
    overlay = w.canvas.overlay(PREVIEW_OVERLAY)
    assert overlay.box == Box(0, 0, SIZE, SIZE) and overlay.frame
    cy, cx = (int(v) for v in np.argwhere(truth["alpha"] > 0.99).mean(axis=0))
    shown, plain = tint_at(w, cx + 0.5, cy + 0.5), QColor(*(int(v) for v in rgba[cy, cx, :3]))
    assert shown.red() > plain.red() + 30          # the red tint over the object
    far = tint_at(w, 3.5, SIZE - 3.5)
    assert abs(far.red() - int(rgba[SIZE - 4, 3, 0])) <= 3   # nothing over the ground
    # A preview, not a change: the document is as it was.
    assert len(list(doc.layers())) == 1 and doc.history.undo_name() == steps_before
    if cancel:
        w.jobs.status.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=30000)
    assert job.state == (CANCELLED if cancel else FINISHED) and w.test_errors == []
    assert w.canvas.overlay(PREVIEW_OVERLAY) is None
    assert len(list(doc.layers())) == (1 if cancel else 2)


def test_decompose_sends_the_object_then_the_filled_background_as_previews():
    from engine.methods.decompose import DecomposeRequest, decompose

    image, box, truth = scene(SIZE, shadow=0.5)
    previews = []
    result = decompose(DecomposeRequest(image, box=box),
                       lambda step, total, preview=None: previews.append(preview)
                       if preview is not None else None)
    assert len(previews) == 2
    found, filled = previews
    assert found.shape == (SIZE, SIZE, 4) and filled.shape == (SIZE, SIZE, 4)
    assert np.array_equal(found[..., 3] > 0, result.mask)
    solid = truth["alpha"] > 0.99
    assert (found[..., 3][solid] > 0).all() and not found[..., 3][truth["alpha"] == 0].any()
    # The filled background: the object is gone from it, the rest is the picture.
    under = filled[..., :3][solid].astype(int)
    assert np.abs(under - image[solid]).mean() > 40
    far = ~result.filled & (result.shadow == 0)     # under the shadow the ground is relit
    assert np.abs(filled[..., :3][far].astype(int) - image[far]).max() <= 1
    assert (filled[..., 3] == 255).all()


def paste_scene(w, qtbot, balls, handle_box, size=128):
    """Balls ((cx, cy, radius, colour), ...) and a blue handle (rows, columns slices) on a
    grainy floor, pasted: (rgba, the handle's truth mask, each ball's alpha)."""
    from _decompose_scenes import disc_alpha, ground

    img = ground(size, size, 3, grain=0.04)
    alphas = [disc_alpha(size, size, cx, cy, r) for cx, cy, r, _ in balls]
    for a, (*_, colour) in zip(alphas, balls):
        img = a[..., None] * np.array(colour, np.float32) + (1 - a[..., None]) * img
    handle = np.zeros((size, size), bool)
    handle[handle_box] = True
    img[handle] = (0.1, 0.2, 0.8)
    rgba = np.dstack([np.clip(np.rint(img * 255), 0, 255),
                      np.full((size, size), 255)]).astype(np.uint8)
    QGuiApplication.clipboard().setImage(rgba_to_qimage(rgba))
    w.actions["paste"].trigger()
    qtbot.waitUntil(lambda: w.doc is not None and len(list(w.doc.layers())) == 1)
    w.canvas.actual_pixels()
    return rgba, handle, alphas


def paste_ball_with_handle(w, qtbot, size=128):
    """A red ball with a blue handle to its right on a grainy floor, pasted: returns the
    handle's truth mask (canvas pixels)."""
    return paste_scene(w, qtbot, [(60, 56, 22, (0.85, 0.15, 0.1))], np.s_[52:68, 78:112],
                       size)[1]


def test_brush_strokes_on_the_proposed_object_are_read_as_corrections(window, qtbot,
                                                                      monkeypatch):
    """The Quick Mask brush paints the mask in place: the proposal kept to compare with
    must not change with it, or Decompose sees no stroke and splits only the brush's trail
    (the correction shown after each stroke is left out: Decompose alone reads them)."""
    from editor.ui.decompose_commands import DecomposeCommands

    monkeypatch.setattr(DecomposeCommands, "correct_object", lambda self: None)
    w = window
    handle = paste_ball_with_handle(w, qtbot)
    doc = w.doc
    draw_box(qtbot, w, Box(28, 32, 56, 56))
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    w.tools.mode.set_size(6)
    image_drag(qtbot, w.canvas, [(90, 60), (96, 60)])
    assert (doc.selection_mask[handle] >= 128).mean() < 0.3
    w.actions["decompose"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and len(list(doc.layers())) == 2, timeout=60000)
    obj = doc.active
    alpha = np.zeros(handle.shape, np.uint8)
    alpha[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width] = obj.pixels[..., 3]
    assert (alpha[handle] > 128).mean() > 0.9           # the whole handle came along
    assert w.test_errors == []


def test_a_stroke_on_the_proposed_object_shows_the_corrected_object_before_the_split(window,
                                                                                     qtbot):
    """Select > Object proposes the ball only; a short stroke on the handle is corrected
    at once (GrabCut with the stroke): the tint covers the whole handle, not only the
    brush's trail, as one undo step, and Decompose splits what the tint showed."""
    w = window
    handle = paste_ball_with_handle(w, qtbot)
    doc = w.doc
    draw_box(qtbot, w, Box(28, 32, 56, 56))          # around the ball: the handle is left out
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    assert isinstance(w.tools.mode, QuickMaskMode)
    assert (doc.selection_mask[handle] >= 128).mean() < 0.3
    w.tools.mode.set_size(6)
    steps = doc.history.index
    image_drag(qtbot, w.canvas, [(90, 60), (96, 60)])  # a short stroke along the handle
    painted = (doc.selection_mask[handle] >= 128).mean()
    assert painted < 0.3                                # the brush's trail alone
    finish(qtbot, w)
    shown = doc.selection_mask >= 128
    assert shown[handle].mean() > 0.9                   # the whole handle, to its edges
    assert shown[20:40, 100:128].sum() == 0             # and not the floor beyond it
    assert doc.history.index == steps + 2 and doc.history.undo_name() == "Correct Object"
    assert len(list(doc.layers())) == 1                 # nothing split yet
    w.actions["decompose"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and len(list(doc.layers())) == 2, timeout=60000)
    obj = doc.active
    alpha = np.zeros(shown.shape, np.uint8)
    alpha[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width] = obj.pixels[..., 3]
    inner = cv2.erode(shown.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert (alpha[inner] > 200).mean() > 0.97           # split as shown
    assert w.test_errors == []
    assert "Select > Object" not in w.statusBar().currentMessage()  # it was seen before


def test_paint_after_the_proposal_was_cleared_is_a_new_mark_not_a_correction(window, qtbot):
    """Select > Object, then Ctrl+D: the proposal is gone. Quick Mask paint afterwards (for a
    fill, say) stays as painted and is not 'corrected' against the forgotten object."""
    w = window
    paste_ball_with_handle(w, qtbot)
    doc = w.doc
    draw_box(qtbot, w, Box(28, 32, 56, 56))
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    qtbot.keyClick(w.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert doc.selection_mask is None and isinstance(w.tools.mode, QuickMaskMode)
    w.tools.mode.set_size(10)
    image_drag(qtbot, w.canvas, [(100, 100), (115, 110)])
    painted = doc.selection_mask.copy()
    finish(qtbot, w)
    assert doc.history.undo_name() == "Quick Mask"
    assert np.array_equal(doc.selection_mask, painted) and painted[60, 56] == 0


def test_a_split_made_unseen_says_where_to_see_and_correct_the_object(pasted, qtbot):
    """Layer > Decompose with a box splits at once; the status line points to Select > Object
    for the next try (the object is shown there before anything is split)."""
    w = pasted
    draw_box(qtbot, w, w.test_scene[1])
    w.actions["decompose"].trigger()
    finish(qtbot, w)
    text = w.statusBar().currentMessage()
    assert text.startswith("Split 'Object' from") and "Ctrl+Z, then Select > Object" in text


def test_the_status_bar_says_what_the_split_is_doing(pasted, qtbot, held_fill):
    """Not "Decompose · step 7 of 12" alone: the step in plain words."""
    entered, release = held_fill
    w = pasted
    draw_box(qtbot, w, w.test_scene[1])
    w.decompose_commands.decompose()
    qtbot.waitUntil(lambda: entered.is_set(), timeout=10000)
    qtbot.waitUntil(lambda: "filling the background" in w.jobs.status.label.text(), timeout=5000)
    assert w.jobs.status.label.text().startswith("Decompose: filling the background behind it")
    release.set()
    finish(qtbot, w)
    assert len(list(w.doc.layers())) == 2 and w.test_errors == []


@pytest.mark.parametrize("marked", [True, False])
def test_the_decompose_status_lines_fit_in_the_status_bar(window, qtbot, monkeypatch, marked):
    """Each line the Decompose flow shows is read to its end in a 1200-pixel window (Select >
    Object's said what to do next past the edge of the bar)."""
    w = window
    handle = paste_ball_with_handle(w, qtbot)
    doc = w.doc
    messages, status = [], w.status
    monkeypatch.setattr(w, "status", lambda text, *a, **k: (messages.append(text),
                                                             status(text, *a, **k)))
    if marked:
        draw_box(qtbot, w, Box(28, 32, 56, 56))
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    w.tools.mode.set_size(6)
    image_drag(qtbot, w.canvas, [(90, 60), (96, 60)])
    finish(qtbot, w)
    w.actions["decompose"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and len(list(doc.layers())) == 2, timeout=60000)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()   # the correction, then the split: the picture in one layer
    w.tools.end_mode(commit=True)
    doc.clear_selection_mask()
    if marked:
        doc.set_selection(Box(28, 32, 90, 56))
    w.actions["decompose"].trigger()  # straight away, unseen
    finish(qtbot, w)
    assert w.test_errors == [] and handle.any()
    lines = [m for m in messages if "tint" in m or m.startswith(("Split", "Nothing marked"))]
    assert len(lines) >= 4
    fm, room = w.statusBar().fontMetrics(), status_room(w)
    assert w.width() == 1200 and room > 600
    for line in lines:
        assert fm.horizontalAdvance(line) <= room, line


def test_the_proposed_object_is_outlined_as_well_as_tinted(window, qtbot):
    """On a red object the red tint hides where the proposal ends: ants mark its edge (plain
    Quick Mask paint has none, as in Photoshop)."""
    from ui_helpers import on_canvas

    w = window
    paste_ball_with_handle(w, qtbot)
    doc = w.doc
    w.canvas.actual_pixels()
    draw_box(qtbot, w, Box(28, 32, 56, 56))
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    mask = doc.selection_mask >= 128
    edge = mask & ~(cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)

    def ants_on_edge() -> float:
        shown = on_canvas(w.canvas)
        bw = (shown.max(axis=2) < 40) | (shown.min(axis=2) > 215)   # black or white dashes
        return bw[edge].mean()

    assert ants_on_edge() > 0.3
    qtbot.keyClick(w.canvas, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    w.tools.mode.set_size(30)
    image_drag(qtbot, w.canvas, [(50, 50), (60, 60)])   # plain paint now: tint only
    finish(qtbot, w)
    mask = doc.selection_mask >= 128
    edge = mask & ~(cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    assert ants_on_edge() < 0.05


def test_decompose_and_fill_on_a_locked_layer_say_how_to_unlock_it(pasted, qtbot):
    w = pasted
    doc = w.doc
    (layer,) = doc.layers()
    doc.set_locked(layer, True)
    draw_box(qtbot, w, w.test_scene[1])
    w.actions["decompose"].trigger()
    w.edit_commands.content_aware_fill()
    assert [m for _, m in w.test_errors] == [
        f"Layer '{layer.name}' is locked. Unlock it first: Layer > Lock/Unlock Layer (Ctrl+/)."] * 2
    assert len(list(doc.layers())) == 1 and not w.jobs.busy


def test_decompose_first_shows_the_object_then_enter_splits_it(preview_window, qtbot):
    w = preview_window
    rgba, box, truth = w.test_scene
    doc = w.doc
    draw_box(qtbot, w, box)
    job = w.decompose_commands.decompose()  # Alt+Ctrl+D
    assert job.name == "Select Object"
    finish(qtbot, w)
    # Nothing split yet: the object found is tinted and outlined, to be corrected.
    assert len(list(doc.layers())) == 1 and np.array_equal(next(doc.layers()).pixels, rgba)
    mode = w.tools.mode
    assert isinstance(mode, QuickMaskMode) and mode.shows_outline()
    found, ball = doc.selection_mask >= 128, truth["alpha"] > 0.5
    assert (found & ball).sum() / (found | ball).sum() > 0.8
    assert "Enter splits it, Esc cancels" in w.statusBar().currentMessage()
    split = w.findChild(QPushButton, "quick_mask_split")
    assert split is not None and split.isVisible()
    # Enter splits the object as shown: one "Decompose" step after the proposal's.
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    finish(qtbot, w)
    assert [layer.name for layer in doc.layers()][-1] == "Object"
    assert len(list(doc.layers())) == 2 and doc.history.undo_name() == "Decompose"
    assert not isinstance(w.tools.mode, QuickMaskMode)
    assert np.abs(composite_document(doc)[..., :3].astype(int) - rgba[..., :3]).max() <= 2


def test_esc_on_the_shown_object_takes_it_back_and_splits_nothing(preview_window, qtbot):
    w = preview_window
    rgba, box, truth = w.test_scene
    doc = w.doc
    draw_box(qtbot, w, box)
    before = (doc.history.index, doc.history.undo_name())
    w.actions["decompose"].trigger()
    finish(qtbot, w)
    assert doc.selection_mask is not None
    # A correction stroke, then Esc: the proposal, the stroke and its correction go back.
    w.tools.mode.set_size(10)
    image_drag(qtbot, w.canvas, [(box.x + 2, box.y + 2), (box.x + 12, box.y + 2)])
    finish(qtbot, w)
    assert doc.history.index > before[0] + 1
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert (doc.history.index, doc.history.undo_name()) == before
    assert doc.selection_mask is None and doc.selection == box  # the box is as it was
    assert not isinstance(w.tools.mode, QuickMaskMode)
    assert len(list(doc.layers())) == 1 and np.array_equal(next(doc.layers()).pixels, rgba)
    assert "nothing was split" in w.statusBar().currentMessage()
    # Decompose again shows the object again (the proposal was forgotten).
    assert w.decompose_commands.decompose().name == "Select Object"
    finish(qtbot, w)


def test_show_the_object_first_is_a_decompose_option(preview_window, qtbot):
    from editor.ui.decompose_commands import DecomposeOptionsDialog

    w = preview_window
    rgba, box, _ = w.test_scene
    dialog = DecomposeOptionsDialog(w, w.decompose_commands.options())
    assert dialog.show_first.isChecked()
    dialog.deleteLater()

    def untick_and_ok(d):
        d.show_first.setChecked(False)
        d.accept()

    shown = []
    QTimer.singleShot(0, lambda: [untick_and_ok(d) for d in w.findChildren(DecomposeOptionsDialog)
                                  if d.isVisible() and not shown.append(d)])
    w.actions["decompose_options"].trigger()
    assert shown and w.settings.value("decompose/show_first", True, bool) is False
    draw_box(qtbot, w, box)
    assert w.decompose_commands.decompose().name == "Decompose"  # at once, as asked
    finish(qtbot, w)
    assert len(list(w.doc.layers())) == 2


def paste_balls_one_with_handle(w, qtbot, size=128):
    """A red ball holding a blue handle, and a blue ball, on a grainy floor, pasted:
    (rgba, the handle's truth mask, the balls' truth masks)."""
    rgba, handle, alphas = paste_scene(w, qtbot, [(40, 40, 20, (0.85, 0.15, 0.1)),
                                                  (88, 92, 20, (0.1, 0.25, 0.85))],
                                       np.s_[34:46, 58:84], size)
    return rgba, handle, [(a > 0.5) & ~handle for a in alphas]


def test_decompose_into_layers_splits_the_corrected_object_as_shown(window, qtbot,
                                                                       monkeypatch):
    """Select > Object around two balls, one holding a handle; a stroke takes the handle
    away, which leaves two separate parts; Layer > Decompose into Layers: the object layers
    are the corrected object the tint showed, one per part, not a fresh GrabCut from the
    parts' boxes, in one undo step."""
    w = window
    rgba, handle, (red, blue) = paste_balls_one_with_handle(w, qtbot)
    balls = red | blue
    doc = w.doc
    draw_box(qtbot, w, Box(12, 12, 108, 104))        # around both balls and the handle
    w.actions["select_object"].trigger()
    qtbot.waitUntil(lambda: not w.jobs.busy and doc.selection_mask is not None, timeout=60000)
    assert (doc.selection_mask[handle | balls] >= 128).mean() > 0.9   # all of them, joined
    w.tools.mode.set_size(6)
    image_drag(qtbot, w.canvas, [(74, 40), (80, 40)], modifier=Qt.KeyboardModifier.AltModifier)
    finish(qtbot, w)
    assert doc.history.undo_name() == "Correct Object"
    shown = doc.selection_mask >= 128
    assert shown[handle].mean() < 0.1 and shown[balls].mean() > 0.9  # the handle taken away
    steps = doc.history.index
    from engine.methods.decompose_steps.segment import GrabCutSegmenter

    segmented = []
    monkeypatch.setattr(GrabCutSegmenter, "__call__",
                        lambda self, *a, **k: segmented.append(1) or np.zeros(1))
    w.actions["decompose_layers"].trigger()
    finish(qtbot, w)
    assert w.test_errors == [] and segmented == []       # nothing segmented afresh
    objects = list(doc.layers())[1:]
    assert len(objects) == 2                             # the red ball and the blue one
    for ball in (red, blue):                             # each in a layer of its own
        held = [(obj.pixels[..., 3] > 127)[ball[obj.y:obj.y + obj.height,
                                                obj.x:obj.x + obj.width]].sum()
                for obj in objects]
        assert max(held) > 0.95 * ball.sum() and min(held) == 0
    alpha = np.zeros(shown.shape, np.uint8)
    for obj in objects:
        alpha[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width] = np.maximum(
            alpha[obj.y:obj.y + obj.height, obj.x:obj.x + obj.width], obj.pixels[..., 3])
    kernel = np.ones((5, 5), np.uint8)
    inner = cv2.erode(shown.astype(np.uint8), kernel) > 0
    outer = cv2.dilate(shown.astype(np.uint8), kernel) > 0
    assert (alpha[inner] > 200).mean() > 0.97           # split as shown...
    assert (alpha[handle & ~outer] > 30).mean() < 0.05  # ...the part taken away stays behind
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Decompose"
    assert np.abs(composite_document(doc).astype(int) - rgba).max() <= 1
    w.actions["undo"].trigger()
    assert len(list(doc.layers())) == 1 and np.array_equal(next(doc.layers()).pixels, rgba)
