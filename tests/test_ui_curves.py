"""The Curves graph in Properties, driven with the mouse as a user would: a click adds a
point, a drag moves it, a drag off the graph (or Delete) removes it, each drag one undo
step with the canvas following; the channel choice edits that channel's curve; the graph
draws the spline the renderer applies, over the histogram of what lies below."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QLineEdit

from editor.model import adjustment_ops, adjustments as adj, edit_ops
from editor.model.render import composite_document
from editor.ui.curve_graph import CURVE_COLOURS, CurveGraph

from test_ui_adjustments import W, H, editor_widget, screen
from ui_helpers import drag, make_window, open_photo


def at(graph: CurveGraph, x: int, y: int) -> QPoint:
    return graph.to_widget(x, y).toPoint()


def near(points, expected, tol: int = 1) -> bool:
    return len(points) == len(expected) and all(
        abs(a - c) <= tol and abs(b - d) <= tol for (a, b), (c, d) in zip(points, expected))


@pytest.fixture
def curves(qtbot, tmp_path, monkeypatch):
    w = make_window(qtbot, tmp_path, monkeypatch)
    open_photo(w, qtbot, tmp_path, monkeypatch, W, H)
    w.actions["adjustment_curves"].trigger()
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    qtbot.waitUntil(lambda: graph.width() >= 160)
    qtbot.waitUntil(lambda: graph.histogram is not None)  # made off the GUI thread
    return w, w.doc.active, graph


def test_click_adds_drag_moves_drag_off_removes_each_one_undo_step(curves, qtbot):
    w, layer, graph = curves
    doc = w.doc
    before = screen(w)
    steps = doc.history.count
    # A click (press, moves, release) adds a point where it lands and drags it: one step.
    drag(qtbot, graph, [at(graph, 64, 64), at(graph, 64, 100), at(graph, 64, 128)])
    assert near(layer.settings.rgb, ((0, 0), (64, 128), (255, 255)))
    assert doc.history.count == steps + 1
    added = screen(w)
    assert (added >= before).all() and (added > before).mean() > 0.5  # lifted: brighter
    reference = composite_document(doc, precise=False)[..., :3].astype(int)
    assert np.abs(added - reference).max() <= 1  # the canvas follows the settings
    # The point is dragged elsewhere; it cannot pass its neighbours (input kept < 255).
    just_right = QPoint(int(graph.square().right()) + 6, at(graph, 0, 60).y())  # still on it
    drag(qtbot, graph, [at(graph, 64, 128), at(graph, 120, 90), just_right])
    moved = layer.settings.rgb
    assert len(moved) == 3 and moved[1][0] == 254 and abs(moved[1][1] - 60) <= 1
    assert doc.history.count == steps + 2
    # Dragged off the graph, it goes (the curve back to its two end points): one step.
    below_graph = QPoint(graph.width() // 2, graph.height() + 40)
    drag(qtbot, graph, [at(graph, *moved[1]), at(graph, 200, 40), below_graph])
    assert layer.settings.rgb == adj.CURVE_IDENTITY
    assert doc.history.count == steps + 3
    np.testing.assert_array_equal(screen(w), before)
    # Undo walks back step by step, the graph following.
    w.actions["undo"].trigger()
    assert layer.settings.rgb == moved
    qtbot.waitUntil(lambda: graph.points == moved)
    w.actions["undo"].trigger()
    assert near(layer.settings.rgb, ((0, 0), (64, 128), (255, 255)))
    np.testing.assert_array_equal(screen(w), added)
    w.actions["undo"].trigger()
    assert layer.settings.rgb == adj.CURVE_IDENTITY
    np.testing.assert_array_equal(screen(w), before)


def test_off_and_back_on_keeps_the_point_and_two_points_stay(curves, qtbot):
    w, layer, graph = curves
    steps = w.doc.history.count
    outside = QPoint(graph.width() + 40, graph.height() // 2)
    drag(qtbot, graph, [at(graph, 128, 128), at(graph, 128, 180), outside, at(graph, 100, 160)])
    assert near(layer.settings.rgb, ((0, 0), (100, 160), (255, 255)))
    assert w.doc.history.count == steps + 1
    # An end point dragged off a two-point curve stays (a curve has two points at least).
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: graph.points == adj.CURVE_IDENTITY)
    drag(qtbot, graph, [at(graph, 255, 255), outside])
    assert len(layer.settings.rgb) == 2 and layer.settings.rgb[0] == (0, 0)


def test_delete_removes_the_selected_point(curves, qtbot):
    w, layer, graph = curves
    drag(qtbot, graph, [at(graph, 100, 60), at(graph, 100, 60)])
    drag(qtbot, graph, [at(graph, 180, 220), at(graph, 180, 220)])
    assert near(layer.settings.rgb, ((0, 0), (100, 60), (180, 220), (255, 255)))
    steps = w.doc.history.count
    drag(qtbot, graph, [at(graph, 100, 60), at(graph, 100, 60)])  # selects it, moves nothing
    assert w.doc.history.count == steps
    qtbot.keyClick(graph, Qt.Key.Key_Delete)
    assert near(layer.settings.rgb, ((0, 0), (180, 220), (255, 255)))
    assert w.doc.history.count == steps + 1
    w.actions["undo"].trigger()
    assert len(layer.settings.rgb) == 4


def test_channel_choice_edits_that_channel_and_graph_draws_the_renderers_spline(curves, qtbot):
    w, layer, graph = curves
    before = screen(w)
    combo = editor_widget(w, QComboBox, "Adjust_Channel")
    combo.setCurrentIndex(1)  # Red
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    assert graph.channel == 1
    drag(qtbot, graph, [at(graph, 128, 128), at(graph, 128, 200)])
    assert layer.settings.rgb == adj.CURVE_IDENTITY
    assert near(layer.settings.red, ((0, 0), (128, 200), (255, 255)))
    after = screen(w)
    assert (after[..., 0] >= before[..., 0]).all() and (after[..., 0] > before[..., 0]).mean() > 0.5
    np.testing.assert_array_equal(after[..., 1:], before[..., 1:])
    # The drawn curve is the renderer's spline: its colour at (x, curve(x)), not on the diagonal.
    image = graph.grab().toImage()
    ratio = image.width() / graph.width()
    x = 64
    y = float(adj.curve(np.array([x / 255]), layer.settings.red)[0] * 255)
    on = graph.to_widget(x, y)
    colour = image.pixelColor(round(on.x() * ratio), round(on.y() * ratio))
    red = QColor(CURVE_COLOURS[1])
    assert abs(colour.red() - red.red()) < 60 and colour.red() > colour.green() + 60
    diagonal = graph.to_widget(x, x)
    assert image.pixelColor(round(diagonal.x() * ratio),
                            round(diagonal.y() * ratio)).red() < 150
    # The histogram behind it is the one of the layers below, per channel.
    counts = adjustment_ops.histogram_below(w.doc, layer)
    np.testing.assert_array_equal(graph.histogram, counts[1])
    below = composite_document(w.doc, below=layer, precise=False)
    assert counts[1].sum() == W * H  # a small canvas: every pixel counted
    np.testing.assert_array_equal(counts[1], np.bincount(below[..., 0].ravel(), minlength=256))


def test_a_drag_stays_one_step_while_the_panel_refreshes_between_moves(curves, qtbot):
    """As in the running application: the Properties panel and the canvas refresh between
    mouse moves (the event loop runs); the drag still holds its point and is one step."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    w, layer, graph = curves
    steps = w.doc.history.count
    left = Qt.MouseButton.LeftButton
    none = Qt.KeyboardModifier.NoModifier
    qtbot.mousePress(graph, left, none, at(graph, 128, 128))
    for y in (140, 160, 180, 200):
        QTest.mouseEvent(QTest.MouseAction.MouseMove, graph, left, none, at(graph, 128, y))
        QApplication.processEvents()
        w.session.renderer.update()
        assert near(layer.settings.rgb, ((0, 0), (128, y), (255, 255)))
    qtbot.mouseRelease(graph, left, none, at(graph, 128, 200))
    assert w.doc.history.count == steps + 1
    edit = editor_widget(w, QLineEdit, "Adjust_Points")
    assert adj.parse_points(edit.text()) == layer.settings.rgb  # the numbers follow


def eye_click(w, qtbot, node) -> None:
    """Clicks `node`'s eye in the Layers panel (shows or hides it)."""
    from editor.ui.layers_panel import EYE_W

    rows = w.layers_panel.list
    rows.rebuild()
    qtbot.mouseClick(rows, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(EYE_W // 2, rows.row_rect(node).center().y()))


@pytest.fixture
def counted(curves, monkeypatch):
    """The curves fixture, counting the histograms the editor makes."""
    made = []
    real = adjustment_ops.histogram_below

    def counting(doc, node):
        made.append(node)
        return real(doc, node)

    monkeypatch.setattr(adjustment_ops, "histogram_below", counting)
    return curves + (made,)


def test_histogram_follows_the_layers_below_once_they_are_still(counted, qtbot):
    """Photoshop's graph follows the document: hiding, painting or undoing below the Curves
    layer makes its histogram again, once the changes stop (not once per change)."""
    w, layer, graph, made = counted
    doc = w.doc
    photo = doc.root.children[0]
    first = graph.histogram.copy()
    assert first.sum() == W * H * 3
    # Hidden (the eye in the Layers panel): nothing below, an empty histogram, after a pause.
    eye_click(w, qtbot, photo)
    assert not photo.visible and doc.active is layer
    np.testing.assert_array_equal(graph.histogram, first)  # not yet: it waits for stillness
    qtbot.waitUntil(lambda: graph.histogram.sum() == 0, timeout=3000)
    assert len(made) == 1
    # Shown again, then five quick changes below (undo, redo...): one histogram at the end.
    del made[:]
    w.actions["undo"].trigger()
    qtbot.waitUntil(lambda: graph.histogram.sum() == W * H * 3, timeout=3000)
    np.testing.assert_array_equal(graph.histogram, first)
    del made[:]
    edit_ops.fill(doc, photo, (255, 0, 0, 255))  # no selection: the whole layer, one step
    for _ in range(2):
        w.actions["undo"].trigger()
        w.actions["redo"].trigger()
    qtbot.waitUntil(lambda: len(made) == 1, timeout=3000)
    qtbot.wait(400)
    assert len(made) == 1
    red = np.zeros(256, np.int64)
    red[255] = W * H
    np.testing.assert_array_equal(graph.histogram, red + W * H * np.eye(256, dtype=np.int64)[0] * 2)
    np.testing.assert_array_equal(graph.histogram, adjustment_ops.histogram_below(doc, layer)[0])
    # The channel shown follows too: the Red channel's histogram is all 255.
    editor_widget(w, QComboBox, "Adjust_Channel").setCurrentIndex(1)
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    np.testing.assert_array_equal(graph.histogram, red)


def test_histogram_ignores_the_adjustment_itself_and_what_lies_above(counted, qtbot):
    """Nodes above the Curves layer and the layer's own mask and settings do not change
    what it sees: no histogram is made for them."""
    w, layer, graph, made = counted
    doc = w.doc
    first = graph.histogram.copy()
    above = doc.add_image(np.full((H, W, 4), 255, np.uint8), "white above")
    doc.set_active(layer)
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    qtbot.wait(400)
    del made[:]  # adding a layer changes the stack: made again once (the same counts)
    eye_click(w, qtbot, above)
    assert not above.visible
    edit_ops.fill(doc, above, (0, 0, 0, 255))
    drag(qtbot, graph, [at(graph, 64, 64), at(graph, 64, 120)])  # its own curve
    doc.set_visible(layer, False)  # its own eye
    qtbot.wait(400)
    assert made == []
    np.testing.assert_array_equal(graph.histogram, first)


def test_histogram_made_fresh_when_the_curves_layer_is_shown_again(counted, qtbot):
    """Painted with the pixel layer active (Properties then shows that layer, and nothing is
    followed), the histogram is fresh when the Curves layer is selected again."""
    w, layer, graph, made = counted
    doc = w.doc
    photo = doc.root.children[0]
    doc.set_active(photo)
    editor_widget(w, QLineEdit, "PropName")
    del made[:]
    edit_ops.fill(doc, photo, (0, 0, 255, 255))
    qtbot.wait(400)
    assert made == []  # no Curves layer in Properties: nothing made
    doc.set_active(layer)
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    qtbot.waitUntil(lambda: graph.histogram is not None, timeout=3000)
    assert made == [layer]
    np.testing.assert_array_equal(graph.histogram, adjustment_ops.histogram_below(doc, layer)[0])
    assert graph.histogram[0] == 2 * W * H and graph.histogram[255] == W * H


def test_a_shown_curves_layer_draws_at_once_and_gets_its_histogram_off_the_gui_thread(
        curves, qtbot, monkeypatch):
    """Selecting a Curves layer does not wait for the counts: the graph shows without a
    histogram, and the counts, made on a worker thread, fill it in."""
    import threading

    w, layer, graph = curves
    doc = w.doc
    threads, real = [], adjustment_ops.histogram_below

    def recording(doc_, node):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(doc_, node)

    monkeypatch.setattr(adjustment_ops, "histogram_below", recording)
    doc.set_active(doc.root.children[0])
    editor_widget(w, QLineEdit, "PropName")
    doc.set_active(layer)
    graph = editor_widget(w, CurveGraph, "Adjust_Curve")
    assert graph.histogram is None and threads == []  # shown before anything is counted
    qtbot.waitUntil(lambda: graph.histogram is not None, timeout=3000)
    assert threads == [False]
    np.testing.assert_array_equal(graph.histogram, real(doc, layer)[0])


def test_histogram_made_again_off_the_gui_thread_and_overtaken_ones_dropped(curves, qtbot,
                                                                            monkeypatch):
    """After a change below, the histogram is made on a worker thread; a change made while
    it is being made drops that result and makes it again from the document as it is."""
    import threading
    import time

    w, layer, graph = curves
    doc = w.doc
    photo = doc.root.children[0]
    calls, real = [], adjustment_ops.histogram_below

    def slow(doc_, node):
        calls.append(threading.current_thread() is threading.main_thread())
        if len(calls) == 1:
            time.sleep(0.5)  # long enough for a change to come while it is being made
        return real(doc_, node)

    monkeypatch.setattr(adjustment_ops, "histogram_below", slow)
    below = w.properties_panel.adjustment.histogram
    shown = []
    below.changed.connect(lambda: shown.append(below.counts()[0].copy()))
    edit_ops.fill(doc, photo, (255, 0, 0, 255))
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=3000)
    edit_ops.fill(doc, photo, (0, 0, 255, 255))  # while the red one is being made
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=3000)
    blue = np.zeros(256, np.int64)
    blue[0] = 2 * W * H  # red and green 0, blue 255: the RGB histogram sums them
    blue[255] = W * H
    qtbot.waitUntil(lambda: np.array_equal(graph.histogram, blue), timeout=3000)
    qtbot.wait(300)
    assert calls == [False, False]  # both off the GUI thread
    assert len(shown) == 1 and np.array_equal(shown[0], blue)  # the red one never shown
    np.testing.assert_array_equal(graph.histogram, blue)


@pytest.mark.parametrize("typed, reason", [("0,0 abc 255,255", "'abc' is not a point"),
                                           ("0,0", "A curve has 2 to 19 points."),
                                           ("0,0 300,255", "Curve points lie in 0..255.")])
def test_points_typed_wrong_say_why_in_a_sentence(curves, qtbot, typed, reason):
    """Bad points typed in Properties: the curve and the field stay as they were, and the
    dialog says why in words (not "ValueError: invalid literal for int()...")."""
    w, layer, graph = curves
    before, steps = layer.settings, w.doc.history.count
    edit = editor_widget(w, QLineEdit, "Adjust_Points")
    edit.setText(typed)
    edit.editingFinished.emit()
    assert layer.settings == before and w.doc.history.count == steps
    assert adj.parse_points(edit.text()) == before.rgb
    title, message = w.test_errors[-1]
    assert message.startswith(reason) and "Error" not in message
