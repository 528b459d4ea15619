"""A document's resolution (ppi, `editor.model.resolution`): a PSD's ResolutionInfo (1005)
written by our save and read by psd-tools, Photoshop's own files read, a JPEG's and a
PNG's DPI read and written, carried by Duplicate and the recovery snapshot; Image Size
with Resample off changing only the resolution (pixels identical, one undo step), with it
on resampling; File > New's Resolution; File > Print placing a 300 ppi image smaller than
a 72 ppi one; `layered info` printing it."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from editor.model.document import Document
from editor.model.duplicate import duplicate_document
from editor.model.files import export_image, open_document, save_document
from ui_helpers import in_modal_dialog, make_window, open_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.dirname(os.path.abspath(__file__))


def small_doc(ppi: float = 72.0) -> Document:
    rng = np.random.default_rng(5)
    doc = Document(12, 8)
    pixels = np.dstack([rng.integers(0, 256, (8, 12, 3), dtype=np.uint8),
                        np.full((8, 12), 255, np.uint8)])
    doc.add_image(pixels, "Background", 0, 0)
    doc.resolution = ppi
    doc.history.clear()
    return doc


def test_psd_round_trip_of_300_ppi_through_our_save_and_psd_tools(tmp_path):
    from psd_tools import PSDImage

    path = str(tmp_path / "print.psd")
    save_document(small_doc(300.0), path)
    info = PSDImage.open(path).image_resources.get_data(1005)
    assert info.horizontal / 65536 == 300.0 and info.vertical / 65536 == 300.0
    assert info.horizontal_unit == 1  # pixels per inch
    assert open_document(path).resolution == 300.0
    save_document(small_doc(), path)  # and the default, written as 72, not left out
    assert PSDImage.open(path).image_resources.get_data(1005).horizontal / 65536 == 72.0


@pytest.mark.parametrize("name, ppi", [
    ("ag_psd_files/gradient-overlay.psd", 300.0),   # shown in px/in
    ("psd_tools_files/placedLayer.psd", 144.0),
    ("psd_tools_files/artboard.psd", 300.0),        # shown as 118.11 px/cm: 299.99997
    ("psd_tools_files/adjustment-mask.psd", 150.0),
    ("psd_tools_files/4x4_8bit_rgba.psd", 72.0),
])
def test_photoshop_files_resolution_read(name, ppi):
    assert open_document(os.path.join(HERE, name), pixels=False).resolution == ppi


def test_jpeg_and_png_dpi_in_and_out(tmp_path):
    rgb = small_doc().root.children[0].pixels[..., :3]
    jpeg = str(tmp_path / "scan.jpg")
    Image.fromarray(rgb).save(jpeg, dpi=(240, 240))
    doc = open_document(jpeg)
    assert doc.resolution == 240.0
    out = str(tmp_path / "out.jpg")
    export_image(doc, out)
    assert Image.open(out).info["dpi"] == (240, 240)
    doc.resolution = 300.0
    png = str(tmp_path / "out.png")
    export_image(doc, png)  # (PNG keeps pixels per metre: 299.9994, read back as 300)
    assert Image.open(png).info["dpi"][0] == pytest.approx(300, abs=0.01)
    assert open_document(png).resolution == 300.0
    plain = str(tmp_path / "plain.png")  # no pHYs: Photoshop's 72
    Image.fromarray(rgb).save(plain)
    assert open_document(plain).resolution == 72.0


def test_duplicate_and_recovery_snapshot_carry_it():
    from editor.ui.autosave import snapshot

    doc = small_doc(300.0)
    assert duplicate_document(doc, "copy").resolution == 300.0
    assert snapshot(doc).resolution == 300.0


# -- the window -------------------------------------------------------------------------------

def opened(qtbot, tmp_path, monkeypatch):
    """The window with a 40 x 30 photo opened (a PNG without DPI: 72 ppi)."""
    import skimage.data

    path = str(tmp_path / "coffee.png")
    Image.fromarray(skimage.data.coffee()[100:130, 200:240]).save(path)
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_file(w, qtbot, monkeypatch, path)
    return w


def image_size(qtbot, w, drive) -> dict:
    return in_modal_dialog(qtbot, w.actions["image_size"].trigger, drive, "ImageSizeDialog")


def test_image_size_without_resample_changes_only_the_resolution(qtbot, tmp_path, monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc
    layer = next(iter(doc.layers()))
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        seen["inches"] = dialog.print_width.value()
        dialog.resample_on.setChecked(False)
        seen["enabled"] = dialog.width_box.isEnabled()
        dialog.resolution.setValue(300)
        seen["size"] = dialog.chosen()
        seen["print"] = (dialog.print_width.value(), dialog.print_height.value())

    seen = image_size(qtbot, w, drive)
    assert seen["inches"] == pytest.approx(40 / 72, abs=0.001)
    assert not seen["enabled"] and seen["size"] == (40, 30)
    assert seen["print"] == pytest.approx((40 / 300, 30 / 300), abs=0.001)
    assert doc.resolution == 300.0 and doc.size == (40, 30)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Image Size"
    np.testing.assert_array_equal(layer.pixels, before)
    doc.history.undo()
    assert doc.resolution == 72.0
    np.testing.assert_array_equal(layer.pixels, before)

    def by_print_size(dialog, seen):  # 2 cm wide, Resample off: 40 px / (2 / 2.54 in)
        dialog.resample_on.setChecked(False)
        dialog.width_unit.setCurrentText("Centimeters")
        seen["height_unit"] = dialog.height_unit.currentText()
        dialog.print_width.setValue(2.0)

    seen = image_size(qtbot, w, by_print_size)
    assert seen["height_unit"] == "Centimeters"
    assert doc.resolution == pytest.approx(40 / (2 / 2.54), abs=0.001) and doc.size == (40, 30)
    np.testing.assert_array_equal(layer.pixels, before)


def test_image_size_with_resample_keeps_the_print_size(qtbot, tmp_path, monkeypatch):
    w = opened(qtbot, tmp_path, monkeypatch)
    doc = w.doc

    def drive(dialog, seen):
        dialog.resolution.setValue(144)  # the print size kept: twice the pixels
        seen["size"] = dialog.chosen()

    seen = image_size(qtbot, w, drive)
    assert seen["size"] == (80, 60)
    assert doc.size == (80, 60) and doc.resolution == 144.0
    doc.history.undo()  # one step for both
    assert doc.size == (40, 30) and doc.resolution == 72.0

    def pixels_only(dialog, seen):  # the old way: pixels typed, resolution kept
        dialog.width_box.setValue(20)
        seen["print"] = dialog.print_width.value()

    seen = image_size(qtbot, w, pixels_only)
    assert seen["print"] == pytest.approx(20 / 72, abs=0.001)
    assert doc.size == (20, 15) and doc.resolution == 72.0


def test_new_document_with_300_ppi_saved_and_reopened(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)

    def drive(dialog, seen):
        dialog.width_box.setValue(30)
        dialog.height_box.setValue(20)
        dialog.resolution.setValue(300)

    in_modal_dialog(qtbot, w.actions["new"].trigger, drive, "NewDocumentDialog")
    doc = w.doc
    assert doc.size == (30, 20) and doc.resolution == 300.0
    path = str(tmp_path / "new.psd")
    save_document(doc, path)
    assert open_document(path).resolution == 300.0


def test_print_at_300_ppi_places_a_smaller_image_than_at_72(qtbot, tmp_path, monkeypatch):
    from editor.model.print_layout import PDF
    from test_print import ink_box

    w = opened(qtbot, tmp_path, monkeypatch)
    widths = {}

    def measure(key):
        def drive(dialog, seen):
            dialog.printer.setCurrentText(PDF)
            dialog.fit.setChecked(False)
            dialog.scale.setValue(100)
            widths[key] = (ink_box(dialog.preview_image())[2], dialog.width_box.value(),
                           dialog.units.currentText())
            seen["cancel"] = True
        in_modal_dialog(qtbot, w.actions["print"].trigger, drive, "PrintDialog")

    measure(72)
    w.doc.resolution = 300.0
    measure(300)
    unit_mm = {"cm": 10.0, "mm": 1.0, "in": 25.4}[widths[72][2]]
    assert widths[72][1] * unit_mm == pytest.approx(40 / 72 * 25.4, abs=0.05)
    assert widths[300][1] * unit_mm == pytest.approx(40 / 300 * 25.4, abs=0.05)
    assert widths[300][0] < widths[72][0] / 2  # the preview's ink too


def test_cli_info_prints_the_resolution(tmp_path):
    path = str(tmp_path / "print.psd")
    save_document(small_doc(300.0), path)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "main.py", "info", path], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "resolution: 300 ppi" in result.stdout.splitlines()


def test_save_a_copy_carries_it(tmp_path):
    from editor.model.files import save_copy

    doc = small_doc(200.0)
    save_copy(doc, str(tmp_path / "copy.psd"))
    save_copy(doc, str(tmp_path / "copy.jpg"))
    assert open_document(str(tmp_path / "copy.psd")).resolution == 200.0
    assert Image.open(tmp_path / "copy.jpg").info["dpi"] == (200, 200)
    assert doc.path is None  # (the document's own file untouched)


def test_an_actions_image_size_step_plays_the_resolution():
    from editor.model import replay

    doc = small_doc()
    settings = {"width": 12, "height": 8, "method": "automatic", "noise": 0,
                "resolution": 300.0}
    replay.play(doc, "image_size", settings)
    assert doc.resolution == 300.0 and doc.size == (12, 8)
    assert "Resolution: 300 Pixels/Inch" in replay.details("image_size", settings)
    replay.play(doc, "image_size", {"width": 24, "height": 16})  # recorded before: kept
    assert doc.size == (24, 16) and doc.resolution == 300.0
