"""The Info panel (F8: colour, HSB and position under the pointer, the size of the box
being dragged, the document's size) and the Navigator panel (a thumbnail whose red
rectangle pans the view when dragged, a zoom slider, field and buttons)."""
from __future__ import annotations

import colorsys

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from ui_helpers import image_pos

W, H = 96, 64


def press_key(window, qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, key, modifier)


def test_info_panel_reads_the_pixel_under_the_pointer(opened, qtbot):
    info, dock = opened.info_panel, opened.docks["info"]
    assert dock.visibleRegion().isEmpty()  # a tab behind History
    press_key(opened, qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not dock.visibleRegion().isEmpty())
    assert opened.actions["panel_info"].isChecked()
    assert info.text("dimensions") == f"{W} px × {H} px (72 ppi)"
    canvas = opened.canvas
    canvas.set_zoom(4.0)
    pixels = next(iter(opened.doc.layers())).pixels  # the opened photo, opaque
    for x, y in ((30, 20), (71, 45)):
        qtbot.mouseMove(canvas, image_pos(canvas, x + 0.5, y + 0.5))
        qtbot.waitUntil(lambda: info.text("X") == f"{x} px" and info.text("Y") == f"{y} px")
        r, g, b = (int(v) for v in pixels[y, x, :3])
        assert (info.text("R"), info.text("G"), info.text("B")) == (str(r), str(g), str(b))
        h, s, v = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        assert abs(int(info.text("H").rstrip("°")) - h * 360) <= 1 or (h * 360 > 359 and info.text("H") == "0°")
        assert abs(int(info.text("S").rstrip("%")) - s * 100) <= 1
        assert abs(int(info.text("Bv").rstrip("%")) - v * 100) <= 1
    # The marquee being dragged: its W and H while the button is held, then the selection's.
    assert info.text("W") == "–"
    press_key(opened, qtbot, Qt.Key.Key_M)
    opened.tools.current.set_shape("rect")
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(canvas, left, Qt.KeyboardModifier.NoModifier, image_pos(canvas, 10, 10))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, left, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, 30, 20))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, left, Qt.KeyboardModifier.NoModifier,
                     image_pos(canvas, 50, 35))
    qtbot.waitUntil(lambda: info.text("W") == "40 px")
    assert info.text("Hb") == "25 px" and opened.doc.selection is None
    QTest.mouseRelease(canvas, left, Qt.KeyboardModifier.NoModifier, image_pos(canvas, 50, 35))
    assert opened.doc.selection is not None and opened.doc.selection.w == 40
    qtbot.waitUntil(lambda: info.text("W") == "40 px" and info.text("Hb") == "25 px")
    # Off the canvas: no colour; the position goes on (negative), as in Photoshop.
    qtbot.mouseMove(canvas, image_pos(canvas, -2.5, 3.5))
    qtbot.waitUntil(lambda: info.text("X") == "-3 px" and info.text("Y") == "3 px")
    assert info.text("R") == info.text("H") == "–"
    # F8 again closes it.
    press_key(opened, qtbot, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not opened.actions["panel_info"].isChecked()


def test_navigator_rectangle_pans_and_slider_zooms(opened, qtbot):
    nav, canvas = opened.navigator_panel, opened.canvas
    opened.docks["navigator"].raise_()
    qtbot.waitUntil(lambda: not nav.visibleRegion().isEmpty())
    canvas.set_zoom(16.0)  # 1536 x 1024 px: larger than the view
    view = nav.view
    rect = view.view_rect()
    s, _ = view.placement()
    doc_w = W * s
    assert rect.width() < doc_w  # the rectangle is a part of the thumbnail
    centre = canvas.view_center_image()
    # Drag the rectangle 12 px right and 6 px down on the thumbnail.
    start = rect.center().toPoint()
    end = start + QPoint(12, 6)
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(view, left, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseEvent(QTest.MouseAction.MouseMove, view, left, Qt.KeyboardModifier.NoModifier,
                     start + QPoint(5, 3))
    QTest.mouseEvent(QTest.MouseAction.MouseMove, view, left, Qt.KeyboardModifier.NoModifier, end)
    QTest.mouseRelease(view, left, Qt.KeyboardModifier.NoModifier, end)
    moved = canvas.view_center_image()
    assert abs(moved.x() - (centre.x() + 12 / s)) < 0.2
    assert abs(moved.y() - (centre.y() + 6 / s)) < 0.2
    assert canvas.chrome.hbar.value() > 0  # the canvas' scroll bars went with it
    # The rectangle follows the view.
    assert abs(view.view_rect().center().x() - (rect.center().x() + 12)) < 1
    # A press outside the rectangle centres the view there.
    _, at = view.placement()
    target = QPointF(at.x() + 10 * s, at.y() + 50 * s)
    QTest.mouseClick(view, left, Qt.KeyboardModifier.NoModifier, target.toPoint())
    there = canvas.view_center_image()
    assert abs(there.x() - (target.toPoint().x() - at.x()) / s) < 0.2
    assert abs(there.y() - (target.toPoint().y() - at.y()) / s) < 0.2
    # The slider zooms (Page Up: one page of its logarithmic scale) and follows the zoom.
    nav.slider.setFocus()
    qtbot.keyClick(nav.slider, Qt.Key.Key_PageDown)
    assert canvas.zoom < 16.0 * 0.95
    zoom = canvas.zoom
    qtbot.keyClick(nav.slider, Qt.Key.Key_PageUp)
    qtbot.keyClick(nav.slider, Qt.Key.Key_PageUp)
    assert canvas.zoom > zoom * 1.1
    # The field: 50 % and Enter; the slider moves to it.
    before = nav.slider.value()
    nav.zoom_field.setFocus()
    nav.zoom_field.selectAll()
    qtbot.keyClicks(nav.zoom_field, "50")
    qtbot.keyClick(nav.zoom_field, Qt.Key.Key_Return)
    assert canvas.zoom == 0.5 and nav.slider.value() < before
    # The buttons: View > Zoom In / Zoom Out.
    qtbot.mouseClick(nav.zoom_in, left)
    assert canvas.zoom > 0.5 and nav.zoom_field.text() == f"{canvas.zoom * 100:.4g} %"
    qtbot.mouseClick(nav.zoom_out, left)
    assert canvas.zoom == 0.5


def test_navigator_thumbnail_follows_edits(opened, qtbot):
    nav = opened.navigator_panel
    opened.docks["navigator"].raise_()
    qtbot.waitUntil(lambda: not nav.visibleRegion().isEmpty() and nav.view.thumbnail is not None)

    def thumb_rgb(x, y):
        t = nav.view.thumbnail
        sx, sy = t.width() / W, t.height() / H
        c = QColor(t.pixel(int(x * sx), int(y * sy)))
        return c.red(), c.green(), c.blue()

    assert thumb_rgb(8, 8) != (255, 0, 0)
    red = np.zeros((20, 20, 4), np.uint8)
    red[..., 0] = red[..., 3] = 255
    opened.doc.add_image(red, "Red", 0, 0)
    qtbot.waitUntil(lambda: thumb_rgb(8, 8) == (255, 0, 0), timeout=3000)
    assert thumb_rgb(60, 40) != (255, 0, 0)
