"""Filter > Liquify…'s Freeze Mask (F), Thaw Mask (D), Mask options, Twirl Clockwise (C,
Alt: counter-clockwise), Push Left (O, Alt: right), Smooth (E) and the view's zoom and pan,
driven through the window: a frozen
disc stays put under a Forward Warp that moves the unfrozen one beside it (the mask shown
as a red tint, not applied to the pixels), Thaw, Invert All and Mask All change which one
moves; Twirl turns a radial bar about the brush's centre, the way the key says; Push Left
moves a dot left of an upward drag; Smooth straightens a bar warped into a zigzag; at 200 %
a drag of N view pixels moves a dot N/2 canvas pixels, and after a pan the brush still
paints where the pointer shows."""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from test_ui_liquify import (DARK, DOT, GREY, H, W, at, centre, dark, dot_picture, key, line,
                             liquify, set_option, stroke)
from ui_helpers import pasted_window

LEFT, RIGHT = (35, 45), (85, 45)  # two discs' centres
LEFT_BUTTON, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def two_discs() -> np.ndarray:
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    y, x = np.mgrid[:H, :W]
    for cx, cy in (LEFT, RIGHT):
        pixels[(x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= 8 ** 2, :3] = DARK
    return pixels


def centres(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dark pixels' centre in the left and in the right half."""
    out = []
    for half in (slice(0, W // 2), slice(W // 2, W)):
        ys, xs = np.nonzero(dark(pixels)[:, half])
        out.append(np.array([xs.mean() + 0.5 + half.start, ys.mean() + 0.5]))
    return out[0], out[1]


def click(view, point) -> None:
    QTest.mousePress(view, LEFT_BUTTON, NONE, at(view, *point))
    QTest.mouseRelease(view, LEFT_BUTTON, NONE, at(view, *point))


def push_both_up(qtbot, dialog) -> None:
    """Forward Warp (W) drags of 15 canvas pixels up over each disc."""
    key(qtbot, dialog, Qt.Key.Key_W)
    set_option(dialog, "size", 36)
    for cx, cy in (LEFT, RIGHT):
        stroke(dialog.view, line(dialog.view, (cx, cy), (cx, cy - 15)))


def mask_button(dialog, name: str) -> None:
    dialog.findChild(QPushButton, f"LiquifyMask{name}").click()


def moved(before, after) -> tuple[float, float]:
    """How far up the left and the right disc went."""
    (l0, r0), (l1, r1) = centres(before), centres(after)
    return float(l0[1] - l1[1]), float(r0[1] - r1[1])


def test_a_frozen_disc_stays_while_the_one_beside_it_moves(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, two_discs(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    seen = {}

    def drive(dialog):
        view = dialog.view
        key(qtbot, dialog, Qt.Key.Key_F)
        assert dialog.tool == "freeze"
        set_option(dialog, "size", 50)
        click(view, LEFT)
        np.testing.assert_array_equal(view.shown(), before)  # the mask moves nothing
        # The mask is shown as a red tint over the left disc, not over the right one.
        image = view.grab().toImage()
        frozen = image.pixelColor(at(view, *LEFT))
        free = image.pixelColor(at(view, *RIGHT))
        assert frozen.red() > frozen.green() + 60 and frozen.red() > frozen.blue() + 60
        assert abs(free.red() - free.green()) < 10
        push_both_up(qtbot, dialog)
        seen["shown"] = moved(before, view.shown())

    steps = doc.history.index
    liquify(qtbot, w, drive)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    after = layer.pixels
    left, right = moved(before, after)
    print("frozen / free moved", left, right)
    assert abs(left) < 0.5 and right > 10, (left, right)
    assert np.allclose(seen["shown"], (left, right), atol=1)
    # No red in the result: the mask is the dialog's alone.
    assert (after[..., 0].astype(int) - after[..., 1] < 5).all()
    np.testing.assert_array_equal(after[:, :W // 2], before[:, :W // 2])


def test_thaw_invert_all_and_mask_all(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, two_discs(), 1.0)
    before = w.doc.active.pixels.copy()
    seen = {}

    def drive(dialog):
        view = dialog.view

        def attempt(name):  # both pushed up, the view read, then the warps taken back
            push_both_up(qtbot, dialog)
            seen[name] = moved(before, view.shown())
            dialog.findChild(QPushButton, "LiquifyRestoreAll").click()

        key(qtbot, dialog, Qt.Key.Key_F)
        set_option(dialog, "size", 50)
        click(view, LEFT)
        key(qtbot, dialog, Qt.Key.Key_D)
        assert dialog.tool == "thaw"
        set_option(dialog, "size", 60)
        click(view, LEFT)
        attempt("thawed")
        key(qtbot, dialog, Qt.Key.Key_F)
        set_option(dialog, "size", 50)
        click(view, LEFT)
        mask_button(dialog, "InvertAll")  # the left one free, everything else frozen
        attempt("inverted")
        mask_button(dialog, "MaskAll")
        attempt("all")
        mask_button(dialog, "None")
        attempt("none")

    liquify(qtbot, w, drive, cancel=True)
    for name in ("thawed", "none"):
        assert min(seen[name]) > 10, (name, seen[name])
    left, right = seen["inverted"]
    assert left > 10 and abs(right) < 0.5, seen["inverted"]
    assert np.abs(seen["all"]).max() < 0.5, seen["all"]


def bar_picture() -> np.ndarray:
    """A dark bar from the centre (60, 45) out to the right."""
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    pixels[43:47, 58:84, :3] = DARK
    return pixels


def bar_angle(pixels: np.ndarray) -> float:
    """The bar's mean direction (degrees, clockwise on screen positive) 6..18 px out."""
    ys, xs = np.nonzero(dark(pixels))
    dx, dy = xs + 0.5 - 60, ys + 0.5 - 45
    r = np.hypot(dx, dy)
    ring = (r > 6) & (r < 18)
    return math.degrees(math.atan2(dy[ring].mean(), dx[ring].mean()))


def twirl(qtbot, alt: bool):
    def drive(dialog):
        view = dialog.view
        key(qtbot, dialog, Qt.Key.Key_C)
        assert dialog.tool == "twirl"
        set_option(dialog, "size", 60)
        mods = Qt.KeyboardModifier.AltModifier if alt else NONE
        QTest.mousePress(view, LEFT_BUTTON, mods, at(view, 60, 45))
        qtbot.wait(400)
        QTest.mouseRelease(view, LEFT_BUTTON, mods, at(view, 60, 45))
    return drive


def test_twirl_turns_a_radial_bar_about_the_centre_and_alt_reverses_it(qtbot, tmp_path,
                                                                       monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, bar_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    assert abs(bar_angle(before)) < 1
    steps = doc.history.index
    turned = {}
    for alt in (False, True):
        liquify(qtbot, w, twirl(qtbot, alt))
        qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
        after = layer.pixels.copy()
        turned[alt] = bar_angle(after)
        assert dark(after)[44:46, 59:61].all()  # the centre stays
        assert (after[:, 100:] == before[:, 100:]).all()  # beyond the brush: as it was
        doc.history.undo()
        np.testing.assert_array_equal(layer.pixels, before)
    print("twirl angles", turned)
    # Clockwise, then counter-clockwise (how far: as many timer ticks as came in 400 ms).
    assert turned[False] > 8 and turned[True] < -8, turned


BIG_W, BIG_H, SPOT = 600, 400, (300, 200)


def spot_picture() -> np.ndarray:
    pixels = np.zeros((BIG_H, BIG_W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    pixels[SPOT[1] - 4:SPOT[1] + 4, SPOT[0] - 4:SPOT[0] + 4, :3] = DARK
    return pixels


def spot(pixels) -> np.ndarray:
    ys, xs = np.nonzero(dark(pixels))
    return np.array([xs.mean() + 0.5, ys.mean() + 0.5])


def wheel(view, pos: QPointF, notches: int) -> None:
    event = QWheelEvent(pos, view.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, NONE, Qt.ScrollPhase.NoScrollPhase, False)
    from PySide6.QtWidgets import QApplication
    QApplication.sendEvent(view, event)


def drag(view, start: QPointF, end: QPointF, button=LEFT_BUTTON, n: int = 10) -> None:
    QTest.mousePress(view, button, NONE, start.toPoint())
    for i in range(1, n + 1):
        p = start + (end - start) * (i / n)
        QTest.mouseEvent(QTest.MouseAction.MouseMove, view, button, NONE, p.toPoint())
    QTest.mouseRelease(view, button, NONE, end.toPoint())


def test_zoomed_and_panned_the_brush_paints_in_canvas_pixels(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, spot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    seen = {}

    def drive(dialog):
        view = dialog.view
        assert view.percent() == 100
        key(qtbot, dialog, Qt.Key.Key_Minus)  # without Ctrl: no zoom
        assert view.percent() == 100
        QTest.keyClick(dialog, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
        assert view.percent() == 200
        QTest.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
        assert view.percent() == 100
        # The wheel zooms about the pointer: the spot stays under it.
        pointer = QPointF(200, 150)
        under = view.canvas_point(pointer)
        wheel(view, pointer, 1)
        assert view.percent() == 200
        assert np.allclose(view.canvas_point(pointer), under)
        # The middle button pans, and so does Space with the left; neither paints.
        drag(view, QPointF(300, 300), QPointF(250, 260), Qt.MouseButton.MiddleButton)
        view.setFocus()
        QTest.keyPress(view, Qt.Key.Key_Space)
        drag(view, QPointF(300, 300), QPointF(290, 300))
        QTest.keyRelease(view, Qt.Key.Key_Space)
        assert np.allclose(view.canvas_point(pointer),
                           (under[0] + 60 / 2, under[1] + 40 / 2))
        assert dialog.mesh.is_identity()
        # A drag of 40 view pixels from the spot, at 200 %: 20 canvas pixels.
        set_option(dialog, "size", 40)
        start = view.widget_point(*SPOT)
        assert view.rect().contains(start.toPoint())
        drag(view, start, start + QPointF(40, 0))
        seen["shown"] = spot(view.shown())  # (600 x 400: shown one cell a pixel)

    steps = doc.history.index
    liquify(qtbot, w, drive)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    move = spot(layer.pixels) - spot(before)
    print("zoomed drag moved the spot", move)
    assert abs(move[0] - 20) <= 3 and abs(move[1]) <= 1.5, move
    assert np.allclose(seen["shown"], spot(layer.pixels), atol=1)


def push_left(qtbot, alt: bool):
    """Push Left (O): a drag of 20 canvas pixels up over the dot (Alt held: pushes right)."""
    def drive(dialog):
        view = dialog.view
        key(qtbot, dialog, Qt.Key.Key_O)
        assert dialog.tool == "push_left"
        set_option(dialog, "size", 40)
        mods = Qt.KeyboardModifier.AltModifier if alt else NONE
        points = line(view, (DOT[0], DOT[1] + 10), (DOT[0], DOT[1] - 10))
        QTest.mousePress(view, LEFT_BUTTON, mods, points[0])
        for p in points[1:]:
            QTest.mouseEvent(QTest.MouseAction.MouseMove, view, LEFT_BUTTON, mods, p)
        QTest.mouseRelease(view, LEFT_BUTTON, mods, points[-1])
    return drive


def test_push_left_moves_the_dot_left_of_an_upward_drag_and_alt_right(qtbot, tmp_path,
                                                                       monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    shifts = {}
    for alt in (False, True):
        liquify(qtbot, w, push_left(qtbot, alt))
        qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
        shifts[alt] = centre(layer.pixels) - centre(before)
        doc.history.undo()
        np.testing.assert_array_equal(layer.pixels, before)
    print("push left shifts", shifts)
    assert shifts[False][0] < -10 and shifts[True][0] > 10, shifts
    assert abs(shifts[False][1]) < 3 and abs(shifts[True][1]) < 3, shifts


def wavy_bar_spread(pixels) -> float:
    """How far the dark vertical bar's centre wanders from row to row (rows 25..65)."""
    rows = []
    for y in range(25, 65):
        xs = np.nonzero(dark(pixels[y:y + 1]))[1]
        assert 3 <= xs.size <= 16, (y, xs.size)  # the bar is still there, not smeared
        rows.append(xs.mean())
    return float(np.std(rows))


def test_smooth_straightens_a_bar_warped_into_a_zigzag(qtbot, tmp_path, monkeypatch):
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    pixels[:, 57:63, :3] = DARK  # a vertical bar
    w = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 1.0)
    seen = {}

    def drive(dialog):
        view = dialog.view
        set_option(dialog, "size", 14)
        for i, y in enumerate(range(28, 64, 8)):  # small pushes, alternately left and right
            dx = 6 if i % 2 else -6
            stroke(view, line(view, (60, y), (60 + dx, y), n=6))
        seen["zigzag"] = wavy_bar_spread(view.shown())
        key(qtbot, dialog, Qt.Key.Key_E)
        assert dialog.tool == "smooth"
        set_option(dialog, "size", 70)
        QTest.mousePress(view, LEFT_BUTTON, NONE, at(view, 60, 45))
        qtbot.wait(600)
        QTest.mouseRelease(view, LEFT_BUTTON, NONE, at(view, 60, 45))
        seen["smoothed"] = wavy_bar_spread(view.shown())

    liquify(qtbot, w, drive, cancel=True)
    print("bar spread", seen)
    assert seen["zigzag"] > 1.5
    assert seen["smoothed"] < 0.5 * seen["zigzag"], seen
