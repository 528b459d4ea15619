"""Hue/Saturation's colour bars in Properties, driven with the mouse as a user would: the
upper bar the hues in, the lower one the hues as the settings leave them; for a range
(Reds ... Magentas) its four corners dragged on the slider between the bars (a handle its
corner, the grey between a triangle and a bar both, the middle all four), each drag one
undo step with the canvas following; the corners stay in order; the typed corners follow.
Master shows the bars without a slider."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox

from editor.model import adjustments as adj
from editor.model.render import composite_document
from editor.ui.hue_bars import HueBars

from test_ui_adjustments import W, H, editor_widget, screen
from ui_helpers import drag, make_window, open_photo

YELLOWS = adj.HUE_RANGES[1]  # (15, 45, 75, 105)


def degrees_to_px(bars: HueBars, degrees: float) -> float:
    return degrees / 360.0 * bars.strip_rect().width()


def moved(bars: HueBars, corner: int, degrees: float) -> QPoint:
    """The handle of `corner`, `degrees` along the bars."""
    return bars.handle_pos(corner) + QPoint(round(degrees_to_px(bars, degrees)), 0)


def near(corners, expected, tol: int = 1) -> bool:
    return all(min((a - b) % 360, (b - a) % 360) <= tol for a, b in zip(corners, expected))


def shown_corners(w) -> list[int]:
    return [int(editor_widget(w, QDoubleSpinBox, prefix).value()) for prefix in
            ("Adjust_Falloff_7", "Adjust_Range_8", "Adjust_Range_9", "Adjust_Falloff_10")]


@pytest.fixture
def hue(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.actions["adjustment_hue_saturation"].trigger()
    layer = w.doc.active
    bars = editor_widget(w, HueBars, "Adjust_Colour")
    assert bars.index is None and bars.corners is None  # Master: no slider
    editor_widget(w, QComboBox, "Adjust_Range").setCurrentIndex(2)  # Yellows: the cat's fur
    # Drained fur, so that every move of the range shows on the canvas.
    editor_widget(w, QDoubleSpinBox, "Adjust_Saturation").setValue(-100)
    bars = editor_widget(w, HueBars, "Adjust_Colour")
    qtbot.waitUntil(lambda: bars.width() >= 200)
    assert bars.index == 1 and bars.corners == YELLOWS
    return w, layer, bars


def test_dragging_a_handle_moves_its_corner_one_step_and_undo_restores_it(hue, qtbot):
    w, layer, bars = hue
    doc = w.doc
    steps, before = doc.history.count, screen(w)
    # The falloff's start (a triangle), 10 degrees to the left: only that corner.
    drag(qtbot, bars, [bars.handle_pos(0), moved(bars, 0, -5), moved(bars, 0, -10)])
    corners = layer.settings.ranges[1][0]
    assert near(corners, (5, 45, 75, 105)) and corners[1:] == YELLOWS[1:]
    assert layer.settings.ranges[1][1] == (0, -100, 0)
    assert doc.history.count == steps + 1
    assert shown_corners(w) == list(corners)  # the typed fields follow
    after = screen(w)
    assert np.abs(after - composite_document(doc, precise=False)[..., :3]).max() <= 1
    assert not np.array_equal(after, before)  # orange fur now drained too
    # The range's end (a white bar), 20 degrees to the right.
    drag(qtbot, bars, [bars.handle_pos(2), moved(bars, 2, 20)])
    assert near(layer.settings.ranges[1][0], (corners[0], 45, 95, 105))
    assert doc.history.count == steps + 2
    w.actions["undo"].trigger()
    assert layer.settings.ranges[1][0] == corners
    w.actions["undo"].trigger()
    assert layer.settings.ranges[1][0] == YELLOWS
    qtbot.waitUntil(lambda: bars.corners == YELLOWS)
    assert shown_corners(w) == list(YELLOWS)
    np.testing.assert_array_equal(screen(w), before)


def test_corners_cannot_cross_their_neighbours(hue, qtbot):
    w, layer, bars = hue
    # The range's start dragged far right stops at the range's end; the falloff's end
    # dragged far left stops there too.
    drag(qtbot, bars, [bars.handle_pos(1), moved(bars, 1, 50), moved(bars, 1, 100)])
    assert layer.settings.ranges[1][0] == (15, 75, 75, 105)
    # Two corners on top of each other: the one on the side pressed moves away.
    on = bars.handle_pos(1)
    assert bars.handle_pos(2) == on
    drag(qtbot, bars, [on + QPoint(2, 0), on + QPoint(2 + round(degrees_to_px(bars, 10)), 0)])
    assert near(layer.settings.ranges[1][0], (15, 75, 85, 105))
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: bars.corners == (15, 75, 75, 105))
    drag(qtbot, bars, [on - QPoint(2, 0), on - QPoint(2 + round(degrees_to_px(bars, 10)), 0)])
    assert near(layer.settings.ranges[1][0], (15, 65, 75, 105))
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: bars.corners == (15, 75, 75, 105))
    drag(qtbot, bars, [bars.handle_pos(3), moved(bars, 3, -90)])
    assert layer.settings.ranges[1][0] == (15, 75, 75, 75)
    # The falloff's start dragged left round the bar stops 1 degree short of a turn.
    drag(qtbot, bars, [bars.handle_pos(0), QPoint(-400, bars.handle_pos(0).y())])
    corners = layer.settings.ranges[1][0]
    assert corners == (76, 75, 75, 75)
    assert (corners[3] - corners[0]) % 360 == 359
    # A typed corner past its neighbour stops there too (and the field says so).
    w.actions["undo"].trigger()
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: bars.corners == (15, 75, 75, 105))
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Range_8")
    spin.setValue(100)
    assert layer.settings.ranges[1][0] == (15, 75, 75, 105)
    spin = editor_widget(w, QDoubleSpinBox, "Adjust_Range_8")
    assert spin.value() == 75
    steps = w.doc.history.count
    spin.setValue(90)  # already at its neighbour: nothing changes, the field shows 75
    assert w.doc.history.count == steps and spin.value() == 75


def test_dragging_the_middle_moves_the_range_and_a_falloff_band_moves_two(hue, qtbot):
    w, layer, bars = hue
    middle = (bars.handle_pos(1) + bars.handle_pos(2)) / 2
    drag(qtbot, bars, [middle, middle + QPoint(round(degrees_to_px(bars, -60)), 0)])
    corners = layer.settings.ranges[1][0]
    assert near(corners, (315, 345, 15, 45), tol=1)  # the Reds' place, wrapped past 0
    assert len({(c - y) % 360 for c, y in zip(corners, YELLOWS)}) == 1  # all alike
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: bars.corners == YELLOWS)  # the slider follows the undo
    # The grey between the falloff's start and the range's start: both move.
    band = (bars.handle_pos(0) + bars.handle_pos(1)) / 2
    drag(qtbot, bars, [band, band + QPoint(round(degrees_to_px(bars, 10)), 0)])
    assert near(layer.settings.ranges[1][0], (25, 55, 75, 105))
    assert layer.settings.ranges[1][0][2:] == (75, 105)


def test_the_canvas_follows_a_drag_live_and_the_drag_stays_one_step(hue, qtbot):
    w, layer, bars = hue
    steps = w.doc.history.count
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    start = bars.handle_pos(3)

    def along(d):  # d degrees right of where the drag started
        return start + QPoint(round(degrees_to_px(bars, d)), 0)

    qtbot.mousePress(bars, left, none, start)
    for d in (10, 25, 40):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, bars, left, none, along(d))
        QApplication.processEvents()  # the panel refreshes between moves
        assert near(layer.settings.ranges[1][0], (15, 45, 75, 105 + d))
        reference = composite_document(w.doc, precise=False)[..., :3]
        assert np.abs(screen(w) - reference).max() <= 1
    qtbot.mouseRelease(bars, left, none, along(40))
    assert w.doc.history.count == steps + 1


def bar_colour(bars: HueBars, degrees: float, lower: bool) -> tuple:
    image = bars.grab().toImage()
    ratio = image.width() / bars.width()
    x = bars.x_of(degrees)
    y = bars.bar_rect(lower).center().y()
    c = image.pixelColor(round(x * ratio), round(y * ratio))
    return c.hue(), c.saturation()


def test_the_lower_bar_shows_the_hues_as_adjusted(hue, qtbot):
    """Upper bar: the hue itself; lower: as the renderer leaves it (Yellows turned +60 are
    green; the drained saturation greys them; hues outside the range keep theirs)."""
    w, layer, bars = hue
    editor_widget(w, QDoubleSpinBox, "Adjust_Saturation").setValue(0)
    editor_widget(w, QDoubleSpinBox, "Adjust_Hue").setValue(60)
    bars = editor_widget(w, HueBars, "Adjust_Colour")
    upper_hue, _ = bar_colour(bars, 60, lower=False)
    lower_hue, _ = bar_colour(bars, 60, lower=True)
    assert abs(upper_hue - 60) <= 4 and abs(lower_hue - 120) <= 4
    assert abs(bar_colour(bars, 240, lower=True)[0] - 240) <= 4  # blue: outside the range
    # Master: the bars stay (showing the master's hue), without a slider to drag.
    editor_widget(w, QComboBox, "Adjust_Range").setCurrentIndex(0)
    editor_widget(w, QDoubleSpinBox, "Adjust_Hue").setValue(-120)
    bars = editor_widget(w, HueBars, "Adjust_Colour")
    assert bars.corners is None
    assert abs(bar_colour(bars, 240, lower=True)[0] - 120) <= 4  # blue turned to green
    steps, settings = w.doc.history.count, layer.settings
    drag(qtbot, bars, [QPoint(bars.width() // 2, bars.strip_rect().center().y()),
                       QPoint(bars.width() // 2 + 40, bars.strip_rect().center().y())])
    assert w.doc.history.count == steps and layer.settings == settings
    # Colorize: every hue comes out as the colour it sets; no slider either.
    from PySide6.QtWidgets import QCheckBox

    editor_widget(w, QCheckBox, "Adjust_Colorize").setChecked(True)
    editor_widget(w, QDoubleSpinBox, "Adjust_Hue").setValue(200)
    editor_widget(w, QDoubleSpinBox, "Adjust_Saturation").setValue(100)
    bars = editor_widget(w, HueBars, "Adjust_Colour")
    assert bars.corners is None
    for degrees in (45, 135, 225, 315):
        assert abs(bar_colour(bars, degrees, lower=True)[0] - 200) <= 4
        assert abs(bar_colour(bars, degrees, lower=False)[0] - degrees) <= 4


def test_choosing_a_range_swaps_the_rows_without_deleting_the_combo_mid_signal(
        qtbot, tmp_path, monkeypatch):
    """Master -> Yellows shows other rows; the combo that asked for them is still emitting,
    so it must outlive its signal (deleted from the event loop), or Qt crashes."""
    import shiboken6
    from PySide6.QtCore import QEvent

    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.actions["adjustment_hue_saturation"].trigger()
    combo = editor_widget(w, QComboBox, "Adjust_Range")
    combo.setCurrentIndex(2)
    assert shiboken6.isValid(combo) and not combo.isVisibleTo(w.properties_panel)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(combo)
    shown = editor_widget(w, QComboBox, "Adjust_Range")
    assert shown is not combo and shown.currentIndex() == 2
    assert editor_widget(w, HueBars, "Adjust_Colour").corners == YELLOWS
