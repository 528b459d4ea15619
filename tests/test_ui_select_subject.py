"""Select > Subject and the selection tools' Select Subject button, driven in the real window:
the main subject of a picture nobody marked becomes a soft selection, as one undo step, on the
worker with Cancel."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from editor.jobs import CANCELLED, FINISHED
from editor.model import selection_ops
from test_decompose_saliency import bust_scene
from ui_helpers import pasted_window

SHIFT = Qt.KeyboardModifier.ShiftModifier


def subject_scene(textured: bool) -> tuple[np.ndarray, np.ndarray]:
    """An orange, shaded, lumpy object with a soft (anti-aliased) edge, left of centre, on a
    plain grey or a striped, noisy green-grey ground (260 x 200); (RGBA pixels, truth)."""
    rng = np.random.default_rng(3)
    h, w = 200, 260
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if textured:
        ground = np.stack([90 + 20 * np.sin(xx / 5), 110 + 15 * np.sin((xx + yy) / 7),
                           80 + 10 * np.cos(yy / 4)], -1) + rng.normal(0, 12, (h, w, 3))
    else:
        ground = np.full((h, w, 3), 128.0) + rng.normal(0, 2, (h, w, 3))
    # A lumpy ellipse; its alpha ramps over about 2 pixels, as a photo's edge does.
    level = ((xx - 105) / 55) ** 2 + ((yy - 95) / 48) ** 2 + 0.2 * np.sin(xx / 7) \
        * np.cos(yy / 9)
    alpha = np.clip((1.0 - level) * 30 + 0.5, 0.0, 1.0)[..., None]
    shade = (1.0 - 0.35 * (xx - 50) / 110)[..., None]
    colour = np.array([230, 140, 40], np.float32) * shade + rng.normal(0, 5, (h, w, 3))
    rgb = alpha * colour + (1 - alpha) * ground
    pixels = np.dstack([np.clip(rgb, 0, 255).astype(np.uint8), np.full((h, w), 255, np.uint8)])
    return pixels, alpha[..., 0] >= 0.5


def mask_of(doc) -> np.ndarray:
    mask = selection_ops.current_mask(doc)
    return np.zeros((doc.height, doc.width), np.uint8) if mask is None else mask


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def ground_share(selected: np.ndarray, truth: np.ndarray) -> float:
    """How much of the ground (beyond a 4-pixel rim round the object) is selected."""
    import cv2

    near = cv2.dilate(truth.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0
    return float(selected[~near].mean())


def run_and_wait(w, qtbot, start) -> object:
    steps = w.doc.history.count
    job = start()
    assert job is not None
    qtbot.waitUntil(lambda: job.state in (FINISHED, CANCELLED) or bool(w.test_errors), timeout=60000)
    assert w.test_errors == [] and job.state == FINISHED
    assert w.doc.history.count == steps + 1
    return job


@pytest.mark.parametrize("textured", [False, True], ids=["plain", "textured"])
def test_select_subject_selects_the_object_softly_and_undo_takes_it_back(
        qtbot, tmp_path, monkeypatch, textured):
    pixels, truth = subject_scene(textured)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    doc = w.doc
    action = w.actions["select_subject"]
    assert action in w.menus["select"].actions() and action.isEnabled()
    steps = doc.history.count
    action.trigger()
    qtbot.waitUntil(lambda: doc.history.count > steps or bool(w.test_errors), timeout=60000)
    assert w.test_errors == []
    assert doc.history.undo_name() == "Select Subject" and doc.history.count == steps + 1
    mask = mask_of(doc)
    assert iou(mask >= 128, truth) > 0.8, iou(mask >= 128, truth)
    assert ground_share(mask >= 128, truth) < 0.01
    # Soft: the edge has partly selected pixels, as the picture's edge is partly object.
    assert ((mask > 0) & (mask < 255)).sum() > 50
    w.actions["undo"].trigger()
    assert selection_ops.current_mask(doc) is None
    assert doc.history.redo_name() == "Select Subject"


def test_select_subject_button_replaces_and_with_shift_adds(qtbot, tmp_path, monkeypatch):
    pixels, truth = subject_scene(True)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    doc = w.doc
    corner = np.zeros((doc.height, doc.width), np.uint8)
    corner[150:190, 200:250] = 255   # a square of ground, far from the object
    selection_ops.select_mask(doc, corner, "replace", "Rectangular Marquee")
    qtbot.keyClick(w.canvas, Qt.Key.Key_W)
    tool = w.tools.current
    assert tool.id == "object_select"
    button = tool.options().findChild(QToolButton, "object_select_select_subject")
    assert button is not None and button.text() == "Select Subject"
    run_and_wait(w, qtbot, lambda: (qtbot.mouseClick(button, Qt.MouseButton.LeftButton,
                                                     SHIFT), tool.job)[1])
    assert doc.history.undo_name() == "Select Subject"
    assert iou(mask_of(doc) >= 128, truth | (corner > 0)) > 0.8
    # A plain click replaces the selection.
    run_and_wait(w, qtbot, lambda: (qtbot.mouseClick(button, Qt.MouseButton.LeftButton),
                                    tool.job)[1])
    mask = mask_of(doc) >= 128
    assert iou(mask, truth) > 0.8 and not mask[150:190, 200:250].any()


def test_cancel_leaves_the_old_selection(qtbot, tmp_path, monkeypatch):
    import cv2

    pixels, _truth = subject_scene(True)
    # Three times larger, so that the search outlasts the click on Cancel.
    pixels = cv2.resize(pixels, None, fx=3, fy=3, interpolation=cv2.INTER_LINEAR)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 0.5)
    doc = w.doc
    corner = np.zeros((doc.height, doc.width), np.uint8)
    corner[10:60, 10:80] = 255
    selection_ops.select_mask(doc, corner, "replace", "Rectangular Marquee")
    before, steps = mask_of(doc).copy(), doc.history.count
    started = []

    def cancel(job) -> None:
        # What the user sees as the job starts: its name, progress and Cancel.
        started.append((job, w.jobs.status.isVisible(), w.jobs.status.label.text()))
        w.jobs.status.cancel_button.click()

    w.jobs.job_started.connect(cancel)
    w.actions["select_subject"].trigger()
    qtbot.waitUntil(lambda: bool(started), timeout=10000)
    job, visible, label = started[0]
    assert job.name == "Select Subject" and visible and label.startswith("Select Subject")
    qtbot.waitUntil(lambda: job.state in (FINISHED, CANCELLED), timeout=60000)
    assert job.state == CANCELLED
    assert doc.history.count == steps and (mask_of(doc) == before).all()
    assert w.test_errors == []


def test_empty_document_is_refused_in_one_line(qtbot, tmp_path, monkeypatch):
    from editor.ui.dialogs import NewDocumentSpec

    w = pasted_window(qtbot, tmp_path, monkeypatch, subject_scene(False)[0], 1.0)
    monkeypatch.setattr("editor.ui.dialogs.ask_new_document",
                        lambda *a, **k: NewDocumentSpec("Empty", 300, 200, "transparent"))
    w.actions["new"].trigger()
    doc = w.doc
    assert doc.width == 300 and next(doc.layers()).is_empty()
    w.actions["select_subject"].trigger()
    assert w.jobs.current is None and doc.history.count == 0
    assert len(w.test_errors) == 1
    title, message = w.test_errors[0]
    assert message == "The document is empty: there is no subject to select.", message


def test_quick_selection_button_samples_all_layers(qtbot, tmp_path, monkeypatch):
    """With an empty layer active, Select > Subject (the active layer, as Photoshop's
    default) finds nothing to look at; the Quick Selection tool's button with Sample All
    Layers looks at what the canvas shows and selects the object."""
    pixels, truth = subject_scene(False)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    doc = w.doc
    top = doc.add_image(np.zeros((doc.height, doc.width, 4), np.uint8), "Empty", 0, 0)
    doc.set_active(top)
    w.actions["select_subject"].trigger()
    assert [m for _t, m in w.test_errors] == \
        ["Layer 'Empty' shows nothing on the canvas: there is no subject to select."]
    w.test_errors.clear()
    qtbot.keyClick(w.canvas, Qt.Key.Key_W)
    qtbot.keyClick(w.canvas, Qt.Key.Key_W, SHIFT)
    tool = w.tools.current
    assert tool.id == "quick_select"
    tool.set_sample_all(True)
    button = tool.options().findChild(QToolButton, "quick_select_select_subject")
    run_and_wait(w, qtbot, lambda: (button.click(), tool.job)[1])
    assert iou(mask_of(doc) >= 128, truth) > 0.8


def test_select_subject_on_a_photo_selects_the_rocket_not_the_sky(qtbot, tmp_path, monkeypatch):
    """scikit-image's rocket at dusk: GrabCut alone took a rectangle of sky between the
    launch towers; the saliency check (`decompose_steps.salient`) finds the rocket."""
    import skimage.data

    from engine.testing.real_objects import CASES, iou as scored_iou

    rgb = skimage.data.rocket()
    pixels = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])
    case = next(c for c in CASES if c.name == "falcon rocket")
    truth, scored = case.truth(rgb.shape)
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    steps = w.doc.history.count
    w.actions["select_subject"].trigger()
    qtbot.waitUntil(lambda: w.doc.history.count > steps or bool(w.test_errors), timeout=60000)
    assert w.test_errors == []
    selected = mask_of(w.doc) >= 128
    assert scored_iou(selected, truth, scored) > 0.5
    sky = np.zeros_like(selected)
    sky[20:300, 120:290] = True   # left of the rocket, between the towers
    assert selected[sky].mean() < 0.01


def test_select_subject_takes_a_body_that_runs_off_the_bottom_edge_to_the_edge(
        qtbot, tmp_path, monkeypatch):
    """The search's GrabCut starts from a rectangle inset from the border, and its box
    stopped short of the bottom edge: the last rows of the body were left unselected. A
    guess that reaches the inset margin where the margin has its colours runs off the
    picture there, and its box goes to that edge (`salient._cut_sides`)."""
    pixels, truth = bust_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    steps = w.doc.history.count
    w.actions["select_subject"].trigger()
    qtbot.waitUntil(lambda: w.doc.history.count > steps or bool(w.test_errors), timeout=60000)
    assert w.test_errors == [] and w.doc.history.undo_name() == "Select Subject"
    selected = mask_of(w.doc) >= 128
    assert selected[-8:][truth[-8:]].mean() > 0.95   # the body's last rows, to the edge
    assert iou(selected, truth) > 0.97, iou(selected, truth)
    assert ground_share(selected, truth) < 0.01
