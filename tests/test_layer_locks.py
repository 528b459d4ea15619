"""Photoshop's partial layer locks: Lock Transparent Pixels, Lock Image Pixels and Lock
Position (beside Lock All), in the model, in PSD files and in the Layers panel."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from editor.model import Document, Layer, edit_ops, mask_ops
from editor.model.document import LockedError
from editor.model.layers import Locks
from editor.model.files import open_document, save_document

from ui_helpers import image_drag, make_window, open_photo


def disc_layer(size: int = 40) -> np.ndarray:
    """A red disc with a soft rim on transparency: alpha 0, partial and 255."""
    yy, xx = np.mgrid[0:size, 0:size]
    r = np.hypot(xx - size / 2 + 0.5, yy - size / 2 + 0.5)
    pixels = np.zeros((size, size, 4), np.uint8)
    pixels[..., 0] = 200
    pixels[..., 1] = 40
    pixels[..., 3] = np.clip((size / 2 - 4 - r) * 64, 0, 255).astype(np.uint8)
    return pixels


def doc_with_disc(locks: Locks = Locks()) -> tuple[Document, Layer]:
    doc = Document(80, 60)
    layer = doc.add_image(disc_layer(), "Disc", 10, 10)
    layer.locks = locks
    return doc, layer


def test_fill_on_transparency_locked_layer_keeps_alpha_and_box():
    doc, layer = doc_with_disc(Locks(transparency=True))
    before = layer.pixels.copy()
    box = layer.bounds()
    edit_ops.fill(doc, layer, (0, 0, 255, 128))  # Edit > Fill, 50 % blue over the canvas
    assert layer.bounds() == box  # no growth: beyond the layer stays transparent
    assert np.array_equal(layer.pixels[..., 3], before[..., 3])
    # The colours mix as if the pixels were opaque: old x (1 - s) + blue x s.
    s = 128 / 255
    expected = before[..., :3] * (1 - s) + np.array([0, 0, 255]) * s
    assert np.abs(layer.pixels[..., :3].astype(float) - expected).max() <= 1.0
    doc.history.undo()
    assert np.array_equal(layer.pixels, before)


def test_fill_without_the_lock_grows_and_changes_alpha():
    doc, layer = doc_with_disc()
    before_alpha = layer.pixels[..., 3].copy()
    edit_ops.fill(doc, layer, (0, 0, 255, 128))
    assert layer.bounds() == doc.canvas
    assert not np.array_equal(layer.canvas_crop(layer.bounds())[10:50, 10:50, 3], before_alpha)


def test_clear_and_apply_mask_are_refused_with_a_readable_line():
    doc, layer = doc_with_disc(Locks(transparency=True))
    doc.set_selection(layer.bounds())
    with pytest.raises(LockedError, match="transparent pixels locked"):
        edit_ops.clear(doc, layer)
    mask_ops.add_mask(doc, layer, "reveal_all")
    with pytest.raises(LockedError, match="Layer 'Disc' has its transparent pixels locked"):
        mask_ops.apply_mask(doc, layer)


def test_pixels_lock_stops_painting_not_moving():
    doc, layer = doc_with_disc(Locks(pixels=True))
    with pytest.raises(LockedError, match="Layer 'Disc' has its pixels locked"):
        doc.begin_pixel_edit(layer)
    with pytest.raises(LockedError, match="pixels locked"):
        doc.flip(layer, horizontal=True)
    doc.translate(layer, 3, 2)
    assert (layer.x, layer.y) == (13, 12)


def test_position_lock_stops_moving_not_painting_and_holds_for_a_group():
    doc, layer = doc_with_disc(Locks(position=True))
    with pytest.raises(LockedError, match="Layer 'Disc' has its position locked"):
        doc.translate(layer, 3, 2)
    edit_ops.fill(doc, layer, (0, 0, 255, 255))  # painting is allowed
    assert layer.pixels[20, 20, 2] == 255
    # A group moves only when all of it may: the locked layer inside stops it.
    group = doc.group([layer])
    with pytest.raises(LockedError, match="Layer 'Disc' has its position locked"):
        doc.translate(group, 1, 0)
    # And a group's lock holds for what is inside it.
    doc.set_lock(layer, "position", False)
    doc.set_lock(group, "position", True)
    assert layer.position_locked()
    with pytest.raises(LockedError, match="Group '.*' has its position locked"):
        doc.translate(layer, 1, 0)


def test_set_lock_is_one_undo_step_each():
    doc, layer = doc_with_disc()
    doc.set_lock(layer, "transparency", True)
    assert layer.locks == Locks(transparency=True)
    assert doc.history.undo_name() == "Lock Transparent Pixels"
    doc.set_lock(layer, "position", True)
    assert doc.history.undo_name() == "Lock Position"
    doc.unlock_all(layer)
    assert layer.locks == Locks() and doc.history.undo_name() == "Unlock Layer"
    doc.history.undo()
    assert layer.locks == Locks(transparency=True, position=True)
    doc.history.undo()
    doc.history.undo()
    assert layer.locks == Locks()


def test_locks_round_trip_through_psd(tmp_path):
    from psd_tools import PSDImage

    doc, layer = doc_with_disc(Locks(transparency=True, position=True))
    other = doc.add_image(disc_layer(), "Other", 40, 10)
    other.locks = Locks(pixels=True)
    group = doc.group([other])
    group.locked = True
    path = str(tmp_path / "locks.psd")
    save_document(doc, path)
    theirs = {item.name: item for item in PSDImage.open(path).descendants()}
    assert int(theirs["Disc"].locks.value) == 1 | 4
    assert theirs["Disc"]._record.flags.transparency_protected
    assert int(theirs["Other"].locks.value) == 2
    assert int(theirs[group.name].locks.value) & 0x80000000
    back = open_document(path)
    mine = {n.name: n for n in back.nodes()}
    assert mine["Disc"].locks == Locks(transparency=True, position=True)
    assert mine["Other"].locks == Locks(pixels=True)
    assert mine[group.name].locked and not mine["Disc"].locked


# -- the Layers panel and tools -----------------------------------------------------------

@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, 96, 64)
    return window


def test_lock_buttons_and_brush_keep_alpha(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(disc_layer(), "Disc", 20, 10)
    panel = opened.layers_panel
    steps = doc.history.count
    qtbot.mouseClick(panel.lock_buttons["transparency"], Qt.MouseButton.LeftButton)
    assert layer.locks.transparency
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Lock Transparent Pixels"
    assert panel.lock_buttons["transparency"].isChecked()
    before = layer.pixels.copy()
    canvas.set_zoom(4.0)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    brush = opened.tools.current
    brush.set_size(12)
    brush.set_hardness(1.0)
    opened.set_foreground(QColor(0, 255, 0))
    image_drag(qtbot, canvas, [(20, 30), (40, 30), (60, 30)])  # across the disc and beyond
    assert layer.bounds().w == 40  # no growth
    assert np.array_equal(layer.pixels[..., 3], before[..., 3])
    assert tuple(layer.pixels[20, 20, :3]) == (0, 255, 0)  # the middle of the disc, painted
    # The Eraser paints the background colour there, alpha still kept.
    opened.set_background(QColor(250, 240, 10))
    background = opened.background
    qtbot.keyClick(canvas, Qt.Key.Key_E)
    image_drag(qtbot, canvas, [(30, 22), (42, 22)])
    assert np.array_equal(layer.pixels[..., 3], before[..., 3])
    assert tuple(layer.pixels[12, 16, :3]) == (background.red(), background.green(),
                                                background.blue())
    # Lock All checks every button and greys the partial ones; the row's lock takes all off.
    qtbot.mouseClick(panel.lock_buttons["all"], Qt.MouseButton.LeftButton)
    assert layer.locked and not panel.lock_buttons["pixels"].isEnabled()
    assert panel.lock_buttons["pixels"].isChecked()
    panel.list.rebuild()
    row = panel.list.row_of(layer)
    from editor.ui.layers_panel import LOCK_W, ROW_H

    qtbot.mouseClick(panel.list, Qt.MouseButton.LeftButton,
                     pos=QPoint(panel.list.width() - LOCK_W // 2, row * ROW_H + ROW_H // 2))
    assert not layer.locked and layer.locks == Locks()
    assert doc.history.undo_name() == "Unlock Layer"
    assert not panel.lock_buttons["transparency"].isChecked()


def test_slash_key_and_position_lock_in_the_move_tool(opened, qtbot):
    doc, canvas = opened.doc, opened.canvas
    layer = doc.add_image(disc_layer(), "Disc", 20, 10)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Slash)
    assert layer.locks.transparency and doc.history.undo_name() == "Lock Transparent Pixels"
    qtbot.mouseClick(opened.layers_panel.lock_buttons["position"], Qt.MouseButton.LeftButton)
    assert layer.locks.position
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    steps = doc.history.count
    image_drag(qtbot, canvas, [(40, 30), (50, 35), (60, 40)])
    assert (layer.x, layer.y) == (20, 10) and doc.history.count == steps
    assert "position locked" in opened.statusBar().currentMessage()
