"""Linked smart objects in the window: File > Place Linked… (Esc takes it back, Enter is
one step), Layer > Smart Objects > Update Modified Content after the file changed on disk,
Relink to File…, Embed Linked, Convert to Linked…, Edit Contents opening the file; a PSD
keeping the link as Photoshop does ('lnkE', read by psd-tools), found again on reopening
(also next to a moved PSD), a missing file opening as pixels with one warning; the link
badge in the Layers panel."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from editor.model.smart_object import SmartObjectLayer
from editor.ui.tools.place_mode import PlaceTool
from ui_helpers import make_window, open_file, write_png


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    w.files.create_document(60, 40)
    return w


def flat(width, height, color) -> np.ndarray:
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[...] = (*color, 255)
    return pixels


def rewrite(path, pixels) -> None:
    """The file changed on disk by another program (its date moved on, as a later save's)."""
    before = os.stat(path).st_mtime
    write_png(path, pixels)
    os.utime(path, (before + 5, before + 5))


def place_linked(w, qtbot, monkeypatch, path, commit=True) -> SmartObjectLayer:
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(path)])
    w.actions["place_linked"].trigger()
    qtbot.waitUntil(lambda: isinstance(w.tools.mode, PlaceTool), timeout=10000)
    layer = w.doc.active
    if commit:
        w.canvas.setFocus()
        qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
        assert w.tools.mode is None and w.test_errors == []
    return layer


def save_as(w, qtbot, monkeypatch, path) -> None:
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(path))
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: not w.session.modified and w.session.file == str(path),
                    timeout=10000)
    assert w.test_errors == []


def test_place_linked_then_update_modified_content(window, qtbot, monkeypatch, tmp_path):
    w, doc = window, window.doc
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    steps = doc.history.index

    # Esc takes the place back: nothing left.
    place_linked(w, qtbot, monkeypatch, path, commit=False)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    assert [n.name for n in doc.layers()] == ["Background"] and doc.history.index == steps

    # Placed, nudged 1 px left, Enter: one step, Place Linked.
    layer = place_linked(w, qtbot, monkeypatch, path, commit=False)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Left)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.test_errors == []
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Place Linked"
    assert isinstance(layer, SmartObjectLayer) and layer.contents.link == str(path)
    assert (layer.x, layer.y, layer.width, layer.height) == (14, 10, 30, 20)
    assert (layer.pixels[..., :3] == (220, 30, 30)).all()
    qtbot.waitUntil(lambda: "Linked Smart Object: logo.png" in w.properties_panel.kind.text())

    # Nothing changed yet: no step.
    w.update_actions()
    assert w.actions["update_modified_content"].isEnabled()
    w.actions["update_modified_content"].trigger()
    assert doc.history.index == steps + 1 and "not changed" in w.statusBar().currentMessage()

    # The file changes on disk: Update Modified Content shows it, in one step.
    rewrite(path, flat(30, 20, (20, 200, 40)))
    w.actions["update_modified_content"].trigger()
    assert w.test_errors == []
    assert doc.history.index == steps + 2
    assert doc.history.undo_name() == "Update Modified Content"
    assert (layer.pixels[..., :3] == (20, 200, 40)).all() and layer.x == 14
    w.actions["undo"].trigger()
    assert (layer.pixels[..., :3] == (220, 30, 30)).all()
    w.actions["redo"].trigger()
    assert (layer.pixels[..., :3] == (20, 200, 40)).all()

    # Relink to File…: another file, fitted in the same place; one step.
    other = write_png(tmp_path / "other.png", flat(60, 40, (10, 10, 200)))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [other])
    w.actions["relink_to_file"].trigger()
    assert w.test_errors == [] and doc.history.undo_name() == "Relink to File"
    assert layer.contents.link == other and layer.contents.width == 60
    assert (layer.x, layer.y, layer.width, layer.height) == (14, 10, 30, 20)
    assert (layer.pixels[2:-2, 2:-2, :3] == (10, 10, 200)).all()

    # Bad input: a file that is no picture, or a linked file gone: one line, no step.
    steps = doc.history.index
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [str(bad)])
    w.actions["relink_to_file"].trigger()
    assert len(w.test_errors) == 1 and "\n" not in w.test_errors[0][1].strip()
    os.remove(other)
    w.actions["update_modified_content"].trigger()
    assert len(w.test_errors) == 2 and "is missing" in w.test_errors[1][1]
    assert doc.history.index == steps and layer.contents.link == other


def test_the_layers_panel_shows_a_link_badge(window, qtbot, monkeypatch, tmp_path):
    from editor.ui.layers_panel import smart_badge_rect

    w = window
    panel = w.layers_panel.list
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    layer = place_linked(w, qtbot, monkeypatch, path)

    def badge():
        panel.update()
        qtbot.wait(50)
        image = panel.grab().toImage()
        rect = smart_badge_rect(panel.thumb_rect(layer))
        return [image.pixel(x, y) for x in range(rect.left(), rect.right())
                for y in range(rect.top(), rect.bottom())]

    linked = badge()
    w.actions["embed_linked"].trigger()
    assert layer.contents.link is None
    embedded = badge()
    changed = sum(a != b for a, b in zip(linked, embedded))
    assert changed > len(linked) // 4  # the chain, not the page


def test_psd_keeps_the_link_and_finds_the_file_again(window, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage

    w = window
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    place_linked(w, qtbot, monkeypatch, path)
    psd_path = tmp_path / "poster.psd"
    save_as(w, qtbot, monkeypatch, psd_path)

    # As Photoshop reads it: an external link ('lnkE') to logo.png, nothing embedded.
    (item,) = [layer for layer in PSDImage.open(psd_path) if layer.kind == "smartobject"]
    so = item.smart_object
    assert so.kind == "external" and so.filename == "logo.png"
    described = so._data.linked_file
    assert described[b"relPath"].value.strip("\x00") == "logo.png"
    assert described[b"fullPath"].value.strip("\x00") == "file://" + str(path)
    assert so._data.filesize == os.path.getsize(path)

    # Reopened: a live linked smart object again, without a warning.
    w.close_current()
    open_file(w, qtbot, monkeypatch, str(psd_path))
    (layer,) = [n for n in w.doc.layers() if n.kind == "smartobject"]
    assert layer.contents.link == str(path) and w.doc.warnings == []
    assert (layer.pixels[..., :3] == (220, 30, 30)).all()
    rewrite(path, flat(30, 20, (20, 200, 40)))
    w.actions["update_modified_content"].trigger()
    assert (layer.pixels[..., :3] == (20, 200, 40)).all()

    # The PSD and its file moved together to another folder: found next to the PSD.
    w.close_current()
    moved = tmp_path / "moved"
    moved.mkdir()
    shutil.move(str(psd_path), moved / "poster.psd")
    shutil.move(str(path), moved / "logo.png")
    open_file(w, qtbot, monkeypatch, str(moved / "poster.psd"))
    (layer,) = [n for n in w.doc.layers() if n.kind == "smartobject"]
    assert layer.contents.link == str(moved / "logo.png")
    # (the file is not the one recorded: Update Modified Content reads it, one step)
    steps = w.doc.history.index
    w.actions["update_all_modified_content"].trigger()
    assert w.test_errors == [] and w.doc.history.index == steps + 1
    assert (layer.pixels[..., :3] == (20, 200, 40)).all()


def test_a_missing_linked_file_opens_as_pixels_with_one_warning(
        window, qtbot, monkeypatch, tmp_path):
    w = window
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    place_linked(w, qtbot, monkeypatch, path)
    psd_path = tmp_path / "poster.psd"
    save_as(w, qtbot, monkeypatch, psd_path)
    w.close_current()
    os.remove(path)
    open_file(w, qtbot, monkeypatch, str(psd_path))
    doc = w.doc
    (layer,) = [n for n in doc.layers() if n.name == "logo"]
    assert layer.kind == "pixel" and (layer.pixels[..., :3] == (220, 30, 30)).all()
    assert len(doc.warnings) == 1 and "linked file 'logo.png' is missing" in doc.warnings[0]
    assert "logo.png' is missing" in w.statusBar().currentMessage()
    assert w.test_errors == []


def test_embed_linked_and_convert_to_linked(window, qtbot, monkeypatch, tmp_path):
    w, doc = window, window.doc
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    layer = place_linked(w, qtbot, monkeypatch, path)
    steps = doc.history.index

    w.update_actions()
    assert not w.actions["convert_to_linked"].isEnabled()
    w.actions["embed_linked"].trigger()
    assert w.test_errors == [] and doc.history.index == steps + 1
    assert doc.history.undo_name() == "Embed Linked"
    assert layer.contents.link is None and layer.contents.data == open(path, "rb").read()
    os.remove(path)  # embedded: the file is no longer needed
    assert (layer.pixels[..., :3] == (220, 30, 30)).all()

    # Convert to Linked… writes the contents to a file and links to it; one step.
    out = tmp_path / "out" / "logo-linked.png"
    out.parent.mkdir()
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(out))
    w.update_actions()
    w.actions["convert_to_linked"].trigger()
    assert w.test_errors == [] and doc.history.index == steps + 2
    assert doc.history.undo_name() == "Convert to Linked"
    assert layer.contents.link == str(out)
    written = np.asarray(Image.open(out).convert("RGBA"))
    assert np.array_equal(written, layer.contents.pixels)
    rewrite(out, flat(30, 20, (20, 200, 40)))
    w.actions["update_modified_content"].trigger()
    assert (layer.pixels[..., :3] == (20, 200, 40)).all()
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.contents.link is None

    # A kind it cannot be written as: one readable line, nothing changed.
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path",
                        lambda *a, **k: str(tmp_path / "x.tif"))
    w.actions["convert_to_linked"].trigger()
    assert len(w.test_errors) == 1 and "not as '.tif'" in w.test_errors[0][1]
    assert layer.contents.link is None and doc.history.index == steps + 1


def test_edit_contents_opens_the_linked_file(window, qtbot, monkeypatch, tmp_path):
    w = window
    path = write_png(tmp_path / "logo.png", flat(30, 20, (220, 30, 30)))
    place_linked(w, qtbot, monkeypatch, path)
    w.update_actions()
    w.actions["edit_contents"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    assert w.session.file == str(path) and w.doc.size == (30, 20)
    assert w.test_errors == []


def test_a_linked_psd_edited_and_saved_here_updates_the_smart_object(
        window, qtbot, monkeypatch, tmp_path):
    from editor.model import files
    from editor.model.document import Document

    w, parent = window, window.doc
    source = Document(30, 20)
    source.add_image(flat(30, 20, (220, 30, 30)), "Red", 0, 0)
    psd_path = str(tmp_path / "part.psd")
    files.save_document(source, psd_path)
    layer = place_linked(w, qtbot, monkeypatch, psd_path)
    steps = parent.history.index
    w.actions["edit_contents"].trigger()
    qtbot.waitUntil(lambda: len(w.sessions) == 2, timeout=10000)
    assert w.session.file == psd_path
    w.doc.set_active([n for n in w.doc.layers() if n.name == "Red"][0])
    w.actions["adjust_invert"].trigger()
    w.actions["save"].trigger()
    assert w.test_errors == []
    # The document holding the smart object read the file again, in one step.
    assert parent.history.index == steps + 1
    assert parent.history.undo_name() == "Update Modified Content"
    assert (layer.pixels[..., :3] == (35, 225, 225)).all()
