"""The Crop tool's Angle and Content-Aware option, driven through the window as a user would:
a box turned 10° with Content-Aware on crops a textured photo with no empty corners, the
corners filled like the texture round them, crop and fill one undo step; off, the corners
stay transparent as before; Cancel during the fill leaves the document as it was."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox

from editor.jobs import CANCELLED, FINISHED
from editor.model.background_layer import layer_from_background
from editor.model.crop_fill import brought_in
from engine.box import Box
from ui_helpers import image_drag, make_window, write_png


def texture(w: int, h: int, seed: int = 3) -> np.ndarray:
    """A photo-like texture: smoothed noise round a mid grey, the same statistics everywhere."""
    import cv2

    rng = np.random.default_rng(seed)
    noise = rng.normal(0, 1, (h, w, 3)).astype(np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), 1.5)
    rgb = np.clip(np.array([120, 140, 100], np.float32) + 90 * noise, 0, 255)
    return np.dstack([np.rint(rgb), np.full((h, w), 255)]).astype(np.uint8)


def opened_for_cropping(qtbot, tmp_path, monkeypatch, background: bool = False):
    """The window with a 120 x 90 texture opened, the Crop tool (C) chosen; the opaque PNG
    opens as the Background, made a plain layer unless `background`."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    png = write_png(tmp_path / "texture.png", texture(120, 90))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [png])
    w.actions["open"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 1, timeout=10000)
    if not background:
        # (the Background's uncovered corners would be filled with the background colour:
        # a plain layer's stay transparent unless Content-Aware)
        layer_from_background(w.doc)
        w.doc.history.clear()
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_C)
    assert w.tools.current.id == "crop"
    return w


@pytest.fixture
def cropping(qtbot, tmp_path, monkeypatch):
    """The window with a 120 x 90 texture opened as a plain layer, the Crop tool chosen."""
    return opened_for_cropping(qtbot, tmp_path, monkeypatch)


def options(w):
    bar = w.findChild(QDoubleSpinBox, "CropAngle").parentWidget()
    return bar.findChild(QDoubleSpinBox, "CropAngle"), bar.findChild(QCheckBox, "CropContentAware")


def turn_and_crop(qtbot, w, aware: bool) -> None:
    angle, content_aware = options(w)
    content_aware.setChecked(aware)
    angle.setValue(10.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)


def test_content_aware_fills_the_corners_like_the_texture_in_one_step(cropping, qtbot):
    w = cropping
    doc = w.doc
    (layer,) = doc.layers()
    turn_and_crop(qtbot, w, True)
    job = w.tools.current.fill_job
    assert job is not None
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    assert doc.size == (120, 90)
    assert doc.history.count == 1 and doc.history.undo_name() == "Crop"
    px = layer.pixels
    assert (layer.x, layer.y, px.shape[:2]) == (0, 0, (90, 120))
    assert (px[..., 3] == 255).all()  # no transparent corner left
    corners = brought_in((120, 90), (120, 90), doc.canvas, 10.0)
    assert corners.sum() > 300
    # Each corner's fill has the texture's statistics: its mean within a few levels of the
    # picture round it, and its spread like the texture's (not a flat colour).
    import cv2
    ring = cv2.dilate(corners.astype(np.uint8), np.ones((15, 15), np.uint8)).astype(bool) & ~corners
    rgb = px[..., :3].astype(np.float32)
    for c in range(3):
        assert abs(rgb[corners][:, c].mean() - rgb[ring][:, c].mean()) < 6
    assert rgb[corners].std() > 0.6 * rgb[ring].std()
    w.actions["undo"].trigger()
    assert doc.size == (120, 90) and doc.history.index == 0
    np.testing.assert_array_equal(layer.pixels, texture(120, 90))


def test_without_content_aware_the_corners_stay_transparent(cropping, qtbot):
    w = cropping
    doc = w.doc
    (layer,) = doc.layers()
    turn_and_crop(qtbot, w, False)
    assert w.tools.current.fill_job is None
    assert doc.size == (120, 90) and doc.history.count == 1
    assert layer.pixels[0, 0, 3] == 0 and layer.pixels[-1, -1, 3] == 0  # corners empty
    assert layer.pixels[45, 60, 3] == 255


def test_on_the_background_the_corners_take_the_background_colour(qtbot, tmp_path, monkeypatch):
    """As Photoshop: a turned crop on the Background layer fills what it brings in with the
    background colour (the layer stays opaque), one undo step."""
    w = opened_for_cropping(qtbot, tmp_path, monkeypatch, background=True)
    w.set_background(QColor(20, 180, 60))
    doc = w.doc
    (layer,) = doc.layers()
    assert layer.is_background
    turn_and_crop(qtbot, w, False)
    assert doc.size == (120, 90) and doc.history.count == 1
    (layer,) = doc.layers()
    assert layer.is_background and (layer.pixels[..., 3] == 255).all()
    assert tuple(layer.pixels[0, 0]) == (20, 180, 60, 255)
    assert tuple(layer.pixels[-1, -1]) == (20, 180, 60, 255)
    w.actions["undo"].trigger()
    (layer,) = doc.layers()
    np.testing.assert_array_equal(layer.pixels, texture(120, 90))


def test_cancelling_the_fill_leaves_the_document_unchanged(cropping, qtbot, monkeypatch):
    w = cropping
    doc = w.doc
    (layer,) = doc.layers()

    def slow_fill(prepared, progress):  # a fill still running when the user presses Esc
        import time
        for step in range(2000):
            progress(step, 2000)  # raises Cancelled once cancelled
            time.sleep(0.01)
        raise AssertionError("never cancelled")

    monkeypatch.setattr("editor.ui.edit_commands.run_content_fill", slow_fill)
    turn_and_crop(qtbot, w, True)
    job = w.tools.current.fill_job
    qtbot.waitUntil(lambda: w.jobs.current is job, timeout=10000)
    assert doc.size == (120, 90) and layer.pixels[0, 0, 3] == 0  # cropped, being filled
    assert w.jobs.cancel_action.isEnabled()
    w.jobs.cancel_action.trigger()  # Esc
    qtbot.waitUntil(lambda: job.state == CANCELLED, timeout=20000)
    assert doc.history.index == 0 and not doc.history.can_redo()
    assert doc.size == (120, 90)
    np.testing.assert_array_equal(layer.pixels, texture(120, 90))


def test_a_box_dragged_past_the_edge_grows_the_canvas_filled(cropping, qtbot):
    w = cropping
    doc, canvas = w.doc, w.canvas
    (layer,) = doc.layers()
    canvas.set_zoom(2.0)
    options(w)[1].setChecked(True)
    image_drag(qtbot, canvas, [(120, 45), (126, 45), (132, 45)])  # the right handle, out
    assert w.tools.current.current_box(canvas) == Box(0, 0, 132, 90)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    job = w.tools.current.fill_job
    qtbot.waitUntil(lambda: job.state == FINISHED, timeout=60000)
    assert doc.size == (132, 90) and doc.history.count == 1
    assert (layer.pixels[..., 3] == 255).all() and layer.pixels.shape[:2] == (90, 132)
    np.testing.assert_array_equal(layer.pixels[:, :120], texture(120, 90))


def test_a_layer_that_cannot_take_the_fill_is_said_and_nothing_cropped(cropping, qtbot):
    w = cropping
    doc = w.doc
    (layer,) = doc.layers()
    doc.set_locked(layer, True)  # (the Layers panel's Lock All)
    steps = doc.history.count
    turn_and_crop(qtbot, w, True)
    assert doc.history.count == steps and w.tools.current.fill_job is None
    ((title, message),) = w.test_errors
    assert title == "Could not crop" and "locked" in message and "\n" not in message.strip()
    np.testing.assert_array_equal(layer.pixels, texture(120, 90))


def test_a_box_past_the_canvas_is_filled_there_too():
    """The model path on its own: a box reaching 12 px past the right edge, not turned."""
    from editor.model import Document
    from editor.model.content_fill import apply_content_fill, run_content_fill
    from editor.model.crop_fill import prepare_crop_fill, straightened_crop
    from engine.box import Box

    doc = Document(120, 90)
    layer = doc.add_image(texture(120, 90), "Photo", 0, 0)
    box = Box(20, 0, 112, 90)
    steps = doc.history.count
    with doc.history.macro("Crop"):
        straightened_crop(doc, box)
        hole = brought_in((112, 90), (120, 90), box)
        assert hole.sum() == 12 * 90 and hole[:, 100:].all()
        job = prepare_crop_fill(doc, layer, hole)
        apply_content_fill(doc, job, run_content_fill(job), name="Crop")
    assert doc.size == (112, 90) and (layer.pixels[..., 3] == 255).all()
    assert doc.history.count == steps + 1
    np.testing.assert_array_equal(layer.pixels[:, :100], texture(120, 90)[:, 20:])
