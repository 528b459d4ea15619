"""Gradient fill layers driven through the window: Layer > New Fill Layer > Gradient… (a
name, then the Gradient Fill dialog, from the foreground to the background colour), the
angle and style changed in the dialog and shown live on the canvas, OK as one undo step
and Cancel as none; the dialog opened again by double-clicking the layer's thumbnail;
stops added and coloured in it; its Method (Perceptual, Linear, Classic) changed, one
undo step; the Properties panel's angle and gradient button. The canvas pixels are
checked against where the gradient's ends fall and, for the method, the grey halfway."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QPushButton

from editor.model import FillLayer
from editor.model.adjustments import GradientFill
from editor.ui.layers_panel import ARROW_W, EYE_W, ROW_H, THUMB
from ui_helpers import in_modal_dialog, make_window, open_photo

W, H = 96, 64


@pytest.fixture
def opened(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(window, qtbot, tmp_path, monkeypatch, W, H)
    window.canvas.set_zoom(2.0)
    window.set_foreground(QColor(0, 0, 0))
    window.set_background(QColor(255, 255, 255))
    names = []
    monkeypatch.setattr("editor.ui.dialogs.ask_text",
                        lambda parent, title, label, text="": names.append(text) or "Sky")
    window.asked_names = names
    return window


def screen(window) -> np.ndarray:
    """What the canvas shows (the Renderer's 8-bit composite) as grey (the mean of RGB)."""
    renderer = window.session.renderer
    renderer.update()
    return renderer.composite.array[..., [2, 1, 0]].astype(float).mean(axis=-1)


def in_dialog(window, qtbot, trigger, drive) -> dict:
    """Runs `trigger()`; in the Gradient Fill dialog it opens, calls drive(dialog, seen) and
    then presses OK (or Cancel if drive set seen["cancel"]). Returns `seen`."""
    return in_modal_dialog(qtbot, trigger, drive, "GradientFillDialog")


def eased(t: float) -> float:
    """Photoshop's default smoothness (100 %) on a ramp position."""
    return (t + t * t * (3 - 2 * t)) / 2


def test_new_gradient_fill_layer_live_in_its_dialog_and_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    before = screen(w)
    steps = doc.history.count
    menu = w.layers_panel.new_layer_menu()  # the Layers panel's button lists it too
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["Solid Color…", "Gradient…"]

    def drive(dialog, seen):
        # From the foreground colour (black) to the background colour (white).
        seen["stops"] = [dialog.findChild(QPushButton, f"GradientStopColor_{i}").text()
                         for i in (0, 1)]
        dialog.angle.setValue(0)
        dialog.style.setCurrentIndex(dialog.style.findData("radial"))
        seen["radial"] = screen(w)  # live, before OK

    seen = in_dialog(w, qtbot, w.actions["fill_gradient"].trigger, drive)
    assert seen["stops"] == ["#000000", "#FFFFFF"]
    layer = doc.active
    assert w.asked_names == ["Gradient Fill 1"]
    assert isinstance(layer, FillLayer) and layer.name == "Sky"
    assert isinstance(layer.settings, GradientFill)
    assert (layer.settings.style, layer.settings.angle) == ("radial", 0.0)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Fill Layer"
    shown = screen(w)
    # The radial gradient: black at the centre, white half the width away, eased between.
    assert shown[32, 48] <= 1 and shown[32, 0] >= 254 and shown[0, 0] >= 254
    assert abs(shown[32, 24] - 255 * eased(0.5)) <= 2
    assert abs(shown[32, 36] - 255 * eased(0.25)) <= 2
    np.testing.assert_allclose(seen["radial"], shown, atol=0.5)  # what the dialog showed
    w.actions["undo"].trigger()
    assert layer not in list(doc.nodes())
    np.testing.assert_allclose(screen(w), before, atol=0.5)
    w.actions["redo"].trigger()
    assert layer.settings.style == "radial"
    np.testing.assert_allclose(screen(w), shown, atol=0.5)


def test_the_dialog_shows_each_change_live_and_cancel_adds_nothing(opened, qtbot):
    w, doc = opened, opened.doc
    before = screen(w)
    steps = doc.history.count

    def drive(dialog, seen):
        shown = screen(w)
        seen["upright"] = (shown[0].mean(), shown[-1].mean(), np.ptp(shown[20]))
        dialog.angle.setValue(0)
        shown = screen(w)
        seen["across"] = (shown[:, 0].mean(), shown[:, -1].mean(), np.ptp(shown[:, 40]))
        seen["cancel"] = True

    seen = in_dialog(w, qtbot, w.actions["fill_gradient"].trigger, drive)
    top, bottom, spread = seen["upright"]
    assert top >= 250 and bottom <= 5 and spread == 0  # white above, black below
    left, right, spread = seen["across"]
    assert left <= 5 and right >= 250 and spread == 0  # turned: black left, white right
    assert doc.history.count == steps and not any(isinstance(n, FillLayer) for n in doc.nodes())
    np.testing.assert_allclose(screen(w), before, atol=0.5)
    assert w.test_errors == []


def thumbnail_point(w, layer) -> QPoint:
    panel = w.layers_panel
    panel.list.rebuild()
    row = panel.list.row_of(layer)
    return QPoint(EYE_W + ARROW_W + THUMB // 2, row * ROW_H + ROW_H // 2)


def test_double_clicking_the_thumbnail_reopens_the_dialog_one_step_per_ok(opened, qtbot):
    w, doc = opened, opened.doc
    in_dialog(w, qtbot, w.actions["fill_gradient"].trigger,
              lambda dialog, seen: dialog.angle.setValue(0))
    layer = doc.active
    first = screen(w)
    steps = doc.history.count
    at = thumbnail_point(w, layer)
    panel = w.layers_panel

    def drive(dialog, seen):
        seen["angle"] = dialog.angle.value()
        seen["style"] = dialog.style.currentData()
        qtbot.mouseClick(dialog.reverse, Qt.MouseButton.LeftButton)
        dialog.style.setCurrentIndex(dialog.style.findData("reflected"))

    seen = in_dialog(w, qtbot, lambda: qtbot.mouseDClick(
        panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at), drive)
    assert (seen["angle"], seen["style"]) == (0.0, "linear")  # it opened on the layer's
    assert layer.settings.reverse and layer.settings.style == "reflected"
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Change Gradient Fill"
    shown = screen(w)
    # Reflected and reversed: white in the middle column, black at both edges.
    assert shown[:, 48].min() >= 250 and shown[:, 0].max() <= 5 and shown[:, -1].max() <= 8
    # Opened again and cancelled after a change: the layer and the canvas as they were.
    in_dialog(w, qtbot, lambda: qtbot.mouseDClick(
        panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at),
        lambda dialog, seen: (dialog.angle.setValue(90), seen.update(cancel=True)))
    assert layer.settings.angle == 0 and doc.history.count == steps + 1
    np.testing.assert_allclose(screen(w), shown, atol=0.5)
    w.actions["undo"].trigger()
    assert not layer.settings.reverse and layer.settings.style == "linear"
    np.testing.assert_allclose(screen(w), first, atol=0.5)


def test_stops_added_coloured_and_faded_in_the_dialog(opened, qtbot, monkeypatch):
    w, doc = opened, opened.doc
    renderer = w.session.renderer
    renderer.update()
    photo = renderer.composite.array[..., [2, 1, 0]].astype(int)
    monkeypatch.setattr("editor.ui.dialogs.ask_color",
                        lambda parent, initial, title: QColor(255, 0, 0))

    def drive(dialog, seen):
        dialog.angle.setValue(0)
        qtbot.mouseClick(dialog.findChild(QPushButton, "GradientAddStop"),
                         Qt.MouseButton.LeftButton)
        # Halfway, in the gradient's colour there (mid grey); then picked red.
        seen["new"] = dialog.findChild(QDoubleSpinBox, "GradientStopLocation_1").value()
        qtbot.mouseClick(dialog.findChild(QPushButton, "GradientStopColor_1"),
                         Qt.MouseButton.LeftButton)
        dialog.findChild(QDoubleSpinBox, "GradientOpacity_1").setValue(0)  # the end fades out

    seen = in_dialog(w, qtbot, w.actions["fill_gradient"].trigger, drive)
    assert seen["new"] == 50.0
    settings = doc.active.settings
    assert settings.stops == ((0.0, (0, 0, 0)), (50.0, (255, 0, 0)), (100.0, (255, 255, 255)))
    assert settings.opacity_stops == ((0.0, 100.0), (100.0, 0.0))
    renderer.update()
    rgb = renderer.composite.array[..., [2, 1, 0]].astype(int)
    # Halfway: red at half opacity over the photo; at the clear end the photo.
    half = (np.array([255, 0, 0]) + photo[30, 48]) / 2
    assert np.abs(rgb[30, 48] - half).max() <= 3
    assert np.abs(rgb[30, 95] - photo[30, 95]).max() <= 4
    assert doc.history.count >= 1 and doc.history.undo_name() == "New Fill Layer"


def test_the_method_blends_black_to_white_in_the_chosen_space_one_undo_step(opened, qtbot):
    """Black to white across the canvas: halfway the grey is 128 blended as Classic (the
    default), 188 in linear light (Linear: sRGB's curve on 0.5) and 99 as Perceptual
    (half of Oklab's lightness); changing it in the reopened dialog is one undo step."""
    w, doc = opened, opened.doc

    def drive(dialog, seen):
        dialog.angle.setValue(0)
        method = dialog.findChild(QComboBox, "GradientMethod")
        seen["items"] = [method.itemText(i) for i in range(method.count())]
        seen["classic"] = (method.currentText(), screen(w)[32, 48])
        method.setCurrentIndex(method.findData("linear"))
        seen["linear"] = screen(w)[32, 48]  # live, before OK

    seen = in_dialog(w, qtbot, w.actions["fill_gradient"].trigger, drive)
    assert seen["items"] == ["Perceptual", "Linear", "Classic"]  # Photoshop's order
    text, grey = seen["classic"]
    assert text == "Classic" and abs(grey - 127.5) <= 2
    layer = doc.active
    assert layer.settings.method == "linear"
    assert abs(seen["linear"] - 188) <= 2 and abs(screen(w)[32, 48] - 188) <= 2
    steps = doc.history.count

    def perceptual(dialog, seen):
        method = dialog.findChild(QComboBox, "GradientMethod")
        seen["shown"] = method.currentText()
        method.setCurrentIndex(method.findData("perceptual"))

    seen = in_dialog(w, qtbot, lambda: qtbot.mouseDClick(
        w.layers_panel.list, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        thumbnail_point(w, layer)), perceptual)
    assert seen["shown"] == "Linear"  # it opened on the layer's method
    assert layer.settings.method == "perceptual" and doc.history.count == steps + 1
    assert doc.history.undo_name() == "Change Gradient Fill"
    assert abs(screen(w)[32, 48] - 99) <= 2
    w.actions["undo"].trigger()
    assert layer.settings.method == "linear" and abs(screen(w)[32, 48] - 188) <= 2
    w.actions["redo"].trigger()
    assert layer.settings.method == "perceptual" and abs(screen(w)[32, 48] - 99) <= 2


def test_properties_angle_and_gradient_button(opened, qtbot):
    w, doc = opened, opened.doc
    in_dialog(w, qtbot, w.actions["fill_gradient"].trigger, lambda dialog, seen: None)
    layer = doc.active
    panel = w.properties_panel
    panel._refresh()
    QApplication.processEvents()
    angle = next(s for s in panel.findChildren(QDoubleSpinBox)
                 if s.objectName().startswith("Adjust_Angle") and s.isVisibleTo(panel))
    assert angle.value() == 90
    steps = doc.history.count
    angle.setValue(0)
    assert layer.settings.angle == 0 and doc.history.count == steps + 1
    shown = screen(w)
    assert shown[:, 0].max() <= 5 and shown[:, -1].min() >= 250
    button = next(b for b in panel.findChildren(QPushButton)
                  if b.objectName().startswith("Adjust_Gradient") and b.isVisibleTo(panel))
    seen = in_dialog(w, qtbot, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton),
                     lambda dialog, seen: seen.update(angle=dialog.angle.value(), cancel=True))
    assert seen["angle"] == 0 and doc.history.count == steps + 1
