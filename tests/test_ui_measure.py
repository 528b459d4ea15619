"""The measuring tools of the Eyedropper's place, as a user drives them in the window: the
Color Sampler (Shift+I: fixed points read in the Info panel) and the Ruler (Shift+I again:
a measured line, Straighten Layer)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QPushButton

from ui_helpers import drag, image_drag, image_pos, pasted_window, write_png

SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def noise(h: int = 60, w: int = 80) -> np.ndarray:
    """Opaque random pixels: a 3 x 3 average differs from the pixel in the middle."""
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    return rgba


def take(w, qtbot, tool_id: str, key=Qt.Key.Key_I) -> None:
    """I (or `key`), then Shift+I until `tool_id` (of the Eyedropper's group, or the
    group of `key`) is the tool."""
    qtbot.keyClick(w.canvas, key)
    for _ in range(3):
        if w.tools.current.id == tool_id:
            return
        qtbot.keyClick(w.canvas, key, SHIFT)
    assert w.tools.current.id == tool_id


def show_info(w, qtbot):
    qtbot.keyClick(w.canvas, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: not w.docks["info"].visibleRegion().isEmpty())
    w.canvas.setFocus()
    return w.info_panel


def read(info, n: int) -> tuple:
    return tuple(info.text(f"#{n}{c}") for c in "RGB")


def rgb(pixels, x, y, size=1) -> tuple:
    half = size // 2
    square = pixels[max(0, y - half):y + half + 1, max(0, x - half):x + half + 1, :3]
    return tuple(str(round(v)) for v in square.reshape(-1, 3).astype(float).mean(axis=0))


@pytest.fixture
def noisy(qtbot, tmp_path, monkeypatch):
    pixels = noise()
    return pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0), pixels


def test_color_samplers_read_in_info_follow_drags_edits_and_removal(noisy, qtbot):
    w, pixels = noisy
    info = show_info(w, qtbot)
    take(w, qtbot, "color_sampler")
    canvas, steps = w.canvas, w.doc.history.count
    for x, y in ((10, 20), (30, 40), (60, 12)):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, x + 0.5, y + 0.5))
    assert w.session.samplers.points == [(10, 20), (30, 40), (60, 12)]
    qtbot.waitUntil(lambda: info.sampler_count() == 3)
    for n, (x, y) in enumerate(w.session.samplers.points, 1):
        assert read(info, n) == rgb(pixels, x, y)
    assert w.doc.history.count == steps  # not an edit of the document

    # Sample Size 3 by 3: the averages round each sampler.
    combo = w.options_stack.currentWidget().findChild(QComboBox, "SamplerSampleSize")
    combo.setCurrentIndex(combo.findData(3))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: read(info, 2) == rgb(pixels, 30, 40, 3))
    assert read(info, 2) != rgb(pixels, 30, 40)
    assert read(info, 1) == rgb(pixels, 10, 20, 3)
    # The Eyedropper's Sample Size is the same setting: its click picks the average too.
    take(w, qtbot, "eyedropper")
    shown = w.options_stack.currentWidget().findChild(QComboBox, "EyedropperSampleSize")
    assert shown.currentData() == 3
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 30.5, 40.5))
    picked = w.foreground
    assert tuple(str(v) for v in (picked.red(), picked.green(), picked.blue())) == \
        rgb(pixels, 30, 40, 3)
    take(w, qtbot, "color_sampler")
    combo.setCurrentIndex(combo.findData(1))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: read(info, 2) == rgb(pixels, 30, 40))

    # A drag on #2 moves it; Info reads its new pixel.
    image_drag(qtbot, canvas, [(30.5, 40.5), (40.5, 45.5), (50.5, 50.5)])
    assert w.session.samplers.points == [(10, 20), (50, 50), (60, 12)]
    qtbot.waitUntil(lambda: read(info, 2) == rgb(pixels, 50, 50))

    # The image changes under #1 (a selection round it cleared): Info follows, and undo.
    qtbot.keyClick(canvas, Qt.Key.Key_M)
    image_drag(qtbot, canvas, [(5, 15), (15, 25)])
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: read(info, 1) == ("–",) * 3)
    assert read(info, 3) == rgb(pixels, 60, 12)
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: read(info, 1) == rgb(pixels, 10, 20))

    # Alt+click removes #1: the others are numbered one less.
    take(w, qtbot, "color_sampler")
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, ALT, image_pos(canvas, 10.5, 20.5))
    assert w.session.samplers.points == [(50, 50), (60, 12)]
    qtbot.waitUntil(lambda: info.sampler_count() == 2)
    assert read(info, 1) == rgb(pixels, 50, 50) and read(info, 2) == rgb(pixels, 60, 12)

    w.options_stack.currentWidget().findChild(QPushButton, "SamplerClearAll").click()
    assert w.session.samplers.points == []
    qtbot.waitUntil(lambda: info.sampler_count() == 0)


def test_ten_samplers_at_most_and_each_document_has_its_own(noisy, qtbot, tmp_path, monkeypatch):
    w, _ = noisy
    info = show_info(w, qtbot)
    take(w, qtbot, "color_sampler")
    for i in range(11):
        qtbot.mouseClick(w.canvas, Qt.MouseButton.LeftButton, pos=image_pos(w.canvas, 5 + 6 * i, 30))
    assert len(w.session.samplers.points) == 10
    assert "10 colour samplers at most" in w.statusBar().currentMessage()
    qtbot.waitUntil(lambda: info.sampler_count() == 10)
    first = w.session
    monkeypatch.setattr("editor.ui.dialogs.ask_open_paths", lambda *a, **k: [
        write_png(tmp_path / "second.png", noise(20, 30))])
    w.actions["open"].trigger()  # a second document
    qtbot.waitUntil(lambda: len(w.sessions) == 2 and w.session is not first)
    qtbot.waitUntil(lambda: info.sampler_count() == 0)
    assert w.session.samplers.points == []
    w.show_session(first)
    qtbot.waitUntil(lambda: info.sampler_count() == 10)


def ruler_readouts(w) -> dict:
    tool = w.tools.tools["ruler"]
    return {k: tool.readout(k) for k in ("X", "Y", "W", "H", "A", "L1")}


def test_ruler_measures_a_drag_keeps_45_degrees_with_shift_and_drags_its_ends(noisy, qtbot):
    w, _ = noisy
    take(w, qtbot, "ruler")
    canvas = w.canvas
    image_drag(qtbot, canvas, [(10, 10), (25, 30), (40, 50)])
    assert ruler_readouts(w) == {"X": "10.0", "Y": "10.0", "W": "30.0", "H": "40.0",
                                 "A": f"{math.degrees(math.atan2(-40, 30)):.1f}°", "L1": "50.0"}
    assert ruler_readouts(w)["A"] == "-53.1°"
    # A drag on the far end moves that end only.
    image_drag(qtbot, canvas, [(40, 50), (55, 50), (70, 50)])
    assert ruler_readouts(w)["W"] == "60.0" and ruler_readouts(w)["X"] == "10.0"
    # A new line elsewhere, with Shift: kept to the nearest 45 degrees.
    image_drag(qtbot, canvas, [(10, 30), (30, 29), (50, 27)], modifier=SHIFT)
    r = ruler_readouts(w)
    assert (r["X"], r["Y"], r["H"], r["A"]) == ("10.0", "30.0", "0.0", "0.0°")
    image_drag(qtbot, canvas, [(50, 27), (40, 22), (30, 10)], modifier=SHIFT)  # the end, up-left
    r = ruler_readouts(w)
    assert r["A"] == "45.0°" and r["W"] == r["H"].lstrip("-")
    # The line stays with the document when another tool is used, until Clear.
    qtbot.keyClick(canvas, Qt.Key.Key_B)
    take(w, qtbot, "ruler")
    assert ruler_readouts(w)["A"] == "45.0°"
    w.options_stack.currentWidget().findChild(QPushButton, "RulerClear").click()
    assert w.session.ruler is None and ruler_readouts(w)["L1"] == ""


def tilted_line(h: int = 80, w: int = 120):
    """White, with a black line 3 px thick from (20, 30) to (100, 50)."""
    pixels = np.full((h, w, 4), 255, np.uint8)
    yy, xx = np.mgrid[:h, :w] + 0.5
    a, b = np.array([20.0, 30.0]), np.array([100.0, 50.0])
    d = b - a
    t = np.clip(((xx - a[0]) * d[0] + (yy - a[1]) * d[1]) / (d @ d), 0, 1)
    dist = np.hypot(xx - a[0] - t * d[0], yy - a[1] - t * d[1])
    pixels[dist <= 1.5, :3] = 0
    return pixels


def dark_ends(layer) -> tuple:
    """The leftmost and rightmost dark, opaque pixels' centres (canvas coordinates)."""
    p = layer.pixels
    ys, xs = np.nonzero((p[..., :3].max(axis=2) < 96) & (p[..., 3] > 200))
    xs, ys = xs + layer.x, ys + layer.y
    left, right = xs == xs.min(), xs == xs.max()
    return (xs.min(), ys[left].mean()), (xs.max(), ys[right].mean())


def test_straighten_layer_levels_the_measured_line_in_one_undo_step(qtbot, tmp_path, monkeypatch):
    pixels = tilted_line()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 2.0)
    (layer,) = w.doc.layers()
    (lx, ly), (rx, ry) = dark_ends(layer)
    assert ry - ly > 15  # tilted
    take(w, qtbot, "ruler")
    image_drag(qtbot, w.canvas, [(20, 30), (60, 40), (100, 50)])
    assert ruler_readouts(w)["A"] == f"{math.degrees(math.atan2(-20, 80)):.1f}°"
    steps = w.doc.history.count
    before = (layer.pixels.copy(), layer.x, layer.y)
    w.options_stack.currentWidget().findChild(QPushButton, "RulerStraighten").click()
    assert w.test_errors == []
    assert w.doc.history.count == steps + 1 and w.doc.history.undo_name() == "Straighten Layer"
    (lx, ly), (rx, ry) = dark_ends(layer)
    assert abs(ry - ly) <= 1.0, (ly, ry)  # level now
    assert rx - lx > 75  # and as long as it was (82 px)
    assert w.session.ruler is None  # cleared: it no longer lies on what it measured
    w.actions["undo"].trigger()
    assert np.array_equal(layer.pixels, before[0]) and (layer.x, layer.y) == before[1:]
    # Nothing measured: the button is off; Straighten says what to do, changes nothing.
    assert not w.options_stack.currentWidget().findChild(QPushButton, "RulerStraighten").isEnabled()
    w.tools.current.straighten()
    assert "Drag a line with the Ruler" in w.statusBar().currentMessage()
    assert np.array_equal(layer.pixels, before[0]) and w.doc.history.undo_name() != "Straighten Layer"


# -- Rotate View ------------------------------------------------------------------------------
def quadrants(h: int = 60, w: int = 80) -> np.ndarray:
    """Four flat colours, one per quadrant: where a turned view shows what is easy to tell."""
    pixels = np.zeros((h, w, 4), np.uint8)
    pixels[..., 3] = 255
    pixels[:h // 2, :w // 2, :3] = (255, 0, 0)
    pixels[:h // 2, w // 2:, :3] = (0, 255, 0)
    pixels[h // 2:, :w // 2, :3] = (0, 0, 255)
    pixels[h // 2:, w // 2:, :3] = (255, 255, 0)
    return pixels


def screen_rgb(canvas, x: float, y: float) -> tuple:
    image = canvas.grab().toImage()
    p = image_pos(canvas, x, y)
    c = image.pixelColor(round(p.x() * image.devicePixelRatio()), round(p.y() * image.devicePixelRatio()))
    return c.red(), c.green(), c.blue()


def test_rotate_view_turns_the_view_not_the_pixels_and_tools_land_where_clicked(
        qtbot, tmp_path, monkeypatch):
    pixels = quadrants()
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 3.0)
    canvas, doc = w.canvas, w.doc
    (layer,) = doc.layers()
    steps = doc.history.count
    qtbot.keyClick(canvas, Qt.Key.Key_H)
    qtbot.keyClick(canvas, Qt.Key.Key_H, SHIFT)  # Rotate View shares the Hand's place
    assert w.tools.current.id == "rotate_view"
    # A drag from right of the centre to below it: a quarter turn clockwise.
    cx, cy = canvas.width() / 2, canvas.height() / 2
    drag(qtbot, canvas, [QPoint(round(cx + 100), round(cy)), QPoint(round(cx + 70), round(cy + 70)),
                         QPoint(round(cx), round(cy + 100))])
    assert canvas.rotation == pytest.approx(90.0, abs=0.5)
    field = w.options_stack.currentWidget().findChild(QDoubleSpinBox, "RotateViewAngle")
    assert field.value() == pytest.approx(canvas.rotation, abs=0.05)
    assert np.array_equal(layer.pixels, pixels) and doc.history.count == steps  # the view only
    canvas.set_rotation(90.0)
    # The screen shows each quadrant where its image point is mapped: red top-left of the
    # image is now at the top right of the turned view.
    for x, y in ((10, 10), (70, 10), (10, 50), (70, 50)):
        assert screen_rgb(canvas, x, y) == tuple(pixels[y, x, :3])
    red, green = image_pos(canvas, 10, 10), image_pos(canvas, 70, 10)
    assert abs(red.x() - green.x()) < 3 and green.y() > red.y() + 100  # x runs down the screen
    # The Hand still moves the picture with the pointer on screen.
    qtbot.keyClick(canvas, Qt.Key.Key_H)
    assert w.tools.current.id == "rotate_view"  # H takes the tool the group's place shows
    qtbot.keyClick(canvas, Qt.Key.Key_H, SHIFT)
    assert w.tools.current.id == "hand"
    was = canvas.image_to_screen(QPointF(40, 30))
    drag(qtbot, canvas, [QPoint(300, 300), QPoint(330, 300), QPoint(360, 300)])
    now = canvas.image_to_screen(QPointF(40, 30))
    assert (now.x() - was.x(), now.y() - was.y()) == pytest.approx((60, 0), abs=1)
    take(w, qtbot, "rotate_view", Qt.Key.Key_H)
    field = w.options_stack.currentWidget().findChild(QDoubleSpinBox, "RotateViewAngle")

    for angle in (90.0, 30.0):
        field.setValue(angle)
        assert canvas.rotation == angle
        # A hard brush dab lands on the image pixel clicked.
        w.set_foreground(QColor(255, 255, 255))
        qtbot.keyClick(canvas, Qt.Key.Key_B)
        brush = w.tools.current
        brush.set_size(3)
        before = layer.pixels.copy()
        at = (23.5, 41.5) if angle == 90.0 else (57.5, 17.5)
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, *at))
        qtbot.waitUntil(lambda: not np.array_equal(layer.pixels, before))
        ys, xs = np.nonzero(np.any(layer.pixels != before, axis=2))
        assert abs(xs.mean() + 0.5 - at[0]) <= 0.75 and abs(ys.mean() + 0.5 - at[1]) <= 0.75
        assert tuple(layer.pixels[int(at[1]), int(at[0]), :3]) == (255, 255, 255)
        # A Color Sampler click sits on the pixel clicked.
        take(w, qtbot, "color_sampler")
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, 12.5, 44.5))
        assert w.session.samplers.points[-1] == (12, 44)
        take(w, qtbot, "rotate_view", Qt.Key.Key_H)
        field = w.options_stack.currentWidget().findChild(QDoubleSpinBox, "RotateViewAngle")

    # Esc with the tool puts the view upright.
    assert w.tools.current.id == "rotate_view" and canvas.rotation == 30.0
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.rotation == 0.0 and field.value() == 0.0
    for x, y in ((10, 10), (70, 50)):
        assert screen_rgb(canvas, x, y) == tuple(layer.pixels[y, x, :3])
