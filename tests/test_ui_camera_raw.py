"""Filter > Camera Raw Filter… (Shift+Ctrl+A) driven through the window: the dialog's
preview follows the sliders (a reduced copy; the canvas waits), P shows the layer as it was
and Y both side by side; OK is one undo step giving the filter's pixels at full size, Cancel
leaves nothing, Ctrl+F repeats it; on a smart object it is a smart filter."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QPushButton, QSpinBox

from editor.model import camera_raw as cr
from engine.box import Box

from ui_helpers import ctrl_f, in_modal_dialog, smart_filter_edited_again

W, H = 96, 64
NAME = "PixelDialog_CameraRawFilter"


def shown(dialog) -> np.ndarray:
    """The preview's picture as RGB ints."""
    image = dialog.findChild(QLabel, "CameraRawPreview").pixmap().toImage()
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
    return rows.reshape(h, image.bytesPerLine())[:, :w * 4].reshape(h, w, 4)[..., :3].astype(int)


def shift_ctrl_a(qtbot, w):
    return lambda: qtbot.keyClick(w.canvas, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier
                                  | Qt.KeyboardModifier.ControlModifier)


def test_the_preview_follows_the_sliders_ok_is_one_step_and_ctrl_f_repeats(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index
    w.canvas.setFocus()

    def drive(dialog, seen):
        original = shown(dialog)
        assert original.shape[:2] == (H, W)  # (a small layer is not reduced)
        np.testing.assert_array_equal(original, before[..., :3].astype(int))
        dialog.findChild(QDoubleSpinBox, "Filter_exposure").setValue(1.0)
        dialog.findChild(QSpinBox, "Filter_clarity").setValue(40)
        dialog.findChild(QSpinBox, "Filter_temperature").setValue(30)
        seen["op"] = op = dialog.operation()
        assert op == cr.CameraRaw(exposure=1.0, clarity=40, temperature=30)
        brighter = shown(dialog)
        assert brighter.mean() > original.mean() + 20
        np.testing.assert_array_equal(brighter, cr.preview(op, before, 1.0)[..., :3])
        assert np.array_equal(layer.pixels, before)  # the canvas waits for OK
        qtbot.keyClick(dialog, Qt.Key.Key_P)  # before
        assert dialog.findChild(QPushButton, "CameraRawBefore").isChecked()
        np.testing.assert_array_equal(shown(dialog), original)
        qtbot.keyClick(dialog, Qt.Key.Key_P)
        np.testing.assert_array_equal(shown(dialog), brighter)
        qtbot.keyClick(dialog, Qt.Key.Key_Y)  # before | after
        both = shown(dialog)
        assert both.shape[1] == 2 * W + 4
        np.testing.assert_array_equal(both[:, :W], original)
        np.testing.assert_array_equal(both[:, -W:], brighter)

    seen = in_modal_dialog(qtbot, shift_ctrl_a(qtbot, w), drive, NAME)
    op = seen["op"]
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Camera Raw Filter"
    once = layer.pixels.copy()
    box = Box(0, 0, W, H)
    np.testing.assert_array_equal(once, op.process(before, box, box, None))
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)
    ctrl_f(qtbot, w)  # Last Filter: the same settings again
    np.testing.assert_array_equal(layer.pixels, once)
    assert "Camera Raw" in w.actions["filter_last"].text()


def test_cancel_and_zero_settings_leave_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        dialog.findChild(QSpinBox, "Filter_dehaze").setValue(60)
        dialog.findChild(QSpinBox, "Filter_shadows").setValue(80)
        assert not np.array_equal(shown(dialog), before[..., :3])
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["filter_camera_raw"].trigger, drive, NAME)
    assert doc.history.index == steps
    np.testing.assert_array_equal(layer.pixels, before)
    in_modal_dialog(qtbot, w.actions["filter_camera_raw"].trigger, lambda d, s: None, NAME)
    assert doc.history.index == steps  # OK at zero: nothing to record
    np.testing.assert_array_equal(layer.pixels, before)


def test_on_a_smart_object_it_is_a_smart_filter_edited_again(opened, qtbot):
    def drive(dialog):
        dialog.findChild(QSpinBox, "Filter_vibrance").setValue(50)

    def check(dialog):
        assert dialog.findChild(QSpinBox, "Filter_vibrance").value() == 50

    smart_filter_edited_again(qtbot, opened, opened.actions["filter_camera_raw"].trigger,
                              drive, check, NAME)


def test_edit_fade_halves_it(opened, qtbot):
    from test_fade import assert_fade_halves

    def drive(dialog, seen):
        dialog.findChild(QDoubleSpinBox, "Filter_exposure").setValue(1.5)

    assert_fade_halves(qtbot, opened, opened.actions["filter_camera_raw"].trigger, drive, NAME)
