"""Photoshop's Background layer driven in the window as a user would: a new document with
White or Background colour contents and an opened JPEG get one; it stays opaque (the Eraser
and Backspace paint the background colour), stays at the bottom, refuses moves, masks and
modes in one line; Layer from Background… (double-click) and Background from Layer; Canvas
Size extends it with the background colour; Flatten gives one; PSD round trip checked with
psd-tools and Photoshop's own files; Deep knockout reaches it. Each change one undo step."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QRadioButton

from editor.model import background_layer
from editor.model.background_layer import background_of
from editor.model.document import BACKGROUND_LOCKED
from editor.model.files import open_document
from editor.model.layers import Layer
from editor.model.render import composite_document
from engine.box import Box

from ui_helpers import (image_drag, in_modal_dialog, open_file, photo, saved_and_reopened,
                        window_with_background_color)

W, H = 64, 48
GREEN = (20, 180, 60)


@pytest.fixture
def w(qtbot, tmp_path, monkeypatch):
    return window_with_background_color(qtbot, tmp_path, monkeypatch, GREEN)


def opened_jpeg(w, qtbot, monkeypatch, tmp_path) -> Layer:
    path = str(tmp_path / "kitten.jpg")
    Image.fromarray(photo(W, H)[..., :3]).save(path, quality=95)
    open_file(w, qtbot, monkeypatch, path)
    (layer,) = w.doc.layers()
    return layer


def undo_is_one_step(w, name: str, check_before, check_after) -> None:
    assert w.doc.history.undo_name() == name
    w.actions["undo"].trigger()
    check_before()
    w.actions["redo"].trigger()
    check_after()


def test_new_document_white_or_background_colour_has_a_background(w, qtbot):
    def choose(label):
        def drive(dialog, seen):
            dialog.width_box.setValue(W)
            dialog.height_box.setValue(H)
            button = next(b for b in dialog.findChildren(QRadioButton) if b.text() == label)
            button.setChecked(True)
        return drive

    in_modal_dialog(qtbot, w.actions["new"].trigger, choose("Background colour"),
                    "NewDocumentDialog")
    layer = background_of(w.doc)
    assert layer is not None and layer.name == "Background" and list(w.doc.layers()) == [layer]
    assert (layer.pixels == (*GREEN, 255)).all() and not w.doc.modified
    panel = w.layers_panel  # its locks shown held, its mode and opacity greyed
    assert panel.lock_buttons["transparency"].isChecked()
    assert panel.lock_buttons["position"].isChecked()
    assert not panel.lock_buttons["transparency"].isEnabled()
    assert not panel.opacity.isEnabled() and not panel.blend.isEnabled()
    in_modal_dialog(qtbot, w.actions["new"].trigger, choose("White"), "NewDocumentDialog")
    assert (background_of(w.doc).pixels == 255).all()
    in_modal_dialog(qtbot, w.actions["new"].trigger, choose("Transparent"), "NewDocumentDialog")
    assert background_of(w.doc) is None and next(w.doc.layers()).name == "Layer 1"


def test_opened_jpeg_is_a_background_the_eraser_and_delete_paint_the_background_colour(
        w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    assert layer.is_background and layer.name == "Background"
    before = layer.pixels.copy()
    w.canvas.set_zoom(4.0)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_E)
    assert w.tools.current.id == "eraser"
    image_drag(qtbot, w.canvas, [(10, 24), (30, 24), (50, 24)])
    assert (layer.pixels[..., 3] == 255).all()  # no transparency, ever
    stroke = layer.pixels[24, 15:45, :3].astype(int)
    assert (np.abs(stroke - GREEN) <= 2).all()  # the background colour, not see-through
    rows = np.flatnonzero((layer.pixels != before).any(axis=(1, 2)))
    assert 0 < rows[0] <= 24 <= rows[-1] < H - 1  # a band along the stroke; the rest kept
    after = layer.pixels.copy()
    undo_is_one_step(w, w.doc.history.undo_name(),
                     lambda: np.testing.assert_array_equal(layer.pixels, before),
                     lambda: np.testing.assert_array_equal(layer.pixels, after))
    # Backspace with a selection: the background colour there, one step "Clear" (Delete
    # opens Fill instead: test_ui_photoshop_parity).
    w.doc.set_selection(Box(4, 4, 10, 8))
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Backspace)
    assert (layer.pixels[4:12, 4:14] == (*GREEN, 255)).all()
    assert np.array_equal(layer.pixels[20:], after[20:])
    assert w.doc.history.undo_name() == "Clear"
    # Cut likewise.
    w.doc.set_selection(Box(40, 30, 6, 6))
    w.actions["cut"].trigger()
    assert (layer.pixels[30:36, 40:46] == (*GREEN, 255)).all()
    assert w.doc.history.undo_name() == "Cut Pixels"


def test_the_background_refuses_moves_masks_modes_and_stays_at_the_bottom(
        w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    steps = doc.history.count
    w.canvas.set_zoom(4.0)
    w.tool_actions["move"].trigger()
    image_drag(qtbot, w.canvas, [(20, 20), (25, 22), (30, 26)])
    # (the Move tool's lock notes go to the status bar, not a dialog to dismiss)
    assert w.statusBar().currentMessage() == BACKGROUND_LOCKED and w.test_errors == []
    w.actions["free_transform"].trigger()
    assert w.tools.mode is None
    w.actions["mask_reveal_all"].trigger()
    assert (layer.x, layer.y, layer.mask) == (0, 0, None) and doc.history.count == steps
    lines = [message for _, message in w.test_errors]
    assert lines[0] == BACKGROUND_LOCKED
    assert lines[1].startswith("The Background layer cannot have a layer mask")
    # Nothing goes below it: Send to Back stops above it; the Background itself stays.
    w.actions["new_layer"].trigger()
    top = doc.active
    w.actions["send_to_back"].trigger()
    assert doc.root.children == [layer, top]
    doc.set_active(layer)
    w.test_errors.clear()
    w.actions["bring_forward"].trigger()
    assert doc.root.children == [layer, top] and len(w.test_errors) == 1
    # A duplicate is a plain layer ("Background copy"), as in Photoshop.
    w.actions["duplicate"].trigger()
    assert doc.active.name == "Background copy" and not doc.active.is_background


def test_layer_from_background_by_double_click_then_background_from_layer(
        w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text: asked.append(text) or text)
    panel = w.layers_panel.list
    qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton, pos=panel.row_rect(layer).center())
    assert asked == ["Layer 0"] and layer.name == "Layer 0" and not layer.is_background
    assert background_of(doc) is None
    undo_is_one_step(w, "Layer from Background",
                     lambda: layer.is_background and layer.name == "Background" or
                     pytest.fail("undo"),
                     lambda: not layer.is_background or pytest.fail("redo"))
    # A click on its lock makes it "Layer 0" at once, as Photoshop's does.
    w.actions["undo"].trigger()
    rect = panel.row_rect(layer)
    qtbot.mouseClick(panel, Qt.MouseButton.LeftButton, pos=rect.topRight() + QPoint(-8, 16))
    assert layer.name == "Layer 0" and not layer.is_background and asked == ["Layer 0"]
    assert doc.history.undo_name() == "Layer from Background"
    # Now a plain layer: it moves.
    doc.translate(layer, 3, 0)
    # Background from Layer: a half-transparent layer flattened over the background colour,
    # at the bottom of the stack.
    half = np.zeros((10, 10, 4), np.uint8)
    half[...] = (200, 0, 0, 128)
    w.actions["new_layer"].trigger()
    red = doc.add_image(half, "Red", 5, 5)
    doc.set_active(red)
    w.actions["background_from_layer"].trigger()
    background = background_of(doc)
    assert background is not None and doc.root.children[0] is background
    assert background.name == "Background" and background.bounds() == doc.canvas
    expected = np.round((np.array([200, 0, 0]) * 128 + np.array(GREEN) * 127) / 255)
    assert np.abs(background.pixels[8, 8, :3].astype(int) - expected).max() <= 1
    assert tuple(background.pixels[0, 0]) == (*GREEN, 255)  # where it had nothing
    assert doc.history.undo_name() == "Background from Layer"
    assert not w.actions["background_from_layer"].isEnabled()  # there is one now
    w.actions["undo"].trigger()
    assert background_of(doc) is None and doc.find_by_name("Red") is red


def test_canvas_size_extends_the_background_with_the_background_colour(
        w, qtbot, monkeypatch, tmp_path):
    from editor.ui.image_commands import CanvasSizeDialog

    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    other = doc.add_image(np.full((8, 8, 4), 255, np.uint8), "White", 0, 0)
    original = layer.pixels.copy()

    def accept():
        dialog = next(d for d in w.findChildren(CanvasSizeDialog) if d.isVisible())
        dialog.width_box.setValue(W + 16)
        dialog.height_box.setValue(H + 8)
        dialog.buttons.accepted.emit()

    QTimer.singleShot(0, accept)
    w.actions["canvas_size"].trigger()
    assert doc.size == (W + 16, H + 8)
    assert layer.bounds() == doc.canvas  # the Background fills the new canvas
    assert np.array_equal(layer.pixels[4:4 + H, 8:8 + W], original)
    assert (layer.pixels[:4] == (*GREEN, 255)).all() and (layer.pixels[:, :8] == (*GREEN, 255)).all()
    assert (other.x, other.y) == (8, 4)  # the other layers moved, not extended
    shown = composite_document(doc)
    assert (shown[..., 3] == 255).all()
    assert doc.history.undo_name() == "Canvas Size"
    w.actions["undo"].trigger()
    assert doc.size == (W, H) and np.array_equal(layer.pixels, original)


def test_flatten_gives_a_background(w, qtbot, monkeypatch, tmp_path):
    opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    w.actions["new_layer"].trigger()
    w.actions["flatten"].trigger()
    (flat,) = doc.layers()
    assert flat.is_background and flat.name == "Background"


def test_psd_round_trip_as_photoshop_writes_the_background(w, qtbot, monkeypatch, tmp_path):
    from psd_tools import PSDImage
    from psd_tools.constants import Tag

    opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    doc.add_image(np.full((6, 6, 4), (0, 0, 255, 160), np.uint8), "Blue", 10, 10)
    shown = composite_document(doc)
    path = str(tmp_path / "saved.psd")
    reopened = saved_and_reopened(w, qtbot, monkeypatch, path)
    assert background_of(reopened) is not None and [n.name for n in reopened.layers()] == [
        "Background", "Blue"]
    assert reopened.root.children[0].locks == doc.root.children[0].locks  # (none of its own)
    np.testing.assert_array_equal(composite_document(reopened), shown)
    psd = PSDImage.open(path)
    info = psd._record.layer_and_mask_information.layer_info
    bottom, blue = info.layer_records
    assert [int(c.id) for c in bottom.channel_info] == [0, 1, 2]  # no transparency channel
    assert -1 in [int(c.id) for c in blue.channel_info]
    assert bottom.flags.transparency_protected and not blue.flags.transparency_protected
    assert bottom.tagged_blocks.get_data(Tag.PROTECTED_SETTING) == 5
    assert bottom.tagged_blocks.get_data(Tag.LAYER_NAME_SOURCE_SETTING) == b"bgnd"
    assert info.layer_count == 2 and psd.channels == 3  # opaque merged image
    assert np.abs(psd.numpy()[..., :3] * 255 - shown[..., :3]).max() <= 1
    # Made a layer, it is written with transparency again and reopens as a layer.
    background_layer.layer_from_background(reopened)
    path2 = str(tmp_path / "layer0.psd")
    again = saved_and_reopened(w, qtbot, monkeypatch, path2)
    assert background_of(again) is None and next(again.layers()).name == "Layer 0"
    records = PSDImage.open(path2)._record.layer_and_mask_information.layer_info
    assert -1 in [int(c.id) for c in records.layer_records[0].channel_info]
    assert records.layer_count < 0


@pytest.mark.parametrize("name,background", [
    ("psd_tools_files/layer_params.psd", "Фон"),  # a Russian Photoshop's Background
    ("psd_tools_files/blend-and-clipping.psd", "Background"),
    ("ag_psd_files/group-drop-shadows.psd", "Background"),
    ("psd_tools_files/layer_effects.psd", None),  # a layer named "Background", not one
])
def test_photoshop_files_backgrounds_are_read(name, background):
    import os

    doc = open_document(os.path.join(os.path.dirname(__file__), name))
    found = background_of(doc)
    assert (found.name if found is not None else None) == background
    if found is not None:
        assert (found.pixels[..., 3] == 255).all() and not found.locks.any()


def test_deep_knockout_knocks_out_to_the_background():
    """Photoshop: "Deep knocks out to the background" (to transparency without one)."""
    from editor.model import Document
    from editor.model.background_layer import filled, make_background

    doc = Document(20, 20)
    doc.add_layer(make_background(filled(20, 20, (255, 0, 0))))
    blue = doc.add_image(np.full((20, 20, 4), (0, 0, 255, 255), np.uint8), "Blue", 0, 0)
    hole = doc.add_image(np.full((6, 6, 4), (0, 255, 0, 255), np.uint8), "Hole", 7, 7)
    doc.group([blue, hole], "G")  # (pass-through: Deep reaches the document's bottom)
    doc.set_fill_opacity(hole, 0)
    doc.set_knockout(hole, "deep")
    shown = composite_document(doc)
    assert tuple(shown[10, 10]) == (255, 0, 0, 255)  # the Background through the hole
    assert tuple(shown[2, 2]) == (0, 0, 255, 255)
    background_layer.layer_from_background(doc)
    assert composite_document(doc)[10, 10, 3] == 0  # no Background: to transparency


def test_arbitrary_rotation_fills_the_backgrounds_corners_with_the_background_colour():
    from editor.model import Document, image_ops
    from editor.model.background_layer import make_background

    doc = Document(40, 30)
    pixels = photo(40, 30)
    doc.add_layer(make_background(pixels))
    top = doc.add_image(np.full((30, 40, 4), (0, 0, 255, 255), np.uint8), "Blue", 0, 0)
    doc.set_visible(top, False)
    image_ops.rotate_arbitrary(doc, 30.0, GREEN)
    layer = background_of(doc)
    assert layer.bounds() == doc.canvas and doc.size != (40, 30)
    assert (layer.pixels[..., 3] == 255).all()
    assert tuple(layer.pixels[0, 0]) == (*GREEN, 255)  # an uncovered corner
    assert top.pixels[0, 0, 3] == 0  # the other layers' corners: transparent
    doc.history.undo()
    assert np.array_equal(layer.pixels, pixels)


def test_a_crop_past_the_canvas_keeps_the_background_opaque():
    from editor.model import Document, image_ops
    from editor.model.background_layer import make_background

    doc = Document(40, 30)
    doc.add_layer(make_background(photo(40, 30)))
    image_ops.crop(doc, Box(-5, 10, 50, 30), fill=GREEN)
    layer = background_of(doc)
    assert doc.size == (50, 30) and layer.bounds() == doc.canvas
    assert (layer.pixels[..., 3] == 255).all() and tuple(layer.pixels[25, 2]) == (*GREEN, 255)
    assert np.array_equal(layer.pixels[:20, 5:45], photo(40, 30)[10:])


def test_a_history_snapshot_keeps_the_background():
    """History > New Snapshot, then Layer from Background, then the snapshot restored: the
    Background again (a snapshot's layers stand for the same layers)."""
    from editor.model import Document
    from editor.model.background_layer import make_background

    doc = Document(20, 10)
    doc.add_layer(make_background(photo(20, 10)))
    snapshot = doc.snapshots.take("Snapshot 1")
    layer = background_layer.layer_from_background(doc)
    assert background_of(doc) is None
    doc.snapshots.restore(snapshot)
    restored = background_of(doc)
    assert restored is not None and restored.name == "Background"
    doc.history.undo()  # (restoring is a step of its own)
    assert background_of(doc) is None and next(doc.layers()) is layer


def test_merging_into_the_background_keeps_it_the_background(w, qtbot, monkeypatch, tmp_path):
    layer = opened_jpeg(w, qtbot, monkeypatch, tmp_path)
    doc = w.doc
    beyond = doc.add_image(np.full((10, 10, 4), (0, 0, 255, 255), np.uint8), "Beyond", -5, -5)
    shown = composite_document(doc)
    w.actions["merge_down"].trigger()  # Ctrl+E onto the Background
    assert list(doc.layers()) == [layer] and layer.is_background
    assert layer.bounds() == doc.canvas and np.array_equal(layer.pixels, shown)
    w.actions["undo"].trigger()
    doc.add_image(np.full((4, 4, 4), (255, 0, 0, 255), np.uint8), "Red", 30, 30)
    w.actions["merge_visible"].trigger()
    (merged,) = doc.layers()
    assert merged.is_background and merged.name == "Background" and merged.bounds() == doc.canvas
    assert beyond not in list(doc.layers())
