"""Filter > Liquify… (Shift+Ctrl+X), driven through the window: the brush painted in the
dialog's view with the mouse moves a dot along a Forward Warp drag, Reconstruct brings it
back, Bloat enlarges a disc and Pucker shrinks it; OK is one undo step (Undo gives the
exact pixels back, Last Filter the same warp again), Cancel leaves nothing, with a
selection the pixels outside it stay as they were, and a targeted layer mask is warped
instead of the pixels."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine.box import Box

from ui_helpers import in_modal_dialog, pasted_window

W, H = 120, 90
GREY, DARK = 200, 20
DOT = (40, 45)  # the dot's centre (canvas pixels)


def dot_picture() -> np.ndarray:
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    pixels[DOT[1] - 4:DOT[1] + 4, DOT[0] - 4:DOT[0] + 4, :3] = DARK
    return pixels


def disc_picture(radius: int = 12) -> np.ndarray:
    pixels = np.zeros((H, W, 4), np.uint8)
    pixels[..., :3] = GREY
    pixels[..., 3] = 255
    y, x = np.mgrid[:H, :W]
    pixels[(x + 0.5 - 60) ** 2 + (y + 0.5 - 45) ** 2 <= radius ** 2, :3] = DARK
    return pixels


def dark(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., 0] < (GREY + DARK) // 2


def centre(pixels: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(dark(pixels))
    return np.array([xs.mean() + 0.5, ys.mean() + 0.5])


def at(view, x: float, y: float) -> QPoint:
    """The view's widget pixel that shows canvas point (x, y)."""
    return QPoint(round(x * view.zoom * view.dialog.mesh.sx),
                  round(y * view.zoom * view.dialog.mesh.sy))


def line(view, start, end, n: int = 12) -> list[QPoint]:
    return [at(view, start[0] + (end[0] - start[0]) * i / n,
               start[1] + (end[1] - start[1]) * i / n) for i in range(n + 1)]


def key(qtbot, dialog, which) -> None:
    """A tool's key pressed in the dialog (its shortcuts need it active, as a user's is)."""
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.keyClick(dialog, which)


def set_option(dialog, key: str, value: int) -> None:
    from PySide6.QtWidgets import QSpinBox

    spin = dialog.findChild(QSpinBox, f"Liquify_{key}")
    spin.setValue(value)
    assert spin.value() == value


def liquify(qtbot, w, drive, cancel: bool = False, by_key: bool = False) -> dict:
    """Filter > Liquify… (from the menu, or by Shift+Ctrl+X), `drive(dialog)`, then OK (and
    the job it runs waited for) or Cancel."""
    action = w.actions["filter_liquify"]
    assert action in w.menus["filter"].actions()
    assert action.shortcut().toString() == "Ctrl+Shift+X"

    def inside(dialog, seen):
        drive(dialog)
        seen["cancel"] = cancel

    if by_key:
        def trigger():
            w.canvas.setFocus()
            qtbot.keyClick(w.canvas, Qt.Key.Key_X,
                           Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    else:
        trigger = action.trigger
    return in_modal_dialog(qtbot, trigger, inside, "LiquifyDialog")


def stroke(view, points) -> None:
    """Presses at points[0], moves through the others with the button held, releases."""
    button, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(view, button, none, points[0])
    for p in points[1:]:
        QTest.mouseEvent(QTest.MouseAction.MouseMove, view, button, none, p)
    QTest.mouseRelease(view, button, none, points[-1])


def warp(start, end, size: int = 40):
    """A Forward Warp drag (the dialog's first tool) from `start` to `end`."""
    def drive(dialog):
        assert dialog.tool == "warp"
        set_option(dialog, "size", size)
        stroke(dialog.view, line(dialog.view, start, end))
    return drive


def test_forward_warp_moves_the_dot_along_the_drag_and_ok_is_one_undo_step(qtbot, tmp_path,
                                                                            monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    liquify(qtbot, w, warp(DOT, (DOT[0] + 24, DOT[1] - 10)), by_key=True)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    assert doc.history.undo_name() == "Liquify"
    once = layer.pixels.copy()
    moved = centre(once) - centre(before)
    # The dot follows the brush: about the drag's 24 right, 10 up.
    assert abs(moved[0] - 24) <= 4 and abs(moved[1] + 10) <= 3, moved
    assert 0.6 <= dark(once).sum() / dark(before).sum() <= 1.6  # moved, not smeared away
    assert (once[:, 100:] == before[:, 100:]).all()  # far from the brush: as it was
    w.update_actions()  # Edit > Fade takes it as any filter
    assert w.actions["fade"].isEnabled()
    assert w.actions["fade"].text().replace("&", "") == "Fade Liquify…"
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    # Last Filter (Ctrl+F): the same field again, the same pixels.
    w.update_actions()
    assert w.actions["filter_last"].text().replace("&", "") == "Last Filter (Liquify)"
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.canvas.setFocus()
    qtbot.keyClick(w.canvas, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, once)


def test_reconstruct_brings_a_warp_back(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    layer = w.doc.active
    before = layer.pixels.copy()
    seen = {}

    def drive(dialog):
        view = dialog.view
        warp(DOT, (DOT[0] + 24, DOT[1]))(dialog)
        seen["warped"] = centre(view.shown())
        key(qtbot, dialog, Qt.Key.Key_R)
        assert dialog.tool == "reconstruct"
        set_option(dialog, "size", 80)
        # Scrub back and forth over the warp, then hold the mouse still a while.
        points = line(view, (30, 45), (80, 45)) + line(view, (80, 45), (30, 45))
        QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         points[0])
        for p in points[1:]:
            QTest.mouseEvent(QTest.MouseAction.MouseMove, view, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, p)
        QTest.mouseEvent(QTest.MouseAction.MouseMove, view, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, at(view, 52, 45))
        qtbot.wait(500)
        QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           at(view, 52, 45))
        seen["back"] = centre(view.shown())

    steps = w.doc.history.index
    liquify(qtbot, w, drive)
    qtbot.waitUntil(lambda: w.doc.history.index == steps + 1, timeout=20000)
    origin = centre(before)
    assert seen["warped"][0] - origin[0] > 15  # the view showed the warp...
    assert abs(seen["back"][0] - origin[0]) < 4  # ...and then the dot back home
    after = layer.pixels
    assert abs(centre(after)[0] - origin[0]) < 4
    assert np.abs(after[..., :3].astype(int) - before[..., :3]).max() < 80


def hold(qtbot, tool_key, tool: str, size: int = 50, ms: int = 400):
    """The tool chosen by its key, the brush held still on the disc's centre."""
    def drive(dialog):
        view = dialog.view
        key(qtbot, dialog, tool_key)
        assert dialog.tool == tool
        set_option(dialog, "size", size)
        QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         at(view, 60, 45))
        qtbot.wait(ms)
        QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           at(view, 60, 45))
    return drive


def test_bloat_enlarges_a_disc_and_pucker_shrinks_it(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, disc_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    area = dark(before).sum()
    steps = doc.history.index
    liquify(qtbot, w, hold(qtbot, Qt.Key.Key_B, "bloat"))
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    bloated = layer.pixels.copy()
    assert dark(bloated).sum() > 1.3 * area
    assert np.abs(centre(bloated) - centre(before)).max() < 1  # grown where it was
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    liquify(qtbot, w, hold(qtbot, Qt.Key.Key_S, "pucker"))
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    puckered = layer.pixels.copy()
    assert 0 < dark(puckered).sum() < 0.75 * area
    assert np.abs(centre(puckered) - centre(before)).max() < 1


def test_cancel_leaves_the_layer_and_the_history_alone(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps, name = doc.history.index, doc.history.undo_name()
    seen = {}

    def drive(dialog):
        warp(DOT, (DOT[0] + 24, DOT[1]))(dialog)
        seen["moved"] = centre(dialog.view.shown())[0] - centre(before)[0]
        np.testing.assert_array_equal(layer.pixels, before)  # the document waits for OK

    liquify(qtbot, w, drive, cancel=True)
    qtbot.wait(100)
    assert seen["moved"] > 15
    assert doc.history.index == steps and doc.history.undo_name() == name
    np.testing.assert_array_equal(layer.pixels, before)
    assert not w.actions["filter_last"].isEnabled() or \
        "Liquify" not in w.actions["filter_last"].text()


def test_restore_all_and_ok_records_nothing(qtbot, tmp_path, monkeypatch):
    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog):
        from PySide6.QtWidgets import QPushButton

        warp(DOT, (DOT[0] + 24, DOT[1]))(dialog)
        qtbot.mouseClick(dialog.findChild(QPushButton, "LiquifyRestoreAll"),
                         Qt.MouseButton.LeftButton)
        np.testing.assert_array_equal(dialog.view.shown()[..., :3], before[..., :3])

    liquify(qtbot, w, drive)
    qtbot.wait(200)
    assert doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)


def test_liquify_inside_a_selection_leaves_the_rest(qtbot, tmp_path, monkeypatch):
    from editor.model import selection_ops

    w = pasted_window(qtbot, tmp_path, monkeypatch, dot_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    before = layer.pixels.copy()
    # An ellipse (soft-edged) holding the dot; it is pushed out of it, towards a corner of
    # the ellipse's box.
    selection_ops.select_mask(doc, selection_ops.ellipse_mask(doc, Box(10, 20, 70, 50)))
    mask = selection_ops.current_mask(doc)
    steps = doc.history.index
    liquify(qtbot, w, warp((DOT[0] - 2, DOT[1]), (72, 24), size=50))
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    after = layer.pixels
    np.testing.assert_array_equal(after[mask == 0], before[mask == 0])
    changed = (after != before).any(axis=-1)
    assert changed[mask == 255].sum() > 60  # it warped inside
    # On the soft edge, part of the warp: between what was and what a full warp gives.
    assert changed[(mask > 0) & (mask < 255)].any()


def test_liquify_on_a_targeted_layer_mask_warps_the_mask(qtbot, tmp_path, monkeypatch):
    from editor.model import LayerMask

    w = pasted_window(qtbot, tmp_path, monkeypatch, disc_picture(), 1.0)
    doc, layer = w.doc, w.doc.active
    layer.mask = LayerMask(np.ascontiguousarray(dot_picture()[..., 0]), 0, 0)
    doc.set_mask_targeted(True)
    pixels, mask = layer.pixels.copy(), layer.mask.pixels.copy()
    steps = doc.history.index
    liquify(qtbot, w, warp(DOT, (DOT[0] + 24, DOT[1])))
    qtbot.waitUntil(lambda: doc.history.index == steps + 1, timeout=20000)
    np.testing.assert_array_equal(layer.pixels, pixels)  # the pixels stay: the mask moves
    ys, xs = np.nonzero(layer.mask.pixels < (GREY + DARK) // 2)
    was_ys, was_xs = np.nonzero(mask < (GREY + DARK) // 2)
    assert abs(xs.mean() - was_xs.mean() - 24) <= 4 and abs(ys.mean() - was_ys.mean()) <= 2
    doc.history.undo()
    np.testing.assert_array_equal(layer.mask.pixels, mask)
