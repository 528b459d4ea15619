"""Lab Color's channels through the window, as Photoshop's Channels panel has them: a click
on Lightness shows it alone in grey on the canvas and a brush stroke then changes only L
(a and b as before); Ctrl+4 targets a, a filter then leaves L and b; Ctrl+2 targets and
shows the composite again; the eyes hide channels (a and b alone in colour, one alone in
grey); Edit > Fill and a gradient on Lightness or b leave the other two. And a 16-bit Lab
PSD (built here with psd-tools) read with its values scaled to 8-bit Lab, rounded."""
from __future__ import annotations

import numpy as np
import pytest
from psd_tools import PSDImage
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from editor.model import color_modes as cm
from editor.model.files import open_document, save_document
from test_ui_channels import H, W, row_click
from test_ui_filters import run_dialog, set_number
from ui_helpers import image_drag, on_canvas, zoomed_photo_window

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def lab(qtbot, tmp_path, monkeypatch):
    """The photo at 100 % (one widget pixel per image pixel), converted to Lab Color."""
    w = zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, 1.0, activate=True)
    w.actions["mode_lab"].trigger()
    assert w.doc.color_mode == "lab"
    return w


def lab8(pixels: np.ndarray) -> np.ndarray:
    return cm.lab8_pixels(pixels)[..., :3].astype(int)


def shown(w) -> np.ndarray:
    """What the canvas paints of the (opaque) photo, RGB ints."""
    w.channels_panel._rebuild()
    return on_canvas(w.canvas)


def test_lightness_shown_alone_in_grey_and_painted_alone_then_ctrl_2(lab, qtbot):
    w, doc = lab, lab.doc
    layer = doc.active
    colours = shown(w)
    np.testing.assert_array_equal(colours, layer.pixels[..., :3])  # the composite: colours
    row_click(qtbot, w, "Lightness")
    assert doc.channel_target == "Lightness" and doc.channels_shown == (True, False, False)
    assert w.channels_panel.eyes() == {"Lab": False, "Lightness": True, "a": False,
                                       "b": False}
    grey = shown(w)
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    np.testing.assert_array_equal(grey[..., 0], lab8(layer.pixels)[..., 0])

    # A light grey stroke on Lightness (L 77): L rises under it, a and b stay.
    before = layer.pixels.copy()
    w.tool_actions["brush"].trigger()
    w.tools.current.set_size(9)
    w.tools.current.set_hardness(1.0)
    w.set_foreground(QColor(190, 190, 190))
    image_drag(qtbot, w.canvas, [(20, 30), (45, 30), (70, 30)])
    after = layer.pixels.copy()
    assert doc.history.undo_name() == "Brush Tool"
    changed = np.any(after != before, axis=-1)
    assert changed.sum() > 150
    old, new = lab8(before), lab8(after)
    assert (new[..., 0][changed] - old[..., 0][changed]).mean() > 15
    # a and b as before, where the lighter colour is one sRGB holds (the pixels are RGB:
    # beyond it the colour is clipped, which moves a and b; the cat's fur mostly fits).
    wanted = cm.lab8_pixels(before)
    wanted[..., 0] = cm.lab8_pixels(after)[..., 0]
    inside = changed & ((cm.rgba_of_lab8(wanted)[..., :3] % 255) != 0).all(-1)
    assert inside.sum() > 0.5 * changed.sum()
    assert np.abs(new[..., 1:] - old[..., 1:])[inside].max() <= 1
    # The same colours on the composite would have moved a and b (what targeting spared).
    np.testing.assert_array_equal(after[~changed], before[~changed])
    w.tool_actions["move"].trigger()  # (no brush outline over the picture)
    grey = shown(w)  # the canvas follows the stroke, still in grey
    np.testing.assert_array_equal(grey[..., 1], lab8(after)[..., 0])

    # Ctrl+2: the composite, every channel shown, in colour.
    qtbot.keyClick(w.canvas, Qt.Key.Key_2, CTRL)
    assert doc.channel_target is None and doc.channels_shown == (True, True, True)
    np.testing.assert_array_equal(shown(w), after[..., :3])
    assert w.test_errors == []


def test_ctrl_4_targets_a_a_filter_leaves_l_and_b(lab, qtbot):
    w, doc = lab, lab.doc
    layer = doc.active
    before = layer.pixels.copy()
    qtbot.keyClick(w.canvas, Qt.Key.Key_4, CTRL)
    assert doc.channel_target == "a" and doc.channels_shown == (False, True, False)
    grey = shown(w)
    np.testing.assert_array_equal(grey[..., 2], lab8(before)[..., 1])

    def drive(dialog, seen):
        set_number(dialog, "radius", 4.0)

    run_dialog(qtbot, w, "filter_gaussian_blur", drive)
    assert doc.history.undo_name() == "Gaussian Blur"
    old, new = lab8(before), lab8(layer.pixels)
    assert (new[..., 1] != old[..., 1]).mean() > 0.3  # a was blurred
    wanted = cm.lab8_pixels(before)
    wanted[..., 1] = cm.lab8_pixels(layer.pixels)[..., 1]
    inside = ((cm.rgba_of_lab8(wanted)[..., :3] % 255) != 0).all(-1)
    assert inside.mean() > 0.9
    for k in (0, 2):  # L and b as they were
        assert np.abs(new[..., k] - old[..., k])[inside].max() <= 1
    # Ctrl+3 and Ctrl+5 target the others; Ctrl+2 the composite (the window active again:
    # the dialog had it).
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_5, CTRL)
    assert doc.channel_target == "b"
    qtbot.keyClick(w.canvas, Qt.Key.Key_3, CTRL)
    assert doc.channel_target == "Lightness"
    qtbot.keyClick(w.canvas, Qt.Key.Key_2, CTRL)
    assert doc.channel_target is None
    assert w.test_errors == []


def test_eyes_hide_lightness_a_and_b_in_colour_then_b_alone(lab, qtbot):
    w, doc = lab, lab.doc
    panel = w.channels_panel
    pixels = doc.active.pixels.copy()
    steps = doc.history.index

    def eye(key):
        w.docks["channels"].raise_()
        panel._rebuild()
        rect = panel.eye_rect(key)
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    eye("Lightness")  # a and b alone: in colour, at L 50
    assert doc.channels_shown == (False, True, True) and doc.channel_target is None
    view = shown(w)
    np.testing.assert_array_equal(view, cm.lab_channels_view(pixels[..., :3],
                                                             (False, True, True)))
    assert (np.ptp(view, axis=-1) > 10).mean() > 0.3  # colours, not greys
    eye("a")  # b alone: grey
    assert doc.channels_shown == (False, False, True)
    view = shown(w)
    np.testing.assert_array_equal(view[..., 0], lab8(pixels)[..., 2])
    eye("b")  # the last eye shown stays
    assert doc.channels_shown == (False, False, True)
    eye("Lab")  # the composite's eye: all shown again
    assert doc.channels_shown == (True, True, True)
    np.testing.assert_array_equal(shown(w), pixels[..., :3])
    assert doc.history.index == steps  # (a view, not an edit)
    # An alpha channel chosen (a new one) after Lightness: all colour channels shown again
    # (an alpha channel is not shown alone here), none targeted alone.
    row_click(qtbot, w, "Lightness")
    assert doc.channels_shown == (True, False, False)
    w.actions["channel_new"].trigger()
    assert doc.channel_target == doc.channels[0].uid
    assert doc.channels_shown == (True, True, True) and doc.lab_channel() is None
    np.testing.assert_array_equal(shown(w), pixels[..., :3])
    # RGB Color: no eyes, the colours.
    eye_before = panel.list.eyes
    w.actions["mode_rgb"].trigger()
    panel._rebuild()
    assert eye_before and not panel.list.eyes
    assert w.test_errors == []


def lab16_psd(path, lab16: np.ndarray, alpha: np.ndarray) -> None:
    """A 16-bit Lab PSD of one layer: `lab16` (H, W, 3) uint16 as stored (L 0-65535 for
    0-100, a and b 0-65535 for -128..127) and `alpha` (H, W) uint8 as its transparency.
    Written as an 8-bit Lab PSD by Layered, then its header and channels made 16-bit
    with psd-tools."""
    from editor.model import Document, Layer

    h, w = alpha.shape
    doc = Document(w, h)
    doc.add_layer(Layer("Lab 16", np.full((h, w, 4), 255, np.uint8)))
    doc.color_mode = "lab"
    save_document(doc, str(path))
    psd = PSDImage.open(path)
    record = psd._record
    record.header.depth = 16
    planes = {0: lab16[..., 0], 1: lab16[..., 1], 2: lab16[..., 2],
              -1: alpha.astype(np.uint16) * 257}
    info = record.layer_and_mask_information.layer_info
    for rec, channels in zip(info.layer_records, info.channel_image_data):
        for ci, data in zip(rec.channel_info, channels):
            plane = planes.get(int(ci.id), np.full((h, w), 65535, np.uint16))
            ci.length = data.set_data(plane.astype(">u2").tobytes(), w, h, 16)
    merged = [lab16[..., k].astype(">u2").tobytes() for k in range(3)]
    extra = record.header.channels - 3
    merged += [np.full((h, w), 65535, ">u2").tobytes()] * extra
    record.image_data.set_data(merged, record.header)
    psd.save(path)


def test_a_16_bit_lab_psd_reads_scaled_to_8_bit_lab(tmp_path):
    rng = np.random.default_rng(3)
    h, w = 6, 8
    # Values between 8-bit Lab's steps (v = 257 x code + up to +-128): rounding, not
    # truncating, finds the nearest 8-bit value.
    codes = rng.integers(40, 216, (h, w, 3))
    lab16 = np.clip(codes * 257 + rng.integers(-128, 129, (h, w, 3)), 0, 65535)
    alpha = rng.integers(0, 256, (h, w)).astype(np.uint8)
    path = tmp_path / "lab16.psd"
    lab16_psd(path, lab16.astype(np.uint16), alpha)
    psd = PSDImage.open(path)
    assert psd.depth == 16 and psd.color_mode == 9
    doc = open_document(str(path))
    assert doc.color_mode == "lab"
    assert any("16-bit" in m for m in doc.warnings)
    layer = [n for n in doc.layers() if n.name == "Lab 16"][0]
    expected = np.empty((h, w, 4), np.uint8)
    expected[..., :3] = np.rint(lab16 / 257.0)
    expected[..., 3] = alpha
    np.testing.assert_array_equal(layer.pixels, cm.rgba_of_lab8(expected))
    # (psd-tools' own Pillow image truncates 16-bit to 8-bit: a level lower in places.)
    truncated = (lab16 // 256).astype(np.uint8)
    assert (truncated != expected[..., :3]).any()


@pytest.mark.parametrize("channel", ["Lightness", "b"])
def test_fill_and_gradient_on_one_lab_channel_leave_the_others(channel):
    from editor.model import Document, Layer
    from editor.model import edit_ops

    rng = np.random.default_rng(5)
    h, w = 24, 32
    # Low-chroma colours (a and b within +-12 of grey): lighter or darker they stay in sRGB.
    lab = np.stack([rng.uniform(35, 65, (h, w)), rng.uniform(-12, 12, (h, w)),
                    rng.uniform(-12, 12, (h, w))], -1).astype(np.float32)
    pixels = np.dstack([cm.rgb_of_lab(lab), np.full((h, w), 255, np.uint8)])
    doc = Document(w, h)
    layer = Layer("photo", pixels)
    doc.add_layer(layer)
    cm.convert_to_lab(doc)
    doc.set_channel_target(channel)
    k = cm.LAB_CHANNELS.index(channel)
    for paint in (lambda: edit_ops.fill(doc, layer, (170, 160, 150, 255)),
                  lambda: edit_ops.gradient_fill(doc, layer, (0, 0), (w, 0), (90, 90, 90, 255),
                                                 (190, 170, 150, 255))):
        before = lab8(layer.pixels)
        paint()
        after = lab8(layer.pixels)
        assert (after[..., k] != before[..., k]).mean() > 0.5
        others = [i for i in range(3) if i != k]
        assert np.abs(after[..., others] - before[..., others]).max() <= 1
        doc.history.undo()
        assert (lab8(layer.pixels) == before).all()


def test_a_flattened_16_bit_lab_psd_reads_scaled_to_8_bit_lab(tmp_path):
    """A 16-bit Lab PSD without layers (psd-tools' new document): its merged image, rounded
    as the layers are."""
    rng = np.random.default_rng(4)
    h, w = 6, 8
    lab16 = np.clip(rng.integers(40, 216, (h, w, 3)) * 257
                    + rng.integers(-128, 129, (h, w, 3)), 0, 65535)
    psd = PSDImage.new("LAB", (w, h), depth=16)
    record = psd._record
    record.image_data.set_data([lab16[..., k].astype(">u2").tobytes() for k in range(3)],
                               record.header)
    path = tmp_path / "flat16.psd"
    psd.save(path)
    doc = open_document(str(path))
    assert doc.color_mode == "lab" and [n.name for n in doc.layers()] == ["Background"]
    expected = np.full((h, w, 4), 255, np.uint8)
    expected[..., :3] = np.rint(lab16 / 257.0)
    np.testing.assert_array_equal(doc.active.pixels, cm.rgba_of_lab8(expected))
