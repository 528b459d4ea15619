"""Image > Mode through the window: Grayscale (asked, R = G = B everywhere, the colours grey,
a Grayscale PSD that reopens in Grayscale), Indexed Color… (flatten asked, its dialog's
preview, Adaptive 16 colours with Diffusion, an Indexed PSD with that palette, GIF/PNG-8
with it), RGB Color back, Undo and Cancel."""
from __future__ import annotations

import numpy as np
from PIL import Image
from psd_tools import PSDImage
from psd_tools.constants import ColorMode
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox

from editor.model.files import open_document
from editor.model.layers import Layer

from test_ui_exports import export_with
from ui_helpers import image_drag, in_modal_dialog, photo


def answer(qtbot, name: str, button: str) -> dict:
    """Clicks `button` (its text) in the question box named `name` when it opens."""
    seen: dict = {}

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen["name"] = box.objectName()
        chosen = next(b for b in box.buttons() if b.text().replace("&", "") == button)
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)
    return seen


def two_layers(w) -> None:
    """A second, half-transparent coloured layer over the photo (so there is something to
    flatten)."""
    patch = photo(40, 30, "astronaut")
    patch[..., 3] = 200
    w.doc.add_layer(Layer("patch", patch, 20, 10))


def save_as(w, qtbot, monkeypatch, path) -> None:
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(path))
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not w.doc.modified, timeout=10000)


def test_grayscale_makes_every_layer_grey_saves_a_grayscale_psd_and_reopens_grayscale(
        opened, qtbot, monkeypatch, tmp_path):
    w = opened
    two_layers(w)
    doc = w.doc
    before = [layer.pixels.copy() for layer in doc.layers()]
    assert any((p[..., 0] != p[..., 2]).any() for p in before)  # colour to discard
    w.set_foreground(QColor(200, 30, 40))
    steps = doc.history.index

    # Cancel in the question: nothing changes.
    seen = answer(qtbot, "DiscardColorQuestion", "Cancel")
    w.actions["mode_grayscale"].trigger()
    assert seen["name"] == "DiscardColorQuestion"
    assert doc.color_mode == "rgb" and doc.history.index == steps
    assert not w.actions["mode_grayscale"].isChecked() and w.actions["mode_rgb"].isChecked()

    seen = answer(qtbot, "DiscardColorQuestion", "Discard")
    w.actions["mode_grayscale"].trigger()
    assert doc.color_mode == "grayscale" and doc.history.index == steps + 1
    assert doc.history.undo_name() == "Grayscale"
    assert w.actions["mode_grayscale"].isChecked() and not w.actions["mode_rgb"].isChecked()
    for layer, old in zip(doc.layers(), before):
        p = layer.pixels
        assert (p[..., 0] == p[..., 1]).all() and (p[..., 1] == p[..., 2]).all()
        np.testing.assert_array_equal(p[..., 3], old[..., 3])
        grey = (0.299 * old[..., 0] + 0.587 * old[..., 1] + 0.114 * old[..., 2])
        assert np.abs(p[..., 0] - grey).max() <= 0.51  # Rec. 601 weights
    # The colours are grey now, and whatever is picked next becomes grey.
    fg = w.foreground
    assert fg.red() == fg.green() == fg.blue() == round(0.299 * 200 + 0.587 * 30 + 0.114 * 40)
    w.set_foreground(QColor(0, 0, 255))
    assert w.foreground == QColor(29, 29, 29)
    # Painting stays grey: a blue picked for the brush paints its grey.
    doc.set_active(next(doc.layers()))
    painted = doc.active.pixels.copy()
    w.tool_actions["brush"].trigger()
    w.tools.current.set_size(9)
    w.tools.current.set_hardness(1.0)
    image_drag(qtbot, w.canvas, [(20, 30), (40, 30), (60, 30)])
    p = doc.active.pixels
    assert (p != painted).any(axis=2).sum() > 100
    assert (p[..., 0] == p[..., 1]).all() and (p[..., 1] == p[..., 2]).all()
    assert (p[30, 40, :3] == 29).all()
    doc.history.undo()

    path = tmp_path / "grey.psd"
    save_as(w, qtbot, monkeypatch, path)
    assert PSDImage.open(path).color_mode == ColorMode.GRAYSCALE
    back = open_document(str(path))
    assert back.color_mode == "grayscale" and back.warnings == []
    for a, b in zip(doc.layers(), back.layers()):
        np.testing.assert_array_equal(a.pixels, b.pixels)
        assert (a.x, a.y) == (b.x, b.y)

    # Undo gives the colours back, in RGB mode.
    doc.history.undo()
    assert doc.color_mode == "rgb"
    for layer, old in zip(doc.layers(), before):
        np.testing.assert_array_equal(layer.pixels, old)
    assert w.test_errors == []


def drive_indexed(qtbot, palette="adaptive", colors=16, dither="diffusion", amount=75,
                  forced="none"):
    def drive(dialog, seen):
        dialog.palette.setCurrentIndex(dialog.palette.findData(palette))
        dialog.forced.setCurrentIndex(dialog.forced.findData(forced))
        dialog.dither.setCurrentIndex(dialog.dither.findData(dither))
        dialog.colors.setValue(colors)
        dialog.amount.setValue(amount)
        qtbot.waitUntil(dialog.previewed, timeout=20000)  # made on a worker
        seen["previewed"] = dialog.layer.pixels.copy()  # shown on the canvas, no step yet
        seen["steps"] = dialog.doc.history.index
    return drive


def test_indexed_color_adaptive_16_diffusion_saves_an_indexed_psd_with_its_palette(
        opened, qtbot, monkeypatch, tmp_path):
    w = opened
    two_layers(w)
    doc = w.doc
    steps = doc.history.index
    before = [layer.pixels.copy() for layer in doc.layers()]

    # "Flatten layers?" asked (answered OK: the question box is Photoshop's, tested
    # alone below); Cancel in the dialog: the document as it was (layers and pixels).
    asked = []
    monkeypatch.setattr("editor.ui.mode_commands.ask_flatten_layers",
                        lambda parent: asked.append(True) or True)

    def cancel(dialog, seen):
        seen["flattened"] = len(list(doc.layers()))  # the preview works on the flat image
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger, cancel,
                           "IndexedColorDialog")
    assert asked == [True] and seen["flattened"] == 1
    assert doc.color_mode == "rgb" and doc.history.index == steps
    assert len(list(doc.layers())) == 2
    for layer, old in zip(doc.layers(), before):
        np.testing.assert_array_equal(layer.pixels, old)

    seen = in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger, drive_indexed(qtbot),
                           "IndexedColorDialog")
    layers = list(doc.layers())
    assert len(layers) == 1 and doc.color_mode == "indexed"
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Indexed Color"
    pixels = layers[0].pixels
    np.testing.assert_array_equal(pixels, seen["previewed"])  # OK keeps what was shown
    colours = np.unique(pixels[..., :3].reshape(-1, 3), axis=0)
    assert 8 < len(colours) <= 16 and len(doc.palette) <= 16
    assert {tuple(c) for c in colours} <= {tuple(c) for c in doc.palette}
    assert w.actions["mode_indexed"].isChecked()

    path = tmp_path / "indexed.psd"
    save_as(w, qtbot, monkeypatch, path)
    psd = PSDImage.open(path)
    assert psd.color_mode == ColorMode.INDEXED
    table = np.frombuffer(psd._record.color_mode_data.value, np.uint8).reshape(3, 256).T
    np.testing.assert_array_equal(table[:len(doc.palette)], doc.palette)
    back = open_document(str(path))
    assert back.color_mode == "indexed" and back.warnings == []
    np.testing.assert_array_equal(back.palette, doc.palette)
    np.testing.assert_array_equal(next(back.layers()).pixels, pixels)

    # GIF and PNG-8 are written with the palette.
    for fmt, suffix in (("GIF", ".gif"), ("PNG", ".png")):
        export_with(w, qtbot, monkeypatch, tmp_path / f"out{suffix}", format=fmt)
        image = Image.open(tmp_path / f"out{suffix}")
        assert image.mode == "P"
        shown = np.asarray(image.convert("RGB")).reshape(-1, 3)
        assert {tuple(c) for c in np.unique(shown, axis=0)} <= {tuple(c) for c in doc.palette}

    # Undo: the layers, in RGB.
    doc.history.undo()
    assert doc.color_mode == "rgb" and len(list(doc.layers())) == 2
    for layer, old in zip(doc.layers(), before):
        np.testing.assert_array_equal(layer.pixels, old)
    assert w.test_errors == []


def test_indexed_diffusion_dithers_and_rgb_color_converts_back(opened, qtbot):
    w = opened
    doc = w.doc
    ramp = np.zeros((64, 96, 4), np.uint8)  # a smooth grey ramp, left to right
    ramp[..., :3] = np.linspace(0, 255, 96).astype(np.uint8)[None, :, None]
    ramp[..., 3] = 255
    doc.set_pixels(doc.active, ramp, 0, 0)
    in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger,
                    drive_indexed(qtbot, colors=4, dither="none"), "IndexedColorDialog")
    flat = doc.active.pixels.copy()
    doc.history.undo()
    in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger,
                    drive_indexed(qtbot, colors=4, dither="diffusion", amount=100),
                    "IndexedColorDialog")
    dithered = doc.active.pixels
    assert len(np.unique(dithered[..., :3].reshape(-1, 3), axis=0)) <= 4
    # Without dither the ramp falls into 4 bands (3 steps a row); diffusion scatters the
    # colours so that each column's mean follows the ramp.
    changes = lambda p: int((p[:, 1:, :3] != p[:, :-1, :3]).any(axis=2).sum())  # noqa: E731
    assert changes(flat) <= 3 * 64 < 5 * 3 * 64 < changes(dithered)
    inside = (ramp[0, :, 0] >= 40) & (ramp[0, :, 0] <= 215)  # (between the palette's ends)
    off = lambda p: np.abs(p[..., 0].mean(axis=0) - ramp[0, :, 0])[inside].mean()  # noqa: E731
    assert off(dithered) < 0.3 * off(flat)
    steps = doc.history.index
    w.actions["mode_rgb"].trigger()
    assert doc.color_mode == "rgb" and doc.history.index == steps + 1
    np.testing.assert_array_equal(doc.active.pixels, dithered)  # the pixels stay
    doc.history.undo()
    assert doc.color_mode == "indexed"
    assert w.test_errors == []


def test_flatten_layers_question_cancel_leaves_the_document(opened, qtbot):
    w = opened
    two_layers(w)
    steps = w.doc.history.index
    seen = answer(qtbot, "FlattenLayersQuestion", "Cancel")
    w.actions["mode_indexed"].trigger()
    assert seen["name"] == "FlattenLayersQuestion"
    assert w.doc.history.index == steps and len(list(w.doc.layers())) == 2
    assert w.doc.color_mode == "rgb"


def test_exact_palette_refuses_a_photo_in_one_line_and_keeps_a_grey_image_exactly(opened,
                                                                                   qtbot):
    w = opened
    doc = w.doc
    before = doc.active.pixels.copy()

    def exact_on_photo(dialog, seen):
        dialog.palette.setCurrentIndex(dialog.palette.findData("exact"))
        qtbot.waitUntil(lambda: "Exact needs" in dialog.message.text(), timeout=20000)
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        seen["still_open"] = dialog.isVisible()  # OK refused: the line says why
        seen["message"] = dialog.message.text()
        seen["cancel"] = True

    seen = in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger, exact_on_photo,
                           "IndexedColorDialog")
    assert seen["still_open"] and "\n" not in seen["message"]
    assert "at most 256 colours" in seen["message"]
    assert doc.color_mode == "rgb"
    np.testing.assert_array_equal(doc.active.pixels, before)

    # A grey image has at most 256 colours: Exact keeps every pixel.
    answer(qtbot, "DiscardColorQuestion", "Discard")
    w.actions["mode_grayscale"].trigger()
    grey = doc.active.pixels.copy()
    in_modal_dialog(qtbot, w.actions["mode_indexed"].trigger,
                    drive_indexed(qtbot, palette="exact", colors=16), "IndexedColorDialog")
    assert doc.color_mode == "indexed"
    np.testing.assert_array_equal(doc.active.pixels, grey)
    assert w.test_errors == []
