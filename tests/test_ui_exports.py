"""File > Export > Export As… and Layers to Files…, and File > Place Embedded…, in the window:
the exported file at the chosen size, JPEG quality and the file's size, transparency kept,
no temporary left; one file per layer with the expected names and trimmed pixels, a cancel
leaving none; a placed image as a smart object fitted to the canvas, Esc taking it back,
Enter and Ctrl+Z as one step."""
from __future__ import annotations

import os
import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from editor.model import export_as, files, layers_to_files, smart_object
from editor.model.document import Document
from editor.model.file_info import FileInfo, document_info, set_file_info
from editor.model.render import composite_document
from editor.model.smart_object import SmartObjectLayer
from editor.ui.tools.place_mode import PlaceTool

from ui_helpers import in_modal_dialog, make_window, photo, write_png


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    return make_window(qtbot, tmp_path, monkeypatch)


def red_dot_document(window, width=60, height=40):
    """A transparent document with a half-transparent red square and an opaque photo strip."""
    window.files.create_document(width, height, "transparent")
    doc = window.doc
    square = np.zeros((10, 10, 4), np.uint8)
    square[...] = (230, 20, 30, 128)
    doc.add_image(square, "square", 4, 4)
    doc.add_image(photo(30, 12, "astronaut"), "strip", 25, 20)
    return doc


def export_with(window, qtbot, monkeypatch, path, **choices) -> dict:
    """File > Export > Export As… with the dialog's fields set from `choices`; the file
    question answered `path`. Returns what the dialog showed (seen["shown"]: its size line,
    seen["bytes"]: its preview file's size)."""
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(path))

    def drive(dialog, seen):
        if "format" in choices:
            dialog.format.setCurrentIndex(dialog.format.findData(choices["format"]))
        if "quality" in choices:
            dialog.quality.setValue(choices["quality"])
        if "transparency" in choices:
            dialog.transparency.setChecked(choices["transparency"])
        if "scale" in choices:
            dialog.scale.setValue(choices["scale"])
        if "width" in choices:
            dialog.width.setValue(choices["width"])
        if "metadata" in choices:
            dialog.metadata.setCurrentIndex(dialog.metadata.findData(choices["metadata"]))
        qtbot.waitUntil(lambda: not dialog.encoding, timeout=10000)
        seen["shown"] = dialog.size_label.text()
        seen["bytes"] = len(dialog.encoded[1])
        seen["settings"] = dialog.settings()

    return in_modal_dialog(qtbot, window.actions["export_as"].trigger, drive, "ExportAsDialog")


def test_export_as_png_scaled_keeps_transparency_and_leaves_no_temporary(
        window, qtbot, monkeypatch, tmp_path):
    doc = red_dot_document(window)
    out = tmp_path / "out"
    out.mkdir()
    set_file_info(doc, FileInfo(copyright_notice="(c) 2026 Tester"))
    steps = doc.history.index
    seen = export_with(window, qtbot, monkeypatch, out / "picture", format="PNG", scale=50,
                       metadata="copyright")
    assert "30 × 20 px" in seen["shown"]
    written = out / "picture.png"  # the suffix the format writes was added
    assert sorted(os.listdir(out)) == ["picture.png"]  # no temporary beside it
    assert written.stat().st_size == seen["bytes"]  # the size the dialog showed
    image = Image.open(written)
    assert image.size == (30, 20) and image.mode == "RGBA"
    assert image.info.get("Copyright") == "(c) 2026 Tester"
    # Metadata: Copyright and Contact Info: the document's File Info notice, not its title.
    assert seen["settings"].metadata == "copyright"
    assert document_info(files.open_document(str(written))).copyright_notice == "(c) 2026 Tester"
    pixels = np.asarray(image)
    expected = export_as.resized(composite_document(doc), 30, 20)
    assert np.array_equal(pixels, expected)
    assert pixels[0, 0, 3] == 0  # transparent where nothing is drawn
    assert 100 <= pixels[4, 4, 3] <= 156  # the half-transparent square stays so
    assert doc.history.index == steps and window.test_errors == []

    # Transparency off: flattened onto white; the width typed keeps the proportions.
    export_with(window, qtbot, monkeypatch, out / "flat.png", transparency=False, width=45)
    flat = Image.open(out / "flat.png")
    assert flat.size == (45, 30) and flat.mode == "RGB"
    assert flat.info.get("Copyright") == "(c) 2026 Tester"  # the Metadata choice remembered
    assert tuple(np.asarray(flat)[0, 0]) == (255, 255, 255)
    assert sorted(os.listdir(out)) == ["flat.png", "picture.png"]


def test_export_as_jpeg_quality_changes_the_file_size(window, qtbot, monkeypatch, tmp_path):
    window.files.create_document(80, 60)
    window.doc.add_image(photo(80, 60, "chelsea"), "cat", 0, 0)
    high = export_with(window, qtbot, monkeypatch, tmp_path / "high.jpg", format="JPEG",
                       quality=95, scale=100)
    low = export_with(window, qtbot, monkeypatch, tmp_path / "low.jpg", format="JPEG",
                      quality=20)
    size_high, size_low = (tmp_path / "high.jpg").stat().st_size, (tmp_path / "low.jpg").stat().st_size
    assert size_low < 0.6 * size_high
    assert (high["bytes"], low["bytes"]) == (size_high, size_low)
    for name in ("high.jpg", "low.jpg"):
        image = Image.open(tmp_path / name)
        assert image.format == "JPEG" and image.size == (80, 60)
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".part")]
    # A failed write (a folder that does not exist) is one error and no file.
    export_with(window, qtbot, monkeypatch, tmp_path / "missing" / "x.jpg", format="JPEG")
    assert len(window.test_errors) == 1 and not (tmp_path / "missing").exists()


def layered_document(window):
    """Background (white), 'Red/Dot' (6x4 red at 5,5), 'Hidden' (hidden), 'Blue' (3x3 at
    20,10), bottom to top."""
    window.files.create_document(40, 30)
    doc = window.doc
    red = np.zeros((4, 6, 4), np.uint8)
    red[...] = (255, 0, 0, 255)
    doc.add_image(red, "Red/Dot", 5, 5)
    hidden = doc.add_image(red, "Hidden", 0, 0)
    doc.set_visible(hidden, False)
    blue = np.zeros((3, 3, 4), np.uint8)
    blue[...] = (0, 0, 255, 255)
    doc.add_image(blue, "Blue", 20, 10)
    return doc


def layers_dialog(folder, prefix="shot", trim=True, visible_only=True, fmt="PNG"):
    def drive(dialog, seen):
        dialog.folder.setText(str(folder))
        dialog.prefix.setText(prefix)
        dialog.trim.setChecked(trim)
        dialog.visible_only.setChecked(visible_only)
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    return drive


def test_layers_to_files_writes_each_visible_layer_trimmed(window, qtbot, monkeypatch, tmp_path):
    layered_document(window)
    out = tmp_path / "layers"
    out.mkdir()
    in_modal_dialog(qtbot, window.actions["layers_to_files"].trigger, layers_dialog(out),
                    "LayersToFilesDialog")
    qtbot.waitUntil(lambda: not window.jobs.busy and len(os.listdir(out)) == 3, timeout=20000)
    assert sorted(os.listdir(out)) == ["shot_0001_Blue.png", "shot_0002_Red_Dot.png",
                                       "shot_0003_Background.png"]
    red = np.asarray(Image.open(out / "shot_0002_Red_Dot.png").convert("RGBA"))
    assert red.shape == (4, 6, 4) and (red == (255, 0, 0, 255)).all()
    blue = np.asarray(Image.open(out / "shot_0001_Blue.png").convert("RGBA"))
    assert blue.shape == (3, 3, 4) and (blue == (0, 0, 255, 255)).all()
    assert Image.open(out / "shot_0003_Background.png").size == (40, 30)
    assert window.test_errors == []

    # Again, untrimmed and all layers: the names that exist are asked about; No writes none.
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_replace_files",
                        lambda parent, folder, names: asked.append(names) or False)
    in_modal_dialog(qtbot, window.actions["layers_to_files"].trigger,
                    layers_dialog(out, trim=False, visible_only=False), "LayersToFilesDialog")
    assert asked == [["shot_0001_Blue.png"]]  # (the others' numbers moved: Hidden is 0002)
    assert not window.jobs.busy and len(os.listdir(out)) == 3
    # Yes: replaced, and the hidden layer written at the canvas' size.
    monkeypatch.setattr("editor.ui.dialogs.ask_replace_files", lambda *a: True)
    in_modal_dialog(qtbot, window.actions["layers_to_files"].trigger,
                    layers_dialog(out, trim=False, visible_only=False), "LayersToFilesDialog")
    qtbot.waitUntil(lambda: not window.jobs.busy and len(os.listdir(out)) == 6, timeout=20000)
    hidden = np.asarray(Image.open(out / "shot_0002_Hidden.png").convert("RGBA"))
    assert hidden.shape == (30, 40, 4) and (hidden[:4, :6] == (255, 0, 0, 255)).all()
    assert (hidden[10:, 10:, 3] == 0).all()


def test_layers_to_files_cancelled_leaves_no_file(window, qtbot, monkeypatch, tmp_path):
    layered_document(window)
    out = tmp_path / "layers"
    out.mkdir()
    slow = layers_to_files.composite_nodes

    def slowly(*args, **kw):
        time.sleep(0.4)
        return slow(*args, **kw)

    monkeypatch.setattr(layers_to_files, "composite_nodes", slowly)
    in_modal_dialog(qtbot, window.actions["layers_to_files"].trigger, layers_dialog(out),
                    "LayersToFilesDialog")
    qtbot.waitUntil(lambda: window.jobs.current is not None, timeout=10000)
    job = window.jobs.current
    qtbot.wait(500)  # a layer or two drawn and staged
    assert os.listdir(out)  # the staging folder, hidden
    qtbot.mouseClick(window.jobs.status.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10000)
    assert job.state == "cancelled"
    assert os.listdir(out) == []
    assert window.test_errors == []


def test_file_names_are_made_safe():
    assert layers_to_files.file_names("a:b", ["x/y", " .", "ok?"], ".png") == [
        "a_b_0001_x_y.png", "a_b_0002_Layer.png", "a_b_0003_ok_.png"]
    assert layers_to_files.file_names("", ["Top"], ".jpg") == ["0001_Top.jpg"]


def place(window, qtbot, monkeypatch, path):
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(path)])
    window.actions["place_embedded"].trigger()
    qtbot.waitUntil(lambda: isinstance(window.tools.mode, PlaceTool), timeout=10000)
    return window.doc.active


def test_place_embedded_fits_a_smart_object_and_esc_takes_it_back(
        window, qtbot, monkeypatch, tmp_path):
    window.files.create_document(60, 40)
    doc = window.doc
    steps = doc.history.index
    picture = photo(120, 40, "astronaut")
    path = write_png(tmp_path / "wide.png", picture)
    layer = place(window, qtbot, monkeypatch, path)
    assert isinstance(layer, SmartObjectLayer) and layer.name == "wide"
    assert np.array_equal(layer.contents.pixels, picture)
    assert layer.contents.filetype == "png" and layer.contents.data == open(path, "rb").read()
    assert layer.placement == ((0.0, 10.0), (60.0, 10.0), (60.0, 30.0), (0.0, 30.0))
    assert (layer.x, layer.y, layer.width, layer.height) == (0, 10, 60, 20)

    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.tools.mode is None
    assert [n.name for n in doc.layers()] == ["Background"]
    assert doc.history.index == steps and not doc.history.can_redo()

    # Ctrl+Z before any handle is moved takes the place back too.
    place(window, qtbot, monkeypatch, path)
    window.actions["undo"].trigger()
    assert window.tools.mode is None and [n.name for n in doc.layers()] == ["Background"]
    assert doc.history.index == steps and not doc.history.can_redo()

    # Placed, nudged 3 px right, Enter: one step, which Ctrl+Z takes back whole.
    layer = place(window, qtbot, monkeypatch, path)
    window.canvas.setFocus()
    for _ in range(3):
        qtbot.keyClick(window.canvas, Qt.Key.Key_Right)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    assert window.tools.mode is None and window.test_errors == []
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Place Embedded"
    assert layer.placement[0] == (3.0, 10.0) and layer.x == 3
    window.actions["undo"].trigger()
    assert [n.name for n in doc.layers()] == ["Background"]
    window.actions["redo"].trigger()
    assert doc.active is layer and layer.x == 3


def test_place_embedded_psd_embeds_the_psd(window, qtbot, monkeypatch, tmp_path):
    source = Document(30, 20)
    source.add_image(photo(30, 20, "chelsea"), "Cat", 0, 0)
    dot = np.zeros((4, 4, 4), np.uint8)
    dot[...] = (0, 255, 0, 255)
    source.add_image(dot, "Dot", 2, 2)
    psd_path = str(tmp_path / "small.psd")
    files.save_document(source, psd_path)

    window.files.create_document(100, 80)
    doc = window.doc
    layer = place(window, qtbot, monkeypatch, psd_path)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Return)
    assert layer.contents.filetype == "8bps"
    assert layer.contents.data == open(psd_path, "rb").read()
    assert (layer.x, layer.y, layer.width, layer.height) == (35, 30, 30, 20)  # not enlarged
    inner = smart_object.contents_document(doc, layer)
    assert [n.name for n in inner.layers()] == ["Cat", "Dot"]
    assert np.array_equal(layer.pixels, composite_document(source))


def test_layers_to_files_draws_a_layer_with_its_mask_and_style(window, qtbot, tmp_path):
    from editor.model import mask_ops
    from editor.model.layer_effects import LayerEffects, Stroke
    from engine.box import Box, opaque_bounds

    doc = layered_document(window)
    red = next(n for n in doc.layers() if n.name == "Red/Dot")
    doc.set_selection(Box(8, 5, 3, 4))
    mask_ops.add_mask(doc, red, "reveal_selection")  # its left half hidden
    doc.set_selection(None)
    doc.set_effects(red, LayerEffects(strokes=(Stroke(size=2.0, color=(0, 200, 0)),)))
    out = tmp_path / "layers"
    out.mkdir()
    window.export_commands.write_layers(layers_to_files.LayersToFilesSettings(
        str(out), "fx", visible_only=True, trim=True))
    qtbot.waitUntil(lambda: not window.jobs.busy and len(os.listdir(out)) == 3, timeout=20000)
    written = np.asarray(Image.open(out / "fx_0002_Red_Dot.png").convert("RGBA"))
    # What the canvas shows of that layer alone, trimmed.
    for node in doc.layers():
        if node is not red:
            doc.set_visible(node, False)
    alone = composite_document(doc)
    expected = alone[opaque_bounds(alone).slices()]
    assert written.shape == expected.shape and written.shape[1] < 10  # the mask's cut
    assert np.abs(written.astype(int) - expected.astype(int)).max() <= 1
    assert (written[..., 1] >= 150).any()  # the green stroke came along


def test_place_embedded_unreadable_file_is_one_error_and_no_layer(
        window, qtbot, monkeypatch, tmp_path):
    window.files.create_document(40, 30)
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG not really")
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(bad)])
    window.actions["place_embedded"].trigger()
    qtbot.waitUntil(lambda: window.files.pending == 0 and bool(window.test_errors), timeout=10000)
    assert len(window.test_errors) == 1 and "broken.png" in window.test_errors[0][1]
    assert [n.name for n in window.doc.layers()] == ["Background"]
    assert window.tools.mode is None and window.doc.history.index == 0


def test_export_as_webp_gif_and_jpeg_copyright(tmp_path):
    from editor.model.export_as import ExportSettings

    doc = Document(40, 30)
    square = np.zeros((20, 20, 4), np.uint8)
    square[...] = (10, 200, 30, 255)
    doc.add_image(square, "square", 10, 5)
    for fmt, name in (("WEBP", "a.webp"), ("GIF", "a.gif")):
        export_as.export_as(doc, tmp_path / name, ExportSettings(fmt, quality=100, width=20,
                                                                 height=15))
        image = Image.open(tmp_path / name)
        assert image.format == fmt and image.size == (20, 15)
        rgba = np.asarray(image.convert("RGBA"))
        assert rgba[0, 0, 3] == 0 and rgba[7, 10, 3] == 255
        assert np.abs(rgba[7, 10, :3].astype(int) - (10, 200, 30)).max() <= 2
    set_file_info(doc, FileInfo(copyright_notice="(c) Me"))
    export_as.export_as(doc, tmp_path / "c.jpg", ExportSettings("JPEG", metadata="copyright"))
    assert Image.open(tmp_path / "c.jpg").getexif()[0x8298] == "(c) Me"
    plain = tmp_path / "plain.jpg"
    export_as.export_as(doc, plain, ExportSettings("JPEG"))
    assert 0x8298 not in Image.open(plain).getexif()  # Metadata: None
    with pytest.raises(Exception, match="quality"):
        export_as.export_as(doc, tmp_path / "q.jpg", ExportSettings("JPEG", quality=0))
    assert not (tmp_path / "q.jpg").exists()
