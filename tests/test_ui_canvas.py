"""The canvas: what it paints, zoom and pan, and its cache of reductions."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from editor.model import Document
from editor.ui.pyramid import Pyramid
from engine.box import Box

from ui_helpers import drag, image_pos, make_window, photo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(400, 300)
    doc.add_image(photo(400, 300, "coffee"), "Background", 0, 0)
    doc.add_image(photo(120, 90, "chelsea"), "Cat", 200, 150)
    doc.history.clear()
    w.add_session(doc, "test")
    qtbot.waitUntil(lambda: w.canvas.paint_count > 0)
    return w


def premultiplied(rgba: np.ndarray) -> np.ndarray:
    a = rgba[..., 3:4].astype(np.uint16)
    out = rgba.copy()
    out[..., :3] = ((rgba[..., :3].astype(np.uint16) * a + 127) // 255).astype(np.uint8)
    return out


def test_pyramid_box_updates_match_a_rebuild():
    rng = np.random.default_rng(1)
    base = premultiplied(rng.integers(0, 256, (101, 157, 4), dtype=np.uint8))
    pyramid = Pyramid(base)
    for k in range(pyramid.max_level() + 1):
        pyramid.image(k)
    for box in (Box(10, 7, 33, 20), Box(150, 0, 7, 101), Box(0, 99, 157, 2), Box(77, 41, 1, 1)):
        base[box.slices()] = premultiplied(rng.integers(0, 256, (box.h, box.w, 4), dtype=np.uint8))
        pyramid.update(box)
    fresh = Pyramid(base.copy())
    for k in range(1, pyramid.max_level() + 1):
        assert np.array_equal(pyramid.array(k), fresh.array(k)), f"level {k}"
    # Level 1 is the 2x2 average.
    expected = base[:100, :156].reshape(50, 2, 78, 2, 4).astype(np.float64).mean(axis=(1, 3))
    assert np.abs(pyramid.array(1)[:50, :78] - expected).max() <= 1


def test_level_choice():
    pyramid = Pyramid(np.zeros((3000, 4000, 4), np.uint8))
    assert pyramid.level_for(1.0) == 0
    assert pyramid.level_for(2.0) == 0
    assert pyramid.level_for(0.5) == 1
    assert pyramid.level_for(0.3) == 1
    assert pyramid.level_for(0.25) == 2


def test_draft_level_choice():
    """While something moves: composited pixels shown up to 1.5 device pixels wide."""
    pyramid = Pyramid(np.zeros((3000, 4000, 4), np.uint8))
    assert pyramid.draft_level_for(1.0) == 0   # 100 %: full resolution (2.0 > 1.5)
    assert pyramid.draft_level_for(2.0) == 0
    assert pyramid.draft_level_for(0.75) == 1  # exactly 1.5
    assert pyramid.draft_level_for(0.7) == 1
    assert pyramid.draft_level_for(0.5) == 1   # level 2 would be 2.0
    assert pyramid.draft_level_for(0.315) == 2  # the fitted 1600x1000 view: 1.26
    assert pyramid.draft_level_for(0.25) == 2  # never coarser than 1.5 (level 3: 2.0)
    assert pyramid.draft_level_for(0.2) == 2   # level 3 would be 1.6
    assert pyramid.draft_level_for(0.18) == 3  # 1.44
    tiny = Pyramid(np.zeros((2, 3, 4), np.uint8))
    assert tiny.draft_level_for(0.01) == tiny.max_level()
    for zoom in (0.01, 0.1, 0.2, 0.315, 0.5, 0.75, 1.0, 3.0):
        k = pyramid.draft_level_for(zoom)
        assert k >= pyramid.level_for(zoom)
        assert k == pyramid.level_for(zoom) or zoom * 2 ** k <= 1.5


def grab_at(canvas, x, y):
    canvas.repaint()
    image = canvas.grab().toImage()
    return QColor(image.pixel(image_pos(canvas, x, y))).getRgb()[:3]


def test_paints_exact_pixels_at_100_and_the_reduction_when_zoomed_out(window):
    canvas = window.canvas
    renderer = window.session.renderer
    canvas.actual_pixels()
    b, g, r, _ = renderer.composite.array[40, 60]
    assert grab_at(canvas, 60, 40) == (r, g, b)
    canvas.set_zoom(0.25)
    level = canvas._pyramid.array(2)
    b, g, r, _ = level[10, 15]
    assert grab_at(canvas, 60.5, 40.5) == (r, g, b)


def test_zoom_keys_fit_and_wheel_at_cursor(window, qtbot):
    canvas = window.canvas
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom == 1.0
    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom == 2.0
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom == pytest.approx(2 / 3)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    rect = canvas.doc_rect()
    assert rect.width() <= canvas.width() and rect.height() <= canvas.height()
    assert max(rect.width() / (canvas.width() - 2 * 28), rect.height() / (canvas.height() - 2 * 28)) \
        == pytest.approx(1.0, abs=0.01)
    assert window.zoom_label.text() == f"{canvas.zoom * 100:.4g} %"
    # The wheel zooms around the cursor: the image point under it stays put.
    at = QPointF(150, 120)
    before = canvas.widget_to_image(at)
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    event = QWheelEvent(at, canvas.mapToGlobal(at), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    zoom = canvas.zoom
    QApplication.sendEvent(canvas, event)
    assert canvas.zoom == pytest.approx(zoom * 1.25 ** 2)
    after = canvas.widget_to_image(at)
    assert abs(after.x() - before.x()) < 1 / canvas.scale and abs(after.y() - before.y()) < 1 / canvas.scale


def test_pan_with_space_middle_button_and_hand(window, qtbot):
    canvas = window.canvas
    canvas.actual_pixels()
    canvas.setFocus()
    origin = QPointF(canvas.origin)
    qtbot.keyPress(canvas, Qt.Key.Key_Space)
    drag(qtbot, canvas, [QPoint(100, 100), QPoint(110, 105), QPoint(130, 120)])
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert canvas.origin - origin == QPointF(30, 20)
    layer = window.doc.active
    assert (layer.x, layer.y) == (200, 150)  # the Move tool did not move anything
    drag(qtbot, canvas, [QPoint(100, 100), QPoint(90, 100)], button=Qt.MouseButton.MiddleButton)
    assert canvas.origin - origin == QPointF(20, 20)
    qtbot.keyClick(canvas, Qt.Key.Key_H)
    drag(qtbot, canvas, [QPoint(100, 100), QPoint(100, 90)])
    assert canvas.origin - origin == QPointF(20, 10)
    qtbot.keyClick(canvas, Qt.Key.Key_Z)
    zoom = canvas.zoom
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    assert canvas.zoom > zoom


def test_status_bar_shows_cursor_position_in_image_pixels(window, qtbot):
    canvas = window.canvas
    canvas.set_zoom(2.0)
    qtbot.mouseMove(canvas, image_pos(canvas, 37.5, 12.5))
    assert window.cursor_label.text() == "37, 12 px"
    assert window.size_label.text() == "400 × 300 px"


def test_high_dpi_100_percent_is_one_image_pixel_per_screen_pixel(tmp_path):
    """With a device pixel ratio of 2, 100 % shows each image pixel on one device pixel."""
    script = textwrap.dedent("""
        import sys, numpy as np
        from PySide6.QtCore import QSettings
        from PySide6.QtGui import QColor
        from PySide6.QtWidgets import QApplication
        from editor.app import apply_theme
        from editor.model import Document
        from editor.ui.main_window import MainWindow
        from editor.ui.settings import Settings
        app = QApplication([])
        settings = Settings(QSettings(sys.argv[1], QSettings.Format.IniFormat))
        w = MainWindow(settings); w.resize(900, 700); w.show()
        doc = Document(64, 64)
        px = np.zeros((64, 64, 4), np.uint8); px[..., 3] = 255
        px[:, 1::2, 0] = 255          # alternating red / black columns
        doc.add_image(px, "stripes", 0, 0)
        w.add_session(doc, "t"); app.processEvents()
        c = w.canvas; c.actual_pixels(); c.repaint()
        img = c.grab().toImage()
        assert img.devicePixelRatio() == 2.0, img.devicePixelRatio()
        o = c.image_to_widget(__import__("PySide6.QtCore").QtCore.QPointF(0, 0))
        x0, y0 = round(o.x() * 2), round(o.y() * 2)
        row = [QColor(img.pixel(x0 + i, y0 + 10)).red() for i in range(8)]
        print(c.scale, row)
        assert c.scale == 0.5 and row == [0, 255, 0, 255, 0, 255, 0, 255], row
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR="2",
               PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "s.ini")], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dragging_a_big_layer_at_100_draws_what_is_in_view_then_the_exact_composite(
        qtbot, tmp_path, monkeypatch):
    """A layer over 2 megapixels dragged at 100 %: each move redraws the rows in view from
    the renderer's caches; the rest follows, exactly, when the drag settles."""
    from editor.model.render import composite_document

    w = make_window(qtbot, tmp_path, monkeypatch)
    doc = Document(1600, 1300)
    doc.add_image(photo(1600, 1300, "coffee"), "Background", 0, 0)
    big = doc.add_image(photo(1600, 1300, "chelsea"), "Big", 0, 0)
    doc.set_opacity(big, 200)
    doc.add_image(photo(200, 150, "astronaut"), "Top", 300, 300)
    doc.set_active(big)
    doc.history.clear()
    w.add_session(doc, "big")
    canvas = w.canvas
    qtbot.waitUntil(lambda: canvas.paint_count > 0)
    canvas.actual_pixels()
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_V)
    start = image_pos(canvas, 500, 500)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    from PySide6.QtTest import QTest

    QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, start + QPoint(30, 20))
    assert not w.tools.current.paints_content(canvas)  # the renderer draws the drag
    assert (big.x, big.y) == (30, 20)
    centre = canvas.view_center_image()
    cx, cy = int(centre.x()), int(centre.y())
    previewed = grab_at(canvas, cx, cy)
    renderer = w.session.renderer
    view = canvas.visible_box()
    assert view.h < doc.height and renderer.approximate  # rows out of view wait
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(30, 20))
    exact = composite_document(doc, precise=False)
    assert np.abs(np.array(previewed) - exact[cy, cx, :3].astype(int)).max() <= 2
    # Once the gesture has ended, all of it is drawn exactly, in view and out of it.
    qtbot.waitUntil(lambda: not renderer.approximate and not renderer.is_dirty(), timeout=5000)
    assert np.array_equal(renderer.composite.to_straight_rgba8(), exact)
    screen = renderer.composite.array  # premultiplied BGRA; opaque here
    for x, y in ((cx, cy), (cx - 200, cy - 100), (cx + 150, cy + 120)):
        b, g, r, _ = screen[y, x]
        assert grab_at(canvas, x, y) == (r, g, b)
