"""Smart objects in the editor: Layer > Smart Objects > Convert to Smart Object, Free
Transform and Edit > Transform changing only the placement (scaled to 10 % and back to
100 % gives the very pixels back; a pixel layer loses its detail), painting refused,
Rasterize, Export and Replace Contents, the badge in the Layers panel."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox

from editor.model.layers import Layer
from engine.box import Box
from editor.model.smart_object import SmartObjectLayer
from ui_helpers import image_drag, photo, write_png


def transform_by_width(w, qtbot, percent: float) -> None:
    """Ctrl+T, W typed in the options bar (proportions linked), Enter on the canvas."""
    qtbot.keyClick(w.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.current.id == "transform"
    spin = width_field(w)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, f"{percent:g}")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.tools.mode is None and w.test_errors == []


def width_field(w) -> QDoubleSpinBox:
    """The options bar's W field of the running Free Transform (earlier ones may linger
    until deleted)."""
    (spin,) = [s for s in w.findChildren(QDoubleSpinBox, "Transform_w") if s.isVisible()]
    return spin


def convert(w) -> SmartObjectLayer:
    w.update_actions()
    action = w.actions["convert_to_smart_object"]
    assert action.isEnabled()
    action.trigger()
    assert w.test_errors == []
    assert isinstance(w.doc.active, SmartObjectLayer)
    return w.doc.active


def test_scaled_down_and_up_again_a_smart_object_keeps_its_pixels(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original, box = layer.pixels.copy(), layer.bounds()
    w.canvas.setFocus()

    # A pixel layer loses its detail: 10 %, then back to its old size (1000 % of 10 %).
    transform_by_width(w, qtbot, 10)
    assert layer.bounds().w < 12
    transform_by_width(w, qtbot, 1000)
    lost = np.abs(layer.canvas_crop(box).astype(int) - original.astype(int)).mean()
    assert lost > 8
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, original)

    # Convert to Smart Object: one step, the same pixels shown.
    steps = doc.history.index
    smart = convert(w)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Convert to Smart Object"
    assert smart.name == layer.name and smart.bounds() == box
    assert np.array_equal(smart.pixels, original)

    # 10 %: the options bar shows the scale from the contents the next time, and 100 %
    # gives back the very pixels.
    transform_by_width(w, qtbot, 10)
    assert smart.bounds().w < 12 and doc.history.undo_name() == "Free Transform"
    qtbot.keyClick(w.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert width_field(w).value() == pytest.approx(10.0)
    qtbot.keyClick(w.canvas, Qt.Key.Key_Escape)
    transform_by_width(w, qtbot, 100)
    assert smart.bounds() == box and np.array_equal(smart.pixels, original)
    assert isinstance(doc.active, SmartObjectLayer)

    # Undo walks back through the placements, then to the pixel layer.
    w.actions["undo"].trigger()
    assert smart.bounds().w < 12
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    (back,) = doc.layers()
    assert type(back) is Layer and np.array_equal(back.pixels, original)


def test_flips_turns_and_moves_change_the_placement(opened, qtbot):
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = convert(w)
    w.actions["flip_h"].trigger()
    assert doc.history.undo_name() == "Flip Horizontal"
    assert np.array_equal(smart.pixels, original[:, ::-1])
    # The contents are kept as they were: the placement is mirrored.
    assert np.array_equal(smart.contents.pixels, original)
    assert smart.placement[0] == (96.0, 0.0) and smart.placement[1] == (0.0, 0.0)
    w.actions["rotate_cw"].trigger()
    assert smart.bounds().w == 64 and smart.bounds().h == 96
    assert np.array_equal(smart.pixels, np.rot90(original[:, ::-1], -1))
    # A move moves the placement along: a transform afterwards starts from there.
    x0, y0 = smart.x, smart.y
    qtbot.keyClick(w.canvas, Qt.Key.Key_V)
    image_drag(qtbot, w.canvas, [(30, 30), (35, 34), (40, 38)])
    dx, dy = smart.x - x0, smart.y - y0
    assert (dx, dy) != (0, 0)
    assert min(x for x, _ in smart.placement) == smart.x
    w.actions["flip_v"].trigger()
    w.actions["flip_v"].trigger()
    assert (smart.x, smart.y) == (x0 + dx, y0 + dy)
    assert np.array_equal(smart.pixels, np.rot90(original[:, ::-1], -1))


def test_distort_keeps_the_contents_and_comes_back(opened, qtbot):
    """Edit > Transform > Distort: a corner dragged, committed, then dragged back: the
    contents come back exactly (a pixel layer's would be resampled twice)."""
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = convert(w)
    w.canvas.set_zoom(4.0)
    w.canvas.setFocus()
    w.actions["distort"].trigger()
    image_drag(qtbot, w.canvas, [(96, 64), (90, 60), (80, 50)])
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.test_errors == [] and doc.history.undo_name() == "Free Transform"
    assert smart.placement[2] == pytest.approx((80.0, 50.0), abs=0.5)
    assert not np.array_equal(smart.canvas_crop(doc.canvas), original)
    # Free Transform again starts from the distorted corners.
    qtbot.keyClick(w.canvas, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert w.tools.current.quad == smart.placement
    corner = smart.placement[2]
    image_drag(qtbot, w.canvas, [corner, (90, 60), (96, 64)])
    qtbot.keyClick(w.canvas, Qt.Key.Key_Return)
    assert w.test_errors == []
    assert smart.placement[2] == pytest.approx((96.0, 64.0), abs=0.01)


def test_painting_is_refused_until_rasterized(opened, qtbot):
    w, doc = opened, opened.doc
    smart = convert(w)
    pixels = smart.pixels.copy()
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    image_drag(qtbot, w.canvas, [(20, 20), (40, 20)])
    assert w.test_errors, "painting on a smart object should be refused"
    message = w.test_errors[-1][1]
    assert "smart object" in message and "Rasterize > Smart Object" in message
    assert np.array_equal(smart.pixels, pixels)
    w.test_errors.clear()
    # So is a filter (Image > Adjustments > Invert, Ctrl+I).
    w.actions["adjust_invert"].trigger()
    assert w.test_errors and "Rasterize > Smart Object" in w.test_errors[-1][1]
    assert np.array_equal(smart.pixels, pixels)
    w.test_errors.clear()
    # So is Warp, before it starts.
    w.actions["warp"].trigger()
    assert w.tools.mode is None
    assert w.test_errors and "Rasterize > Smart Object" in w.test_errors[-1][1]
    w.test_errors.clear()
    # Layer > Rasterize > Smart Object: a pixel layer with the same pixels, one step.
    w.update_actions()
    action = w.actions["rasterize_smart_object"]
    assert action.isEnabled() and not w.actions["rasterize_type"].isEnabled()
    action.trigger()
    (plain,) = doc.layers()
    assert type(plain) is Layer and doc.active is plain
    assert np.array_equal(plain.pixels, pixels)
    assert doc.history.undo_name() == "Rasterize Smart Object"
    w.update_actions()
    assert not action.isEnabled() and w.actions["convert_to_smart_object"].isEnabled()


def test_export_and_replace_contents(opened, qtbot, tmp_path, monkeypatch):
    from PIL import Image

    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = convert(w)
    transform_by_width(w, qtbot, 50)
    assert smart.bounds().w == 48
    # Export Contents: the full-resolution contents, not the 50 % shown.
    out = tmp_path / "contents.png"
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: str(out))
    w.actions["export_contents"].trigger()
    assert w.test_errors == []
    exported = np.asarray(Image.open(out).convert("RGBA"))
    assert np.array_equal(exported, original)
    # Replace Contents: a picture twice as large drawn within the same placement.
    placement = smart.placement
    bigger = photo(192, 128, "astronaut")
    path = write_png(tmp_path / "astronaut.png", bigger)
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    w.actions["replace_contents"].trigger()
    assert w.test_errors == [] and doc.history.undo_name() == "Replace Contents"
    assert smart.placement == placement and smart.contents.width == 192
    assert smart.bounds().w == 48
    # Scaled to 400 % of its place, it shows the new picture at full resolution.
    transform_by_width(w, qtbot, 100)
    assert np.array_equal(smart.pixels, bigger)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert smart.contents.width == 96 and smart.placement == placement


def test_layers_panel_marks_a_smart_object(opened, qtbot):
    from editor.ui.layers_panel import smart_badge_rect

    w = opened
    panel = w.layers_panel.list
    before = panel.grab().toImage()
    smart = convert(w)
    panel.update()
    qtbot.wait(50)
    after = panel.grab().toImage()
    thumb = panel.thumb_rect(smart)
    badge = smart_badge_rect(thumb)
    changed = sum(before.pixel(x, y) != after.pixel(x, y)
                  for x in range(badge.left(), badge.right())
                  for y in range(badge.top(), badge.bottom()))
    assert changed > badge.width() * badge.height() // 3
    # The Properties panel names it, and its contents.
    qtbot.waitUntil(lambda: w.properties_panel.heading.text() == "SMART OBJECT")
    assert "Smart Object: cat.png, 96 × 64 px" in w.properties_panel.kind.text()


def test_edit_contents_opens_a_tab_whose_save_updates_the_smart_object(opened, qtbot):
    from editor.model.render import composite_document

    w, parent = opened, opened.doc
    smart = convert(w)
    twin = parent.duplicate(smart)  # shares the contents: updated along (linked instances)
    parent.set_active(smart)
    w.canvas.setFocus()
    transform_by_width(w, qtbot, 50)
    placement, steps = smart.placement, parent.history.index
    w.update_actions()
    w.actions["edit_contents"].trigger()
    assert w.test_errors == [] and len(w.sessions) == 2
    child = w.doc
    assert child is not parent and child.size == (96, 64) and not child.modified
    assert np.array_equal(composite_document(child), smart.contents.pixels)
    # Paint in the contents at full resolution, then File > Save.
    w.canvas.set_zoom(2.0)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    image_drag(qtbot, w.canvas, [(10, 30), (50, 32), (90, 34)])
    assert child.modified
    edited = composite_document(child)
    w.actions["save"].trigger()
    assert w.test_errors == [] and not child.modified and len(w.sessions) == 2
    # The parent has one more step, its smart objects show the new contents in place.
    assert parent.history.index == steps + 1 and parent.history.undo_name() == "Edit Contents"
    assert np.array_equal(smart.contents.pixels, edited) and twin.contents is smart.contents
    assert smart.placement == placement and smart.bounds().w == 48
    assert smart.contents.filetype == "8bps"  # kept as a PSD of its layers
    parent.history.undo()
    assert not np.array_equal(smart.contents.pixels, edited)
    assert smart.placement == placement


def test_its_mask_is_painted_and_a_group_and_the_canvas_transform_it(opened, qtbot):
    """A smart object keeps a layer's extras: its layer mask is painted on (Photoshop's);
    Free Transform of its group and Image Rotation change its placement, not its
    contents, and its mask follows."""
    w, doc = opened, opened.doc
    (layer,) = doc.layers()
    original = layer.pixels.copy()
    smart = convert(w)
    w.actions["mask_hide_all"].trigger()
    assert smart.mask is not None and doc.mask_targeted
    w.canvas.setFocus()
    w.set_foreground(QColor(255, 255, 255))  # the brush reveals
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    image_drag(qtbot, w.canvas, [(20, 30), (50, 30), (80, 30)])
    assert w.test_errors == [] and smart.mask.pixels.max() == 255
    assert np.array_equal(smart.pixels, original)  # the brush went to the mask only
    # Its group scaled to 50 % as one picture: the smart object's placement halves.
    doc.set_active(doc.group([smart], "Group"))
    transform_by_width(w, qtbot, 50)
    assert smart.bounds() == Box(24, 16, 48, 32)
    assert smart.mask.width < 96
    assert np.array_equal(smart.contents.pixels, original)
    # Image > Image Rotation > 90° Clockwise turns its placement, and back at 200 % in
    # place of the group's 50 % gives its pixels back turned.
    w.actions["rotate_canvas_cw"].trigger()
    assert doc.size == (64, 96) and w.test_errors == []
    doc.set_active(smart)
    transform_by_width(w, qtbot, 100)
    assert smart.bounds().w == 64 and smart.bounds().h == 96
    assert np.array_equal(smart.pixels, np.rot90(original, -1))


def test_double_click_on_its_thumbnail_edits_the_contents(opened, qtbot):
    """Photoshop's way into a smart object from the Layers panel: a double-click on its
    thumbnail opens its contents."""
    from PySide6.QtCore import QPoint

    w = opened
    smart = convert(w)
    panel = w.layers_panel.list
    panel.rebuild()
    thumb = panel.thumb_rect(smart)
    qtbot.mouseDClick(panel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(thumb.center()))
    assert w.test_errors == [] and len(w.sessions) == 2
    assert w.doc.contents_of == (w.sessions[0].doc, smart)
    assert w.sessions[1].title == "cat.png"


def test_a_duplicate_shares_its_contents_a_copy_via_new_smart_object_does_not(
        opened, qtbot, tmp_path, monkeypatch):
    w, doc = opened, opened.doc
    smart = convert(w)
    w.actions["duplicate"].trigger()  # Layer > Duplicate Layer
    (twin,) = [n for n in doc.layers() if n is not smart]
    assert isinstance(twin, SmartObjectLayer)
    doc.set_active(smart)
    w.update_actions()
    w.actions["new_smart_object_via_copy"].trigger()
    own = doc.active
    assert isinstance(own, SmartObjectLayer) and own not in (smart, twin)
    assert doc.history.undo_name() == "New Smart Object via Copy"
    assert own.contents.uid != smart.contents.uid and twin.contents is smart.contents
    doc.set_active(smart)
    path = write_png(tmp_path / "astronaut.png", photo(96, 64, "astronaut"))
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [path])
    w.actions["replace_contents"].trigger()
    assert w.test_errors == []
    assert twin.contents is smart.contents and own.contents is not smart.contents
    assert np.array_equal(twin.pixels, smart.pixels)
    assert not np.array_equal(own.pixels, smart.pixels)


def test_contents_whose_document_was_closed_are_saved_as_a_file(opened, qtbot, tmp_path,
                                                              monkeypatch):
    w = opened
    parent_session = w.session
    convert(w)
    w.actions["edit_contents"].trigger()
    child = w.doc
    w.close_session(parent_session)
    assert len(w.sessions) == 1 and w.doc is child
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_B)
    image_drag(qtbot, w.canvas, [(10, 30), (50, 32)])
    target = str(tmp_path / "contents.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: target)
    w.actions["save"].trigger()
    assert w.test_errors == [] and not child.modified
    assert child.path == target and child.contents_of is None
