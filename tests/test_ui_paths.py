"""The Paths panel and the Pen's Path mode driven through the window: a Work Path drawn
with the Pen (the layer keeps no vector mask), listed in italics and outlined on the
canvas; a click on the empty space hides the outline; Save Path names it; Ctrl+click on
its row and Ctrl+Enter with Direct Selection load it as the selection; Direct Selection
reshapes the chosen path; Make Work Path from a marquee; Fill and Stroke Path change the
pixels where the path is and nowhere else; Delete; Layer > Vector Mask > Current Path;
each one undo step, undone."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from editor.model import paths
from editor.model.selection_ops import current_mask
from editor.ui.tools.path_tools import PATH_COLOUR
from engine.box import Box
from ui_helpers import image_drag, image_pos, panel_item, zoomed_photo_window

W, H = 96, 64
ZOOM = 4.0
CTRL = Qt.KeyboardModifier.ControlModifier
CLICK = 0.5 / ZOOM + 1e-9  # how far a click lands from the image point aimed at


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    return zoomed_photo_window(qtbot, tmp_path, monkeypatch, W, H, ZOOM)


def click(qtbot, canvas, x, y) -> None:
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, x, y))


def draw_work_path(w, qtbot, corners=((20, 10), (70, 10), (70, 50), (20, 50))):
    """The Pen in Path mode (chosen in its options bar), a closed path of `corners`."""
    canvas = w.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    pen = w.tools.current
    box = pen.options().findChild(type(pen._mode_box), "PenMode")
    box.setCurrentIndex(box.findData("path"))
    box.activated.emit(box.currentIndex())
    assert pen.mode == "path"
    for x, y in corners:
        click(qtbot, canvas, x, y)
    click(qtbot, canvas, *corners[0])
    return pen


def panel_rows(w) -> list[tuple[str, bool]]:
    """(name, italic) of the Paths panel's rows, after its refresh."""
    panel = w.paths_panel
    panel._rebuild()
    return [(panel.list.item(i).text(), panel.list.item(i).font().italic())
            for i in range(panel.list.count())]


def row_click(qtbot, w, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel = w.paths_panel
    w.docks["paths"].raise_()
    panel._rebuild()
    rect = panel.row_rect(key)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def outline_shown(w, x, y) -> bool:
    """Whether the canvas shows the path's blue line (anti-aliased over its pale halo) near
    image point (x, y): the photo there is brown, bluer by far than red nowhere."""
    canvas = w.canvas
    canvas.repaint()
    image = canvas.grab().toImage()
    p = image_pos(canvas, x, y) * canvas.devicePixelRatioF()
    assert QColor(PATH_COLOUR).blue() - QColor(PATH_COLOUR).red() > 150
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            c = image.pixelColor(QPoint(int(p.x()) + dx, int(p.y()) + dy))
            if c.blue() - c.red() > 60:
                return True
    return False


def test_the_paths_panel_is_a_tab_beside_layers(opened):
    w = opened
    dock = w.docks["paths"]
    assert dock in w.tabifiedDockWidgets(w.docks["layers"])
    assert w.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    # The Window menu shows and hides it, as the other panels.
    assert panel_item(w, "Paths") is dock.toggleViewAction()
    assert panel_rows(w) == []


def test_pen_path_mode_draws_a_work_path_outlined_and_hidden_by_an_empty_click(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    layer = next(doc.layers())
    before = w.session.renderer.composite.array.copy()
    steps = doc.history.count
    draw_work_path(w, qtbot)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Work Path"
    assert layer.vector_mask is None  # a path, not a mask: the picture is unchanged
    w.session.renderer.update()
    np.testing.assert_array_equal(w.session.renderer.composite.array, before)
    work = paths.work_path(doc)
    np.testing.assert_allclose(work.vector.moved_knots()[0][:, 1],
                               [(20, 10), (70, 10), (70, 50), (20, 50)], atol=CLICK)
    assert panel_rows(w) == [("Work Path", True)]
    assert doc.path_target == work.uid and w.paths_panel.list.currentRow() == 0
    # Another tool: the canvas still outlines the chosen path; an empty click hides it.
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    assert outline_shown(w, 45, 10)
    panel = w.paths_panel
    w.docks["paths"].raise_()
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(20, panel.list.viewport().height() - 5))
    assert doc.path_target is None and not panel.list.selectedItems()
    assert not outline_shown(w, 45, 10)
    row_click(qtbot, w, work.uid)
    assert doc.path_target == work.uid and outline_shown(w, 45, 10)
    w.actions["undo"].trigger()
    assert doc.paths == () and panel_rows(w) == []


def test_save_path_then_load_it_as_a_selection_by_ctrl_click_and_ctrl_enter(opened, qtbot,
                                                                           monkeypatch):
    w, doc, canvas = opened, opened.doc, opened.canvas
    draw_work_path(w, qtbot)
    monkeypatch.setattr("editor.ui.dialogs.ask_text", lambda parent, title, label, text="": text)
    w.paths_panel.menu()  # the panel's menu holds Save Path (enabled now)
    assert w.actions["path_save"].isEnabled()
    w.actions["path_save"].trigger()
    assert doc.history.undo_name() == "Save Path"
    assert panel_rows(w) == [("Path 1", False)]
    saved = doc.paths[0]
    # Ctrl+click on its row: the selection is the path's area (the anchors within a click).
    row_click(qtbot, w, saved.uid, CTRL)
    assert doc.history.undo_name() == "Load Path as Selection"
    qtbot.waitUntil(lambda: w.paths_panel.list.currentRow() == 0)  # still chosen
    assert doc.path_target == saved.uid
    box = doc.selection
    assert box is not None and abs(box.x - 20) <= 1 and abs(box.x1 - 70) <= 1
    assert abs(box.y - 10) <= 1 and abs(box.y1 - 50) <= 1
    mask = current_mask(doc)
    assert mask[30, 45] == 255 and mask[5, 5] == 0 and mask[30, 80] == 0
    w.actions["undo"].trigger()
    assert doc.selection is None and doc.selection_mask is None
    # Ctrl+Enter with Direct Selection: the same.
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_A)
    qtbot.keyClick(canvas, Qt.Key.Key_Return, CTRL)
    assert doc.history.undo_name() == "Load Path as Selection" and doc.selection == box
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    assert panel_rows(w) == [("Work Path", True)]


def test_direct_selection_reshapes_the_chosen_path_not_the_layer(opened, qtbot):
    w, doc, canvas = opened, opened.doc, opened.canvas
    draw_work_path(w, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_A)
    image_drag(qtbot, canvas, [(70, 50), (75, 55), (80, 58)])
    assert doc.history.undo_name() == "Move Anchor Point"
    anchors = paths.work_path(doc).vector.moved_knots()[0][:, 1]
    np.testing.assert_allclose(anchors[2], (80, 58), atol=2 * CLICK)
    assert next(doc.layers()).vector_mask is None
    w.actions["undo"].trigger()
    np.testing.assert_allclose(paths.work_path(doc).vector.moved_knots()[0][2, 1], (70, 50),
                               atol=CLICK)


def test_make_work_path_from_a_marquee_and_delete_it(opened, qtbot, monkeypatch):
    w, doc = opened, opened.doc
    doc.set_selection(Box(12, 8, 40, 30))
    w.docks["paths"].raise_()
    button = w.paths_panel.buttons["path_from_selection"]
    w.update_actions()
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert doc.history.undo_name() == "Make Work Path"
    work = paths.work_path(doc)
    np.testing.assert_array_equal(work.vector.moved_knots()[0][:, 1],
                                  [(12, 8), (12, 38), (52, 38), (52, 8)])
    assert doc.path_target == work.uid
    w.update_actions()
    qtbot.mouseClick(w.paths_panel.buttons["path_delete"], Qt.MouseButton.LeftButton)
    assert doc.history.undo_name() == "Delete Path" and doc.paths == ()
    assert panel_rows(w) == []
    w.actions["undo"].trigger()
    assert [p.name for p in doc.paths] == ["Work Path"]
    # Layer > Paths > Make Work Path… asks for the tolerance (Photoshop's 0.5 to 10 px) and
    # remembers it; a coarse one simplifies an ellipse's edge to fewer anchors.
    from editor.model.selection_ops import ellipse_mask, select_mask

    select_mask(doc, ellipse_mask(doc, Box(10, 6, 70, 50)), "replace", "Elliptical Marquee")
    asked = []

    def get_double(parent, title, label, value, low, high, decimals):
        asked.append((title, value, low, high))
        return 8.0, True

    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getDouble", get_double)
    w.update_actions()
    assert w.actions["path_from_selection"] in w.menus["paths"].actions()
    w.actions["path_from_selection"].trigger()
    assert asked == [("Make Work Path", 2.0, 0.5, 10.0)]
    coarse = len(paths.work_path(doc).vector.subpaths[0].knots)
    w.actions["path_from_selection"].trigger()
    assert asked[-1][1] == 8.0  # remembered
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getDouble",
                        lambda *a: (0.5, True))
    w.actions["path_from_selection"].trigger()
    assert len(paths.work_path(doc).vector.subpaths[0].knots) > coarse
    assert [p.name for p in doc.paths] == ["Work Path"]  # each replaced the last


def test_fill_and_stroke_path_paint_the_layer_where_the_path_is(opened, qtbot):
    w, doc = opened, opened.doc
    layer = next(doc.layers())
    original = layer.pixels.copy()
    draw_work_path(w, qtbot, ((24, 12), (64, 12), (64, 48), (24, 48)))
    w.set_foreground(QColor(255, 0, 0))
    w.docks["paths"].raise_()
    w.update_actions()
    qtbot.mouseClick(w.paths_panel.buttons["path_fill"], Qt.MouseButton.LeftButton)
    assert doc.history.undo_name() == "Fill Path"
    px = layer.pixels
    assert (px[14:46, 26:62] == (255, 0, 0, 255)).all()
    outside = np.ones((H, W), bool)
    outside[11:49, 23:65] = False
    np.testing.assert_array_equal(px[outside], original[outside])
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, original)
    # Stroke Path: the brush's size and hardness, in the foreground colour.
    brush = w.tools.tools["brush"]
    brush.set_size(4)
    brush.set_hardness(1.0)
    w.set_foreground(QColor(0, 0, 255))
    w.update_actions()
    qtbot.mouseClick(w.paths_panel.buttons["path_stroke"], Qt.MouseButton.LeftButton)
    assert doc.history.undo_name() == "Stroke Path"
    px = layer.pixels
    assert tuple(px[12, 44]) == (0, 0, 255, 255) and tuple(px[30, 24]) == (0, 0, 255, 255)
    np.testing.assert_array_equal(px[16:44, 28:60], original[16:44, 28:60])  # inside
    np.testing.assert_array_equal(px[:9], original[:9])                       # outside
    w.actions["undo"].trigger()
    np.testing.assert_array_equal(layer.pixels, original)
    assert not w.test_errors


def test_current_path_makes_the_layers_vector_mask_and_the_panel_lists_it(opened, qtbot):
    w, doc = opened, opened.doc
    layer = next(doc.layers())
    draw_work_path(w, qtbot)
    w.update_actions()
    assert w.actions["vector_mask_current_path"] in w.menus["vector_mask"].actions()
    w.actions["vector_mask_current_path"].trigger()
    assert doc.history.undo_name() == "Add Vector Mask (Current Path)"
    assert layer.vector_mask is not None
    assert panel_rows(w) == [(f"{layer.name} Vector Mask", True), ("Work Path", True)]
    # Its row chosen, the path tools edit the vector mask.
    row_click(qtbot, w, paths.VECTOR_MASK)
    assert doc.path_target == paths.VECTOR_MASK
    w.actions["undo"].trigger()
    assert layer.vector_mask is None
    assert panel_rows(w) == [("Work Path", True)]
    assert not w.test_errors


def test_new_path_takes_the_pens_subpaths_and_renames_and_duplicates(opened, qtbot, monkeypatch):
    w, doc, canvas = opened, opened.doc, opened.canvas
    w.docks["paths"].raise_()
    w.update_actions()
    qtbot.mouseClick(w.paths_panel.buttons["path_new"], Qt.MouseButton.LeftButton)
    assert doc.history.undo_name() == "New Path"
    assert panel_rows(w) == [("Path 1", False)]
    chosen = doc.paths[0]
    assert doc.path_target == chosen.uid
    # The Pen in Path mode draws into the chosen path (no Work Path); Ctrl+Enter while
    # drawing ends the subpath and loads the path as the selection.
    draw_work_path(w, qtbot)
    assert paths.work_path(doc) is None and doc.history.undo_name() == "Add Path"
    click(qtbot, canvas, 75, 5)
    click(qtbot, canvas, 90, 5)
    click(qtbot, canvas, 90, 30)
    qtbot.keyClick(canvas, Qt.Key.Key_Return, CTRL)
    assert doc.history.names()[-2:] == ["Add Path", "Load Path as Selection"]
    assert len(paths.find(doc, chosen.uid).vector.subpaths) == 2
    mask = current_mask(doc)
    assert mask[30, 45] == 255 and mask[10, 85] == 255 and mask[40, 80] == 0
    # A double-click on its row renames it; Duplicate Path copies it after it.
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text="": "Outline")
    rect = w.paths_panel.row_rect(chosen.uid)
    # (A real double-click: a click, then QTest's double click, the second press alone.)
    row_click(qtbot, w, chosen.uid)
    qtbot.mouseDClick(w.paths_panel.list.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())
    assert doc.history.undo_name() == "Rename Path"
    w.update_actions()
    w.actions["path_duplicate"].trigger()
    assert panel_rows(w) == [("Outline", False), ("Outline copy", False)]
    assert doc.path_target == doc.paths[1].uid
    names = ["Duplicate Path", "Rename Path", "Load Path as Selection", "Add Path", "Add Path",
             "New Path"]
    for name in names:
        assert doc.history.undo_name() == name
        w.actions["undo"].trigger()
    assert doc.paths == () and panel_rows(w) == [] and doc.selection is None
    assert not w.test_errors
