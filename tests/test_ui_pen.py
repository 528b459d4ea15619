"""The Pen (P) and Direct Selection (A) tools driven through the window: clicks and drags
on the canvas draw a subpath into the active layer's vector mask (one undo step; a new
mask, then combined), the composite shows the path's shape; Backspace, Esc, Enter and
a double-click while drawing; anchors and handles dragged, an anchor deleted, each one
undo step; Layer > Vector Mask > Reveal All / Hide All; a drawn and reshaped path saved
and read back by our reader and psd-tools'."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from editor.model import path_edit
from editor.model.files import open_document
from editor.model.render import composite_document
from ui_helpers import image_drag, image_pos, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def alpha(window) -> np.ndarray:
    return composite_document(window.doc)[..., 3]


def click(qtbot, canvas, x, y) -> None:
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, x, y))


def anchors(vector) -> list[np.ndarray]:
    return [k[:, 1] for k in vector.moved_knots()]


def test_pen_clicks_draw_a_closed_path_into_a_new_vector_mask(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    pen = w.tools.current
    assert pen.id == "pen" and w.tool_actions["pen"].isChecked()
    steps = doc.history.count
    for x, y in ((20, 10), (70, 10), (70, 50), (20, 50)):
        click(qtbot, canvas, x, y)
    assert len(pen.knots) == 4 and doc.history.count == steps  # nothing changed yet
    # The rubber band follows the pointer (drawn in the overlay; the state is the hover).
    qtbot.mouseMove(canvas, image_pos(canvas, 30, 40))
    assert pen._hover is not None and abs(pen._hover.x() - 30) < 0.5
    click(qtbot, canvas, 20.3, 10.2)  # on the first anchor: closes
    assert pen.knots == [] and doc.history.count == steps + 1
    assert doc.history.undo_name() == "New Vector Mask"
    vector = layer.vector_mask
    assert len(vector.subpaths) == 1 and vector.subpaths[0].closed
    np.testing.assert_allclose(anchors(vector)[0], [(20, 10), (70, 10), (70, 50), (20, 50)],
                               atol=0.5 / ZOOM + 1e-9)
    a = alpha(w)
    assert a[30, 45] == 255 and a[12:48, 22:68].min() == 255
    assert a[5, 5] == 0 and a[55, 80] == 0 and a[:8].max() == 0
    w.actions["undo"].trigger()
    assert layer.vector_mask is None and alpha(w).min() == 255
    w.actions["redo"].trigger()
    assert layer.vector_mask is vector and alpha(w)[5, 5] == 0
    # The Layers panel shows the new vector mask's thumbnail.
    assert not w.layers_panel.list.mask_thumb_rect(layer, "vector").isEmpty()

    # A second subpath, drawn with a drag (a smooth anchor) and ended by Enter as an open
    # path: it is combined with the first (both shown) and filled as if closed.
    click(qtbot, canvas, 75, 5)
    image_drag(qtbot, canvas, [(90, 30), (92, 35), (94, 40)])
    knot = pen.knots[-1]
    assert path_edit.is_smooth(knot)
    np.testing.assert_allclose(knot[2], (94, 40), atol=0.5)
    np.testing.assert_allclose(knot[0], (86, 20), atol=0.5)
    click(qtbot, canvas, 75, 60)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Add Path"
    assert [(s.closed, s.operation) for s in layer.vector_mask.subpaths] == [(True, 1),
                                                                             (False, 1)]
    a = alpha(w)
    assert a[30, 45] == 255 and a[32, 82] == 255 and a[5, 5] == 0
    w.actions["undo"].trigger()
    assert layer.vector_mask is vector


def test_pen_backspace_escape_and_double_click(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    pen = w.tools.current
    steps = doc.history.count
    click(qtbot, canvas, 10, 10)
    click(qtbot, canvas, 50, 10)
    click(qtbot, canvas, 50, 50)
    # Backspace takes the last anchor back; it is not Edit > Clear (the layer stays).
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert len(pen.knots) == 2 and layer in list(doc.layers())
    # Esc drops the path: nothing changed.
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert pen.knots == [] and doc.history.count == steps and layer.vector_mask is None
    # A double-click ends the path (its first click adds the last anchor; QTest's double
    # click is the second press alone).
    click(qtbot, canvas, 10, 10)
    click(qtbot, canvas, 50, 10)
    click(qtbot, canvas, 30, 50)
    qtbot.mouseDClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      image_pos(canvas, 30, 50))
    assert pen.knots == [] and doc.history.count == steps + 1
    sub = layer.vector_mask.subpaths[0]
    assert len(sub.knots) == 3 and not sub.closed
    a = alpha(w)
    assert a[20, 30] == 255 and a[40, 15] == 0  # the triangle, closed for the fill
    # Shift puts the next anchor at 45 degrees; taking another tool keeps the path.
    click(qtbot, canvas, 60, 10)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     image_pos(canvas, 81, 29))
    np.testing.assert_allclose(pen.knots[-1][1], (80, 30), atol=0.5)
    w.tool_actions["move"].trigger()
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Add Path"
    assert len(layer.vector_mask.subpaths) == 2 and pen.knots == []
    w.actions["undo"].trigger()
    w.tool_actions["pen"].trigger()
    # A locked layer takes no path: a line in the status bar, nothing changed.
    layer.locked = True
    click(qtbot, canvas, 60, 20)
    assert pen.knots == [] and "locked" in w.statusBar().currentMessage()
    assert doc.history.count == steps + 2 and len(layer.vector_mask.subpaths) == 1
    assert not w.test_errors


def test_undo_while_drawing_takes_the_last_anchor_back_not_an_earlier_step(opened, qtbot):
    """Ctrl+Z with a path half drawn takes its last anchor back (Photoshop), instead of
    undoing the step before the path behind the user's back (here: the layer mask)."""
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    w.actions["mask_hide_all"].trigger()
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    pen = w.tools.current
    for x, y in ((20, 10), (70, 10), (70, 50)):
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(pen.knots) == 2 and layer.mask is not None
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert layer.mask is None  # no path being drawn: the document's step


def test_direct_selection_drags_anchors_and_handles_and_deletes_anchors(opened, qtbot,
                                                                         tmp_path,
                                                                         monkeypatch):
    from psd_tools import PSDImage

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    click(qtbot, canvas, 20, 10)
    image_drag(qtbot, canvas, [(60, 10), (65, 10), (70, 10)])  # smooth, handle 10 px right
    click(qtbot, canvas, 60, 50)
    click(qtbot, canvas, 20, 50)
    click(qtbot, canvas, 20, 10)
    drawn = layer.vector_mask
    assert len(drawn.subpaths[0].knots) == 4
    qtbot.keyClick(canvas, Qt.Key.Key_A)
    tool = w.tools.current
    assert tool.id == "direct_select"
    steps = doc.history.count
    before = alpha(w)
    # Drag the bottom-left anchor 8 px left: the path follows, one undo step.
    image_drag(qtbot, canvas, [(20, 50), (16, 50), (12, 50)])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Move Anchor Point"
    assert tool.selected == (0, 3)
    np.testing.assert_allclose(anchors(layer.vector_mask)[0][3], (12, 50), atol=0.5)
    a = alpha(w)
    assert before[45, 16] == 0 and a[45, 16] == 255
    w.actions["undo"].trigger()
    assert layer.vector_mask is drawn
    np.testing.assert_array_equal(alpha(w), before)
    w.actions["redo"].trigger()
    moved = layer.vector_mask
    # Select the smooth anchor and drag its leaving handle down: the curve bends and the
    # other handle turns opposite.
    click(qtbot, canvas, 60, 10)
    assert tool.selected == (0, 1)
    image_drag(qtbot, canvas, [(70, 10), (70, 15), (70, 20)])
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Move Handle"
    knot = layer.vector_mask.moved_knots()[0][1]
    np.testing.assert_allclose(knot[2], (70, 20), atol=0.5)
    assert path_edit.is_smooth(knot, tolerance=1e-2)
    assert (alpha(w) != a).any()
    w.actions["undo"].trigger()
    assert layer.vector_mask is moved
    w.actions["redo"].trigger()
    reshaped = layer.vector_mask
    # With Alt the handle moves alone: the anchor becomes a corner.
    image_drag(qtbot, canvas, [(70, 20), (75, 20), (80, 20)],
               modifier=Qt.KeyboardModifier.AltModifier)
    knot = layer.vector_mask.moved_knots()[0][1]
    np.testing.assert_allclose(knot[2], (80, 20), atol=0.5)
    np.testing.assert_allclose(knot[0], reshaped.moved_knots()[0][1][0])
    assert not path_edit.is_smooth(knot, tolerance=1e-2)
    w.actions["undo"].trigger()
    assert layer.vector_mask is reshaped
    # Delete removes the selected anchor (not the layer, not the pixels).
    click(qtbot, canvas, 60, 50)
    assert tool.selected == (0, 2)
    pixels = layer.pixels.copy()
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert doc.history.count == steps + 3 and doc.history.undo_name() == "Delete Anchor Point"
    assert len(layer.vector_mask.subpaths[0].knots) == 3
    np.testing.assert_array_equal(layer.pixels, pixels)
    w.actions["undo"].trigger()
    assert layer.vector_mask is reshaped
    # Saved and read back: our reader and psd-tools' read the reshaped knots.
    expected = reshaped.moved_knots()[0]
    saved = str(tmp_path / "pen.psd")
    monkeypatch.setattr("editor.ui.dialogs.ask_save_path", lambda *a, **k: saved)
    w.actions["save_as"].trigger()
    qtbot.waitUntil(lambda: doc.history.is_clean, timeout=10000)
    again = open_document(saved)
    np.testing.assert_allclose(next(again.layers()).vector_mask.moved_knots()[0], expected,
                               atol=max(W, H) * 2.0 ** -23)
    np.testing.assert_array_equal(composite_document(again)[..., 3], alpha(w))
    theirs = next(iter(PSDImage.open(saved))).vector_mask.paths[0]
    np.testing.assert_allclose(
        [[p[::-1] for p in (k.preceding, k.anchor, k.leaving)] for k in theirs],
        expected / (W, H), atol=2.0 ** -23)
    assert not w.test_errors


def test_reveal_all_and_hide_all_vector_masks_from_the_menu(opened, qtbot):
    w, doc = opened, opened.doc
    layer = next(doc.layers())
    w._refresh_state()
    assert w.actions["vector_mask_hide_all"].isEnabled()
    w.actions["vector_mask_hide_all"].trigger()
    assert layer.vector_mask is not None and alpha(w).max() == 0
    w._refresh_state()
    assert not w.actions["vector_mask_reveal_all"].isEnabled()
    # The Pen draws into it: what the path encloses shows.
    qtbot.keyClick(w.canvas, Qt.Key.Key_P)
    for x, y in ((10, 10), (40, 10), (40, 40), (10, 10)):
        click(qtbot, w.canvas, x, y)
    a = alpha(w)
    assert a[15, 30] == 255 and a[50, 80] == 0
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.vector_mask is None
    w._refresh_state()
    w.actions["vector_mask_reveal_all"].trigger()
    assert layer.vector_mask is not None and alpha(w).min() == 255


def test_pen_auto_add_delete_adds_on_a_segment_and_deletes_an_anchor(opened, qtbot):
    """Photoshop's Auto Add/Delete (on by default): over the active path's segment the Pen
    shows the Add Anchor Point cursor and a click adds an anchor there; over an anchor,
    Delete's, and a click deletes it; each one undo step. Off, a click draws as before."""
    from PySide6.QtWidgets import QCheckBox

    from editor.ui.tools.anchor_points import anchor_cursor

    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    pen = w.tools.current
    box = pen.options().findChild(QCheckBox, "PenAutoAddDelete")
    assert box.isChecked() and box.text() == "Auto Add/Delete"
    corners = [(20, 10), (70, 10), (70, 50), (20, 50)]
    for x, y in corners + [corners[0]]:
        click(qtbot, canvas, x, y)
    rectangle = layer.vector_mask
    before, steps = alpha(w), doc.history.count

    def shown(x, y):
        qtbot.mouseMove(canvas, image_pos(canvas, x, y))
        return canvas.cursor()

    def same(cursor, icon):
        return cursor.pixmap().toImage() == anchor_cursor(icon, canvas).pixmap().toImage()

    assert same(shown(45, 10.2), "tool-pen-add")
    assert same(shown(70.2, 49.8), "tool-pen-delete")
    assert shown(45, 30).shape() == Qt.CursorShape.CrossCursor
    # A click on the top segment adds an anchor there: the shape stays.
    click(qtbot, canvas, 45, 10.2)
    assert pen.knots == [] and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Add Anchor Point"
    points = anchors(layer.vector_mask)[0]
    assert len(points) == 5
    np.testing.assert_allclose(points[1], (45, 10), atol=0.5)
    np.testing.assert_array_equal(alpha(w), before)
    # A drag from a segment moves the new anchor: the top bends up.
    image_drag(qtbot, canvas, [(45, 50), (45, 56), (45, 60)])
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Add Anchor Point"
    np.testing.assert_allclose(anchors(layer.vector_mask)[0][4], (45, 60), atol=0.5)
    assert alpha(w)[56, 45] == 255 and before[56, 45] == 0
    w.actions["undo"].trigger()
    # A click on a corner deletes it: the rectangle loses that corner.
    click(qtbot, canvas, 70, 50)
    assert pen.knots == [] and doc.history.count == steps + 2
    assert doc.history.undo_name() == "Delete Anchor Point"
    points = anchors(layer.vector_mask)[0]
    assert len(points) == 4 and not np.any(np.all(np.abs(points - (70, 50)) < 1, axis=1))
    assert alpha(w)[45, 65] == 0 and before[45, 65] == 255
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.vector_mask is rectangle
    # Off: the same clicks draw a new path, as before.
    box.setChecked(False)
    assert w.settings.value("tools/pen/auto_add_delete", True, bool) is False
    assert shown(45, 10.2).shape() == Qt.CursorShape.CrossCursor
    click(qtbot, canvas, 45, 10.2)
    click(qtbot, canvas, 70, 50)
    assert len(pen.knots) == 2 and layer.vector_mask is rectangle
    np.testing.assert_allclose([k[1] for k in pen.knots], [(45, 10.2), (70, 50)], atol=0.2)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not w.test_errors
