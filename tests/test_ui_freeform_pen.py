"""The Freeform Pen (Shift+P after the Pen), driven as a Photoshop user would: a circle
dragged by hand becomes a closed path of few smooth anchors (fewer with a looser Curve
Fit) that follows the stroke; with Magnetic, rough clicks near a dark disc's edge give a
path round the disc itself; Esc drops a trace, Enter ends it open; one undo step each."""
from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox

from editor.model import paths

from test_ui_magnetic_lasso import CLICKS, CX, CY, R, click, disc_picture, iou
from ui_helpers import image_drag, image_pos, pasted_window

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def disc(qtbot, tmp_path, monkeypatch):
    pixels, truth = disc_picture()
    window = pasted_window(qtbot, tmp_path, monkeypatch, pixels, 4.0)
    return window, truth


def freeform_pen_in_path_mode(window, qtbot):
    canvas = window.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_P)
    qtbot.keyClick(canvas, Qt.Key.Key_P, SHIFT)
    tool = window.tools.current
    assert tool.id == "freeform_pen"
    box = tool.options().findChild(QComboBox, "PenMode")
    box.setCurrentIndex(box.findData("path"))
    box.activated.emit(box.currentIndex())
    assert tool.mode == "path"
    return tool


def work_subpaths(doc):
    work = paths.work_path(doc)
    return [] if work is None else work.vector.subpaths


def test_a_freehand_circle_becomes_few_smooth_anchors(disc, qtbot):
    window, _truth = disc
    doc, canvas = window.doc, window.canvas
    tool = freeform_pen_in_path_mode(window, qtbot)
    wobble = np.random.default_rng(5).normal(0, 0.4, (72, 2))
    ring = [(CX + 30 * math.cos(a) + dx, CY + 30 * math.sin(a) + dy)
            for a, (dx, dy) in zip(np.linspace(0, 2 * math.pi, 72), wobble)]
    ring[-1] = ring[0]  # ends on its start: closed
    image_drag(qtbot, canvas, ring)
    assert doc.history.undo_name() == "New Work Path"
    [subpath] = work_subpaths(doc)
    assert subpath.closed and 2 <= len(subpath.knots) <= 8
    yy, xx = np.mgrid[0:doc.height, 0:doc.width] + 0.5
    circle = np.hypot(xx - CX, yy - CY) <= 30
    assert iou(paths.coverage(doc, paths.work_path(doc).vector), circle) > 0.97
    # Curve Fit 0.5 follows the wobbles with more anchors.
    fit = tool.options().findChild(QDoubleSpinBox, "FreeformCurveFit")
    fit.setValue(0.5)
    assert tool.curve_fit == 0.5
    window.actions["undo"].trigger()
    assert work_subpaths(doc) == []
    image_drag(qtbot, canvas, ring)
    [tight] = work_subpaths(doc)
    assert len(tight.knots) > len(subpath.knots) + 3
    # A stroke that ends away from its start stays open.
    window.actions["undo"].trigger()
    image_drag(qtbot, canvas, ring[:40])
    [open_one] = work_subpaths(doc)
    assert not open_one.closed
    window.actions["undo"].trigger()  # (no Work Path for Auto Add/Delete to act on)
    # Esc while dragging drops the stroke.
    steps = doc.history.count
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, *ring[0]))
    for x, y in ring[1:30]:
        QTest.mouseEvent(QTest.MouseAction.MouseMove, canvas, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, image_pos(canvas, x, y))
    assert tool.drawing
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=image_pos(canvas, *ring[30]))
    assert not tool.drawing and doc.history.count == steps
    # Shape mode (the Pen's default): into the active layer's vector mask.
    box = tool.options().findChild(QComboBox, "PenMode")
    box.setCurrentIndex(box.findData("shape"))
    box.activated.emit(box.currentIndex())
    layer = doc.active
    assert getattr(layer, "vector_mask", None) is None
    image_drag(qtbot, canvas, ring)
    assert len(layer.vector_mask.subpaths) == 1 and layer.vector_mask.subpaths[0].closed


def test_magnetic_traces_the_disc(disc, qtbot):
    window, truth = disc
    doc, canvas = window.doc, window.canvas
    tool = freeform_pen_in_path_mode(window, qtbot)
    tool.options().findChild(QCheckBox, "FreeformMagnetic").setChecked(True)
    assert tool.magnetic
    # Esc drops a trace: no path.
    for x, y in CLICKS[:3]:
        click(qtbot, canvas, x, y)
    assert tool.trace.active
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not tool.drawing and work_subpaths(doc) == []
    # Rough clicks round the disc, Backspace takes a wrong one back, a click on the first
    # point closes: a path round the disc itself, smooth and with few anchors.
    for x, y in CLICKS[:3]:
        click(qtbot, canvas, x, y)
    click(qtbot, canvas, CX, CY)  # the middle of the disc: not wanted
    qtbot.keyClick(canvas, Qt.Key.Key_Backspace)
    assert len(tool.trace.anchors) == 3
    click(qtbot, canvas, CX, CY)
    window.actions["undo"].trigger()  # Ctrl+Z while tracing: the last point, as Backspace
    assert len(tool.trace.anchors) == 3 and tool.trace.active
    for x, y in CLICKS[3:]:
        click(qtbot, canvas, x, y)
    steps = doc.history.count
    click(qtbot, canvas, *tool.trace.anchors[0])
    assert doc.history.count == steps + 1 and doc.history.undo_name() == "New Work Path"
    [subpath] = work_subpaths(doc)
    assert subpath.closed and len(subpath.knots) <= 24
    assert iou(paths.coverage(doc, paths.work_path(doc).vector), truth) > 0.95
    # Enter ends a trace open, where it was last fastened.
    for x, y in CLICKS[:3]:
        click(qtbot, canvas, x, y)
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert len(work_subpaths(doc)) == 2 and not work_subpaths(doc)[1].closed
    ends = work_subpaths(doc)[1].knots[[0, -1], 1]
    for x, y in ends:
        assert abs(math.hypot(x - CX, y - CY) - R) <= 1.5  # on the edge
    window.actions["undo"].trigger()
    assert len(work_subpaths(doc)) == 1
