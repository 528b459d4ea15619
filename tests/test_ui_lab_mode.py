"""Image > Mode > Lab Color through the window: the layers kept, their colours as 8-bit Lab
holds them (one undo step), the Channels panel's Lab, Lightness, a and b, Unsharp Mask on
Lightness alone (a and b unchanged), what Photoshop greys in Lab greyed until a channel is
chosen, the flatten question only with adjustment layers, the Info panel's and the Color
Picker's L a b, a Lab PSD that psd-tools reads as Lab and that reopens in Lab, RGB Color
back; and psd-tools' Photoshop-made Lab file opened and matched with its merged image."""
from __future__ import annotations

import os

import numpy as np
import pytest
from psd_tools import PSDImage
from psd_tools.constants import ColorMode
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from editor.model import color_modes as cm
from editor.model import AdjustmentLayer
from editor.model import adjustments as adj
from editor.model.files import open_document
from editor.model.render_nodes import composite_document
from test_ui_channels import H, W, ZOOM, row_click, rows
from test_ui_color_modes import answer, save_as, two_layers
from test_ui_filters import run_dialog, set_number
from ui_helpers import image_pos, in_modal_dialog, zoomed_photo_window

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def test_lab_color_keeps_layers_lightness_unsharp_mask_saves_a_lab_psd_and_undoes(
        opened, qtbot, monkeypatch, tmp_path):
    w = opened
    two_layers(w)
    doc = w.doc
    before = [layer.pixels.copy() for layer in doc.layers()]
    steps = doc.history.index
    assert rows(w)[:4] == ["RGB", "Red", "Green", "Blue"]

    w.actions["mode_lab"].trigger()  # plain pixel layers: no question
    assert doc.color_mode == "lab" and doc.history.index == steps + 1
    assert doc.history.undo_name() == "Lab Color"
    assert w.actions["mode_lab"].isChecked() and not w.actions["mode_rgb"].isChecked()
    assert len(list(doc.layers())) == 2  # Lab keeps the layers
    for layer, old in zip(doc.layers(), before):
        np.testing.assert_array_equal(layer.pixels, cm.to_lab(old))
        np.testing.assert_array_equal(layer.pixels[..., 3], old[..., 3])
        # These photos' colours come back within 2 levels (8-bit Lab's steps).
        assert np.abs(layer.pixels[..., :3].astype(int) - old[..., :3]).max() <= 2
    converted = [layer.pixels.copy() for layer in doc.layers()]

    # The Channels panel lists Lab's channels; Filter Gallery is grey on the composite.
    assert rows(w)[:4] == ["Lab", "Lightness", "a", "b"]
    w.update_actions()
    assert not w.actions["filter_gallery"].isEnabled()
    assert not w.actions["filter_lens_flare"].isEnabled()
    layer = doc.active
    old = layer.pixels.copy()
    lab_old = cm.lab8_pixels(old)

    def drive(dialog, seen):
        set_number(dialog, "amount", 200)
        set_number(dialog, "radius", 2.0)
        set_number(dialog, "threshold", 0)

    def ab_drift() -> np.ndarray:
        return np.abs(cm.lab8_pixels(layer.pixels)[..., 1:3].astype(int)
                      - lab_old[..., 1:3]).max(-1)

    # Unsharp Mask on the composite (Lab) sharpens every channel: a and b move.
    run_dialog(qtbot, w, "filter_unsharp_mask", drive)
    on_composite = ab_drift()
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, old)

    # ... on Lightness alone: L sharpened, a and b as they were.
    row_click(qtbot, w, "Lightness")
    assert doc.channel_target == "Lightness"
    qtbot.waitUntil(lambda: w.actions["filter_gallery"].isEnabled())
    run_dialog(qtbot, w, "filter_unsharp_mask", drive)
    assert doc.history.undo_name() == "Unsharp Mask"
    lab_new = cm.lab8_pixels(layer.pixels)
    assert (lab_old[..., 0] != lab_new[..., 0]).mean() > 0.3  # the lightness was sharpened
    # a and b stay, where the sharpened colour is one sRGB holds (the pixels are RGB: a
    # colour pushed outside it is clipped, which moves its a and b).
    wanted = lab_old.copy()
    wanted[..., 0] = lab_new[..., 0]
    inside = ((cm.rgba_of_lab8(wanted)[..., :3] % 255) != 0).all(-1)
    assert inside.mean() > 0.5
    assert ab_drift()[inside].max() <= 1, np.bincount(ab_drift()[inside])
    assert (on_composite[inside] > 1).mean() > 0.05  # (what the targeting spared)
    np.testing.assert_array_equal(layer.pixels[..., 3], old[..., 3])
    sharpened = layer.pixels.copy()
    row_click(qtbot, w, "Lab")
    assert doc.channel_target is None
    qtbot.waitUntil(lambda: not w.actions["filter_gallery"].isEnabled())

    # Saved as a Lab PSD: psd-tools reads colour mode 9, the layer channels L, a, b as
    # 8-bit Lab holds the pixels; reopened it is Lab with the same colours.
    path = tmp_path / "lab.psd"
    save_as(w, qtbot, monkeypatch, path)
    psd = PSDImage.open(path)
    assert psd.color_mode == ColorMode.LAB and psd.depth == 8
    record = psd._record.layer_and_mask_information.layer_info.layer_records[-1]
    channels = psd._record.layer_and_mask_information.layer_info.channel_image_data[-1]
    ids = [int(c.id) for c in record.channel_info]
    top = list(doc.layers())[-1]
    h, wd = top.pixels.shape[:2]
    expected = cm.lab8_pixels(top.pixels)
    for slot, cid in enumerate((0, 1, 2)):
        plane = np.frombuffer(channels[ids.index(cid)].get_data(wd, h, 8), np.uint8)
        np.testing.assert_array_equal(plane.reshape(h, wd), expected[..., slot])
    merged = np.stack([np.frombuffer(p, np.uint8).reshape(H, W) for p in
                       psd._record.image_data.get_data(psd._record.header)[:3]], axis=-1)
    ours = composite_document(doc)
    assert np.abs(cm.rgb_of_lab(cm.decode_lab8(merged)).astype(int)
                  - ours[..., :3]).max() <= 2
    back = open_document(str(path))
    assert back.color_mode == "lab" and back.warnings == []
    for a, b in zip(doc.layers(), back.layers()):
        assert (a.x, a.y) == (b.x, b.y)
        # (a second pass through 8-bit Lab: a few colours move by 2 or 3 levels)
        diff = np.abs(a.pixels.astype(int) - b.pixels).max(-1)
        assert diff.max() <= 3 and (diff <= 1).mean() > 0.99

    # RGB Color: the pixels as they are, the channels RGB's again; undo all: the photo.
    w.actions["mode_rgb"].trigger()
    assert doc.color_mode == "rgb" and rows(w)[:4] == ["RGB", "Red", "Green", "Blue"]
    np.testing.assert_array_equal(doc.active.pixels, sharpened)
    doc.history.undo()
    doc.history.undo()
    assert doc.color_mode == "lab"
    for layer, old in zip(doc.layers(), converted):
        np.testing.assert_array_equal(layer.pixels, old)
    doc.history.undo()
    assert doc.color_mode == "rgb"
    for layer, old in zip(doc.layers(), before):
        np.testing.assert_array_equal(layer.pixels, old)
    assert w.test_errors == []


def test_lab_asks_to_flatten_only_with_adjustment_layers(opened, qtbot):
    w = opened
    doc = w.doc
    doc.add_layer(AdjustmentLayer("invert", adj.Levels(rgb=(0, 255, 1.0, 255, 0))))
    steps = doc.history.index
    seen = answer(qtbot, "FlattenModeQuestion", "Cancel")
    w.actions["mode_lab"].trigger()
    assert seen["name"] == "FlattenModeQuestion"
    assert doc.color_mode == "rgb" and doc.history.index == steps
    answer(qtbot, "FlattenModeQuestion", "Don't Flatten")
    w.actions["mode_lab"].trigger()
    assert doc.color_mode == "lab" and len(doc.root.children) == 2
    doc.history.undo()
    answer(qtbot, "FlattenModeQuestion", "Flatten")
    w.actions["mode_lab"].trigger()
    assert doc.color_mode == "lab" and len(doc.root.children) == 1
    assert doc.history.index == steps + 1  # flatten and conversion: one step
    assert w.test_errors == []


def test_info_panel_and_color_picker_show_lab(opened, qtbot):
    w = opened
    w.actions["mode_lab"].trigger()
    w.docks["info"].show()
    w.docks["info"].raise_()
    info, canvas = w.info_panel, w.canvas
    pixels = w.doc.active.pixels
    x, y = 41, 27  # (not a point other tests move to: the same point sends no move)
    qtbot.mouseMove(canvas, image_pos(canvas, x + 0.5, y + 0.5))
    qtbot.waitUntil(lambda: info.text("X") == f"{x} px")
    lab = cm.lab_of_rgb(pixels[y, x, :3])
    # The first read-out, Actual Color, is the document's Lab (as in Photoshop).
    assert [info.text(k) for k in ("R", "G", "B")] == [str(round(float(v))) for v in lab]
    assert info.captions["R"].text() == "L:" and info.captions["H"].text() == "H:"

    # The Color Picker: sRGB red is Photoshop's Lab 54 81 70; typing L 50 a 0 b 0 gives
    # the middle grey (D50 white: neutral).
    def drive(dialog, seen):
        assert dialog.lab_values() == (54, 81, 70)
        fields = {k: dialog.findChild(QWidget, f"ColorPickerLab_{k}") for k in "Lab"}
        fields["a"].setValue(0)
        fields["b"].setValue(0)
        fields["L"].setValue(50)
        seen["colour"] = dialog.currentColor()

    from editor.ui import dialogs
    picked = {}
    in_modal_dialog(qtbot, lambda: picked.setdefault(
        "c", dialogs.ask_color(w, QColor(255, 0, 0), "Foreground colour")), drive,
        "ColorPicker")
    assert picked["c"] == QColor(119, 119, 119)
    assert w.test_errors == []


def test_photoshop_lab_file_opens_in_lab_and_matches_its_merged_image():
    path = os.path.join(HERE, "psd_tools_files", "4x4_8bit_lab.psd")
    doc = open_document(path)
    assert doc.color_mode == "lab"
    assert not any("converted from Lab" in m for m in doc.warnings)
    psd = PSDImage.open(path)
    merged = np.stack([np.frombuffer(p, np.uint8).reshape(4, 4) for p in
                       psd._record.image_data.get_data(psd._record.header)[:3]], axis=-1)
    np.testing.assert_array_equal(composite_document(doc)[..., :3],
                                  cm.rgb_of_lab(cm.decode_lab8(merged)))
    # Photoshop's Lab numbers: sRGB white is L 100 a 0 b 0, red 54 81 70 (D50).
    assert np.round(cm.lab_of_rgb(np.array([255, 255, 255], np.uint8))).tolist() == [100, 0, 0]
    assert np.round(cm.lab_of_rgb(np.array([255, 0, 0], np.uint8))).tolist() == [54, 81, 70]

