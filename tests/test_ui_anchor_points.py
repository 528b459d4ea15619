"""The anchor point tools of the Pen's group driven through the window: the palette's Pen
place and Shift+P; Add Anchor Point (a click on a segment splits it and the shape stays; a
drag moves the new anchor), Delete Anchor Point, Convert Point (click: corner; drag:
smooth handles; a handle dragged alone), each one undo step that the canvas redraws, and
the result saved to PSD and read back."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from editor.model import path_edit
from editor.model.files import open_document, save_document
from editor.model.render import composite_document
from test_ui_pen import alpha, click
from ui_helpers import image_drag, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0
CLICK = 0.5 / ZOOM + 1e-9  # how far a click lands from the image point aimed at
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def knots(layer) -> np.ndarray:
    return layer.vector_mask.moved_knots()[0]


def draw_shape(w, qtbot):
    """A closed path drawn with the Pen: corners at (20, 10), (45, 55) and (15, 45), and a
    smooth anchor at (70, 20) whose leaving handle is at (74, 30)."""
    canvas = w.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    click(qtbot, canvas, 20, 10)
    image_drag(qtbot, canvas, [(70, 20), (72, 25), (74, 30)])
    click(qtbot, canvas, 45, 55)
    click(qtbot, canvas, 15, 45)
    click(qtbot, canvas, 20, 10)
    layer = next(w.doc.layers())
    assert len(knots(layer)) == 4 and path_edit.is_smooth(knots(layer)[1])
    return layer


def assert_canvas_current(w) -> None:
    """The canvas shows the document as a renderer made afresh draws it."""
    renderer = w.session.renderer
    renderer.update()
    fresh = type(renderer)(w.doc)
    fresh.update()
    np.testing.assert_array_equal(renderer.composite.array, fresh.composite.array)


def assert_saved_and_read_back(w, tmp_path, name) -> None:
    """Saved to PSD and opened again: the same knots (PSD's fixed point) and picture."""
    path = str(tmp_path / name)
    save_document(w.doc, path)
    again = next(open_document(path).layers()).vector_mask
    ours = next(w.doc.layers()).vector_mask
    assert len(again.subpaths) == len(ours.subpaths)
    for a, b in zip(again.moved_knots(), ours.moved_knots()):
        np.testing.assert_allclose(a, b, atol=max(W, H) * 2.0 ** -23)
    assert np.abs(composite_document(open_document(path))[..., 3].astype(int)
                  - alpha(w).astype(int)).max() <= 1


def test_the_pen_group_shares_one_palette_place_and_shift_p_cycles_it(opened, qtbot):
    w, canvas = opened, opened.canvas
    group = ("pen", "freeform_pen", "add_anchor", "delete_anchor", "convert_point")
    button = w.tool_group_buttons[group]
    assert [a for a in button.menu().actions()] == [w.tool_actions[t] for t in group]
    assert button.defaultAction() is w.tool_actions["pen"]
    # The anchor tools have no letter (Photoshop's): no key, no "()" in their names.
    assert w.tool_actions["add_anchor"].shortcut().isEmpty()
    assert w.tool_actions["add_anchor"].text() == "Add Anchor Point Tool"
    qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)  # another tool in use: Shift+P takes the Pen
    assert w.tools.current.id == "pen"
    for tool_id in group[1:] + group[:1]:
        qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)
        assert w.tools.current.id == tool_id and w.tool_actions[tool_id].isChecked()
        assert button.defaultAction() is w.tool_actions[tool_id]  # the place shows it
    # Chosen from the place's menu, as a user does after pressing and holding it.
    button.menu().actions()[4].trigger()
    assert w.tools.current.id == "convert_point" and button.defaultAction().isChecked()
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    assert w.tools.current.id == "pen"


def test_add_anchor_point_splits_a_segment_and_the_shape_stays(opened, qtbot, tmp_path):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = draw_shape(w, qtbot)
    drawn = layer.vector_mask
    before = alpha(w)
    qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)  # the Freeform Pen,
    qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)  # then Add Anchor Point
    tool = w.tools.current
    assert tool.id == "add_anchor"
    # A click on the curved segment (from the first anchor to the smooth one).
    curve = path_edit.segment_controls(knots(layer), 0)
    x, y = path_edit.bezier_points(curve, 0.4)[0]
    steps = doc.history.count
    click(qtbot, canvas, x, y)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Add Anchor Point"
    added = knots(layer)
    assert len(added) == 5
    np.testing.assert_allclose(added[1, path_edit.ANCHOR], (x, y), atol=CLICK)
    np.testing.assert_array_equal(added[[0, 2, 3, 4], 1], drawn.moved_knots()[0][:, 1])
    assert path_edit.is_smooth(added[1])
    # The shape did not change: the two halves trace the old curve.
    halves = [path_edit.segment_controls(added, i) for i in (0, 1)]
    gaps = [min(path_edit.nearest_on_segment(half, p)[0] for half in halves)
            for p in path_edit.bezier_points(curve, np.linspace(0, 1, 40))]
    assert max(gaps) < 1e-6
    assert np.abs(alpha(w).astype(int) - before.astype(int)).max() <= 3
    assert_canvas_current(w)
    assert_saved_and_read_back(w, tmp_path, "added.psd")
    # Off the path, or on an anchor: nothing is added.
    click(qtbot, canvas, 85, 55)
    click(qtbot, canvas, 45, 55)
    assert doc.history.count == steps + 1 and "segment" in w.statusBar().currentMessage()
    # A drag from a segment adds an anchor and moves it: the straight bottom-left side
    # bends out.
    image_drag(qtbot, canvas, [(30, 50), (28, 53), (26, 56)])
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Add Anchor Point"
    pulled = knots(layer)
    assert len(pulled) == 6
    np.testing.assert_allclose(pulled[4, 1], (26, 56), atol=2 * CLICK)
    assert before[56, 26] == 0 and alpha(w)[55, 27] == 255
    assert_canvas_current(w)
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert layer.vector_mask is drawn
    np.testing.assert_array_equal(alpha(w), before)
    assert not w.test_errors


def test_delete_anchor_point_removes_the_clicked_anchor(opened, qtbot, tmp_path):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = draw_shape(w, qtbot)
    drawn = layer.vector_mask
    before = alpha(w)
    menu = w.tool_group_buttons[("pen", "freeform_pen", "add_anchor", "delete_anchor",
                                 "convert_point")].menu()
    menu.actions()[3].trigger()  # taken from the Pen's place in the palette
    assert w.tools.current.id == "delete_anchor"
    steps = doc.history.count
    click(qtbot, canvas, 15, 45)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Delete Anchor Point"
    remaining = knots(layer)
    np.testing.assert_array_equal(remaining, drawn.moved_knots()[0][:3])
    assert layer.vector_mask.subpaths[0].closed  # closed over the gap
    assert before[40, 20] == 255 and alpha(w)[40, 20] == 0  # the corner cut off
    assert alpha(w)[25, 45] == 255
    assert_canvas_current(w)
    assert_saved_and_read_back(w, tmp_path, "deleted.psd")
    # A click beside the anchors deletes nothing.
    click(qtbot, canvas, 45, 30)
    assert doc.history.count == steps + 1 and "anchor point" in w.statusBar().currentMessage()
    # Down to one anchor, the subpath goes: an empty path shows the whole layer.
    click(qtbot, canvas, 45, 55)
    click(qtbot, canvas, 70, 20)
    assert doc.history.count == steps + 3 and layer.vector_mask.subpaths == []
    assert alpha(w).min() == 255
    assert_canvas_current(w)
    for _ in range(3):
        w.actions["undo"].trigger()
    assert layer.vector_mask is drawn
    np.testing.assert_array_equal(alpha(w), before)
    assert not w.test_errors


def test_convert_point_makes_corners_and_smooth_points(opened, qtbot, tmp_path):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = draw_shape(w, qtbot)
    drawn = layer.vector_mask
    before = alpha(w)
    for _ in range(4):
        qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)
    tool = w.tools.current
    assert tool.id == "convert_point"
    steps = doc.history.count
    # A click on the smooth anchor: a corner, its handles back on it; the curve beside it
    # straightens.
    click(qtbot, canvas, 70, 20)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Convert Point"
    np.testing.assert_array_equal(knots(layer)[1], path_edit.corner_knot(70, 20))
    cornered = alpha(w)
    assert (cornered != before).any()
    assert_canvas_current(w)
    # A click on a corner changes nothing.
    click(qtbot, canvas, 45, 55)
    assert doc.history.count == steps + 1 and "corner" in w.statusBar().currentMessage()
    # A drag from a corner pulls out mirrored handles: a smooth point.
    image_drag(qtbot, canvas, [(45, 55), (50, 57), (55, 58)])
    assert doc.history.count == steps + 2 and doc.history.undo_name() == "Convert Point"
    knot = knots(layer)[2]
    np.testing.assert_allclose(knot[path_edit.LEAVING], (55, 58), atol=2 * CLICK)
    np.testing.assert_allclose(knot[path_edit.PRECEDING], (35, 52), atol=2 * CLICK)
    np.testing.assert_array_equal(knot[path_edit.ANCHOR], drawn.moved_knots()[0][2, 1])
    assert path_edit.is_smooth(knot)
    assert (alpha(w) != cornered).any()
    assert_canvas_current(w)
    # Its leaving handle dragged: that handle moves alone (the point becomes a corner
    # with curves).
    assert tool.selected == (0, 2)
    preceding = knot[path_edit.PRECEDING].copy()
    image_drag(qtbot, canvas, [(55, 58), (53, 60), (50, 62)])
    assert doc.history.count == steps + 3 and doc.history.undo_name() == "Convert Point"
    knot = knots(layer)[2]
    np.testing.assert_allclose(knot[path_edit.LEAVING], (50, 62), atol=2 * CLICK)
    np.testing.assert_array_equal(knot[path_edit.PRECEDING], preceding)
    assert not path_edit.is_smooth(knot, tolerance=1e-2)
    assert_saved_and_read_back(w, tmp_path, "converted.psd")
    for _ in range(3):
        w.actions["undo"].trigger()
    assert layer.vector_mask is drawn
    np.testing.assert_array_equal(alpha(w), before)
    assert_canvas_current(w)
    assert not w.test_errors


def test_the_anchor_tools_need_a_vector_mask(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    steps = doc.history.count
    for tool_id in ("add_anchor", "delete_anchor", "convert_point"):
        w.tool_actions[tool_id].trigger()
        click(qtbot, canvas, 30, 30)
        assert "Pen tool" in w.statusBar().currentMessage()
    assert doc.history.count == steps and not w.test_errors
