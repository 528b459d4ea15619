"""Image > Adjustments > Variations… driven through the window: thumbnails clicked build
the Current Pick (More Red raises red, Lighter lightens, Original starts again, Saturation
greys the colour ring), OK applies it to the layer in one undo step (inside the
selection), Cancel leaves nothing."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QRadioButton, QSlider, QToolButton

from editor.model import variations as var
from engine.box import Box

from ui_helpers import in_modal_dialog

NAME = "PixelDialog_Variations"


def click(qtbot, dialog, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QToolButton, f"Variations_{name}"),
                     Qt.MouseButton.LeftButton)


def icon_pixels(dialog, name: str) -> np.ndarray:
    from PySide6.QtGui import QImage

    button = dialog.findChild(QToolButton, f"Variations_{name}")
    image = button.icon().pixmap(button.iconSize()).toImage().convertToFormat(
        QImage.Format.Format_RGBA8888)
    h, w = image.height(), image.width()
    rows = np.frombuffer(image.constBits(), np.uint8, count=h * image.bytesPerLine())
    return rows.reshape(h, image.bytesPerLine())[:, :w * 4].reshape(h, w, 4)[..., :3] \
        .astype(int)


def test_more_red_raises_red_in_one_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    steps = doc.history.index

    def drive(dialog, seen):
        dialog.findChild(QCheckBox, "VariationsClipping").setChecked(False)
        original = icon_pixels(dialog, "current")
        click(qtbot, dialog, "red")
        click(qtbot, dialog, "red")
        assert dialog.operation() == var.Variations(midtones=(2 * var.STEPS[var.DEFAULT_STEP],
                                                              0, 0))
        redder = icon_pixels(dialog, "current")
        # Two default steps (midtones +16, Levels' gamma 1.12 on red): +8.5 on average.
        assert redder[..., 0].mean() > original[..., 0].mean() + 6
        assert abs(redder[..., 1].mean() - original[..., 1].mean()) < 2
        assert np.array_equal(layer.pixels, before)  # the canvas waits for OK
        seen["op"] = dialog.operation()

    seen = in_modal_dialog(qtbot, w.actions["adjust_variations"].trigger, drive, NAME)
    assert doc.history.index == steps + 1 and doc.history.undo_name() == "Variations"
    after = layer.pixels
    assert after[..., 0].mean() > before[..., 0].mean() + 6
    assert abs(after[..., 1].astype(int).mean() - before[..., 1].mean()) < 1
    box = Box(0, 0, after.shape[1], after.shape[0])
    np.testing.assert_array_equal(after, seen["op"].process(before, box, box, None))
    w.update_actions()
    assert w.actions["fade"].text().replace("&", "") == "Fade Variations…"
    doc.history.undo()
    np.testing.assert_array_equal(layer.pixels, before)


def test_ranges_step_sizes_original_and_saturation(opened, qtbot):
    w, doc = opened, opened.doc
    before, steps = doc.active.pixels.copy(), doc.history.index

    def drive(dialog, seen):
        qtbot.mouseClick(dialog.findChild(QRadioButton, "Variations_shadows"),
                         Qt.MouseButton.LeftButton)
        dialog.findChild(QSlider, "VariationsStep").setValue(len(var.STEPS) - 1)  # Coarse
        click(qtbot, dialog, "lighter")
        assert dialog.operation().shadows == (var.STEPS[-1],) * 3
        click(qtbot, dialog, "original")  # starts again
        assert dialog.operation().is_identity()
        qtbot.mouseClick(dialog.findChild(QRadioButton, "Variations_saturation"),
                         Qt.MouseButton.LeftButton)
        assert not dialog.findChild(QToolButton, "Variations_red").isEnabled()
        click(qtbot, dialog, "lighter")  # (Saturation: More Saturation)
        assert dialog.operation() == var.Variations(saturation=var.STEPS[-1])
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["adjust_variations"].trigger, drive, NAME)
    assert doc.history.index == steps
    np.testing.assert_array_equal(doc.active.pixels, before)


def test_show_clipping_paints_the_clipped_colours(opened, qtbot):
    w = opened

    def drive(dialog, seen):
        # Highlights: Color Balance's midtones (Photoshop's gamma curves) never clip.
        qtbot.mouseClick(dialog.findChild(QRadioButton, "Variations_highlights"),
                         Qt.MouseButton.LeftButton)
        dialog.findChild(QSlider, "VariationsStep").setValue(len(var.STEPS) - 1)
        for _ in range(4):
            click(qtbot, dialog, "lighter")
        neon = (icon_pixels(dialog, "current") == (255, 0, 255)).all(axis=-1)
        assert neon.any()
        dialog.findChild(QCheckBox, "VariationsClipping").setChecked(False)
        assert not (icon_pixels(dialog, "current") == (255, 0, 255)).all(axis=-1).any()
        seen["cancel"] = True

    in_modal_dialog(qtbot, w.actions["adjust_variations"].trigger, drive, NAME)


def test_inside_the_selection_only(opened, qtbot):
    w, doc = opened, opened.doc
    layer = doc.active
    before = layer.pixels.copy()
    doc.set_selection(Box(10, 5, 30, 20))

    def drive(dialog, seen):
        click(qtbot, dialog, "blue")

    in_modal_dialog(qtbot, w.actions["adjust_variations"].trigger, drive, NAME)
    inside = np.zeros(before.shape[:2], bool)
    inside[5:25, 10:40] = True
    np.testing.assert_array_equal(layer.pixels[~inside], before[~inside])
    assert layer.pixels[inside, 2].mean() > before[inside, 2].mean() + 3  # (+4.75)
