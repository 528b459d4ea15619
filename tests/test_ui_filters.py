"""Image > Adjustments and the Filter menu driven through the window: each dialog previews on
the canvas, OK is one undo step, Cancel leaves nothing; the pixels are those of the same
adjustment layer, of the reference formulas (scipy for the blurs), inside the selection
only; locks and the wrong kind of layer are refused in one line."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QSlider, QSpinBox, QWidget
from scipy import ndimage

from editor.model import adjustment_ops, adjustments as adj, pixel_filters as pf, selection_ops
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import in_modal_dialog, make_window, open_file, photo, screen, write_png

W, H = 96, 64



def soft_selection(doc) -> np.ndarray:
    """A feathered ellipse selected (soft edge); its canvas coverage."""
    mask = selection_ops.feathered(selection_ops.ellipse_mask(doc, Box(20, 10, 50, 40)), 4)
    selection_ops.select_mask(doc, mask)
    return selection_ops.current_mask(doc)


def open_rgba(window, qtbot, tmp_path, monkeypatch, pixels: np.ndarray):
    path = write_png(tmp_path / "layer.png", pixels)
    open_file(window, qtbot, monkeypatch, path)
    return window.doc


def run_dialog(qtbot, window, action: str, drive=None, cancel=False) -> dict:
    def inside(dialog, seen):
        if drive is not None:
            drive(dialog, seen)
        seen["cancel"] = cancel
    name = {"filter_gaussian_blur": "PixelDialog_GaussianBlur",
            "filter_motion_blur": "PixelDialog_MotionBlur",
            "filter_unsharp_mask": "PixelDialog_UnsharpMask",
            "filter_add_noise": "PixelDialog_AddNoise"}.get(action)
    if name is None:
        name = "PixelDialog_" + adj.KINDS[action[len("adjust_"):]].label.replace(" ", "") \
            .replace("/", "")
    return in_modal_dialog(qtbot, window.actions[action].trigger, inside, name)


def set_number(dialog, key: str, value) -> None:
    spin = dialog.findChild(QWidget, f"Filter_{key}")
    assert isinstance(spin, (QSpinBox, QDoubleSpinBox)), key
    spin.setValue(value)


def test_menus_hold_the_adjustments_and_filters(opened):
    w = opened
    texts = [a.text().replace("&&", "+").replace("&", "").replace("+", "&")
             for a in w.menus["image_adjustments"].actions() if not a.isSeparator()]
    assert texts == ["Brightness/Contrast…", "Levels…", "Curves…", "Exposure…", "Vibrance…",
                     "Hue/Saturation…", "Color Balance…", "Black & White…", "Photo Filter…",
                     "Channel Mixer…", "Color Lookup…", "Invert", "Posterize…", "Threshold…",
                     "Gradient Map…", "Selective Color…", "Shadows/Highlights…", "HDR Toning…",
                     "Variations…", "Desaturate", "Match Color…",
                     "Replace Color…", "Equalize"]
    keys = {name: w.actions[name].shortcut().toString() for name in (
        "adjust_levels", "adjust_curves", "adjust_hue_saturation", "adjust_color_balance",
        "adjust_invert", "adjust_desaturate")}
    assert keys == {"adjust_levels": "Ctrl+L", "adjust_curves": "Ctrl+M",
                    "adjust_hue_saturation": "Ctrl+U", "adjust_color_balance": "Ctrl+B",
                    "adjust_invert": "Ctrl+I", "adjust_desaturate": "Ctrl+Shift+U"}
    filters = w.menus["filter"]
    assert filters.menuAction() in w.menuBar().actions()
    assert [a.text().replace("&", "") for a in filters.actions() if not a.isSeparator()] == \
        ["Last Filter", "Filter Gallery…", "Camera Raw Filter…", "Lens Correction…", "Liquify…",
         "Vanishing Point…", "Blur", "Blur Gallery",
         "Distort", "Noise", "Pixelate",
         "Render", "Sharpen",
         "Stylize", "Video", "Other"]
    assert not w.actions["filter_last"].isEnabled()  # no filter applied yet
    assert [a.text().replace("&", "") for a in w.menus["filter_blur"].actions()] == \
        ["Average", "Blur", "Blur More", "Box Blur…", "Gaussian Blur…", "Lens Blur…",
         "Motion Blur…", "Radial Blur…", "Shape Blur…", "Smart Blur…", "Surface Blur…"]


SETTINGS = [adj.BrightnessContrast(brightness=40, contrast=30),
            adj.Levels(rgb=(20, 230, 1.4, 10, 250), red=(0, 240, 0.8, 0, 255)),
            adj.Curves(rgb=((0, 10), (100, 160), (255, 240)), blue=((0, 0), (128, 90), (255, 255))),
            adj.HueSaturation(hue=40, saturation=30, lightness=-10),
            adj.ColorBalance(midtones=(30, -20, 10), highlights=(0, 0, 25)),
            adj.Exposure(exposure=0.8, offset=0.01, gamma=1.2),
            adj.Vibrance(vibrance=50, saturation=-20),
            adj.BlackWhite(reds=70, tint=True, tint_color=(30, 90, 200)),
            adj.PhotoFilter(color=(0, 90, 255), density=60),
            adj.ChannelMixer(red=(60, 40, 0, 0), blue=(0, 30, 70, 10))]
SETTINGS += [adj.Posterize(5), adj.Threshold(120),
             adj.GradientMap(stops=((0.0, (30, 0, 80)), (100.0, (255, 220, 120)))),
             adj.SelectiveColor(reds=(-60, 20, 40, 10), neutrals=(15, -10, 0, 20), absolute=True)]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s.kind)
def test_adjustment_equals_the_adjustment_layer_inside_the_selection(opened, qtbot, settings):
    """Image > Adjustments > X with a soft selection: the layer's pixels become what an
    adjustment layer of the same settings, masked by the selection, composites to; one
    undo step, which undo takes back."""
    w, doc = opened, opened.doc
    layer = doc.active
    coverage = soft_selection(doc)
    before = layer.pixels.copy()
    with doc.history.macro("reference"):
        adjustment_ops.add_adjustment(doc, settings.kind, settings)
    expected = composite_document(doc, precise=False)
    doc.history.undo()
    doc.set_active(layer)
    doc.set_mask_targeted(False)
    steps = doc.history.index

    def drive(dialog, seen):
        dialog.editor.commit_settings(settings)  # the path of every row of the editor
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))  # the preview
        seen["previewed"] = screen(w)

    seen = run_dialog(qtbot, w, f"adjust_{settings.kind}", drive)
    assert not seen["cancel"]
    np.testing.assert_array_equal(layer.pixels[..., :3], expected[..., :3])
    np.testing.assert_array_equal(seen["previewed"], expected[..., :3].astype(int))
    outside = coverage == 0
    np.testing.assert_array_equal(layer.pixels[outside], before[outside])
    assert (layer.pixels[coverage == 255] != before[coverage == 255]).any()
    assert doc.history.index == steps + 1
    assert doc.history.undo_name() == settings.label
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_levels_dialog_slider_drives_the_preview_and_ok(opened, qtbot):
    """Ctrl+L: the dialog's rows are the Properties editor's; dragging Input black darkens."""
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        slider = [s for s in dialog.findChildren(QSlider)
                  if s.objectName().startswith("Adjust_Input_1")][0]
        slider.sliderPressed.emit()
        slider.setValue(60)
        slider.sliderReleased.emit()
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))

    w.canvas.setFocus()
    in_modal_dialog(qtbot, lambda: qtbot.keyClick(w.canvas, Qt.Key.Key_L,
                                                  Qt.KeyboardModifier.ControlModifier),
                    drive, "PixelDialog_Levels")  # Ctrl+L
    assert doc.history.undo_name() == "Levels"
    expected = adj.Levels(rgb=(60, 255, 1.0, 0, 255))
    table = adj.lut8(expected)
    for c in range(3):
        np.testing.assert_array_equal(layer.pixels[..., c], table[c][before[..., c]])


def test_cancel_leaves_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before, steps = layer.pixels.copy(), doc.history.index
    shown = screen(w)

    def drive(dialog, seen):
        set_number(dialog, "radius", 4.0)
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))
        dialog.preview_check.setChecked(False)  # Preview off: the layer as it was
        np.testing.assert_array_equal(layer.pixels, before)
        dialog.preview_check.setChecked(True)
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))

    run_dialog(qtbot, w, "filter_gaussian_blur", drive, cancel=True)
    np.testing.assert_array_equal(layer.pixels, before)
    assert doc.history.index == steps
    np.testing.assert_array_equal(screen(w), shown)


def test_invert_and_desaturate_are_exact_inside_the_selection(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(Box(10, 5, 30, 20))
    steps = doc.history.index
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Invert
    inside = np.zeros((H, W), bool)
    inside[5:25, 10:40] = True
    expected = before.copy()
    expected[inside, :3] = 255 - before[inside, :3]
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.index == steps + 1
    doc.set_selection(None)
    qtbot.keyClick(w.canvas, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # Desaturate
    rgb = expected[..., :3].astype(int)
    grey = (rgb.max(axis=-1) + rgb.min(axis=-1) + 1) // 2
    for c in range(3):
        np.testing.assert_array_equal(layer.pixels[..., c], grey)
    np.testing.assert_array_equal(layer.pixels[..., 3], 255)


def _reference_blur(pixels: np.ndarray, sigma: float) -> np.ndarray:
    """Premultiplied scipy Gaussian (3 sigma, edges repeated), un-premultiplied: float."""
    f = pixels.astype(np.float64)
    a = f[..., 3:4] / 255
    pre = np.concatenate([f[..., :3] * a, f[..., 3:4]], axis=-1)
    blurred = np.stack([ndimage.gaussian_filter(pre[..., c], sigma, mode="nearest", truncate=3.0)
                        for c in range(4)], axis=-1)
    alpha = blurred[..., 3:4]
    rgb = blurred[..., :3] / np.maximum(alpha / 255, 1e-9)
    return np.concatenate([rgb, alpha], axis=-1)


def test_gaussian_blur_matches_scipy_with_no_dark_fringe(qtbot, tmp_path, monkeypatch):
    """A red square on transparency blurred: scipy's premultiplied blur, and every pixel
    the blur makes visible keeps the square's colour (no dark fringe)."""
    w = make_window(qtbot, tmp_path, monkeypatch)
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[16:48, 24:72] = photo(48, 32)
    pixels[16:48, 24:48] = (220, 40, 30, 255)  # a flat colour beside the edge
    doc = open_rgba(w, qtbot, tmp_path, monkeypatch, pixels)
    layer = doc.active
    steps = doc.history.index

    def drive(dialog, seen):
        set_number(dialog, "radius", 3.0)
        # The blur runs on a worker: the dialog is back at once, the layer as it was.
        assert dialog.preview.busy()
        np.testing.assert_array_equal(layer.canvas_crop(doc.canvas), pixels)
        qtbot.waitUntil(lambda: dialog.preview.shown is not None)
        seen["previewed"] = layer.canvas_crop(doc.canvas)

    seen = run_dialog(qtbot, w, "filter_gaussian_blur", drive)
    np.testing.assert_array_equal(seen["previewed"], layer.canvas_crop(doc.canvas))
    canvas = layer.canvas_crop(doc.canvas)
    expected = _reference_blur(pixels, 3.0)
    assert np.abs(canvas[..., 3] - expected[..., 3]).max() <= 1
    seen = canvas[..., 3] >= 16
    assert np.abs(canvas[seen][:, :3] - expected[seen][:, :3]).max() <= 1
    fringe = (canvas[..., 3] > 0) & (np.arange(W)[None, :] < 36)
    assert fringe.sum() > 100
    assert np.abs(canvas[fringe][:, :3].astype(int) - (220, 40, 30)).max() <= 1
    assert layer.bounds().x < 24  # the layer grew to hold the spread
    assert doc.history.index == steps + 1
    doc.history.undo()
    np.testing.assert_array_equal(layer.canvas_crop(doc.canvas), pixels)


def test_unsharp_mask_matches_photoshops_formula(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()

    def drive(dialog, seen):
        set_number(dialog, "amount", 150)
        set_number(dialog, "radius", 2.0)
        set_number(dialog, "threshold", 6)

    run_dialog(qtbot, w, "filter_unsharp_mask", drive)
    v = before[..., :3].astype(np.float64)
    blurred = np.stack([ndimage.gaussian_filter(v[..., c], 2.0, mode="nearest", truncate=3.0)
                        for c in range(3)], axis=-1)
    d = v - blurred
    expected = np.clip(np.where(np.abs(d) >= 6, v + 1.5 * d, v), 0, 255)
    diff = np.abs(layer.pixels[..., :3] - expected)
    near = np.abs(np.abs(d) - 6) < 0.01  # float rounding may put these either side
    assert diff[~near].max() <= 0.5 + 1e-3
    assert (np.abs(d) < 6).any() and (layer.pixels[..., :3][np.abs(d) < 6] ==
                                       before[..., :3][np.abs(d) < 6]).all()
    np.testing.assert_array_equal(layer.pixels[..., 3], 255)


def test_add_noise_is_deterministic_and_monochromatic_is_grey(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    grey = np.full((H, W, 4), 128, np.uint8)
    grey[..., 3] = 255
    doc = open_rgba(w, qtbot, tmp_path, monkeypatch, grey)
    layer = doc.active

    def noise(seed, mono):
        def drive(dialog, seen):
            set_number(dialog, "amount", 10.0)
            set_number(dialog, "seed", seed)
            if mono:
                dialog.findChild(object, "Filter_monochromatic").setChecked(True)
        run_dialog(qtbot, w, "filter_add_noise", drive)
        out = layer.pixels.copy()
        doc.history.undo()
        np.testing.assert_array_equal(layer.pixels, grey)
        return out

    first, again, other = noise(7, False), noise(7, False), noise(8, False)
    np.testing.assert_array_equal(first, again)
    assert (first != other).any()
    assert (first[..., 0] != first[..., 1]).any()
    assert np.abs(first[..., :3].astype(int) - 128).max() <= 26  # +-10 % of 255
    mono = noise(7, True)
    assert (mono[..., 0] != 128).mean() > 0.5
    np.testing.assert_array_equal(mono[..., 0], mono[..., 1])
    np.testing.assert_array_equal(mono[..., 0], mono[..., 2])


def test_motion_blur_spreads_along_its_angle(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:, 48] = (255, 255, 255, 255)  # a vertical white line
    doc = open_rgba(w, qtbot, tmp_path, monkeypatch, pixels)

    def drive(dialog, seen):
        set_number(dialog, "angle", 0)
        set_number(dialog, "distance", 9)

    run_dialog(qtbot, w, "filter_motion_blur", drive)
    out = doc.active.pixels
    row = out[30, :, 0].astype(int)
    assert row[44:53].min() > 0 and row[:40].max() == 0 and row[57:].max() == 0
    assert row[48] < 255 and abs(row.sum() - 255) <= 10  # spread, light kept
    np.testing.assert_array_equal(out[:, :, 0], out[30:31, :, 0].repeat(H, axis=0))


def test_locks_and_other_kinds_of_layer_are_refused_in_one_line(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_lock(layer, "pixels", True)
    for action in ("adjust_levels", "adjust_invert", "filter_gaussian_blur"):
        w.actions[action].trigger()
    assert len(w.test_errors) == 3
    for _title, message in w.test_errors:
        assert "\n" not in message.strip() and "pixels locked" in message
    assert QApplication.activeModalWidget() is None
    np.testing.assert_array_equal(layer.pixels, before)
    doc.set_lock(layer, "pixels", False)
    w.actions["adjustment_curves"].trigger()  # an adjustment layer becomes the active node
    # (With its mask, the mask is targeted and a filter works on it, as in Photoshop;
    # without one there is nothing to filter.)
    w.actions["mask_delete"].trigger()
    assert w.doc.active.mask is None
    w.actions["filter_unsharp_mask"].trigger()
    assert "select a pixel layer" in w.test_errors[-1][1]
    w.actions["new_group"].trigger()
    w.actions["adjust_desaturate"].trigger()
    assert "is a group: select a pixel layer" in w.test_errors[-1][1]
    np.testing.assert_array_equal(layer.pixels, before)


def test_lock_transparent_pixels_keeps_alpha_when_blurring(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[16:48, 24:72] = photo(48, 32)
    doc = open_rgba(w, qtbot, tmp_path, monkeypatch, pixels)
    layer = doc.active
    doc.set_lock(layer, "transparency", True)
    run_dialog(qtbot, w, "filter_gaussian_blur", lambda d, s: set_number(d, "radius", 2.0))
    out = layer.canvas_crop(doc.canvas)
    np.testing.assert_array_equal(out[..., 3], pixels[..., 3])
    assert (out[16:48, 24:72, :3] != pixels[16:48, 24:72, :3]).any()
    # Colour-only operations leave what alpha hides as it was.
    before = layer.canvas_crop(doc.canvas)
    w.actions["adjust_invert"].trigger()
    out = layer.canvas_crop(doc.canvas)
    hidden = pixels[..., 3] == 0
    np.testing.assert_array_equal(out[hidden], before[hidden])
    np.testing.assert_array_equal(out[~hidden][:, :3], 255 - before[~hidden][:, :3])


def test_last_filter_repeats_the_filter_with_its_settings(opened, qtbot):
    """Ctrl+F: the last filter OK applied, with its settings, again as a job: one more step."""
    w, doc = opened, opened.doc
    layer = doc.active

    def drive(dialog, seen):
        set_number(dialog, "amount", 200)
        set_number(dialog, "radius", 1.5)

    run_dialog(qtbot, w, "filter_unsharp_mask", drive)
    once = layer.pixels.copy()
    steps = doc.history.index
    w.update_actions()
    assert w.actions["filter_last"].isEnabled()
    assert w.actions["filter_last"].text().replace("&", "") == "Last Filter (Unsharp Mask)"
    w.activateWindow()  # (the dialog had it)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=10000)
    expected = pf.UnsharpMask(200, 1.5, 0).process(once, Box(0, 0, W, H), Box(0, 0, W, H), None)
    np.testing.assert_array_equal(layer.pixels, expected)
    assert doc.history.undo_name() == "Unsharp Mask"
