"""Select > Sky and Edit > Sky Replacement… driven in the real window: the sky of a picture
becomes a soft selection in one undo step (nothing on a picture without sky); Sky
Replacement previews on the canvas, makes Photoshop's "Sky Replacement Group" (or one merged
layer) in one undo step with the new sky's colours where the sky was and the ground as it
was, and Cancel leaves the document alone."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from editor.model import AdjustmentLayer, Group, Layer, selection_ops
from editor.model.render import composite_document
from editor.model.sky_replace import GROUP_NAME, builtin_skies
from editor.ui.sky_replacement_dialog import OVERLAY
from ui_helpers import in_modal_dialog, pasted_window, photo, write_png


def sky_scene(h: int = 200, w: int = 300, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """A blue gradient sky over a textured, noisy brown-green ground, the horizon jagged
    (teeth, a wave and a random walk); (RGBA pixels, truth: True where sky)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (yy / h)[..., None]
    sky = np.array([40, 100, 200], np.float32) * (1 - t) \
        + np.array([170, 205, 240], np.float32) * t + rng.normal(0, 1.5, (h, w, 3))
    x = np.arange(w, dtype=np.float32)
    horizon = 0.55 * h + 10 * np.sin(x / 9) + 6 * np.sign(np.sin(x / 4)) \
        + rng.normal(0, 2, w).cumsum() * 0.3
    ground = np.stack([100 + 25 * np.sin(xx / 3) * np.cos(yy / 5),
                       90 + 20 * np.sin((xx + yy) / 4), 50 + 10 * np.cos(yy / 2)], -1) \
        + rng.normal(0, 14, (h, w, 3))
    truth = yy < horizon[None, :]
    rgb = np.where(truth[..., None], sky, ground)
    pixels = np.dstack([np.clip(rgb, 0, 255).astype(np.uint8), np.full((h, w), 255, np.uint8)])
    return pixels, truth


def selected(doc) -> np.ndarray:
    mask = selection_ops.current_mask(doc)
    return np.zeros((doc.height, doc.width), np.uint8) if mask is None else mask


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max(1, (a | b).sum()))


def inner(region: np.ndarray, margin: int = 5) -> np.ndarray:
    """`region` less the pixels within `margin` of its edge."""
    import cv2

    k = np.ones((2 * margin + 1,) * 2, np.uint8)
    return cv2.erode(region.astype(np.uint8), k, borderType=cv2.BORDER_REPLICATE) > 0


def select_sky(w, qtbot) -> int:
    """Select > Sky from the menu, waited for; how many undo steps it made."""
    steps = w.doc.history.count
    action = w.actions["select_sky"]
    assert action in w.menus["select"].actions() and action.isEnabled()
    action.trigger()
    assert w.jobs.busy
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    assert w.test_errors == []
    return w.doc.history.count - steps


def test_select_sky_selects_the_sky_softly_in_one_step(qtbot, tmp_path, monkeypatch):
    pixels, truth = sky_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    assert select_sky(w, qtbot) == 1 and w.doc.history.undo_name() == "Select Sky"
    mask = selected(w.doc)
    assert iou(mask >= 128, truth) > 0.95, iou(mask >= 128, truth)
    # Soft along the horizon, as the picture's edge is: partly selected pixels there.
    assert ((mask > 0) & (mask < 255)).sum() > 30
    w.actions["undo"].trigger()
    assert selection_ops.current_mask(w.doc) is None


@pytest.mark.parametrize("which", ["coffee", "chelsea", "astronaut"])
def test_select_sky_on_a_picture_without_sky_selects_nothing(qtbot, tmp_path, monkeypatch,
                                                             which):
    w = pasted_window(qtbot, tmp_path, monkeypatch, photo(300, 220, which), 1.0)
    assert select_sky(w, qtbot) == 0   # nothing was selected and nothing is
    assert (selected(w.doc) >= 128).mean() < 0.01
    assert "No sky" in w.statusBar().currentMessage()


def test_select_sky_takes_no_transparent_pixels_for_sky(qtbot, tmp_path, monkeypatch):
    """A cut-out layer: its transparent top (white paper to the eye) is no overcast sky; the
    real sky left in a transparent picture's opaque part is still found, only there."""
    pixels, truth = sky_scene()
    cut = pixels.copy()
    cut[..., 3] = np.where(truth, 0, 255)
    w = pasted_window(qtbot, tmp_path, monkeypatch, cut, 1.0)
    assert w.doc.active.pixels[..., 3].min() == 0   # the paste kept the transparency
    assert select_sky(w, qtbot) == 0 and (selected(w.doc) >= 128).sum() == 0
    half = pixels.copy()
    half[:, :150, 3] = 0
    w = pasted_window(qtbot, tmp_path, monkeypatch, half, 1.0)
    assert select_sky(w, qtbot) == 1
    mask = selected(w.doc) >= 128
    assert not mask[:, :150].any() and iou(mask[:, 150:], truth[:, 150:]) > 0.9


def replace_sky(w, qtbot, drive) -> dict:
    """Edit > Sky Replacement… with `drive(dialog, seen)` inside once the first preview
    showed; waits for the job when OK was pressed."""
    action = w.actions["sky_replacement"]
    assert action in w.menus["edit"].actions() and action.isEnabled()

    def inside(dialog, seen):
        qtbot.waitUntil(lambda: dialog.previews >= 1, timeout=60000)
        seen["overlay"] = w.canvas.overlay(OVERLAY) is not None
        drive(dialog, seen)

    seen = in_modal_dialog(qtbot, action.trigger, inside, "SkyReplacementDialog")
    qtbot.waitUntil(lambda: not w.jobs.busy, timeout=60000)
    assert w.canvas.overlay(OVERLAY) is None   # the preview goes with the dialog
    return seen


def test_sky_replacement_makes_the_group_in_one_step_and_undo_removes_it(
        qtbot, tmp_path, monkeypatch):
    pixels, truth = sky_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    doc = w.doc
    (photo_layer,) = doc.layers()
    w.actions["new_layer"].trigger()   # an empty layer above: the group goes under it
    doc.set_active(photo_layer)
    before = composite_document(doc)
    steps = doc.history.count
    sky = builtin_skies()["Sunset (Layered)"]

    def drive(dialog, seen):
        seen["previews"] = dialog.previews
        dialog.sky.setCurrentIndex(dialog.sky.findData("Sunset (Layered)"))
        for field in ("lighting", "color"):   # the ground as it was
            dialog.fields[field].setValue(0)
        dialog.fields["brightness"].setValue(20)
        dialog.fields["temperature"].setValue(25)
        qtbot.waitUntil(lambda: dialog.previews > seen["previews"], timeout=60000)
        assert np.array_equal(composite_document(doc), before)  # only the overlay changed
        seen["preview"] = dialog.preview_image

    seen = replace_sky(w, qtbot, drive)
    assert seen["overlay"] and w.test_errors == []
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Sky Replacement"
    assert [n.name for n in doc.root.children] == ["Pasted Layer", GROUP_NAME, "Layer 1"]
    group = doc.root.children[1]
    assert isinstance(group, Group) and doc.active is group
    assert "layer 'Pasted Layer'" in w.statusBar().currentMessage()
    names = [n.name for n in group.children]
    assert names == ["Sky", "Sky Brightness", "Sky Temperature", "Foreground Color",
                     "Foreground Lighting"]
    sky_layer, brightness, temperature, colour, lighting = group.children
    assert type(sky_layer) is Layer and sky_layer.mask is not None
    assert isinstance(brightness, AdjustmentLayer) and brightness.clipping
    assert brightness.settings.brightness == 30 and temperature.clipping
    assert temperature.settings.midtones == (25, 0, -25)   # warmer
    assert colour.blend_mode == "color" and lighting.blend_mode == "multiply"
    assert colour.mask is not None and lighting.mask is not None
    # The sky layer's mask is the sky: open where the sky was, shut on the ground.
    m = sky_layer.mask.pixels
    assert (m[truth] >= 128).mean() > 0.95 and (m[~truth] < 128).mean() > 0.95

    after = composite_document(doc).astype(np.int16)
    inner_sky, inner_ground = inner(truth), inner(~truth)
    # The ground as it was; the sky now sunset-coloured: warm where the old sky was blue.
    assert np.abs(after[inner_ground] - before[inner_ground]).max() <= 2
    old, new = before[inner_sky][:, :3].mean(0), after[inner_sky][:, :3].mean(0)
    assert old[2] > old[0] + 60 and new[0] > new[2] + 20, (old, new)
    lower = sky.astype(np.int16)[-sky.shape[0] // 3:].reshape(-1, 3).mean(0)
    assert np.abs(after[inner_sky][:, :3].mean(0) - lower).max() < 60
    # The preview showed the same picture, reduced.
    assert seen["preview"].shape[:2] == (200, 300)
    assert np.abs(seen["preview"].astype(np.int16)[inner_sky].mean(0)
                  - after[inner_sky].mean(0)).max() < 6

    w.actions["undo"].trigger()
    assert not any(n.name == GROUP_NAME for n in doc.root.walk())
    assert np.array_equal(composite_document(doc), before)


def test_sky_replacement_to_a_duplicate_layer_and_cancel(qtbot, tmp_path, monkeypatch):
    pixels, truth = sky_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    doc = w.doc
    before = composite_document(doc)
    steps = doc.history.count

    def cancel(dialog, seen):
        dialog.fields["shift_edge"].setValue(50)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
        seen["cancel"] = True

    replace_sky(w, qtbot, cancel)
    assert doc.history.count == steps and np.array_equal(composite_document(doc), before)
    assert len(list(doc.layers())) == 1

    # Load Sky…: a picture of the user's (a red-to-orange sky) becomes the choice.
    yy = np.linspace(0, 1, 120)[:, None, None]
    red = np.broadcast_to(np.array([200, 30, 20]) * (1 - yy) + np.array([250, 140, 40]) * yy,
                          (120, 160, 3)).astype(np.uint8)
    path = write_png(tmp_path / "red sky.png", red)
    monkeypatch.setattr("editor.ui.sky_replacement_dialog.QFileDialog.getOpenFileName",
                        lambda *a, **k: (path, ""))

    def duplicate(dialog, seen):
        qtbot.mouseClick(dialog.findChild(QPushButton, "SkyLoad"), Qt.MouseButton.LeftButton)
        assert dialog.sky.currentText() == "red sky.png"
        dialog.output.setCurrentIndex(dialog.output.findData("duplicate"))
        dialog.lighting_mode.setCurrentIndex(dialog.lighting_mode.findData("screen"))

    replace_sky(w, qtbot, duplicate)
    assert w.test_errors == [] and doc.history.count == steps + 1
    layers = list(doc.layers())
    assert [n.name for n in layers][-1] == "Sky Replacement" and len(layers) == 2
    merged = layers[-1].pixels.astype(np.int16)
    # Default Foreground Adaptation: Screen at 50 % lifts the ground a little, never darkens
    # it; Color at 25 % draws its hues toward the red sky's (the luminosity stays).
    diff = (merged - pixels.astype(np.int16))[inner(~truth)][:, :3]
    luma = diff @ np.array([0.3, 0.59, 0.11])
    assert luma.mean() > 1 and np.percentile(luma, 1) >= -2
    assert diff[:, 0].mean() > diff[:, 2].mean() + 10
    sky = merged[inner(truth)][:, :3].mean(0)
    assert sky[0] > 180 and sky[2] < 80, sky   # the loaded red sky, where the blue one was


def test_sky_replacement_previews_the_layers_over_the_picture(qtbot, tmp_path, monkeypatch):
    """A red badge on a layer above the photo stays over the new sky in the preview (the
    group goes between them), and Cancel keeps both layers as they were."""
    pixels, truth = sky_scene()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    doc = w.doc
    (photo_layer,) = doc.layers()
    badge = np.zeros_like(pixels)
    badge[20:50, 30:80] = (230, 20, 20, 255)
    w.actions["new_layer"].trigger()
    doc.set_pixels(doc.active, badge, 0, 0)
    doc.set_active(photo_layer)
    steps = doc.history.count

    def drive(dialog, seen):
        seen["preview"] = dialog.preview_image.astype(np.int16)
        seen["cancel"] = True

    seen = replace_sky(w, qtbot, drive)
    shown = seen["preview"]
    assert np.abs(shown[25:45, 35:75, :3] - [230, 20, 20]).max() <= 3   # the badge, on top
    assert np.abs(shown[60:70, 150:200, :3].mean((0, 1))
                  - pixels[60:70, 150:200, :3].mean((0, 1))).max() > 20   # a new sky round it
    assert doc.history.count == steps and [n.name for n in doc.layers()] == [
        "Pasted Layer", "Layer 1"]


def test_sky_replacement_without_sky_is_refused_in_one_line(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, photo(300, 220, "coffee"), 1.0)
    steps = w.doc.history.count

    def drive(dialog, seen):
        seen["note"] = dialog.note.text()

    seen = replace_sky(w, qtbot, drive)
    assert "No sky" in seen["note"] and not seen["overlay"]
    assert w.doc.history.count == steps
    assert len(w.test_errors) == 1 and "No sky" in w.test_errors[0][1]
    assert "\n" not in w.test_errors[0][1]
