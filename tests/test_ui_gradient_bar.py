"""The Gradient Fill dialog's gradient bar (Photoshop's Gradient Editor) driven by the
mouse: a colour stop dragged along it, a stop added by a click on the strip and coloured
by a double-click, stops taken off by a drag off the bar and by Delete, an opacity stop
added above the bar, a midpoint diamond dragged. The number rows follow the bar, the
canvas shows each change live and, after OK, what `gradients.table` gives for the stops
the user made (worked out here from them, not read from the layer); OK is one undo step.
The midpoint's number field and the diamond follow each other. The canvas is 96 pixels wide and the gradient runs across it (angle 0), so column x lies
at x / 96 along it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox, QPushButton

from editor.model import gradients
from editor.ui.gradient_bar import OFF, GradientBar
import test_ui_gradient_fills as fills
from test_ui_gradient_fills import W, in_dialog, screen, thumbnail_point

opened = fills.opened  # the fixture: a photo open, black and white as the colours
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def expected(stops, midpoints=None) -> np.ndarray:
    """The grey of each canvas column for colour `stops` (location %, rgb), opaque, at
    Photoshop's default smoothness, from the model's own gradient maths."""
    lookup = np.rint(gradients.table([(at / 100, rgb) for at, rgb in stops], smoothness=1.0,
                                     midpoints=midpoints))
    return gradients.colours(np.arange(W) / W, lookup)[:, :3].mean(axis=-1)


def point(bar, at: float, kind: str) -> QPoint:
    """Where on `bar` location `at` % of `kind`'s strip of markers lies."""
    return QPoint(round(bar.x_of(at)), round(bar.strip_y(kind)))


def diamond(bar, at: float, kind: str = "color") -> QPoint:
    """Where on `bar` a midpoint diamond at location `at` % lies."""
    return QPoint(round(bar.x_of(at)), round(bar.diamond_y(kind)))


def drag(qtbot, bar, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(bar, LEFT, NONE, start)
    qtbot.mouseMove(bar, end)
    qtbot.mouseRelease(bar, LEFT, NONE, end)


def reopen(window, qtbot, layer, drive) -> dict:
    """The layer's Gradient Fill dialog opened by double-clicking its thumbnail."""
    return in_dialog(window, qtbot, lambda: qtbot.mouseDClick(
        window.layers_panel.list, LEFT, NONE, thumbnail_point(window, layer)), drive)


def make_layer(window, qtbot):
    in_dialog(window, qtbot, window.actions["fill_gradient"].trigger,
              lambda dialog, seen: dialog.angle.setValue(0))
    return window.doc.active


def test_dragging_a_colour_stop_moves_it_live_and_ok_is_one_undo_step(opened, qtbot):
    w, doc = opened, opened.doc
    layer = make_layer(w, qtbot)
    first = screen(w)
    np.testing.assert_allclose(first[32], expected([(0, (0,) * 3), (100, (255,) * 3)]), atol=1)
    steps = doc.history.count

    def drive(dialog, seen):
        bar = dialog.bar
        qtbot.mousePress(bar, LEFT, NONE, point(bar, 0, "color"))  # the black stop
        qtbot.mouseMove(bar, point(bar, 25, "color"))
        seen["row"] = dialog.findChild(QDoubleSpinBox, "GradientStopLocation_0").value()
        seen["live"] = screen(w)
        qtbot.mouseRelease(bar, LEFT, NONE, point(bar, 25, "color"))

    seen = reopen(w, qtbot, layer, drive)
    black_at_25 = [(25.0, (0, 0, 0)), (100.0, (255, 255, 255))]
    assert seen["row"] == 25.0  # the number row follows the bar
    assert layer.settings.stops == tuple(black_at_25)
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "Change Gradient Fill"
    shown = screen(w)
    np.testing.assert_allclose(shown[32], expected(black_at_25), atol=1)
    assert shown[32, :24].max() <= 1 and shown[32, 60] > 100  # black up to a quarter
    np.testing.assert_allclose(seen["live"], shown, atol=0.5)
    w.actions["undo"].trigger()
    assert layer.settings.stops == ((0.0, (0, 0, 0)), (100.0, (255, 255, 255)))
    np.testing.assert_allclose(screen(w), first, atol=0.5)


def test_a_click_on_the_strip_adds_a_stop_and_a_double_click_colours_it(opened, qtbot,
                                                                         monkeypatch):
    w = opened
    layer = make_layer(w, qtbot)
    asked = []
    monkeypatch.setattr("editor.ui.dialogs.ask_color",
                        lambda parent, initial, title: asked.append(initial.name()) or
                        QColor(255, 0, 0))

    def drive(dialog, seen):
        bar = dialog.bar
        qtbot.mouseClick(bar, LEFT, NONE, point(bar, 50, "color"))
        seen["rows"] = [dialog.findChild(QDoubleSpinBox, f"GradientStopLocation_{i}").value()
                        for i in range(3)]
        seen["grey"] = dialog.findChild(QPushButton, "GradientStopColor_1").text()
        qtbot.mouseDClick(bar, LEFT, NONE, point(bar, 50, "color"))
        qtbot.mouseClick(bar, LEFT, NONE, point(bar, 75, "opacity"))  # above: opacity
        seen["opacity"] = dialog.findChild(QDoubleSpinBox, "GradientOpacity_1").value()

    seen = reopen(w, qtbot, layer, drive)
    assert seen["rows"] == [0.0, 50.0, 100.0]
    assert seen["grey"] in ("#7F7F7F", "#808080")  # the gradient's colour there
    assert asked and asked[0] in ("#7f7f7f", "#808080")  # the picker opened on it
    settings = layer.settings
    made = [(0.0, (0, 0, 0)), (50.0, (255, 0, 0)), (100.0, (255, 255, 255))]
    assert settings.stops == tuple(made)
    assert seen["opacity"] == 100.0 and settings.opacity_stops == (
        (0.0, 100.0), (75.0, 100.0), (100.0, 100.0))
    renderer = w.session.renderer
    renderer.update()
    rgb = renderer.composite.array[..., [2, 1, 0]].astype(int)
    assert np.abs(rgb[32, 48] - (255, 0, 0)).max() <= 1  # red halfway
    np.testing.assert_allclose(rgb[32].mean(axis=-1), expected(made), atol=1)


def test_a_stop_dragged_off_the_bar_or_deleted_goes_and_cancel_puts_all_back(opened, qtbot):
    w, doc = opened, opened.doc
    layer = make_layer(w, qtbot)
    first = screen(w)
    steps = doc.history.count

    def drive(dialog, seen):
        bar = dialog.bar
        qtbot.mouseClick(bar, LEFT, NONE, point(bar, 50, "color"))  # a third stop
        seen["three"] = len(dialog.settings.stops)
        start = point(bar, 50, "color")
        qtbot.mousePress(bar, LEFT, NONE, start)
        qtbot.mouseMove(bar, QPoint(start.x(), bar.height() + OFF + 10))  # off the bar
        seen["off"] = len(dialog.settings.stops)
        seen["rows_off"] = dialog.findChild(QDoubleSpinBox, "GradientStopLocation_2")
        qtbot.mouseRelease(bar, LEFT, NONE, QPoint(start.x(), bar.height() + OFF + 10))
        # The white stop selected by a click on it, then Delete: black alone is left.
        qtbot.mouseClick(bar, LEFT, NONE, point(bar, 100, "color"))
        qtbot.keyClick(bar, Qt.Key.Key_Delete)
        seen["deleted"] = dialog.settings.stops
        seen["live"] = screen(w)
        qtbot.mouseClick(bar, LEFT, NONE, point(bar, 0, "color"))
        qtbot.keyClick(bar, Qt.Key.Key_Delete)  # the last one stays
        seen["last"] = dialog.settings.stops
        seen["cancel"] = True

    seen = reopen(w, qtbot, layer, drive)
    assert seen["three"] == 3 and seen["off"] == 2 and seen["rows_off"] is None
    assert seen["deleted"] == seen["last"] == ((0.0, (0, 0, 0)),)
    assert seen["live"].max() <= 1  # all black, live
    assert doc.history.count == steps
    assert layer.settings.stops == ((0.0, (0, 0, 0)), (100.0, (255, 255, 255)))
    np.testing.assert_allclose(screen(w), first, atol=0.5)


def test_dragging_a_midpoint_diamond_bends_the_stretch(opened, qtbot):
    w, doc = opened, opened.doc
    layer = make_layer(w, qtbot)
    first = screen(w)
    steps = doc.history.count

    def drive(dialog, seen):
        bar = dialog.bar
        row = dialog.findChild(QDoubleSpinBox, "GradientMidpoint_1")
        seen["typed"] = (row.value(), row.setValue(40), bar.midpoint_x("color", 1))[::2]
        drag(qtbot, bar, diamond(bar, 40), diamond(bar, 25))
        seen["at"] = (bar.midpoint_x("color", 1), row.value())
        drag(qtbot, bar, diamond(bar, 25), diamond(bar, 1))  # 5 % at least

    seen = reopen(w, qtbot, layer, drive)
    assert seen["typed"] == (50.0, bar_x(40))  # the bar follows the row's precise entry
    assert seen["at"] == (bar_x(25), 25.0)  # and the row follows the bar
    assert layer.settings.midpoints == (50.0, 5.0)  # (the first stop's is unused)
    assert doc.history.count == steps + 1
    shown = screen(w)
    stops = [(0, (0, 0, 0)), (100, (255, 255, 255))]
    np.testing.assert_allclose(shown[32], expected(stops, [0.5, 0.05]), atol=1)
    assert abs(shown[32, 5] - 127.5) <= 2  # half and half at the midpoint (5 % of 96)
    w.actions["undo"].trigger()
    assert layer.settings.midpoints == ()
    np.testing.assert_allclose(screen(w), first, atol=0.5)


def bar_x(at: float) -> float:
    return GradientBar.x_of(at)
