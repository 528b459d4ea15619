"""User slices follow the image's operations in the window, as Photoshop's do: Image > Crop
(a marquee), the Crop tool, Canvas Size with its anchor, Image Size, Image Rotation and Flip
Canvas move, scale, turn or mirror them with the pixels in the operation's one undo step
(a slice left wholly off the new canvas deleted, one cut by it clipped); Undo puts them back."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from editor.model import slices as model
from engine.box import Box
from ui_helpers import (image_drag, in_modal_dialog, photo_window_at_100)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """A 240 × 180 photo at 100 %."""
    return photo_window_at_100(qtbot, tmp_path, monkeypatch)


def boxes(doc) -> list[Box]:
    return [s.box for s in doc.slices]


def sliced(doc) -> None:
    """Two named user slices: one near the top-left, one at the bottom-right."""
    model.add_slice(doc, Box(10, 10, 40, 30))
    model.add_slice(doc, Box(180, 140, 50, 30))
    first = doc.slices[0]
    model.replace_slice(doc, 0, model.Slice(first.box, name="logo", url="https://x.example",
                                            uid=first.uid), "Slice Options")


def test_crop_to_a_marquee_moves_clips_and_drops_slices_one_step(window, qtbot):
    w, doc = window, window.doc
    sliced(doc)
    before = boxes(doc)
    w.tool_actions["marquee"].trigger()
    image_drag(qtbot, w.canvas, [(20, 20), (100, 80), (200, 160)])
    assert doc.selection == Box(20, 20, 180, 140)
    steps = doc.history.count
    qtbot.waitUntil(w.actions["crop_image"].isEnabled)
    w.actions["crop_image"].trigger()
    assert doc.size == (180, 140) and doc.history.count == steps + 1
    # The first slice moved by (-20, -20) and clipped at the new left/top edge; the second,
    # cut by the right and bottom edges, keeps what lies on the canvas.
    assert boxes(doc) == [Box(0, 0, 30, 20), Box(160, 120, 20, 20)]
    assert doc.slices[0].name == "logo" and doc.slices[0].url == "https://x.example"
    w.actions["undo"].trigger()
    assert doc.size == (240, 180) and boxes(doc) == before
    # A crop that leaves a slice wholly off the canvas deletes it.
    w.actions["deselect"].trigger()  # (the crop's selection came back with the undo)
    image_drag(qtbot, w.canvas, [(100, 100), (150, 150), (239, 179)])
    w.actions["crop_image"].trigger()
    assert boxes(doc) == [Box(80, 40, 50, 30)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before


def test_crop_tool_moves_the_slices(window, qtbot):
    w, doc = window, window.doc
    sliced(doc)
    before = boxes(doc)
    qtbot.keyClick(w.canvas, Qt.Key.Key_C)
    assert w.tools.current.id == "crop"
    # The top-left handle dragged in, then the bottom-right one.
    image_drag(qtbot, w.canvas, [(0, 0), (3, 3), (5, 5)])
    image_drag(qtbot, w.canvas, [(240, 180), (220, 175), (200, 170)])
    steps = doc.history.count
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert doc.size == (195, 165) and doc.history.count == steps + 1
    assert boxes(doc) == [Box(5, 5, 40, 30), Box(175, 135, 20, 30)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before


def canvas_size(w, qtbot, width: int, height: int, anchor: int) -> None:
    def drive(dialog, seen):
        dialog.unit.setCurrentIndex(dialog.unit.findData("pixels"))
        dialog.width_box.setValue(width)
        dialog.height_box.setValue(height)
        qtbot.mouseClick(dialog.anchor.button(anchor), Qt.MouseButton.LeftButton)

    in_modal_dialog(qtbot, w.actions["canvas_size"].trigger, drive, "CanvasSizeDialog")


def test_canvas_size_moves_slices_by_its_anchor(window, qtbot):
    w, doc = window, window.doc
    sliced(doc)
    before = boxes(doc)
    steps = doc.history.count
    canvas_size(w, qtbot, 300, 200, 8)  # anchored bottom-right: 60 more left, 20 more above
    assert doc.size == (300, 200) and doc.history.count == steps + 1
    assert boxes(doc) == [Box(70, 30, 40, 30), Box(240, 160, 50, 30)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before
    canvas_size(w, qtbot, 200, 160, 0)  # top-left stays: the second slice is cut
    assert boxes(doc) == [Box(10, 10, 40, 30), Box(180, 140, 20, 20)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before


def test_image_size_rotation_and_flip_take_the_slices(window, qtbot):
    w, doc = window, window.doc
    sliced(doc)
    before = boxes(doc)

    def drive(dialog, seen):
        dialog.width_box.setValue(120)  # half (the height follows: 90)

    in_modal_dialog(qtbot, w.actions["image_size"].trigger, drive, "ImageSizeDialog")
    assert doc.size == (120, 90)
    assert boxes(doc) == [Box(5, 5, 20, 15), Box(90, 70, 25, 15)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before
    w.actions["rotate_canvas_cw"].trigger()  # (x, y) -> (H - y1, x)
    assert doc.size == (180, 240)
    assert boxes(doc) == [Box(140, 10, 30, 40), Box(10, 180, 30, 50)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before
    w.actions["flip_canvas_h"].trigger()
    assert boxes(doc) == [Box(190, 10, 40, 30), Box(10, 140, 50, 30)]
    w.actions["undo"].trigger()
    assert boxes(doc) == before
