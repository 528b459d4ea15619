"""View > Show Grid (Ctrl+'): the grid drawn over the canvas in screen pixels, its
spacing, subdivisions and colour from Preferences > Guides, Grid, and View > Snap to Grid
pulling a moved layer onto a gridline."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox, QSpinBox

from editor.ui.canvas_chrome import grid_steps

from ui_helpers import image_drag, in_modal_dialog, photo

MAGENTA = (255, 0, 255)


def grab(canvas) -> np.ndarray:
    """The canvas widget as painted (RGB ints, widget pixels)."""
    canvas.repaint()
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
    return rows.reshape(h, image.bytesPerLine())[:, :w * 3].reshape(h, w, 3).astype(int)


def set_grid_preferences(window, qtbot, monkeypatch, every: int, subdivisions: int,
                         color=MAGENTA, style: str = "lines") -> None:
    """Edit > Preferences: the Guides, Grid section, as a user fills it in."""
    monkeypatch.setattr("editor.ui.dialogs.ask_color", lambda *a: QColor(*color))

    def drive(dialog, seen):
        dialog.findChild(QSpinBox, "GridEvery").setValue(every)
        dialog.findChild(QSpinBox, "GridSubdivisions").setValue(subdivisions)
        box = dialog.findChild(QComboBox, "GridStyle")
        box.setCurrentIndex(box.findData(style))
        qtbot.mouseClick(dialog.findChild(object, "GridColor"), Qt.MouseButton.LeftButton)

    in_modal_dialog(qtbot, lambda: window.actions["preferences"].trigger(), drive,
                    "PreferencesDialog")


def column(canvas, x: float) -> int:
    return round(canvas.image_to_widget(QPointF(x, 0)).x())


def row(canvas, y: float) -> int:
    return round(canvas.image_to_widget(QPointF(0, y)).y())


def test_ctrl_quote_shows_a_crisp_grid_from_the_preferences(opened, qtbot, monkeypatch):
    canvas = opened.canvas
    set_grid_preferences(opened, qtbot, monkeypatch, every=20, subdivisions=2)
    assert opened.settings.grid_every == 20 and opened.settings.grid_color == "#ff00ff"
    canvas.set_zoom(4.0)
    opened.actions["fit"].trigger()
    canvas.set_zoom(4.0)
    before = grab(canvas)
    mid = row(canvas, 30.5)  # a row inside the photo, between gridlines
    assert not opened.view_commands.options.grid
    opened.activateWindow()  # (after the dialog: the window's shortcuts again)
    qtbot.waitUntil(opened.isActiveWindow)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Apostrophe, Qt.KeyboardModifier.ControlModifier)
    assert opened.view_commands.options.grid and opened.actions["show_grid"].isChecked()
    after = grab(canvas)
    # Gridlines at x = 20, 40, 60, 80 in the grid colour, one screen pixel wide at 400 %.
    for x in (20, 40, 60, 80):
        c = column(canvas, x)
        assert tuple(after[mid, c]) == MAGENTA, x
        assert tuple(after[mid, c + 2]) == tuple(before[mid, c + 2])  # crisp: the next ones untouched
    for y in (20, 40, 60):
        r = row(canvas, y)
        assert tuple(after[r, column(canvas, 30.5)]) == MAGENTA, y
    # Subdivisions (every 10 px) fainter: tinted, but not the full colour.
    c = column(canvas, 10)
    assert tuple(after[mid, c]) != MAGENTA and tuple(after[mid, c]) != tuple(before[mid, c])
    # Between lines the photo is as it was; outside the document no grid.
    assert tuple(after[mid, column(canvas, 15)]) == tuple(before[mid, column(canvas, 15)])
    # Ctrl+' again hides it; the setting is remembered.
    qtbot.keyClick(canvas, Qt.Key.Key_Apostrophe, Qt.KeyboardModifier.ControlModifier)
    assert not opened.view_commands.options.grid
    assert opened.settings.value("view/grid", True, bool) is False
    assert (grab(canvas) == before).all()


def test_zoomed_out_subdivisions_and_crowded_lines_are_left_out(opened, qtbot, monkeypatch):
    set_grid_preferences(opened, qtbot, monkeypatch, every=20, subdivisions=4)
    canvas = opened.canvas
    opened.actions["show_grid"].trigger()
    canvas.set_zoom(1.0)
    shot = grab(canvas)
    mid = row(canvas, 30.5)
    # At 100 % subdivisions (5 px apart) are drawn; at 50 % (2.5 px) they are not.
    assert tuple(shot[mid, column(canvas, 5)]) != MAGENTA and \
        tuple(shot[mid, column(canvas, 20)]) == MAGENTA
    assert grid_steps(20, 4, 1.0) == (20.0, 5.0)
    assert grid_steps(20, 4, 0.5) == (20.0, None)
    canvas.set_zoom(0.5)
    shot = grab(canvas)
    tinted = [c for c in range(column(canvas, 0) + 1, column(canvas, 20))
              if (np.abs(shot[row(canvas, 30.5), c] - MAGENTA) < 120).all()]
    assert tinted == []
    assert grid_steps(20, 4, 0.1) == (80.0, None)  # 2 px apart: every 4th line only


def test_snap_to_grid_pulls_a_moved_layer_onto_a_gridline(opened, qtbot, monkeypatch):
    doc, canvas = opened.doc, opened.canvas
    set_grid_preferences(opened, qtbot, monkeypatch, every=20, subdivisions=2)
    canvas.set_zoom(4.0)
    opened.actions["snap"].trigger()  # tests' windows start with snapping off
    opened.actions["show_grid"].trigger()
    assert opened.view_commands.options.snap_grid and opened.actions["snap_grid"].isChecked()
    top = doc.add_image(photo(20, 10, "astronaut"), "Top", 5, 40)
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    image_drag(qtbot, canvas, [(10, 45), (15, 45), (19, 45)])  # left edge 5 -> 14
    # 14 is over a pixel from any line (10, 20) at 4 px per image px: it stays.
    assert top.x == 14
    image_drag(qtbot, canvas, [(20, 45), (22, 45), (25, 45)])  # 14 -> 19: snaps to 20
    assert top.x == 20
    # Snap to Grid off: the same move lands where the mouse put it.
    opened.actions["snap_grid"].trigger()
    assert not opened.view_commands.options.snap_grid
    image_drag(qtbot, canvas, [(25, 45), (24, 45), (21, 45)])  # 20 -> 16
    image_drag(qtbot, canvas, [(21, 45), (22, 45), (24, 45)])  # 16 -> 19
    assert top.x == 19
